/*
 * test_escpos — receipts as ESC/POS bytes: the native QR commands carry the exact code, the
 * raster QR decodes with zbarimg, texts cannot smuggle commands in, and the parsers survive
 * any bytes at all.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escpos.h"
#include "helpers.h"
#include "qr.h"

#define TEST_ESCPOS_CODE	"1A2B3C4D5E6F7G8H9J0KMNPQRSTVWXYZ01234"
#define TEST_ESCPOS_HUMAN	"1A2B-3C4D-5E6F-7G8H-9J0K-MNPQ-RSTV-WXYZ-01234"
#define TEST_ESCPOS_FUZZ_RUNS	10000

static char	*dir;

static void
test_escpos_init(void)
{
	dir = helpers_tmpdir();
}

static void
test_escpos_fini(void)
{
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(escpos, .init = test_escpos_init, .fini = test_escpos_fini);

/* The receipt most tests print. */
static struct escpos_receipt
test_escpos_sample(void)
{
	struct escpos_receipt	r = {
		.store_name = "Bean There",
		.title = "Free pastry",
		.expires = "2026-03-31",
		.code = TEST_ESCPOS_CODE,
		.code_human = TEST_ESCPOS_HUMAN,
		.receipt_id = "R7K2M9Q4",
		.footer = "Thank you!",
	};

	return r;
}

/* Build a receipt, asserting success. */
static void
test_escpos_build(const struct escpos_receipt *r, enum escpos_qr_mode mode, int module,
    struct escpos_buf *out)
{
	char	*cause = NULL;

	cr_assert_eq(escpos_receipt(r, mode, module, out, &cause), 0, "%s", cause);
}

/* Does the buffer hold these bytes? */
static int
test_escpos_has(const struct escpos_buf *b, const void *needle, size_t len)
{
	return memmem(b->data, b->len, needle, len) != NULL;
}

/* How many times does byte c occur? */
static size_t
test_escpos_count(const struct escpos_buf *b, unsigned char c)
{
	size_t	i, n = 0;

	for (i = 0; i < b->len; i++)
		n += b->data[i] == c;
	return n;
}

/* A GS v 0 bitmap is a binary PBM's body already: rows of bytes, MSB first, 1 = black. */
static void
test_escpos_write_pbm(const unsigned char *bits, int width, int height, const char *path)
{
	FILE	*f = fopen(path, "wb");
	size_t	 n = (size_t)width / 8 * (size_t)height;

	cr_assert_not_null(f);
	fprintf(f, "P4\n%d %d\n", width, height);
	cr_assert_eq(fwrite(bits, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
}

/* A small deterministic generator: the fuzz loop is the same on every run. */
static uint32_t
test_escpos_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

Test(escpos, native_receipt_stores_the_exact_code)
{
	struct escpos_receipt	r = test_escpos_sample();
	struct escpos_buf	b = { 0 };
	char			payload[64];

	test_escpos_build(&r, ESCPOS_QR_NATIVE, 6, &b);
	cr_assert_eq(escpos_parse_qr(b.data, b.len, payload, sizeof payload),
	    (int)strlen(TEST_ESCPOS_CODE));
	cr_assert_str_eq(payload, TEST_ESCPOS_CODE);
	escpos_buf_clear(&b);
}

Test(escpos, native_receipt_sends_model_size_level_and_print)
{
	struct escpos_receipt	r = test_escpos_sample();
	struct escpos_buf	b = { 0 };
	const unsigned char	model[] = { 0x1d, '(', 'k', 4, 0, 49, 65, 50, 0 };
	const unsigned char	size[] = { 0x1d, '(', 'k', 3, 0, 49, 67, 6 };
	const unsigned char	level_m[] = { 0x1d, '(', 'k', 3, 0, 49, 69, 49 };
	const unsigned char	store[] = { 0x1d, '(', 'k', 40, 0, 49, 80, 48, '1', 'A' };
	const unsigned char	print[] = { 0x1d, '(', 'k', 3, 0, 49, 81, 48 };
	const unsigned char	cut[] = { 0x1d, 'V', 66, 0 };

	test_escpos_build(&r, ESCPOS_QR_NATIVE, 6, &b);
	cr_assert_eq(memcmp(b.data, "\x1b@", 2), 0, "does not start with ESC @");
	cr_assert(test_escpos_has(&b, model, sizeof model));
	cr_assert(test_escpos_has(&b, size, sizeof size));
	cr_assert(test_escpos_has(&b, level_m, sizeof level_m));
	cr_assert(test_escpos_has(&b, store, sizeof store));
	cr_assert(test_escpos_has(&b, print, sizeof print));
	cr_assert_eq(memcmp(b.data + b.len - sizeof cut, cut, sizeof cut), 0,
	    "does not end with a cut");
	cr_assert_not(test_escpos_has(&b, "\x1dv0", 3), "a native receipt holds a raster");
	escpos_buf_clear(&b);
}

Test(escpos, receipt_says_store_title_expiry_code_and_consent_receipt)
{
	struct escpos_receipt	r = test_escpos_sample();
	struct escpos_buf	b = { 0 };
	const char		*lines[] = { "\x1b" "E\x01" "Bean There\n\x1b" "E", "Free pastry\n",
	    "Valid until 2026-03-31\n", TEST_ESCPOS_HUMAN "\n", "Consent receipt: R7K2M9Q4\n",
	    "Thank you!\n" };
	size_t			i;

	test_escpos_build(&r, ESCPOS_QR_NATIVE, 4, &b);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
		cr_assert(test_escpos_has(&b, lines[i], strlen(lines[i])), "missing: %s", lines[i]);
	cr_assert(test_escpos_has(&b, "\x1b" "a\x01", 3), "not centred");
	escpos_buf_clear(&b);
}

Test(escpos, consent_receipt_and_footer_are_optional)
{
	struct escpos_receipt	r = test_escpos_sample();
	struct escpos_buf	b = { 0 };

	r.receipt_id = NULL;
	r.footer = NULL;
	test_escpos_build(&r, ESCPOS_QR_NATIVE, 4, &b);
	cr_assert_not(test_escpos_has(&b, "Consent receipt", 15));
	cr_assert_not(test_escpos_has(&b, "Thank you", 9));
	cr_assert(test_escpos_has(&b, "Valid until 2026-03-31\n", 23));
	escpos_buf_clear(&b);
}

Test(escpos, raster_receipt_decodes_with_zbarimg)
{
	int			 modules[] = { 3, 4, 8 };
	struct escpos_receipt	 r = test_escpos_sample();
	char			*path = helpers_path(dir, "raster.pbm"), got[128], payload[64];
	unsigned char		*bits;
	int			 width, height;
	size_t			 i;

	for (i = 0; i < sizeof modules / sizeof modules[0]; i++) {
		struct escpos_buf	b = { 0 };
		int			dots = 33 * modules[i];

		test_escpos_build(&r, ESCPOS_QR_RASTER, modules[i], &b);
		cr_assert_eq(escpos_parse_raster(b.data, b.len, &bits, &width, &height), 0);
		cr_assert_eq(width, (dots + 7) / 8 * 8);
		cr_assert_eq(height, dots);
		test_escpos_write_pbm(bits, width, height, path);
		cr_assert_eq(helpers_zbar(path, got, sizeof got), 0, "module %d", modules[i]);
		cr_assert_str_eq(got, TEST_ESCPOS_CODE);
		cr_assert_eq(escpos_parse_qr(b.data, b.len, payload, sizeof payload), -1,
		    "a raster receipt holds a native QR");
		free(bits);
		escpos_buf_clear(&b);
	}
	free(path);
}

Test(escpos, raster_draws_the_symbol_dark_inside_a_light_quiet_zone)
{
	struct escpos_receipt	 r = test_escpos_sample();
	struct escpos_buf	 b = { 0 };
	struct qr		*qr;
	unsigned char		*bits;
	int			 width, height, x, y, stride, black;
	char			*cause = NULL;

	cr_assert_eq(qr_encode(TEST_ESCPOS_CODE, &qr, &cause), 0, "%s", cause);
	test_escpos_build(&r, ESCPOS_QR_RASTER, 2, &b);
	cr_assert_eq(escpos_parse_raster(b.data, b.len, &bits, &width, &height), 0);
	stride = width / 8;
	for (y = 0; y < height; y++) {
		for (x = 0; x < 66; x++) {
			black = (bits[y * stride + x / 8] >> (7 - x % 8)) & 1;
			cr_assert_eq(black, qr_dark(qr, x / 2 - 4, y / 2 - 4), "dot %d,%d", x, y);
		}
	}
	free(bits);
	qr_free(qr);
	escpos_buf_clear(&b);
}

Test(escpos, texts_cannot_inject_printer_commands)
{
	struct escpos_receipt	r = test_escpos_sample(), evil = test_escpos_sample();
	struct escpos_buf	good = { 0 }, bad = { 0 };

	evil.store_name = "Bean\x1b@There";
	evil.title = "Free\x1b" "d\x09pastry\x1dV\x41\x10\x04\x01\x1c\x7f\xc2\x9b";
	evil.code_human = "1A2B\x1b" "E\x01";
	evil.receipt_id = "R7\x1dv0";
	evil.footer = "Thanks\x1b" "a\x02\r\nbye";
	test_escpos_build(&r, ESCPOS_QR_NATIVE, 4, &good);
	test_escpos_build(&evil, ESCPOS_QR_NATIVE, 4, &bad);
	/* Exactly the receipt's own commands: as many ESC, GS, DLE and FS as a clean receipt. */
	cr_assert_eq(test_escpos_count(&bad, 0x1b), test_escpos_count(&good, 0x1b));
	cr_assert_eq(test_escpos_count(&bad, 0x1d), test_escpos_count(&good, 0x1d));
	cr_assert_eq(test_escpos_count(&bad, 0x10), 0);
	cr_assert_eq(test_escpos_count(&bad, 0x1c), 0);
	cr_assert_eq(test_escpos_count(&bad, 0x7f), 0);
	cr_assert(test_escpos_has(&bad, "Bean@There\n", 11));
	cr_assert(test_escpos_has(&bad, "Freed pastryVA\n", 15));
	cr_assert(test_escpos_has(&bad, "Consent receipt: R7v0\n", 22));
	cr_assert(test_escpos_has(&bad, "Thanksa  bye\n", 13));
	escpos_buf_clear(&good);
	escpos_buf_clear(&bad);
}

Test(escpos, texts_are_transliterated_to_ascii)
{
	struct escpos_receipt	r = test_escpos_sample();
	struct escpos_buf	b = { 0 };
	size_t			i;
	const char		*want[] = { "Cafe Mueller - Strasse\n", "EUR 5 \"gratis\"... Ca y Ae\n",
	    "?? ? ?? x\n" };

	r.store_name = "Caf\u00e9 M\u00fcller \u2013 Stra\u00dfe";
	r.title = "\u20ac\u00a05 \u201egratis\u201c\u2026 \u00c7a y \u00c4";
	r.footer = "\u65e5\u672c \U0001F600 \xff\xc3 x";	/* unknown, emoji, malformed */
	test_escpos_build(&r, ESCPOS_QR_NATIVE, 4, &b);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert(test_escpos_has(&b, want[i], strlen(want[i])), "missing: %s", want[i]);
	for (i = 0; i < b.len; i++)
		cr_assert_lt(b.data[i], 0x80, "byte 0x%02x at %zu", b.data[i], i);
	escpos_buf_clear(&b);
}

Test(escpos, bad_receipts_are_refused_and_leave_the_buffer_alone)
{
	struct escpos_receipt	r = test_escpos_sample();
	struct escpos_buf	b = { 0 };
	char			*cause = NULL;
	size_t			len;

	test_escpos_build(&r, ESCPOS_QR_NATIVE, 4, &b);
	len = b.len;
	cr_assert_eq(escpos_receipt(&r, ESCPOS_QR_NATIVE, 0, &b, &cause), -1);
	cr_assert_not_null(strstr(cause, "1 to 16 dots"), "%s", cause);
	free(cause);
	cr_assert_eq(escpos_receipt(&r, ESCPOS_QR_RASTER, 17, &b, &cause), -1);
	free(cause);
	r.expires = "31.3.2026";
	cr_assert_eq(escpos_receipt(&r, ESCPOS_QR_NATIVE, 4, &b, &cause), -1);
	cr_assert_not_null(strstr(cause, "YYYY-MM-DD"), "%s", cause);
	free(cause);
	r.expires = "2026-03-31";
	r.code = "1a2b";
	cr_assert_eq(escpos_receipt(&r, ESCPOS_QR_NATIVE, 4, &b, &cause), -1);
	free(cause);
	cr_assert_eq(escpos_receipt(&r, ESCPOS_QR_RASTER, 4, &b, &cause), -1);
	free(cause);
	r.code = TEST_ESCPOS_CODE "XY";
	cr_assert_eq(escpos_receipt(&r, ESCPOS_QR_NATIVE, 4, &b, &cause), -1);
	cr_assert_not_null(strstr(cause, "too long"), "%s", cause);
	free(cause);
	cr_assert_eq(escpos_receipt(&r, ESCPOS_QR_RASTER, 4, &b, &cause), -1);
	free(cause);
	cr_assert_eq(b.len, len);
	escpos_buf_clear(&b);
	cr_assert_null(b.data);
	escpos_buf_clear(NULL);
}

Test(escpos, receipts_append_to_the_buffer)
{
	struct escpos_receipt	r = test_escpos_sample();
	struct escpos_buf	one, two;
	char			payload[64];

	escpos_buf_init(&one);
	escpos_buf_init(&two);
	test_escpos_build(&r, ESCPOS_QR_RASTER, 4, &one);
	test_escpos_build(&r, ESCPOS_QR_RASTER, 4, &two);
	test_escpos_build(&r, ESCPOS_QR_RASTER, 4, &two);
	cr_assert_eq(two.len, 2 * one.len);
	cr_assert_eq(memcmp(one.data, two.data, one.len), 0);
	cr_assert_eq(memcmp(one.data, two.data + one.len, one.len), 0);
	test_escpos_build(&r, ESCPOS_QR_NATIVE, 4, &two);
	cr_assert_eq(escpos_parse_qr(two.data, two.len, payload, sizeof payload),
	    (int)strlen(TEST_ESCPOS_CODE));
	escpos_buf_clear(&one);
	escpos_buf_clear(&two);
}

Test(escpos, parse_qr_needs_room_for_the_payload)
{
	const unsigned char	stream[] = { 0x1d, '(', 'k', 6, 0, 49, 80, 48, 'A', 'B', 'C' };
	char			payload[4];

	cr_assert_eq(escpos_parse_qr(stream, sizeof stream, payload, 4), 3);
	cr_assert_str_eq(payload, "ABC");
	cr_assert_eq(escpos_parse_qr(stream, sizeof stream, payload, 3), -1);
	cr_assert_eq(escpos_parse_qr(stream, sizeof stream - 1, payload, 4), -1);
	cr_assert_eq(escpos_parse_qr(stream, 0, payload, 4), -1);
}

Test(escpos, parse_qr_steps_over_bitmaps)
{
	/* A 1×11-byte bitmap whose dots happen to spell a QR store command. */
	const unsigned char	stream[] = { 0x1d, 'v', '0', 0, 11, 0, 1, 0,
	    0x1d, '(', 'k', 6, 0, 49, 80, 48, 'A', 'B', 'C' };
	unsigned char		*bits;
	char			 payload[8];
	int			 w, h;

	cr_assert_eq(escpos_parse_qr(stream, sizeof stream, payload, sizeof payload), -1);
	cr_assert_eq(escpos_parse_raster(stream, sizeof stream, &bits, &w, &h), 0);
	cr_assert_eq(w, 88);
	cr_assert_eq(h, 1);
	cr_assert_eq(memcmp(bits, stream + 8, 11), 0);
	free(bits);
}

Test(escpos, parsers_refuse_every_cut_short_stream)
{
	struct escpos_receipt	 r = test_escpos_sample();
	struct escpos_buf	 native = { 0 }, raster = { 0 };
	unsigned char		*bits;
	char			 payload[64];
	int			 w, h, rc;
	size_t			 n, end_qr = 0, end_raster = 0;

	test_escpos_build(&r, ESCPOS_QR_NATIVE, 4, &native);
	test_escpos_build(&r, ESCPOS_QR_RASTER, 4, &raster);
	for (n = 0; n <= native.len; n++) {
		rc = escpos_parse_qr(native.data, n, payload, sizeof payload);
		if (rc != -1 && end_qr == 0)
			end_qr = n;
		cr_assert(rc == -1 || strcmp(payload, TEST_ESCPOS_CODE) == 0);
	}
	for (n = 0; n <= raster.len; n++) {
		rc = escpos_parse_raster(raster.data, n, &bits, &w, &h);
		if (rc == 0 && end_raster == 0)
			end_raster = n;
		cr_assert(rc == -1 || (w == 136 && h == 132));
		cr_assert(rc == 0 || bits == NULL);
		free(bits);
	}
	/* Found exactly when the whole command is there. */
	cr_assert_eq(end_qr, (size_t)((unsigned char *)memmem(native.data, native.len,
	    TEST_ESCPOS_CODE, strlen(TEST_ESCPOS_CODE)) - native.data) + strlen(TEST_ESCPOS_CODE));
	cr_assert_eq(end_raster, (size_t)((unsigned char *)memmem(raster.data, raster.len,
	    "\x1dv0", 3) - raster.data) + 8 + 17 * 132);
	escpos_buf_clear(&native);
	escpos_buf_clear(&raster);
}

Test(escpos, parsers_survive_10000_random_streams)
{
	struct escpos_receipt	 r = test_escpos_sample();
	struct escpos_buf	 seed[2] = { { 0 }, { 0 } };
	const unsigned char	 magic[] = { 0x1b, 0x1d, '(', 'k', 'v', '0', 49, 80, 48, 0, 0xff };
	unsigned char		 buf[4096], *bits;
	char			 payload[64];
	uint32_t		 state = 0x9e3779b9;
	int			 run, w, h, rc, found = 0;
	size_t			 len, i;

	test_escpos_build(&r, ESCPOS_QR_NATIVE, 4, &seed[0]);
	test_escpos_build(&r, ESCPOS_QR_RASTER, 1, &seed[1]);
	for (run = 0; run < TEST_ESCPOS_FUZZ_RUNS; run++) {
		const struct escpos_buf	*s = &seed[run % 2];

		if (run % 4 < 2) {	/* a real receipt, cut short and with a few bytes changed */
			len = test_escpos_random(&state) % (s->len < sizeof buf ? s->len : sizeof buf);
			memcpy(buf, s->data, len);
			for (i = 0; len > 0 && i < 4; i++)
				buf[test_escpos_random(&state) % len] = (unsigned char)test_escpos_random(&state);
		} else {		/* noise, rich in the bytes that start and size commands */
			len = test_escpos_random(&state) % 512;
			for (i = 0; i < len; i++) {
				uint32_t	x = test_escpos_random(&state);

				buf[i] = x % 2 ? magic[(x >> 1) % sizeof magic] : (unsigned char)(x >> 8);
			}
		}
		rc = escpos_parse_qr(buf, len, payload, sizeof payload);
		cr_assert(rc >= -1 && rc < (int)sizeof payload);
		found += rc >= 0;
		rc = escpos_parse_raster(buf, len, &bits, &w, &h);
		cr_assert(rc == 0 || rc == -1);
		if (rc == 0) {
			cr_assert_leq((size_t)w / 8 * (size_t)h, len);
			found++;
		}
		free(bits);
	}
	cr_assert_gt(found, 0, "the fuzz loop never reached a command");
	escpos_buf_clear(&seed[0]);
	escpos_buf_clear(&seed[1]);
}
