/*
 * test_screens — every screen of the journey drawn on an ncurses virtual terminal and read back:
 * in each language, at 80x24 and 200x60; "please enlarge" below 80x24; the QR read back from the
 * cells decodes; a checkbox toggle sends only a few bytes to the terminal; the admin dashboard's
 * charts at 80x24 and 120x40, paged by their headings, with small figures shown as "<5"; the
 * large layout, in one column with space between the items.
 */
#include <criterion/criterion.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "dashboard.h"
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
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	helpers_english();
	j = journey_new(s, HELPERS_NOW);
	v = calloc(1, sizeof *v);
	helpers_code(s, code);
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

/* A dashboard filled by hand: real figures, a suppressed 3 in each chart. */
static void
fill_dashboard(struct dashboard *dash)
{
	int	i;

	memset(dash, 0, sizeof *dash);
	dash->first_day = HELPERS_NOW - HELPERS_NOW % 86400 - 29 * 86400;
	dash->first_week = HELPERS_NOW - HELPERS_NOW % 86400 - 55 * 86400;
	dash->members = 4321;
	for (i = 0; i < DASHBOARD_DAYS; i++)
		dash->signups[i] = i % 4 == 0 ? DASHBOARD_SUPPRESSED : 5 + i * 3;
	for (i = 0; i < DASHBOARD_WEEKS; i++) {
		dash->issued[i] = 40 + i * 7;
		dash->redeemed[i] = i == 2 ? DASHBOARD_SUPPRESSED : 20 + i * 5;
	}
	dash->npurposes = s->catalog->npurposes;
	for (i = 0; i < (int)dash->npurposes; i++) {
		dash->opted_in[i] = i == 1 ? DASHBOARD_SUPPRESSED : 1000 + i * 100;
		dash->opt_in_percent[i] = i == 1 ? DASHBOARD_SUPPRESSED : 23 + i * 10;
		dash->to_renew[i] = i == 1 ? DASHBOARD_SUPPRESSED : 17 + i;
	}
	dash->ntop = DASHBOARD_TOP;
	for (i = 0; i < DASHBOARD_TOP; i++) {
		dash->top[i] = i;
		dash->top_count[i] = i == DASHBOARD_TOP - 1 ? DASHBOARD_SUPPRESSED : 900 - i * 100;
	}
}

/* The row of t's text that holds needle, into row (empty when none). */
static void
term_row(const struct term *t, const char *needle, char *row, size_t size)
{
	const char	*p = strstr(t->text, needle), *start, *end;

	row[0] = '\0';
	if (p == NULL)
		return;
	for (start = p; start > t->text && start[-1] != '\n'; start--)
		;
	end = strchr(p, '\n');
	snprintf(row, size, "%.*s", (int)(end - start), start);
}

/* The screen row where needle first shows, or -1. */
static int
term_row_of(const struct term *t, const char *needle)
{
	const char	*p = strstr(t->text, needle), *q;
	int		 y = 0;

	if (p == NULL)
		return -1;
	for (q = t->text; q < p; q++)
		y += *q == '\n';
	return y;
}

/* Nothing on the two columns of each edge: the body, bars and columns stay inside it. */
static void
term_assert_margins(const struct term *t)
{
	cchar_t	cell;
	wchar_t	wc[4];
	attr_t	attr;
	short	pair;
	int	y, k;
	int	xs[] = { 0, 1, t->cols - 2, t->cols - 1 };

	for (y = 0; y < t->rows; y++)
		for (k = 0; k < 4; k++) {
			mvin_wch(y, xs[k], &cell);
			getcchar(&cell, wc, &attr, &pair, NULL);
			cr_assert_eq(wc[0], L' ', "%dx%d: '%lc' at row %d, column %d in\n%s", t->cols,
			    t->rows, (wint_t)wc[0], y, xs[k], t->text);
		}
}

Test(screens, the_dashboard_draws_its_charts_inside_80x24_and_120x40_and_hides_small_figures)
{
	static const int	sizes[][2] = { { 80, 24 }, { 120, 40 } };
	static const char *const headings[] = { "Sign-ups per day", "Opt-in rate per purpose",
	    "Top interests", "Rewards per week", "Consents due for renewal" };
	struct dashboard	dash;
	struct term		t;
	struct draw		d;
	char			row[1024];
	const char		*hot = screen_text(j, &s->catalog->interests[DASHBOARD_TOP - 1].title);
	const char		*email = screen_text(j, &s->catalog->purposes[1].title);
	size_t			z, h;

	fill_dashboard(&dash);
	j->step = JOURNEY_ADMIN_DASHBOARD;
	j->dashboard = &dash;
	for (z = 0; z < 2; z++) {
		term_open(&t, sizes[z][0], sizes[z][1]);
		draw_init(&d, false);
		/* The focus stops at each heading, which brings its chart to the top. */
		for (h = 0; h < sizeof headings / sizeof headings[0]; h++) {
			j->focus = (int)h;
			term_draw(&t, &d);
			term_assert_margins(&t);
			cr_assert_not_null(strstr(t.text, "Members: 4321"), "%s", t.text);
			term_row(&t, headings[h], row, sizeof row);
			cr_assert_not_null(strstr(row, "\xe2\x96\xb6"), "%dx%d: %s has the focus in\n%s",
			    t.cols, t.rows, headings[h], t.text);
			if (h == 0) {
				cr_assert_not_null(strstr(t.text, "92\xe2\x94\xa4"), "the scale");
				cr_assert_not_null(strstr(t.text, "\xe2\x96\x88"), "full columns");
				cr_assert_not_null(strstr(t.text, "03-01"), "today is labelled");
				cr_assert_not_null(strstr(t.text, "<5: fewer than 5 members, not shown"));
			}
			if (h == 2) {
				term_row(&t, "Espresso & milk drinks", row, sizeof row);
				cr_assert_not_null(strstr(row, "\xe2\x96\x88 900"), "%s", row);
				/* The suppressed interest: "<5" by a hatch, and no other figure. */
				term_row(&t, hot, row, sizeof row);
				cr_assert_not_null(strstr(row, "\xe2\x96\x91 <5"), "'%s' in\n%s", row,
				    t.text);
				memset(strstr(row, "<5"), ' ', 2);
				cr_assert_null(strpbrk(row, "0123456789"), "'%s'", row);
			}
			if (h == 3) {
				term_row(&t, "01-19", row, sizeof row);
				cr_assert_not_null(strstr(row, "54"), "issued: %s", row);
				cr_assert_not_null(strstr(row, "<5"), "redeemed, suppressed: %s", row);
			}
		}
		/* Paged: the first chart is out of sight once the last is in. */
		cr_assert((t.rows >= 40) == (strstr(t.text, "Top interests") != NULL),
		    "%dx%d:\n%s", t.cols, t.rows, t.text);
		if (t.rows == 24)
			cr_assert_null(strstr(t.text, "Sign-ups per day"));
		j->focus = 1;
		term_draw(&t, &d);
		term_row(&t, email, row, sizeof row);
		cr_assert_not_null(strstr(row, "<5"), "a suppressed opt-in: '%s'", row);
		cr_assert_null(strchr(row, '%'), "and no rate");
		term_row(&t, screen_text(j, &s->catalog->purposes[0].title), row, sizeof row);
		cr_assert_not_null(strstr(row, "23% (1000)"), "'%s'", row);
		term_close(&t);
	}
	j->dashboard = NULL;
}

Test(screens, the_dashboard_stays_inside_80x24_in_every_language)
{
	static const char *const titles[] = { "Dashboard", "\303\234bersicht",
	    "Tableau de bord", "Cuadro de mando" };
	struct dashboard	 dash;
	struct term		 t;
	struct draw		 d;
	char			*cause = NULL;
	size_t			 l;

	fill_dashboard(&dash);
	j->dashboard = &dash;
	for (l = 0; l < sizeof langs / sizeof langs[0]; l++) {
		cr_assert_eq(i18n_use(langs[l], &cause), 0, "%s", cause);
		j->lang = (int)l;
		term_open(&t, 80, 24);
		draw_init(&d, false);
		j->step = JOURNEY_ADMIN_DASHBOARD;
		for (j->focus = 0; j->focus < 7; j->focus++) {
			term_draw(&t, &d);
			term_assert_margins(&t);
			cr_assert_not_null(strstr(t.text, titles[l]), "%s:\n%s", langs[l], t.text);
		}
		term_close(&t);
	}
	j->dashboard = NULL;
}

Test(screens, a_tapped_heading_takes_the_focus_and_comes_to_the_top)
{
	struct dashboard	 dash;
	struct term		 t;
	struct draw		 d;
	const struct draw_hit	*h;
	const char		*heading = "Opt-in rate per purpose";
	char			 row[1024];
	int			 y;

	fill_dashboard(&dash);
	j->step = JOURNEY_ADMIN_DASHBOARD;
	j->dashboard = &dash;
	j->focus = 0;
	term_open(&t, 80, 24);
	draw_init(&d, false);
	term_draw(&t, &d);
	y = term_row_of(&t, heading);
	cr_assert_gt(y, 2, "below the top\n%s", t.text);
	h = draw_hit_at(&d, y, 10);
	cr_assert_not_null(h, "a heading can be touched");
	cr_assert_eq(v->items[h->item].kind, VIEW_HEADING);
	j->focus += draw_focus_step(v, j->focus, h->item);
	cr_assert_eq(j->focus, 1);
	term_draw(&t, &d);
	term_row(&t, heading, row, sizeof row);
	cr_assert_not_null(strstr(row, "\xe2\x96\xb6"), "focused: %s", row);
	cr_assert_eq(term_row_of(&t, heading), 2, "on the body's first row\n%s", t.text);
	term_close(&t);
	j->dashboard = NULL;
}

Test(screens, without_utf8_the_charts_use_ascii)
{
	struct dashboard	dash;
	struct term		t;
	struct draw		d;

	fill_dashboard(&dash);
	j->step = JOURNEY_ADMIN_DASHBOARD;
	j->dashboard = &dash;
	term_open(&t, 80, 24);
	draw_init(&d, false);
	d.utf8 = false;
	term_draw(&t, &d);
	cr_assert_null(strstr(t.text, "\xe2\x96\x88"), "no block\n%s", t.text);
	cr_assert_null(strstr(t.text, "\xe2\x96\x91"), "no hatch");
	cr_assert_not_null(strstr(t.text, "92+"), "the scale on an ASCII axis\n%s", t.text);
	cr_assert_not_null(strstr(t.text, "# / # # # /"), "columns and hatches\n%s", t.text);
	term_close(&t);
	j->dashboard = NULL;
}

Test(screens, the_staff_menu_offers_the_dashboard_to_admins_only)
{
	struct term	t;
	struct draw	d;

	term_open(&t, 80, 24);
	draw_init(&d, false);
	fill(JOURNEY_STAFF_MENU);
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "Dashboard"), "%s", t.text);
	j->admin = false;
	term_draw(&t, &d);
	cr_assert_null(strstr(t.text, "Dashboard"), "%s", t.text);
	term_close(&t);
}

/* The checks on the screen. */
static int
count_checks(const char *text)
{
	const char	*p;
	int		 n = 0;

	for (p = text; (p = strstr(p, "] ")) != NULL; p++)
		n += p - text >= 2 && p[-2] == '[' && (p[-1] == 'x' || p[-1] == ' ');
	return n;
}

/* The screen's lines with a check or radio in each of two columns. */
static int
two_columns(const char *text)
{
	const char	*line = text, *nl, *a;
	int		 n = 0;

	for (; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		a = strstr(line, "] ");
		n += a != NULL && a < nl && strstr(a + 2, "] ") != NULL &&
		    strstr(a + 2, "] ") < nl;
	}
	return n;
}

/* The checks followed by an empty line. */
static int
checks_apart(const char *text)
{
	const char	*line = text, *nl, *p;
	int		 n = 0;

	for (; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		p = strstr(line, "] ");
		if (p == NULL || p > nl || strchr("x ", p[-1]) == NULL || p[-2] != '[')
			continue;
		for (p = nl + 1; *p == ' '; p++)
			;
		n += *p == '\n';
	}
	return n;
}

Test(screens, the_large_layout_has_one_column_space_and_fewer_items)
{
	struct term	t;
	struct draw	d;
	int		standard, large;

	term_open(&t, 80, 24);
	draw_init(&d, false);
	fill(JOURNEY_INTERESTS);
	term_draw(&t, &d);
	cr_assert_gt(two_columns(t.text), 0, "two columns as usual\n%s", t.text);
	cr_assert_eq(checks_apart(t.text), 0, "close together as usual");
	standard = count_checks(t.text);
	draw_set_large(&d, true);
	term_draw(&t, &d);
	cr_assert_eq(two_columns(t.text), 0, "one column\n%s", t.text);
	large = count_checks(t.text);
	cr_assert_gt(large, 1);
	cr_assert_geq(checks_apart(t.text), large - 1, "an empty line after each check (the last "
	    "may stand above the scroll mark)\n%s", t.text);
	cr_assert_lt(large, standard, "fewer items on the screen: %d, not %d", large, standard);
	cr_assert_not_null(strstr(t.text, "[x] Espresso & milk drinks: On"), "the state in words "
	    "as ever\n%s", t.text);
	/* The focus brings a control further down into sight. */
	j->focus = 12;
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "\xe2\x96\xb6 [ ]"), "the focused check is shown\n%s",
	    t.text);
	term_close(&t);
}

/* The desk says where the fleet's hub stands: not at all without one; in step, with the last
 * sync; or that it cannot be reached; and a result redeemed without it, or refused, says so. */
Test(screens, the_desk_shows_the_fleets_hub_and_its_answers)
{
	struct term	t;
	struct draw	d;

	term_open(&t, 80, 24);
	draw_init(&d, false);
	fill(JOURNEY_DESK_READY);
	j->desk = true;
	term_draw(&t, &d);
	cr_assert_null(strstr(t.text, "Hub:"), "%s", t.text);
	j->fleet = true;
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "Hub: first sync under way."), "%s", t.text);
	j->fleet_synced = HELPERS_NOW;
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "Hub: in step, last sync 2026-03-01T12:00:00Z."), "%s",
	    t.text);
	j->fleet_failing = true;
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "Hub: cannot be reached; last sync"), "%s", t.text);

	fill(JOURNEY_DESK_RESULT);
	memset(&j->ticket, 0, sizeof j->ticket);
	j->ticket.status = REWARD_OFFLINE;
	j->ticket.rule = -1;
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "HUB UNREACHABLE"), "%s", t.text);
	cr_assert_not_null(strstr(t.text, "Nothing was redeemed"), "%s", t.text);
	j->ticket.status = REWARD_REDEEMED;
	j->ticket.offline = true;
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "REDEEMED"), "%s", t.text);
	cr_assert_not_null(strstr(t.text, "Redeemed without the hub"), "%s", t.text);
	j->ticket.status = REWARD_ALREADY;
	j->ticket.terminal = 7;
	j->ticket.redeemed_at = HELPERS_NOW;
	snprintf(j->ticket.till, sizeof j->ticket.till, "desk 7");
	term_draw(&t, &d);
	cr_assert_not_null(strstr(t.text, "at terminal 7 (desk 7)"), "%s", t.text);
	term_close(&t);
}
