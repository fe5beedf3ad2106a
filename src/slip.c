/*
 * slip — a reward slip from the ledger, the catalogue and the member's consents.
 *
 * The slip's few fixed words are a table by language (English when a configured language has
 * none); the titles come from the catalogue in the member's language.
 */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include <sodium.h>

#include "consent.h"
#include "customer.h"
#include "i18n.h"
#include "printer.h"
#include "slip.h"
#include "util.h"

struct slip_words {
	const char	*lang;
	const char	*valid;		/* "Valid until " */
	const char	*receipt;	/* "Consent receipt: " */
	const char	*agreed;	/* "You agreed to: " */
	const char	*none;		/* no consent given */
	const char	*withdraw;	/* how to change or withdraw, then the contact */
};

static const struct slip_words slip_words[] = {
	{ "en", "Valid until ", "Consent receipt: ", "You agreed to: ",
	    "You gave no consent.",
	    "Change or withdraw any consent at any time under 'My consents' at our kiosk, "
	    "or write to " },
	{ "de", "Gültig bis ", "Einwilligungsbeleg: ", "Sie haben eingewilligt in: ",
	    "Sie haben keine Einwilligung gegeben.",
	    "Jede Einwilligung können Sie jederzeit unter 'Meine Einwilligungen' am Kiosk ändern "
	    "oder widerrufen, oder schreiben Sie an " },
	{ "fr", "Valable jusqu'au ", "Reçu de consentement : ", "Vous avez accepté : ",
	    "Vous n'avez donné aucun consentement.",
	    "Modifiez ou retirez un consentement à tout moment sous « Mes consentements » à "
	    "notre borne, ou écrivez à " },
	{ "es", "Válido hasta ", "Recibo de consentimiento: ", "Has aceptado: ",
	    "No has dado ningún consentimiento.",
	    "Cambia o retira cualquier consentimiento cuando quieras en «Mis consentimientos» "
	    "en nuestro quiosco, o escribe a " },
};

static const struct slip_words *
slip_words_for(const char *lang)
{
	size_t	i;

	for (i = 0; i < sizeof slip_words / sizeof slip_words[0]; i++)
		if (strcmp(slip_words[i].lang, lang) == 0)
			return &slip_words[i];
	return &slip_words[0];
}

/* "You agreed to: A, B. Change or withdraw ... write to <contact>." (caller frees). */
static char *
slip_footer(struct shop *s, const char *uid, int lang, const struct slip_words *w, time_t now,
    char **cause)
{
	struct consent_current	 cur;
	char			*text = NULL, *next;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < s->catalog->npurposes; i++) {
		if (consent_current(s, uid, (int)i, &cur, cause) != 0) {
			free(text);
			return NULL;
		}
		if (!consent_is_current(s, &cur, (int)i, now))
			continue;
		next = util_xprintf("%s%s%s", n == 0 ? w->agreed : text, n == 0 ? "" : ", ",
		    catalog_text_get(&s->catalog->purposes[i].title, lang));
		free(text);
		text = next;
		n++;
	}
	next = util_xprintf("%s%s %s%s.", n > 0 ? text : w->none, n > 0 ? "." : "", w->withdraw,
	    s->config->controller_contact);
	free(text);
	return next;
}

int
slip_build(struct shop *s, const char *code, time_t now, struct reward_ticket *t,
    struct escpos_buf *out, char **cause)
{
	struct customer_profile	*p = NULL;
	struct escpos_receipt	 r;
	const struct slip_words	*w;
	char			 uid[CUSTOMER_UID_LEN + 1], receipt[CONSENT_ID_LEN + 1];
	char			 day[11], grouped[CODE_GROUPED_LEN + 1], *footer = NULL;
	int			 lang = 0, rc = -1;

	if (reward_check(s, code, now, t, cause) != 0)
		return -1;
	if (t->status != REWARD_VALID)
		return 0;
	if ((rc = reward_holder(s, t, uid, cause)) != 0 ||
	    (rc = customer_load(s, uid, &p, cause)) != CUSTOMER_OK)
		return -1;
	if ((lang = config_language(s->config, p->language)) < 0)
		lang = 0;
	w = slip_words_for(s->config->languages[lang]);
	if (consent_last_receipt(s, uid, receipt, cause) != 0 ||
	    (footer = slip_footer(s, uid, lang, w, now, cause)) == NULL)
		goto out;

	util_day(t->expires, day);
	code_group(t->code, grouped);
	memset(&r, 0, sizeof r);
	r.store_name = s->config->store_name;
	r.title = t->rule >= 0 ? catalog_text_get(&s->catalog->rewards[t->rule].title, lang) :
	    t->rule_id;
	r.expires = day;
	r.code = t->code;
	r.code_human = grouped;
	r.receipt_id = receipt[0] != '\0' ? receipt : NULL;
	r.footer = footer;
	r.valid_label = w->valid;
	r.receipt_label = w->receipt;
	rc = escpos_receipt(&r, strcmp(s->config->printer_qr, "raster") == 0 ? ESCPOS_QR_RASTER :
	    ESCPOS_QR_NATIVE, s->config->printer_module, out, cause);
out:
	customer_profile_free(p);
	free(footer);
	return rc;
}

size_t
slip_member_lines(const struct shop *s, const struct customer_profile *p,
    const enum consent_state *consents, size_t rewards, int lang, char lines[][SLIP_LINE_MAX])
{
	const struct catalog	*cat = s->catalog;
	size_t			 n = 0, i;

#define SLIP_LINE(...)	snprintf(lines[n++], SLIP_LINE_MAX, __VA_ARGS__)
	if (p->name[0] != '\0')
		SLIP_LINE("%s: %s", _("Name"), p->name);
	if (p->email[0] != '\0')
		SLIP_LINE("%s: %s", _("E-mail address"), p->email);
	if (p->phone[0] != '\0')
		SLIP_LINE("%s: %s", _("Phone number"), p->phone);
	SLIP_LINE("%s: %s", _("Card number"), p->card);
	SLIP_LINE("%s: %s", _("PIN"), p->pin_hash[0] != '\0' ?
	    _("set (stored only as a hash)") : _("none"));
	for (i = 0; i < cat->ninterests && i < CUSTOMER_MAX_INTERESTS; i++)
		if (p->interests[i])
			SLIP_LINE("%s: %s", _("Interest"),
			    catalog_text_get(&cat->interests[i].title, lang));
	for (i = 0; i < cat->nchannels && i < CUSTOMER_MAX_CHANNELS; i++)
		if (p->channels[i] != CUSTOMER_NO_CHANNEL)
			SLIP_LINE("%s: %s", _("Channel"),
			    catalog_text_get(&cat->channels[i].title, lang));
	for (i = 0; i < cat->npurposes && i < CUSTOMER_MAX_PURPOSES; i++)
		SLIP_LINE("%s: %s", catalog_text_get(&cat->purposes[i].title, lang),
		    consents[i] == CONSENT_GIVEN ? _("On") : _("Off"));
	SLIP_LINE("%s: %zu", _("Rewards to redeem"), rewards);
#undef SLIP_LINE
	return n;
}

void
slip_member(const struct shop *s, const struct customer_profile *p,
    const enum consent_state *consents, size_t rewards, int lang, struct escpos_buf *out)
{
	char		(*lines)[SLIP_LINE_MAX] = util_xcalloc(SLIP_MAX_LINES, SLIP_LINE_MAX);
	const char	*ptrs[SLIP_MAX_LINES];
	size_t		 n = slip_member_lines(s, p, consents, rewards, lang, lines), i;

	for (i = 0; i < n; i++)
		ptrs[i] = lines[i];
	escpos_document(_("My data"), ptrs, n, out);
	sodium_memzero(lines, SLIP_MAX_LINES * SLIP_LINE_MAX);
	free(lines);
}

int
slip_print(const struct shop *s, const struct escpos_buf *b, char **cause)
{
	if (strcmp(s->config->printer_transport, "none") == 0)
		return util_fail(cause, "no printer is configured ([printer] transport = none in "
		    "prefkiosk.ini); the reward stays valid and can be shown on screen");
	return printer_send(s->config->printer_transport, s->config->printer_target, b->data,
	    b->len, cause);
}
