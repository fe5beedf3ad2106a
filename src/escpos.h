/*
 * escpos — a reward receipt as ESC/POS bytes for a thermal receipt printer, built in memory;
 * printer.c carries the bytes to the printer.
 *
 * The QR is sent either natively (GS ( k: the printer encodes the code itself; most printers
 * since about 2010) or as a raster image (GS v 0: we encode it with qr.c and send the dots;
 * every printer).  Receipt texts come from the catalogue in UTF-8; printers speak code pages,
 * so texts are transliterated to printable ASCII ("é" → "e", "€" → "EUR", unknown → "?") and
 * control characters are dropped: no text, however it was written, can smuggle a printer
 * command into the stream.
 *
 * The two parsers read back what escpos_receipt wrote, for the tests and for fuzzing; they
 * walk the stream command by command and check every length against the buffer.
 */
#ifndef PREFKIOSK_ESCPOS_H
#define PREFKIOSK_ESCPOS_H

#include <stddef.h>

/* A growable byte buffer: start it zeroed ({0}) or with escpos_buf_init; escpos_buf_clear frees. */
struct escpos_buf {
	unsigned char	*data;
	size_t		 len;		/* bytes in use */
	size_t		 size;		/* bytes allocated */
};

void	escpos_buf_init(struct escpos_buf *);
void	escpos_buf_clear(struct escpos_buf *);

/* What a receipt says; all borrowed.  receipt_id, footer and the labels may be NULL; the labels
 * come in the member's language from the caller (slip.c). */
struct escpos_receipt {
	const char	*store_name;
	const char	*title;		/* the reward, e.g. "Free pastry" */
	const char	*expires;	/* YYYY-MM-DD */
	const char	*code;		/* the exact code the QR holds */
	const char	*code_human;	/* the code grouped for typing */
	const char	*receipt_id;	/* the consent receipt id */
	const char	*footer;
	const char	*valid_label;	/* "Valid until " when NULL */
	const char	*receipt_label;	/* "Consent receipt: " when NULL */
};

enum escpos_qr_mode {
	ESCPOS_QR_NATIVE,		/* GS ( k: the printer's own QR encoder */
	ESCPOS_QR_RASTER,		/* GS v 0: our symbol as a bitmap */
};

#define ESCPOS_MODULE_MAX	16	/* dots per QR module, the most GS ( k allows */

/*
 * Append the receipt to out: initialise, store name (centred, emphasised), title, "Valid until
 * <expires>", the QR of code with module_size dots per module (1..ESCPOS_MODULE_MAX), the
 * human-readable code, "Consent receipt: <id>", footer, feed and cut.  0, or -1 with a reason
 * and out unchanged.
 */
int	escpos_receipt(const struct escpos_receipt *, enum escpos_qr_mode mode, int module_size,
	    struct escpos_buf *out, char **cause);

/* Append a plain document: a centred, emphasised title, then lines left-aligned, then a cut.
 * Texts are sanitised like a receipt's (a member's data printed at their request). */
void	escpos_document(const char *title, const char *const *lines, size_t n,
	    struct escpos_buf *out);

/*
 * The payload of the first QR store command (GS ( k, cn 49, fn 80) in a stream, copied with a
 * NUL into payload[size].  Its length, or -1 when there is none, it is cut short, or it does
 * not fit.
 */
int	escpos_parse_qr(const unsigned char *data, size_t len, char *payload, size_t size);

/*
 * The bitmap of the first raster command (GS v 0) in a stream, as the printer gets it: rows
 * of width_dots / 8 bytes, most significant bit first, 1 = black.  *bits is the caller's to
 * free.  0, or -1 when there is none or it is cut short.
 */
int	escpos_parse_raster(const unsigned char *data, size_t len, unsigned char **bits,
	    int *width_dots, int *height_dots);

#endif
