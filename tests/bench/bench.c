/*
 * bench — `make bench`: prefkiosk's figures beside a raw-SQLite baseline measured in the same
 * run, on the same kind of rows and bytes, so the ratio says what encryption, blind indexes
 * and the consent chain cost.  It prints a table; it asserts nothing.
 *
 * For each scale (BENCH_SCALES, default "100000 1000000"):
 *   import     members enrolled in batches of 500 (prefkiosk's import path) vs plaintext rows
 *   enrol      durable enrolments, one transaction each, on top of that store
 *   lookup     by phone: normalise + blind index + index + unwrap + open vs indexed point query
 *   start-up   `prefkiosk lookup --card` as a new process: wall time and peak RSS
 *   bytes      file size per member, checkpointed
 *   check      a reward code: parse + tag + ledger row (with its member) vs indexed point query
 *   redeem     durable redemption, one transaction each, vs a durable single-row update
 *   desk       `prefkiosk run --desk` on a pseudo-terminal: a code written as a scanner types
 *              it, to the result on the screen (redeemed, durably), vs a durable row update
 *   kiosk      `prefkiosk run` on a pseudo-terminal: start-up to the first attract frame and
 *              its peak memory; then, at 80x24 and 200x60, the bytes and CPU time a checkbox
 *              toggle and a screen change cost (beside the bytes of a whole first frame)
 * And once, without a store:
 *   verify     code_parse (format, check symbol, keyed BLAKE2b tag) per second, one core
 *   QR         encode a code (libqrencode) and render it as half blocks, vs encoding alone
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "contact.h"
#include "customer.h"
#include "qr.h"
#include "reward.h"
#include "staff.h"
#include "store.h"
#include "table.h"
#include "util.h"
#include "vault.h"

#define BENCH_BATCH	500
#define BENCH_ENROLS	1000
#define BENCH_LOOKUPS	20000
#define BENCH_ROUNDS	10
#define BENCH_CHECKS	20000
#define BENCH_REDEEMS	1000
#define BENCH_VERIFIES	1000000
#define BENCH_QRS	20000

/* Remove a store and its WAL files. */
static void
bench_unlink(const char *db)
{
	char	path[512];

	unlink(db);
	snprintf(path, sizeof path, "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", db);
	unlink(path);
}

/* Open the shop on db, creating it when absent. */
static struct shop *
bench_shop(const char *db, const char *key)
{
	struct shop_paths	 paths = { .db = db, .config = "config", .key_file = key };
	struct shop		*s;
	char			*cause = NULL;
	int			 code;

	if (access(db, F_OK) != 0 && shop_create(&paths, false, &cause) != 0) {
		fprintf(stderr, "bench: %s\n", cause);
		exit(1);
	}
	if ((s = shop_open(&paths, &code, &cause)) == NULL) {
		fprintf(stderr, "bench: %s\n", cause);
		exit(1);
	}
	return s;
}

/* Enrol members [from, to) through prefkiosk: batches, or one durable transaction each. */
static double
bench_ours(struct shop *s, long from, long to, int batched)
{
	char				 uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	char				*cause = NULL;
	struct consent_chain		 chain;
	double				 t0 = bench_now();
	long				 i;

	for (i = from; i < to; i++) {
		struct customer_enrolment *e = customer_enrolment_new();
		bench_enrolment(s, e, i);
		if (!batched) {
			if (customer_enroll(s, e, time(NULL), uid, receipt, &cause) != 0) {
				fprintf(stderr, "bench: %s\n", cause);
				exit(1);
			}
		} else {
			if ((i - from) % BENCH_BATCH == 0) {
				if (store_begin(s->store, &cause) != 0)
					exit(1);
				consent_chain_begin(&chain);
			}
			if (customer_enroll_locked(s, &chain, e, time(NULL), uid, receipt, &cause) !=
			    0) {
				fprintf(stderr, "bench: %s\n", cause);
				exit(1);
			}
			if ((i - from) % BENCH_BATCH == BENCH_BATCH - 1 || i == to - 1)
				if (consent_chain_end(s, &chain, &cause) != 0 ||
				    store_commit(s->store, &cause) != 0)
					exit(1);
		}
		customer_enrolment_free(e);
	}
	return bench_now() - t0;
}

/* The baseline schema: the same rows in plaintext, with the same indexes. */
static const char bench_schema[] =
	"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	"CREATE TABLE customers (id INTEGER PRIMARY KEY, uid TEXT UNIQUE, card TEXT, phone TEXT,"
	" email TEXT, name TEXT, language TEXT, prefs TEXT, created INTEGER, last_seen INTEGER);"
	"CREATE UNIQUE INDEX c_card ON customers(card); CREATE UNIQUE INDEX c_phone ON customers(phone);"
	"CREATE UNIQUE INDEX c_email ON customers(email);"
	"CREATE TABLE consent_records (id INTEGER PRIMARY KEY, record_id TEXT UNIQUE, receipt_id TEXT,"
	" subject TEXT, purpose TEXT, state TEXT, event_time INTEGER, body TEXT);"
	"CREATE INDEX cr_subject ON consent_records(subject, purpose, id);"
	"CREATE INDEX cr_receipt ON consent_records(receipt_id);"
	"CREATE TABLE rewards (id INTEGER PRIMARY KEY, terminal INTEGER, serial INTEGER,"
	" customer INTEGER, rule TEXT, code TEXT, issued INTEGER, expires INTEGER, state TEXT,"
	" redeemed_at INTEGER, redeemed_till TEXT, UNIQUE (terminal, serial));"
	"CREATE INDEX rw_customer ON rewards(customer, rule);";

/* A consent body of the size prefkiosk writes (about 900 bytes of JSON). */
static void
bench_body(char *out, size_t size, long i, int p)
{
	snprintf(out, size, "{\"controller\":{\"contact\":\"privacy@beanandleaf.example\","
	    "\"name\":\"Bean & Leaf GmbH\"},\"data_categories\":[\"email\",\"interests\","
	    "\"purchase_history\"],\"event_time\":\"2026-03-01T12:00:00Z\",\"jurisdiction\":"
	    "\"EU-DE\",\"language\":\"en\",\"lawful_basis\":\"consent\",\"method\":\"kiosk\","
	    "\"notice\":{\"digest\":\"0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2"
	    "e1f0\",\"id\":\"purpose_%d\",\"version\":1},\"purpose\":{\"id\":\"purpose_%d\","
	    "\"title\":\"Personalised offers for you\"},\"receipt_id\":\"RCPT%022ld\","
	    "\"record_id\":\"REC%d%022ld\",\"recipients\":[],\"retention_days\":730,"
	    "\"sensitive\":false,\"staff\":null,\"state\":\"given\",\"subject\":\"SUBJ%012ld\","
	    "\"terminal\":1,\"third_party\":false,\"valid_until\":\"2027-03-01T12:00:00Z\","
	    "\"withdrawal_method\":\"at any prefkiosk terminal under 'My consents', or by writing "
	    "to the controller's contact\"}", p, p, i, p, i, i);
}

/* Insert members [from, to) as plaintext rows: batches, or one durable transaction each. */
static double
bench_base(sqlite3 *db, long from, long to, int npurposes, int batched)
{
	sqlite3_stmt	*c, *r, *w;
	char		 email[64], phone[32], name[64], card[32], uid[32], body[2048], rid[64];
	char		 code[40];
	char		 receipt[CONSENT_ID_LEN + 1];
	double		 t0 = bench_now();
	long		 i;
	int		 p;

	sqlite3_prepare_v2(db, "INSERT INTO customers (uid, card, phone, email, name, language,"
	    " prefs, created, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, 'en', ?6, ?7, ?7)", -1, &c, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO consent_records (record_id, receipt_id, subject,"
	    " purpose, state, event_time, body) VALUES (?1, ?2, ?3, ?4, 'given', ?5, ?6)", -1, &r,
	    NULL);
	/* The welcome offer each enrolment issues: a ledger row with its code. */
	sqlite3_prepare_v2(db, "INSERT INTO rewards (terminal, serial, customer, rule, code, issued,"
	    " expires, state) VALUES (1, ?1, ?2, 'welcome', ?3, ?4, ?4 + 2592000, 'issued')", -1, &w,
	    NULL);
	for (i = from; i < to; i++) {
		if (!batched || (i - from) % BENCH_BATCH == 0)
			sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		bench_member(i, email, phone, name, card);
		vault_random_id(uid, 10);
		sqlite3_bind_text(c, 1, uid, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 2, card, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 3, phone, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 4, email, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 5, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 6, "{\"interests\":[\"espresso\",\"pastries\"],"
		    "\"channels\":{\"email\":\"weekly\",\"sms\":\"monthly\"}}", -1, SQLITE_STATIC);
		sqlite3_bind_int64(c, 7, (sqlite3_int64)time(NULL));
		vault_random_id(receipt, 16);
		if (sqlite3_step(c) != SQLITE_DONE)
			exit(1);
		sqlite3_reset(c);
		vault_random_id(code, 22);
		sqlite3_bind_int64(w, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_int64(w, 2, sqlite3_last_insert_rowid(db));
		sqlite3_bind_text(w, 3, code, 36, SQLITE_STATIC);
		sqlite3_bind_int64(w, 4, (sqlite3_int64)time(NULL));
		if (sqlite3_step(w) != SQLITE_DONE)
			exit(1);
		sqlite3_reset(w);
		for (p = 0; p < npurposes; p++) {
			bench_body(body, sizeof body, i, p);
			vault_random_id(rid, 16);
			sqlite3_bind_text(r, 1, rid, -1, SQLITE_STATIC);
			sqlite3_bind_text(r, 2, receipt, -1, SQLITE_STATIC);
			sqlite3_bind_text(r, 3, uid, -1, SQLITE_STATIC);
			sqlite3_bind_int(r, 4, p);
			sqlite3_bind_int64(r, 5, (sqlite3_int64)time(NULL));
			sqlite3_bind_text(r, 6, body, -1, SQLITE_STATIC);
			if (sqlite3_step(r) != SQLITE_DONE)
				exit(1);
			sqlite3_reset(r);
		}
		if (!batched || (i - from) % BENCH_BATCH == BENCH_BATCH - 1 || i == to - 1)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	sqlite3_finalize(c);
	sqlite3_finalize(r);
	sqlite3_finalize(w);
	return bench_now() - t0;
}

/* Phone numbers of count random members among n, made before the clock starts: choosing a
 * key is the workload, not the look-up. */
static char (*bench_phones(long n, long count))[32]
{
	char	(*phones)[32] = util_xcalloc((size_t)count, 32);
	char	 email[64], name[64], card[32];
	long	 i;

	for (i = 0; i < count; i++)
		bench_member((long)randombytes_uniform((uint32_t)n), email, phones[i], name, card);
	return phones;
}

/* Look members up by phone through prefkiosk: normalise, blind index, find, unwrap, open. */
static double
bench_lookup_ours(struct shop *s, char (*phones)[32], long count)
{
	struct customer_profile	*p;
	char			 uid[CUSTOMER_UID_LEN + 1];
	double			 t0 = bench_now();
	long			 i;

	for (i = 0; i < count; i++) {
		if (customer_lookup(s, CONTACT_PHONE, phones[i], uid, &p, NULL) != 0)
			exit(1);
		customer_profile_free(p);
	}
	return bench_now() - t0;
}

/*
 * The look-up's cryptography alone, on the sealed rows of count random members read before the
 * clock: the phone number normalised and its blind index (keyed BLAKE2b), the data key unwrapped
 * and the profile opened (XChaCha20-Poly1305 each).  Beside the baseline's point query it is
 * the floor of the look-up's ratio: 1 + this ratio, before any other work.
 */
static double
bench_lookup_crypto(struct shop *s, char (*phones)[32], long count)
{
	struct sealed_row {
		char		 uid[CUSTOMER_UID_LEN + 1];
		int		 keyver;
		unsigned char	 wrapped[VAULT_WRAPPED_BYTES];
		unsigned char	 profile[1024];
		size_t		 len;
	}			*rows = util_xcalloc((size_t)count, sizeof *rows);
	sqlite3_stmt		*q;
	unsigned char		 idx[VAULT_INDEX_BYTES], *dk, plain[1024];
	char			 normal[CONTACT_MAX + 1];
	const char		*why;
	double			 t0;
	long			 i, got = 0;

	sqlite3_prepare_v2(store_db(s->store), "SELECT uid, key_version, data_key, profile FROM"
	    " customers WHERE data_key IS NOT NULL ORDER BY random() LIMIT ?1", -1, &q, NULL);
	sqlite3_bind_int64(q, 1, count);
	while (got < count && sqlite3_step(q) == SQLITE_ROW) {
		struct sealed_row *r = &rows[got++];
		util_copy(r->uid, sizeof r->uid, (const char *)sqlite3_column_text(q, 0));
		r->keyver = sqlite3_column_int(q, 1);
		memcpy(r->wrapped, sqlite3_column_blob(q, 2), sizeof r->wrapped);
		r->len = (size_t)sqlite3_column_bytes(q, 3);
		if (r->len > sizeof r->profile)
			exit(1);
		memcpy(r->profile, sqlite3_column_blob(q, 3), r->len);
	}
	sqlite3_finalize(q);
	if (got < count)
		exit(1);
	t0 = bench_now();
	for (i = 0; i < count; i++) {
		struct sealed_row *r = &rows[i];
		if (contact_normalize(CONTACT_PHONE, phones[i], s->config->phone_country, normal,
		    &why) != 0)
			exit(1);
		vault_blind_index(s->vault, "phone", normal, idx);
		if ((dk = vault_datakey_unwrap(s->vault, r->wrapped, sizeof r->wrapped, r->uid,
		    (uint32_t)r->keyver)) == NULL ||
		    vault_unseal(dk, "customers", "profile", r->uid, (uint32_t)r->keyver,
		    r->profile, r->len, plain) != 0)
			exit(1);
		vault_datakey_free(dk);
	}
	t0 = bench_now() - t0;
	sodium_memzero(plain, sizeof plain);
	free(rows);
	return t0;
}

/* The baseline: an indexed point query on the plaintext phone, reading the row. */
static double
bench_lookup_base(sqlite3 *db, char (*phones)[32], long count)
{
	sqlite3_stmt	*q;
	double		 t0 = bench_now();
	long		 i;

	sqlite3_prepare_v2(db, "SELECT uid, name, email, phone, card, language, prefs FROM customers"
	    " WHERE phone = ?1", -1, &q, NULL);
	for (i = 0; i < count; i++) {
		sqlite3_bind_text(q, 1, phones[i], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW)
			exit(1);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return bench_now() - t0;
}

/* Check codes[from..to) through prefkiosk: parse, tag, ledger row with its member. */
static double
bench_check_ours(struct shop *s, char (*codes)[CODE_LEN + 1], long from, long to)
{
	struct reward_ticket	t;
	double			t0 = bench_now();
	long			i;

	for (i = from; i < to; i++)
		if (reward_check(s, codes[i], time(NULL), &t, NULL) != 0 || t.status != REWARD_VALID)
			exit(1);
	return bench_now() - t0;
}

/*
 * The baseline's serials to check, drawn the way ours are (a scan of the outstanding rewards in
 * random order), so that both ledgers have been read through once before the checks.
 */
static sqlite3_int64 *
bench_serials(sqlite3 *db, long n)
{
	sqlite3_int64	*serials = util_xcalloc((size_t)n, sizeof *serials);
	sqlite3_stmt	*q;
	long		 got = 0;

	sqlite3_prepare_v2(db, "SELECT serial FROM rewards WHERE state = 'issued'"
	    " ORDER BY random() LIMIT ?1", -1, &q, NULL);
	sqlite3_bind_int64(q, 1, n);
	while (got < n && sqlite3_step(q) == SQLITE_ROW)
		serials[got++] = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (got < n)
		exit(1);
	return serials;
}

/* The baseline: the ledger row by (terminal, serial), an indexed point query. */
static double
bench_check_base(sqlite3 *db, const sqlite3_int64 *serials, long from, long to)
{
	sqlite3_stmt	*q;
	double		 t0 = bench_now();
	long		 i;

	sqlite3_prepare_v2(db, "SELECT rule, code, issued, expires, state, redeemed_at,"
	    " redeemed_till FROM rewards WHERE terminal = 1 AND serial = ?1", -1, &q, NULL);
	for (i = from; i < to; i++) {
		sqlite3_bind_int64(q, 1, serials[i]);
		if (sqlite3_step(q) != SQLITE_ROW)
			exit(1);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return bench_now() - t0;
}

/* Redeem codes[from..to), one durable transaction each. */
static double
bench_redeem_ours(struct shop *s, char (*codes)[CODE_LEN + 1], long from, long to)
{
	struct reward_ticket	t;
	double			t0 = bench_now();
	long			i;

	for (i = from; i < to; i++)
		if (reward_redeem(s, codes[i], "bench", NULL, time(NULL), &t, NULL) != 0 ||
		    t.status != REWARD_REDEEMED)
			exit(1);
	return bench_now() - t0;
}

/* The baseline: a durable single-row update by (terminal, serial), one transaction each. */
static double
bench_redeem_base(sqlite3 *db, long from, long to)
{
	sqlite3_stmt	*u;
	double		 t0 = bench_now();
	long		 i;

	sqlite3_prepare_v2(db, "UPDATE rewards SET state = 'redeemed', redeemed_at = ?2,"
	    " redeemed_till = 'bench' WHERE terminal = 1 AND serial = ?1 AND state = 'issued'", -1,
	    &u, NULL);
	for (i = from; i < to; i++) {
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_int64(u, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_int64(u, 2, (sqlite3_int64)time(NULL));
		if (sqlite3_step(u) != SQLITE_DONE || sqlite3_changes(db) != 1)
			exit(1);
		sqlite3_reset(u);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	sqlite3_finalize(u);
	return bench_now() - t0;
}

/* Codes verified per second without a store (format, check symbol, tag), on one core. */
static double
bench_verify(void)
{
	struct code_payload	p = { CODE_VERSION, 1, 1, 1, 3000 };
	unsigned char		key[32];
	char			code[CODE_LEN + 1];
	double			t0;
	long			i, ok = 0;

	randombytes_buf(key, sizeof key);
	code_make(&p, key, code);
	t0 = bench_now();
	for (i = 0; i < BENCH_VERIFIES; i++)
		ok += code_parse(code, key, &p, NULL) == CODE_OK;
	if (ok != BENCH_VERIFIES)
		exit(1);
	return BENCH_VERIFIES / (bench_now() - t0);
}

/* Microseconds to encode a code and, with render, to draw it as half blocks too. */
static double
bench_qr(int render)
{
	struct code_payload	 p = { CODE_VERSION, 1, 1, 1, 3000 };
	unsigned char		 key[32];
	char			 code[CODE_LEN + 1], *buf = NULL;
	size_t			 len = 0;
	struct qr		*q;
	FILE			*out = open_memstream(&buf, &len);
	double			 t0;
	long			 i;

	randombytes_buf(key, sizeof key);
	code_make(&p, key, code);
	t0 = bench_now();
	for (i = 0; i < BENCH_QRS; i++) {
		if (qr_encode(code, &q, NULL) != 0)
			exit(1);
		if (render) {
			rewind(out);
			qr_text(q, 4, out);
		}
		qr_free(q);
	}
	t0 = bench_now() - t0;
	fclose(out);
	free(buf);
	return t0 / BENCH_QRS * 1e6;
}

/*
 * A process's peak RSS (ru_maxrss) counts the memory of the process it was forked from, which
 * a fork copies: measured from the bench, whose own footprint grows with the rows it reads, a
 * look-up would be charged for the bench.  So the look-up's memory is measured by a spawner
 * forked at start-up, while the bench is still small: it runs each command it is sent and
 * sends back the child's status and peak RSS.
 */
struct bench_spawn {
	char	db[256], key[256], card[32];
};

static int	bench_spawn_to = -1, bench_spawn_from = -1;

static void
bench_spawner_start(void)
{
	struct bench_spawn	 req;
	struct rusage		 ru;
	long			 reply[2];
	int			 to[2], from[2], status, fd;
	pid_t			 pid;

	if (pipe(to) == -1 || pipe(from) == -1 || (pid = fork()) == -1)
		exit(1);
	if (pid > 0) {
		close(to[0]);
		close(from[1]);
		bench_spawn_to = to[1];
		bench_spawn_from = from[0];
		return;
	}
	close(to[1]);
	close(from[0]);
	while (read(to[0], &req, sizeof req) == (ssize_t)sizeof req) {
		if ((pid = fork()) == 0) {
			fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			execl("build/prefkiosk", "prefkiosk", "--db", req.db, "--key-file", req.key,
			    "--config", "config", "lookup", "--card", req.card, (char *)NULL);
			_exit(127);
		}
		status = -1;
		memset(&ru, 0, sizeof ru);
		if (pid > 0)
			wait4(pid, &status, 0, &ru);
		reply[0] = status;
		reply[1] = ru.ru_maxrss;
		if (write(from[1], reply, sizeof reply) != (ssize_t)sizeof reply)
			break;
	}
	_exit(0);
}

/* Run `prefkiosk lookup --card` as a new process: wall seconds (forked from here) and peak
 * RSS in KiB (forked from the spawner). */
static void
bench_startup(const char *db, const char *key, double *secs, long *rss)
{
	struct bench_spawn	 req;
	double			 t0 = bench_now();
	pid_t			 pid;
	long			 reply[2];
	int			 status, fd;
	char			 email[64], phone[32], name[64];

	memset(&req, 0, sizeof req);
	bench_member(42, email, phone, name, req.card);
	if ((pid = fork()) == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execl("build/prefkiosk", "prefkiosk", "--db", db, "--key-file", key, "--config",
		    "config", "lookup", "--card", req.card, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	*secs = bench_now() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: prefkiosk lookup failed (status %d)\n", status);
		exit(1);
	}
	snprintf(req.db, sizeof req.db, "%s", db);
	snprintf(req.key, sizeof req.key, "%s", key);
	if (write(bench_spawn_to, &req, sizeof req) != (ssize_t)sizeof req ||
	    read(bench_spawn_from, reply, sizeof reply) != (ssize_t)sizeof reply ||
	    !WIFEXITED((int)reply[0]) || WEXITSTATUS((int)reply[0]) != 0) {
		fprintf(stderr, "bench: prefkiosk lookup failed under the spawner\n");
		exit(1);
	}
	*rss = reply[1];
}

/* The kiosk on a pseudo-terminal of cols x rows. */
struct bench_pty {
	pid_t	pid;
	int	fd;
};

static void
bench_pty_start(struct bench_pty *p, const char *db, const char *key, int cols, int rows)
{
	struct winsize	ws = { (unsigned short)rows, (unsigned short)cols, 0, 0 };

	if ((p->pid = forkpty(&p->fd, NULL, NULL, &ws)) == -1)
		exit(1);
	if (p->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		unsetenv("LINES");
		unsetenv("COLUMNS");
		execl("build/prefkiosk", "prefkiosk", "--db", db, "--key-file", key, "--config",
		    "config", "run", (char *)NULL);
		_exit(127);
	}
}

/* Read what the kiosk writes until want has appeared (want NULL: until it is quiet for
 * quiet_ms); returns the bytes read. */
static long
bench_pty_read(struct bench_pty *p, const char *want, int quiet_ms)
{
	char		buf[65536], tail[256] = "";
	struct pollfd	pfd = { p->fd, POLLIN, 0 };
	long		total = 0;
	ssize_t		n;
	size_t		t;

	for (;;) {
		if (poll(&pfd, 1, want != NULL ? 5000 : quiet_ms) <= 0)
			return want != NULL ? -1 : total;
		if ((n = read(p->fd, buf, sizeof buf - 1)) <= 0)
			return -1;
		total += n;
		if (want == NULL)
			continue;
		buf[n] = '\0';
		/* The text may straddle two reads: keep the end of the last one. */
		t = strlen(tail);
		char joined[sizeof tail + sizeof buf];
		memcpy(joined, tail, t);
		memcpy(joined + t, buf, (size_t)n + 1);
		if (memmem(joined, t + (size_t)n, want, strlen(want)) != NULL)
			return total;
		t = (size_t)n < sizeof tail - 1 ? (size_t)n : sizeof tail - 1;
		memcpy(tail, buf + n - t, t);
		tail[t] = '\0';
	}
}

/* The CPU seconds a process has used so far. */
static double
bench_cpu(pid_t pid)
{
	char		 path[64], line[1024], *p;
	unsigned long	 ut = 0, st = 0;
	FILE		*f;
	int		 i;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL || fgets(line, sizeof line, f) == NULL)
		exit(1);
	fclose(f);
	p = strrchr(line, ')');		/* fields after the command name */
	for (i = 0; i < 12 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %lu %lu", &ut, &st) != 2)
		exit(1);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/*
 * Stop the kiosk (it ignores the keyboard's signals, not SIGTERM); its peak RSS in KiB, read
 * before: the kiosk's own high-water mark (VmHWM), which starts again at exec, where the
 * child's ru_maxrss would also count the bench it was forked from (bench_spawner_start).
 */
static long
bench_pty_stop(struct bench_pty *p)
{
	char	path[64], line[256];
	FILE	*f;
	long	hwm = -1;
	int	status;

	snprintf(path, sizeof path, "/proc/%d/status", (int)p->pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, "VmHWM: %ld kB", &hwm) == 1)
				break;
		fclose(f);
	}
	kill(p->pid, SIGTERM);
	waitpid(p->pid, &status, 0);
	close(p->fd);
	if (hwm < 0) {
		fprintf(stderr, "bench: cannot read the kiosk's peak memory\n");
		exit(1);
	}
	return hwm;
}

#define BENCH_KEYS	100

/* Send one key sequence count times, each when the last one's drawing is done: bytes and CPU
 * milliseconds per key. */
static void
bench_pty_keys(struct bench_pty *p, const char *const *keys, int count, double *bytes,
    double *cpu_ms)
{
	double	c0 = bench_cpu(p->pid);
	long	total = 0;
	int	i;

	for (i = 0; i < count; i++) {
		const char *k = keys[i % 2];
		if (write(p->fd, k, strlen(k)) != (ssize_t)strlen(k))
			exit(1);
		total += bench_pty_read(p, NULL, 60);
	}
	*bytes = (double)total / count;
	*cpu_ms = (bench_cpu(p->pid) - c0) * 1e3 / count;
}

#define BENCH_DESK	100

/* Scan to result at the desk: codes[from..to) typed as a scanner does, each until the screen
 * says REDEEMED; the baseline is the same number of durable single-row updates. */
static void
bench_desk(struct shop *s, sqlite3 *db, const char *ours, const char *key, long n,
    char (*codes)[CODE_LEN + 1], long from, long serial)
{
	struct bench_pty	 p;
	double			 t0, t, tb;
	char			 line[CODE_LEN + 2], what[128], *cause = NULL;
	long			 i;

	if (staff_add(s->store, s->vault, "bench", STAFF_ROLE_STAFF, "2468", time(NULL), &cause)
	    != STAFF_OK && staff_add(s->store, s->vault, "bench", STAFF_ROLE_STAFF, "2468",
	    time(NULL), NULL) != STAFF_EXISTS) {
		fprintf(stderr, "bench: %s\n", cause);
		exit(1);
	}
	free(cause);
	p.pid = 0;
	{
		struct winsize ws = { 24, 80, 0, 0 };
		if ((p.pid = forkpty(&p.fd, NULL, NULL, &ws)) == -1)
			exit(1);
		if (p.pid == 0) {
			setenv("TERM", "xterm-256color", 1);
			setenv("LANG", "C.UTF-8", 1);
			execl("build/prefkiosk", "prefkiosk", "--db", ours, "--key-file", key,
			    "--config", "config", "run", "--desk", "--staff", "bench", (char *)NULL);
			_exit(127);
		}
	}
	if (bench_pty_read(&p, "PIN", 0) < 0 || write(p.fd, "2468", 4) != 4) {
		fprintf(stderr, "bench: the desk did not ask for a PIN\n");
		exit(1);
	}
	bench_pty_read(&p, NULL, 100);
	if (write(p.fd, "\r", 1) != 1 || bench_pty_read(&p, "Scan a reward", 0) < 0) {
		fprintf(stderr, "bench: the desk did not take the PIN\n");
		exit(1);
	}
	bench_pty_read(&p, NULL, 100);
	/* The desk redraws once, after the redemption committed: the first byte of that redraw
	 * is the result on the screen. */
	t = 0;
	for (i = from; i < from + BENCH_DESK; i++) {
		struct pollfd pfd = { p.fd, POLLIN, 0 };
		char sink[65536];
		snprintf(line, sizeof line, "%s\r", codes[i]);
		t0 = bench_now();
		if (write(p.fd, line, strlen(line)) != (ssize_t)strlen(line) ||
		    poll(&pfd, 1, 5000) != 1 || read(p.fd, sink, sizeof sink) <= 0) {
			fprintf(stderr, "bench: the desk did not answer a scan\n");
			exit(1);
		}
		t += bench_now() - t0;
		bench_pty_read(&p, NULL, 50);
	}
	bench_pty_stop(&p);
	tb = bench_redeem_base(db, serial, serial + BENCH_DESK);
	snprintf(what, sizeof what, "desk scan to result at %ld (ms)", n);
	bench_print(&(struct bench_row){ what, t / BENCH_DESK * 1e3, tb / BENCH_DESK * 1e3, "ms",
	    "-", 0, 0 });
}

/* The kiosk's figures at one size. */
static void
bench_kiosk(const char *db, const char *key, long n, int cols, int rows)
{
	static const char *const toggle[] = { " ", " " };
	static const char *const change[] = { "\x1b", "\r" };
	struct bench_pty	 p;
	double			 t0 = bench_now(), secs, bytes, cpu;
	long			 first, rss;
	char			 what[128];

	bench_pty_start(&p, db, key, cols, rows);
	first = bench_pty_read(&p, "Touch the screen", 0);
	secs = bench_now() - t0;
	if (first < 0)
		exit(1);
	bench_pty_read(&p, NULL, 100);
	if (cols == 80) {
		snprintf(what, sizeof what, "kiosk start-up to attract at %ld (ms)", n);
		bench_print(&(struct bench_row){ what, secs * 1e3, 15, "ms", "<=15ms", 1, 0 });
	}
	/* Start, the intro, then the first interest. */
	if (write(p.fd, "\r", 1) != 1 || bench_pty_read(&p, "What we ask", 0) < 0 ||
	    write(p.fd, "\r", 1) != 1 || bench_pty_read(&p, "interests in", 0) < 0 ||
	    write(p.fd, "\t", 1) != 1)
		exit(1);
	bench_pty_read(&p, NULL, 100);
	bench_pty_keys(&p, toggle, BENCH_KEYS, &bytes, &cpu);
	snprintf(what, sizeof what, "checkbox toggle at %dx%d (bytes; base: frame)", cols, rows);
	bench_print(&(struct bench_row){ what, bytes, (double)first, "B", cols == 80 ? "<=64B" :
	    "-", cols == 80 ? 64.0 / (double)first : 0, 0 });
	snprintf(what, sizeof what, "checkbox toggle at %dx%d (CPU ms)", cols, rows);
	bench_print(&(struct bench_row){ what, cpu, -1, "ms", "-", 0, 0 });
	bench_pty_keys(&p, change, BENCH_KEYS, &bytes, &cpu);
	snprintf(what, sizeof what, "screen change at %dx%d (bytes; base: frame)", cols, rows);
	bench_print(&(struct bench_row){ what, bytes, (double)first, "B", "-", 0, 0 });
	snprintf(what, sizeof what, "screen change at %dx%d (CPU ms)", cols, rows);
	bench_print(&(struct bench_row){ what, cpu, -1, "ms", "-", 0, 0 });
	rss = bench_pty_stop(&p);
	if (cols == 80) {
		snprintf(what, sizeof what, "kiosk peak memory at %ld (KiB)", n);
		bench_print(&(struct bench_row){ what, (double)rss, 8192, "KiB", "<=8MiB", 1, 0 });
	}
}

/* File size after a truncating checkpoint. */
static double
bench_bytes(sqlite3 *db, const char *path)
{
	struct stat	sb;

	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	stat(path, &sb);
	return (double)sb.st_size;
}


int
main(void)
{
	const char		*scales = getenv("BENCH_SCALES");
	char			 dir[] = "/tmp/prefkiosk-bench-XXXXXX", ours[256], base[256], key[256];
	char			*tok, *save = NULL, *list;
	struct shop		*s;
	sqlite3			*db;
	double			 t, tb, secs;
	long			 n, rss, have = 0, ncodes, redeemed = 0, checks;
	sqlite3_int64		*serials;
	char			(*codes)[CODE_LEN + 1];
	int			 r;
	char			 what[128];

	setvbuf(stdout, NULL, _IOLBF, 0);	/* each row as soon as it is measured */
	bench_spawner_start();			/* first, while the bench is small */
	if (vault_init() != 0 || mkdtemp(dir) == NULL)
		return 1;
	list = util_xstrdup(scales != NULL ? scales : "100000 1000000");
	snprintf(ours, sizeof ours, "%s/ours.db", dir);
	snprintf(base, sizeof base, "%s/base.db", dir);
	snprintf(key, sizeof key, "%s/key", dir);
	s = bench_shop(ours, key);
	sqlite3_open(base, &db);
	sqlite3_exec(db, bench_schema, NULL, NULL, NULL);

	printf("prefkiosk bench — %s", ctime(&(time_t){ time(NULL) }));
	bench_head();
	for (tok = strtok_r(list, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		n = atol(tok);
		if (n <= have)
			continue;
		/* In turns here too: whichever store was written last would otherwise be the one
		 * the page cache holds. */
		t = tb = 0;
		for (r = 0; r < BENCH_ROUNDS; r++) {
			long from = have + (n - have) * r / BENCH_ROUNDS;
			long to = have + (n - have) * (r + 1) / BENCH_ROUNDS;
			t += bench_ours(s, from, to, 1);
			tb += bench_base(db, from, to, (int)s->catalog->npurposes, 1);
		}
		snprintf(what, sizeof what, "import to %ld members (members/s)", n);
		bench_print(&(struct bench_row){ what, (double)(n - have) / t,
		    (double)(n - have) / tb, "/s", ">=0.6x", 0.6, 1 });
		have = n;

		/* Both sides in turns of a tenth, so that neither finds the caches warmer. */
		t = tb = 0;
		for (r = 0; r < BENCH_ROUNDS; r++) {
			long from = have + r * (BENCH_ENROLS / BENCH_ROUNDS);
			t += bench_ours(s, from, from + BENCH_ENROLS / BENCH_ROUNDS, 0);
			tb += bench_base(db, from, from + BENCH_ENROLS / BENCH_ROUNDS,
			    (int)s->catalog->npurposes, 0);
		}
		snprintf(what, sizeof what, "durable enrolment at %ld (enrolments/s)", n);
		bench_print(&(struct bench_row){ what, BENCH_ENROLS / t, BENCH_ENROLS / tb, "/s",
		    ">=0.8x", 0.8, 1 });
		have += BENCH_ENROLS;

		t = tb = 0;
		for (r = 0; r < BENCH_ROUNDS; r++) {
			char (*phones)[32] = bench_phones(have, BENCH_LOOKUPS / BENCH_ROUNDS);
			char (*others)[32] = bench_phones(have, BENCH_LOOKUPS / BENCH_ROUNDS);
			t += bench_lookup_ours(s, phones, BENCH_LOOKUPS / BENCH_ROUNDS);
			tb += bench_lookup_base(db, others, BENCH_LOOKUPS / BENCH_ROUNDS);
			free(phones);
			free(others);
		}
		snprintf(what, sizeof what, "lookup by phone among %ld (us each)", n);
		bench_print(&(struct bench_row){ what, t / BENCH_LOOKUPS * 1e6,
		    tb / BENCH_LOOKUPS * 1e6, "us", "<=1.25x", 1.25, 0 });
		{
			char (*phones)[32] = bench_phones(have, BENCH_LOOKUPS / BENCH_ROUNDS);
			t = bench_lookup_crypto(s, phones, BENCH_LOOKUPS / BENCH_ROUNDS);
			free(phones);
		}
		snprintf(what, sizeof what, "  its crypto alone at %ld (us; base: query)", n);
		bench_print(&(struct bench_row){ what, t / (BENCH_LOOKUPS / BENCH_ROUNDS) * 1e6,
		    tb / BENCH_LOOKUPS * 1e6, "us", "-", 0, 0 });

		snprintf(what, sizeof what, "bytes on disk per member at %ld", n);
		bench_print(&(struct bench_row){ what, bench_bytes(store_db(s->store), ours) / have,
		    bench_bytes(db, base) / have, "B", "-", 0, 0 });

		codes = bench_codes(s, BENCH_CHECKS + BENCH_REDEEMS + BENCH_DESK, &ncodes);
		/* A small scale has fewer codes than checks: check what there is. */
		checks = ncodes - BENCH_REDEEMS - BENCH_DESK;
		if (checks > BENCH_CHECKS)
			checks = BENCH_CHECKS;
		if (checks < BENCH_ROUNDS) {
			fprintf(stderr, "bench: too few rewards at %ld members\n", n);
			exit(1);
		}
		serials = bench_serials(db, checks);
		t = tb = 0;
		for (r = 0; r < BENCH_ROUNDS; r++) {
			long per = checks / BENCH_ROUNDS;
			t += bench_check_ours(s, codes, r * per, (r + 1) * per);
			tb += bench_check_base(db, serials, r * per, (r + 1) * per);
		}
		free(serials);
		checks = checks / BENCH_ROUNDS * BENCH_ROUNDS;
		snprintf(what, sizeof what, "check a code among %ld (us each)", n);
		bench_print(&(struct bench_row){ what, t / (double)checks * 1e6,
		    tb / (double)checks * 1e6, "us", "<=1.25x", 1.25, 0 });
		t = tb = 0;
		for (r = 0; r < BENCH_ROUNDS; r++) {
			long per = BENCH_REDEEMS / BENCH_ROUNDS;
			t += bench_redeem_ours(s, codes, checks + r * per, checks + (r + 1) * per);
			tb += bench_redeem_base(db, redeemed + r * per, redeemed + (r + 1) * per);
		}
		redeemed += BENCH_REDEEMS;
		snprintf(what, sizeof what, "durable redeem at %ld (redeems/s)", n);
		bench_print(&(struct bench_row){ what, BENCH_REDEEMS / t, BENCH_REDEEMS / tb, "/s",
		    ">=0.8x", 0.8, 1 });
		if (ncodes >= checks + BENCH_REDEEMS + BENCH_DESK) {
			bench_desk(s, db, ours, key, n, codes, checks + BENCH_REDEEMS, redeemed);
			redeemed += BENCH_DESK;
		}
		free(codes);

		bench_startup(ours, key, &secs, &rss);
		snprintf(what, sizeof what, "start-up + lookup process at %ld (ms)", n);
		bench_print(&(struct bench_row){ what, secs * 1e3, 15, "ms", "<=15ms", 1, 0 });
		snprintf(what, sizeof what, "peak memory of that process at %ld (KiB)", n);
		bench_print(&(struct bench_row){ what, (double)rss, 8192, "KiB", "<=8MiB", 1, 0 });
		bench_kiosk(ours, key, n, 80, 24);
		bench_kiosk(ours, key, n, 200, 60);
	}
	bench_print(&(struct bench_row){ "verify a code, no store (codes/s, one core)",
	    bench_verify(), 500000, "/s", ">=500k/s", 1, 1 });
	t = bench_qr(1);
	bench_print(&(struct bench_row){ "QR encode and draw (us; base: encode alone)",
	    t, bench_qr(0), "us", "-", 0, 0 });
	printf("(baseline for start-up and memory: the target itself; for verify: the target)\n");
	shop_close(s);
	sqlite3_close(db);
	bench_unlink(ours);
	bench_unlink(base);
	unlink(key);
	rmdir(dir);
	free(list);
	return 0;
}
