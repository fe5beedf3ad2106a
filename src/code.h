/*
 * code — reward codes that a till can verify offline and that nobody can forge.
 *
 * A code carries 75 bits of payload — format version (3 bits), terminal (12 bits, so up to
 * 4,096 terminals issue codes without coordination), that terminal's serial (36 bits), the
 * reward rule's number (8 bits) and the expiry day (16 bits, days since 2020-01-01) — and a
 * 100-bit tag: keyed BLAKE2b of the payload under the store's code key.  The 175 bits are
 * written as 35 Crockford base32 symbols and one check symbol (mod 37, so every single mistyped
 * symbol and every swap of two neighbours is caught before the tag is even computed).  The 37
 * check values use the 32 base32 symbols and * $ % + U, all in the QR alphanumeric set, so the
 * 36-symbol code encodes as a version-2 QR at level M.
 *
 * Typed input is forgiven where that is safe: lower case, spaces and dashes, and Crockford's
 * aliases O→0, I and L→1.  The grouped form "XXXXXX-XXXXXX-…" is for typing by hand.
 */
#ifndef PREFKIOSK_CODE_H
#define PREFKIOSK_CODE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define CODE_VERSION		1
#define CODE_LEN		36		/* symbols, check symbol included */
#define CODE_GROUPED_LEN	41		/* six groups of six, five dashes */
#define CODE_MAX_TERMINAL	4095
#define CODE_MAX_SERIAL		((UINT64_C(1) << 36) - 1)
#define CODE_MAX_RULE		255
#define CODE_EPOCH		((time_t)1577836800)	/* 2020-01-01T00:00:00Z */
#define CODE_MAX_DAY		65535

struct code_payload {
	unsigned	 version;
	unsigned	 terminal;	/* 0 .. CODE_MAX_TERMINAL */
	uint64_t	 serial;	/* 1 .. CODE_MAX_SERIAL */
	unsigned	 rule;		/* the catalogue rule's number, 1 .. CODE_MAX_RULE */
	unsigned	 expiry_day;	/* days since CODE_EPOCH; valid through the end of that day */
};

enum code_status {
	CODE_OK,
	CODE_MALFORMED,		/* wrong length, a symbol outside the alphabet */
	CODE_BAD_CHECK,		/* the check symbol does not match: mistyped or misread */
	CODE_BAD_VERSION,	/* a format this binary does not know */
	CODE_FORGED,		/* well formed, but the tag is not ours */
};

/* Write the code for p under key into out[CODE_LEN + 1].  p must be in range (asserted). */
void	code_make(const struct code_payload *p, const unsigned char key[32],
	    char out[CODE_LEN + 1]);

/*
 * Read a code as typed or scanned.  On CODE_OK, *p holds the payload and canonical (if not NULL)
 * the code as issued, in upper case without separators; on CODE_FORGED too, so that the ledger
 * can tell a code made under a replaced key.  The tag is compared in constant time.
 */
enum code_status code_parse(const char *input, const unsigned char key[32],
	    struct code_payload *p, char canonical[CODE_LEN + 1]);

/*
 * The same without the tag: whether the input has a code's form (length, alphabet, check
 * symbol, version), with *p and canonical as above.  CODE_OK says nothing of who made it: the
 * ledger recognises a code it issued by its exact text, and code_parse settles the others.
 */
enum code_status code_decode(const char *input, struct code_payload *p,
	    char canonical[CODE_LEN + 1]);

/* "XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXXXXX" for a canonical code, into out. */
void	code_group(const char *code, char out[CODE_GROUPED_LEN + 1]);

/* What went wrong, in words for staff ("not a reward code: ..."). */
const char	*code_status_text(enum code_status);

/* The expiry day of a time (UTC), and the last second a code of that day is valid. */
unsigned	code_day(time_t);
time_t		code_day_end(unsigned day);

#endif
