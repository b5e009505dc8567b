/* hash.c - see hash.h. */
#include "hash.h"

#include <pthread.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t secret;
static pthread_once_t secret_once = PTHREAD_ONCE_INIT;

static void make_secret(void)
{
	uint64_t v = 0;
	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v) {
		/* no entropy yet (early boot): still not known in advance */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		v = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 16;
	}
	secret = hash_bytes(&v, sizeof v, 0x243f6a8885a308d3ULL);
}

uint64_t hash_secret(void)
{
	pthread_once(&secret_once, make_secret);
	return secret;
}
