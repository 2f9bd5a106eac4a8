# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared helpers for the network-namespace selftests.  A test script sources
# this, defines test functions and calls `run_test NAME FUNC` for each, then
# `finish`.  Every test gets fresh namespaces and its own pin folder, named
# from the script's PID, so parallel runs never collide and one test's state
# (counters, allowlist) never leaks into the next.
#
# A test body runs in a background subshell in its own process group: an
# `exit` (skip, failed precondition) ends only that test, and an interrupt
# can end everything it started by the group id.  Teardown runs in the
# parent, after the body and also after a kill, so nothing depends on the
# body reaching its end.
#
# Outcomes: a body exiting 0 with at least one assertion and none failed
# passes; 77 is skipped (the reason comes from `skip`); anything else fails.

set -u -o pipefail

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$LIB_DIR/../.." && pwd)
CTL=${BGPS_CTL:-$ROOT_DIR/build/bgpshieldctl}
NETTOOL=$LIB_DIR/nettool.py
PY=${PYTHON:-python3}

RUN_ID=$$
NS_PREFIX="bgpst$RUN_ID"
PIN_PREFIX="/sys/fs/bpf/bgps-test-$RUN_ID"
# Tests make their pin folders before the daemon would mount bpffs on a
# fresh machine: mount it first (as guard_load() does), quietly.
if [ "$(id -u)" = 0 ] && ! mountpoint -q /sys/fs/bpf 2>/dev/null; then
	mount -t bpf -o mode=0700 bpf /sys/fs/bpf 2>/dev/null || true
fi
WORK_DIR=""
TEST_SEQ=0
TEST_PID=""
T_PASS=0 T_FAIL=0 T_SKIP=0
# Set in the test subshell only.
A_PASS=0 A_FAIL=0

# --- output ----------------------------------------------------------------

log() { printf '    %s\n' "$*"; }

# --- assertions (in a test body) ------------------------------------------

pass() {
	A_PASS=$((A_PASS + 1))
	printf '  ok   - %s\n' "$1"
}

fail() {
	A_FAIL=$((A_FAIL + 1))
	printf '  FAIL - %s\n' "$1"
	[ $# -gt 1 ] && [ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/         /'
	return 0
}

# check DESC CMD...: passes when CMD exits 0.
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc" "command failed: $*"; fi
}

check_eq() { # DESC EXPECTED GOT
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1" "expected '$2', got '$3'"
	fi
}

check_ne() { # DESC UNEXPECTED GOT
	if [ "$2" != "$3" ]; then pass "$1"; else
		fail "$1" "got '$3', which it must not be"
	fi
}

is_int() { [[ $1 =~ ^-?[0-9]+$ ]]; }

check_ge() { # DESC GOT MIN
	if is_int "$2" && is_int "$3" && [ "$2" -ge "$3" ]; then
		pass "$1 ($2 >= $3)"
	else
		fail "$1" "expected at least $3, got '$2'"
	fi
}

check_le() { # DESC GOT MAX
	if is_int "$2" && is_int "$3" && [ "$2" -le "$3" ]; then
		pass "$1 ($2 <= $3)"
	else
		fail "$1" "expected at most $3, got '$2'"
	fi
}

check_match() { # DESC REGEX TEXT
	if [[ $3 =~ $2 ]]; then pass "$1"; else
		fail "$1" "'$2' not found in: $3"
	fi
}

check_nomatch() { # DESC REGEX TEXT
	if [[ $3 =~ $2 ]]; then fail "$1" "'$2' found in: $3"; else
		pass "$1"
	fi
}

# A precondition of the rest of the test failed: record it and stop this
# test (the subshell), so later steps do not pile up confusing failures.
die_test() {
	fail "$1" "${2:-}"
	exit 1
}

# Skip this test: exit code 77, with the reason for the report.
skip() {
	printf '%s\n' "$1" >"$T_DIR/skip_reason"
	exit 77
}

# --- commands -----------------------------------------------------------------

# Bounded command that stays in the test's process group (--foreground), so
# an interrupt reaches it with the rest of the test.
bounded() { # SECONDS CMD...
	local t=$1
	shift
	timeout --foreground -k 2 "$t" "$@"
}

# bgpshieldctl as the edge sees it: the edge's interfaces (nsenter --net,
# not `ip netns exec`, which would remount /sys and hide the host's bpffs
# where the pins live) and this test's own pin folder.
ctl() {
	bounded 20 nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" --pin-dir "$PIN" "$@"
}

# capture NAME CMD...: stdout and stderr to files in the test folder; the
# command's exit code is returned.  Read them with out/err NAME.
capture() {
	local name=$1
	shift
	"$@" >"$T_DIR/$name.out" 2>"$T_DIR/$name.err"
}
out() { cat "$T_DIR/$1.out"; }
err() { cat "$T_DIR/$1.err"; }

# Run in a namespace, bounded.
in_ns() { # NS CMD...
	local ns=$1
	shift
	bounded 30 ip netns exec "$ns" "$@"
}

json() { "$PY" "$NETTOOL" json "$@"; }

status_json() { ctl -j guard status; }

# status_get PATH...: fields of `guard status -j` (nettool.py json paths).
status_get() {
	local s
	s=$(status_json) || return 1
	printf '%s\n' "$s" | json "$@"
}

counter() { status_get "counters.$1"; }

# Poll CMD every 0.1 s for at most SECONDS; exit code 0 once it succeeds.
wait_for() { # SECONDS CMD...
	local deadline
	deadline=$(($(date +%s%N) + ${1%.*} * 1000000000))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s%N)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# Start a background process; its pid is recorded for teardown and left in
# BG_PID.  Output goes to $T_DIR/NAME.log.
bg_start() { # NAME CMD...
	local name=$1
	shift
	"$@" >"$T_DIR/$name.log" 2>&1 &
	BG_PID=$!
	echo "$BG_PID" >>"$T_DIR/pids"
}

# --- topology ---------------------------------------------------------------
#
#   peer (veth-p0) ---- (veth-e0) edge (veth-e1) ---- (veth-a0) attacker
#   192.0.2.2/24         192.0.2.1   198.51.100.1       198.51.100.2/24
#   2001:db8:1::2/64     ::1         2001:db8:2::1      2001:db8:2::2/64
#
# Documentation prefixes only (RFC 5737, RFC 3849), each link a subnet of
# its own, and no default routes: the peer is directly connected, so its
# TTL 255 arrives unchanged for GTSM, and nothing (not even a SYN-ACK to a
# spoofed source) can leave the namespaces.
PEER4=192.0.2.2
EDGE4_P=192.0.2.1
ATK4=198.51.100.2
EDGE4_A=198.51.100.1
PEER6=2001:db8:1::2
EDGE6_P=2001:db8:1::1
ATK6=2001:db8:2::2
EDGE6_A=2001:db8:2::1
BGP_PORT=179

ns_add() {
	ip netns add "$1" && ip -n "$1" link set lo up
}

# Attacker side link; also used to re-create it (hot-plug test).
link_attacker() {
	ip -n "$NS_EDGE" link add veth-e1 type veth peer name veth-a0 \
		netns "$NS_ATK" &&
		ip -n "$NS_EDGE" addr add "$EDGE4_A/24" dev veth-e1 &&
		ip -n "$NS_EDGE" addr add "$EDGE6_A/64" dev veth-e1 nodad &&
		ip -n "$NS_ATK" addr add "$ATK4/24" dev veth-a0 &&
		ip -n "$NS_ATK" addr add "$ATK6/64" dev veth-a0 nodad &&
		ip -n "$NS_EDGE" link set veth-e1 up &&
		ip -n "$NS_ATK" link set veth-a0 up
}

topo_setup() {
	ns_add "$NS_PEER" && ns_add "$NS_ATK" && ns_add "$NS_EDGE" || return 1
	# Created inside the namespaces: nothing ever appears on the host.
	ip -n "$NS_EDGE" link add veth-e0 type veth peer name veth-p0 \
		netns "$NS_PEER" &&
		ip -n "$NS_EDGE" addr add "$EDGE4_P/24" dev veth-e0 &&
		ip -n "$NS_EDGE" addr add "$EDGE6_P/64" dev veth-e0 nodad &&
		ip -n "$NS_PEER" addr add "$PEER4/24" dev veth-p0 &&
		ip -n "$NS_PEER" addr add "$PEER6/64" dev veth-p0 nodad &&
		ip -n "$NS_EDGE" link set veth-e0 up &&
		ip -n "$NS_PEER" link set veth-p0 up || return 1
	link_attacker || return 1
	# Spoofed sources must reach TCP if the guard lets them through, or
	# "the stack saw none" would prove nothing: no reverse-path filter.
	ip netns exec "$NS_EDGE" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.veth-e1.rp_filter=0 >/dev/null
}

# The edge's BGP port: a TCP echo server on 179, IPv4 and IPv6.
start_server() {
	bg_start server ip netns exec "$NS_EDGE" "$PY" "$NETTOOL" serve \
		"$BGP_PORT"
	# shellcheck disable=SC2034 # for the test scripts
	SERVER_PID=$BG_PID
	wait_for 5 server_listening
}

server_listening() {
	ip netns exec "$NS_EDGE" ss -Hltn "sport = :$BGP_PORT" | grep -q .
}

edge_mac() { ip netns exec "$NS_EDGE" cat "/sys/class/net/$1/address"; }

# connect_rc NS HOST [nettool options]: connect to HOST:179 from NS and
# exchange one message.  0 ok, 3 timed out, 4 refused (see nettool.py).
connect_rc() {
	local ns=$1 host=$2
	shift 2
	in_ns "$ns" "$PY" "$NETTOOL" connect "$host" "$BGP_PORT" \
		--timeout 2 "$@" >/dev/null 2>&1
}

rc_name() {
	case $1 in
	0) echo "0 (connected, echo answered)" ;;
	3) echo "3 (timed out)" ;;
	4) echo "4 (refused)" ;;
	*) echo "$1 (error)" ;;
	esac
}

expect_connect() { # DESC NS HOST [options]
	local desc=$1 rc
	shift
	connect_rc "$@"
	rc=$?
	check_eq "$desc" "$(rc_name 0)" "$(rc_name "$rc")"
}

# A dropped SYN makes the connect time out (a refusal would mean the SYN
# reached a TCP stack that answered).
expect_timeout() { # DESC NS HOST [options]
	local desc=$1 rc
	shift
	connect_rc "$@"
	rc=$?
	check_eq "$desc" "$(rc_name 3)" "$(rc_name "$rc")"
}

# Namespaces, server, the guard loaded with the peer's addresses allowed and
# attached to both edge links with the given attach options.
std_setup() { # [attach options]
	topo_setup || die_test "topology set up"
	start_server || die_test "echo server listens on the edge"
	capture load ctl guard load ||
		die_test "guard load" "$(err load)"
	capture allow4 ctl guard allow "$PEER4" ||
		die_test "allow $PEER4" "$(err allow4)"
	capture allow6 ctl guard allow "$PEER6" ||
		die_test "allow $PEER6" "$(err allow6)"
	capture attach ctl guard attach veth-e0 veth-e1 "$@" ||
		die_test "guard attach veth-e0 veth-e1 $*" "$(err attach)"
}

# --- names, teardown, run_test -----------------------------------------------

test_names() { # SEQ
	NS_PEER="$NS_PREFIX-$1-peer"
	NS_ATK="$NS_PREFIX-$1-atk"
	NS_EDGE="$NS_PREFIX-$1-edge"
	PIN="$PIN_PREFIX-$1"
	T_DIR="$WORK_DIR/t$1"
}

# Kill pids (ours: recorded or living in our namespaces), give them a
# moment, then insist.
kill_pids() {
	local p live=""
	for p in "$@"; do
		kill -TERM "$p" 2>/dev/null && live="$live $p"
	done
	[ -z "$live" ] && return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		local any=""
		for p in $live; do kill -0 "$p" 2>/dev/null && any=1; done
		[ -z "$any" ] && return 0
		sleep 0.1
	done
	for p in $live; do kill -KILL "$p" 2>/dev/null; done
	return 0
}

ns_teardown() { # NS
	[ -e "/run/netns/$1" ] || return 0
	# shellcheck disable=SC2046 # one pid per word
	kill_pids $(ip netns pids "$1" 2>/dev/null)
	ip netns del "$1" 2>/dev/null
}

# Undo one test's state: the processes it started, its guard (detached from
# inside the edge namespace, so the CLI cannot meet a host interface of the
# same name), its namespaces, its pins and files.
teardown_seq() { # SEQ
	local seq=$1
	test_names "$seq"
	if [ -f "$T_DIR/pids" ]; then
		# shellcheck disable=SC2046
		kill_pids $(cat "$T_DIR/pids")
	fi
	if [ -e "/run/netns/$NS_EDGE" ] && [ -d "$PIN" ]; then
		timeout -k 1 10 nsenter --net="/run/netns/$NS_EDGE" -- \
			"$CTL" --pin-dir "$PIN" guard unload >/dev/null 2>&1
	fi
	ns_teardown "$NS_PEER"
	ns_teardown "$NS_ATK"
	ns_teardown "$NS_EDGE"
	# Deleting the namespaces took the attachments with them; pins go
	# here whether or not unload could run.
	[ -e "$PIN" ] && rm -rf "$PIN"
	rm -rf "$T_DIR"
}

# Everything this run may have left: every test's state, and the run's
# temporary folder.  Runs on any exit.
cleanup_all() {
	local s n p
	# A second signal (run.sh passing on a Ctrl-C we also got) must not
	# cut the cleanup short: it is bounded, let it finish.
	trap '' INT TERM
	if [ -n "$TEST_PID" ] && kill -0 "$TEST_PID" 2>/dev/null; then
		kill -TERM -- "-$TEST_PID" 2>/dev/null
		wait "$TEST_PID" 2>/dev/null
	fi
	for ((s = 1; s <= TEST_SEQ; s++)); do teardown_seq "$s"; done
	# Belt and braces: anything with our prefix, whatever its number.
	for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $n in "$NS_PREFIX"-*) ns_teardown "$n" ;; esac
	done
	for p in "$PIN_PREFIX"-*; do [ -e "$p" ] && rm -rf "$p"; done
	[ -n "$WORK_DIR" ] && rm -rf "$WORK_DIR"
	return 0
}

on_signal() {
	local sig=$1
	trap '' INT TERM
	echo "interrupted (SIG$sig): cleaning up" >&2
	# The body's group still has its leader while we have not waited for
	# it, so the id is ours; TERM ends it and everything it started.
	if [ -n "$TEST_PID" ]; then
		kill -TERM -- "-$TEST_PID" 2>/dev/null
		wait "$TEST_PID" 2>/dev/null
		TEST_PID=""
	fi
	[ "$sig" = INT ] && exit 130
	exit 143
}

# Why every test would be skipped, if something the suite needs is missing.
PREREQ_SKIP=""

lib_init() {
	if [ "$(id -u)" != 0 ]; then
		PREREQ_SKIP="needs root (network namespaces, BPF)"
	elif [ ! -x "$CTL" ]; then
		PREREQ_SKIP="$CTL not built: run 'make' first"
	else
		local t
		for t in ip nsenter ss tc nstat timeout "$PY"; do
			command -v "$t" >/dev/null ||
				{ PREREQ_SKIP="'$t' not found" && break; }
		done
	fi
	WORK_DIR=$(mktemp -d "/tmp/bgps-netns-$RUN_ID.XXXXXX") || exit 1
	trap cleanup_all EXIT
	trap 'on_signal INT' INT
	trap 'on_signal TERM' TERM
}

# The body, in the subshell.
_test_main() {
	local func=$1 rc
	trap - INT TERM EXIT
	set +m
	cd "$T_DIR" || exit 1
	A_PASS=0 A_FAIL=0
	"$func"
	rc=$?
	[ "$rc" = 77 ] && exit 77
	[ "$rc" != 0 ] && fail "test body returned $rc"
	if [ "$A_FAIL" = 0 ] && [ "$A_PASS" = 0 ]; then
		fail "no assertion ran: a test that cannot fail proves nothing"
	fi
	[ "$A_FAIL" = 0 ]
}

# Append one result line for run.sh: STATUS<TAB>NAME<TAB>SECONDS<TAB>WHY
report() {
	[ -n "${BGPS_RESULTS:-}" ] &&
		printf '%s\t%s: %s\t%s\t%s\n' "$1" "${0##*/}" "$2" "$3" \
			"${4:-}" >>"$BGPS_RESULTS"
	return 0
}

run_test() { # NAME FUNC
	local name=$1 func=$2 rc start secs why=""
	TEST_SEQ=$((TEST_SEQ + 1))
	test_names "$TEST_SEQ"
	mkdir -p "$T_DIR"
	printf '=== %s\n' "$name"
	start=$EPOCHREALTIME
	if [ -n "$PREREQ_SKIP" ]; then
		rc=77
		echo "$PREREQ_SKIP" >"$T_DIR/skip_reason"
	else
		# Own process group (job control), see the header.
		set -m
		_test_main "$func" &
		TEST_PID=$!
		set +m
		wait "$TEST_PID"
		rc=$?
		TEST_PID=""
	fi
	[ -f "$T_DIR/skip_reason" ] && why=$(head -n1 "$T_DIR/skip_reason")
	teardown_seq "$TEST_SEQ"
	secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0)
		T_PASS=$((T_PASS + 1))
		printf 'PASS %s (%ss)\n' "$name" "$secs"
		report PASS "$name" "$secs"
		;;
	77)
		T_SKIP=$((T_SKIP + 1))
		printf 'SKIP %s: %s\n' "$name" "${why:-no reason given}"
		report SKIP "$name" "$secs" "${why:-no reason given}"
		;;
	*)
		T_FAIL=$((T_FAIL + 1))
		# 1 is a failed assertion, already explained; other codes
		# (a crash, a stray exit) are worth naming.
		[ "$rc" != 1 ] && why="body exited $rc"
		printf 'FAIL %s (%ss)%s\n' "$name" "$secs" "${why:+: $why}"
		report FAIL "$name" "$secs" "$why"
		;;
	esac
}

# The end of every suite: run each "NAME:FUNC" of the suite's TESTS array
# whose name or function contains one of the arguments (all of them
# without arguments), then finish.
run_tests() { # [FILTER...]
	local t name w want
	for t in "${TESTS[@]}"; do
		name=${t%:*}
		if [ $# -gt 0 ]; then
			want=""
			for w in "$@"; do
				[[ $name == *"$w"* || ${t##*:} == *"$w"* ]] && want=1
			done
			[ -z "$want" ] && continue
		fi
		run_test "$name" "${t##*:}"
	done
	finish
}

# Closing line when run alone (run.sh prints its own for the whole suite);
# the exit code says whether anything failed.
finish() {
	if [ -z "${BGPS_RESULTS:-}" ]; then
		if [ "$T_SKIP" -gt 0 ]; then
			echo "$T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
		else
			echo "$T_PASS passed, $T_FAIL failed"
		fi
	fi
	[ "$T_FAIL" = 0 ]
}

# --- shared by the daemon suites ----------------------------------------------

# The daemon's unprivileged user: created when missing (as `make install`
# does), never removed (other runs may be using it).
ensure_user() {
	id -u "$DUSER" >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --shell /usr/sbin/nologin "$DUSER" ||
		die_test "create user $DUSER"
}

# json_fields JSON FIELD...: one line per FIELD of the first object of a
# `bgpshieldctl -j show neighbor ADDR` answer: its value, "<missing>", or
# "<error: not JSON>".
json_fields() {
	local j=$1
	shift
	"$PY" -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
    e = d[0] if isinstance(d, list) and d else {}
except ValueError:
    e = None
for f in sys.argv[2:]:
    if e is None:
        print("<error: not JSON>")
    elif f not in e:
        print("<missing>")
    else:
        print(e[f])
' "$j" "$@"
}

# status_field a.b.c: a field of `bgpshieldctl -j status`, through the
# suite's own dctl (SECONDS ARGS...); "<missing>" / "<error: ...>" so that
# every comparison fails readably.
status_field() {
	local j
	j=$(dctl 3 -j status 2>&1) || {
		echo "<error: $j>"
		return 1
	}
	"$PY" -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
except ValueError:
    print("<error: not JSON>"); sys.exit(0)
for k in sys.argv[2].split("."):
    if not isinstance(d, dict) or k not in d:
        print("<missing>"); sys.exit(0)
    d = d[k]
print(d)
' "$j" "$1"
}
