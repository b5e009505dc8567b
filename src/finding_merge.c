/* finding_merge.c - one finding's summary line, and two parts of one finding
 * made one (see finding.h).
 *
 * A scan that straddles two imports reaches the store as two findings: the
 * first import's detectors saw its beginning, the second's its end.  The
 * store (sqlite_findings.c) finds the earlier one and merges the later part
 * into it here: times widened, port and host lists united, packets added,
 * shape and danger decided again from the united evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"

static int is_scan_shape(const char *s)
{
	return !strcmp(s, "vertical") || !strcmp(s, "horizontal") || !strcmp(s, "block");
}

/* "1 host", "2 hosts": the word for n of them. */
static const char *per(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void finding_summary(struct finding *f)
{
	char range[32] = "";
	if (f->port_lo >= 0)
		snprintf(range, sizeof range, f->port_lo == f->port_hi ? " %d" : " %d-%d",
			 f->port_lo, f->port_hi);
	unsigned long long pk = (unsigned long long)f->packets;
	if (f->kind == FINDING_REPUTATION) {
		snprintf(f->summary, sizeof f->summary,
			 "%.46s is on the block list (%.45s%s%.60s): %llu %s%s%.30s, danger %d",
			 f->subject, f->refs, f->signature[0] ? ": " : "", f->signature, pk,
			 per(pk, "packet", "packets"), f->ports[0] ? " to " : "", f->ports, f->danger);
	} else if (!strcmp(f->shape, "crafted")) {
		snprintf(f->summary, sizeof f->summary,
			 "crafted ICMP from %s: %llu %s with a type or code that does not"
			 " exist, danger %d", f->subject, pk, per(pk, "packet", "packets"), f->danger);
	} else if (!strcmp(f->shape, "spa")) {
		snprintf(f->summary, sizeof f->summary,
			 "%.80s from %.46s: %llu %s%s%.20s (an authorization knock, not a scan),"
			 " danger %d", f->signature, f->subject, pk, per(pk, "packet", "packets"),
			 f->ports[0] ? " to " : "", f->ports, f->danger);
	} else if (!strcmp(f->shape, "probe")) {
		snprintf(f->summary, sizeof f->summary, "%.95s from %.46s: %llu %s%s%.60s, danger %d",
			 f->signature, f->subject, pk, per(pk, "packet", "packets"),
			 f->ports[0] ? " to " : "", f->ports, f->danger);
	} else {
		char trw[40] = "", tool[24] = "";
		if (f->trw_probes)
			snprintf(trw, sizeof trw, ", TRW after %d probes", f->trw_probes);
		if (!strncmp(f->signature, "Topera", 6))
			snprintf(tool, sizeof tool, "Topera ");
		snprintf(f->summary, sizeof f->summary,
			 "%s%s %s scan from %s: %u %s%s on %u %s, %llu %s%s, danger %d", tool,
			 f->probe, f->shape, f->subject, f->nports,
			 !strcmp(f->shape, "protocol") ? per(f->nports, "protocol", "protocols")
							: per(f->nports, "port", "ports"),
			 range, f->nhosts, per(f->nhosts, "host", "hosts"), pk,
			 per(pk, "packet", "packets"), trw, f->danger);
	}
}

int finding_mergeable(const struct finding *into, const struct finding *part)
{
	if (into->kind != part->kind || strcmp(into->subject, part->subject))
		return 0;
	/* Protocol numbers and ports do not mix in one list. */
	return !strcmp(into->shape, "protocol") == !strcmp(part->shape, "protocol");
}

static int truncated(const char *list)
{
	size_t n = strlen(list);
	return n >= 3 && !strcmp(list + n - 3, "...");
}

/* "1000-1500,1600" into a 65536-bit map; the number of ports it names. */
static uint32_t ports_parse(const char *s, uint64_t *map)
{
	uint32_t n = 0;
	while (*s) {
		char *end;
		long lo = strtol(s, &end, 10), hi = lo;
		if (end == s)
			break;
		if (*end == '-') {
			const char *q = end + 1;
			hi = strtol(q, &end, 10);
			if (end == q)
				break;
		}
		if (lo >= 0 && hi <= 65535 && lo <= hi)
			for (long p = lo; p <= hi; p++)
				if (!(map[p >> 6] >> (p & 63) & 1)) {
					map[p >> 6] |= 1ull << (p & 63);
					n++;
				}
		s = end;
		while (*s == ',')
			s++;
	}
	return n;
}

static void append(char *buf, size_t n, const char *item)
{
	size_t len = strlen(buf), k = strlen(item);
	if (truncated(buf))
		return;
	if (len + k + 4 < n)
		memcpy(buf + len, item, k + 1);
	else if (len + 4 <= n)
		memcpy(buf + len, "...", 4);
}

static void merge_ports(struct finding *into, const struct finding *part)
{
	int cut = truncated(into->ports) || truncated(part->ports);
	uint64_t *map = calloc(2 * 65536 / 64, sizeof *map), *other = map + 65536 / 64;
	if (!map)
		return;
	uint32_t known_into = ports_parse(into->ports, map);
	uint32_t known_part = ports_parse(part->ports, other);
	for (int i = 0; i < 65536 / 64; i++)
		map[i] |= other[i];
	char buf[sizeof into->ports] = "", item[32];
	uint32_t count = 0;
	for (int p = 0; p < 65536; p++) {
		if (!(map[p >> 6] >> (p & 63) & 1))
			continue;
		int q = p;
		while (q + 1 < 65536 && map[(q + 1) >> 6] >> ((q + 1) & 63) & 1)
			q++;
		snprintf(item, sizeof item, q > p ? "%s%d-%d" : "%s%d", buf[0] ? "," : "", p, q);
		append(buf, sizeof buf, item);
		count += (uint32_t)(q - p + 1);
		p = q;
	}
	free(map);
	if (cut && !truncated(buf))
		append(buf, sizeof buf, ",...");
	memcpy(into->ports, buf, sizeof buf);
	/* The range comes from the parts' own bounds: a cut list misses its top. */
	int lo = into->port_lo, hi = into->port_hi;
	if (part->port_lo >= 0 && (lo < 0 || part->port_lo < lo))
		lo = part->port_lo;
	if (part->port_hi > hi)
		hi = part->port_hi;
	into->port_lo = lo;
	into->port_hi = hi;
	if (cut) {
		/* Ports past the cut are unknown: count them as new (a continued scan
		 * moves on to other ports), within the range and at least either part. */
		count += (into->nports > known_into ? into->nports - known_into : 0) +
			 (part->nports > known_part ? part->nports - known_part : 0);
		uint32_t span = lo >= 0 ? (uint32_t)(hi - lo + 1) : count;
		if (count > span)
			count = span;
		if (count < into->nports)
			count = into->nports;
		if (count < part->nports)
			count = part->nports;
	}
	into->nports = count;
}

static int listed(const char *list, const char *item, size_t n)
{
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !memcmp(p, item, n))
			return 1;
		p += len + (e ? 1 : 0);
	}
	return 0;
}

static void merge_hosts(struct finding *into, const struct finding *part)
{
	int cut = truncated(into->hosts) || truncated(part->hosts);
	char buf[sizeof into->hosts];
	snprintf(buf, sizeof buf, "%s", into->hosts);
	size_t bl = strlen(buf);
	if (bl >= 4 && !strcmp(buf + bl - 4, ",..."))
		buf[bl - 4] = '\0';
	uint32_t added = 0;
	for (const char *p = part->hosts; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len && len < 64 && strncmp(p, "...", len) && !listed(buf, p, len)) {
			char item[72];
			snprintf(item, sizeof item, "%s%.*s", buf[0] ? "," : "", (int)len, p);
			append(buf, sizeof buf, item);
			added++;
		}
		p += len + (e ? 1 : 0);
	}
	if (cut && !truncated(buf))
		append(buf, sizeof buf, ",...");
	memcpy(into->hosts, buf, sizeof buf);
	/* Complete lists count exactly; a cut one is at least the larger part. */
	uint32_t n = into->nhosts + added;
	if (cut && part->nhosts > n)
		n = part->nhosts;
	into->nhosts = n;
}

/* The danger of the united evidence, as scan.c judges one part: psad's
 * packet thresholds, breadth, an hour or more of probing, stealth flags. */
static int danger_floor(const struct finding *f)
{
	uint64_t p = f->packets;
	int lvl = p >= 10000 ? 5 : p >= 1500 ? 4 : p >= 150 ? 3 : p >= 15 ? 2 : 1;
	if (is_scan_shape(f->shape) || !strcmp(f->shape, "protocol")) {
		if (lvl < 2)
			lvl = 2;
		if ((f->nports >= 1000 || f->nhosts >= 256 || !strcmp(f->shape, "block")) && lvl < 4)
			lvl++;
	}
	if (f->last_us - f->first_us >= 3600 * 1000000LL && f->nports + f->nhosts >= 10)
		lvl++;
	if (!strcmp(f->probe, "FIN") || !strcmp(f->probe, "XMAS") || !strcmp(f->probe, "NULL"))
		lvl++;
	return lvl > 5 ? 5 : lvl;
}

void finding_merge(struct finding *into, const struct finding *part, uint64_t prev_packets)
{
	if (part->first_us < into->first_us)
		into->first_us = part->first_us;
	if (part->last_us > into->last_us)
		into->last_us = part->last_us;
	/* The part may have been merged before in a smaller state: only its growth counts. */
	uint64_t base = into->packets > prev_packets ? into->packets - prev_packets : 0;
	into->packets = base + part->packets;
	merge_ports(into, part);
	merge_hosts(into, part);
	if (is_scan_shape(into->shape) && is_scan_shape(part->shape)) {
		if (into->nports >= 4 && into->nhosts >= 4)
			snprintf(into->shape, sizeof into->shape, "block");
		else
			snprintf(into->shape, sizeof into->shape, "%s",
				 into->nports >= into->nhosts ? "vertical" : "horizontal");
	} else if (!is_scan_shape(into->shape) && strcmp(into->shape, "protocol") &&
		   (is_scan_shape(part->shape) || !strcmp(part->shape, "protocol"))) {
		memcpy(into->shape, part->shape, sizeof into->shape); /* a probe grew into a scan */
	}
	if (!into->probe[0])
		memcpy(into->probe, part->probe, sizeof into->probe);
	if (into->proto < 0)
		into->proto = part->proto;
	if (!into->trw_probes)
		into->trw_probes = part->trw_probes;
	if (!into->signature[0]) {
		memcpy(into->signature, part->signature, sizeof into->signature);
		memcpy(into->refs, part->refs, sizeof into->refs);
	}
	if (!into->os[0])
		memcpy(into->os, part->os, sizeof into->os);
	if (part->window_us > into->window_us)
		into->window_us = part->window_us;
	int d = danger_floor(into);
	if (part->danger > into->danger)
		into->danger = part->danger;
	if (d > into->danger)
		into->danger = d;
	finding_summary(into);
}
