/*
 * customer — members: enrolment, sign-in look-ups, their sealed profile, preferences and
 * consent changes, visits, and erasure by crypto-shredding.
 *
 * A profile in memory is plaintext personal data, so it lives in one block that
 * customer_profile_free wipes (util_secret_alloc).  In the store, each field is sealed under the member's own data
 * key (bound to table, column, member and key version); look-ups go through blind indexes.
 * Every action is one transaction: an enrolment with its consent records commits or vanishes
 * whole.  The same functions serve the kiosk, the desk and the command line.
 */
#ifndef PREFKIOSK_CUSTOMER_H
#define PREFKIOSK_CUSTOMER_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "consent.h"
#include "contact.h"
#include "reward.h"
#include "shop.h"

#define CUSTOMER_UID_LEN	16	/* 10 random bytes in base32 */
#define CUSTOMER_MAX_INTERESTS	128
#define CUSTOMER_MAX_CHANNELS	16
#define CUSTOMER_MAX_PURPOSES	CONSENT_MAX_PURPOSES
#define CUSTOMER_PIN_MAX	12
#define CUSTOMER_NO_CHANNEL	(-1)	/* channels[i]: not chosen */
#define CUSTOMER_NO_FREQUENCY	(-2)	/* channels[i]: chosen, the channel has no frequencies */

/* Everything a member tells us.  Strings are normal forms (contact.h); "" when not given. */
struct customer_profile {
	char		name[CONTACT_MAX + 1];
	char		email[CONTACT_MAX + 1];
	char		phone[CONTACT_MAX + 1];
	char		card[CONTACT_MAX + 1];
	char		language[8];
	char		pin_hash[VAULT_PIN_HASH_BYTES];		/* "" when no PIN */
	bool		interests[CUSTOMER_MAX_INTERESTS];	/* by catalogue index */
	int		channels[CUSTOMER_MAX_CHANNELS];	/* frequency index or CUSTOMER_NO_* */
};

/* A sign-up (or a profile update): the profile, the PIN to set, an answer for every purpose,
 * the financial-incentive notices accepted; and, once done, the rewards it earned. */
struct customer_enrolment {
	struct customer_profile	*profile;
	char			 pin[CUSTOMER_PIN_MAX + 1];	/* "" when none */
	enum consent_state	 consents[CUSTOMER_MAX_PURPOSES];	/* GIVEN or REFUSED */
	signed char		 consent_language[CUSTOMER_MAX_PURPOSES];	/* the language
						 * index + 1 the purpose was answered in; 0: the
						 * profile's language */
	enum consent_method	 method;
	char			 staff[33];	/* staff name for an assisted sign-up */
	bool			 incentives[REWARD_MAX_RULES];	/* by reward rule index */
	struct reward_list	 rewards;	/* out: issued with it */
};

/* Results beyond 0 (done) and -1 (store or key failure, *cause set). */
enum customer_result {
	CUSTOMER_OK = 0,
	CUSTOMER_ERROR = -1,
	CUSTOMER_INVALID = -2,		/* bad input: *cause names the field */
	CUSTOMER_NOT_FOUND = -3,	/* unknown or erased */
	CUSTOMER_DAMAGED = -4,		/* a sealed field does not open */
};

/* A profile with nothing chosen (wiped by customer_profile_free). */
struct customer_profile	*customer_profile_new(void);
void			 customer_profile_free(struct customer_profile *);

/* An enrolment with an empty profile, every purpose refused, method kiosk. */
struct customer_enrolment *customer_enrolment_new(void);
void			 customer_enrolment_free(struct customer_enrolment *);

/*
 * Check an enrolment against the catalogue and the minimisation rules: every chosen channel has
 * the contact field it needs; every given contact field is used by a choice (e-mail by a channel
 * that needs it; phone by such a channel or, with a PIN, for signing in; name and card always);
 * the PIN is 4 to CUSTOMER_PIN_MAX digits; the language is configured.
 * CUSTOMER_OK or CUSTOMER_INVALID with *cause naming the field.
 */
int	customer_enrolment_check(const struct shop *, const struct customer_enrolment *,
	    char **cause);

/*
 * Sign a member up in one transaction: customer row, sealed profile, a consent record for every
 * purpose.  Gives a new card number when none was given.  uid receives the new member's
 * pseudonymous id (CUSTOMER_UID_LEN + 1), receipt the consent receipt id (CONSENT_ID_LEN + 1).
 * CUSTOMER_INVALID also for a card, phone or e-mail that belongs to another member.
 */
int	customer_enroll(struct shop *, struct customer_enrolment *, time_t now, char *uid,
	    char *receipt, char **cause);
/* The same inside the caller's transaction (import batches); on failure the caller rolls back
 * to its savepoint.  The PIN is hashed here, so a batch with PINs holds the lock longer. */
int	customer_enroll_locked(struct shop *, struct consent_chain *,
	    struct customer_enrolment *, time_t now, char *uid, char *receipt, char **cause);

/*
 * Change a member's profile in one transaction: e->profile (the whole new profile, usually the
 * loaded one edited) is checked like an enrolment, sealed again under the member's data key, and
 * its blind indexes replaced; a new e->pin is hashed; completion challenges now met are issued
 * into e->rewards (when their incentive notice is in e->incentives).  Consents are not touched.
 */
int	customer_update(struct shop *, const char *uid, struct customer_enrolment *e, time_t now,
	    char **cause);

/* How many members the store holds now (not erased), or -1 and *cause. */
long	customer_count(struct shop *, char **cause);

/* The uid of the member with this card, phone or e-mail (typed in any form). */
int	customer_find(struct shop *, enum contact_field, const char *value, char *uid,
	    char **cause);

/* Find a member by card, phone or e-mail and open the profile, in one query (sign-in). */
int	customer_lookup(struct shop *, enum contact_field, const char *value, char *uid,
	    struct customer_profile **out, char **cause);

/*
 * Check every member's row, for verify: a live member's data key and profile open and its
 * blind indexes are those of its card, phone and e-mail; an erased member has none of them
 * left.  Calls report(problem, arg) once per problem, each naming the member; *members
 * receives the number of live members.  Returns the number of problems, or -1 and *cause.
 */
int	customer_verify(struct shop *, void (*report)(const char *, void *), void *arg,
	    long *members, char **cause);

/* Open a member's profile (caller frees).  NOT_FOUND, DAMAGED (with *cause), ERROR. */
int	customer_load(struct shop *, const char *uid, struct customer_profile **out,
	    char **cause);

/*
 * For a key rotation, inside the caller's transaction, with s->vault already the new key: each
 * live member gets a new random data key, wrapped under it with the key version one up, their
 * profile record sealed again under that data key exactly as it was (fields a newer catalogue
 * dropped included), and their blind indexes made again from it.  old opens what is there; a
 * member whose data key or profile does not open under it is counted in *damaged and left as it
 * is.  *done counts the members re-keyed.  -1 with *cause on a store failure.
 */
int	customer_rekey(struct shop *, const struct vault *old, long *done, long *damaged,
	    char **cause);

/* The outcome of a member's PIN at the kiosk. */
enum customer_pin {
	CUSTOMER_PIN_OK,
	CUSTOMER_PIN_WRONG,	/* counted */
	CUSTOMER_PIN_LOCKED,	/* too many wrong PINs: not checked until *locked_until */
	CUSTOMER_PIN_NONE,	/* the member set no PIN */
};

/*
 * Check a signed-in-to-be member's PIN against their profile (p->pin_hash), counting wrong ones
 * in the store: after max_failures the member is locked for lockout_minutes (the PIN is then not
 * even checked).  A right PIN clears the count.  -1 with *cause on a store failure.
 */
int	customer_pin_check(struct shop *, const char *uid, const struct customer_profile *p,
	    const char *pin, time_t now, int max_failures, int lockout_minutes,
	    time_t *locked_until, char **cause);

/* Record a consent change for one purpose (GIVEN or WITHDRAWN) or for all given ones
 * (purpose -1, WITHDRAWN) in one transaction; receipt receives its id. */
int	customer_consent(struct shop *, const char *uid, int purpose, enum consent_state,
	    enum consent_method, const char *staff, int language, time_t now, char *receipt,
	    char **cause);

/* Crypto-shred a member: withdrawal records for given purposes, data key and indexes
 * destroyed, outstanding rewards revoked, WAL truncated. */
int	customer_erase(struct shop *, const char *uid, enum consent_method, time_t now,
	    char **cause);

/* Everything held about one member, as JSON (caller decrefs).  NULL with *result set. */
json_t	*customer_export(struct shop *, const char *uid, time_t now, int *result, char **cause);

/* The member's profile as JSON with catalogue ids (no PIN hash). */
json_t	*customer_profile_json(const struct shop *, const struct customer_profile *);

/* Fill an enrolment from a JSON document (enroll, import); CUSTOMER_INVALID with *cause. */
int	customer_enrolment_from_json(const struct shop *, json_t *, bool import,
	    struct customer_enrolment *, char **cause);

/* Apply a profile update document (the keys of an enrolment but consents, method and staff; a
 * key present replaces, null or "" clears) to e, whose profile holds the member's current one. */
int	customer_update_from_json(const struct shop *, json_t *, struct customer_enrolment *,
	    char **cause);

#endif
