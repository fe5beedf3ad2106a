/*
 * slip — the printed slip for a reward: the reward, its QR and code, and the member's consent
 * receipt (its id, what they agreed to, how to withdraw), in the member's language; and the
 * way to the configured printer.  The kiosk prints it after a sign-up, the desk reprints it,
 * and `prefkiosk print` / `qr --escpos` make it on the command line.
 *
 * A slip is only made for a reward that can still be redeemed: printing a used or expired code
 * would hand a customer a promise the till will refuse.
 */
#ifndef PREFKIOSK_SLIP_H
#define PREFKIOSK_SLIP_H

#include <time.h>

#include "customer.h"
#include "escpos.h"
#include "reward.h"
#include "shop.h"

/*
 * Build the slip for a code (typed or scanned) into out, with the QR as the config says
 * (native or raster, module size).  0 with t filled: the slip is in out only when t->status is
 * REWARD_VALID.  -1 with *cause on a store failure.
 */
int	slip_build(struct shop *, const char *code, time_t now, struct reward_ticket *t,
	    struct escpos_buf *out, char **cause);

#define SLIP_LINE_MAX	320
#define SLIP_MAX_LINES	(8 + CUSTOMER_MAX_INTERESTS + CUSTOMER_MAX_CHANNELS + CUSTOMER_MAX_PURPOSES)

/* What is held about a member, one "label: value" line each, in language lang: the same lines
 * on the "my data" screen and on its printout.  Returns the number of lines. */
size_t	slip_member_lines(const struct shop *, const struct customer_profile *,
	    const enum consent_state *consents, size_t rewards, int lang,
	    char lines[][SLIP_LINE_MAX]);

/* A member's data as a printed document, in language lang. */
void	slip_member(const struct shop *, const struct customer_profile *,
	    const enum consent_state *consents, size_t rewards, int lang, struct escpos_buf *out);

/* Send bytes to the configured printer.  -1 with *cause (no printer, offline, failed); the
 * reward is unchanged either way and can be printed again. */
int	slip_print(const struct shop *, const struct escpos_buf *, char **cause);

#endif
