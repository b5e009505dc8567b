/* fuzz_linksys.c - libFuzzer target: the linksys parser, forced. */
#define FUZZ_FORMAT "linksys"
#include "fuzz_common.h"
