#!/usr/bin/env bash
# render.sh — a reward's code drawn and printed through the real binary: the PNG and the
# receipt decode back to exactly the code, and every printer transport delivers the receipt or
# says plainly why not, leaving the reward valid.
. "$(dirname "$0")/lib"

fresh_store
pk enroll <<<'{"language":"de","email":"li@example.org","channels":["email"],
  "consents":{"email_marketing":true}}' >"$OUT"
CODE=$(jq -r '.rewards[0].code' "$OUT")
RECEIPT=$(jq -r '.receipt' "$OUT")

decode() {
	zbarimg --raw -q "$1" 2>/dev/null | tr -d '\n'
}

expect 0 "qr --png draws the code" -- qr "$CODE" --png "$WORK/code.png"
check "zbarimg reads exactly the code from the PNG" -- test "$(decode "$WORK/code.png")" = "$CODE"
expect 0 "qr --png with a scale and a wider quiet zone" -- qr "$CODE" --png "$WORK/big.png" \
	--scale 3 --quiet 6
check "that PNG decodes too" -- test "$(decode "$WORK/big.png")" = "$CODE"
check "the PNG is 3 pixels per module of 25 + 2 x 6" -- \
	test "$(od -An -tu1 -j16 -N8 "$WORK/big.png" | awk '{print $4 * 1 + $3 * 256}')" = 111

expect 0 "qr --text draws half blocks" -- qr "$CODE" --text
check "17 lines with explicit colours for dark and light" -- \
	test "$(grep -c $'\e\\[38;5;16;48;5;231m' "$OUT")" -eq 17
widths() {
	sed 's/\x1b\[[0-9;]*m//g' "$OUT" | while IFS= read -r line; do echo "${#line}"; done |
		sort -u
}
check "every line is 33 cells" -- test "$(LC_ALL=C.UTF-8 widths)" = 33

expect 0 "qr --escpos writes the receipt" -- qr "$CODE" --escpos "$WORK/slip.bin"
check "the receipt stores exactly the code for the printer's QR (GS ( k)" -- \
	grep -qaF "1P0$CODE" "$WORK/slip.bin"
check "it shows the grouped code and the consent receipt id" -- \
	grep -qaF "${CODE:0:6}-${CODE:6:6}" "$WORK/slip.bin"
check "with the consent receipt" -- grep -qa "Einwilligungsbeleg: $RECEIPT" "$WORK/slip.bin"
check "and what was agreed, in the member's language, as ASCII" -- \
	grep -qa "Sie haben eingewilligt in: Neuigkeiten und Angebote per E-Mail" "$WORK/slip.bin"
check "and ends with a cut" -- test "$(tail -c 4 "$WORK/slip.bin" | od -An -tx1 | tr -d ' ')" = 1d564200

expect 3 "a forged code is not drawn" -- qr "0${CODE:1}" --png "$WORK/no.png"
check "and no file appears" -- test ! -e "$WORK/no.png"
expect 2 "qr needs exactly one of --text, --png, --escpos" -- qr "$CODE"
expect 2 "qr refuses two at once" -- qr "$CODE" --text --png "$WORK/x.png"
expect 2 "a scale of 0 is refused" -- qr "$CODE" --png "$WORK/x.png" --scale 0
expect 1 "a PNG into a missing folder says why" -- qr "$CODE" --png "$WORK/none/x.png"

# The printer, from a copy of the config with each transport.
PCONF="$WORK/pconf"
printer_config() {
	rm -rf "$PCONF"
	cp -r "$CONFIG" "$PCONF"
	sed -i "s|^assets *=.*|assets = $TOP/assets|" "$PCONF/prefkiosk.ini"
	sed -i "/^\[printer\]/,/^\[/{s|^transport *=.*|transport = $1|;s|^target *=.*|target = $2|;s|^qr *=.*|qr = ${3:-native}|}" \
		"$PCONF/prefkiosk.ini"
}
ppk() {
	"$PK" --db "$DB" --key-file "$KEY" --config "$PCONF" "$@"
}
pexpect() {
	local code=$1 what=$2; shift 2
	local rc
	ppk "$@" >"$OUT" 2>"$ERR"
	rc=$?
	[ "$rc" -eq "$code" ] && { [ "$code" -eq 0 ] || [ "$(wc -l <"$ERR")" -eq 1 ]; }
	report $? "$what (exit $rc)"
}

expect 1 "print without a printer says so" -- print "$CODE"
check "and names the setting" -- grep -q "transport = none" "$ERR"

printer_config file "$WORK/printed.bin"
pexpect 0 "print to a file" print "$CODE"
check "the file holds the same receipt as qr --escpos" -- cmp -s "$WORK/printed.bin" "$WORK/slip.bin"

printer_config command "cat > $WORK/piped.bin"
pexpect 0 "print through a command reading stdin" print "$CODE"
check "the command got the receipt" -- cmp -s "$WORK/piped.bin" "$WORK/slip.bin"

printer_config command "exit 3"
pexpect 1 "a failing print command is reported" print "$CODE"
check "with its exit status" -- grep -q "exit 3" "$ERR"

printer_config device "$WORK/no-such-lp0"
pexpect 1 "a missing printer device is reported" print "$CODE"
check "as not found, and asks whether it is connected" -- grep -q "not found" "$ERR"

printer_config file "$WORK/raster.bin" raster
pexpect 0 "print as a raster image for printers without a QR engine" print "$CODE"
raster_only() {
	grep -qaF "$(printf '\035v0')" "$WORK/raster.bin" && ! grep -qaF "1P0$CODE" "$WORK/raster.bin"
}
check "the raster receipt has a GS v 0 image and no GS ( k" -- raster_only

expect 0 "after every failure the reward is still valid" -- check "$CODE"
expect 0 "redeem it" -- redeem "$CODE"
pexpect 4 "a redeemed reward is not printed again" print "$CODE"
