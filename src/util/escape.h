/* escape.h - writing attacker-made text safely to a terminal, JSON or CSV. */
#ifndef PORTLOG_ESCAPE_H
#define PORTLOG_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Printable ASCII as is; anything else as \xNN, so no escape sequence
 * reaches the terminal. */
void esc_text(FILE *f, const char *s, size_t n);
/* A JSON string with its quotes; invalid UTF-8 becomes U+FFFD. */
void esc_json(FILE *f, const char *s, size_t n);
/* A CSV field (RFC 4180), quoted when needed; a leading = + - @, tab or
 * carriage return is defused with a ' so spreadsheets do not run it as a
 * formula. */
void esc_csv(FILE *f, const char *s, size_t n);

#endif
