#!/usr/bin/env bash
# newmember.sh — a new member from the attract screen to the reward, through the real kiosk in
# a real terminal: keys for some answers, taps for others, the QR on the screen read by zbarimg
# and redeemed at the till; then the record of it in the store.
. "$(dirname "$0")/lib"

fresh_store

. "$(dirname "$0")/kiosk.inc"

kiosk 80 24
check "the attract screen shows the shop and how to start" -- \
	tm_wait_for "Touch the screen or press any key to start"
check "and the languages" -- tm_shows "Deutsch"
tm_keys Enter
check "any key starts: what we ask and why" -- tm_wait_for "What we ask and why"
tm_keys Enter
check "interests by category, with the challenge's progress" -- \
	tm_wait_for "0 of 3 interests in 0 of 2 categories"
click_on "Espresso & milk drinks"
check "a tap ticks an interest, with a word as well as a mark" -- \
	tm_wait_for "[x] Espresso & milk drinks: On"
click_on "Pastries & cakes"
click_on "Mugs & cups"
check "the challenge's progress counts" -- tm_wait_for "3 of 3 interests in 2 of 2 categories"
click_on "Next"
check "how to reach you" -- tm_wait_for "How to reach you"
click_on "E-mail"
tm_wait_for "Weekly" >/dev/null
click_on "Next"
check "the e-mail channel asks for an address, and only that (and an optional name)" -- \
	tm_wait_for "E-mail address:"
check "no phone number is asked" -- sh -c "! grep -q 'Phone number' '$TM_SCREEN'"
tm_type "mia@example.org"
check "typing goes into the field" -- tm_wait_for "mia@example.org"
tm_keys Enter
check "the first purpose, starting off" -- tm_wait_for "Nothing is chosen until you choose."
check "with what data, why, how long and who else" -- tm_shows "Who else sees it"
click_on "Yes"
for i in 2 3 4 5 6; do
	tm_wait_for "$i / 6" >/dev/null || break
	click_on "No"
done
check "a reward for data shows its incentive notice first" -- \
	tm_wait_for "A reward for your preferences"
click_on "Accept"
check "the review shows every answer" -- tm_wait_for "Review your answers"
check "with the address given" -- tm_shows "mia@example.org"
click_on "Next"
tm_wait_for "I have no card" >/dev/null
click_on "I have no card"
check "then a PIN" -- tm_wait_for "PIN (4 to 12 digits)"
new_pin 2580
check "the reward, with its QR code" -- tm_wait_for "Your reward"
check "and the consent receipt" -- tm_shows "Consent receipt:"
CODE=$(tm_qr_decode | head -n 1)
check "the QR on the screen reads as a reward code" -- test "${#CODE}" -eq 36
expect 0 "the till redeems the code read off the screen" -- redeem "$CODE" --till T1
check "it is the welcome offer" -- jq -e '.rule == "welcome"' "$OUT"

click_on "Done"
check "thanks" -- tm_wait_for "Thank you!"
tm_keys Enter
check "and back to the attract screen" -- tm_wait_for "Touch the screen or press any key"

pk export --all --format jsonl >"$OUT"
check "the store holds the member, with the e-mail channel and three interests" -- \
	jq -e -s 'length == 1 and (.[0].profile.interests | length) == 3
	  and .[0].profile.email == "mia@example.org"' "$OUT"
UID1=$(jq -r -s '.[0].customer' "$OUT")
pk export --customer "$UID1" >"$OUT"
check "six consent records, one given, method kiosk, language en" -- \
	jq -e '(.consent_history | length) == 6
	  and ([.consent_history[] | select(.state == "given")] | length) == 1
	  and (.consent_history | all(.method == "kiosk" and .language == "en"))' "$OUT"
check "the pastry for the preferences was earned too" -- \
	jq -e '[.rewards[].rule] | index("complete_profile") != null' "$OUT"

# Nothing but an admin leaves the kiosk.
tm_keys C-c C-z 'C-\' Escape q
sleep 0.3
check "Ctrl-C, Ctrl-Z, Ctrl-\\, Esc and q leave it running" -- tm_alive
expect 0 "verify passes" -- verify
