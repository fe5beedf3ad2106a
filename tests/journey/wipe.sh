#!/usr/bin/env bash
# wipe.sh — a kiosk forgets: after the idle countdown (and after a customer leaves by
# themselves) the last customer's e-mail address, name, phone number and PIN are nowhere in the
# kiosk process's memory, in no form: typed text, wide characters, curses' screen cells.  The
# memory is read through /proc/PID/maps and /proc/PID/mem by build/tests/memscan; before each
# wipe the same scan must find what was typed, so that a scan which sees nothing cannot pass.
# On the way: the running kiosk allows no core dump and holds its keys in locked memory, and
# neither its stderr nor its speech log nor the audit chain holds any of it.
#
# Reading another process's memory needs root here: the kiosk makes itself undumpable
# (harden.c), which leaves /proc/PID/mem to CAP_SYS_PTRACE.  CI runs as root, with it.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

MEMSCAN="$TOP/build/tests/memscan"
if [ ! -x "$MEMSCAN" ]; then
	echo "not ok 1 - build/tests/memscan is built (make build/tests/memscan)"
	exit 1
fi
# CAP_SYS_PTRACE (capability 19) in this shell's effective set: root, outside a container that
# drops it.
if (( (0x$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status) >> 19 & 1) == 0 )); then
	echo "not ok 1 - reading the undumpable kiosk's memory needs CAP_SYS_PTRACE: run as root"
	exit 1
fi

# Under make check's AddressSanitizer a function's locals live on a "fake stack" in the heap
# (detect_stack_use_after_return), out of reach of the kiosk's stack scrub (ui.c), and mlock is a
# no-op: the scrub is given the real stack back, and locked memory is the normal build's check.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	export ASAN_OPTIONS="$ASAN_OPTIONS:detect_stack_use_after_return=0"
fi

EMAIL=zqx.wipetest@example.org
LOCAL=zqx.wipetest
FIRST=Quirinus
LAST=Zyxwvut
PHONE="+49 1577 3141592"	# as typed
TYPED="1577 3141592"
NORMAL=15773141592		# as stored and shown (+4915773141592)
PIN=739146285017
KIOSK_ERR="$WORK/kiosk.err"
: >"$KIOSK_ERR"

fresh_store
# The shortest idle times the config allows (10 s, then a 20 s countdown), and a printer that
# is a file, for the member's "Print" of their data.
QUICK="$WORK/quick"
cp -r "$CONFIG" "$QUICK"
sed -i "s|^assets *=.*|assets = $TOP/assets|; s|^idle_timeout *=.*|idle_timeout = 10|;
	s|^idle_warning *=.*|idle_warning = 20|; s|^transport *=.*|transport = file|;
	s|^target *=.*|target = $WORK/printer.out|" "$QUICK/prefkiosk.ini"

# wipe_kiosk [ARG...]: the kiosk at 80x24 on $QUICK, run with ARG..., its stderr appended to
# $KIOSK_ERR, what it says logged to $SPEECH_LOG with no audio device; on the attract screen,
# with its process id in KPID.
wipe_kiosk() {
	: >"$WORK/asound.conf"
	tm_start 80 24 env PREFKIOSK_SPEECH_LOG="$SPEECH_LOG" \
		PULSE_SERVER=unix:/nonexistent/pulse ALSA_CONFIG_PATH="$WORK/asound.conf" \
		sh -c 'exec "$@" 2>>"$0"' "$KIOSK_ERR" \
		"$PK" --db "$DB" --key-file "$KEY" --config "$QUICK" run "$@" || return 1
	tm_wait_for "Touch the screen or press any key" >/dev/null || return 1
	KPID=$(pgrep -P "$TM_PID")
	[ "$(cat "/proc/$KPID/comm" 2>/dev/null)" = prefkiosk ]
}

# holds TEXT: the kiosk's memory holds TEXT now (memscan found it: exit 1).
holds() {
	"$MEMSCAN" "$KPID" "$1" >"$WORK/scan.out" 2>"$WORK/scan.err"
	[ $? -eq 1 ] && return 0
	tm__diag "memscan did not find \"$1\":"
	sed 's/^/#   /' "$WORK/scan.err" >&"$TM_DIAG"
	return 1
}

# forgot TEXT...: the kiosk's memory was read and holds none of TEXT (memscan: exit 0);
# otherwise every place found, as "# " lines.
forgot() {
	"$MEMSCAN" "$KPID" "$@" >"$WORK/scan.out" 2>"$WORK/scan.err"
	[ $? -eq 0 ] && return 0
	tm__diag "memscan found what should be gone:"
	sed 's/^/#   /' "$WORK/scan.out" "$WORK/scan.err" | head -n 40 >&"$TM_DIAG"
	return 1
}

# new_member_answers: from the attract screen to the review, with the e-mail address, phone
# number and name typed on the contact screen.
new_member_answers() {
	to_email "$EMAIL" "Text message (SMS)" || return 1
	tm_keys Enter
	sleep 0.1
	tm_type "$PHONE"
	tm_wait_for "$PHONE" >/dev/null || return 1
	click_on "Name (optional)"
	sleep 0.1
	tm_type "$FIRST $LAST"
	tm_wait_for "$FIRST $LAST" >/dev/null || return 1
	tm_keys Enter
	tm_wait_for "Nothing is chosen until you choose." >/dev/null || return 1
	click_on "Yes"
	for i in 2 3 4 5 6; do
		tm_wait_for "$i / 6" >/dev/null || return 1
		click_on "No"
	done
	# The challenge's incentive notice comes first when the answers meet it.
	tm_poll "$TM_TIMEOUT" review_or_incentive || return 1
	if tm_shows "A reward for your preferences"; then
		click_on "Accept"
	fi
	tm_wait_for "Review your answers" >/dev/null
}

review_or_incentive() {
	tm_shows "Review your answers" || tm_shows "A reward for your preferences"
}

# 1. A new customer types their contact details, reaches the review, and walks away.
wipe_kiosk
check "the kiosk runs" -- test -n "$KPID"
check "it may not dump core (/proc/PID/limits: core 0, soft and hard)" -- \
	grep -Eq '^Max core file size +0 +0 +bytes' "/proc/$KPID/limits"
[ -n "${ASAN_OPTIONS:-}" ] ||
	check "its keys are in locked memory (VmLck above 0)" -- \
		awk '$1 == "VmLck:" && $2 > 0 { ok = 1 } END { exit !ok }' "/proc/$KPID/status"
check "a new customer types an e-mail address, a phone number and a name" -- \
	new_member_answers
check "the review shows the address" -- tm_shows "$EMAIL"
check "and the number, as stored" -- tm_shows "$NORMAL"
check "control: the scan finds the e-mail address in the kiosk's memory" -- holds "$EMAIL"
check "control: and the name" -- holds "$LAST"
check "control: and the phone number as typed" -- holds "$TYPED"
check "control: and as stored" -- holds "$NORMAL"
# A window resized with the details on it: curses reallocates its lines.
tm_resize 40 12
tm_wait_for "Please enlarge the window" >/dev/null
tm_resize 80 24
check "resized and back, the review shows them still" -- tm_wait_for "$EMAIL"
check "left alone, the kiosk warns" -- tm_wait_for "Are you still there?" 13
check "then wipes the session back to the attract screen" -- \
	tm_wait_for "Touch the screen or press any key" 23
check "after the wipe no e-mail address, name or phone number is anywhere in its memory" -- \
	forgot "$EMAIL" "$LOCAL" "$FIRST" "$LAST" "$TYPED" "$NORMAL"

# 2. A member signs in with phone number and PIN, reads and prints their data, walks away.
pk enroll >"$OUT" <<JSON
{"name":"$FIRST $LAST","email":"$EMAIL","phone":"$PHONE","language":"en","pin":"$PIN",
 "interests":["espresso"],"channels":["email","sms"]}
JSON
wipe_kiosk
click_on "Sign in"
tm_wait_for "Card number:" >/dev/null
click_on "Phone number"
sleep 0.1
tm_type "0$TYPED"
sleep 0.1
tm_keys Enter
check "a member signs in by phone number" -- tm_wait_for "Enter your PIN"
tm_type "$PIN"
sleep 0.2
check "control: the scan finds the PIN while it is typed" -- holds "$PIN"
tm_keys Enter
check "and PIN" -- tm_wait_for "Welcome back, $FIRST"
click_on "My data"
check "their data is on the screen" -- tm_wait_for "$EMAIL"
click_on "Print"
check "and printed" -- tm_poll 5 grep -qaF "$EMAIL" "$WORK/printer.out"
check "control: the scan finds the member's e-mail address" -- holds "$EMAIL"
check "control: and name" -- holds "$FIRST"
check "control: and phone number" -- holds "$NORMAL"
check "left alone, the member's session ends on the attract screen" -- \
	tm_wait_for "Touch the screen or press any key" 35
check "after the wipe none of the member's data nor their PIN is in the kiosk's memory" -- \
	forgot "$EMAIL" "$LOCAL" "$FIRST" "$LAST" "$TYPED" "$NORMAL" "$PIN"

# 3. With speech on, a new customer signs up to the reward and leaves by themselves.
EMAIL=wxq.speechtest@example.net
LOCAL=wxq.speechtest
FIRST=Ottokar
LAST=Qwyjibo
PHONE="+49 1523 2718281"
TYPED="1523 2718281"
NORMAL=15232718281
PIN=582013697441
wipe_kiosk --speech
check "with speech on, a new customer gives their details" -- new_member_answers
click_on "Next"
tm_wait_for "I have no card" >/dev/null
click_on "I have no card"
tm_wait_for "PIN (4 to 12 digits)" >/dev/null
tm_type "$PIN"
sleep 0.1
tm_keys Enter
tm_type "$PIN"
sleep 0.1
tm_keys Enter
check "and signs up with a PIN" -- tm_wait_for "Your reward"
check "control: the scan finds the new member's e-mail address" -- holds "$EMAIL"
click_on "Done"
tm_wait_for "Thank you!" >/dev/null
tm_keys Enter
check "the customer leaves: the attract screen" -- \
	tm_wait_for "Touch the screen or press any key"
sleep 0.5
check "after they leave none of their data is in the kiosk's memory" -- \
	forgot "$EMAIL" "$LOCAL" "$FIRST" "$LAST" "$TYPED" "$NORMAL" "$PIN"
check "what was said was logged" -- grep -qF "Review your answers" "$SPEECH_LOG"
tm_stop

# Nothing personal in any log: the kiosks' stderr, the speech log, the audit chain.
pk audit >"$WORK/audit.out" 2>>"$KIOSK_ERR"
for needle in zqx.wipetest Quirinus Zyxwvut 15773141592 "1577 3141592" 739146285017 \
    wxq.speechtest Ottokar Qwyjibo 15232718281 "1523 2718281" 582013697441; do
	check "no '$needle' in the kiosk's stderr, the speech log or the audit chain" -- \
		sh -c '! grep -aqF -- "$1" "$2" "$3" "$4"' sh "$needle" "$KIOSK_ERR" \
		"$SPEECH_LOG" "$WORK/audit.out"
done
