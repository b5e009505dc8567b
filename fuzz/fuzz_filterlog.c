/* fuzz_filterlog.c - libFuzzer target: the filterlog parser, forced. */
#define FUZZ_FORMAT "filterlog"
#include "fuzz_common.h"
