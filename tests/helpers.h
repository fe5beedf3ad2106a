/*
 * helpers — what the Criterion suites share: a scratch directory per test, a fixed clock, and
 * the demo configuration of the checkout.  Time and randomness are passed in, never mocked.
 */
#ifndef PREFKIOSK_TEST_HELPERS_H
#define PREFKIOSK_TEST_HELPERS_H

#include <stddef.h>
#include <time.h>

/* 2026-03-01T12:00:00Z: the "now" every test uses unless it moves the clock itself. */
#define HELPERS_NOW	((time_t)1772366400)

/* A fresh directory under /tmp for this test (caller frees the string; helpers_rmdir removes). */
char	*helpers_tmpdir(void);
void	 helpers_rmdir(const char *dir);

/* dir + "/" + name, caller frees. */
char	*helpers_path(const char *dir, const char *name);

/* Write text to a file (mode 0644); aborts the test on failure. */
void	 helpers_write(const char *path, const char *text);

/* The checkout's config/ directory (tests run from the top of the checkout). */
#define HELPERS_CONFIG_DIR	"config"

struct shop;

/* A new store with its key file in dir, opened with the checkout's config (shop_close frees). */
struct shop	*helpers_shop(const char *dir);
/* Store name in dir with key file key (made when missing: two stores can share it), as
 * terminal (-1: the config's). */
struct shop	*helpers_fleet_shop(const char *dir, const char *name, const char *key,
		    int terminal);

/* The first column of the first row of a query (with ?1 bound to arg, when not NULL) as an
 * integer; -1 when there is no row. */
long	 helpers_query_long(struct shop *, const char *sql, const char *arg);

/* The kiosk's interface text from the checkout's compiled catalogues, in English; aborts the
 * test on failure. */
void	 helpers_english(void);

/* A genuine reward code of the shop (terminal 1, serial 7, rule 1, day 3000) into code, which
 * has room for CODE_LEN + 1 bytes. */
void	 helpers_code(struct shop *, char *code);

/* Enrol a member from a JSON text; returns the uid in uid[17].  Aborts the test on failure. */
void	 helpers_enroll(struct shop *, const char *json, time_t now, char *uid);
/* The same, with the rewards the sign-up earned into out. */
struct reward_list;
void	 helpers_enroll_rewards(struct shop *, const char *json, time_t now, char *uid,
	    struct reward_list *out);

/* What zbarimg reads in a picture, without the trailing newline, into out[size]; its exit
 * status (0 when it found a code). */
int	 helpers_zbar(const char *path, char *out, size_t size);

/* Does the file contain the byte string needle?  1 yes, 0 no, -1 unreadable. */
int	 helpers_file_contains(const char *path, const void *needle, size_t len);

#endif
