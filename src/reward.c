/*
 * reward — the rules of the catalogue applied to members, and the ledger of codes.
 *
 * Every function that writes either runs inside its caller's transaction (the _locked one,
 * reward_on_profile and reward_replace) or opens one IMMEDIATE transaction of its own, so a
 * reward is never issued without what earned it, and a code is never redeemed twice.  A code is
 * revoked with a reason: "erased" (customer.c) or "replaced" (a rotation of the code key).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "consent.h"
#include "customer.h"
#include "reward.h"
#include "util.h"

static const char *const reward_status_names[] = {
	[REWARD_VALID] = "valid",
	[REWARD_REDEEMED] = "redeemed",
	[REWARD_ALREADY] = "already_redeemed",
	[REWARD_EXPIRED] = "expired",
	[REWARD_REVOKED] = "revoked",
	[REWARD_INVALID] = "invalid",
	[REWARD_FORGED] = "forged",
	[REWARD_UNKNOWN] = "unknown",
	[REWARD_OFFLINE] = "hub_unreachable",
};

const char *
reward_status_name(enum reward_status status)
{
	return reward_status_names[status];
}

/*
 * A ledger row's id: the terminal and serial its code carries (store.c, schema 6), so that the
 * row of a code is found by one search of the ledger's own B-tree.
 */
static sqlite3_int64
reward_id(unsigned terminal, uint64_t serial)
{
	return (sqlite3_int64)((uint64_t)terminal * (CODE_MAX_SERIAL + 1) + serial);
}

/*
 * The next serial of this terminal's codes: its largest plus one, the largest id in the
 * terminal's range of ids, read inside the issuing transaction, which holds the write lock.
 * Ledger rows are never deleted (a trigger refuses it), so a serial is never given twice.
 */
static int
reward_next_serial(struct shop *s, uint64_t *serial, char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT coalesce(max(id), ?1) - ?1 FROM rewards WHERE id > ?1 AND id < ?2");
	unsigned	 terminal = (unsigned)s->config->terminal_id;
	int		 rc;

	sqlite3_bind_int64(stmt, 1, reward_id(terminal, 0));
	sqlite3_bind_int64(stmt, 2, reward_id(terminal + 1, 0));
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*serial = (uint64_t)sqlite3_column_int64(stmt, 0) + 1;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_fail(s->store, cause, "cannot read the reward ledger");
	if (*serial > CODE_MAX_SERIAL)
		return util_fail(cause, "this terminal has issued every reward serial it can; give "
		    "it a new terminal id");
	return 0;
}

/* How many rewards of a rule a member has had (any state; a code replaced by a key rotation and
 * its replacement are one reward); -1 on a store error. */
static long
reward_count(struct shop *s, sqlite3_int64 member, const char *rule)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT count(*) FROM rewards WHERE customer = ?1 AND rule = ?2"
	    " AND revoked_reason IS NOT 'replaced'");
	long		 n = -1;

	sqlite3_bind_int64(stmt, 1, member);
	sqlite3_bind_text(stmt, 2, rule, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return n;
}

/*
 * Make the code of payload p under the shop's code key — its version, terminal and serial are
 * filled in here; rule and expiry day are the caller's — and add it to the ledger as issued to
 * member for rule (an id) at now; issued receives the code and its expiry.  -1 with *cause.
 */
static int
reward_insert(struct shop *s, sqlite3_int64 member, const char *rule, struct code_payload *p,
    time_t now, int incentive_version, struct reward_issued *issued, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	p->version = CODE_VERSION;
	p->terminal = (unsigned)s->config->terminal_id;
	if (reward_next_serial(s, &p->serial, cause) != 0)
		return -1;
	code_make(p, vault_code_key(s->vault), issued->code);
	issued->expires = code_day_end(p->expiry_day);

	stmt = store_prepare(s->store,
	    "INSERT INTO rewards (id, terminal, serial, customer, rule, code, issued, expires,"
	    " state, incentive_version) VALUES (?9, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'issued', ?8)");
	sqlite3_bind_int64(stmt, 9, reward_id(p->terminal, p->serial));
	sqlite3_bind_int(stmt, 1, (int)p->terminal);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)p->serial);
	sqlite3_bind_int64(stmt, 3, member);
	sqlite3_bind_text(stmt, 4, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, issued->code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)now);
	sqlite3_bind_int64(stmt, 7, (sqlite3_int64)issued->expires);
	if (incentive_version > 0)
		sqlite3_bind_int(stmt, 8, incentive_version);
	else
		sqlite3_bind_null(stmt, 8);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot issue the reward");
	return 0;
}

int
reward_issue_locked(struct shop *s, sqlite3_int64 member, int rule, time_t now,
    int incentive_version, struct reward_list *out, char **cause)
{
	const struct catalog_reward	*r = &s->catalog->rewards[rule];
	struct code_payload		 p;
	struct reward_issued		 issued;
	long				 had;

	if (r->limit > 0) {
		if ((had = reward_count(s, member, r->id)) < 0)
			return store_fail(s->store, cause, "cannot read the rewards");
		if (had >= r->limit)
			return 0;
	}
	memset(&p, 0, sizeof p);
	p.rule = (unsigned)r->number;
	p.expiry_day = code_day(now) + (unsigned)r->validity_days;
	if (p.expiry_day > CODE_MAX_DAY)
		return util_fail(cause, "reward %s would expire after 2199; check the clock", r->id);
	if (reward_insert(s, member, r->id, &p, now, incentive_version, &issued, cause) != 0)
		return -1;
	issued.rule = rule;
	if (out != NULL && out->n < REWARD_MAX_ISSUED)
		out->v[out->n++] = issued;
	return 1;
}

int
reward_replace(struct shop *s, const unsigned char *old_key, time_t now, long *replaced,
    char **cause)
{
	struct code_payload	 p;
	struct reward_issued	 issued;
	sqlite3_stmt		*rows, *stmt;
	uint64_t		 next;
	unsigned		 terminal = (unsigned)s->config->terminal_id;
	int			 rc = 0, step;

	*replaced = 0;
	/* The replacements take this terminal's serials from next on: the scan skips them. */
	if (reward_next_serial(s, &next, cause) != 0)
		return -1;
	/* Not cached: it runs once per rotation. */
	if (sqlite3_prepare_v2(store_db(s->store), "SELECT id, customer, rule, code,"
	    " incentive_version FROM rewards WHERE state = 'issued' AND expires >= ?1"
	    " AND NOT (id >= ?2 AND id < ?3) ORDER BY id", -1, &rows, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the reward ledger");
	sqlite3_bind_int64(rows, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(rows, 2, reward_id(terminal, next));
	sqlite3_bind_int64(rows, 3, reward_id(terminal + 1, 0));
	while (rc == 0 && (step = sqlite3_step(rows)) == SQLITE_ROW) {
		/* The rule's number and the expiry day are the old code's own; a code that does
		 * not verify under the old key was never redeemable and is left as it is. */
		if (code_parse((const char *)sqlite3_column_text(rows, 3), old_key, &p, NULL) !=
		    CODE_OK)
			continue;
		if (reward_insert(s, sqlite3_column_int64(rows, 1),
		    (const char *)sqlite3_column_text(rows, 2), &p, now,
		    sqlite3_column_int(rows, 4), &issued, cause) != 0) {
			rc = -1;
			break;
		}
		stmt = store_prepare(s->store, "UPDATE rewards SET state = 'revoked',"
		    " revoked_reason = 'replaced' WHERE id = ?1");
		sqlite3_bind_int64(stmt, 1, sqlite3_column_int64(rows, 0));
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = store_fail(s->store, cause, "cannot revoke a replaced reward");
		else
			(*replaced)++;
		sqlite3_reset(stmt);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(s->store, cause, "cannot read the reward ledger");
	sqlite3_finalize(rows);
	return rc;
}

void
reward_progress(const struct shop *s, int rule, const bool *interests,
    struct reward_progress *pr)
{
	const struct catalog		*cat = s->catalog;
	const struct catalog_reward	*r = &cat->rewards[rule];
	bool				 seen[CUSTOMER_MAX_INTERESTS] = { false };
	size_t				 i;

	memset(pr, 0, sizeof *pr);
	pr->need_interests = r->min_interests;
	pr->need_categories = r->min_categories;
	for (i = 0; i < cat->ninterests && i < CUSTOMER_MAX_INTERESTS; i++) {
		if (!interests[i])
			continue;
		pr->interests++;
		if (cat->interests[i].category < CUSTOMER_MAX_INTERESTS &&
		    !seen[cat->interests[i].category]) {
			seen[cat->interests[i].category] = true;
			pr->categories++;
		}
	}
	pr->done = pr->interests >= pr->need_interests && pr->categories >= pr->need_categories;
}

int
reward_on_profile(struct shop *s, sqlite3_int64 member, const bool *interests,
    const bool *accepted, int lang, bool enrolment, time_t now, struct reward_list *out,
    char **cause)
{
	const struct catalog	*cat = s->catalog;
	struct reward_progress	 pr;
	size_t			 i;
	long			 had;
	int			 version;

	for (i = 0; i < cat->nrewards && i < REWARD_MAX_RULES; i++) {
		const struct catalog_reward *r = &cat->rewards[i];
		if (r->trigger == CATALOG_TRIGGER_WELCOME && enrolment) {
			if (reward_issue_locked(s, member, (int)i, now, 0, out, cause) < 0)
				return -1;
			continue;
		}
		if (r->trigger != CATALOG_TRIGGER_COMPLETION || accepted == NULL || !accepted[i])
			continue;
		reward_progress(s, (int)i, interests, &pr);
		if (!pr.done)
			continue;
		/* A challenge is met once: later edits of the profile earn nothing more. */
		if ((had = reward_count(s, member, r->id)) < 0)
			return store_fail(s->store, cause, "cannot read the rewards");
		if (had > 0)
			continue;
		version = 0;
		if (r->has_incentive && consent_notice(s, r->id, s->config->languages[lang],
		    &r->incentive[lang], now, &version, cause) != 0)
			return -1;
		if (reward_issue_locked(s, member, (int)i, now, version, out, cause) < 0)
			return -1;
	}
	return 0;
}

/* The row id of a live member; CUSTOMER_NOT_FOUND or -1 with *cause. */
static int
reward_member(struct shop *s, const char *uid, sqlite3_int64 *member, char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT id FROM customers WHERE uid = ?1 AND erased IS NULL");
	int		 rc;

	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*member = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		util_fail(cause, "no member %s (unknown, or erased)", uid);
		return CUSTOMER_NOT_FOUND;
	}
	return store_fail(s->store, cause, "cannot read the member");
}

/* Issue every rule with this trigger (limits apply). */
static int
reward_on_trigger(struct shop *s, sqlite3_int64 member, enum catalog_trigger trigger,
    time_t now, struct reward_list *out, char **cause)
{
	size_t	i;

	for (i = 0; i < s->catalog->nrewards; i++)
		if (s->catalog->rewards[i].trigger == trigger &&
		    reward_issue_locked(s, member, (int)i, now, 0, out, cause) < 0)
			return -1;
	return 0;
}

/* Begin a transaction and find the live member uid in it; 0, or the failure (rolled back). */
static int
reward_begin(struct shop *s, const char *uid, sqlite3_int64 *member, char **cause)
{
	int	rc;

	if (store_begin(s->store, cause) != 0)
		return -1;
	if ((rc = reward_member(s, uid, member, cause)) != 0)
		store_rollback(s->store);
	return rc;
}

/* Commit, or roll back and return rc. */
static int
reward_finish(struct shop *s, int rc, char **cause)
{
	if (rc < 0) {
		store_rollback(s->store);
		return rc;
	}
	return store_commit(s->store, cause) == 0 ? rc : -1;
}

/* How many visits a member has made; -1 on a store error. */
static long
reward_visits(struct shop *s, sqlite3_int64 member)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT count(*) FROM visits WHERE customer = ?1");
	long		 n = -1;

	sqlite3_bind_int64(stmt, 1, member);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return n;
}

/* A member's rewards still to redeem, in the order they were issued (code, rule, expires). */
static const char reward_outstanding_sql[] =
    "SELECT code, rule, expires FROM rewards WHERE customer = ?1 AND state = 'issued'"
    " AND expires >= ?2 ORDER BY issued, id";

int
reward_visit(struct shop *s, const char *uid, const char *staff, time_t now, long *count,
    struct reward_list *out, char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 member;
	size_t		 i;
	int		 rc;

	if ((rc = reward_begin(s, uid, &member, cause)) != 0)
		return rc;
	stmt = store_prepare(s->store,
	    "INSERT INTO visits (customer, time, terminal, staff) VALUES (?1, ?2, ?3, ?4)");
	sqlite3_bind_int64(stmt, 1, member);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	sqlite3_bind_int(stmt, 3, s->config->terminal_id);
	if (staff != NULL)
		sqlite3_bind_text(stmt, 4, staff, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 4);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return reward_finish(s, store_fail(s->store, cause, "cannot stamp the visit"), cause);

	stmt = store_prepare(s->store, "UPDATE customers SET last_seen = ?2 WHERE id = ?1");
	sqlite3_bind_int64(stmt, 1, member);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE || (*count = reward_visits(s, member)) < 0)
		return reward_finish(s, store_fail(s->store, cause, "cannot stamp the visit"), cause);

	for (i = 0; i < s->catalog->nrewards; i++) {
		const struct catalog_reward *r = &s->catalog->rewards[i];
		if (r->trigger == CATALOG_TRIGGER_STAMP && *count % r->every == 0 &&
		    reward_issue_locked(s, member, (int)i, now, 0, out, cause) < 0)
			return reward_finish(s, -1, cause);
	}
	if (audit_record_locked(s, now, staff, "visit", uid, cause) != 0)
		return reward_finish(s, -1, cause);
	return reward_finish(s, 0, cause);
}

int
reward_feedback(struct shop *s, const char *uid, int rating, time_t now,
    struct reward_list *out, char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 member;
	int		 rc;

	if (rating < 1 || rating > 5) {
		util_fail(cause, "a rating is 1 to 5");
		return CUSTOMER_INVALID;
	}
	if ((rc = reward_begin(s, uid, &member, cause)) != 0)
		return rc;
	stmt = store_prepare(s->store,
	    "INSERT INTO feedback (customer, time, terminal, rating) VALUES (?1, ?2, ?3, ?4)");
	sqlite3_bind_int64(stmt, 1, member);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	sqlite3_bind_int(stmt, 3, s->config->terminal_id);
	sqlite3_bind_int(stmt, 4, rating);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return reward_finish(s, store_fail(s->store, cause, "cannot record the feedback"),
		    cause);
	rc = reward_on_trigger(s, member, CATALOG_TRIGGER_FEEDBACK, now, out, cause);
	return reward_finish(s, rc, cause);
}

int
reward_grant(struct shop *s, const char *uid, int rule, time_t now, struct reward_list *out,
    char **cause)
{
	sqlite3_int64	member;
	int		rc;

	if ((rc = reward_begin(s, uid, &member, cause)) != 0)
		return rc;
	rc = reward_issue_locked(s, member, rule, now, 0, out, cause);
	if (rc == 1 && audit_record_locked(s, now, NULL, "grant", uid, cause) != 0)
		rc = -1;
	return reward_finish(s, rc, cause);
}

/* Read the ledger row of a parsed code into t; the status from its state and now. */
static int
reward_ledger(struct shop *s, time_t now, struct reward_ticket *t, sqlite3_int64 *id,
    char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT id, rule, code, issued, expires, state, redeemed_at, redeemed_till,"
	    " redeemed_by, revoked_reason, redeemed_terminal FROM rewards WHERE id = ?1");
	const char	*state, *text;
	int		 rc;

	sqlite3_bind_int64(stmt, 1, reward_id(t->payload.terminal, t->payload.serial));
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(stmt);
		t->status = REWARD_UNKNOWN;
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return store_fail(s->store, cause, "cannot read the reward ledger");
	}
	*id = sqlite3_column_int64(stmt, 0);
	text = (const char *)sqlite3_column_text(stmt, 1);
	/* The ledger's rule is the truth; the code's number found it already unless renumbered. */
	if (t->rule < 0 || strcmp(text, s->catalog->rewards[t->rule].id) != 0) {
		util_copy(t->rule_id, sizeof t->rule_id, text);
		t->rule = catalog_reward_find(s->catalog, t->rule_id);
	}
	t->issued = (time_t)sqlite3_column_int64(stmt, 3);
	t->expires = (time_t)sqlite3_column_int64(stmt, 4);
	state = (const char *)sqlite3_column_text(stmt, 5);
	if (sqlite3_column_type(stmt, 6) != SQLITE_NULL)
		t->redeemed_at = (time_t)sqlite3_column_int64(stmt, 6);
	if ((text = (const char *)sqlite3_column_text(stmt, 7)) != NULL)
		util_copy(t->till, sizeof t->till, text);
	if ((text = (const char *)sqlite3_column_text(stmt, 8)) != NULL)
		util_copy(t->by, sizeof t->by, text);
	if ((text = (const char *)sqlite3_column_text(stmt, 9)) != NULL)
		util_copy(t->revoked_reason, sizeof t->revoked_reason, text);
	if (sqlite3_column_type(stmt, 10) != SQLITE_NULL)
		t->terminal = sqlite3_column_int(stmt, 10);	/* redeemed at another terminal */

	/* The ledger keeps the code as issued; a different one with a valid tag is not ours. */
	text = (const char *)sqlite3_column_text(stmt, 2);
	if (text == NULL || strcmp(text, t->code) != 0)
		t->status = REWARD_FORGED;
	else if (strcmp(state, "redeemed") == 0)
		t->status = REWARD_ALREADY;
	else if (strcmp(state, "revoked") == 0)
		t->status = REWARD_REVOKED;
	else if (strcmp(state, "expired") == 0 || now > t->expires)
		t->status = REWARD_EXPIRED;
	else
		t->status = REWARD_VALID;
	sqlite3_reset(stmt);
	return 0;
}

/* The offline part: format, check symbol, version and tag.  true when genuine. */
static bool
reward_parse(struct shop *s, const char *input, struct reward_ticket *t)
{
	size_t	i;

	memset(t, 0, sizeof *t);
	t->rule = -1;
	t->terminal = -1;
	t->code_status = code_parse(input, vault_code_key(s->vault), &t->payload, t->code);
	if (t->code_status == CODE_OK) {
		for (i = 0; i < s->catalog->nrewards; i++)
			if ((unsigned)s->catalog->rewards[i].number == t->payload.rule) {
				t->rule = (int)i;
				util_copy(t->rule_id, sizeof t->rule_id, s->catalog->rewards[i].id);
			}
		t->expires = code_day_end(t->payload.expiry_day);
		return true;
	}
	if (t->code_status != CODE_FORGED)
		t->code[0] = '\0';	/* a forged code keeps its canonical form: reward_retired */
	t->status = t->code_status == CODE_FORGED ? REWARD_FORGED : REWARD_INVALID;
	return false;
}

/*
 * A code whose tag fails may be one of ours made under a code key that a rotation has since
 * replaced (rekey --codes): when the ledger holds exactly that code, it says what became of it
 * (revoked and replaced, redeemed, expired).  Such a code is never valid again: with its old key
 * leaked, a code still outstanding under it would be a forgery's way in.
 */
static int
reward_retired(struct shop *s, time_t now, struct reward_ticket *t, char **cause)
{
	sqlite3_int64	id;

	if (t->code_status != CODE_FORGED)
		return 0;
	if (reward_ledger(s, now, t, &id, cause) != 0)
		return -1;
	if (t->status == REWARD_VALID || t->status == REWARD_UNKNOWN ||
	    t->status == REWARD_FORGED) {
		t->status = REWARD_FORGED;
		t->code[0] = '\0';
	}
	return 0;
}

int
reward_check(struct shop *s, const char *input, time_t now, struct reward_ticket *t,
    char **cause)
{
	sqlite3_int64	id;

	if (!reward_parse(s, input, t))
		return reward_retired(s, now, t, cause);
	return reward_ledger(s, now, t, &id, cause);
}

int
reward_redeem(struct shop *s, const char *input, const char *till, const char *staff,
    time_t now, struct reward_ticket *t, char **cause)
{
	return reward_redeem_hub(s, NULL, input, till, staff, now, t, cause);
}

int
reward_redeem_hub(struct shop *s, const struct reward_hub *hub, const char *input,
    const char *till, const char *staff, time_t now, struct reward_ticket *t, char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 id = 0;
	char		 target[64];
	int		 rc;

	if (!reward_parse(s, input, t))
		return reward_retired(s, now, t, cause);
	if (store_begin(s->store, cause) != 0)
		return -1;
	if (reward_ledger(s, now, t, &id, cause) != 0)
		return reward_finish(s, -1, cause);
	if (t->status != REWARD_VALID)
		return reward_finish(s, 0, cause);
	if (hub != NULL) {
		/* The hub's answer holds the write lock for one round trip: the ledger and the
		 * hub then agree on what this terminal did. */
		switch (hub->claim(hub->arg, id, now, till, t, cause)) {
		case REWARD_CLAIM_OURS:
			break;
		case REWARD_CLAIM_TAKEN:
			t->status = REWARD_ALREADY;	/* the ledger hears of it at the next sync */
			return reward_finish(s, 0, cause);
		case REWARD_CLAIM_OFFLINE_REFUSE:
			t->status = REWARD_OFFLINE;
			return reward_finish(s, 0, cause);
		case REWARD_CLAIM_OFFLINE_ACCEPT:
			t->offline = true;
			break;
		default:
			return reward_finish(s, -1, cause);
		}
	}
	stmt = store_prepare(s->store,
	    "UPDATE rewards SET state = 'redeemed', redeemed_at = ?2, redeemed_till = ?3,"
	    " redeemed_by = ?4 WHERE id = ?1 AND state = 'issued'");
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	sqlite3_bind_text(stmt, 3, till != NULL ? till : "", -1, SQLITE_STATIC);
	if (staff != NULL)
		sqlite3_bind_text(stmt, 4, staff, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 4);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE || sqlite3_changes(store_db(s->store)) != 1)
		return reward_finish(s, store_fail(s->store, cause, "cannot redeem the reward"),
		    cause);
	t->status = REWARD_REDEEMED;
	t->redeemed_at = now;
	util_copy(t->till, sizeof t->till, till);
	util_copy(t->by, sizeof t->by, staff);
	/* The redemption and its audit record commit together. */
	snprintf(target, sizeof target, "reward %u:%llu", t->payload.terminal,
	    (unsigned long long)t->payload.serial);
	if (audit_record_locked(s, now, staff, "redeem", target, cause) != 0)
		return reward_finish(s, -1, cause);
	return reward_finish(s, 0, cause);
}

/* What is wrong with the ledger row the statement stands on (verify's columns), or NULL. */
static const char *
reward_verify_row(const struct shop *s, sqlite3_stmt *stmt, time_t now)
{
	const char		*code = (const char *)sqlite3_column_text(stmt, 4);
	const char		*rule = (const char *)sqlite3_column_text(stmt, 3);
	const char		*state = (const char *)sqlite3_column_text(stmt, 6);
	struct code_payload	 p;
	char			 canonical[CODE_LEN + 1];
	time_t			 expires = (time_t)sqlite3_column_int64(stmt, 5);
	size_t			 i;

	if (code == NULL || code_decode(code, &p, canonical) != CODE_OK ||
	    strcmp(code, canonical) != 0)
		return "its code is damaged (the row was edited)";
	if (p.terminal != (unsigned)sqlite3_column_int(stmt, 1) ||
	    p.serial != (uint64_t)sqlite3_column_int64(stmt, 2))
		return "its code is another row's (the row was edited)";
	if (code_day_end(p.expiry_day) != expires)
		return "its expiry is not the one its code carries (the row was edited)";
	for (i = 0; i < s->catalog->nrewards; i++)
		if ((unsigned)s->catalog->rewards[i].number == p.rule &&
		    strcmp(s->catalog->rewards[i].id, rule) != 0)
			return "its rule is not the one its code carries (the row was edited)";
	if ((strcmp(state, "redeemed") == 0) != (sqlite3_column_type(stmt, 7) != SQLITE_NULL))
		return "its state and its redemption disagree (the row was edited)";
	/* A code the till would still take must be one the store's key made. */
	if (strcmp(state, "issued") == 0 && expires >= now &&
	    code_parse(code, vault_code_key(s->vault), &p, NULL) != CODE_OK)
		return "its code is not genuine under this store's key (the row was edited)";
	return NULL;
}

int
reward_verify(struct shop *s, time_t now, void (*report)(const char *, void *), void *arg,
    char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*what;
	char		*msg;
	int		 rc, problems = 0;

	/* Not cached: verify runs once, and the statement must not stay open. */
	if (sqlite3_prepare_v2(store_db(s->store), "SELECT id, terminal, serial, rule, code,"
	    " expires, state, redeemed_at FROM rewards ORDER BY id", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the reward ledger");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((what = reward_verify_row(s, stmt, now)) == NULL)
			continue;
		msg = util_xprintf("reward %d:%lld: %s", sqlite3_column_int(stmt, 1),
		    (long long)sqlite3_column_int64(stmt, 2), what);
		report(msg, arg);
		free(msg);
		problems++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the reward ledger");
	return problems;
}

int
reward_holder(struct shop *s, const struct reward_ticket *t, char *uid, char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT c.uid FROM rewards r JOIN customers c ON c.id = r.customer"
	    " WHERE r.id = ?1 AND c.erased IS NULL");
	int		 rc;

	sqlite3_bind_int64(stmt, 1, reward_id(t->payload.terminal, t->payload.serial));
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		util_copy(uid, CUSTOMER_UID_LEN + 1, (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		util_fail(cause, "this reward has no member any more");
		return CUSTOMER_NOT_FOUND;
	}
	return store_fail(s->store, cause, "cannot read the reward ledger");
}

/* Kind, value and title of a rule into o (title in language lang). */
static void
reward_rule_json(const struct shop *s, int rule, int lang, json_t *o)
{
	const struct catalog_reward	*r;

	if (rule < 0)
		return;
	r = &s->catalog->rewards[rule];
	json_object_set_new(o, "title", json_string(catalog_text_get(&r->title, lang)));
	json_object_set_new(o, "kind", json_string(catalog_reward_kind_name(r->kind)));
	if (r->kind == CATALOG_REWARD_PERCENT || r->kind == CATALOG_REWARD_AMOUNT)
		json_object_set_new(o, "value", json_integer(r->value));
}

json_t *
reward_ticket_json(const struct shop *s, const struct reward_ticket *t)
{
	json_t	*o = json_object();
	char	 when[21], day[11], grouped[CODE_GROUPED_LEN + 1];

	json_object_set_new(o, "status", json_string(reward_status_name(t->status)));
	if (t->status == REWARD_INVALID || t->status == REWARD_FORGED) {
		json_object_set_new(o, "reason", json_string(t->status == REWARD_FORGED &&
		    t->code_status == CODE_OK ? "the ledger holds a different code for this serial" :
		    code_status_text(t->code_status)));
		return o;
	}
	json_object_set_new(o, "code", json_string(t->code));
	code_group(t->code, grouped);
	json_object_set_new(o, "grouped", json_string(grouped));
	json_object_set_new(o, "terminal", json_integer(t->payload.terminal));
	json_object_set_new(o, "serial", json_integer((json_int_t)t->payload.serial));
	if (t->rule_id[0] != '\0')
		json_object_set_new(o, "rule", json_string(t->rule_id));
	reward_rule_json(s, t->rule, 0, o);
	util_day(t->expires, day);
	json_object_set_new(o, "expires", json_string(day));
	if (t->status == REWARD_REVOKED && t->revoked_reason[0] != '\0')
		json_object_set_new(o, "revoked_reason", json_string(t->revoked_reason));
	if (t->issued != 0) {
		util_iso8601(t->issued, when);
		json_object_set_new(o, "issued", json_string(when));
	}
	if (t->redeemed_at != 0) {
		util_iso8601(t->redeemed_at, when);
		json_object_set_new(o, "redeemed_at", json_string(when));
		json_object_set_new(o, "till", json_string(t->till));
		if (t->terminal >= 0)
			json_object_set_new(o, "redeemed_terminal", json_integer(t->terminal));
		if (t->offline)
			json_object_set_new(o, "offline", json_true());
		if (t->by[0] != '\0')
			json_object_set_new(o, "staff", json_string(t->by));
	}
	return o;
}

json_t *
reward_list_json(const struct shop *s, const struct reward_list *l, int lang)
{
	json_t	*a = json_array();
	char	 day[11], grouped[CODE_GROUPED_LEN + 1];
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(l->v[i].code));
		code_group(l->v[i].code, grouped);
		json_object_set_new(o, "grouped", json_string(grouped));
		json_object_set_new(o, "rule", json_string(s->catalog->rewards[l->v[i].rule].id));
		reward_rule_json(s, l->v[i].rule, lang, o);
		util_day(l->v[i].expires, day);
		json_object_set_new(o, "expires", json_string(day));
		json_array_append_new(a, o);
	}
	return a;
}

int
reward_member_json(struct shop *s, const char *uid, time_t now, bool outstanding, json_t *o,
    char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 member;
	json_t		*rewards = json_array(), *stamps = json_object();
	char		 day[11], grouped[CODE_GROUPED_LEN + 1];
	long		 visits = 0;
	size_t		 i;
	int		 rc;

	if (outstanding)
		json_object_set_new(o, "rewards", rewards);
	else
		json_decref(rewards);
	json_object_set_new(o, "stamps", stamps);
	if ((rc = reward_member(s, uid, &member, cause)) != 0)
		return rc;
	stmt = store_prepare(s->store, reward_outstanding_sql);
	sqlite3_bind_int64(stmt, 1, member);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	while (outstanding && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *r = json_object();
		const char *code = (const char *)sqlite3_column_text(stmt, 0);
		json_object_set_new(r, "code", json_string(code));
		code_group(code, grouped);
		json_object_set_new(r, "grouped", json_string(grouped));
		json_object_set_new(r, "rule",
		    json_string((const char *)sqlite3_column_text(stmt, 1)));
		reward_rule_json(s, catalog_reward_find(s->catalog,
		    (const char *)sqlite3_column_text(stmt, 1)), 0, r);
		util_day((time_t)sqlite3_column_int64(stmt, 2), day);
		json_object_set_new(r, "expires", json_string(day));
		json_array_append_new(rewards, r);
	}
	sqlite3_reset(stmt);
	if (outstanding && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the rewards");

	if ((visits = reward_visits(s, member)) < 0)
		return store_fail(s->store, cause, "cannot read the visits");
	for (i = 0; i < s->catalog->nrewards; i++) {
		const struct catalog_reward *r = &s->catalog->rewards[i];
		if (r->trigger != CATALOG_TRIGGER_STAMP)
			continue;
		json_object_set_new(stamps, r->id, json_pack("{s:I, s:i, s:I, s:i}", "visits",
		    (json_int_t)visits, "every", r->every, "stamps", (json_int_t)(visits % r->every),
		    "to_next", (int)(r->every - visits % r->every)));
	}
	return 0;
}

int
reward_outstanding(struct shop *s, const char *uid, time_t now, struct reward_list *out,
    long *stamps, long *every, char **cause)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 member;
	long		 visits;
	size_t		 i;
	int		 rc;

	out->n = 0;
	*stamps = *every = 0;
	if ((rc = reward_member(s, uid, &member, cause)) != 0)
		return rc;
	stmt = store_prepare(s->store, reward_outstanding_sql);
	sqlite3_bind_int64(stmt, 1, member);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	while (out->n < REWARD_MAX_ISSUED && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct reward_issued *r = &out->v[out->n++];
		util_copy(r->code, sizeof r->code, (const char *)sqlite3_column_text(stmt, 0));
		r->rule = catalog_reward_find(s->catalog, (const char *)sqlite3_column_text(stmt, 1));
		r->expires = (time_t)sqlite3_column_int64(stmt, 2);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the rewards");
	if ((visits = reward_visits(s, member)) < 0)
		return store_fail(s->store, cause, "cannot read the visits");
	/* The first stamp rule is the stamp card a screen shows. */
	for (i = 0; i < s->catalog->nrewards; i++)
		if (s->catalog->rewards[i].trigger == CATALOG_TRIGGER_STAMP) {
			*every = s->catalog->rewards[i].every;
			*stamps = visits % *every;
			break;
		}
	return 0;
}
