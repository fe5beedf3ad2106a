/*
 * export — every member at once, for the company's customer master data system: JSON lines
 * (one member's full export a line) or CSV (one row a member, consents as columns).
 */
#ifndef PREFKIOSK_EXPORT_H
#define PREFKIOSK_EXPORT_H

#include <stdio.h>
#include <time.h>

#include "shop.h"

enum export_format {
	EXPORT_JSON,	/* one member: a single JSON document */
	EXPORT_JSONL,
	EXPORT_CSV,
};

/* "json", "jsonl", "csv" → format, or -1. */
int	export_format_parse(const char *);

/* Write every live member to out; returns the number written, or -1 and *cause.  A member
 * whose sealed data does not open is skipped and counted in *damaged. */
long	export_all(struct shop *, enum export_format, FILE *out, time_t now, long *damaged,
	    char **cause);

#endif
