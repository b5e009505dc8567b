/* fuzz_checkpoint.c - libFuzzer target: the checkpoint parser, forced. */
#define FUZZ_FORMAT "checkpoint"
#include "fuzz_common.h"
