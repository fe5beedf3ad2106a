/*
 * screen_my_data — everything held about the member, readable.
 */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include <sodium.h>

#include "screens.h"
#include "slip.h"

static void
screen_my_data_build(const struct journey *j, struct view *v)
{
	char	(*lines)[SLIP_LINE_MAX] = calloc(SLIP_MAX_LINES, SLIP_LINE_MAX);
	size_t	 i, n;

	snprintf(v->title, sizeof v->title, "%s", _("My data"));
	if (lines == NULL)
		return;
	n = slip_member_lines(j->shop, j->draft->profile, j->draft->consents, j->rewards.n,
	    j->lang, lines);
	for (i = 0; i < n; i++)
		view_add(v, VIEW_NOTE, lines[i], JOURNEY_EV_NONE, 0);
	sodium_memzero(lines, SLIP_MAX_LINES * SLIP_LINE_MAX);
	free(lines);
	screen_message(j, v);
	view_add(v, VIEW_PARAGRAPH, _("A machine-readable copy of everything is available from "
	    "our staff."), JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("Print"), JOURNEY_EV_PRINT, 0);
}

const struct screen screen_my_data = {
	.step = JOURNEY_MY_DATA,
	.build = screen_my_data_build,
};
