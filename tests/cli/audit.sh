#!/usr/bin/env bash
# audit.sh — staff and admin actions through the real binary leave an audit record each, with
# pseudonymous targets only; `audit` prints them as JSON lines and `verify` checks their chain.
. "$(dirname "$0")/lib"

fresh_store
printf '1234\n' | pk staff add bob --role staff >/dev/null
IN=/dev/null
pk enroll <<<'{"language":"en","email":"zoe@example.org","channels":["email"],
  "method":"assisted","staff":"bob"}' >"$OUT"
UID1=$(last_uid)
CODE=$(jq -r '.rewards[0].code' "$OUT")
pk redeem "$CODE" --till T1 --staff bob >/dev/null
pk visit --customer "$UID1" --staff bob >/dev/null
printf '0000\n' | pk staff verify bob >/dev/null 2>&1
printf '1234\n' | pk staff verify bob >/dev/null
pk export --all >/dev/null
pk grant --customer "$UID1" --reward early_access >/dev/null
pk purge >/dev/null
pk staff remove bob >/dev/null

expect 0 "audit prints the chain" -- audit
check "one JSON line per action, in order" -- jq -e -s '[.[].action] == ["staff_add",
	  "assisted_sign_up", "redeem", "visit", "wrong_pin", "sign_in", "export_all", "grant",
	  "purge", "staff_remove"] and ([.[].id] == [range(1; 11)])' "$OUT"
check "with time, terminal, staff and a pseudonymous target" -- jq -e -s --arg u "$UID1" \
	'.[1].staff == "bob" and .[1].target == $u and .[2].target == "reward 1:1"
	  and all(.[]; .terminal == 1 and (.time | type) == "number")' "$OUT"
check "and no personal data" -- sh -c "! grep -q 'zoe@example.org' '$OUT'"
expect 0 "verify checks the audit chain too" -- verify

# The trigger is put back after the edit, as a careful hand would: the chain still tells.
TRIGGER=$(sqlite3 "$DB" "SELECT sql FROM sqlite_schema WHERE name = 'audit_no_update'")
sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET staff = 'eve' WHERE id = 3;
	$TRIGGER;"
expect 1 "an edited audit record fails verify" -- verify
check "and verify names it" -- grep -q "audit record 3" "$ERR"
