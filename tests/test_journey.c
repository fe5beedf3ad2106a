/*
 * test_journey — the kiosk's state machine without a terminal: the new member's path, back,
 * cancel, review edits, minimisation, the sensitive purpose, the incentive notice, PINs, the
 * idle warning and timeout (ten times longer in accessibility mode), language switches, and a
 * member's "withdraw all".
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "journey.h"

static char		*dir;
static struct shop	*s;
static struct journey	*j;
static time_t		 now;

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	now = HELPERS_NOW;
	j = journey_new(s, now);
}

static void
teardown(void)
{
	journey_free(j);
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(journey, .init = setup, .fini = teardown);

static unsigned
send(enum journey_event_type type, int arg)
{
	struct journey_event	ev = { type, arg, NULL, ++now };

	return journey_handle(j, &ev);
}

static unsigned
scan(const char *text)
{
	struct journey_event	ev = { JOURNEY_EV_SCAN, 0, text, ++now };

	return journey_handle(j, &ev);
}

static void
type(const char *text)
{
	for (; *text != '\0'; text++)
		send(JOURNEY_EV_CHAR, (unsigned char)*text);
}

static int
interest(const char *id)
{
	return catalog_interest_find(s->catalog, id);
}

static int
channel(const char *id)
{
	return catalog_channel_find(s->catalog, id);
}

#define STEP(want)	cr_assert_str_eq(journey_step_name(j->step), journey_step_name(want))

/* From attract to the first consent question with interests, the e-mail channel, an address. */
static void
to_consents(void)
{
	send(JOURNEY_EV_START, 0);
	STEP(JOURNEY_INTRO);
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_INTERESTS);
	send(JOURNEY_EV_TOGGLE, interest("espresso"));
	send(JOURNEY_EV_TOGGLE, interest("pastries"));
	send(JOURNEY_EV_TOGGLE, interest("live_music"));
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CHANNELS);
	send(JOURNEY_EV_TOGGLE, channel("email"));
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CONTACT);
	cr_assert_eq(j->field, JOURNEY_FIELD_EMAIL);
	type("Mia@Example.org");
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CONSENT);
	cr_assert_eq(j->consent_index, 0);
}

/* Answer every purpose: yes to the first, no to the rest (the sensitive one included). */
static void
answer_all(void)
{
	size_t	i;

	send(JOURNEY_EV_YES, 0);
	for (i = 1; i < s->catalog->npurposes; i++) {
		STEP(JOURNEY_CONSENT);
		cr_assert_eq(j->consent_index, (int)i);
		send(JOURNEY_EV_NO, 0);
	}
}

Test(journey, a_new_member_goes_from_attract_to_the_reward)
{
	unsigned	e;

	to_consents();
	cr_assert_str_eq(j->draft->profile->email, "mia@example.org", "normalised on the way");
	answer_all();
	STEP(JOURNEY_INCENTIVE);	/* three interests in two categories: the pastry offer */
	send(JOURNEY_EV_YES, 0);
	STEP(JOURNEY_REVIEW);
	cr_assert(j->draft->incentives[catalog_reward_find(s->catalog, "complete_profile")]);
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CARD);
	send(JOURNEY_EV_CHOOSE, 0);	/* a new card */
	STEP(JOURNEY_PIN);
	cr_assert(j->new_card);
	type("4711");
	cr_assert_eq(send(JOURNEY_EV_NEXT, 0) & JOURNEY_ENROLL, 0u, "the PIN is asked twice");
	cr_assert_eq(j->field, JOURNEY_FIELD_PIN2);
	type("4711");
	e = send(JOURNEY_EV_NEXT, 0);
	cr_assert(e & JOURNEY_ENROLL);
	cr_assert_str_eq(j->draft->pin, "4711");
	cr_assert_eq(j->draft->consents[0], CONSENT_GIVEN);
	cr_assert_eq(j->draft->consents[1], CONSENT_REFUSED);
	journey_done(j, JOURNEY_ENROLL, true, NULL);
	STEP(JOURNEY_REWARD);
	cr_assert_str_eq(j->text[JOURNEY_FIELD_PIN], "", "typed PINs are wiped once saved");
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_THANKS);
	cr_assert(send(JOURNEY_EV_NEXT, 0) & JOURNEY_WIPE);
	STEP(JOURNEY_ATTRACT);
}

Test(journey, no_channel_means_no_contact_question)
{
	send(JOURNEY_EV_START, 0);
	send(JOURNEY_EV_NEXT, 0);
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CHANNELS);
	send(JOURNEY_EV_TOGGLE, channel("in_store"));
	cr_assert_eq(journey_needed_fields(j), 0u);
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CONSENT);
}

Test(journey, a_field_no_channel_needs_any_more_is_dropped)
{
	to_consents();
	send(JOURNEY_EV_BACK, 0);
	STEP(JOURNEY_CONTACT);
	send(JOURNEY_EV_BACK, 0);
	STEP(JOURNEY_CHANNELS);
	send(JOURNEY_EV_TOGGLE, channel("email"));	/* off again */
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CONSENT);
	cr_assert_str_eq(j->draft->profile->email, "", "minimisation: no e-mail without its use");
	cr_assert_str_eq(j->text[JOURNEY_FIELD_EMAIL], "");
}

Test(journey, a_bad_address_stays_on_the_contact_step_with_a_message)
{
	send(JOURNEY_EV_START, 0);
	send(JOURNEY_EV_NEXT, 0);
	send(JOURNEY_EV_NEXT, 0);
	send(JOURNEY_EV_TOGGLE, channel("sms"));
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CONTACT);
	cr_assert_eq(j->field, JOURNEY_FIELD_PHONE);
	type("12ab");		/* letters are not taken in a phone field */
	cr_assert_str_eq(j->text[JOURNEY_FIELD_PHONE], "12");
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CONTACT);
	cr_assert_not_null(j->message);
	send(JOURNEY_EV_ERASE, 0);
	send(JOURNEY_EV_ERASE, 0);
	type("0170 1234567");
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CONSENT);
	cr_assert_str_eq(j->draft->profile->phone, "+491701234567");
}

Test(journey, back_walks_the_consents_one_purpose_at_a_time)
{
	to_consents();
	send(JOURNEY_EV_NO, 0);
	send(JOURNEY_EV_NO, 0);
	cr_assert_eq(j->consent_index, 2);
	send(JOURNEY_EV_BACK, 0);
	cr_assert_eq(j->consent_index, 1);
	send(JOURNEY_EV_BACK, 0);
	send(JOURNEY_EV_BACK, 0);
	STEP(JOURNEY_CONTACT);
	cr_assert_str_eq(j->text[JOURNEY_FIELD_EMAIL], "Mia@Example.org", "answers kept");
}

Test(journey, nothing_is_pre_ticked_and_a_sensitive_yes_is_asked_twice)
{
	int	sensitive = catalog_purpose_find(s->catalog, "dietary_preferences");
	size_t	i;

	to_consents();
	for (i = 0; i < s->catalog->npurposes; i++)
		cr_assert_eq(j->draft->consents[i], CONSENT_REFUSED, "purpose %zu starts off", i);
	while (j->consent_index < sensitive)
		send(JOURNEY_EV_NO, 0);
	send(JOURNEY_EV_YES, 0);
	STEP(JOURNEY_SENSITIVE);
	cr_assert_eq(j->draft->consents[sensitive], CONSENT_REFUSED, "not yet");
	send(JOURNEY_EV_NO, 0);
	cr_assert_eq(j->draft->consents[sensitive], CONSENT_REFUSED, "the second no holds");
	cr_assert(j->answered[sensitive]);
}

Test(journey, the_full_notice_is_one_step_away_and_back)
{
	to_consents();
	send(JOURNEY_EV_MORE, 0);
	STEP(JOURNEY_NOTICE);
	send(JOURNEY_EV_BACK, 0);
	STEP(JOURNEY_CONSENT);
	cr_assert_eq(j->consent_index, 0);
}

Test(journey, an_edit_from_the_review_returns_to_the_review)
{
	to_consents();
	answer_all();
	send(JOURNEY_EV_NO, 0);			/* decline the incentive */
	STEP(JOURNEY_REVIEW);
	send(JOURNEY_EV_EDIT, JOURNEY_INTERESTS);
	STEP(JOURNEY_INTERESTS);
	send(JOURNEY_EV_TOGGLE, interest("tea"));
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CHANNELS);
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_REVIEW);
	send(JOURNEY_EV_EDIT, 100 + 2);		/* the third purpose */
	STEP(JOURNEY_CONSENT);
	cr_assert_eq(j->consent_index, 2);
	send(JOURNEY_EV_YES, 0);
	STEP(JOURNEY_REVIEW);
	cr_assert_eq(j->draft->consents[2], CONSENT_GIVEN);
}

/* Found by fuzzing: a channel chosen from the review went back to the review without asking
 * for the contact field it needs, and the draft could not be saved. */
Test(journey, a_channel_chosen_from_the_review_asks_for_its_contact_field)
{
	char	*cause = NULL;

	to_consents();
	answer_all();
	send(JOURNEY_EV_NO, 0);			/* decline the incentive */
	STEP(JOURNEY_REVIEW);
	send(JOURNEY_EV_EDIT, JOURNEY_CHANNELS);
	send(JOURNEY_EV_TOGGLE, channel("sms"));
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_CONTACT);
	cr_assert_eq(j->field, JOURNEY_FIELD_PHONE, "the focus is on the field still missing");
	type("0170 1234567");
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_REVIEW);
	cr_assert_str_eq(j->draft->profile->email, "mia@example.org");
	cr_assert_str_eq(j->draft->profile->phone, "+491701234567");

	/* A channel whose field the draft already has goes straight back. */
	send(JOURNEY_EV_EDIT, JOURNEY_CHANNELS);
	send(JOURNEY_EV_TOGGLE, channel("sms"));
	send(JOURNEY_EV_TOGGLE, channel("sms"));
	send(JOURNEY_EV_NEXT, 0);
	STEP(JOURNEY_REVIEW);

	send(JOURNEY_EV_NEXT, 0);
	send(JOURNEY_EV_CHOOSE, 0);		/* a new card */
	STEP(JOURNEY_PIN);
	cr_assert(send(JOURNEY_EV_NO, 0) & JOURNEY_ENROLL);
	cr_assert_eq(customer_enrolment_check(s, j->draft, &cause), CUSTOMER_OK, "%s", cause);
}

Test(journey, pins_must_agree_or_be_skipped)
{
	to_consents();
	answer_all();
	send(JOURNEY_EV_NO, 0);
	send(JOURNEY_EV_NEXT, 0);
	scan("4000 1234 5678");
	STEP(JOURNEY_PIN);
	cr_assert_str_eq(j->draft->profile->card, "400012345678");
	type("12");
	send(JOURNEY_EV_NEXT, 0);
	cr_assert_not_null(j->message, "too short");
	type("34");
	send(JOURNEY_EV_NEXT, 0);
	type("9999");
	cr_assert_eq(send(JOURNEY_EV_NEXT, 0) & JOURNEY_ENROLL, 0u);
	cr_assert_str_eq(j->message, "The two PINs differ");
	cr_assert(send(JOURNEY_EV_NO, 0) & JOURNEY_ENROLL, "no PIN: the card alone signs in");
	cr_assert_str_eq(j->draft->pin, "");
}

Test(journey, cancel_anywhere_wipes_the_answers)
{
	to_consents();
	cr_assert(send(JOURNEY_EV_CANCEL, 0) & JOURNEY_WIPE);
	STEP(JOURNEY_ATTRACT);
	cr_assert_not(j->draft->profile->interests[interest("espresso")]);
	cr_assert_str_eq(j->draft->profile->email, "");
	cr_assert_str_eq(j->text[JOURNEY_FIELD_EMAIL], "");
}

Test(journey, the_idle_warning_counts_down_and_can_be_extended_ten_times)
{
	struct journey_event	tick = { JOURNEY_EV_TICK, 0, NULL, 0 };
	int			i;

	to_consents();
	for (i = 0; i < 10; i++) {
		tick.now = now + j->idle_timeout;
		cr_assert(journey_handle(j, &tick) & JOURNEY_REDRAW, "the warning, time %d", i);
		cr_assert_eq(journey_countdown(j, tick.now), j->idle_warning);
		cr_assert_geq(j->idle_warning, 20);
		now = tick.now + 5;
		send(JOURNEY_EV_STILL_HERE, 0);
		cr_assert_eq(journey_countdown(j, now), -1);
		STEP(JOURNEY_CONSENT);
	}
	tick.now = now + j->idle_timeout;
	journey_handle(j, &tick);
	tick.now += j->idle_warning - 1;
	cr_assert(journey_handle(j, &tick) & JOURNEY_UPDATE);
	cr_assert_eq(journey_countdown(j, tick.now), 1);
	tick.now += 1;
	cr_assert(journey_handle(j, &tick) & JOURNEY_WIPE, "then the session ends");
	STEP(JOURNEY_ATTRACT);
	cr_assert_str_eq(j->draft->profile->email, "");
}

Test(journey, any_key_during_the_warning_means_still_here)
{
	struct journey_event	tick = { JOURNEY_EV_TICK, 0, NULL, 0 };

	to_consents();
	tick.now = now + j->idle_timeout;
	journey_handle(j, &tick);
	now = tick.now;
	send(JOURNEY_EV_YES, 0);
	cr_assert_eq(journey_countdown(j, now), -1);
	cr_assert_eq(j->draft->consents[0], CONSENT_REFUSED, "the key only dismissed the warning");
}

Test(journey, a_language_switch_keeps_every_answer)
{
	to_consents();
	cr_assert(send(JOURNEY_EV_LANGUAGE, 1) & JOURNEY_LANGUAGE);
	STEP(JOURNEY_CONSENT);
	cr_assert_eq(j->lang, 1);
	cr_assert_str_eq(j->draft->profile->language, s->config->languages[1]);
	cr_assert(j->draft->profile->interests[interest("espresso")]);
	cr_assert_str_eq(j->draft->profile->email, "mia@example.org");
	cr_assert_eq(send(JOURNEY_EV_LANGUAGE, 99), 0u, "an unknown language is ignored");
}

Test(journey, a_scanned_card_on_attract_signs_in_without_a_pin)
{
	cr_assert(scan("400012345678") & JOURNEY_LOOKUP);
	STEP(JOURNEY_SIGNIN);
	cr_assert(j->scanned);
	journey_done(j, JOURNEY_LOOKUP, true, NULL);
	STEP(JOURNEY_MEMBER);
	cr_assert(j->signed_in);
}

Test(journey, a_typed_card_needs_the_pin_and_a_wrong_one_is_wiped)
{
	send(JOURNEY_EV_SIGNIN, 0);
	STEP(JOURNEY_SIGNIN);
	type("400012345678");
	cr_assert(send(JOURNEY_EV_NEXT, 0) & JOURNEY_LOOKUP);
	journey_done(j, JOURNEY_LOOKUP, true, NULL);
	STEP(JOURNEY_SIGNIN_PIN);
	type("1111");
	cr_assert(send(JOURNEY_EV_NEXT, 0) & JOURNEY_VERIFY_PIN);
	cr_assert(journey_done(j, JOURNEY_VERIFY_PIN, false, "Wrong PIN") & JOURNEY_BELL);
	cr_assert_str_eq(j->text[JOURNEY_FIELD_PIN], "");
	STEP(JOURNEY_SIGNIN_PIN);
	cr_assert_not(j->signed_in);
}

Test(journey, withdraw_all_is_one_step_like_giving)
{
	scan("400012345678");
	journey_done(j, JOURNEY_LOOKUP, true, NULL);
	send(JOURNEY_EV_CHOOSE, 2);
	STEP(JOURNEY_MY_CONSENTS);
	cr_assert(send(JOURNEY_EV_NO, 0) & JOURNEY_WITHDRAW_ALL);
	cr_assert(send(JOURNEY_EV_TOGGLE, 0) & JOURNEY_SAVE_CONSENT, "one purpose: one step too");
}

Test(journey, a_member_turning_on_a_sensitive_purpose_confirms_it)
{
	int	sensitive = catalog_purpose_find(s->catalog, "dietary_preferences");

	scan("400012345678");
	journey_done(j, JOURNEY_LOOKUP, true, NULL);
	send(JOURNEY_EV_CHOOSE, 2);
	cr_assert_eq(send(JOURNEY_EV_TOGGLE, sensitive) & JOURNEY_SAVE_CONSENT, 0u);
	STEP(JOURNEY_SENSITIVE);
	cr_assert(send(JOURNEY_EV_YES, 0) & JOURNEY_SAVE_CONSENT);
	STEP(JOURNEY_MY_CONSENTS);
	cr_assert_eq(j->consent_index, sensitive);
}

Test(journey, delete_me_asks_before_it_erases)
{
	scan("400012345678");
	journey_done(j, JOURNEY_LOOKUP, true, NULL);
	send(JOURNEY_EV_CHOOSE, 4);
	STEP(JOURNEY_DELETE);
	cr_assert_eq(send(JOURNEY_EV_NO, 0) & JOURNEY_ERASE, 0u);
	STEP(JOURNEY_MEMBER);
	send(JOURNEY_EV_CHOOSE, 4);
	cr_assert(send(JOURNEY_EV_YES, 0) & JOURNEY_ERASE);
	journey_done(j, JOURNEY_ERASE, true, NULL);
	STEP(JOURNEY_DELETED);
}

Test(journey, the_staff_gate_lets_only_an_admin_leave)
{
	send(JOURNEY_EV_STAFF, 0);
	STEP(JOURNEY_STAFF);
	type("anna");
	send(JOURNEY_EV_NEXT, 0);
	cr_assert_eq(j->field, JOURNEY_FIELD_PIN);
	type("1234");
	cr_assert(send(JOURNEY_EV_NEXT, 0) & JOURNEY_STAFF_PIN);
	j->admin = false;
	journey_done(j, JOURNEY_STAFF_PIN, true, NULL);
	STEP(JOURNEY_STAFF_MENU);
	cr_assert_eq(send(JOURNEY_EV_YES, 0) & JOURNEY_QUIT, 0u, "staff cannot leave the kiosk");
	j->admin = true;
	cr_assert(send(JOURNEY_EV_YES, 0) & JOURNEY_QUIT);
}

Test(journey, only_an_admin_opens_the_admin_steps_and_back_returns_to_the_staff_menu)
{
	static const enum journey_step admin_steps[] = {
		JOURNEY_ADMIN_DASHBOARD, JOURNEY_ADMIN_PURGE, JOURNEY_ADMIN_STAFF,
	};
	size_t	i;

	send(JOURNEY_EV_STAFF, 0);
	type("anna");
	send(JOURNEY_EV_NEXT, 0);
	type("9876");
	cr_assert(send(JOURNEY_EV_NEXT, 0) & JOURNEY_STAFF_PIN);
	j->staff_mode = j->admin = true;	/* what app.c sets from the store */
	journey_done(j, JOURNEY_STAFF_PIN, true, NULL);
	STEP(JOURNEY_STAFF_MENU);
	for (i = 0; i < sizeof admin_steps / sizeof admin_steps[0]; i++) {
		cr_assert(send(JOURNEY_EV_OPEN, (int)admin_steps[i]) & JOURNEY_ADMIN_LOAD);
		STEP(admin_steps[i]);
		journey_done(j, JOURNEY_ADMIN_LOAD, true, NULL);
		STEP(admin_steps[i]);
		cr_assert_eq(send(JOURNEY_EV_BACK, 0) & JOURNEY_WIPE, 0u, "the staff session stays");
		STEP(JOURNEY_STAFF_MENU);
	}
	cr_assert_str_eq(journey_step_name(JOURNEY_ADMIN_DASHBOARD), "admin_dashboard");
	/* Not a step the menu opens: nothing happens. */
	cr_assert_eq(send(JOURNEY_EV_OPEN, JOURNEY_DELETE), 0u);
	STEP(JOURNEY_STAFF_MENU);

	/* Refused by app.c (the role in the store): back on the menu, saying why. */
	send(JOURNEY_EV_OPEN, JOURNEY_ADMIN_DASHBOARD);
	j->admin = false;
	journey_done(j, JOURNEY_ADMIN_LOAD, false, "no");
	STEP(JOURNEY_STAFF_MENU);
	cr_assert_str_eq(j->message, "no");

	/* Not an admin: the admin steps do not open; the desk does. */
	for (i = 0; i < sizeof admin_steps / sizeof admin_steps[0]; i++)
		cr_assert_eq(send(JOURNEY_EV_OPEN, (int)admin_steps[i]), 0u);
	STEP(JOURNEY_STAFF_MENU);
	send(JOURNEY_EV_OPEN, JOURNEY_DESK_READY);
	STEP(JOURNEY_DESK_READY);
	send(JOURNEY_EV_BACK, 0);
	STEP(JOURNEY_STAFF_MENU);
}

Test(journey, escape_and_q_never_leave)
{
	cr_assert_eq(send(JOURNEY_EV_BACK, 0) & JOURNEY_QUIT, 0u);
	type("q");
	STEP(JOURNEY_ATTRACT);
}

Test(journey, a_desk_signs_in_then_takes_scans_until_signed_out)
{
	struct journey	*desk = journey_new(s, now);

	journey_free(j);
	j = desk;
	j->desk = true;
	snprintf(j->staff, sizeof j->staff, "carla");
	journey_reset(j, now);
	STEP(JOURNEY_DESK_SIGNIN);
	cr_assert_eq(j->field, JOURNEY_FIELD_PIN, "--staff named her: only the PIN");
	cr_assert_str_eq(j->text[JOURNEY_FIELD_NAME], "carla");
	type("2468");
	cr_assert(send(JOURNEY_EV_NEXT, 0) & JOURNEY_STAFF_PIN);
	j->staff_mode = true;
	journey_done(j, JOURNEY_STAFF_PIN, true, NULL);
	STEP(JOURNEY_DESK_READY);
	cr_assert(scan("4010000000G22FTTE2H8A2WXG8582R9N9KGW") & JOURNEY_DESK_SCAN);
	cr_assert_str_eq(j->scanned_text, "4010000000G22FTTE2H8A2WXG8582R9N9KGW");
	journey_done(j, JOURNEY_DESK_SCAN, true, NULL);
	STEP(JOURNEY_DESK_RESULT);
	cr_assert(scan("400022223333") & JOURNEY_DESK_SCAN, "the next scan, straight away");
	j->signed_in = true;
	journey_done(j, JOURNEY_DESK_SCAN, true, NULL);
	STEP(JOURNEY_DESK_MEMBER);
	cr_assert(send(JOURNEY_EV_YES, 0) & JOURNEY_VISIT, "one key stamps the visit");
	send(JOURNEY_EV_BACK, 0);
	STEP(JOURNEY_DESK_READY);
	cr_assert(send(JOURNEY_EV_BACK, 0) & JOURNEY_WIPE, "Esc signs out");
}

Test(journey, the_desk_signs_out_after_the_idle_time)
{
	struct journey_event	tick = { JOURNEY_EV_TICK, 0, NULL, 0 };

	j->desk = true;
	j->staff_mode = true;
	journey_reset(j, now);
	STEP(JOURNEY_DESK_READY);
	tick.now = now + j->idle_timeout;
	journey_handle(j, &tick);
	tick.now += j->idle_warning;
	cr_assert(journey_handle(j, &tick) & JOURNEY_WIPE);
}

Test(journey, accessibility_mode_waits_ten_times_as_long_and_the_warning_answers_as_often)
{
	struct journey_event	tick = { JOURNEY_EV_TICK, 0, NULL, 0 };
	int			base = j->idle_timeout, i;

	to_consents();
	send(JOURNEY_EV_ACCESSIBLE, 1);
	cr_assert(j->accessible);
	cr_assert_eq(j->idle_timeout, base * JOURNEY_ACCESSIBLE_FACTOR);
	cr_assert_eq(JOURNEY_ACCESSIBLE_FACTOR, 10);
	tick.now = now + base;
	cr_assert_eq(journey_handle(j, &tick), 0, "no warning after the usual time");
	cr_assert_eq(journey_countdown(j, tick.now), -1);
	for (i = 0; i < 12; i++) {
		tick.now = now + base * JOURNEY_ACCESSIBLE_FACTOR - 1;
		cr_assert_eq(journey_handle(j, &tick), 0, "not a second early, time %d", i);
		tick.now += 1;
		cr_assert(journey_handle(j, &tick) & JOURNEY_REDRAW, "the warning, time %d", i);
		cr_assert_eq(journey_countdown(j, tick.now), j->idle_warning);
		now = tick.now + j->idle_warning - 1;
		send(JOURNEY_EV_STILL_HERE, 0);
		cr_assert_eq(journey_countdown(j, now), -1, "extended, time %d", i);
		STEP(JOURNEY_CONSENT);
	}
	cr_assert_geq(j->extensions, JOURNEY_EXTENSIONS);
	tick.now = now + base * JOURNEY_ACCESSIBLE_FACTOR;
	journey_handle(j, &tick);
	tick.now += j->idle_warning;
	cr_assert(journey_handle(j, &tick) & JOURNEY_WIPE, "unanswered, the session still ends");
	STEP(JOURNEY_ATTRACT);
	cr_assert(j->accessible, "the mode outlasts the session: the terminal decides its end");
	cr_assert_eq(j->idle_timeout, base * JOURNEY_ACCESSIBLE_FACTOR);
	send(JOURNEY_EV_ACCESSIBLE, 0);
	cr_assert_not(j->accessible);
	cr_assert_eq(j->idle_timeout, base, "off again: the configured time");
}

Test(journey, speech_switched_on_during_the_warning_brings_the_long_time_limits)
{
	struct journey_event	tick = { JOURNEY_EV_TICK, 0, NULL, 0 };
	int			base = j->idle_timeout;

	to_consents();
	tick.now = now + base;
	cr_assert(journey_handle(j, &tick) & JOURNEY_REDRAW);
	cr_assert_geq(journey_countdown(j, tick.now), 0, "the warning is up");
	now = tick.now + 1;
	send(JOURNEY_EV_ACCESSIBLE, 1);
	cr_assert(j->accessible);
	cr_assert_eq(j->idle_timeout, base * JOURNEY_ACCESSIBLE_FACTOR);
	cr_assert_eq(journey_countdown(j, now), -1, "and it answers the warning");
	STEP(JOURNEY_CONSENT);
}

Test(journey, accessibility_on_in_the_config_starts_every_journey_in_it)
{
	struct journey	*k;

	free(s->config->accessibility);
	s->config->accessibility = strdup("on");
	k = journey_new(s, now);
	cr_assert(k->accessible);
	cr_assert_eq(k->idle_timeout, s->config->idle_timeout * JOURNEY_ACCESSIBLE_FACTOR);
	journey_free(k);
}

Test(journey, a_field_says_which_characters_it_takes)
{
	j->field = JOURNEY_FIELD_PIN;
	cr_assert(journey_takes(j, '7'));
	cr_assert_not(journey_takes(j, '+'), "a PIN is digits");
	cr_assert_not(journey_takes(j, '-'));
	j->field = JOURNEY_FIELD_PHONE;
	cr_assert(journey_takes(j, '+'), "a phone number may start with +");
	cr_assert_not(journey_takes(j, '.'));
	j->field = JOURNEY_FIELD_CARD;
	cr_assert(journey_takes(j, '-'));
	cr_assert_not(journey_takes(j, '+'));
	j->field = JOURNEY_FIELD_EMAIL;
	cr_assert(journey_takes(j, '.'));
}
