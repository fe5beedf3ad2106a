/*
 * screen_admin_staff_add — a new account: name, role, and its PIN twice.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_admin_staff_add_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Add an account"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	screen_field(j, v, JOURNEY_FIELD_NAME, _("Name"), false);
	view_add(v, VIEW_RADIO, _("Staff"), JOURNEY_EV_TOGGLE, STAFF_ROLE_STAFF)->on =
	    j->figures.role == STAFF_ROLE_STAFF;
	view_add(v, VIEW_RADIO, _("Admin"), JOURNEY_EV_TOGGLE, STAFF_ROLE_ADMIN)->on =
	    j->figures.role == STAFF_ROLE_ADMIN;
	screen_field(j, v, JOURNEY_FIELD_PIN, _("PIN"), true);
	screen_field(j, v, JOURNEY_FIELD_PIN2, _("PIN again"), true);
	view_add(v, j->field == JOURNEY_FIELD_NAME ? VIEW_KEYBOARD : VIEW_KEYPAD, "",
	    JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Add"));
}

const struct screen screen_admin_staff_add = {
	.step = JOURNEY_ADMIN_STAFF_ADD,
	.build = screen_admin_staff_add_build,
};
