/*
 * rekey — key rotation: a new master key for a store, everything that depends on the old one
 * moved to it in one transaction, and the shop's open vault replaced by the new one, so that a
 * running kiosk goes on without reopening.
 *
 * What moves: every live member gets a fresh data key, wrapped under the new key-wrapping key
 * with the key version one up, their profile sealed again under it, their blind indexes made
 * again; the consent and audit chains are MAC'd again (after they verified under the old key);
 * the key check; for a passphrase store, a new Argon2id salt and parameters.  What stays: the
 * reward-code key and the PIN key, which printed codes and PIN hashes depend on, carried over
 * sealed under the new master — unless the codes are rotated too: then a fresh code key is made
 * and every outstanding reward is issued again under it, its old code revoked as "replaced".
 */
#ifndef PREFKIOSK_REKEY_H
#define PREFKIOSK_REKEY_H

#include <stdbool.h>
#include <time.h>

#include "shop.h"

/* Where the new key comes from; the store says which applies (shop->passphrase). */
struct rekey_options {
	const char	*key_file;	/* a key-file store: its key file, to be replaced */
	const char	*passphrase;	/* a passphrase store: the new passphrase (12 or more) */
	bool		 codes;		/* a new reward-code key; outstanding codes replaced */
};

/* What a rotation did. */
struct rekey_report {
	long	members;		/* re-keyed */
	long	damaged;		/* their data did not open: left as it was */
	long	consent_records;	/* MAC'd again */
	long	audit_records;		/* MAC'd again (the rotation's own record not counted) */
	long	rewards_replaced;	/* issued again under the new code key */
};

/*
 * Rotate the keys of an open shop at now, in one transaction that also writes a "rekey" audit
 * record for actor (a staff name, or NULL for the command line, as audit_record).  A store
 * whose consent or audit chain does not verify is refused.
 *
 * 0: done; s->vault is the new key, the old one wiped and freed.
 * -1 with *cause: nothing changed.  (When the commit itself fails, a key-file store keeps
 * "<key file>.new": if the disk did take the commit after all, the next shop_open needs it.)
 * 1 with *cause: the store is re-keyed and s->vault is the new key, but "<key file>.new" could
 * not be renamed over the key file; the next shop_open finishes it.
 */
int	rekey_run(struct shop *, const struct rekey_options *, const char *actor, time_t now,
	    struct rekey_report *, char **cause);

#endif
