/*
 * qr — libqrencode makes the symbol; everything after that is our own loops over the module
 * matrix, so that each rendering (text here, PNG here, ESC/POS raster in escpos.c, the curses
 * screen in ui/) reads the same model through qr_dark and qr_cell.
 *
 * Invariant: a struct qr always holds a version-2 symbol; qr_encode refuses anything else.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>
#include <qrencode.h>

#include "qr.h"
#include "util.h"

struct qr {
	int	version;
	int	width;
	bool	dark[];		/* width × width modules, row by row */
};

/* The 45 characters QR alphanumeric mode can hold. */
static const char qr_alphanumeric[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/*
 * The text rendering draws every cell in the dark colour on the light one and picks the glyph
 * by which halves are dark, indexed [upper dark][lower dark].  256-colour black (16) and white
 * (231) are exact, where the 16 basic colours follow the terminal's theme.
 */
#define QR_TEXT_COLOURS	"\033[38;5;16;48;5;231m"
#define QR_TEXT_RESET	"\033[0m\n"
static const char *const qr_text_glyphs[2][2] = {
	{ " ", "\u2584" },		/* light over light, light over dark (▄) */
	{ "\u2580", "\u2588" },		/* dark over light (▀), dark over dark (█) */
};

/* Where libpng's error handler jumps to, with its message. */
struct qr_png_error {
	jmp_buf	jmp;
	char	msg[160];
};

/* Check length and alphabet before libqrencode sees the code. */
int
qr_check(const char *code, char **cause)
{
	size_t	len = strlen(code), i;

	if (len == 0)
		return util_fail(cause, "a reward code cannot be empty");
	if (len > QR_CODE_MAX)
		return util_fail(cause, "code too long for a version-2 QR (%zu characters, at most "
		    "%d)", len, QR_CODE_MAX);
	for (i = 0; i < len; i++) {
		if (strchr(qr_alphanumeric, code[i]) == NULL)
			return util_fail(cause, "character %zu of the code is not in the QR "
			    "alphanumeric set (0-9, A-Z, space and $%%*+-./:)", i + 1);
	}
	return 0;
}

/* Encode with libqrencode and copy the modules out of its matrix. */
int
qr_encode(const char *code, struct qr **out, char **cause)
{
	QRcode		*q;
	struct qr	*qr;
	size_t		 i, n;

	*out = NULL;
	if (qr_check(code, cause) == -1)
		return -1;
	/*
	 * QR_MODE_AN is refused as a hint; with QR_MODE_8 and case-sensitive, libqrencode
	 * chooses alphanumeric mode by itself for these characters.
	 */
	q = QRcode_encodeString(code, QR_VERSION, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (q == NULL) {
		if (errno == ENOMEM)
			abort();
		return util_fail(cause, "cannot encode the code as a QR symbol: %s",
		    strerror(errno));
	}
	/* libqrencode silently takes a larger version when the data does not fit. */
	if (q->version != QR_VERSION) {
		QRcode_free(q);
		return util_fail(cause, "code too long for a version-2 QR");
	}
	n = (size_t)q->width * (size_t)q->width;
	qr = util_xmalloc(sizeof *qr + n * sizeof qr->dark[0]);
	qr->version = q->version;
	qr->width = q->width;
	for (i = 0; i < n; i++)
		qr->dark[i] = q->data[i] & 1;	/* the other bits say what a module is for */
	QRcode_free(q);
	*out = qr;
	return 0;
}

void
qr_free(struct qr *qr)
{
	free(qr);
}

int
qr_version(const struct qr *qr)
{
	return qr->version;
}

int
qr_width(const struct qr *qr)
{
	return qr->width;
}

/* Outside the matrix is quiet zone, and quiet zone is light. */
bool
qr_dark(const struct qr *qr, int x, int y)
{
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return qr->dark[(size_t)y * (size_t)qr->width + (size_t)x];
}

/* A cell is one module wide and two high; an odd side leaves the last lower half quiet. */
int
qr_cells(const struct qr *qr, int quiet, int *cols, int *rows)
{
	int	side;

	if (quiet < 0 || quiet > QR_QUIET_MAX)
		return -1;
	side = qr->width + 2 * quiet;
	*cols = side;
	*rows = (side + 1) / 2;
	return 0;
}

/* Cell (col, row) covers modules (col, 2 row) and (col, 2 row + 1) of the quiet-zoned symbol. */
void
qr_cell(const struct qr *qr, int quiet, int col, int row, bool *upper_dark, bool *lower_dark)
{
	*upper_dark = qr_dark(qr, col - quiet, 2 * row - quiet);
	*lower_dark = qr_dark(qr, col - quiet, 2 * row + 1 - quiet);
}

/* One line per cell row: colours, glyphs, reset. */
int
qr_text(const struct qr *qr, int quiet, FILE *out)
{
	int	cols, rows, col, row;
	bool	upper, lower;

	if (qr_cells(qr, quiet, &cols, &rows) == -1)
		return -1;
	for (row = 0; row < rows; row++) {
		fputs(QR_TEXT_COLOURS, out);
		for (col = 0; col < cols; col++) {
			qr_cell(qr, quiet, col, row, &upper, &lower);
			fputs(qr_text_glyphs[upper][lower], out);
		}
		fputs(QR_TEXT_RESET, out);
	}
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}

/* libpng reports errors here; jump back to qr_png_write with the message. */
static void
qr_png_error(png_structp png, png_const_charp msg)
{
	struct qr_png_error	*e = png_get_error_ptr(png);

	snprintf(e->msg, sizeof e->msg, "%s", msg);
	longjmp(e->jmp, 1);
}

/* Warnings do not spoil the file, and nobody would read them on a kiosk. */
static void
qr_png_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* One row of pixels, 1 bit each, most significant first; 1 is white, so dark stays 0. */
static void
qr_png_row(const struct qr *qr, int scale, int quiet, int y, unsigned char *row, int side)
{
	int	x;

	memset(row, 0, ((size_t)side + 7) / 8);
	for (x = 0; x < side; x++) {
		if (!qr_dark(qr, x / scale - quiet, y / scale - quiet))
			row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
	}
}

/*
 * The libpng part alone, so that nothing the error jump could leave indeterminate is read
 * after it: row, png and info are set before setjmp and not changed after.
 */
static int
qr_png_write(const struct qr *qr, int scale, int quiet, FILE *f, char **cause)
{
	struct qr_png_error	 err;
	png_structp		 png;
	png_infop		 info;
	unsigned char		*row;
	int			 side = (qr->width + 2 * quiet) * scale, y;

	row = util_xmalloc(((size_t)side + 7) / 8);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, qr_png_error,
	    qr_png_warning);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL)
		abort();	/* out of memory, or a libpng that does not match its header */
	if (setjmp(err.jmp)) {
		png_destroy_write_struct(&png, &info);
		free(row);
		return util_fail(cause, "libpng: %s", err.msg);
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		qr_png_row(qr, scale, quiet, y, row, side);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	return 0;
}

/* Write beside path, flush to disk, rename over it: readers never see half a PNG. */
int
qr_png(const struct qr *qr, int scale, int quiet, const char *path, char **cause)
{
	char	*tmp, *why = NULL;
	FILE	*f = NULL;
	int	 fd, rc = -1;

	if (scale < 1 || scale > QR_SCALE_MAX)
		return util_fail(cause, "a QR scale is 1 to %d pixels per module", QR_SCALE_MAX);
	if (quiet < 0 || quiet > QR_QUIET_MAX)
		return util_fail(cause, "a QR quiet zone is 0 to %d modules", QR_QUIET_MAX);
	tmp = util_xprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		util_fail(cause, "cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* mkstemp makes the file 0600; a picture for screens and e-mail is for everyone. */
	if (fchmod(fd, 0644) == -1 || (f = fdopen(fd, "wb")) == NULL) {
		util_fail(cause, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	if (qr_png_write(qr, scale, quiet, f, &why) == -1) {
		util_fail(cause, "cannot write %s: %s", path, why);
		goto out;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) == -1) {
		util_fail(cause, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		util_fail(cause, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) == -1) {
		util_fail(cause, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	if (rc == -1)
		unlink(tmp);
	free(why);
	free(tmp);
	return rc;
}
