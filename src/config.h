/*
 * config — the terminal's settings, read from <config>/prefkiosk.ini.
 *
 * Every setting is a row in one options table (section, key, type, default, min, max), so the
 * parser, the defaults and the validation are the same code for all of them.  Unknown sections
 * or keys, values out of range and over-long lines are refused with the file, the line and what
 * to fix.  A loaded config is immutable; the catalogue (catalog.h) is read beside it.
 */
#ifndef PREFKIOSK_CONFIG_H
#define PREFKIOSK_CONFIG_H

#include <stdbool.h>

#include "sealfile.h"

#define CONFIG_MAX_LANGS	8

struct config {
	char	*dir;			/* the config directory, as given */
	char	*assets_dir;		/* resolved against dir */

	/* [store] */
	char	*store_name;
	char	*controller;		/* legal name of the data controller */
	char	*controller_contact;	/* where customers exercise their rights */
	char	*jurisdiction;		/* e.g. "EU-DE" */

	/* [terminal] */
	int	 terminal_id;		/* 0..4095, unique in a fleet */
	char	*mode;			/* "kiosk" or "desk" */
	int	 idle_timeout;		/* seconds before the idle warning */
	int	 idle_warning;		/* seconds of countdown, at least 20 */
	char	*theme;			/* "standard" or "high_contrast" (F3 switches) */
	char	*speech;		/* "off", "offer" (the attract screen offers it in speech)
					 * or "on"; 5 on the attract screen switches */
	char	*layout;		/* "standard" or "large" (9 on the attract screen) */
	char	*accessibility;		/* "on": long time limits in every session; "off": only
					 * while speech or the large layout is on */

	/* [locale] */
	char	*languages[CONFIG_MAX_LANGS];	/* ISO 639-1 codes, first is the default */
	int	 nlanguages;
	char	*phone_country;		/* default calling code, digits only, e.g. "49" */

	/* [printer] */
	char	*printer_transport;	/* "none", "device", "file" or "command" */
	char	*printer_target;
	char	*printer_qr;		/* "native" (GS ( k) or "raster" (GS v 0, for printers
					 * without a QR engine) */
	int	 printer_module;	/* dots per QR module, 1..16 */

	/* [retention] (days) */
	int	 inactive_days;		/* members unseen this long are erased by purge */
	int	 consent_validity_days;	/* default validity of a given consent */

	/* [security] */
	int	 staff_max_failures;	/* wrong PINs before lock-out */
	int	 staff_lockout_minutes;

	/* [export]: both or neither; without them the kiosk cannot export */
	char	*export_dir;		/* where the kiosk's sealed exports go, or NULL */
	char	*export_recipient;	/* the master data system's public key file, or NULL */
	unsigned char export_pk[SEALFILE_KEY_BYTES];	/* read from it at load */
	char	*export_format;		/* "jsonl" or "csv" */

	/* [hub]: the fleet's PostgreSQL hub (sync.c); conninfo "" when this terminal has none */
	char	*hub_conninfo;		/* libpq connection string; $PREFKIOSK_HUB overrides */
	int	 hub_interval;		/* seconds between the kiosk's background syncs; 0: never */
	char	*hub_offline;		/* "refuse" or "accept" a redemption the hub cannot decide */
};

/* Read <dir>/prefkiosk.ini.  Returns NULL and sets *cause (caller frees) on any error. */
struct config	*config_load(const char *dir, char **cause);
void		 config_free(struct config *);

/* Index of language code lang in the config, or -1. */
int		 config_language(const struct config *, const char *lang);

/* One "key = value" line of an INI file, as config_ini_parse hands it over. */
struct config_ini_line {
	const char	*path;		/* the file, for messages */
	const char	*section;	/* "" before the first header */
	const char	*key;
	const char	*value;
	int		 line;		/* of this key */
	int		 section_line;	/* of its section's header; 0 before the first */
	bool		 new_section;	/* the first key under a new header */
};

/*
 * Read an INI file with inih (no inline comments, no continuation lines), calling fn for every
 * key with the line it is on; fn returns 0, or -1 with *cause set.  Returns 0, or -1 with
 * *cause (caller frees) for an unreadable file, a line that is not "[section]" or "key = value",
 * a line of 200 characters or more, or, unless allow_empty, a section header with no keys.
 * The catalogue reads its file through this too, so both files follow the same rules.
 */
int		 config_ini_parse(const char *path, bool allow_empty,
		    int (*fn)(void *arg, const struct config_ini_line *, char **cause), void *arg,
		    char **cause);

#endif
