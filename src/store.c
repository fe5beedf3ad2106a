/*
 * store — SQLite with the pragmas, the schema and its migrations.
 *
 * Schema (version 6): meta; customers (pseudonymous uid, wrapped data key, sealed profile,
 * blind indexes); notices (the exact texts shown, by digest); consent_records (append-only:
 * triggers refuse UPDATE and DELETE; MAC-chained); rewards (the ledger of codes, keyed by the
 * terminal and serial each code carries, with why a code was revoked); visits; staff; feedback; signin_failures (member PINs at the kiosk); audit
 * (staff actions, append-only, MAC-chained).  Every table declares an INTEGER PRIMARY KEY,
 * because VACUUM may renumber implicit rowids.
 *
 * The statement cache is keyed by the address of the SQL string literal, which is unique and
 * stable for the life of the process; it is a short array searched linearly, because a command
 * uses a handful of statements and the kiosk a few dozen.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

#define STORE_CACHE		96
#define STORE_BUSY_MS		10000

struct store_cached {
	const char	*sql;
	sqlite3_stmt	*stmt;
};

struct store {
	sqlite3			*db;
	char			*path;
	struct store_cached	 cache[STORE_CACHE];
	int			 ncache;
	int			(*check)(struct store *, void *, char **);	/* at begin */
	void			*check_arg;
	bool			 full;	/* the last failure since BEGIN was a full disk */
};

/* Migration i takes a store from user_version i to i + 1, inside one transaction. */
static const char *const store_migrations[STORE_VERSION] = {
	/* 0 → 1: the first schema. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL"
	") WITHOUT ROWID;"

	"CREATE TABLE customers ("
	"  id INTEGER PRIMARY KEY,"
	"  uid TEXT NOT NULL UNIQUE,"
	"  key_version INTEGER NOT NULL,"
	"  data_key BLOB,"			/* wrapped; NULL once erased */
	"  card_index BLOB,"
	"  phone_index BLOB,"
	"  email_index BLOB,"
	"  profile BLOB,"			/* sealed under the data key */
	"  created INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  erased INTEGER"
	");"
	"CREATE UNIQUE INDEX customers_card ON customers(card_index) WHERE card_index IS NOT NULL;"
	"CREATE UNIQUE INDEX customers_phone ON customers(phone_index) WHERE phone_index IS NOT NULL;"
	"CREATE UNIQUE INDEX customers_email ON customers(email_index) WHERE email_index IS NOT NULL;"

	"CREATE TABLE notices ("
	"  id INTEGER PRIMARY KEY,"
	"  notice TEXT NOT NULL,"		/* the purpose or reward it belongs to */
	"  language TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  digest BLOB NOT NULL,"
	"  text TEXT NOT NULL,"
	"  first_shown INTEGER NOT NULL,"
	"  UNIQUE (notice, language, version),"
	"  UNIQUE (notice, language, digest)"
	");"

	"CREATE TABLE consent_records ("
	"  id INTEGER PRIMARY KEY,"
	"  record_id TEXT NOT NULL UNIQUE,"
	"  receipt_id TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  purpose TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('given','refused','withdrawn','expired')),"
	"  event_time INTEGER NOT NULL,"
	"  valid_until INTEGER,"
	"  notice_version INTEGER,"
	"  body TEXT NOT NULL,"			/* canonical JSON of every field */
	"  prev BLOB NOT NULL,"
	"  mac BLOB NOT NULL"
	");"
	"CREATE INDEX consent_by_subject ON consent_records(subject, purpose, id);"
	"CREATE INDEX consent_by_receipt ON consent_records(receipt_id);"
	"CREATE TRIGGER consent_no_update BEFORE UPDATE ON consent_records"
	"  BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;"
	"CREATE TRIGGER consent_no_delete BEFORE DELETE ON consent_records"
	"  BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;"

	"CREATE TABLE rewards ("
	"  id INTEGER PRIMARY KEY,"
	"  terminal INTEGER NOT NULL,"
	"  serial INTEGER NOT NULL,"
	"  customer INTEGER REFERENCES customers(id),"
	"  rule TEXT NOT NULL,"
	"  code TEXT NOT NULL,"
	"  issued INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('issued','redeemed','revoked','expired')),"
	"  incentive_version INTEGER,"
	"  redeemed_at INTEGER,"
	"  redeemed_till TEXT,"
	"  redeemed_by TEXT,"
	"  UNIQUE (terminal, serial)"
	");"
	"CREATE INDEX rewards_by_customer ON rewards(customer, rule);"

	"CREATE TABLE visits ("
	"  id INTEGER PRIMARY KEY,"
	"  customer INTEGER NOT NULL REFERENCES customers(id),"
	"  time INTEGER NOT NULL,"
	"  terminal INTEGER NOT NULL,"
	"  staff TEXT"
	");"
	"CREATE INDEX visits_by_customer ON visits(customer, time);"

	"CREATE TABLE staff ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('staff','admin')),"
	"  pin_hash TEXT NOT NULL,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL"
	");",

	/* 1 → 2: feedback earns a reward; the ledger is read by state for purges and stats. */
	"CREATE TABLE feedback ("
	"  id INTEGER PRIMARY KEY,"
	"  customer INTEGER NOT NULL REFERENCES customers(id),"
	"  time INTEGER NOT NULL,"
	"  terminal INTEGER NOT NULL,"
	"  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5)"
	");"
	"CREATE INDEX feedback_by_customer ON feedback(customer, time);"
	"CREATE INDEX rewards_by_state ON rewards(state, expires);",

	/*
	 * 2 → 3: wrong member PINs at the kiosk, for the lock-out.  The ledger keeps every row
	 * (a terminal's next serial is its largest plus one, so a deleted row could come back as
	 * a new code); and rewards by state was an index the planner preferred to a member's own
	 * rewards, scanning every outstanding reward, and which every redemption had to update.
	 */
	"DROP INDEX rewards_by_state;"
	"CREATE TRIGGER rewards_no_delete BEFORE DELETE ON rewards"
	"  BEGIN SELECT RAISE(ABORT, 'the reward ledger keeps every code'); END;"
	"CREATE TABLE signin_failures ("
	"  customer INTEGER PRIMARY KEY REFERENCES customers(id),"
	"  failures INTEGER NOT NULL,"
	"  locked_until INTEGER NOT NULL"
	");",

	/* 3 → 4: the staff audit chain (audit.c). */
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  terminal INTEGER NOT NULL,"
	"  staff TEXT,"
	"  action TEXT NOT NULL,"
	"  target TEXT,"
	"  body TEXT NOT NULL,"			/* canonical JSON, MAC'd */
	"  prev BLOB NOT NULL,"
	"  mac BLOB NOT NULL"
	");"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;",

	/* 4 → 5: why a code was revoked ('erased', 'replaced' by a key rotation); NULL before. */
	"ALTER TABLE rewards ADD COLUMN revoked_reason TEXT;",

	/*
	 * 5 → 6: a ledger row's id is the terminal and serial its code carries (terminal * 2^36 +
	 * serial), so checking a code is one search of the table's own B-tree instead of a search
	 * of the (terminal, serial) index and then of the table; the CHECKs keep the id and its
	 * parts in step, and the primary key makes (terminal, serial) unique without an index to
	 * write for every code issued.
	 */
	"CREATE TABLE rewards_v6 ("
	"  id INTEGER PRIMARY KEY CHECK (id = terminal * 68719476736 + serial),"
	"  terminal INTEGER NOT NULL CHECK (terminal BETWEEN 0 AND 4095),"
	"  serial INTEGER NOT NULL CHECK (serial BETWEEN 1 AND 68719476735),"
	"  customer INTEGER REFERENCES customers(id),"
	"  rule TEXT NOT NULL,"
	"  code TEXT NOT NULL,"
	"  issued INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('issued','redeemed','revoked','expired')),"
	"  incentive_version INTEGER,"
	"  redeemed_at INTEGER,"
	"  redeemed_till TEXT,"
	"  redeemed_by TEXT,"
	"  revoked_reason TEXT"
	");"
	"INSERT INTO rewards_v6 (id, terminal, serial, customer, rule, code, issued, expires, state,"
	"  incentive_version, redeemed_at, redeemed_till, redeemed_by, revoked_reason)"
	"  SELECT terminal * 68719476736 + serial, terminal, serial, customer, rule, code, issued,"
	"  expires, state, incentive_version, redeemed_at, redeemed_till, redeemed_by,"
	"  revoked_reason FROM rewards;"
	"DROP TABLE rewards;"
	"ALTER TABLE rewards_v6 RENAME TO rewards;"
	"CREATE INDEX rewards_by_customer ON rewards(customer, rule);"
	"CREATE TRIGGER rewards_no_delete BEFORE DELETE ON rewards"
	"  BEGIN SELECT RAISE(ABORT, 'the reward ledger keeps every code'); END;",

	/*
	 * 6 → 7: the fleet (sync.c).  A member's stamp orders the versions of a member that two
	 * terminals changed (milliseconds * 4096 + terminal; 0 until the store joins a hub).  A
	 * reward redeemed at another terminal says which.  Other terminals' consent records keep
	 * their own chains, checked as they arrive, beside this terminal's chain, which stays
	 * this terminal's alone.  The outbox lists what this terminal has to share; its triggers
	 * are made when the store joins a hub, so a store that never does pays nothing for it.
	 */
	"ALTER TABLE customers ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE rewards ADD COLUMN redeemed_terminal INTEGER;"	/* NULL: this one */
	"CREATE TABLE outbox ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind TEXT NOT NULL,"
	"  ref INTEGER NOT NULL"
	");"
	"CREATE TABLE fleet_consent ("
	"  id INTEGER PRIMARY KEY,"
	"  origin INTEGER NOT NULL CHECK (origin BETWEEN 0 AND 4095),"
	"  record_id TEXT NOT NULL UNIQUE,"
	"  receipt_id TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  purpose TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('given','refused','withdrawn','expired')),"
	"  event_time INTEGER NOT NULL,"
	"  valid_until INTEGER,"
	"  notice_version INTEGER,"
	"  notice_digest BLOB,"
	"  language TEXT,"
	"  body TEXT NOT NULL,"
	"  prev BLOB NOT NULL,"
	"  mac BLOB NOT NULL"
	");"
	"CREATE INDEX fleet_consent_by_subject ON fleet_consent(subject, purpose);"
	"CREATE INDEX fleet_consent_by_origin ON fleet_consent(origin, id);"
	"CREATE TRIGGER fleet_consent_no_update BEFORE UPDATE ON fleet_consent"
	"  BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;"
	"CREATE TRIGGER fleet_consent_no_delete BEFORE DELETE ON fleet_consent"
	"  BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;"
	"CREATE TABLE fleet_chains ("
	"  origin INTEGER PRIMARY KEY,"
	"  count INTEGER NOT NULL,"
	"  last BLOB NOT NULL,"
	"  head BLOB NOT NULL"
	");"
	"CREATE TABLE fleet_origins ("		/* each terminal's last event applied here */
	"  origin INTEGER PRIMARY KEY,"
	"  oseq INTEGER NOT NULL"
	");",
};

/* Pragmas set on every connection; journal_mode is persistent but cheap to re-assert. */
static const char store_pragmas[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA foreign_keys=ON;"
	"PRAGMA secure_delete=ON;"
	"PRAGMA temp_store=MEMORY;"
	"PRAGMA cache_size=-2000;";

/*
 * Is the last error a full disk?  SQLite says SQLITE_FULL when a write to the database or its
 * WAL finds no room, but a failure to make or grow the shared-memory file (-shm) on opening is
 * an I/O error, told apart only by the system's errno.
 */
static bool
store_error_full(struct store *st)
{
	int	code = sqlite3_extended_errcode(st->db) & 0xff;
	int	err = sqlite3_system_errno(st->db);

	if (code == SQLITE_FULL)
		return true;
	return (code == SQLITE_IOERR || code == SQLITE_CANTOPEN) &&
	    (err == ENOSPC || err == EDQUOT);
}

int
store_fail(struct store *st, char **cause, const char *doing)
{
	int	code = sqlite3_extended_errcode(st->db);

	if ((st->full = store_error_full(st)))
		return util_fail(cause, "%s: %s: the disk is full; nothing was changed: free some "
		    "space and try again", st->path, doing);
	if ((code & 0xff) == SQLITE_BUSY)
		return util_fail(cause, "%s: %s: the store is busy (another process holds it); "
		    "try again", st->path, doing);
	return util_fail(cause, "%s: %s: %s", st->path, doing, sqlite3_errmsg(st->db));
}

int
store_exec(struct store *st, const char *sql, char **cause)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, cause, "cannot update the store");
	return 0;
}

/* Read PRAGMA user_version. */
static int
store_user_version(struct store *st, int *version)
{
	sqlite3_stmt	*stmt;
	int		 rc = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*version = sqlite3_column_int(stmt, 0);
		rc = 0;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Bring the schema to STORE_VERSION, one migration per transaction. */
static int
store_migrate(struct store *st, char **cause)
{
	int	version;
	char	sql[64];

	if (store_begin(st, cause) != 0)
		return -1;
	if (store_user_version(st, &version) != 0) {
		store_rollback(st);
		/* SQLITE_NOTADB and friends land here: the file is not a store. */
		return store_fail(st, cause, "cannot read the schema version");
	}
	store_rollback(st);
	if (version > STORE_VERSION)
		return util_fail(cause, "%s: this store has schema version %d, written by a newer "
		    "prefkiosk (this one knows up to %d); upgrade prefkiosk", st->path, version,
		    STORE_VERSION);
	while (version < STORE_VERSION) {
		if (store_begin(st, cause) != 0)
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		if (store_user_version(st, &version) != 0) {
			store_rollback(st);
			return store_fail(st, cause, "cannot read the schema version");
		}
		if (version >= STORE_VERSION) {
			store_rollback(st);
			break;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d", version + 1);
		if (store_exec(st, store_migrations[version], cause) != 0 ||
		    store_exec(st, sql, cause) != 0) {
			store_rollback(st);
			return -1;
		}
		if (store_commit(st, cause) != 0)
			return -1;
		version++;
	}
	return 0;
}

struct store *
store_open(const char *path, enum store_mode mode, char **cause)
{
	struct store	*st;
	struct stat	 sb;
	int		 flags;

	if (mode == STORE_CREATE && stat(path, &sb) == 0) {
		util_fail(cause, "%s: a store already exists; refusing to overwrite it", path);
		return NULL;
	}
	if (mode != STORE_CREATE && stat(path, &sb) == -1) {
		util_fail(cause, "%s: no store here (%s); create one with: prefkiosk init", path,
		    strerror(errno));
		return NULL;
	}
	st = util_xcalloc(1, sizeof *st);
	st->path = util_xstrdup(path);
	flags = SQLITE_OPEN_NOMUTEX;
	if (mode == STORE_READONLY)
		flags |= SQLITE_OPEN_READONLY;
	else
		flags |= SQLITE_OPEN_READWRITE;
	if (mode == STORE_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		store_fail(st, cause, "cannot open the store");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (mode == STORE_CREATE)
		chmod(path, 0600);
	if (mode != STORE_READONLY) {
		if (sqlite3_exec(st->db, store_pragmas, NULL, NULL, NULL) != SQLITE_OK) {
			store_fail(st, cause, store_error_full(st) ? "cannot open the store" :
			    "cannot open the store (is it a prefkiosk store?)");
			goto fail;
		}
		if (store_migrate(st, cause) != 0)
			goto fail;
	} else {
		int version;
		if (sqlite3_exec(st->db, "PRAGMA query_only=ON", NULL, NULL, NULL) != SQLITE_OK ||
		    store_user_version(st, &version) != 0) {
			store_fail(st, cause, "cannot open the store (is it a prefkiosk store?)");
			goto fail;
		}
		if (version != STORE_VERSION) {
			util_fail(cause, "%s: schema version %d, this prefkiosk reads %d", path,
			    version, STORE_VERSION);
			goto fail;
		}
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	for (i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int		 i;

	for (i = 0; i < st->ncache; i++) {
		if (st->cache[i].sql == sql) {
			stmt = st->cache[i].stmt;
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			return stmt;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "prefkiosk: bug: %s: %s\n", sqlite3_errmsg(st->db), sql);
		abort();
	}
	if (st->ncache == STORE_CACHE)
		abort();	/* a bug: raise STORE_CACHE */
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache].stmt = stmt;
	st->ncache++;
	return stmt;
}

int
store_begin(struct store *st, char **cause)
{
	st->full = false;
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, cause, "cannot start a transaction");
	if (st->check != NULL && st->check(st, st->check_arg, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

bool
store_disk_full(const struct store *st)
{
	return st->full;
}

void
store_on_begin(struct store *st, int (*check)(struct store *, void *, char **), void *arg)
{
	st->check = check;
	st->check_arg = arg;
}

int
store_commit(struct store *st, char **cause)
{
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(st, cause, "cannot commit");
		store_rollback(st);
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_meta_get(struct store *st, const char *key, void *out, size_t size, size_t *len)
{
	sqlite3_stmt	*stmt = store_prepare(st,
	    "SELECT value FROM meta WHERE key = ?1");
	int		 rc;
	size_t		 n;

	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(stmt);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return -1;
	}
	n = (size_t)sqlite3_column_bytes(stmt, 0);
	if (n > size) {
		sqlite3_reset(stmt);
		return -1;
	}
	memcpy(out, sqlite3_column_blob(stmt, 0), n);
	if (len != NULL)
		*len = n;
	sqlite3_reset(stmt);
	return 0;
}

int
store_meta_set(struct store *st, const char *key, const void *val, size_t len)
{
	sqlite3_stmt	*stmt = store_prepare(st,
	    "INSERT INTO meta (key, value) VALUES (?1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	int		 rc;

	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 2, val, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_trigger_lift(struct store *st, const char *name, char **saved, char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(st,
	    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1");
	char		*drop;
	int		 rc;

	*saved = NULL;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		*saved = util_xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? util_fail(cause, "%s: the trigger %s is missing; run "
		    "prefkiosk verify", st->path, name) : store_fail(st, cause,
		    "cannot read the schema");
	/* name is ours, a compile-time constant: never customer input. */
	drop = util_xprintf("DROP TRIGGER %s", name);
	rc = store_exec(st, drop, cause);
	free(drop);
	if (rc != 0) {
		free(*saved);
		*saved = NULL;
	}
	return rc;
}

int
store_trigger_restore(struct store *st, const char *saved, char **cause)
{
	return store_exec(st, saved, cause);
}

int
store_checkpoint(struct store *st, char **cause)
{
	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) !=
	    SQLITE_OK)
		return store_fail(st, cause, "cannot checkpoint the write-ahead log");
	return 0;
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}
