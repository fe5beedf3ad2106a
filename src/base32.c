/*
 * base32 — Crockford's base32 symbols, MSB first, no padding.
 */
#include <ctype.h>

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

/* Crockford decoding: case-insensitive, O is 0, I and L are 1, U is not a symbol. */
int
base32_value(int c)
{
	int	i;

	c = toupper((unsigned char)c);
	if (c == 'O')
		c = '0';
	else if (c == 'I' || c == 'L')
		c = '1';
	for (i = 0; i < 32; i++)
		if (base32_alphabet[i] == c)
			return i;
	return -1;
}
