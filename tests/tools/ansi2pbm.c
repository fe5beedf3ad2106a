/*
 * ansi2pbm — a terminal screen, as `tmux capture-pane -p -e` prints it, drawn as a PBM image
 * that a barcode reader can scan.  The journey tests (tests/journey/) capture the kiosk's
 * screen and decode the QR code on it with zbarimg, the way a phone reads it off the glass.
 *
 *   ansi2pbm [-d] [-s SCALE] [-q QUIET] [-a | -r ROW -c COL -h ROWS -w COLS] <capture >image.pbm
 *
 * The model is a grid of cells, one per terminal cell.  A cell keeps its glyph, reduced to the
 * halves it paints (▀ U+2580 the upper, ▄ U+2584 the lower, █ U+2588 both, anything else
 * neither), and whether its foreground and background colours are dark.  Each cell becomes two
 * modules, one above the other: a half the glyph paints takes the foreground's shade, the other
 * the background's.  Each module is SCALE × SCALE pixels (default 4); a PBM pixel 1 is black.
 *
 * Colours are resolved as a terminal would when a cell is written: the SGR state carries from
 * cell to cell and from line to line (tmux writes a colour once, where it changes), reverse
 * video swaps foreground and background, and hidden text shows only its background.  A colour
 * is dark when its luma (Rec. 709 weights on the 0-255 components) is below half: the 16 basic
 * colours take xterm's values (so 0 and 8 are dark, 7 and 15 light), 16-231 are the 6×6×6
 * cube, 232-255 the greys.  tmux does not say what the terminal's default colours are, so the
 * default foreground is taken as dark and the default background as light; -d says the
 * opposite (light text on a dark terminal).
 *
 * Rows and columns count from 0.  A crop (-r -c -h -w) is by default the whole capture: every
 * line, as wide as the longest.  It may reach past the end of a line: tmux leaves out the
 * blanks at the end of a row (with -N, only those the program never wrote), and they are drawn
 * as blanks in the default background.  -a crops to the largest cluster of half-block cells instead (cells
 * at most one blank cell apart belong together: a QR symbol's timing patterns keep all of it in
 * one cluster, and the text around it has no half blocks), so a test can find the QR wherever
 * the screen shows it.  QUIET modules of light quiet zone are added on every side: 4 with -a,
 * none for a manual crop unless -q says so.
 *
 * Exit 0 with the image on stdout; 1 when the capture is malformed (bad UTF-8, a control
 * character), too large, or has nothing to draw; 2 for a usage error.  Every error is one line
 * on stderr, "ansi2pbm: <what>".
 */
#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define ANSI2PBM_MAX_INPUT	(16L * 1024 * 1024)	/* bytes of capture */
#define ANSI2PBM_MAX_CELLS	4096L			/* rows, and columns in a row */
#define ANSI2PBM_MAX_PIXELS	16384L			/* image side */
#define ANSI2PBM_MAX_SCALE	64L
#define ANSI2PBM_MAX_QUIET	64L
#define ANSI2PBM_AUTO_QUIET	4L			/* the quiet zone QR asks for */
#define ANSI2PBM_MAX_PARAMS	32
#define ANSI2PBM_REACH		2	/* cells this far apart (one blank between) cluster */

/* What a glyph paints, reduced to its halves. */
enum ansi2pbm_glyph {
	ANSI2PBM_GLYPH_NONE,		/* space, text: both halves background */
	ANSI2PBM_GLYPH_UPPER,		/* ▀ */
	ANSI2PBM_GLYPH_LOWER,		/* ▄ */
	ANSI2PBM_GLYPH_FULL,		/* █ */
};

/* The glyphs that paint, by code point. */
static const struct {
	uint32_t		 cp;
	enum ansi2pbm_glyph	 glyph;
} ansi2pbm_glyphs[] = {
	{ 0x2580, ANSI2PBM_GLYPH_UPPER },
	{ 0x2584, ANSI2PBM_GLYPH_LOWER },
	{ 0x2588, ANSI2PBM_GLYPH_FULL },
};

/* Whether each half shows the foreground, indexed [glyph][lower half]. */
static const bool ansi2pbm_paints[4][2] = {
	[ANSI2PBM_GLYPH_NONE] = { false, false },
	[ANSI2PBM_GLYPH_UPPER] = { true, false },
	[ANSI2PBM_GLYPH_LOWER] = { false, true },
	[ANSI2PBM_GLYPH_FULL] = { true, true },
};

/* xterm's 16 basic colours. */
static const unsigned char ansi2pbm_basic[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

/* The levels of each component in the 6×6×6 cube (colours 16-231). */
static const unsigned char ansi2pbm_cube[6] = { 0, 95, 135, 175, 215, 255 };

/* A colour as far as a barcode cares: the terminal's default, or dark, or light. */
enum ansi2pbm_shade {
	ANSI2PBM_SHADE_DEFAULT,
	ANSI2PBM_SHADE_DARK,
	ANSI2PBM_SHADE_LIGHT,
};

/* The SGR state: what the next cell is drawn with. */
struct ansi2pbm_pen {
	enum ansi2pbm_shade	 fg;
	enum ansi2pbm_shade	 bg;
	bool			 reverse;
	bool			 hidden;
};

struct ansi2pbm_cell {
	unsigned char		 glyph;		/* enum ansi2pbm_glyph */
	bool			 fg_dark;
	bool			 bg_dark;
};

struct ansi2pbm_row {
	struct ansi2pbm_cell	*cells;
	size_t			 len;
	size_t			 cap;
};

/* The capture: rows of cells, the pen, and the reason for the last failure. */
struct ansi2pbm_screen {
	struct ansi2pbm_row	*rows;
	size_t			 nrows;		/* rows started, including the one being read */
	size_t			 cap;
	size_t			 width;		/* the longest row */
	bool			 dark_theme;	/* -d: default foreground light, background dark */
	struct ansi2pbm_pen	 pen;
	char			 errmsg[160];
};

/* A region of cells, and the quiet zone around it in modules. */
struct ansi2pbm_crop {
	long	row;
	long	col;
	long	rows;
	long	cols;
	long	quiet;
};

/* An SGR parameter: its value (-1 when empty), and whether ':' joined it to the one before. */
struct ansi2pbm_param {
	long	value;
	bool	sub;
};

/* Out of memory is a bug in a test tool: say so and stop. */
static void *
ansi2pbm_realloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		abort();
	p = realloc(p, n * size == 0 ? 1 : n * size);
	if (p == NULL) {
		fputs("ansi2pbm: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* Record why the capture was refused; returns -1. */
static int
ansi2pbm_fail(struct ansi2pbm_screen *s, const char *what, size_t line)
{
	snprintf(s->errmsg, sizeof s->errmsg, "line %zu: %s", line, what);
	return -1;
}

/* True when a colour's luma is below half: 0.2126 R + 0.7152 G + 0.0722 B < 127.5. */
static bool
ansi2pbm_rgb_dark(long r, long g, long b)
{
	return 2126 * r + 7152 * g + 722 * b < 1275000;
}

/* The shade of palette colour n (0-255). */
static enum ansi2pbm_shade
ansi2pbm_palette(long n)
{
	long	r, g, b;

	if (n < 16) {
		r = ansi2pbm_basic[n][0];
		g = ansi2pbm_basic[n][1];
		b = ansi2pbm_basic[n][2];
	} else if (n < 232) {
		r = ansi2pbm_cube[(n - 16) / 36];
		g = ansi2pbm_cube[(n - 16) / 6 % 6];
		b = ansi2pbm_cube[(n - 16) % 6];
	} else
		r = g = b = 8 + 10 * (n - 232);
	return ansi2pbm_rgb_dark(r, g, b) ? ANSI2PBM_SHADE_DARK : ANSI2PBM_SHADE_LIGHT;
}

/* A parameter's value, or 0 when it was left empty. */
static long
ansi2pbm_param_value(const struct ansi2pbm_param *prm)
{
	return prm->value < 0 ? 0 : prm->value;
}

/*
 * The colour after a 38, 48 or 58 at prm[i]: "5;N" or "2;R;G;B", or the colon forms "5:N",
 * "2:R:G:B" and "2:CS:R:G:B" (with a colour-space id).  Sets *shade only when the colour is
 * well formed; returns the index of the parameter after it.
 */
static size_t
ansi2pbm_sgr_colour(const struct ansi2pbm_param *prm, size_t n, size_t i,
    enum ansi2pbm_shade *shade)
{
	long	v[5] = { -1, -1, -1, -1, -1 };
	size_t	end, count, k;

	if (i >= n)
		return n;
	if (prm[i].sub) {
		for (end = i; end < n && prm[end].sub; end++)
			;
		count = end - i;
		for (k = 0; k < count && k < 5; k++)
			v[k] = prm[i + k].value;
		if (count >= 5) {		/* 2:CS:R:G:B: drop the colour space */
			v[1] = v[2];
			v[2] = v[3];
			v[3] = v[4];
		}
	} else {
		v[0] = prm[i].value;
		count = v[0] == 5 ? 2 : v[0] == 2 ? 4 : 1;
		if (i + count > n)
			return n;		/* malformed: xterm ignores the rest */
		for (k = 1; k < count; k++)
			v[k] = ansi2pbm_param_value(&prm[i + k]);
		end = i + count;
	}
	if (v[0] == 5 && v[1] >= 0 && v[1] <= 255)
		*shade = ansi2pbm_palette(v[1]);
	else if (v[0] == 2 && v[1] >= 0 && v[1] <= 255 && v[2] >= 0 && v[2] <= 255 &&
	    v[3] >= 0 && v[3] <= 255)
		*shade = ansi2pbm_rgb_dark(v[1], v[2], v[3]) ? ANSI2PBM_SHADE_DARK :
		    ANSI2PBM_SHADE_LIGHT;
	return end;
}

/* Apply one SGR sequence's parameters to the pen; what has no colour meaning is skipped. */
static void
ansi2pbm_sgr(struct ansi2pbm_pen *pen, const struct ansi2pbm_param *prm, size_t n)
{
	static const struct ansi2pbm_pen	 reset = { 0 };
	enum ansi2pbm_shade			 unused;
	size_t					 i = 0, next;
	long					 v;

	while (i < n) {
		v = ansi2pbm_param_value(&prm[i]);
		next = i + 1;
		if (v == 38)
			next = ansi2pbm_sgr_colour(prm, n, i + 1, &pen->fg);
		else if (v == 48)
			next = ansi2pbm_sgr_colour(prm, n, i + 1, &pen->bg);
		else if (v == 58)			/* underline colour */
			next = ansi2pbm_sgr_colour(prm, n, i + 1, &unused);
		else {
			/* Sub-parameters of anything else ("4:3", a curly underline) go with it. */
			while (next < n && prm[next].sub)
				next++;
			if (v == 0)
				*pen = reset;
			else if (v == 7)
				pen->reverse = true;
			else if (v == 27)
				pen->reverse = false;
			else if (v == 8)
				pen->hidden = true;
			else if (v == 28)
				pen->hidden = false;
			else if (v >= 30 && v <= 37)
				pen->fg = ansi2pbm_palette(v - 30);
			else if (v == 39)
				pen->fg = ANSI2PBM_SHADE_DEFAULT;
			else if (v >= 40 && v <= 47)
				pen->bg = ansi2pbm_palette(v - 40);
			else if (v == 49)
				pen->bg = ANSI2PBM_SHADE_DEFAULT;
			else if (v >= 90 && v <= 97)
				pen->fg = ansi2pbm_palette(v - 90 + 8);
			else if (v >= 100 && v <= 107)
				pen->bg = ansi2pbm_palette(v - 100 + 8);
		}
		i = next;
	}
}

/*
 * A CSI sequence whose parameter bytes are p[0..len): an SGR ('m' with only digits, ';' and
 * ':') changes the pen; every other sequence (cursor movement, private modes) is ignored.
 */
static void
ansi2pbm_csi(struct ansi2pbm_screen *s, const unsigned char *p, size_t len)
{
	struct ansi2pbm_param	prm[ANSI2PBM_MAX_PARAMS];
	size_t			n = 0, i;
	long			value = -1;
	bool			sub = false;

	for (i = 0; i <= len; i++) {
		if (i == len || p[i] == ';' || p[i] == ':') {
			if (n < ANSI2PBM_MAX_PARAMS) {
				prm[n].value = value;
				prm[n].sub = sub;
				n++;
			}
			sub = i < len && p[i] == ':';
			value = -1;
		} else if (p[i] >= '0' && p[i] <= '9') {
			if (value < 0)
				value = 0;
			if (value < 100000)	/* larger means nothing; no overflow */
				value = value * 10 + (p[i] - '0');
		} else
			return;			/* a private marker: not an SGR */
	}
	ansi2pbm_sgr(&s->pen, prm, n);
}

/*
 * The escape sequence at p[i] (an ESC); returns the index after it.  CSI sequences go to
 * ansi2pbm_csi; strings (OSC, DCS, APC, PM, SOS) run to BEL or ST and are dropped; anything
 * else is ESC, intermediates and one final byte.  A sequence cut short by the end of the input
 * is dropped.
 */
static size_t
ansi2pbm_escape(struct ansi2pbm_screen *s, const unsigned char *p, size_t len, size_t i)
{
	size_t	start, end;

	if (i + 1 >= len)
		return len;
	switch (p[i + 1]) {
	case '[':
		start = end = i + 2;
		while (end < len && p[end] >= 0x30 && p[end] <= 0x3f)
			end++;
		i = end;
		while (i < len && p[i] >= 0x20 && p[i] <= 0x2f)
			i++;
		if (i >= len)
			return len;
		if (p[i] < 0x40 || p[i] > 0x7e)
			return i;		/* not a CSI after all: read on from here */
		if (p[i] == 'm' && i == end)
			ansi2pbm_csi(s, p + start, end - start);
		return i + 1;
	case ']':
	case 'P':
	case '_':
	case '^':
	case 'X':
		for (i += 2; i < len; i++) {
			if (p[i] == 0x07)
				return i + 1;
			if (p[i] == 0x1b && i + 1 < len && p[i + 1] == '\\')
				return i + 2;
		}
		return len;
	default:
		for (i++; i < len && p[i] >= 0x20 && p[i] <= 0x2f; i++)
			;
		return i < len ? i + 1 : len;
	}
}

/*
 * Decode one UTF-8 character at p (len > 0 bytes left) into *cp; returns its length, or 0 when
 * it is malformed: a stray continuation byte, a truncated sequence, an overlong form, a
 * surrogate, or beyond U+10FFFF.
 */
static size_t
ansi2pbm_utf8(const unsigned char *p, size_t len, uint32_t *cp)
{
	static const uint32_t	least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t		c;
	size_t			n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		c = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		c = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* The glyph a code point draws. */
static enum ansi2pbm_glyph
ansi2pbm_glyph(uint32_t cp)
{
	size_t	i;

	for (i = 0; i < sizeof ansi2pbm_glyphs / sizeof ansi2pbm_glyphs[0]; i++) {
		if (ansi2pbm_glyphs[i].cp == cp)
			return ansi2pbm_glyphs[i].glyph;
	}
	return ANSI2PBM_GLYPH_NONE;
}

/* Cells a code point takes, as the terminal counts them (0 for a combining mark). */
static int
ansi2pbm_width(uint32_t cp)
{
	int	w = wcwidth((wchar_t)cp);

	return w < 0 ? 1 : w;
}

/* Whether a shade is dark, given what the default is. */
static bool
ansi2pbm_shade_dark(enum ansi2pbm_shade shade, bool default_dark)
{
	if (shade == ANSI2PBM_SHADE_DEFAULT)
		return default_dark;
	return shade == ANSI2PBM_SHADE_DARK;
}

/* A blank cell in the terminal's default colours: what trimmed and unwritten cells are. */
static struct ansi2pbm_cell
ansi2pbm_blank(const struct ansi2pbm_screen *s)
{
	struct ansi2pbm_cell	cell = {
		.glyph = ANSI2PBM_GLYPH_NONE,
		.fg_dark = !s->dark_theme,
		.bg_dark = s->dark_theme,
	};

	return cell;
}

/* Start a new row; -1 when the capture has too many. */
static int
ansi2pbm_row_start(struct ansi2pbm_screen *s, size_t line)
{
	if (s->nrows >= (size_t)ANSI2PBM_MAX_CELLS)
		return ansi2pbm_fail(s, "more rows than a terminal has", line);
	if (s->nrows == s->cap) {
		s->cap = s->cap == 0 ? 64 : 2 * s->cap;
		s->rows = ansi2pbm_realloc(s->rows, s->cap, sizeof *s->rows);
	}
	memset(&s->rows[s->nrows], 0, sizeof s->rows[s->nrows]);
	s->nrows++;
	return 0;
}

/* Write a glyph at col of the last row with the pen, padding any gap with blanks. */
static int
ansi2pbm_put(struct ansi2pbm_screen *s, size_t col, enum ansi2pbm_glyph glyph, size_t line)
{
	struct ansi2pbm_row	*row = &s->rows[s->nrows - 1];
	const struct ansi2pbm_pen *pen = &s->pen;
	struct ansi2pbm_cell	 cell;

	if (col >= (size_t)ANSI2PBM_MAX_CELLS)
		return ansi2pbm_fail(s, "a line wider than a terminal", line);
	if (col >= row->cap) {
		row->cap = row->cap == 0 ? 128 : 2 * row->cap;
		if (row->cap <= col)
			row->cap = col + 1;
		row->cells = ansi2pbm_realloc(row->cells, row->cap, sizeof *row->cells);
	}
	while (row->len < col)
		row->cells[row->len++] = ansi2pbm_blank(s);
	/* Reverse video shows the background colour in front, default colours included. */
	cell.glyph = pen->hidden ? ANSI2PBM_GLYPH_NONE : glyph;
	cell.fg_dark = pen->reverse ? ansi2pbm_shade_dark(pen->bg, s->dark_theme) :
	    ansi2pbm_shade_dark(pen->fg, !s->dark_theme);
	cell.bg_dark = pen->reverse ? ansi2pbm_shade_dark(pen->fg, !s->dark_theme) :
	    ansi2pbm_shade_dark(pen->bg, s->dark_theme);
	row->cells[col] = cell;
	if (row->len <= col)
		row->len = col + 1;
	if (row->len > s->width)
		s->width = row->len;
	return 0;
}

/*
 * Read the whole capture into cells.  Each line ends with '\n' (a last line without one counts
 * too); '\r' is ignored and '\t' moves to the next multiple of 8.  Any other control character
 * and malformed UTF-8 are refused: a capture is text, and a test should hear that it was not.
 */
static int
ansi2pbm_parse(struct ansi2pbm_screen *s, const unsigned char *p, size_t len)
{
	size_t		i = 0, col = 0, line = 1, n;
	uint32_t	cp;
	int		w;
	char		what[64];

	if (ansi2pbm_row_start(s, line) == -1)
		return -1;
	while (i < len) {
		if (p[i] == 0x1b) {
			i = ansi2pbm_escape(s, p, len, i);
			continue;
		}
		if (p[i] == '\n') {
			i++;
			line++;
			col = 0;
			if (i < len && ansi2pbm_row_start(s, line) == -1)
				return -1;
			continue;
		}
		if (p[i] == '\r') {
			i++;
			continue;
		}
		if (p[i] == '\t') {
			i++;
			col = (col / 8 + 1) * 8;
			continue;
		}
		n = ansi2pbm_utf8(p + i, len - i, &cp);
		if (n == 0) {
			snprintf(what, sizeof what, "malformed UTF-8 at byte %zu", i + 1);
			return ansi2pbm_fail(s, what, line);
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			snprintf(what, sizeof what, "control character U+%04X", (unsigned)cp);
			return ansi2pbm_fail(s, what, line);
		}
		i += n;
		w = ansi2pbm_width(cp);
		if (w == 0)
			continue;
		if (ansi2pbm_put(s, col, ansi2pbm_glyph(cp), line) == -1)
			return -1;
		if (w == 2 && ansi2pbm_put(s, col + 1, ANSI2PBM_GLYPH_NONE, line) == -1)
			return -1;
		col += (size_t)w;
	}
	return 0;
}

/* The cell at (row, col), or a blank one beyond what the capture wrote. */
static struct ansi2pbm_cell
ansi2pbm_cell_at(const struct ansi2pbm_screen *s, long row, long col)
{
	if (row < 0 || col < 0 || (size_t)row >= s->nrows || (size_t)col >= s->rows[row].len)
		return ansi2pbm_blank(s);
	return s->rows[row].cells[col];
}

/* Whether module (x, y) of the image is dark; the quiet zone is light. */
static bool
ansi2pbm_module_dark(const struct ansi2pbm_screen *s, const struct ansi2pbm_crop *crop,
    long x, long y)
{
	struct ansi2pbm_cell	cell;

	x -= crop->quiet;
	y -= crop->quiet;
	if (x < 0 || y < 0 || x >= crop->cols || y >= 2 * crop->rows)
		return false;
	cell = ansi2pbm_cell_at(s, crop->row + y / 2, crop->col + x);
	return ansi2pbm_paints[cell.glyph][y % 2] ? cell.fg_dark : cell.bg_dark;
}

/*
 * Crop to the largest cluster of half-block cells: a flood fill in which cells at most
 * ANSI2PBM_REACH apart (either way) are neighbours.  Ties go to the cluster found first, reading
 * top to bottom.  Returns -1 when the capture has no half blocks at all.
 */
static int
ansi2pbm_autocrop(struct ansi2pbm_screen *s, struct ansi2pbm_crop *crop)
{
	size_t	 rows = s->nrows, cols = s->width, total = rows * cols;
	size_t	*stack = NULL, top, count, best = 0, r, c, i;
	bool	*seen = NULL;
	long	 r0, r1, c0, c1, dr, dc, nr, nc;
	int	 rc = -1;

	if (total == 0)
		goto out;
	seen = ansi2pbm_realloc(NULL, total, sizeof *seen);
	stack = ansi2pbm_realloc(NULL, total, sizeof *stack);
	for (i = 0; i < total; i++)
		seen[i] = ansi2pbm_cell_at(s, (long)(i / cols), (long)(i % cols)).glyph ==
		    ANSI2PBM_GLYPH_NONE;
	for (i = 0; i < total; i++) {
		if (seen[i])
			continue;
		seen[i] = true;
		stack[0] = i;
		top = 1;
		count = 0;
		r0 = r1 = (long)(i / cols);
		c0 = c1 = (long)(i % cols);
		while (top > 0) {
			r = stack[--top] / cols;
			c = stack[top] % cols;
			count++;
			r0 = (long)r < r0 ? (long)r : r0;
			r1 = (long)r > r1 ? (long)r : r1;
			c0 = (long)c < c0 ? (long)c : c0;
			c1 = (long)c > c1 ? (long)c : c1;
			for (dr = -ANSI2PBM_REACH; dr <= ANSI2PBM_REACH; dr++) {
				for (dc = -ANSI2PBM_REACH; dc <= ANSI2PBM_REACH; dc++) {
					nr = (long)r + dr;
					nc = (long)c + dc;
					if (nr < 0 || nc < 0 || nr >= (long)rows || nc >= (long)cols)
						continue;
					if (seen[(size_t)nr * cols + (size_t)nc])
						continue;
					seen[(size_t)nr * cols + (size_t)nc] = true;
					stack[top++] = (size_t)nr * cols + (size_t)nc;
				}
			}
		}
		if (count > best) {
			best = count;
			crop->row = r0;
			crop->col = c0;
			crop->rows = r1 - r0 + 1;
			crop->cols = c1 - c0 + 1;
		}
	}
	if (best > 0)
		rc = 0;
out:
	if (rc == -1)
		snprintf(s->errmsg, sizeof s->errmsg, "no half-block characters to crop to");
	free(stack);
	free(seen);
	return rc;
}

/* Write the crop as a P4 image, SCALE pixels per module, one row of bits at a time. */
static int
ansi2pbm_write(struct ansi2pbm_screen *s, const struct ansi2pbm_crop *crop, long scale,
    FILE *out)
{
	long		 mw = crop->cols + 2 * crop->quiet, mh = 2 * crop->rows + 2 * crop->quiet;
	long		 x, y, k;
	size_t		 stride;
	unsigned char	*bits = NULL;
	int		 rc = -1;

	if (mw * scale > ANSI2PBM_MAX_PIXELS || mh * scale > ANSI2PBM_MAX_PIXELS) {
		snprintf(s->errmsg, sizeof s->errmsg, "an image of %ld x %ld pixels is too large",
		    mw * scale, mh * scale);
		goto out;
	}
	stride = (size_t)(mw * scale + 7) / 8;
	bits = ansi2pbm_realloc(NULL, stride, 1);
	fprintf(out, "P4\n%ld %ld\n", mw * scale, mh * scale);
	for (y = 0; y < mh; y++) {
		memset(bits, 0, stride);
		for (x = 0; x < mw * scale; x++) {
			if (ansi2pbm_module_dark(s, crop, x / scale, y))
				bits[x / 8] |= (unsigned char)(0x80 >> (x % 8));
		}
		for (k = 0; k < scale; k++)
			fwrite(bits, 1, stride, out);
	}
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(s->errmsg, sizeof s->errmsg, "cannot write the image: %s",
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(bits);
	return rc;
}

/* Read all of stdin; NULL when it cannot be read or is larger than any screen. */
static unsigned char *
ansi2pbm_read(FILE *in, size_t *len, struct ansi2pbm_screen *s)
{
	unsigned char	*buf = NULL;
	size_t		 cap = 0, n;

	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap == 0 ? 65536 : 2 * cap;
			buf = ansi2pbm_realloc(buf, cap, 1);
		}
		n = fread(buf + *len, 1, cap - *len, in);
		*len += n;
		if (n == 0)
			break;
		if (*len > (size_t)ANSI2PBM_MAX_INPUT) {
			snprintf(s->errmsg, sizeof s->errmsg, "more than %ld bytes of capture",
			    ANSI2PBM_MAX_INPUT);
			goto fail;
		}
	}
	if (ferror(in)) {
		snprintf(s->errmsg, sizeof s->errmsg, "cannot read the capture: %s",
		    strerror(errno));
		goto fail;
	}
	return buf;
fail:
	free(buf);
	return NULL;
}

/* Free the rows; accepts a screen that read nothing. */
static void
ansi2pbm_screen_clear(struct ansi2pbm_screen *s)
{
	size_t	i;

	for (i = 0; i < s->nrows; i++)
		free(s->rows[i].cells);
	free(s->rows);
	s->rows = NULL;
	s->nrows = s->cap = 0;
}

/* A decimal option argument within [min, max]; -1 otherwise. */
static int
ansi2pbm_number(const char *arg, long min, long max, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The one line a usage error prints. */
static void
ansi2pbm_usage(void)
{
	fputs("ansi2pbm: usage: ansi2pbm [-d] [-s SCALE] [-q QUIET] [-a | -r ROW -c COL -h ROWS"
	    " -w COLS] <capture >image.pbm\n", stderr);
}

/* Options, then read, parse, crop and draw: exit 0, 1 for the capture's fault, 2 for ours. */
int
main(int argc, char **argv)
{
	struct ansi2pbm_screen	 screen = { 0 };
	struct ansi2pbm_crop	 crop = { .rows = -1, .cols = -1, .quiet = -1 };
	unsigned char		*input = NULL;
	size_t			 len;
	long			 scale = 4;
	bool			 autocrop = false, manual = false;
	int			 opt, bad = 0, rc = 2;

	/* wcwidth needs a UTF-8 locale; without one every character is one cell wide. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	opterr = 0;			/* one line on stderr: ours */
	while ((opt = getopt(argc, argv, "ac:dh:q:r:s:w:")) != -1) {
		switch (opt) {
		case 'a':
			autocrop = true;
			break;
		case 'c':
			bad |= ansi2pbm_number(optarg, 0, ANSI2PBM_MAX_CELLS, &crop.col);
			manual = true;
			break;
		case 'd':
			screen.dark_theme = true;
			break;
		case 'h':
			bad |= ansi2pbm_number(optarg, 1, ANSI2PBM_MAX_CELLS, &crop.rows);
			manual = true;
			break;
		case 'q':
			bad |= ansi2pbm_number(optarg, 0, ANSI2PBM_MAX_QUIET, &crop.quiet);
			break;
		case 'r':
			bad |= ansi2pbm_number(optarg, 0, ANSI2PBM_MAX_CELLS, &crop.row);
			manual = true;
			break;
		case 's':
			bad |= ansi2pbm_number(optarg, 1, ANSI2PBM_MAX_SCALE, &scale);
			break;
		case 'w':
			bad |= ansi2pbm_number(optarg, 1, ANSI2PBM_MAX_CELLS, &crop.cols);
			manual = true;
			break;
		default:
			bad = -1;
			break;
		}
	}
	if (bad != 0 || optind != argc || (autocrop && manual)) {
		ansi2pbm_usage();
		goto out;
	}

	/* From here on, a failure is the capture's: exit 1 with the reason. */
	rc = 1;
	input = ansi2pbm_read(stdin, &len, &screen);
	if (input == NULL)
		goto out;
	if (len == 0) {
		snprintf(screen.errmsg, sizeof screen.errmsg, "the capture is empty");
		goto out;
	}
	if (ansi2pbm_parse(&screen, input, len) == -1)
		goto out;
	if (autocrop) {
		if (ansi2pbm_autocrop(&screen, &crop) == -1)
			goto out;
		if (crop.quiet < 0)
			crop.quiet = ANSI2PBM_AUTO_QUIET;
	} else {
		/* What -h and -w leave out runs to the end of the capture. */
		if (crop.rows < 0)
			crop.rows = (long)screen.nrows - crop.row;
		if (crop.cols < 0)
			crop.cols = (long)screen.width - crop.col;
		if (crop.quiet < 0)
			crop.quiet = 0;
		if (crop.rows <= 0 || crop.cols <= 0) {
			snprintf(screen.errmsg, sizeof screen.errmsg, "the crop starts beyond the "
			    "capture's %zu rows of %zu cells", screen.nrows, screen.width);
			goto out;
		}
	}
	if (ansi2pbm_write(&screen, &crop, scale, stdout) == -1)
		goto out;
	rc = 0;
out:
	if (rc == 1)
		fprintf(stderr, "ansi2pbm: %s\n", screen.errmsg);
	free(input);
	ansi2pbm_screen_clear(&screen);
	return rc;
}
