/*
 * shop — one open prefkiosk: its config, its catalogue, its store and its keys, opened together
 * and checked against each other.  Every command and the kiosk itself start here.
 *
 * Opening checks the key against the store's key check before anything reads or writes customer
 * data, so a wrong key is reported in one line and changes nothing.  A key file that does not
 * match, beside a "<key file>.new" that does, is a rotation that committed but died before
 * renaming its new key file into place: opening finishes it.  Every write transaction checks the
 * key again, so a process still holding a key that another process rotated writes nothing.
 */
#ifndef PREFKIOSK_SHOP_H
#define PREFKIOSK_SHOP_H

#include <stdbool.h>

#include "catalog.h"
#include "config.h"
#include "store.h"
#include "vault.h"

#define SHOP_KEY_CREDENTIAL	"prefkiosk.key"	/* the key as a systemd credential */

struct shop_paths {
	const char	*db;		/* the store file */
	const char	*config;	/* the config directory */
	const char	*key_file;	/* the key file (ignored for a passphrase store) */
	const char	*passphrase;	/* a passphrase store's passphrase, or NULL to prompt */
	bool		 has_terminal;	/* shop_create: the store is terminal's (init --terminal) */
	int		 terminal;
};

struct consent_texts;

struct shop {
	struct config		*config;
	struct catalog		*catalog;
	struct store		*store;
	struct vault		*vault;
	bool			 passphrase;	/* the key comes from a passphrase, not a file */
	char			*key_file;	/* the key file opened, or NULL (a passphrase) */
	struct consent_texts	*consent_texts;	/* consent.c's, made on first use */
};

/*
 * Default paths: the environment, then the installed locations.  The key file is
 * $PREFKIOSK_KEY_FILE; else, in a systemd service given the key as a credential
 * (LoadCredential= or LoadCredentialEncrypted= prefkiosk.key), $CREDENTIALS_DIRECTORY/
 * prefkiosk.key when that file exists, written into credential[size], which must outlive the
 * paths; else /var/lib/prefkiosk/prefkiosk.key.
 */
void		 shop_paths_default(struct shop_paths *, char *credential, size_t size);

/* Open config, catalogue, store and key.  Returns NULL, *cause, and *exit (1 runtime, 2 config)
 * on failure. */
struct shop	*shop_open(const struct shop_paths *, int *exitcode, char **cause);

/* Only config and catalogue (for commands that need no store, such as `catalog`). */
struct shop	*shop_open_catalog(const struct shop_paths *, int *exitcode, char **cause);

/* Create a new store, and a new key file unless with_passphrase; an existing key file is used
 * (a fleet's terminals share one key).  With has_terminal the store is that terminal's, whatever
 * the config says: shop_open sets config->terminal_id from the store. */
int		 shop_create(const struct shop_paths *, bool with_passphrase, char **cause);

/*
 * A new passphrase: given, or when given is NULL asked twice on the terminal (no echo; two that
 * differ are refused, and without a terminal the reason names the environment variable env,
 * which may be NULL when given is not).
 * At least 12 characters.  Returns it in sodium_malloc'd memory (sodium_free), or NULL and
 * *cause.
 */
char		*shop_passphrase_new(const char *given, const char *env, char **cause);

void		 shop_close(struct shop *);

#endif
