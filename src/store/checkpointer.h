/* checkpointer.h - copies a bulk import's WAL into the database on a thread
 * of its own.
 *
 * In WAL mode every page is written twice: appended to the WAL at commit,
 * then copied into the database file by a checkpoint.  SQLite runs that
 * checkpoint in the committing thread, and on a 10M-line import it was 17%
 * of the store thread -- the import's bottleneck.  A second connection can
 * checkpoint the committed frames while the writer goes on appending, so
 * the copy runs on the other core.
 *
 * The WAL file starts over from its beginning only when a write transaction
 * begins after every frame was copied; the writer waits for that now and
 * then (checkpointer_wait), or the WAL would grow by the whole import. */
#ifndef PORTLOG_CHECKPOINTER_H
#define PORTLOG_CHECKPOINTER_H

#include <stddef.h>

struct checkpointer;

/* Start a thread with its own connection to the database at path (open in
 * WAL mode by the caller): NULL, with err filled, when it cannot. */
struct checkpointer *checkpointer_start(const char *path, char *err, size_t errlen);
/* A transaction was committed: copy its frames when the thread is free. */
void checkpointer_kick(struct checkpointer *c);
/* Until a copy begun after the last kick has ended. */
void checkpointer_wait(struct checkpointer *c);
/* Copy what is left, end the thread, close its connection; NULL is a no-op. */
void checkpointer_stop(struct checkpointer *c);

#endif
