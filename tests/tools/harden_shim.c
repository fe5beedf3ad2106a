/*
 * harden_shim — a library preloaded into prefkiosk (LD_PRELOAD) that makes one of the
 * process's protections fail, so that tests/cli/harden.sh can see the program refuse to run
 * without it rather than carry on unprotected:
 *
 *   HARDEN_SHIM=refuse    setrlimit(RLIMIT_CORE, ...) fails with EPERM
 *   HARDEN_SHIM=ignore    setrlimit(RLIMIT_CORE, ...) reports success and changes nothing
 *   HARDEN_SHIM=dumpable  prctl(PR_SET_DUMPABLE, ...) reports success and changes nothing
 *
 * Anything else, and every other call, goes to the C library untouched.  With
 * _FILE_OFFSET_BITS=64 the program calls setrlimit64, so both names are caught.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int	setrlimit(__rlimit_resource_t, const struct rlimit *);
int	setrlimit64(__rlimit_resource_t, const struct rlimit64 *);
int	prctl(int, ...);

/* Is the shim asked to break this? */
static int
harden_shim_mode(const char *mode)
{
	const char	*want = getenv("HARDEN_SHIM");

	return want != NULL && strcmp(want, mode) == 0;
}

/* What to do with a core limit: 1 pass it on, 0 pretend, -1 refuse. */
static int
harden_shim_core(__rlimit_resource_t resource)
{
	if (resource != RLIMIT_CORE)
		return 1;
	if (harden_shim_mode("refuse")) {
		errno = EPERM;
		return -1;
	}
	return harden_shim_mode("ignore") ? 0 : 1;
}

int
setrlimit(__rlimit_resource_t resource, const struct rlimit *rl)
{
	int	(*real)(__rlimit_resource_t, const struct rlimit *);
	int	 what = harden_shim_core(resource);

	if (what <= 0)
		return what;
	*(void **)&real = dlsym(RTLD_NEXT, "setrlimit");
	return real(resource, rl);
}

int
setrlimit64(__rlimit_resource_t resource, const struct rlimit64 *rl)
{
	int	(*real)(__rlimit_resource_t, const struct rlimit64 *);
	int	 what = harden_shim_core(resource);

	if (what <= 0)
		return what;
	*(void **)&real = dlsym(RTLD_NEXT, "setrlimit64");
	return real(resource, rl);
}

int
prctl(int option, ...)
{
	int		(*real)(int, ...);
	unsigned long	 a[4];
	va_list		 ap;
	int		 i;

	va_start(ap, option);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (option == PR_SET_DUMPABLE && harden_shim_mode("dumpable"))
		return 0;
	*(void **)&real = dlsym(RTLD_NEXT, "prctl");
	return real(option, a[0], a[1], a[2], a[3]);
}
