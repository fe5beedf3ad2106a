/*
 * screen_admin_rekey — key rotation: what changing the store's master key does, whether the
 * reward codes are replaced too, and afterwards what it did.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

static void
screen_admin_rekey_build(const struct journey *j, struct view *v)
{
	const struct journey_admin	*f = &j->figures;

	snprintf(v->title, sizeof v->title, "%s", _("Key rotation"));
	snprintf(v->status, sizeof v->status, "%s", j->staff);
	if (j->shop->passphrase) {
		view_add(v, VIEW_PARAGRAPH, _("This store's key is a passphrase: change it with "
		    "prefkiosk rekey at the command line, where it is asked twice."),
		    JOURNEY_EV_NONE, 0);
		screen_message(j, v);
		screen_buttons(v, _("Back"), NULL);
		return;
	}
	if (f->done) {
		view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Members moved to the new key: "
		    "%ld"), f->rekeyed);
		if (f->codes)
			view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("Reward codes replaced: "
			    "%ld"), f->replaced);
		if (f->damaged > 0)
			view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("%ld members could not "
			    "be read and keep the old key: run prefkiosk verify"), f->damaged);
		view_add(v, VIEW_NOTE, _("Copy the new key file to wherever its backup is kept: the "
		    "old one no longer opens this store."), JOURNEY_EV_NONE, 0);
		screen_message(j, v);
		screen_buttons(v, _("Back"), NULL);
		return;
	}
	view_addf(v, VIEW_PARAGRAPH, JOURNEY_EV_NONE, 0, _("A new master key replaces the key "
	    "file. Every member's data key and blind indexes (%ld members), the consent and audit "
	    "chains are moved to it at once; members, consents and PINs stay as they are."),
	    f->members);
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Key file: %s"), j->shop->key_file);
	view_add(v, VIEW_CHECK, _("Replace the codes too"), JOURNEY_EV_TOGGLE, 0)->on =
	    f->codes;
	view_add(v, VIEW_PARAGRAPH, _("Then every reward code not yet redeemed is issued again: "
	    "members find the new codes in their rewards, and printed slips stop working."),
	    JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_NOTE, _("Other terminals using this key file must be given the new one."),
	    JOURNEY_EV_NONE, 0);
	screen_message(j, v);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("Change the keys now"), JOURNEY_EV_YES, 0)->primary = true;
}

const struct screen screen_admin_rekey = {
	.step = JOURNEY_ADMIN_REKEY,
	.build = screen_admin_rekey_build,
};
