/*
 * screen_notice — the full notice of a purpose, the exact text the consent record points to.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_notice_build(const struct journey *j, struct view *v)
{
	const struct catalog_purpose	*p = &j->shop->catalog->purposes[j->consent_index];
	const char			*text = p->notice[j->lang].text;

	snprintf(v->title, sizeof v->title, "%s", screen_text(j, &p->title));
	view_add(v, VIEW_PARAGRAPH, text != NULL ? text : p->notice[0].text, JOURNEY_EV_NONE, 0);
	screen_buttons(v, _("Back"), NULL);
}

const struct screen screen_notice = {
	.step = JOURNEY_NOTICE,
	.build = screen_notice_build,
};
