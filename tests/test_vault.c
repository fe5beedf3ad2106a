/*
 * test_vault — keys, sealing, wrapping, blind indexes, PIN hashes, keys carried over a rotation,
 * key files replaced.
 */
#include <criterion/criterion.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/capability.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "helpers.h"
#include "vault.h"

static char		*dir;
static struct vault	*v;

static void
setup(void)
{
	char	*path, *cause = NULL;

	cr_assert_eq(vault_init(), 0);
	dir = helpers_tmpdir();
	path = helpers_path(dir, "key");
	cr_assert_eq(vault_keyfile_create(path, &cause), 0, "%s", cause);
	v = vault_open_keyfile(path, &cause);
	cr_assert_not_null(v, "%s", cause);
	free(path);
}

static void
teardown(void)
{
	vault_free(v);
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(vault, .init = setup, .fini = teardown);

Test(vault, key_file_has_mode_0600_and_32_bytes)
{
	char		*path = helpers_path(dir, "key");
	struct stat	 sb;

	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	cr_assert_eq(sb.st_size, VAULT_KEY_BYTES);
	free(path);
}

Test(vault, refuses_to_overwrite_a_key_file)
{
	char	*path = helpers_path(dir, "key"), *cause = NULL;

	cr_assert_eq(vault_keyfile_create(path, &cause), -1);
	cr_assert_not_null(strstr(cause, "refusing to overwrite"));
	free(cause);
	free(path);
}

Test(vault, refuses_a_key_file_readable_by_others)
{
	char	*path = helpers_path(dir, "key"), *cause = NULL;

	cr_assert_eq(chmod(path, 0644), 0);
	cr_assert_null(vault_open_keyfile(path, &cause));
	cr_assert_not_null(strstr(cause, "chmod 600"), "%s", cause);
	free(cause);
	free(path);
}

Test(vault, refuses_a_key_file_of_the_wrong_size)
{
	char	*path = helpers_path(dir, "short"), *cause = NULL;

	helpers_write(path, "too short");
	chmod(path, 0600);
	cr_assert_null(vault_open_keyfile(path, &cause));
	cr_assert_not_null(strstr(cause, "32 bytes"), "%s", cause);
	free(cause);
	free(path);
}

/* This process's locked memory in kB (VmLck of /proc/self/status), or -1. */
static long
locked_kb(void)
{
	char	 line[256];
	long	 kb = -1;
	FILE	*f = fopen("/proc/self/status", "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * AddressSanitizer intercepts mlock and makes it a no-op that succeeds ("ignores mlock"), so in
 * the sanitized build of `make check` nothing is ever locked and no lock can fail: the two
 * tests of locked memory are meaningful only in the normal build, where `make test` runs them.
 */
#if defined(__SANITIZE_ADDRESS__)
#define VAULT_TEST_MLOCK	0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VAULT_TEST_MLOCK	0
#endif
#endif
#ifndef VAULT_TEST_MLOCK
#define VAULT_TEST_MLOCK	1
#endif

Test(vault, keys_live_in_locked_memory, .disabled = !VAULT_TEST_MLOCK)
{
	cr_assert_gt(locked_kb(), 0, "the open vault's keys are locked (mlock)");
}

/* As a kiosk user may find itself: no locked memory allowed, and (for root) CAP_IPC_LOCK,
 * which ignores that limit, dropped from this process. */
static void
no_locked_memory(void)
{
	struct __user_cap_header_struct	h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	d[_LINUX_CAPABILITY_U32S_3];
	struct rlimit			rl = { 0, 0 };

	cr_assert_eq(syscall(SYS_capget, &h, d), 0);
	d[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	cr_assert_eq(syscall(SYS_capset, &h, d), 0);
	cr_assert_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
}

Test(vault, refuses_to_open_when_keys_cannot_be_locked, .disabled = !VAULT_TEST_MLOCK)
{
	char		*path = helpers_path(dir, "key"), *cause = NULL;
	struct vault	*w;

	no_locked_memory();
	w = vault_open_keyfile(path, &cause);
	cr_assert_null(w);
	cr_assert_not_null(strstr(cause, "cannot lock the keys in memory"), "%s", cause);
	free(cause);
	cause = NULL;
	w = vault_open_passphrase("correct horse battery staple", &(struct vault_kdf){
	    .opslimit = 1, .memlimit = 8192 }, &cause);
	cr_assert_null(w);
	cr_assert_not_null(strstr(cause, "cannot lock"), "%s", cause);
	free(cause);
	free(path);
}

Test(vault, seal_round_trips_and_binds_table_column_customer_and_version)
{
	unsigned char	*dk = vault_datakey_new();
	unsigned char	 sealed[64 + VAULT_SEAL_OVERHEAD];
	char		 out[64];
	const char	*text = "ada@example.org";
	size_t		 len = strlen(text);

	vault_seal(dk, "customers", "email", "UID1", 1, text, len, sealed);
	cr_assert_eq(vault_unseal(dk, "customers", "email", "UID1", 1, sealed,
	    len + VAULT_SEAL_OVERHEAD, out), 0);
	cr_assert_eq(memcmp(out, text, len), 0);
	cr_assert_eq(vault_unseal(dk, "customers", "phone", "UID1", 1, sealed,
	    len + VAULT_SEAL_OVERHEAD, out), -1, "another column must not open it");
	cr_assert_eq(vault_unseal(dk, "customers", "email", "UID2", 1, sealed,
	    len + VAULT_SEAL_OVERHEAD, out), -1, "another customer must not open it");
	cr_assert_eq(vault_unseal(dk, "customers", "email", "UID1", 2, sealed,
	    len + VAULT_SEAL_OVERHEAD, out), -1, "another key version must not open it");
	cr_assert_eq(vault_unseal(dk, "visits", "email", "UID1", 1, sealed,
	    len + VAULT_SEAL_OVERHEAD, out), -1, "another table must not open it");
	sealed[30] ^= 1;
	cr_assert_eq(vault_unseal(dk, "customers", "email", "UID1", 1, sealed,
	    len + VAULT_SEAL_OVERHEAD, out), -1, "a flipped bit must not open");
	cr_assert_eq(vault_unseal(dk, "customers", "email", "UID1", 1, sealed, 10, out), -1);
	vault_datakey_free(dk);
}

Test(vault, ciphertext_does_not_contain_the_plaintext)
{
	unsigned char	*dk = vault_datakey_new();
	unsigned char	 sealed[64 + VAULT_SEAL_OVERHEAD];
	const char	*text = "ada@example.org";

	vault_seal(dk, "customers", "email", "U", 1, text, strlen(text), sealed);
	cr_assert_null(memmem(sealed, strlen(text) + VAULT_SEAL_OVERHEAD, "example", 7));
	vault_datakey_free(dk);
}

Test(vault, data_key_unwraps_only_for_its_customer)
{
	unsigned char	*dk = vault_datakey_new(), *back;
	unsigned char	 wrapped[VAULT_WRAPPED_BYTES];

	vault_datakey_wrap(v, dk, "UID1", 1, wrapped);
	back = vault_datakey_unwrap(v, wrapped, sizeof wrapped, "UID1", 1);
	cr_assert_not_null(back);
	cr_assert_eq(memcmp(back, dk, VAULT_KEY_BYTES), 0);
	cr_assert_null(vault_datakey_unwrap(v, wrapped, sizeof wrapped, "UID2", 1));
	cr_assert_null(vault_datakey_unwrap(v, wrapped, sizeof wrapped - 1, "UID1", 1));
	vault_datakey_free(back);
	vault_datakey_free(dk);
}

Test(vault, another_key_cannot_unwrap_or_pass_the_key_check)
{
	char		*path = helpers_path(dir, "other"), *cause = NULL;
	struct vault	*w;
	unsigned char	*dk = vault_datakey_new();
	unsigned char	 wrapped[VAULT_WRAPPED_BYTES], a[VAULT_MAC_BYTES], b[VAULT_MAC_BYTES];

	cr_assert_eq(vault_keyfile_create(path, &cause), 0);
	w = vault_open_keyfile(path, &cause);
	cr_assert_not_null(w);
	vault_datakey_wrap(v, dk, "U", 1, wrapped);
	cr_assert_null(vault_datakey_unwrap(w, wrapped, sizeof wrapped, "U", 1));
	vault_key_check(v, a);
	vault_key_check(w, b);
	cr_assert_neq(memcmp(a, b, sizeof a), 0);
	vault_free(w);
	vault_datakey_free(dk);
	free(path);
}

Test(vault, blind_index_is_deterministic_keyed_and_separates_kinds)
{
	unsigned char	a[VAULT_INDEX_BYTES], b[VAULT_INDEX_BYTES], c[VAULT_INDEX_BYTES];

	vault_blind_index(v, "phone", "+491701234567", a);
	vault_blind_index(v, "phone", "+491701234567", b);
	vault_blind_index(v, "card", "+491701234567", c);
	cr_assert_eq(memcmp(a, b, sizeof a), 0);
	cr_assert_neq(memcmp(a, c, sizeof a), 0);
}

Test(vault, passphrase_derives_the_same_key_with_the_same_parameters)
{
	struct vault_kdf	 kdf;
	struct vault		*a, *b, *c;
	unsigned char		 ka[VAULT_MAC_BYTES], kb[VAULT_MAC_BYTES], kc[VAULT_MAC_BYTES];
	char			*cause = NULL;

	vault_kdf_new(&kdf);
	kdf.opslimit = 1;	/* fast for the test; the format is the same */
	kdf.memlimit = 8192 * 8;
	a = vault_open_passphrase("correct horse battery", &kdf, &cause);
	b = vault_open_passphrase("correct horse battery", &kdf, &cause);
	c = vault_open_passphrase("wrong horse battery", &kdf, &cause);
	cr_assert(a && b && c);
	vault_key_check(a, ka);
	vault_key_check(b, kb);
	vault_key_check(c, kc);
	cr_assert_eq(memcmp(ka, kb, sizeof ka), 0);
	cr_assert_neq(memcmp(ka, kc, sizeof ka), 0);
	vault_free(a);
	vault_free(b);
	vault_free(c);
}

Test(vault, pin_hash_verifies_only_the_right_pin)
{
	char	hash[VAULT_PIN_HASH_BYTES];

	cr_assert_eq(vault_pin_hash(v, "4711", hash), 0);
	cr_assert_null(strstr(hash, "4711"));
	cr_assert_eq(vault_pin_verify(v, hash, "4711"), 0);
	cr_assert_eq(vault_pin_verify(v, hash, "4712"), -1);
}

Test(vault, pin_hash_is_useless_without_the_key)
{
	char		 hash[VAULT_PIN_HASH_BYTES], *path = helpers_path(dir, "other"), *cause = NULL;
	struct vault	*w;

	cr_assert_eq(vault_keyfile_create(path, &cause), 0);
	w = vault_open_keyfile(path, &cause);
	cr_assert_eq(vault_pin_hash(v, "4711", hash), 0);
	cr_assert_eq(vault_pin_verify(w, hash, "4711"), -1, "another key must not verify it");
	cr_assert_neq(crypto_pwhash_str_verify(hash, "4711", 4), 0, "the bare PIN must not verify");
	vault_free(w);
	free(path);
}

Test(vault, chain_mac_depends_on_previous_and_data)
{
	unsigned char	zero[VAULT_MAC_BYTES] = { 0 }, one[VAULT_MAC_BYTES] = { 1 };
	unsigned char	a[VAULT_MAC_BYTES], b[VAULT_MAC_BYTES], c[VAULT_MAC_BYTES];

	vault_chain_mac(v, zero, "x", 1, a);
	vault_chain_mac(v, one, "x", 1, b);
	vault_chain_mac(v, zero, "y", 1, c);
	cr_assert_neq(memcmp(a, b, sizeof a), 0);
	cr_assert_neq(memcmp(a, c, sizeof a), 0);
}

/* A second vault from a new key file in the test's directory. */
static struct vault *
other_vault(const char *name)
{
	char		*path = helpers_path(dir, name), *cause = NULL;
	struct vault	*w;

	cr_assert_eq(vault_keyfile_create(path, &cause), 0, "%s", cause);
	w = vault_open_keyfile(path, &cause);
	cr_assert_not_null(w, "%s", cause);
	free(path);
	return w;
}

Test(vault, a_rotation_carries_the_code_and_pin_keys_sealed_under_the_new_master)
{
	unsigned char	 carried[VAULT_CARRIED_BYTES], old_code[VAULT_KEY_BYTES];
	char		 hash[VAULT_PIN_HASH_BYTES], *path = helpers_path(dir, "next");
	char		*cause = NULL;
	struct vault	*next = other_vault("next"), *again;

	memcpy(old_code, vault_code_key(v), sizeof old_code);
	cr_assert_eq(vault_pin_hash(v, "4711", hash), 0);
	cr_assert_neq(memcmp(vault_code_key(next), old_code, sizeof old_code), 0);
	vault_carry(next, v, false, carried);
	cr_assert_eq(memcmp(vault_code_key(next), old_code, sizeof old_code), 0);
	cr_assert_eq(vault_pin_verify(next, hash, "4711"), 0, "the PIN pepper is carried");
	cr_assert_null(memmem(carried, sizeof carried, old_code, sizeof old_code),
	    "the carried keys are sealed");

	/* The next open of the new key file derives its own, until given the carried ones. */
	again = vault_open_keyfile(path, &cause);
	cr_assert_not_null(again, "%s", cause);
	cr_assert_eq(vault_pin_verify(again, hash, "4711"), -1);
	cr_assert_eq(vault_carry_open(again, carried, sizeof carried), 0);
	cr_assert_eq(memcmp(vault_code_key(again), old_code, sizeof old_code), 0);
	cr_assert_eq(vault_pin_verify(again, hash, "4711"), 0);

	/* Only the new master opens them, and only untouched. */
	cr_assert_eq(vault_carry_open(v, carried, sizeof carried), -1);
	carried[VAULT_CARRIED_BYTES - 1] ^= 1;
	cr_assert_eq(vault_carry_open(again, carried, sizeof carried), -1);
	cr_assert_eq(vault_carry_open(again, carried, sizeof carried - 1), -1);
	vault_free(again);
	vault_free(next);
	free(path);
}

Test(vault, a_rotation_of_the_codes_makes_a_new_code_key_and_keeps_the_pin_key)
{
	unsigned char	 carried[VAULT_CARRIED_BYTES];
	char		 hash[VAULT_PIN_HASH_BYTES];
	struct vault	*next = other_vault("next");

	cr_assert_eq(vault_pin_hash(v, "4711", hash), 0);
	vault_carry(next, v, true, carried);
	cr_assert_neq(memcmp(vault_code_key(next), vault_code_key(v), VAULT_KEY_BYTES), 0);
	cr_assert_eq(vault_pin_verify(next, hash, "4711"), 0);
	vault_free(next);
}

Test(vault, a_new_key_file_is_installed_over_the_old_one)
{
	char		*key = helpers_path(dir, "key"), *next = vault_keyfile_next(key);
	char		*cause = NULL;
	unsigned char	 a[VAULT_MAC_BYTES], b[VAULT_MAC_BYTES];
	struct vault	*w, *back;
	struct stat	 sb;

	cr_assert_str_eq(next + strlen(key), ".new");
	cr_assert_eq(vault_keyfile_create(next, &cause), 0, "%s", cause);
	w = vault_open_keyfile(next, &cause);
	cr_assert_eq(vault_keyfile_install(next, key, &cause), 0, "%s", cause);
	cr_assert_eq(stat(next, &sb), -1, "the .new file is gone");
	cr_assert_eq(stat(key, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	back = vault_open_keyfile(key, &cause);
	cr_assert_not_null(back, "%s", cause);
	vault_key_check(w, a);
	vault_key_check(back, b);
	cr_assert_eq(memcmp(a, b, sizeof a), 0, "the key file now holds the new key");
	cr_assert_eq(vault_keyfile_install(next, key, &cause), -1, "nothing left to install");
	cr_assert_not_null(strstr(cause, "cannot replace the key file"), "%s", cause);
	free(cause);
	vault_free(w);
	vault_free(back);
	free(next);
	free(key);
}

/* A fleet's events: sealed under the hub key, they open only as the same origin, number and
 * kind; a copy of the vault (the kiosk's sync thread) opens them too, another key does not. */
Test(vault, events_open_only_in_their_place_and_under_the_fleets_key)
{
	static const char	 plain[] = "{\"uid\":\"X\"}";
	unsigned char		 sealed[sizeof plain - 1 + VAULT_SEAL_OVERHEAD];
	unsigned char		 out[sizeof plain], c1[VAULT_MAC_BYTES], c2[VAULT_MAC_BYTES];
	struct vault		*copy, *other;
	char			*cause = NULL, *path = helpers_path(dir, "other.key");

	vault_event_seal(v, 3, 41, "member", plain, sizeof plain - 1, sealed);
	cr_assert_eq(vault_event_open(v, 3, 41, "member", sealed, sizeof sealed, out), 0);
	cr_assert_eq(memcmp(out, plain, sizeof plain - 1), 0);
	cr_assert_eq(vault_event_open(v, 3, 42, "member", sealed, sizeof sealed, out), -1);
	cr_assert_eq(vault_event_open(v, 4, 41, "member", sealed, sizeof sealed, out), -1);
	cr_assert_eq(vault_event_open(v, 3, 41, "reward", sealed, sizeof sealed, out), -1);
	copy = vault_copy(v, &cause);
	cr_assert_not_null(copy, "%s", cause);
	cr_assert_eq(vault_event_open(copy, 3, 41, "member", sealed, sizeof sealed, out), 0);
	vault_hub_check(v, c1);
	vault_hub_check(copy, c2);
	cr_assert_eq(memcmp(c1, c2, sizeof c1), 0);
	cr_assert_eq(vault_keyfile_create(path, &cause), 0, "%s", cause);
	other = vault_open_keyfile(path, &cause);
	cr_assert_not_null(other, "%s", cause);
	cr_assert_eq(vault_event_open(other, 3, 41, "member", sealed, sizeof sealed, out), -1);
	vault_hub_check(other, c2);
	cr_assert_neq(memcmp(c1, c2, sizeof c1), 0);
	vault_free(copy);
	vault_free(other);
	free(path);
}
