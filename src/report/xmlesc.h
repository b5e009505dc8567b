/* xmlesc.h - attacker-made text into SVG and HTML, safely. */
#ifndef PORTLOG_XMLESC_H
#define PORTLOG_XMLESC_H

#include <stddef.h>
#include <stdio.h>

/* Text for an XML/HTML element or a quoted attribute: & < > " ' as entities,
 * control characters and invalid UTF-8 as U+FFFD, so the result is always
 * well-formed and never markup. */
void esc_xml(FILE *f, const char *s, size_t n);
static inline void esc_xml_str(FILE *f, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	esc_xml(f, s, n);
}

#endif
