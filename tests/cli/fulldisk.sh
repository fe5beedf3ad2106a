#!/usr/bin/env bash
# fulldisk.sh — a store on a tiny filesystem, filled up: enroll, import and redeem fail with one
# line saying the disk is full and exit 1, nothing is half written (verify passes, the counts
# are as before), and once space returns the same commands work.  The disk is full both when a
# command opens the store (no room for its shared-memory file) and when it writes (no room for
# its WAL), and then at every few kilobytes from nothing to enough, wherever the write falls.
. "$(dirname "$0")/lib"
. "$(dirname "$0")/tinyfs.inc"

DB="$FS/store.db"
fresh_store
pk catalog >"$WORK/catalog.json"
PURPOSES=$(jq '.purposes | length' "$WORK/catalog.json")
for i in $(seq 1 20); do
	printf '{"email":"m%d@example.org","language":"en","channels":["email"]}\n' "$i"
done >"$WORK/members.jsonl"
pk import "$WORK/members.jsonl" >/dev/null
pk enroll <<<'{"language":"en"}' >"$OUT"
CODE=$(jq -r '.rewards[0].code' "$OUT")

# counts: members, consent records, redeemed codes.
counts() {
	sqlite3 "$DB" "SELECT (SELECT count(*) FROM customers) || ' ' ||
		(SELECT count(*) FROM consent_records) || ' ' ||
		(SELECT count(*) FROM rewards WHERE state = 'redeemed')"
}
BEFORE=$(counts)
check "the store holds 21 members with all their consent records ($BEFORE)" -- \
	test "$BEFORE" = "21 $((21 * PURPOSES)) 0"

# full WHAT: the last command failed as a full disk should: exit 1, one line that says so.
full() {
	report $( [ "$1" -eq 1 ] && [ "$(wc -l <"$ERR")" -eq 1 ] &&
	    grep -q '^prefkiosk: .*the disk is full; nothing was changed: free some space' "$ERR" &&
	    echo 0 || echo 1) "$2 (exit $1)"
}

printf '{"email":"x%d@example.org","language":"en","channels":["email"]}\n' 1 2 3 \
	>"$WORK/more.jsonl"

# No room at all, and nobody holds the store open: no command can open it.
tinyfs_fill 0
printf '{"language":"en","email":"new@example.org","channels":["email"]}' >"$WORK/new.json"
pk enroll <"$WORK/new.json" >"$OUT" 2>"$ERR"
full $? "on a full disk, enroll says the disk is full"
check "and does not ask whether this is a store" -- sh -c "! grep -q 'prefkiosk store?' '$ERR'"
pk import "$WORK/more.jsonl" >"$OUT" 2>"$ERR"
full $? "import says so too"
pk redeem "$CODE" >"$OUT" 2>"$ERR"
full $? "and redeem"
tinyfs_free
check "nothing was written ($(counts))" -- test "$(counts)" = "$BEFORE"
expect 0 "the store verifies" -- verify

# Another process holds the store open (a kiosk would): the command opens it, and its write
# finds no room for the WAL, which is emptied first so that no room is left over in it.
mkfifo "$WORK/holder"
sqlite3 "$DB" <"$WORK/holder" >/dev/null 2>&1 &
HOLDER=$!
exec 9>"$WORK/holder"
echo "PRAGMA wal_checkpoint(TRUNCATE);" >&9
tm=0
until [ -e "$DB-shm" ] && [ "$(stat -c %s "$DB-wal" 2>/dev/null)" = 0 ] || [ $tm -ge 100 ]; do
	sleep 0.05
	tm=$((tm + 1))
done
check "another process holds the store, its WAL empty" -- test "$tm" -lt 100
tinyfs_fill 0
pk enroll <"$WORK/new.json" >"$OUT" 2>"$ERR"
full $? "with the store open elsewhere, enroll fails on the full disk"
pk import "$WORK/more.jsonl" >"$OUT" 2>"$ERR"
full $? "import fails on the full disk"
check "and imported none of its batch" -- jq -e '.imported == 0' "$OUT"
pk redeem "$CODE" --till T1 >"$OUT" 2>"$ERR"
full $? "redeem fails on the full disk"
tinyfs_free
check "nothing was written ($(counts))" -- test "$(counts)" = "$BEFORE"
expect 0 "the store verifies" -- verify
IN="$WORK/new.json" expect 0 "with space again, enroll works" -- enroll
expect 0 "and the member is there" -- lookup --email new@example.org
expect 0 "import works" -- import "$WORK/more.jsonl"
expect 0 "the code was not redeemed, and now is" -- redeem "$CODE" --till T1
exec 9>&-
wait "$HOLDER"

# Every few kilobytes from none to plenty: wherever the write runs out, the command either
# succeeds or says the disk is full, and the store holds whole enrolments only.
BEFORE=$(counts)
n=${BEFORE%% *}
bad=0 failed=0 done=0
for kib in $(seq 0 6 132); do
	tinyfs_fill "$kib"
	pk enroll <<<"{\"language\":\"en\",\"email\":\"k$kib@example.org\",\"channels\":[\"email\"]}" \
		>"$OUT" 2>"$ERR"
	rc=$?
	tinyfs_free
	if [ "$rc" -eq 0 ]; then
		n=$((n + 1))
		done=$((done + 1))
		pk lookup --email "k$kib@example.org" >/dev/null 2>&1 ||
			{ echo "# ${kib} KiB free: enrolled, but not found"; bad=$((bad + 1)); }
	elif [ "$rc" -eq 1 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q 'the disk is full' "$ERR"; then
		failed=$((failed + 1))
	else
		echo "# ${kib} KiB free: exit $rc: $(head -n 2 "$ERR")"
		bad=$((bad + 1))
	fi
	got=$(counts)
	if [ "$got" != "$n $((n * PURPOSES)) 1" ]; then
		echo "# ${kib} KiB free: the store holds $got, not $n whole members"
		bad=$((bad + 1))
	fi
done
check "from 0 to 132 KiB free, each enrolment whole or absent ($failed refused, $done done)" -- \
	test "$bad" -eq 0 -a "$failed" -gt 0 -a "$done" -gt 0
expect 0 "and the store verifies" -- verify
exit 0
