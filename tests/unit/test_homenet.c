/* test_homenet.c - home networks: the stored list (store_homenet_*), the
 * check of what a user types, and the rule joining stored and configured
 * networks (cmd/homenet.h) that import, serve and the dashboard share. */
#include "testutil.h"

#include "classify/netset.h"
#include "cmd/homenet.h"
#include "store/store.h"

struct rows {
	int n;
	char cidr[8][64], note[8][256];
	int64_t added[8];
};

static int collect(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	struct rows *r = arg;
	assert_true(r->n < 8);
	snprintf(r->cidr[r->n], sizeof r->cidr[0], "%s", cidr);
	snprintf(r->note[r->n], sizeof r->note[0], "%s", note);
	r->added[r->n] = added_s;
	r->n++;
	return 0;
}

static struct store *open_db(const char *dir, const char *name, int flags)
{
	char path[512], err[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct store *st = store_open(path, flags, err, sizeof err);
	if (!st)
		fail_msg("store_open: %s", err);
	return st;
}

static void store_add_rm_list(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_db(dir, "h.db", 0);
	assert_int_equal(store_homenet_add(st, "10.9.0.0/16", "lab"), 0);
	assert_int_equal(store_homenet_add(st, "fd00::/8", NULL), 0);
	assert_int_equal(store_commit(st), 0);
	/* again: it was there, the note is updated */
	assert_int_equal(store_homenet_add(st, "10.9.0.0/16", "lab <2>"), 1);
	assert_int_equal(store_commit(st), 0);
	struct rows r = { 0 };
	assert_int_equal(store_homenet_list(st, collect, &r), 0);
	assert_int_equal(r.n, 2);
	int lab = strcmp(r.cidr[0], "10.9.0.0/16") ? 1 : 0;
	assert_string_equal(r.cidr[lab], "10.9.0.0/16");
	assert_string_equal(r.note[lab], "lab <2>");
	assert_string_equal(r.cidr[1 - lab], "fd00::/8");
	assert_string_equal(r.note[1 - lab], "");
	assert_true(r.added[0] > 1700000000);
	assert_int_equal(store_homenet_rm(st, "fd00::/8"), 0);
	assert_int_equal(store_homenet_rm(st, "fd00::/8"), 1);
	assert_int_equal(store_commit(st), 0);
	store_close(st);

	/* durable, and readable by a read-only handle that cannot write */
	st = open_db(dir, "h.db", STORE_READONLY);
	struct rows r2 = { 0 };
	assert_int_equal(store_homenet_list(st, collect, &r2), 0);
	assert_int_equal(r2.n, 1);
	assert_string_equal(r2.cidr[0], "10.9.0.0/16");
	assert_int_equal(store_homenet_add(st, "10.1.0.0/16", ""), -1);
	assert_non_null(strstr(store_errmsg(st), "read-only"));
	store_close(st);
	rm_rf(dir);
}

static void store_rollback_forgets(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_db(dir, "h.db", 0);
	assert_int_equal(store_homenet_add(st, "10.7.0.0/16", ""), 0);
	store_rollback(st);
	struct rows r = { 0 };
	assert_int_equal(store_homenet_list(st, collect, &r), 0);
	assert_int_equal(r.n, 0);
	store_close(st);
	rm_rf(dir);
}

static void store_bounded(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_db(dir, "h.db", 0);
	char cidr[64];
	for (int i = 0; i < STORE_HOMENET_MAX; i++) {
		snprintf(cidr, sizeof cidr, "10.%d.%d.0/24", i / 256, i % 256);
		assert_int_equal(store_homenet_add(st, cidr, ""), 0);
	}
	assert_int_equal(store_homenet_add(st, "172.16.0.0/12", ""), 2);
	/* one already there is still updated */
	assert_int_equal(store_homenet_add(st, "10.0.0.0/24", "first"), 1);
	assert_int_equal(store_commit(st), 0);
	store_close(st);
	rm_rf(dir);
}

static void check_what_users_type(void **state)
{
	(void)state;
	char canon[HOMENET_CIDR_MAX], err[256];
	assert_int_equal(homenet_check("192.168.1.7/24", canon, sizeof canon, err, sizeof err), 0);
	assert_string_equal(canon, "192.168.1.0/24"); /* host bits cleared */
	assert_int_equal(homenet_check("10.0.0.1", canon, sizeof canon, err, sizeof err), 0);
	assert_string_equal(canon, "10.0.0.1/32");
	assert_int_equal(homenet_check("FD00:0::1/8", canon, sizeof canon, err, sizeof err), 0);
	assert_string_equal(canon, "fd00::/8");
	assert_int_equal(homenet_check("2001:db8::/129", canon, sizeof canon, err, sizeof err), -1);
	assert_non_null(strstr(err, "128"));
	static const char *const bad[] = {
		"", "300.1.1.1", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "<script>", "fe80::1%eth0",
		"10.0.0.0/-1", "10.0.0.0/+8", " 10.0.0.0/8", "1.2.3.4/8/8", "::/0", "0.0.0.0/0",
		"1111111111111111111111111111111111111111111111111111111111111111",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		if (homenet_check(bad[i], canon, sizeof canon, err, sizeof err) != -1)
			fail_msg("'%s' was taken as %s", bad[i], canon);
		assert_true(strlen(err) > 10); /* says what to type */
	}
	assert_non_null(strstr(err, "like"));
}

static void configured_list(void **state)
{
	(void)state;
	const char *conf = "192.168.1.0/24, fd00::/8,bogus 10.0.0.1";
	assert_true(homenet_configured_has(conf, "192.168.1.0/24"));
	assert_true(homenet_configured_has(conf, "fd00::/8"));
	assert_true(homenet_configured_has(conf, "10.0.0.1/32"));
	assert_false(homenet_configured_has(conf, "10.0.0.0/8"));
	assert_false(homenet_configured_has("", "10.0.0.0/8"));
}

static int has(const struct netset *s, const char *addr)
{
	struct ev_addr a;
	assert_int_equal(ev_addr_parse(&a, addr, strlen(addr)), 0);
	return netset_contains(s, &a);
}

static void load_joins_both(void **state)
{
	(void)state;
	char *dir = test_tmpdir(), path[512], err[512];
	struct netset home;
	snprintf(path, sizeof path, "%s/none.db", dir);
	/* a database not made yet holds none, and is not created by reading */
	assert_int_equal(homenet_load_db(&home, "192.168.1.0/24", path, err, sizeof err), 0);
	assert_int_equal(home.n, 1);
	netset_free(&home);
	assert_int_not_equal(access(path, F_OK), 0);

	struct store *st = open_db(dir, "h.db", 0);
	assert_int_equal(store_homenet_add(st, "10.9.0.0/16", ""), 0);
	assert_int_equal(store_homenet_add(st, "2001:db8:1::/48", ""), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(homenet_load(&home, "192.168.1.0/24", st, err, sizeof err), 0);
	assert_int_equal(home.n, 3);
	assert_true(has(&home, "192.168.1.20"));
	assert_true(has(&home, "10.9.200.1"));
	assert_true(has(&home, "2001:db8:1:ffff::1"));
	assert_false(has(&home, "10.8.0.1"));
	assert_false(has(&home, "2001:db8:2::1"));
	netset_free(&home);
	store_close(st);

	snprintf(path, sizeof path, "%s/h.db", dir);
	assert_int_equal(homenet_load_db(&home, "", path, err, sizeof err), 0);
	assert_int_equal(home.n, 2);
	assert_true(has(&home, "10.9.0.1"));
	netset_free(&home);
	/* a bad configured item is an error naming it */
	assert_int_equal(homenet_load_db(&home, "10.0.0.0/8, nonsense", path, err, sizeof err), -1);
	assert_non_null(strstr(err, "nonsense"));
	assert_int_equal(home.n, 0);
	rm_rf(dir);
}

int main(void)
{
	test_utc();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_add_rm_list),
		cmocka_unit_test(store_rollback_forgets),
		cmocka_unit_test(store_bounded),
		cmocka_unit_test(check_what_users_type),
		cmocka_unit_test(configured_list),
		cmocka_unit_test(load_joins_both),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
