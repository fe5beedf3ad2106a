/*
 * screen_pin — a PIN for coming back, typed twice; or none, and the card alone signs in.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_pin_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Choose a PIN"));
	view_add(v, VIEW_NOTE, _("With your card or phone number and this PIN you can come back "
	    "to see and change your answers."), JOURNEY_EV_NONE, 0);
	screen_field(j, v, JOURNEY_FIELD_PIN, _("PIN (4 to 12 digits)"), true);
	screen_field(j, v, JOURNEY_FIELD_PIN2, _("The same PIN again"), true);
	view_add(v, VIEW_LINK, _("No PIN: my card is enough"), JOURNEY_EV_NO, 0);
	view_add(v, VIEW_KEYPAD, "", JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Done"));
}

const struct screen screen_pin = {
	.step = JOURNEY_PIN,
	.build = screen_pin_build,
};
