/*
 * rekey — one rotation, in this order:
 *
 *   1. a passphrase store's new key is derived first (Argon2id takes a second: not under the
 *      write lock);
 *   2. BEGIN IMMEDIATE, whose check (shop.c) proves the shop's key is still the store's;
 *   3. the consent and audit chains are checked under the old key — their MACs and heads, which
 *      is what a rotation MACs again: a broken chain is refused, since MAC'ing it again would
 *      launder the break.  (Columns that disagree with their signed bodies, and a redemption
 *      without its audit record, stay visible to `verify` after a rotation; checking them here
 *      would cost a JSON parse per record, most of the time of a rotation.)
 *   4. a key-file store's new key is written to "<key file>.new" under the write lock (two
 *      rotations cannot race for the file), 0600, fsynced with its directory, so that it is on
 *      disk before any commit needs it;
 *   5. members, chains, outstanding codes, key check, KDF parameters and carried keys are moved
 *      to the new key, with the audit record, and committed;
 *   6. the .new file is renamed over the key file; the WAL, which holds pages under the old
 *      keys, is truncated.
 *
 * Before the commit, a failure rolls the transaction back and removes the .new file.  Between
 * the commit and the rename, the store opens only with the .new file, which is why shop_open
 * finishes the rename when it finds one that matches.
 *
 * A member whose data does not open under the old key is counted and left as it is, rather than
 * stopping the rotation: it cannot be read under either key, so nothing is lost by leaving it,
 * and a rotation after a leaked key must not wait for a damaged row.  `verify` names it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "consent.h"
#include "customer.h"
#include "rekey.h"
#include "reward.h"
#include "util.h"

/* Both chains are intact under the shop's key; -1 and *cause, naming the first that is not. */
static int
rekey_verify(struct shop *s, char **cause)
{
	unsigned char	hub[16];
	size_t		len;
	int		n;

	/* Every terminal of a fleet holds the same key: one rotating alone would be cut off. */
	if ((n = store_meta_get(s->store, "hub_id", hub, sizeof hub, &len)) < 0)
		return store_fail(s->store, cause, "cannot read the store");
	if (n == 0)
		return util_fail(cause, "this store belongs to a fleet, whose terminals share one "
		    "key: a terminal cannot rotate it alone; nothing was changed");
	if ((n = consent_chain_intact(s, cause)) < 0)
		return -1;
	if (n > 0)
		return util_fail(cause, "the consent records do not verify (%d problem%s); nothing "
		    "was changed: run prefkiosk verify", n, n == 1 ? "" : "s");
	if ((n = audit_chain_intact(s, cause)) < 0)
		return -1;
	if (n > 0)
		return util_fail(cause, "the audit records do not verify (%d problem%s); nothing "
		    "was changed: run prefkiosk verify", n, n == 1 ? "" : "s");
	return 0;
}

/* The new key's meta rows: key check, carried keys, and a passphrase store's parameters. */
static int
rekey_meta(struct shop *s, const struct vault_kdf *kdf,
    const unsigned char carried[VAULT_CARRIED_BYTES], char **cause)
{
	unsigned char	check[VAULT_MAC_BYTES];

	vault_key_check(s->vault, check);
	if (store_meta_set(s->store, "key_check", check, sizeof check) != 0 ||
	    store_meta_set(s->store, "carried_keys", carried, VAULT_CARRIED_BYTES) != 0 ||
	    (kdf != NULL && store_meta_set(s->store, "kdf", kdf, sizeof *kdf) != 0))
		return store_fail(s->store, cause, "cannot write the new key check");
	return 0;
}

/* Write a new key file at next (a leftover of a rotation that never committed is replaced)
 * and open it; NULL and *cause. */
static struct vault *
rekey_keyfile(const char *next, char **cause)
{
	if (unlink(next) == -1 && errno != ENOENT) {
		util_fail(cause, "%s: cannot remove a key file left by an earlier rotation: %s",
		    next, strerror(errno));
		return NULL;
	}
	if (vault_keyfile_create(next, cause) != 0)
		return NULL;
	return vault_open_keyfile(next, cause);
}

/* After the commit: put the new key file in place.  0 done (by us, or by a shop_open that came
 * between), 1 and *cause when it is left for the next shop_open. */
static int
rekey_install(struct shop *s, const char *next, const char *key_file, char **cause)
{
	unsigned char	 want[VAULT_MAC_BYTES], got[VAULT_MAC_BYTES];
	struct vault	*v;

	if (vault_keyfile_install(next, key_file, NULL) == 0)
		return 0;
	vault_key_check(s->vault, want);
	if ((v = vault_open_keyfile(key_file, NULL)) != NULL) {
		vault_key_check(v, got);
		vault_free(v);
		if (sodium_memcmp(want, got, sizeof want) == 0)
			return 0;	/* a shop_open in between finished it */
	}
	util_fail(cause, "%s: the store was re-keyed, but %s could not replace the key file; "
	    "prefkiosk finishes it when it next opens the store (or: mv %s %s)",
	    store_path(s->store), next, next, key_file);
	return 1;
}

int
rekey_run(struct shop *s, const struct rekey_options *o, const char *actor, time_t now,
    struct rekey_report *r, char **cause)
{
	unsigned char		 carried[VAULT_CARRIED_BYTES];
	struct vault_kdf	 kdf;
	struct vault		*old = s->vault, *next = NULL;
	char			*next_file = NULL, *pass;
	int			 rc = -1;

	memset(r, 0, sizeof *r);
	if (s->passphrase ? o->passphrase == NULL : o->key_file == NULL)
		abort();	/* a bug: the caller says where the new key goes */
	if (s->passphrase) {
		/* Checked by the same rules as a passphrase for init. */
		if ((pass = shop_passphrase_new(o->passphrase, NULL, cause)) == NULL)
			return -1;
		vault_kdf_new(&kdf);
		next = vault_open_passphrase(pass, &kdf, cause);
		sodium_free(pass);
		if (next == NULL)
			return -1;
	}
	if (store_begin(s->store, cause) != 0) {
		vault_free(next);
		return -1;
	}
	if (rekey_verify(s, cause) != 0)
		goto rollback;
	if (!s->passphrase) {
		next_file = vault_keyfile_next(o->key_file);
		if ((next = rekey_keyfile(next_file, cause)) == NULL)
			goto rollback;
	}

	vault_carry(next, old, o->codes, carried);
	s->vault = next;
	if (customer_rekey(s, old, &r->members, &r->damaged, cause) != 0 ||
	    consent_rechain(s, &r->consent_records, cause) != 0 ||
	    audit_rechain(s, &r->audit_records, cause) != 0 ||
	    (o->codes && reward_replace(s, vault_code_key(old), now, &r->rewards_replaced,
	    cause) != 0) ||
	    rekey_meta(s, s->passphrase ? &kdf : NULL, carried, cause) != 0 ||
	    audit_record_locked(s, now, actor, "rekey", "store", cause) != 0)
		goto rollback;
	if (store_commit(s->store, cause) != 0) {
		/* Kept: a failed COMMIT (an I/O error at the fsync) may still be on disk. */
		s->vault = old;
		vault_free(next);
		goto out;
	}
	vault_free(old);
	rc = next_file != NULL ? rekey_install(s, next_file, o->key_file, cause) : 0;
	/* The WAL holds pages under the old keys; a reader may hold it back until later. */
	store_checkpoint(s->store, NULL);
	goto out;

rollback:
	store_rollback(s->store);
	s->vault = old;
	vault_free(next);
	if (next_file != NULL)
		unlink(next_file);
out:
	free(next_file);
	return rc;
}
