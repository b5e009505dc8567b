/* html.h - `portlog report html`: one self-contained page (inline CSS and
 * SVG, no script, no external reference) that can be mailed or opened
 * offline.  Every string that came from a log is escaped (xmlesc.h). */
#ifndef PORTLOG_HTML_H
#define PORTLOG_HTML_H

#include <stdint.h>

#include "../store/store.h"

struct html_opts {
	int64_t since_us, until_us; /* INT64_MIN / INT64_MAX: all stored */
	int direction;              /* -1 any */
	int limit;                  /* rows per top list */
	const char *out;            /* file to write ("-" for stdout) */
};

/* 0 on success; -1 on a store error (store_errmsg); 1 on another error,
 * already reported on stderr. */
int report_html(struct store *st, const struct html_opts *o);

#endif
