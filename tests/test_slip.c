/*
 * test_slip — the slip for a reward: in the member's language, with their consent receipt and
 * what they agreed to; none for a code that can no longer be used; a clear reason without a
 * printer.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "helpers.h"
#include "slip.h"

static char		*dir;
static struct shop	*s;

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
}

static void
teardown(void)
{
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(slip, .init = setup, .fini = teardown);

/* Enrol from JSON; the first reward's code into code. */
static void
enroll(const char *json, char *code, char *receipt)
{
	struct customer_enrolment	*e = customer_enrolment_new();
	json_t				*doc = json_loads(json, 0, NULL);
	char				 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	cr_assert_eq(customer_enrolment_from_json(s, doc, false, e, &cause), CUSTOMER_OK, "%s",
	    cause);
	cr_assert_eq(customer_enroll(s, e, HELPERS_NOW, uid, receipt, &cause), CUSTOMER_OK, "%s",
	    cause);
	cr_assert_geq(e->rewards.n, 1);
	memcpy(code, e->rewards.v[0].code, CODE_LEN + 1);
	json_decref(doc);
	customer_enrolment_free(e);
}

static bool
has(const struct escpos_buf *b, const char *text)
{
	return memmem(b->data, b->len, text, strlen(text)) != NULL;
}

Test(slip, a_slip_speaks_the_members_language_and_carries_their_receipt)
{
	struct reward_ticket	t;
	struct escpos_buf	b = { NULL, 0, 0 };
	char			code[CODE_LEN + 1], receipt[CONSENT_ID_LEN + 1], want[64];
	char			*cause = NULL;

	enroll("{\"language\":\"es\",\"email\":\"eva@example.org\",\"channels\":[\"email\"],"
	    "\"consents\":{\"email_marketing\":true,\"personalised_offers\":true}}", code, receipt);
	cr_assert_eq(slip_build(s, code, HELPERS_NOW, &t, &b, &cause), 0, "%s", cause);
	cr_assert_eq(t.status, REWARD_VALID);
	snprintf(want, sizeof want, "Recibo de consentimiento: %s", receipt);
	cr_assert(has(&b, want), "the consent receipt id, labelled in Spanish");
	cr_assert(has(&b, "Valido hasta 2026-03-31"), "the expiry, in ASCII for the printer");
	cr_assert(has(&b, "Has aceptado: "), "what was agreed");
	cr_assert(has(&b, "privacy@beanandleaf.example"), "where to withdraw");
	snprintf(want, sizeof want, "1P0%s", code);
	cr_assert(has(&b, want), "the QR holds the code");
	escpos_buf_clear(&b);
}

Test(slip, a_member_who_agreed_to_nothing_is_told_so)
{
	struct reward_ticket	t;
	struct escpos_buf	b = { NULL, 0, 0 };
	char			code[CODE_LEN + 1], receipt[CONSENT_ID_LEN + 1], *cause = NULL;

	enroll("{\"language\":\"en\"}", code, receipt);
	cr_assert_eq(slip_build(s, code, HELPERS_NOW, &t, &b, &cause), 0, "%s", cause);
	cr_assert(has(&b, "You gave no consent."));
	cr_assert_not(has(&b, "You agreed to"));
	escpos_buf_clear(&b);
}

Test(slip, no_slip_for_a_used_or_forged_code)
{
	struct reward_ticket	t;
	struct escpos_buf	b = { NULL, 0, 0 };
	char			code[CODE_LEN + 1], receipt[CONSENT_ID_LEN + 1], *cause = NULL;

	enroll("{\"language\":\"en\"}", code, receipt);
	cr_assert_eq(reward_redeem(s, code, "t", NULL, HELPERS_NOW, &t, &cause), 0);
	cr_assert_eq(slip_build(s, code, HELPERS_NOW, &t, &b, &cause), 0);
	cr_assert_eq(t.status, REWARD_ALREADY);
	cr_assert_eq(b.len, 0);
	code[0] = code[0] == '4' ? '5' : '4';
	cr_assert_eq(slip_build(s, code, HELPERS_NOW, &t, &b, &cause), 0);
	cr_assert_neq(t.status, REWARD_VALID);
	cr_assert_eq(b.len, 0);
}

Test(slip, printing_without_a_printer_gives_a_reason)
{
	struct escpos_buf	b = { (unsigned char *)"x", 1, 1 };
	char			*cause = NULL;

	cr_assert_eq(slip_print(s, &b, &cause), -1);
	cr_assert_not_null(strstr(cause, "no printer is configured"));
	free(cause);
}

Test(slip, a_members_data_prints_as_on_the_screen)
{
	struct customer_profile	*p = NULL;
	struct escpos_buf	 b = { NULL, 0, 0 };
	enum consent_state	 consents[CUSTOMER_MAX_PURPOSES] = { CONSENT_GIVEN };
	char			 code[CODE_LEN + 1], receipt[CONSENT_ID_LEN + 1], *cause = NULL;
	char			 uid[CUSTOMER_UID_LEN + 1];

	enroll("{\"language\":\"en\",\"email\":\"ina@example.org\",\"channels\":[\"email\"],"
	    "\"interests\":[\"tea\"]}", code, receipt);
	cr_assert_eq(customer_find(s, CONTACT_EMAIL, "ina@example.org", uid, &cause), CUSTOMER_OK);
	cr_assert_eq(customer_load(s, uid, &p, &cause), CUSTOMER_OK, "%s", cause);
	slip_member(s, p, consents, 1, 0, &b);
	cr_assert(has(&b, "My data"));
	cr_assert(has(&b, "E-mail address: ina@example.org"));
	cr_assert(has(&b, "Interest: Loose-leaf tea"));
	cr_assert(has(&b, "Personalised offers: On"));
	cr_assert(has(&b, "Rewards to redeem: 1"));
	customer_profile_free(p);
	escpos_buf_clear(&b);
}
