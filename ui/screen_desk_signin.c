/*
 * screen_desk_signin — the desk's sign-in: a staff name (unless --staff named one) and PIN.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"
#include "util.h"

static void
screen_desk_signin_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Loyalty desk"));
	view_add(v, VIEW_NOTE, _("Sign in to redeem rewards and stamp visits."), JOURNEY_EV_NONE, 0);
	screen_field(j, v, JOURNEY_FIELD_NAME, _("Name"), false);
	screen_field(j, v, JOURNEY_FIELD_PIN, _("PIN"), true);
	view_add(v, j->field == JOURNEY_FIELD_PIN ? VIEW_KEYPAD : VIEW_KEYBOARD, "",
	    JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Sign in"), JOURNEY_EV_NEXT, 0)->primary = true;
}

const struct screen screen_desk_signin = {
	.step = JOURNEY_DESK_SIGNIN,
	.build = screen_desk_signin_build,
};
