/*
 * table — what bench.c and fleet.c share: the rows `make bench` prints, so that both tables have
 * the same columns (a figure, the baseline measured beside it in the same run, their ratio, and
 * the target the ratio, or with the target itself as the baseline the figure, must meet), the
 * clock, and the synthetic members both enrol.
 */
#ifndef PREFKIOSK_BENCH_TABLE_H
#define PREFKIOSK_BENCH_TABLE_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "code.h"
#include "customer.h"
#include "store.h"
#include "util.h"

/*
 * A bijection on 32-bit numbers, so that member i's keys are unique but in no particular order:
 * real e-mail addresses and phone numbers do not arrive sorted, and sorted keys would give the
 * baseline's indexes a locality that no shop sees.
 */
static inline uint32_t
bench_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/* The i-th synthetic member, the same for both sides (and unique across a fleet). */
static inline void
bench_member(long i, char *email, char *phone, char *name, char *card)
{
	uint32_t	h = bench_mix((uint32_t)i);

	sprintf(email, "member%08x@example.org", h);
	sprintf(phone, "+4917%010u", h);
	sprintf(name, "Member Number %ld", i);
	sprintf(card, "9%011u", h);
}

/* Fill an enrolment for member i: e-mail channel, two interests, one consent given. */
static inline void
bench_enrolment(const struct shop *s, struct customer_enrolment *e, long i)
{
	struct customer_profile	*p = e->profile;
	int			 ch = catalog_channel_find(s->catalog, "email");
	int			 sms = catalog_channel_find(s->catalog, "sms");

	bench_member(i, p->email, p->phone, p->name, p->card);
	snprintf(p->language, sizeof p->language, "%s", s->config->languages[0]);
	p->interests[i % s->catalog->ninterests] = true;
	p->interests[(i * 7 + 3) % s->catalog->ninterests] = true;
	p->channels[ch] = (int)s->catalog->channels[ch].frequencies[0];
	p->channels[sms] = (int)s->catalog->channels[sms].frequencies[0];
	e->consents[0] = CONSENT_GIVEN;
}

struct bench_row {
	const char	*what;
	double		 ours, base;
	const char	*unit;
	const char	*target;
	double		 goal;		/* the ratio to meet; 0 when there is none */
	int		 higher_is_better;
};

static inline double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The column heads and the rule under them. */
static inline void
bench_head(void)
{
	printf("| %-46s | %12s | %12s | %-6s | %7s | %-8s | %-5s |\n", "operation", "prefkiosk",
	    "baseline", "unit", "ratio", "target", "meets");
	printf("|%s|%s|%s|%s|%s|%s|%s|\n", "------------------------------------------------",
	    "--------------", "--------------", "--------", "---------", "----------", "-------");
}

/* One row of the table, with whether it meets its goal; a row with no baseline (base < 0)
 * shows only its figure. */
static inline void
bench_print(const struct bench_row *r)
{
	double		 ratio = r->base > 0 ? r->ours / r->base : 0;
	const char	*meets = "-";

	if (r->goal > 0)
		meets = (r->higher_is_better ? ratio >= r->goal : ratio <= r->goal) ? "yes" : "NO";
	if (r->base < 0) {
		printf("| %-46s | %12.2f | %12s | %-6s | %7s | %-8s | %-5s |\n", r->what, r->ours,
		    "-", r->unit, "-", r->target, meets);
		return;
	}
	printf("| %-46s | %12.1f | %12.1f | %-6s | %6.2fx | %-8s | %-5s |\n", r->what, r->ours,
	    r->base, r->unit, ratio, r->target, meets);
}

/* Up to n codes of outstanding rewards of a store, valid for an hour at least, in random order
 * (caller frees). */
static inline char (*bench_codes(struct shop *s, long n, long *got))[CODE_LEN + 1]
{
	char		(*codes)[CODE_LEN + 1] = util_xcalloc((size_t)n, CODE_LEN + 1);
	sqlite3_stmt	*q;

	*got = 0;
	sqlite3_prepare_v2(store_db(s->store), "SELECT code FROM rewards WHERE state = 'issued'"
	    " AND expires > ?2 ORDER BY random() LIMIT ?1", -1, &q, NULL);
	sqlite3_bind_int64(q, 1, n);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)time(NULL) + 3600);
	while (sqlite3_step(q) == SQLITE_ROW)
		snprintf(codes[(*got)++], CODE_LEN + 1, "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return codes;
}

#endif
