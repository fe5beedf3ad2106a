#!/usr/bin/env bash
# member.sh — a returning member at the kiosk: sign in with card and PIN (a wrong PIN first),
# see a reward again, withdraw every consent in one step, see their data, delete themselves; a
# scanned card signing in alone; five wrong PINs locking the member.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

fresh_store
pk enroll >"$OUT" <<'JSON'
{"card":"4000 1234 5678","name":"Ada","email":"ada@example.org","language":"en","pin":"2580",
 "interests":["espresso","tea"],"channels":["email"],
 "consents":{"personalised_offers":true,"email_marketing":true}}
JSON
UID1=$(jq -r .customer "$OUT")
WELCOME=$(jq -r '.rewards[0].code' "$OUT")

kiosk 80 24
tm_wait_for "Touch the screen or press any key" >/dev/null
click_on "Sign in"
check "sign in asks for a card or phone number" -- tm_wait_for "Card number:"
tm_type "400012345678"
sleep 0.1
tm_keys Enter
check "then the PIN" -- tm_wait_for "Enter your PIN"
tm_type "1111"
sleep 0.1
tm_keys Enter
check "a wrong PIN is refused" -- tm_wait_for "Wrong PIN"
tm_type "2580"
sleep 0.1
tm_keys Enter
check "the right PIN opens the member's home, greeting by name" -- \
	tm_wait_for "Welcome back, Ada"

click_on "My rewards"
check "my rewards show the code again" -- tm_wait_for "Valid until"
check "the QR on the screen is the member's welcome offer" -- \
	test "$(tm_qr_decode | head -n 1)" = "$WELCOME"
click_on "Back"

click_on "My consents"
check "my consents show what was given" -- tm_wait_for "[x] Personalised offers: On"
click_on "Withdraw all"
check "withdraw all is one step" -- tm_wait_for "All consents withdrawn"
check "and every purpose shows off" -- tm_shows "[ ] Personalised offers: Off"
pk export --customer "$UID1" >"$OUT"
check "the store holds two withdrawals, method kiosk" -- \
	jq -e '[.consent_history[] | select(.state == "withdrawn" and .method == "kiosk")]
	  | length == 2' "$OUT"
check "and no consent is given any more" -- \
	jq -e '[.consents[] | select(.state == "given")] | length == 0' "$OUT"
click_on "News and offers by e-mail"
check "one purpose is given again with one tap" -- tm_wait_for "[x] News and offers by e-mail: On"
click_on "Back"

click_on "My data"
check "my data shows what is held" -- tm_wait_for "ada@example.org"
check "the PIN only as a hash" -- tm_shows "stored only as a hash"
click_on "Back"

click_on "Delete me"
check "delete me asks first" -- tm_wait_for "This cannot be undone."
click_on "Yes, delete everything"
check "then confirms" -- tm_wait_for "Your data has been deleted"
expect 6 "the member is gone" -- lookup --card 400012345678
expect 5 "their reward is revoked" -- redeem "$WELCOME"
click_on "Done"
tm_wait_for "Touch the screen or press any key" >/dev/null

# A scanned card: a burst ending in Enter, no PIN.
pk enroll <<<'{"card":"4000 5555 6666","language":"de"}' >/dev/null
tm_keys 4 0 0 0 5 5 5 5 6 6 6 6 Enter
check "a scanned card signs the member in without a PIN" -- tm_wait_for "My rewards"
click_on "Sign out"
tm_wait_for "Touch the screen or press any key" >/dev/null

# Five wrong PINs lock the member.
pk enroll <<<'{"card":"4000 7777 8888","language":"en","pin":"1357"}' >/dev/null
click_on "Sign in"
tm_wait_for "Card number:" >/dev/null
tm_type "400077778888"
sleep 0.1
tm_keys Enter
tm_wait_for "Enter your PIN" >/dev/null
for i in 1 2 3 4 5; do
	tm_type "0000"
	sleep 0.1
	tm_keys Enter
	sleep 0.3
done
check "the fifth wrong PIN locks the member for 15 minutes" -- \
	tm_wait_for "locked for 15 minutes"
tm_type "1357"
sleep 0.1
tm_keys Enter
sleep 0.3
check "even the right PIN waits" -- tm_shows "locked for 15 minutes"
check "the kiosk is still running" -- tm_alive
expect 0 "verify passes" -- verify
