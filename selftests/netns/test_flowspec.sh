#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Flowspec enforcement in the guard on real traffic (docs/GUARD.md
# "Flowspec enforcement"): the topology of lib.sh, the guard on the edge's
# two links with the peer allowed, rules put in with build/fs_apply (the
# parent does the same from the config's `flow { }` once it is parsed).
# The edge has no UDP listener: a datagram that passes the guard shows in
# the edge's UdpNoPorts, one the guard drops does not.
#
# Usage: test_flowspec.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

FS_APPLY=${BGPS_FS_APPLY:-$ROOT_DIR/build/fs_apply}

fs_apply() {
	bounded 20 "$FS_APPLY" "$PIN" "$@"
}

no_ports() {
	ip netns exec "$NS_EDGE" nstat -asz UdpNoPorts |
		awk '$1 == "UdpNoPorts" { print $2 }'
}

# udp_send NS DST PORT COUNT: COUNT datagrams, back to back.
udp_send() {
	in_ns "$1" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET,
                  socket.SOCK_DGRAM)
for _ in range(int(sys.argv[3])):
    s.sendto(b"x" * 64, (sys.argv[1], int(sys.argv[2])))
' "$2" "$3" "$4"
}

# rule_field ID FIELD: a counter of rule ID from `guard flowspec -j`.
rule_field() {
	ctl -j guard flowspec | json "rules[id=$1].$2"
}

t_flood_dropped_other_passes() {
	std_setup
	[ -x "$FS_APPLY" ] || skip "build/fs_apply missing (make test-netns)"
	check "rule applied" fs_apply \
		"dst=$EDGE4_A/32 proto=17 dport=9999 rate=0"
	local before after
	before=$(no_ports)
	udp_send "$NS_ATK" "$EDGE4_A" 9999 500
	sleep 0.3
	after=$(no_ports)
	check_eq "flood to the rule's port never reached UDP" 0 \
		$((after - before))
	check_eq "rule counted 500 drops" 500 "$(rule_field 0 dropped_packets)"
	check_eq "rule counted 500 matches" 500 \
		"$(rule_field 0 matched_packets)"
	before=$(no_ports)
	udp_send "$NS_ATK" "$EDGE4_A" 9998 50
	sleep 0.3
	after=$(no_ports)
	check_eq "other port passes" 50 $((after - before))
	expect_connect "peer's BGP session still connects" "$NS_PEER" "$EDGE4_P"
	check "rules cleared" fs_apply
	before=$(no_ports)
	udp_send "$NS_ATK" "$EDGE4_A" 9999 20
	sleep 0.3
	after=$(no_ports)
	check_eq "after withdrawal the port is reached again" 20 \
		$((after - before))
	check_match "flowspec shows none" "none" "$(ctl guard flowspec)"
}

t_bgp_session_exempt() {
	std_setup
	[ -x "$FS_APPLY" ] || skip "build/fs_apply missing (make test-netns)"
	# every TCP packet, IPv4 and IPv6: the BGP session too, were it not
	# for the guard's verdict coming first
	check "drop-all-TCP rules applied" fs_apply "proto=6" "v6 proto=6"
	expect_connect "peer connects to port 179 (IPv4)" "$NS_PEER" "$EDGE4_P"
	expect_connect "peer connects to port 179 (IPv6)" "$NS_PEER" "$EDGE6_P"
	expect_timeout "attacker still dropped by the guard" "$NS_ATK" \
		"$EDGE4_A"
	check_eq "flowspec never saw port-179 traffic" 0 \
		"$(rule_field 0 matched_packets)"
	local rc
	in_ns "$NS_PEER" "$PY" "$NETTOOL" connect "$EDGE4_P" 8080 \
		--timeout 2 >/dev/null 2>&1
	rc=$?
	check_eq "the peer's TCP to another port is flowspec's" \
		"$(rc_name 3)" "$(rc_name "$rc")"
	check_ge "and counted" "$(rule_field 0 dropped_packets)" 1
}

t_rate_limit() {
	std_setup
	[ -x "$FS_APPLY" ] || skip "build/fs_apply missing (make test-netns)"
	check "rate-limit rule applied" fs_apply \
		"dst=$EDGE4_A/32 proto=17 dport=9997 pps=20"
	local before after passed
	before=$(no_ports)
	udp_send "$NS_ATK" "$EDGE4_A" 9997 400
	sleep 0.3
	after=$(no_ports)
	passed=$((after - before))
	# 20/s with 100 ms of burst: a handful pass in the fraction of a
	# second the burst takes
	check_ge "some datagrams pass" "$passed" 1
	check_le "most are dropped" "$passed" 40
	check_eq "drops + passes = matches" 400 \
		$(($(rule_field 0 dropped_packets) + passed))
}

t_limits_refused() {
	std_setup
	[ -x "$FS_APPLY" ] || skip "build/fs_apply missing (make test-netns)"
	check "one rule applied" fs_apply "dst=$EDGE4_A/32 proto=17 dport=1"
	local args=() i
	for i in $(seq 1 17); do
		args+=("dst=$EDGE4_A/32 proto=17 dport=$i")
	done
	capture refuse fs_apply "${args[@]}"
	check_ne "17 rules on one destination refused" 0 $?
	check_match "the error names the limit" "at most 16 per destination" \
		"$(err refuse)"
	check_match "the rule in force stays" "destination-port =1 then" \
		"$(ctl guard flowspec)"
}

TESTS=(
	"UDP flood matching a rule dropped, other traffic passes:t_flood_dropped_other_passes"
	"allowed peer's port-179 traffic never meets flowspec:t_bgp_session_exempt"
	"traffic-rate packets limits a flood:t_rate_limit"
	"beyond the limits: refused, rules in force stay:t_limits_refused"
)

run_tests "$@"
