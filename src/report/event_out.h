/* event_out.h - one event as JSON: the shape `events --format json`,
 * `portlog parse` and (later) the web API share. */
#ifndef PORTLOG_EVENT_OUT_H
#define PORTLOG_EVENT_OUT_H

#include <stdio.h>

#include "../event.h"

/* {"time":..., every field; absent ones as null} without a newline. */
void event_write_json(FILE *f, const struct event *ev, const char *format_name);

#endif
