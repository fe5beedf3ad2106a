/*
 * test_audit — the staff audit chain: records in order, append-only, and every kind of tamper
 * (an edited column, an edited body, a removed record, a removed last record, a redemption put
 * back in the ledger) named by verify.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "helpers.h"
#include "reward.h"

static char		*dir;
static struct shop	*s;
static int		 problems;

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	problems = 0;
}

static void
teardown(void)
{
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(audit, .init = setup, .fini = teardown);

static void
count(const char *what, void *arg)
{
	(void)what;
	(void)arg;
	problems++;
}

static char	first[512], last[512];

/* Count problems and keep the first and the last. */
static void
keep(const char *what, void *arg)
{
	count(what, arg);
	if (first[0] == '\0')
		snprintf(first, sizeof first, "%s", what);
	snprintf(last, sizeof last, "%s", what);
}

static void
three(void)
{
	char	*cause = NULL;

	cr_assert_eq(audit_record(s, HELPERS_NOW, "anna", "sign_in", "kiosk", &cause), 0, "%s",
	    cause);
	/* A reprint names a reward too; a redemption's record would need its ledger row. */
	cr_assert_eq(audit_record(s, HELPERS_NOW + 1, "anna", "reprint", "reward 1:7", &cause), 0);
	cr_assert_eq(audit_record(s, HELPERS_NOW + 2, NULL, "export_all", NULL, &cause), 0);
}

static void
sql(const char *text)
{
	cr_assert_eq(sqlite3_exec(store_db(s->store), text, NULL, NULL, NULL), SQLITE_OK, "%s",
	    sqlite3_errmsg(store_db(s->store)));
}

Test(audit, an_untouched_chain_verifies)
{
	char	*cause = NULL;

	cr_assert_eq(audit_verify(s, count, NULL, &cause), 0, "an empty chain");
	three();
	cr_assert_eq(audit_verify(s, count, NULL, &cause), 0);
	cr_assert_eq(problems, 0);
}

Test(audit, records_are_json_lines_in_order)
{
	char	 path[512], *cause = NULL, line[512];
	FILE	*f;
	int	 n = 0;

	three();
	snprintf(path, sizeof path, "%s/audit.jsonl", dir);
	f = fopen(path, "w+");
	cr_assert_eq(audit_print(s, f, &cause), 0);
	rewind(f);
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *o = json_loads(line, 0, NULL);
		cr_assert_not_null(o);
		cr_assert_eq(json_integer_value(json_object_get(o, "id")), ++n);
		json_decref(o);
	}
	fclose(f);
	cr_assert_eq(n, 3);
}

Test(audit, updates_and_deletes_are_refused)
{
	three();
	cr_assert_neq(sqlite3_exec(store_db(s->store), "UPDATE audit SET staff = 'eve'", NULL,
	    NULL, NULL), SQLITE_OK);
	cr_assert_neq(sqlite3_exec(store_db(s->store), "DELETE FROM audit", NULL, NULL, NULL),
	    SQLITE_OK);
}

Test(audit, an_edited_column_is_named)
{
	char	*cause = NULL;

	three();
	sql("DROP TRIGGER audit_no_update; UPDATE audit SET staff = 'eve' WHERE id = 2");
	cr_assert_eq(audit_verify(s, count, NULL, &cause), 1);
}

Test(audit, an_edited_body_breaks_its_mac)
{
	char	*cause = NULL;

	three();
	sql("DROP TRIGGER audit_no_update;"
	    "UPDATE audit SET body = replace(body, 'reward 1:7', 'reward 1:8') WHERE id = 2");
	cr_assert_geq(audit_verify(s, count, NULL, &cause), 1);
}

Test(audit, a_removed_record_breaks_the_chain)
{
	char	*cause = NULL;

	three();
	sql("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2");
	cr_assert_geq(audit_verify(s, count, NULL, &cause), 1);
}

Test(audit, a_removed_last_record_is_seen_by_the_head)
{
	char	*cause = NULL;

	three();
	sql("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 3");
	cr_assert_eq(audit_verify(s, count, NULL, &cause), 1);
}

Test(audit, a_redemption_leaves_the_head_and_the_ledger_vouches_for_it)
{
	struct reward_ticket	t;
	char			uid[17], code[CODE_LEN + 1], *cause = NULL;
	sqlite3_stmt		*q;

	three();
	helpers_enroll(s, "{\"language\":\"en\"}", HELPERS_NOW, uid);
	cr_assert_eq(sqlite3_prepare_v2(store_db(s->store), "SELECT code FROM rewards", -1, &q,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	snprintf(code, sizeof code, "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	cr_assert_eq(reward_redeem(s, code, "T1", "anna", HELPERS_NOW + 5, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_REDEEMED);
	cr_assert_eq(audit_verify(s, count, NULL, &cause), 0, "a redemption past the head is fine");
	sql("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE action = 'redeem' AND id = 4");
	cr_assert_eq(audit_verify(s, count, NULL, &cause), 1, "the ledger says it was redeemed");
}

Test(audit, a_redemption_put_back_in_the_ledger_is_named)
{
	struct reward_ticket	t;
	char			uid[17], code[CODE_LEN + 1], *cause = NULL;
	sqlite3_stmt		*q;

	helpers_enroll(s, "{\"language\":\"en\"}", HELPERS_NOW, uid);
	cr_assert_eq(sqlite3_prepare_v2(store_db(s->store), "SELECT code FROM rewards", -1, &q,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	snprintf(code, sizeof code, "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	cr_assert_eq(reward_redeem(s, code, "T1", "anna", HELPERS_NOW + 5, &t, &cause), 0);
	cr_assert_eq(audit_verify(s, keep, NULL, &cause), 0);
	/* Behind the store's back, the code is made to redeem a second time. */
	sql("UPDATE rewards SET state = 'issued', redeemed_at = NULL, redeemed_till = NULL,"
	    " redeemed_by = NULL");
	cr_assert_eq(audit_verify(s, keep, NULL, &cause), 1);
	cr_assert_not_null(strstr(last, "audit record 1: reward 1:1 was redeemed, but the ledger "
	    "says issued"), "%s", last);
}

Test(audit, a_removed_record_is_named_by_its_id)
{
	char	*cause = NULL;

	three();
	cr_assert_eq(audit_record(s, HELPERS_NOW + 3, "anna", "sign_in", "kiosk", &cause), 0);
	sql("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2");
	cr_assert_geq(audit_verify(s, keep, NULL, &cause), 1);
	cr_assert_not_null(strstr(first, "audit record 2: missing"), "%s", first);
}
