/* fuzz_panos.c - libFuzzer target: the panos parser, forced. */
#define FUZZ_FORMAT "panos"
#include "fuzz_common.h"
