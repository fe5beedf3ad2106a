/*
 * screen_admin_staff — the staff accounts: each one (choose it to remove it), and "add".
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_admin_staff_build(const struct journey *j, struct view *v)
{
	const struct journey_admin	*f = &j->figures;
	const struct staff_info		*si;
	int				 i;

	snprintf(v->title, sizeof v->title, "%s", _("Staff accounts"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	view_add(v, VIEW_NOTE, _("Choose an account to remove it."), JOURNEY_EV_NONE, 0);
	for (i = 0; i < f->nstaff; i++) {
		si = &f->staff[i];
		view_addf(v, VIEW_LINK, JOURNEY_EV_CHOOSE, i, "%s  %s%s", si->name,
		    si->role == STAFF_ROLE_ADMIN ? _("admin") : _("staff"),
		    si->locked_until > j->last_activity ? _(" (locked)") : "");
	}
	if (f->nstaff == JOURNEY_STAFF_MAX)
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("The first %d accounts are shown: "
		    "prefkiosk staff list shows them all."), JOURNEY_STAFF_MAX);
	view_add(v, VIEW_LINK, _("Add an account"), JOURNEY_EV_JOIN, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), NULL);
}

const struct screen screen_admin_staff = {
	.step = JOURNEY_ADMIN_STAFF,
	.build = screen_admin_staff_build,
};
