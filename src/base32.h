/*
 * base32 — Crockford's base32: digits and upper-case letters without I, L, O and U, so that a
 * code read aloud or typed by hand is hard to get wrong, and every character is in the QR
 * alphanumeric set.  Decoding forgives lower case and the aliases O→0, I and L→1.
 */
#ifndef PREFKIOSK_BASE32_H
#define PREFKIOSK_BASE32_H

#include <stddef.h>

/* The 32 symbols, in value order. */
extern const char base32_alphabet[33];

/* Encode len bytes as ceil(len * 8 / 5) symbols plus a NUL into out. */
void	base32_encode(const unsigned char *in, size_t len, char *out);

/* Value of one symbol (after aliases, any case), or -1. */
int	base32_value(int c);

#endif
