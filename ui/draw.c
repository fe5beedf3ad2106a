/*
 * draw — laying a view out and drawing it with curses.
 *
 * The screen: a title bar on the first row (title left, status right); the body below it, where
 * texts wrap, checks and radios stand in two columns, and the QR, the keypad or the keyboard
 * take the right or the bottom part; a message row; the bottom bar of buttons, three rows high
 * so a finger finds them; and a row of key hints.  The body scrolls to keep the focused control
 * in sight; a focused heading scrolls its section to the top.  Everything is drawn into stdscr
 * after erase(), and curses sends only what changed, so a checkbox toggle costs a few dozen bytes.
 *
 * Charts are lines of the body like any text, so they scroll with it: a bar is one line (label,
 * bar in eighths of a cell, the figure in words); the column chart is DRAW_CHART_ROWS lines of
 * columns in eighths, then its axis, its labels and its legend.  A suppressed value is hatched
 * and never drawn as a length.  Without a UTF-8 locale the blocks have ASCII stand-ins.
 *
 * Nothing is said by colour alone: a check shows [x] and its word, the focus shows a ▶ and
 * reverse video, the primary button its frame, a bar its figure.
 */
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "i18n.h"
#include "qr.h"

enum {
	DRAW_PAIR_NORMAL = 1,
	DRAW_PAIR_TITLE,
	DRAW_PAIR_NOTE,
	DRAW_PAIR_FOCUS,
	DRAW_PAIR_BUTTON,
	DRAW_PAIR_PRIMARY,
	DRAW_PAIR_MESSAGE,
	DRAW_PAIR_QR,
	DRAW_PAIR_KEY,
	DRAW_PAIR_GOOD,
	DRAW_PAIR_WARN,
	DRAW_PAIR_BAD,
};

/* The two themes: foreground and background of each pair (256 colours when there are). */
struct draw_colours {
	short	fg, bg;
};

/* The body in the terminal's own colours (-1): readable on any, and nothing to reset. */
static const struct draw_colours draw_standard[] = {
	[DRAW_PAIR_NORMAL] = { -1, -1 },
	[DRAW_PAIR_TITLE] = { COLOR_BLACK, COLOR_CYAN },
	[DRAW_PAIR_NOTE] = { -1, -1 },
	[DRAW_PAIR_FOCUS] = { COLOR_BLACK, COLOR_YELLOW },
	[DRAW_PAIR_BUTTON] = { COLOR_BLACK, COLOR_WHITE },
	[DRAW_PAIR_PRIMARY] = { COLOR_BLACK, COLOR_GREEN },
	[DRAW_PAIR_MESSAGE] = { COLOR_BLACK, COLOR_YELLOW },
	[DRAW_PAIR_QR] = { COLOR_BLACK, COLOR_WHITE },
	[DRAW_PAIR_KEY] = { COLOR_BLACK, COLOR_WHITE },
	[DRAW_PAIR_GOOD] = { COLOR_BLACK, COLOR_GREEN },
	[DRAW_PAIR_WARN] = { COLOR_BLACK, COLOR_YELLOW },
	[DRAW_PAIR_BAD] = { COLOR_WHITE, COLOR_RED },
};

static const struct draw_colours draw_high_contrast[] = {
	[DRAW_PAIR_NORMAL] = { COLOR_WHITE, COLOR_BLACK },
	[DRAW_PAIR_TITLE] = { COLOR_BLACK, COLOR_WHITE },
	[DRAW_PAIR_NOTE] = { COLOR_WHITE, COLOR_BLACK },
	[DRAW_PAIR_FOCUS] = { COLOR_BLACK, COLOR_YELLOW },
	[DRAW_PAIR_BUTTON] = { COLOR_BLACK, COLOR_WHITE },
	[DRAW_PAIR_PRIMARY] = { COLOR_BLACK, COLOR_WHITE },
	[DRAW_PAIR_MESSAGE] = { COLOR_YELLOW, COLOR_BLACK },
	[DRAW_PAIR_QR] = { COLOR_BLACK, COLOR_WHITE },
	[DRAW_PAIR_KEY] = { COLOR_BLACK, COLOR_WHITE },
	[DRAW_PAIR_GOOD] = { COLOR_BLACK, COLOR_GREEN },
	[DRAW_PAIR_WARN] = { COLOR_BLACK, COLOR_YELLOW },
	[DRAW_PAIR_BAD] = { COLOR_WHITE, COLOR_RED },
};

#define DRAW_NPAIRS	(sizeof draw_standard / sizeof draw_standard[0])

/* The on-screen keypad and keyboard: a key's face and what it sends. */
struct draw_key {
	const char		*face;
	enum journey_event_type	 event;
	int			 arg;
};

static const struct draw_key draw_keypad[] = {
	{ "1", JOURNEY_EV_CHAR, '1' }, { "2", JOURNEY_EV_CHAR, '2' }, { "3", JOURNEY_EV_CHAR, '3' },
	{ "4", JOURNEY_EV_CHAR, '4' }, { "5", JOURNEY_EV_CHAR, '5' }, { "6", JOURNEY_EV_CHAR, '6' },
	{ "7", JOURNEY_EV_CHAR, '7' }, { "8", JOURNEY_EV_CHAR, '8' }, { "9", JOURNEY_EV_CHAR, '9' },
	{ "\xe2\x8c\xab", JOURNEY_EV_ERASE, 0 }, { "0", JOURNEY_EV_CHAR, '0' },
	{ "+", JOURNEY_EV_CHAR, '+' },
};

static const char draw_keyboard_faces[] = "1234567890qwertyuiopasdfghjkl@zxcvbnm.-_";
/* Beside the space bar: the check symbols a reward code may end with (see code.h). */
static const char draw_keyboard_extra[] = "*$%+";

#define DRAW_CHART_ROWS	6	/* rows of a column chart's columns */

/* Chart glyphs in UTF-8 and their ASCII stand-ins: a column's cell filled 0 to 8 eighths from
 * the bottom (▁ .. █), a bar's last cell 0 to 8 eighths from the left (▏ .. █), the hatch of a
 * suppressed value (░) and the axis (┤ │ └ ─). */
struct draw_glyphs {
	const char	*column[9], *bar[9], *hatch, *tick, *axis, *corner, *line;
};

static const struct draw_glyphs draw_glyphs_utf8 = {
	{ " ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84", "\xe2\x96\x85",
	    "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" },
	{ "", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c", "\xe2\x96\x8b",
	    "\xe2\x96\x8a", "\xe2\x96\x89", "\xe2\x96\x88" },
	"\xe2\x96\x91", "\xe2\x94\xa4", "\xe2\x94\x82", "\xe2\x94\x94", "\xe2\x94\x80",
};

static const struct draw_glyphs draw_glyphs_ascii = {
	{ " ", ".", ".", ":", ":", "+", "+", "#", "#" },
	{ "", "-", "-", "-", "=", "=", "=", "=", "#" },
	"/", "+", "|", "+", "-",
};

/* Display width of a UTF-8 string (0 for an invalid one). */
static int
draw_width(const char *s)
{
	wchar_t	w[VIEW_TEXT_MAX];
	size_t	n = mbstowcs(w, s, VIEW_TEXT_MAX - 1);
	int	width;

	if (n == (size_t)-1)
		return (int)strlen(s);
	w[n] = L'\0';
	width = wcswidth(w, n);
	return width < 0 ? (int)n : width;
}

/* Put s at (y, x), cut to width columns. */
static void
draw_text(int y, int x, const char *s, int width)
{
	wchar_t	w[VIEW_TEXT_MAX];
	size_t	n = mbstowcs(w, s, VIEW_TEXT_MAX - 1), i;
	int	used = 0, cw;

	if (width <= 0)
		return;
	if (n == (size_t)-1) {
		mvaddnstr(y, x, s, width);
		return;
	}
	for (i = 0; i < n; i++) {
		cw = wcwidth(w[i]);
		if (cw < 0)
			cw = 1;
		if (used + cw > width)
			break;
		used += cw;
	}
	mvaddnwstr(y, x, w, (int)i);
}

/*
 * Wrap text to width columns: the byte offsets where each line starts go into starts[], their
 * lengths into lens[]; returns the number of lines (at most max).
 */
static int
draw_wrap(const char *text, int width, int *starts, int *lens, int max)
{
	int	 n = 0, pos = 0, len = (int)strlen(text);

	while (pos < len && n < max) {
		int end = pos, last_space = -1, w = 0;
		mbstate_t st;
		memset(&st, 0, sizeof st);
		while (end < len && text[end] != '\n') {
			wchar_t wc;
			size_t k = mbrtowc(&wc, text + end, (size_t)(len - end), &st);
			int cw;
			if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
				k = 1;
				cw = 1;
				memset(&st, 0, sizeof st);
			} else
				cw = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
			if (w + cw > width)
				break;
			if (text[end] == ' ')
				last_space = end;
			w += cw;
			end += (int)k;
		}
		if (end < len && text[end] != '\n' && last_space > pos)
			end = last_space;
		starts[n] = pos;
		lens[n] = end - pos;
		n++;
		pos = end;
		while (pos < len && (text[pos] == ' ' || text[pos] == '\n')) {
			if (text[pos] == '\n' && pos + 1 < len && text[pos + 1] == '\n' && n < max) {
				starts[n] = pos;
				lens[n] = 0;	/* a blank line between paragraphs of a notice */
				n++;
				pos++;
			}
			pos++;
		}
	}
	return n;
}

static void
draw_pairs(const struct draw *d)
{
	const struct draw_colours	*c = d->contrast ? draw_high_contrast : draw_standard;
	size_t				 i;

	for (i = 1; i < DRAW_NPAIRS; i++)
		init_pair((short)i, c[i].fg, c[i].bg);
}

void
draw_init(struct draw *d, bool contrast)
{
	memset(d, 0, sizeof *d);
	d->last_step = -1;
	d->contrast = contrast;
	d->colour = has_colors();
	d->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* The cursor is hidden: wherever curses leaves it costs no bytes to move it back. */
	leaveok(stdscr, TRUE);
	if (d->colour) {
		start_color();
		use_default_colors();	/* pair 0 is the terminal's own: less to reset */
		draw_pairs(d);
	}
}

void
draw_set_contrast(struct draw *d, bool contrast)
{
	d->contrast = contrast;
	if (d->colour)
		draw_pairs(d);
}

/* Attributes of a pair, or the monochrome stand-in. */
static attr_t
draw_attr(const struct draw *d, int pair)
{
	/* The title bar and the focus in reverse video, whatever the theme: it reads on every
	 * terminal, and costs the fewest bytes to switch on and off (a toggle under 64). */
	if (pair == DRAW_PAIR_TITLE || pair == DRAW_PAIR_FOCUS)
		return A_REVERSE;
	if (d->colour)
		return COLOR_PAIR(pair) | (pair == DRAW_PAIR_NOTE && !d->contrast ? A_DIM : 0);
	switch (pair) {
	case DRAW_PAIR_TITLE:
	case DRAW_PAIR_FOCUS:
	case DRAW_PAIR_PRIMARY:
	case DRAW_PAIR_QR:
		return A_REVERSE;
	case DRAW_PAIR_MESSAGE:
		return A_BOLD;
	case DRAW_PAIR_NOTE:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

static void
draw_add_hit(struct draw *d, int y0, int x0, int y1, int x1, enum journey_event_type ev,
    int arg, int item)
{
	if (d->nhits == DRAW_MAX_HITS)
		return;
	d->hits[d->nhits++] = (struct draw_hit){ y0, x0, y1, x1, ev, arg, item };
}

const struct draw_hit *
draw_hit_at(const struct draw *d, int y, int x)
{
	int	i;

	for (i = d->nhits - 1; i >= 0; i--)
		if (y >= d->hits[i].y0 && y <= d->hits[i].y1 && x >= d->hits[i].x0 &&
		    x <= d->hits[i].x1)
			return &d->hits[i];
	return NULL;
}

int
draw_focused(const struct view *v, int focus)
{
	int	i, n = 0, k, primary = 0;

	/* Focus 0 is the primary button, where a screen has one: Enter goes on. */
	for (i = 0; i < v->n; i++) {
		if (v->items[i].primary && view_focusable(&v->items[i]))
			primary = n;
		n += view_focusable(&v->items[i]);
	}
	if (n == 0)
		return -1;
	k = (((focus + primary) % n) + n) % n;
	for (i = 0; i < v->n; i++)
		if (view_focusable(&v->items[i]) && k-- == 0)
			return i;
	return -1;
}

int
draw_focus_step(const struct view *v, int focus, int i)
{
	int	step;

	for (step = 0; step < v->n; step++)
		if (draw_focused(v, focus + step) == i)
			return step;
	return 0;
}

/* The QR of the view's code, top left at (y, x): 17 rows of 33 half blocks. */
static void
draw_qr(const struct draw *d, const char *code, int y, int x)
{
	struct qr	*q = NULL;
	int		 cols, rows, r, c;
	bool		 up, down;

	if (qr_encode(code, &q, NULL) != 0)
		return;
	qr_cells(q, QR_QUIET, &cols, &rows);
	attrset(d->colour ? COLOR_PAIR(DRAW_PAIR_QR) : A_NORMAL);
	for (r = 0; r < rows; r++)
		for (c = 0; c < cols; c++) {
			qr_cell(q, QR_QUIET, c, r, &up, &down);
			/* Dark modules are drawn dark (zbar reads no inverted codes). */
			mvaddstr(y + r, x + c, up && down ? "\xe2\x96\x88" : up ? "\xe2\x96\x80" :
			    down ? "\xe2\x96\x84" : " ");
		}
	qr_free(q);
}

/* A key of a keypad or keyboard: a box w wide and h high, with its face in the middle. */
static void
draw_key(struct draw *d, int y, int x, int w, int h, const struct draw_key *k)
{
	int	r;

	attrset(draw_attr(d, DRAW_PAIR_KEY));
	for (r = 0; r < h; r++)
		mvhline(y + r, x, ' ', w);
	draw_text(y + h / 2, x + (w - draw_width(k->face)) / 2, k->face, w);
	draw_add_hit(d, y, x, y + h - 1, x + w - 1, k->event, k->arg, -1);
}

static void
draw_keypad_at(struct draw *d, int y, int x)
{
	size_t	i;

	for (i = 0; i < sizeof draw_keypad / sizeof draw_keypad[0]; i++)
		draw_key(d, y + (int)(i / 3) * 3, x + (int)(i % 3) * 8, 7, 3, &draw_keypad[i]);
}

static void
draw_keyboard_at(struct draw *d, int y, int x, int keyh)
{
	struct draw_key	 k;
	char		 face[2] = { 0, 0 };
	size_t		 i;

	for (i = 0; i < sizeof draw_keyboard_faces - 1; i++) {
		face[0] = draw_keyboard_faces[i];
		k.face = face;
		k.event = JOURNEY_EV_CHAR;
		k.arg = (unsigned char)face[0];
		draw_key(d, y + (int)(i / 10) * keyh, x + (int)(i % 10) * 7, 6, keyh, &k);
	}
	k.face = "\xe2\x8c\xab";	/* ⌫ */
	k.event = JOURNEY_EV_ERASE;
	k.arg = 0;
	draw_key(d, y + 4 * keyh, x, 13, keyh, &k);
	k.face = _("Space");
	k.event = JOURNEY_EV_CHAR;
	k.arg = ' ';
	draw_key(d, y + 4 * keyh, x + 14, 27, keyh, &k);
	for (i = 0; i < sizeof draw_keyboard_extra - 1; i++) {
		face[0] = draw_keyboard_extra[i];
		k.face = face;
		k.arg = (unsigned char)face[0];
		draw_key(d, y + 4 * keyh, x + 42 + (int)i * 7, 6, keyh, &k);
	}
}

/* One body line of an item: what to draw, and where the item starts on it. */
struct draw_line {
	int	item;		/* view item */
	int	start, len;	/* bytes of the item's text on this line */
	int	col;		/* 0: full width; 1, 2: the left or right of two columns */
	bool	first;		/* the item's first line (the one that gets the marker) */
};

#define DRAW_MAX_LINES	400

/* Lay the body's items out in lines of width columns. */
static int
draw_layout(const struct view *v, int width, struct draw_line *lines)
{
	int	starts[64], lens[64], i, k, n = 0, m, col = 0;

	for (i = 0; i < v->n && n < DRAW_MAX_LINES - 1; i++) {
		const struct view_item *it = &v->items[i];
		switch (it->kind) {
		case VIEW_BUTTON:
		case VIEW_BANNER:
		case VIEW_QR:
		case VIEW_KEYPAD:
		case VIEW_KEYBOARD:
			continue;
		case VIEW_CHECK:
		case VIEW_RADIO:
			/* Two columns of short choices; a frequency sits under its channel. */
			if (it->column == 1 || width < 60) {
				lines[n++] = (struct draw_line){ i, 0, (int)strlen(it->text),
				    it->column == 1 ? 3 : 0, true };
				col = 0;
				continue;
			}
			if (col == 2 || col == 0) {
				lines[n++] = (struct draw_line){ i, 0, (int)strlen(it->text), 1,
				    true };
				col = 1;
			} else {
				lines[n++] = (struct draw_line){ i, 0, (int)strlen(it->text), 2,
				    true };
				col = 2;
			}
			continue;
		case VIEW_BAR:
			/* One row; column 2 shares the row of the column 1 before it. */
			lines[n++] = (struct draw_line){ i, 0, 0, it->column == 1 || it->column == 2 ?
			    it->column : 0, true };
			col = 0;
			continue;
		case VIEW_COLUMNS:
			/* Its rows, the axis, the labels, the legend: start is the row. */
			for (k = 0; k < DRAW_CHART_ROWS + 3 && n < DRAW_MAX_LINES - 1; k++)
				lines[n++] = (struct draw_line){ i, k, 0, 0, k == 0 };
			col = 0;
			continue;
		case VIEW_HEADING:
			if (n > 0)
				lines[n++] = (struct draw_line){ -1, 0, 0, 0, false };
			break;
		default:
			break;
		}
		col = 0;
		if (it->kind == VIEW_ART) {
			const char *p = it->text, *nl;
			while (*p != '\0' && n < DRAW_MAX_LINES - 1) {
				nl = strchr(p, '\n');
				k = nl != NULL ? (int)(nl - p) : (int)strlen(p);
				lines[n++] = (struct draw_line){ i, (int)(p - it->text), k, 0, p == it->text };
				p += k + (nl != NULL);
			}
			continue;
		}
		m = draw_wrap(it->text, width - 4, starts, lens, 64);
		for (k = 0; k < m && n < DRAW_MAX_LINES - 1; k++)
			lines[n++] = (struct draw_line){ i, starts[k], lens[k], 0, k == 0 };
		if (it->kind == VIEW_PARAGRAPH && n < DRAW_MAX_LINES - 1)
			lines[n++] = (struct draw_line){ -1, 0, 0, 0, false };
	}
	return n;
}

/* The large layout: one column, and an empty line after every item, so that each stands apart
 * and fewer share the screen (the body scrolls to the focus as ever). */
static int
draw_spread(struct draw_line *lines, int n)
{
	struct draw_line	out[DRAW_MAX_LINES];
	int			i, k = 0;

	for (i = 0; i < n && k < DRAW_MAX_LINES - 1; i++) {
		out[k] = lines[i];
		if (out[k].col == 1 || out[k].col == 2)
			out[k].col = 0;
		k++;
		if (lines[i].item >= 0 && i + 1 < n && lines[i + 1].item >= 0 &&
		    (lines[i + 1].item != lines[i].item || lines[i + 1].first))
			out[k++] = (struct draw_line){ -1, 0, 0, 0, false };
	}
	memcpy(lines, out, (size_t)k * sizeof *out);
	return k;
}

void
draw_set_large(struct draw *d, bool large)
{
	d->large = large;
}

/* The chart glyphs the terminal can show. */
static const struct draw_glyphs *
draw_glyphs(const struct draw *d)
{
	return d->utf8 ? &draw_glyphs_utf8 : &draw_glyphs_ascii;
}

/* The widest label and figure of the bars in item i's column, among the run of bars it is in:
 * one chart, whose bars then line up. */
static void
draw_bar_widths(const struct view *v, int i, int *label_w, int *figure_w)
{
	int	k = i, w;

	while (k > 0 && v->items[k - 1].kind == VIEW_BAR)
		k--;
	*label_w = *figure_w = 0;
	for (; k < v->n && v->items[k].kind == VIEW_BAR; k++) {
		if (v->items[k].column != v->items[i].column)
			continue;
		if ((w = draw_width(v->items[k].text)) > *label_w)
			*label_w = w;
		if ((w = draw_width(v->items[k].figure)) > *figure_w)
			*figure_w = w;
	}
}

/* A bar at (y, x), width columns: label, the bar (value of max, in eighths of a cell), figure. */
static void
draw_bar(const struct draw *d, const struct view *v, int i, int y, int x, int width)
{
	const struct draw_glyphs	*g = draw_glyphs(d);
	const struct view_item		*it = &v->items[i];
	int				 lw, fw, bw, eighths, k, end = x + width;

	draw_bar_widths(v, i, &lw, &fw);
	if (lw > width / 2)
		lw = width / 2;
	bw = width - lw - fw - 2;
	attrset(draw_attr(d, DRAW_PAIR_NORMAL));
	draw_text(y, x, it->text, lw);
	x += lw + (lw > 0);
	if (it->value == VIEW_SUPPRESSED) {
		/* Hatched, as long as nothing: the figure says "<5". */
		attrset(draw_attr(d, DRAW_PAIR_NOTE));
		for (k = 0; k < 2 && x < end; k++)
			mvaddstr(y, x++, g->hatch);
		attrset(draw_attr(d, DRAW_PAIR_NORMAL));
	} else if (it->max > 0 && it->value > 0 && bw > 0) {
		eighths = (int)((it->value * bw * 8 + it->max / 2) / it->max);
		eighths = eighths < 1 ? 1 : eighths > bw * 8 ? bw * 8 : eighths;
		for (k = 0; k < eighths / 8; k++)
			mvaddstr(y, x++, g->bar[8]);
		if (eighths % 8 != 0)
			mvaddstr(y, x++, g->bar[eighths % 8]);
	}
	draw_text(y, x + 1, it->figure, end - x - 1);
}

/*
 * Row `row` of the view's column chart at (y, x), width columns.  Rows 0 to DRAW_CHART_ROWS - 1
 * hold the columns, scaled to the largest value (written at the top of the axis); then the
 * axis, the labels (as many as fit, the last column's always), and the legend of the hatch.
 */
static void
draw_columns(const struct draw *d, const struct view *v, const struct view_item *it, int row,
    int y, int x, int width)
{
	const struct draw_glyphs	*g = draw_glyphs(d);
	char				 scale[24] = "";
	long				 max = 0, h;
	int				 i, k, aw, pitch, cw, lw = 0, step, level, cx;

	for (i = 0; i < v->ncolumns; i++) {
		if (v->columns[i] > max)
			max = v->columns[i];
		if (draw_width(v->column_labels[i]) > lw)
			lw = draw_width(v->column_labels[i]);
	}
	if (max > 0)
		snprintf(scale, sizeof scale, "%ld", max);
	aw = (int)strlen(scale) + 1;		/* the scale, then the axis */
	pitch = v->ncolumns > 0 ? (width - aw - 1) / v->ncolumns : 1;
	pitch = pitch < 1 ? 1 : pitch > 4 ? 4 : pitch;
	cw = pitch > 1 ? pitch - 1 : 1;
	attrset(draw_attr(d, DRAW_PAIR_NORMAL));
	if (row < DRAW_CHART_ROWS) {
		if (row == 0)
			draw_text(y, x, scale, aw - 1);
		mvaddstr(y, x + aw - 1, row == 0 ? g->tick : g->axis);
	} else if (row == DRAW_CHART_ROWS) {
		mvaddstr(y, x + aw - 1, g->corner);
		for (cx = x + aw; cx < x + aw + 1 + v->ncolumns * pitch && cx < x + width; cx++)
			mvaddstr(y, cx, g->line);
		return;
	} else if (row == DRAW_CHART_ROWS + 2) {
		attrset(draw_attr(d, DRAW_PAIR_NOTE));
		mvaddstr(y, x, g->hatch);
		draw_text(y, x + 2, it->text, width - 2);
		return;
	}
	step = (lw + pitch) / pitch;		/* columns from one label to the next */
	for (i = v->ncolumns - 1; i >= 0; i--) {
		cx = x + aw + 1 + i * pitch;
		if (cx + cw > x + width)
			continue;
		if (row == DRAW_CHART_ROWS + 1) {
			if ((v->ncolumns - 1 - i) % step == 0)
				draw_text(y, cx, v->column_labels[i], x + width - cx);
			continue;
		}
		if (v->columns[i] == VIEW_SUPPRESSED) {
			/* Hatched on the axis: nothing to read as a height. */
			for (k = 0; k < cw && row == DRAW_CHART_ROWS - 1; k++) {
				attrset(draw_attr(d, DRAW_PAIR_NOTE));
				mvaddstr(y, cx + k, g->hatch);
			}
			attrset(draw_attr(d, DRAW_PAIR_NORMAL));
			continue;
		}
		h = max > 0 ? (v->columns[i] * DRAW_CHART_ROWS * 8 + max / 2) / max : 0;
		if (h < 1 && v->columns[i] > 0)
			h = 1;
		level = (int)(h - (DRAW_CHART_ROWS - 1 - row) * 8);
		level = level < 0 ? 0 : level > 8 ? 8 : level;
		for (k = 0; k < cw; k++)
			mvaddstr(y, cx + k, g->column[level]);
	}
}

/* Does line i share the row of the line before it (the right column beside the left), when
 * the body starts at line first? */
static bool
draw_shares_row(const struct draw_line *lines, int first, int i)
{
	return lines[i].col == 2 && i > first && lines[i - 1].col == 1;
}

/* The rows lines first .. n - 1 take. */
static int
draw_rows(const struct draw_line *lines, int first, int n)
{
	int	i, rows = 0;

	for (i = first; i < n; i++)
		rows += !draw_shares_row(lines, first, i);
	return rows;
}

/* Draw one line of an item at row y, from x, width columns. */
static void
draw_item_line(struct draw *d, const struct view *v, const struct draw_line *l, int y, int x,
    int width, bool focused)
{
	const struct view_item	*it = &v->items[l->item];
	char			 text[VIEW_TEXT_MAX + 64], part[VIEW_TEXT_MAX];
	int			 pair = DRAW_PAIR_NORMAL;

	/* Charts take the line from the margin of the focus marker on. */
	if (it->kind == VIEW_BAR) {
		draw_bar(d, v, l->item, y, x + 2, width - 2);
		return;
	}
	if (it->kind == VIEW_COLUMNS) {
		draw_columns(d, v, it, l->start, y, x + 2, width - 2);
		return;
	}
	memcpy(part, it->text + l->start, (size_t)l->len);
	part[l->len] = '\0';
	switch (it->kind) {
	case VIEW_CHECK:
		/* The state in a symbol and a word, never by colour alone. */
		snprintf(text, sizeof text, "[%s] %s: %s", it->on ? "x" : " ", part,
		    it->on ? _("On") : _("Off"));
		break;
	case VIEW_RADIO:
		snprintf(text, sizeof text, "(%s) %s", it->on ? "\xe2\x97\x8f" : " ", part);
		break;
	case VIEW_LINK:
		snprintf(text, sizeof text, "%s%s", l->first ? "\xe2\x80\xba " : "  ", part);
		break;
	case VIEW_FIELD:
		snprintf(text, sizeof text, "%s%s", part, it->focused_field ? "\xe2\x96\x8f" : "");
		break;
	case VIEW_NOTE:
		pair = DRAW_PAIR_NOTE;
		snprintf(text, sizeof text, "%s", part);
		break;
	default:
		snprintf(text, sizeof text, "%s", part);
	}
	if (focused)
		pair = DRAW_PAIR_FOCUS;
	attrset(draw_attr(d, pair) | ((it->kind == VIEW_FIELD && it->focused_field) ||
	    it->kind == VIEW_HEADING ? A_BOLD : 0));
	if (focused || it->kind == VIEW_FIELD)
		mvhline(y, x, ' ', width);
	draw_text(y, x, focused && l->first ? "\xe2\x96\xb6" : " ", 1);
	draw_text(y, x + 2, text, width - 2);
	if (view_focusable(it))
		draw_add_hit(d, y, x, y, x + width - 1, it->event == JOURNEY_EV_NONE ?
		    JOURNEY_EV_NONE : it->event, it->arg, l->item);
}

/* The bottom bar: every button, side by side, three rows high. */
static void
draw_buttons(struct draw *d, const struct view *v, int focused)
{
	int	i, n = 0, k = 0, x, w, y = d->rows - 4;

	for (i = 0; i < v->n; i++)
		n += v->items[i].kind == VIEW_BUTTON;
	if (n == 0)
		return;
	w = (d->cols - 4 - (n - 1) * 2) / n;
	for (i = 0; i < v->n; i++) {
		const struct view_item *it = &v->items[i];
		int pair, r;
		if (it->kind != VIEW_BUTTON)
			continue;
		x = 2 + k * (w + 2);
		pair = i == focused ? DRAW_PAIR_FOCUS : it->primary ? DRAW_PAIR_PRIMARY :
		    DRAW_PAIR_BUTTON;
		attrset(draw_attr(d, pair) | (it->primary || i == focused ? A_BOLD : 0));
		for (r = 0; r < 3; r++)
			mvhline(y + r, x, ' ', w);
		if (i == focused)
			draw_text(y + 1, x + 1, "\xe2\x96\xb6", 1);
		draw_text(y + 1, x + (w - draw_width(it->text)) / 2 < x + 2 ? x + 2 :
		    x + (w - draw_width(it->text)) / 2, it->text, w - 3);
		if (!d->colour && it->primary) {
			mvaddch(y, x, '+');
			mvaddch(y + 2, x + w - 1, '+');
		}
		draw_add_hit(d, y, x, y + 2, x + w - 1, it->event, it->arg, i);
		k++;
	}
}

/* A large result across the screen: its colour, its symbol and its words (never one alone). */
static int
draw_banner(struct draw *d, const struct view_item *it, int y)
{
	static const char *const symbol[] = {
		[VIEW_GOOD] = "\xe2\x9c\x94",	/* ✔ */
		[VIEW_WARN] = "!",
		[VIEW_BAD] = "\xe2\x9c\x96",	/* ✖ */
	};
	static const int pair[] = {
		[VIEW_GOOD] = DRAW_PAIR_GOOD, [VIEW_WARN] = DRAW_PAIR_WARN, [VIEW_BAD] = DRAW_PAIR_BAD,
	};
	char	line[VIEW_TEXT_MAX + 16];
	int	tone = it->arg >= VIEW_GOOD && it->arg <= VIEW_BAD ? it->arg : VIEW_BAD, r, w;

	snprintf(line, sizeof line, "%s  %s  %s", symbol[tone], it->text, symbol[tone]);
	attrset((d->colour ? COLOR_PAIR(pair[tone]) : A_REVERSE) | A_BOLD);
	for (r = 0; r < 5; r++)
		mvhline(y + r, 2, ' ', d->cols - 4);
	w = draw_width(line);
	draw_text(y + 2, w < d->cols - 4 ? (d->cols - w) / 2 : 2, line, d->cols - 4);
	return 6;
}

/* "Please enlarge the window": everything else waits, answers intact. */
static void
draw_too_small(struct draw *d)
{
	const char	*msg = _("Please enlarge the window");
	int		 w = draw_width(msg);

	attrset(draw_attr(d, DRAW_PAIR_MESSAGE));
	draw_text(d->rows / 2, w < d->cols ? (d->cols - w) / 2 : 0, msg, d->cols);
}

/* The idle warning over the screen: the countdown and the button that extends it. */
static void
draw_warning(struct draw *d, int seconds)
{
	char	line[256];
	int	y = d->rows / 2 - 3, x = 10, w = d->cols - 20, r;

	attrset(draw_attr(d, DRAW_PAIR_FOCUS));
	for (r = 0; r < 7; r++)
		mvhline(y + r, x, ' ', w);
	draw_text(y + 1, x + 2, _("Are you still there?"), w - 4);
	snprintf(line, sizeof line, _("Your answers will be wiped in %d seconds."), seconds);
	draw_text(y + 2, x + 2, line, w - 4);
	attrset(draw_attr(d, DRAW_PAIR_PRIMARY) | A_BOLD);
	for (r = 0; r < 3; r++)
		mvhline(y + 3 + r, x + 2, ' ', w - 4);
	draw_text(y + 4, x + 4, _("I'm still here"), w - 8);
	d->nhits = 0;		/* only the warning answers now */
	draw_add_hit(d, 0, 0, d->rows - 1, d->cols - 1, JOURNEY_EV_STILL_HERE, 0, -1);
}

void
draw_view(struct draw *d, const struct view *v, int focus, int step, int warning)
{
	struct draw_line	 lines[DRAW_MAX_LINES];
	int			 focused = draw_focused(v, focus), i, n, y, top, height;
	int			 body_w, qr_x = -1, pad_x = -1, kb_rows = 0, kb_h = 0;
	int			 focus_line = -1;
	bool			 has_qr = false, has_pad = false, has_kb = false, below;

	getmaxyx(stdscr, d->rows, d->cols);
	d->nhits = 0;
	bkgdset(draw_attr(d, DRAW_PAIR_NORMAL));
	erase();
	if (d->rows < DRAW_MIN_ROWS || d->cols < DRAW_MIN_COLS) {
		draw_too_small(d);
		return;
	}
	if (step != d->last_step) {
		d->scroll = 0;
		d->last_step = step;
	}

	/* The title bar. */
	attrset(draw_attr(d, DRAW_PAIR_TITLE));
	mvhline(0, 0, ' ', d->cols);
	draw_text(0, 2, v->title, d->cols - 4 - draw_width(v->status));
	if (v->status[0] != '\0')
		draw_text(0, d->cols - 2 - draw_width(v->status), v->status, d->cols / 2);

	for (i = 0; i < v->n; i++) {
		has_qr |= v->items[i].kind == VIEW_QR;
		has_pad |= v->items[i].kind == VIEW_KEYPAD;
		has_kb |= v->items[i].kind == VIEW_KEYBOARD;
	}
	top = 2;
	height = d->rows - 7 - top;		/* rows top .. rows - 8; two for the message */
	body_w = d->cols - 4;
	if (has_qr) {
		qr_x = d->cols - 35;
		body_w = qr_x - 4;
		draw_qr(d, v->code, top - 1, qr_x);
	}
	if (has_pad) {
		pad_x = d->cols - 26;
		body_w = pad_x - 4;
		draw_keypad_at(d, top, pad_x);
	}
	if (has_kb) {
		kb_h = d->rows >= 34 ? 3 : 2;
		kb_rows = 5 * kb_h;
		if (kb_rows > height - 4) {
			kb_h = 1;
			kb_rows = 5;
		}
		draw_keyboard_at(d, top + height - kb_rows, (d->cols - 69) / 2, kb_h);
		height -= kb_rows + 1;
	}

	for (i = 0; i < v->n; i++)
		if (v->items[i].kind == VIEW_BANNER) {
			int used = draw_banner(d, &v->items[i], top);
			top += used;
			height -= used;
		}
	n = draw_layout(v, body_w, lines);
	if (d->large)
		n = draw_spread(lines, n);
	for (i = 0; i < n; i++)
		if (lines[i].item == focused && lines[i].first)
			focus_line = i;
	/* Keep the focus in sight; a screen starts at its top. */
	if (focus_line >= 0 && focus_line < d->scroll)
		d->scroll = focus_line;
	if (focus_line >= 0 && focus_line >= d->scroll + height)
		d->scroll = focus_line - height + 1;
	/* A heading brings its section into sight from the top, as far as the body goes. */
	if (focus_line >= 0 && v->items[focused].kind == VIEW_HEADING) {
		d->scroll = focus_line;
		while (d->scroll > 0 && draw_rows(lines, d->scroll - 1, n) <= height)
			d->scroll--;
	}
	if (d->scroll > n - 1)
		d->scroll = n > 0 ? n - 1 : 0;
	for (i = d->scroll, y = top; i < n; i++) {
		const struct draw_line *l = &lines[i];
		int x = 2, w = body_w;
		/* The right column shares the row of the left one. */
		if (draw_shares_row(lines, d->scroll, i))
			y--;
		if (y >= top + height)
			break;
		if (l->item < 0) {
			y++;
			continue;
		}
		if (l->col == 1 || l->col == 2) {
			w = body_w / 2 - 1;
			x = l->col == 1 ? 2 : 2 + body_w / 2 + 1;
		} else if (l->col == 3) {
			x = 6;
			w = body_w - 4;
		}
		draw_item_line(d, v, l, y, x, w, l->item == focused);
		y++;
	}
	below = draw_rows(lines, d->scroll, n) > height;
	if (below || d->scroll > 0) {
		attrset(draw_attr(d, DRAW_PAIR_NOTE));
		draw_text(top + height, 2, d->scroll > 0 && below ?
		    "\xe2\x96\xb2\xe2\x96\xbc" : d->scroll > 0 ? "\xe2\x96\xb2" : "\xe2\x96\xbc", 2);
	}

	if (v->message != NULL) {
		int starts[2], lens[2], k, m = draw_wrap(v->message, d->cols - 6, starts, lens, 2);
		char part[sizeof v->message_text];
		attrset(draw_attr(d, DRAW_PAIR_MESSAGE) | A_BOLD);
		for (k = 0; k < m; k++) {
			snprintf(part, sizeof part, "%.*s", lens[k], v->message + starts[k]);
			mvhline(d->rows - 6 + k + (m == 1), 2, ' ', d->cols - 4);
			draw_text(d->rows - 6 + k + (m == 1), 3, part, d->cols - 6);
		}
	}
	draw_buttons(d, v, focused);
	attrset(draw_attr(d, DRAW_PAIR_NOTE));
	draw_text(d->rows - 1, 2, _("Tab: move   Enter: choose   Esc: back   F2: language   "
	    "F3: contrast"), d->cols - 4);
	if (warning >= 0)
		draw_warning(d, warning);
}
