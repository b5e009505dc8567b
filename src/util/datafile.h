/* datafile.h - finding portlog's data files (data/signatures, data/payloads,
 * data/ports/...) when no environment variable names them. */
#ifndef PORTLOG_DATAFILE_H
#define PORTLOG_DATAFILE_H

#include <stddef.h>

/* The first directory holding a readable NAME (a path relative to it): the
 * data directories beside the running binary (build tree: build/portlog,
 * build/san/portlog, build/san/tests/x; installed: PREFIX/bin/portlog), then
 * PORTLOG_DATADIR.  Writes it into dir (cap bytes) and returns dir, or NULL
 * if none has NAME.  $PORTLOG_DATA and friends are the caller's to check. */
const char *datafile_dir(const char *name, char *dir, size_t cap);

#endif
