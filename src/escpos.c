/*
 * escpos — receipts as ESC/POS bytes, and the parsers that read them back.
 *
 * Invariant of everything escpos_receipt writes: printer commands come only from the constant
 * byte strings in this file; every text goes through escpos_text, which emits printable ASCII
 * (0x20..0x7e) and nothing else, and the QR payload is checked by qr_check to be 1 to 38
 * characters of the QR alphanumeric set.
 */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "escpos.h"
#include "qr.h"
#include "util.h"

#define ESCPOS_ESC	0x1b
#define ESCPOS_GS	0x1d
#define ESCPOS_LF	0x0a

/* Start afresh; centre what follows (the QR too); emphasis on and off. */
static const unsigned char escpos_init[] = { ESCPOS_ESC, '@', ESCPOS_ESC, 'a', 1 };
static const unsigned char escpos_bold_on[] = { ESCPOS_ESC, 'E', 1 };
static const unsigned char escpos_bold_off[] = { ESCPOS_ESC, 'E', 0 };
/* Feed two lines past the footer, then feed to the cutter and cut partially (GS V 66 0). */
static const unsigned char escpos_feed_cut[] = { ESCPOS_ESC, 'd', 2, ESCPOS_GS, 'V', 66, 0 };

/*
 * The native QR commands (GS ( k, cn 49) other than "store": model 2 (fn 65), error correction
 * M (fn 69, 49) and print (fn 81).  The module size (fn 67) and the store (fn 80) carry values.
 */
static const unsigned char escpos_qr_model[] = { ESCPOS_GS, '(', 'k', 4, 0, 49, 65, 50, 0 };
static const unsigned char escpos_qr_ecc[] = { ESCPOS_GS, '(', 'k', 3, 0, 49, 69, 49 };
static const unsigned char escpos_qr_print[] = { ESCPOS_GS, '(', 'k', 3, 0, 49, 81, 48 };

/*
 * Latin-1 letters U+00C0..U+00FF in ASCII, the way a German, French or Spanish reader would
 * spell them without accents (ä → ae, ß → ss, é → e).
 */
static const char *const escpos_latin1[64] = {
	"A", "A", "A", "A", "Ae", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
	"D", "N", "O", "O", "O", "O", "Oe", "x", "O", "U", "U", "U", "Ue", "Y", "Th", "ss",
	"a", "a", "a", "a", "ae", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "oe", "/", "o", "u", "u", "u", "ue", "y", "th", "y",
};

/* Other characters a catalogue is likely to hold: spaces, quotes, dashes, currencies. */
static const struct escpos_ascii {
	long		 cp;
	const char	*ascii;
} escpos_ascii_table[] = {
	{ 0x00a0, " " },	{ 0x00a1, "!" },	{ 0x00a2, "c" },	{ 0x00a3, "GBP" },
	{ 0x00a5, "JPY" },	{ 0x00a9, "(c)" },	{ 0x00ab, "\"" },	{ 0x00ad, "" },
	{ 0x00ae, "(R)" },	{ 0x00b7, "." },	{ 0x00bb, "\"" },	{ 0x00bf, "?" },
	{ 0x0152, "OE" },	{ 0x0153, "oe" },	{ 0x0160, "S" },	{ 0x0161, "s" },
	{ 0x0178, "Y" },	{ 0x017d, "Z" },	{ 0x017e, "z" },	{ 0x2009, " " },
	{ 0x2010, "-" },	{ 0x2011, "-" },	{ 0x2013, "-" },	{ 0x2014, "-" },
	{ 0x2018, "'" },	{ 0x2019, "'" },	{ 0x201a, "," },	{ 0x201c, "\"" },
	{ 0x201d, "\"" },	{ 0x201e, "\"" },	{ 0x2022, "*" },	{ 0x2026, "..." },
	{ 0x2039, "<" },	{ 0x203a, ">" },	{ 0x202f, " " },	{ 0x20ac, "EUR" },
	{ 0x2122, "TM" },	{ 0x2212, "-" },
};
#define ESCPOS_NASCII	(sizeof escpos_ascii_table / sizeof escpos_ascii_table[0])

/* Commands of a fixed length the parsers step over whole: {prefix, code, length}. */
static const struct escpos_fixed {
	unsigned char	prefix;
	unsigned char	code;
	size_t		len;
} escpos_fixed_table[] = {
	{ ESCPOS_ESC, '@', 2 },	{ ESCPOS_ESC, 'a', 3 },	{ ESCPOS_ESC, 'E', 3 },
	{ ESCPOS_ESC, 'd', 3 },	{ ESCPOS_ESC, '!', 3 },	{ ESCPOS_ESC, 't', 3 },
	{ ESCPOS_ESC, 'J', 3 },	{ ESCPOS_GS, '!', 3 },
};
#define ESCPOS_NFIXED	(sizeof escpos_fixed_table / sizeof escpos_fixed_table[0])

void
escpos_buf_init(struct escpos_buf *b)
{
	b->data = NULL;
	b->len = b->size = 0;
}

/* A slip may be a member's data ("My data"): its bytes are wiped before they are freed. */
void
escpos_buf_clear(struct escpos_buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL)
		sodium_memzero(b->data, b->size);
	free(b->data);
	escpos_buf_init(b);
}

/* Append n bytes, doubling the allocation as it fills.  Not realloc: it would free the old
 * block with the slip so far still in it. */
static void
escpos_put(struct escpos_buf *b, const void *p, size_t n)
{
	unsigned char	*grown;
	size_t		 size = b->size, len = b->len;

	if (n > size - len) {
		while (n > size - len)
			size = size == 0 ? 256 : size * 2;
		grown = util_xmalloc(size);
		if (len > 0)
			memcpy(grown, b->data, len);
		escpos_buf_clear(b);
		b->data = grown;
		b->size = size;
		b->len = len;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void
escpos_put_byte(struct escpos_buf *b, unsigned char c)
{
	escpos_put(b, &c, 1);
}

/* Decode the UTF-8 character at s[*i] and step past it; a malformed one is -1, one byte long. */
static long
escpos_utf8(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char	c = s[*i];
	long		cp, min;
	size_t		n, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 1, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, cp = c & 0x07, min = 0x10000;
	else {
		(*i)++;
		return -1;
	}
	for (k = 1; k <= n; k++) {
		if (*i + k >= len || (s[*i + k] & 0xc0) != 0x80) {
			(*i)++;
			return -1;
		}
		cp = cp << 6 | (s[*i + k] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are malformed too. */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		(*i)++;
		return -1;
	}
	*i += n + 1;
	return cp;
}

/* The ASCII spelling of a character above U+009F, or "?" when we know none. */
static const char *
escpos_ascii(long cp)
{
	size_t	i;

	if (cp >= 0xc0 && cp <= 0xff)
		return escpos_latin1[cp - 0xc0];
	for (i = 0; i < ESCPOS_NASCII; i++) {
		if (escpos_ascii_table[i].cp == cp)
			return escpos_ascii_table[i].ascii;
	}
	return "?";
}

/*
 * Append UTF-8 text as printable ASCII.  Tabs and line breaks become spaces (a text is one
 * line); every other control character, C0, DEL or C1, is dropped, because ESC, GS, FS and DLE
 * all start printer commands.
 */
static void
escpos_text(struct escpos_buf *b, const char *text)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 len = strlen(text), i = 0;
	long			 cp;
	const char		*ascii;

	while (i < len) {
		cp = escpos_utf8(s, len, &i);
		if (cp == '\t' || cp == '\n' || cp == '\r')
			escpos_put_byte(b, ' ');
		else if (cp >= 0x20 && cp < 0x7f)
			escpos_put_byte(b, (unsigned char)cp);
		else if (cp == -1)
			escpos_put_byte(b, '?');
		else if (cp >= 0xa0) {
			ascii = escpos_ascii(cp);
			escpos_put(b, ascii, strlen(ascii));
		}
	}
}

/* Append a label (ours, but translated) and a text (the catalogue's), both sanitised, then a
 * line feed. */
static void
escpos_line(struct escpos_buf *b, const char *prefix, const char *text)
{
	escpos_text(b, prefix);		/* labels are translated, so they are text too */
	escpos_text(b, text);
	escpos_put_byte(b, ESCPOS_LF);
}

/* Is s a date shaped YYYY-MM-DD?  Only the shape: the date itself is the caller's. */
static int
escpos_check_day(const char *s)
{
	size_t	i;

	if (strlen(s) != 10)
		return -1;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	return 0;
}

/* GS ( k: model 2, module size, level M, store the code, print it.  The printer encodes. */
static void
escpos_qr_native(const char *code, int module_size, struct escpos_buf *b)
{
	size_t		n = strlen(code) + 3;	/* cn, fn, m and the data */
	unsigned char	size[] = { ESCPOS_GS, '(', 'k', 3, 0, 49, 67, (unsigned char)module_size };
	unsigned char	store[] = { ESCPOS_GS, '(', 'k', (unsigned char)(n & 0xff),
	    (unsigned char)(n >> 8), 49, 80, 48 };

	escpos_put(b, escpos_qr_model, sizeof escpos_qr_model);
	escpos_put(b, size, sizeof size);
	escpos_put(b, escpos_qr_ecc, sizeof escpos_qr_ecc);
	escpos_put(b, store, sizeof store);
	escpos_put(b, code, strlen(code));
	escpos_put(b, escpos_qr_print, sizeof escpos_qr_print);
	escpos_put_byte(b, ESCPOS_LF);
}

/*
 * GS v 0: our own symbol, module_size dots per module, with the standard quiet zone; rows of
 * whole bytes, most significant bit first, 1 = black.
 */
static void
escpos_qr_raster(const struct qr *qr, int module_size, struct escpos_buf *b)
{
	int		dots = (qr_width(qr) + 2 * QR_QUIET) * module_size;
	int		bytes = (dots + 7) / 8, x, y;
	unsigned char	head[] = { ESCPOS_GS, 'v', '0', 0, (unsigned char)(bytes & 0xff),
	    (unsigned char)(bytes >> 8), (unsigned char)(dots & 0xff), (unsigned char)(dots >> 8) };
	unsigned char	*row = util_xmalloc((size_t)bytes);

	escpos_put(b, head, sizeof head);
	for (y = 0; y < dots; y++) {
		memset(row, 0, (size_t)bytes);
		for (x = 0; x < dots; x++) {
			if (qr_dark(qr, x / module_size - QR_QUIET, y / module_size - QR_QUIET))
				row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
		}
		escpos_put(b, row, (size_t)bytes);
	}
	escpos_put_byte(b, ESCPOS_LF);
	free(row);
}

/* Check first, so that a refused receipt leaves out as it was; then write top to bottom. */
int
escpos_receipt(const struct escpos_receipt *r, enum escpos_qr_mode mode, int module_size,
    struct escpos_buf *out, char **cause)
{
	struct qr	*qr = NULL;

	assert(r->store_name != NULL && r->title != NULL && r->expires != NULL &&
	    r->code != NULL && r->code_human != NULL);
	assert(mode == ESCPOS_QR_NATIVE || mode == ESCPOS_QR_RASTER);
	if (module_size < 1 || module_size > ESCPOS_MODULE_MAX)
		return util_fail(cause, "a QR module on a receipt is 1 to %d dots",
		    ESCPOS_MODULE_MAX);
	if (escpos_check_day(r->expires) == -1)
		return util_fail(cause, "a receipt's expiry date is written YYYY-MM-DD");
	if (mode == ESCPOS_QR_RASTER) {
		if (qr_encode(r->code, &qr, cause) == -1)
			return -1;
	} else if (qr_check(r->code, cause) == -1)
		return -1;	/* the printer encodes, but only what fits a version-2 symbol */

	escpos_put(out, escpos_init, sizeof escpos_init);
	escpos_put(out, escpos_bold_on, sizeof escpos_bold_on);
	escpos_line(out, "", r->store_name);
	escpos_put(out, escpos_bold_off, sizeof escpos_bold_off);
	escpos_line(out, "", r->title);
	escpos_line(out, r->valid_label != NULL ? r->valid_label : "Valid until ", r->expires);
	escpos_put_byte(out, ESCPOS_LF);
	if (qr != NULL)
		escpos_qr_raster(qr, module_size, out);
	else
		escpos_qr_native(r->code, module_size, out);
	escpos_line(out, "", r->code_human);
	if (r->receipt_id != NULL)
		escpos_line(out, r->receipt_label != NULL ? r->receipt_label : "Consent receipt: ",
		    r->receipt_id);
	if (r->footer != NULL)
		escpos_line(out, "", r->footer);
	escpos_put(out, escpos_feed_cut, sizeof escpos_feed_cut);
	qr_free(qr);
	return 0;
}

void
escpos_document(const char *title, const char *const *lines, size_t n, struct escpos_buf *out)
{
	static const unsigned char left[] = { ESCPOS_ESC, 'a', 0 };
	size_t	i;

	escpos_put(out, escpos_init, sizeof escpos_init);
	escpos_put(out, escpos_bold_on, sizeof escpos_bold_on);
	escpos_line(out, "", title);
	escpos_put(out, escpos_bold_off, sizeof escpos_bold_off);
	escpos_put(out, left, sizeof left);
	for (i = 0; i < n; i++)
		escpos_line(out, "", lines[i]);
	escpos_put(out, escpos_feed_cut, sizeof escpos_feed_cut);
}

/*
 * The length of the command starting at p (len bytes remain), so that a parser steps over a
 * bitmap or a payload whole instead of reading commands inside it.  Text bytes and commands
 * we do not know count 1; a known command cut short by the end of the buffer counts 0.
 */
static size_t
escpos_command_len(const unsigned char *p, size_t len)
{
	size_t	i, need;

	if (len < 2 || (p[0] != ESCPOS_ESC && p[0] != ESCPOS_GS))
		return 1;
	for (i = 0; i < ESCPOS_NFIXED; i++) {
		if (p[0] == escpos_fixed_table[i].prefix && p[1] == escpos_fixed_table[i].code)
			return escpos_fixed_table[i].len <= len ? escpos_fixed_table[i].len : 0;
	}
	if (p[0] != ESCPOS_GS)
		return 1;
	switch (p[1]) {
	case 'V':	/* cut: m 65, 66, 97 and 98 carry a feed amount n */
		if (len < 3)
			return 0;
		need = p[2] == 65 || p[2] == 66 || p[2] == 97 || p[2] == 98 ? 4 : 3;
		break;
	case '(':	/* GS ( fn pL pH and pL + 256 pH bytes */
		if (len < 5)
			return 0;
		need = 5 + (size_t)p[3] + 256 * (size_t)p[4];
		break;
	case 'v':	/* GS v 0 m xL xH yL yH, then (xL + 256 xH) × (yL + 256 yH) bytes */
		if (len < 3)
			return 0;
		if (p[2] != '0')
			return 1;
		if (len < 8)
			return 0;
		need = 8 + ((size_t)p[4] + 256 * (size_t)p[5]) * ((size_t)p[6] + 256 * (size_t)p[7]);
		break;
	default:
		return 1;
	}
	return need <= len ? need : 0;
}

/* Walk the commands to the first QR store (GS ( k pL pH 49 80 48 data). */
int
escpos_parse_qr(const unsigned char *data, size_t len, char *payload, size_t size)
{
	const unsigned char	*p;
	size_t			 i = 0, n;

	while (i < len) {
		p = data + i;
		if ((n = escpos_command_len(p, len - i)) == 0)
			return -1;
		if (n >= 8 && p[0] == ESCPOS_GS && p[1] == '(' && p[2] == 'k' && p[5] == 49 &&
		    p[6] == 80 && p[7] == 48) {
			if (n - 8 >= size || n - 8 > INT_MAX)
				return -1;
			memcpy(payload, p + 8, n - 8);
			payload[n - 8] = '\0';
			return (int)(n - 8);
		}
		i += n;
	}
	return -1;
}

/* Walk the commands to the first raster image (GS v 0) and copy its bitmap out. */
int
escpos_parse_raster(const unsigned char *data, size_t len, unsigned char **bits,
    int *width_dots, int *height_dots)
{
	const unsigned char	*p;
	size_t			 i = 0, n;

	*bits = NULL;
	while (i < len) {
		p = data + i;
		if ((n = escpos_command_len(p, len - i)) == 0)
			return -1;
		if (n >= 8 && p[0] == ESCPOS_GS && p[1] == 'v' && p[2] == '0') {
			if (n == 8)
				return -1;	/* an empty image */
			*bits = util_xmalloc(n - 8);
			memcpy(*bits, p + 8, n - 8);
			*width_dots = 8 * (p[4] + 256 * p[5]);
			*height_dots = p[6] + 256 * p[7];
			return 0;
		}
		i += n;
	}
	return -1;
}
