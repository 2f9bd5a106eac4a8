#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The daemon's binding of allowlist entries (user/guard/bind.c,
# docs/GUARD.md "Binding an entry to the peer"): bgpshieldd started in the
# edge namespace of lib.sh's topology, its pinned entries read with
# `bgpshieldctl guard status -j` while the kernel's routes, links and
# neighbour table change under it.
#
#   learn_mac     a directly connected GTSM neighbor's MAC is learned from
#                 the neighbour table; the peer changes its MAC and speaks:
#                 within 2 s the entry carries the new one, the audit log
#                 has guard_mac_change old -> new, a SYN from the old MAC
#                 is dropped as wrong_mac, one from the new passes; the MAC
#                 survives its neighbour entry's deletion and a reload
#   route_change  a /32 route moves the neighbor to a second link: the
#                 entry follows (guard_bind_change), its MAC follows the
#                 new link's neighbour entry, and back when the route goes
#   config        interface off / mac-binding off leave the entry unbound;
#                 a static interface binds to it (and to one that appears
#                 later); a neighbor without a route is "not bound yet";
#                 a reload switching a binding on binds it
#   ecmp_vlan     an ECMP route binds to every nexthop's device; a
#                 neighbor behind a VLAN device binds to it and its port
#   metrics       the binding counters and per-entry gauges
#
# Usage: test_bind.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
DUSER=bgpshield
NOROUTE4=203.0.113.9	# no route in any namespace
GW4=198.18.1.7		# routed through the peer as a gateway
ONLINK4=198.18.1.8	# routed "via itself onlink": directly connected
ECMP4=198.18.0.5	# routed over both edge links
ECMP6=2001:db8:ff::5	# the same over two IPv6 gateways
VLAN_EDGE4=10.100.0.1
VLAN_PEER4=10.100.0.2
BOND_EDGE4=10.200.0.1
BOND_PEER4=10.200.0.2
NEW_MAC=02:00:00:00:be:02

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

# write_conf NEIGHBOR-BLOCK...: the guard block and the given neighbor
# blocks, each "ADDR|AS|STATEMENTS" (STATEMENTS without braces).  Mode
# 0600 and by rename: the daemon refuses a group-writable config, and a
# reload must never read half a file.
write_conf() {
	local nb addr as body
	(
		umask 077
		{
			printf '# bgpshield netns selftest %s\n' "$RUN_ID"
			printf 'guard {\n\tinterface veth-e0 veth-e1;\n'
			printf '\tpin-dir %s;\n}\n' "$PIN"
			for nb in "$@"; do
				IFS='|' read -r addr as body <<<"$nb"
				printf '\nneighbor %s {\n\tlocal-as 64500;\n' \
					"$addr"
				printf '\tpeer-as %s;\n\t%s\n}\n' "$as" "$body"
			done
		} >"$CONF.new"
	) && mv -f "$CONF.new" "$CONF"
}

daemon_start() {
	bg_start daemon nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -c "$CONF" -s "$SOCK" -p "$PIDF" -a "$AUDIT"
	DPID=$BG_PID
	DLOG=$T_DIR/daemon.log
	wait_for 10 daemon_up ||
		die_test "bgpshieldd starts and answers on its socket" \
			"$(cat "$DLOG")"
}

daemon_up() {
	kill -0 "$DPID" 2>/dev/null && [ -n "$(pgrep -P "$DPID")" ] &&
		dctl 3 status >/dev/null 2>&1
}

dctl() { # SECONDS ARGS...: bgpshieldctl on the daemon's socket
	local t=$1
	shift
	bounded "$t" nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" -s "$SOCK" "$@"
}

daemon_setup() { # NEIGHBOR-BLOCK...
	need_tools
	ensure_user
	topo_setup || die_test "topology set up"
	write_conf "$@" || die_test "write the config"
	daemon_start
}

# entry ADDR FIELD: a field of the pinned allowlist entry of ADDR (guard
# status -j: interfaces, mac, iface_binding, mac_binding...), lists as
# sorted comma-separated values.
entry() {
	local j
	j=$(status_json) || {
		echo "<guard status failed: $j>"
		return 1
	}
	"$PY" -c '
import json, sys
d = json.loads(sys.argv[1])
e = [x for x in d.get("allowlist", []) if x.get("source") == sys.argv[2]]
if not e:
    print("<no entry %s>" % sys.argv[2]); sys.exit(1)
v = e[0].get(sys.argv[3])
print(",".join(sorted(v)) if isinstance(v, list) else
      "null" if v is None else str(v).lower() if isinstance(v, bool) else v)
' "$j" "$1" "$2"
}

entry_is() { [ "$(entry "$1" "$2")" = "$3" ]; } # ADDR FIELD EXPECTED

# wait_entry SECONDS DESC ADDR FIELD EXPECTED: passes when the field gets
# there within SECONDS.
wait_entry() {
	local secs=$1 desc=$2
	shift 2
	if wait_for "$secs" entry_is "$@"; then pass "$desc"; else
		fail "$desc" "$2 of $1: expected '$3', got '$(entry "$1" "$2")'"
	fi
}

mac_of() { # NS IFACE
	ip -n "$1" link show dev "$2" | awk '/link\/ether/ { print $2 }'
}

# Audit records of EVENT whose fields match every KEY=VALUE (values of
# lists compared as comma-separated).
audit_has() { # EVENT KEY=VALUE...
	[ -f "$AUDIT" ] || return 1
	"$PY" -c '
import json, sys
want = dict(a.split("=", 1) for a in sys.argv[3:])
def s(v):
    return ",".join(v) if isinstance(v, list) else str(v)
for l in open(sys.argv[1]):
    if not l.strip():
        continue
    e = json.loads(l)
    if e.get("event") == sys.argv[2] and \
       all(s(e.get(k)) == v for k, v in want.items()):
        sys.exit(0)
sys.exit(1)
' "$AUDIT" "$@"
}

audit_lines() { # EVENT: for a failure message
	grep "\"$1\"" "$AUDIT" 2>/dev/null | tail -n 5
}

# One UDP datagram from NS to ADDR (discard port): enough to make the
# sender resolve the address (ARP, neighbour solicitation).
poke() { # NS ADDR
	in_ns "$1" "$PY" -c '
import socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET,
                  socket.SOCK_DGRAM)
s.sendto(b"x", (a, 9))
' "$2"
}

# The peer talks to the edge with a fresh ARP request (or neighbour
# solicitation: its entry for the edge flushed first), so the edge's entry
# for it takes the sender MAC the request carries.
peer_speaks() { # [PEER-IFACE EDGE-ADDR]
	ip -n "$NS_PEER" neigh flush dev "${1:-veth-p0}" >/dev/null 2>&1
	poke "$NS_PEER" "${2:-$EDGE4_P}"
}

# Hand-built SYNs with the peer's address and TTL 255 from IFACE in the
# peer's namespace (its MAC is the frame's source).
peer_syns() { # IFACE COUNT
	in_ns "$NS_PEER" "$PY" "$NETTOOL" syn --iface "$1" \
		--dst-mac "$(edge_mac veth-e0)" --dst "$EDGE4_P" \
		--src "$PEER4" --ttl 255 --count "$2" >/dev/null
}

delta() {
	if is_int "$1" && is_int "$2"; then echo $(($2 - $1)); else
		echo "not-a-number($1 -> $2)"
	fi
}

# A second link between edge and peer: veth-e2 <-> veth-p2.
link_second() {
	ip -n "$NS_EDGE" link add veth-e2 type veth peer name veth-p2 \
		netns "$NS_PEER" &&
		ip -n "$NS_EDGE" addr add 192.0.2.129/32 dev veth-e2 &&
		ip -n "$NS_EDGE" link set veth-e2 up &&
		ip -n "$NS_PEER" link set veth-p2 up &&
		ip -n "$NS_PEER" route add 192.0.2.129/32 dev veth-p2
}

# --- tests ------------------------------------------------------------------

t_learn_mac() {
	local old wm0 wm1 wm2 pass0 pass1
	daemon_setup "$PEER4|64501|ttl-security;" "$PEER6|64502|ttl-security;"
	old=$(mac_of "$NS_PEER" veth-p0)
	peer_speaks
	wait_entry 5 "the neighbor's entry learns the peer's MAC $old" \
		"$PEER4" mac "$old"
	check_eq "the entry is bound to the route's interface" "veth-e0" \
		"$(entry "$PEER4" interfaces)"
	check_eq "interface binding: bound" bound \
		"$(entry "$PEER4" iface_binding)"
	peer_speaks veth-p0 "$EDGE6_P"
	wait_entry 5 "the IPv6 neighbor's MAC is learned too" "$PEER6" mac \
		"$old"
	check "the first learn is audited (old none)" \
		audit_has guard_mac_change peer="$PEER4" old=none new="$old" \
		interface=veth-e0

	# The peer's MAC changes (a new line card): it speaks, we follow.
	ip -n "$NS_PEER" link set dev veth-p0 address "$NEW_MAC" ||
		die_test "change the peer's MAC"
	peer_speaks
	wait_entry 2 "within 2 s the entry carries the new MAC $NEW_MAC" \
		"$PEER4" mac "$NEW_MAC"
	if audit_has guard_mac_change peer="$PEER4" old="$old" new="$NEW_MAC" \
		interface=veth-e0; then
		pass "audit: guard_mac_change $old -> $NEW_MAC on veth-e0"
	else
		fail "audit: guard_mac_change $old -> $NEW_MAC on veth-e0" \
			"$(audit_lines guard_mac_change)"
	fi
	check_match "the daemon logged the change" "MAC $old -> $NEW_MAC" \
		"$(cat "$DLOG")"

	# A frame from the old MAC: a macvlan on the peer's port wearing it,
	# mute (no ARP, no IPv6): answering the edge's ARP for the peer's
	# address from there would move the neighbour entry to it.
	{ ip -n "$NS_PEER" link add mv-old link veth-p0 address "$old" \
		type macvlan mode private &&
		ip -n "$NS_PEER" link set mv-old arp off &&
		ip netns exec "$NS_PEER" sysctl -qw \
			net.ipv6.conf.mv-old.disable_ipv6=1 &&
		ip -n "$NS_PEER" link set mv-old up; } ||
		die_test "macvlan with the old MAC in the peer namespace"
	wm0=$(counter wrong_mac)
	pass0=$(counter passed)
	peer_syns veth-p0 3
	wm1=$(counter wrong_mac)
	pass1=$(counter passed)
	check_eq "3 SYNs from the new MAC: none wrong_mac" 0 \
		"$(delta "$wm0" "$wm1")"
	check_ge "... and they passed" "$(delta "$pass0" "$pass1")" 3
	peer_syns mv-old 5
	wm2=$(counter wrong_mac)
	check_eq "5 SYNs from the old MAC $old: 5 dropped as wrong_mac" 5 \
		"$(delta "$wm1" "$wm2")"
	check_eq "the entry still carries the new MAC" "$NEW_MAC" \
		"$(entry "$PEER4" mac)"

	# All of this happened after the parent dropped its capabilities:
	# rtnetlink needs none, the map writes use fds opened before.
	local caps
	command -v capsh >/dev/null &&
		caps=$(capsh --decode="$(awk '$1 == "CapEff:" { print $2 }' \
		"/proc/$DPID/status")" 2>&1)
	if [ -n "${caps:-}" ]; then
		check_match "the parent keeps cap_bpf" "cap_bpf" "$caps"
		check_nomatch "... but no longer cap_sys_admin" \
			"cap_sys_admin" "$caps"
	fi

	# The entry is deleted (or fails): the MAC stays.
	ip -n "$NS_EDGE" neigh del "$PEER4" dev veth-e0 2>/dev/null
	sleep 1
	check_eq "a deleted / failed neighbour entry keeps the MAC" \
		"$NEW_MAC" "$(entry "$PEER4" mac)"
	capture reload dctl 10 reload || fail "reload" "$(err reload)"
	sleep 0.5
	check_eq "a reload keeps the learned MAC" "$NEW_MAC" \
		"$(entry "$PEER4" mac)"
}

t_route_change() {
	local p2mac
	daemon_setup "$PEER4|64501|ttl-security;"
	link_second || die_test "second link edge-peer"
	p2mac=$(mac_of "$NS_PEER" veth-p2)
	wait_entry 5 "bound to veth-e0 first" "$PEER4" interfaces veth-e0
	check_eq "no rebind yet" 0 \
		"$(dctl 5 metrics | awk '$1 == "bgpshield_guard_rebinds_total" { print $2 }')"

	ip -n "$NS_EDGE" route replace "$PEER4/32" dev veth-e2 ||
		die_test "route $PEER4/32 via veth-e2"
	wait_entry 4 "the entry follows the /32 to veth-e2" "$PEER4" \
		interfaces veth-e2
	if audit_has guard_bind_change peer="$PEER4" old=veth-e0 new=veth-e2
	then
		pass "audit: guard_bind_change veth-e0 -> veth-e2"
	else
		fail "audit: guard_bind_change veth-e0 -> veth-e2" \
			"$(audit_lines guard_bind_change)"
	fi
	check_match "the daemon logged the rebind" \
		"interfaces veth-e0 -> veth-e2" "$(cat "$DLOG")"
	# The edge reaches the peer over veth-e2 now: the neighbour entry
	# there is the peer's other port.
	poke "$NS_EDGE" "$PEER4"
	wait_entry 3 "the MAC follows to veth-p2's $p2mac" "$PEER4" mac \
		"$p2mac"
	check "audit: guard_mac_change on veth-e2" \
		audit_has guard_mac_change peer="$PEER4" new="$p2mac" \
		interface=veth-e2

	ip -n "$NS_EDGE" route del "$PEER4/32" dev veth-e2 ||
		die_test "remove the /32"
	wait_entry 4 "back to veth-e0 when the /32 goes" "$PEER4" \
		interfaces veth-e0
	check_eq "rebinds counted" 2 \
		"$(dctl 5 metrics | awk '$1 == "bgpshield_guard_rebinds_total" { print $2 }')"

	# A link going down takes the connected route: the binding stays.
	ip -n "$NS_EDGE" link set veth-e0 down
	sleep 1.5
	check_eq "no route (link down): the entry keeps veth-e0" veth-e0 \
		"$(entry "$PEER4" interfaces)"
	check_match "... and says why in the log" \
		"binding $PEER4: no route .*keeping its interfaces" \
		"$(cat "$DLOG")"
	ip -n "$NS_EDGE" link set veth-e0 up
}

t_config() {
	daemon_setup "$PEER4|64501|ttl-security; guard { interface off; mac-binding off; }" \
		"$PEER6|64502|guard { interface veth-e1; }" \
		"$NOROUTE4|64503|ttl-security;" \
		"192.0.2.7|64504|guard { interface dummy-late; }" \
		"$GW4|64505|ttl-security;" "$ONLINK4|64506|ttl-security;"
	check_eq "interface off: unbound" "off" \
		"$(entry "$PEER4" iface_binding)"
	check_eq "mac-binding off: unbound" "off" \
		"$(entry "$PEER4" mac_binding)"
	check_eq "interface off: no interfaces" "" \
		"$(entry "$PEER4" interfaces)"
	check_eq "static 'interface veth-e1' binds there (not the route's)" \
		"veth-e1" "$(entry "$PEER6" interfaces)"
	check_eq "no ttl-security: no MAC binding by default" "off" \
		"$(entry "$PEER6" mac_binding)"
	check_eq "no route: interface not bound yet" "pending" \
		"$(entry "$NOROUTE4" iface_binding)"
	check_eq "no route: MAC not learned yet" "pending" \
		"$(entry "$NOROUTE4" mac_binding)"
	check_match "guard status says 'not bound yet'" \
		"$NOROUTE4 .*iface not bound yet" "$(ctl guard status)"
	check_match "the log says why" \
		"binding $NOROUTE4: no route .*not bound to an interface yet" \
		"$(cat "$DLOG")"
	check_eq "a static interface that does not exist: pending" "pending" \
		"$(entry 192.0.2.7 iface_binding)"
	ip -n "$NS_EDGE" link add dummy-late type veth peer name dl-peer ||
		die_test "add dummy-late"
	wait_entry 4 "... bound once it appears" 192.0.2.7 interfaces \
		dummy-late

	# Through a gateway: the route's device, but no MAC (its frames
	# carry the router's).
	{ ip -n "$NS_EDGE" route add "$GW4/32" via "$PEER4" &&
		ip -n "$NS_EDGE" route add "$ONLINK4/32" via "$ONLINK4" \
			dev veth-e0 onlink; } || die_test "routes to $GW4, $ONLINK4"
	wait_entry 4 "a route through a gateway binds its device" "$GW4" \
		interfaces veth-e0
	check_match "... and the log says why it is not MAC-bound" \
		"binding $GW4: mac-binding learn needs a directly connected peer, and the route goes through a gateway" \
		"$(cat "$DLOG")"
	wait_entry 4 "'via itself onlink' binds its device" "$ONLINK4" \
		interfaces veth-e0
	check_nomatch "... and counts as directly connected" \
		"binding $ONLINK4: mac-binding learn needs" "$(cat "$DLOG")"

	# Reload: the binding switched on for $PEER4.
	write_conf "$PEER4|64501|ttl-security;" \
		"$PEER6|64502|guard { interface veth-e1; }" \
		"$NOROUTE4|64503|ttl-security;" ||
		die_test "rewrite the config"
	peer_speaks
	capture reload dctl 10 reload || fail "reload" "$(err reload)"
	wait_entry 3 "after the reload $PEER4 is bound to veth-e0" \
		"$PEER4" interfaces veth-e0
	wait_entry 3 "... and to the peer's MAC" "$PEER4" mac \
		"$(mac_of "$NS_PEER" veth-p0)"
}

t_ecmp_vlan() {
	daemon_setup "$ECMP4|64501|ttl-security;" \
		"$VLAN_PEER4|64502|ttl-security;" \
		"$BOND_PEER4|64503|ttl-security;" \
		"$ECMP6|64504|ttl-security;"
	check_eq "no route yet: pending" pending \
		"$(entry "$ECMP4" iface_binding)"
	ip -n "$NS_EDGE" route add "$ECMP4/32" nexthop dev veth-e0 \
		nexthop dev veth-e1 || die_test "ECMP route"
	wait_entry 4 "an ECMP route binds to both nexthops' devices" \
		"$ECMP4" interfaces "veth-e0,veth-e1"
	ip -n "$NS_EDGE" -6 route add "$ECMP6/128" \
		nexthop via "$PEER6" dev veth-e0 \
		nexthop via "$ATK6" dev veth-e1 || die_test "IPv6 ECMP route"
	wait_entry 4 "IPv6 ECMP through two gateways: both devices" "$ECMP6" \
		interfaces "veth-e0,veth-e1"
	check_eq "... and no MAC (gateways)" pending \
		"$(entry "$ECMP6" mac_binding)"
	# A VLAN device where the kernel has 8021q, else a macvlan: both are
	# stacked on veth-e0, where XDP sees their frames.
	if ip -n "$NS_EDGE" link add link veth-e0 name veth-e0.100 type vlan \
		id 100 2>/dev/null; then
		ip -n "$NS_PEER" link add link veth-p0 name veth-p0.100 \
			type vlan id 100 || die_test "peer's VLAN device"
		PEER_IF=veth-p0.100
	else
		log "no 8021q here: a macvlan stacked on veth-e0 instead"
		ip -n "$NS_EDGE" link add link veth-e0 name veth-e0.100 \
			type macvlan mode bridge || die_test "macvlan device"
		PEER_IF=veth-p0
	fi
	{ ip -n "$NS_EDGE" addr add "$VLAN_EDGE4/24" dev veth-e0.100 &&
		ip -n "$NS_EDGE" link set veth-e0.100 up; } ||
		die_test "stacked device veth-e0.100 up"
	wait_entry 4 "a neighbor behind a stacked device: it and its port" \
		"$VLAN_PEER4" interfaces "veth-e0,veth-e0.100"
	{ ip -n "$NS_PEER" addr add "$VLAN_PEER4/24" dev "$PEER_IF" &&
		ip -n "$NS_PEER" link set "$PEER_IF" up; } ||
		die_test "the peer's address on $PEER_IF"
	peer_speaks "$PEER_IF" "$VLAN_EDGE4"
	wait_entry 4 "the MAC behind it is learned" "$VLAN_PEER4" mac \
		"$(mac_of "$NS_PEER" veth-p0)"
	local wi0 wi1 pa0 pa1
	wi0=$(counter wrong_iface)
	pa0=$(counter passed)
	in_ns "$NS_PEER" "$PY" "$NETTOOL" connect "$VLAN_EDGE4" "$BGP_PORT" \
		--ttl 255 --timeout 2 >/dev/null 2>&1
	wi1=$(counter wrong_iface)
	pa1=$(counter passed)
	check_eq "a connect through it: no wrong_iface drop" 0 \
		"$(delta "$wi0" "$wi1")"
	check_ge "... its packets passed" "$(delta "$pa0" "$pa1")" 1

	# A bond: native XDP on it reports its ports' ifindexes.
	if ip -n "$NS_EDGE" link add bond-e type bond 2>/dev/null; then
		{ ip -n "$NS_EDGE" link add veth-b0 type veth peer \
			name veth-pb0 netns "$NS_PEER" &&
			ip -n "$NS_EDGE" link set veth-b0 master bond-e &&
			ip -n "$NS_EDGE" addr add "$BOND_EDGE4/24" dev bond-e &&
			ip -n "$NS_EDGE" link set bond-e up; } ||
			die_test "bond-e with port veth-b0"
		wait_entry 4 "a neighbor behind a bond: the bond and its port" \
			"$BOND_PEER4" interfaces "bond-e,veth-b0"
	else
		log "no bonding driver here: the bond case is not run"
	fi
}

t_metrics() {
	local m
	daemon_setup "$PEER4|64501|ttl-security;" "$NOROUTE4|64503|description unroutable;"
	peer_speaks
	wait_entry 5 "the MAC is learned" "$PEER4" mac \
		"$(mac_of "$NS_PEER" veth-p0)"
	m=$(dctl 5 metrics) || die_test "bgpshieldctl metrics"
	check_match "per-entry gauge: interface bound" \
		"bgpshield_guard_peer_bound\{source=\"$PEER4\",binding=\"interface\"\} 1" \
		"$m"
	check_match "per-entry gauge: MAC bound" \
		"bgpshield_guard_peer_bound\{source=\"$PEER4\",binding=\"mac\"\} 1" \
		"$m"
	check_match "per-entry gauge: pending interface is 0" \
		"bgpshield_guard_peer_bound\{source=\"$NOROUTE4\",binding=\"interface\"\} 0" \
		"$m"
	check_nomatch "no MAC gauge where the binding is off" \
		"source=\"$NOROUTE4\",binding=\"mac\"" "$m"
	check_match "mac changes counter" \
		"bgpshield_guard_mac_changes_total 0" "$m"
	check_match "failures counter counts the unroutable neighbor" \
		"bgpshield_guard_bind_failures_total [1-9]" "$m"
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"learned MAC follows the peer's change, old MAC dropped:t_learn_mac"
	"route change moves the entry's interface:t_route_change"
	"config: off, static, missing interface, no route, reload:t_config"
	"ECMP binds every nexthop, VLAN its port too:t_ecmp_vlan"
	"binding metrics:t_metrics"
)

run_tests "$@"
