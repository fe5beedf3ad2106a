#!/usr/bin/env bash
# harness.sh — the journey harness proves itself on programs that exist today: a reward's QR
# code drawn by `prefkiosk qr --text` in a tmux pane is read back exactly, at any terminal size
# and wherever it stands on the screen; ansi2pbm turns colours and half blocks into the right
# bits, and refuses what is not a screen; waits wait, and time out, and say so; keys, clicks and
# resizes reach the program; exit codes come back.
. "$(dirname "$0")/lib"

fresh_store
pk enroll <<<'{"language":"en","email":"journey@example.org","channels":["email"],
  "consents":{"email_marketing":true}}' >"$OUT"
CODE=$(jq -r '.rewards[0].code' "$OUT")
check "a reward code to draw" -- test "${#CODE}" -eq 36

# ms_since START: milliseconds since tm__now printed START.
ms_since() {
	echo $(( ($(tm__now) - $1) / 1000 ))
}

# --- ansi2pbm on hand-made captures ------------------------------------------------------
#
# pbm_is DESCRIPTION INPUT EXPECTED [OPTION...]: printf INPUT through ansi2pbm with the
# options and compare the image, byte for byte, with printf EXPECTED.
pbm_is() {
	local what=$1 input=$2 expected=$3
	shift 3
	# shellcheck disable=SC2059
	printf "$input" | "$ANSI2PBM" "$@" >"$WORK/got.pbm" 2>"$ERR"
	# shellcheck disable=SC2059
	printf "$expected" >"$WORK/want.pbm"
	cmp -s "$WORK/got.pbm" "$WORK/want.pbm"
	local rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "#   want: $(od -An -tx1 "$WORK/want.pbm" | tr -s ' \n' ' ')"
		echo "#   got:  $(od -An -tx1 "$WORK/got.pbm" | tr -s ' \n' ' ')"
	fi
	report "$rc" "$what"
}

# pbm_refuses CODE DESCRIPTION INPUT [OPTION...]: ansi2pbm exits CODE with one "ansi2pbm: "
# line on stderr and nothing on stdout.
pbm_refuses() {
	local code=$1 what=$2 input=$3 rc
	shift 3
	# shellcheck disable=SC2059
	printf "$input" | "$ANSI2PBM" "$@" >"$OUT" 2>"$ERR"
	rc=$?
	[ "$rc" -eq "$code" ] && [ ! -s "$OUT" ] && [ "$(wc -l <"$ERR")" -eq 1 ] &&
		grep -q '^ansi2pbm: ' "$ERR"
	report $? "$what (exit $rc)"
}

BW='\e[38;5;16;48;5;231m'		# the QR renderer's dark on light
pbm_is "▀ ▄ █ and space: upper, lower, both, neither half in the foreground" \
	"$BW▀▄█ \e[0m\n" 'P4\n4 2\n\xa0\x60' -s 1
pbm_is "-s 2 makes each module 2 x 2 pixels" \
	"$BW▀▄█ \e[0m\n" 'P4\n8 4\n\xcc\xcc\x3c\x3c' -s 2
pbm_is "the default scale is 4 pixels a module" \
	"$BW▀\e[0m\n" 'P4\n4 8\n\xf0\xf0\xf0\xf0\x00\x00\x00\x00'
pbm_is "reverse video swaps foreground and background" \
	"$BW\e[7m▀▄█ \e[27m\n" 'P4\n4 2\n\x50\x90' -s 1
pbm_is "16 colours: 30-37 and 90-97 on 40-47 and 100-107; 0 and 8 dark, 7 and 15 light" \
	'\e[30;47m▀\e[97;40m▀\e[90;107m▀\e[37;100m▀\n' 'P4\n4 2\n\xa0\x50' -s 1
pbm_is "truecolour, the 256-colour cube and greys by luminance, and the colon forms" \
	'\e[38;2;0;0;0;48;2;250;250;250m▀\e[38;5;196;48;5;226m▀\e[38;5;243;48;5;244m▀\e[38:2::255:255:255;48:5:16m▀\n' \
	'P4\n4 2\n\xe0\x10' -s 1
pbm_is "default colours: dark text on a light terminal (39, 49)" \
	'▀▄\e[39;49m█\n' 'P4\n3 2\n\xa0\x60' -s 1
pbm_is "-d: light text on a dark terminal" \
	'▀▄\e[39;49m█\n' 'P4\n3 2\n\x40\x80' -s 1 -d
pbm_is "colours carry over to the next line, as tmux writes them; blanks are default" \
	'\e[38;5;231;48;5;16m▀\n▀\e[0m▀\n' 'P4\n2 4\n\x00\x80\x40\x80' -s 1
pbm_is "a wide character takes two cells; other text is background" \
	'漢▀a▀\n' 'P4\n5 2\n\x28\x00' -s 1
pbm_is "hidden text (8) shows only its background, until 28" \
	'\e[8m█\e[28m█\n' 'P4\n2 2\n\x40\x40' -s 1
pbm_is "titles, private modes and underline colours are skipped" \
	'\e]0;title\a\e[?25l\e[4:3;58;5;196m█\e[58:2::1:2:3m▀\n' 'P4\n2 2\n\xc0\x80' -s 1
pbm_is "a crop of one cell" \
	'█ █\n ▀ \n▄▄▄\n' 'P4\n1 2\n\x80\x00' -s 1 -r 1 -c 1 -h 1 -w 1
pbm_is "a crop with a quiet zone of 1 module" \
	'█ █\n ▀ \n▄▄▄\n' 'P4\n3 4\n\x00\x40\x00\x00' -s 1 -r 1 -c 1 -h 1 -w 1 -q 1
pbm_is "a crop past the end of the lines is blank in the default background" \
	'█\n' 'P4\n3 4\n\x80\x80\x00\x00' -s 1 -w 3 -h 2
pbm_is "-a crops to the half blocks, away from text and a lone block far off" \
	'hello\n   ▀█▄\n   █ █\nxx\n\n\n  ▄\n' 'P4\n3 4\n\xc0\x60\xa0\xa0' -s 1 -a -q 0
pbm_is "-a: blocks one blank apart belong together, and the larger cluster wins" \
	'▀ ▀ ▀ ▀ ▀   ▀▀▀▀\n' 'P4\n9 2\n\xaa\x80\x00\x00' -s 1 -a -q 0
pbm_is "-a: blocks three blanks apart do not" \
	'▀ ▀   ▀▀▀▀\n' 'P4\n4 2\n\xf0\x00' -s 1 -a -q 0
pbm_is "-a adds a light quiet zone of 4 modules" \
	'x█x\n' 'P4\n9 10\n\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00' -s 1 -a

pbm_refuses 1 "a truncated UTF-8 character is refused" '\xe2\x96\n'
check "and the message says where" -- grep -q 'line 1: malformed UTF-8 at byte 1' "$ERR"
pbm_refuses 1 "a stray continuation byte is refused" 'ab\n\x80\n'
check "on line 2" -- grep -q 'line 2:' "$ERR"
pbm_refuses 1 "an overlong encoding is refused" '\xc0\xaf\n'
pbm_refuses 1 "a UTF-16 surrogate is refused" '\xed\xa0\x80\n'
pbm_refuses 1 "a code point past U+10FFFF is refused" '\xf4\x90\x80\x80\n'
pbm_refuses 1 "a control character is refused" 'a\x01b\n'
pbm_refuses 1 "an empty capture is refused" ''
pbm_refuses 1 "-a with no half blocks is refused" 'just text\n' -a
pbm_refuses 1 "a crop that starts beyond the capture is refused" '█\n' -r 5
pbm_refuses 1 "an image too large is refused" '█\n' -w 4096 -s 64
pbm_refuses 2 "a scale of 0 is a usage error" '█\n' -s 0
pbm_refuses 2 "-a with a crop is a usage error" '█\n' -a -r 0
pbm_refuses 2 "an unknown option is a usage error" '█\n' -x
pbm_refuses 2 "an operand is a usage error" '█\n' file

: >"$OUT"
: >"$ERR"

# --- the QR of a reward, in a pane -------------------------------------------------------

# drawn_qr COLS ROWS PREFIX: a pane drawing the code with PREFIX before every line, then
# two stray half blocks and a full block further down, "-- drawn --", and a wait.
drawn_qr() {
	tm_start "$1" "$2" sh -c 'prefix=$1; shift; printf "\n\n\n"
		"$@" --text | sed "s/^/$prefix/"
		printf "\n\n\342\226\200\342\226\200 \342\226\210\n-- drawn --"; exec sleep 30' \
		sh "$3" "$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" qr "$CODE"
}

drawn_qr 80 24 ""
check "an 80x24 pane draws the code" -- tm_wait_for "-- drawn --"
check "tm_qr_decode reads exactly the code at 80x24" -- test "$(tm_qr_decode)" = "$CODE"
check "the image is the symbol and a 4-module quiet zone, 4 pixels a module" -- \
	test "$(head -c 11 "$TM_PBM")" = "$(printf 'P4\n132 136')"
tm_capture_e
check "ansi2pbm draws the whole capture by default: 24 rows of the longest line's 33 cells" -- \
	test "$("$ANSI2PBM" -s 1 <"$TM_SCREEN_E" | head -c 9)" = "$(printf 'P4\n33 48')"
check "and zbarimg reads the code on the whole screen too" -- \
	test "$(tm_qr_decode -s 2)" = "$CODE"
check "a crop of the code's own cells (rows 3-19, columns 0-32) reads it" -- \
	test "$(tm_qr_decode -r 3 -c 0 -h 17 -w 33)" = "$CODE"
check "a crop that cuts the symbol reads nothing" -- \
	test -z "$(tm_qr_decode -r 3 -c 0 -h 17 -w 20)"
check "a crop of the bare symbol (rows 5-17, columns 4-28) with -q 4 reads it" -- \
	test "$(tm_qr_decode -r 5 -c 4 -h 13 -w 25 -q 4)" = "$CODE"
check "as an image of 25 + 8 by 26 + 8 modules" -- \
	test "$(head -c 11 "$TM_PBM")" = "$(printf 'P4\n132 136')"

PREFIX="Scan me with your phone:    "
drawn_qr 200 60 "$PREFIX"
check "a 200x60 pane draws the code after text on every line" -- tm_wait_for "-- drawn --"
check "tm_qr_decode finds and reads it at 200x60" -- test "$(tm_qr_decode)" = "$CODE"
check "the crop -a found is the symbol, not the text or the stray blocks" -- \
	test "$(head -c 11 "$TM_PBM")" = "$(printf 'P4\n132 136')"
check "a manual crop at its place reads it too" -- \
	test "$(tm_qr_decode -r 5 -c $(( ${#PREFIX} + 4 )) -h 13 -w 25 -q 4)" = "$CODE"
check "one column to the left does not" -- \
	test -z "$(tm_qr_decode -r 5 -c $(( ${#PREFIX} + 3 )) -h 13 -w 25 -q 4)"
# group_gone PGID: no process of that group is left, but zombies waiting to be reaped.
group_gone() {
	! ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { n++ } END { exit !n }'
}
pgid=$TM_PID
check "the pane's processes are running" -- test "$(group_gone "$pgid"; echo $?)" -ne 0
tm_stop
check "tm_stop ends the server" -- test ! -S "$TM_SOCK"
check "and the program in it" -- group_gone "$pgid"

# --- the terminal the program gets -------------------------------------------------------

export LINES=99 COLUMNS=99
tm_start 80 24 sh -c 'size="$(tput cols 2>/dev/null)x$(tput lines 2>/dev/null)"
	echo "term=$TERM lang=$LANG lc_all=$LC_ALL lines=${LINES-unset} columns=${COLUMNS-unset}"
	echo "size=$size"; exec sleep 30'
unset LINES COLUMNS
check "the pane has TERM=xterm-256color and C.UTF-8, without LINES or COLUMNS" -- \
	tm_wait_for "term=xterm-256color lang=C.UTF-8 lc_all=C.UTF-8 lines=unset columns=unset"
check "and it is 80x24" -- tm_wait_for "size=80x24"

tm_start 80 24 sh -c 'last=; while :; do s="$(tput cols 2>/dev/null)x$(tput lines 2>/dev/null)";
	[ "$s" = "$last" ] || { echo "size $s"; last=$s; }; sleep 0.05; done'
check "tput in the pane says 80x24" -- tm_wait_for "size 80x24"
check "tm_resize 100 30" -- tm_resize 100 30
check "the program sees 100x30" -- tm_wait_for "size 100x30"
check "tm_resize 50 12" -- tm_resize 50 12
check "the program sees 50x12" -- tm_wait_for "size 50x12"
tm_capture
check "the capture has 12 rows" -- test "$(wc -l <"$TM_SCREEN")" -eq 12

# --- keys and clicks ---------------------------------------------------------------------

tm_start 80 24 sh -c 'stty raw -echo && printf "ready\r\n" && exec cat -v'
check "cat -v runs in a raw terminal" -- tm_wait_for ready
tm_click 5 3
check "tm_click 5 3 sends the SGR press and release" -- tm_wait_for '^[[<0;5;3M^[[<0;5;3m'
check "tm_click refuses a column 0" -- test "$(TM_DIAG=3 tm_click 0 3 3>/dev/null; echo $?)" -eq 2
tm_type '-x "$HOME" é'
check "tm_type sends text literally, a leading dash, quotes, dollars and UTF-8 too" -- \
	tm_wait_for '^[[<0;5;3m-x "$HOME" M-CM-)'
tm_keys Enter C-c Escape
check "tm_keys sends named keys" -- tm_wait_for 'M-CM-)^M^C^['
check "the program is still running" -- tm_alive

# --- waiting -----------------------------------------------------------------------------

tm_start 80 24 sh -c 'echo early; sleep 0.4; echo later; exec sleep 30'
t0=$(tm__now)
check "tm_wait_for waits for text that comes later" -- tm_wait_for later
check "and returns soon after it came" -- test "$(ms_since "$t0")" -lt 2000
t0=$(tm__now)
TM_DIAG=3 tm_wait_for "no such text" 1 3>"$WORK/diag"
rc=$?
ms=$(ms_since "$t0")
check "tm_wait_for fails on text that never comes" -- test "$rc" -ne 0
check "after its timeout of 1 s, not before and not much later ($ms ms)" -- \
	test "$ms" -ge 1000 -a "$ms" -lt 2500
check "it says what it waited for" -- grep -q '^# tm_wait_for: "no such text" did not appear within 1s' "$WORK/diag"
check "and shows the screen, its size and that the program runs" -- \
	grep -q '^#   |early$' "$WORK/diag" && grep -q '80x24, the program is running' "$WORK/diag"

tm_start 80 24 sh -c 'echo going; sleep 0.3; printf "\033[2J\033[H"; echo gone; exec sleep 30'
check "tm_wait_gone waits until the screen is cleared" -- tm_wait_gone going
check "and tm_wait_for for what came after" -- tm_wait_for gone
check "tm_shows tells what the screen shows now" -- tm_shows gone
check "and what it does not" -- test "$(tm_shows going; echo $?)" -ne 0
t0=$(tm__now)
TM_DIAG=3 tm_wait_gone gone 0.5 3>"$WORK/diag"
rc=$?
check "tm_wait_gone fails on text that stays" -- test "$rc" -ne 0 -a "$(ms_since "$t0")" -ge 500
check "and says so" -- grep -q 'tm_wait_gone: "gone" was still there after 0.5s' "$WORK/diag"

# --- exit codes --------------------------------------------------------------------------

tm_start 80 24 sh -c 'exit 3'
check "tm_exit_code of sh -c 'exit 3' is 3" -- test "$(tm_exit_code)" = 3
check "tm_alive says it is gone" -- test "$(tm_alive; echo $?)" -ne 0

tm_start 80 24 sh -c 'echo "last words"; exit 7'
check "a program's last screen stays after it exits" -- tm_wait_for "last words"
check "with no 'Pane is dead' line over it" -- test "$(tm_capture && grep -c 'Pane is dead' "$TM_SCREEN")" = 0
check "and its exit status is 7" -- test "$(tm_exit_code)" = 7
t0=$(tm__now)
TM_DIAG=3 tm_wait_for "never printed" 5 3>"$WORK/diag"
rc=$?
check "a wait on an exited program fails at once, not after its timeout" -- \
	test "$rc" -ne 0 -a "$(ms_since "$t0")" -lt 1000
check "and says that the program has exited" -- grep -q 'the program has exited (7)' "$WORK/diag"

tm_start 80 24 sh -c 'kill -TERM $$'
check "a program killed by SIGTERM exits 128+15" -- test "$(tm_exit_code)" = 143

tm_start 80 24 sleep 30
check "a running program is alive" -- tm_alive
check "and tm_exit_code fails when it does not exit in time" -- \
	test -z "$(TM_DIAG=3 tm_exit_code 0.3 3>/dev/null)"
tm_stop
check "after tm_stop nothing is alive" -- test "$(tm_alive; echo $?)" -ne 0

tm_start 80 24 sh -c 'trap "" HUP; echo deaf; exec sleep 30'
check "a program that ignores SIGHUP" -- tm_wait_for deaf
pgid=$TM_PID
TM_DIAG=3 tm_stop 3>"$WORK/diag"
check "is killed by tm_stop all the same" -- group_gone "$pgid"
check "which says so" -- grep -q 'outlived SIGHUP' "$WORK/diag"
