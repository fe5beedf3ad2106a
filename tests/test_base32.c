/*
 * test_base32 — Crockford base32.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "base32.h"

Test(base32, encodes_five_bits_per_symbol_msb_first)
{
	unsigned char	in[5] = { 0x00, 0x44, 0x32, 0x14, 0xc7 };
	char		out[9];

	base32_encode(in, sizeof in, out);
	cr_assert_str_eq(out, "01234567");
}

Test(base32, alphabet_has_no_i_l_o_u)
{
	cr_assert_null(strpbrk(base32_alphabet, "ILOU"));
	cr_assert_eq(strlen(base32_alphabet), 32);
}

Test(base32, decoding_forgives_case_and_aliases)
{
	cr_assert_eq(base32_value('a'), 10);
	cr_assert_eq(base32_value('O'), 0);
	cr_assert_eq(base32_value('o'), 0);
	cr_assert_eq(base32_value('I'), 1);
	cr_assert_eq(base32_value('l'), 1);
	cr_assert_eq(base32_value('Z'), 31);
	cr_assert_eq(base32_value('U'), -1);
	cr_assert_eq(base32_value('-'), -1);
}
