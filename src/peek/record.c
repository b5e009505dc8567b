/* record.c - what one peer sent, into the store: an inbound event (so
 * detectors, reports and port pages count peek traffic like firewall
 * traffic) and a capture row with the first bytes and what was recognised.
 *
 * The event's action is "other": peek accepted the connection, so calling it
 * blocked would be wrong, and allowed would tell the scan detector's random
 * walk that the port is in use (an unused port answering is what makes it a
 * probe).  Its rule is the recognised kind, its device "peek". */
#include <stdio.h>
#include <string.h>

#include "peek_priv.h"
#include "recog.h"

/* "key\tvalue\n" lines; values are printable (recog.h). */
static void fields_text(const struct recog *r, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < r->nfields; i++) {
		int k = snprintf(out + o, cap - o, "%s\t%s\n", r->f[i].key, r->f[i].val);
		if (k < 0 || (size_t)k >= cap - o)
			break;
		o += (size_t)k;
	}
}

void peek_record(struct peek *pk, const struct peek_record *pr)
{
	static struct recog r; /* one thread; large, so not on the stack */
	static char fields[RECOG_FIELDS * (RECOG_KEY + RECOG_VAL + 2)];
	char pats[512] = "";
	recognise(pr->data, pr->len, pr->proto, pr->dport, &r);
	fields_text(&r, fields, sizeof fields);
	patterns_match(pk->pats, pr->data, pr->len, pr->proto, pr->dport, pats, sizeof pats);

	struct event ev;
	event_clear(&ev);
	ev.ts_us = pr->ts_us;
	ev.has = EV_HAS_TS | EV_HAS_PROTO | EV_HAS_SPORT | EV_HAS_DPORT | EV_HAS_LEN;
	ev.action = EV_ACTION_OTHER;
	ev.direction = EV_DIR_INBOUND;
	ev.direction_hint = EV_DIR_INBOUND;
	ev.proto = (uint8_t)pr->proto;
	ev.src = *pr->src;
	ev.dst = *pr->dst;
	ev.sport = (uint16_t)pr->sport;
	ev.dport = (uint16_t)pr->dport;
	ev.len = pr->bytes_in > UINT32_MAX ? UINT32_MAX : (uint32_t)pr->bytes_in;
	char rule[64];
	snprintf(rule, sizeof rule, "peek %s", r.kind[0] ? r.kind : "unknown");
	ev.rule = (struct ev_str){ rule, (uint32_t)strlen(rule) };
	ev.device = (struct ev_str){ "peek", 4 };
	ev.origin = (struct ev_str){ "peek", 4 };

	struct capture c = {
		.ts_us = pr->ts_us,
		.duration_us = pr->duration_us,
		.proto = pr->proto,
		.src = *pr->src,
		.dst = *pr->dst,
		.sport = pr->sport,
		.dport = pr->dport,
		.bytes_in = pr->bytes_in,
		.bytes_out = pr->bytes_out,
		.end_reason = pr->end_reason,
		.kind = r.kind,
		.fields = fields,
		.patterns = pats,
		.data = pr->data,
		.len = pr->len,
	};
	if (store_add(pk->st, &ev, "peek") || store_capture_add(pk->st, &c)) {
		if (!pk->c.store_errors++)
			fprintf(stderr, "portlog peek: %s\n", store_errmsg(pk->st));
		return;
	}
	pk->c.recorded++;
	/* Bound what an uncommitted batch holds; the tick commits the rest. */
	if (++pk->uncommitted >= 4096)
		peek_flush(pk);
}
