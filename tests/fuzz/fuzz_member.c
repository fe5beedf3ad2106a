/*
 * fuzz_member — the member JSON of `enroll` and `import` (customer_enrolment_from_json), and
 * of `update` (customer_update_from_json), on any text.
 *
 * The store is made once in the scratch directory with the demo members of config/; each
 * input's enrolments go into it inside a transaction that is rolled back, so every input
 * meets the same store and nothing grows.  A PIN's Argon2id hash is made once at start-up and
 * given to every enrolment with a PIN: the hash is not under test, and it costs a tenth of a
 * second.
 *
 * Checked on every document, read as an enrolment (and as an import) and as an update:
 *   - a refusal has a reason, one line, that quotes none of the personal values given;
 *   - an accepted enrolment passes the enrolment check and holds normal forms (normalising
 *     them again changes nothing), a PIN of 4 to 12 digits or none, the method asked for;
 *   - written back as a document, it reads as the same enrolment;
 *   - in the store it enrols (or is refused because a card, phone or e-mail is a demo
 *     member's), reads back as the same profile, is found by its card, phone and e-mail, and
 *     its export holds every field it has;
 *   - an update changes the keys it names and keeps the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "customer.h"
#include "fuzz.h"
#include "shop.h"
#include "store.h"
#include "util.h"
#include "vault.h"

#define FUZZ_MEMBER_NOW	((time_t)1772366400)

static struct shop		*fuzz_member_shop;
static char			 fuzz_member_hash[VAULT_PIN_HASH_BYTES];
static struct customer_profile	*fuzz_member_base;	/* a demo member, for updates */

/* The demo members of config/, enrolled for good; the first is kept for updates. */
static void
fuzz_member_setup(void)
{
	struct customer_enrolment	*e;
	char				*path, *line = NULL, *cause = NULL;
	char				 uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	size_t				 cap = 0;
	json_t				*doc;
	FILE				*f;

	fuzz_member_shop = fuzz_shop_store();
	if (vault_pin_hash(fuzz_member_shop->vault, "0000", fuzz_member_hash) != 0)
		abort();
	path = util_xprintf("%s/config/demo-members.jsonl", FUZZ_SOURCE_DIR);
	if ((f = fopen(path, "r")) == NULL)
		fuzz_fail(__FILE__, __LINE__, "demo members", "%s", path);
	while (getline(&line, &cap, f) != -1) {
		e = customer_enrolment_new();
		if ((doc = json_loads(line, 0, NULL)) == NULL ||
		    customer_enrolment_from_json(fuzz_member_shop, doc, true, e, &cause) != 0 ||
		    customer_enroll(fuzz_member_shop, e, FUZZ_MEMBER_NOW, uid, receipt, &cause) != 0)
			fuzz_fail(__FILE__, __LINE__, "demo member", "%s", cause);
		if (fuzz_member_base == NULL &&
		    customer_load(fuzz_member_shop, uid, &fuzz_member_base, &cause) != 0)
			fuzz_fail(__FILE__, __LINE__, "demo member", "%s", cause);
		json_decref(doc);
		customer_enrolment_free(e);
	}
	free(line);
	fclose(f);
	free(path);
}

/* The personal values a document may hold. */
static const char *const fuzz_member_personal[] = { "name", "email", "phone", "card", "pin" };
#define FUZZ_MEMBER_NPERSONAL	(sizeof fuzz_member_personal / sizeof fuzz_member_personal[0])

/*
 * Does the reason quote the personal value of key?  Only what is surely personal is looked
 * for (a non-ASCII name, an e-mail address, a run of six digits or more), and only when the
 * rest of the document does not hold it too: a reason may quote an unknown key or id.
 */
static void
fuzz_member_private(const char *cause, json_t *doc, const char *others, const char *key)
{
	json_t		*v = json_object_get(doc, key);
	const char	*s, *run;
	char		 digits[32];
	size_t		 i, n;

	if (!json_is_string(v))
		return;
	s = json_string_value(v);
	if (strlen(s) >= 4 && strstr(others, s) == NULL) {
		for (i = 0; s[i] != '\0'; i++)
			if ((unsigned char)s[i] >= 0x80 || s[i] == '@')
				FUZZ_CHECK(strstr(cause, s) == NULL, "the reason quotes %s: %s", key,
				    cause);
	}
	for (run = s; *run != '\0'; run += n > 0 ? n : 1) {
		n = strspn(run, "0123456789");
		if (n < 6 || n >= sizeof digits)
			continue;
		memcpy(digits, run, n);
		digits[n] = '\0';
		if (strstr(others, digits) == NULL)
			FUZZ_CHECK(strstr(cause, digits) == NULL, "the reason quotes the digits of %s: "
			    "%s", key, cause);
	}
}

static void
fuzz_member_refusal(const char *cause, json_t *doc)
{
	json_t	*rest;
	char	*others;
	size_t	 i;

	fuzz_check_reason(cause);
	if (!json_is_object(doc))
		return;
	rest = json_deep_copy(doc);
	for (i = 0; i < FUZZ_MEMBER_NPERSONAL; i++)
		json_object_del(rest, fuzz_member_personal[i]);
	others = json_dumps(rest, JSON_COMPACT);
	for (i = 0; i < FUZZ_MEMBER_NPERSONAL; i++)
		fuzz_member_private(cause, doc, others != NULL ? others : "",
		    fuzz_member_personal[i]);
	free(others);
	json_decref(rest);
}

/* A contact field holds its own normal form, or nothing. */
static void
fuzz_member_normal(enum contact_field f, const char *value)
{
	char		 again[CONTACT_MAX + 1];
	const char	*why;

	if (*value == '\0')
		return;
	FUZZ_CHECK(strlen(value) <= CONTACT_MAX, "%s of %zu bytes", contact_field_name(f),
	    strlen(value));
	FUZZ_CHECK(contact_normalize(f, value, fuzz_member_shop->config->phone_country, again,
	    &why) == 0, "the %s held does not normalise: %s", contact_field_name(f), why);
	FUZZ_CHECK(strcmp(again, value) == 0, "the %s held is not its normal form",
	    contact_field_name(f));
}

static void
fuzz_member_profile_ok(const struct customer_profile *p)
{
	fuzz_member_normal(CONTACT_NAME, p->name);
	fuzz_member_normal(CONTACT_EMAIL, p->email);
	fuzz_member_normal(CONTACT_PHONE, p->phone);
	fuzz_member_normal(CONTACT_CARD, p->card);
	FUZZ_CHECK(config_language(fuzz_member_shop->config, p->language) >= 0, "language");
}

static int
fuzz_member_same(const struct customer_profile *a, const struct customer_profile *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->email, b->email) == 0 &&
	    strcmp(a->phone, b->phone) == 0 && strcmp(a->card, b->card) == 0 &&
	    strcmp(a->language, b->language) == 0 && strcmp(a->pin_hash, b->pin_hash) == 0 &&
	    memcmp(a->interests, b->interests, sizeof a->interests) == 0 &&
	    memcmp(a->channels, b->channels, sizeof a->channels) == 0;
}

/* The enrolment written back as a document, as a client would send it. */
static json_t *
fuzz_member_document(const struct customer_enrolment *e)
{
	const struct catalog	*cat = fuzz_member_shop->catalog;
	const struct customer_profile *p = e->profile;
	json_t			*doc = json_object(), *list, *map;
	size_t			 i;
	int			 f;

	json_object_set_new(doc, "language", json_string(p->language));
	if (*p->name != '\0')
		json_object_set_new(doc, "name", json_string(p->name));
	if (*p->email != '\0')
		json_object_set_new(doc, "email", json_string(p->email));
	if (*p->phone != '\0')
		json_object_set_new(doc, "phone", json_string(p->phone));
	if (*p->card != '\0')
		json_object_set_new(doc, "card", json_string(p->card));
	if (*e->pin != '\0')
		json_object_set_new(doc, "pin", json_string(e->pin));
	list = json_array();
	for (i = 0; i < cat->ninterests; i++)
		if (p->interests[i])
			json_array_append_new(list, json_string(cat->interests[i].id));
	json_object_set_new(doc, "interests", list);
	map = json_object();
	for (i = 0; i < cat->nchannels; i++) {
		if ((f = p->channels[i]) == CUSTOMER_NO_CHANNEL)
			continue;
		json_object_set_new(map, cat->channels[i].id, f >= 0 ?
		    json_string(cat->frequencies[f].id) : json_null());
	}
	json_object_set_new(doc, "channels", map);
	map = json_object();
	for (i = 0; i < cat->npurposes; i++)
		json_object_set_new(map, cat->purposes[i].id,
		    json_boolean(e->consents[i] == CONSENT_GIVEN));
	json_object_set_new(doc, "consents", map);
	list = json_array();
	for (i = 0; i < cat->nrewards && i < REWARD_MAX_RULES; i++)
		if (e->incentives[i])
			json_array_append_new(list, json_string(cat->rewards[i].id));
	json_object_set_new(doc, "incentives", list);
	json_object_set_new(doc, "method", json_string(consent_method_name(e->method)));
	if (*e->staff != '\0')
		json_object_set_new(doc, "staff", json_string(e->staff));
	return doc;
}

/* Written back and read again, an enrolment is the same. */
static void
fuzz_member_round_trip(const struct customer_enrolment *e, bool import)
{
	struct customer_enrolment	*again = customer_enrolment_new();
	json_t				*doc = fuzz_member_document(e);
	char				*cause = NULL;

	FUZZ_CHECK(customer_enrolment_from_json(fuzz_member_shop, doc, import, again, &cause) ==
	    CUSTOMER_OK, "written back, it is refused: %s", cause);
	FUZZ_CHECK(fuzz_member_same(e->profile, again->profile) &&
	    strcmp(e->pin, again->pin) == 0 && e->method == again->method &&
	    strcmp(e->staff, again->staff) == 0 &&
	    memcmp(e->consents, again->consents, sizeof e->consents) == 0 &&
	    memcmp(e->incentives, again->incentives, sizeof e->incentives) == 0,
	    "written back, it reads otherwise");
	json_decref(doc);
	customer_enrolment_free(again);
}

/* Is uid the member found by field f = value? */
static void
fuzz_member_found(enum contact_field f, const char *value, const char *uid)
{
	char	found[CUSTOMER_UID_LEN + 1], *cause = NULL;

	if (*value == '\0')
		return;
	FUZZ_CHECK(customer_find(fuzz_member_shop, f, value, found, &cause) == CUSTOMER_OK &&
	    strcmp(found, uid) == 0, "not found by %s: %s", contact_field_name(f),
	    cause != NULL ? cause : "another member");
}

/* The export of a member holds each field the profile has, and none it has not. */
static void
fuzz_member_exported(const struct customer_profile *p, const char *uid)
{
	json_t		*o, *profile;
	int		 result = 0;
	char		*cause = NULL;

	o = customer_export(fuzz_member_shop, uid, FUZZ_MEMBER_NOW, &result, &cause);
	FUZZ_CHECK(o != NULL, "no export (%d): %s", result, cause);
	profile = json_object_get(o, "profile");
	FUZZ_CHECK(json_is_string(json_object_get(profile, "name")) == (*p->name != '\0') &&
	    json_is_string(json_object_get(profile, "email")) == (*p->email != '\0') &&
	    json_is_string(json_object_get(profile, "phone")) == (*p->phone != '\0') &&
	    json_is_string(json_object_get(profile, "card")) && json_is_string(json_object_get(
	    profile, "language")), "the export does not hold what the profile has");
	json_decref(o);
}

/* Enrol in a transaction, read it back, roll it back. */
static void
fuzz_member_store(struct customer_enrolment *e, json_t *doc)
{
	struct shop		*s = fuzz_member_shop;
	struct consent_chain	 chain;
	struct customer_profile	*p = NULL;
	char			 uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	char			*cause = NULL;
	int			 rc;

	if (*e->pin != '\0')
		memcpy(e->profile->pin_hash, fuzz_member_hash, sizeof fuzz_member_hash);
	FUZZ_CHECK(store_begin(s->store, &cause) == 0, "%s", cause);
	consent_chain_begin(&chain);
	rc = customer_enroll_locked(s, &chain, e, FUZZ_MEMBER_NOW, uid, receipt, &cause);
	FUZZ_CHECK(rc == CUSTOMER_OK || rc == CUSTOMER_INVALID, "enrolment failed: %s", cause);
	if (rc == CUSTOMER_OK) {
		FUZZ_CHECK(e->method != CONSENT_IMPORT || e->rewards.n == 0, "an import earned");
		FUZZ_CHECK(customer_load(s, uid, &p, &cause) == CUSTOMER_OK, "%s", cause);
		FUZZ_CHECK(fuzz_member_same(p, e->profile), "the member reads back otherwise");
		fuzz_member_found(CONTACT_CARD, p->card, uid);
		fuzz_member_found(CONTACT_PHONE, p->phone, uid);
		fuzz_member_found(CONTACT_EMAIL, p->email, uid);
		fuzz_member_exported(p, uid);
		customer_profile_free(p);
	} else
		fuzz_member_refusal(cause, doc);
	free(cause);
	store_rollback(s->store);
}

/* The document as an enrolment (or an import line). */
static void
fuzz_member_enrol(json_t *doc, bool import)
{
	struct customer_enrolment	*e = customer_enrolment_new();
	char				*cause = NULL;
	size_t				 i, n;
	int				 rc;

	rc = customer_enrolment_from_json(fuzz_member_shop, doc, import, e, &cause);
	FUZZ_CHECK(rc == CUSTOMER_OK || rc == CUSTOMER_INVALID, "result %d", rc);
	if (rc != CUSTOMER_OK) {
		fuzz_member_refusal(cause, doc);
		goto out;
	}
	fuzz_member_profile_ok(e->profile);
	n = strlen(e->pin);
	FUZZ_CHECK(n == 0 || (n >= 4 && n <= CUSTOMER_PIN_MAX &&
	    strspn(e->pin, "0123456789") == n), "PIN of %zu", n);
	FUZZ_CHECK(import ? e->method == CONSENT_IMPORT : e->method != CONSENT_IMPORT ||
	    json_object_get(doc, "method") != NULL, "method %d", e->method);
	FUZZ_CHECK(e->method != CONSENT_ASSISTED || *e->staff != '\0', "assisted by nobody");
	for (i = 0; i < CUSTOMER_MAX_PURPOSES; i++)
		FUZZ_CHECK(e->consents[i] == CONSENT_GIVEN || e->consents[i] == CONSENT_REFUSED,
		    "purpose %zu is %d", i, e->consents[i]);
	fuzz_member_round_trip(e, import);
	fuzz_member_store(e, doc);
out:
	free(cause);
	customer_enrolment_free(e);
}

/* The document as a profile update of the first demo member. */
static void
fuzz_member_update(json_t *doc)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "name", offsetof(struct customer_profile, name) },
		{ "email", offsetof(struct customer_profile, email) },
		{ "phone", offsetof(struct customer_profile, phone) },
		{ "card", offsetof(struct customer_profile, card) },
		{ "language", offsetof(struct customer_profile, language) },
	};
	struct customer_enrolment	*e = customer_enrolment_new();
	const struct customer_profile	*base = fuzz_member_base;
	char				*cause = NULL;
	size_t				 i;
	int				 rc;

	memcpy(e->profile, base, sizeof *base);
	rc = customer_update_from_json(fuzz_member_shop, doc, e, &cause);
	FUZZ_CHECK(rc == CUSTOMER_OK || rc == CUSTOMER_INVALID, "result %d", rc);
	if (rc != CUSTOMER_OK) {
		fuzz_member_refusal(cause, doc);
		goto out;
	}
	fuzz_member_profile_ok(e->profile);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (json_object_get(doc, keys[i].key) == NULL)
			FUZZ_CHECK(strcmp((const char *)e->profile + keys[i].off,
			    (const char *)base + keys[i].off) == 0, "%s changed", keys[i].key);
	if (json_object_get(doc, "interests") == NULL)
		FUZZ_CHECK(memcmp(e->profile->interests, base->interests,
		    sizeof base->interests) == 0, "the interests changed");
	if (json_object_get(doc, "channels") == NULL)
		FUZZ_CHECK(memcmp(e->profile->channels, base->channels,
		    sizeof base->channels) == 0, "the channels changed");
	if (json_object_get(doc, "pin") == NULL)
		FUZZ_CHECK(strcmp(e->profile->pin_hash, base->pin_hash) == 0, "the PIN changed");
out:
	free(cause);
	customer_enrolment_free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t	 jerr;
	json_t		*doc;

	if (fuzz_member_shop == NULL)
		fuzz_member_setup();
	/* As enroll and import read it: duplicate keys are refused by the parser. */
	if ((doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return 0;
	fuzz_member_enrol(doc, false);
	fuzz_member_enrol(doc, true);
	fuzz_member_update(doc);
	json_decref(doc);
	return 0;
}
