/* fuzz_pf.c - libFuzzer target: the pf parser, forced. */
#define FUZZ_FORMAT "pf"
#include "fuzz_common.h"
