/*
 * test_hub — hub.c against a real PostgreSQL: a throwaway cluster started once for the suite
 * (tests/hub/pg-serve, which pg.inc makes: initdb in a temporary directory, a Unix socket), a
 * database of its own for each test.  The schema and its migration, who may join, pushing
 * (idempotent, in one order, duplicates found), pulling, claims.  sync.c's use of it is
 * tests/test_sync.c and tests/cli/hub.sh.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hub.h"
#include "util.h"

static FILE	*hub_server;	/* pg-serve's stdin: closing it removes the cluster */
static char	*conninfo;	/* this test's database */

/* Before every test, in the runner: the cluster, whose address the tests inherit. */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	int	in[2], out[2];
	char	line[1024];
	FILE	*f;
	pid_t	pid;

	(void)set;
	if (pipe(in) != 0 || pipe(out) != 0 || (pid = fork()) == -1)
		abort();
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		close(in[1]);
		close(out[0]);
		execl("/bin/bash", "bash", "tests/hub/pg-serve", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	hub_server = fdopen(in[1], "w");
	f = fdopen(out[0], "r");
	if (f != NULL && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		setenv("PREFKIOSK_HUB", line, 1);
	}
	if (f != NULL)
		fclose(f);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	if (hub_server != NULL)
		fclose(hub_server);
	while (wait(NULL) > 0)
		;
}

static void
setup(void)
{
	const char	*server = getenv("PREFKIOSK_HUB");
	char		*cmd;
	static int	 n;

	cr_assert_not_null(server, "no throwaway cluster (tests/hub/pg-serve)");
	cmd = util_xprintf("psql -q -X -v ON_ERROR_STOP=1 '%s' -c 'CREATE DATABASE t%d_%d'"
	    " >/dev/null", server, (int)getpid(), ++n);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	conninfo = util_xprintf("%s dbname=t%d_%d", server, (int)getpid(), n);
}

static void
teardown(void)
{
	free(conninfo);
}

TestSuite(hub, .init = setup, .fini = teardown, .timeout = 60);

static const unsigned char key_a[32] = { 1 }, key_b[32] = { 2 };
static const unsigned char store_1[HUB_ID_BYTES] = { 11 }, store_2[HUB_ID_BYTES] = { 12 };

/* A hub with its schema, and terminals 1 and 2 joined with key_a. */
static struct hub *
fleet(void)
{
	unsigned char	 id[HUB_ID_BYTES];
	struct hub	*h;
	char		*cause = NULL;
	int		 from;

	h = hub_connect(conninfo, &cause);
	cr_assert_not_null(h, "%s", cause);
	cr_assert_eq(hub_init(h, &from, &cause), 0, "%s", cause);
	cr_assert_eq(hub_join(h, 1, store_1, key_a, id, &cause), 0, "%s", cause);
	cr_assert_eq(hub_join(h, 2, store_2, key_a, id, &cause), 0, "%s", cause);
	return h;
}

/* An event of origin, numbered oseq, with body text. */
static struct hub_event
event(int origin, int64_t oseq, const char *kind, const char *body)
{
	struct hub_event	e;

	memset(&e, 0, sizeof e);
	e.origin = origin;
	e.oseq = oseq;
	util_copy(e.kind, sizeof e.kind, kind);
	e.body = (unsigned char *)body;
	e.len = strlen(body);
	return e;
}

Test(hub, no_hub_or_one_that_is_not_there_is_one_line)
{
	char	*cause = NULL, *nowhere;

	cr_assert_null(hub_connect("", &cause));
	cr_assert_not_null(strstr(cause, "give --hub CONNINFO"), "%s", cause);
	free(cause);
	cause = NULL;
	nowhere = util_xprintf("%s port=1", conninfo);
	cr_assert_null(hub_connect(nowhere, &cause));
	cr_assert_not_null(strstr(cause, "cannot reach the hub: "), "%s", cause);
	cr_assert_null(strchr(cause, '\n'), "%s", cause);
	free(cause);
	free(nowhere);
}

Test(hub, init_creates_the_schema_once_and_joining_needs_it)
{
	unsigned char	 id[HUB_ID_BYTES], again[HUB_ID_BYTES];
	struct hub	*h;
	char		*cause = NULL;
	int		 from;

	h = hub_connect(conninfo, &cause);
	cr_assert_not_null(h, "%s", cause);
	cr_assert_eq(hub_join(h, 1, store_1, key_a, id, &cause), -1);
	cr_assert_not_null(strstr(cause, "run prefkiosk hub init"), "%s", cause);
	free(cause);
	cause = NULL;
	cr_assert_eq(hub_init(h, &from, &cause), 0, "%s", cause);
	cr_assert_eq(from, 0);
	cr_assert_eq(hub_init(h, &from, &cause), 0, "%s", cause);
	cr_assert_eq(from, HUB_VERSION);
	cr_assert_eq(hub_join(h, 1, store_1, key_a, id, &cause), 0, "%s", cause);
	cr_assert_eq(hub_join(h, 1, store_1, key_a, again, &cause), 0, "%s", cause);
	cr_assert_eq(memcmp(id, again, sizeof id), 0, "a hub keeps its identity");
	cr_assert_not(hub_stuck(h));
	hub_close(h);
}

Test(hub, another_key_or_a_second_store_for_a_terminal_is_refused)
{
	unsigned char	 id[HUB_ID_BYTES];
	struct hub	*h = fleet();
	char		*cause = NULL;

	cr_assert_eq(hub_join(h, 3, store_2, key_b, id, &cause), -1);
	cr_assert_not_null(strstr(cause, "belongs to another key"), "%s", cause);
	free(cause);
	cause = NULL;
	cr_assert_eq(hub_join(h, 2, store_1, key_a, id, &cause), -1);
	cr_assert_not_null(strstr(cause, "terminal 2 is in the hub already"), "%s", cause);
	free(cause);
	hub_close(h);
}

Test(hub, pushes_are_idempotent_and_pulled_in_order_without_ones_own)
{
	struct hub_event	 v[3], *got;
	struct hub_duplicate	*d;
	struct hub		*h = fleet();
	char			*cause = NULL;
	size_t			 n, nd;
	int64_t			 top;

	v[0] = event(1, 1, "member", "one");
	v[1] = event(1, 2, "visit", "two");
	cr_assert_eq(hub_push(h, 1, v, 2, &d, &nd, &cause), 0, "%s", cause);
	cr_assert_eq(nd, 0);
	free(d);
	/* Again (an answer lost), and one more: nothing twice, a body kept as first sent. */
	v[0] = event(1, 1, "member", "changed");
	v[2] = event(1, 3, "visit", "three");
	cr_assert_eq(hub_push(h, 1, v, 3, &d, &nd, &cause), 0, "%s", cause);
	free(d);
	v[0] = event(2, 1, "member", "of two");
	cr_assert_eq(hub_push(h, 2, v, 1, &d, &nd, &cause), 0, "%s", cause);
	free(d);
	cr_assert_eq(hub_pushed(h, 1, &top, &cause), 0, "%s", cause);
	cr_assert_eq(top, 3);

	cr_assert_eq(hub_pull(h, 2, 0, 10, &got, &n, &cause), 0, "%s", cause);
	cr_assert_eq(n, 3, "terminal 1's three, not terminal 2's own");
	cr_assert_eq(got[0].oseq, 1);
	cr_assert_eq(got[0].len, 3);
	cr_assert_eq(memcmp(got[0].body, "one", 3), 0);
	cr_assert_str_eq(got[1].kind, "visit");
	cr_assert_eq(got[2].oseq, 3);
	cr_assert_lt(got[0].seq, got[1].seq);
	cr_assert_lt(got[1].seq, got[2].seq);
	top = got[0].seq;
	hub_events_free(got, n);
	cr_assert_eq(hub_pull(h, 2, top, 1, &got, &n, &cause), 0, "%s", cause);
	cr_assert_eq(n, 1, "at most max, after the cursor");
	cr_assert_eq(got[0].oseq, 2);
	hub_events_free(got, n);
	hub_close(h);
}

Test(hub, a_reward_is_claimed_once_and_a_later_redemption_elsewhere_is_a_duplicate)
{
	struct hub_event	 e;
	struct hub_duplicate	*d;
	struct hub_claim	 first;
	struct hub		*h = fleet();
	char			*cause = NULL;
	size_t			 nd;

	cr_assert_eq(hub_claim(h, 77, 1, 1000, "desk 1", &first, &cause), 1, "%s", cause);
	cr_assert_eq(hub_claim(h, 77, 2, 1001, "desk 2", &first, &cause), 0, "%s", cause);
	cr_assert_eq(first.terminal, 1);
	cr_assert_eq(first.at, 1000);
	cr_assert_str_eq(first.till, "desk 1");

	/* Terminal 1 pushes its own redemption: the claim it made, no duplicate. */
	e = event(1, 1, "reward", "r");
	e.reward = 77;
	e.redeemed_at = 1000;
	cr_assert_eq(hub_push(h, 1, &e, 1, &d, &nd, &cause), 0, "%s", cause);
	cr_assert_eq(nd, 0);
	free(d);
	/* Terminal 2 redeemed it offline: a duplicate, with the first redemption. */
	e = event(2, 1, "reward", "r");
	e.reward = 77;
	e.redeemed_at = 1005;
	cr_assert_eq(hub_push(h, 2, &e, 1, &d, &nd, &cause), 0, "%s", cause);
	cr_assert_eq(nd, 1);
	cr_assert_eq(d[0].reward, 77);
	cr_assert_eq(d[0].at, 1005);
	cr_assert_eq(d[0].first.terminal, 1);
	cr_assert_eq(d[0].first.at, 1000);
	free(d);
	hub_close(h);
}
