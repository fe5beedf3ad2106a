/*
 * staff — the people who may use the staff and admin screens: a name, a role and an Argon2id
 * hash of a PIN (peppered with a key, so a copied store alone gives up no PIN), with a count
 * of wrong PINs and a lock-out.
 *
 * A name is 1 to 32 characters of A-Z a-z 0-9 . _ -; a PIN is 4 to 12 ASCII digits and is never
 * stored, printed or put in a reason, only its hash.  Every wrong PIN is counted in the store
 * (so two processes share one count); the max_failures-th wrong PIN in a row locks the account
 * for lockout_minutes and starts the count again.  While an account is locked, no PIN is even
 * checked.  A right PIN clears the count.
 *
 * Functions return an enum staff_result; *cause (caller frees) is set for STAFF_ERROR and
 * STAFF_BAD_INPUT only.
 */
#ifndef PREFKIOSK_STAFF_H
#define PREFKIOSK_STAFF_H

#include <time.h>

struct store;
struct vault;

#define STAFF_NAME_MAX		32
#define STAFF_PIN_MIN		4
#define STAFF_PIN_MAX		12

enum staff_role {
	STAFF_ROLE_STAFF,
	STAFF_ROLE_ADMIN,
};

enum staff_result {
	STAFF_OK = 0,
	STAFF_ERROR,		/* the store failed; *cause says why */
	STAFF_NOT_FOUND,	/* no staff member of that name */
	STAFF_EXISTS,		/* the name is taken */
	STAFF_BAD_INPUT,	/* a malformed name or PIN, or bad limits; *cause says why */
	STAFF_WRONG_PIN,
	STAFF_LOCKED,		/* too many wrong PINs; try again after locked_until */
};

/* One account as staff_list shows it: never the hash. */
struct staff_info {
	char		 name[STAFF_NAME_MAX + 1];
	enum staff_role	 role;
	int		 failures;	/* wrong PINs since the last right one or lock-out */
	time_t		 locked_until;	/* locked while this is after now */
	time_t		 created;
};

/* "staff" or "admin" as a role; -1 for anything else. */
int		 staff_role_parse(const char *);
/* The name of a role (a static string). */
const char	*staff_role_name(enum staff_role);

/* Add an account; STAFF_EXISTS if the name is taken, STAFF_BAD_INPUT for a bad name or PIN. */
enum staff_result staff_add(struct store *, const struct vault *, const char *name,
		     enum staff_role, const char *pin, time_t now, char **cause);

/* Remove an account; STAFF_NOT_FOUND if there is none of that name. */
enum staff_result staff_remove(struct store *, const char *name, char **cause);

/*
 * Call fn for each account in name order, with a pointer valid only during the call.  The rows
 * are read before the first call, so fn may use the store.  A non-zero return from fn stops the
 * walk (still STAFF_OK: fn keeps its own reasons in arg).
 */
enum staff_result staff_list(struct store *, int (*fn)(const struct staff_info *, void *),
		     void *arg, char **cause);

/* The role an account has now (a signed-in session re-reads it before an admin action): STAFF_OK
 * with *role_out, STAFF_NOT_FOUND (removed since), or STAFF_ERROR. */
enum staff_result staff_role_of(struct store *, const char *name, enum staff_role *role_out,
		     char **cause);

/*
 * Check a PIN at time now.  STAFF_OK with *role_out; STAFF_WRONG_PIN (counted);
 * STAFF_LOCKED with *locked_until_out, either already locked (the PIN is not checked) or locked
 * by this wrong PIN, the max_failures-th; STAFF_NOT_FOUND after the same Argon2id work as a real
 * check, so the time taken does not tell which names exist.  role_out and locked_until_out may
 * be NULL.
 */
enum staff_result staff_verify(struct store *, const struct vault *, const char *name,
		     const char *pin, time_t now, int max_failures, int lockout_minutes,
		     enum staff_role *role_out, time_t *locked_until_out, char **cause);

#endif
