/*
 * base32 — Crockford's base32 symbols, MSB first, no padding.
 */
#include "base32.h"

const char base32_alphabet[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Encode bytes five bits at a time, most significant first; the last symbol is zero-padded. */
void
base32_encode(const unsigned char *in, size_t len, char *out)
{
	unsigned	buf = 0;
	int		bits = 0;
	size_t		i, n = 0;

	for (i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[n++] = base32_alphabet[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[n++] = base32_alphabet[(buf << (5 - bits)) & 31];
	out[n] = '\0';
}

/* Each symbol's value plus one (0: not a symbol), both cases, with Crockford's aliases:
 * O is 0, I and L are 1; U is not a symbol.  A table, because codes are checked at a till. */
static const unsigned char base32_values[256] = {
	['0'] = 1,
	['1'] = 2,
	['2'] = 3,
	['3'] = 4,
	['4'] = 5,
	['5'] = 6,
	['6'] = 7,
	['7'] = 8,
	['8'] = 9,
	['9'] = 10,
	['A'] = 11, ['a'] = 11,
	['B'] = 12, ['b'] = 12,
	['C'] = 13, ['c'] = 13,
	['D'] = 14, ['d'] = 14,
	['E'] = 15, ['e'] = 15,
	['F'] = 16, ['f'] = 16,
	['G'] = 17, ['g'] = 17,
	['H'] = 18, ['h'] = 18,
	['J'] = 19, ['j'] = 19,
	['K'] = 20, ['k'] = 20,
	['M'] = 21, ['m'] = 21,
	['N'] = 22, ['n'] = 22,
	['P'] = 23, ['p'] = 23,
	['Q'] = 24, ['q'] = 24,
	['R'] = 25, ['r'] = 25,
	['S'] = 26, ['s'] = 26,
	['T'] = 27, ['t'] = 27,
	['V'] = 28, ['v'] = 28,
	['W'] = 29, ['w'] = 29,
	['X'] = 30, ['x'] = 30,
	['Y'] = 31, ['y'] = 31,
	['Z'] = 32, ['z'] = 32,
	['O'] = 1, ['o'] = 1, ['I'] = 2, ['i'] = 2, ['L'] = 2, ['l'] = 2,
};

int
base32_value(int c)
{
	return c >= 0 && c < 256 ? (int)base32_values[c] - 1 : -1;
}
