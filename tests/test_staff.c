/*
 * test_staff — staff accounts: adding, listing, removing, checking PINs, counting wrong ones
 * and locking out.
 *
 * Every test makes its own store in a scratch directory, so no state lives between tests.
 * Each Argon2id hash or check costs about 0.05-0.1 s, so the tests make few of them.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "staff.h"
#include "store.h"
#include "vault.h"

#define TEST_STAFF_MAX_FAILURES	5
#define TEST_STAFF_LOCKOUT_MIN	15
#define TEST_STAFF_MAX_LIST	8

/* What test_staff_collect gathers from staff_list. */
struct test_staff_list {
	struct staff_info	 info[TEST_STAFF_MAX_LIST];
	size_t			 n;
};

/* The key that peppers PINs, made fresh for each test. */
static struct vault	*test_staff_vault;
static char		*test_staff_keydir;

/* libsodium must start before any hashing; every test gets its own key. */
static void
test_staff_init(void)
{
	char	*path, *cause = NULL;

	cr_assert_eq(vault_init(), 0);
	test_staff_keydir = helpers_tmpdir();
	path = helpers_path(test_staff_keydir, "key");
	cr_assert_eq(vault_keyfile_create(path, &cause), 0, "%s", cause);
	test_staff_vault = vault_open_keyfile(path, &cause);
	cr_assert_not_null(test_staff_vault, "%s", cause);
	free(path);
}

/* Drop the key and its directory. */
static void
test_staff_fini(void)
{
	vault_free(test_staff_vault);
	helpers_rmdir(test_staff_keydir);
	free(test_staff_keydir);
}

TestSuite(staff, .init = test_staff_init, .fini = test_staff_fini);

/* A new store in a new scratch directory; *dir and *path are the caller's to free. */
static struct store *
test_staff_open(char **dir, char **path)
{
	struct store	*st;
	char		*cause = NULL;

	*dir = helpers_tmpdir();
	*path = helpers_path(*dir, "store.db");
	st = store_open(*path, STORE_CREATE, &cause);
	cr_assert_not_null(st, "%s", cause);
	return st;
}

/* Close the store and remove its directory. */
static void
test_staff_close(struct store *st, char *dir, char *path)
{
	store_close(st);
	helpers_rmdir(dir);
	free(dir);
	free(path);
}

/* Add an account that must be added. */
static void
test_staff_add(struct store *st, const char *name, enum staff_role role, const char *pin)
{
	char	*cause = NULL;

	cr_assert_eq(staff_add(st, test_staff_vault,
	    name, role, pin, HELPERS_NOW, &cause), STAFF_OK, "%s: %s",
	    name, cause);
}

/* Check a PIN with the default limits and no interest in the outputs. */
static enum staff_result
test_staff_verify(struct store *st, const char *name, const char *pin, time_t now)
{
	enum staff_result	 rc;
	char			*cause = NULL;

	rc = staff_verify(st, test_staff_vault,
	    name, pin, now, TEST_STAFF_MAX_FAILURES, TEST_STAFF_LOCKOUT_MIN,
	    NULL, NULL, &cause);
	cr_assert(rc != STAFF_ERROR && rc != STAFF_BAD_INPUT, "%s", cause);
	return rc;
}

/* staff_list callback: keep a copy of each account. */
static int
test_staff_collect(const struct staff_info *si, void *arg)
{
	struct test_staff_list	*l = arg;

	cr_assert_lt(l->n, TEST_STAFF_MAX_LIST);
	l->info[l->n++] = *si;
	return 0;
}

/* Every account, in name order. */
static void
test_staff_list(struct store *st, struct test_staff_list *l)
{
	char	*cause = NULL;

	memset(l, 0, sizeof *l);
	cr_assert_eq(staff_list(st, test_staff_collect, l, &cause), STAFF_OK, "%s", cause);
}

/* The wrong-PIN count of the only account. */
static int
test_staff_failures(struct store *st)
{
	struct test_staff_list	l;

	test_staff_list(st, &l);
	cr_assert_eq(l.n, 1);
	return l.info[0].failures;
}

/* staff_list callback: remove the account, then stop. */
static int
test_staff_remove_first(const struct staff_info *si, void *arg)
{
	struct store	*st = arg;
	char		*cause = NULL;

	cr_assert_eq(staff_remove(st, si->name, &cause), STAFF_OK, "%s", cause);
	return 1;
}

/* Seconds on the monotonic clock. */
static double
test_staff_seconds(void)
{
	struct timespec	ts;

	cr_assert_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(staff, roles_parse_and_name)
{
	cr_assert_eq(staff_role_parse("staff"), STAFF_ROLE_STAFF);
	cr_assert_eq(staff_role_parse("admin"), STAFF_ROLE_ADMIN);
	cr_assert_eq(staff_role_parse("Admin"), -1);
	cr_assert_eq(staff_role_parse("root"), -1);
	cr_assert_eq(staff_role_parse(""), -1);
	cr_assert_eq(staff_role_parse(NULL), -1);
	cr_assert_str_eq(staff_role_name(STAFF_ROLE_STAFF), "staff");
	cr_assert_str_eq(staff_role_name(STAFF_ROLE_ADMIN), "admin");
}

Test(staff, add_list_and_remove)
{
	char			*dir, *path, *cause = NULL;
	struct store		*st = test_staff_open(&dir, &path);
	struct test_staff_list	 l;

	test_staff_list(st, &l);
	cr_assert_eq(l.n, 0);
	test_staff_add(st, "zoe", STAFF_ROLE_STAFF, "1234");
	test_staff_add(st, "anna.b", STAFF_ROLE_ADMIN, "987654");

	test_staff_list(st, &l);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.info[0].name, "anna.b");
	cr_assert_eq(l.info[0].role, STAFF_ROLE_ADMIN);
	cr_assert_str_eq(l.info[1].name, "zoe");
	cr_assert_eq(l.info[1].role, STAFF_ROLE_STAFF);
	cr_assert_eq(l.info[1].failures, 0);
	cr_assert_eq(l.info[1].locked_until, 0);
	cr_assert_eq(l.info[1].created, HELPERS_NOW);

	cr_assert_eq(staff_remove(st, "zoe", &cause), STAFF_OK, "%s", cause);
	cr_assert_eq(staff_remove(st, "zoe", &cause), STAFF_NOT_FOUND);
	cr_assert_eq(staff_remove(st, "nobody", &cause), STAFF_NOT_FOUND);
	cr_assert_null(cause);
	test_staff_list(st, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.info[0].name, "anna.b");
	test_staff_close(st, dir, path);
}

Test(staff, the_list_callback_may_use_the_store_and_stop_early)
{
	char			*dir, *path, *cause = NULL;
	struct store		*st = test_staff_open(&dir, &path);
	struct test_staff_list	 l;

	test_staff_add(st, "a", STAFF_ROLE_STAFF, "1111");
	test_staff_add(st, "b", STAFF_ROLE_STAFF, "2222");
	cr_assert_eq(staff_list(st, test_staff_remove_first, st, &cause), STAFF_OK, "%s",
	    cause);
	test_staff_list(st, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.info[0].name, "b");
	test_staff_close(st, dir, path);
}

Test(staff, a_taken_name_is_refused)
{
	char			*dir, *path, *cause = NULL;
	struct store		*st = test_staff_open(&dir, &path);
	struct test_staff_list	 l;

	test_staff_add(st, "sam", STAFF_ROLE_STAFF, "1234");
	cr_assert_eq(staff_add(st, test_staff_vault,
	    "sam", STAFF_ROLE_ADMIN, "5678", HELPERS_NOW, &cause),
	    STAFF_EXISTS);
	cr_assert_null(cause);
	test_staff_list(st, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.info[0].role, STAFF_ROLE_STAFF);
	cr_assert_eq(test_staff_verify(st, "sam", "1234", HELPERS_NOW), STAFF_OK);
	test_staff_close(st, dir, path);
}

Test(staff, bad_names_are_refused)
{
	static const char *const bad[] = {
		"", "a b", "name/with/slash", "semi;colon", "caf\xc3\xa9", "tab\t", "new\nline",
		"quote'", "abcdefghijklmnopqrstuvwxyz0123456",	/* 33 */
	};
	char			*dir, *path, *cause;
	struct store		*st = test_staff_open(&dir, &path);
	struct test_staff_list	 l;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		cr_assert_eq(staff_add(st, test_staff_vault,
		    bad[i], STAFF_ROLE_STAFF, "1234", HELPERS_NOW, &cause),
		    STAFF_BAD_INPUT, "name %zu", i);
		cr_assert_not_null(cause);
		cr_assert_not_null(strstr(cause, "staff name"), "%s", cause);
		free(cause);
	}
	test_staff_list(st, &l);
	cr_assert_eq(l.n, 0);
	/* 32 characters, every kind allowed. */
	test_staff_add(st, "Abc.def_ghi-jkl.mno_pqr-stu.0789", STAFF_ROLE_STAFF, "1234");
	test_staff_close(st, dir, path);
}

Test(staff, bad_pins_are_refused_without_being_quoted)
{
	static const char *const bad[] = {
		"123", "1234567890123", "12a4", "12 34", " 1234", "1234\n", "-1234", "+1234",
		"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94",	/* fullwidth 1234 */
	};
	char			*dir, *path, *cause;
	struct store		*st = test_staff_open(&dir, &path);
	struct test_staff_list	 l;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		cr_assert_eq(staff_add(st, test_staff_vault,
		    "pat", STAFF_ROLE_STAFF, bad[i], HELPERS_NOW, &cause),
		    STAFF_BAD_INPUT, "PIN %zu", i);
		cr_assert_not_null(cause);
		cr_assert_not_null(strstr(cause, "PIN"), "%s", cause);
		cr_assert_null(strstr(cause, bad[i]), "the reason quotes the PIN: %s", cause);
		free(cause);
	}
	cause = NULL;
	cr_assert_eq(staff_add(st, test_staff_vault,
	    "pat", STAFF_ROLE_STAFF, "", HELPERS_NOW, &cause),
	    STAFF_BAD_INPUT);
	free(cause);
	test_staff_list(st, &l);
	cr_assert_eq(l.n, 0);
	test_staff_close(st, dir, path);
}

Test(staff, the_right_pin_returns_the_role)
{
	char			*dir, *path, *cause = NULL;
	struct store		*st = test_staff_open(&dir, &path);
	enum staff_role		 role = STAFF_ROLE_STAFF;
	time_t			 until = -1;

	test_staff_add(st, "boss", STAFF_ROLE_ADMIN, "123456789012");
	cr_assert_eq(staff_verify(st, test_staff_vault,
	    "boss", "123456789012", HELPERS_NOW, 5, 15, &role, &until,
	    &cause), STAFF_OK, "%s", cause);
	cr_assert_eq(role, STAFF_ROLE_ADMIN);
	cr_assert_eq(until, 0);
	test_staff_close(st, dir, path);
}

Test(staff, the_role_is_read_again_from_the_store)
{
	char			*dir, *path, *cause = NULL;
	struct store		*st = test_staff_open(&dir, &path);
	enum staff_role		 role = STAFF_ROLE_STAFF;

	test_staff_add(st, "boss", STAFF_ROLE_ADMIN, "1234");
	cr_assert_eq(staff_role_of(st, "boss", &role, &cause), STAFF_OK, "%s", cause);
	cr_assert_eq(role, STAFF_ROLE_ADMIN);
	/* Made a plain member of staff since: the next read says so. */
	cr_assert_eq(staff_remove(st, "boss", &cause), STAFF_OK, "%s", cause);
	test_staff_add(st, "boss", STAFF_ROLE_STAFF, "1234");
	cr_assert_eq(staff_role_of(st, "boss", &role, &cause), STAFF_OK, "%s", cause);
	cr_assert_eq(role, STAFF_ROLE_STAFF);
	cr_assert_eq(staff_role_of(st, "nobody", &role, &cause), STAFF_NOT_FOUND);
	test_staff_close(st, dir, path);
}

Test(staff, the_fifth_wrong_pin_locks_the_account)
{
	char			*dir, *path, *cause = NULL;
	struct store		*st = test_staff_open(&dir, &path);
	struct test_staff_list	 l;
	time_t			 until = -1;
	int			 i;

	test_staff_add(st, "kim", STAFF_ROLE_STAFF, "2468");
	for (i = 1; i <= 4; i++) {
		cr_assert_eq(test_staff_verify(st, "kim", "1357", HELPERS_NOW + i), STAFF_WRONG_PIN);
		cr_assert_eq(test_staff_failures(st), i);
	}
	cr_assert_eq(staff_verify(st, test_staff_vault,
	    "kim", "1357", HELPERS_NOW + 5, 5, 15, NULL, &until,
	    &cause), STAFF_LOCKED, "%s", cause);
	cr_assert_eq(until, HELPERS_NOW + 5 + 15 * 60);
	test_staff_list(st, &l);
	cr_assert_eq(l.info[0].failures, 0, "the count starts again after a lock-out");
	cr_assert_eq(l.info[0].locked_until, HELPERS_NOW + 5 + 15 * 60);
	test_staff_close(st, dir, path);
}

Test(staff, a_locked_account_refuses_even_the_right_pin_until_the_lockout_passes)
{
	char		*dir, *path, *cause = NULL;
	struct store	*st = test_staff_open(&dir, &path), *ro;
	enum staff_role	 role = STAFF_ROLE_STAFF;
	time_t		 until = 0, locked;
	int		 i;

	test_staff_add(st, "lee", STAFF_ROLE_ADMIN, "2468");
	for (i = 0; i < 4; i++)
		cr_assert_eq(test_staff_verify(st, "lee", "0000", HELPERS_NOW), STAFF_WRONG_PIN);
	cr_assert_eq(test_staff_verify(st, "lee", "0000", HELPERS_NOW), STAFF_LOCKED);
	locked = HELPERS_NOW + 15 * 60;

	/* Locked: the right PIN is refused, and wrong ones are neither checked nor counted. */
	cr_assert_eq(staff_verify(st, test_staff_vault,
	    "lee", "2468", HELPERS_NOW + 1, 5, 15, &role, &until,
	    &cause), STAFF_LOCKED, "%s", cause);
	cr_assert_eq(until, locked);
	cr_assert_eq(test_staff_verify(st, "lee", "0000", HELPERS_NOW + 60), STAFF_LOCKED);
	cr_assert_eq(test_staff_verify(st, "lee", "2468", locked - 1), STAFF_LOCKED);
	cr_assert_eq(test_staff_failures(st), 0);
	/* Refused before any write: a read-only store can say so. */
	ro = store_open(path, STORE_READONLY, &cause);
	cr_assert_not_null(ro, "%s", cause);
	cr_assert_eq(test_staff_verify(ro, "lee", "2468", HELPERS_NOW + 2), STAFF_LOCKED);
	store_close(ro);

	/* Fifteen minutes and a second later: a wrong PIN counts from one again... */
	cr_assert_eq(test_staff_verify(st, "lee", "0000", locked + 1), STAFF_WRONG_PIN);
	cr_assert_eq(test_staff_failures(st), 1);
	/* ...and the right one works. */
	cr_assert_eq(staff_verify(st, test_staff_vault,
	    "lee", "2468", locked + 1, 5, 15, &role, &until, &cause),
	    STAFF_OK, "%s", cause);
	cr_assert_eq(role, STAFF_ROLE_ADMIN);
	cr_assert_eq(until, 0);
	test_staff_close(st, dir, path);
}

Test(staff, the_right_pin_resets_the_count)
{
	char		*dir, *path;
	struct store	*st = test_staff_open(&dir, &path);
	int		 i;

	test_staff_add(st, "max", STAFF_ROLE_STAFF, "4321");
	for (i = 0; i < 4; i++)
		cr_assert_eq(test_staff_verify(st, "max", "1234", HELPERS_NOW), STAFF_WRONG_PIN);
	cr_assert_eq(test_staff_failures(st), 4);
	cr_assert_eq(test_staff_verify(st, "max", "4321", HELPERS_NOW), STAFF_OK);
	cr_assert_eq(test_staff_failures(st), 0);
	/* Four more wrong ones do not lock: the count started again. */
	for (i = 0; i < 4; i++)
		cr_assert_eq(test_staff_verify(st, "max", "1234", HELPERS_NOW), STAFF_WRONG_PIN);
	cr_assert_eq(test_staff_failures(st), 4);
	test_staff_close(st, dir, path);
}

Test(staff, an_unknown_name_is_not_found_after_the_same_work)
{
	char			*dir, *path, *cause = NULL;
	struct store		*st = test_staff_open(&dir, &path);
	struct test_staff_list	 l;
	enum staff_role		 role = STAFF_ROLE_ADMIN;
	double			 start, took;

	start = test_staff_seconds();
	cr_assert_eq(staff_verify(st, test_staff_vault,
	    "nobody", "1234", HELPERS_NOW, 5, 15, &role, NULL,
	    &cause), STAFF_NOT_FOUND);
	took = test_staff_seconds() - start;
	cr_assert_null(cause);
	cr_assert_eq(role, STAFF_ROLE_ADMIN, "the role is left alone");
	/* A lookup alone takes microseconds; Argon2id over 64 MiB cannot take under 5 ms. */
	cr_assert_geq(took, 0.005, "took %.4f s: no Argon2id work was done", took);
	test_staff_list(st, &l);
	cr_assert_eq(l.n, 0);
	test_staff_close(st, dir, path);
}

Test(staff, the_stored_hash_is_not_the_pin)
{
	static const char	 pin[] = "975318642097";
	char			*dir, *path, *wal;
	struct store		*st = test_staff_open(&dir, &path);
	sqlite3_stmt		*stmt;
	const char		*hash;

	test_staff_add(st, "ada", STAFF_ROLE_STAFF, pin);
	cr_assert_eq(sqlite3_prepare_v2(store_db(st),
	    "SELECT pin_hash FROM staff WHERE name = 'ada'", -1, &stmt, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
	hash = (const char *)sqlite3_column_text(stmt, 0);
	cr_assert_not_null(hash);
	cr_assert_str_neq(hash, pin);
	cr_assert_null(strstr(hash, pin));
	cr_assert_eq(strncmp(hash, "$argon2id$", 10), 0, "%s", hash);
	sqlite3_finalize(stmt);

	/* Nor is the PIN anywhere in the files. */
	wal = helpers_path(dir, "store.db-wal");
	cr_assert_eq(helpers_file_contains(path, pin, strlen(pin)), 0);
	cr_assert_neq(helpers_file_contains(wal, pin, strlen(pin)), 1);
	free(wal);
	test_staff_close(st, dir, path);
}

Test(staff, two_connections_share_one_count)
{
	char		*dir, *path, *cause = NULL;
	struct store	*st = test_staff_open(&dir, &path), *other;
	int		 i;

	other = store_open(path, STORE_OPEN, &cause);
	cr_assert_not_null(other, "%s", cause);
	test_staff_add(st, "joy", STAFF_ROLE_STAFF, "8642");
	for (i = 0; i < 4; i++) {
		cr_assert_eq(test_staff_verify(i % 2 ? other : st, "joy", "1111", HELPERS_NOW),
		    STAFF_WRONG_PIN);
	}
	cr_assert_eq(test_staff_verify(other, "joy", "1111", HELPERS_NOW), STAFF_LOCKED);
	cr_assert_eq(test_staff_verify(st, "joy", "8642", HELPERS_NOW), STAFF_LOCKED);
	store_close(other);
	test_staff_close(st, dir, path);
}

Test(staff, bad_lockout_limits_are_refused)
{
	char		*dir, *path, *cause = NULL;
	struct store	*st = test_staff_open(&dir, &path);

	cr_assert_eq(staff_verify(st, test_staff_vault,
	    "x", "1234", HELPERS_NOW, 0, 15, NULL, NULL, &cause),
	    STAFF_BAD_INPUT);
	cr_assert_not_null(cause);
	free(cause);
	cause = NULL;
	cr_assert_eq(staff_verify(st, test_staff_vault,
	    "x", "1234", HELPERS_NOW, 5, 0, NULL, NULL, &cause),
	    STAFF_BAD_INPUT);
	cr_assert_not_null(cause);
	free(cause);
	test_staff_close(st, dir, path);
}

Test(staff, store_failures_are_errors_with_a_reason)
{
	char		*dir, *path, *cause = NULL;
	struct store	*st = test_staff_open(&dir, &path), *ro;

	test_staff_add(st, "ro", STAFF_ROLE_STAFF, "1234");
	store_close(st);
	ro = store_open(path, STORE_READONLY, &cause);
	cr_assert_not_null(ro, "%s", cause);

	cr_assert_eq(staff_remove(ro, "ro", &cause), STAFF_ERROR);
	cr_assert_not_null(cause);
	cr_assert_not_null(strstr(cause, path), "%s", cause);
	free(cause);
	cause = NULL;
	cr_assert_eq(staff_verify(ro, test_staff_vault,
	    "ro", "9999", HELPERS_NOW, 5, 15, NULL, NULL, &cause),
	    STAFF_ERROR);
	cr_assert_not_null(cause);
	free(cause);
	test_staff_close(ro, dir, path);
}
