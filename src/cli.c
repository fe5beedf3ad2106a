/*
 * cli — parse the command line, open what the command needs, run it, map results to exit codes.
 *
 * Global options (--db, --config, --key-file) may stand anywhere; they are taken out first.  The
 * first remaining word names the command (default: run), looked up in cli_commands, a table
 * that says what each command needs opened: nothing, the catalogue, or the whole shop.  Each
 * command parses its own options with getopt_long and calls into the src/ modules.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"
#include "audit.h"
#include "cli.h"
#include "customer.h"
#include "export.h"
#include "qr.h"
#include "rekey.h"
#include "reward.h"
#include "sealfile.h"
#include "slip.h"
#include "staff.h"
#include "sync.h"
#include "util.h"

#define CLI_IMPORT_BATCH	500

struct cli {
	struct shop_paths	 paths;
	char			 credential[4096];	/* the key file, when a systemd
							 * credential (paths.key_file) */
	struct shop		*shop;
	const struct cli_hooks	*hooks;
	FILE			*in, *out, *err;
	time_t			 now;
};

enum cli_needs {
	CLI_NEEDS_NOTHING,
	CLI_NEEDS_CATALOG,
	CLI_NEEDS_SHOP,
};

struct cli_command {
	const char	*name;
	const char	*usage;
	enum cli_needs	 needs;
	int		(*exec)(struct cli *, int argc, char **argv);
};

/* Print "prefkiosk: <message>" on err; returns code, so callers can `return cli_error(...)`. */
static int __attribute__((format(printf, 3, 4)))
cli_error(struct cli *c, int code, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		abort();
	va_end(ap);
	util_printable(line);		/* an argument or a key quoted cannot break the line */
	fprintf(c->err, "prefkiosk: %s\n", line);
	free(line);
	return code;
}

/* What jansson says is wrong with a document, without the input it quotes ("... near
 * 'grace@example.org'"): that text may be a member's name or e-mail address, and a message is
 * a log line.  The line and column say where. */
static const char *
cli_json_reason(json_error_t *jerr)
{
	char	*near = strstr(jerr->text, " near ");

	if (near != NULL)
		*near = '\0';
	return jerr->text;
}

/* Print a reason from a module, free it, and return code. */
static int
cli_cause(struct cli *c, int code, char *cause)
{
	cli_error(c, code, "%s", cause != NULL ? cause : "failed");
	free(cause);
	return code;
}

/* Record a staff or admin action in the audit chain; a failure is said, and is exit 1. */
static int
cli_audit(struct cli *c, const char *staff, const char *action, const char *target)
{
	char	*cause = NULL;

	if (audit_record(c->shop, c->now, staff, action, target, &cause) != 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	return CLI_EXIT_OK;
}

/* A customer_result as an exit code. */
static int
cli_customer_exit(int result)
{
	switch (result) {
	case CUSTOMER_OK:		return CLI_EXIT_OK;
	case CUSTOMER_INVALID:		return CLI_EXIT_USAGE;
	case CUSTOMER_NOT_FOUND:	return CLI_EXIT_NOT_FOUND;
	default:			return CLI_EXIT_RUNTIME;
	}
}

/* Write a JSON document and a newline to out. */
static int
cli_json(struct cli *c, json_t *o, size_t flags)
{
	int	rc = json_dumpf(o, c->out, flags);

	fputc('\n', c->out);
	json_decref(o);
	if (rc != 0 || fflush(c->out) != 0 || ferror(c->out))
		return cli_error(c, CLI_EXIT_RUNTIME, "cannot write the output: %s",
		    strerror(errno));
	return CLI_EXIT_OK;
}

/* Run getopt_long over a command's arguments; reports unknown options. */
static int
cli_getopt(struct cli *c, int argc, char **argv, const char *shortopts,
    const struct option *longopts, const char *usage)
{
	int	ch;

	opterr = 0;
	ch = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (ch == '?' || ch == ':') {
		cli_error(c, CLI_EXIT_USAGE, "%s: unknown option or missing value; usage: "
		    "prefkiosk %s", argv[optind - 1] != NULL ? argv[optind - 1] : argv[0], usage);
		return -2;
	}
	return ch;
}

/* `init [--passphrase] [--terminal ID]` */
static int
cli_init(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase", no_argument, NULL, 'p' },
		{ "terminal", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct shop	*s;
	bool		 pass = false;
	char		*cause = NULL, *end;
	long		 id;
	int		 ch, code, config_id;

	while ((ch = cli_getopt(c, argc, argv, "", opts,
	    "init [--passphrase] [--terminal ID]")) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		if (ch == 'p') {
			pass = true;
			continue;
		}
		errno = 0;
		id = strtol(optarg, &end, 10);
		if (errno != 0 || end == optarg || *end != '\0' || id < 0 || id > 4095)
			return cli_error(c, CLI_EXIT_USAGE, "--terminal: '%s' is not a terminal "
			    "number from 0 to 4095", optarg);
		c->paths.has_terminal = true;
		c->paths.terminal = (int)id;
	}
	if (optind != argc)
		return cli_error(c, CLI_EXIT_USAGE, "init takes no arguments");
	/* The config and catalogue must be valid before a store is made for them. */
	if ((s = shop_open_catalog(&c->paths, &code, &cause)) == NULL)
		return cli_cause(c, code, cause);
	config_id = s->config->terminal_id;
	shop_close(s);
	if (shop_create(&c->paths, pass, &cause) != 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	return cli_json(c, json_pack("{s:s, s:s?, s:i}", "store", c->paths.db, "key_file",
	    pass ? NULL : c->paths.key_file, "terminal", c->paths.has_terminal ?
	    c->paths.terminal : config_id), JSON_COMPACT);
}

/* Enrol one parsed document; fills the result object.  Returns a customer_result. */
static int
cli_enroll_doc(struct cli *c, json_t *doc, json_t **result, char **cause)
{
	struct customer_enrolment	*e = customer_enrolment_new();
	char				 uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	int				 rc;

	rc = customer_enrolment_from_json(c->shop, doc, false, e, cause);
	if (rc == CUSTOMER_OK)
		rc = customer_enroll(c->shop, e, c->now, uid, receipt, cause);
	if (rc == CUSTOMER_OK && e->method == CONSENT_ASSISTED &&
	    audit_record(c->shop, c->now, e->staff, "assisted_sign_up", uid, cause) != 0)
		rc = CUSTOMER_ERROR;
	if (rc == CUSTOMER_OK)
		*result = json_pack("{s:s, s:s, s:s, s:o}", "customer", uid, "card",
		    e->profile->card, "receipt", receipt, "rewards", reward_list_json(c->shop,
		    &e->rewards, config_language(c->shop->config, e->profile->language)));
	customer_enrolment_free(e);
	return rc;
}

/* `enroll` < document.json */
static int
cli_enroll(struct cli *c, int argc, char **argv)
{
	json_error_t	 jerr;
	json_t		*doc, *result = NULL;
	char		*cause = NULL;
	int		 rc;

	(void)argv;
	if (argc != 1)
		return cli_error(c, CLI_EXIT_USAGE, "enroll takes no arguments; the enrolment is "
		    "a JSON document on standard input");
	if ((doc = json_loadf(c->in, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return cli_error(c, CLI_EXIT_USAGE, "standard input, line %d, column %d: not "
		    "a JSON document: %s", jerr.line, jerr.column, cli_json_reason(&jerr));
	rc = cli_enroll_doc(c, doc, &result, &cause);
	json_decref(doc);
	if (rc != CUSTOMER_OK)
		return cli_cause(c, cli_customer_exit(rc), cause);
	return cli_json(c, result, JSON_COMPACT);
}

/* Commit the open batch of an import; returns 0 or -1 with the error printed. */
static int
cli_import_commit(struct cli *c, struct consent_chain *chain, long *imported, long batch)
{
	char	*cause = NULL;

	if (consent_chain_end(c->shop, chain, &cause) != 0) {
		store_rollback(c->shop->store);
		cli_cause(c, CLI_EXIT_RUNTIME, cause);
		return -1;
	}
	if (store_commit(c->shop->store, &cause) != 0) {
		cli_cause(c, CLI_EXIT_RUNTIME, cause);
		return -1;
	}
	*imported += batch;
	return 0;
}

/* `import FILE.jsonl`: batches of CLI_IMPORT_BATCH lines, a savepoint per line. */
static int
cli_import(struct cli *c, int argc, char **argv)
{
	struct customer_enrolment	*e;
	struct consent_chain		 chain;
	json_error_t			 jerr;
	json_t				*doc;
	FILE				*f;
	char				*line = NULL, *cause = NULL;
	char				 uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	size_t				 cap = 0;
	ssize_t				 len;
	long				 lineno = 0, imported = 0, rejected = 0, batch = 0;
	int				 rc, code = CLI_EXIT_OK;

	if (argc != 2)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk import FILE.jsonl");
	if ((f = fopen(argv[1], "r")) == NULL)
		return cli_error(c, CLI_EXIT_RUNTIME, "%s: %s", argv[1], strerror(errno));
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		if ((doc = json_loads(line, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
			cli_error(c, CLI_EXIT_USAGE, "%s:%ld: column %d: not a JSON document: %s",
			    argv[1], lineno, jerr.column, cli_json_reason(&jerr));
			rejected++;
			continue;
		}
		e = customer_enrolment_new();
		rc = customer_enrolment_from_json(c->shop, doc, true, e, &cause);
		json_decref(doc);
		if (rc == CUSTOMER_OK && batch == 0) {
			if (store_begin(c->shop->store, &cause) != 0)
				rc = CUSTOMER_ERROR;
			consent_chain_begin(&chain);
		}
		if (rc == CUSTOMER_OK) {
			store_exec(c->shop->store, "SAVEPOINT line", NULL);
			rc = customer_enroll_locked(c->shop, &chain, e, c->now, uid, receipt,
			    &cause);
			if (rc == CUSTOMER_OK) {
				store_exec(c->shop->store, "RELEASE line", NULL);
				batch++;
			} else {
				/* The cursor may point at records the rollback removed. */
				store_exec(c->shop->store, "ROLLBACK TO line; RELEASE line", NULL);
				consent_chain_begin(&chain);
				chain.appended = batch > 0;
			}
		}
		customer_enrolment_free(e);
		if (rc == CUSTOMER_ERROR) {
			/* The store failed (disk full, I/O): stop, keeping the committed batches. */
			cli_error(c, CLI_EXIT_RUNTIME, "%s:%ld: %s", argv[1], lineno, cause);
			free(cause);
			store_rollback(c->shop->store);
			code = CLI_EXIT_RUNTIME;
			batch = 0;
			goto out;
		}
		if (rc != CUSTOMER_OK) {
			cli_error(c, CLI_EXIT_USAGE, "%s:%ld: %s", argv[1], lineno, cause);
			free(cause);
			cause = NULL;
			rejected++;
			continue;
		}
		if (batch == CLI_IMPORT_BATCH) {
			if (cli_import_commit(c, &chain, &imported, batch) != 0) {
				code = CLI_EXIT_RUNTIME;
				batch = 0;
				goto out;
			}
			batch = 0;
		}
	}
	if (ferror(f)) {
		cli_error(c, CLI_EXIT_RUNTIME, "%s: %s", argv[1], strerror(errno));
		code = CLI_EXIT_RUNTIME;
	}
out:
	if (batch > 0 && cli_import_commit(c, &chain, &imported, batch) != 0)
		code = CLI_EXIT_RUNTIME;
	free(line);
	fclose(f);
	if (code == CLI_EXIT_OK && rejected > 0)
		code = CLI_EXIT_USAGE;
	cli_json(c, json_pack("{s:I, s:I}", "imported", (json_int_t)imported, "rejected",
	    (json_int_t)rejected), JSON_COMPACT);
	return code;
}

/* Parse --card/--phone/--email (lookup) or --customer; fills uid. */
static int
cli_member(struct cli *c, int argc, char **argv, bool by_contact, char *uid, const char *usage,
    const struct option *extra, int (*on_extra)(struct cli *, int, char *, void *), void *arg)
{
	struct option	 opts[16];
	char		*cause = NULL;
	const char	*value = NULL;
	enum contact_field field = CONTACT_NONE;
	int		 ch, n = 0, rc;

	opts[n++] = (struct option){ "customer", required_argument, NULL, 'u' };
	if (by_contact) {
		opts[n++] = (struct option){ "card", required_argument, NULL, 'c' };
		opts[n++] = (struct option){ "phone", required_argument, NULL, 'p' };
		opts[n++] = (struct option){ "email", required_argument, NULL, 'e' };
	}
	for (; extra != NULL && extra->name != NULL && n < 15; extra++)
		opts[n++] = *extra;
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	while ((ch = cli_getopt(c, argc, argv, "", opts, usage)) != -1) {
		switch (ch) {
		case -2:
			return CLI_EXIT_USAGE;
		case 'u':
			field = CONTACT_NONE;
			value = optarg;
			break;
		case 'c':
			field = CONTACT_CARD;
			value = optarg;
			break;
		case 'p':
			field = CONTACT_PHONE;
			value = optarg;
			break;
		case 'e':
			field = CONTACT_EMAIL;
			value = optarg;
			break;
		default:
			if ((rc = on_extra(c, ch, optarg, arg)) != CLI_EXIT_OK)
				return rc;
		}
	}
	if (value == NULL || optind != argc)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	if (field == CONTACT_NONE) {
		if (strlen(value) != CUSTOMER_UID_LEN)
			return cli_error(c, CLI_EXIT_NOT_FOUND, "no member has this id (a member "
			    "id has %d characters)", CUSTOMER_UID_LEN);
		snprintf(uid, CUSTOMER_UID_LEN + 1, "%s", value);
		return CLI_EXIT_OK;
	}
	rc = customer_find(c->shop, field, value, uid, &cause);
	if (rc != CUSTOMER_OK)
		return cli_cause(c, cli_customer_exit(rc), cause);
	return CLI_EXIT_OK;
}

/* `lookup --card N | --phone P | --email E | --customer UID` */
static int
cli_lookup(struct cli *c, int argc, char **argv)
{
	char	 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	json_t	*m;
	int	 rc, result;

	rc = cli_member(c, argc, argv, true, uid,
	    "lookup --card N | --phone P | --email E | --customer UID", NULL, NULL, NULL);
	if (rc != CLI_EXIT_OK)
		return rc;
	if ((m = customer_export(c->shop, uid, c->now, &result, &cause)) == NULL)
		return cli_cause(c, cli_customer_exit(result), cause);
	/* A look-up answers "who is this and what do they have": rewards still to redeem and the
	 * stamp card; the histories are for export. */
	json_object_del(m, "consent_history");
	json_object_del(m, "visits");
	if (reward_member_json(c->shop, uid, c->now, true, m, &cause) != 0) {
		json_decref(m);
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	}
	return cli_json(c, m, JSON_INDENT(2));
}

/* Options of `consent` beyond --customer. */
struct cli_consent {
	int		 purpose;	/* -1 for all */
	enum consent_state state;
	const char	*staff;
	const char	*language;
	int		 actions;
};

/* Collect --grant/--withdraw/--withdraw-all/--staff/--language. */
static int
cli_consent_opt(struct cli *c, int ch, char *value, void *arg)
{
	struct cli_consent	*cc = arg;

	switch (ch) {
	case 'g':
	case 'w':
		if ((cc->purpose = catalog_purpose_find(c->shop->catalog, value)) < 0)
			return cli_error(c, CLI_EXIT_USAGE, "'%s' is not a purpose of the catalogue "
			    "(see prefkiosk catalog)", value);
		cc->state = ch == 'g' ? CONSENT_GIVEN : CONSENT_WITHDRAWN;
		cc->actions++;
		break;
	case 'a':
		cc->purpose = -1;
		cc->state = CONSENT_WITHDRAWN;
		cc->actions++;
		break;
	case 's':
		cc->staff = value;
		break;
	case 'l':
		cc->language = value;
		break;
	}
	return CLI_EXIT_OK;
}

/* `consent --customer UID --grant P | --withdraw P | --withdraw-all [--staff S] [--language L]` */
static int
cli_consent(struct cli *c, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "grant", required_argument, NULL, 'g' },
		{ "withdraw", required_argument, NULL, 'w' },
		{ "withdraw-all", no_argument, NULL, 'a' },
		{ "staff", required_argument, NULL, 's' },
		{ "language", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	static const char usage[] = "consent --customer UID --grant P | --withdraw P | "
	    "--withdraw-all [--staff NAME] [--language L]";
	struct cli_consent	 cc = { 0, CONSENT_NONE, NULL, NULL, 0 };
	char			 uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	char			*cause = NULL;
	json_t			*m;
	int			 rc, lang = 0, result;

	rc = cli_member(c, argc, argv, false, uid, usage, extra, cli_consent_opt, &cc);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cc.actions != 1)
		return cli_error(c, CLI_EXIT_USAGE, "give exactly one of --grant, --withdraw, "
		    "--withdraw-all; usage: prefkiosk %s", usage);
	if (cc.language != NULL && (lang = config_language(c->shop->config, cc.language)) < 0)
		return cli_error(c, CLI_EXIT_USAGE, "--language: '%s' is not configured",
		    cc.language);
	rc = customer_consent(c->shop, uid, cc.purpose, cc.state, CONSENT_REQUEST, cc.staff, lang,
	    c->now, receipt, &cause);
	if (rc != CUSTOMER_OK)
		return cli_cause(c, cli_customer_exit(rc), cause);
	if ((rc = cli_audit(c, cc.staff, "consent_on_request", uid)) != CLI_EXIT_OK)
		return rc;
	if ((m = customer_export(c->shop, uid, c->now, &result, &cause)) == NULL)
		return cli_cause(c, cli_customer_exit(result), cause);
	result = cli_json(c, json_pack("{s:s, s:s, s:O}", "customer", uid, "receipt", receipt,
	    "consents", json_object_get(m, "consents")), JSON_COMPACT);
	json_decref(m);
	return result;
}

/* Options of `export`. */
struct cli_export {
	bool		 all;
	int		 format;
	const char	*seal_to;	/* a public key file */
	const char	*out;		/* the sealed file */
};

/* Collect --all/--format/--seal-to/--out. */
static int
cli_export_opt(struct cli *c, int ch, char *value, void *arg)
{
	struct cli_export	*ce = arg;

	if (ch == 'A')
		ce->all = true;
	else if (ch == 'f' && (ce->format = export_format_parse(value)) < 0)
		return cli_error(c, CLI_EXIT_USAGE, "--format: json, jsonl or csv");
	else if (ch == 's')
		ce->seal_to = value;
	else if (ch == 'o')
		ce->out = value;
	return CLI_EXIT_OK;
}

/* The end of an export that left out members whose data does not open. */
static int
cli_export_damaged(struct cli *c, long damaged)
{
	if (damaged > 0)
		return cli_error(c, CLI_EXIT_RUNTIME, "%ld member(s) could not be read and were "
		    "left out; run prefkiosk verify", damaged);
	return CLI_EXIT_OK;
}

/* `export --all --seal-to PUBKEYFILE --out FILE [--format jsonl|csv]`: members are written to
 * a file only sealed to the master data system's key. */
static int
cli_export_sealed(struct cli *c, const struct cli_export *ce)
{
	unsigned char	 pk[SEALFILE_KEY_BYTES];
	const char	*name;
	char		*cause = NULL;
	long		 n, damaged;
	int		 rc;

	if (ce->seal_to == NULL)
		return cli_error(c, CLI_EXIT_USAGE, "refusing to write members to %s in plaintext: "
		    "add --seal-to PUBKEYFILE, the master data system's key (see export-keys)",
		    ce->out);
	if (ce->out == NULL)
		return cli_error(c, CLI_EXIT_USAGE, "--seal-to needs --out FILE: a sealed export "
		    "is a file");
	if (!ce->all)
		return cli_error(c, CLI_EXIT_USAGE, "--seal-to and --out go with --all");
	if (ce->format == EXPORT_JSON)
		return cli_error(c, CLI_EXIT_USAGE, "--all is exported as jsonl or csv");
	if (sealfile_public_load(ce->seal_to, pk, &cause) != 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	/* The audit names the file, not where it went. */
	name = strrchr(ce->out, '/');
	name = name != NULL ? name + 1 : ce->out;
	if ((rc = cli_audit(c, NULL, "export_sealed", name)) != CLI_EXIT_OK)
		return rc;
	n = export_sealed(c->shop, ce->format < 0 ? EXPORT_JSONL : (enum export_format)ce->format,
	    ce->out, pk, c->now, &damaged, &cause);
	if (n < 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	rc = cli_json(c, json_pack("{s:s, s:I, s:I}", "file", ce->out, "members", (json_int_t)n,
	    "damaged", (json_int_t)damaged), JSON_COMPACT);
	return rc != CLI_EXIT_OK ? rc : cli_export_damaged(c, damaged);
}

/* `export --customer UID | --all [--format json|jsonl|csv] [--seal-to PUBKEYFILE --out FILE]` */
static int
cli_export(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "customer", required_argument, NULL, 'u' },
		{ "all", no_argument, NULL, 'A' },
		{ "format", required_argument, NULL, 'f' },
		{ "seal-to", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	static const char usage[] = "export --customer UID | --all [--format json|jsonl|csv] "
	    "[--seal-to PUBKEYFILE --out FILE]";
	struct cli_export	 ce = { false, -1, NULL, NULL };
	const char		*who = NULL;
	char			*cause = NULL;
	json_t			*m;
	long			 n, damaged;
	int			 ch, result, rc;

	while ((ch = cli_getopt(c, argc, argv, "", opts, usage)) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		if (ch == 'u')
			who = optarg;
		else if ((rc = cli_export_opt(c, ch, optarg, &ce)) != CLI_EXIT_OK)
			return rc;
	}
	if (optind != argc || (who == NULL) == !ce.all)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	if (ce.seal_to != NULL || ce.out != NULL)
		return cli_export_sealed(c, &ce);
	if (!ce.all) {
		if (ce.format >= 0 && ce.format != EXPORT_JSON)
			return cli_error(c, CLI_EXIT_USAGE, "one member is exported as json");
		if (strlen(who) != CUSTOMER_UID_LEN)
			return cli_error(c, CLI_EXIT_NOT_FOUND, "no member has this id (a member "
			    "id has %d characters)", CUSTOMER_UID_LEN);
		if ((m = customer_export(c->shop, who, c->now, &result, &cause)) == NULL)
			return cli_cause(c, cli_customer_exit(result), cause);
		if ((rc = cli_audit(c, NULL, "export", who)) != CLI_EXIT_OK) {
			json_decref(m);
			return rc;
		}
		return cli_json(c, m, JSON_INDENT(2));
	}
	if (ce.format == EXPORT_JSON)
		return cli_error(c, CLI_EXIT_USAGE, "--all is exported as jsonl or csv");
	if ((rc = cli_audit(c, NULL, "export_all", NULL)) != CLI_EXIT_OK)
		return rc;
	n = export_all(c->shop, ce.format < 0 ? EXPORT_JSONL : (enum export_format)ce.format,
	    c->out, c->now, &damaged, &cause);
	if (n < 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	if (fflush(c->out) != 0)
		return cli_error(c, CLI_EXIT_RUNTIME, "cannot write the export: %s",
		    strerror(errno));
	return cli_export_damaged(c, damaged);
}

/* `unseal --secret-key FILE [IN]`: a sealed export's plaintext on out.  Needs no store. */
static int
cli_unseal(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "secret-key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	static const char	 usage[] = "unseal --secret-key FILE [IN]";
	unsigned char		 pk[SEALFILE_KEY_BYTES], *sk;
	const char		*keyfile = NULL, *name = "standard input";
	char			*cause = NULL;
	FILE			*in = c->in;
	int			 ch, rc;

	while ((ch = cli_getopt(c, argc, argv, "", opts, usage)) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		keyfile = optarg;
	}
	if (keyfile == NULL || argc - optind > 1)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	if (optind < argc && (in = fopen(name = argv[optind], "rb")) == NULL)
		return cli_error(c, CLI_EXIT_RUNTIME, "%s: %s", name, strerror(errno));
	sk = util_secret_alloc(SEALFILE_KEY_BYTES);
	if (sealfile_secret_load(keyfile, pk, sk, &cause) != 0)
		rc = cli_cause(c, CLI_EXIT_RUNTIME, cause);
	else {
		switch (sealfile_unseal(c->out, in, pk, sk, &cause)) {
		case SEALFILE_OK:
			rc = CLI_EXIT_OK;
			break;
		case SEALFILE_REFUSED:
			rc = cli_error(c, CLI_EXIT_INVALID, "%s: %s", name, cause);
			break;
		default:
			rc = cli_error(c, CLI_EXIT_RUNTIME, "%s: %s", name, cause);
		}
		free(cause);
	}
	util_secret_free(sk);
	if (in != c->in)
		fclose(in);
	return rc;
}

/* `export-keys PREFIX`: a key pair for sealed exports, PREFIX.pub and PREFIX.key (mode 0600).
 * Needs no store: it is made for, and kept by, the master data system. */
static int
cli_export_keys(struct cli *c, int argc, char **argv)
{
	char	*pub, *key, *cause = NULL;
	int	 rc;

	if (argc != 2 || argv[1][0] == '\0' || argv[1][0] == '-')
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk export-keys PREFIX (writes "
		    "PREFIX.pub and PREFIX.key)");
	pub = util_xprintf("%s.pub", argv[1]);
	key = util_xprintf("%s.key", argv[1]);
	if (sealfile_keys_create(pub, key, &cause) != 0)
		rc = cli_cause(c, CLI_EXIT_RUNTIME, cause);
	else
		rc = cli_json(c, json_pack("{s:s, s:s}", "public", pub, "secret", key),
		    JSON_COMPACT);
	free(pub);
	free(key);
	return rc;
}

/* `erase --customer UID` */
static int
cli_erase(struct cli *c, int argc, char **argv)
{
	char	 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	int	 rc;

	if ((rc = cli_member(c, argc, argv, false, uid, "erase --customer UID", NULL, NULL,
	    NULL)) != CLI_EXIT_OK)
		return rc;
	if ((rc = customer_erase(c->shop, uid, CONSENT_REQUEST, c->now, &cause)) != CUSTOMER_OK)
		return cli_cause(c, cli_customer_exit(rc), cause);
	if ((rc = cli_audit(c, NULL, "erase_on_request", uid)) != CLI_EXIT_OK)
		return rc;
	return cli_json(c, json_pack("{s:s, s:b}", "customer", uid, "erased", 1), JSON_COMPACT);
}

/* Print one verify problem on err. */
static void
cli_verify_report(const char *problem, void *arg)
{
	struct cli	*c = arg;

	cli_error(c, CLI_EXIT_RUNTIME, "verify: %s", problem);
}

/* `verify` */
static int
cli_verify(struct cli *c, int argc, char **argv)
{
	json_t	*summary;
	char	*cause = NULL;
	int	 n;

	(void)argv;
	if (argc != 1)
		return cli_error(c, CLI_EXIT_USAGE, "verify takes no arguments");
	if ((n = admin_verify(c->shop, c->now, cli_verify_report, c, &summary, &cause)) < 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	cli_json(c, summary, JSON_COMPACT);
	return n == 0 ? CLI_EXIT_OK : CLI_EXIT_RUNTIME;
}

/* `stats` */
static int
cli_stats(struct cli *c, int argc, char **argv)
{
	json_t	*o;
	char	*cause = NULL;

	(void)argv;
	if (argc != 1)
		return cli_error(c, CLI_EXIT_USAGE, "stats takes no arguments");
	if ((o = admin_stats(c->shop, c->now, &cause)) == NULL)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	return cli_json(c, o, JSON_INDENT(2));
}

/* `purge [--dry-run]` */
static int
cli_purge(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	json_t	*o;
	char	*cause = NULL;
	bool	 dry = false;
	int	 ch;

	while ((ch = cli_getopt(c, argc, argv, "", opts, "purge [--dry-run]")) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		dry = true;
	}
	if (optind != argc)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk purge [--dry-run]");
	if ((o = admin_purge(c->shop, c->now, dry, NULL, &cause)) == NULL)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	return cli_json(c, o, JSON_COMPACT);
}

/* A catalogue text in every configured language, as {"en": ..., "de": ...}. */
static json_t *
cli_text(const struct shop *s, const struct catalog_text *t)
{
	json_t	*o = json_object();
	int	 i;

	for (i = 0; i < s->config->nlanguages; i++)
		json_object_set_new(o, s->config->languages[i], json_string(catalog_text_get(t, i)));
	return o;
}

/* A list of strings as a JSON array. */
static json_t *
cli_strings(char *const *v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* `catalog`: the active catalogue as JSON. */
static int
cli_catalog(struct cli *c, int argc, char **argv)
{
	const struct catalog	*cat = c->shop->catalog;
	json_t			*o, *a, *f;
	size_t			 i, j;

	(void)argv;
	if (argc != 1)
		return cli_error(c, CLI_EXIT_USAGE, "catalog takes no arguments");
	o = json_object();
	json_object_set_new(o, "languages", cli_strings(c->shop->config->languages,
	    (size_t)c->shop->config->nlanguages));
	a = json_array();
	for (i = 0; i < cat->ncategories; i++)
		json_array_append_new(a, json_pack("{s:s, s:o}", "id", cat->categories[i].id,
		    "title", cli_text(c->shop, &cat->categories[i].title)));
	json_object_set_new(o, "categories", a);
	a = json_array();
	for (i = 0; i < cat->ninterests; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "id", cat->interests[i].id,
		    "category", cat->categories[cat->interests[i].category].id,
		    "title", cli_text(c->shop, &cat->interests[i].title)));
	json_object_set_new(o, "interests", a);
	a = json_array();
	for (i = 0; i < cat->nchannels; i++) {
		const struct catalog_channel *ch = &cat->channels[i];
		f = json_array();
		for (j = 0; j < ch->nfrequencies; j++)
			json_array_append_new(f, json_string(cat->frequencies[ch->frequencies[j]].id));
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o}", "id", ch->id,
		    "needs", contact_field_name(ch->needs), "frequencies", f,
		    "title", cli_text(c->shop, &ch->title)));
	}
	json_object_set_new(o, "channels", a);
	a = json_array();
	for (i = 0; i < cat->npurposes; i++) {
		const struct catalog_purpose *p = &cat->purposes[i];
		json_array_append_new(a, json_pack("{s:s, s:b, s:b, s:s, s:o, s:o, s:i, s:i, s:o, "
		    "s:o}", "id", p->id, "sensitive", p->sensitive, "third_party", p->third_party,
		    "lawful_basis", p->lawful_basis, "data", cli_strings(p->data, p->ndata),
		    "recipients", cli_strings(p->recipients, p->nrecipients),
		    "retention_days", p->retention_days, "validity_days", p->validity_days,
		    "title", cli_text(c->shop, &p->title),
		    "description", cli_text(c->shop, &p->description)));
	}
	json_object_set_new(o, "purposes", a);
	a = json_array();
	for (i = 0; i < cat->nrewards; i++) {
		const struct catalog_reward *r = &cat->rewards[i];
		json_t *rw = json_pack("{s:s, s:i, s:s, s:i, s:s, s:i, s:i, s:b, s:o}", "id", r->id,
		    "number", r->number, "kind", catalog_reward_kind_name(r->kind), "value", r->value,
		    "trigger", catalog_trigger_name(r->trigger), "validity_days", r->validity_days,
		    "limit", r->limit, "incentive_notice", r->has_incentive,
		    "title", cli_text(c->shop, &r->title));
		if (r->trigger == CATALOG_TRIGGER_COMPLETION) {
			json_object_set_new(rw, "interests", json_integer(r->min_interests));
			json_object_set_new(rw, "categories", json_integer(r->min_categories));
		}
		if (r->trigger == CATALOG_TRIGGER_STAMP)
			json_object_set_new(rw, "every", json_integer(r->every));
		if (r->has_incentive)
			json_object_set_new(rw, "data_value_cents",
			    json_integer(r->data_value_cents));
		json_array_append_new(a, rw);
	}
	json_object_set_new(o, "rewards", a);
	return cli_json(c, o, JSON_INDENT(2));
}

/* Read a PIN from the first line of in (wiped by the caller). */
static int
cli_read_pin(struct cli *c, char *pin, size_t size)
{
	size_t	len;

	if (fgets(pin, (int)size, c->in) == NULL)
		return cli_error(c, CLI_EXIT_USAGE, "no PIN on standard input");
	len = strcspn(pin, "\r\n");
	pin[len] = '\0';
	return CLI_EXIT_OK;
}

/* A staff_result as an exit code, printing its reason. */
static int
cli_staff_exit(struct cli *c, int result, const char *name, char *cause)
{
	switch (result) {
	case STAFF_OK:
		free(cause);
		return CLI_EXIT_OK;
	case STAFF_NOT_FOUND:
		free(cause);
		return cli_error(c, CLI_EXIT_NOT_FOUND, "no staff member '%s'", name);
	case STAFF_EXISTS:
		free(cause);
		return cli_error(c, CLI_EXIT_USAGE, "staff member '%s' already exists", name);
	case STAFF_BAD_INPUT:
		return cli_cause(c, CLI_EXIT_USAGE, cause);
	case STAFF_WRONG_PIN:
		free(cause);
		return cli_error(c, CLI_EXIT_INVALID, "wrong PIN for '%s'", name);
	case STAFF_LOCKED:
		free(cause);
		return cli_error(c, CLI_EXIT_LOCKED, "'%s' is locked out after too many wrong "
		    "PINs; try again later", name);
	case STAFF_LAST_ADMIN:
		free(cause);
		return cli_error(c, CLI_EXIT_USAGE, "'%s' is the only admin: add another admin "
		    "first", name);
	default:
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	}
}

/* Print one staff account as a JSON line. */
static int
cli_staff_print(const struct staff_info *si, void *arg)
{
	struct cli	*c = arg;
	char		 when[21];
	json_t		*o;

	util_iso8601(si->created, when);
	o = json_pack("{s:s, s:s, s:s, s:b}", "name", si->name, "role",
	    staff_role_name(si->role), "created", when, "locked", si->locked_until > c->now);
	json_dumpf(o, c->out, JSON_COMPACT);
	fputc('\n', c->out);
	json_decref(o);
	return 0;
}

/* `staff add NAME --role R | list | remove NAME | verify NAME` (PINs on stdin) */
static int
cli_staff(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	static const char usage[] = "staff add NAME --role staff|admin | list | remove NAME | "
	    "verify NAME (PINs on standard input)";
	char		 pin[64], *cause = NULL;
	const char	*verb, *name = NULL;
	time_t		 until;
	int		 ch, role = -1, rc, got;
	enum staff_role	 r;

	if (argc < 2)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	verb = argv[1];
	argc--;
	argv++;
	while ((ch = cli_getopt(c, argc, argv, "", opts, usage)) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		if ((role = staff_role_parse(optarg)) < 0)
			return cli_error(c, CLI_EXIT_USAGE, "--role: staff or admin");
	}
	if (optind < argc)
		name = argv[optind++];
	if (optind != argc)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);

	if (strcmp(verb, "list") == 0 && name == NULL) {
		if (staff_list(c->shop->store, cli_staff_print, c, &cause) != 0)
			return cli_cause(c, CLI_EXIT_RUNTIME, cause);
		return CLI_EXIT_OK;
	}
	if (name == NULL)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	if (strcmp(verb, "remove") == 0) {
		rc = admin_staff_remove(c->shop, NULL, name, c->now, &cause);
		if (rc == STAFF_OK)
			return cli_json(c, json_pack("{s:s, s:b}", "name", name, "removed", 1),
			    JSON_COMPACT);
		return cli_staff_exit(c, rc, name, cause);
	}
	if (strcmp(verb, "add") == 0) {
		if (role < 0)
			return cli_error(c, CLI_EXIT_USAGE, "staff add needs --role staff|admin");
		if ((rc = cli_read_pin(c, pin, sizeof pin)) != CLI_EXIT_OK)
			return rc;
		rc = admin_staff_add(c->shop, NULL, name, (enum staff_role)role, pin, c->now,
		    &cause);
		sodium_memzero(pin, sizeof pin);
		if (rc == STAFF_OK)
			return cli_json(c, json_pack("{s:s, s:s}", "name", name, "role",
			    staff_role_name((enum staff_role)role)), JSON_COMPACT);
		return cli_staff_exit(c, rc, name, cause);
	}
	if (strcmp(verb, "verify") == 0) {
		if ((got = cli_read_pin(c, pin, sizeof pin)) != CLI_EXIT_OK)
			return got;
		rc = staff_verify(c->shop->store, c->shop->vault, name, pin, c->now,
		    c->shop->config->staff_max_failures, c->shop->config->staff_lockout_minutes,
		    &r, &until, &cause);
		sodium_memzero(pin, sizeof pin);
		if ((rc == STAFF_OK || rc == STAFF_WRONG_PIN || rc == STAFF_LOCKED) &&
		    cli_audit(c, name, rc == STAFF_OK ? "sign_in" : "wrong_pin", name) !=
		    CLI_EXIT_OK)
			return CLI_EXIT_RUNTIME;
		if (rc == STAFF_OK)
			return cli_json(c, json_pack("{s:s, s:s}", "name", name, "role",
			    staff_role_name(r)), JSON_COMPACT);
		return cli_staff_exit(c, rc, name, cause);
	}
	return cli_error(c, CLI_EXIT_USAGE, "unknown staff command '%s'; usage: prefkiosk %s",
	    verb, usage);
}

/* A ticket's outcome as an exit code, with the one-line reason on err. */
static int
cli_ticket_exit(struct cli *c, const struct reward_ticket *t)
{
	char	when[21], day[11];

	switch (t->status) {
	case REWARD_VALID:
	case REWARD_REDEEMED:
		return CLI_EXIT_OK;
	case REWARD_ALREADY:
		util_iso8601(t->redeemed_at, when);
		if (t->terminal >= 0 && t->terminal != c->shop->config->terminal_id)
			return cli_error(c, CLI_EXIT_REDEEMED, "already redeemed on %s at terminal "
			    "%d%s%s", when, t->terminal, t->till[0] != '\0' ? ", till " : "",
			    t->till);
		return cli_error(c, CLI_EXIT_REDEEMED, "already redeemed on %s%s%s", when,
		    t->till[0] != '\0' ? " at till " : "", t->till);
	case REWARD_OFFLINE:
		return cli_error(c, CLI_EXIT_RUNTIME, "the hub cannot be reached and "
		    "[hub] offline_redemption = refuse: nothing was redeemed, the code stays valid; "
		    "try again when the hub is back");
	case REWARD_EXPIRED:
		util_day(t->expires, day);
		return cli_error(c, CLI_EXIT_EXPIRED, "expired: the code was valid until %s", day);
	case REWARD_REVOKED:
		if (strcmp(t->revoked_reason, "replaced") == 0)
			return cli_error(c, CLI_EXIT_EXPIRED, "revoked: this code was replaced by "
			    "a new one when the store's keys were rotated; the member finds it "
			    "among their rewards");
		return cli_error(c, CLI_EXIT_EXPIRED, "revoked: this reward was withdrawn (its "
		    "member's data was erased, or an admin revoked it)");
	case REWARD_UNKNOWN:
		return cli_error(c, CLI_EXIT_INVALID, "a genuine code from terminal %u, but not in "
		    "this store's ledger; was it issued by another terminal?", t->payload.terminal);
	case REWARD_FORGED:
		if (t->code_status == CODE_OK)
			return cli_error(c, CLI_EXIT_INVALID, "not genuine: the ledger holds a "
			    "different code for this serial");
		/* FALLTHROUGH */
	default:
		return cli_error(c, CLI_EXIT_INVALID, "%s", code_status_text(t->code_status));
	}
}

/* `check CODE` and `redeem CODE [--till NAME] [--staff NAME]` */
static int
cli_code(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "till", required_argument, NULL, 't' },
		{ "staff", required_argument, NULL, 's' },
		{ "hub", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool			 redeem = strcmp(argv[0], "redeem") == 0;
	const char		*usage = redeem ? "redeem CODE [--till NAME] [--staff NAME] "
				    "[--hub CONNINFO]" : "check CODE";
	const char		*till = NULL, *staff = NULL, *hub = NULL;
	struct reward_ticket	 t;
	struct fleet		*f;
	char			*cause = NULL;
	int			 ch, rc;

	while ((ch = cli_getopt(c, argc, argv, "", redeem ? opts : opts + 3, usage)) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		if (ch == 't')
			till = optarg;
		else if (ch == 's')
			staff = optarg;
		else if (ch == 'h')
			hub = optarg;
	}
	if (optind != argc - 1)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	if ((till != NULL && (strlen(till) == 0 || strlen(till) > 64)) ||
	    (staff != NULL && (strlen(staff) == 0 || strlen(staff) > 32)))
		return cli_error(c, CLI_EXIT_USAGE, "--till is 1 to 64 characters, --staff 1 to 32");
	/* With a hub configured, the hub decides every redemption. */
	if (redeem && (f = fleet_open(c->shop, sync_conninfo(c->shop, hub))) != NULL) {
		rc = fleet_redeem(f, argv[optind], till, staff, c->now, &t, &cause);
		fleet_close(f);
	} else
		rc = redeem ? reward_redeem(c->shop, argv[optind], till, staff, c->now, &t,
		    &cause) : reward_check(c->shop, argv[optind], c->now, &t, &cause);
	if (rc != 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	if ((rc = cli_json(c, reward_ticket_json(c->shop, &t), JSON_COMPACT)) != CLI_EXIT_OK)
		return rc;
	return cli_ticket_exit(c, &t);
}

/* Options of `visit`. */
struct cli_visit {
	const char	*staff;
};

static int
cli_visit_opt(struct cli *c, int ch, char *value, void *arg)
{
	struct cli_visit	*cv = arg;

	if (ch == 's') {
		if (strlen(value) > 32)
			return cli_error(c, CLI_EXIT_USAGE, "--staff: at most 32 characters");
		cv->staff = value;
	}
	return CLI_EXIT_OK;
}

/* What an action earned, and the member's rewards and stamps now, as one document. */
static int
cli_earned(struct cli *c, const char *uid, const struct reward_list *l, json_t *o)
{
	json_t	*m = json_object();
	char	*cause = NULL;

	json_object_set_new(o, "customer", json_string(uid));
	json_object_set_new(o, "issued", reward_list_json(c->shop, l, 0));
	if (reward_member_json(c->shop, uid, c->now, true, m, &cause) != 0) {
		json_decref(m);
		json_decref(o);
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	}
	json_object_set(o, "rewards", json_object_get(m, "rewards"));
	json_object_set(o, "stamps", json_object_get(m, "stamps"));
	json_decref(m);
	return cli_json(c, o, JSON_COMPACT);
}

/* `visit --customer UID | --card N | --phone P | --email E [--staff NAME]` */
static int
cli_visit(struct cli *c, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "staff", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_visit	 cv = { NULL };
	struct reward_list	 l = { .n = 0 };
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	long			 count;
	int			 rc;

	rc = cli_member(c, argc, argv, true, uid, "visit --customer UID | --card N | --phone P | "
	    "--email E [--staff NAME]", extra, cli_visit_opt, &cv);
	if (rc != CLI_EXIT_OK)
		return rc;
	if ((rc = reward_visit(c->shop, uid, cv.staff, c->now, &count, &l, &cause)) != 0)
		return cli_cause(c, cli_customer_exit(rc), cause);
	return cli_earned(c, uid, &l, json_pack("{s:I}", "visits", (json_int_t)count));
}

/* Options of `feedback` and `grant`. */
struct cli_give {
	int		 rating;
	int		 rule;
};

static int
cli_give_opt(struct cli *c, int ch, char *value, void *arg)
{
	struct cli_give	*g = arg;
	char		*end;
	long		 n;

	if (ch == 'r') {
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || n < 1 || n > 5)
			return cli_error(c, CLI_EXIT_USAGE, "--rating: a number from 1 to 5");
		g->rating = (int)n;
	} else if (ch == 'w') {
		if ((g->rule = catalog_reward_find(c->shop->catalog, value)) < 0)
			return cli_error(c, CLI_EXIT_USAGE, "'%s' is not a reward of the catalogue "
			    "(see prefkiosk catalog)", value);
	}
	return CLI_EXIT_OK;
}

/* `feedback --customer UID --rating 1-5` and `grant --customer UID --reward RULE` */
static int
cli_give(struct cli *c, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "rating", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
		{ "reward", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	bool			 grant = strcmp(argv[0], "grant") == 0;
	const char		*usage = grant ? "grant --customer UID --reward RULE" :
				    "feedback --customer UID --rating 1-5";
	struct cli_give		 g = { 0, -1 };
	struct reward_list	 l = { .n = 0 };
	char			 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	int			 rc;

	rc = cli_member(c, argc, argv, false, uid, usage, grant ? extra + 2 : extra, cli_give_opt,
	    &g);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (grant ? g.rule < 0 : g.rating == 0)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	rc = grant ? reward_grant(c->shop, uid, g.rule, c->now, &l, &cause) :
	    reward_feedback(c->shop, uid, g.rating, c->now, &l, &cause);
	if (rc < 0 || rc == CUSTOMER_NOT_FOUND || rc == CUSTOMER_INVALID)
		return cli_cause(c, rc == -1 ? CLI_EXIT_RUNTIME : cli_customer_exit(rc), cause);
	if (grant && rc == 0)
		return cli_error(c, CLI_EXIT_USAGE, "member %s already has as many '%s' rewards as "
		    "the rule allows (limit %d)", uid, c->shop->catalog->rewards[g.rule].id,
		    c->shop->catalog->rewards[g.rule].limit);
	return cli_earned(c, uid, &l, json_object());
}

/* `update --customer UID` < document.json */
static int
cli_update(struct cli *c, int argc, char **argv)
{
	struct customer_enrolment	*e;
	json_error_t			 jerr;
	json_t				*doc;
	char				 uid[CUSTOMER_UID_LEN + 1], *cause = NULL;
	int				 rc;

	if ((rc = cli_member(c, argc, argv, false, uid, "update --customer UID < update.json",
	    NULL, NULL, NULL)) != CLI_EXIT_OK)
		return rc;
	if ((doc = json_loadf(c->in, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return cli_error(c, CLI_EXIT_USAGE, "standard input, line %d, column %d: not "
		    "a JSON document: %s", jerr.line, jerr.column, cli_json_reason(&jerr));
	e = customer_enrolment_new();
	customer_profile_free(e->profile);
	if ((rc = customer_load(c->shop, uid, &e->profile, &cause)) == CUSTOMER_OK &&
	    (rc = customer_update_from_json(c->shop, doc, e, &cause)) == CUSTOMER_OK)
		rc = customer_update(c->shop, uid, e, c->now, &cause);
	json_decref(doc);
	if (rc != CUSTOMER_OK) {
		customer_enrolment_free(e);
		return cli_cause(c, cli_customer_exit(rc), cause);
	}
	rc = cli_earned(c, uid, &e->rewards, json_pack("{s:o}", "profile",
	    customer_profile_json(c->shop, e->profile)));
	customer_enrolment_free(e);
	return rc;
}

/* Options of `qr`. */
struct cli_qr {
	const char	*png, *escpos;
	bool		 text;
	int		 scale, quiet;
};

/* A whole number in [min, max] from an option value; -1 when it is not one. */
static int
cli_number(const char *value, int min, int max)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (*value == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		return -1;
	return (int)n;
}

/* Write a slip's bytes to a file (0600), for `qr --escpos`. */
static int
cli_write_file(struct cli *c, const char *path, const struct escpos_buf *b)
{
	FILE	*f;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1 ||
	    (f = fdopen(fd, "wb")) == NULL) {
		if (fd != -1)
			close(fd);
		return cli_error(c, CLI_EXIT_RUNTIME, "%s: cannot write: %s", path,
		    strerror(errno));
	}
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0)
		return cli_error(c, CLI_EXIT_RUNTIME, "%s: cannot write: %s", path,
		    strerror(errno));
	return CLI_EXIT_OK;
}

/* `qr CODE --text | --png FILE [--scale N] [--quiet N] | --escpos FILE` */
static int
cli_qr(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "text", no_argument, NULL, 't' },
		{ "png", required_argument, NULL, 'p' },
		{ "escpos", required_argument, NULL, 'e' },
		{ "scale", required_argument, NULL, 's' },
		{ "quiet", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	static const char	 usage[] = "qr CODE --text | --png FILE [--scale N] [--quiet N] | "
	    "--escpos FILE";
	struct cli_qr		 o = { NULL, NULL, false, 8, QR_QUIET };
	struct reward_ticket	 t;
	struct escpos_buf	 b = { NULL, 0, 0 };
	struct qr		*q = NULL;
	char			*cause = NULL;
	int			 ch, rc;

	while ((ch = cli_getopt(c, argc, argv, "", opts, usage)) != -1) {
		switch (ch) {
		case -2:
			return CLI_EXIT_USAGE;
		case 't':
			o.text = true;
			break;
		case 'p':
			o.png = optarg;
			break;
		case 'e':
			o.escpos = optarg;
			break;
		case 's':
			if ((o.scale = cli_number(optarg, 1, QR_SCALE_MAX)) < 0)
				return cli_error(c, CLI_EXIT_USAGE, "--scale: pixels per module, 1 "
				    "to %d", QR_SCALE_MAX);
			break;
		case 'q':
			if ((o.quiet = cli_number(optarg, 0, QR_QUIET_MAX)) < 0)
				return cli_error(c, CLI_EXIT_USAGE, "--quiet: modules of quiet zone, 0 "
				    "to %d (4 is the standard)", QR_QUIET_MAX);
			break;
		}
	}
	if (optind != argc - 1 || (o.text ? 1 : 0) + (o.png != NULL) + (o.escpos != NULL) != 1)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);

	/* Only genuine codes are drawn, and a slip only for a code that can still be used. */
	rc = o.escpos != NULL ? slip_build(c->shop, argv[optind], c->now, &t, &b, &cause) :
	    reward_check(c->shop, argv[optind], c->now, &t, &cause);
	if (rc != 0) {
		escpos_buf_clear(&b);
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	}
	if (t.code_status != CODE_OK || t.status == REWARD_INVALID ||
	    t.status == REWARD_FORGED || (o.escpos != NULL && t.status != REWARD_VALID))
		return cli_ticket_exit(c, &t);
	if (o.escpos != NULL) {
		rc = cli_write_file(c, o.escpos, &b);
		escpos_buf_clear(&b);
		return rc;
	}
	if (qr_encode(t.code, &q, &cause) != 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	if (o.png != NULL)
		rc = qr_png(q, o.scale, o.quiet, o.png, &cause) == 0 ? CLI_EXIT_OK :
		    cli_cause(c, CLI_EXIT_RUNTIME, cause);
	else if (qr_text(q, o.quiet, c->out) != 0 || fflush(c->out) != 0)
		rc = cli_error(c, CLI_EXIT_RUNTIME, "cannot write the code: %s", strerror(errno));
	else
		rc = CLI_EXIT_OK;
	qr_free(q);
	return rc;
}

/* `print CODE`: the reward's slip to the configured printer. */
static int
cli_print(struct cli *c, int argc, char **argv)
{
	struct reward_ticket	 t;
	struct escpos_buf	 b = { NULL, 0, 0 };
	char			*cause = NULL;
	size_t			 len;
	int			 rc;

	if (argc != 2)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk print CODE");
	if (slip_build(c->shop, argv[1], c->now, &t, &b, &cause) != 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	if (t.status != REWARD_VALID)
		return cli_ticket_exit(c, &t);
	rc = slip_print(c->shop, &b, &cause);
	len = b.len;
	escpos_buf_clear(&b);
	if (rc != 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	return cli_json(c, json_pack("{s:s, s:s, s:I}", "printed", t.code, "printer",
	    c->shop->config->printer_transport, "bytes", (json_int_t)len), JSON_COMPACT);
}

/* `audit`: the staff audit chain as JSON lines. */
static int
cli_audit_print(struct cli *c, int argc, char **argv)
{
	char	*cause = NULL;

	(void)argv;
	if (argc != 1)
		return cli_error(c, CLI_EXIT_USAGE, "audit takes no arguments");
	if (audit_print(c->shop, c->out, &cause) != 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	if (fflush(c->out) != 0)
		return cli_error(c, CLI_EXIT_RUNTIME, "cannot write the audit: %s",
		    strerror(errno));
	return CLI_EXIT_OK;
}

/* `rekey [--codes] [--staff NAME]`: a new key for the store; a passphrase store's new
 * passphrase from $PREFKIOSK_NEW_PASSPHRASE or asked twice. */
static int
cli_rekey(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "codes", no_argument, NULL, 'c' },
		{ "staff", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	static const char	 usage[] = "rekey [--codes] [--staff NAME]";
	struct rekey_options	 o = { c->paths.key_file, NULL, false };
	struct rekey_report	 r;
	const char		*staff = NULL;
	char			*pass = NULL, *cause = NULL;
	int			 ch, rc, code;

	while ((ch = cli_getopt(c, argc, argv, "", opts, usage)) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		if (ch == 'c')
			o.codes = true;
		else if (ch == 's')
			staff = optarg;
	}
	if (optind != argc)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	if (staff != NULL && (strlen(staff) == 0 || strlen(staff) > 32))
		return cli_error(c, CLI_EXIT_USAGE, "--staff: 1 to 32 characters");
	if (c->shop->passphrase) {
		if ((pass = shop_passphrase_new(getenv("PREFKIOSK_NEW_PASSPHRASE"),
		    "PREFKIOSK_NEW_PASSPHRASE", &cause)) == NULL)
			return cli_cause(c, CLI_EXIT_USAGE, cause);
		o.passphrase = pass;
	}
	rc = rekey_run(c->shop, &o, staff, c->now, &r, &cause);
	sodium_free(pass);
	if (rc < 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	code = cli_json(c, json_pack("{s:s?, s:b, s:I, s:I, s:I, s:I, s:I}", "key_file",
	    c->shop->passphrase ? NULL : o.key_file, "codes", o.codes,
	    "members", (json_int_t)r.members, "damaged", (json_int_t)r.damaged,
	    "consent_records", (json_int_t)r.consent_records,
	    "audit_records", (json_int_t)r.audit_records,
	    "rewards_replaced", (json_int_t)r.rewards_replaced), JSON_COMPACT);
	if (rc > 0)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	if (code == CLI_EXIT_OK && r.damaged > 0)
		return cli_error(c, CLI_EXIT_RUNTIME, "the store was re-keyed, but %ld member(s) "
		    "could not be read and keep the old key; run prefkiosk verify", r.damaged);
	return code;
}

/* `run`: the kiosk, from ui/ through the hooks. */
static int
cli_run(struct cli *c, int argc, char **argv)
{
	if (c->hooks == NULL || c->hooks->run == NULL)
		return cli_error(c, CLI_EXIT_RUNTIME, "this build has no kiosk");
	return c->hooks->run(c->shop, argc, argv, c->err);
}

/* `hub init [--hub CONNINFO]` */
static int
cli_hub(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hub", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char	 usage[] = "hub init [--hub CONNINFO]";
	const char		*given = NULL;
	struct hub		*h;
	char			*cause = NULL;
	int			 ch, from;

	while ((ch = cli_getopt(c, argc, argv, "", opts, usage)) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		given = optarg;
	}
	if (optind != argc - 1 || strcmp(argv[optind], "init") != 0)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	if ((h = hub_connect(sync_conninfo(c->shop, given), &cause)) == NULL)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	if (hub_init(h, &from, &cause) != 0) {
		hub_close(h);
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	}
	hub_close(h);
	return cli_json(c, json_pack("{s:i, s:i}", "version", HUB_VERSION, "migrated_from", from),
	    JSON_COMPACT);
}

/* `sync [--hub CONNINFO]` */
static int
cli_sync(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hub", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char	 usage[] = "sync [--hub CONNINFO]";
	struct sync_result	 r;
	const char		*given = NULL;
	struct hub		*h;
	char			*cause = NULL;
	json_t			*o;
	int			 ch, rc;

	while ((ch = cli_getopt(c, argc, argv, "", opts, usage)) != -1) {
		if (ch == -2)
			return CLI_EXIT_USAGE;
		given = optarg;
	}
	if (optind != argc)
		return cli_error(c, CLI_EXIT_USAGE, "usage: prefkiosk %s", usage);
	if ((h = hub_connect(sync_conninfo(c->shop, given), &cause)) == NULL)
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	rc = sync_run(c->shop, h, &r, &cause);
	hub_close(h);
	if (rc != 0) {
		sync_result_free(&r);
		return cli_cause(c, CLI_EXIT_RUNTIME, cause);
	}
	o = sync_result_json(c->shop, &r);
	sync_result_free(&r);
	return cli_json(c, o, JSON_COMPACT);
}

static const struct cli_command cli_commands[] = {
	{ "init", "init [--passphrase] [--terminal ID]", CLI_NEEDS_NOTHING, cli_init },
	{ "run", "run [--desk] [--staff NAME]", CLI_NEEDS_SHOP, cli_run },
	{ "enroll", "enroll < enrolment.json", CLI_NEEDS_SHOP, cli_enroll },
	{ "import", "import FILE.jsonl", CLI_NEEDS_SHOP, cli_import },
	{ "lookup", "lookup --card N | --phone P | --email E", CLI_NEEDS_SHOP, cli_lookup },
	{ "consent", "consent --customer UID --grant P | --withdraw P | --withdraw-all",
	    CLI_NEEDS_SHOP, cli_consent },
	{ "export", "export --customer UID | --all [--format json|jsonl|csv] [--seal-to PUBKEYFILE "
	    "--out FILE]", CLI_NEEDS_SHOP, cli_export },
	{ "unseal", "unseal --secret-key FILE [IN]", CLI_NEEDS_NOTHING, cli_unseal },
	{ "export-keys", "export-keys PREFIX", CLI_NEEDS_NOTHING, cli_export_keys },
	{ "erase", "erase --customer UID", CLI_NEEDS_SHOP, cli_erase },
	{ "update", "update --customer UID < update.json", CLI_NEEDS_SHOP, cli_update },
	{ "check", "check CODE", CLI_NEEDS_SHOP, cli_code },
	{ "redeem", "redeem CODE [--till NAME] [--staff NAME] [--hub CONNINFO]", CLI_NEEDS_SHOP,
	    cli_code },
	{ "visit", "visit --customer UID | --card N | --phone P | --email E [--staff NAME]",
	    CLI_NEEDS_SHOP, cli_visit },
	{ "feedback", "feedback --customer UID --rating 1-5", CLI_NEEDS_SHOP, cli_give },
	{ "qr", "qr CODE --text | --png FILE [--scale N] [--quiet N] | --escpos FILE",
	    CLI_NEEDS_SHOP, cli_qr },
	{ "print", "print CODE", CLI_NEEDS_SHOP, cli_print },
	{ "grant", "grant --customer UID --reward RULE", CLI_NEEDS_SHOP, cli_give },
	{ "verify", "verify", CLI_NEEDS_SHOP, cli_verify },
	{ "audit", "audit", CLI_NEEDS_SHOP, cli_audit_print },
	{ "stats", "stats", CLI_NEEDS_SHOP, cli_stats },
	{ "purge", "purge [--dry-run]", CLI_NEEDS_SHOP, cli_purge },
	{ "rekey", "rekey [--codes] [--staff NAME]", CLI_NEEDS_SHOP, cli_rekey },
	{ "catalog", "catalog", CLI_NEEDS_CATALOG, cli_catalog },
	{ "hub", "hub init [--hub CONNINFO]", CLI_NEEDS_CATALOG, cli_hub },
	{ "sync", "sync [--hub CONNINFO]", CLI_NEEDS_SHOP, cli_sync },
	{ "staff", "staff add NAME --role staff|admin | list | remove NAME | verify NAME",
	    CLI_NEEDS_SHOP, cli_staff },
};

/* Print the usage of every command on stdout. */
static int
cli_usage(struct cli *c)
{
	size_t	i;

	fputs("usage: prefkiosk [--db PATH] [--config DIR] [--key-file PATH] COMMAND ...\n",
	    c->out);
	for (i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++)
		fprintf(c->out, "  prefkiosk %s\n", cli_commands[i].usage);
	return CLI_EXIT_OK;
}

/* Take the global options out of argv, wherever they stand; returns the new argc or -1. */
static int
cli_globals(struct cli *c, int argc, char **argv)
{
	static const struct { const char *name; size_t off; } globals[] = {
		{ "--db", offsetof(struct shop_paths, db) },
		{ "--config", offsetof(struct shop_paths, config) },
		{ "--key-file", offsetof(struct shop_paths, key_file) },
	};
	int	i, j, n = 1;
	size_t	k, len;

	for (i = 1; i < argc; i++) {
		for (k = 0; k < sizeof globals / sizeof globals[0]; k++) {
			len = strlen(globals[k].name);
			if (strncmp(argv[i], globals[k].name, len) == 0 &&
			    (argv[i][len] == '\0' || argv[i][len] == '='))
				break;
		}
		if (k == sizeof globals / sizeof globals[0]) {
			argv[n++] = argv[i];
			continue;
		}
		const char **slot = (const char **)((char *)&c->paths + globals[k].off);
		if (argv[i][len] == '=')
			*slot = argv[i] + len + 1;
		else if (i + 1 < argc)
			*slot = argv[++i];
		else {
			cli_error(c, CLI_EXIT_USAGE, "%s needs a value", globals[k].name);
			return -1;
		}
		if (**slot == '\0') {
			cli_error(c, CLI_EXIT_USAGE, "%s needs a value", globals[k].name);
			return -1;
		}
	}
	for (j = n; j < argc; j++)
		argv[j] = NULL;
	return n;
}

int
cli_main(int argc, char **argv, const struct cli_hooks *hooks, FILE *in, FILE *out, FILE *err)
{
	struct cli			 c;
	const struct cli_command	*cmd = NULL;
	char				*cause = NULL, *run[] = { (char *)"run", NULL };
	size_t				 i;
	int				 code;

	memset(&c, 0, sizeof c);
	c.hooks = hooks;
	c.in = in;
	c.out = out;
	c.err = err;
	c.now = time(NULL);
	shop_paths_default(&c.paths, c.credential, sizeof c.credential);
	if ((argc = cli_globals(&c, argc, argv)) < 0)
		return CLI_EXIT_USAGE;
	if (argc < 2) {
		argv = run;
		argc = 1;
	} else {
		argv++;
		argc--;
	}
	if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0)
		return cli_usage(&c);
	for (i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++)
		if (strcmp(argv[0], cli_commands[i].name) == 0)
			cmd = &cli_commands[i];
	if (cmd == NULL)
		return cli_error(&c, CLI_EXIT_USAGE, "unknown command '%s'; see prefkiosk help",
		    argv[0]);
	if (vault_init() != 0)
		return cli_error(&c, CLI_EXIT_RUNTIME, "cannot start libsodium");
	if (cmd->needs == CLI_NEEDS_CATALOG)
		c.shop = shop_open_catalog(&c.paths, &code, &cause);
	else if (cmd->needs == CLI_NEEDS_SHOP)
		c.shop = shop_open(&c.paths, &code, &cause);
	if (cmd->needs != CLI_NEEDS_NOTHING && c.shop == NULL)
		return cli_cause(&c, code, cause);
	optind = 0;	/* glibc: a full reset of getopt for this argv */
	code = cmd->exec(&c, argc, argv);
	shop_close(c.shop);
	return code;
}
