/*
 * vault — keys and cryptography.
 *
 * Invariants: the master key never leaves this file; subkeys are derived once at open and kept
 * in one sodium_malloc'd, locked block that is made read-only and wiped by vault_free (carried
 * keys are written into it once, right after, and it is made read-only again); every open or
 * verify result is checked by the caller through a return value; nothing here logs or prints.
 */
#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "base32.h"
#include "util.h"
#include "vault.h"

#define VAULT_KDF_CONTEXT	"prefkios"	/* crypto_kdf_CONTEXTBYTES = 8 */

/* The purposes of the subkeys; their numbers are part of the store format. */
enum vault_subkey {
	VAULT_SUBKEY_CHECK = 1,
	VAULT_SUBKEY_INDEX,
	VAULT_SUBKEY_CODE,
	VAULT_SUBKEY_WRAP,
	VAULT_SUBKEY_CHAIN,
	VAULT_SUBKEY_PIN,
	VAULT_SUBKEY_CARRY,		/* seals the keys carried over a rotation */
	VAULT_SUBKEY_HUB,		/* seals the events a fleet shares through its hub */
	VAULT_NSUBKEYS = VAULT_SUBKEY_HUB
};

struct vault {
	unsigned char			*keys;	/* sodium_malloc: VAULT_NSUBKEYS * VAULT_KEY_BYTES */
	crypto_generichash_state	*index;	/* sodium_malloc: BLAKE2b keyed for blind indexes */
	unsigned char			 check[VAULT_MAC_BYTES];	/* the key check: every
						 * write transaction compares it with the store's */
};

/* The subkey for a purpose. */
static const unsigned char *
vault_subkey(const struct vault *v, enum vault_subkey which)
{
	return v->keys + (which - 1) * VAULT_KEY_BYTES;
}

int
vault_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* A MAC of a fixed message under the check subkey. */
static void
vault_key_check_make(const struct vault *v, unsigned char out[VAULT_MAC_BYTES])
{
	static const char msg[] = "prefkiosk key check v1";

	crypto_generichash(out, VAULT_MAC_BYTES, (const unsigned char *)msg, sizeof msg - 1,
	    vault_subkey(v, VAULT_SUBKEY_CHECK), VAULT_KEY_BYTES);
}

/*
 * Memory for keys: sodium_malloc (guard pages around it, wiped by sodium_free) and locked, so
 * that it is never written to swap, where a key would outlive the process and the machine's
 * power.  sodium_malloc tries to lock it but carries on silently when it cannot (a
 * RLIMIT_MEMLOCK of 0); locking it again here reports that, and it is an error: a kiosk that
 * cannot keep its keys out of swap does not start.  NULL and *cause.
 */
static void *
vault_locked_alloc(size_t n, char **cause)
{
	void	*p;
	int	 saved;

	if ((p = sodium_malloc(n)) == NULL) {
		util_fail(cause, "out of memory");
		return NULL;
	}
	if (sodium_mlock(p, n) != 0) {
		saved = errno;
		sodium_free(p);
		util_fail(cause, "cannot lock the keys in memory (mlock: %s); allow this user at "
		    "least 64 KiB of locked memory (ulimit -l, or LimitMEMLOCK= for a service)",
		    strerror(saved));
		return NULL;
	}
	return p;
}

/* A vault with its locked memory, writable, keys not yet in it.  NULL and *cause. */
static struct vault *
vault_alloc(char **cause)
{
	struct vault	*v;

	if ((v = calloc(1, sizeof *v)) == NULL) {
		util_fail(cause, "out of memory");
		return NULL;
	}
	if ((v->keys = vault_locked_alloc(VAULT_NSUBKEYS * VAULT_KEY_BYTES, cause)) == NULL) {
		free(v);
		return NULL;
	}
	if ((v->index = vault_locked_alloc(sizeof *v->index, cause)) == NULL) {
		sodium_free(v->keys);
		free(v);
		return NULL;
	}
	return v;
}

/* Derive the subkeys from a master key into a new vault; the master key is not kept.  NULL
 * and *cause. */
static struct vault *
vault_from_master(const unsigned char *master, char **cause)
{
	struct vault	*v;
	int		 i;

	if ((v = vault_alloc(cause)) == NULL)
		return NULL;
	for (i = 1; i <= VAULT_NSUBKEYS; i++)
		crypto_kdf_derive_from_key(v->keys + (i - 1) * VAULT_KEY_BYTES, VAULT_KEY_BYTES,
		    (uint64_t)i, VAULT_KDF_CONTEXT, master);
	/* A keyed BLAKE2b starts by compressing the key; doing that once here halves the cost of
	 * every blind index, which is on the path of every sign-in. */
	crypto_generichash_init(v->index, vault_subkey(v, VAULT_SUBKEY_INDEX), VAULT_KEY_BYTES,
	    VAULT_INDEX_BYTES);
	vault_key_check_make(v, v->check);
	sodium_mprotect_readonly(v->keys);
	sodium_mprotect_readonly(v->index);
	return v;
}

struct vault *
vault_copy(const struct vault *from, char **cause)
{
	struct vault	*v;

	if ((v = vault_alloc(cause)) == NULL)
		return NULL;
	memcpy(v->keys, from->keys, VAULT_NSUBKEYS * VAULT_KEY_BYTES);
	memcpy(v->index, from->index, sizeof *v->index);
	memcpy(v->check, from->check, sizeof v->check);
	sodium_mprotect_readonly(v->keys);
	sodium_mprotect_readonly(v->index);
	return v;
}

/* fsync the directory holding path, so that a file created or renamed there survives a power
 * cut: a store whose key file vanished would be lost.  -1 with errno. */
static int
vault_sync_dir(const char *path)
{
	char	*copy = util_xstrdup(path);
	int	 fd, rc = -1;

	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

int
vault_keyfile_create(const char *path, char **cause)
{
	unsigned char	*key;
	int		 fd, rc = -1;

	if ((key = sodium_malloc(VAULT_KEY_BYTES)) == NULL)
		return util_fail(cause, "out of memory");
	randombytes_buf(key, VAULT_KEY_BYTES);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			util_fail(cause, "%s: a key file already exists; refusing to overwrite it",
			    path);
		else
			util_fail(cause, "%s: cannot create the key file: %s", path,
			    strerror(errno));
		goto out;
	}
	if (write(fd, key, VAULT_KEY_BYTES) != VAULT_KEY_BYTES || fsync(fd) == -1) {
		util_fail(cause, "%s: cannot write the key file: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		goto out;
	}
	if (close(fd) == -1 || vault_sync_dir(path) == -1) {
		util_fail(cause, "%s: cannot write the key file: %s", path, strerror(errno));
		unlink(path);
		goto out;
	}
	rc = 0;
out:
	sodium_free(key);
	return rc;
}

char *
vault_keyfile_next(const char *path)
{
	return util_xprintf("%s.new", path);
}

int
vault_keyfile_install(const char *from, const char *to, char **cause)
{
	if (rename(from, to) == -1)
		return util_fail(cause, "%s: cannot replace the key file with %s: %s", to, from,
		    strerror(errno));
	if (vault_sync_dir(to) == -1)
		return util_fail(cause, "%s: cannot make the new key file durable: %s", to,
		    strerror(errno));
	return 0;
}

struct vault *
vault_open_keyfile(const char *path, char **cause)
{
	unsigned char	*key = NULL;
	struct vault	*v = NULL;
	struct stat	 sb;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		util_fail(cause, "%s: cannot open the key file: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1) {
		util_fail(cause, "%s: cannot read the key file: %s", path, strerror(errno));
		goto out;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		util_fail(cause, "%s: the key file is readable by others (mode %03o); "
		    "run: chmod 600 %s", path, (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	if (sb.st_size != VAULT_KEY_BYTES) {
		util_fail(cause, "%s: not a prefkiosk key file (it must hold exactly %d bytes)",
		    path, VAULT_KEY_BYTES);
		goto out;
	}
	if ((key = vault_locked_alloc(VAULT_KEY_BYTES, cause)) == NULL)
		goto out;
	n = read(fd, key, VAULT_KEY_BYTES);
	if (n != VAULT_KEY_BYTES) {
		util_fail(cause, "%s: cannot read the key file", path);
		goto out;
	}
	v = vault_from_master(key, cause);
out:
	sodium_free(key);
	close(fd);
	return v;
}

void
vault_kdf_new(struct vault_kdf *kdf)
{
	randombytes_buf(kdf->salt, sizeof kdf->salt);
	kdf->opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
	kdf->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

struct vault *
vault_open_passphrase(const char *passphrase, const struct vault_kdf *kdf, char **cause)
{
	unsigned char	*key;
	struct vault	*v = NULL;

	if (passphrase[0] == '\0') {
		util_fail(cause, "the passphrase is empty");
		return NULL;
	}
	if ((key = vault_locked_alloc(VAULT_KEY_BYTES, cause)) == NULL)
		return NULL;
	if (crypto_pwhash(key, VAULT_KEY_BYTES, passphrase, strlen(passphrase), kdf->salt,
	    kdf->opslimit, (size_t)kdf->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		util_fail(cause, "cannot derive the key from the passphrase (out of memory)");
	else
		v = vault_from_master(key, cause);
	sodium_free(key);
	return v;
}

void
vault_free(struct vault *v)
{
	if (v == NULL)
		return;
	sodium_free(v->keys);
	sodium_free(v->index);
	free(v);
}

void
vault_key_check(const struct vault *v, unsigned char out[VAULT_MAC_BYTES])
{
	memcpy(out, v->check, VAULT_MAC_BYTES);
}

void
vault_blind_index(const struct vault *v, const char *kind, const char *normal,
    unsigned char out[VAULT_INDEX_BYTES])
{
	crypto_generichash_state st = *v->index;

	/* The kind and a NUL separate domains: a card number never matches a phone number. */
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)normal, strlen(normal));
	crypto_generichash_final(&st, out, VAULT_INDEX_BYTES);
	sodium_memzero(&st, sizeof st);
}

void
vault_chain_mac(const struct vault *v, const unsigned char prev[VAULT_MAC_BYTES],
    const void *data, size_t len, unsigned char out[VAULT_MAC_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, vault_subkey(v, VAULT_SUBKEY_CHAIN), VAULT_KEY_BYTES,
	    VAULT_MAC_BYTES);
	crypto_generichash_update(&st, prev, VAULT_MAC_BYTES);
	crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, out, VAULT_MAC_BYTES);
}

void
vault_head_mac(const struct vault *v, const char *label, int64_t count,
    const unsigned char last[VAULT_MAC_BYTES], unsigned char out[VAULT_MAC_BYTES])
{
	unsigned char	zero[VAULT_MAC_BYTES] = { 0 };
	unsigned char	buf[8 + 8 + VAULT_MAC_BYTES];
	size_t		n = strlen(label);
	int		i;

	assert(n <= 8);
	memcpy(buf, label, n);
	for (i = 0; i < 8; i++)
		buf[n + (size_t)i] = (unsigned char)((uint64_t)count >> (56 - 8 * i));
	memcpy(buf + n + 8, last, VAULT_MAC_BYTES);
	vault_chain_mac(v, zero, buf, n + 8 + VAULT_MAC_BYTES, out);
}

void
vault_hub_check(const struct vault *v, unsigned char out[VAULT_MAC_BYTES])
{
	static const char msg[] = "prefkiosk hub check v1";

	crypto_generichash(out, VAULT_MAC_BYTES, (const unsigned char *)msg, sizeof msg - 1,
	    vault_subkey(v, VAULT_SUBKEY_HUB), VAULT_KEY_BYTES);
}

/* An event's place as the associated data's "uid": its origin and number. */
static void
vault_event_place(char *buf, size_t size, int origin, int64_t oseq)
{
	snprintf(buf, size, "%d:%lld", origin, (long long)oseq);
}

void
vault_event_seal(const struct vault *v, int origin, int64_t oseq, const char *kind,
    const void *plain, size_t len, unsigned char *out)
{
	char	place[48];

	vault_event_place(place, sizeof place, origin, oseq);
	vault_seal(vault_subkey(v, VAULT_SUBKEY_HUB), "events", kind, place, 0, plain, len, out);
}

int
vault_event_open(const struct vault *v, int origin, int64_t oseq, const char *kind,
    const unsigned char *sealed, size_t len, void *out)
{
	char	place[48];

	vault_event_place(place, sizeof place, origin, oseq);
	return vault_unseal(vault_subkey(v, VAULT_SUBKEY_HUB), "events", kind, place, 0, sealed,
	    len, out);
}

const unsigned char *
vault_code_key(const struct vault *v)
{
	return vault_subkey(v, VAULT_SUBKEY_CODE);
}

/* Put carried keys (the code key, then the PIN key) in place of a vault's own. */
static void
vault_carried_set(struct vault *v, const unsigned char plain[2 * VAULT_KEY_BYTES])
{
	sodium_mprotect_readwrite(v->keys);
	memcpy(v->keys + (VAULT_SUBKEY_CODE - 1) * VAULT_KEY_BYTES, plain, VAULT_KEY_BYTES);
	memcpy(v->keys + (VAULT_SUBKEY_PIN - 1) * VAULT_KEY_BYTES, plain + VAULT_KEY_BYTES,
	    VAULT_KEY_BYTES);
	sodium_mprotect_readonly(v->keys);
}

void
vault_carry(struct vault *v, const struct vault *old, bool new_code_key,
    unsigned char carried[VAULT_CARRIED_BYTES])
{
	unsigned char	plain[2 * VAULT_KEY_BYTES];

	if (new_code_key)
		randombytes_buf(plain, VAULT_KEY_BYTES);
	else
		memcpy(plain, vault_subkey(old, VAULT_SUBKEY_CODE), VAULT_KEY_BYTES);
	memcpy(plain + VAULT_KEY_BYTES, vault_subkey(old, VAULT_SUBKEY_PIN), VAULT_KEY_BYTES);
	vault_seal(vault_subkey(v, VAULT_SUBKEY_CARRY), "meta", "carried_keys", "", 0, plain,
	    sizeof plain, carried);
	vault_carried_set(v, plain);
	sodium_memzero(plain, sizeof plain);
}

int
vault_carry_open(struct vault *v, const unsigned char *carried, size_t len)
{
	unsigned char	plain[2 * VAULT_KEY_BYTES];

	if (len != VAULT_CARRIED_BYTES || vault_unseal(vault_subkey(v, VAULT_SUBKEY_CARRY), "meta",
	    "carried_keys", "", 0, carried, len, plain) != 0)
		return -1;
	vault_carried_set(v, plain);
	sodium_memzero(plain, sizeof plain);
	return 0;
}

/*
 * Associated data: "table\0column\0uid\0" then the key version, big-endian.  The NULs keep
 * ("ab","c") and ("a","bc") apart.  Returns its length; buf holds at least 256 bytes and the
 * names are ours (never customer input), so they are short.
 */
static size_t
vault_ad(unsigned char *buf, size_t size, const char *table, const char *column,
    const char *uid, uint32_t keyver)
{
	size_t	n = 0;
	const char *parts[3] = { table, column, uid };
	int	i;

	for (i = 0; i < 3; i++) {
		size_t len = strlen(parts[i]) + 1;
		if (n + len + 4 > size)
			abort();	/* a bug: names are compile-time constants and uids */
		memcpy(buf + n, parts[i], len);
		n += len;
	}
	buf[n++] = keyver >> 24;
	buf[n++] = keyver >> 16;
	buf[n++] = keyver >> 8;
	buf[n++] = keyver;
	return n;
}

void
vault_seal(const unsigned char *datakey, const char *table, const char *column,
    const char *uid, uint32_t keyver, const void *plain, size_t len, unsigned char *out)
{
	unsigned char	ad[256];
	size_t		adlen = vault_ad(ad, sizeof ad, table, column, uid, keyver);

	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	    out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, plain, len, ad, adlen,
	    NULL, out, datakey);
}

int
vault_unseal(const unsigned char *datakey, const char *table, const char *column,
    const char *uid, uint32_t keyver, const unsigned char *sealed, size_t len, void *out)
{
	unsigned char	ad[256];
	size_t		adlen;

	if (len < VAULT_SEAL_OVERHEAD)
		return -1;
	adlen = vault_ad(ad, sizeof ad, table, column, uid, keyver);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL,
	    sealed + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, ad, adlen, sealed,
	    datakey) != 0)
		return -1;
	return 0;
}

unsigned char *
vault_datakey_new(void)
{
	unsigned char	*k = util_secret_alloc(VAULT_KEY_BYTES);

	crypto_aead_xchacha20poly1305_ietf_keygen(k);
	return k;
}

void
vault_datakey_free(unsigned char *k)
{
	util_secret_free(k);	/* wipes; NULL is a no-op */
}

void
vault_datakey_wrap(const struct vault *v, const unsigned char *datakey, const char *uid,
    uint32_t keyver, unsigned char out[VAULT_WRAPPED_BYTES])
{
	vault_seal(vault_subkey(v, VAULT_SUBKEY_WRAP), "customers", "data_key", uid, keyver,
	    datakey, VAULT_KEY_BYTES, out);
}

unsigned char *
vault_datakey_unwrap(const struct vault *v, const unsigned char *wrapped, size_t len,
    const char *uid, uint32_t keyver)
{
	unsigned char	*k;

	if (len != VAULT_WRAPPED_BYTES)
		return NULL;
	k = util_secret_alloc(VAULT_KEY_BYTES);
	if (vault_unseal(vault_subkey(v, VAULT_SUBKEY_WRAP), "customers", "data_key", uid,
	    keyver, wrapped, len, k) != 0) {
		util_secret_free(k);
		return NULL;
	}
	return k;
}

/*
 * The PIN is peppered before Argon2id: a keyed BLAKE2b of it under a subkey, in hex.  A PIN has
 * few possible values, so without the pepper a copy of the store alone would give up every PIN
 * hash to a brute-force search; with it, the key is needed too.
 */
static void
vault_pin_pepper(const struct vault *v, const char *pin, char out[2 * VAULT_MAC_BYTES + 1])
{
	unsigned char	mac[VAULT_MAC_BYTES];

	crypto_generichash(mac, sizeof mac, (const unsigned char *)pin, strlen(pin),
	    vault_subkey(v, VAULT_SUBKEY_PIN), VAULT_KEY_BYTES);
	sodium_bin2hex(out, 2 * VAULT_MAC_BYTES + 1, mac, sizeof mac);
	sodium_memzero(mac, sizeof mac);
}

int
vault_pin_hash(const struct vault *v, const char *pin, char out[VAULT_PIN_HASH_BYTES])
{
	char	pepper[2 * VAULT_MAC_BYTES + 1];
	int	rc;

	vault_pin_pepper(v, pin, pepper);
	rc = crypto_pwhash_str(out, pepper, strlen(pepper), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
	sodium_memzero(pepper, sizeof pepper);
	return rc;
}

int
vault_pin_verify(const struct vault *v, const char *hash, const char *pin)
{
	char	pepper[2 * VAULT_MAC_BYTES + 1];
	int	rc;

	vault_pin_pepper(v, pin, pepper);
	rc = crypto_pwhash_str_verify(hash, pepper, strlen(pepper)) == 0 ? 0 : -1;
	sodium_memzero(pepper, sizeof pepper);
	return rc;
}

void
vault_random_id(char *out, size_t nbytes)
{
	unsigned char	buf[64];

	if (nbytes > sizeof buf)
		abort();
	randombytes_buf(buf, nbytes);
	base32_encode(buf, nbytes, out);
}
