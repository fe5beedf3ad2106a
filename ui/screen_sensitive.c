/*
 * screen_sensitive — the second, explicit confirmation of a sensitive purpose.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_sensitive_build(const struct journey *j, struct view *v)
{
	const struct catalog_purpose	*p = &j->shop->catalog->purposes[j->consent_index];

	snprintf(v->title, sizeof v->title, "%s", _("Sensitive data: please confirm once more"));
	view_add(v, VIEW_PARAGRAPH, screen_text(j, &p->title), JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_PARAGRAPH, _("This is special-category data, such as health or diet. "
	    "We only use it with your explicit consent, and you can withdraw it at any time."),
	    JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_PARAGRAPH, _("Do you explicitly consent?"), JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("No"), JOURNEY_EV_NO, 0);
	view_add(v, VIEW_BUTTON, _("Yes, I consent"), JOURNEY_EV_YES, 0);
}

const struct screen screen_sensitive = {
	.step = JOURNEY_SENSITIVE,
	.build = screen_sensitive_build,
};
