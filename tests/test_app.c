/*
 * test_app — the journey's effects on a real store, without a terminal: a sign-up saved with
 * its consents and reward, a scanned card signing in with the member's rewards, a wrong PIN,
 * withdraw all and delete me recorded, the desk redeeming a code once and stamping a visit, and
 * the admin dashboard: its figures for an admin, a refusal (recorded) for anyone else.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "helpers.h"
#include "staff.h"

static char		*dir;
static struct shop	*s;
static struct app	*a;
static time_t		 now;

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	now = HELPERS_NOW;
	a = NULL;
}

static void
teardown(void)
{
	app_free(a);
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(app, .init = setup, .fini = teardown);

static unsigned
send(enum journey_event_type type, int arg, const char *text)
{
	struct journey_event	ev = { type, arg, text, ++now };

	return app_handle(a, &ev);
}

static void
type(const char *text)
{
	for (; *text != '\0'; text++)
		send(JOURNEY_EV_CHAR, (unsigned char)*text, NULL);
}

static enum journey_step
step(void)
{
	return app_journey(a)->step;
}

static long
query_long(const char *sql)
{
	sqlite3_stmt	*q;
	long		 n = -1;

	cr_assert_eq(sqlite3_prepare_v2(store_db(s->store), sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* A sign-up through the kiosk: no channel, every purpose refused, a new card, PIN 2580. */
static void
sign_up(void)
{
	size_t	i;

	send(JOURNEY_EV_START, 0, NULL);
	send(JOURNEY_EV_NEXT, 0, NULL);		/* intro */
	send(JOURNEY_EV_NEXT, 0, NULL);		/* interests */
	send(JOURNEY_EV_NEXT, 0, NULL);		/* channels: none */
	for (i = 0; i < s->catalog->npurposes; i++)
		send(JOURNEY_EV_NO, 0, NULL);
	cr_assert_eq(step(), JOURNEY_REVIEW);
	send(JOURNEY_EV_NEXT, 0, NULL);
	send(JOURNEY_EV_CHOOSE, 0, NULL);	/* a new card */
	type("2580");
	send(JOURNEY_EV_NEXT, 0, NULL);
	type("2580");
	send(JOURNEY_EV_NEXT, 0, NULL);
}

Test(app, a_sign_up_is_saved_with_its_consents_and_reward)
{
	a = app_new(s, now);
	sign_up();
	cr_assert_eq(step(), JOURNEY_REWARD, "step %s", journey_step_name(step()));
	cr_assert_eq(app_journey(a)->rewards.n, 1, "the welcome offer");
	cr_assert_eq(strlen(app_journey(a)->draft->profile->card), 12, "a new card number");
	cr_assert_eq(query_long("SELECT count(*) FROM customers"), 1);
	cr_assert_eq(query_long("SELECT count(*) FROM consent_records WHERE state = 'refused'"
	    " AND json_extract(body, '$.method') = 'kiosk'"), (long)s->catalog->npurposes);
	cr_assert(send(JOURNEY_EV_NEXT, 0, NULL) & JOURNEY_REDRAW);
	cr_assert(send(JOURNEY_EV_NEXT, 0, NULL) & JOURNEY_REDRAW);
	cr_assert_eq(step(), JOURNEY_ATTRACT);
	cr_assert_str_eq(app_journey(a)->draft->profile->card, "", "the session is wiped");
}

Test(app, a_scanned_card_signs_in_and_a_wrong_pin_is_refused)
{
	char	uid[CUSTOMER_UID_LEN + 1];

	helpers_enroll(s, "{\"card\":\"400012345678\",\"language\":\"en\",\"pin\":\"2580\","
	    "\"consents\":{\"personalised_offers\":true}}", now, uid);
	a = app_new(s, now);
	send(JOURNEY_EV_SCAN, 0, "400012345678");
	cr_assert_eq(step(), JOURNEY_MEMBER);
	cr_assert_str_eq(app_journey(a)->uid, uid);
	cr_assert_eq(app_journey(a)->rewards.n, 1, "the welcome offer, to show again");
	cr_assert_eq(app_journey(a)->stamps_every, 5);

	send(JOURNEY_EV_BACK, 0, NULL);
	send(JOURNEY_EV_SIGNIN, 0, NULL);
	type("400012345678");
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_eq(step(), JOURNEY_SIGNIN_PIN);
	type("1111");
	cr_assert(send(JOURNEY_EV_NEXT, 0, NULL) & JOURNEY_BELL);
	cr_assert_str_eq(app_journey(a)->message, "Wrong PIN");
	type("2580");
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_eq(step(), JOURNEY_MEMBER);
}

Test(app, withdraw_all_and_delete_me_reach_the_store)
{
	char	uid[CUSTOMER_UID_LEN + 1];

	helpers_enroll(s, "{\"card\":\"400012345678\",\"language\":\"en\","
	    "\"consents\":{\"personalised_offers\":true,\"aggregated_insights\":true}}", now, uid);
	a = app_new(s, now);
	send(JOURNEY_EV_SCAN, 0, "400012345678");
	send(JOURNEY_EV_CHOOSE, 2, NULL);		/* my consents */
	send(JOURNEY_EV_NO, 0, NULL);			/* withdraw all */
	cr_assert_eq(query_long("SELECT count(*) FROM consent_records WHERE state = 'withdrawn'"),
	    2);
	cr_assert_eq(app_journey(a)->draft->consents[0], CONSENT_WITHDRAWN);
	send(JOURNEY_EV_BACK, 0, NULL);
	send(JOURNEY_EV_CHOOSE, 4, NULL);		/* delete me */
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_eq(step(), JOURNEY_DELETED);
	cr_assert_eq(query_long("SELECT count(*) FROM customers WHERE erased IS NOT NULL"), 1);
}

Test(app, the_desk_redeems_a_code_once_and_stamps_a_visit)
{
	struct reward_list	 l;
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	long			 stamps, every;

	cr_assert_eq(staff_add(s->store, s->vault, "carla", STAFF_ROLE_STAFF, "2468", now,
	    &cause), STAFF_OK, "%s", cause);
	helpers_enroll(s, "{\"card\":\"400022223333\",\"name\":\"Ben\",\"language\":\"en\"}",
	    now, uid);
	cr_assert_eq(reward_outstanding(s, uid, now, &l, &stamps, &every, &cause), 0);
	a = app_new_desk(s, now, "carla");
	cr_assert_eq(step(), JOURNEY_DESK_SIGNIN);
	type("2468");
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_eq(step(), JOURNEY_DESK_READY);
	send(JOURNEY_EV_SCAN, 0, l.v[0].code);
	cr_assert_eq(step(), JOURNEY_DESK_RESULT);
	cr_assert_eq(app_journey(a)->ticket.status, REWARD_REDEEMED);
	cr_assert(send(JOURNEY_EV_SCAN, 0, l.v[0].code) & JOURNEY_BELL, "a failure rings");
	cr_assert_eq(app_journey(a)->ticket.status, REWARD_ALREADY);
	send(JOURNEY_EV_SCAN, 0, "400022223333");
	cr_assert_eq(step(), JOURNEY_DESK_MEMBER);
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_eq(app_journey(a)->stamps, 1);
	cr_assert_eq(query_long("SELECT count(*) FROM visits"), 1);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'carla'"), 3,
	    "sign-in, redemption, visit");
}

/* A staff account, and its sign-in at the kiosk's staff gate. */
static void
staff_sign_in(const char *name, enum staff_role role, const char *pin)
{
	char	*cause = NULL;

	cr_assert_eq(staff_add(s->store, s->vault, name, role, pin, now, &cause), STAFF_OK, "%s",
	    cause);
	a = app_new(s, now);
	send(JOURNEY_EV_STAFF, 0, NULL);
	type(name);
	send(JOURNEY_EV_NEXT, 0, NULL);
	type(pin);
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU, "step %s", journey_step_name(step()));
}

/* Six members who give e-mail marketing. */
static void
six_members(void)
{
	char	json[256], uid[CUSTOMER_UID_LEN + 1];
	int	i;

	for (i = 0; i < 6; i++) {
		snprintf(json, sizeof json, "{\"email\":\"m%d@example.org\",\"language\":\"en\","
		    "\"channels\":[\"email\"],\"consents\":{\"email_marketing\":true}}", i);
		helpers_enroll(s, json, now, uid);
	}
}

Test(app, an_admin_gets_the_dashboard_with_its_figures_until_the_session_ends)
{
	const struct dashboard	*d;

	six_members();
	staff_sign_in("anna", STAFF_ROLE_ADMIN, "9876");
	send(JOURNEY_EV_MORE, 0, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_DASHBOARD, "step %s", journey_step_name(step()));
	d = app_journey(a)->dashboard;
	cr_assert_not_null(d);
	cr_assert_eq(d->members, 6);
	cr_assert_eq(d->opted_in[catalog_purpose_find(s->catalog, "email_marketing")], 6);
	cr_assert_eq(d->signups[DASHBOARD_DAYS - 1], 6);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna'"
	    " AND action = 'dashboard'"), 1);
	send(JOURNEY_EV_BACK, 0, NULL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU);
	send(JOURNEY_EV_BACK, 0, NULL);
	cr_assert_eq(step(), JOURNEY_ATTRACT);
	cr_assert_null(app_journey(a)->dashboard, "the session is wiped, figures too");
}

Test(app, a_staff_session_sending_the_event_is_refused_and_the_refusal_recorded)
{
	unsigned	out;

	six_members();
	staff_sign_in("carla", STAFF_ROLE_STAFF, "2468");
	out = send(JOURNEY_EV_MORE, 0, NULL);
	cr_assert(out & JOURNEY_BELL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU);
	cr_assert_null(app_journey(a)->dashboard);
	cr_assert_str_eq(app_journey(a)->message, "Only an admin may open the dashboard");
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'carla'"
	    " AND action = 'denied' AND target = 'dashboard'"), 1);
}

Test(app, an_admin_made_staff_since_signing_in_is_refused)
{
	char	*cause = NULL;

	staff_sign_in("anna", STAFF_ROLE_ADMIN, "9876");
	cr_assert(app_journey(a)->admin);
	/* Another admin makes her staff, from the command line, while she is signed in. */
	cr_assert_eq(staff_remove(s->store, "anna", &cause), STAFF_OK, "%s", cause);
	cr_assert_eq(staff_add(s->store, s->vault, "anna", STAFF_ROLE_STAFF, "9876", now,
	    &cause), STAFF_OK, "%s", cause);
	send(JOURNEY_EV_MORE, 0, NULL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU, "step %s", journey_step_name(step()));
	cr_assert_null(app_journey(a)->dashboard);
	cr_assert_not(app_journey(a)->admin, "nor may she leave the kiosk now");
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna'"
	    " AND action = 'denied'"), 1);
}
