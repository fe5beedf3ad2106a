/*
 * test_sealfile — the sealed file format: round trips of every size that matters, the layout
 * the README documents (checked with libsodium directly, as another program would read it),
 * and every way a file can be wrong: the wrong key, any byte changed, cut short anywhere,
 * chunks dropped or swapped.  Then what a writer leaves on disk (mode 0600, no plaintext, no
 * temp file after a failure) and the key files.
 */
#include <criterion/criterion.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "helpers.h"
#include "sealfile.h"

#define TEST_HEADER	112	/* magic 8 + sealed file key 80 + stream header 24 */
#define TEST_ABYTES	crypto_secretstream_xchacha20poly1305_ABYTES
#define TEST_SEALED	(TEST_ABYTES + SEALFILE_CHUNK)	/* a full chunk on disk */

static char		*dir;
static unsigned char	 pk[SEALFILE_KEY_BYTES], sk[SEALFILE_KEY_BYTES];

static void
setup(void)
{
	cr_assert_geq(sodium_init(), 0);
	dir = helpers_tmpdir();
	crypto_box_keypair(pk, sk);
}

static void
teardown(void)
{
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(sealfile, .init = setup, .fini = teardown);

/* len bytes of random data (caller frees). */
static unsigned char *
random_bytes(size_t len)
{
	unsigned char	*p = malloc(len + 1);

	cr_assert_not_null(p);
	randombytes_buf(p, len);
	return p;
}

/* Seal len bytes into dir/name, written piece bytes at a time; the path (caller frees). */
static char *
seal(const char *name, const void *data, size_t len, size_t piece)
{
	struct sealfile	*sf;
	char		*path = helpers_path(dir, name), *cause = NULL;
	size_t		 off, n;

	sf = sealfile_create(path, pk, &cause);
	cr_assert_not_null(sf, "%s", cause);
	for (off = 0; off < len; off += n) {
		n = len - off < piece ? len - off : piece;
		cr_assert_eq(fwrite((const char *)data + off, 1, n, sealfile_stream(sf)), n);
	}
	cr_assert_eq(sealfile_commit(sf, &cause), 0, "%s", cause);
	sealfile_free(sf);
	return path;
}

/* A whole file (caller frees). */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE		*f = fopen(path, "rb");
	unsigned char	*buf;
	long		 size;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

/* Write len bytes as a whole file. */
static void
spit(const char *path, const void *data, size_t len)
{
	FILE	*f = fopen(path, "wb");

	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* Unseal len bytes with the secret key s (its public key derived); the plaintext goes to
 * *out (caller frees), the reason to *cause (caller frees). */
static enum sealfile_result
unseal_with(const unsigned char *s, const void *data, size_t len, char **out, size_t *outlen,
    char **cause)
{
	unsigned char		 p[SEALFILE_KEY_BYTES];
	enum sealfile_result	 rc;
	char			*path = helpers_path(dir, "in.sealed");
	FILE			*in, *o;

	spit(path, data, len);
	cr_assert_not_null(in = fopen(path, "rb"));
	cr_assert_not_null(o = open_memstream(out, outlen));
	crypto_scalarmult_base(p, s);
	*cause = NULL;
	rc = sealfile_unseal(o, in, p, s, cause);
	fclose(o);
	fclose(in);
	unlink(path);
	free(path);
	return rc;
}

/* Expect data to be refused with a one-line reason saying what, and no plaintext out. */
static void
refused(const void *data, size_t len, const char *what, const char *label)
{
	enum sealfile_result	 rc;
	char			*out, *cause;
	size_t			 outlen;

	rc = unseal_with(sk, data, len, &out, &outlen, &cause);
	cr_assert_eq(rc, SEALFILE_REFUSED, "%s: not refused", label);
	cr_assert_not_null(cause, "%s", label);
	cr_assert_not_null(strstr(cause, what), "%s: \"%s\" does not say \"%s\"", label, cause,
	    what);
	cr_assert_null(strchr(cause, '\n'), "%s: a reason is one line", label);
	free(cause);
	free(out);
}

/* Seal len random bytes, check the file's size against the format, unseal, compare. */
static void
round_trip(size_t len, size_t piece)
{
	unsigned char	*data = random_bytes(len), *sealed;
	char		*path, *out, *cause;
	size_t		 slen, outlen, chunks = len == 0 ? 1 : (len + SEALFILE_CHUNK - 1) /
			    SEALFILE_CHUNK;

	path = seal("rt.sealed", data, len, piece);
	sealed = slurp(path, &slen);
	cr_assert_eq(slen, TEST_HEADER + chunks * TEST_ABYTES + len,
	    "%zu bytes in %zu chunks: %zu on disk", len, chunks, slen);
	cr_assert_eq(unseal_with(sk, sealed, slen, &out, &outlen, &cause), SEALFILE_OK, "%s",
	    cause);
	cr_assert_eq(outlen, len);
	cr_assert_eq(memcmp(out, data, len), 0);
	free(out);
	free(sealed);
	unlink(path);
	free(path);
	free(data);
}

Test(sealfile, an_empty_file_round_trips)
{
	round_trip(0, 1);
}

Test(sealfile, one_byte_round_trips)
{
	round_trip(1, 1);
}

Test(sealfile, exactly_one_chunk_round_trips_as_one_final_chunk)
{
	round_trip(SEALFILE_CHUNK - 1, 4096);
	round_trip(SEALFILE_CHUNK, 4096);
	round_trip(SEALFILE_CHUNK, SEALFILE_CHUNK);
	round_trip(SEALFILE_CHUNK + 1, 4096);
}

Test(sealfile, many_chunks_round_trip_whatever_the_writes)
{
	round_trip(5 * SEALFILE_CHUNK + 7, 1000);
	round_trip(3 * SEALFILE_CHUNK, 3 * SEALFILE_CHUNK);
	round_trip(2 * SEALFILE_CHUNK + 3, 1);
}

Test(sealfile, a_sealed_file_is_laid_out_as_documented)
{
	crypto_secretstream_xchacha20poly1305_state	st;
	unsigned char	*data = random_bytes(2 * SEALFILE_CHUNK + 5), *f, key[32], *p, tag;
	unsigned char	 plain[SEALFILE_CHUNK];
	unsigned long long mlen;
	size_t		 len, want[] = { SEALFILE_CHUNK, SEALFILE_CHUNK, 5 }, i;
	char		*path = seal("doc.sealed", data, 2 * SEALFILE_CHUNK + 5, 777);

	f = slurp(path, &len);
	cr_assert_eq(memcmp(f, "PKSEAL\0\1", 8), 0, "magic and version");
	cr_assert_eq(crypto_box_seal_open(key, f + 8, 80, pk, sk), 0, "the sealed file key");
	cr_assert_eq(crypto_secretstream_xchacha20poly1305_init_pull(&st, f + 88, key), 0);
	p = f + TEST_HEADER;
	for (i = 0; i < 3; i++) {
		cr_assert_eq(crypto_secretstream_xchacha20poly1305_pull(&st, plain, &mlen, &tag, p,
		    want[i] + TEST_ABYTES, NULL, 0), 0, "chunk %zu opens", i + 1);
		cr_assert_eq(mlen, want[i]);
		cr_assert_eq(memcmp(plain, data + i * SEALFILE_CHUNK, want[i]), 0);
		cr_assert_eq(tag, i < 2 ? crypto_secretstream_xchacha20poly1305_TAG_MESSAGE :
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL, "chunk %zu's tag", i + 1);
		p += want[i] + TEST_ABYTES;
	}
	cr_assert_eq((size_t)(p - f), len, "nothing after the final chunk");
	free(f);
	free(path);
	free(data);
}

/* A file made with libsodium alone, as another program would from the README: one chunk of
 * text with tag, into buf (TEST_HEADER + len + TEST_ABYTES bytes). */
static size_t
hand_made(unsigned char *buf, const char *text, unsigned char tag)
{
	crypto_secretstream_xchacha20poly1305_state	st;
	unsigned char		key[32];
	unsigned long long	clen;

	memcpy(buf, "PKSEAL\0\1", 8);
	crypto_secretstream_xchacha20poly1305_keygen(key);
	cr_assert_eq(crypto_box_seal(buf + 8, key, sizeof key, pk), 0);
	crypto_secretstream_xchacha20poly1305_init_push(&st, buf + 88, key);
	crypto_secretstream_xchacha20poly1305_push(&st, buf + TEST_HEADER, &clen,
	    (const unsigned char *)text, strlen(text), NULL, 0, tag);
	return TEST_HEADER + (size_t)clen;
}

Test(sealfile, a_file_made_by_another_program_from_the_format_unseals)
{
	unsigned char	 buf[512];
	char		*out, *cause;
	size_t		 len, outlen;

	len = hand_made(buf, "{\"customer\":\"X\"}\n",
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	cr_assert_eq(unseal_with(sk, buf, len, &out, &outlen, &cause), SEALFILE_OK, "%s", cause);
	cr_assert_eq(outlen, 17);
	cr_assert_eq(memcmp(out, "{\"customer\":\"X\"}\n", 17), 0);
	free(out);

	len = hand_made(buf, "x", crypto_secretstream_xchacha20poly1305_TAG_PUSH);
	refused(buf, len, "chunk 1 has a tag this format does not use", "a PUSH tag");
	len = hand_made(buf, "x", crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
	refused(buf, len, "ends after 1 chunk without its final one", "no FINAL tag");
}

Test(sealfile, the_wrong_secret_key_is_refused)
{
	unsigned char	 other_pk[SEALFILE_KEY_BYTES], other_sk[SEALFILE_KEY_BYTES], *f;
	char		*path = seal("k.sealed", "member data", 11, 11), *out, *cause;
	size_t		 len, outlen;

	crypto_box_keypair(other_pk, other_sk);
	f = slurp(path, &len);
	cr_assert_eq(unseal_with(other_sk, f, len, &out, &outlen, &cause), SEALFILE_REFUSED);
	cr_assert_str_eq(cause, "the file is not sealed to this key (or its header was changed)");
	cr_assert_eq(outlen, 0, "nothing is written");
	free(cause);
	free(out);
	free(f);
	free(path);
}

Test(sealfile, every_byte_of_a_small_file_changed_is_refused)
{
	static const unsigned char flips[] = { 0x01, 0x80, 0xff };
	unsigned char	*f, *copy;
	char		*path, label[64];
	size_t		 len, i, j;

	path = seal("flip.sealed", "Grace Hopper, grace@navy.example, +1 202 555 0147", 49, 7);
	f = slurp(path, &len);
	cr_assert_eq(len, TEST_HEADER + 49 + TEST_ABYTES);
	copy = malloc(len);
	cr_assert_not_null(copy);
	for (i = 0; i < len; i++) {
		for (j = 0; j < sizeof flips; j++) {
			memcpy(copy, f, len);
			copy[i] ^= flips[j];
			snprintf(label, sizeof label, "byte %zu ^ 0x%02x", i, flips[j]);
			refused(copy, len, i < 7 ? "not a sealed prefkiosk file" : i == 7 ?
			    "format version" : i < 88 ? "not sealed to this key" :
			    "chunk 1 does not open", label);
		}
	}
	free(copy);
	free(f);
	free(path);
}

Test(sealfile, a_file_cut_short_anywhere_is_refused)
{
	size_t		 len = 2 * SEALFILE_CHUNK + 1000, flen, i;
	unsigned char	*data = random_bytes(len), *f;
	char		*path = seal("cut.sealed", data, len, 8192), label[64];
	const struct {
		size_t		 at;
		const char	*what;
	} cuts[] = {
		{ 0, "not a sealed prefkiosk file" },
		{ 1, "not a sealed prefkiosk file" },
		{ 6, "not a sealed prefkiosk file" },
		{ 7, "cut short in its header" },
		{ 8, "cut short in its header" },
		{ 50, "cut short in its header" },
		{ TEST_HEADER - 1, "cut short in its header" },
		{ TEST_HEADER, "ends after 0 chunks without its final one" },
		{ TEST_HEADER + 1, "chunk 1 does not open" },
		{ TEST_HEADER + TEST_ABYTES, "chunk 1 does not open" },
		{ TEST_HEADER + TEST_SEALED / 2, "chunk 1 does not open" },
		{ TEST_HEADER + TEST_SEALED - 1, "chunk 1 does not open" },
		{ TEST_HEADER + TEST_SEALED, "ends after 1 chunk without its final one" },
		{ TEST_HEADER + TEST_SEALED + 300, "chunk 2 does not open" },
		{ TEST_HEADER + 2 * TEST_SEALED, "ends after 2 chunks without its final one" },
		{ TEST_HEADER + 2 * TEST_SEALED + 16, "chunk 3 does not open" },
	};

	f = slurp(path, &flen);
	cr_assert_eq(flen, TEST_HEADER + 2 * TEST_SEALED + 1000 + TEST_ABYTES);
	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		snprintf(label, sizeof label, "cut at %zu", cuts[i].at);
		refused(f, cuts[i].at, cuts[i].what, label);
	}
	refused(f, flen - 1, "chunk 3 does not open", "the last byte cut");
	free(f);
	free(path);
	free(data);
}

Test(sealfile, chunks_dropped_swapped_or_added_to_are_refused)
{
	size_t		 len = 3 * SEALFILE_CHUNK + 10, flen;
	unsigned char	*data = random_bytes(len), *f, *g;
	char		*path = seal("swap.sealed", data, len, 65536);
	unsigned char	*c1, *c2;

	f = slurp(path, &flen);
	g = malloc(flen + 1);
	cr_assert_not_null(g);
	c1 = f + TEST_HEADER;
	c2 = c1 + TEST_SEALED;

	/* Chunk 2 dropped. */
	memcpy(g, f, TEST_HEADER + TEST_SEALED);
	memcpy(g + TEST_HEADER + TEST_SEALED, c2 + TEST_SEALED, flen - (size_t)(c2 + TEST_SEALED - f));
	refused(g, flen - TEST_SEALED, "chunk 2 does not open", "chunk 2 dropped");

	/* Chunks 1 and 2 swapped. */
	memcpy(g, f, flen);
	memcpy(g + TEST_HEADER, c2, TEST_SEALED);
	memcpy(g + TEST_HEADER + TEST_SEALED, c1, TEST_SEALED);
	refused(g, flen, "chunk 1 does not open", "chunks swapped");

	/* A byte added joins the last chunk, which is read up to a full chunk's length. */
	memcpy(g, f, flen);
	g[flen] = 0;
	refused(g, flen + 1, "chunk 4 does not open", "a byte added");
	free(g);
	free(f);
	free(path);

	/* After a full final chunk, a byte added is a byte after the end. */
	path = seal("full.sealed", data, 2 * SEALFILE_CHUNK, 65536);
	f = slurp(path, &flen);
	g = malloc(flen + 1);
	cr_assert_not_null(g);
	memcpy(g, f, flen);
	g[flen] = 0;
	refused(g, flen + 1, "there are bytes after the final chunk: the file was changed",
	    "a byte added after a full final chunk");
	free(g);
	free(f);
	free(path);
	free(data);
}

Test(sealfile, a_file_of_another_version_is_refused_by_its_version)
{
	unsigned char	 buf[512];
	size_t		 len = hand_made(buf, "x", crypto_secretstream_xchacha20poly1305_TAG_FINAL);

	buf[7] = 2;
	refused(buf, len, "a sealed file of format version 2; this prefkiosk reads version 1",
	    "version 2");
}

Test(sealfile, the_plaintext_is_nowhere_in_the_file)
{
	static const char	 canary[] = "CANARY grace.hopper@navy.example +12025550147 ";
	char			*text, *path;
	size_t			 i, n = 3 * SEALFILE_CHUNK / (sizeof canary - 1);

	text = malloc(n * (sizeof canary - 1) + 1);
	cr_assert_not_null(text);
	for (i = 0; i < n; i++)
		memcpy(text + i * (sizeof canary - 1), canary, sizeof canary - 1);
	path = seal("canary.sealed", text, n * (sizeof canary - 1), 100);
	cr_assert_eq(helpers_file_contains(path, "CANARY", 6), 0);
	cr_assert_eq(helpers_file_contains(path, "grace", 5), 0);
	cr_assert_eq(helpers_file_contains(path, "2025550147", 10), 0);
	cr_assert_eq(helpers_file_contains(path, "PKSEAL", 6), 1, "the search itself works");
	free(path);
	free(text);
}

Test(sealfile, a_sealed_file_is_mode_0600_whatever_the_umask)
{
	struct stat	 sb;
	char		*path;

	umask(0);
	path = seal("mode.sealed", "x", 1, 1);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600, "mode %o", sb.st_mode & 0777);
	free(path);
}

/* Does path exist? */
static bool
exists(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0;
}

Test(sealfile, content_lives_in_a_temp_file_until_commit_and_free_alone_removes_it)
{
	struct sealfile	*sf;
	char		*path = helpers_path(dir, "a.sealed"), *tmp = helpers_path(dir, "a.sealed.tmp");
	char		*cause = NULL;

	sf = sealfile_create(path, pk, &cause);
	cr_assert_not_null(sf, "%s", cause);
	cr_assert(exists(tmp));
	cr_assert_not(exists(path));
	fputs("half an export", sealfile_stream(sf));
	sealfile_free(sf);
	cr_assert_not(exists(tmp), "the temp file is removed");
	cr_assert_not(exists(path));
	free(path);
	free(tmp);
}

Test(sealfile, a_failed_commit_leaves_no_temp_file)
{
	struct sealfile	*sf;
	char		*path = helpers_path(dir, "b.sealed"), *tmp = helpers_path(dir, "b.sealed.tmp");
	char		*inside = helpers_path(path, "keep"), *cause = NULL;

	sf = sealfile_create(path, pk, &cause);
	cr_assert_not_null(sf, "%s", cause);
	fputs("an export", sealfile_stream(sf));
	/* Something takes the name meanwhile: the rename cannot replace a full directory. */
	cr_assert_eq(mkdir(path, 0700), 0);
	helpers_write(inside, "x");
	cr_assert_eq(sealfile_commit(sf, &cause), -1);
	cr_assert_not_null(strstr(cause, "cannot rename it to"), "%s", cause);
	sealfile_free(sf);
	cr_assert_not(exists(tmp));
	cr_assert(exists(inside), "what took the name is left alone");
	free(cause);
	free(inside);
	free(path);
	free(tmp);
}

Test(sealfile, a_write_that_fails_fails_the_commit_and_leaves_nothing)
{
	struct rlimit	 rl = { 100000, 100000 };
	struct sealfile	*sf;
	char		*path = helpers_path(dir, "c.sealed"), *tmp = helpers_path(dir, "c.sealed.tmp");
	char		*cause = NULL;
	unsigned char	*data = random_bytes(3 * SEALFILE_CHUNK);

	/* A file may not grow past 100 kB: the second chunk's write fails with EFBIG. */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	sf = sealfile_create(path, pk, &cause);
	cr_assert_not_null(sf, "%s", cause);
	fwrite(data, 1, 3 * SEALFILE_CHUNK, sealfile_stream(sf));
	cr_assert(ferror(sealfile_stream(sf)), "the stream reports the failure");
	cr_assert_eq(sealfile_commit(sf, &cause), -1);
	cr_assert_not_null(strstr(cause, "cannot write: File too large"), "%s", cause);
	sealfile_free(sf);
	cr_assert_not(exists(tmp));
	cr_assert_not(exists(path));
	free(cause);
	free(data);
	free(path);
	free(tmp);
}

Test(sealfile, create_refuses_an_existing_file_or_temp_file_and_leaves_them)
{
	char	*path = helpers_path(dir, "d.sealed"), *tmp = helpers_path(dir, "e.sealed.tmp");
	char	*other = helpers_path(dir, "e.sealed"), *cause = NULL;
	size_t	 len;
	unsigned char *f;

	helpers_write(path, "an earlier export");
	cr_assert_null(sealfile_create(path, pk, &cause));
	cr_assert_not_null(strstr(cause, "the file exists; refusing to overwrite it"), "%s", cause);
	free(cause);
	f = slurp(path, &len);
	cr_assert_eq(len, 17);
	free(f);

	helpers_write(tmp, "another writer's");
	cr_assert_null(sealfile_create(other, pk, &cause));
	cr_assert_not_null(strstr(cause, "another export is being written"), "%s", cause);
	cr_assert(exists(tmp), "another writer's temp file is not removed");
	free(cause);
	free(path);
	free(tmp);
	free(other);
}

Test(sealfile, a_public_key_of_small_order_is_refused_and_leaves_nothing)
{
	unsigned char	 zero[SEALFILE_KEY_BYTES] = { 0 };
	char		*path = helpers_path(dir, "z.sealed"), *tmp = helpers_path(dir, "z.sealed.tmp");
	char		*cause = NULL;

	cr_assert_null(sealfile_create(path, zero, &cause));
	cr_assert_str_eq(cause, "the recipient's key is not a usable public key");
	cr_assert_not(exists(tmp));
	free(cause);
	free(path);
	free(tmp);
}

Test(sealfile, a_key_pair_is_made_with_its_modes_and_loads_back)
{
	unsigned char	 p1[SEALFILE_KEY_BYTES], p2[SEALFILE_KEY_BYTES], s2[SEALFILE_KEY_BYTES];
	char		*pub = helpers_path(dir, "mds.pub"), *key = helpers_path(dir, "mds.key");
	char		*sealed, *cause = NULL, *out;
	unsigned char	*f;
	size_t		 len, outlen;
	struct stat	 sb;

	umask(022);
	cr_assert_eq(sealfile_keys_create(pub, key, &cause), 0, "%s", cause);
	cr_assert_eq(stat(key, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	cr_assert_eq(stat(pub, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0644);
	cr_assert_eq(sealfile_public_load(pub, p1, &cause), 0, "%s", cause);
	cr_assert_eq(sealfile_secret_load(key, p2, s2, &cause), 0, "%s", cause);
	cr_assert_eq(memcmp(p1, p2, sizeof p1), 0, "the secret key's public key is the .pub's");
	cr_assert_eq(helpers_file_contains(pub, "PKSEAL-PUBLIC-KEY ", 18), 1);
	cr_assert_eq(helpers_file_contains(key, "PKSEAL-SECRET-KEY ", 18), 1);

	/* What is sealed to the .pub unseals with the .key. */
	memcpy(pk, p1, sizeof pk);
	sealed = seal("pair.sealed", "hello", 5, 5);
	f = slurp(sealed, &len);
	cr_assert_eq(unseal_with(s2, f, len, &out, &outlen, &cause), SEALFILE_OK, "%s", cause);
	cr_assert_eq(outlen, 5);
	free(out);
	free(f);
	free(sealed);
	free(pub);
	free(key);
}

Test(sealfile, a_key_pair_never_overwrites)
{
	char	*pub = helpers_path(dir, "k.pub"), *key = helpers_path(dir, "k.key");
	char	*pub2 = helpers_path(dir, "j.pub"), *key2 = helpers_path(dir, "j.key");
	char	*cause = NULL;
	unsigned char *before, *after;
	size_t	 blen, alen;

	cr_assert_eq(sealfile_keys_create(pub, key, &cause), 0, "%s", cause);
	before = slurp(key, &blen);
	cr_assert_eq(sealfile_keys_create(pub, key, &cause), -1);
	cr_assert_not_null(strstr(cause, "exists; refusing to overwrite it"), "%s", cause);
	free(cause);
	after = slurp(key, &alen);
	cr_assert_eq(alen, blen);
	cr_assert_eq(memcmp(before, after, alen), 0, "the secret key is unchanged");

	/* Only the secret key file is there: refused, and no public key appears. */
	helpers_write(key2, "a secret");
	cr_assert_eq(sealfile_keys_create(pub2, key2, &cause), -1);
	cr_assert_not_null(strstr(cause, "j.key: exists"), "%s", cause);
	cr_assert_not(exists(pub2));
	free(cause);
	free(before);
	free(after);
	free(pub);
	free(key);
	free(pub2);
	free(key2);
}

/* Expect the public (or secret) key file holding text, of mode, to be refused saying what. */
static void
key_refused(bool secret, const char *text, mode_t mode, const char *what)
{
	unsigned char	 p[SEALFILE_KEY_BYTES], s[SEALFILE_KEY_BYTES];
	char		*path = helpers_path(dir, "bad.key"), *cause = NULL;
	int		 rc;

	unlink(path);
	helpers_write(path, text);
	cr_assert_eq(chmod(path, mode), 0);
	rc = secret ? sealfile_secret_load(path, p, s, &cause) : sealfile_public_load(path, p,
	    &cause);
	cr_assert_eq(rc, -1, "\"%s\" was accepted", text);
	cr_assert_not_null(strstr(cause, what), "\"%s\" does not say \"%s\"", cause, what);
	cr_assert_eq(strncmp(cause, path, strlen(path)), 0, "\"%s\" names the file", cause);
	free(cause);
	free(path);
}

Test(sealfile, a_broken_key_file_is_refused_with_what_to_fix)
{
	static const char b64[] = "9UdNvIOtu9njiVvWv6FUIGqaqHhGcgqRyb0+wJRrk3c=";
	char		 text[256];

	key_refused(false, "", 0644, "no key in the file");
	key_refused(false, "# only a comment\n\n", 0644, "no key in the file");
	key_refused(false, "hello world\n", 0644, "not a prefkiosk key file");
	key_refused(false, "PKSEAL-PUBLIC-KEY c2hvcnQ=\n", 0644, "the key is not 32 bytes");
	key_refused(false, "PKSEAL-PUBLIC-KEY 9UdNvIOtu9njiVvWv6FUIGqaqHhGcgqRyb0+wJRrk3c\n",
	    0644, "the key is not 32 bytes");
	key_refused(false, "PKSEAL-PUBLIC-KEY AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	    0644, "not a usable public key");
	snprintf(text, sizeof text, "PKSEAL-PUBLIC-KEY %s\nPKSEAL-PUBLIC-KEY %s\n", b64, b64);
	key_refused(false, text, 0644, "more than one key line");
	snprintf(text, sizeof text, "PKSEAL-SECRET-KEY %s\n", b64);
	key_refused(false, text, 0600, "this is a secret key file: give the public key");
	key_refused(true, text, 0640, "readable by others (mode 640); run: chmod 600");
	snprintf(text, sizeof text, "PKSEAL-PUBLIC-KEY %s\n", b64);
	key_refused(true, text, 0600, "this is a public key file");
}

Test(sealfile, key_files_may_have_comments_and_crlf)
{
	unsigned char	 p[SEALFILE_KEY_BYTES];
	char		*path = helpers_path(dir, "crlf.pub"), *cause = NULL;

	helpers_write(path, "# the MDS\r\n\r\nPKSEAL-PUBLIC-KEY "
	    "9UdNvIOtu9njiVvWv6FUIGqaqHhGcgqRyb0+wJRrk3c=  \r\n# end\r\n");
	cr_assert_eq(sealfile_public_load(path, p, &cause), 0, "%s", cause);
	cr_assert_eq(p[0], 0xf5);
	cr_assert_eq(p[31], 0x77);
	free(path);
}

Test(sealfile, a_binary_file_is_not_a_key_file)
{
	unsigned char	 p[SEALFILE_KEY_BYTES], bytes[32] = { 'P', 'K', 0 };
	char		*path = helpers_path(dir, "store.key"), *cause = NULL;

	spit(path, bytes, sizeof bytes);
	cr_assert_eq(sealfile_public_load(path, p, &cause), -1);
	cr_assert_not_null(strstr(cause, "not a prefkiosk key file"), "%s", cause);
	free(cause);
	free(path);
}

Test(sealfile, a_missing_key_file_says_so)
{
	unsigned char	 p[SEALFILE_KEY_BYTES];
	char		*path = helpers_path(dir, "none.pub"), *cause = NULL, *want;

	cr_assert_eq(sealfile_public_load(path, p, &cause), -1);
	want = helpers_path(dir, "none.pub: cannot read: No such file or directory");
	cr_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(path);
}
