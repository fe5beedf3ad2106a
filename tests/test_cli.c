/*
 * test_cli — the command line in-process: option placement, exit codes, one-line errors.
 * (The real binary is driven by the suites in tests/cli/.)
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "helpers.h"

static char	*dir, *db, *key;
static char	*outbuf, *errbuf;

static void
setup(void)
{
	dir = helpers_tmpdir();
	db = helpers_path(dir, "s.db");
	key = helpers_path(dir, "k");
}

static void
teardown(void)
{
	helpers_rmdir(dir);
	free(dir);
	free(db);
	free(key);
	free(outbuf);
	free(errbuf);
	outbuf = errbuf = NULL;
}

TestSuite(cli, .init = setup, .fini = teardown);

/* Run a command line with input text; keeps stdout and stderr in outbuf and errbuf. */
static int
run(const char *input, int argc, const char **args)
{
	char	*argv[32];
	size_t	 olen, elen;
	FILE	*in = fmemopen((void *)input, strlen(input) > 0 ? strlen(input) : 1, "r");
	FILE	*out, *err;
	int	 i, rc;

	free(outbuf);
	free(errbuf);
	out = open_memstream(&outbuf, &olen);
	err = open_memstream(&errbuf, &elen);
	argv[0] = (char *)"prefkiosk";
	for (i = 0; i < argc; i++)
		argv[i + 1] = (char *)args[i];
	argv[argc + 1] = NULL;
	rc = cli_main(argc + 1, argv, NULL, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
	return rc;
}

/* Exactly one line, starting "prefkiosk: ". */
static void
assert_one_line_error(void)
{
	cr_assert_eq(strncmp(errbuf, "prefkiosk: ", 11), 0, "%s", errbuf);
	cr_assert_eq(strchr(errbuf, '\n'), errbuf + strlen(errbuf) - 1, "%s", errbuf);
}

Test(cli, help_lists_the_commands)
{
	const char *a[] = { "help" };

	cr_assert_eq(run("", 1, a), 0);
	cr_assert_not_null(strstr(outbuf, "prefkiosk enroll"));
	cr_assert_not_null(strstr(outbuf, "prefkiosk staff add"));
}

Test(cli, unknown_command_exits_2)
{
	const char *a[] = { "frobnicate" };

	cr_assert_eq(run("", 1, a), CLI_EXIT_USAGE);
	cr_assert_not_null(strstr(errbuf, "unknown command 'frobnicate'"));
}

Test(cli, global_options_may_stand_anywhere)
{
	const char *init[] = { "init", "--db", db, "--key-file", key, "--config", "config" };
	const char *enroll[] = { "--db", db, "enroll", "--key-file=" , "--config", "config" };
	const char *enroll2[] = { "enroll", "--config=config", "--db", db, "--key-file", key };

	cr_assert_eq(run("", 7, init), 0, "%s", errbuf);
	cr_assert_not_null(strstr(outbuf, "\"store\""));
	cr_assert_eq(run("{}", 6, enroll), CLI_EXIT_USAGE, "an empty value is refused");
	assert_one_line_error();
	cr_assert_eq(run("{\"language\":\"en\"}", 6, enroll2), 0, "%s", errbuf);
	cr_assert_not_null(strstr(outbuf, "\"customer\""));
}

Test(cli, enroll_refuses_bad_json_with_one_line)
{
	const char *init[] = { "init", "--db", db, "--key-file", key, "--config", "config" };
	const char *enroll[] = { "enroll", "--db", db, "--key-file", key, "--config", "config" };

	cr_assert_eq(run("", 7, init), 0);
	cr_assert_eq(run("{\"language\":", 7, enroll), CLI_EXIT_USAGE);
	assert_one_line_error();
	cr_assert_eq(run("{\"language\":\"en\",\"shoe_size\":44}", 7, enroll), CLI_EXIT_USAGE);
	assert_one_line_error();
	cr_assert_not_null(strstr(errbuf, "shoe_size"));
}

Test(cli, a_missing_store_is_a_runtime_error)
{
	const char *a[] = { "verify", "--db", db, "--key-file", key, "--config", "config" };

	cr_assert_eq(run("", 7, a), CLI_EXIT_RUNTIME);
	assert_one_line_error();
	cr_assert_not_null(strstr(errbuf, "prefkiosk init"));
}

Test(cli, run_without_a_kiosk_hook_says_so)
{
	const char *init[] = { "init", "--db", db, "--key-file", key, "--config", "config" };
	const char *a[] = { "run", "--db", db, "--key-file", key, "--config", "config" };

	cr_assert_eq(run("", 7, init), 0);
	cr_assert_eq(run("", 7, a), CLI_EXIT_RUNTIME);
	assert_one_line_error();
}
