#!/usr/bin/env bash
# privacy.sh — nothing personal in the clear on disk; a wrong key changes nothing; a flipped
# byte in a sealed field is named by verify and by that member's look-up, and nobody else's.
. "$(dirname "$0")/lib"

fresh_store
pk catalog >"$WORK/catalog.json"
EMAILCH=$(jq -r '.channels[] | select(.needs == "email") | .id' "$WORK/catalog.json" | head -n 1)
SMSCH=$(jq -r '.channels[] | select(.needs == "phone") | .id' "$WORK/catalog.json" | head -n 1)
# The longest interest id: the one least likely to appear in any notice text.
INTEREST=$(jq -r '[.interests[].id] | max_by(length)' "$WORK/catalog.json")

cat >"$WORK/grace.json" <<JSON
{"name":"Grace Hopper","email":"grace.hopper@navy.example","phone":"+1 202 555 0147",
 "language":"de","pin":"908172","interests":["$INTEREST"],"channels":["$EMAILCH","$SMSCH"]}
JSON
IN="$WORK/grace.json" expect 0 "enroll a member with every field" -- enroll
GRACE=$(last_uid)
# A second member, so a damaged first one can be told from the rest.
cat >"$WORK/alan.json" <<JSON
{"name":"Alan Turing","email":"alan@bletchley.example","language":"en","channels":["$EMAILCH"]}
JSON
IN="$WORK/alan.json" expect 0 "enroll a second member" -- enroll
ALAN=$(last_uid)

for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	for needle in "Grace" "Hopper" "grace.hopper" "navy.example" "2025550147" "202 555" \
	    "908172" "$INTEREST" "Alan Turing" "bletchley"; do
		check "no '$needle' in $b" -- sh -c "! grep -aqF '$needle' '$f'"
	done
done
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for needle in "Grace" "grace.hopper" "908172" "$INTEREST" "Alan"; do
	check "no '$needle' in the checkpointed store" -- sh -c "! grep -aqF '$needle' '$DB'"
done

# A wrong key: exit 1, one line, nothing changed.
head -c 32 /dev/urandom >"$WORK/wrong.key"
chmod 600 "$WORK/wrong.key"
before=$(cat "$DB" "$DB-wal" 2>/dev/null | sha256sum)
"$PK" --db "$DB" --key-file "$WORK/wrong.key" --config "$CONFIG" lookup --customer "$GRACE" \
	>"$OUT" 2>"$ERR"
report $([ $? -eq 1 ] && echo 0 || echo 1) "a wrong key exits 1"
check "the message says the key does not match" -- grep -q "key does not match this store" "$ERR"
IN="$WORK/alan.json" "$PK" --db "$DB" --key-file "$WORK/wrong.key" --config "$CONFIG" \
	enroll <"$WORK/alan.json" >"$OUT" 2>"$ERR"
after=$(cat "$DB" "$DB-wal" 2>/dev/null | sha256sum)
check "a wrong key changed nothing in the store" -- test "$before" = "$after"
chmod 644 "$WORK/wrong.key"
"$PK" --db "$DB" --key-file "$WORK/wrong.key" --config "$CONFIG" verify >"$OUT" 2>"$ERR"
check "a key file readable by others is refused" -- grep -q "chmod 600" "$ERR"

# Flip one bit of Grace's sealed profile, behind prefkiosk's back.
hex=$(sqlite3 "$DB" "SELECT hex(profile) FROM customers WHERE uid = '$GRACE'")
pos=60
c=${hex:$pos:1}
flipped=$(printf '%X' $(( 0x$c ^ 1 )))
newhex="${hex:0:$pos}$flipped${hex:$((pos + 1))}"
sqlite3 "$DB" "UPDATE customers SET profile = X'$newhex' WHERE uid = '$GRACE'"
expect 1 "verify reports the damaged field" -- verify
check "verify's stdout says not ok" -- jq -e '.ok == false' "$OUT"
pk verify >"$OUT" 2>"$ERR"
check "verify names the member and the field" -- grep -q "$GRACE.*'profile'" "$ERR"
expect 1 "the damaged member's look-up fails clearly" -- lookup --customer "$GRACE"
check "the look-up names the field" -- grep -q "'profile' does not open" "$ERR"
expect 0 "every other member still works" -- lookup --email alan@bletchley.example
check "it is the other member" -- test "$(last_uid)" = "$ALAN"

# A consent record edited behind SQLite's back (the trigger dropped first).
sqlite3 "$DB" "DROP TRIGGER consent_no_update;
	UPDATE consent_records SET body = replace(body, '\"refused\"', '\"given\"') WHERE id = 2;"
pk verify >"$OUT" 2>"$ERR"
check "verify names the edited consent record" -- grep -q "consent record 2: its MAC does not match" "$ERR"
exit 0
