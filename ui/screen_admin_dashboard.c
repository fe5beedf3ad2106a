/*
 * screen_admin_dashboard — an admin's figures as charts: sign-ups per day over 30 days as
 * columns; the opt-in rate of each purpose, the top interests, rewards issued and redeemed per
 * week, and the consents due for renewal as bars with their figures.  A suppressed figure reads
 * "<5" beside a hatched bar, never its value.  Each chart has a heading where the focus stops,
 * so Tab pages through them on a small screen.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"
#include "util.h"

/* A figure in words: the count, or "<5". */
static void
screen_admin_dashboard_figure(long n, char *out, size_t size)
{
	if (n == DASHBOARD_SUPPRESSED)
		snprintf(out, size, "<%d", ADMIN_MIN_FIGURE);
	else
		snprintf(out, size, "%ld", n);
}

/* A chart's value: the figure, or hatched. */
static long
screen_admin_dashboard_value(long n)
{
	return n == DASHBOARD_SUPPRESSED ? VIEW_SUPPRESSED : n;
}

/* A bar of a chart whose full length is max. */
static struct view_item *
screen_admin_dashboard_bar(struct view *v, const char *label, long n, long max, int column)
{
	struct view_item	*it = view_add(v, VIEW_BAR, label, JOURNEY_EV_NONE, 0);

	it->value = screen_admin_dashboard_value(n);
	it->max = max;
	it->column = column;
	screen_admin_dashboard_figure(n, it->figure, sizeof it->figure);
	return it;
}

/* The largest figure of n shown (suppressed ones count for nothing). */
static long
screen_admin_dashboard_max(const long *figures, size_t n)
{
	long	max = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		if (figures[i] > max)
			max = figures[i];
	return max;
}

/* Sign-ups per day: the column chart, labelled with each day's month and day. */
static void
screen_admin_dashboard_signups(const struct dashboard *d, struct view *v)
{
	char	day[11], legend[128];
	int	i;

	view_addf(v, VIEW_HEADING, JOURNEY_EV_NONE, 0, _("Sign-ups per day, last %d days"),
	    DASHBOARD_DAYS);
	for (i = 0; i < DASHBOARD_DAYS && i < VIEW_MAX_COLUMNS; i++) {
		v->columns[i] = screen_admin_dashboard_value(d->signups[i]);
		util_day(d->first_day + i * UTIL_DAY, day);
		util_copy(v->column_labels[i], sizeof v->column_labels[i], day + 5);
	}
	v->ncolumns = i;
	snprintf(legend, sizeof legend, "<%d: ", ADMIN_MIN_FIGURE);
	snprintf(legend + strlen(legend), sizeof legend - strlen(legend),
	    _("fewer than %d members, not shown"), ADMIN_MIN_FIGURE);
	view_add(v, VIEW_COLUMNS, legend, JOURNEY_EV_NONE, 0);
}

/* Rewards per week: issued on the left of each row, redeemed on the right, on one scale. */
static void
screen_admin_dashboard_rewards(const struct dashboard *d, struct view *v)
{
	long	max = screen_admin_dashboard_max(d->issued, DASHBOARD_WEEKS);
	char	day[11];
	int	w;

	if (screen_admin_dashboard_max(d->redeemed, DASHBOARD_WEEKS) > max)
		max = screen_admin_dashboard_max(d->redeemed, DASHBOARD_WEEKS);
	view_addf(v, VIEW_HEADING, JOURNEY_EV_NONE, 0,
	    _("Rewards per week, last %d weeks: issued (left) and redeemed (right)"),
	    DASHBOARD_WEEKS);
	for (w = 0; w < DASHBOARD_WEEKS; w++) {
		util_day(d->first_week + (time_t)w * 7 * UTIL_DAY, day);
		screen_admin_dashboard_bar(v, day + 5, d->issued[w], max, 1);
		screen_admin_dashboard_bar(v, "", d->redeemed[w], max, 2);
	}
}

static void
screen_admin_dashboard_build(const struct journey *j, struct view *v)
{
	const struct dashboard	*d = j->dashboard;
	const struct catalog	*cat = j->shop->catalog;
	struct view_item	*it;
	char			 figure[24];
	size_t			 i;

	snprintf(v->title, sizeof v->title, "%s", _("Dashboard"));
	if (d == NULL) {
		view_add(v, VIEW_PARAGRAPH, _("The figures could not be read."), JOURNEY_EV_NONE, 0);
		screen_message(j, v);
		screen_buttons(v, _("Back"), NULL);
		return;
	}
	screen_admin_dashboard_figure(d->members, figure, sizeof figure);
	snprintf(v->status, sizeof v->status, _("Members: %s"), figure);
	if (d->damaged > 0)
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Members whose data could not be "
		    "read: %ld (run prefkiosk verify)"), d->damaged);
	screen_admin_dashboard_signups(d, v);

	view_add(v, VIEW_HEADING, _("Opt-in rate per purpose"), JOURNEY_EV_NONE, 0);
	for (i = 0; i < d->npurposes && i < cat->npurposes; i++) {
		it = screen_admin_dashboard_bar(v, screen_text(j, &cat->purposes[i].title),
		    d->opt_in_percent[i], 100, 0);
		if (d->opt_in_percent[i] != DASHBOARD_SUPPRESSED)
			snprintf(it->figure, sizeof it->figure, "%d%% (%ld)", d->opt_in_percent[i],
			    d->opted_in[i]);
	}

	view_add(v, VIEW_HEADING, _("Top interests"), JOURNEY_EV_NONE, 0);
	for (i = 0; i < d->ntop; i++)
		if (d->top[i] >= 0 && (size_t)d->top[i] < cat->ninterests)
			screen_admin_dashboard_bar(v, screen_text(j, &cat->interests[d->top[i]].title),
			    d->top_count[i], screen_admin_dashboard_max(d->top_count, d->ntop), 0);

	screen_admin_dashboard_rewards(d, v);

	view_add(v, VIEW_HEADING, _("Consents due for renewal"), JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_NOTE, _("Given, but past their validity or to an older notice text: asked "
	    "again at the next visit."), JOURNEY_EV_NONE, 0);
	for (i = 0; i < d->npurposes && i < cat->npurposes; i++)
		screen_admin_dashboard_bar(v, screen_text(j, &cat->purposes[i].title),
		    d->to_renew[i], screen_admin_dashboard_max(d->to_renew, d->npurposes), 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), NULL);
}

const struct screen screen_admin_dashboard = {
	.step = JOURNEY_ADMIN_DASHBOARD,
	.build = screen_admin_dashboard_build,
};
