/*
 * test_i18n — interface text in the customer's language, switched at any moment through real
 * locales, and catalogues that cover every text.
 *
 * The catalogues are the ones make compiled into assets/locale (make test builds them first);
 * each test runs in its own process, so the locale and the environment it changes are its own.
 */
#include <criterion/criterion.h>

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "i18n.h"

#define TEST_I18N_LOCALEDIR	"assets/locale"

/* The starter texts: every one must be in every catalogue. */
static const char *const test_i18n_texts[] = {
	"Touch the screen or press any key to start", "Choose your language", "Next", "Back",
	"Cancel", "Yes", "No", "More", "Done", "Print", "Start again", "Sign in",
	"New here? Join us", "Welcome back", "What we ask and why", "Your interests",
	"How to reach you", "Your choices about your data", "Review your answers", "Your card",
	"Choose a PIN", "Your reward", "Thank you!", "My rewards", "My interests", "My consents",
	"My data", "Delete me", "Withdraw all", "Are you still there?", "I'm still here",
	"Please enlarge the window", "Wrong PIN", "Staff", "On", "Off", "Edit", "Show code again",
	"Valid until %s", "Consent receipt: %s", "%d of %d interests in %d of %d categories",
	"Scan your card or type its number", "Phone number", "E-mail address", "Name (optional)",
	"Enter your PIN", "This member is locked for 15 minutes", "Your data has been deleted",
	"Do you really want to delete all your data?", "This cannot be undone.",
	"Sensitive data: please confirm once more", "Who else sees it", "How long we keep it",
	"What data", "Why", "What you get",
};

/* The whole of a text file, NUL-terminated (caller frees); aborts the test when unreadable. */
static char *
test_i18n_slurp(const char *path)
{
	FILE	*f;
	char	*text;
	long	 len;

	cr_assert_not_null(f = fopen(path, "r"), "%s: cannot open", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	cr_assert_geq(len = ftell(f), 0);
	rewind(f);
	cr_assert_not_null(text = malloc((size_t)len + 1));
	cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len, "%s: short read", path);
	text[len] = '\0';
	fclose(f);
	return text;
}

/*
 * Is msgid in the template?  Once `make po` has run over the source, a starter text the
 * interface does not use is only kept as obsolete (#~), which msgfmt leaves out: it is then no
 * longer expected in the catalogues.  (The starter texts are short, so xgettext writes each
 * on one line.)
 */
static int
test_i18n_in_template(const char *pot, const char *msgid)
{
	char	line[256];

	snprintf(line, sizeof line, "\nmsgid \"%s\"\n", msgid);
	return strstr(pot, line) != NULL;
}

/* Translations that are rightly the same as the English. */
static const struct {
	const char	*lang;
	const char	*msgid;
} test_i18n_same[] = {
	{ "de", "Name (optional)" },	/* "optional" is German too */
	{ "es", "No" },
};

/* "Next" and "Back" in each language, for the switching tests. */
static const struct {
	const char	*lang;
	const char	*next;
	const char	*back;
} test_i18n_words[] = {
	{ "en", "Next", "Back" },
	{ "de", "Weiter", "Zurück" },
	{ "fr", "Suivant", "Retour" },
	{ "es", "Siguiente", "Atrás" },
};
#define TEST_I18N_NWORDS	(sizeof test_i18n_words / sizeof test_i18n_words[0])

/* i18n_init on the checkout's catalogues; aborts the test on failure. */
static void
test_i18n_start(void)
{
	char	*cause = NULL;

	cr_assert_eq(i18n_init(TEST_I18N_LOCALEDIR, &cause), 0, "i18n_init: %s", cause);
}

/* i18n_use(lang), which must succeed. */
static void
test_i18n_use(const char *lang)
{
	char	*cause = NULL;

	cr_assert_eq(i18n_use(lang, &cause), 0, "i18n_use(%s): %s", lang, cause);
}

Test(i18n, use_switches_the_language_of_the_next_text)
{
	test_i18n_start();
	test_i18n_use("de");
	cr_assert_str_eq(_("Next"), "Weiter");
	test_i18n_use("fr");
	cr_assert_str_eq(_("Next"), "Suivant");
	cr_assert_str_eq(_("Are you still there?"), "Êtes-vous toujours là\u00a0?");
	test_i18n_use("es");
	cr_assert_str_eq(_("Next"), "Siguiente");
	test_i18n_use("en");
	cr_assert_str_eq(_("Next"), "Next");
}

Test(i18n, switching_many_times_always_gives_the_right_language)
{
	char	buf[64];
	size_t	i, w;

	test_i18n_start();
	for (i = 0; i < 100 * TEST_I18N_NWORDS; i++) {
		w = i % TEST_I18N_NWORDS;
		test_i18n_use(test_i18n_words[w].lang);
		cr_assert_str_eq(_("Next"), test_i18n_words[w].next, "round %zu", i);
		cr_assert_str_eq(_("Back"), test_i18n_words[w].back, "round %zu", i);
		snprintf(buf, sizeof buf, _("Valid until %s"), "2026-12-29");
		cr_assert_neq(strstr(buf, "2026-12-29"), NULL, "round %zu: \"%s\"", i, buf);
	}
}

Test(i18n, unknown_language_is_refused_and_the_language_stays)
{
	char	*cause = NULL;

	test_i18n_start();
	test_i18n_use("de");
	cr_assert_eq(i18n_use("xx", &cause), -1);
	cr_assert_not_null(cause);
	cr_assert_not_null(strstr(cause, "\"xx\""), "cause: %s", cause);
	cr_assert_not_null(strstr(cause, "en, de, fr, es"), "cause: %s", cause);
	free(cause);
	cr_assert_str_eq(_("Next"), "Weiter");
}

Test(i18n, language_in_the_environment_does_not_override_the_choice)
{
	cr_assert_eq(setenv("LANGUAGE", "fr", 1), 0);
	test_i18n_start();
	cr_assert_null(getenv("LANGUAGE"), "i18n_init leaves LANGUAGE in the environment");
	test_i18n_use("de");
	cr_assert_str_eq(_("Next"), "Weiter");

	/* Why it is removed: under a real locale gettext prefers LANGUAGE (seen on a text not
	 * looked up yet, since gettext caches each text per locale name). */
	cr_assert_eq(setenv("LANGUAGE", "fr", 1), 0);
	cr_assert_str_eq(_("Back"), "Retour");
}

Test(i18n, a_c_environment_still_gets_utf8_and_any_language)
{
	cr_assert_eq(setenv("LC_ALL", "C", 1), 0);
	test_i18n_start();
	cr_assert_str_eq(nl_langinfo(CODESET), "UTF-8");
	test_i18n_use("es");
	cr_assert_str_eq(_("Next"), "Siguiente");
}

Test(i18n, switching_leaves_ctype_and_numeric_alone)
{
	char	ctype[64], numeric[64], before[16], after[16];

	test_i18n_start();
	snprintf(ctype, sizeof ctype, "%s", setlocale(LC_CTYPE, NULL));
	snprintf(numeric, sizeof numeric, "%s", setlocale(LC_NUMERIC, NULL));
	snprintf(before, sizeof before, "%.1f", 1.5);
	test_i18n_use("de");
	test_i18n_use("fr");
	cr_assert_str_eq(setlocale(LC_CTYPE, NULL), ctype);
	cr_assert_str_eq(setlocale(LC_NUMERIC, NULL), numeric);
	snprintf(after, sizeof after, "%.1f", 1.5);
	cr_assert_str_eq(after, before);
}

Test(i18n, missing_locale_names_the_command_that_makes_it)
{
	char	*dir, *cause = NULL;

	test_i18n_start();
	/* With LOCPATH set, glibc looks for locales only there: here, nowhere. */
	dir = helpers_tmpdir();
	cr_assert_eq(setenv("LOCPATH", dir, 1), 0);
	cr_assert_eq(i18n_use("de", &cause), -1);
	cr_assert_not_null(cause);
	cr_assert_not_null(strstr(cause, "de_DE.UTF-8"), "cause: %s", cause);
	cr_assert_not_null(strstr(cause, "localedef -i de_DE -f UTF-8 de_DE.UTF-8"),
	    "cause: %s", cause);
	free(cause);
	helpers_rmdir(dir);
	free(dir);
}

Test(i18n, english_falls_back_to_c_utf8_without_en_us)
{
	char	*dir, *link;

	test_i18n_start();
	/* A locale directory holding C.utf8 only: en_US is missing, C.UTF-8 is there. */
	dir = helpers_tmpdir();
	link = helpers_path(dir, "C.utf8");
	cr_assert_eq(symlink("/usr/lib/locale/C.utf8", link), 0);
	cr_assert_eq(setenv("LOCPATH", dir, 1), 0);
	cr_assert_eq(i18n_use("de", NULL), -1);
	test_i18n_use("en");
	cr_assert_str_eq(setlocale(LC_MESSAGES, NULL), "C.UTF-8");
	cr_assert_str_eq(_("Next"), "Next");
	helpers_rmdir(dir);
	free(link);
	free(dir);
}

Test(i18n, missing_catalogue_is_refused_but_english_needs_none)
{
	char	*dir, *cause = NULL;

	dir = helpers_tmpdir();
	cr_assert_eq(i18n_init(dir, &cause), 0, "i18n_init: %s", cause);
	cr_assert_eq(i18n_use("fr", &cause), -1);
	cr_assert_not_null(strstr(cause, "fr/LC_MESSAGES/prefkiosk.mo is missing"), "cause: %s",
	    cause);
	free(cause);
	test_i18n_use("en");
	cr_assert_str_eq(_("Next"), "Next");
	helpers_rmdir(dir);
	free(dir);
}

Test(i18n, missing_directory_is_refused)
{
	char	*cause = NULL;

	cr_assert_eq(i18n_init("/nonexistent/prefkiosk/locale", &cause), -1);
	cr_assert_not_null(cause);
	cr_assert_not_null(strstr(cause, "/nonexistent/prefkiosk/locale"), "cause: %s", cause);
	free(cause);
}

Test(i18n, every_starter_text_is_translated)
{
	static const char *const langs[] = { "de", "fr", "es" };
	const char	*msgid, *text;
	char		*pot;
	size_t		 i, j, k, checked = 0;
	int		 same;

	test_i18n_start();
	pot = test_i18n_slurp("assets/po/prefkiosk.pot");
	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		test_i18n_use(langs[i]);
		for (j = 0; j < sizeof test_i18n_texts / sizeof test_i18n_texts[0]; j++) {
			msgid = test_i18n_texts[j];
			if (!test_i18n_in_template(pot, msgid))
				continue;
			checked++;
			text = _(msgid);
			/* gettext hands back msgid itself when the catalogue lacks it. */
			cr_assert_neq(text, msgid, "%s: \"%s\" is not in the catalogue", langs[i],
			    msgid);
			same = 0;
			for (k = 0; k < sizeof test_i18n_same / sizeof test_i18n_same[0]; k++)
				same |= strcmp(test_i18n_same[k].lang, langs[i]) == 0 &&
				    strcmp(test_i18n_same[k].msgid, msgid) == 0;
			if (!same)
				cr_assert_str_neq(text, msgid, "%s: \"%s\" is left in English",
				    langs[i], msgid);
		}
	}
	cr_assert_gt(checked, 0, "no starter text is in the template");
	free(pot);
}

Test(i18n, catalogues_cover_the_template_and_pass_msgfmt_check)
{
	static const char *const langs[] = { "de", "fr", "es" };
	char	cmd[256], mo[128];
	size_t	i;

	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		/* make compiled it with msgfmt --check, and deletes a target whose recipe fails. */
		snprintf(mo, sizeof mo, TEST_I18N_LOCALEDIR "/%s/LC_MESSAGES/prefkiosk.mo",
		    langs[i]);
		cr_assert_eq(access(mo, R_OK), 0, "%s is missing: run make", mo);
		snprintf(cmd, sizeof cmd, "msgfmt --check -o /dev/null assets/po/%s.po", langs[i]);
		cr_assert_eq(system(cmd), 0, "%s failed", cmd);
		/* Every msgid of the template translated, none fuzzy. */
		snprintf(cmd, sizeof cmd, "msgcmp assets/po/%s.po assets/po/prefkiosk.pot",
		    langs[i]);
		cr_assert_eq(system(cmd), 0, "%s: untranslated or fuzzy texts", cmd);
	}
}
