/*
 * consent — append-only, MAC-chained consent records and the notices they point to.
 *
 * A notice text is stored once per (notice, language, digest); its version is one more than
 * the latest version of that notice in that language, so changing a text in assets/ makes a
 * new version the first time it is shown.  The chain: mac[i] = MAC(mac[i-1] || body[i]) with
 * mac[0]'s predecessor all zero; meta "consent_head" = MAC(zero || "head" count mac[last]).
 * A key rotation, once the chain verified, MACs every record and the head again under the new
 * key (the audit chain, kept the same way, is MAC'd again by the same function).
 */
#include <limits.h>
#include <stdio.h>
#include <time.h>
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

int
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

/* A value as compact, ASCII-only JSON text (caller frees); takes the reference. */
static char *
consent_json_text(json_t *v)
{
	char	*text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
	    JSON_ENCODE_ANY);

	json_decref(v);
	if (text == NULL)
		abort();
	return text;
}

/*
 * The parts of a record's body that depend only on the catalogue and config, as JSON text,
 * made once per shop: a record is then a single formatted print, not a tree of JSON values.
 */
struct consent_texts {
	char	*controller, *jurisdiction, *withdrawal;
	char	**purpose_id, **data, **basis, **recipients;
	char	**title;	/* [purpose * CONFIG_MAX_LANGS + lang] */
	char	**digest;	/* the same, lower-case hex */
	size_t	 npurposes;
};

void
consent_texts_free(struct consent_texts *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->npurposes; i++) {
		free(t->purpose_id[i]);
		free(t->data[i]);
		free(t->basis[i]);
		free(t->recipients[i]);
	}
	for (i = 0; i < t->npurposes * CONFIG_MAX_LANGS; i++) {
		free(t->title[i]);
		free(t->digest[i]);
	}
	free(t->purpose_id);
	free(t->data);
	free(t->basis);
	free(t->recipients);
	free(t->title);
	free(t->digest);
	free(t->controller);
	free(t->jurisdiction);
	free(t->withdrawal);
	free(t);
}

/* The shop's texts, made on first use. */
static const struct consent_texts *
consent_texts(struct shop *s)
{
	const struct catalog	*cat = s->catalog;
	struct consent_texts	*t;
	size_t			 i, n = cat->npurposes;
	int			 l;

	if (s->consent_texts != NULL)
		return s->consent_texts;
	t = util_xcalloc(1, sizeof *t);
	t->npurposes = n;
	t->controller = consent_json_text(json_pack("{s:s, s:s}", "contact",
	    s->config->controller_contact, "name", s->config->controller));
	t->jurisdiction = consent_json_text(json_string(s->config->jurisdiction));
	t->withdrawal = consent_json_text(json_string("at any prefkiosk terminal under "
	    "'My consents', or by writing to the controller's contact"));
	t->purpose_id = util_xcalloc(n, sizeof *t->purpose_id);
	t->data = util_xcalloc(n, sizeof *t->data);
	t->basis = util_xcalloc(n, sizeof *t->basis);
	t->recipients = util_xcalloc(n, sizeof *t->recipients);
	t->title = util_xcalloc(n * CONFIG_MAX_LANGS, sizeof *t->title);
	t->digest = util_xcalloc(n * CONFIG_MAX_LANGS, sizeof *t->digest);
	for (i = 0; i < n; i++) {
		const struct catalog_purpose *p = &cat->purposes[i];
		t->purpose_id[i] = consent_json_text(json_string(p->id));
		t->data[i] = consent_json_text(consent_strings(p->data, p->ndata));
		t->basis[i] = consent_json_text(json_string(p->lawful_basis));
		t->recipients[i] = consent_json_text(consent_strings(p->recipients,
		    p->nrecipients));
		for (l = 0; l < s->config->nlanguages; l++) {
			t->title[i * CONFIG_MAX_LANGS + l] = consent_json_text(json_string(
			    catalog_text_get(&p->title, l)));
			t->digest[i * CONFIG_MAX_LANGS + l] = util_xmalloc(
			    2 * CATALOG_DIGEST_BYTES + 1);
			consent_hex(p->notice[l].digest, CATALOG_DIGEST_BYTES,
			    t->digest[i * CONFIG_MAX_LANGS + l]);
		}
	}
	s->consent_texts = t;
	return t;
}

/*
 * The canonical body of a record: every 27560 field, keys in sorted order, compact, ASCII.
 * Only the staff name can hold arbitrary text; it is escaped by jansson like the catalogue's.
 */
static char *
consent_body(struct shop *s, const struct consent_event *ev, const char *record_id,
    int version, time_t valid_until)
{
	const struct consent_texts	*t = consent_texts(s);
	const struct catalog_purpose	*p = &s->catalog->purposes[ev->purpose];
	const struct config		*c = s->config;
	size_t				 k = (size_t)ev->purpose * CONFIG_MAX_LANGS +
					     (size_t)ev->language;
	char				 when[21], until[24], *staff, *body;

	util_iso8601(ev->now, when);
	if (valid_until != 0) {
		until[0] = '"';
		util_iso8601(valid_until, until + 1);
		strcat(until, "\"");
	} else
		strcpy(until, "null");
	staff = ev->staff != NULL ? consent_json_text(json_string(ev->staff)) :
	    util_xstrdup("null");
	body = util_xprintf("{\"controller\":%s,\"data_categories\":%s,\"event_time\":\"%s\","
	    "\"jurisdiction\":%s,\"language\":\"%s\",\"lawful_basis\":%s,\"method\":\"%s\","
	    "\"notice\":{\"digest\":\"%s\",\"id\":%s,\"version\":%d},"
	    "\"purpose\":{\"id\":%s,\"title\":%s},\"receipt_id\":\"%s\",\"record_id\":\"%s\","
	    "\"recipients\":%s,\"retention_days\":%d,\"sensitive\":%s,\"staff\":%s,"
	    "\"state\":\"%s\",\"subject\":\"%s\",\"terminal\":%d,\"third_party\":%s,"
	    "\"valid_until\":%s,\"withdrawal_method\":%s}",
	    t->controller, t->data[ev->purpose], when, t->jurisdiction,
	    c->languages[ev->language], t->basis[ev->purpose], consent_method_name(ev->method),
	    t->digest[k], t->purpose_id[ev->purpose], version, t->purpose_id[ev->purpose],
	    t->title[k], ev->receipt, record_id, t->recipients[ev->purpose], p->retention_days,
	    p->sensitive ? "true" : "false", staff, consent_state_name(ev->state), ev->subject,
	    c->terminal_id, p->third_party ? "true" : "false", until, t->withdrawal);
	free(staff);
	return body;
}

/* The MAC of the chain head: its length and last MAC. */
static void
consent_head_mac(const struct shop *s, sqlite3_int64 count, const unsigned char *last,
    unsigned char out[VAULT_MAC_BYTES])
{
	vault_head_mac(s->vault, "head", (int64_t)count, last, out);
}

/* Load the chain's end (all zero for an empty chain) into the cursor, once. */
static int
consent_chain_load(struct shop *s, struct consent_chain *ch, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (ch->loaded)
		return 0;
	stmt = store_prepare(s->store,
	    "SELECT id, mac FROM consent_records ORDER BY id DESC LIMIT 1");
	rc = sqlite3_step(stmt);
	memset(ch->mac, 0, sizeof ch->mac);
	ch->last = 0;
	if (rc == SQLITE_ROW) {
		ch->last = sqlite3_column_int64(stmt, 0);
		if (sqlite3_column_bytes(stmt, 1) == VAULT_MAC_BYTES)
			memcpy(ch->mac, sqlite3_column_blob(stmt, 1), VAULT_MAC_BYTES);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the consent records");
	ch->loaded = true;
	return 0;
}

void
consent_chain_begin(struct consent_chain *ch)
{
	memset(ch, 0, sizeof *ch);
}

int
consent_chain_end(struct shop *s, struct consent_chain *ch, char **cause)
{
	unsigned char	head[VAULT_MAC_BYTES];

	if (!ch->appended)
		return 0;
	if (consent_chain_load(s, ch, cause) != 0)	/* after a rollback to a savepoint */
		return -1;
	/* Records are never deleted, so ids run 1..n and the last id is the chain's length. */
	consent_head_mac(s, ch->last, ch->mac, head);
	if (store_meta_set(s->store, "consent_head", head, sizeof head) != 0)
		return store_fail(s->store, cause, "cannot record the consent");
	ch->appended = false;
	return 0;
}

int
consent_record(struct shop *s, struct consent_chain *ch, const struct consent_event *ev,
    char **cause)
{
	const struct catalog_purpose	*p = &s->catalog->purposes[ev->purpose];
	unsigned char			 mac[VAULT_MAC_BYTES];
	char				 record_id[CONSENT_ID_LEN + 1];
	sqlite3_stmt			*stmt;
	time_t				 valid_until = 0;
	char				*body = NULL;
	int				*version, rc = -1;

	version = &ch->versions[ev->purpose][ev->language];
	if (*version == 0 && consent_notice(s, p->id, s->config->languages[ev->language],
	    &p->notice[ev->language], ev->now, version, cause) != 0)
		return -1;
	if (consent_chain_load(s, ch, cause) != 0)
		return -1;
	if (ev->state == CONSENT_GIVEN)
		valid_until = ev->now + (time_t)p->validity_days * UTIL_DAY;
	vault_random_id(record_id, 16);
	body = consent_body(s, ev, record_id, *version, valid_until);
	vault_chain_mac(s->vault, ch->mac, body, strlen(body), mac);

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
	sqlite3_bind_int(stmt, 8, *version);
	sqlite3_bind_text(stmt, 9, body, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 10, ch->mac, VAULT_MAC_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 11, mac, VAULT_MAC_BYTES, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		store_fail(s->store, cause, "cannot record the consent");
		sqlite3_reset(stmt);
		goto out;
	}
	sqlite3_reset(stmt);
	ch->last = sqlite3_last_insert_rowid(store_db(s->store));
	memcpy(ch->mac, mac, sizeof mac);
	ch->appended = true;
	rc = 0;
out:
	free(body);
	return rc;
}

int
consent_current(struct shop *s, const char *subject, int purpose, struct consent_current *cur,
    char **cause)
{
	/*
	 * The latest record, this terminal's or another's (fleet_consent): by the time it was
	 * made, then by terminal, then in the order its terminal made it, so that every terminal
	 * of a fleet finds the same one.
	 */
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT state, event_time, valid_until, notice_version, digest, language FROM ("
	    " SELECT c.state, c.event_time, c.valid_until, c.notice_version, n.digest, n.language,"
	    "  ?3 AS origin, c.id"
	    " FROM consent_records c LEFT JOIN notices n"
	    "   ON n.notice = c.purpose AND n.version = c.notice_version"
	    "  AND n.language = json_extract(c.body, '$.language')"
	    " WHERE c.subject = ?1 AND c.purpose = ?2"
	    " UNION ALL"
	    " SELECT state, event_time, valid_until, notice_version, notice_digest, language,"
	    "  origin, id FROM fleet_consent WHERE subject = ?1 AND purpose = ?2)"
	    " ORDER BY event_time DESC, origin DESC, id DESC LIMIT 1");
	int		 rc;

	memset(cur, 0, sizeof *cur);
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, s->catalog->purposes[purpose].id, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, s->config->terminal_id);
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
consent_last_receipt(struct shop *s, const char *subject, char *out, char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT receipt_id FROM ("
	    " SELECT receipt_id, event_time, ?2 AS origin, id FROM consent_records"
	    "  WHERE subject = ?1"
	    " UNION ALL"
	    " SELECT receipt_id, event_time, origin, id FROM fleet_consent WHERE subject = ?1)"
	    " ORDER BY event_time DESC, origin DESC, id DESC LIMIT 1");
	int		 rc;

	out[0] = '\0';
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, s->config->terminal_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		util_copy(out, CONSENT_ID_LEN + 1, (const char *)sqlite3_column_text(stmt, 0));
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
	    "SELECT body FROM ("
	    " SELECT body, event_time, ?2 AS origin, id FROM consent_records WHERE subject = ?1"
	    " UNION ALL"
	    " SELECT body, event_time, origin, id FROM fleet_consent WHERE subject = ?1)"
	    " ORDER BY event_time, origin, id");
	json_t		*a = json_array(), *o;
	int		 rc;

	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, s->config->terminal_id);
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

/* Report a problem of record id: "consent record <id>: <what>". */
static int
consent_problem(void (*report)(const char *, void *), void *arg, sqlite3_int64 id,
    const char *what)
{
	return util_report(report, arg, "consent record %lld: %s", (long long)id, what);
}

/* Is the time column col (NULL allowed when null is true) the ISO 8601 text of the body? */
static bool
consent_time_agrees(sqlite3_stmt *stmt, int col, json_t *v, bool null)
{
	char	when[21];

	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return null && json_is_null(v);
	if (!json_is_string(v))
		return false;
	util_iso8601((time_t)sqlite3_column_int64(stmt, col), when);
	return strcmp(when, json_string_value(v)) == 0;
}

/*
 * Does the body agree with the indexed columns?  They are what queries use: the state and its
 * validity decide whether a consent is current, so a column changed behind the MAC (a refusal
 * made a "given", a validity stretched) would change what the shop does without it.
 */
static bool
consent_columns_agree(sqlite3_stmt *stmt, json_t *o)
{
	const char	*rid = NULL, *receipt = NULL, *subject = NULL, *purpose = NULL;
	const char	*state = NULL;
	int		 version = -1;

	if (json_unpack(o, "{s:s, s:s, s:s, s:{s:s, s:i}, s:s}", "record_id", &rid,
	    "receipt_id", &receipt, "subject", &subject, "notice", "id", &purpose,
	    "version", &version, "state", &state) != 0)
		return false;
	return strcmp(rid, (const char *)sqlite3_column_text(stmt, 1)) == 0 &&
	    strcmp(receipt, (const char *)sqlite3_column_text(stmt, 2)) == 0 &&
	    strcmp(subject, (const char *)sqlite3_column_text(stmt, 3)) == 0 &&
	    strcmp(purpose, (const char *)sqlite3_column_text(stmt, 4)) == 0 &&
	    strcmp(state, (const char *)sqlite3_column_text(stmt, 5)) == 0 &&
	    version == sqlite3_column_int(stmt, 6) &&
	    consent_time_agrees(stmt, 10, json_object_get(o, "event_time"), false) &&
	    consent_time_agrees(stmt, 11, json_object_get(o, "valid_until"), true);
}

/*
 * The notice texts, as verify checks them: each row's digest against its text, then each
 * record's signed digest against the row it names.  Problems are counted per notice, not per
 * record, so that one edited text is one line however many records point to it.
 */
struct consent_known {
	sqlite3_int64	 id;		/* 0: named by records, but not in the store */
	char		*notice, *language;
	int		 version;
	char		 digest[2 * CATALOG_DIGEST_BYTES + 1];	/* lower-case hex */
	bool		 intact;	/* the digest is its text's */
	sqlite3_int64	 first;		/* the first record that disagrees with it */
	long		 others;	/* and how many more */
};

struct consent_notices {
	struct consent_known	*v;
	size_t			 n, size;
};

static void
consent_notices_clear(struct consent_notices *ns)
{
	size_t	i;

	for (i = 0; i < ns->n; i++) {
		free(ns->v[i].notice);
		free(ns->v[i].language);
	}
	free(ns->v);
	memset(ns, 0, sizeof *ns);
}

/* A new entry at the end of ns. */
static struct consent_known *
consent_notices_add(struct consent_notices *ns, const char *notice, const char *language,
    int version)
{
	struct consent_known	*k;

	if (ns->n == ns->size) {
		ns->size = ns->size == 0 ? 32 : 2 * ns->size;
		ns->v = util_xrealloc(ns->v, ns->size, sizeof *ns->v);
	}
	k = &ns->v[ns->n++];
	memset(k, 0, sizeof *k);
	k->notice = util_xstrdup(notice);
	k->language = util_xstrdup(language);
	k->version = version;
	return k;
}

/* Read every notice and check its digest.  The number of problems, or -1 and *cause. */
static int
consent_notices_load(struct shop *s, struct consent_notices *ns,
    void (*report)(const char *, void *), void *arg, char **cause)
{
	unsigned char		 digest[CATALOG_DIGEST_BYTES];
	struct consent_known	*k;
	sqlite3_stmt		*stmt;
	char			*msg;
	int			 rc, problems = 0;

	if (sqlite3_prepare_v2(store_db(s->store), "SELECT id, notice, language, version,"
	    " digest, text FROM notices ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the notices");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		k = consent_notices_add(ns, (const char *)sqlite3_column_text(stmt, 1),
		    (const char *)sqlite3_column_text(stmt, 2), sqlite3_column_int(stmt, 3));
		k->id = sqlite3_column_int64(stmt, 0);
		crypto_generichash(digest, sizeof digest, sqlite3_column_text(stmt, 5),
		    (unsigned long long)sqlite3_column_bytes(stmt, 5), NULL, 0);
		k->intact = sqlite3_column_bytes(stmt, 4) == CATALOG_DIGEST_BYTES &&
		    sodium_memcmp(digest, sqlite3_column_blob(stmt, 4), sizeof digest) == 0;
		if (k->intact)
			consent_hex(digest, sizeof digest, k->digest);
		else {
			msg = util_xprintf("notice %lld (%s, %s, version %d): its text does not "
			    "match its digest (the text or the digest was edited)",
			    (long long)k->id, k->notice, k->language, k->version);
			report(msg, arg);
			free(msg);
			problems++;
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the notices");
	return problems;
}

/* Note what record id (its signed body o) says of the notice it was given to. */
static void
consent_notices_match(struct consent_notices *ns, sqlite3_int64 id, json_t *o)
{
	const char		*notice = NULL, *language = NULL, *digest = NULL;
	struct consent_known	*k = NULL;
	size_t			 i;
	int			 version = -1;

	if (json_unpack(o, "{s:s, s:{s:s, s:s, s:i}}", "language", &language, "notice",
	    "id", &notice, "digest", &digest, "version", &version) != 0)
		return;		/* its columns disagree with it: reported already */
	for (i = 0; i < ns->n && k == NULL; i++)
		if (ns->v[i].version == version && strcmp(ns->v[i].notice, notice) == 0 &&
		    strcmp(ns->v[i].language, language) == 0)
			k = &ns->v[i];
	if (k == NULL)
		k = consent_notices_add(ns, notice, language, version);
	if (k->id != 0 && (!k->intact || strcmp(k->digest, digest) == 0))
		return;
	if (k->first == 0)
		k->first = id;
	else
		k->others++;
}

/* Report the notices records were given to that are missing or not what they were shown. */
static int
consent_notices_report(const struct consent_notices *ns, void (*report)(const char *, void *),
    void *arg)
{
	const struct consent_known	*k;
	char				*msg, more[32];
	size_t				 i;
	int				 problems = 0;

	for (i = 0; i < ns->n; i++) {
		k = &ns->v[i];
		if (k->first == 0)
			continue;
		if (k->others > 0)
			snprintf(more, sizeof more, " (and %ld more)", k->others);
		else
			more[0] = '\0';
		if (k->id == 0)
			msg = util_xprintf("notice %s, %s, version %d: missing, but consent record "
			    "%lld%s was given to it (a notice was removed)", k->notice, k->language,
			    k->version, (long long)k->first, more);
		else
			msg = util_xprintf("notice %lld (%s, %s, version %d): not the text consent "
			    "record %lld%s was given to (the text was replaced)", (long long)k->id,
			    k->notice, k->language, k->version, (long long)k->first, more);
		report(msg, arg);
		free(msg);
		problems++;
	}
	return problems;
}

/* Records whose subject is no member: a member's row was removed, or its id changed.  One line
 * per subject. */
static int
consent_verify_subjects(struct shop *s, void (*report)(const char *, void *), void *arg,
    char **cause)
{
	sqlite3_stmt	*stmt;
	char		*msg;
	int		 rc, problems = 0;

	/* Members are never deleted (erasure keeps the row), so every subject has one. */
	if (sqlite3_prepare_v2(store_db(s->store), "SELECT min(id), subject FROM consent_records"
	    " WHERE subject NOT IN (SELECT uid FROM customers) GROUP BY subject ORDER BY 1", -1,
	    &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the consent records");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		msg = util_xprintf("its subject %s is no member of this store (a member was "
		    "removed, or its id changed)", (const char *)sqlite3_column_text(stmt, 1));
		problems += consent_problem(report, arg, sqlite3_column_int64(stmt, 0), msg);
		free(msg);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the consent records");
	return problems;
}

/* Ids run 1..n (records are never deleted): name the ones missing before id. */
static int
consent_verify_gap(void (*report)(const char *, void *), void *arg, sqlite3_int64 expected,
    sqlite3_int64 id)
{
	char	*msg;

	if (id <= expected)
		return 0;
	if (id == expected + 1)
		return consent_problem(report, arg, expected, "missing (it was removed)");
	msg = util_xprintf("consent records %lld to %lld: missing (they were removed)",
	    (long long)expected, (long long)id - 1);
	report(msg, arg);
	free(msg);
	return 1;
}

/* Check one record the statement stands on against prev, the MAC of the one before. */
static int
consent_verify_record(struct shop *s, sqlite3_stmt *stmt, const unsigned char *prev,
    struct consent_notices *ns, void (*report)(const char *, void *), void *arg)
{
	const char	*body = (const char *)sqlite3_column_text(stmt, 7);
	sqlite3_int64	 id = sqlite3_column_int64(stmt, 0);
	unsigned char	 mac[VAULT_MAC_BYTES];
	json_t		*o;
	int		 problems = 0;

	if (sqlite3_column_bytes(stmt, 8) != VAULT_MAC_BYTES ||
	    sqlite3_column_bytes(stmt, 9) != VAULT_MAC_BYTES || body == NULL)
		return consent_problem(report, arg, id, "damaged (missing MAC or body)");
	if (memcmp(sqlite3_column_blob(stmt, 8), prev, VAULT_MAC_BYTES) != 0)
		problems += consent_problem(report, arg, id, "the chain is broken before it (a "
		    "record was removed or reordered)");
	vault_chain_mac(s->vault, sqlite3_column_blob(stmt, 8), body, strlen(body), mac);
	if (sodium_memcmp(mac, sqlite3_column_blob(stmt, 9), VAULT_MAC_BYTES) != 0)
		return problems + consent_problem(report, arg, id, "its MAC does not match (the "
		    "record was edited)");
	if ((o = json_loads(body, 0, NULL)) == NULL || !consent_columns_agree(stmt, o))
		problems += consent_problem(report, arg, id, "its columns disagree with its "
		    "signed body (the record was edited)");
	else
		consent_notices_match(ns, id, o);
	json_decref(o);
	return problems;
}

/*
 * Other terminals' records.  Each terminal's chain is kept as it made it, in fleet_consent, and
 * fleet_chains holds where each one ends: its length, last MAC and a MAC of both (so that a
 * removed last record shows, as the local head does).
 */

/* The head of origin's chain: "f" and its number as the label. */
static void
consent_fleet_head(const struct shop *s, int origin, sqlite3_int64 count,
    const unsigned char *last, unsigned char out[VAULT_MAC_BYTES])
{
	char	label[8];

	snprintf(label, sizeof label, "f%d", origin);
	vault_head_mac(s->vault, label, (int64_t)count, last, out);
}

/* An ISO 8601 time of a body ("2026-11-29T16:05:00Z") as seconds; -1 when it is not one. */
static time_t
consent_time_parse(const char *text)
{
	struct tm	tm;
	const char	*end;

	memset(&tm, 0, sizeof tm);
	if (text == NULL || (end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	return timegm(&tm);
}

int
consent_fleet_append(struct shop *s, int origin, const char *body,
    const unsigned char prev[VAULT_MAC_BYTES], const unsigned char mac[VAULT_MAC_BYTES],
    char **cause)
{
	const char	*rid, *receipt, *subject, *purpose, *state, *when, *lang, *digest;
	unsigned char	 last[VAULT_MAC_BYTES] = { 0 }, head[VAULT_MAC_BYTES], check[VAULT_MAC_BYTES];
	unsigned char	 bin[CATALOG_DIGEST_BYTES];
	sqlite3_stmt	*stmt;
	sqlite3_int64	 count = 0;
	json_t		*o = NULL, *until;
	time_t		 t, u = 0;
	int		 version, terminal, rc;

	/* Where origin's chain ends here, and is that end intact? */
	stmt = store_prepare(s->store, "SELECT count, last, head FROM fleet_chains WHERE origin = ?1");
	sqlite3_bind_int(stmt, 1, origin);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		count = sqlite3_column_int64(stmt, 0);
		if (sqlite3_column_bytes(stmt, 1) == VAULT_MAC_BYTES)
			memcpy(last, sqlite3_column_blob(stmt, 1), VAULT_MAC_BYTES);
		consent_fleet_head(s, origin, count, last, head);
		rc = sqlite3_column_bytes(stmt, 2) == VAULT_MAC_BYTES &&
		    sodium_memcmp(head, sqlite3_column_blob(stmt, 2), VAULT_MAC_BYTES) == 0 ?
		    SQLITE_ROW : SQLITE_MISMATCH;
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_MISMATCH)
		return util_fail(cause, "terminal %d's consent chain here was edited; run "
		    "prefkiosk verify", origin);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the consent records");

	/* The record must follow it, under the fleet's key. */
	vault_chain_mac(s->vault, prev, body, strlen(body), check);
	if (memcmp(prev, last, VAULT_MAC_BYTES) != 0 ||
	    sodium_memcmp(check, mac, VAULT_MAC_BYTES) != 0) {
		util_fail(cause, "terminal %d's consent record %lld does not follow its chain (%s)",
		    origin, (long long)count + 1, memcmp(prev, last, VAULT_MAC_BYTES) != 0 ?
		    "one before it is missing, or it came twice" : "its MAC does not match");
		return 1;
	}
	/* Its columns are read from the signed body, never taken beside it. */
	if ((o = json_loads(body, 0, NULL)) == NULL ||
	    json_unpack(o, "{s:s, s:s, s:s, s:{s:s, s:s, s:i}, s:s, s:s, s:s, s:i, s:o}",
	    "record_id", &rid, "receipt_id", &receipt, "subject", &subject, "notice", "id",
	    &purpose, "digest", &digest, "version", &version, "state", &state, "event_time",
	    &when, "language", &lang, "terminal", &terminal, "valid_until", &until) != 0 ||
	    terminal != origin || (t = consent_time_parse(when)) < 0 ||
	    (!json_is_null(until) && (u = consent_time_parse(json_string_value(until))) < 0) ||
	    consent_state_parse(state) == CONSENT_NONE ||
	    sodium_hex2bin(bin, sizeof bin, digest, strlen(digest), NULL, NULL, NULL) != 0) {
		json_decref(o);
		util_fail(cause, "terminal %d's consent record %lld is not a consent record",
		    origin, (long long)count + 1);
		return 1;
	}
	stmt = store_prepare(s->store,
	    "INSERT INTO fleet_consent (origin, record_id, receipt_id, subject, purpose, state,"
	    " event_time, valid_until, notice_version, notice_digest, language, body, prev, mac)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	sqlite3_bind_int(stmt, 1, origin);
	sqlite3_bind_text(stmt, 2, rid, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, receipt, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, purpose, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, (sqlite3_int64)t);
	if (u != 0)
		sqlite3_bind_int64(stmt, 8, (sqlite3_int64)u);
	sqlite3_bind_int(stmt, 9, version);
	sqlite3_bind_blob(stmt, 10, bin, sizeof bin, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 11, lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 12, body, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 13, prev, VAULT_MAC_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 14, mac, VAULT_MAC_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	json_decref(o);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot record another terminal's consent");
	consent_fleet_head(s, origin, count + 1, mac, head);
	stmt = store_prepare(s->store, "INSERT OR REPLACE INTO fleet_chains (origin, count, last,"
	    " head) VALUES (?1, ?2, ?3, ?4)");
	sqlite3_bind_int(stmt, 1, origin);
	sqlite3_bind_int64(stmt, 2, count + 1);
	sqlite3_bind_blob(stmt, 3, mac, VAULT_MAC_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 4, head, VAULT_MAC_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot record another terminal's consent");
	return 0;
}

/* Check every other terminal's chain as it is kept here; the number of problems, or -1. */
static int
consent_verify_fleet(struct shop *s, void (*report)(const char *, void *), void *arg,
    char **cause)
{
	unsigned char	 last[VAULT_MAC_BYTES], mac[VAULT_MAC_BYTES], head[VAULT_MAC_BYTES];
	sqlite3_stmt	*stmt;
	sqlite3_int64	 count = 0;
	int		 rc, origin = -1, problems = 0, o;

	/* Each chain, then its end in fleet_chains (origin -1 marks the ends, after the rows). */
	if (sqlite3_prepare_v2(store_db(s->store),
	    "SELECT * FROM (SELECT origin, id, body, prev, mac, NULL AS count FROM fleet_consent"
	    " UNION ALL SELECT origin, -1, NULL, last, head, count FROM fleet_chains)"
	    " ORDER BY origin, id = -1, id", -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read other terminals' consent records");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(stmt, 2);
		o = sqlite3_column_int(stmt, 0);
		if (o != origin) {
			origin = o;
			count = 0;
			memset(last, 0, sizeof last);
		}
		if (sqlite3_column_int64(stmt, 1) == -1) {
			consent_fleet_head(s, origin, count, last, head);
			if (sqlite3_column_int64(stmt, 5) != count ||
			    sqlite3_column_bytes(stmt, 3) != VAULT_MAC_BYTES ||
			    memcmp(sqlite3_column_blob(stmt, 3), last, VAULT_MAC_BYTES) != 0 ||
			    sqlite3_column_bytes(stmt, 4) != VAULT_MAC_BYTES ||
			    sodium_memcmp(sqlite3_column_blob(stmt, 4), head, VAULT_MAC_BYTES) != 0)
				problems += util_report(report, arg, "terminal %d's consent records: "
				    "the chain's end does not match them (records were removed, or "
				    "its end was edited)", origin);
			count = -1;	/* an end seen: rows after it have none */
			continue;
		}
		count = count < 0 ? 1 : count + 1;
		if (body == NULL || sqlite3_column_bytes(stmt, 3) != VAULT_MAC_BYTES ||
		    sqlite3_column_bytes(stmt, 4) != VAULT_MAC_BYTES) {
			problems += util_report(report, arg, "terminal %d's consent record %lld: "
			    "damaged (missing MAC or body)", origin, (long long)count);
			continue;
		}
		vault_chain_mac(s->vault, sqlite3_column_blob(stmt, 3), body, strlen(body), mac);
		if (memcmp(sqlite3_column_blob(stmt, 3), last, VAULT_MAC_BYTES) != 0 ||
		    sodium_memcmp(mac, sqlite3_column_blob(stmt, 4), VAULT_MAC_BYTES) != 0)
			problems += util_report(report, arg, "terminal %d's consent record %lld: "
			    "the chain is broken (a record was edited, removed or reordered)",
			    origin, (long long)count);
		memcpy(last, sqlite3_column_blob(stmt, 4), VAULT_MAC_BYTES);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read other terminals' consent records");
	return problems;
}

int
consent_verify(struct shop *s, void (*report)(const char *, void *), void *arg, char **cause)
{
	struct consent_notices	 ns = { NULL, 0, 0 };
	sqlite3_stmt		*stmt;
	unsigned char		 prev[VAULT_MAC_BYTES] = { 0 };
	unsigned char		 head[VAULT_MAC_BYTES], stored[VAULT_MAC_BYTES];
	sqlite3_int64		 count = 0, id;
	size_t			 len;
	int			 rc, problems, hrc, n;

	if ((problems = consent_notices_load(s, &ns, report, arg, cause)) < 0)
		goto fail;
	/* Not cached: verify runs once, and the statement must not stay open. */
	if (sqlite3_prepare_v2(store_db(s->store),
	    "SELECT id, record_id, receipt_id, subject, purpose, state, notice_version,"
	    " body, prev, mac, event_time, valid_until FROM consent_records ORDER BY id", -1,
	    &stmt, NULL) != SQLITE_OK) {
		store_fail(s->store, cause, "cannot read the consent records");
		goto fail;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		problems += consent_verify_gap(report, arg, count + 1, id);
		count = id;
		problems += consent_verify_record(s, stmt, prev, &ns, report, arg);
		if (sqlite3_column_bytes(stmt, 9) == VAULT_MAC_BYTES)
			memcpy(prev, sqlite3_column_blob(stmt, 9), VAULT_MAC_BYTES);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_fail(s->store, cause, "cannot read the consent records");
		goto fail;
	}
	problems += consent_notices_report(&ns, report, arg);
	consent_notices_clear(&ns);
	if ((n = consent_verify_subjects(s, report, arg, cause)) < 0)
		return -1;
	problems += n;
	if ((n = consent_verify_fleet(s, report, arg, cause)) < 0)
		return -1;
	problems += n;

	/* The head: the chain's length (its last id) and last MAC. */
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
fail:
	consent_notices_clear(&ns);
	return -1;
}

int
consent_chain_walk(struct shop *s, struct consent_walk *w, char **cause)
{
	sqlite3_stmt	*rows, *stmt;
	unsigned char	 mac[VAULT_MAC_BYTES];
	char		*saved = NULL;
	int		 rc = -1, step = SQLITE_DONE;

	w->count = w->broken = 0;
	w->at_seen = false;
	memset(w->last, 0, sizeof w->last);
	memset(w->at_mac, 0, sizeof w->at_mac);
	if (w->update_sql != NULL && store_trigger_lift(s->store, w->trigger, &saved, cause) != 0)
		return -1;
	/* Not cached: it runs once.  Each row is changed by id as it is read. */
	if (sqlite3_prepare_v2(store_db(s->store), w->select_sql, -1, &rows, NULL) != SQLITE_OK) {
		store_fail(s->store, cause, "cannot read the chain");
		goto out;
	}
	while ((step = sqlite3_step(rows)) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(rows, 1);
		const unsigned char *prev = sqlite3_column_blob(rows, 2);
		const unsigned char *stored = sqlite3_column_blob(rows, 3);
		sqlite3_int64 id = sqlite3_column_int64(rows, 0);
		bool whole = sqlite3_column_bytes(rows, 2) == VAULT_MAC_BYTES &&
		    sqlite3_column_bytes(rows, 3) == VAULT_MAC_BYTES && body != NULL;
		w->count++;
		if (w->update_sql == NULL) {
			/* As verify does: each record against its own stored predecessor, so one
			 * edit is one problem. */
			if (!whole) {
				w->broken++;
				continue;
			}
			vault_chain_mac(s->vault, prev, body, strlen(body), mac);
			if (memcmp(prev, w->last, VAULT_MAC_BYTES) != 0 ||
			    sodium_memcmp(stored, mac, VAULT_MAC_BYTES) != 0)
				w->broken++;
			memcpy(mac, stored, sizeof mac);
		} else {
			if (!whole)
				break;	/* checked before: a failing disk */
			vault_chain_mac(s->vault, w->last, body, strlen(body), mac);
			stmt = store_prepare(s->store, w->update_sql);
			sqlite3_bind_int64(stmt, 1, id);
			sqlite3_bind_blob(stmt, 2, w->last, VAULT_MAC_BYTES, SQLITE_STATIC);
			sqlite3_bind_blob(stmt, 3, mac, VAULT_MAC_BYTES, SQLITE_STATIC);
			step = sqlite3_step(stmt);
			sqlite3_reset(stmt);
			if (step != SQLITE_DONE)
				break;
		}
		if (id == w->at) {
			memcpy(w->at_mac, mac, sizeof mac);
			w->at_seen = true;
		}
		memcpy(w->last, mac, sizeof mac);
	}
	sqlite3_finalize(rows);
	if (step != SQLITE_DONE) {
		store_fail(s->store, cause, "cannot walk the chain");
		goto out;
	}
	rc = saved != NULL ? store_trigger_restore(s->store, saved, cause) : 0;
out:
	free(saved);
	return rc;
}

/* A walk along the consent records; update: writing their MACs. */
static void
consent_walk_init(struct consent_walk *w, bool update)
{
	memset(w, 0, sizeof *w);
	w->trigger = "consent_no_update";
	w->select_sql = "SELECT id, body, prev, mac FROM consent_records ORDER BY id";
	if (update)
		w->update_sql = "UPDATE consent_records SET prev = ?2, mac = ?3 WHERE id = ?1";
}

int
consent_chain_intact(struct shop *s, char **cause)
{
	struct consent_walk	w;
	unsigned char		head[VAULT_MAC_BYTES], stored[VAULT_MAC_BYTES];
	size_t			len;
	int			hrc;

	consent_walk_init(&w, false);
	if (consent_chain_walk(s, &w, cause) != 0)
		return -1;
	hrc = store_meta_get(s->store, "consent_head", stored, sizeof stored, &len);
	if (hrc == 1 && w.count == 0)
		return 0;
	consent_head_mac(s, w.count, w.last, head);
	if (hrc != 0 || len != sizeof stored || sodium_memcmp(head, stored, sizeof head) != 0)
		w.broken++;
	return (int)(w.broken > INT_MAX ? INT_MAX : w.broken);
}

int
consent_rechain(struct shop *s, long *count, char **cause)
{
	struct consent_walk	w;
	unsigned char		head[VAULT_MAC_BYTES];

	consent_walk_init(&w, true);
	if (consent_chain_walk(s, &w, cause) != 0)
		return -1;
	*count = w.count;
	if (w.count == 0)
		return 0;	/* an empty chain has no head */
	consent_head_mac(s, w.count, w.last, head);
	if (store_meta_set(s->store, "consent_head", head, sizeof head) != 0)
		return store_fail(s->store, cause, "cannot write the consent chain's head");
	return 0;
}
