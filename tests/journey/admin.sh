#!/usr/bin/env bash
# admin.sh — the kiosk's admin side through the real binary: an admin previews and applies
# retention, exports every member sealed to the master data system, changes the store's keys
# (the kiosk carries on under the new one), adds a staff account (PINs typed twice) and removes it, cannot remove themselves;
# a staff account sees none of it; a demoted admin is refused by the store, not the menu; staff
# look a member up by phone and stamp a visit; the audit chain holds every step.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

fresh_store
# The kiosk's exports go to a folder of this suite, sealed to a key pair of its own.
cp -r "$CONFIG" "$WORK/config"
CONFIG="$WORK/config"
mkdir -p "$WORK/exports"
pk export-keys "$WORK/mds" >/dev/null
sed -i "s|^directory = .*|directory = $WORK/exports|; s|^recipient = .*|recipient = $WORK/mds.pub|; s|^assets = .*|assets = $TOP/assets|" \
	"$CONFIG/prefkiosk.ini"
printf '9876\n' | pk staff add anna --role admin >/dev/null
printf '1357\n' | pk staff add ben --role admin >/dev/null
printf '1234\n' | pk staff add bob --role staff >/dev/null
pk enroll <<<'{"card":"4000 1111 2222","language":"en"}' >"$OUT"
OLD=$(jq -r .customer "$OUT")
pk enroll <<<'{"card":"4000 2222 3333","name":"Ben","phone":"0171 2345678",
  "channels":["sms"],"language":"en"}' >/dev/null
# One member last seen three years ago: due for erasure.
sqlite3 "$DB" "UPDATE customers SET last_seen = last_seen - 3 * 366 * 86400
  WHERE uid = '$OLD'"

kiosk 80 24
tm_wait_for "Touch the screen or press any key" >/dev/null
staff_gate bob 1234
check "staff get the staff menu" -- tm_wait_for "Staff-assisted sign-up"
check "without retention" -- sh -c "! grep -q 'Retention' '$TM_SCREEN'"
check "or staff accounts" -- sh -c "! grep -q 'Staff accounts' '$TM_SCREEN'"
click_on "Redeem, look up a member"
check "staff open the desk from the kiosk" -- tm_wait_for "Scan a reward code or a member card"
tm_type "0171 2345678"
sleep 0.1
tm_keys Enter
check "a phone number finds the member" -- tm_wait_for "Stamp card: 0 of 5 visits"
click_on "Stamp this visit"
check "and the visit is stamped" -- tm_wait_for "Stamp card: 1 of 5 visits"
tm_keys Escape
tm_wait_for "Scan a reward code" >/dev/null
tm_keys Escape
check "Esc goes back to the staff menu, not out" -- tm_wait_for "Staff-assisted sign-up"
click_on "Back"
tm_wait_for "Touch the screen or press any key" >/dev/null

staff_gate anna 9876
check "an admin gets retention" -- tm_wait_for "Retention: erase what is due"
check "and staff accounts" -- tm_shows "Staff accounts"
click_on "Retention: erase what is due"
check "retention shows a preview first" -- tm_wait_for "A purge now erases"
check "with the member due for erasure" -- tm_shows "Members not seen for 730 days: 1"
expect 0 "the preview erased nobody" -- export --customer "$OLD"
click_on "Purge now"
check "Purge now applies it" -- tm_wait_for "Retention applied"
expect 6 "the inactive member is gone" -- export --customer "$OLD"
click_on "Back"
tm_wait_for "Export to the master data system" >/dev/null
click_on "Export to the master data system"
check "export says how many members go" -- tm_wait_for "Members: 1"
click_on "Export now"
check "and writes them" -- tm_wait_for "Exported"
SEALED=$(ls "$WORK"/exports/prefkiosk-export-1-*.jsonl.sealed 2>/dev/null | head -n 1)
check "to one sealed file in the export folder" -- test -s "$SEALED"
check "whose name the screen shows" -- tm_shows "Written: $(basename "$SEALED") (1 member)"
check "holding no phone number as it is on disk" -- sh -c "! grep -q 2345678 '$SEALED'"
"$PK" unseal --secret-key "$WORK/mds.key" "$SEALED" >"$WORK/unsealed"
pk export --all --format jsonl >"$OUT"
check "which the master data system's key opens to what export --all gives" -- \
	cmp -s "$WORK/unsealed" "$OUT"
click_on "Back"
tm_wait_for "Key rotation" >/dev/null
cp "$KEY" "$WORK/old.key"
click_on "Key rotation"
check "key rotation says what it does first" -- tm_wait_for "A new master key replaces the key"
click_on "Change the keys now"
check "and changes the keys" -- tm_wait_for "The keys were changed"
check "saying how many members moved" -- tm_shows "Members moved to the new key: 1"
check "the key file is new" -- sh -c "! cmp -s '$KEY' '$WORK/old.key'"
"$PK" --db "$DB" --key-file "$WORK/old.key" --config "$CONFIG" verify >"$OUT" 2>"$ERR"
check "the old key no longer opens the store" -- grep -q "does not match" "$ERR"
expect 0 "the new one does" -- verify
click_on "Back"
tm_wait_for "Staff accounts" >/dev/null
click_on "Staff accounts"
check "the accounts are listed" -- tm_wait_for "bob  staff"
click_on "Add an account"
tm_wait_for "PIN again" >/dev/null
tm_type "zoe"
sleep 0.1
tm_keys Enter
tm_type "4321"
sleep 0.1
tm_keys Enter
tm_type "4322"
sleep 0.1
tm_keys Enter
check "two different PINs are refused" -- tm_wait_for "The two PINs are not the same"
tm_type "4321"
sleep 0.1
tm_keys Enter
tm_type "4321"
sleep 0.1
tm_keys Enter
check "the account is added" -- tm_wait_for "Account added"
check "and listed" -- tm_shows "zoe  staff"
IN=$(mktemp -p "$WORK")
printf '4321\n' >"$IN"
IN="$IN" expect 0 "zoe's PIN works" -- staff verify zoe
click_on "anna  admin"
tm_wait_for "Remove the account anna?" >/dev/null
click_on "Remove"
check "an admin cannot remove their own account" -- \
	tm_wait_for "You cannot remove your own account here"
click_on "Keep it"
tm_wait_for "Add an account" >/dev/null
click_on "zoe  staff"
check "removing asks first" -- tm_wait_for "Remove the account zoe?"
click_on "Remove"
check "the account is removed" -- tm_wait_for "Account removed"
IN="$IN" expect 6 "zoe's PIN no longer works" -- staff verify zoe

# Demoted behind the kiosk's back: the menu still shows the entry, the store refuses.
click_on "Back"
tm_wait_for "Retention: erase what is due" >/dev/null
pk staff remove anna >/dev/null
click_on "Staff accounts"
check "an admin removed since signing in is refused" -- tm_wait_for "Only an admin can do this"
check "and the admin entries are gone" -- tm_wait_gone "Staff accounts"
pk audit >"$OUT"
check "the audit chain holds the purge, the account changes and the refusal" -- \
	jq -e -s '[.[] | select(.staff == "anna") | .action] ==
	  ["sign_in", "purge", "export_sealed", "rekey", "staff_add", "staff_remove", "denied"]' \
	  "$OUT"
check "bob's visit is there too" -- \
	jq -e -s '[.[] | select(.staff == "bob") | .action] == ["sign_in", "visit"]' "$OUT"
expect 0 "verify passes" -- verify
check "the kiosk is still running" -- tm_alive
