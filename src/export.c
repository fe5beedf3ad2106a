/*
 * export — bulk export of members.
 *
 * Each member goes through customer_export, the same function the right of access uses, so a
 * bulk export can never say more or less than a member's own export.  CSV is written by hand
 * (RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled); JSON by
 * jansson.  A file of members is always sealed (sealfile.c): the stream export_all writes to is
 * the sealed file's, so the plaintext never reaches the disk.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "export.h"
#include "util.h"

int
export_format_parse(const char *name)
{
	if (strcmp(name, "json") == 0)
		return EXPORT_JSON;
	if (strcmp(name, "jsonl") == 0)
		return EXPORT_JSONL;
	if (strcmp(name, "csv") == 0)
		return EXPORT_CSV;
	return -1;
}

/* One CSV field, quoted when it must be. */
static void
export_csv_field(FILE *out, const char *v, int last)
{
	const char	*c;

	if (v == NULL)
		v = "";
	if (strpbrk(v, ",\"\r\n") == NULL)
		fputs(v, out);
	else {
		fputc('"', out);
		for (c = v; *c != '\0'; c++) {
			if (*c == '"')
				fputc('"', out);
			fputc(*c, out);
		}
		fputc('"', out);
	}
	fputc(last ? '\n' : ',', out);
}

/* A JSON array of strings (or of objects with "id") joined with ';'. */
static char *
export_join(json_t *a)
{
	size_t	 i, len = 0;
	json_t	*v;
	char	*s = util_xstrdup("");

	json_array_foreach(a, i, v) {
		const char *id = json_is_string(v) ? json_string_value(v) :
		    json_string_value(json_object_get(v, "id"));
		const char *f = json_string_value(json_object_get(v, "frequency"));
		char *next;

		if (id == NULL)
			continue;
		next = util_xprintf("%s%s%s%s%s", s, len > 0 ? ";" : "", id, f ? ":" : "",
		    f ? f : "");
		free(s);
		s = next;
		len = strlen(s);
	}
	return s;
}

/* The header row of the CSV export; catalogue ids need no quoting. */
static void
export_csv_header(const struct shop *s, FILE *out)
{
	size_t	i;

	fputs("customer,member_since,last_seen,language,name,email,phone,card,interests,channels",
	    out);
	for (i = 0; i < s->catalog->npurposes; i++)
		fprintf(out, ",consent_%s", s->catalog->purposes[i].id);
	fputc('\n', out);
}

/* One member as a CSV row. */
static void
export_csv_row(const struct shop *s, json_t *m, FILE *out)
{
	json_t	*p = json_object_get(m, "profile"), *c = json_object_get(m, "consents");
	char	*in = export_join(json_object_get(p, "interests"));
	char	*ch = export_join(json_object_get(p, "channels"));
	size_t	 i;

	export_csv_field(out, json_string_value(json_object_get(m, "customer")), 0);
	export_csv_field(out, json_string_value(json_object_get(m, "member_since")), 0);
	export_csv_field(out, json_string_value(json_object_get(m, "last_seen")), 0);
	export_csv_field(out, json_string_value(json_object_get(p, "language")), 0);
	export_csv_field(out, json_string_value(json_object_get(p, "name")), 0);
	export_csv_field(out, json_string_value(json_object_get(p, "email")), 0);
	export_csv_field(out, json_string_value(json_object_get(p, "phone")), 0);
	export_csv_field(out, json_string_value(json_object_get(p, "card")), 0);
	export_csv_field(out, in, 0);
	export_csv_field(out, ch, s->catalog->npurposes == 0);
	for (i = 0; i < s->catalog->npurposes; i++) {
		json_t *st = json_object_get(json_object_get(c, s->catalog->purposes[i].id),
		    "state");
		export_csv_field(out, json_string_value(st), i + 1 == s->catalog->npurposes);
	}
	free(in);
	free(ch);
}

long
export_all(struct shop *s, enum export_format format, FILE *out, time_t now, long *damaged,
    char **cause)
{
	sqlite3_stmt	*stmt;
	json_t		*m;
	char		 uid[CUSTOMER_UID_LEN + 1];
	long		 n = 0;
	int		 rc, result;

	*damaged = 0;
	/* Its own statement: the loop below uses the cached ones. */
	if (sqlite3_prepare_v2(store_db(s->store),
	    "SELECT uid FROM customers WHERE erased IS NULL ORDER BY id", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return store_fail(s->store, cause, "cannot read the members");
	if (format == EXPORT_CSV)
		export_csv_header(s, out);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		snprintf(uid, sizeof uid, "%s", sqlite3_column_text(stmt, 0));
		m = customer_export(s, uid, now, &result, NULL);
		if (m == NULL) {
			if (result == CUSTOMER_DAMAGED) {
				(*damaged)++;
				continue;
			}
			sqlite3_finalize(stmt);
			return util_fail(cause, "cannot export member %s", uid);
		}
		if (format == EXPORT_CSV)
			export_csv_row(s, m, out);
		else {
			json_dumpf(m, out, JSON_COMPACT | JSON_ENSURE_ASCII);
			fputc('\n', out);
		}
		json_decref(m);
		n++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(s->store, cause, "cannot read the members");
	if (ferror(out))
		return util_fail(cause, "cannot write the export");
	return n;
}

long
export_sealed(struct shop *s, enum export_format format, const char *path,
    const unsigned char pk[SEALFILE_KEY_BYTES], time_t now, long *damaged, char **cause)
{
	struct sealfile	*sf;
	long		 n;

	*damaged = 0;
	if (format == EXPORT_JSON)
		return util_fail(cause, "a file of every member is jsonl or csv");
	if ((sf = sealfile_create(path, pk, cause)) == NULL)
		return -1;
	n = export_all(s, format, sealfile_stream(sf), now, damaged, cause);
	if (n >= 0 && sealfile_commit(sf, cause) != 0)
		n = -1;
	sealfile_free(sf);
	return n;
}

long
export_to_file(struct shop *s, enum export_format format, const char *dir,
    const unsigned char pk[SEALFILE_KEY_BYTES], time_t now, char *path_out, size_t path_len,
    long *damaged, char **cause)
{
	struct stat	sb;
	struct tm	tm;
	char		when[17];
	int		len;

	*damaged = 0;
	if (stat(dir, &sb) != 0)
		return util_fail(cause, "%s: %s; is the share mounted, or the stick plugged in?",
		    dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return util_fail(cause, "%s: not a folder", dir);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
	len = snprintf(path_out, path_len, "%s/prefkiosk-export-%d-%s.%s.sealed", dir,
	    s->config->terminal_id, when, format == EXPORT_CSV ? "csv" : "jsonl");
	if (len < 0 || (size_t)len >= path_len)
		return util_fail(cause, "%s: the folder's name is too long", dir);
	return export_sealed(s, format, path_out, pk, now, damaged, cause);
}
