/*
 * ui — the kiosk on a terminal.  It reads the model only through the shop and app_handle();
 * this header is all that main.c sees of it.
 */
#ifndef PREFKIOSK_UI_H
#define PREFKIOSK_UI_H

#include <stdio.h>

#include "shop.h"

/* Run the kiosk until an admin leaves it; returns an exit code. */
int	ui_run(struct shop *, int argc, char **argv, FILE *err);

#endif
