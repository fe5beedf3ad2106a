/*
 * config — the terminal's settings, read from <config>/prefkiosk.ini with libinih.
 *
 * Every setting is one row of config_options: its section and key, its type, where it lives in
 * struct config, its default written as it would be in the file (NULL: the file must give it)
 * and its range.  Defaults go through the same setter as the file's values, so a default can
 * never be something the file would be refused for.  A key given twice, an unknown section or
 * key, and a value of the wrong type or out of range are refused with "<file>:<line>: ...".
 * One option is read beyond its text: [export] recipient names a public key file, loaded when
 * its line is, so a key that does not load is refused with that line like any bad value.
 *
 * config_ini_parse is the one way this program reads an INI file (the catalogue uses it too).
 * It feeds inih through a reader that counts lines, so every key reaches the caller with its
 * line number, and it refuses lines inih would otherwise cut in two: inih 55 reads at most 199
 * characters of a line and hands the rest over as if it were the next line.
 *
 * Ownership: config_load returns a config the caller frees with config_free; every string in it
 * is malloc'd and belongs to it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "util.h"

#define CONFIG_FILE		"prefkiosk.ini"
#define CONFIG_LINE_MAX		199	/* inih's buffer is 200 bytes, the NUL included */

/* Where a value goes and how it is read. */
enum config_type {
	CONFIG_STRING,		/* char *, at least min bytes */
	CONFIG_CHOICE,		/* char *, one of the words in choices */
	CONFIG_DIGITS,		/* char *, min..max decimal digits */
	CONFIG_INT,		/* int, min..max */
	CONFIG_LANGUAGES,	/* languages[] and nlanguages: min..max ISO 639-1 codes */
	CONFIG_PATH,		/* char *, resolved against the config directory; with min 0,
				 * an empty value is NULL */
	CONFIG_RECIPIENT,	/* a CONFIG_PATH to a public key file, read into export_pk */
};

/* One setting. */
struct config_option {
	const char		*section;
	const char		*key;
	enum config_type	 type;
	size_t			 offset;	/* in struct config */
	const char		*def;		/* as written in the file; NULL: required */
	int			 min;
	int			 max;
	const char		*choices;	/* CONFIG_CHOICE: the allowed words */
};

#define CONFIG_AT(field)	offsetof(struct config, field)

static const struct config_option config_options[] = {
	{ "store", "name", CONFIG_STRING, CONFIG_AT(store_name), NULL, 1, 0, NULL },
	{ "store", "controller", CONFIG_STRING, CONFIG_AT(controller), NULL, 1, 0, NULL },
	{ "store", "controller_contact", CONFIG_STRING, CONFIG_AT(controller_contact), NULL,
	    1, 0, NULL },
	{ "store", "jurisdiction", CONFIG_STRING, CONFIG_AT(jurisdiction), NULL, 2, 0, NULL },

	{ "terminal", "id", CONFIG_INT, CONFIG_AT(terminal_id), NULL, 0, 4095, NULL },
	{ "terminal", "mode", CONFIG_CHOICE, CONFIG_AT(mode), "kiosk", 0, 0, "kiosk desk" },
	{ "terminal", "idle_timeout", CONFIG_INT, CONFIG_AT(idle_timeout), "60", 10, 3600, NULL },
	{ "terminal", "idle_warning", CONFIG_INT, CONFIG_AT(idle_warning), "30", 20, 300, NULL },
	{ "terminal", "theme", CONFIG_CHOICE, CONFIG_AT(theme), "standard", 0, 0,
	    "standard high_contrast" },
	{ "terminal", "speech", CONFIG_CHOICE, CONFIG_AT(speech), "off", 0, 0, "off offer on" },
	{ "terminal", "layout", CONFIG_CHOICE, CONFIG_AT(layout), "standard", 0, 0,
	    "standard large" },
	{ "terminal", "accessibility", CONFIG_CHOICE, CONFIG_AT(accessibility), "off", 0, 0,
	    "off on" },

	{ "locale", "languages", CONFIG_LANGUAGES, CONFIG_AT(languages), "en",
	    1, CONFIG_MAX_LANGS, NULL },
	{ "locale", "phone_country", CONFIG_DIGITS, CONFIG_AT(phone_country), "49", 1, 3, NULL },

	{ "printer", "transport", CONFIG_CHOICE, CONFIG_AT(printer_transport), "none", 0, 0,
	    "none device file command" },
	{ "printer", "target", CONFIG_STRING, CONFIG_AT(printer_target), "", 0, 0, NULL },
	{ "printer", "qr", CONFIG_CHOICE, CONFIG_AT(printer_qr), "native", 0, 0, "native raster" },
	{ "printer", "module_size", CONFIG_INT, CONFIG_AT(printer_module), "6", 1, 16, NULL },

	{ "retention", "inactive_days", CONFIG_INT, CONFIG_AT(inactive_days), "730", 1, 36500,
	    NULL },
	{ "retention", "consent_validity_days", CONFIG_INT, CONFIG_AT(consent_validity_days),
	    "365", 1, 3650, NULL },

	{ "security", "staff_max_failures", CONFIG_INT, CONFIG_AT(staff_max_failures), "5", 1, 100,
	    NULL },
	{ "security", "staff_lockout_minutes", CONFIG_INT, CONFIG_AT(staff_lockout_minutes), "15",
	    1, 10080, NULL },

	{ "export", "directory", CONFIG_PATH, CONFIG_AT(export_dir), "", 0, 0, NULL },
	{ "export", "recipient", CONFIG_RECIPIENT, CONFIG_AT(export_recipient), "", 0, 0, NULL },
	{ "export", "format", CONFIG_CHOICE, CONFIG_AT(export_format), "jsonl", 0, 0,
	    "jsonl csv" },

	{ "hub", "conninfo", CONFIG_STRING, CONFIG_AT(hub_conninfo), "", 0, 0, NULL },
	{ "hub", "sync_interval", CONFIG_INT, CONFIG_AT(hub_interval), "60", 0, 86400, NULL },
	{ "hub", "offline_redemption", CONFIG_CHOICE, CONFIG_AT(hub_offline), "refuse", 0, 0,
	    "refuse accept" },

	{ "paths", "assets", CONFIG_PATH, CONFIG_AT(assets_dir), "../assets", 1, 0, NULL },
};
#define CONFIG_NOPTIONS	(sizeof config_options / sizeof config_options[0])

/* What config_load's handler needs: the config being filled and where each key was seen. */
struct config_parse {
	struct config	*config;
	int		 seen[CONFIG_NOPTIONS];	/* line of each option in the file, 0 if absent */
};

/* The state of one config_ini_parse: the file, the line we are on, the section headers seen. */
struct config_ini {
	FILE		 *f;
	const char	 *path;
	bool		  allow_empty;
	int		(*fn)(void *, const struct config_ini_line *, char **);
	void		 *arg;
	char		**cause;

	int		  line;		/* lines read so far */
	int		  headers;	/* section headers read so far */
	int		  header_line;	/* line of the last one */
	int		  handled;	/* the header the last key belonged to */
	bool		  has_keys;	/* the last header has a key under it */

	bool		  failed;	/* fn refused a key; *cause is set */
	int		  too_long;	/* line of an over-long line */
	int		  empty;	/* line of a header without keys */
};

/* The field an option points at. */
static void *
config_field(struct config *c, const struct config_option *o)
{
	return (char *)c + o->offset;
}

/* Is word one of the space-separated words in list? */
static bool
config_is_word(const char *list, const char *word)
{
	size_t	len = strlen(word);

	while (*list != '\0') {
		size_t n = strcspn(list, " ");
		if (n == len && n > 0 && strncmp(list, word, n) == 0)
			return true;
		list += n;
		list += strspn(list, " ");
	}
	return false;
}

/* Parse a decimal int in min..max; -1 if it is not one. */
static int
config_int(const char *value, int min, int max, int *out)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

/* Replace the language list with the codes in value; NULL, or why not (caller frees). */
static char *
config_set_languages(struct config *c, const struct config_option *o, const char *value)
{
	char	*codes[CONFIG_MAX_LANGS], *why = NULL;
	size_t	 len;
	int	 n = 0, i;

	for (; *(value += strspn(value, " \t")) != '\0'; value += len) {
		len = strcspn(value, " \t");
		if (len != 2 || value[0] < 'a' || value[0] > 'z' || value[1] < 'a' ||
		    value[1] > 'z') {
			why = util_xprintf("'%.*s' is not an ISO 639-1 code (two lower-case "
			    "letters, e.g. en)", (int)len, value);
			break;
		}
		for (i = 0; i < n && strncmp(codes[i], value, 2) != 0; i++)
			;
		if (i < n) {
			why = util_xprintf("'%.2s' is listed twice", value);
			break;
		}
		if (n == o->max) {
			why = util_xprintf("at most %d languages", o->max);
			break;
		}
		codes[n++] = util_xprintf("%.2s", value);
	}
	if (why == NULL && n < o->min)
		why = util_xprintf("give at least %d language, e.g. \"en de\"", o->min);
	if (why != NULL) {
		for (i = 0; i < n; i++)
			free(codes[i]);
		return why;
	}
	for (i = 0; i < c->nlanguages; i++)
		free(c->languages[i]);
	memcpy(c->languages, codes, sizeof codes[0] * (size_t)n);
	c->nlanguages = n;
	return NULL;
}

/* Read the export recipient's public key; NULL, or why not and what to do (caller frees). */
static char *
config_set_recipient(struct config *c, const char *path)
{
	char	*cause = NULL, *why;

	if (sealfile_public_load(path, c->export_pk, &cause) == 0)
		return NULL;
	why = util_xprintf("%s (give the .pub file of a pair made by prefkiosk export-keys)",
	    cause);
	free(cause);
	return why;
}

/* Set one option from its text; NULL, or why the text is refused (caller frees). */
static char *
config_set(struct config *c, const struct config_option *o, const char *value)
{
	char	**str = config_field(c, o);
	size_t	  len = strlen(value);

	switch (o->type) {
	case CONFIG_STRING:
		if (len < (size_t)o->min)
			return util_xprintf("give at least %d characters", o->min);
		break;
	case CONFIG_CHOICE:
		if (!config_is_word(o->choices, value))
			return util_xprintf("'%s' is not one of: %s", value, o->choices);
		break;
	case CONFIG_DIGITS:
		if (len < (size_t)o->min || len > (size_t)o->max ||
		    strspn(value, "0123456789") != len)
			return util_xprintf("'%s' is not %d to %d digits", value, o->min, o->max);
		break;
	case CONFIG_INT:
		if (config_int(value, o->min, o->max, config_field(c, o)) != 0)
			return util_xprintf("'%s' is not a whole number from %d to %d", value,
			    o->min, o->max);
		return NULL;
	case CONFIG_LANGUAGES:
		return config_set_languages(c, o, value);
	case CONFIG_PATH:
	case CONFIG_RECIPIENT:
		if (len < (size_t)o->min)
			return util_xprintf("give a directory");
		free(*str);
		*str = NULL;
		if (len == 0)
			return NULL;
		*str = value[0] == '/' ? util_xstrdup(value) : util_xprintf("%s/%s", c->dir, value);
		if (o->type == CONFIG_RECIPIENT)
			return config_set_recipient(c, *str);
		return NULL;
	}
	free(*str);
	*str = util_xstrdup(value);
	return NULL;
}

/* The options of a section, for a message: "id, mode, ...", caller frees. */
static char *
config_keys(const char *section)
{
	char	*list = NULL, *next;
	size_t	 i;

	for (i = 0; i < CONFIG_NOPTIONS; i++) {
		if (section != NULL && strcmp(config_options[i].section, section) != 0)
			continue;
		if (section == NULL && i > 0 &&
		    strcmp(config_options[i - 1].section, config_options[i].section) == 0)
			continue;
		next = util_xprintf("%s%s%s%s%s", list != NULL ? list : "",
		    list != NULL ? ", " : "", section == NULL ? "[" : "",
		    section == NULL ? config_options[i].section : config_options[i].key,
		    section == NULL ? "]" : "");
		free(list);
		list = next;
	}
	return list;
}

/* inih's handler for prefkiosk.ini: find the option, refuse a repeat, set it. */
static int
config_handle(void *arg, const struct config_ini_line *l, char **cause)
{
	struct config_parse		*p = arg;
	const struct config_option	*o;
	char				*why, *list;
	size_t				 i;
	bool				 known_section = false;

	for (i = 0; i < CONFIG_NOPTIONS; i++) {
		o = &config_options[i];
		if (strcmp(o->section, l->section) != 0)
			continue;
		known_section = true;
		if (strcmp(o->key, l->key) == 0)
			break;
	}
	if (i == CONFIG_NOPTIONS && l->section_line == 0)
		return util_fail(cause, "%s:%d: '%s' comes before any section; put it under its "
		    "[section]", l->path, l->line, l->key);
	if (i == CONFIG_NOPTIONS) {
		list = config_keys(known_section ? l->section : NULL);
		if (known_section)
			util_fail(cause, "%s:%d: unknown key '%s' in [%s]; the keys are: %s",
			    l->path, l->line, l->key, l->section, list);
		else
			util_fail(cause, "%s:%d: unknown section [%s]; the sections are: %s",
			    l->path, l->line, l->section, list);
		free(list);
		return -1;
	}
	if (p->seen[i] != 0)
		return util_fail(cause, "%s:%d: [%s] %s is given twice (first on line %d); keep "
		    "one", l->path, l->line, o->section, o->key, p->seen[i]);
	p->seen[i] = l->line;
	if ((why = config_set(p->config, o, l->value)) != NULL) {
		util_fail(cause, "%s:%d: [%s] %s: %s", l->path, l->line, o->section, o->key, why);
		free(why);
		return -1;
	}
	return 0;
}

/* Defaults first, then the file over them, then the keys the file must give. */
struct config *
config_load(const char *dir, char **cause)
{
	struct config_parse	 p;
	struct config		*c;
	char			*path, *why;
	size_t			 i;
	int			 rc = -1;

	memset(&p, 0, sizeof p);
	c = p.config = util_xcalloc(1, sizeof *c);
	c->dir = util_xstrdup(dir);
	path = util_xprintf("%s/%s", dir, CONFIG_FILE);

	for (i = 0; i < CONFIG_NOPTIONS; i++) {
		if (config_options[i].def == NULL)
			continue;
		if ((why = config_set(c, &config_options[i], config_options[i].def)) != NULL)
			abort();	/* a default the table itself refuses: a bug */
	}
	if (config_ini_parse(path, true, config_handle, &p, cause) != 0)
		goto out;
	for (i = 0; i < CONFIG_NOPTIONS; i++) {
		if (config_options[i].def == NULL && p.seen[i] == 0) {
			util_fail(cause, "%s: [%s] %s is missing; add it", path,
			    config_options[i].section, config_options[i].key);
			goto out;
		}
	}
	if (strcmp(c->printer_transport, "none") != 0 && *c->printer_target == '\0') {
		util_fail(cause, "%s: [printer] target is needed with transport = %s (a device, a "
		    "file or a command)", path, c->printer_transport);
		goto out;
	}
	if ((c->export_dir == NULL) != (c->export_recipient == NULL)) {
		util_fail(cause, "%s: [export] %s", path, c->export_dir == NULL ?
		    "directory is needed with recipient (the folder the kiosk exports to)" :
		    "recipient is needed with directory: exports are sealed to the master data "
		    "system's public key (make a pair with prefkiosk export-keys)");
		goto out;
	}
	rc = 0;
out:
	free(path);
	if (rc != 0) {
		config_free(c);
		return NULL;
	}
	return c;
}

/* Free a config and its strings; NULL is fine. */
void
config_free(struct config *c)
{
	size_t	i;
	int	n;

	if (c == NULL)
		return;
	for (i = 0; i < CONFIG_NOPTIONS; i++) {
		if (config_options[i].type != CONFIG_INT &&
		    config_options[i].type != CONFIG_LANGUAGES)
			free(*(char **)config_field(c, &config_options[i]));
	}
	for (n = 0; n < c->nlanguages; n++)
		free(c->languages[n]);
	free(c->dir);
	free(c);
}

/* The index of a language code in the config, or -1. */
int
config_language(const struct config *c, const char *lang)
{
	int	i;

	if (lang == NULL)
		return -1;
	for (i = 0; i < c->nlanguages; i++) {
		if (strcmp(c->languages[i], lang) == 0)
			return i;
	}
	return -1;
}

/* Is the last header still without keys, when that is not allowed?  Remember where it was. */
static bool
config_ini_empty(struct config_ini *st)
{
	if (st->allow_empty || st->headers == 0 || st->has_keys)
		return false;
	st->empty = st->header_line;
	return true;
}

/* inih's reader: one whole line, counted; NULL at the end or to stop at a line it can't take. */
static char *
config_ini_read(char *buf, int size, void *arg)
{
	struct config_ini	*st = arg;
	const char		*p;
	size_t			 len;
	int			 ch;

	if (fgets(buf, size, st->f) == NULL) {
		config_ini_empty(st);
		return NULL;
	}
	st->line++;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] != '\n') {
		/* A full buffer is a whole line only if the newline (or the end) comes next. */
		ch = getc(st->f);
		if (ch != '\n' && ch != EOF) {
			st->too_long = st->line;
			return NULL;
		}
	}
	p = buf;
	if (st->line == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	p += strspn(p, " \t");
	if (*p == '[') {
		if (config_ini_empty(st))
			return NULL;
		st->headers++;
		st->header_line = st->line;
		st->has_keys = false;
	}
	return buf;
}

/* inih's handler: hand the key to the caller's function with its line. */
static int
config_ini_handle(void *arg, const char *section, const char *key, const char *value)
{
	struct config_ini	*st = arg;
	struct config_ini_line	 l;

	l.path = st->path;
	l.section = section;
	l.key = key;
	l.value = value;
	l.line = st->line;
	l.section_line = st->header_line;
	l.new_section = st->handled != st->headers;
	st->handled = st->headers;
	st->has_keys = true;
	if (st->fn(st->arg, &l, st->cause) != 0) {
		st->failed = true;
		return 0;
	}
	return 1;
}

/* Feed one file to inih through the line-counting reader; see config.h. */
int
config_ini_parse(const char *path, bool allow_empty,
    int (*fn)(void *, const struct config_ini_line *, char **), void *arg, char **cause)
{
	struct config_ini	st;
	int			rc = -1, parsed;

	memset(&st, 0, sizeof st);
	st.path = path;
	st.allow_empty = allow_empty;
	st.fn = fn;
	st.arg = arg;
	st.cause = cause;
	if ((st.f = fopen(path, "r")) == NULL)
		return util_fail(cause, "%s: cannot read: %s", path, strerror(errno));

	/* Texts contain ';', and a value never continues on the next line. */
	ini_allow_inline_comments = false;
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;
	parsed = ini_parse_stream(config_ini_read, &st, config_ini_handle, &st);

	if (st.failed)
		goto out;
	if (st.too_long != 0)
		util_fail(cause, "%s:%d: line too long (at most %d characters); keep long texts in "
		    "assets/ files", path, st.too_long, CONFIG_LINE_MAX);
	else if (st.empty != 0)
		util_fail(cause, "%s:%d: a section without keys; complete it or remove it", path,
		    st.empty);
	else if (ferror(st.f))
		util_fail(cause, "%s: cannot read: %s", path, strerror(errno));
	else if (parsed == -2)
		abort();	/* inih out of memory */
	else if (parsed != 0)
		util_fail(cause, "%s:%d: not a '[section]' header or a 'key = value' line", path,
		    parsed);
	else
		rc = 0;
out:
	fclose(st.f);
	return rc;
}
