/* md5.h - MD5 (RFC 1321), for JA3 fingerprints of TLS ClientHellos, which
 * are defined as MD5 hex digests.  Not for anything that needs security. */
#ifndef PORTLOG_MD5_H
#define PORTLOG_MD5_H

#include <stddef.h>
#include <stdint.h>

/* hex: 33 bytes, lower-case hex digest and NUL.  Returns hex. */
char *md5_hex(const void *data, size_t n, char hex[33]);
void md5(const void *data, size_t n, uint8_t out[16]);

#endif
