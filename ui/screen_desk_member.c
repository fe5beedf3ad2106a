/*
 * screen_desk_member — a member's card at the desk: first name, stamp card, rewards, stamp this visit.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"
#include "util.h"

static void
screen_desk_member_build(const struct journey *j, struct view *v)
{
	const struct customer_profile	*p = j->draft->profile;
	const struct catalog		*cat = j->shop->catalog;
	char				 day[11];
	size_t				 i;

	/* The first name only: the till does not need more of who this is. */
	snprintf(v->title, sizeof v->title, "%.*s", (int)strcspn(p->name, " "), p->name);
	if (v->title[0] == '\0')
		snprintf(v->title, sizeof v->title, "%s", _("Member"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	if (j->stamps_every > 0)
		view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Stamp card: %ld of %ld visits"),
		    j->stamps, j->stamps_every);
	if (j->rewards.n == 0)
		view_add(v, VIEW_NOTE, _("No rewards to redeem right now."), JOURNEY_EV_NONE, 0);
	for (i = 0; i < j->rewards.n; i++) {
		const struct reward_issued *r = &j->rewards.v[i];
		util_day(r->expires, day);
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("%s (valid until %s)"),
		    r->rule >= 0 && (size_t)r->rule < cat->nrewards ?
		    screen_text(j, &cat->rewards[r->rule].title) : "?", day);
	}
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("Stamp this visit"), JOURNEY_EV_YES, 0)->primary = true;
}

const struct screen screen_desk_member = {
	.step = JOURNEY_DESK_MEMBER,
	.build = screen_desk_member_build,
};
