#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guard end to end, through bgpshieldctl, on real traffic: three
# namespaces (peer, attacker, edge; see lib.sh for the addresses), the
# edge listening on TCP 179 and the guard on the edge's two links.  Each
# test builds its own namespaces and pin folder, so counters start at zero.
#
# Usage: test_guard.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

STAT_FIELDS="total guarded passed not_allowed ttl syn_rate malformed
monitor_passed events_sent events_suppressed events_lost"

# A counter read that feeds arithmetic must be a number, or the test
# stops with what it got instead of a shell error.
need_int() { # VALUE WHAT
	is_int "$1" || die_test "read $2" "got '$1'"
}

# B - A when both are integers; something that fails every check if not.
delta() {
	if is_int "$1" && is_int "$2"; then echo $(($2 - $1)); else
		echo "not-a-number($1 -> $2)"
	fi
}

counter_at_least() { # NAME MIN
	local v
	v=$(counter "$1")
	is_int "$v" && [ "$v" -ge "$2" ]
}

iface_state_is() { # IFACE STATE
	[ "$(status_get "interfaces[name=$1].state")" = "$2" ]
}

# A process of ours has ended (a zombie not yet reaped counts as ended).
gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ $st == Z* ]]
}

listen_drops() {
	ip netns exec "$NS_EDGE" nstat -asz TcpExtListenDrops |
		awk '$1 == "TcpExtListenDrops" { print $2 }'
}

listen_drops_at_least() {
	local v
	v=$(listen_drops)
	is_int "$v" && [ "$v" -ge "$1" ]
}

# syn_from_attacker ARGS...: hand-built SYNs out of the attacker's link
# to the edge's MAC (so any source address can be spoofed); prints the
# number sent.
syn_from_attacker() {
	in_ns "$NS_ATK" "$PY" "$NETTOOL" syn --iface veth-a0 \
		--dst-mac "$(edge_mac veth-e1)" "$@"
}

# Exactly one error line, naming the input, and nothing on stdout.  The
# CLI follows a usage error with its 'usage:' synopsis; that line is help,
# not a second message, so it is allowed.
one_line() { # CAPTURE DESC WORD
	local e n
	e=$(grep -v '^usage: ' "$T_DIR/$1.err")
	n=$(printf '%s' "$e" | grep -c '')
	if [ "$n" = 1 ] && [[ $e == "bgpshieldctl: "* ]] &&
		[[ $e == *"$3"* ]] && [ ! -s "$T_DIR/$1.out" ]; then
		pass "$2: $e"
	else
		fail "$2" "stdout: $(out "$1")
stderr: $(err "$1")"
	fi
}

# --- 1 -------------------------------------------------------------------------

t_allow_and_drop() {
	local na0 na1 rc
	std_setup
	expect_connect "allowed peer $PEER4 connects to $EDGE4_P:179" \
		"$NS_PEER" "$EDGE4_P"
	check_ge "the peer's allowlist entry counted its packets" \
		"$(status_get "allowlist[source=$PEER4].packets")" 1
	na0=$(counter not_allowed)
	expect_timeout "attacker $ATK4 cannot connect to $EDGE4_A:179" \
		"$NS_ATK" "$EDGE4_A"
	na1=$(counter not_allowed)
	check_ge "not_allowed rose with the attacker's SYNs" \
		"$(delta "$na0" "$na1")" 1
	# Only the BGP port is guarded: the attacker's SYN to 180 reaches
	# the edge's TCP, which refuses it (nothing listens there).
	in_ns "$NS_ATK" "$PY" "$NETTOOL" connect "$EDGE4_A" 180 \
		--timeout 2 >/dev/null 2>&1
	rc=$?
	check_eq "other ports are not guarded (port 180 refused, not dropped)" \
		"$(rc_name 4)" "$(rc_name "$rc")"
}

# --- 2 -------------------------------------------------------------------------

t_gtsm() {
	local t0 t1 d0 d1
	std_setup
	capture gtsm ctl -j guard allow "$PEER4" --gtsm ||
		die_test "allow $PEER4 --gtsm" "$(err gtsm)"
	check_match "allowing again with --gtsm updates the entry" \
		'"result":"updated"' "$(out gtsm)"
	check_eq "the entry has GTSM with min-ttl 255" "true 255" \
		"$(status_get "allowlist[source=$PEER4].gtsm" \
			"allowlist[source=$PEER4].min_ttl" | xargs)"
	t0=$(counter ttl)
	d0=$(status_get "allowlist[source=$PEER4].drop_ttl")
	expect_timeout "peer's connect with TTL 64 is dropped" \
		"$NS_PEER" "$EDGE4_P" --ttl 64
	t1=$(counter ttl)
	d1=$(status_get "allowlist[source=$PEER4].drop_ttl")
	check_ge "ttl counter rose" "$(delta "$t0" "$t1")" 1
	check_ge "the entry's drop_ttl rose" "$(delta "$d0" "$d1")" 1
	expect_connect "peer's connect with TTL 255 succeeds" \
		"$NS_PEER" "$EDGE4_P" --ttl 255
	check_eq "TTL 255 caused no ttl drop" "$t1" "$(counter ttl)"
}

# --- 3 -------------------------------------------------------------------------

t_flood() {
	local ld0 ld1 na0 na1 tt0 tt1 s1 s2 spid rc res
	std_setup
	# GTSM on, so the spoofed half of the flood (the peer's own address
	# at TTL 64) is dropped too; the real peer sends at TTL 255.
	capture gtsm ctl guard allow "$PEER4" --gtsm ||
		die_test "allow $PEER4 --gtsm" "$(err gtsm)"
	bg_start stream ip netns exec "$NS_PEER" "$PY" "$NETTOOL" stream \
		"$EDGE4_P" "$BGP_PORT" --ttl 255 --interval 0.1 \
		--stop-file "$T_DIR/stop" --max-seconds 20
	spid=$BG_PID
	wait_for 5 grep -q '^connected' "$T_DIR/stream.log" ||
		die_test "peer's session is established" "$(cat "$T_DIR/stream.log")"
	ld0=$(listen_drops)
	na0=$(counter not_allowed)
	tt0=$(counter ttl)
	need_int "$ld0" TcpExtListenDrops
	need_int "$na0" "the not_allowed counter"
	# 3000 random sources in 16.0.0.0/4 over 2 s, then 1000 SYNs
	# spoofing the peer at TTL 64 over 1 s, while the session talks.
	s1=$(syn_from_attacker --dst "$EDGE4_A" --src-net 16.0.0.0/4 \
		--count 3000 --duration 2)
	s2=$(syn_from_attacker --dst "$EDGE4_A" --src "$PEER4" --ttl 64 \
		--count 1000 --duration 1)
	touch "$T_DIR/stop"
	check_eq "3000 SYNs from random sources sent" 3000 "$s1"
	check_eq "1000 SYNs spoofing the peer at TTL 64 sent" 1000 "$s2"
	wait_for 3 counter_at_least not_allowed $((na0 + 3000))
	na1=$(counter not_allowed)
	tt1=$(counter ttl)
	# A veth may drop a few frames on its own under load; allow 1%.
	check_ge "not_allowed counted the random-source flood" \
		"$(delta "$na0" "$na1")" 2970
	check_ge "ttl counted the spoofed-peer flood" \
		"$(delta "$tt0" "$tt1")" 990
	ld1=$(listen_drops)
	need_int "$ld1" TcpExtListenDrops
	check_eq "the edge's TCP saw none of them (TcpExtListenDrops unchanged)" \
		"$ld0" "$ld1"
	check_eq "no SYN-RECV sockets on the edge" 0 \
		"$(ip netns exec "$NS_EDGE" ss -Htn state syn-recv | wc -l)"
	wait_for 5 gone "$spid"
	wait "$spid"
	rc=$?
	res=$(tail -n1 "$T_DIR/stream.log")
	check_eq "the peer's session answered every message" 0 "$rc"
	check_match "the session kept talking through the flood" \
		'^sent=([2-9][0-9]|[0-9]{3,}) answered=' "$res"
	log "session: $res"
	# Control: the same SYNs let through (monitor mode) do reach TCP, so
	# the unchanged counter above means the guard stopped them.
	capture mon ctl guard set mode monitor ||
		die_test "set mode monitor" "$(err mon)"
	syn_from_attacker --dst "$EDGE4_A" --src-net 16.0.0.0/4 \
		--count 20 >/dev/null
	wait_for 2 listen_drops_at_least $((ld1 + 20))
	check_ge "control: passed spoofed SYNs do show in TcpExtListenDrops" \
		"$(delta "$ld1" "$(listen_drops)")" 20
}

# --- 4 -------------------------------------------------------------------------

# field=value lines from the pinned stats map, summed over CPUs.
bpftool_sums() {
	local dump
	dump=$(bounded 10 bpftool map dump pinned "$PIN/stats") || return 1
	# shellcheck disable=SC2086 # one field per word
	paste -d= <(printf '%s\n' $STAT_FIELDS) \
		<(printf '%s\n' "$dump" | "$PY" "$NETTOOL" percpu-sum $STAT_FIELDS)
}

status_sums() {
	local f paths=()
	for f in $STAT_FIELDS; do paths+=("counters.$f"); done
	# shellcheck disable=SC2086
	paste -d= <(printf '%s\n' $STAT_FIELDS) <(status_get "${paths[@]}")
}

t_counters_exact() {
	local na0 na1 tt0 tt1 dt0 dt1 sent dump b1 b2 s try
	command -v bpftool >/dev/null || skip "bpftool not found"
	std_setup
	expect_connect "peer connects (so passed is not zero)" \
		"$NS_PEER" "$EDGE4_P"
	na0=$(counter not_allowed)
	need_int "$na0" "the not_allowed counter"
	sent=$(syn_from_attacker --dst "$EDGE4_A" --src "$ATK4" --count 10)
	check_eq "exactly 10 SYNs sent from the attacker" 10 "$sent"
	wait_for 2 counter_at_least not_allowed $((na0 + 10))
	sleep 0.3 # time for a stray extra to show up
	na1=$(counter not_allowed)
	check_eq "not_allowed rose by exactly 10" 10 "$(delta "$na0" "$na1")"

	capture gtsm ctl guard allow "$PEER4" --gtsm ||
		die_test "allow $PEER4 --gtsm" "$(err gtsm)"
	tt0=$(counter ttl)
	need_int "$tt0" "the ttl counter"
	dt0=$(status_get "allowlist[source=$PEER4].drop_ttl")
	sent=$(syn_from_attacker --dst "$EDGE4_A" --src "$PEER4" --ttl 64 \
		--count 7)
	wait_for 2 counter_at_least ttl $((tt0 + 7))
	sleep 0.3
	tt1=$(counter ttl)
	dt1=$(status_get "allowlist[source=$PEER4].drop_ttl")
	check_eq "ttl rose by exactly 7 for 7 spoofed TTL-64 SYNs" 7 \
		"$(delta "$tt0" "$tt1")"
	check_eq "the peer entry's drop_ttl rose by exactly 7" 7 \
		"$(delta "$dt0" "$dt1")"
	check_eq "not_allowed did not move meanwhile" "$na1" \
		"$(counter not_allowed)"

	dump=$(bounded 10 bpftool map dump pinned "$PIN/stats")
	check_match "bpftool shows the named field not_allowed" \
		'"not_allowed": [0-9]+' "$dump"
	check_match "bpftool shows the named field passed" \
		'"passed": [0-9]+' "$dump"
	check_match "bpftool shows one value per CPU" '"cpu": 0' "$dump"
	# Compare on a quiet moment: the map read twice the same around
	# the status read (stray IPv6 ND packets move `total`).
	for try in 1 2 3 4 5; do
		b1=$(bpftool_sums)
		s=$(status_sums)
		b2=$(bpftool_sums)
		[ "$b1" = "$b2" ] && break
		log "counters moved during comparison $try, again"
	done
	check_eq "bpftool's per-CPU sums equal guard status -j" "$b1" "$s"
	check_eq "and they hold the exact not_allowed count" \
		"not_allowed=$na1" "$(grep '^not_allowed=' <<<"$b1")"
}

# --- 5 -------------------------------------------------------------------------

t_persists() {
	local na0 na1 procs
	std_setup
	procs=$(pgrep -af -- "bgpshieldctl .*--pin-dir $PIN( |\$)")
	check_eq "no bgpshieldctl process is left running" "" "$procs"
	check_eq "only the echo server runs in the edge namespace" \
		"$SERVER_PID" "$(ip netns pids "$NS_EDGE" | xargs)"
	check_match "veth-e1 still carries the XDP program" \
		'prog/xdp id [0-9]+' "$(ip -n "$NS_EDGE" -d link show dev veth-e1)"
	check "its XDP link is pinned" test -e "$PIN/links/xdp_veth-e1"
	sleep 1
	na0=$(counter not_allowed)
	expect_timeout "attacker still cannot connect" "$NS_ATK" "$EDGE4_A"
	na1=$(counter not_allowed)
	check_ge "not_allowed rose" "$(delta "$na0" "$na1")" 1
	expect_connect "peer still connects" "$NS_PEER" "$EDGE4_P"
}

# --- 6 -------------------------------------------------------------------------

t_detach() {
	std_setup
	expect_timeout "attacker is blocked while guarded (XDP)" \
		"$NS_ATK" "$EDGE4_A"
	capture det ctl guard detach veth-e1 ||
		die_test "guard detach veth-e1" "$(err det)"
	expect_connect "after detach the attacker connects" "$NS_ATK" "$EDGE4_A"
	check_nomatch "no XDP program left on veth-e1" 'xdp' \
		"$(ip -n "$NS_EDGE" -d link show dev veth-e1)"
	check "its XDP link pin is gone" test ! -e "$PIN/links/xdp_veth-e1"
	check_eq "status lists only veth-e0" '["veth-e0"]' \
		"$(status_get 'interfaces[*].name')"

	# tc mode, veth-e0 with a clsact qdisc that was there before us.
	tc -n "$NS_EDGE" qdisc add dev veth-e0 clsact ||
		die_test "add a clsact qdisc to veth-e0"
	capture tc ctl guard attach veth-e0 veth-e1 --mode tc ||
		die_test "attach --mode tc" "$(err tc)"
	check_match "tc filter on veth-e1 ingress" 'bgps_tc' \
		"$(tc -n "$NS_EDGE" filter show dev veth-e1 ingress)"
	check_nomatch "veth-e0 moved from XDP to tc: no XDP left" 'xdp' \
		"$(ip -n "$NS_EDGE" -d link show dev veth-e0)"
	expect_timeout "attacker is blocked in tc mode" "$NS_ATK" "$EDGE4_A"
	capture detall ctl guard detach --all ||
		die_test "guard detach --all" "$(err detall)"
	expect_connect "after detach --all the attacker connects" \
		"$NS_ATK" "$EDGE4_A"
	check_eq "no filter left on veth-e1 ingress" "" \
		"$(tc -n "$NS_EDGE" filter show dev veth-e1 ingress)"
	check_nomatch "the clsact qdisc we created on veth-e1 is gone" \
		'clsact' "$(tc -n "$NS_EDGE" qdisc show dev veth-e1)"
	check_nomatch "no filter of ours left on veth-e0" 'bgps_tc' \
		"$(tc -n "$NS_EDGE" filter show dev veth-e0 ingress)"
	check_match "the clsact qdisc that was there before stays on veth-e0" \
		'clsact' "$(tc -n "$NS_EDGE" qdisc show dev veth-e0)"
	check_eq "status lists no interface" '[]' \
		"$(status_get 'interfaces[*].name')"
}

# --- 7 -------------------------------------------------------------------------

t_watch_reattach() {
	local wpid old new na0 na1 rc
	std_setup
	bg_start watch nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" --pin-dir "$PIN" guard watch
	wpid=$BG_PID
	wait_for 5 grep -q 'watching links' "$T_DIR/watch.log" ||
		die_test "guard watch starts" "$(cat "$T_DIR/watch.log")"
	old=$(status_get "interfaces[name=veth-e1].ifindex")
	ip -n "$NS_EDGE" link del veth-e1 || die_test "delete veth-e1"
	wait_for 3 iface_state_is veth-e1 missing
	check_eq "status shows veth-e1 missing" missing \
		"$(status_get "interfaces[name=veth-e1].state")"
	link_attacker || die_test "re-create veth-e1"
	if wait_for 5 iface_state_is veth-e1 attached; then
		pass "veth-e1 is attached again within 5 s"
	else
		fail "veth-e1 is attached again within 5 s" \
			"$(status_json; cat "$T_DIR/watch.log")"
	fi
	new=$(status_get "interfaces[name=veth-e1].ifindex")
	check_ne "with a new ifindex" "$old" "$new"
	check_eq "status's ifindex is the new link's" \
		"$(ip netns exec "$NS_EDGE" cat /sys/class/net/veth-e1/ifindex)" \
		"$new"
	na0=$(counter not_allowed)
	expect_timeout "the attacker is blocked again" "$NS_ATK" "$EDGE4_A"
	na1=$(counter not_allowed)
	check_ge "not_allowed rose" "$(delta "$na0" "$na1")" 1
	check_match "watch logged the re-attach" 're-attached guard to veth-e1' \
		"$(cat "$T_DIR/watch.log")"
	kill -TERM "$wpid"
	if wait_for 3 gone "$wpid"; then
		wait "$wpid"
		rc=$?
	else
		rc="still running"
	fi
	check_eq "guard watch exits 0 on SIGTERM" 0 "$rc"
}

# --- 8 -------------------------------------------------------------------------

t_mode() { # tc|generic
	local mode=$1 na0 na1
	std_setup --mode "$mode"
	check_eq "status: both links attached in $mode mode" "$mode $mode" \
		"$(status_get 'interfaces[name=veth-e0].mode' \
			'interfaces[name=veth-e1].mode' | xargs)"
	if [ "$mode" = tc ]; then
		check_match "a tc filter on veth-e1 ingress" 'bgps_tc' \
			"$(tc -n "$NS_EDGE" filter show dev veth-e1 ingress)"
		check_nomatch "and no XDP program" 'xdp' \
			"$(ip -n "$NS_EDGE" -d link show dev veth-e1)"
	else
		check_match "veth-e1 carries generic XDP" 'xdpgeneric' \
			"$(ip -n "$NS_EDGE" -d link show dev veth-e1)"
	fi
	expect_connect "peer connects ($mode)" "$NS_PEER" "$EDGE4_P"
	na0=$(counter not_allowed)
	expect_timeout "attacker cannot connect ($mode)" "$NS_ATK" "$EDGE4_A"
	na1=$(counter not_allowed)
	check_ge "not_allowed rose ($mode)" "$(delta "$na0" "$na1")" 1
}

t_mode_tc() { t_mode tc; }
t_mode_generic() { t_mode generic; }

# --- 9 -------------------------------------------------------------------------

t_ipv6() {
	local na0 na1 t0
	std_setup
	expect_connect "peer connects over IPv6 to [$EDGE6_P]:179" \
		"$NS_PEER" "$EDGE6_P"
	na0=$(counter not_allowed)
	expect_timeout "attacker cannot connect over IPv6" "$NS_ATK" "$EDGE6_A"
	na1=$(counter not_allowed)
	check_ge "not_allowed rose" "$(delta "$na0" "$na1")" 1
	# The IPv6 entry, not something else, is what lets the peer in.
	capture rm6 ctl guard remove "$PEER6" ||
		die_test "remove $PEER6" "$(err rm6)"
	expect_timeout "without its IPv6 entry the peer is dropped over IPv6" \
		"$NS_PEER" "$EDGE6_P"
	expect_connect "while its IPv4 entry still lets it in over IPv4" \
		"$NS_PEER" "$EDGE4_P"
	# GTSM on the hop limit.
	capture gtsm ctl guard allow "$PEER6" --gtsm ||
		die_test "allow $PEER6 --gtsm" "$(err gtsm)"
	t0=$(counter ttl)
	expect_timeout "hop limit 64 is dropped with GTSM" \
		"$NS_PEER" "$EDGE6_P" --ttl 64
	check_ge "ttl rose" "$(delta "$t0" "$(counter ttl)")" 1
	expect_connect "hop limit 255 connects with GTSM" \
		"$NS_PEER" "$EDGE6_P" --ttl 255
}

# --- 10 ------------------------------------------------------------------------

t_monitor() {
	local na0 na1 mp0 mp1 rc ev
	std_setup
	capture mon ctl guard set mode monitor ||
		die_test "set mode monitor" "$(err mon)"
	check_eq "status shows mode monitor" monitor "$(status_get settings.mode)"
	na0=$(counter not_allowed)
	mp0=$(counter monitor_passed)
	expect_connect "in monitor mode the attacker connects" \
		"$NS_ATK" "$EDGE4_A"
	na1=$(counter not_allowed)
	mp1=$(counter monitor_passed)
	check_ge "not_allowed rose" "$(delta "$na0" "$na1")" 1
	check_ge "monitor_passed rose" "$(delta "$mp0" "$mp1")" 1
	check_eq "monitor_passed rose as much as not_allowed" \
		"$(delta "$na0" "$na1")" "$(delta "$mp0" "$mp1")"
	# The connection's would-drop events wait in the ring buffer (this
	# test's pins are fresh, so the attacker's SYN is the first): read
	# them now, so what --count 1 meets does not depend on timing.
	capture ev ctl guard events --count 1 --timeout 5 -j
	rc=$?
	check_eq "guard events --count 1 exits 0" 0 "$rc"
	check_eq "it printed exactly one event (--count 1)" 1 \
		"$(grep -c . "$T_DIR/ev.out")"
	ev=$(head -n1 "$T_DIR/ev.out")
	check_eq "the event: would-drop, not_allowed, from the attacker to 179" \
		"would-drop not_allowed $ATK4 $BGP_PORT veth-e1 S" \
		"$(printf '%s\n' "$ev" |
			json action reason src dport interface tcp_flags | xargs)"
	capture enf ctl guard set mode enforce ||
		die_test "set mode enforce" "$(err enf)"
	expect_timeout "back in enforce mode the attacker is dropped" \
		"$NS_ATK" "$EDGE4_A"
}

# --- 11 ------------------------------------------------------------------------

t_bad_input() {
	local rc bad settings
	topo_setup || die_test "topology set up"

	capture a1 ctl guard attach nosuch0
	check_eq "attach to a missing interface exits 1" 1 "$?"
	one_line a1 "it says so" nosuch0
	check "and creates no pins (the guard was not loaded)" test ! -e "$PIN"
	capture a2 ctl guard allow "$PEER4"
	check_eq "allow before the guard is loaded exits 1" 1 "$?"
	one_line a2 "it says to attach or load first" "attach"
	check "still no pins" test ! -e "$PIN"

	capture load ctl guard load || die_test "guard load" "$(err load)"
	for bad in 192.0.2.300 not-an-address 192.0.2.0/33 2001:db8::/129 \
		192.0.2.1/24 2001:db8::1/64 192.0.2.0/abc; do
		capture bad ctl guard allow "$bad"
		rc=$?
		check_eq "allow '$bad' is a usage error (exit 2)" 2 "$rc"
		one_line bad "one line about it" "$bad"
	done
	check_eq "nothing was added" '[]' "$(status_get 'allowlist[*].source')"
	capture rm ctl guard remove 192.0.2.99
	check_eq "remove an address not in the list exits 1" 1 "$?"
	one_line rm "it says it is not in the allowlist" "not in the allowlist"
	for bad in 192.0.2.300 192.0.2.1/24; do
		capture rmbad ctl guard remove "$bad"
		check_eq "remove '$bad' is a usage error (exit 2)" 2 "$?"
		one_line rmbad "one line about it" "$bad"
	done

	settings=$(status_get settings)
	capture s1 ctl guard set colour blue
	check_eq "set an unknown key exits 2" 2 "$?"
	one_line s1 "it names the key" colour
	capture s2 ctl guard set port 1179 syn-rate lots
	check_eq "set with a bad value after a good pair exits 2" 2 "$?"
	one_line s2 "it names the value" lots
	capture s3 ctl guard set port 1179 colour blue
	check_eq "set with an unknown key after a good pair exits 2" 2 "$?"
	check_eq "settings are unchanged (nothing half-applied)" "$settings" \
		"$(status_get settings)"

	capture a3 ctl guard attach veth-e0 nosuch0
	check_eq "attach to a real and a missing interface exits 1" 1 "$?"
	one_line a3 "it names the missing one" nosuch0
	check_eq "and attached to neither" '[]' \
		"$(status_get 'interfaces[*].name')"
	check_nomatch "veth-e0 has no XDP program" 'xdp' \
		"$(ip -n "$NS_EDGE" -d link show dev veth-e0)"
	# A device without Ethernet frames (tun: the IP header comes first):
	# refused, rather than attached and passing every packet unparsed.
	if ip -n "$NS_EDGE" tuntap add dev tun-e0 mode tun 2>/dev/null; then
		capture a5 ctl guard attach tun-e0
		check_eq "attach to a tun device exits 1" 1 "$?"
		one_line a5 "it says the device is not Ethernet" \
			"not an Ethernet interface"
		check_eq "and attached nothing" '[]' \
			"$(status_get 'interfaces[*].name')"
	else
		log "no tun device here: the non-Ethernet refusal is not checked"
	fi
	capture a4 ctl guard attach veth-e0 --mode turbo
	check_eq "attach with an unknown mode exits 2" 2 "$?"
	one_line a4 "it names the mode" turbo
	capture d1 ctl guard detach veth-e0
	check_eq "detach an interface that is not guarded exits 1" 1 "$?"
	one_line d1 "it says so" veth-e0
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"allowed peer connects, attacker is dropped:t_allow_and_drop"
	"GTSM: TTL 64 dropped, TTL 255 connects:t_gtsm"
	"spoofed SYN flood dropped, peer session unharmed:t_flood"
	"counters exact, bpftool and status agree:t_counters_exact"
	"guard keeps enforcing after the CLI exits:t_persists"
	"detach restores plain forwarding (XDP and tc):t_detach"
	"watch re-attaches a re-created link:t_watch_reattach"
	"tc mode:t_mode_tc"
	"generic XDP mode:t_mode_generic"
	"IPv6 peer connects, attacker dropped:t_ipv6"
	"monitor mode counts, passes and reports:t_monitor"
	"bad input: one line, non-zero exit, nothing applied:t_bad_input"
)

run_tests "$@"
