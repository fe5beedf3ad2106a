/*
 * test_admin — stats with small figures suppressed, purge by the retention rules, verify.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "customer.h"
#include "helpers.h"
#include "util.h"

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

TestSuite(admin, .init = setup, .fini = teardown);

/* Enrol n members with e-mail; the first `given` give e-mail marketing. */
static void
members(int n, int given, time_t when)
{
	char	json[256], uid[CUSTOMER_UID_LEN + 1];
	int	i;

	for (i = 0; i < n; i++) {
		snprintf(json, sizeof json, "{\"email\":\"m%d.%ld@example.org\",\"language\":\"en\","
		    "\"channels\":[\"email\"],\"interests\":[\"%s\"],"
		    "\"consents\":{\"email_marketing\":%s}}", i, (long)when,
		    s->catalog->interests[0].id, i < given ? "true" : "false");
		helpers_enroll(s, json, when, uid);
	}
}

Test(admin, stats_count_opt_ins_and_suppress_figures_below_five)
{
	char	*cause = NULL;
	json_t	*o, *em;

	members(8, 6, HELPERS_NOW);
	o = admin_stats(s, HELPERS_NOW, &cause);
	cr_assert_not_null(o, "%s", cause);
	cr_assert_eq(json_integer_value(json_object_get(o, "members")), 8);
	em = json_object_get(json_object_get(o, "purposes"), "email_marketing");
	cr_assert_eq(json_integer_value(json_object_get(em, "given")), 6);
	cr_assert(json_is_null(json_object_get(em, "refused")), "2 refusals are suppressed");
	cr_assert_float_eq(json_real_value(json_object_get(em, "opt_in_rate")), 0.75, 1e-9);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(o, "interests"),
	    s->catalog->interests[0].id)), 8);
	cr_assert(json_is_null(json_object_get(json_object_get(o, "interests"),
	    s->catalog->interests[1].id)), "0 is below 5 and suppressed");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(o, "channels"), "email")),
	    8);
	json_decref(o);
}

Test(admin, a_figure_below_five_is_suppressed_and_five_is_shown)
{
	cr_assert_eq(admin_figure(0), ADMIN_SUPPRESSED, "0 is a figure below 5 too");
	cr_assert_eq(admin_figure(ADMIN_MIN_FIGURE - 1), ADMIN_SUPPRESSED);
	cr_assert_eq(admin_figure(ADMIN_MIN_FIGURE), ADMIN_MIN_FIGURE);
	cr_assert_eq(admin_figure(1234), 1234);
}

Test(admin, stats_of_a_tiny_store_reveal_nothing)
{
	char	*cause = NULL;
	json_t	*o;

	members(2, 2, HELPERS_NOW);
	o = admin_stats(s, HELPERS_NOW, &cause);
	cr_assert(json_is_null(json_object_get(o, "members")));
	cr_assert(json_is_null(json_object_get(json_object_get(json_object_get(o, "purposes"),
	    "email_marketing"), "given")));
	json_decref(o);
}

Test(admin, purge_expires_lapsed_consents_and_erases_inactive_members)
{
	time_t	 later = HELPERS_NOW + (time_t)400 * UTIL_DAY;	/* past a 365-day validity */
	time_t	 much_later = HELPERS_NOW + (time_t)(s->config->inactive_days + 1) * UTIL_DAY;
	char	*cause = NULL;
	json_t	*o;

	members(3, 3, HELPERS_NOW);
	o = admin_purge(s, later, true, NULL, &cause);
	cr_assert_not_null(o, "%s", cause);
	cr_assert_eq(json_integer_value(json_object_get(o, "consents_expired")), 3);
	cr_assert(json_is_true(json_object_get(o, "dry_run")));
	json_decref(o);
	o = admin_purge(s, later, true, NULL, &cause);
	cr_assert_eq(json_integer_value(json_object_get(o, "consents_expired")), 3,
	    "a dry run changes nothing");
	json_decref(o);
	o = admin_purge(s, later, false, NULL, &cause);
	cr_assert_eq(json_integer_value(json_object_get(o, "consents_expired")), 3);
	cr_assert_eq(json_integer_value(json_object_get(o, "members_erased")), 0);
	json_decref(o);
	o = admin_purge(s, later, false, NULL, &cause);
	cr_assert_eq(json_integer_value(json_object_get(o, "consents_expired")), 0,
	    "an expired consent is expired once");
	json_decref(o);
	o = admin_purge(s, much_later, false, "anna", &cause);
	cr_assert_eq(json_integer_value(json_object_get(o, "members_erased")), 3);
	json_decref(o);
	cr_assert_eq(helpers_query_long(s, "SELECT count(*) FROM audit WHERE action = 'purge'",
	    NULL), 3, "every real purge is recorded, a dry run is not");
	cr_assert_eq(helpers_query_long(s, "SELECT count(*) FROM audit WHERE action = 'purge' AND"
	    " staff = 'anna'", NULL), 1);
}

Test(admin, a_staff_change_and_its_audit_record_commit_together)
{
	char	*cause = NULL;

	cr_assert_eq(admin_staff_add(s, "anna", "zoe", STAFF_ROLE_STAFF, "1234", HELPERS_NOW,
	    &cause), STAFF_OK, "%s", cause);
	cr_assert_eq(admin_staff_add(s, "anna", "zoe", STAFF_ROLE_STAFF, "1234", HELPERS_NOW,
	    &cause), STAFF_EXISTS);
	cr_assert_eq(admin_staff_remove(s, NULL, "zoe", HELPERS_NOW, &cause), STAFF_OK, "%s",
	    cause);
	cr_assert_eq(admin_staff_remove(s, NULL, "zoe", HELPERS_NOW, &cause), STAFF_NOT_FOUND);
	cr_assert_eq(helpers_query_long(s, "SELECT count(*) FROM audit WHERE target = 'zoe' AND"
	    " ((action = 'staff_add' AND staff = 'anna') OR"
	    " (action = 'staff_remove' AND staff IS NULL))", NULL), 2,
	    "one record each, none for the refusals");

	/* An audit chain that cannot be written: the change does not happen either. */
	cr_assert_eq(sqlite3_exec(store_db(s->store), "CREATE TRIGGER no_audit BEFORE INSERT ON"
	    " audit BEGIN SELECT RAISE(ABORT, 'full'); END", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(admin_staff_add(s, "anna", "ben", STAFF_ROLE_STAFF, "1234", HELPERS_NOW,
	    &cause), STAFF_ERROR);
	cr_assert_not_null(cause);
	free(cause);
	cause = NULL;
	cr_assert_eq(helpers_query_long(s, "SELECT count(*) FROM staff WHERE name = 'ben'",
	    NULL), 0);
}

Test(admin, verify_counts_members_and_records)
{
	char	*cause = NULL;
	json_t	*summary;

	members(2, 1, HELPERS_NOW);
	cr_assert_eq(admin_verify(s, HELPERS_NOW, NULL, NULL, &summary, &cause), 0, "%s", cause);
	cr_assert(json_is_true(json_object_get(summary, "ok")));
	cr_assert_eq(json_integer_value(json_object_get(summary, "members")), 2);
	cr_assert_eq(json_integer_value(json_object_get(summary, "consent_records")),
	    2 * (json_int_t)s->catalog->npurposes);
	json_decref(summary);
}

Test(admin, verify_names_a_dropped_trigger)
{
	char	*cause = NULL;
	json_t	*summary;

	members(1, 0, HELPERS_NOW);
	cr_assert_eq(store_exec(s->store, "DROP TRIGGER audit_no_delete", &cause), 0);
	cr_assert_eq(admin_verify(s, HELPERS_NOW, NULL, NULL, &summary, &cause), 1, "%s", cause);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(summary, "problems"),
	    0)), "sqlite: the trigger audit_no_delete is missing (it was dropped)");
	json_decref(summary);
}
