/*
 * screen_staff_reprint — staff print a reward's slip again: the code scanned or typed.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_staff_reprint_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Reprint a code"));
	view_add(v, VIEW_NOTE, _("Scan the code, or type it."), JOURNEY_EV_NONE, 0);
	screen_field(j, v, JOURNEY_FIELD_NAME, _("Code"), false);
	view_add(v, VIEW_KEYBOARD, "", JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Print"));
}

const struct screen screen_staff_reprint = {
	.step = JOURNEY_STAFF_REPRINT,
	.build = screen_staff_reprint_build,
};
