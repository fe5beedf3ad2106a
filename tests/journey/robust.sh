#!/usr/bin/env bash
# robust.sh — the kiosk left alone, shrunk, and hammered: the idle warning and its "I'm still
# here", the session wiped after the countdown; a window too small and back, answers intact;
# 20,000 random keys and clicks, after which it still runs and answers.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

fresh_store
# A copy of the config with the shortest idle times the config allows.
QUICK="$WORK/quick"
cp -r "$CONFIG" "$QUICK"
sed -i "s|^assets *=.*|assets = $TOP/assets|; s|^idle_timeout *=.*|idle_timeout = 10|;
	s|^idle_warning *=.*|idle_warning = 20|" "$QUICK/prefkiosk.ini"
tm_start 80 24 "$PK" --db "$DB" --key-file "$KEY" --config "$QUICK" run
tm_wait_for "Touch the screen or press any key" >/dev/null
tm_keys Enter
tm_wait_for "What we ask and why" >/dev/null
tm_keys Enter
tm_wait_for "Your interests" >/dev/null
click_on "Decaf"
tm_wait_for "[x] Decaf: On" >/dev/null

check "after the idle time a warning counts down" -- tm_wait_for "Are you still there?" 13
check "with the seconds left" -- tm_shows "wiped in"
click_on "I'm still here"
check "I'm still here brings the screen back" -- tm_wait_gone "Are you still there?"
check "with the answers" -- tm_shows "[x] Decaf: On"
check "the warning comes again" -- tm_wait_for "Are you still there?" 13
check "and unanswered, the session ends on the attract screen" -- \
	tm_wait_for "Touch the screen or press any key" 23
tm_keys Enter
tm_wait_for "What we ask and why" >/dev/null
tm_keys Enter
check "a new session starts with nothing ticked" -- tm_wait_for "[ ] Decaf: Off"

# Too small, and back.
tm_start 80 24 "$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" run
tm_wait_for "Touch the screen or press any key" >/dev/null
tm_keys Enter
tm_wait_for "What we ask and why" >/dev/null
tm_keys Enter
tm_wait_for "Your interests" >/dev/null
click_on "Cold brew"
tm_wait_for "[x] Cold brew" >/dev/null
tm_resize 40 12
check "a 40x12 window asks to be enlarged" -- tm_wait_for "Please enlarge the window"
tm_resize 80 24
check "back at 80x24 the journey resumes where it was" -- tm_wait_for "[x] Cold brew"
tm_resize 200 60
check "a large window uses the space" -- tm_wait_for "Your interests"
check "and keeps the answers" -- tm_shows "[x] Cold brew"
tm_resize 80 24
tm_wait_for "[x] Cold brew" >/dev/null

# 20,000 random keys and clicks, in bursts: printable characters, control characters, escape
# sequences, function keys and mouse reports all over the screen.
storm() {
	local i n chunk
	for ((n = 0; n < 200; n++)); do
		chunk=""
		for ((i = 0; i < 100; i++)); do
			case $((RANDOM % 6)) in
			0) chunk+=$(printf "\\x$(printf %02x $((32 + RANDOM % 95)))") ;;
			1) chunk+=$'\t' ;;
			2) chunk+=$'\e'"[<0;$((1 + RANDOM % 80));$((1 + RANDOM % 24))M" ;;
			3) chunk+=$'\e[A' ;;
			4) chunk+=$'\r' ;;
			5) chunk+=$(printf "\\x$(printf %02x $((1 + RANDOM % 26)))") ;;
			esac
		done
		tm_type "$chunk" 2>/dev/null
	done
}
storm
sleep 1
check "after 20,000 random keys and clicks the kiosk still runs" -- tm_alive
# Still answering: F2 changes the language of the key hints on every screen (a first key may
# only dismiss the idle warning, or a screen may be too busy to show hints: try a few times).
answers() {
	local before i
	tm_capture
	before=$(tail -n 1 "$TM_SCREEN")
	for i in 1 2 3; do
		tm_keys F2
		sleep 0.3
		tm_capture
		[ "$(tail -n 1 "$TM_SCREEN")" != "$before" ] && return 0
	done
	tm__dump
	return 1
}
check "and still answers: F2 switches its language" -- answers
expect 0 "the store verifies" -- verify
