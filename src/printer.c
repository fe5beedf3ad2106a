/*
 * printer — the three transports, each a function in printer_transports, over one loop that
 * writes everything despite signals, partial writes and a slow device.
 *
 * The command transport ignores SIGPIPE only while it writes to the command, and restores
 * what was there before: a command that exits without reading everything must give us EPIPE
 * and a reason, not kill the kiosk.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "printer.h"
#include "util.h"

/* What a device's errno means for the person at the kiosk: "printer <path> <why>". */
static const struct printer_device_error {
	int		 err;
	const char	*why;
} printer_device_errors[] = {
	{ ENOENT,	"not found: is it connected and switched on?" },
	{ EACCES,	"cannot be opened: no permission (add this user to the device's group, "
			"often lp)" },
	{ EPERM,	"cannot be opened: no permission (add this user to the device's group, "
			"often lp)" },
	{ EIO,		"is offline: is it switched on, with paper and its cover closed?" },
	{ ENODEV,	"is offline: is it switched on, with paper and its cover closed?" },
	{ ENXIO,	"is offline: is it switched on, with paper and its cover closed?" },
	{ EBUSY,	"is busy: is another program printing on it?" },
	/* printer_write's "waited too long"; the text must agree with PRINTER_TIMEOUT_SECONDS. */
	{ ETIMEDOUT,	"did not accept the receipt within 5 seconds (offline?)" },
};
#define PRINTER_NDEVICE_ERRORS	(sizeof printer_device_errors / sizeof printer_device_errors[0])

/*
 * Write all len bytes to fd: again after EINTR, on after a partial write, and when fd is not
 * ready, wait up to timeout_ms (-1: as long as it takes) for it.  0, or -1 with errno set
 * (ETIMEDOUT when fd accepted nothing for timeout_ms).
 */
static int
printer_write(int fd, const unsigned char *data, size_t len, int timeout_ms)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLOUT };
	ssize_t		n;
	int		ready;

	while (len > 0) {
		n = write(fd, data, len);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = EIO;	/* a device that takes nothing and says nothing */
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		ready = poll(&pfd, 1, timeout_ms);
		if (ready == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (ready == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}

/* Say what a device's errno means for whoever stands at the kiosk. */
static int
printer_device_fail(const char *path, int err, char **cause)
{
	size_t	i;

	for (i = 0; i < PRINTER_NDEVICE_ERRORS; i++) {
		if (printer_device_errors[i].err == err)
			return util_fail(cause, "printer %s %s", path, printer_device_errors[i].why);
	}
	return util_fail(cause, "cannot print on %s: %s", path, strerror(err));
}

/*
 * A device: O_NONBLOCK so that an offline printer cannot block a write for ever (printer_write
 * polls with a deadline instead); O_NOCTTY so that a serial port does not become our
 * controlling terminal; no O_CREAT, so that a missing device is not replaced by a file.
 */
static int
printer_device(const char *path, const unsigned char *data, size_t len, char **cause)
{
	int	fd, err;

	if ((fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return printer_device_fail(path, errno, cause);
	if (printer_write(fd, data, len, PRINTER_TIMEOUT_SECONDS * 1000) == -1) {
		err = errno;
		close(fd);
		return printer_device_fail(path, err, cause);
	}
	if (close(fd) == -1)
		return printer_device_fail(path, errno, cause);
	return 0;
}

/* A file: the receipt is complete on disk when we return 0. */
static int
printer_file(const char *path, const unsigned char *data, size_t len, char **cause)
{
	int	fd, err;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return util_fail(cause, "cannot write the receipt to %s: %s", path, strerror(errno));
	/* fsync fails with EINVAL on what cannot be synced (/dev/stdout, a pipe): nothing to do. */
	if (printer_write(fd, data, len, -1) == -1 || (fsync(fd) == -1 && errno != EINVAL)) {
		err = errno;
		close(fd);
		return util_fail(cause, "cannot write the receipt to %s: %s", path, strerror(err));
	}
	if (close(fd) == -1)
		return util_fail(cause, "cannot write the receipt to %s: %s", path, strerror(errno));
	return 0;
}

/*
 * Start /bin/sh -c cmd with the read end of a pipe as its stdin and our stderr as its stdout,
 * and SIGPIPE at its default whatever our own disposition is (ignored signals survive exec).
 * The write end is close-on-exec, so that the command sees end-of-file when we close it.
 * The child's pid, or -1 with errno set.
 */
static pid_t
printer_spawn(const char *cmd, int stdin_fd)
{
	posix_spawn_file_actions_t	 actions;
	posix_spawnattr_t		 attr;
	sigset_t			 sigdefault;
	char				 sh[] = "sh", dash_c[] = "-c";
	char				*argv[] = { sh, dash_c, (char *)cmd, NULL };
	pid_t				 pid;
	int				 err;

	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	sigemptyset(&sigdefault);
	sigaddset(&sigdefault, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &sigdefault);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	err = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return pid;
}

/* Judge a finished command: its exit status first, then whether it read everything. */
static int
printer_command_result(const char *cmd, int status, int write_err, char **cause)
{
	if (WIFSIGNALED(status))
		return util_fail(cause, "printer command '%s' was killed by signal %d (%s)", cmd,
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (WEXITSTATUS(status) == 127)
		return util_fail(cause, "printer command '%s' failed (exit 127: command not found)",
		    cmd);
	if (WEXITSTATUS(status) != 0)
		return util_fail(cause, "printer command '%s' failed (exit %d)", cmd,
		    WEXITSTATUS(status));
	if (write_err == EPIPE)
		return util_fail(cause, "printer command '%s' stopped reading before the end of "
		    "the receipt", cmd);
	if (write_err != 0)
		return util_fail(cause, "cannot write to printer command '%s': %s", cmd,
		    strerror(write_err));
	return 0;
}

/* A command: write the receipt to its stdin, close it, wait for it to finish. */
static int
printer_command(const char *cmd, const unsigned char *data, size_t len, char **cause)
{
	struct sigaction	ignore = { .sa_handler = SIG_IGN }, saved;
	int			fds[2], status, err, write_err = 0;
	pid_t			pid;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return util_fail(cause, "cannot start printer command '%s': %s", cmd,
		    strerror(errno));
	pid = printer_spawn(cmd, fds[0]);
	close(fds[0]);
	if (pid == -1) {
		err = errno;
		close(fds[1]);
		return util_fail(cause, "cannot start printer command '%s': %s", cmd,
		    strerror(err));
	}
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &saved);
	if (printer_write(fds[1], data, len, -1) == -1)
		write_err = errno;
	close(fds[1]);
	sigaction(SIGPIPE, &saved, NULL);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return util_fail(cause, "cannot wait for printer command '%s': %s", cmd,
			    strerror(errno));
	}
	return printer_command_result(cmd, status, write_err, cause);
}

/* The transports by the names the config uses. */
static const struct printer_transport {
	const char	*name;
	int		(*send)(const char *, const unsigned char *, size_t, char **);
} printer_transports[] = {
	{ "device",	printer_device },
	{ "file",	printer_file },
	{ "command",	printer_command },
};
#define PRINTER_NTRANSPORTS	(sizeof printer_transports / sizeof printer_transports[0])

/* Find the transport and let it send. */
int
printer_send(const char *transport, const char *target, const unsigned char *data, size_t len,
    char **cause)
{
	size_t	i;

	for (i = 0; i < PRINTER_NTRANSPORTS; i++) {
		if (strcmp(transport, printer_transports[i].name) == 0)
			return printer_transports[i].send(target, data, len, cause);
	}
	return util_fail(cause, "unknown printer transport '%s' (use device, file or command)",
	    transport);
}
