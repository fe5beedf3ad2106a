/*
 * table — the rows `make bench` prints, shared by bench.c and fleet.c so that both tables have
 * the same columns: a figure, the baseline measured beside it in the same run, their ratio, and
 * the target the ratio (or, with the target itself as the baseline, the figure) must meet.
 */
#ifndef PREFKIOSK_BENCH_TABLE_H
#define PREFKIOSK_BENCH_TABLE_H

#include <stdio.h>
#include <time.h>

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

#endif
