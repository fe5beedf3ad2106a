/*
 * export — every member at once, for the company's customer master data system: JSON lines
 * (one member's full export a line) or CSV (one row a member, consents as columns), written to
 * a stream, or to a file sealed to the master data system's public key (sealfile.h), which is
 * the only way members are written to disk.
 */
#ifndef PREFKIOSK_EXPORT_H
#define PREFKIOSK_EXPORT_H

#include <stdio.h>
#include <time.h>

#include "sealfile.h"
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

/* export_all into a new file at path, sealed to pk (sealfile.h), as jsonl or csv: the number
 * written and *damaged, or -1 and *cause with no file left behind. */
long	export_sealed(struct shop *, enum export_format, const char *path,
	    const unsigned char pk[SEALFILE_KEY_BYTES], time_t now, long *damaged, char **cause);

/*
 * The kiosk's export: export_sealed into the directory dir, which must exist (a folder inside
 * the share or on the stick, not its mount point, so that one not mounted is reported) as
 * "prefkiosk-export-<terminal id>-<UTC YYYYmmddTHHMMSSZ>.<jsonl|csv>.sealed", whose path goes
 * to path_out[path_len].  The number written and *damaged, or -1 and *cause.
 */
long	export_to_file(struct shop *, enum export_format, const char *dir,
	    const unsigned char pk[SEALFILE_KEY_BYTES], time_t now, char *path_out,
	    size_t path_len, long *damaged, char **cause);

#endif
