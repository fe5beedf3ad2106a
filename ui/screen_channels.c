/*
 * screen_channels — how to reach you: channels, each with its frequencies.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_channels_build(const struct journey *j, struct view *v)
{
	const struct catalog	*cat = j->shop->catalog;
	size_t			 i, k;

	snprintf(v->title, sizeof v->title, "%s", _("How to reach you"));
	view_add(v, VIEW_NOTE, _("Fewer messages is a fine choice: pick only what you want."),
	    JOURNEY_EV_NONE, 0);
	for (i = 0; i < cat->nchannels; i++) {
		int f = j->draft->profile->channels[i];
		view_add(v, VIEW_CHECK, screen_text(j, &cat->channels[i].title), JOURNEY_EV_TOGGLE,
		    (int)i)->on = f != CUSTOMER_NO_CHANNEL;
		if (f == CUSTOMER_NO_CHANNEL)
			continue;
		for (k = 0; k < cat->channels[i].nfrequencies; k++) {
			size_t fi = cat->channels[i].frequencies[k];
			struct view_item *it = view_add(v, VIEW_RADIO,
			    screen_text(j, &cat->frequencies[fi].title), JOURNEY_EV_CHOOSE,
			    (int)(i * CATALOG_MAX_FREQUENCIES + k));
			it->on = f == (int)fi;
			it->column = 1;
		}
	}
	screen_buttons(v, _("Back"), _("Next"));
}

const struct screen screen_channels = {
	.step = JOURNEY_CHANNELS,
	.build = screen_channels_build,
};
