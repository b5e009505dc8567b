/* fuzz_args.c - libFuzzer target: the values people (and anyone who can
 * reach the dashboard's API) type: times (util/timearg.c), addresses and
 * CIDRs (event.c, classify/netset.c), directions, protocols and finding
 * kinds.  The input is one value, NUL-terminated in a block of exactly its
 * size.
 *
 * Checks beyond the sanitizers: an address that parses prints as text that
 * parses back to the same address, and a CIDR likewise, with its host
 * bits clear; a time that parses gives the same instant when parsed again
 * as "@" and its seconds, when it is whole seconds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/classify/netset.h"
#include "../src/event.h"
#include "../src/finding.h"
#include "../src/util/timearg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *s)
{
	fprintf(stderr, "%s: '%s'\n", what, s);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	size_t n = strlen(s); /* the value as a C string sees it */

	const int64_t now = 1735689600LL * 1000000; /* 2025-01-01 */
	int64_t us;
	if (timearg_parse(s, now, &us) == 0 && us % 1000000 == 0) {
		char again[32];
		int64_t us2;
		snprintf(again, sizeof again, "@%lld", (long long)(us / 1000000));
		if (timearg_parse(again, now, &us2) || us2 != us)
			fail("a time does not parse again from its seconds", s);
	}

	struct ev_addr a;
	if (ev_addr_parse(&a, s, n) == 0) {
		char text[EV_ADDR_STRLEN];
		struct ev_addr b;
		ev_addr_str(&a, text, sizeof text);
		if (ev_addr_parse(&b, text, strlen(text)) || b.family != a.family ||
		    memcmp(b.bytes, a.bytes, a.family == 4 ? 4 : 16))
			fail("an address does not parse back from its text", s);
	}

	struct cidr c;
	if (cidr_parse(&c, s) == 0) {
		int family = c.net.family;
		if ((family != 4 && family != 6) || c.bits > (family == 4 ? 32 : 128))
			fail("a CIDR with an impossible family or prefix", s);
		for (size_t i = 0; i < (family == 4 ? 4u : 16u); i++) {
			unsigned keep = c.bits >= (i + 1) * 8 ? 8 : c.bits > i * 8 ? c.bits - i * 8 : 0;
			if (c.net.bytes[i] & (uint8_t)(0xff >> keep))
				fail("a CIDR's host bits are set", s);
		}
		char text[EV_ADDR_STRLEN + 8];
		struct cidr d;
		cidr_str(&c, text, sizeof text);
		if (cidr_parse(&d, text) || d.bits != c.bits || d.net.family != c.net.family ||
		    memcmp(d.net.bytes, c.net.bytes, 16))
			fail("a CIDR does not parse back from its text", s);
	}

	ev_direction_parse(s);
	ev_proto_parse(s);
	finding_kind_parse(s);
	free(s);
	return 0;
}
