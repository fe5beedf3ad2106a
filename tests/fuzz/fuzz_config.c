/*
 * fuzz_config — prefkiosk.ini with any content, read by config_load through libinih.
 *
 * The input is written over the scratch directory's config/prefkiosk.ini (beside the shipped
 * catalogue, with assets/ and the export recipient's key where the shipped config expects
 * them), then loaded.  A refusal is one line naming the file.  A config that loads holds only
 * what the options table allows: every number in its range, every choice one of its words,
 * one to eight distinct two-letter languages, a printer target when there is a printer, both
 * or neither of the export keys.  Then the shipped catalogue is loaded under it, as shop.c
 * does, and a kiosk journey started on the pair, so that a config the loader lets through
 * cannot break what comes after it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "config.h"
#include "fuzz.h"
#include "journey.h"
#include "shop.h"
#include "util.h"

/* Is word one of the space-separated words in list? */
static int
fuzz_config_word(const char *list, const char *word)
{
	size_t	len = strlen(word);

	while (*list != '\0') {
		size_t n = strcspn(list, " ");
		if (n == len && strncmp(list, word, n) == 0)
			return 1;
		list += n;
		list += strspn(list, " ");
	}
	return 0;
}

/* A refusal: one line, starting with the file it is about (path, or a file under other), as
 * a reason quotes it (a control character in a path is a '?'). */
static void
fuzz_config_refusal(const char *cause, const char *path, const char *other)
{
	char	*p = util_xstrdup(path), *o = util_xstrdup(other != NULL ? other : "");

	fuzz_check_reason(cause);
	util_printable(p);
	util_printable(o);
	FUZZ_CHECK((strncmp(cause, p, strlen(p)) == 0 && cause[strlen(p)] == ':') ||
	    (*o != '\0' && strncmp(cause, o, strlen(o)) == 0),
	    "the reason does not name the file: %s", cause);
	free(p);
	free(o);
}

/* What a loaded config may hold. */
static void
fuzz_config_check(const struct config *c, const char *dir)
{
	int	i, k;

	FUZZ_CHECK(strcmp(c->dir, dir) == 0 && c->assets_dir != NULL, "dir %s", c->dir);
	FUZZ_CHECK(*c->store_name != '\0' && *c->controller != '\0' &&
	    *c->controller_contact != '\0' && strlen(c->jurisdiction) >= 2, "[store]");
	FUZZ_CHECK(c->terminal_id >= 0 && c->terminal_id <= 4095, "id %d", c->terminal_id);
	FUZZ_CHECK(c->idle_timeout >= 10 && c->idle_timeout <= 3600, "%d", c->idle_timeout);
	FUZZ_CHECK(c->idle_warning >= 20 && c->idle_warning <= 300, "%d", c->idle_warning);
	FUZZ_CHECK(c->printer_module >= 1 && c->printer_module <= 16, "%d", c->printer_module);
	FUZZ_CHECK(c->inactive_days >= 1 && c->inactive_days <= 36500, "%d", c->inactive_days);
	FUZZ_CHECK(c->consent_validity_days >= 1 && c->consent_validity_days <= 3650, "%d",
	    c->consent_validity_days);
	FUZZ_CHECK(c->staff_max_failures >= 1 && c->staff_max_failures <= 100, "%d",
	    c->staff_max_failures);
	FUZZ_CHECK(c->staff_lockout_minutes >= 1 && c->staff_lockout_minutes <= 10080, "%d",
	    c->staff_lockout_minutes);
	FUZZ_CHECK(fuzz_config_word("kiosk desk", c->mode), "mode %s", c->mode);
	FUZZ_CHECK(fuzz_config_word("standard high_contrast", c->theme), "theme %s", c->theme);
	FUZZ_CHECK(fuzz_config_word("off offer on", c->speech), "speech %s", c->speech);
	FUZZ_CHECK(fuzz_config_word("standard large", c->layout), "layout %s", c->layout);
	FUZZ_CHECK(fuzz_config_word("off on", c->accessibility), "%s", c->accessibility);
	FUZZ_CHECK(fuzz_config_word("none device file command", c->printer_transport), "%s",
	    c->printer_transport);
	FUZZ_CHECK(fuzz_config_word("native raster", c->printer_qr), "%s", c->printer_qr);
	FUZZ_CHECK(fuzz_config_word("jsonl csv", c->export_format), "%s", c->export_format);
	FUZZ_CHECK(strcmp(c->printer_transport, "none") == 0 || *c->printer_target != '\0',
	    "a printer without a target");
	FUZZ_CHECK((c->export_dir == NULL) == (c->export_recipient == NULL), "half an export");
	FUZZ_CHECK(strlen(c->phone_country) >= 1 && strlen(c->phone_country) <= 3 &&
	    strspn(c->phone_country, "0123456789") == strlen(c->phone_country),
	    "phone_country %s", c->phone_country);

	FUZZ_CHECK(c->nlanguages >= 1 && c->nlanguages <= CONFIG_MAX_LANGS, "%d languages",
	    c->nlanguages);
	for (i = 0; i < c->nlanguages; i++) {
		FUZZ_CHECK(strlen(c->languages[i]) == 2 && c->languages[i][0] >= 'a' &&
		    c->languages[i][0] <= 'z' && c->languages[i][1] >= 'a' &&
		    c->languages[i][1] <= 'z', "language '%s'", c->languages[i]);
		for (k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(c->languages[k], c->languages[i]) != 0, "%s twice",
			    c->languages[i]);
		FUZZ_CHECK(config_language(c, c->languages[i]) == i, "%s", c->languages[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		*dir, *path, *catalog_path;
	struct config		*c;
	struct catalog		*cat;
	struct journey		*j;
	struct shop		 s;
	char			*cause = NULL, *notices;
	time_t			 now = 1772366400;

	if (dir == NULL) {
		dir = fuzz_path("config");
		path = fuzz_path("config/prefkiosk.ini");
		catalog_path = fuzz_path("config/catalog.ini");
	}
	fuzz_write(path, data, size);
	if ((c = config_load(dir, &cause)) == NULL) {
		fuzz_config_refusal(cause, path, NULL);
		free(cause);
		return 0;
	}
	FUZZ_CHECK(cause == NULL, "loaded with a reason: %s", cause);
	fuzz_config_check(c, dir);

	if ((cat = catalog_load(c, &cause)) == NULL) {
		notices = util_xprintf("%s/notices/", c->assets_dir);
		fuzz_config_refusal(cause, catalog_path, notices);
		free(notices);
		free(cause);
	} else {
		memset(&s, 0, sizeof s);
		s.config = c;
		s.catalog = cat;
		j = journey_new(&s, now);
		FUZZ_CHECK(j->step == JOURNEY_ATTRACT && j->lang == 0 &&
		    strcmp(j->draft->profile->language, c->languages[0]) == 0 &&
		    j->idle_timeout >= c->idle_timeout && j->idle_warning >= 20,
		    "a new journey on step %d", j->step);
		journey_free(j);
		catalog_free(cat);
	}
	config_free(c);
	return 0;
}
