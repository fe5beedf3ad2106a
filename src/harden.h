/*
 * harden — what the process does to itself before anything else, so that what it holds (keys,
 * the last customer's answers) cannot leave it except through its own code:
 *
 *   - no core dumps: RLIMIT_CORE 0, soft and hard, read back with getrlimit;
 *   - not dumpable (PR_SET_DUMPABLE 0): no core either, and no other process of the same
 *     user may ptrace it or read /proc/PID/mem; only root (CAP_SYS_PTRACE) can;
 *   - jansson's memory wiped before it is freed: parsed documents and built answers hold
 *     names, e-mail addresses and phone numbers, and a freed heap block keeps its bytes.
 *
 * main calls harden_process once, first; a protection that does not hold is an error (exit 1),
 * not a warning, because nothing a kiosk is asked to keep would then stay inside it.
 */
#ifndef PREFKIOSK_HARDEN_H
#define PREFKIOSK_HARDEN_H

#include <stddef.h>

/* Set every protection and check that it holds; -1 and *cause when one does not. */
int	harden_process(char **cause);

/* Wipe the whole usable size of a block from malloc (NULL is a no-op), without freeing it:
 * what the wiping free that harden_process gives jansson does before free. */
void	harden_wipe(void *);

#endif
