#!/usr/bin/env bash
# rewards.sh — rewards through the real binary: enrolment returns its codes, check and redeem
# answer with the contract's exit codes, visits fill the stamp card, an update meets the
# completion challenge, erasure revokes, and two processes racing redeem each code once.
. "$(dirname "$0")/lib"

fresh_store

cat >"$WORK/member.json" <<'JSON'
{"language":"en","email":"bo@example.org","channels":["email"],
 "interests":["espresso","pastries","live_music"],"incentives":["complete_profile"]}
JSON
IN="$WORK/member.json" expect 0 "enroll signs up a member who shared 3 interests" -- enroll
UID1=$(last_uid)
check "enroll returns the welcome offer and the completion reward" -- \
	jq -e '[.rewards[].rule] == ["welcome","complete_profile"]' "$OUT"
check "each reward has a 36-symbol code, a grouped form and an expiry day" -- \
	jq -e 'all(.rewards[]; (.code | test("^[0-9A-Z*$%+]{36}$")) and
	  (.grouped | test("^([0-9A-Z*$%+]{6}-){5}[0-9A-Z*$%+]{6}$")) and
	  (.expires | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")))' "$OUT"
WELCOME=$(jq -r '.rewards[0].code' "$OUT")
PASTRY=$(jq -r '.rewards[1].grouped' "$OUT")

expect 0 "check says a genuine code is valid" -- check "$WELCOME"
check "check names the rule and what it gives, not whose it is" -- \
	jq -e '.status == "valid" and .rule == "welcome" and .kind == "percent"
	  and .value == 10 and (has("customer") | not)' "$OUT"
expect 0 "check does not redeem" -- check "$WELCOME"

LOWER=$(echo "$WELCOME" | tr 'A-Z' 'a-z')
expect 0 "redeem takes the code typed in lower case" -- redeem "$LOWER" --till "Till 2" --staff anna
check "redeem reports redeemed, the till and the staff member" -- \
	jq -e '.status == "redeemed" and .till == "Till 2" and .staff == "anna"' "$OUT"
expect 4 "a second redemption is refused with exit 4" -- redeem "$WELCOME" --till "Till 3"
check "it says when and at which till" -- grep -q "already redeemed on .* at till Till 2" "$ERR"
expect 4 "check of a redeemed code exits 4 too" -- check "$WELCOME"

expect 0 "redeem takes the grouped form with dashes" -- redeem "$PASTRY"

# One changed symbol, a forged tag, garbage: exit 3 with a reason.
BAD="${WELCOME:0:20}$( [ "${WELCOME:20:1}" = A ] && echo B || echo A )${WELCOME:21}"
expect 3 "a mistyped code is refused with exit 3" -- check "$BAD"
check "and the reason names the check character" -- grep -q "check character" "$ERR"
expect 3 "garbage is not a code" -- redeem "hello world"
expect 3 "an empty code is not a code" -- check ""
expect 2 "check without a code is a usage error" -- check
expect 2 "redeem with an unknown option is a usage error" -- redeem "$WELCOME" --cash

# A code made with another store's key is forged here.
OTHER="$WORK/other"
mkdir -p "$OTHER"
"$PK" --db "$OTHER/s.db" --key-file "$OTHER/k" --config "$CONFIG" init >/dev/null
"$PK" --db "$OTHER/s.db" --key-file "$OTHER/k" --config "$CONFIG" enroll \
	<<<'{"language":"en"}' >"$OTHER/out"
FOREIGN=$(jq -r '.rewards[0].code' "$OTHER/out")
expect 3 "a code from another store's key is not genuine here" -- redeem "$FOREIGN"
check "the answer says forged" -- jq -e '.status == "forged"' "$OUT"

# Visits and the stamp card.
for i in 1 2 3 4; do pk visit --customer "$UID1" >"$OUT" 2>"$ERR"; done
check "four visits issue nothing yet" -- jq -e '.visits == 4 and (.issued | length) == 0
	  and .stamps.stamp_card.to_next == 1' "$OUT"
CARD=$(pk lookup --customer "$UID1" | jq -r .profile.card)
expect 0 "the fifth visit, by card number" -- visit --card "$CARD" --staff anna
check "the fifth visit issues the stamp reward" -- \
	jq -e '.visits == 5 and [.issued[].rule] == ["stamp_card"]' "$OUT"
expect 6 "a visit of an unknown member exits 6" -- visit --customer 0000000000000000
expect 2 "a visit needs a member" -- visit

expect 0 "feedback earns the thank-you" -- feedback --customer "$UID1" --rating 5
check "feedback issued its reward" -- jq -e '[.issued[].rule] == ["feedback"]' "$OUT"
expect 0 "more feedback is recorded" -- feedback --customer "$UID1" --rating 3
check "but the thank-you comes once (limit 1)" -- jq -e '(.issued | length) == 0' "$OUT"
expect 2 "a rating outside 1-5 is refused" -- feedback --customer "$UID1" --rating 9

expect 0 "an admin grants early access" -- grant --customer "$UID1" --reward early_access
check "the grant is issued" -- jq -e '[.issued[].rule] == ["early_access"]' "$OUT"
expect 2 "a second welcome offer exceeds its limit" -- grant --customer "$UID1" --reward welcome
expect 2 "an unknown rule is refused" -- grant --customer "$UID1" --reward gold_bars

expect 0 "lookup lists what is still to redeem" -- lookup --customer "$UID1"
check "outstanding: stamp, feedback, early access; the stamp card at 5" -- \
	jq -e '[.rewards[].rule] == ["stamp_card","feedback","early_access"]
	  and .stamps.stamp_card.visits == 5' "$OUT"
expect 0 "export lists every reward with its state" -- export --customer "$UID1"
check "export has the redeemed welcome offer and the visits" -- \
	jq -e '(.rewards | map(select(.rule == "welcome"))[0].state) == "redeemed"
	  and (.visits | length) == 5 and .stamps.stamp_card.visits == 5' "$OUT"

# A profile update that meets the challenge earns it once.
IN=/dev/null
echo '{"language":"en"}' >"$WORK/plain.json"
IN="$WORK/plain.json" expect 0 "a member with nothing shared" -- enroll
UID2=$(last_uid)
echo '{"interests":["tea","mugs","vegan"],"incentives":["complete_profile"]}' >"$WORK/upd.json"
IN="$WORK/upd.json" expect 0 "update shares three interests" -- update --customer "$UID2"
check "the update earns the completion reward" -- \
	jq -e '[.issued[].rule] == ["complete_profile"] and (.profile.interests | length) == 3' "$OUT"
IN="$WORK/upd.json" expect 0 "the same update again" -- update --customer "$UID2"
check "earns nothing more" -- jq -e '(.issued | length) == 0' "$OUT"
echo '{"email":"x@example.org"}' >"$WORK/upd2.json"
IN="$WORK/upd2.json" expect 2 "an e-mail no channel uses is refused on update too" -- update --customer "$UID2"
echo '{"interests":["caviar"]}' >"$WORK/upd3.json"
IN="$WORK/upd3.json" expect 2 "an unknown interest is refused" -- update --customer "$UID2"

# Erasure revokes outstanding rewards.
pk lookup --customer "$UID2" >"$OUT"
PENDING=$(jq -r '.rewards[0].code' "$OUT")
expect 0 "erase the member" -- erase --customer "$UID2"
expect 5 "an erased member's reward is revoked: exit 5" -- redeem "$PENDING"
check "the answer says revoked" -- jq -e '.status == "revoked"' "$OUT"

# Two processes racing over the same 40 codes: each redeemed exactly once.
: >"$WORK/codes"
for i in $(seq 1 40); do
	pk enroll <<<'{"language":"en"}' | jq -r '.rewards[0].code' >>"$WORK/codes"
done
race() {
	local n=0 code
	while read -r code; do
		pk redeem "$code" --till "$1" >/dev/null 2>&1 && n=$((n + 1))
	done <"$WORK/codes"
	echo "$n" >"$WORK/won.$1"
}
race A & PA=$!
race B & PB=$!
wait "$PA" "$PB"
TOTAL=$(( $(cat "$WORK/won.A") + $(cat "$WORK/won.B") ))
check "two racing processes redeem 40 codes 40 times in all (got $TOTAL)" -- test "$TOTAL" -eq 40
check "the ledger holds each of them redeemed once" -- test "$(sqlite3 "$DB" \
	"SELECT count(*) FROM rewards WHERE state = 'redeemed' AND redeemed_till IN ('A','B')")" -eq 40
expect 0 "verify passes after it all" -- verify
