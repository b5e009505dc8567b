/* fuzz_common.h - the libFuzzer entry point shared by every fuzz/fuzz_*.c.
 *
 * A target defines FUZZ_FORMAT (a format name, or "auto" for detection) and
 * includes this file.  Each input is cut into lines; every line is copied
 * into a buffer of exactly its size (so ASan sees a read one byte past it)
 * and parsed with a context fresh for the input, as `portlog parse --year
 * 2024` would, so header state (W3C #Fields) carries across its lines.  On
 * success every slice in the event must lie inside that line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/parse/parse.h"
#include "fuzz_util.h"

static void must_be_inside(struct ev_str s, const char *line, size_t n, const char *what)
{
	if (s.n == 0)
		return;
	if (!s.p || s.p < line || s.p + s.n > line + n) {
		fprintf(stderr, "event slice %s points outside the line\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int format = -3;
	if (format == -3) {
		format = parse_format_find(FUZZ_FORMAT);
		if (format == -1) {
			fprintf(stderr, "no format named %s\n", FUZZ_FORMAT);
			abort();
		}
	}
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 1735689600); /* 2025-01-01 */
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = exact_copy(p, n);
		struct event ev;
		const char *why = NULL;
		int rc = parse_line(&ctx, format, line, n, &ev, &why);
		if (rc == PARSE_OK) {
			must_be_inside(ev.device, line, n, "device");
			must_be_inside(ev.rule, line, n, "rule");
			must_be_inside(ev.in_if, line, n, "in_if");
			must_be_inside(ev.out_if, line, n, "out_if");
			must_be_inside(ev.phys_in, line, n, "phys_in");
			must_be_inside(ev.phys_out, line, n, "phys_out");
			must_be_inside(ev.mac, line, n, "mac");
			must_be_inside(ev.tcp_opts, line, n, "tcp_opts");
			if (ev.format >= parse_format_count)
				abort();
		} else if (!why || (rc != PARSE_SKIP && rc != PARSE_BAD)) {
			fprintf(stderr, "status %d without a reason\n", rc);
			abort();
		}
		free(line);
		p += n + 1;
	}
	return 0;
}
