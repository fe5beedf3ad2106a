/*
 * ui — the kiosk on a terminal: its lifecycle, the key table, and the loop.
 *
 * Keys, clicks, touches and barcode scanners become journey events here and nowhere else: a
 * scanner types a burst of characters ending in Enter faster than any hand, so a burst of six or
 * more is one SCAN event, and anything slower is typing.  Nothing leaves the kiosk but an admin
 * in the staff gate: the terminal is raw, so Ctrl-C, Ctrl-Z and Ctrl-\ are plain keys that do
 * nothing, and Esc and q go back or are typed.  From outside, SIGTERM (a service stopped), SIGHUP
 * and a terminal that has gone end it too, the session wiped first (ui_end_session).  Each event
 * goes to app_handle; the screen is built again from the journey (ui/screen_*.c) and drawn
 * (draw.c), and curses sends only what changed.
 *
 * Everything can be done from a numeric keypad (ui_keypad): where no field takes typing its
 * digits move, choose and go back; where one does, they type, and the keypad's other keys move
 * on, erase, go back, repeat and list the keys.  A keypad in application mode (which the kiosk
 * asks the terminal for) is told from the main keyboard by its own key codes; one that sends
 * plain digits works as well, and one with NumLock off sends arrows, Home, End, Insert, Delete.
 *
 * Speech (speak.c says what, src/speech.c says it) follows each drawing: what is new on the
 * screen is said.  It is on with --speech or speech = on, and 5 on the attract screen switches it
 * for a session; the large layout (9) and high contrast (3) likewise.  When a session ends the
 * next customer finds the kiosk as configured.  Speech or the large layout on puts the journey
 * in accessibility mode: ten times the time before the idle warning.
 *
 * When a session is wiped (JOURNEY_WIPE), the terminal forgets it too: the attract screen is
 * drawn over every cell curses keeps, each burst of keys is wiped once handled, windows are
 * blanked before a resize (ui_resize), and the stack below the loop is scrubbed
 * (ui_scrub_stack).  tests/journey/wipe.sh reads the process's memory to prove it.
 */
#include <sys/ioctl.h>

#include <curses.h>
#include <langinfo.h>
#include <poll.h>
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
#include "speak.h"
#include "speech.h"
#include "ui.h"
#include "util.h"

#define UI_TICK_MS	250	/* how often the clock is read */
#define UI_BURST_MS	35	/* a scanner's characters come faster than this */
#define UI_SCAN_MIN	6	/* the shortest burst that is a scan */
#define UI_KEY_ESC	27
#define UI_KEYPAD_MAX	16	/* keys of a numeric keypad (ui_keypad) */
#define UI_SCRUB_BYTES	(64 * 1024)	/* the stack below the loop wiped when a session ends */

struct ui {
	struct app	*app;
	struct draw	 draw;
	struct view	*view;
	bool		 contrast;
	time_t		 last_tick;

	/* Accessibility: what the config (and --speech) sets, and what this session has. */
	bool			 speech_default, large_default;
	bool			 speaking, large, offer;
	struct speech		*speech;	/* opened when speech is first wanted */
	struct speak		 said;		/* what has been said of the screen */
	struct speak_utterance	*utterance;
	int			 voice;		/* the language the speaker has, or -1 */
	bool			 offered;	/* this attract screen has offered speech */
	bool			 bell;		/* the last event rang */
	bool			 help;		/* the keys are shown in the message row */
	int			 last_step;
	bool			 ended;		/* a session was wiped: scrub the stack */
	bool			 gone;		/* the terminal went away (ui_terminal_gone) */
	int			 keypad[UI_KEYPAD_MAX];	/* ui_keypad's keys in application
							 * mode */
};

/*
 * The terminal changed size (SIGWINCH).  The kiosk catches the signal rather than leave it to
 * ncurses, whose own handler resizes the windows as they are: the lines it frees would keep the
 * text that was on them, a customer's e-mail address among it.  A signal handler can only set
 * a flag, so this one is file-scope; ui_step reads it.
 */
static volatile sig_atomic_t ui_resized;

/* SIGTERM (the service stopped) or SIGHUP (the terminal hung up): the signal, for ui_step. */
static volatile sig_atomic_t ui_stop;

/* What a key of the numeric keypad does when it does not type. */
enum ui_command {
	UI_DEFAULT,		/* what the key did before: typed, or nothing */
	UI_TYPE,		/* its digit, typed */
	UI_NEXT, UI_PREVIOUS, UI_NEXT5, UI_PREVIOUS5,
	UI_SELECT, UI_BACK, UI_ERASE, UI_START,
	UI_REPEAT, UI_HELP, UI_CODE,
	UI_SPEECH, UI_LARGE, UI_CONTRAST,
};

/* How a keypad key arrived. */
enum ui_keypad_mode {
	UI_PLAIN,		/* a character: NumLock on, or the main keyboard */
	UI_APPLICATION,		/* the keypad's own key code */
	UI_NUMLOCK_OFF,		/* Home, End, Insert, Delete, Begin */
};

/*
 * The numeric keypad: each key as a character, by its terminfo name in application mode, and
 * with NumLock off (where that is not already an arrow or a page key in ui_keys); what it does
 * where nothing is typed, where a field is typed into, and on the attract screen.  A plain
 * character on a screen with a field is typed where the field takes it, and * and / never are;
 * the keypad's own keys are told apart, and there its digits type and its other keys are
 * commands.
 */
static const struct {
	int		 c;
	const char	*cap;
	int		 off;
	enum ui_command	 idle, typing, attract;
} ui_keypad[] = {
	{ '8', "ka2", 0, UI_PREVIOUS, UI_TYPE, UI_PREVIOUS },
	{ '4', "kb1", 0, UI_PREVIOUS, UI_TYPE, UI_PREVIOUS },
	{ '2', "kc2", 0, UI_NEXT, UI_TYPE, UI_NEXT },
	{ '6', "kb3", 0, UI_NEXT, UI_TYPE, UI_NEXT },
	{ '9', "ka3", 0, UI_PREVIOUS5, UI_TYPE, UI_LARGE },
	{ '3', "kc3", 0, UI_NEXT5, UI_TYPE, UI_CONTRAST },
	{ '5', "kb2", KEY_BEG, UI_SELECT, UI_TYPE, UI_SPEECH },
	{ '0', "kpZRO", KEY_IC, UI_BACK, UI_TYPE, UI_START },
	{ '7', "ka1", KEY_HOME, UI_REPEAT, UI_TYPE, UI_REPEAT },
	{ '1', "kc1", KEY_END, UI_HELP, UI_TYPE, UI_HELP },
	{ '+', "kpADD", 0, UI_NEXT, UI_NEXT, UI_NEXT },
	{ '-', "kpSUB", 0, UI_BACK, UI_BACK, UI_START },
	{ '.', "kpDOT", KEY_DC, UI_CODE, UI_ERASE, UI_START },
	{ '*', "kpMUL", 0, UI_REPEAT, UI_REPEAT, UI_REPEAT },
	{ '/', "kpDIV", 0, UI_HELP, UI_HELP, UI_HELP },
};
#define UI_KEYPAD_KEYS	(sizeof ui_keypad / sizeof ui_keypad[0])
_Static_assert(UI_KEYPAD_KEYS <= UI_KEYPAD_MAX, "struct ui has room for every keypad key");

/* The terminal's events as journey events: the key table for keys that are not text (a key
 * with no event does the ui_command in arg). */
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
	{ KEY_F(1), JOURNEY_EV_NONE, UI_HELP },	{ KEY_F(4), JOURNEY_EV_NONE, UI_LARGE },
	{ KEY_F(5), JOURNEY_EV_NONE, UI_SPEECH },
};

static void
ui_build(struct ui *u)
{
	const struct journey	*j = app_journey(u->app);

	memset(u->view, 0, sizeof *u->view);
	screen_for(j->step)->build(j, u->view);
}

static void	ui_say(struct ui *);
static void	ui_session_ended(struct ui *);

static void
ui_draw(struct ui *u)
{
	const struct journey	*j = app_journey(u->app);

	if (j->step == JOURNEY_ATTRACT && u->last_step != JOURNEY_ATTRACT)
		ui_session_ended(u);
	u->last_step = (int)j->step;
	ui_build(u);
	ui_say(u);
	/* What the terminal adds to the screen, after speech has read the screen's own. */
	if (u->help)
		u->view->message = _("Keys: 2 6 + next, 8 4 previous, 5 Enter choose, 0 - back, "
		    ". erase, * repeat, / keys");
	if (u->speaking && u->speech != NULL && !speech_heard(u->speech) &&
	    u->view->status[0] == '\0')
		util_copy(u->view->status, sizeof u->view->status,
		    _("Speech is not available on this kiosk"));
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
	if (effects & JOURNEY_WIPE)
		u->ended = true;
	u->bell = (effects & JOURNEY_BELL) != 0;
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
	/* Enter on the field typed into goes on; on another field, typing goes there. */
	if (u->view->items[i].kind == VIEW_FIELD && ui_typing(u))
		return ui_send(u, u->view->items[i].focused_field ? JOURNEY_EV_NEXT :
		    u->view->items[i].event, u->view->items[i].arg, NULL);
	return ui_send(u, u->view->items[i].event, u->view->items[i].arg, NULL);
}

/* ---- speech ------------------------------------------------------------------------------ */

/* The speaker, opened the first time speech is wanted (it loads the engine). */
static struct speech *
ui_speaker(struct ui *u)
{
	if (u->speech == NULL) {
		u->speech = speech_open(SPEECH_AUDIO, getenv("PREFKIOSK_SPEECH_LOG"));
		u->voice = -1;
	}
	return u->speech;
}

/* The speaker in the customer's language. */
static void
ui_voice(struct ui *u)
{
	const struct journey	*j = app_journey(u->app);

	if (u->voice != j->lang) {
		speech_language(u->speech, app_shop(u->app)->config->languages[j->lang]);
		u->voice = j->lang;
	}
}

/* Say what is new on the screen just built; with speech off, offer it on the attract screen. */
static void
ui_say(struct ui *u)
{
	const struct journey	*j = app_journey(u->app);
	struct speak_utterance	*ut = u->utterance;
	bool			 bell = u->bell;

	u->bell = false;
	if (j->step != JOURNEY_ATTRACT)
		u->offered = false;
	if (!u->speaking) {
		if (u->offer && !u->offered && j->step == JOURNEY_ATTRACT) {
			ui_voice(u);
			speech_say(ui_speaker(u), SPEECH_NO_EARCON, speak_offer(), NULL);
			u->offered = true;
		}
		return;
	}
	ui_voice(u);
	if (speak_next(&u->said, u->view, j, draw_focused(u->view, j->focus),
	    journey_countdown(j, time(NULL)), bell, ut))
		speech_say(u->speech, ut->earcon, ut->text, ut->logged);
	sodium_memzero(ut, sizeof *ut);
}

/* Accessibility mode for the journey: when the config says so, or speech or the large layout is
 * on. */
static void
ui_accessible(struct ui *u)
{
	bool	on = strcmp(app_shop(u->app)->config->accessibility, "on") == 0 || u->speaking ||
	    u->large;

	if (app_journey(u->app)->accessible != on) {
		struct journey_event ev = { JOURNEY_EV_ACCESSIBLE, on, NULL, time(NULL) };
		app_handle(u->app, &ev);
	}
}

/* The next customer finds the kiosk as configured: speech, layout, time limits. */
static void
ui_session_ended(struct ui *u)
{
	u->speaking = u->speech_default;
	u->large = u->large_default;
	draw_set_large(&u->draw, u->large);
	ui_accessible(u);
	speak_init(&u->said);
	u->help = false;
}

/* Speech on or off for this session; said either way. */
static void
ui_toggle_speech(struct ui *u)
{
	u->speaking = !u->speaking;
	ui_speaker(u);
	ui_voice(u);
	speak_init(&u->said);
	if (!u->speaking)
		speech_say(u->speech, SPEECH_NO_EARCON, _("Speech off."), NULL);
	ui_accessible(u);
	ui_draw(u);		/* with speech on, the screen is said from the top */
}

/* The large layout on or off for this session. */
static void
ui_toggle_large(struct ui *u)
{
	u->large = !u->large;
	draw_set_large(&u->draw, u->large);
	ui_accessible(u);
	ui_draw(u);
	if (u->speaking)
		speech_say(u->speech, SPEECH_NO_EARCON, u->large ? _("Large text on.") :
		    _("Large text off."), NULL);
}

/* The keys, shown in the message row until the next key, and said. */
static void
ui_help(struct ui *u)
{
	u->help = true;
	ui_draw(u);
	if (u->speaking)
		speech_say(u->speech, SPEECH_NO_EARCON, speak_help(), NULL);
}

/* The reward code and card number on the screen, spelled out, on request. */
static void
ui_codes(struct ui *u)
{
	struct speak_codes	c;

	if (!u->speaking)
		return;
	speak_codes(u->view, app_journey(u->app), &c);
	if (c.n > 0)
		speech_spell(u->speech, c.parts, c.n);
	sodium_memzero(&c, sizeof c);
}

/* ---- the keypad -------------------------------------------------------------------------- */

/* The keypad's keys in application mode, as this terminal's terminfo codes them. */
static void
ui_keypad_codes(struct ui *u)
{
	size_t	i;
	char	*seq;

	for (i = 0; i < UI_KEYPAD_KEYS; i++) {
		seq = tigetstr(ui_keypad[i].cap);
		u->keypad[i] = seq != NULL && seq != (char *)-1 ? key_defined(seq) : 0;
	}
}

/* The row of ui_keypad a key is, and how it came; -1 when it is no keypad key. */
static int
ui_keypad_find(const struct ui *u, int key, bool code, enum ui_keypad_mode *mode)
{
	size_t	i;

	for (i = 0; i < UI_KEYPAD_KEYS; i++) {
		if (!code && ui_keypad[i].c == key)
			*mode = UI_PLAIN;
		else if (code && u->keypad[i] > 0 && u->keypad[i] == key)
			*mode = UI_APPLICATION;
		else if (code && ui_keypad[i].off != 0 && ui_keypad[i].off == key)
			*mode = UI_NUMLOCK_OFF;
		else
			continue;
		return (int)i;
	}
	return -1;
}

/* What a keypad key does here (the table above, applied). */
static enum ui_command
ui_keypad_command(const struct ui *u, int row, enum ui_keypad_mode mode)
{
	const struct journey	*j = app_journey(u->app);
	enum ui_command		 typing = ui_keypad[row].typing;

	if (j->desk)		/* staff type codes and card numbers */
		return mode == UI_APPLICATION ? UI_TYPE : UI_DEFAULT;
	if (j->step == JOURNEY_ATTRACT)
		return ui_keypad[row].attract;
	if (!ui_typing(u))
		return ui_keypad[row].idle;
	switch (mode) {
	case UI_PLAIN:
		/* Typed where the field takes it; a dot the field does not take stays nothing, as
		 * ever (a phone number written with dots must not lose digits). */
		if (typing == UI_REPEAT || typing == UI_HELP)
			return typing;
		return typing == UI_TYPE || ui_keypad[row].c == '.' ||
		    journey_takes(j, ui_keypad[row].c) ? UI_DEFAULT : typing;
	case UI_NUMLOCK_OFF:
		return typing == UI_TYPE ? ui_keypad[row].idle : typing;
	default:
		return typing;
	}
}

/* Do a command; true when an admin left the kiosk. */
static bool
ui_command(struct ui *u, enum ui_command cmd, int c)
{
	switch (cmd) {
	case UI_DEFAULT:
		return false;
	case UI_TYPE:
		return ui_send(u, JOURNEY_EV_CHAR, c, NULL);
	case UI_NEXT:
		return ui_send(u, JOURNEY_EV_FOCUS, 1, NULL);
	case UI_PREVIOUS:
		return ui_send(u, JOURNEY_EV_FOCUS, -1, NULL);
	case UI_NEXT5:
		return ui_send(u, JOURNEY_EV_FOCUS, 5, NULL);
	case UI_PREVIOUS5:
		return ui_send(u, JOURNEY_EV_FOCUS, -5, NULL);
	case UI_SELECT:
		return ui_activate(u);
	case UI_BACK:
		return app_journey(u->app)->step != JOURNEY_ATTRACT &&
		    ui_send(u, JOURNEY_EV_BACK, 0, NULL);
	case UI_ERASE:
		return ui_send(u, JOURNEY_EV_ERASE, 0, NULL);
	case UI_START:
		return ui_send(u, JOURNEY_EV_START, 0, NULL);
	case UI_REPEAT:
		if (u->speaking)
			speech_repeat(u->speech);
		return false;
	case UI_HELP:
		ui_help(u);
		return false;
	case UI_CODE:
		ui_codes(u);
		return false;
	case UI_SPEECH:
		ui_toggle_speech(u);
		return false;
	case UI_LARGE:
		ui_toggle_large(u);
		return false;
	case UI_CONTRAST:
		u->contrast = !u->contrast;
		draw_set_contrast(&u->draw, u->contrast);
		ui_draw(u);
		return false;
	}
	return false;
}

/* A character typed (not a scan). */
static bool
ui_char(struct ui *u, wint_t c)
{
	const struct journey	*j = app_journey(u->app);
	enum ui_keypad_mode	 mode;
	enum ui_command		 cmd;
	int			 row;

	if (c == '\r' || c == '\n' || (c == ' ' && !ui_typing(u)))
		return ui_activate(u);
	if (c < 0x20 || c == 0x7f)
		return false;		/* Ctrl-C, Ctrl-Z, Ctrl-\ and the like: nothing */
	if ((row = ui_keypad_find(u, (int)c, false, &mode)) >= 0 &&
	    (cmd = ui_keypad_command(u, row, mode)) != UI_DEFAULT)
		return ui_command(u, cmd, (int)c);
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
	if (effects & JOURNEY_WIPE)
		u->ended = true;
	u->bell = (effects & JOURNEY_BELL) != 0;
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
	bool	quit = false;

	timeout(UI_BURST_MS);
	while (r == OK && n < JOURNEY_TEXT_MAX && c != '\r' && c != '\n') {
		burst[n++] = (wchar_t)c;
		r = get_wch(&c);
	}
	timeout(UI_TICK_MS);
	if (r == OK && (c == '\r' || c == '\n') && n >= UI_SCAN_MIN)
		quit = ui_scan(u, burst, n);
	else {
		for (i = 0; i < n && !quit; i++)
			quit = ui_char(u, burst[i]);
		if (!quit && r == OK)
			quit = ui_char(u, c);	/* Enter, or the key that ended the burst */
		else if (!quit && r == KEY_CODE_YES)
			ungetch((int)c);
	}
	sodium_memzero(burst, sizeof burst);	/* what was typed, or a card's number */
	return quit;
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
	enum ui_keypad_mode	 mode;
	enum ui_command		 cmd;
	size_t			 i;
	int			 row;

	/* The numeric keypad; a key it does not use here goes on as the key it is. */
	if ((row = ui_keypad_find(u, key, true, &mode)) >= 0 &&
	    (cmd = ui_keypad_command(u, row, mode)) != UI_DEFAULT)
		return ui_command(u, cmd, ui_keypad[row].c);
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
		return ui_command(u, UI_CONTRAST, 0);
	default:
		break;
	}
	for (i = 0; i < sizeof ui_keys / sizeof ui_keys[0]; i++)
		if (ui_keys[i].key == key) {
			if (ui_keys[i].event == JOURNEY_EV_NONE)
				return ui_command(u, (enum ui_command)ui_keys[i].arg, 0);
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

/* SIGWINCH: a flag for ui_step, nothing more. */
static void
ui_on_winch(int sig)
{
	(void)sig;
	ui_resized = 1;
}

/* SIGTERM and SIGHUP: a flag for ui_step, nothing more. */
static void
ui_on_stop(int sig)
{
	ui_stop = sig;
}

/*
 * Has the terminal gone (its tmux server killed, its ssh connection dropped, a console hung
 * up)?  Reads from it then end at once with nothing, which get_wch reports as ERR just as it
 * reports a quiet tick, and the loop would spin.  SIGHUP may not say so: the kernel tells only
 * the session's leader, and the rest of the session only when the leader exits, which a
 * wrapper that ignores hang-ups never does.  poll tells a terminal hung up (POLLHUP, POLLERR)
 * or closed (POLLNVAL) from one that is merely quiet.
 */
static bool
ui_terminal_gone(void)
{
	struct pollfd	pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/*
 * Take the terminal's new size: every window blanked first (the one drawn, the next frame and
 * what curses believes the terminal shows), then resized, so that the lines ncurses frees or
 * reallocates hold nothing.  resizeterm queues KEY_RESIZE and marks the terminal for a full
 * repaint, so the screen is drawn again, whole, by the key that follows.
 */
static void
ui_resize(void)
{
	struct winsize	ws;

	ui_resized = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == -1 || ws.ws_row == 0 || ws.ws_col == 0)
		return;
	werase(stdscr);
	werase(newscr);
	werase(curscr);
	resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

/* One pass of the loop: a key, or the clock.  true when the kiosk stops: an admin left, a
 * signal asked (ui_stop) or the terminal went away (u->gone). */
static bool
ui_step(struct ui *u)
{
	wint_t	c;
	int	r;
	time_t	now;

	if (ui_resized)
		ui_resize();
	r = ui_stop == 0 ? get_wch(&c) : ERR;
	if (r == ERR && ui_terminal_gone())
		u->gone = true;
	if (ui_stop != 0 || u->gone)
		return true;
	now = time(NULL);

	if (now != u->last_tick) {
		u->last_tick = now;
		if (ui_send(u, JOURNEY_EV_TICK, 0, NULL))
			return true;
	}
	if (r == ERR)
		return false;
	if (u->help) {
		u->help = false;	/* the keys stay on the screen until the next one */
		ui_draw(u);
	}
	if (r == KEY_CODE_YES)
		return ui_key(u, (int)c);
	if (c == UI_KEY_ESC || c == '\t' || c == 127 || c == 8)
		return ui_key(u, (int)c);
	return ui_text(u, c);
}

/*
 * Wipe the stack below the loop.  What a customer typed passes through frames of code we do
 * not own (ncurses' wide-character input, vsnprintf's work area, the text conversions of
 * draw.c) and stays in that memory until a call as deep overwrites it; called from the loop,
 * the outermost frame that ever sees a session, this overwrites all of it once the session
 * is over.
 */
static void __attribute__((noinline))
ui_scrub_stack(void)
{
	unsigned char	area[UI_SCRUB_BYTES];

	sodium_memzero(area, sizeof area);
}

/*
 * The kiosk stops with no admin there (ui_stop, or the terminal gone): the session ends as an
 * idle one does, wiped, with the attract screen drawn over it, because a console has no screen
 * of its own to go back to and would keep showing the last one.  A terminal that went away is
 * not drawn on: only what curses keeps of the screen is blanked.
 */
static void
ui_end_session(struct ui *u)
{
	struct journey_event	ev = { JOURNEY_EV_CANCEL, 0, NULL, time(NULL) };

	app_handle(u->app, &ev);
	if (!u->gone)
		ui_draw(u);
	else {
		werase(stdscr);
		werase(newscr);
		werase(curscr);
		ui_session_ended(u);
		sodium_memzero(u->view, sizeof *u->view);
	}
	ui_scrub_stack();
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
	struct ui		 u;
	struct sigaction	 stop = { .sa_handler = ui_on_stop };
	const char		*staff = NULL;
	bool			 desk = strcmp(s->config->mode, "desk") == 0;
	int			 rc, i;

	memset(&u, 0, sizeof u);
	u.speech_default = strcmp(s->config->speech, "on") == 0;
	/* run [--desk] [--staff NAME] [--speech] */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--desk") == 0)
			desk = true;
		else if (strcmp(argv[i], "--speech") == 0)
			u.speech_default = true;
		else if (strcmp(argv[i], "--staff") == 0 && i + 1 < argc && argv[i + 1][0] != '\0'
		    && strlen(argv[i + 1]) < sizeof ((struct journey *)NULL)->staff)
			staff = argv[++i];
		else {
			fprintf(err, "prefkiosk: usage: prefkiosk run [--desk] [--staff NAME] "
			    "[--speech]\n");
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
	/* Before initscr, which leaves a handler that is already there in place. */
	signal(SIGWINCH, ui_on_winch);
	/*
	 * A service stopped (SIGTERM) or a terminal hung up (SIGHUP) ends the kiosk through the
	 * loop, as an admin leaving does: the session wiped, the terminal given back, the store
	 * closed.  ncurses' own SIGTERM handler would end the process at once.  No SA_RESTART,
	 * so that a wait the signal interrupts returns.
	 */
	sigemptyset(&stop.sa_mask);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGHUP, &stop, NULL);
	u.view = util_xcalloc(1, sizeof *u.view);
	u.utterance = util_xcalloc(1, sizeof *u.utterance);
	u.large_default = strcmp(s->config->layout, "large") == 0;
	u.offer = strcmp(s->config->speech, "offer") == 0;
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
	ui_keypad_codes(&u);
	draw_init(&u.draw, u.contrast);
	u.app = desk ? app_new_desk(s, time(NULL), staff) : app_new(s, time(NULL));
	u.last_step = (int)app_journey(u.app)->step;
	ui_session_ended(&u);		/* the first session starts as configured */
	/* The engine is loaded now only when speech is on or offered: the others never pay. */
	if (u.speech_default || u.offer)
		ui_speaker(&u);
	ui_draw(&u);
	while (!ui_step(&u)) {
		if (u.ended) {
			ui_scrub_stack();
			u.ended = false;
		}
	}
	if (ui_stop != 0 || u.gone)
		ui_end_session(&u);
	if (!u.gone)
		endwin();
	speech_close(u.speech);
	app_free(u.app);
	free(u.utterance);
	free(u.view);
	/* A service stopped has done what it was asked; a terminal lost is a failure. */
	if (u.gone || ui_stop == SIGHUP) {
		fprintf(err, "prefkiosk: the kiosk's terminal hung up; the session was wiped "
		    "and the kiosk stopped\n");
		return 1;
	}
	return 0;
}
