/*
 * screen_member — the member's home: rewards, interests, consents, data, delete.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_member_build(const struct journey *j, struct view *v)
{
	const struct customer_profile	*p = j->draft->profile;

	if (p->name[0] != '\0')
		snprintf(v->title, sizeof v->title, _("Welcome back, %s"), p->name);
	else
		snprintf(v->title, sizeof v->title, "%s", _("Welcome back"));
	screen_message(j, v);
	view_addf(v, VIEW_LINK, JOURNEY_EV_CHOOSE, 0, "%s (%zu)", _("My rewards"), j->rewards.n);
	view_add(v, VIEW_LINK, _("My interests"), JOURNEY_EV_CHOOSE, 1);
	view_add(v, VIEW_LINK, _("My consents"), JOURNEY_EV_CHOOSE, 2);
	view_add(v, VIEW_LINK, _("My data"), JOURNEY_EV_CHOOSE, 3);
	view_add(v, VIEW_LINK, _("Delete me"), JOURNEY_EV_CHOOSE, 4);
	view_add(v, VIEW_BUTTON, _("Sign out"), JOURNEY_EV_BACK, 0)->primary = true;
}

const struct screen screen_member = {
	.step = JOURNEY_MEMBER,
	.build = screen_member_build,
};
