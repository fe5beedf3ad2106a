/*
 * ui — the kiosk on a terminal.  It reads the model only through the shop and app_handle();
 * this header is all that main.c sees of it.
 */
#ifndef PREFKIOSK_UI_H
#define PREFKIOSK_UI_H

#include <stdio.h>

#include "shop.h"

/* Run the kiosk until an admin leaves it (0), SIGTERM stops it (0), or its terminal hangs up or
 * goes away (1); returns the exit code. */
int	ui_run(struct shop *, int argc, char **argv, FILE *err);

#endif
