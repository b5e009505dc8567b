/* live_ctx.h - the parse context of lines arriving live (network messages,
 * followed files): the year of a syslog timestamp is inferred from "now",
 * which moves once a minute rather than per line. */
#ifndef PORTLOG_SERVE_LIVE_CTX_H
#define PORTLOG_SERVE_LIVE_CTX_H

#include <stdint.h>

#include "../parse/parse.h"

/* Re-initialises ctx when *at (seconds; 0 never) is a minute old. */
void live_ctx_refresh(struct parse_ctx *ctx, int64_t *at);

#endif
