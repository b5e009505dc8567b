/* test_kb.c - the port knowledge base: every curated entry complete, the
 * loader strict about mistakes, lookups and search right. */
#include "testutil.h"

#include <sys/stat.h>

#include "kb/kb.h"

/* Run from the repository root (tests/run.sh does). */
static const char *curated_path(void)
{
	const char *p = getenv("PORTLOG_CURATED");
	return p && *p ? p : "data/ports/curated.txt";
}

static void every_curated_entry_has_every_section(void **state)
{
	(void)state;
	struct kb *kb = kb_new();
	char err[512] = "";
	int rc = kb_load_curated(kb, curated_path(), err, sizeof err);
	if (rc)
		fail_msg("%s", err);
	size_t n = kb_entry_count(kb), ports = 0;
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct kb_entry *e = kb_entry_at(kb, i);
		for (const char *p = e->ports; *p; p++)
			ports += *p == '/'; /* one PORT/PROTO item per slash */
		const char *f[] = { e->ports, e->title, e->use, e->inbound, e->outbound, e->refs };
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
			if (!f[k] || strlen(f[k]) < 3)
				fail_msg("curated.txt:%d: field %zu empty", e->line, k);
		/* Sentences, not stubs: a page says something in each part. */
		if (strlen(e->use) < 20 || strlen(e->inbound) < 30 || strlen(e->outbound) < 30)
			fail_msg("curated.txt:%d (%s): a section is too short to help", e->line,
				 e->ports);
	}
	/* The issue asks for pages on at least the 300 most attacked ports. */
	if (ports < 300)
		fail_msg("curated.txt describes %zu port/protocol pairs; want at least 300", ports);
	kb_free(kb);
}

/* The ports the issue names as the most attacked all have pages. */
static void most_attacked_ports_have_pages(void **state)
{
	(void)state;
	static const int must[][2] = {
		{ 445, 6 },  { 135, 6 },  { 139, 6 },  { 137, 17 }, { 1433, 6 }, { 1434, 17 },
		{ 3389, 6 }, { 22, 6 },	  { 23, 6 },   { 80, 6 },   { 4899, 6 }, { 5000, 6 },
		{ 5554, 6 }, { 9898, 6 }, { 3127, 6 }, { 6667, 6 }, { 2323, 6 }, { 5900, 6 },
		{ 3306, 6 },
	};
	struct kb *kb = kb_new();
	char err[512] = "";
	if (kb_load_curated(kb, curated_path(), err, sizeof err))
		fail_msg("%s", err);
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
		if (!kb_entry_for(kb, must[i][0], must[i][1]))
			fail_msg("no curated page for %d/%s", must[i][0],
				 must[i][1] == 6 ? "tcp" : "udp");
	kb_free(kb);
}

static const char *write_tmp(const char *dir, const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	write_file(path, text);
	return path;
}

static void expect_load_error(const char *text, const char *want)
{
	char *dir = test_tmpdir();
	struct kb *kb = kb_new();
	char err[512] = "";
	int rc = kb_load_curated(kb, write_tmp(dir, "c.txt", text), err, sizeof err);
	if (rc == 0)
		fail_msg("accepted a bad file; wanted an error with '%s'", want);
	if (!strstr(err, want))
		fail_msg("error '%s' does not say '%s'", err, want);
	kb_free(kb);
	rm_rf(dir);
}

#define GOOD_REST                                                                          \
	"title: T\nuse: used for things\ninbound: means this\noutbound: means that\n"      \
	"refs: none\n"

static void loader_rejects_mistakes(void **state)
{
	(void)state;
	expect_load_error("port: 1/tcp\ntitle: T\nuse: u\ninbound: i\noutbound: o\n",
			  ":1: entry has no 'refs:' field");
	expect_load_error("port: 1/tcp\n" GOOD_REST "colour: blue\n", ":7: unknown field");
	expect_load_error("port: 70000/tcp\n" GOOD_REST, "bad port item '70000/tcp'");
	expect_load_error("port: 1/icmp\n" GOOD_REST, "bad port item");
	expect_load_error("port: 1/tcp\n" GOOD_REST "\nport: 2/tcp 1/tcp\n" GOOD_REST,
			  ":8: 1/tcp is already described at line 1");
	expect_load_error("port: 1/tcp\ntitle: a\ntitle: b\n", ":3: field 'title' given twice");
	expect_load_error("  stray continuation\n", ":1: continuation line");
}

static void lookups_and_search(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char sub[600];
	snprintf(sub, sizeof sub, "%s/ports", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	write_tmp(dir, "ports/curated.txt",
		  "# comment\nport: 445/tcp\ntitle: SMB\nuse: file sharing\n  over TCP\n"
		  "inbound: worms\noutbound: infected\nrefs: MS17-010 ; CVE-2017-0144\n\n"
		  "port: 137/udp\ntitle: NetBIOS names\nuse: name lookups\ninbound: scans\n"
		  "outbound: leaks\nrefs: RFC 1002\n");
	write_tmp(dir, "ports/services.tsv",
		  "137/udp\tnetbios-ns\t0.365163\tNETBIOS Name Service\n"
		  "445/tcp\tmicrosoft-ds\t0.056944\tSMB directly over IP\n"
		  "5445/tcp\tsmbdirect\t\t\nnonsense line\n9/tcp\t\t0.1\t\n");
	char err[512] = "";
	struct kb *kb = kb_load(dir, err, sizeof err);
	if (!kb)
		fail_msg("%s", err);
	assert_string_equal(kb_service(kb, 445, 6), "microsoft-ds");
	assert_string_equal(kb_service(kb, 445, 17), "");
	assert_string_equal(kb_service(kb, 137, -1), "netbios-ns");
	assert_string_equal(kb_service_note(kb, 445, 6), "SMB directly over IP");
	assert_true(kb_open_freq(kb, 445, 6) > 0.05 && kb_open_freq(kb, 445, 6) < 0.06);
	assert_true(kb_open_freq(kb, 5445, 6) < 0);
	const struct kb_entry *e = kb_entry_for(kb, 445, 6);
	assert_non_null(e);
	assert_string_equal(e->use, "file sharing over TCP"); /* continuation joined */
	assert_null(kb_entry_for(kb, 445, 17));
	assert_non_null(kb_entry_for(kb, 137, -1)); /* tcp, then udp */
	assert_null(kb_entry_for(kb, 70000, 6));

	kb_free(kb);
	rm_rf(dir);
}

struct hits {
	int port[16], proto[16], curated[16], n;
};

static int collect(void *arg, int port, int proto, const char *service,
		   const struct kb_entry *entry)
{
	(void)service;
	struct hits *h = arg;
	if (h->n < 16) {
		h->port[h->n] = port;
		h->proto[h->n] = proto;
		h->curated[h->n] = entry != NULL;
		h->n++;
	}
	return 0;
}

static void search_finds_by_word_in_port_order(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char sub[600];
	snprintf(sub, sizeof sub, "%s/ports", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	write_tmp(dir, "ports/curated.txt",
		  "port: 445/tcp\ntitle: Windows file sharing\nuse: SMB over TCP\n"
		  "inbound: worms\noutbound: infected\nrefs: MS17-010\n\n"
		  "port: 139/tcp\ntitle: NetBIOS session\nuse: smb over NetBIOS\ninbound: scans\n"
		  "outbound: leaks\nrefs: RFC 1002\n");
	write_tmp(dir, "ports/services.tsv",
		  "22/tcp\tssh\t0.18\tSecure Shell Login\n"
		  "445/tcp\tmicrosoft-ds\t0.05\tSMB directly over IP\n"
		  "5445/tcp\tsmbdirect\t\t\n");
	char err[512] = "";
	struct kb *kb = kb_load(dir, err, sizeof err);
	if (!kb)
		fail_msg("%s", err);
	struct hits h = { 0 };
	assert_int_equal(kb_search(kb, "SMB", collect, &h), 3);
	assert_int_equal(h.port[0], 139);
	assert_int_equal(h.curated[0], 1);
	assert_int_equal(h.port[1], 445);
	assert_int_equal(h.port[2], 5445);
	assert_int_equal(h.curated[2], 0);
	struct hits none = { 0 };
	assert_int_equal(kb_search(kb, "no such word", collect, &none), 0);
	kb_free(kb);
	rm_rf(dir);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_curated_entry_has_every_section),
		cmocka_unit_test(most_attacked_ports_have_pages),
		cmocka_unit_test(loader_rejects_mistakes),
		cmocka_unit_test(lookups_and_search),
		cmocka_unit_test(search_finds_by_word_in_port_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
