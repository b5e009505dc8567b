/* hex.h - the value of one hexadecimal digit. */
#ifndef PORTLOG_HEX_H
#define PORTLOG_HEX_H

/* 0-15, or -1 if c is not a hex digit (any case). */
static inline int hex_digit(int c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				     : -1;
}

#endif
