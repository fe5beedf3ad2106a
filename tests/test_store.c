/*
 * test_store — pragmas, schema, migrations, append-only triggers (and lifting one for a key
 * rotation), the check at begin, two writers.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "store.h"
#include "util.h"

static char	*dir, *path;

static void
setup(void)
{
	dir = helpers_tmpdir();
	path = helpers_path(dir, "store.db");
}

static void
teardown(void)
{
	helpers_rmdir(dir);
	free(dir);
	free(path);
}

TestSuite(store, .init = setup, .fini = teardown);

/* The first column of the first row of a query, as an integer. */
static long long
query_int(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	long long	 v = -1;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

Test(store, create_sets_wal_full_sync_foreign_keys_secure_delete)
{
	char		*cause = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);
	sqlite3_stmt	*stmt;

	cr_assert_not_null(st, "%s", cause);
	cr_assert_eq(sqlite3_prepare_v2(store_db(st), "PRAGMA journal_mode", -1, &stmt, NULL), 0);
	cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	cr_assert_eq(query_int(st, "PRAGMA synchronous"), 2);	/* FULL */
	cr_assert_eq(query_int(st, "PRAGMA foreign_keys"), 1);
	cr_assert_eq(query_int(st, "PRAGMA secure_delete"), 1);
	cr_assert_eq(query_int(st, "PRAGMA temp_store"), 2);	/* MEMORY */
	cr_assert_eq(query_int(st, "PRAGMA user_version"), STORE_VERSION);
	store_close(st);
}

Test(store, create_refuses_an_existing_file_and_open_a_missing_one)
{
	char		*cause = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);

	cr_assert_not_null(st);
	store_close(st);
	cr_assert_null(store_open(path, STORE_CREATE, &cause));
	cr_assert_not_null(strstr(cause, "refusing to overwrite"));
	free(cause);
	cause = NULL;
	helpers_rmdir(dir);
	cr_assert_null(store_open(path, STORE_OPEN, &cause));
	cr_assert_not_null(strstr(cause, "prefkiosk init"), "%s", cause);
	free(cause);
}

Test(store, a_newer_schema_is_refused_clearly)
{
	char		*cause = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);

	cr_assert_eq(store_exec(st, "PRAGMA user_version=99", &cause), 0);
	store_close(st);
	cr_assert_null(store_open(path, STORE_OPEN, &cause));
	cr_assert_not_null(strstr(cause, "newer prefkiosk"), "%s", cause);
	free(cause);
}

Test(store, an_empty_old_file_is_migrated_forward)
{
	char		*cause = NULL;
	sqlite3		*db;
	struct store	*st;

	/* A version-0 file: an empty SQLite database. */
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "PRAGMA user_version=0", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = store_open(path, STORE_OPEN, &cause);
	cr_assert_not_null(st, "%s", cause);
	cr_assert_eq(query_int(st, "PRAGMA user_version"), STORE_VERSION);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM sqlite_master WHERE name = 'customers'"),
	    1);
	store_close(st);
}

Test(store, a_file_that_is_not_a_store_is_refused)
{
	char	*cause = NULL;

	helpers_write(path, "this is not an SQLite database, just some text that is long enough "
	    "to fill a header of one hundred bytes and then some more text again.");
	cr_assert_null(store_open(path, STORE_OPEN, &cause));
	cr_assert_not_null(cause);
	free(cause);
}

Test(store, consent_records_refuse_update_and_delete)
{
	char		*cause = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);

	cr_assert_eq(store_exec(st, "INSERT INTO consent_records (record_id, receipt_id, subject,"
	    " purpose, state, event_time, body, prev, mac) VALUES ('r','c','s','p','given',1,'{}',"
	    " x'00', x'00')", &cause), 0, "%s", cause);
	cr_assert_eq(store_exec(st, "UPDATE consent_records SET state = 'refused'", &cause), -1);
	cr_assert_not_null(strstr(cause, "append-only"), "%s", cause);
	free(cause);
	cause = NULL;
	cr_assert_eq(store_exec(st, "DELETE FROM consent_records", &cause), -1);
	cr_assert_not_null(strstr(cause, "append-only"));
	free(cause);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM consent_records"), 1);
	store_close(st);
}

Test(store, meta_values_round_trip)
{
	char		*cause = NULL, buf[16];
	struct store	*st = store_open(path, STORE_CREATE, &cause);
	size_t		 len;

	cr_assert_eq(store_meta_get(st, "k", buf, sizeof buf, &len), 1);
	cr_assert_eq(store_meta_set(st, "k", "value", 5), 0);
	cr_assert_eq(store_meta_set(st, "k", "other", 5), 0);
	cr_assert_eq(store_meta_get(st, "k", buf, sizeof buf, &len), 0);
	cr_assert_eq(len, 5);
	cr_assert_eq(memcmp(buf, "other", 5), 0);
	cr_assert_eq(store_meta_get(st, "k", buf, 2, &len), -1, "a short buffer is an error");
	store_close(st);
}

Test(store, two_connections_write_in_turn)
{
	char		*cause = NULL;
	struct store	*a = store_open(path, STORE_CREATE, &cause);
	struct store	*b = store_open(path, STORE_OPEN, &cause);

	cr_assert_not_null(b, "%s", cause);
	cr_assert_eq(store_begin(a, &cause), 0);
	cr_assert_eq(store_meta_set(a, "a", "1", 1), 0);
	cr_assert_eq(store_commit(a, &cause), 0);
	cr_assert_eq(store_begin(b, &cause), 0);
	cr_assert_eq(store_meta_set(b, "b", "2", 1), 0);
	cr_assert_eq(store_commit(b, &cause), 0);
	cr_assert_eq(query_int(a, "SELECT count(*) FROM meta"), 2);
	store_close(a);
	store_close(b);
}

Test(store, rollback_leaves_nothing)
{
	char		*cause = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);

	cr_assert_eq(store_begin(st, &cause), 0);
	cr_assert_eq(store_meta_set(st, "gone", "1", 1), 0);
	store_rollback(st);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM meta"), 0);
	store_close(st);
}

Test(store, a_lifted_trigger_comes_back_exactly_as_it_was)
{
	char		*cause = NULL, *saved = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);
	long long	 before = query_int(st, "SELECT count(*) FROM sqlite_schema");

	cr_assert_eq(store_exec(st, "INSERT INTO audit (time, terminal, action, body, prev, mac)"
	    " VALUES (1, 1, 'a', '{}', x'00', x'00')", &cause), 0, "%s", cause);
	cr_assert_eq(store_begin(st, &cause), 0);
	cr_assert_eq(store_trigger_lift(st, "audit_no_update", &saved, &cause), 0, "%s", cause);
	cr_assert_not_null(strstr(saved, "CREATE TRIGGER audit_no_update"), "%s", saved);
	cr_assert_eq(store_exec(st, "UPDATE audit SET mac = x'01'", &cause), 0, "%s", cause);
	cr_assert_eq(store_trigger_restore(st, saved, &cause), 0, "%s", cause);
	cr_assert_eq(store_commit(st, &cause), 0);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM sqlite_schema"), before);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM audit WHERE mac = x'01'"), 1);
	cr_assert_eq(store_exec(st, "UPDATE audit SET mac = x'02'", &cause), -1,
	    "the trigger refuses updates again");
	cr_assert_not_null(strstr(cause, "append-only"), "%s", cause);
	free(cause);
	free(saved);
	cause = NULL;
	cr_assert_eq(store_trigger_lift(st, "no_such_trigger", &saved, &cause), -1);
	cr_assert_null(saved);
	free(cause);
	store_close(st);
}

/* A begin check that refuses, as a process whose key was rotated by another is refused. */
static int
refuse(struct store *st, void *arg, char **cause)
{
	(void)st;
	(*(int *)arg)++;
	return util_fail(cause, "refused");
}

Test(store, a_begin_check_that_fails_leaves_no_transaction_open)
{
	char		*cause = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);
	int		 calls = 0;

	store_on_begin(st, refuse, &calls);
	cr_assert_eq(store_begin(st, &cause), -1);
	cr_assert_str_eq(cause, "refused");
	cr_assert_eq(calls, 1);
	cr_assert(sqlite3_get_autocommit(store_db(st)), "rolled back");
	free(cause);
	store_on_begin(st, NULL, NULL);
	cr_assert_eq(store_begin(st, &cause), 0);
	store_rollback(st);
	store_close(st);
}

Test(store, rewards_keep_why_a_code_was_revoked)
{
	char		*cause = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);

	cr_assert_eq(query_int(st, "PRAGMA user_version"), STORE_VERSION);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM pragma_table_info('rewards')"
	    " WHERE name = 'revoked_reason'"), 1);
	store_close(st);
}

/* A version-5 ledger (rows keyed by an autoincremented id, a UNIQUE (terminal, serial) index)
 * becomes version 6: each row's id is its terminal * 2^36 + serial, nothing is lost, and the
 * schema keeps (terminal, serial) unique, the id in step with them, and every row. */
Test(store, the_ledger_is_rekeyed_by_terminal_and_serial)
{
	char		*cause = NULL;
	sqlite3		*db;
	struct store	*st;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
	    "CREATE TABLE customers (id INTEGER PRIMARY KEY);"
	    "INSERT INTO customers (id) VALUES (7);"
	    "CREATE TABLE rewards (id INTEGER PRIMARY KEY, terminal INTEGER NOT NULL,"
	    " serial INTEGER NOT NULL, customer INTEGER REFERENCES customers(id),"
	    " rule TEXT NOT NULL, code TEXT NOT NULL, issued INTEGER NOT NULL,"
	    " expires INTEGER NOT NULL, state TEXT NOT NULL, incentive_version INTEGER,"
	    " redeemed_at INTEGER, redeemed_till TEXT, redeemed_by TEXT, revoked_reason TEXT,"
	    " UNIQUE (terminal, serial));"
	    "CREATE INDEX rewards_by_customer ON rewards(customer, rule);"
	    "INSERT INTO rewards VALUES (1, 1, 1, 7, 'welcome', 'CODEA', 10, 20, 'issued', NULL,"
	    " NULL, NULL, NULL, NULL);"
	    "INSERT INTO rewards VALUES (2, 1, 2, 7, 'coffee', 'CODEB', 11, 21, 'redeemed', 1,"
	    " 15, 'kiosk 1', 'ann', NULL);"
	    "INSERT INTO rewards VALUES (3, 4095, 68719476735, NULL, 'welcome', 'CODEC', 12, 22,"
	    " 'revoked', NULL, NULL, NULL, NULL, 'erased');"
	    "PRAGMA user_version=5;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	st = store_open(path, STORE_OPEN, &cause);
	cr_assert_not_null(st, "%s", cause);
	cr_assert_eq(query_int(st, "PRAGMA user_version"), STORE_VERSION);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM rewards"), 3);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM rewards"
	    " WHERE id = terminal * 68719476736 + serial"), 3);
	cr_assert_eq(query_int(st, "SELECT id FROM rewards WHERE code = 'CODEB'"),
	    68719476736LL + 2);
	cr_assert_eq(query_int(st, "SELECT max(id) FROM rewards"), (1LL << 48) - 1);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM rewards WHERE code = 'CODEB' AND"
	    " customer = 7 AND rule = 'coffee' AND issued = 11 AND expires = 21 AND"
	    " state = 'redeemed' AND incentive_version = 1 AND redeemed_at = 15 AND"
	    " redeemed_till = 'kiosk 1' AND redeemed_by = 'ann' AND revoked_reason IS NULL"), 1);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM rewards WHERE code = 'CODEC' AND"
	    " revoked_reason = 'erased' AND customer IS NULL"), 1);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM sqlite_master WHERE"
	    " name IN ('rewards_by_customer', 'rewards_no_delete')"), 2);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM sqlite_master WHERE name = 'rewards_v6'"),
	    0);
	/* The same terminal and serial again: the primary key refuses it. */
	cr_assert_neq(sqlite3_exec(store_db(st), "INSERT INTO rewards (id, terminal, serial, rule,"
	    " code, issued, expires, state) VALUES (68719476737, 1, 1, 'x', 'y', 0, 0, 'issued')",
	    NULL, NULL, NULL), SQLITE_OK);
	/* An id out of step with its terminal and serial: the check refuses it. */
	cr_assert_neq(sqlite3_exec(store_db(st), "INSERT INTO rewards (id, terminal, serial, rule,"
	    " code, issued, expires, state) VALUES (5, 1, 3, 'x', 'y', 0, 0, 'issued')",
	    NULL, NULL, NULL), SQLITE_OK);
	cr_assert_neq(sqlite3_exec(store_db(st), "UPDATE rewards SET serial = 9 WHERE code ="
	    " 'CODEA'", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_neq(sqlite3_exec(store_db(st), "DELETE FROM rewards WHERE code = 'CODEA'", NULL,
	    NULL, NULL), SQLITE_OK);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM rewards"), 3);
	store_close(st);
}

/* A version-6 store becomes version 7 (the fleet): members get a stamp of 0, rewards a
 * redeemed_terminal, and the fleet's tables are there but empty, with no trigger filling the
 * outbox until the store joins a hub. */
Test(store, the_fleet_tables_come_with_version_7_and_stay_quiet)
{
	char		*cause = NULL;
	sqlite3		*db;
	struct store	*st;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
	    "CREATE TABLE customers (id INTEGER PRIMARY KEY, created INTEGER NOT NULL);"
	    "INSERT INTO customers VALUES (7, 100);"
	    "CREATE TABLE rewards (id INTEGER PRIMARY KEY, state TEXT NOT NULL);"
	    "INSERT INTO rewards VALUES (68719476737, 'issued');"
	    "PRAGMA user_version=6;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	st = store_open(path, STORE_OPEN, &cause);
	cr_assert_not_null(st, "%s", cause);
	cr_assert_eq(query_int(st, "PRAGMA user_version"), STORE_VERSION);
	cr_assert_eq(query_int(st, "SELECT stamp FROM customers WHERE id = 7"), 0);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM rewards WHERE redeemed_terminal IS NULL"),
	    1);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM sqlite_master WHERE name IN ('outbox',"
	    " 'fleet_consent', 'fleet_chains', 'fleet_origins', 'fleet_consent_no_update',"
	    " 'fleet_consent_no_delete')"), 6);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
	    " AND name LIKE 'fleet_out%'"), 0);
	cr_assert_eq(sqlite3_exec(store_db(st), "INSERT INTO customers (id, created) VALUES"
	    " (8, 200)", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM outbox"), 0);
	store_close(st);
}

Test(store, a_full_disk_is_said_in_words_until_the_next_transaction)
{
	char		*cause = NULL;
	struct store	*st = store_open(path, STORE_CREATE, &cause);

	cr_assert_not_null(st, "%s", cause);
	/* No page beyond those the file has: SQLite answers SQLITE_FULL, as on a full disk. */
	cr_assert_eq(store_exec(st, "PRAGMA max_page_count = 1", &cause), 0);
	cr_assert_eq(store_begin(st, &cause), 0);
	cr_assert_neq(store_exec(st, "CREATE TABLE big (b BLOB);"
	    "INSERT INTO big VALUES (zeroblob(1000000))", &cause), 0);
	cr_assert_not_null(strstr(cause, "the disk is full; nothing was changed: free some space"),
	    "%s", cause);
	cr_assert(store_disk_full(st));
	store_rollback(st);
	free(cause);
	cause = NULL;
	cr_assert_eq(store_begin(st, &cause), 0);
	cr_assert_not(store_disk_full(st), "a new transaction starts afresh");
	store_rollback(st);
	store_close(st);
}
