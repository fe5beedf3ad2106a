/*
 * test_export — bulk export as JSON lines and CSV.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "export.h"
#include "helpers.h"

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

TestSuite(export, .init = setup, .fini = teardown);

/* Export everything into a string (caller frees). */
static char *
dump(enum export_format f, long *n)
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len = 0;
	FILE	*out = open_memstream(&buf, &len);
	long	 damaged;

	*n = export_all(s, f, out, HELPERS_NOW, &damaged, &cause);
	cr_assert_geq(*n, 0, "%s", cause);
	cr_assert_eq(damaged, 0);
	fclose(out);
	return buf;
}

Test(export, formats_parse)
{
	cr_assert_eq(export_format_parse("csv"), EXPORT_CSV);
	cr_assert_eq(export_format_parse("jsonl"), EXPORT_JSONL);
	cr_assert_eq(export_format_parse("xml"), -1);
}

Test(export, csv_quotes_commas_and_quotes)
{
	char	 uid[CUSTOMER_UID_LEN + 1], *text;
	long	 n;

	helpers_enroll(s, "{\"name\":\"O'Neil, \\\"Bud\\\"\",\"language\":\"en\"}", HELPERS_NOW,
	    uid);
	text = dump(EXPORT_CSV, &n);
	cr_assert_eq(n, 1);
	cr_assert_not_null(strstr(text, "\"O'Neil, \"\"Bud\"\"\""), "%s", text);
	cr_assert_not_null(strstr(text, "consent_email_marketing"));
	cr_assert_not_null(strstr(text, uid));
	free(text);
}

Test(export, jsonl_has_one_member_a_line_and_skips_the_erased)
{
	char	 a[CUSTOMER_UID_LEN + 1], b[CUSTOMER_UID_LEN + 1], *text, *nl;
	json_t	*o;
	long	 n;

	helpers_enroll(s, "{\"name\":\"A\",\"language\":\"en\"}", HELPERS_NOW, a);
	helpers_enroll(s, "{\"name\":\"B\",\"language\":\"en\"}", HELPERS_NOW, b);
	cr_assert_eq(customer_erase(s, a, CONSENT_REQUEST, HELPERS_NOW, NULL), CUSTOMER_OK);
	text = dump(EXPORT_JSONL, &n);
	cr_assert_eq(n, 1);
	nl = strchr(text, '\n');
	cr_assert_not_null(nl);
	cr_assert_eq(nl[1], '\0');
	o = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(o, "customer")), b);
	json_decref(o);
	free(text);
}
