/* fuzz_fortigate.c - libFuzzer target: the fortigate parser, forced. */
#define FUZZ_FORMAT "fortigate"
#include "fuzz_common.h"
