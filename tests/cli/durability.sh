#!/usr/bin/env bash
# durability.sh — two writers at once both succeed; kill -9 in the middle of a large import
# leaves a store that verifies, with every committed batch present and nothing half-written.
. "$(dirname "$0")/lib"

fresh_store
pk catalog >"$WORK/catalog.json"
EMAILCH=$(jq -r '.channels[] | select(.needs == "email") | .id' "$WORK/catalog.json" | head -n 1)
P1=$(jq -r '.purposes[0].id' "$WORK/catalog.json")

# members FILE PREFIX COUNT: COUNT enrolment lines with distinct e-mail addresses.
members() {
	awk -v p="$2" -v n="$3" -v ch="$EMAILCH" -v pu="$P1" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "{\"email\":\"%s%d@example.org\",\"language\":\"en\",\"channels\":[\"%s\"],\"consents\":{\"%s\":%s}}\n", p, i, ch, pu, (i % 2 ? "true" : "false")
	}' >"$1"
}

# Two processes import at the same time into one store.
members "$WORK/a.jsonl" a 1500
members "$WORK/b.jsonl" b 1500
pk import "$WORK/a.jsonl" >"$WORK/a.out" 2>"$WORK/a.err" &
pa=$!
pk import "$WORK/b.jsonl" >"$WORK/b.out" 2>"$WORK/b.err" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
check "the first concurrent writer succeeds" -- test "$ra" -eq 0
check "the second concurrent writer succeeds" -- test "$rb" -eq 0
check "both imported everything" -- sh -c "jq -e '.imported == 1500' '$WORK/a.out' && jq -e '.imported == 1500' '$WORK/b.out'"
expect 0 "the store verifies after concurrent writes" -- verify
check "it holds all 3000 members" -- jq -e '.members == 3000' "$OUT"

# Two single enrolments racing, many times.
for i in $(seq 1 10); do
	printf '{"email":"x%d@race.example","language":"en","channels":["%s"]}' "$i" "$EMAILCH" >"$WORK/x.json"
	printf '{"email":"y%d@race.example","language":"en","channels":["%s"]}' "$i" "$EMAILCH" >"$WORK/y.json"
	pk enroll <"$WORK/x.json" >/dev/null 2>>"$WORK/race.err" & p1=$!
	pk enroll <"$WORK/y.json" >/dev/null 2>>"$WORK/race.err" & p2=$!
	wait $p1 || echo "x$i failed" >>"$WORK/race.fail"
	wait $p2 || echo "y$i failed" >>"$WORK/race.fail"
done
check "20 racing enrolments all succeed" -- test ! -e "$WORK/race.fail"

# kill -9 in the middle of a large import.
fresh_store
members "$WORK/big.jsonl" big 20000
# The binary itself, not the pk function: kill must reach prefkiosk, not a subshell.
"$PK" --db "$DB" --key-file "$KEY" --config "$CONFIG" import "$WORK/big.jsonl" >/dev/null 2>&1 &
pid=$!
# Wait until at least two batches are committed, then kill.
for _ in $(seq 1 200); do
	n=$(sqlite3 "$DB" "SELECT count(*) FROM customers" 2>/dev/null || echo 0)
	[ "${n:-0}" -ge 1000 ] && break
	sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "the import did not finish before the kill" -- test "$(sqlite3 "$DB" "SELECT count(*) FROM customers")" -lt 20000
n=$(sqlite3 "$DB" "SELECT count(*) FROM customers")
check "the import was killed part-way ($n of 20000 members)" -- test "$n" -gt 0 -a "$n" -lt 20000
check "only whole batches of 500 were committed" -- test $((n % 500)) -eq 0
records=$(sqlite3 "$DB" "SELECT count(*) FROM consent_records")
purposes=$(jq '.purposes | length' "$WORK/catalog.json")
check "every committed member has all its consent records" -- test "$records" -eq $((n * purposes))
expect 0 "the store verifies after kill -9" -- verify
check "verify counts the committed members" -- jq -e ".members == $n" "$OUT"
expect 0 "the first member of the file is there" -- lookup --email big1@example.org
expect 0 "the last committed member is there" -- lookup --email "big$n@example.org"
expect 6 "the first uncommitted member is not" -- lookup --email "big$((n + 1))@example.org"
exit 0
