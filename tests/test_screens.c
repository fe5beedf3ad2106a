/*
 * test_screens — every screen of the journey drawn on an ncurses virtual terminal and read back:
 * in each language, at 80x24 and 200x60; "please enlarge" below 80x24; the QR read back from the
 * cells decodes; a checkbox toggle sends only a few bytes to the terminal.
 */
#include <criterion/criterion.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "helpers.h"
#include "i18n.h"
#include "screens.h"

static char		*dir;
static struct shop	*s;
static struct journey	*j;
static struct view	*v;
static char		 code[CODE_LEN + 1];

static void
setup(void)
{
	struct code_payload	p = { CODE_VERSION, 1, 7, 1, 3000 };
	char			*cause = NULL;

	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	cr_assert_eq(i18n_init("assets/locale", &cause), 0, "%s", cause);
	cr_assert_eq(i18n_use("en", &cause), 0, "%s", cause);
	j = journey_new(s, HELPERS_NOW);
	v = calloc(1, sizeof *v);
	code_make(&p, vault_code_key(s->vault), code);
}

static void
teardown(void)
{
	free(v);
	journey_free(j);
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(screens, .init = setup, .fini = teardown);

/* A journey with answers for every screen to show. */
static void
fill(enum journey_step step)
{
	j->step = step;
	j->draft->profile->interests[catalog_interest_find(s->catalog, "espresso")] = true;
	j->draft->profile->channels[catalog_channel_find(s->catalog, "email")] = 0;
	snprintf(j->draft->profile->email, sizeof j->draft->profile->email, "ada@example.org");
	snprintf(j->draft->profile->card, sizeof j->draft->profile->card, "400012345678");
	snprintf(j->text[JOURNEY_FIELD_EMAIL], sizeof j->text[0], "ada@example.org");
	j->draft->consents[0] = CONSENT_GIVEN;
	j->consent_index = 1;
	j->rewards.n = 1;
	memcpy(j->rewards.v[0].code, code, sizeof code);
	j->rewards.v[0].rule = 0;
	j->rewards.v[0].expires = HELPERS_NOW + 30 * 86400;
	snprintf(j->receipt, sizeof j->receipt, "R7K2M9Q4R7K2M9Q4R7K2M9Q4R7");
	j->admin = true;
}

/* The virtual terminal: draw the view of the journey's step, then read every row back. */
struct term {
	SCREEN	*screen;
	FILE	*out, *in;
	int	 rows, cols;
	char	*text;		/* rows joined with newlines, UTF-8 */
};

static void
term_open(struct term *t, int cols, int rows)
{
	t->out = tmpfile();
	t->in = fopen("/dev/null", "r");
	cr_assert(t->out != NULL && t->in != NULL);
	t->screen = newterm("xterm-256color", t->out, t->in);
	cr_assert_not_null(t->screen);
	set_term(t->screen);
	resize_term(rows, cols);
	t->rows = rows;
	t->cols = cols;
	t->text = NULL;
}

static void
term_draw(struct term *t, struct draw *d)
{
	char	line[4096];
	wchar_t	w[512];
	size_t	len = 0, n;
	int	y;

	memset(v, 0, sizeof *v);
	screen_for(j->step)->build(j, v);
	draw_view(d, v, j->focus, (int)j->step, -1);
	refresh();
	free(t->text);
	t->text = calloc((size_t)t->rows, sizeof line);
	for (y = 0; y < t->rows; y++) {
		mvinnwstr(y, 0, w, t->cols);
		n = wcstombs(line, w, sizeof line - 1);
		if (n == (size_t)-1)
			n = 0;
		line[n] = '\0';
		len += (size_t)sprintf(t->text + len, "%s\n", line);
	}
}

static void
term_close(struct term *t)
{
	endwin();
	delscreen(t->screen);
	fclose(t->out);
	fclose(t->in);
	free(t->text);
}

static const char *const langs[] = { "en", "de", "fr", "es" };

Test(screens, every_screen_in_every_language_at_80x24_and_200x60)
{
	static const int	sizes[][2] = { { 80, 24 }, { 200, 60 } };
	struct term		t;
	struct draw		d;
	char			*cause = NULL;
	size_t			l, z;
	int			step, i;

	for (l = 0; l < sizeof langs / sizeof langs[0]; l++) {
		cr_assert_eq(i18n_use(langs[l], &cause), 0, "%s", cause);
		j->lang = (int)l;
		for (z = 0; z < 2; z++) {
			term_open(&t, sizes[z][0], sizes[z][1]);
			draw_init(&d, false);
			for (step = 0; step < JOURNEY_NSTEPS; step++) {
				fill((enum journey_step)step);
				term_draw(&t, &d);
				cr_assert_neq(v->title[0], '\0', "%s has a title",
				    journey_step_name(j->step));
				/* The title's start is on the first row. */
				char head[24];
				snprintf(head, sizeof head, "%.20s", v->title);
				cr_assert_not_null(strstr(t.text, head), "%s/%s %dx%d: title '%s' in\n%s",
				    langs[l], journey_step_name(j->step), t.cols, t.rows, head,
				    t.text);
				for (i = 0; i < v->n; i++)
					if (v->items[i].kind == VIEW_BUTTON) {
						snprintf(head, sizeof head, "%.12s", v->items[i].text);
						cr_assert_not_null(strstr(t.text, head),
						    "%s/%s: button '%s' drawn", langs[l],
						    journey_step_name(j->step), head);
					}
				/* Interface text is translated: no English "Back" outside English. */
				if (l > 0)
					cr_assert_null(strstr(t.text, " Back "), "%s/%s: untranslated",
					    langs[l], journey_step_name(j->step));
			}
			term_close(&t);
		}
	}
}

Test(screens, a_small_terminal_asks_to_be_enlarged_and_keeps_the_answers)
{
	struct term	t;
	struct draw	d;

	term_open(&t, 40, 12);
	draw_init(&d, false);
	fill(JOURNEY_CONSENT);
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "Please enlarge the window"));
	cr_assert_eq(d.nhits, 0, "nothing can be touched by mistake");
	resize_term(24, 80);
	t.rows = 24;
	t.cols = 80;
	term_draw(&t, &d);
	cr_assert_null(strstr(t.text, "Please enlarge"));
	cr_assert_eq(j->consent_index, 1);
	cr_assert_eq(j->draft->consents[0], CONSENT_GIVEN);
	term_close(&t);
}

Test(screens, buttons_are_three_rows_high_and_every_control_can_be_touched)
{
	struct term		 t;
	struct draw		 d;
	const struct draw_hit	*h;
	int			 i, buttons = 0;

	term_open(&t, 80, 24);
	draw_init(&d, false);
	fill(JOURNEY_CONSENT);
	term_draw(&t, &d);
	for (i = 0; i < d.nhits; i++)
		if (d.hits[i].item >= 0 && v->items[d.hits[i].item].kind == VIEW_BUTTON) {
			cr_assert_geq(d.hits[i].y1 - d.hits[i].y0 + 1, 3);
			buttons++;
		}
	cr_assert_eq(buttons, 3, "back, no, yes");
	h = draw_hit_at(&d, d.rows - 3, d.cols / 2);
	cr_assert_not_null(h);
	cr_assert_eq(h->event, JOURNEY_EV_NO, "no and yes side by side, equally large");
	h = draw_hit_at(&d, d.rows - 3, d.cols - 4);
	cr_assert_eq(h->event, JOURNEY_EV_YES);
	term_close(&t);
}

Test(screens, checks_say_their_state_in_words_not_colour_alone)
{
	struct term	t;
	struct draw	d;

	term_open(&t, 80, 24);
	draw_init(&d, false);
	fill(JOURNEY_INTERESTS);
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "[x] Espresso & milk drinks: On"), "%s", t.text);
	cr_assert_not_null(strstr(t.text, "[ ] Decaf: Off"));
	term_close(&t);
}

Test(screens, a_checkbox_toggle_sends_at_most_64_bytes)
{
	struct term	 t;
	struct draw	 d;
	struct journey_event ev = { JOURNEY_EV_TOGGLE, 0, NULL, HELPERS_NOW };
	long		 before, after;

	term_open(&t, 80, 24);
	draw_init(&d, false);
	fill(JOURNEY_INTERESTS);
	j->focus = 1;			/* the focus stays where it is */
	term_draw(&t, &d);
	fflush(t.out);
	before = ftell(t.out);
	ev.arg = catalog_interest_find(s->catalog, "decaf");
	journey_handle(j, &ev);
	term_draw(&t, &d);
	fflush(t.out);
	after = ftell(t.out);
	cr_assert_leq(after - before, 64, "a toggle sent %ld bytes", after - before);
	cr_assert_gt(after - before, 0, "and it did send the change");
	term_close(&t);
}

Test(screens, the_reward_qr_read_back_from_the_cells_decodes)
{
	struct term	 t;
	struct draw	 d;
	cchar_t		 cell;
	wchar_t		 wc[4];
	attr_t		 attr;
	short		 pair;
	char		 path[512], got[64];
	FILE		*f;
	int		 x0, y0, x, y, up, down, scale = 4, px, py;

	term_open(&t, 80, 24);
	draw_init(&d, false);
	fill(JOURNEY_REWARD);
	term_draw(&t, &d);
	/* The QR sits at the right: 33 cells wide, 17 rows, from row 1. */
	x0 = t.cols - 35;
	y0 = 1;
	snprintf(path, sizeof path, "%s/qr.pbm", dir);
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	fprintf(f, "P1\n%d %d\n", 33 * scale, 34 * scale);
	for (y = 0; y < 34 * scale; y++) {
		for (x = 0; x < 33 * scale; x++) {
			mvin_wch(y0 + y / scale / 2, x0 + x / scale, &cell);
			getcchar(&cell, wc, &attr, &pair, NULL);
			up = wc[0] == L'\x2588' || wc[0] == L'\x2580';
			down = wc[0] == L'\x2588' || wc[0] == L'\x2584';
			py = (y / scale) % 2;
			px = py == 0 ? up : down;
			fputs(px ? "1 " : "0 ", f);
		}
		fputc('\n', f);
	}
	fclose(f);
	cr_assert_eq(helpers_zbar(path, got, sizeof got), 0, "zbarimg found no code");
	cr_assert_str_eq(got, code);
	term_close(&t);
}

Test(screens, a_purpose_names_its_data_in_words_in_the_customers_language)
{
	struct term	 t;
	struct draw	 d;
	char		*cause = NULL;

	cr_assert_eq(i18n_use("de", &cause), 0, "%s", cause);
	j->lang = 1;
	term_open(&t, 80, 24);
	draw_init(&d, false);
	fill(JOURNEY_CONSENT);
	j->consent_index = 0;		/* personalised offers: interests, visits, rewards */
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "Ihre Interessen, Ihre Besuche"), "%s", t.text);
	cr_assert_null(strstr(t.text, "interests, visits"));
	term_close(&t);
}
