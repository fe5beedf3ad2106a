/*
 * admin — what a store admin runs over the whole store: verify (integrity, sealed fields, the
 * consent chain), stats (aggregate opt-in figures, small figures suppressed) and purge
 * (retention: inactive members, expired consents, expired rewards).
 *
 * The counts behind stats (admin_count) are also what the kiosk's dashboard shows
 * (dashboard.c): one code path counts, and admin_figure is the one rule that suppresses.
 */
#ifndef PREFKIOSK_ADMIN_H
#define PREFKIOSK_ADMIN_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "customer.h"
#include "shop.h"
#include "staff.h"

/* Figures below this many customers are suppressed in stats. */
#define ADMIN_MIN_FIGURE	5
/* What admin_figure makes of a figure below ADMIN_MIN_FIGURE. */
#define ADMIN_SUPPRESSED	(-1)
/* consents[p][ADMIN_TO_RENEW]: given, but past its validity or to an older notice text. */
#define ADMIN_TO_RENEW		(CONSENT_EXPIRED + 1)

/* The raw counts over the live (not erased) members, before any figure is suppressed: never
 * to be shown as they are, only through admin_figure. */
struct admin_counts {
	long	members;
	long	damaged;	/* members whose sealed profile does not open */
	long	interests[CUSTOMER_MAX_INTERESTS];	/* by catalogue index */
	long	channels[CUSTOMER_MAX_CHANNELS];
	/* By purpose: members whose latest record is in each enum consent_state, and
	 * ADMIN_TO_RENEW. */
	long	consents[CONSENT_MAX_PURPOSES][ADMIN_TO_RENEW + 1];
};

/*
 * Check the store at now: SQLite's own checks and triggers, every member, the consent and
 * audit chains with the notices, and the reward ledger.  Calls report(problem, arg) for each
 * problem, naming what is damaged, and fills *summary (caller decrefs) with counts and the
 * problems.  Returns the number of problems, or -1 and *cause.
 */
int	admin_verify(struct shop *, time_t now, void (*report)(const char *, void *), void *arg,
	    json_t **summary, char **cause);

/* Count over the whole store at now (opening every live member's profile); -1 and *cause. */
int	admin_count(struct shop *, time_t now, struct admin_counts *, char **cause);

/* A count as it may be shown: n, or ADMIN_SUPPRESSED when it describes fewer than
 * ADMIN_MIN_FIGURE customers (0 included). */
long	admin_figure(long n);

/* The share of members who gave purpose p (0 to 1), or -1 when it is suppressed. */
double	admin_opt_in_rate(const struct admin_counts *, int p);

/* Aggregate figures as JSON (caller decrefs), or NULL and *cause. */
json_t	*admin_stats(struct shop *, time_t now, char **cause);

/* Apply retention at now; with dry_run nothing changes and the JSON says what would go.  A
 * real purge records itself in the audit chain (by actor: a staff name, or NULL for the
 * command line) in the same transaction as its lapsed consents and expired rewards. */
json_t	*admin_purge(struct shop *, time_t now, bool dry_run, const char *actor, char **cause);

/* A staff account added or removed by actor, with its audit record in the same transaction
 * (staff_add_then, staff_remove_then). */
enum staff_result admin_staff_add(struct shop *, const char *actor, const char *name,
	    enum staff_role, const char *pin, time_t now, char **cause);
enum staff_result admin_staff_remove(struct shop *, const char *actor, const char *name,
	    time_t now, char **cause);

#endif
