/*
 * test_contact — field names and the normal forms of name, e-mail, phone and card.
 *
 * The normal form is what the blind indexes are computed from, so the tests insist that the
 * differently typed forms of one value come out identical, that everything without a normal
 * form is refused, and that a refusal's reason never repeats the value (personal data).
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "contact.h"

/* Bytes written past out[CONTACT_MAX] would land here and be caught. */
#define TEST_CONTACT_GUARD	32

/* A value that must normalise to want; trimmed and typed-differently forms go through here. */
static void
test_contact_ok(enum contact_field f, const char *value, const char *country, const char *want)
{
	char		 out[CONTACT_MAX + 1];
	const char	*why = NULL;
	int		 rc;

	rc = contact_normalize(f, value, country, out, &why);
	cr_assert_eq(rc, 0, "%s \"%s\" refused: %s", contact_field_name(f), value,
	    why != NULL ? why : "(no reason)");
	cr_assert_str_eq(out, want, "%s \"%s\"", contact_field_name(f), value);
}

/* A value that must be refused with a reason that does not quote it, leaving out empty. */
static void
test_contact_refused(enum contact_field f, const char *value, const char *country)
{
	char		 out[CONTACT_MAX + 1 + TEST_CONTACT_GUARD];
	const char	*why = NULL;
	size_t		 i;
	int		 rc;

	memset(out, 'Z', sizeof out);
	rc = contact_normalize(f, value, country, out, &why);
	cr_assert_eq(rc, -1, "%s \"%s\" accepted as \"%s\"", contact_field_name(f), value, out);
	cr_assert_not_null(why, "%s \"%s\" refused without a reason", contact_field_name(f), value);
	cr_assert_gt(strlen(why), 0);
	cr_assert_str_eq(out, "", "out not cleared after refusing \"%s\"", value);
	if (value[0] != '\0')
		cr_assert_null(strstr(why, value), "reason \"%s\" quotes the value", why);
	for (i = CONTACT_MAX + 1; i < sizeof out; i++)
		cr_assert_eq(out[i], 'Z', "wrote past out[CONTACT_MAX]");
}

Test(contact, field_names_parse_both_ways)
{
	static const enum contact_field	fields[] = {
		CONTACT_NONE, CONTACT_NAME, CONTACT_EMAIL, CONTACT_PHONE, CONTACT_CARD,
	};
	size_t				i;

	cr_assert_eq(contact_field_parse("name"), CONTACT_NAME);
	cr_assert_eq(contact_field_parse("email"), CONTACT_EMAIL);
	cr_assert_eq(contact_field_parse("phone"), CONTACT_PHONE);
	cr_assert_eq(contact_field_parse("card"), CONTACT_CARD);
	cr_assert_eq(contact_field_parse("none"), CONTACT_NONE);
	cr_assert_eq(contact_field_parse(""), CONTACT_NONE);
	cr_assert_str_eq(contact_field_name(CONTACT_NONE), "none");
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		cr_assert_eq(contact_field_parse(contact_field_name(fields[i])), (int)fields[i]);
}

Test(contact, unknown_field_names_are_refused)
{
	const char	*names[] = { "Email", "e-mail", "mail", "phone ", "cards", "NONE", "x" };
	size_t		 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		cr_assert_eq(contact_field_parse(names[i]), -1, "\"%s\" parsed", names[i]);
	cr_assert_eq(contact_field_parse(NULL), -1);
}

Test(contact, none_field_has_no_normal_form)
{
	test_contact_refused(CONTACT_NONE, "someone@example.org", "49");
	test_contact_refused((enum contact_field)42, "someone@example.org", "49");
}

Test(contact, email_is_trimmed_and_lower_cased)
{
	test_contact_ok(CONTACT_EMAIL, "Anna.Schmidt@Example.DE", NULL, "anna.schmidt@example.de");
	test_contact_ok(CONTACT_EMAIL, "  anna.schmidt@example.de\t\n", NULL,
	    "anna.schmidt@example.de");
	test_contact_ok(CONTACT_EMAIL, " \r\vANNA.SCHMIDT@EXAMPLE.DE\f ", NULL,
	    "anna.schmidt@example.de");
}

Test(contact, email_local_part_allows_printable_punctuation)
{
	test_contact_ok(CONTACT_EMAIL, "anna+news@example.de", NULL, "anna+news@example.de");
	test_contact_ok(CONTACT_EMAIL, "a_b-c.d@example.de", NULL, "a_b-c.d@example.de");
	test_contact_ok(CONTACT_EMAIL, "o'brien!#$%&*=?^`{|}~@example.ie", NULL,
	    "o'brien!#$%&*=?^`{|}~@example.ie");
	test_contact_ok(CONTACT_EMAIL, "x@mail.sub-domain.example.co.uk", NULL,
	    "x@mail.sub-domain.example.co.uk");
	test_contact_ok(CONTACT_EMAIL, "x@b\xc3\xbc" "cher.example", NULL,
	    "x@b\xc3\xbc" "cher.example");
}

Test(contact, email_needs_exactly_one_at)
{
	test_contact_refused(CONTACT_EMAIL, "anna.schmidt.example.de", NULL);
	test_contact_refused(CONTACT_EMAIL, "anna@schmidt@example.de", NULL);
	test_contact_refused(CONTACT_EMAIL, "anna@@example.de", NULL);
	test_contact_refused(CONTACT_EMAIL, "@example.de", NULL);
	test_contact_refused(CONTACT_EMAIL, "anna.schmidt@", NULL);
}

Test(contact, email_local_part_is_1_to_64_bytes)
{
	char	value[CONTACT_MAX + 1], want[CONTACT_MAX + 1];

	memset(value, 'A', 64);
	strcpy(value + 64, "@example.de");
	memset(want, 'a', 64);
	strcpy(want + 64, "@example.de");
	test_contact_ok(CONTACT_EMAIL, value, NULL, want);

	memset(value, 'a', 65);
	strcpy(value + 65, "@example.de");
	test_contact_refused(CONTACT_EMAIL, value, NULL);
}

Test(contact, email_domain_needs_a_dot_and_clean_labels)
{
	const char	*bad[] = {
		"anna@localhost", "anna@.example.de", "anna@example.de.", "anna@example..de",
		"anna@-example.de", "anna@example.de-", "anna@example-.de", "anna@sub.-example.de",
		"anna@exa_mple.de", "anna@[192.0.2.1]", "anna@example.de:25", "anna@.",
		"anna@exam\xff" "ple.de", "anna@exam\xc3" ".de",
	};
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		test_contact_refused(CONTACT_EMAIL, bad[i], NULL);
	test_contact_ok(CONTACT_EMAIL, "anna@ex-ample.de", NULL, "anna@ex-ample.de");
	test_contact_ok(CONTACT_EMAIL, "anna@1.2", NULL, "anna@1.2");
}

Test(contact, email_domain_may_fill_the_rest_of_254_bytes)
{
	char	value[300];
	size_t	i;

	/* "a@" then five labels of 49 'b' and a dot, then "cd": 252 bytes of domain. */
	strcpy(value, "a@");
	for (i = 0; i < 5; i++) {
		memset(value + 2 + i * 50, 'b', 49);
		value[2 + i * 50 + 49] = '.';
		value[2 + i * 50 + 50] = '\0';
	}
	strcat(value, "cd");
	cr_assert_eq(strlen(value), 2 + 252);
	test_contact_ok(CONTACT_EMAIL, value, NULL, value);
	strcat(value, "e");
	test_contact_refused(CONTACT_EMAIL, value, NULL);
}

Test(contact, email_is_at_most_254_bytes)
{
	char	value[400];

	/* 64 + '@' + 189 = 254 bytes. */
	memset(value, 'a', 64);
	value[64] = '@';
	memset(value + 65, 'b', 185);
	memcpy(value + 250, ".com", 5);
	cr_assert_eq(strlen(value), 254);
	test_contact_ok(CONTACT_EMAIL, value, NULL, value);

	memcpy(value + 250, ".info", 6);
	cr_assert_eq(strlen(value), 255);
	test_contact_refused(CONTACT_EMAIL, value, NULL);
}

Test(contact, email_refuses_spaces_and_control_characters)
{
	const char	*bad[] = {
		"anna schmidt@example.de", "anna@exam ple.de", "anna\t@example.de",
		"anna@example.de\x01", "an\x7fna@example.de", "anna\x1b@example.de",
		"j\xc3\xbcrgen@example.de", "anna@example\x7f.de", "anna@exam\xc2\x85ple.de",
	};
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		test_contact_refused(CONTACT_EMAIL, bad[i], NULL);
	test_contact_refused(CONTACT_EMAIL, "", NULL);
	test_contact_refused(CONTACT_EMAIL, "   ", NULL);
}

Test(contact, phone_typed_forms_give_the_same_number)
{
	const char	*forms[] = {
		"+49 170 1234567", "0049-170-1234567", "0170 1234567", "+491701234567",
		"00491701234567", "01701234567", "1701234567", "(0170) 123 45 67",
		"0170/1234567", "0170.123.4567", "+49 (0)170 1234567", "0049 (0) 170-12345-67",
		"  +49 170 1234567\t", "+49-(170)-123.45/67",
	};
	size_t		 i;

	for (i = 0; i < sizeof forms / sizeof forms[0]; i++)
		test_contact_ok(CONTACT_PHONE, forms[i], "49", "+491701234567");
}

Test(contact, phone_default_country_applies_only_to_national_numbers)
{
	test_contact_ok(CONTACT_PHONE, "020 7946 0958", "44", "+442079460958");
	test_contact_ok(CONTACT_PHONE, "+44 20 7946 0958", "49", "+442079460958");
	test_contact_ok(CONTACT_PHONE, "0044 20 7946 0958", "49", "+442079460958");
	test_contact_ok(CONTACT_PHONE, "(212) 555-0123", "1", "+12125550123");
	test_contact_ok(CONTACT_PHONE, "212.555.0123", "1", "+12125550123");
	test_contact_ok(CONTACT_PHONE, "+1 212 555 0123", NULL, "+12125550123");
}

Test(contact, phone_national_numbers_need_a_usable_default_country)
{
	const char	*countries[] = { NULL, "", "0", "049", "1234", "4a", "+49" };
	size_t		 i;

	for (i = 0; i < sizeof countries / sizeof countries[0]; i++)
		test_contact_refused(CONTACT_PHONE, "0170 1234567", countries[i]);
}

Test(contact, phone_needs_8_to_15_digits)
{
	test_contact_ok(CONTACT_PHONE, "+12345678", NULL, "+12345678");
	test_contact_ok(CONTACT_PHONE, "+123456789012345", NULL, "+123456789012345");
	test_contact_ok(CONTACT_PHONE, "0123456", "49", "+49123456");
	test_contact_ok(CONTACT_PHONE, "0123456789012", "49", "+49123456789012");
	test_contact_refused(CONTACT_PHONE, "+1234567", NULL);
	test_contact_refused(CONTACT_PHONE, "+1234567890123456", NULL);
	test_contact_refused(CONTACT_PHONE, "012345", "49");
	test_contact_refused(CONTACT_PHONE, "012345678901234", "49");
	test_contact_refused(CONTACT_PHONE, "12345678901234", "49");
	test_contact_refused(CONTACT_PHONE, "0049 123 45", "49");
	test_contact_refused(CONTACT_PHONE, "+", "49");
	test_contact_refused(CONTACT_PHONE, "00", "49");
	test_contact_refused(CONTACT_PHONE, "0", "49");
	test_contact_refused(CONTACT_PHONE, "", "49");
	test_contact_refused(CONTACT_PHONE, " - / ", "49");
}

Test(contact, phone_refuses_letters_and_other_characters)
{
	const char	*bad[] = {
		"0170 CALL-NOW", "0170 123456x", "+49 170 1234567 ext 2", "+49+170 1234567",
		"0170 + 1234567", "0170_1234567", "0170,1234567", "0170#1234567", "0170\t1234567",
		"0170 12345\xc3\xa9" "67", "\xef\xbc\x90\xef\xbc\x91\xef\xbc\x97\xef\xbc\x90 1234567",
		"0170 123\x01" "4567",
	};
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		test_contact_refused(CONTACT_PHONE, bad[i], "49");
}

Test(contact, phone_country_code_cannot_start_with_zero)
{
	test_contact_refused(CONTACT_PHONE, "+0170 1234567", "49");
	test_contact_refused(CONTACT_PHONE, "000491701234567", "49");
	test_contact_refused(CONTACT_PHONE, "+(0)491701234567", "49");
}

Test(contact, card_keeps_only_digits)
{
	test_contact_ok(CONTACT_CARD, "1234 5678 9012 3456", NULL, "1234567890123456");
	test_contact_ok(CONTACT_CARD, "1234-5678-9012-3456", NULL, "1234567890123456");
	test_contact_ok(CONTACT_CARD, "  1234567890123456\n", NULL, "1234567890123456");
	test_contact_ok(CONTACT_CARD, "000042", NULL, "000042");
}

Test(contact, card_needs_6_to_19_digits)
{
	test_contact_ok(CONTACT_CARD, "123456", NULL, "123456");
	test_contact_ok(CONTACT_CARD, "1234567890123456789", NULL, "1234567890123456789");
	test_contact_refused(CONTACT_CARD, "12345", NULL);
	test_contact_refused(CONTACT_CARD, "12345678901234567890", NULL);
	test_contact_refused(CONTACT_CARD, "- - -", NULL);
	test_contact_refused(CONTACT_CARD, "", NULL);
}

Test(contact, card_refuses_other_characters)
{
	const char	*bad[] = {
		"1234.5678.9012", "1234/5678/9012", "ABCD-1234-5678", "1234\t5678",
		"+12345678", "1234 5678 901\x7f", "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6",
	};
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		test_contact_refused(CONTACT_CARD, bad[i], NULL);
}

Test(contact, name_is_trimmed_and_otherwise_kept_as_typed)
{
	test_contact_ok(CONTACT_NAME, "  J\xc3\xbcrgen M\xc3\xbcller\t", NULL,
	    "J\xc3\xbcrgen M\xc3\xbcller");
	test_contact_ok(CONTACT_NAME, "anna  SCHMIDT", NULL, "anna  SCHMIDT");
	test_contact_ok(CONTACT_NAME, "\xe7\x8e\x8b\xe8\x8a\xb3", NULL,
	    "\xe7\x8e\x8b\xe8\x8a\xb3");
	test_contact_ok(CONTACT_NAME, "Ana \xf0\x9f\x8c\xb8", NULL, "Ana \xf0\x9f\x8c\xb8");
	test_contact_ok(CONTACT_NAME, "X", NULL, "X");
}

Test(contact, name_is_1_to_80_bytes)
{
	char	value[200];
	size_t	i;

	/* 40 two-byte characters are 80 bytes; one more ASCII byte is too many. */
	for (i = 0; i < 40; i++)
		memcpy(value + 2 * i, "\xc3\xa9", 2);
	value[80] = '\0';
	test_contact_ok(CONTACT_NAME, value, NULL, value);
	memcpy(value + 80, "e", 2);
	test_contact_refused(CONTACT_NAME, value, NULL);

	/* Trimming happens before measuring. */
	memset(value, ' ', 10);
	memset(value + 10, 'n', 80);
	memset(value + 90, ' ', 10);
	value[100] = '\0';
	test_contact_ok(CONTACT_NAME, value, NULL, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
	    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");

	test_contact_refused(CONTACT_NAME, "", NULL);
	test_contact_refused(CONTACT_NAME, " \t\r\n ", NULL);
}

Test(contact, name_refuses_invalid_utf8)
{
	const char	*bad[] = {
		"Anna \x80 stray",			/* continuation byte alone */
		"Anna \xc3",				/* truncated at the end */
		"Anna \xc3 Schmidt",			/* truncated in the middle */
		"Anna \xe2\x82 Schmidt",		/* three bytes cut short */
		"Anna \xc0\xaf Schmidt",		/* overlong '/' */
		"Anna \xc1\x81 Schmidt",		/* overlong 'A' */
		"Anna \xe0\x80\xaf Schmidt",		/* overlong, three bytes */
		"Anna \xf0\x80\x80\xaf Schmidt",	/* overlong, four bytes */
		"Anna \xed\xa0\x80 Schmidt",		/* high surrogate U+D800 */
		"Anna \xed\xbf\xbf Schmidt",		/* low surrogate U+DFFF */
		"Anna \xf4\x90\x80\x80 Schmidt",	/* above U+10FFFF */
		"Anna \xf8\x88\x80\x80\x80 Schmidt",	/* five-byte form */
		"Anna \xfe\xff Schmidt",
	};
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		test_contact_refused(CONTACT_NAME, bad[i], NULL);
	/* The edges that are valid. */
	test_contact_ok(CONTACT_NAME, "\xed\x9f\xbf", NULL, "\xed\x9f\xbf");
	test_contact_ok(CONTACT_NAME, "\xee\x80\x80", NULL, "\xee\x80\x80");
	test_contact_ok(CONTACT_NAME, "\xf4\x8f\xbf\xbf", NULL, "\xf4\x8f\xbf\xbf");
	test_contact_ok(CONTACT_NAME, "\xc2\xa0x", NULL, "\xc2\xa0x");
}

Test(contact, name_refuses_control_characters)
{
	const char	*bad[] = {
		"Anna\tSchmidt", "Anna\nSchmidt", "Anna\x01Schmidt", "Anna\x1bSchmidt",
		"Anna\x7fSchmidt", "Anna\xc2\x80Schmidt", "Anna\xc2\x85Schmidt",
		"Anna\xc2\x9fSchmidt",
	};
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		test_contact_refused(CONTACT_NAME, bad[i], NULL);
}

Test(contact, ten_thousand_bytes_are_refused_for_every_field)
{
	static const enum contact_field	fields[] = {
		CONTACT_NAME, CONTACT_EMAIL, CONTACT_PHONE, CONTACT_CARD,
	};
	static const char		fill[] = { 'a', '1', ' ', '@', '.', '-', '\xc3' };
	char				*value;
	size_t				 i, j, len = 10000;

	value = malloc(len + 1);
	cr_assert_not_null(value);
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		for (j = 0; j < sizeof fill; j++) {
			memset(value, fill[j], len);
			value[len] = '\0';
			test_contact_refused(fields[i], value, "49");
		}
		/* Long but shaped like the real thing. */
		memset(value, 'a', len);
		memcpy(value + len - 12, "@example.org", 13);
		test_contact_refused(fields[i], value, "49");
		memset(value, ' ', len);
		memcpy(value + len - 14, "0170 123456789", 15);
		value[0] = '+';
		memset(value + 1, '9', 5000);
		test_contact_refused(fields[i], value, "49");
	}
	free(value);
}

Test(contact, padding_around_a_short_value_does_not_make_it_too_long)
{
	char	value[10001];

	memset(value, ' ', sizeof value - 1);
	value[sizeof value - 1] = '\0';
	memcpy(value + 5000, "+49 170 1234567", 15);
	test_contact_ok(CONTACT_PHONE, value, "49", "+491701234567");
	memcpy(value + 5000, "ANNA@EXAMPLE.DE", 15);
	test_contact_ok(CONTACT_EMAIL, value, NULL, "anna@example.de");
}

Test(contact, reasons_never_quote_the_value)
{
	static const struct {
		enum contact_field	 field;
		char			 value[40];
	} refused[] = {
		{ CONTACT_EMAIL,	"anna.schmidt.example.de" },
		{ CONTACT_EMAIL,	"anna@schmidt@example.de" },
		{ CONTACT_EMAIL,	"anna schmidt@example.de" },
		{ CONTACT_EMAIL,	"anna@example" },
		{ CONTACT_PHONE,	"0170 CALL-NOW" },
		{ CONTACT_PHONE,	"0170 12" },
		{ CONTACT_PHONE,	"+0170 1234567" },
		{ CONTACT_PHONE,	"+49 170 1234567 8901234" },
		{ CONTACT_CARD,		"1234" },
		{ CONTACT_CARD,		"1234 abcd 5678" },
		{ CONTACT_CARD,		"12345678901234567890123" },
		{ CONTACT_NAME,		"Anna\tSchmidt" },
		{ CONTACT_NAME,		"Anna \xc3 Schmidt" },
		{ CONTACT_NONE,		"Anna Schmidt" },
	};
	char		 out[CONTACT_MAX + 1];
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		why = NULL;
		cr_assert_eq(contact_normalize(refused[i].field, refused[i].value, "49", out, &why),
		    -1, "\"%s\" accepted", refused[i].value);
		cr_assert_not_null(why);
		cr_assert_null(strstr(why, refused[i].value), "reason \"%s\" quotes the value",
		    why);
		/* Not even the digits or the local part on their own. */
		cr_assert_null(strstr(why, "1234"));
		cr_assert_null(strstr(why, "anna"));
		cr_assert_null(strstr(why, "Anna"));
	}
}

Test(contact, a_missing_value_or_reason_pointer_is_handled)
{
	char		 out[CONTACT_MAX + 1];
	const char	*why = NULL;

	cr_assert_eq(contact_normalize(CONTACT_EMAIL, NULL, NULL, out, &why), -1);
	cr_assert_not_null(why);
	cr_assert_eq(contact_normalize(CONTACT_EMAIL, "not an address", NULL, out, NULL), -1);
	cr_assert_eq(contact_normalize(CONTACT_EMAIL, "a@example.org", NULL, out, NULL), 0);
	cr_assert_str_eq(out, "a@example.org");
}
