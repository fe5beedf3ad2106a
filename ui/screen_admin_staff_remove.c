/*
 * screen_admin_staff_remove — confirm removing the chosen account.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_admin_staff_remove_build(const struct journey *j, struct view *v)
{
	const struct staff_info	*si = &j->figures.staff[j->figures.chosen];

	snprintf(v->title, sizeof v->title, "%s", _("Remove an account"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0,
	    _("Remove the account %s? Its PIN stops working at once."), si->name);
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Keep it"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("Remove"), JOURNEY_EV_YES, 0)->primary = true;
}

const struct screen screen_admin_staff_remove = {
	.step = JOURNEY_ADMIN_STAFF_REMOVE,
	.build = screen_admin_staff_remove_build,
};
