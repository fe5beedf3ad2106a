/*
 * fuzz_journey — the kiosk's state machine fed any sequence of events.
 *
 * The input is a session: its first byte makes it a kiosk or a desk (with or without a member
 * of staff named by --staff), then every few bytes are one event (its type, its argument or
 * text, and how many seconds passed), on the shipped config and catalogue.  The harness plays
 * app.c's part: each effect that touches the store is answered ok or not by the next byte,
 * with what app.c would set on success (a member signed in, a staff role, rewards, the staff
 * list), and app_handle's end of a session (no staff rights, the first language).
 *
 * Checked after every event, what journey.h promises:
 *   - the step, the field, the language, the purpose asked and the reward shown are in range,
 *     every text is terminated and a PIN field holds at most 12 digits;
 *   - a member's screens only with a member signed in, staff screens only for staff, admin
 *     screens only for an admin, and a desk only ever on the desk's screens;
 *   - the clock: after a tick, no session is past its idle time without the warning, nor
 *     past the warning's end;
 *   - an ended session (wiped, or timed out) keeps nothing: no answer, no text, no member, no
 *     rewards, no staff rights, on the first screen in the first language;
 *   - a draft the journey asks to save passes the enrolment check (minimisation included).
 *
 * FUZZ_TRACE=1 in the environment prints each event, its effects and the step it leads to:
 * build/fuzz/fuzz_journey FILE replays one input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "customer.h"
#include "fuzz.h"
#include "journey.h"
#include "shop.h"
#include "util.h"

#define FUZZ_JOURNEY_EVENTS	2000		/* a long session, well past any timeout */
#define FUZZ_JOURNEY_SCAN_MAX	100		/* a scanner burst, longer than a field */
#define FUZZ_JOURNEY_STAFF	"desk1"		/* the desk's --staff */

/* The effects app.c answers, in the order it performs them. */
static const unsigned fuzz_journey_effects[] = {
	JOURNEY_ENROLL, JOURNEY_LOOKUP, JOURNEY_VERIFY_PIN, JOURNEY_SAVE_CONSENT,
	JOURNEY_WITHDRAW_ALL, JOURNEY_SAVE_PROFILE, JOURNEY_ERASE, JOURNEY_PRINT,
	JOURNEY_STAFF_PIN, JOURNEY_DESK_SCAN, JOURNEY_VISIT, JOURNEY_ADMIN_LOAD, JOURNEY_ADMIN_ACT,
};

#define FUZZ_JOURNEY_ALL_EFFECTS	((unsigned)JOURNEY_ADMIN_ACT * 2 - 1)

/* The session the harness runs: the journey, and what app.c keeps beside it. */
struct fuzz_session {
	const struct shop	*shop;
	struct journey		*j;
	struct fuzz_input	 in;
	const char		*desk_staff;	/* --staff, or "" */
	time_t			 now;
};

static bool
fuzz_journey_member_step(enum journey_step s)
{
	return s == JOURNEY_MEMBER || s == JOURNEY_MY_REWARDS || s == JOURNEY_MY_INTERESTS ||
	    s == JOURNEY_MY_CONSENTS || s == JOURNEY_MY_DATA || s == JOURNEY_DELETE;
}

static bool
fuzz_journey_admin_step(enum journey_step s)
{
	return s == JOURNEY_ADMIN_PURGE || s == JOURNEY_ADMIN_STAFF ||
	    s == JOURNEY_ADMIN_STAFF_ADD || s == JOURNEY_ADMIN_STAFF_REMOVE ||
	    s == JOURNEY_ADMIN_DASHBOARD || s == JOURNEY_ADMIN_EXPORT || s == JOURNEY_ADMIN_REKEY;
}

static bool
fuzz_journey_desk_step(enum journey_step s)
{
	return s == JOURNEY_DESK_SIGNIN || s == JOURNEY_DESK_READY || s == JOURNEY_DESK_RESULT ||
	    s == JOURNEY_DESK_MEMBER;
}

/* Is the buffer all zero bytes? */
static bool
fuzz_journey_zero(const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* What holds after every event. */
static void
fuzz_journey_check(const struct fuzz_session *fs)
{
	const struct journey	*j = fs->j;
	const struct catalog	*cat = fs->shop->catalog;
	enum journey_step	 s = j->step;
	size_t			 i, n;

	FUZZ_CHECK(s < JOURNEY_NSTEPS, "step %d", s);
	FUZZ_CHECK(j->field >= JOURNEY_FIELD_EMAIL && j->field <= JOURNEY_FIELD_PIN2,
	    "field %d", j->field);
	FUZZ_CHECK(j->lang >= 0 && j->lang < fs->shop->config->nlanguages, "lang %d", j->lang);
	FUZZ_CHECK(j->draft != NULL && config_language(fs->shop->config,
	    j->draft->profile->language) >= 0, "the draft's language");
	if (s == JOURNEY_CONSENT || s == JOURNEY_NOTICE || s == JOURNEY_SENSITIVE)
		FUZZ_CHECK(j->consent_index >= 0 && (size_t)j->consent_index < cat->npurposes,
		    "purpose %d asked on %s", j->consent_index, journey_step_name(s));
	FUZZ_CHECK(j->reward_shown >= 0 && j->reward_shown < REWARD_MAX_ISSUED &&
	    j->rewards.n <= REWARD_MAX_ISSUED, "reward %d of %zu", j->reward_shown, j->rewards.n);
	for (i = 0; i < sizeof j->text / sizeof j->text[0]; i++)
		FUZZ_CHECK(memchr(j->text[i], '\0', sizeof j->text[i]) != NULL, "text %zu", i);
	for (i = JOURNEY_FIELD_PIN; i <= JOURNEY_FIELD_PIN2; i++) {
		n = strlen(j->text[i]);
		FUZZ_CHECK(n <= CUSTOMER_PIN_MAX && strspn(j->text[i], "0123456789") == n,
		    "PIN field %zu holds %zu characters", i, n);
	}
	FUZZ_CHECK(memchr(j->scanned_text, '\0', sizeof j->scanned_text) != NULL, "scanned");
	FUZZ_CHECK(j->extensions <= JOURNEY_EXTENSIONS * 10, "%d extensions", j->extensions);
	FUZZ_CHECK(j->last_activity <= fs->now && j->warning_since <= fs->now, "the future");

	FUZZ_CHECK(!fuzz_journey_member_step(s) || j->signed_in, "%s with nobody signed in",
	    journey_step_name(s));
	FUZZ_CHECK(!(s == JOURNEY_STAFF_MENU || s == JOURNEY_STAFF_REPRINT) || j->staff_mode,
	    "%s without staff", journey_step_name(s));
	FUZZ_CHECK(!fuzz_journey_admin_step(s) || (j->admin && j->staff_mode),
	    "%s without an admin", journey_step_name(s));
	FUZZ_CHECK(!(s == JOURNEY_DESK_READY || s == JOURNEY_DESK_RESULT ||
	    s == JOURNEY_DESK_MEMBER) || j->staff_mode, "%s without staff", journey_step_name(s));
	FUZZ_CHECK(!j->admin || j->staff_mode, "an admin who is not staff");
	if (j->desk)
		FUZZ_CHECK(fuzz_journey_desk_step(s), "a desk on %s", journey_step_name(s));
	else
		FUZZ_CHECK(s != JOURNEY_DESK_SIGNIN, "a kiosk on the desk's sign-in");
}

/* A session that has just ended holds nothing of the one before. */
static void
fuzz_journey_check_wiped(const struct fuzz_session *fs, const char *how)
{
	const struct journey		*j = fs->j;
	const struct customer_enrolment	*e = j->draft;
	const struct customer_profile	*p = e->profile;
	size_t				 i;

	FUZZ_CHECK(j->step == (j->desk ? JOURNEY_DESK_SIGNIN : JOURNEY_ATTRACT), "%s: on %s",
	    how, journey_step_name(j->step));
	FUZZ_CHECK(!j->signed_in && !j->staff_mode && !j->admin && j->lang == 0,
	    "%s: signed in %d, staff %d, admin %d, language %d", how, j->signed_in, j->staff_mode,
	    j->admin, j->lang);
	FUZZ_CHECK(*j->uid == '\0' && *j->receipt == '\0' && j->rewards.n == 0 &&
	    j->stamps == 0 && *j->scanned_text == '\0' &&
	    fuzz_journey_zero(&j->ticket, sizeof j->ticket) &&
	    j->dashboard == NULL && j->warning_since == 0 && !j->from_review && !j->scanned,
	    "%s: the member, the desk's last code or the warning survived", how);
	FUZZ_CHECK(fuzz_journey_zero(&j->figures, sizeof j->figures), "%s: the figures", how);
	FUZZ_CHECK(strcmp(j->staff, j->desk ? fs->desk_staff : "") == 0, "%s: staff '%s'", how,
	    j->staff);
	for (i = 0; i < sizeof j->text / sizeof j->text[0]; i++) {
		if (i == JOURNEY_FIELD_NAME && j->desk)
			FUZZ_CHECK(strcmp(j->text[i], fs->desk_staff) == 0, "%s: the desk's name", how);
		else
			FUZZ_CHECK(fuzz_journey_zero(j->text[i], sizeof j->text[i]),
			    "%s: text %zu survived", how, i);
	}
	FUZZ_CHECK(*p->name == '\0' && *p->email == '\0' && *p->phone == '\0' &&
	    *p->card == '\0' && *p->pin_hash == '\0' && *e->pin == '\0' && *e->staff == '\0',
	    "%s: a contact field or a PIN survived", how);
	FUZZ_CHECK(fuzz_journey_zero(p->interests, sizeof p->interests) &&
	    fuzz_journey_zero(e->incentives, sizeof e->incentives) &&
	    fuzz_journey_zero(j->answered, sizeof j->answered), "%s: answers survived", how);
	for (i = 0; i < CUSTOMER_MAX_CHANNELS; i++)
		FUZZ_CHECK(p->channels[i] == CUSTOMER_NO_CHANNEL, "%s: channel %zu survived", how, i);
	for (i = 0; i < CUSTOMER_MAX_PURPOSES; i++)
		FUZZ_CHECK(e->consents[i] == CONSENT_REFUSED, "%s: purpose %zu survived", how, i);
}

/* The clock after a tick: a session is warned after its idle time and ends with the warning. */
static void
fuzz_journey_check_clock(const struct fuzz_session *fs)
{
	const struct journey	*j = fs->j;

	if (j->step == JOURNEY_ATTRACT || j->step == JOURNEY_DESK_SIGNIN)
		return;
	if (j->warning_since == 0)
		FUZZ_CHECK(fs->now - j->last_activity < j->idle_timeout,
		    "%lld s idle on %s without a warning", (long long)(fs->now - j->last_activity),
		    journey_step_name(j->step));
	else
		FUZZ_CHECK(fs->now - j->warning_since < j->idle_warning,
		    "a warning %lld s old on %s", (long long)(fs->now - j->warning_since),
		    journey_step_name(j->step));
}

/* The draft the journey asks app.c to save, as app.c completes it. */
static void
fuzz_journey_check_enrol(const struct fuzz_session *fs)
{
	struct journey	*j = fs->j;
	char		*cause = NULL;
	size_t		 n = strlen(j->draft->pin);

	FUZZ_CHECK(j->step == JOURNEY_PIN, "saved from %s", journey_step_name(j->step));
	j->draft->method = j->staff_mode ? CONSENT_ASSISTED : CONSENT_KIOSK;
	util_copy(j->draft->staff, sizeof j->draft->staff, j->staff_mode ? j->staff : "");
	FUZZ_CHECK(customer_enrolment_check(fs->shop, j->draft, &cause) == CUSTOMER_OK,
	    "the draft to save is refused: %s", cause);
	FUZZ_CHECK(n == 0 || (n >= 4 && n <= CUSTOMER_PIN_MAX), "a PIN of %zu digits", n);
	FUZZ_CHECK(j->new_card ? *j->draft->profile->card == '\0' :
	    *j->draft->profile->card != '\0', "the card: new %d, given '%s'", j->new_card,
	    j->draft->profile->card);
}

/* app.c's answer to one effect: ok or not from the input, with what it sets on success. */
static unsigned
fuzz_journey_perform(struct fuzz_session *fs, unsigned effect)
{
	struct journey	*j = fs->j;
	unsigned	 o = fuzz_byte(&fs->in);
	bool		 ok = o & 1;
	int		 i;

	switch (effect) {
	case JOURNEY_ENROLL:
		fuzz_journey_check_enrol(fs);
		if (ok) {
			j->rewards.n = (o >> 1) % (REWARD_MAX_ISSUED + 1);
			j->signed_in = true;
		}
		return journey_done(j, effect, ok, ok ? NULL : "refused");
	case JOURNEY_LOOKUP:
	case JOURNEY_VERIFY_PIN:
		if (ok)
			j->rewards.n = (o >> 1) % (REWARD_MAX_ISSUED + 1);
		return journey_done(j, effect, ok, ok ? NULL : "not found");
	case JOURNEY_SAVE_CONSENT:
	case JOURNEY_WITHDRAW_ALL:
		FUZZ_CHECK(effect == JOURNEY_WITHDRAW_ALL || (j->consent_index >= 0 &&
		    (size_t)j->consent_index < fs->shop->catalog->npurposes),
		    "saving purpose %d", j->consent_index);
		return journey_done(j, JOURNEY_SAVE_CONSENT, ok, ok ? NULL : "not saved");
	case JOURNEY_PRINT:
		j->message = ok ? "printed" : "no printer";
		return JOURNEY_UPDATE;
	case JOURNEY_STAFF_PIN:
		if (ok) {
			j->staff_mode = true;
			j->admin = (o & 2) != 0;
			util_copy(j->staff, sizeof j->staff, j->text[JOURNEY_FIELD_NAME]);
		}
		return journey_done(j, effect, ok, ok ? NULL : "wrong PIN");
	case JOURNEY_DESK_SCAN:
		j->signed_in = false;
		j->uid[0] = '\0';
		if (ok && (o & 2)) {		/* a member's card */
			sodium_memzero(j->scanned_text, sizeof j->scanned_text);
			j->rewards.n = (o >> 2) % (REWARD_MAX_ISSUED + 1);
			j->signed_in = true;
		}
		return journey_done(j, effect, true, ok ? NULL : "not genuine");
	case JOURNEY_VISIT:
		return journey_done(j, effect, true, ok ? "stamped" : "not stamped");
	case JOURNEY_ADMIN_LOAD:
	case JOURNEY_ADMIN_ACT:
		if (!ok) {		/* denied by the store, or failed */
			if ((o & 2) == 0)
				j->admin = false;
			return journey_done(j, effect, false, j->admin ? "failed" : "denied");
		}
		if (j->step == JOURNEY_ADMIN_STAFF || (effect == JOURNEY_ADMIN_ACT &&
		    (j->step == JOURNEY_ADMIN_STAFF_ADD || j->step == JOURNEY_ADMIN_STAFF_REMOVE))) {
			j->figures.nstaff = (int)((o >> 1) % (JOURNEY_STAFF_MAX + 1));
			for (i = 0; i < j->figures.nstaff; i++)
				snprintf(j->figures.staff[i].name, sizeof j->figures.staff[i].name,
				    "staff%d", i);
		}
		if (effect == JOURNEY_ADMIN_ACT && (j->step == JOURNEY_ADMIN_PURGE ||
		    j->step == JOURNEY_ADMIN_REKEY))
			j->figures.done = true;
		return journey_done(j, effect, true, NULL);
	default:		/* saved, erased: the journey moves on */
		return journey_done(j, effect, ok, ok ? NULL : "failed");
	}
}

/* app_handle: the journey's effects, leaving the kiosk, the end of a session. */
static unsigned
fuzz_journey_handle(struct fuzz_session *fs, const struct journey_event *ev)
{
	struct journey	*j = fs->j;
	unsigned	 effects = journey_handle(j, ev), out;
	size_t		 i;

	FUZZ_CHECK((effects & ~FUZZ_JOURNEY_ALL_EFFECTS) == 0, "effects %#x", effects);
	out = effects & (JOURNEY_REDRAW | JOURNEY_UPDATE | JOURNEY_BELL | JOURNEY_QUIT |
	    JOURNEY_LANGUAGE);
	for (i = 0; i < sizeof fuzz_journey_effects / sizeof fuzz_journey_effects[0]; i++)
		if (effects & fuzz_journey_effects[i])
			out |= fuzz_journey_perform(fs, fuzz_journey_effects[i]);
	if (effects & JOURNEY_QUIT) {
		FUZZ_CHECK(j->admin, "a kiosk left by someone who is not an admin");
		if ((fuzz_byte(&fs->in) & 1) == 0) {	/* denied by the store */
			j->admin = false;
			out |= journey_done(j, JOURNEY_ADMIN_ACT, false, "denied");
		}
	}
	if (effects & JOURNEY_WIPE) {
		j->staff_mode = false;
		j->admin = false;
		j->dashboard = NULL;
		sodium_memzero(j->staff, sizeof j->staff);
		if (j->desk) {
			util_copy(j->staff, sizeof j->staff, fs->desk_staff);
			journey_reset(j, ev->now);
		}
		if (j->lang != 0) {
			j->lang = 0;
			util_copy(j->draft->profile->language, sizeof j->draft->profile->language,
			    fs->shop->config->languages[0]);
		}
	}
	return effects | out;
}

/* One event from the input. */
static void
fuzz_journey_event(struct fuzz_session *fs, struct journey_event *ev, char *text)
{
	static const int	focus[] = { 1, -1, 5, -5 };
	unsigned		b = fuzz_byte(&fs->in), d = fuzz_byte(&fs->in), a, i;

	memset(ev, 0, sizeof *ev);
	ev->type = (enum journey_event_type)(b % JOURNEY_EV_NTYPES);
	/* Mostly a few seconds; sometimes long enough for the idle warning and its end. */
	fs->now += d < 0xc0 ? d % 8 : (time_t)(d - 0xc0) * 20;
	ev->now = fs->now;
	a = fuzz_byte(&fs->in);
	switch (ev->type) {
	case JOURNEY_EV_CHAR:		/* a code point: ASCII, or up to 23 bits */
		ev->arg = a < 0x80 ? (int)a : (int)((a & 0x7f) << 16 | fuzz_byte(&fs->in) << 8 |
		    fuzz_byte(&fs->in));
		break;
	case JOURNEY_EV_FOCUS:		/* the key table's steps */
		ev->arg = focus[a & 3];
		break;
	case JOURNEY_EV_SCAN:		/* a bytes of text */
		for (i = 0; i < a && i < FUZZ_JOURNEY_SCAN_MAX && fs->in.n > 0; i++)
			text[i] = (char)fuzz_byte(&fs->in);
		text[i] = '\0';
		ev->text = text;
		break;
	default:
		ev->arg = (signed char)a;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_session	fs;
	struct journey_event	ev;
	char			text[FUZZ_JOURNEY_SCAN_MAX + 1];
	static int		trace = -1;
	unsigned		mode, effects;
	int			n;

	if (trace < 0)
		trace = getenv("FUZZ_TRACE") != NULL;
	memset(&fs, 0, sizeof fs);
	fs.shop = fuzz_shop_catalog();
	fs.in.p = data;
	fs.in.n = size;
	fs.now = 1772366400;
	mode = fuzz_byte(&fs.in);
	fs.desk_staff = (mode & 3) == 3 ? FUZZ_JOURNEY_STAFF : "";
	fs.j = journey_new(fs.shop, fs.now);
	if (mode & 1) {			/* app_new_desk */
		fs.j->desk = true;
		util_copy(fs.j->staff, sizeof fs.j->staff, fs.desk_staff);
		journey_reset(fs.j, fs.now);
	}
	fuzz_journey_check(&fs);
	for (n = 0; n < FUZZ_JOURNEY_EVENTS && fs.in.n > 0; n++) {
		fuzz_journey_event(&fs, &ev, text);
		effects = fuzz_journey_handle(&fs, &ev);
		if (trace)
			fprintf(stderr, "t+%lld %d(%d%s%s) -> %#x %s\n",
			    (long long)(ev.now - 1772366400), ev.type, ev.arg,
			    ev.text != NULL ? " " : "", ev.text != NULL ? ev.text : "", effects,
			    journey_step_name(fs.j->step));
		fuzz_journey_check(&fs);
		if (effects & JOURNEY_WIPE)
			fuzz_journey_check_wiped(&fs, ev.type == JOURNEY_EV_TICK ? "timed out" :
			    "ended");
		if (ev.type == JOURNEY_EV_TICK)
			fuzz_journey_check_clock(&fs);
	}
	journey_free(fs.j);
	return 0;
}
