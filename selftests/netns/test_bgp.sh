#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# BGP sessions end to end: two bgpshieldd peering with each other, one in
# namespace A and one in namespace B, over one veth pair, with TCP-MD5 and
# GTSM, each behind its own guard.
#
#   A (veth-a) ------------------------------------ (veth-b) B
#   192.0.2.1/24, 2001:db8::1/64          192.0.2.2/24, 2001:db8::2/64
#   AS 65001, passive                     AS 65002, connects
#
# Each daemon has two neighbors, the other side's IPv4 address (family
# ipv4 unicast, two static routes) and its IPv6 address (family ipv6
# unicast, one static route), so "prefixes_in" per neighbor is the other
# side's count for that family.  A is passive so that B, the side the tests
# restart, opens the session as soon as it starts: no test waits for a
# connect-retry timer.  hold-time 9 bounds how long a dead peer can stay
# "established" on the other side.
#
# Every wait is bounded: before sessions exist every test fails (the
# neighbors stay "idle") in at most ~20 s, and the whole file stays well
# under 90 s either way.
#
# Usage: test_bgp.sh [NAME-SUBSTRING...]   (default: every test)

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
HOLD=9
# Run-specific, so nothing a test prints could match a stale process.
KEY="bgp-md5-$RUN_ID"
BADKEY="wrong-md5-$RUN_ID"
# Bounds (seconds), from the brief: establish, go down, come back, stay
# down with a wrong key.
T_UP=15
T_DOWN=10
T_BACK=20
T_BADKEY=10
# UPDATEs follow Established at once; a little slack for them.
T_ROUTES=5

# --- helpers -------------------------------------------------------------------

need_tools() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	command -v pgrep >/dev/null || skip "pgrep not found"
}

# The engine's user; created once, never removed (shared with other runs
# and `make install`, as in test_daemon.sh).

# Side a is lib.sh's "edge" namespace and side b its "peer" one, so
# lib.sh's teardown ends their processes and deletes them.  Both guards pin
# below this test's $PIN, which teardown removes as a whole.
ns_of() { if [ "$1" = a ]; then echo "$NS_EDGE"; else echo "$NS_PEER"; fi; }
pin_of() { echo "$PIN/$1"; }
sock_of() { echo "$T_DIR/$1.sock"; }

topo_bgp() {
	ns_add "$NS_EDGE" && ns_add "$NS_PEER" || return 1
	# Created inside the namespaces: nothing ever appears on the host.
	# nodad: the IPv6 addresses are usable at once, no DAD delay.
	ip -n "$NS_EDGE" link add veth-a type veth peer name veth-b \
		netns "$NS_PEER" &&
		ip -n "$NS_EDGE" addr add "$A4/24" dev veth-a &&
		ip -n "$NS_EDGE" addr add "$A6/64" dev veth-a nodad &&
		ip -n "$NS_PEER" addr add "$B4/24" dev veth-b &&
		ip -n "$NS_PEER" addr add "$B6/64" dev veth-b nodad &&
		ip -n "$NS_EDGE" link set veth-a up &&
		ip -n "$NS_PEER" link set veth-b up
}

# write_conf SIDE MD5-KEY: that side's config, mode 0600 (it holds an
# inline password), written beside and renamed over.
write_conf() {
	local side=$1 key=$2 me4 me6 p4 p6 las pas n passive
	if [ "$side" = a ]; then
		me4=$A4 me6=$A6 p4=$B4 p6=$B6 las=$AS_A pas=$AS_B n=1
		passive="passive;"
	else
		me4=$B4 me6=$B6 p4=$A4 p6=$A6 las=$AS_B pas=$AS_A n=2
		passive="passive false;"
	fi
	(
		umask 077
		cat >"$T_DIR/$side.conf.new" <<-EOF
			# bgpshield netns BGP selftest $RUN_ID, side $side
			guard {
				interface veth-$side;
				pin-dir $(pin_of "$side");
			}

			neighbor $p4 {
				description "side-$side-v4";
				router-id $me4;
				local-address $me4;
				local-as $las;
				peer-as $pas;
				hold-time $HOLD;
				$passive
				md5-password "$key";
				ttl-security;
				family { ipv4 unicast; }
				static {
					route 10.$n.0.0/24 next-hop self;
					route 10.$n.1.0/24 next-hop self med 10 community [ $las:1 ];
				}
			}

			neighbor $p6 {
				description "side-$side-v6";
				router-id $me4;
				local-address $me6;
				local-as $las;
				peer-as $pas;
				hold-time $HOLD;
				$passive
				md5-password "$key";
				ttl-security;
				family { ipv6 unicast; }
				static {
					route 2001:db8:$n::/48 next-hop self;
				}
			}
		EOF
	) && mv -f "$T_DIR/$side.conf.new" "$T_DIR/$side.conf"
}

# bgpshieldctl on SIDE's control socket, from inside its namespace.
dctl_t() { # SECONDS SIDE ARGS...
	local t=$1 side=$2
	shift 2
	bounded "$t" nsenter --net="/run/netns/$(ns_of "$side")" -- \
		"$CTL" -s "$(sock_of "$side")" "$@"
}

# bgpshieldctl on SIDE's guard pins.
gctl() { # SIDE ARGS...
	local side=$1
	shift
	bounded 10 nsenter --net="/run/netns/$(ns_of "$side")" -- \
		"$CTL" --pin-dir "$(pin_of "$side")" "$@"
}

dpid_of() { if [ "$1" = a ]; then echo "${DPID_a:-}"; else echo "${DPID_b:-}"; fi; }

# Up: the parent alive, its engine forked and answering.
daemon_up() { # SIDE
	local p
	p=$(dpid_of "$1")
	[ -n "$p" ] && kill -0 "$p" 2>/dev/null &&
		[ -n "$(pgrep -P "$p" 2>/dev/null)" ] &&
		dctl_t 3 "$1" status >/dev/null 2>&1
}

# daemon_start SIDE [LOG-NAME]: by nsenter, not `ip netns exec` (whose
# /sys remount would hide the host's bpffs and the pins).
daemon_start() {
	local side=$1 name=${2:-daemon-$1}
	bg_start "$name" nsenter --net="/run/netns/$(ns_of "$side")" -- \
		"$DAEMON" -d -v -c "$T_DIR/$side.conf" -s "$(sock_of "$side")" \
		-p "$T_DIR/$side.pid" -a "$T_DIR/$side.audit"
	printf -v "DPID_$side" '%s' "$BG_PID"
	printf -v "DLOG_$side" '%s' "$T_DIR/$name.log"
	if ! wait_for 10 daemon_up "$side"; then
		die_test "bgpshieldd ($side) starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/$name.log")"
	fi
}

gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ $st == Z* ]]
}

ns_empty() { [ -z "$(ip netns pids "$(ns_of "$1")" 2>/dev/null)" ]; }

# SIGTERM SIDE's daemon and reap it (the body started it, so only the
# body can wait for it); its exit code goes to STOP_RC.  Then wait for the
# engine too, so a restart finds port 179 and the socket free.
daemon_stop() { # SIDE
	local p
	p=$(dpid_of "$1")
	kill -TERM "$p" 2>/dev/null
	if wait_for 10 gone "$p"; then
		wait "$p"
		STOP_RC=$?
		# Reaped: its pid may be reused, teardown must not signal it.
		sed -i "/^$p\$/d" "$T_DIR/pids"
	else
		STOP_RC="still running after 10 s"
	fi
	wait_for 5 ns_empty "$1" ||
		log "processes left in $(ns_of "$1"): $(ip netns pids "$(ns_of "$1")" | xargs)"
}

# nb SIDE ADDR FIELD...: fields of `show neighbor ADDR` (JSON), one per
# line; "<missing>" for an absent field, "<error: ...>" if the command or
# its JSON failed, so every comparison with it fails with something to read.
nb() {
	local side=$1 addr=$2 j
	shift 2
	if ! j=$(dctl_t 3 "$side" -j show neighbor "$addr" 2>&1); then
		for _ in "$@"; do printf '<error: %s>\n' "$j" | head -n1; done
		return 1
	fi
	json_fields "$j" "$@"
}

state() { nb "$1" "$2" state; } # SIDE ADDR

# The last lines SIDE's running daemon logged about neighbor ADDR (its
# session errors), for failure messages.
nb_log() { # SIDE ADDR
	local f
	if [ "$1" = a ]; then f=${DLOG_a:-}; else f=${DLOG_b:-}; fi
	[ -n "$f" ] && [ -f "$f" ] || return 0
	grep -F "neighbor $2:" "$f" | tail -n 3 | sed "s/^/  $1 log: /"
}

# What a failure message shows of a neighbor.
nb_desc() { # SIDE ADDR
	local s p o e
	{
		read -r s
		read -r p
		read -r o
		IFS= read -r e
	} < <(nb "$1" "$2" state prefixes_in prefixes_out last_error)
	printf "%s sees %s: state=%s prefixes_in=%s prefixes_out=%s last_error='%s'" \
		"$1" "$2" "$s" "$p" "$o" "$e"
}

# nb_desc plus the daemon's log lines about the neighbor.
nb_why() { # SIDE ADDR
	nb_desc "$1" "$2"
	printf '\n'
	nb_log "$1" "$2"
}

established() { [ "$(state "$1" "$2")" = established ]; } # SIDE ADDR
not_established() { ! established "$1" "$2"; }
both_established() { # ADDR-ON-A ADDR-ON-B
	established a "$1" && established b "$2"
}
prefixes_are() { # SIDE ADDR N
	[ "$(nb "$1" "$2" prefixes_in)" = "$3" ]
}

# The pair ADDR-ON-A / ADDR-ON-B is established on both sides within
# SECONDS; fails the test with what each side shows if not.
expect_up() { # SECONDS ADDR-ON-A ADDR-ON-B DESC
	if wait_for "$1" both_established "$2" "$3"; then
		pass "$4"
	else
		die_test "$4" "$(nb_why a "$2")
$(nb_why b "$3")"
	fi
}

# Each side learned the other's N routes for the family and sent its own.
expect_routes() { # ADDR-ON-A ADDR-ON-B N
	local side addr
	for side in a b; do
		if [ "$side" = a ]; then addr=$1; else addr=$2; fi
		if wait_for "$T_ROUTES" prefixes_are "$side" "$addr" "$3"; then
			pass "$side: prefixes_in from $addr is $3 (the other side's routes)"
		else
			fail "$side: prefixes_in from $addr is $3 within ${T_ROUTES}s" \
				"$(nb_why "$side" "$addr")"
		fi
		check_eq "$side: prefixes_out to $addr is $3 (its own routes)" \
			"$3" "$(nb "$side" "$addr" prefixes_out)"
	done
}

# Both daemons up, configs with the same key.
bgp_setup() {
	need_tools
	ensure_user
	topo_bgp || die_test "topology set up"
	mkdir -p "$PIN" || die_test "create $PIN"
	{ write_conf a "$KEY" && write_conf b "$KEY"; } ||
		die_test "write the configs"
	daemon_start a
	daemon_start b
}

need_int() { # VALUE WHAT
	is_int "$1" || die_test "read $2" "got '$1'"
}

# The TCP-MD5 failures the kernels of both namespaces counted.
md5_failures() {
	local side n sum=0
	for side in a b; do
		n=$(ip netns exec "$(ns_of "$side")" nstat -asz TcpExtTCPMD5Failure |
			awk '$1 == "TcpExtTCPMD5Failure" { print $2 }')
		is_int "$n" || {
			echo "unreadable($side: '$n')"
			return
		}
		sum=$((sum + n))
	done
	echo "$sum"
}

# The STATE column of the text `show neighbor` table, in ADDR's row, found
# by its header (so added columns do not break it).
text_state() { # SIDE ADDR
	dctl_t 3 "$1" show neighbor 2>&1 | awk -v a="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "STATE") c = i }
		$1 == a && c { print $c }'
}

# Packets the side's guard passed for SOURCE's allowlist entry.
guard_packets() { # SIDE SOURCE
	gctl "$1" -j guard status 2>/dev/null |
		json "allowlist[source=$2].packets" 2>/dev/null
}

# show guard's binding counts: both entries on an interface, one MAC or more
v4_mac_bound() { # SIDE
	local b
	b=$(dctl_t 5 "$1" -j show guard 2>/dev/null |
		json bindings.iface_bound bindings.mac_bound 2>/dev/null | xargs)
	[ "${b% *}" = 2 ] && [ "${b#* }" -ge 1 ] 2>/dev/null
}

# --- 1 -------------------------------------------------------------------------

t_establish() {
	local side addr peer j
	bgp_setup
	for side in a b; do
		check_eq "$side: show guard -j: 1 interface attached, 2 allowlist entries" \
			"1 2" "$(dctl_t 5 "$side" -j show guard | json attached allowlist | xargs)"
	done
	expect_up "$T_UP" "$B4" "$A4" \
		"IPv4 session established on both sides within ${T_UP}s"
	expect_routes "$B4" "$A4" 2
	# Both entries bound to the veth by route; the IPv4 peer's MAC
	# learned from the session's own ARP exchange (GTSM: directly
	# connected, so 'learn' is the default).
	for side in a b; do
		if wait_for 5 v4_mac_bound "$side"; then
			pass "$side: show guard: 2 interface-bound entries, the IPv4 peer's MAC learned"
		else
			fail "$side: show guard: 2 interface-bound entries, the IPv4 peer's MAC learned" \
				"$(dctl_t 5 "$side" show guard 2>&1)"
		fi
	done

	for side in a b; do
		if [ "$side" = a ]; then
			addr=$B4 peer=$AS_B
		else
			addr=$A4 peer=$AS_A
		fi
		j=$(dctl_t 5 "$side" -j show neighbor "$addr")
		check_eq "$side: show neighbor $addr -j: exactly that neighbor" \
			"[\"$addr\"]" "$(json '[*].address' <<<"$j")"
		check_eq "$side: its peer_as, local_as" \
			"$peer $((AS_A + AS_B - peer))" \
			"$(json '[0].peer_as' '[0].local_as' <<<"$j" | xargs)"
		check_match "$side: uptime_s is a number" '^[0-9]+$' \
			"$(json '[0].uptime_s' <<<"$j")"
		check_eq "$side: last_error is empty while established" "" \
			"$(json '[0].last_error' <<<"$j")"
		check_eq "$side: text show neighbor $addr: STATE established" \
			established "$(text_state "$side" "$addr")"
		# The session came through the guard: the neighbor's own
		# (automatic) allowlist entry counted its packets.
		check_ge "$side: the guard passed packets from $addr" \
			"$(guard_packets "$side" "$addr")" 1
	done
}

# --- 2 -------------------------------------------------------------------------

t_down_up() {
	bgp_setup
	expect_up "$T_UP" "$B4" "$A4" "IPv4 session established first"
	expect_routes "$B4" "$A4" 2

	daemon_stop b
	check_eq "SIGTERM: B's bgpshieldd exits 0" 0 "$STOP_RC"
	# A NOTIFICATION (Cease) or the close makes this immediate; the hold
	# timer (9 s) is the slow path that must also fit in the bound.
	if wait_for "$T_DOWN" not_established a "$B4"; then
		pass "A's neighbor $B4 left established within ${T_DOWN}s ($(nb_desc a "$B4"))"
	else
		fail "A's neighbor $B4 left established within ${T_DOWN}s" \
			"$(nb_why a "$B4")"
	fi
	# No graceful restart is configured: the routes go with the session.
	if wait_for "$T_ROUTES" prefixes_are a "$B4" 0; then
		pass "A dropped B's routes with the session (prefixes_in 0)"
	else
		fail "A dropped B's routes with the session (prefixes_in 0)" \
			"$(nb_why a "$B4")"
	fi

	daemon_start b daemon-b2
	expect_up "$T_BACK" "$B4" "$A4" \
		"B restarted: established again on both sides within ${T_BACK}s"
	expect_routes "$B4" "$A4" 2
}

# --- reload with a new key ------------------------------------------------------

# Keys follow reloads: both sides move to another MD5 key with `reload`;
# the session is restarted (Cease, Other Configuration Change) and comes
# back signed with the new key on the listeners and the connect.
t_reload_key() {
	local out
	bgp_setup
	expect_up "$T_UP" "$B4" "$A4" "established with the first key"
	{ write_conf a "$BADKEY" && write_conf b "$BADKEY"; } ||
		die_test "write both configs with the new key"
	out=$(dctl_t 10 a reload 2>&1)
	check_eq "A: reload with the new key exits 0" 0 "$?"
	out=$(dctl_t 10 b reload 2>&1)
	check_eq "B: reload with the new key exits 0 ($out)" 0 "$?"
	if wait_for "$T_BACK" both_established "$B4" "$A4"; then
		pass "established again with the new key within ${T_BACK}s"
	else
		fail "established again with the new key within ${T_BACK}s" \
			"$(nb_why a "$B4")
$(nb_why b "$A4")"
	fi
	expect_routes "$B4" "$A4" 2
}

# --- 3 -------------------------------------------------------------------------

t_bad_md5() {
	local f0 f1 seen
	bgp_setup
	# The same daemons do establish with the right key: what follows is
	# the key's doing, not a broken setup.
	expect_up "$T_UP" "$B4" "$A4" "with the same key: established first"

	daemon_stop b
	check_eq "SIGTERM: B's bgpshieldd exits 0" 0 "$STOP_RC"
	write_conf b "$BADKEY" || die_test "write B's config with another key"
	f0=$(md5_failures)
	need_int "$f0" "TcpExtTCPMD5Failure"
	daemon_start b daemon-b2
	# Watch the whole bound: reaching established at any moment fails.
	if wait_for "$T_BADKEY" established a "$B4"; then
		fail "wrong key: A's neighbor $B4 stays down for ${T_BADKEY}s" \
			"$(nb_why a "$B4")
$(nb_why b "$A4")"
	else
		pass "wrong key: A's neighbor $B4 stays down for ${T_BADKEY}s ($(nb_desc a "$B4"))"
	fi
	seen=$(state b "$A4")
	check_ne "wrong key: B's neighbor $A4 is not established either" \
		established "$seen"
	f1=$(md5_failures)
	if is_int "$f1" && [ "$f1" -gt "$f0" ]; then
		pass "TcpExtTCPMD5Failure rose ($f0 -> $f1): the kernel dropped the badly signed segments"
	else
		fail "TcpExtTCPMD5Failure rose" "$f0 -> $f1 (A and B summed);
$(nb_desc a "$B4")
$(nb_desc b "$A4")"
	fi
}

# --- 4 -------------------------------------------------------------------------

t_ipv6() {
	local j side addr
	bgp_setup
	if wait_for "$T_UP" both_established "$B6" "$A6"; then
		pass "IPv6 session ($A6 <-> $B6) established on both sides within ${T_UP}s"
	else
		die_test "IPv6 session ($A6 <-> $B6) established on both sides within ${T_UP}s" \
			"$(nb_why a "$B6")
$(nb_why b "$A6")
(the IPv4 pair meanwhile: $(state a "$B4") / $(state b "$A4"))"
	fi
	expect_routes "$B6" "$A6" 1
	for side in a b; do
		if [ "$side" = a ]; then addr=$B6; else addr=$A6; fi
		j=$(dctl_t 5 "$side" -j show neighbor "$addr")
		check_eq "$side: show neighbor $addr -j: exactly that neighbor" \
			"[\"$addr\"]" "$(json '[*].address' <<<"$j")"
		check_ge "$side: the guard passed packets from $addr" \
			"$(guard_packets "$side" "$addr")" 1
	done
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"two bgpshieldd: IPv4 eBGP with MD5 and GTSM, routes both ways:t_establish"
	"peer SIGTERM: session down, back after restart:t_down_up"
	"wrong MD5 key: no session, kernel counts MD5 failures:t_bad_md5"
	"IPv6 session: established, IPv6 route exchanged:t_ipv6"
	"reload with a new MD5 key: session restarts with it:t_reload_key"
)

run_tests "$@"
