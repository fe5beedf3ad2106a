/*
 * main — the composition root: harden the process, then hand the command line to cli_main with
 * the kiosk (ui/) as the `run` hook.  Everything else lives in src/ and is tested without a
 * terminal.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <locale.h>
#include <stdio.h>

#include "cli.h"
#include "ui.h"

/* No core dumps: a dump of a kiosk would hold keys and the last customer's answers. */
static void
main_harden(void)
{
	struct rlimit	rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int
main(int argc, char **argv)
{
	static const struct cli_hooks hooks = { ui_run };

	main_harden();
	setlocale(LC_ALL, "");
	return cli_main(argc, argv, &hooks, stdin, stdout, stderr);
}
