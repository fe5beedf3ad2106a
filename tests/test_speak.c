/*
 * test_speak — what the kiosk says, from the views its screens build, without a terminal or a
 * sound: a control as "label, state, role"; a field's length but never its text; a new screen in
 * full, then only what changes; the reward without its code until it is asked for; the idle
 * warning and its countdown; the earcons; personal data said but not logged; German words on a
 * German screen.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "i18n.h"
#include "screens.h"
#include "speak.h"

static char			*dir;
static struct shop		*s;
static struct journey		*j;
static struct view		*v;
static struct speak_utterance	*u;
static struct speak		 mem;
static char			 code[CODE_LEN + 1];

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	helpers_english();
	j = journey_new(s, HELPERS_NOW);
	v = calloc(1, sizeof *v);
	u = calloc(1, sizeof *u);
	helpers_code(s, code);
	speak_init(&mem);
}

static void
teardown(void)
{
	free(u);
	free(v);
	journey_free(j);
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(speak, .init = setup, .fini = teardown);

/* The view of step, as the kiosk would show it now. */
static void
build(enum journey_step step)
{
	j->step = step;
	memset(v, 0, sizeof *v);
	screen_for(step)->build(j, v);
}

/* The view item whose text starts with text, or -1. */
static int
item(const char *text)
{
	int	i;

	for (i = 0; i < v->n; i++)
		if (strncmp(v->items[i].text, text, strlen(text)) == 0)
			return i;
	return -1;
}

/* What is said of the control whose text starts with text. */
static const char *
control(const char *text)
{
	static char	out[SPEAK_LINE];
	int		i = item(text);

	cr_assert_geq(i, 0, "the screen has \"%s\"", text);
	speak_control(v, j, i, out, sizeof out);
	return out;
}

/* A member with a card and a reward, on the reward screen. */
static void
rewarded(void)
{
	snprintf(j->draft->profile->card, sizeof j->draft->profile->card, "400012345678");
	snprintf(j->receipt, sizeof j->receipt, "R7K2M9Q4R7K2M9Q4R7K2M9Q4R7");
	j->rewards.n = 1;
	memcpy(j->rewards.v[0].code, code, sizeof code);
	j->rewards.v[0].rule = 0;
	j->rewards.v[0].expires = HELPERS_NOW + 30 * 86400;
	build(JOURNEY_REWARD);
}

Test(speak, a_check_box_says_its_label_its_state_and_check_box)
{
	int	p = catalog_purpose_find(s->catalog, "email_marketing");

	build(JOURNEY_MY_CONSENTS);
	cr_assert_str_eq(control("News and offers by e-mail"),
	    "News and offers by e-mail, off, check box");
	j->draft->consents[p] = CONSENT_GIVEN;
	build(JOURNEY_MY_CONSENTS);
	cr_assert_str_eq(control("News and offers by e-mail"),
	    "News and offers by e-mail, on, check box");
}

Test(speak, buttons_links_and_radios_say_what_they_are)
{
	build(JOURNEY_INTRO);
	cr_assert_str_eq(control("Next"), "Next, button");
	cr_assert_str_eq(control("Back"), "Back, button");
	build(JOURNEY_CONSENT);
	cr_assert_str_eq(control("More"), "More, link");
	build(JOURNEY_ATTRACT);
	cr_assert_str_eq(control("English"), "English, selected, radio button");
	cr_assert_str_eq(control("Deutsch"), "Deutsch, not selected, radio button");
}

Test(speak, a_field_says_how_much_was_typed_and_never_what)
{
	snprintf(j->text[JOURNEY_FIELD_PIN], sizeof j->text[0], "2580");
	build(JOURNEY_PIN);
	cr_assert_str_eq(control("PIN (4 to 12 digits)"),
	    "PIN (4 to 12 digits), 4 characters, edit field");
	cr_assert_str_eq(control("The same PIN again"), "The same PIN again, empty, edit field");
	j->draft->profile->channels[catalog_channel_find(s->catalog, "email")] = 0;
	snprintf(j->text[JOURNEY_FIELD_EMAIL], sizeof j->text[0], "mia@example.org");
	j->field = JOURNEY_FIELD_EMAIL;
	build(JOURNEY_CONTACT);
	cr_assert_str_eq(control("E-mail address"), "E-mail address, 15 characters, edit field");
	snprintf(j->text[JOURNEY_FIELD_NAME], sizeof j->text[0], "Zoë");
	build(JOURNEY_CONTACT);
	cr_assert_str_eq(control("Name (optional)"), "Name (optional), 3 characters, edit field",
	    "characters, not bytes");
}

Test(speak, a_new_screen_is_said_in_full_then_only_what_changes)
{
	build(JOURNEY_INTRO);
	cr_assert(speak_next(&mem, v, j, item("Next"), -1, false, u));
	cr_assert_eq(strncmp(u->text, "What we ask and why. We ask what you are interested in",
	    54), 0, "title, then the paragraphs: %s", u->text);
	cr_assert_not_null(strstr(u->text, "take your data with you, or delete it. Next, button."),
	    "the last paragraph, then the focused control: %s", u->text);
	cr_assert_eq(u->earcon, SPEECH_NO_EARCON);
	cr_assert_not(speak_next(&mem, v, j, item("Next"), -1, false, u), "nothing new: %s",
	    u->text);
	cr_assert(speak_next(&mem, v, j, item("Back"), -1, false, u));
	cr_assert_str_eq(u->text, "Back, button.", "the focus moved: only the control");

	/* A toggle says the new state of the control in focus. */
	build(JOURNEY_INTERESTS);
	speak_next(&mem, v, j, item("Espresso & milk drinks"), -1, false, u);
	j->draft->profile->interests[catalog_interest_find(s->catalog, "espresso")] = true;
	build(JOURNEY_INTERESTS);
	cr_assert(speak_next(&mem, v, j, item("Espresso & milk drinks"), -1, false, u));
	cr_assert_str_eq(u->text, "1 of 3 interests in 1 of 2 categories. Espresso & milk drinks, "
	    "on, check box.", "%s", u->text);
}

Test(speak, typing_says_the_field_and_its_length)
{
	j->field = JOURNEY_FIELD_PIN;
	build(JOURNEY_PIN);
	speak_next(&mem, v, j, item("Done"), -1, false, u);
	cr_assert_not_null(strstr(u->text, "PIN (4 to 12 digits), empty, edit field. Done, button."),
	    "the field typed into, then the focused button: %s", u->text);
	snprintf(j->text[JOURNEY_FIELD_PIN], sizeof j->text[0], "25");
	build(JOURNEY_PIN);
	cr_assert(speak_next(&mem, v, j, item("Done"), -1, false, u));
	cr_assert_str_eq(u->text, "PIN (4 to 12 digits), 2 characters, edit field.");
}

Test(speak, the_reward_says_what_and_until_when_and_the_code_only_on_request)
{
	struct speak_codes	c;
	char			grouped[CODE_GROUPED_LEN + 1];

	rewarded();
	cr_assert(speak_next(&mem, v, j, item("Done"), -1, false, u));
	cr_assert_eq(u->earcon, SPEECH_SUCCESS, "a sign-up that reached its reward");
	cr_assert_eq(strncmp(u->text, "Your reward. ", 13), 0, "%s", u->text);
	cr_assert_not_null(strstr(u->text, "10% off your next order."), "%s", u->text);
	cr_assert_not_null(strstr(u->text, "Valid until 31 March 2026."), "a date in words: %s",
	    u->text);
	cr_assert_not_null(strstr(u->text, "A code for it is shown on the screen, and Print prints "
	    "it. Press the dot key to hear the code and your card number."), "%s", u->text);
	code_group(code, grouped);
	cr_assert_null(strstr(u->text, code), "not the code: %s", u->text);
	cr_assert_null(strstr(u->text, grouped), "not grouped either");
	cr_assert_null(strstr(u->text, "400012345678"), "nor the card number");
	cr_assert_null(strstr(u->text, "4 0 0 0"), "in no form");
	cr_assert_null(strstr(u->text, "R7K2M9Q4"), "nor the receipt");

	speak_codes(v, j, &c);
	cr_assert_eq(c.n, 4, "asked for: the code and the card number");
	cr_assert_str_eq(c.parts[0], "Your code:");
	cr_assert_eq(strlen(c.parts[1]), CODE_GROUPED_LEN);
	cr_assert_eq(strncmp(c.parts[1], code, 6), 0);
	cr_assert_eq(c.parts[1][6], ' ', "a pause between groups, not a dash");
	cr_assert_str_eq(c.parts[2], "Your card number:");
	cr_assert_str_eq(c.parts[3], "4000 1234 5678");

	build(JOURNEY_INTRO);
	speak_codes(v, j, &c);
	cr_assert_eq(c.n, 0, "no code on a screen without one");
}

Test(speak, personal_data_is_said_to_the_member_but_not_logged)
{
	j->draft->profile->channels[catalog_channel_find(s->catalog, "email")] = 0;
	snprintf(j->draft->profile->email, sizeof j->draft->profile->email, "mia@example.org");
	snprintf(j->draft->profile->name, sizeof j->draft->profile->name, "Mia");
	build(JOURNEY_REVIEW);
	speak_screen(v, j, item("E-mail address"), u);
	cr_assert_not_null(strstr(u->text, "E-mail address: mia@example.org, link."), "%s",
	    u->text);
	cr_assert_not_null(strstr(u->logged, "E-mail address: [private], link."), "%s", u->logged);
	cr_assert_null(strstr(u->logged, "mia@"), "%s", u->logged);
	build(JOURNEY_MEMBER);
	speak_screen(v, j, item("Sign out"), u);
	cr_assert_eq(strncmp(u->text, "Welcome back, Mia.", 18), 0, "%s", u->text);
	cr_assert_eq(strncmp(u->logged, "Welcome back, [private].", 24), 0, "%s", u->logged);
}

Test(speak, the_desk_says_a_first_name_and_a_code_but_logs_neither)
{
	snprintf(j->draft->profile->name, sizeof j->draft->profile->name, "Anna Schmidt");
	j->desk = true;
	build(JOURNEY_DESK_MEMBER);
	speak_screen(v, j, 0, u);
	cr_assert_not_null(strstr(u->text, "Anna"), "%s", u->text);
	cr_assert_null(strstr(u->logged, "Anna"), "%s", u->logged);
	cr_assert_not_null(strstr(u->logged, "[private]"), "%s", u->logged);

	/* A genuine code this ledger does not hold: another till may still redeem it. */
	snprintf(j->ticket.code, sizeof j->ticket.code, "%s", code);
	j->ticket.status = REWARD_UNKNOWN;
	build(JOURNEY_DESK_RESULT);
	speak_screen(v, j, 0, u);
	cr_assert_null(strstr(u->text, code), "a code another till may redeem is not said: %s",
	    u->text);
	cr_assert_null(strstr(u->logged, code), "%s", u->logged);
	cr_assert_null(strstr(u->logged, code + 30), "%s", u->logged);
}

Test(speak, the_idle_warning_then_every_ten_seconds_and_the_last_five)
{
	int	left, said = 0;

	build(JOURNEY_INTERESTS);
	speak_next(&mem, v, j, 0, -1, false, u);
	cr_assert(speak_next(&mem, v, j, 0, 30, false, u));
	cr_assert_str_eq(u->text, "Are you still there? Your answers will be wiped in 30 seconds. "
	    "Press any key to stay.");
	for (left = 29; left >= 0; left--)
		if (speak_next(&mem, v, j, 0, left, false, u)) {
			char want[32];
			snprintf(want, sizeof want, left == 1 ? "%d second." : "%d seconds.", left);
			cr_assert_str_eq(u->text, want);
			said++;
		}
	cr_assert_eq(said, 7, "20, 10, 5, 4, 3, 2, 1: %d", said);
	cr_assert_not(speak_countdown_due(0));
	cr_assert_not(speak_countdown_due(13));
	cr_assert(speak_next(&mem, v, j, 0, -1, false, u), "answered: where the customer is");
}

/* The earcon when the message msgid comes up on step, without a bell. */
static enum speech_earcon
earcon_of(enum journey_step step, const char *msgid)
{
	j->message = NULL;
	build(step);
	speak_next(&mem, v, j, 0, -1, false, u);
	j->message = msgid;
	build(step);
	cr_assert(speak_next(&mem, v, j, 0, -1, false, u));
	return u->earcon;
}

Test(speak, earcons_mark_success_and_failure)
{
	/* A wrong PIN rings: failure, with the message, and again on the second try. */
	j->field = JOURNEY_FIELD_PIN;
	build(JOURNEY_SIGNIN_PIN);
	speak_next(&mem, v, j, 0, -1, false, u);
	j->message = "Wrong PIN";
	build(JOURNEY_SIGNIN_PIN);
	cr_assert(speak_next(&mem, v, j, 0, -1, true, u));
	cr_assert_eq(u->earcon, SPEECH_FAILURE);
	cr_assert_eq(strncmp(u->text, "Wrong PIN.", 10), 0, "%s", u->text);
	cr_assert(speak_next(&mem, v, j, 0, -1, true, u));
	cr_assert_eq(u->earcon, SPEECH_FAILURE, "the same message again is said again");
	cr_assert_eq(strncmp(u->text, "Wrong PIN.", 10), 0, "%s", u->text);

	/* Signed in: success. */
	j->message = NULL;
	build(JOURNEY_MEMBER);
	cr_assert(speak_next(&mem, v, j, 0, -1, false, u));
	cr_assert_eq(u->earcon, SPEECH_SUCCESS);

	/* A consent turned on from "my consents" is saved: success. */
	build(JOURNEY_MY_CONSENTS);
	speak_next(&mem, v, j, 0, -1, false, u);
	j->draft->consents[0] = CONSENT_GIVEN;
	build(JOURNEY_MY_CONSENTS);
	cr_assert(speak_next(&mem, v, j, 0, -1, false, u));
	cr_assert_eq(u->earcon, SPEECH_SUCCESS);
	cr_assert_str_eq(u->text, "Personalised offers, on, check box.");

	/* A field to check again: failure; a confirmation elsewhere: success. */
	j->draft->profile->channels[catalog_channel_find(s->catalog, "email")] = 0;
	j->field = JOURNEY_FIELD_EMAIL;
	cr_assert_eq(earcon_of(JOURNEY_CONTACT, "Please check the e-mail address"),
	    SPEECH_FAILURE);
	cr_assert_eq(earcon_of(JOURNEY_MY_DATA, "Printed: please take your slip"),
	    SPEECH_SUCCESS);
}

Test(speak, a_german_screen_is_said_in_german)
{
	char	*cause = NULL;

	cr_assert_eq(i18n_use("de", &cause), 0, "%s", cause);
	j->lang = 1;
	build(JOURNEY_INTRO);
	cr_assert_str_eq(control("Weiter"), "Weiter, Schaltfläche");
	build(JOURNEY_MY_CONSENTS);
	cr_assert_str_eq(control("Persönliche Angebote"),
	    "Persönliche Angebote, aus, Kontrollkästchen");
	rewarded();
	speak_screen(v, j, item("Fertig"), u);
	cr_assert_not_null(strstr(u->text, "31. März 2026"), "a German date: %s", u->text);
	cr_assert_str_eq(speak_offer(), "Für Sprachausgabe drücken Sie die 5.");
}
