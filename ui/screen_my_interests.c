/*
 * screen_my_interests — a member edits their interests (the same list as at sign-up).
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_my_interests_build(const struct journey *j, struct view *v)
{
	screen_interest_list(j, v);
	screen_buttons(v, _("Back"), _("Save"));
}

const struct screen screen_my_interests = {
	.step = JOURNEY_MY_INTERESTS,
	.build = screen_my_interests_build,
};
