#!/usr/bin/env bash
# admin.sh — passphrase stores, stats, purge, a store from a newer prefkiosk, notice versions.
. "$(dirname "$0")/lib"

# A passphrase store: the passphrase comes from the environment, the key never touches disk.
export PREFKIOSK_PASSPHRASE="correct horse battery staple"
expect 0 "init --passphrase makes a passphrase store" -- init --passphrase
check "no key file is written for a passphrase store" -- test ! -e "$KEY"
printf '{"language":"en"}' >"$WORK/m.json"
IN="$WORK/m.json" expect 0 "the passphrase opens it" -- enroll
PREFKIOSK_PASSPHRASE="wrong horse battery staple" pk verify >"$OUT" 2>"$ERR"
report $([ $? -eq 1 ] && echo 0 || echo 1) "a wrong passphrase exits 1"
check "and says the key does not match" -- grep -q "key does not match" "$ERR"
PREFKIOSK_PASSPHRASE=short pk init --passphrase --db "$WORK/p2.db" >"$OUT" 2>"$ERR"
check "a short passphrase is refused" -- grep -q "at least 12" "$ERR"
unset PREFKIOSK_PASSPHRASE
pk verify </dev/null >"$OUT" 2>"$ERR"
check "no passphrase and no terminal: a clear message" -- grep -q "PREFKIOSK_PASSPHRASE" "$ERR"

fresh_store
for i in $(seq 1 7); do
	printf '{"email":"s%d@example.org","language":"en","channels":["email"],"interests":["espresso"],"consents":{"email_marketing":%s}}\n' \
		"$i" "$([ "$i" -le 5 ] && echo true || echo false)"
done >"$WORK/seven.jsonl"
expect 0 "import seven members" -- import "$WORK/seven.jsonl"
expect 0 "stats" -- stats
check "stats count members and opt-ins" -- \
	jq -e '.members == 7 and .purposes.email_marketing.given == 5 and .interests.espresso == 7' "$OUT"
check "stats suppress figures below five" -- \
	jq -e '.purposes.email_marketing.refused == null and .interests.decaf == null' "$OUT"
check "stats name no member" -- sh -c "! grep -q '@example.org' '$OUT'"
expect 0 "purge --dry-run" -- purge --dry-run
check "nothing is due today" -- jq -e '.dry_run and .members_erased == 0 and .consents_expired == 0' "$OUT"
expect 0 "purge" -- purge
expect 0 "verify after purge" -- verify

# A notice text edited by the shop: new version, old consents counted as to renew.
cp -r "$CONFIG" "$WORK/config"
cp -r "$TOP/assets" "$WORK/assets"
printf '\nWe now also keep your order history for 3 years.\n' >>"$WORK/assets/notices/email_marketing.en.txt"
"$PK" --db "$DB" --key-file "$KEY" --config "$WORK/config" stats >"$OUT" 2>"$ERR"
check "consents to the old text are to be renewed" -- jq -e '.purposes.email_marketing.to_renew == 5' "$OUT"
printf '{"email":"new@example.org","language":"en","channels":["email"],"consents":{"email_marketing":true}}' >"$WORK/new.json"
"$PK" --db "$DB" --key-file "$KEY" --config "$WORK/config" enroll <"$WORK/new.json" >"$OUT" 2>"$ERR"
check "a sign-up under the new text records notice version 2" -- \
	test "$(sqlite3 "$DB" "SELECT max(version) FROM notices WHERE notice = 'email_marketing' AND language = 'en'")" = 2
"$PK" --db "$DB" --key-file "$KEY" --config "$WORK/config" export --customer "$(last_uid)" >"$OUT" 2>"$ERR"
check "its export shows version 2" -- jq -e '.consents.email_marketing.notice_version == 2 and .consents.email_marketing.current' "$OUT"

# A store written by a newer prefkiosk is refused, and left alone.
sqlite3 "$DB" "PRAGMA user_version = 99"
before=$(sha256sum <"$DB")
expect 1 "a newer store is refused" -- verify
check "the message says to upgrade" -- grep -q "newer prefkiosk" "$ERR"
check "the newer store is untouched" -- test "$before" = "$(sha256sum <"$DB")"
exit 0
