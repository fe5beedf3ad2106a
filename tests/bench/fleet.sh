#!/usr/bin/env bash
# fleet.sh — `make bench`'s fleet rows: a throwaway PostgreSQL hub (tests/hub/pg.inc) made
# durable, build/bench-fleet run against it (see tests/bench/fleet.c), and the cluster and the
# bench's stores removed however it ends.  BENCH_FLEET_TERMINALS and BENCH_FLEET_EVENTS (default
# 20 and 1000) make a quick run: BENCH_FLEET_TERMINALS=3 BENCH_FLEET_EVENTS=100.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
if [ ! -x build/bench-fleet ]; then
	echo "bench-fleet: build it first: make build/bench-fleet" >&2
	exit 1
fi

# The bench's stores go in here, so that a bench killed half-way leaves nothing either.
WORK=$(mktemp -d /tmp/prefkiosk-fleetbench-XXXXXX) || exit 1
trap 'rm -rf "$WORK"' EXIT
. tests/hub/pg.inc
pg_start || { echo "bench-fleet: cannot start a PostgreSQL hub (see above)" >&2; exit 1; }

# The suites' clusters run without fsync, for speed; a shop's hub would not, and the bench
# compares the hub's commits with the stores' durable ones.
if ! pg_psql -q -c "ALTER SYSTEM SET fsync = on" >/dev/null || ! pg_restart; then
	echo "bench-fleet: cannot turn fsync on for the hub" >&2
	exit 1
fi

TMPDIR=$WORK ./build/bench-fleet
