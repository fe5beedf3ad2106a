/*
 * screen_card — the member card: scan one, type its number, or get a new one.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_card_build(const struct journey *j, struct view *v)
{
	snprintf(v->title, sizeof v->title, "%s", _("Your card"));
	view_add(v, VIEW_NOTE, _("Scan your card or type its number"), JOURNEY_EV_NONE, 0);
	screen_field(j, v, JOURNEY_FIELD_CARD, _("Card number"), false);
	view_add(v, VIEW_LINK, _("I have no card: give me a new number"), JOURNEY_EV_CHOOSE, 0);
	view_add(v, VIEW_KEYPAD, "", JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	screen_buttons(v, _("Back"), _("Next"));
}

const struct screen screen_card = {
	.step = JOURNEY_CARD,
	.build = screen_card_build,
};
