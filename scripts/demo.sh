#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: a small lab in network namespaces, nothing on the host.
#
#   router (BIRD 2, AS 65002)      edge (bgpshieldd, AS 65001)      attacker
#   192.0.2.2  r-edge ---------- e-rtr 192.0.2.1
#                                    e-atk 203.0.113.1 ---------- a-edge 203.0.113.2
#
# The edge runs bgpshieldd with its guard on both veths (mode auto: native
# XDP), an MD5 + GTSM (RFC 5082) session to the router, and a health-check
# process announcing the anycast prefix 198.51.100.53/32 while a TCP service
# on the edge's loopback answers.  The attacker floods the edge's port 179
# with spoofed-source SYNs, low-TTL SYNs and a SYN burst in the router's
# name; the guard counts and drops them while the session stays up.  Without
# bird (or with DEMO_ROUTER=bgpshieldd), the router is a second bgpshieldd.
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
	ip -n "$EDGE" addr add $E4/24 dev e-rtr &&
	ip -n "$EDGE" addr add $EA4/24 dev e-atk &&
	ip -n "$RTR" addr add $R4/24 dev r-edge &&
	ip -n "$ATK" addr add $A4/24 dev a-edge || exit 1
for l in "$EDGE e-rtr" "$EDGE e-atk" "$RTR r-edge" "$ATK a-edge" \
	"$EDGE lo" "$RTR lo" "$ATK lo"; do
	# shellcheck disable=SC2086
	ip -n ${l% *} link set ${l#* } up || exit 1
done
ip -n "$ATK" route add 192.0.2.0/24 via $EA4
say "router  $R4/24 (r-edge)  <->  edge $E4/24 (e-rtr)"
say "attacker $A4/24 (a-edge) <->  edge $EA4/24 (e-atk)"

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
			guard { interface r-edge; pin-dir $RPIN; on-exit detach; }
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

# flood KIND COUNT SECONDS: COUNT SYNs to the edge's port 179 out of the attacker's
# veth, built with scapy, sent through a packet socket (scapy's own send
# loop is far slower).  spoof: random sources, TTL 64; ttl: the router's
# address, TTL 1..64 (GTSM wants 255); burst: the router's address with
# TTL 255 (GTSM passes, the router's SYN bucket of 5/s, depth 10, drops the
# rest; what passes is unsigned and TCP-MD5 drops it).
flood() {
	ip netns exec "$ATK" "$PY" - "$1" "$2" "$3" \
		"$(ip netns exec "$EDGE" cat /sys/class/net/e-atk/address)" \
		$E4 $R4 <<-'EOF'
		import random, socket, sys, time
		import logging
		logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
		from scapy.all import Ether, IP, TCP, raw
		kind, count, dur = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
		mac, dst, peer = sys.argv[4:]
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
		    return raw(Ether(dst=mac) / IP(src=src, dst=dst, ttl=ttl) /
		               TCP(sport=rnd.randint(1024, 65535), dport=179, flags="S",
		                   seq=rnd.getrandbits(32)))
		frames = [one(i) for i in range(min(count, 256))]
		s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
		s.bind(("a-edge", 0))
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
		print("   %-9s guarded %5s  not_allowed %5s  ttl %5s  syn_rate %4s"
		      "  | session %s, up %ss" % (sys.argv[1], *[c.get(k, "?") for k in
		      ("guarded", "not_allowed", "ttl", "syn_rate")],
		      n.get("state", "?"), n.get("uptime_s", "?")))
	EOF
}

step "4. flood from the attacker: spoofed sources, low TTL, a SYN burst in the router's name"
UP_BEFORE=$(nb uptime_s)
T_BEFORE=$(date +%s)
md5_notfound() {
	ip netns exec "$EDGE" nstat -asz TcpExtTCPMD5NotFound 2>/dev/null |
		awk '$1 == "TcpExtTCPMD5NotFound" { print $2 }'
}
MD5_0=$(md5_notfound)
show "bgpshieldctl guard status   # before"
ectl guard status
progress before
FLOOD_PID=""
for w in "spoof 4000 spoofed sources, TTL 64" \
	"ttl 3000 the router's address, TTL 1..64 (GTSM wants 255)" \
	"burst 500 the router's address, TTL 255: past GTSM, into the SYN bucket"; do
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
MD5_1=$(md5_notfound)

# --- 5: summary ------------------------------------------------------------------

step "5. summary"
NA=$(ctr not_allowed) TTL=$(ctr ttl) SR=$(ctr syn_rate)
say "dropped by the guard: $NA not_allowed (spoofed sources), $TTL ttl (GTSM),"
say "                      $SR syn_rate (the router's SYN bucket, 5/s burst 10);"
say "                      passed $(ctr passed) of $(ctr guarded) packets to or from port 179"
say "dropped by TCP-MD5:   $((${MD5_1:-0} - ${MD5_0:-0})) unsigned SYNs in the router's name that the bucket let through"
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
if [ "$NA" = 0 ] || [ "$TTL" = 0 ] || [ "$SR" = 0 ]; then
	say "FAILED: a kind of flood was not dropped"
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
