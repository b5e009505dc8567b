/* fuzz_sonicwall.c - libFuzzer target: the sonicwall parser, forced. */
#define FUZZ_FORMAT "sonicwall"
#include "fuzz_common.h"
