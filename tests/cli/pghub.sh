#!/usr/bin/env bash
# pghub.sh — the hub suites' PostgreSQL (tests/hub/pg.inc): a cluster of its own on a Unix
# socket and nothing else, that a kill takes away and a restart brings back with its committed
# rows, two at once, and nothing of it left once the suite is over, even a suite killed outright.
. "$(dirname "$0")/lib"
. "$TOP/tests/hub/pg.inc"

# socket_inodes PID: the inodes of the sockets process PID holds open.
socket_inodes() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' 2>/dev/null |
	    sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | sort -u
}

# tcp_listening PID: the TCP sockets, IPv4 or IPv6, on which process PID listens (state 0A).
tcp_listening() {
	awk '$4 == "0A" { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u |
	    comm -12 - <(socket_inodes "$1")
}

# unix_listening PID: the paths of the Unix sockets on which process PID listens (flag
# __SO_ACCEPTCON, 00010000).
unix_listening() {
	awk '$4 == "00010000" && NF >= 8 { print $7, $8 }' /proc/net/unix | sort -k1,1 |
	    join - <(socket_inodes "$1") | cut -d' ' -f2-
}

# fails CMD...: passes when CMD fails.
fails() {
	! "$@"
}

# exited PID...: wait (up to a minute) until none of the processes PID is left.  A server's
# lock file, which pg_ctl waits for, goes a moment before its process; and a process that has
# exited stays a zombie until its parent reaps it, which for a server (whose parent is init
# once pg_ctl has gone) may take a while.
exited() {
	local i p alive
	for i in $(seq 1 120); do
		alive=
		for p in "$@"; do
			case $(ps -o stat= -p "$p") in
			''|Z*) ;;
			*) alive="$alive $p" ;;
			esac
		done
		[ -z "$alive" ] && return 0
		sleep 0.5
	done
	echo "# still running:$alive"
	return 1
}

# gone DIR: wait (up to a minute) until DIR is removed and no process names it.
gone() {
	local i
	for i in $(seq 1 120); do
		if [ ! -e "$1" ] && ! pgrep -f -- "$1" >/dev/null; then
			return 0
		fi
		sleep 0.5
	done
	return 1
}

pg_start
report $? "a cluster is made and started"
if [ -z "${PREFKIOSK_HUB:-}" ]; then
	echo "# no cluster: nothing more to test"
	exit 1
fi
check "PREFKIOSK_HUB names the socket directory, database and user" -- test \
    "$PREFKIOSK_HUB" = "host=$PG_DIR port=$PG_PORT dbname=prefkiosk user=prefkiosk"
check "the directory is private to the server's owner" -- \
    test "$(stat -c %a "$PG_DIR")" = 700
check "the socket is in it" -- test -S "$PG_DIR/.s.PGSQL.$PG_PORT"
check "select 1 over the socket" -- test "$(pg_psql -Atc 'select 1')" = 1
check "connected as prefkiosk to prefkiosk, by no network address" -- test \
    "$(pg_psql -Atc 'select current_user, current_database(), inet_server_addr() is null')" = \
    "prefkiosk|prefkiosk|t"
check "the hub's database is UTF-8" -- test "$(pg_psql -Atc \
    "select pg_encoding_to_char(encoding) from pg_database where datname = 'prefkiosk'")" = UTF8
check "the server listens on no address" -- \
    test "$(pg_psql -Atc 'show listen_addresses')" = ""

pid=$(pg_pid)
check "the postmaster listens on its socket, and on that alone (as /proc shows)" -- \
    test "$(unix_listening "$pid")" = "$PG_DIR/.s.PGSQL.$PG_PORT"
check "the postmaster listens on no TCP socket" -- test -z "$(tcp_listening "$pid")"
check "a TCP connection to its port fails" -- fails "$(pg__tool psql)" -X -w \
    -d "host=127.0.0.1 port=$PG_PORT dbname=prefkiosk user=prefkiosk" -c 'select 1'

case $(trap -p EXIT) in
*pg_cleanup*'rm -rf "$WORK"'*) trapped=0 ;;
*) trapped=1 ;;
esac
report "$trapped" "the EXIT trap cleans the cluster, then lib's directory"

check "a table is made and a row committed" -- \
    pg_psql -c 'create table kept (v text)' -c "insert into kept values ('before the kill')"
pg_dump_hub "$WORK/hub.sql"
report $? "pg_dump_hub dumps the hub"
check "the dump has the table" -- grep -q '^CREATE TABLE public.kept ' "$WORK/hub.sql"
check "and its row" -- grep -qx 'before the kill' "$WORK/hub.sql"

# A second suite at once: its own cluster, on the same port number, while this one runs.
"$BASH" -c '. "$1"; pg_start && pg_psql -Atc "show unix_socket_directories" &&
    pg_psql -Atc "select 1"' _ "$TOP/tests/hub/pg.inc" >"$OUT" 2>"$ERR"
report $? "a second cluster starts and answers while the first runs"
other=$(head -n 1 "$OUT")
check "in a directory of its own" -- test -n "$other" -a "$other" != "$PG_DIR"
check "and its shell's exit took all of it away" -- gone "$other"
check "the first still answers" -- test "$(pg_psql -Atc 'select count(*) from kept')" = 1

# The hub goes away.
pg_kill
report $? "pg_kill stops the server at once"
check "the postmaster is gone" -- exited "$pid"
check "its socket is gone" -- test ! -e "$PG_DIR/.s.PGSQL.$PG_PORT"
check "a connection fails" -- fails pg_psql -Atc 'select 1'

pg_restart
report $? "pg_restart starts it again"
check "on the same socket" -- test "$(pg_psql -Atc 'select 1')" = 1
check "a new postmaster" -- test "$(pg_pid)" != "$pid"
check "the row committed before the kill survived it" -- \
    test "$(pg_psql -Atc 'select v from kept')" = "before the kill"
pg_stop
report $? "pg_stop stops it cleanly"
check "a connection fails" -- fails pg_psql -Atc 'select 1'
pg_restart
report $? "pg_restart starts it after pg_stop"
check "with the row" -- test "$(pg_psql -Atc 'select v from kept')" = "before the kill"
pid=$(pg_pid)
pg_restart
report $? "pg_restart of a running server restarts it"
check "under a new postmaster" -- test "$(pg_pid)" != "$pid"

# Everything of it goes with pg_cleanup: the postmaster, its children, the directory.
pid=$(pg_pid)
pg_psql -Atc 'select pg_sleep(600)' >/dev/null 2>&1 &
sleeper=$!
for i in $(seq 1 100); do
	[ "$(pg_psql -Atc "select count(*) from pg_stat_activity where query like 'select pg_sleep%'")" = 1 ] && break
	sleep 0.1
done
session=$(pg_psql -Atc "select pid from pg_stat_activity where query like 'select pg_sleep%'")
kids=$(pgrep -P "$pid" | tr '\n' ' ')
check "the postmaster has children, the session among them" -- \
    grep -qw -- "${session:-none}" <<<"$kids"
pg_cleanup
wait "$sleeper" 2>/dev/null
check "the directory is gone" -- test ! -e "$PG_DIR"
check "no process names it" -- fails pgrep -f -- "$PG_DIR"
check "the postmaster and all its children have exited" -- exited $pid $kids

# A server that does not stop (here, a postmaster stopped with SIGSTOP, which pg_ctl waits for
# in vain) is killed, children and all.
first=$PG_DIR
pg_start
report $? "pg_start after pg_cleanup makes a new cluster"
check "in a new directory" -- test "$PG_DIR" != "$first"
check "with one pg_cleanup in the EXIT trap still" -- \
    test "$(trap -p EXIT | grep -o pg_cleanup | wc -l)" = 1
pid=$(pg_pid)
kids=$(pgrep -P "$pid" | tr '\n' ' ')
kill -STOP "$pid"
pg_cleanup
check "a postmaster that does not stop is killed, with its children" -- exited $pid $kids
check "and its directory removed" -- test ! -e "$PG_DIR"

# A suite killed outright runs no trap: the watcher cleans up after it.
# (The braces keep the suite's own "Killed" off its stderr.)
{ "$BASH" -c '. "$1"; pg_start >/dev/null 2>&1 && echo "$PG_DIR"; kill -KILL $$' \
    _ "$TOP/tests/hub/pg.inc" >"$OUT" 2>"$ERR"; } 2>/dev/null
killed=$(head -n 1 "$OUT")
check "a suite killed with SIGKILL had started a cluster" -- test -n "$killed"
check "which is taken away after it" -- gone "$killed"
# And one stopped with SIGTERM runs its EXIT trap.
{ "$BASH" -c '. "$1"; pg_start >/dev/null 2>&1 && echo "$PG_DIR"; kill -TERM $$; sleep 60' \
    _ "$TOP/tests/hub/pg.inc" >"$OUT" 2>"$ERR"; } 2>/dev/null
termed=$(head -n 1 "$OUT")
check "a suite stopped with SIGTERM had started a cluster" -- test -n "$termed"
check "which its trap took away before it ended" -- test ! -e "$termed"
check "with the server" -- gone "$termed"
