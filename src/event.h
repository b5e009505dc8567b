/* event.h - the one type every stage speaks: a packet the firewall logged.
 *
 * Parsers fill it without allocating: string fields are slices of the input
 * line (struct ev_str), valid only as long as that line is.  Whoever keeps an
 * event past the line (the store, a queue) copies the slices.
 *
 * A field the log did not carry is absent (its EV_HAS_ bit is clear, or the
 * slice is empty, or the address family is 0), never a guessed value. */
#ifndef PORTLOG_EVENT_H
#define PORTLOG_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum ev_action {
	EV_ACTION_UNKNOWN = 0, /* the log does not say */
	EV_ACTION_BLOCKED = 1, /* dropped or rejected */
	EV_ACTION_ALLOWED = 2, /* accepted or passed */
	EV_ACTION_OTHER = 3,   /* logged for another reason (audit, NAT, ...) */
};

enum ev_direction {
	EV_DIR_UNKNOWN = 0,
	EV_DIR_INBOUND = 1,  /* from outside towards a home network (or the firewall) */
	EV_DIR_OUTBOUND = 2, /* from a home network towards outside */
	EV_DIR_INTERNAL = 3, /* between home networks */
};

/* TCP flag bits as they sit in the TCP header's flags byte. */
enum ev_tcp_flag {
	EV_TCP_FIN = 0x01,
	EV_TCP_SYN = 0x02,
	EV_TCP_RST = 0x04,
	EV_TCP_PSH = 0x08,
	EV_TCP_ACK = 0x10,
	EV_TCP_URG = 0x20,
	EV_TCP_ECE = 0x40,
	EV_TCP_CWR = 0x80,
};

/* Which optional numeric fields are present. */
enum ev_has {
	EV_HAS_TS = 1u << 0,
	EV_HAS_PROTO = 1u << 1,
	EV_HAS_SPORT = 1u << 2,
	EV_HAS_DPORT = 1u << 3,
	EV_HAS_TCP_FLAGS = 1u << 4,
	EV_HAS_LEN = 1u << 5,
	EV_HAS_TTL = 1u << 6,
	EV_HAS_WINDOW = 1u << 7,
	EV_HAS_ICMP = 1u << 8, /* icmp_type and icmp_code */
	EV_HAS_IP_FLAGS = 1u << 9, /* ip_flags and ip_opts: the format logs DF and IP options */
};

/* ip_flags bits. */
enum { EV_IP_DF = 1 };

/* IP protocol numbers we name (IANA). */
enum {
	EV_PROTO_ICMP = 1,
	EV_PROTO_IGMP = 2,
	EV_PROTO_TCP = 6,
	EV_PROTO_UDP = 17,
	EV_PROTO_GRE = 47,
	EV_PROTO_ESP = 50,
	EV_PROTO_AH = 51,
	EV_PROTO_ICMPV6 = 58,
	EV_PROTO_SCTP = 132,
};

struct ev_addr {
	uint8_t family; /* 0 absent, 4 or 6 */
	uint8_t bytes[16];
};

/* A slice of the input line; n == 0 means absent. */
struct ev_str {
	const char *p;
	uint32_t n;
};

enum { EV_ADDR_STRLEN = 46 }; /* INET6_ADDRSTRLEN */

struct event {
	int64_t ts_us; /* UTC, microseconds since the epoch */
	uint32_t has;  /* enum ev_has */
	uint8_t action;    /* enum ev_action */
	uint8_t direction; /* enum ev_direction */
	uint8_t format;    /* index in the parser table (parse/parse.h) */
	uint8_t proto;     /* IP protocol number */
	uint8_t tcp_flags; /* enum ev_tcp_flag */
	uint8_t icmp_type, icmp_code;
	uint8_t ttl; /* TTL, or hop limit for IPv6 */
	uint8_t direction_hint; /* what the format itself says, before home networks */
	uint8_t trusted; /* 1 when either end is in a trusted network (classify/trust.h) */
	uint8_t ip_flags; /* EV_IP_DF; with EV_HAS_IP_FLAGS (passive OS guess) */
	uint8_t ip_opts;  /* IP option / IPv6 extension header records logged (saturating):
			     a stack of them marks crafted packets such as Topera's */
	uint16_t sport, dport, window;
	uint32_t len;
	struct ev_addr src, dst;
	struct ev_str device;   /* reporting device: syslog host or peer */
	struct ev_str rule;     /* rule name or log prefix */
	struct ev_str in_if, out_if;     /* interfaces the packet came in / went out */
	struct ev_str phys_in, phys_out; /* bridge ports (netfilter PHYSIN=/PHYSOUT=) */
	struct ev_str mac;      /* link-layer header as logged */
	struct ev_str tcp_opts; /* TCP options, hex as logged */
	struct ev_str origin;   /* where it came from: file path or peer */
	uint64_t line;          /* line number in origin, 0 when not a file */
};

void event_clear(struct event *ev);

/* Names for printing and for the store's text columns. */
const char *ev_action_name(int action);
const char *ev_direction_name(int direction);
int ev_direction_parse(const char *name); /* "in", "inbound", ...; -1 if unknown */
const char *ev_proto_name(int proto);     /* "tcp", "udp", ...; NULL for unnamed */
int ev_proto_parse(const char *name);     /* name or number; -1 if unknown */

/* "SYN,ACK" style; buf needs 32 bytes.  Returns buf. */
char *ev_tcp_flags_str(unsigned flags, char *buf, size_t n);

/* Address text (inet_ntop); "" for absent. */
const char *ev_addr_str(const struct ev_addr *a, char *buf, size_t n);
/* Parse a textual IPv4 or IPv6 address of n bytes.  0 on success. */
int ev_addr_parse(struct ev_addr *a, const char *s, size_t n);

#endif
