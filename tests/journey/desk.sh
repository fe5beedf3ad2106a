#!/usr/bin/env bash
# desk.sh — the loyalty desk through the real binary: a staff member signs in with a PIN, scans
# a genuine code (redeemed, with what to hand over), the same code again (already redeemed, when
# and where), a forged one (not genuine), a mistyped one typed by hand, a member card (name,
# stamp card, rewards) and stamps the visit; the audit chain holds it all.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

fresh_store
printf '2468\n' | pk staff add carla --role staff >/dev/null
pk enroll <<<'{"card":"4000 2222 3333","name":"Ben Okafor","language":"en"}' >"$OUT"
UID1=$(jq -r .customer "$OUT")
CODE=$(jq -r '.rewards[0].code' "$OUT")

tm_start 80 24 "$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" run --desk --staff carla
check "the desk asks carla's PIN only" -- tm_wait_for "PIN:"
check "with her name filled in" -- tm_shows "Name: carla"
tm_type "2468"
sleep 0.1
tm_keys Enter
check "then waits for a scan" -- tm_wait_for "Scan a reward code or a member card."

# A scanner: the code as one burst of keys ending in Enter.
scan() {
	tm_type "$1"$'\r'
}
scan "$CODE"
check "a genuine code is redeemed at once" -- tm_wait_for "REDEEMED"
check "with what to hand over" -- tm_shows "Hand over: 10% off your next order"
scan "$CODE"
check "the same code again: already redeemed" -- tm_wait_for "ALREADY REDEEMED"
check "with when and where" -- tm_shows "at desk 1"
# A well-formed code made with another store's key: the tag gives it away.
OTHER="$WORK/other"
mkdir -p "$OTHER"
"$PK" --db "$OTHER/s.db" --key-file "$OTHER/k" --config "$CONFIG" init >/dev/null
FORGED=$("$PK" --db "$OTHER/s.db" --key-file "$OTHER/k" --config "$CONFIG" enroll \
	<<<'{"language":"en"}' | jq -r '.rewards[0].code')
scan "$FORGED"
check "a forged code: not genuine" -- tm_wait_for "NOT GENUINE"
check "do not hand anything over" -- tm_shows "Do not hand anything over."
tm_keys Enter
tm_wait_for "Scan a reward code or a member card." >/dev/null
scan "0${CODE:1}"
check "a misread code: not genuine, and says it may be mistyped" -- \
	tm_wait_for "Mistyped or misread"
tm_keys Enter
tm_wait_for "Scan a reward code or a member card." >/dev/null
tm_type "hello"
sleep 0.1
tm_keys Enter
check "typed text that is neither code nor card says so" -- \
	tm_wait_for "Neither a reward code nor a member card"
scan "400022223333"
check "a member card opens the member: first name" -- tm_wait_for "Ben"
check "and nothing more of the name" -- sh -c "! grep -q 'Okafor' '$TM_SCREEN'"
check "and the stamp card" -- tm_shows "Stamp card: 0 of 5 visits"
click_on "Stamp this visit"
check "one key stamps the visit" -- tm_wait_for "Visit stamped"
check "and the card shows it" -- tm_wait_for "Stamp card: 1 of 5 visits"
pk export --customer "$UID1" >"$OUT"
check "the store has the visit" -- jq -e '(.visits | length) == 1' "$OUT"
expect 4 "the till agrees the code is used" -- check "$CODE"
pk audit >"$OUT"
check "the audit chain holds carla's sign-in, the redemption and the visit" -- \
	jq -e -s '[.[] | select(.staff == "carla") | .action] == ["sign_in", "redeem", "visit"]' \
	"$OUT"
# A touch-only desk: a code typed on the on-screen keyboard, check symbol included (a code
# may end with * $ % or +, which the keyboard has beside the space bar).
for i in $(seq 1 120); do
	TOUCHED=$(pk enroll <<<'{"language":"en"}' | jq -r '.rewards[0].code')
	case "$TOUCHED" in *[*\$%+]) break ;; esac
done
check "a code ending in a symbol was found to type" -- \
	sh -c "case '$TOUCHED' in *[*\\$%+]) exit 0 ;; esac; exit 1"
tm_keys Escape
tm_wait_for "Scan a reward code" >/dev/null
tap_text "$(printf '%s' "$TOUCHED" | tr 'A-Z' 'a-z')"
click_on "Check"
check "a code tapped on the screen's keyboard is redeemed" -- tm_wait_for "REDEEMED"
expect 4 "and it is used" -- check "$TOUCHED"
tm_keys Escape
tm_wait_for "Scan a reward code" >/dev/null
tm_keys Escape
check "Esc on the ready screen signs carla out" -- tm_wait_for "Sign in to redeem rewards"
check "the desk is still running" -- tm_alive
expect 0 "verify passes" -- verify
