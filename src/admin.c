/*
 * admin — verify, stats and purge over the whole store.
 *
 * The latest consent record of every (subject, purpose) is found with SQLite's bare-column
 * max(): "SELECT ..., max(id) ... GROUP BY subject, purpose" returns the other columns from
 * the row holding the maximum.  Interests and channels are sealed, so stats opens every live
 * member's preferences; nothing about a single member leaves this file.  admin_count keeps the
 * raw counts; admin_figure is the only way out for them, to stats here and to the dashboard.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "audit.h"
#include "consent.h"
#include "customer.h"
#include "reward.h"
#include "util.h"

/* Collects problems for admin_verify's summary and passes them on. */
struct admin_report {
	void	(*report)(const char *, void *);
	void	*arg;
	json_t	*problems;
};

/* Record one problem. */
static void
admin_report_add(const char *problem, void *arg)
{
	struct admin_report	*r = arg;

	json_array_append_new(r->problems, json_string(problem));
	if (r->report != NULL)
		r->report(problem, r->arg);
}

/* PRAGMA integrity_check and foreign_key_check. */
static int
admin_verify_sqlite(struct shop *s, struct admin_report *r, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;
	char		*msg;

	if (sqlite3_prepare_v2(store_db(s->store), "PRAGMA integrity_check", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return store_fail(s->store, cause, "cannot check the store");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(stmt, 0);
		if (line != NULL && strcmp(line, "ok") != 0) {
			msg = util_xprintf("sqlite: %s", line);
			admin_report_add(msg, r);
			free(msg);
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		msg = util_xprintf("sqlite: the file is damaged: %s",
		    sqlite3_errmsg(store_db(s->store)));
		admin_report_add(msg, r);
		free(msg);
		return 0;
	}
	if (sqlite3_prepare_v2(store_db(s->store), "PRAGMA foreign_key_check", -1, &stmt,
	    NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot check the store");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		msg = util_xprintf("sqlite: row %lld of %s refers to a missing row of %s",
		    (long long)sqlite3_column_int64(stmt, 1), sqlite3_column_text(stmt, 0),
		    sqlite3_column_text(stmt, 2));
		admin_report_add(msg, r);
		free(msg);
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* The triggers that keep the chains append-only and the ledger whole. */
static const char *const admin_triggers[] = {
	"consent_no_update", "consent_no_delete", "audit_no_update", "audit_no_delete",
	"rewards_no_delete", "fleet_consent_no_update", "fleet_consent_no_delete",
};

/* Is every trigger there?  Only a hand at the file removes one (a rotation puts back what it
 * lifts, in the same transaction). */
static int
admin_verify_triggers(struct shop *s, struct admin_report *r, char **cause)
{
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc;
	char		*msg;

	if (sqlite3_prepare_v2(store_db(s->store), "SELECT 1 FROM sqlite_schema WHERE"
	    " type = 'trigger' AND name = ?1", -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot check the store");
	for (i = 0; i < sizeof admin_triggers / sizeof admin_triggers[0]; i++) {
		sqlite3_bind_text(stmt, 1, admin_triggers[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc == SQLITE_ROW)
			continue;
		if (rc != SQLITE_DONE) {
			sqlite3_finalize(stmt);
			return store_fail(s->store, cause, "cannot check the store");
		}
		msg = util_xprintf("sqlite: the trigger %s is missing (it was dropped)",
		    admin_triggers[i]);
		admin_report_add(msg, r);
		free(msg);
	}
	sqlite3_finalize(stmt);
	return 0;
}

int
admin_verify(struct shop *s, time_t now, void (*report)(const char *, void *), void *arg,
    json_t **summary, char **cause)
{
	struct admin_report	 r = { report, arg, json_array() };
	sqlite3_stmt		*stmt;
	long			 members = 0, records = 0, fleet = 0;
	int			 n;

	*summary = NULL;
	if (admin_verify_sqlite(s, &r, cause) != 0 || admin_verify_triggers(s, &r, cause) != 0 ||
	    customer_verify(s, admin_report_add, &r, &members, cause) < 0 ||
	    consent_verify(s, admin_report_add, &r, cause) < 0 ||
	    audit_verify(s, admin_report_add, &r, cause) < 0 ||
	    reward_verify(s, now, admin_report_add, &r, cause) < 0)
		goto fail;
	if (sqlite3_prepare_v2(store_db(s->store), "SELECT (SELECT count(*) FROM consent_records),"
	    " (SELECT count(*) FROM fleet_consent)", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW) {
		records = (long)sqlite3_column_int64(stmt, 0);
		fleet = (long)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	n = (int)json_array_size(r.problems);
	*summary = json_pack("{s:b, s:I, s:I, s:I, s:o}", "ok", n == 0, "members",
	    (json_int_t)members, "consent_records", (json_int_t)records,
	    "other_terminals_consent_records", (json_int_t)fleet, "problems", r.problems);
	return n;
fail:
	json_decref(r.problems);
	return -1;
}

long
admin_figure(long n)
{
	return n >= ADMIN_MIN_FIGURE ? n : ADMIN_SUPPRESSED;
}

double
admin_opt_in_rate(const struct admin_counts *c, int p)
{
	if (admin_figure(c->consents[p][CONSENT_GIVEN]) == ADMIN_SUPPRESSED || c->members <= 0)
		return -1;
	return (double)c->consents[p][CONSENT_GIVEN] / (double)c->members;
}

/* A count in JSON: null when suppressed. */
static json_t *
admin_figure_json(long n)
{
	return admin_figure(n) == ADMIN_SUPPRESSED ? json_null() : json_integer(n);
}

/* Count states of the latest record per purpose, and given ones that are no longer current. */
static int
admin_count_consents(struct shop *s, time_t now, struct admin_counts *c, char **cause)
{
	const struct catalog	*cat = s->catalog;
	sqlite3_stmt		*stmt;
	int			 rc, p, lang, st;

	if (sqlite3_prepare_v2(store_db(s->store),
	    "SELECT l.purpose, l.state, l.valid_until, l.lang, l.digest FROM "
	    CONSENT_LATEST_SQL " AS l"
	    " JOIN customers c ON c.uid = l.subject AND c.erased IS NULL",
	    -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the consent records");
	sqlite3_bind_int(stmt, 1, s->config->terminal_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((p = catalog_purpose_find(cat, (const char *)sqlite3_column_text(stmt, 0))) < 0)
			continue;
		const char *state = (const char *)sqlite3_column_text(stmt, 1);
		for (st = CONSENT_GIVEN; st <= CONSENT_EXPIRED; st++)
			if (strcmp(state, consent_state_name((enum consent_state)st)) == 0)
				break;
		if (st > CONSENT_EXPIRED)
			continue;
		c->consents[p][st]++;
		if (st != CONSENT_GIVEN)
			continue;
		lang = config_language(s->config, (const char *)sqlite3_column_text(stmt, 3));
		/* Given, but expired or to an older notice text: to be asked again. */
		if ((time_t)sqlite3_column_int64(stmt, 2) <= now || lang < 0 ||
		    sqlite3_column_bytes(stmt, 4) != CATALOG_DIGEST_BYTES ||
		    memcmp(sqlite3_column_blob(stmt, 4), cat->purposes[p].notice[lang].digest,
		    CATALOG_DIGEST_BYTES) != 0)
			c->consents[p][ADMIN_TO_RENEW]++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the consent records");
	return 0;
}

/* Count members, interests and channels over every live member's (sealed) preferences. */
static int
admin_count_prefs(struct shop *s, struct admin_counts *c, char **cause)
{
	const struct catalog	*cat = s->catalog;
	struct customer_profile	*p;
	sqlite3_stmt		*stmt;
	char			 uid[CUSTOMER_UID_LEN + 1];
	size_t			 i;
	int			 rc;

	if (sqlite3_prepare_v2(store_db(s->store),
	    "SELECT uid FROM customers WHERE erased IS NULL", -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the members");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		snprintf(uid, sizeof uid, "%s", sqlite3_column_text(stmt, 0));
		c->members++;
		if (customer_load(s, uid, &p, NULL) != CUSTOMER_OK) {
			c->damaged++;
			continue;
		}
		for (i = 0; i < cat->ninterests; i++)
			c->interests[i] += p->interests[i];
		for (i = 0; i < cat->nchannels; i++)
			c->channels[i] += p->channels[i] != CUSTOMER_NO_CHANNEL;
		customer_profile_free(p);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the members");
	return 0;
}

int
admin_count(struct shop *s, time_t now, struct admin_counts *c, char **cause)
{
	const struct catalog	*cat = s->catalog;

	memset(c, 0, sizeof *c);
	if (cat->ninterests > CUSTOMER_MAX_INTERESTS || cat->nchannels > CUSTOMER_MAX_CHANNELS ||
	    cat->npurposes > CONSENT_MAX_PURPOSES)
		return util_fail(cause, "the catalogue is larger than prefkiosk supports");
	if (admin_count_prefs(s, c, cause) != 0 || admin_count_consents(s, now, c, cause) != 0)
		return -1;
	return 0;
}

json_t *
admin_stats(struct shop *s, time_t now, char **cause)
{
	const struct catalog	*cat = s->catalog;
	struct admin_counts	*c = util_xcalloc(1, sizeof *c);
	json_t			*o = NULL, *purposes, *interests, *channels, *po;
	double			 rate;
	size_t			 i;

	if (admin_count(s, now, c, cause) != 0)
		goto out;
	purposes = json_object();
	interests = json_object();
	channels = json_object();
	for (i = 0; i < cat->npurposes; i++) {
		po = json_object();
		json_object_set_new(po, "given", admin_figure_json(c->consents[i][CONSENT_GIVEN]));
		json_object_set_new(po, "refused",
		    admin_figure_json(c->consents[i][CONSENT_REFUSED]));
		json_object_set_new(po, "withdrawn",
		    admin_figure_json(c->consents[i][CONSENT_WITHDRAWN]));
		json_object_set_new(po, "expired",
		    admin_figure_json(c->consents[i][CONSENT_EXPIRED]));
		json_object_set_new(po, "to_renew",
		    admin_figure_json(c->consents[i][ADMIN_TO_RENEW]));
		rate = admin_opt_in_rate(c, (int)i);
		json_object_set_new(po, "opt_in_rate", rate < 0 ? json_null() : json_real(rate));
		json_object_set_new(purposes, cat->purposes[i].id, po);
	}
	for (i = 0; i < cat->ninterests; i++)
		json_object_set_new(interests, cat->interests[i].id,
		    admin_figure_json(c->interests[i]));
	for (i = 0; i < cat->nchannels; i++)
		json_object_set_new(channels, cat->channels[i].id, admin_figure_json(c->channels[i]));
	o = json_object();
	json_object_set_new(o, "purposes", purposes);
	json_object_set_new(o, "interests", interests);
	json_object_set_new(o, "channels", channels);
	json_object_set_new(o, "members", admin_figure_json(c->members));
	json_object_set_new(o, "unreadable_members", json_integer(c->damaged));
	json_object_set_new(o, "suppressed_below", json_integer(ADMIN_MIN_FIGURE));
out:
	free(c);
	return o;
}

/* The uids of live members unseen since before cutoff (caller decrefs). */
static json_t *
admin_inactive(struct shop *s, time_t cutoff, char **cause)
{
	sqlite3_stmt	*stmt;
	json_t		*a = json_array();
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s->store), "SELECT uid FROM customers"
	    " WHERE erased IS NULL AND last_seen < ?1 ORDER BY id", -1, &stmt, NULL) != SQLITE_OK) {
		json_decref(a);
		store_fail(s->store, cause, "cannot read the members");
		return NULL;
	}
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)cutoff);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(a, json_string((const char *)sqlite3_column_text(stmt, 0)));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		json_decref(a);
		store_fail(s->store, cause, "cannot read the members");
		return NULL;
	}
	return a;
}

/* Given consents past their validity, as [subject, purpose] pairs (caller decrefs). */
static json_t *
admin_lapsed(struct shop *s, time_t now, char **cause)
{
	sqlite3_stmt	*stmt;
	json_t		*a = json_array();
	int		 rc;

	if (sqlite3_prepare_v2(store_db(s->store),
	    "SELECT l.subject, l.purpose FROM " CONSENT_LATEST_SQL " AS l"
	    " JOIN customers c ON c.uid = l.subject"
	    " WHERE c.erased IS NULL AND l.state = 'given' AND l.valid_until <= ?2",
	    -1, &stmt, NULL) != SQLITE_OK) {
		json_decref(a);
		store_fail(s->store, cause, "cannot read the consent records");
		return NULL;
	}
	sqlite3_bind_int(stmt, 1, s->config->terminal_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_array_append_new(a, json_pack("[s,s]", sqlite3_column_text(stmt, 0),
		    sqlite3_column_text(stmt, 1)));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		json_decref(a);
		store_fail(s->store, cause, "cannot read the consent records");
		return NULL;
	}
	return a;
}

json_t *
admin_purge(struct shop *s, time_t now, bool dry_run, const char *actor, char **cause)
{
	time_t			 cutoff = now - (time_t)s->config->inactive_days * UTIL_DAY;
	json_t			*inactive = NULL, *lapsed = NULL, *v, *o = NULL;
	struct consent_event	 ev;
	struct consent_chain	 chain;
	char			 receipt[CONSENT_ID_LEN + 1];
	sqlite3_stmt		*stmt;
	long			 rewards = 0;
	size_t			 i;
	int			 p;

	if ((inactive = admin_inactive(s, cutoff, cause)) == NULL ||
	    (lapsed = admin_lapsed(s, now, cause)) == NULL)
		goto out;
	if (sqlite3_prepare_v2(store_db(s->store), dry_run ?
	    "SELECT count(*) FROM rewards WHERE state = 'issued' AND expires < ?1" :
	    "UPDATE rewards SET state = 'expired' WHERE state = 'issued' AND expires < ?1"
	    " RETURNING 1", -1, &stmt, NULL) != SQLITE_OK) {
		store_fail(s->store, cause, "cannot read the rewards");
		goto out;
	}
	if (!dry_run) {
		/* Lapsed consents and expired rewards: one transaction. */
		consent_receipt_new(receipt);
		if (store_begin(s->store, cause) != 0) {
			sqlite3_finalize(stmt);
			goto out;
		}
		consent_chain_begin(&chain);
		memset(&ev, 0, sizeof ev);
		ev.state = CONSENT_EXPIRED;
		ev.method = CONSENT_RETENTION;
		ev.receipt = receipt;
		ev.now = now;
		json_array_foreach(lapsed, i, v) {
			ev.subject = json_string_value(json_array_get(v, 0));
			p = catalog_purpose_find(s->catalog, json_string_value(json_array_get(v, 1)));
			if (p < 0)
				continue;	/* a purpose the catalogue dropped */
			ev.purpose = p;
			if (consent_record(s, &chain, &ev, cause) != 0) {
				sqlite3_finalize(stmt);
				store_rollback(s->store);
				goto out;
			}
		}
		if (consent_chain_end(s, &chain, cause) != 0 ||
		    audit_record_locked(s, now, actor, "purge", NULL, cause) != 0) {
			sqlite3_finalize(stmt);
			store_rollback(s->store);
			goto out;
		}
	}
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		rewards += dry_run ? (long)sqlite3_column_int64(stmt, 0) : 1;
	if (sqlite3_finalize(stmt) != SQLITE_OK) {
		store_fail(s->store, cause, "cannot expire rewards");
		store_rollback(s->store);
		goto out;
	}
	if (!dry_run && store_commit(s->store, cause) != 0)
		goto out;
	/* Each erasure is its own transaction, like a member's own "delete me". */
	if (!dry_run) {
		json_array_foreach(inactive, i, v) {
			if (customer_erase(s, json_string_value(v), CONSENT_RETENTION, now, cause) ==
			    CUSTOMER_ERROR)
				goto out;
		}
	}
	o = json_pack("{s:b, s:I, s:I, s:I}", "dry_run", dry_run,
	    "members_erased", (json_int_t)json_array_size(inactive),
	    "consents_expired", (json_int_t)json_array_size(lapsed),
	    "rewards_expired", (json_int_t)rewards);
out:
	json_decref(inactive);
	json_decref(lapsed);
	return o;
}

/* An audit record to write inside a staff change's transaction. */
struct admin_audit {
	struct shop	*shop;
	time_t		 now;
	const char	*actor, *action, *target;
};

static int
admin_audit_then(void *arg, char **cause)
{
	struct admin_audit	*a = arg;

	return audit_record_locked(a->shop, a->now, a->actor, a->action, a->target, cause);
}

enum staff_result
admin_staff_add(struct shop *s, const char *actor, const char *name, enum staff_role role,
    const char *pin, time_t now, char **cause)
{
	struct admin_audit	a = { s, now, actor, "staff_add", name };

	return staff_add_then(s->store, s->vault, name, role, pin, now, admin_audit_then, &a,
	    cause);
}

enum staff_result
admin_staff_remove(struct shop *s, const char *actor, const char *name, time_t now,
    char **cause)
{
	struct admin_audit	a = { s, now, actor, "staff_remove", name };

	return staff_remove_then(s->store, name, admin_audit_then, &a, cause);
}
