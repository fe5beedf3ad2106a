/*
 * i18n — gettext bound to prefkiosk's catalogues, and the language switched through LC_MESSAGES.
 *
 * The table below is the whole of the language support: a language, the real locale it is shown
 * in, and whether it has a catalogue.  A locale is tried as <name>.UTF-8, then <name>.utf8 (the
 * spelling `locale -a` prints; glibc accepts both, other C libraries may not).  English needs no
 * catalogue, so any locale shows it: C.UTF-8 stands in when en_US is not installed.
 *
 * Nothing here is kept between calls; see i18n.h for the process state this module changes.
 */
#include <assert.h>
#include <errno.h>
#include <langinfo.h>
#include <libintl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

#define I18N_DOMAIN	"prefkiosk"

static const char	i18n_header[] = "";

static const struct i18n_language {
	const char	*lang;		/* ISO 639-1, as in prefkiosk.ini's languages */
	const char	*locale;	/* without the codeset: localedef's -i */
	const char	*fallback;	/* a locale that shows the same text, or NULL */
	bool		 catalogue;	/* false for English, the msgids themselves */
} i18n_languages[] = {
	{ "en", "en_US", "C.UTF-8",	false },
	{ "de", "de_DE", NULL,		true },
	{ "fr", "fr_FR", NULL,		true },
	{ "es", "es_ES", NULL,		true },
};
#define I18N_NLANGUAGES	(sizeof i18n_languages / sizeof i18n_languages[0])

/* The table's row for lang, or NULL. */
static const struct i18n_language *
i18n_find(const char *lang)
{
	size_t	i;

	for (i = 0; i < I18N_NLANGUAGES; i++) {
		if (strcmp(i18n_languages[i].lang, lang) == 0)
			return &i18n_languages[i];
	}
	return NULL;
}

/* Switch LC_MESSAGES to l's locale in any spelling; 0, or -1 when none is installed. */
static int
i18n_setlocale(const struct i18n_language *l)
{
	static const char *const codesets[] = { "UTF-8", "utf8" };
	char	name[64];
	size_t	i;

	for (i = 0; i < sizeof codesets / sizeof codesets[0]; i++) {
		snprintf(name, sizeof name, "%s.%s", l->locale, codesets[i]);
		if (setlocale(LC_MESSAGES, name) != NULL)
			return 0;
	}
	if (l->fallback != NULL && setlocale(LC_MESSAGES, l->fallback) != NULL)
		return 0;
	return -1;
}

/* Set up the locale and bind the text domain (see i18n.h). */
int
i18n_init(const char *localedir, char **cause)
{
	char	*dir = NULL;
	int	 rc = -1;

	/* An unknown locale in LANG or LC_* fails here and leaves "C"; the next lines fix up
	 * what the kiosk needs, so the environment can only make it better. */
	(void)setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0 &&
	    setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		util_fail(cause, "no UTF-8 locale: the terminal's locale is %s and C.UTF-8 is not "
		    "installed", nl_langinfo(CODESET));
		goto out;
	}
	/* gettext reads LANGUAGE at every call and prefers it to LC_MESSAGES. */
	unsetenv("LANGUAGE");

	/* gettext resolves a relative directory against the working directory of each call. */
	if ((dir = realpath(localedir, NULL)) == NULL) {
		util_fail(cause, "%s: %s (the translations are compiled by make)", localedir,
		    strerror(errno));
		goto out;
	}
	/* These fail only when out of memory. */
	if (bindtextdomain(I18N_DOMAIN, dir) == NULL ||
	    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8") == NULL ||
	    textdomain(I18N_DOMAIN) == NULL)
		abort();
	rc = 0;
out:
	free(dir);
	return rc;
}

/* Show the interface in lang from the next _() on (see i18n.h). */
int
i18n_use(const char *lang, char **cause)
{
	const struct i18n_language	*l;
	char				*previous = NULL, known[64];
	size_t				 i, len = 0;
	int				 rc = -1;

	assert(lang != NULL);
	if ((l = i18n_find(lang)) == NULL) {
		for (i = 0; i < I18N_NLANGUAGES; i++) {
			len += snprintf(known + len, sizeof known - len, "%s%s", i == 0 ? "" : ", ",
			    i18n_languages[i].lang);
			assert(len < sizeof known);
		}
		util_fail(cause, "no interface text in language \"%s\"; the languages are %s", lang,
		    known);
		goto out;
	}

	previous = util_xstrdup(setlocale(LC_MESSAGES, NULL));
	if (i18n_setlocale(l) == -1) {
		util_fail(cause, "the locale %s.UTF-8 (language %s) is not installed; as root run: "
		    "localedef -i %s -f UTF-8 %s.UTF-8 (make deps does it)", l->locale, l->lang,
		    l->locale, l->locale);
		goto out;
	}
	/* The empty msgid is the catalogue's header: "" back means no catalogue was found.  A
	 * variable, not a literal, so that xgettext does not extract it. */
	if (l->catalogue && *gettext(i18n_header) == '\0') {
		util_fail(cause, "no %s interface text: %s/%s/LC_MESSAGES/%s.mo is missing (make "
		    "compiles it from assets/po/%s.po)", l->lang, bindtextdomain(I18N_DOMAIN, NULL),
		    l->lang, I18N_DOMAIN, l->lang);
		setlocale(LC_MESSAGES, previous);
		goto out;
	}
	rc = 0;
out:
	free(previous);
	return rc;
}
