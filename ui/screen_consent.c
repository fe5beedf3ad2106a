/*
 * screen_consent — one purpose at a time: what, why, benefit, how long, who else; yes and no alike.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

/* The personal-data categories of the shipped catalogue, in words; a shop's own categories
 * are shown by their id. */
static const struct {
	const char	*id, *words;
} screen_data_names[] = {
	{ "email", N_("your e-mail address") },
	{ "phone", N_("your phone number") },
	{ "interests", N_("your interests") },
	{ "visits", N_("your visits") },
	{ "rewards", N_("your rewards") },
	{ "dietary_needs", N_("your dietary needs") },
	{ "purchase_history", N_("what you buy") },
};

static const char *
screen_data_name(const char *id)
{
	size_t	i;

	for (i = 0; i < sizeof screen_data_names / sizeof screen_data_names[0]; i++)
		if (strcmp(screen_data_names[i].id, id) == 0)
			return _(screen_data_names[i].words);
	return id;
}

/* What data, why, what you get, how long, who else sees it. */
static void
screen_purpose(const struct journey *j, struct view *v, const struct catalog_purpose *p)
{
	char	data[VIEW_TEXT_MAX] = "", who[VIEW_TEXT_MAX] = "";
	size_t	i, n = 0;

	view_add(v, VIEW_PARAGRAPH, screen_text(j, &p->description), JOURNEY_EV_NONE, 0);
	for (i = 0; i < p->ndata; i++)
		n += (size_t)snprintf(data + n, n < sizeof data ? sizeof data - n : 0, "%s%s",
		    i > 0 ? ", " : "", screen_data_name(p->data[i]));
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("What data"), data);
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("What you get"),
	    screen_text(j, &p->benefit));
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("How long we keep it: %d days"),
	    p->retention_days);
	for (i = 0, n = 0; i < p->nrecipients; i++)
		n += (size_t)snprintf(who + n, n < sizeof who ? sizeof who - n : 0, "%s%s",
		    i > 0 ? ", " : "", p->recipients[i]);
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, "%s: %s", _("Who else sees it"),
	    p->nrecipients > 0 ? who : _("nobody but us"));
}

static void
screen_consent_build(const struct journey *j, struct view *v)
{
	const struct catalog_purpose	*p = &j->shop->catalog->purposes[j->consent_index];

	snprintf(v->title, sizeof v->title, "%s", screen_text(j, &p->title));
	snprintf(v->status, sizeof v->status, "%d / %zu", j->consent_index + 1,
	    j->shop->catalog->npurposes);
	screen_purpose(j, v, p);
	view_add(v, VIEW_LINK, _("More"), JOURNEY_EV_MORE, 0);
	view_add(v, VIEW_NOTE, j->answered[j->consent_index] ?
	    (j->draft->consents[j->consent_index] == CONSENT_GIVEN ? _("Your answer: yes") :
	    _("Your answer: no")) : _("Nothing is chosen until you choose."), JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_BUTTON, _("Back"), JOURNEY_EV_BACK, 0);
	view_add(v, VIEW_BUTTON, _("No"), JOURNEY_EV_NO, 0);
	view_add(v, VIEW_BUTTON, _("Yes"), JOURNEY_EV_YES, 0);
}

const struct screen screen_consent = {
	.step = JOURNEY_CONSENT,
	.build = screen_consent_build,
};
