/*
 * screen_my_rewards — the member's rewards still to redeem; any one shown again as a QR.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_my_rewards_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("My rewards"));
	screen_rewards(j, v, _("No rewards to redeem right now."));
	if (j->stamps_every > 0)
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Stamp card: %ld of %ld visits"),
		    j->stamps, j->stamps_every);
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	if (j->rewards.n > 0)
		view_add(v, VIEW_BUTTON, _("Print"), JOURNEY_EV_PRINT, 0);
}

const struct screen screen_my_rewards = {
	.step = JOURNEY_MY_REWARDS,
	.build = screen_my_rewards_build,
};
