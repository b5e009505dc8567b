/* fuzz_netgear.c - libFuzzer target: the netgear parser, forced. */
#define FUZZ_FORMAT "netgear"
#include "fuzz_common.h"
