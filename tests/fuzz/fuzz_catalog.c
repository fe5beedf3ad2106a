/*
 * fuzz_catalog — catalog.ini with any content, read by catalog_load through libinih.
 *
 * The catalogue is loaded under a config of its own in the scratch directory (languages en
 * and de, the checkout's assets for the notices), so that a small input can be a whole
 * catalogue.  A refusal is one line naming the catalogue or the notice file at fault.  A
 * catalogue that loads is whole: every id valid and found at its index, every reference
 * inside its array, every text and notice there in every configured language (a notice with
 * the digest of its text), reward numbers 1 to 255 and unique, and no more entries than the
 * rest of prefkiosk has room for.  Then it is used as the kiosk uses it: a new member's
 * journey choosing every interest, every channel and frequency and every purpose, up to the
 * enrolment, whose draft must pass the enrolment check; the member's data as printed lines;
 * the profile as JSON.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "catalog.h"
#include "config.h"
#include "customer.h"
#include "fuzz.h"
#include "journey.h"
#include "reward.h"
#include "shop.h"
#include "slip.h"
#include "util.h"

#define FUZZ_CATALOG_CONFIG						\
	"[store]\n"							\
	"name = Fuzz\n"							\
	"controller = Fuzz Ltd\n"					\
	"controller_contact = privacy@fuzz.example\n"			\
	"jurisdiction = EU-DE\n"					\
	"[terminal]\n"							\
	"id = 1\n"							\
	"[locale]\n"							\
	"languages = en de\n"						\
	"[paths]\n"							\
	"assets = ../assets\n"

static struct config	*fuzz_catalog_config;
static char		*fuzz_catalog_path, *fuzz_catalog_notices;

static void
fuzz_catalog_setup(void)
{
	char	*dir = fuzz_path("catalog"), *ini, *cause = NULL;

	if (mkdir(dir, 0700) != 0)
		abort();
	ini = fuzz_path("catalog/prefkiosk.ini");
	fuzz_write(ini, FUZZ_CATALOG_CONFIG, strlen(FUZZ_CATALOG_CONFIG));
	if ((fuzz_catalog_config = config_load(dir, &cause)) == NULL)
		fuzz_fail(__FILE__, __LINE__, "config", "%s", cause);
	fuzz_catalog_path = fuzz_path("catalog/catalog.ini");
	fuzz_catalog_notices = util_xprintf("%s/notices/", fuzz_catalog_config->assets_dir);
	free(ini);
	free(dir);
}

/* A text in every configured language. */
static void
fuzz_catalog_text(const struct catalog_text *t, const char *what, const char *id)
{
	int	l;

	for (l = 0; l < fuzz_catalog_config->nlanguages; l++)
		FUZZ_CHECK(t->lang[l] != NULL && *t->lang[l] != '\0', "%s of %s in %s", what, id,
		    fuzz_catalog_config->languages[l]);
}

/* A notice in every configured language, its digest that of its text. */
static void
fuzz_catalog_notice(const struct catalog_notice *n, const char *id)
{
	unsigned char	digest[CATALOG_DIGEST_BYTES];
	int		l;

	for (l = 0; l < fuzz_catalog_config->nlanguages; l++) {
		FUZZ_CHECK(n[l].text != NULL && *n[l].text != '\0', "notice of %s", id);
		crypto_generichash(digest, sizeof digest, (const unsigned char *)n[l].text,
		    strlen(n[l].text), NULL, 0);
		FUZZ_CHECK(memcmp(digest, n[l].digest, sizeof digest) == 0, "digest of %s", id);
	}
}

/* An id as catalog.h's look-ups and the records expect it. */
static void
fuzz_catalog_id(const char *id, int found, size_t at)
{
	FUZZ_CHECK(id != NULL && *id != '\0' && strlen(id) <= 32 &&
	    strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(id) &&
	    *id != '_' && *id != '-', "id '%s'", id != NULL ? id : "(null)");
	FUZZ_CHECK(found == (int)at, "%s is found at %d, not %zu", id, found, at);
}

static void
fuzz_catalog_check(const struct catalog *cat)
{
	size_t	i, k;

	FUZZ_CHECK(cat->ninterests >= 1 && cat->nchannels >= 1 && cat->npurposes >= 1,
	    "%zu interests, %zu channels, %zu purposes", cat->ninterests, cat->nchannels,
	    cat->npurposes);
	/* What the profile, the consent chain and the reward rules have room for. */
	FUZZ_CHECK(cat->ninterests <= CUSTOMER_MAX_INTERESTS, "%zu interests", cat->ninterests);
	FUZZ_CHECK(cat->nchannels <= CUSTOMER_MAX_CHANNELS, "%zu channels", cat->nchannels);
	FUZZ_CHECK(cat->npurposes <= CUSTOMER_MAX_PURPOSES, "%zu purposes", cat->npurposes);
	FUZZ_CHECK(cat->nrewards <= REWARD_MAX_RULES, "%zu rewards", cat->nrewards);

	for (i = 0; i < cat->ncategories; i++)
		fuzz_catalog_text(&cat->categories[i].title, "title", cat->categories[i].id);
	for (i = 0; i < cat->ninterests; i++) {
		fuzz_catalog_id(cat->interests[i].id,
		    catalog_interest_find(cat, cat->interests[i].id), i);
		FUZZ_CHECK(cat->interests[i].category < cat->ncategories, "category of %s",
		    cat->interests[i].id);
		fuzz_catalog_text(&cat->interests[i].title, "title", cat->interests[i].id);
	}
	for (i = 0; i < cat->nfrequencies; i++) {
		fuzz_catalog_id(cat->frequencies[i].id,
		    catalog_frequency_find(cat, cat->frequencies[i].id), i);
		fuzz_catalog_text(&cat->frequencies[i].title, "title", cat->frequencies[i].id);
	}
	for (i = 0; i < cat->nchannels; i++) {
		const struct catalog_channel *c = &cat->channels[i];
		fuzz_catalog_id(c->id, catalog_channel_find(cat, c->id), i);
		fuzz_catalog_text(&c->title, "title", c->id);
		FUZZ_CHECK(c->needs == CONTACT_NONE || c->needs == CONTACT_EMAIL ||
		    c->needs == CONTACT_PHONE, "%s needs %d", c->id, c->needs);
		for (k = 0; k < c->nfrequencies; k++)
			FUZZ_CHECK(c->frequencies[k] < cat->nfrequencies, "frequency of %s", c->id);
	}
	for (i = 0; i < cat->npurposes; i++) {
		const struct catalog_purpose *p = &cat->purposes[i];
		fuzz_catalog_id(p->id, catalog_purpose_find(cat, p->id), i);
		fuzz_catalog_text(&p->title, "title", p->id);
		fuzz_catalog_text(&p->description, "description", p->id);
		fuzz_catalog_text(&p->benefit, "benefit", p->id);
		fuzz_catalog_notice(p->notice, p->id);
		FUZZ_CHECK(strcmp(p->lawful_basis, "consent") == 0 ||
		    strcmp(p->lawful_basis, "explicit-consent") == 0, "basis of %s", p->id);
		FUZZ_CHECK(!p->sensitive || strcmp(p->lawful_basis, "explicit-consent") == 0,
		    "%s is sensitive on consent alone", p->id);
		FUZZ_CHECK(!p->third_party || p->nrecipients > 0, "%s names no third party", p->id);
		FUZZ_CHECK(p->validity_days > 0, "validity of %s", p->id);
	}
	for (i = 0; i < cat->nrewards; i++) {
		const struct catalog_reward *r = &cat->rewards[i];
		fuzz_catalog_id(r->id, catalog_reward_find(cat, r->id), i);
		fuzz_catalog_text(&r->title, "title", r->id);
		FUZZ_CHECK(r->number >= 1 && r->number <= 255, "number of %s", r->id);
		for (k = 0; k < i; k++)
			FUZZ_CHECK(cat->rewards[k].number != r->number, "number %d twice", r->number);
		FUZZ_CHECK(catalog_reward_kind_name(r->kind) != NULL &&
		    catalog_trigger_name(r->trigger) != NULL, "kind or trigger of %s", r->id);
		FUZZ_CHECK(catalog_purpose_find(cat, r->id) < 0, "%s is also a purpose", r->id);
		if (r->has_incentive)
			fuzz_catalog_notice(r->incentive, r->id);
	}
}

/* One event to the journey; the clock moves a second. */
static unsigned
fuzz_catalog_send(struct journey *j, enum journey_event_type type, int arg, time_t *now)
{
	struct journey_event	ev = { type, arg, NULL, ++*now };

	return journey_handle(j, &ev);
}

static void
fuzz_catalog_type(struct journey *j, const char *text, time_t *now)
{
	for (; *text != '\0'; text++)
		fuzz_catalog_send(j, JOURNEY_EV_CHAR, (unsigned char)*text, now);
}

/*
 * A new member who wants everything: every interest, every channel at each of its frequencies
 * in turn, the contact fields they need, yes to every purpose, yes to an incentive, a new card
 * and no PIN.  Returns the effects of the last step, which must be the enrolment.
 */
static unsigned
fuzz_catalog_journey(struct journey *j, const struct catalog *cat)
{
	time_t		now = j->last_activity;
	unsigned	effects = 0;
	size_t		i, k;
	int		guard;

	fuzz_catalog_send(j, JOURNEY_EV_START, 0, &now);
	fuzz_catalog_send(j, JOURNEY_EV_NEXT, 0, &now);
	FUZZ_CHECK(j->step == JOURNEY_INTERESTS, "on %s", journey_step_name(j->step));
	for (i = 0; i < cat->ninterests; i++)
		fuzz_catalog_send(j, JOURNEY_EV_TOGGLE, (int)i, &now);
	fuzz_catalog_send(j, JOURNEY_EV_NEXT, 0, &now);
	for (i = 0; i < cat->nchannels; i++) {
		fuzz_catalog_send(j, JOURNEY_EV_TOGGLE, (int)i, &now);
		for (k = 0; k < cat->channels[i].nfrequencies && k < 16; k++)
			fuzz_catalog_send(j, JOURNEY_EV_CHOOSE, (int)(i * 16 + k), &now);
	}
	fuzz_catalog_send(j, JOURNEY_EV_NEXT, 0, &now);
	if (j->step == JOURNEY_CONTACT) {
		if (journey_needed_fields(j) & (1u << JOURNEY_FIELD_EMAIL)) {
			fuzz_catalog_send(j, JOURNEY_EV_FIELD, JOURNEY_FIELD_EMAIL, &now);
			fuzz_catalog_type(j, "mia@example.org", &now);
		}
		if (journey_needed_fields(j) & (1u << JOURNEY_FIELD_PHONE)) {
			fuzz_catalog_send(j, JOURNEY_EV_FIELD, JOURNEY_FIELD_PHONE, &now);
			fuzz_catalog_type(j, "+49 170 1234567", &now);
		}
		fuzz_catalog_send(j, JOURNEY_EV_NEXT, 0, &now);
	}
	for (guard = 0; j->step == JOURNEY_CONSENT || j->step == JOURNEY_SENSITIVE; guard++) {
		FUZZ_CHECK(guard < 3 * CUSTOMER_MAX_PURPOSES, "the consents never end");
		fuzz_catalog_send(j, JOURNEY_EV_YES, 0, &now);
	}
	if (j->step == JOURNEY_INCENTIVE)
		fuzz_catalog_send(j, JOURNEY_EV_YES, 0, &now);
	FUZZ_CHECK(j->step == JOURNEY_REVIEW, "on %s after the consents",
	    journey_step_name(j->step));
	fuzz_catalog_send(j, JOURNEY_EV_NEXT, 0, &now);
	fuzz_catalog_send(j, JOURNEY_EV_CHOOSE, 0, &now);	/* a new card */
	FUZZ_CHECK(j->step == JOURNEY_PIN, "on %s", journey_step_name(j->step));
	effects = fuzz_catalog_send(j, JOURNEY_EV_NO, 0, &now);	/* no PIN */
	return effects;
}

/* The catalogue in use: the journey, the member's data on paper, the profile as JSON. */
static void
fuzz_catalog_use(const struct catalog *cat)
{
	struct shop		 s;
	struct journey		*j;
	char			(*lines)[SLIP_LINE_MAX], *cause = NULL;
	json_t			*o;
	size_t			 n, i;
	int			 l;

	memset(&s, 0, sizeof s);
	s.config = fuzz_catalog_config;
	s.catalog = (struct catalog *)cat;
	j = journey_new(&s, 1772366400);
	FUZZ_CHECK(fuzz_catalog_journey(j, cat) & JOURNEY_ENROLL, "no enrolment at the end");
	FUZZ_CHECK(customer_enrolment_check(&s, j->draft, &cause) == CUSTOMER_OK,
	    "the kiosk's draft is refused: %s", cause);
	for (i = 0; i < cat->npurposes; i++)
		FUZZ_CHECK(j->draft->consents[i] == CONSENT_GIVEN, "purpose %zu not given", i);

	lines = util_xcalloc(SLIP_MAX_LINES, SLIP_LINE_MAX);
	for (l = 0; l < fuzz_catalog_config->nlanguages; l++) {
		n = slip_member_lines(&s, j->draft->profile, j->draft->consents, 0, l, lines);
		FUZZ_CHECK(n <= SLIP_MAX_LINES, "%zu lines", n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(memchr(lines[i], '\0', SLIP_LINE_MAX) != NULL, "line %zu", i);
	}
	free(lines);
	o = customer_profile_json(&s, j->draft->profile);
	FUZZ_CHECK(json_array_size(json_object_get(o, "interests")) == cat->ninterests,
	    "the profile's JSON lists %zu interests", json_array_size(json_object_get(o,
	    "interests")));
	json_decref(o);
	journey_free(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog	*cat;
	char		*cause = NULL;

	if (fuzz_catalog_config == NULL)
		fuzz_catalog_setup();
	fuzz_write(fuzz_catalog_path, data, size);
	if ((cat = catalog_load(fuzz_catalog_config, &cause)) == NULL) {
		fuzz_check_reason(cause);
		FUZZ_CHECK((strncmp(cause, fuzz_catalog_path, strlen(fuzz_catalog_path)) == 0 &&
		    cause[strlen(fuzz_catalog_path)] == ':') ||
		    strncmp(cause, fuzz_catalog_notices, strlen(fuzz_catalog_notices)) == 0,
		    "the reason does not name the file: %s", cause);
			free(cause);
		return 0;
	}
	fuzz_catalog_check(cat);
	fuzz_catalog_use(cat);
	catalog_free(cat);
	return 0;
}
