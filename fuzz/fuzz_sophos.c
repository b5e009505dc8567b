/* fuzz_sophos.c - libFuzzer target: the sophos parser, forced. */
#define FUZZ_FORMAT "sophos"
#include "fuzz_common.h"
