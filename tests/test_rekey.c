/*
 * test_rekey — key rotation: the old key refused and the new one taking over in the running
 * shop; members, PINs and codes as they were; rotating the codes; the chains verifying with the
 * rotation on record; refusals that change nothing; damaged members; a rotation that died before
 * its rename; passphrase stores.
 */
#include <criterion/criterion.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"
#include "audit.h"
#include "customer.h"
#include "helpers.h"
#include "rekey.h"
#include "reward.h"
#include "staff.h"
#include "util.h"

static char		*dir, *db, *key;
static struct shop	*s;

static void
setup(void)
{
	dir = helpers_tmpdir();
	s = helpers_shop(dir);
	db = helpers_path(dir, "store.db");
	key = helpers_path(dir, "store.key");
}

static void
teardown(void)
{
	shop_close(s);
	helpers_rmdir(dir);
	free(dir);
	free(db);
	free(key);
}

TestSuite(rekey, .init = setup, .fini = teardown);

#define ADA_JSON	"{\"card\":\"4000 1234 5678\",\"name\":\"Ada Lovelace\"," \
			"\"email\":\"ada@example.org\",\"phone\":\"+49 170 1234567\"," \
			"\"language\":\"en\",\"pin\":\"4711\",\"interests\":[\"espresso\"]," \
			"\"channels\":[\"email\"]}"
#define GRACE_JSON	"{\"card\":\"4000 9999 0001\",\"name\":\"Grace Hopper\"," \
			"\"email\":\"grace@navy.example\",\"phone\":\"+1 202 555 0147\"," \
			"\"language\":\"de\",\"pin\":\"908172\"," \
			"\"interests\":[\"tea\",\"vegan\"],\"channels\":[\"email\",\"sms\"]}"

/* Enrol a document at when; its uid into uid, its first reward's code into code (if not
 * NULL). */
static void
enroll(const char *json, time_t when, char *uid, char *code)
{
	struct reward_list	l;

	helpers_enroll_rewards(s, json, when, uid, &l);
	if (code != NULL) {
		cr_assert_geq(l.n, 1);
		memcpy(code, l.v[0].code, CODE_LEN + 1);
	}
}

/* Rotate the test's key-file store, as actor, asserting success. */
static void
rotate(bool codes, const char *actor, struct rekey_report *r)
{
	struct rekey_options	 o = { key, NULL, codes };
	char			*cause = NULL;

	cr_assert_eq(rekey_run(s, &o, actor, HELPERS_NOW, r, &cause), 0, "%s", cause);
}

/* Open the test's store with key_file (or a passphrase); NULL with *cause when refused. */
static struct shop *
reopen(const char *key_file, const char *passphrase, char **cause)
{
	struct shop_paths	p = { .db = db, .config = HELPERS_CONFIG_DIR, .key_file = key_file,
				    .passphrase = passphrase };
	int			code;

	return shop_open(&p, &code, cause);
}

/* Close the test's shop and open it again with its key file. */
static void
reopen_shop(void)
{
	char	*cause = NULL;

	shop_close(s);
	s = reopen(key, NULL, &cause);
	cr_assert_not_null(s, "%s", cause);
}

/* The whole of a file (at most 64 KiB) into buf; its length. */
static size_t
slurp(const char *path, unsigned char *buf, size_t size)
{
	int	fd = open(path, O_RDONLY);
	ssize_t	n;

	cr_assert_neq(fd, -1, "cannot open %s", path);
	n = read(fd, buf, size);
	close(fd);
	cr_assert_geq(n, 0);
	return (size_t)n;
}

/* Write a 32-byte key file with mode 0600. */
static void
write_key(const char *path, const unsigned char bytes[VAULT_KEY_BYTES])
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, bytes, VAULT_KEY_BYTES), VAULT_KEY_BYTES);
	cr_assert_eq(close(fd), 0);
}

/* SHA-256 of the store and its WAL (an absent WAL counts as empty). */
static void
store_digest(unsigned char out[crypto_hash_sha256_BYTES])
{
	crypto_hash_sha256_state	 st;
	const char			*suffix[] = { "", "-wal" };
	char				 path[512];
	unsigned char			 buf[65536];
	FILE				*f;
	size_t				 n, i;

	crypto_hash_sha256_init(&st);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s%s", db, suffix[i]);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			crypto_hash_sha256_update(&st, buf, n);
		fclose(f);
	}
	crypto_hash_sha256_final(&st, out);
}

/* The member's profile (caller frees). */
static struct customer_profile *
load(const char *uid)
{
	struct customer_profile	*p;
	char			*cause = NULL;

	cr_assert_eq(customer_load(s, uid, &p, &cause), CUSTOMER_OK, "%s", cause);
	return p;
}

/* Two profiles hold the same. */
static void
assert_same_profile(const struct customer_profile *a, const struct customer_profile *b)
{
	cr_assert_str_eq(a->name, b->name);
	cr_assert_str_eq(a->email, b->email);
	cr_assert_str_eq(a->phone, b->phone);
	cr_assert_str_eq(a->card, b->card);
	cr_assert_str_eq(a->language, b->language);
	cr_assert_str_eq(a->pin_hash, b->pin_hash);
	cr_assert_eq(memcmp(a->interests, b->interests, sizeof a->interests), 0);
	cr_assert_eq(memcmp(a->channels, b->channels, sizeof a->channels), 0);
}

/* A member is found by each of their card, phone and e-mail, as typed. */
static void
assert_found(const char *uid, const char *card, const char *phone, const char *email)
{
	const char		*values[] = { card, phone, email };
	enum contact_field	 fields[] = { CONTACT_CARD, CONTACT_PHONE, CONTACT_EMAIL };
	char			 found[CUSTOMER_UID_LEN + 1], *cause = NULL;
	int			 i;

	for (i = 0; i < 3; i++) {
		cr_assert_eq(customer_find(s, fields[i], values[i], found, &cause), CUSTOMER_OK,
		    "%s: %s", values[i], cause);
		cr_assert_str_eq(found, uid);
	}
}

/* What the ledger says of a code now. */
static enum reward_status
check(const char *code)
{
	struct reward_ticket	 t;
	char			*cause = NULL;

	cr_assert_eq(reward_check(s, code, HELPERS_NOW, &t, &cause), 0, "%s", cause);
	return t.status;
}

/* Redeem a code now; its outcome. */
static enum reward_status
redeem(const char *code)
{
	struct reward_ticket	 t;
	char			*cause = NULL;

	cr_assert_eq(reward_redeem(s, code, "T1", NULL, HELPERS_NOW, &t, &cause), 0, "%s", cause);
	return t.status;
}

/* The number of problems verify finds. */
static int
verify(void)
{
	json_t	*summary = NULL;
	char	*cause = NULL;
	int	 n = admin_verify(s, HELPERS_NOW, NULL, NULL, &summary, &cause);

	cr_assert_geq(n, 0, "%s", cause);
	json_decref(summary);
	return n;
}

Test(rekey, the_old_key_is_refused_and_the_new_one_opens)
{
	unsigned char		 old[VAULT_KEY_BYTES], now[VAULT_KEY_BYTES];
	struct rekey_report	 r;
	struct stat		 sb;
	struct shop		*t;
	char			*old_key = helpers_path(dir, "old.key"), *cause = NULL;
	char			*next = vault_keyfile_next(key), uid[CUSTOMER_UID_LEN + 1];

	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	cr_assert_eq(slurp(key, old, sizeof old), VAULT_KEY_BYTES);
	write_key(old_key, old);
	rotate(false, NULL, &r);
	cr_assert_eq(r.members, 1);

	cr_assert_eq(slurp(key, now, sizeof now), VAULT_KEY_BYTES);
	cr_assert_neq(memcmp(old, now, sizeof old), 0, "the key file holds a new key");
	cr_assert_eq(stat(key, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	cr_assert_eq(access(next, F_OK), -1, "no .new file is left");
	cr_assert_null(reopen(old_key, NULL, &cause));
	cr_assert_not_null(strstr(cause, "the key does not match this store"), "%s", cause);
	free(cause);
	cause = NULL;
	t = reopen(key, NULL, &cause);
	cr_assert_not_null(t, "%s", cause);
	shop_close(t);
	free(old_key);
	free(next);
}

Test(rekey, every_member_looks_up_as_before_with_a_new_data_key)
{
	struct customer_profile	*ada, *grace, *p;
	struct rekey_report	 r;
	char			 a[CUSTOMER_UID_LEN + 1], g[CUSTOMER_UID_LEN + 1];
	long			 wrapped_before;
	int			 i;

	enroll(ADA_JSON, HELPERS_NOW, a, NULL);
	enroll(GRACE_JSON, HELPERS_NOW, g, NULL);
	ada = load(a);
	grace = load(g);
	wrapped_before = helpers_query_long(s,
	    "SELECT count(*) FROM customers WHERE key_version = 1",
	    NULL);
	cr_assert_eq(wrapped_before, 2);
	rotate(false, NULL, &r);
	cr_assert_eq(r.members, 2);
	cr_assert_eq(r.damaged, 0);

	/* The running shop first, then a fresh open of the store. */
	for (i = 0; i < 2; i++) {
		assert_found(a, "4000 1234 5678", "+49 170 1234567", "ada@example.org");
		assert_found(g, "4000 9999 0001", "+1 202 555 0147", "Grace@Navy.example");
		p = load(a);
		assert_same_profile(p, ada);
		customer_profile_free(p);
		p = load(g);
		assert_same_profile(p, grace);
		customer_profile_free(p);
		reopen_shop();
	}
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM customers WHERE key_version = 2", NULL),
	    2, "each member's key version is one up");
	customer_profile_free(ada);
	customer_profile_free(grace);
}

Test(rekey, member_and_staff_pins_still_verify)
{
	struct customer_profile	*p;
	struct rekey_report	 r;
	enum staff_role		 role;
	time_t			 until;
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	cr_assert_eq(staff_add(s->store, s->vault, "bob", STAFF_ROLE_ADMIN, "2468", HELPERS_NOW,
	    &cause), STAFF_OK, "%s", cause);
	rotate(false, NULL, &r);
	reopen_shop();
	p = load(uid);
	cr_assert_eq(customer_pin_check(s, uid, p, "4711", HELPERS_NOW, 5, 15, &until, &cause),
	    CUSTOMER_PIN_OK, "%s", cause);
	cr_assert_eq(customer_pin_check(s, uid, p, "1111", HELPERS_NOW, 5, 15, &until, &cause),
	    CUSTOMER_PIN_WRONG);
	customer_profile_free(p);
	cr_assert_eq(staff_verify(s->store, s->vault, "bob", "2468", HELPERS_NOW, 5, 15, &role,
	    &until, &cause), STAFF_OK, "%s", cause);
	cr_assert_eq(role, STAFF_ROLE_ADMIN);
	cr_assert_eq(staff_verify(s->store, s->vault, "bob", "1357", HELPERS_NOW, 5, 15, &role,
	    &until, &cause), STAFF_WRONG_PIN);
}

Test(rekey, an_outstanding_code_still_redeems_after_a_plain_rotation)
{
	struct rekey_report	r;
	char			uid[CUSTOMER_UID_LEN + 1], code[CODE_LEN + 1];

	enroll(ADA_JSON, HELPERS_NOW, uid, code);
	rotate(false, NULL, &r);
	cr_assert_eq(r.rewards_replaced, 0);
	cr_assert_eq(check(code), REWARD_VALID, "the running shop carries the code key");
	reopen_shop();
	cr_assert_eq(redeem(code), REWARD_REDEEMED, "so does the next open");
	cr_assert_eq(redeem(code), REWARD_ALREADY);
}

Test(rekey, a_second_rotation_carries_the_carried_keys_again)
{
	struct customer_profile	*p;
	struct rekey_report	 r;
	time_t			 until;
	char			 uid[CUSTOMER_UID_LEN + 1], code[CODE_LEN + 1], *cause = NULL;

	enroll(ADA_JSON, HELPERS_NOW, uid, code);
	rotate(false, NULL, &r);
	reopen_shop();
	rotate(false, NULL, &r);
	reopen_shop();
	cr_assert_eq(helpers_query_long(s,
	    "SELECT key_version FROM customers WHERE uid = ?1", uid), 3);
	p = load(uid);
	cr_assert_eq(customer_pin_check(s, uid, p, "4711", HELPERS_NOW, 5, 15, &until, &cause),
	    CUSTOMER_PIN_OK, "%s", cause);
	customer_profile_free(p);
	cr_assert_eq(redeem(code), REWARD_REDEEMED);
	cr_assert_eq(verify(), 0);
}

Test(rekey, rotating_the_codes_replaces_every_outstanding_code)
{
	struct reward_list	 l;
	struct reward_ticket	 t;
	struct rekey_report	 r;
	char			 a[CUSTOMER_UID_LEN + 1], g[CUSTOMER_UID_LEN + 1];
	char			 ada[CODE_LEN + 1], grace[CODE_LEN + 1], old[CODE_LEN + 1];
	char			*cause = NULL;
	long			 stamps, every;

	enroll(ADA_JSON, HELPERS_NOW, a, ada);
	enroll(GRACE_JSON, HELPERS_NOW, g, grace);
	/* One redeemed and one expired code are not outstanding. */
	cr_assert_eq(redeem(grace), REWARD_REDEEMED);
	enroll("{\"language\":\"en\"}", HELPERS_NOW - 40 * UTIL_DAY, g, old);
	cr_assert_eq(check(old), REWARD_EXPIRED);

	rotate(true, NULL, &r);
	cr_assert_eq(r.rewards_replaced, 1);
	reopen_shop();
	cr_assert_eq(check(ada), REWARD_REVOKED, "the old code is refused");
	cr_assert_eq(reward_check(s, ada, HELPERS_NOW, &t, &cause), 0);
	cr_assert_str_eq(t.revoked_reason, "replaced");
	cr_assert_eq(redeem(ada), REWARD_REVOKED);
	cr_assert_eq(check(grace), REWARD_ALREADY, "a redeemed code still says when");
	cr_assert_eq(check(old), REWARD_EXPIRED, "an expired one still says so");

	/* The member finds the replacement among their rewards: same rule and expiry. */
	cr_assert_eq(reward_outstanding(s, a, HELPERS_NOW, &l, &stamps, &every, &cause), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_neq(l.v[0].code, ada);
	cr_assert_eq(l.v[0].rule, catalog_reward_find(s->catalog, "welcome"));
	cr_assert_eq(l.v[0].expires, (time_t)1775001599);
	cr_assert_eq(redeem(l.v[0].code), REWARD_REDEEMED);
	cr_assert_eq(verify(), 0);
}

Test(rekey, a_replaced_code_and_its_replacement_count_once_towards_a_limit)
{
	struct reward_list	 l = { .n = 0 };
	struct rekey_report	 r;
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	int			 rule = catalog_reward_find(s->catalog, "early_access");

	s->catalog->rewards[rule].limit = 2;
	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	cr_assert_eq(reward_grant(s, uid, rule, HELPERS_NOW, &l, &cause), 1, "%s", cause);
	rotate(true, NULL, &r);
	cr_assert_eq(r.rewards_replaced, 2, "the welcome offer and the grant");
	cr_assert_eq(reward_grant(s, uid, rule, HELPERS_NOW, &l, &cause), 1,
	    "one of two so far: %s", cause);
	cr_assert_eq(reward_grant(s, uid, rule, HELPERS_NOW, &l, &cause), 0, "two of two");
}

Test(rekey, the_chains_verify_and_the_audit_records_the_rotation)
{
	struct rekey_report	r;
	char			uid[CUSTOMER_UID_LEN + 1], code[CODE_LEN + 1], *cause = NULL;
	long			records, audits;

	enroll(ADA_JSON, HELPERS_NOW, uid, code);
	enroll(GRACE_JSON, HELPERS_NOW, uid, NULL);
	cr_assert_eq(redeem(code), REWARD_REDEEMED);	/* a record past the audit head */
	cr_assert_eq(audit_record(s, HELPERS_NOW, "bob", "sign_in", "bob", &cause), 0);
	records = helpers_query_long(s, "SELECT count(*) FROM consent_records", NULL);
	audits = helpers_query_long(s, "SELECT count(*) FROM audit", NULL);
	cr_assert_eq(verify(), 0);

	rotate(false, "alice", &r);
	cr_assert_eq(r.consent_records, records);
	cr_assert_eq(r.audit_records, audits);
	cr_assert_eq(verify(), 0, "the running shop verifies");
	reopen_shop();
	cr_assert_eq(verify(), 0, "and so does the next open");
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM audit WHERE id = (SELECT max(id) FROM"
	    " audit) AND action = 'rekey' AND target = 'store' AND staff = ?1", "alice"), 1);
	/* The chains go on under the new key. */
	cr_assert_eq(audit_record(s, HELPERS_NOW, "bob", "sign_in", "bob", &cause), 0);
	enroll("{\"language\":\"fr\"}", HELPERS_NOW, uid, NULL);
	cr_assert_eq(verify(), 0);
}

/* Edit a chained table's body behind prefkiosk's back (its trigger lifted and put back). */
static void
tamper(const char *trigger, const char *sql)
{
	char	*saved = NULL, *cause = NULL;

	cr_assert_eq(store_trigger_lift(s->store, trigger, &saved, &cause), 0, "%s", cause);
	cr_assert_eq(store_exec(s->store, sql, &cause), 0, "%s", cause);
	cr_assert_eq(store_trigger_restore(s->store, saved, &cause), 0, "%s", cause);
	free(saved);
}

/* A rotation is refused, naming what, and changes neither the store nor the key file. */
static void
assert_refused(const char *what)
{
	unsigned char		 before[crypto_hash_sha256_BYTES], after[crypto_hash_sha256_BYTES];
	unsigned char		 key_before[VAULT_KEY_BYTES], key_after[VAULT_KEY_BYTES];
	struct rekey_options	 o = { key, NULL, true };
	struct rekey_report	 r;
	const struct vault	*v = s->vault;
	char			*cause = NULL, *next = vault_keyfile_next(key);

	store_digest(before);
	slurp(key, key_before, sizeof key_before);
	cr_assert_eq(rekey_run(s, &o, NULL, HELPERS_NOW, &r, &cause), -1);
	cr_assert_not_null(strstr(cause, what), "%s", cause);
	cr_assert_not_null(strstr(cause, "nothing was changed"), "%s", cause);
	store_digest(after);
	cr_assert_eq(memcmp(before, after, sizeof before), 0, "the store is byte-identical");
	slurp(key, key_after, sizeof key_after);
	cr_assert_eq(memcmp(key_before, key_after, sizeof key_before), 0);
	cr_assert_eq(access(next, F_OK), -1, "no .new file is left");
	cr_assert_eq(s->vault, v, "the shop keeps its key");
	free(cause);
	free(next);
}

Test(rekey, a_consent_chain_edited_or_cut_short_is_refused_and_nothing_changes)
{
	char	uid[CUSTOMER_UID_LEN + 1];

	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	tamper("consent_no_update", "UPDATE consent_records SET body ="
	    " replace(body, '\"refused\"', '\"given\"') WHERE id = 2");
	assert_refused("the consent records do not verify (1 problem)");
	tamper("consent_no_update", "UPDATE consent_records SET body ="
	    " replace(body, '\"given\"', '\"refused\"') WHERE id = 2");
	tamper("consent_no_delete", "DELETE FROM consent_records WHERE id ="
	    " (SELECT max(id) FROM consent_records)");
	assert_refused("the consent records do not verify (1 problem)");
}

Test(rekey, a_tampered_audit_record_is_refused_and_nothing_changes)
{
	char	uid[CUSTOMER_UID_LEN + 1], *cause = NULL;

	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	cr_assert_eq(audit_record(s, HELPERS_NOW, "bob", "sign_in", "bob", &cause), 0);
	tamper("audit_no_update", "UPDATE audit SET staff = 'eve', body ="
	    " replace(body, 'bob', 'eve') WHERE id = 1");
	assert_refused("the audit records do not verify (1 problem)");
}

Test(rekey, a_member_whose_profile_does_not_open_is_counted_and_left_as_it_was)
{
	struct rekey_report	 r;
	sqlite3_stmt		*stmt;
	char			 a[CUSTOMER_UID_LEN + 1], g[CUSTOMER_UID_LEN + 1];
	unsigned char		 blob[4096], wrapped[VAULT_WRAPPED_BYTES];
	int			 len;

	enroll(ADA_JSON, HELPERS_NOW, a, NULL);
	enroll(GRACE_JSON, HELPERS_NOW, g, NULL);
	/* Flip one bit of Grace's sealed profile. */
	cr_assert_eq(sqlite3_prepare_v2(store_db(s->store), "SELECT profile, data_key FROM"
	    " customers WHERE uid = ?1", -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, g, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
	len = sqlite3_column_bytes(stmt, 0);
	memcpy(blob, sqlite3_column_blob(stmt, 0), (size_t)len);
	memcpy(wrapped, sqlite3_column_blob(stmt, 1), sizeof wrapped);
	sqlite3_finalize(stmt);
	blob[len / 2] ^= 1;
	cr_assert_eq(sqlite3_prepare_v2(store_db(s->store), "UPDATE customers SET profile = ?2"
	    " WHERE uid = ?1", -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, g, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 2, blob, len, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);

	rotate(false, NULL, &r);
	cr_assert_eq(r.members, 1);
	cr_assert_eq(r.damaged, 1);
	cr_assert_eq(helpers_query_long(s,
	    "SELECT key_version FROM customers WHERE uid = ?1", g), 1,
	    "the damaged member is left as it was");
	cr_assert_eq(sqlite3_prepare_v2(store_db(s->store), "SELECT data_key FROM customers"
	    " WHERE uid = ?1", -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, g, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
	cr_assert_eq(memcmp(sqlite3_column_blob(stmt, 0), wrapped, sizeof wrapped), 0,
	    "its data key is the one it had");
	sqlite3_finalize(stmt);
	reopen_shop();
	assert_found(a, "4000 1234 5678", "+49 170 1234567", "ada@example.org");
	cr_assert_eq(verify(), 1, "verify names the damaged member, and only it");
}

Test(rekey, a_rotation_that_died_before_its_rename_is_finished_by_the_next_open)
{
	unsigned char		 old[VAULT_KEY_BYTES], now[VAULT_KEY_BYTES], back[VAULT_KEY_BYTES];
	struct rekey_report	 r;
	char			*next = vault_keyfile_next(key), *cause = NULL;
	char			 uid[CUSTOMER_UID_LEN + 1];

	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	slurp(key, old, sizeof old);
	rotate(false, NULL, &r);
	shop_close(s);
	s = NULL;
	/* The state a crash after the commit leaves: the new key still in .new. */
	slurp(key, now, sizeof now);
	cr_assert_eq(rename(key, next), 0);
	write_key(key, old);

	s = reopen(key, NULL, &cause);
	cr_assert_not_null(s, "the shop is not locked out: %s", cause);
	cr_assert_eq(access(next, F_OK), -1, "the rename was finished");
	slurp(key, back, sizeof back);
	cr_assert_eq(memcmp(back, now, sizeof now), 0, "the key file holds the new key");
	assert_found(uid, "4000 1234 5678", "+49 170 1234567", "ada@example.org");
	free(next);
}

Test(rekey, a_next_key_file_left_by_a_rotation_that_never_committed_is_replaced)
{
	unsigned char		 junk[VAULT_KEY_BYTES];
	struct rekey_report	 r;
	char			*next = vault_keyfile_next(key);
	char			 uid[CUSTOMER_UID_LEN + 1];

	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	randombytes_buf(junk, sizeof junk);
	write_key(next, junk);
	reopen_shop();		/* the old key still opens; the leftover is not used */
	cr_assert_eq(access(next, F_OK), 0);
	rotate(false, NULL, &r);
	cr_assert_eq(access(next, F_OK), -1);
	reopen_shop();
	assert_found(uid, "4000 1234 5678", "+49 170 1234567", "ada@example.org");
	free(next);
}

Test(rekey, the_running_shop_goes_on_and_another_process_writes_nothing)
{
	struct rekey_report	 r;
	struct customer_profile	*p;
	struct shop		*stale, *mine = s;
	char			 uid[CUSTOMER_UID_LEN + 1], late[CUSTOMER_UID_LEN + 1];
	char			*cause = NULL;
	long			 members;

	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	stale = reopen(key, NULL, &cause);
	cr_assert_not_null(stale, "%s", cause);
	rotate(false, NULL, &r);

	/* The kiosk that rotated signs members in and up. */
	assert_found(uid, "4000 1234 5678", "+49 170 1234567", "ada@example.org");
	enroll(GRACE_JSON, HELPERS_NOW, late, NULL);

	/* A desk still holding the old key is refused before it writes. */
	members = helpers_query_long(s, "SELECT count(*) FROM customers", NULL);
	s = stale;
	cr_assert_eq(customer_erase(s, uid, CONSENT_REQUEST, HELPERS_NOW, &cause),
	    CUSTOMER_ERROR);
	cr_assert_not_null(strstr(cause, "restart prefkiosk"), "%s", cause);
	free(cause);
	s = mine;
	shop_close(stale);
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM customers WHERE erased IS NULL", NULL),
	    members);
	reopen_shop();
	p = load(late);
	cr_assert_str_eq(p->name, "Grace Hopper", "signed up after the rotation, read after it");
	customer_profile_free(p);
}

Test(rekey, erased_members_have_nothing_to_rekey)
{
	struct rekey_report	 r;
	char			 a[CUSTOMER_UID_LEN + 1], g[CUSTOMER_UID_LEN + 1], *cause = NULL;

	enroll(ADA_JSON, HELPERS_NOW, a, NULL);
	enroll(GRACE_JSON, HELPERS_NOW, g, NULL);
	cr_assert_eq(customer_erase(s, g, CONSENT_REQUEST, HELPERS_NOW, &cause), CUSTOMER_OK);
	rotate(false, NULL, &r);
	cr_assert_eq(r.members, 1);
	cr_assert_eq(r.damaged, 0);
	cr_assert_eq(helpers_query_long(s,
	    "SELECT count(*) FROM customers WHERE uid = ?1 AND data_key"
	    " IS NULL AND profile IS NULL AND key_version = 1", g), 1);
	cr_assert_eq(verify(), 0);
}

Test(rekey, a_passphrase_store_takes_a_new_passphrase)
{
	struct shop_paths	 p = { .config = HELPERS_CONFIG_DIR, .key_file = "/nonexistent" };
	struct rekey_options	 o = { NULL, "too short", false };
	struct rekey_report	 r;
	struct vault_kdf	 before, after;
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	int			 code;

	shop_close(s);
	free(db);
	db = helpers_path(dir, "pass.db");
	p.db = db;
	p.passphrase = "the first passphrase";
	cr_assert_eq(shop_create(&p, true, &cause), 0, "%s", cause);
	s = shop_open(&p, &code, &cause);
	cr_assert_not_null(s, "%s", cause);
	cr_assert(s->passphrase);
	enroll(ADA_JSON, HELPERS_NOW, uid, NULL);
	cr_assert_eq(store_meta_get(s->store, "kdf", &before, sizeof before, NULL), 0);

	cr_assert_eq(rekey_run(s, &o, NULL, HELPERS_NOW, &r, &cause), -1);
	cr_assert_not_null(strstr(cause, "at least 12"), "%s", cause);
	free(cause);
	cause = NULL;
	o.passphrase = "the second passphrase";
	cr_assert_eq(rekey_run(s, &o, NULL, HELPERS_NOW, &r, &cause), 0, "%s", cause);
	cr_assert_eq(r.members, 1);
	cr_assert_eq(store_meta_get(s->store, "kdf", &after, sizeof after, NULL), 0);
	cr_assert_neq(memcmp(before.salt, after.salt, sizeof before.salt), 0, "a fresh salt");
	shop_close(s);

	cr_assert_null(s = reopen(NULL, "the first passphrase", &cause));
	cr_assert_not_null(strstr(cause, "the key does not match this store"), "%s", cause);
	free(cause);
	cause = NULL;
	s = reopen(NULL, "the second passphrase", &cause);
	cr_assert_not_null(s, "%s", cause);
	assert_found(uid, "4000 1234 5678", "+49 170 1234567", "ada@example.org");
	cr_assert_eq(verify(), 0);
}
