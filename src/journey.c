/*
 * journey — the transition table and the actions it names.
 *
 * Rows are tried in order; the first whose step and event match and whose guard (if any) holds
 * wins.  A row with from = JOURNEY_ANY applies on every step the earlier rows did not claim:
 * language, cancel, the clock, "I'm still here".  An action changes the draft; `to` is the next
 * step, or JOURNEY_STAY.  The actions never touch the store: saving, signing in and the like
 * are effects for app.c, which answers with journey_done.
 */
#include <string.h>

#include <sodium.h>

#include "i18n.h"
#include "journey.h"
#include "util.h"

#define JOURNEY_ANY	JOURNEY_NSTEPS		/* a row for every step */
#define JOURNEY_STAY	JOURNEY_NSTEPS		/* stay on the step */

typedef bool	journey_guard(const struct journey *, const struct journey_event *);
typedef void	journey_action(struct journey *, const struct journey_event *);

struct journey_transition {
	enum journey_step	 from;
	enum journey_event_type	 event;
	journey_guard		*guard;
	journey_action		*action;
	enum journey_step	 to;
	unsigned		 effects;
};

static const char *const journey_step_names[] = {
	[JOURNEY_ATTRACT] = "attract",		[JOURNEY_INTRO] = "intro",
	[JOURNEY_INTERESTS] = "interests",	[JOURNEY_CHANNELS] = "channels",
	[JOURNEY_CONTACT] = "contact",		[JOURNEY_CONSENT] = "consent",
	[JOURNEY_NOTICE] = "notice",		[JOURNEY_SENSITIVE] = "sensitive",
	[JOURNEY_INCENTIVE] = "incentive",	[JOURNEY_REVIEW] = "review",
	[JOURNEY_CARD] = "card",		[JOURNEY_PIN] = "pin",
	[JOURNEY_REWARD] = "reward",		[JOURNEY_THANKS] = "thanks",
	[JOURNEY_SIGNIN] = "signin",		[JOURNEY_SIGNIN_PIN] = "signin_pin",
	[JOURNEY_MEMBER] = "member",		[JOURNEY_MY_REWARDS] = "my_rewards",
	[JOURNEY_MY_INTERESTS] = "my_interests",	[JOURNEY_MY_CONSENTS] = "my_consents",
	[JOURNEY_MY_DATA] = "my_data",		[JOURNEY_DELETE] = "delete",
	[JOURNEY_DELETED] = "deleted",		[JOURNEY_STAFF] = "staff",
	[JOURNEY_STAFF_MENU] = "staff_menu",	[JOURNEY_STAFF_REPRINT] = "staff_reprint",
	[JOURNEY_DESK_SIGNIN] = "desk_signin",
	[JOURNEY_DESK_READY] = "desk_ready",	[JOURNEY_DESK_RESULT] = "desk_result",
	[JOURNEY_DESK_MEMBER] = "desk_member",	[JOURNEY_ADMIN_PURGE] = "admin_purge",
	[JOURNEY_ADMIN_STAFF] = "admin_staff",	[JOURNEY_ADMIN_STAFF_ADD] = "admin_staff_add",
	[JOURNEY_ADMIN_STAFF_REMOVE] = "admin_staff_remove",
	[JOURNEY_ADMIN_DASHBOARD] = "admin_dashboard",	[JOURNEY_ADMIN_EXPORT] = "admin_export",
	[JOURNEY_ADMIN_REKEY] = "admin_rekey",
};

const char *
journey_step_name(enum journey_step step)
{
	return step < JOURNEY_NSTEPS ? journey_step_names[step] : "?";
}

/* ---- helpers ------------------------------------------------------------------------------ */

static const struct catalog *
journey_catalog(const struct journey *j)
{
	return j->shop->catalog;
}

/* Go to a step: focus and scroll start again, any message goes. */
static void
journey_go(struct journey *j, enum journey_step step)
{
	j->step = step;
	j->focus = 0;
	j->item = 0;
	j->message = NULL;
}

unsigned
journey_needed_fields(const struct journey *j)
{
	const struct catalog	*cat = journey_catalog(j);
	unsigned		 need = 0;
	size_t			 i;

	for (i = 0; i < cat->nchannels; i++) {
		if (j->draft->profile->channels[i] == CUSTOMER_NO_CHANNEL)
			continue;
		if (cat->channels[i].needs == CONTACT_EMAIL)
			need |= 1u << JOURNEY_FIELD_EMAIL;
		else if (cat->channels[i].needs == CONTACT_PHONE)
			need |= 1u << JOURNEY_FIELD_PHONE;
	}
	return need;
}

/* The reward for data whose challenge the draft meets, or -1: its notice comes before review. */
static int
journey_incentive_rule(const struct journey *j)
{
	const struct catalog	*cat = journey_catalog(j);
	struct reward_progress	 pr;
	size_t			 i;

	for (i = 0; i < cat->nrewards && i < REWARD_MAX_RULES; i++) {
		if (!cat->rewards[i].has_incentive ||
		    cat->rewards[i].trigger != CATALOG_TRIGGER_COMPLETION)
			continue;
		reward_progress(j->shop, (int)i, j->draft->profile->interests, &pr);
		if (pr.done)
			return (int)i;
	}
	return -1;
}

/* The step after the consents: the incentive notice when one applies, else the review. */
static enum journey_step
journey_after_consents(const struct journey *j)
{
	return journey_incentive_rule(j) >= 0 ? JOURNEY_INCENTIVE : JOURNEY_REVIEW;
}

/* The contact fields the chosen channels need that the draft does not hold yet. */
static unsigned
journey_missing_fields(const struct journey *j)
{
	const struct customer_profile	*p = j->draft->profile;
	unsigned			 have = 0;

	if (p->email[0] != '\0')
		have |= 1u << JOURNEY_FIELD_EMAIL;
	if (p->phone[0] != '\0')
		have |= 1u << JOURNEY_FIELD_PHONE;
	return journey_needed_fields(j) & ~have;
}

/* After a step of the new-member path: the next one, or back to the review after an edit. */
static void
journey_forward(struct journey *j, enum journey_step next)
{
	if (j->from_review) {
		/* A channel chosen from the review may need a contact field the draft does not
		 * have: ask for it, and the contact step comes back to the review. */
		if (next == JOURNEY_CONTACT && journey_missing_fields(j) != 0) {
			journey_go(j, next);
			return;
		}
		j->from_review = false;
		if (next == JOURNEY_CONTACT || next == JOURNEY_CONSENT || next == JOURNEY_INCENTIVE ||
		    next == JOURNEY_REVIEW || next == JOURNEY_CARD)
			next = JOURNEY_REVIEW;
	}
	journey_go(j, next);
}

/* ---- guards ------------------------------------------------------------------------------- */

static bool
journey_is_sensitive(const struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	return journey_catalog(j)->purposes[j->consent_index].sensitive;
}

static bool
journey_first_consent(const struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	return j->consent_index == 0;
}

static bool
journey_valid_interest(const struct journey *j, const struct journey_event *ev)
{
	return ev->arg >= 0 && (size_t)ev->arg < journey_catalog(j)->ninterests;
}

static bool
journey_valid_channel(const struct journey *j, const struct journey_event *ev)
{
	return ev->arg >= 0 && (size_t)ev->arg < journey_catalog(j)->nchannels;
}

static bool
journey_valid_purpose(const struct journey *j, const struct journey_event *ev)
{
	return ev->arg >= 0 && (size_t)ev->arg < journey_catalog(j)->npurposes;
}

static bool
journey_valid_language(const struct journey *j, const struct journey_event *ev)
{
	return ev->arg >= 0 && ev->arg < j->shop->config->nlanguages;
}

static bool
journey_reward_index(const struct journey *j, const struct journey_event *ev)
{
	return ev->arg >= 0 && (size_t)ev->arg < j->rewards.n;
}

/* ---- actions ------------------------------------------------------------------------------ */

static void
journey_start(struct journey *j, const struct journey_event *ev)
{
	journey_reset(j, ev->now);
}

static void
journey_set_language(struct journey *j, const struct journey_event *ev)
{
	j->lang = ev->arg;
	snprintf(j->draft->profile->language, sizeof j->draft->profile->language, "%s",
	    j->shop->config->languages[ev->arg]);
}

static void
journey_toggle_interest(struct journey *j, const struct journey_event *ev)
{
	bool	*on = &j->draft->profile->interests[ev->arg];

	*on = !*on;
}

/* A channel on (at its first frequency) or off. */
static void
journey_toggle_channel(struct journey *j, const struct journey_event *ev)
{
	const struct catalog_channel	*c = &journey_catalog(j)->channels[ev->arg];
	int				*f = &j->draft->profile->channels[ev->arg];

	if (*f != CUSTOMER_NO_CHANNEL)
		*f = CUSTOMER_NO_CHANNEL;
	else
		*f = c->nfrequencies > 0 ? (int)c->frequencies[0] : CUSTOMER_NO_FREQUENCY;
}

/* CHOOSE on the channels screen: arg = channel * CATALOG_MAX_FREQUENCIES + the frequency's
 * place in the channel. */
static void
journey_choose_frequency(struct journey *j, const struct journey_event *ev)
{
	const struct catalog	*cat = journey_catalog(j);
	int			 ch = ev->arg / CATALOG_MAX_FREQUENCIES,
				 k = ev->arg % CATALOG_MAX_FREQUENCIES;

	if (ch < 0 || (size_t)ch >= cat->nchannels || k < 0 ||
	    (size_t)k >= cat->channels[ch].nfrequencies)
		return;
	j->draft->profile->channels[ch] = (int)cat->channels[ch].frequencies[k];
}

static void
journey_leave_channels(struct journey *j, const struct journey_event *ev)
{
	unsigned	need = journey_needed_fields(j), ask;

	(void)ev;
	/* Minimisation: a field no chosen channel needs is dropped, not kept for later. */
	if (!(need & (1u << JOURNEY_FIELD_EMAIL))) {
		j->draft->profile->email[0] = '\0';
		sodium_memzero(j->text[JOURNEY_FIELD_EMAIL], sizeof j->text[0]);
	}
	if (!(need & (1u << JOURNEY_FIELD_PHONE)) && j->draft->pin[0] == '\0') {
		j->draft->profile->phone[0] = '\0';
		sodium_memzero(j->text[JOURNEY_FIELD_PHONE], sizeof j->text[0]);
	}
	/* The focus on the first field still missing, or else on the first one needed. */
	if ((ask = journey_missing_fields(j)) == 0)
		ask = need;
	j->field = (ask & (1u << JOURNEY_FIELD_EMAIL)) ? JOURNEY_FIELD_EMAIL :
	    JOURNEY_FIELD_PHONE;
	journey_forward(j, need != 0 ? JOURNEY_CONTACT : JOURNEY_CONSENT);
}

static void
journey_choose_field(struct journey *j, const struct journey_event *ev)
{
	if (ev->arg >= 0 && ev->arg <= JOURNEY_FIELD_PIN2)
		j->field = (enum journey_field)ev->arg;
	j->message = NULL;
}

/* Which characters a field takes: digits for numbers, printable text for the rest. */
static bool
journey_accepts(enum journey_field f, int c)
{
	switch (f) {
	case JOURNEY_FIELD_PIN:
	case JOURNEY_FIELD_PIN2:
		return c >= '0' && c <= '9';
	case JOURNEY_FIELD_CARD:
		return (c >= '0' && c <= '9') || c == ' ' || c == '-';
	case JOURNEY_FIELD_PHONE:
		return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-' || c == '(' ||
		    c == ')';
	default:
		return c >= 0x20 && c != 0x7f;
	}
}

bool
journey_takes(const struct journey *j, int c)
{
	return journey_accepts(j->field, c);
}

/* Append a code point to the field being typed, as UTF-8. */
static void
journey_type(struct journey *j, const struct journey_event *ev)
{
	char	*t = j->text[j->field];
	size_t	 len = strlen(t);
	int	 c = ev->arg;
	char	 u[4];
	size_t	 n;

	if (c < 0 || c > 0x10ffff || !journey_accepts(j->field, c))
		return;
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if ((j->field == JOURNEY_FIELD_PIN || j->field == JOURNEY_FIELD_PIN2) &&
	    len >= CUSTOMER_PIN_MAX)
		return;
	if (len + n > JOURNEY_TEXT_MAX)
		return;
	memcpy(t + len, u, n);
	t[len + n] = '\0';
	j->message = NULL;
}

/* Remove the last character (a whole UTF-8 sequence). */
static void
journey_erase(struct journey *j, const struct journey_event *ev)
{
	char	*t = j->text[j->field];
	size_t	 len = strlen(t);

	(void)ev;
	while (len > 0 && ((unsigned char)t[len - 1] & 0xc0) == 0x80)
		t[--len] = '\0';
	if (len > 0)
		t[--len] = '\0';
}

/* Normalise one typed field into dst; false with a message when it is not valid. */
static bool
journey_take(struct journey *j, enum journey_field f, enum contact_field kind, char *dst)
{
	const char	*why;

	if (contact_normalize(kind, j->text[f], j->shop->config->phone_country, dst, &why) != 0) {
		j->field = f;
		j->message = kind == CONTACT_EMAIL ? N_("Please check the e-mail address") :
		    kind == CONTACT_PHONE ? N_("Please check the phone number") :
		    kind == CONTACT_CARD ? N_("Please check the card number") :
		    N_("Please check the name");
		return false;
	}
	return true;
}

static void
journey_leave_contact(struct journey *j, const struct journey_event *ev)
{
	struct customer_profile	*p = j->draft->profile;
	unsigned		 need = journey_needed_fields(j);

	(void)ev;
	if ((need & (1u << JOURNEY_FIELD_EMAIL)) &&
	    !journey_take(j, JOURNEY_FIELD_EMAIL, CONTACT_EMAIL, p->email))
		return;
	if ((need & (1u << JOURNEY_FIELD_PHONE)) &&
	    !journey_take(j, JOURNEY_FIELD_PHONE, CONTACT_PHONE, p->phone))
		return;
	if (j->text[JOURNEY_FIELD_NAME][0] != '\0' &&
	    !journey_take(j, JOURNEY_FIELD_NAME, CONTACT_NAME, p->name))
		return;
	if (j->text[JOURNEY_FIELD_NAME][0] == '\0')
		p->name[0] = '\0';
	j->consent_index = 0;
	journey_forward(j, JOURNEY_CONSENT);
}

/* Answer the purpose being asked, then ask the next or move on. */
static void
journey_answer(struct journey *j, enum consent_state state)
{
	const struct catalog	*cat = journey_catalog(j);

	j->draft->consents[j->consent_index] = state;
	j->draft->consent_language[j->consent_index] = (signed char)(j->lang + 1);
	j->answered[j->consent_index] = true;
	if (j->from_review) {
		j->from_review = false;
		journey_go(j, JOURNEY_REVIEW);
	} else if ((size_t)j->consent_index + 1 < cat->npurposes) {
		j->consent_index++;
		journey_go(j, JOURNEY_CONSENT);
	} else
		journey_go(j, journey_after_consents(j));
}

static void
journey_consent_yes(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	journey_answer(j, CONSENT_GIVEN);
}

static void
journey_consent_no(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	journey_answer(j, CONSENT_REFUSED);
}

static void
journey_consent_back(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	if (j->from_review) {
		j->from_review = false;
		journey_go(j, JOURNEY_REVIEW);
		return;
	}
	j->consent_index--;
	journey_go(j, JOURNEY_CONSENT);
}

static void
journey_before_consents(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	if (j->from_review) {
		j->from_review = false;
		journey_go(j, JOURNEY_REVIEW);
		return;
	}
	journey_go(j, journey_needed_fields(j) != 0 ? JOURNEY_CONTACT : JOURNEY_CHANNELS);
}

static void
journey_last_consent(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	j->consent_index = (int)journey_catalog(j)->npurposes - 1;
	journey_go(j, JOURNEY_CONSENT);
}

static void
journey_incentive_answer(struct journey *j, const struct journey_event *ev)
{
	int	r = journey_incentive_rule(j);

	if (r >= 0)
		j->draft->incentives[r] = ev->type == JOURNEY_EV_YES;
	journey_go(j, JOURNEY_REVIEW);
}

static void
journey_review_back(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	if (journey_incentive_rule(j) >= 0)
		journey_go(j, JOURNEY_INCENTIVE);
	else
		journey_last_consent(j, ev);
}

/* Edit one answer from the review; arg is the step, or for a consent the purpose + 100. */
static void
journey_review_edit(struct journey *j, const struct journey_event *ev)
{
	j->from_review = true;
	if (ev->arg >= 100 && (size_t)(ev->arg - 100) < journey_catalog(j)->npurposes) {
		j->consent_index = ev->arg - 100;
		journey_go(j, JOURNEY_CONSENT);
		return;
	}
	switch (ev->arg) {
	case JOURNEY_INTERESTS:
	case JOURNEY_CHANNELS:
	case JOURNEY_CONTACT:
	case JOURNEY_INCENTIVE:
		journey_go(j, (enum journey_step)ev->arg);
		break;
	default:
		j->from_review = false;
	}
}

static void
journey_to_card(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	j->field = JOURNEY_FIELD_CARD;
	journey_go(j, JOURNEY_CARD);
}

/* A scanned or typed card number; the kiosk's own new number when new_card. */
static void
journey_take_card(struct journey *j, const struct journey_event *ev)
{
	if (ev->type == JOURNEY_EV_SCAN)
		snprintf(j->text[JOURNEY_FIELD_CARD], sizeof j->text[0], "%s", ev->text);
	if (ev->type == JOURNEY_EV_CHOOSE) {
		j->new_card = true;
		j->draft->profile->card[0] = '\0';
	} else if (!journey_take(j, JOURNEY_FIELD_CARD, CONTACT_CARD, j->draft->profile->card))
		return;
	else
		j->new_card = false;
	j->field = JOURNEY_FIELD_PIN;
	journey_go(j, JOURNEY_PIN);
}

/* Both PIN entries agree and are 4 to 12 digits: the draft is complete, save it. */
static bool
journey_pin_ready(const struct journey *j, const struct journey_event *ev)
{
	size_t	n = strlen(j->text[JOURNEY_FIELD_PIN]);

	(void)ev;
	return n >= 4 && n <= CUSTOMER_PIN_MAX &&
	    strcmp(j->text[JOURNEY_FIELD_PIN], j->text[JOURNEY_FIELD_PIN2]) == 0;
}

static void
journey_pin_take(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	util_copy(j->draft->pin, sizeof j->draft->pin, j->text[JOURNEY_FIELD_PIN]);
	j->message = NULL;
}

static void
journey_pin_next_field(struct journey *j, const struct journey_event *ev)
{
	size_t	n = strlen(j->text[JOURNEY_FIELD_PIN]);

	(void)ev;
	if (j->field == JOURNEY_FIELD_PIN && n >= 4) {
		j->field = JOURNEY_FIELD_PIN2;
		return;
	}
	j->message = n < 4 ? N_("A PIN has 4 to 12 digits") : N_("The two PINs differ");
	if (n >= 4) {
		sodium_memzero(j->text[JOURNEY_FIELD_PIN2], sizeof j->text[0]);
		j->field = JOURNEY_FIELD_PIN2;
	}
}

/* No PIN: the member comes back with their card alone. */
static void
journey_no_pin(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	j->draft->pin[0] = '\0';
	sodium_memzero(j->text[JOURNEY_FIELD_PIN], sizeof j->text[0]);
	sodium_memzero(j->text[JOURNEY_FIELD_PIN2], sizeof j->text[0]);
}

static void
journey_show_reward(struct journey *j, const struct journey_event *ev)
{
	j->reward_shown = ev->arg;
}

static void
journey_signin_field(struct journey *j, const struct journey_event *ev)
{
	if (ev->arg == JOURNEY_FIELD_CARD || ev->arg == JOURNEY_FIELD_PHONE)
		j->field = (enum journey_field)ev->arg;
}

/* A card scanned on the attract or sign-in screen: look it up; a scanned card needs no PIN. */
static void
journey_signin_scan(struct journey *j, const struct journey_event *ev)
{
	if (j->step == JOURNEY_ATTRACT)
		journey_reset(j, ev->now);
	snprintf(j->text[JOURNEY_FIELD_CARD], sizeof j->text[0], "%s",
	    ev->text != NULL ? ev->text : "");
	j->field = JOURNEY_FIELD_CARD;
	j->scanned = true;
	journey_go(j, JOURNEY_SIGNIN);
}

/* A card or phone typed on the sign-in screen: look it up; the PIN comes next. */
static void
journey_signin_typed(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	j->scanned = false;
}

static void
journey_to_signin(struct journey *j, const struct journey_event *ev)
{
	journey_reset(j, ev->now);
	j->field = JOURNEY_FIELD_CARD;
	journey_go(j, JOURNEY_SIGNIN);
}

static void
journey_member_choose(struct journey *j, const struct journey_event *ev)
{
	static const enum journey_step next[] = {
		JOURNEY_MY_REWARDS, JOURNEY_MY_INTERESTS, JOURNEY_MY_CONSENTS, JOURNEY_MY_DATA,
		JOURNEY_DELETE,
	};

	if (ev->arg >= 0 && (size_t)ev->arg < sizeof next / sizeof next[0])
		journey_go(j, next[ev->arg]);
}

static void
journey_to_member(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	journey_go(j, JOURNEY_MEMBER);
}

static void
journey_pick_purpose(struct journey *j, const struct journey_event *ev)
{
	j->consent_index = ev->arg;
}

/* A member turns a sensitive purpose on: the same second confirmation as at sign-up. */
static void
journey_confirm_change(struct journey *j, const struct journey_event *ev)
{
	j->consent_index = ev->arg;
	journey_go(j, JOURNEY_SENSITIVE);
}

/* A sensitive purpose turned on from "my consents" needs the second confirmation. */
static bool
journey_needs_confirm(const struct journey *j, const struct journey_event *ev)
{
	return journey_valid_purpose(j, ev) &&
	    journey_catalog(j)->purposes[ev->arg].sensitive &&
	    j->draft->consents[ev->arg] != CONSENT_GIVEN;
}

static void
journey_member_sensitive(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	journey_go(j, JOURNEY_MY_CONSENTS);
}

static bool
journey_member_confirming(const struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	return j->signed_in;
}

static void
journey_staff_open(struct journey *j, const struct journey_event *ev)
{
	journey_reset(j, ev->now);
	j->field = JOURNEY_FIELD_NAME;
	journey_go(j, JOURNEY_STAFF);
}

static void
journey_staff_next(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	if (j->field == JOURNEY_FIELD_NAME)
		j->field = JOURNEY_FIELD_PIN;
}

static bool
journey_staff_ready(const struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	return j->field == JOURNEY_FIELD_PIN && strlen(j->text[JOURNEY_FIELD_PIN]) >= 4 &&
	    j->text[JOURNEY_FIELD_NAME][0] != '\0';
}

static bool
journey_is_admin(const struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	return j->admin;
}

static void
journey_extend(struct journey *j, const struct journey_event *ev)
{
	if (j->warning_since != 0 && j->extensions < JOURNEY_EXTENSIONS * 10)
		j->extensions++;
	j->warning_since = 0;
	j->last_activity = ev->now;
}

/* Accessibility mode on or off: the idle timeout ten times the configured one, or that one.
 * The warning stays as long, and can be answered as often as ever (WCAG 2.2.1). */
static void
journey_set_accessible(struct journey *j, const struct journey_event *ev)
{
	j->accessible = ev->arg != 0;
	j->idle_timeout = j->shop->config->idle_timeout *
	    (j->accessible ? JOURNEY_ACCESSIBLE_FACTOR : 1);
}

/* The desk's input: a scan, or what was typed into its one field. */
static void
journey_desk_take(struct journey *j, const struct journey_event *ev)
{
	util_copy(j->scanned_text, sizeof j->scanned_text, ev->type == JOURNEY_EV_SCAN ?
	    ev->text : j->text[JOURNEY_FIELD_NAME]);
	sodium_memzero(j->text[JOURNEY_FIELD_NAME], sizeof j->text[0]);
	j->field = JOURNEY_FIELD_NAME;
}

/* Typing on a result or a member goes back to the ready screen, into its field. */
static void
journey_desk_type(struct journey *j, const struct journey_event *ev)
{
	journey_go(j, JOURNEY_DESK_READY);
	j->field = JOURNEY_FIELD_NAME;
	journey_type(j, ev);
}

static void
journey_desk_ready(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	journey_go(j, JOURNEY_DESK_READY);
	j->field = JOURNEY_FIELD_NAME;
}

/* ---- staff and admin ----------------------------------------------------------------------- */

/* The staff menu's entries that anyone signed in as staff may open... */
static bool
journey_opens_staff(const struct journey *j, const struct journey_event *ev)
{
	return j->staff_mode && ev->arg == JOURNEY_DESK_READY;
}

/* ...and those only an admin may (app.c asks the store again before it acts). */
static bool
journey_opens_admin(const struct journey *j, const struct journey_event *ev)
{
	return j->admin && (ev->arg == JOURNEY_ADMIN_DASHBOARD || ev->arg == JOURNEY_ADMIN_PURGE ||
	    ev->arg == JOURNEY_ADMIN_EXPORT || ev->arg == JOURNEY_ADMIN_REKEY ||
	    ev->arg == JOURNEY_ADMIN_STAFF);
}

static void
journey_open(struct journey *j, const struct journey_event *ev)
{
	memset(&j->figures, 0, sizeof j->figures);
	journey_go(j, (enum journey_step)ev->arg);
}

/* The desk inside a kiosk goes back to the staff menu; a desk's own "back" signs out. */
static bool
journey_in_kiosk(const struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	return !j->desk;
}

/* Leave a staff screen for another, with nothing typed (no PIN) left behind. */
static void
journey_leave_to(struct journey *j, enum journey_step step)
{
	sodium_memzero(j->text, sizeof j->text);
	journey_go(j, step);
}

static void
journey_staff_menu(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	journey_leave_to(j, JOURNEY_STAFF_MENU);
}

/* A key rotation not yet done (one a visit: the screen then shows what it did). */
static bool
journey_rekey_pending(const struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	return !j->figures.done;
}

static void
journey_toggle_codes(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	j->figures.codes = !j->figures.codes;
}

static bool
journey_valid_account(const struct journey *j, const struct journey_event *ev)
{
	return ev->arg >= 0 && ev->arg < j->figures.nstaff;
}

static void
journey_choose_account(struct journey *j, const struct journey_event *ev)
{
	j->figures.chosen = ev->arg;
	journey_go(j, JOURNEY_ADMIN_STAFF_REMOVE);
}

static void
journey_add_account(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	journey_leave_to(j, JOURNEY_ADMIN_STAFF_ADD);
	j->figures.role = STAFF_ROLE_STAFF;
	j->field = JOURNEY_FIELD_NAME;
}

static void
journey_staff_list(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	journey_leave_to(j, JOURNEY_ADMIN_STAFF);
}

static void
journey_choose_role(struct journey *j, const struct journey_event *ev)
{
	j->figures.role = ev->arg == STAFF_ROLE_ADMIN ? STAFF_ROLE_ADMIN : STAFF_ROLE_STAFF;
}

/* A new account is ready when it has a name and the same PIN twice; "next" moves on until. */
static bool
journey_account_ready(const struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	return j->text[JOURNEY_FIELD_NAME][0] != '\0' &&
	    strlen(j->text[JOURNEY_FIELD_PIN]) >= STAFF_PIN_MIN &&
	    strcmp(j->text[JOURNEY_FIELD_PIN], j->text[JOURNEY_FIELD_PIN2]) == 0;
}

static void
journey_account_next(struct journey *j, const struct journey_event *ev)
{
	(void)ev;
	j->message = NULL;
	if (j->field == JOURNEY_FIELD_NAME)
		j->field = JOURNEY_FIELD_PIN;
	else if (j->field == JOURNEY_FIELD_PIN)
		j->field = JOURNEY_FIELD_PIN2;
	else if (strlen(j->text[JOURNEY_FIELD_PIN]) < STAFF_PIN_MIN) {
		j->message = N_("A PIN has 4 to 12 digits");
		j->field = JOURNEY_FIELD_PIN;
	} else if (strcmp(j->text[JOURNEY_FIELD_PIN], j->text[JOURNEY_FIELD_PIN2]) != 0) {
		j->message = N_("The two PINs are not the same");
		sodium_memzero(j->text[JOURNEY_FIELD_PIN], sizeof j->text[0]);
		sodium_memzero(j->text[JOURNEY_FIELD_PIN2], sizeof j->text[0]);
		j->field = JOURNEY_FIELD_PIN;
	} else {
		j->message = N_("Type the staff member's name");
		j->field = JOURNEY_FIELD_NAME;
	}
}

/* ---- the table ---------------------------------------------------------------------------- */

#define R	JOURNEY_REDRAW
#define U	JOURNEY_UPDATE

static const struct journey_transition journey_table[] = {
	/* Attract: touch to start, scan a card to sign in, pick a language. */
	{ JOURNEY_ATTRACT, JOURNEY_EV_SCAN, NULL, journey_signin_scan, JOURNEY_STAY,
	    R | JOURNEY_LOOKUP },
	{ JOURNEY_ATTRACT, JOURNEY_EV_SIGNIN, NULL, journey_to_signin, JOURNEY_STAY, R },
	{ JOURNEY_ATTRACT, JOURNEY_EV_STAFF, NULL, journey_staff_open, JOURNEY_STAY, R },
	{ JOURNEY_ATTRACT, JOURNEY_EV_LANGUAGE, journey_valid_language, journey_set_language,
	    JOURNEY_STAY, R | JOURNEY_LANGUAGE },
	{ JOURNEY_ATTRACT, JOURNEY_EV_START, NULL, journey_start, JOURNEY_INTRO, R },
	{ JOURNEY_ATTRACT, JOURNEY_EV_JOIN, NULL, journey_start, JOURNEY_INTRO, R },
	{ JOURNEY_ATTRACT, JOURNEY_EV_NEXT, NULL, journey_start, JOURNEY_INTRO, R },

	{ JOURNEY_INTRO, JOURNEY_EV_NEXT, NULL, NULL, JOURNEY_INTERESTS, R },
	{ JOURNEY_INTRO, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },

	{ JOURNEY_INTERESTS, JOURNEY_EV_TOGGLE, journey_valid_interest, journey_toggle_interest,
	    JOURNEY_STAY, U },
	{ JOURNEY_INTERESTS, JOURNEY_EV_NEXT, NULL, NULL, JOURNEY_CHANNELS, R },
	{ JOURNEY_INTERESTS, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_INTRO, R },

	{ JOURNEY_CHANNELS, JOURNEY_EV_TOGGLE, journey_valid_channel, journey_toggle_channel,
	    JOURNEY_STAY, U },
	{ JOURNEY_CHANNELS, JOURNEY_EV_CHOOSE, NULL, journey_choose_frequency, JOURNEY_STAY, U },
	{ JOURNEY_CHANNELS, JOURNEY_EV_NEXT, NULL, journey_leave_channels, JOURNEY_STAY, R },
	{ JOURNEY_CHANNELS, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_INTERESTS, R },

	{ JOURNEY_CONTACT, JOURNEY_EV_FIELD, NULL, journey_choose_field, JOURNEY_STAY, U },
	{ JOURNEY_CONTACT, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_CONTACT, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_CONTACT, JOURNEY_EV_NEXT, NULL, journey_leave_contact, JOURNEY_STAY, R },
	{ JOURNEY_CONTACT, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_CHANNELS, R },

	/* Consent, one purpose at a time; "yes" to a sensitive one asks once more. */
	{ JOURNEY_CONSENT, JOURNEY_EV_YES, journey_is_sensitive, NULL, JOURNEY_SENSITIVE, R },
	{ JOURNEY_CONSENT, JOURNEY_EV_YES, NULL, journey_consent_yes, JOURNEY_STAY, R },
	{ JOURNEY_CONSENT, JOURNEY_EV_NO, NULL, journey_consent_no, JOURNEY_STAY, R },
	{ JOURNEY_CONSENT, JOURNEY_EV_MORE, NULL, NULL, JOURNEY_NOTICE, R },
	{ JOURNEY_CONSENT, JOURNEY_EV_BACK, journey_first_consent, journey_before_consents,
	    JOURNEY_STAY, R },
	{ JOURNEY_CONSENT, JOURNEY_EV_BACK, NULL, journey_consent_back, JOURNEY_STAY, R },

	{ JOURNEY_NOTICE, JOURNEY_EV_BACK, journey_member_confirming, NULL, JOURNEY_MY_CONSENTS,
	    R },
	{ JOURNEY_NOTICE, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_CONSENT, R },
	{ JOURNEY_NOTICE, JOURNEY_EV_NEXT, journey_member_confirming, NULL, JOURNEY_MY_CONSENTS,
	    R },
	{ JOURNEY_NOTICE, JOURNEY_EV_NEXT, NULL, NULL, JOURNEY_CONSENT, R },

	{ JOURNEY_SENSITIVE, JOURNEY_EV_YES, journey_member_confirming, journey_member_sensitive,
	    JOURNEY_STAY, R | JOURNEY_SAVE_CONSENT },
	{ JOURNEY_SENSITIVE, JOURNEY_EV_YES, NULL, journey_consent_yes, JOURNEY_STAY, R },
	{ JOURNEY_SENSITIVE, JOURNEY_EV_NO, journey_member_confirming, journey_member_sensitive,
	    JOURNEY_STAY, R },
	{ JOURNEY_SENSITIVE, JOURNEY_EV_NO, NULL, journey_consent_no, JOURNEY_STAY, R },
	{ JOURNEY_SENSITIVE, JOURNEY_EV_BACK, journey_member_confirming, journey_member_sensitive,
	    JOURNEY_STAY, R },
	{ JOURNEY_SENSITIVE, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_CONSENT, R },

	{ JOURNEY_INCENTIVE, JOURNEY_EV_YES, NULL, journey_incentive_answer, JOURNEY_STAY, R },
	{ JOURNEY_INCENTIVE, JOURNEY_EV_NO, NULL, journey_incentive_answer, JOURNEY_STAY, R },
	{ JOURNEY_INCENTIVE, JOURNEY_EV_BACK, NULL, journey_last_consent, JOURNEY_STAY, R },

	{ JOURNEY_REVIEW, JOURNEY_EV_EDIT, NULL, journey_review_edit, JOURNEY_STAY, R },
	{ JOURNEY_REVIEW, JOURNEY_EV_NEXT, NULL, journey_to_card, JOURNEY_STAY, R },
	{ JOURNEY_REVIEW, JOURNEY_EV_BACK, NULL, journey_review_back, JOURNEY_STAY, R },

	{ JOURNEY_CARD, JOURNEY_EV_SCAN, NULL, journey_take_card, JOURNEY_STAY, R },
	{ JOURNEY_CARD, JOURNEY_EV_CHOOSE, NULL, journey_take_card, JOURNEY_STAY, R },
	{ JOURNEY_CARD, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_CARD, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_CARD, JOURNEY_EV_NEXT, NULL, journey_take_card, JOURNEY_STAY, R },
	{ JOURNEY_CARD, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_REVIEW, R },

	{ JOURNEY_PIN, JOURNEY_EV_FIELD, NULL, journey_choose_field, JOURNEY_STAY, U },
	{ JOURNEY_PIN, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_PIN, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_PIN, JOURNEY_EV_NEXT, journey_pin_ready, journey_pin_take, JOURNEY_STAY,
	    U | JOURNEY_ENROLL },
	{ JOURNEY_PIN, JOURNEY_EV_NEXT, NULL, journey_pin_next_field, JOURNEY_STAY, U },
	{ JOURNEY_PIN, JOURNEY_EV_NO, NULL, journey_no_pin, JOURNEY_STAY, U | JOURNEY_ENROLL },
	{ JOURNEY_PIN, JOURNEY_EV_BACK, NULL, journey_to_card, JOURNEY_STAY, R },

	{ JOURNEY_REWARD, JOURNEY_EV_PRINT, NULL, NULL, JOURNEY_STAY, U | JOURNEY_PRINT },
	{ JOURNEY_REWARD, JOURNEY_EV_CHOOSE, journey_reward_index, journey_show_reward,
	    JOURNEY_STAY, R },
	{ JOURNEY_REWARD, JOURNEY_EV_NEXT, NULL, NULL, JOURNEY_THANKS, R },
	{ JOURNEY_REWARD, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_THANKS, R },

	{ JOURNEY_THANKS, JOURNEY_EV_NEXT, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },
	{ JOURNEY_THANKS, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },

	/* A returning member. */
	{ JOURNEY_SIGNIN, JOURNEY_EV_FIELD, NULL, journey_signin_field, JOURNEY_STAY, U },
	{ JOURNEY_SIGNIN, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_SIGNIN, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_SIGNIN, JOURNEY_EV_SCAN, NULL, journey_signin_scan, JOURNEY_STAY,
	    R | JOURNEY_LOOKUP },
	{ JOURNEY_SIGNIN, JOURNEY_EV_NEXT, NULL, journey_signin_typed, JOURNEY_STAY,
	    U | JOURNEY_LOOKUP },
	{ JOURNEY_SIGNIN, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },

	{ JOURNEY_SIGNIN_PIN, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_SIGNIN_PIN, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_SIGNIN_PIN, JOURNEY_EV_NEXT, NULL, NULL, JOURNEY_STAY, U | JOURNEY_VERIFY_PIN },
	{ JOURNEY_SIGNIN_PIN, JOURNEY_EV_BACK, NULL, journey_to_signin, JOURNEY_STAY, R },

	{ JOURNEY_MEMBER, JOURNEY_EV_CHOOSE, NULL, journey_member_choose, JOURNEY_STAY, R },
	{ JOURNEY_MEMBER, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },

	{ JOURNEY_MY_REWARDS, JOURNEY_EV_CHOOSE, journey_reward_index, journey_show_reward,
	    JOURNEY_STAY, R },
	{ JOURNEY_MY_REWARDS, JOURNEY_EV_PRINT, NULL, NULL, JOURNEY_STAY, U | JOURNEY_PRINT },
	{ JOURNEY_MY_REWARDS, JOURNEY_EV_BACK, NULL, journey_to_member, JOURNEY_STAY, R },

	{ JOURNEY_MY_INTERESTS, JOURNEY_EV_TOGGLE, journey_valid_interest,
	    journey_toggle_interest, JOURNEY_STAY, U },
	{ JOURNEY_MY_INTERESTS, JOURNEY_EV_NEXT, NULL, NULL, JOURNEY_STAY,
	    R | JOURNEY_SAVE_PROFILE },
	{ JOURNEY_MY_INTERESTS, JOURNEY_EV_BACK, NULL, journey_to_member, JOURNEY_STAY,
	    R | JOURNEY_LOOKUP },

	{ JOURNEY_MY_CONSENTS, JOURNEY_EV_TOGGLE, journey_needs_confirm, journey_confirm_change,
	    JOURNEY_STAY, R },
	{ JOURNEY_MY_CONSENTS, JOURNEY_EV_TOGGLE, journey_valid_purpose, journey_pick_purpose,
	    JOURNEY_STAY, U | JOURNEY_SAVE_CONSENT },
	{ JOURNEY_MY_CONSENTS, JOURNEY_EV_MORE, journey_valid_purpose, journey_pick_purpose,
	    JOURNEY_NOTICE, R },
	{ JOURNEY_MY_CONSENTS, JOURNEY_EV_NO, NULL, NULL, JOURNEY_STAY, R | JOURNEY_WITHDRAW_ALL },
	{ JOURNEY_MY_CONSENTS, JOURNEY_EV_BACK, NULL, journey_to_member, JOURNEY_STAY, R },

	{ JOURNEY_MY_DATA, JOURNEY_EV_BACK, NULL, journey_to_member, JOURNEY_STAY, R },
	{ JOURNEY_MY_DATA, JOURNEY_EV_PRINT, NULL, NULL, JOURNEY_STAY, U | JOURNEY_PRINT },

	{ JOURNEY_DELETE, JOURNEY_EV_YES, NULL, NULL, JOURNEY_STAY, R | JOURNEY_ERASE },
	{ JOURNEY_DELETE, JOURNEY_EV_NO, NULL, journey_to_member, JOURNEY_STAY, R },
	{ JOURNEY_DELETE, JOURNEY_EV_BACK, NULL, journey_to_member, JOURNEY_STAY, R },

	{ JOURNEY_DELETED, JOURNEY_EV_NEXT, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },
	{ JOURNEY_DELETED, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },

	/* The staff gate. */
	{ JOURNEY_STAFF, JOURNEY_EV_FIELD, NULL, journey_choose_field, JOURNEY_STAY, U },
	{ JOURNEY_STAFF, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_STAFF, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_STAFF, JOURNEY_EV_NEXT, journey_staff_ready, NULL, JOURNEY_STAY,
	    U | JOURNEY_STAFF_PIN },
	{ JOURNEY_STAFF, JOURNEY_EV_NEXT, NULL, journey_staff_next, JOURNEY_STAY, U },
	{ JOURNEY_STAFF, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },

	{ JOURNEY_STAFF_MENU, JOURNEY_EV_YES, journey_is_admin, NULL, JOURNEY_STAY, JOURNEY_QUIT },
	{ JOURNEY_STAFF_MENU, JOURNEY_EV_JOIN, NULL, journey_start, JOURNEY_INTRO, R },
	{ JOURNEY_STAFF_MENU, JOURNEY_EV_PRINT, NULL, NULL, JOURNEY_STAY, U | JOURNEY_PRINT },
	{ JOURNEY_STAFF_MENU, JOURNEY_EV_CHOOSE, NULL, journey_desk_ready, JOURNEY_STAFF_REPRINT,
	    R },
	{ JOURNEY_STAFF_REPRINT, JOURNEY_EV_SCAN, NULL, journey_desk_take, JOURNEY_STAY,
	    U | JOURNEY_PRINT },
	{ JOURNEY_STAFF_REPRINT, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_STAFF_REPRINT, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_STAFF_REPRINT, JOURNEY_EV_FIELD, NULL, NULL, JOURNEY_STAY, 0 },
	{ JOURNEY_STAFF_REPRINT, JOURNEY_EV_NEXT, NULL, journey_desk_take, JOURNEY_STAY,
	    U | JOURNEY_PRINT },
	{ JOURNEY_STAFF_REPRINT, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_STAFF_MENU, R },
	{ JOURNEY_STAFF_MENU, JOURNEY_EV_OPEN, journey_opens_staff, journey_desk_ready,
	    JOURNEY_STAY, R },
	{ JOURNEY_STAFF_MENU, JOURNEY_EV_OPEN, journey_opens_admin, journey_open, JOURNEY_STAY,
	    R | JOURNEY_ADMIN_LOAD },
	{ JOURNEY_STAFF_MENU, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },

	/* Admin: the dashboard; retention with its preview; export; key rotation; staff accounts. */
	{ JOURNEY_ADMIN_DASHBOARD, JOURNEY_EV_BACK, NULL, journey_staff_menu, JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_PURGE, JOURNEY_EV_YES, NULL, NULL, JOURNEY_STAY, R | JOURNEY_ADMIN_ACT },
	{ JOURNEY_ADMIN_EXPORT, JOURNEY_EV_YES, NULL, NULL, JOURNEY_STAY, R | JOURNEY_ADMIN_ACT },
	{ JOURNEY_ADMIN_EXPORT, JOURNEY_EV_BACK, NULL, journey_staff_menu, JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_REKEY, JOURNEY_EV_TOGGLE, journey_rekey_pending, journey_toggle_codes,
	    JOURNEY_STAY, U },
	{ JOURNEY_ADMIN_REKEY, JOURNEY_EV_YES, journey_rekey_pending, NULL, JOURNEY_STAY,
	    R | JOURNEY_ADMIN_ACT },
	{ JOURNEY_ADMIN_REKEY, JOURNEY_EV_BACK, NULL, journey_staff_menu, JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_PURGE, JOURNEY_EV_BACK, NULL, journey_staff_menu, JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_STAFF, JOURNEY_EV_CHOOSE, journey_valid_account, journey_choose_account,
	    JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_STAFF, JOURNEY_EV_JOIN, NULL, journey_add_account, JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_STAFF, JOURNEY_EV_BACK, NULL, journey_staff_menu, JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_STAFF_ADD, JOURNEY_EV_FIELD, NULL, journey_choose_field, JOURNEY_STAY,
	    U },
	{ JOURNEY_ADMIN_STAFF_ADD, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_ADMIN_STAFF_ADD, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_ADMIN_STAFF_ADD, JOURNEY_EV_TOGGLE, NULL, journey_choose_role, JOURNEY_STAY,
	    U },
	{ JOURNEY_ADMIN_STAFF_ADD, JOURNEY_EV_NEXT, journey_account_ready, NULL, JOURNEY_STAY,
	    R | JOURNEY_ADMIN_ACT },
	{ JOURNEY_ADMIN_STAFF_ADD, JOURNEY_EV_NEXT, NULL, journey_account_next, JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_STAFF_ADD, JOURNEY_EV_BACK, NULL, journey_staff_list, JOURNEY_STAY, R },
	{ JOURNEY_ADMIN_STAFF_REMOVE, JOURNEY_EV_YES, NULL, NULL, JOURNEY_STAY,
	    R | JOURNEY_ADMIN_ACT },
	{ JOURNEY_ADMIN_STAFF_REMOVE, JOURNEY_EV_BACK, NULL, journey_staff_list, JOURNEY_STAY,
	    R },

	/* The loyalty desk: sign in, then scans; each code redeemed at once, each card opened. */
	{ JOURNEY_DESK_SIGNIN, JOURNEY_EV_FIELD, NULL, journey_choose_field, JOURNEY_STAY, U },
	{ JOURNEY_DESK_SIGNIN, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_DESK_SIGNIN, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_DESK_SIGNIN, JOURNEY_EV_NEXT, journey_staff_ready, NULL, JOURNEY_STAY,
	    U | JOURNEY_STAFF_PIN },
	{ JOURNEY_DESK_SIGNIN, JOURNEY_EV_NEXT, NULL, journey_staff_next, JOURNEY_STAY, U },

	{ JOURNEY_DESK_READY, JOURNEY_EV_SCAN, NULL, journey_desk_take, JOURNEY_STAY,
	    R | JOURNEY_DESK_SCAN },
	{ JOURNEY_DESK_READY, JOURNEY_EV_CHAR, NULL, journey_type, JOURNEY_STAY, U },
	{ JOURNEY_DESK_READY, JOURNEY_EV_ERASE, NULL, journey_erase, JOURNEY_STAY, U },
	{ JOURNEY_DESK_READY, JOURNEY_EV_FIELD, NULL, NULL, JOURNEY_STAY, 0 },
	{ JOURNEY_DESK_READY, JOURNEY_EV_NEXT, NULL, journey_desk_take, JOURNEY_STAY,
	    R | JOURNEY_DESK_SCAN },
	{ JOURNEY_DESK_READY, JOURNEY_EV_BACK, journey_in_kiosk, journey_staff_menu,
	    JOURNEY_STAY, R },
	{ JOURNEY_DESK_READY, JOURNEY_EV_BACK, NULL, NULL, JOURNEY_STAY, R | JOURNEY_WIPE },

	{ JOURNEY_DESK_RESULT, JOURNEY_EV_SCAN, NULL, journey_desk_take, JOURNEY_STAY,
	    R | JOURNEY_DESK_SCAN },
	{ JOURNEY_DESK_RESULT, JOURNEY_EV_CHAR, NULL, journey_desk_type, JOURNEY_STAY, R },
	{ JOURNEY_DESK_RESULT, JOURNEY_EV_NEXT, NULL, journey_desk_ready, JOURNEY_STAY, R },
	{ JOURNEY_DESK_RESULT, JOURNEY_EV_BACK, NULL, journey_desk_ready, JOURNEY_STAY, R },

	{ JOURNEY_DESK_MEMBER, JOURNEY_EV_YES, NULL, NULL, JOURNEY_STAY, R | JOURNEY_VISIT },
	{ JOURNEY_DESK_MEMBER, JOURNEY_EV_SCAN, NULL, journey_desk_take, JOURNEY_STAY,
	    R | JOURNEY_DESK_SCAN },
	{ JOURNEY_DESK_MEMBER, JOURNEY_EV_CHAR, NULL, journey_desk_type, JOURNEY_STAY, R },
	{ JOURNEY_DESK_MEMBER, JOURNEY_EV_NEXT, NULL, journey_desk_ready, JOURNEY_STAY, R },
	{ JOURNEY_DESK_MEMBER, JOURNEY_EV_BACK, NULL, journey_desk_ready, JOURNEY_STAY, R },

	/* Every step: language, leaving, "I'm still here", keyboard focus. */
	{ JOURNEY_ANY, JOURNEY_EV_LANGUAGE, journey_valid_language, journey_set_language,
	    JOURNEY_STAY, R | JOURNEY_LANGUAGE },
	{ JOURNEY_ANY, JOURNEY_EV_CANCEL, NULL, NULL, JOURNEY_ATTRACT, R | JOURNEY_WIPE },
	{ JOURNEY_ANY, JOURNEY_EV_STILL_HERE, NULL, journey_extend, JOURNEY_STAY, R },
	{ JOURNEY_ANY, JOURNEY_EV_ACCESSIBLE, NULL, journey_set_accessible, JOURNEY_STAY, 0 },
};

#undef R
#undef U

/* ---- the machine -------------------------------------------------------------------------- */

struct journey *
journey_new(const struct shop *s, time_t now)
{
	struct journey	*j = util_secret_alloc(sizeof *j);

	j->shop = s;
	j->idle_timeout = s->config->idle_timeout;
	j->idle_warning = s->config->idle_warning < 20 ? 20 : s->config->idle_warning;
	if (strcmp(s->config->accessibility, "on") == 0) {
		struct journey_event on = { JOURNEY_EV_ACCESSIBLE, 1, NULL, now };
		journey_set_accessible(j, &on);
	}
	journey_reset(j, now);
	return j;
}

void
journey_free(struct journey *j)
{
	if (j == NULL)
		return;
	customer_enrolment_free(j->draft);
	util_secret_free(j);
}

void
journey_reset(struct journey *j, time_t now)
{
	const struct shop	*s = j->shop;
	const char		*art = j->art;
	int			 lang = j->lang, timeout = j->idle_timeout;
	int			 warning = j->idle_warning;
	bool			 staff = j->staff_mode, admin = j->admin, desk = j->desk;
	bool			 accessible = j->accessible;
	char			 name[sizeof j->staff];

	memcpy(name, j->staff, sizeof name);
	customer_enrolment_free(j->draft);
	sodium_memzero(j, sizeof *j);
	memcpy(j->staff, name, sizeof name);
	j->shop = s;
	j->art = art;
	j->lang = lang;
	j->idle_timeout = timeout;
	j->idle_warning = warning;
	j->staff_mode = staff;
	j->admin = admin;
	j->desk = desk;
	j->accessible = accessible;
	j->draft = customer_enrolment_new();
	snprintf(j->draft->profile->language, sizeof j->draft->profile->language, "%s",
	    s->config->languages[lang]);
	/* A desk starts at its sign-in; a signed-in desk stays ready for the next scan. */
	j->step = !desk ? JOURNEY_ATTRACT : staff ? JOURNEY_DESK_READY : JOURNEY_DESK_SIGNIN;
	j->field = desk && !staff ? JOURNEY_FIELD_NAME : JOURNEY_FIELD_CARD;
	if (desk && !staff && j->staff[0] != '\0') {
		/* --staff named the member of staff: only the PIN is asked. */
		util_copy(j->text[JOURNEY_FIELD_NAME], sizeof j->text[0], j->staff);
		j->field = JOURNEY_FIELD_PIN;
	}
	j->last_activity = now;
}

int
journey_countdown(const struct journey *j, time_t now)
{
	long	left;

	if (j->warning_since == 0)
		return -1;
	left = (long)j->idle_warning - (long)(now - j->warning_since);
	return left < 0 ? 0 : (int)left;
}

/* The clock: warn after the idle time, end the session when the warning runs out. */
static unsigned
journey_tick(struct journey *j, time_t now)
{
	if (j->step == JOURNEY_ATTRACT || j->step == JOURNEY_DESK_SIGNIN)
		return 0;
	/* The last screens of a session go back by themselves. */
	if ((j->step == JOURNEY_THANKS || j->step == JOURNEY_DELETED) &&
	    now - j->last_activity >= JOURNEY_FAREWELL) {
		journey_reset(j, now);
		return JOURNEY_REDRAW | JOURNEY_WIPE;
	}
	if (j->warning_since == 0) {
		if (now - j->last_activity < j->idle_timeout)
			return 0;
		j->warning_since = now;
		return JOURNEY_REDRAW;
	}
	if (now - j->warning_since < j->idle_warning)
		return JOURNEY_UPDATE;		/* the countdown */
	journey_reset(j, now);
	return JOURNEY_REDRAW | JOURNEY_WIPE;
}

unsigned
journey_handle(struct journey *j, const struct journey_event *ev)
{
	const struct journey_transition	*t;
	size_t				 i;

	if (ev->type == JOURNEY_EV_TICK)
		return journey_tick(j, ev->now);
	if (ev->type == JOURNEY_EV_FOCUS) {
		j->focus += ev->arg;
		j->last_activity = ev->now;
		return JOURNEY_UPDATE;
	}
	/* While the warning is up, any event is "I'm still here" (and speech or large text
	 * switched on then brings the long time limits with it). */
	if (j->warning_since != 0 && ev->type != JOURNEY_EV_STILL_HERE) {
		struct journey_event here = { JOURNEY_EV_STILL_HERE, 0, NULL, ev->now };
		if (ev->type == JOURNEY_EV_ACCESSIBLE)
			journey_set_accessible(j, ev);
		journey_extend(j, &here);
		return JOURNEY_REDRAW;
	}
	for (i = 0; i < sizeof journey_table / sizeof journey_table[0]; i++) {
		t = &journey_table[i];
		if ((t->from != j->step && t->from != JOURNEY_ANY) || t->event != ev->type)
			continue;
		if (t->guard != NULL && !t->guard(j, ev))
			continue;
		j->last_activity = ev->now;
		if (t->action != NULL)
			t->action(j, ev);
		if (t->to != JOURNEY_STAY)
			journey_go(j, t->to);
		if (t->effects & JOURNEY_WIPE)
			journey_reset(j, ev->now);
		return t->effects;
	}
	return 0;
}

unsigned
journey_done(struct journey *j, unsigned effect, bool ok, const char *message)
{
	if (!ok) {
		if (effect == JOURNEY_ENROLL)
			journey_go(j, JOURNEY_REVIEW);
		j->message = message;
		if (effect == JOURNEY_VERIFY_PIN || effect == JOURNEY_STAFF_PIN)
			sodium_memzero(j->text[JOURNEY_FIELD_PIN], sizeof j->text[0]);
		/* Refused an admin action: the store says this is not (or no longer) an admin. */
		if ((effect == JOURNEY_ADMIN_LOAD || effect == JOURNEY_ADMIN_ACT) && !j->admin) {
			journey_staff_menu(j, NULL);
			j->message = message;
		}
		return JOURNEY_REDRAW | JOURNEY_BELL;
	}
	j->message = message;
	switch (effect) {
	case JOURNEY_ENROLL:
		j->reward_shown = 0;
		sodium_memzero(j->text, sizeof j->text);
		sodium_memzero(j->draft->pin, sizeof j->draft->pin);
		journey_go(j, JOURNEY_REWARD);
		break;
	case JOURNEY_LOOKUP:
		if (j->step == JOURNEY_SIGNIN && j->scanned) {
			j->signed_in = true;
			journey_go(j, JOURNEY_MEMBER);
		} else if (j->step == JOURNEY_SIGNIN) {
			j->field = JOURNEY_FIELD_PIN;
			journey_go(j, JOURNEY_SIGNIN_PIN);
		}
		break;
	case JOURNEY_VERIFY_PIN:
		sodium_memzero(j->text, sizeof j->text);
		j->signed_in = true;
		journey_go(j, JOURNEY_MEMBER);
		break;
	case JOURNEY_STAFF_PIN:
		sodium_memzero(j->text, sizeof j->text);
		journey_go(j, j->desk ? JOURNEY_DESK_READY : JOURNEY_STAFF_MENU);
		j->field = JOURNEY_FIELD_NAME;
		break;
	case JOURNEY_DESK_SCAN:
		journey_go(j, j->signed_in ? JOURNEY_DESK_MEMBER : JOURNEY_DESK_RESULT);
		j->message = message;
		break;
	case JOURNEY_VISIT:
		j->message = message;
		break;
	case JOURNEY_ADMIN_ACT:
		/* An account added or removed: back to the list (app.c has read it again). */
		if (j->step == JOURNEY_ADMIN_STAFF_ADD || j->step == JOURNEY_ADMIN_STAFF_REMOVE) {
			journey_staff_list(j, NULL);
			j->message = message;
		}
		break;
	case JOURNEY_SAVE_PROFILE:
		journey_go(j, JOURNEY_MEMBER);
		j->message = message;
		break;
	case JOURNEY_ERASE:
		journey_go(j, JOURNEY_DELETED);
		break;
	default:
		break;
	}
	return JOURNEY_REDRAW;
}
