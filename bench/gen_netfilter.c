/* gen_netfilter.c - struct pkt as the Linux kernel logs it (nf_log text for
 * iptables/ip6tables LOG, ufw, Shorewall, firewalld), inside an RFC 3164
 * syslog line as rsyslog writes kern.log:
 *
 *   Mar  5 20:35:11 gw kernel: [463490.251762] DROP IN=eth0 OUT= MAC=..:08:00
 *   SRC=.. DST=.. LEN=44 TOS=0x00 PREC=0x00 TTL=52 ID=31448 PROTO=TCP SPT=..
 *   DPT=23 WINDOW=2048 RES=0x00 SYN URGP=0 OPT (020405B4)
 *
 * Field order, spacing, upper-case TOS/PREC hex and the trailing space all
 * follow the kernel's output. */
#include "gen_text.h"

static const char HEXU[] = "0123456789ABCDEF";

/* Civil date of a day count since 1970-01-01 (proleptic Gregorian). */
static void civil(int64_t days, int *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* "Mar  5 20:35:11 gw kernel: " - the same for every line of one second, so
 * it is built once per second.  The cache is the writer's only state. */
static char *put_envelope(char *p, const struct world *w, int64_t sec)
{
	static int64_t cached_sec = INT64_MIN;
	static char cached[96];
	static size_t cached_len;
	if (sec != cached_sec) {
		static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
		int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
		int64_t tod = sec - days * 86400;
		int y, m, d;
		civil(days, &y, &m, &d);
		char *q = cached;
		memcpy(q, mon + 3 * (m - 1), 3);
		q += 3;
		*q++ = ' ';
		*q++ = d < 10 ? ' ' : (char)('0' + d / 10);
		*q++ = (char)('0' + d % 10);
		*q++ = ' ';
		q = put_2d(q, (uint32_t)(tod / 3600));
		*q++ = ':';
		q = put_2d(q, (uint32_t)(tod / 60 % 60));
		*q++ = ':';
		q = put_2d(q, (uint32_t)(tod % 60));
		*q++ = ' ';
		size_t hn = strlen(w->hostname);
		if (hn > 40)
			hn = 40;
		memcpy(q, w->hostname, hn);
		q += hn;
		q = PUT_LIT(q, " kernel: ");
		cached_len = (size_t)(q - cached);
		cached_sec = sec;
	}
	memcpy(p, cached, cached_len);
	return p + cached_len;
}

/* printk's "[%5lu.%06lu] " */
static char *put_uptime(char *p, int64_t up_us)
{
	if (up_us < 0)
		up_us = 0;
	uint64_t s = (uint64_t)up_us / 1000000, us = (uint64_t)up_us % 1000000;
	char num[24];
	char *e = put_u32(num, (uint32_t)s);
	*p++ = '[';
	for (long pad = 5 - (e - num); pad > 0; pad--)
		*p++ = ' ';
	memcpy(p, num, (size_t)(e - num));
	p += e - num;
	*p++ = '.';
	uint32_t u = (uint32_t)us;
	p = put_2d(p, u / 10000);
	p = put_2d(p, u / 100 % 100);
	p = put_2d(p, u % 100);
	return PUT_LIT(p, "] ");
}

static char *put_addr(char *p, const struct addr *a)
{
	return a->v6 ? put_ipv6_full(p, a->b) : put_ipv4(p, a->b);
}

/* The IP header fields and the protocol part, as nf_log_dump_packet prints
 * them; used again, bracketed, for the packet an ICMP error quotes. */
static char *put_packet(char *p, const struct world *w, const struct pkt *k)
{
	p = PUT_LIT(p, "SRC=");
	p = put_addr(p, &k->src);
	p = PUT_LIT(p, " DST=");
	p = put_addr(p, &k->dst);
	p = PUT_LIT(p, " LEN=");
	p = put_u32(p, k->len);
	if (k->src.v6) {
		p = PUT_LIT(p, " TC=");
		p = put_u32(p, k->tos);
		p = PUT_LIT(p, " HOPLIMIT=");
		p = put_u32(p, k->ttl);
		p = PUT_LIT(p, " FLOWLBL=");
		p = put_u32(p, k->flowlbl);
		*p++ = ' ';
	} else {
		p = PUT_LIT(p, " TOS=0x");
		p = put_hex2(p, k->tos, HEXU);
		p = PUT_LIT(p, " PREC=0x");
		p = put_hex2(p, k->prec, HEXU);
		p = PUT_LIT(p, " TTL=");
		p = put_u32(p, k->ttl);
		p = PUT_LIT(p, " ID=");
		p = put_u32(p, k->id);
		p = k->df ? PUT_LIT(p, " DF ") : PUT_LIT(p, " ");
	}
	switch (k->proto) {
	case PR_TCP: {
		static const char *const names[8] = { "CWR ", "ECE ", "URG ", "ACK ",
						      "PSH ", "RST ", "SYN ", "FIN " };
		p = PUT_LIT(p, "PROTO=TCP SPT=");
		p = put_u32(p, k->sport);
		p = PUT_LIT(p, " DPT=");
		p = put_u32(p, k->dport);
		p = PUT_LIT(p, " WINDOW=");
		p = put_u32(p, k->window);
		p = PUT_LIT(p, " RES=0x00 ");
		for (int i = 0; i < 8; i++) /* the kernel's order: CWR first, FIN last */
			if (k->flags & (0x80 >> i)) {
				memcpy(p, names[i], 4);
				p += 4;
			}
		p = PUT_LIT(p, "URGP=0 ");
		if (k->opt) {
			p = PUT_LIT(p, "OPT (");
			p = put_str(p, k->opt);
			p = PUT_LIT(p, ") ");
		}
		break;
	}
	case PR_UDP:
		p = PUT_LIT(p, "PROTO=UDP SPT=");
		p = put_u32(p, k->sport);
		p = PUT_LIT(p, " DPT=");
		p = put_u32(p, k->dport);
		p = PUT_LIT(p, " LEN=");
		p = put_u32(p, k->udp_len);
		*p++ = ' ';
		break;
	case PR_ICMP:
	case PR_ICMP6:
		p = k->proto == PR_ICMP ? PUT_LIT(p, "PROTO=ICMP TYPE=")
					: PUT_LIT(p, "PROTO=ICMPv6 TYPE=");
		p = put_u32(p, k->icmp_type);
		p = PUT_LIT(p, " CODE=");
		p = put_u32(p, k->icmp_code);
		*p++ = ' ';
		if (k->icmp_echo) {
			p = PUT_LIT(p, "ID=");
			p = put_u32(p, k->icmp_id);
			p = PUT_LIT(p, " SEQ=");
			p = put_u32(p, k->icmp_seq);
			*p++ = ' ';
		}
		if (k->inner) {
			*p++ = '[';
			p = put_packet(p, w, k->inner);
			p = PUT_LIT(p, "] ");
		}
		break;
	default:
		p = PUT_LIT(p, "PROTO=");
		p = put_u32(p, k->proto);
		*p++ = ' ';
		break;
	}
	return p;
}

static char *write_netfilter(char *p, const struct world *w, const struct pkt *k)
{
	p = put_envelope(p, w, k->t_us >= 0 ? k->t_us / 1000000 : (k->t_us - 999999) / 1000000);
	p = put_uptime(p, k->t_us - w->boot_us);
	p = put_str(p, k->prefix);
	p = PUT_LIT(p, "IN=");
	p = put_str(p, k->in);
	p = PUT_LIT(p, " OUT=");
	p = put_str(p, k->out);
	*p++ = ' ';
	if (k->mac_kind != MAC_NONE) {
		p = PUT_LIT(p, "MAC=");
		if (k->mac_kind == MAC_WAN) {
			p = put_mac(p, w->wan_mac);
			p = put_mac(p, w->upstream_mac);
		} else {
			p = put_mac(p, w->lan_mac);
			p = put_mac(p, w->inside_mac[k->host]);
		}
		p = k->src.v6 ? PUT_LIT(p, "86:dd ") : PUT_LIT(p, "08:00 ");
	}
	p = put_packet(p, w, k);
	*p++ = '\n';
	return p;
}

const struct gen_format gen_netfilter = {
	.name = "netfilter",
	.description = "Linux kernel packet log (iptables, ufw, Shorewall, firewalld) in kern.log",
	.write = write_netfilter,
};
