/*
 * test_catalog — catalog.ini and the notice files: the shipped demo catalogue, the translated
 * texts and the languages a terminal offers, the notices and their digests, and every way a
 * catalogue is refused, each named with the file and the line to fix.
 *
 * The broken catalogues are written into a scratch config directory: a small valid catalogue
 * in English and German (TEST_CATALOG_BASE, one purpose "offers" with its two notices) with the
 * sections under test appended, so the line of each error is known exactly.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "catalog.h"
#include "customer.h"
#include "helpers.h"

#define TEST_CATALOG_BASE						\
	"[category drinks]\n"						\
	"title = Drinks\n"						\
	"title.de = Getränke\n"						\
	"\n"								\
	"[interest tea]\n"						\
	"category = drinks\n"						\
	"title = Tea\n"							\
	"title.de = Tee\n"						\
	"\n"								\
	"[frequency monthly]\n"						\
	"title = Monthly\n"						\
	"title.de = Monatlich\n"					\
	"\n"								\
	"[channel email]\n"						\
	"title = E-mail\n"						\
	"title.de = E-Mail\n"						\
	"needs = email\n"						\
	"frequencies = monthly\n"					\
	"\n"								\
	"[purpose offers]\n"						\
	"title = Offers\n"						\
	"title.de = Angebote\n"						\
	"description = We pick offers from your interests.\n"		\
	"description.de = Wir wählen Angebote nach Ihren Interessen.\n"	\
	"benefit = Better offers.\n"					\
	"benefit.de = Bessere Angebote.\n"				\
	"data = interests\n"						\
	"lawful_basis = consent\n"					\
	"retention_days = 365\n"
#define TEST_CATALOG_BASE_LINES	29

#define TEST_CATALOG_NOTICE_EN	"Offers\n\nWe use your interests; write to privacy@test.example.\n"
#define TEST_CATALOG_NOTICE_DE	"Angebote\n\nWir nutzen Ihre Interessen.\n"

/* A scratch config directory with its own assets. */
struct test_catalog {
	char		*dir;
	char		*notices;	/* dir/notices */
	struct config	*config;
};

/* Write a notice file (name like "offers.en.txt"). */
static void
test_catalog_notice(const struct test_catalog *t, const char *name, const char *text)
{
	char	*path = helpers_path(t->notices, name);

	helpers_write(path, text);
	free(path);
}

/*
 * A scratch directory: prefkiosk.ini with these languages, [retention] lines and assets
 * directory (NULL: the scratch directory itself), the catalogue, and the notices of "offers".
 */
static void
test_catalog_setup(struct test_catalog *t, const char *languages, const char *retention,
    const char *assets, const char *catalog)
{
	char	 ini[1024], *path, *cause = NULL;

	cr_assert_eq(sodium_init() >= 0, 1);
	t->dir = helpers_tmpdir();
	t->notices = helpers_path(t->dir, "notices");
	cr_assert_eq(mkdir(t->notices, 0755), 0);
	snprintf(ini, sizeof ini, "[store]\nname = Test Shop\ncontroller = Test Shop GmbH\n"
	    "controller_contact = privacy@test.example\njurisdiction = EU-DE\n"
	    "[terminal]\nid = 3\n[locale]\nlanguages = %s\n[retention]\n%s\n[paths]\nassets = %s\n",
	    languages, retention, assets != NULL ? assets : ".");
	path = helpers_path(t->dir, "prefkiosk.ini");
	helpers_write(path, ini);
	free(path);
	path = helpers_path(t->dir, "catalog.ini");
	helpers_write(path, catalog);
	free(path);
	test_catalog_notice(t, "offers.en.txt", TEST_CATALOG_NOTICE_EN);
	test_catalog_notice(t, "offers.de.txt", TEST_CATALOG_NOTICE_DE);
	t->config = config_load(t->dir, &cause);
	cr_assert_not_null(t->config, "%s", cause);
}

/* Remove the scratch directory. */
static void
test_catalog_teardown(struct test_catalog *t)
{
	config_free(t->config);
	helpers_rmdir(t->notices);
	helpers_rmdir(t->dir);
	free(t->notices);
	free(t->dir);
}

/* The base catalogue with more appended (caller frees). */
static char *
test_catalog_with(const char *more)
{
	char	*text = malloc(strlen(TEST_CATALOG_BASE) + strlen(more) + 1);

	cr_assert_not_null(text);
	strcpy(text, TEST_CATALOG_BASE);
	strcat(text, more);
	return text;
}

/* Read a whole file of the checkout (caller frees). */
static char *
test_catalog_slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 size;

	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	cr_assert_geq(size, 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)size;
	return buf;
}

/*
 * Expect the base catalogue plus more to be refused with a cause starting "<file>:<line>: "
 * (file: "catalog.ini", or a notice under notices/; line counted from more's first line, 0 for
 * none) and containing what.
 */
static void
test_catalog_refused(const char *more, const char *file, int line, const char *what)
{
	struct test_catalog	 t;
	struct catalog		*cat;
	char			*text = test_catalog_with(more), *cause = NULL, want[1024];

	test_catalog_setup(&t, "en de", "", NULL, text);
	cat = catalog_load(t.config, &cause);
	cr_assert_null(cat, "expected a refusal mentioning \"%s\"", what);
	catalog_free(cat);
	cr_assert_not_null(cause, "a refusal without a cause");
	if (line > 0)
		snprintf(want, sizeof want, "%s/%s:%d: ", t.dir, file,
		    TEST_CATALOG_BASE_LINES + line);
	else
		snprintf(want, sizeof want, "%s/%s: ", t.dir, file);
	cr_assert_eq(strncmp(cause, want, strlen(want)), 0, "cause \"%s\" does not start with "
	    "\"%s\"", cause, want);
	cr_assert_not_null(strstr(cause, what), "cause \"%s\" does not say \"%s\"", cause, what);
	cr_assert_null(strchr(cause, '\n'), "a cause is one line: \"%s\"", cause);
	free(cause);
	free(text);
	test_catalog_teardown(&t);
}

/* Load the checkout's config and catalogue. */
static struct catalog *
test_catalog_shipped(struct config **config)
{
	char		*cause = NULL;
	struct catalog	*cat;

	*config = config_load(HELPERS_CONFIG_DIR, &cause);
	cr_assert_not_null(*config, "%s", cause);
	cat = catalog_load(*config, &cause);
	cr_assert_not_null(cat, "%s", cause);
	return cat;
}

Test(catalog, the_shipped_catalogue_loads_with_its_interests_channels_and_purposes)
{
	static const char *const purposes[] = { "personalised_offers", "email_marketing",
	    "sms_marketing", "aggregated_insights", "partner_sharing", "dietary_preferences" };
	struct config		*config;
	struct catalog		*cat = test_catalog_shipped(&config);
	int			 i, email, sms, in_store;

	cr_assert_eq(cat->config, config);
	cr_assert_eq(cat->ncategories, 5);
	cr_assert_eq(cat->ninterests, 20);
	cr_assert_eq(cat->nfrequencies, 3);
	cr_assert_eq(cat->nchannels, 3);
	cr_assert_eq(cat->npurposes, 6);
	cr_assert_eq(cat->nrewards, 5);
	for (i = 0; i < 6; i++)
		cr_assert_eq(catalog_purpose_find(cat, purposes[i]), i, "%s", purposes[i]);

	i = catalog_interest_find(cat, "espresso");
	cr_assert_geq(i, 0);
	cr_assert_str_eq(cat->categories[cat->interests[i].category].id, "coffee");
	cr_assert_geq(catalog_interest_find(cat, "pastries"), 0);
	cr_assert_geq(catalog_frequency_find(cat, "important"), 0);

	email = catalog_channel_find(cat, "email");
	sms = catalog_channel_find(cat, "sms");
	in_store = catalog_channel_find(cat, "in_store");
	cr_assert(email >= 0 && sms >= 0 && in_store >= 0);
	cr_assert_eq(cat->channels[email].needs, CONTACT_EMAIL);
	cr_assert_eq(cat->channels[email].nfrequencies, 3);
	cr_assert_eq(cat->channels[sms].needs, CONTACT_PHONE);
	cr_assert_eq(cat->channels[sms].nfrequencies, 2);
	cr_assert_str_eq(cat->frequencies[cat->channels[sms].frequencies[0]].id, "monthly");
	cr_assert_str_eq(cat->frequencies[cat->channels[sms].frequencies[1]].id, "important");
	cr_assert_eq(cat->channels[in_store].needs, CONTACT_NONE);
	cr_assert_eq(cat->channels[in_store].nfrequencies, 0);
	cr_assert_str_eq(catalog_text_get(&cat->channels[in_store].title, 0),
	    "Only when I visit: offers on this screen and at the till");
	catalog_free(cat);
	config_free(config);
}

Test(catalog, every_shipped_text_exists_in_all_four_languages)
{
	struct config	*config;
	struct catalog	*cat = test_catalog_shipped(&config);
	size_t		 i;
	int		 l;

	for (l = 0; l < 4; l++) {
		for (i = 0; i < cat->ninterests; i++)
			cr_assert_not_null(cat->interests[i].title.lang[l]);
		for (i = 0; i < cat->npurposes; i++) {
			cr_assert_not_null(cat->purposes[i].title.lang[l]);
			cr_assert_not_null(cat->purposes[i].description.lang[l]);
			cr_assert_not_null(cat->purposes[i].benefit.lang[l]);
		}
		for (i = 0; i < cat->nrewards; i++)
			cr_assert_not_null(cat->rewards[i].title.lang[l]);
	}
	cr_assert_str_eq(catalog_text_get(&cat->purposes[0].title, 1), "Persönliche Angebote");
	cr_assert_str_eq(catalog_text_get(&cat->purposes[0].title, 2), "Offres personnalisées");
	cr_assert_str_eq(catalog_text_get(&cat->purposes[0].title, 3), "Ofertas personalizadas");
	cr_assert_str_eq(catalog_text_get(&cat->purposes[0].title, 7), "Personalised offers",
	    "a language without a text falls back to the first");
	cr_assert_str_eq(catalog_text_get(&cat->purposes[0].title, -1), "Personalised offers");
	catalog_free(cat);
	config_free(config);
}

Test(catalog, every_purpose_has_a_notice_in_every_language_with_the_digest_of_its_bytes)
{
	static const unsigned char	 zero[CATALOG_DIGEST_BYTES];
	unsigned char			 digest[CATALOG_DIGEST_BYTES];
	struct config			*config;
	struct catalog			*cat = test_catalog_shipped(&config);
	const struct catalog_notice	*n;
	char				 path[512], *bytes;
	size_t				 i, len;
	int				 l;

	cr_assert_eq(sodium_init() >= 0, 1);
	for (i = 0; i < cat->npurposes; i++) {
		for (l = 0; l < config->nlanguages; l++) {
			n = &cat->purposes[i].notice[l];
			cr_assert_not_null(n->text, "%s.%s", cat->purposes[i].id,
			    config->languages[l]);
			cr_assert_neq(memcmp(n->digest, zero, sizeof zero), 0);
			snprintf(path, sizeof path, "assets/notices/%s.%s.txt", cat->purposes[i].id,
			    config->languages[l]);
			bytes = test_catalog_slurp(path, &len);
			cr_assert_str_eq(n->text, bytes, "%s: the exact bytes of the file", path);
			crypto_generichash(digest, sizeof digest, (unsigned char *)bytes, len,
			    NULL, 0);
			cr_assert_eq(memcmp(n->digest, digest, sizeof digest), 0, "%s", path);
			cr_assert_not_null(strstr(n->text, config->controller_contact),
			    "%s tells how to withdraw", path);
			free(bytes);
		}
		for (l = config->nlanguages; l < CONFIG_MAX_LANGS; l++)
			cr_assert_null(cat->purposes[i].notice[l].text);
	}
	cr_assert_neq(memcmp(cat->purposes[0].notice[0].digest, cat->purposes[0].notice[1].digest,
	    CATALOG_DIGEST_BYTES), 0, "different texts, different digests");
	catalog_free(cat);
	config_free(config);
}

Test(catalog, the_shipped_purposes_declare_sensitivity_third_parties_and_validity)
{
	struct config			*config;
	struct catalog			*cat = test_catalog_shipped(&config);
	const struct catalog_purpose	*p;

	p = &cat->purposes[catalog_purpose_find(cat, "dietary_preferences")];
	cr_assert(p->sensitive);
	cr_assert_str_eq(p->lawful_basis, "explicit-consent");
	cr_assert(!p->third_party);

	p = &cat->purposes[catalog_purpose_find(cat, "partner_sharing")];
	cr_assert(p->third_party);
	cr_assert_eq(p->nrecipients, 1);
	cr_assert_str_eq(p->recipients[0], "Kaffeerösterei Nord GmbH (roastery partner)");

	p = &cat->purposes[catalog_purpose_find(cat, "email_marketing")];
	cr_assert(!p->sensitive && !p->third_party);
	cr_assert_eq(p->nrecipients, 0);
	cr_assert_str_eq(p->lawful_basis, "consent");
	cr_assert_eq(p->ndata, 2);
	cr_assert_str_eq(p->data[0], "email");
	cr_assert_str_eq(p->data[1], "interests");
	cr_assert_eq(p->retention_days, 730);
	cr_assert_eq(p->validity_days, 365);
	catalog_free(cat);
	config_free(config);
}

Test(catalog, the_shipped_rewards_have_their_rules_and_only_the_profile_one_an_incentive)
{
	struct config			*config;
	struct catalog			*cat = test_catalog_shipped(&config);
	const struct catalog_reward	*r;
	size_t				 i;
	int				 l;

	r = &cat->rewards[catalog_reward_find(cat, "welcome")];
	cr_assert_eq(r->kind, CATALOG_REWARD_PERCENT);
	cr_assert_eq(r->value, 10);
	cr_assert_eq(r->trigger, CATALOG_TRIGGER_WELCOME);
	cr_assert_eq(r->validity_days, 30);
	cr_assert_eq(r->limit, 1);

	r = &cat->rewards[catalog_reward_find(cat, "complete_profile")];
	cr_assert_eq(r->kind, CATALOG_REWARD_ITEM);
	cr_assert_eq(r->trigger, CATALOG_TRIGGER_COMPLETION);
	cr_assert_eq(r->min_interests, 3);
	cr_assert_eq(r->min_categories, 2);
	cr_assert(r->has_incentive);
	cr_assert_eq(r->data_value_cents, 250);
	for (l = 0; l < config->nlanguages; l++) {
		cr_assert_not_null(r->incentive[l].text);
		cr_assert(strstr(r->incentive[l].text, "2.50 EUR") != NULL ||
		    strstr(r->incentive[l].text, "2,50 EUR") != NULL,
		    "states the value of the data");
	}

	r = &cat->rewards[catalog_reward_find(cat, "stamp_card")];
	cr_assert_eq(r->trigger, CATALOG_TRIGGER_STAMP);
	cr_assert_eq(r->every, 5);
	cr_assert_eq(r->validity_days, 60);
	cr_assert_eq(r->limit, 0);

	r = &cat->rewards[catalog_reward_find(cat, "feedback")];
	cr_assert_eq(r->kind, CATALOG_REWARD_AMOUNT);
	cr_assert_eq(r->value, 100);
	cr_assert_eq(r->trigger, CATALOG_TRIGGER_FEEDBACK);

	r = &cat->rewards[catalog_reward_find(cat, "early_access")];
	cr_assert_eq(r->kind, CATALOG_REWARD_ACCESS);
	cr_assert_eq(r->trigger, CATALOG_TRIGGER_MANUAL);
	cr_assert_eq(r->validity_days, 14);

	for (i = 0; i < cat->nrewards; i++) {
		if (strcmp(cat->rewards[i].id, "complete_profile") == 0)
			continue;
		cr_assert(!cat->rewards[i].has_incentive, "%s", cat->rewards[i].id);
		cr_assert_null(cat->rewards[i].incentive[0].text);
	}
	catalog_free(cat);
	config_free(config);
}

Test(catalog, look_ups_by_id_and_names_of_kinds_and_triggers)
{
	struct config	*config;
	struct catalog	*cat = test_catalog_shipped(&config);

	cr_assert_eq(catalog_interest_find(cat, "caviar"), -1);
	cr_assert_eq(catalog_interest_find(cat, NULL), -1);
	cr_assert_eq(catalog_channel_find(cat, "pigeon"), -1);
	cr_assert_eq(catalog_frequency_find(cat, "hourly"), -1);
	cr_assert_eq(catalog_purpose_find(cat, "mind_reading"), -1);
	cr_assert_eq(catalog_reward_find(cat, "jackpot"), -1);
	cr_assert_eq(catalog_purpose_find(cat, "espresso"), -1, "ids are per kind");
	cr_assert_str_eq(catalog_reward_kind_name(CATALOG_REWARD_PERCENT), "percent");
	cr_assert_str_eq(catalog_reward_kind_name(CATALOG_REWARD_ACCESS), "access");
	cr_assert_str_eq(catalog_trigger_name(CATALOG_TRIGGER_COMPLETION), "completion");
	cr_assert_str_eq(catalog_trigger_name(CATALOG_TRIGGER_MANUAL), "manual");
	cr_assert_str_eq(catalog_trigger_name((enum catalog_trigger)99), "unknown");
	catalog_free(cat);
	config_free(config);
	catalog_free(NULL);	/* destructors accept NULL */
}

Test(catalog, a_terminal_with_fewer_languages_ignores_the_other_translations)
{
	struct test_catalog	 t;
	struct catalog		*cat;
	char			*shipped = test_catalog_slurp("config/catalog.ini", NULL);
	char			*cause = NULL, assets[4096];
	int			 i;

	/* German first, English second; French and Spanish are not offered. */
	cr_assert_not_null(realpath("assets", assets));
	test_catalog_setup(&t, "de en", "", assets, shipped);
	cat = catalog_load(t.config, &cause);
	cr_assert_not_null(cat, "%s", cause);
	cr_assert_eq(cat->npurposes, 6);
	cr_assert_eq(cat->ninterests, 20);
	i = catalog_purpose_find(cat, "personalised_offers");
	cr_assert_str_eq(catalog_text_get(&cat->purposes[i].title, 0), "Persönliche Angebote");
	cr_assert_str_eq(catalog_text_get(&cat->purposes[i].title, 1), "Personalised offers");
	cr_assert_null(cat->purposes[i].title.lang[2], "French is not kept");
	cr_assert_not_null(strstr(cat->purposes[i].notice[0].text, "Einwilligung"));
	cr_assert_null(cat->purposes[i].notice[2].text);
	catalog_free(cat);
	free(shipped);
	test_catalog_teardown(&t);
}

Test(catalog, a_small_catalogue_loads_and_defaults_its_validity_from_the_config)
{
	struct test_catalog	 t;
	struct catalog		*cat;
	char			*cause = NULL;
	unsigned char		 digest[CATALOG_DIGEST_BYTES];

	test_catalog_setup(&t, "en de", "consent_validity_days = 200", NULL, TEST_CATALOG_BASE
	    "title.it = Offerte\n");
	cat = catalog_load(t.config, &cause);
	cr_assert_not_null(cat, "%s", cause);
	cr_assert_eq(cat->npurposes, 1);
	cr_assert_eq(cat->purposes[0].validity_days, 200);
	cr_assert_eq(cat->purposes[0].retention_days, 365);
	cr_assert(!cat->purposes[0].sensitive && !cat->purposes[0].third_party);
	cr_assert_eq(cat->nrewards, 0, "rewards are optional");
	cr_assert_str_eq(cat->purposes[0].notice[0].text, TEST_CATALOG_NOTICE_EN);
	cr_assert_str_eq(cat->purposes[0].notice[1].text, TEST_CATALOG_NOTICE_DE);
	crypto_generichash(digest, sizeof digest, (const unsigned char *)TEST_CATALOG_NOTICE_DE,
	    strlen(TEST_CATALOG_NOTICE_DE), NULL, 0);
	cr_assert_eq(memcmp(cat->purposes[0].notice[1].digest, digest, sizeof digest), 0);
	cr_assert_str_eq(cat->purposes[0].description.lang[1],
	    "Wir wählen Angebote nach Ihren Interessen.");
	catalog_free(cat);
	test_catalog_teardown(&t);
}

Test(catalog, the_catalog_section_names_the_language_of_unsuffixed_texts)
{
	struct test_catalog	 t;
	struct catalog		*cat;
	char			*cause = NULL;

	test_catalog_setup(&t, "en de", "", NULL, "[catalog]\nlanguage = de\n\n"
	    "[category drinks]\ntitle = Getränke\ntitle.en = Drinks\n"
	    "[interest tea]\ncategory = drinks\ntitle = Tee\ntitle.en = Tea\n"
	    "[channel in_store]\ntitle = Im Laden\ntitle.en = In store\nneeds = none\n"
	    "[purpose offers]\ntitle = Angebote\ntitle.en = Offers\ndescription = Wir wählen.\n"
	    "description.en = We pick.\nbenefit = Bessere.\nbenefit.en = Better.\n"
	    "data = interests\nlawful_basis = consent\nretention_days = 30\nvalidity_days = 90\n");
	cat = catalog_load(t.config, &cause);
	cr_assert_not_null(cat, "%s", cause);
	cr_assert_str_eq(cat->categories[0].title.lang[0], "Drinks");
	cr_assert_str_eq(cat->categories[0].title.lang[1], "Getränke");
	cr_assert_str_eq(cat->purposes[0].benefit.lang[0], "Better.");
	cr_assert_eq(cat->purposes[0].validity_days, 90);
	cr_assert_eq(cat->nfrequencies, 0);
	catalog_free(cat);
	test_catalog_teardown(&t);
}

Test(catalog, a_reward_with_an_incentive_reads_its_notices)
{
	struct test_catalog	 t;
	struct catalog		*cat;
	char			*cause = NULL;

	test_catalog_setup(&t, "en de", "", NULL, TEST_CATALOG_BASE
	    "[reward tell_us]\ntitle = A free tea\ntitle.de = Ein Tee gratis\nkind = item\n"
	    "trigger = completion\ninterests = 1\ncategories = 1\nvalidity_days = 30\nlimit = 1\n"
	    "incentive = yes\ndata_value_cents = 100\nnumber = 9\n");
	test_catalog_notice(&t, "tell_us.en.txt", "Terms: one tea. Value of your data: 1 EUR.\n");
	test_catalog_notice(&t, "tell_us.de.txt", "Bedingungen: ein Tee. Wert: 1 EUR.\n");
	cat = catalog_load(t.config, &cause);
	cr_assert_not_null(cat, "%s", cause);
	cr_assert_eq(cat->nrewards, 1);
	cr_assert(cat->rewards[0].has_incentive);
	cr_assert_eq(cat->rewards[0].data_value_cents, 100);
	cr_assert_str_eq(cat->rewards[0].incentive[1].text, "Bedingungen: ein Tee. Wert: 1 EUR.\n");
	catalog_free(cat);
	test_catalog_teardown(&t);
}

Test(catalog, an_unknown_section_is_refused_with_its_line)
{
	test_catalog_refused("[drink latte]\ntitle = Latte\n", "catalog.ini", 1,
	    "unknown section [drink latte]; the sections are [catalog], [category ID]");
	test_catalog_refused("[interest]\ntitle = Latte\n", "catalog.ini", 1,
	    "[interest] needs an id");
	test_catalog_refused("[interest Cold Brew]\ntitle = Latte\n", "catalog.ini", 1,
	    "needs an id of at most 32 lower-case letters");
}

Test(catalog, an_unknown_key_is_refused_with_its_line_and_the_known_keys)
{
	test_catalog_refused("[interest coffee]\ncategory = drinks\ncolour = brown\n",
	    "catalog.ini", 3, "[interest coffee] unknown key 'colour'; the keys are: category, "
	    "title");
	test_catalog_refused("[interest coffee]\ncategory.de = drinks\n", "catalog.ini", 2,
	    "unknown key 'category.de'");
	test_catalog_refused("[interest coffee]\ncategory = drinks\ntitle.deutsch = Kaffee\n",
	    "catalog.ini", 3, "unknown key 'title.deutsch'");
	test_catalog_refused("[catalog]\nlanguage = en\nregion = eu\n", "catalog.ini", 3,
	    "[catalog] unknown key 'region'");
}

Test(catalog, a_duplicate_id_is_refused_at_the_second_section)
{
	test_catalog_refused("\n[interest tea]\ncategory = drinks\ntitle = Tea\ntitle.de = Tee\n",
	    "catalog.ini", 2, "[interest tea] duplicate id: [interest tea] is already on line 5");
}

Test(catalog, a_key_given_twice_is_refused_with_both_lines)
{
	test_catalog_refused("[interest coffee]\ncategory = drinks\ntitle = Coffee\n"
	    "title = Coffee again\n", "catalog.ini", 4, "title is given twice (first on line 32)");
	test_catalog_refused("[interest coffee]\ncategory = drinks\ntitle = Coffee\n"
	    "title.en = Coffee\n", "catalog.ini", 4, "title in 'en' is given twice");
}

Test(catalog, a_reference_to_an_unknown_id_is_refused)
{
	test_catalog_refused("[interest bagels]\ncategory = food\ntitle = Bagels\n",
	    "catalog.ini", 2, "category = food: there is no [category food]");
	test_catalog_refused("[channel sms]\ntitle = SMS\ntitle.de = SMS\nneeds = phone\n"
	    "frequencies = monthly daily\n", "catalog.ini", 5,
	    "frequencies: there is no [frequency daily]");
	test_catalog_refused("[channel sms]\ntitle = SMS\ntitle.de = SMS\nneeds = phone\n"
	    "frequencies = monthly monthly\n", "catalog.ini", 5, "'monthly' is listed twice");
}

Test(catalog, a_text_missing_in_a_configured_language_is_refused)
{
	test_catalog_refused("[interest coffee]\ncategory = drinks\ntitle = Coffee\n",
	    "catalog.ini", 1, "[interest coffee] has no title in language 'de'; add 'title.de = "
	    "...'");
	test_catalog_refused("[interest coffee]\ncategory = drinks\ntitle.de = Kaffee\n",
	    "catalog.ini", 1, "has no title in language 'en'; add 'title = ...'");
	test_catalog_refused("[interest coffee]\ncategory = drinks\ntitle = Coffee\ntitle.de =\n",
	    "catalog.ini", 4, "title.de is empty");
}

Test(catalog, a_missing_key_or_an_empty_section_is_refused)
{
	test_catalog_refused("[interest coffee]\ntitle = Coffee\ntitle.de = Kaffee\n",
	    "catalog.ini", 1, "[interest coffee] needs 'category = ...'");
	test_catalog_refused("[interest coffee]\n\n[interest cake]\ncategory = drinks\n",
	    "catalog.ini", 1, "a section without keys");
	test_catalog_refused("[interest coffee]\n", "catalog.ini", 1, "a section without keys");
}

Test(catalog, a_missing_notice_names_the_file_the_purpose_and_the_language)
{
	struct test_catalog	 t;
	struct catalog		*cat;
	char			*cause = NULL, want[1024];

	test_catalog_setup(&t, "en de", "", NULL, TEST_CATALOG_BASE
	    "[purpose news]\ntitle = News\ntitle.de = Neues\ndescription = News.\n"
	    "description.de = Neues.\nbenefit = Know.\nbenefit.de = Wissen.\ndata = email\n"
	    "lawful_basis = consent\nretention_days = 365\n");
	test_catalog_notice(&t, "news.en.txt", "News by e-mail.\n");
	cat = catalog_load(t.config, &cause);
	cr_assert_null(cat);
	snprintf(want, sizeof want, "%s/./notices/news.de.txt: missing notice text for purpose "
	    "'news' in language 'de'", t.dir);
	cr_assert_str_eq(cause, want);
	free(cause);
	test_catalog_teardown(&t);
}

Test(catalog, an_empty_or_binary_notice_is_refused)
{
	struct test_catalog	 t;
	char			*cause = NULL;

	test_catalog_setup(&t, "en de", "", NULL, TEST_CATALOG_BASE);
	test_catalog_notice(&t, "offers.de.txt", "");
	cr_assert_null(catalog_load(t.config, &cause));
	cr_assert_not_null(strstr(cause, "offers.de.txt: the notice text for purpose 'offers' in "
	    "language 'de' is empty"), "%s", cause);
	free(cause);
	test_catalog_notice(&t, "offers.de.txt", "Gr\xfc\xdf" "e in Latin-1\n");
	cr_assert_null(catalog_load(t.config, &cause));
	cr_assert_not_null(strstr(cause, "offers.de.txt: not a UTF-8 text"), "%s", cause);
	free(cause);
	test_catalog_teardown(&t);
}

Test(catalog, a_bad_number_or_a_number_out_of_range_is_refused)
{
	static const char	 purpose[] = "[purpose news]\ntitle = News\ntitle.de = Neues\n"
	    "description = News.\ndescription.de = Neues.\nbenefit = Know.\nbenefit.de = Wissen.\n"
	    "data = email\nlawful_basis = consent\n";
	char			 more[1024];

	snprintf(more, sizeof more, "%sretention_days = soon\n", purpose);
	test_catalog_refused(more, "catalog.ini", 10, "retention_days = soon: not a whole number "
	    "from 1 to 36500");
	snprintf(more, sizeof more, "%sretention_days = 0\n", purpose);
	test_catalog_refused(more, "catalog.ini", 10, "not a whole number from 1 to 36500");
	snprintf(more, sizeof more, "%sretention_days = 30\nvalidity_days = 9999\n", purpose);
	test_catalog_refused(more, "catalog.ini", 11, "validity_days = 9999: not a whole number "
	    "from 1 to 3650");
	snprintf(more, sizeof more, "%sretention_days = 30\nsensitive = maybe\n", purpose);
	test_catalog_refused(more, "catalog.ini", 11, "sensitive = maybe: say yes or no");
}

Test(catalog, an_unknown_enum_value_is_refused_with_the_allowed_ones)
{
	test_catalog_refused("[channel post]\ntitle = Post\ntitle.de = Post\nneeds = address\n",
	    "catalog.ini", 4, "needs = address: unknown value; use email, phone or none");
	test_catalog_refused("[channel card]\ntitle = Card\ntitle.de = Karte\nneeds = card\n",
	    "catalog.ini", 4, "needs = card: unknown value");
	test_catalog_refused("[reward r]\ntitle = R\ntitle.de = R\nkind = voucher\nnumber = 9\n",
	    "catalog.ini", 4, "kind = voucher: unknown value; use percent, amount, item or access");
	test_catalog_refused("[purpose p]\ntitle = P\ntitle.de = P\nlawful_basis = legitimate\n",
	    "catalog.ini", 4, "lawful_basis = legitimate: unknown value; use consent or "
	    "explicit-consent");
}

Test(catalog, a_sensitive_purpose_needs_explicit_consent_and_third_parties_are_named)
{
	static const char	 purpose[] = "[purpose health]\ntitle = Health\n"
	    "title.de = Gesundheit\n"
	    "description = Allergies.\ndescription.de = Allergien.\nbenefit = Safe food.\n"
	    "benefit.de = Sicheres Essen.\ndata = dietary_needs\nretention_days = 365\n";
	char			 more[1024];

	snprintf(more, sizeof more, "%slawful_basis = consent\nsensitive = yes\n", purpose);
	test_catalog_refused(more, "catalog.ini", 10, "[purpose health] is sensitive "
	    "(special-category data): set lawful_basis = explicit-consent");
	snprintf(more, sizeof more, "%slawful_basis = consent\nthird_party = yes\nrecipients = \n",
	    purpose);
	test_catalog_refused(more, "catalog.ini", 11, "third_party = yes: name the third parties");
}

Test(catalog, a_reward_that_depends_on_consent_is_refused)
{
	static const char	 reward[] = "[reward thanks]\ntitle = Thanks\ntitle.de = Danke\n"
	    "kind = percent\nvalue = 5\nvalidity_days = 30\n";
	char			 more[1024];

	snprintf(more, sizeof more, "%strigger = welcome\nrequires = offers\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 8, "[reward thanks] requires = offers: a reward "
	    "must not depend on consent to a purpose (consent must stay freely given)");
	snprintf(more, sizeof more, "%strigger = consent\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 7, "trigger = consent: a reward must not depend "
	    "on consent");
	snprintf(more, sizeof more, "%strigger = welcome\npurpose = offers\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 8, "consent must stay freely given");
}

Test(catalog, a_reward_value_must_fit_its_kind)
{
	static const char	 reward[] = "[reward r]\ntitle = R\ntitle.de = R\n"
	    "trigger = manual\n"
	    "validity_days = 30\n";
	char			 more[1024];

	snprintf(more, sizeof more, "%skind = percent\nvalue = 150\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 7, "kind = percent needs value = 1 to 100");
	snprintf(more, sizeof more, "%skind = percent\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 1, "kind = percent needs value = 1 to 100");
	snprintf(more, sizeof more, "%skind = amount\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 1, "kind = amount needs value");
	snprintf(more, sizeof more, "%skind = item\nvalue = 3\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 7, "kind = item has no value");
}

Test(catalog, a_reward_trigger_must_have_what_it_needs)
{
	static const char	 reward[] = "[reward r]\ntitle = R\ntitle.de = R\nkind = item\n"
	    "validity_days = 30\n";
	char			 more[1024];

	snprintf(more, sizeof more, "%strigger = completion\ninterests = 1\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 1, "trigger = completion needs interests = N "
	    "and categories = M");
	snprintf(more, sizeof more, "%strigger = completion\ninterests = 1\ncategories = 2\nnumber = 9\n",
	    reward);
	test_catalog_refused(more, "catalog.ini", 8, "categories = 2 is more than interests = 1");
	snprintf(more, sizeof more, "%strigger = completion\ninterests = 3\ncategories = 1\nnumber = 9\n",
	    reward);
	test_catalog_refused(more, "catalog.ini", 7, "asks for 3 interests in 1 categories, but "
	    "the catalogue has 1 in 1");
	snprintf(more, sizeof more, "%strigger = completion\ninterests = 1\ncategories = 1\nnumber = 9\n",
	    reward);
	test_catalog_refused(more, "catalog.ini", 1, "a reward for sharing preferences is a "
	    "financial incentive: set incentive = yes");
	snprintf(more, sizeof more, "%strigger = stamp\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 1, "trigger = stamp needs every = N");
	snprintf(more, sizeof more, "%strigger = stamp\nevery = 1\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 7, "every = 1: not a whole number from 2 to");
	snprintf(more, sizeof more, "%strigger = welcome\nevery = 5\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 7, "every only applies to trigger = stamp");
	snprintf(more, sizeof more, "%strigger = welcome\ninterests = 2\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 7, "only apply to trigger = completion");
}

Test(catalog, an_incentive_needs_its_value_and_its_notices)
{
	static const char	 reward[] = "[reward tell_us]\ntitle = T\ntitle.de = T\n"
	    "kind = item\n"
	    "validity_days = 30\ntrigger = completion\ninterests = 1\ncategories = 1\n";
	char			 more[1024];

	snprintf(more, sizeof more, "%sincentive = yes\nnumber = 9\n", reward);
	test_catalog_refused(more, "catalog.ini", 9, "incentive = yes needs data_value_cents");
	snprintf(more, sizeof more, "%sincentive = yes\ndata_value_cents = 100\nnumber = 9\n", reward);
	test_catalog_refused(more, "./notices/tell_us.en.txt", 0, "missing incentive notice text "
	    "for reward 'tell_us' in language 'en'");
	test_catalog_refused("[reward w]\ntitle = W\ntitle.de = W\nkind = item\ntrigger = welcome\n"
	    "validity_days = 30\ndata_value_cents = 100\nnumber = 9\n", "catalog.ini", 7,
	    "data_value_cents only applies with incentive = yes");
}

Test(catalog, a_catalogue_needs_an_interest_a_channel_and_a_purpose)
{
	struct test_catalog	 t;
	char			*cause = NULL, want[1024];

	test_catalog_setup(&t, "en de", "", NULL, "[category drinks]\ntitle = Drinks\n"
	    "title.de = Getränke\n[interest tea]\ncategory = drinks\ntitle = Tea\ntitle.de = Tee\n"
	    "[channel in_store]\ntitle = In store\ntitle.de = Im Laden\nneeds = none\n");
	cr_assert_null(catalog_load(t.config, &cause));
	snprintf(want, sizeof want, "%s/catalog.ini: no [purpose ID] section; the catalogue needs "
	    "at least 1", t.dir);
	cr_assert_str_eq(cause, want);
	free(cause);
	test_catalog_teardown(&t);

	test_catalog_setup(&t, "en de", "", NULL, "[category drinks]\ntitle = Drinks\n"
	    "title.de = Getränke\n");
	cr_assert_null(catalog_load(t.config, &cause));
	cr_assert_not_null(strstr(cause, "catalog.ini: no [interest ID] section"), "%s", cause);
	free(cause);
	test_catalog_teardown(&t);
}

/* Found by fuzzing: a 17th channel loaded, and the kiosk wrote past the member's profile when a
 * customer chose it.  A catalogue holds what the profile and the records have room for. */
Test(catalog, more_entries_than_a_profile_has_room_for_are_refused)
{
	struct test_catalog	 t;
	struct catalog		*cat;
	char			 more[16384], *text, *cause = NULL;
	size_t			 n = 0;
	int			 i;

	/* The base has one channel: fifteen more is sixteen, the most. */
	for (i = 1; i < CUSTOMER_MAX_CHANNELS; i++)
		n += (size_t)snprintf(more + n, sizeof more - n, "[channel c%d]\ntitle = C\n"
		    "title.de = K\nneeds = none\n", i);
	text = test_catalog_with(more);
	test_catalog_setup(&t, "en de", "", NULL, text);
	cat = catalog_load(t.config, &cause);
	cr_assert_not_null(cat, "%s", cause);
	cr_assert_eq(cat->nchannels, CUSTOMER_MAX_CHANNELS);
	catalog_free(cat);
	test_catalog_teardown(&t);
	free(text);

	/* One more is refused at its header, line 4 * 15 + 1 of what was appended. */
	snprintf(more + n, sizeof more - n, "[channel c16]\ntitle = C\ntitle.de = K\n"
	    "needs = none\n");
	test_catalog_refused(more, "catalog.ini", 4 * 15 + 1, "one [channel ID] too many: "
	    "prefkiosk has room for 16");

	/* The base has one interest: the 128th appended is one too many. */
	n = 0;
	for (i = 0; i < CUSTOMER_MAX_INTERESTS; i++)
		n += (size_t)snprintf(more + n, sizeof more - n, "[interest i%d]\ncategory = drinks"
		    "\ntitle = I\ntitle.de = I\n", i);
	test_catalog_refused(more, "catalog.ini", 4 * (CUSTOMER_MAX_INTERESTS - 1) + 1,
	    "one [interest ID] too many: prefkiosk has room for 128");

	n = 0;
	for (i = 0; i <= CATALOG_MAX_FREQUENCIES; i++)
		n += (size_t)snprintf(more + n, sizeof more - n, "[frequency f%d]\ntitle = F\n"
		    "title.de = F\n", i);
	snprintf(more + n, sizeof more - n, "[channel many]\ntitle = M\ntitle.de = M\n"
	    "needs = none\nfrequencies = f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11 f12 f13 f14 f15 f16\n");
	test_catalog_refused(more, "catalog.ini", 3 * (CATALOG_MAX_FREQUENCIES + 1) + 5,
	    "frequencies: at most 16");
}

Test(catalog, an_over_long_line_is_refused_with_its_line_number)
{
	char	more[512];

	snprintf(more, sizeof more, "[interest cake]\ncategory = drinks\ntitle = %0300d\n", 0);
	test_catalog_refused(more, "catalog.ini", 3, "line too long (at most 199 characters); "
	    "keep long texts in assets/ files");
}

Test(catalog, a_text_that_is_not_utf8_is_refused)
{
	test_catalog_refused("[interest cafe]\ncategory = drinks\ntitle = Caf\xe9\n",
	    "catalog.ini", 3, "[interest cafe] title is not valid UTF-8");
}

Test(catalog, a_line_that_is_not_a_key_or_a_header_is_refused)
{
	test_catalog_refused("[interest cake]\ncategory drinks\n", "catalog.ini", 2,
	    "not a '[section]' header or a 'key = value' line");
}

Test(catalog, a_semicolon_in_a_text_is_part_of_the_text)
{
	struct test_catalog	 t;
	struct catalog		*cat;
	char			*cause = NULL, *text;

	text = test_catalog_with("[interest cake]\ncategory = drinks\n"
	    "title = Cake; also tarts # and pies\ntitle.de = Kuchen; auch Torten\n");
	test_catalog_setup(&t, "en de", "", NULL, text);
	cat = catalog_load(t.config, &cause);
	cr_assert_not_null(cat, "%s", cause);
	cr_assert_str_eq(cat->interests[1].title.lang[0], "Cake; also tarts # and pies");
	cr_assert_str_eq(cat->interests[1].title.lang[1], "Kuchen; auch Torten");
	catalog_free(cat);
	free(text);
	test_catalog_teardown(&t);
}

Test(catalog, a_reward_needs_its_own_number_because_codes_carry_it)
{
	static const char	 reward[] = "[reward a]\ntitle = A\ntitle.de = A\nkind = item\n"
	    "trigger = manual\nvalidity_days = 30\n";
	char			 more[1024];

	test_catalog_refused(reward, "catalog.ini", 1, "needs 'number = ...'");
	snprintf(more, sizeof more, "%snumber = 256\n", reward);
	test_catalog_refused(more, "catalog.ini", 7, "number = 256: not a whole number from 1 to "
	    "255");
	snprintf(more, sizeof more, "%snumber = 7\n[reward b]\ntitle = B\ntitle.de = B\n"
	    "kind = item\ntrigger = manual\nvalidity_days = 9\nnumber = 7\n", reward);
	test_catalog_refused(more, "catalog.ini", 14, "number = 7 is already reward a's");
}
