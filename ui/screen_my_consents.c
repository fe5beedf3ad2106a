/*
 * screen_my_consents — every purpose with its state, each changed in one step; withdraw all in one step.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_my_consents_build(const struct journey *j, struct view *v)
{
	const struct catalog	*cat = j->shop->catalog;
	size_t			 i;

	snprintf(v->title, sizeof v->title, "%s", _("My consents"));
	for (i = 0; i < cat->npurposes; i++)
		view_add(v, VIEW_CHECK, screen_text(j, &cat->purposes[i].title), JOURNEY_EV_TOGGLE,
		    (int)i)->on = j->draft->consents[i] == CONSENT_GIVEN;
	if (j->receipt[0] != '\0')
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Consent receipt: %s"), j->receipt);
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("Withdraw all"), JOURNEY_EV_NO, 0);
}

const struct screen screen_my_consents = {
	.step = JOURNEY_MY_CONSENTS,
	.build = screen_my_consents_build,
};
