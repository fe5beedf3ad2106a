#!/usr/bin/env bash
# fulldisk.sh — the kiosk on a store on a tiny filesystem that fills up: a sign-up while the
# disk is full says so on the review screen, with the answers kept, and the kiosk keeps
# running; once space is freed, the same sign-up goes through to the reward, whole.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"
. "$(dirname "$0")/../cli/tinyfs.inc"

DB="$FS/store.db"
fresh_store
PURPOSES=$(pk catalog | jq '.purposes | length')

kiosk 80 24
tm_wait_for "Touch the screen or press any key to start" >/dev/null
check "the kiosk holds the store open on the tiny filesystem" -- test -e "$DB-shm"
tinyfs_fill 0
check "the filesystem is full" -- test "$(tinyfs_avail)" -lt 4096

# A sign-up: an interest, no channel, every purpose refused, a new card and a PIN.
tm_keys Enter
tm_wait_for "What we ask and why" >/dev/null
tm_keys Enter
tm_wait_for "Your interests" >/dev/null
click_on "Decaf"
tm_wait_for "[x] Decaf: On" >/dev/null
click_on "Next"
tm_wait_for "How to reach you" >/dev/null
click_on "Next"
for i in $(seq 1 "$PURPOSES"); do
	tm_wait_for "$i / $PURPOSES" >/dev/null || break
	click_on "No"
done
check "the review" -- tm_wait_for "Review your answers"
click_on "Next"
tm_wait_for "I have no card" >/dev/null
click_on "I have no card"
tm_wait_for "PIN (4 to 12 digits)" >/dev/null
new_pin 2580
check "on the full disk the kiosk says its storage is full" -- \
	tm_wait_for "this kiosk's storage is full" 10
check "and that nothing was saved" -- tm_shows "nothing was saved"
check "back on the review screen, the answers kept" -- tm_shows "Decaf"
check "the kiosk keeps running" -- tm_alive
tinyfs_free
check "nothing was stored" -- test "$(sqlite3 "$DB" "SELECT count(*) FROM customers")" = 0

# Space again: the same answers, tried again.
click_on "Next"
check "with space again, the sign-up goes on" -- tm_wait_for "I have no card"
click_on "I have no card"
tm_wait_for "PIN (4 to 12 digits)" >/dev/null
new_pin 2580
check "to the reward" -- tm_wait_for "Your reward" 10
CODE=$(tm_qr_decode | head -n 1)
check "whose QR reads as a reward code" -- test "${#CODE}" -eq 36
click_on "Done"
tm_wait_for "Thank you!" >/dev/null
check "the kiosk still runs" -- tm_alive
tm_stop
expect 0 "the store verifies" -- verify
check "with the one member, whole" -- jq -e ".members == 1 and .consent_records == $PURPOSES" "$OUT"
expect 0 "the code redeems" -- redeem "$CODE" --till T1
exit 0
