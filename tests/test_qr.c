/*
 * test_qr — encoding reward codes as version-2 symbols, and reading every rendering back with
 * zbarimg: the PNG as written, and the terminal text turned back into a picture here, from
 * its colours and half blocks, the way a camera would see it on screen.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "qr.h"

#define TEST_QR_CODE36	"1A2B3C4D5E6F7G8H9J0KMNPQRSTVWXYZ0123"
#define TEST_QR_CODE37	"1A2B3C4D5E6F7G8H9J0KMNPQRSTVWXYZ01234"
#define TEST_QR_CODE38	"1A2B3C4D5E6F7G8H9J0KMNPQRSTVWXYZ012345"
#define TEST_QR_CODE39	"1A2B3C4D5E6F7G8H9J0KMNPQRSTVWXYZ0123456"
#define TEST_QR_SIDE	33	/* 25 modules and a quiet zone of 4 on each side */
#define TEST_QR_ROWS	17	/* 33 module rows, two to a line */
#define TEST_QR_PIXELS	4	/* pixels per module in the pictures made for zbarimg */

/* A module grid read back from a rendering: 1 dark, 0 light, -1 colour never set. */
struct test_qr_grid {
	int	cols, rows;
	int	m[2 * TEST_QR_ROWS + 2][TEST_QR_SIDE + 2];
};

static char	*dir;

static void
test_qr_init(void)
{
	dir = helpers_tmpdir();
}

static void
test_qr_fini(void)
{
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(qr, .init = test_qr_init, .fini = test_qr_fini);

/* Encode, asserting success. */
static struct qr *
test_qr_encode(const char *code)
{
	struct qr	*qr;
	char		*cause = NULL;

	cr_assert_eq(qr_encode(code, &qr, &cause), 0, "%s: %s", code, cause);
	cr_assert_not_null(qr);
	return qr;
}

/* Write a grid as a binary PBM (1 = black, rows padded to bytes), pixels per module. */
static void
test_qr_write_pbm(const struct test_qr_grid *g, int pixels, const char *path)
{
	FILE		*f = fopen(path, "wb");
	int		 w = g->cols * pixels, h = g->rows * pixels, x, y;
	unsigned char	 row[(TEST_QR_SIDE + 2) * 64 / 8 + 1];

	cr_assert_not_null(f);
	cr_assert_leq((size_t)(w + 7) / 8, sizeof row);
	fprintf(f, "P4\n%d %d\n", w, h);
	for (y = 0; y < h; y++) {
		memset(row, 0, sizeof row);
		for (x = 0; x < w; x++) {
			if (g->m[y / pixels][x / pixels] == 1)
				row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
		}
		cr_assert_eq(fwrite(row, 1, (size_t)(w + 7) / 8, f), (size_t)(w + 7) / 8);
	}
	cr_assert_eq(fclose(f), 0);
}

/*
 * Apply one SGR sequence's parameters to the current colours: 1 dark, 0 light, -1 unset.
 * Knows 256-colour 16/231/0/15 and the basic black/white codes; any other colour fails.
 */
static void
test_qr_sgr(const char *params, int *fg, int *bg)
{
	int	v[16], n = 0, i;
	char	*end;

	while (*params != 'm') {
		cr_assert_lt(n, 16);
		v[n++] = (int)strtol(params, &end, 10);
		params = *end == ';' ? end + 1 : end;
	}
	if (n == 0)
		v[n++] = 0;
	for (i = 0; i < n; i++) {
		if (v[i] == 0)
			*fg = *bg = -1;
		else if ((v[i] == 38 || v[i] == 48) && i + 2 < n && v[i + 1] == 5) {
			int *c = v[i] == 38 ? fg : bg, k = v[i + 2];

			cr_assert(k == 16 || k == 231 || k == 0 || k == 15, "colour %d", k);
			*c = k == 16 || k == 0;
			i += 2;
		} else if (v[i] == 30 || v[i] == 40)
			*(v[i] == 30 ? fg : bg) = 1;
		else if (v[i] == 37 || v[i] == 97 || v[i] == 47 || v[i] == 107)
			*(v[i] < 40 || v[i] == 97 ? fg : bg) = 0;
		else
			cr_assert_fail("unexpected SGR parameter %d", v[i]);
	}
}

/*
 * Read the text rendering back into modules: SGR colours, then ▀ (upper in fg, lower in bg),
 * ▄ (the reverse), █ (both fg) and space (both bg).  A cell drawn before both colours were
 * set is a failure: on a dark terminal it would not look like the printed symbol.
 */
static void
test_qr_parse_text(const char *text, struct test_qr_grid *g)
{
	const char	*p = text;
	int		 fg = -1, bg = -1, col = 0, line = 0, up, down;

	memset(g, 0, sizeof *g);
	while (*p != '\0') {
		if (p[0] == '\033' && p[1] == '[') {
			test_qr_sgr(p + 2, &fg, &bg);
			p = strchr(p, 'm') + 1;
			continue;
		}
		if (*p == '\n') {
			cr_assert(line == 0 || col == g->cols, "line %d has %d cells", line, col);
			g->cols = col;
			col = 0;
			line++;
			p++;
			continue;
		}
		if (strncmp(p, "\u2580", 3) == 0)
			up = fg, down = bg, p += 3;
		else if (strncmp(p, "\u2584", 3) == 0)
			up = bg, down = fg, p += 3;
		else if (strncmp(p, "\u2588", 3) == 0)
			up = down = fg, p += 3;
		else if (*p == ' ')
			up = down = bg, p++;
		else
			cr_assert_fail("unexpected byte 0x%02x", (unsigned char)*p);
		cr_assert(fg != -1 && bg != -1, "cell %d of line %d has no explicit colours", col,
		    line);
		cr_assert_lt(col, TEST_QR_SIDE + 2);
		cr_assert_lt(line, TEST_QR_ROWS + 1);
		g->m[2 * line][col] = up;
		g->m[2 * line + 1][col] = down;
		col++;
	}
	cr_assert_eq(col, 0, "the last line does not end with a newline");
	g->rows = 2 * line;
}

/* The whole text rendering of a code with the standard quiet zone, as a malloc'd string. */
static char *
test_qr_text(const struct qr *qr, int quiet)
{
	char	*text = NULL;
	size_t	 size = 0;
	FILE	*f = open_memstream(&text, &size);

	cr_assert_not_null(f);
	cr_assert_eq(qr_text(qr, quiet, f), 0);
	cr_assert_eq(fclose(f), 0);
	return text;
}

Test(qr, a_36_char_code_is_a_version_2_symbol)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE36);

	cr_assert_eq(strlen(TEST_QR_CODE36), 36);
	cr_assert_eq(qr_version(qr), 2);
	cr_assert_eq(qr_width(qr), 25);
	qr_free(qr);
}

Test(qr, a_38_char_code_still_fits_version_2)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE38);

	cr_assert_eq(strlen(TEST_QR_CODE38), 38);
	cr_assert_eq(qr_version(qr), 2);
	qr_free(qr);
}

Test(qr, a_39_char_code_is_refused_as_too_long)
{
	struct qr	*qr = (struct qr *)1;
	char		*cause = NULL;

	cr_assert_eq(qr_encode(TEST_QR_CODE39, &qr, &cause), -1);
	cr_assert_null(qr);
	cr_assert_not_null(strstr(cause, "code too long for a version-2 QR"), "%s", cause);
	free(cause);
}

Test(qr, characters_outside_the_alphanumeric_set_are_refused)
{
	const char	*bad[] = { "ABC1a", "ABC#1", "CAF\xc3\x89", "AB\033C", "AB_C", "" };
	struct qr	*qr;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		cr_assert_eq(qr_encode(bad[i], &qr, &cause), -1, "code %zu was accepted", i);
		cr_assert_null(qr);
		cr_assert_not_null(cause);
		free(cause);
	}
	cr_assert_eq(qr_check("ABC1a", &cause), -1);
	cr_assert_not_null(strstr(cause, "character 5"), "%s", cause);
	free(cause);
	cr_assert_eq(qr_check("", &cause), -1);
	cr_assert_not_null(strstr(cause, "empty"), "%s", cause);
	free(cause);
}

Test(qr, every_alphanumeric_punctuation_mark_is_accepted)
{
	struct qr	*qr = test_qr_encode("A $%*+-./:9");
	char		*path = helpers_path(dir, "punct.png"), *cause = NULL, got[128];

	cr_assert_eq(qr_png(qr, 4, QR_QUIET, path, &cause), 0, "%s", cause);
	cr_assert_eq(helpers_zbar(path, got, sizeof got), 0);
	cr_assert_str_eq(got, "A $%*+-./:9");
	qr_free(qr);
	free(path);
}

Test(qr, modules_outside_the_symbol_are_light)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE36);

	/* Finder patterns: dark corners, a light separator ring at distance 7. */
	cr_assert(qr_dark(qr, 0, 0));
	cr_assert(qr_dark(qr, 24, 0));
	cr_assert(qr_dark(qr, 0, 24));
	cr_assert_not(qr_dark(qr, 7, 7));
	cr_assert_not(qr_dark(qr, -1, 0));
	cr_assert_not(qr_dark(qr, 0, -1));
	cr_assert_not(qr_dark(qr, 25, 0));
	cr_assert_not(qr_dark(qr, 0, 25));
	cr_assert_not(qr_dark(qr, 1000, -1000));
	qr_free(qr);
}

Test(qr, cells_are_one_module_wide_and_two_high)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE36);
	int		 cols, rows, col, row;
	bool		 up, down;

	cr_assert_eq(qr_cells(qr, QR_QUIET, &cols, &rows), 0);
	cr_assert_eq(cols, TEST_QR_SIDE);
	cr_assert_eq(rows, TEST_QR_ROWS);
	for (row = 0; row < rows; row++) {
		for (col = 0; col < cols; col++) {
			qr_cell(qr, QR_QUIET, col, row, &up, &down);
			cr_assert_eq(up, qr_dark(qr, col - 4, 2 * row - 4));
			cr_assert_eq(down, qr_dark(qr, col - 4, 2 * row - 3));
		}
	}
	cr_assert_eq(qr_cells(qr, 0, &cols, &rows), 0);
	cr_assert_eq(cols, 25);
	cr_assert_eq(rows, 13);
	cr_assert_eq(qr_cells(qr, -1, &cols, &rows), -1);
	cr_assert_eq(qr_cells(qr, QR_QUIET_MAX + 1, &cols, &rows), -1);
	qr_free(qr);
}

Test(qr, text_is_17_lines_of_33_cells_with_explicit_colours)
{
	struct qr		*qr = test_qr_encode(TEST_QR_CODE36);
	char			*text = test_qr_text(qr, QR_QUIET), *line, *next;
	struct test_qr_grid	 g;
	int			 lines = 0;

	test_qr_parse_text(text, &g);
	cr_assert_eq(g.cols, TEST_QR_SIDE);
	cr_assert_eq(g.rows, 2 * TEST_QR_ROWS);
	for (line = text; *line != '\0'; line = next + 1) {
		next = strchr(line, '\n');
		cr_assert_not_null(next);
		cr_assert(strncmp(line, "\033[", 2) == 0, "line %d does not start with colours",
		    lines);
		cr_assert(next - line >= 4 && strncmp(next - 4, "\033[0m", 4) == 0,
		    "line %d does not end with a reset", lines);
		lines++;
	}
	cr_assert_eq(lines, TEST_QR_ROWS);
	free(text);
	qr_free(qr);
}

Test(qr, text_draws_dark_modules_dark)
{
	struct qr		*qr = test_qr_encode(TEST_QR_CODE36);
	char			*text = test_qr_text(qr, QR_QUIET);
	struct test_qr_grid	 g;
	int			 x, y;

	test_qr_parse_text(text, &g);
	for (y = 0; y < g.rows; y++) {
		for (x = 0; x < g.cols; x++)
			cr_assert_eq(g.m[y][x], qr_dark(qr, x - 4, y - 4), "module %d,%d", x, y);
	}
	free(text);
	qr_free(qr);
}

Test(qr, text_rendering_decodes_with_zbarimg)
{
	const char		*codes[] = { TEST_QR_CODE36, TEST_QR_CODE37, TEST_QR_CODE38 };
	struct test_qr_grid	 g;
	struct qr		*qr;
	char			*text, *path = helpers_path(dir, "text.pbm"), got[128];
	size_t			 i;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		qr = test_qr_encode(codes[i]);
		text = test_qr_text(qr, QR_QUIET);
		test_qr_parse_text(text, &g);
		test_qr_write_pbm(&g, TEST_QR_PIXELS, path);
		cr_assert_eq(helpers_zbar(path, got, sizeof got), 0, "zbarimg found nothing");
		cr_assert_str_eq(got, codes[i]);
		free(text);
		qr_free(qr);
	}
	free(path);
}

Test(qr, text_refuses_a_quiet_zone_out_of_range)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE36);
	FILE		*f = fopen("/dev/null", "w");

	cr_assert_not_null(f);
	cr_assert_eq(qr_text(qr, -1, f), -1);
	cr_assert_eq(qr_text(qr, QR_QUIET_MAX + 1, f), -1);
	cr_assert_eq(qr_text(qr, 0, f), 0);
	fclose(f);
	qr_free(qr);
}

Test(qr, png_decodes_with_zbarimg)
{
	int		 scales[] = { 2, 4, 10 };
	struct qr	*qr = test_qr_encode(TEST_QR_CODE37);
	char		*path = helpers_path(dir, "code.png"), *cause = NULL, got[128];
	size_t		 i;

	for (i = 0; i < sizeof scales / sizeof scales[0]; i++) {
		cr_assert_eq(qr_png(qr, scales[i], QR_QUIET, path, &cause), 0, "%s", cause);
		cr_assert_eq(helpers_zbar(path, got, sizeof got), 0, "scale %d", scales[i]);
		cr_assert_str_eq(got, TEST_QR_CODE37);
	}
	free(path);
	qr_free(qr);
}

Test(qr, png_is_the_right_size_and_starts_like_a_png)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE36);
	char		*path = helpers_path(dir, "code.png"), *cause = NULL;
	unsigned char	 head[24];
	FILE		*f;

	cr_assert_eq(qr_png(qr, 3, 2, path, &cause), 0, "%s", cause);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	cr_assert_eq(fread(head, 1, sizeof head, f), sizeof head);
	fclose(f);
	cr_assert_eq(memcmp(head, "\x89PNG\r\n\x1a\n", 8), 0);
	/* IHDR width and height, big-endian: (25 + 2 * 2) * 3 = 87. */
	cr_assert_eq(memcmp(head + 16, "\0\0\0\x57\0\0\0\x57", 8), 0);
	free(path);
	qr_free(qr);
}

Test(qr, png_is_0644_and_leaves_no_temporary_file)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE36);
	char		*path = helpers_path(dir, "code.png"), *cause = NULL;
	struct stat	 st;
	DIR		*d;
	struct dirent	*e;
	int		 files = 0;
	mode_t		 old = umask(077);

	helpers_write(path, "an older picture");
	cr_assert_eq(qr_png(qr, 4, QR_QUIET, path, &cause), 0, "%s", cause);
	umask(old);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644, "mode %o", (unsigned)(st.st_mode & 07777));
	cr_assert_eq(helpers_file_contains(path, "older", 5), 0);
	cr_assert_not_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			files++;
	}
	closedir(d);
	cr_assert_eq(files, 1, "%d files beside the PNG", files - 1);
	free(path);
	qr_free(qr);
}

Test(qr, png_refuses_bad_scale_and_quiet_zone)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE36);
	char		*path = helpers_path(dir, "code.png"), *cause = NULL;

	cr_assert_eq(qr_png(qr, 0, QR_QUIET, path, &cause), -1);
	cr_assert_not_null(strstr(cause, "scale"), "%s", cause);
	free(cause);
	cr_assert_eq(qr_png(qr, QR_SCALE_MAX + 1, QR_QUIET, path, &cause), -1);
	cr_assert_not_null(strstr(cause, "scale"), "%s", cause);
	free(cause);
	cr_assert_eq(qr_png(qr, 4, -1, path, &cause), -1);
	cr_assert_not_null(strstr(cause, "quiet zone"), "%s", cause);
	free(cause);
	cr_assert_eq(qr_png(qr, 4, QR_QUIET_MAX + 1, path, &cause), -1);
	cr_assert_not_null(strstr(cause, "quiet zone"), "%s", cause);
	free(cause);
	cr_assert_eq(access(path, F_OK), -1, "a refused PNG was written");
	free(path);
	qr_free(qr);
}

Test(qr, png_to_a_missing_directory_names_the_path)
{
	struct qr	*qr = test_qr_encode(TEST_QR_CODE36);
	char		*path = helpers_path(dir, "no-such-dir/code.png"), *cause = NULL;

	cr_assert_eq(qr_png(qr, 4, QR_QUIET, path, &cause), -1);
	cr_assert_not_null(strstr(cause, path), "%s", cause);
	cr_assert_not_null(strstr(cause, "No such file or directory"), "%s", cause);
	free(cause);
	free(path);
	qr_free(qr);
}
