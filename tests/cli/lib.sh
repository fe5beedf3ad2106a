# lib.sh — what the command-line suites share.  Source it from a suite in tests/cli/.
#
# Each suite gets a scratch directory with a fresh store and key made from the shipped config,
# runs the real binary, and prints TAP-like lines: "ok N - what" or "not ok N - what".
# run-all counts them.  pk runs prefkiosk on the scratch store; expect runs it and checks the
# exit code and, for failures, that stderr is exactly one line starting "prefkiosk: ".
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PK="$TOP/build/prefkiosk"
WORK=$(mktemp -d /tmp/prefkiosk-cli-XXXXXX)
DB="$WORK/store.db"
KEY="$WORK/store.key"
CONFIG="$TOP/config"
OUT="$WORK/out"
ERR="$WORK/err"
N=0
trap 'rm -rf "$WORK"' EXIT

unset PREFKIOSK_DB PREFKIOSK_CONFIG PREFKIOSK_KEY_FILE PREFKIOSK_PASSPHRASE

pk() {
	"$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" "$@"
}

# ok CONDITION-EXIT-STATUS DESCRIPTION: report the status of the last test command.
report() {
	local status=$1; shift
	N=$((N + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $N - $*"
	else
		echo "not ok $N - $*"
		[ -s "$ERR" ] && sed 's/^/#   stderr: /' "$ERR" | head -n 5
		[ -s "$OUT" ] && sed 's/^/#   stdout: /' "$OUT" | head -n 5
	fi
}

# check DESCRIPTION -- COMMAND...: passes when COMMAND succeeds.
check() {
	local what=$1; shift
	[ "$1" = "--" ] && shift
	"$@" >/dev/null 2>&1
	report $? "$what"
}

# expect CODE DESCRIPTION -- prefkiosk-args...: run pk with stdin from $IN (or /dev/null).
expect() {
	local code=$1 what=$2; shift 2
	[ "$1" = "--" ] && shift
	local rc
	pk "$@" <"${IN:-/dev/null}" >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "# expected exit $code, got $rc: prefkiosk $*"
		report 1 "$what"
		return 1
	fi
	if [ "$code" -ne 0 ]; then
		if [ "$(wc -l <"$ERR")" -ne 1 ] || ! grep -q '^prefkiosk: ' "$ERR"; then
			echo "# expected one 'prefkiosk: ' line on stderr"
			report 1 "$what"
			return 1
		fi
	fi
	report 0 "$what"
}

# A fresh store from the shipped config.
fresh_store() {
	rm -f "$DB" "$DB-wal" "$DB-shm" "$KEY"
	pk init >/dev/null
}

# json FILTER: run jq on the last stdout.
json() {
	jq -e "$@" "$OUT" >/dev/null 2>&1
}

# The customer id in the last stdout.
last_uid() {
	jq -r .customer "$OUT"
}
