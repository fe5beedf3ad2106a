/*
 * reward — issuing rewards by the catalogue's rules, and redeeming their codes exactly once.
 *
 * The ledger is the rewards table: one row per code, unique by (terminal, serial), with its
 * state (issued, redeemed, revoked, expired).  Issuing happens inside the transaction of what
 * earned it — an enrolment, a profile update, a visit, feedback, an admin's grant — so a reward
 * exists exactly when its reason does.  Each terminal numbers its codes after its own largest
 * serial in the ledger, so up to 4,096 terminals never need to agree on anything.
 *
 * Redeeming is one IMMEDIATE transaction that reads the row and moves it from issued to
 * redeemed: two tills racing over one code are serialised by SQLite's write lock, and the second
 * sees "already redeemed".  A code is checked offline first (format, check symbol, tag), so a
 * forged code is never written to the store; one read tells a code made under a code key that a
 * key rotation replaced (revoked and "replaced", redeemed, expired) from a forgery.
 *
 * No rule depends on consent (the catalogue refuses one that does): rewards pay for preferences
 * shared, visits and feedback.  A rule that pays for data (the completion challenge) has a
 * financial-incentive notice, and is only issued when the member accepted it; the notice version
 * shown is recorded on the reward.
 */
#ifndef PREFKIOSK_REWARD_H
#define PREFKIOSK_REWARD_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "code.h"
#include "shop.h"

#define REWARD_MAX_ISSUED	8	/* rewards one action can earn */
#define REWARD_MAX_RULES	64	/* rules in a catalogue */

/* One reward just issued. */
struct reward_issued {
	char	 code[CODE_LEN + 1];
	int	 rule;			/* catalogue index */
	time_t	 expires;		/* the last second it is valid */
};

/* What one action earned. */
struct reward_list {
	struct reward_issued	v[REWARD_MAX_ISSUED];
	size_t			n;
};

/* How far a member is with the completion challenge of a rule. */
struct reward_progress {
	int	interests, categories;		/* shared */
	int	need_interests, need_categories;
	bool	done;
};

/* What a code is, as far as the store knows.  Not whose it is: a till needs to know what to
 * hand over, not who is holding the code. */
enum reward_status {
	REWARD_VALID,		/* check: genuine and outstanding */
	REWARD_REDEEMED,	/* redeem: redeemed now */
	REWARD_ALREADY,		/* redeemed before: when and where in the ticket */
	REWARD_EXPIRED,
	REWARD_REVOKED,		/* e.g. its member was erased */
	REWARD_INVALID,		/* not a code: format, check symbol, version */
	REWARD_FORGED,		/* well formed, but not issued with this store's key */
	REWARD_UNKNOWN,		/* genuine, but not in this store's ledger */
	REWARD_OFFLINE,		/* the fleet's hub must decide, cannot be reached, and the
				 * policy refuses to redeem without it: the code stays valid */
};

/* A code and what the ledger says about it. */
struct reward_ticket {
	enum reward_status	 status;
	enum code_status	 code_status;	/* why it is INVALID or FORGED */
	char			 code[CODE_LEN + 1];	/* canonical; "" when INVALID */
	struct code_payload	 payload;
	int			 rule;		/* catalogue index, or -1 */
	char			 rule_id[64];
	time_t			 issued, expires, redeemed_at;
	char			 till[65], by[33];
	char			 revoked_reason[16];	/* "erased", "replaced", or "" */
	int			 terminal;	/* ALREADY: where, when another terminal; else -1 */
	bool			 offline;	/* REDEEMED without the hub: it hears at the next sync */
};

/*
 * A redemption that the fleet's hub decides (sync.c): reward_redeem_hub asks claim, inside its
 * transaction and once the ledger says the code is outstanding, whether this terminal may
 * redeem reward id now.  claim returns REWARD_CLAIM_OURS; TAKEN with t's redeemed_at, till and
 * terminal set to the first redemption; OFFLINE_REFUSE or OFFLINE_ACCEPT when the hub cannot be
 * reached (by the configured policy); or -1 with *cause.
 */
enum reward_claim {
	REWARD_CLAIM_OURS,
	REWARD_CLAIM_TAKEN,
	REWARD_CLAIM_OFFLINE_REFUSE,
	REWARD_CLAIM_OFFLINE_ACCEPT,
};

struct reward_hub {
	int	(*claim)(void *arg, sqlite3_int64 id, time_t now, const char *till,
		    struct reward_ticket *t, char **cause);
	void	*arg;
};

/*
 * Issue the reward of rule to a member (customers.id) inside the caller's transaction, unless
 * the member has reached the rule's limit.  incentive_version is the version of the incentive
 * notice the member accepted (0 for a rule without one).  Appends to out.
 * 1 issued, 0 limit reached (nothing done), -1 with *cause.
 */
int	reward_issue_locked(struct shop *, sqlite3_int64 member, int rule, time_t now,
	    int incentive_version, struct reward_list *out, char **cause);

/*
 * For a rotation of the code key (s->vault already holds the new one), inside the caller's
 * transaction: every outstanding reward (issued, not expired at now) is issued again under the
 * new key — same member, rule, expiry and incentive notice, a new serial — and the old code
 * revoked with reason "replaced"; the member finds the new code among their rewards.  old_key
 * is the code key the outstanding codes were made with.  *replaced counts them; -1 with *cause.
 */
int	reward_replace(struct shop *, const unsigned char *old_key, time_t now, long *replaced,
	    char **cause);

/*
 * The rewards a profile has earned on enrolment or on a profile update, inside the caller's
 * transaction: every welcome rule (enrolment only) and every completion challenge met whose
 * incentive notice was accepted (accepted[rule], in language lang).
 */
int	reward_on_profile(struct shop *, sqlite3_int64 member, const bool *interests,
	    const bool *accepted, int lang, bool enrolment, time_t now, struct reward_list *out,
	    char **cause);

/* A member's progress with a completion rule, from their interests. */
void	reward_progress(const struct shop *, int rule, const bool *interests,
	    struct reward_progress *);

/*
 * Stamp a visit (one transaction): a visits row, last_seen, and every stamp rule that falls due.
 * *count receives the member's visits so far.  -1 with *cause; CUSTOMER_NOT_FOUND for an
 * unknown or erased member.
 */
int	reward_visit(struct shop *, const char *uid, const char *staff, time_t now, long *count,
	    struct reward_list *out, char **cause);

/* Record feedback (rating 1..5) and issue the feedback rules, in one transaction. */
int	reward_feedback(struct shop *, const char *uid, int rating, time_t now,
	    struct reward_list *out, char **cause);

/* An admin's grant of a manual (or any) rule, in one transaction; 0 when the limit is
 * reached, 1 issued, -1 with *cause. */
int	reward_grant(struct shop *, const char *uid, int rule, time_t now,
	    struct reward_list *out, char **cause);

/* Verify a code (offline checks, then the ledger) without changing anything.  0 with
 * t->status set, -1 with *cause for a store failure. */
int	reward_check(struct shop *, const char *input, time_t now, struct reward_ticket *t,
	    char **cause);

/* Redeem a code once, in one transaction.  0 with t->status (REDEEMED on success), -1 with
 * *cause for a store failure. */
int	reward_redeem(struct shop *, const char *input, const char *till, const char *staff,
	    time_t now, struct reward_ticket *t, char **cause);
/* The same, with the fleet's hub deciding (hub NULL: as reward_redeem). */
int	reward_redeem_hub(struct shop *, const struct reward_hub *hub, const char *input,
	    const char *till, const char *staff, time_t now, struct reward_ticket *t,
	    char **cause);

/*
 * Check every row of the ledger at now, for verify: its code has a code's form and carries the
 * row's terminal, serial, expiry and rule; a row in step with its state; and an outstanding
 * code's tag is genuine under the store's code key (an older code, made under a key that a
 * rotation replaced, is never valid again and is not asked for it).  Calls report(problem,
 * arg) once per row that fails, naming it "reward TERMINAL:SERIAL".  Returns the number of
 * problems, or -1 and *cause.
 */
int	reward_verify(struct shop *, time_t now, void (*report)(const char *, void *), void *arg,
	    char **cause);

/* The member a ticket's reward was issued to, into uid (CUSTOMER_UID_LEN + 1), for the member's
 * own slip; CUSTOMER_NOT_FOUND when erased, -1 with *cause. */
int	reward_holder(struct shop *, const struct reward_ticket *, char *uid, char **cause);

/* A ticket as JSON, for the command line and the desk. */
json_t	*reward_ticket_json(const struct shop *, const struct reward_ticket *);

/* What a list of rewards just issued looks like in JSON ({code, grouped, rule, title, expires}). */
json_t	*reward_list_json(const struct shop *, const struct reward_list *, int lang);

/* A member's stamp-card progress as member "stamps" of o, and with outstanding their rewards
 * still to redeem as member "rewards".  -1 (or CUSTOMER_NOT_FOUND) with *cause. */
int	reward_member_json(struct shop *, const char *uid, time_t now, bool outstanding,
	    json_t *o, char **cause);

/* A member's first REWARD_MAX_ISSUED rewards still to redeem into out, and their stamp card
 * (stamps on it, every how many visits; 0 and 0 without a stamp rule), for the screens.
 * CUSTOMER_NOT_FOUND or -1 with *cause. */
int	reward_outstanding(struct shop *, const char *uid, time_t now, struct reward_list *out,
	    long *stamps, long *every, char **cause);

/* The status in words, for staff. */
const char	*reward_status_name(enum reward_status);

#endif
