/*
 * shop — open the pieces of a prefkiosk in order: config, catalogue, store, key.
 *
 * The store remembers how its key is made: a "kdf" meta row with Argon2id parameters means a
 * passphrase store, none means a key file.  The "key_check" row is a MAC of a fixed message
 * under a subkey; a key that does not reproduce it is the wrong key.  After a rotation the
 * "carried_keys" row holds the reward-code and PIN keys, sealed under the new master (vault.h).
 *
 * A rotation of a key-file store (rekey.c) writes the new key to "<key file>.new", commits, then
 * renames it over the key file.  Dying in between leaves a store that only the .new file opens,
 * so a key file that does not match is forgiven when its .new does: the rename is finished here.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "consent.h"
#include "shop.h"
#include "util.h"

#define SHOP_DEFAULT_DB		"/var/lib/prefkiosk/prefkiosk.db"
#define SHOP_DEFAULT_KEY	"/var/lib/prefkiosk/prefkiosk.key"
#define SHOP_PASSPHRASE_MAX	1024

/*
 * The key as a systemd credential, when the service has one: systemd decrypts it (a
 * TPM-bound LoadCredentialEncrypted=) into a private, unswappable file of mode 0400 that only
 * this service sees.  Its path in buf[size], or NULL when there is none.
 */
static const char *
shop_key_credential(char *buf, size_t size)
{
	const char	*dir = getenv("CREDENTIALS_DIRECTORY");
	int		 n;

	if (dir == NULL || *dir == '\0')
		return NULL;
	n = snprintf(buf, size, "%s/%s", dir, SHOP_KEY_CREDENTIAL);
	if (n < 0 || (size_t)n >= size || access(buf, F_OK) != 0)
		return NULL;
	return buf;
}

void
shop_paths_default(struct shop_paths *p, char *credential, size_t size)
{
	const char	*e;

	p->db = (e = getenv("PREFKIOSK_DB")) != NULL && *e ? e : SHOP_DEFAULT_DB;
	p->config = (e = getenv("PREFKIOSK_CONFIG")) != NULL && *e ? e : PREFKIOSK_SYSCONFDIR;
	if ((e = getenv("PREFKIOSK_KEY_FILE")) != NULL && *e)
		p->key_file = e;
	else if ((p->key_file = shop_key_credential(credential, size)) == NULL)
		p->key_file = SHOP_DEFAULT_KEY;
	p->passphrase = (e = getenv("PREFKIOSK_PASSPHRASE")) != NULL ? e : NULL;
}

/* Ask for a passphrase on the terminal without echo; NULL when there is no terminal (the
 * reason names the environment variable env to set instead). */
static char *
shop_prompt(const char *prompt, const char *env, char **cause)
{
	struct termios	 old, quiet;
	char		*buf;
	FILE		*tty;
	size_t		 len;

	if ((tty = fopen("/dev/tty", "r+")) == NULL) {
		util_fail(cause, "there is no terminal to ask for the passphrase; set %s", env);
		return NULL;
	}
	buf = sodium_malloc(SHOP_PASSPHRASE_MAX);
	if (buf == NULL) {
		fclose(tty);
		util_fail(cause, "out of memory");
		return NULL;
	}
	/* Echo goes off before the prompt shows: TCSAFLUSH drops what was typed before it. */
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fputs(prompt, tty);
	fflush(tty);
	if (fgets(buf, SHOP_PASSPHRASE_MAX, tty) == NULL)
		buf[0] = '\0';
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

/* Open the key of a store: its passphrase when it has KDF parameters, else the key file. */
static struct vault *
shop_key(struct shop *s, const struct shop_paths *p, char **cause)
{
	struct vault_kdf	 kdf;
	struct vault		*v;
	char			*asked;
	size_t			 len;
	int			 rc;

	rc = store_meta_get(s->store, "kdf", &kdf, sizeof kdf, &len);
	if (rc < 0 || (rc == 0 && len != sizeof kdf)) {
		util_fail(cause, "%s: the key parameters are damaged", store_path(s->store));
		return NULL;
	}
	s->passphrase = rc == 0;
	if (!s->passphrase)
		return vault_open_keyfile(p->key_file, cause);
	if (p->passphrase != NULL)
		return vault_open_passphrase(p->passphrase, &kdf, cause);
	if ((asked = shop_prompt("prefkiosk passphrase: ", "PREFKIOSK_PASSPHRASE", cause)) ==
	    NULL)
		return NULL;
	v = vault_open_passphrase(asked, &kdf, cause);
	sodium_free(asked);
	return v;
}

/* Compare a key with the store's key check: 0 it is the store's, 1 it is another, -1 and
 * *cause when the store has no key check. */
static int
shop_key_matches(struct store *st, const struct vault *v, char **cause)
{
	unsigned char	want[VAULT_MAC_BYTES], got[VAULT_MAC_BYTES];
	size_t		len;

	if (store_meta_get(st, "key_check", want, sizeof want, &len) != 0 || len != sizeof want)
		return util_fail(cause, "%s: the store has no key check; it was not made by "
		    "prefkiosk init", store_path(st));
	vault_key_check(v, got);
	return sodium_memcmp(want, got, sizeof want) == 0 ? 0 : 1;
}

/* store_begin's check: the key this process holds is still the store's. */
static int
shop_key_current(struct store *st, void *arg, char **cause)
{
	struct shop	*s = arg;
	int		 rc;

	if ((rc = shop_key_matches(st, s->vault, cause)) == 1)
		return util_fail(cause, "%s: the store's key was rotated (prefkiosk rekey) since "
		    "this prefkiosk opened it; nothing was changed: restart prefkiosk",
		    store_path(st));
	return rc;
}

/*
 * Finish a rotation that committed but did not rename its new key file into place: when
 * "<key file>.new" opens the store, it becomes the key file.  0 done (s->vault is the new key),
 * 1 nothing to finish, -1 and *cause when the rename fails.
 */
static int
shop_recover(struct shop *s, const char *key_file, char **cause)
{
	struct vault	*v;
	char		*next = vault_keyfile_next(key_file);
	int		 rc = 1;

	if ((v = vault_open_keyfile(next, NULL)) == NULL ||
	    shop_key_matches(s->store, v, NULL) != 0)
		goto out;
	if ((rc = vault_keyfile_install(next, key_file, cause)) != 0) {
		util_fail(cause, "%s: a key rotation committed but its new key file %s could not "
		    "replace the key file; move it there by hand (mv %s %s)", store_path(s->store),
		    next, next, key_file);
		goto out;
	}
	vault_free(s->vault);
	s->vault = v;
	v = NULL;
out:
	vault_free(v);
	free(next);
	return rc;
}

/* Check the key against the store, finishing an interrupted rotation; then take the keys a
 * rotation carried over. */
static int
shop_check_key(struct shop *s, const struct shop_paths *p, char **cause)
{
	unsigned char	carried[VAULT_CARRIED_BYTES];
	size_t		len;
	int		rc;

	if ((rc = shop_key_matches(s->store, s->vault, cause)) == 1 &&
	    (s->passphrase || (rc = shop_recover(s, p->key_file, cause)) == 1))
		return util_fail(cause, "%s: the key does not match this store; nothing was "
		    "changed (check --key-file or the passphrase)", store_path(s->store));
	if (rc != 0)
		return -1;
	rc = store_meta_get(s->store, "carried_keys", carried, sizeof carried, &len);
	if (rc < 0 || (rc == 0 && vault_carry_open(s->vault, carried, len) != 0))
		return util_fail(cause, "%s: the keys carried over the last key rotation do not "
		    "open; run prefkiosk verify", store_path(s->store));
	return 0;
}

/* A store made with init --terminal is that terminal's, whatever the config says. */
static int
shop_terminal(struct shop *s, char **cause)
{
	unsigned char	buf[4];
	size_t		len;
	int		rc;

	if ((rc = store_meta_get(s->store, "terminal", buf, sizeof buf, &len)) == 1)
		return 0;
	if (rc != 0 || len != sizeof buf)
		return util_fail(cause, "%s: its terminal number is damaged; run prefkiosk verify",
		    store_path(s->store));
	s->config->terminal_id = (int)((unsigned)buf[0] << 8 | buf[1]);
	return 0;
}

struct shop *
shop_open_catalog(const struct shop_paths *p, int *exitcode, char **cause)
{
	struct shop	*s = util_xcalloc(1, sizeof *s);

	*exitcode = 2;
	if ((s->config = config_load(p->config, cause)) == NULL ||
	    (s->catalog = catalog_load(s->config, cause)) == NULL) {
		shop_close(s);
		return NULL;
	}
	return s;
}

struct shop *
shop_open(const struct shop_paths *p, int *exitcode, char **cause)
{
	struct shop	*s;

	if ((s = shop_open_catalog(p, exitcode, cause)) == NULL)
		return NULL;
	*exitcode = 1;
	if ((s->store = store_open(p->db, STORE_OPEN, cause)) == NULL ||
	    (s->vault = shop_key(s, p, cause)) == NULL ||
	    shop_check_key(s, p, cause) != 0) {
		shop_close(s);
		return NULL;
	}
	if (shop_terminal(s, cause) != 0) {
		shop_close(s);
		return NULL;
	}
	store_on_begin(s->store, shop_key_current, s);
	if (!s->passphrase)
		s->key_file = util_xstrdup(p->key_file);
	return s;
}

int
shop_create(const struct shop_paths *p, bool with_passphrase, char **cause)
{
	struct vault_kdf	 kdf;
	struct store		*st = NULL;
	struct vault		*v = NULL;
	struct stat		 sb;
	unsigned char		 check[VAULT_MAC_BYTES], terminal[4];
	char			*pass = NULL;
	bool			 made_key = false;
	int			 rc = -1;

	if (stat(p->db, &sb) == 0)
		return util_fail(cause, "%s: a store already exists; refusing to overwrite it",
		    p->db);
	if (with_passphrase) {
		if ((pass = shop_passphrase_new(p->passphrase, "PREFKIOSK_PASSPHRASE", cause)) ==
		    NULL)
			goto out;
		vault_kdf_new(&kdf);
		if ((v = vault_open_passphrase(pass, &kdf, cause)) == NULL)
			goto out;
	} else {
		/* An existing key file (shared by a fleet) is used; otherwise a new one is made. */
		if (stat(p->key_file, &sb) == -1) {
			if (vault_keyfile_create(p->key_file, cause) != 0)
				goto out;
			made_key = true;
		}
		if ((v = vault_open_keyfile(p->key_file, cause)) == NULL)
			goto out;
	}
	if ((st = store_open(p->db, STORE_CREATE, cause)) == NULL)
		goto out;
	vault_key_check(v, check);
	if (store_begin(st, cause) != 0)
		goto out;
	terminal[0] = (unsigned char)(p->terminal >> 8);
	terminal[1] = (unsigned char)p->terminal;
	terminal[2] = terminal[3] = 0;
	if ((with_passphrase && store_meta_set(st, "kdf", &kdf, sizeof kdf) != 0) ||
	    (p->has_terminal && store_meta_set(st, "terminal", terminal, sizeof terminal) != 0) ||
	    store_meta_set(st, "key_check", check, sizeof check) != 0) {
		store_fail(st, cause, "cannot initialise the store");
		store_rollback(st);
		goto out;
	}
	if (store_commit(st, cause) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0 && st != NULL) {
		char *wal = util_xprintf("%s-wal", p->db), *shm = util_xprintf("%s-shm", p->db);
		store_close(st);
		st = NULL;
		unlink(p->db);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	if (rc != 0 && made_key)
		unlink(p->key_file);
	store_close(st);
	vault_free(v);
	sodium_free(pass);
	return rc;
}

char *
shop_passphrase_new(const char *given, const char *env, char **cause)
{
	char	*asked = NULL, *again = NULL, *pass = NULL;
	size_t	 len;

	if (given == NULL) {
		if ((asked = shop_prompt("new passphrase: ", env, cause)) == NULL ||
		    (again = shop_prompt("repeat it: ", env, cause)) == NULL)
			goto out;
		if (strcmp(asked, again) != 0) {
			util_fail(cause, "the two passphrases differ; nothing was changed");
			goto out;
		}
		given = asked;
	}
	if ((len = strlen(given)) < 12) {
		util_fail(cause, "the passphrase is too short: use at least 12 characters");
		goto out;
	}
	if ((pass = sodium_malloc(len + 1)) == NULL) {
		util_fail(cause, "out of memory");
		goto out;
	}
	memcpy(pass, given, len + 1);
out:
	sodium_free(asked);
	sodium_free(again);
	return pass;
}

void
shop_close(struct shop *s)
{
	if (s == NULL)
		return;
	consent_texts_free(s->consent_texts);
	free(s->key_file);
	vault_free(s->vault);
	store_close(s->store);
	catalog_free(s->catalog);
	config_free(s->config);
	free(s);
}
