/*
 * ui — the kiosk on a terminal: its lifecycle, the key table, and the loop.
 *
 * Keys, clicks, touches and barcode scanners become journey events here and nowhere else: a
 * scanner types a burst of characters ending in Enter faster than any hand, so a burst of six or
 * more is one SCAN event, and anything slower is typing.  Nothing leaves the kiosk but an admin
 * in the staff gate: the terminal is raw, so Ctrl-C, Ctrl-Z and Ctrl-\ are plain keys that do
 * nothing, and Esc and q go back or are typed.  Each event goes to app_handle; the screen is
 * built again from the journey (ui/screen_*.c) and drawn (draw.c), and curses sends only what
 * changed.
 */
#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "screens.h"
#include "ui.h"
#include "util.h"

#define UI_TICK_MS	250	/* how often the clock is read */
#define UI_BURST_MS	35	/* a scanner's characters come faster than this */
#define UI_SCAN_MIN	6	/* the shortest burst that is a scan */
#define UI_KEY_ESC	27

struct ui {
	struct app	*app;
	struct draw	 draw;
	struct view	*view;
	bool		 contrast;
	time_t		 last_tick;
};

/* The terminal's events as journey events: the key table for keys that are not text. */
static const struct {
	int			 key;
	enum journey_event_type	 event;
	int			 arg;
} ui_keys[] = {
	{ '\t', JOURNEY_EV_FOCUS, 1 },		{ KEY_BTAB, JOURNEY_EV_FOCUS, -1 },
	{ KEY_DOWN, JOURNEY_EV_FOCUS, 1 },	{ KEY_UP, JOURNEY_EV_FOCUS, -1 },
	{ KEY_RIGHT, JOURNEY_EV_FOCUS, 1 },	{ KEY_LEFT, JOURNEY_EV_FOCUS, -1 },
	{ KEY_NPAGE, JOURNEY_EV_FOCUS, 5 },	{ KEY_PPAGE, JOURNEY_EV_FOCUS, -5 },
	{ UI_KEY_ESC, JOURNEY_EV_BACK, 0 },	{ KEY_BACKSPACE, JOURNEY_EV_ERASE, 0 },
	{ 127, JOURNEY_EV_ERASE, 0 },		{ 8, JOURNEY_EV_ERASE, 0 },
	{ KEY_F(12), JOURNEY_EV_STAFF, 0 },
};

static void
ui_build(struct ui *u)
{
	const struct journey	*j = app_journey(u->app);

	memset(u->view, 0, sizeof *u->view);
	screen_for(j->step)->build(j, u->view);
}

static void
ui_draw(struct ui *u)
{
	const struct journey	*j = app_journey(u->app);

	ui_build(u);
	draw_view(&u->draw, u->view, j->focus, (int)j->step, journey_countdown(j, time(NULL)));
	refresh();
}

/* Send an event; draw what changed; true when an admin left the kiosk. */
static bool
ui_send(struct ui *u, enum journey_event_type type, int arg, const char *text)
{
	struct journey_event	ev = { type, arg, text, time(NULL) };
	unsigned		effects = app_handle(u->app, &ev);

	if (effects & JOURNEY_QUIT)
		return true;
	if (effects & JOURNEY_BELL)
		beep();
	if (effects & (JOURNEY_REDRAW | JOURNEY_UPDATE | JOURNEY_LANGUAGE))
		ui_draw(u);
	return false;
}

/* Does the screen take typed text? */
static bool
ui_typing(const struct ui *u)
{
	int	i;

	for (i = 0; i < u->view->n; i++)
		if (u->view->items[i].kind == VIEW_FIELD)
			return true;
	return false;
}

/* Enter or Space on the focused control: the event it stands for. */
static bool
ui_activate(struct ui *u)
{
	int	i = draw_focused(u->view, app_journey(u->app)->focus);

	if (app_journey(u->app)->step == JOURNEY_ATTRACT && i < 0)
		return ui_send(u, JOURNEY_EV_START, 0, NULL);
	if (i < 0)
		return false;
	if (u->view->items[i].kind == VIEW_FIELD && ui_typing(u))
		return ui_send(u, JOURNEY_EV_NEXT, 0, NULL);
	return ui_send(u, u->view->items[i].event, u->view->items[i].arg, NULL);
}

/* A character typed (not a scan). */
static bool
ui_char(struct ui *u, wint_t c)
{
	const struct journey	*j = app_journey(u->app);

	if (c == '\r' || c == '\n' || (c == ' ' && !ui_typing(u)))
		return ui_activate(u);
	if (c < 0x20 || c == 0x7f)
		return false;		/* Ctrl-C, Ctrl-Z, Ctrl-\ and the like: nothing */
	if (j->step == JOURNEY_ATTRACT)
		return ui_send(u, JOURNEY_EV_START, 0, NULL);
	/* At the desk a key typed on a result starts the next code. */
	if (ui_typing(u) || j->desk)
		return ui_send(u, JOURNEY_EV_CHAR, (int)c, NULL);
	return false;
}

/* A scan: the journey takes it, or it is typed and entered like a hand would. */
static bool
ui_scan(struct ui *u, const wchar_t *burst, size_t n)
{
	char	text[JOURNEY_TEXT_MAX + 1];
	size_t	i, k = 0;
	struct journey_event ev = { JOURNEY_EV_SCAN, 0, text, time(NULL) };
	unsigned effects;

	for (i = 0; i < n && k < JOURNEY_TEXT_MAX; i++)
		if (burst[i] < 0x80)
			text[k++] = (char)burst[i];
	text[k] = '\0';
	effects = app_handle(u->app, &ev);
	sodium_memzero(text, sizeof text);
	if (effects == 0) {
		for (i = 0; i < n; i++)
			if (ui_char(u, burst[i]))
				return true;
		return ui_activate(u);
	}
	if (effects & JOURNEY_BELL)
		beep();
	ui_draw(u);
	return (effects & JOURNEY_QUIT) != 0;
}

/* Printable input: gather what arrives within a burst; a long burst ending in Enter is a scan. */
static bool
ui_text(struct ui *u, wint_t first)
{
	wchar_t	burst[JOURNEY_TEXT_MAX + 1];
	size_t	n = 0, i;
	wint_t	c = first;
	int	r = OK;

	timeout(UI_BURST_MS);
	while (r == OK && n < JOURNEY_TEXT_MAX && c != '\r' && c != '\n') {
		burst[n++] = (wchar_t)c;
		r = get_wch(&c);
	}
	timeout(UI_TICK_MS);
	if (r == OK && (c == '\r' || c == '\n') && n >= UI_SCAN_MIN)
		return ui_scan(u, burst, n);
	for (i = 0; i < n; i++)
		if (ui_char(u, burst[i]))
			return true;
	if (r == OK)
		return ui_char(u, c);		/* Enter, or the key that ended the burst */
	if (r == KEY_CODE_YES)
		ungetch((int)c);
	return false;
}

static bool
ui_mouse(struct ui *u)
{
	const struct draw_hit	*h;
	MEVENT			 me;

	if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return false;
	if ((h = draw_hit_at(&u->draw, me.y, me.x)) != NULL && h->event != JOURNEY_EV_NONE)
		return ui_send(u, h->event, h->arg, NULL);
	/* A heading tapped takes the focus, which brings its section to the top. */
	if (h != NULL && h->item >= 0 && u->view->items[h->item].kind == VIEW_HEADING)
		return ui_send(u, JOURNEY_EV_FOCUS, draw_focus_step(u->view,
		    app_journey(u->app)->focus, h->item), NULL);
	if (app_journey(u->app)->step == JOURNEY_ATTRACT)
		return ui_send(u, JOURNEY_EV_START, 0, NULL);
	return false;
}

/* A key that is not text: the key table, and the few the terminal itself needs. */
static bool
ui_key(struct ui *u, int key)
{
	const struct journey	*j = app_journey(u->app);
	size_t			 i;

	switch (key) {
	case KEY_MOUSE:
		return ui_mouse(u);
	case KEY_RESIZE:
		ui_draw(u);
		return false;
	case KEY_ENTER:
		return ui_activate(u);
	case KEY_F(2):
		return ui_send(u, JOURNEY_EV_LANGUAGE, (j->lang + 1) %
		    app_shop(u->app)->config->nlanguages, NULL);
	case KEY_F(3):
		u->contrast = !u->contrast;
		draw_set_contrast(&u->draw, u->contrast);
		ui_draw(u);
		return false;
	default:
		break;
	}
	for (i = 0; i < sizeof ui_keys / sizeof ui_keys[0]; i++)
		if (ui_keys[i].key == key) {
			if (ui_keys[i].event == JOURNEY_EV_ERASE && !ui_typing(u))
				return false;
			if (ui_keys[i].event == JOURNEY_EV_BACK && j->step == JOURNEY_ATTRACT)
				return false;
			return ui_send(u, ui_keys[i].event, ui_keys[i].arg, NULL);
		}
	if (j->step == JOURNEY_ATTRACT && key != KEY_F(12))
		return ui_send(u, JOURNEY_EV_START, 0, NULL);
	return false;
}

/* One pass of the loop: a key, or the clock.  true when an admin left. */
static bool
ui_step(struct ui *u)
{
	wint_t	c;
	int	r = get_wch(&c);
	time_t	now = time(NULL);

	if (now != u->last_tick) {
		u->last_tick = now;
		if (ui_send(u, JOURNEY_EV_TICK, 0, NULL))
			return true;
	}
	if (r == ERR)
		return false;
	if (r == KEY_CODE_YES)
		return ui_key(u, (int)c);
	if (c == UI_KEY_ESC || c == '\t' || c == 127 || c == 8)
		return ui_key(u, (int)c);
	return ui_text(u, c);
}

/* What the kiosk needs before it takes the screen; an exit code, or 0. */
static int
ui_check(struct shop *s, FILE *err)
{
	char	*localedir, *cause = NULL;
	int	 rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(err, "prefkiosk: the kiosk needs a terminal; for scripts use the "
		    "commands (prefkiosk help)\n");
		return 2;
	}
	localedir = util_xprintf("%s/locale", s->config->assets_dir);
	rc = i18n_init(localedir, &cause);
	free(localedir);
	if (rc == 0)
		rc = i18n_use(s->config->languages[0], &cause);
	if (rc != 0) {
		fprintf(err, "prefkiosk: %s\n", cause);
		free(cause);
		return 1;
	}
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
		fprintf(err, "prefkiosk: the kiosk needs a UTF-8 locale to draw QR codes; "
		    "run it with LANG=C.UTF-8\n");
		return 1;
	}
	return 0;
}

int
ui_run(struct shop *s, int argc, char **argv, FILE *err)
{
	struct ui	 u;
	const char	*staff = NULL;
	bool		 desk = strcmp(s->config->mode, "desk") == 0;
	int		 rc, i;

	/* run [--desk] [--staff NAME] */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--desk") == 0)
			desk = true;
		else if (strcmp(argv[i], "--staff") == 0 && i + 1 < argc && argv[i + 1][0] != '\0'
		    && strlen(argv[i + 1]) < sizeof ((struct journey *)NULL)->staff)
			staff = argv[++i];
		else {
			fprintf(err, "prefkiosk: usage: prefkiosk run [--desk] [--staff NAME]\n");
			return 2;
		}
	}
	if (staff != NULL && !desk) {
		fprintf(err, "prefkiosk: --staff names the member of staff of a desk: add --desk\n");
		return 2;
	}
	if ((rc = ui_check(s, err)) != 0)
		return rc;
	/* Only an admin leaves: no signal from the keyboard ends or stops the kiosk. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	memset(&u, 0, sizeof u);
	u.view = util_xcalloc(1, sizeof *u.view);
	u.contrast = strcmp(s->config->theme, "high_contrast") == 0;
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
	mouseinterval(0);
	timeout(UI_TICK_MS);
	draw_init(&u.draw, u.contrast);
	u.app = desk ? app_new_desk(s, time(NULL), staff) : app_new(s, time(NULL));
	ui_draw(&u);
	while (!ui_step(&u))
		;
	endwin();
	app_free(u.app);
	free(u.view);
	return 0;
}
