/*
 * test_config — prefkiosk.ini: the shipped demo config, the defaults of the options table, and
 * every way a file can be refused, each named with the file and the line to fix.
 *
 * The broken files are written into a scratch directory: a minimal valid config (the keys
 * without defaults) with the line under test appended, so the line number of the error is
 * known exactly.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "helpers.h"
#include "sealfile.h"

/* The keys that have no default: seven lines, so an appended line is line 8. */
#define TEST_CONFIG_MINIMAL						\
	"[store]\n"							\
	"name = Test Shop\n"						\
	"controller = Test Shop GmbH\n"					\
	"controller_contact = privacy@test.example\n"			\
	"jurisdiction = EU-DE\n"					\
	"[terminal]\n"							\
	"id = 7\n"
#define TEST_CONFIG_MINIMAL_LINES	7

/* Write text as prefkiosk.ini in a new scratch directory and load it (dir: caller frees). */
static struct config *
test_config_load(const char *text, char **dir, char **cause)
{
	char	*path;

	*dir = helpers_tmpdir();
	path = helpers_path(*dir, "prefkiosk.ini");
	helpers_write(path, text);
	free(path);
	*cause = NULL;
	return config_load(*dir, cause);
}

/* Expect text to be refused with "<dir>/prefkiosk.ini:<line>: " (no line if 0) and what. */
static void
test_config_refused(const char *text, int line, const char *what)
{
	struct config	*c;
	char		*dir, *cause, want[1024];

	c = test_config_load(text, &dir, &cause);
	cr_assert_null(c, "expected a refusal mentioning \"%s\"", what);
	cr_assert_not_null(cause, "a refusal without a cause");
	if (line > 0)
		snprintf(want, sizeof want, "%s/prefkiosk.ini:%d: ", dir, line);
	else
		snprintf(want, sizeof want, "%s/prefkiosk.ini: ", dir);
	cr_assert_eq(strncmp(cause, want, strlen(want)), 0, "cause \"%s\" does not start with "
	    "\"%s\"", cause, want);
	cr_assert_not_null(strstr(cause, what), "cause \"%s\" does not say \"%s\"", cause, what);
	cr_assert_null(strchr(cause, '\n'), "a cause is one line: \"%s\"", cause);
	free(cause);
	helpers_rmdir(dir);
	free(dir);
}

/* The minimal config with one more line appended (caller frees). */
static char *
test_config_with(const char *more)
{
	char	*text = malloc(strlen(TEST_CONFIG_MINIMAL) + strlen(more) + 1);

	cr_assert_not_null(text);
	strcpy(text, TEST_CONFIG_MINIMAL);
	strcat(text, more);
	return text;
}

/* Expect the minimal config plus more to be refused at line (counted from more's first line). */
static void
test_config_refused_with(const char *more, int line, const char *what)
{
	char	*text = test_config_with(more);

	test_config_refused(text, line > 0 ? TEST_CONFIG_MINIMAL_LINES + line : 0, what);
	free(text);
}

Test(config, the_shipped_config_describes_the_demo_coffee_shop)
{
	char		*cause = NULL;
	struct config	*c = config_load(HELPERS_CONFIG_DIR, &cause);

	cr_assert_not_null(c, "%s", cause);
	cr_assert_str_eq(c->dir, HELPERS_CONFIG_DIR);
	cr_assert_str_eq(c->assets_dir, HELPERS_CONFIG_DIR "/../assets");
	cr_assert_str_eq(c->store_name, "Bean & Leaf Coffee");
	cr_assert_str_eq(c->controller, "Bean & Leaf GmbH");
	cr_assert_str_eq(c->controller_contact, "privacy@beanandleaf.example");
	cr_assert_str_eq(c->jurisdiction, "EU-DE");
	cr_assert_eq(c->terminal_id, 1);
	cr_assert_str_eq(c->mode, "kiosk");
	cr_assert_eq(c->idle_timeout, 60);
	cr_assert_eq(c->idle_warning, 30);
	cr_assert_eq(c->nlanguages, 4);
	cr_assert_str_eq(c->languages[0], "en");
	cr_assert_str_eq(c->languages[1], "de");
	cr_assert_str_eq(c->languages[2], "fr");
	cr_assert_str_eq(c->languages[3], "es");
	cr_assert_str_eq(c->phone_country, "49");
	cr_assert_str_eq(c->printer_transport, "none");
	cr_assert_str_eq(c->printer_target, "");
	cr_assert_eq(c->inactive_days, 730);
	cr_assert_eq(c->consent_validity_days, 365);
	cr_assert_eq(c->staff_max_failures, 5);
	cr_assert_eq(c->staff_lockout_minutes, 15);
	config_free(c);
}

Test(config, languages_are_found_by_their_code)
{
	char		*cause = NULL;
	struct config	*c = config_load(HELPERS_CONFIG_DIR, &cause);

	cr_assert_not_null(c, "%s", cause);
	cr_assert_eq(config_language(c, "en"), 0);
	cr_assert_eq(config_language(c, "fr"), 2);
	cr_assert_eq(config_language(c, "es"), 3);
	cr_assert_eq(config_language(c, "it"), -1);
	cr_assert_eq(config_language(c, "EN"), -1);
	cr_assert_eq(config_language(c, ""), -1);
	cr_assert_eq(config_language(c, NULL), -1);
	config_free(c);
}

Test(config, defaults_fill_in_what_the_file_leaves_out)
{
	struct config	*c;
	char		*dir, *cause, *assets;

	c = test_config_load(TEST_CONFIG_MINIMAL, &dir, &cause);
	cr_assert_not_null(c, "%s", cause);
	cr_assert_eq(c->terminal_id, 7);
	cr_assert_str_eq(c->mode, "kiosk");
	cr_assert_eq(c->idle_timeout, 60);
	cr_assert_eq(c->idle_warning, 30);
	cr_assert_eq(c->nlanguages, 1);
	cr_assert_str_eq(c->languages[0], "en");
	cr_assert_str_eq(c->phone_country, "49");
	cr_assert_str_eq(c->printer_transport, "none");
	cr_assert_eq(c->inactive_days, 730);
	cr_assert_eq(c->consent_validity_days, 365);
	cr_assert_eq(c->staff_max_failures, 5);
	cr_assert_eq(c->staff_lockout_minutes, 15);
	assets = helpers_path(dir, "../assets");
	cr_assert_str_eq(c->assets_dir, assets);
	free(assets);
	config_free(c);
	helpers_rmdir(dir);
	free(dir);
}

Test(config, every_setting_can_be_given)
{
	struct config	*c;
	char		*dir, *cause, *text;

	text = test_config_with("mode = desk\nidle_timeout = 3600\nidle_warning = 20\n"
	    "[locale]\nlanguages =  de   en \nphone_country = 351\n"
	    "[printer]\ntransport = command\ntarget = lp -d till; echo done\n"
	    "[retention]\ninactive_days = 90\nconsent_validity_days = 180\n"
	    "[security]\nstaff_max_failures = 3\nstaff_lockout_minutes = 60\n"
	    "[paths]\nassets = /usr/share/prefkiosk\n");
	c = test_config_load(text, &dir, &cause);
	cr_assert_not_null(c, "%s", cause);
	cr_assert_str_eq(c->mode, "desk");
	cr_assert_eq(c->idle_timeout, 3600);
	cr_assert_eq(c->idle_warning, 20);
	cr_assert_eq(c->nlanguages, 2);
	cr_assert_str_eq(c->languages[0], "de");
	cr_assert_str_eq(c->languages[1], "en");
	cr_assert_str_eq(c->phone_country, "351");
	cr_assert_str_eq(c->printer_transport, "command");
	cr_assert_str_eq(c->printer_target, "lp -d till; echo done", "';' is not a comment");
	cr_assert_eq(c->inactive_days, 90);
	cr_assert_eq(c->consent_validity_days, 180);
	cr_assert_eq(c->staff_max_failures, 3);
	cr_assert_eq(c->staff_lockout_minutes, 60);
	cr_assert_str_eq(c->assets_dir, "/usr/share/prefkiosk", "an absolute path is kept");
	config_free(c);
	helpers_rmdir(dir);
	free(dir);
	free(text);
}

Test(config, a_missing_file_names_the_path_and_the_reason)
{
	char		*dir = helpers_tmpdir(), *cause = NULL, *want;
	struct config	*c = config_load(dir, &cause);

	cr_assert_null(c);
	config_free(c);		/* a destructor accepts NULL */
	want = helpers_path(dir, "prefkiosk.ini: cannot read: No such file or directory");
	cr_assert_str_eq(cause, want);
	free(want);
	free(cause);
	helpers_rmdir(dir);
	free(dir);
}

Test(config, an_unknown_section_is_refused_with_its_line)
{
	test_config_refused_with("[display]\nbrightness = 80\n", 2,
	    "unknown section [display]; the sections are: [store], [terminal]");
}

Test(config, an_unknown_key_is_refused_with_its_line_and_the_known_keys)
{
	test_config_refused_with("colour = blue\n", 1,
	    "unknown key 'colour' in [terminal]; the keys are: id, mode, idle_timeout");
}

Test(config, a_key_given_twice_is_refused_with_both_lines)
{
	test_config_refused_with("\n[store]\nname = Other Shop\n", 3,
	    "[store] name is given twice (first on line 2)");
	test_config_refused_with("id = 8\n", 1, "[terminal] id is given twice (first on line 7)");
}

Test(config, numbers_out_of_range_are_refused)
{
	test_config_refused_with("idle_timeout = 5\n", 1,
	    "[terminal] idle_timeout: '5' is not a whole number from 10 to 3600");
	test_config_refused_with("idle_warning = 19\n", 1, "from 20 to 300");
	test_config_refused_with("[retention]\ninactive_days = 0\n", 2, "from 1 to 36500");
	test_config_refused(
	    "[store]\nname = A\ncontroller = B\ncontroller_contact = c\njurisdiction = EU\n"
	    "[terminal]\nid = 4096\n", 7, "[terminal] id: '4096' is not a whole number from 0 to "
	    "4095");
	test_config_refused(
	    "[store]\nname = A\ncontroller = B\ncontroller_contact = c\njurisdiction = EU\n"
	    "[terminal]\nid = -1\n", 7, "from 0 to 4095");
}

Test(config, values_that_are_not_numbers_are_refused)
{
	test_config_refused_with("idle_timeout = 60s\n", 1, "'60s' is not a whole number");
	test_config_refused_with("idle_timeout =\n", 1, "'' is not a whole number");
	test_config_refused_with("idle_timeout = 99999999999999999999\n", 1,
	    "is not a whole number");
}

Test(config, an_unknown_choice_is_refused_with_the_choices)
{
	test_config_refused_with("mode = tablet\n", 1,
	    "[terminal] mode: 'tablet' is not one of: kiosk desk");
	test_config_refused_with("[printer]\ntransport = fax\n", 2,
	    "'fax' is not one of: none device file command");
}

Test(config, speech_layout_and_accessibility_are_off_unless_chosen)
{
	static const struct {
		const char	*lines, *speech, *layout, *accessibility;
	} cases[] = {
		{ "", "off", "standard", "off" },
		{ "speech = offer\nlayout = large\naccessibility = on\n", "offer", "large", "on" },
	};
	struct config	*c;
	char		*dir, *cause, *text;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		text = test_config_with(cases[i].lines);
		c = test_config_load(text, &dir, &cause);
		cr_assert_not_null(c, "%s", cause);
		cr_assert_str_eq(c->speech, cases[i].speech);
		cr_assert_str_eq(c->layout, cases[i].layout);
		cr_assert_str_eq(c->accessibility, cases[i].accessibility);
		config_free(c);
		helpers_rmdir(dir);
		free(dir);
		free(text);
	}
	test_config_refused_with("speech = yes\n", 1,
	    "[terminal] speech: 'yes' is not one of: off offer on");
	test_config_refused_with("layout = huge\n", 1, "'huge' is not one of: standard large");
	test_config_refused_with("accessibility = 1\n", 1, "'1' is not one of: off on");
}

Test(config, languages_must_be_distinct_iso_codes)
{
	test_config_refused_with("[locale]\nlanguages = en EN\n", 2,
	    "'EN' is not an ISO 639-1 code");
	test_config_refused_with("[locale]\nlanguages = en english\n", 2,
	    "'english' is not an ISO 639-1 code");
	test_config_refused_with("[locale]\nlanguages = en de en\n", 2, "'en' is listed twice");
	test_config_refused_with("[locale]\nlanguages = en de fr es it pt nl pl sv\n", 2,
	    "at most 8 languages");
	test_config_refused_with("[locale]\nlanguages =\n", 2, "give at least 1 language");
}

Test(config, the_phone_country_is_one_to_three_digits)
{
	test_config_refused_with("[locale]\nphone_country = +49\n", 2,
	    "'+49' is not 1 to 3 digits");
	test_config_refused_with("[locale]\nphone_country = 4900\n", 2, "is not 1 to 3 digits");
	test_config_refused_with("[locale]\nphone_country =\n", 2, "is not 1 to 3 digits");
}

Test(config, a_missing_required_key_is_refused)
{
	test_config_refused("[store]\nname = A\ncontroller_contact = c\njurisdiction = EU\n"
	    "[terminal]\nid = 1\n", 0, "[store] controller is missing");
	test_config_refused("[store]\nname = A\ncontroller = B\ncontroller_contact = c\n"
	    "jurisdiction = EU\n", 0, "[terminal] id is missing");
}

Test(config, an_empty_store_name_is_refused)
{
	test_config_refused("[store]\nname =\ncontroller = B\ncontroller_contact = c\n"
	    "jurisdiction = EU\n[terminal]\nid = 1\n", 2,
	    "[store] name: give at least 1 character");
}

Test(config, a_printer_needs_a_target_unless_there_is_none)
{
	test_config_refused_with("[printer]\ntransport = device\n", 0,
	    "[printer] target is needed with transport = device");
}

Test(config, an_over_long_line_is_refused_with_its_line_number)
{
	char	 more[512];

	snprintf(more, sizeof more, "[store]\n# %0250d\n", 0);
	test_config_refused_with(more, 2, "line too long (at most 199 characters)");
}

Test(config, a_line_of_199_characters_is_the_longest_accepted)
{
	struct config	*c;
	char		 more[512], target[256], *text, *dir, *cause;
	size_t		 len = 199 - strlen("target = ");

	memset(target, 'x', len);
	target[len] = '\0';
	snprintf(more, sizeof more, "[printer]\ntarget = %s\n", target);
	text = test_config_with(more);
	c = test_config_load(text, &dir, &cause);
	cr_assert_not_null(c, "%s", cause);
	cr_assert_str_eq(c->printer_target, target);
	config_free(c);
	helpers_rmdir(dir);
	free(dir);
	free(text);

	snprintf(more, sizeof more, "[printer]\ntarget = %sx\n", target);
	test_config_refused_with(more, 2, "line too long (at most 199 characters)");
}

Test(config, a_line_that_is_not_key_equals_value_is_refused)
{
	test_config_refused_with("idle timeout 60\n", 1,
	    "not a '[section]' header or a 'key = value' line");
	test_config_refused_with("[locale\n", 1, "not a '[section]' header");
}

Test(config, a_key_before_any_section_is_refused)
{
	test_config_refused("name = Test Shop\n[store]\n", 1,
	    "'name' comes before any section; put it under its [section]");
}

Test(config, the_shipped_config_seals_exports_to_the_demo_recipient_in_var)
{
	unsigned char	 pk[SEALFILE_KEY_BYTES];
	char		*cause = NULL;
	struct config	*c = config_load(HELPERS_CONFIG_DIR, &cause);

	cr_assert_not_null(c, "%s", cause);
	cr_assert_str_eq(c->export_dir, HELPERS_CONFIG_DIR "/../var/exports");
	cr_assert_str_eq(c->export_recipient, HELPERS_CONFIG_DIR "/../var/export-recipient.pub");
	cr_assert_str_eq(c->export_format, "jsonl");
	cr_assert_eq(sealfile_public_load("var/export-recipient.pub", pk, &cause), 0, "%s", cause);
	cr_assert_eq(memcmp(c->export_pk, pk, sizeof pk), 0, "the key is read at load");
	config_free(c);
}

Test(config, without_an_export_section_the_kiosk_has_no_export)
{
	struct config	*c;
	char		*dir, *cause;

	c = test_config_load(TEST_CONFIG_MINIMAL, &dir, &cause);
	cr_assert_not_null(c, "%s", cause);
	cr_assert_null(c->export_dir);
	cr_assert_null(c->export_recipient);
	cr_assert_str_eq(c->export_format, "jsonl");
	config_free(c);
	helpers_rmdir(dir);
	free(dir);
}

/* A key pair in a new scratch directory: keys = <that dir>/mds (caller frees both). */
static void
test_config_pair(char **keys, char **keydir)
{
	char	*pub, *key, *cause = NULL;

	*keydir = helpers_tmpdir();
	*keys = helpers_path(*keydir, "mds");
	pub = helpers_path(*keydir, "mds.pub");
	key = helpers_path(*keydir, "mds.key");
	cr_assert_eq(sealfile_keys_create(pub, key, &cause), 0, "%s", cause);
	free(pub);
	free(key);
}

Test(config, an_export_recipient_is_read_from_its_key_file)
{
	unsigned char	 pk[SEALFILE_KEY_BYTES];
	struct config	*c;
	char		*dir = helpers_tmpdir(), *cause = NULL, *text, *ini, *pub, *key, *exports;

	pub = helpers_path(dir, "mds.pub");
	key = helpers_path(dir, "mds.key");
	cr_assert_eq(sealfile_keys_create(pub, key, &cause), 0, "%s", cause);
	text = test_config_with("[export]\ndirectory = exports\nrecipient = mds.pub\n"
	    "format = csv\n");
	ini = helpers_path(dir, "prefkiosk.ini");
	helpers_write(ini, text);
	c = config_load(dir, &cause);
	cr_assert_not_null(c, "%s", cause);
	exports = helpers_path(dir, "exports");
	cr_assert_str_eq(c->export_dir, exports, "relative to the config directory");
	cr_assert_str_eq(c->export_recipient, pub);
	cr_assert_str_eq(c->export_format, "csv");
	cr_assert_eq(sealfile_public_load(pub, pk, &cause), 0, "%s", cause);
	cr_assert_eq(memcmp(c->export_pk, pk, sizeof pk), 0);
	config_free(c);
	free(exports);
	free(ini);
	free(text);
	free(key);
	free(pub);
	helpers_rmdir(dir);
	free(dir);
}

Test(config, a_broken_export_recipient_is_refused_with_its_line)
{
	char	*keys, *keydir, more[512];

	test_config_refused_with("[export]\ndirectory = /tmp\nrecipient = /nonexistent/mds.pub\n",
	    3, "[export] recipient: /nonexistent/mds.pub: cannot read: No such file or directory "
	    "(give the .pub file of a pair made by prefkiosk export-keys)");
	test_config_pair(&keys, &keydir);
	snprintf(more, sizeof more, "[export]\nrecipient = %s.key\ndirectory = /tmp\n", keys);
	test_config_refused_with(more, 2, "mds.key: this is a secret key file: give the public key");
	snprintf(more, sizeof more, "[export]\nrecipient = %s.pub\n", keys);
	test_config_refused_with(more, 0, "[export] directory is needed with recipient");
	test_config_refused_with("[export]\ndirectory = exports\n", 0,
	    "[export] recipient is needed with directory");
	test_config_refused_with("[export]\nformat = json\n", 2,
	    "[export] format: 'json' is not one of: jsonl csv");
	helpers_rmdir(keydir);
	free(keydir);
	free(keys);
}
