/*
 * screens — the table of screens, and the pieces several screens share.
 */
#include <stdio.h>
#include <string.h>

#include "screens.h"
#include "util.h"

static const struct screen *const screens_table[JOURNEY_NSTEPS] = {
	[JOURNEY_ATTRACT] = &screen_attract,
	[JOURNEY_INTRO] = &screen_intro,
	[JOURNEY_INTERESTS] = &screen_interests,
	[JOURNEY_CHANNELS] = &screen_channels,
	[JOURNEY_CONTACT] = &screen_contact,
	[JOURNEY_CONSENT] = &screen_consent,
	[JOURNEY_NOTICE] = &screen_notice,
	[JOURNEY_SENSITIVE] = &screen_sensitive,
	[JOURNEY_INCENTIVE] = &screen_incentive,
	[JOURNEY_REVIEW] = &screen_review,
	[JOURNEY_CARD] = &screen_card,
	[JOURNEY_PIN] = &screen_pin,
	[JOURNEY_REWARD] = &screen_reward_shown,
	[JOURNEY_THANKS] = &screen_thanks,
	[JOURNEY_SIGNIN] = &screen_signin,
	[JOURNEY_SIGNIN_PIN] = &screen_signin_pin,
	[JOURNEY_MEMBER] = &screen_member,
	[JOURNEY_MY_REWARDS] = &screen_my_rewards,
	[JOURNEY_MY_INTERESTS] = &screen_my_interests,
	[JOURNEY_MY_CONSENTS] = &screen_my_consents,
	[JOURNEY_MY_DATA] = &screen_my_data,
	[JOURNEY_DELETE] = &screen_delete,
	[JOURNEY_DELETED] = &screen_deleted,
	[JOURNEY_STAFF] = &screen_staff,
	[JOURNEY_STAFF_MENU] = &screen_staff_menu,
	[JOURNEY_STAFF_REPRINT] = &screen_staff_reprint,
	[JOURNEY_DESK_SIGNIN] = &screen_desk_signin,
	[JOURNEY_DESK_READY] = &screen_desk_ready,
	[JOURNEY_DESK_RESULT] = &screen_desk_result,
	[JOURNEY_DESK_MEMBER] = &screen_desk_member,
	[JOURNEY_ADMIN_PURGE] = &screen_admin_purge,
	[JOURNEY_ADMIN_STAFF] = &screen_admin_staff,
	[JOURNEY_ADMIN_STAFF_ADD] = &screen_admin_staff_add,
	[JOURNEY_ADMIN_STAFF_REMOVE] = &screen_admin_staff_remove,
	[JOURNEY_ADMIN_DASHBOARD] = &screen_admin_dashboard,
	[JOURNEY_ADMIN_EXPORT] = &screen_admin_export,
};

const struct screen *
screen_for(enum journey_step step)
{
	return step < JOURNEY_NSTEPS && screens_table[step] != NULL ? screens_table[step] :
	    &screen_attract;
}

const char *
screen_text(const struct journey *j, const struct catalog_text *t)
{
	return catalog_text_get(t, j->lang);
}

/* The journey's message, translated, with its number where it has one. */
void
screen_message(const struct journey *j, struct view *v)
{
	const char	*t, *d;

	if (j->message == NULL)
		return;
	/* A message has at most one number, "%d": put it in without a format from a catalogue. */
	t = _(j->message);
	if ((d = strstr(t, "%d")) != NULL)
		snprintf(v->message_text, sizeof v->message_text, "%.*s%d%s", (int)(d - t), t,
		    j->message_arg, d + 2);
	else
		snprintf(v->message_text, sizeof v->message_text, "%s", t);
	v->message = v->message_text;
}

/* Back on the left, the next step on the right; either may be NULL. */
void
screen_buttons(struct view *v, const char *back, const char *next)
{
	if (back != NULL)
		view_add(v, VIEW_BUTTON, back, JOURNEY_EV_BACK, 0);
	if (next != NULL)
		view_add(v, VIEW_BUTTON, next, JOURNEY_EV_NEXT, 0)->primary = true;
}

/* A text field: its label, what was typed (dots for a PIN), focused when typing goes there. */
void
screen_field(const struct journey *j, struct view *v, enum journey_field f, const char *label,
    bool secret)
{
	struct view_item	*it;
	char			 shown[JOURNEY_TEXT_MAX * 3 + 1];
	size_t			 i, n = strlen(j->text[f]);

	if (secret) {
		for (i = 0; i < n && i < JOURNEY_TEXT_MAX; i++)
			memcpy(shown + i * 3, "\xe2\x97\x8f", 3);	/* ● */
		shown[i * 3] = '\0';
	} else
		snprintf(shown, sizeof shown, "%s", j->text[f]);
	it = view_addf(v, VIEW_FIELD, JOURNEY_EV_FIELD, (int)f, "%s: %s", label, shown);
	it->secret = secret;
	it->focused_field = j->field == f;
}

/* The reward being shown (or none), and a link to each of the others. */
void
screen_rewards(const struct journey *j, struct view *v, const char *none)
{
	size_t	i, shown = (size_t)j->reward_shown < j->rewards.n ? (size_t)j->reward_shown : 0;

	if (j->rewards.n == 0) {
		view_add(v, VIEW_PARAGRAPH, none, JOURNEY_EV_NONE, 0);
		return;
	}
	screen_reward(j, v, shown);
	for (i = 0; j->rewards.n > 1 && i < j->rewards.n; i++)
		if (i != shown)
			view_addf(v, VIEW_LINK, JOURNEY_EV_CHOOSE, (int)i, _("Show reward %zu"),
			    i + 1);
}

/* A reward: title, "valid until", the QR and the code grouped for typing. */
void
screen_reward(const struct journey *j, struct view *v, size_t which)
{
	const struct reward_issued	*r = &j->rewards.v[which];
	const struct catalog		*cat = j->shop->catalog;
	char				 day[11], grouped[CODE_GROUPED_LEN + 1];

	util_day(r->expires, day);
	code_group(r->code, grouped);
	if (r->rule >= 0 && (size_t)r->rule < cat->nrewards)
		view_add(v, VIEW_PARAGRAPH, screen_text(j, &cat->rewards[r->rule].title),
		    JOURNEY_EV_NONE, 0);
	view_addf(v, VIEW_NOTE, JOURNEY_EV_NONE, 0, _("Valid until %s"), day);
	snprintf(v->code, sizeof v->code, "%s", r->code);
	view_add(v, VIEW_QR, "", JOURNEY_EV_NONE, 0);
	view_add(v, VIEW_NOTE, grouped, JOURNEY_EV_NONE, 0);
}

/* Interests by category, with the completion challenge's progress at the top right. */
void
screen_interest_list(const struct journey *j, struct view *v)
{
	const struct catalog	*cat = j->shop->catalog;
	struct reward_progress	 pr;
	size_t			 c, i;

	snprintf(v->title, sizeof v->title, "%s", _("Your interests"));
	for (i = 0; i < cat->nrewards; i++)
		if (cat->rewards[i].trigger == CATALOG_TRIGGER_COMPLETION) {
			reward_progress(j->shop, (int)i, j->draft->profile->interests, &pr);
			snprintf(v->status, sizeof v->status,
			    _("%d of %d interests in %d of %d categories"),
			    pr.interests < pr.need_interests ? pr.interests : pr.need_interests,
			    pr.need_interests,
			    pr.categories < pr.need_categories ? pr.categories : pr.need_categories,
			    pr.need_categories);
			break;
		}
	for (c = 0; c < cat->ncategories; c++) {
		view_add(v, VIEW_NOTE, screen_text(j, &cat->categories[c].title), JOURNEY_EV_NONE,
		    0);
		for (i = 0; i < cat->ninterests; i++)
			if (cat->interests[i].category == c)
				view_add(v, VIEW_CHECK, screen_text(j, &cat->interests[i].title),
				    JOURNEY_EV_TOGGLE, (int)i)->on =
				    j->draft->profile->interests[i];
	}
}
