/*
 * screens — one file per screen of the journey (ui/screen_*.c), each a const struct screen
 * that fills a view from the journey; screens.c lists them and holds what they share.
 * A screen only reads: the journey through a const pointer, the catalogue through it.
 */
#ifndef PREFKIOSK_SCREENS_H
#define PREFKIOSK_SCREENS_H

#include "i18n.h"
#include "journey.h"
#include "view.h"

struct screen {
	enum journey_step	 step;
	void			(*build)(const struct journey *, struct view *);
};

/* The screen of a step (every step has one). */
const struct screen	*screen_for(enum journey_step);

/* Shared pieces. */
const char	*screen_text(const struct journey *, const struct catalog_text *);
void		 screen_buttons(struct view *, const char *back, const char *next);
void		 screen_message(const struct journey *, struct view *);
void		 screen_field(const struct journey *, struct view *, enum journey_field,
		    const char *label, bool secret);
void		 screen_reward(const struct journey *, struct view *, size_t which);
void		 screen_rewards(const struct journey *, struct view *, const char *none);
void		 screen_interest_list(const struct journey *, struct view *);

extern const struct screen screen_attract, screen_intro, screen_interests, screen_channels,
    screen_contact, screen_consent, screen_notice, screen_sensitive, screen_incentive,
    screen_review, screen_card, screen_pin, screen_reward_shown, screen_thanks, screen_signin,
    screen_signin_pin, screen_member, screen_my_rewards, screen_my_interests, screen_my_consents,
    screen_my_data, screen_delete, screen_deleted, screen_staff, screen_staff_menu,
    screen_staff_reprint, screen_desk_signin, screen_desk_ready, screen_desk_result, screen_desk_member,
    screen_admin_purge, screen_admin_staff, screen_admin_staff_add, screen_admin_staff_remove,
    screen_admin_dashboard, screen_admin_export;

#endif
