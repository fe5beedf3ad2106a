/*
 * sync — a terminal's part in a fleet: what it shares with the hub, what it takes from it, and
 * redemptions the hub decides.
 *
 * A store joins a fleet at its first sync: triggers then list every change worth sharing in the
 * outbox (members, notices, consent records, rewards, visits, feedback), and everything the
 * store held before is listed once.  A push turns outbox entries into events — the row as it is
 * now, as JSON, sealed under the fleet's hub key — and sends them; a pull applies other
 * terminals' events in the hub's order, each batch in one transaction with the cursor that
 * says how far it got, so an event is applied exactly once however often a sync is cut off.
 *
 * What an event carries is what the store holds: wrapped keys, sealed profiles and blind
 * indexes under the fleet's shared key, pseudonymous ids.  No event is opened into personal
 * data on its way: a terminal copies ciphertext.  Conflicts are settled the same way on every
 * terminal: a member's newer version (its stamp) wins, erasure wins over everything, a sign-in
 * value (card, phone, e-mail) two members claim stays with the one who signed up first, a
 * reward's redemption wins over its revocation and expiry, and of two redemptions the earlier.
 */
#ifndef PREFKIOSK_SYNC_H
#define PREFKIOSK_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "hub.h"
#include "reward.h"
#include "shop.h"

#define SYNC_BATCH	500	/* events a push or a pull moves at a time */

struct sync_result {
	long			 pushed, pulled;
	long			 conflicts;	/* sign-in values two members claimed */
	long			 orphans;	/* events about a member this store never had */
	long			 replayed;	/* events applied before, handed out again */
	int64_t			 cursor;	/* the hub's order, read up to here */
	struct hub_duplicate	*dups;		/* redemptions the hub saw made twice */
	size_t			 ndups;
};

void	 sync_result_free(struct sync_result *);

/* The hub's connection string: given, else $PREFKIOSK_HUB, else the config's ("" when none). */
const char *sync_conninfo(const struct shop *, const char *given);

/* Join (first time: the triggers and the outbox of everything held), then push and pull until
 * both are done.  -1 and *cause; what was done before a failure stays done. */
int	 sync_run(struct shop *, struct hub *, struct sync_result *, char **cause);

/* The steps, for tests and the bench: joining only this store (no hub), building up to max
 * events from the outbox, forgetting the outbox up to seq, applying events (a batch, one
 * transaction, advancing the cursor to the last one's seq). */
int	 sync_join_local(struct shop *, const unsigned char hub_id[HUB_ID_BYTES], char **cause);
int	 sync_outbox(struct shop *, size_t max, struct hub_event **out, size_t *n, char **cause);
int	 sync_outbox_done(struct shop *, int64_t upto, char **cause);
int	 sync_apply(struct shop *, const struct hub_event *, size_t n, struct sync_result *,
	     char **cause);

/* The JSON of a sync's result (duplicates named by their codes). */
json_t	*sync_result_json(struct shop *, const struct sync_result *);

/*
 * Redemptions with a hub: fleet_open keeps the hub's connection string and policy for the
 * desk and `redeem`; fleet_redeem redeems with the hub deciding (connecting first, and pulling
 * first when the code is not in the ledger yet).  A fleet without a connection string is no
 * fleet: fleet_open returns NULL.
 */
struct fleet;
struct fleet	*fleet_open(struct shop *, const char *conninfo);
void		 fleet_close(struct fleet *);
int		 fleet_redeem(struct fleet *, const char *input, const char *till,
		     const char *staff, time_t now, struct reward_ticket *t, char **cause);

/*
 * The kiosk's background sync: a thread with its own store connection and a copy of the keys,
 * syncing every interval seconds; the screen never waits for it.  Its last outcome is read with
 * sync_worker_status (a one-line error, which never holds personal data, or "").
 */
struct sync_worker;
struct sync_worker *sync_worker_start(struct shop *, const char *db, const char *conninfo,
		     int interval, char **cause);
void		 sync_worker_stop(struct sync_worker *);
struct sync_status {
	time_t	last_ok;	/* 0: none yet */
	long	pushed, pulled, duplicates;
	char	error[160];
};
void		 sync_worker_status(struct sync_worker *, struct sync_status *);

#endif
