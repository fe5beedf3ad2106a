/*
 * contact — the contact fields a customer may give, their declared uses, and their normal forms.
 *
 * Lookups go through blind indexes of the *normalised* value, so the same e-mail typed in
 * another case, or the same phone number typed with spaces or a trunk prefix, finds the same
 * member.  Normalisation is also validation: a value that has no normal form is refused.
 */
#ifndef PREFKIOSK_CONTACT_H
#define PREFKIOSK_CONTACT_H

#include <stddef.h>

enum contact_field {
	CONTACT_NONE = 0,
	CONTACT_NAME,
	CONTACT_EMAIL,
	CONTACT_PHONE,
	CONTACT_CARD,
};

#define CONTACT_MAX	254	/* longest normal form of any field, without the NUL */

/* "email" → CONTACT_EMAIL, ...; "none" or "" → CONTACT_NONE; unknown → -1. */
int		 contact_field_parse(const char *name);
const char	*contact_field_name(enum contact_field);

/*
 * Normalise value into out (CONTACT_MAX + 1 bytes).  Returns 0, or -1 with a static reason in
 * *why that never quotes the value (it may be personal data).
 *   email: trimmed, lower-cased, one '@', a dot in the domain, no spaces, at most 254 bytes
 *   phone: E.164 "+<digits>" from "+49 170 1234567", "0049 ...", or a national "0170 ..."
 *          with default_country ("49"); 8 to 15 digits
 *   card:  digits only after removing spaces and dashes, 6 to 19 digits
 *   name:  trimmed, 1 to 80 bytes of valid UTF-8 without control characters
 */
int		 contact_normalize(enum contact_field, const char *value, const char *default_country,
		     char *out, const char **why);

#endif
