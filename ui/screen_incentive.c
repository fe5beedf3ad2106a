/*
 * screen_incentive — the financial-incentive notice, shown before a reward for data is accepted.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_incentive_build(const struct journey *j, struct view *v)
{
	const struct catalog	*cat = j->shop->catalog;
	size_t			 i;

	snprintf(v->title, sizeof v->title, "%s", _("A reward for your preferences"));
	for (i = 0; i < cat->nrewards; i++) {
		const struct catalog_reward *r = &cat->rewards[i];
		if (!r->has_incentive || r->trigger != CATALOG_TRIGGER_COMPLETION)
			continue;
		view_add(v, VIEW_PARAGRAPH, screen_text(j, &r->title), JOURNEY_EV_NONE, 0);
		view_add(v, VIEW_PARAGRAPH, r->incentive[j->lang].text != NULL ?
		    r->incentive[j->lang].text : r->incentive[0].text, JOURNEY_EV_NONE, 0);
		view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0,
		    _("We estimate the value of the data you share at %d.%02d EUR."),
		    r->data_value_cents / 100, r->data_value_cents % 100);
		break;
	}
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("No, thanks"), JOURNEY_EV_NO, 0);
	view_add(v, VIEW_BUTTON, _("Accept"), JOURNEY_EV_YES, 0);
}

const struct screen screen_incentive = {
	.step = JOURNEY_INCENTIVE,
	.build = screen_incentive_build,
};
