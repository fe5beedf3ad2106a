/*
 * screen_interests — interests by category, with the completion challenge's progress.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_interests_build(const struct journey *j, struct view *v)
{
	screen_interest_list(j, v);
	screen_buttons(v, _("Back"), _("Next"));
}

const struct screen screen_interests = {
	.step = JOURNEY_INTERESTS,
	.build = screen_interests_build,
};
