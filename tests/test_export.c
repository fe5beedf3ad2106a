/*
 * test_export — bulk export as JSON lines and CSV, and the kiosk's sealed export file.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

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

/* Unseal a file with sk into a string (caller frees). */
static char *
unseal(const char *path, const unsigned char pk[SEALFILE_KEY_BYTES],
    const unsigned char sk[SEALFILE_KEY_BYTES])
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len = 0;
	FILE	*in = fopen(path, "rb"), *out = open_memstream(&buf, &len);

	cr_assert_not_null(in, "%s", path);
	cr_assert_eq(sealfile_unseal(out, in, pk, sk, &cause), SEALFILE_OK, "%s", cause);
	fclose(in);
	fclose(out);
	return buf;
}

Test(export, to_file_names_the_file_and_seals_what_export_all_writes)
{
	static const enum export_format formats[] = { EXPORT_JSONL, EXPORT_CSV };
	static const char *names[] = { "prefkiosk-export-1-20260301T120000Z.jsonl.sealed",
	    "prefkiosk-export-1-20260301T120000Z.csv.sealed" };
	unsigned char	 pk[SEALFILE_KEY_BYTES], sk[SEALFILE_KEY_BYTES];
	char		 uid[CUSTOMER_UID_LEN + 1], path[512], *want, *plain, *got, *cause = NULL;
	long		 n, plain_n, damaged = -1;
	size_t		 i;

	crypto_box_keypair(pk, sk);
	helpers_enroll(s, "{\"name\":\"Ada Lovelace\",\"language\":\"en\"}", HELPERS_NOW, uid);
	helpers_enroll(s, "{\"name\":\"Grace Hopper\",\"language\":\"de\"}", HELPERS_NOW, uid);
	for (i = 0; i < 2; i++) {
		n = export_to_file(s, formats[i], dir, pk, HELPERS_NOW, path, sizeof path,
		    &damaged, &cause);
		cr_assert_eq(n, 2, "%s", cause);
		cr_assert_eq(damaged, 0);
		want = helpers_path(dir, names[i]);
		cr_assert_str_eq(path, want);
		plain = dump(formats[i], &plain_n);
		got = unseal(path, pk, sk);
		cr_assert_str_eq(got, plain, "the same bytes as export_all");
		cr_assert_eq(helpers_file_contains(path, "Lovelace", 8), 0);
		cr_assert_eq(helpers_file_contains(path, uid, strlen(uid)), 0);
		free(got);
		free(plain);
		free(want);
	}
}

Test(export, to_file_refuses_a_missing_folder_and_one_member_json)
{
	unsigned char	 pk[SEALFILE_KEY_BYTES], sk[SEALFILE_KEY_BYTES];
	char		 path[512], *missing = helpers_path(dir, "stick"), *cause = NULL;
	long		 damaged;

	crypto_box_keypair(pk, sk);
	cr_assert_eq(export_to_file(s, EXPORT_JSONL, missing, pk, HELPERS_NOW, path, sizeof path,
	    &damaged, &cause), -1);
	cr_assert_not_null(strstr(cause, "stick: No such file or directory; is the share "
	    "mounted, or the stick plugged in?"), "%s", cause);
	free(cause);
	cr_assert_eq(export_to_file(s, EXPORT_JSON, dir, pk, HELPERS_NOW, path, sizeof path,
	    &damaged, &cause), -1);
	cr_assert_str_eq(cause, "a file of every member is jsonl or csv");
	free(cause);
	cr_assert_eq(export_to_file(s, EXPORT_CSV, dir, pk, HELPERS_NOW, path, 20, &damaged,
	    &cause), -1);
	cr_assert_not_null(strstr(cause, "the folder's name is too long"), "%s", cause);
	free(cause);
	free(missing);
}

Test(export, to_file_refuses_a_second_export_in_the_same_second_and_keeps_the_first)
{
	unsigned char	 pk[SEALFILE_KEY_BYTES], sk[SEALFILE_KEY_BYTES];
	char		 uid[CUSTOMER_UID_LEN + 1], path[512], *cause = NULL, *first, *again;
	long		 damaged;

	crypto_box_keypair(pk, sk);
	helpers_enroll(s, "{\"name\":\"A\",\"language\":\"en\"}", HELPERS_NOW, uid);
	cr_assert_eq(export_to_file(s, EXPORT_JSONL, dir, pk, HELPERS_NOW, path, sizeof path,
	    &damaged, &cause), 1, "%s", cause);
	first = unseal(path, pk, sk);
	helpers_enroll(s, "{\"name\":\"B\",\"language\":\"en\"}", HELPERS_NOW, uid);
	cr_assert_eq(export_to_file(s, EXPORT_JSONL, dir, pk, HELPERS_NOW, path, sizeof path,
	    &damaged, &cause), -1);
	cr_assert_not_null(strstr(cause, "refusing to overwrite it"), "%s", cause);
	again = unseal(path, pk, sk);
	cr_assert_str_eq(again, first);
	free(cause);
	free(again);
	free(first);
}
