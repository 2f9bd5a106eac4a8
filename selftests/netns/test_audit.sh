#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bgpshieldctl audit (docs/AUDIT.md) against live setups in lib.sh's
# namespaces: a good one (bgpshieldd running with MD5, GTSM and filters on
# a directly connected eBGP neighbor, an audit log with a logrotate file,
# the guard attached in enforce) where every check passes, a bad one
# (no MD5, no GTSM, no filters, guard in monitor and missing from an
# interface that carries a neighbor, a world-readable config with an
# inline password, no audit log, an established session on port 179 with
# an address that is not a neighbor) where each check's verdict is
# asserted, and one without a daemon (no pins, a root child under the pid
# file's process, a group-readable-and-writable secret file, TCP-AO).
#
# The logrotate folder is the test's own (--logrotate-dir): a test never
# writes /etc.
#
# Usage: test_audit.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
DUSER=bgpshield
# A neighbor on the attacker's link that no namespace has: the interface
# carries a configured neighbor, so the guard must be on it.
NB_ATKLINK=198.51.100.3

# --- helpers -------------------------------------------------------------------

a_paths() {
	CONF=$T_DIR/bgpshield.conf
	SOCK=$T_DIR/ctl.sock
	PIDF=$T_DIR/bgpshieldd.pid
	AUDIT=$T_DIR/audit.log
	LRDIR=$T_DIR/logrotate.d
	mkdir -p "$LRDIR"
}

need_tools() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	a_paths
}

# write_text FILE: stdin to FILE, mode 0600 (the daemon refuses a group-
# or world-writable config).
write_text() {
	(umask 077 && cat >"$1.new") && mv -f "$1.new" "$1"
}

# A process has ended (a zombie not yet reaped counts as ended).
gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ $st == Z* ]]
}

daemon_up() {
	kill -0 "$DPID" 2>/dev/null &&
		bounded 3 nsenter --net="/run/netns/$NS_EDGE" -- \
			"$CTL" -s "$SOCK" status >/dev/null 2>&1
}

daemon_start() {
	bg_start daemon nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -c "$CONF" -s "$SOCK" -p "$PIDF"
	DPID=$BG_PID
	wait_for 10 daemon_up ||
		die_test "bgpshieldd starts and answers on its socket" \
			"$(cat "$T_DIR/daemon.log")"
}

# audit [OPTIONS]: bgpshieldctl audit in the edge namespace with this
# test's files; stdout/stderr in audit.out/.err, exit code in AUDIT_RC.
run_audit() {
	capture audit bounded 20 nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" audit -c "$CONF" -s "$SOCK" --pin-dir "$PIN" \
		--pid-file "$PIDF" --logrotate-dir "$LRDIR" "$@"
	AUDIT_RC=$?
}

# verdict CHECK: the status of one check in audit.out (JSON array).
verdict() {
	"$PY" -c '
import json, sys
try:
    a = json.load(open(sys.argv[1]))
except ValueError:
    print("<error: not JSON>"); sys.exit()
for r in a:
    if r["check"] == sys.argv[2]:
        print(r["status"]); break
else:
    print("<missing>")
' "$T_DIR/audit.out" "$1"
}

detail() {
	"$PY" -c '
import json, sys
for r in json.load(open(sys.argv[1])):
    if r["check"] == sys.argv[2]:
        print(r["detail"], "|", r["fix"])
' "$T_DIR/audit.out" "$1" 2>/dev/null
}

expect() { # CHECK STATUS [DETAIL-REGEX]
	check_eq "$1: $2" "$2" "$(verdict "$1")"
	[ $# -gt 2 ] && check_match "$1 names it" "$3" "$(detail "$1")"
	return 0
}

# Host-wide kernel settings the test cannot choose: PASS or WARN.
expect_host() { # CHECK
	check_match "$1: PASS or WARN (host setting)" '^(PASS|WARN)$' \
		"$(verdict "$1")"
}

# --- tests ---------------------------------------------------------------------

t_good() {
	need_tools
	ensure_user
	topo_setup || die_test "topology set up"
	printf 'md5 key of the good setup\n' | write_text "$T_DIR/peer.key"
	write_text "$CONF" <<EOF
log { audit $AUDIT; }
guard {
	interface veth-e0;
	pin-dir $PIN;
}
neighbor $PEER4 {
	description "directly connected eBGP";
	local-as 64500;
	peer-as 64501;
	ttl-security;
	md5-password-file peer.key;
	filter {
		import { reject-bogons; reject-default; }
		export { next-hop self; }
	}
}
EOF
	printf '%s {\n\tdaily\n\trotate 7\n}\n' "$AUDIT" |
		write_text "$LRDIR/bgpshield"
	daemon_start
	# The daemon learns the peer's MAC from the neighbour table: give it
	# an entry, as a session would.
	ip netns exec "$NS_EDGE" ping -c 1 -W 2 "$PEER4" >/dev/null 2>&1
	wait_for 5 bash -c "nsenter --net=/run/netns/$NS_EDGE -- \"$CTL\" \
		--pin-dir '$PIN' -j guard status | grep -q '\"mac_binding\":\"bound\"'" ||
		fail "the daemon learned the peer's MAC" \
			"$(nsenter --net="/run/netns/$NS_EDGE" -- "$CTL" --pin-dir "$PIN" guard status 2>&1)"

	run_audit -j
	log "$(out audit)"
	check_eq "exit status 0" 0 "$AUDIT_RC"
	local c
	for c in daemon-running engine-not-root config-file secret-files \
		neighbor-auth gtsm filters guard-maps guard-policy guard-binding \
		processes-not-root audit-log unexpected-sessions; do
		expect "$c" PASS
	done
	expect guard-attached PASS 'veth-e0'
	expect audit-log-rotated PASS "$LRDIR/bgpshield"
	expect secret-files PASS '1 secret file'
	expect gtsm PASS '1 directly connected'
	for c in kernel-tcp-ao unprivileged-bpf; do
		expect_host "$c"
	done
	# The sysctl is not visible in the edge namespace: the audit asks the
	# pinned program whether it was JIT-compiled.
	if [ "$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null)" = 1 ]; then
		expect bpf-jit PASS 'JIT-compiled'
	else
		expect_host bpf-jit
	fi
	check_eq "18 checks reported" 18 \
		"$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' \
			"$T_DIR/audit.out")"

	# The text form: one line per check, the same verdicts.
	run_audit
	check_eq "text: exit status 0" 0 "$AUDIT_RC"
	check_eq "text: 18 lines" 18 "$(out audit | grep -c '')"
	check_match "text: a PASS line per check" \
		'PASS guard-attached +attached on veth-e0' "$(out audit)"
	check_nomatch "text: no FAIL" '^FAIL' "$(out audit)"
}

t_bad() {
	need_tools
	ensure_user
	topo_setup || die_test "topology set up"
	# No log block, no GTSM, no filters; one neighbor with an inline
	# password, one without any; the guard in monitor and only on veth-e0
	# though veth-e1 carries a neighbor too.
	write_text "$CONF" <<EOF
guard {
	interface veth-e0;
	policy monitor;
	pin-dir $PIN;
}
neighbor $PEER4 {
	local-as 64500;
	peer-as 64501;
	md5-password "inline secret";
}
neighbor $NB_ATKLINK {
	local-as 64500;
	peer-as 64502;
}
EOF
	daemon_start
	# The daemon refuses such a file at start: made readable after.
	chmod 0644 "$CONF"

	# An established session on port 179 with an address that is not a
	# neighbor: the edge connected to a listener on the attacker.
	bg_start server ip netns exec "$NS_ATK" "$PY" "$NETTOOL" serve 179
	wait_for 5 bash -c "ip netns exec $NS_ATK ss -Hltn 'sport = :179' |
		grep -q ." || die_test "listener on the attacker"
	bg_start stream ip netns exec "$NS_EDGE" "$PY" "$NETTOOL" stream \
		"$ATK4" 179 --stop-file "$T_DIR/stop1" --interval 0.5
	STREAM1=$BG_PID
	wait_for 5 grep -qs connected "$T_DIR/stream.log" ||
		die_test "edge connected to $ATK4:179" "$(cat "$T_DIR/stream.log")"

	run_audit -j
	log "$(out audit)"
	check_eq "exit status 1" 1 "$AUDIT_RC"
	expect daemon-running PASS
	expect engine-not-root PASS
	expect config-file FAIL 'world-readable|readable'
	expect secret-files PASS '0 secret files'
	expect neighbor-auth WARN "$NB_ATKLINK"
	check_nomatch "neighbor-auth: the MD5 neighbor is not listed" \
		"$PEER4" "$(detail neighbor-auth)"
	expect gtsm WARN "$PEER4.*$NB_ATKLINK"
	expect filters WARN "$PEER4 \\(no import/export\\)"
	expect guard-maps PASS
	expect guard-attached FAIL 'veth-e1'
	check_nomatch "guard-attached: veth-e0 is not listed" 'veth-e0' \
		"$(detail guard-attached)"
	expect guard-policy WARN 'monitor'
	expect guard-binding PASS '^0 GTSM neighbors'
	expect processes-not-root PASS
	expect audit-log WARN
	expect audit-log-rotated WARN
	expect unexpected-sessions FAIL "$ATK4 \\(port 179\\)"

	run_audit
	check_eq "text: exit status 1" 1 "$AUDIT_RC"
	check_match "text: the session's FAIL line with its fix" \
		"FAIL unexpected-sessions +.*$ATK4.*; fix: " "$(out audit)"
	touch "$T_DIR/stop1"
	wait_for 5 gone "$STREAM1" || die_test "the first session ends"

	# The same session to a neighbor's address is expected: with the
	# attacker's address configured the check passes.
	sed -i "s/^neighbor $NB_ATKLINK /neighbor $ATK4 /" "$CONF"
	chmod 0600 "$CONF"
	bg_start stream2 ip netns exec "$NS_EDGE" "$PY" "$NETTOOL" stream \
		"$ATK4" 179 --stop-file "$T_DIR/stop2" --interval 0.5
	wait_for 5 grep -qs connected "$T_DIR/stream2.log" ||
		die_test "edge connected again" "$(cat "$T_DIR/stream2.log")"
	run_audit -j
	expect config-file PASS
	expect unexpected-sessions PASS '^1 established session'
	touch "$T_DIR/stop2"
}

t_no_daemon() {
	need_tools
	topo_setup || die_test "topology set up"
	printf 'ao key\n' | write_text "$T_DIR/peer.ao"
	chmod 0660 "$T_DIR/peer.ao"
	write_text "$CONF" <<EOF
guard { pin-dir $PIN; }
neighbor $PEER4 {
	local-as 64500;
	peer-as 64501;
	ttl-security;
	tcp-ao { password-file peer.ao; }
}
EOF
	# A stand-in for the daemon's parent with a child running as root.
	bg_start fakeparent bash -c 'sleep 60 & wait'
	echo "$BG_PID" >"$PIDF"
	wait_for 5 pgrep -P "$BG_PID" >/dev/null ||
		die_test "fake parent's child runs"

	run_audit -j
	log "$(out audit)"
	check_eq "exit status 1" 1 "$AUDIT_RC"
	expect daemon-running FAIL "$SOCK"
	expect engine-not-root WARN 'not checked'
	expect guard-maps FAIL 'not loaded'
	expect guard-attached FAIL
	expect guard-binding WARN 'not checked'
	expect secret-files FAIL 'peer.ao has mode 0660'
	expect config-file FAIL 'peer.ao'
	expect processes-not-root FAIL "pid $(pgrep -P "$BG_PID") \\(uid 0\\)"
	if [ "$(verdict kernel-tcp-ao)" = PASS ]; then
		expect neighbor-auth PASS
	else
		expect neighbor-auth FAIL 'no TCP-AO'
	fi
	# A config that is not there at all.
	capture missing bounded 20 nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" audit -c "$T_DIR/nonexistent.conf" -s "$SOCK" \
		--pin-dir "$PIN" --pid-file "$PIDF" --logrotate-dir "$LRDIR"
	check_eq "missing config: exit status 1" 1 $?
	check_match "missing config: config-file FAIL" \
		'FAIL config-file +.*nonexistent.conf' "$(out missing)"

	# Usage.
	capture help "$CTL" audit --help
	check_eq "--help: exit 0" 0 $?
	check_eq "--help lists all 18 checks" 18 \
		"$(out help | grep -cE '^  [a-z-]+ +.*')"
	capture usage "$CTL" audit extra
	check_eq "an argument: usage error, exit 2" 2 $?
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"good setup: every check passes, exit 0:t_good"
	"bad setup: each check's verdict, exit 1:t_bad"
	"no daemon, no guard, root child, loose secret file:t_no_daemon"
)

run_tests "$@"
