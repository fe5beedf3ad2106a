#!/usr/bin/env bash
# errors.sh — every bad input gets its exit code and one line on stderr, and stores nothing.
. "$(dirname "$0")/lib"

fresh_store
pk catalog >"$WORK/catalog.json"
EMAILCH=$(jq -r '.channels[] | select(.needs == "email") | .id' "$WORK/catalog.json" | head -n 1)
SMSCH=$(jq -r '.channels[] | select(.needs == "phone") | .id' "$WORK/catalog.json" | head -n 1)
NONECH=$(jq -r '.channels[] | select(.needs == "none") | .id' "$WORK/catalog.json" | head -n 1)

members() { sqlite3 "$DB" "SELECT count(*) FROM customers"; }

bad() {	# bad WHAT JSON [NEEDLE]: enroll must refuse with exit 2 and name NEEDLE
	printf '%s' "$2" >"$WORK/bad.json"
	IN="$WORK/bad.json" expect 2 "enroll refuses $1" -- enroll
	[ -n "${3:-}" ] && check "the message names '$3'" -- grep -q "$3" "$ERR"
}

bad "an unknown key" '{"language":"en","colour":"blue"}' "colour"
bad "an unknown interest id" '{"language":"en","interests":["caviar"]}' "caviar"
bad "an unknown channel id" '{"language":"en","channels":["pigeon"]}' "pigeon"
bad "an unknown purpose id" '{"language":"en","consents":{"mind_reading":true}}' "mind_reading"
bad "a non-boolean consent" '{"language":"en","consents":{"'"$(jq -r '.purposes[0].id' "$WORK/catalog.json")"'":"yes"}}' "true or false"
bad "a missing language" '{"channels":[]}' "language"
bad "an unconfigured language" '{"language":"xx"}' "language"
bad "a malformed e-mail" '{"language":"en","email":"not-an-address","channels":["'"$EMAILCH"'"]}' "email"
bad "a malformed phone" '{"language":"en","phone":"call me maybe","channels":["'"$SMSCH"'"]}' "phone"
bad "an e-mail no channel uses" '{"language":"en","email":"a@example.org","channels":["'"$NONECH"'"]}' "email"
bad "a phone no channel uses, without a PIN" '{"language":"en","phone":"+491701234567"}' "phone"
bad "a channel without its contact field" '{"language":"en","channels":["'"$EMAILCH"'"]}' "e-mail"
bad "a short PIN" '{"language":"en","pin":"12"}' "pin"
bad "a PIN with letters" '{"language":"en","pin":"12ab"}' "pin"
bad "an assisted sign-up without staff" '{"language":"en","method":"assisted"}' "staff"
bad "a document that is not an object" '[1,2,3]' "object"
bad "malformed JSON" '{"language":' "JSON"
check "nothing was stored by any refused enrolment" -- test "$(members)" = 0

printf '{"language":"en","phone":"+491701234567","pin":"4711","card":"123456"}' >"$WORK/ok.json"
IN="$WORK/ok.json" expect 0 "a phone with a PIN may serve to sign in" -- enroll
IN="$WORK/ok.json" expect 2 "the same card and phone again is refused" -- enroll
check "the message says another member has it" -- grep -q "another member" "$ERR"

# import: bad lines reported by line number, good lines imported, exit 2.
{
	printf '{"language":"en","email":"i1@example.org","channels":["%s"]}\n' "$EMAILCH"
	printf 'this is not json\n'
	printf '{"language":"en","email":"i3@example.org","channels":["%s"]}\n' "$EMAILCH"
	printf '{"language":"en","interests":["caviar"]}\n'
	printf '{"language":"en","email":"i1@example.org","channels":["%s"]}\n' "$EMAILCH"
} >"$WORK/mixed.jsonl"
pk import "$WORK/mixed.jsonl" >"$OUT" 2>"$ERR"
report $([ $? -eq 2 ] && echo 0 || echo 1) "import with bad lines exits 2"
check "import reports line 2" -- grep -q "mixed.jsonl:2:" "$ERR"
check "import reports line 4" -- grep -q "mixed.jsonl:4: interests" "$ERR"
check "import reports the duplicate on line 5" -- grep -q "mixed.jsonl:5: email" "$ERR"
check "import imported the two good lines" -- jq -e '.imported == 2 and .rejected == 3' "$OUT"
check "exactly three members now" -- test "$(members)" = 3
expect 1 "import of a missing file" -- import "$WORK/missing.jsonl"

# The command line itself.
expect 2 "an unknown command" -- frobnicate
expect 2 "lookup without a key" -- lookup
expect 2 "export with both --customer and --all" -- export --customer X --all
expect 2 "export --format xml" -- export --all --format xml
expect 6 "export of a malformed member id says not found" -- export --customer nope
expect 2 "an unknown option" -- lookup --colour red
expect 1 "a missing store" -- --db "$WORK/none.db" verify

# Staff accounts: PIN on stdin, lock-out after 5 failures.
printf '135790\n' >"$WORK/pin"
printf '000000\n' >"$WORK/wrong"
IN="$WORK/pin" expect 0 "staff add" -- staff add alice --role admin
IN="$WORK/pin" expect 2 "staff add of an existing name" -- staff add alice --role staff
IN="$WORK/pin" expect 2 "staff add with a bad role" -- staff add bob --role boss
printf 'abc\n' >"$WORK/letters"
IN="$WORK/letters" expect 2 "staff add with a PIN of letters" -- staff add bob --role staff
IN="$WORK/pin" expect 0 "staff verify with the right PIN" -- staff verify alice
check "verify answers the role" -- jq -e '.role == "admin"' "$OUT"
for i in 1 2 3 4; do
	IN="$WORK/wrong" expect 3 "wrong PIN $i exits 3" -- staff verify alice
done
IN="$WORK/wrong" expect 7 "the fifth wrong PIN locks the account (exit 7)" -- staff verify alice
IN="$WORK/pin" expect 7 "a locked account refuses even the right PIN" -- staff verify alice
IN="$WORK/pin" expect 6 "staff verify of an unknown name" -- staff verify nobody
expect 0 "staff list" -- staff list
check "the list shows alice as locked" -- jq -e 'select(.name == "alice") | .locked' "$OUT"
check "the list holds no PIN hash" -- sh -c "! grep -q argon2 '$OUT'"
expect 2 "the only admin cannot be removed" -- staff remove alice
check "the refusal says to add another admin first" -- grep -q "only admin" "$ERR"
IN="$WORK/pin" expect 0 "a second admin" -- staff add carol --role admin
expect 0 "staff remove" -- staff remove alice
expect 6 "staff remove again" -- staff remove alice

# A broken config: exit 2 with the file and the line.
cp -r "$CONFIG" "$WORK/config"
printf '\n[store]\ncolour = blue\n' >>"$WORK/config/prefkiosk.ini"
"$PK" --db "$DB" --key-file "$KEY" --config "$WORK/config" verify >"$OUT" 2>"$ERR"
report $([ $? -eq 2 ] && echo 0 || echo 1) "an unknown config key exits 2"
check "the message names the file and line" -- grep -q "prefkiosk.ini:[0-9][0-9]*:" "$ERR"
cp "$CONFIG/prefkiosk.ini" "$WORK/config/prefkiosk.ini"
printf '\n[interest way_too_long]\ncategory = %s\ntitle = %0300d\n' \
	"$(jq -r '.categories[0].id' "$WORK/catalog.json")" 0 >>"$WORK/config/catalog.ini"
"$PK" --db "$DB" --key-file "$KEY" --config "$WORK/config" catalog >"$OUT" 2>"$ERR"
report $([ $? -eq 2 ] && echo 0 || echo 1) "an over-long catalogue line exits 2"
check "the message names the catalogue and its line" -- grep -q "catalog.ini:[0-9][0-9]*:" "$ERR"
exit 0
