/*
 * helpers — scratch directories and small file utilities for the Criterion suites.
 */
#include <criterion/criterion.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "code.h"
#include "customer.h"
#include "helpers.h"
#include "i18n.h"

/* Make a new empty directory under /tmp. */
char *
helpers_tmpdir(void)
{
	char	*dir = strdup("/tmp/prefkiosk-test-XXXXXX");

	cr_assert_not_null(dir);
	cr_assert_not_null(mkdtemp(dir), "mkdtemp failed");
	return dir;
}

/* nftw's callback: remove what it is given (children come first with FTW_DEPTH). */
static int
helpers_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Remove a directory made by helpers_tmpdir and everything in it. */
void
helpers_rmdir(const char *dir)
{
	if (dir != NULL)
		nftw(dir, helpers_remove, 16, FTW_DEPTH | FTW_PHYS);
}

/* Join a directory and a file name. */
char *
helpers_path(const char *dir, const char *name)
{
	size_t	 len = strlen(dir) + strlen(name) + 2;
	char	*p = malloc(len);

	cr_assert_not_null(p);
	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

/* Write a whole file. */
void
helpers_write(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s", path);
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
}

/* Search a file for a byte string. */
int
helpers_file_contains(const char *path, const void *needle, size_t len)
{
	FILE		*f = fopen(path, "rb");
	char		*buf = NULL;
	size_t		 n = 0, cap = 0, got;
	int		 found = 0;

	if (f == NULL)
		return -1;
	for (;;) {
		if (n + 65536 > cap) {
			cap = (cap + 65536) * 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
		got = fread(buf + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	if (len <= n)
		found = memmem(buf, n, needle, len) != NULL;
	free(buf);
	return found;
}

/* Create and open store name in dir with key file key (made when missing), as terminal
 * (-1: the config's). */
struct shop *
helpers_fleet_shop(const char *dir, const char *name, const char *key, int terminal)
{
	struct shop_paths	 paths = { .config = HELPERS_CONFIG_DIR };
	struct shop		*s;
	char			*cause = NULL;
	int			 code;

	cr_assert_eq(vault_init(), 0);
	paths.db = helpers_path(dir, name);
	paths.key_file = helpers_path(dir, key);
	paths.has_terminal = terminal >= 0;
	paths.terminal = terminal;
	cr_assert_eq(shop_create(&paths, false, &cause), 0, "%s", cause);
	s = shop_open(&paths, &code, &cause);
	cr_assert_not_null(s, "%s", cause);
	free((char *)paths.db);
	free((char *)paths.key_file);
	return s;
}

/* Create and open a store in dir. */
struct shop *
helpers_shop(const char *dir)
{
	return helpers_fleet_shop(dir, "store.db", "store.key", -1);
}

/* One integer from a query. */
long
helpers_query_long(struct shop *s, const char *sql, const char *arg)
{
	sqlite3_stmt	*stmt;
	long		 n = -1;

	cr_assert_eq(sqlite3_prepare_v2(store_db(s->store), sql, -1, &stmt, NULL), SQLITE_OK,
	    "%s", sql);
	if (arg != NULL)
		sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

void
helpers_english(void)
{
	char	*cause = NULL;

	cr_assert_eq(i18n_init("assets/locale", &cause), 0, "%s", cause);
	cr_assert_eq(i18n_use("en", &cause), 0, "%s", cause);
}

void
helpers_code(struct shop *s, char *code)
{
	struct code_payload	p = { CODE_VERSION, 1, 7, 1, 3000 };

	code_make(&p, vault_code_key(s->vault), code);
}

/* Enrol from JSON, asserting success. */
void
helpers_enroll(struct shop *s, const char *json, time_t now, char *uid)
{
	struct reward_list	l;

	helpers_enroll_rewards(s, json, now, uid, &l);
}

/* Enrol from JSON, asserting success, and keep what it earned. */
void
helpers_enroll_rewards(struct shop *s, const char *json, time_t now, char *uid,
    struct reward_list *out)
{
	struct customer_enrolment	*e = customer_enrolment_new();
	json_error_t			 jerr;
	json_t				*doc = json_loads(json, 0, &jerr);
	char				 receipt[CONSENT_ID_LEN + 1], *cause = NULL;

	cr_assert_not_null(doc, "bad test JSON: %s", jerr.text);
	cr_assert_eq(customer_enrolment_from_json(s, doc, false, e, &cause), CUSTOMER_OK, "%s",
	    cause);
	cr_assert_eq(customer_enroll(s, e, now, uid, receipt, &cause), CUSTOMER_OK, "%s", cause);
	*out = e->rewards;
	json_decref(doc);
	customer_enrolment_free(e);
}

int
helpers_zbar(const char *path, char *out, size_t size)
{
	char	 cmd[512];
	FILE	*p;
	size_t	 n;

	snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	cr_assert_not_null(p, "cannot run zbarimg");
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return pclose(p);
}
