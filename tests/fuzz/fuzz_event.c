/*
 * fuzz_event — a fleet's events as another terminal sends them (sync_apply), on any text.
 *
 * Events are sealed under the fleet's key, so only a terminal holding it can send one; this
 * target is that terminal gone wrong (a bug, a newer version, a damaged disk): the first byte
 * picks the kind, the rest is the event's JSON, sealed as terminal 2's next event and applied
 * to a store of the demo's config that has joined a fleet.  A high bit in the first byte
 * damages the sealed body instead.
 *
 * Checked on every input:
 *   - the batch is applied or refused, never anything else; a refusal has a reason, one line;
 *   - a refused batch changes nothing: the rows of every table an event can touch, and the
 *     cursor, are as they were;
 *   - an applied one moves the cursor to its event, and lists nothing in the outbox (what
 *     another terminal did is not this one's to share again);
 *   - a damaged body is always refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "shop.h"
#include "store.h"
#include "sync.h"
#include "util.h"
#include "vault.h"

static const char *const fuzz_event_kinds[] = { "member", "notice", "consent", "reward",
    "visit", "feedback", "other" };
#define FUZZ_EVENT_NKINDS	(sizeof fuzz_event_kinds / sizeof fuzz_event_kinds[0])

static struct shop	*fuzz_event_shop;
static int64_t		 fuzz_event_next;	/* terminal 2's next event, and the hub's order */

/* What an event can change, as one number per table, and the cursor. */
struct fuzz_event_state {
	long	rows[9];
	long	outbox;
};

static long
fuzz_event_count(const char *sql)
{
	sqlite3_stmt	*stmt;
	long		 n = -1;

	if (sqlite3_prepare_v2(store_db(fuzz_event_shop->store), sql, -1, &stmt, NULL) !=
	    SQLITE_OK)
		fuzz_fail(__FILE__, __LINE__, "a query", "%s", sql);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void
fuzz_event_state(struct fuzz_event_state *st)
{
	static const char *const sql[9] = {
		("SELECT count(*) + coalesce(sum(stamp % 1000003), 0) + count(erased) +"
		 " count(phone_index) + coalesce(sum(last_seen % 1000003), 0) FROM customers"),
		"SELECT count(*) FROM notices",
		"SELECT count(*) FROM fleet_consent",
		("SELECT count(*) + coalesce(sum(length(state)), 0) + count(redeemed_at)"
		 " FROM rewards"),
		"SELECT count(*) FROM visits",
		"SELECT count(*) FROM feedback",
		"SELECT coalesce(sum(oseq), 0) FROM fleet_origins",
		"SELECT coalesce(sum(count), 0) FROM fleet_chains",
		"SELECT count(*) FROM meta WHERE key = 'hub_cursor'",
	};
	size_t	i;

	for (i = 0; i < 9; i++)
		st->rows[i] = fuzz_event_count(sql[i]);
	st->outbox = fuzz_event_count("SELECT count(*) FROM outbox");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_event_state	 before, after;
	struct sync_result	 r;
	struct hub_event	 e;
	char			*cause = NULL, *text;
	size_t			 len;
	bool			 damage;

	if (fuzz_event_shop == NULL) {
		fuzz_event_shop = fuzz_shop_store();
		if (sync_join_local(fuzz_event_shop, (const unsigned char *)"fuzz-hub-id-0000",
		    &cause) != 0)
			fuzz_fail(__FILE__, __LINE__, "joining a fleet", "%s", cause);
	}
	if (size == 0)
		return 0;
	damage = (data[0] & 0x80) != 0;
	memset(&e, 0, sizeof e);
	e.origin = 2;
	e.oseq = e.seq = ++fuzz_event_next;
	util_copy(e.kind, sizeof e.kind, fuzz_event_kinds[(data[0] & 0x7f) % FUZZ_EVENT_NKINDS]);
	text = fuzz_string(data + 1, size - 1);
	len = strlen(text);
	e.len = len + VAULT_SEAL_OVERHEAD;
	e.body = util_xmalloc(e.len);
	vault_event_seal(fuzz_event_shop->vault, e.origin, e.oseq, e.kind, text, len, e.body);
	if (damage)
		e.body[(size * 7) % e.len] ^= 0x20;

	fuzz_event_state(&before);
	memset(&r, 0, sizeof r);
	if (sync_apply(fuzz_event_shop, &e, 1, &r, &cause) == 0) {
		FUZZ_CHECK(!damage, "a damaged event was applied");
		fuzz_event_state(&after);
		FUZZ_CHECK(after.outbox == before.outbox, "applying listed %ld outbox entries",
		    after.outbox - before.outbox);
		FUZZ_CHECK(r.cursor == e.seq, "the cursor is at %lld, not %lld",
		    (long long)r.cursor, (long long)e.seq);
	} else {
		fuzz_check_reason(cause);
		fuzz_event_state(&after);
		FUZZ_CHECK(memcmp(&before, &after, sizeof before) == 0,
		    "a refused event changed the store");
		/* Refused: the hub would hand it out again, and it would be refused again. */
		fuzz_event_next--;
	}
	sync_result_free(&r);
	free(cause);
	free(e.body);
	free(text);
	return 0;
}
