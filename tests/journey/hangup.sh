#!/usr/bin/env bash
# hangup.sh — a kiosk told to stop, or whose terminal goes away, ends by itself and cleanly: the
# session in progress wiped (the attract screen drawn over it), the terminal given back while
# there is one, the store closed, and an exit status for the service manager: 0 for SIGTERM (a
# service stopped), 1 for SIGHUP or a terminal gone, with one line on stderr.  Its tmux server
# killed, the kiosk exits within seconds whether the hang-up reaches it as SIGHUP or, under a
# session leader that survives hang-ups, not at all: it used to spin then, reading a terminal
# that answers every read at once with nothing.  Under make check LeakSanitizer checks each of
# these exits.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

EMAIL=zqx.hangup@example.org
KIOSK="$WORK/kiosk"	# .err: its stderr; .rc: its status; .before, .after: stty -g; .out: its
			# output, as the terminal got it
KPID=

fresh_store

# started [SHELL-LINE]: the kiosk at 80x24 under sh -c, which runs SHELL-LINE first (traps),
# saves the terminal's modes before and after it, passes on its status (and writes it to
# $KIOSK.rc) and sends its stderr to $KIOSK.err; on the attract screen, with its process id in
# KPID and what it sends the terminal from now on recorded in $KIOSK.out.
started() {
	rm -f "$KIOSK".*
	tm_start 80 24 sh -c "${1:-:}"'
		stty -g >"$0.before"; "$@" 2>"$0.err"; rc=$?; stty -g >"$0.after"
		echo "$rc" >"$0.rc.part" && mv "$0.rc.part" "$0.rc"; exit "$rc"' "$KIOSK" \
		"$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" run || return 1
	tm__tmux pipe-pane -o -t "$TM_TARGET" "cat >'$KIOSK.out'" || return 1
	tm_wait_for "Touch the screen or press any key" >/dev/null || return 1
	KPID=$(pgrep -g "$TM_PID" -x prefkiosk)
	[ -n "$KPID" ]
}

# typed: a new customer's session, up to their e-mail address typed.
typed() {
	to_email "$EMAIL"
}

# exited: the kiosk has exited (a zombie waiting for its parent counts), within 10 s.
exited() {
	tm_poll 10 kiosk_gone
}
kiosk_gone() {
	[ -z "$(ps -o stat= -p "$KPID" | grep -v '^Z')" ]
}

# status: the kiosk's exit status, once the shell around it has written it.
status() {
	tm_poll 5 test -e "$KIOSK.rc" && cat "$KIOSK.rc"
}

# sent_after ON OFF: the terminal got OFF after the last ON the kiosk sent (the cursor shown
# again after it was hidden, the alternate screen left), once tmux has read it all.
sent_after() {
	tm_poll "$TM_TIMEOUT" sent__after "$1" "$2"
}
sent__after() {
	local out
	out=$(cat "$KIOSK.out" 2>/dev/null)
	[[ $out == *"$1"* && ${out##*"$1"} == *"$2"* ]]
}

# hang_up: kill the tmux server, as when a terminal window is closed, and leave the kiosk to
# find out; tm_stop would kill it after 2 s.
hang_up() {
	tm__tmux kill-server 2>/dev/null
	rm -f "$TM_SOCK"
}

# cleaned_up: a kiosk that failed to exit is killed here, so that no spinning kiosk outlives
# the suite; the pane's group is forgotten.
cleaned_up() {
	kiosk_gone || kill -KILL "$KPID" 2>/dev/null
	tm_poll 2 tm__pane_gone
	TM_PID=
}

# told TEXT: the kiosk's stderr is exactly one line, "prefkiosk: " and TEXT.
told() {
	[ "$(wc -l <"$KIOSK.err")" -eq 1 ] && grep -qF "prefkiosk: $1" "$KIOSK.err"
}

LOST="the kiosk's terminal hung up; the session was wiped and the kiosk stopped"

# 1. SIGTERM, on a terminal without an alternate screen (a console keeps showing what was
# last drawn): the session is wiped before the kiosk lets go of the terminal.
echo "set -g alternate-screen off" >>"$TM_CONF"
started
check "the kiosk runs" -- test -n "$KPID"
check "a customer types their e-mail address" -- typed
kill -TERM "$KPID"
check "SIGTERM: the kiosk exits 0 (a service stopped)" -- test "$(tm_exit_code 10)" = 0
check "the attract screen is drawn over the session" -- \
	tm_wait_for "Touch the screen or press any key"
check "and the e-mail address is off the screen" -- test "$(tm_shows "$EMAIL"; echo $?)" -ne 0
check "the terminal's modes are given back as they were" -- cmp "$KIOSK.before" "$KIOSK.after"
check "the cursor is shown again" -- sent_after $'\e[?25l' $'\e[?25h'
check "it says nothing" -- test ! -s "$KIOSK.err"
expect 0 "the store verifies" -- verify
tm_stop
sed -i '/alternate-screen/d' "$TM_CONF"

# 2. SIGHUP, the terminal still there (a console hung up by its line, or an admin's kill -HUP).
started
typed >/dev/null
kill -HUP "$KPID"
check "SIGHUP: the kiosk exits 1" -- test "$(tm_exit_code 10)" = 1
check "with one line on stderr" -- told "$LOST"
check "the terminal's modes are given back" -- cmp "$KIOSK.before" "$KIOSK.after"
check "the alternate screen is left" -- sent_after $'\e[?1049h' $'\e[?1049l'
expect 0 "the store verifies" -- verify
tm_stop

# 3. The tmux server killed: the pane's first process dies of the hang-up and the kernel then
# sends SIGHUP to the kiosk's group (the shell around the kiosk traps it, to write the status);
# the kiosk stops on whichever it notices first, the signal or the terminal gone.
started 'trap : HUP'
typed >/dev/null
hang_up
check "the tmux server killed, the kiosk exits" -- exited
check "with 1" -- test "$(status)" = 1
check "with one line on stderr" -- told "$LOST"
cleaned_up
expect 0 "the store verifies" -- verify

# 4. The same under a pane whose first process traps the hang-up and stays: no signal reaches
# the kiosk, only a terminal that reads as gone.
wrapper=$TM_WRAPPER
TM_WRAPPER="trap : HUP
$TM_WRAPPER"
started
TM_WRAPPER=$wrapper
typed >/dev/null
hang_up
check "no SIGHUP: the tmux server killed, the kiosk exits all the same" -- exited
check "with 1" -- test "$(status)" = 1
check "with one line on stderr" -- told "$LOST"
check "the pane's first process outlived the hang-up (so sent the kiosk no SIGHUP)" -- \
	test "$(tm_exit_code 10)" = 1
cleaned_up
expect 0 "the store verifies" -- verify
