/* formats.c - `portlog formats`: the log formats portlog reads. */
#include <string.h>

#include "../parse/parse.h"
#include "common.h"

int cmd_formats(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		puts("usage: portlog formats\n\nList the log formats portlog recognises, each with an "
		     "example line.\nImport decides the format per line unless --format names one.");
		return EXIT_OK;
	}
	if (argc > 1)
		die_usage("formats", "unexpected argument '%s'", argv[1]);
	for (int i = 0; i < parse_format_count; i++) {
		const struct parse_format *f = parse_formats[i];
		printf("%-12s %s\n  e.g. %s\n", f->name, f->description, f->example);
	}
	return EXIT_OK;
}
