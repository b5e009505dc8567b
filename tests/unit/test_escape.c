/* test_escape.c - attacker-made text (a log's rule name, a device name sent
 * over UDP, what a scanner typed at peek) written to a terminal, JSON and
 * CSV (util/escape.c): control bytes and escapes never reach the terminal,
 * JSON strings are valid with invalid UTF-8 replaced, CSV fields stay one
 * field and never start a spreadsheet formula. */
#include "testutil.h"

#include "util/escape.h"

static char out[1024];

typedef void (*esc_fn)(FILE *, const char *, size_t);

static const char *esc(esc_fn fn, const char *s, size_t n)
{
	memset(out, 0, sizeof out);
	FILE *f = fmemopen(out, sizeof out - 1, "w");
	assert_non_null(f);
	fn(f, s, n);
	fclose(f);
	return out;
}

#define ESC(fn, lit) esc(fn, lit, sizeof lit - 1)

static void text(void **state)
{
	(void)state;
	assert_string_equal(ESC(esc_text, "plain text"), "plain text");
	assert_string_equal(ESC(esc_text, "a\\b\x1b[31mred\x7f\xff\0z"),
			    "a\\\\b\\x1b[31mred\\x7f\\xff\\x00z");
}

static void json(void **state)
{
	(void)state;
	assert_string_equal(ESC(esc_json, "say \"hi\" \\ bye"), "\"say \\\"hi\\\" \\\\ bye\"");
	assert_string_equal(ESC(esc_json, "\n\t\x01\x7f"), "\"\\u000a\\u0009\\u0001\\u007f\"");
	/* valid UTF-8 as it is: two, three and four bytes */
	assert_string_equal(ESC(esc_json, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5"),
			    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5\"");
	/* invalid: a stray byte, a cut sequence, an overlong '/', a surrogate,
	 * past U+10FFFF -- each of their bytes one U+FFFD */
	assert_string_equal(ESC(esc_json, "\xff"), "\"\\ufffd\"");
	assert_string_equal(ESC(esc_json, "\xc3"), "\"\\ufffd\"");
	assert_string_equal(ESC(esc_json, "\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(ESC(esc_json, "\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(ESC(esc_json, "\xf4\x90\x80\x80"),
			    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(ESC(esc_json, "a\0b"), "\"a\\u0000b\"");
}

static void csv(void **state)
{
	(void)state;
	assert_string_equal(ESC(esc_csv, "plain"), "plain");
	assert_string_equal(ESC(esc_csv, ""), "");
	assert_string_equal(ESC(esc_csv, "a,b"), "\"a,b\"");
	assert_string_equal(ESC(esc_csv, "say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(ESC(esc_csv, "two\nlines"), "\"two\nlines\"");
	/* formulas defused, whatever starts them */
	assert_string_equal(ESC(esc_csv, "=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
	assert_string_equal(ESC(esc_csv, "+1"), "\"'+1\"");
	assert_string_equal(ESC(esc_csv, "-1"), "\"'-1\"");
	assert_string_equal(ESC(esc_csv, "@SUM(A1)"), "\"'@SUM(A1)\"");
	assert_string_equal(ESC(esc_csv, "\t=cmd|' /C calc'!A0"), "\"'\t=cmd|' /C calc'!A0\"");
	assert_string_equal(ESC(esc_csv, "\r=1"), "\"'\r=1\"");
	/* not at the start: a value like any other */
	assert_string_equal(ESC(esc_csv, "a=b"), "a=b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text),
		cmocka_unit_test(json),
		cmocka_unit_test(csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
