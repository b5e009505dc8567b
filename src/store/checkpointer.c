/* checkpointer.c - the bulk import's WAL copied on a thread of its own
 * (checkpointer.h). */
#include "checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

struct checkpointer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 *db;
	uint64_t kicks;  /* commits announced */
	uint64_t copied; /* the kicks the last finished copy began after */
	int stop;
};

/* A PASSIVE checkpoint copies every committed frame no reader still needs,
 * without taking the writer's lock: the writer appends meanwhile.  Busy
 * (another connection checkpointing) is not an error: the next kick copies. */
static void copy_frames(struct checkpointer *c)
{
	sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void *run(void *arg)
{
	struct checkpointer *c = arg;
	/* Behind the reader and the store thread, which are the import's pace:
	 * the copy fills the time they leave on a second core. */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->stop && c->copied == c->kicks)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop && c->copied == c->kicks)
			break;
		uint64_t upto = c->kicks;
		pthread_mutex_unlock(&c->mu);
		copy_frames(c);
		pthread_mutex_lock(&c->mu);
		c->copied = upto;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct checkpointer *checkpointer_start(const char *path, char *err, size_t errlen)
{
	struct checkpointer *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* A connection opens the WAL at its first read; until then SQLite
	 * takes it for a database without one and checkpoints nothing. */
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
		    SQLITE_OK) {
		snprintf(err, errlen, "%s", c->db ? sqlite3_errmsg(c->db) : "out of memory");
		goto fail;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	int rc = pthread_create(&c->thread, NULL, run, c);
	if (rc) {
		snprintf(err, errlen, "cannot start a thread (error %d)", rc);
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		goto fail;
	}
	return c;
fail:
	sqlite3_close(c->db);
	free(c);
	return NULL;
}

void checkpointer_kick(struct checkpointer *c)
{
	pthread_mutex_lock(&c->mu);
	c->kicks++;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

void checkpointer_wait(struct checkpointer *c)
{
	pthread_mutex_lock(&c->mu);
	uint64_t upto = c->kicks;
	while (c->copied < upto)
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

void checkpointer_stop(struct checkpointer *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	c->kicks++; /* one last copy of what the final commit wrote */
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
