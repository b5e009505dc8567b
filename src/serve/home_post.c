/* home_post.c - see home_post.h. */
#include "home_post.h"

#include <stdlib.h>

void home_post(pthread_mutex_t *mu, struct netset **slot, struct netset *home)
{
	struct netset *n = malloc(sizeof *n);
	if (!n) {
		netset_free(home);
		return;
	}
	*n = *home;
	pthread_mutex_lock(mu);
	struct netset *old = *slot;
	*slot = n;
	pthread_mutex_unlock(mu);
	if (old) {
		netset_free(old);
		free(old);
	}
}

int home_take(pthread_mutex_t *mu, struct netset **slot, struct netset *home)
{
	pthread_mutex_lock(mu);
	struct netset *n = *slot;
	*slot = NULL;
	pthread_mutex_unlock(mu);
	if (!n)
		return 0;
	netset_free(home);
	*home = *n;
	free(n);
	return 1;
}

void home_drop(struct netset **slot)
{
	if (*slot) {
		netset_free(*slot);
		free(*slot);
		*slot = NULL;
	}
}
