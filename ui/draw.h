/*
 * draw — a view on the terminal: layout for the terminal's size, colours with a monochrome
 * fallback and a high-contrast theme, the QR in half blocks, charts in block characters, the
 * on-screen keypad and keyboard, and where each control landed, for clicks and touches.  This
 * file and ui.c are the only ones that call curses.
 */
#ifndef PREFKIOSK_DRAW_H
#define PREFKIOSK_DRAW_H

#include <stdbool.h>

#include "view.h"

#define DRAW_MIN_COLS	80
#define DRAW_MIN_ROWS	24
#define DRAW_MAX_HITS	160

/* A place on the screen that sends an event when touched. */
struct draw_hit {
	int			 y0, x0, y1, x1;	/* inclusive */
	enum journey_event_type	 event;
	int			 arg;
	int			 item;		/* the view item, or -1 for a key of a keypad */
};

struct draw {
	int		 rows, cols;
	bool		 colour, contrast;
	bool		 utf8;		/* block characters for charts, or ASCII stand-ins */
	struct draw_hit	 hits[DRAW_MAX_HITS];
	int		 nhits;
	int		 scroll;		/* the first body line shown */
	int		 last_step;		/* the scroll starts again on a new screen */
	bool		 large;		/* the large layout: one column, a line between items */
};

/* Colours, once curses is up. */
void	draw_init(struct draw *, bool contrast);
void	draw_set_contrast(struct draw *, bool contrast);

/* The large layout for customers who see poorly: more space, fewer items on the screen. */
void	draw_set_large(struct draw *, bool large);

/* Draw a view with the focus on the focus-th control (modulo their number), and, when warning
 * is not negative, the idle warning with that many seconds left. */
void	draw_view(struct draw *, const struct view *, int focus, int step, int warning);

/* The control under a click, or NULL. */
const struct draw_hit	*draw_hit_at(const struct draw *, int y, int x);

/* The view item that has the focus, or -1 when nothing can take it. */
int	draw_focused(const struct view *, int focus);

/* How far the focus moves from focus to reach view item i (0 when i cannot take it). */
int	draw_focus_step(const struct view *, int focus, int i);

#endif
