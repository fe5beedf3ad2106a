/*
 * screen_intro — what we ask and why, and the customer's rights, short and plain.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_intro_build(const struct journey *j, struct view *v)
{
	(void)j;
	snprintf(v->title, sizeof v->title, "%s", _("What we ask and why"));
	view_add(v, VIEW_PARAGRAPH, _("We ask what you are interested in and how you would like "
	    "to hear from us, so that our offers suit you. Everything is optional."),
	    JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_PARAGRAPH, _("Each use of your data is asked separately and starts "
	    "off. Saying no costs you nothing: the rewards do not depend on it."),
	    JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_PARAGRAPH, _("You can see, change or withdraw every answer at any "
	    "time at this kiosk, take your data with you, or delete it."), JOURNEY_EV_NONE, 0);
	screen_buttons(v, _("Back"), _("Next"));
}

const struct screen screen_intro = {
	.step = JOURNEY_INTRO,
	.build = screen_intro_build,
};
