/*
 * catalog — what the shop asks about and offers: interests by category, contact channels with
 * their frequencies, consent purposes with their notices, and reward rules.
 *
 * It is read from <config>/catalog.ini beside the config, with long texts (the notice of each
 * purpose, the financial-incentive notice of a reward) in files under <assets>/notices/, one per
 * language.  Every label exists in every configured language.  The catalogue is validated as a
 * whole when it is loaded; a loaded catalogue is immutable and everything else refers to its
 * entries by index or by id.
 */
#ifndef PREFKIOSK_CATALOG_H
#define PREFKIOSK_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "contact.h"

#define CATALOG_DIGEST_BYTES	32	/* BLAKE2b-256 of a notice text */
#define CATALOG_MAX_FREQUENCIES	16	/* of a channel: the kiosk's screen numbers them in 16s */

/* A text in every configured language, indexed like config->languages. */
struct catalog_text {
	char	*lang[CONFIG_MAX_LANGS];
};

struct catalog_category {
	char			*id;
	struct catalog_text	 title;
};

struct catalog_interest {
	char			*id;
	size_t			 category;	/* index into categories */
	struct catalog_text	 title;
};

struct catalog_frequency {
	char			*id;		/* "weekly", "monthly", "important" */
	struct catalog_text	 title;
};

struct catalog_channel {
	char			*id;
	struct catalog_text	 title;
	enum contact_field	 needs;		/* the contact field this channel needs */
	size_t			*frequencies;	/* indices into frequencies */
	size_t			 nfrequencies;
};

/* A notice: the exact text shown for a purpose (or reward) in one language. */
struct catalog_notice {
	char		*text;
	unsigned char	 digest[CATALOG_DIGEST_BYTES];
};

struct catalog_purpose {
	char			*id;
	struct catalog_text	 title;
	struct catalog_text	 description;	/* plain language, one or two sentences */
	struct catalog_text	 benefit;	/* what the customer gets from it */
	char			**data;		/* personal-data categories, e.g. "email", "interests" */
	size_t			 ndata;
	char			*lawful_basis;	/* "consent" (GDPR 6(1)(a)), "explicit-consent" (9(2)(a)) */
	int			 retention_days;
	int			 validity_days;	/* consent asked again after this */
	char			**recipients;	/* third parties who receive the data */
	size_t			 nrecipients;
	bool			 sensitive;	/* special category: ask a second confirmation */
	bool			 third_party;
	struct catalog_notice	 notice[CONFIG_MAX_LANGS];	/* assets/notices/<id>.<lang>.txt */
};

enum catalog_reward_kind {
	CATALOG_REWARD_PERCENT,		/* value percent off */
	CATALOG_REWARD_AMOUNT,		/* value cents off */
	CATALOG_REWARD_ITEM,		/* one free item, named by title */
	CATALOG_REWARD_ACCESS,		/* early access, preview, exclusive content */
};

enum catalog_trigger {
	CATALOG_TRIGGER_WELCOME,	/* on enrolment */
	CATALOG_TRIGGER_COMPLETION,	/* share N interests in M categories */
	CATALOG_TRIGGER_STAMP,		/* every Nth visit */
	CATALOG_TRIGGER_FEEDBACK,	/* feedback given */
	CATALOG_TRIGGER_MANUAL,		/* granted by an admin */
};

struct catalog_reward {
	char			*id;
	int			 number;	/* 1..255, unique: carried in the reward code */
	struct catalog_text	 title;
	enum catalog_reward_kind kind;
	int			 value;		/* percent or cents; 0 for item and access */
	enum catalog_trigger	 trigger;
	int			 min_interests;	/* completion: interests to share */
	int			 min_categories;/* completion: in this many categories */
	int			 every;		/* stamp: every Nth visit */
	int			 validity_days;
	int			 limit;		/* per customer; 0 = no limit */
	bool			 has_incentive;	/* a financial-incentive notice is shown first */
	int			 data_value_cents; /* estimate of the value of the data shared */
	struct catalog_notice	 incentive[CONFIG_MAX_LANGS]; /* assets/notices/<id>.<lang>.txt */
};

struct catalog {
	const struct config		*config;	/* borrowed: languages */
	struct catalog_category		*categories;
	size_t				 ncategories;
	struct catalog_interest		*interests;
	size_t				 ninterests;
	struct catalog_frequency	*frequencies;
	size_t				 nfrequencies;
	struct catalog_channel		*channels;
	size_t				 nchannels;
	struct catalog_purpose		*purposes;
	size_t				 npurposes;
	struct catalog_reward		*rewards;
	size_t				 nrewards;
};

/*
 * Read and validate <config->dir>/catalog.ini and the notice files under config->assets_dir.
 * Returns NULL and sets *cause (caller frees) to "<file>:<line>: <what to fix>" on any error:
 * unknown section or key, duplicate id, a reference to an unknown id, a missing text or notice
 * in a configured language, a reward rule that depends on a consent purpose, an over-long line,
 * more interests, channels, purposes or rewards than a member's profile and the records have
 * room for (CUSTOMER_MAX_*, REWARD_MAX_RULES), more than CATALOG_MAX_FREQUENCIES for a channel.
 */
struct catalog	*catalog_load(const struct config *, char **cause);
void		 catalog_free(struct catalog *);

/* Look-ups by id; -1 when unknown. */
int	catalog_interest_find(const struct catalog *, const char *id);
int	catalog_channel_find(const struct catalog *, const char *id);
int	catalog_frequency_find(const struct catalog *, const char *id);
int	catalog_purpose_find(const struct catalog *, const char *id);
int	catalog_reward_find(const struct catalog *, const char *id);

/* The text in language index lang, falling back to the first language. */
const char	*catalog_text_get(const struct catalog_text *, int lang);

/* Names of enum values as they appear in the catalogue and in JSON. */
const char	*catalog_reward_kind_name(enum catalog_reward_kind);
const char	*catalog_trigger_name(enum catalog_trigger);

#endif
