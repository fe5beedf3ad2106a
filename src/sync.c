/*
 * sync — a terminal's part in a fleet (see sync.h).
 *
 * Events are JSON objects, one kind a shape; binary columns (wrapped keys, sealed profiles,
 * blind indexes, MACs) travel in base64.  A row is referred to by what names it everywhere: a
 * member by uid, a reward by its id (terminal and serial), a consent record by its place in its
 * terminal's chain.  While events are applied, meta "fleet_applying" is set inside the
 * transaction, and the fleet's triggers stand still: what another terminal did is not this
 * terminal's to share again, and does not make a member's version newer here.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "consent.h"
#include "sync.h"
#include "util.h"

#define SYNC_NOW_MS	"CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
#define SYNC_QUIET	"NOT EXISTS (SELECT 1 FROM meta WHERE key = 'fleet_applying')"
#define SYNC_MEMBER_COLUMNS \
	"data_key, card_index, phone_index, email_index, profile, erased, key_version"

/*
 * The fleet's triggers, %d being this terminal.  A member's stamp moves on with every change
 * of what makes the member (not with a sign-in: last_seen travels, but as the latest of all).
 */
static const char sync_triggers[] =
	"CREATE TRIGGER fleet_stamp_new AFTER INSERT ON customers WHEN NEW.stamp = 0"
	" BEGIN UPDATE customers SET stamp = " SYNC_NOW_MS " * 4096 + %d WHERE id = NEW.id; END;"
	"CREATE TRIGGER fleet_stamp AFTER UPDATE OF " SYNC_MEMBER_COLUMNS " ON customers"
	" WHEN NEW.stamp = OLD.stamp AND " SYNC_QUIET
	" BEGIN UPDATE customers SET stamp = max(OLD.stamp / 4096 + 1, " SYNC_NOW_MS ") * 4096 + %d"
	"  WHERE id = NEW.id; END;"
	"CREATE TRIGGER fleet_out_member_new AFTER INSERT ON customers WHEN " SYNC_QUIET
	" BEGIN INSERT INTO outbox (kind, ref) VALUES ('member', NEW.id); END;"
	"CREATE TRIGGER fleet_out_member AFTER UPDATE OF " SYNC_MEMBER_COLUMNS ", last_seen"
	" ON customers WHEN " SYNC_QUIET
	" BEGIN INSERT INTO outbox (kind, ref) VALUES ('member', NEW.id); END;"
	"CREATE TRIGGER fleet_out_notice AFTER INSERT ON notices WHEN " SYNC_QUIET
	" BEGIN INSERT INTO outbox (kind, ref) VALUES ('notice', NEW.id); END;"
	"CREATE TRIGGER fleet_out_consent AFTER INSERT ON consent_records WHEN " SYNC_QUIET
	" BEGIN INSERT INTO outbox (kind, ref) VALUES ('consent', NEW.id); END;"
	"CREATE TRIGGER fleet_out_reward_new AFTER INSERT ON rewards WHEN " SYNC_QUIET
	" BEGIN INSERT INTO outbox (kind, ref) VALUES ('reward', NEW.id); END;"
	"CREATE TRIGGER fleet_out_reward AFTER UPDATE OF state, redeemed_at, redeemed_till,"
	" redeemed_by, revoked_reason ON rewards WHEN " SYNC_QUIET
	" BEGIN INSERT INTO outbox (kind, ref) VALUES ('reward', NEW.id); END;"
	"CREATE TRIGGER fleet_out_visit AFTER INSERT ON visits WHEN " SYNC_QUIET
	" BEGIN INSERT INTO outbox (kind, ref) VALUES ('visit', NEW.id); END;"
	"CREATE TRIGGER fleet_out_feedback AFTER INSERT ON feedback WHEN " SYNC_QUIET
	" BEGIN INSERT INTO outbox (kind, ref) VALUES ('feedback', NEW.id); END;";

/* Everything held before the store joined, listed once, members before what names them. */
static const char sync_backfill[] =
	"UPDATE customers SET stamp = created * 1000 * 4096 + %d WHERE stamp = 0;"
	"INSERT INTO outbox (kind, ref) SELECT 'notice', id FROM notices ORDER BY id;"
	"INSERT INTO outbox (kind, ref) SELECT 'member', id FROM customers ORDER BY id;"
	"INSERT INTO outbox (kind, ref) SELECT 'consent', id FROM consent_records ORDER BY id;"
	"INSERT INTO outbox (kind, ref) SELECT 'reward', id FROM rewards ORDER BY id;"
	"INSERT INTO outbox (kind, ref) SELECT 'visit', id FROM visits ORDER BY id;"
	"INSERT INTO outbox (kind, ref) SELECT 'feedback', id FROM feedback ORDER BY id;";

void
sync_result_free(struct sync_result *r)
{
	free(r->dups);
	r->dups = NULL;
	r->ndups = 0;
}

const char *
sync_conninfo(const struct shop *s, const char *given)
{
	const char	*env;

	if (given != NULL)
		return given;
	if ((env = getenv("PREFKIOSK_HUB")) != NULL && *env != '\0')
		return env;
	return s->config->hub_conninfo != NULL ? s->config->hub_conninfo : "";
}

/* A meta value that is a 64-bit number (0 when absent); -1 and *cause on a store error. */
static int
sync_meta_int(struct shop *s, const char *key, int64_t *v, char **cause)
{
	unsigned char	buf[8];
	size_t		len;
	int		rc, i;

	*v = 0;
	if ((rc = store_meta_get(s->store, key, buf, sizeof buf, &len)) == 1)
		return 0;
	if (rc != 0 || len != sizeof buf)
		return util_fail(cause, "%s: the store's %s is damaged; run prefkiosk verify",
		    store_path(s->store), key);
	for (i = 0; i < 8; i++)
		*v = (int64_t)((uint64_t)*v << 8 | buf[i]);
	return 0;
}

static int
sync_meta_set_int(struct shop *s, const char *key, int64_t v)
{
	unsigned char	buf[8];
	int		i;

	for (i = 0; i < 8; i++)
		buf[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
	return store_meta_set(s->store, key, buf, sizeof buf);
}

/* The store's identity in a hub, made the first time it is asked for (inside a transaction). */
static int
sync_store_id(struct shop *s, unsigned char id[HUB_ID_BYTES], char **cause)
{
	size_t	len;
	int	rc;

	if ((rc = store_meta_get(s->store, "store_id", id, HUB_ID_BYTES, &len)) == 0 &&
	    len == HUB_ID_BYTES)
		return 0;
	if (rc < 0 || rc == 0)
		return util_fail(cause, "%s: the store's identity is damaged; run prefkiosk "
		    "verify", store_path(s->store));
	randombytes_buf(id, HUB_ID_BYTES);
	if (store_meta_set(s->store, "store_id", id, HUB_ID_BYTES) != 0)
		return store_fail(s->store, cause, "cannot join the fleet");
	return 0;
}

int
sync_join_local(struct shop *s, const unsigned char hub_id[HUB_ID_BYTES], char **cause)
{
	unsigned char	 known[HUB_ID_BYTES], id[HUB_ID_BYTES], carried[8];
	size_t		 len;
	char		*sql;
	int		 rc, t = s->config->terminal_id;

	if (store_begin(s->store, cause) != 0)
		return -1;
	if (sync_store_id(s, id, cause) != 0)
		goto fail;
	if ((rc = store_meta_get(s->store, "hub_id", known, sizeof known, &len)) < 0) {
		store_fail(s->store, cause, "cannot join the fleet");
		goto fail;
	}
	if (rc == 0) {
		/* Joined before: only to this hub, or its outbox would be missing there. */
		if (len != sizeof known || memcmp(known, hub_id, sizeof known) != 0) {
			util_fail(cause, "this store shares its data with another hub; a terminal "
			    "belongs to one fleet (check --hub, $PREFKIOSK_HUB or [hub] conninfo)");
			goto fail;
		}
		return store_commit(s->store, cause);
	}
	/* A rotated key carries reward-code and PIN keys of its own, which no other terminal
	 * has: such a store cannot share codes and PINs with a fleet. */
	if ((rc = store_meta_get(s->store, "carried_keys", carried, sizeof carried, &len)) != 1) {
		if (rc < 0)
			store_fail(s->store, cause, "cannot join the fleet");
		else
			util_fail(cause, "this store's key was rotated (prefkiosk rekey), so its "
			    "codes and PINs are its own: a fleet's terminals are made from one key "
			    "file (prefkiosk init --terminal ID) and never rotated alone");
		goto fail;
	}
	sql = util_xprintf(sync_backfill, t);
	rc = store_exec(s->store, sql, cause);
	free(sql);
	if (rc != 0)
		goto fail;
	sql = util_xprintf(sync_triggers, t, t);
	rc = store_exec(s->store, sql, cause);
	free(sql);
	if (rc != 0)
		goto fail;
	if (store_meta_set(s->store, "hub_id", hub_id, HUB_ID_BYTES) != 0) {
		store_fail(s->store, cause, "cannot join the fleet");
		goto fail;
	}
	return store_commit(s->store, cause);
fail:
	store_rollback(s->store);
	return -1;
}

/* Base64 of n bytes as a JSON string, or null for none. */
static json_t *
sync_b64(const void *p, size_t n)
{
	size_t	 size;
	char	*buf;
	json_t	*v;

	if (p == NULL)
		return json_null();
	size = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	buf = util_xmalloc(size);
	sodium_bin2base64(buf, size, p, n, sodium_base64_VARIANT_ORIGINAL);
	v = json_string(buf);
	free(buf);
	return v;
}

/* A blob column as base64, or null. */
static json_t *
sync_blob(sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return json_null();
	return sync_b64(sqlite3_column_blob(stmt, col), (size_t)sqlite3_column_bytes(stmt, col));
}

/* A text column, or null. */
static json_t *
sync_text(sqlite3_stmt *stmt, int col)
{
	const char *v = (const char *)sqlite3_column_text(stmt, col);

	return v != NULL ? json_string(v) : json_null();
}

/* An integer column, or null. */
static json_t *
sync_int(sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return json_null();
	return json_integer((json_int_t)sqlite3_column_int64(stmt, col));
}

/* The row of one outbox entry as an event body, NULL when the row is not there (then there is
 * nothing to share) or on a store error (*failed). */
static json_t *
sync_row(struct shop *s, const char *kind, sqlite3_int64 ref, bool *failed)
{
	static const struct {
		const char	*kind;
		const char	*sql;
		const char	*names[16];
	} shapes[] = {
		{ "member", "SELECT uid, key_version, data_key, card_index, phone_index,"
		  " email_index, profile, created, last_seen, erased, stamp FROM customers"
		  " WHERE id = ?1", { "uid", "key_version", "data_key", "card", "phone", "email",
		  "profile", "created", "last_seen", "erased", "stamp" } },
		{ "notice", "SELECT notice, language, version, digest, text, first_shown"
		  " FROM notices WHERE id = ?1", { "notice", "language", "version", "digest",
		  "text", "first_shown" } },
		{ "consent", "SELECT body, prev, mac FROM consent_records WHERE id = ?1",
		  { "body", "prev", "mac" } },
		{ "reward", "SELECT r.id, r.terminal, r.serial, c.uid, r.rule, r.code, r.issued,"
		  " r.expires, r.state, r.incentive_version, r.redeemed_at, r.redeemed_till,"
		  " r.redeemed_by, r.revoked_reason, r.redeemed_terminal FROM rewards r"
		  " LEFT JOIN customers c ON c.id = r.customer WHERE r.id = ?1", { "id",
		  "terminal", "serial", "customer", "rule", "code", "issued", "expires", "state",
		  "incentive_version", "redeemed_at", "redeemed_till", "redeemed_by",
		  "revoked_reason", "redeemed_terminal" } },
		{ "visit", "SELECT c.uid, v.time, v.terminal, v.staff FROM visits v"
		  " JOIN customers c ON c.id = v.customer WHERE v.id = ?1", { "customer", "time",
		  "terminal", "staff" } },
		{ "feedback", "SELECT c.uid, f.time, f.terminal, f.rating FROM feedback f"
		  " JOIN customers c ON c.id = f.customer WHERE f.id = ?1", { "customer", "time",
		  "terminal", "rating" } },
	};
	sqlite3_stmt	*stmt;
	json_t		*o = NULL, *v;
	size_t		 i;
	int		 k, rc;

	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		if (strcmp(shapes[i].kind, kind) == 0)
			break;
	if (i == sizeof shapes / sizeof shapes[0])
		return NULL;	/* written by a newer prefkiosk: not ours to share */
	stmt = store_prepare(s->store, shapes[i].sql);
	sqlite3_bind_int64(stmt, 1, ref);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		o = json_object();
		for (k = 0; k < sqlite3_column_count(stmt); k++) {
			switch (sqlite3_column_type(stmt, k)) {
			case SQLITE_BLOB:
				v = sync_blob(stmt, k);
				break;
			case SQLITE_INTEGER:
				v = sync_int(stmt, k);
				break;
			case SQLITE_NULL:
				v = json_null();
				break;
			default:
				v = sync_text(stmt, k);
			}
			json_object_set_new(o, shapes[i].names[k], v);
		}
	}
	sqlite3_reset(stmt);
	*failed = rc != SQLITE_ROW && rc != SQLITE_DONE;
	return o;
}

int
sync_outbox(struct shop *s, size_t max, struct hub_event **out, size_t *n, char **cause)
{
	struct hub_event	*v = util_xcalloc(max > 0 ? max : 1, sizeof *v);
	sqlite3_stmt		*stmt;
	json_t			*o;
	char			*text;
	size_t			 k = 0, len;
	bool			 failed = false;
	int			 rc;

	*out = NULL;
	*n = 0;
	stmt = store_prepare(s->store, "SELECT seq, kind, ref FROM outbox ORDER BY seq LIMIT ?1");
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct hub_event *e = &v[k];
		const char *kind = (const char *)sqlite3_column_text(stmt, 1);
		e->origin = s->config->terminal_id;
		e->oseq = sqlite3_column_int64(stmt, 0);
		util_copy(e->kind, sizeof e->kind, kind);
		/* A row that is gone, or of a kind this prefkiosk does not know, is sent empty:
		 * the hub keeps every number, and a receiver skips it. */
		o = sync_row(s, e->kind, sqlite3_column_int64(stmt, 2), &failed);
		if (failed)
			break;
		if (o == NULL)
			o = json_object();
		/* Only a redemption made here is this terminal's to claim. */
		if (strcmp(e->kind, "reward") == 0 &&
		    json_is_string(json_object_get(o, "state")) &&
		    strcmp(json_string_value(json_object_get(o, "state")), "redeemed") == 0 &&
		    json_is_null(json_object_get(o, "redeemed_terminal"))) {
			e->reward = json_integer_value(json_object_get(o, "id"));
			e->redeemed_at = json_integer_value(json_object_get(o, "redeemed_at"));
			e->till = NULL;	/* the till stays in the sealed body */
		}
		text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(o);
		len = strlen(text);
		e->len = len + VAULT_SEAL_OVERHEAD;
		e->body = util_xmalloc(e->len);
		vault_event_seal(s->vault, e->origin, e->oseq, e->kind, text, len, e->body);
		sodium_memzero(text, len);
		free(text);
		k++;
	}
	sqlite3_reset(stmt);
	if (failed || (rc != SQLITE_ROW && rc != SQLITE_DONE)) {
		hub_events_free(v, k);
		return store_fail(s->store, cause, "cannot read the outbox");
	}
	*out = v;
	*n = k;
	return 0;
}

int
sync_outbox_done(struct shop *s, int64_t upto, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (store_begin(s->store, cause) != 0)
		return -1;
	stmt = store_prepare(s->store, "DELETE FROM outbox WHERE seq <= ?1");
	sqlite3_bind_int64(stmt, 1, upto);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_fail(s->store, cause, "cannot empty the outbox");
		store_rollback(s->store);
		return -1;
	}
	return store_commit(s->store, cause);
}

/* Decode a base64 member of o into a new buffer (*len); NULL for null or absent, and *bad for
 * something that is not base64. */
static unsigned char *
sync_unb64(json_t *o, const char *key, size_t *len, bool *bad)
{
	json_t		*v = json_object_get(o, key);
	const char	*text;
	unsigned char	*buf;
	size_t		 n;

	*len = 0;
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	text = json_string_value(v);
	n = strlen(text);
	buf = util_xmalloc(n + 1);
	if (sodium_base642bin(buf, n + 1, text, n, NULL, len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(buf);
		*bad = true;
		return NULL;
	}
	return buf;
}

/* The local id of member uid: 0 none, -1 store error. */
static sqlite3_int64
sync_member_id(struct shop *s, const char *uid)
{
	sqlite3_stmt	*stmt = store_prepare(s->store, "SELECT id FROM customers WHERE uid = ?1");
	sqlite3_int64	 id = 0;
	int		 rc;

	if (uid == NULL)
		return 0;
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? id : -1;
}

/* Run a cached statement that returns nothing; -1 on failure. */
static int
sync_step(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The statements of each sign-in value: who holds it, and taking it from them.  String
 * literals, so that store_prepare caches them. */
static const struct {
	const char	*holder;
	const char	*take;
} sync_index_sql[3] = {
	{ "SELECT id, created, uid FROM customers WHERE card_index = ?1 AND uid <> ?2",
	  "UPDATE customers SET card_index = NULL WHERE id = ?1" },
	{ "SELECT id, created, uid FROM customers WHERE phone_index = ?1 AND uid <> ?2",
	  "UPDATE customers SET phone_index = NULL WHERE id = ?1" },
	{ "SELECT id, created, uid FROM customers WHERE email_index = ?1 AND uid <> ?2",
	  "UPDATE customers SET email_index = NULL WHERE id = ?1" },
};

/*
 * A sign-in value (k: card, phone or e-mail index) that member uid, created at created, brings:
 * when another member holds it, the one who signed up first keeps it (then the lower uid), on
 * every terminal alike.  *keep tells whether uid may have it; -1 on a store error.
 */
static int
sync_index_claim(struct shop *s, int k, const unsigned char *idx, size_t len,
    const char *uid, int64_t created, bool *keep, struct sync_result *r)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 holder = 0, hcreated = 0;
	char		 huid[64] = "";
	int		 rc;

	*keep = true;
	if (idx == NULL)
		return 0;
	stmt = store_prepare(s->store, sync_index_sql[k].holder);
	sqlite3_bind_blob(stmt, 1, idx, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, uid, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		holder = sqlite3_column_int64(stmt, 0);
		hcreated = sqlite3_column_int64(stmt, 1);
		util_copy(huid, sizeof huid, (const char *)sqlite3_column_text(stmt, 2));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	r->conflicts++;
	if (hcreated < created || (hcreated == created && strcmp(huid, uid) < 0)) {
		*keep = false;
		return 0;
	}
	stmt = store_prepare(s->store, sync_index_sql[k].take);
	sqlite3_bind_int64(stmt, 1, holder);
	return sync_step(stmt);
}

/* An erasure from another terminal: the same as customer_erase does here, but for the
 * withdrawals, which that terminal recorded in its own chain. */
static int
sync_erase(struct shop *s, sqlite3_int64 id, int64_t erased, int64_t stamp)
{
	sqlite3_stmt	*stmt;

	stmt = store_prepare(s->store, "UPDATE customers SET data_key = NULL, card_index = NULL,"
	    " phone_index = NULL, email_index = NULL, profile = NULL, erased = ?2, stamp = ?3"
	    " WHERE id = ?1");
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, erased);
	sqlite3_bind_int64(stmt, 3, stamp);
	if (sync_step(stmt) != 0)
		return -1;
	stmt = store_prepare(s->store, "UPDATE rewards SET state = 'revoked', revoked_reason ="
	    " 'erased' WHERE customer = ?1 AND state = 'issued'");
	sqlite3_bind_int64(stmt, 1, id);
	if (sync_step(stmt) != 0)
		return -1;
	stmt = store_prepare(s->store, "DELETE FROM signin_failures WHERE customer = ?1");
	sqlite3_bind_int64(stmt, 1, id);
	return sync_step(stmt);
}

/* Apply a member event; 0, 1 not a member event (*cause), -1 store error. */
static int
sync_apply_member(struct shop *s, json_t *o, struct sync_result *r, bool *erased_any,
    char **cause)
{
	static const char *const keys[3] = { "card", "phone", "email" };
	unsigned char	*key = NULL, *profile = NULL, *idx[3] = { NULL, NULL, NULL };
	size_t		 keylen, proflen, idxlen[3];
	const char	*uid = NULL;
	json_int_t	 keyver = 0, created = 0, last_seen = 0, stamp = 0;
	json_t		*erased = NULL;
	sqlite3_stmt	*stmt;
	sqlite3_int64	 id, lstamp = 0, lerased = 0;
	bool		 bad = false, keep;
	int		 i, rc = -1;

	if (json_unpack(o, "{s:s, s:I, s:I, s:I, s:o, s:I}", "uid", &uid, "key_version",
	    &keyver, "created", &created, "last_seen", &last_seen, "erased", &erased, "stamp",
	    &stamp) != 0 || strlen(uid) > 40)
		return util_fail(cause, "a member event without a member"), 1;
	key = sync_unb64(o, "data_key", &keylen, &bad);
	profile = sync_unb64(o, "profile", &proflen, &bad);
	for (i = 0; i < 3; i++)
		idx[i] = sync_unb64(o, keys[i], &idxlen[i], &bad);
	if (bad) {
		rc = 1;
		util_fail(cause, "a member event that is damaged");
		goto out;
	}
	if ((id = sync_member_id(s, uid)) < 0)
		goto out;
	if (id > 0) {
		stmt = store_prepare(s->store, "SELECT stamp, erased FROM customers WHERE id = ?1");
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			lstamp = sqlite3_column_int64(stmt, 0);
			lerased = sqlite3_column_int64(stmt, 1);
		}
		sqlite3_reset(stmt);
		/* The latest sign-in anywhere: retention counts from it on every terminal. */
		stmt = store_prepare(s->store, "UPDATE customers SET last_seen = max(last_seen, ?2)"
		    " WHERE id = ?1");
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)last_seen);
		if (sync_step(stmt) != 0)
			goto out;
		if (lerased != 0) {
			rc = 0;		/* erasure is final */
			goto out;
		}
		if (!json_is_null(erased)) {
			rc = sync_erase(s, id, json_integer_value(erased), stamp);
			*erased_any = true;
			goto out;
		}
		if (stamp <= lstamp) {
			rc = 0;		/* a version this store has, or an older one */
			goto out;
		}
	}
	for (i = 0; i < 3; i++) {
		if (sync_index_claim(s, i, idx[i], idxlen[i], uid, created, &keep, r) != 0)
			goto out;
		if (!keep) {
			free(idx[i]);
			idx[i] = NULL;
		}
	}
	if (id == 0)
		stmt = store_prepare(s->store, "INSERT INTO customers (uid, key_version, data_key,"
		    " card_index, phone_index, email_index, profile, created, last_seen, erased,"
		    " stamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	else
		stmt = store_prepare(s->store, "UPDATE customers SET key_version = ?2, data_key = ?3,"
		    " card_index = ?4, phone_index = ?5, email_index = ?6, profile = ?7,"
		    " erased = ?10, stamp = ?11 WHERE uid = ?1");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, keyver);
	if (key != NULL)
		sqlite3_bind_blob(stmt, 3, key, (int)keylen, SQLITE_STATIC);
	for (i = 0; i < 3; i++)
		if (idx[i] != NULL)
			sqlite3_bind_blob(stmt, 4 + i, idx[i], (int)idxlen[i], SQLITE_STATIC);
	if (profile != NULL)
		sqlite3_bind_blob(stmt, 7, profile, (int)proflen, SQLITE_STATIC);
	if (id == 0) {
		sqlite3_bind_int64(stmt, 8, created);
		sqlite3_bind_int64(stmt, 9, last_seen);
	}
	if (!json_is_null(erased))
		sqlite3_bind_int64(stmt, 10, json_integer_value(erased));
	sqlite3_bind_int64(stmt, 11, stamp);
	rc = sync_step(stmt);
out:
	free(key);
	free(profile);
	for (i = 0; i < 3; i++)
		free(idx[i]);
	return rc;
}

/* Apply a notice: its text, kept once per digest (with a version of this store's). */
static int
sync_apply_notice(struct shop *s, json_t *o, char **cause)
{
	const char	*notice, *lang, *text;
	unsigned char	*digest;
	size_t		 len;
	json_int_t	 first;
	sqlite3_stmt	*stmt;
	bool		 bad = false;
	int		 rc;

	if (json_unpack(o, "{s:s, s:s, s:s, s:I}", "notice", &notice, "language", &lang, "text",
	    &text, "first_shown", &first) != 0 ||
	    (digest = sync_unb64(o, "digest", &len, &bad)) == NULL)
		return util_fail(cause, "a notice event that is damaged"), 1;
	stmt = store_prepare(s->store, "INSERT INTO notices (notice, language, version, digest,"
	    " text, first_shown) SELECT ?1, ?2, (SELECT coalesce(max(version), 0) + 1"
	    "  FROM notices WHERE notice = ?1 AND language = ?2), ?3, ?4, ?5"
	    " WHERE NOT EXISTS (SELECT 1 FROM notices WHERE notice = ?1 AND language = ?2"
	    "  AND digest = ?3)");
	sqlite3_bind_text(stmt, 1, notice, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 3, digest, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, first);
	rc = sync_step(stmt);
	free(digest);
	return rc;
}

/* Apply a consent record: it must follow its terminal's chain. */
static int
sync_apply_consent(struct shop *s, int origin, json_t *o, char **cause)
{
	const char	*body;
	unsigned char	*prev, *mac;
	size_t		 plen, mlen;
	bool		 bad = false;
	int		 rc;

	if (json_unpack(o, "{s:s}", "body", &body) != 0)
		return util_fail(cause, "a consent event without a record"), 1;
	prev = sync_unb64(o, "prev", &plen, &bad);
	mac = sync_unb64(o, "mac", &mlen, &bad);
	if (bad || prev == NULL || mac == NULL || plen != VAULT_MAC_BYTES ||
	    mlen != VAULT_MAC_BYTES) {
		free(prev);
		free(mac);
		return util_fail(cause, "a consent event that is damaged"), 1;
	}
	rc = consent_fleet_append(s, origin, body, prev, mac, cause);
	free(prev);
	free(mac);
	return rc;
}

/* The rank of a reward's state: a later one wins over an earlier. */
static int
sync_rank(const char *state)
{
	if (strcmp(state, "redeemed") == 0)
		return 3;
	if (strcmp(state, "revoked") == 0)
		return 2;
	if (strcmp(state, "expired") == 0)
		return 1;
	return 0;
}

/* Apply a reward: new ones are kept as issued; a known one takes the later state, and of two
 * redemptions the earlier (then the lower terminal). */
static int
sync_apply_reward(struct shop *s, int origin, json_t *o, char **cause)
{
	const char	*rule, *code, *state, *uid = NULL, *till = NULL, *by = NULL, *reason = NULL;
	json_int_t	 id, terminal, serial, issued, expires, at = 0, rterm = -1, iv = 0;
	json_t		*v;
	sqlite3_stmt	*stmt;
	sqlite3_int64	 member;
	char		 lstate[16] = "";
	sqlite3_int64	 lat = 0, lterm = -1;
	int		 rc;

	if (json_unpack(o, "{s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:s}", "id", &id, "terminal",
	    &terminal, "serial", &serial, "rule", &rule, "code", &code, "issued", &issued,
	    "expires", &expires, "state", &state) != 0)
		return util_fail(cause, "a reward event that is damaged"), 1;
	if ((v = json_object_get(o, "customer")) != NULL && json_is_string(v))
		uid = json_string_value(v);
	if ((v = json_object_get(o, "incentive_version")) != NULL && json_is_integer(v))
		iv = json_integer_value(v);
	if ((v = json_object_get(o, "redeemed_at")) != NULL && json_is_integer(v))
		at = json_integer_value(v);
	if ((v = json_object_get(o, "redeemed_till")) != NULL && json_is_string(v))
		till = json_string_value(v);
	if ((v = json_object_get(o, "redeemed_by")) != NULL && json_is_string(v))
		by = json_string_value(v);
	if ((v = json_object_get(o, "revoked_reason")) != NULL && json_is_string(v))
		reason = json_string_value(v);
	/* Where it was redeemed: where the event says, or where the event comes from. */
	if (strcmp(state, "redeemed") == 0) {
		v = json_object_get(o, "redeemed_terminal");
		rterm = v != NULL && json_is_integer(v) ? json_integer_value(v) : origin;
	}
	if ((member = sync_member_id(s, uid)) < 0)
		return -1;

	stmt = store_prepare(s->store, "SELECT state, redeemed_at, coalesce(redeemed_terminal,"
	    " ?2) FROM rewards WHERE id = ?1");
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, s->config->terminal_id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		util_copy(lstate, sizeof lstate, (const char *)sqlite3_column_text(stmt, 0));
		lat = sqlite3_column_int64(stmt, 1);
		lterm = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (rc == SQLITE_ROW) {
		if (sync_rank(state) < sync_rank(lstate))
			return 0;
		if (sync_rank(state) == sync_rank(lstate) && (strcmp(state, "redeemed") != 0 ||
		    lat < at || (lat == at && lterm <= rterm)))
			return 0;
		stmt = store_prepare(s->store, "UPDATE rewards SET state = ?2, redeemed_at = ?3,"
		    " redeemed_till = ?4, redeemed_by = ?5, revoked_reason = ?6,"
		    " redeemed_terminal = ?7, customer = coalesce(customer, ?8) WHERE id = ?1");
	} else
		stmt = store_prepare(s->store, "INSERT INTO rewards (id, state, redeemed_at,"
		    " redeemed_till, redeemed_by, revoked_reason, redeemed_terminal, customer,"
		    " terminal, serial, rule, code, issued, expires, incentive_version) VALUES"
		    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC);
	if (at != 0) {
		sqlite3_bind_int64(stmt, 3, at);
		sqlite3_bind_text(stmt, 4, till != NULL ? till : "", -1, SQLITE_STATIC);
	}
	if (by != NULL)
		sqlite3_bind_text(stmt, 5, by, -1, SQLITE_STATIC);
	if (reason != NULL)
		sqlite3_bind_text(stmt, 6, reason, -1, SQLITE_STATIC);
	/* A redemption of this terminal's own that comes back says NULL, as it says here. */
	if (rterm >= 0 && rterm != s->config->terminal_id)
		sqlite3_bind_int64(stmt, 7, rterm);
	if (member > 0)
		sqlite3_bind_int64(stmt, 8, member);
	if (rc != SQLITE_ROW) {
		sqlite3_bind_int64(stmt, 9, terminal);
		sqlite3_bind_int64(stmt, 10, serial);
		sqlite3_bind_text(stmt, 11, rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 12, code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 13, issued);
		sqlite3_bind_int64(stmt, 14, expires);
		if (iv > 0)
			sqlite3_bind_int64(stmt, 15, iv);
	}
	if (sync_step(stmt) != 0)
		return store_fail(s->store, cause, "cannot record another terminal's reward");
	return 0;
}

/* Apply a visit or feedback: a row of the member's, and the member seen then. */
static int
sync_apply_visit(struct shop *s, bool feedback, json_t *o, struct sync_result *r,
    char **cause)
{
	const char	*uid;
	json_int_t	 when, terminal, rating = 0;
	json_t		*staff = NULL;
	sqlite3_int64	 member;
	sqlite3_stmt	*stmt;

	if (json_unpack(o, "{s:s, s:I, s:I}", "customer", &uid, "time", &when, "terminal",
	    &terminal) != 0 || (feedback && json_unpack(o, "{s:I}", "rating", &rating) != 0))
		return util_fail(cause, "a visit event that is damaged"), 1;
	if ((member = sync_member_id(s, uid)) < 0)
		return -1;
	if (member == 0) {
		r->orphans++;
		return 0;
	}
	if (feedback) {
		stmt = store_prepare(s->store, "INSERT INTO feedback (customer, time, terminal,"
		    " rating) VALUES (?1, ?2, ?3, ?4)");
		sqlite3_bind_int64(stmt, 4, rating);
	} else {
		stmt = store_prepare(s->store, "INSERT INTO visits (customer, time, terminal, staff)"
		    " VALUES (?1, ?2, ?3, ?4)");
		staff = json_object_get(o, "staff");
		if (json_is_string(staff))
			sqlite3_bind_text(stmt, 4, json_string_value(staff), -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(stmt, 1, member);
	sqlite3_bind_int64(stmt, 2, when);
	sqlite3_bind_int64(stmt, 3, terminal);
	if (sync_step(stmt) != 0)
		return store_fail(s->store, cause, "cannot record another terminal's visit");
	if (feedback)
		return 0;
	stmt = store_prepare(s->store, "UPDATE customers SET last_seen = max(last_seen, ?2)"
	    " WHERE id = ?1");
	sqlite3_bind_int64(stmt, 1, member);
	sqlite3_bind_int64(stmt, 2, when);
	return sync_step(stmt) == 0 ? 0 :
	    store_fail(s->store, cause, "cannot record another terminal's visit");
}

/* Open and apply one event; 0, -1 with *cause (the batch is refused). */
static int
sync_apply_one(struct shop *s, const struct hub_event *e, struct sync_result *r,
    bool *erased_any, char **cause)
{
	unsigned char	*plain;
	sqlite3_stmt	*stmt;
	sqlite3_int64	 last;
	json_t		*o;
	char		*why = NULL;
	int		 rc;

	/* A terminal's events reach the hub in their own order: one this store has applied, or
	 * an older one, is a hub replaying it, and is not applied twice. */
	stmt = store_prepare(s->store, "SELECT oseq FROM fleet_origins WHERE origin = ?1");
	sqlite3_bind_int(stmt, 1, e->origin);
	rc = sqlite3_step(stmt);
	last = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot apply the fleet's events");
	if (e->oseq <= last) {
		r->replayed++;
		return 0;
	}
	stmt = store_prepare(s->store, "INSERT OR REPLACE INTO fleet_origins (origin, oseq)"
	    " VALUES (?1, ?2)");
	sqlite3_bind_int(stmt, 1, e->origin);
	sqlite3_bind_int64(stmt, 2, e->oseq);
	if (sync_step(stmt) != 0)
		return store_fail(s->store, cause, "cannot apply the fleet's events");
	if (e->len < VAULT_SEAL_OVERHEAD)
		return util_fail(cause, "event %lld of terminal %d is damaged; nothing of this "
		    "batch was applied", (long long)e->oseq, e->origin);
	plain = util_secret_alloc(e->len - VAULT_SEAL_OVERHEAD + 1);
	if (vault_event_open(s->vault, e->origin, e->oseq, e->kind, e->body, e->len,
	    plain) != 0) {
		util_secret_free(plain);
		return util_fail(cause, "event %lld of terminal %d does not open under this "
		    "store's key (another company's terminal, or tampered with on the hub); nothing "
		    "of this batch was applied", (long long)e->oseq, e->origin);
	}
	plain[e->len - VAULT_SEAL_OVERHEAD] = '\0';
	o = json_loadb((const char *)plain, e->len - VAULT_SEAL_OVERHEAD, 0, NULL);
	util_secret_free(plain);
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return util_fail(cause, "event %lld of terminal %d is not an event; nothing of "
		    "this batch was applied", (long long)e->oseq, e->origin);
	}
	if (json_object_size(o) == 0)
		rc = 0;		/* a row that was gone when it was sent */
	else if (strcmp(e->kind, "member") == 0)
		rc = sync_apply_member(s, o, r, erased_any, &why);
	else if (strcmp(e->kind, "notice") == 0)
		rc = sync_apply_notice(s, o, &why);
	else if (strcmp(e->kind, "consent") == 0)
		rc = sync_apply_consent(s, e->origin, o, &why);
	else if (strcmp(e->kind, "reward") == 0)
		rc = sync_apply_reward(s, e->origin, o, &why);
	else if (strcmp(e->kind, "visit") == 0 || strcmp(e->kind, "feedback") == 0)
		rc = sync_apply_visit(s, strcmp(e->kind, "feedback") == 0, o, r, &why);
	else
		rc = 0;		/* a kind a newer prefkiosk shares: not ours */
	json_decref(o);
	if (rc == 0)
		return 0;
	if (rc > 0)
		util_fail(cause, "event %lld of terminal %d refused: %s; nothing of this batch was "
		    "applied", (long long)e->oseq, e->origin, why);
	else if (why != NULL)
		util_fail(cause, "%s", why);
	else
		store_fail(s->store, cause, "cannot apply another terminal's event");
	free(why);
	return -1;
}

int
sync_apply(struct shop *s, const struct hub_event *v, size_t n, struct sync_result *r,
    char **cause)
{
	static const unsigned char on[1] = { 1 };
	bool	erased = false;
	size_t	i;

	if (n == 0)
		return 0;
	if (store_begin(s->store, cause) != 0)
		return -1;
	if (store_meta_set(s->store, "fleet_applying", on, sizeof on) != 0) {
		store_fail(s->store, cause, "cannot apply the fleet's events");
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (sync_apply_one(s, &v[i], r, &erased, cause) != 0)
			goto fail;
	if (store_exec(s->store, "DELETE FROM meta WHERE key = 'fleet_applying'", cause) != 0)
		goto fail;
	if (sync_meta_set_int(s, "hub_cursor", v[n - 1].seq) != 0) {
		store_fail(s->store, cause, "cannot apply the fleet's events");
		goto fail;
	}
	if (store_commit(s->store, cause) != 0)
		return -1;
	r->pulled += (long)n;
	r->cursor = v[n - 1].seq;
	/* As customer_erase: the erased keys' old pages leave the WAL. */
	if (erased)
		store_checkpoint(s->store, NULL);
	return 0;
fail:
	store_rollback(s->store);
	return -1;
}

/* The duplicates a push found, in the audit chain: an admin sees them there too. */
static void
sync_audit_duplicates(struct shop *s, const struct hub_duplicate *d, size_t n)
{
	char	target[64];
	size_t	i;

	for (i = 0; i < n; i++) {
		snprintf(target, sizeof target, "reward %lld:%lld",
		    (long long)(d[i].reward >> 36), (long long)(d[i].reward & ((1LL << 36) - 1)));
		audit_record(s, time(NULL), NULL, "duplicate_redemption", target, NULL);
	}
}

/*
 * A store restored from a backup older than its last push would number new events as ones the
 * hub holds already (they would be dropped), and its consent chain would fork from what the
 * fleet has: it is refused, saying so.
 */
static int
sync_not_behind(struct shop *s, struct hub *h, char **cause)
{
	sqlite3_stmt	*stmt;
	int64_t		 pushed, here = 0;
	int		 rc;

	if (hub_pushed(h, s->config->terminal_id, &pushed, cause) != 0)
		return -1;
	stmt = store_prepare(s->store, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'");
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		here = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the outbox");
	if (pushed > here)
		return util_fail(cause, "the hub holds %lld events of terminal %d but this store "
		    "made only %lld: it was restored from an older copy; make it again as a new "
		    "terminal (prefkiosk init --terminal ID) and let it sync", (long long)pushed,
		    s->config->terminal_id, (long long)here);
	return 0;
}

int
sync_run(struct shop *s, struct hub *h, struct sync_result *r, char **cause)
{
	unsigned char		 store[HUB_ID_BYTES], check[32], hub_id[HUB_ID_BYTES];
	struct hub_event	*v = NULL;
	struct hub_duplicate	*d;
	size_t			 n, nd;
	int64_t			 cursor;
	int			 rc;

	memset(r, 0, sizeof *r);
	/* The store's identity, made now if it has none. */
	if (store_begin(s->store, cause) != 0)
		return -1;
	if (sync_store_id(s, store, cause) != 0) {
		store_rollback(s->store);
		return -1;
	}
	if (store_commit(s->store, cause) != 0)
		return -1;
	vault_hub_check(s->vault, check);
	if (hub_join(h, s->config->terminal_id, store, check, hub_id, cause) != 0 ||
	    sync_join_local(s, hub_id, cause) != 0 ||
	    sync_not_behind(s, h, cause) != 0)
		return -1;

	/* Push until the outbox is empty. */
	for (;;) {
		if (sync_outbox(s, SYNC_BATCH, &v, &n, cause) != 0)
			return -1;
		if (n == 0) {
			hub_events_free(v, n);
			break;
		}
		rc = hub_push(h, s->config->terminal_id, v, n, &d, &nd, cause);
		if (rc == 0) {
			rc = sync_outbox_done(s, v[n - 1].oseq, cause);
			r->pushed += (long)n;
			if (nd > 0) {
				sync_audit_duplicates(s, d, nd);
				r->dups = util_xrealloc(r->dups, r->ndups + nd, sizeof *r->dups);
				memcpy(r->dups + r->ndups, d, nd * sizeof *d);
				r->ndups += nd;
			}
			free(d);
		}
		hub_events_free(v, n);
		if (rc != 0)
			return -1;
	}

	/* Pull until there is nothing newer. */
	if (sync_meta_int(s, "hub_cursor", &cursor, cause) != 0)
		return -1;
	r->cursor = cursor;
	for (;;) {
		if (hub_pull(h, s->config->terminal_id, r->cursor, SYNC_BATCH, &v, &n, cause) != 0)
			return -1;
		rc = sync_apply(s, v, n, r, cause);
		hub_events_free(v, n);
		if (rc != 0)
			return -1;
		if (n < SYNC_BATCH)
			break;
	}
	return 0;
}

json_t *
sync_result_json(struct shop *s, const struct sync_result *r)
{
	json_t		*dups = json_array();
	sqlite3_stmt	*stmt;
	char		 when[21], first[21];
	size_t		 i;

	for (i = 0; i < r->ndups; i++) {
		const struct hub_duplicate *d = &r->dups[i];
		json_t *o;
		stmt = store_prepare(s->store, "SELECT code, rule FROM rewards WHERE id = ?1");
		sqlite3_bind_int64(stmt, 1, d->reward);
		util_iso8601((time_t)d->at, when);
		util_iso8601((time_t)d->first.at, first);
		o = json_pack("{s:I, s:s, s:{s:i, s:s}}", "reward", (json_int_t)d->reward,
		    "redeemed_at", when, "first", "terminal", d->first.terminal, "redeemed_at",
		    first);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			json_object_set_new(o, "code", sync_text(stmt, 0));
			json_object_set_new(o, "rule", sync_text(stmt, 1));
		}
		sqlite3_reset(stmt);
		json_array_append_new(dups, o);
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "pushed", (json_int_t)r->pushed,
	    "pulled", (json_int_t)r->pulled, "conflicts", (json_int_t)r->conflicts, "orphans",
	    (json_int_t)r->orphans, "replayed", (json_int_t)r->replayed, "cursor",
	    (json_int_t)r->cursor, "duplicates", dups);
}

/* ---- Redemptions the hub decides ------------------------------------------------------- */

struct fleet {
	struct shop	*shop;
	char		*conninfo;
	struct hub	*hub;		/* connected on first use, again after a failure */
	bool		 accept;	/* offline_redemption = accept */
};

struct fleet *
fleet_open(struct shop *s, const char *conninfo)
{
	struct fleet	*f;

	if (conninfo == NULL || *conninfo == '\0')
		return NULL;
	f = util_xcalloc(1, sizeof *f);
	f->shop = s;
	f->conninfo = util_xstrdup(conninfo);
	f->accept = strcmp(s->config->hub_offline, "accept") == 0;
	return f;
}

void
fleet_close(struct fleet *f)
{
	if (f == NULL)
		return;
	hub_close(f->hub);
	free(f->conninfo);
	free(f);
}

/* The hub, connected; NULL when it cannot be reached (the connection is tried again later). */
static struct hub *
fleet_hub(struct fleet *f)
{
	if (f->hub == NULL)
		f->hub = hub_connect(f->conninfo, NULL);
	return f->hub;
}

/* reward_redeem_hub's question to the hub. */
static int
fleet_claim(void *arg, sqlite3_int64 id, time_t now, const char *till,
    struct reward_ticket *t, char **cause)
{
	struct fleet		*f = arg;
	struct hub_claim	 first;
	int			 rc;

	(void)cause;
	if (fleet_hub(f) == NULL)
		return f->accept ? REWARD_CLAIM_OFFLINE_ACCEPT : REWARD_CLAIM_OFFLINE_REFUSE;
	rc = hub_claim(f->hub, id, f->shop->config->terminal_id, now, till, &first, NULL);
	if (rc < 0) {
		/* The connection kept since the last scan may have been cut (the hub restarted):
		 * once more on a new one, and only then is the hub unreachable.  Not when it did
		 * not answer in time: a new connection would wait as long. */
		bool stuck = hub_stuck(f->hub);
		hub_close(f->hub);
		f->hub = NULL;
		if (stuck || fleet_hub(f) == NULL || (rc = hub_claim(f->hub, id,
		    f->shop->config->terminal_id, now, till, &first, NULL)) < 0) {
			hub_close(f->hub);
			f->hub = NULL;
			return f->accept ? REWARD_CLAIM_OFFLINE_ACCEPT :
			    REWARD_CLAIM_OFFLINE_REFUSE;
		}
	}
	/*
	 * A claim of this terminal's, while its own ledger still says issued, is one whose answer
	 * was lost (a cut connection, a hub that answered too late) or whose redemption did not
	 * commit here: the code was never handed over, and this redemption is it.  Two tills of
	 * one terminal cannot both be here: the ledger is read under the store's write lock.
	 */
	if (rc == 1 || first.terminal == f->shop->config->terminal_id)
		return REWARD_CLAIM_OURS;
	t->redeemed_at = (time_t)first.at;
	t->terminal = first.terminal;
	util_copy(t->till, sizeof t->till, first.till);
	t->by[0] = '\0';
	return REWARD_CLAIM_TAKEN;
}

int
fleet_redeem(struct fleet *f, const char *input, const char *till, const char *staff,
    time_t now, struct reward_ticket *t, char **cause)
{
	struct reward_hub	 hub = { fleet_claim, f };
	struct sync_result	 r = { .ndups = 0 };
	int			 rc;

	/* A code printed at another terminal a moment ago: bring the ledger up to date, and
	 * redeem again.  Out of the hub's reach there is no sync, and nothing of one to free. */
	rc = reward_redeem_hub(f->shop, &hub, input, till, staff, now, t, cause);
	if (rc != 0 || t->status != REWARD_UNKNOWN || fleet_hub(f) == NULL)
		return rc;
	if (sync_run(f->shop, f->hub, &r, NULL) != 0) {
		hub_close(f->hub);
		f->hub = NULL;
	}
	sync_result_free(&r);	/* a failed sync may have found duplicates first */
	return reward_redeem_hub(f->shop, &hub, input, till, staff, now, t, cause);
}

/* ---- The kiosk's background sync ------------------------------------------------------- */

struct sync_worker {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	bool			 stop;
	struct shop		 shop;		/* its own store and keys; config and catalogue
						 * are the kiosk's, read only */
	char			*conninfo;
	int			 interval;
	struct sync_status	 status;
};

static void *
sync_worker_main(void *arg)
{
	struct sync_worker	*w = arg;
	struct sync_result	 r;
	struct timespec		 until;
	struct hub		*h;
	char			*cause = NULL;
	int			 rc;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		pthread_mutex_unlock(&w->lock);
		memset(&r, 0, sizeof r);
		rc = -1;
		if ((h = hub_connect(w->conninfo, &cause)) != NULL) {
			rc = sync_run(&w->shop, h, &r, &cause);
			hub_close(h);
		}
		pthread_mutex_lock(&w->lock);
		if (rc == 0) {
			w->status.last_ok = time(NULL);
			w->status.pushed += r.pushed;
			w->status.pulled += r.pulled;
			w->status.duplicates += (long)r.ndups;
			w->status.error[0] = '\0';
		} else
			util_copy(w->status.error, sizeof w->status.error, cause);
		sync_result_free(&r);
		free(cause);
		cause = NULL;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += w->interval;
		while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct sync_worker *
sync_worker_start(struct shop *s, const char *db, const char *conninfo, int interval,
    char **cause)
{
	struct sync_worker	*w;
	sigset_t		 all, old;
	int			 rc;

	if (conninfo == NULL || *conninfo == '\0' || interval <= 0)
		return NULL;
	w = util_xcalloc(1, sizeof *w);
	w->shop.config = s->config;
	w->shop.catalog = s->catalog;
	w->conninfo = util_xstrdup(conninfo);
	w->interval = interval;
	if ((w->shop.vault = vault_copy(s->vault, cause)) == NULL ||
	    (w->shop.store = store_open(db, STORE_OPEN, cause)) == NULL)
		goto fail;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	/* Signals are the kiosk's: the thread starts with all of them blocked, so that a hang-up
	 * or a resize interrupts the screen's loop, never a sync. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, sync_worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		util_fail(cause, "cannot start the background sync");
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		goto fail;
	}
	return w;
fail:
	store_close(w->shop.store);
	vault_free(w->shop.vault);
	free(w->conninfo);
	free(w);
	return NULL;
}

void
sync_worker_stop(struct sync_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	store_close(w->shop.store);
	vault_free(w->shop.vault);
	free(w->conninfo);
	free(w);
}

void
sync_worker_status(struct sync_worker *w, struct sync_status *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->status;
	pthread_mutex_unlock(&w->lock);
}
