/* fuzz_netfilter.c - libFuzzer target: the netfilter parser, forced. */
#define FUZZ_FORMAT "netfilter"
#include "fuzz_common.h"
