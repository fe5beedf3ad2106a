/*
 * screen_desk_result — what a code turned out to be, large: colour, symbol and words.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"
#include "util.h"

static void
screen_desk_result_build(const struct journey *j, struct view *v)
{
	const struct reward_ticket	*t = &j->ticket;
	char				 when[21], day[11];

	snprintf(v->title, sizeof v->title, "%s", _("Loyalty desk"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	switch (t->status) {
	case REWARD_REDEEMED:
		view_add(v, VIEW_BANNER, _("REDEEMED"), JOURNEY_EV_NONE, VIEW_GOOD);
		if (t->rule >= 0)
			view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Hand over: %s"),
			    screen_text(j, &j->shop->catalog->rewards[t->rule].title));
		if (t->offline)
			view_add(v, VIEW_NOTE, _("Redeemed without the hub, which cannot be reached: "
			    "it hears of it at the next sync."), JOURNEY_EV_NONE, 0);
		break;
	case REWARD_ALREADY:
		view_add(v, VIEW_BANNER, _("ALREADY REDEEMED"), JOURNEY_EV_NONE, VIEW_WARN);
		util_iso8601(t->redeemed_at, when);
		if (t->terminal >= 0 && t->terminal != j->shop->config->terminal_id)
			view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0,
			    _("Redeemed on %s at terminal %d (%s)."), when, t->terminal,
			    t->till[0] != '\0' ? t->till : "?");
		else
			view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Redeemed on %s at %s."),
			    when, t->till[0] != '\0' ? t->till : "?");
		break;
	case REWARD_OFFLINE:
		view_add(v, VIEW_BANNER, _("HUB UNREACHABLE"), JOURNEY_EV_NONE, VIEW_WARN);
		view_add(v, VIEW_PARAGRAPH, _("Nothing was redeemed: this shop redeems only when "
		    "the hub can decide, and it cannot be reached. The code stays valid: try again "
		    "in a moment."), JOURNEY_EV_NONE, 0);
		break;
	case REWARD_EXPIRED:
		view_add(v, VIEW_BANNER, _("EXPIRED"), JOURNEY_EV_NONE, VIEW_WARN);
		util_day(t->expires, day);
		view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("It was valid until %s."), day);
		break;
	case REWARD_REVOKED:
		view_add(v, VIEW_BANNER, _("REVOKED"), JOURNEY_EV_NONE, VIEW_BAD);
		view_add(v, VIEW_PARAGRAPH, _("This reward was withdrawn."), JOURNEY_EV_NONE, 0);
		break;
	case REWARD_UNKNOWN:
		view_add(v, VIEW_BANNER, _("NOT IN THIS LEDGER"), JOURNEY_EV_NONE, VIEW_BAD);
		view_add(v, VIEW_PARAGRAPH, _("A genuine code from another terminal that this desk "
		    "does not know yet."), JOURNEY_EV_NONE, 0);
		break;
	default:
		view_add(v, VIEW_BANNER, _("NOT GENUINE"), JOURNEY_EV_NONE, VIEW_BAD);
		view_add(v, VIEW_PARAGRAPH, t->code_status == CODE_BAD_CHECK ?
		    _("Mistyped or misread: check the code and try again.") :
		    _("Do not hand anything over."), JOURNEY_EV_NONE, 0);
	}
	/* The code itself: two scans of the same kind of reward look different. */
	if (t->code[0] != '\0') {
		char grouped[CODE_GROUPED_LEN + 1];
		code_group(t->code, grouped);
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Code: %s"), grouped);
	}
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Next"), JOURNEY_EV_NEXT, 0)->primary = true;
}

const struct screen screen_desk_result = {
	.step = JOURNEY_DESK_RESULT,
	.build = screen_desk_result_build,
};
