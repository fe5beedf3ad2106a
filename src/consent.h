/*
 * consent — the consent records: append-only, MAC-chained, each pointing to the exact notice
 * text that was shown.
 *
 * A record carries the fields of ISO/IEC TS 27560 (record and receipt id, subject, controller,
 * purpose, personal-data categories, lawful basis, notice id + version + digest, language,
 * method, staff, terminal, time, state, validity, jurisdiction, recipients, retention,
 * withdrawal method) as canonical JSON.  Each record's MAC covers the previous record's MAC and
 * its own body, under a key only the shop holds; a MAC of the chain's length and head kept in
 * the meta table makes a deleted last record visible too.  The current state of a purpose is its
 * latest record.  Every function that writes must run inside a store transaction.
 */
#ifndef PREFKIOSK_CONSENT_H
#define PREFKIOSK_CONSENT_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "shop.h"

#define CONSENT_ID_LEN		26	/* record and receipt ids: 16 random bytes in base32 */
#define CONSENT_MAX_PURPOSES	32

enum consent_state {
	CONSENT_NONE = 0,	/* never asked */
	CONSENT_GIVEN,
	CONSENT_REFUSED,
	CONSENT_WITHDRAWN,
	CONSENT_EXPIRED,
};

enum consent_method {
	CONSENT_KIOSK,		/* the customer at the kiosk */
	CONSENT_ASSISTED,	/* at the kiosk, with a staff member's help (staff id recorded) */
	CONSENT_IMPORT,		/* imported from another system */
	CONSENT_REQUEST,	/* the customer's written or spoken request, entered by staff */
	CONSENT_RETENTION,	/* expired by the retention rules */
};

struct consent_event {
	const char		*subject;	/* pseudonymous customer uid */
	int			 purpose;	/* catalogue index */
	enum consent_state	 state;
	enum consent_method	 method;
	const char		*staff;		/* staff name for assisted/request, else NULL */
	int			 language;	/* config language index of the notice shown */
	const char		*receipt;	/* receipt id grouping one action's records */
	time_t			 now;
};

/* The latest state of one purpose for a subject. */
struct consent_current {
	enum consent_state	 state;
	time_t			 since;
	time_t			 valid_until;	/* 0 when not given */
	int			 notice_version;
	unsigned char		 notice_digest[CATALOG_DIGEST_BYTES];
	char			 language[8];
};

/*
 * Every subject's latest record of each purpose, this terminal's (consent_records) or another
 * terminal's (fleet_consent), as consent_current finds it: a table of subject, purpose, state,
 * valid_until, notice_version, lang, digest (the notice text's, NULL when missing) for queries
 * that look at all members at once.  Its one parameter, ?1, is this terminal's number.
 */
#define CONSENT_LATEST_SQL \
	"(SELECT subject, purpose, state, valid_until, notice_version, lang, digest FROM" \
	" (SELECT *, row_number() OVER (PARTITION BY subject, purpose" \
	"   ORDER BY event_time DESC, origin DESC, id DESC) AS latest FROM" \
	"  (SELECT c.subject, c.purpose, c.state, c.valid_until, c.notice_version," \
	"    json_extract(c.body, '$.language') AS lang, n.digest, c.event_time," \
	"    ?1 AS origin, c.id FROM consent_records c LEFT JOIN notices n" \
	"    ON n.notice = c.purpose AND n.version = c.notice_version" \
	"    AND n.language = json_extract(c.body, '$.language')" \
	"   UNION ALL" \
	"   SELECT subject, purpose, state, valid_until, notice_version, language," \
	"    notice_digest, event_time, origin, id FROM fleet_consent))" \
	" WHERE latest = 1)"

const char	*consent_state_name(enum consent_state);
const char	*consent_method_name(enum consent_method);
int		 consent_method_parse(const char *);	/* -1 when unknown */

/* A new receipt id (CONSENT_ID_LEN + 1 bytes). */
void		 consent_receipt_new(char *out);

/*
 * Where the chain ends, held by whoever appends records in one transaction: the end is read
 * once, and the head is written once, by consent_chain_end, before the commit.  After a
 * rollback (to a savepoint) the cursor must be begun again.
 */
struct consent_chain {
	bool		loaded;
	bool		appended;
	sqlite3_int64	last;
	unsigned char	mac[VAULT_MAC_BYTES];
	int		versions[CONSENT_MAX_PURPOSES][CONFIG_MAX_LANGS];	/* 0: not looked up */
};

void		 consent_chain_begin(struct consent_chain *);
/*
 * The version of the notice text shown: found by digest, or recorded now as the next version of
 * notice (a purpose or reward id) in language lang.  -1 with *cause.
 */
int		 consent_notice(struct shop *, const char *notice, const char *lang,
		     const struct catalog_notice *text, time_t now, int *version, char **cause);

/* Write the chain's head after the records appended through this cursor; -1 and *cause. */
int		 consent_chain_end(struct shop *, struct consent_chain *, char **cause);

/* Append one record (inside a transaction); -1 and *cause. */
int		 consent_record(struct shop *, struct consent_chain *, const struct consent_event *,
		     char **cause);

/* Free the texts consent.c keeps in the shop (shop_close calls it). */
void		 consent_texts_free(struct consent_texts *);

/* The current state of a purpose for a subject; -1 and *cause on a store error. */
int		 consent_current(struct shop *, const char *subject, int purpose,
		     struct consent_current *, char **cause);

/* The id of a subject's latest consent receipt into out (CONSENT_ID_LEN + 1; "" when none). */
int		 consent_last_receipt(struct shop *, const char *subject, char *out, char **cause);

/* Is the given consent current: given, not expired at now, and to the notice text shown now? */
int		 consent_is_current(const struct shop *, const struct consent_current *, int purpose,
		     time_t now);

/* Every record of a subject, oldest first, as a JSON array of bodies (caller decrefs). */
json_t		*consent_history(struct shop *, const char *subject, char **cause);

/*
 * Keep a record of another terminal of the fleet (origin): body, and the MACs that chain it,
 * as that terminal made them.  It must follow the last record kept of origin under the fleet's
 * key; its columns are read from its signed body.  0 kept, 1 refused (*cause says why: not the
 * next record, or not a record), -1 and *cause on a store error.
 */
int		 consent_fleet_append(struct shop *, int origin, const char *body,
		     const unsigned char prev[VAULT_MAC_BYTES],
		     const unsigned char mac[VAULT_MAC_BYTES], char **cause);

/*
 * Check the whole chain.  Calls report(problem, arg) once per problem found (a record edited,
 * missing, reordered, or the head not matching) and returns the number of problems, or -1 and
 * *cause when the store cannot be read.
 */
int		 consent_verify(struct shop *, void (*report)(const char *, void *), void *arg,
		     char **cause);

/*
 * A walk along a chain kept like the consent records — rows with an id, a body, the previous
 * row's MAC and their own — that MACs each body, oldest first, under the shop's key after the
 * MAC before it.  Checking (update_sql NULL), it counts the rows whose stored MACs are not
 * those; updating (a key rotation, inside the caller's transaction, once the chain checked
 * under the old key), it writes them, the chain's append-only trigger lifted meanwhile.
 */
struct consent_walk {
	const char	*trigger;	/* the chain's append-only trigger */
	const char	*select_sql;	/* reads "id, body, prev, mac", oldest first */
	const char	*update_sql;	/* sets "prev = ?2, mac = ?3" of row "?1"; NULL: check */
	sqlite3_int64	 at;		/* a row whose MAC is wanted (a head), or 0 */
	long		 count;		/* out: rows */
	long		 broken;	/* out, checking: rows not as the key makes them */
	bool		 at_seen;	/* out: row at was there */
	unsigned char	 at_mac[VAULT_MAC_BYTES];	/* out: its MAC */
	unsigned char	 last[VAULT_MAC_BYTES];		/* out: the last row's; zero for none */
};

int		 consent_chain_walk(struct shop *, struct consent_walk *, char **cause);

/*
 * For a key rotation: is the consent chain intact under the shop's key — its MACs and its head,
 * which is what a rotation MACs again (consent_verify also checks each record's columns against
 * its body, which no key changes)?  Returns the number of problems, or -1 and *cause.
 * consent_rechain then MACs the records and the head again under the (new) shop's key, inside
 * the caller's transaction; *count receives the number of records.
 */
int		 consent_chain_intact(struct shop *, char **cause);
int		 consent_rechain(struct shop *, long *count, char **cause);

#endif
