/*
 * customer — members in the store.
 *
 * Columns sealed under the member's data key: name, email, phone, card, pin (an Argon2id hash),
 * language, prefs (interests and channels as JSON of catalogue ids, so a reordered catalogue
 * cannot change what a member chose).  An empty field is stored as NULL.  The blind indexes
 * card_index, phone_index and email_index are unique: one member per card, phone and e-mail.
 *
 * Erasure sets the wrapped data key, the indexes and every sealed column to NULL with
 * secure_delete on, then truncates the WAL: what stays is the pseudonymous uid, the consent
 * records and the reward and visit counts, which are the shop's evidence.
 *
 * A key rotation (customer_rekey) moves each member to a new data key and key version one up;
 * the profile record is sealed again as it was opened, not unpacked and packed, so that fields
 * and ids this catalogue does not know survive it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "customer.h"
#include "util.h"

#define CUSTOMER_KEY_VERSION	1

/*
 * The sealed profile: one record of fields, each a tag byte, a 16-bit big-endian length and
 * the bytes.  Tags are part of the store format; a reader skips tags it does not know, and
 * drops interest and channel ids the catalogue no longer has.  One ciphertext per member keeps
 * a look-up to one decryption and the store to one 40-byte overhead per member.
 */
enum customer_tag {
	CUSTOMER_TAG_NAME = 1,
	CUSTOMER_TAG_EMAIL,
	CUSTOMER_TAG_PHONE,
	CUSTOMER_TAG_CARD,
	CUSTOMER_TAG_LANGUAGE,
	CUSTOMER_TAG_PIN,
	CUSTOMER_TAG_INTEREST,		/* an interest id; repeated */
	CUSTOMER_TAG_CHANNEL,		/* "channel" or "channel:frequency"; repeated */
};

/* The profile's strings and their tags. */
static const struct customer_field {
	enum customer_tag	tag;
	size_t			offset;
	size_t			size;
} customer_fields[] = {
#define CUSTOMER_FIELD(tag, member) \
	{ tag, offsetof(struct customer_profile, member), \
	  sizeof ((struct customer_profile *)NULL)->member }
	CUSTOMER_FIELD(CUSTOMER_TAG_NAME, name),
	CUSTOMER_FIELD(CUSTOMER_TAG_EMAIL, email),
	CUSTOMER_FIELD(CUSTOMER_TAG_PHONE, phone),
	CUSTOMER_FIELD(CUSTOMER_TAG_CARD, card),
	CUSTOMER_FIELD(CUSTOMER_TAG_LANGUAGE, language),
	CUSTOMER_FIELD(CUSTOMER_TAG_PIN, pin_hash),
#undef CUSTOMER_FIELD
};
#define CUSTOMER_NFIELDS	(sizeof customer_fields / sizeof customer_fields[0])

/* The largest packed profile: every field full, every interest and channel chosen. */
#define CUSTOMER_PACKED_MAX \
	(6 * (3 + CONTACT_MAX) + (CUSTOMER_MAX_INTERESTS + CUSTOMER_MAX_CHANNELS) * (3 + 130))

/* The contact fields with a blind index, in the order of the customers table's columns. */
static const enum contact_field customer_indexed[] = { CONTACT_CARD, CONTACT_PHONE, CONTACT_EMAIL };

/* The blind-index kinds, as hashed (part of the store format). */
static const char *const customer_index_kinds[] = {
	[CONTACT_CARD] = "card",
	[CONTACT_PHONE] = "phone",
	[CONTACT_EMAIL] = "email",
};

/*
 * What a message may repeat of the input: a key or an id in the catalogue's form (lower-case
 * letters, digits, '_' and '-', at most 32, with a letter among them), which is what a typo in
 * a key or an id looks like.  An e-mail address, a phone number or a name put where an id
 * belongs is not repeated: a message is a log line, and carries no personal data.
 */
static const char *
customer_echo(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 32 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n ||
	    strpbrk(s, "abcdefghijklmnopqrstuvwxyz") == NULL)
		return "(not shown: not an id)";
	return s;
}

struct customer_profile *
customer_profile_new(void)
{
	struct customer_profile	*p = util_secret_alloc(sizeof *p);
	int			 i;

	for (i = 0; i < CUSTOMER_MAX_CHANNELS; i++)
		p->channels[i] = CUSTOMER_NO_CHANNEL;
	return p;
}

void
customer_profile_free(struct customer_profile *p)
{
	util_secret_free(p);	/* wipes; NULL is a no-op */
}

struct customer_enrolment *
customer_enrolment_new(void)
{
	struct customer_enrolment	*e = util_secret_alloc(sizeof *e);
	int				 i;

	e->profile = customer_profile_new();
	for (i = 0; i < CUSTOMER_MAX_PURPOSES; i++)
		e->consents[i] = CONSENT_REFUSED;
	e->method = CONSENT_KIOSK;
	return e;
}

void
customer_enrolment_free(struct customer_enrolment *e)
{
	if (e == NULL)
		return;
	customer_profile_free(e->profile);
	util_secret_free(e);
}

int
customer_enrolment_check(const struct shop *s, const struct customer_enrolment *e, char **cause)
{
	const struct catalog		*cat = s->catalog;
	const struct customer_profile	*p = e->profile;
	bool				 uses_email = false, uses_phone = false;
	size_t				 i, n;

	if (cat->ninterests > CUSTOMER_MAX_INTERESTS || cat->nchannels > CUSTOMER_MAX_CHANNELS ||
	    cat->npurposes > CUSTOMER_MAX_PURPOSES) {
		util_fail(cause, "the catalogue is larger than prefkiosk supports");
		return CUSTOMER_INVALID;
	}
	if (config_language(s->config, p->language) < 0) {
		util_fail(cause, "language: '%s' is not one of the configured languages",
		    customer_echo(p->language));
		return CUSTOMER_INVALID;
	}
	for (i = 0; i < cat->nchannels; i++) {
		if (p->channels[i] == CUSTOMER_NO_CHANNEL)
			continue;
		switch (cat->channels[i].needs) {
		case CONTACT_EMAIL:
			uses_email = true;
			if (p->email[0] == '\0') {
				util_fail(cause, "channels: '%s' needs an e-mail address",
				    cat->channels[i].id);
				return CUSTOMER_INVALID;
			}
			break;
		case CONTACT_PHONE:
			uses_phone = true;
			if (p->phone[0] == '\0') {
				util_fail(cause, "channels: '%s' needs a phone number",
				    cat->channels[i].id);
				return CUSTOMER_INVALID;
			}
			break;
		default:
			break;
		}
	}
	n = strlen(e->pin);
	if (n > 0) {
		if (n < 4 || n > CUSTOMER_PIN_MAX || strspn(e->pin, "0123456789") != n) {
			util_fail(cause, "pin: a PIN is 4 to %d digits", CUSTOMER_PIN_MAX);
			return CUSTOMER_INVALID;
		}
		uses_phone = true;	/* phone + PIN signs in */
	}
	if (p->pin_hash[0] != '\0')
		uses_phone = true;	/* a PIN set before */
	if (p->email[0] != '\0' && !uses_email) {
		util_fail(cause, "email: no chosen channel uses an e-mail address; leave it out");
		return CUSTOMER_INVALID;
	}
	if (p->phone[0] != '\0' && !uses_phone) {
		util_fail(cause, "phone: no chosen channel uses a phone number, and without a PIN it "
		    "cannot sign in; leave it out");
		return CUSTOMER_INVALID;
	}
	if (e->method == CONSENT_ASSISTED && e->staff[0] == '\0') {
		util_fail(cause, "staff: an assisted sign-up names the staff member");
		return CUSTOMER_INVALID;
	}
	return CUSTOMER_OK;
}

/* Append one field to a packed profile; empty strings are left out. */
static size_t
customer_pack_field(unsigned char *buf, size_t n, enum customer_tag tag, const char *a,
    const char *b)
{
	size_t	la = strlen(a), lb = b != NULL ? strlen(b) : 0, len = la + (b != NULL ? 1 + lb : 0);

	if (la == 0)
		return n;
	buf[n++] = (unsigned char)tag;
	buf[n++] = (unsigned char)(len >> 8);
	buf[n++] = (unsigned char)len;
	memcpy(buf + n, a, la);
	n += la;
	if (b != NULL) {
		buf[n++] = ':';
		memcpy(buf + n, b, lb);
		n += lb;
	}
	return n;
}

/* Pack a profile into buf (CUSTOMER_PACKED_MAX bytes); returns the length. */
static size_t
customer_pack(const struct shop *s, const struct customer_profile *p, unsigned char *buf)
{
	const struct catalog	*cat = s->catalog;
	size_t			 n = 0, i;

	for (i = 0; i < CUSTOMER_NFIELDS; i++)
		n = customer_pack_field(buf, n, customer_fields[i].tag,
		    (const char *)p + customer_fields[i].offset, NULL);
	for (i = 0; i < cat->ninterests; i++)
		if (p->interests[i])
			n = customer_pack_field(buf, n, CUSTOMER_TAG_INTEREST, cat->interests[i].id,
			    NULL);
	for (i = 0; i < cat->nchannels; i++) {
		int f = p->channels[i];
		if (f != CUSTOMER_NO_CHANNEL)
			n = customer_pack_field(buf, n, CUSTOMER_TAG_CHANNEL, cat->channels[i].id,
			    f >= 0 ? cat->frequencies[f].id : "");
	}
	return n;
}

/* Copy a field of len bytes into a string of size bytes; -1 when it does not fit. */
static int
customer_unpack_string(char *dst, size_t size, const unsigned char *v, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

/* Unpack a profile; -1 when the record is malformed. */
static int
customer_unpack(const struct shop *s, struct customer_profile *p, const unsigned char *buf,
    size_t n)
{
	char	id[CONTACT_MAX + 1], *colon;
	size_t	i = 0, k, len;
	int	idx, f, rc = 0;

	while (rc == 0 && i < n) {
		if (n - i < 3 || (len = (size_t)buf[i + 1] << 8 | buf[i + 2]) > n - i - 3) {
			rc = -1;
			break;
		}
		const unsigned char *v = buf + i + 3;
		for (k = 0; k < CUSTOMER_NFIELDS; k++)
			if (customer_fields[k].tag == buf[i])
				break;
		if (k < CUSTOMER_NFIELDS) {
			rc = customer_unpack_string((char *)p + customer_fields[k].offset,
			    customer_fields[k].size, v, len);
			i += 3 + len;
			continue;
		}
		switch (buf[i]) {
		case CUSTOMER_TAG_INTEREST:
			if ((rc = customer_unpack_string(id, sizeof id, v, len)) == 0 &&
			    (idx = catalog_interest_find(s->catalog, id)) >= 0)
				p->interests[idx] = true;
			break;
		case CUSTOMER_TAG_CHANNEL:
			if ((rc = customer_unpack_string(id, sizeof id, v, len)) != 0)
				break;
			if ((colon = strchr(id, ':')) != NULL)
				*colon++ = '\0';
			if ((idx = catalog_channel_find(s->catalog, id)) < 0)
				break;
			f = colon != NULL && *colon != '\0' ?
			    catalog_frequency_find(s->catalog, colon) : -1;
			p->channels[idx] = f >= 0 ? f : CUSTOMER_NO_FREQUENCY;
			break;
		default:
			break;		/* a field a newer prefkiosk wrote */
		}
		i += 3 + len;
	}
	sodium_memzero(id, sizeof id);
	return rc;
}

/* A new card number: 11 random digits and a Luhn check digit. */
static void
customer_card_new(char out[13])
{
	int	i, sum = 0, d;

	for (i = 0; i < 11; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[0] = (char)('1' + randombytes_uniform(9));	/* no leading zero */
	for (i = 10; i >= 0; i--) {
		d = out[i] - '0';
		if ((10 - i) % 2 == 0) {	/* every second digit from the right of the body */
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	out[11] = (char)('0' + (10 - sum % 10) % 10);
	out[12] = '\0';
}

/* Is this blind index a member's other than member (0: any member)?  1 yes, 0 no, -1 error. */
static int
customer_index_taken(struct shop *s, enum contact_field f, const unsigned char *idx,
    sqlite3_int64 member)
{
	static const char *const sql[] = {
		[CONTACT_CARD] = "SELECT 1 FROM customers WHERE card_index = ?1 AND id != ?2",
		[CONTACT_PHONE] = "SELECT 1 FROM customers WHERE phone_index = ?1 AND id != ?2",
		[CONTACT_EMAIL] = "SELECT 1 FROM customers WHERE email_index = ?1 AND id != ?2",
	};
	sqlite3_stmt	*stmt = store_prepare(s->store, sql[f]);
	int		 rc;

	sqlite3_bind_blob(stmt, 1, idx, VAULT_INDEX_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, member);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The blind indexes under the shop's key of a profile's card, phone and e-mail (have[i]: the
 * field is given). */
static void
customer_index_values(const struct shop *s, const struct customer_profile *p,
    unsigned char idx[3][VAULT_INDEX_BYTES], bool have[3])
{
	const char	*values[3] = { p->card, p->phone, p->email };
	int		 i;

	for (i = 0; i < 3; i++)
		if ((have[i] = values[i][0] != '\0'))
			vault_blind_index(s->vault, customer_index_kinds[customer_indexed[i]],
			    values[i], idx[i]);
}

/* The blind indexes of a profile's card, phone and e-mail (have[i]: the field is given), each
 * checked to be no other member's than member.  CUSTOMER_OK, INVALID or ERROR with *cause. */
static int
customer_indexes(struct shop *s, const struct customer_profile *p, sqlite3_int64 member,
    unsigned char idx[3][VAULT_INDEX_BYTES], bool have[3], char **cause)
{
	static const char *const what[] = {
		[CONTACT_CARD] = "card number",
		[CONTACT_PHONE] = "phone number",
		[CONTACT_EMAIL] = "e-mail address",
	};
	int		 i;

	customer_index_values(s, p, idx, have);
	for (i = 0; i < 3; i++) {
		enum contact_field f = customer_indexed[i];
		if (!have[i])
			continue;
		switch (customer_index_taken(s, f, idx[i], member)) {
		case 0:
			break;
		case 1:
			util_fail(cause, "%s: another member already has this %s",
			    contact_field_name(f), what[f]);
			return CUSTOMER_INVALID;
		default:
			store_fail(s->store, cause, "cannot check the contact details");
			return CUSTOMER_ERROR;
		}
	}
	return CUSTOMER_OK;
}

int
customer_enroll_locked(struct shop *s, struct consent_chain *chain,
    struct customer_enrolment *e, time_t now, char *uid, char *receipt, char **cause)
{
	struct customer_profile	*p = e->profile;
	unsigned char		 idx[3][VAULT_INDEX_BYTES], wrapped[VAULT_WRAPPED_BYTES];
	unsigned char		*packed = NULL, *sealed = NULL, *dk = NULL;
	bool			 have[3];
	sqlite3_stmt		*stmt;
	struct consent_event	 ev;
	sqlite3_int64		 member;
	size_t			 j, len;
	int			 rc, lang, i, tries;

	if ((rc = customer_enrolment_check(s, e, cause)) != CUSTOMER_OK)
		return rc;
	lang = config_language(s->config, p->language);
	if (e->pin[0] != '\0' && p->pin_hash[0] == '\0' &&
	    vault_pin_hash(s->vault, e->pin, p->pin_hash) != 0)
		return util_fail(cause, "out of memory while hashing the PIN");
	rc = CUSTOMER_ERROR;
	for (tries = 0; p->card[0] == '\0' && tries < 100; tries++) {
		char card[13];
		customer_card_new(card);
		vault_blind_index(s->vault, "card", card, idx[0]);
		if ((i = customer_index_taken(s, CONTACT_CARD, idx[0], 0)) < 0)
			goto fail;
		if (i == 0)
			memcpy(p->card, card, sizeof card);
	}
	if ((rc = customer_indexes(s, p, 0, idx, have, cause)) != CUSTOMER_OK)
		goto out;

	vault_random_id(uid, 10);
	consent_receipt_new(receipt);
	dk = vault_datakey_new();
	vault_datakey_wrap(s->vault, dk, uid, CUSTOMER_KEY_VERSION, wrapped);
	packed = util_secret_alloc(CUSTOMER_PACKED_MAX);
	len = customer_pack(s, p, packed);
	sealed = util_xmalloc(len + VAULT_SEAL_OVERHEAD);
	vault_seal(dk, "customers", "profile", uid, CUSTOMER_KEY_VERSION, packed, len, sealed);

	stmt = store_prepare(s->store,
	    "INSERT INTO customers (uid, key_version, data_key, card_index, phone_index,"
	    " email_index, profile, created, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, CUSTOMER_KEY_VERSION);
	sqlite3_bind_blob(stmt, 3, wrapped, sizeof wrapped, SQLITE_STATIC);
	for (i = 0; i < 3; i++)
		if (have[i])
			sqlite3_bind_blob(stmt, 4 + i, idx[i], VAULT_INDEX_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 7, sealed, (int)(len + VAULT_SEAL_OVERHEAD), SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 8, (sqlite3_int64)now);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto fail;
	member = sqlite3_last_insert_rowid(store_db(s->store));

	memset(&ev, 0, sizeof ev);
	ev.subject = uid;
	ev.method = e->method;
	ev.staff = e->staff[0] != '\0' ? e->staff : NULL;
	ev.language = lang;
	ev.receipt = receipt;
	ev.now = now;
	rc = CUSTOMER_ERROR;
	for (j = 0; j < s->catalog->npurposes; j++) {
		ev.purpose = (int)j;
		ev.state = e->consents[j] == CONSENT_GIVEN ? CONSENT_GIVEN : CONSENT_REFUSED;
		/* The notice shown is the one in the language the question was answered in. */
		ev.language = e->consent_language[j] > 0 &&
		    e->consent_language[j] <= s->config->nlanguages ? e->consent_language[j] - 1 :
		    lang;
		if (consent_record(s, chain, &ev, cause) != 0)
			goto out;
	}
	/* Rewards go to people at a terminal; members imported from elsewhere saw no offer. */
	e->rewards.n = 0;
	if (e->method != CONSENT_IMPORT && reward_on_profile(s, member, p->interests,
	    e->incentives, lang, true, now, &e->rewards, cause) != 0)
		goto out;
	rc = CUSTOMER_OK;
	goto out;
fail:
	store_fail(s->store, cause, "cannot enrol");
	rc = CUSTOMER_ERROR;
out:
	vault_datakey_free(dk);
	util_secret_free(packed);
	free(sealed);
	return rc;
}

int
customer_enroll(struct shop *s, struct customer_enrolment *e, time_t now, char *uid,
    char *receipt, char **cause)
{
	struct consent_chain	chain;
	int			rc;

	/* Check first, so that bad input never waits for the write lock. */
	if ((rc = customer_enrolment_check(s, e, cause)) != CUSTOMER_OK)
		return rc;
	/* The slow Argon2id hash happens before the write lock is taken. */
	if (e->pin[0] != '\0' && vault_pin_hash(s->vault, e->pin, e->profile->pin_hash) != 0)
		return util_fail(cause, "out of memory while hashing the PIN");
	if (store_begin(s->store, cause) != 0)
		return CUSTOMER_ERROR;
	consent_chain_begin(&chain);
	if ((rc = customer_enroll_locked(s, &chain, e, now, uid, receipt, cause)) != CUSTOMER_OK ||
	    (rc = consent_chain_end(s, &chain, cause)) != 0) {
		store_rollback(s->store);
		return rc;
	}
	return store_commit(s->store, cause) == 0 ? CUSTOMER_OK : CUSTOMER_ERROR;
}

/* The update inside its transaction. */
static int
customer_update_locked(struct shop *s, const char *uid, struct customer_enrolment *e,
    time_t now, char **cause)
{
	struct customer_profile	*p = e->profile;
	unsigned char		 idx[3][VAULT_INDEX_BYTES], *dk = NULL, *packed = NULL;
	unsigned char		*sealed = NULL;
	bool			 have[3];
	sqlite3_stmt		*stmt;
	sqlite3_int64		 member;
	uint32_t		 keyver;
	size_t			 len;
	int			 rc, i;

	stmt = store_prepare(s->store, "SELECT id, key_version, data_key FROM customers"
	    " WHERE uid = ?1 AND erased IS NULL AND data_key IS NOT NULL");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_fail(s->store, cause, "cannot read the member");
		util_fail(cause, "no member %s (unknown, or erased)", uid);
		return CUSTOMER_NOT_FOUND;
	}
	member = sqlite3_column_int64(stmt, 0);
	keyver = (uint32_t)sqlite3_column_int(stmt, 1);
	dk = vault_datakey_unwrap(s->vault, sqlite3_column_blob(stmt, 2),
	    (size_t)sqlite3_column_bytes(stmt, 2), uid, keyver);
	sqlite3_reset(stmt);
	if (dk == NULL) {
		util_fail(cause, "member %s: the data key does not open (damaged or tampered); "
		    "run prefkiosk verify", uid);
		return CUSTOMER_DAMAGED;
	}

	if ((rc = customer_indexes(s, p, member, idx, have, cause)) != CUSTOMER_OK)
		goto out;
	packed = util_secret_alloc(CUSTOMER_PACKED_MAX);
	len = customer_pack(s, p, packed);
	sealed = util_xmalloc(len + VAULT_SEAL_OVERHEAD);
	vault_seal(dk, "customers", "profile", uid, keyver, packed, len, sealed);
	stmt = store_prepare(s->store,
	    "UPDATE customers SET card_index = ?2, phone_index = ?3, email_index = ?4,"
	    " profile = ?5, last_seen = ?6 WHERE id = ?1");
	sqlite3_bind_int64(stmt, 1, member);
	for (i = 0; i < 3; i++)
		if (have[i])
			sqlite3_bind_blob(stmt, 2 + i, idx[i], VAULT_INDEX_BYTES, SQLITE_STATIC);
		else
			sqlite3_bind_null(stmt, 2 + i);
	sqlite3_bind_blob(stmt, 5, sealed, (int)(len + VAULT_SEAL_OVERHEAD), SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)now);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_fail(s->store, cause, "cannot update the member");
		goto out;
	}
	e->rewards.n = 0;
	rc = reward_on_profile(s, member, p->interests, e->incentives,
	    config_language(s->config, p->language), false, now, &e->rewards, cause);
out:
	vault_datakey_free(dk);
	util_secret_free(packed);
	free(sealed);
	return rc;
}

int
customer_update(struct shop *s, const char *uid, struct customer_enrolment *e, time_t now,
    char **cause)
{
	int	rc;

	if ((rc = customer_enrolment_check(s, e, cause)) != CUSTOMER_OK)
		return rc;
	if (e->pin[0] != '\0' && vault_pin_hash(s->vault, e->pin, e->profile->pin_hash) != 0)
		return util_fail(cause, "out of memory while hashing the PIN");
	if (store_begin(s->store, cause) != 0)
		return CUSTOMER_ERROR;
	if ((rc = customer_update_locked(s, uid, e, now, cause)) != CUSTOMER_OK) {
		store_rollback(s->store);
		return rc;
	}
	return store_commit(s->store, cause) == 0 ? CUSTOMER_OK : CUSTOMER_ERROR;
}

/*
 * Open, under v, the data key and the sealed profile of the row stmt stands on (columns uid,
 * key_version, data_key, profile from first) and unpack it into p.  *dk (vault_datakey_free) and
 * *packed, *len (the profile record as sealed, util_secret_free; NULL when the member has none)
 * are the caller's.  CUSTOMER_OK, or CUSTOMER_DAMAGED with *cause and nothing to free.
 */
static int
customer_open_sealed(const struct shop *s, const struct vault *v, sqlite3_stmt *stmt, int first,
    struct customer_profile *p, unsigned char **dk, unsigned char **packed, size_t *len,
    char **cause)
{
	const char		*uid = (const char *)sqlite3_column_text(stmt, first);
	uint32_t		 keyver = (uint32_t)sqlite3_column_int(stmt, first + 1);
	const unsigned char	*blob = sqlite3_column_blob(stmt, first + 3);
	size_t			 n = (size_t)sqlite3_column_bytes(stmt, first + 3);

	*packed = NULL;
	*len = 0;
	*dk = vault_datakey_unwrap(v, sqlite3_column_blob(stmt, first + 2),
	    (size_t)sqlite3_column_bytes(stmt, first + 2), uid, keyver);
	if (*dk == NULL) {
		util_fail(cause, "member %s: the data key does not open (damaged or tampered)",
		    uid);
		return CUSTOMER_DAMAGED;
	}
	if (blob == NULL)
		return CUSTOMER_OK;
	if (n < VAULT_SEAL_OVERHEAD || n - VAULT_SEAL_OVERHEAD > CUSTOMER_PACKED_MAX)
		goto damaged;
	*len = n - VAULT_SEAL_OVERHEAD;
	*packed = util_secret_alloc(*len);
	if (vault_unseal(*dk, "customers", "profile", uid, keyver, blob, n, *packed) != 0 ||
	    customer_unpack(s, p, *packed, *len) != 0)
		goto damaged;
	return CUSTOMER_OK;
damaged:
	util_fail(cause, "member %s: the sealed field 'profile' does not open (damaged or "
	    "tampered)", uid);
	util_secret_free(*packed);
	vault_datakey_free(*dk);
	*packed = *dk = NULL;
	return CUSTOMER_DAMAGED;
}

/* Open the sealed profile of the row stmt stands on (columns uid, key_version, data_key,
 * profile from first). */
static int
customer_open_row(struct shop *s, sqlite3_stmt *stmt, int first, struct customer_profile **out,
    char **cause)
{
	struct customer_profile	*p = customer_profile_new();
	unsigned char		*dk, *packed;
	size_t			 len;
	char			*why = NULL;
	int			 rc;

	rc = customer_open_sealed(s, s->vault, stmt, first, p, &dk, &packed, &len, &why);
	util_secret_free(packed);
	vault_datakey_free(dk);
	if (rc == CUSTOMER_OK)
		*out = p;
	else {
		/* Said where the member was wanted; verify names every damaged member. */
		util_fail(cause, "%s; run prefkiosk verify", why);
		customer_profile_free(p);
	}
	free(why);
	return rc;
}

/* The blind index of a value typed in any form; CUSTOMER_INVALID with *cause. */
static int
customer_index_of(struct shop *s, enum contact_field f, const char *value,
    unsigned char idx[VAULT_INDEX_BYTES], char **cause)
{
	char		 normal[CONTACT_MAX + 1];
	const char	*why;

	if (f != CONTACT_CARD && f != CONTACT_PHONE && f != CONTACT_EMAIL)
		abort();
	if (contact_normalize(f, value, s->config->phone_country, normal, &why) != 0) {
		util_fail(cause, "%s: %s", contact_field_name(f), why);
		return CUSTOMER_INVALID;
	}
	vault_blind_index(s->vault, customer_index_kinds[f], normal, idx);
	sodium_memzero(normal, sizeof normal);
	return CUSTOMER_OK;
}

/* Find a member by a blind index; opens the profile too when out is not NULL. */
static int
customer_seek(struct shop *s, enum contact_field f, const char *value, char *uid,
    struct customer_profile **out, char **cause)
{
	static const char *const sql[] = {
		[CONTACT_CARD] = "SELECT uid, key_version, data_key, profile FROM customers"
		    " WHERE card_index = ?1",
		[CONTACT_PHONE] = "SELECT uid, key_version, data_key, profile FROM customers"
		    " WHERE phone_index = ?1",
		[CONTACT_EMAIL] = "SELECT uid, key_version, data_key, profile FROM customers"
		    " WHERE email_index = ?1",
	};
	unsigned char	 idx[VAULT_INDEX_BYTES];
	sqlite3_stmt	*stmt;
	int		 rc;

	if (out != NULL)
		*out = NULL;
	if ((rc = customer_index_of(s, f, value, idx, cause)) != CUSTOMER_OK)
		return rc;
	stmt = store_prepare(s->store, sql[f]);
	sqlite3_bind_blob(stmt, 1, idx, sizeof idx, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		util_copy(uid, CUSTOMER_UID_LEN + 1, (const char *)sqlite3_column_text(stmt, 0));
		rc = out != NULL ? customer_open_row(s, stmt, 0, out, cause) : CUSTOMER_OK;
		sqlite3_reset(stmt);
		return rc;
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE) {
		util_fail(cause, "no member has this %s", contact_field_name(f));
		return CUSTOMER_NOT_FOUND;
	}
	return store_fail(s->store, cause, "cannot look the member up");
}

long
customer_count(struct shop *s, char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT count(*) FROM customers WHERE erased IS NULL");
	long		 n = -1;

	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	else
		store_fail(s->store, cause, "cannot count the members");
	sqlite3_reset(stmt);
	return n;
}

int
customer_find(struct shop *s, enum contact_field f, const char *value, char *uid, char **cause)
{
	return customer_seek(s, f, value, uid, NULL, cause);
}

int
customer_lookup(struct shop *s, enum contact_field f, const char *value, char *uid,
    struct customer_profile **out, char **cause)
{
	return customer_seek(s, f, value, uid, out, cause);
}

int
customer_load(struct shop *s, const char *uid, struct customer_profile **out, char **cause)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT uid, key_version, data_key, profile FROM customers WHERE uid = ?1");
	int		 rc;

	*out = NULL;
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE || (rc == SQLITE_ROW && sqlite3_column_type(stmt, 2) == SQLITE_NULL)) {
		sqlite3_reset(stmt);
		util_fail(cause, "no member %s (unknown, or erased)", uid);
		return CUSTOMER_NOT_FOUND;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return store_fail(s->store, cause, "cannot read the member");
	}
	rc = customer_open_row(s, stmt, 0, out, cause);
	sqlite3_reset(stmt);
	return rc;
}

/* Report a problem of member uid: "member <uid>: <what>". */
static int
customer_problem(void (*report)(const char *, void *), void *arg, const char *uid,
    const char *what)
{
	return util_report(report, arg, "member %s: %s", uid, what);
}

/*
 * Are the blind indexes of the row stmt stands on (columns card_index, phone_index and
 * email_index from first) those of the opened profile p?  An index no longer the member's
 * value loses the member at the till (or finds them by someone else's card).
 */
static int
customer_verify_indexes(const struct shop *s, sqlite3_stmt *stmt, int first,
    const struct customer_profile *p, const char *uid, void (*report)(const char *, void *),
    void *arg)
{
	unsigned char	 idx[3][VAULT_INDEX_BYTES];
	bool		 have[3], same;
	char		*what;
	int		 i, problems = 0;

	customer_index_values(s, p, idx, have);
	for (i = 0; i < 3; i++) {
		const char *kind = customer_index_kinds[customer_indexed[i]];
		if (have[i])
			same = sqlite3_column_bytes(stmt, first + i) == VAULT_INDEX_BYTES &&
			    sodium_memcmp(sqlite3_column_blob(stmt, first + i), idx[i],
			    VAULT_INDEX_BYTES) == 0;
		else
			same = sqlite3_column_type(stmt, first + i) == SQLITE_NULL;
		if (same)
			continue;
		what = util_xprintf("its %s index is not that of its %s (the row was edited)",
		    kind, kind);
		problems += customer_problem(report, arg, uid, what);
		free(what);
	}
	return problems;
}

/* Check the member the statement stands on (verify's columns). */
static int
customer_verify_row(struct shop *s, sqlite3_stmt *stmt, void (*report)(const char *, void *),
    void *arg)
{
	const char		*uid = (const char *)sqlite3_column_text(stmt, 0);
	struct customer_profile	*p;
	unsigned char		*dk, *packed;
	size_t			 len;
	char			*why = NULL;
	int			 problems = 0, i;

	if (sqlite3_column_type(stmt, 7) != SQLITE_NULL) {
		for (i = 2; i <= 6; i++)
			if (sqlite3_column_type(stmt, i) != SQLITE_NULL)
				return customer_problem(report, arg, uid, "marked erased, but its "
				    "data key, profile or indexes are still there (the row was "
				    "edited)");
		return 0;
	}
	if (sqlite3_column_type(stmt, 2) == SQLITE_NULL)
		return customer_problem(report, arg, uid, "its data key is missing, but it is "
		    "not marked erased (the row was edited)");
	/* Enrolment always seals a profile: at least the language and the card. */
	if (sqlite3_column_type(stmt, 3) == SQLITE_NULL)
		return customer_problem(report, arg, uid, "its sealed profile is missing (the "
		    "row was edited)");
	p = customer_profile_new();
	if (customer_open_sealed(s, s->vault, stmt, 0, p, &dk, &packed, &len, &why) !=
	    CUSTOMER_OK) {
		report(why, arg);
		free(why);
		customer_profile_free(p);
		return 1;
	}
	problems += customer_verify_indexes(s, stmt, 4, p, uid, report, arg);
	util_secret_free(packed);
	vault_datakey_free(dk);
	customer_profile_free(p);
	return problems;
}

int
customer_verify(struct shop *s, void (*report)(const char *, void *), void *arg,
    long *members, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc, problems = 0;

	*members = 0;
	/* Not cached: verify runs once, and the statement must not stay open. */
	if (sqlite3_prepare_v2(store_db(s->store), "SELECT uid, key_version, data_key, profile,"
	    " card_index, phone_index, email_index, erased FROM customers ORDER BY id", -1,
	    &stmt, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the members");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (sqlite3_column_type(stmt, 7) == SQLITE_NULL)
			(*members)++;
		problems += customer_verify_row(s, stmt, report, arg);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the members");
	return problems;
}

int
customer_pin_check(struct shop *s, const char *uid, const struct customer_profile *p,
    const char *pin, time_t now, int max_failures, int lockout_minutes, time_t *locked_until,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 failures = 0, rc, ok;

	*locked_until = 0;
	if (p->pin_hash[0] == '\0')
		return CUSTOMER_PIN_NONE;
	if (store_begin(s->store, cause) != 0)
		return -1;
	stmt = store_prepare(s->store, "SELECT f.failures, f.locked_until FROM signin_failures f"
	    " JOIN customers c ON c.id = f.customer WHERE c.uid = ?1");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		failures = sqlite3_column_int(stmt, 0);
		*locked_until = (time_t)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	if (*locked_until > now) {
		store_rollback(s->store);
		return CUSTOMER_PIN_LOCKED;
	}
	ok = vault_pin_verify(s->vault, p->pin_hash, pin) == 0;
	failures = ok ? 0 : failures + 1;
	*locked_until = !ok && failures >= max_failures ? now + lockout_minutes * 60 : 0;
	if (*locked_until != 0)
		failures = 0;
	stmt = store_prepare(s->store, "INSERT INTO signin_failures (customer, failures,"
	    " locked_until) SELECT id, ?2, ?3 FROM customers WHERE uid = ?1"
	    " ON CONFLICT (customer) DO UPDATE SET failures = ?2, locked_until = ?3");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, failures);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)*locked_until);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto fail;
	if (store_commit(s->store, cause) != 0)
		return -1;
	return ok ? CUSTOMER_PIN_OK : *locked_until != 0 ? CUSTOMER_PIN_LOCKED : CUSTOMER_PIN_WRONG;
fail:
	store_fail(s->store, cause, "cannot check the PIN");
	store_rollback(s->store);
	return -1;
}

int
customer_rekey(struct shop *s, const struct vault *old, long *done, long *damaged,
    char **cause)
{
	struct customer_profile	*p;
	unsigned char		 idx[3][VAULT_INDEX_BYTES], wrapped[VAULT_WRAPPED_BYTES];
	unsigned char		*dk, *packed, *fresh, *sealed;
	sqlite3_stmt		*rows, *stmt;
	const char		*uid;
	uint32_t		 keyver;
	bool			 have[3];
	size_t			 len;
	int			 rc = 0, step = SQLITE_DONE, i;

	*done = *damaged = 0;
	/* Not cached: it runs once.  Only the row being read is changed, by id, which SQLite
	 * allows while the scan goes on. */
	if (sqlite3_prepare_v2(store_db(s->store), "SELECT uid, key_version, data_key, profile,"
	    " id FROM customers WHERE erased IS NULL AND data_key IS NOT NULL ORDER BY id", -1,
	    &rows, NULL) != SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the members");
	sealed = util_xmalloc(CUSTOMER_PACKED_MAX + VAULT_SEAL_OVERHEAD);
	while (rc == 0 && (step = sqlite3_step(rows)) == SQLITE_ROW) {
		p = customer_profile_new();
		if (customer_open_sealed(s, old, rows, 0, p, &dk, &packed, &len, NULL) !=
		    CUSTOMER_OK) {
			(*damaged)++;	/* unreadable under either key: left as it is */
			customer_profile_free(p);
			continue;
		}
		uid = (const char *)sqlite3_column_text(rows, 0);
		keyver = (uint32_t)sqlite3_column_int(rows, 1) + 1;
		fresh = vault_datakey_new();
		vault_datakey_wrap(s->vault, fresh, uid, keyver, wrapped);
		if (packed != NULL)
			vault_seal(fresh, "customers", "profile", uid, keyver, packed, len, sealed);
		customer_index_values(s, p, idx, have);
		stmt = store_prepare(s->store, "UPDATE customers SET key_version = ?2,"
		    " data_key = ?3, profile = ?4, card_index = ?5, phone_index = ?6,"
		    " email_index = ?7 WHERE id = ?1");
		sqlite3_bind_int64(stmt, 1, sqlite3_column_int64(rows, 4));
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)keyver);
		sqlite3_bind_blob(stmt, 3, wrapped, sizeof wrapped, SQLITE_STATIC);
		if (packed != NULL)
			sqlite3_bind_blob(stmt, 4, sealed, (int)(len + VAULT_SEAL_OVERHEAD),
			    SQLITE_STATIC);
		for (i = 0; i < 3; i++)
			if (have[i])
				sqlite3_bind_blob(stmt, 5 + i, idx[i], VAULT_INDEX_BYTES,
				    SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = store_fail(s->store, cause, "cannot re-key the members");
		else
			(*done)++;
		sqlite3_reset(stmt);
		vault_datakey_free(fresh);
		vault_datakey_free(dk);
		util_secret_free(packed);
		customer_profile_free(p);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(s->store, cause, "cannot read the members");
	sqlite3_finalize(rows);
	free(sealed);
	return rc;
}

/* Is there a live (not erased) member with this uid?  1, 0, -1. */
static int
customer_exists(struct shop *s, const char *uid)
{
	sqlite3_stmt	*stmt = store_prepare(s->store,
	    "SELECT 1 FROM customers WHERE uid = ?1 AND erased IS NULL");
	int		 rc;

	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Record new states in an open transaction: one purpose, or every given one (purpose -1). */
static int
customer_consent_locked(struct shop *s, const char *uid, int purpose, enum consent_state state,
    enum consent_method method, const char *staff, int language, time_t now,
    const char *receipt, char **cause)
{
	struct consent_event	ev;
	struct consent_current	cur;
	struct consent_chain	chain;
	size_t			i;

	consent_chain_begin(&chain);
	memset(&ev, 0, sizeof ev);
	ev.subject = uid;
	ev.state = state;
	ev.method = method;
	ev.staff = staff;
	ev.language = language;
	ev.receipt = receipt;
	ev.now = now;
	for (i = 0; i < s->catalog->npurposes; i++) {
		if (purpose >= 0 && (int)i != purpose)
			continue;
		if (purpose < 0) {
			if (consent_current(s, uid, (int)i, &cur, cause) != 0)
				return -1;
			if (cur.state != CONSENT_GIVEN)
				continue;
		}
		ev.purpose = (int)i;
		if (consent_record(s, &chain, &ev, cause) != 0)
			return -1;
	}
	return consent_chain_end(s, &chain, cause);
}

int
customer_consent(struct shop *s, const char *uid, int purpose, enum consent_state state,
    enum consent_method method, const char *staff, int language, time_t now, char *receipt,
    char **cause)
{
	sqlite3_stmt	*stmt;

	if (state != CONSENT_GIVEN && state != CONSENT_WITHDRAWN)
		abort();
	consent_receipt_new(receipt);
	if (store_begin(s->store, cause) != 0)
		return CUSTOMER_ERROR;
	switch (customer_exists(s, uid)) {
	case 1:
		break;
	case 0:
		store_rollback(s->store);
		util_fail(cause, "no member %s (unknown, or erased)", uid);
		return CUSTOMER_NOT_FOUND;
	default:
		store_fail(s->store, cause, "cannot read the member");
		store_rollback(s->store);
		return CUSTOMER_ERROR;
	}
	if (customer_consent_locked(s, uid, purpose, state, method, staff, language, now, receipt,
	    cause) != 0) {
		store_rollback(s->store);
		return CUSTOMER_ERROR;
	}
	stmt = store_prepare(s->store, "UPDATE customers SET last_seen = ?2 WHERE uid = ?1");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		sqlite3_reset(stmt);
		store_fail(s->store, cause, "cannot record the consent");
		store_rollback(s->store);
		return CUSTOMER_ERROR;
	}
	sqlite3_reset(stmt);
	return store_commit(s->store, cause) == 0 ? CUSTOMER_OK : CUSTOMER_ERROR;
}

int
customer_erase(struct shop *s, const char *uid, enum consent_method method, time_t now,
    char **cause)
{
	char		 receipt[CONSENT_ID_LEN + 1];
	sqlite3_stmt	*stmt;
	int		 rc;

	consent_receipt_new(receipt);
	if (store_begin(s->store, cause) != 0)
		return CUSTOMER_ERROR;
	switch (customer_exists(s, uid)) {
	case 1:
		break;
	case 0:
		store_rollback(s->store);
		util_fail(cause, "no member %s (unknown, or already erased)", uid);
		return CUSTOMER_NOT_FOUND;
	default:
		goto fail;
	}
	/* The withdrawals are recorded in the first configured language: the member is gone. */
	if (customer_consent_locked(s, uid, -1, CONSENT_WITHDRAWN, method, NULL, 0, now, receipt,
	    cause) != 0) {
		store_rollback(s->store);
		return CUSTOMER_ERROR;
	}
	stmt = store_prepare(s->store,
	    "UPDATE customers SET data_key = NULL, card_index = NULL, phone_index = NULL,"
	    " email_index = NULL, profile = NULL, erased = ?2 WHERE uid = ?1");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)now);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto fail;
	stmt = store_prepare(s->store,
	    "UPDATE rewards SET state = 'revoked', revoked_reason = 'erased' WHERE customer ="
	    " (SELECT id FROM customers WHERE uid = ?1) AND state = 'issued'");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto fail;
	if (store_commit(s->store, cause) != 0)
		return CUSTOMER_ERROR;
	/* The key is gone, so the old pages are unreadable; truncating the WAL removes them. A
	 * reader holding an old snapshot can delay this; the next checkpoint finishes it. */
	store_checkpoint(s->store, NULL);
	return CUSTOMER_OK;
fail:
	store_fail(s->store, cause, "cannot erase the member");
	store_rollback(s->store);
	return CUSTOMER_ERROR;
}

json_t *
customer_profile_json(const struct shop *s, const struct customer_profile *p)
{
	const struct catalog	*cat = s->catalog;
	json_t			*o = json_object(), *in = json_array(), *ch = json_array();
	size_t			 i;

	json_object_set_new(o, "name", p->name[0] ? json_string(p->name) : json_null());
	json_object_set_new(o, "email", p->email[0] ? json_string(p->email) : json_null());
	json_object_set_new(o, "phone", p->phone[0] ? json_string(p->phone) : json_null());
	json_object_set_new(o, "card", p->card[0] ? json_string(p->card) : json_null());
	json_object_set_new(o, "language", json_string(p->language));
	json_object_set_new(o, "pin", json_boolean(p->pin_hash[0] != '\0'));
	for (i = 0; i < cat->ninterests; i++)
		if (p->interests[i])
			json_array_append_new(in, json_string(cat->interests[i].id));
	for (i = 0; i < cat->nchannels; i++) {
		int f = p->channels[i];
		if (f == CUSTOMER_NO_CHANNEL)
			continue;
		json_array_append_new(ch, json_pack("{s:s, s:o}", "id", cat->channels[i].id,
		    "frequency", f >= 0 ? json_string(cat->frequencies[f].id) : json_null()));
	}
	json_object_set_new(o, "interests", in);
	json_object_set_new(o, "channels", ch);
	return o;
}

/* The current state of every purpose, as {"purpose": {"state", "since", ...}}. */
static json_t *
customer_consents_json(struct shop *s, const char *uid, time_t now, char **cause)
{
	struct consent_current	 cur;
	json_t			*o = json_object();
	char			 when[21];
	size_t			 i;

	for (i = 0; i < s->catalog->npurposes; i++) {
		json_t *c;
		if (consent_current(s, uid, (int)i, &cur, cause) != 0) {
			json_decref(o);
			return NULL;
		}
		c = json_pack("{s:s}", "state", consent_state_name(cur.state));
		if (cur.state != CONSENT_NONE) {
			util_iso8601(cur.since, when);
			json_object_set_new(c, "since", json_string(when));
			json_object_set_new(c, "notice_version", json_integer(cur.notice_version));
		}
		if (cur.state == CONSENT_GIVEN) {
			util_iso8601(cur.valid_until, when);
			json_object_set_new(c, "valid_until", json_string(when));
			json_object_set_new(c, "current",
			    json_boolean(consent_is_current(s, &cur, (int)i, now)));
		}
		json_object_set_new(o, s->catalog->purposes[i].id, c);
	}
	return o;
}

json_t *
customer_export(struct shop *s, const char *uid, time_t now, int *result, char **cause)
{
	struct customer_profile	*p = NULL;
	sqlite3_stmt		*stmt;
	json_t			*o = NULL, *consents, *history, *rewards, *visits;
	char			 when[21], day[11];
	int			 rc;

	if ((*result = customer_load(s, uid, &p, cause)) != CUSTOMER_OK)
		return NULL;
	*result = CUSTOMER_ERROR;
	o = json_object();
	json_object_set_new(o, "customer", json_string(uid));
	stmt = store_prepare(s->store, "SELECT created, last_seen FROM customers WHERE uid = ?1");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		util_iso8601((time_t)sqlite3_column_int64(stmt, 0), when);
		json_object_set_new(o, "member_since", json_string(when));
		util_iso8601((time_t)sqlite3_column_int64(stmt, 1), when);
		json_object_set_new(o, "last_seen", json_string(when));
	}
	sqlite3_reset(stmt);
	json_object_set_new(o, "profile", customer_profile_json(s, p));
	if ((consents = customer_consents_json(s, uid, now, cause)) == NULL)
		goto fail;
	json_object_set_new(o, "consents", consents);
	if ((history = consent_history(s, uid, cause)) == NULL)
		goto fail;
	json_object_set_new(o, "consent_history", history);

	rewards = json_array();
	json_object_set_new(o, "rewards", rewards);
	stmt = store_prepare(s->store,
	    "SELECT r.rule, r.code, r.issued, r.expires, r.state, r.redeemed_at, r.redeemed_till"
	    " FROM rewards r JOIN customers c ON c.id = r.customer WHERE c.uid = ?1"
	    " ORDER BY r.issued, r.id");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *r = json_object();
		json_object_set_new(r, "rule", json_string((const char *)sqlite3_column_text(stmt, 0)));
		json_object_set_new(r, "code", json_string((const char *)sqlite3_column_text(stmt, 1)));
		util_iso8601((time_t)sqlite3_column_int64(stmt, 2), when);
		json_object_set_new(r, "issued", json_string(when));
		util_day((time_t)sqlite3_column_int64(stmt, 3), day);
		json_object_set_new(r, "expires", json_string(day));
		json_object_set_new(r, "state", json_string((const char *)sqlite3_column_text(stmt, 4)));
		if (sqlite3_column_type(stmt, 5) != SQLITE_NULL) {
			util_iso8601((time_t)sqlite3_column_int64(stmt, 5), when);
			json_object_set_new(r, "redeemed_at", json_string(when));
			json_object_set_new(r, "redeemed_till",
			    json_string((const char *)sqlite3_column_text(stmt, 6)));
		}
		json_array_append_new(rewards, r);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto store;

	visits = json_array();
	json_object_set_new(o, "visits", visits);
	stmt = store_prepare(s->store,
	    "SELECT v.time, v.terminal FROM visits v JOIN customers c ON c.id = v.customer"
	    " WHERE c.uid = ?1 ORDER BY v.id");
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		util_iso8601((time_t)sqlite3_column_int64(stmt, 0), when);
		json_array_append_new(visits, json_pack("{s:s, s:i}", "time", when, "terminal",
		    sqlite3_column_int(stmt, 1)));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto store;
	if (reward_member_json(s, uid, now, false, o, cause) != 0)
		goto fail;
	customer_profile_free(p);
	*result = CUSTOMER_OK;
	return o;
store:
	store_fail(s->store, cause, "cannot read the member");
fail:
	customer_profile_free(p);
	json_decref(o);
	return NULL;
}

/* The keys an enrolment document may have. */
static const char *const customer_json_keys[] = {
	"card", "name", "email", "phone", "language", "pin", "interests", "channels", "consents",
	"method", "staff", "incentives", NULL
};

/* The keys a profile update may have. */
static const char *const customer_update_keys[] = {
	"card", "name", "email", "phone", "language", "pin", "interests", "channels", "incentives",
	NULL
};

/* Refuse a key not in keys (NULL-terminated). */
static int
customer_json_known(json_t *doc, const char *const *keys, char **cause)
{
	const char	*key;
	json_t		*v;
	size_t		 k;

	json_object_foreach(doc, key, v) {
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(key, keys[k]) == 0)
				break;
		if (keys[k] == NULL) {
			util_fail(cause, "unknown key '%s'", customer_echo(key));
			return CUSTOMER_INVALID;
		}
	}
	return CUSTOMER_OK;
}

/* A list of catalogue ids under key into a set (chosen[index] = true), replacing it. */
static int
customer_json_ids(const struct shop *s, json_t *v, const char *key,
    int (*find)(const struct catalog *, const char *), const char *what, bool *chosen,
    size_t max, char **cause)
{
	json_t		*item;
	const char	*id;
	size_t		 i;
	int		 idx;

	if (v == NULL)
		return CUSTOMER_OK;
	if (!json_is_array(v)) {
		util_fail(cause, "%s: must be a list of %s ids", key, what);
		return CUSTOMER_INVALID;
	}
	memset(chosen, 0, max * sizeof *chosen);
	json_array_foreach(v, i, item) {
		id = json_is_string(item) ? json_string_value(item) : "?";
		if ((idx = find(s->catalog, id)) < 0 || (size_t)idx >= max) {
			util_fail(cause, "%s: '%s' is not %s of the catalogue", key,
			    customer_echo(id), what);
			return CUSTOMER_INVALID;
		}
		chosen[idx] = true;
	}
	return CUSTOMER_OK;
}

/* "interests" replace the chosen set; "incentives" name the rewards whose financial-incentive
 * notice was shown and accepted. */
static int
customer_json_sets(const struct shop *s, json_t *doc, struct customer_enrolment *e,
    char **cause)
{
	size_t	i;
	int	rc;

	if ((rc = customer_json_ids(s, json_object_get(doc, "interests"), "interests",
	    catalog_interest_find, "an interest", e->profile->interests, CUSTOMER_MAX_INTERESTS,
	    cause)) != CUSTOMER_OK ||
	    (rc = customer_json_ids(s, json_object_get(doc, "incentives"), "incentives",
	    catalog_reward_find, "a reward", e->incentives, REWARD_MAX_RULES, cause)) !=
	    CUSTOMER_OK)
		return rc;
	for (i = 0; i < s->catalog->nrewards && i < REWARD_MAX_RULES; i++)
		if (e->incentives[i] && !s->catalog->rewards[i].has_incentive) {
			util_fail(cause, "incentives: '%s' has no incentive notice to accept",
			    s->catalog->rewards[i].id);
			return CUSTOMER_INVALID;
		}
	return CUSTOMER_OK;
}

/* Normalise one optional contact field from the document into dst. */
static int
customer_json_contact(const struct shop *s, json_t *doc, const char *key, enum contact_field f,
    char *dst, char **cause)
{
	json_t		*v = json_object_get(doc, key);
	const char	*why;

	if (v == NULL || json_is_null(v))
		return CUSTOMER_OK;
	if (!json_is_string(v)) {
		util_fail(cause, "%s: must be a string", key);
		return CUSTOMER_INVALID;
	}
	if (json_string_length(v) == 0)
		return CUSTOMER_OK;
	if (contact_normalize(f, json_string_value(v), s->config->phone_country, dst, &why) != 0) {
		util_fail(cause, "%s: %s", key, why);
		return CUSTOMER_INVALID;
	}
	return CUSTOMER_OK;
}

/* "channels": ["email", ...] (each at its first frequency) or {"email": "monthly", ...}. */
static int
customer_json_channels(const struct shop *s, json_t *v, struct customer_profile *p, char **cause)
{
	const struct catalog	*cat = s->catalog;
	const char		*key;
	json_t			*item;
	size_t			 i;
	int			 c, f;

	if (v == NULL)
		return CUSTOMER_OK;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item) {
			if (!json_is_string(item) ||
			    (c = catalog_channel_find(cat, json_string_value(item))) < 0) {
				util_fail(cause, "channels: '%s' is not a channel of the catalogue",
				    json_is_string(item) ? customer_echo(json_string_value(item)) :
				    "?");
				return CUSTOMER_INVALID;
			}
			p->channels[c] = cat->channels[c].nfrequencies > 0 ?
			    (int)cat->channels[c].frequencies[0] : CUSTOMER_NO_FREQUENCY;
		}
		return CUSTOMER_OK;
	}
	if (!json_is_object(v)) {
		util_fail(cause, "channels: must be a list of channel ids, or an object of channel "
		    "id to frequency");
		return CUSTOMER_INVALID;
	}
	json_object_foreach(v, key, item) {
		if ((c = catalog_channel_find(cat, key)) < 0) {
			util_fail(cause, "channels: '%s' is not a channel of the catalogue",
			    customer_echo(key));
			return CUSTOMER_INVALID;
		}
		if (cat->channels[c].nfrequencies == 0 && json_is_null(item)) {
			p->channels[c] = CUSTOMER_NO_FREQUENCY;
			continue;
		}
		f = json_is_string(item) ? catalog_frequency_find(cat, json_string_value(item)) : -1;
		for (i = 0; f >= 0 && i < cat->channels[c].nfrequencies; i++)
			if ((int)cat->channels[c].frequencies[i] == f)
				break;
		if (f < 0 || i == cat->channels[c].nfrequencies) {
			util_fail(cause, "channels: '%s' has no such frequency", customer_echo(key));
			return CUSTOMER_INVALID;
		}
		p->channels[c] = f;
	}
	return CUSTOMER_OK;
}

int
customer_enrolment_from_json(const struct shop *s, json_t *doc, bool import,
    struct customer_enrolment *e, char **cause)
{
	const struct catalog	*cat = s->catalog;
	struct customer_profile	*p = e->profile;
	const char		*key;
	json_t			*v, *item;
	int			 rc, idx;

	if (!json_is_object(doc)) {
		util_fail(cause, "the enrolment must be a JSON object");
		return CUSTOMER_INVALID;
	}
	if ((rc = customer_json_known(doc, customer_json_keys, cause)) != CUSTOMER_OK)
		return rc;
	if ((v = json_object_get(doc, "language")) == NULL || !json_is_string(v)) {
		util_fail(cause, "language: required, one of the configured languages");
		return CUSTOMER_INVALID;
	}
	snprintf(p->language, sizeof p->language, "%s", json_string_value(v));
	if ((rc = customer_json_contact(s, doc, "card", CONTACT_CARD, p->card, cause)) != 0 ||
	    (rc = customer_json_contact(s, doc, "name", CONTACT_NAME, p->name, cause)) != 0 ||
	    (rc = customer_json_contact(s, doc, "email", CONTACT_EMAIL, p->email, cause)) != 0 ||
	    (rc = customer_json_contact(s, doc, "phone", CONTACT_PHONE, p->phone, cause)) != 0)
		return rc;
	if ((v = json_object_get(doc, "pin")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v) || json_string_length(v) > CUSTOMER_PIN_MAX) {
			util_fail(cause, "pin: a PIN is 4 to %d digits, as a string", CUSTOMER_PIN_MAX);
			return CUSTOMER_INVALID;
		}
		snprintf(e->pin, sizeof e->pin, "%s", json_string_value(v));
	}
	if ((rc = customer_json_sets(s, doc, e, cause)) != 0 ||
	    (rc = customer_json_channels(s, json_object_get(doc, "channels"), p, cause)) != 0)
		return rc;
	if ((v = json_object_get(doc, "consents")) != NULL) {
		if (!json_is_object(v)) {
			util_fail(cause, "consents: must be an object of purpose id to true or false");
			return CUSTOMER_INVALID;
		}
		json_object_foreach(v, key, item) {
			if ((idx = catalog_purpose_find(cat, key)) < 0) {
				util_fail(cause, "consents: '%s' is not a purpose of the catalogue",
				    customer_echo(key));
				return CUSTOMER_INVALID;
			}
			if (!json_is_boolean(item)) {
				util_fail(cause, "consents: '%s' must be true or false",
				    customer_echo(key));
				return CUSTOMER_INVALID;
			}
			e->consents[idx] = json_is_true(item) ? CONSENT_GIVEN : CONSENT_REFUSED;
		}
	}
	e->method = import ? CONSENT_IMPORT : CONSENT_KIOSK;
	if ((v = json_object_get(doc, "method")) != NULL) {
		idx = json_is_string(v) ? consent_method_parse(json_string_value(v)) : -1;
		if (idx != CONSENT_KIOSK && idx != CONSENT_ASSISTED && idx != CONSENT_IMPORT) {
			util_fail(cause, "method: one of kiosk, assisted, import");
			return CUSTOMER_INVALID;
		}
		if (import && idx != CONSENT_IMPORT) {
			util_fail(cause, "method: an imported enrolment has method import");
			return CUSTOMER_INVALID;
		}
		e->method = (enum consent_method)idx;
	}
	if ((v = json_object_get(doc, "staff")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) >= sizeof e->staff) {
			util_fail(cause, "staff: a staff name of 1 to %zu characters",
			    sizeof e->staff - 1);
			return CUSTOMER_INVALID;
		}
		snprintf(e->staff, sizeof e->staff, "%s", json_string_value(v));
	}
	return customer_enrolment_check(s, e, cause);
}

int
customer_update_from_json(const struct shop *s, json_t *doc, struct customer_enrolment *e,
    char **cause)
{
	static const struct { const char *key; enum contact_field f; size_t off; } contacts[] = {
		{ "card", CONTACT_CARD, offsetof(struct customer_profile, card) },
		{ "name", CONTACT_NAME, offsetof(struct customer_profile, name) },
		{ "email", CONTACT_EMAIL, offsetof(struct customer_profile, email) },
		{ "phone", CONTACT_PHONE, offsetof(struct customer_profile, phone) },
	};
	struct customer_profile	*p = e->profile;
	json_t			*v;
	size_t			 i;
	int			 rc;

	if (!json_is_object(doc)) {
		util_fail(cause, "the update must be a JSON object");
		return CUSTOMER_INVALID;
	}
	if ((rc = customer_json_known(doc, customer_update_keys, cause)) != CUSTOMER_OK)
		return rc;
	for (i = 0; i < sizeof contacts / sizeof contacts[0]; i++) {
		if (json_object_get(doc, contacts[i].key) == NULL)
			continue;
		((char *)p + contacts[i].off)[0] = '\0';	/* present: replaces; null or "": clears */
		if ((rc = customer_json_contact(s, doc, contacts[i].key, contacts[i].f,
		    (char *)p + contacts[i].off, cause)) != CUSTOMER_OK)
			return rc;
	}
	if ((v = json_object_get(doc, "language")) != NULL) {
		if (!json_is_string(v)) {
			util_fail(cause, "language: one of the configured languages");
			return CUSTOMER_INVALID;
		}
		snprintf(p->language, sizeof p->language, "%s", json_string_value(v));
	}
	if ((v = json_object_get(doc, "pin")) != NULL) {
		if (!json_is_null(v) && (!json_is_string(v) ||
		    json_string_length(v) > CUSTOMER_PIN_MAX)) {
			util_fail(cause, "pin: a PIN is 4 to %d digits, as a string", CUSTOMER_PIN_MAX);
			return CUSTOMER_INVALID;
		}
		p->pin_hash[0] = '\0';		/* a new PIN, or none */
		snprintf(e->pin, sizeof e->pin, "%s", json_is_null(v) ? "" : json_string_value(v));
	}
	if ((v = json_object_get(doc, "channels")) != NULL)
		for (i = 0; i < CUSTOMER_MAX_CHANNELS; i++)
			p->channels[i] = CUSTOMER_NO_CHANNEL;
	if ((rc = customer_json_sets(s, doc, e, cause)) != 0 ||
	    (rc = customer_json_channels(s, v, p, cause)) != 0)
		return rc;
	return customer_enrolment_check(s, e, cause);
}
