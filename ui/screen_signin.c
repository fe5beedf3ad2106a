/*
 * screen_signin — a returning member: card scan, or card or phone number (then the PIN).
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_signin_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Welcome back"));
	view_add(v, VIEW_NOTE, _("Scan your card, or type your card or phone number"),
	    JOURNEY_EV_NONE, 0);
	screen_field(j, v, JOURNEY_FIELD_CARD, _("Card number"), false);
	screen_field(j, v, JOURNEY_FIELD_PHONE, _("Phone number"), false);
	view_add(v, VIEW_KEYPAD, "", JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Sign in"));
}

const struct screen screen_signin = {
	.step = JOURNEY_SIGNIN,
	.build = screen_signin_build,
};
