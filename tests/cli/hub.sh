#!/usr/bin/env bash
# hub.sh — a fleet through a real PostgreSQL hub: three terminals made from one key file sync
# through a throwaway cluster (tests/hub/pg.inc).  A member signed up at one is known at the
# others; two terminals racing over one code redeem it once; offline, a redemption is refused
# or accepted and reported as a duplicate at the next sync; withdrawal and erasure reach every
# terminal; the hub's dump holds no personal data; a hub that goes away mid-sync loses nothing
# and the next sync completes.
. "$(dirname "$0")/lib"
. "$TOP/tests/hub/pg.inc"
. "$TOP/tests/hub/fleet.inc"

# A config with the offline policy given ($1: refuse or accept) and a short sync interval.
policy_config() {
	local dir="$WORK/config-$1"
	rm -rf "$dir"
	cp -r "$TOP/config" "$dir"
	sed -i "s/^offline_redemption = .*/offline_redemption = $1/;
	    s|^assets = .*|assets = $TOP/assets|;
	    s|\.\./var/|$WORK/var/|g" "$dir/prefkiosk.ini"
	echo "$dir"
}

pg_start || { echo "not ok 1 - a throwaway PostgreSQL cluster starts"; exit 1; }

# libpq (with OpenSSL, Kerberos, LDAP) is loaded only by a process that connects to a hub.
! ldd "$PK_BUILD/prefkiosk" | grep -q libpq
report $? "prefkiosk is not linked with libpq: it loads it when a hub is used"

check "terminal 1 is made with a new key file" -- t1 init --terminal 1
check "terminal 2 is made with the same key file" -- t2 init --terminal 2
check "terminal 3 too" -- t3 init --terminal 3
check "each store says which terminal it is" -- \
	bash -c "'$PK' --db '$WORK/t3.db' --key-file '$KEY' --config '$CONFIG' verify >/dev/null &&
	  sqlite3 '$WORK/t3.db' \"SELECT hex(value) FROM meta WHERE key = 'terminal'\" |
	  grep -qx 00030000"
on 1 2 "init refuses a terminal number out of range" -- init --terminal 4096

on 1 1 "sync before the hub has a schema says to run hub init" -- sync
check "...in those words" -- grep -q "run prefkiosk hub init" "$ERR"
expect 0 "hub init creates the hub's schema" -- hub init
json '.version == 1 and .migrated_from == 0' ; report $? "...version 1, from nothing"
expect 0 "hub init again changes nothing" -- hub init
json '.migrated_from == 1'; report $? "...it was at version 1 already"

# Terminal 3 is a role with only the grants the README names for terminals.
pg_psql -q -c "CREATE ROLE kiosk LOGIN; GRANT USAGE ON SCHEMA prefkiosk TO kiosk;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA prefkiosk TO kiosk;
    GRANT USAGE ON SEQUENCE prefkiosk.events_seq TO kiosk;" >/dev/null
report $? "a role for terminals with the grants the README names"
T3_HUB="host=$PG_DIR port=$PG_PORT dbname=prefkiosk user=kiosk"
[ "$(pg_psql -Atc "SELECT rolsuper FROM pg_roles WHERE rolname = 'kiosk'")" = f ]
report $? "...not a superuser"
pg_psql -q -c "CREATE ROLE stranger LOGIN" >/dev/null
T3_HUB="host=$PG_DIR port=$PG_PORT dbname=prefkiosk user=stranger" \
	on 3 1 "a role without them is refused" -- sync
check "...in one line: permission denied" -- grep -q "permission denied" "$ERR"
PREFKIOSK_HUB="host=$PG_DIR port=1 dbname=prefkiosk user=prefkiosk" \
	expect 1 "a hub that cannot be reached is one line" -- hub init
check "...naming what failed" -- grep -q "cannot reach the hub" "$ERR"

# --- A member signed up at terminal 1 is known at terminals 2 and 3 -------------------------
cat >"$WORK/bo.json" <<'JSON'
{"language":"en","name":"Bo Berg","email":"bo.berg@example.org","phone":"+49 151 7654321",
 "pin":"4711","channels":["email"],"interests":["espresso","pastries"],
 "consents":{"personalised_offers":true}}
JSON
IN="$WORK/bo.json" on 1 0 "terminal 1 signs up a member" -- enroll
BO=$(last_uid)
CARD=$(jq -r .card "$OUT")
WELCOME=$(jq -r '.rewards[0].code' "$OUT")
on 1 0 "terminal 1 syncs" -- sync
json '.pushed > 0 and .pulled == 0'; report $? "...pushing its outbox"
on 2 0 "terminal 2 syncs" -- sync
json '.pulled > 0 and .pushed == 0 and .conflicts == 0'; report $? "...pulling terminal 1's events"
on 2 0 "terminal 2 finds the member by phone" -- lookup --phone "+49 151 7654321"
json --arg u "$BO" '.customer == $u and .profile.name == "Bo Berg"'
report $? "...the same member, the profile opened with the fleet's key"
json '.consents.personalised_offers.state == "given" and .consents.personalised_offers.current'
report $? "...with the consent given at terminal 1, current"
on 2 0 "terminal 2 finds the member by card" -- lookup --card "$CARD"
on 2 0 "terminal 2's store verifies, terminal 1's consent chain included" -- verify
json '.consent_records == 0 and .other_terminals_consent_records == 6'
report $? "...six records of terminal 1's, none of its own"
sqlite3 "$WORK/t2.db" "DROP TRIGGER fleet_consent_no_update"
on 2 1 "a store missing the trigger that keeps them append-only fails verify" -- verify
check "...naming it" -- grep -q "fleet_consent_no_update" "$ERR"
sqlite3 "$WORK/t2.db" "CREATE TRIGGER fleet_consent_no_update BEFORE UPDATE ON fleet_consent
  BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;"
on 2 0 "...and passes again with it back" -- verify
on 2 0 "sync again moves nothing" -- sync
json '.pushed == 0 and .pulled == 0'; report $? "...every event once"

# --- A code printed at terminal 1, two terminals scanning it at once ------------------------
on 1 0 "terminal 1 grants the member an early-access reward" -- \
	grant --customer "$BO" --reward early_access
GRANT=$(jq -r '.issued[0].code' "$OUT")
on 1 0 "terminal 1 syncs" -- sync
on 2 0 "terminal 2 pulls the reward" -- sync
on 3 0 "terminal 3 pulls it" -- sync
race_ok=0
for code in "$WELCOME" "$GRANT"; do
	t2 redeem "$code" --till "desk 2" >"$WORK/r2" 2>&1 &
	p2=$!
	t3 redeem "$code" --till "desk 3" >"$WORK/r3" 2>&1 &
	p3=$!
	wait $p2; r2=$?
	wait $p3; r3=$?
	if [ $((r2 + r3)) -eq 4 ] && { [ $r2 -eq 0 ] || [ $r3 -eq 0 ]; }; then
		race_ok=$((race_ok + 1))
	else
		echo "# race over $code: terminal 2 exit $r2, terminal 3 exit $r3"
	fi
done
[ $race_ok -eq 2 ]; report $? "two terminals scanning one code at once: one redeems, one is told exit 4"
grep -h "already redeemed" "$WORK/r2" "$WORK/r3" | grep -q "at terminal [23]"
report $? "...the second hears where it was redeemed"
on 1 4 "terminal 1, before it hears, still asks the hub: already redeemed" -- redeem "$WELCOME"
on 2 0 "terminal 2 syncs" -- sync
on 3 0 "terminal 3 syncs" -- sync
on 1 0 "terminal 1 syncs" -- sync
on 1 4 "...and its ledger says so too" -- check "$WELCOME"
check "...at terminal 2 or 3" -- bash -c "jq -e '.redeemed_terminal == 2 or .redeemed_terminal == 3' '$OUT'"

# --- Offline: refuse, or accept and report the duplicate ----------------------------------
on 1 0 "terminal 1 grants another" -- grant --customer "$BO" --reward early_access
CODE=$(jq -r '.issued[0].code' "$OUT")
on 1 0 "terminal 1 syncs" -- sync
on 2 0 "terminal 2 syncs" -- sync
on 3 0 "terminal 3 syncs" -- sync
pg_stop
on 2 1 "the hub gone, a terminal that refuses offline redemptions refuses" -- redeem "$CODE"
check "...saying the code stays valid" -- grep -q "the code stays valid" "$ERR"
on 1 0 "terminal 1 grants one more, which no other terminal has heard of" -- \
	grant --customer "$BO" --reward early_access
NEW=$(jq -r '.issued[0].code' "$OUT")
on 2 3 "the hub gone, a code terminal 2 has not pulled is unknown there" -- redeem "$NEW"
check "...saying it is not in its ledger" -- grep -q "not in this store's ledger" "$ERR"
ACCEPT=$(policy_config accept)
CONFIG="$ACCEPT" on 2 0 "one that accepts redeems it offline" -- redeem "$CODE" --till "desk 2"
json '.offline == true'; report $? "...and says it was offline"
CONFIG="$ACCEPT" on 3 0 "so does another, offline too" -- redeem "$CODE" --till "desk 3"
pg_restart
on 2 0 "terminal 2 syncs when the hub is back" -- sync
json '.duplicates == []'; report $? "...its redemption was the first the hub heard of"
on 3 0 "terminal 3 syncs" -- sync
json --arg c "$CODE" '.duplicates | length == 1 and .[0].code == $c and .[0].first.terminal == 2'
report $? "...and is told its redemption was a duplicate of terminal 2's"
on 3 0 "the duplicate is in terminal 3's audit trail" -- audit
check "...as a duplicate redemption" -- grep -q "duplicate_redemption" "$OUT"
[ "$(pg_psql -Atc 'SELECT count(*) FROM prefkiosk.duplicates')" = 1 ]
report $? "the hub records it for the fleet"

# --- Withdrawal and erasure reach everywhere ---------------------------------------------
on 3 0 "terminal 3 withdraws the member's consent" -- \
	consent --customer "$BO" --withdraw personalised_offers
on 3 0 "terminal 3 syncs" -- sync
on 1 0 "terminal 1 syncs" -- sync
on 1 0 "terminal 1 sees the withdrawal" -- lookup --customer "$BO"
json '.consents.personalised_offers.state == "withdrawn"'; report $? "...as the latest state"
on 2 0 "terminal 2 erases the member" -- erase --customer "$BO"
on 2 0 "terminal 2 syncs" -- sync
on 1 0 "terminal 1 syncs" -- sync
on 3 0 "terminal 3 syncs" -- sync
for t in 1 3; do
	on $t 6 "terminal $t no longer finds the member" -- lookup --phone "+49 151 7654321"
	check "terminal $t destroyed the member's key, profile and indexes" -- \
		bash -c "[ \"\$(sqlite3 '$WORK/t$t.db' \"SELECT count(*) FROM customers WHERE uid =
		  '$BO' AND data_key IS NULL AND profile IS NULL AND phone_index IS NULL AND
		  email_index IS NULL AND card_index IS NULL AND erased IS NOT NULL\")\" = 1 ]"
	on $t 0 "terminal $t's store verifies" -- verify
done

# --- The hub holds no personal data -------------------------------------------------------
# (Each needle has a letter that is no hex digit: sealed bodies are dumped in hex.)
cat >"$WORK/al.json" <<'JSON'
{"language":"de","name":"Alma Quist","email":"alma.quist@example.org","phone":"+49 170 5550123",
 "pin":"2580","channels":["email"],"interests":["decaf"],"consents":{"personalised_offers":true}}
JSON
IN="$WORK/al.json" on 1 0 "terminal 1 signs up another member" -- enroll
AL=$(last_uid)
ALCARD=$(jq -r .card "$OUT")
on 1 0 "terminal 1 syncs" -- sync
pg_dump_hub "$WORK/hub.sql"; report $? "the hub dumps"
check "...with events in it" -- grep -q "COPY prefkiosk.events" "$WORK/hub.sql"
leak=
for needle in "Alma" "Quist" "alma.quist" "example.org" "491705550123" "$ALCARD" "$AL" "Bo Berg" \
    "bo.berg" "491517654321" "$CARD" "$BO" "espresso" "pastries" "personalised_offers"; do
	grep -qF -- "$needle" "$WORK/hub.sql" && leak="$leak $needle"
done
[ -z "$leak" ]; report $? "...and no name, e-mail, phone, card, member id or choice in it${leak:+ (found:$leak)}"

# --- A hub that goes away mid-sync -------------------------------------------------------
: >"$WORK/many.jsonl"
for i in $(seq 1 400); do
	printf '{"language":"en","email":"m%d@example.org","channels":["email"],"interests":["espresso"]}\n' \
		"$i" >>"$WORK/many.jsonl"
done
on 1 0 "terminal 1 imports 400 members" -- import "$WORK/many.jsonl"
t1 sync >"$WORK/s1" 2>"$WORK/e1" &
p=$!
for _ in $(seq 1 100); do
	[ "$(pg_psql -Atc "SELECT count(*) FROM prefkiosk.events WHERE origin = 1" 2>/dev/null || echo 0)" -gt 200 ] && break
	sleep 0.02
done
pg_kill
wait $p
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ]; report $? "a sync cut off by the hub going away ends (exit $rc)"
if [ $rc -eq 1 ]; then
	[ "$(wc -l <"$WORK/e1")" -eq 1 ]; report $? "...with one line on stderr"
else
	report 0 "...having finished first"
fi
pg_restart
on 1 0 "the next sync completes" -- sync
on 2 0 "terminal 2 syncs" -- sync
n1=$(sqlite3 "$WORK/t1.db" "SELECT count(*) FROM customers")
n2=$(sqlite3 "$WORK/t2.db" "SELECT count(*) FROM customers")
[ "$n1" = "$n2" ] && [ "$n1" -ge 402 ]; report $? "terminal 2 has every member terminal 1 has ($n2 of $n1)"
on 2 0 "terminal 2 finds the last one imported" -- lookup --email m400@example.org
on 2 0 "terminal 2's store verifies" -- verify
on 1 0 "terminal 1's outbox is empty" -- sync
json '.pushed == 0'; report $? "...nothing was left to push"

# --- Two syncs of one store at once (the kiosk's thread and `prefkiosk sync`) ---------------------
for round in 1 2 3; do
	for i in $(seq 1 60); do
		t1 visit --email "m$i@example.org" >/dev/null 2>&1
	done
	t1 sync >/dev/null 2>&1
	t2 sync >"$WORK/sa" 2>&1 &
	pa=$!
	t2 sync >"$WORK/sb" 2>&1 &
	pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	[ $ra -eq 0 ] && [ $rb -eq 0 ] || echo "# round $round: syncs exited $ra and $rb"
done
v1=$(sqlite3 "$WORK/t1.db" "SELECT count(*) FROM visits")
v2=$(sqlite3 "$WORK/t2.db" "SELECT count(*) FROM visits")
[ "$v1" = "$v2" ] && [ "$v1" -ge 180 ]
report $? "two syncs of one store at once apply each event once ($v2 visits here, $v1 there)"
on 2 0 "...and its store verifies" -- verify

# --- A terminal restored from an older copy ----------------------------------------------------
on 3 0 "terminal 3 catches up" -- sync
sqlite3 "$WORK/t3.db" ".backup '$WORK/t3-old.db'"
on 3 0 "terminal 3 grants a reward" -- grant --customer "$AL" --reward early_access
on 3 0 "terminal 3 syncs it" -- sync
cp "$WORK/t3-old.db" "$WORK/t3.db"
rm -f "$WORK/t3.db-wal" "$WORK/t3.db-shm"
on 3 1 "restored from the older copy, it is refused before it pushes anything" -- sync
check "...saying it was restored and what to do" -- grep -q "restored from an older copy" "$ERR"

# --- Who may join ----------------------------------------------------------------------------
"$PK" --db "$WORK/other.db" --key-file "$WORK/other.key" --config "$CONFIG" init >/dev/null
DB="$WORK/other.db" KEY="$WORK/other.key" expect 1 "a terminal with another key file is refused" -- sync
check "...saying the hub belongs to another key" -- grep -q "belongs to another key" "$ERR"
"$PK" --db "$WORK/dup.db" --key-file "$KEY" --config "$CONFIG" init --terminal 2 >/dev/null
DB="$WORK/dup.db" expect 1 "a second store claiming terminal 2 is refused" -- sync
check "...saying each terminal needs its own number" -- grep -q "its own number" "$ERR"
on 1 1 "a fleet's terminal does not rotate the key alone" -- rekey
check "...and says why" -- grep -q "belongs to a fleet" "$ERR"
