/*
 * app — the effects of the journey, performed on the store.
 *
 * Each effect calls the same functions the command line uses (customer_enroll, customer_consent,
 * customer_erase, slip_build ...) and reports back to the journey with journey_done: ok, or a
 * message id for the screen.  The admin dashboard's figures are kept here, pointed to by the
 * journey, and freed when the session ends.  Reasons from the modules are English sentences with details for
 * logs; the customer sees a short translated message instead, and personal data never appears
 * in either.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "app.h"
#include "audit.h"
#include "export.h"
#include "rekey.h"
#include "i18n.h"
#include "slip.h"
#include "staff.h"
#include "sync.h"
#include "util.h"

struct app {
	struct shop	*shop;
	struct journey	*journey;
	char		 desk_staff[33];	/* the desk's one member of staff (--staff), or "" */
	char		 till[48];		/* where the desk redeems: "desk <terminal>" */
	char		*art;		/* <assets>/art/attract.txt, when there is one */
	struct dashboard *dashboard;	/* the admin's figures, while the session shows them */
	struct fleet	*fleet;		/* the hub that decides redemptions, or NULL */
	struct sync_worker *sync;	/* the background sync with it, or NULL */
};

#define APP_ART_MAX	4096

/* Reasons are for logs, and may name a field: never shown, always wiped. */
static void
app_forget(char **cause)
{
	if (*cause == NULL)
		return;
	sodium_memzero(*cause, strlen(*cause));
	free(*cause);
	*cause = NULL;
}

/* The attract screen's picture: a text file of the assets, optional. */
static char *
app_art(const struct shop *s)
{
	char	*path = util_xprintf("%s/art/attract.txt", s->config->assets_dir), *art = NULL;
	FILE	*f = fopen(path, "r");
	size_t	 n;

	free(path);
	if (f == NULL)
		return NULL;
	art = util_xmalloc(APP_ART_MAX);
	n = fread(art, 1, APP_ART_MAX - 1, f);
	art[n] = '\0';
	fclose(f);
	return art;
}

/*
 * In a fleet, the hub decides the desk's redemptions, and a thread syncs with it in the
 * background.  A thread that cannot start (no memory to lock the keys' copy) leaves the kiosk
 * working alone: `prefkiosk sync` still syncs it.
 */
static void
app_fleet(struct app *a)
{
	const char	*conninfo = sync_conninfo(a->shop, NULL);
	char		*cause = NULL;

	if ((a->fleet = fleet_open(a->shop, conninfo)) == NULL)
		return;
	a->sync = sync_worker_start(a->shop, store_path(a->shop->store), conninfo,
	    a->shop->config->hub_interval, &cause);
	app_forget(&cause);
}

struct app *
app_new(struct shop *s, time_t now)
{
	struct app	*a = util_xcalloc(1, sizeof *a);

	a->shop = s;
	a->art = app_art(s);
	a->journey = journey_new(s, now);
	a->journey->art = a->art;
	snprintf(a->till, sizeof a->till, "kiosk %d", s->config->terminal_id);
	app_fleet(a);
	return a;
}

struct app *
app_new_desk(struct shop *s, time_t now, const char *staff)
{
	struct app	*a = app_new(s, now);

	util_copy(a->desk_staff, sizeof a->desk_staff, staff);
	snprintf(a->till, sizeof a->till, "desk %d", s->config->terminal_id);
	a->journey->desk = true;
	util_copy(a->journey->staff, sizeof a->journey->staff, a->desk_staff);
	journey_reset(a->journey, now);
	return a;
}

void
app_free(struct app *a)
{
	if (a == NULL)
		return;
	sync_worker_stop(a->sync);
	fleet_close(a->fleet);
	journey_free(a->journey);
	free(a->art);
	free(a->dashboard);
	free(a);
}

const struct journey *
app_journey(const struct app *a)
{
	return a->journey;
}

const struct shop *
app_shop(const struct app *a)
{
	return a->shop;
}

/* The member's current consents into the draft, as the screens show them. */
static int
app_load_consents(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	struct consent_current	 cur;
	size_t			 i;

	for (i = 0; i < a->shop->catalog->npurposes; i++) {
		if (consent_current(a->shop, j->uid, (int)i, &cur, cause) != 0)
			return -1;
		j->draft->consents[i] = consent_is_current(a->shop, &cur, (int)i, now) ?
		    CONSENT_GIVEN : cur.state == CONSENT_GIVEN ? CONSENT_EXPIRED : cur.state;
	}
	return 0;
}

/* The member's rewards still to redeem into j->rewards, and their stamp card. */
static int
app_load_rewards(struct app *a, time_t now, char **cause)
{
	struct journey	*j = a->journey;

	return reward_outstanding(a->shop, j->uid, now, &j->rewards, &j->stamps,
	    &j->stamps_every, cause);
}

/* Open the member j->uid into the draft: profile, consents, rewards. */
static int
app_load_member(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	struct customer_profile	*p = NULL;

	if (customer_load(a->shop, j->uid, &p, cause) != CUSTOMER_OK)
		return -1;
	customer_profile_free(j->draft->profile);
	j->draft->profile = p;
	return app_load_consents(a, now, cause) == 0 && app_load_rewards(a, now, cause) == 0 ?
	    0 : -1;
}

static unsigned
app_enroll(struct app *a, time_t now, char **cause)
{
	struct journey	*j = a->journey;
	int		 rc;

	j->draft->method = j->staff_mode ? CONSENT_ASSISTED : CONSENT_KIOSK;
	util_copy(j->draft->staff, sizeof j->draft->staff, j->staff_mode ? j->staff : "");
	rc = customer_enroll(a->shop, j->draft, now, j->uid, j->receipt, cause);
	/* The member is enrolled once that commits: a record of the staff member's help that
	 * cannot be written (a full disk) is lost, as after a crash, but the sign-up stands and
	 * must not be offered again as "nothing was saved". */
	if (rc == CUSTOMER_OK && j->staff_mode)
		(void)audit_record(a->shop, now, j->staff, "assisted_sign_up", j->uid, cause);
	if (rc == CUSTOMER_INVALID)
		return journey_done(j, JOURNEY_ENROLL, false, N_("This card, phone number or "
		    "e-mail address belongs to a member already: please change it or sign in"));
	/* The answers stay on the review screen, to try again once there is room. */
	if (rc != CUSTOMER_OK && store_disk_full(a->shop->store))
		return journey_done(j, JOURNEY_ENROLL, false, N_("Sorry, this kiosk's storage is "
		    "full and nothing was saved. Please ask a member of staff."));
	if (rc != CUSTOMER_OK)
		return journey_done(j, JOURNEY_ENROLL, false, N_("Sorry, something went wrong and "
		    "nothing was saved. Please ask a member of staff."));
	j->rewards = j->draft->rewards;
	j->signed_in = true;
	return journey_done(j, JOURNEY_ENROLL, true, NULL);
}

static unsigned
app_lookup(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	struct customer_profile	*p = NULL;
	enum contact_field	 f = j->field == JOURNEY_FIELD_PHONE ? CONTACT_PHONE : CONTACT_CARD;
	int			 rc;

	if (j->step == JOURNEY_MY_INTERESTS || j->step == JOURNEY_MEMBER) {
		/* Back from editing: the saved profile again. */
		rc = app_load_member(a, now, cause);
		return journey_done(j, JOURNEY_LOOKUP, rc == 0, rc == 0 ? NULL :
		    N_("Sorry, your data could not be read. Please ask a member of staff."));
	}
	rc = customer_lookup(a->shop, f, j->text[j->field], j->uid, &p, cause);
	if (rc == CUSTOMER_NOT_FOUND || rc == CUSTOMER_INVALID)
		return journey_done(j, JOURNEY_LOOKUP, false, f == CONTACT_CARD ?
		    N_("We could not find this card") : N_("We could not find this phone number"));
	if (rc != CUSTOMER_OK)
		return journey_done(j, JOURNEY_LOOKUP, false,
		    N_("Sorry, your data could not be read. Please ask a member of staff."));
	customer_profile_free(j->draft->profile);
	j->draft->profile = p;
	if (j->scanned && app_load_member(a, now, cause) != 0)
		return journey_done(j, JOURNEY_LOOKUP, false,
		    N_("Sorry, your data could not be read. Please ask a member of staff."));
	return journey_done(j, JOURNEY_LOOKUP, true, NULL);
}

static unsigned
app_verify_pin(struct app *a, time_t now, char **cause)
{
	struct journey	*j = a->journey;
	time_t		 until;
	int		 rc;

	rc = customer_pin_check(a->shop, j->uid, j->draft->profile, j->text[JOURNEY_FIELD_PIN],
	    now, a->shop->config->staff_max_failures, a->shop->config->staff_lockout_minutes,
	    &until, cause);
	switch (rc) {
	case CUSTOMER_PIN_OK:
		if (app_load_member(a, now, cause) != 0)
			return journey_done(j, JOURNEY_VERIFY_PIN, false,
			    N_("Sorry, your data could not be read. Please ask a member of staff."));
		return journey_done(j, JOURNEY_VERIFY_PIN, true, NULL);
	case CUSTOMER_PIN_WRONG:
		return journey_done(j, JOURNEY_VERIFY_PIN, false, N_("Wrong PIN"));
	case CUSTOMER_PIN_LOCKED:
		journey_done(j, JOURNEY_VERIFY_PIN, false,
		    N_("This member is locked for %d minutes"));
		j->message_arg = a->shop->config->staff_lockout_minutes;
		return JOURNEY_REDRAW | JOURNEY_BELL;
	case CUSTOMER_PIN_NONE:
		return journey_done(j, JOURNEY_VERIFY_PIN, false,
		    N_("This member has no PIN: please scan your card"));
	default:
		return journey_done(j, JOURNEY_VERIFY_PIN, false,
		    N_("Sorry, something went wrong. Please ask a member of staff."));
	}
}

/* Flip the consent of purpose consent_index: given becomes withdrawn, anything else given. */
static unsigned
app_consent(struct app *a, int purpose, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	enum consent_state	 to;
	char			 receipt[CONSENT_ID_LEN + 1];
	size_t			 i;
	int			 rc;

	to = purpose >= 0 && j->draft->consents[purpose] != CONSENT_GIVEN ? CONSENT_GIVEN :
	    CONSENT_WITHDRAWN;
	rc = customer_consent(a->shop, j->uid, purpose, to, CONSENT_KIOSK, NULL, j->lang, now,
	    receipt, cause);
	if (rc != CUSTOMER_OK)
		return journey_done(j, JOURNEY_SAVE_CONSENT, false,
		    N_("Sorry, your choice could not be saved. Please try again."));
	util_copy(j->receipt, sizeof j->receipt, receipt);
	for (i = 0; i < a->shop->catalog->npurposes; i++)
		if (purpose < 0 ? j->draft->consents[i] == CONSENT_GIVEN : (int)i == purpose)
			j->draft->consents[i] = to;
	return journey_done(j, JOURNEY_SAVE_CONSENT, true, purpose < 0 ?
	    N_("All consents withdrawn. Your receipt is on the screen.") : NULL);
}

static unsigned
app_save_profile(struct app *a, time_t now, char **cause)
{
	struct journey	*j = a->journey;
	int		 rc;

	j->draft->pin[0] = '\0';		/* the PIN is kept as it is */
	rc = customer_update(a->shop, j->uid, j->draft, now, cause);
	if (rc != CUSTOMER_OK)
		return journey_done(j, JOURNEY_SAVE_PROFILE, false,
		    N_("Sorry, your interests could not be saved. Please try again."));
	if (app_load_rewards(a, now, cause) != 0)
		return journey_done(j, JOURNEY_SAVE_PROFILE, false,
		    N_("Sorry, your data could not be read. Please ask a member of staff."));
	return journey_done(j, JOURNEY_SAVE_PROFILE, true, N_("Your interests are saved"));
}

static unsigned
app_erase(struct app *a, time_t now, char **cause)
{
	struct journey	*j = a->journey;

	if (customer_erase(a->shop, j->uid, CONSENT_KIOSK, now, cause) != CUSTOMER_OK)
		return journey_done(j, JOURNEY_ERASE, false,
		    N_("Sorry, your data could not be deleted. Please ask a member of staff."));
	return journey_done(j, JOURNEY_ERASE, true, NULL);
}

/* Print the reward on screen (its slip); the reward stays valid whatever the printer does. */
static unsigned
app_print(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	struct reward_ticket	 t;
	struct escpos_buf	 b = { NULL, 0, 0 };
	int			 rc = -1;

	if (j->step == JOURNEY_STAFF_MENU) {
		/* A test receipt: what this terminal is and when, nothing about anyone. */
		char		 when[21], terminal[64], printer[128];
		const char	*lines[3] = { when, terminal, printer };
		util_iso8601(now, when);
		snprintf(terminal, sizeof terminal, "%s %d", _("Terminal"),
		    a->shop->config->terminal_id);
		snprintf(printer, sizeof printer, "%s: %s", _("Printer"),
		    a->shop->config->printer_transport);
		escpos_document(a->shop->config->store_name, lines, 3, &b);
		rc = slip_print(a->shop, &b, cause);
	} else if (j->step == JOURNEY_STAFF_REPRINT) {
		/* A code's slip again, for staff: only a reward that can still be redeemed. */
		char	 target[64];
		rc = slip_build(a->shop, j->scanned_text, now, &t, &b, cause);
		sodium_memzero(j->scanned_text, sizeof j->scanned_text);
		if (rc == 0 && t.status != REWARD_VALID) {
			j->message = N_("This code cannot be printed: it is not a reward that can "
			    "still be redeemed");
			escpos_buf_clear(&b);
			return JOURNEY_UPDATE | JOURNEY_BELL;
		}
		if (rc == 0)
			rc = slip_print(a->shop, &b, cause);
		snprintf(target, sizeof target, "reward %u:%llu", t.payload.terminal,
		    (unsigned long long)t.payload.serial);
		if (rc == 0 && audit_record(a->shop, now, j->staff, "reprint", target, cause) != 0)
			rc = -1;
	} else if (j->step == JOURNEY_MY_DATA) {
		slip_member(a->shop, j->draft->profile, j->draft->consents, j->rewards.n, j->lang,
		    &b);
		rc = slip_print(a->shop, &b, cause);
		sodium_memzero(b.data, b.len);
	} else if ((size_t)j->reward_shown < j->rewards.n &&
	    slip_build(a->shop, j->rewards.v[j->reward_shown].code, now, &t, &b, cause) == 0 &&
	    t.status == REWARD_VALID)
		rc = slip_print(a->shop, &b, cause);
	escpos_buf_clear(&b);
	j->message = rc == 0 ? N_("Printed: please take your slip") :
	    N_("The printer is not available. Your code stays valid: show it on this screen.");
	return JOURNEY_UPDATE | (rc == 0 ? 0 : JOURNEY_BELL);
}

static unsigned
app_staff(struct app *a, time_t now, char **cause)
{
	struct journey	*j = a->journey;
	enum staff_role	 role;
	time_t		 until;
	int		 rc;

	rc = staff_verify(a->shop->store, a->shop->vault, j->text[JOURNEY_FIELD_NAME],
	    j->text[JOURNEY_FIELD_PIN], now, a->shop->config->staff_max_failures,
	    a->shop->config->staff_lockout_minutes, &role, &until, cause);
	if ((rc == STAFF_OK || rc == STAFF_WRONG_PIN || rc == STAFF_LOCKED) &&
	    audit_record(a->shop, now, j->text[JOURNEY_FIELD_NAME], rc == STAFF_OK ? "sign_in" :
	    "wrong_pin", "kiosk", cause) != 0)
		return journey_done(j, JOURNEY_STAFF_PIN, false,
		    N_("Sorry, something went wrong. Please ask a member of staff."));
	if (rc == STAFF_LOCKED) {
		journey_done(j, JOURNEY_STAFF_PIN, false,
		    N_("This staff account is locked for %d minutes"));
		j->message_arg = a->shop->config->staff_lockout_minutes;
		return JOURNEY_REDRAW | JOURNEY_BELL;
	}
	if (rc != STAFF_OK)
		return journey_done(j, JOURNEY_STAFF_PIN, false, N_("Wrong name or PIN"));
	j->staff_mode = true;
	j->admin = role == STAFF_ROLE_ADMIN;
	util_copy(j->staff, sizeof j->staff, j->text[JOURNEY_FIELD_NAME]);
	return journey_done(j, JOURNEY_STAFF_PIN, true, NULL);
}

/* A code or a card at the desk: a code is redeemed at once; a card opens its member. */
static unsigned
app_desk_scan(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	struct customer_profile	*p = NULL;
	struct code_payload	 payload;
	int			 rc;

	j->signed_in = false;
	j->uid[0] = '\0';
	if (code_decode(j->scanned_text, &payload, NULL) != CODE_MALFORMED) {
		if ((a->fleet != NULL ? fleet_redeem(a->fleet, j->scanned_text, a->till,
		    j->staff, now, &j->ticket, cause) : reward_redeem(a->shop, j->scanned_text,
		    a->till, j->staff, now, &j->ticket, cause)) != 0)
			return journey_done(j, JOURNEY_DESK_SCAN, true,
			    N_("The store could not be reached: nothing was redeemed. Try again."))
			    | JOURNEY_BELL;
		return journey_done(j, JOURNEY_DESK_SCAN, true, NULL) |
		    (j->ticket.status == REWARD_REDEEMED ? 0 : JOURNEY_BELL);
	}
	/* Not a code: a member card (or, typed by staff, a phone number or e-mail address). */
	rc = customer_lookup(a->shop, CONTACT_CARD, j->scanned_text, j->uid, &p, cause);
	if (rc == CUSTOMER_NOT_FOUND || rc == CUSTOMER_INVALID) {
		app_forget(cause);
		rc = customer_lookup(a->shop, strchr(j->scanned_text, '@') != NULL ?
		    CONTACT_EMAIL : CONTACT_PHONE, j->scanned_text, j->uid, &p, cause);
	}
	sodium_memzero(j->scanned_text, sizeof j->scanned_text);
	if (rc != CUSTOMER_OK) {
		memset(&j->ticket, 0, sizeof j->ticket);
		j->ticket.status = REWARD_INVALID;
		j->ticket.code_status = CODE_MALFORMED;
		return journey_done(j, JOURNEY_DESK_SCAN, true, rc == CUSTOMER_NOT_FOUND ||
		    rc == CUSTOMER_INVALID ? N_("Neither a reward code nor a member card") :
		    N_("Sorry, this member's data could not be read.")) | JOURNEY_BELL;
	}
	customer_profile_free(j->draft->profile);
	j->draft->profile = p;
	if (app_load_rewards(a, now, cause) != 0)
		return journey_done(j, JOURNEY_DESK_SCAN, true,
		    N_("Sorry, this member's data could not be read.")) | JOURNEY_BELL;
	j->signed_in = true;
	return journey_done(j, JOURNEY_DESK_SCAN, true, NULL);
}

/* Stamp the desk member's visit; a stamp reward that falls due is shown. */
static unsigned
app_visit(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	struct reward_list	 issued = { .n = 0 };
	long			 count;

	if (reward_visit(a->shop, j->uid, j->staff, now, &count, &issued, cause) != 0)
		return journey_done(j, JOURNEY_VISIT, true,
		    N_("The visit could not be stamped. Try again.")) | JOURNEY_BELL;
	if (app_load_rewards(a, now, cause) != 0)
		return journey_done(j, JOURNEY_VISIT, true,
		    N_("Sorry, this member's data could not be read.")) | JOURNEY_BELL;
	return journey_done(j, JOURNEY_VISIT, true, issued.n > 0 ?
	    N_("Visit stamped: a stamp reward is due, hand it over") : N_("Visit stamped"));
}

/* ---- admin: every action asks the store, not the screen, whether this is an admin ---- */

/*
 * May the signed-in member of staff do an admin action now?  The role is read from the store at
 * this moment (staff_role_now): a staff PIN, or an admin removed, demoted or locked since they
 * signed in, gets nothing, whatever the journey believes.  A refusal is recorded ("denied",
 * with the action as its target) and ends the journey's admin rights.
 */
static bool
app_admin_allowed(struct app *a, time_t now, const char *action, char **cause)
{
	struct journey		*j = a->journey;
	enum staff_role		 role = STAFF_ROLE_STAFF;
	enum staff_result	 rc = STAFF_NOT_FOUND;

	if (j->staff_mode && j->staff[0] != '\0')
		rc = staff_role_now(a->shop->store, j->staff, now, &role, cause);
	if (rc == STAFF_OK && role == STAFF_ROLE_ADMIN)
		return true;
	j->admin = false;
	(void)audit_record(a->shop, now, j->staff[0] != '\0' ? j->staff : NULL, "denied", action,
	    cause);
	return false;
}

/* A purge's figures (admin_purge's JSON) into the admin screen's. */
static void
app_purge_figures(struct journey *j, json_t *o)
{
	j->figures.members_erased = (long)json_integer_value(json_object_get(o,
	    "members_erased"));
	j->figures.consents_expired = (long)json_integer_value(json_object_get(o,
	    "consents_expired"));
	j->figures.rewards_expired = (long)json_integer_value(json_object_get(o,
	    "rewards_expired"));
}

static int
app_staff_add_info(const struct staff_info *si, void *arg)
{
	struct journey_admin	*f = arg;

	if (f->nstaff == JOURNEY_STAFF_MAX)
		return 1;
	f->staff[f->nstaff++] = *si;
	return 0;
}

/* The accounts, again. */
static int
app_staff_list(struct app *a, char **cause)
{
	struct journey_admin	*f = &a->journey->figures;

	f->nstaff = 0;
	return staff_list(a->shop->store, app_staff_add_info, f, cause) == STAFF_OK ? 0 : -1;
}

static const char app_denied[] = N_("Only an admin can do this");
static const char app_failed[] = N_("Sorry, something went wrong. Please try again.");

/* What an admin step shows: the purge's preview, the staff accounts, the dashboard. */
static unsigned
app_admin_load(struct app *a, time_t now, char **cause)
{
	struct journey	*j = a->journey;
	json_t		*o;

	switch (j->step) {
	case JOURNEY_ADMIN_PURGE:
		if (!app_admin_allowed(a, now, "purge_preview", cause))
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_denied);
		if ((o = admin_purge(a->shop, now, true, j->staff, cause)) == NULL)
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_failed);
		app_purge_figures(j, o);
		json_decref(o);
		break;
	case JOURNEY_ADMIN_STAFF:
		if (!app_admin_allowed(a, now, "staff_list", cause))
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_denied);
		if (app_staff_list(a, cause) != 0)
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_failed);
		break;
	case JOURNEY_ADMIN_EXPORT:
		if (!app_admin_allowed(a, now, "export_preview", cause))
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_denied);
		if ((j->figures.members = customer_count(a->shop, cause)) < 0)
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_failed);
		break;
	case JOURNEY_ADMIN_REKEY:
		if (!app_admin_allowed(a, now, "rekey_preview", cause))
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_denied);
		if ((j->figures.members = customer_count(a->shop, cause)) < 0)
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_failed);
		break;
	case JOURNEY_ADMIN_DASHBOARD:
		free(a->dashboard);
		a->dashboard = j->dashboard = NULL;
		if (!app_admin_allowed(a, now, "dashboard", cause))
			return journey_done(j, JOURNEY_ADMIN_LOAD, false, app_denied);
		a->dashboard = util_xmalloc(sizeof *a->dashboard);
		if (dashboard_load(a->shop, now, a->dashboard, cause) != 0 ||
		    audit_record(a->shop, now, j->staff, "dashboard", "kiosk", cause) != 0) {
			free(a->dashboard);
			a->dashboard = NULL;
			return journey_done(j, JOURNEY_ADMIN_LOAD, false,
			    N_("Sorry, the figures could not be read. Please try again."));
		}
		j->dashboard = a->dashboard;
		break;
	default:
		break;
	}
	return journey_done(j, JOURNEY_ADMIN_LOAD, true, NULL);
}

static unsigned
app_admin_purge(struct app *a, time_t now, char **cause)
{
	struct journey	*j = a->journey;
	json_t		*o;

	if (!app_admin_allowed(a, now, "purge", cause))
		return journey_done(j, JOURNEY_ADMIN_ACT, false, app_denied);
	if ((o = admin_purge(a->shop, now, false, j->staff, cause)) == NULL)
		return journey_done(j, JOURNEY_ADMIN_ACT, false, app_failed);
	app_purge_figures(j, o);
	json_decref(o);
	j->figures.done = true;
	return journey_done(j, JOURNEY_ADMIN_ACT, true, N_("Retention applied"));
}

static unsigned
app_admin_staff_add(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	const char		*name = j->text[JOURNEY_FIELD_NAME], *msg = NULL;
	enum staff_result	 rc;

	if (!app_admin_allowed(a, now, "staff_add", cause))
		return journey_done(j, JOURNEY_ADMIN_ACT, false, app_denied);
	rc = admin_staff_add(a->shop, j->staff, name, j->figures.role,
	    j->text[JOURNEY_FIELD_PIN], now, cause);
	sodium_memzero(j->text[JOURNEY_FIELD_PIN], sizeof j->text[0]);
	sodium_memzero(j->text[JOURNEY_FIELD_PIN2], sizeof j->text[0]);
	switch (rc) {
	case STAFF_OK:
		break;
	case STAFF_EXISTS:
		msg = N_("There is already an account of this name");
		break;
	case STAFF_BAD_INPUT:
		msg = N_("A name is 1 to 32 letters, digits, dots, dashes or underscores, and a "
		    "PIN 4 to 12 digits");
		break;
	default:
		msg = app_failed;
	}
	if (msg != NULL) {
		j->field = JOURNEY_FIELD_NAME;
		return journey_done(j, JOURNEY_ADMIN_ACT, false, msg);
	}
	if (app_staff_list(a, cause) != 0)
		msg = app_failed;
	return journey_done(j, JOURNEY_ADMIN_ACT, true, msg != NULL ? msg :
	    N_("Account added"));
}

static unsigned
app_admin_staff_remove(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	char			 name[STAFF_NAME_MAX + 1];
	const char		*msg = NULL;

	if (!app_admin_allowed(a, now, "staff_remove", cause))
		return journey_done(j, JOURNEY_ADMIN_ACT, false, app_denied);
	util_copy(name, sizeof name, j->figures.staff[j->figures.chosen].name);
	if (strcmp(name, j->staff) == 0)
		return journey_done(j, JOURNEY_ADMIN_ACT, false,
		    N_("You cannot remove your own account here"));
	switch (admin_staff_remove(a->shop, j->staff, name, now, cause)) {
	case STAFF_OK:
		break;
	case STAFF_LAST_ADMIN:
		return journey_done(j, JOURNEY_ADMIN_ACT, false,
		    N_("This is the only admin: add another admin first"));
	case STAFF_NOT_FOUND:
		msg = N_("This account was already removed");
		break;
	default:
		return journey_done(j, JOURNEY_ADMIN_ACT, false, app_failed);
	}
	if (app_staff_list(a, cause) != 0)
		msg = app_failed;
	return journey_done(j, JOURNEY_ADMIN_ACT, true, msg != NULL ? msg :
	    N_("Account removed"));
}

/* Every member, sealed to the master data system's key, into its folder (config [export]). */
static unsigned
app_admin_export(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	const struct config	*c = a->shop->config;
	struct journey_admin	*f = &j->figures;
	long			 n;

	if (!app_admin_allowed(a, now, "export_all", cause))
		return journey_done(j, JOURNEY_ADMIN_ACT, false, app_denied);
	if (c->export_recipient == NULL)
		return journey_done(j, JOURNEY_ADMIN_ACT, false,
		    N_("No export recipient is configured ([export] in prefkiosk.ini)"));
	/* Recorded first, as at the command line: no export of every member without its trace. */
	if (audit_record(a->shop, now, j->staff, "export_sealed", c->export_dir, cause) != 0)
		return journey_done(j, JOURNEY_ADMIN_ACT, false, app_failed);
	n = export_to_file(a->shop, (enum export_format)export_format_parse(c->export_format),
	    c->export_dir, c->export_pk, now, f->path, sizeof f->path, &f->damaged, cause);
	if (n < 0) {
		f->path[0] = '\0';
		return journey_done(j, JOURNEY_ADMIN_ACT, false,
		    N_("The export could not be written: check that its folder is there (is the "
		    "share mounted?) and has room"));
	}
	f->exported = n;
	return journey_done(j, JOURNEY_ADMIN_ACT, true, N_("Exported"));
}

/*
 * A new master key for the store, from the kiosk: a key-file store only (a new passphrase is
 * typed at the command line, where it is asked twice without echo).  rekey_run writes the new
 * key file, moves every member, chain and (with codes) every outstanding code to it in one
 * transaction, records it, and gives this kiosk the new key.
 */
static unsigned
app_admin_rekey(struct app *a, time_t now, char **cause)
{
	struct journey		*j = a->journey;
	struct rekey_options	 o = { a->shop->key_file, NULL, j->figures.codes };
	struct rekey_report	 r;
	int			 rc;

	if (!app_admin_allowed(a, now, "rekey", cause))
		return journey_done(j, JOURNEY_ADMIN_ACT, false, app_denied);
	if (a->shop->passphrase || a->shop->key_file == NULL)
		return journey_done(j, JOURNEY_ADMIN_ACT, false,
		    N_("This store's key is a passphrase: change it with prefkiosk rekey at the "
		    "command line"));
	memset(&r, 0, sizeof r);
	if ((rc = rekey_run(a->shop, &o, j->staff, now, &r, cause)) < 0)
		return journey_done(j, JOURNEY_ADMIN_ACT, false,
		    N_("The keys were not changed: the store did not verify or could not be "
		    "written. Run prefkiosk verify"));
	j->figures.done = true;
	j->figures.rekeyed = r.members;
	j->figures.damaged = r.damaged;
	j->figures.replaced = r.rewards_replaced;
	if (rc > 0)
		return journey_done(j, JOURNEY_ADMIN_ACT, true,
		    N_("The store has its new key, but the key file could not be replaced: the next "
		    "start finishes it"));
	return journey_done(j, JOURNEY_ADMIN_ACT, true, N_("The keys were changed"));
}

/* What an admin step confirms. */
static unsigned
app_admin_act(struct app *a, time_t now, char **cause)
{
	switch (a->journey->step) {
	case JOURNEY_ADMIN_PURGE:
		return app_admin_purge(a, now, cause);
	case JOURNEY_ADMIN_EXPORT:
		return app_admin_export(a, now, cause);
	case JOURNEY_ADMIN_REKEY:
		return app_admin_rekey(a, now, cause);
	case JOURNEY_ADMIN_STAFF_ADD:
		return app_admin_staff_add(a, now, cause);
	case JOURNEY_ADMIN_STAFF_REMOVE:
		return app_admin_staff_remove(a, now, cause);
	default:
		return 0;
	}
}

static unsigned
app_save_consent(struct app *a, time_t now, char **cause)
{
	return app_consent(a, a->journey->consent_index, now, cause);
}

static unsigned
app_withdraw_all(struct app *a, time_t now, char **cause)
{
	return app_consent(a, -1, now, cause);
}

/* The effects that touch the store, in the order they are performed. */
static const struct {
	unsigned	  effect;
	unsigned	(*perform)(struct app *, time_t, char **);
} app_effects[] = {
	{ JOURNEY_ENROLL, app_enroll },
	{ JOURNEY_LOOKUP, app_lookup },
	{ JOURNEY_VERIFY_PIN, app_verify_pin },
	{ JOURNEY_SAVE_CONSENT, app_save_consent },
	{ JOURNEY_WITHDRAW_ALL, app_withdraw_all },
	{ JOURNEY_SAVE_PROFILE, app_save_profile },
	{ JOURNEY_ERASE, app_erase },
	{ JOURNEY_PRINT, app_print },
	{ JOURNEY_STAFF_PIN, app_staff },
	{ JOURNEY_DESK_SCAN, app_desk_scan },
	{ JOURNEY_VISIT, app_visit },
	{ JOURNEY_ADMIN_LOAD, app_admin_load },
	{ JOURNEY_ADMIN_ACT, app_admin_act },
};

unsigned
app_handle(struct app *a, const struct journey_event *ev)
{
	struct journey		*j = a->journey;
	unsigned		 effects = journey_handle(j, ev), out;
	struct sync_status	 st;
	char			*cause = NULL;
	size_t			 i;

	/* Read at every event (the clock's too), so a screen drawn now shows it. */
	j->fleet = a->sync != NULL;
	if (a->sync != NULL) {
		sync_worker_status(a->sync, &st);
		j->fleet_synced = st.last_ok;
		j->fleet_failing = st.error[0] != '\0';
	}

	out = effects & (JOURNEY_REDRAW | JOURNEY_UPDATE | JOURNEY_BELL | JOURNEY_QUIT |
	    JOURNEY_LANGUAGE | JOURNEY_WIPE);
	for (i = 0; i < sizeof app_effects / sizeof app_effects[0]; i++)
		if (effects & app_effects[i].effect) {
			out |= app_effects[i].perform(a, ev->now, &cause);
			app_forget(&cause);
		}
	/* Leaving the kiosk is an admin action too: asked of the store, and recorded. */
	if ((effects & JOURNEY_QUIT) && !app_admin_allowed(a, ev->now, "leave_kiosk", &cause)) {
		out &= ~(unsigned)JOURNEY_QUIT;
		out |= journey_done(j, JOURNEY_ADMIN_ACT, false, app_denied);
	} else if ((effects & JOURNEY_QUIT) &&
	    audit_record(a->shop, ev->now, j->staff, "leave_kiosk", "kiosk", &cause) != 0)
		out &= ~(unsigned)JOURNEY_QUIT;		/* unrecorded, so not done */
	app_forget(&cause);
	/* The interface language: a missing locale leaves the last one, and says so. */
	if ((effects & JOURNEY_LANGUAGE) &&
	    i18n_use(a->shop->config->languages[j->lang], &cause) != 0)
		j->message = N_("This language is not installed on this kiosk");
	app_forget(&cause);
	/* The next customer starts afresh: no staff rights, the first language. */
	if (effects & JOURNEY_WIPE) {
		j->staff_mode = false;
		j->admin = false;
		free(a->dashboard);
		a->dashboard = j->dashboard = NULL;
		sodium_memzero(j->staff, sizeof j->staff);
		if (j->desk) {
			/* The desk signs its member of staff out. */
			util_copy(j->staff, sizeof j->staff, a->desk_staff);
			journey_reset(j, ev->now);
		}
		if (j->lang != 0) {
			j->lang = 0;
			util_copy(j->draft->profile->language, sizeof j->draft->profile->language,
			    a->shop->config->languages[0]);
			if (i18n_use(a->shop->config->languages[0], &cause) == 0)
				out |= JOURNEY_REDRAW;
		}
	}
	app_forget(&cause);
	return out;
}
