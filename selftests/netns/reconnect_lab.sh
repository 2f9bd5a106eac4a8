# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The reconnect lab, sourced by selftests/netns/test_reconnect.sh (asserts)
# and scripts/bench-reconnect.sh (figures): a BIRD 2 peer reconnecting
# to bgpshieldd while two spoofers flood SYNs in the peer's name.
#
#   peer namespace                edge namespace            attacker namespace
#   BIRD 192.0.2.2 on br0                                    (no addresses)
#    br0 = p-edge + p-atk
#         p-edge ==veth== e-lan 192.0.2.1      e-atk 198.51.100.1 ==veth== a-edge
#         p-atk  ==veth===================================================== a-lan
#
# The edge runs bgpshieldd, guard on e-lan and e-atk, the neighbor passive
# (so BIRD's SYNs are the ones that must get through), TCP-MD5 and
# ttl-security, its own SYN bucket small (RL_SYN_RATE/s).  The peer's
# segment is a bridge in the peer's namespace: the attacker has a leg on
# it (a-lan, a switch port) and a link of its own to the edge's other
# interface (a-edge).  Both legs flood SYNs in the peer's name: source
# 192.0.2.2, TTL 255, a TCP-MD5 option with a random digest; the one on
# the peer's segment also forges a source MAC (not the peer's: an attacker
# forging that too is an L2 problem, see docs/GUARD.md).  With the
# binding on, the guard drops them as wrong_iface and wrong_mac before
# the bucket; with it off they spend the peer's bucket and BIRD's SYNs
# are dropped as syn_rate.
#
# The caller sets NS_EDGE NS_PEER NS_ATK (namespace names), PIN (pin
# folder), T_DIR (work folder), DAEMON, CTL, FLOOD_GEN, and records the
# pids of what it starts through rl_bg (RL_PIDS, and T_DIR/pids for
# lib.sh's teardown).  Deleting the three namespaces and PIN undoes it all.
#
# CPU (2 vCPUs): the two flood_gen run on CPU 0 (--cpu 0), as fast as they
# go (RL_RATE frames/s each caps them); their frames are received in
# softirq on the sending CPU, so the whole flood, sending and receiving,
# stays on CPU 0 and the two flooders share it.  bgpshieldd and BIRD run
# on CPU 1 (taskset), so the control plane is not starved and what the
# test sees is the guard's doing, not the scheduler's.

RL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RL_EDGE_LAN=192.0.2.1
RL_PEER=192.0.2.2
RL_EDGE_ATK=198.51.100.1
RL_AS_EDGE=65001
RL_AS_PEER=65002
RL_SYN_RATE=${RL_SYN_RATE:-3}
RL_SYN_BURST=${RL_SYN_BURST:-3}
# Per flooder, frames per second; 0 (default) = as fast as flood_gen goes.
RL_RATE=${RL_RATE:-0}
# Not the peer's MAC: the forged source of the on-segment spoofer.
RL_FORGED_MAC=02:5e:00:00:0b:ad
RL_KEY="reconnect-md5-$$"
RL_PIDS=""

rl_bounded() { timeout --foreground -k 2 "$@"; }

rl_wait_for() { # SECONDS CMD...: poll every 0.1 s
	local end=$(($(date +%s%N) + ${1%.*} * 1000000000))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

rl_bg() { # LOG CMD...: start in the background, pid in RL_BG_PID
	local log=$1
	shift
	"$@" >"$T_DIR/$log" 2>&1 </dev/null &
	RL_BG_PID=$!
	RL_PIDS="$RL_PIDS $RL_BG_PID"
	echo "$RL_BG_PID" >>"$T_DIR/pids"
}

rl_stop() { # PID...: TERM, a moment, KILL
	local p
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	for _ in $(seq 30); do
		local any=""
		for p in "$@"; do kill -0 "$p" 2>/dev/null && any=1; done
		[ -z "$any" ] && break
		sleep 0.1
	done
	for p in "$@"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

rl_mac() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }

rl_topo() {
	local ns
	for ns in "$NS_EDGE" "$NS_PEER" "$NS_ATK"; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
	done
	ip -n "$NS_EDGE" link add e-lan type veth peer name p-edge \
		netns "$NS_PEER" &&
		ip -n "$NS_EDGE" link add e-atk type veth peer name a-edge \
			netns "$NS_ATK" &&
		ip -n "$NS_PEER" link add p-atk type veth peer name a-lan \
			netns "$NS_ATK" &&
		ip -n "$NS_PEER" link add br0 type bridge &&
		ip -n "$NS_PEER" link set p-edge master br0 &&
		ip -n "$NS_PEER" link set p-atk master br0 &&
		ip -n "$NS_EDGE" addr add $RL_EDGE_LAN/24 dev e-lan &&
		ip -n "$NS_EDGE" addr add $RL_EDGE_ATK/24 dev e-atk &&
		ip -n "$NS_PEER" addr add $RL_PEER/24 dev br0 || return 1
	for l in "$NS_EDGE e-lan" "$NS_EDGE e-atk" "$NS_PEER p-edge" \
		"$NS_PEER p-atk" "$NS_PEER br0" "$NS_ATK a-edge" \
		"$NS_ATK a-lan"; do
		# shellcheck disable=SC2086 # NS and device
		ip -n ${l% *} link set ${l#* } up || return 1
	done
	# flood_gen's frames are XDP_TX'd out of a-lan into p-atk: a veth
	# takes XDP frames only in NAPI mode, which GRO turns on (e-atk gets
	# it from the guard's XDP program).
	ip netns exec "$NS_PEER" ethtool -K p-atk gro on >/dev/null || return 1
	# No STP delay on the bridge's ports.
	ip netns exec "$NS_PEER" sh -c \
		'echo 0 > /sys/class/net/br0/bridge/forward_delay' 2>/dev/null
	# The edge's replies to anything that gets past the guard on e-atk
	# die in the attacker's namespace (no forwarding there).
	ip netns exec "$NS_ATK" sysctl -qw net.ipv4.ip_forward=0
}

# rl_write_conf BIND: bgpshieldd's config; BIND on (the defaults: the
# interface from the route, the MAC from the neighbour table) or off.
rl_write_conf() {
	local bind=""
	[ "$1" = off ] && bind=" interface off; mac-binding off;"
	(
		umask 077
		cat >"$T_DIR/edge.conf" <<-EOF
			# bgpshield reconnect lab
			guard {
				interface e-lan e-atk;
				mode native;
				pin-dir $PIN;
				on-exit detach;
			}
			neighbor $RL_PEER {
				description "bird";
				router-id $RL_EDGE_LAN;
				local-address $RL_EDGE_LAN;
				local-as $RL_AS_EDGE;
				peer-as $RL_AS_PEER;
				hold-time 9;
				passive;
				md5-password "$RL_KEY";
				ttl-security;
				guard { syn-rate $RL_SYN_RATE; syn-burst $RL_SYN_BURST;$bind }
				family { ipv4 unicast; }
			}
		EOF
	)
}

rl_write_bird() {
	cat >"$T_DIR/bird.conf" <<-EOF
		log stderr all;
		router id $RL_PEER;
		protocol device { }
		protocol bgp edge {
			local $RL_PEER as $RL_AS_PEER;
			neighbor $RL_EDGE_LAN as $RL_AS_EDGE;
			hold time 9;
			password "$RL_KEY";
			ttl security on;
			connect delay time 1;
			connect retry time 2;
			error wait time 1, 2;
			ipv4 { import all; export none; };
		}
	EOF
}

rl_dctl() { # SECONDS ARGS...: bgpshieldctl on the daemon's socket
	local t=$1
	shift
	rl_bounded "$t" nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" -s "$T_DIR/edge.sock" --pin-dir "$PIN" "$@"
}
rl_daemon_up() { rl_dctl 3 status >/dev/null 2>&1; }

rl_daemon_start() {
	mkdir -p "$PIN" || return 1
	rl_bg edge.log nsenter --net="/run/netns/$NS_EDGE" -- \
		taskset -c 1 "$DAEMON" -d -v -c "$T_DIR/edge.conf" \
		-s "$T_DIR/edge.sock" -p "$T_DIR/edge.pid"
	RL_DAEMON_PID=$RL_BG_PID
	rl_wait_for 10 rl_daemon_up
}

rl_daemon_stop() {
	[ -n "${RL_DAEMON_PID:-}" ] && rl_stop "$RL_DAEMON_PID"
	RL_DAEMON_PID=""
}

rl_birdc() { rl_bounded 5 birdc -s "$T_DIR/bird.ctl" "$@"; }
rl_bird_up() { rl_birdc show status 2>/dev/null | grep -q "Daemon is up"; }

rl_bird_start() {
	rl_bg bird.log ip netns exec "$NS_PEER" taskset -c 1 bird -f \
		-c "$T_DIR/bird.conf" -s "$T_DIR/bird.ctl" -P "$T_DIR/bird.pid"
	rl_wait_for 10 rl_bird_up
}

rl_bird_state() {
	rl_birdc show protocols all edge 2>/dev/null |
		awk '{ sub(/^[ \t]+/, "") } /^BGP state:/ { print $3; exit }'
}
rl_established() { [ "$(rl_bird_state)" = Established ]; }

# The guard's view: `guard status -j` through the pins.
rl_status() { rl_dctl 10 -j guard status; }

# rl_field JSON PATH...: fields of a `guard status -j` answer (nettool.py's
# paths: "counters.syn_rate", "allowlist[source=ADDR].drop_syn"), one per
# line, "null" when missing.
rl_field() {
	local j=$1
	shift
	printf '%s\n' "$j" | /usr/bin/python3 "$RL_DIR/nettool.py" json "$@"
}

# The peer's syn_tat (its bucket's state, ns; 0: never used), which the
# JSON does not show: from the pinned map.
rl_syn_tat() {
	bpftool -j map lookup pinned "$PIN/allow4" key 192 0 2 2 2>/dev/null |
		/usr/bin/python3 -c '
import json, sys
try:
    e = json.load(sys.stdin)
    print(e.get("formatted", e)["value"]["syn_tat"])
except Exception:
    print("?")'
}

# rl_flood_start SECONDS: both spoofers, pids in RL_FLOOD_PIDS.
rl_flood_start() {
	local mac_atk mac_lan
	mac_atk=$(rl_mac "$NS_EDGE" e-atk) && mac_lan=$(rl_mac "$NS_EDGE" e-lan) ||
		return 1
	rl_bg flood-atk.log nsenter --net="/run/netns/$NS_ATK" -- \
		"$FLOOD_GEN" run --dev a-edge --dst-mac "$mac_atk" \
		--dst $RL_EDGE_LAN --src-net $RL_PEER/32 --ttl 255 --md5 \
		--rate "$RL_RATE" --cpu 0 --duration "$1"
	RL_FLOOD_PIDS=$RL_BG_PID
	rl_bg flood-lan.log nsenter --net="/run/netns/$NS_ATK" -- \
		"$FLOOD_GEN" run --dev a-lan --dst-mac "$mac_lan" \
		--dst $RL_EDGE_LAN --src-net $RL_PEER/32 --ttl 255 --md5 \
		--src-mac $RL_FORGED_MAC --rate "$RL_RATE" --cpu 0 \
		--duration "$1"
	RL_FLOOD_PIDS="$RL_FLOOD_PIDS $RL_BG_PID"
	sleep 0.5
	for p in $RL_FLOOD_PIDS; do kill -0 "$p" 2>/dev/null || return 1; done
}

# Waits for both flooders to end; their "sent=" lines summed (frames).
rl_flood_wait() {
	local p
	for p in ${RL_FLOOD_PIDS:-}; do wait "$p" 2>/dev/null; done
	RL_FLOOD_PIDS=""
	cat "$T_DIR"/flood-atk.log "$T_DIR"/flood-lan.log 2>/dev/null |
		sed -n 's/.*sent=\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}

rl_flood_stop() {
	# shellcheck disable=SC2086 # pids
	[ -n "${RL_FLOOD_PIDS:-}" ] && kill -TERM $RL_FLOOD_PIDS 2>/dev/null
	rl_flood_wait
}

# rl_reconnects N LIMIT [STOP_AT_FAILURE]: reset BIRD's session N times
# (birdc restart: a Cease, then a new connection after "connect delay"),
# each time waiting up to LIMIT s for Established.  One line per attempt
# in $T_DIR/reconnects: "ok MS" or "timeout MS".  With STOP_AT_FAILURE=1
# it stops after the first timeout (the test's binding-off run only needs
# to see one).  Prints "OK ATTEMPTED".
rl_reconnects() {
	local n=$1 limit=$2 stop=${3:-0} t0 ms ok=0 tried=0 up=1
	: >"$T_DIR/reconnects"
	for _ in $(seq "$n"); do
		# After a success, let the session settle; after a miss it is
		# not coming up anyway: restart it from where it is.
		[ "$up" = 1 ] && { rl_wait_for 5 rl_established || true; }
		t0=$(date +%s%N)
		rl_birdc restart edge >/dev/null 2>&1
		# The old session must be gone before "Established" counts.
		rl_wait_for 2 eval '! rl_established' || true
		tried=$((tried + 1))
		if rl_wait_for "$limit" rl_established; then
			ms=$((($(date +%s%N) - t0) / 1000000))
			echo "ok $ms" >>"$T_DIR/reconnects"
			ok=$((ok + 1)) up=1
		else
			ms=$((($(date +%s%N) - t0) / 1000000))
			echo "timeout $ms" >>"$T_DIR/reconnects"
			up=0
			[ "$stop" = 1 ] && break
		fi
	done
	echo "$ok $tried"
}

# p50 and max of the successful reconnects, ms ("- -" when none).
rl_reconnect_times() {
	awk '$1 == "ok" { print $2 }' "$T_DIR/reconnects" | sort -n | awk '
		{ v[NR] = $1 }
		END { if (!NR) { print "- -"; exit }
		      print v[int((NR + 1) / 2)], v[NR] }'
}
