/* fuzz_srx.c - libFuzzer target: the srx parser, forced. */
#define FUZZ_FORMAT "srx"
#include "fuzz_common.h"
