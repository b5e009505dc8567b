/* home_post.h - hands a new set of home networks (re-read on SIGHUP) to a
 * thread that uses its own copy: the poster leaves it in a slot under the
 * owner's mutex, the owner swaps it in between lines, so no lock is held
 * while classifying.  A newer post replaces one not yet taken. */
#ifndef PORTLOG_SERVE_HOME_POST_H
#define PORTLOG_SERVE_HOME_POST_H

#include <pthread.h>

#include "../classify/netset.h"

/* Takes *home over (freed if it cannot be posted for lack of memory). */
void home_post(pthread_mutex_t *mu, struct netset **slot, struct netset *home);
/* Replaces *home with the posted set, if any; 1 if it did. */
int home_take(pthread_mutex_t *mu, struct netset **slot, struct netset *home);
/* Frees a set posted but never taken (the owner is stopping). */
void home_drop(struct netset **slot);

#endif
