/*
 * test_code — reward codes: shape, round trip, forgiving input, and that nothing but a genuine
 * code passes: no one-symbol change, no swap of neighbours, no random code of the right shape.
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "base32.h"
#include "code.h"

static unsigned char	key[32], other[32];

static void
setup(void)
{
	cr_assert_eq(sodium_init() >= 0, 1);
	randombytes_buf(key, sizeof key);
	randombytes_buf(other, sizeof other);
}

TestSuite(code, .init = setup);

/* The symbols a code may hold: base32, and the check symbol's five extra values. */
static const char all_symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*$%+U";

static struct code_payload
sample(void)
{
	struct code_payload	p = { CODE_VERSION, 17, 123456789, 3, 2500 };

	return p;
}

/* Crockford's check over the first 35 symbols, as the test's own arithmetic. */
static char
check_of(const char *code)
{
	unsigned	v = 0;
	int		i;

	for (i = 0; i < CODE_LEN - 1; i++)
		v = (v * 32 + (unsigned)base32_value((unsigned char)code[i])) % 37;
	return all_symbols[v];
}

Test(code, a_code_is_36_symbols_of_the_qr_alphanumeric_set)
{
	struct code_payload	p = sample();
	char			c[CODE_LEN + 1];

	code_make(&p, key, c);
	cr_assert_eq(strlen(c), 36);
	cr_assert_eq(strspn(c, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"), 36);
	cr_assert_eq(c[35], check_of(c), "the check symbol is Crockford's mod 37");
}

Test(code, payloads_round_trip_at_their_limits)
{
	struct code_payload	in[] = {
		{ CODE_VERSION, 0, 1, 1, 0 },
		{ CODE_VERSION, CODE_MAX_TERMINAL, CODE_MAX_SERIAL, CODE_MAX_RULE, CODE_MAX_DAY },
		{ CODE_VERSION, 4000, 68719476000ULL, 200, 30000 },
	}, out;
	char			c[CODE_LEN + 1], canon[CODE_LEN + 1];
	size_t			i;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		code_make(&in[i], key, c);
		cr_assert_eq(code_parse(c, key, &out, canon), CODE_OK, "payload %zu", i);
		cr_assert_eq(out.terminal, in[i].terminal);
		cr_assert_eq(out.serial, in[i].serial);
		cr_assert_eq(out.rule, in[i].rule);
		cr_assert_eq(out.expiry_day, in[i].expiry_day);
		cr_assert_str_eq(canon, c);
	}
}

Test(code, random_payloads_round_trip)
{
	struct code_payload	in, out;
	char			c[CODE_LEN + 1];
	int			i;

	for (i = 0; i < 2000; i++) {
		in.version = CODE_VERSION;
		in.terminal = randombytes_uniform(CODE_MAX_TERMINAL + 1);
		in.serial = ((uint64_t)randombytes_uniform(1u << 20) << 16 | randombytes_uniform(
		    1u << 16)) & CODE_MAX_SERIAL;
		in.rule = randombytes_uniform(256);
		in.expiry_day = randombytes_uniform(CODE_MAX_DAY + 1);
		code_make(&in, key, c);
		cr_assert_eq(code_parse(c, key, &out, NULL), CODE_OK);
		cr_assert(out.terminal == in.terminal && out.serial == in.serial &&
		    out.rule == in.rule && out.expiry_day == in.expiry_day);
	}
}

Test(code, typing_is_forgiven_where_it_is_safe)
{
	struct code_payload	p = sample(), out;
	char			c[CODE_LEN + 1], typed[64], grouped[CODE_GROUPED_LEN + 1];
	char			canon[CODE_LEN + 1];
	size_t			i;

	code_make(&p, key, c);
	code_group(c, grouped);
	cr_assert_eq(strlen(grouped), CODE_GROUPED_LEN);
	cr_assert_eq(grouped[6], '-');
	cr_assert_eq(code_parse(grouped, key, &out, canon), CODE_OK);
	cr_assert_str_eq(canon, c);

	for (i = 0; c[i] != '\0'; i++)
		typed[i] = (char)tolower((unsigned char)c[i]);
	typed[i] = '\0';
	cr_assert_eq(code_parse(typed, key, &out, NULL), CODE_OK, "lower case");

	snprintf(typed, sizeof typed, " %.6s %.6s-%.6s %.6s-%.12s ", c, c + 6, c + 12, c + 18,
	    c + 24);
	cr_assert_eq(code_parse(typed, key, &out, canon), CODE_OK, "spaces and dashes");
	cr_assert_str_eq(canon, c);

	/* Crockford's aliases: O for 0, I and L for 1. */
	for (i = 0; i < CODE_LEN - 1; i++) {
		snprintf(typed, sizeof typed, "%s", c);
		if (c[i] == '0')
			typed[i] = 'O';
		else if (c[i] == '1')
			typed[i] = i % 2 ? 'I' : 'l';
		else
			continue;
		cr_assert_eq(code_parse(typed, key, &out, canon), CODE_OK, "alias at %zu", i);
		cr_assert_str_eq(canon, c);
	}
}

Test(code, every_one_symbol_change_is_refused)
{
	struct code_payload	p = sample(), out;
	char			c[CODE_LEN + 1], bad[CODE_LEN + 1];
	size_t			i, k;
	int			refused = 0;

	code_make(&p, key, c);
	for (i = 0; i < CODE_LEN; i++)
		for (k = 0; all_symbols[k] != '\0'; k++) {
			if (all_symbols[k] == c[i])
				continue;
			memcpy(bad, c, sizeof bad);
			bad[i] = all_symbols[k];
			cr_assert_neq(code_parse(bad, key, &out, NULL), CODE_OK, "%s", bad);
			refused++;
		}
	cr_assert_gt(refused, 36 * 30);
}

Test(code, a_swap_of_neighbours_is_caught_by_the_check_symbol)
{
	struct code_payload	p = sample(), out;
	char			c[CODE_LEN + 1], bad[CODE_LEN + 1], t;
	size_t			i;

	code_make(&p, key, c);
	for (i = 0; i + 2 < CODE_LEN; i++) {
		if (c[i] == c[i + 1])
			continue;
		memcpy(bad, c, sizeof bad);
		t = bad[i];
		bad[i] = bad[i + 1];
		bad[i + 1] = t;
		cr_assert_eq(code_parse(bad, key, &out, NULL), CODE_BAD_CHECK, "swap at %zu", i);
	}
}

Test(code, random_codes_of_the_right_shape_are_refused)
{
	struct code_payload	out;
	char			c[CODE_LEN + 1];
	int			i, k, forged = 0;

	for (i = 0; i < 20000; i++) {
		for (k = 0; k < CODE_LEN - 1; k++)
			c[k] = base32_alphabet[randombytes_uniform(32)];
		c[CODE_LEN - 1] = check_of(c);	/* right check symbol: only the tag can refuse */
		c[CODE_LEN] = '\0';
		enum code_status st = code_parse(c, key, &out, NULL);
		cr_assert(st == CODE_FORGED || st == CODE_BAD_VERSION, "%s passed", c);
		forged += st == CODE_FORGED;
	}
	cr_assert_gt(forged, 1000, "codes with version 1 reach the tag and are refused there");
}

Test(code, another_stores_key_makes_a_forgery)
{
	struct code_payload	p = sample(), out;
	char			c[CODE_LEN + 1];

	code_make(&p, other, c);
	cr_assert_eq(code_parse(c, key, &out, NULL), CODE_FORGED);
	cr_assert_eq(code_parse(c, other, &out, NULL), CODE_OK);
}

Test(code, malformed_input_says_what_is_wrong)
{
	struct code_payload	p = sample(), out;
	char			c[CODE_LEN + 1], bad[64];

	code_make(&p, key, c);
	cr_assert_eq(code_parse("", key, &out, NULL), CODE_MALFORMED);
	cr_assert_eq(code_parse("HELLO", key, &out, NULL), CODE_MALFORMED);
	snprintf(bad, sizeof bad, "%sX", c);
	cr_assert_eq(code_parse(bad, key, &out, NULL), CODE_MALFORMED, "too long");
	snprintf(bad, sizeof bad, "%.35s", c);
	cr_assert_eq(code_parse(bad, key, &out, NULL), CODE_MALFORMED, "too short");
	snprintf(bad, sizeof bad, "%s", c);
	bad[3] = 'U';		/* U is a check value only */
	cr_assert_eq(code_parse(bad, key, &out, NULL), CODE_MALFORMED);
	bad[3] = '#';
	cr_assert_eq(code_parse(bad, key, &out, NULL), CODE_MALFORMED);
	cr_assert_str_eq(code_status_text(CODE_BAD_CHECK),
	    "not a reward code (the check character does not match: mistyped?)");
}

Test(code, an_unknown_format_version_is_refused_before_the_tag)
{
	struct code_payload	p = sample(), out;
	char			c[CODE_LEN + 1];

	p.version = 2;
	code_make(&p, key, c);
	cr_assert_eq(code_parse(c, key, &out, NULL), CODE_BAD_VERSION);
}

Test(code, days_count_from_2020_and_end_at_midnight_utc)
{
	cr_assert_eq(code_day((time_t)1577836800), 0);
	cr_assert_eq(code_day((time_t)1577836800 + 86399), 0);
	cr_assert_eq(code_day((time_t)1577836800 + 86400), 1);
	cr_assert_eq(code_day((time_t)0), 0);
	cr_assert_eq(code_day_end(0), (time_t)1577836800 + 86399);
}
