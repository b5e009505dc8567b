/* fuzz_zyxel.c - libFuzzer target: the zyxel parser, forced. */
#define FUZZ_FORMAT "zyxel"
#include "fuzz_common.h"
