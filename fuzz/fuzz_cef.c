/* fuzz_cef.c - libFuzzer target: the cef parser, forced. */
#define FUZZ_FORMAT "cef"
#include "fuzz_common.h"
