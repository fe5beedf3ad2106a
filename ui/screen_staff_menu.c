/*
 * screen_staff_menu — what staff can do here; an admin also gets the store's figures, data and
 * people, and can leave the kiosk.  Hiding the admin entries is only courtesy: app.c asks the
 * store for the role again before any admin action.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_staff_menu_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Staff"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	view_add(v, VIEW_LINK, _("Staff-assisted sign-up"), JOURNEY_EV_JOIN, 0);
	view_add(v, VIEW_LINK, _("Redeem, look up a member, stamp a visit"), JOURNEY_EV_OPEN,
	    JOURNEY_DESK_READY);
	view_add(v, VIEW_LINK, _("Reprint a code"), JOURNEY_EV_CHOOSE, 0);
	view_add(v, VIEW_LINK, _("Print a test receipt"), JOURNEY_EV_PRINT, 0);
	if (j->admin) {
		view_add(v, VIEW_LINK, _("Dashboard"), JOURNEY_EV_OPEN, JOURNEY_ADMIN_DASHBOARD);
		view_add(v, VIEW_LINK, _("Retention: erase what is due"), JOURNEY_EV_OPEN,
		    JOURNEY_ADMIN_PURGE);
		view_add(v, VIEW_LINK, _("Export to the master data system"), JOURNEY_EV_OPEN,
		    JOURNEY_ADMIN_EXPORT);
		view_add(v, VIEW_LINK, _("Staff accounts"), JOURNEY_EV_OPEN, JOURNEY_ADMIN_STAFF);
		view_add(v, VIEW_LINK, _("Leave the kiosk"), JOURNEY_EV_YES, 0);
	}
	screen_message(j, v);
	screen_buttons(v, _("Back"), NULL);
}

const struct screen screen_staff_menu = {
	.step = JOURNEY_STAFF_MENU,
	.build = screen_staff_menu_build,
};
