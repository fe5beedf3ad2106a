/*
 * sealfile — the sealed file format of sealfile.h, on libsodium 1.0.18.
 *
 * Writing: sealfile_create writes the header straight to the temp file and hands out a stdio
 * stream made with fopencookie, whose buffer is ours.  The stream's write function fills one
 * chunk of plaintext and seals a full chunk only when more bytes arrive, so sealfile_commit
 * always has a last chunk (empty only for an empty file) to seal FINAL: a reader finds the end
 * by its tag, never by a length.  The file key lives only until the stream's state is made from
 * it; the state (which holds the key), the chunk and the stream's buffer are util_secret_alloc
 * memory, wiped when freed, and each chunk's plaintext is wiped as soon as it is sealed.
 *
 * Reading: chunk by chunk, each opened before its plaintext is written out; every way a file
 * can be wrong has its own one-line reason.
 *
 * Key files are a few lines of text, read into wiped memory because a secret key file's text
 * is the secret key.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "sealfile.h"
#include "util.h"

#define SEALFILE_MAGIC		"PKSEAL"	/* with its NUL: 7 bytes, then the version */
#define SEALFILE_MAGIC_LEN	7
#define SEALFILE_VERSION	1
#define SEALFILE_FILE_KEY	crypto_secretstream_xchacha20poly1305_KEYBYTES
#define SEALFILE_SEALED_KEY	(crypto_box_SEALBYTES + SEALFILE_FILE_KEY)
#define SEALFILE_STREAM_HEADER	crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SEALFILE_HEADER		(SEALFILE_MAGIC_LEN + 1 + SEALFILE_SEALED_KEY + \
				 SEALFILE_STREAM_HEADER)
#define SEALFILE_ABYTES		crypto_secretstream_xchacha20poly1305_ABYTES
#define SEALFILE_TAG_MESSAGE	crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define SEALFILE_TAG_FINAL	crypto_secretstream_xchacha20poly1305_TAG_FINAL
#define SEALFILE_IOBUF		8192	/* the stream's own buffer */
#define SEALFILE_KEYFILE_MAX	1024	/* a key file is a few short lines */
#define SEALFILE_PUBLIC_LABEL	"PKSEAL-PUBLIC-KEY"
#define SEALFILE_SECRET_LABEL	"PKSEAL-SECRET-KEY"

struct sealfile {
	FILE		*stream;	/* fopencookie over this sealfile; NULL once closed */
	char		*path;
	char		*tmp;		/* path + ".tmp" */
	int		 fd;		/* the temp file; -1 once closed */
	bool		 temp;		/* the temp file is there, and ours to remove */
	int		 error;		/* errno of the first failed write, or 0 */

	crypto_secretstream_xchacha20poly1305_state *state;	/* secret memory */
	unsigned char	*plain;		/* secret memory: the chunk being filled */
	size_t		 len;		/* bytes in it */
	unsigned char	*iobuf;		/* secret memory: the stream's buffer */
	unsigned char	*cipher;	/* one sealed chunk */
};

/* Write all len bytes to fd, again after EINTR, on after a partial write; -1 with errno. */
static int
sealfile_write(int fd, const void *data, size_t len)
{
	const unsigned char	*p = data;
	ssize_t			 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Seal the plaintext gathered so far as one chunk with tag, write it, wipe it; -1 with errno. */
static int
sealfile_push(struct sealfile *sf, unsigned char tag)
{
	unsigned long long	clen;

	crypto_secretstream_xchacha20poly1305_push(sf->state, sf->cipher, &clen, sf->plain,
	    sf->len, NULL, 0, tag);
	sodium_memzero(sf->plain, sf->len);
	sf->len = 0;
	return sealfile_write(sf->fd, sf->cipher, (size_t)clen);
}

/* The stream's write function: gather plaintext, sealing a chunk when it is full and more
 * follows.  Returns size, or 0 with errno (fopencookie's way to fail). */
static ssize_t
sealfile_cookie_write(void *cookie, const char *buf, size_t size)
{
	struct sealfile	*sf = cookie;
	size_t		 done = 0, n;

	if (sf->error != 0) {
		errno = sf->error;
		return 0;
	}
	while (done < size) {
		if (sf->len == SEALFILE_CHUNK && sealfile_push(sf, SEALFILE_TAG_MESSAGE) != 0) {
			sf->error = errno;
			return 0;
		}
		n = SEALFILE_CHUNK - sf->len;
		if (n > size - done)
			n = size - done;
		memcpy(sf->plain + sf->len, buf + done, n);
		sf->len += n;
		done += n;
	}
	return (ssize_t)size;
}

/* Remove the temp file if it is ours. */
static void
sealfile_discard(struct sealfile *sf)
{
	if (sf->temp)
		unlink(sf->tmp);
	sf->temp = false;
}

struct sealfile *
sealfile_create(const char *path, const unsigned char pk[SEALFILE_KEY_BYTES], char **cause)
{
	cookie_io_functions_t	 io = { NULL, sealfile_cookie_write, NULL, NULL };
	struct sealfile		*sf;
	struct stat		 sb;
	unsigned char		 head[SEALFILE_HEADER], *key;
	int			 rc;

	if (lstat(path, &sb) == 0) {
		util_fail(cause, "%s: the file exists; refusing to overwrite it", path);
		return NULL;
	}
	sf = util_xcalloc(1, sizeof *sf);
	sf->fd = -1;
	sf->path = util_xstrdup(path);
	sf->tmp = util_xprintf("%s.tmp", path);
	sf->state = util_secret_alloc(sizeof *sf->state);
	sf->plain = util_secret_alloc(SEALFILE_CHUNK);
	sf->iobuf = util_secret_alloc(SEALFILE_IOBUF);
	sf->cipher = util_xmalloc(SEALFILE_CHUNK + SEALFILE_ABYTES);

	sf->fd = open(sf->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (sf->fd == -1) {
		if (errno == EEXIST)
			util_fail(cause, "%s: exists: another export is being written, or one was "
			    "cut off; remove it if none is running", sf->tmp);
		else
			util_fail(cause, "%s: cannot create: %s", sf->tmp, strerror(errno));
		goto fail;
	}
	sf->temp = true;

	memcpy(head, SEALFILE_MAGIC, SEALFILE_MAGIC_LEN);
	head[SEALFILE_MAGIC_LEN] = SEALFILE_VERSION;
	key = util_secret_alloc(SEALFILE_FILE_KEY);
	crypto_secretstream_xchacha20poly1305_keygen(key);
	rc = crypto_box_seal(head + SEALFILE_MAGIC_LEN + 1, key, SEALFILE_FILE_KEY, pk);
	if (rc == 0)
		crypto_secretstream_xchacha20poly1305_init_push(sf->state,
		    head + SEALFILE_MAGIC_LEN + 1 + SEALFILE_SEALED_KEY, key);
	util_secret_free(key);
	if (rc != 0) {
		util_fail(cause, "the recipient's key is not a usable public key");
		goto fail;
	}
	if (sealfile_write(sf->fd, head, sizeof head) != 0) {
		util_fail(cause, "%s: cannot write: %s", sf->tmp, strerror(errno));
		goto fail;
	}
	if ((sf->stream = fopencookie(sf, "w", io)) == NULL)
		abort();	/* out of memory */
	setvbuf(sf->stream, (char *)sf->iobuf, _IOFBF, SEALFILE_IOBUF);
	return sf;
fail:
	sealfile_free(sf);
	return NULL;
}

FILE *
sealfile_stream(struct sealfile *sf)
{
	return sf->stream;
}

/* Sync the directory that holds path, so that a rename survives a power cut.  A file system
 * that cannot sync a directory says EINVAL, and is taken at its word. */
static int
sealfile_sync_dir(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;
	int		 fd, rc, saved;

	if (slash == NULL)
		dir = util_xstrdup(".");
	else
		dir = util_xprintf("%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = fd == -1 || (fsync(fd) != 0 && errno != EINVAL) ? -1 : 0;
	saved = errno;
	if (fd != -1)
		close(fd);
	free(dir);
	errno = saved;
	return rc;
}

int
sealfile_commit(struct sealfile *sf, char **cause)
{
	if (fclose(sf->stream) != 0 && sf->error == 0)
		sf->error = errno != 0 ? errno : EIO;
	sf->stream = NULL;
	if (sf->error == 0 && sealfile_push(sf, SEALFILE_TAG_FINAL) != 0)
		sf->error = errno;
	if (sf->error == 0 && fsync(sf->fd) != 0)
		sf->error = errno;
	if (close(sf->fd) != 0 && sf->error == 0)
		sf->error = errno;
	sf->fd = -1;
	if (sf->error != 0) {
		util_fail(cause, "%s: cannot write: %s", sf->tmp, strerror(sf->error));
		sealfile_discard(sf);
		return -1;
	}
	if (rename(sf->tmp, sf->path) != 0) {
		util_fail(cause, "%s: cannot rename it to %s: %s", sf->tmp, sf->path,
		    strerror(errno));
		sealfile_discard(sf);
		return -1;
	}
	sf->temp = false;
	if (sealfile_sync_dir(sf->path) != 0) {
		util_fail(cause, "%s: cannot sync its directory: %s", sf->path, strerror(errno));
		unlink(sf->path);
		return -1;
	}
	return 0;
}

void
sealfile_free(struct sealfile *sf)
{
	if (sf == NULL)
		return;
	if (sf->stream != NULL) {
		sf->error = ECANCELED;	/* what is still buffered goes nowhere */
		fclose(sf->stream);
	}
	if (sf->fd != -1)
		close(sf->fd);
	sealfile_discard(sf);
	util_secret_free(sf->state);
	util_secret_free(sf->plain);
	util_secret_free(sf->iobuf);
	free(sf->cipher);
	free(sf->path);
	free(sf->tmp);
	free(sf);
}

enum sealfile_result
sealfile_unseal(FILE *out, FILE *in, const unsigned char pk[SEALFILE_KEY_BYTES],
    const unsigned char sk[SEALFILE_KEY_BYTES], char **cause)
{
	crypto_secretstream_xchacha20poly1305_state	*state;
	enum sealfile_result	 rc = SEALFILE_REFUSED;
	unsigned char		 head[SEALFILE_HEADER], tag = SEALFILE_TAG_MESSAGE;
	unsigned char		*key, *plain, *cipher;
	unsigned long long	 mlen;
	unsigned long		 chunk = 0;
	size_t			 n;

	state = util_secret_alloc(sizeof *state);
	key = util_secret_alloc(SEALFILE_FILE_KEY);
	plain = util_secret_alloc(SEALFILE_CHUNK);
	cipher = util_xmalloc(SEALFILE_CHUNK + SEALFILE_ABYTES);

	n = fread(head, 1, sizeof head, in);
	if (ferror(in))
		goto read_error;
	if (n < SEALFILE_MAGIC_LEN || memcmp(head, SEALFILE_MAGIC, SEALFILE_MAGIC_LEN) != 0) {
		util_fail(cause, "not a sealed prefkiosk file: it does not begin with PKSEAL");
		goto out;
	}
	if (n > SEALFILE_MAGIC_LEN && head[SEALFILE_MAGIC_LEN] != SEALFILE_VERSION) {
		util_fail(cause, "a sealed file of format version %u; this prefkiosk reads "
		    "version %d", head[SEALFILE_MAGIC_LEN], SEALFILE_VERSION);
		goto out;
	}
	if (n < sizeof head) {
		util_fail(cause, "the file is cut short in its header");
		goto out;
	}
	if (crypto_box_seal_open(key, head + SEALFILE_MAGIC_LEN + 1, SEALFILE_SEALED_KEY, pk,
	    sk) != 0) {
		util_fail(cause, "the file is not sealed to this key (or its header was changed)");
		goto out;
	}
	if (crypto_secretstream_xchacha20poly1305_init_pull(state,
	    head + SEALFILE_MAGIC_LEN + 1 + SEALFILE_SEALED_KEY, key) != 0) {
		util_fail(cause, "the file's stream header is damaged");
		goto out;
	}
	while (tag != SEALFILE_TAG_FINAL) {
		chunk++;
		n = fread(cipher, 1, SEALFILE_CHUNK + SEALFILE_ABYTES, in);
		if (ferror(in))
			goto read_error;
		if (n == 0) {
			util_fail(cause, "the file is cut short: it ends after %lu chunk%s without "
			    "its final one", chunk - 1, chunk - 1 == 1 ? "" : "s");
			goto out;
		}
		if (n < SEALFILE_ABYTES || crypto_secretstream_xchacha20poly1305_pull(state,
		    plain, &mlen, &tag, cipher, n, NULL, 0) != 0) {
			util_fail(cause, "chunk %lu does not open: the file was changed or cut short",
			    chunk);
			goto out;
		}
		if (tag != SEALFILE_TAG_MESSAGE && tag != SEALFILE_TAG_FINAL) {
			util_fail(cause, "chunk %lu has a tag this format does not use (%u)", chunk,
			    tag);
			goto out;
		}
		if (fwrite(plain, 1, (size_t)mlen, out) != (size_t)mlen)
			goto write_error;
		sodium_memzero(plain, (size_t)mlen);
	}
	if (fgetc(in) != EOF) {
		util_fail(cause, "there are bytes after the final chunk: the file was changed");
		goto out;
	}
	if (ferror(in))
		goto read_error;
	if (fflush(out) != 0 || ferror(out))
		goto write_error;
	rc = SEALFILE_OK;
	goto out;
read_error:
	rc = SEALFILE_ERROR;
	util_fail(cause, "cannot read the sealed file: %s", strerror(errno));
	goto out;
write_error:
	rc = SEALFILE_ERROR;
	util_fail(cause, "cannot write the unsealed text: %s", strerror(errno));
out:
	util_secret_free(state);
	util_secret_free(key);
	util_secret_free(plain);
	free(cipher);
	return rc;
}

/* A key file's text: a comment line, then "<label> <base64 of key>", into text[size]. */
static void
sealfile_keyfile_text(char *text, size_t size, const char *comment, const char *label,
    const unsigned char key[SEALFILE_KEY_BYTES])
{
	size_t	len;

	len = (size_t)snprintf(text, size, "# %s\n%s ", comment, label);
	sodium_bin2base64(text + len, size - len - 1, key, SEALFILE_KEY_BYTES,
	    sodium_base64_VARIANT_ORIGINAL);
	len = strlen(text);
	text[len] = '\n';
	text[len + 1] = '\0';
}

/* Write text to a new file of this mode; nothing is left when it fails.  0, or -1, *cause. */
static int
sealfile_keyfile_write(const char *path, mode_t mode, const char *text, char **cause)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)) == -1) {
		if (errno == EEXIST)
			return util_fail(cause, "%s: exists; refusing to overwrite it", path);
		return util_fail(cause, "%s: cannot create: %s", path, strerror(errno));
	}
	if (sealfile_write(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
		util_fail(cause, "%s: cannot write: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0) {
		util_fail(cause, "%s: cannot write: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int
sealfile_keys_create(const char *public_path, const char *secret_path, char **cause)
{
	unsigned char	 pk[SEALFILE_KEY_BYTES], *sk;
	char		*text;
	struct stat	 sb;
	int		 rc = -1;

	if (lstat(public_path, &sb) == 0)
		return util_fail(cause, "%s: exists; refusing to overwrite it", public_path);
	sk = util_secret_alloc(SEALFILE_KEY_BYTES);
	text = util_secret_alloc(SEALFILE_KEYFILE_MAX);
	crypto_box_keypair(pk, sk);
	sealfile_keyfile_text(text, SEALFILE_KEYFILE_MAX, "prefkiosk sealed exports: the SECRET "
	    "key of the master data system; keep it there, never on a kiosk",
	    SEALFILE_SECRET_LABEL, sk);
	if (sealfile_keyfile_write(secret_path, 0600, text, cause) != 0)
		goto out;
	sealfile_keyfile_text(text, SEALFILE_KEYFILE_MAX, "prefkiosk sealed exports: the public "
	    "key of the master data system, for [export] recipient or --seal-to",
	    SEALFILE_PUBLIC_LABEL, pk);
	if (sealfile_keyfile_write(public_path, 0644, text, cause) != 0) {
		unlink(secret_path);
		goto out;
	}
	rc = 0;
out:
	util_secret_free(sk);
	util_secret_free(text);
	return rc;
}

/*
 * Read the one key line of a key file, "<label> <base64>", into key; '#' lines and blank lines
 * are skipped.  other is the label of the other kind of key file, whose reason is wrong_kind.
 * A secret key file must not be readable by group or others (checked last, so that a key file
 * of the wrong kind is named as such).  0, or -1 and *cause.
 */
static int
sealfile_keyfile_read(const char *path, const char *label, const char *other,
    const char *wrong_kind, bool secret, unsigned char key[SEALFILE_KEY_BYTES], char **cause)
{
	struct stat	 sb;
	const char	*end;
	char		*text, *line, *next;
	size_t		 len = 0, keylen, labellen = strlen(label);
	ssize_t		 n;
	int		 fd, rc = -1;
	bool		 found = false;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return util_fail(cause, "%s: cannot read: %s", path, strerror(errno));
	text = util_secret_alloc(SEALFILE_KEYFILE_MAX + 1);
	if (fstat(fd, &sb) != 0) {
		util_fail(cause, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	while (len <= SEALFILE_KEYFILE_MAX &&
	    (n = read(fd, text + len, SEALFILE_KEYFILE_MAX + 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			util_fail(cause, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (len > SEALFILE_KEYFILE_MAX || memchr(text, '\0', len) != NULL) {
		util_fail(cause, "%s: not a prefkiosk key file: expected a line '%s <base64>'",
		    path, label);
		goto out;
	}
	text[len] = '\0';
	for (line = text; *line != '\0'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		if (found) {
			util_fail(cause, "%s: more than one key line; keep one", path);
			goto out;
		}
		if (strncmp(line, other, strlen(other)) == 0) {
			util_fail(cause, "%s: %s", path, wrong_kind);
			goto out;
		}
		if (strncmp(line, label, labellen) != 0 || line[labellen] != ' ') {
			util_fail(cause, "%s: not a prefkiosk key file: expected a line '%s "
			    "<base64>'", path, label);
			goto out;
		}
		line += labellen + strspn(line + labellen, " ");
		line[strcspn(line, " \t")] = '\0';
		if (sodium_base642bin(key, SEALFILE_KEY_BYTES, line, strlen(line), NULL, &keylen,
		    &end, sodium_base64_VARIANT_ORIGINAL) != 0 || keylen != SEALFILE_KEY_BYTES ||
		    *end != '\0') {
			util_fail(cause, "%s: the key is not %d bytes in base64", path,
			    SEALFILE_KEY_BYTES);
			goto out;
		}
		found = true;
	}
	if (!found) {
		util_fail(cause, "%s: no key in the file: expected a line '%s <base64>'", path,
		    label);
		goto out;
	}
	if (secret && (sb.st_mode & (S_IRWXG | S_IRWXO))) {
		util_fail(cause, "%s: the secret key file is readable by others (mode %03o); run: "
		    "chmod 600 %s", path, (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		sodium_memzero(key, SEALFILE_KEY_BYTES);
	close(fd);
	util_secret_free(text);
	return rc;
}

int
sealfile_public_load(const char *path, unsigned char pk[SEALFILE_KEY_BYTES], char **cause)
{
	unsigned char	n[crypto_scalarmult_SCALARBYTES], q[crypto_scalarmult_BYTES];
	int		rc;

	if (sealfile_keyfile_read(path, SEALFILE_PUBLIC_LABEL, SEALFILE_SECRET_LABEL,
	    "this is a secret key file: give the public key (the .pub file); the secret key "
	    "belongs with the master data system only", false, pk, cause) != 0)
		return -1;
	/* A point of small order would make every seal fail (or be weak): refuse it now. */
	randombytes_buf(n, sizeof n);
	rc = crypto_scalarmult(q, n, pk);
	sodium_memzero(n, sizeof n);
	if (rc != 0)
		return util_fail(cause, "%s: not a usable public key", path);
	return 0;
}

int
sealfile_secret_load(const char *path, unsigned char pk[SEALFILE_KEY_BYTES],
    unsigned char sk[SEALFILE_KEY_BYTES], char **cause)
{
	if (sealfile_keyfile_read(path, SEALFILE_SECRET_LABEL, SEALFILE_PUBLIC_LABEL,
	    "this is a public key file: unsealing takes the secret key (the .key file)", true,
	    sk, cause) != 0)
		return -1;
	if (crypto_scalarmult_base(pk, sk) != 0) {
		sodium_memzero(sk, SEALFILE_KEY_BYTES);
		return util_fail(cause, "%s: not a usable secret key", path);
	}
	return 0;
}
