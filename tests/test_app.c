/*
 * test_app — the journey's effects on a real store, without a terminal: a sign-up saved with
 * its consents and reward, a scanned card signing in with the member's rewards, a wrong PIN,
 * withdraw all and delete me recorded, the desk redeeming a code once and stamping a visit, and
 * the admin side: retention, staff accounts and the dashboard for an admin, nothing for staff,
 * and a refusal (recorded) for an admin demoted since signing in.
 */
#include <criterion/criterion.h>

#include <sodium.h>

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dashboard.h"
#include "helpers.h"
#include "sealfile.h"
#include "util.h"
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
	return helpers_query_long(s, sql, NULL);
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

/* Through the kiosk's staff gate as name with PIN. */
static void
staff_gate(const char *name, const char *pin)
{
	send(JOURNEY_EV_STAFF, 0, NULL);
	type(name);
	send(JOURNEY_EV_NEXT, 0, NULL);
	type(pin);
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU, "step %s", journey_step_name(step()));
}

static void
add_staff(const char *name, enum staff_role role, const char *pin)
{
	char	*cause = NULL;

	cr_assert_eq(staff_add(s->store, s->vault, name, role, pin, now, &cause), STAFF_OK,
	    "%s", cause);
}

/* anna signs in as an admin; then ben, another admin, removes her account (and, with
 * as_staff, adds her back as staff) behind the kiosk's back. */
static void
admin_demoted_after_sign_in(bool as_staff)
{
	char	*cause = NULL;

	add_staff("anna", STAFF_ROLE_ADMIN, "9876");
	add_staff("ben", STAFF_ROLE_ADMIN, "1357");
	a = app_new(s, now);
	staff_gate("anna", "9876");
	cr_assert(app_journey(a)->admin);
	cr_assert_eq(staff_remove(s->store, "anna", &cause), STAFF_OK, "%s", cause);
	if (as_staff)
		add_staff("anna", STAFF_ROLE_STAFF, "9876");
}

Test(app, an_admin_previews_then_applies_retention)
{
	char	uid[CUSTOMER_UID_LEN + 1];

	add_staff("anna", STAFF_ROLE_ADMIN, "1357");
	helpers_enroll(s, "{\"card\":\"400022223333\",\"language\":\"en\"}",
	    now - (time_t)(s->config->inactive_days + 1) * 86400, uid);
	helpers_enroll(s, "{\"card\":\"400022224444\",\"language\":\"en\"}", now, uid);
	a = app_new(s, now);
	staff_gate("anna", "1357");
	cr_assert(app_journey(a)->admin);
	send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_PURGE, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_PURGE);
	cr_assert_eq(app_journey(a)->figures.members_erased, 1, "the preview");
	cr_assert_not(app_journey(a)->figures.done);
	cr_assert_eq(query_long("SELECT count(*) FROM customers WHERE erased IS NULL"), 2,
	    "a preview changes nothing");
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert(app_journey(a)->figures.done);
	cr_assert_str_eq(app_journey(a)->message, "Retention applied");
	cr_assert_eq(query_long("SELECT count(*) FROM customers WHERE erased IS NULL"), 1);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna' AND"
	    " action = 'purge'"), 1);
}

Test(app, a_staff_pin_never_reaches_an_admin_action)
{
	add_staff("anna", STAFF_ROLE_ADMIN, "1357");
	add_staff("carla", STAFF_ROLE_STAFF, "2468");
	a = app_new(s, now);
	staff_gate("carla", "2468");
	cr_assert_not(app_journey(a)->admin);
	cr_assert_eq(send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_PURGE, NULL), 0,
	    "the journey does not open it");
	cr_assert_eq(send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_STAFF, NULL), 0);
	cr_assert_eq(send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_DASHBOARD, NULL), 0);
	cr_assert_null(app_journey(a)->dashboard);
	cr_assert_eq(send(JOURNEY_EV_YES, 0, NULL) & JOURNEY_QUIT, 0, "nor leave the kiosk");
	cr_assert_eq(step(), JOURNEY_STAFF_MENU);
	/* Staff may open the desk, though. */
	send(JOURNEY_EV_OPEN, JOURNEY_DESK_READY, NULL);
	cr_assert_eq(step(), JOURNEY_DESK_READY);
	send(JOURNEY_EV_BACK, 0, NULL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU, "the kiosk's desk goes back to the menu");
}

Test(app, an_admin_demoted_since_signing_in_is_refused_and_it_is_recorded)
{
	admin_demoted_after_sign_in(false);
	cr_assert(send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_PURGE, NULL) & JOURNEY_BELL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU);
	cr_assert_not(app_journey(a)->admin, "no admin rights left");
	cr_assert_str_eq(app_journey(a)->message, "Only an admin can do this");
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna' AND"
	    " action = 'denied' AND target = 'purge_preview'"), 1);
	cr_assert_eq(send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_PURGE, NULL), 0,
	    "and the menu no longer opens it");
}

Test(app, an_admin_removed_since_signing_in_cannot_leave_the_kiosk)
{
	unsigned	 out;

	admin_demoted_after_sign_in(false);
	out = send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_eq(out & JOURNEY_QUIT, 0u, "the kiosk stays");
	cr_assert(out & JOURNEY_BELL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU);
	cr_assert_str_eq(app_journey(a)->message, "Only an admin can do this");
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna' AND"
	    " action = 'denied' AND target = 'leave_kiosk'"), 1);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE action = 'leave_kiosk'"), 0);

	/* ben, still an admin, may. */
	send(JOURNEY_EV_BACK, 0, NULL);
	staff_gate("ben", "1357");
	cr_assert(send(JOURNEY_EV_YES, 0, NULL) & JOURNEY_QUIT);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'ben' AND"
	    " action = 'leave_kiosk'"), 1);
}

Test(app, an_admin_adds_and_removes_staff_accounts_from_the_kiosk)
{
	char			*cause = NULL;
	enum staff_role		 role;
	const struct journey	*j;
	int			 i, zoe = -1;

	add_staff("anna", STAFF_ROLE_ADMIN, "1357");
	a = app_new(s, now);
	j = app_journey(a);
	staff_gate("anna", "1357");
	send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_STAFF, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_STAFF);
	cr_assert_eq(j->figures.nstaff, 1);

	send(JOURNEY_EV_JOIN, 0, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_STAFF_ADD);
	type("zoe");
	send(JOURNEY_EV_NEXT, 0, NULL);
	type("9753");
	send(JOURNEY_EV_NEXT, 0, NULL);
	type("9999");
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_str_eq(j->message, "The two PINs are not the same");
	cr_assert_str_eq(j->text[JOURNEY_FIELD_PIN], "", "both PINs are asked again");
	type("9753");
	send(JOURNEY_EV_NEXT, 0, NULL);
	type("9753");
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_STAFF, "step %s", journey_step_name(step()));
	cr_assert_str_eq(j->message, "Account added");
	cr_assert_eq(j->figures.nstaff, 2);
	cr_assert_eq(staff_verify(s->store, s->vault, "zoe", "9753", now, 5, 15, &role, NULL,
	    &cause), STAFF_OK);
	cr_assert_eq(role, STAFF_ROLE_STAFF);

	/* anna cannot remove herself; zoe goes. */
	for (i = 0; i < j->figures.nstaff; i++)
		if (strcmp(j->figures.staff[i].name, "zoe") == 0)
			zoe = i;
	send(JOURNEY_EV_CHOOSE, zoe == 0 ? 1 : 0, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_STAFF_REMOVE);
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_str_eq(j->message, "You cannot remove your own account here");
	send(JOURNEY_EV_BACK, 0, NULL);
	send(JOURNEY_EV_CHOOSE, zoe, NULL);
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_STAFF);
	cr_assert_str_eq(j->message, "Account removed");
	cr_assert_eq(j->figures.nstaff, 1);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna' AND"
	    " action IN ('staff_add', 'staff_remove') AND target = 'zoe'"), 2);
}

Test(app, staff_look_up_a_member_by_phone_and_stamp_a_visit_from_the_kiosk)
{
	char	uid[CUSTOMER_UID_LEN + 1];

	add_staff("carla", STAFF_ROLE_STAFF, "2468");
	helpers_enroll(s, "{\"card\":\"400022223333\",\"name\":\"Ben\",\"phone\":\"0171 2345678\","
	    "\"channels\":[\"sms\"],\"language\":\"en\"}", now, uid);
	a = app_new(s, now);
	staff_gate("carla", "2468");
	send(JOURNEY_EV_OPEN, JOURNEY_DESK_READY, NULL);
	type("+49 171 2345678");
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_eq(step(), JOURNEY_DESK_MEMBER, "step %s", journey_step_name(step()));
	cr_assert_str_eq(app_journey(a)->uid, uid);
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_eq(query_long("SELECT count(*) FROM visits"), 1);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'carla' AND"
	    " action = 'visit'"), 1);
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
	add_staff("anna", STAFF_ROLE_ADMIN, "9876");
	a = app_new(s, now);
	staff_gate("anna", "9876");
	send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_DASHBOARD, NULL);
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

Test(app, an_admin_made_staff_since_signing_in_gets_no_dashboard)
{
	six_members();
	admin_demoted_after_sign_in(true);
	cr_assert(send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_DASHBOARD, NULL) & JOURNEY_BELL);
	cr_assert_eq(step(), JOURNEY_STAFF_MENU, "step %s", journey_step_name(step()));
	cr_assert_null(app_journey(a)->dashboard);
	cr_assert_not(app_journey(a)->admin, "nor may she leave the kiosk now");
	cr_assert_eq(send(JOURNEY_EV_YES, 0, NULL) & JOURNEY_QUIT, 0u);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna'"
	    " AND action = 'denied' AND target = 'dashboard'"), 1);
}

Test(app, an_admin_exports_every_member_sealed_to_the_master_data_system)
{
	unsigned char	 pk[SEALFILE_KEY_BYTES], sk[SEALFILE_KEY_BYTES];
	char		*pub = helpers_path(dir, "mds.pub"), *key = helpers_path(dir, "mds.key");
	char		*cause = NULL, *plain = NULL;
	size_t		 plen = 0, i;
	FILE		*in, *out;
	long		 lines = 0;

	six_members();
	cr_assert_eq(sealfile_keys_create(pub, key, &cause), 0, "%s", cause);
	cr_assert_eq(sealfile_public_load(pub, s->config->export_pk, &cause), 0, "%s", cause);
	free(s->config->export_dir);
	s->config->export_dir = util_xstrdup(dir);
	add_staff("anna", STAFF_ROLE_ADMIN, "9876");
	a = app_new(s, now);
	staff_gate("anna", "9876");
	send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_EXPORT, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_EXPORT);
	cr_assert_eq(app_journey(a)->figures.members, 6, "the preview counts the members");
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_str_eq(app_journey(a)->message, "Exported");
	cr_assert_eq(app_journey(a)->figures.exported, 6);
	cr_assert_eq(strncmp(app_journey(a)->figures.path, dir, strlen(dir)), 0, "%s",
	    app_journey(a)->figures.path);
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna' AND"
	    " action = 'export_sealed'"), 1);

	/* Only the master data system's secret key opens it: six members, one a line. */
	cr_assert_eq(sealfile_secret_load(key, pk, sk, &cause), 0, "%s", cause);
	cr_assert_not_null(in = fopen(app_journey(a)->figures.path, "rb"));
	cr_assert_not_null(out = open_memstream(&plain, &plen));
	cr_assert_eq(sealfile_unseal(out, in, pk, sk, &cause), SEALFILE_OK, "%s", cause);
	fclose(in);
	fclose(out);
	for (i = 0; i < plen; i++)
		lines += plain[i] == '\n';
	cr_assert_eq(lines, 6);
	cr_assert_eq(helpers_file_contains(app_journey(a)->figures.path, "m0@example.org", 14), 0,
	    "no e-mail address in the file as it is on disk");
	sodium_memzero(plain, plen);
	free(plain);
	free(pub);
	free(key);
}

/* The bytes of a small file. */
static size_t
slurp(const char *path, unsigned char *buf, size_t size)
{
	FILE	*f = fopen(path, "rb");
	size_t	 n;

	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

Test(app, an_admin_changes_the_keys_and_the_kiosk_carries_on)
{
	unsigned char		 before[64], after[64];
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	struct reward_list	 l;
	long			 stamps, every;
	size_t			 nb;

	helpers_enroll(s, "{\"card\":\"400012345678\",\"language\":\"en\"}", now, uid);
	cr_assert_eq(reward_outstanding(s, uid, now, &l, &stamps, &every, &cause), 0);
	cr_assert_eq(l.n, 1);
	add_staff("anna", STAFF_ROLE_ADMIN, "9876");
	nb = slurp(s->key_file, before, sizeof before);
	a = app_new(s, now);
	staff_gate("anna", "9876");
	send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_REKEY, NULL);
	cr_assert_eq(step(), JOURNEY_ADMIN_REKEY);
	cr_assert_eq(app_journey(a)->figures.members, 1);
	send(JOURNEY_EV_TOGGLE, 0, NULL);
	cr_assert(app_journey(a)->figures.codes, "the codes too");
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_str_eq(app_journey(a)->message, "The keys were changed");
	cr_assert(app_journey(a)->figures.done);
	cr_assert_eq(app_journey(a)->figures.rekeyed, 1);
	cr_assert_eq(app_journey(a)->figures.replaced, 1, "the welcome offer");
	cr_assert_eq(send(JOURNEY_EV_YES, 0, NULL), 0, "once is enough: no second rotation");
	cr_assert_eq(slurp(s->key_file, after, sizeof after), nb);
	cr_assert_neq(memcmp(before, after, nb), 0, "a new key file");
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE staff = 'anna' AND"
	    " action = 'rekey'"), 1);

	/* The kiosk carries on under the new key: the member signs in and finds a new code. */
	send(JOURNEY_EV_BACK, 0, NULL);
	send(JOURNEY_EV_BACK, 0, NULL);
	cr_assert_eq(step(), JOURNEY_ATTRACT);
	send(JOURNEY_EV_SCAN, 0, "400012345678");
	cr_assert_eq(step(), JOURNEY_MEMBER, "step %s", journey_step_name(step()));
	cr_assert_eq(app_journey(a)->rewards.n, 1);
	cr_assert_str_neq(app_journey(a)->rewards.v[0].code, l.v[0].code, "a new code");
	cr_assert_eq(query_long("SELECT count(*) FROM rewards WHERE revoked_reason = 'replaced'"),
	    1);
}

Test(app, a_passphrase_store_is_not_rekeyed_from_the_kiosk)
{
	add_staff("anna", STAFF_ROLE_ADMIN, "9876");
	s->passphrase = true;	/* as a passphrase store opens */
	a = app_new(s, now);
	staff_gate("anna", "9876");
	send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_REKEY, NULL);
	send(JOURNEY_EV_YES, 0, NULL);
	cr_assert_str_eq(app_journey(a)->message, "This store's key is a passphrase: change it "
	    "with prefkiosk rekey at the command line");
	cr_assert_eq(query_long("SELECT count(*) FROM audit WHERE action = 'rekey'"), 0);
	s->passphrase = false;
}

Test(app, a_full_disk_says_so_keeps_the_answers_and_lets_the_sign_up_be_tried_again)
{
	char	*cause = NULL;

	/* No page beyond those the store has: SQLite answers SQLITE_FULL, as on a full disk. */
	cr_assert_eq(store_exec(s->store, "PRAGMA max_page_count = 1", &cause), 0, "%s", cause);
	a = app_new(s, now);
	sign_up();
	cr_assert_eq(step(), JOURNEY_REVIEW, "step %s", journey_step_name(step()));
	cr_assert_str_eq(app_journey(a)->message, "Sorry, this kiosk's storage is full and "
	    "nothing was saved. Please ask a member of staff.");
	cr_assert_eq(query_long("SELECT count(*) FROM customers"), 0);
	cr_assert_eq(query_long("SELECT count(*) FROM consent_records"), 0);
	/* Room again: the same answers go through. */
	cr_assert_eq(store_exec(s->store, "PRAGMA max_page_count = 1073741823", &cause), 0);
	send(JOURNEY_EV_NEXT, 0, NULL);
	send(JOURNEY_EV_CHOOSE, 0, NULL);
	type("2580");
	send(JOURNEY_EV_NEXT, 0, NULL);
	type("2580");
	send(JOURNEY_EV_NEXT, 0, NULL);
	cr_assert_eq(step(), JOURNEY_REWARD, "step %s", journey_step_name(step()));
	cr_assert_eq(query_long("SELECT count(*) FROM customers"), 1);
}
