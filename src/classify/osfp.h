/* osfp.h - passive OS guess from a logged TCP SYN, p0f style.
 *
 * A connection's first packet carries its sender's habits: the initial TTL,
 * the window it offers, whether it sets Don't Fragment, and which TCP
 * options it sends in which order.  Firewall logs keep all of these
 * (netfilter: TTL=, WINDOW=, DF, LEN=, OPT (hex) with --log-tcp-options), so
 * a scanner's SYNs can say which OS -- or which raw-packet tool -- sent them.
 *
 * The table is data/os_signatures, read beside data/signatures (signature.h),
 * format described at its top; the first line that matches names the guess. */
#ifndef PORTLOG_OSFP_H
#define PORTLOG_OSFP_H

#include <stddef.h>

#include "../event.h"

enum { OSFP_MAX_WIN = 8, OSFP_MAX_OPTS = 16 };

struct os_sig {
	int nwin;                     /* exact windows; 0 with win_mss/win_mod/any */
	unsigned win[OSFP_MAX_WIN];
	int win_mss;                  /* window = win_mss * MSS */
	int win_mod;                  /* window % win_mod == 0 */
	int ttl;                      /* initial TTL: 32, 64, 128 or 255 */
	int df;                       /* 1 set, 0 clear, -1 either */
	int hdr;                      /* TCP header bytes (20 + options), -1 any */
	int opts_any;                 /* "*": options not compared */
	int nopts;                    /* 0 with "." (none) */
	char opt[OSFP_MAX_OPTS];      /* M N W S T E, in order */
	int optval[OSFP_MAX_OPTS];    /* M and W: the value, -1 any */
	char name[48];
};

struct osfp {
	struct os_sig *v;
	int n, cap;
};

/* Parse one file.  0 on success; -1 with "path:line: why" in err. */
int osfp_load(struct osfp *t, const char *path, char *err, size_t errlen);
/* One line (without comment); NULL or why it is wrong. */
const char *osfp_parse_line(struct osfp *t, char *line);
void osfp_free(struct osfp *t);

/* The first signature matching this TCP SYN (needs TTL and window), or -1. */
int osfp_match(const struct osfp *t, const struct event *ev);

#endif
