#!/usr/bin/env bash
# dashboard.sh — the admin dashboard through the real binary at 80x24: an admin opens it from
# the staff menu, pages through the charts with Tab and with a tap on a heading, and sees small
# figures as "<5"; Esc goes back to the staff menu; a member of staff gets no link; the opening
# is in the audit chain.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

fresh_store
printf '9876\n' | pk staff add anna --role admin >/dev/null
printf '1234\n' | pk staff add bob --role staff >/dev/null
for i in 1 2 3 4 5 6; do
	pk enroll <<<"{\"email\":\"m$i@example.org\",\"language\":\"en\",\"channels\":[\"email\"],
	  \"interests\":[\"tea\"],\"consents\":{\"email_marketing\":true}}" >/dev/null
done

kiosk 80 24
tm_wait_for "Touch the screen or press any key" >/dev/null
staff_gate anna 9876
check "an admin's staff menu offers the dashboard" -- tm_wait_for "Dashboard"
click_on "Dashboard"
check "it opens on the sign-ups per day" -- tm_wait_for "Sign-ups per day, last 30 days"
check "today's six are the top of the scale" -- tm_shows "6┤"
check "with the number of members" -- tm_shows "Members: 6"
check "and the meaning of the hatch" -- tm_shows "░ <5: fewer than 5 members, not shown"
tm_keys Tab
check "Tab brings the opt-in rates to the top" -- tm_wait_gone "Sign-ups per day"
check "six of six give e-mail marketing" -- tm_shows "100% (6)"
check "a purpose nobody gave is <5, hatched" -- tm_shows "░░ <5"
click_on "Top interests"
check "a tapped heading comes to the top" -- tm_wait_gone "Opt-in rate per purpose"
check "tea, chosen by six" -- tm_shows "Loose-leaf tea"
tm_keys Escape
check "Esc goes back to the staff menu" -- tm_wait_for "Leave the kiosk"
click_on "Back"
tm_wait_for "Touch the screen or press any key" >/dev/null
staff_gate bob 1234
tm_wait_for "Staff-assisted sign-up" >/dev/null
check "a member of staff gets no dashboard" -- sh -c "! grep -q 'Dashboard' '$TM_SCREEN'"
click_on "Back"
tm_wait_for "Touch the screen or press any key" >/dev/null
pk audit >"$OUT"
check "the opening is recorded, by anna" -- \
	jq -e -s '[.[] | select(.action == "dashboard") | .staff] == ["anna"]' "$OUT"
expect 0 "verify passes" -- verify
