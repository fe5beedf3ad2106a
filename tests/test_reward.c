/*
 * test_reward — the rules applied (welcome, completion challenge with its incentive notice, stamp
 * card, feedback, grants and limits) and the ledger: check, redeem exactly once, expiry with a
 * moved clock, revocation on erasure, forgeries, and two processes racing over the same codes.
 */
#include <criterion/criterion.h>

#include <ctype.h>

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "customer.h"
#include "helpers.h"
#include "reward.h"

static char		*dir;
static struct shop	*s;

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
}

static void
teardown(void)
{
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(reward, .init = setup, .fini = teardown);

#define MEMBER_JSON	"{\"language\":\"en\",\"interests\":[\"espresso\",\"pastries\"]}"
#define SHARER_JSON	"{\"language\":\"de\",\"interests\":[\"espresso\",\"pastries\"," \
			"\"live_music\"],\"incentives\":[\"complete_profile\"]}"

/* Enrol a document; the rewards it earned into *l, the uid into uid. */
static void
enroll(const char *json, char *uid, struct reward_list *l)
{
	helpers_enroll_rewards(s, json, HELPERS_NOW, uid, l);
}

static int
rule(const char *id)
{
	int	r = catalog_reward_find(s->catalog, id);

	cr_assert_geq(r, 0, "no rule %s", id);
	return r;
}

Test(reward, enrolment_earns_the_welcome_offer_in_the_same_transaction)
{
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1];

	enroll(MEMBER_JSON, uid, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.v[0].rule, rule("welcome"));
	cr_assert_eq(strlen(l.v[0].code), CODE_LEN);
	/* Valid for 30 days: through the end of 2026-03-31. */
	cr_assert_eq(l.v[0].expires, (time_t)1775001599);
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM rewards WHERE state = 'issued'", NULL), 1);
}

Test(reward, the_completion_challenge_pays_only_after_its_incentive_notice)
{
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1];

	/* Three interests in two categories, but the notice was not accepted: no pastry. */
	enroll("{\"language\":\"en\",\"interests\":[\"espresso\",\"pastries\",\"live_music\"]}",
	    uid, &l);
	cr_assert_eq(l.n, 1);
	/* With the notice accepted: the pastry, and the notice version shown is recorded. */
	enroll(SHARER_JSON, uid, &l);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.v[1].rule, rule("complete_profile"));
	cr_assert_eq(helpers_query_long(s, "SELECT incentive_version FROM rewards WHERE rule ="
	    " 'complete_profile'", NULL), 1);
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM notices WHERE notice = 'complete_profile'"
	    " AND language = 'de'", NULL), 1);
}

Test(reward, progress_counts_interests_and_their_categories)
{
	struct reward_progress	pr;
	bool			interests[CUSTOMER_MAX_INTERESTS] = { false };
	int			r = rule("complete_profile");

	interests[catalog_interest_find(s->catalog, "espresso")] = true;
	interests[catalog_interest_find(s->catalog, "decaf")] = true;
	reward_progress(s, r, interests, &pr);
	cr_assert_eq(pr.interests, 2);
	cr_assert_eq(pr.categories, 1);
	cr_assert_eq(pr.need_interests, 3);
	cr_assert_eq(pr.need_categories, 2);
	cr_assert_not(pr.done);
	interests[catalog_interest_find(s->catalog, "mugs")] = true;
	reward_progress(s, r, interests, &pr);
	cr_assert(pr.done);
}

Test(reward, a_profile_update_that_meets_the_challenge_earns_it_once)
{
	struct customer_enrolment	*e;
	struct reward_list		 l;
	char				 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	enroll(MEMBER_JSON, uid, &l);
	e = customer_enrolment_new();
	customer_profile_free(e->profile);
	cr_assert_eq(customer_load(s, uid, &e->profile, &cause), CUSTOMER_OK, "%s", cause);
	e->profile->interests[catalog_interest_find(s->catalog, "mugs")] = true;
	e->incentives[rule("complete_profile")] = true;
	cr_assert_eq(customer_update(s, uid, e, HELPERS_NOW + 60, &cause), CUSTOMER_OK, "%s",
	    cause);
	cr_assert_eq(e->rewards.n, 1);
	cr_assert_eq(e->rewards.v[0].rule, rule("complete_profile"));
	/* Met again by a later edit: nothing more. */
	e->profile->interests[catalog_interest_find(s->catalog, "tea")] = true;
	cr_assert_eq(customer_update(s, uid, e, HELPERS_NOW + 120, &cause), CUSTOMER_OK, "%s",
	    cause);
	cr_assert_eq(e->rewards.n, 0);
	customer_enrolment_free(e);
}

Test(reward, every_fifth_visit_issues_a_stamp_reward)
{
	struct reward_list	l, v;
	char			uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	long			count;
	int			i, stamps = 0;

	enroll(MEMBER_JSON, uid, &l);
	for (i = 1; i <= 10; i++) {
		v.n = 0;
		cr_assert_eq(reward_visit(s, uid, NULL, HELPERS_NOW + i * 3600, &count, &v, &cause),
		    0, "%s", cause);
		cr_assert_eq(count, i);
		cr_assert_eq(v.n, i % 5 == 0 ? 1u : 0u, "visit %d", i);
		if (v.n == 1) {
			cr_assert_eq(v.v[0].rule, rule("stamp_card"));
			stamps++;
		}
	}
	cr_assert_eq(stamps, 2);
	cr_assert_eq(helpers_query_long(s, "SELECT count(*) FROM visits", NULL), 10);
}

Test(reward, feedback_and_grants_respect_the_limit_per_member)
{
	struct reward_list	l, g;
	char			uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	enroll(MEMBER_JSON, uid, &l);
	g.n = 0;
	cr_assert_eq(reward_feedback(s, uid, 4, HELPERS_NOW, &g, &cause), 0, "%s", cause);
	cr_assert_eq(g.n, 1);
	cr_assert_eq(reward_feedback(s, uid, 5, HELPERS_NOW, &g, &cause), 0, "%s", cause);
	cr_assert_eq(g.n, 1, "feedback pays once (limit 1)");
	cr_assert_eq(helpers_query_long(s, "SELECT count(*) FROM feedback", NULL), 2);
	cr_assert_eq(reward_feedback(s, uid, 6, HELPERS_NOW, &g, &cause), CUSTOMER_INVALID);
	free(cause);
	cause = NULL;

	cr_assert_eq(reward_grant(s, uid, rule("welcome"), HELPERS_NOW, &g, &cause), 0,
	    "the welcome offer was had");
	cr_assert_eq(reward_grant(s, uid, rule("early_access"), HELPERS_NOW, &g, &cause), 1, "%s",
	    cause);
	cr_assert_eq(reward_grant(s, "NOSUCHMEMBER0000", rule("early_access"), HELPERS_NOW, &g,
	    &cause), CUSTOMER_NOT_FOUND);
	free(cause);
}

Test(reward, a_code_is_redeemed_once_and_then_says_when_and_where)
{
	struct reward_ticket	t;
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	enroll(MEMBER_JSON, uid, &l);
	cr_assert_eq(reward_check(s, l.v[0].code, HELPERS_NOW, &t, &cause), 0, "%s", cause);
	cr_assert_eq(t.status, REWARD_VALID);
	cr_assert_str_eq(t.rule_id, "welcome");
	cr_assert_eq(reward_check(s, l.v[0].code, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_VALID, "check changes nothing");

	cr_assert_eq(reward_redeem(s, l.v[0].code, "till 2", "anna", HELPERS_NOW + 60, &t,
	    &cause), 0, "%s", cause);
	cr_assert_eq(t.status, REWARD_REDEEMED);
	cr_assert_eq(reward_redeem(s, l.v[0].code, "till 3", NULL, HELPERS_NOW + 120, &t, &cause),
	    0);
	cr_assert_eq(t.status, REWARD_ALREADY);
	cr_assert_eq(t.redeemed_at, HELPERS_NOW + 60);
	cr_assert_str_eq(t.till, "till 2");
	cr_assert_str_eq(t.by, "anna");
	cr_assert_eq(reward_check(s, l.v[0].code, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_ALREADY);
}

Test(reward, expiry_follows_the_clock)
{
	struct reward_ticket	t;
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	enroll(MEMBER_JSON, uid, &l);
	cr_assert_eq(reward_check(s, l.v[0].code, l.v[0].expires, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_VALID, "valid through its last second");
	cr_assert_eq(reward_redeem(s, l.v[0].code, NULL, NULL, l.v[0].expires + 1, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_EXPIRED);
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM rewards WHERE state = 'issued'", NULL), 1,
	    "a refused redemption changes nothing");
}

Test(reward, erasure_revokes_what_was_outstanding)
{
	struct reward_ticket	t;
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	enroll(MEMBER_JSON, uid, &l);
	cr_assert_eq(customer_erase(s, uid, CONSENT_REQUEST, HELPERS_NOW, &cause), CUSTOMER_OK,
	    "%s", cause);
	cr_assert_eq(reward_redeem(s, l.v[0].code, NULL, NULL, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_REVOKED);
	cr_assert_str_eq(t.revoked_reason, "erased", "the ledger says why");
}

Test(reward, forged_unknown_and_mistyped_codes_are_told_apart)
{
	struct reward_ticket	t;
	struct reward_list	l;
	struct code_payload	p = { CODE_VERSION, 1, 999, 1, 3000 };
	unsigned char		other[32];
	char			uid[CUSTOMER_UID_LEN + 1], code[CODE_LEN + 1], *cause = NULL;

	enroll(MEMBER_JSON, uid, &l);
	randombytes_buf(other, sizeof other);
	code_make(&p, other, code);
	cr_assert_eq(reward_redeem(s, code, NULL, NULL, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_FORGED);

	code_make(&p, vault_code_key(s->vault), code);
	cr_assert_eq(reward_redeem(s, code, NULL, NULL, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_UNKNOWN, "genuine, but this ledger never issued serial 999");

	snprintf(code, sizeof code, "%s", l.v[0].code);
	code[10] = code[10] == 'A' ? 'B' : 'A';
	cr_assert_eq(reward_redeem(s, code, NULL, NULL, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_INVALID);
	cr_assert_eq(t.code_status, CODE_BAD_CHECK);
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM rewards WHERE state = 'redeemed'", NULL), 0);
}

Test(reward, a_held_serial_answers_only_to_its_own_code)
{
	struct reward_ticket	t;
	struct reward_list	l;
	struct code_payload	p;
	unsigned char		other[32];
	char			uid[CUSTOMER_UID_LEN + 1], code[CODE_LEN + 1], *cause = NULL;
	size_t			i;

	enroll(MEMBER_JSON, uid, &l);
	cr_assert_eq(code_parse(l.v[0].code, vault_code_key(s->vault), &p, NULL), CODE_OK);

	/* The same serial under our key, another expiry day: genuine, but not the code issued. */
	p.expiry_day++;
	code_make(&p, vault_code_key(s->vault), code);
	cr_assert_eq(reward_check(s, code, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_FORGED);
	cr_assert_eq(t.code_status, CODE_OK, "its tag is ours; the ledger says otherwise");

	/* The same serial and payload under another key: forged, and its text not kept. */
	p.expiry_day--;
	randombytes_buf(other, sizeof other);
	code_make(&p, other, code);
	cr_assert_eq(reward_redeem(s, code, NULL, NULL, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_FORGED);
	cr_assert_eq(t.code_status, CODE_FORGED);
	cr_assert_str_eq(t.code, "");

	/* The code as issued, typed in lower case, is the one the ledger holds. */
	for (i = 0; l.v[0].code[i] != '\0'; i++)
		code[i] = (char)tolower((unsigned char)l.v[0].code[i]);
	code[i] = '\0';
	cr_assert_str_neq(code, l.v[0].code);
	cr_assert_eq(reward_check(s, code, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_VALID);
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM rewards WHERE state = 'redeemed'", NULL), 0);
}

Test(reward, serials_never_repeat_and_codes_carry_the_terminal)
{
	struct reward_list	l;
	struct reward_ticket	t;
	char			uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	int			i;

	for (i = 0; i < 5; i++)
		enroll(MEMBER_JSON, uid, &l);
	cr_assert_eq(helpers_query_long(s, "SELECT count(DISTINCT serial) FROM rewards", NULL), 5);
	cr_assert_eq(helpers_query_long(s, "SELECT max(serial) FROM rewards", NULL), 5);
	cr_assert_eq(reward_check(s, l.v[0].code, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(t.payload.terminal, (unsigned)s->config->terminal_id);
	cr_assert_eq(t.payload.serial, 5);
}

/* Redeem every code in codes from a separate process with its own connection; the number of
 * codes this process redeemed is its exit status. */
static int
race_child(char codes[][CODE_LEN + 1], int n)
{
	struct shop_paths	 paths;
	struct reward_ticket	 t;
	struct shop		*mine;
	char			*cause = NULL;
	int			 code, i, won = 0;

	paths.db = helpers_path(dir, "store.db");
	paths.key_file = helpers_path(dir, "store.key");
	paths.config = HELPERS_CONFIG_DIR;
	paths.passphrase = NULL;
	if ((mine = shop_open(&paths, &code, &cause)) == NULL)
		_exit(255);
	for (i = 0; i < n; i++) {
		if (reward_redeem(mine, codes[i], "race", NULL, HELPERS_NOW, &t, &cause) != 0)
			_exit(254);
		won += t.status == REWARD_REDEEMED;
		if (t.status != REWARD_REDEEMED && t.status != REWARD_ALREADY)
			_exit(253);
	}
	shop_close(mine);
	_exit(won);
}

Test(reward, two_processes_racing_redeem_each_code_exactly_once)
{
	static char		codes[60][CODE_LEN + 1];
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1];
	pid_t			pid[2];
	int			i, status, total = 0;

	for (i = 0; i < 60; i++) {
		enroll(MEMBER_JSON, uid, &l);
		memcpy(codes[i], l.v[0].code, sizeof codes[i]);
	}
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		cr_assert_neq(pid[i], -1);
		if (pid[i] == 0)
			race_child(codes, 60);
	}
	for (i = 0; i < 2; i++) {
		cr_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
		cr_assert(WIFEXITED(status));
		cr_assert_lt(WEXITSTATUS(status), 253, "child failed: %d", WEXITSTATUS(status));
		total += WEXITSTATUS(status);
	}
	cr_assert_eq(total, 60, "each code redeemed once across both processes");
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM rewards WHERE state = 'redeemed'", NULL), 60);
}

Test(reward, lookups_list_outstanding_rewards_and_the_stamp_card)
{
	struct reward_ticket	t;
	struct reward_list	l, v;
	json_t			*o = json_object();
	char			uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	long			count;

	enroll(SHARER_JSON, uid, &l);
	cr_assert_eq(reward_redeem(s, l.v[0].code, NULL, NULL, HELPERS_NOW, &t, &cause), 0);
	v.n = 0;
	cr_assert_eq(reward_visit(s, uid, NULL, HELPERS_NOW, &count, &v, &cause), 0);
	cr_assert_eq(reward_visit(s, uid, NULL, HELPERS_NOW, &count, &v, &cause), 0);
	cr_assert_eq(reward_member_json(s, uid, HELPERS_NOW, true, o, &cause), 0, "%s", cause);
	cr_assert_eq(json_array_size(json_object_get(o, "rewards")), 1, "the welcome was used");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(o,
	    "rewards"), 0), "rule")), "complete_profile");
	json_t *card = json_object_get(json_object_get(o, "stamps"), "stamp_card");
	cr_assert_eq(json_integer_value(json_object_get(card, "visits")), 2);
	cr_assert_eq(json_integer_value(json_object_get(card, "to_next")), 3);
	json_decref(o);
}

Test(reward, the_ledger_keeps_every_code)
{
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1];

	enroll(MEMBER_JSON, uid, &l);
	cr_assert_neq(sqlite3_exec(store_db(s->store), "DELETE FROM rewards", NULL, NULL, NULL),
	    SQLITE_OK, "a trigger refuses to delete ledger rows");
	cr_assert_eq(helpers_query_long(s, "SELECT count(*) FROM rewards", NULL), 1);
}

static int	nproblems;
static char	problem[512];

/* Count verify's problems and keep the last. */
static void
collect(const char *what, void *arg)
{
	(void)arg;
	nproblems++;
	snprintf(problem, sizeof problem, "%s", what);
}

/* reward_verify at now after sql; the number of problems, the last in problem. */
static int
verify_after(const char *sql, time_t now)
{
	char	*cause = NULL;
	int	 n;

	cr_assert_eq(store_exec(s->store, sql, &cause), 0, "%s", cause);
	nproblems = 0;
	problem[0] = '\0';
	n = reward_verify(s, now, collect, NULL, &cause);
	cr_assert_geq(n, 0, "%s", cause);
	cr_assert_eq(n, nproblems);
	return n;
}

Test(reward, verify_names_a_ledger_row_that_is_not_its_code)
{
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1];

	enroll(MEMBER_JSON, uid, &l);
	cr_assert_eq(verify_after("SELECT 1", HELPERS_NOW), 0);
	/* A stretched expiry would make the till take a code past its day. */
	cr_assert_eq(verify_after("UPDATE rewards SET expires = expires + 86400", HELPERS_NOW), 1);
	cr_assert_not_null(strstr(problem, "reward 1:1: its expiry"), "%s", problem);
	cr_assert_eq(verify_after("UPDATE rewards SET expires = expires - 86400,"
	    " rule = 'complete_profile'", HELPERS_NOW), 1);
	cr_assert_not_null(strstr(problem, "reward 1:1: its rule"), "%s", problem);
	/* One symbol changed: the check symbol no longer matches. */
	cr_assert_eq(verify_after("UPDATE rewards SET rule = 'welcome',"
	    " code = substr(code, 1, 10) || CASE substr(code, 11, 1) WHEN 'A' THEN 'B' ELSE 'A'"
	    " END || substr(code, 12)", HELPERS_NOW), 1);
	cr_assert_not_null(strstr(problem, "reward 1:1: its code is damaged"), "%s", problem);
}

Test(reward, verify_wants_a_genuine_tag_only_on_a_code_the_till_would_take)
{
	struct reward_list	l;
	char			uid[CUSTOMER_UID_LEN + 1], sql[256], code[CODE_LEN + 1];
	struct code_payload	p;
	unsigned char		key[32] = { 1 };

	enroll(MEMBER_JSON, uid, &l);
	/* The same payload under another key: a well-formed code the store did not make. */
	cr_assert_eq(code_decode(l.v[0].code, &p, NULL), CODE_OK);
	code_make(&p, key, code);
	snprintf(sql, sizeof sql, "UPDATE rewards SET code = '%s'", code);
	cr_assert_eq(verify_after(sql, HELPERS_NOW), 1);
	cr_assert_not_null(strstr(problem, "reward 1:1: its code is not genuine"), "%s", problem);
	/* Past its day, or redeemed, it is never taken again: as a code of a replaced key. */
	cr_assert_eq(verify_after("SELECT 1", l.v[0].expires + 1), 0);
	cr_assert_eq(verify_after("UPDATE rewards SET state = 'revoked'", HELPERS_NOW), 0);
	cr_assert_eq(verify_after("UPDATE rewards SET state = 'redeemed'", HELPERS_NOW), 1,
	    "redeemed, but never said when");
	cr_assert_not_null(strstr(problem, "its state and its redemption disagree"), "%s", problem);
}
