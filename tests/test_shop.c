/*
 * test_shop — opening a store with its key: the right key, a wrong key, a passphrase.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "shop.h"

static char	*dir;

static void
setup(void)
{
	cr_assert_eq(vault_init(), 0);
	dir = helpers_tmpdir();
}

static void
teardown(void)
{
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(shop, .init = setup, .fini = teardown);

Test(shop, a_wrong_key_is_refused_with_a_clear_reason)
{
	struct shop_paths	 p = { NULL, HELPERS_CONFIG_DIR, NULL, NULL };
	char			*db = helpers_path(dir, "s.db"), *key = helpers_path(dir, "k");
	char			*other = helpers_path(dir, "other"), *cause = NULL;
	int			 code;

	p.db = db;
	p.key_file = key;
	cr_assert_eq(shop_create(&p, false, &cause), 0, "%s", cause);
	cr_assert_eq(vault_keyfile_create(other, &cause), 0);
	p.key_file = other;
	cr_assert_null(shop_open(&p, &code, &cause));
	cr_assert_eq(code, 1);
	cr_assert_not_null(strstr(cause, "key does not match this store"), "%s", cause);
	free(cause);
	p.key_file = key;
	struct shop *s = shop_open(&p, &code, &cause);
	cr_assert_not_null(s);
	shop_close(s);
	free(db);
	free(key);
	free(other);
}

Test(shop, a_passphrase_store_opens_only_with_its_passphrase)
{
	struct shop_paths	 p = { NULL, HELPERS_CONFIG_DIR, "/nonexistent", NULL };
	char			*db = helpers_path(dir, "p.db"), *cause = NULL;
	struct shop		*s;
	int			 code;

	p.db = db;
	p.passphrase = "short";
	cr_assert_eq(shop_create(&p, true, &cause), -1);
	cr_assert_not_null(strstr(cause, "at least 12"));
	free(cause);
	cause = NULL;
	p.passphrase = "a long enough passphrase";
	cr_assert_eq(shop_create(&p, true, &cause), 0, "%s", cause);
	s = shop_open(&p, &code, &cause);
	cr_assert_not_null(s, "%s", cause);
	shop_close(s);
	p.passphrase = "another long passphrase";
	cr_assert_null(shop_open(&p, &code, &cause));
	cr_assert_not_null(strstr(cause, "key does not match"), "%s", cause);
	free(cause);
	free(db);
}

Test(shop, a_missing_config_is_a_usage_error)
{
	struct shop_paths	 p = { "/nonexistent.db", "/nonexistent", "/nonexistent", NULL };
	char			*cause = NULL;
	int			 code;

	cr_assert_null(shop_open(&p, &code, &cause));
	cr_assert_eq(code, 2);
	cr_assert_not_null(strstr(cause, "prefkiosk.ini"), "%s", cause);
	free(cause);
}
