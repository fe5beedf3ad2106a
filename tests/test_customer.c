/*
 * test_customer — enrolment, minimisation, look-ups, consent changes, erasure, export.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "helpers.h"

static char		*dir;
static struct shop	*s;

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
}

static void
teardown(void)
{
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(customer, .init = setup, .fini = teardown);

/* Try to enrol a document; returns the result and leaves the reason in *cause. */
static int
try_enroll(const char *json, char **cause)
{
	struct customer_enrolment	*e = customer_enrolment_new();
	json_t				*doc = json_loads(json, 0, NULL);
	char				 uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	int				 rc;

	cr_assert_not_null(doc);
	rc = customer_enrolment_from_json(s, doc, false, e, cause);
	if (rc == CUSTOMER_OK)
		rc = customer_enroll(s, e, HELPERS_NOW, uid, receipt, cause);
	json_decref(doc);
	customer_enrolment_free(e);
	return rc;
}

/* The number of rows in a table. */
static long
count(const char *table)
{
	char		 sql[128];
	sqlite3_stmt	*stmt;
	long		 n = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	sqlite3_prepare_v2(store_db(s->store), sql, -1, &stmt, NULL);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

Test(customer, enrolment_round_trips_through_the_sealed_store)
{
	char			 json[512], uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	struct customer_profile	*p;
	int			 i0 = 0, i1 = 3;

	snprintf(json, sizeof json, "{\"name\":\" Ada \",\"email\":\"ADA@example.org\","
	    "\"language\":\"de\",\"interests\":[\"%s\",\"%s\"],\"channels\":{\"email\":\"monthly\"},"
	    "\"consents\":{\"email_marketing\":true}}", s->catalog->interests[i0].id,
	    s->catalog->interests[i1].id);
	helpers_enroll(s, json, HELPERS_NOW, uid);
	cr_assert_eq(strlen(uid), CUSTOMER_UID_LEN);
	cr_assert_eq(customer_load(s, uid, &p, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_str_eq(p->name, "Ada");
	cr_assert_str_eq(p->email, "ada@example.org");
	cr_assert_str_eq(p->language, "de");
	cr_assert_eq(strlen(p->card), 12, "a new card number is given");
	cr_assert(p->interests[i0] && p->interests[i1] && !p->interests[1]);
	cr_assert_eq(p->channels[catalog_channel_find(s->catalog, "email")],
	    catalog_frequency_find(s->catalog, "monthly"));
	cr_assert_eq(p->channels[catalog_channel_find(s->catalog, "sms")], CUSTOMER_NO_CHANNEL);
	customer_profile_free(p);
	cr_assert_eq(count("consent_records"), (long)s->catalog->npurposes,
	    "one record per purpose, given or refused");
}

Test(customer, find_by_phone_email_and_card_in_any_typed_form)
{
	char	uid[CUSTOMER_UID_LEN + 1], found[CUSTOMER_UID_LEN + 1], *cause = NULL;

	helpers_enroll(s, "{\"phone\":\"+49 170 1234567\",\"email\":\"bo@example.org\","
	    "\"card\":\"1234-5678-90\",\"pin\":\"4711\",\"language\":\"en\","
	    "\"channels\":[\"sms\",\"email\"]}", HELPERS_NOW, uid);
	cr_assert_eq(customer_find(s, CONTACT_PHONE, "0170/123 45 67", found, &cause), 0);
	cr_assert_str_eq(found, uid);
	cr_assert_eq(customer_find(s, CONTACT_PHONE, "0049 170 1234567", found, &cause), 0);
	cr_assert_eq(customer_find(s, CONTACT_EMAIL, "BO@EXAMPLE.ORG", found, &cause), 0);
	cr_assert_eq(customer_find(s, CONTACT_CARD, "1234567890", found, &cause), 0);
	cr_assert_eq(customer_find(s, CONTACT_CARD, "1234567891", found, &cause),
	    CUSTOMER_NOT_FOUND);
	free(cause);
}

Test(customer, pin_is_kept_as_an_argon2id_hash)
{
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	struct customer_profile	*p;

	helpers_enroll(s, "{\"phone\":\"+491701234567\",\"pin\":\"4711\",\"language\":\"en\"}",
	    HELPERS_NOW, uid);
	cr_assert_eq(customer_load(s, uid, &p, &cause), CUSTOMER_OK);
	cr_assert_eq(strncmp(p->pin_hash, "$argon2id$", 10), 0);
	cr_assert_eq(vault_pin_verify(s->vault, p->pin_hash, "4711"), 0);
	cr_assert_eq(vault_pin_verify(s->vault, p->pin_hash, "4712"), -1);
	customer_profile_free(p);
}

Test(customer, minimisation_refuses_fields_no_choice_uses)
{
	char	*cause = NULL;

	cr_assert_eq(try_enroll("{\"email\":\"a@example.org\",\"language\":\"en\","
	    "\"channels\":[\"in_store\"]}", &cause), CUSTOMER_INVALID);
	cr_assert_not_null(strstr(cause, "email"), "%s", cause);
	free(cause);
	cr_assert_eq(try_enroll("{\"phone\":\"+491701234567\",\"language\":\"en\"}", &cause),
	    CUSTOMER_INVALID);
	cr_assert_not_null(strstr(cause, "phone"), "%s", cause);
	free(cause);
	cr_assert_eq(try_enroll("{\"language\":\"en\",\"channels\":[\"sms\"]}", &cause),
	    CUSTOMER_INVALID);
	cr_assert_not_null(strstr(cause, "phone number"), "%s", cause);
	free(cause);
	cr_assert_eq(count("customers"), 0);
	cr_assert_eq(count("consent_records"), 0, "nothing is stored for refused input");
}

/* Found by fuzzing: a reason quoted a key of the document as it was, line breaks included. */
Test(customer, a_refused_key_or_id_is_quoted_on_one_line_of_text)
{
	static const char *const docs[] = {
		"{\"language\":\"en\",\"l\\nguage\":1}",
		"{\"language\":\"en\",\"interests\":[\"tea\\u001b[2J\"]}",
		"{\"language\":\"en\",\"consents\":{\"x\\r\\u009b\":true}}",
	};
	char	*cause = NULL;
	size_t	 i, k;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		cr_assert_eq(try_enroll(docs[i], &cause), CUSTOMER_INVALID, "%s", docs[i]);
		for (k = 0; cause[k] != '\0'; k++)
			cr_assert((unsigned char)cause[k] >= 0x20 && cause[k] != 0x7f &&
			    !((unsigned char)cause[k] == 0xc2 &&
			    (unsigned char)cause[k + 1] >= 0x80 && (unsigned char)cause[k + 1] <= 0x9f),
			    "a control character in: %s", cause);
		free(cause);
		cause = NULL;
	}
}

Test(customer, a_name_alone_is_allowed_for_greeting)
{
	cr_assert_eq(try_enroll("{\"name\":\"Zoë\",\"language\":\"fr\"}", NULL), CUSTOMER_OK);
}

Test(customer, duplicate_email_is_refused_and_nothing_is_stored)
{
	char	*cause = NULL;

	cr_assert_eq(try_enroll("{\"email\":\"a@example.org\",\"language\":\"en\","
	    "\"channels\":[\"email\"]}", NULL), CUSTOMER_OK);
	cr_assert_eq(try_enroll("{\"email\":\"A@Example.org\",\"language\":\"en\","
	    "\"channels\":[\"email\"]}", &cause), CUSTOMER_INVALID);
	cr_assert_not_null(strstr(cause, "another member"));
	cr_assert_null(strstr(cause, "example.org"), "the reason must not quote the address");
	free(cause);
	cr_assert_eq(count("customers"), 1);
	cr_assert_eq(count("consent_records"), (long)s->catalog->npurposes);
}

Test(customer, withdraw_all_withdraws_only_what_was_given)
{
	char			uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	char			*cause = NULL;
	struct consent_current	cur;
	int			em = catalog_purpose_find(s->catalog, "email_marketing");
	int			po = catalog_purpose_find(s->catalog, "personalised_offers");
	size_t			i;

	helpers_enroll(s, "{\"email\":\"c@example.org\",\"language\":\"en\",\"channels\":[\"email\"],"
	    "\"consents\":{\"email_marketing\":true,\"personalised_offers\":true}}", HELPERS_NOW, uid);
	cr_assert_eq(customer_consent(s, uid, -1, CONSENT_WITHDRAWN, CONSENT_KIOSK, NULL, 0,
	    HELPERS_NOW + 60, receipt, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_eq(count("consent_records"), (long)s->catalog->npurposes + 2);
	for (i = 0; i < s->catalog->npurposes; i++) {
		cr_assert_eq(consent_current(s, uid, (int)i, &cur, &cause), 0);
		cr_assert_eq(cur.state, (int)i == em || (int)i == po ? CONSENT_WITHDRAWN :
		    CONSENT_REFUSED);
	}
}

Test(customer, grant_then_state_is_given_and_current)
{
	char			uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	char			*cause = NULL;
	struct consent_current	cur;
	int			p = catalog_purpose_find(s->catalog, "aggregated_insights");

	helpers_enroll(s, "{\"language\":\"es\"}", HELPERS_NOW, uid);
	cr_assert_eq(customer_consent(s, uid, p, CONSENT_GIVEN, CONSENT_REQUEST, "alice", 3,
	    HELPERS_NOW, receipt, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_eq(consent_current(s, uid, p, &cur, &cause), 0);
	cr_assert_eq(cur.state, CONSENT_GIVEN);
	cr_assert(consent_is_current(s, &cur, p, HELPERS_NOW + 1));
	cr_assert_not(consent_is_current(s, &cur, p, cur.valid_until + 1),
	    "a consent past its validity is not current");
}

Test(customer, unknown_member_is_not_found)
{
	char			receipt[CONSENT_ID_LEN + 1], *cause = NULL;
	struct customer_profile	*p;

	cr_assert_eq(customer_load(s, "0000000000000000", &p, &cause), CUSTOMER_NOT_FOUND);
	free(cause);
	cause = NULL;
	cr_assert_eq(customer_consent(s, "0000000000000000", 0, CONSENT_GIVEN, CONSENT_KIOSK,
	    NULL, 0, HELPERS_NOW, receipt, &cause), CUSTOMER_NOT_FOUND);
	free(cause);
}

Test(customer, erasure_destroys_the_key_and_keeps_the_evidence)
{
	char			 uid[CUSTOMER_UID_LEN + 1], found[CUSTOMER_UID_LEN + 1];
	char			*cause = NULL;
	struct customer_profile	*p;
	int			 result;

	helpers_enroll(s, "{\"email\":\"d@example.org\",\"language\":\"en\",\"channels\":[\"email\"],"
	    "\"consents\":{\"email_marketing\":true}}", HELPERS_NOW, uid);
	cr_assert_eq(customer_erase(s, uid, CONSENT_KIOSK, HELPERS_NOW + 5, &cause), CUSTOMER_OK,
	    "%s", cause);
	cr_assert_eq(customer_load(s, uid, &p, &cause), CUSTOMER_NOT_FOUND);
	free(cause);
	cause = NULL;
	cr_assert_eq(customer_find(s, CONTACT_EMAIL, "d@example.org", found, &cause),
	    CUSTOMER_NOT_FOUND);
	free(cause);
	cause = NULL;
	cr_assert_null(customer_export(s, uid, HELPERS_NOW, &result, &cause));
	cr_assert_eq(result, CUSTOMER_NOT_FOUND);
	free(cause);
	cr_assert_eq(count("consent_records"), (long)s->catalog->npurposes + 1,
	    "one withdrawal for the one given purpose");
	cr_assert_eq(customer_erase(s, uid, CONSENT_KIOSK, HELPERS_NOW, NULL), CUSTOMER_NOT_FOUND);
}

Test(customer, a_damaged_field_is_reported_for_that_member_only)
{
	char			 a[CUSTOMER_UID_LEN + 1], b[CUSTOMER_UID_LEN + 1], *cause = NULL;
	struct customer_profile	*p;

	helpers_enroll(s, "{\"name\":\"Ann\",\"language\":\"en\"}", HELPERS_NOW, a);
	helpers_enroll(s, "{\"name\":\"Ben\",\"language\":\"en\"}", HELPERS_NOW, b);
	/* A ciphertext moved from one member to another must not open. */
	cr_assert_eq(store_exec(s->store, "UPDATE customers SET profile ="
	    " (SELECT profile FROM customers WHERE id = 2) WHERE id = 1", &cause), 0);
	cr_assert_eq(customer_load(s, a, &p, &cause), CUSTOMER_DAMAGED);
	cr_assert_not_null(strstr(cause, "'profile'"), "%s", cause);
	free(cause);
	cause = NULL;
	cr_assert_eq(customer_load(s, b, &p, &cause), CUSTOMER_OK);
	cr_assert_str_eq(p->name, "Ben");
	customer_profile_free(p);
}

Test(customer, export_holds_profile_consents_history_rewards_and_visits)
{
	char	 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	json_t	*o;
	int	 result;

	helpers_enroll(s, "{\"name\":\"Eve\",\"email\":\"e@example.org\",\"language\":\"en\","
	    "\"channels\":[\"email\"],\"consents\":{\"email_marketing\":true}}", HELPERS_NOW, uid);
	o = customer_export(s, uid, HELPERS_NOW, &result, &cause);
	cr_assert_not_null(o, "%s", cause);
	cr_assert_str_eq(json_string_value(json_object_get(o, "customer")), uid);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "profile"), "name")),
	    "Eve");
	cr_assert_eq(json_array_size(json_object_get(o, "consent_history")),
	    s->catalog->npurposes);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(o,
	    "consents"), "email_marketing"), "state")), "given");
	cr_assert(json_is_array(json_object_get(o, "rewards")));
	cr_assert(json_is_array(json_object_get(o, "visits")));
	json_decref(o);
}

Test(customer, assisted_sign_up_records_the_staff_member)
{
	char	 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	json_t	*h, *o;
	int	 result;

	helpers_enroll(s, "{\"language\":\"en\",\"method\":\"assisted\",\"staff\":\"alice\"}",
	    HELPERS_NOW, uid);
	o = customer_export(s, uid, HELPERS_NOW, &result, &cause);
	h = json_array_get(json_object_get(o, "consent_history"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(h, "method")), "assisted");
	cr_assert_str_eq(json_string_value(json_object_get(h, "staff")), "alice");
	json_decref(o);
}

Test(customer, five_wrong_pins_lock_a_member_for_fifteen_minutes)
{
	struct customer_profile	*p = NULL;
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	time_t			 until;
	int			 i;

	helpers_enroll(s, "{\"language\":\"en\",\"pin\":\"2468\"}", HELPERS_NOW, uid);
	cr_assert_eq(customer_load(s, uid, &p, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_eq(customer_pin_check(s, uid, p, "2468", HELPERS_NOW, 5, 15, &until, &cause),
	    CUSTOMER_PIN_OK);
	for (i = 0; i < 4; i++)
		cr_assert_eq(customer_pin_check(s, uid, p, "1111", HELPERS_NOW, 5, 15, &until,
		    &cause), CUSTOMER_PIN_WRONG, "wrong PIN %d", i + 1);
	cr_assert_eq(customer_pin_check(s, uid, p, "1111", HELPERS_NOW, 5, 15, &until, &cause),
	    CUSTOMER_PIN_LOCKED, "the fifth wrong PIN locks");
	cr_assert_eq(until, HELPERS_NOW + 15 * 60);
	cr_assert_eq(customer_pin_check(s, uid, p, "2468", HELPERS_NOW + 60, 5, 15, &until,
	    &cause), CUSTOMER_PIN_LOCKED, "even the right PIN waits");
	cr_assert_eq(customer_pin_check(s, uid, p, "2468", HELPERS_NOW + 15 * 60, 5, 15, &until,
	    &cause), CUSTOMER_PIN_OK, "after 15 minutes the right PIN works");
	customer_profile_free(p);

	helpers_enroll(s, "{\"language\":\"en\"}", HELPERS_NOW, uid);
	cr_assert_eq(customer_load(s, uid, &p, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_eq(customer_pin_check(s, uid, p, "2468", HELPERS_NOW, 5, 15, &until, &cause),
	    CUSTOMER_PIN_NONE);
	customer_profile_free(p);
}

static int	nproblems;
static char	problem[512];

/* Count verify's problems and keep the last. */
static void
collect(const char *what, void *arg)
{
	(void)arg;
	nproblems++;
	snprintf(problem, sizeof problem, "%s", what);
}

/* customer_verify after sql; the number of problems, the last in problem. */
static int
verify_after(const char *sql)
{
	char	*cause = NULL;
	long	 members;
	int	 n;

	cr_assert_eq(store_exec(s->store, sql, &cause), 0, "%s", cause);
	nproblems = 0;
	problem[0] = '\0';
	n = customer_verify(s, collect, NULL, &members, &cause);
	cr_assert_geq(n, 0, "%s", cause);
	cr_assert_eq(n, nproblems);
	return n;
}

Test(customer, verify_names_a_blind_index_that_is_not_the_members)
{
	char	uid[CUSTOMER_UID_LEN + 1], want[64];

	helpers_enroll(s, "{\"language\":\"en\",\"card\":\"4000 1234 5678\"}", HELPERS_NOW, uid);
	cr_assert_eq(verify_after("SELECT 1"), 0);
	/* A flipped bit: the member would no longer be found by their card. */
	cr_assert_eq(verify_after("UPDATE customers SET card_index ="
	    " CAST(substr(card_index, 1, 15) AS BLOB) || X'00'"), 1);
	snprintf(want, sizeof want, "member %s: its card index", uid);
	cr_assert_not_null(strstr(problem, want), "%s", problem);
	/* And an index where the member has no such field. */
	cr_assert_eq(verify_after("UPDATE customers SET card_index = NULL,"
	    " email_index = randomblob(16)"), 2);
	cr_assert_not_null(strstr(problem, "its email index"), "%s", problem);
}

Test(customer, verify_names_a_live_member_made_to_look_erased_or_emptied)
{
	char	uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	helpers_enroll(s, "{\"language\":\"en\"}", HELPERS_NOW, uid);
	cr_assert_eq(verify_after("UPDATE customers SET erased = created"), 1);
	cr_assert_not_null(strstr(problem, "marked erased, but"), "%s", problem);
	cr_assert_eq(verify_after("UPDATE customers SET erased = NULL, profile = NULL"), 1);
	cr_assert_not_null(strstr(problem, "sealed profile is missing"), "%s", problem);
	cr_assert_eq(verify_after("UPDATE customers SET data_key = NULL"), 1);
	cr_assert_not_null(strstr(problem, uid), "%s", problem);
	/* A real erasure is no problem. */
	helpers_enroll(s, "{\"language\":\"en\"}", HELPERS_NOW, uid);
	cr_assert_eq(customer_erase(s, uid, CONSENT_KIOSK, HELPERS_NOW, &cause), CUSTOMER_OK);
	cr_assert_eq(verify_after("SELECT 1"), 1, "only the emptied member");
}
