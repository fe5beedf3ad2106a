/*
 * store — the SQLite file that holds everything: schema, migrations, pragmas, transactions and a
 * cache of prepared statements.
 *
 * The file is in WAL mode with synchronous=FULL, foreign keys on, secure_delete on and temporary
 * tables in memory, so a committed transaction survives a power cut and deleted bytes do not
 * linger.  Writers take the lock at BEGIN (BEGIN IMMEDIATE) and wait up to busy_timeout, so two
 * processes can write one store at once.  The schema version is PRAGMA user_version; an older
 * store is migrated forward one step at a time, a newer one is refused.
 */
#ifndef PREFKIOSK_STORE_H
#define PREFKIOSK_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#define STORE_VERSION	7	/* the schema this binary writes */

struct store;

enum store_mode {
	STORE_OPEN,		/* the store must exist */
	STORE_CREATE,		/* the store must not exist */
	STORE_READONLY,		/* must exist; no writes, no migration */
};

/* Open (or create) the store at path; NULL and *cause (caller frees) on failure. */
struct store	*store_open(const char *path, enum store_mode, char **cause);
void		 store_close(struct store *);

/* The SQLite handle (borrowed), for verify's integrity check. */
sqlite3		*store_db(struct store *);

/* The path it was opened with (borrowed). */
const char	*store_path(const struct store *);

/* A cached prepared statement for sql (a string literal: cached by address), reset and with
 * its bindings cleared.  Aborts on SQL that does not compile: that is a bug. */
sqlite3_stmt	*store_prepare(struct store *, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; -1 and *cause on failure (busy, disk full, I/O). */
int		 store_begin(struct store *, char **cause);
/* A check store_begin runs once it holds the write lock; when check returns -1 (with *cause)
 * the transaction is rolled back and store_begin fails.  shop.c checks that the key is still
 * the store's: another process may have rotated it. */
void		 store_on_begin(struct store *, int (*check)(struct store *, void *, char **),
		     void *arg);
int		 store_commit(struct store *, char **cause);
void		 store_rollback(struct store *);

/*
 * Lift an append-only trigger inside the caller's transaction, for a key rotation that must MAC
 * old records again: *saved receives the trigger's own SQL (caller frees), from which
 * store_trigger_restore makes it again exactly as it was, before the commit.  -1 and *cause.
 */
int		 store_trigger_lift(struct store *, const char *name, char **saved, char **cause);
int		 store_trigger_restore(struct store *, const char *saved, char **cause);

/* Run SQL without results; -1 and *cause. */
int		 store_exec(struct store *, const char *sql, char **cause);

/* The meta table: small named values (key check, KDF parameters, terminal, serials). */
int		 store_meta_get(struct store *, const char *key, void *out, size_t size,
		     size_t *len);	/* 0 found, 1 absent, -1 error */
int		 store_meta_set(struct store *, const char *key, const void *val, size_t len);

/* The last SQLite error message as a reason, prefixed with what we were doing (caller frees).
 * A full disk is said in words, with what to do. */
int		 store_fail(struct store *, char **cause, const char *doing);

/* Was the disk full at the last failure store_fail reported since the last BEGIN?  The kiosk
 * tells a customer so, where any other failure is "something went wrong". */
bool		 store_disk_full(const struct store *);

/* Checkpoint the WAL and truncate it (after erasure); -1 and *cause. */
int		 store_checkpoint(struct store *, char **cause);

#endif
