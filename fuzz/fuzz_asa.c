/* fuzz_asa.c - libFuzzer target: the asa parser, forced. */
#define FUZZ_FORMAT "asa"
#include "fuzz_common.h"
