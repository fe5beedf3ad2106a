/*
 * audit — the staff audit chain.  A record's body is canonical JSON (keys sorted, compact) of
 * {chain: "audit", action, id, staff, target, terminal, time}; "chain" keeps an audit body from
 * ever passing for a consent body, which is MAC'd under the same key.
 *
 * The head (meta "audit_head": the chain's length, then a MAC of that length and the last
 * record's MAC) shows records removed from the end.  A redemption does not move it, so that the
 * till's durable redeem writes one page less: a redemption's record is vouched for by the
 * ledger instead, and verify finds a redeemed reward whose record is missing.  Records after
 * the head may therefore only be redemptions.  A key rotation MACs the whole chain again under
 * the new key, through consent.c's consent_chain_remac, and keeps the head where it was.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "consent.h"
#include "util.h"

#define AUDIT_HEAD_KEY	"audit_head"
#define AUDIT_REDEEM	"redeem"

/* The MAC of the chain's head: its length and last MAC. */
static void
audit_head_mac(const struct shop *s, sqlite3_int64 count, const unsigned char *last,
    unsigned char out[VAULT_MAC_BYTES])
{
	vault_head_mac(s->vault, "audit", (int64_t)count, last, out);
}

/* The canonical body of record id (caller frees). */
static char *
audit_body(const struct shop *s, sqlite3_int64 id, time_t now, const char *staff,
    const char *action, const char *target)
{
	json_t	*o = json_pack("{s:s, s:s, s:I, s:s?, s:s?, s:i, s:I}", "chain", "audit",
		    "action", action, "id", (json_int_t)id, "staff", staff, "target", target,
		    "terminal", s->config->terminal_id, "time", (json_int_t)now);
	char	*body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(o);
	if (body == NULL)
		abort();
	return body;
}

/* Write the head: the chain ends at record id, whose MAC is last. */
static int
audit_head_set(struct shop *s, sqlite3_int64 id, const unsigned char *last, char **cause)
{
	unsigned char	stored[8 + VAULT_MAC_BYTES];
	int		i;

	for (i = 0; i < 8; i++)
		stored[i] = (unsigned char)((uint64_t)id >> (56 - 8 * i));
	audit_head_mac(s, id, last, stored + 8);
	if (store_meta_set(s->store, AUDIT_HEAD_KEY, stored, sizeof stored) != 0)
		return store_fail(s->store, cause, "cannot write the audit record");
	return 0;
}

/* The position of the head: the id of the record it was written after (0 when none).  -1 and
 * *cause. */
static int
audit_head_at(struct shop *s, sqlite3_int64 *at, unsigned char stored[8 + VAULT_MAC_BYTES],
    char **cause)
{
	size_t	len = 0;
	int	rc, i;

	*at = 0;
	rc = store_meta_get(s->store, AUDIT_HEAD_KEY, stored, 8 + VAULT_MAC_BYTES, &len);
	if (rc < 0 || (rc == 0 && len != 8 + VAULT_MAC_BYTES))
		return store_fail(s->store, cause, "cannot read the audit head");
	for (i = 0; rc == 0 && i < 8; i++)
		*at = *at << 8 | stored[i];
	return 0;
}

int
audit_record_locked(struct shop *s, time_t now, const char *staff, const char *action,
    const char *target, char **cause)
{
	unsigned char	 prev[VAULT_MAC_BYTES] = { 0 }, mac[VAULT_MAC_BYTES];
	sqlite3_int64	 id = 1;
	sqlite3_stmt	*stmt;
	char		*body;
	int		 rc;

	stmt = store_prepare(s->store, "SELECT id, mac FROM audit ORDER BY id DESC LIMIT 1");
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0) + 1;
		if (sqlite3_column_bytes(stmt, 1) == VAULT_MAC_BYTES)
			memcpy(prev, sqlite3_column_blob(stmt, 1), VAULT_MAC_BYTES);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the audit records");

	body = audit_body(s, id, now, staff, action, target);
	vault_chain_mac(s->vault, prev, body, strlen(body), mac);
	stmt = store_prepare(s->store,
	    "INSERT INTO audit (id, time, terminal, staff, action, target, body, prev, mac)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	sqlite3_bind_int(stmt, 3, s->config->terminal_id);
	sqlite3_bind_text(stmt, 4, staff, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, body, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 8, prev, sizeof prev, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 9, mac, sizeof mac, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	free(body);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot write the audit record");
	/* Records are never deleted, so ids run 1..n and the last id is the chain's length. */
	if (strcmp(action, AUDIT_REDEEM) == 0)
		return 0;
	return audit_head_set(s, id, mac, cause);
}

int
audit_record(struct shop *s, time_t now, const char *staff, const char *action,
    const char *target, char **cause)
{
	if (store_begin(s->store, cause) != 0)
		return -1;
	if (audit_record_locked(s, now, staff, action, target, cause) != 0) {
		store_rollback(s->store);
		return -1;
	}
	return store_commit(s->store, cause);
}

int
audit_print(struct shop *s, FILE *out, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s->store), "SELECT body FROM audit ORDER BY id", -1,
	    &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the audit records");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fprintf(out, "%s\n", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the audit records");
	return 0;
}

/* Report one problem of record id. */
static int
audit_problem(void (*report)(const char *, void *), void *arg, sqlite3_int64 id,
    const char *what)
{
	return util_report(report, arg, "audit record %lld: %s", (long long)id, what);
}

/* Ids run 1..n (records are never deleted): name the ones missing before id. */
static int
audit_gap(void (*report)(const char *, void *), void *arg, sqlite3_int64 expected,
    sqlite3_int64 id)
{
	char	*msg;

	if (id <= expected)
		return 0;
	if (id == expected + 1)
		return audit_problem(report, arg, expected, "missing (it was removed)");
	msg = util_xprintf("audit records %lld to %lld: missing (they were removed)",
	    (long long)expected, (long long)id - 1);
	report(msg, arg);
	free(msg);
	return 1;
}

/* Do the columns say what the signed body says? */
static bool
audit_columns_agree(sqlite3_stmt *stmt, const char *body)
{
	json_t		*o = json_loads(body, 0, NULL);
	const char	*staff = (const char *)sqlite3_column_text(stmt, 3);
	const char	*target = (const char *)sqlite3_column_text(stmt, 5);
	json_t		*js, *jt;
	bool		 ok;

	if (o == NULL)
		return false;
	js = json_object_get(o, "staff");
	jt = json_object_get(o, "target");
	if (json_is_null(js))
		js = NULL;
	if (json_is_null(jt))
		jt = NULL;
	ok = json_integer_value(json_object_get(o, "id")) == sqlite3_column_int64(stmt, 0) &&
	    json_integer_value(json_object_get(o, "time")) == sqlite3_column_int64(stmt, 1) &&
	    json_integer_value(json_object_get(o, "terminal")) == sqlite3_column_int(stmt, 2) &&
	    (staff == NULL ? js == NULL : js != NULL &&
	    strcmp(json_string_value(js), staff) == 0) &&
	    strcmp(json_string_value(json_object_get(o, "action")) != NULL ?
	    json_string_value(json_object_get(o, "action")) : "",
	    (const char *)sqlite3_column_text(stmt, 4)) == 0 &&
	    (target == NULL ? jt == NULL : jt != NULL &&
	    strcmp(json_string_value(jt), target) == 0);
	json_decref(o);
	return ok;
}

/* Every reward redeemed here (not at another terminal of a fleet) since the chain began has
 * its redemption record.  The records' targets are gathered once (an uncorrelated NOT IN is one
 * temporary index), not searched once per reward: the audit table has no index, so that a
 * redemption writes one page less. */
static int
audit_ledger(struct shop *s, void (*report)(const char *, void *), void *arg, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*msg;
	int		 rc, problems = 0;

	if (sqlite3_prepare_v2(store_db(s->store), "SELECT r.terminal, r.serial FROM rewards r"
	    " WHERE r.state = 'redeemed' AND r.redeemed_terminal IS NULL"
	    " AND r.redeemed_at >= (SELECT min(time) FROM audit)"
	    " AND 'reward ' || r.terminal || ':' || r.serial NOT IN (SELECT target FROM audit"
	    " WHERE action = 'redeem' AND target IS NOT NULL)", -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the audit records");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		msg = util_xprintf("audit records: reward %d:%lld was redeemed, but its record is "
		    "missing (records were removed)", sqlite3_column_int(stmt, 0),
		    (long long)sqlite3_column_int64(stmt, 1));
		report(msg, arg);
		free(msg);
		problems++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the audit records");
	return problems;
}

/*
 * Every redemption record's reward is redeemed in the ledger.  A row put back to "issued"
 * behind the store's back would redeem a second time; its record, in the MAC'd chain, says it
 * was redeemed once already.  The target "reward T:S" gives the row's id (T * 2^36 + S).
 */
static int
audit_redeemed(struct shop *s, void (*report)(const char *, void *), void *arg, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*msg;
	int		 rc, problems = 0;

	if (sqlite3_prepare_v2(store_db(s->store), "SELECT a.id, a.target, r.state FROM audit a"
	    " LEFT JOIN rewards r ON r.id = CAST(substr(a.target, 8, instr(a.target, ':') - 8)"
	    " AS INTEGER) * 68719476736 + CAST(substr(a.target, instr(a.target, ':') + 1)"
	    " AS INTEGER) WHERE a.action = 'redeem' AND a.target LIKE 'reward %:%'"
	    " AND r.state IS NOT 'redeemed' ORDER BY a.id", -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the audit records");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		msg = util_xprintf("%s was redeemed, but the ledger says %s (the ledger was "
		    "edited)", (const char *)sqlite3_column_text(stmt, 1),
		    sqlite3_column_type(stmt, 2) == SQLITE_NULL ? "it does not exist" :
		    (const char *)sqlite3_column_text(stmt, 2));
		problems += audit_problem(report, arg, sqlite3_column_int64(stmt, 0), msg);
		free(msg);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the audit records");
	return problems;
}

int
audit_verify(struct shop *s, void (*report)(const char *, void *), void *arg, char **cause)
{
	sqlite3_stmt	*stmt;
	unsigned char	 prev[VAULT_MAC_BYTES] = { 0 }, mac[VAULT_MAC_BYTES];
	unsigned char	 head[VAULT_MAC_BYTES], stored[8 + VAULT_MAC_BYTES];
	sqlite3_int64	 count = 0, id = 0, at;
	bool		 head_seen = false, head_ok = false;
	char		*msg;
	int		 rc, problems = 0, n;

	if (audit_head_at(s, &at, stored, cause) != 0)
		return -1;
	if (sqlite3_prepare_v2(store_db(s->store), "SELECT id, time, terminal, staff, action,"
	    " target, body, prev, mac FROM audit ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the audit records");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(stmt, 6);
		const char *action = (const char *)sqlite3_column_text(stmt, 4);
		id = sqlite3_column_int64(stmt, 0);
		problems += audit_gap(report, arg, count + 1, id);
		if (body == NULL || sqlite3_column_bytes(stmt, 7) != VAULT_MAC_BYTES ||
		    sqlite3_column_bytes(stmt, 8) != VAULT_MAC_BYTES) {
			problems += audit_problem(report, arg, id, "damaged (missing MAC or body)");
			count = id;
			continue;
		}
		if (memcmp(sqlite3_column_blob(stmt, 7), prev, VAULT_MAC_BYTES) != 0)
			problems += audit_problem(report, arg, id, "the chain is broken before it "
			    "(a record was removed or reordered)");
		vault_chain_mac(s->vault, sqlite3_column_blob(stmt, 7), body, strlen(body), mac);
		if (sodium_memcmp(mac, sqlite3_column_blob(stmt, 8), VAULT_MAC_BYTES) != 0)
			problems += audit_problem(report, arg, id, "its MAC does not match (the "
			    "record was edited)");
		else if (!audit_columns_agree(stmt, body))
			problems += audit_problem(report, arg, id, "its columns disagree with its "
			    "signed body (the record was edited)");
		memcpy(prev, sqlite3_column_blob(stmt, 8), VAULT_MAC_BYTES);
		if (id == at) {
			audit_head_mac(s, at, prev, head);
			head_seen = true;
			head_ok = sodium_memcmp(head, stored + 8, VAULT_MAC_BYTES) == 0;
		} else if (id > at && (action == NULL || strcmp(action, AUDIT_REDEEM) != 0))
			problems += audit_problem(report, arg, id, "it is past the chain's recorded "
			    "head (the head was rolled back)");
		count = id;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the audit records");
	if (at > count) {
		msg = util_xprintf("audit records: the chain's head says it has %lld records, but "
		    "the last is %lld (records were removed from the end, or the head was edited)",
		    (long long)at, (long long)count);
		report(msg, arg);
		free(msg);
		problems++;
	} else if (at > 0 && (!head_seen || !head_ok)) {
		report("audit records: the chain's head does not match its recorded length and "
		    "last record (records were removed from the end, or the head was edited)", arg);
		problems++;
	}
	if ((n = audit_ledger(s, report, arg, cause)) < 0)
		return -1;
	problems += n;
	if ((n = audit_redeemed(s, report, arg, cause)) < 0)
		return -1;
	return problems + n;
}

/* Walk the audit records (consent_chain_walk), finding the MAC at the head's position, which
 * with the head itself goes to w->at and stored; update: writing their MACs.  -1 and *cause. */
static int
audit_walk(struct shop *s, bool update, struct consent_walk *w,
    unsigned char stored[8 + VAULT_MAC_BYTES], char **cause)
{
	memset(w, 0, sizeof *w);
	if (audit_head_at(s, &w->at, stored, cause) != 0)
		return -1;
	w->trigger = "audit_no_update";
	w->select_sql = "SELECT id, body, prev, mac FROM audit ORDER BY id";
	if (update)
		w->update_sql = "UPDATE audit SET prev = ?2, mac = ?3 WHERE id = ?1";
	return consent_chain_walk(s, w, cause);
}

int
audit_chain_intact(struct shop *s, char **cause)
{
	struct consent_walk	w;
	unsigned char		stored[8 + VAULT_MAC_BYTES], head[VAULT_MAC_BYTES];

	if (audit_walk(s, false, &w, stored, cause) != 0)
		return -1;
	if (w.at > 0) {
		audit_head_mac(s, w.at, w.at_mac, head);
		if (!w.at_seen || sodium_memcmp(head, stored + 8, sizeof head) != 0)
			w.broken++;
	}
	return (int)(w.broken > INT_MAX ? INT_MAX : w.broken);
}

int
audit_rechain(struct shop *s, long *count, char **cause)
{
	struct consent_walk	w;
	unsigned char		stored[8 + VAULT_MAC_BYTES];

	if (audit_walk(s, true, &w, stored, cause) != 0)
		return -1;
	*count = w.count;
	/* The head stays where it was (records after it are redemptions), under the new key. */
	return w.at > 0 ? audit_head_set(s, w.at, w.at_mac, cause) : 0;
}
