/*
 * ui — the terminal lifecycle of the kiosk.
 *
 * This version checks what the kiosk needs from its terminal (a terminal, a UTF-8 locale for
 * the half-block QR codes) and says plainly that the customer screens are not in this build:
 * they arrive with the kiosk's own work.  The store, catalogue and key were already opened and
 * checked by the caller, so `make run` proves the set-up end to end.
 */
#include <langinfo.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"

int
ui_run(struct shop *s, int argc, char **argv, FILE *err)
{
	(void)argc;
	(void)argv;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(err, "prefkiosk: the kiosk needs a terminal; for scripts use the "
		    "commands (prefkiosk help)\n");
		return 2;
	}
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
		fprintf(err, "prefkiosk: the kiosk needs a UTF-8 locale to draw QR codes; "
		    "run it with LANG=C.UTF-8\n");
		return 1;
	}
	fprintf(err, "prefkiosk: %s is ready (store, catalogue and key checked), but this build "
	    "has no customer screens yet; use the commands (prefkiosk help)\n",
	    s->config->store_name);
	return 1;
}
