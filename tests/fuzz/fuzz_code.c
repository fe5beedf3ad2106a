/*
 * fuzz_code — reward codes as typed or scanned: code_decode and code_parse on any text.
 *
 * What code.h promises, checked on every input:
 *   - code_parse and code_decode agree on everything but the tag: decode OK is parse OK or
 *     FORGED, and any other status is the same for both;
 *   - a code that reads carries a payload in range and a canonical form of 36 symbols of the
 *     code alphabet, which is the input with separators dropped, upper-cased and Crockford's
 *     aliases resolved; the canonical form reads the same, grouped or not;
 *   - a genuine code re-encodes (code_make) to its canonical form exactly; a forged one does
 *     not, and the code made from its payload is genuine.
 * Then the input's first bytes choose a payload: the code made for it reads back genuine with
 * that payload, and no single changed symbol nor any swap of two different neighbours reads
 * as a code (the check symbol catches each before the tag is even computed).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "code.h"
#include "fuzz.h"

/* The check symbol's 37 values: base32, then five more. */
static const char fuzz_code_symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*$%+U";

/* The store's code key is a secret; any fixed key will do for the properties. */
static const unsigned char fuzz_code_key[32] = {
	0x70, 0x72, 0x65, 0x66, 0x6b, 0x69, 0x6f, 0x73, 0x6b, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20,
	0x6b, 0x65, 0x79, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
	0x0d, 0x0e,
};

static int
fuzz_code_same(const struct code_payload *a, const struct code_payload *b)
{
	return a->version == b->version && a->terminal == b->terminal &&
	    a->serial == b->serial && a->rule == b->rule && a->expiry_day == b->expiry_day;
}

/* The canonical form as the test's own reading of the input: separators out, upper case,
 * O as 0, I and L as 1.  NULL when the input has anything else. */
static char *
fuzz_code_normal(const char *input)
{
	char	*out = malloc(strlen(input) + 1);
	size_t	 n = 0;
	int	 c;

	for (; *input != '\0'; input++) {
		if (*input == ' ' || *input == '-')
			continue;
		c = toupper((unsigned char)*input);
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

/* The properties of whatever the input is, read as a code. */
static void
fuzz_code_read(const char *input)
{
	struct code_payload	 pd, pp, again;
	enum code_status	 d, p, r;
	char			 cd[CODE_LEN + 1], cp[CODE_LEN + 1], made[CODE_LEN + 1];
	char			 grouped[CODE_GROUPED_LEN + 1], *normal;
	int			 i;

	d = code_decode(input, &pd, cd);
	p = code_parse(input, fuzz_code_key, &pp, cp);
	FUZZ_CHECK(d == CODE_OK ? p == CODE_OK || p == CODE_FORGED : p == d,
	    "decode %d, parse %d", d, p);
	FUZZ_CHECK(code_status_text(p) != NULL && code_status_text(d) != NULL, "a status");
	if (d != CODE_OK)
		return;

	FUZZ_CHECK(fuzz_code_same(&pd, &pp) && strcmp(cd, cp) == 0, "decode and parse differ");
	FUZZ_CHECK(pd.version == CODE_VERSION && pd.terminal <= CODE_MAX_TERMINAL &&
	    pd.serial <= CODE_MAX_SERIAL && pd.rule <= CODE_MAX_RULE &&
	    pd.expiry_day <= CODE_MAX_DAY, "payload out of range");
	FUZZ_CHECK(strlen(cd) == CODE_LEN, "canonical of %zu symbols", strlen(cd));
	for (i = 0; i < CODE_LEN - 1; i++)
		FUZZ_CHECK(strchr(base32_alphabet, cd[i]) != NULL && cd[i] != '\0',
		    "symbol %d is %#x", i, (unsigned char)cd[i]);
	FUZZ_CHECK(strchr(fuzz_code_symbols, cd[CODE_LEN - 1]) != NULL &&
	    cd[CODE_LEN - 1] != '\0', "check symbol %#x", (unsigned char)cd[CODE_LEN - 1]);
	normal = fuzz_code_normal(input);
	FUZZ_CHECK(strcmp(normal, cd) == 0, "canonical %s is not the input read plainly", cd);
	free(normal);

	r = code_parse(cd, fuzz_code_key, &again, made);
	FUZZ_CHECK(r == p && fuzz_code_same(&again, &pd) && strcmp(made, cd) == 0,
	    "the canonical form reads otherwise (%d)", r);
	code_group(cd, grouped);
	FUZZ_CHECK(strlen(grouped) == CODE_GROUPED_LEN, "grouped into %zu", strlen(grouped));
	r = code_parse(grouped, fuzz_code_key, &again, made);
	FUZZ_CHECK(r == p && fuzz_code_same(&again, &pd) && strcmp(made, cd) == 0,
	    "the grouped form reads otherwise (%d)", r);

	code_make(&pd, fuzz_code_key, made);
	if (p == CODE_OK)
		FUZZ_CHECK(strcmp(made, cd) == 0, "re-encodes to %s, not %s", made, cd);
	else {
		FUZZ_CHECK(strcmp(made, cd) != 0, "a forged code re-encodes to itself");
		FUZZ_CHECK(code_parse(made, fuzz_code_key, &again, NULL) == CODE_OK &&
		    fuzz_code_same(&again, &pd), "the code made for a forged payload is not genuine");
	}
}

/* A payload from the input's bytes, in range. */
static void
fuzz_code_payload(struct fuzz_input *in, struct code_payload *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | fuzz_byte(in);
	p->version = CODE_VERSION;
	p->terminal = (unsigned)(v & CODE_MAX_TERMINAL);
	p->serial = (v >> 12) & CODE_MAX_SERIAL;
	p->rule = fuzz_byte(in) & CODE_MAX_RULE;
	p->expiry_day = (fuzz_byte(in) << 8 | fuzz_byte(in)) & CODE_MAX_DAY;
}

/* The value of a symbol in its place: the first 35 are base32, the last a check symbol. */
static int
fuzz_code_value(char c)
{
	return (int)(strchr(fuzz_code_symbols, c) - fuzz_code_symbols);
}

/* A made code reads back; one symbol changed, or two neighbours swapped, never does. */
static void
fuzz_code_typos(struct fuzz_input *in)
{
	struct code_payload	p, got;
	char			code[CODE_LEN + 1], typo[CODE_LEN + 1], tmp;
	enum code_status	r;
	unsigned		at, to;

	fuzz_code_payload(in, &p);
	code_make(&p, fuzz_code_key, code);
	FUZZ_CHECK(code_parse(code, fuzz_code_key, &got, NULL) == CODE_OK &&
	    fuzz_code_same(&got, &p), "a made code does not read back");

	at = fuzz_byte(in) % CODE_LEN;
	to = fuzz_byte(in) % (at == CODE_LEN - 1 ? 37 : 32);
	memcpy(typo, code, sizeof typo);
	typo[at] = fuzz_code_symbols[to];
	if (fuzz_code_value(typo[at]) != fuzz_code_value(code[at])) {
		r = code_parse(typo, fuzz_code_key, &got, NULL);
		FUZZ_CHECK(r == CODE_BAD_CHECK || r == CODE_MALFORMED,
		    "symbol %u changed from %c to %c reads as %d", at, code[at], typo[at], r);
	}

	at = fuzz_byte(in) % (CODE_LEN - 1);
	memcpy(typo, code, sizeof typo);
	tmp = typo[at];
	typo[at] = typo[at + 1];
	typo[at + 1] = tmp;
	if (typo[at] != typo[at + 1]) {
		r = code_parse(typo, fuzz_code_key, &got, NULL);
		FUZZ_CHECK(r == CODE_BAD_CHECK || r == CODE_MALFORMED,
		    "symbols %u and %u swapped read as %d", at, at + 1, r);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input	 in = { data, size };
	char			*input = fuzz_string(data, size);

	fuzz_code_read(input);
	free(input);
	fuzz_code_typos(&in);
	return 0;
}
