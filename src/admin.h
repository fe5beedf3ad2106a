/*
 * admin — what a store admin runs over the whole store: verify (integrity, sealed fields, the
 * consent chain), stats (aggregate opt-in figures, small figures suppressed) and purge
 * (retention: inactive members, expired consents, expired rewards).
 */
#ifndef PREFKIOSK_ADMIN_H
#define PREFKIOSK_ADMIN_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "shop.h"
#include "staff.h"

/* Figures below this many customers are suppressed in stats. */
#define ADMIN_MIN_FIGURE	5

/*
 * Check the store; calls report(problem, arg) for each problem and fills *summary (caller
 * decrefs) with counts and the problems.  Returns the number of problems, or -1 and *cause.
 */
int	admin_verify(struct shop *, void (*report)(const char *, void *), void *arg,
	    json_t **summary, char **cause);

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
