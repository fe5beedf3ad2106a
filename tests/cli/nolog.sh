#!/usr/bin/env bash
# nolog.sh — no personal data in any log line.  Every command's diagnostics go to stderr, one
# line each, and a kiosk's stderr ends up in the journal; the audit chain is a log too.  A member
# with a known name, e-mail address, phone number, card and PIN goes through every path that
# writes one: enrolment refused for each kind of bad input (a syntax error next to the address,
# the address or the name where an id or a key belongs), import, look-ups and exports that find
# nothing, a wrong key, a damaged record, erasure.  Then none of it may appear in any line.
# (The kiosk's own stderr and speech log are checked the same way by tests/journey/wipe.sh.)
. "$(dirname "$0")/lib"

NAME="Grace Hopper"
EMAIL=grace.hopper@navy.example
PHONE="+1 202 555 0147"
CARD="4000 5555 6666"
PIN=908172
LOG="$WORK/stderr.log"
: >"$LOG"

# logged CODE WHAT -- ARG...: prefkiosk ARG... (stdin from $IN) exits CODE; its stderr, kept
# in $LOG, is one line for a failure and nothing for a success.
logged() {
	local code=$1 what=$2 rc
	shift 3
	pk "$@" <"${IN:-/dev/null}" >"$OUT" 2>"$ERR"
	rc=$?
	cat "$ERR" >>"$LOG"
	if [ "$rc" -ne "$code" ]; then
		echo "# expected exit $code, got $rc: prefkiosk $*"
		report 1 "$what"
		return
	fi
	if [ "$code" -eq 0 ]; then
		report "$([ -s "$ERR" ] && echo 1 || echo 0)" "$what"
	else
		report "$([ "$(wc -l <"$ERR")" -eq 1 ] && echo 0 || echo 1)" "$what"
	fi
}

# enrolment DOCUMENT: the document in $WORK/doc.json, for IN.
enrolment() {
	printf '%s\n' "$1" >"$WORK/doc.json"
}

fresh_store
GOOD='{"card":"'"$CARD"'","name":"'"$NAME"'","email":"'"$EMAIL"'","phone":"'"$PHONE"'",
 "language":"en","pin":"'"$PIN"'","interests":["espresso"],"channels":["email","sms"]}'
enrolment "$GOOD"
IN="$WORK/doc.json" logged 0 "a member enrols, saying nothing on stderr" -- enroll
MEMBER=$(last_uid)
IN="$WORK/doc.json" logged 2 "the same member again is refused" -- enroll

# Bad input that carries the member's data where the message looks.
BAD=(
	'{"language":"en","email":'"$EMAIL"',"channels":["email"]}'
	'{"language":"en","name":"'"$NAME"',"channels":[]}'
	'{"language":"en","'"$NAME"'":true}'
	'{"language":"en","channels":["'"$EMAIL"'"]}'
	'{"language":"en","interests":["'"$PHONE"'"]}'
	'{"language":"en","consents":{"'"$EMAIL"'":true}}'
	'{"language":"'"$NAME"'"}'
	'{"language":"en","email":"grace.hopper@","channels":["email"]}'
	'{"language":"en","phone":"'"${PHONE% *}"'","channels":["sms"]}'
	'{"language":"en","pin":"'"$PIN"'x"}'
)
for i in "${!BAD[@]}"; do
	enrolment "${BAD[i]}"
	IN="$WORK/doc.json" logged 2 "bad enrolment $((i + 1)) of ${#BAD[@]} is refused" -- enroll
done
printf '%s\n' "$GOOD" | tr -d '\n' >"$WORK/members.jsonl"
printf '\n' >>"$WORK/members.jsonl"
printf '%s\n' "${BAD[@]}" >>"$WORK/members.jsonl"
pk import "$WORK/members.jsonl" >"$OUT" 2>>"$LOG"
report $([ $? -eq 2 ] && echo 0 || echo 1) "an import of all of them refuses every line (exit 2)"
check "with one line on stderr for each" -- \
	test "$(grep -c 'members.jsonl:' "$LOG")" -eq $((${#BAD[@]} + 1))

# Look-ups and exports that find nothing, or are given the wrong thing.
logged 6 "a look-up of an unknown e-mail address" -- lookup --email "x$EMAIL"
logged 6 "of an unknown phone number" -- lookup --phone "+1 202 555 0148"
logged 2 "of a malformed phone number" -- lookup --phone "${PHONE% *}"
logged 6 "an e-mail address given as a member id" -- lookup --customer "$EMAIL"
logged 6 "to export" -- export --customer "$EMAIL"
logged 6 "to erase" -- erase --customer "$NAME"
logged 6 "a visit of an unknown card" -- visit --card "${CARD// /}1"
IN=/dev/stdin logged 2 "an update with the name where a key belongs" -- update \
	--customer "$MEMBER" <<<'{"'"$NAME"'":"x"}'
IN=/dev/stdin logged 2 "an update with a malformed address" -- update --customer "$MEMBER" \
	<<<'{"email":"'"${EMAIL%@*}"'"}'
logged 0 "a visit by e-mail address" -- visit --email "$EMAIL"

# A wrong key, then a damaged record.
head -c 32 /dev/urandom >"$WORK/wrong.key"
chmod 600 "$WORK/wrong.key"
"$PK" --db "$DB" --key-file "$WORK/wrong.key" --config "$CONFIG" lookup --email "$EMAIL" \
	>"$OUT" 2>>"$LOG"
report $([ $? -eq 1 ] && echo 0 || echo 1) "a look-up with the wrong key (exit 1)"
hex=$(sqlite3 "$DB" "SELECT hex(profile) FROM customers WHERE uid = '$MEMBER'")
flipped="${hex:0:60}$(printf '%X' $(( 0x${hex:60:1} ^ 1 )))${hex:61}"
sqlite3 "$DB" "UPDATE customers SET profile = X'$flipped' WHERE uid = '$MEMBER'"
logged 1 "verify finds the damaged member" -- verify
logged 1 "and their look-up fails" -- lookup --email "$EMAIL"
logged 0 "erasure" -- erase --customer "$MEMBER"
logged 6 "and a look-up after it" -- lookup --email "$EMAIL"
pk audit >>"$LOG" 2>&1
report $? "the audit chain is read into the log as well"

check "the log is not empty (every refusal said something)" -- \
	test "$(wc -l <"$LOG")" -ge $((2 * ${#BAD[@]} + 10))
: >"$OUT"
: >"$ERR"
for needle in "Grace" "Hopper" "grace.hopper" "navy.example" "2025550147" "202 555" \
    "$PIN" "5555 6666" "400055556666"; do
	grep -aiF -- "$needle" "$LOG" >"$WORK/leaked"
	report "$([ -s "$WORK/leaked" ] && echo 1 || echo 0)" \
		"no '$needle' in any line on stderr or in the audit chain"
	sed 's/^/#   leaked: /' "$WORK/leaked" | head -n 5
done
