/*
 * fuzz — the scratch directory, the shops opened once, and the input reader of the targets.
 *
 * The checkout's path is compiled in (FUZZ_SOURCE_DIR), so a target finds config/ and assets/
 * from wherever libFuzzer runs it.  Nothing here is fuzzed: a failure to set up aborts.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "sealfile.h"
#include "shop.h"
#include "util.h"
#include "vault.h"

#ifndef FUZZ_SOURCE_DIR
#error "FUZZ_SOURCE_DIR must name the checkout"
#endif

static char		*fuzz_dir;		/* the scratch directory, once made */
static struct shop	*fuzz_catalog_shop;
static struct shop	*fuzz_store_shop;

void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s:%d: invariant broken: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void
fuzz_check_reason(const char *cause)
{
	const unsigned char	*p;

	FUZZ_CHECK(cause != NULL, "refused without a reason");
	for (p = (const unsigned char *)cause; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f && !(*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f),
		    "a control character (%#x) in the reason: %s", *p, cause);
}

/* Set-up that cannot go on. */
static void __attribute__((noreturn))
fuzz_die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, why != NULL ? why : strerror(errno));
	exit(1);
}

/* nftw's callback: remove what it is given (children first with FTW_DEPTH). */
static int
fuzz_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
fuzz_cleanup(void)
{
	if (fuzz_dir != NULL)
		nftw(fuzz_dir, fuzz_remove, 16, FTW_DEPTH | FTW_PHYS);
}

/* A file of the checkout into the scratch directory. */
static void
fuzz_copy(const char *from, const char *to)
{
	char	*src = util_xprintf("%s/%s", FUZZ_SOURCE_DIR, from), *dst = fuzz_path(to);
	char	 buf[65536];
	FILE	*in, *out;
	size_t	 n;

	if ((in = fopen(src, "rb")) == NULL)
		fuzz_die(src, NULL);
	if ((out = fopen(dst, "wb")) == NULL)
		fuzz_die(dst, NULL);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			fuzz_die(dst, NULL);
	if (ferror(in) || fclose(out) != 0)
		fuzz_die(dst, NULL);
	fclose(in);
	free(src);
	free(dst);
}

const char *
fuzz_scratch(void)
{
	const char	*tmp = getenv("TMPDIR");
	char		*cause = NULL, *p, *assets;

	if (fuzz_dir != NULL)
		return fuzz_dir;
	if (vault_init() != 0)
		fuzz_die("libsodium", "cannot start");
	fuzz_dir = util_xprintf("%s/prefkiosk-fuzz-XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL)
		fuzz_die(fuzz_dir, NULL);
	atexit(fuzz_cleanup);

	p = fuzz_path("config");
	if (mkdir(p, 0700) != 0)
		fuzz_die(p, NULL);
	free(p);
	p = fuzz_path("var");
	if (mkdir(p, 0700) != 0)
		fuzz_die(p, NULL);
	free(p);
	fuzz_copy("config/prefkiosk.ini", "config/prefkiosk.ini");
	fuzz_copy("config/catalog.ini", "config/catalog.ini");
	p = fuzz_path("assets");
	assets = util_xprintf("%s/assets", FUZZ_SOURCE_DIR);
	if (symlink(assets, p) != 0)
		fuzz_die(p, NULL);
	free(assets);
	free(p);
	{
		char *pub = fuzz_path("var/export-recipient.pub");
		char *key = fuzz_path("var/export-recipient.key");
		if (sealfile_keys_create(pub, key, &cause) != 0)
			fuzz_die("export key pair", cause);
		free(pub);
		free(key);
	}
	return fuzz_dir;
}

char *
fuzz_path(const char *name)
{
	return util_xprintf("%s/%s", fuzz_scratch(), name);
}

/*
 * Written over the old bytes and then cut to length, not truncated first: ext4 starts writing
 * back a file truncated to nothing and written again as soon as it is closed, which made a
 * target wait on the disk at every input.
 */
void
fuzz_write(const char *path, const void *data, size_t size)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd == -1 || (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size) ||
	    ftruncate(fd, (off_t)size) != 0 || close(fd) != 0)
		fuzz_die(path, NULL);
}

char *
fuzz_string(const uint8_t *data, size_t size)
{
	char	*s = util_xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

struct shop *
fuzz_shop_catalog(void)
{
	struct shop_paths	 paths = { .db = NULL };
	char			*cause = NULL, *config;
	int			 code;

	if (fuzz_catalog_shop != NULL)
		return fuzz_catalog_shop;
	config = fuzz_path("config");
	paths.config = config;
	if ((fuzz_catalog_shop = shop_open_catalog(&paths, &code, &cause)) == NULL)
		fuzz_die("the shipped config and catalogue", cause);
	free(config);
	return fuzz_catalog_shop;
}

struct shop *
fuzz_shop_store(void)
{
	struct shop_paths	 paths = { .db = NULL };
	char			*cause = NULL, *config, *db, *key;
	int			 code;

	if (fuzz_store_shop != NULL)
		return fuzz_store_shop;
	paths.config = config = fuzz_path("config");
	paths.db = db = fuzz_path("store.db");
	paths.key_file = key = fuzz_path("store.key");
	if (shop_create(&paths, false, &cause) != 0 ||
	    (fuzz_store_shop = shop_open(&paths, &code, &cause)) == NULL)
		fuzz_die("a store", cause);
	free(config);
	free(db);
	free(key);
	return fuzz_store_shop;
}

unsigned
fuzz_byte(struct fuzz_input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

void
fuzz_text(struct fuzz_input *in, char *out, size_t max)
{
	size_t	len = fuzz_byte(in), i;

	if (len > max)
		len = max;
	for (i = 0; i < len && in->n > 0; i++)
		out[i] = (char)fuzz_byte(in);
	out[i] = '\0';
}
