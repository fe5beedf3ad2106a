/*
 * dashboard — the admin dashboard's figures: admin_count for what members chose, three counts
 * by day for what happened (sign-ups, rewards issued, rewards redeemed), each figure passed
 * through admin_figure before it is kept.
 *
 * A count by day is one query that groups rows by their bucket, (time / 86400 - first day) /
 * days per bucket, over the rows from the first day up to the end of today; the buckets no row
 * fell in stay 0, and are suppressed like any figure below 5.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "util.h"

/* The counts by day: ?1 the first day (days since the epoch), ?2 days per bucket, ?3 the end
 * of today (seconds); the bucket and its count. */
static const char dashboard_sql_signups[] =
    "SELECT (created / 86400 - ?1) / ?2, count(*) FROM customers"
    " WHERE created >= ?1 * 86400 AND created < ?3 GROUP BY 1";
static const char dashboard_sql_issued[] =
    "SELECT (issued / 86400 - ?1) / ?2, count(*) FROM rewards"
    " WHERE issued >= ?1 * 86400 AND issued < ?3 GROUP BY 1";
static const char dashboard_sql_redeemed[] =
    "SELECT (redeemed_at / 86400 - ?1) / ?2, count(*) FROM rewards"
    " WHERE redeemed_at >= ?1 * 86400 AND redeemed_at < ?3 GROUP BY 1";

/* Count the rows of sql into n buckets of per days from first (a day's start) up to end, each
 * figure suppressed. */
static int
dashboard_buckets(struct shop *s, const char *sql, time_t first, int per, time_t end, long *out,
    int n, char **cause)
{
	sqlite3_stmt	*stmt;
	long		 b;
	int		 rc, i;

	for (i = 0; i < n; i++)
		out[i] = 0;
	if (sqlite3_prepare_v2(store_db(s->store), sql, -1, &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot count for the dashboard");
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)(first / UTIL_DAY));
	sqlite3_bind_int(stmt, 2, per);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)end);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		b = (long)sqlite3_column_int64(stmt, 0);
		if (b >= 0 && b < n)
			out[b] = (long)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot count for the dashboard");
	for (i = 0; i < n; i++)
		out[i] = admin_figure(out[i]);
	return 0;
}

/*
 * The most chosen interests.  A suppressed count must not order anything, so each interest
 * ranks by its figure as shown: the suppressed ones all alike, after the others, in catalogue
 * order.
 */
static void
dashboard_top(const struct catalog *cat, const struct admin_counts *c, struct dashboard *d)
{
	bool	taken[CUSTOMER_MAX_INTERESTS] = { false };
	long	figure, best_figure;
	size_t	i;
	int	best;

	for (d->ntop = 0; d->ntop < DASHBOARD_TOP && d->ntop < cat->ninterests; d->ntop++) {
		best = -1;
		best_figure = 0;
		for (i = 0; i < cat->ninterests; i++) {
			figure = admin_figure(c->interests[i]);
			if (!taken[i] && (best < 0 || figure > best_figure)) {
				best = (int)i;
				best_figure = figure;
			}
		}
		taken[best] = true;
		d->top[d->ntop] = best;
		d->top_count[d->ntop] = best_figure;
	}
}

int
dashboard_load(struct shop *s, time_t now, struct dashboard *d, char **cause)
{
	struct admin_counts	*c = util_xcalloc(1, sizeof *c);
	time_t			 today = now - now % UTIL_DAY, end = today + UTIL_DAY;
	double			 rate;
	size_t			 i;
	int			 rc = -1;

	memset(d, 0, sizeof *d);
	d->first_day = today - (DASHBOARD_DAYS - 1) * UTIL_DAY;
	d->first_week = today - (7 * DASHBOARD_WEEKS - 1) * UTIL_DAY;
	if (admin_count(s, now, c, cause) != 0 ||
	    dashboard_buckets(s, dashboard_sql_signups, d->first_day, 1, end, d->signups,
	    DASHBOARD_DAYS, cause) != 0 ||
	    dashboard_buckets(s, dashboard_sql_issued, d->first_week, 7, end, d->issued,
	    DASHBOARD_WEEKS, cause) != 0 ||
	    dashboard_buckets(s, dashboard_sql_redeemed, d->first_week, 7, end, d->redeemed,
	    DASHBOARD_WEEKS, cause) != 0)
		goto out;
	d->members = admin_figure(c->members);
	d->damaged = c->damaged;
	d->npurposes = s->catalog->npurposes;
	for (i = 0; i < d->npurposes; i++) {
		d->opted_in[i] = admin_figure(c->consents[i][CONSENT_GIVEN]);
		rate = admin_opt_in_rate(c, (int)i);
		d->opt_in_percent[i] = rate < 0 ? DASHBOARD_SUPPRESSED : (int)(rate * 100 + 0.5);
		d->to_renew[i] = admin_figure(c->consents[i][ADMIN_TO_RENEW]);
	}
	dashboard_top(s->catalog, c, d);
	rc = 0;
out:
	free(c);
	return rc;
}
