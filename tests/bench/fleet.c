/*
 * fleet — `make bench`'s fleet rows: BENCH_FLEET_TERMINALS terminals (default 20), each with
 * BENCH_FLEET_EVENTS events to share (default 1,000), syncing through one PostgreSQL hub at once,
 * each figure beside a baseline measured in the same run on the same server and disk.
 * tests/bench/fleet.sh starts a throwaway hub and runs this with $PREFKIOSK_HUB.  It prints a
 * table and asserts nothing about speed; it stops (exit 1) when the fleet does not converge to
 * the same data everywhere, because then its figures would measure nothing.
 *
 * Set-up, not timed: one key file, and a store made from it for each of terminals 1..T.  In each,
 * members enrolled through customer_enroll (a member, a consent record per purpose, a welcome
 * reward; the notices once) and visits stamped with reward_visit until the rows the store
 * shares number the target; then the store joins the hub (sync_join_local, hub_join), which
 * lists every one of them in its outbox.
 *
 * Timed, prefkiosk: a thread per terminal, each with its own store connection and its own hub
 * connection, all started at once.  Each pushes its outbox the way sync_run does (sync_outbox,
 * hub_push, sync_outbox_done, in batches of SYNC_BATCH), step by step so that the moment its
 * last push committed is known; then it runs sync_run until it has applied every other
 * terminal's events, pausing 2 ms after a sync that brought nothing new (a terminal waiting
 * for the others' pushes would otherwise only measure how fast it can ask).
 *
 *   fleet push     all events / the time until the last push committed
 *   fleet apply    T x (T - 1) x E applications / the time until the last terminal had them all
 *   converge       that time, in seconds
 *
 * The baseline moves the same bytes the same way with nothing of prefkiosk's in between, in
 * threads and connections of its own: each terminal's rows (of the kinds and sizes of its events
 * before sealing; random bytes, as incompressible as sealed ones) are read from a plain SQLite
 * outbox, sent as one plain multi-row INSERT a batch into a table keyed by (origin, number),
 * forgotten locally; then the other terminals' rows are read back a batch at a time (a cursor per
 * origin, one indexed range query a batch) and stored as they are in a plain SQLite table, a
 * transaction a batch.  No lock that orders pushes, no sequence, no JSON, no sealing or opening,
 * no outbox triggers, consent chains or conflict rules, no indexes but the key: the ratio is
 * what those cost over moving the same rows through the same PostgreSQL and SQLite.  prefkiosk
 * runs first, so any warming up of the new cluster is charged to it.
 *
 * Then, on terminal 1, once the fleet has converged:
 *
 *   redeem online  fleet_redeem of a code the ledger holds (the hub's claim, then the local
 *                  durable redemption), the hub's connection kept open as the desk keeps it,
 *                  beside reward_redeem of another code of the same ledger, in turns of a tenth
 *
 * The hub runs with fsync on (fleet.sh turns it back on: the suites' clusters run without) and
 * the stores with WAL and synchronous=FULL, so every commit either side makes is durable.
 */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "customer.h"
#include "reward.h"
#include "shop.h"
#include "store.h"
#include "sync.h"
#include "table.h"
#include "util.h"
#include "vault.h"

#define BENCH_TERMINALS	20
#define BENCH_EVENTS	1000
#define BENCH_REDEEMS	500
#define BENCH_ROUNDS	10
#define BENCH_PAUSE_MS	2
#define BENCH_PATIENCE	600	/* seconds without a converged fleet before giving up */

/* The rows a store shares when it joins a hub: one outbox entry each (sync.c's backfill). */
#define BENCH_SHARED \
	"SELECT (SELECT count(*) FROM notices) + (SELECT count(*) FROM customers) +" \
	" (SELECT count(*) FROM consent_records) + (SELECT count(*) FROM rewards) +" \
	" (SELECT count(*) FROM visits) + (SELECT count(*) FROM feedback)"

/* The baseline's SQLite file: an outbox of rows to send, and the rows received. */
#define BENCH_RAW_SCHEMA \
	"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;" \
	"CREATE TABLE outbox (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, body BLOB NOT NULL);" \
	"CREATE TABLE rows (origin INTEGER NOT NULL, oseq INTEGER NOT NULL, kind TEXT NOT NULL," \
	" body BLOB NOT NULL, PRIMARY KEY (origin, oseq));"

struct bench_fleet;

/* One terminal: its files, what it has to share, and how its run went. */
struct bench_term {
	struct bench_fleet	*fleet;
	int			 id;
	char			 db[256], raw[256];
	long			 events;	/* its outbox when the clock starts */
	long			 members, consents, visits;
	double			 pushed;	/* seconds from the start: its last push committed */
	double			 converged;	/* it had applied every other terminal's events */
	long			 applied, orphans, conflicts;
	char			*error;
	pthread_t		 thread;
};

/* The fleet, and the gate that starts its threads together. */
struct bench_fleet {
	const char		*conninfo;
	char			 dir[128], key[256];
	int			 nterms;
	long			 target;	/* events per terminal */
	long			 total;		/* events of all terminals */
	struct bench_term	*terms;
	pthread_mutex_t		 lock;		/* the gate, and opening and closing shops */
	pthread_cond_t		 cond;
	int			 ready;
	bool			 go;
	double			 t0;
};

/* One line on stderr, and the end: a figure from a bench that went wrong would mislead. */
static void
bench_die(const char *what, const char *cause)
{
	fprintf(stderr, "bench-fleet: %s%s%s\n", what, cause != NULL ? ": " : "",
	    cause != NULL ? cause : "");
	exit(1);
}

/* A whole number of at least min from the environment, or def when it is not set. */
static long
bench_env(const char *name, long def, long min)
{
	const char	*v = getenv(name);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min)
		bench_die(name, "not a whole number in range");
	return n;
}

/* One integer from a query on a store. */
static long
bench_count(struct shop *s, const char *sql)
{
	sqlite3_stmt	*stmt;
	long		 n = -1;

	if (sqlite3_prepare_v2(store_db(s->store), sql, -1, &stmt, NULL) != SQLITE_OK)
		bench_die("cannot count rows", sqlite3_errmsg(store_db(s->store)));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (n < 0)
		bench_die("cannot count rows", sqlite3_errmsg(store_db(s->store)));
	return n;
}

/* The wait after a sync that brought nothing new. */
static void
bench_pause(void)
{
	struct timespec ts = { 0, BENCH_PAUSE_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* The shop of terminal t (paths made once; opening reads the config, so under the lock). */
static struct shop *
bench_shop(struct bench_term *t, bool create, char **cause)
{
	struct shop_paths	 paths = { .db = t->db, .config = "config",
				    .key_file = t->fleet->key, .has_terminal = true,
				    .terminal = t->id };
	struct shop		*s = NULL;
	int			 code;

	pthread_mutex_lock(&t->fleet->lock);
	if (!create || shop_create(&paths, false, cause) == 0)
		s = shop_open(&paths, &code, cause);
	pthread_mutex_unlock(&t->fleet->lock);
	return s;
}

/* Close a terminal's shop (under the lock, as it was opened). */
static void
bench_shop_close(struct bench_term *t, struct shop *s)
{
	pthread_mutex_lock(&t->fleet->lock);
	shop_close(s);
	pthread_mutex_unlock(&t->fleet->lock);
}

/* Enrol synthetic member i (unique across the fleet): e-mail and text messages, two interests,
 * one consent given. */
static void
bench_enrol(struct shop *s, long i, char *uid)
{
	struct customer_enrolment	*e = customer_enrolment_new();
	char				 receipt[CONSENT_ID_LEN + 1], *cause = NULL;

	bench_enrolment(s, e, i);
	if (customer_enroll(s, e, time(NULL), uid, receipt, &cause) != 0)
		bench_die("cannot enrol a member", cause);
	customer_enrolment_free(e);
}

/* The hub's identity, which a store must hold before it joins (hub_join gives it too, but
 * needs the store's identity, which sync_join_local makes). */
static void
bench_hub_id(PGconn *pg, unsigned char id[HUB_ID_BYTES])
{
	PGresult	*res = PQexecParams(pg, "SELECT value FROM prefkiosk.meta WHERE key = 'hub_id'",
			    0, NULL, NULL, NULL, NULL, 1);

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 ||
	    PQgetlength(res, 0, 0) != HUB_ID_BYTES)
		bench_die("cannot read the hub's identity", PQresultErrorMessage(res));
	memcpy(id, PQgetvalue(res, 0, 0), HUB_ID_BYTES);
	PQclear(res);
}

/*
 * Terminal t's store, made and filled with exactly the target's rows to share where the
 * catalogue allows it (a fifth visit issues a stamp reward too; with more members than a
 * fifth of the visits it never comes), joined to the hub; and its baseline's outbox, rows of
 * the same kinds and sizes.
 */
static void
bench_setup(struct bench_term *t, struct hub *h, const unsigned char hub_id[HUB_ID_BYTES])
{
	struct bench_fleet	 *f = t->fleet;
	struct shop		 *s;
	struct hub_event	 *v;
	struct reward_list	  list;
	unsigned char		  store_id[HUB_ID_BYTES], check[VAULT_MAC_BYTES], got[HUB_ID_BYTES];
	char			(*uids)[CUSTOMER_UID_LEN + 1] = NULL;
	char			 *cause = NULL;
	sqlite3			 *raw;
	sqlite3_stmt		 *ins;
	unsigned char		 *body;
	size_t			  n, i, len;
	long			  rows, step = 0, before, visit, count;

	if ((size_t)snprintf(t->db, sizeof t->db, "%s/t%d.db", f->dir, t->id) >= sizeof t->db ||
	    (size_t)snprintf(t->raw, sizeof t->raw, "%s/raw%d.db", f->dir, t->id) >= sizeof t->raw)
		bench_die("TMPDIR", "too long");
	if ((s = bench_shop(t, true, &cause)) == NULL)
		bench_die("cannot make a terminal's store", cause);

	/* Enrolments while the next one fits, then visits to make up the rest. */
	rows = bench_count(s, BENCH_SHARED);
	while (t->members == 0 || rows + step <= f->target) {
		uids = util_xrealloc(uids, (size_t)t->members + 1, sizeof *uids);
		before = rows;
		bench_enrol(s, (long)t->id * 1000000 + t->members, uids[t->members]);
		t->members++;
		rows = bench_count(s, BENCH_SHARED);
		step = rows - before;
	}
	for (visit = 0; rows < f->target; visit++) {
		if (reward_visit(s, uids[visit % t->members], NULL, time(NULL), &count, &list,
		    &cause) != 0)
			bench_die("cannot stamp a visit", cause);
		rows = bench_count(s, BENCH_SHARED);
	}
	t->visits = visit;
	t->consents = bench_count(s, "SELECT count(*) FROM consent_records");
	free(uids);

	/* Join: the store lists what it shares, and the hub knows the terminal. */
	if (sync_join_local(s, hub_id, &cause) != 0)
		bench_die("cannot join a store to the fleet", cause);
	if (store_meta_get(s->store, "store_id", store_id, sizeof store_id, &len) != 0 ||
	    len != sizeof store_id)
		bench_die("a joined store has no identity", NULL);
	vault_hub_check(s->vault, check);
	if (hub_join(h, t->id, store_id, check, got, &cause) != 0)
		bench_die("cannot join the hub", cause);
	t->events = bench_count(s, "SELECT count(*) FROM outbox");
	if (t->events != rows)
		bench_die("the outbox does not list the rows the store shares", NULL);

	/* The baseline's rows: the events' kinds and sizes before sealing, random bytes. */
	if (sync_outbox(s, (size_t)t->events, &v, &n, &cause) != 0 || (long)n != t->events)
		bench_die("cannot read the outbox", cause);
	if (sqlite3_open(t->raw, &raw) != SQLITE_OK ||
	    sqlite3_exec(raw, BENCH_RAW_SCHEMA "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "INSERT INTO outbox VALUES (?1, ?2, ?3)", -1, &ins, NULL) !=
	    SQLITE_OK)
		bench_die("cannot make the baseline's store", sqlite3_errmsg(raw));
	for (i = 0; i < n; i++) {
		len = v[i].len - VAULT_SEAL_OVERHEAD;
		body = util_xmalloc(len + 1);
		randombytes_buf(body, len);
		sqlite3_bind_int64(ins, 1, v[i].oseq);
		sqlite3_bind_text(ins, 2, v[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 3, body, (int)len, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE)
			bench_die("cannot fill the baseline's outbox", sqlite3_errmsg(raw));
		sqlite3_reset(ins);
		free(body);
	}
	sqlite3_finalize(ins);
	if (sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		bench_die("cannot fill the baseline's outbox", sqlite3_errmsg(raw));
	sqlite3_close(raw);
	hub_events_free(v, n);
	bench_shop_close(t, s);
}

/* A thread is ready: wait for the others and the start.  The last one in starts the clock. */
static void
bench_gate(struct bench_fleet *f)
{
	pthread_mutex_lock(&f->lock);
	f->ready++;
	pthread_cond_broadcast(&f->cond);
	while (!f->go)
		pthread_cond_wait(&f->cond, &f->lock);
	pthread_mutex_unlock(&f->lock);
}

/* Start the threads' clock once every one is ready. */
static void
bench_start(struct bench_fleet *f)
{
	pthread_mutex_lock(&f->lock);
	while (f->ready < f->nterms)
		pthread_cond_wait(&f->cond, &f->lock);
	f->t0 = bench_now();
	f->go = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

/* A terminal of the fleet: push, then sync until every other terminal's events are here. */
static void *
bench_ours(void *arg)
{
	struct bench_term	*t = arg;
	struct bench_fleet	*f = t->fleet;
	struct shop		*s;
	struct hub		*h = NULL;
	struct hub_event	*v;
	struct hub_duplicate	*d;
	struct sync_result	 r;
	char			*cause = NULL;
	size_t			 n, nd;
	long			 want = f->total - t->events;
	int			 rc;

	if ((s = bench_shop(t, false, &cause)) != NULL)
		h = hub_connect(f->conninfo, &cause);
	bench_gate(f);
	if (s == NULL || h == NULL)
		goto out;
	/* sync_run's push, a step at a time. */
	for (;;) {
		if (sync_outbox(s, SYNC_BATCH, &v, &n, &cause) != 0)
			goto out;
		if (n == 0) {
			hub_events_free(v, n);
			break;
		}
		rc = hub_push(h, t->id, v, n, &d, &nd, &cause);
		if (rc == 0) {
			free(d);
			rc = sync_outbox_done(s, v[n - 1].oseq, &cause);
		}
		hub_events_free(v, n);
		if (rc != 0)
			goto out;
	}
	t->pushed = bench_now() - f->t0;
	while (t->applied < want) {
		if (sync_run(s, h, &r, &cause) != 0)
			goto out;
		t->applied += r.pulled;
		t->orphans += r.orphans;
		t->conflicts += r.conflicts;
		sync_result_free(&r);
		if (r.pulled > 0)
			continue;
		if (bench_now() - f->t0 > BENCH_PATIENCE) {
			cause = util_xprintf("terminal %d applied %ld of %ld events in %d s", t->id,
			    t->applied, want, BENCH_PATIENCE);
			goto out;
		}
		bench_pause();
	}
	t->converged = bench_now() - f->t0;
out:
	t->error = cause;
	hub_close(h);
	if (s != NULL)
		bench_shop_close(t, s);
	return NULL;
}

/* The baseline's push of up to SYNC_BATCH rows from its outbox: the number sent, -1 and
 * *cause. */
static long
bench_base_push(struct bench_term *t, sqlite3 *raw, PGconn *pg, char **cause)
{
	const char	**params = util_xcalloc(3 * SYNC_BATCH + 1, sizeof *params);
	int		 *lengths = util_xcalloc(3 * SYNC_BATCH + 1, sizeof *lengths);
	int		 *formats = util_xcalloc(3 * SYNC_BATCH + 1, sizeof *formats);
	char		  origin[16], (*oseq)[24] = util_xcalloc(SYNC_BATCH, sizeof *oseq);
	char		 *kinds[SYNC_BATCH];
	unsigned char	 *bodies[SYNC_BATCH];
	size_t		  size = 128 + 32 * SYNC_BATCH, len;
	char		 *sql = util_xmalloc(size);
	sqlite3_stmt	 *q, *del;
	PGresult	 *res;
	long		  n = 0, i, last = 0;

	snprintf(origin, sizeof origin, "%d", t->id);
	params[0] = origin;
	len = (size_t)snprintf(sql, size, "INSERT INTO bench_fleet.events (origin, oseq, kind,"
	    " body) VALUES ");
	sqlite3_prepare_v2(raw, "SELECT seq, kind, body FROM outbox ORDER BY seq LIMIT ?1", -1,
	    &q, NULL);
	sqlite3_bind_int(q, 1, SYNC_BATCH);
	while (sqlite3_step(q) == SQLITE_ROW) {
		last = sqlite3_column_int64(q, 0);
		snprintf(oseq[n], sizeof oseq[n], "%ld", last);
		kinds[n] = util_xstrdup((const char *)sqlite3_column_text(q, 1));
		lengths[3 + 3 * n] = sqlite3_column_bytes(q, 2);
		bodies[n] = util_xmalloc((size_t)lengths[3 + 3 * n] + 1);
		memcpy(bodies[n], sqlite3_column_blob(q, 2), (size_t)lengths[3 + 3 * n]);
		params[1 + 3 * n] = oseq[n];
		params[2 + 3 * n] = kinds[n];
		params[3 + 3 * n] = (const char *)bodies[n];
		formats[3 + 3 * n] = 1;
		len += (size_t)snprintf(sql + len, size - len, "%s($1, $%ld, $%ld, $%ld)",
		    n > 0 ? ", " : "", 2 + 3 * n, 3 + 3 * n, 4 + 3 * n);
		n++;
	}
	sqlite3_finalize(q);
	if (n > 0) {
		res = PQexecParams(pg, sql, (int)(3 * n + 1), NULL, params, lengths, formats, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			*cause = util_xprintf("baseline push: %s", PQresultErrorMessage(res));
			n = -1;
		}
		PQclear(res);
	}
	if (n > 0) {
		sqlite3_prepare_v2(raw, "DELETE FROM outbox WHERE seq <= ?1", -1, &del, NULL);
		sqlite3_bind_int64(del, 1, last);
		if (sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_step(del) != SQLITE_DONE ||
		    sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			*cause = util_xprintf("baseline push: %s", sqlite3_errmsg(raw));
			n = -1;
		}
		sqlite3_finalize(del);
	}
	for (i = 0; i < n; i++) {
		free(kinds[i]);
		free(bodies[i]);
	}
	free(sql);
	free(oseq);
	free(formats);
	free(lengths);
	free(params);
	return n;
}

/* The baseline's pull of origin's rows after *cursor, stored raw in one transaction: the
 * number stored, -1 and *cause. */
static long
bench_base_pull(sqlite3 *raw, sqlite3_stmt *ins, PGconn *pg, int origin, int64_t *cursor,
    char **cause)
{
	char		 o[16], a[24], m[16];
	const char	*params[3] = { o, a, m };
	PGresult	*res;
	long		 n, i;
	const char	*p;
	int64_t		 oseq;
	int		 k;

	snprintf(o, sizeof o, "%d", origin);
	snprintf(a, sizeof a, "%lld", (long long)*cursor);
	snprintf(m, sizeof m, "%d", SYNC_BATCH);
	res = PQexecParams(pg, "SELECT oseq, kind, body FROM bench_fleet.events WHERE origin = $1"
	    " AND oseq > $2 ORDER BY oseq LIMIT $3", 3, NULL, params, NULL, NULL, 1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		*cause = util_xprintf("baseline pull: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	if ((n = PQntuples(res)) == 0) {
		PQclear(res);
		return 0;
	}
	if (sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		p = PQgetvalue(res, (int)i, 0);
		for (oseq = 0, k = 0; k < 8; k++)
			oseq = (int64_t)((uint64_t)oseq << 8 | (unsigned char)p[k]);
		sqlite3_bind_int(ins, 1, origin);
		sqlite3_bind_int64(ins, 2, oseq);
		sqlite3_bind_text(ins, 3, PQgetvalue(res, (int)i, 1), PQgetlength(res, (int)i, 1),
		    SQLITE_STATIC);
		sqlite3_bind_blob(ins, 4, PQgetvalue(res, (int)i, 2), PQgetlength(res, (int)i, 2),
		    SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			sqlite3_reset(ins);
			sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		sqlite3_reset(ins);
		*cursor = oseq;
	}
	if (sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	PQclear(res);
	return n;
fail:
	*cause = util_xprintf("baseline pull: %s", sqlite3_errmsg(raw));
	PQclear(res);
	return -1;
}

/* A terminal of the baseline: its rows sent, then the others' rows taken, as bench_ours. */
static void *
bench_base(void *arg)
{
	struct bench_term	*t = arg;
	struct bench_fleet	*f = t->fleet;
	sqlite3			*raw = NULL;
	sqlite3_stmt		*ins = NULL;
	PGconn			*pg;
	int64_t			*cursor = util_xcalloc((size_t)f->nterms + 1, sizeof *cursor);
	char			*cause = NULL;
	long			 want = f->total - t->events, n, got;
	int			 o;

	pg = PQconnectdb(f->conninfo);
	if (PQstatus(pg) != CONNECTION_OK)
		cause = util_xprintf("baseline: %s", PQerrorMessage(pg));
	else if (sqlite3_open(t->raw, &raw) != SQLITE_OK ||
	    sqlite3_exec(raw, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "INSERT INTO rows VALUES (?1, ?2, ?3, ?4)", -1, &ins, NULL) !=
	    SQLITE_OK)
		cause = util_xprintf("baseline: %s", sqlite3_errmsg(raw));
	bench_gate(f);
	if (cause != NULL)
		goto out;
	while ((n = bench_base_push(t, raw, pg, &cause)) > 0)
		;
	if (n < 0)
		goto out;
	t->pushed = bench_now() - f->t0;
	while (t->applied < want) {
		for (got = 0, o = 0; o < f->nterms; o++) {
			struct bench_term *from = &f->terms[o];
			if (from == t || cursor[from->id] >= from->events)
				continue;
			if ((n = bench_base_pull(raw, ins, pg, from->id, &cursor[from->id],
			    &cause)) < 0)
				goto out;
			got += n;
		}
		t->applied += got;
		if (got > 0)
			continue;
		if (bench_now() - f->t0 > BENCH_PATIENCE) {
			cause = util_xprintf("baseline terminal %d stored %ld of %ld rows", t->id,
			    t->applied, want);
			goto out;
		}
		bench_pause();
	}
	t->converged = bench_now() - f->t0;
out:
	t->error = cause;
	sqlite3_finalize(ins);
	sqlite3_close(raw);
	PQfinish(pg);
	free(cursor);
	return NULL;
}

/* Run every terminal in a thread of fn, all at once: the last push and the last terminal to
 * have everything, in seconds from the start. */
static void
bench_run(struct bench_fleet *f, void *(*fn)(void *), double *pushed, double *converged)
{
	int	i;

	f->ready = 0;
	f->go = false;
	for (i = 0; i < f->nterms; i++) {
		struct bench_term *t = &f->terms[i];
		t->pushed = t->converged = 0;
		t->applied = t->orphans = t->conflicts = 0;
		if (pthread_create(&t->thread, NULL, fn, t) != 0)
			bench_die("cannot start a terminal's thread", NULL);
	}
	bench_start(f);
	for (i = 0; i < f->nterms; i++)
		pthread_join(f->terms[i].thread, NULL);
	*pushed = *converged = 0;
	for (i = 0; i < f->nterms; i++) {
		struct bench_term *t = &f->terms[i];
		if (t->error != NULL)
			bench_die("a terminal failed", t->error);
		if (t->pushed > *pushed)
			*pushed = t->pushed;
		if (t->converged > *converged)
			*converged = t->converged;
	}
}

/*
 * Every terminal holds the whole fleet: each member, each visit, every other terminal's
 * consent records (checked against their chains as they came), nothing left to push or pull,
 * and no event that found no member or a sign-in value taken.
 */
static void
bench_converged(struct bench_fleet *f)
{
	struct sync_result	 r;
	struct shop		*s;
	struct hub		*h;
	char			*cause = NULL, what[160];
	long			 members = 0, consents = 0, visits = 0;
	int			 i;

	for (i = 0; i < f->nterms; i++) {
		members += f->terms[i].members;
		consents += f->terms[i].consents;
		visits += f->terms[i].visits;
	}
	if ((h = hub_connect(f->conninfo, &cause)) == NULL)
		bench_die("cannot reach the hub", cause);
	for (i = 0; i < f->nterms; i++) {
		struct bench_term *t = &f->terms[i];
		if (t->orphans != 0 || t->conflicts != 0) {
			snprintf(what, sizeof what, "terminal %d met %ld orphans and %ld conflicts",
			    t->id, t->orphans, t->conflicts);
			bench_die(what, NULL);
		}
		if ((s = bench_shop(t, false, &cause)) == NULL)
			bench_die("cannot open a terminal's store", cause);
		if (sync_run(s, h, &r, &cause) != 0)
			bench_die("cannot sync again", cause);
		if (r.pushed != 0 || r.pulled != 0 ||
		    bench_count(s, "SELECT count(*) FROM customers") != members ||
		    bench_count(s, "SELECT count(*) FROM visits") != visits ||
		    bench_count(s, "SELECT count(*) FROM consent_records") +
		    bench_count(s, "SELECT count(*) FROM fleet_consent") != consents) {
			snprintf(what, sizeof what, "terminal %d did not converge (sync again: %ld "
			    "pushed, %ld pulled)", t->id, r.pushed, r.pulled);
			bench_die(what, NULL);
		}
		sync_result_free(&r);
		bench_shop_close(t, s);
	}
	hub_close(h);
}

/* Redeem one code, with the hub (f) or without; the seconds it took. */
static double
bench_redeem(struct shop *s, struct fleet *fl, const char *code)
{
	struct reward_ticket	 t;
	char			*cause = NULL;
	double			 t0 = bench_now();
	int			 rc;

	if (fl != NULL)
		rc = fleet_redeem(fl, code, "bench", NULL, time(NULL), &t, &cause);
	else
		rc = reward_redeem(s, code, "bench", NULL, time(NULL), &t, &cause);
	t0 = bench_now() - t0;
	if (rc != 0)
		bench_die("cannot redeem", cause);
	if (t.status != REWARD_REDEEMED || t.offline)
		bench_die(fl != NULL ? "the hub did not redeem a code" : "a code did not redeem",
		    reward_status_name(t.status));
	return t0;
}

/* Online redemption on terminal 1 beside local, in turns; the claims must be on the hub. */
static void
bench_redeems(struct bench_fleet *f)
{
	struct bench_term	*t = &f->terms[0];
	struct shop		*s;
	struct fleet		*fl;
	PGconn			*pg;
	PGresult		*res;
	char			(*codes)[CODE_LEN + 1], *cause = NULL, what[128];
	double			 online = 0, local = 0;
	long			 got, n, per, i;
	int			 r, rounds;

	if ((s = bench_shop(t, false, &cause)) == NULL)
		bench_die("cannot open terminal 1's store", cause);
	if ((fl = fleet_open(s, f->conninfo)) == NULL)
		bench_die("no hub to redeem with", NULL);
	codes = bench_codes(s, 2 * BENCH_REDEEMS + 1, &got);
	n = (got - 1) / 2;
	rounds = n >= BENCH_ROUNDS ? BENCH_ROUNDS : 1;
	per = n / rounds;
	n = per * rounds;
	if (n < 1)
		bench_die("too few codes on terminal 1 to redeem", NULL);
	/* The desk connects once, at its first redemption: that one is not timed. */
	bench_redeem(s, fl, codes[0]);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < per; i++) {
			online += bench_redeem(s, fl, codes[1 + r * per + i]);
			local += bench_redeem(s, NULL, codes[1 + n + r * per + i]);
		}
	fleet_close(fl);
	bench_shop_close(t, s);
	free(codes);

	pg = PQconnectdb(f->conninfo);
	res = PQexec(pg, "SELECT count(*) FROM prefkiosk.claims WHERE terminal = 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || atol(PQgetvalue(res, 0, 0)) != n + 1)
		bench_die("the hub does not hold every online redemption's claim", NULL);
	PQclear(res);
	PQfinish(pg);
	/* Two durable commits in a row (the hub's claim, then the store's) against one: 2x is
	 * the floor, and the round trip and the claim's statement may cost one commit more. */
	snprintf(what, sizeof what, "redeem online, %ld codes (us; base: local)", n);
	bench_print(&(struct bench_row){ what, online / (double)n * 1e6, local / (double)n * 1e6,
	    "us", "<=3x", 3, 0 });
}

/* nftw's callback: remove what it is given (children first, with FTW_DEPTH). */
static int
bench_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* One setting of the server, for the table's title. */
static char *
bench_setting(PGconn *pg, const char *name)
{
	char		*sql = util_xprintf("SHOW %s", name), *v;
	PGresult	*res = PQexec(pg, sql);

	v = util_xstrdup(PQresultStatus(res) == PGRES_TUPLES_OK ? PQgetvalue(res, 0, 0) : "?");
	PQclear(res);
	free(sql);
	return v;
}

int
main(void)
{
	struct bench_fleet	 f;
	struct hub		*h;
	unsigned char		 hub_id[HUB_ID_BYTES];
	const char		*tmp = getenv("TMPDIR");
	char			*cause = NULL, what[128], *version, *fsync;
	double			 push, conv, bpush, bconv, apps;
	long			 least = LONG_MAX, most = 0;
	PGconn			*pg;
	PGresult		*res;
	int			 i, from;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&f, 0, sizeof f);
	f.conninfo = getenv("PREFKIOSK_HUB");
	if (f.conninfo == NULL || *f.conninfo == '\0')
		bench_die("no hub: run tests/bench/fleet.sh, which starts one", NULL);
	f.nterms = (int)bench_env("BENCH_FLEET_TERMINALS", BENCH_TERMINALS, 2);
	f.target = bench_env("BENCH_FLEET_EVENTS", BENCH_EVENTS, 1);
	if (f.nterms > 4095)
		bench_die("BENCH_FLEET_TERMINALS", "at most 4095");
	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.cond, NULL);
	if ((size_t)snprintf(f.dir, sizeof f.dir, "%s/prefkiosk-fleet-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp") >= sizeof f.dir)
		bench_die("TMPDIR", "too long");
	if (vault_init() != 0 || mkdtemp(f.dir) == NULL)
		bench_die("cannot make a directory for the stores", strerror(errno));
	snprintf(f.key, sizeof f.key, "%s/fleet.key", f.dir);

	/* The hub, and the baseline's table beside it. */
	if ((h = hub_connect(f.conninfo, &cause)) == NULL || hub_init(h, &from, &cause) != 0)
		bench_die("cannot make the hub", cause);
	pg = PQconnectdb(f.conninfo);
	res = PQexec(pg, "CREATE SCHEMA bench_fleet; CREATE TABLE bench_fleet.events ("
	    " origin integer NOT NULL, oseq bigint NOT NULL, kind text NOT NULL,"
	    " body bytea NOT NULL, PRIMARY KEY (origin, oseq))");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		bench_die("cannot make the baseline's table", PQresultErrorMessage(res));
	PQclear(res);
	bench_hub_id(pg, hub_id);
	version = bench_setting(pg, "server_version");
	fsync = bench_setting(pg, "fsync");
	PQfinish(pg);

	f.terms = util_xcalloc((size_t)f.nterms, sizeof *f.terms);
	for (i = 0; i < f.nterms; i++) {
		f.terms[i].fleet = &f;
		f.terms[i].id = i + 1;
		bench_setup(&f.terms[i], h, hub_id);
		f.total += f.terms[i].events;
	}
	hub_close(h);

	/* A fifth visit issues a stamp reward with it, which a small target may not absorb. */
	for (i = 0; i < f.nterms; i++) {
		if (f.terms[i].events < least)
			least = f.terms[i].events;
		if (f.terms[i].events > most)
			most = f.terms[i].events;
	}
	if (least == most)
		snprintf(what, sizeof what, "%ld", least);
	else
		snprintf(what, sizeof what, "%ld to %ld", least, most);
	printf("prefkiosk fleet bench — %d terminals, %s events each, one hub (PostgreSQL %s, "
	    "fsync %s)\n", f.nterms, what, version, fsync);
	free(version);
	free(fsync);
	bench_head();
	bench_run(&f, bench_ours, &push, &conv);
	bench_converged(&f);
	bench_run(&f, bench_base, &bpush, &bconv);

	apps = (double)f.total * (f.nterms - 1);
	snprintf(what, sizeof what, "fleet push, %d x %ld events (events/s)", f.nterms, f.target);
	bench_print(&(struct bench_row){ what, (double)f.total / push, (double)f.total / bpush,
	    "/s", "-", 0, 1 });
	snprintf(what, sizeof what, "fleet apply, %d x %d x %ld (events/s)", f.nterms,
	    f.nterms - 1, f.target);
	bench_print(&(struct bench_row){ what, apps / conv, apps / bconv, "/s", "-", 0, 1 });
	snprintf(what, sizeof what, "fleet converged, %d x %ld events (s)", f.nterms, f.target);
	bench_print(&(struct bench_row){ what, conv, bconv, "s", "-", 0, 0 });
	bench_redeems(&f);
	printf("(baseline for the fleet: the same rows, unsealed and random, through plain INSERTs "
	    "and a raw SQLite table; for redeem online: reward_redeem on the same store)\n");

	nftw(f.dir, bench_remove, 16, FTW_DEPTH | FTW_PHYS);
	free(f.terms);
	pthread_cond_destroy(&f.cond);
	pthread_mutex_destroy(&f.lock);
	return 0;
}
