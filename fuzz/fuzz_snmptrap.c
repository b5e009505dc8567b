/* fuzz_snmptrap.c - libFuzzer target: an SNMP trap datagram as `serve`
 * receives it on UDP 162 (source/snmptrap.c, source/ber.c), then each log
 * text in it through format detection, as serve does.
 *
 * Checks beyond the sanitizers: every text is a slice of the datagram, the
 * counts stay within their bounds, the OID is a terminated string, and a
 * refusal always says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/parse/parse.h"
#include "../src/source/snmptrap.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *pkt = exact_copy(data, size);
	struct snmp_trap t;
	const char *why = NULL;
	if (snmp_trap_decode(pkt, size, &t, &why) != 0) {
		if (!why)
			abort();
		free(pkt);
		return 0;
	}
	if (t.ntexts < 0 || t.ntexts > SNMP_TEXTS_MAX || t.texts_dropped < 0 ||
	    !memchr(t.trap_oid, 0, sizeof t.trap_oid))
		abort();
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 1735689600); /* 2025-01-01 */
	for (int i = 0; i < t.ntexts; i++) {
		const char *p = t.texts[i].p;
		size_t n = t.texts[i].n;
		if (n && (!p || p < (const char *)pkt || p + n > (const char *)pkt + size)) {
			fprintf(stderr, "text %d points outside the datagram\n", i);
			abort();
		}
		/* one log line per line of the text, as serve takes them */
		for (const char *s = p, *end = p + n; s < end;) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t len = (size_t)((nl ? nl : end) - s);
			char *line = exact_copy(s, len);
			struct event ev;
			const char *reason = NULL;
			parse_line(&ctx, PARSE_AUTO, line, len, &ev, &reason);
			free(line);
			s += len + 1;
		}
	}
	free(pkt);
	return 0;
}
