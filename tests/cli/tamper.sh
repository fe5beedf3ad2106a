#!/usr/bin/env bash
# tamper.sh — the tamper campaign: hundreds of changes made with the sqlite3 tool behind
# prefkiosk's back, each to a fresh copy of one store, and after each `verify` must exit 1 and
# name what was changed.  A flipped bit at a random place of every sealed or MAC'd field (a
# member's wrapped data key, sealed profile and blind indexes; a consent or audit record's body,
# MACs and columns; a reward code; a notice text and its digest; the chains' heads and the key
# check), and consent and audit records deleted, reordered and inserted.  The triggers lifted for
# a change are put back before verify runs, so each change is found by what it broke, not by a
# missing trigger.  The rounds are random but seeded: the seed is printed, and
# TAMPER_SEED=N TAMPER_ROUNDS=M bash tests/cli/tamper.sh replays a run.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/random.inc"

SEED=${TAMPER_SEED:-$(( $(date +%s) % 100000 ))}
ROUNDS=${TAMPER_ROUNDS:-400}
rnd_seed "$SEED"
echo "# seed $SEED, $ROUNDS rounds (replay: TAMPER_SEED=$SEED bash tests/cli/tamper.sh)"

# The store: members with every contact field and without, staff actions, redemptions (records
# past the audit head), a withdrawal, an erasure, so that every table has rows to change.
fresh_store
printf '1234\n' | pk staff add bob --role staff >/dev/null
enrol() { pk enroll >"$OUT" 2>"$ERR" <<<"$1" || echo "# enrol failed: $(cat "$ERR")"; }
enrol '{"language":"en","email":"ann@example.org","phone":"+49 170 1234567","card":"400012345678",
  "pin":"4711","channels":["email","sms"],"interests":["espresso"],
  "consents":{"personalised_offers":true,"email_marketing":true}}'
UID1=$(last_uid)
CODE1=$(jq -r '.rewards[0].code' "$OUT")
enrol '{"language":"de","email":"ben@example.org","channels":["email"],"method":"assisted",
  "staff":"bob","consents":{"sms_marketing":false,"aggregated_insights":true}}'
UID2=$(last_uid)
CODE2=$(jq -r '.rewards[0].code' "$OUT")
enrol '{"language":"fr","phone":"+33 6 12 34 56 78","pin":"2580","name":"Chloé"}'
UID3=$(last_uid)
enrol '{"language":"es","card":"400099998888","interests":["pastries","mugs"]}'
UID4=$(last_uid)
pk redeem "$CODE1" --till T1 --staff bob >/dev/null
pk visit --customer "$UID2" --staff bob >/dev/null
pk consent --customer "$UID1" --withdraw email_marketing --staff bob >/dev/null
pk grant --customer "$UID3" --reward early_access >/dev/null
pk redeem "$CODE2" --till T2 >/dev/null
pk erase --customer "$UID4" >/dev/null
printf '1234\n' | pk staff verify bob >/dev/null
expect 0 "the store to tamper with verifies" -- verify
counts=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM customers) || ' ' ||
	(SELECT count(*) FROM rewards WHERE state = 'redeemed') || ' ' ||
	(SELECT count(*) >= 6 FROM audit) || ' ' || (SELECT count(*) >= 24 FROM consent_records)")
check "it has members, redemptions, audit and consent records ($counts)" -- \
	test "$counts" = "4 2 1 1"
sqlite3 "$DB" ".backup '$WORK/base.db'"
TRIGGERS=$(sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'trigger'")
UNTRIGGER=$(sqlite3 "$DB" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_schema
	WHERE type = 'trigger'")
T="$WORK/t.db"

q() { sqlite3 "$T" "$@"; }

# flip_hex HEX: FLIPPED is HEX with one random bit of one random byte flipped.
flip_hex() {
	local hex=$1 i byte
	rnd $(( ${#hex} / 2 ))
	i=$R
	rnd 8
	byte=$(( 16#${hex:2*i:2} ^ (1 << R) ))
	printf -v FLIPPED '%s%02X%s' "${hex:0:2*i}" "$byte" "${hex:2*i+2}"
}

# flip_text TEXT: FLIPPED is TEXT with one bit (of the low six, so that it stays one byte of
# text, never NUL) flipped in one of its characters.
flip_text() {
	local s=$1 i c
	rnd "${#s}"
	i=$R
	printf -v c '%d' "'${s:i:1}"
	rnd 6
	printf -v c '%02x' $(( c ^ (1 << R) ))
	printf -v FLIPPED "%s\\x$c%s" "${s:0:i}" "${s:i+1}"
}

# lit TEXT: TEXT as an SQL string literal.
lit() {
	printf "'%s'" "${1//\'/\'\'}"
}

# apply SQL: the change, with every trigger lifted for it and put back after.
apply() {
	cp "$WORK/base.db" "$T"
	q "BEGIN; $UNTRIGGER $1; $TRIGGERS COMMIT;" 2>"$WORK/apply.err"
}

# What the rounds are counted under: one line each at the end, in this order.
CATEGORIES=(member_bit member_row consent_records_bit consent_records_column
	consent_records_order audit_bit audit_column audit_order reward notice head)
declare -A TITLE=(
	[member_bit]="a flipped bit in a member's wrapped data key, sealed profile or blind index"
	[member_row]="a member's id, key version, erasure mark, data key or profile changed"
	[consent_records_bit]="a flipped bit in a consent record's body, prev or MAC"
	[consent_records_column]="a consent record's column changed beside its signed body"
	[consent_records_order]="a consent record removed, swapped with another, or inserted"
	[audit_bit]="a flipped bit in an audit record's body, prev or MAC"
	[audit_column]="an audit record's column changed beside its signed body"
	[audit_order]="an audit record removed, swapped with another, or inserted"
	[reward]="a flipped bit in a reward code, its expiry stretched, its redemption undone"
	[notice]="a flipped bit in a notice's text or digest, a notice removed"
	[head]="a flipped bit in a chain's head or the key check"
)
declare -A TRIED NAMED MISSES
# judge KIND PATTERN: run verify on the changed copy; it must exit 1, and one of its lines must
# match PATTERN (an extended regular expression) naming what was changed.
judge() {
	local kind=$1 pattern=$2 rc named=1
	TRIED[$kind]=$(( ${TRIED[$kind]:-0} + 1 ))
	if [ -s "$WORK/apply.err" ]; then
		MISSES[$kind]+="# round $ROUND: $WHAT did not apply: $(head -c 200 "$WORK/apply.err")"$'\n'
		return
	fi
	"$PK" --db "$T" --key-file "$KEY" --config "$CONFIG" verify >"$WORK/v.out" 2>"$WORK/v.err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -Eq -- "$pattern" "$WORK/v.err" && named=0
	if [ "$named" -eq 0 ]; then
		NAMED[$kind]=$(( ${NAMED[$kind]:-0} + 1 ))
	else
		MISSES[$kind]+="# round $ROUND: $WHAT: exit $rc, no line matching: $pattern"$'\n'
		MISSES[$kind]+="$(sed 's/^/#     /' "$WORK/v.err" | head -n 4)"$'\n'
	fi
}

# pick TABLE COLUMNS [WHERE]: PICKED is a row of the store, chosen by our generator (sqlite3's
# random() is not ours to seed), as one line with | between the columns.
pick() {
	local n
	n=$(sqlite3 "$WORK/base.db" "SELECT count(*) FROM $1 ${3:+WHERE $3}")
	rnd "$n"
	PICKED=$(sqlite3 "$WORK/base.db" "SELECT $2 FROM $1 ${3:+WHERE $3} ORDER BY rowid
		LIMIT 1 OFFSET $R")
}

LIVE="erased IS NULL"

# The kinds of change.  Each sets WHAT, applies its change and judges it.
t_member_blob() {
	local col uid hex
	rnd_pick data_key profile card_index phone_index email_index
	col=$R
	pick customers "uid, hex($col)" "$LIVE AND $col IS NOT NULL"
	IFS='|' read -r uid hex <<<"$PICKED"
	flip_hex "$hex"
	WHAT="a bit of $col of member $uid"
	apply "UPDATE customers SET $col = X'$FLIPPED' WHERE uid = '$uid'"
	judge member_bit "member $uid"
}
t_member_row() {
	local uid
	pick customers uid "$LIVE"
	uid=$PICKED
	rnd 5
	case $R in
	0)	WHAT="the key version of member $uid"
		apply "UPDATE customers SET key_version = key_version + 1 WHERE uid = '$uid'" ;;
	1)	WHAT="member $uid marked erased"
		apply "UPDATE customers SET erased = created WHERE uid = '$uid'" ;;
	2)	WHAT="the data key of member $uid removed"
		apply "UPDATE customers SET data_key = NULL WHERE uid = '$uid'" ;;
	3)	WHAT="the profile of member $uid removed"
		apply "UPDATE customers SET profile = NULL WHERE uid = '$uid'" ;;
	4)	# The consent records still name the member by the old id.
		flip_text "$uid"
		WHAT="a bit of the id of member $uid"
		apply "UPDATE customers SET uid = $(lit "$FLIPPED") WHERE uid = '$uid'" ;;
	esac
	judge member_row "member $uid|subject $uid"
}

# chain_bit TABLE NAME: a flipped bit of a record's body, prev or mac.
chain_bit() {
	local col id hex
	rnd_pick body body prev mac
	col=$R
	pick "$1" "id, hex($col)"
	IFS='|' read -r id hex <<<"$PICKED"
	flip_hex "$hex"
	WHAT="a bit of $col of $2 $id"
	if [ "$col" = body ]; then
		apply "UPDATE $1 SET body = CAST(X'$FLIPPED' AS TEXT) WHERE id = $id"
	else
		apply "UPDATE $1 SET $col = X'$FLIPPED' WHERE id = $id"
	fi
	judge "$1_bit" "$2 $id:"
}
# chain_column TABLE NAME COLUMN...: one of the columns beside the body changed.
chain_column() {
	local table=$1 name=$2 col id v new
	shift 2
	rnd_pick "$@"
	col=$R
	pick "$table" "id, $col"
	IFS='|' read -r id v <<<"$PICKED"
	case "$col" in
	state)	rnd_pick given refused withdrawn expired
		[ "$R" = "$v" ] && R=given
		[ "$v" = given ] && R=refused
		new="'$R'" ;;
	event_time|valid_until|notice_version|time|terminal)
		rnd 31
		new=$(( ${v:-0} ^ (1 << R) )) ;;
	*)	if [ -z "$v" ]; then
			new="'eve'"
		else
			flip_text "$v"
			new=$(lit "$FLIPPED")
		fi ;;
	esac
	WHAT="$col of $name $id from '$v' to $new"
	apply "UPDATE $table SET $col = $new WHERE id = $id"
	judge "${table}_column" "$name $id:"
}
# chain_delete TABLE NAME: a record removed; the last one is seen by the chain's head (the
# audit head says how long the chain was), or for a redemption past it, by the ledger.
chain_delete() {
	local id last what
	pick "$1" "id, $( [ "$1" = audit ] && echo "action || ' ' || coalesce(target, '')" || echo "''")"
	IFS='|' read -r id what <<<"$PICKED"
	last=$(sqlite3 "$WORK/base.db" "SELECT max(id) FROM $1")
	WHAT="$2 $id removed"
	apply "DELETE FROM $1 WHERE id = $id"
	if [ "$id" -lt "$last" ]; then
		judge "$1_order" "$2 $id: missing"
	elif [[ "$what" == "redeem reward "* ]]; then
		judge "$1_order" "${what#redeem } was redeemed, but its record is missing"
	elif [ "$1" = audit ]; then
		judge "$1_order" "head says it has $id records"
	else
		judge "$1_order" "consent records: the chain's head"
	fi
}
# chain_swap TABLE NAME: two records change places.
chain_swap() {
	local n a b
	n=$(sqlite3 "$WORK/base.db" "SELECT max(id) FROM $1")
	rnd "$n"
	a=$(( R + 1 ))
	rnd $(( n - 1 ))
	b=$(( R + 1 ))
	[ "$b" -ge "$a" ] && b=$(( b + 1 ))
	[ "$a" -gt "$b" ] && { n=$a; a=$b; b=$n; }
	WHAT="$2s $a and $b swapped"
	apply "CREATE TEMP TABLE two AS SELECT * FROM $1 WHERE id IN ($a, $b);
		DELETE FROM $1 WHERE id IN ($a, $b);
		UPDATE two SET id = CASE id WHEN $a THEN $b ELSE $a END;
		INSERT INTO $1 SELECT * FROM two"
	judge "$1_order" "$2 $a:"
}
# chain_insert TABLE NAME: a copy of a record put in at a random place, the ones from there
# on moved up one (a consent record's copy gets a record id of its own: they are unique).
chain_insert() {
	local n src at uniq=
	n=$(sqlite3 "$WORK/base.db" "SELECT max(id) FROM $1")
	rnd "$n"
	src=$(( R + 1 ))
	rnd $(( n + 1 ))
	at=$(( R + 1 ))
	[ "$1" = consent_records ] && uniq=", record_id = record_id || 'X'"
	WHAT="a copy of $2 $src put in at $at"
	apply "CREATE TEMP TABLE one AS SELECT * FROM $1 WHERE id = $src;
		UPDATE $1 SET id = -(id + 1) WHERE id >= $at;
		UPDATE $1 SET id = -id WHERE id < 0;
		UPDATE one SET id = $at $uniq;
		INSERT INTO $1 SELECT * FROM one"
	# A copy of the record it pushed up fits where it stands: the one after it is named.
	judge "$1_order" "$2 ($at|$(( at + 1 ))):"
}

t_consent_bit() { chain_bit consent_records "consent record"; }
t_consent_column() { chain_column consent_records "consent record" record_id receipt_id \
	subject purpose state event_time valid_until notice_version; }
t_consent_order() { rnd_pick chain_delete chain_swap chain_insert; "$R" consent_records \
	"consent record"; }
t_audit_bit() { chain_bit audit "audit record"; }
t_audit_column() { chain_column audit "audit record" time terminal staff action target; }
t_audit_order() { rnd_pick chain_delete chain_swap chain_insert; "$R" audit "audit record"; }

t_reward() {
	local t s code
	rnd 3
	case $R in
	0)	pick rewards "terminal, serial, code"
		IFS='|' read -r t s code <<<"$PICKED"
		flip_text "$code"
		WHAT="a bit of the code of reward $t:$s"
		apply "UPDATE rewards SET code = $(lit "$FLIPPED") WHERE terminal = $t AND
			serial = $s" ;;
	1)	pick rewards "terminal, serial"
		IFS='|' read -r t s <<<"$PICKED"
		rnd 365
		WHAT="the expiry of reward $t:$s stretched"
		apply "UPDATE rewards SET expires = expires + 86400 * $(( R + 1 ))
			WHERE terminal = $t AND serial = $s" ;;
	2)	pick rewards "terminal, serial" "state = 'redeemed'"
		IFS='|' read -r t s <<<"$PICKED"
		WHAT="reward $t:$s put back to issued"
		apply "UPDATE rewards SET state = 'issued', redeemed_at = NULL, redeemed_till = NULL,
			redeemed_by = NULL WHERE terminal = $t AND serial = $s" ;;
	esac
	judge reward "reward $t:$s"
}
t_notice() {
	local id notice lang hex col
	pick notices "id, notice, language"
	IFS='|' read -r id notice lang <<<"$PICKED"
	rnd_pick text digest removed
	col=$R
	if [ "$col" = removed ]; then
		WHAT="notice $id removed"
		apply "DELETE FROM notices WHERE id = $id"
		judge notice "notice $notice, $lang, version"
		return
	fi
	hex=$(sqlite3 "$WORK/base.db" "SELECT hex($col) FROM notices WHERE id = $id")
	flip_hex "$hex"
	WHAT="a bit of the $col of notice $id"
	if [ "$col" = text ]; then
		apply "UPDATE notices SET text = CAST(X'$FLIPPED' AS TEXT) WHERE id = $id"
	else
		apply "UPDATE notices SET digest = X'$FLIPPED' WHERE id = $id"
	fi
	judge notice "notice $id \("
}
t_head() {
	local key hex
	rnd_pick consent_head audit_head key_check
	key=$R
	hex=$(sqlite3 "$WORK/base.db" "SELECT hex(value) FROM meta WHERE key = '$key'")
	flip_hex "$hex"
	WHAT="a bit of meta $key"
	apply "UPDATE meta SET value = X'$FLIPPED' WHERE key = '$key'"
	case $key in
	consent_head)	judge head "consent records: the chain's head" ;;
	audit_head)	judge head "audit records: the chain's head" ;;
	key_check)	judge head "the key does not match" ;;
	esac
}

KINDS=(t_member_blob t_member_row t_consent_bit t_consent_column t_consent_order
	t_audit_bit t_audit_column t_audit_order t_reward t_notice t_head)

start=$SECONDS
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
	# Every kind once in each pass, in order; then at random.
	if [ "$ROUND" -le "${#KINDS[@]}" ]; then
		"${KINDS[ROUND - 1]}"
	else
		rnd_pick "${KINDS[@]}"
		"$R"
	fi
done
echo "# $ROUNDS rounds in $(( SECONDS - start )) s"

for kind in "${CATEGORIES[@]}"; do
	[ -n "${MISSES[$kind]:-}" ] && printf '%s' "${MISSES[$kind]}"
	check "verify names ${TITLE[$kind]} (${NAMED[$kind]:-0} of ${TRIED[$kind]:-0})" -- \
		test "${NAMED[$kind]:-0}" -eq "${TRIED[$kind]:-0}" -a "${TRIED[$kind]:-0}" -gt 0
done
check "the original store still verifies" -- \
	"$PK" --db "$WORK/base.db" --key-file "$KEY" --config "$CONFIG" verify
exit 0
