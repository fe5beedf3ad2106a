#!/usr/bin/env bash
# harden.sh — every command starts with no core dumps and not dumpable, and refuses to run when
# either does not hold (build/tests/harden_shim.so makes them fail); a store whose keys cannot
# be locked in memory is not opened.
. "$(dirname "$0")/lib"

SHIM="$TOP/build/tests/harden_shim.so"
if [ ! -e "$SHIM" ]; then
	echo "not ok 1 - build/tests/harden_shim.so is built (make build/tests/harden_shim.so)"
	exit 1
fi
fresh_store

# A command stopped in the middle, for /proc to look at: unseal opening a FIFO as its key file
# waits in open(2) for something to write to it, long after start-up.  It starts with core
# dumps allowed, as far as this shell may allow them.
FIFO="$WORK/fifo"
mkfifo "$FIFO"
(ulimit -c unlimited 2>/dev/null || ulimit -S -c unlimited 2>/dev/null
 exec "$PK" unseal --secret-key "$FIFO" </dev/null >/dev/null 2>&1) &
PID=$!
waiting() {
	[ "$(readlink "/proc/$PID/exe")" = "$PK" ] && [ "$(cat "/proc/$PID/wchan")" != 0 ] &&
		[ "$(awk '{ print $3 }' "/proc/$PID/stat")" = S ]
}
poll() {	# poll CMD...: until CMD succeeds, for 5 s
	local i
	for ((i = 0; i < 100; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
check "a command waits on its key file" -- poll waiting
check "a running command allows no core dump, soft or hard (/proc/PID/limits)" -- \
	grep -Eq '^Max core file size +0 +0 +bytes' "/proc/$PID/limits"
: >"$FIFO"
wait "$PID"

# prefkiosk COMMAND under the shim in MODE: exit 1, one line.
shimmed() {
	local mode=$1
	shift
	(ulimit -c unlimited 2>/dev/null || ulimit -S -c unlimited 2>/dev/null
	 HARDEN_SHIM=$mode LD_PRELOAD="$SHIM" "$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" \
		"$@" <"${IN:-/dev/null}" >"$OUT" 2>"$ERR")
}
one_line() {
	[ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "^prefkiosk: $1" "$ERR"
}
shimmed none catalog
report $? "with the shim loaded but asked for nothing, a command runs"
shimmed refuse catalog
report $([ $? -eq 1 ] && echo 0 || echo 1) "setrlimit refused: exit 1"
check "saying core dumps could not be turned off, in one line" -- \
	one_line "cannot turn core dumps off"
shimmed ignore lookup --card 1234567890
report $([ $? -eq 1 ] && echo 0 || echo 1) "setrlimit doing nothing: the check catches it, exit 1"
check "saying core dumps are still allowed" -- one_line "core dumps are still allowed"
shimmed dumpable verify
report $([ $? -eq 1 ] && echo 0 || echo 1) "PR_SET_DUMPABLE that does nothing: exit 1"
check "saying the process is still dumpable" -- one_line "the process is still dumpable"
shimmed ignore frobnicate
report $([ $? -eq 1 ] && echo 0 || echo 1) "even an unknown command is checked first"

# No locked memory (ulimit -l 0; CAP_IPC_LOCK, capability 14, which ignores the limit, dropped
# when this shell has it, as root does).
nolock() {
	if (( 0x$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status) >> 14 & 1 )); then
		(ulimit -l 0 && exec setpriv --bounding-set -ipc_lock -- "$PK" --db "$DB" \
			--key-file "$KEY" --config "$CONFIG" "$@" >"$OUT" 2>"$ERR")
	else
		(ulimit -l 0 && exec "$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" "$@" \
			>"$OUT" 2>"$ERR")
	fi
}
# AddressSanitizer makes mlock a no-op that succeeds, so a sanitized prefkiosk (make check sets
# ASAN_OPTIONS for it) can never see a lock fail: these two are the normal build's, in make test.
if [ -z "${ASAN_OPTIONS:-}" ]; then
	nolock verify
	report $([ $? -eq 1 ] && echo 0 || echo 1) "keys that cannot be locked in memory: exit 1"
	check "saying so in one line, with what to change" -- \
		one_line "cannot lock the keys in memory.*ulimit -l"
fi
nolock catalog
report $? "a command that opens no key still runs"
expect 0 "with memory to lock, the store opens" -- verify
