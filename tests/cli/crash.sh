#!/usr/bin/env bash
# crash.sh — the crash campaign: hundreds of rounds, each starting at once two `enroll`s, an
# `import` of a JSON-lines file and several `redeem`s racing over the same codes, and killing
# every one of them with SIGKILL at its own random moment: before it has done anything, while it
# waits for the write lock or writes, between its commit and its answer, or not at all.  After
# each round:
#
#   - `verify` passes;
#   - every enrolment that printed its answer is in the store (looked up by its e-mail, under
#     the id it printed), and its reward code is in the ledger;
#   - an import committed whole batches of 500 from the start of its file, or all of it; one
#     that printed its summary, all of it; every member has all its consent records;
#   - no code was said "redeemed" by more than one process, ever, nor after the ledger already
#     had it redeemed; and a code said "redeemed" is redeemed in the ledger.
#
# Rounds run in series of CRASH_SERIES on a fresh store each, and a series ends early once the
# store holds more than 300 members, so that the store (and verify's time) stays small.  The
# choices are random but seeded; the seed is printed, and CRASH_SEED=N CRASH_ROUNDS=M bash
# tests/cli/crash.sh replays them (the kill times land on other instructions on another machine,
# or another run: the seed gives the same plan, not the same interleaving).
. "$(dirname "$0")/lib"
. "$(dirname "$0")/random.inc"

SEED=${CRASH_SEED:-$(( $(date +%s) % 100000 ))}
ROUNDS=${CRASH_ROUNDS:-300}
SERIES=${CRASH_SERIES:-25}
rnd_seed "$SEED"
echo "# seed $SEED, $ROUNDS rounds (replay: CRASH_SEED=$SEED bash tests/cli/crash.sh)"

command -v timeout >/dev/null || { echo "not ok 1 - timeout(1) is installed"; exit 1; }
fresh_store
pk catalog >"$WORK/catalog.json"
PURPOSES=$(jq '.purposes | length' "$WORK/catalog.json")
EMAILCH=$(jq -r '.channels[] | select(.needs == "email") | .id' "$WORK/catalog.json" | head -n 1)
P1=$(jq -r '.purposes[0].id' "$WORK/catalog.json")
R_DIR="$WORK/round"

# What went wrong, as "# " lines, and how many times.
PROBLEMS=0
problem() {
	echo "# round $ROUND: $*"
	PROBLEMS=$((PROBLEMS + 1))
}

# Tallies over the whole run, for the summary lines.  _SILENT: committed, but killed before it
# answered.
ENROLLED=0 ENROL_KILLED=0 ENROL_SILENT=0 IMPORTED_WHOLE=0 IMPORT_PARTIAL=0 IMPORT_NONE=0
REDEEMED=0 REFUSED=0 REDEEM_KILLED=0 REDEEM_SILENT=0 VERIFIED=0
declare -A CLAIMS	# code -> processes that said "redeemed"
CODES=()		# the codes of acknowledged enrolments, in this series

# Under make check's AddressSanitizer every command runs three to four times slower, so the kill
# times, tuned to the normal build, stretch as much; and a process killed while LeakSanitizer
# checks it at exit makes LeakSanitizer report its own failure, not a leak: leaks are the other
# suites' to find, where nothing is killed.
SLOW=1
if [ -n "${ASAN_OPTIONS:-}" ]; then
	SLOW=4
	export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
fi

# spawn NAME KILL_MS ARGS...: prefkiosk ARGS in the background, killed with SIGKILL after
# KILL_MS milliseconds (times SLOW) unless it has finished; stdin from $R_DIR/NAME.in when
# there is one.
PIDS=()
spawn() {
	local name=$1 ms=$(($2 * SLOW)) in=/dev/null
	shift 2
	[ -e "$R_DIR/$name.in" ] && in="$R_DIR/$name.in"
	# --foreground: the signal goes to prefkiosk alone, not to timeout's own process group.
	timeout --foreground -s KILL "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))" \
		"$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" "$@" \
		<"$in" >"$R_DIR/$name.out" 2>"$R_DIR/$name.err" &
	PIDS+=($!)
}

# killms BASE: a kill time for a command that takes about BASE ms: now and then at once, now
# and then never, mostly anywhere up to twice as long as it takes.
killms() {
	rnd 10
	case $R in
	0) R=0 ;;
	1) R=60000 ;;
	*) rnd $(( $1 * 2 + 1 )) ;;
	esac
}

# sq SQL: a query of the store, waiting as prefkiosk does for a writer to finish.
sq() {
	sqlite3 -cmd '.timeout 10000' "$DB" "$@"
}

# The number of members now.
members() {
	sq "SELECT count(*) FROM customers"
}

# in_store EMAIL UID: the member of EMAIL is there, and has that id (when UID is given).  0
# there, 1 not there, 2 there under another id or the look-up failed.
in_store() {
	local out rc
	out=$(pk lookup --email "$1" 2>&1)
	rc=$?
	[ "$rc" -eq 6 ] && return 1
	[ "$rc" -ne 0 ] && { echo "# lookup --email $1: exit $rc: $out"; return 2; }
	[ -z "${2:-}" ] && return 0
	[[ "$out" == *"\"customer\": \"$2\""* ]] && return 0
	return 2
}

new_series() {
	fresh_store
	CODES=()
}

round() {
	local tag=$1 i n lines ms code k want enrols=() imported got before left state
	local -a codes redeemers
	rm -rf "$R_DIR"
	mkdir -p "$R_DIR"
	PIDS=()
	before=$(members)

	# The codes two or three redeemers will race over: one or two of the series, redeemed
	# already or not.
	codes=()
	if [ "${#CODES[@]}" -gt 0 ]; then
		rnd 2
		want=$((R + 1))
		for ((k = 0; k < want; k++)); do
			# Mostly one of the newest, which may not be redeemed yet.
			n=${#CODES[@]}
			rnd 4
			if [ "$R" -gt 0 ] && [ "$n" -gt 3 ]; then
				rnd 3
				R=$(( n - 1 - R ))
			else
				rnd "$n"
			fi
			codes+=("${CODES[R]}")
		done
	fi
	# Which of them the ledger has redeemed already: nobody may say "redeemed" for those.
	declare -A had=()
	if [ "${#codes[@]}" -gt 0 ]; then
		for code in $(sq "SELECT code FROM rewards WHERE state = 'redeemed'
		    AND code IN ($(printf "'%s'," "${codes[@]}" | sed 's/,$//'))"); do
			had[$code]=1
		done
	fi

	# Two enrolments, one of them now and then with a PIN (Argon2id, before the write lock).
	for i in 1 2; do
		rnd 4
		if [ "$R" -eq 0 ]; then
			printf '{"language":"en","email":"%s-e%d@example.org","channels":["%s"],"pin":"2580"}' \
			    "$tag" "$i" "$EMAILCH" >"$R_DIR/enrol$i.in"
			killms 120
		else
			printf '{"language":"en","email":"%s-e%d@example.org","channels":["%s"],%s}' \
			    "$tag" "$i" "$EMAILCH" "\"consents\":{\"$P1\":true}" >"$R_DIR/enrol$i.in"
			killms 15
		fi
		enrols+=("$tag-e$i@example.org")
		spawn "enrol$i" "$R" enroll
	done

	# An import: mostly a few lines, now and then more than a batch of 500.
	rnd 6
	if [ "$R" -eq 0 ]; then
		rnd 500
		lines=$((R + 501))
	else
		rnd 40
		lines=$((R + 1))
	fi
	awk -v t="$tag" -v n="$lines" -v ch="$EMAILCH" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "{\"email\":\"%s-i%d@example.org\",\"language\":\"en\",\"channels\":[\"%s\"]}\n", t, i, ch
	}' >"$R_DIR/members.jsonl"
	if [ "$lines" -gt 500 ]; then
		# Aimed at its middle, where a batch has committed and the next is being written.
		n=$(( 10 + lines / 10 ))
		rnd "$n"
		R=$(( n * 3 / 10 + R ))
	else
		killms $(( 10 + lines / 8 ))
	fi
	spawn import "$R" import "$R_DIR/members.jsonl"

	# The redeemers.
	redeemers=()
	for ((k = 0; k < ${#codes[@]}; k++)); do
		rnd 2
		want=$((R + 2))
		for ((i = 0; i < want; i++)); do
			killms 12
			spawn "redeem$k-$i" "$R" redeem "${codes[k]}" --till "T$i"
			redeemers+=("redeem$k-$i:${codes[k]}")
		done
	done

	wait "${PIDS[@]}" 2>/dev/null

	# verify passes.
	if pk verify >"$R_DIR/verify.out" 2>"$R_DIR/verify.err"; then
		VERIFIED=$((VERIFIED + 1))
	else
		problem "verify: $(head -n 3 "$R_DIR/verify.err" | tr '\n' ' ')"
	fi

	# Enrolments: one that answered is there, under the id it answered, with its code.
	got=0
	for i in 1 2; do
		local out uid
		out=$(<"$R_DIR/enrol$i.out")
		if [[ "$out" =~ \"customer\":\"([0-9A-Z]+)\" ]]; then
			uid=${BASH_REMATCH[1]}
			if in_store "${enrols[i - 1]}" "$uid"; then
				got=$((got + 1))
				ENROLLED=$((ENROLLED + 1))
			else
				problem "enrolment ${enrols[i - 1]} answered $uid, but is not in the store"
			fi
			if [[ "$out" =~ \"code\":\"([0-9A-Z*$%+]{36})\" ]] &&
			    [ "$(sq "SELECT count(*) FROM rewards WHERE code = '${BASH_REMATCH[1]}'
			    AND state = 'issued'")" = 1 ]; then
				CODES+=("${BASH_REMATCH[1]}")
			else
				problem "enrolment ${enrols[i - 1]} answered a code the ledger lacks"
			fi
		else
			ENROL_KILLED=$((ENROL_KILLED + 1))
			in_store "${enrols[i - 1]}"
			case $? in
			0) got=$((got + 1))		# committed, killed before it answered
			   ENROL_SILENT=$((ENROL_SILENT + 1)) ;;
			2) problem "looking up ${enrols[i - 1]} failed" ;;
			esac
		fi
	done

	# The import: whole batches from the start of the file, or all of it.
	imported=$(( $(members) - before - got ))
	if [ "$imported" -ne "$lines" ] && [ $((imported % 500)) -ne 0 ]; then
		problem "the import of $lines lines left $imported members: not whole batches"
	fi
	if [[ "$(<"$R_DIR/import.out")" =~ ^\{\"imported\":([0-9]+), ]]; then
		[ "$imported" -eq "${BASH_REMATCH[1]}" ] && [ "$imported" -eq "$lines" ] ||
			problem "the import of $lines said it imported ${BASH_REMATCH[1]}," \
			    "the store has $imported"
	fi
	if [ "$imported" -gt 0 ]; then
		in_store "$tag-i1@example.org" || problem "imported $imported, but not line 1"
		in_store "$tag-i$imported@example.org" || problem "imported $imported, but not line $imported"
	fi
	if [ "$imported" -lt "$lines" ]; then
		in_store "$tag-i$((imported + 1))@example.org"
		[ $? -eq 1 ] || problem "imported $imported, yet line $((imported + 1)) is there"
	fi
	if [ "$imported" -eq "$lines" ]; then
		IMPORTED_WHOLE=$((IMPORTED_WHOLE + 1))
	elif [ "$imported" -eq 0 ]; then
		IMPORT_NONE=$((IMPORT_NONE + 1))
	else
		IMPORT_PARTIAL=$((IMPORT_PARTIAL + 1))
	fi

	# Redemptions: at most one "redeemed" per code, ever, and none for a code redeemed
	# before; one said is one kept.
	for k in "${redeemers[@]}"; do
		local name=${k%%:*} code=${k#*:} out
		out=$(<"$R_DIR/$name.out")
		if [[ "$out" == *'"status":"redeemed"'* ]]; then
			CLAIMS[$code]=$(( ${CLAIMS[$code]:-0} + 1 ))
			REDEEMED=$((REDEEMED + 1))
			[ -n "${had[$code]:-}" ] &&
				problem "$name said redeemed for $code, which the ledger had redeemed before"
		elif [[ "$out" == *'"status":"already_redeemed"'* ]]; then
			REFUSED=$((REFUSED + 1))
		else
			REDEEM_KILLED=$((REDEEM_KILLED + 1))
		fi
	done
	for code in $(printf '%s\n' "${codes[@]}" | sort -u); do
		[ "${CLAIMS[$code]:-0}" -le 1 ] ||
			problem "${CLAIMS[$code]} processes said redeemed for $code"
		state=$(sq "SELECT state FROM rewards WHERE code = '$code'")
		if [ "${CLAIMS[$code]:-0}" -ge 1 ] && [ "$state" != redeemed ]; then
			problem "$code was said redeemed, but the ledger does not have it so"
		fi
		# Redeemed, killed before it said so: nobody may say it later.
		if [ "${CLAIMS[$code]:-0}" -eq 0 ] && [ "$state" = redeemed ] &&
		    [ -z "${had[$code]:-}" ]; then
			REDEEM_SILENT=$((REDEEM_SILENT + 1))
		fi
	done

	# Every member whole: all their consent records.
	left=$(sq "SELECT (SELECT count(*) FROM customers) * $PURPOSES -
		(SELECT count(*) FROM consent_records)")
	[ "$left" = 0 ] || problem "the members and their consent records differ by $left"
}

start=$SECONDS
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
	# A new store now and then, and before verify's time grows with the members.
	if [ $(( (ROUND - 1) % SERIES )) -eq 0 ] || [ "$(members)" -gt 300 ]; then
		new_series
	fi
	round "r$ROUND"
done
secs=$(( SECONDS - start ))
echo "# $ROUNDS rounds in $secs s"
echo "# enrolments: $ENROLLED answered, $ENROL_KILLED killed ($ENROL_SILENT after their commit)"
echo "# imports: $IMPORTED_WHOLE whole, $IMPORT_PARTIAL cut between batches, $IMPORT_NONE none"
echo "# redeemers: $REDEEMED said redeemed, $REFUSED already redeemed, $REDEEM_KILLED killed" \
	"($REDEEM_SILENT codes redeemed by one killed before it said so)"
check "verify passed after every round ($VERIFIED of $ROUNDS)" -- test "$VERIFIED" -eq "$ROUNDS"
check "no enrolment, import or redemption broke its promise ($PROBLEMS problems)" -- \
	test "$PROBLEMS" -eq 0
check "the kills landed everywhere: some of each kind answered, some not" -- \
	test "$ENROLLED" -gt 0 -a "$ENROL_KILLED" -gt 0 -a "$IMPORTED_WHOLE" -gt 0 \
	-a "$IMPORT_NONE" -gt 0 -a "$REDEEMED" -gt 0 -a "$REFUSED" -gt 0 -a "$REDEEM_KILLED" -gt 0
check "some imports were cut between their batches" -- test "$IMPORT_PARTIAL" -gt 0
exit 0
