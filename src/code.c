/*
 * code — reward codes: 175 bits (payload, then tag) as 35 base32 symbols and a check symbol.
 * Bits are numbered from the most significant bit of byte 0; symbol i carries bits 5i..5i+4.
 */
#include <assert.h>
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "base32.h"
#include "code.h"

#define CODE_SYMBOLS		35		/* without the check symbol */
#define CODE_PAYLOAD_BITS	75
#define CODE_TAG_BITS		100
#define CODE_BYTES		22		/* 175 bits, rounded up */
#define CODE_PAYLOAD_BYTES	10		/* 75 bits, rounded up: what the tag covers */
#define CODE_TAG_BYTES		13		/* 100 bits, rounded up */

/* The check symbol's 37 values: base32, then five more from the QR alphanumeric set. */
static const char code_check_extra[] = "*$%+U";

/* The layout of the payload, in order: bits per field. */
enum { CODE_BITS_VERSION = 3, CODE_BITS_TERMINAL = 12, CODE_BITS_SERIAL = 36,
    CODE_BITS_RULE = 8, CODE_BITS_DAY = 16 };

/* Write value's low bits at bit *pos of buf (zeroed), most significant bit first. */
static void
code_put(unsigned char *buf, unsigned *pos, uint64_t value, unsigned bits)
{
	while (bits > 0) {
		unsigned room = 8 - *pos % 8, n = bits < room ? bits : room;
		buf[*pos / 8] |= (unsigned char)(((value >> (bits - n)) & ((1u << n) - 1)) <<
		    (room - n));
		*pos += n;
		bits -= n;
	}
}

/* Read bits bits at bit *pos of buf. */
static uint64_t
code_get(const unsigned char *buf, unsigned *pos, unsigned bits)
{
	uint64_t	value = 0;

	while (bits > 0) {
		unsigned room = 8 - *pos % 8, n = bits < room ? bits : room;
		value = value << n | ((buf[*pos / 8] >> (room - n)) & ((1u << n) - 1));
		*pos += n;
		bits -= n;
	}
	return value;
}

/* The tag of a packed payload: the first 100 bits of keyed BLAKE2b, the rest zero. */
static void
code_tag(const unsigned char payload[CODE_PAYLOAD_BYTES], const unsigned char key[32],
    unsigned char tag[CODE_TAG_BYTES])
{
	unsigned char	full[16];

	crypto_generichash(full, sizeof full, payload, CODE_PAYLOAD_BYTES, key, 32);
	memcpy(tag, full, CODE_TAG_BYTES);
	tag[CODE_TAG_BYTES - 1] &= 0xf0;
	sodium_memzero(full, sizeof full);
}

/* Crockford's check: the 35 symbols read as one number, modulo 37. */
static unsigned
code_check(const unsigned char values[CODE_SYMBOLS])
{
	unsigned	v = 0;
	int		i;

	for (i = 0; i < CODE_SYMBOLS; i++)
		v = (v * 32 + values[i]) % 37;
	return v;
}

static char
code_check_symbol(unsigned v)
{
	return v < 32 ? base32_alphabet[v] : code_check_extra[v - 32];
}

/* The value of a check symbol (any case, with aliases), or -1. */
static int
code_check_value(int c)
{
	const char	*at;
	int		 v = base32_value(c);

	if (v >= 0)
		return v;
	if (c == '\0' || (at = strchr(code_check_extra, toupper((unsigned char)c))) == NULL)
		return -1;
	return 32 + (int)(at - code_check_extra);
}

static void
code_pack(const struct code_payload *p, unsigned char buf[CODE_BYTES])
{
	unsigned	pos = 0;

	memset(buf, 0, CODE_BYTES);
	code_put(buf, &pos, p->version, CODE_BITS_VERSION);
	code_put(buf, &pos, p->terminal, CODE_BITS_TERMINAL);
	code_put(buf, &pos, p->serial, CODE_BITS_SERIAL);
	code_put(buf, &pos, p->rule, CODE_BITS_RULE);
	code_put(buf, &pos, p->expiry_day, CODE_BITS_DAY);
	assert(pos == CODE_PAYLOAD_BITS);
}

void
code_make(const struct code_payload *p, const unsigned char key[32], char out[CODE_LEN + 1])
{
	unsigned char	buf[CODE_BYTES], tag[CODE_TAG_BYTES], values[CODE_SYMBOLS];
	unsigned	pos = CODE_PAYLOAD_BITS, tpos = 0;
	int		i;

	assert(p->version < (1u << CODE_BITS_VERSION) && p->terminal <= CODE_MAX_TERMINAL &&
	    p->serial <= CODE_MAX_SERIAL && p->rule <= CODE_MAX_RULE &&
	    p->expiry_day <= CODE_MAX_DAY);
	code_pack(p, buf);
	code_tag(buf, key, tag);
	code_put(buf, &pos, code_get(tag, &tpos, 50), 50);
	code_put(buf, &pos, code_get(tag, &tpos, 50), 50);
	pos = 0;
	for (i = 0; i < CODE_SYMBOLS; i++) {
		values[i] = (unsigned char)code_get(buf, &pos, 5);
		out[i] = base32_alphabet[values[i]];
	}
	out[CODE_SYMBOLS] = code_check_symbol(code_check(values));
	out[CODE_LEN] = '\0';
}

/* The 35 symbols' 175 bits into buf, most significant first (the last byte's low bit 0). */
static void
code_symbols_pack(const unsigned char values[CODE_SYMBOLS], unsigned char buf[CODE_BYTES])
{
	uint64_t	acc = 0;
	unsigned	bits = 0, o = 0;
	int		i;

	for (i = 0; i < CODE_SYMBOLS; i++) {
		acc = acc << 5 | values[i];
		if ((bits += 5) >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	buf[o] = (unsigned char)(acc << (8 - bits));
}

/*
 * Read a code as typed or scanned into its packed bits (buf), payload and canonical form, all but
 * its tag: the format, the check symbol and the version.
 */
static enum code_status
code_read(const char *input, unsigned char buf[CODE_BYTES], struct code_payload *p,
    char canonical[CODE_LEN + 1])
{
	unsigned char	 values[CODE_SYMBOLS];
	unsigned	 pos = 0;
	int		 n = 0, v, check = -1, i;
	const char	*c;

	for (c = input; *c != '\0'; c++) {
		if (*c == ' ' || *c == '-')
			continue;
		if (n == CODE_LEN)
			return CODE_MALFORMED;
		if (n < CODE_SYMBOLS) {
			if ((v = base32_value((unsigned char)*c)) < 0)
				return CODE_MALFORMED;
			values[n] = (unsigned char)v;
		} else if ((check = code_check_value((unsigned char)*c)) < 0)
			return CODE_MALFORMED;
		n++;
	}
	if (n != CODE_LEN)
		return CODE_MALFORMED;
	if ((unsigned)check != code_check(values))
		return CODE_BAD_CHECK;

	code_symbols_pack(values, buf);
	p->version = (unsigned)code_get(buf, &pos, CODE_BITS_VERSION);
	p->terminal = (unsigned)code_get(buf, &pos, CODE_BITS_TERMINAL);
	p->serial = code_get(buf, &pos, CODE_BITS_SERIAL);
	p->rule = (unsigned)code_get(buf, &pos, CODE_BITS_RULE);
	p->expiry_day = (unsigned)code_get(buf, &pos, CODE_BITS_DAY);
	if (p->version != CODE_VERSION)
		return CODE_BAD_VERSION;
	if (canonical != NULL) {
		for (i = 0; i < CODE_SYMBOLS; i++)
			canonical[i] = base32_alphabet[values[i]];
		canonical[CODE_SYMBOLS] = code_check_symbol((unsigned)check);
		canonical[CODE_LEN] = '\0';
	}
	return CODE_OK;
}

/* Is the tag in the packed bits of a code read by code_read the one key makes?  Compared in
 * constant time. */
static bool
code_tag_ok(unsigned char buf[CODE_BYTES], const unsigned char key[32])
{
	unsigned char	 tag[CODE_TAG_BYTES], want[CODE_TAG_BYTES];
	unsigned	 pos = CODE_PAYLOAD_BITS, tpos = 0;

	memset(tag, 0, sizeof tag);
	code_put(tag, &tpos, code_get(buf, &pos, 50), 50);
	code_put(tag, &tpos, code_get(buf, &pos, 50), 50);
	/* The tag covers the payload bits alone: the first 75, the rest of byte 9 cleared. */
	buf[CODE_PAYLOAD_BYTES - 1] &= 0xe0;
	memset(buf + CODE_PAYLOAD_BYTES, 0, CODE_BYTES - CODE_PAYLOAD_BYTES);
	code_tag(buf, key, want);
	return sodium_memcmp(tag, want, CODE_TAG_BYTES) == 0;
}

enum code_status
code_decode(const char *input, struct code_payload *p, char canonical[CODE_LEN + 1])
{
	unsigned char	buf[CODE_BYTES];

	return code_read(input, buf, p, canonical);
}

enum code_status
code_parse(const char *input, const unsigned char key[32], struct code_payload *p,
    char canonical[CODE_LEN + 1])
{
	unsigned char		buf[CODE_BYTES];
	enum code_status	rc;

	if ((rc = code_read(input, buf, p, canonical)) != CODE_OK)
		return rc;
	return code_tag_ok(buf, key) ? CODE_OK : CODE_FORGED;
}

void
code_group(const char *code, char out[CODE_GROUPED_LEN + 1])
{
	size_t	i, o = 0, len = strlen(code);

	for (i = 0; i < len && o < CODE_GROUPED_LEN; i++) {
		if (i > 0 && i % 6 == 0)
			out[o++] = '-';
		out[o++] = code[i];
	}
	out[o] = '\0';
}

const char *
code_status_text(enum code_status status)
{
	static const char *const text[] = {
		[CODE_OK] = "a genuine reward code",
		[CODE_MALFORMED] = "not a reward code (wrong length or a character that no code has)",
		[CODE_BAD_CHECK] = "not a reward code (the check character does not match: mistyped?)",
		[CODE_BAD_VERSION] = "not a reward code this terminal knows (unknown format version)",
		[CODE_FORGED] = "not genuine (this code was not issued with this store's key)",
	};

	return text[status];
}

unsigned
code_day(time_t t)
{
	if (t < CODE_EPOCH)
		return 0;
	return (unsigned)((t - CODE_EPOCH) / 86400);
}

time_t
code_day_end(unsigned day)
{
	return CODE_EPOCH + ((time_t)day + 1) * 86400 - 1;
}
