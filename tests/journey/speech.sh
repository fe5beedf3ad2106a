#!/usr/bin/env bash
# speech.sh — the kiosk spoken, through the real binary in tmux with run --speech and
# PREFKIOSK_SPEECH_LOG: a full sign-up in English, one in German, and a member withdrawing
# consent, each checked against the log line by line in order; the reward's code and the
# member's personal data never in it.  The kiosk runs with no audio device (as on CI, and so
# that no test talks out loud): it says so at the top of the screen and logs all the same.
# With speech = offer the attract screen offers speech, and 5 turns it on.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/kiosk.inc"

fresh_store
LOG=$SPEECH_LOG

# speaking [CONFIG_DIR]: the kiosk with speech on (run --speech).
speaking() {
	kiosk_speech "${1:-$CONFIG}" --speech
}

# in_order TEXT...: the log has, or gets within $TM_TIMEOUT seconds, each TEXT after the one
# before it (later on its line, or on a later line).  It waits because the last key's answer
# may still be on its way: a wrong PIN is only said once its Argon2id check has run, which
# takes longer than a key's pause on a slow machine or a sanitized build.  A text missing is
# shown with the lines (grep -n) of the one before it.
in_order() {
	tm_poll "$TM_TIMEOUT" in__order quiet "$@" || in__order loud "$@"
}

# in__order quiet|loud TEXT...: the log has each TEXT after the one before it, now; loud, a
# missing TEXT is told.
in__order() {
	local how=$1 rest text before=
	shift
	rest=$(cat "$LOG")
	for text in "$@"; do
		case "$rest" in
		*"$text"*)
			rest=${rest#*"$text"} ;;
		*)
			[ "$how" = quiet ] && return 1
			tm__diag "in_order: \"$text\" does not come after \"$before\"" \
				"(at $(grep -nF -- "$before" "$LOG" | cut -d: -f1 | tr '\n' ' ')):"
			sed 's/^/#   |/' "$LOG" >&"$TM_DIAG"
			return 1 ;;
		esac
		before=$text
	done
}

# not_shown TEXT: the screen does not show TEXT now.
not_shown() {
	! tm_shows "$1"
}

# german_only: after the first German line, the log has no English one.
german_only() {
	! sed -n "/^de$(printf '\t')/,\$p" "$LOG" | grep -q "^en$(printf '\t')"
}

# key K...: keys one at a time, each given its moment (the kiosk reads a fast burst as a scan).
key() {
	local k
	for k in "$@"; do
		tm_keys "$k"
		sleep 0.1
	done
}

# A sign-up from the attract screen to the thanks: one interest, no channel, the first purpose
# given and the others refused, a new card number, PIN 2580.  Keys only, as a blind customer
# would: 2 and 8 move, 5 chooses, + moves on from a field.
sign_up() {
	key Enter Enter			# start; what we ask and why: Next
	said "$1" || return 1
	key 2 5 8 5			# the first interest on; back round to Next
	key 5				# channels: none, Next
	key 2 2 2 5			# the first purpose: More, Back, No, Yes
	for i in 2 3 4 5 6; do
		key 2 2 5		# No
	done
	key 5				# the review: Next
	key + + Enter			# the card: the field, "I have no card"
	tm_type "2580"
	sleep 0.1
	key Enter
	tm_type "2580"
	sleep 0.1
	key Enter
}

# --- English -------------------------------------------------------------------------------
speaking
check "the attract screen is said: the shop, its words, how to start" -- \
	said $'en\tBean & Leaf Coffee. Tell us what you like'
check "and the keypad's keys, then the focused button" -- \
	in_order "Keypad: 5 speech, 9 large text, 3 high contrast, / every key." \
	"To start, press Enter." "Touch the screen or press any key to start, button."
check "no audio device: a one-line note at the top, and the kiosk goes on" -- \
	tm_wait_for "Speech is not available on this kiosk"
sign_up $'en\tWhat we ask and why. We ask what you are interested in'
check "the reward comes up" -- tm_wait_for "Your reward"
check "with a success earcon and what the reward is and until when" -- \
	said "Press the dot key to hear the code and your card number. Done, button."
check "the sign-up in the log, in order" -- in_order \
	$'en\tBean & Leaf Coffee.' \
	$'en\tWhat we ask and why.' \
	$'en\tYour interests. 0 of 3 interests in 0 of 2 categories.' \
	$'en\tEspresso & milk drinks, off, check box.' \
	$'en\t1 of 3 interests in 1 of 2 categories. Espresso & milk drinks, on, check box.' \
	$'en\tNext, button.' \
	$'en\tHow to reach you. Fewer messages is a fine choice' \
	$'en\tPersonalised offers. 1 of 6.' \
	"Nothing is chosen until you choose. More, link." \
	$'en\tYes, button.' \
	$'en\tNews and offers by e-mail. 2 of 6.' \
	$'en\tNo, button.' \
	$'en\tReview your answers.' \
	$'en\tYour card. Scan your card or type its number. Card number, empty, edit field.' \
	$'en\tI have no card: give me a new number, link.' \
	$'en\tChoose a PIN.' \
	$'en\tPIN (4 to 12 digits), 4 characters, edit field.' \
	$'en\tThe same PIN again, empty, edit field.' \
	$'en\tThe same PIN again, 4 characters, edit field.' \
	$'en\t[earcon success]' \
	$'en\tYour reward. 10% off your next order. Valid until '
check "the expiry is said in words" -- \
	grep -qE $'^en\tYour reward\\. .*Valid until [0-9]{1,2} [A-Z][a-z]+ 20[0-9]{2}\\.' "$LOG"
check "the PIN typed is never said" -- sh -c "! grep -q 2580 '$LOG'"
CODE=$(tm_qr_decode | head -n 1)
check "the code is on the screen" -- test "${#CODE}" -eq 36
check "but not in the log" -- sh -c "! grep -qF '${CODE:0:12}' '$LOG'"
key .
check "the dot key says the code and the card number, spelled (the log says only that)" -- \
	said $'en\tYour code: [spelled out] Your card number: [spelled out]'
key '*'
check "star says it again" -- \
	test "$(grep -cF 'Your code: [spelled out]' "$LOG")" -eq 2
CARD=$(pk export --all --format jsonl | jq -r '.profile.card' | head -n 1)
check "the new card number is not in the log either" -- \
	sh -c "test -n '$CARD' && ! grep -qF '$CARD' '$LOG'"
key /
check "slash lists the keys, said and shown" -- said $'en\tThe keys. 2 or 6: the next control.'
check "and shown" -- tm_wait_for "Keys: 2 6 + next"
key Enter Enter
check "thanks, then the attract screen again" -- \
	in_order $'en\tThank you!' $'en\tBean & Leaf Coffee.'
tm_stop

# --- German --------------------------------------------------------------------------------
pk export --all --format jsonl >"$OUT"
BEFORE=$(wc -l <"$OUT")
speaking
said $'en\tBean & Leaf Coffee.' >/dev/null
key 2 2
check "the focus on a language: its name, its state, a radio button" -- \
	said $'en\tDeutsch, not selected, radio button.'
key Enter
check "chosen: the attract screen again, in German, in a German voice" -- \
	said $'de\tBean & Leaf Coffee. Sagen Sie uns'
key 8 8
sign_up $'de\tWas wir fragen und warum.'
check "the reward comes up in German" -- tm_wait_for "Ihre Prämie"
check "the German sign-up in the log, in order" -- in_order \
	$'de\tBean & Leaf Coffee. Sagen Sie uns' \
	$'de\tWas wir fragen und warum.' \
	$'de\tIhre Interessen. 0 von 3 Interessen' \
	$'de\tEspresso & Milchgetränke, aus, Kontrollkästchen.' \
	"Espresso & Milchgetränke, ein, Kontrollkästchen." \
	$'de\tWeiter, Schaltfläche.' \
	$'de\tWie wir Sie erreichen.' \
	$'de\tPersönliche Angebote. 1 von 6.' \
	$'de\tJa, Schaltfläche.' \
	$'de\tNein, Schaltfläche.' \
	$'de\tPrüfen Sie Ihre Angaben.' \
	$'de\tIhre Karte.' \
	$'de\tIch habe keine Karte: neue Nummer erhalten, Link.' \
	$'de\tWählen Sie eine PIN.' \
	$'de\tPIN wiederholen, 4 Zeichen, Eingabefeld.' \
	$'de\t[earcon success]' \
	$'de\tIhre Prämie.'
check "the expiry in German words" -- \
	grep -qE $'^de\tIhre Prämie\\. .*Gültig bis [0-9]{1,2}\\. [A-ZÄÖÜ][a-zäöü]+ 20[0-9]{2}\\.' "$LOG"
check "no English after the switch" -- german_only
pk export --all --format jsonl >"$OUT"
check "a second member, recorded in German" -- \
	sh -c "test \$(wc -l <'$OUT') -eq $((BEFORE + 1)) && tail -n 1 '$OUT' | jq -e '.profile.language == \"de\"'"
key Enter Enter
check "the next customer finds English again" -- said $'en\tBean & Leaf Coffee.'
tm_stop

# --- A member withdraws consent ------------------------------------------------------------
pk enroll >"$OUT" <<'JSON'
{"card":"4000 1234 5678","name":"Ada","email":"ada@example.org","language":"en","pin":"2580",
 "interests":["espresso"],"channels":["email"],
 "consents":{"personalised_offers":true,"email_marketing":true}}
JSON
UID1=$(jq -r .customer "$OUT")
speaking
said $'en\tBean & Leaf Coffee.' >/dev/null
key 8
check "Sign in is a link" -- said $'en\tSign in, link.'
key Enter
check "sign in: the field typed into, then the button" -- \
	said $'en\tWelcome back. Scan your card, or type your card or phone number. Card number, empty, edit field. Sign in, button.'
tm_type "400012345678"
sleep 0.1
key Enter
said $'en\tEnter your PIN' >/dev/null
tm_type "1111"
sleep 0.1
key Enter
check "a wrong PIN: the failure earcon, then why" -- \
	in_order $'en\t[earcon failure]' $'en\tWrong PIN.'
tm_type "2580"
sleep 0.1
key Enter
check "signed in: the success earcon, the greeting without the name in the log" -- \
	in_order $'en\t[earcon success]' $'en\tWelcome back, [private].'
key 2 2 2
check "my consents is the third link" -- said $'en\tMy consents, link.'
key 5
check "my consents: each purpose with its state" -- \
	said $'en\tMy consents. Personalised offers, on, check box.'
key 5
check "withdrawn with one key: success, and the new state" -- \
	in_order $'en\tMy consents.' $'en\t[earcon success]' $'en\tPersonalised offers, off, check box.'
pk export --customer "$UID1" >"$OUT"
check "the store holds the withdrawal" -- \
	jq -e '[.consent_history[] | select(.state == "withdrawn")] | length == 1' "$OUT"
key 8
check "withdraw all is a button" -- said $'en\tWithdraw all, button.'
key 5
check "withdraw all: the earcon, and what happened" -- \
	in_order $'en\tWithdraw all, button.' $'en\t[earcon success]' \
	$'en\tAll consents withdrawn. Your receipt is on the screen.'
pk export --customer "$UID1" >"$OUT"
check "and no consent is given any more" -- \
	jq -e '[.consents[] | select(.state == "given")] | length == 0' "$OUT"
check "the member's name, e-mail and card never reach the log" -- \
	sh -c "! grep -qE 'Ada|ada@example|400012345678|4000 1234' '$LOG'"
tm_stop

# --- Speech offered --------------------------------------------------------------------------
mkdir -p "$WORK/offer"
sed -e 's/^speech = off$/speech = offer/' -e "s|^assets = .*|assets = $TOP/assets|" \
	"$CONFIG/prefkiosk.ini" >"$WORK/offer/prefkiosk.ini"
cp "$CONFIG/catalog.ini" "$WORK/offer/"
kiosk_speech "$WORK/offer"
check "speech = offer: the attract screen offers speech" -- said $'en\tFor speech, press 5.'
tm_wait_for "Keypad: 5 speech" >/dev/null
check "and says nothing else" -- test "$(wc -l <"$LOG")" -eq 1
check "with speech off there is no note at the top" -- not_shown "Speech is not available"
key 5
check "5 turns speech on: the attract screen is said" -- said $'en\tBean & Leaf Coffee.'
check "and the note comes up" -- tm_wait_for "Speech is not available on this kiosk"
key 5
check "5 again turns it off, which is said" -- said $'en\tSpeech off.'
check "the kiosk runs" -- tm_alive
