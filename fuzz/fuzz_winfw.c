/* fuzz_winfw.c - libFuzzer target: the winfw parser, forced. */
#define FUZZ_FORMAT "winfw"
#include "fuzz_common.h"
