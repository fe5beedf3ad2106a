/*
 * app — the kiosk's model: a shop and one journey, and the loop that performs the journey's
 * effects on the store (enrol, sign in, change consent, save interests, erase, print, staff
 * PIN).  ui/ turns keys into events, calls app_handle, and redraws what it says; it reads the
 * journey through app_journey and never changes anything else.
 */
#ifndef PREFKIOSK_APP_H
#define PREFKIOSK_APP_H

#include <time.h>

#include "journey.h"
#include "shop.h"

struct app;

/* A kiosk on a shop (borrowed) at time now, on the attract screen in the first language; or,
 * with desk, a loyalty desk on its sign-in screen (staff names the one who may sign in, or
 * NULL for any). */
struct app	*app_new(struct shop *, time_t now);
struct app	*app_new_desk(struct shop *, time_t now, const char *staff);
void		 app_free(struct app *);

/*
 * Handle an event and perform its effects.  Returns what is left for the terminal:
 * JOURNEY_REDRAW, JOURNEY_UPDATE, JOURNEY_BELL, JOURNEY_QUIT, JOURNEY_LANGUAGE, and
 * JOURNEY_WIPE when the session ended (the journey is wiped; the terminal wipes what it holds).
 */
unsigned		 app_handle(struct app *, const struct journey_event *);

const struct journey	*app_journey(const struct app *);
const struct shop	*app_shop(const struct app *);

#endif
