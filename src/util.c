/*
 * util — failure reasons, aborting allocation, dates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Reasons quote what they refuse (a key of a JSON document, a value of an INI file), and end
 * up on a terminal or in a log, one line each: whatever was quoted must stay text. */
int
util_fail(char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause == NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		abort();
	va_end(ap);
	util_printable(*cause);
	return -1;
}

void
util_printable(char *s)
{
	unsigned char	*p = (unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p[0] = p[1] = '?';	/* U+0080..U+009F */
	}
}

void *
util_xmalloc(size_t n)
{
	void	*p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		abort();
	return p;
}

void *
util_xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		abort();
	return p;
}

void *
util_xrealloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > (size_t)-1 / size)
		abort();
	if ((p = realloc(p, n * size == 0 ? 1 : n * size)) == NULL)
		abort();
	return p;
}

char *
util_xstrdup(const char *s)
{
	char	*p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

char *
util_xprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) == -1)
		abort();
	va_end(ap);
	return p;
}

int
util_report(void (*report)(const char *, void *), void *arg, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	va_end(ap);
	report(msg, arg);
	free(msg);
	return 1;
}

/* The size lives in a header in front of the secret, so that free can wipe it all. */
#define UTIL_SECRET_HEADER	16

void *
util_secret_alloc(size_t n)
{
	unsigned char	*p = util_xcalloc(1, UTIL_SECRET_HEADER + n);

	memcpy(p, &n, sizeof n);
	return p + UTIL_SECRET_HEADER;
}

void
util_secret_free(void *secret)
{
	unsigned char	*p;
	size_t		 n;

	if (secret == NULL)
		return;
	p = (unsigned char *)secret - UTIL_SECRET_HEADER;
	memcpy(&n, p, sizeof n);
	explicit_bzero(secret, n);
	free(p);
}

void
util_day(time_t t, char out[11])
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
util_iso8601(time_t t, char out[21])
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
util_copy(char *dst, size_t size, const char *src)
{
	size_t	n = src != NULL ? strnlen(src, size - 1) : 0;

	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}
