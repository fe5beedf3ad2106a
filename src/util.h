/*
 * util — the small things every module needs: reasons for failure, allocation that aborts on
 * out-of-memory (a bug-class failure, style rule 9), and days on the calendar.
 */
#ifndef PREFKIOSK_UTIL_H
#define PREFKIOSK_UTIL_H

#include <stddef.h>
#include <time.h>

/*
 * Set *cause (if cause is not NULL) to a formatted, malloc'd reason; always returns -1.  A
 * reason is one line of printable text: control characters in what it quotes are made '?'.
 */
int	 util_fail(char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Make every control character in s (C0, DEL, and C1 written in UTF-8) a '?', in place, so
 * that quoted text can neither break a line of output nor send a terminal a command. */
void	 util_printable(char *s);

void	*util_xmalloc(size_t);
void	*util_xcalloc(size_t, size_t);
void	*util_xrealloc(void *, size_t, size_t);
char	*util_xstrdup(const char *);
char	*util_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Hand one problem, formatted, to a verify report callback; returns 1 (one problem). */
int	 util_report(void (*report)(const char *, void *), void *arg, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Copy src into dst of size bytes (size > 0), cut to fit and always terminated: the cheap
 * snprintf("%s") for hot paths.  NULL src copies "". */
void	 util_copy(char *dst, size_t size, const char *src);

/*
 * Memory for short-lived secrets (a member's data key, a profile): zeroed when allocated, wiped
 * with explicit_bzero when freed.  Cheaper than sodium_malloc, whose guard pages cost several
 * system calls per allocation; the long-lived keys stay in sodium_malloc memory (vault.c).
 * Aborts when out of memory; util_secret_free(NULL) is a no-op.
 */
void	*util_secret_alloc(size_t);
void	 util_secret_free(void *);

/* "YYYY-MM-DD" (UTC) for a time, into out[11]. */
void	 util_day(time_t, char out[11]);
/* "YYYY-MM-DDThh:mm:ssZ" for a time, into out[21]. */
void	 util_iso8601(time_t, char out[21]);

#define UTIL_DAY	((time_t)86400)

#endif
