#!/usr/bin/env bash
# rekey.sh — key rotation through the real binary: a one-line JSON summary; the old key refused
# and a new key file (mode 0600) in its place; members, staff PINs and codes as they were;
# --codes replacing what is outstanding; the rotation in the audit; nothing personal in the
# clear afterwards; a rotation that died before its rename; a damaged member; refusals that
# change nothing; a passphrase store.
. "$(dirname "$0")/lib"

# Exit status of the last command as a report: "status CODE DESCRIPTION".
status() {
	local rc=$? want=$1
	shift
	[ "$rc" -eq "$want" ] || echo "# expected exit $want, got $rc"
	report $([ "$rc" -eq "$want" ] && echo 0 || echo 1) "$*"
}

# The store, its WAL and the key file, as one digest.
digest() {
	cat "$DB" "$DB-wal" "$KEY" 2>/dev/null | sha256sum
}

fresh_store
cat >"$WORK/ada.json" <<'JSON'
{"card":"4000 1234 5678","name":"Ada Lovelace","email":"ada.lovelace@analytical.example",
 "phone":"+49 170 1234567","language":"en","pin":"4711","interests":["espresso"],
 "channels":["email"]}
JSON
cat >"$WORK/grace.json" <<'JSON'
{"card":"4000 9999 0001","name":"Grace Hopper","email":"grace.hopper@navy.example",
 "phone":"+1 202 555 0147","language":"de","pin":"908172","interests":["tea"],
 "channels":["email","sms"]}
JSON
IN="$WORK/ada.json" expect 0 "enroll a member" -- enroll
ADA=$(last_uid)
ADA_CODE=$(jq -r '.rewards[0].code' "$OUT")
IN="$WORK/grace.json" expect 0 "enroll a second member" -- enroll
GRACE=$(last_uid)
GRACE_CODE=$(jq -r '.rewards[0].code' "$OUT")
printf '2468\n' | pk staff add bob --role admin >/dev/null
cp "$KEY" "$WORK/old.key"

# A plain rotation.
expect 0 "rekey exits 0" -- rekey --staff bob
check "its summary is one line of JSON" -- test "$(wc -l <"$OUT")" -eq 1
check "that counts the members and the records" -- jq -e '.members == 2 and .damaged == 0
	and .codes == false and .rewards_replaced == 0 and .consent_records > 0
	and .audit_records == 1 and (.key_file | endswith("store.key"))' "$OUT"
check "the key file holds a new key" -- sh -c "! cmp -s '$KEY' '$WORK/old.key'"
check "with mode 0600" -- test "$(stat -c %a "$KEY")" = 600
check "and no .new file is left" -- test ! -e "$KEY.new"
"$PK" --db "$DB" --key-file "$WORK/old.key" --config "$CONFIG" lookup --customer "$ADA" \
	>"$OUT" 2>"$ERR"
status 1 "the old key is refused: exit 1"
check "as the wrong key" -- grep -q "the key does not match this store" "$ERR"
expect 0 "a member looks up by card" -- lookup --card "4000 1234 5678"
check "the same member, her name as it was" -- jq -e --arg u "$ADA" \
	'.customer == $u and .profile.name == "Ada Lovelace"' "$OUT"
expect 0 "by phone" -- lookup --phone "+1 202 555 0147"
check "the other member" -- test "$(last_uid)" = "$GRACE"
expect 0 "by e-mail" -- lookup --email "Ada.Lovelace@analytical.example"
check "the first member again" -- test "$(last_uid)" = "$ADA"
printf '2468\n' | pk staff verify bob >"$OUT" 2>"$ERR"
status 0 "a staff PIN still verifies"
printf '1357\n' | pk staff verify bob >"$OUT" 2>"$ERR"
status 3 "a wrong one still does not"
expect 0 "an outstanding code still checks" -- check "$ADA_CODE"
expect 0 "and redeems" -- redeem "$GRACE_CODE" --till T1
expect 0 "verify finds the chains intact" -- verify
expect 0 "audit prints the chain" -- audit
check "with the rotation in it, by bob" -- jq -e -s 'map(select(.action == "rekey"))
	| length == 1 and .[0].target == "store" and .[0].staff == "bob"' "$OUT"

# Rotating the codes too.
expect 0 "rekey --codes exits 0" -- rekey --codes
check "it replaced the one outstanding code" -- jq -e '.codes and .rewards_replaced == 1' \
	"$OUT"
expect 5 "the old code is revoked: exit 5" -- check "$ADA_CODE"
check "as replaced" -- jq -e '.status == "revoked" and .revoked_reason == "replaced"' "$OUT"
check "and the message says where the new one is" -- grep -q "replaced by a new one" "$ERR"
expect 4 "a code redeemed before still says so" -- check "$GRACE_CODE"
expect 0 "the member's rewards" -- lookup --customer "$ADA"
NEW_CODE=$(jq -r '.rewards[0].code' "$OUT")
check "hold a new code for the same reward" -- jq -e --arg c "$ADA_CODE" \
	'(.rewards | length) == 1 and .rewards[0].code != $c and .rewards[0].rule == "welcome"' \
	"$OUT"
expect 0 "which redeems" -- redeem "$NEW_CODE"
expect 0 "verify is still clean" -- verify

# Nothing personal in the clear, in the store or its WAL.
for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	for needle in "Lovelace" "Grace" "Hopper" "analytical.example" "navy.example" \
	    "1701234567" "2025550147" "4711" "908172"; do
		check "no '$needle' in $b" -- sh -c "! grep -aqF '$needle' '$f'"
	done
done

# A rotation that died after its commit, before the rename: the next command finishes it.
cp "$KEY" "$WORK/before.key"
expect 0 "another rotation" -- rekey
cp "$KEY" "$WORK/new.key"
mv "$KEY" "$KEY.new"
cp "$WORK/before.key" "$KEY"
expect 0 "the store still opens with the key file as it was" -- lookup --customer "$ADA"
check "the new key was put in place" -- cmp -s "$KEY" "$WORK/new.key"
check "and the .new file is gone" -- test ! -e "$KEY.new"

# A damaged member is counted and left; the rest are re-keyed.
hex=$(sqlite3 "$DB" "SELECT hex(profile) FROM customers WHERE uid = '$GRACE'")
c=${hex:60:1}
sqlite3 "$DB" "UPDATE customers SET profile = X'${hex:0:60}$(printf '%X' $((0x$c ^ 1)))${hex:61}'
	WHERE uid = '$GRACE'"
expect 1 "a rotation with a damaged member exits 1" -- rekey
check "after its summary counts it" -- jq -e '.members == 1 and .damaged == 1' "$OUT"
check "and says the store was re-keyed" -- grep -q "re-keyed, but 1 member" "$ERR"
expect 0 "the other member still looks up" -- lookup --email "ada.lovelace@analytical.example"
sqlite3 "$DB" "UPDATE customers SET profile = X'$hex' WHERE uid = '$GRACE'"

# Refusals change nothing: a broken chain, bad usage.
sqlite3 "$DB" "DROP TRIGGER consent_no_update;
	UPDATE consent_records SET body = replace(body, '\"refused\"', '\"given\"') WHERE id = 2;"
before=$(digest)
expect 1 "an edited consent record: rekey refuses, exit 1" -- rekey --codes
check "naming the consent records" -- grep -q "consent records do not verify" "$ERR"
check "store, WAL and key file are byte-identical" -- test "$before" = "$(digest)"
check "and no .new file is left" -- test ! -e "$KEY.new"
expect 2 "an unknown option is a usage error" -- rekey --bogus
expect 2 "so is an argument" -- rekey now
expect 2 "and an empty --staff" -- rekey --staff ""
check "none of them changed anything" -- test "$before" = "$(digest)"

# A passphrase store: the new passphrase from the environment.
DB="$WORK/pass.db"
PREFKIOSK_PASSPHRASE="the first passphrase" pk init --passphrase >/dev/null
IN="$WORK/ada.json" PREFKIOSK_PASSPHRASE="the first passphrase" expect 0 \
	"enroll on a passphrase store" -- enroll
PREFKIOSK_PASSPHRASE="the first passphrase" PREFKIOSK_NEW_PASSPHRASE="too short" \
	expect 2 "a short new passphrase is refused: exit 2" -- rekey
check "saying why" -- grep -q "at least 12 characters" "$ERR"
PREFKIOSK_PASSPHRASE="the first passphrase" setsid -w "$PK" --db "$DB" --config "$CONFIG" \
	rekey </dev/null >"$OUT" 2>"$ERR"
status 2 "without a new passphrase or a terminal: exit 2"
check "naming the variable to set" -- grep -q "PREFKIOSK_NEW_PASSPHRASE" "$ERR"
PREFKIOSK_PASSPHRASE="the first passphrase" PREFKIOSK_NEW_PASSPHRASE="the second passphrase" \
	expect 0 "rekey with a new passphrase" -- rekey
check "re-keys the member, no key file" -- jq -e '.members == 1 and .key_file == null' "$OUT"
PREFKIOSK_PASSPHRASE="the first passphrase" expect 1 "the old passphrase is refused" -- verify
check "as the wrong key" -- grep -q "the key does not match this store" "$ERR"
PREFKIOSK_PASSPHRASE="the second passphrase" expect 0 "the new one opens it" -- verify
PREFKIOSK_PASSPHRASE="the second passphrase" expect 0 "and the member looks up" -- \
	lookup --card "4000 1234 5678"
exit 0
