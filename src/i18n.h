/*
 * i18n — the kiosk's interface text through gettext, in the language the customer picks.
 *
 * Every text is written in English in the source, _("Next"), and looked up in the catalogue of
 * the current language: assets/po/<lang>.po, which make compiles into
 * <assets>/locale/<lang>/LC_MESSAGES/prefkiosk.mo.  English is the msgids themselves and has no
 * catalogue.  A table in i18n.c names the real locale each language is shown in
 * (de -> de_DE.UTF-8); i18n_use switches LC_MESSAGES to it, and the next gettext call reads that
 * language's catalogue (gettext caches per locale name, so switching back and forth is cheap).
 *
 * Why not LANGUAGE under C.UTF-8: glibc 2.39 and later ignore LANGUAGE while LC_MESSAGES is C or
 * C.UTF-8, so that trick shows English only there.  A real locale works on every glibc; it has
 * to exist on the machine (.ci/deps generates the four).  LANGUAGE is removed from the
 * environment by i18n_init, because it would otherwise override the customer's choice.
 *
 * State: this module keeps none.  The locale and gettext's binding are process state (setlocale,
 * bindtextdomain): the caller keeps the current language, and calls these from one thread only.
 * Switching changes LC_MESSAGES alone, never LC_CTYPE or LC_NUMERIC.
 */
#ifndef PREFKIOSK_I18N_H
#define PREFKIOSK_I18N_H

#include <libintl.h>

/* A text shown to the customer, in the current language (borrowed: never free it). */
#define _(s)	gettext(s)
/* A text marked for translation where it is defined (a static table), translated with _()
 * where it is shown. */
#define N_(s)	(s)

/*
 * Take the locale from the environment (a bad one is tolerated and leaves "C"), make sure
 * LC_CTYPE is UTF-8 (else C.UTF-8), remove LANGUAGE from the environment and bind the text
 * domain to localedir (the kiosk passes <assets_dir>/locale; it is made absolute, so a later
 * chdir does not lose it).  Returns 0, or -1 with *cause (caller frees) when localedir does
 * not exist or no UTF-8 locale is available.  Call i18n_use next: until then LC_MESSAGES is
 * whatever the environment said.
 */
int	 i18n_init(const char *localedir, char **cause);

/*
 * Show the interface in lang (an ISO 639-1 code: en, de, fr, es) from the next _() on.
 * Returns 0, or -1 with *cause (caller frees) for a language with no locale in the table, a
 * locale not installed on this machine (the cause gives the localedef command), or a language
 * whose catalogue is missing under the bound directory.  On failure the previous language
 * stays.
 */
int	 i18n_use(const char *lang, char **cause);

#endif
