/* fuzz_mikrotik.c - libFuzzer target: the mikrotik parser, forced. */
#define FUZZ_FORMAT "mikrotik"
#include "fuzz_common.h"
