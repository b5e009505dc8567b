/* captures.c - `portlog captures`: what peers sent to peek's ports, with
 * what was recognised; --show ID dumps one capture in hex and ASCII;
 * --counters shows what peek accepted and turned away.  Every byte a peer
 * sent is escaped on the way out (util/escape.h). */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../classify/netset.h"
#include "../util/escape.h"
#include "../util/timearg.h"
#include "common.h"

static const char usage[] =
	"usage: portlog captures [options]\n"
	"       portlog captures --show ID\n"
	"       portlog captures --counters\n"
	"\n"
	"What peers sent to the ports portlog peek opened, newest first: who, when, how\n"
	"much, what it was (SMB negotiate with its dialects, DCE/RPC bind with the\n"
	"interface, TLS with SNI and JA3, HTTP, ...) and known worm or exploit patterns.\n"
	"\n"
	"  --db PATH               database\n"
	"  --port N                local port the peer connected to\n"
	"  --src ADDR|CIDR         peer address or network\n"
	"  --since T               2024-05-01, 2024-05-01T12:00, 7d, 12h\n"
	"  --kind NAME             what was recognised: smb2-negotiate, http, ...; a trailing\n"
	"                          * matches a prefix (smb*)\n"
	"  --limit N               at most N captures (default 100; 0 for all)\n"
	"  --format text|json      output (default text)\n"
	"  --show ID               one capture: fields, patterns, hex and ASCII dump\n"
	"  --counters              peek's counters: accepted, recorded, turned away by limit\n"
	"  -h, --help              this help\n";

struct printer {
	enum out_format fmt;
	int n;
};

static void endpoint(char *buf, size_t n, const struct ev_addr *a, int port)
{
	char addr[EV_ADDR_STRLEN];
	ev_addr_str(a, addr, sizeof addr);
	if (!a->family)
		snprintf(buf, n, "*:%d", port);
	else if (a->family == 6)
		snprintf(buf, n, "[%s]:%d", addr, port);
	else
		snprintf(buf, n, "%s:%d", addr, port);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Fields are "key\tvalue\n" lines; cb gets each pair. */
static void each_field(const char *fields, void (*cb)(void *, const char *, size_t, const char *,
						    size_t),
		       void *arg)
{
	const char *p = or_empty(fields);
	while (*p) {
		const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (tab && tab < nl)
			cb(arg, p, (size_t)(tab - p), tab + 1, (size_t)(nl - tab - 1));
		p = *nl ? nl + 1 : nl;
	}
}

/* Field values were escaped when recognised (peek/recog.h: printable ASCII,
 * other bytes as \xNN), so backslashes stay as they are; anything else that
 * is not printable is still escaped, in case the database was edited. */
static void field_text(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			putc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static void text_field(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	FILE *f = arg;
	fputc(' ', f);
	esc_text(f, k, kn);
	fputc('=', f);
	field_text(f, v, vn);
}

struct json_fields {
	FILE *f;
	int n;
};

static void json_field(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	struct json_fields *j = arg;
	fputs(j->n++ ? "," : "", j->f);
	esc_json(j->f, k, kn);
	fputc(':', j->f);
	esc_json(j->f, v, vn);
}

static void json_capture(FILE *f, const struct capture *c, int with_data)
{
	char ts[40], src[EV_ADDR_STRLEN], dst[EV_ADDR_STRLEN];
	fprintf(f, "{\"id\":%lld,\"time\":\"%s\",\"proto\":\"%s\",\"src\":", (long long)c->id,
		fmt_iso(c->ts_us, ts), c->proto == 17 ? "udp" : "tcp");
	ev_addr_str(&c->src, src, sizeof src);
	esc_json(f, src, strlen(src));
	fprintf(f, ",\"sport\":%d,\"dst\":", c->sport);
	if (c->dst.family) {
		ev_addr_str(&c->dst, dst, sizeof dst);
		esc_json(f, dst, strlen(dst));
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\"dport\":%d,\"duration_us\":%lld,\"bytes_in\":%llu,\"bytes_out\":%llu,", c->dport,
		(long long)c->duration_us, (unsigned long long)c->bytes_in,
		(unsigned long long)c->bytes_out);
	fputs("\"end\":", f);
	esc_json(f, or_empty(c->end_reason), strlen(or_empty(c->end_reason)));
	fputs(",\"kind\":", f);
	esc_json(f, or_empty(c->kind), strlen(or_empty(c->kind)));
	fputs(",\"fields\":{", f);
	struct json_fields j = { f, 0 };
	each_field(c->fields, json_field, &j);
	fputs("},\"patterns\":[", f);
	const char *p = or_empty(c->patterns);
	for (int n = 0; *p; n++) {
		const char *comma = strchr(p, ',');
		size_t k = comma ? (size_t)(comma - p) : strlen(p);
		fputs(n ? "," : "", f);
		esc_json(f, p, k);
		p += k + (comma ? 1 : 0);
	}
	fputs("]", f);
	if (with_data) {
		fputs(",\"data_hex\":\"", f);
		for (size_t i = 0; i < c->len; i++)
			fprintf(f, "%02x", c->data[i]);
		fputs("\"", f);
	}
	fprintf(f, ",\"captured\":%zu}", c->len);
}

static int print_capture(void *arg, const struct capture *c)
{
	struct printer *pr = arg;
	FILE *f = stdout;
	if (pr->fmt == OUT_JSON) {
		fputs(pr->n ? ",\n" : "[\n", f);
		json_capture(f, c, 0);
		pr->n++;
		return 0;
	}
	char ts[40], src[80], dst[80];
	endpoint(src, sizeof src, &c->src, c->sport);
	endpoint(dst, sizeof dst, &c->dst, c->dport);
	fprintf(f, "%-6lld %s  %s  %s -> %s  %llu bytes %.1fs %s  ", (long long)c->id,
		fmt_utc(c->ts_us, ts, 0), c->proto == 17 ? "udp" : "tcp", src, dst,
		(unsigned long long)c->bytes_in, (double)c->duration_us / 1e6,
		or_empty(c->end_reason));
	const char *kind = or_empty(c->kind);
	esc_text(f, kind[0] ? kind : "unknown", strlen(kind[0] ? kind : "unknown"));
	each_field(c->fields, text_field, f);
	if (c->patterns && *c->patterns) {
		fputs("  PATTERNS ", f);
		esc_text(f, c->patterns, strlen(c->patterns));
	}
	fputc('\n', f);
	pr->n++;
	return 0;
}

static void hexdump(FILE *f, const unsigned char *p, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		fprintf(f, "  %08zx  ", off);
		for (size_t i = 0; i < 16; i++) {
			if (off + i < n)
				fprintf(f, "%02x ", p[off + i]);
			else
				fputs("   ", f);
			if (i == 7)
				fputc(' ', f);
		}
		fputs(" |", f);
		for (size_t i = 0; i < 16 && off + i < n; i++)
			fputc(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.', f);
		fputs("|\n", f);
	}
}

static void show_field(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	FILE *f = arg;
	fputs("  ", f);
	esc_text(f, k, kn);
	fputs(": ", f);
	field_text(f, v, vn);
	fputc('\n', f);
}

static int show_capture(void *arg, const struct capture *c)
{
	struct printer *pr = arg;
	FILE *f = stdout;
	pr->n++;
	if (pr->fmt == OUT_JSON) {
		json_capture(f, c, 1);
		fputc('\n', f);
		return 0;
	}
	char ts[40], src[80], dst[80];
	endpoint(src, sizeof src, &c->src, c->sport);
	endpoint(dst, sizeof dst, &c->dst, c->dport);
	fprintf(f, "capture %lld\n  time: %s\n  %s %s -> %s\n", (long long)c->id,
		fmt_utc(c->ts_us, ts, 1), c->proto == 17 ? "udp" : "tcp", src, dst);
	fprintf(f, "  duration: %.3fs  received: %llu bytes  sent (banner): %llu bytes  end: %s\n",
		(double)c->duration_us / 1e6, (unsigned long long)c->bytes_in,
		(unsigned long long)c->bytes_out, or_empty(c->end_reason));
	const char *kind = or_empty(c->kind);
	fputs("recognised: ", f);
	esc_text(f, kind[0] ? kind : "nothing", strlen(kind[0] ? kind : "nothing"));
	fputc('\n', f);
	each_field(c->fields, show_field, f);
	if (c->patterns && *c->patterns) {
		fputs("known patterns: ", f);
		esc_text(f, c->patterns, strlen(c->patterns));
		fputc('\n', f);
	}
	fprintf(f, "first %zu bytes%s:\n", c->len, c->len < c->bytes_in ? " (of more)" : "");
	hexdump(f, c->data, c->len);
	return 0;
}

static int print_counter(void *arg, const char *name, uint64_t v, int64_t updated)
{
	struct printer *pr = arg;
	char ts[40];
	if (pr->fmt == OUT_JSON) {
		fputs(pr->n ? "," : "{", stdout);
		esc_json(stdout, name, strlen(name));
		printf(":%llu", (unsigned long long)v);
	} else {
		printf("%-24s %12llu   (%s)\n", name, (unsigned long long)v,
		       fmt_utc(updated * 1000000, ts, 0));
	}
	pr->n++;
	return 0;
}

int cmd_captures(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "src", required_argument, NULL, 's' },
		{ "since", required_argument, NULL, 'S' },
		{ "kind", required_argument, NULL, 'k' },
		{ "limit", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "show", required_argument, NULL, 'i' },
		{ "counters", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct capture_filter q = { .since_us = INT64_MIN, .port = -1, .limit = 100 };
	struct printer pr = { OUT_TEXT, 0 };
	const char *db = NULL, *config = NULL;
	int counters = 0, c;
	char *end;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 'p':
			q.port = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || q.port < 0 || q.port > 65535)
				die_usage("captures", "--port wants 0-65535, not '%s'", optarg);
			break;
		case 's':
			if (cidr_parse_parts(optarg, &q.src_family, &q.src_bits, q.src_net))
				die_usage("captures", "--src wants an address or CIDR, not '%s'", optarg);
			q.have_src = 1;
			break;
		case 'S':
			q.since_us = time_opt("captures", "--since", optarg, now_us());
			break;
		case 'k': q.kind = optarg; break;
		case 'l':
			q.limit = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || q.limit < 0)
				die_usage("captures", "--limit wants a number, not '%s'", optarg);
			break;
		case 'f':
			if (parse_out_format(optarg, &pr.fmt) || pr.fmt == OUT_CSV)
				die_usage("captures", "--format wants text or json, not '%s'", optarg);
			break;
		case 'i':
			q.id = strtoll(optarg, &end, 10);
			if (*end || q.id <= 0)
				die_usage("captures", "--show wants a capture id, not '%s'", optarg);
			break;
		case 'C': counters = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		die_usage("captures", "unexpected argument '%s'", argv[optind]);
	struct store *st = open_reader("captures", config, db);
	if (!st)
		return EXIT_ERR;
	int rc;
	if (counters) {
		rc = store_peek_counters(st, print_counter, &pr);
		if (pr.fmt == OUT_JSON)
			puts(pr.n ? "}" : "{}");
	} else if (q.id) {
		rc = store_captures(st, &q, show_capture, &pr);
		if (!rc && !pr.n) {
			fprintf(stderr, "portlog captures: no capture %lld\n", (long long)q.id);
			store_close(st);
			return EXIT_ERR;
		}
	} else {
		rc = store_captures(st, &q, print_capture, &pr);
		if (pr.fmt == OUT_JSON)
			puts(pr.n ? "\n]" : "[]");
	}
	if (rc)
		fprintf(stderr, "portlog captures: %s\n", store_errmsg(st));
	store_close(st);
	return rc ? EXIT_ERR : EXIT_OK;
}
