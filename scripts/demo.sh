#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: a small lab in network namespaces, nothing on the host.
#
#   router (BIRD 2, AS 65002)      edge (bgpshieldd, AS 65001)      attacker
#   192.0.2.2 on br0 = r-edge + r-atk
#              r-edge ---------- e-rtr 192.0.2.1
#                                    e-atk 203.0.113.1 ---------- a-edge 203.0.113.2
#              r-atk ---------------------------------------------- a-lan
#
# The edge runs bgpshieldd with its guard on both veths (mode auto: native
# XDP), an MD5 + GTSM (RFC 5082) session to the router, and a health-check
# process announcing the anycast prefix 198.51.100.53/32 while a TCP service
# on the edge's loopback answers.  The router's segment is a bridge (a
# switch) on which the attacker also has a port (a-lan).  The daemon binds
# the router's allowlist entry to e-rtr (the route to it) and to its MAC
# (the neighbour table).  Four waves of SYNs to the edge's port 179:
# spoofed sources; the router's address with a low TTL, as the router
# would forward them from afar; the router's address at TTL 255 from the
# attacker's own link (wrong_iface); the same from the attacker's port on
# the router's segment with a forged MAC (wrong_mac).  The guard drops all
# of them, the last two before the router's SYN bucket, while the session
# stays up.  Without bird (or with DEMO_ROUTER=bgpshieldd), the router is
# a second bgpshieldd.
#
# DEMO_HOLD=1 keeps the lab up after the summary until Enter or a signal
# (with stdin closed: until a signal).  Everything it creates (namespaces,
# pins, processes, its work folder) goes on exit, Ctrl-C included.  Exit
# status 0 when the session stayed up and every kind of flood was dropped.
# Never part of `make test`: the README's first command, run by hand.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CTL="$ROOT/build/bgpshieldctl"
DAEMON="$ROOT/build/bgpshieldd"
HEALTH_SRC="$ROOT/selftests/netns/healthcheck.py"
HOLD=${DEMO_HOLD:-0}
# Debian's python3: python3-scapy lives there, whatever is first in PATH.
PY=/usr/bin/python3
DUSER=bgpshield
ID=$$
EDGE=bgps-demo-edge-$ID
RTR=bgps-demo-router-$ID
ATK=bgps-demo-atk-$ID
PIN=/sys/fs/bpf/bgps-demo-$ID
RPIN=/sys/fs/bpf/bgps-demo-rtr-$ID
E4=192.0.2.1
R4=192.0.2.2
EA4=203.0.113.1
A4=203.0.113.2
ANYCAST=198.51.100.53/32
# The attacker's forged source MAC on the router's segment (not the
# router's: forging that too is an L2 problem, docs/GUARD.md).
FORGED_MAC=02:5e:00:00:0b:ad
SVC_PORT=8053
KEY="demo-md5-$ID"
WORK=""
SVC_PID=""
LAB_PID=""
HOLD_PID=""
ROUTER=${DEMO_ROUTER:-bird}
DONE_CLEANUP=""

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces and BPF)" >&2
	exit 1
fi
for f in "$CTL" "$DAEMON"; do
	[ -x "$f" ] || {
		echo "demo: $f missing: run 'make' first" >&2
		exit 1
	}
done
command -v bird >/dev/null && command -v birdc >/dev/null || ROUTER=bgpshieldd

B=$'\033[1m' N=$'\033[0m'
[ -t 1 ] || B="" N=""
T0=$(date +%s)
step() { printf '\n%s== [%3ss] %s%s\n' "$B" "$(($(date +%s) - T0))" "$*" "$N"; }
say() { printf '   %s\n' "$*"; }
show() { printf '%s$ %s%s\n' "$B" "$*" "$N"; }

# Bounded and in our process group, so a Ctrl-C reaches it too.
bounded() { timeout --foreground -k 2 "$@"; }

# bgpshieldctl in the edge's namespace.  nsenter --net, not `ip netns
# exec`, whose /sys remount would hide the host's bpffs and the pins.
ectl() { bounded 10 nsenter --net="/run/netns/$EDGE" -- "$CTL" -s "$WORK/edge.sock" --pin-dir "$PIN" "$@"; }
rctl() { bounded 10 nsenter --net="/run/netns/$RTR" -- "$CTL" -s "$WORK/router.sock" --pin-dir "$RPIN" "$@"; }
birdc_() { bounded 5 birdc -s "$WORK/bird.ctl" "$@"; }

wait_for() { # SECONDS CMD...
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

# jq-less JSON: field PATH (a.b.c, [0] for the first list element) of stdin.
jget() {
	"$PY" -c '
import json, sys
try:
    d = json.load(sys.stdin)
    for k in sys.argv[1].split("."):
        d = d[int(k[1:-1])] if k.startswith("[") else d[k]
    print(d)
except Exception:
    print("?")
' "$1"
}
nb() { ectl -j show neighbor "$R4" 2>/dev/null | jget "[0].$1"; }
established() { [ "$(nb state)" = established ]; }
ctr() { ectl -j guard status 2>/dev/null | jget "counters.$1"; }
# Fields of the router's allowlist entry in `guard status -j`.
rentry() {
	ectl -j guard status 2>/dev/null | "$PY" -c '
import json, sys
try:
    e = [a for a in json.load(sys.stdin)["allowlist"]
         if a["source"] == sys.argv[1]][0]
    def text(v):
        if isinstance(v, list):
            return " ".join(map(text, v))
        if isinstance(v, bool):
            return "yes" if v else "no"
        return str(v)
    print(" ".join(text(e[k]) for k in sys.argv[2:]))
except Exception:
    print("?")
' "$R4" "$@"
}
router_bound() { [ "$(rentry iface_binding mac_binding)" = "bound bound" ]; }
# The state of the router's SYN bucket (GCRA time, ns; 0: never used),
# which `guard status` does not print: from the pinned map.
router_syn_tat() {
	# shellcheck disable=SC2046 # the address as four key bytes
	bpftool -j map lookup pinned "$PIN/allow4" key $(echo $R4 | tr . ' ') \
		2>/dev/null | jget formatted.value.syn_tat
}

# Every process of the lab lives in one of its namespaces (the daemons,
# BIRD, the health check, the service, the floods) or descends from the
# lab's subshell (bgpshieldctl, birdc, sleep): both sets are ended by pid.
descendants() { # PID: its children, grandchildren, ...
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}
lab_pids() {
	local ns
	[ -n "$LAB_PID" ] && descendants "$LAB_PID"
	for ns in "$EDGE" "$RTR" "$ATK"; do
		[ -e "/run/netns/$ns" ] && ip netns pids "$ns" 2>/dev/null
	done
}
cleanup() {
	local p pids
	[ -n "$DONE_CLEANUP" ] && return
	DONE_CLEANUP=1
	trap '' INT TERM HUP
	step "cleanup: processes, pins, namespaces, $WORK"
	[ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null
	# The lab's subshell first, so that it starts nothing new.
	pids=$(lab_pids)
	[ -n "$LAB_PID" ] && kill -KILL "$LAB_PID" 2>/dev/null
	# The daemons first get a TERM (they detach their guards:
	# on-exit detach), then what is left a KILL.
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill -TERM $pids 2>/dev/null
	for _ in $(seq 15); do
		p=""
		for q in $pids; do kill -0 "$q" 2>/dev/null && p=1; done
		[ -z "$p" ] && break
		sleep 0.2
	done
	pids=$(lab_pids)
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	for p in "$PIN:$EDGE" "$RPIN:$RTR"; do
		[ -d "${p%%:*}" ] || continue
		nsenter --net="/run/netns/${p#*:}" -- "$CTL" --pin-dir "${p%%:*}" \
			guard unload >/dev/null 2>&1
		rm -rf "${p%%:*}"
	done
	for ns in "$EDGE" "$RTR" "$ATK"; do ip netns del "$ns" 2>/dev/null; done
	[ -n "$WORK" ] && rm -rf "$WORK"
	sleep 0.2
	say "left behind: $(ip netns list | grep -c -- "-$ID\b") namespaces," \
		"$(find /sys/fs/bpf -maxdepth 1 -name "bgps-demo*-$ID" | wc -l) pin folders," \
		"$(pgrep -fc "$WORK|bgps-demo-[a-z]*-$ID") processes," \
		"$([ -e "$WORK" ] && echo 1 || echo 0) work folders"
}

bg() { # LOG CMD...: start in the background (the lab's namespaces)
	local log=$1
	shift
	"$@" >"$WORK/$log" 2>&1 </dev/null &
}

# The lab itself, run in a subshell of its own (see the parent below); its
# body is not indented, to keep the scripts and configs it writes readable.
lab() {
trap - EXIT INT TERM HUP
# --- 1: the lab ----------------------------------------------------------------

step "1. lab: namespaces edge, router ($ROUTER), attacker; veths; addresses"

for ns in "$EDGE" "$RTR" "$ATK"; do ip netns add "$ns" || exit 1; done
ip -n "$EDGE" link add e-rtr type veth peer name r-edge netns "$RTR" &&
	ip -n "$EDGE" link add e-atk type veth peer name a-edge netns "$ATK" &&
	ip -n "$RTR" link add r-atk type veth peer name a-lan netns "$ATK" &&
	ip -n "$RTR" link add br0 type bridge &&
	ip -n "$RTR" link set r-edge master br0 &&
	ip -n "$RTR" link set r-atk master br0 &&
	ip -n "$EDGE" addr add $E4/24 dev e-rtr &&
	ip -n "$EDGE" addr add $EA4/24 dev e-atk &&
	ip -n "$RTR" addr add $R4/24 dev br0 &&
	ip -n "$ATK" addr add $A4/24 dev a-edge || exit 1
# No STP listening delay: the router's segment is usable at once.
ip netns exec "$RTR" sh -c 'echo 0 > /sys/class/net/br0/bridge/forward_delay'
for l in "$EDGE e-rtr" "$EDGE e-atk" "$RTR r-edge" "$RTR r-atk" "$RTR br0" \
	"$ATK a-edge" "$ATK a-lan" "$EDGE lo" "$RTR lo" "$ATK lo"; do
	# shellcheck disable=SC2086
	ip -n ${l% *} link set ${l#* } up || exit 1
done
ip -n "$ATK" route add 192.0.2.0/24 via $EA4
say "router  $R4/24 (br0: r-edge, r-atk)  <->  edge $E4/24 (e-rtr)"
say "attacker $A4/24 (a-edge) <->  edge $EA4/24 (e-atk)"
say "attacker a-lan (no address): a port on the router's bridge"

# --- 2: the session --------------------------------------------------------------

step "2. BGP session edge <-> router: TCP-MD5 (RFC 2385) + GTSM (RFC 5082)"
# The export filter is a prefix-list of the anycast prefix only (no
# reject-bogons: 198.51.100.0/24 is a documentation range, a bogon).
(
	umask 077
	cat >"$WORK/edge.conf" <<-EOF
		# bgpshield demo: the edge
		log { audit $WORK/edge.audit; }
		guard {
			interface e-rtr e-atk;
			mode auto;
			policy enforce;
			pin-dir $PIN;
			on-exit detach;
		}
		prefix-list ANYCAST { $ANYCAST; }
		process health {
			run /usr/bin/python3 $WORK/healthcheck.py --port $SVC_PORT --prefix $ANYCAST --interval 0.5 --log $WORK/health.log;
			encoder json;
		}
		neighbor $R4 {
			description "router";
			router-id $E4;
			local-address $E4;
			local-as 65001;
			peer-as 65002;
			hold-time 9;
			passive false;
			md5-password "$KEY";
			ttl-security;
			guard { syn-rate 5; syn-burst 10; }
			family { ipv4 unicast; }
			filter {
				import { }
				export { prefix-list ANYCAST; }
			}
			api { processes [ health ]; neighbor-changes; }
		}
	EOF
)
if [ "$ROUTER" = bird ]; then
	(
		umask 077
		cat >"$WORK/bird.conf" <<-EOF
			# bgpshield demo: the router
			log stderr all;
			router id $R4;
			protocol device { }
			protocol bgp edge {
				local $R4 as 65002;
				neighbor $E4 as 65001;
				hold time 9;
				password "$KEY";
				ttl security on;
				passive on;
				ipv4 { import all; export none; };
			}
		EOF
	)
	bg bird.log ip netns exec "$RTR" bird -f -c "$WORK/bird.conf" \
		-s "$WORK/bird.ctl" -P "$WORK/bird.pid"
	wait_for 10 birdc_ show status >/dev/null 2>&1 || {
		echo "demo: BIRD did not start:" >&2
		tail -n 5 "$WORK/bird.log" >&2
		exit 1
	}
else
	say "(the router is a second bgpshieldd: bird missing or DEMO_ROUTER=bgpshieldd)"
	(
		umask 077
		cat >"$WORK/router.conf" <<-EOF
			# bgpshield demo: the router
			guard { interface br0; pin-dir $RPIN; on-exit detach; }
			neighbor $E4 {
				router-id $R4;
				local-address $R4;
				local-as 65002;
				peer-as 65001;
				hold-time 9;
				passive;
				md5-password "$KEY";
				ttl-security;
				family { ipv4 unicast; }
				filter { import { } export { prefix-list NONE; } }
			}
			prefix-list NONE { }
		EOF
	)
	bg router.log nsenter --net="/run/netns/$RTR" -- "$DAEMON" -d \
		-c "$WORK/router.conf" -s "$WORK/router.sock" -p "$WORK/router.pid"
	wait_for 10 rctl status >/dev/null 2>&1 || {
		echo "demo: the router's bgpshieldd did not start:" >&2
		tail -n 5 "$WORK/router.log" >&2
		exit 1
	}
fi
bg edge.log nsenter --net="/run/netns/$EDGE" -- "$DAEMON" -d -v \
	-c "$WORK/edge.conf" -s "$WORK/edge.sock" -p "$WORK/edge.pid"
if ! wait_for 20 established; then
	echo "demo: the session did not come up within 20 s; bgpshieldd's log:" >&2
	tail -n 15 "$WORK/edge.log" >&2
	exit 1
fi
show "bgpshieldctl show neighbor"
sleep 1
ectl show neighbor
show "bgpshieldctl guard status   # the guard, from its pins"
ectl guard status | sed -n '1,/^[[:space:]]*$/p'
# The MAC comes from the neighbour table, which the session has filled.
wait_for 5 router_bound
say "the router's entry, bound by the daemon: interface $(rentry interfaces)" \
	"(the route to $R4), MAC $(rentry mac) (the neighbour table);" \
	"TCP-MD5 option required on SYNs: $(rentry md5)"
if [ "$ROUTER" = bird ]; then
	show "birdc show protocols edge"
	birdc_ show protocols edge | tail -n +2
fi
say "the established sockets carry TCP-MD5 keys (ss shows md5keys):"
ip netns exec "$EDGE" ss -Htie state established "( dport = :179 or sport = :179 )" 2>/dev/null |
	grep -o "md5keys:[^=]*" | sed 's/^/     edge: /'

# --- 3: anycast ------------------------------------------------------------------

router_routes() {
	if [ "$ROUTER" = bird ]; then
		birdc_ show route
	else
		rctl show rib in neighbor $E4
	fi
}
router_has() { router_routes 2>/dev/null | grep -qF "${ANYCAST%/32}"; }
router_lacks() { ! router_has; }
show_router() {
	if [ "$ROUTER" = bird ]; then show "birdc show route"; else
		show "bgpshieldctl show rib in neighbor $E4   # (router)"; fi
	router_routes | sed 's/^/   /'
	router_has || say "(no route for $ANYCAST)"
}
svc_listening() { ip netns exec "$EDGE" ss -Hltn "sport = :$SVC_PORT" | grep -q .; }
svc_start() {
	MARK=$(date +%s%N)
	ip netns exec "$EDGE" "$PY" -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    s.accept()[0].close()
' $SVC_PORT >/dev/null 2>&1 </dev/null &
	SVC_PID=$!
	wait_for 5 svc_listening
}
svc_stop() {
	MARK=$(date +%s%N)
	kill "$SVC_PID" 2>/dev/null
	wait "$SVC_PID" 2>/dev/null
	SVC_PID=""
}
# t_route WHAT COND: wait for COND, report how long it took since the
# service was last started or stopped (MARK)
MARK=0
t_route() {
	if wait_for 10 "$2"; then
		say "$1 $((($(date +%s%N) - MARK) / 1000000)) ms later"
	else
		say "$1: NOT within 10 s"
		return 1
	fi
}

step "3. anycast $ANYCAST from a health check (healthcheck.py, as user $DUSER)"
say "the health check probes 127.0.0.1:$SVC_PORT in the edge every 0.5 s and"
say "announces $ANYCAST while it answers (export filter: prefix-list ANYCAST)"
svc_start || {
	echo "demo: the service did not start" >&2
	exit 1
}
say "service started on 127.0.0.1:$SVC_PORT"
t_route "the router has $ANYCAST" router_has
show_router
svc_stop
say "service stopped"
t_route "the router has withdrawn $ANYCAST" router_lacks
show_router
svc_start
say "service started again"
t_route "$ANYCAST is back at the router" router_has
say "the health check's log:"
sed 's/^[0-9.]* /     /' "$WORK/health.log" | grep -E 'service|ack'

# --- 4: flood ---------------------------------------------------------------------

# flood KIND COUNT SECONDS: COUNT SYNs to the edge's port 179, built with
# scapy, sent through a packet socket (scapy's own send loop is far
# slower), paced over SECONDS.  The SYNs in the router's name carry a
# TCP-MD5 option (RFC 2385, kind 19) with a random digest: the attacker
# knows that the router signs, not the key, so a check of the option's
# presence passes them and the checks below must tell them apart.
#   spoof: random sources, TTL 64, out of the attacker's a-edge;
#   ttl:   the router's address, TTL 1..64 (GTSM wants 255), sent from the
#          router's br0 as the router would forward them from afar: its
#          interface, its MAC, so only GTSM tells them apart;
#   burst: the router's address, TTL 255, out of the attacker's a-edge:
#          past GTSM, but on e-atk, where the router's entry is not bound;
#   mac:   the same out of the attacker's port on the router's segment
#          (a-lan), from a forged MAC: the right interface, the wrong MAC.
flood() {
	local ns=$ATK dev=a-edge emac src_mac=""
	emac=$(ip netns exec "$EDGE" cat /sys/class/net/e-atk/address)
	case $1 in
	ttl)
		ns=$RTR dev=br0
		emac=$(ip netns exec "$EDGE" cat /sys/class/net/e-rtr/address)
		;;
	mac)
		dev=a-lan src_mac=$FORGED_MAC
		emac=$(ip netns exec "$EDGE" cat /sys/class/net/e-rtr/address)
		;;
	esac
	ip netns exec "$ns" "$PY" - "$1" "$2" "$3" "$emac" $E4 $R4 "$dev" \
		"$src_mac" <<-'EOF'
		import random, socket, sys, time
		import logging
		logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
		from scapy.all import Ether, IP, TCP, raw
		kind, count, dur = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
		mac, dst, peer, dev, smac = sys.argv[4:]
		rnd = random.Random(179)
		def one(i):
		    if kind == "spoof":
		        src = "%d.%d.%d.%d" % (rnd.randint(1, 223), rnd.randint(0, 255),
		                               rnd.randint(0, 255), rnd.randint(1, 254))
		        ttl = 64
		    elif kind == "ttl":
		        src, ttl = peer, rnd.randint(1, 64)
		    else:
		        src, ttl = peer, 255
		    opts = [("MSS", 1460)]
		    if kind != "spoof":
		        opts += [("NOP", None), ("NOP", None),
		                 ("MD5", bytes(rnd.getrandbits(8) for _ in range(16)))]
		    return raw(Ether(dst=mac, src=smac) / IP(src=src, dst=dst, ttl=ttl) /
		               TCP(sport=rnd.randint(1024, 65535), dport=179, flags="S",
		                   seq=rnd.getrandbits(32), options=opts))
		s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
		s.bind((dev, 0))
		# The sending device's own MAC unless forged.
		smac = smac or ":".join("%02x" % b for b in s.getsockname()[4])
		frames = [one(i) for i in range(min(count, 256))]
		# Paced over DUR seconds in chunks of 50, so the counters are
		# seen climbing.
		t = time.monotonic()
		for i in range(count):
		    s.send(frames[i % len(frames)])
		    if i % 50 == 49:
		        ahead = t + dur * (i + 1) / count - time.monotonic()
		        if ahead > 0:
		            time.sleep(ahead)
		dt = time.monotonic() - t
		print("   attacker: sent %d %s SYNs in %.1f s" % (count, kind, dt))
	EOF
}

# One line of counters and the session: one status call each, read once.
progress() {
	local g n
	g=$(ectl -j guard status 2>/dev/null)
	n=$(ectl -j show neighbor "$R4" 2>/dev/null)
	"$PY" - "$1" "$g" "$n" <<-'EOF'
		import json, sys
		def load(t):
		    try:
		        return json.loads(t)
		    except ValueError:
		        return None
		g, n = load(sys.argv[2]), load(sys.argv[3])
		c = g["counters"] if g else {}
		n = n[0] if n else {}
		print("   %-7s guarded %5s  not_allowed %4s  ttl %4s  wrong_iface %3s"
		      "  wrong_mac %3s  syn_rate %s | session %s, up %ss" % (
		      sys.argv[1], *[c.get(k, "?") for k in
		      ("guarded", "not_allowed", "ttl", "wrong_iface", "wrong_mac",
		       "syn_rate")],
		      n.get("state", "?"), n.get("uptime_s", "?")))
	EOF
}

step "4. flood: spoofed sources, low TTL, SYNs in the router's name from the wrong link and a forged MAC"
UP_BEFORE=$(nb uptime_s)
T_BEFORE=$(date +%s)
# A forged SYN the guard let through would fail the kernel's TCP-MD5 check.
md5_failures() {
	ip netns exec "$EDGE" nstat -asz TcpExtTCPMD5Failure 2>/dev/null |
		awk '$1 == "TcpExtTCPMD5Failure" { print $2 }'
}
MD5_0=$(md5_failures)
show "bgpshieldctl guard status   # before"
ectl guard status
progress before
FLOOD_PID=""
for w in "spoof 4000 spoofed sources, TTL 64" \
	"ttl 3000 the router's address, TTL 1..64, through the router (GTSM wants 255)" \
	"burst 500 the router's address, TTL 255, from the attacker's own link: past GTSM" \
	"mac 500 the same from the attacker's port on the router's segment, MAC $FORGED_MAC"; do
	# shellcheck disable=SC2086
	set -- $w
	say "-- $2 SYNs: ${w#* * }"
	flood "$1" "$2" 1.5 &
	FLOOD_PID=$!
	while kill -0 "$FLOOD_PID" 2>/dev/null; do
		sleep 0.5
		progress "$1"
	done
	wait "$FLOOD_PID" || {
		echo "demo: the $1 flood failed (python3-scapy: make deps)" >&2
		exit 1
	}
done
sleep 2
progress "+2 s"
show "bgpshieldctl guard status   # after"
ectl guard status
show "bpftool map dump pinned $PIN/stats   # one struct bgps_stats per CPU"
bpftool map dump pinned "$PIN/stats"
UP_AFTER=$(nb uptime_s)
T_AFTER=$(date +%s)
MD5_1=$(md5_failures)

# --- 5: summary ------------------------------------------------------------------

step "5. summary"
NA=$(ctr not_allowed) TTL=$(ctr ttl) SR=$(ctr syn_rate)
WI=$(ctr wrong_iface) WM=$(ctr wrong_mac)
DSYN=$(rentry drop_syn) TAT=$(router_syn_tat)
say "dropped by the guard: $NA not_allowed (spoofed sources), $TTL ttl (GTSM),"
say "                      $WI wrong_iface (the router's address on e-atk),"
say "                      $WM wrong_mac (the router's address from $FORGED_MAC on e-rtr),"
say "                      $SR syn_rate; passed $(ctr passed) of $(ctr guarded) packets to or from port 179"
if [ "$DSYN" = 0 ] && [ "$TAT" = 0 ]; then
	say "router's SYN bucket:  never touched (drop_syn 0, bucket state syn_tat 0):" \
		"no spoofed SYN reached it"
else
	say "router's SYN bucket:  touched: drop_syn $DSYN, syn_tat $TAT"
fi
say "reached TCP:          $((${MD5_1:-0} - ${MD5_0:-0})) forged-signature SYNs in the router's name (TcpExtTCPMD5Failure)"
say "session:              $(nb state), uptime ${UP_BEFORE}s before the flood," \
	"${UP_AFTER}s after it ($((T_AFTER - T_BEFORE))s later): never reset"
say "router:               $(router_routes 2>/dev/null | grep -cF "${ANYCAST%/32}") route for $ANYCAST" \
	"(health check: service up)"
say "guard attachment:     $(ectl -j guard status 2>/dev/null | jget 'interfaces.[0].mode') XDP on e-rtr and e-atk"
OK=1
if [ "$(nb state)" != established ] ||
	[ "$((UP_AFTER - UP_BEFORE))" -lt "$((T_AFTER - T_BEFORE - 1))" ] 2>/dev/null; then
	say "FAILED: the session did not stay up (see $WORK/edge.log)"
	OK=""
fi
for n in "$NA" "$TTL" "$WI" "$WM"; do
	[ "$n" = 0 ] || [ "$n" = "?" ] || continue
	say "FAILED: a kind of flood was not dropped for its reason"
	OK=""
	break
done
if [ "$DSYN" != 0 ] || [ "$TAT" != 0 ]; then
	say "FAILED: the router's SYN bucket was touched"
	OK=""
fi
RC=0
if [ -z "$OK" ]; then
	RC=2
	[ "$HOLD" = 1 ] || exit 2
fi

# --- hold -------------------------------------------------------------------------

if [ "$HOLD" = 1 ]; then
	step "the lab stays up (DEMO_HOLD=1): try"
	cat <<-EOF
		   nsenter --net=/run/netns/$EDGE $CTL -s $WORK/edge.sock show neighbor
		   nsenter --net=/run/netns/$EDGE $CTL -s $WORK/edge.sock show rib out neighbor $R4
		   nsenter --net=/run/netns/$EDGE $CTL --pin-dir $PIN guard status
		   nsenter --net=/run/netns/$EDGE $CTL --pin-dir $PIN guard events
		   bpftool map dump pinned $PIN/stats
		   ip netns exec $EDGE ss -tien '( sport = :179 or dport = :179 )'
	EOF
	if [ "$ROUTER" = bird ]; then
		echo "   birdc -s $WORK/bird.ctl show route all"
		echo "   birdc -s $WORK/bird.ctl show protocols all edge"
	else
		echo "   nsenter --net=/run/netns/$RTR $CTL -s $WORK/router.sock show rib in neighbor $E4"
	fi
	cat <<-EOF
		   kill $SVC_PID   # the service: the anycast route goes away
		   logs: $WORK/edge.log $WORK/edge.audit $WORK/health.log
	EOF
fi
exit "${RC:-0}"
}

# --- the parent: the lab in a subshell, the hold, the cleanup ------------------

# The lab runs in a background subshell and this shell only waits for it:
# a signal then interrupts `wait` at once, while bash would act on a
# SIGINT only after the foreground command ended and only if that command
# died of it (and bgpshieldctl or birdc may simply exit).
trap cleanup EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM HUP
# The engine and the health check run as $DUSER: it must exist, reach
# the work folder and read the health check.
id -u "$DUSER" >/dev/null 2>&1 ||
	useradd --system --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$DUSER" || exit 1
WORK=$(mktemp -d /tmp/bgps-demo.XXXXXX) || exit 1
chmod 0711 "$WORK"
install -m 0644 "$HEALTH_SRC" "$WORK/healthcheck.py" &&
	install -m 0644 -o "$DUSER" /dev/null "$WORK/health.log" || exit 1
lab &
LAB_PID=$!
wait "$LAB_PID"
RC=$?
LAB_PID=""
if [ "$HOLD" = 1 ] && { [ $RC = 0 ] || [ $RC = 2 ]; }; then
	if [ -t 0 ]; then
		printf '%sPress Enter (or Ctrl-C) to remove the lab.%s\n' "$B" "$N"
	else
		printf '%sPress Enter, or send SIGINT/SIGTERM to %s, to remove the lab.%s\n' "$B" "$$" "$N"
	fi
	# EOF on stdin (closed, /dev/null): hold until a signal.
	if ! read -r _; then
		sleep infinity &
		HOLD_PID=$!
		wait "$HOLD_PID"
	fi
fi
[ $RC = 0 ]
