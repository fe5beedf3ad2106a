/*
 * staff — accounts, PIN checks and lock-out, over the staff table of the store.
 *
 * A check has three steps, so that the slow part holds no lock: read the account (hash, count,
 * lock) outside any transaction; run Argon2id on the PIN (about 0.1 s and 64 MiB); then, inside
 * BEGIN IMMEDIATE, read the count and lock again and write the outcome.  Re-reading under the
 * write lock means two processes checking at once each add their failure to the other's
 * instead of overwriting it, and a lock set by another process while we hashed still holds.
 * The re-read matches the row by id and hash, so an account removed or re-made during the
 * check is not found rather than charged.
 *
 * The table stores the role as its name ("staff", "admin"), the PIN only as an Argon2id string
 * from vault_pin_hash, times as seconds since the epoch.  The caller owns the PIN; this file
 * never copies, prints or puts it in a reason.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "staff.h"
#include "store.h"
#include "util.h"
#include "vault.h"

/* The words stored in staff.role, indexed by enum staff_role. */
static const char *const staff_roles[] = {
	[STAFF_ROLE_STAFF] = "staff",
	[STAFF_ROLE_ADMIN] = "admin",
};
#define STAFF_NROLES	(sizeof staff_roles / sizeof staff_roles[0])

/*
 * The hash of a random PIN that was thrown away, made by vault_pin_hash (Argon2id, the
 * interactive limits: m=64 MiB, t=2).  An unknown name is checked against it, so that it costs
 * what a real check costs.  If vault_pin_hash's limits change, make a new one to match.
 */
static const char staff_dummy_hash[] =
    "$argon2id$v=19$m=65536,t=2,p=1$CUUOe6/QIoBunCHzQD0lTA$"
    "m4v8iuusfu3s5SFhI1zbTrRQIM++NWxPWsYrg9x/sBM";

/* An account as staff_verify needs it; the hash is wiped before staff_verify returns. */
struct staff_account {
	sqlite3_int64	 id;
	enum staff_role	 role;
	char		 hash[VAULT_PIN_HASH_BYTES];
	time_t		 locked_until;
};

/* Parse a role's name. */
int
staff_role_parse(const char *s)
{
	size_t	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < STAFF_NROLES; i++) {
		if (strcmp(s, staff_roles[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* Name a role. */
const char *
staff_role_name(enum staff_role role)
{
	assert((size_t)role < STAFF_NROLES);
	return staff_roles[role];
}

/* Is name 1 to STAFF_NAME_MAX of [A-Za-z0-9._-]?  The reason does not quote it. */
static int
staff_check_name(const char *name, char **cause)
{
	size_t	len = strlen(name), i;
	char	c;

	if (len == 0 || len > STAFF_NAME_MAX)
		return util_fail(cause, "a staff name is 1 to %d characters long",
		    STAFF_NAME_MAX);
	for (i = 0; i < len; i++) {
		/* Ranges, not isalnum(): the locale must not widen what a name may hold. */
		c = name[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')
			continue;
		return util_fail(cause, "a staff name may hold only the letters A-Z and a-z, the "
		    "digits 0-9, '.', '_' and '-'");
	}
	return 0;
}

/* Is pin STAFF_PIN_MIN to STAFF_PIN_MAX ASCII digits?  The reason never quotes it. */
static int
staff_check_pin(const char *pin, char **cause)
{
	size_t	len = strlen(pin), i;

	if (len < STAFF_PIN_MIN || len > STAFF_PIN_MAX)
		return util_fail(cause, "a PIN is %d to %d digits long", STAFF_PIN_MIN,
		    STAFF_PIN_MAX);
	for (i = 0; i < len; i++) {
		if (pin[i] < '0' || pin[i] > '9')
			return util_fail(cause, "a PIN holds only the digits 0 to 9");
	}
	return 0;
}

/* STAFF_OK when no account has this name, STAFF_EXISTS when one has, or STAFF_ERROR. */
static enum staff_result
staff_absent(struct store *st, const char *name, char **cause)
{
	sqlite3_stmt		*stmt = store_prepare(st,
	    "SELECT 1 FROM staff WHERE name = ?1");
	enum staff_result	 rc;
	int			 step;

	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE)
		rc = STAFF_OK;
	else if (step == SQLITE_ROW)
		rc = STAFF_EXISTS;
	else {
		store_fail(st, cause, "cannot look up a staff member");
		rc = STAFF_ERROR;
	}
	sqlite3_reset(stmt);
	return rc;
}

/* Add an account with an Argon2id hash of its PIN. */
enum staff_result
staff_add(struct store *st, const struct vault *v, const char *name, enum staff_role role,
    const char *pin, time_t now, char **cause)
{
	sqlite3_stmt		*stmt;
	char			 hash[VAULT_PIN_HASH_BYTES];
	enum staff_result	 rc;
	int			 step;

	assert((size_t)role < STAFF_NROLES);
	if (staff_check_name(name, cause) != 0 || staff_check_pin(pin, cause) != 0)
		return STAFF_BAD_INPUT;
	/* Look first, so a taken name costs no hashing; the UNIQUE constraint settles races. */
	if ((rc = staff_absent(st, name, cause)) != STAFF_OK)
		return rc;
	if (vault_pin_hash(v, pin, hash) != 0) {
		util_fail(cause, "cannot hash the PIN (out of memory)");
		rc = STAFF_ERROR;
		goto out;
	}

	stmt = store_prepare(st,
	    "INSERT INTO staff (name, role, pin_hash, created) VALUES (?1, ?2, ?3, ?4)");
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, staff_roles[role], -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)now);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE)
		rc = STAFF_OK;
	else if (step == SQLITE_CONSTRAINT_UNIQUE)
		rc = STAFF_EXISTS;	/* added by another process since we looked */
	else {
		store_fail(st, cause, "cannot add a staff member");
		rc = STAFF_ERROR;
	}
	sqlite3_reset(stmt);
out:
	sodium_memzero(hash, sizeof hash);
	return rc;
}

/* Remove an account. */
enum staff_result
staff_remove(struct store *st, const char *name, char **cause)
{
	sqlite3_stmt		*stmt = store_prepare(st,
	    "DELETE FROM staff WHERE name = ?1");
	enum staff_result	 rc;

	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		store_fail(st, cause, "cannot remove a staff member");
		rc = STAFF_ERROR;
	} else if (sqlite3_changes(store_db(st)) == 0)
		rc = STAFF_NOT_FOUND;
	else
		rc = STAFF_OK;
	sqlite3_reset(stmt);
	return rc;
}

/* Fill si from a row of (name, role, failures, locked_until, created); -1 if it is damaged. */
static int
staff_row_info(sqlite3_stmt *stmt, struct staff_info *si)
{
	const char	*name = (const char *)sqlite3_column_text(stmt, 0);
	int		 role = staff_role_parse((const char *)sqlite3_column_text(stmt, 1));

	if (name == NULL || strlen(name) > STAFF_NAME_MAX || role < 0)
		return -1;
	memset(si, 0, sizeof *si);
	memcpy(si->name, name, strlen(name) + 1);
	si->role = (enum staff_role)role;
	si->failures = sqlite3_column_int(stmt, 2);
	si->locked_until = (time_t)sqlite3_column_int64(stmt, 3);
	si->created = (time_t)sqlite3_column_int64(stmt, 4);
	return 0;
}

/* Read every account, then hand each to fn. */
enum staff_result
staff_list(struct store *st, int (*fn)(const struct staff_info *, void *), void *arg,
    char **cause)
{
	sqlite3_stmt		*stmt = store_prepare(st,
	    "SELECT name, role, failures, locked_until, created FROM staff ORDER BY name");
	struct staff_info	*list = NULL;
	enum staff_result	 rc = STAFF_ERROR;
	size_t			 n = 0, i;
	int			 step;

	/* All rows first: fn may then use the store, even this statement, while we walk. */
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		list = util_xrealloc(list, n + 1, sizeof *list);
		if (staff_row_info(stmt, &list[n]) != 0) {
			util_fail(cause, "%s: the staff table holds a damaged row",
			    store_path(st));
			sqlite3_reset(stmt);
			goto out;
		}
		n++;
	}
	if (step != SQLITE_DONE) {
		store_fail(st, cause, "cannot list the staff");
		sqlite3_reset(stmt);
		goto out;
	}
	sqlite3_reset(stmt);

	for (i = 0; i < n; i++) {
		if (fn(&list[i], arg) != 0)
			break;
	}
	rc = STAFF_OK;
out:
	free(list);
	return rc;
}

/* Read the account called name into acct: STAFF_OK, STAFF_NOT_FOUND or STAFF_ERROR. */
static enum staff_result
staff_read(struct store *st, const char *name, struct staff_account *acct, char **cause)
{
	sqlite3_stmt		*stmt = store_prepare(st,
	    "SELECT id, role, pin_hash, locked_until FROM staff WHERE name = ?1");
	enum staff_result	 rc = STAFF_ERROR;
	const char		*hash;
	int			 step, role;

	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		rc = STAFF_NOT_FOUND;
		goto out;
	}
	if (step != SQLITE_ROW) {
		store_fail(st, cause, "cannot look up a staff member");
		goto out;
	}
	role = staff_role_parse((const char *)sqlite3_column_text(stmt, 1));
	hash = (const char *)sqlite3_column_text(stmt, 2);
	if (role < 0 || hash == NULL || strlen(hash) >= sizeof acct->hash) {
		util_fail(cause, "%s: the staff table holds a damaged row", store_path(st));
		goto out;
	}
	acct->id = sqlite3_column_int64(stmt, 0);
	acct->role = (enum staff_role)role;
	memcpy(acct->hash, hash, strlen(hash) + 1);
	acct->locked_until = (time_t)sqlite3_column_int64(stmt, 3);
	rc = STAFF_OK;
out:
	/* Reset now: a statement left stepping would pin a read snapshot through the hashing. */
	sqlite3_reset(stmt);
	return rc;
}

/* The account's role as the store has it now; its hash is read with it and wiped. */
enum staff_result
staff_role_of(struct store *st, const char *name, enum staff_role *role_out, char **cause)
{
	struct staff_account	acct;
	enum staff_result	rc;

	memset(&acct, 0, sizeof acct);
	if ((rc = staff_read(st, name, &acct, cause)) == STAFF_OK)
		*role_out = acct.role;
	sodium_memzero(&acct, sizeof acct);
	return rc;
}

/*
 * Write the outcome of a check (right is whether the PIN matched) in one transaction, against
 * the row as it is now.  Sets acct->locked_until when the result is STAFF_LOCKED.
 */
static enum staff_result
staff_record(struct store *st, struct staff_account *acct, int right, time_t now,
    int max_failures, int lockout_minutes, char **cause)
{
	sqlite3_stmt		*stmt;
	enum staff_result	 rc = STAFF_ERROR;
	time_t			 until = 0;
	int			 step, failures = 0;

	if (store_begin(st, cause) != 0)
		return STAFF_ERROR;

	stmt = store_prepare(st,
	    "SELECT failures, locked_until FROM staff WHERE id = ?1 AND pin_hash = ?2");
	sqlite3_bind_int64(stmt, 1, acct->id);
	sqlite3_bind_text(stmt, 2, acct->hash, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		failures = sqlite3_column_int(stmt, 0);
		until = (time_t)sqlite3_column_int64(stmt, 1);
	} else if (step != SQLITE_DONE)
		store_fail(st, cause, "cannot look up a staff member");
	sqlite3_reset(stmt);
	if (step == SQLITE_DONE) {
		rc = STAFF_NOT_FOUND;	/* removed, or given a new PIN, while we hashed */
		goto out;
	}
	if (step != SQLITE_ROW)
		goto out;
	if (until > now) {
		/* Locked by another process while we hashed: this check does not count. */
		acct->locked_until = until;
		rc = STAFF_LOCKED;
		goto out;
	}

	if (right) {
		failures = 0;
		until = 0;
		rc = STAFF_OK;
	} else if (failures >= max_failures - 1) {	/* the max_failures-th in a row */
		failures = 0;
		until = now + (time_t)lockout_minutes * 60;
		rc = STAFF_LOCKED;
	} else {
		failures++;
		rc = STAFF_WRONG_PIN;
	}
	stmt = store_prepare(st,
	    "UPDATE staff SET failures = ?2, locked_until = ?3 WHERE id = ?1");
	sqlite3_bind_int64(stmt, 1, acct->id);
	sqlite3_bind_int(stmt, 2, failures);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)until);
	step = sqlite3_step(stmt);
	if (step != SQLITE_DONE)
		store_fail(st, cause, "cannot count a PIN check");
	sqlite3_reset(stmt);
	if (step != SQLITE_DONE || store_commit(st, cause) != 0) {
		rc = STAFF_ERROR;
		goto out;
	}
	acct->locked_until = until;
out:
	store_rollback(st);	/* a no-op once committed */
	return rc;
}

/* Check a PIN, count the outcome, lock the account on the max_failures-th wrong one. */
enum staff_result
staff_verify(struct store *st, const struct vault *v, const char *name, const char *pin,
    time_t now, int max_failures, int lockout_minutes, enum staff_role *role_out,
    time_t *locked_until_out, char **cause)
{
	struct staff_account	 acct;
	enum staff_result	 rc;
	int			 right;

	memset(&acct, 0, sizeof acct);
	if (max_failures < 1 || lockout_minutes < 1) {
		util_fail(cause, "the lock-out needs at least 1 wrong PIN and 1 minute");
		rc = STAFF_BAD_INPUT;
		goto out;
	}

	if ((rc = staff_read(st, name, &acct, cause)) == STAFF_ERROR)
		goto out;
	if (rc == STAFF_NOT_FOUND) {
		/* The work of a real check, so the time does not tell; its result means nothing. */
		(void)vault_pin_verify(v, staff_dummy_hash, pin);
		goto out;
	}
	if (acct.locked_until > now) {
		rc = STAFF_LOCKED;	/* no PIN is checked, nor counted, while locked */
		goto out;
	}

	right = vault_pin_verify(v, acct.hash, pin) == 0;
	rc = staff_record(st, &acct, right, now, max_failures, lockout_minutes, cause);
out:
	if (rc == STAFF_OK && role_out != NULL)
		*role_out = acct.role;
	if (locked_until_out != NULL)
		*locked_until_out = rc == STAFF_LOCKED ? acct.locked_until : 0;
	sodium_memzero(&acct, sizeof acct);
	return rc;
}
