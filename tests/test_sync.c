/*
 * test_sync — a fleet without its hub: two or three stores sharing one key file exchange the
 * events their outboxes build, the way sync_run moves them through the hub, so that joining,
 * sealing, applying and every rule that settles a conflict are tested here; tests/cli/hub.sh
 * runs the same through a real PostgreSQL hub.
 */
#include <criterion/criterion.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "consent.h"
#include "customer.h"
#include "helpers.h"
#include "reward.h"
#include "shop.h"
#include "sync.h"
#include "util.h"

#define HUB_ID	((const unsigned char *)"0123456789abcdef")

static char		*dir;
static struct shop	*a, *b, *c;
static int64_t		 seq;	/* the "hub's" order */

static void
setup(void)
{
	dir = helpers_tmpdir();
	a = helpers_fleet_shop(dir, "a.db", "fleet.key", 1);
	b = helpers_fleet_shop(dir, "b.db", "fleet.key", 2);
	c = helpers_fleet_shop(dir, "c.db", "fleet.key", 3);
	seq = 0;
}

static void
teardown(void)
{
	shop_close(a);
	shop_close(b);
	shop_close(c);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(sync, .init = setup, .fini = teardown);

/* Everything in from's outbox, as the hub would hand it out (numbered in its order); the outbox
 * is then empty, as after a push.  Caller frees. */
static struct hub_event *
take(struct shop *from, size_t *n)
{
	struct hub_event	*v;
	char			*cause = NULL;
	size_t			 i;

	cr_assert_eq(sync_join_local(from, HUB_ID, &cause), 0, "%s", cause);
	cr_assert_eq(sync_outbox(from, 10000, &v, n, &cause), 0, "%s", cause);
	for (i = 0; i < *n; i++)
		v[i].seq = ++seq;
	if (*n > 0)
		cr_assert_eq(sync_outbox_done(from, v[*n - 1].oseq, &cause), 0, "%s", cause);
	return v;
}

/* Apply events to to; returns sync_apply's result, with *cause freed. */
static int
give(struct shop *to, const struct hub_event *v, size_t n, struct sync_result *r)
{
	struct sync_result	 mine;
	char			*cause = NULL;
	int			 rc;

	if (r == NULL)
		r = &mine;
	memset(r, 0, sizeof *r);
	cr_assert_eq(sync_join_local(to, HUB_ID, &cause), 0, "%s", cause);
	rc = sync_apply(to, v, n, r, &cause);
	if (rc != 0)
		cr_log_info("sync_apply: %s", cause);
	free(cause);
	return rc;
}

/* from's outbox to every store in to (NULL-terminated), as a sync of each would. */
static void
share(struct shop *from, struct shop *to1, struct shop *to2)
{
	struct hub_event	*v;
	size_t			 n;

	v = take(from, &n);
	cr_assert_eq(give(to1, v, n, NULL), 0);
	if (to2 != NULL)
		cr_assert_eq(give(to2, v, n, NULL), 0);
	hub_events_free(v, n);
}

static void
update(struct shop *s, const char *uid, const char *json, time_t now)
{
	struct customer_enrolment	*e = customer_enrolment_new();
	json_t				*doc = json_loads(json, 0, NULL);
	char				*cause = NULL;

	cr_assert_not_null(doc);
	customer_profile_free(e->profile);
	cr_assert_eq(customer_load(s, uid, &e->profile, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_eq(customer_update_from_json(s, doc, e, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_eq(customer_update(s, uid, e, now, &cause), CUSTOMER_OK, "%s", cause);
	customer_enrolment_free(e);
	json_decref(doc);
}

/* The uid of the member with this e-mail at s, or "" when none. */
static void
find_email(struct shop *s, const char *email, char *uid)
{
	char	*cause = NULL;

	uid[0] = '\0';
	if (customer_find(s, CONTACT_EMAIL, email, uid, &cause) != CUSTOMER_OK) {
		uid[0] = '\0';
		free(cause);
	}
}

static void
count_problems(const char *what, void *arg)
{
	(void)what;
	(*(int *)arg)++;
}

static int
problems(struct shop *s)
{
	char	*cause = NULL;
	int	 n = 0;

	cr_assert_geq(consent_verify(s, count_problems, &n, &cause), 0, "%s", cause);
	return n;
}

#define BO	"{\"language\":\"en\",\"email\":\"bo@example.org\",\"channels\":[\"email\"]," \
		"\"interests\":[\"espresso\"],\"consents\":{\"personalised_offers\":true}}"

Test(sync, joining_lists_everything_held_before_and_a_store_keeps_its_terminal)
{
	char	uid[17];
	size_t	n, i, members = 0, consents = 0, rewards = 0;
	struct hub_event *v;

	helpers_enroll(a, BO, HELPERS_NOW, uid);
	cr_assert_eq(a->config->terminal_id, 1);
	cr_assert_eq(b->config->terminal_id, 2);
	/* Before joining, nothing is listed: a store alone pays nothing for the fleet. */
	cr_assert_eq(helpers_query_long(a, "SELECT count(*) FROM outbox", NULL), 0);
	v = take(a, &n);
	for (i = 0; i < n; i++) {
		members += strcmp(v[i].kind, "member") == 0;
		consents += strcmp(v[i].kind, "consent") == 0;
		rewards += strcmp(v[i].kind, "reward") == 0;
		cr_assert_eq(v[i].origin, 1);
	}
	cr_assert_eq(members, 1);
	cr_assert_eq((long)consents, helpers_query_long(a, "SELECT count(*) FROM consent_records",
	    NULL));
	cr_assert_eq(rewards, 1, "the welcome offer");
	hub_events_free(v, n);
	/* After joining, a change is listed as it commits. */
	update(a, uid, "{\"interests\":[\"espresso\",\"pastries\"]}", HELPERS_NOW + 60);
	cr_assert_geq(helpers_query_long(a, "SELECT count(*) FROM outbox WHERE kind = 'member'",
	    NULL), 1);
}

Test(sync, events_are_sealed_and_open_only_where_they_were_made)
{
	struct hub_event	*v;
	size_t			 n, i;
	char			 uid[17];

	helpers_enroll(a, BO, HELPERS_NOW, uid);
	v = take(a, &n);
	for (i = 0; i < n; i++) {
		cr_assert_null(memmem(v[i].body, v[i].len, "bo@example.org", 14));
		cr_assert_null(memmem(v[i].body, v[i].len, uid, strlen(uid)),
		    "not even the pseudonymous id is readable on the hub");
	}
	/* An event moved to another place (number) does not open: nothing of the batch is
	 * applied and the cursor stays. */
	v[n - 1].oseq++;
	cr_assert_eq(give(b, v, n, NULL), -1);
	cr_assert_eq(helpers_query_long(b, "SELECT count(*) FROM customers", NULL), 0);
	cr_assert_eq(helpers_query_long(b, "SELECT count(*) FROM meta WHERE key = 'hub_cursor'",
	    NULL), 0);
	v[n - 1].oseq--;
	cr_assert_eq(give(b, v, n, NULL), 0);
	hub_events_free(v, n);
}

Test(sync, a_member_signed_up_at_one_terminal_is_known_at_another)
{
	struct consent_current	 cur;
	struct sync_result	 r;
	struct hub_event	*v;
	char			 uid[17], found[17], *cause = NULL;
	size_t			 n;

	helpers_enroll(a, BO, HELPERS_NOW, uid);
	v = take(a, &n);
	cr_assert_eq(give(b, v, n, &r), 0);
	cr_assert_eq(r.pulled, (long)n);
	cr_assert_eq(r.cursor, v[n - 1].seq);
	hub_events_free(v, n);
	find_email(b, "bo@example.org", found);
	cr_assert_str_eq(found, uid);
	cr_assert_eq(consent_current(b, uid, catalog_purpose_find(b->catalog,
	    "personalised_offers"), &cur, &cause), 0);
	cr_assert_eq(cur.state, CONSENT_GIVEN);
	cr_assert(consent_is_current(b, &cur, catalog_purpose_find(b->catalog,
	    "personalised_offers"), HELPERS_NOW + 60), "the notice text is known by its digest");
	cr_assert_eq(problems(b), 0);
	cr_assert_eq(helpers_query_long(b, "SELECT count(*) FROM fleet_consent", NULL),
	    helpers_query_long(a, "SELECT count(*) FROM consent_records", NULL));
	/* What b applied is not b's to share again. */
	cr_assert_eq(helpers_query_long(b, "SELECT count(*) FROM outbox", NULL), 0);
}

Test(sync, a_withdrawal_anywhere_is_the_latest_state_everywhere)
{
	struct consent_current	 cur;
	char			 uid[17], receipt[CONSENT_ID_LEN + 1], *cause = NULL;
	int			 p;

	helpers_enroll(a, BO, HELPERS_NOW, uid);
	share(a, b, c);
	p = catalog_purpose_find(b->catalog, "personalised_offers");
	cr_assert_eq(customer_consent(b, uid, p, CONSENT_WITHDRAWN, CONSENT_KIOSK, NULL, 0,
	    HELPERS_NOW + 100, receipt, &cause), CUSTOMER_OK, "%s", cause);
	share(b, a, c);
	cr_assert_eq(consent_current(a, uid, p, &cur, &cause), 0);
	cr_assert_eq(cur.state, CONSENT_WITHDRAWN);
	cr_assert_eq(consent_current(c, uid, p, &cur, &cause), 0);
	cr_assert_eq(cur.state, CONSENT_WITHDRAWN);
	cr_assert_eq(problems(a), 0);
	cr_assert_eq(problems(c), 0);
}

Test(sync, an_event_handed_out_again_is_applied_once_and_a_record_out_of_its_chain_refused)
{
	struct sync_result	 r;
	struct hub_event	*v, e;
	unsigned char		*plain;
	size_t			 n, i;
	char			 uid[17];
	long			 records;

	helpers_enroll(a, BO, HELPERS_NOW, uid);
	v = take(a, &n);
	cr_assert_eq(give(b, v, n, NULL), 0);
	/* A hub replaying everything: nothing applied twice, nothing refused. */
	records = helpers_query_long(b, "SELECT count(*) FROM fleet_consent", NULL);
	cr_assert_eq(give(b, v, n, &r), 0);
	cr_assert_eq(r.replayed, (long)n);
	cr_assert_eq(helpers_query_long(b, "SELECT count(*) FROM fleet_consent", NULL), records);
	/* A consent record sealed again under a new number (made with the key: the hub cannot)
	 * does not follow its chain: the batch is refused. */
	for (i = 0; i < n && strcmp(v[i].kind, "consent") != 0; i++)
		;
	cr_assert_lt(i, n);
	plain = util_secret_alloc(v[i].len);
	cr_assert_eq(vault_event_open(a->vault, 1, v[i].oseq, "consent", v[i].body, v[i].len,
	    plain), 0);
	e = v[i];
	e.oseq = v[n - 1].oseq + 1;
	e.seq = v[n - 1].seq + 1;
	e.body = util_xmalloc(v[i].len);
	vault_event_seal(a->vault, 1, e.oseq, "consent", plain, v[i].len - VAULT_SEAL_OVERHEAD,
	    e.body);
	util_secret_free(plain);
	cr_assert_eq(give(b, &e, 1, NULL), -1);
	free(e.body);
	hub_events_free(v, n);
	cr_assert_eq(helpers_query_long(b, "SELECT count(*) FROM fleet_consent", NULL), records);
	cr_assert_eq(problems(b), 0);
	/* An edited record of b's copy is found by verify. */
	cr_assert_eq(sqlite3_exec(store_db(b->store), "DROP TRIGGER fleet_consent_no_update;"
	    "UPDATE fleet_consent SET body = replace(body, 'given', 'refused') WHERE id = 1",
	    NULL, NULL, NULL), SQLITE_OK);
	cr_assert_gt(problems(b), 0);
}

Test(sync, the_newer_version_of_a_member_wins_on_every_terminal)
{
	struct customer_profile	*pa, *pb;
	char			 uid[17], *cause = NULL;

	helpers_enroll(a, BO, HELPERS_NOW, uid);
	share(a, b, NULL);
	/* Both change the member before they hear of each other; b's change is the later. */
	update(a, uid, "{\"interests\":[\"pastries\"]}", HELPERS_NOW + 10);
	update(b, uid, "{\"interests\":[\"decaf\"]}", HELPERS_NOW + 20);
	share(a, b, NULL);
	share(b, a, NULL);
	cr_assert_eq(customer_load(a, uid, &pa, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert_eq(customer_load(b, uid, &pb, &cause), CUSTOMER_OK, "%s", cause);
	cr_assert(pa->interests[catalog_interest_find(a->catalog, "decaf")]);
	cr_assert_not(pa->interests[catalog_interest_find(a->catalog, "pastries")]);
	cr_assert_eq(memcmp(pa->interests, pb->interests, sizeof pa->interests), 0);
	customer_profile_free(pa);
	customer_profile_free(pb);
}

Test(sync, a_sign_in_value_two_members_claim_stays_with_the_first_to_sign_up)
{
	struct sync_result	 r;
	struct hub_event	*va, *vb;
	char			 first[17], second[17], found[17];
	size_t			 na, nb;

	/* The same e-mail at two terminals, offline: a's member signed up first.  Both push
	 * before either pulls. */
	helpers_enroll(a, BO, HELPERS_NOW, first);
	helpers_enroll(b, BO, HELPERS_NOW + 30, second);
	va = take(a, &na);
	vb = take(b, &nb);
	cr_assert_eq(give(b, va, na, &r), 0);
	cr_assert_eq(r.conflicts, 1);
	cr_assert_eq(give(a, vb, nb, &r), 0);
	cr_assert_eq(r.conflicts, 1);
	cr_assert_eq(give(c, vb, nb, NULL), 0, "the later member first, at c");
	cr_assert_eq(give(c, va, na, &r), 0);
	cr_assert_eq(r.conflicts, 1);
	hub_events_free(va, na);
	hub_events_free(vb, nb);
	find_email(a, "bo@example.org", found);
	cr_assert_str_eq(found, first);
	find_email(b, "bo@example.org", found);
	cr_assert_str_eq(found, first);
	find_email(c, "bo@example.org", found);
	cr_assert_str_eq(found, first);
	/* The second is still a member, at every terminal. */
	cr_assert_eq(helpers_query_long(c, "SELECT count(*) FROM customers WHERE uid = ?1",
	    second), 1);
}

Test(sync, an_erasure_anywhere_destroys_the_key_and_indexes_everywhere)
{
	char	uid[17], found[17], *cause = NULL;

	helpers_enroll(a, BO, HELPERS_NOW, uid);
	share(a, b, c);
	/* b changes the member after a erased it, before b heard: erasure still wins. */
	cr_assert_eq(customer_erase(a, uid, CONSENT_REQUEST, HELPERS_NOW + 50, &cause),
	    CUSTOMER_OK, "%s", cause);
	update(b, uid, "{\"interests\":[\"decaf\"]}", HELPERS_NOW + 60);
	share(b, a, c);
	share(a, b, c);
	find_email(b, "bo@example.org", found);
	cr_assert_str_eq(found, "");
	cr_assert_eq(helpers_query_long(b, "SELECT count(*) FROM customers WHERE uid = ?1 AND"
	    " data_key IS NULL AND profile IS NULL AND email_index IS NULL AND card_index IS NULL"
	    " AND erased IS NOT NULL", uid), 1);
	cr_assert_eq(helpers_query_long(c, "SELECT count(*) FROM customers WHERE uid = ?1 AND"
	    " data_key IS NULL AND profile IS NULL AND erased IS NOT NULL", uid), 1);
	cr_assert_eq(helpers_query_long(a, "SELECT count(*) FROM customers WHERE uid = ?1 AND"
	    " data_key IS NULL AND profile IS NULL", uid), 1, "b's change did not bring it back");
	cr_assert_eq(helpers_query_long(c, "SELECT count(*) FROM rewards WHERE state = 'issued'",
	    NULL), 0, "its outstanding rewards are revoked");
}

Test(sync, a_reward_redeemed_at_one_terminal_is_redeemed_at_all)
{
	struct reward_list	 l;
	struct reward_ticket	 t;
	char			 uid[17], *cause = NULL;

	helpers_enroll_rewards(a, BO, HELPERS_NOW, uid, &l);
	cr_assert_geq(l.n, 1);
	share(a, b, c);
	cr_assert_eq(reward_check(b, l.v[0].code, HELPERS_NOW + 1, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_VALID, "the code printed at a is known at b");
	cr_assert_eq(reward_redeem(b, l.v[0].code, "desk", NULL, HELPERS_NOW + 5, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_REDEEMED);
	share(b, a, c);
	cr_assert_eq(reward_check(a, l.v[0].code, HELPERS_NOW + 6, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_ALREADY);
	cr_assert_eq(t.terminal, 2);
	cr_assert_str_eq(t.till, "desk");
	cr_assert_eq(reward_check(c, l.v[0].code, HELPERS_NOW + 6, &t, &cause), 0);
	cr_assert_eq(t.status, REWARD_ALREADY);
}

Test(sync, of_two_offline_redemptions_every_terminal_keeps_the_earlier)
{
	struct reward_list	 l;
	struct reward_ticket	 t;
	char			 uid[17], *cause = NULL;

	helpers_enroll_rewards(a, BO, HELPERS_NOW, uid, &l);
	share(a, b, c);
	cr_assert_eq(reward_redeem(b, l.v[0].code, "b", NULL, HELPERS_NOW + 9, &t, &cause), 0);
	cr_assert_eq(reward_redeem(a, l.v[0].code, "a", NULL, HELPERS_NOW + 7, &t, &cause), 0);
	share(b, a, c);
	share(a, b, c);
	cr_assert_eq(reward_check(a, l.v[0].code, HELPERS_NOW + 20, &t, &cause), 0);
	cr_assert_str_eq(t.till, "a");
	cr_assert_eq(t.redeemed_at, HELPERS_NOW + 7);
	cr_assert_eq(reward_check(b, l.v[0].code, HELPERS_NOW + 20, &t, &cause), 0);
	cr_assert_str_eq(t.till, "a");
	cr_assert_eq(reward_check(c, l.v[0].code, HELPERS_NOW + 20, &t, &cause), 0);
	cr_assert_str_eq(t.till, "a");
	cr_assert_eq(t.redeemed_at, HELPERS_NOW + 7);
}

/* No hub to ask (nothing listens on a socket in the scratch directory): the code is unknown
 * here, and nothing was synced or freed that was not there. */
Test(sync, a_code_from_elsewhere_scanned_out_of_the_hubs_reach_is_unknown_here)
{
	struct reward_list	 l;
	struct reward_ticket	 t;
	struct fleet		*f;
	char			 uid[17], *conninfo, *cause = NULL;

	helpers_enroll_rewards(a, BO, HELPERS_NOW, uid, &l);
	cr_assert_geq(l.n, 1);
	conninfo = util_xprintf("host=%s port=1 dbname=none connect_timeout=2", dir);
	cr_assert_not_null(f = fleet_open(b, conninfo));
	cr_assert_eq(fleet_redeem(f, l.v[0].code, "desk", NULL, HELPERS_NOW + 5, &t, &cause), 0,
	    "%s", cause);
	cr_assert_eq(t.status, REWARD_UNKNOWN, "b has not heard of a's code");
	cr_assert_eq(helpers_query_long(b, "SELECT count(*) FROM rewards", NULL), 0);
	fleet_close(f);
	free(conninfo);
}

Test(sync, a_visit_elsewhere_keeps_a_member_from_the_retention_purge)
{
	struct reward_list	 l = { .n = 0 };
	char			 uid[17], *cause = NULL;
	long			 count;

	helpers_enroll(a, BO, HELPERS_NOW, uid);
	share(a, b, NULL);
	cr_assert_eq(reward_visit(b, uid, NULL, HELPERS_NOW + 86400, &count, &l, &cause), 0,
	    "%s", cause);
	share(b, a, NULL);
	cr_assert_eq(helpers_query_long(a, "SELECT last_seen FROM customers WHERE uid = ?1", uid),
	    (long)(HELPERS_NOW + 86400));
	cr_assert_eq(helpers_query_long(a, "SELECT count(*) FROM visits v JOIN customers c ON"
	    " c.id = v.customer WHERE c.uid = ?1 AND v.terminal = 2", uid), 1);
}

Test(sync, a_store_belongs_to_one_hub)
{
	char	*cause = NULL;

	cr_assert_eq(sync_join_local(a, HUB_ID, &cause), 0, "%s", cause);
	cr_assert_eq(sync_join_local(a, (const unsigned char *)"fedcba9876543210", &cause), -1);
	cr_assert_not_null(strstr(cause, "another hub"), "%s", cause);
	free(cause);
}
