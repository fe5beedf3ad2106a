#!/usr/bin/env bash
# seal.sh — members reach a file only sealed: export-keys makes the master data system's pair,
# export --seal-to --out writes a file that unseal turns back into exactly what export --all
# prints, and that holds no name, e-mail or phone; a wrong key, a changed or cut file is exit 3;
# plaintext on disk and every other misuse is exit 2; unseal and export-keys need no store.
. "$(dirname "$0")/lib"

fresh_store
pk catalog >"$WORK/catalog.json"
EMAILCH=$(jq -r '.channels[] | select(.needs == "email") | .id' "$WORK/catalog.json" | head -n 1)
SMSCH=$(jq -r '.channels[] | select(.needs == "phone") | .id' "$WORK/catalog.json" | head -n 1)
cat >"$WORK/grace.json" <<JSON
{"name":"Grace Hopper","email":"grace.hopper@navy.example","phone":"+1 202 555 0147",
 "language":"en","channels":["$EMAILCH","$SMSCH"]}
JSON
IN="$WORK/grace.json" expect 0 "enroll a member with a name, an e-mail and a phone" -- enroll
printf '{"name":"Alan Turing","email":"alan@bletchley.example","language":"de","channels":["%s"]}' \
	"$EMAILCH" >"$WORK/alan.json"
IN="$WORK/alan.json" expect 0 "enroll a second member" -- enroll
mode() { stat -c %a "$1"; }

# The master data system's key pair.
MDS="$WORK/mds"
expect 0 "export-keys makes a pair" -- export-keys "$MDS"
check "it says where" -- json --arg p "$MDS.pub" --arg k "$MDS.key" '.public == $p and .secret == $k'
check "the secret key is mode 600" -- test "$(mode "$MDS.key")" = 600
check "the public key is one labelled line" -- grep -q '^PKSEAL-PUBLIC-KEY [A-Za-z0-9+/]*=$' "$MDS.pub"
before=$(sha256sum <"$MDS.key")
expect 1 "export-keys refuses to overwrite a pair" -- export-keys "$MDS"
check "and says so" -- grep -q "exists; refusing to overwrite it" "$ERR"
check "the secret key is unchanged" -- test "$before" = "$(sha256sum <"$MDS.key")"
expect 2 "export-keys without a prefix" -- export-keys
expect 2 "export-keys with two" -- export-keys a b

# A sealed export, and back.
SEALED="$WORK/members.jsonl.sealed"
expect 0 "export --all --seal-to --out" -- export --all --seal-to "$MDS.pub" --out "$SEALED"
check "it says where and how many" -- json --arg f "$SEALED" '.file == $f and .members == 2 and .damaged == 0'
check "the sealed file is mode 600" -- test "$(mode "$SEALED")" = 600
check "no temp file is left" -- test ! -e "$SEALED.tmp"
check "the file begins with its magic" -- sh -c "head -c 6 '$SEALED' | grep -q PKSEAL"
for needle in "Grace" "Hopper" "grace.hopper" "navy.example" "2025550147" "202 555" \
    "Alan Turing" "bletchley" "customer"; do
	check "no '$needle' in the sealed file" -- sh -c "! grep -aqF '$needle' '$SEALED'"
done
pk export --all >"$WORK/plain.jsonl"
check "the plain export does hold them (the search works)" -- grep -q "grace.hopper@navy.example" "$WORK/plain.jsonl"
expect 0 "unseal with the secret key" -- unseal --secret-key "$MDS.key" "$SEALED"
check "unseal gives exactly what export --all prints" -- cmp -s "$OUT" "$WORK/plain.jsonl"
IN="$SEALED" expect 0 "unseal reads standard input" -- unseal --secret-key "$MDS.key"
check "the same bytes again" -- cmp -s "$OUT" "$WORK/plain.jsonl"
expect 0 "a sealed export as csv" -- export --all --format csv --seal-to "$MDS.pub" --out "$WORK/m.csv.sealed"
pk export --all --format csv >"$WORK/plain.csv"
expect 0 "unseal the csv" -- unseal --secret-key "$MDS.key" "$WORK/m.csv.sealed"
check "it is the csv export" -- cmp -s "$OUT" "$WORK/plain.csv"
expect 0 "the audit has the sealed export" -- audit
check "with the file's name only" -- jq -e -s 'map(select(.action == "export_sealed")) | .[0].target == "members.jsonl.sealed"' "$OUT"

# unseal and export-keys need no store, no config and no store key.
"$PK" --db "$WORK/none.db" --key-file "$WORK/none.key" --config "$WORK/none" \
	unseal --secret-key "$MDS.key" "$SEALED" >"$OUT" 2>"$ERR"
report $? "unseal works without a store or a config"
check "and gives the same bytes" -- cmp -s "$OUT" "$WORK/plain.jsonl"
"$PK" --db "$WORK/none.db" --config "$WORK/none" export-keys "$WORK/elsewhere" >"$OUT" 2>"$ERR"
report $? "export-keys works without a store or a config"
check "no store was made" -- test ! -e "$WORK/none.db"

# Refusals: the wrong key, a changed or cut file, something else.
"$PK" export-keys "$WORK/other" >/dev/null
expect 3 "the wrong secret key is exit 3" -- unseal --secret-key "$WORK/other.key" "$SEALED"
check "saying the file is not sealed to it" -- grep -q "members.jsonl.sealed: the file is not sealed to this key" "$ERR"
check "and nothing is written" -- test ! -s "$OUT"
size=$(stat -c %s "$SEALED")
cp "$SEALED" "$WORK/changed"
printf '\x55' | dd of="$WORK/changed" bs=1 seek=$((size - 20)) conv=notrunc 2>/dev/null
check "the copy differs" -- sh -c "! cmp -s '$SEALED' '$WORK/changed'"
expect 3 "a changed byte is exit 3" -- unseal --secret-key "$MDS.key" "$WORK/changed"
check "naming the chunk" -- grep -q "chunk 1 does not open" "$ERR"
head -c $((size - 1)) "$SEALED" >"$WORK/cut"
expect 3 "a cut file is exit 3" -- unseal --secret-key "$MDS.key" "$WORK/cut"
head -c 112 "$SEALED" >"$WORK/header"
expect 3 "a file of its header alone is exit 3" -- unseal --secret-key "$MDS.key" "$WORK/header"
check "saying the final chunk is missing" -- grep -q "without its final one" "$ERR"
expect 3 "a file that is not sealed is exit 3" -- unseal --secret-key "$MDS.key" "$WORK/plain.jsonl"
check "saying so" -- grep -q "not a sealed prefkiosk file" "$ERR"
expect 1 "a missing input is exit 1" -- unseal --secret-key "$MDS.key" "$WORK/none.sealed"
expect 1 "the public key given as the secret key" -- unseal --secret-key "$MDS.pub" "$SEALED"
check "is named as a public key file" -- grep -q "this is a public key file" "$ERR"
chmod 644 "$MDS.key"
expect 1 "a secret key readable by others is refused" -- unseal --secret-key "$MDS.key" "$SEALED"
check "saying how to fix it" -- grep -q "chmod 600" "$ERR"
chmod 600 "$MDS.key"
expect 1 "the secret key given as the recipient" -- export --all --seal-to "$MDS.key" --out "$WORK/x.sealed"
check "is named as a secret key file" -- grep -q "this is a secret key file" "$ERR"
check "and no file is written" -- test ! -e "$WORK/x.sealed"
expect 1 "an export over an existing file is refused" -- export --all --seal-to "$MDS.pub" --out "$SEALED"
check "saying so" -- grep -q "refusing to overwrite it" "$ERR"
expect 1 "an export into a missing folder" -- export --all --seal-to "$MDS.pub" --out "$WORK/none/x.sealed"
check "leaves nothing" -- test ! -e "$WORK/none"

# Usage: nothing personal goes to disk in plaintext, and the options go together.
expect 2 "--out without --seal-to is exit 2" -- export --all --out "$WORK/plain.out"
check "saying why: plaintext" -- grep -q "refusing to write members to .* in plaintext" "$ERR"
check "and no file is written" -- test ! -e "$WORK/plain.out"
expect 2 "--seal-to without --out" -- export --all --seal-to "$MDS.pub"
expect 2 "--seal-to with one member" -- export --customer "$(jq -r .customer "$WORK/plain.jsonl" | head -n 1)" --seal-to "$MDS.pub" --out "$WORK/one.sealed"
expect 2 "--seal-to with --format json" -- export --all --format json --seal-to "$MDS.pub" --out "$WORK/j.sealed"
check "no file is left by any of them" -- sh -c "test ! -e '$WORK/one.sealed' && test ! -e '$WORK/j.sealed'"
expect 2 "unseal without --secret-key" -- unseal "$SEALED"
expect 2 "unseal of two files" -- unseal --secret-key "$MDS.key" "$SEALED" "$SEALED"
expect 2 "unseal with an unknown option" -- unseal --key "$MDS.key"

# The kiosk's recipient in the config: a broken key file stops it at start-up with the line.
cp -r "$CONFIG" "$WORK/config"
printf 'PKSEAL-PUBLIC-KEY nonsense\n' >"$WORK/var/export-recipient.pub"
"$PK" --db "$DB" --key-file "$KEY" --config "$WORK/config" verify >"$OUT" 2>"$ERR"
report $([ $? -eq 2 ] && echo 0 || echo 1) "a broken recipient key file exits 2"
check "naming the config line and the key file" -- \
	grep -q "prefkiosk.ini:[0-9]*: \[export\] recipient: .*export-recipient.pub: the key is not 32 bytes in base64" "$ERR"
exit 0
