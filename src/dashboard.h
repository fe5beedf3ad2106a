/*
 * dashboard — the figures of the admin dashboard, as plain data for the kiosk's screen: sign-ups
 * per day over the last 30 days, the opt-in rate of each purpose, the most chosen interests,
 * rewards issued and redeemed per week over the last 8 weeks, and the consents due for renewal.
 *
 * Every figure that describes fewer than ADMIN_MIN_FIGURE customers — none included — is
 * DASHBOARD_SUPPRESSED, by admin.c's one rule (admin_figure), so the struct never holds a small
 * figure for a screen to leak.  The figures about members (opt-ins, interests, renewals) are
 * admin_count's, over the live members; sign-ups and rewards count what happened, so a member
 * erased since still counts on the day they signed up, and their reward in the week it was
 * issued.  The one figure not suppressed is the number of damaged profiles: it tells the store's
 * health, not anyone's choices.
 *
 * Days are UTC calendar days, as everywhere in prefkiosk (util_day, reward expiry): day d runs
 * from d * 86400 to (d + 1) * 86400 - 1 seconds since the epoch.  The last 30 days are the day
 * of now and the 29 before it; the last 8 weeks are the 56 days ending with the day of now, in
 * runs of 7.
 */
#ifndef PREFKIOSK_DASHBOARD_H
#define PREFKIOSK_DASHBOARD_H

#include <stddef.h>
#include <time.h>

#include "admin.h"
#include "shop.h"

#define DASHBOARD_SUPPRESSED	ADMIN_SUPPRESSED	/* a figure below ADMIN_MIN_FIGURE */
#define DASHBOARD_DAYS		30
#define DASHBOARD_WEEKS		8
#define DASHBOARD_TOP		8	/* interests in the top list */

struct dashboard {
	time_t	 first_day;			/* the start of signups[0]'s day */
	time_t	 first_week;			/* the start of issued[0]'s first day */
	long	 members;			/* live members */
	long	 damaged;			/* live members whose profile does not open */
	long	 signups[DASHBOARD_DAYS];	/* the last is today */
	long	 issued[DASHBOARD_WEEKS];	/* rewards; the last week ends today */
	long	 redeemed[DASHBOARD_WEEKS];
	size_t	 npurposes;			/* by catalogue index: */
	long	 opted_in[CONSENT_MAX_PURPOSES];	/* members who gave it */
	int	 opt_in_percent[CONSENT_MAX_PURPOSES];	/* of the live members, rounded */
	long	 to_renew[CONSENT_MAX_PURPOSES];	/* given, but lapsed or to an older text */
	size_t	 ntop;
	int	 top[DASHBOARD_TOP];		/* interests by catalogue index, the most chosen
						 * first; suppressed ones after, in catalogue order */
	long	 top_count[DASHBOARD_TOP];
};

/* Fill d with the figures at now (opening every live member's profile).  0, or -1 and *cause
 * (English, for logs; never personal data), and then d is not to be shown. */
int	dashboard_load(struct shop *, time_t now, struct dashboard *d, char **cause);

#endif
