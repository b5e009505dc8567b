/* live_ctx.c - see live_ctx.h. */
#include "live_ctx.h"

#include <time.h>

enum { LIVE_CTX_REFRESH_S = 60 };

void live_ctx_refresh(struct parse_ctx *ctx, int64_t *at)
{
	int64_t now = (int64_t)time(NULL);
	if (*at && now - *at < LIVE_CTX_REFRESH_S)
		return;
	/* A line is never from more than a day in the future: device clocks run
	 * a little ahead, and a year boundary must not push lines a year back. */
	parse_ctx_init(ctx, 0, now + 86400);
	*at = now;
}
