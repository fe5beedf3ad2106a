/*
 * screen_delete — delete me: an explicit confirmation before crypto-shredding.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_delete_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Delete me"));
	view_add(v, VIEW_PARAGRAPH, _("Do you really want to delete all your data?"),
	    JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_PARAGRAPH, _("Your key is destroyed, so your data can never be read "
	    "again; your rewards are cancelled. The record of your consent decisions stays, "
	    "without your name or contact details, because the law asks us to prove them."),
	    JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_PARAGRAPH, _("This cannot be undone."), JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("No, keep my data"), JOURNEY_EV_NO, 0);
	view_add(v, VIEW_BUTTON, _("Yes, delete everything"), JOURNEY_EV_YES, 0);
}

const struct screen screen_delete = {
	.step = JOURNEY_DELETE,
	.build = screen_delete_build,
};
