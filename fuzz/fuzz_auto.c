/* fuzz_auto.c - libFuzzer target: auto-detection over every format. */
#define FUZZ_FORMAT "auto"
#include "fuzz_common.h"
