/*
 * main — the composition root: harden the process (harden.c), then hand the command line to
 * cli_main with the kiosk (ui/) as the `run` hook.  Everything else lives in src/ and is tested
 * without a terminal.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "harden.h"
#include "ui.h"

int
main(int argc, char **argv)
{
	static const struct cli_hooks hooks = { ui_run };
	char	*cause = NULL;

	/* First: a dump of a kiosk would hold keys and the last customer's answers. */
	if (harden_process(&cause) != 0) {
		fprintf(stderr, "prefkiosk: %s\n", cause);
		free(cause);
		return CLI_EXIT_RUNTIME;
	}
	setlocale(LC_ALL, "");
	return cli_main(argc, argv, &hooks, stdin, stdout, stderr);
}
