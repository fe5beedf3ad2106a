/*
 * vault — every key and every cryptographic operation of prefkiosk, on libsodium 1.0.18.
 *
 * The master key (32 bytes) comes from a key file or from a passphrase through Argon2id.  From
 * it, crypto_kdf_derive_from_key derives one subkey per purpose: blind indexes, reward codes,
 * wrapping customer keys, the consent-chain MAC, PIN peppers, and a key check that tells a wrong
 * key from a right one without touching any data.  Two of them outlive a key rotation, because
 * what they protect cannot be made again without the customer: the reward-code key (printed
 * codes) and the PIN key (PIN hashes).  After a rotation the store keeps them sealed under a
 * subkey of the new master, and the vault uses those carried keys instead of deriving its own.
 * Each customer has a random data key, wrapped by the key-wrapping key; profile fields are sealed
 * under it with XChaCha20-Poly1305, with associated data that binds table, column, customer and
 * key version, so a ciphertext moved to another row or column fails to open.  The master's
 * subkeys live in sodium_malloc'd memory, guarded and locked against swapping (a vault whose
 * keys cannot be locked is not opened); a member's data key lives only as long as one
 * operation and is wiped when freed.
 */
#ifndef PREFKIOSK_VAULT_H
#define PREFKIOSK_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VAULT_KEY_BYTES		32
#define VAULT_SALT_BYTES	16	/* crypto_pwhash_SALTBYTES */
#define VAULT_SEAL_OVERHEAD	40	/* nonce (24) + tag (16) */
#define VAULT_WRAPPED_BYTES	(VAULT_KEY_BYTES + VAULT_SEAL_OVERHEAD)
#define VAULT_INDEX_BYTES	16	/* a blind index: truncated keyed BLAKE2b */
#define VAULT_MAC_BYTES		32
#define VAULT_PIN_HASH_BYTES	128	/* crypto_pwhash_STRBYTES */
#define VAULT_CARRIED_BYTES	(2 * VAULT_KEY_BYTES + VAULT_SEAL_OVERHEAD)

struct vault;

/* Argon2id parameters of a passphrase store (kept in the store's meta table). */
struct vault_kdf {
	unsigned char	salt[VAULT_SALT_BYTES];
	uint64_t	opslimit;
	uint64_t	memlimit;
};

/* Must be called once before anything else; -1 if libsodium cannot start. */
int		 vault_init(void);

/* Write a new random key file with mode 0600 and make it durable (the file and its directory
 * entry); refuses to overwrite.  -1 and *cause on error. */
int		 vault_keyfile_create(const char *path, char **cause);

/* Where a rotation writes the next key file before it replaces path: path + ".new" (caller
 * frees). */
char		*vault_keyfile_next(const char *path);

/* Put the key file at from in place of to (rename, then fsync the directory); -1 and *cause. */
int		 vault_keyfile_install(const char *from, const char *to, char **cause);

/* Load a key file (must be 32 bytes, not readable by group or others); NULL and *cause. */
struct vault	*vault_open_keyfile(const char *path, char **cause);

/* Derive the master key from a passphrase with Argon2id; NULL and *cause. */
struct vault	*vault_open_passphrase(const char *passphrase, const struct vault_kdf *,
		     char **cause);

/* Fresh Argon2id parameters (random salt, interactive limits). */
void		 vault_kdf_new(struct vault_kdf *);

/* Wipe and free; NULL is a no-op. */
void		 vault_free(struct vault *);

/* A MAC of a fixed message that identifies the key without revealing it. */
void		 vault_key_check(const struct vault *, unsigned char out[VAULT_MAC_BYTES]);

/* Blind index of a normalised value of a kind ("card", "phone", "email"). */
void		 vault_blind_index(const struct vault *, const char *kind, const char *normal,
		     unsigned char out[VAULT_INDEX_BYTES]);

/* MAC chaining one record to the previous: out = MAC(prev || data). */
void		 vault_chain_mac(const struct vault *, const unsigned char prev[VAULT_MAC_BYTES],
		     const void *data, size_t len, unsigned char out[VAULT_MAC_BYTES]);

/* The MAC of a chain's end: label (at most 8 bytes), then the number of records as 8 bytes
 * big-endian, then the last record's MAC, under the chain key with a zero "previous". */
void		 vault_head_mac(const struct vault *, const char *label, int64_t count,
		     const unsigned char last[VAULT_MAC_BYTES], unsigned char out[VAULT_MAC_BYTES]);

/*
 * The fleet hub.  Events a terminal shares are sealed under a subkey of the master, with their
 * origin terminal, number and kind as associated data, so the hub holds nothing it can read and
 * an event moved to another place, or another company's, does not open.  The hub check is a
 * MAC of a fixed message under that subkey: the hub keeps the first one it is shown and refuses
 * terminals whose key differs.  vault_event_open returns -1 when the event does not open.
 */
void		 vault_hub_check(const struct vault *, unsigned char out[VAULT_MAC_BYTES]);
void		 vault_event_seal(const struct vault *, int origin, int64_t oseq,
		     const char *kind, const void *plain, size_t len, unsigned char *out);
int		 vault_event_open(const struct vault *, int origin, int64_t oseq,
		     const char *kind, const unsigned char *sealed, size_t len, void *out);

/* A second vault with the same keys, for a thread that works beside the one that opened it
 * (the kiosk's background sync).  NULL and *cause. */
struct vault	*vault_copy(const struct vault *, char **cause);

/* The reward-code key (borrowed, VAULT_KEY_BYTES). */
const unsigned char *vault_code_key(const struct vault *);

/*
 * Keys carried over a rotation.  vault_carry gives v, a vault of the new master, the reward-code
 * and PIN keys of old — or, with new_code_key, a fresh random reward-code key — and seals both
 * under a subkey of v's master into carried, for the store to keep.  vault_carry_open puts
 * carried keys into a vault just opened; -1 when they do not open under its master.
 */
void		 vault_carry(struct vault *v, const struct vault *old, bool new_code_key,
		     unsigned char carried[VAULT_CARRIED_BYTES]);
int		 vault_carry_open(struct vault *v, const unsigned char *carried, size_t len);

/*
 * A customer's data key, in memory wiped when freed (util_secret_alloc).  _new makes a random one; _wrap seals it
 * for customer uid under the key-wrapping key; _unwrap opens it (NULL when the wrapping does
 * not open: wrong key, tampering, or a key of another customer).
 */
unsigned char	*vault_datakey_new(void);
void		 vault_datakey_free(unsigned char *);
void		 vault_datakey_wrap(const struct vault *, const unsigned char *datakey,
		     const char *uid, uint32_t keyver, unsigned char out[VAULT_WRAPPED_BYTES]);
unsigned char	*vault_datakey_unwrap(const struct vault *, const unsigned char *wrapped,
		     size_t len, const char *uid, uint32_t keyver);

/*
 * Seal len bytes of plaintext for (table, column, uid, keyver) into out, which has room for
 * len + VAULT_SEAL_OVERHEAD bytes.  Open reverses it into out (len - VAULT_SEAL_OVERHEAD
 * bytes) and returns 0, or -1 when the ciphertext does not open under these bindings.
 */
void		 vault_seal(const unsigned char *datakey, const char *table, const char *column,
		     const char *uid, uint32_t keyver, const void *plain, size_t len,
		     unsigned char *out);
int		 vault_unseal(const unsigned char *datakey, const char *table, const char *column,
		     const char *uid, uint32_t keyver, const unsigned char *sealed, size_t len,
		     void *out);

/* Argon2id hash of a peppered PIN (a NUL-terminated string in out); -1 when out of memory.
 * The pepper is keyed, so a copy of the store alone cannot be searched for PINs. */
int		 vault_pin_hash(const struct vault *, const char *pin,
		     char out[VAULT_PIN_HASH_BYTES]);
/* 0 when pin matches hash, -1 otherwise. */
int		 vault_pin_verify(const struct vault *, const char *hash, const char *pin);

/* Random identifiers: n random bytes in Crockford base32 into out (2n chars + NUL at most). */
void		 vault_random_id(char *out, size_t nbytes);

#endif
