/*
 * fuzz — what the libFuzzer targets in tests/fuzz/ share: a scratch directory per process laid
 * out like a checkout (config/, assets/, var/), the shipped config and catalogue opened once, a
 * store made once, a reader over the fuzz input, and the way an invariant fails.
 *
 * A target is one fuzz_<name>.c with LLVMFuzzerTestOneInput; it drives the real code of src/
 * and checks what its module promises, beyond "does not crash".  Everything a target opens
 * once lives until the process ends; the scratch directory is removed at exit.
 */
#ifndef PREFKIOSK_FUZZ_H
#define PREFKIOSK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct shop;

/* The libFuzzer entry point each target defines. */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broken: say which and where, then abort, so that libFuzzer keeps the input. */
#define FUZZ_CHECK(cond, ...) do {						\
	if (!(cond))								\
		fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);		\
} while (0)

void	fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 4, 5)));

/* A reason for refusing input: there, and one line of printable text (util_fail's promise). */
void	fuzz_check_reason(const char *cause);

/*
 * This process's scratch directory under $TMPDIR (or /tmp), made on first use: config/ holds
 * copies of the checkout's prefkiosk.ini and catalog.ini, assets is a link to the checkout's
 * assets/, and var/export-recipient.pub a public key made for it, so the shipped config loads
 * there as it is.  Removed at exit.
 */
const char	*fuzz_scratch(void);

/* A path in the scratch directory (caller frees). */
char	*fuzz_path(const char *name);

/* Write size bytes to path, replacing it; aborts on failure. */
void	 fuzz_write(const char *path, const void *data, size_t size);

/* The input as a C string (caller frees): what a file, a line or a scan hands over. */
char	*fuzz_string(const uint8_t *data, size_t size);

/* The shipped config and catalogue from the scratch directory, opened once; no store. */
struct shop	*fuzz_shop_catalog(void);

/* A store and key file in the scratch directory with the shipped config, made once. */
struct shop	*fuzz_shop_store(void);

/* The input read front to back; past its end every byte is 0. */
struct fuzz_input {
	const uint8_t	*p;
	size_t		 n;
};

unsigned	 fuzz_byte(struct fuzz_input *);
/* Up to max bytes as a C string into out[max + 1]: a length byte, then the bytes. */
void		 fuzz_text(struct fuzz_input *, char *out, size_t max);

#endif
