#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guard-only walkthrough (`make demo`): three network namespaces, an
# edge host listening on port 179, an allowed BGP peer and an attacker, and
# the guard between them.  Everything it creates it removes on exit.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CTL="$ROOT/build/bgpshieldctl"
ID=$$
EDGE=bgps-demo-edge-$ID
PEER=bgps-demo-peer-$ID
ATK=bgps-demo-atk-$ID
PIN=/sys/fs/bpf/bgps-demo-$ID
SRV_PID=

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces and BPF)" >&2
	exit 1
fi

cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
	nsenter --net="/run/netns/$EDGE" -- "$CTL" --pin-dir "$PIN" \
		guard unload >/dev/null 2>&1
	rm -rf "$PIN" 2>/dev/null
	for ns in "$EDGE" "$PEER" "$ATK"; do
		ip netns del "$ns" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}
ctl() {
	printf '$ bgpshieldctl %s\n' "$*"
	nsenter --net="/run/netns/$EDGE" -- "$CTL" --pin-dir "$PIN" "$@"
}
# connect NS SRC [TTL]: one TCP connect to the edge's port 179
connect() {
	ip netns exec "$1" python3 - "$2" "${3:-64}" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, int(sys.argv[2]))
s.settimeout(1.5)
s.bind((sys.argv[1], 0))
try:
    s.connect(("192.0.2.1", 179))
    s.sendall(b"hello\n")
    print("  connected from %s (TTL %s): %s" % (sys.argv[1], sys.argv[2],
          s.recv(64).decode().strip()))
except OSError as e:
    print("  connect from %s (TTL %s) failed: %s" % (sys.argv[1], sys.argv[2], e))
EOF
}

step "network: peer 192.0.2.2 and attacker 198.51.100.2, edge 192.0.2.1 / 198.51.100.1"
for ns in "$EDGE" "$PEER" "$ATK"; do ip netns add "$ns"; done
ip -n "$EDGE" link add e-peer type veth peer name p-edge netns "$PEER"
ip -n "$EDGE" link add e-atk type veth peer name a-edge netns "$ATK"
ip -n "$EDGE" addr add 192.0.2.1/24 dev e-peer
ip -n "$EDGE" addr add 198.51.100.1/24 dev e-atk
ip -n "$PEER" addr add 192.0.2.2/24 dev p-edge
ip -n "$ATK" addr add 198.51.100.2/24 dev a-edge
for l in "$EDGE e-peer" "$EDGE e-atk" "$PEER p-edge" "$ATK a-edge" \
	"$EDGE lo" "$PEER lo" "$ATK lo"; do
	# shellcheck disable=SC2086
	set -- $l
	ip -n "$1" link set "$2" up
done
ip -n "$ATK" route add 192.0.2.0/24 via 198.51.100.1
ip netns exec "$EDGE" sysctl -qw net.ipv4.ip_forward=0
ip netns exec "$EDGE" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 179)); s.listen(16)
while True:
    c, a = s.accept(); c.recv(64); c.sendall(b"edge says hi\n"); c.close()
' &
SRV_PID=$!
sleep 0.5

step "before the guard: anyone reaches port 179"
connect "$PEER" 192.0.2.2 255
connect "$ATK" 198.51.100.2

step "load the guard, allow the peer with GTSM (RFC 5082: TTL 255 only), attach"
ctl guard load
ctl guard allow 192.0.2.2 --gtsm --syn-rate 10
ctl guard attach e-peer e-atk

step "with the guard: the peer connects, the attacker does not"
connect "$PEER" 192.0.2.2 255
connect "$ATK" 198.51.100.2
step "the peer's address from further away (TTL 64) fails GTSM"
connect "$PEER" 192.0.2.2 64

step "the guard keeps enforcing with no bgpshield process running"
run pgrep -l bgpshield || echo "  (no bgpshield process)"
connect "$ATK" 198.51.100.2

step "status, as an operator reads it"
ctl guard status

step "the same counters with bpftool (per CPU, named fields)"
run bpftool map dump pinned "$PIN/stats"

step "drop events from the ring buffer"
connect "$ATK" 198.51.100.2 >/dev/null
ctl guard events --timeout 1 | head -5

step "detach restores plain forwarding"
ctl guard detach --all
connect "$ATK" 198.51.100.2

step "done: cleaning up namespaces and pins"
