/* event_out.c - see event_out.h. */
#include "event_out.h"

#include <string.h>

#include "../util/escape.h"
#include "../util/timearg.h"

static void json_str_field(FILE *f, const char *key, struct ev_str s)
{
	fprintf(f, ",\"%s\":", key);
	if (s.n)
		esc_json(f, s.p, s.n);
	else
		fputs("null", f);
}

static void json_int_field(FILE *f, const char *key, int present, long long v)
{
	if (present)
		fprintf(f, ",\"%s\":%lld", key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

void event_write_json(FILE *f, const struct event *ev, const char *format_name)
{
	char ts[40], flags[40], addr[EV_ADDR_STRLEN];
	struct ev_str fmt = { format_name, (uint32_t)strlen(format_name) };
	fmt_iso(ev->ts_us, ts);
	ev_tcp_flags_str(ev->tcp_flags, flags, sizeof flags);
	fprintf(f, "{\"time\":\"%s\",\"ts_us\":%lld", ts, (long long)ev->ts_us);
	fprintf(f, ",\"action\":\"%s\",\"direction\":\"%s\"", ev_action_name(ev->action),
		ev_direction_name(ev->direction));
	if (ev->has & EV_HAS_PROTO) {
		const char *name = ev_proto_name(ev->proto);
		fprintf(f, ",\"proto\":%u,\"proto_name\":", ev->proto);
		if (name)
			fprintf(f, "\"%s\"", name);
		else
			fputs("null", f);
	} else {
		fputs(",\"proto\":null,\"proto_name\":null", f);
	}
	fprintf(f, ",\"src\":");
	if (ev->src.family)
		fprintf(f, "\"%s\"", ev_addr_str(&ev->src, addr, sizeof addr));
	else
		fputs("null", f);
	json_int_field(f, "sport", ev->has & EV_HAS_SPORT, ev->sport);
	fprintf(f, ",\"dst\":");
	if (ev->dst.family)
		fprintf(f, "\"%s\"", ev_addr_str(&ev->dst, addr, sizeof addr));
	else
		fputs("null", f);
	json_int_field(f, "dport", ev->has & EV_HAS_DPORT, ev->dport);
	if (ev->has & EV_HAS_TCP_FLAGS)
		fprintf(f, ",\"tcp_flags\":\"%s\"", flags);
	else
		fputs(",\"tcp_flags\":null", f);
	json_int_field(f, "icmp_type", ev->has & EV_HAS_ICMP, ev->icmp_type);
	json_int_field(f, "icmp_code", ev->has & EV_HAS_ICMP, ev->icmp_code);
	json_int_field(f, "len", ev->has & EV_HAS_LEN, ev->len);
	json_int_field(f, "ttl", ev->has & EV_HAS_TTL, ev->ttl);
	json_int_field(f, "window", ev->has & EV_HAS_WINDOW, ev->window);
	json_str_field(f, "tcp_options", ev->tcp_opts);
	json_str_field(f, "rule", ev->rule);
	json_str_field(f, "in_if", ev->in_if);
	json_str_field(f, "out_if", ev->out_if);
	json_str_field(f, "phys_in", ev->phys_in);
	json_str_field(f, "phys_out", ev->phys_out);
	json_str_field(f, "mac", ev->mac);
	json_str_field(f, "device", ev->device);
	json_str_field(f, "format", fmt);
	json_str_field(f, "origin", ev->origin);
	json_int_field(f, "line", ev->line != 0, (long long)ev->line);
	fputc('}', f);
}
