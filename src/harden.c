/*
 * harden — the process's own protections, set and checked at start-up (see harden.h).
 *
 * A limit is read back rather than trusted: setrlimit and prctl can be refused or, under a
 * sandbox or an interposed library, report success for nothing; getrlimit and PR_GET_DUMPABLE
 * say what holds.  The order matters little, but the rlimit comes first so that a process that
 * cannot be made undumpable still dumps nothing.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "harden.h"
#include "util.h"

void
harden_wipe(void *p)
{
	if (p != NULL)
		sodium_memzero(p, malloc_usable_size(p));
}

/* jansson's free: wiped, then freed. */
static void
harden_json_free(void *p)
{
	harden_wipe(p);
	free(p);
}

/* No core dumps, soft or hard limit, and proof that it holds. */
static int
harden_core(char **cause)
{
	struct rlimit	rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		return util_fail(cause, "cannot turn core dumps off (setrlimit: %s)",
		    strerror(errno));
	if (getrlimit(RLIMIT_CORE, &rl) == -1)
		return util_fail(cause, "cannot check that core dumps are off (getrlimit: %s)",
		    strerror(errno));
	if (rl.rlim_cur != 0 || rl.rlim_max != 0)
		return util_fail(cause, "core dumps are still allowed after turning them off; "
		    "refusing to run");
	return 0;
}

/* Not dumpable: no core, no ptrace and no /proc/PID/mem for other processes of this user. */
static int
harden_dumpable(char **cause)
{
	int	rc;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return util_fail(cause, "cannot make the process undumpable (prctl: %s)",
		    strerror(errno));
	if ((rc = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) != 0)
		return util_fail(cause, "the process is still dumpable (%d) after prctl; "
		    "refusing to run", rc);
	return 0;
}

int
harden_process(char **cause)
{
	if (harden_core(cause) != 0 || harden_dumpable(cause) != 0)
		return -1;
	json_set_alloc_funcs(malloc, harden_json_free);
	return 0;
}
