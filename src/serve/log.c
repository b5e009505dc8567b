/* log.c - see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

static int use_syslog;

void slog_to_syslog(void)
{
	openlog("portlog", LOG_PID, LOG_DAEMON);
	use_syslog = 1;
}

void slog(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (use_syslog)
		syslog(LOG_NOTICE, "%s", buf);
	else
		fprintf(stderr, "portlog serve: %s\n", buf);
}
