/*
 * canary — a program that does one thing wrong on purpose, so that `make check` can prove its
 * tools see it on this machine before it trusts their silence about prefkiosk: tests/check runs
 * it under the sanitizers and under valgrind, and fails unless each wrong is reported and a run
 * that does nothing wrong is not.  (LeakSanitizer, for one, cannot work where ptrace is
 * forbidden; a report path that is not written to would make every suite look clean.)
 *
 *   canary none | leak | overflow | ub | uninit
 *
 * The wrongs go through volatile, so that no optimiser can prove them away.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *volatile canary_sink;

int
main(int argc, char **argv)
{
	volatile int	 n = argc;
	volatile char	*p;
	int		 big = INT_MAX - 2;

	if (argc != 2) {
		fprintf(stderr, "usage: canary none|leak|overflow|ub|uninit\n");
		return 2;
	}
	p = malloc(16);
	if (p == NULL)
		return 1;
	if (strcmp(argv[1], "leak") == 0) {
		canary_sink = (char *)p;
		canary_sink = NULL;		/* the only pointers to it, lost */
		p = NULL;
	} else if (strcmp(argv[1], "overflow") == 0)
		p[14 + n] = 1;			/* one past the end */
	else if (strcmp(argv[1], "ub") == 0)
		printf("%d\n", big + n + 1);	/* INT_MAX + 1: signed overflow */
	else if (strcmp(argv[1], "uninit") == 0) {
		if (p[n] == 'x')		/* never written */
			puts("x");
	} else if (strcmp(argv[1], "none") != 0) {
		fprintf(stderr, "canary: %s: not a wrong this program knows\n", argv[1]);
		free((char *)p);
		return 2;
	}
	free((char *)p);
	return 0;
}
