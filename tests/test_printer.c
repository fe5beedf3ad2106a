/*
 * test_printer — the three transports: bytes arrive exactly, and every way a printer, a disk
 * or a command can fail gives a reason (and never kills the kiosk with SIGPIPE).  A FIFO in
 * the scratch directory stands in for a printer device.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "printer.h"

#define TEST_PRINTER_MIB	(1024 * 1024)

static char	*dir;

static void
test_printer_init(void)
{
	dir = helpers_tmpdir();
}

static void
test_printer_fini(void)
{
	helpers_rmdir(dir);
	free(dir);
}

TestSuite(printer, .init = test_printer_init, .fini = test_printer_fini);

/* n bytes of every value, ESC and NUL included, in a fixed order; the caller frees. */
static unsigned char *
test_printer_bytes(size_t n)
{
	unsigned char	*p = malloc(n);
	size_t		 i;

	cr_assert_not_null(p);
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + i / 251);
	return p;
}

/* Does the file hold exactly these bytes? */
static void
test_printer_assert_file(const char *path, const unsigned char *data, size_t len)
{
	FILE		*f = fopen(path, "rb");
	unsigned char	*got = malloc(len + 1);

	cr_assert_not_null(f, "%s is missing", path);
	cr_assert_not_null(got);
	cr_assert_eq(fread(got, 1, len + 1, f), len, "%s has the wrong length", path);
	cr_assert_eq(memcmp(got, data, len), 0, "%s has the wrong bytes", path);
	fclose(f);
	free(got);
}

/* A shell command line for `cat > path`. */
static char *
test_printer_cat_to(const char *path)
{
	size_t	 len = strlen(path) + 16;
	char	*cmd = malloc(len);

	cr_assert_not_null(cmd);
	snprintf(cmd, len, "cat > '%s'", path);
	return cmd;
}

/* Capture what the test process writes on fd 1 and 2, where a command's output would land. */
static void
test_printer_redirect(void)
{
	cr_redirect_stdout();
	cr_redirect_stderr();
}

Test(printer, file_transport_writes_the_exact_bytes)
{
	unsigned char	*data = test_printer_bytes(70000);
	char		*path = helpers_path(dir, "receipt.bin"), *cause = NULL;
	struct stat	 st;
	mode_t		 old = umask(022);

	cr_assert_eq(printer_send("file", path, data, 70000, &cause), 0, "%s", cause);
	umask(old);
	test_printer_assert_file(path, data, 70000);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600, "mode %o", (unsigned)(st.st_mode & 0777));
	/* A second, shorter receipt replaces the first whole. */
	cr_assert_eq(printer_send("file", path, data + 5, 10, &cause), 0, "%s", cause);
	test_printer_assert_file(path, data + 5, 10);
	free(data);
	free(path);
}

Test(printer, file_transport_to_a_missing_directory_names_the_path)
{
	char	*path = helpers_path(dir, "gone/receipt.bin"), *cause = NULL;

	cr_assert_eq(printer_send("file", path, (const unsigned char *)"x", 1, &cause), -1);
	cr_assert_not_null(strstr(cause, path), "%s", cause);
	cr_assert_not_null(strstr(cause, "No such file or directory"), "%s", cause);
	free(cause);
	free(path);
}

Test(printer, device_transport_to_a_missing_path_says_not_found)
{
	char	*path = helpers_path(dir, "lp0"), *cause = NULL, *want;

	cr_assert_eq(printer_send("device", path, (const unsigned char *)"x", 1, &cause), -1);
	want = malloc(strlen(path) + 64);
	cr_assert_not_null(want);
	sprintf(want, "printer %s not found: is it connected and switched on?", path);
	cr_assert_str_eq(cause, want);
	cr_assert_eq(access(path, F_OK), -1, "the device transport created a file");
	free(want);
	free(cause);
	free(path);
}

Test(printer, device_transport_writes_the_exact_bytes)
{
	unsigned char	*data = test_printer_bytes(4000), got[4001];
	char		*path = helpers_path(dir, "lp0"), *cause = NULL;
	int		 fd;

	cr_assert_eq(mkfifo(path, 0600), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	cr_assert_neq(fd, -1);
	cr_assert_eq(printer_send("device", path, data, 4000, &cause), 0, "%s", cause);
	cr_assert_eq(read(fd, got, sizeof got), 4000);
	cr_assert_eq(memcmp(got, data, 4000), 0);
	close(fd);
	free(data);
	free(path);
}

Test(printer, device_transport_says_offline_when_nobody_listens)
{
	char	*path = helpers_path(dir, "lp0"), *cause = NULL;

	/* A FIFO without a reader refuses a non-blocking writer with ENXIO, as a gone device does. */
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(printer_send("device", path, (const unsigned char *)"x", 1, &cause), -1);
	cr_assert_not_null(strstr(cause, "is offline"), "%s", cause);
	cr_assert_not_null(strstr(cause, path), "%s", cause);
	free(cause);
	free(path);
}

Test(printer, device_transport_gives_up_on_a_printer_that_accepts_nothing)
{
	unsigned char	*data = test_printer_bytes(TEST_PRINTER_MIB);
	char		*path = helpers_path(dir, "lp0"), *cause = NULL;
	time_t		 start;
	int		 fd;

	cr_assert_eq(mkfifo(path, 0600), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK);	/* a reader that never reads */
	cr_assert_neq(fd, -1);
	start = time(NULL);
	cr_assert_eq(printer_send("device", path, data, TEST_PRINTER_MIB, &cause), -1);
	cr_assert_geq(time(NULL) - start, PRINTER_TIMEOUT_SECONDS - 1);
	cr_assert_leq(time(NULL) - start, PRINTER_TIMEOUT_SECONDS + 3);
	cr_assert_not_null(strstr(cause, "did not accept the receipt within 5 seconds (offline?)"),
	    "%s", cause);
	close(fd);
	free(cause);
	free(data);
	free(path);
}

Test(printer, device_transport_refuses_a_directory)
{
	char	*cause = NULL;

	cr_assert_eq(printer_send("device", dir, (const unsigned char *)"x", 1, &cause), -1);
	cr_assert_not_null(strstr(cause, dir), "%s", cause);
	cr_assert_not_null(strstr(cause, "Is a directory"), "%s", cause);
	free(cause);
}

Test(printer, command_transport_feeds_the_command_exactly)
{
	unsigned char	*data = test_printer_bytes(300000);
	char		*path = helpers_path(dir, "out.bin"), *cmd = test_printer_cat_to(path);
	char		*cause = NULL;

	cr_assert_eq(printer_send("command", cmd, data, 300000, &cause), 0, "%s", cause);
	test_printer_assert_file(path, data, 300000);
	free(cmd);
	free(data);
	free(path);
}

Test(printer, command_transport_reports_the_exit_status)
{
	char	*cause = NULL;

	cr_assert_eq(printer_send("command", "cat >/dev/null; exit 3",
	    (const unsigned char *)"SECRETCODE42", 12, &cause), -1);
	cr_assert_str_eq(cause, "printer command 'cat >/dev/null; exit 3' failed (exit 3)");
	free(cause);
	cr_assert_eq(printer_send("command", "exit 3", (const unsigned char *)"x", 1, &cause), -1);
	cr_assert_not_null(strstr(cause, "failed (exit 3)"), "%s", cause);
	free(cause);
}

Test(printer, command_transport_says_when_the_command_is_missing,
    .init = test_printer_redirect)
{
	char	*cause = NULL;

	cr_assert_eq(printer_send("command", "prefkiosk-no-such-printer-command",
	    (const unsigned char *)"x", 1, &cause), -1);
	cr_assert_not_null(strstr(cause, "exit 127: command not found"), "%s", cause);
	free(cause);
}

Test(printer, command_transport_reports_a_killed_command)
{
	char	*cause = NULL;

	cr_assert_eq(printer_send("command", "kill -TERM $$", (const unsigned char *)"x", 1,
	    &cause), -1);
	cr_assert_not_null(strstr(cause, "killed by signal 15"), "%s", cause);
	free(cause);
}

Test(printer, a_command_that_stops_reading_is_a_reason_not_a_sigpipe)
{
	unsigned char		*data = test_printer_bytes(TEST_PRINTER_MIB);
	char			*cause = NULL;
	struct sigaction	 now;

	/* SIGPIPE is at its default here: were it let through, it would kill this test. */
	cr_assert_eq(sigaction(SIGPIPE, NULL, &now), 0);
	cr_assert_eq(now.sa_handler, SIG_DFL);
	cr_assert_eq(printer_send("command", "true", data, TEST_PRINTER_MIB, &cause), -1);
	cr_assert_str_eq(cause, "printer command 'true' stopped reading before the end of the "
	    "receipt");
	cr_assert_eq(sigaction(SIGPIPE, NULL, &now), 0);
	cr_assert_eq(now.sa_handler, SIG_DFL, "SIGPIPE was not restored");
	free(cause);
	free(data);
}

/* A SIGPIPE handler of the caller's own, to see that the command transport puts it back. */
static void
test_printer_on_sigpipe(int sig)
{
	(void)sig;
}

Test(printer, the_callers_sigpipe_handler_is_restored)
{
	unsigned char		*data = test_printer_bytes(TEST_PRINTER_MIB);
	char			*cause = NULL;
	struct sigaction	 mine = { .sa_handler = test_printer_on_sigpipe }, now;

	sigemptyset(&mine.sa_mask);
	cr_assert_eq(sigaction(SIGPIPE, &mine, NULL), 0);
	cr_assert_eq(printer_send("command", "exit 0", data, TEST_PRINTER_MIB, &cause), -1);
	cr_assert_eq(sigaction(SIGPIPE, NULL, &now), 0);
	cr_assert_eq(now.sa_handler, test_printer_on_sigpipe);
	free(cause);
	free(data);
}

Test(printer, a_commands_output_goes_to_stderr_not_stdout, .init = test_printer_redirect)
{
	char	*cause = NULL;

	cr_assert_eq(printer_send("command", "cat >/dev/null; echo request id is lp-42",
	    (const unsigned char *)"x", 1, &cause), 0, "%s", cause);
	fflush(stdout);
	fflush(stderr);
	cr_assert_stdout_eq_str("");
	cr_assert_stderr_eq_str("request id is lp-42\n");
}

Test(printer, reasons_never_quote_the_receipt)
{
	const unsigned char	data[] = "SECRETCODE42";
	char			*path = helpers_path(dir, "gone/lp0"), *cause = NULL;
	const char		*targets[][2] = { { "device", path }, { "file", path },
	    { "command", "exit 1" }, { "command", "kill -TERM $$" }, { "serial", path } };
	size_t			 i;

	for (i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		cr_assert_eq(printer_send(targets[i][0], targets[i][1], data, sizeof data - 1,
		    &cause), -1, "%s %s", targets[i][0], targets[i][1]);
		cr_assert_null(strstr(cause, "SECRET"), "%s", cause);
		free(cause);
	}
	free(path);
}

Test(printer, an_unknown_transport_is_refused)
{
	char	*cause = NULL;

	cr_assert_eq(printer_send("usb", "/dev/usb/lp0", (const unsigned char *)"x", 1, &cause),
	    -1);
	cr_assert_str_eq(cause, "unknown printer transport 'usb' (use device, file or command)");
	free(cause);
}
