/*
 * consent — append-only, MAC-chained consent records and the notices they point to.
 *
 * A notice text is stored once per (notice, language, digest); its version is one more than
 * the latest version of that notice in that language, so changing a text in assets/ makes a
 * new version the first time it is shown.  The chain: mac[i] = MAC(mac[i-1] || body[i]) with
 * mac[0]'s predecessor all zero; meta "consent_head" = MAC(zero || "head" count mac[last]).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consent.h"
#include "util.h"

static const char *const consent_state_names[] = {
	[CONSENT_NONE] = "none",
	[CONSENT_GIVEN] = "given",
	[CONSENT_REFUSED] = "refused",
	[CONSENT_WITHDRAWN] = "withdrawn",
	[CONSENT_EXPIRED] = "expired",
};

static const char *const consent_method_names[] = {
	[CONSENT_KIOSK] = "kiosk",
	[CONSENT_ASSISTED] = "assisted",
	[CONSENT_IMPORT] = "import",
	[CONSENT_REQUEST] = "request",
	[CONSENT_RETENTION] = "retention",
};

const char *
consent_state_name(enum consent_state s)
{
	return consent_state_names[s];
}

/* The state for a name stored in a record. */
static enum consent_state
consent_state_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof consent_state_names / sizeof consent_state_names[0]; i++)
		if (strcmp(consent_state_names[i], name) == 0)
			return (enum consent_state)i;
	return CONSENT_NONE;
}

const char *
consent_method_name(enum consent_method m)
{
	return consent_method_names[m];
}

int
consent_method_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof consent_method_names / sizeof consent_method_names[0]; i++)
		if (strcmp(consent_method_names[i], name) == 0)
			return (int)i;
	return -1;
}

void
consent_receipt_new(char *out)
{
	vault_random_id(out, 16);
}

/* Lower-case hex of a digest, into out (2n + 1 bytes). */
static void
consent_hex(const unsigned char *in, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

/* Find or add the notice version for the text shown; -1 and *cause. */
static int
consent_notice(struct shop *s, const char *notice, const char *lang,
    const struct catalog_notice *text, time_t now, int *version, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = store_prepare(s->store,
	    "SELECT version FROM notices WHERE notice = ?1 AND language = ?2 AND digest = ?3");
	sqlite3_bind_text(stmt, 1, notice, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 3, text->digest, CATALOG_DIGEST_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(stmt, 0);
		sqlite3_reset(stmt);
		return 0;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the notices");

	stmt = store_prepare(s->store,
	    "INSERT INTO notices (notice, language, version, digest, text, first_shown)"
	    " SELECT ?1, ?2, coalesce(max(version), 0) + 1, ?3, ?4, ?5 FROM notices"
	    " WHERE notice = ?1 AND language = ?2 RETURNING version");
	sqlite3_bind_text(stmt, 1, notice, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 3, text->digest, CATALOG_DIGEST_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, text->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)now);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_fail(s->store, cause, "cannot record the notice");
	return 0;
}

/* A JSON array of strings. */
static json_t *
consent_strings(char *const *v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The canonical body of a record: every 27560 field, keys sorted, compact. */
static char *
consent_body(struct shop *s, const struct consent_event *ev, const char *record_id,
    int version, time_t valid_until)
{
	const struct catalog_purpose	*p = &s->catalog->purposes[ev->purpose];
	const struct config		*c = s->config;
	char				 when[21], until[21], digest[2 * CATALOG_DIGEST_BYTES + 1];
	json_t				*o;
	char				*body;

	util_iso8601(ev->now, when);
	consent_hex(p->notice[ev->language].digest, CATALOG_DIGEST_BYTES, digest);
	o = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:o, s:s,"
	    " s:{s:s, s:i, s:s}, s:s, s:s, s:o, s:i, s:s, s:s, s:s, s:o, s:b, s:b, s:i, s:s}",
	    "record_id", record_id,
	    "receipt_id", ev->receipt,
	    "subject", ev->subject,
	    "controller", "name", c->controller, "contact", c->controller_contact,
	    "purpose", "id", p->id, "title", catalog_text_get(&p->title, ev->language),
	    "data_categories", consent_strings(p->data, p->ndata),
	    "lawful_basis", p->lawful_basis,
	    "notice", "id", p->id, "version", version, "digest", digest,
	    "language", c->languages[ev->language],
	    "method", consent_method_name(ev->method),
	    "staff", ev->staff != NULL ? json_string(ev->staff) : json_null(),
	    "terminal", c->terminal_id,
	    "event_time", when,
	    "state", consent_state_name(ev->state),
	    "jurisdiction", c->jurisdiction,
	    "recipients", consent_strings(p->recipients, p->nrecipients),
	    "third_party", p->third_party,
	    "sensitive", p->sensitive,
	    "retention_days", p->retention_days,
	    "withdrawal_method", "at any prefkiosk terminal under 'My consents', or by writing "
	    "to the controller's contact");
	if (o == NULL)
		abort();
	if (valid_until != 0) {
		util_iso8601(valid_until, until);
		json_object_set_new(o, "valid_until", json_string(until));
	} else
		json_object_set_new(o, "valid_until", json_null());
	body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	if (body == NULL)
		abort();
	return body;
}

/* The MAC of the chain head: its length and last MAC. */
static void
consent_head_mac(const struct shop *s, sqlite3_int64 count, const unsigned char *last,
    unsigned char out[VAULT_MAC_BYTES])
{
	unsigned char	zero[VAULT_MAC_BYTES] = { 0 };
	unsigned char	buf[8 + VAULT_MAC_BYTES + 4];
	int		i;

	memcpy(buf, "head", 4);
	for (i = 0; i < 8; i++)
		buf[4 + i] = (unsigned char)((uint64_t)count >> (56 - 8 * i));
	memcpy(buf + 12, last, VAULT_MAC_BYTES);
	vault_chain_mac(s->vault, zero, buf, sizeof buf, out);
}

/* The last record's id and MAC (all zero for an empty chain). */
static int
consent_last(struct shop *s, sqlite3_int64 *id, unsigned char mac[VAULT_MAC_BYTES],
    char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT id, mac FROM consent_records ORDER BY id DESC LIMIT 1");
	int		 rc = sqlite3_step(stmt);

	memset(mac, 0, VAULT_MAC_BYTES);
	*id = 0;
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		if (sqlite3_column_bytes(stmt, 1) == VAULT_MAC_BYTES)
			memcpy(mac, sqlite3_column_blob(stmt, 1), VAULT_MAC_BYTES);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the consent records");
	return 0;
}

int
consent_record(struct shop *s, const struct consent_event *ev, char **cause)
{
	const struct catalog_purpose	*p = &s->catalog->purposes[ev->purpose];
	unsigned char			 prev[VAULT_MAC_BYTES], mac[VAULT_MAC_BYTES];
	unsigned char			 head[VAULT_MAC_BYTES];
	char				 record_id[CONSENT_ID_LEN + 1];
	sqlite3_stmt			*stmt;
	sqlite3_int64			 last, count;
	time_t				 valid_until = 0;
	char				*body = NULL;
	int				 version = 0, rc = -1;

	if (consent_notice(s, p->id, s->config->languages[ev->language], &p->notice[ev->language],
	    ev->now, &version, cause) != 0)
		return -1;
	if (consent_last(s, &last, prev, cause) != 0)
		return -1;
	if (ev->state == CONSENT_GIVEN)
		valid_until = ev->now + (time_t)p->validity_days * UTIL_DAY;
	vault_random_id(record_id, 16);
	body = consent_body(s, ev, record_id, version, valid_until);
	vault_chain_mac(s->vault, prev, body, strlen(body), mac);

	stmt = store_prepare(s->store,
	    "INSERT INTO consent_records (record_id, receipt_id, subject, purpose, state,"
	    " event_time, valid_until, notice_version, body, prev, mac)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	sqlite3_bind_text(stmt, 1, record_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, ev->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, ev->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, consent_state_name(ev->state), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)ev->now);
	if (valid_until != 0)
		sqlite3_bind_int64(stmt, 7, (sqlite3_int64)valid_until);
	sqlite3_bind_int(stmt, 8, version);
	sqlite3_bind_text(stmt, 9, body, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 10, prev, VAULT_MAC_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 11, mac, VAULT_MAC_BYTES, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		sqlite3_reset(stmt);
		store_fail(s->store, cause, "cannot record the consent");
		goto out;
	}
	sqlite3_reset(stmt);
	/* Records are never deleted, so ids run 1..n and the last id is the chain's length. */
	count = sqlite3_last_insert_rowid(store_db(s->store));
	consent_head_mac(s, count, mac, head);
	if (store_meta_set(s->store, "consent_head", head, sizeof head) != 0) {
		store_fail(s->store, cause, "cannot record the consent");
		goto out;
	}
	rc = 0;
out:
	free(body);
	return rc;
}

int
consent_current(struct shop *s, const char *subject, int purpose, struct consent_current *cur,
    char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT c.state, c.event_time, c.valid_until, c.notice_version, n.digest, n.language"
	    " FROM consent_records c LEFT JOIN notices n"
	    "   ON n.notice = c.purpose AND n.version = c.notice_version"
	    "  AND n.language = json_extract(c.body, '$.language')"
	    " WHERE c.subject = ?1 AND c.purpose = ?2 ORDER BY c.id DESC LIMIT 1");
	int		 rc;

	memset(cur, 0, sizeof *cur);
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, s->catalog->purposes[purpose].id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *lang = (const char *)sqlite3_column_text(stmt, 5);
		cur->state = consent_state_parse((const char *)sqlite3_column_text(stmt, 0));
		cur->since = (time_t)sqlite3_column_int64(stmt, 1);
		cur->valid_until = (time_t)sqlite3_column_int64(stmt, 2);
		cur->notice_version = sqlite3_column_int(stmt, 3);
		if (sqlite3_column_bytes(stmt, 4) == CATALOG_DIGEST_BYTES)
			memcpy(cur->notice_digest, sqlite3_column_blob(stmt, 4),
			    CATALOG_DIGEST_BYTES);
		if (lang != NULL)
			snprintf(cur->language, sizeof cur->language, "%s", lang);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the consent records");
	return 0;
}

int
consent_is_current(const struct shop *s, const struct consent_current *cur, int purpose,
    time_t now)
{
	int	lang;

	if (cur->state != CONSENT_GIVEN || cur->valid_until <= now)
		return 0;
	if ((lang = config_language(s->config, cur->language)) < 0)
		return 0;
	return sodium_memcmp(cur->notice_digest,
	    s->catalog->purposes[purpose].notice[lang].digest, CATALOG_DIGEST_BYTES) == 0;
}

json_t *
consent_history(struct shop *s, const char *subject, char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT body FROM consent_records WHERE subject = ?1 ORDER BY id");
	json_t		*a = json_array(), *o;
	int		 rc;

	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		o = json_loads((const char *)sqlite3_column_text(stmt, 0), 0, NULL);
		json_array_append_new(a, o != NULL ? o : json_string("(damaged record)"));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		json_decref(a);
		store_fail(s->store, cause, "cannot read the consent records");
		return NULL;
	}
	return a;
}

/* Does the body agree with the indexed columns?  They are what queries use. */
static int
consent_columns_agree(sqlite3_stmt *stmt, const char *bodytext)
{
	json_t		*o = json_loads(bodytext, 0, NULL);
	const char	*rid = NULL, *receipt = NULL, *subject = NULL, *purpose = NULL;
	const char	*state = NULL;
	int		 version = -1, ok = 0;

	if (o == NULL)
		return 0;
	if (json_unpack(o, "{s:s, s:s, s:s, s:{s:s, s:i}, s:s}", "record_id", &rid,
	    "receipt_id", &receipt, "subject", &subject, "notice", "id", &purpose,
	    "version", &version, "state", &state) == 0)
		ok = strcmp(rid, (const char *)sqlite3_column_text(stmt, 1)) == 0 &&
		    strcmp(receipt, (const char *)sqlite3_column_text(stmt, 2)) == 0 &&
		    strcmp(subject, (const char *)sqlite3_column_text(stmt, 3)) == 0 &&
		    strcmp(purpose, (const char *)sqlite3_column_text(stmt, 4)) == 0 &&
		    strcmp(state, (const char *)sqlite3_column_text(stmt, 5)) == 0 &&
		    version == sqlite3_column_int(stmt, 6);
	json_decref(o);
	return ok;
}

int
consent_verify(struct shop *s, void (*report)(const char *, void *), void *arg, char **cause)
{
	sqlite3_stmt	*stmt;
	unsigned char	 prev[VAULT_MAC_BYTES] = { 0 }, mac[VAULT_MAC_BYTES];
	unsigned char	 head[VAULT_MAC_BYTES], stored[VAULT_MAC_BYTES];
	sqlite3_int64	 count = 0, id;
	size_t		 len;
	char		*msg;
	int		 rc, problems = 0, hrc;

	/* Not cached: verify runs once, and the statement must not stay open. */
	if (sqlite3_prepare_v2(store_db(s->store),
	    "SELECT id, record_id, receipt_id, subject, purpose, state, notice_version,"
	    " body, prev, mac FROM consent_records ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the consent records");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(stmt, 7);
		id = sqlite3_column_int64(stmt, 0);
		count++;
		if (sqlite3_column_bytes(stmt, 8) != VAULT_MAC_BYTES ||
		    sqlite3_column_bytes(stmt, 9) != VAULT_MAC_BYTES || body == NULL) {
			msg = util_xprintf("consent record %lld: damaged (missing MAC or body)",
			    (long long)id);
			report(msg, arg);
			free(msg);
			problems++;
			continue;
		}
		if (memcmp(sqlite3_column_blob(stmt, 8), prev, VAULT_MAC_BYTES) != 0) {
			msg = util_xprintf("consent record %lld: the chain is broken before it "
			    "(a record was removed or reordered)", (long long)id);
			report(msg, arg);
			free(msg);
			problems++;
		}
		vault_chain_mac(s->vault, sqlite3_column_blob(stmt, 8), body, strlen(body), mac);
		if (sodium_memcmp(mac, sqlite3_column_blob(stmt, 9), VAULT_MAC_BYTES) != 0) {
			msg = util_xprintf("consent record %lld: its MAC does not match "
			    "(the record was edited)", (long long)id);
			report(msg, arg);
			free(msg);
			problems++;
		} else if (!consent_columns_agree(stmt, body)) {
			msg = util_xprintf("consent record %lld: its columns disagree with its "
			    "signed body (the record was edited)", (long long)id);
			report(msg, arg);
			free(msg);
			problems++;
		}
		memcpy(prev, sqlite3_column_blob(stmt, 9), VAULT_MAC_BYTES);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the consent records");

	hrc = store_meta_get(s->store, "consent_head", stored, sizeof stored, &len);
	if (hrc == 1 && count == 0)
		return problems;
	consent_head_mac(s, count, prev, head);
	if (hrc != 0 || len != sizeof stored || sodium_memcmp(head, stored, sizeof head) != 0) {
		report("consent records: the chain's head does not match its recorded length "
		    "(records were removed from its end, or the head was edited)", arg);
		problems++;
	}
	return problems;
}
