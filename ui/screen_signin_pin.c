/*
 * screen_signin_pin — the member's PIN.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_signin_pin_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Enter your PIN"));
	screen_field(j, v, JOURNEY_FIELD_PIN, _("PIN"), true);
	view_add(v, VIEW_KEYPAD, "", JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Sign in"));
}

const struct screen screen_signin_pin = {
	.step = JOURNEY_SIGNIN_PIN,
	.build = screen_signin_pin_build,
};
