/*
 * screen_contact — the contact fields the chosen channels need, and nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_contact_build(const struct journey *j, struct view *v)
{
	unsigned	need = journey_needed_fields(j);

	snprintf(v->title, sizeof v->title, "%s", _("How to reach you"));
	view_add(v, VIEW_NOTE, _("We only ask for what your choices need."), JOURNEY_EV_NONE, 0);
	if (need & (1u << JOURNEY_FIELD_EMAIL))
		screen_field(j, v, JOURNEY_FIELD_EMAIL, _("E-mail address"), false);
	if (need & (1u << JOURNEY_FIELD_PHONE))
		screen_field(j, v, JOURNEY_FIELD_PHONE, _("Phone number"), false);
	screen_field(j, v, JOURNEY_FIELD_NAME, _("Name (optional)"), false);
	view_add(v, j->field == JOURNEY_FIELD_PHONE ? VIEW_KEYPAD : VIEW_KEYBOARD, "",
	    JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Next"));
}

const struct screen screen_contact = {
	.step = JOURNEY_CONTACT,
	.build = screen_contact_build,
};
