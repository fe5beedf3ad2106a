#!/usr/bin/env bash
# keypad.sh — a new member from the attract screen to the reward with a numeric keypad alone:
# every key sent is a keypad key (KP0-KP9, KPEnter, KP+, KP., KP/), as tmux sends them to a
# program that asked for the keypad in application mode.  Speech is turned on from the keypad
# too (5 on the attract screen).  A phone number is typed, one digit erased, the reward's QR read
# off the screen and redeemed; the store has what was chosen.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

fresh_store
LOG=$SPEECH_LOG
kiosk_speech "$CONFIG"

# kp KEY...: keypad keys, one at a time (KP5 is tmux's name for the keypad's 5).
kp() {
	local k
	for k in "$@"; do
		case "$k" in
		KP*) tm_keys "$k" ;;
		*) tm__diag "kp: $k is not a keypad key"; return 1 ;;
		esac
		sleep 0.1
	done
}

check "the attract screen shows the keypad's keys" -- \
	tm_wait_for "Keypad: 5 speech, 9 large text, 3 high contrast, / every key"
check "speech is off: nothing is said" -- test ! -s "$LOG"
kp KP5
check "5 turns speech on, and the attract screen is said" -- said $'en\tBean & Leaf Coffee.'
kp KP/
check "/ shows the keys" -- tm_wait_for "Keys: 2 6 + next, 8 4 previous"
check "and says them" -- said $'en\tThe keys. 2 or 6: the next control.'
kp KPEnter
check "Enter starts: what we ask and why" -- tm_wait_for "What we ask and why"
check "the keys are gone from the screen" -- sh -c "! grep -qF 'Keys: 2 6' '$TM_SCREEN'"
kp KPEnter
check "the interests" -- tm_wait_for "0 of 3 interests in 0 of 2 categories"
kp KP2 KP5
check "2 moves to the first interest, 5 ticks it" -- tm_wait_for "[x] Espresso & milk drinks: On"
kp KP8 KP5
check "8 goes back round to Next, 5 chooses it: how to reach you" -- \
	tm_wait_for "Fewer messages is a fine choice"
kp KP2 KP2 KP5
check "the text message channel, ticked" -- tm_wait_for "[x] Text message (SMS): On"
kp KP0
check "0 goes back a step, the answers kept" -- tm_wait_for "[x] Espresso & milk drinks: On"
kp KPEnter KPEnter
check "a phone number is asked for the text messages" -- tm_wait_for "Phone number:"
kp KP0 KP1 KP7 KP0 KP1 KP2 KP3 KP4 KP5 KP6 KP7 KP9
check "the keypad's digits type it" -- tm_wait_for "Phone number: 017012345679"
kp KP.
check "the dot erases the last digit" -- tm_wait_for "Phone number: 01701234567"
check "and says how many are left, never which" -- \
	said $'en\tPhone number, 11 characters, edit field.'
kp KPEnter
check "Enter goes on: the first purpose" -- tm_wait_for "1 / 6"
for i in 2 3 4 5 6; do
	kp KP2 KP2 KP5
	tm_wait_for "$i / 6" >/dev/null || break
done
kp KP2 KP2 KP5
check "six purposes answered no with 2 2 5: the review" -- tm_wait_for "Review your answers"
check "with the phone number given" -- tm_shows "+491701234567"
kp KPEnter
check "the card" -- tm_wait_for "I have no card"
kp KP+ KP+
check "+ moves on from the card number to the link" -- \
	said $'en\tI have no card: give me a new number, link.'
kp KPEnter
check "a PIN" -- tm_wait_for "PIN (4 to 12 digits)"
kp KP2 KP5 KP8 KP0 KPEnter KP2 KP5 KP8 KP0 KPEnter
check "the reward, reached from the keypad alone" -- tm_wait_for "Your reward"
check "with a success earcon, in the log" -- said $'en\t[earcon success]'
CODE=$(tm_qr_decode | head -n 1)
check "the QR on the screen reads as a reward code" -- test "${#CODE}" -eq 36
expect 0 "the till redeems it" -- redeem "$CODE" --till T1
pk export --all --format jsonl >"$OUT"
check "the store holds the member: the phone typed, the text message channel, one interest" -- \
	jq -e -s 'length == 1 and .[0].profile.phone == "+491701234567"
	  and [.[0].profile.channels[].id] == ["sms"] and .[0].profile.interests == ["espresso"]' "$OUT"
check "the PIN was never said" -- sh -c "! grep -q 2580 '$LOG'"
kp KPEnter
check "Done" -- tm_wait_for "Thank you!"
kp KPEnter
check "and the attract screen for the next customer" -- \
	tm_wait_for "Touch the screen or press any key to start"
check "the thanks were said" -- said $'en\tThank you!'
check "then speech is off again, as configured: the attract screen is not said" -- \
	test "$(grep -c $'^en\tBean & Leaf Coffee' "$LOG")" -eq 1
expect 0 "verify passes" -- verify
