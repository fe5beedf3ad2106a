#!/usr/bin/env bash
# passphrase.sh — `rekey` on a passphrase store, with no new passphrase in the environment, asks
# for it twice on the terminal without echo: two that differ are refused and change nothing; the
# same twice re-keys the store, which the old passphrase no longer opens.
. "$(dirname "$0")/lib"

DB="$WORK/pass.db"
OLD="the first passphrase"
NEW="a brand new passphrase"
export PREFKIOSK_PASSPHRASE="$OLD"
pk init --passphrase >/dev/null
IN=/dev/null
pk enroll <<<'{"language":"en","name":"Ada"}' >/dev/null
before=$(cat "$DB" "$DB-wal" 2>/dev/null | sha256sum)

# The rekey command in a pane: the same store, the old passphrase from the environment.
rekey_in_pane() {
	tm_start 80 24 env PREFKIOSK_PASSPHRASE="$OLD" "$PK" --db "$DB" --config "$CONFIG" rekey
}

# The screen does not show TEXT.
hidden() {
	! tm_shows "$1"
}

rekey_in_pane
check "rekey asks for the new passphrase" -- tm_wait_for "new passphrase:"
tm_type "$NEW"
tm_keys Enter
check "then asks for it again" -- tm_wait_for "repeat it:"
tm_type "not the same at all"
tm_keys Enter
check "two that differ: exit 2" -- test "$(tm_exit_code)" = 2
check "saying they differ" -- tm_wait_for "the two passphrases differ; nothing was changed"
check "neither was shown" -- hidden "brand new"
check "and the store is as it was" -- \
	test "$before" = "$(cat "$DB" "$DB-wal" 2>/dev/null | sha256sum)"

rekey_in_pane
check "asked again" -- tm_wait_for "new passphrase:"
tm_type "$NEW"
tm_keys Enter
check "and again" -- tm_wait_for "repeat it:"
tm_type "$NEW"
tm_keys Enter
check "the same twice: exit 0" -- test "$(tm_exit_code 20)" = 0
check "with the summary" -- tm_wait_for '"members":1'
check "and no passphrase on the screen" -- hidden "brand new"
expect 1 "the old passphrase no longer opens the store" -- verify
PREFKIOSK_PASSPHRASE="$NEW" expect 0 "the new one does" -- verify
exit 0
