/*
 * cli — the command line: global options, the table of commands, exit codes, and the one-line
 * errors.  Each command is a thin layer over the same functions the kiosk uses.  Output that a
 * program reads is JSON on out; errors are "prefkiosk: ..." lines on err.
 */
#ifndef PREFKIOSK_CLI_H
#define PREFKIOSK_CLI_H

#include <stdio.h>

#include "shop.h"

/* Exit codes: the contract scripts rely on. */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_RUNTIME = 1,	/* store, key, I/O */
	CLI_EXIT_USAGE = 2,	/* usage or bad input */
	CLI_EXIT_INVALID = 3,	/* invalid or forged code, wrong PIN, a sealed file refused */
	CLI_EXIT_REDEEMED = 4,
	CLI_EXIT_EXPIRED = 5,	/* expired or revoked */
	CLI_EXIT_NOT_FOUND = 6,	/* unknown or erased customer */
	CLI_EXIT_LOCKED = 7,
};

/* What the composition root (main.c) supplies: the kiosk, which lives in ui/. */
struct cli_hooks {
	/* Run the kiosk on an open shop; returns an exit code. */
	int	(*run)(struct shop *, int argc, char **argv, FILE *err);
};

/* Run one command line; returns the exit code.  in/out/err stand for stdin/stdout/stderr. */
int	cli_main(int argc, char **argv, const struct cli_hooks *, FILE *in, FILE *out, FILE *err);

#endif
