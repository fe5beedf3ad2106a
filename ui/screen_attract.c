/*
 * screen_attract — the attract screen: the shop, touch to start, languages, sign in, and the
 * keypad's keys for speech, large text and high contrast.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"

/* A language's name in that language, so everyone finds their own. */
static const char *
screen_language_name(const char *code)
{
	static const struct { const char *code, *name; } names[] = {
		{ "en", "English" }, { "de", "Deutsch" }, { "fr", "Français" },
		{ "es", "Español" },
	};
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].code, code) == 0)
			return names[i].name;
	return code;
}

static void
screen_attract_build(const struct journey *j, struct view *v)
{
	const struct config	*c = j->shop->config;
	int			 i;

	snprintf(v->title, sizeof v->title, "%s", c->store_name);
	view_add(v, VIEW_BUTTON, _("Touch the screen or press any key to start"),
	    JOURNEY_EV_START, 0)->primary = true;
	if (j->art != NULL)
		view_add(v, VIEW_ART, j->art, JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_PARAGRAPH, _("Tell us what you like, choose how we may contact you, "
	    "and get a reward. You stay in control of your data."), JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_NOTE, _("Choose your language"), JOURNEY_EV_NONE, 0);
	for (i = 0; i < c->nlanguages; i++)
		view_add(v, VIEW_RADIO, screen_language_name(c->languages[i]), JOURNEY_EV_LANGUAGE,
		    i)->on = i == j->lang;
	view_add(v, VIEW_NOTE, _("Already a member? Scan your card, or sign in."),
	    JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_LINK, _("Sign in"), JOURNEY_EV_SIGNIN, 0);
	view_add(v, VIEW_NOTE, _("Keypad: 5 speech, 9 large text, 3 high contrast, / every key"),
	    JOURNEY_EV_NONE, 0);
}

const struct screen screen_attract = {
	.step = JOURNEY_ATTRACT,
	.build = screen_attract_build,
};
