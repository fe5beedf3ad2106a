#!/usr/bin/env bash
# touch.sh — a sign-up with nothing but taps, as on a kiosk with no keyboard attached: the
# on-screen keyboard for the e-mail address, the keypad for the PIN; and the staff gate, where
# only an admin leaves the kiosk.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

fresh_store
kiosk 80 24
tm_wait_for "Touch the screen or press any key" >/dev/null
tm_click 40 20
check "a tap starts" -- tm_wait_for "What we ask and why"
click_on "Next"
tm_wait_for "Your interests" >/dev/null
click_on "Filter coffee"
click_on "Hot chocolate"
click_on "Breakfast"
click_on "Next"
tm_wait_for "How to reach you" >/dev/null
click_on "E-mail"
tm_wait_for "Weekly" >/dev/null
click_on "Monthly"
check "a frequency is chosen with a tap" -- tm_wait_for "(●) Monthly"
click_on "Next"
check "the on-screen keyboard comes with the e-mail field" -- tm_wait_for "E-mail address:"
tap_text "jo@cafe.de"
check "the keyboard types the address" -- tm_wait_for "E-mail address: jo@cafe.de"
click_on "Next"
tm_wait_for "1 / 6" >/dev/null
for i in 1 2 3 4 5 6; do
	click_on "No"
	sleep 0.2
done
check "no to everything still earns the offer for preferences" -- \
	tm_wait_for "A reward for your preferences"
click_on "No, thanks"
tm_wait_for "Review your answers" >/dev/null
click_on "Next"
tm_wait_for "I have no card" >/dev/null
click_on "I have no card"
check "the keypad comes with the PIN" -- tm_wait_for "PIN (4 to 12 digits)"
tap_text "4826"
click_on "Done"
tap_text "4826"
click_on "Done"
check "the reward, without a key pressed" -- tm_wait_for "Your reward"
CODE=$(tm_qr_decode | head -n 1)
expect 0 "its code is genuine" -- check "$CODE"
pk export --all --format jsonl >"$OUT"
check "the member has the monthly e-mail channel and refused every purpose" -- \
	jq -e -s '.[0].profile.channels == [{"id":"email","frequency":"monthly"}]
	  and ([.[0].consents[] | select(.state == "given")] | length) == 0' "$OUT"
check "and no pastry: its incentive was declined" -- \
	jq -e -s '[.[0].rewards[].rule] == ["welcome"]' "$OUT"
click_on "Done"
tm_wait_for "Thank you!" >/dev/null
click_on "Start again"
tm_wait_for "Touch the screen or press any key" >/dev/null

# The staff gate: F12, a name and a PIN; staff cannot leave, an admin can.
printf '1234\n' | pk staff add bob --role staff >/dev/null
printf '9876\n' | pk staff add anna --role admin >/dev/null
tm_keys F12
check "F12 opens the staff gate" -- tm_wait_for "Staff"
tm_type "bob"
sleep 0.1
tm_keys Enter
tm_type "1234"
sleep 0.1
tm_keys Enter
check "a staff member gets the staff menu" -- tm_wait_for "Staff-assisted sign-up"
check "without a way out" -- sh -c "! grep -q 'Leave the kiosk' '$TM_SCREEN'"
click_on "Print a test receipt"
check "a test receipt without a printer says so" -- tm_wait_for "The printer is not available"
click_on "Reprint a code"
check "reprint asks for a code" -- tm_wait_for "Scan the code, or type it."
tm_type "$CODE"$'\r'
check "a scanned code's slip goes to the printer (here: none, and it says so)" -- \
	tm_wait_for "The printer is not available"
tm_type "hello"
sleep 0.1
tm_keys Enter
check "something that is not a live reward is not printed" -- tm_wait_for "cannot be printed"
click_on "Back"
tm_wait_for "Staff-assisted sign-up" >/dev/null
click_on "Staff-assisted sign-up"
check "staff can start an assisted sign-up" -- tm_wait_for "What we ask and why"
click_on "Next"
tm_wait_for "Your interests" >/dev/null
click_on "Next"
tm_wait_for "How to reach you" >/dev/null
click_on "Next"
for i in 1 2 3 4 5 6; do
	tm_wait_for "$i / 6" >/dev/null || break
	click_on "No"
done
tm_wait_for "Review your answers" >/dev/null
click_on "Next"
tm_wait_for "I have no card" >/dev/null
click_on "I have no card"
tm_wait_for "No PIN" >/dev/null
click_on "No PIN"
check "the assisted sign-up reaches its reward" -- tm_wait_for "Your reward"
pk export --all --format jsonl >"$OUT"
UID2=$(jq -r -s '.[1].customer' "$OUT")
pk export --customer "$UID2" >"$OUT"
check "its consent records say assisted, by bob" -- \
	jq -e '.consent_history | all(.method == "assisted" and .staff == "bob")' "$OUT"
pk audit >"$OUT"
check "and the audit chain holds bob's sign-in and the assisted sign-up" -- \
	jq -e -s --arg u "$UID2" '([.[] | select(.staff == "bob") | .action] | index("sign_in"))
	  != null and ([.[] | select(.action == "assisted_sign_up" and .target == $u)] | length)
	  == 1' "$OUT"
click_on "Done"
tm_wait_for "Thank you!" >/dev/null
click_on "Start again"
tm_wait_for "Touch the screen or press any key" >/dev/null
staff_gate bob 1234
tm_wait_for "Staff-assisted sign-up" >/dev/null
click_on "Back"
tm_wait_for "Touch the screen or press any key" >/dev/null
staff_gate anna 0000
check "a wrong staff PIN is refused" -- tm_wait_for "Wrong name or PIN"
tm_type "9876"
sleep 0.1
tm_keys Enter
check "an admin may leave the kiosk" -- tm_wait_for "Leave the kiosk"
click_on "Leave the kiosk"
check "and it exits with 0" -- test "$(tm_exit_code)" = 0
pk audit >"$OUT"
check "leaving is recorded, by anna" -- \
	jq -e -s '.[-1].action == "leave_kiosk" and .[-1].staff == "anna"' "$OUT"
expect 0 "verify passes" -- verify
