/*
 * hub — the fleet's PostgreSQL hub, through libpq: its schema, terminals joining it, sealed
 * events pushed and pulled, and the claim that makes a redemption unique fleet-wide.
 *
 * The hub is a mailbox, not a database of members: it holds events sealed under a key it never
 * sees (vault_event_seal), in the order they arrived, and the few facts it must decide on in
 * clear: which reward ids were redeemed, when and at which terminal.  Pushes take one advisory
 * lock, so the hub's order is the order in which pushes commit and a terminal that has read up
 * to event n never misses one below n.  Every call is one transaction: a hub that goes away
 * mid-call leaves nothing half done.
 */
#ifndef PREFKIOSK_HUB_H
#define PREFKIOSK_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HUB_VERSION	1	/* the hub schema this binary writes */
#define HUB_ID_BYTES	16	/* a hub's and a store's random identity */
#define HUB_KIND_MAX	16

struct hub;

struct hub_event {
	int64_t		 seq;		/* pulled: its place in the hub's order */
	int		 origin;	/* the terminal it comes from */
	int64_t		 oseq;		/* its number there */
	char		 kind[HUB_KIND_MAX];
	int64_t		 reward;	/* a redeemed reward's id, for the hub's claims; else 0 */
	int64_t		 redeemed_at;
	const char	*till;		/* where it was redeemed (pushing) */
	unsigned char	*body;		/* sealed */
	size_t		 len;
};

/* Who redeemed a reward first, as the hub knows it. */
struct hub_claim {
	int	terminal;
	int64_t	at;
	char	till[65];
};

/* A redemption pushed for a reward the hub had seen redeemed elsewhere first. */
struct hub_duplicate {
	int64_t			reward;
	int64_t			at;		/* ours */
	struct hub_claim	first;
};

/* Connect (5 s connect timeout unless conninfo says otherwise); NULL and *cause. */
struct hub	*hub_connect(const char *conninfo, char **cause);
void		 hub_close(struct hub *);

/* Create the schema or migrate it to HUB_VERSION; *from receives the version it had. */
int		 hub_init(struct hub *, int *from, char **cause);

/*
 * Join: the hub's schema must be HUB_VERSION; the first terminal's key check is kept and every
 * later one must match it; a terminal number belongs to the first store that joins with it.
 * hub_id receives the hub's identity.  -1 and *cause (saying what to do).
 */
int		 hub_join(struct hub *, int terminal, const unsigned char store[HUB_ID_BYTES],
		     const unsigned char check[32], unsigned char hub_id[HUB_ID_BYTES],
		     char **cause);

/* The highest event number of terminal the hub holds (0 for none); -1 and *cause. */
int		 hub_pushed(struct hub *, int terminal, int64_t *oseq, char **cause);

/*
 * Push n events of terminal in one transaction; an event the hub has already (same origin and
 * number) is left as it is.  A redemption whose reward the hub saw redeemed first by another
 * terminal or at another time is a duplicate: recorded on the hub and returned in *dups
 * (*ndups, caller frees).  -1 and *cause.
 */
int		 hub_push(struct hub *, int terminal, const struct hub_event *, size_t n,
		     struct hub_duplicate **dups, size_t *ndups, char **cause);

/* Up to max events of other terminals after seq, in the hub's order (caller frees with
 * hub_events_free); the terminal's progress is noted on the hub.  -1 and *cause. */
int		 hub_pull(struct hub *, int terminal, int64_t after, size_t max,
		     struct hub_event **out, size_t *n, char **cause);
void		 hub_events_free(struct hub_event *, size_t n);

/* Did a query of this connection miss its deadline (the hub hangs)?  Such a connection is
 * not used again; a new one would wait for the hub as long. */
bool		 hub_stuck(const struct hub *);

/* Claim a reward for a redemption: 1 claimed by us now, 0 taken before (*first says by whom),
 * -1 and *cause when the hub cannot decide (unreachable). */
int		 hub_claim(struct hub *, int64_t reward, int terminal, int64_t at,
		     const char *till, struct hub_claim *first, char **cause);

#endif
