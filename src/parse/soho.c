/* soho.c - see soho.h. */
#include "soho.h"

#include <string.h>
#include <strings.h>

#include "kv.h"

static int addr_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
	       c == '.' || c == ':' || c == '[' || c == ']';
}

size_t soho_addr(const char *s, size_t n, struct ev_addr *a, uint16_t *port, int *has_port)
{
	size_t i = 0;
	while (i < n && addr_char(s[i]))
		i++;
	/* a trailing ':' belongs to the sentence ("from 1.2.3.4: ..."), not the address */
	while (i && s[i - 1] == ':')
		i--;
	if (!i || kv_addr_port(s, i, a, port, has_port))
		return 0;
	return i;
}

size_t soho_num(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	size_t i = 0;
	while (i < n && i < 10 && s[i] >= '0' && s[i] <= '9')
		i++;
	if (!i || parse_uint(s, i, max, out))
		return 0;
	return i;
}

const char *soho_find(const char *s, size_t n, const char *lit)
{
	return memmem(s, n, lit, strlen(lit));
}

int soho_proto_word(const char *s, size_t n)
{
	if (n >= 3 && !strncasecmp(s, "TCP", 3))
		return EV_PROTO_TCP;
	if (n >= 3 && !strncasecmp(s, "UDP", 3))
		return EV_PROTO_UDP;
	if (n >= 4 && !strncasecmp(s, "ICMP", 4))
		return EV_PROTO_ICMP;
	return -1;
}

int soho_month(const char *s, size_t n, size_t *used)
{
	static const char *const full[] = { "January", "February", "March",	"April",
					    "May",     "June",	   "July",	"August",
					    "September", "October", "November", "December" };
	for (int i = 0; i < 12; i++) {
		size_t fl = strlen(full[i]);
		if (n >= fl && !strncasecmp(s, full[i], fl)) {
			*used = fl;
			return i + 1;
		}
	}
	for (int i = 0; i < 12; i++)
		if (n >= 3 && !strncasecmp(s, full[i], 3)) {
			*used = 3;
			return i + 1;
		}
	return 0;
}
