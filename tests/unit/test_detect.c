/* test_detect.c - auto-detection: on every line of every fixture and of the
 * vendor corpus, at most one format's detector accepts the line, and for a
 * fixture it is the fixture's own format.  This is what lets parse_line ask
 * the previous line's format first without changing any answer. */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>

#include "parse/parse.h"

static int checked;

static void check_file(const char *path, const char *want_format)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char line[70000];
	int lineno = 0;
	struct parse_ctx ctx;
	parse_ctx_init(&ctx, 2024, 0);
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		struct syslog_msg m;
		syslog_parse(&ctx, line, n, &m);
		int hits = 0, which = -1;
		char names[512] = "";
		for (int i = 0; i < parse_format_count; i++)
			if (parse_formats[i]->detect(&m)) {
				hits++;
				which = i;
				strncat(names, parse_formats[i]->name, sizeof names - strlen(names) - 2);
				strcat(names, " ");
			}
		if (hits > 1)
			fail_msg("%s:%d: accepted by several formats: %s", path, lineno, names);
		if (want_format && hits == 1 && strcmp(parse_formats[which]->name, want_format))
			fail_msg("%s:%d: detected as %s, fixture of %s", path, lineno,
				 parse_formats[which]->name, want_format);
		checked++;
	}
	fclose(f);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* Every DIR/SUB/ *.log; want_format: SUB itself (fixtures) or NULL (corpus). */
static void walk(const char *dir, int sub_is_format)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char sub[1024];
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		DIR *d2 = opendir(sub);
		if (!d2)
			continue;
		struct dirent *f;
		while ((f = readdir(d2))) {
			if (!ends_with(f->d_name, ".log"))
				continue;
			char path[2048];
			snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
			check_file(path, sub_is_format && parse_format_find(e->d_name) >= 0 ? e->d_name
											      : NULL);
		}
		closedir(d2);
	}
	closedir(d);
}

static void detectors_are_exclusive(void **state)
{
	(void)state;
	checked = 0;
	walk("tests/fixtures", 1);
	char corpus[1024];
	snprintf(corpus, sizeof corpus, "%s/corpus/vendor-logs", shared_dir());
	walk(corpus, 0);
	snprintf(corpus, sizeof corpus, "%s/corpus", shared_dir());
	DIR *d = opendir(corpus);
	assert_non_null(d); /* the corpus must be there: otherwise nothing was proven */
	closedir(d);
	assert_true(checked > 100);
}

/* Asking the previous line's format first gives the same answers as asking
 * in table order, on a stream that alternates formats. */
static void sticky_detection_changes_nothing(void **state)
{
	(void)state;
	const char *lines[64];
	assert_true(parse_format_count <= 64);
	for (int i = 0; i < parse_format_count; i++)
		lines[i] = parse_formats[i]->example;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < parse_format_count; i++) {
			int k = (i * 7 + round) % parse_format_count;
			struct parse_ctx ctx;
			parse_ctx_init(&ctx, 2024, 0);
			struct event a, b;
			const char *why;
			int ra = parse_line(&ctx, PARSE_AUTO, lines[i], strlen(lines[i]), &a, &why);
			int rb = parse_line(&ctx, PARSE_AUTO, lines[k], strlen(lines[k]), &b, &why);
			assert_int_equal(ra, PARSE_OK);
			assert_int_equal(rb, PARSE_OK);
			assert_string_equal(parse_formats[a.format]->name, parse_formats[i]->name);
			assert_string_equal(parse_formats[b.format]->name, parse_formats[k]->name);
		}
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detectors_are_exclusive),
		cmocka_unit_test(sticky_detection_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
