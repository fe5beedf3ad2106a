/*
 * screen_admin_export — every member to the master data system: where the sealed file goes,
 * how many members, and after "Export now" the file written.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_admin_export_build(const struct journey *j, struct view *v)
{
	const struct config		*c = j->shop->config;
	const struct journey_admin	*f = &j->figures;
	const char			*base;

	snprintf(v->title, sizeof v->title, "%s", _("Export"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	if (c->export_recipient == NULL) {
		view_add(v, VIEW_PARAGRAPH, _("Exports are not set up on this kiosk: the [export] "
		    "section of prefkiosk.ini names the folder and the master data system's public "
		    "key."), JOURNEY_EV_NONE, 0);
		screen_message(j, v);
		screen_buttons(v, _("Back"), NULL);
		return;
	}
	view_add(v, VIEW_PARAGRAPH, _("Every member is written to one file, sealed to the master "
	    "data system's key: only that system can read it, not this kiosk."), JOURNEY_EV_NONE,
	    0);
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Folder: %s"), c->export_dir);
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Format: %s"), c->export_format);
	view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Members: %ld"), f->members);
	if (f->path[0] != '\0') {
		base = strrchr(f->path, '/') != NULL ? strrchr(f->path, '/') + 1 : f->path;
		view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, ngettext("Written: %s (%ld member)",
		    "Written: %s (%ld members)", (unsigned long)f->exported), base, f->exported);
		if (f->damaged > 0)
			view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("%ld members could not "
			    "be read and are missing from it: run prefkiosk verify"), f->damaged);
	}
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("Export now"), JOURNEY_EV_YES, 0)->primary = true;
}

const struct screen screen_admin_export = {
	.step = JOURNEY_ADMIN_EXPORT,
	.build = screen_admin_export_build,
};
