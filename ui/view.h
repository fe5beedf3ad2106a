/*
 * view — what one screen shows, as data: a title, lines of text, and controls, each control
 * with the event it sends.  A screen (ui/screen_*.c) fills a view from the journey; draw.c lays
 * it out for the terminal's size, draws it, and remembers where each control landed so that a
 * click or a touch finds it.  Keyboard focus moves over the controls in order, and stops at
 * headings too, so that a long view of charts pages section by section.
 */
#ifndef PREFKIOSK_VIEW_H
#define PREFKIOSK_VIEW_H

#include <stdbool.h>

#include "journey.h"

#define VIEW_MAX_ITEMS	96
#define VIEW_TEXT_MAX	1024
#define VIEW_MAX_COLUMNS	32	/* values of a column chart */
#define VIEW_SUPPRESSED	(-1)	/* a chart's value too small to show: hatched, never drawn */

enum view_kind {
	VIEW_PARAGRAPH,		/* wrapped text */
	VIEW_ART,		/* lines as they are (a picture from the assets) */
	VIEW_NOTE,		/* a line in the secondary colour */
	VIEW_CHECK,		/* [x] label — on/off, with the word too */
	VIEW_RADIO,		/* (o) label */
	VIEW_FIELD,		/* label: text being typed */
	VIEW_BUTTON,		/* a touch target at least 3 rows high, in the bottom bar */
	VIEW_LINK,		/* a one-row control in the body ("edit", "more") */
	VIEW_QR,		/* the code of the view, as half blocks */
	VIEW_KEYPAD,		/* the on-screen keypad (digits) */
	VIEW_KEYBOARD,		/* the on-screen keyboard (letters, digits, @ . - _) */
	VIEW_BANNER,		/* a large result; arg: VIEW_GOOD, VIEW_WARN or VIEW_BAD */
	VIEW_HEADING,		/* a section's title: the focus stops here, bringing the section
				 * into sight from the top; activating it does nothing */
	VIEW_BAR,		/* label, a bar of value of max, the figure in words; column 0:
				 * the whole width, 1 and 2: the left and right halves of a row */
	VIEW_COLUMNS,		/* the view's column chart (columns[]); text: what the hatch
				 * of a suppressed column means */
};

/* How a banner reads: in its colour, and in its symbol and words. */
enum view_tone {
	VIEW_GOOD,
	VIEW_WARN,
	VIEW_BAD,
};

struct view_item {
	enum view_kind		 kind;
	char			 text[VIEW_TEXT_MAX];
	bool			 on;		/* check, radio */
	bool			 secret;	/* a field shown as dots */
	bool			 primary;	/* the main button */
	bool			 focused_field;	/* the field that receives typing */
	int			 column;	/* checks and radios: 0 or 1 of a two-column list */
	enum journey_event_type	 event;		/* what activating it sends */
	int			 arg;
	long			 value, max;	/* VIEW_BAR; value may be VIEW_SUPPRESSED */
	char			 figure[32];	/* VIEW_BAR: the figure in words ("12", "<5") */
};

struct view {
	char			 title[256];
	char			 status[256];	/* progress, a step counter: top right */
	const char		*message;	/* translated; shown above the buttons */
	char			 message_text[512];	/* where a formatted message is kept */
	char			 code[CODE_LEN + 1];	/* for VIEW_QR */
	long			 columns[VIEW_MAX_COLUMNS];	/* for VIEW_COLUMNS: the values, */
	char			 column_labels[VIEW_MAX_COLUMNS][8];	/* a label under each */
	int			 ncolumns;
	struct view_item	 items[VIEW_MAX_ITEMS + 1];	/* the last: where a full view's
								 * extra items go, unseen */
	int			 n;
};

/* Append an item; returns it (the view has room for VIEW_MAX_ITEMS, more are dropped). */
struct view_item	*view_add(struct view *, enum view_kind, const char *text,
			    enum journey_event_type, int arg);
struct view_item	*view_addf(struct view *, enum view_kind, enum journey_event_type, int arg,
			    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Can the item take focus (and be activated)? */
bool	view_focusable(const struct view_item *);

#endif
