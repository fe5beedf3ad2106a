/*
 * screen_desk_ready — the desk waits for a scan; a code or card number can be typed too.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"
#include "util.h"

static void
screen_desk_ready_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Loyalty desk"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	view_add(v, VIEW_PARAGRAPH, _("Scan a reward code or a member card."), JOURNEY_EV_NONE,
	    0);
	screen_field(j, v, JOURNEY_FIELD_NAME, _("Or type a code, card, phone number or e-mail"),
	    false);
	view_add(v, VIEW_KEYBOARD, "", JOURNEY_EV_NONE, 0);
	/* Staff see whether the fleet is in step before they trust a "not in this ledger". */
	if (j->fleet) {
		char when[21] = "";
		if (j->fleet_synced != 0)
			util_iso8601(j->fleet_synced, when);
		if (j->fleet_failing && when[0] != '\0')
			view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Hub: cannot be reached; last "
			    "sync %s."), when);
		else if (j->fleet_failing)
			view_add(v, VIEW_NOTE, _("Hub: cannot be reached yet."), JOURNEY_EV_NONE, 0);
		else if (when[0] != '\0')
			view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Hub: in step, last sync %s."),
			    when);
		else
			view_add(v, VIEW_NOTE, _("Hub: first sync under way."), JOURNEY_EV_NONE, 0);
	}
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, j->desk ? _("Sign out") : _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("Check"), JOURNEY_EV_NEXT, 0)->primary = true;
}

const struct screen screen_desk_ready = {
	.step = JOURNEY_DESK_READY,
	.build = screen_desk_ready_build,
};
