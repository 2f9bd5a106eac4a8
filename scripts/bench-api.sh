#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-api.sh: API announce throughput, `make bench-api`.  bgpshieldd
# starts one API process, build/apigen (encoder text), which waits for the
# "neighbor 192.0.2.2 up" event and then writes N lines
# "announce route 20.x.y.z/32 next-hop self med 100 community [65001:1]"
# (distinct /32s, shared attributes; built before the clock starts) as
# fast as the engine reads them.  With --flow (or --kinds "route flow")
# it writes flowspec rules instead (or as well, interleaved), one per
# distinct /32: "announce flow route { match { destination 20.x.y.z/32;
# protocol udp; destination-port =53; } then { discard; } }".  The peer is
# BIRD 2, a second bgpshieldd or GoBGP (passive, ipv4-unicast and
# ipv4-flowspec), each started fresh per run:
#
#   announcer ns (veth-a) 192.0.2.1 AS 65001 ---- 192.0.2.2 AS 65002 (veth-p) peer ns
#
# Modes: "silence" (first line silence-ack: no acks) and "acks" (every
# command answered "done"; apigen reads the answers while it writes, and
# exits once all are in: the peer's count 2 s later shows whether a
# helper's exit withdraws its routes; it must not).
#
# With --announcers "bgpshieldd exabgp" the same runs are made with ExaBGP
# 4.2 (/usr/sbin/exabgp, the baseline) as the announcer in place of
# bgpshieldd, into the same peers: it runs as root in the announcer
# namespace with an ini of its own ($TMP/exabgp.env, given with --env, so
# /etc/exabgp/exabgp.env is not read: user root, no privilege drop, no CLI
# pipes, log level WARNING to $TMP/exabgp.log, ExaBGP's per-command INFO
# lines being off), a neighbor block with outgoing-ttl/incoming-ttl 255,
# the kind's families, api { processes [ gen ]; neighbor-changes; } and a
# process gen running apigen (encoder text) with the same arguments but
# --silence: silence-ack is bgpshieldd's, so "silence" is
# exabgp.api.ack=false and "acks" exabgp.api.ack=true (ExaBGP answers
# "done").  The flow lines are in the block form above because ExaBGP 4.2
# does not read the one-line form.  ExaBGP's rows are labelled
# exabgp:PEER; its "engine" figures are those of the exabgp (python)
# process, "before" taken when apigen logs its start (ExaBGP has no
# control socket here to see Established by), there is no Adj-RIB-Out
# figure ("-"), and the summary ends with the ratio bgpshieldd / ExaBGP
# of the median rates.
#
# Measured per run: seconds from apigen's first command (its start_ns,
# after Established) until the peer holds all N routes (BIRD: "Routes: N
# imported"; bgpshieldd: `show neighbor -j` prefixes_in, flows_in for
# rules; GoBGP: `gobgp neighbor -j` accepted of ipv4-unicast or
# ipv4-flowspec), polled every 20 ms; until the announcer's own Adj-RIB-Out
# holds them (its `show neighbor -j` routes_originated / flows_originated:
# when the peer takes longer than that, the peer is the bottleneck);
# apigen's own write time (and ack time); VmRSS/VmHWM of the
# announcing engine (the child of the bgpshieldd parent that is not the
# helper) on the idle Established session and after the table is out,
# and their difference a route / rule (engine RSS B/route).
#
#   scripts/bench-api.sh [--quick] [--routes N] [--reps N] [--modes "silence acks"] [--peers "bird bgpshieldd gobgp"] [--announcers "bgpshieldd exabgp"] [--flow | --kinds "route flow"] [--timeout S]
#
# Flowspec rules go to bgpshieldd and GoBGP peers (BIRD is left out of
# --kinds flow).
# --quick: 100000 routes, 1 repetition.  Default: 1000000 routes, 3
# repetitions.  Figures only: the exit status is 0 unless setup failed (1)
# or it is not run as root (77).
#
# Figures, bgpshieldd beside ExaBGP 4.2.21 (Debian) into GoBGP, 2 shared
# vCPUs under other load (load average ~3), --quick --reps 3 --modes
# silence --announcers "bgpshieldd exabgp" --peers gobgp --kinds "route
# flow" (100000 /32s; median [min-max]):
#
#   announcer   kind   end to end s          per s                  announcer CPU s     RSS after MB
#   bgpshieldd  route   2.390 [2.118-3.612]  41841 [27685-47214]     0.106               8.2
#   ExaBGP      route  60.665 [56.646-62.466] 1648 [1601-1765]      13.797             212.6
#   bgpshieldd  flow    3.851 [3.453-6.466]  25967 [15466-28960]     0.242               9.2
#   ExaBGP      flow   46.901 [36.491-58.275] 2132 [1716-2740]      24.563             264.9
#
#   bgpshieldd / ExaBGP: routes 25.4x, flow rules 12.2x (median rates).
#
# bgpshieldd's own Adj-RIB-Out held all N after 0.36-0.94 s: GoBGP is
# the bottleneck of its rows.  ExaBGP's is its own reactor: it read
# apigen's 100000 lines in 4-8 s, then ran the queued commands at most 50
# generator steps (ASYNC.LIMIT) a loop, polling 10 ms (reactor.speed 1.0,
# the default) whenever no input or peer needed it, so it was busy only
# ~23% (routes: 13.8 s CPU in 60.7 s) to ~52% (rules) of the time; hence
# its 1.6-2.1k/s here against the ~4.6k routes/s the issue quotes.  GoBGP
# is polled every 3% of the elapsed time: a time may be up to 3% late.

# shellcheck disable=SC2317 # cleanup runs from a trap
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench-lib.sh
. "$ROOT/scripts/bench-lib.sh"
BUILD=${O:-$ROOT/build}
APIGEN=$BUILD/apigen
DAEMON=$BUILD/bgpshieldd
CTL=$BUILD/bgpshieldctl
DUSER=bgpshield

N=1000000
REPS=3
TIMEOUT=180
MODES="silence acks"
PEERS="bird bgpshieldd"
ANNOUNCERS=bgpshieldd
KINDS=route
POLL=0.02

usage() { sed -n '/^#   scripts/p' "$0" | sed 's/^# *//'; }

while [ $# -gt 0 ]; do
	case $1 in
	--quick) N=100000 REPS=1 ;;
	--routes) N=${2:?--routes N}; shift ;;
	--reps) REPS=${2:?--reps N}; shift ;;
	--modes) MODES=${2:?--modes LIST}; shift ;;
	--peers) PEERS=${2:?--peers LIST}; shift ;;
	--announcers) ANNOUNCERS=${2:?--announcers LIST}; shift ;;
	--flow) KINDS=flow ;;
	--kinds) KINDS=${2:?--kinds LIST}; shift ;;
	--timeout) TIMEOUT=${2:?--timeout SECONDS}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[[ $N =~ ^[1-9][0-9]*$ && $REPS =~ ^[1-9][0-9]*$ &&
	$TIMEOUT =~ ^[1-9][0-9]*$ && $N -le 16000000 ]] ||
	{ usage >&2; exit 2; }

if [ "$(id -u)" != 0 ]; then
	echo "bench-api: needs root (network namespaces, BPF): skipped" >&2
	exit 77
fi
for f in "$APIGEN" "$DAEMON" "$CTL"; do
	[ -x "$f" ] || { echo "bench-api: $f missing: make bench-api" >&2
		exit 1; }
done
if ! command -v bird >/dev/null || ! command -v birdc >/dev/null; then
	echo "bench-api: bird/birdc not found (make deps): BIRD not measured" >&2
	PEERS=${PEERS//bird/}
fi
if [[ " $PEERS " == *" gobgp "* ]] &&
	{ ! command -v gobgpd >/dev/null || ! command -v gobgp >/dev/null; }; then
	echo "bench-api: gobgpd/gobgp not found (make deps): GoBGP not measured" >&2
	PEERS=${PEERS//gobgp/}
fi
for k in $KINDS; do
	[ "$k" = route ] || [ "$k" = flow ] || { usage >&2; exit 2; }
done
for a in $ANNOUNCERS; do
	[ "$a" = bgpshieldd ] || [ "$a" = exabgp ] || { usage >&2; exit 2; }
done
if [[ " $ANNOUNCERS " == *" exabgp "* ]] && ! command -v exabgp >/dev/null; then
	echo "bench-api: exabgp not found: ExaBGP not measured" >&2
	ANNOUNCERS=${ANNOUNCERS//exabgp/}
fi

ID=$$
NS_A="apibench$ID-a"
NS_P="apibench$ID-p"
PIN_A="/sys/fs/bpf/bgps-apibench-$ID-a"
PIN_P="/sys/fs/bpf/bgps-apibench-$ID-p"
A4=192.0.2.1
P4=192.0.2.2
AS_A=65001
AS_P=65002
TMP=$(mktemp -d "/tmp/bench-api-$ID.XXXXXX") || exit 1
PIDS=()

cleanup() {
	local p
	trap '' INT TERM
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	ns_del "$NS_A"
	ns_del "$NS_P"
	[ -e "$PIN_A" ] && rm -rf "$PIN_A"
	[ -e "$PIN_P" ] && rm -rf "$PIN_P"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "bench-api: $*" >&2; exit 1; }

setup() {
	ip netns add "$NS_A" && ip netns add "$NS_P" &&
		ip -n "$NS_A" link set lo up && ip -n "$NS_P" link set lo up &&
		ip -n "$NS_A" link add veth-a type veth peer name veth-p \
			netns "$NS_P" &&
		ip -n "$NS_A" addr add "$A4/24" dev veth-a &&
		ip -n "$NS_P" addr add "$P4/24" dev veth-p &&
		ip -n "$NS_A" link set veth-a up &&
		ip -n "$NS_P" link set veth-p up
}

# The helper runs as $DUSER: give it its own copy in a folder it can
# reach, whatever the build folder's permissions.
install_apigen() {
	chmod 755 "$TMP" &&
		install -m 0755 "$APIGEN" "$TMP/apigen" &&
		runuser -u "$DUSER" -- test -x "$TMP/apigen"
}

proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

# The engine: the parent's child that is not the helper.
engine_pid() {
	local c
	for c in $(pgrep -P "$1"); do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = apigen ] && continue
		echo "$c"
		return 0
	done
}

# --- announcer: bgpshieldd + apigen -------------------------------------------

write_announcer_conf() {
	local mode=$1 kind=${2:-route} args="--count $N --wait-up --delay 1000" \
		fam="ipv4 unicast;"
	[ "$mode" = silence ] && args="$args --silence"
	[ "$mode" = acks ] && args="$args --exit"
	[ "$kind" = flow ] && args="$args --flow" fam="ipv4 unicast; ipv4 flow;"
	cat >"$TMP/a.conf" <<-EOF
		# bench-api $ID announcer ($mode, $kind)
		guard {
			interface veth-a;
			pin-dir $PIN_A;
		}
		process gen {
			run $TMP/apigen $args;
			encoder text;
			respawn false;
		}
		neighbor $P4 {
			description "api bench peer";
			router-id $A4;
			local-address $A4;
			local-as $AS_A;
			peer-as $AS_P;
			ttl-security;
			family { $fam }
			filter { export { } import { } }
			api { processes [ gen ]; neighbor-changes; }
		}
	EOF
	chmod 600 "$TMP/a.conf"
}

a_ctl() { timeout -k 1 5 "$CTL" -s "$TMP/a.sock" "$@"; }

# What the announcer's Adj-RIB-Out holds of the API's routes or rules.
a_orig() {
	local f=routes_originated
	[ "$1" = flow ] && f=flows_originated
	a_ctl -j show neighbor "$P4" 2>/dev/null |
		sed -n "s/.*\"$f\": *\([0-9]*\).*/\1/p" | head -n1
}

a_state() {
	a_ctl -j show neighbor "$P4" 2>/dev/null |
		sed -n 's/.*"state": *"\([A-Za-z]*\)".*/\1/p' | head -n1
}

A_PID=""
a_start() {
	local i
	rm -f "$TMP/a.sock"
	: >"$TMP/a.log"
	nsenter --net="/run/netns/$NS_A" -- "$DAEMON" -d \
		-c "$TMP/a.conf" -s "$TMP/a.sock" -p "$TMP/a.pid" \
		-a "$TMP/a.audit" >>"$TMP/a.log" 2>&1 &
	A_PID=$!
	PIDS+=("$A_PID")
	for i in $(seq 100); do
		[ -n "$(engine_pid "$A_PID")" ] &&
			a_ctl status >/dev/null 2>&1 && return 0
		kill -0 "$A_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$TMP/a.log" >&2
	die "bgpshieldd (announcer) did not start"
}

a_stop() {
	stop_pid "$A_PID"
	A_PID=""
	[ -e "$PIN_A" ] && rm -rf "$PIN_A"
}

# --- announcer: ExaBGP 4.2 + apigen -------------------------------------------

# Its own ini (--env: /etc/exabgp/exabgp.env is then not read); it starts
# with an empty environment, as variables exabgp.SECTION.KEY would
# override the ini.
write_exabgp_conf() {
	local mode=$1 kind=${2:-route} args="--count $N --wait-up --delay 1000" \
		fam="ipv4 unicast;" ack=false
	[ "$mode" = acks ] && args="$args --exit" ack=true
	[ "$kind" = flow ] && args="$args --flow" fam="ipv4 unicast; ipv4 flow;"
	cat >"$TMP/exabgp.env" <<-EOF
		# bench-api $ID ExaBGP ($mode, $kind)
		[exabgp.daemon]
		user = root
		drop = false
		daemonize = false
		pid = ''
		[exabgp.log]
		destination = '$TMP/exabgp.log'
		level = WARNING
		[exabgp.api]
		ack = $ack
		cli = false
		respawn = false
		encoder = text
		[exabgp.tcp]
		bind = ''
	EOF
	cat >"$TMP/exabgp.conf" <<-EOF
		# bench-api $ID ExaBGP announcer ($mode, $kind)
		process gen {
			run $TMP/apigen $args;
			encoder text;
			respawn false;
		}
		neighbor $P4 {
			description "api bench peer";
			router-id $A4;
			local-address $A4;
			local-as $AS_A;
			peer-as $AS_P;
			outgoing-ttl 255;
			incoming-ttl 255;
			family { $fam }
			api { processes [ gen ]; neighbor-changes; }
		}
	EOF
	chmod 600 "$TMP/exabgp.env" "$TMP/exabgp.conf"
}

# ip netns exec execs env, which execs exabgp (a python script): $! is
# the exabgp process; apigen is its child.
x_start() {
	local i
	: >"$TMP/a.log"
	: >"$TMP/exabgp.log"
	ip netns exec "$NS_A" env -i PATH="$PATH" \
		exabgp --env "$TMP/exabgp.env" "$TMP/exabgp.conf" \
		>>"$TMP/a.log" 2>&1 &
	A_PID=$!
	PIDS+=("$A_PID")
	for i in $(seq 100); do
		[ -n "$(pgrep -P "$A_PID" -x apigen)" ] && return 0
		kill -0 "$A_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$TMP/a.log" "$TMP/exabgp.log" >&2
	die "exabgp (announcer) did not start its API process"
}

# --- peer: BIRD or a second bgpshieldd ------------------------------------------

write_peer_confs() {
	local fam="ipv4 unicast;"
	[ "${1:-route}" = flow ] && fam="ipv4 unicast; ipv4 flow;"
	cat >"$TMP/bird.conf" <<-EOF
		# bench-api $ID
		log "$TMP/bird.log" { warning, error, fatal };
		router id $P4;
		protocol device { }
		protocol bgp ann {
			local $P4 as $AS_P;
			neighbor $A4 as $AS_A;
			passive on;
			ttl security on;
			ipv4 { import all; export none; };
		}
	EOF
	cat >"$TMP/p.conf" <<-EOF
		# bench-api $ID peer
		guard {
			interface veth-p;
			pin-dir $PIN_P;
		}
		neighbor $A4 {
			description "api bench announcer";
			router-id $P4;
			local-address $P4;
			local-as $AS_P;
			peer-as $AS_A;
			passive;
			ttl-security;
			family { $fam }
			filter { import { } export { } }
		}
	EOF
	chmod 600 "$TMP/p.conf"
	# GoBGP: passive, GTSM (ttl-min 255 also makes it send TTL 255, which
	# the announcer's guard asks of it), both families always.
	cat >"$TMP/gobgpd.toml" <<-EOF
		# bench-api $ID
		[global.config]
		  as = $AS_P
		  router-id = "$P4"
		  local-address-list = ["$P4"]

		[[neighbors]]
		  [neighbors.config]
		    neighbor-address = "$A4"
		    peer-as = $AS_A
		  [neighbors.transport.config]
		    passive-mode = true
		    local-address = "$P4"
		  [neighbors.ttl-security.config]
		    enabled = true
		    ttl-min = 255
		  [[neighbors.afi-safis]]
		    [neighbors.afi-safis.config]
		      afi-safi-name = "ipv4-unicast"
		  [[neighbors.afi-safis]]
		    [neighbors.afi-safis.config]
		      afi-safi-name = "ipv4-flowspec"
	EOF
	chmod 600 "$TMP/gobgpd.toml"
}

gobgp_ctl() { timeout -k 1 5 gobgp --target "unix://$TMP/gobgp.sock" "$@"; }

# GoBGP's accepted paths of the family (GoBGP omits zero counters).
GOBGP_SAFI=1
gobgp_count() {
	gobgp_ctl neighbor -j 2>/dev/null | jq -r --argjson s "$GOBGP_SAFI" \
		'[.[0].afi_safis[]? | .state | select(.family.afi == 1 and
		 .family.safi == $s) | (.accepted // 0)] | first // empty' \
		2>/dev/null
}

bird_ctl() { timeout -k 1 5 birdc -s "$TMP/bird.ctl" "$@"; }
p_ctl() { timeout -k 1 5 "$CTL" -s "$TMP/p.sock" "$@"; }

bird_count() {
	bird_ctl show protocols all ann 2>/dev/null |
		sed -n 's/.*Routes: *\([0-9]*\) imported.*/\1/p' | head -n1
}

shield_count() {
	p_ctl -j show neighbor "$A4" 2>/dev/null |
		sed -n 's/.*"prefixes_in": *\([0-9]*\).*/\1/p' | head -n1
}

shield_flow_count() {
	p_ctl -j show neighbor "$A4" 2>/dev/null |
		sed -n 's/.*"flows_in": *\([0-9]*\).*/\1/p' | head -n1
}

P_PID=""
P_RSS_PID=""
peer_start() {
	local who=$1 i
	rm -f "$TMP/bird.ctl" "$TMP/bird.pid" "$TMP/p.sock" "$TMP/gobgp.sock"
	if [ "$who" = gobgp ]; then
		# ip netns exec execs gobgpd: $! is gobgpd itself.
		ip netns exec "$NS_P" gobgpd -f "$TMP/gobgpd.toml" -t toml \
			--api-hosts "unix://$TMP/gobgp.sock" --pprof-disable \
			-p -l warn >>"$TMP/gobgpd.log" 2>&1 &
		P_PID=$!
		PIDS+=("$P_PID")
		for i in $(seq 100); do
			if gobgp_ctl global >/dev/null 2>&1; then
				P_RSS_PID=$P_PID
				return 0
			fi
			kill -0 "$P_PID" 2>/dev/null || break
			sleep 0.1
		done
		tail -n 20 "$TMP/gobgpd.log" >&2
		die "gobgpd did not start"
	fi
	if [ "$who" = bird ]; then
		ip netns exec "$NS_P" bird -f -c "$TMP/bird.conf" \
			-s "$TMP/bird.ctl" -P "$TMP/bird.pid" \
			>>"$TMP/bird.out" 2>&1 &
		P_PID=$!
		PIDS+=("$P_PID")
		for i in $(seq 100); do
			if bird_ctl show status 2>/dev/null |
				grep -q "Daemon is up"; then
				P_RSS_PID=$P_PID
				return 0
			fi
			kill -0 "$P_PID" 2>/dev/null || break
			sleep 0.1
		done
		tail -n 20 "$TMP/bird.out" >&2
		die "bird did not start"
	fi
	nsenter --net="/run/netns/$NS_P" -- "$DAEMON" -d \
		-c "$TMP/p.conf" -s "$TMP/p.sock" -p "$TMP/p.pid" \
		-a "$TMP/p.audit" >>"$TMP/p.log" 2>&1 &
	P_PID=$!
	PIDS+=("$P_PID")
	for i in $(seq 100); do
		P_RSS_PID=$(engine_pid "$P_PID")
		[ -n "$P_RSS_PID" ] && p_ctl status >/dev/null 2>&1 && return 0
		kill -0 "$P_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$TMP/p.log" >&2
	die "bgpshieldd (peer) did not start"
}

peer_stop() {
	stop_pid "$P_PID"
	P_PID=""
	[ -e "$PIN_P" ] && rm -rf "$PIN_P"
}

# --- one run ------------------------------------------------------------------

# api_run ANNOUNCER PEER MODE [KIND]: appends "LABEL MODE secs rss_b hwm_b
# rss_a hwm_a write_s ack_s got after_exit peer_rss_kb engine_cpu_s orig_s"
# to $TMP/results; LABEL is PEER, or PEER-flow for flowspec rules, after
# "exabgp:" when ExaBGP announces.
api_run() {
	local ann=$1 who=$2 mode=$3 kind=${4:-route} label count_fn epid got=0 \
		t_done="" t0 t_w t_ack t_orig="" orig orig_s secs write_s ack_s \
		rb hb ra ha after=NA prss deadline st cb cb_t ca ecpu
	label=$who
	count_fn=bird_count
	[ "$who" = bgpshieldd ] && count_fn=shield_count
	GOBGP_SAFI=1
	if [ "$kind" = flow ]; then
		label=$who-flow
		[ "$who" = bgpshieldd ] && count_fn=shield_flow_count
		GOBGP_SAFI=133
	fi
	[ "$who" = gobgp ] && count_fn=gobgp_count
	[ "$ann" = exabgp ] && label=exabgp:$label
	write_peer_confs "$kind"
	peer_start "$who"
	if [ "$ann" = exabgp ]; then
		write_exabgp_conf "$mode" "$kind"
		x_start
		epid=$A_PID
		# No control socket: ExaBGP's idle figures once apigen, which
		# waits for "up" and its --delay, logs its start.
		deadline=$(($(now_ns) + 30 * 1000000000))
		until grep -q '^apigen: start_ns=' "$TMP/a.log"; do
			if [ "$(now_ns)" -ge "$deadline" ] ||
				! kill -0 "$A_PID" 2>/dev/null; then
				echo "  $label/$mode: apigen did not start (no \"up\" event?)" >&2
				break
			fi
			sleep 0.02
		done
	else
		write_announcer_conf "$mode" "$kind"
		a_start
		epid=$(engine_pid "$A_PID")
		# Established, then the engine's idle figures while apigen
		# waits its --delay second.
		deadline=$(($(now_ns) + 30 * 1000000000))
		while :; do
			st=$(a_state)
			[ "$st" = established ] && break
			if [ "$(now_ns)" -ge "$deadline" ]; then
				echo "  $who/$mode: session not Established (state ${st:-?})" >&2
				break
			fi
			sleep 0.05
		done
	fi
	rb=$(proc_kb "$epid" VmRSS)
	hb=$(proc_kb "$epid" VmHWM)
	cb=$(cpu_ns "$epid")
	cb_t=$(now_ns)
	deadline=$(($(now_ns) + TIMEOUT * 1000000000))
	while :; do
		if [ -z "$t_orig" ] && [ "$ann" = bgpshieldd ]; then
			orig=$(a_orig "$kind")
			[ "${orig:-0}" -ge "$N" ] && t_orig=$(now_ns)
		fi
		got=$($count_fn)
		got=${got:-0}
		if [ "$got" -ge "$N" ]; then
			t_done=$(now_ns)
			[ -z "$t_orig" ] && [ "$ann" = bgpshieldd ] &&
				t_orig=$t_done
			break
		fi
		if ! kill -0 "$A_PID" 2>/dev/null; then
			echo "  $label/$mode: announcer exited" >&2
			tail -n 5 "$TMP/a.log" >&2
			[ "$ann" = exabgp ] && tail -n 5 "$TMP/exabgp.log" >&2
			break
		fi
		[ "$(now_ns)" -ge "$deadline" ] && break
		if [ "$who" = gobgp ]; then
			# GoBGP counts its paths by walking its tables on every
			# query: poll at 3% of the time so far (at least $POLL s).
			sleep "$(awk -v a="$cb_t" -v b="$(now_ns)" -v p="$POLL" \
				'BEGIN { s = (b - a) / 1e9 * 0.03; printf "%.3f", (s > p ? s : p) }')"
		else
			sleep "$POLL"
		fi
	done
	ra=$(proc_kb "$epid" VmRSS)
	ha=$(proc_kb "$epid" VmHWM)
	ca=$(cpu_ns "$epid")
	if [ "$who" = gobgp ]; then
		# GoBGP's own RIB, as a check of its neighbor counter
		echo "  gobgp global rib summary -a ipv4$([ "$kind" = flow ] && echo -flowspec):" \
			"$(gobgp_ctl global rib summary -a "ipv4$([ "$kind" = flow ] && echo -flowspec)" 2>&1 | tr '\n' ' ')"
	fi
	ecpu=NA
	[ -n "$cb" ] && [ -n "$ca" ] &&
		ecpu=$(awk -v a="$cb" -v b="$ca" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	prss=$(proc_kb "$P_RSS_PID" VmRSS)
	t0=$(sed -n 's/^apigen: start_ns=\([0-9]*\).*/\1/p' "$TMP/a.log" | head -n1)
	t_w=$(sed -n 's/^apigen: written_ns=\([0-9]*\).*/\1/p' "$TMP/a.log" | head -n1)
	t_ack=$(sed -n 's/^apigen: acked_ns=\([0-9]*\).*/\1/p' "$TMP/a.log" | head -n1)
	if [ "$mode" = acks ] && [ -n "$t_done" ]; then
		# apigen exits once every ack is in; then 2 s for a withdraw
		# to show, if the exit caused one.
		for _ in $(seq 100); do
			[ -n "$(pgrep -P "$A_PID" -x apigen)" ] || break
			sleep 0.1
		done
		sleep 2
		after=$($count_fn)
		after=${after:-NA}
		[ -z "$t_ack" ] &&
			t_ack=$(sed -n 's/^apigen: acked_ns=\([0-9]*\).*/\1/p' \
				"$TMP/a.log" | head -n1)
	fi
	secs=NA write_s=NA ack_s=NA orig_s=NA
	[ -n "$t0" ] && [ -n "$t_orig" ] &&
		orig_s=$(awk -v a="$t0" -v b="$t_orig" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	[ -n "$t0" ] && [ -n "$t_done" ] &&
		secs=$(awk -v a="$t0" -v b="$t_done" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	[ -n "$t0" ] && [ -n "$t_w" ] &&
		write_s=$(awk -v a="$t0" -v b="$t_w" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	[ -n "$t0" ] && [ -n "$t_ack" ] &&
		ack_s=$(awk -v a="$t0" -v b="$t_ack" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	echo "$label $mode $secs ${rb:-NA} ${hb:-NA} ${ra:-NA} ${ha:-NA} $write_s $ack_s $got $after ${prss:-NA} $ecpu $orig_s" \
		>>"$TMP/results"
	if [ "$secs" = NA ]; then
		printf '  %-18s %-7s reached %s of %s (announcer Adj-RIB-Out: %s; timeout %s s or error)\n' \
			"$label" "$mode" "$got" "$N" \
			"$([ "$ann" = bgpshieldd ] && a_orig "$kind" || echo -)" "$TIMEOUT"
		grep -i 'apigen\|error\|warn\|refuse' "$TMP/a.log" | tail -n 5 >&2
		[ "$ann" = exabgp ] && tail -n 5 "$TMP/exabgp.log" >&2
		[ "$who" = gobgp ] && tail -n 5 "$TMP/gobgpd.log" >&2
	else
		printf '  %-18s %-7s %7s s = %8.0f routes/s; in the announcer'"'"'s Adj-RIB-Out after %s s; apigen wrote in %s s, acked in %s s; engine CPU %s s, RSS %s -> %s kB, HWM %s -> %s kB; peer RSS %s kB%s\n' \
			"$label" "$mode" "$secs" "$(awk -v n="$N" -v s="$secs" 'BEGIN { print (s > 0 ? n / s : 0) }')" \
			"$orig_s" "$write_s" "$ack_s" "$ecpu" "${rb:-NA}" "${ra:-NA}" "${hb:-NA}" \
			"${ha:-NA}" "${prss:-NA}" \
			"$([ "$after" != NA ] && echo "; at the peer 2 s after apigen exited: $after")"
	fi
	a_stop
	peer_stop
}

# --- main ---------------------------------------------------------------------

ensure_user || die "cannot create user $DUSER"
install_apigen || die "cannot install apigen for user $DUSER in $TMP"
setup || die "namespaces"
: >"$TMP/results"

echo "=== bench-api: $N API announces (/32s; route: shared attributes, flow: udp =53 discard), announcers: $ANNOUNCERS; peers: $PEERS; kinds: $KINDS; modes: $MODES; $REPS repetition(s) ==="
for rep in $(seq "$REPS"); do
	echo "repetition $rep/$REPS"
	for mode in $MODES; do
		for kind in $KINDS; do
			for who in $PEERS; do
				if [ "$kind" = flow ] && [ "$who" = bird ]; then
					continue
				fi
				for ann in $ANNOUNCERS; do
					api_run "$ann" "$who" "$mode" "$kind"
				done
			done
		done
	done
done

echo
echo "=== bench-api summary ($N routes, $REPS reps; median [min-max]) ==="
awk -v n="$N" '
function med(a, k,    i, j, t) {
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
# stat(key, col): median [min-max] of column col over runs of key
function stat(key, col, kind,    i, k, a) {
	k = 0
	for (i = 1; i <= nr; i++)
		if (w[i] == key && v[i, col] != "NA")
			a[++k] = v[i, col] + 0
	if (k == 0) { s_med = "NA"; return "NA" }
	s_med = med(a, k)
	return sprintf("%s [%s-%s]", fmt(kind, s_med), fmt(kind, a[1]),
		       fmt(kind, a[k]))
}
function fmt(kind, x) {
	if (kind == "mb") return sprintf("%.1f", x / 1024)
	if (kind == "rate" || kind == "b") return sprintf("%.0f", x)
	return sprintf("%.3f", x)
}
{
	nr++; w[nr] = $1 " " $2
	for (c = 3; c <= NF; c++) v[nr, c] = $c
	# routes/s as column 20
	v[nr, 20] = ($3 == "NA" || $3 <= 0) ? "NA" : n / $3
	# routes/s into the announcer Adj-RIB-Out as column 21
	v[nr, 21] = ($14 == "NA" || $14 == "" || $14 <= 0) ? "NA" : n / $14
	# the engine RSS growth a route / rule, bytes, as column 22
	v[nr, 22] = ($4 == "NA" || $6 == "NA") ? "NA" : ($6 - $4) * 1024 / n
	if (!(w[nr] in seen)) { seen[w[nr]] = 1; order[++nk] = w[nr] }
	runs[w[nr]]++
	if ($3 != "NA") full[w[nr]]++
}
END {
	printf "%-28s %-24s %-26s %-26s %-24s %-24s %-22s %-22s %-22s %-22s %s\n",
	       "[exabgp:]peer / mode", "end to end s", "routes/s",
	       "own Adj-RIB-Out routes/s",
	       "apigen write s", "engine CPU s", "engine RSS before MB", "engine RSS after MB",
	       "engine HWM after MB", "engine RSS B/route", "complete"
	for (j = 1; j <= nk; j++) {
		key = order[j]
		printf "%-28s %-24s %-26s %-26s %-24s %-24s %-22s %-22s %-22s %-22s %d/%d\n", key,
		       stat(key, 3, "s"), stat(key, 20, "rate"),
		       key ~ /^exabgp:/ ? "-" : stat(key, 21, "rate"),
		       stat(key, 8, "s"), stat(key, 13, "s"), stat(key, 4, "mb"),
		       stat(key, 6, "mb"), stat(key, 7, "mb"), stat(key, 22, "b"),
		       full[key], runs[key]
		st = stat(key, 20, "rate")
		if (key ~ /^bird / && s_med != "NA")
			printf("%28s target >= 200000 routes/s into BIRD: %s\n", "",
			       (s_med >= 200000) ? "met" : "NOT met")
		if (key ~ /^gobgp-flow / && s_med != "NA")
			printf("%28s target >= 100000 rules/s into GoBGP: %s\n", "",
			       (s_med >= 100000) ? "met" : "NOT met")
	}
	for (i = 1; i <= nr; i++)
		if (v[i, 11] != "NA" && v[i, 11] != "" &&
		    (!(w[i] in lo) || v[i, 11] + 0 < lo[w[i]]))
			lo[w[i]] = v[i, 11] + 0
	for (k in lo)
		ex = ex sprintf(" %s: %d", k, lo[k])
	if (ex != "")
		printf "\nroutes at the peer 2 s after apigen exited (acks mode, lowest of the runs; must be %d):%s\n", n, ex
	for (j = 1; j <= nk; j++)
		if (order[j] ~ /acks$/) {
			st = stat(order[j], 9, "s")
			if (s_med != "NA")
				ak = ak sprintf(" %s: %s s;", order[j], st)
		}
	if (ak != "")
		printf "apigen saw every ack after:%s\n", ak
	# bgpshieldd / ExaBGP, median end-to-end rates into the same peer
	for (j = 1; j <= nk; j++) {
		key = order[j]
		if (key !~ /^exabgp:/)
			continue
		base = substr(key, 8)
		if (!(base in seen))
			continue
		stat(key, 20, "rate"); x = s_med
		stat(base, 20, "rate"); b = s_med
		if (x == "NA" || b == "NA" || x <= 0)
			continue
		if (!rt++)
			printf "\nbgpshieldd / ExaBGP 4.2 (median routes/s end to end):\n"
		printf "  %-24s %8.0f / %8.0f = %.1f\n", base, b, x, b / x
	}
}' "$TMP/results"
exit 0
