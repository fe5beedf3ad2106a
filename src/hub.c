/*
 * hub — the fleet's PostgreSQL hub (see hub.h).
 *
 * Everything lives in the schema "prefkiosk" of the database the connection string names.
 * Numbers go to the server as text parameters and sealed bodies as binary ones; pulled events
 * come back in binary, so a body is never escaped or unescaped on its way.
 *
 * libpq is loaded with dlopen the first time a hub is connected, not linked: with OpenSSL,
 * Kerberos and LDAP behind it, it made every prefkiosk process 6 MiB bigger, a kiosk that
 * never syncs and a one-shot look-up included.  The calls below go through hub_lib, whose
 * members carry the names of the functions they stand for.
 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "hub.h"
#include "util.h"

#define HUB_LIBRARY	"libpq.so.5"	/* Debian's libpq5 */

static struct {
	__typeof__(PQconnectdbParams)	*PQconnectdbParams;
	__typeof__(PQstatus)		*PQstatus;
	__typeof__(PQerrorMessage)	*PQerrorMessage;
	__typeof__(PQfinish)		*PQfinish;
	__typeof__(PQsetNoticeProcessor) *PQsetNoticeProcessor;
	__typeof__(PQresultStatus)	*PQresultStatus;
	__typeof__(PQresultErrorField)	*PQresultErrorField;
	__typeof__(PQclear)		*PQclear;
	__typeof__(PQntuples)		*PQntuples;
	__typeof__(PQgetvalue)		*PQgetvalue;
	__typeof__(PQgetlength)		*PQgetlength;
	__typeof__(PQsendQuery)		*PQsendQuery;
	__typeof__(PQsendQueryParams)	*PQsendQueryParams;
	__typeof__(PQgetResult)		*PQgetResult;
	__typeof__(PQisBusy)		*PQisBusy;
	__typeof__(PQconsumeInput)	*PQconsumeInput;
	__typeof__(PQflush)		*PQflush;
	__typeof__(PQsocket)		*PQsocket;
	__typeof__(PQsetnonblocking)	*PQsetnonblocking;
} hub_lib;

#define HUB_SYMBOL(name)	{ #name, offsetof(__typeof__(hub_lib), name) }
static const struct {
	const char	*name;
	size_t		 offset;
} hub_symbols[] = {
	HUB_SYMBOL(PQconnectdbParams), HUB_SYMBOL(PQstatus), HUB_SYMBOL(PQerrorMessage),
	HUB_SYMBOL(PQfinish), HUB_SYMBOL(PQsetNoticeProcessor), HUB_SYMBOL(PQresultStatus),
	HUB_SYMBOL(PQresultErrorField),
	HUB_SYMBOL(PQclear), HUB_SYMBOL(PQntuples), HUB_SYMBOL(PQgetvalue),
	HUB_SYMBOL(PQgetlength), HUB_SYMBOL(PQsendQuery), HUB_SYMBOL(PQsendQueryParams),
	HUB_SYMBOL(PQgetResult), HUB_SYMBOL(PQisBusy), HUB_SYMBOL(PQconsumeInput),
	HUB_SYMBOL(PQflush), HUB_SYMBOL(PQsocket), HUB_SYMBOL(PQsetnonblocking),
};

#define PQconnectdbParams	hub_lib.PQconnectdbParams
#define PQstatus		hub_lib.PQstatus
#define PQerrorMessage		hub_lib.PQerrorMessage
#define PQfinish		hub_lib.PQfinish
#define PQsetNoticeProcessor	hub_lib.PQsetNoticeProcessor
#define PQresultStatus		hub_lib.PQresultStatus
#define PQresultErrorField	hub_lib.PQresultErrorField
#define PQclear			hub_lib.PQclear
#define PQntuples		hub_lib.PQntuples
#define PQgetvalue		hub_lib.PQgetvalue
#define PQgetlength		hub_lib.PQgetlength
#define PQsendQuery		hub_lib.PQsendQuery
#define PQsendQueryParams	hub_lib.PQsendQueryParams
#define PQgetResult		hub_lib.PQgetResult
#define PQisBusy		hub_lib.PQisBusy
#define PQconsumeInput		hub_lib.PQconsumeInput
#define PQflush			hub_lib.PQflush
#define PQsocket		hub_lib.PQsocket
#define PQsetnonblocking	hub_lib.PQsetnonblocking

static pthread_once_t	 hub_once = PTHREAD_ONCE_INIT;
static const char	*hub_missing = "libpq was not loaded";	/* or NULL once it is */

/* Load libpq and find every function, once per process (the kiosk's sync thread and its
 * desk may connect at the same time).  It stays loaded: libpq keeps state of its own. */
static void
hub_load(void)
{
	static char	 why[160];
	void		*lib = dlopen(HUB_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	void		*fn;
	size_t		 i;

	if (lib == NULL) {
		snprintf(why, sizeof why, "the hub needs %s (Debian: libpq5)", HUB_LIBRARY);
		hub_missing = why;
		return;
	}
	for (i = 0; i < sizeof hub_symbols / sizeof hub_symbols[0]; i++) {
		if ((fn = dlsym(lib, hub_symbols[i].name)) == NULL) {
			snprintf(why, sizeof why, "%s has no %s", HUB_LIBRARY, hub_symbols[i].name);
			hub_missing = why;
			return;
		}
		memcpy((char *)&hub_lib + hub_symbols[i].offset, &fn, sizeof fn);
	}
	hub_missing = NULL;
}

/* Advisory lock keys: one for schema changes, one that orders pushes. */
#define HUB_LOCK_SCHEMA	"7079746800"
#define HUB_LOCK_PUSH	"7079746801"

/*
 * A hub that stops answering (a frozen server, a network that drops packets) must not hold a
 * desk or a kiosk's exit for ever: the server's statement_timeout cannot help when the server
 * is what hangs.  So every query is sent without blocking and waited for with poll, up to a
 * deadline: HUB_WAIT for a sync's statements, HUB_WAIT_CLAIM for a redemption's, which staff
 * wait for at the till.  A connection that missed one is not used again.
 */
#define HUB_WAIT	30000	/* ms */
#define HUB_WAIT_CLAIM	3000

struct hub {
	PGconn	*conn;
	int	 wait;		/* ms the next queries may take */
	bool	 late;		/* a query missed its deadline: the connection is not used again */
	char	 why[96];	/* ... and why */
};

/* Migration i takes the hub from version i to i + 1. */
static const char *const hub_migrations[HUB_VERSION] = {
	/* 0 → 1 */
	"CREATE TABLE prefkiosk.meta ("
	"  key text PRIMARY KEY,"
	"  value bytea NOT NULL"
	");"
	"CREATE TABLE prefkiosk.terminals ("
	"  id integer PRIMARY KEY CHECK (id BETWEEN 0 AND 4095),"
	"  store bytea NOT NULL,"
	"  joined timestamptz NOT NULL DEFAULT now(),"
	"  last_push timestamptz,"
	"  last_pull timestamptz,"
	"  pulled bigint NOT NULL DEFAULT 0"
	");"
	"CREATE SEQUENCE prefkiosk.events_seq;"
	"CREATE TABLE prefkiosk.events ("
	"  seq bigint NOT NULL UNIQUE,"
	"  origin integer NOT NULL REFERENCES prefkiosk.terminals(id),"
	"  oseq bigint NOT NULL,"
	"  kind text NOT NULL,"
	"  body bytea NOT NULL,"
	"  arrived timestamptz NOT NULL DEFAULT now(),"
	"  PRIMARY KEY (origin, oseq)"
	");"
	"CREATE TABLE prefkiosk.claims ("
	"  reward bigint PRIMARY KEY,"
	"  terminal integer NOT NULL,"
	"  at bigint NOT NULL,"
	"  till text NOT NULL,"
	"  claimed timestamptz NOT NULL DEFAULT now()"
	");"
	"CREATE TABLE prefkiosk.duplicates ("
	"  reward bigint NOT NULL,"
	"  terminal integer NOT NULL,"
	"  at bigint NOT NULL,"
	"  first_terminal integer NOT NULL,"
	"  first_at bigint NOT NULL,"
	"  found timestamptz NOT NULL DEFAULT now(),"
	"  PRIMARY KEY (reward, terminal, at)"
	");",
};

/* The server's messages are not ours to print: the hub's notices ("already exists") are
 * dropped, and errors are turned into one line by hub_fail. */
static void
hub_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* *cause = "doing: <the server's or libpq's first line>"; returns -1. */
static int
hub_fail(struct hub *h, const PGresult *res, char **cause, const char *doing)
{
	const char	*msg = NULL;
	char		*line;
	size_t		 n;

	if (res != NULL)
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (msg == NULL && h->late)
		msg = h->why;
	if (msg == NULL)
		msg = PQerrorMessage(h->conn);
	if (msg == NULL || *msg == '\0')
		msg = "no answer";
	n = strcspn(msg, "\n");
	line = util_xprintf("%.*s", (int)n, msg);
	util_fail(cause, "%s: %s", doing, line);
	free(line);
	return -1;
}

/* Wait up to ms for the socket to be ready for what events asks; false when the time ran out. */
static bool
hub_ready(struct hub *h, short events, int ms)
{
	struct pollfd	pfd = { .fd = PQsocket(h->conn), .events = events };
	int		rc;

	if (pfd.fd < 0)
		return true;	/* no socket: the next call says why */
	while ((rc = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
		;
	return rc != 0;
}

/*
 * PQexecParams (PQexec for n 0 and text results: sql may then be several statements), but
 * waiting h->wait ms at most: the last result (caller clears), or NULL when the hub did not
 * answer in time or the connection is gone (h->why or libpq's message says which).
 */
static PGresult *
hub_query(struct hub *h, const char *sql, int n, const char *const *params,
    const int *lengths, const int *formats, int binary)
{
	PGresult	*res, *last = NULL;
	int64_t		 deadline;
	struct timespec	 ts;
	int		 sent, left;

	if (h->late)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + h->wait;
	if (n == 0 && !binary)
		sent = PQsendQuery(h->conn, sql);
	else
		sent = PQsendQueryParams(h->conn, sql, n, NULL, params, lengths, formats, binary);
	if (!sent)
		return NULL;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		left = (int)(deadline - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000));
		if (left < 0)
			left = 0;
		/* What is still to send, then the answer.  A connection that fails says why in
		 * libpq's message; one that is ready too late, in h->why. */
		if ((sent = PQflush(h->conn)) == 1) {
			if (!(h->late = !hub_ready(h, POLLIN | POLLOUT, left)) &&
			    PQconsumeInput(h->conn) != 0)
				continue;
			break;
		}
		if (sent < 0)
			break;
		if (PQisBusy(h->conn)) {
			if (!(h->late = !hub_ready(h, POLLIN, left)) &&
			    PQconsumeInput(h->conn) != 0)
				continue;
			break;
		}
		if ((res = PQgetResult(h->conn)) == NULL)
			return last;
		/* Of several statements' results, the first that failed, else the last. */
		if (last != NULL && PQresultStatus(last) != PGRES_COMMAND_OK &&
		    PQresultStatus(last) != PGRES_TUPLES_OK)
			PQclear(res);
		else {
			PQclear(last);
			last = res;
		}
	}
	PQclear(last);
	if (h->late)
		snprintf(h->why, sizeof h->why, "the hub did not answer within %d s",
		    h->wait / 1000);
	return NULL;
}

/* Run sql (hub_query's parameters); the result (caller clears) when it has status want, else
 * NULL and *cause. */
static PGresult *
hub_run(struct hub *h, const char *sql, int n, const char *const *params, const int *lengths,
    const int *formats, int binary, ExecStatusType want, char **cause, const char *doing)
{
	PGresult	*res;

	res = hub_query(h, sql, n, params, lengths, formats, binary);
	if (res == NULL || PQresultStatus(res) != want) {
		hub_fail(h, res, cause, doing);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* hub_run with text parameters and results. */
static PGresult *
hub_exec(struct hub *h, const char *sql, int n, const char *const *params, ExecStatusType want,
    char **cause, const char *doing)
{
	return hub_run(h, sql, n, params, NULL, NULL, 0, want, cause, doing);
}

/* Commands without parameters or results (a migration is several); -1 and *cause. */
static int
hub_command(struct hub *h, const char *sql, char **cause, const char *doing)
{
	PGresult	*res = hub_query(h, sql, 0, NULL, NULL, NULL, 0);
	int		 rc = 0;

	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = hub_fail(h, res, cause, doing);
	PQclear(res);
	return rc;
}

/* A rollback after a failure: the connection may be gone, and that is fine. */
static void
hub_rollback(struct hub *h)
{
	PQclear(hub_query(h, "ROLLBACK", 0, NULL, NULL, NULL, 0));
}

struct hub *
hub_connect(const char *conninfo, char **cause)
{
	/* Ours first: a connection string's own settings, expanded from "dbname", win. */
	const char *const keys[] = { "connect_timeout", "application_name", "options", "dbname",
	    NULL };
	const char *const vals[] = { "5", "prefkiosk",
	    "-c statement_timeout=15000 -c idle_in_transaction_session_timeout=15000"
	    " -c client_min_messages=warning", conninfo, NULL };
	struct hub	*h;

	if (conninfo == NULL || *conninfo == '\0') {
		util_fail(cause, "no hub: give --hub CONNINFO, $PREFKIOSK_HUB or [hub] conninfo");
		return NULL;
	}
	if (pthread_once(&hub_once, hub_load) != 0 || hub_missing != NULL) {
		util_fail(cause, "cannot reach the hub: %s", hub_missing);
		return NULL;
	}
	h = util_xcalloc(1, sizeof *h);
	h->conn = PQconnectdbParams(keys, vals, 1);
	if (h->conn == NULL || PQstatus(h->conn) != CONNECTION_OK) {
		if (h->conn == NULL)
			util_fail(cause, "cannot reach the hub: out of memory");
		else
			hub_fail(h, NULL, cause, "cannot reach the hub");
		hub_close(h);
		return NULL;
	}
	PQsetNoticeProcessor(h->conn, hub_notice, NULL);
	PQsetnonblocking(h->conn, 1);
	h->wait = HUB_WAIT;
	return h;
}

bool
hub_stuck(const struct hub *h)
{
	return h->late;
}

void
hub_close(struct hub *h)
{
	if (h == NULL)
		return;
	PQfinish(h->conn);
	free(h);
}

/* The hub's schema version: 0 when it has none; -1 and *cause. */
static int
hub_version(struct hub *h, char **cause)
{
	PGresult	*res;
	int		 v = 0;

	if ((res = hub_exec(h, "SELECT to_regclass('prefkiosk.meta') IS NOT NULL", 0, NULL,
	    PGRES_TUPLES_OK, cause, "cannot read the hub")) == NULL)
		return -1;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	if ((res = hub_exec(h, "SELECT convert_from(value, 'UTF8') FROM prefkiosk.meta"
	    " WHERE key = 'version'", 0, NULL, PGRES_TUPLES_OK, cause,
	    "cannot read the hub")) == NULL)
		return -1;
	if (PQntuples(res) == 1)
		v = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

int
hub_init(struct hub *h, int *from, char **cause)
{
	unsigned char	 id[HUB_ID_BYTES];
	const char	*params[1];
	const int	 lengths[1] = { sizeof id }, formats[1] = { 1 };
	PGresult	*res;
	char		 version[16];
	int		 v;

	if (hub_command(h, "BEGIN", cause, "cannot change the hub") != 0)
		return -1;
	if ((res = hub_exec(h, "SELECT pg_advisory_xact_lock(" HUB_LOCK_SCHEMA ")", 0, NULL,
	    PGRES_TUPLES_OK, cause, "cannot change the hub")) == NULL)
		goto fail;
	PQclear(res);
	if ((v = hub_version(h, cause)) < 0)
		goto fail;
	*from = v;
	if (v > HUB_VERSION) {
		util_fail(cause, "the hub's schema is version %d, newer than this prefkiosk's %d: "
		    "upgrade prefkiosk", v, HUB_VERSION);
		goto fail;
	}
	if (v == 0 && hub_command(h, "CREATE SCHEMA IF NOT EXISTS prefkiosk", cause,
	    "cannot create the hub's schema") != 0)
		goto fail;
	for (; v < HUB_VERSION; v++)
		if (hub_command(h, hub_migrations[v], cause, "cannot migrate the hub") != 0)
			goto fail;
	snprintf(version, sizeof version, "%d", HUB_VERSION);
	params[0] = version;
	if ((res = hub_exec(h, "INSERT INTO prefkiosk.meta VALUES ('version',"
	    " convert_to($1, 'UTF8')) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
	    1, params, PGRES_COMMAND_OK, cause, "cannot migrate the hub")) == NULL)
		goto fail;
	PQclear(res);
	randombytes_buf(id, sizeof id);
	params[0] = (const char *)id;
	if ((res = hub_run(h, "INSERT INTO prefkiosk.meta VALUES ('hub_id', $1)"
	    " ON CONFLICT (key) DO NOTHING", 1, params, lengths, formats, 0, PGRES_COMMAND_OK,
	    cause, "cannot create the hub")) == NULL)
		goto fail;
	PQclear(res);
	return hub_command(h, "COMMIT", cause, "cannot change the hub");
fail:
	hub_rollback(h);
	return -1;
}

/*
 * The first value a row was given: sql inserts $2 under key $1 unless the key is there, and
 * returns the value stored (one statement: ON CONFLICT DO UPDATE to the same value returns
 * the row that was there).  0 when it is value, 1 when another, -1 and *cause.
 */
static int
hub_first(struct hub *h, const char *sql, const char *key, const unsigned char *value,
    size_t size, char **cause)
{
	const char	*params[2] = { key, (const char *)value };
	const int	 lengths[2] = { 0, (int)size }, formats[2] = { 0, 1 };
	PGresult	*res;
	int		 rc;

	if ((res = hub_run(h, sql, 2, params, lengths, formats, 1, PGRES_TUPLES_OK, cause,
	    "cannot join the hub")) == NULL)
		return -1;
	rc = PQntuples(res) == 1 && (size_t)PQgetlength(res, 0, 0) == size &&
	    memcmp(PQgetvalue(res, 0, 0), value, size) == 0 ? 0 : 1;
	PQclear(res);
	return rc;
}

int
hub_join(struct hub *h, int terminal, const unsigned char store[HUB_ID_BYTES],
    const unsigned char check[32], unsigned char hub_id[HUB_ID_BYTES], char **cause)
{
	char		 id[16];
	PGresult	*res;
	int		 v, rc;

	if (hub_command(h, "BEGIN", cause, "cannot join the hub") != 0)
		return -1;
	if ((v = hub_version(h, cause)) < 0)
		goto fail;
	if (v != HUB_VERSION) {
		if (v == 0)
			util_fail(cause, "the hub has no prefkiosk schema: run prefkiosk hub init");
		else if (v < HUB_VERSION)
			util_fail(cause, "the hub's schema is version %d: run prefkiosk hub init to "
			    "migrate it to %d", v, HUB_VERSION);
		else
			util_fail(cause, "the hub's schema is version %d, newer than this "
			    "prefkiosk's %d: upgrade prefkiosk", v, HUB_VERSION);
		goto fail;
	}
	if ((rc = hub_first(h, "INSERT INTO prefkiosk.meta VALUES ($1, $2) ON CONFLICT (key)"
	    " DO UPDATE SET value = prefkiosk.meta.value RETURNING value", "key_check", check, 32,
	    cause)) != 0) {
		if (rc == 1)
			util_fail(cause, "the hub belongs to another key: this terminal's key file "
			    "is not the fleet's (every terminal of a fleet uses one key file)");
		goto fail;
	}
	/* The hub's identity, made by hub init: a store remembers the hub it shares with. */
	if ((res = hub_run(h, "SELECT value FROM prefkiosk.meta WHERE key = 'hub_id'", 0, NULL,
	    NULL, NULL, 1, PGRES_TUPLES_OK, cause, "cannot join the hub")) == NULL)
		goto fail;
	if (PQntuples(res) != 1 || PQgetlength(res, 0, 0) != HUB_ID_BYTES) {
		PQclear(res);
		util_fail(cause, "cannot join the hub: its identity is damaged; run prefkiosk hub "
		    "init");
		goto fail;
	}
	memcpy(hub_id, PQgetvalue(res, 0, 0), HUB_ID_BYTES);
	PQclear(res);
	snprintf(id, sizeof id, "%d", terminal);
	if ((rc = hub_first(h, "INSERT INTO prefkiosk.terminals (id, store) VALUES ($1, $2)"
	    " ON CONFLICT (id) DO UPDATE SET store = prefkiosk.terminals.store RETURNING store",
	    id, store, HUB_ID_BYTES, cause)) != 0) {
		if (rc == 1)
			util_fail(cause, "terminal %d is in the hub already, as another store: give "
			    "each terminal its own number (prefkiosk init --terminal ID)", terminal);
		goto fail;
	}
	return hub_command(h, "COMMIT", cause, "cannot join the hub");
fail:
	hub_rollback(h);
	return -1;
}

int
hub_pushed(struct hub *h, int terminal, int64_t *oseq, char **cause)
{
	char		 t[16];
	const char	*params[1] = { t };
	PGresult	*res;

	snprintf(t, sizeof t, "%d", terminal);
	if ((res = hub_exec(h, "SELECT coalesce(max(oseq), 0) FROM prefkiosk.events"
	    " WHERE origin = $1", 1, params, PGRES_TUPLES_OK, cause,
	    "cannot read the hub")) == NULL)
		return -1;
	*oseq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

/* The redemption an event pushes: claim it, or find who claimed it first.  0 ours (now or
 * before), 1 a duplicate (*d filled), -1 and *cause. */
static int
hub_push_claim(struct hub *h, int terminal, const struct hub_event *e,
    struct hub_duplicate *d, char **cause)
{
	struct hub_claim	first;
	char			reward[24], t[16], at[24], ft[16], fat[24];
	const char		*dup[5] = { reward, t, at, ft, fat };
	PGresult		*res;
	int			rc;

	if ((rc = hub_claim(h, e->reward, terminal, e->redeemed_at, e->till, &first, cause)) != 0)
		return rc < 0 ? -1 : 0;
	/* The claim this terminal made online (at that time, or earlier for a redemption whose
	 * answer it lost: see fleet_claim): one redemption, not two. */
	if (first.terminal == terminal)
		return 0;
	snprintf(reward, sizeof reward, "%lld", (long long)e->reward);
	snprintf(t, sizeof t, "%d", terminal);
	snprintf(at, sizeof at, "%lld", (long long)e->redeemed_at);
	snprintf(ft, sizeof ft, "%d", first.terminal);
	snprintf(fat, sizeof fat, "%lld", (long long)first.at);
	if ((res = hub_exec(h, "INSERT INTO prefkiosk.duplicates (reward, terminal, at,"
	    " first_terminal, first_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", 5,
	    dup, PGRES_COMMAND_OK, cause, "cannot push to the hub")) == NULL)
		return -1;
	PQclear(res);
	d->reward = e->reward;
	d->at = e->redeemed_at;
	d->first = first;
	return 1;
}

/* Insert events [from, from + n) with one statement. */
static int
hub_push_rows(struct hub *h, int terminal, const struct hub_event *v, size_t n, char **cause)
{
	const char	**params = util_xcalloc(3 * n + 1, sizeof *params);
	int		 *lengths = util_xcalloc(3 * n + 1, sizeof *lengths);
	int		 *formats = util_xcalloc(3 * n + 1, sizeof *formats);
	char		 origin[16], (*oseq)[24] = util_xcalloc(n, sizeof *oseq);
	PGresult	*res;
	size_t		 i, len = 0, size = 128 + 96 * n;
	char		*sql = util_xcalloc(size, 1);
	int		 rc = 0;

	snprintf(origin, sizeof origin, "%d", terminal);
	params[0] = origin;
	len = (size_t)snprintf(sql, size, "INSERT INTO prefkiosk.events (seq, origin, oseq, kind,"
	    " body) VALUES ");
	for (i = 0; i < n; i++) {
		snprintf(oseq[i], sizeof oseq[i], "%lld", (long long)v[i].oseq);
		params[1 + 3 * i] = oseq[i];
		params[2 + 3 * i] = v[i].kind;
		params[3 + 3 * i] = (const char *)v[i].body;
		lengths[3 + 3 * i] = (int)v[i].len;
		formats[3 + 3 * i] = 1;
		len += (size_t)snprintf(sql + len, size - len, "%s(nextval('prefkiosk.events_seq'),"
		    " $1, $%zu, $%zu, $%zu)", i > 0 ? ", " : "", 2 + 3 * i, 3 + 3 * i, 4 + 3 * i);
	}
	snprintf(sql + len, size - len, " ON CONFLICT (origin, oseq) DO NOTHING");
	if ((res = hub_run(h, sql, (int)(3 * n + 1), params, lengths, formats, 0,
	    PGRES_COMMAND_OK, cause, "cannot push to the hub")) == NULL)
		rc = -1;
	PQclear(res);
	free(sql);
	free(oseq);
	free(formats);
	free(lengths);
	free(params);
	return rc;
}

#define HUB_PUSH_ROWS	500	/* events a statement: 1,501 parameters */

int
hub_push(struct hub *h, int terminal, const struct hub_event *v, size_t n,
    struct hub_duplicate **dups, size_t *ndups, char **cause)
{
	struct hub_duplicate	 d;
	PGresult		*res;
	char			 id[16];
	const char		*params[1] = { id };
	size_t			 i, k;
	int			 rc;

	*dups = NULL;
	*ndups = 0;
	if (hub_command(h, "BEGIN", cause, "cannot push to the hub") != 0)
		return -1;
	/* The push's place in the hub's order is taken now and kept until it commits. */
	if ((res = hub_exec(h, "SELECT pg_advisory_xact_lock(" HUB_LOCK_PUSH ")", 0, NULL,
	    PGRES_TUPLES_OK, cause, "cannot push to the hub")) == NULL)
		goto fail;
	PQclear(res);
	for (i = 0; i < n; i += k) {
		k = n - i < HUB_PUSH_ROWS ? n - i : HUB_PUSH_ROWS;
		if (hub_push_rows(h, terminal, v + i, k, cause) != 0)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		if (v[i].reward == 0)
			continue;
		if ((rc = hub_push_claim(h, terminal, &v[i], &d, cause)) < 0)
			goto fail;
		if (rc == 1) {
			*dups = util_xrealloc(*dups, *ndups + 1, sizeof **dups);
			(*dups)[(*ndups)++] = d;
		}
	}
	snprintf(id, sizeof id, "%d", terminal);
	if ((res = hub_exec(h, "UPDATE prefkiosk.terminals SET last_push = now() WHERE id = $1",
	    1, params, PGRES_COMMAND_OK, cause, "cannot push to the hub")) == NULL)
		goto fail;
	PQclear(res);
	if (hub_command(h, "COMMIT", cause, "cannot push to the hub") == 0)
		return 0;
fail:
	hub_rollback(h);
	free(*dups);
	*dups = NULL;
	*ndups = 0;
	return -1;
}

/* A binary integer column of 4 or 8 bytes, big-endian. */
static int64_t
hub_int(const PGresult *res, int row, int col)
{
	const unsigned char	*p = (const unsigned char *)PQgetvalue(res, row, col);
	uint64_t		 v = 0;
	int			 i, n = PQgetlength(res, row, col);

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	if (n == 4)
		return (int64_t)(int32_t)(uint32_t)v;
	return (int64_t)v;
}

int
hub_pull(struct hub *h, int terminal, int64_t after, size_t max, struct hub_event **out,
    size_t *n, char **cause)
{
	char		 t[16], a[24], m[24];
	const char	*params[3] = { t, a, m };
	PGresult	*res;
	struct hub_event *v;
	int		 i, rows;

	*out = NULL;
	*n = 0;
	snprintf(t, sizeof t, "%d", terminal);
	snprintf(a, sizeof a, "%lld", (long long)after);
	snprintf(m, sizeof m, "%zu", max);
	if ((res = hub_run(h, "SELECT seq, origin, oseq, kind, body FROM prefkiosk.events"
	    " WHERE seq > $2 AND origin <> $1 ORDER BY seq LIMIT $3", 3, params, NULL, NULL, 1,
	    PGRES_TUPLES_OK, cause, "cannot pull from the hub")) == NULL)
		return -1;
	rows = PQntuples(res);
	v = util_xcalloc(rows > 0 ? (size_t)rows : 1, sizeof *v);
	for (i = 0; i < rows; i++) {
		v[i].seq = hub_int(res, i, 0);
		v[i].origin = (int)hub_int(res, i, 1);
		v[i].oseq = hub_int(res, i, 2);
		snprintf(v[i].kind, sizeof v[i].kind, "%.*s", PQgetlength(res, i, 3),
		    PQgetvalue(res, i, 3));
		v[i].len = (size_t)PQgetlength(res, i, 4);
		v[i].body = util_xcalloc(v[i].len + 1, 1);
		memcpy(v[i].body, PQgetvalue(res, i, 4), v[i].len);
	}
	PQclear(res);
	*out = v;
	*n = (size_t)rows;
	if (rows > 0) {
		snprintf(a, sizeof a, "%lld", (long long)v[rows - 1].seq);
		/* Progress is for the fleet's admins; losing it loses nothing. */
		PQclear(hub_query(h, "UPDATE prefkiosk.terminals SET last_pull = now(),"
		    " pulled = $2 WHERE id = $1", 2, params, NULL, NULL, 0));
	}
	return 0;
}

void
hub_events_free(struct hub_event *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i].body);
	free(v);
}

static int	hub_claim_once(struct hub *, const char *const *, struct hub_claim *, char **);

int
hub_claim(struct hub *h, int64_t reward, int terminal, int64_t at, const char *till,
    struct hub_claim *first, char **cause)
{
	char		 r[24], t[16], a[24];
	const char	*params[4] = { r, t, a, till != NULL ? till : "" };
	int		 rc, wait;

	snprintf(r, sizeof r, "%lld", (long long)reward);
	snprintf(t, sizeof t, "%d", terminal);
	snprintf(a, sizeof a, "%lld", (long long)at);
	/* Staff wait for this at the till, the store's write lock held: not for long. */
	wait = h->wait;
	h->wait = HUB_WAIT_CLAIM;
	rc = hub_claim_once(h, params, first, cause);
	h->wait = wait;
	return rc;
}

/* hub_claim's statements, under its deadline. */
static int
hub_claim_once(struct hub *h, const char *const *params, struct hub_claim *first, char **cause)
{
	PGresult	*res;
	int		 rc;

	if ((res = hub_exec(h, "INSERT INTO prefkiosk.claims (reward, terminal, at, till)"
	    " VALUES ($1, $2, $3, $4) ON CONFLICT (reward) DO NOTHING RETURNING reward", 4, params,
	    PGRES_TUPLES_OK, cause, "the hub cannot decide the redemption")) == NULL)
		return -1;
	rc = PQntuples(res);
	PQclear(res);
	if (rc == 1)
		return 1;
	/* Taken: by a claim that may have committed after this statement began, so a new one
	 * reads it. */
	if ((res = hub_exec(h, "SELECT terminal, at, till FROM prefkiosk.claims WHERE reward = $1",
	    1, params, PGRES_TUPLES_OK, cause, "the hub cannot decide the redemption")) == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return util_fail(cause, "the hub cannot decide the redemption: its claim vanished");
	}
	first->terminal = atoi(PQgetvalue(res, 0, 0));
	first->at = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	util_copy(first->till, sizeof first->till, PQgetvalue(res, 0, 2));
	PQclear(res);
	return 0;
}
