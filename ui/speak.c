/*
 * speak — the words for a view.
 *
 * An utterance is built part by part (speak_add): each part ends as a sentence, is written as it
 * is said (an ISO date as "31 March 2026" in the customer's language, a long run of digits one
 * digit at a time), and goes to the log with the member's name, e-mail and phone number taken
 * out.  speak_next keeps, in struct speak, what it last said of the screen, the focused control,
 * the field typed into, the message, the status and the countdown, and says only what differs;
 * a whole screen is said when the step, the language, the title (one step asks each purpose in
 * turn) or the reward shown changes.
 *
 * Earcons: failure when the last event rang the bell (the store refused: a wrong PIN, a printer
 * away) or a message came up on a screen that takes typing (a field that needs another look);
 * success when a sign-up reaches its reward, a member signs in or is deleted, a message comes up
 * anywhere else (saved, printed, withdrawn), or a member's consent changes on "my consents".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "i18n.h"
#include "speak.h"
#include "util.h"

#define SPEAK_PRIVATE	"[private]"

/* The role a control is said with, after its label and state. */
static const struct {
	enum view_kind	 kind;
	const char	*role;
} speak_roles[] = {
	{ VIEW_CHECK, N_("check box") },
	{ VIEW_RADIO, N_("radio button") },
	{ VIEW_FIELD, N_("edit field") },
	{ VIEW_BUTTON, N_("button") },
	{ VIEW_LINK, N_("link") },
	{ VIEW_HEADING, N_("heading") },
};

static const char *const speak_months[] = {
	N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
	N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
	N_("December"),
};

static bool
speak_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Is there a date YYYY-MM-DD at p (and no digit right after it)?  Its parts into y, m, d. */
static bool
speak_date_at(const char *p, int *y, int *m, int *d)
{
	static const char	shape[] = "dddd-dd-dd";
	size_t			i;

	for (i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? !speak_digit(p[i]) : p[i] != shape[i])
			return false;
	if (speak_digit(p[i]) || sscanf(p, "%4d-%2d-%2d", y, m, d) != 3)
		return false;
	return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* in as it is said, into out: dates in words, five or more digits one by one. */
static void
speak_words(const char *in, char *out, size_t size)
{
	const char	*first = in;
	size_t		 n = 0, run;
	int		 y, m, d, w;

	while (*in != '\0' && n + 1 < size) {
		bool start = in == first || !speak_digit(in[-1]);
		if (start && speak_date_at(in, &y, &m, &d)) {
			/* TRANSLATORS: a date read aloud: %1$d the year, %2$s the month's name,
			 * %3$d the day; put them in your language's order. */
			w = snprintf(out + n, size - n, _("%3$d %2$s %1$d"), y,
			    _(speak_months[m - 1]), d);
			n = w < 0 ? n : n + (size_t)w >= size ? size - 1 : n + (size_t)w;
			in += 10;
			continue;
		}
		for (run = 0; speak_digit(in[run]); run++)
			;
		if (start && run >= 5) {
			for (; run > 0 && n + 2 < size; run--, in++) {
				out[n++] = *in;
				out[n++] = ' ';
			}
			continue;
		}
		out[n++] = *in++;
	}
	out[n] = '\0';
}

/* Does the word w of length len stand in text at in as a whole word? */
static bool
speak_word_at(const char *text, const char *in, const char *w, size_t len)
{
	return strncmp(in, w, len) == 0 &&
	    (in == text || !isalnum((unsigned char)in[-1])) && !isalnum((unsigned char)in[len]);
}

/*
 * in with each of the member's personal values as SPEAK_PRIVATE, into out: the whole name, the
 * e-mail and the phone wherever they stand, and each word of the name (two letters or more)
 * where it stands as a word — the desk, for one, shows the first name alone.
 */
static void
speak_mask(const struct journey *j, const char *in, char *out, size_t size)
{
	const struct customer_profile	*p = j->draft->profile;
	const char			*values[] = { p->name, p->email, p->phone }, *w;
	const char			*text = in;
	size_t				 i, n = 0, len, best, wl;

	while (*in != '\0' && n + 1 < size) {
		best = 0;
		for (i = 0; i < sizeof values / sizeof values[0]; i++)
			if ((len = strlen(values[i])) >= 2 && len > best &&
			    strncmp(in, values[i], len) == 0)
				best = len;
		for (w = p->name; *w != '\0'; w += wl) {
			w += strspn(w, " ");
			wl = strcspn(w, " ");
			if (wl >= 2 && wl > best && speak_word_at(text, in, w, wl))
				best = wl;
		}
		if (best == 0) {
			out[n++] = *in++;
			continue;
		}
		len = strlen(SPEAK_PRIVATE);
		if (n + len >= size)
			break;
		memcpy(out + n, SPEAK_PRIVATE, len);
		n += len;
		in += best;
	}
	out[n] = '\0';
}

/* Append s to dst (of size bytes), a space between, and a full stop unless s ends a sentence. */
static void
speak_append(char *dst, size_t size, const char *s)
{
	size_t	n = strlen(dst), len = strlen(s);
	char	last = len > 0 ? s[len - 1] : '.';

	snprintf(dst + n, n < size ? size - n : 0, "%s%s%s", n > 0 ? " " : "", s,
	    strchr(".!?:", last) != NULL ? "" : ".");
}

/* One part of an utterance, said and logged. */
static void
speak_add(struct speak_utterance *u, const struct journey *j, const char *part)
{
	char	masked[VIEW_TEXT_MAX * 2], words[VIEW_TEXT_MAX * 3];

	if (part == NULL || *part == '\0')
		return;
	speak_words(part, words, sizeof words);
	speak_append(u->text, sizeof u->text, words);
	speak_mask(j, part, masked, sizeof masked);
	speak_words(masked, words, sizeof words);
	speak_append(u->logged, sizeof u->logged, words);
	sodium_memzero(words, sizeof words);
}

/* Does text show what is said only on request, or never: the reward code, the card number, the
 * consent receipt? */
static bool
speak_withheld(const struct view *v, const struct journey *j, const char *text)
{
	char	grouped[CODE_GROUPED_LEN + 1];

	if (v->code[0] != '\0') {
		code_group(v->code, grouped);
		if (strstr(text, v->code) != NULL || strstr(text, grouped) != NULL)
			return true;
	}
	/* The desk's last code, which another till may still redeem. */
	if (j->ticket.code[0] != '\0') {
		code_group(j->ticket.code, grouped);
		if (strstr(text, j->ticket.code) != NULL || strstr(text, grouped) != NULL)
			return true;
	}
	return (j->draft->profile->card[0] != '\0' &&
	    strstr(text, j->draft->profile->card) != NULL) ||
	    (j->receipt[0] != '\0' && strstr(text, j->receipt) != NULL);
}

/* The view item of the field typed into, or -1. */
static int
speak_typing_item(const struct view *v)
{
	int	i;

	for (i = 0; i < v->n; i++)
		if (v->items[i].kind == VIEW_FIELD && v->items[i].focused_field)
			return i;
	return -1;
}

/* A field's label: its text without ": " and what was typed (dots for a secret). */
static void
speak_field_label(const struct view_item *it, const struct journey *j, char *out, size_t size)
{
	size_t	typed = 0, len = strlen(it->text), shown;

	if (it->arg >= 0 && it->arg < JOURNEY_MAX_FIELDS + 4)
		typed = strlen(j->text[it->arg]);
	shown = (it->secret ? 3 : 1) * typed;
	if (shown + 2 <= len && strncmp(it->text + len - shown - 2, ": ", 2) == 0)
		len -= shown + 2;
	snprintf(out, size, "%.*s", (int)len, it->text);
}

/* The characters typed into a field (code points, not bytes). */
static int
speak_typed(const struct view_item *it, const struct journey *j)
{
	const char	*p;
	int		 n = 0;

	if (it->arg < 0 || it->arg >= JOURNEY_MAX_FIELDS + 4)
		return 0;
	for (p = j->text[it->arg]; *p != '\0'; p++)
		n += ((unsigned char)*p & 0xc0) != 0x80;
	return n;
}

void
speak_control(const struct view *v, const struct journey *j, int item, char *out, size_t size)
{
	const struct view_item	*it;
	const char		*role = NULL;
	char			 label[VIEW_TEXT_MAX], state[64];
	size_t			 i;
	int			 n;

	out[0] = '\0';
	if (item < 0 || item >= v->n)
		return;
	it = &v->items[item];
	for (i = 0; i < sizeof speak_roles / sizeof speak_roles[0]; i++)
		if (speak_roles[i].kind == it->kind)
			role = _(speak_roles[i].role);
	util_copy(label, sizeof label, it->text);
	switch (it->kind) {
	case VIEW_CHECK:
		snprintf(state, sizeof state, "%s", it->on ? _("on") : _("off"));
		break;
	case VIEW_RADIO:
		snprintf(state, sizeof state, "%s", it->on ? _("selected") : _("not selected"));
		break;
	case VIEW_FIELD:
		speak_field_label(it, j, label, sizeof label);
		if ((n = speak_typed(it, j)) == 0)
			snprintf(state, sizeof state, "%s", _("empty"));
		else
			snprintf(state, sizeof state, ngettext("%d character", "%d characters",
			    (unsigned long)n), n);
		break;
	default:
		state[0] = '\0';
	}
	if (role == NULL)
		snprintf(out, size, "%s", label);
	else if (state[0] != '\0')
		snprintf(out, size, "%s, %s, %s", label, state, role);
	else
		snprintf(out, size, "%s, %s", label, role);
}

/* The status at the top right, as said: "1 / 6" is "1 of 6". */
static void
speak_status(const char *status, char *out, size_t size)
{
	int	a, b, end = 0;

	if (sscanf(status, "%d / %d%n", &a, &b, &end) == 2 && status[end] == '\0')
		snprintf(out, size, _("%d of %d"), a, b);
	else
		snprintf(out, size, "%s", status);
}

/* Is the view showing the member's card number? */
static bool
speak_shows_card(const struct view *v, const struct journey *j)
{
	int	i;

	if (j->draft->profile->card[0] == '\0')
		return false;
	for (i = 0; i < v->n; i++)
		if (strstr(v->items[i].text, j->draft->profile->card) != NULL)
			return true;
	return false;
}

void
speak_screen(const struct view *v, const struct journey *j, int focused,
    struct speak_utterance *u)
{
	char	part[VIEW_TEXT_MAX];
	int	i, typing = speak_typing_item(v);

	u->text[0] = u->logged[0] = '\0';
	u->earcon = SPEECH_NO_EARCON;
	speak_add(u, j, v->title);
	speak_status(v->status, part, sizeof part);
	speak_add(u, j, part);
	for (i = 0; i < v->n; i++) {
		const struct view_item *it = &v->items[i];
		if (it->kind == VIEW_BAR) {
			/* A chart's bar: its label and its figure in words. */
			snprintf(part, sizeof part, "%s: %s", it->text, it->figure);
			speak_add(u, j, part);
		} else if ((it->kind == VIEW_PARAGRAPH || it->kind == VIEW_NOTE ||
		    it->kind == VIEW_BANNER) &&
		    !speak_withheld(v, j, it->text))
			speak_add(u, j, it->text);
	}
	if (v->code[0] != '\0') {
		speak_add(u, j, _("A code for it is shown on the screen, and Print prints it."));
		speak_add(u, j, speak_shows_card(v, j) ?
		    _("Press the dot key to hear the code and your card number.") :
		    _("Press the dot key to hear the code."));
	}
	if (j->step == JOURNEY_ATTRACT)
		speak_add(u, j, _("To start, press Enter. 2 and 8 move, 0 goes back, star repeats, "
		    "slash says every key. 5 turns speech off."));
	speak_add(u, j, v->message);
	if (typing >= 0 && typing != focused) {
		speak_control(v, j, typing, part, sizeof part);
		speak_add(u, j, part);
	}
	speak_control(v, j, focused, part, sizeof part);
	speak_add(u, j, part);
}

/* A step that means an action succeeded, reached from the step before. */
static bool
speak_arrival(int from, enum journey_step to)
{
	return to == JOURNEY_REWARD || to == JOURNEY_DELETED || (to == JOURNEY_MEMBER &&
	    (from == JOURNEY_SIGNIN || from == JOURNEY_SIGNIN_PIN));
}

void
speak_init(struct speak *mem)
{
	memset(mem, 0, sizeof *mem);
	mem->step = -1;
	mem->focus = -1;
	mem->countdown = -1;
}

/* The idle warning when it comes up, then its countdown when one is due. */
static void
speak_warning(struct speak *mem, const struct journey *j, int countdown,
    struct speak_utterance *u)
{
	char	part[256];

	if (mem->countdown < 0) {
		speak_add(u, j, _("Are you still there?"));
		snprintf(part, sizeof part, _("Your answers will be wiped in %d seconds."),
		    countdown);
		speak_add(u, j, part);
		speak_add(u, j, _("Press any key to stay."));
	} else if (countdown != mem->countdown && speak_countdown_due(countdown)) {
		snprintf(part, sizeof part, ngettext("%d second", "%d seconds",
		    (unsigned long)countdown), countdown);
		speak_add(u, j, part);
	}
	mem->countdown = countdown;
}

/* Remember the screen as said now. */
static void
speak_remember(struct speak *mem, const struct view *v, const struct journey *j, int focused)
{
	mem->step = (int)j->step;
	mem->lang = j->lang;
	mem->reward = j->reward_shown;
	util_copy(mem->title, sizeof mem->title, v->title);
	util_copy(mem->status, sizeof mem->status, v->status);
	mem->focus = focused;
	speak_control(v, j, focused, mem->control, sizeof mem->control);
	speak_control(v, j, speak_typing_item(v), mem->typing, sizeof mem->typing);
	util_copy(mem->message, sizeof mem->message, v->message);
}

bool
speak_next(struct speak *mem, const struct view *v, const struct journey *j, int focused,
    int countdown, bool bell, struct speak_utterance *u)
{
	char	part[SPEAK_LINE];
	int	typing = speak_typing_item(v);
	bool	toggled;

	u->text[0] = u->logged[0] = '\0';
	u->earcon = SPEECH_NO_EARCON;
	if (countdown >= 0) {
		speak_warning(mem, j, countdown, u);
		return u->text[0] != '\0';
	}
	if (mem->countdown >= 0) {
		/* The warning was answered: say where the customer is again. */
		mem->countdown = -1;
		mem->focus = -1;
	}
	if ((int)j->step != mem->step || j->lang != mem->lang ||
	    j->reward_shown != mem->reward || strcmp(v->title, mem->title) != 0) {
		speak_screen(v, j, focused, u);
		u->earcon = bell ? SPEECH_FAILURE : speak_arrival(mem->step, j->step) ?
		    SPEECH_SUCCESS : SPEECH_NO_EARCON;
		speak_remember(mem, v, j, focused);
		return true;
	}
	if (v->message != NULL && (strcmp(v->message, mem->message) != 0 || bell)) {
		speak_add(u, j, v->message);
		u->earcon = bell || typing >= 0 ? SPEECH_FAILURE : SPEECH_SUCCESS;
	} else if (bell)
		u->earcon = SPEECH_FAILURE;
	if (strcmp(v->status, mem->status) != 0) {
		speak_status(v->status, part, sizeof part);
		speak_add(u, j, part);
	}
	speak_control(v, j, typing, part, sizeof part);
	if (typing != focused && strcmp(part, mem->typing) != 0)
		speak_add(u, j, part);
	speak_control(v, j, focused, part, sizeof part);
	toggled = focused == mem->focus && strcmp(part, mem->control) != 0;
	if (focused != mem->focus || toggled) {
		speak_add(u, j, part);
		if (toggled && j->step == JOURNEY_MY_CONSENTS && v->items[focused].kind == VIEW_CHECK &&
		    u->earcon == SPEECH_NO_EARCON)
			u->earcon = SPEECH_SUCCESS;
	}
	speak_remember(mem, v, j, focused);
	return u->text[0] != '\0' || u->earcon != SPEECH_NO_EARCON;
}

void
speak_codes(const struct view *v, const struct journey *j, struct speak_codes *c)
{
	const char	*card = j->draft->profile->card;
	size_t		 i, k = 0;
	char		*p;

	memset(c, 0, sizeof *c);
	if (v->code[0] != '\0') {
		code_group(v->code, c->code);
		for (p = c->code; *p != '\0'; p++)
			if (*p == '-')
				*p = ' ';	/* a pause between groups, not "dash" */
		c->parts[c->n++] = _("Your code:");
		c->parts[c->n++] = c->code;
	}
	if (!speak_shows_card(v, j))
		return;
	/* Four digits at a time, as the card is printed. */
	for (i = 0; card[i] != '\0' && k + 2 < sizeof c->card; i++) {
		if (!speak_digit(card[i]))
			continue;
		if (k > 0 && k % 5 == 4)
			c->card[k++] = ' ';
		c->card[k++] = card[i];
	}
	c->parts[c->n++] = _("Your card number:");
	c->parts[c->n++] = c->card;
}

const char *
speak_help(void)
{
	return _("The keys. 2 or 6: the next control. 8 or 4: the one before. 5 or Enter: choose "
	    "it. 0 or minus: back. Star: say it again. Slash: these keys. Where you type a "
	    "number, the digits type, dot erases the last one, plus moves on, and minus goes "
	    "back. On a reward, dot says the code. On the first screen: 5 speech, 9 large text, 3 "
	    "high contrast.");
}

const char *
speak_offer(void)
{
	return _("For speech, press 5.");
}

bool
speak_countdown_due(int seconds)
{
	return seconds > 0 && (seconds % 10 == 0 || seconds <= 5);
}
