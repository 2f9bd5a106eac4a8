#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bgpshieldctl against a running bgpshieldd (lib.sh's topology, the daemon
# in the edge namespace): every show command's text and JSON, exit statuses
# (0 ok, 1 failure or no daemon, 2 usage), --help at every level, show
# events from the audit log, and the control socket's access split
# (control { group; change-group; }): clients that connect as an
# unprivileged user in and out of those groups (setpriv).
#
# Usage: test_ctl.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
DUSER=bgpshield
# Groups for the access split; created when missing, never removed (as
# the daemon's user).
G_RO=bgps-test-ro
G_RW=bgps-test-rw

# --- helpers -------------------------------------------------------------------

d_paths() {
	CONF=$T_DIR/bgpshield.conf
	SOCK=$T_DIR/ctl.sock
	PIDF=$T_DIR/bgpshieldd.pid
	AUDIT=$T_DIR/audit.log
}

need_tools() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	command -v pgrep >/dev/null || skip "pgrep not found"
	d_paths
}

ensure_group() {
	getent group "$1" >/dev/null && return 0
	groupadd --system "$1" || die_test "create group $1"
}

# write_conf FILE [TOP-LEVEL-TEXT]: two neighbors (GTSM on the IPv4 one,
# MD5 on the IPv6 one), the guard on the edge's links, and extra top-level
# text (a control block).
write_conf() {
	(
		umask 077
		{
			printf '# bgpshield netns selftest %s\n' "$RUN_ID"
			printf 'guard {\n\tinterface veth-e0 veth-e1;\n'
			printf '\tpin-dir %s;\n}\n' "$PIN"
			printf '\nneighbor %s {\n\tdescription "peer v4";\n' \
				"$PEER4"
			printf '\tlocal-as 64500;\n\tpeer-as 64501;\n'
			printf '\tttl-security;\n}\n'
			printf '\nneighbor %s {\n\tlocal-as 64500;\n' "$PEER6"
			printf '\tpeer-as 64502;\n\tmd5-password "s3cret";\n}\n'
			printf '%s\n' "${2:-}"
		} >"$1.new"
	) && mv -f "$1.new" "$1"
}

daemon_start() {
	bg_start daemon nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -c "$CONF" -s "$SOCK" -p "$PIDF" -a "$AUDIT"
	DPID=$BG_PID
	if ! wait_for 10 daemon_up; then
		die_test "bgpshieldd starts and answers on its socket" \
			"$(cat "$T_DIR/daemon.log")"
	fi
}

daemon_up() {
	kill -0 "$DPID" 2>/dev/null && [ -n "$(pgrep -P "$DPID")" ] &&
		bounded 3 "$CTL" -s "$SOCK" status >/dev/null 2>&1
}

daemon_setup() { # [TOP-LEVEL-TEXT]
	need_tools
	ensure_user
	topo_setup || die_test "topology set up"
	write_conf "$CONF" "${1:-}" || die_test "write the config"
	daemon_start
}

# bgpshieldctl on the test's socket (a unix socket: any namespace).
dctl() { bounded 20 "$CTL" -s "$SOCK" --pin-dir "$PIN" "$@"; }

is_json() { "$PY" -c 'import json, sys; json.loads(sys.argv[1])' "$1"; }

# py EXPR: EXPR evaluated with d = the JSON on stdin.
py() { "$PY" -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# As nobody with the given primary group and supplementary groups
# (comma-separated; "" none): what an operator's shell would be.
as_nobody() { # GID GROUPS CMD...
	local g=$1 groups=$2
	shift 2
	if [ -n "$groups" ]; then
		bounded 20 setpriv --reuid nobody --regid "$g" \
			--groups "$groups" "$@"
	else
		bounded 20 setpriv --reuid nobody --regid "$g" --clear-groups \
			"$@"
	fi
}

# --- tests -----------------------------------------------------------------------

t_show() {
	local a
	daemon_setup

	capture st dctl status
	check_eq "status exits 0" 0 "$?"
	check_match "status names the audit log" "audit log $AUDIT" "$(out st)"
	capture stj dctl status -j
	check_eq "status -j (after the command) exits 0" 0 "$?"
	check_eq "status -j: the audit path, no change-group" "$AUDIT None" \
		"$(out stj | py 'd["audit"], d["change_group"]')"

	capture nb dctl show neighbor
	check_eq "show neighbor exits 0" 0 "$?"
	check_match "the table has the AUTH and GTSM columns" \
		'NEIGHBOR .*AUTH +GTSM' "$(out nb)"
	check_match "$PEER6 with md5" "$PEER6 .* md5 +no " "$(out nb)"
	check_match "$PEER4 with GTSM" "$PEER4 .* none +yes " "$(out nb)"
	capture nbj dctl -j show neighbor
	check_eq "show neighbor -j exits 0" 0 "$?"
	check_eq "-j: md5/tcp_ao/gtsm per neighbor" \
		"$PEER4 False False True|$PEER6 True False False" \
		"$(out nbj | py '"|".join("%s %s %s %s" % (n["address"],
n["md5"], n["tcp_ao"], n["gtsm"]) for n in d)')"
	check_eq "-j: state, uptime, prefixes, last error are there" \
		"True" "$(out nbj | py 'all(k in d[0] for k in ("state",
"uptime_s", "prefixes_in", "prefixes_out", "last_error"))')"

	capture one dctl show neighbor "$PEER4"
	check_eq "show neighbor ADDR exits 0" 0 "$?"
	check_match "the detailed view names MD5/AO/GTSM" \
		'TCP-MD5 off, TCP-AO off, GTSM on \(min TTL 255\)' "$(out one)"
	check_nomatch "and only that neighbor" "$PEER6" "$(out one)"
	capture sum dctl show neighbor summary
	check_eq "show neighbor summary exits 0" 0 "$?"
	check_eq "summary: a header and one line per neighbor" 3 \
		"$(out sum | wc -l)"
	capture sumj dctl -j show neighbor "$PEER6" summary
	check_eq "show neighbor ADDR summary -j: that one" "1 $PEER6" \
		"$(out sumj | py 'len(d), d[0]["address"]')"
	capture sx dctl show frobnicate
	check_eq "show of something unknown: the daemon refuses, exit 1" 1 "$?"
	check_match "naming it" "unknown command 'show frobnicate'" "$(err sx)"
	capture nx dctl show neighbor 192.0.2.99
	check_eq "an unknown neighbor exits 1" 1 "$?"
	check_match "and says so" "no neighbor 192.0.2.99" "$(err nx)"

	capture ri dctl show rib in
	check_eq "show rib in (every neighbor) exits 0" 0 "$?"
	check_match "a section per neighbor" \
		"neighbor $PEER4 \\(Adj-RIB-In\\)" "$(out ri)"
	capture rij dctl -j show rib out
	check_eq "show rib out -j exits 0" 0 "$?"
	check_eq "-j: both neighbors, routes lists" "$PEER4 $PEER6 0 0" \
		"$(out rij | py '" ".join([n["neighbor"] for n in d] +
[str(len(n["routes"])) for n in d])')"
	capture rinj dctl -j show rib in neighbor "$PEER4" 10.0.0.0/8
	check_eq "show rib in neighbor ADDR PREFIX -j" "$PEER4 0" \
		"$(out rinj | py 'd["neighbor"], len(d["routes"])')"

	capture gd dctl show guard
	check_eq "show guard (daemon) exits 0" 0 "$?"
	check_match "shows the counters" 'not_allowed +[0-9]+' "$(out gd)"
	capture gdj dctl -j show guard
	check_eq "show guard -j: enforce, 2 interfaces" "enforce 2" \
		"$(out gdj | py 'd["mode"], d["interfaces"]')"

	capture mt dctl metrics
	check_eq "metrics exits 0" 0 "$?"
	check_match "Prometheus text with bgpshield_ names" \
		'^# (HELP|TYPE) bgpshield_' "$(out mt)"

	capture bg dctl -j show bogons
	check_eq "show bogons -j exits 0" 0 "$?"
	check "show bogons -j is JSON" is_json "$(out bg)"

	# events: the daemon's start is in the audit log
	capture ev dctl show events
	check_eq "show events exits 0" 0 "$?"
	check_match "it shows the start line" '^[0-9T:.-]+Z start ' "$(out ev)"
	capture evj dctl -j show events -n 1
	check_eq "show events -j -n 1: one JSON line" "1" \
		"$(out evj | wc -l)"
	check "and it is JSON" is_json "$(out evj)"
	# -f follows: a refused command while following shows up
	bg_start follow "$CTL" -s "$SOCK" show events -f -n 0
	a=$BG_PID
	sleep 0.5
	dctl show neighbor 192.0.2.98 >/dev/null 2>&1
	wait_for 5 grep -q control_refused "$T_DIR/follow.log"
	check_eq "show events -f prints a new line as it comes" 0 "$?"
	kill -INT "$a" 2>/dev/null
	wait_for 5 gone "$a"
	check_eq "and stops on Ctrl-C" 0 "$?"

	# the daemon gone: show guard from the pins, status fails with 1
	kill -TERM "$DPID"
	wait_for 10 gone "$DPID"
	capture gd2 dctl show guard
	check_eq "show guard without the daemon exits 0 (pins)" 0 "$?"
	check_match "read from the pins" "guard $PIN: policy enforce" \
		"$(out gd2)"
	capture ev2 dctl -c "$CONF" show events --file "$AUDIT" -n 2
	check_eq "show events --file without the daemon exits 0" 0 "$?"
	check_match "the stop is the last line" ' stop ' \
		"$(out ev2 | tail -n1)"
}

gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ $st == Z* ]]
}

t_exit_status() {
	local h
	need_tools
	capture un "$CTL" -s "$T_DIR/none.sock" status
	check_eq "no daemon: exit 1" 1 "$?"
	check_match "and the message says what to check" \
		"cannot reach bgpshieldd at $T_DIR/none.sock: .*is it running" \
		"$(err un)"
	capture un2 "$CTL" -s "$T_DIR/none.sock" -j show neighbor
	check_eq "no daemon, -j show neighbor: exit 1" 1 "$?"
	for h in "" "bogus" "show" "show rib" "show rib sideways" \
		"show neighbor not-an-address" "show neighbor a b c" \
		"neighbor 192.0.2.2" "neighbor 192.0.2.2 explode" \
		"status extra" "show events -n x" "guard" "guard bogus"; do
		# shellcheck disable=SC2086 # word splitting wanted
		capture us "$CTL" -s "$T_DIR/none.sock" $h
		check_eq "usage error '$h': exit 2" 2 "$?"
	done
	for h in "--help" "help" "show --help" "show neighbor --help" \
		"show rib --help" "show guard --help" "show events --help" \
		"show bogons --help" "status --help" "reload --help" \
		"metrics --help" "neighbor --help" "announce --help" \
		"withdraw --help" "guard --help" "guard status --help" \
		"guard nft --help" "guard flowspec --help" "keygen --help" \
		"audit --help" \
		"decode --help" "help show"; do
		# shellcheck disable=SC2086
		capture hp "$CTL" -s "$T_DIR/none.sock" $h
		check_eq "'$h' exits 0" 0 "$?"
		check_match "'$h' prints a usage line" '^Usage: ' "$(out hp)"
	done
	# decode --add-path FAMILY (RFC 7911): the NLRI carry path ids
	capture ap "$CTL" decode --add-path ipv4 \
		002d 02 0000 000e 40010100 400200 400304c0000201 \
		00000001 18 0a0000
	check_eq "decode --add-path ipv4: exit 0" 0 "$?"
	check_match "decode --add-path ipv4: the NLRI with its path id" \
		'"nlri": "10.0.0.0/24", "path-information": "0.0.0.1"' "$(out ap)"
	capture ap2 "$CTL" decode --add-path all --add-path ipv6 --text \
		002d 02 0000 000e 40010100 400200 400304c0000201 \
		00000001 18 0a0000
	check_match "decode --add-path all --text: the path id in the line" \
		'announced 10.0.0.0/24 path-information 0.0.0.1 next-hop' "$(out ap2)"
	capture ap3 "$CTL" decode --add-path ipv5 0017 02 0000 0000
	check_eq "decode --add-path ipv5: usage error, exit 2" 2 "$?"
	check_match "and it says what --add-path takes" \
		'--add-path takes ipv4, ipv6 or all' "$(err ap3)"
}

refused_audited() { # N: the audit log holds N permission refusals
	[ "$(grep -c '"control_refused".*permission denied' "$AUDIT")" = "$1" ]
}

t_access_split() {
	local ro rw
	ensure_group "$G_RO"
	ensure_group "$G_RW"
	ro=$(getent group "$G_RO" | cut -d: -f3)
	rw=$(getent group "$G_RW" | cut -d: -f3)
	daemon_setup "control {
	group $G_RO;
	change-group $G_RW;
}"
	# nobody must reach the socket in the test's folder
	chmod 0711 "$WORK_DIR" "$T_DIR"
	check_eq "the socket is 0660, group $G_RO" "660 $DUSER $G_RO" \
		"$(stat -c '%a %U %G' "$SOCK")"
	capture stj dctl -j status
	check_eq "status -j names the change-group" "$G_RW" \
		"$(out stj | py 'd["change_group"]')"

	capture n0 as_nobody nogroup "" "$CTL" -s "$SOCK" status
	check_eq "outside both groups: cannot connect, exit 1" 1 "$?"
	check_match "permission denied on the socket" "Permission denied" \
		"$(err n0)"

	capture r1 as_nobody nogroup "$ro" "$CTL" -s "$SOCK" status
	check_eq "in $G_RO: status works" 0 "$?"
	capture r2 as_nobody nogroup "$ro" "$CTL" -s "$SOCK" -j show neighbor
	check_eq "in $G_RO: show neighbor works" 0 "$?"
	capture r3 as_nobody nogroup "$ro" "$CTL" -s "$SOCK" reload
	check_eq "in $G_RO: reload refused, exit 1" 1 "$?"
	check_match "permission denied, naming the group" \
		"permission denied: 'reload' needs membership of group $G_RW" \
		"$(err r3)"
	capture r4 as_nobody nogroup "$ro" "$CTL" -s "$SOCK" \
		neighbor "$PEER4" shutdown "maintenance"
	check_eq "in $G_RO: neighbor shutdown refused" 1 "$?"
	capture r5 as_nobody nogroup "$ro" "$CTL" -s "$SOCK" \
		announce route 203.0.113.0/24 next-hop self
	check_eq "in $G_RO: announce refused" 1 "$?"
	# the parent writes the audit line after the answer went out
	wait_for 5 refused_audited 3 || true
	check_eq "the refusals are audited" 3 \
		"$(grep -c '"control_refused".*permission denied' "$AUDIT")"

	capture w1 as_nobody nogroup "$ro,$rw" "$CTL" -s "$SOCK" reload
	check_eq "in $G_RW (supplementary): reload works" 0 "$?"
	capture w2 as_nobody "$rw" "$ro" "$CTL" -s "$SOCK" reload
	check_eq "$G_RW as the primary group: reload works" 0 "$?"
	capture w3 dctl reload
	check_eq "root: reload works" 0 "$?"
	capture w4 dctl neighbor "$PEER4" restart
	check_eq "root: neighbor restart works" 0 "$?"
}

t_no_split() {
	local ro
	ensure_group "$G_RO"
	ro=$(getent group "$G_RO" | cut -d: -f3)
	daemon_setup "control {
	group $G_RO;
}"
	chmod 0711 "$WORK_DIR" "$T_DIR"
	capture r1 as_nobody nogroup "$ro" "$CTL" -s "$SOCK" reload
	check_eq "without change-group, a client that connects may reload" \
		0 "$?"
}

# --- main ------------------------------------------------------------------------

lib_init
command -v setpriv >/dev/null || PREREQ_SKIP=${PREREQ_SKIP:-"setpriv not found"}

TESTS=(
	"show commands, text and JSON, events, no daemon:t_show"
	"exit statuses and --help at every level:t_exit_status"
	"control socket access split by change-group:t_access_split"
	"without change-group every client may change:t_no_split"
)

run_tests "$@"
