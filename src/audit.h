/*
 * audit — what staff and admins did: an append-only, MAC-chained record of every sign-in, wrong
 * PIN, redemption, visit stamp, assisted sign-up, grant, export, purge, erasure on request and
 * staff change, with time, terminal, staff name, action and target.  A target is pseudonymous
 * (a member's uid, a reward's terminal:serial, a staff name), never personal data.
 *
 * Like the consent records: a trigger refuses UPDATE and DELETE; each record's MAC covers the
 * previous MAC and its canonical JSON body, under the chain key; a MAC of the chain's length and
 * last MAC in the meta table shows a record removed from the end (a redemption's record is
 * vouched for by the ledger instead: see audit.c).  `verify` names each break.
 */
#ifndef PREFKIOSK_AUDIT_H
#define PREFKIOSK_AUDIT_H

#include <stdio.h>
#include <time.h>

#include "shop.h"

/* Record one action in its own transaction.  staff may be NULL (the command line, run by
 * whoever holds the key), target may be NULL.  -1 with *cause. */
int	audit_record(struct shop *, time_t now, const char *staff, const char *action,
	    const char *target, char **cause);

/* The same inside the caller's transaction (the action and its record commit together). */
int	audit_record_locked(struct shop *, time_t now, const char *staff, const char *action,
	    const char *target, char **cause);

/* Write every record as a JSON line (its body and its id); -1 with *cause. */
int	audit_print(struct shop *, FILE *out, char **cause);

/* Check the chain: each problem goes to report; returns the number found, or -1 with *cause. */
int	audit_verify(struct shop *, void (*report)(const char *, void *), void *arg,
	    char **cause);

/*
 * For a key rotation: is the chain intact under the shop's key — its MACs and its head, what a
 * rotation MACs again (audit_verify also checks columns and the ledger)?  Returns the number of
 * problems, or -1 with *cause.  audit_rechain then MACs the records and the head again under
 * the (new) shop's key, inside the caller's transaction, the head where it was; *count receives
 * the number of records.
 */
int	audit_chain_intact(struct shop *, char **cause);
int	audit_rechain(struct shop *, long *count, char **cause);

#endif
