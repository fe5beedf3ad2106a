/*
 * screen_deleted — the confirmation that the data is gone.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_deleted_build(const struct journey *j, struct view *v)
{
	(void)j;
	snprintf(v->title, sizeof v->title, "%s", _("Your data has been deleted"));
	view_add(v, VIEW_PARAGRAPH, _("Thank you for having been with us."), JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_BUTTON, _("Done"), JOURNEY_EV_NEXT, 0)->primary = true;
}

const struct screen screen_deleted = {
	.step = JOURNEY_DELETED,
	.build = screen_deleted_build,
};
