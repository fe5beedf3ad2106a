/*
 * test_dashboard — the admin dashboard's figures on a store filled at injected times: sign-ups
 * by UTC day with the 30-day edges, opt-in rates and renewals, the top interests, rewards
 * issued and redeemed by week with the week edges, erased members and a damaged profile; and
 * every figure of 1 to 4 (and 0) suppressed while 5 is shown.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "dashboard.h"
#include "helpers.h"
#include "reward.h"
#include "util.h"

/* The start of HELPERS_NOW's day (2026-03-01T00:00:00Z). */
#define TODAY	(HELPERS_NOW - HELPERS_NOW % UTIL_DAY)

static char		*dir;
static struct shop	*s;
static struct dashboard	 d;

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	memset(&d, 0, sizeof d);
}

static void
teardown(void)
{
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(dashboard, .init = setup, .fini = teardown);

/* Enrol n members at when, each with an e-mail address and the interest; the first `given`
 * give e-mail marketing.  Their uids go to uids (n of them) when it is not NULL. */
static void
members(int n, int given, const char *interest, time_t when, char (*uids)[CUSTOMER_UID_LEN + 1])
{
	static int	serial;
	char		json[320], uid[CUSTOMER_UID_LEN + 1];
	int		i;

	for (i = 0; i < n; i++) {
		snprintf(json, sizeof json, "{\"email\":\"m%d@example.org\",\"language\":\"en\","
		    "\"channels\":[\"email\"],\"interests\":[\"%s\"],"
		    "\"consents\":{\"email_marketing\":%s}}", serial++, interest,
		    i < given ? "true" : "false");
		helpers_enroll(s, json, when, uid);
		if (uids != NULL)
			memcpy(uids[i], uid, sizeof uid);
	}
}

static void
load(time_t now)
{
	char	*cause = NULL;

	cr_assert_eq(dashboard_load(s, now, &d, &cause), 0, "%s", cause);
}

/* Redeem a member's welcome reward at when. */
static void
redeem(const char *uid, time_t when)
{
	struct reward_list	 l;
	struct reward_ticket	 t;
	long			 stamps, every;
	char			*cause = NULL;

	cr_assert_eq(reward_outstanding(s, uid, when, &l, &stamps, &every, &cause), 0, "%s",
	    cause);
	cr_assert_eq(l.n, 1, "the welcome offer");
	cr_assert_eq(reward_redeem(s, l.v[0].code, "till", NULL, when, &t, &cause), 0, "%s",
	    cause);
	cr_assert_eq(t.status, REWARD_REDEEMED);
}

static int
purpose(const char *id)
{
	return catalog_purpose_find(s->catalog, id);
}

static int
interest(const char *id)
{
	return catalog_interest_find(s->catalog, id);
}

Test(dashboard, sign_ups_fall_on_their_utc_day_and_the_thirtieth_day_back_is_out)
{
	int	i;

	members(5, 0, "espresso", TODAY, NULL);			/* today's first second */
	members(6, 0, "espresso", TODAY - 29 * UTIL_DAY, NULL);	/* the first day shown */
	members(7, 0, "espresso", TODAY - 29 * UTIL_DAY - 1, NULL);	/* 30 days ago: out */
	members(5, 0, "espresso", TODAY - 9 * UTIL_DAY - 1, NULL);	/* the last second of a day */
	members(3, 0, "espresso", TODAY - 5 * UTIL_DAY, NULL);
	load(HELPERS_NOW);
	cr_assert_eq(d.first_day, TODAY - 29 * UTIL_DAY);
	cr_assert_eq(d.signups[DASHBOARD_DAYS - 1], 5, "today is the last day");
	cr_assert_eq(d.signups[0], 6, "29 days ago is the first");
	cr_assert_eq(d.signups[DASHBOARD_DAYS - 11], 5, "a day's last second is that day's");
	cr_assert_eq(d.signups[DASHBOARD_DAYS - 6], DASHBOARD_SUPPRESSED, "3 sign-ups: not shown");
	for (i = 1; i < DASHBOARD_DAYS - 1; i++)
		if (i != DASHBOARD_DAYS - 11)
			cr_assert_eq(d.signups[i], DASHBOARD_SUPPRESSED,
			    "day %d: nobody (or 3) is a figure below 5, not 0", i);
	cr_assert_eq(d.members, 26, "the member count has no window");
}

Test(dashboard, opt_in_rates_are_shown_from_five_members_and_suppressed_below)
{
	members(6, 6, "espresso", HELPERS_NOW, NULL);
	members(2, 0, "espresso", HELPERS_NOW, NULL);
	load(HELPERS_NOW);
	cr_assert_eq(d.npurposes, s->catalog->npurposes);
	cr_assert_eq(d.members, 8);
	cr_assert_eq(d.opted_in[purpose("email_marketing")], 6);
	cr_assert_eq(d.opt_in_percent[purpose("email_marketing")], 75);
	cr_assert_eq(d.opted_in[purpose("personalised_offers")], DASHBOARD_SUPPRESSED);
	cr_assert_eq(d.opt_in_percent[purpose("personalised_offers")], DASHBOARD_SUPPRESSED,
	    "nobody opted in: no rate, not 0%%");
}

Test(dashboard, four_opt_ins_are_suppressed_and_five_are_shown)
{
	members(4, 4, "espresso", HELPERS_NOW, NULL);
	load(HELPERS_NOW);
	cr_assert_eq(d.members, DASHBOARD_SUPPRESSED);
	cr_assert_eq(d.opted_in[purpose("email_marketing")], DASHBOARD_SUPPRESSED);
	cr_assert_eq(d.opt_in_percent[purpose("email_marketing")], DASHBOARD_SUPPRESSED);
	cr_assert_eq(d.signups[DASHBOARD_DAYS - 1], DASHBOARD_SUPPRESSED);
	members(1, 1, "espresso", HELPERS_NOW, NULL);
	load(HELPERS_NOW);
	cr_assert_eq(d.members, 5);
	cr_assert_eq(d.opted_in[purpose("email_marketing")], 5);
	cr_assert_eq(d.opt_in_percent[purpose("email_marketing")], 100);
	cr_assert_eq(d.signups[DASHBOARD_DAYS - 1], 5);
}

Test(dashboard, consents_past_their_validity_are_due_for_renewal)
{
	time_t	later = HELPERS_NOW + (time_t)400 * UTIL_DAY;	/* past 365 days */

	members(7, 7, "espresso", HELPERS_NOW, NULL);
	load(HELPERS_NOW);
	cr_assert_eq(d.to_renew[purpose("email_marketing")], DASHBOARD_SUPPRESSED,
	    "none due yet");
	load(later);
	cr_assert_eq(d.to_renew[purpose("email_marketing")], 7);
	cr_assert_eq(d.to_renew[purpose("personalised_offers")], DASHBOARD_SUPPRESSED,
	    "refused: nothing to renew");
}

Test(dashboard, the_top_interests_rank_shown_figures_and_never_small_ones)
{
	members(7, 0, "tea", HELPERS_NOW, NULL);
	members(6, 0, "pastries", HELPERS_NOW, NULL);
	members(5, 0, "lunch", HELPERS_NOW, NULL);
	members(4, 0, "decaf", HELPERS_NOW, NULL);
	load(HELPERS_NOW);
	cr_assert_eq(d.ntop, DASHBOARD_TOP);
	cr_assert_eq(d.top[0], interest("tea"));
	cr_assert_eq(d.top_count[0], 7);
	cr_assert_eq(d.top[1], interest("pastries"));
	cr_assert_eq(d.top_count[1], 6);
	cr_assert_eq(d.top[2], interest("lunch"));
	cr_assert_eq(d.top_count[2], 5);
	/* Decaf's 4 ranks it no higher than espresso's 0: catalogue order. */
	cr_assert_eq(d.top[3], interest("espresso"));
	cr_assert_eq(d.top_count[3], DASHBOARD_SUPPRESSED);
	cr_assert_eq(d.top[4], interest("filter_coffee"));
	cr_assert_eq(d.top[5], interest("decaf"));
	cr_assert_eq(d.top_count[5], DASHBOARD_SUPPRESSED);
}

Test(dashboard, rewards_are_issued_and_redeemed_in_weeks_ending_today)
{
	char	uids[6][CUSTOMER_UID_LEN + 1];
	int	i;

	members(6, 0, "tea", TODAY - 6 * UTIL_DAY - 1, uids);	/* week 6's last second */
	members(5, 0, "tea", TODAY - 6 * UTIL_DAY, NULL);	/* week 7's first second */
	members(5, 0, "tea", TODAY - 55 * UTIL_DAY, NULL);	/* week 0's first second */
	members(4, 0, "tea", TODAY - 55 * UTIL_DAY - 1, NULL);	/* the day before: out */
	redeem(uids[0], TODAY - 6 * UTIL_DAY - 1);		/* week 6 */
	for (i = 1; i < 6; i++)
		redeem(uids[i], HELPERS_NOW);			/* week 7 */
	load(HELPERS_NOW);
	cr_assert_eq(d.first_week, TODAY - 55 * UTIL_DAY);
	cr_assert_eq(d.issued[7], 5, "the week ending today");
	cr_assert_eq(d.issued[6], 6);
	cr_assert_eq(d.issued[0], 5, "the first day of the first week");
	for (i = 1; i < 6; i++)
		cr_assert_eq(d.issued[i], DASHBOARD_SUPPRESSED, "week %d", i);
	cr_assert_eq(d.redeemed[7], 5);
	cr_assert_eq(d.redeemed[6], DASHBOARD_SUPPRESSED, "1 redemption is not shown");
}

Test(dashboard, erased_members_leave_the_figures_of_members_but_not_what_happened)
{
	char	 uids[7][CUSTOMER_UID_LEN + 1], *cause = NULL;

	members(7, 7, "tea", HELPERS_NOW, uids);
	cr_assert_eq(customer_erase(s, uids[0], CONSENT_KIOSK, HELPERS_NOW, &cause), CUSTOMER_OK,
	    "%s", cause);
	cr_assert_eq(customer_erase(s, uids[1], CONSENT_KIOSK, HELPERS_NOW, &cause), CUSTOMER_OK,
	    "%s", cause);
	load(HELPERS_NOW);
	cr_assert_eq(d.members, 5);
	cr_assert_eq(d.opted_in[purpose("email_marketing")], 5);
	cr_assert_eq(d.opt_in_percent[purpose("email_marketing")], 100);
	cr_assert_eq(d.top[0], interest("tea"));
	cr_assert_eq(d.top_count[0], 5);
	cr_assert_eq(d.signups[DASHBOARD_DAYS - 1], 7, "they did sign up that day");
	cr_assert_eq(d.issued[DASHBOARD_WEEKS - 1], 7, "and their rewards were issued");
	cr_assert_eq(d.damaged, 0, "an erased member is not a damaged one");
}

Test(dashboard, a_damaged_profile_is_counted_as_damaged)
{
	char	 uids[6][CUSTOMER_UID_LEN + 1], sql[160];

	members(6, 6, "tea", HELPERS_NOW, uids);
	/* One sealed profile overwritten with zeros: it no longer opens. */
	snprintf(sql, sizeof sql, "UPDATE customers SET profile = zeroblob(length(profile))"
	    " WHERE uid = '%s'", uids[2]);
	cr_assert_eq(sqlite3_exec(store_db(s->store), sql, NULL, NULL, NULL), SQLITE_OK);
	load(HELPERS_NOW);
	cr_assert_eq(d.damaged, 1);
	cr_assert_eq(d.members, 6, "still a member");
	cr_assert_eq(d.top_count[0], 5, "the interests of the 5 that open");
	cr_assert_eq(d.opted_in[purpose("email_marketing")], 6, "consents are not sealed");
}

Test(dashboard, a_store_it_cannot_read_gives_a_reason)
{
	char	*cause = NULL;

	members(5, 0, "tea", HELPERS_NOW, NULL);
	cr_assert_eq(sqlite3_exec(store_db(s->store), "ALTER TABLE rewards RENAME TO ledger",
	    NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(dashboard_load(s, HELPERS_NOW, &d, &cause), -1);
	cr_assert_not_null(cause);
	cr_assert_not_null(strstr(cause, "cannot count for the dashboard"), "%s", cause);
	cr_assert_null(strstr(cause, "example.org"), "no personal data in a reason");
	free(cause);
}
