/*
 * contact — the normal forms of the contact fields a customer may give.
 *
 * A member is found again through a blind index of the normalised value, so normalisation
 * decides what counts as "the same" e-mail, phone number or card: the same address typed in
 * another case, or the same number typed with spaces, a trunk prefix or "00" instead of "+",
 * must come out byte for byte identical.  A value with no normal form is refused.
 *
 * Invariants: every value is measured before anything is copied, so out (CONTACT_MAX + 1
 * bytes) can never overflow; on failure out holds "" and *why points at a static sentence
 * that never quotes the value, which may be personal data.  Each field is one row in
 * contact_fields: its name and the function that normalises it.
 */
#include <stddef.h>
#include <string.h>

#include "contact.h"

#define CONTACT_EMAIL_LOCAL_MAX		64
#define CONTACT_EMAIL_DOMAIN_MAX	253
#define CONTACT_PHONE_MIN		8	/* digits after the '+', country code included */
#define CONTACT_PHONE_MAX		15	/* E.164 */
#define CONTACT_COUNTRY_MAX		3
#define CONTACT_CARD_MIN		6
#define CONTACT_CARD_MAX		19
#define CONTACT_NAME_MAX		80

/* Separators a phone number may be typed with; they carry no meaning. */
#define CONTACT_PHONE_SEPARATORS	" -./()"

static int	contact_name(const char *, size_t, const char *, char *, const char **);
static int	contact_email(const char *, size_t, const char *, char *, const char **);
static int	contact_phone(const char *, size_t, const char *, char *, const char **);
static int	contact_card(const char *, size_t, const char *, char *, const char **);

/* One row per field: its name in catalogues and on the command line, and its normaliser. */
static const struct contact_entry {
	enum contact_field	 field;
	const char		*name;
	int			(*normalize)(const char *, size_t, const char *, char *,
				    const char **);
} contact_fields[] = {
	{ CONTACT_NONE,		"none",		NULL },
	{ CONTACT_NAME,		"name",		contact_name },
	{ CONTACT_EMAIL,	"email",	contact_email },
	{ CONTACT_PHONE,	"phone",	contact_phone },
	{ CONTACT_CARD,		"card",		contact_card },
};
#define CONTACT_NFIELDS	(sizeof contact_fields / sizeof contact_fields[0])

/* Map a field's name to its enum; "" is the same as "none". */
int
contact_field_parse(const char *name)
{
	size_t	i;

	if (name == NULL)
		return -1;
	if (*name == '\0')
		return CONTACT_NONE;
	for (i = 0; i < CONTACT_NFIELDS; i++) {
		if (strcmp(contact_fields[i].name, name) == 0)
			return contact_fields[i].field;
	}
	return -1;
}

/* Find a field's row, or NULL for a value outside the enum. */
static const struct contact_entry *
contact_entry_find(enum contact_field field)
{
	size_t	i;

	for (i = 0; i < CONTACT_NFIELDS; i++) {
		if (contact_fields[i].field == field)
			return &contact_fields[i];
	}
	return NULL;
}

/* The name contact_field_parse accepts for a field; "unknown" outside the enum. */
const char *
contact_field_name(enum contact_field field)
{
	const struct contact_entry	*e = contact_entry_find(field);

	return e != NULL ? e->name : "unknown";
}

/* ASCII whitespace only: the C locale's isspace, without depending on the locale. */
static int
contact_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* ASCII letters and digits, locale-independent. */
static int
contact_is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ASCII digits, locale-independent. */
static int
contact_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Decode one UTF-8 sequence from s (len bytes available).  Returns the code point and sets
 * *used, or -1 for a stray continuation byte, a truncated or overlong sequence, a surrogate,
 * or anything above U+10FFFF.
 */
static long
contact_utf8_next(const unsigned char *s, size_t len, size_t *used)
{
	long	cp, min;
	size_t	n, i;

	if (s[0] < 0x80) {
		*used = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		min = 0x80;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		min = 0x800;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		min = 0x10000;
		cp = s[0] & 0x07;
	} else
		return -1;
	if (n > len)
		return -1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*used = n;
	return cp;
}

/* C0 controls, DEL and the C1 controls U+0080 to U+009F. */
static int
contact_is_control(long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Trimmed, 1 to 80 bytes of valid UTF-8, no control characters; otherwise kept as typed. */
static int
contact_name(const char *s, size_t len, const char *country, char *out, const char **why)
{
	size_t	i, used;
	long	cp;

	(void)country;
	if (len == 0) {
		*why = "a name cannot be empty";
		return -1;
	}
	if (len > CONTACT_NAME_MAX) {
		*why = "a name can be at most 80 bytes long";
		return -1;
	}
	for (i = 0; i < len; i += used) {
		cp = contact_utf8_next((const unsigned char *)s + i, len - i, &used);
		if (cp == -1) {
			*why = "a name must be valid UTF-8 text";
			return -1;
		}
		if (contact_is_control(cp)) {
			*why = "a name cannot contain control characters";
			return -1;
		}
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/*
 * Check a domain: labels of ASCII letters, digits and hyphens (or UTF-8 for international
 * names) separated by single dots, at least two labels, none starting or ending with '-'.
 */
static int
contact_email_domain(const char *s, size_t len, const char **why)
{
	const unsigned char	*d = (const unsigned char *)s;
	size_t			 i, used, label = 0, dots = 0;
	long			 cp;

	*why = "not a valid e-mail address";
	if (len == 0 || len > CONTACT_EMAIL_DOMAIN_MAX)
		return -1;
	for (i = 0; i < len; i += used) {
		used = 1;
		if (d[i] == '.') {
			/* An empty label, or one ending in a hyphen. */
			if (label == 0 || d[i - 1] == '-')
				return -1;
			label = 0;
			dots++;
			continue;
		}
		if (d[i] == '-') {
			if (label == 0)
				return -1;
		} else if (d[i] >= 0x80) {
			cp = contact_utf8_next(d + i, len - i, &used);
			if (cp == -1 || contact_is_control(cp))
				return -1;
		} else if (!contact_is_alnum(d[i]))
			return -1;
		label += used;
	}
	if (label == 0 || d[len - 1] == '-' || dots == 0)
		return -1;
	return 0;
}

/* Trimmed and lower-cased; one '@' between a printable ASCII local part and a domain. */
static int
contact_email(const char *s, size_t len, const char *country, char *out, const char **why)
{
	const char	*at;
	size_t		 local, i;

	(void)country;
	if (len > CONTACT_MAX) {
		*why = "an e-mail address can be at most 254 characters long";
		return -1;
	}
	*why = "not a valid e-mail address";
	if ((at = memchr(s, '@', len)) == NULL)
		return -1;
	local = at - s;
	if (memchr(at + 1, '@', len - local - 1) != NULL)
		return -1;
	if (local == 0 || local > CONTACT_EMAIL_LOCAL_MAX)
		return -1;
	for (i = 0; i < local; i++) {
		/* Printable ASCII without the space: no controls, no UTF-8. */
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return -1;
	}
	if (contact_email_domain(at + 1, len - local - 1, why) != 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			out[i] = s[i] - 'A' + 'a';
		else
			out[i] = s[i];
	}
	out[len] = '\0';
	return 0;
}

/* A default calling code: 1 to 3 digits, not starting with 0; returns its length or -1. */
static int
contact_phone_country(const char *country)
{
	size_t	n;

	if (country == NULL || country[0] == '0')
		return -1;
	for (n = 0; country[n] != '\0'; n++) {
		if (n == CONTACT_COUNTRY_MAX || !contact_is_digit(country[n]))
			return -1;
	}
	return n == 0 ? -1 : (int)n;
}

/*
 * E.164 from the ways people type a number.  "+" or "00" starts an international number,
 * where a "(0)" after the country code is the trunk prefix written for national callers and
 * is dropped; anything else is national: one leading trunk '0' is dropped and the default
 * calling code put in front.
 */
static int
contact_phone(const char *s, size_t len, const char *country, char *out, const char **why)
{
	char		 digits[CONTACT_PHONE_MAX + 3];	/* room for "00" and the "(0)" */
	const char	*num;
	size_t		 i, n = 0, trunk = (size_t)-1, numlen, clen = 0;
	int		 plus = 0, rc;

	if (len > 0 && s[0] == '+') {
		plus = 1;
		s++;
		len--;
	}
	for (i = 0; i < len; i++) {
		if (contact_is_digit(s[i])) {
			if (n == sizeof digits) {
				*why = "a phone number needs 8 to 15 digits";
				return -1;
			}
			digits[n++] = s[i];
			continue;
		}
		if (strchr(CONTACT_PHONE_SEPARATORS, s[i]) == NULL) {
			*why = "a phone number can only have digits, spaces, dashes, dots, "
			    "slashes and parentheses";
			return -1;
		}
		/* Remember where "(0)" was written, to drop it if the number is international. */
		if (s[i] == '(' && i + 2 < len && s[i + 1] == '0' && s[i + 2] == ')' &&
		    trunk == (size_t)-1)
			trunk = n;
	}

	if (!plus && n >= 2 && digits[0] == '0' && digits[1] == '0') {
		plus = 1;
		memmove(digits, digits + 2, n - 2);
		n -= 2;
		if (trunk != (size_t)-1)
			trunk = trunk >= 2 ? trunk - 2 : (size_t)-1;
	}
	if (plus) {
		if (trunk != (size_t)-1 && trunk > 0) {
			memmove(digits + trunk, digits + trunk + 1, n - trunk - 1);
			n--;
		}
		if (n > 0 && digits[0] == '0') {
			*why = "a country calling code cannot start with 0";
			return -1;
		}
		num = digits;
		numlen = n;
	} else {
		if ((rc = contact_phone_country(country)) == -1) {
			*why = "a national phone number needs a default country code";
			return -1;
		}
		clen = rc;
		num = digits;
		numlen = n;
		if (numlen > 0 && num[0] == '0') {
			num++;
			numlen--;
		}
	}
	if (numlen == 0 || clen + numlen < CONTACT_PHONE_MIN ||
	    clen + numlen > CONTACT_PHONE_MAX) {
		*why = "a phone number needs 8 to 15 digits";
		return -1;
	}
	out[0] = '+';
	if (clen > 0)
		memcpy(out + 1, country, clen);
	memcpy(out + 1 + clen, num, numlen);
	out[1 + clen + numlen] = '\0';
	return 0;
}

/* Digits only, after removing spaces and dashes; 6 to 19 of them. */
static int
contact_card(const char *s, size_t len, const char *country, char *out, const char **why)
{
	size_t	i, n = 0;

	(void)country;
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '-')
			continue;
		if (!contact_is_digit(s[i])) {
			*why = "a card number can only have digits, spaces and dashes";
			return -1;
		}
		if (n == CONTACT_CARD_MAX) {
			*why = "a card number needs 6 to 19 digits";
			return -1;
		}
		out[n++] = s[i];
	}
	if (n < CONTACT_CARD_MIN) {
		*why = "a card number needs 6 to 19 digits";
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/* Trim the surrounding ASCII whitespace, then hand the value to its field's normaliser. */
int
contact_normalize(enum contact_field field, const char *value, const char *default_country,
    char *out, const char **why)
{
	const struct contact_entry	*e = contact_entry_find(field);
	const char			*unused, *end;
	int				 rc;

	if (why == NULL)
		why = &unused;
	out[0] = '\0';
	if (e == NULL || e->normalize == NULL) {
		*why = "this field has no normal form";
		return -1;
	}
	if (value == NULL) {
		*why = "no value was given";
		return -1;
	}
	while (contact_is_space(*value))
		value++;
	end = value + strlen(value);
	while (end > value && contact_is_space(end[-1]))
		end--;
	rc = e->normalize(value, end - value, default_country, out, why);
	if (rc != 0)
		out[0] = '\0';
	return rc;
}
