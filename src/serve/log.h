/* log.h - serve's own messages: to stderr in the foreground, to syslog(3)
 * (facility daemon) once detached.  Safe from any thread. */
#ifndef PORTLOG_SERVE_LOG_H
#define PORTLOG_SERVE_LOG_H

void slog_to_syslog(void);
void slog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
