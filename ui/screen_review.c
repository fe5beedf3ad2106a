/*
 * screen_review — every answer on one screen, each editable.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_review_build(const struct journey *j, struct view *v)
{
	const struct catalog		*cat = j->shop->catalog;
	const struct customer_profile	*p = j->draft->profile;
	char				 line[VIEW_TEXT_MAX];
	size_t				 i, n = 0;

	snprintf(v->title, sizeof v->title, "%s", _("Review your answers"));
	line[0] = '\0';
	for (i = 0; i < cat->ninterests; i++)
		if (p->interests[i])
			n += (size_t)snprintf(line + n, n < sizeof line ? sizeof line - n : 0,
			    "%s%s", n > 0 ? ", " : "", screen_text(j, &cat->interests[i].title));
	view_addf(v, VIEW_LINK, JOURNEY_EV_EDIT, JOURNEY_INTERESTS, "%s: %s", _("Your interests"),
	    n > 0 ? line : _("none"));
	for (i = 0, n = 0, line[0] = '\0'; i < cat->nchannels; i++)
		if (p->channels[i] != CUSTOMER_NO_CHANNEL)
			n += (size_t)snprintf(line + n, n < sizeof line ? sizeof line - n : 0,
			    "%s%s", n > 0 ? ", " : "", screen_text(j, &cat->channels[i].title));
	view_addf(v, VIEW_LINK, JOURNEY_EV_EDIT, JOURNEY_CHANNELS, "%s: %s",
	    _("How to reach you"), n > 0 ? line : _("none"));
	if (p->email[0] != '\0')
		view_addf(v, VIEW_LINK, JOURNEY_EV_EDIT, JOURNEY_CONTACT, "%s: %s",
		    _("E-mail address"), p->email);
	if (p->phone[0] != '\0')
		view_addf(v, VIEW_LINK, JOURNEY_EV_EDIT, JOURNEY_CONTACT, "%s: %s",
		    _("Phone number"), p->phone);
	for (i = 0; i < cat->npurposes; i++)
		view_addf(v, VIEW_LINK, JOURNEY_EV_EDIT, 100 + (int)i, "%s: %s",
		    screen_text(j, &cat->purposes[i].title),
		    j->draft->consents[i] == CONSENT_GIVEN ? _("Yes") : _("No"));
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Next"));
}

const struct screen screen_review = {
	.step = JOURNEY_REVIEW,
	.build = screen_review_build,
};
