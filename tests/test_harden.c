/*
 * test_harden — the process's protections: no core dump, not dumpable, jansson's memory wiped
 * before it is freed.  Each test runs in its own process (Criterion forks), so hardening one
 * leaves the others as they were.
 */
#include <criterion/criterion.h>

#include <sys/prctl.h>
#include <sys/resource.h>

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harden.h"

Test(harden, core_dumps_are_off_soft_and_hard)
{
	struct rlimit	rl = { RLIM_INFINITY, RLIM_INFINITY };
	char		*cause = NULL;

	/* Lowering a limit is always allowed: start from whatever the test runner had. */
	cr_assert_eq(harden_process(&cause), 0, "%s", cause);
	cr_assert_eq(getrlimit(RLIMIT_CORE, &rl), 0);
	cr_assert_eq(rl.rlim_cur, 0);
	cr_assert_eq(rl.rlim_max, 0);
}

Test(harden, the_process_is_not_dumpable)
{
	char	*cause = NULL;

	cr_assert_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1, "a test process starts dumpable");
	cr_assert_eq(harden_process(&cause), 0, "%s", cause);
	cr_assert_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

Test(harden, jansson_frees_through_a_wiping_free)
{
	json_malloc_t	 m;
	json_free_t	 before, after;
	json_t		*doc;
	char		*cause = NULL;

	json_get_alloc_funcs(&m, &before);
	cr_assert_eq(harden_process(&cause), 0, "%s", cause);
	json_get_alloc_funcs(&m, &after);
	cr_assert(before == free, "jansson starts with the C library's free");
	cr_assert(after != free, "harden_process gives jansson its own free");
	/* Documents still parse, build and free with it. */
	doc = json_loads("{\"email\":\"ada@example.org\"}", 0, NULL);
	cr_assert_not_null(doc);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "email")), "ada@example.org");
	json_decref(doc);
}

Test(harden, wipe_zeroes_the_whole_usable_block)
{
	unsigned char	*p = malloc(21);
	size_t		 n, i;

	cr_assert_not_null(p);
	n = malloc_usable_size(p);
	cr_assert_geq(n, 21);
	memset(p, 0xa5, n);
	harden_wipe(p);
	for (i = 0; i < n; i++)
		cr_assert_eq(p[i], 0, "byte %zu of %zu is left", i, n);
	free(p);
	harden_wipe(NULL);	/* a no-op */
}
