/*
 * screen_staff — the staff gate: a staff name and PIN.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_staff_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Staff"));
	screen_field(j, v, JOURNEY_FIELD_NAME, _("Name"), false);
	screen_field(j, v, JOURNEY_FIELD_PIN, _("PIN"), true);
	view_add(v, j->field == JOURNEY_FIELD_PIN ? VIEW_KEYPAD : VIEW_KEYBOARD, "",
	    JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Next"));
}

const struct screen screen_staff = {
	.step = JOURNEY_STAFF,
	.build = screen_staff_build,
};
