/*
 * catalog — what the shop asks about and offers, read from <config>/catalog.ini and the notice
 * files under <assets>/notices/.
 *
 * Every section is "[kind ID]".  Each kind is one row of catalog_kinds: where its entries live
 * in struct catalog, the table of its keys (type, where the value goes, range, the kind a
 * reference points at) and a function for the rules that span several keys.  Loading goes in
 * three steps so that entries may refer to entries further down the file:
 *
 *   1. read: config_ini_parse hands every key over with its line; the keys are kept as text,
 *      section by section, and a key given twice in one section is refused there;
 *   2. name: every section becomes an entry with its id (a duplicate id is refused);
 *   3. fill: each section's keys are turned into values through its kind's key table, then
 *      checked as a whole (notices are read here), then the catalogue is checked as a whole.
 *
 * Texts are translated with suffixed keys: "title.de = ..." is the German title.  An unsuffixed
 * "title = ..." is in the catalogue's own language: English, unless a [catalog] section says
 * "language = xx".  Texts in languages the config does not list are ignored, so a shop can run
 * with fewer languages than the catalogue has; a configured language with a text missing is
 * refused.  Rewards pay for preferences shared, visits and feedback, never for consent: a
 * reward that names a purpose or consent is refused, so consent stays freely given.
 *
 * Ownership: catalog_load returns a catalogue the caller frees with catalog_free; it borrows
 * the config, which must outlive it.  Every string and array in it belongs to it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "catalog.h"
#include "customer.h"
#include "reward.h"
#include "util.h"

#define CATALOG_FILE		"catalog.ini"
#define CATALOG_BASE_LANGUAGE	"en"	/* of unsuffixed texts, unless [catalog] says otherwise */
#define CATALOG_ID_MAX		32
#define CATALOG_MAX_FIELDS	16	/* keys of the largest kind */
#define CATALOG_NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* The kinds of section, in the order of catalog_kinds. */
enum catalog_kind_id {
	CATALOG_KIND_CATEGORY,
	CATALOG_KIND_INTEREST,
	CATALOG_KIND_FREQUENCY,
	CATALOG_KIND_CHANNEL,
	CATALOG_KIND_PURPOSE,
	CATALOG_KIND_REWARD,
	CATALOG_NKINDS
};

/* How a value is read and where it goes. */
enum catalog_type {
	CATALOG_TEXT,		/* struct catalog_text: one value per language */
	CATALOG_INT,		/* int, min..max */
	CATALOG_YESNO,		/* bool: "yes" or "no" */
	CATALOG_WORDS,		/* char ** and a count: space-separated words */
	CATALOG_LIST,		/* char ** and a count: comma-separated, may be empty */
	CATALOG_CHOICE,		/* char *: one of names */
	CATALOG_ENUM,		/* an enum: the index of the value in names */
	CATALOG_CONTACT,	/* enum contact_field: one of names, through contact_field_parse */
	CATALOG_REF,		/* size_t: the index of an entry of kind target */
	CATALOG_REFS,		/* size_t * and a count: space-separated ids of kind target */
};

/* One key of a kind of section. */
struct catalog_field {
	const char		*key;
	enum catalog_type	 type;
	size_t			 offset;	/* of the value in the entry */
	size_t			 count;		/* WORDS, LIST, REFS: of the number of values */
	bool			 required;	/* TEXT is always required */
	int			 min;		/* INT */
	int			 max;		/* INT; WORDS, LIST, REFS: items (0: any) */
	int			 def;		/* INT, YESNO: when the key is absent */
	const char *const	*names;		/* CHOICE, ENUM, CONTACT: NULL-terminated */
	enum catalog_kind_id	 target;	/* REF, REFS */
};

struct catalog_parse;
struct catalog_section;

/* One kind of section: where its entries go, its keys, and its rules across keys. */
struct catalog_kind {
	const char			*name;		/* as in "[interest ID]" */
	size_t				 size;		/* of one entry */
	size_t				 array;		/* offset of its entries in the catalog */
	size_t				 count;		/* offset of their number */
	size_t				 min;		/* entries the catalogue needs */
	size_t				 max;		/* entries the rest has room for; 0: any */
	const struct catalog_field	*fields;
	size_t				 nfields;
	size_t				 notices;	/* offset of a notice per language, or 0 */
	int				(*check)(struct catalog_parse *,
					    const struct catalog_section *, void *, char **);
};

/* One key as read, before it is understood. */
struct catalog_key {
	char	*key;		/* "title.de", as written */
	char	*value;
	int	 line;
};

/* One section as read: its kind (NULL for [catalog]), its id, its keys, and its entry. */
struct catalog_section {
	const struct catalog_kind	*kind;
	char				*id;
	int				 line;
	struct catalog_key		*keys;
	size_t				 nkeys;
	size_t				 index;		/* of its entry among its kind's */
	void				*entry;
};

/* A load in progress. */
struct catalog_parse {
	const struct config	*config;
	struct catalog		*catalog;
	const char		*path;
	struct catalog_section	*sections;
	size_t			 nsections;
	int			 base;		/* language of unsuffixed texts, or -1 */
};

/* Keys and values that would make a reward depend on consent. */
static const struct catalog_refusal {
	const char	*key;
	const char	*value;		/* NULL: any value */
} catalog_refusals[] = {
	{ "requires", NULL },
	{ "requires_consent", NULL },
	{ "consent", NULL },
	{ "consents", NULL },
	{ "purpose", NULL },
	{ "purposes", NULL },
	{ "trigger", "consent" },
};

static const char *const catalog_reward_kind_names[] = {
	[CATALOG_REWARD_PERCENT] = "percent",
	[CATALOG_REWARD_AMOUNT] = "amount",
	[CATALOG_REWARD_ITEM] = "item",
	[CATALOG_REWARD_ACCESS] = "access",
	NULL
};

static const char *const catalog_trigger_names[] = {
	[CATALOG_TRIGGER_WELCOME] = "welcome",
	[CATALOG_TRIGGER_COMPLETION] = "completion",
	[CATALOG_TRIGGER_STAMP] = "stamp",
	[CATALOG_TRIGGER_FEEDBACK] = "feedback",
	[CATALOG_TRIGGER_MANUAL] = "manual",
	NULL
};

static const char *const catalog_lawful_bases[] = { "consent", "explicit-consent", NULL };

/* A channel asks for an e-mail address, a phone number, or nothing. */
static const char *const catalog_needs[] = { "email", "phone", "none", NULL };

/* CATALOG_ENUM and CATALOG_CONTACT write an int over the enum. */
_Static_assert(sizeof(enum catalog_reward_kind) == sizeof(int), "enum is not an int");
_Static_assert(sizeof(enum catalog_trigger) == sizeof(int), "enum is not an int");
_Static_assert(sizeof(enum contact_field) == sizeof(int), "enum is not an int");

#define CATALOG_AT(kind, field)	offsetof(struct catalog_##kind, field)

static const struct catalog_field catalog_category_fields[] = {
	{ .key = "title", .type = CATALOG_TEXT, .offset = CATALOG_AT(category, title) },
};

static const struct catalog_field catalog_interest_fields[] = {
	{ .key = "category", .type = CATALOG_REF, .offset = CATALOG_AT(interest, category),
	    .required = true, .target = CATALOG_KIND_CATEGORY },
	{ .key = "title", .type = CATALOG_TEXT, .offset = CATALOG_AT(interest, title) },
};

static const struct catalog_field catalog_frequency_fields[] = {
	{ .key = "title", .type = CATALOG_TEXT, .offset = CATALOG_AT(frequency, title) },
};

static const struct catalog_field catalog_channel_fields[] = {
	{ .key = "title", .type = CATALOG_TEXT, .offset = CATALOG_AT(channel, title) },
	{ .key = "needs", .type = CATALOG_CONTACT, .offset = CATALOG_AT(channel, needs),
	    .required = true, .names = catalog_needs },
	{ .key = "frequencies", .type = CATALOG_REFS, .offset = CATALOG_AT(channel, frequencies),
	    .count = CATALOG_AT(channel, nfrequencies), .max = CATALOG_MAX_FREQUENCIES,
	    .target = CATALOG_KIND_FREQUENCY },
};

static const struct catalog_field catalog_purpose_fields[] = {
	{ .key = "title", .type = CATALOG_TEXT, .offset = CATALOG_AT(purpose, title) },
	{ .key = "description", .type = CATALOG_TEXT,
	    .offset = CATALOG_AT(purpose, description) },
	{ .key = "benefit", .type = CATALOG_TEXT, .offset = CATALOG_AT(purpose, benefit) },
	{ .key = "data", .type = CATALOG_WORDS, .offset = CATALOG_AT(purpose, data),
	    .count = CATALOG_AT(purpose, ndata), .required = true },
	{ .key = "lawful_basis", .type = CATALOG_CHOICE,
	    .offset = CATALOG_AT(purpose, lawful_basis), .required = true,
	    .names = catalog_lawful_bases },
	{ .key = "retention_days", .type = CATALOG_INT,
	    .offset = CATALOG_AT(purpose, retention_days), .required = true,
	    .min = 1, .max = 36500 },
	/* 0 until checked: then the config's consent_validity_days. */
	{ .key = "validity_days", .type = CATALOG_INT, .offset = CATALOG_AT(purpose, validity_days),
	    .min = 1, .max = 3650 },
	{ .key = "recipients", .type = CATALOG_LIST, .offset = CATALOG_AT(purpose, recipients),
	    .count = CATALOG_AT(purpose, nrecipients) },
	{ .key = "sensitive", .type = CATALOG_YESNO, .offset = CATALOG_AT(purpose, sensitive) },
	{ .key = "third_party", .type = CATALOG_YESNO,
	    .offset = CATALOG_AT(purpose, third_party) },
};

static const struct catalog_field catalog_reward_fields[] = {
	{ .key = "number", .type = CATALOG_INT, .offset = CATALOG_AT(reward, number),
	    .required = true, .min = 1, .max = 255 },
	{ .key = "title", .type = CATALOG_TEXT, .offset = CATALOG_AT(reward, title) },
	{ .key = "kind", .type = CATALOG_ENUM, .offset = CATALOG_AT(reward, kind),
	    .required = true, .names = catalog_reward_kind_names },
	{ .key = "value", .type = CATALOG_INT, .offset = CATALOG_AT(reward, value),
	    .min = 0, .max = 100000 },
	{ .key = "trigger", .type = CATALOG_ENUM, .offset = CATALOG_AT(reward, trigger),
	    .required = true, .names = catalog_trigger_names },
	{ .key = "interests", .type = CATALOG_INT, .offset = CATALOG_AT(reward, min_interests),
	    .min = 1, .max = 1000 },
	{ .key = "categories", .type = CATALOG_INT, .offset = CATALOG_AT(reward, min_categories),
	    .min = 1, .max = 1000 },
	{ .key = "every", .type = CATALOG_INT, .offset = CATALOG_AT(reward, every),
	    .min = 2, .max = 1000 },
	{ .key = "validity_days", .type = CATALOG_INT, .offset = CATALOG_AT(reward, validity_days),
	    .required = true, .min = 1, .max = 3650 },
	{ .key = "limit", .type = CATALOG_INT, .offset = CATALOG_AT(reward, limit),
	    .min = 0, .max = 1000 },
	{ .key = "incentive", .type = CATALOG_YESNO, .offset = CATALOG_AT(reward, has_incentive) },
	{ .key = "data_value_cents", .type = CATALOG_INT,
	    .offset = CATALOG_AT(reward, data_value_cents), .min = 1, .max = 100000 },
};

static int	catalog_check_purpose(struct catalog_parse *, const struct catalog_section *,
		    void *, char **);
static int	catalog_check_reward(struct catalog_parse *, const struct catalog_section *,
		    void *, char **);

#define CATALOG_KIND(kind, array, min, max, notices, check) {			\
	#kind, sizeof(struct catalog_##kind), offsetof(struct catalog, array),		\
	offsetof(struct catalog, n##array), min, max, catalog_##kind##_fields,		\
	CATALOG_NITEMS(catalog_##kind##_fields), notices, check }

/*
 * The most interests, channels, purposes and rewards are what a member's profile, the consent
 * records and the reward rules have room for: each is an array indexed like the catalogue.
 */
static const struct catalog_kind catalog_kinds[CATALOG_NKINDS] = {
	[CATALOG_KIND_CATEGORY] = CATALOG_KIND(category, categories, 0, 0, 0, NULL),
	[CATALOG_KIND_INTEREST] = CATALOG_KIND(interest, interests, 1, CUSTOMER_MAX_INTERESTS, 0,
	    NULL),
	[CATALOG_KIND_FREQUENCY] = CATALOG_KIND(frequency, frequencies, 0, 0, 0, NULL),
	[CATALOG_KIND_CHANNEL] = CATALOG_KIND(channel, channels, 1, CUSTOMER_MAX_CHANNELS, 0,
	    NULL),
	[CATALOG_KIND_PURPOSE] = CATALOG_KIND(purpose, purposes, 1, CUSTOMER_MAX_PURPOSES,
	    CATALOG_AT(purpose, notice), catalog_check_purpose),
	[CATALOG_KIND_REWARD] = CATALOG_KIND(reward, rewards, 0, REWARD_MAX_RULES,
	    CATALOG_AT(reward, incentive), catalog_check_reward),
};

static int	catalog_fail(const struct catalog_parse *, const struct catalog_section *, int,
		    char **, const char *, ...) __attribute__((format(printf, 5, 6)));

/* Fail with "<file>:<line>: [kind id] <what>"; always -1. */
static int
catalog_fail(const struct catalog_parse *p, const struct catalog_section *s, int line,
    char **cause, const char *fmt, ...)
{
	va_list	 ap, copy;
	char	*what;
	int	 len;

	va_start(ap, fmt);
	va_copy(copy, ap);
	if ((len = vsnprintf(NULL, 0, fmt, copy)) < 0)
		abort();
	va_end(copy);
	what = util_xmalloc((size_t)len + 1);
	vsnprintf(what, (size_t)len + 1, fmt, ap);
	va_end(ap);
	if (s->kind != NULL)
		util_fail(cause, "%s:%d: [%s %s] %s", p->path, line, s->kind->name, s->id, what);
	else
		util_fail(cause, "%s:%d: [catalog] %s", p->path, line, what);
	free(what);
	return -1;
}

/* An entry's field. */
static void *
catalog_at(void *entry, size_t offset)
{
	return (char *)entry + offset;
}

/* The entries of a kind (the array pointers in struct catalog have different types). */
static void *
catalog_entries_get(const struct catalog *cat, const struct catalog_kind *k)
{
	void	*entries;

	memcpy(&entries, (const char *)cat + k->array, sizeof entries);
	return entries;
}

/* The number of entries of a kind. */
static size_t *
catalog_count(struct catalog *cat, const struct catalog_kind *k)
{
	return (size_t *)(void *)((char *)cat + k->count);
}

/* The line of key in a section, or the section's own line when the key is absent. */
static int
catalog_line(const struct catalog_section *s, const char *key)
{
	size_t	i;

	for (i = 0; i < s->nkeys; i++) {
		if (strcmp(s->keys[i].key, key) == 0)
			return s->keys[i].line;
	}
	return s->line;
}

/* Is s (len bytes) an id: lower-case letters, digits, '_' and '-', not starting with '_' or '-'? */
static bool
catalog_id_valid(const char *s, size_t len)
{
	if (len == 0 || len > CATALOG_ID_MAX || strchr("_-", s[0]) != NULL)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") >= len;
}

/* Is s two lower-case letters, an ISO 639-1 code? */
static bool
catalog_lang_valid(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
}

/* Is s (len bytes) valid UTF-8: no stray or missing continuation bytes, no overlong forms? */
static bool
catalog_utf8_valid(const unsigned char *s, size_t len)
{
	unsigned long	cp;
	size_t		i = 0, n, k;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 1, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 2, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 3, cp = s[i] & 0x07;
		else
			return false;
		if (len - i <= n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += n + 1;
	}
	return true;
}

/* Split value at any of seps into trimmed, malloc'd items, leaving out empty ones. */
static size_t
catalog_split(const char *value, const char *seps, char ***out)
{
	char	**items = NULL;
	size_t	  n = 0, len, start, end;

	for (;;) {
		len = strcspn(value, seps);
		for (start = 0; start < len && strchr(" \t", value[start]) != NULL; start++)
			;
		for (end = len; end > start && strchr(" \t", value[end - 1]) != NULL; end--)
			;
		if (end > start) {
			items = util_xrealloc(items, n + 1, sizeof *items);
			items[n] = util_xmalloc(end - start + 1);
			memcpy(items[n], value + start, end - start);
			items[n++][end - start] = '\0';
		}
		if (value[len] == '\0')
			break;
		value += len + 1;
	}
	*out = items;
	return n;
}

/* Free n strings and their array. */
static void
catalog_strings_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

/* The index of value in a NULL-terminated list of names, or -1. */
static int
catalog_name_find(const char *const *names, const char *value)
{
	int	i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], value) == 0)
			return i;
	}
	return -1;
}

/* A NULL-terminated list of names as "a, b or c", caller frees. */
static char *
catalog_names(const char *const *names)
{
	char	*list = util_xstrdup(""), *next;
	int	 i;

	for (i = 0; names[i] != NULL; i++) {
		next = util_xprintf("%s%s%s", list,
		    i == 0 ? "" : names[i + 1] == NULL ? " or " : ", ", names[i]);
		free(list);
		list = next;
	}
	return list;
}

/* The index of the entry of kind k named id, or -1. */
static int
catalog_section_find(const struct catalog_parse *p, const struct catalog_kind *k,
    const char *id)
{
	size_t	i;

	for (i = 0; i < p->nsections; i++) {
		if (p->sections[i].kind == k && strcmp(p->sections[i].id, id) == 0)
			return (int)p->sections[i].index;
	}
	return -1;
}

/* Start a section from its header "kind id" (step 1). */
static int
catalog_section_open(struct catalog_parse *p, const struct config_ini_line *l, char **cause)
{
	const struct catalog_kind	*k = NULL;
	struct catalog_section		*s;
	const char			*name = l->section, *id;
	size_t				 len, idlen, i;
	char				*list, *next;

	if (*name == '\0' && l->section_line == 0)
		return util_fail(cause, "%s:%d: '%s' comes before any section; put it under a "
		    "[kind ID] header", l->path, l->line, l->key);
	name += strspn(name, " \t");
	len = strcspn(name, " \t");
	id = name + len + strspn(name + len, " \t");
	for (idlen = strlen(id); idlen > 0 && strchr(" \t", id[idlen - 1]) != NULL; idlen--)
		;
	for (i = 0; i < CATALOG_NKINDS; i++) {
		if (strlen(catalog_kinds[i].name) == len &&
		    strncmp(catalog_kinds[i].name, name, len) == 0)
			k = &catalog_kinds[i];
	}
	if (k == NULL && !(len == 7 && strncmp(name, "catalog", len) == 0 && idlen == 0)) {
		list = util_xstrdup("[catalog]");
		for (i = 0; i < CATALOG_NKINDS; i++) {
			next = util_xprintf("%s, [%s ID]", list, catalog_kinds[i].name);
			free(list);
			list = next;
		}
		util_fail(cause, "%s:%d: unknown section [%s]; the sections are %s", l->path,
		    l->section_line, l->section, list);
		free(list);
		return -1;
	}
	if (k != NULL && !catalog_id_valid(id, idlen))
		return util_fail(cause, "%s:%d: [%s] needs an id of at most %d lower-case letters, "
		    "digits, '_' or '-', e.g. [%s cold_brew]", l->path, l->section_line, l->section,
		    CATALOG_ID_MAX, k->name);

	p->sections = util_xrealloc(p->sections, p->nsections + 1, sizeof *p->sections);
	s = &p->sections[p->nsections++];
	memset(s, 0, sizeof *s);
	s->kind = k;
	s->line = l->section_line;
	if (k != NULL) {
		s->id = util_xmalloc(idlen + 1);
		memcpy(s->id, id, idlen);
		s->id[idlen] = '\0';
	}
	return 0;
}

/* config_ini_parse's function for catalog.ini: keep each key as text, in its section (step 1). */
static int
catalog_read(void *arg, const struct config_ini_line *l, char **cause)
{
	struct catalog_parse	*p = arg;
	struct catalog_section	*s;
	struct catalog_key	*key;
	size_t			 i;

	if ((l->new_section || p->nsections == 0) && catalog_section_open(p, l, cause) != 0)
		return -1;
	s = &p->sections[p->nsections - 1];
	if (!catalog_utf8_valid((const unsigned char *)l->value, strlen(l->value)))
		return catalog_fail(p, s, l->line, cause, "%s is not valid UTF-8; save the file "
		    "as UTF-8", l->key);
	for (i = 0; i < s->nkeys; i++) {
		if (strcmp(s->keys[i].key, l->key) == 0)
			return catalog_fail(p, s, l->line, cause, "%s is given twice (first on "
			    "line %d); keep one", l->key, s->keys[i].line);
	}
	s->keys = util_xrealloc(s->keys, s->nkeys + 1, sizeof *s->keys);
	key = &s->keys[s->nkeys++];
	key->key = util_xstrdup(l->key);
	key->value = util_xstrdup(l->value);
	key->line = l->line;
	return 0;
}

/* The [catalog] section: the language of unsuffixed texts. */
static int
catalog_base(struct catalog_parse *p, char **cause)
{
	const struct catalog_section	*s, *first = NULL;
	const char			*lang = CATALOG_BASE_LANGUAGE;
	size_t				 i, j;

	for (i = 0; i < p->nsections; i++) {
		s = &p->sections[i];
		if (s->kind != NULL)
			continue;
		if (first != NULL)
			return catalog_fail(p, s, s->line, cause,
			    "is given twice (first on line %d); keep one", first->line);
		first = s;
		for (j = 0; j < s->nkeys; j++) {
			if (strcmp(s->keys[j].key, "language") != 0)
				return catalog_fail(p, s, s->keys[j].line, cause,
				    "unknown key '%s'; the only key is language", s->keys[j].key);
			if (!catalog_lang_valid(s->keys[j].value))
				return catalog_fail(p, s, s->keys[j].line, cause, "language = %s: "
				    "not an ISO 639-1 code (two lower-case letters, e.g. en)",
				    s->keys[j].value);
			lang = s->keys[j].value;
		}
	}
	p->base = config_language(p->config, lang);
	return 0;
}

/* Make an entry with its id for every section, refusing a duplicate id (step 2). */
static int
catalog_name(struct catalog_parse *p, char **cause)
{
	const struct catalog_kind	*k;
	struct catalog_section		*s;
	char				*entries;
	size_t				 i, j, n;

	for (i = 0; i < CATALOG_NKINDS; i++) {
		k = &catalog_kinds[i];
		for (n = 0, j = 0; j < p->nsections; j++)
			n += p->sections[j].kind == k;
		entries = util_xcalloc(n, k->size);
		memcpy((char *)p->catalog + k->array, &entries, sizeof entries);
		*catalog_count(p->catalog, k) = n;
	}
	for (i = 0; i < p->nsections; i++) {
		s = &p->sections[i];
		if ((k = s->kind) == NULL)
			continue;
		for (n = 0, j = 0; j < i; j++) {
			if (p->sections[j].kind != k)
				continue;
			if (strcmp(p->sections[j].id, s->id) == 0)
				return catalog_fail(p, s, s->line, cause, "duplicate id: [%s %s] "
				    "is already on line %d; rename or merge them", k->name,
				    s->id, p->sections[j].line);
			n++;
		}
		if (k->max > 0 && n == k->max)
			return catalog_fail(p, s, s->line, cause, "one [%s ID] too many: prefkiosk "
			    "has room for %zu", k->name, k->max);
		s->index = n;
		s->entry = (char *)catalog_entries_get(p->catalog, k) + n * k->size;
		*(char **)s->entry = util_xstrdup(s->id);	/* every entry starts with its id */
	}
	return 0;
}

/* Set a non-text value from its text. */
static int
catalog_set(struct catalog_parse *p, const struct catalog_section *s,
    const struct catalog_field *f, const struct catalog_key *key, char **cause)
{
	const struct catalog_kind	*target = &catalog_kinds[f->target];
	void				*at = catalog_at(s->entry, f->offset);
	char				**items, *end, *names;
	size_t				*refs, n, i, j;
	long				 v;
	int				 idx = -1, rc = -1;

	switch (f->type) {
	case CATALOG_TEXT:
		abort();	/* catalog_fill sets texts, one language at a time */
	case CATALOG_INT:
		errno = 0;
		v = strtol(key->value, &end, 10);
		if (errno != 0 || end == key->value || *end != '\0' || v < f->min || v > f->max)
			return catalog_fail(p, s, key->line, cause, "%s = %s: not a whole number "
			    "from %d to %d", key->key, key->value, f->min, f->max);
		*(int *)at = (int)v;
		return 0;
	case CATALOG_YESNO:
		if (strcmp(key->value, "yes") != 0 && strcmp(key->value, "no") != 0)
			return catalog_fail(p, s, key->line, cause, "%s = %s: say yes or no",
			    key->key, key->value);
		*(bool *)at = strcmp(key->value, "yes") == 0;
		return 0;
	case CATALOG_CHOICE:
	case CATALOG_ENUM:
	case CATALOG_CONTACT:
		if ((idx = catalog_name_find(f->names, key->value)) < 0) {
			names = catalog_names(f->names);
			catalog_fail(p, s, key->line, cause, "%s = %s: unknown value; use %s",
			    key->key, key->value, names);
			free(names);
			return -1;
		}
		if (f->type == CATALOG_CHOICE)
			*(char **)at = util_xstrdup(key->value);
		else {
			if (f->type == CATALOG_CONTACT)
				idx = contact_field_parse(key->value);
			memcpy(at, &idx, sizeof idx);
		}
		return 0;
	case CATALOG_REF:
		if ((idx = catalog_section_find(p, target, key->value)) < 0)
			return catalog_fail(p, s, key->line, cause, "%s = %s: there is no [%s %s]",
			    key->key, key->value, target->name, key->value);
		*(size_t *)at = (size_t)idx;
		return 0;
	case CATALOG_WORDS:
	case CATALOG_LIST:
	case CATALOG_REFS:
		break;
	}

	/* The lists: split, check each item, refuse one listed twice. */
	n = catalog_split(key->value, f->type == CATALOG_LIST ? "," : " \t", &items);
	refs = util_xcalloc(n, sizeof *refs);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(items[i], items[j]) == 0) {
				catalog_fail(p, s, key->line, cause, "%s: '%s' is listed twice",
				    key->key, items[i]);
				goto out;
			}
		}
		if (f->type == CATALOG_WORDS && !catalog_id_valid(items[i], strlen(items[i]))) {
			catalog_fail(p, s, key->line, cause, "%s: '%s' is not a word of lower-case "
			    "letters, digits, '_' or '-'", key->key, items[i]);
			goto out;
		}
		if (f->type == CATALOG_REFS &&
		    (idx = catalog_section_find(p, target, items[i])) < 0) {
			catalog_fail(p, s, key->line, cause, "%s: there is no [%s %s]", key->key,
			    target->name, items[i]);
			goto out;
		}
		if (f->type == CATALOG_REFS)
			refs[i] = (size_t)idx;
	}
	if (n == 0 && f->required) {
		catalog_fail(p, s, key->line, cause, "%s is empty; list at least one", key->key);
		goto out;
	}
	if (f->max > 0 && n > (size_t)f->max) {
		catalog_fail(p, s, key->line, cause, "%s: at most %d", key->key, f->max);
		goto out;
	}
	if (f->type == CATALOG_REFS) {
		*(size_t **)at = refs;
		refs = NULL;
	} else {
		*(char ***)at = items;
		items = NULL;
	}
	*(size_t *)catalog_at(s->entry, f->count) = n;
	rc = 0;
out:
	catalog_strings_free(items, n);
	free(refs);
	return rc;
}

/* The keys of a kind, for a message: "category, title", caller frees. */
static char *
catalog_keys(const struct catalog_kind *k)
{
	char	*list = util_xstrdup(""), *next;
	size_t	 i;

	for (i = 0; i < k->nfields; i++) {
		next = util_xprintf("%s%s%s%s", list, i == 0 ? "" : ", ", k->fields[i].key,
		    k->fields[i].type == CATALOG_TEXT ? " (and .<lang>)" : "");
		free(list);
		list = next;
	}
	return list;
}

/* Turn a section's keys into the values of its entry, then check it (step 3). */
static int
catalog_fill(struct catalog_parse *p, const struct catalog_section *s, char **cause)
{
	const struct catalog_kind	*k = s->kind;
	const struct catalog_field	*f;
	const struct catalog_key	*key;
	struct catalog_text		*text;
	int				 seen[CATALOG_MAX_FIELDS][CONFIG_MAX_LANGS];
	const char			*dot, *lang;
	char				*list;
	size_t				 i, fi, len;
	int				 l;

	if (k->nfields > CATALOG_MAX_FIELDS)
		abort();
	memset(seen, 0, sizeof seen);
	for (i = 0; i < s->nkeys; i++) {
		key = &s->keys[i];
		for (fi = 0; k == &catalog_kinds[CATALOG_KIND_REWARD] &&
		    fi < CATALOG_NITEMS(catalog_refusals); fi++) {
			if (strcmp(catalog_refusals[fi].key, key->key) == 0 &&
			    (catalog_refusals[fi].value == NULL ||
			    strcmp(catalog_refusals[fi].value, key->value) == 0))
				return catalog_fail(p, s, key->line, cause, "%s = %s: a reward "
				    "must not depend on consent to a purpose (consent must stay "
				    "freely given); reward shared preferences, visits or feedback "
				    "instead", key->key, key->value);
		}
		dot = strchr(key->key, '.');
		len = dot != NULL ? (size_t)(dot - key->key) : strlen(key->key);
		for (fi = 0; fi < k->nfields; fi++) {
			if (strlen(k->fields[fi].key) == len &&
			    strncmp(k->fields[fi].key, key->key, len) == 0)
				break;
		}
		if (fi == k->nfields || (dot != NULL && (k->fields[fi].type != CATALOG_TEXT ||
		    !catalog_lang_valid(dot + 1)))) {
			list = catalog_keys(k);
			catalog_fail(p, s, key->line, cause, "unknown key '%s'; the keys are: %s",
			    key->key, list);
			free(list);
			return -1;
		}
		f = &k->fields[fi];
		if (f->type != CATALOG_TEXT) {
			seen[fi][0] = key->line;
			if (catalog_set(p, s, f, key, cause) != 0)
				return -1;
			continue;
		}

		/* A text: in the catalogue's own language, or in the language of its suffix. */
		l = dot != NULL ? config_language(p->config, dot + 1) : p->base;
		if (l < 0)
			continue;	/* a language this terminal does not offer */
		if (seen[fi][l] != 0)
			return catalog_fail(p, s, key->line, cause, "%s in '%s' is given twice "
			    "(first on line %d); keep one", f->key, p->config->languages[l],
			    seen[fi][l]);
		if (*key->value == '\0')
			return catalog_fail(p, s, key->line, cause, "%s is empty", key->key);
		seen[fi][l] = key->line;
		text = catalog_at(s->entry, f->offset);
		text->lang[l] = util_xstrdup(key->value);
	}

	for (fi = 0; fi < k->nfields; fi++) {
		f = &k->fields[fi];
		if (f->type == CATALOG_TEXT) {
			for (l = 0; l < p->config->nlanguages; l++) {
				if (seen[fi][l] != 0)
					continue;
				lang = p->config->languages[l];
				return catalog_fail(p, s, s->line, cause,
				    "has no %s in language '%s'; add '%s%s%s = ...'", f->key, lang,
				    f->key, l == p->base ? "" : ".", l == p->base ? "" : lang);
			}
		} else if (seen[fi][0] == 0 && f->required)
			return catalog_fail(p, s, s->line, cause, "needs '%s = ...'", f->key);
		else if (seen[fi][0] == 0 && f->type == CATALOG_INT)
			*(int *)catalog_at(s->entry, f->offset) = f->def;
		else if (seen[fi][0] == 0 && f->type == CATALOG_YESNO)
			*(bool *)catalog_at(s->entry, f->offset) = f->def != 0;
	}
	return k->check != NULL ? k->check(p, s, s->entry, cause) : 0;
}

/* Read one notice file: its exact bytes and their BLAKE2b-256 digest. */
static int
catalog_notice_read(const char *path, const char *what, const char *id, const char *lang,
    struct catalog_notice *notice, char **cause)
{
	FILE	*f;
	char	*text = NULL;
	size_t	 len = 0, cap = 0, got;
	int	 rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return util_fail(cause, "%s: missing %s '%s' in language '%s'", path, what,
			    id, lang);
		return util_fail(cause, "%s: cannot read: %s", path, strerror(errno));
	}
	do {
		if (cap - len < 4096)
			text = util_xrealloc(text, cap = cap * 2 + 4096, 1);
		len += got = fread(text + len, 1, cap - len - 1, f);
	} while (got > 0);
	text[len] = '\0';
	if (ferror(f))
		util_fail(cause, "%s: cannot read: %s", path, strerror(errno));
	else if (len == 0)
		util_fail(cause, "%s: the %s '%s' in language '%s' is empty", path, what, id, lang);
	else if (memchr(text, '\0', len) != NULL ||
	    !catalog_utf8_valid((const unsigned char *)text, len))
		util_fail(cause, "%s: not a UTF-8 text; save it as plain UTF-8", path);
	else {
		crypto_generichash(notice->digest, CATALOG_DIGEST_BYTES, (unsigned char *)text, len,
		    NULL, 0);
		notice->text = text;
		text = NULL;
		rc = 0;
	}
	free(text);
	fclose(f);
	return rc;
}

/* Read the notices of an entry in every configured language: <assets>/notices/<id>.<lang>.txt. */
static int
catalog_notices(struct catalog_parse *p, const char *what, const char *id,
    struct catalog_notice *notices, char **cause)
{
	const struct config	*c = p->config;
	char			*path;
	int			 l, rc;

	for (l = 0; l < c->nlanguages; l++) {
		path = util_xprintf("%s/notices/%s.%s.txt", c->assets_dir, id, c->languages[l]);
		rc = catalog_notice_read(path, what, id, c->languages[l], &notices[l], cause);
		free(path);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* A purpose: special categories need explicit consent, third parties are named. */
static int
catalog_check_purpose(struct catalog_parse *p, const struct catalog_section *s, void *entry,
    char **cause)
{
	struct catalog_purpose	*pu = entry;

	if (pu->sensitive && strcmp(pu->lawful_basis, "explicit-consent") != 0)
		return catalog_fail(p, s, catalog_line(s, "lawful_basis"), cause, "is sensitive "
		    "(special-category data): set lawful_basis = explicit-consent");
	if (pu->third_party && pu->nrecipients == 0)
		return catalog_fail(p, s, catalog_line(s, "third_party"), cause,
		    "third_party = yes: name the third parties in recipients = ...");
	if (pu->validity_days == 0)
		pu->validity_days = p->config->consent_validity_days;
	return catalog_notices(p, "notice text for purpose", pu->id, pu->notice, cause);
}

/* A reward: its value fits its kind, its trigger has what it needs, an incentive is explained. */
static int
catalog_check_reward(struct catalog_parse *p, const struct catalog_section *s, void *entry,
    char **cause)
{
	struct catalog_reward	*r = entry, *other;
	const struct catalog	*cat = p->catalog;
	bool			 completion = r->trigger == CATALOG_TRIGGER_COMPLETION;

	/* Codes carry the number, not the id: two rules with one number would read alike. */
	for (other = cat->rewards; other < r; other++)
		if (other->number == r->number)
			return catalog_fail(p, s, catalog_line(s, "number"), cause, "number = %d is "
			    "already reward %s's; codes carry the number, so each rule needs its "
			    "own (and keeps it for as long as its codes are out)", r->number,
			    other->id);

	if (r->kind == CATALOG_REWARD_PERCENT && (r->value < 1 || r->value > 100))
		return catalog_fail(p, s, catalog_line(s, "value"), cause, "kind = percent needs "
		    "value = 1 to 100");
	if (r->kind == CATALOG_REWARD_AMOUNT && r->value < 1)
		return catalog_fail(p, s, catalog_line(s, "value"), cause, "kind = amount needs "
		    "value = the amount off, in cents");
	if ((r->kind == CATALOG_REWARD_ITEM || r->kind == CATALOG_REWARD_ACCESS) && r->value != 0)
		return catalog_fail(p, s, catalog_line(s, "value"), cause, "kind = %s has no "
		    "value; the title names what is given", catalog_reward_kind_name(r->kind));

	if (completion && (r->min_interests == 0 || r->min_categories == 0))
		return catalog_fail(p, s, s->line, cause, "trigger = completion needs "
		    "interests = N and categories = M (at least 1 each)");
	if (!completion && (r->min_interests != 0 || r->min_categories != 0))
		return catalog_fail(p, s, catalog_line(s, r->min_interests != 0 ? "interests" :
		    "categories"), cause, "interests and categories only apply to trigger = "
		    "completion");
	if (r->min_categories > r->min_interests)
		return catalog_fail(p, s, catalog_line(s, "categories"), cause, "categories = %d "
		    "is more than interests = %d", r->min_categories, r->min_interests);
	if ((size_t)r->min_interests > cat->ninterests ||
	    (size_t)r->min_categories > cat->ncategories)
		return catalog_fail(p, s, catalog_line(s, "interests"), cause, "asks for %d "
		    "interests in %d categories, but the catalogue has %zu in %zu",
		    r->min_interests, r->min_categories, cat->ninterests, cat->ncategories);
	if (completion && !r->has_incentive)
		return catalog_fail(p, s, s->line, cause, "a reward for sharing preferences is a "
		    "financial incentive: set incentive = yes and data_value_cents, and write its "
		    "notices");

	if (r->trigger == CATALOG_TRIGGER_STAMP && r->every == 0)
		return catalog_fail(p, s, s->line, cause, "trigger = stamp needs every = N (2 or "
		    "more visits)");
	if (r->trigger != CATALOG_TRIGGER_STAMP && r->every != 0)
		return catalog_fail(p, s, catalog_line(s, "every"), cause, "every only applies to "
		    "trigger = stamp");

	if (!r->has_incentive && r->data_value_cents != 0)
		return catalog_fail(p, s, catalog_line(s, "data_value_cents"), cause,
		    "data_value_cents only applies with incentive = yes");
	if (!r->has_incentive)
		return 0;
	if (r->data_value_cents == 0)
		return catalog_fail(p, s, catalog_line(s, "incentive"), cause, "incentive = yes "
		    "needs data_value_cents = the estimated value of the data, in cents");
	if (catalog_section_find(p, &catalog_kinds[CATALOG_KIND_PURPOSE], r->id) >= 0)
		return catalog_fail(p, s, s->line, cause, "has the id of a purpose, so their "
		    "notice files would be the same; rename it");
	return catalog_notices(p, "incentive notice text for reward", r->id, r->incentive, cause);
}

/* Free the sections as read. */
static void
catalog_sections_free(struct catalog_parse *p)
{
	size_t	i, j;

	for (i = 0; i < p->nsections; i++) {
		for (j = 0; j < p->sections[i].nkeys; j++) {
			free(p->sections[i].keys[j].key);
			free(p->sections[i].keys[j].value);
		}
		free(p->sections[i].keys);
		free(p->sections[i].id);
	}
	free(p->sections);
}

/* Read, name, fill and check the catalogue (steps 1 to 3); NULL and *cause on any error. */
struct catalog *
catalog_load(const struct config *config, char **cause)
{
	struct catalog_parse		 p;
	const struct catalog_kind	*k;
	char				*path;
	size_t				 i;
	int				 rc = -1;

	memset(&p, 0, sizeof p);
	p.config = config;
	p.catalog = util_xcalloc(1, sizeof *p.catalog);
	p.catalog->config = config;
	p.path = path = util_xprintf("%s/%s", config->dir, CATALOG_FILE);
	if (sodium_init() < 0) {
		util_fail(cause, "libsodium cannot start");
		goto out;
	}
	if (config_ini_parse(path, false, catalog_read, &p, cause) != 0 ||
	    catalog_base(&p, cause) != 0 || catalog_name(&p, cause) != 0)
		goto out;
	for (i = 0; i < p.nsections; i++) {
		if (p.sections[i].kind != NULL && catalog_fill(&p, &p.sections[i], cause) != 0)
			goto out;
	}
	for (i = 0; i < CATALOG_NKINDS; i++) {
		k = &catalog_kinds[i];
		if (*catalog_count(p.catalog, k) < k->min) {
			util_fail(cause, "%s: no [%s ID] section; the catalogue needs at least %zu",
			    path, k->name, k->min);
			goto out;
		}
	}
	rc = 0;
out:
	catalog_sections_free(&p);
	free(path);
	if (rc != 0) {
		catalog_free(p.catalog);
		return NULL;
	}
	return p.catalog;
}

/* Free what one entry owns, through its kind's key table. */
static void
catalog_entry_free(const struct catalog_kind *k, void *entry)
{
	const struct catalog_field	*f;
	struct catalog_text		*text;
	struct catalog_notice		*notices;
	size_t				 i;
	int				 l;

	free(*(char **)entry);
	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		switch (f->type) {
		case CATALOG_TEXT:
			text = catalog_at(entry, f->offset);
			for (l = 0; l < CONFIG_MAX_LANGS; l++)
				free(text->lang[l]);
			break;
		case CATALOG_WORDS:
		case CATALOG_LIST:
			catalog_strings_free(*(char ***)catalog_at(entry, f->offset),
			    *(size_t *)catalog_at(entry, f->count));
			break;
		case CATALOG_REFS:
		case CATALOG_CHOICE:
			free(*(void **)catalog_at(entry, f->offset));
			break;
		case CATALOG_INT:
		case CATALOG_YESNO:
		case CATALOG_ENUM:
		case CATALOG_CONTACT:
		case CATALOG_REF:
			break;
		}
	}
	if (k->notices != 0) {
		notices = catalog_at(entry, k->notices);
		for (l = 0; l < CONFIG_MAX_LANGS; l++)
			free(notices[l].text);
	}
}

/* Free a catalogue and everything in it; NULL is fine. */
void
catalog_free(struct catalog *cat)
{
	const struct catalog_kind	*k;
	char				*entries;
	size_t				 i, j;

	if (cat == NULL)
		return;
	for (i = 0; i < CATALOG_NKINDS; i++) {
		k = &catalog_kinds[i];
		if ((entries = catalog_entries_get(cat, k)) == NULL)
			continue;
		for (j = 0; j < *catalog_count(cat, k); j++)
			catalog_entry_free(k, entries + j * k->size);
		free(entries);
	}
	free(cat);
}

/* The index of the entry of kind k named id, or -1. */
static int
catalog_find(const struct catalog *cat, enum catalog_kind_id kind, const char *id)
{
	const struct catalog_kind	*k = &catalog_kinds[kind];
	const char			*entries = catalog_entries_get(cat, k);
	size_t				 i, n;

	if (id == NULL)
		return -1;
	memcpy(&n, (const char *)cat + k->count, sizeof n);
	for (i = 0; i < n; i++) {
		if (strcmp(*(char *const *)(const void *)(entries + i * k->size), id) == 0)
			return (int)i;
	}
	return -1;
}

/* The index of an interest, or -1. */
int
catalog_interest_find(const struct catalog *cat, const char *id)
{
	return catalog_find(cat, CATALOG_KIND_INTEREST, id);
}

/* The index of a channel, or -1. */
int
catalog_channel_find(const struct catalog *cat, const char *id)
{
	return catalog_find(cat, CATALOG_KIND_CHANNEL, id);
}

/* The index of a frequency, or -1. */
int
catalog_frequency_find(const struct catalog *cat, const char *id)
{
	return catalog_find(cat, CATALOG_KIND_FREQUENCY, id);
}

/* The index of a purpose, or -1. */
int
catalog_purpose_find(const struct catalog *cat, const char *id)
{
	return catalog_find(cat, CATALOG_KIND_PURPOSE, id);
}

/* The index of a reward rule, or -1. */
int
catalog_reward_find(const struct catalog *cat, const char *id)
{
	return catalog_find(cat, CATALOG_KIND_REWARD, id);
}

/* A text in a language, or in the first language (borrowed from the catalogue). */
const char *
catalog_text_get(const struct catalog_text *t, int lang)
{
	if (lang >= 0 && lang < CONFIG_MAX_LANGS && t->lang[lang] != NULL)
		return t->lang[lang];
	return t->lang[0];
}

/* "percent", "amount", ...: the name the catalogue and JSON use. */
const char *
catalog_reward_kind_name(enum catalog_reward_kind kind)
{
	if ((size_t)kind >= CATALOG_NITEMS(catalog_reward_kind_names) - 1)
		return "unknown";
	return catalog_reward_kind_names[kind];
}

/* "welcome", "completion", ...: the name the catalogue and JSON use. */
const char *
catalog_trigger_name(enum catalog_trigger trigger)
{
	if ((size_t)trigger >= CATALOG_NITEMS(catalog_trigger_names) - 1)
		return "unknown";
	return catalog_trigger_names[trigger];
}
