/*
 * screen_thanks — thanks, and back to the start.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_thanks_build(const struct journey *j, struct view *v)
{
	(void)j;
	snprintf(v->title, sizeof v->title, "%s", _("Thank you!"));
	view_add(v, VIEW_PARAGRAPH, _("You can change your answers at any time: scan your card "
	    "at this kiosk."), JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_BUTTON, _("Start again"), JOURNEY_EV_NEXT, 0)->primary = true;
}

const struct screen screen_thanks = {
	.step = JOURNEY_THANKS,
	.build = screen_thanks_build,
};
