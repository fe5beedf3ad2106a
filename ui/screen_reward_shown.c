/*
 * screen_reward_shown — the reward: its QR code, the code for typing, print, the consent receipt.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_reward_shown_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Your reward"));
	screen_rewards(j, v, _("Thank you for joining. You are a member now."));
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Consent receipt: %s"), j->receipt);
	if (j->draft->profile->card[0] != '\0')
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Your card number: %s"),
		    j->draft->profile->card);
	screen_message(j, v);
	if (j->rewards.n > 0)
		view_add(v, VIEW_BUTTON, _("Print"), JOURNEY_EV_PRINT, 0);
	view_add(v, VIEW_BUTTON, _("Done"), JOURNEY_EV_NEXT, 0)->primary = true;
}

const struct screen screen_reward_shown = {
	.step = JOURNEY_REWARD,
	.build = screen_reward_shown_build,
};
