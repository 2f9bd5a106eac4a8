#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Interop: bgpshieldd against real BGP speakers from Debian's packages,
# BIRD 2 (bird2), GoBGP (gobgpd) and, for RFC 8950, ExaBGP 4.2 (exabgp),
# each test in namespaces of its own; FRR 8.4 (frr) as a flowspec
# receiver.
#
#   bgpshieldd (veth-a) ---------------------------- (veth-b) bird / gobgpd
#   192.0.2.1/24, 2001:db8::1/64           192.0.2.2/24, 2001:db8::2/64
#   AS 65001, guard on veth-a              AS 65002
#
# Every session uses TCP-MD5 and GTSM: the peer sends TTL 255 ("ttl
# security on" / ttl-security ttl-min 255), which is what bgpshieldd's
# guard demands of a neighbor with ttl-security; without it the guard
# drops the peer's SYNs (the last test shows it does) and nothing about
# BGP could be tested.  That the established sockets are really signed is
# checked with ss (md5keys), and a wrong key must keep the session down.
#
# What each side announces is distinct and counted, so a mixed-up count
# shows: bgpshieldd 2 IPv4 routes (one with MED, communities and a large
# community) and 1 IPv6 route; the peer 3 IPv4 routes (one with MED,
# communities and a large community: BIRD's export filter, GoBGP's CLI)
# and 2 IPv6 routes (BIRD) or 1 (GoBGP).  bgpshieldd's routes are checked
# in the peer's own CLI (birdc, gobgp); the peer's in bgpshieldctl's
# prefixes_in and, route by route with their attributes, in its
# `show rib in neighbor ADDR` (JSON).
#
# Peer restart: in the IPv4 tests the peer daemon is SIGKILLed while
# established; bgpshieldd's neighbor must leave Established and drop the
# peer's routes, and after a restart be Established again (within 20 s)
# with the routes back both ways.
#
# RFC 8950: over the IPv6 session with both families, bgpshieldd's IPv4
# routes with IPv6 next hops (static and API) must reach BIRD with those
# next hops, and BIRD's IPv4 routes come back with its IPv6 address as next
# hop; toward a BIRD without "extended next hop" they are held back
# (audited once) while the IPv6 route still goes.  ExaBGP 4.2 (exabgp) as
# the peer checks the same in ExaBGP's own API JSON, capability 5 included.
#
# The passive side always starts first, so the active side's first
# attempt (1 s for BIRD's connect delay, 0.2 s for bgpshieldd) finds it
# listening and no test waits for a connect-retry timer.  Every wait is
# bounded; the whole file stays under ~3 minutes even when nothing
# establishes.
#
# ADD-PATH (RFC 7911): bgpshieldd with `add-path send/receive` announces 3
# paths of 2 prefixes (path-information 1 and 2 on 10.1.0.0/24, 0.0.0.7 on
# 10.1.1.0/24); BIRD (`add paths on;`, a second static protocol giving 2 of
# its prefixes a second route) sends 5 paths of 3 prefixes, GoBGP
# (add-paths receive, send-max 8; `gobgp global rib add ... identifier N`)
# 3 paths of 2 prefixes.  Counted on both sides; with BIRD not negotiating
# receive, bgpshieldd sends one path a prefix (2 routes).  IPv6 with BIRD:
# 2 paths of 2001:db8:1::/48 out, 3 paths of 2 prefixes in, one withdrawn.
# ExaBGP 4.2 (Debian package exabgp) takes bgpshieldd's 3 paths, and its
# JSON of each UPDATE equals `bgpshieldctl decode --add-path ipv4` of the
# same bytes; its 3 paths (path-information on static routes) come in.
#
# Flowspec (RFC 8955, RFC 8956): GoBGP both ways; BIRD 2 (flow4/flow6
# tables and channels on the IPv4 session; validation left off, its
# default) both ways: bgpshieldd's five config rules, every component
# type and every action between them, compared line by line with
# `birdc show route table flowtab4|flowtab6 all` (components and action
# communities), BIRD's six static rules with their communities compared
# component by component in bgpshieldd's API JSON (flows_in counted);
# rules of 240 octets and more (2-octet NLRI length) both ways;
# FRR 8.4's bgpd (Debian package frr, run alone: no zebra, nothing on
# the host) receives the same rules, compared with `show bgp
# ipv4|ipv6 flowspec detail json`; FRR cannot originate flowspec, so
# nothing comes back.  Withdrawals: an API rule announced and withdrawn,
# a config rule dropped by reload, BIRD's statics disabled.
#
# Usage: test_interop.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
DUSER=bgpshield
A4=192.0.2.1
B4=192.0.2.2
A6=2001:db8::1
B6=2001:db8::2
AS_A=65001
AS_B=65002
# A dead session shows within 9 s on either side.
HOLD=9
# Run-specific, so nothing printed could match a stale process.
KEY="interop-md5-$RUN_ID"
BADKEY="wrong-md5-$RUN_ID"
# Bounds (seconds): establish; routes after Established (UPDATEs follow
# at once, this is slack); how long a wrong key must keep it down.
T_UP=15
T_ROUTES=5
T_BADKEY=10
# BIRD's first SYN leaves 1 s after start, its retransmissions follow
# within seconds: 6 s sees several dropped.
T_NOGTSM=6

# What each side announces.  bgpshieldd's routes with attributes are
# A_ATTR4 (MED, communities, large community), 10.1.0.0/24 (ExaBGP's
# atomic-aggregate, aggregator, extended community and a generic
# attribute [ ]) and A_ROUTE6 (MED, one community); BIRD's are static blackholes, GoBGP's added by its CLI.
A_ROUTES4="10.1.0.0/24 10.1.1.0/24"
A_ATTR4=10.1.1.0/24
A_ROUTE6=2001:db8:1::/48
# bgpshieldd's Adj-RIB-Out as its `show rib out` must show it (as sent to
# an eBGP peer: next hop self, its AS prepended).
A_RIB4=(
	"10.1.0.0/24 nh=$A4 aspath=$AS_A"
	"$A_ATTR4 nh=$A4 aspath=$AS_A med=10 comm=$AS_A:1,$AS_A:2 large=$AS_A:1:2"
)
A_RIB6="$A_ROUTE6 nh=$A6 aspath=$AS_A med=20 comm=$AS_A:6"
B_ROUTES4="10.2.0.0/24 10.2.1.0/24 10.2.2.0/24"
# The peer's route with attributes (MED, two communities, a large
# community), set by BIRD's export filter or GoBGP's CLI; what bgpshieldd's
# `show rib in` must show of it and of the plain ones.
B_ATTR4=10.2.0.0/24
B_MED=30
B_RIB4=(
	"$B_ATTR4 nh=$B4 aspath=$AS_B med=$B_MED comm=$AS_B:1,$AS_B:2 large=$AS_B:1:2"
	"10.2.1.0/24 nh=$B4 aspath=$AS_B"
	"10.2.2.0/24 nh=$B4 aspath=$AS_B"
)
# GoBGP's IPv6 route (MED, one community), and bgpshieldd's view of it.
B_ROUTE6=2001:db8:2::/48
B_RIB6="$B_ROUTE6 nh=$B6 aspath=$AS_B med=40 comm=$AS_B:6"

# --- helpers -------------------------------------------------------------------

need_daemon() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	command -v pgrep >/dev/null || skip "pgrep not found"
}

need_bird() {
	need_daemon
	if ! command -v bird >/dev/null || ! command -v birdc >/dev/null; then
		skip "bird/birdc not found: make deps (Debian package bird2)"
	fi
}

need_gobgp() {
	need_daemon
	if ! command -v gobgpd >/dev/null || ! command -v gobgp >/dev/null; then
		skip "gobgpd/gobgp not found: make deps (Debian package gobgpd)"
	fi
}

# The engine's user; created once, never removed (as in test_bgp.sh).

# bgpshieldd lives in lib.sh's "edge" namespace and the peer in its "peer"
# one, so lib.sh's teardown ends their processes (bird and gobgpd too:
# recorded pids and whatever lives in the namespaces) and deletes them.
topo_interop() {
	ns_add "$NS_EDGE" && ns_add "$NS_PEER" || return 1
	# Created inside the namespaces: nothing appears on the host.  nodad:
	# the IPv6 addresses are usable at once.
	ip -n "$NS_EDGE" link add veth-a type veth peer name veth-b \
		netns "$NS_PEER" &&
		ip -n "$NS_EDGE" addr add "$A4/24" dev veth-a &&
		ip -n "$NS_EDGE" addr add "$A6/64" dev veth-a nodad &&
		ip -n "$NS_PEER" addr add "$B4/24" dev veth-b &&
		ip -n "$NS_PEER" addr add "$B6/64" dev veth-b nodad &&
		ip -n "$NS_EDGE" link set veth-a up &&
		ip -n "$NS_PEER" link set veth-b up
}

sock_a() { echo "$T_DIR/a.sock"; }
pin_a() { echo "$PIN/a"; }

# ADD-PATH: with SHIELD_AP set, the IPv4 neighbor says add-path
# send/receive and its statics are A_AP_STATICS (3 paths, 2 prefixes).
SHIELD_AP=
# set: the v4 neighbor has ipv4 flow and an API process recording events
SHIELD_FLOW=
# with SHIELD_FLOW: the v4 neighbor's flowspec block (default enforce;)
SHIELD_FLOW_ENF=
# set: an API process "detector" (FLOW_PDIR/detector.py) too
SHIELD_DETECTOR=
A_AP_STATICS="route 10.1.0.0/24 next-hop self path-information 1;
							route 10.1.0.0/24 next-hop self med 10 path-information 2;
							route 10.1.1.0/24 next-hop self path-information 0.0.0.7;"

# write_shield_conf MODE KEY FAMILY...: bgpshieldd's config, MODE active or
# passive, one neighbor per FAMILY (v4, v6), mode 0600 (inline password).
write_shield_conf() {
	local mode=$1 key=$2 passive f
	shift 2
	if [ "$mode" = passive ]; then passive="passive;"; else passive="passive false;"; fi
	local flow_api="" flow_cfg=""
	[ -n "$SHIELD_FLOW" ] &&
		flow_api="api { processes [ rec ]; receive { parsed; update; } }"
	# a rule of our own: sent to the peer and, with enforce, in the guard
	[ -n "$SHIELD_FLOW" ] &&
		flow_cfg="flowspec { ${SHIELD_FLOW_ENF:-enforce;} } flow { route block-dns { match { destination 10.8.0.0/24; protocol udp; destination-port =53; } then { discard; } } }"
	(
		umask 077
		{
			cat <<-EOF
				# bgpshield interop selftest $RUN_ID
				guard {
					interface veth-a;
					pin-dir $(pin_a);
				}
			EOF
			if [ -n "$SHIELD_FLOW" ]; then
				cat <<-EOF

					process rec {
						run /usr/bin/python3 $FLOW_PDIR/rec.py $FLOW_PDIR/events.json;
						encoder json;
					}
				EOF
			fi
			if [ -n "$SHIELD_DETECTOR" ]; then
				cat <<-EOF

					process detector {
						run /usr/bin/python3 $FLOW_PDIR/detector.py $FLOW_PDIR;
						encoder json;
					}
				EOF
			fi
			for f in "$@"; do
				if [ "$f" = v4 ] && [ -n "$SHIELD_AP" ]; then
					cat <<-EOF

						neighbor $B4 {
							description "interop-v4-addpath";
							router-id $A4;
							local-address $A4;
							local-as $AS_A;
							peer-as $AS_B;
							hold-time $HOLD;
							$passive
							md5-password "$key";
							ttl-security;
							family { ipv4 unicast; }
							capability { add-path send/receive; }
							static {
							$A_AP_STATICS
							}
						}
					EOF
				elif [ "$f" = v4 ]; then
					cat <<-EOF

						neighbor $B4 {
							description "interop-v4";
							router-id $A4;
							local-address $A4;
							local-as $AS_A;
							peer-as $AS_B;
							hold-time $HOLD;
							$passive
							md5-password "$key";
							ttl-security;
							family { ipv4 unicast; ${SHIELD_FLOW:+ipv4 flow; ipv6 flow;} }
							$flow_api
							${SHIELD_FLOW_CFG:-$flow_cfg}
							static {
								route 10.1.0.0/24 next-hop self atomic-aggregate aggregator ( $AS_A:$A4 ) extended-community [ target:$AS_A:7 ] attribute [ 0xf0 0xc0 0x0102 ];
								route $A_ATTR4 next-hop self med 10 community [ $AS_A:1 $AS_A:2 ] large-community [ $AS_A:1:2 ];
							}
						}
					EOF
				elif [ -n "$SHIELD_AP" ]; then
					cat <<-EOF

						neighbor $B6 {
							description "interop-v6-addpath";
							router-id $A4;
							local-address $A6;
							local-as $AS_A;
							peer-as $AS_B;
							hold-time $HOLD;
							$passive
							md5-password "$key";
							ttl-security;
							family { ipv6 unicast; }
							capability { add-path send/receive; }
							static {
								route $A_ROUTE6 next-hop self path-information 1;
								route $A_ROUTE6 next-hop self med 20 path-information 2;
							}
						}
					EOF
				else
					cat <<-EOF

						neighbor $B6 {
							description "interop-v6";
							router-id $A4;
							local-address $A6;
							local-as $AS_A;
							peer-as $AS_B;
							hold-time $HOLD;
							$passive
							md5-password "$key";
							ttl-security;
							family { ipv6 unicast; }
							static {
								route $A_ROUTE6 next-hop self med 20 community [ $AS_A:6 ];
							}
						}
					EOF
				fi
			done
		} >"$T_DIR/a.conf.new"
	) && mv -f "$T_DIR/a.conf.new" "$T_DIR/a.conf"
}

# bgpshieldctl on the daemon's control socket, from inside its namespace.
dctl() { # SECONDS ARGS...
	local t=$1
	shift
	bounded "$t" nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" -s "$(sock_a)" "$@"
}

# bgpshieldctl on the guard's pins.
gctl() {
	bounded 10 nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" --pin-dir "$(pin_a)" "$@"
}

# Up: the parent alive, its engine forked and answering.
daemon_up() {
	[ -n "${DPID:-}" ] && kill -0 "$DPID" 2>/dev/null &&
		[ -n "$(pgrep -P "$DPID" 2>/dev/null)" ] &&
		dctl 3 status >/dev/null 2>&1
}

# By nsenter, not `ip netns exec` (whose /sys remount would hide the
# host's bpffs and the pins).
daemon_start() {
	mkdir -p "$PIN" || die_test "create $PIN"
	bg_start daemon nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -v -c "$T_DIR/a.conf" -s "$(sock_a)" \
		-p "$T_DIR/a.pid" -a "$T_DIR/a.audit"
	DPID=$BG_PID
	wait_for 10 daemon_up ||
		die_test "bgpshieldd starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/daemon.log")"
}

# nb ADDR FIELD...: fields of `show neighbor ADDR` (JSON), one per line;
# "<missing>" / "<error: ...>" so that every comparison fails readably.
nb() {
	local addr=$1 j
	shift
	if ! j=$(dctl 3 -j show neighbor "$addr" 2>&1); then
		for _ in "$@"; do printf '<error: %s>\n' "$j" | head -n1; done
		return 1
	fi
	json_fields "$j" "$@"
}

established() { [ "$(nb "$1" state)" = established ]; } # ADDR
prefixes_in_is() { [ "$(nb "$1" prefixes_in)" = "$2" ]; } # ADDR N

# What a failure message shows of bgpshieldd's neighbor, with the lines
# its log has about it.
nb_why() { # ADDR
	local s p o e
	{
		read -r s
		read -r p
		read -r o
		IFS= read -r e
	} < <(nb "$1" state prefixes_in prefixes_out last_error)
	printf "bgpshieldd sees %s: state=%s prefixes_in=%s prefixes_out=%s last_error='%s'\n" \
		"$1" "$s" "$p" "$o" "$e"
	grep -F "neighbor $1:" "$T_DIR/daemon.log" 2>/dev/null | tail -n 4 |
		sed 's/^/  bgpshieldd log: /'
}

# Packets the guard passed for SOURCE's allowlist entry.
guard_packets() { # SOURCE
	gctl -j guard status 2>/dev/null |
		json "allowlist[source=$1].packets" 2>/dev/null
}

# The TCP-MD5 failures both namespaces' kernels counted.
md5_failures() {
	local ns n sum=0
	for ns in "$NS_EDGE" "$NS_PEER"; do
		n=$(ip netns exec "$ns" nstat -asz TcpExtTCPMD5Failure |
			awk '$1 == "TcpExtTCPMD5Failure" { print $2 }')
		is_int "$n" || {
			echo "unreadable($ns: '$n')"
			return
		}
		sum=$((sum + n))
	done
	echo "$sum"
}

# The established BGP socket in NS carries a TCP-MD5 key for PEER: proof
# that the session that came up is signed, not one that merely came up.
# (ss -e prints the key itself after "md5keys:ADDR/32=": never shown.)
md5_on_session() { # NS PEER
	ip netns exec "$1" ss -Htien state established \
		"( sport = :$BGP_PORT or dport = :$BGP_PORT )" 2>/dev/null |
		grep -q "md5keys:$2/"
}

expect_md5_both() { # PEER-ADDR (bgpshieldd's neighbor) LOCAL-ADDR
	check "bgpshieldd's established socket to $1 is TCP-MD5 signed (ss: md5keys)" \
		md5_on_session "$NS_EDGE" "$1"
	check "the peer's established socket to $2 is TCP-MD5 signed (ss: md5keys)" \
		md5_on_session "$NS_PEER" "$2"
}

# --- BIRD ------------------------------------------------------------------------

bird_sock() { echo "$T_DIR/bird.ctl"; }

# BIRD's GTSM; only the GTSM control test turns it off.
BIRD_GTSM=on
# ADD-PATH: "on" adds "add paths on;" to BIRD's channel and a second static
# protocol (10.2.0.0/24 and 10.2.1.0/24 again: two routes for each in
# BIRD's table, both exported with ADD-PATH); "routes" only the second
# protocol (BIRD without ADD-PATH).
BIRD_AP=
# set: flow4/flow6 tables, their static rules (sf4, sf6: B_FLOW4,
# B_FLOW6 with their action communities) and flow4/flow6 channels on the
# v4 session
BIRD_FLOW=

# write_bird_conf MODE KEY FAMILY...: BIRD's side, MODE active or passive
# (its own mode, the opposite of bgpshieldd's).  The timers are BIRD's
# defaults cut down (the founders' PEERS.md notes): otherwise a first failed attempt costs
# minutes.  "import all; export all;" because eBGP defaults to deny (RFC
# 8212).  Log to stderr: bg_start keeps it in bird.log, the source of the
# NOTIFICATIONs BIRD received or sent.
write_bird_conf() {
	local mode=$1 key=$2 passive f
	shift 2
	if [ "$mode" = passive ]; then passive="on"; else passive="off"; fi
	{
		cat <<-EOF
			# BIRD side of the bgpshield interop selftest $RUN_ID
			log stderr all;
			router id $B4;
			protocol device { }
			protocol static s4 {
				ipv4;
				route 10.2.0.0/24 blackhole;
				route 10.2.1.0/24 blackhole;
				route 10.2.2.0/24 blackhole;
			}
			protocol static s6 {
				ipv6;
				route 2001:db8:2::/48 blackhole;
				route 2001:db8:3::/48 blackhole;
			}
		EOF
		[ -n "$BIRD_AP" ] && cat <<-EOF
			protocol static s4b {
				ipv4;
				route 10.2.0.0/24 unreachable;
				route 10.2.1.0/24 unreachable;
			}
			protocol static s6b {
				ipv6;
				route 2001:db8:2::/48 unreachable;
			}
		EOF
		if [ -n "$BIRD_FLOW" ]; then
			echo "flow4 table flowtab4;"
			echo "flow6 table flowtab6;"
			echo "protocol static sf4 { flow4 { table flowtab4; };"
			printf '\t%s\n' "${B_FLOW4[@]}"
			echo "}"
			echo "protocol static sf6 { flow6 { table flowtab6; };"
			printf '\t%s\n' "${B_FLOW6[@]}"
			echo "}"
		fi
		for f in "$@"; do
			local me=$B4 peer=$A4 ch=ipv4 name=shield4 flowch=""
			local exp="export all;"
			if [ "$f" = v6 ]; then me=$B6 peer=$A6 ch=ipv6 name=shield6; fi
			# Attributes on one route, set on export (a MED set in
			# the export filter is one BIRD sends to an eBGP peer).
			[ "$f" = v4 ] && exp="export filter {
						if net = $B_ATTR4 then {
							bgp_med = $B_MED;
							bgp_community.add(($AS_B, 1));
							bgp_community.add(($AS_B, 2));
							bgp_large_community.add(($AS_B, 1, 2));
						}
						accept;
					};"
			[ "$f" = v4 ] && [ -n "$BIRD_FLOW" ] &&
				flowch="flow4 { table flowtab4; import all; export all; };
					flow6 { table flowtab6; import all; export all; };"
			cat <<-EOF
				protocol bgp $name {
					local $me as $AS_B;
					neighbor $peer as $AS_A;
					hold time $HOLD;
					password "$key";
					ttl security $BIRD_GTSM;
					passive $passive;
					connect delay time 1;
					connect retry time 5;
					error wait time 5, 30;
					$ch { import all; $exp ${BIRD_AP:+$([ "$BIRD_AP" = on ] && echo "add paths on;")} };
					$flowch
				}
			EOF
		done
	} >"$T_DIR/bird.conf"
	chmod 600 "$T_DIR/bird.conf"
}

birdc_() { bounded 5 birdc -s "$(bird_sock)" "$@"; }

bird_up() { birdc_ show status 2>/dev/null | grep -q "Daemon is up"; }

bird_start() {
	bg_start bird ip netns exec "$NS_PEER" bird -f -c "$T_DIR/bird.conf" \
		-s "$(bird_sock)" -P "$T_DIR/bird.pid"
	# ip netns exec execs bird: this is BIRD's own pid.
	BIRD_PID=$BG_PID
	wait_for 10 bird_up ||
		die_test "BIRD starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/bird.log")"
}

bird_proto() { birdc_ show protocols all "$1" 2>&1; } # PROTO

# bird_field PROTO LABEL: the value after "LABEL:" in `show protocols all`.
bird_field() {
	bird_proto "$1" | awk -v l="$2:" '
		{ sub(/^[ \t]+/, "") }
		index($0, l) == 1 { sub(l "[ \t]*", ""); print; exit }'
}

bird_established() { [ "$(bird_field "$1" "BGP state")" = Established ]; }

# The "N imported" of the protocol's Routes line.
bird_imported() { bird_field "$1" Routes | awk '{ print $1 }'; }
bird_imported_is() { [ "$(bird_imported "$1")" = "$2" ]; }

# What BIRD's CLI and log say about the session, for failure messages:
# its state, last error, and every NOTIFICATION it sent or received.
bird_why() { # PROTO
	bird_proto "$1" | grep -E 'BGP state|Last error|Neighbor (address|AS)|Routes:|^[a-z]' |
		sed 's/^[ \t]*/  birdc: /'
	grep -E "$1: (Received|Error|.*[Nn]otification)" "$T_DIR/bird.log" 2>/dev/null |
		tail -n 6 | sed 's/^/  bird log: /'
}

# expect_up4 WHAT WHY UP...: bgpshieldd's neighbor $B4 and the peer (UP...
# succeeds) both established within T_UP ("WHAT within Ns" passes), or
# the test ends with bgpshieldd's reasons and the peer's (WHY, a command
# line).
expect_up4() {
	local what=$1 why=$2
	shift 2
	if wait_for "$T_UP" established "$B4" && wait_for 3 "$@"; then
		pass "$what within ${T_UP}s"
	else
		# shellcheck disable=SC2086 # WHY is a command and its words
		die_test "$what within ${T_UP}s" "$(nb_why "$B4")
$($why)"
	fi
}
expect_bird_up4() { expect_up4 "$1" "bird_why shield4" bird_established shield4; }

# bird_route PREFIX: that route's block of `show route all PREFIX`, on one
# line (so one regex can check attributes).
bird_route() { birdc_ show route all "$1" 2>&1 | tr '\n\t' '  '; }

# --- GoBGP -----------------------------------------------------------------------

gobgp_api() { echo "unix://$T_DIR/api.sock"; }

# The family of the GoBGP test running: v4 or v6 (gobgp_start's routes,
# gobgp_nb's counters, gobgp_route's RIB).
GOBGP_FAM=v4
# set: GoBGP offers ipv4-flowspec too
GOBGP_FLOW=

# write_gobgp_conf MODE KEY [FAMILY]: GoBGP's side, IPv4 (default) or
# IPv6 (v6).  ttl-min 255 is GoBGP's GTSM: it also sends TTL 255 (IPv6: hop
# limit 255), which the guard asks of the neighbor.  connect-retry 5
# instead of 120 (the founders' PEERS.md notes).
write_gobgp_conf() {
	local mode=$1 key=$2 passive=false me=$B4 peer=$A4 afi=ipv4-unicast
	[ "$mode" = passive ] && passive=true
	if [ "${3:-v4}" = v6 ]; then me=$B6 peer=$A6 afi=ipv6-unicast; fi
	cat >"$T_DIR/gobgpd.toml" <<-EOF
		# GoBGP side of the bgpshield interop selftest $RUN_ID
		[global.config]
		  as = $AS_B
		  router-id = "$B4"
		  local-address-list = ["$me"]

		[[neighbors]]
		  [neighbors.config]
		    neighbor-address = "$peer"
		    peer-as = $AS_A
		    auth-password = "$key"
		  [neighbors.transport.config]
		    passive-mode = $passive
		    local-address = "$me"
		  [neighbors.timers.config]
		    connect-retry = 5
		    hold-time = $HOLD
		    keepalive-interval = 3
		  [neighbors.ttl-security.config]
		    enabled = true
		    ttl-min = 255
		  [[neighbors.afi-safis]]
		    [neighbors.afi-safis.config]
		      afi-safi-name = "$afi"
	EOF
	if [ -n "$GOBGP_FLOW" ]; then
		cat >>"$T_DIR/gobgpd.toml" <<-EOF
			  [[neighbors.afi-safis]]
			    [neighbors.afi-safis.config]
			      afi-safi-name = "ipv4-flowspec"
			  [[neighbors.afi-safis]]
			    [neighbors.afi-safis.config]
			      afi-safi-name = "ipv6-flowspec"
		EOF
	fi
	chmod 600 "$T_DIR/gobgpd.toml"
}

gobgp_() { bounded 5 gobgp --target "$(gobgp_api)" "$@"; }

gobgp_up() { gobgp_ global >/dev/null 2>&1; }

# Without --api-hosts gobgpd would listen on TCP 50051, without
# --pprof-disable on localhost:6060: both in the peer namespace only, but
# nothing should listen that the test does not use.
gobgp_start() {
	local p
	bg_start gobgpd ip netns exec "$NS_PEER" gobgpd -f "$T_DIR/gobgpd.toml" \
		-t toml --api-hosts "$(gobgp_api)" --pprof-disable -p
	GOBGP_PID=$BG_PID
	wait_for 10 gobgp_up ||
		die_test "gobgpd starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/gobgpd.log")"
	if [ "$GOBGP_FAM" = v6 ]; then
		# One IPv6 route with a MED and a community (B_RIB6).
		capture rib_add gobgp_ global rib -a ipv6 add "$B_ROUTE6" \
			nexthop "$B6" med 40 community "$AS_B:6" ||
			die_test "gobgp global rib -a ipv6 add $B_ROUTE6" "$(err rib_add)"
		return
	fi
	# Its routes, one CLI call each (three are cheap); the first with
	# the attributes of B_RIB4.
	for p in $B_ROUTES4; do
		if [ "$p" = "$B_ATTR4" ]; then
			capture rib_add gobgp_ global rib add -a ipv4 "$p" \
				med "$B_MED" community "$AS_B:1,$AS_B:2" \
				large-community "$AS_B:1:2"
		else
			capture rib_add gobgp_ global rib add -a ipv4 "$p"
		fi || die_test "gobgp global rib add $p" "$(err rib_add)"
	done
}

# gobgp_nb FIELD...: fields of the neighbor in `gobgp neighbor -j`:
# state (its session_state, by name), accepted and received
# (ipv4-unicast), eor (End-of-RIB received, true/false).
gobgp_nb() {
	local j
	if ! j=$(gobgp_ neighbor -j 2>&1); then
		for _ in "$@"; do printf '<error: %s>\n' "$j" | head -n1; done
		return 1
	fi
	"$PY" -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
    e = d[0] if isinstance(d, list) and d else {}
except ValueError:
    e = None
want_afi = 2 if sys.argv[2] == "v6" else 1
def afi(e, k):
    for a in e.get("afi_safis") or []:
        st = a.get("state") or {}
        if (st.get("family") or {}).get("afi") == want_afi:
            # GoBGP omits zero counters from its JSON
            return st.get(k, 0)
    return "<missing>"
for f in sys.argv[3:]:
    if e is None:
        print("<error: not JSON>")
    elif f == "state":
        # gobgp -j gives the apipb enum number; names as in its text output
        st = (e.get("state") or {}).get("session_state", "<missing>")
        names = ["unknown", "idle", "connect", "active", "opensent",
                 "openconfirm", "established"]
        if isinstance(st, int) and 0 <= st < len(names):
            st = names[st]
        print(str(st).lower())
    elif f == "eor":
        a = (e.get("afi_safis") or [{}])[0]
        print(str(((a.get("mp_graceful_restart") or {}).get("state") or {})
                  .get("end_of_rib_received", False)).lower())
    else:
        print(afi(e, f))
' "$j" "$GOBGP_FAM" "$@"
}

gobgp_established() { [ "$(gobgp_nb state)" = established ]; }
gobgp_accepted_is() { [ "$(gobgp_nb accepted)" = "$1" ]; }

gobgp_why() {
	local s a r
	{
		read -r s
		read -r a
		read -r r
	} < <(gobgp_nb state accepted received)
	printf '  gobgp neighbor -j: session_state=%s accepted=%s received=%s\n' \
		"$s" "$a" "$r"
	grep -iE 'notification|error|fsm|closed' "$T_DIR/gobgpd.log" 2>/dev/null |
		tail -n 6 | sed 's/^/  gobgpd log: /'
}

# gobgp_route PREFIX: that prefix's paths in `gobgp global rib -j`, as
# "nexthop=... med=... communities=... large=... aspath=..." (GoBGP gives
# communities as 32-bit numbers: ASN << 16 | value).
gobgp_route() {
	local a=ipv4
	[ "$GOBGP_FAM" = v6 ] && a=ipv6
	gobgp_ global rib -a "$a" -j 2>&1 | "$PY" -c '
import json, sys
p = sys.argv[1]
try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("<error: not JSON: %s>" % e); sys.exit(0)
paths = d.get(p) if isinstance(d, dict) else None
if not paths:
    print("<absent>"); sys.exit(0)
out = []
for a in paths[0].get("attrs", []):
    t = a.get("type")
    if t == 2:
        segs = a.get("as_paths") or []
        out.append("aspath=" + ",".join(str(n) for s in segs for n in s.get("asns", [])))
    elif t == 3:
        out.append("nexthop=%s" % a.get("nexthop"))
    elif t == 14:
        # MP_REACH_NLRI (IPv6): "nexthop", maybe "linklocal_nexthop"
        out.append("nexthop=%s" % a.get("nexthop"))
    elif t == 4:
        out.append("med=%s" % a.get("metric"))
    elif t == 8:
        out.append("communities=" + ",".join("%d:%d" % (c >> 16, c & 0xffff) for c in a.get("communities", [])))
    elif t == 32:
        # GoBGP 3.10: "value": [{"ASN", "LocalData1", "LocalData2"}]
        out.append("large=" + ",".join("%s:%s:%s" % (l.get("ASN"), l.get("LocalData1"), l.get("LocalData2")) for l in a.get("value") or []))
print(" ".join(sorted(out)))
' "$1"
}

# gobgp_route_more PREFIX: the attributes ExaBGP adds beyond the common
# ones (atomic-aggregate, aggregator, extended communities, unknown ones
# as flags:base64), sorted.
gobgp_route_more() {
	gobgp_ global rib -a ipv4 -j 2>&1 | "$PY" -c '
import json, sys
try:
    paths = json.load(sys.stdin).get(sys.argv[1]) or []
except (ValueError, AttributeError) as e:
    print("<error: %s>" % e); sys.exit(0)
out = []
for a in (paths[0].get("attrs", []) if paths else []):
    t = a.get("type")
    if t == 6:
        out.append("atomic")
    elif t == 7:
        out.append("aggregator=%s@%s" % (a.get("as"), a.get("address")))
    elif t == 16:
        out.append("ext=" + ",".join("%s:%s:%s" % (c.get("type"), c.get("subtype"), c.get("value")) for c in a.get("value") or []))
    elif t not in (1, 2, 3, 4, 5, 8, 14, 32):
        out.append("t%s=%s:%s" % (t, a.get("flags"), a.get("value")))
print(" ".join(sorted(out)) if out else "<absent>")
' "$1"
}

# --- common checks -------------------------------------------------------------

# Routes bgpshieldd learned from the peer: its prefixes_in for ADDR is N.
expect_prefixes_in() { # ADDR N
	if wait_for "$T_ROUTES" prefixes_in_is "$1" "$2"; then
		pass "bgpshieldd: prefixes_in from $1 is $2 (the peer's routes)"
	else
		fail "bgpshieldd: prefixes_in from $1 is $2 within ${T_ROUTES}s" \
			"$(nb_why "$1")"
	fi
}

# rib_show in|out ADDR [PREFIX]: bgpshieldd's own Adj-RIB-In (routes from
# ADDR) or Adj-RIB-Out (routes it announces to ADDR): `show rib in|out
# neighbor ADDR [PREFIX]`, JSON, one line per route, sorted: "PREFIX
# nh=... aspath=A,B med=... lp=... comm=C,D large=E,F" (an attribute the
# route lacks is left out, so an unexpected one shows), then "not_shown=N".
rib_show() {
	local dir=$1 j
	shift
	if ! j=$(dctl 5 -j show rib "$dir" neighbor "$1" ${2:+"$2"} 2>&1); then
		printf '<error: %s>\n' "$(printf '%s' "$j" | head -n1)"
		return 1
	fi
	"$PY" -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
except ValueError as e:
    print("<error: not JSON: %s: %s>" % (e, sys.argv[1][:200])); sys.exit(0)
if not isinstance(d, dict):
    print("<error: not an object: %s>" % sys.argv[1][:200]); sys.exit(0)
if d.get("neighbor") != sys.argv[2]:
    print("<neighbor=%s>" % d.get("neighbor"))
lines = []
for r in d.get("routes") or []:
    s = [str(r.get("prefix", "<no prefix>"))]
    if "next_hop" in r: s.append("nh=%s" % r["next_hop"])
    if "as_path" in r: s.append("aspath=" + ",".join(str(a) for a in r["as_path"]))
    if "med" in r: s.append("med=%s" % r["med"])
    if "local_pref" in r: s.append("lp=%s" % r["local_pref"])
    if "communities" in r: s.append("comm=" + ",".join(r["communities"]))
    if "large_communities" in r: s.append("large=" + ",".join(r["large_communities"]))
    extra = sorted(set(r) - {"prefix", "next_hop", "as_path", "med", "local_pref", "communities", "large_communities"})
    if extra: s.append("extra=" + ",".join(extra))
    lines.append(" ".join(s))
for l in sorted(lines):
    print(l)
print("not_shown=%s" % d.get("not_shown", "<missing>"))
' "$j" "$1"
}

rib_in() { rib_show in "$@"; } # ADDR [PREFIX]

# expect_rib in|out ADDR LINE...: bgpshieldd's Adj-RIB-In from (Out to)
# ADDR is exactly these routes (rib_show's format), checked as a prefix
# set and route by route.
expect_rib() {
	local dir=$1 addr=$2 got want_p got_p l p
	shift 2
	got=$(rib_show "$dir" "$addr")
	want_p=$(for l in "$@"; do echo "${l%% *}"; done | sort | tr '\n' ' ')
	got_p=$(printf '%s\n' "$got" | grep -v '^not_shown=' | awk '{ print $1 }' |
		sort | tr '\n' ' ')
	check_eq "bgpshieldd: show rib $dir neighbor $addr: prefix set" \
		"$want_p" "$got_p"
	check_eq "bgpshieldd: show rib $dir neighbor $addr: not_shown" \
		not_shown=0 "$(printf '%s\n' "$got" | grep '^not_shown=')"
	for l in "$@"; do
		p=${l%% *}
		check_eq "bgpshieldd: show rib $dir neighbor $addr: $p (next hop, AS path, MED, communities, large communities)" \
			"$l" "$(printf '%s\n' "$got" | awk -v p="$p" '$1 == p')"
	done
}
expect_rib_in() { expect_rib in "$@"; }   # ADDR LINE...
expect_rib_out() { expect_rib out "$@"; } # ADDR LINE...

# The same for one prefix (the PREFIX argument): that route only.
expect_rib_in_one() { # ADDR LINE
	local got
	got=$(rib_in "$1" "${2%% *}")
	check_eq "bgpshieldd: show rib in neighbor $1 ${2%% *}: just that route" \
		"$2
not_shown=0" "$got"
}

not_established() { ! established "$1"; } # ADDR

# kill_peer NAME PID: SIGKILL the peer daemon we started (no NOTIFICATION,
# no graceful close by BGP: only the kernel's FIN/RST) and reap it.
kill_peer() {
	local name=$1 pid=$2
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
		die_test "$name (pid '$pid') is running before it is killed"
	fi
	kill -KILL "$pid" 2>/dev/null
	# Our child: wait reaps it (a zombie would still answer kill -0).
	wait "$pid" 2>/dev/null
	if kill -0 "$pid" 2>/dev/null; then
		die_test "$name (pid $pid) is gone after SIGKILL"
	fi
	pass "$name (pid $pid) killed with SIGKILL while established"
}

# expect_peer_lost ADDR WHAT: after the peer died, bgpshieldd's neighbor
# leaves established (the kernel's FIN/RST, at the latest the hold timer)
# and every route learned from it goes.
expect_peer_lost() {
	if wait_for $((HOLD + 3)) not_established "$1"; then
		pass "$2 killed: bgpshieldd's neighbor $1 leaves established (state $(nb "$1" state))"
	else
		fail "$2 killed: bgpshieldd's neighbor $1 leaves established within $((HOLD + 3))s" \
			"$(nb_why "$1")"
	fi
	if wait_for "$T_ROUTES" prefixes_in_is "$1" 0; then
		pass "$2 killed: bgpshieldd's prefixes_in from $1 drops to 0"
	else
		fail "$2 killed: bgpshieldd's prefixes_in from $1 drops to 0 within ${T_ROUTES}s" \
			"$(nb_why "$1")
  rib in: $(rib_in "$1" | tr '\n' ';')"
	fi
}

# After a restart: established again within this many seconds.
T_RESTART=20

# The session came through the guard: the neighbor's own allowlist entry
# (GTSM 255) counted its packets.
expect_guard_passed() { # ADDR
	check_ge "the guard passed packets from $1 (GTSM satisfied)" \
		"$(guard_packets "$1")" 1
}

# --- BIRD IPv4 -------------------------------------------------------------------

# bird_v4 SHIELD-MODE: one IPv4 session, bgpshieldd in SHIELD-MODE and
# BIRD in the other, both with the same key; the passive side first.
bird_v4() {
	local smode=$1 bmode=active r p
	[ "$smode" = active ] && bmode=passive
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	write_shield_conf "$smode" "$KEY" v4 || die_test "write bgpshieldd's config"
	write_bird_conf "$bmode" "$KEY" v4
	if [ "$smode" = passive ]; then
		daemon_start
		bird_start
	else
		bird_start
		daemon_start
	fi

	expect_bird_up4 "IPv4 session established (bgpshieldd $smode, BIRD $bmode, MD5, GTSM)"
	expect_guard_passed "$B4"
	expect_md5_both "$B4" "$A4"

	# bgpshieldd -> BIRD: both routes, the second with its attributes as
	# BIRD decoded them.
	if wait_for "$T_ROUTES" bird_imported_is shield4 2; then
		pass "BIRD: shield4 imported bgpshieldd's 2 routes"
	else
		fail "BIRD: shield4 imported bgpshieldd's 2 routes within ${T_ROUTES}s" \
			"$(bird_why shield4)"
	fi
	for p in $A_ROUTES4; do
		r=$(bird_route "$p")
		check_match "BIRD: show route all $p: from shield4, AS path $AS_A, via $A4" \
			"\\[shield4 .*BGP\\.as_path: $AS_A +BGP\\.next_hop: $A4" "$r"
	done
	r=$(bird_route "$A_ATTR4")
	check_match "BIRD: $A_ATTR4 carries MED 10" 'BGP\.med: 10 ' "$r"
	check_match "BIRD: $A_ATTR4 carries communities ($AS_A,1) ($AS_A,2)" \
		"BGP\\.community: \\($AS_A,1\\) \\($AS_A,2\\)" "$r"
	check_match "BIRD: $A_ATTR4 carries large community ($AS_A, 1, 2)" \
		"BGP\\.large_community: \\($AS_A, 1, 2\\)" "$r"
	check_nomatch "BIRD: 10.1.0.0/24 carries no MED (none configured)" \
		'BGP\.med' "$(bird_route 10.1.0.0/24)"
	# ExaBGP's other attributes, as BIRD decoded them (an unknown
	# optional transitive one as "BGP.f0 [t]: bytes").
	r=$(bird_route 10.1.0.0/24)
	check_match "BIRD: 10.1.0.0/24 carries atomic-aggregate" \
		'BGP\.atomic_aggr:' "$r"
	check_match "BIRD: 10.1.0.0/24 carries aggregator $A4 AS$AS_A" \
		"BGP\\.aggregator: $A4 AS$AS_A " "$r"
	check_match "BIRD: 10.1.0.0/24 carries extended community (rt, $AS_A, 7)" \
		"BGP\\.ext_community: \\(rt, $AS_A, 7\\)" "$r"
	check_match "BIRD: 10.1.0.0/24 carries attribute 0xf0 as written" \
		'BGP\.f0 \[t\]: 01 02' "$r"

	# BIRD -> bgpshieldd: its three static routes, one with attributes
	# (set by BIRD's export filter), as bgpshieldd's own CLI shows them.
	expect_prefixes_in "$B4" 3
	expect_rib_in "$B4" "${B_RIB4[@]}"
	expect_rib_in_one "$B4" "${B_RIB4[0]}"
	check_eq "bgpshieldd: prefixes_out to $B4 is 2" 2 "$(nb "$B4" prefixes_out)"
	expect_rib_out "$B4" "${A_RIB4[@]}"
	check_eq "BIRD: exported 3 routes to bgpshieldd" 3 \
		"$(bird_field shield4 Routes | sed -n 's/.* \([0-9]*\) exported.*/\1/p')"

	# Peer restart: BIRD killed while established, then started again
	# with the same config; the session and the routes both ways return.
	kill_peer BIRD "$BIRD_PID"
	expect_peer_lost "$B4" BIRD
	bird_start
	if wait_for "$T_RESTART" established "$B4" && wait_for 3 bird_established shield4; then
		pass "BIRD restarted: IPv4 session established again within ${T_RESTART}s"
	else
		die_test "BIRD restarted: IPv4 session established again within ${T_RESTART}s" \
			"$(nb_why "$B4")
$(bird_why shield4)"
	fi
	expect_prefixes_in "$B4" 3
	expect_rib_in "$B4" "${B_RIB4[@]}"
	expect_rib_out "$B4" "${A_RIB4[@]}"
	if wait_for "$T_ROUTES" bird_imported_is shield4 2; then
		pass "BIRD restarted: shield4 imported bgpshieldd's 2 routes again"
	else
		fail "BIRD restarted: shield4 imported bgpshieldd's 2 routes again within ${T_ROUTES}s" \
			"$(bird_why shield4)"
	fi

	# Withdrawals: BIRD's static protocol going down withdraws its three
	# routes; bgpshieldd must drop them and keep the session.
	capture disable birdc_ disable s4 || fail "birdc disable s4" "$(err disable)"
	if wait_for "$T_ROUTES" prefixes_in_is "$B4" 0; then
		pass "BIRD withdrew its routes: bgpshieldd's prefixes_in from $B4 is 0"
	else
		fail "BIRD withdrew its routes: bgpshieldd's prefixes_in from $B4 is 0 within ${T_ROUTES}s" \
			"$(nb_why "$B4")
$(bird_why shield4)"
	fi
	check_eq "after the withdrawal the session stays up (bgpshieldd)" \
		established "$(nb "$B4" state)"
}

t_bird_shield_active() { bird_v4 active; }
t_bird_shield_passive() { bird_v4 passive; }

# --- ADD-PATH (RFC 7911) ----------------------------------------------------------

# rib_paths in|out ADDR PREFIX: how many routes bgpshieldd's `show rib`
# has for PREFIX, and their path ids: "N ID,ID" (ids sorted; "-" for a
# route shown without path_information).
rib_paths() {
	local j
	j=$(dctl 5 -j show rib "$1" neighbor "$2" 2>&1) || { echo "<error>"; return; }
	"$PY" -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
except ValueError:
    print("<error: not JSON>"); sys.exit(0)
ids = sorted(r.get("path_information", "-") for r in d.get("routes") or []
             if r.get("prefix") == sys.argv[2])
print("%d %s" % (len(ids), ",".join(ids)))
' "$j" "$3"
}

# bird_paths PREFIX PROTO: how many routes of PREFIX BIRD has from PROTO.
bird_paths() {
	birdc_ show route "$1" protocol "$2" 2>/dev/null | grep -c "\[$2 "
}

# bird_addpath on|off: bgpshieldd (add-path send/receive, passive) and BIRD
# with "add paths on;" (both ways) or without (one path a prefix to it).
bird_addpath() {
	local ap=$1 r
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	SHIELD_AP=1
	BIRD_AP=routes
	[ "$ap" = on ] && BIRD_AP=on
	write_shield_conf passive "$KEY" v4 || die_test "write bgpshieldd's config"
	write_bird_conf active "$KEY" v4
	daemon_start
	bird_start
	expect_bird_up4 "IPv4 session with ADD-PATH ($ap on BIRD's side) established"
	if [ "$ap" = on ]; then
		check_eq "bgpshieldd: show neighbor: ADD-PATH negotiated both ways for ipv4 unicast" \
			"{'send': ['ipv4 unicast'], 'receive': ['ipv4 unicast']}" \
			"$(nb "$B4" add_path)"
		# bgpshieldd -> BIRD: 3 paths, two of them for 10.1.0.0/24
		if wait_for "$T_ROUTES" bird_imported_is shield4 3; then
			pass "BIRD: shield4 imported bgpshieldd's 3 paths (ADD-PATH)"
		else
			fail "BIRD: shield4 imported bgpshieldd's 3 paths within ${T_ROUTES}s" \
				"$(bird_why shield4)"
		fi
		check_eq "BIRD: 2 routes of 10.1.0.0/24 from shield4" 2 \
			"$(bird_paths 10.1.0.0/24 shield4)"
		r=$(bird_route 10.1.0.0/24)
		check_match "BIRD: one of the two paths of 10.1.0.0/24 carries MED 10" \
			'BGP\.med: 10 ' "$r"
		check_eq "bgpshieldd: prefixes_out to $B4 is 3" 3 "$(nb "$B4" prefixes_out)"
		check_eq "bgpshieldd: show rib out 10.1.0.0/24: 2 paths, ids 0.0.0.1 0.0.0.2" \
			"2 0.0.0.1,0.0.0.2" "$(rib_paths out "$B4" 10.1.0.0/24)"
		# BIRD -> bgpshieldd: 5 paths of 3 prefixes (s4 and s4b)
		expect_prefixes_in "$B4" 5
		r=$(rib_paths in "$B4" 10.2.0.0/24)
		check_match "bgpshieldd: show rib in 10.2.0.0/24: 2 paths with distinct path ids" \
			'^2 [0-9.]+,[0-9.]+$' "$r"
		check_eq "bgpshieldd: the two paths of 10.2.0.0/24 have different ids ($r)" \
			2 "$(echo "${r#2 }" | tr ',' '\n' | sort -u | wc -l)"
		check_eq "bgpshieldd: show rib in 10.2.2.0/24: 1 path" \
			1 "$(rib_paths in "$B4" 10.2.2.0/24 | cut -d' ' -f1)"
		# one path withdrawn: BIRD's second protocol goes down
		capture disable birdc_ disable s4b || fail "birdc disable s4b" "$(err disable)"
		if wait_for "$T_ROUTES" prefixes_in_is "$B4" 3; then
			pass "BIRD withdrew one path of two prefixes: bgpshieldd's prefixes_in is 3"
		else
			fail "BIRD withdrew one path of two prefixes: prefixes_in 3 within ${T_ROUTES}s" \
				"$(nb_why "$B4")"
		fi
	else
		check_eq "bgpshieldd: show neighbor: no ADD-PATH negotiated" \
			"{'send': [], 'receive': []}" "$(nb "$B4" add_path)"
		# BIRD did not say receive: one path a prefix goes to it, the
		# lowest path id (10.1.0.0/24 path 1: no MED)
		if wait_for "$T_ROUTES" bird_imported_is shield4 2; then
			pass "BIRD without ADD-PATH: shield4 imported 2 routes (one path a prefix)"
		else
			fail "BIRD without ADD-PATH: shield4 imported 2 routes within ${T_ROUTES}s" \
				"$(bird_why shield4)"
		fi
		check_nomatch "BIRD without ADD-PATH: 10.1.0.0/24 is path 1 (no MED)" \
			'BGP\.med' "$(bird_route 10.1.0.0/24)"
		check_eq "bgpshieldd: prefixes_out to $B4 is 2" 2 "$(nb "$B4" prefixes_out)"
		# BIRD sends its best route of each prefix: 3
		expect_prefixes_in "$B4" 3
		check_eq "bgpshieldd: show rib in 10.2.0.0/24: 1 route, no path id" \
			"1 -" "$(rib_paths in "$B4" 10.2.0.0/24)"
	fi
	check_eq "the session stays up (bgpshieldd)" established "$(nb "$B4" state)"
}

t_bird_addpath() { bird_addpath on; }

# IPv6: path ids in MP_REACH_NLRI / MP_UNREACH_NLRI both ways.
t_bird_addpath6() {
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	SHIELD_AP=1
	BIRD_AP=on
	write_shield_conf active "$KEY" v6 || die_test "write bgpshieldd's config"
	write_bird_conf passive "$KEY" v6
	bird_start
	daemon_start
	if wait_for "$T_UP" established "$B6" && wait_for 3 bird_established shield6; then
		pass "IPv6 session with ADD-PATH established within ${T_UP}s"
	else
		die_test "IPv6 session with ADD-PATH established within ${T_UP}s" \
			"$(nb_why "$B6")
$(bird_why shield6)"
	fi
	check_eq "bgpshieldd: show neighbor: ADD-PATH negotiated both ways for ipv6 unicast" \
		"{'send': ['ipv6 unicast'], 'receive': ['ipv6 unicast']}" \
		"$(nb "$B6" add_path)"
	if wait_for "$T_ROUTES" bird_imported_is shield6 2; then
		pass "BIRD: shield6 imported bgpshieldd's 2 paths of $A_ROUTE6"
	else
		fail "BIRD: shield6 imported bgpshieldd's 2 paths within ${T_ROUTES}s" \
			"$(bird_why shield6)"
	fi
	check_eq "BIRD: 2 routes of $A_ROUTE6 from shield6" 2 \
		"$(bird_paths "$A_ROUTE6" shield6)"
	# BIRD: 2001:db8:2::/48 from s6 and s6b, 2001:db8:3::/48 from s6
	expect_prefixes_in "$B6" 3
	check_match "bgpshieldd: show rib in 2001:db8:2::/48: 2 paths" \
		'^2 [0-9.]+,[0-9.]+$' "$(rib_paths in "$B6" 2001:db8:2::/48)"
	capture disable birdc_ disable s6b || fail "birdc disable s6b" "$(err disable)"
	if wait_for "$T_ROUTES" prefixes_in_is "$B6" 2; then
		pass "BIRD withdrew one IPv6 path (MP_UNREACH_NLRI with its id): prefixes_in is 2"
	else
		fail "BIRD withdrew one IPv6 path: prefixes_in 2 within ${T_ROUTES}s" \
			"$(nb_why "$B6")"
	fi
	check_eq "bgpshieldd: show rib in 2001:db8:2::/48: 1 path left" \
		1 "$(rib_paths in "$B6" 2001:db8:2::/48 | cut -d' ' -f1)"
}
t_bird_addpath_off() { bird_addpath off; }

# GoBGP: add-paths receive and send-max 8 for IPv4 unicast; 3 paths of 2
# prefixes added with `identifier N`.
t_gobgp_addpath() {
	local r
	need_gobgp
	ensure_user
	topo_interop || die_test "topology set up"
	SHIELD_AP=1
	write_shield_conf passive "$KEY" v4 || die_test "write bgpshieldd's config"
	write_gobgp_conf active "$KEY" v4
	cat >>"$T_DIR/gobgpd.toml" <<-EOF
		    [neighbors.afi-safis.add-paths.config]
		      receive = true
		      send-max = 8
	EOF
	daemon_start
	bg_start gobgpd ip netns exec "$NS_PEER" gobgpd -f "$T_DIR/gobgpd.toml" \
		-t toml --api-hosts "$(gobgp_api)" --pprof-disable -p
	GOBGP_PID=$BG_PID
	wait_for 10 gobgp_up ||
		die_test "gobgpd starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/gobgpd.log")"
	for r in "10.2.0.0/24 identifier 1" "10.2.0.0/24 identifier 2 med 5" \
		"10.2.1.0/24 identifier 1"; do
		# shellcheck disable=SC2086 # words on purpose
		capture rib_add gobgp_ global rib add -a ipv4 $r ||
			die_test "gobgp global rib add $r" "$(err rib_add)"
	done
	if wait_for "$T_UP" established "$B4" && wait_for 3 gobgp_established; then
		pass "IPv4 session with ADD-PATH to GoBGP established within ${T_UP}s"
	else
		die_test "IPv4 session with ADD-PATH to GoBGP established within ${T_UP}s" \
			"$(nb_why "$B4")
$(gobgp_why)"
	fi
	check_eq "bgpshieldd: show neighbor: ADD-PATH negotiated both ways for ipv4 unicast" \
		"{'send': ['ipv4 unicast'], 'receive': ['ipv4 unicast']}" \
		"$(nb "$B4" add_path)"
	# bgpshieldd -> GoBGP: 3 paths
	if wait_for "$T_ROUTES" gobgp_accepted_is 3; then
		pass "GoBGP accepted bgpshieldd's 3 paths (ADD-PATH)"
	else
		fail "GoBGP accepted bgpshieldd's 3 paths within ${T_ROUTES}s" "$(gobgp_why)"
	fi
	r=$(gobgp_ neighbor "$A4" adj-in -a ipv4 2>&1 | grep -c '10\.1\.0\.0/24')
	check_eq "GoBGP: adj-in has 2 paths of 10.1.0.0/24" 2 "$r"
	check_eq "bgpshieldd: prefixes_out to $B4 is 3" 3 "$(nb "$B4" prefixes_out)"
	# GoBGP -> bgpshieldd: 3 paths, 2 of 10.2.0.0/24
	expect_prefixes_in "$B4" 3
	check_match "bgpshieldd: show rib in 10.2.0.0/24: 2 paths" \
		'^2 [0-9.]+,[0-9.]+$' "$(rib_paths in "$B4" 10.2.0.0/24)"
	# one path withdrawn by GoBGP
	capture rib_del gobgp_ global rib del -a ipv4 10.2.0.0/24 identifier 2 ||
		fail "gobgp global rib del 10.2.0.0/24 identifier 2" "$(err rib_del)"
	if wait_for "$T_ROUTES" prefixes_in_is "$B4" 2; then
		pass "GoBGP withdrew path 2 of 10.2.0.0/24: bgpshieldd's prefixes_in is 2"
	else
		fail "GoBGP withdrew path 2: prefixes_in 2 within ${T_ROUTES}s" "$(nb_why "$B4")"
	fi
	check_eq "bgpshieldd: show rib in 10.2.0.0/24: 1 path left" \
		1 "$(rib_paths in "$B4" 10.2.0.0/24 | cut -d' ' -f1)"
}

# --- ExaBGP 4.2 and the API's JSON -------------------------------------------------

need_exabgp() {
	command -v exabgp >/dev/null ||
		skip "exabgp not found: make deps (Debian package exabgp)"
}

# exa_nlri: how many NLRI ExaBGP's JSON events announced so far.
exa_nlri() {
	"$PY" -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    try:
        d = json.loads(l)
    except ValueError:
        continue
    u = d.get("neighbor", {}).get("message", {}).get("update", {})
    for fam in u.get("announce", {}).values():
        for nlris in fam.values():
            n += len(nlris)
print(n)
' "$T_DIR/exa.json" 2>/dev/null
}
exa_nlri_is() { [ "$(exa_nlri)" = "$1" ]; }

# ExaBGP (python3-exabgp 4.2) as the peer, add-path send/receive: it must
# take bgpshieldd's 3 paths, and its JSON of each UPDATE it received
# ("parsed" and "packets": the message's bytes too) must be what
# `bgpshieldctl decode --add-path ipv4` prints for the same bytes, NLRI
# objects with "path-information" included.  ExaBGP's own 3 paths (static
# routes with path-information) reach bgpshieldd as 3 routes.
t_exabgp_addpath() {
	local r n
	need_exabgp
	ensure_user
	topo_interop || die_test "topology set up"
	SHIELD_AP=1
	write_shield_conf passive "$KEY" v4 || die_test "write bgpshieldd's config"
	cat >"$T_DIR/exa-rec.py" <<-EOF
		import sys
		with open("$T_DIR/exa.json", "a") as f:
		    for line in sys.stdin:
		        f.write(line)
		        f.flush()
	EOF
	cat >"$T_DIR/exa.conf" <<-EOF
		process rec {
			run $(command -v "$PY") $T_DIR/exa-rec.py;
			encoder json;
		}
		neighbor $A4 {
			router-id $B4;
			local-address $B4;
			local-as $AS_B;
			peer-as $AS_A;
			hold-time $HOLD;
			md5-password "$KEY";
			outgoing-ttl 255;
			family { ipv4 unicast; }
			capability { add-path send/receive; }
			api { processes [ rec ]; receive { parsed; packets; update; } }
			static {
				route 10.2.0.0/24 next-hop self path-information 1;
				route 10.2.0.0/24 next-hop self med 5 path-information 2;
				route 10.2.1.0/24 next-hop self path-information 0.0.0.3;
			}
		}
	EOF
	daemon_start
	bg_start exabgp ip netns exec "$NS_PEER" env exabgp_daemon_user=root \
		exabgp_daemon_daemonize=false exabgp_log_destination=stderr \
		exabgp_api_ack=false exabgp "$T_DIR/exa.conf"
	if wait_for "$T_UP" established "$B4"; then
		pass "IPv4 session with ADD-PATH to ExaBGP established within ${T_UP}s"
	else
		die_test "IPv4 session with ADD-PATH to ExaBGP established within ${T_UP}s" \
			"$(nb_why "$B4")
$(tail -n 15 "$T_DIR/exabgp.log")"
	fi
	check_eq "bgpshieldd: show neighbor: ADD-PATH negotiated both ways for ipv4 unicast" \
		"{'send': ['ipv4 unicast'], 'receive': ['ipv4 unicast']}" \
		"$(nb "$B4" add_path)"
	expect_prefixes_in "$B4" 3
	check_match "bgpshieldd: show rib in 10.2.0.0/24: path ids 0.0.0.1 and 0.0.0.2" \
		'^2 0.0.0.1,0.0.0.2$' "$(rib_paths in "$B4" 10.2.0.0/24)"
	if wait_for "$T_ROUTES" exa_nlri_is 3; then
		pass "ExaBGP received bgpshieldd's 3 paths (its JSON lists 3 NLRI)"
	else
		fail "ExaBGP received bgpshieldd's 3 paths within ${T_ROUTES}s" \
			"NLRI in its JSON: $(exa_nlri); $(tail -n 5 "$T_DIR/exabgp.log")"
	fi
	# each UPDATE: ExaBGP's "update" object and ours for its bytes
	r=$("$PY" - "$T_DIR/exa.json" "$CTL" <<-'PYEOF'
		import json, subprocess, sys
		same = diff = 0
		out = []
		raw = None
		# ExaBGP writes the bytes ("packets") and then the decoded
		# UPDATE ("parsed") as two events
		for l in open(sys.argv[1]):
		    try:
		        d = json.loads(l)
		    except ValueError:
		        continue
		    if d.get("type") != "update":
		        continue
		    m = d["neighbor"]["message"]
		    if "body" in m:
		        raw = m["header"][2:] + m["body"][2:]
		        continue
		    if "update" not in m or raw is None:
		        continue
		    hexmsg, raw = raw, None
		    ours = subprocess.run([sys.argv[2], "decode", "--add-path", "ipv4",
		                           hexmsg], capture_output=True, text=True)
		    try:
		        o = json.loads(ours.stdout)["neighbor"]["message"]["update"]
		    except (ValueError, KeyError):
		        out.append("decode failed: %s %s" % (ours.stdout, ours.stderr))
		        diff += 1
		        continue
		    # the same objects, and the same text from "message" on
		    if (o == m["update"] and
		            l.split('"message": ', 1)[1].strip() ==
		            ours.stdout.split('"message": ', 1)[1].strip()):
		        same += 1
		    else:
		        diff += 1
		        out.append("exabgp %s / ours %s" % (m["update"], o))
		print("%d %d %s" % (same, diff, " | ".join(out)))
	PYEOF
	)
	n=${r%% *}
	check_eq "every UPDATE ExaBGP got: bgpshieldctl decode --add-path ipv4 gives its JSON (same/differ: $r)" \
		"0" "$(echo "$r" | cut -d' ' -f2)"
	check_ge "UPDATEs compared" "${n:-0}" 1
	check_match "ExaBGP's JSON has path-information 0.0.0.7 on 10.1.1.0/24" \
		'"nlri": "10.1.1.0/24", "path-information": "0.0.0.7"' \
		"$(cat "$T_DIR/exa.json")"
}

# --- GoBGP IPv4 ------------------------------------------------------------------

gobgp_v4() {
	local smode=$1 gmode=active r p
	[ "$smode" = active ] && gmode=passive
	need_gobgp
	ensure_user
	topo_interop || die_test "topology set up"
	write_shield_conf "$smode" "$KEY" v4 || die_test "write bgpshieldd's config"
	write_gobgp_conf "$gmode" "$KEY"
	if [ "$smode" = passive ]; then
		daemon_start
		gobgp_start
	else
		gobgp_start
		daemon_start
	fi

	if wait_for "$T_UP" established "$B4" && wait_for 3 gobgp_established; then
		pass "IPv4 session established (bgpshieldd $smode, GoBGP $gmode, MD5, GTSM) within ${T_UP}s"
	else
		die_test "IPv4 session established (bgpshieldd $smode, GoBGP $gmode) within ${T_UP}s" \
			"$(nb_why "$B4")
$(gobgp_why)"
	fi
	expect_guard_passed "$B4"
	expect_md5_both "$B4" "$A4"

	if wait_for "$T_ROUTES" gobgp_accepted_is 2; then
		pass "GoBGP: neighbor $A4 accepted bgpshieldd's 2 routes"
	else
		fail "GoBGP: neighbor $A4 accepted bgpshieldd's 2 routes within ${T_ROUTES}s" \
			"$(gobgp_why)"
	fi
	for p in $A_ROUTES4; do
		r=$(gobgp_route "$p")
		check_match "GoBGP: global rib has $p with AS path $AS_A via $A4" \
			"aspath=$AS_A( |$).*nexthop=$A4( |$)" "$r"
	done
	r=$(gobgp_route "$A_ATTR4")
	check_match "GoBGP: $A_ATTR4 carries MED 10" '(^| )med=10( |$)' "$r"
	check_match "GoBGP: $A_ATTR4 carries communities $AS_A:1,$AS_A:2" \
		"(^| )communities=$AS_A:1,$AS_A:2( |$)" "$r"
	check_match "GoBGP: $A_ATTR4 carries large community $AS_A:1:2" \
		"(^| )large=$AS_A:1:2( |$)" "$r"

	check_eq "GoBGP: 10.1.0.0/24 carries atomic-aggregate, aggregator, target, attribute 0xf0" \
		"aggregator=$AS_A@$A4 atomic ext=0:2:$AS_A:7 t240=192:AQI=" \
		"$(gobgp_route_more 10.1.0.0/24)"
	# End-of-RIB (RFC 4724 marker) after the initial UPDATEs.
	check_eq "GoBGP: End-of-RIB received from bgpshieldd" true \
		"$(gobgp_nb eor)"

	# GoBGP -> bgpshieldd: its three routes, one with attributes (set by
	# its CLI), as bgpshieldd's own CLI shows them.
	expect_prefixes_in "$B4" 3
	expect_rib_in "$B4" "${B_RIB4[@]}"
	expect_rib_in_one "$B4" "${B_RIB4[0]}"
	check_eq "bgpshieldd: prefixes_out to $B4 is 2" 2 "$(nb "$B4" prefixes_out)"
	expect_rib_out "$B4" "${A_RIB4[@]}"

	# Peer restart: gobgpd killed while established, started again with
	# the same config (its CLI adds the routes again).
	kill_peer gobgpd "$GOBGP_PID"
	expect_peer_lost "$B4" gobgpd
	rm -f "$T_DIR/api.sock"
	gobgp_start
	if wait_for "$T_RESTART" established "$B4" && wait_for 3 gobgp_established; then
		pass "gobgpd restarted: IPv4 session established again within ${T_RESTART}s"
	else
		die_test "gobgpd restarted: IPv4 session established again within ${T_RESTART}s" \
			"$(nb_why "$B4")
$(gobgp_why)"
	fi
	expect_prefixes_in "$B4" 3
	expect_rib_in "$B4" "${B_RIB4[@]}"
	expect_rib_out "$B4" "${A_RIB4[@]}"
	if wait_for "$T_ROUTES" gobgp_accepted_is 2; then
		pass "gobgpd restarted: neighbor $A4 accepted bgpshieldd's 2 routes again"
	else
		fail "gobgpd restarted: neighbor $A4 accepted bgpshieldd's 2 routes again within ${T_ROUTES}s" \
			"$(gobgp_why)"
	fi

	# A withdrawal of one route: bgpshieldd drops that one only.
	capture rib_del gobgp_ global rib del -a ipv4 10.2.0.0/24 ||
		fail "gobgp global rib del 10.2.0.0/24" "$(err rib_del)"
	if wait_for "$T_ROUTES" prefixes_in_is "$B4" 2; then
		pass "GoBGP withdrew 10.2.0.0/24: bgpshieldd's prefixes_in from $B4 is 2"
	else
		fail "GoBGP withdrew 10.2.0.0/24: bgpshieldd's prefixes_in from $B4 is 2 within ${T_ROUTES}s" \
			"$(nb_why "$B4")
$(gobgp_why)"
	fi
	expect_rib_in "$B4" "${B_RIB4[1]}" "${B_RIB4[2]}"
}

t_gobgp_shield_active() { gobgp_v4 active; }
t_gobgp_shield_passive() { gobgp_v4 passive; }

# --- GoBGP IPv6 ------------------------------------------------------------------

# bgpshieldd passive, GoBGP active, over IPv6 with MD5 and GTSM (hop
# limit 255); one route each way.
t_gobgp_ipv6() {
	local r
	need_gobgp
	ensure_user
	GOBGP_FAM=v6
	topo_interop || die_test "topology set up"
	write_shield_conf passive "$KEY" v6 || die_test "write bgpshieldd's config"
	write_gobgp_conf active "$KEY" v6
	daemon_start
	gobgp_start

	if wait_for "$T_UP" established "$B6" && wait_for 3 gobgp_established; then
		pass "IPv6 session established (bgpshieldd passive, GoBGP active, MD5, GTSM) within ${T_UP}s"
	else
		die_test "IPv6 session established (bgpshieldd passive, GoBGP active) within ${T_UP}s" \
			"$(nb_why "$B6")
$(gobgp_why)"
	fi
	expect_guard_passed "$B6"
	expect_md5_both "$B6" "$A6"

	# bgpshieldd -> GoBGP: its IPv6 route, MED 20, community $AS_A:6.
	if wait_for "$T_ROUTES" gobgp_accepted_is 1; then
		pass "GoBGP: neighbor $A6 accepted bgpshieldd's IPv6 route"
	else
		fail "GoBGP: neighbor $A6 accepted bgpshieldd's IPv6 route within ${T_ROUTES}s" \
			"$(gobgp_why)"
	fi
	r=$(gobgp_route "$A_ROUTE6")
	check_match "GoBGP: global rib has $A_ROUTE6 with AS path $AS_A via $A6" \
		"aspath=$AS_A( |$).*nexthop=$A6( |$)" "$r"
	check_match "GoBGP: $A_ROUTE6 carries MED 20 and community $AS_A:6" \
		"communities=$AS_A:6( |$).*med=20( |$)" "$r"

	# GoBGP -> bgpshieldd: its IPv6 route with its attributes.
	expect_prefixes_in "$B6" 1
	expect_rib_in "$B6" "$B_RIB6"
	check_eq "bgpshieldd: prefixes_out to $B6 is 1" 1 "$(nb "$B6" prefixes_out)"
	expect_rib_out "$B6" "$A_RIB6"
}

# --- BIRD IPv6 -------------------------------------------------------------------

t_bird_ipv6() {
	local r
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	write_shield_conf active "$KEY" v6 || die_test "write bgpshieldd's config"
	write_bird_conf passive "$KEY" v6
	bird_start
	daemon_start

	if wait_for "$T_UP" established "$B6" && wait_for 3 bird_established shield6; then
		pass "IPv6 session established (bgpshieldd active, BIRD passive) within ${T_UP}s"
	else
		die_test "IPv6 session established within ${T_UP}s" \
			"$(nb_why "$B6")
$(bird_why shield6)"
	fi
	expect_guard_passed "$B6"
	expect_md5_both "$B6" "$A6"
	if wait_for "$T_ROUTES" bird_imported_is shield6 1; then
		pass "BIRD: shield6 imported bgpshieldd's IPv6 route"
	else
		fail "BIRD: shield6 imported bgpshieldd's IPv6 route within ${T_ROUTES}s" \
			"$(bird_why shield6)"
	fi
	r=$(bird_route "$A_ROUTE6")
	check_match "BIRD: $A_ROUTE6 from shield6 with next hop $A6" \
		"\\[shield6 .*BGP\\.next_hop: $A6" "$r"
	check_match "BIRD: $A_ROUTE6 carries MED 20 and community ($AS_A,6)" \
		"BGP\\.med: 20 .*BGP\\.community: \\($AS_A,6\\)" "$r"
	# BIRD sends a global and a link-local next hop (32 bytes) on a
	# shared subnet: bgpshieldd must take both routes, and shows the
	# global one as their next hop.
	expect_prefixes_in "$B6" 2
	expect_rib_in "$B6" "2001:db8:2::/48 nh=$B6 aspath=$AS_B" \
		"2001:db8:3::/48 nh=$B6 aspath=$AS_B"
	expect_rib_out "$B6" "$A_RIB6"
}

# --- RFC 8950: IPv4 routes with IPv6 next hops over an IPv6 session --------

# bgpshieldd's IPv4 routes with IPv6 next hops: three statics (one with a
# MED, one next-hop self: its IPv6 address on this IPv6-only session) and
# one from the API, each next hop on the shared /64.
X_NH7=2001:db8::7
X_NH8=2001:db8::8

# write_shield_conf_enh KEY ENH: one IPv6 neighbor with both families,
# passive; ENH "on" adds nexthop { ipv4 unicast ipv6; }.
write_shield_conf_enh() {
	local key=$1 enh=""
	[ "$2" = on ] && enh="nexthop { ipv4 unicast ipv6; }"
	(
		umask 077
		cat >"$T_DIR/a.conf.new" <<-EOF
			# bgpshield interop selftest $RUN_ID (RFC 8950)
			guard {
				interface veth-a;
				pin-dir $(pin_a);
			}

			neighbor $B6 {
				description "interop-enh";
				router-id $A4;
				local-address $A6;
				local-as $AS_A;
				peer-as $AS_B;
				hold-time $HOLD;
				passive;
				md5-password "$key";
				ttl-security;
				family { ipv4 unicast; ipv6 unicast; }
				$enh
				static {
					route 10.8.0.0/24 next-hop $A6 med 10;
					route 10.8.1.0/24 next-hop $X_NH7;
					route 10.8.3.0/24 next-hop self;
					route $A_ROUTE6 next-hop self;
				}
			}
		EOF
	) && mv -f "$T_DIR/a.conf.new" "$T_DIR/a.conf"
}

# write_bird_conf_enh KEY ENH: BIRD active over IPv6 with an ipv4 channel
# whose "extended next hop" is ENH (on: it exports its IPv4 statics with
# its IPv6 address as next hop; off: it exports none).
write_bird_conf_enh() {
	local key=$1 enh=$2 exp4="export all;"
	[ "$enh" = off ] && exp4="export none;"
	cat >"$T_DIR/bird.conf" <<-EOF
		# BIRD side of the bgpshield interop selftest $RUN_ID (RFC 8950)
		log stderr all;
		router id $B4;
		protocol device { }
		protocol static s4 {
			ipv4;
			route 10.2.0.0/24 blackhole;
			route 10.2.1.0/24 blackhole;
			route 10.2.2.0/24 blackhole;
		}
		protocol static s6 {
			ipv6;
			route 2001:db8:2::/48 blackhole;
		}
		protocol bgp shieldx {
			local $B6 as $AS_B;
			neighbor $A6 as $AS_A;
			hold time $HOLD;
			password "$key";
			ttl security on;
			passive off;
			connect delay time 1;
			connect retry time 5;
			error wait time 5, 30;
			ipv4 { extended next hop $enh; import all; $exp4 };
			ipv6 { import all; export all; };
		}
	EOF
	chmod 600 "$T_DIR/bird.conf"
}

# bird_chan_imported PROTO CHANNEL: the "N imported" of that channel's
# Routes line in `show protocols all`.
bird_chan_imported() {
	bird_proto "$1" | awk -v c="Channel $2" '
		{ sub(/^[ \t]+/, "") }
		$0 == c { in_c = 1; next }
		/^Channel / { in_c = 0 }
		in_c && /^Routes:/ { print $2; exit }'
}
bird_chan_imported_is() { [ "$(bird_chan_imported "$1" "$2")" = "$3" ]; }

enh_up() {
	if wait_for "$T_UP" established "$B6" && wait_for 3 bird_established shieldx; then
		pass "IPv6 session with IPv4 and IPv6 unicast established (bgpshieldd passive, BIRD active, MD5, GTSM) within ${T_UP}s"
	else
		die_test "IPv6 session established within ${T_UP}s" \
			"$(nb_why "$B6")
$(bird_why shieldx)"
	fi
}

t_bird_ext_nh() {
	local r p rc
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	write_shield_conf_enh "$KEY" on || die_test "write bgpshieldd's config"
	write_bird_conf_enh "$KEY" on
	daemon_start
	bird_start
	enh_up
	expect_guard_passed "$B6"
	# BIRD's view of our OPEN: capability 5 with <1, 1, 2>
	r=$(bird_proto shieldx | tr '\n\t' '  ')
	check_match "BIRD: bgpshieldd's OPEN has Extended next hop (IPv6 next hop for ipv4)" \
		"Neighbor capabilities .*Extended next hop +IPv6 nexthop: ipv4 .*Session:" "$r"

	# One more from the API, as an ExaBGP process would write it.
	capture ann dctl 5 announce route 10.8.2.0/24 next-hop "$X_NH8"
	rc=$?
	check_eq "bgpshieldctl announce route 10.8.2.0/24 next-hop $X_NH8 exits 0" \
		0 "$rc"

	# bgpshieldd -> BIRD: three IPv4 routes, each with its IPv6 next hop
	# (in MP_REACH_NLRI AFI 1 SAFI 1), and the IPv6 one.
	if wait_for "$T_ROUTES" bird_chan_imported_is shieldx ipv4 4; then
		pass "BIRD: shieldx's ipv4 channel imported bgpshieldd's 4 IPv4 routes"
	else
		fail "BIRD: shieldx's ipv4 channel imported 4 routes within ${T_ROUTES}s" \
			"ipv4 imported '$(bird_chan_imported shieldx ipv4)'
$(bird_why shieldx)"
	fi
	check_eq "BIRD: shieldx's ipv6 channel imported bgpshieldd's IPv6 route" \
		1 "$(bird_chan_imported shieldx ipv6)"
	r=$(bird_route 10.8.0.0/24)
	check_match "BIRD: 10.8.0.0/24 from shieldx via $A6, AS path $AS_A" \
		"\\[shieldx .*via $A6 on veth-b.*BGP\\.as_path: $AS_A +BGP\\.next_hop: $A6" "$r"
	check_match "BIRD: 10.8.0.0/24 carries MED 10" 'BGP\.med: 10 ' "$r"
	check_match "BIRD: 10.8.1.0/24 via $X_NH7" \
		"\\[shieldx .*BGP\\.next_hop: $X_NH7( |$)" "$(bird_route 10.8.1.0/24)"
	check_match "BIRD: 10.8.2.0/24 (API) via $X_NH8" \
		"\\[shieldx .*BGP\\.next_hop: $X_NH8( |$)" "$(bird_route 10.8.2.0/24)"
	check_match "BIRD: 10.8.3.0/24 (next-hop self) via $A6" \
		"\\[shieldx .*BGP\\.next_hop: $A6( |$)" "$(bird_route 10.8.3.0/24)"
	check_eq "bgpshieldd: prefixes_out to $B6 is 5" 5 "$(nb "$B6" prefixes_out)"
	expect_rib_out "$B6" "10.8.0.0/24 nh=$A6 aspath=$AS_A med=10" \
		"10.8.1.0/24 nh=$X_NH7 aspath=$AS_A" \
		"10.8.3.0/24 nh=$A6 aspath=$AS_A" \
		"10.8.2.0/24 nh=$X_NH8 aspath=$AS_A" "$A_ROUTE6 nh=$A6 aspath=$AS_A"

	# BIRD -> bgpshieldd: its three IPv4 statics with its IPv6 address
	# as next hop (global, and link-local on this shared link: the
	# global is shown), and its IPv6 route.
	expect_prefixes_in "$B6" 4
	expect_rib_in "$B6" "10.2.0.0/24 nh=$B6 aspath=$AS_B" \
		"10.2.1.0/24 nh=$B6 aspath=$AS_B" \
		"10.2.2.0/24 nh=$B6 aspath=$AS_B" \
		"2001:db8:2::/48 nh=$B6 aspath=$AS_B"

	# A withdrawal of IPv4 routes sent with IPv6 next hops.
	capture disable birdc_ disable s4 || fail "birdc disable s4" "$(err disable)"
	if wait_for "$T_ROUTES" prefixes_in_is "$B6" 1; then
		pass "BIRD withdrew its IPv4 routes: bgpshieldd's prefixes_in from $B6 is 1"
	else
		fail "BIRD withdrew its IPv4 routes: prefixes_in from $B6 is 1 within ${T_ROUTES}s" \
			"$(nb_why "$B6")"
	fi
	capture wd dctl 5 withdraw route 10.8.2.0/24
	if wait_for "$T_ROUTES" bird_chan_imported_is shieldx ipv4 3; then
		pass "bgpshieldctl withdraw 10.8.2.0/24: BIRD's ipv4 channel has 3 routes"
	else
		fail "bgpshieldctl withdraw: BIRD's ipv4 channel has 3 routes within ${T_ROUTES}s" \
			"$(bird_why shieldx)"
	fi
	check_eq "the session stays up (bgpshieldd)" established "$(nb "$B6" state)"
}

# The same routes toward a BIRD without "extended next hop": the
# capability is not negotiated, so the IPv4 routes are held back (RFC
# 8950 §4), logged and audited once; the IPv6 route still goes.
t_bird_ext_nh_off() {
	local a
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	write_shield_conf_enh "$KEY" on || die_test "write bgpshieldd's config"
	write_bird_conf_enh "$KEY" off
	daemon_start
	bird_start
	enh_up
	if wait_for "$T_ROUTES" bird_chan_imported_is shieldx ipv6 1; then
		pass "BIRD: shieldx's ipv6 channel imported bgpshieldd's IPv6 route"
	else
		fail "BIRD: shieldx's ipv6 channel imported 1 route within ${T_ROUTES}s" \
			"$(bird_why shieldx)"
	fi
	check_eq "BIRD: shieldx's ipv4 channel imported nothing" 0 \
		"$(bird_chan_imported shieldx ipv4)"
	check_eq "bgpshieldd: prefixes_out to $B6 is 1 (IPv6 only)" 1 \
		"$(nb "$B6" prefixes_out)"
	a=$(grep -c '"ext_nh_not_negotiated"' "$T_DIR/a.audit" 2>/dev/null)
	check_eq "bgpshieldd's audit log says once that IPv4 routes were held back" \
		1 "$a"
	check_match "bgpshieldd's log says why" \
		"did not negotiate extended next hop" "$(cat "$T_DIR/daemon.log")"
	# next-hop self on an IPv4 route: no IPv4 address on this session,
	# and no IPv6 next hop allowed without the capability
	check_match "bgpshieldd: next-hop self of 10.8.3.0/24 has no address to use (last_error)" \
		"no IPv4 address for next-hop self \\(and no extended next hop negotiated" \
		"$(nb "$B6" last_error)"
	# The API still takes the route (the config allows it): kept, unsent.
	capture ann dctl 5 announce route 10.8.2.0/24 next-hop "$X_NH8"
	check_eq "bgpshieldctl announce route 10.8.2.0/24 next-hop $X_NH8 exits 0" \
		0 "$?"
	check_eq "bgpshieldd: prefixes_out to $B6 is still 1" 1 \
		"$(nb "$B6" prefixes_out)"
}

# ExaBGP 4.2 (Debian's exabgp) as the peer: its API process writes every
# JSON event it gets to a file, so what bgpshieldd sends is checked in
# ExaBGP's own decoding; its static routes have its IPv6 address as next
# hop.  MD5 as everywhere; ExaBGP's outgoing-ttl 255 for the guard's GTSM.
need_exabgp() {
	need_daemon
	command -v exabgp >/dev/null || skip "exabgp not found (Debian package exabgp)"
}

# The JSON events ExaBGP's API process wrote hold this text.
exa_has() { grep -qF "$1" "$T_DIR/exabgp.json" 2>/dev/null; }

t_exabgp_ext_nh() {
	local j
	need_exabgp
	ensure_user
	topo_interop || die_test "topology set up"
	write_shield_conf_enh "$KEY" on || die_test "write bgpshieldd's config"
	write_recorder "$T_DIR/dump.py"
	cat >"$T_DIR/exabgp.conf" <<-EOF
		process dump {
			run $PY $T_DIR/dump.py $T_DIR/exabgp.json;
			encoder json;
		}
		neighbor $A6 {
			router-id $B4;
			local-address $B6;
			local-as $AS_B;
			peer-as $AS_A;
			hold-time $HOLD;
			md5-password "$KEY";
			outgoing-ttl 255;
			family { ipv4 unicast; ipv6 unicast; }
			nexthop { ipv4 unicast ipv6; }
			api { processes [ dump ]; receive { parsed; update; open; } }
			static {
				route 10.2.0.0/24 next-hop $B6;
				route 10.2.1.0/24 next-hop $B6 med $B_MED;
			}
		}
	EOF
	chmod 600 "$T_DIR/exabgp.conf"
	daemon_start
	bg_start exabgp ip netns exec "$NS_PEER" env exabgp_daemon_user=root \
		exabgp_daemon_drop=false exabgp_log_destination=stdout \
		exabgp_tcp_bind="$B6" exabgp "$T_DIR/exabgp.conf"
	if wait_for "$T_UP" established "$B6"; then
		pass "IPv6 session with ExaBGP established (MD5, GTSM) within ${T_UP}s"
	else
		die_test "IPv6 session with ExaBGP established within ${T_UP}s" \
			"$(nb_why "$B6")
$(grep -iE 'error|notif|fail' "$T_DIR/exabgp.log" | tail -n 5)"
	fi
	expect_guard_passed "$B6"
	expect_md5_both "$B6" "$A6"
	capture ann dctl 5 announce route 10.8.2.0/24 next-hop "$X_NH8"
	for j in '"5": { "name": "nexthop", "conversion": [ "ipv4/unicast/ipv6" ] }' \
		'"announce": { "ipv4 unicast": { "2001:db8::1": [ { "nlri": "10.8.0.0/24" } ] } }' \
		'"announce": { "ipv4 unicast": { "2001:db8::7": [ { "nlri": "10.8.1.0/24" } ] } }' \
		'"announce": { "ipv4 unicast": { "2001:db8::8": [ { "nlri": "10.8.2.0/24" } ] } }' \
		'"announce": { "ipv4 unicast": { "2001:db8::1": [ { "nlri": "10.8.3.0/24" } ] } }' \
		'"announce": { "ipv6 unicast": { "2001:db8::1": [ { "nlri": "2001:db8:1::/48" } ] } }'; do
		if wait_for "$T_ROUTES" exa_has "$j"; then
			pass "ExaBGP's API JSON has: $j"
		else
			fail "ExaBGP's API JSON has: $j" \
				"$(tail -c 1500 "$T_DIR/exabgp.json" 2>&1)"
		fi
	done
	check_match "ExaBGP's JSON: 10.8.0.0/24 with MED 10" \
		'"med": 10 }, "announce": \{ "ipv4 unicast": \{ "2001:db8::1": \[ \{ "nlri": "10.8.0.0/24"' \
		"$(cat "$T_DIR/exabgp.json" 2>&1)"
	expect_prefixes_in "$B6" 2
	expect_rib_in "$B6" "10.2.0.0/24 nh=$B6 aspath=$AS_B" \
		"10.2.1.0/24 nh=$B6 aspath=$AS_B med=$B_MED"
}

# --- wrong MD5 ---------------------------------------------------------------------

t_bird_bad_md5() {
	local f0 f1 r
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	# Both active: each side's SYNs meet the other's wrong key, so the
	# kernels on both sides have something to count.
	write_shield_conf active "$KEY" v4 || die_test "write bgpshieldd's config"
	write_bird_conf active "$BADKEY" v4
	f0=$(md5_failures)
	is_int "$f0" || die_test "read TcpExtTCPMD5Failure" "got '$f0'"
	bird_start
	daemon_start
	# Watch the whole bound: established at any moment fails.
	if wait_for "$T_BADKEY" established "$B4"; then
		fail "wrong key: bgpshieldd's neighbor $B4 stays down for ${T_BADKEY}s" \
			"$(nb_why "$B4")
$(bird_why shield4)"
	else
		pass "wrong key: bgpshieldd's neighbor $B4 stays down for ${T_BADKEY}s (state $(nb "$B4" state))"
	fi
	r=$(bird_field shield4 "BGP state")
	check_ne "wrong key: BIRD's shield4 is not Established either (BGP state: $r)" \
		Established "$r"
	f1=$(md5_failures)
	if is_int "$f1" && [ "$f1" -gt "$f0" ]; then
		pass "TcpExtTCPMD5Failure rose ($f0 -> $f1): the kernels dropped the badly signed segments"
	else
		fail "TcpExtTCPMD5Failure rose" "$f0 -> $f1 (both namespaces summed)
$(nb_why "$B4")
$(bird_why shield4)"
	fi
}

# --- GTSM control ------------------------------------------------------------------

# The other tests' peers send TTL 255 and get in; this one shows that is
# the guard's doing: BIRD without "ttl security" sends its eBGP SYNs with
# TTL 1, the guard drops them (the neighbor's entry counts drop_ttl) and
# no session comes up.
t_bird_no_gtsm() {
	local d0 d1 r
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	BIRD_GTSM=off
	write_shield_conf passive "$KEY" v4 || die_test "write bgpshieldd's config"
	write_bird_conf active "$KEY" v4
	daemon_start
	d0=$(gctl -j guard status 2>/dev/null | json "allowlist[source=$B4].drop_ttl")
	is_int "$d0" || die_test "read the guard's drop_ttl for $B4" "got '$d0'"
	bird_start
	if wait_for "$T_NOGTSM" established "$B4"; then
		fail "BIRD without GTSM: bgpshieldd's neighbor $B4 stays down for ${T_NOGTSM}s" \
			"$(nb_why "$B4")
$(bird_why shield4)"
	else
		pass "BIRD without GTSM: bgpshieldd's neighbor $B4 stays down for ${T_NOGTSM}s (state $(nb "$B4" state))"
	fi
	r=$(bird_field shield4 "BGP state")
	check_ne "BIRD's shield4 is not Established (BGP state: $r)" Established "$r"
	d1=$(gctl -j guard status 2>/dev/null | json "allowlist[source=$B4].drop_ttl")
	if is_int "$d1" && [ "$d1" -gt "$d0" ]; then
		pass "the guard dropped BIRD's TTL-1 packets (drop_ttl $d0 -> $d1)"
	else
		fail "the guard dropped BIRD's TTL-1 packets" "drop_ttl $d0 -> '$d1'"
	fi
}

# --- flowspec with BIRD 2 ---------------------------------------------------------

# write_recorder FILE: an API process in Python that appends each line it
# reads to the file its argument names.
write_recorder() {
	cat >"$1" <<-'EOF'
		import sys
		with open(sys.argv[1], "a") as f:
		    for line in sys.stdin:
		        f.write(line)
		        f.flush()
	EOF
}

# The API process of SHIELD_FLOW (rec): a script that appends every event
# bgpshieldd sends it to FLOW_PDIR/events.json, in a folder bgpshieldd's
# user can reach.
flow_rec_setup() {
	chmod 0711 "$WORK_DIR" "$T_DIR" || die_test "open $T_DIR to $DUSER"
	FLOW_PDIR=$T_DIR/p
	mkdir -p "$FLOW_PDIR" && chown "$DUSER:" "$FLOW_PDIR" &&
		chmod 0755 "$FLOW_PDIR" || die_test "make $FLOW_PDIR"
	write_recorder "$FLOW_PDIR/rec.py"
	chmod 0644 "$FLOW_PDIR/rec.py"
}

# expect_flows_in ADDR N WHY: bgpshieldd's flows_in from ADDR becomes N
# within T_ROUTES (WHY: whose rules those are).
expect_flows_in() {
	if wait_for "$T_ROUTES" flows_in_is "$1" "$2"; then
		pass "bgpshieldd: flows_in from $1 is $2 ($3)"
	else
		fail "bgpshieldd: flows_in from $1 is $2 ($3) within ${T_ROUTES}s" \
			"$(nb_why "$1"); flows_in=$(nb "$1" flows_in)"
	fi
}

# With SHIELD_FLOW: the v4 neighbor's flowspec and flow blocks instead of
# the one enforced rule (block-dns); SHIELD_MODE: the mode these tests
# write bgpshieldd's config with (again on reload).
SHIELD_FLOW_CFG=
SHIELD_MODE=passive

# bgpshieldd's rules toward BIRD (and FRR): every component type of RFC 8955
# and RFC 8956 and every action we write, spread over five rules.
A_FLOW_CFG="flow {
	route f4all { match { destination 10.8.0.0/24; source 10.9.0.0/16; protocol [ =tcp =udp ]; port >=1024&<=2048; destination-port [ =80 =443 ]; source-port >1023; icmp-type =8; icmp-code =0; tcp-flags [ syn&!ack =fin+ack ]; packet-length [ <64 >=1400&<=1500 ]; dscp =46; fragment [ is-fragment dont-fragment ]; } then { rate-limit 9600; redirect 65000:100; mark 46; action sample-terminal; } }
	route f4as4 { match { destination 10.8.1.0/24; protocol icmp; icmp-type [ =0 =8 ]; icmp-code !=1; fragment [ !is-fragment ]; } then { discard; redirect 4200000000:7; action terminal; } }
	route f4ip { match { destination 10.8.2.0/24; protocol udp; tcp-flags [ !=rst ]; fragment [ =first-fragment ]; } then { redirect 192.0.2.9:5; action sample; } }
	route f6all { match { destination 2001:db8:8::/48; source 2001:db8:9::/64/16; next-header tcp; port =22; destination-port [ =22 =2222 ]; source-port >=1024; tcp-flags [ syn ]; packet-length <=1200; traffic-class =10; fragment [ first-fragment last-fragment ]; flow-label =12345; } then { rate-limit 1000000; mark 10; } }
	route f6icmp { match { destination 2001:db8:8:1::/64; next-header 58; icmp-type =128; icmp-code =0; } then { discard; action sample; } }
}"
# BIRD's rules toward bgpshieldd: BIRD's syntax, each with its action
# communities (BIRD's generic form: the high and low 32 bits).
B_FLOW4=(
	"route flow4 { dst 10.3.0.0/24; src 10.4.0.0/16; proto = 6 || = 17; port >= 1024 && <= 2048; dport = 80 || = 443; sport > 1023; icmp type = 8; icmp code = 0; tcp flags 0x02/0x02 || 0x12/0x3f; length >= 64 && <= 1500; dscp = 46; fragment is_fragment || dont_fragment; } { bgp_ext_community.add((generic, 0x80060000, 0x46160000)); bgp_ext_community.add((generic, 0x8008fdea, 0x64)); bgp_ext_community.add((generic, 0x80090000, 46)); bgp_ext_community.add((generic, 0x80070000, 3)); };"
	"route flow4 { dst 10.3.1.0/24; proto = 1; icmp type = 0 || = 8; } { bgp_ext_community.add((generic, 0x80060000, 0)); bgp_ext_community.add((generic, 0x8208fa56, 0xea000007)); bgp_ext_community.add((generic, 0x80070000, 1)); };"
	"route flow4 { dst 10.3.2.0/24; proto = 17; fragment !is_fragment; } { bgp_ext_community.add((generic, 0x8108c000, 0x2090005)); bgp_ext_community.add((generic, 0x80070000, 2)); bgp_ext_community.add((generic, 0x800c0000, 0x42c80000)); };"
)
B_FLOW6=(
	"route flow6 { dst 2001:db8:3::/48; src 2001:db8:4::/64 offset 16; next header = 6; port = 22; dport = 22; sport >= 1024; tcp flags 0x02/0x02; length <= 1200; dscp = 10; fragment first_fragment; label = 12345; } { bgp_ext_community.add((generic, 0x80060000, 0x49742400)); bgp_ext_community.add((generic, 0x80090000, 10)); };"
	"route flow6 { dst 2001:db8:3:1::/64; next header = 58; icmp type = 128; icmp code = 0; } { bgp_ext_community.add((generic, 0x80060000, 0)); };"
	# every IPv6 component, most with 8 operands: 246 octets, a 2-octet
	# NLRI length (RFC 8955 §4.1).  Flow labels below 65536: BIRD 2.0.12
	# writes a larger one modulo 65536 (its own table shows "label 0" for
	# "label = 65536").
	"route flow6 { dst 2001:db8:3:3::1/128; src 2001:db8:4::/48; next header = 6 || = 17 || = 1 || = 58 || = 132 || = 47 || = 50 || = 51; port = 1000 || = 1001 || = 1002 || = 1003 || = 1004 || = 1005 || = 1006 || = 1007; dport = 2000 || = 2001 || = 2002 || = 2003 || = 2004 || = 2005 || = 2006 || = 2007; sport = 3000 || = 3001 || = 3002 || = 3003 || = 3004 || = 3005 || = 3006 || = 3007; icmp type = 1 || = 2 || = 3 || = 4 || = 128 || = 129 || = 133 || = 134; icmp code = 0 || = 1 || = 2 || = 3 || = 4 || = 5 || = 6 || = 7; tcp flags 0x100/0x100 || 0x2/0x2 || 0x10/0x10 || 0x1/0x1 || 0x4/0x4 || 0x8/0x8 || 0x20/0x20 || 0x80/0x80; length = 300 || = 301 || = 302 || = 303 || = 304 || = 305 || = 306 || = 307; dscp = 1 || = 2 || = 3 || = 4 || = 5 || = 6 || = 7 || = 8; fragment first_fragment || last_fragment || is_fragment; label = 12340 || = 12341 || = 12342 || = 12343 || = 12344 || = 12345 || = 12346 || = 12347; } { bgp_ext_community.add((generic, 0x80060000, 0)); };"
)

# bird_flows TABLE: that table's routes in `show route table TABLE all`,
# one line a route: "NET | EXT-COMMUNITIES" (BIRD's own words), sorted.
bird_flows() {
	birdc_ show route table "$1" all 2>&1 | "$PY" -c '
import sys
rows, net, ext = [], None, ""
for l in sys.stdin:
    l = l.rstrip("\n")
    if l.startswith("flow"):
        if net is not None:
            rows.append("%s | %s" % (net, ext))
        net, ext = l[:l.rindex("}") + 1], ""
    elif l.strip().startswith("BGP.ext_community:"):
        ext = l.split(":", 1)[1].strip()
if net is not None:
    rows.append("%s | %s" % (net, ext))
for r in sorted(rows):
    print(r)
'
}

# What BIRD must show of bgpshieldd's rules (its `show route table ... all`,
# bird_flows' lines): every component and action community as sent, in
# BIRD's words.  BIRD writes a bitmask operator without the match bit
# ("any of these bits", RFC 8955 §4.2.1.2) as "!0x0/MASK" (not all of
# them clear), and a fragment one as "!!is_fragment"; an IPv6 prefix with
# an offset shows its bits below the offset as zero (RFC 8956 §3.1: they
# are not sent).
A_BIRD4=(
	"flow4 { dst 10.8.0.0/24; src 10.9.0.0/16; proto 6,17; port 1024..2048; dport 80,443; sport > 1023; icmp type 8; icmp code 0; tcp flags !0x0/0x2 && 0x0/0x10 || 0x11/0x11; length < 64 || 1400..1500; dscp 46; fragment !!is_fragment || !!dont_fragment; } | (generic, 0x80060000, 0x46160000) (generic, 0x80070000, 0x3) (generic, 0x8008fde8, 0x64) (generic, 0x80090000, 0x2e)"
	"flow4 { dst 10.8.1.0/24; proto 1; icmp type 0,8; icmp code != 1; fragment !is_fragment; } | (generic, 0x80060000, 0x0) (generic, 0x80070000, 0x1) (generic, 0x8208fa56, 0xea000007)"
	"flow4 { dst 10.8.2.0/24; proto 17; tcp flags !0x4/0x4; fragment first_fragment; } | (generic, 0x80070000, 0x2) (generic, 0x8108c000, 0x2090005)"
)
A_BIRD6=(
	"flow6 { dst 2001:db8:8::/48; src 0:db8:9::/64 offset 16; next header 6; port 22; dport 22,2222; sport >= 1024; tcp flags !0x0/0x2; length <= 1200; dscp 10; fragment !!first_fragment || !!last_fragment; label 12345; } | (generic, 0x80060000, 0x49742400) (generic, 0x80090000, 0xa)"
	"flow6 { dst 2001:db8:8:1::/64; next header 58; icmp type 128; icmp code 0; } | (generic, 0x80060000, 0x0) (generic, 0x80070000, 0x2)"
)
# What bgpshieldd's API JSON must show of BIRD's rules (B_FLOW4, B_FLOW6),
# flow_ev_rule's lines: "DESTINATION | string | communities" (a
# community's "string", or its value in hex where ExaBGP 4.2 has no word:
# traffic-rate-packets 0x800c, redirect to IPv4 0x8108).  BIRD writes its
# "0x12/0x3f" as match syn+ack, and none of fin, rst, push, urg.
B_FLOW_EV=(
	"10.3.0.0/24 | flow destination-ipv4 10.3.0.0/24 source-ipv4 10.4.0.0/16 protocol [ =tcp =udp ] port [ >=1024&<=2048 ] destination-port [ =80 =443 ] source-port >1023 icmp-type =echo-request icmp-code =0 tcp-flags [ =syn =syn+ack&!fin+rst+push+urg ] packet-length [ >=64&<=1500 ] dscp =46 fragment [ =is-fragment =dont-fragment ] | rate-limit:9600, action sample-terminal, redirect:65002:100, mark 46"
	"10.3.1.0/24 | flow destination-ipv4 10.3.1.0/24 protocol =icmp icmp-type [ =echo-reply =echo-request ] | rate-limit:0, action terminal, redirect:4200000000:7"
	"10.3.2.0/24 | flow destination-ipv4 10.3.2.0/24 protocol =udp fragment !is-fragment | action sample, 0x800c000042c80000, 0x8108c00002090005"
	"2001:db8:3::/48/0 | flow destination-ipv6 2001:db8:3::/48/0 source-ipv6 0:db8:4::/64/16 next-header =tcp port =22 destination-port =22 source-port >=1024 tcp-flags =syn packet-length <=1200 traffic-class =10 fragment =first-fragment flow-label =12345 | rate-limit:1000000, mark 10"
	"2001:db8:3:1::/64/0 | flow destination-ipv6 2001:db8:3:1::/64/0 next-header =unknown protocol type 58 icmp-type =unknown icmp type type 128 icmp-code =0 | rate-limit:0"
	"2001:db8:3:3::1/128/0 | flow destination-ipv6 2001:db8:3:3::1/128/0 source-ipv6 2001:db8:4::/48/0 next-header [ =tcp =udp =icmp =unknown protocol type 58 =sctp =gre =esp =ah ] port [ =1000 =1001 =1002 =1003 =1004 =1005 =1006 =1007 ] destination-port [ =2000 =2001 =2002 =2003 =2004 =2005 =2006 =2007 ] source-port [ =3000 =3001 =3002 =3003 =3004 =3005 =3006 =3007 ] icmp-type [ =unknown icmp type type 1 =unknown icmp type type 2 =unreachable =source-quench =unknown icmp type type 128 =unknown icmp type type 129 =unknown icmp type type 133 =unknown icmp type type 134 ] icmp-code [ =0 =1 =2 =3 =4 =5 =6 =7 ] tcp-flags [ =ns =syn =ack =fin =rst =push =urg =cwr ] packet-length [ =300 =301 =302 =303 =304 =305 =306 =307 ] traffic-class [ =1 =2 =3 =4 =5 =6 =7 =8 ] fragment [ =first-fragment =last-fragment =is-fragment ] flow-label [ =12340 =12341 =12342 =12343 =12344 =12345 =12346 =12347 ] | rate-limit:0"
)
# The same rules' components one by one in the JSON (ExaBGP 4.2's lists:
# a bitmask operand of several bits is one item a bit, and an ANDed item
# is glued to the one before).
B_FLOW_EV_COMP=(
	'10.3.0.0/24 source-ipv4 ["10.4.0.0/16"]'
	'10.3.0.0/24 protocol ["=tcp", "=udp"]'
	'10.3.0.0/24 port [">=1024&<=2048"]'
	'10.3.0.0/24 destination-port ["=80", "=443"]'
	'10.3.0.0/24 source-port [">1023"]'
	'10.3.0.0/24 icmp-type ["=echo-request"]'
	'10.3.0.0/24 icmp-code ["=0"]'
	'10.3.0.0/24 tcp-flags ["=syn", "=syn", "=ack&!fin", "&!rst", "&!push", "&!urg"]'
	'10.3.0.0/24 packet-length [">=64&<=1500"]'
	'10.3.0.0/24 dscp ["=46"]'
	'10.3.0.0/24 fragment ["=is-fragment", "=dont-fragment"]'
	'10.3.2.0/24 fragment ["not-a-fragment"]'
	'2001:db8:3::/48/0 source-ipv6 ["0:db8:4::/64/16"]'
	'2001:db8:3::/48/0 next-header ["=tcp"]'
	'2001:db8:3::/48/0 traffic-class ["=10"]'
	'2001:db8:3::/48/0 fragment ["=first-fragment"]'
	'2001:db8:3::/48/0 flow-label ["=12345"]'
)

# flow_ev_rule DESTINATION [COMPONENT]: the rule with that destination in
# the last UPDATE of bgpshieldd's API JSON (events.json) that announced
# or withdrew it: "DESTINATION | string | communities" (see B_FLOW_EV), or
# with COMPONENT "DESTINATION COMPONENT [...]" (its JSON list);
# "DESTINATION withdrawn" when the last was a withdrawal, "<absent>" when
# none names it.
flow_ev_rule() {
	"$PY" - "$FLOW_PDIR/events.json" "$1" "${2:-}" <<-'EOF'
		import json, sys
		path, dst, comp = sys.argv[1:4]
		last = "<absent>"
		try:
		    lines = open(path).read().splitlines()
		except OSError as e:
		    print("<error: %s>" % e); sys.exit(0)
		def dest(r):
		    return (r.get("destination-ipv4") or r.get("destination-ipv6") or [None])[0]
		for l in lines:
		    try:
		        u = json.loads(l)["neighbor"]["message"]["update"]
		    except (ValueError, KeyError, TypeError):
		        continue
		    ext = []
		    for c in (u.get("attribute") or {}).get("extended-community") or []:
		        ext.append(c.get("string") or "0x%016x" % c.get("value", 0))
		    for fam, v in (u.get("announce") or {}).items():
		        if not fam.endswith(" flow"):
		            continue
		        for r in [r for rs in v.values() for r in rs]:
		            if dest(r) != dst:
		                continue
		            if comp:
		                last = "%s %s %s" % (dst, comp, json.dumps(r.get(comp, "<absent>")))
		            else:
		                last = "%s | %s | %s" % (dst, r.get("string"), ", ".join(ext))
		    for fam, rs in (u.get("withdraw") or {}).items():
		        if fam.endswith(" flow") and any(dest(r) == dst for r in rs):
		            last = "%s withdrawn" % dst
		print(last)
	EOF
}
flow_ev_withdrawn() { [ "$(flow_ev_rule "$1")" = "$1 withdrawn" ]; }

# expect_flow_lines WHAT SEP TEXT LINE...: TEXT (a peer's rules, a line
# each) has each LINE exactly, the line found by LINE's text up to SEP.
expect_flow_lines() {
	local what=$1 sep=$2 text=$3 l k
	shift 3
	for l in "$@"; do
		k=${l%%"$sep"*}
		check_eq "$what: $k: every component and action intact" \
			"$l" "$(printf '%s\n' "$text" | grep -F "$k$sep")"
	done
}

# expect_bird_flows TABLE LINE...: BIRD's TABLE has each rule LINE (NET |
# communities) exactly.
expect_bird_flows() {
	expect_flow_lines "BIRD $1" " |" "$(bird_flows "$1")" "${@:2}"
}

# bird_has_dst TABLE DESTINATION: BIRD's TABLE has a rule for it.
bird_has_dst() { bird_flows "$1" | grep -F "{ dst $2;" >/dev/null; }
lacks() { ! "$@"; } # CMD...: CMD fails (for wait_for)

# flow_api_cycle PEER HAS... : a rule from the API (10.7.0.0/24, tcp, port
# 80, discard) reaches the peer (HAS... DESTINATION succeeds), then leaves
# it on "withdraw flow route".  FLOW_API_SEEN, when set, is a command run
# while the rule is there (the peer's view of it, checked in full).
FLOW_API_SEEN=
flow_api_cycle() {
	local peer=$1
	shift
	capture fs_api dctl 5 announce flow route destination 10.7.0.0/24 \
		protocol tcp destination-port =80 "then" rate-limit 0 ||
		fail "bgpshieldctl announce flow route ... then rate-limit 0" "$(err fs_api)"
	if wait_for "$T_ROUTES" "$@" 10.7.0.0/24; then
		pass "$peer has the API's rule (destination 10.7.0.0/24)"
		[ -n "$FLOW_API_SEEN" ] && $FLOW_API_SEEN
	else
		fail "$peer has the API's rule (destination 10.7.0.0/24) within ${T_ROUTES}s"
	fi
	capture fs_apiw dctl 5 withdraw flow route destination 10.7.0.0/24 \
		protocol tcp destination-port =80 ||
		fail "bgpshieldctl withdraw flow route" "$(err fs_apiw)"
	if wait_for "$T_ROUTES" lacks "$@" 10.7.0.0/24; then
		pass "$peer: the API's rule is gone after withdraw flow route"
	else
		fail "$peer: the API's rule is gone within ${T_ROUTES}s"
	fi
}

# flow_reload_drop PEER HAS...: bgpshieldd's config loses rule f4ip
# (10.8.2.0/24) and is reloaded: the peer loses that rule only.
flow_reload_drop() {
	local peer=$1 d
	shift
	SHIELD_FLOW_CFG=$(printf '%s\n' "$SHIELD_FLOW_CFG" | grep -v 'route f4ip ')
	write_shield_conf "$SHIELD_MODE" "$KEY" v4 || die_test "rewrite bgpshieldd's config"
	capture fs_reload dctl 10 reload || fail "bgpshieldctl reload" "$(err fs_reload)"
	if wait_for "$T_ROUTES" lacks "$@" 10.8.2.0/24; then
		pass "$peer: the rule the config lost on reload (f4ip, 10.8.2.0/24) is withdrawn"
	else
		fail "$peer: the rule the config lost on reload is withdrawn within ${T_ROUTES}s"
	fi
	for d in 10.8.0.0/24 10.8.1.0/24; do
		check "$peer still has the config's rule $d after the reload" "$@" "$d"
	done
}

# An IPv6 rule from the API with every component and 8 operands in most:
# 254 octets, sent with a 2-octet NLRI length (RFC 8955 §4.1).
A_FLOW_LONG="destination 2001:db8:8:3::/64 source 2001:db8:7::/48 next-header [ =6 =17 =1 =58 =132 =47 =50 =51 ] port [ =1000 =1001 =1002 =1003 =1004 =1005 =1006 =1007 ] destination-port [ =2000 =2001 =2002 =2003 =2004 =2005 =2006 =2007 ] source-port [ =3000 =3001 =3002 =3003 =3004 =3005 =3006 =3007 ] icmp-type [ =1 =2 =3 =4 =128 =129 =133 =134 ] icmp-code [ =0 =1 =2 =3 =4 =5 =6 =7 ] tcp-flags [ ns syn ack fin rst push urg cwr ] packet-length [ =300 =301 =302 =303 =304 =305 =306 =307 ] traffic-class [ =1 =2 =3 =4 =5 =6 =7 =8 ] fragment [ first-fragment last-fragment is-fragment ] flow-label [ =65536 =65537 =65538 =65539 =65540 =65541 =65542 =65543 ]"
# What BIRD shows of it: its CLI cuts a rule's text at about 250
# characters (" ...}"), so the components after the ICMP types do not
# show; the session staying up and the rule imported are the rest.
A_BIRD_LONG="flow6 { dst 2001:db8:8:3::/64; src 2001:db8:7::/48; next header 6,17,1,58,132,47,50,51; port 1000,1001,1002,1003,1004,1005,1006,1007; dport 2000,2001,2002,2003,2004,2005,2006,2007; sport 3000,3001,3002,3003,3004,3005,3006,3007; icmp type 1,2,3,4,128,1 ...} | (generic, 0x80060000, 0x0)"

bird_api_rule_intact() {
	expect_bird_flows flowtab4 \
		"flow4 { dst 10.7.0.0/24; proto 6; dport 80; } | (generic, 0x80060000, 0x0)"
}

t_bird_flowspec() {
	local l n w
	need_bird
	ensure_user
	topo_interop || die_test "topology set up"
	flow_rec_setup
	SHIELD_FLOW=1
	SHIELD_FLOW_CFG=$A_FLOW_CFG
	SHIELD_MODE=passive
	BIRD_FLOW=1
	write_shield_conf "$SHIELD_MODE" "$KEY" v4 || die_test "write bgpshieldd's config"
	write_bird_conf active "$KEY" v4
	daemon_start
	bird_start
	expect_bird_up4 "IPv4 session with flow4 and flow6 established (bgpshieldd passive, BIRD active)"

	# bgpshieldd -> BIRD: the config's 3 IPv4 and 2 IPv6 rules, as BIRD
	# decoded them
	if wait_for "$T_ROUTES" bird_chan_imported_is shield4 flow4 3 &&
		wait_for 2 bird_chan_imported_is shield4 flow6 2; then
		pass "BIRD: flow4 imported bgpshieldd's 3 rules, flow6 its 2"
	else
		fail "BIRD: flow4 imported 3 and flow6 2 rules within ${T_ROUTES}s" \
			"flow4: $(bird_chan_imported shield4 flow4), flow6: $(bird_chan_imported shield4 flow6)
$(bird_why shield4)"
	fi
	expect_bird_flows flowtab4 "${A_BIRD4[@]}"
	expect_bird_flows flowtab6 "${A_BIRD6[@]}"
	check_eq "bgpshieldd: flows_originated to $B4" 5 "$(nb "$B4" flows_originated)"

	# BIRD -> bgpshieldd: its 3 + 2 rules in the Adj-RIB-In and, each
	# with all its components and actions, in the API JSON
	expect_flows_in "$B4" 6 "BIRD's 3 flow4 and 3 flow6 rules"
	for l in "${B_FLOW_EV[@]}"; do
		check_eq "bgpshieldd's API JSON: BIRD's rule ${l%% | *}, its string and action communities" \
			"$l" "$(flow_ev_rule "${l%% | *}")"
	done
	for l in "${B_FLOW_EV_COMP[@]}"; do
		n=${l#* }
		check_eq "bgpshieldd's API JSON: BIRD's rule ${l%% *}, ${n%% *}" \
			"$l" "$(flow_ev_rule "${l%% *}" "${n%% *}")"
	done

	# Withdrawals, ours: one rule from the API comes and goes; one the
	# config loses on reload goes, the others stay intact
	FLOW_API_SEEN=bird_api_rule_intact
	flow_api_cycle BIRD bird_has_dst flowtab4
	# a rule of 240 octets and more: the 2-octet NLRI length
	read -ra w <<<"$A_FLOW_LONG"
	capture fs_long dctl 5 announce flow route "${w[@]}" "then" discard ||
		fail "bgpshieldctl announce flow route (the long IPv6 rule)" "$(err fs_long)"
	if wait_for "$T_ROUTES" bird_has_dst flowtab6 2001:db8:8:3::/64; then
		expect_bird_flows flowtab6 "$A_BIRD_LONG"
	else
		fail "BIRD: flowtab6 has the API's long rule within ${T_ROUTES}s" \
			"$(bird_flows flowtab6)"
	fi
	capture fs_longw dctl 5 withdraw flow route "${w[@]}" ||
		fail "bgpshieldctl withdraw flow route (the long IPv6 rule)" "$(err fs_longw)"
	if wait_for "$T_ROUTES" lacks bird_has_dst flowtab6 2001:db8:8:3::/64; then
		pass "BIRD: the API's long rule is gone after withdraw flow route"
	else
		fail "BIRD: the API's long rule is gone within ${T_ROUTES}s"
	fi
	flow_reload_drop BIRD bird_has_dst flowtab4
	expect_bird_flows flowtab4 "${A_BIRD4[0]}" "${A_BIRD4[1]}"
	expect_bird_flows flowtab6 "${A_BIRD6[@]}"

	# Withdrawals, BIRD's: its flow4 statics, then its flow6 ones
	capture fs_dis4 birdc_ disable sf4 || fail "birdc disable sf4" "$(err fs_dis4)"
	expect_flows_in "$B4" 3 "BIRD withdrew its flow4 rules"
	for l in 10.3.0.0/24 10.3.1.0/24 10.3.2.0/24; do
		check "bgpshieldd's API JSON: BIRD withdrew $l" flow_ev_withdrawn "$l"
	done
	check_eq "bgpshieldd's API JSON: BIRD's IPv6 rule still announced" \
		"${B_FLOW_EV[3]}" "$(flow_ev_rule 2001:db8:3::/48/0)"
	capture fs_dis6 birdc_ disable sf6 || fail "birdc disable sf6" "$(err fs_dis6)"
	expect_flows_in "$B4" 0 "BIRD withdrew its flow6 rules"
	for l in 2001:db8:3::/48/0 2001:db8:3:1::/64/0 2001:db8:3:3::1/128/0; do
		check "bgpshieldd's API JSON: BIRD withdrew $l" flow_ev_withdrawn "$l"
	done
	check_eq "bgpshieldd is still established with $B4" established "$(nb "$B4" state)"
	check_eq "BIRD's shield4 is still Established" Established \
		"$(bird_field shield4 "BGP state")"
}

# --- flowspec toward FRR ------------------------------------------------------------

# FRR's bgpd (Debian package frr) alone in the peer namespace: no zebra
# (-Z), its config, pid file and vty socket in T_DIR, no vty TCP port (-P
# 0), root without the user switch (-S).  FRR receives and shows flowspec
# but has no way to originate it: only our direction is testable.
FRR_BGPD=${FRR_BGPD:-/usr/lib/frr/bgpd}

need_frr() {
	need_daemon
	if [ ! -x "$FRR_BGPD" ] || ! command -v vtysh >/dev/null; then
		skip "$FRR_BGPD or vtysh not found: make deps (Debian package frr)"
	fi
}

# write_frr_conf KEY: FRR passive on the v4 address, ipv4 unicast and both
# flowspec families, MD5 and GTSM (ttl-security hops 1: it sends TTL 255).
write_frr_conf() {
	cat >"$T_DIR/bgpd.conf" <<-EOF
		! FRR side of the bgpshield interop selftest $RUN_ID
		frr defaults traditional
		hostname frr-peer
		log stdout informational
		!
		router bgp $AS_B
		 bgp router-id $B4
		 no bgp ebgp-requires-policy
		 timers bgp 3 $HOLD
		 neighbor $A4 remote-as $AS_A
		 neighbor $A4 password $1
		 neighbor $A4 ttl-security hops 1
		 neighbor $A4 passive
		 !
		 address-family ipv4 flowspec
		  neighbor $A4 activate
		 exit-address-family
		 !
		 address-family ipv6 flowspec
		  neighbor $A4 activate
		 exit-address-family
		!
	EOF
	chmod 600 "$T_DIR/bgpd.conf"
}

vtysh_() { bounded 5 vtysh --vty_socket "$T_DIR" "$@"; }

frr_up() { vtysh_ -c "show bgp summary" >/dev/null 2>&1; }

frr_start() {
	# bgpd keeps a folder a process under /var/tmp/frr (crash logs):
	# a tmpfs of its own there, in a mount namespace of its own, leaves
	# nothing on the host.  ip netns exec, unshare and sh each exec the
	# next: the pid recorded is bgpd's.
	bg_start frr ip netns exec "$NS_PEER" unshare -m --propagation private \
		sh -c 'mount -t tmpfs -o size=4m,mode=0700 bgps-frr /var/tmp &&
			exec "$@"' sh "$FRR_BGPD" -Z -S -P 0 \
		-f "$T_DIR/bgpd.conf" -i "$T_DIR/bgpd.pid" \
		--vty_socket "$T_DIR" --log stdout
	wait_for 10 frr_up ||
		die_test "FRR's bgpd starts and answers on its vty socket" \
			"$(tail -n 20 "$T_DIR/frr.log")"
}

# frr_flows FAMILY: FRR's flowspec table (`show bgp ipv4|ipv6 flowspec
# detail json`: one JSON array a rule, concatenated), a line a rule,
# sorted: "to=DST; KEY=VALUE; ... | ACTIONS" in FRR's own words.
frr_flows() {
	vtysh_ -c "show bgp $1 flowspec detail json" 2>&1 | "$PY" -c '
import json, sys
t = sys.stdin.read()
dec, i, rows = json.JSONDecoder(), 0, []
while True:
    while i < len(t) and t[i] in " \t\r\n":
        i += 1
    if i >= len(t):
        break
    try:
        e, i = dec.raw_decode(t, i)
    except ValueError:
        print("<error: not JSON: %s>" % t[i:i + 200]); sys.exit(0)
    if not isinstance(e, list) or not e or not isinstance(e[0], dict):
        continue
    comp = "; ".join("%s=%s" % (k, str(v).strip()) for k, v in e[0].items())
    act = " ".join(str(d.get("ecomlist", "")) for d in e[1:] if isinstance(d, dict) and "ecomlist" in d)
    rows.append("%s | %s" % (comp, act))
for r in sorted(rows):
    print(r)
'
}
# frr_has_dst FAMILY DESTINATION: FRR has a rule for it.
frr_has_dst() { frr_flows "$1" | grep -E "^to=$2(/off 0)?;" >/dev/null; }

# What FRR must show of bgpshieldd's rules (frr_flows' lines).  FRR 8.4
# writes ANDed and ORed numeric operands alike (","), a bitmask operator
# without the match bit as "∋" (any of), and every traffic-action value
# as "FS:action eval stops" (the S and T bits do not show); it shows a
# redirect of each form as "FS:redirect VRF RT:...".  Two of A_FLOW_CFG's
# rules are changed for it (frr_flow_cfg): FRR 8.4 refuses what RFC 8955
# and RFC 8956 allow and resets the session.
A_FRR4=(
	"to=10.8.0.0/24; from=10.9.0.0/16; proto== 6 , = 17; port=>= 1024 , <= 2048; dstp== 80 , = 443; srcp=> 1023; type== 8; code== 0; tcp=∋ 2,&∋ ! 16,|= 17; pktlen=< 64 , >= 1400 , <= 1500; dscp== 46; pktfrag=∋ 2,|∋ 1 | FS:rate 9600.000000 FS:action eval stops FS:redirect VRF RT:65000:100 FS:marking 46"
	"to=10.8.1.0/24; proto== 1; type== 0 , = 8; code=<= 1; pktfrag=∋ ! 2 | FS:rate 0.000000 FS:action eval stops FS:redirect VRF RT:4200000000:7"
	"to=10.8.2.0/24; proto== 17; tcp== ! 4; pktfrag== 4 | FS:action eval stops FS:redirect VRF RT:192.0.2.9:5"
)
A_FRR6=(
	"to=2001:db8:8:1::/64/off 0; proto== 58; type== 128; code== 0 | FS:rate 0.000000 FS:action eval stops"
	"to=2001:db8:8::/48/off 0; from=2001:db8:9::/64/off 0; proto== 6; port== 22; dstp== 22 , = 2222; srcp=>= 1024; tcp=∋ 2; pktlen=<= 1200; dscp== 10; pktfrag=∋ 4,|∋ 8; flwlbl== 12345 | FS:rate 1000000.000000 FS:marking 10"
)

# A_FLOW_CFG as FRR 8.4 takes it: its numeric operator decoder refuses
# lt and gt together ("!=", also "true"), and it reads an IPv6 prefix
# with an offset as if the pattern had all `length` bits (RFC 8956 §3.1:
# length minus offset), so the framing breaks; either makes it send a
# NOTIFICATION (UPDATE Message Error) and drop the session.  Here
# "icmp-code <=1" and the source without offset instead.  (It also
# refuses more than 5 operators in a component: A_FLOW_LONG is not for
# it.)
frr_flow_cfg() {
	local c=${A_FLOW_CFG/icmp-code !=1;/icmp-code <=1;}
	printf '%s\n' "${c/2001:db8:9::\/64\/16/2001:db8:9::/64}"
}

# expect_frr_flows FAMILY LINE...: FRR has each rule LINE exactly.
expect_frr_flows() {
	expect_flow_lines "FRR $1 flowspec" ";" "$(frr_flows "$1")" "${@:2}"
}

# What FRR says of the session, for failure messages.
frr_why() {
	vtysh_ -c "show bgp neighbors $A4" 2>&1 |
		grep -E 'BGP state|Last reset|Notification' | sed 's/^/  FRR: /'
}

frr_established() {
	vtysh_ -c "show bgp neighbors $A4 json" 2>/dev/null |
		grep -q '"bgpState":"Established"'
}

frr_api_rule_intact() {
	expect_frr_flows ipv4 "to=10.7.0.0/24; proto== 6; dstp== 80 | FS:rate 0.000000"
}

t_frr_flowspec() {
	need_frr
	ensure_user
	topo_interop || die_test "topology set up"
	flow_rec_setup
	SHIELD_FLOW=1
	SHIELD_FLOW_CFG=$(frr_flow_cfg)
	SHIELD_MODE=active
	write_shield_conf "$SHIELD_MODE" "$KEY" v4 || die_test "write bgpshieldd's config"
	write_frr_conf "$KEY"
	frr_start
	daemon_start
	expect_up4 "IPv4 session with ipv4 and ipv6 flowspec established (bgpshieldd active, FRR passive, MD5, GTSM)" \
		frr_why frr_established
	if wait_for "$T_ROUTES" frr_has_dst ipv4 10.8.2.0/24 &&
		wait_for 2 frr_has_dst ipv6 2001:db8:8::/48; then
		pass "FRR: bgpshieldd's rules arrived"
	else
		fail "FRR: bgpshieldd's rules arrived within ${T_ROUTES}s" \
			"$(frr_flows ipv4; frr_flows ipv6)"
	fi
	check_eq "FRR: ipv4 flowspec rules" 3 "$(frr_flows ipv4 | grep -c '^to=')"
	check_eq "FRR: ipv6 flowspec rules" 2 "$(frr_flows ipv6 | grep -c '^to=')"
	expect_frr_flows ipv4 "${A_FRR4[@]}"
	expect_frr_flows ipv6 "${A_FRR6[@]}"

	# Withdrawals: the API's rule comes and goes; the config loses f4ip
	FLOW_API_SEEN=frr_api_rule_intact
	flow_api_cycle FRR frr_has_dst ipv4
	flow_reload_drop FRR frr_has_dst ipv4
	expect_frr_flows ipv4 "${A_FRR4[0]}" "${A_FRR4[1]}"
	expect_frr_flows ipv6 "${A_FRR6[@]}"
	check_eq "bgpshieldd is still established with $B4" established "$(nb "$B4" state)"
	check "FRR is still established" frr_established
}

# --- flowspec (RFC 8955) from GoBGP ------------------------------------------------

# GoBGP originates a flowspec rule (its CLI); bgpshieldd negotiates <1, 133>,
# keeps the rule in the neighbor's Adj-RIB-In (show neighbor: flows_in) and
# hands it to its API process in ExaBGP 4.2's JSON; GoBGP's withdrawal
# removes it.  (Our rules toward GoBGP need the config's flow block or the
# API's "announce flow", which other work adds.)
FLOW_PDIR=""
flows_in_is() { [ "$(nb "$1" flows_in)" = "$2" ]; } # ADDR N
flow_ev_has() { grep -qF "$1" "$FLOW_PDIR/events.json" 2>/dev/null; }

# gobgp_flow_has PREFIX: GoBGP's ipv4-flowspec RIB names that destination.
gobgp_flow_has() {
	gobgp_ global rib -a ipv4-flowspec 2>&1 | grep -qF "$1"
}
gobgp_flow_lacks() { ! gobgp_flow_has "$1"; }

# The guard's flowspec rules (bgpshieldctl guard flowspec -j): one with
# destination PREFIX is in force / is not (the read itself must work).
fs_guard_has() { gctl guard flowspec -j 2>/dev/null | grep -qF "\"destination $1 "; }
fs_guard_lacks() {
	local j
	j=$(gctl guard flowspec -j 2>/dev/null) || return 1
	! grep -qF "\"destination $1 " <<<"$j"
}
# GoBGP holds 16 rules for 10.6.0.0/24 (t_gobgp_flowspec_dirs)
gobgp_16() { [ "$(gobgp_ global rib -a ipv4-flowspec 2>&1 | grep -c '10.6.0.0/24')" = 16 ]; }
# fs_dropped PREFIX: packets dropped by the rules with that destination.
fs_dropped() {
	gctl guard flowspec -j 2>/dev/null | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
print(sum(r["dropped_packets"] for r in d["rules"]
          if r["rule"].startswith("destination " + sys.argv[1] + " ")))' "$1"
}
# fs_connect ADDR PORT: TCP from GoBGP's namespace to the edge's echo
# servers; prints nettool's exit code (0 answered, 3 timed out).
fs_connect() {
	in_ns "$NS_PEER" "$PY" "$NETTOOL" connect "$1" "$2" --timeout 2 \
		>/dev/null 2>&1
	echo $?
}
# fs_udp ADDR PORT N: N datagrams from GoBGP's namespace.
fs_udp() {
	in_ns "$NS_PEER" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[3])):
    s.sendto(b"x" * 64, (sys.argv[1], int(sys.argv[2])))' "$1" "$2" "$3"
}

t_gobgp_flowspec() {
	local j
	need_gobgp
	ensure_user
	topo_interop || die_test "topology set up"
	flow_rec_setup
	SHIELD_FLOW=1
	GOBGP_FLOW=1
	write_shield_conf passive "$KEY" v4 || die_test "write bgpshieldd's config"
	write_gobgp_conf active "$KEY" v4
	daemon_start
	gobgp_start
	if wait_for "$T_UP" established "$B4" && wait_for 3 gobgp_established; then
		pass "IPv4 session with ipv4-flowspec established (bgpshieldd passive, GoBGP active) within ${T_UP}s"
	else
		die_test "IPv4 session with ipv4-flowspec established within ${T_UP}s" \
			"$(nb_why "$B4")
$(gobgp_why)"
	fi
	# bgpshieldd's own rule from its config: at GoBGP, and in the guard
	if wait_for "$T_ROUTES" gobgp_flow_has 10.8.0.0/24; then
		pass "GoBGP: ipv4-flowspec rib has bgpshieldd's rule (destination 10.8.0.0/24, udp, port 53, discard)"
	else
		fail "GoBGP: ipv4-flowspec rib has bgpshieldd's rule within ${T_ROUTES}s" \
			"$(gobgp_ global rib -a ipv4-flowspec 2>&1 | head -5)"
	fi
	j=$(gctl guard flowspec -j 2>&1)
	check_match "bgpshieldctl guard flowspec: the config's rule is enforced (flowspec { enforce; })" \
		'10\.8\.0\.0/24' "$j"
	# Traffic for the rules below: 10.7.0.1 and 10.9.0.1 are the edge's,
	# routed from GoBGP's namespace through veth-a (the guard's); echo
	# servers on 80 (the API rule's port) and 8080 (no rule's).
	ip -n "$NS_EDGE" addr add 10.7.0.1/32 dev lo &&
		ip -n "$NS_EDGE" addr add 10.9.0.1/32 dev lo &&
		ip -n "$NS_PEER" route add 10.7.0.0/24 via "$A4" &&
		ip -n "$NS_PEER" route add 10.9.0.0/24 via "$A4" ||
		die_test "addresses and routes for the flowspec traffic"
	bg_start echo80 ip netns exec "$NS_EDGE" "$PY" "$NETTOOL" serve 80
	bg_start echo8080 ip netns exec "$NS_EDGE" "$PY" "$NETTOOL" serve 8080
	wait_for 5 in_ns "$NS_EDGE" sh -c 'ss -Hltn "sport = :8080" | grep -q . &&
		ss -Hltn "sport = :80" | grep -q .' || die_test "echo servers on 80 and 8080"
	check_eq "before the API's rule: TCP to 10.7.0.1:80 answered" 0 "$(fs_connect 10.7.0.1 80)"
	# and one from the API (a detector's line), ExaBGP's one-line form
	capture fs_api dctl 5 announce flow route destination 10.7.0.0/24 \
		protocol tcp destination-port =80 then rate-limit 0 ||
		fail "bgpshieldctl announce flow route ... then rate-limit 0" "$(err fs_api)"
	if wait_for "$T_ROUTES" gobgp_flow_has 10.7.0.0/24; then
		pass "GoBGP: ipv4-flowspec rib has the API's rule (destination 10.7.0.0/24)"
	else
		fail "GoBGP: ipv4-flowspec rib has the API's rule within ${T_ROUTES}s" \
			"$(gobgp_ global rib -a ipv4-flowspec 2>&1 | head -5)"
	fi
	# with flowspec { enforce; } the API's rule is enforced too
	if wait_for 5 fs_guard_has 10.7.0.0/24; then
		pass "bgpshieldctl guard flowspec: the API's rule is enforced"
	else
		fail "bgpshieldctl guard flowspec: the API's rule is enforced within 5s" \
			"$(gctl guard flowspec 2>&1)"
	fi
	check_eq "with the API's rule: TCP to 10.7.0.1:80 dropped (times out)" 3 "$(fs_connect 10.7.0.1 80)"
	j=$(fs_dropped 10.7.0.0/24)
	if [[ $j =~ ^[0-9]+$ ]] && [ "$j" -ge 1 ]; then
		pass "the API rule's dropped_packets counts the SYNs ($j)"
	else
		fail "the API rule's dropped_packets counts the SYNs" "got '$j'"
	fi
	check_eq "with the API's rule: TCP to 10.7.0.1:8080 (no rule) answered" 0 "$(fs_connect 10.7.0.1 8080)"
	j=$(dctl 5 show flowspec 2>&1)
	check_match "show flowspec: the API's rule, origin api, toward $B4" \
		"api +$B4 +match \{ destination 10\.7\.0\.0/24; protocol =tcp; destination-port =80; \} then \{ (discard|rate-limit 0); \}" "$j"
	check_match "show flowspec: the config's rule, origin config" "config +$B4 +match \{ destination 10\.8\.0\.0/24;" "$j"
	check_eq "with the API's rule: the session with $B4 stays established" established "$(nb "$B4" state)"
	capture fs_apiw dctl 5 withdraw flow route destination 10.7.0.0/24 \
		protocol tcp destination-port =80 ||
		fail "bgpshieldctl withdraw flow route" "$(err fs_apiw)"
	if wait_for "$T_ROUTES" gobgp_flow_lacks 10.7.0.0/24; then
		pass "GoBGP: the API's rule is gone after withdraw flow route"
	else
		fail "GoBGP: the API's rule is gone within ${T_ROUTES}s" \
			"$(gobgp_ global rib -a ipv4-flowspec 2>&1 | head -5)"
	fi
	if wait_for 5 fs_guard_lacks 10.7.0.0/24; then
		pass "bgpshieldctl guard flowspec: the withdrawn API rule is no longer enforced"
	else
		fail "the withdrawn API rule leaves the guard within 5s" \
			"$(gctl guard flowspec 2>&1)"
	fi
	check_eq "after the withdrawal: TCP to 10.7.0.1:80 answered again" 0 "$(fs_connect 10.7.0.1 80)"
	check_match "the config's rule stayed enforced" '10\.8\.0\.0/24' "$(gctl guard flowspec -j 2>&1)"
	capture fs_add gobgp_ global rib -a ipv4-flowspec add match \
		destination 10.9.0.0/24 protocol udp destination-port ==53 then discard ||
		die_test "gobgp global rib -a ipv4-flowspec add ... then discard" "$(err fs_add)"
	if wait_for "$T_ROUTES" flows_in_is "$B4" 1; then
		pass "bgpshieldd: flows_in from $B4 is 1 (GoBGP's rule in the Adj-RIB-In)"
	else
		fail "bgpshieldd: flows_in from $B4 is 1 within ${T_ROUTES}s" \
			"$(nb_why "$B4"); flows_in=$(nb "$B4" flows_in)"
	fi
	# GoBGP's rule, received, enforced (enforce; is both directions)
	if wait_for 5 fs_guard_has 10.9.0.0/24; then
		pass "bgpshieldctl guard flowspec: GoBGP's rule (received) is enforced"
	else
		fail "bgpshieldctl guard flowspec: GoBGP's rule is enforced within 5s" \
			"$(gctl guard flowspec 2>&1)"
	fi
	check_match "show flowspec -j: GoBGP's rule, origin received" \
		'"origin":"received","neighbor":"'"$B4"'","match":"destination 10\.9\.0\.0/24; ' \
		"$(dctl 5 -j show flowspec 2>&1)"
	fs_udp 10.9.0.1 53 20
	fs_udp 10.9.0.1 54 5
	j=$(fs_dropped 10.9.0.0/24)
	check_eq "GoBGP's rule dropped the 20 datagrams to 10.9.0.1:53 (not those to :54)" 20 "$j"
	for j in '"announce": { "ipv4 flow": { "no-nexthop": [ { "destination-ipv4": [ "10.9.0.0/24" ], "protocol": [ "=udp" ], "destination-port": [ "=53" ], "string": "flow destination-ipv4 10.9.0.0/24 protocol =udp destination-port =53" } ] } }' \
		'"string": "rate-limit:0"'; do
		if wait_for "$T_ROUTES" flow_ev_has "$j"; then
			pass "bgpshieldd's API JSON has: $j"
		else
			fail "bgpshieldd's API JSON has: $j" \
				"$(tail -c 1500 "$FLOW_PDIR/events.json" 2>&1)"
		fi
	done
	# RFC 8956 over the same session: an IPv6 rule
	capture fs_add6 gobgp_ global rib -a ipv6-flowspec add match \
		destination 2001:db8:9::/48 then discard ||
		die_test "gobgp global rib -a ipv6-flowspec add ... then discard" "$(err fs_add6)"
	if wait_for "$T_ROUTES" flows_in_is "$B4" 2; then
		pass "bgpshieldd: flows_in from $B4 is 2 (GoBGP's IPv6 rule too)"
	else
		fail "bgpshieldd: flows_in from $B4 is 2 within ${T_ROUTES}s" \
			"flows_in=$(nb "$B4" flows_in)"
	fi
	j='"announce": { "ipv6 flow": { "no-nexthop": [ { "destination-ipv6": [ "2001:db8:9::/48/0" ], "string": "flow destination-ipv6 2001:db8:9::/48/0" } ] } }'
	if wait_for "$T_ROUTES" flow_ev_has "$j"; then
		pass "bgpshieldd's API JSON has: $j"
	else
		fail "bgpshieldd's API JSON has: $j" \
			"$(tail -c 1500 "$FLOW_PDIR/events.json" 2>&1)"
	fi
	capture fs_del6 gobgp_ global rib -a ipv6-flowspec del match \
		destination 2001:db8:9::/48 ||
		fail "gobgp global rib -a ipv6-flowspec del" "$(err fs_del6)"
	capture fs_del gobgp_ global rib -a ipv4-flowspec del match \
		destination 10.9.0.0/24 protocol udp destination-port ==53 ||
		fail "gobgp global rib -a ipv4-flowspec del" "$(err fs_del)"
	if wait_for "$T_ROUTES" flows_in_is "$B4" 0; then
		pass "bgpshieldd: GoBGP's withdrawal empties flows_in"
	else
		fail "bgpshieldd: flows_in from $B4 back to 0 within ${T_ROUTES}s" \
			"flows_in=$(nb "$B4" flows_in)"
	fi
	if wait_for 5 fs_guard_lacks 10.9.0.0/24; then
		pass "bgpshieldctl guard flowspec: GoBGP's withdrawn rule is no longer enforced"
	else
		fail "GoBGP's withdrawn rule leaves the guard within 5s" \
			"$(gctl guard flowspec 2>&1)"
	fi
	j='"withdraw": { "ipv4 flow": [ { "destination-ipv4": [ "10.9.0.0/24" ]'
	if wait_for "$T_ROUTES" flow_ev_has "$j"; then
		pass "bgpshieldd's API JSON has the withdrawal: $j"
	else
		fail "bgpshieldd's API JSON has the withdrawal: $j" \
			"$(tail -c 1500 "$FLOW_PDIR/events.json" 2>&1)"
	fi
	check_eq "bgpshieldd is still established with $B4" established "$(nb "$B4" state)"
}

# enforce received / enforce announced, switched by a reload; the guard's
# limit of 16 rules a destination refusing the 17th API announcement
# before GoBGP gets it.
t_gobgp_flowspec_dirs() {
	local j i n
	need_gobgp
	ensure_user
	topo_interop || die_test "topology set up"
	chmod 0711 "$WORK_DIR" "$T_DIR" || die_test "open $T_DIR to $DUSER"
	FLOW_PDIR=$T_DIR/p
	mkdir -p "$FLOW_PDIR" && chown "$DUSER:" "$FLOW_PDIR" &&
		chmod 0755 "$FLOW_PDIR" || die_test "make $FLOW_PDIR"
	printf 'import sys\nfor line in sys.stdin:\n    pass\n' >"$FLOW_PDIR/rec.py"
	# a detector, as an operator would write one: it announces a
	# discard rule for the flood it sees (here: when FLOW_PDIR/go
	# appears) and withdraws it when the flood is over (FLOW_PDIR/stop)
	cat >"$FLOW_PDIR/detector.py" <<-'EOF'
		import os, sys, time
		d = sys.argv[1]
		rule = "flow route destination 10.5.0.0/24 protocol udp destination-port =123"
		for name, verb in (("go", "announce"), ("stop", "withdraw")):
		    while not os.path.exists(os.path.join(d, name)):
		        time.sleep(0.1)
		    extra = " then discard" if verb == "announce" else ""
		    sys.stdout.write("%s %s%s\n" % (verb, rule, extra))
		    sys.stdout.flush()
		while True:
		    time.sleep(60)
	EOF
	chmod 0644 "$FLOW_PDIR/rec.py" "$FLOW_PDIR/detector.py"
	SHIELD_DETECTOR=1
	SHIELD_FLOW=1
	GOBGP_FLOW=1
	SHIELD_FLOW_ENF="enforce received;"
	write_shield_conf passive "$KEY" v4 || die_test "write bgpshieldd's config"
	write_gobgp_conf active "$KEY" v4
	daemon_start
	gobgp_start
	wait_for "$T_UP" established "$B4" && wait_for 3 gobgp_established ||
		die_test "IPv4 session with ipv4-flowspec established within ${T_UP}s" \
			"$(nb_why "$B4")"
	capture fs_add gobgp_ global rib -a ipv4-flowspec add match \
		destination 10.9.0.0/24 protocol udp destination-port ==53 'then' discard ||
		die_test "gobgp global rib -a ipv4-flowspec add ... then discard" "$(err fs_add)"
	if wait_for "$T_ROUTES" fs_guard_has 10.9.0.0/24; then
		pass "enforce received: GoBGP's rule is enforced"
	else
		fail "enforce received: GoBGP's rule is enforced within ${T_ROUTES}s" \
			"$(gctl guard flowspec 2>&1)"
	fi
	# a rule without a destination (all of our addresses) is outside
	# the bounds we put on our own: kept, not enforced, audited
	capture fs_nodst gobgp_ global rib -a ipv4-flowspec add match \
		protocol gre 'then' discard ||
		fail "gobgp global rib -a ipv4-flowspec add match protocol gre" "$(err fs_nodst)"
	if wait_for "$T_ROUTES" grep -q '"flowspec_not_enforced".*destination none.*without a destination' "$T_DIR/a.audit"; then
		pass "a received rule without a destination is audited as not enforced"
	else
		fail "a received rule without a destination is audited as not enforced" \
			"$(tail -n 5 "$T_DIR/a.audit" 2>&1)"
	fi
	j=$(gctl guard flowspec -j 2>&1)
	if [[ $j == *'"rules":['* && $j != *'=47'* ]]; then
		pass "the rule without a destination is not in the guard"
	else
		fail "the rule without a destination is not in the guard" "$j"
	fi
	capture fs_nodst_del gobgp_ global rib -a ipv4-flowspec del match protocol gre
	# 17 rules from GoBGP for one /24: the guard takes 16, the 17th is
	# kept in the Adj-RIB-In, not enforced, audited; the session stays
	for i in $(seq 1 17); do
		gobgp_ global rib -a ipv4-flowspec add match destination 10.4.0.0/24 \
			protocol udp destination-port "==$i" 'then' discard >/dev/null 2>&1 ||
			fail "gobgp global rib -a ipv4-flowspec add (10.4.0.0/24, port $i)"
	done
	if wait_for "$T_ROUTES" flows_in_is "$B4" 18; then
		pass "bgpshieldd: GoBGP's 17 rules for 10.4.0.0/24 in the Adj-RIB-In"
	else
		fail "bgpshieldd: flows_in from $B4 is 18 within ${T_ROUTES}s" \
			"flows_in=$(nb "$B4" flows_in)"
	fi
	sleep 0.5
	check_eq "received over the limit: the guard enforces 16 of them" 16 \
		"$(gctl guard flowspec -j 2>&1 | grep -o 'destination 10\.4\.0\.0/24 ' | wc -l)"
	if wait_for 3 grep -q '"flowspec_not_enforced".*over the guard' "$T_DIR/a.audit"; then
		pass "the received rule over the limit is audited (flowspec_not_enforced)"
	else
		fail "the received rule over the limit is audited" "$(tail -n 5 "$T_DIR/a.audit" 2>&1)"
	fi
	check_eq "received over the limit: still established with $B4" established "$(nb "$B4" state)"
	capture fs_api dctl 5 announce flow route destination 10.7.0.0/24 \
		protocol tcp destination-port =80 'then' discard ||
		fail "bgpshieldctl announce flow route ... then discard" "$(err fs_api)"
	wait_for "$T_ROUTES" gobgp_flow_has 10.7.0.0/24 ||
		fail "GoBGP has the API's rule within ${T_ROUTES}s"
	wait_for "$T_ROUTES" gobgp_flow_has 10.8.0.0/24 ||
		fail "GoBGP has the config's rule within ${T_ROUTES}s"
	sleep 0.5 # two of the engine's 100 ms periods
	j=$(gctl guard flowspec -j 2>&1)
	if [[ $j == *'"rules":['* && $j != *'destination 10.7.0.0/24 '* &&
		$j != *'destination 10.8.0.0/24 '* ]]; then
		pass "enforce received: our own rules (config, API) are sent, not enforced"
	else
		fail "enforce received: our own rules are not enforced" "$j"
	fi

	SHIELD_FLOW_ENF="enforce announced;"
	write_shield_conf passive "$KEY" v4 || die_test "write bgpshieldd's config"
	capture fs_reload dctl 10 reload || fail "bgpshieldctl reload" "$(err fs_reload)"
	if wait_for 5 fs_guard_has 10.7.0.0/24 && wait_for 2 fs_guard_has 10.8.0.0/24 &&
		wait_for 2 fs_guard_lacks 10.9.0.0/24; then
		pass "reloaded to enforce announced: the API's and the config's rules enforced, GoBGP's not"
	else
		fail "reloaded to enforce announced: ours enforced, GoBGP's not, within 5s" \
			"$(gctl guard flowspec 2>&1)"
	fi
	check_eq "bgpshieldd: GoBGP's rules still in the Adj-RIB-In" 18 "$(nb "$B4" flows_in)"
	check_eq "enforce announced: none of GoBGP's 17 for 10.4.0.0/24 enforced" 0 \
		"$(gctl guard flowspec -j 2>&1 | grep -o 'destination 10\.4\.0\.0/24 ' | wc -l)"

	# the guard tries at most 16 rules a destination: the 17th API
	# rule for 10.6.0.0/24 is refused before anything changes
	n=0
	for i in $(seq 1 16); do
		dctl 5 announce flow route destination 10.6.0.0/24 protocol udp \
			destination-port "=$i" 'then' discard >/dev/null 2>&1 && n=$((n + 1))
	done
	check_eq "16 API rules for 10.6.0.0/24 accepted" 16 "$n"
	capture fs_17 dctl 5 announce flow route destination 10.6.0.0/24 \
		protocol udp destination-port =17 'then' discard
	j="$(cat "$T_DIR/fs_17.out" "$T_DIR/fs_17.err" 2>/dev/null)"
	check_match "the 17th is refused, naming the guard's limit" \
		'over a guard limit: more than 16 rules would apply to destination 10\.6\.0\.0/24' "$j"
	if wait_for "$T_ROUTES" gobgp_16; then
		sleep 0.5
		check_eq "GoBGP has 16 of them, not the refused one" 16 \
			"$(gobgp_ global rib -a ipv4-flowspec 2>&1 | grep -c '10.6.0.0/24')"
	else
		fail "GoBGP has the 16 accepted rules within ${T_ROUTES}s" \
			"$(gobgp_ global rib -a ipv4-flowspec 2>&1 | grep -c '10.6.0.0/24')"
	fi
	wait_for 5 fs_guard_has 10.6.0.0/24
	check_eq "the guard enforces the 16" 16 \
		"$(gctl guard flowspec -j 2>&1 | grep -o 'destination 10\.6\.0\.0/24 ' | wc -l)"
	if grep -q '"refused_announce".*over a guard limit' "$T_DIR/a.audit" 2>/dev/null; then
		pass "the refusal is audited (refused_announce)"
	else
		fail "the refusal is audited (refused_announce)" "$(tail -n 5 "$T_DIR/a.audit" 2>&1)"
	fi
	# the detector process: its rule reaches GoBGP and the guard, and
	# leaves both when it withdraws it
	touch "$FLOW_PDIR/go"
	if wait_for "$T_ROUTES" gobgp_flow_has 10.5.0.0/24 &&
		wait_for 5 fs_guard_has 10.5.0.0/24; then
		pass "the detector's API rule is at GoBGP and enforced by the guard"
	else
		fail "the detector's API rule is at GoBGP and in the guard within ${T_ROUTES}s" \
			"$(gctl guard flowspec 2>&1; tail -n 5 "$T_DIR/daemon.log")"
	fi
	touch "$FLOW_PDIR/stop"
	if wait_for "$T_ROUTES" gobgp_flow_lacks 10.5.0.0/24 &&
		wait_for 5 fs_guard_lacks 10.5.0.0/24; then
		pass "the detector's withdrawal removes it from GoBGP and the guard"
	else
		fail "the detector's withdrawal removes it within ${T_ROUTES}s" \
			"$(gctl guard flowspec 2>&1)"
	fi
	check_eq "bgpshieldd is still established with $B4" established "$(nb "$B4" state)"
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"BIRD IPv4: bgpshieldd active, BIRD passive, MD5, routes both ways:t_bird_shield_active"
	"BIRD IPv4: bgpshieldd passive, BIRD active, MD5, routes both ways:t_bird_shield_passive"
	"GoBGP IPv4: bgpshieldd active, GoBGP passive, MD5, routes both ways:t_gobgp_shield_active"
	"GoBGP IPv4: bgpshieldd passive, GoBGP active, MD5, routes both ways:t_gobgp_shield_passive"
	"BIRD IPv6: established, routes both ways:t_bird_ipv6"
	"GoBGP IPv6: established over IPv6, MD5, GTSM, a route each way:t_gobgp_ipv6"
	"BIRD RFC 8950: IPv4 routes with IPv6 next hops both ways over IPv6:t_bird_ext_nh"
	"BIRD RFC 8950 off: IPv4 routes with IPv6 next hops held back:t_bird_ext_nh_off"
	"ExaBGP RFC 8950: IPv4 routes with IPv6 next hops both ways, ExaBGP's JSON:t_exabgp_ext_nh"
	"BIRD wrong MD5 key: no session, kernel counts MD5 failures:t_bird_bad_md5"
	"BIRD without GTSM: the guard drops it, no session:t_bird_no_gtsm"
	"BIRD ADD-PATH: several paths a prefix both ways:t_bird_addpath"
	"BIRD IPv6 ADD-PATH: several paths a prefix both ways:t_bird_addpath6"
	"BIRD without ADD-PATH receive: one path a prefix to it:t_bird_addpath_off"
	"GoBGP ADD-PATH: several paths a prefix both ways:t_gobgp_addpath"
	"ExaBGP ADD-PATH: paths both ways, its JSON = bgpshieldctl decode:t_exabgp_addpath"
	"BIRD flowspec: every component and action both ways, IPv4 and IPv6, withdrawn both ways:t_bird_flowspec"
	"FRR flowspec: bgpshieldd's rules at FRR with every component and action, withdrawn:t_frr_flowspec"
	"GoBGP flowspec: ours at GoBGP and in the guard; its rule in bgpshieldd's Adj-RIB-In and API JSON, withdrawn:t_gobgp_flowspec"
	"GoBGP flowspec: enforce received, then announced after a reload; the guard's limit refuses an API rule; a detector process's rule enforced and withdrawn:t_gobgp_flowspec_dirs"
)

run_tests "$@"
