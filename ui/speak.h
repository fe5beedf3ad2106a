/*
 * speak — what the kiosk says, built from the view a screen shows: pure functions from a view
 * and its journey to words, so that they are tested without a terminal and without sound.
 *
 * A new screen is said in full: its title, its texts, and the focused control.  After that only
 * what changed is said: the control the focus moved to ("E-mail marketing, off, check box"), the
 * field being typed into ("PIN, 3 characters, edit field" — never what was typed), a message,
 * the idle warning and its countdown.  A reward says what it is and until when, and that its code
 * is on the screen and can be printed; the code itself is said only when asked for (speak_codes).
 *
 * Every word goes through gettext.  Each utterance comes with what the log may keep of it: the
 * member's name, e-mail and phone number, which the kiosk reads out to them, are "[private]" in
 * the log.  Texts that show a reward code, a card number or a consent receipt are not read with
 * the screen at all.
 */
#ifndef PREFKIOSK_SPEAK_H
#define PREFKIOSK_SPEAK_H

#include <stdbool.h>
#include <stddef.h>

#include "code.h"
#include "speech.h"
#include "view.h"

#define SPEAK_MAX	6144	/* an utterance */
#define SPEAK_LINE	512	/* what is remembered of one part of it */

/* An utterance: what is said, what the log gets, and the earcon before it. */
struct speak_utterance {
	char			 text[SPEAK_MAX];
	char			 logged[SPEAK_MAX];
	enum speech_earcon	 earcon;
};

/* What has been said about the screen on show: speak_next compares the screen with it. */
struct speak {
	int	step;			/* the screen last said in full, or -1 */
	int	lang;
	int	reward;			/* the reward it showed */
	char	title[SPEAK_LINE];	/* its title (one step shows each purpose in turn) */
	char	status[SPEAK_LINE];	/* its status (a challenge's progress) */
	int	focus;			/* the view item that had the focus, or -1 */
	char	control[SPEAK_LINE];	/* what was said of it */
	char	typing[SPEAK_LINE];	/* and of the field typed into */
	char	message[SPEAK_LINE];	/* the message */
	int	countdown;		/* the idle countdown, or -1 */
};

/* The parts of speech_spell for the codes a screen shows, and the strings they point into. */
struct speak_codes {
	const char	*parts[4];
	size_t		 n;		/* 0: the screen shows no code */
	char		 code[CODE_GROUPED_LEN + 1];
	char		 card[64];
};

/* Forget what was said: the next screen is said in full. */
void	speak_init(struct speak *);

/*
 * What to say now that the screen shows v, drawn from j with the focus on view item focused
 * (-1: none), the idle countdown (-1: no warning) and bell when the last event rang.  Fills *u
 * and returns true, or returns false when nothing is new.
 */
bool	speak_next(struct speak *, const struct view *, const struct journey *, int focused,
	    int countdown, bool bell, struct speak_utterance *u);

/* The whole screen, as speak_next says it when it opens. */
void	speak_screen(const struct view *, const struct journey *, int focused,
	    struct speak_utterance *u);

/* A control as "label, state, role" (a check box "E-mail marketing, off, check box", a button
 * "Next, button"), into out; a field says how much was typed, never what. */
void	speak_control(const struct view *, const struct journey *, int item, char *out,
	    size_t size);

/* The reward code and card number the screen shows, for speech_spell; c->n is 0 when there is
 * none.  The caller wipes c when done. */
void	speak_codes(const struct view *, const struct journey *, struct speak_codes *c);

/* Every key, said (the key "/"). */
const char	*speak_help(void);

/* With speech off, what the attract screen says when it shows: the key that turns speech on. */
const char	*speak_offer(void);

/* Is a countdown of seconds left said?  Every ten seconds, and each of the last five. */
bool	speak_countdown_due(int seconds);

#endif
