/*
 * printer — carries receipt bytes (escpos.c makes them) to a receipt printer, by one of three
 * transports named in the config:
 *
 *   device   a character device such as /dev/usb/lp0 or a serial port: opened write-only,
 *            never created, never made our controlling terminal.  A printer that accepts
 *            nothing for PRINTER_TIMEOUT_SECONDS is reported offline instead of hanging the
 *            kiosk.
 *   file     a file, created (mode 0600) or truncated, and flushed to disk.
 *   command  a shell command line (/bin/sh -c) that reads the receipt on its stdin, such as
 *            "lp -d receipt" or "nc -q1 10.0.0.9 9100".  Its stdout goes to our stderr, because
 *            our stdout may carry JSON and the kiosk's screen must not be scribbled on.
 *
 * Reasons name the transport and target and say what to check; they never quote the bytes,
 * which hold a reward code that anyone could redeem.
 */
#ifndef PREFKIOSK_PRINTER_H
#define PREFKIOSK_PRINTER_H

#include <stddef.h>

#define PRINTER_TIMEOUT_SECONDS	5

/* Send len bytes to target over transport ("device", "file", "command").  0, or -1 with a reason. */
int	printer_send(const char *transport, const char *target, const unsigned char *data,
	    size_t len, char **cause);

#endif
