/*
 * sealfile — a file that only its recipient can read, for member data that leaves the kiosk
 * (an export for the company's customer master data system, on a share or a USB stick).
 *
 * A random file key is sealed to the recipient's X25519 public key (crypto_box_seal); the
 * content is encrypted under that key with crypto_secretstream_xchacha20poly1305 in chunks of
 * SEALFILE_CHUNK bytes, the last one tagged FINAL, so a changed, dropped, reordered or cut-off
 * chunk does not open.  The writer holds only the public key: a kiosk can seal a file and can
 * never read one back.  Plaintext lives only in this module's buffers, wiped after use.
 *
 * The format, version 1 (lengths in bytes):
 *
 *   8       "PKSEAL", a 0 byte, the version (1)
 *   80      crypto_box_seal of the 32-byte file key to the recipient's public key
 *   24      the crypto_secretstream_xchacha20poly1305 header (push with the file key)
 *   n x     chunks: SEALFILE_CHUNK bytes of plaintext + 17 (the stream's ABYTES), tag MESSAGE,
 *   1       then one last chunk of 0 to SEALFILE_CHUNK bytes + 17, tag FINAL, and nothing after
 *
 * No additional data.  Key files are text: '#' comment lines, then one line
 * "PKSEAL-PUBLIC-KEY <base64>" or "PKSEAL-SECRET-KEY <base64>" (32 bytes, the original
 * base64 alphabet with padding).  A secret key file must be mode 0600; its public key is
 * derived from it.
 *
 * A sealed file says nothing about who wrote it: anyone with the public key can make one.
 */
#ifndef PREFKIOSK_SEALFILE_H
#define PREFKIOSK_SEALFILE_H

#include <stdio.h>

#define SEALFILE_KEY_BYTES	32	/* crypto_box_PUBLICKEYBYTES, crypto_box_SECRETKEYBYTES */
#define SEALFILE_CHUNK		65536	/* plaintext bytes in every chunk but the last */

struct sealfile;

enum sealfile_result {
	SEALFILE_OK = 0,
	SEALFILE_ERROR = -1,	/* cannot read or write */
	SEALFILE_REFUSED = -2,	/* not sealed to this key, not a sealed file, changed or cut short */
};

/*
 * Start a sealed file at path for the holder of pk's secret key.  The content goes to
 * "<path>.tmp", made anew with mode 0600, until sealfile_commit renames it.  Refuses when
 * path or the temp file exists.  NULL and *cause (caller frees) on failure, leaving nothing.
 */
struct sealfile	*sealfile_create(const char *path, const unsigned char pk[SEALFILE_KEY_BYTES],
		    char **cause);

/* Where to write the plaintext (borrowed, closed by sealfile_commit or sealfile_free). */
FILE		*sealfile_stream(struct sealfile *);

/*
 * Seal the last chunk, sync the file, rename it to its path and sync the directory.  0, or -1
 * and *cause with the temp file removed.  Call sealfile_free after it either way.
 */
int		 sealfile_commit(struct sealfile *, char **cause);

/* Free a sealfile; one not committed is removed with everything written to it.  NULL is fine. */
void		 sealfile_free(struct sealfile *);

/*
 * Read a sealed file from in and write its plaintext to out, with the recipient's key pair.
 * SEALFILE_OK; SEALFILE_REFUSED with a one-line *cause for a file that is not sealed to this
 * key, not a sealed file, or changed or cut short; SEALFILE_ERROR with *cause when in or out
 * fails.  Each chunk is written as soon as it opens: after a refusal, what was written is
 * genuine but incomplete, and must be thrown away.
 */
enum sealfile_result sealfile_unseal(FILE *out, FILE *in,
		    const unsigned char pk[SEALFILE_KEY_BYTES],
		    const unsigned char sk[SEALFILE_KEY_BYTES], char **cause);

/* A new key pair: the secret key file (mode 0600) and the public key file (0644).  Refuses to
 * overwrite either; on failure neither is left.  0, or -1 and *cause. */
int		 sealfile_keys_create(const char *public_path, const char *secret_path,
		    char **cause);

/* Read a public key file into pk: 0, or -1 and *cause naming the file and what to fix. */
int		 sealfile_public_load(const char *path, unsigned char pk[SEALFILE_KEY_BYTES],
		    char **cause);

/* Read a secret key file (mode 0600) into sk and derive its public key into pk; the caller
 * keeps sk in memory it wipes.  0, or -1 and *cause. */
int		 sealfile_secret_load(const char *path, unsigned char pk[SEALFILE_KEY_BYTES],
		    unsigned char sk[SEALFILE_KEY_BYTES], char **cause);

#endif
