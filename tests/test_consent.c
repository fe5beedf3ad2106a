/*
 * test_consent — the MAC chain and its tamper detection, notice versions, current state.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consent.h"
#include "customer.h"
#include "helpers.h"

static char		*dir;
static struct shop	*s;
static char		 uid[CUSTOMER_UID_LEN + 1];

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	helpers_enroll(s, "{\"language\":\"en\",\"consents\":{\"personalised_offers\":true}}",
	    HELPERS_NOW, uid);
}

static void
teardown(void)
{
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(consent, .init = setup, .fini = teardown);

static int	nproblems;
static char	last[512];

/* Count problems and keep the last one. */
static void
collect(const char *problem, void *arg)
{
	(void)arg;
	nproblems++;
	snprintf(last, sizeof last, "%s", problem);
}

static int
verify(void)
{
	char	*cause = NULL;
	int	 n;

	nproblems = 0;
	last[0] = '\0';
	n = consent_verify(s, collect, NULL, &cause);
	cr_assert_geq(n, 0, "%s", cause);
	cr_assert_eq(n, nproblems);
	return n;
}

Test(consent, an_untouched_chain_verifies)
{
	cr_assert_eq(verify(), 0);
}

Test(consent, an_edited_record_is_named)
{
	cr_assert_eq(store_exec(s->store, "DROP TRIGGER consent_no_update;"
	    "UPDATE consent_records SET body = replace(body, '\"terminal\":', '\"terminal\":9')"
	    " WHERE id = 1",
	    NULL), 0);
	cr_assert_geq(verify(), 1);
	cr_assert_not_null(strstr(last, "consent record 1"), "%s", last);
}

Test(consent, an_edited_column_is_named)
{
	cr_assert_eq(store_exec(s->store, "DROP TRIGGER consent_no_update;"
	    "UPDATE consent_records SET state = 'given' WHERE id = 2", NULL), 0);
	cr_assert_eq(verify(), 1);
	cr_assert_not_null(strstr(last, "consent record 2: its columns disagree"), "%s", last);
}

Test(consent, a_deleted_middle_record_breaks_the_chain)
{
	cr_assert_eq(store_exec(s->store, "DROP TRIGGER consent_no_delete;"
	    "DELETE FROM consent_records WHERE id = 3", NULL), 0);
	cr_assert_geq(verify(), 1);
}

Test(consent, a_deleted_last_record_is_seen_by_the_head)
{
	cr_assert_eq(store_exec(s->store, "DROP TRIGGER consent_no_delete;"
	    "DELETE FROM consent_records WHERE id = (SELECT max(id) FROM consent_records)", NULL),
	    0);
	cr_assert_eq(verify(), 1);
	cr_assert_not_null(strstr(last, "head"), "%s", last);
}

Test(consent, a_new_notice_text_makes_a_new_version_and_asks_again)
{
	struct catalog_notice	*n;
	struct consent_current	 cur;
	char			 receipt[CONSENT_ID_LEN + 1], *cause = NULL;
	int			 p = catalog_purpose_find(s->catalog, "personalised_offers");

	cr_assert_eq(consent_current(s, uid, p, &cur, &cause), 0);
	cr_assert_eq(cur.notice_version, 1);
	cr_assert(consent_is_current(s, &cur, p, HELPERS_NOW));
	/* The shop edits the notice in assets/: the text and its digest change. */
	n = &s->catalog->purposes[p].notice[0];
	free(n->text);
	n->text = strdup("A new notice text, with a new retention period.");
	crypto_generichash(n->digest, sizeof n->digest, (unsigned char *)n->text,
	    strlen(n->text), NULL, 0);
	/* As a kiosk restarted on it: the records' texts are made from the catalogue once. */
	consent_texts_free(s->consent_texts);
	s->consent_texts = NULL;
	cr_assert_not(consent_is_current(s, &cur, p, HELPERS_NOW),
	    "a consent to the old text must be asked again");
	cr_assert_eq(customer_consent(s, uid, p, CONSENT_GIVEN, CONSENT_KIOSK, NULL, 0,
	    HELPERS_NOW + 10, receipt, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_eq(consent_current(s, uid, p, &cur, &cause), 0);
	cr_assert_eq(cur.notice_version, 2);
	cr_assert(consent_is_current(s, &cur, p, HELPERS_NOW + 10));
	cr_assert_eq(verify(), 0);
}

Test(consent, history_is_oldest_first_with_every_field)
{
	char	*cause = NULL;
	json_t	*h = consent_history(s, uid, &cause), *r;

	cr_assert_eq(json_array_size(h), s->catalog->npurposes);
	r = json_array_get(h, 0);
	cr_assert_str_eq(json_string_value(json_object_get(r, "subject")), uid);
	cr_assert_str_eq(json_string_value(json_object_get(r, "method")), "kiosk");
	cr_assert_str_eq(json_string_value(json_object_get(r, "language")), "en");
	cr_assert_not_null(json_object_get(r, "jurisdiction"));
	cr_assert_not_null(json_object_get(r, "withdrawal_method"));
	cr_assert_eq(strlen(json_string_value(json_object_get(json_object_get(r, "notice"),
	    "digest"))), 64);
	json_decref(h);
}

Test(consent, method_names_parse_back)
{
	cr_assert_eq(consent_method_parse("assisted"), CONSENT_ASSISTED);
	cr_assert_eq(consent_method_parse("import"), CONSENT_IMPORT);
	cr_assert_eq(consent_method_parse("telepathy"), -1);
	cr_assert_str_eq(consent_state_name(CONSENT_WITHDRAWN), "withdrawn");
}

Test(consent, a_stretched_validity_or_moved_time_is_named)
{
	/* The columns decide whether a consent is current: they must be the body's. */
	cr_assert_eq(store_exec(s->store, "DROP TRIGGER consent_no_update;"
	    "UPDATE consent_records SET valid_until = valid_until + 86400 WHERE id = 1", NULL), 0);
	cr_assert_eq(verify(), 1);
	cr_assert_not_null(strstr(last, "consent record 1: its columns disagree"), "%s", last);
	cr_assert_eq(store_exec(s->store, "UPDATE consent_records SET valid_until = valid_until"
	    " - 86400 WHERE id = 1; UPDATE consent_records SET event_time = event_time - 1"
	    " WHERE id = 3", NULL), 0);
	cr_assert_eq(verify(), 1);
	cr_assert_not_null(strstr(last, "consent record 3: its columns disagree"), "%s", last);
	cr_assert_eq(store_exec(s->store, "UPDATE consent_records SET event_time = event_time + 1"
	    " WHERE id = 3; UPDATE consent_records SET valid_until = event_time WHERE id = 2",
	    NULL), 0);
	cr_assert_eq(verify(), 1, "a refusal given a validity");
	cr_assert_not_null(strstr(last, "consent record 2: its columns disagree"), "%s", last);
}

Test(consent, a_removed_record_is_named_by_its_id)
{
	cr_assert_eq(store_exec(s->store, "DROP TRIGGER consent_no_delete;"
	    "DELETE FROM consent_records WHERE id IN (2, 3)", NULL), 0);
	cr_assert_eq(verify(), 2, "the gap, and the record after it");
	cr_assert_not_null(strstr(last, "consent record 4: the chain is broken"), "%s", last);
	nproblems = 0;
	cr_assert_eq(store_exec(s->store, "DELETE FROM consent_records WHERE id = 5", NULL), 0);
	cr_assert_geq(verify(), 1);
}

/* Keep every problem, one a line. */
static char	all[4096];

static void
gather(const char *problem, void *arg)
{
	(void)arg;
	nproblems++;
	strncat(all, problem, sizeof all - strlen(all) - 2);
	strcat(all, "\n");
}

/* consent_verify into all; the number of problems. */
static int
verify_all(void)
{
	char	*cause = NULL;
	int	 n;

	nproblems = 0;
	all[0] = '\0';
	n = consent_verify(s, gather, NULL, &cause);
	cr_assert_geq(n, 0, "%s", cause);
	return n;
}

Test(consent, the_notice_texts_are_those_the_records_were_given_to)
{
	unsigned char	digest[CATALOG_DIGEST_BYTES];
	char		hex[2 * CATALOG_DIGEST_BYTES + 1], sql[256];

	cr_assert_eq(verify_all(), 0);
	/* The evidence of what was shown: an edited text no longer has its digest. */
	cr_assert_eq(store_exec(s->store, "UPDATE notices SET text = text || ' We sell your data.'"
	    " WHERE id = 1", NULL), 0);
	cr_assert_eq(verify_all(), 1, "%s", all);
	cr_assert_not_null(strstr(all, "notice 1 (personalised_offers, en, version 1): its text"),
	    "%s", all);
	/* Replaced whole, digest and all: the records' signed digest says otherwise. */
	crypto_generichash(digest, sizeof digest, (const unsigned char *)"x", 1, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	snprintf(sql, sizeof sql, "UPDATE notices SET text = 'x', digest = X'%s' WHERE id = 1",
	    hex);
	cr_assert_eq(store_exec(s->store, sql, NULL), 0);
	cr_assert_eq(verify_all(), 1, "%s", all);
	cr_assert_not_null(strstr(all, "notice 1 (personalised_offers, en, version 1): not the "
	    "text consent record 1 was given to"), "%s", all);
	/* And one removed is named by what the records say of it. */
	cr_assert_eq(store_exec(s->store, "DELETE FROM notices WHERE id = 2", NULL), 0);
	cr_assert_geq(verify_all(), 2, "%s", all);
	cr_assert_not_null(strstr(all, "notice email_marketing, en, version 1: missing, but "
	    "consent record 2 was given to it"), "%s", all);
}

Test(consent, a_record_whose_member_is_gone_is_named)
{
	cr_assert_eq(store_exec(s->store, "UPDATE customers SET uid = 'XXXXXXXXXXXXXXXX'", NULL),
	    0);
	cr_assert_eq(verify_all(), 1, "%s", all);
	cr_assert_not_null(strstr(all, "consent record 1: its subject"), "%s", all);
	cr_assert_not_null(strstr(all, uid), "%s", all);
}
