#!/usr/bin/env bash
# core.sh — the member life cycle through the real binary: init, enroll, lookup, consent,
# export, erase; and the catalogue.
. "$(dirname "$0")/lib"

expect 0 "init creates a store and a key file" -- init
check "the key file has mode 0600" -- test "$(stat -c %a "$KEY")" = 600
check "the store file is not readable by others" -- test "$(stat -c %a "$DB")" = 600
expect 1 "init refuses to overwrite a store" -- init

expect 0 "catalog prints the catalogue" -- catalog
check "catalogue has interests, channels with needs, purposes, rewards" -- \
	jq -e '(.interests | length) >= 15 and (.channels | all(has("needs")))
	  and (.purposes | length) >= 6 and (.rewards | length) >= 1' "$OUT"
check "catalogue marks a sensitive and a third-party purpose" -- \
	jq -e '(.purposes | any(.sensitive)) and (.purposes | any(.third_party))' "$OUT"
cp "$OUT" "$WORK/catalog.json"
I1=$(jq -r '.interests[0].id' "$WORK/catalog.json")
I2=$(jq -r '.interests[5].id' "$WORK/catalog.json")
EMAILCH=$(jq -r '.channels[] | select(.needs == "email") | .id' "$WORK/catalog.json" | head -n 1)
P1=$(jq -r '.purposes[0].id' "$WORK/catalog.json")
P2=$(jq -r '.purposes[1].id' "$WORK/catalog.json")
NP=$(jq '.purposes | length' "$WORK/catalog.json")

cat >"$WORK/ada.json" <<JSON
{"card":"4000 1234 5678","name":"Ada Lovelace","email":"Ada@Example.ORG","phone":"+49 170 1234567",
 "language":"en","pin":"4711","interests":["$I1","$I2"],"channels":["$EMAILCH"],
 "consents":{"$P1":true,"$P2":true},"method":"kiosk"}
JSON
IN="$WORK/ada.json" expect 0 "enroll signs a member up" -- enroll
UID1=$(last_uid)
check "enroll answers with the customer id and a receipt" -- \
	jq -e '(.customer | length) == 16 and (.receipt | length) == 26 and (.rewards | type) == "array"' "$OUT"

expect 0 "lookup by phone typed another way" -- lookup --phone "0170 1234567"
check "lookup finds the same member" -- test "$(last_uid)" = "$UID1"
check "lookup shows the normalised e-mail and name" -- \
	jq -e '.profile.email == "ada@example.org" and .profile.name == "Ada Lovelace"' "$OUT"
check "lookup shows no PIN hash" -- sh -c "! grep -q argon2 '$OUT'"
expect 0 "lookup by e-mail in another case" -- lookup --email "ADA@example.org"
expect 0 "lookup by card with spaces removed" -- lookup --card 400012345678
expect 6 "lookup of an unknown phone says not found" -- lookup --phone "+49 170 7654321"

expect 0 "export shows everything held" -- export --customer "$UID1"
check "export has a consent record for every purpose" -- \
	jq -e "(.consent_history | length) == $NP" "$OUT"
check "the given purposes are given, the others refused" -- \
	jq -e ".consents.\"$P1\".state == \"given\" and
	  ([.consents[] | select(.state == \"refused\")] | length) == $NP - 2" "$OUT"
check "each record carries the 27560 fields" -- \
	jq -e '.consent_history | all(has("record_id") and has("receipt_id") and has("subject")
	  and has("controller") and has("purpose") and has("data_categories") and has("lawful_basis")
	  and has("notice") and has("language") and has("method") and has("terminal")
	  and has("event_time") and has("state") and has("valid_until") and has("jurisdiction")
	  and has("recipients") and has("retention_days") and has("withdrawal_method"))' "$OUT"
check "records point to a notice version and digest" -- \
	jq -e '.consent_history | all(.notice.version == 1 and (.notice.digest | length) == 64)' "$OUT"

expect 0 "consent --withdraw one purpose" -- consent --customer "$UID1" --withdraw "$P1"
check "that purpose is now withdrawn" -- jq -e ".consents.\"$P1\".state == \"withdrawn\"" "$OUT"
expect 0 "consent --grant it again" -- consent --customer "$UID1" --grant "$P1"
expect 0 "consent --withdraw-all" -- consent --customer "$UID1" --withdraw-all
check "no purpose is given any more" -- \
	jq -e '[.consents[] | select(.state == "given")] | length == 0' "$OUT"
expect 0 "export after withdraw-all" -- export --customer "$UID1"
check "the history shows both withdrawals of the last step" -- \
	jq -e '[.consent_history[] | select(.state == "withdrawn")] | length == 3' "$OUT"
expect 2 "consent with an unknown purpose is refused" -- consent --customer "$UID1" --grant nope
expect 6 "consent for an unknown member says not found" -- consent --customer 0000000000000000 --withdraw-all

expect 0 "export --all as jsonl" -- export --all
check "one line per member" -- test "$(wc -l <"$OUT")" -eq 1
expect 0 "export --all as csv" -- export --all --format csv
check "csv has a header and one row" -- test "$(wc -l <"$OUT")" -eq 2
check "csv header names each purpose" -- grep -q "consent_$P1" "$OUT"

expect 0 "verify passes on a healthy store" -- verify
check "verify says ok" -- jq -e '.ok and .members == 1' "$OUT"

expect 0 "erase crypto-shreds the member" -- erase --customer "$UID1"
expect 6 "lookup after erasure says not found" -- lookup --phone "0170 1234567"
expect 6 "export after erasure says not found" -- export --customer "$UID1"
expect 6 "a second erase says not found" -- erase --customer "$UID1"
expect 0 "verify still passes after erasure" -- verify
check "no sealed field or data key is left for the erased member" -- \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE data_key IS NOT NULL OR profile IS NOT NULL OR email_index IS NOT NULL OR phone_index IS NOT NULL OR card_index IS NOT NULL")" = 0
check "the consent evidence stays" -- \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM consent_records")" -gt "$NP"
IN="$WORK/ada.json" expect 0 "the same person can sign up again after erasure" -- enroll
exit 0
