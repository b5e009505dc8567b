/* recog.h - naming what a peer sent to a peek port: the protocol and the
 * fields that matter (SMB dialects, RPC interface, TLS SNI and JA3, HTTP
 * path, ...).
 *
 * Recognisers only parse: every read is bounds-checked against the captured
 * bytes, nothing is decoded further than its own header says, nothing is
 * executed, answered or followed.  Field values are printable ASCII (other
 * bytes become \xNN when added), at most RECOG_VAL-1 bytes, so they can be
 * stored and shown as they are; outputs still escape them for their format. */
#ifndef PORTLOG_RECOG_H
#define PORTLOG_RECOG_H

#include <stddef.h>
#include <stdint.h>

enum { RECOG_FIELDS = 24, RECOG_KEY = 24, RECOG_VAL = 512, RECOG_KIND = 32 };

struct recog_field {
	char key[RECOG_KEY];
	char val[RECOG_VAL];
};

struct recog {
	char kind[RECOG_KIND]; /* "smb2-negotiate", "http", ...; "" when unknown */
	int nfields;
	struct recog_field f[RECOG_FIELDS];
};

/* What the peer sent (the first bytes captured), the IP protocol (6 or 17)
 * and the local port.  Fills r; returns 1 when something was recognised. */
int recognise(const unsigned char *p, size_t n, int proto, int port, struct recog *r);

/* ---- for the recognisers (recog_*.c) ---- */

void recog_reset(struct recog *r);
void recog_kind(struct recog *r, const char *kind);
/* Add key = formatted text (non-printable bytes escaped; truncated). */
void recog_add(struct recog *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add key = bytes, escaped (\xNN, \\) and truncated to fit. */
void recog_add_bytes(struct recog *r, const char *key, const void *p, size_t n);
/* Append ",text" (or "text" when empty) to key's value, adding it if new. */
void recog_append(struct recog *r, const char *key, const char *text);
/* The value of key, or NULL. */
const char *recog_get(const struct recog *r, const char *key);

/* Each returns 1 and fills r when the bytes are its protocol, else 0 and
 * leaves r for the next one to try. */
int recog_netbios(const unsigned char *p, size_t n, struct recog *r); /* session + SMB */
int recog_smb(const unsigned char *p, size_t n, struct recog *r);     /* bare SMB1/2/3 */
int recog_dcerpc(const unsigned char *p, size_t n, struct recog *r);
int recog_tls(const unsigned char *p, size_t n, struct recog *r);
int recog_rdp(const unsigned char *p, size_t n, struct recog *r);
int recog_tds(const unsigned char *p, size_t n, struct recog *r);
int recog_ssrp(const unsigned char *p, size_t n, int port, struct recog *r); /* 1434/udp */
int recog_nbns(const unsigned char *p, size_t n, int port, struct recog *r); /* 137/udp */
int recog_ssh(const unsigned char *p, size_t n, struct recog *r);
int recog_http(const unsigned char *p, size_t n, struct recog *r);
int recog_sip(const unsigned char *p, size_t n, struct recog *r);
int recog_redis(const unsigned char *p, size_t n, struct recog *r);
int recog_telnet(const unsigned char *p, size_t n, struct recog *r);
int recog_text(const unsigned char *p, size_t n, struct recog *r); /* any other text line */

/* "LSARPC (LSASS)" for its interface UUID (lower-case IDL text), or NULL. */
const char *dcerpc_interface_name(const char *uuid);

#endif
