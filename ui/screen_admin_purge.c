/*
 * screen_admin_purge — retention: what a purge would erase and expire now, and the button that
 * does it; afterwards, what it did.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_admin_purge_build(const struct journey *j, struct view *v)
{
	const struct journey_admin	*f = &j->figures;

	snprintf(v->title, sizeof v->title, "%s", _("Retention"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	view_add(v, VIEW_PARAGRAPH, f->done ? _("Retention was applied to:") :
	    _("A purge now erases these members (their consent records stay as evidence), asks "
	    "these consents again and expires these rewards:"), JOURNEY_EV_NONE, 0);
	view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Members not seen for %d days: %ld"),
	    j->shop->config->inactive_days, f->members_erased);
	view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Consents that have lapsed: %ld"),
	    f->consents_expired);
	view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Rewards past their date: %ld"),
	    f->rewards_expired);
	if (!f->done)
		view_add(v, VIEW_NOTE, _("Erasure cannot be undone."), JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	if (!f->done)
		view_add(v, VIEW_BUTTON, _("Purge now"), JOURNEY_EV_YES, 0)->primary = true;
}

const struct screen screen_admin_purge = {
	.step = JOURNEY_ADMIN_PURGE,
	.build = screen_admin_purge_build,
};
