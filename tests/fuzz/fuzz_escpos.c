/*
 * fuzz_escpos — the ESC/POS writer fed any texts and codes, and its parsers fed any bytes.
 *
 * The input holds a receipt (store name, title, expiry, code, grouped code, receipt id,
 * footer, labels, QR mode and module size), which escpos_receipt writes; the same texts as a
 * plain document (escpos_document), and as a member's data (slip_member, in the language the
 * input picks).  What escpos.h promises, checked by walking each stream against the layout
 * it must have: printer commands come only from the writer's own constant byte strings, and
 * every text between them is printable ASCII ending in a line feed — no byte of any text,
 * however it was written, reaches the printer as a command.  A text already printable ASCII
 * is printed as it is.  The native QR holds the code exactly, the raster QR draws the symbol
 * of the code, module by module, in its quiet zone.  A refused receipt leaves the buffer as it
 * was.  Last, the two parsers read the input's raw bytes as a stream, within its bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escpos.h"
#include "customer.h"
#include "fuzz.h"
#include "qr.h"
#include "shop.h"
#include "slip.h"
#include "util.h"

#define FUZZ_ESCPOS_TEXT_MAX	255

/* The writer's constant commands, as escpos.c writes them. */
static const unsigned char fuzz_escpos_init[] = { 0x1b, '@', 0x1b, 'a', 1 };
static const unsigned char fuzz_escpos_bold_on[] = { 0x1b, 'E', 1 };
static const unsigned char fuzz_escpos_bold_off[] = { 0x1b, 'E', 0 };
static const unsigned char fuzz_escpos_left[] = { 0x1b, 'a', 0 };
static const unsigned char fuzz_escpos_cut[] = { 0x1b, 'd', 2, 0x1d, 'V', 66, 0 };
static const unsigned char fuzz_escpos_model[] = { 0x1d, '(', 'k', 4, 0, 49, 65, 50, 0 };
static const unsigned char fuzz_escpos_ecc[] = { 0x1d, '(', 'k', 3, 0, 49, 69, 49 };
static const unsigned char fuzz_escpos_print[] = { 0x1d, '(', 'k', 3, 0, 49, 81, 48 };

/* A stream being walked. */
struct fuzz_walk {
	const unsigned char	*p;
	size_t			 n;
};

/* The exact bytes next; step past them. */
static void
fuzz_escpos_expect(struct fuzz_walk *w, const void *bytes, size_t len, const char *what)
{
	FUZZ_CHECK(w->n >= len && memcmp(w->p, bytes, len) == 0, "%s expected, %zu bytes left",
	    what, w->n);
	w->p += len;
	w->n -= len;
}

/* A line of printable ASCII and its line feed; its text into out (out[size]), cut to fit. */
static void
fuzz_escpos_line(struct fuzz_walk *w, char *out, size_t size, const char *what)
{
	size_t	i;

	for (i = 0; i < w->n && w->p[i] != '\n'; i++)
		FUZZ_CHECK(w->p[i] >= 0x20 && w->p[i] <= 0x7e, "byte %#x in the %s", w->p[i], what);
	FUZZ_CHECK(i < w->n, "the %s has no line feed", what);
	if (out != NULL) {
		FUZZ_CHECK(i < size, "the %s is %zu bytes long", what, i);
		memcpy(out, w->p, i);
		out[i] = '\0';
	}
	w->p += i + 1;
	w->n -= i + 1;
}

/* Is text printable ASCII throughout, so that it must be printed as it is? */
static bool
fuzz_escpos_plain(const char *text)
{
	for (; *text != '\0'; text++)
		if ((unsigned char)*text < 0x20 || (unsigned char)*text > 0x7e)
			return false;
	return true;
}

/* A line holding label then text, as the writer makes it. */
static void
fuzz_escpos_text(struct fuzz_walk *w, const char *label, const char *text, const char *what)
{
	char	line[4 * (2 * FUZZ_ESCPOS_TEXT_MAX + 2)], want[2 * FUZZ_ESCPOS_TEXT_MAX + 2];

	fuzz_escpos_line(w, line, sizeof line, what);
	snprintf(want, sizeof want, "%s%s", label, text);
	if (fuzz_escpos_plain(want))
		FUZZ_CHECK(strcmp(line, want) == 0, "the %s is printed as '%s', not as given",
		    what, line);
	FUZZ_CHECK(strlen(line) <= 3 * strlen(want), "the %s grew to %zu bytes", what,
	    strlen(line));
}

/* The raster image (GS v 0) of the code's symbol: every module, quiet zone included. */
static void
fuzz_escpos_raster(struct fuzz_walk *w, const char *code, int module)
{
	struct qr	*qr = NULL;
	char		*cause = NULL;
	size_t		 bytes, dots;
	int		 x, y;
	bool		 dark, want;

	FUZZ_CHECK(qr_encode(code, &qr, &cause) == 0, "the code printed does not encode: %s",
	    cause);
	dots = (size_t)(qr_width(qr) + 2 * QR_QUIET) * (size_t)module;
	bytes = (dots + 7) / 8;
	FUZZ_CHECK(w->n >= 8 && w->p[0] == 0x1d && w->p[1] == 'v' && w->p[2] == '0' &&
	    w->p[3] == 0 && w->p[4] + 256u * w->p[5] == bytes && w->p[6] + 256u * w->p[7] == dots,
	    "the raster header");
	w->p += 8;
	w->n -= 8;
	FUZZ_CHECK(w->n >= bytes * dots, "the bitmap is cut short");
	for (y = 0; y < (int)dots; y++)
		for (x = 0; x < (int)dots; x++) {
			dark = (w->p[(size_t)y * bytes + (size_t)x / 8] >> (7 - x % 8)) & 1;
			want = qr_dark(qr, x / module - QR_QUIET, y / module - QR_QUIET);
			FUZZ_CHECK(dark == want, "dot %d,%d of the raster QR", x, y);
		}
	w->p += bytes * dots;
	w->n -= bytes * dots;
	fuzz_escpos_expect(w, "\n", 1, "the line feed after the image");
	qr_free(qr);
}

/* The native QR (GS ( k): model, module size, level, store exactly the code, print. */
static void
fuzz_escpos_native(struct fuzz_walk *w, const char *code, int module)
{
	const unsigned char	size[] = { 0x1d, '(', 'k', 3, 0, 49, 67, (unsigned char)module };
	size_t			n = strlen(code) + 3;
	const unsigned char	store[] = { 0x1d, '(', 'k', (unsigned char)(n & 0xff),
	    (unsigned char)(n >> 8), 49, 80, 48 };

	fuzz_escpos_expect(w, fuzz_escpos_model, sizeof fuzz_escpos_model, "the QR model");
	fuzz_escpos_expect(w, size, sizeof size, "the QR module size");
	fuzz_escpos_expect(w, fuzz_escpos_ecc, sizeof fuzz_escpos_ecc, "the QR level");
	fuzz_escpos_expect(w, store, sizeof store, "the QR store command");
	fuzz_escpos_expect(w, code, strlen(code), "the code in the QR");
	fuzz_escpos_expect(w, fuzz_escpos_print, sizeof fuzz_escpos_print, "the QR print");
	fuzz_escpos_expect(w, "\n", 1, "the line feed after the QR");
}

static void
fuzz_escpos_receipt(const struct escpos_receipt *r, enum escpos_qr_mode mode, int module)
{
	struct escpos_buf	 b = { NULL, 0, 0 };
	struct fuzz_walk	 w;
	unsigned char		*bits = NULL;
	char			*cause = NULL, payload[64];
	int			 width, height;

	/* Something there already: a refusal must leave it, a receipt must come after it. */
	escpos_document("before", NULL, 0, &b);
	w.n = b.len;
	if (escpos_receipt(r, mode, module, &b, &cause) != 0) {
		fuzz_check_reason(cause);
		FUZZ_CHECK(b.len == w.n, "a refused receipt wrote %zu bytes", b.len - w.n);
		free(cause);
		escpos_buf_clear(&b);
		return;
	}
	FUZZ_CHECK(module >= 1 && module <= ESCPOS_MODULE_MAX, "module %d accepted", module);
	w.p = b.data + w.n;
	w.n = b.len - w.n;
	fuzz_escpos_expect(&w, fuzz_escpos_init, sizeof fuzz_escpos_init, "initialise");
	fuzz_escpos_expect(&w, fuzz_escpos_bold_on, sizeof fuzz_escpos_bold_on, "bold");
	fuzz_escpos_text(&w, "", r->store_name, "store name");
	fuzz_escpos_expect(&w, fuzz_escpos_bold_off, sizeof fuzz_escpos_bold_off, "bold off");
	fuzz_escpos_text(&w, "", r->title, "title");
	fuzz_escpos_text(&w, r->valid_label != NULL ? r->valid_label : "Valid until ",
	    r->expires, "expiry");
	fuzz_escpos_expect(&w, "\n", 1, "the line feed before the QR");
	if (mode == ESCPOS_QR_RASTER)
		fuzz_escpos_raster(&w, r->code, module);
	else
		fuzz_escpos_native(&w, r->code, module);
	fuzz_escpos_text(&w, "", r->code_human, "grouped code");
	if (r->receipt_id != NULL)
		fuzz_escpos_text(&w, r->receipt_label != NULL ? r->receipt_label :
		    "Consent receipt: ", r->receipt_id, "receipt id");
	if (r->footer != NULL)
		fuzz_escpos_text(&w, "", r->footer, "footer");
	fuzz_escpos_expect(&w, fuzz_escpos_cut, sizeof fuzz_escpos_cut, "feed and cut");
	FUZZ_CHECK(w.n == 0, "%zu bytes after the cut", w.n);

	/* The parsers read back what was written. */
	if (mode == ESCPOS_QR_NATIVE)
		FUZZ_CHECK(escpos_parse_qr(b.data, b.len, payload, sizeof payload) ==
		    (int)strlen(r->code) && strcmp(payload, r->code) == 0, "the QR read back");
	else {
		FUZZ_CHECK(escpos_parse_raster(b.data, b.len, &bits, &width, &height) == 0 &&
		    width >= height && height > 0, "the raster read back");
		free(bits);
	}
	escpos_buf_clear(&b);
}

/* A document: a title, then lines, each printable, then the cut. */
static void
fuzz_escpos_check_document(const struct escpos_buf *b, const char *title,
    const char *const *lines, size_t n)
{
	struct fuzz_walk	w = { b->data, b->len };
	size_t			i;

	fuzz_escpos_expect(&w, fuzz_escpos_init, sizeof fuzz_escpos_init, "initialise");
	fuzz_escpos_expect(&w, fuzz_escpos_bold_on, sizeof fuzz_escpos_bold_on, "bold");
	if (title != NULL)
		fuzz_escpos_text(&w, "", title, "document title");
	else
		fuzz_escpos_line(&w, NULL, 0, "document title");
	fuzz_escpos_expect(&w, fuzz_escpos_bold_off, sizeof fuzz_escpos_bold_off, "bold off");
	fuzz_escpos_expect(&w, fuzz_escpos_left, sizeof fuzz_escpos_left, "left");
	for (i = 0; i < n; i++) {
		if (lines != NULL)
			fuzz_escpos_text(&w, "", lines[i], "document line");
		else
			fuzz_escpos_line(&w, NULL, 0, "a line of the member's data");
	}
	fuzz_escpos_expect(&w, fuzz_escpos_cut, sizeof fuzz_escpos_cut, "feed and cut");
	FUZZ_CHECK(w.n == 0, "%zu bytes after the cut", w.n);
}

/* The member's data on paper, from a profile of the input's texts. */
static void
fuzz_escpos_member(const char *const *t, unsigned pick)
{
	const struct shop		*s = fuzz_shop_catalog();
	struct customer_profile		*p = customer_profile_new();
	enum consent_state		 consents[CUSTOMER_MAX_PURPOSES];
	struct escpos_buf		 b = { NULL, 0, 0 };
	char				(*lines)[SLIP_LINE_MAX];
	size_t				 i, n;
	int				 lang = (int)(pick % (unsigned)s->config->nlanguages);

	util_copy(p->name, sizeof p->name, t[0]);
	util_copy(p->email, sizeof p->email, t[1]);
	util_copy(p->phone, sizeof p->phone, t[4]);
	util_copy(p->card, sizeof p->card, t[5]);
	util_copy(p->pin_hash, sizeof p->pin_hash, (pick & 8) ? "$argon2id$" : "");
	for (i = 0; i < s->catalog->ninterests && i < CUSTOMER_MAX_INTERESTS; i++)
		p->interests[i] = (pick >> (i % 16)) & 1;
	for (i = 0; i < s->catalog->nchannels && i < CUSTOMER_MAX_CHANNELS; i++)
		p->channels[i] = (pick >> i) & 1 ? CUSTOMER_NO_FREQUENCY : CUSTOMER_NO_CHANNEL;
	for (i = 0; i < CUSTOMER_MAX_PURPOSES; i++)
		consents[i] = (pick >> i) & 2 ? CONSENT_GIVEN : CONSENT_REFUSED;
	slip_member(s, p, consents, pick % 9, lang, &b);
	lines = util_xcalloc(SLIP_MAX_LINES, SLIP_LINE_MAX);
	n = slip_member_lines(s, p, consents, pick % 9, lang, lines);
	FUZZ_CHECK(n <= SLIP_MAX_LINES, "%zu lines", n);
	fuzz_escpos_check_document(&b, NULL, NULL, n);
	free(lines);
	escpos_buf_clear(&b);
	customer_profile_free(p);
}

/* The parsers on the raw input: within its bounds, and what they return is consistent. */
static void
fuzz_escpos_parsers(const uint8_t *data, size_t size)
{
	unsigned char	*bits = NULL;
	char		 payload[64];
	int		 n, width = -1, height = -1;

	n = escpos_parse_qr(data, size, payload, sizeof payload);
	FUZZ_CHECK(n == -1 || (n >= 0 && (size_t)n < sizeof payload && payload[n] == '\0'),
	    "a payload of %d", n);
	if (escpos_parse_raster(data, size, &bits, &width, &height) == 0) {
		FUZZ_CHECK(bits != NULL && width >= 0 && width % 8 == 0 && height >= 0 &&
		    (size_t)(width / 8) * (size_t)height <= size, "an image of %dx%d in %zu bytes",
		    width, height, size);
		free(bits);
	} else
		FUZZ_CHECK(bits == NULL, "a failed parse left an image");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input	in = { data, size };
	struct escpos_receipt	r;
	struct escpos_buf	b = { NULL, 0, 0 };
	char			t[9][FUZZ_ESCPOS_TEXT_MAX + 1];
	const char		*lines[9];
	unsigned		flags = fuzz_byte(&in), pick = fuzz_byte(&in) << 8 | fuzz_byte(&in);
	int			module = (int)(fuzz_byte(&in) % 20) - 1, i;

	for (i = 0; i < 9; i++) {
		fuzz_text(&in, t[i], FUZZ_ESCPOS_TEXT_MAX);
		lines[i] = t[i];
	}
	memset(&r, 0, sizeof r);
	r.store_name = t[0];
	r.title = t[1];
	r.expires = t[2];
	r.code = t[3];
	r.code_human = t[4];
	r.receipt_id = (flags & 2) ? t[5] : NULL;
	r.footer = (flags & 4) ? t[6] : NULL;
	r.valid_label = (flags & 8) ? t[7] : NULL;
	r.receipt_label = (flags & 8) ? t[8] : NULL;
	fuzz_escpos_receipt(&r, (flags & 1) ? ESCPOS_QR_RASTER : ESCPOS_QR_NATIVE, module);

	escpos_document(t[0], lines + 1, (flags >> 4) % 9, &b);
	fuzz_escpos_check_document(&b, t[0], lines + 1, (flags >> 4) % 9);
	escpos_buf_clear(&b);

	fuzz_escpos_member((const char *const *)lines, pick);
	fuzz_escpos_parsers(data, size);
	return 0;
}
