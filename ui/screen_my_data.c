/*
 * screen_my_data — everything held about the member, readable.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_my_data_build(const struct journey *j, struct view *v)
{
	const struct catalog		*cat = j->shop->catalog;
	const struct customer_profile	*p = j->draft->profile;
	size_t				 i;

	snprintf(v->title, sizeof v->title, "%s", _("My data"));
	if (p->name[0] != '\0')
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("Name"), p->name);
	if (p->email[0] != '\0')
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("E-mail address"),
		    p->email);
	if (p->phone[0] != '\0')
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("Phone number"), p->phone);
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("Card number"), p->card);
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("PIN"),
	    p->pin_hash[0] != '\0' ? _("set (stored only as a hash)") : _("none"));
	for (i = 0; i < cat->ninterests; i++)
		if (p->interests[i])
			view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("Interest"),
			    screen_text(j, &cat->interests[i].title));
	for (i = 0; i < cat->nchannels; i++)
		if (p->channels[i] != CUSTOMER_NO_CHANNEL)
			view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("Channel"),
			    screen_text(j, &cat->channels[i].title));
	for (i = 0; i < cat->npurposes; i++)
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s",
		    screen_text(j, &cat->purposes[i].title),
		    j->draft->consents[i] == CONSENT_GIVEN ? _("On") : _("Off"));
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %zu", _("Rewards to redeem"),
	    j->rewards.n);
	view_add(v, VIEW_PARAGRAPH, _("A machine-readable copy of everything is available from "
	    "our staff."), JOURNEY_EV_NONE, 0);
	screen_buttons(v, _("Back"), NULL);
}

const struct screen screen_my_data = {
	.step = JOURNEY_MY_DATA,
	.build = screen_my_data_build,
};
