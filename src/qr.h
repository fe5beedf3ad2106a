/*
 * qr — a reward code as a QR symbol: encoding with libqrencode, and the two renderings that
 * need no printer: half-block text for a terminal and a PNG file.
 *
 * Every reward code is a version-2 symbol at error-correction level M (25×25 modules, at most
 * 38 characters of the QR alphanumeric set), so that it fits an 80×24 terminal with its quiet
 * zone.  The module matrix is the model; qr_cell is the one place that maps it onto terminal
 * cells, two module rows per cell, so the text output here and the kiosk's curses screen draw
 * the same picture.  Dark modules are always drawn dark: zbar, like most phone readers, does
 * not decode an inverted symbol.
 */
#ifndef PREFKIOSK_QR_H
#define PREFKIOSK_QR_H

#include <stdbool.h>
#include <stdio.h>

#define QR_VERSION	 2	/* every reward code is a version-2 symbol */
#define QR_CODE_MAX	38	/* alphanumeric capacity of version 2 at level M */
#define QR_QUIET	 4	/* the quiet zone the standard asks for, in modules */
#define QR_QUIET_MAX	16
#define QR_SCALE_MAX	64	/* pixels per module in a PNG */

struct qr;

/*
 * Is code 1 to QR_CODE_MAX characters of the QR alphanumeric set (0-9, A-Z, space and
 * $%*+-./:)?  0, or -1 with a reason.
 */
int	 qr_check(const char *code, char **cause);

/* Encode code as a version-2, level-M symbol into *out (qr_free frees).  0, or -1 with a reason. */
int	 qr_encode(const char *code, struct qr **out, char **cause);
void	 qr_free(struct qr *);

int	 qr_version(const struct qr *);
/* Modules per side, without a quiet zone (25 for version 2). */
int	 qr_width(const struct qr *);

/* Is the module at column x, row y dark?  False in the quiet zone and anywhere outside. */
bool	 qr_dark(const struct qr *, int x, int y);

/*
 * The symbol with a quiet zone of `quiet` modules, as terminal cells: each cell is one module
 * wide and two modules high.  qr_cells gives the size (33 columns × 17 rows for version 2 with
 * quiet 4; the last row's lower half lies in the quiet zone); 0, or -1 when quiet is outside
 * 0..QR_QUIET_MAX.  qr_cell tells whether the upper and lower module of a cell are dark.
 */
int	 qr_cells(const struct qr *, int quiet, int *cols, int *rows);
void	 qr_cell(const struct qr *, int quiet, int col, int row, bool *upper_dark,
	    bool *lower_dark);

/*
 * Write the cells as UTF-8 half blocks (▀ ▄ █ and space) for a terminal.  Each line sets both
 * colours explicitly (black on white), so the symbol reads the same on a dark-background
 * terminal, and ends with a reset.  0, or -1 when quiet is out of range or writing failed.
 */
int	 qr_text(const struct qr *, int quiet, FILE *out);

/*
 * Write a PNG (1-bit grey, dark = black) of scale pixels per module (1..QR_SCALE_MAX) with a
 * quiet zone (0..QR_QUIET_MAX).  The file appears whole or not at all: it is written beside
 * path and renamed over it, with mode 0644.  0, or -1 with a reason.
 */
int	 qr_png(const struct qr *, int scale, int quiet, const char *path, char **cause);

#endif
