/* fuzz_dlink.c - libFuzzer target: the dlink parser, forced. */
#define FUZZ_FORMAT "dlink"
#include "fuzz_common.h"
