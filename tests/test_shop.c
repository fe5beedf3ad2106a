/*
 * test_shop — opening a store with its key: the right key, a wrong key, a passphrase, a rotation
 * that died before its new key file was in place, a key rotated under a running process.
 */
#include <criterion/criterion.h>

#include <sys/stat.h>

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
	struct shop_paths	 p = { .config = HELPERS_CONFIG_DIR };
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
	struct shop_paths	 p = { .config = HELPERS_CONFIG_DIR, .key_file = "/nonexistent" };
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
	struct shop_paths	 p = { .db = "/nonexistent.db", .config = "/nonexistent",
				    .key_file = "/nonexistent" };
	char			*cause = NULL;
	int			 code;

	cr_assert_null(shop_open(&p, &code, &cause));
	cr_assert_eq(code, 2);
	cr_assert_not_null(strstr(cause, "prefkiosk.ini"), "%s", cause);
	free(cause);
}

/* A new store in the test's directory with key file k; paths to free with free_paths. */
static void
make_store(struct shop_paths *p)
{
	char	*cause = NULL;

	p->db = helpers_path(dir, "s.db");
	p->config = HELPERS_CONFIG_DIR;
	p->key_file = helpers_path(dir, "k");
	p->passphrase = NULL;
	cr_assert_eq(shop_create(p, false, &cause), 0, "%s", cause);
}

static void
free_paths(struct shop_paths *p)
{
	free((char *)p->db);
	free((char *)p->key_file);
}

/* Open the store, asserting success. */
static struct shop *
open_store(const struct shop_paths *p)
{
	struct shop	*s;
	char		*cause = NULL;
	int		 code;

	s = shop_open(p, &code, &cause);
	cr_assert_not_null(s, "%s", cause);
	return s;
}

/* Make the store's key check the key of key_file's, behind the shop's back: what a rotation's
 * commit does. */
static void
set_key_check(struct shop *s, const char *key_file)
{
	unsigned char	 check[VAULT_MAC_BYTES];
	char		*cause = NULL;
	struct vault	*v = vault_open_keyfile(key_file, &cause);

	cr_assert_not_null(v, "%s", cause);
	vault_key_check(v, check);
	cr_assert_eq(store_meta_set(s->store, "key_check", check, sizeof check), 0);
	vault_free(v);
}

/* A new key file in the test's directory (caller frees the path). */
static char *
new_key(const char *name)
{
	char	*path = helpers_path(dir, name), *cause = NULL;

	cr_assert_eq(vault_keyfile_create(path, &cause), 0, "%s", cause);
	return path;
}

Test(shop, a_rotation_that_died_before_the_rename_is_finished_at_the_next_open)
{
	struct shop_paths	 p;
	struct shop		*s;
	struct stat		 sb;
	char			*next;

	make_store(&p);
	s = open_store(&p);
	next = new_key("k.new");
	set_key_check(s, next);
	shop_close(s);

	shop_close(open_store(&p));
	cr_assert_eq(stat(next, &sb), -1, "k.new was renamed");
	shop_close(open_store(&p));	/* the key file is the new one now */
	free_paths(&p);
	free(next);
}

Test(shop, a_next_key_file_that_does_not_open_the_store_is_left_alone)
{
	struct shop_paths	 p;
	struct stat		 sb;
	char			*wrong = new_key("wrong"), *wrong_next = new_key("wrong.new");
	char			*cause = NULL;
	const char		*right;
	int			 code;

	make_store(&p);
	right = p.key_file;
	p.key_file = wrong;
	cr_assert_null(shop_open(&p, &code, &cause));
	cr_assert_eq(code, 1);
	cr_assert_not_null(strstr(cause, "key does not match this store"), "%s", cause);
	cr_assert_eq(stat(wrong_next, &sb), 0, "a .new of another key stays where it is");
	p.key_file = right;
	free(cause);
	free_paths(&p);
	free(wrong);
	free(wrong_next);
}

Test(shop, a_process_whose_key_was_rotated_by_another_writes_nothing)
{
	struct shop_paths	 p;
	struct shop		*a, *b;
	char			*other = new_key("other"), *cause = NULL;

	make_store(&p);
	a = open_store(&p);
	b = open_store(&p);
	cr_assert_eq(store_begin(b->store, &cause), 0, "%s", cause);
	store_rollback(b->store);
	set_key_check(a, other);
	cr_assert_eq(store_begin(b->store, &cause), -1);
	cr_assert_not_null(strstr(cause, "restart prefkiosk"), "%s", cause);
	cr_assert(sqlite3_get_autocommit(store_db(b->store)), "no transaction is left open");
	free(cause);
	shop_close(a);
	shop_close(b);
	free_paths(&p);
	free(other);
}

Test(shop, damaged_carried_keys_are_refused_clearly)
{
	struct shop_paths	 p;
	unsigned char		 junk[VAULT_CARRIED_BYTES] = { 0 };
	struct shop		*s;
	char			*cause = NULL;
	int			 code;

	make_store(&p);
	s = open_store(&p);
	cr_assert_eq(store_meta_set(s->store, "carried_keys", junk, sizeof junk), 0);
	shop_close(s);
	cr_assert_null(shop_open(&p, &code, &cause));
	cr_assert_eq(code, 1);
	cr_assert_not_null(strstr(cause, "carried over the last key rotation"), "%s", cause);
	free(cause);
	free_paths(&p);
}
