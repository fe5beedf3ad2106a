#!/usr/bin/env bash
# fleet.sh — the desk of a fleet through the real kiosk and a real hub (tests/hub/pg.inc): three
# terminals made from one key file.  A member signed up at terminal 1 reaches the desk at
# terminal 2 by its background sync alone; the hub decides the desk's redemptions (a code
# redeemed here is already redeemed at terminal 3, one redeemed at terminal 3 is already
# redeemed here); with the hub gone the desk refuses, or accepts and says so, and the hub hears
# of it when it is back; the screen never waits for the sync, not even for a hub that hangs;
# the desk's own redemptions reach the other terminals without `prefkiosk sync` on its terminal;
# and a kiosk with the sync thread running leaves cleanly.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"
. "$TOP/tests/hub/pg.inc"
# Terminals t1, t2, t3 and `on N ...`.  Terminal 2 is the desk's store, which the command line
# only reads (check) and never syncs.
. "$TOP/tests/hub/fleet.inc"

# The postmaster stopped with SIGSTOP (a hub that hangs) must go on before anything else is
# done with it, the cleanup included.
PG_FROZEN=
pg_thaw() {
	[ -n "$PG_FROZEN" ] && kill -CONT $PG_FROZEN 2>/dev/null
	PG_FROZEN=
	return 0
}

# pg_freeze_all: the postmaster and every process of it (the desk's session too) stopped.
pg_freeze_all() {
	local pm
	pm=$(pg_pid) || return 1
	PG_FROZEN="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
	kill -STOP $PG_FROZEN
}

pg_start || { echo "not ok 1 - a throwaway PostgreSQL cluster starts"; exit 1; }
# pg_start put pg_cleanup in front of lib's trap; the kiosk goes first, and a frozen hub is
# thawed before pg_cleanup asks it to stop.
trap 'pg_thaw; tm_stop; pg_cleanup; rm -rf "$WORK"' EXIT

# desk_config POLICY [INTERVAL]: a copy of config/ for the desk at terminal 2, finding its hub
# in its own [hub] conninfo (the desk runs without $PREFKIOSK_HUB), with the offline policy
# given, syncing every INTERVAL seconds (default 1; 0: no background sync).  connect_timeout
# = 30 (the kiosk's own is 5) makes a hub that hangs hang longer than any wait of this suite:
# a screen that waited for the sync could not pass.
desk_config() {
	local dir="$WORK/config-$1-${2:-1}"
	rm -rf "$dir"
	cp -r "$TOP/config" "$dir"
	sed -i "s|^conninfo =.*|conninfo = $PREFKIOSK_HUB connect_timeout=30|;
	    s/^sync_interval = .*/sync_interval = ${2:-1}/;
	    s/^offline_redemption = .*/offline_redemption = $1/;
	    s|^assets = .*|assets = $TOP/assets|;
	    s|\.\./var/|$WORK/var/|g" "$dir/prefkiosk.ini"
	echo "$dir"
}
REFUSE=$(desk_config refuse)
ACCEPT=$(desk_config accept)

# ini_has CONFIG_DIR LINE...: the config's prefkiosk.ini has each LINE.
ini_has() {
	local dir=$1 line
	shift
	for line in "$@"; do
		grep -qxF -- "$line" "$dir/prefkiosk.ini" || return 1
	done
}
check "the desk's config names the hub, a sync every second, and refuses offline" -- \
	ini_has "$REFUSE" "conninfo = $PREFKIOSK_HUB connect_timeout=30" "sync_interval = 1" \
	"offline_redemption = refuse"
check "the other accepts" -- ini_has "$ACCEPT" "offline_redemption = accept"

# desk CONFIG: the desk at terminal 2 on that config, carla signed in with her PIN.
desk() {
	tm_start 80 24 env -u PREFKIOSK_HUB "$PK" --db "$WORK/t2.db" --key-file "$KEY" \
		--config "$1" run --desk --staff carla
	tm_wait_for "PIN:" >/dev/null
	tm_type "2468"
	sleep 0.1
	tm_keys Enter
	tm_wait_for "Scan a reward code or a member card."
}

# A scanner: the code as one burst of keys ending in Enter.
scan() {
	tm_type "$1"$'\r'
}

# next: from a result or a member back to the ready screen.
next() {
	tm_keys Escape
	tm_wait_for "Scan a reward code or a member card." >/dev/null
}

# reward_id TERMINAL CODE: the reward's id in that terminal's ledger (the hub's claims are
# keyed by it), or nothing.
reward_id() {
	sqlite3 "$WORK/t$1.db" "SELECT id FROM rewards WHERE code = '$2'"
}

# in_ledger CODE: the desk's store (terminal 2) holds the reward.
in_ledger() {
	[ -n "$(reward_id 2 "$1")" ]
}

# granted NAME: terminal 1 grants Ben another early-access reward and syncs; its code in $NAME.
granted() {
	on 1 0 "terminal 1 grants another reward" -- grant --customer "$BEN" --reward early_access
	printf -v "$1" '%s' "$(jq -r '.issued[0].code' "$OUT")"
	on 1 0 "terminal 1 syncs" -- sync
}

# claims WHERE: how many redemptions the hub has decided that match WHERE.
claims() {
	pg_psql -Atc "SELECT count(*) FROM prefkiosk.claims WHERE $1"
}

# t1_sees_redeemed CODE TERMINAL: after a sync, terminal 1's own ledger says the code was
# redeemed at TERMINAL.
t1_sees_redeemed() {
	t1 sync >/dev/null 2>&1 || return 1
	t1 check "$1" >"$WORK/t1check" 2>/dev/null
	[ $? -eq 4 ] && jq -e --argjson t "$2" '.redeemed_terminal == $t' "$WORK/t1check" \
		>/dev/null 2>&1
}

# waiting: a connection waits in the hub's socket's backlog for the postmaster to accept it
# (the Recv-Q of a listening socket).
waiting() {
	local n
	n=$(ss -xlnH 2>/dev/null | awk -v s="$PG_DIR/.s.PGSQL.$PG_PORT" '$5 == s { print $3 }')
	[ "${n:-0}" -ge 1 ]
}

# hub_is WANT SQL: the hub answers SQL with WANT (the hub may be away: then it does not).
hub_is() {
	[ "$(pg_psql -Atc "$2" 2>/dev/null)" = "$1" ]
}

# lacks TEXT: the screen captured last does not show TEXT.
lacks() {
	! grep -qF -- "$1" "$TM_SCREEN"
}

# staff_add NAME PIN ROLE: a member of staff at terminal 2.
staff_add() {
	printf '%s\n' "$2" | t2 staff add "$1" --role "$3"
}

# not CMD...: CMD fails.
not() {
	! "$@"
}

# is GOT WANT: the two are the same.
is() {
	[ "$1" = "$2" ] && return 0
	tm__diag "  got \"$1\", wanted \"$2\""
	return 1
}

check "terminal 1 is made with a new key file" -- t1 init --terminal 1
check "terminal 2 is made with the same key file" -- t2 init --terminal 2
check "terminal 3 too" -- t3 init --terminal 3
expect 0 "hub init creates the hub's schema" -- hub init
check "terminal 2 has carla, staff, for its desk" -- staff_add carla 2468 staff
check "and anna, an admin" -- staff_add anna 9876 admin
on 1 0 "terminal 1 joins the fleet" -- sync
on 3 0 "terminal 3 joins the fleet" -- sync

# --- A member signed up at terminal 1 reaches the desk at terminal 2 by itself ----------------
desk "$REFUSE"
check "the desk at terminal 2 waits for a scan" -- tm_shows "Scan a reward code or a member card."
echo '{"card":"4000 2222 3333","name":"Ben Okafor","language":"en"}' >"$WORK/ben.json"
IN="$WORK/ben.json" on 1 0 "terminal 1 signs up a member" -- enroll
BEN=$(last_uid)
WELCOME=$(jq -r '.rewards[0].code' "$OUT")
check "with a welcome code printed at terminal 1" -- test "${#WELCOME}" -eq 36
on 1 0 "terminal 1 pushes the member to the hub" -- sync
json '.pushed > 0'; report $? "...its events"

# card_answered: the desk shows what the card scanned is, a member or nothing it knows.
card_answered() {
	tm_capture && grep -qF -e "Stamp card:" -e "Neither a reward code nor a member card" \
		"$TM_SCREEN"
}

# card_shows_member: scan the member's card; the member is shown (0), or the desk does not
# know the card yet and is back at its ready screen (1).
card_shows_member() {
	scan "4000 2222 3333"
	tm_poll "$TM_TIMEOUT" card_answered || return 1
	tm_shows "Stamp card:" && return 0
	next
	# Not yet: the next sync is at most a second away; no need to scan faster than that.
	sleep 0.5
	return 1
}
check "the desk's background sync pulls the member: scanning the card shows them" -- \
	tm_poll 30 card_shows_member
check "...by first name" -- tm_shows "Ben"
check "...and nothing more of the name" -- lacks "Okafor"
check "...with the welcome reward to redeem" -- tm_shows "10% off your next order"
check "the desk's store has the member; nobody ran prefkiosk sync on terminal 2" -- \
	test "$(sqlite3 "$WORK/t2.db" "SELECT count(*) FROM customers WHERE uid = '$BEN'")" = 1
next

# --- The hub decides: a code redeemed at the desk is redeemed for the whole fleet -------------
scan "$WELCOME"
check "the welcome code printed at terminal 1, scanned at the desk: redeemed" -- \
	tm_wait_for "Hand over: 10% off your next order"
check "...REDEEMED" -- tm_shows "REDEEMED"
check "...not ALREADY REDEEMED" -- lacks "ALREADY"
check "...and not offline" -- lacks "without the hub"
WELCOME_ID=$(reward_id 1 "$WELCOME")
check "the hub holds the claim: terminal 2, desk 2" -- \
	is "$(claims "reward = ${WELCOME_ID:-0} AND terminal = 2 AND till = 'desk 2'")" 1
on 3 4 "terminal 3 (another store) redeeming the same code is told it is used" -- \
	redeem "$WELCOME" --till "till 3"
check "...already redeemed at terminal 2, the desk" -- \
	grep -q "already redeemed on .* at terminal 2, till desk 2" "$ERR"
check "the claim is still terminal 2's alone" -- \
	is "$(claims "reward = ${WELCOME_ID:-0}")" 1
next

# --- The background sync pushes the desk's own redemption -------------------------------------
check "terminal 1 syncs and learns the desk redeemed it; terminal 2 never ran sync" -- \
	tm_poll 30 t1_sees_redeemed "$WELCOME" 2
check "...from an event the desk's terminal pushed" -- \
	test "$(pg_psql -Atc "SELECT count(*) FROM prefkiosk.events WHERE origin = 2 AND
	  kind = 'reward'")" -ge 1

# --- A code redeemed at terminal 3 is already redeemed at the desk ----------------------------
on 1 0 "terminal 1 grants the member an early-access reward" -- \
	grant --customer "$BEN" --reward early_access
EARLY=$(jq -r '.issued[0].code' "$OUT")
on 1 0 "terminal 1 syncs" -- sync
on 3 0 "terminal 3 redeems it through the hub" -- redeem "$EARLY" --till "till 3"
scan "$EARLY"
check "scanned at the desk: ALREADY REDEEMED" -- tm_wait_for "ALREADY REDEEMED"
check "...at terminal 3, its till named" -- tm_shows "at terminal 3 (till 3)"
EARLY_ID=$(reward_id 1 "$EARLY")
check "the hub holds terminal 3's claim only" -- \
	is "$(claims "reward = ${EARLY_ID:-0}"):$(claims "reward = ${EARLY_ID:-0} AND terminal = 3")" 1:1
next

# --- The hub gone, a desk that refuses offline redemptions refuses ----------------------------
granted OFF
check "the desk's background sync pulls it" -- tm_poll 30 in_ledger "$OFF"
# A code terminal 1 printed after its last sync: no terminal but 1 has heard of it.
on 1 0 "terminal 1 grants one more, and does not sync" -- \
	grant --customer "$BEN" --reward early_access
UNSEEN=$(jq -r '.issued[0].code' "$OUT")
check "the hub stops" -- pg_stop
scan "$OFF"
check "a valid code scanned with the hub gone: HUB UNREACHABLE" -- tm_wait_for "HUB UNREACHABLE"
check "...nothing was redeemed, the code stays valid" -- tm_shows "Nothing was redeemed"
on 2 0 "the desk's ledger still has the code valid" -- check "$OFF"

# The screen does not wait for the sync, which fails every second meanwhile.
tm_keys Escape
check "with the hub gone, a key still brings the ready screen at once" -- \
	tm_wait_for "Scan a reward code or a member card."
scan "4000 2222 3333"
check "a member card still opens the member" -- tm_wait_for "Stamp card: 0 of 5 visits"
click_on "Stamp this visit"
check "and the visit is stamped" -- tm_wait_for "Stamp card: 1 of 5 visits"
next
scan "$UNSEEN"
check "a code the hub never heard of, scanned with the hub gone: not in this ledger" -- \
	tm_wait_for "NOT IN THIS LEDGER"
check "the desk is still running" -- tm_alive
next

check "the hub is back" -- pg_restart
check "the refused code was claimed by nobody" -- \
	is "$(claims "reward = $(reward_id 1 "$OFF")")" 0
scan "$OFF"
check "the refused code, scanned again with the hub back: redeemed" -- \
	tm_wait_for "Hand over: Early access"
check "...online" -- lacks "without the hub"
check "...the hub holds the desk's claim" -- \
	is "$(claims "reward = $(reward_id 1 "$OFF") AND terminal = 2")" 1
next

# --- A hub that hangs: the screen does not wait for the sync ----------------------------------
# The postmaster stopped (SIGSTOP) accepts no connection: the background sync's next one waits
# in the socket's backlog, for 30 s (connect_timeout above).  Meanwhile the desk answers every
# key at once and writes to its store (a visit), which it could not if the sync held it.
PG_FROZEN=$(pg_pid)
check "the hub hangs (its postmaster stopped)" -- kill -STOP "$PG_FROZEN"
check "the background sync is stuck connecting to it" -- tm_poll 10 waiting
scan "4000 2222 3333"
check "while it is, a member card opens the member" -- tm_wait_for "Stamp card: 1 of 5 visits"
click_on "Stamp this visit"
check "the visit is stamped" -- tm_wait_for "Stamp card: 2 of 5 visits"
tm_keys Escape
check "a key brings the ready screen" -- tm_wait_for "Scan a reward code or a member card."
check "and the sync is still stuck: it never held the screen up" -- waiting
pg_thaw
check "the hub goes on: the sync that waited pushes the visits" -- \
	tm_poll 60 hub_is 2 "SELECT count(*) FROM prefkiosk.events WHERE origin = 2 AND
	  kind = 'visit'"
check "the desk is still running" -- tm_alive

# --- A hub that hangs while the desk redeems: the till waits 3 s, not for ever ----------------
# The desk's own session stopped too: the claim's answer never comes, and the desk stops
# waiting for it after 3 s (refuse: nothing redeemed).  When the hub goes on, it may hold the
# claim the desk gave up on; the next scan finds it is the desk's own, and redeems.
granted HANG
check "the desk's background sync pulls it" -- tm_poll 30 in_ledger "$HANG"
check "the hub hangs, every process of it stopped" -- pg_freeze_all
scan "$HANG"
check "a code scanned while the hub hangs: the desk says so instead of waiting" -- \
	tm_wait_for "HUB UNREACHABLE"
on 2 0 "...and redeems nothing" -- check "$HANG"
pg_thaw
next
scan "$HANG"
check "scanned again once the hub answers: redeemed" -- tm_wait_for "Hand over: Early access"
check "...the hub holds one claim for it, the desk's" -- \
	is "$(claims "reward = $(reward_id 1 "$HANG") AND terminal = 2")" 1
next
tm_stop

# --- A desk that accepts offline redemptions --------------------------------------------------
desk "$ACCEPT"
check "the desk restarts accepting offline redemptions" -- \
	tm_shows "Scan a reward code or a member card."
granted ACC
check "the desk's background sync pulls it" -- tm_poll 30 in_ledger "$ACC"
check "the hub stops" -- pg_stop
scan "$ACC"
check "a valid code scanned with the hub gone: redeemed" -- \
	tm_wait_for "Hand over: Early access"
check "...with a note that the hub hears of it at the next sync" -- \
	tm_wait_for "Redeemed without the hub"
on 2 4 "the desk's ledger has it redeemed" -- check "$ACC"
check "the hub is back" -- pg_restart
ACC_ID=$(reward_id 1 "$ACC")
check "the background sync tells the hub of the offline redemption" -- \
	tm_poll 30 hub_is 1 "SELECT count(*) FROM prefkiosk.claims WHERE reward = ${ACC_ID:-0}
	  AND terminal = 2"
on 3 4 "so terminal 3 cannot redeem the code again" -- redeem "$ACC" --till "till 3"
check "...already redeemed at terminal 2" -- grep -q "at terminal 2, till desk 2" "$ERR"
check "no duplicate was recorded" -- \
	test "$(pg_psql -Atc 'SELECT count(*) FROM prefkiosk.duplicates')" = 0
tm_stop

# --- Kiosks that leave cleanly ----------------------------------------------------------------
# The kiosk at terminal 2 (not a desk, which cannot be left): an admin opens its desk from the
# staff menu, redeems, and leaves; the sync thread is stopped and everything freed (under
# make check, LeakSanitizer looks at the exit, which a desk killed by its terminal never makes).

# kiosk_desk CONFIG: the kiosk at terminal 2 on that config, anna at its desk.
kiosk_desk() {
	tm_start 80 24 env -u PREFKIOSK_HUB "$PK" --db "$WORK/t2.db" --key-file "$KEY" \
		--config "$1" run
	tm_wait_for "Touch the screen or press any key" >/dev/null || return 1
	staff_gate anna 9876
	tm_wait_for "Redeem, look up a member, stamp a visit" >/dev/null || return 1
	click_on "Redeem, look up a member, stamp a visit"
	tm_wait_for "Scan a reward code or a member card."
}

# leave: from the desk's ready screen, back to the staff menu, and out.
leave() {
	tm_keys Escape
	tm_wait_for "Leave the kiosk" >/dev/null || return 1
	click_on "Leave the kiosk"
	[ "$(tm_exit_code 15)" = 0 ]
}

granted LAST
check "anna opens the desk of the kiosk at terminal 2 from the staff menu" -- \
	kiosk_desk "$REFUSE"
scan "$LAST"
check "a code is redeemed there" -- tm_wait_for "Hand over: Early access"
next
check "the kiosk, its sync thread running, leaves: exit 0" -- leave

# Without a background sync (sync_interval = 0) the desk brings its ledger up to date itself
# when it meets a code it does not know: a code printed at terminal 1 a moment ago.
NOSYNC=$(desk_config refuse 0)
check "a config without background sync" -- ini_has "$NOSYNC" "sync_interval = 0"
granted PULL
check "anna opens the desk of a kiosk without background sync" -- kiosk_desk "$NOSYNC"
check "the hub stops" -- pg_stop
scan "$PULL"
check "a code the desk does not know, the hub gone: not in this ledger" -- \
	tm_wait_for "NOT IN THIS LEDGER"
next
check "the hub is back" -- pg_restart
check "terminal 2's store still does not know the code: no sync ran" -- not in_ledger "$PULL"
scan "$PULL"
check "scanned again, the desk pulls it from the hub and redeems it" -- \
	tm_wait_for "Hand over: Early access"
check "...online" -- lacks "without the hub"
next
check "that kiosk leaves too: exit 0" -- leave
on 2 0 "terminal 2's store verifies" -- verify
on 1 0 "terminal 1's store verifies" -- verify
