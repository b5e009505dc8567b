/* reputation_run.h - reputation findings again after the block list changed. */
#ifndef PORTLOG_REPUTATION_RUN_H
#define PORTLOG_REPUTATION_RUN_H

#include <stdint.h>

#include "../store/store.h"

/* Forget the reputation findings and find them again over every stored
 * event with the block list as stored now; commits.  *findings = finding
 * updates written.  0, or -1 with the store's error. */
int reputation_recompute(struct store *st, uint64_t *findings);

#endif
