#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-reconnect.sh: how a directly connected BIRD 2 peer reconnects to
# bgpshieldd while spoofers flood SYNs in its name, with the guard's
# binding (interface + MAC) on and off: reconnects completed / attempted
# and p50 / max time from `birdc restart` to Established.  Figures only,
# never pass/fail (the pass/fail version is selftests/netns/test_reconnect.sh,
# which shares the lab: selftests/netns/reconnect_lab.sh has the topology,
# the configs and the flood).
#
#   scripts/bench-reconnect.sh [--quick] [--attempts N] [--limit S] [--rate PPS]
#
# Three runs, each with a fresh bgpshieldd on the same lab and BIRD:
#   baseline  binding on, no flood: what a reconnect costs anyway (BIRD's
#             "connect delay time 1" is most of it);
#   bound     binding on, both spoofers flooding: every SYN in the peer's
#             name with TTL 255 and a TCP-MD5 option, from the edge's other
#             link (wrong_iface) and from a forged MAC on the peer's
#             segment (wrong_mac);
#   unbound   `guard { interface off; mac-binding off; }`, the same flood:
#             it spends the peer's SYN bucket (3/s) and BIRD's SYNs with it.
# N attempts each (10; --quick 5), at most S s each (10): an attempt that
# misses S counts as failed and is left out of the times.  The flood: both
# flood_gen on CPU 0, as fast as they go (--rate PPS each to cap them),
# bgpshieldd and BIRD on CPU 1.  About 2.5 minutes (the unbound run is
# mostly attempts waiting out their S s).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${O:-$ROOT/build}
DAEMON=$BUILD/bgpshieldd
CTL=$BUILD/bgpshieldctl
FLOOD_GEN=$BUILD/flood_gen
DUSER=bgpshield
ATTEMPTS=10
LIMIT=10

usage() { sed -n '/^#   scripts/p' "$0" | sed 's/^# *//'; }

while [ $# -gt 0 ]; do
	case $1 in
	--quick) ATTEMPTS=5 ;;
	--attempts) ATTEMPTS=$2; shift ;;
	--limit) LIMIT=$2; shift ;;
	--rate) RL_RATE=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

skip() {
	echo "skipped: $*"
	exit 77
}

[ "$(id -u)" -eq 0 ] || skip "bench-reconnect needs root (namespaces, XDP)"
for c in ip nsenter ethtool taskset bird birdc bpftool; do
	command -v "$c" >/dev/null || skip "$c not installed (make deps)"
done
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs (flood on one, daemons on the other)"
for f in "$DAEMON" "$CTL" "$FLOOD_GEN"; do
	[ -x "$f" ] || { echo "bench-reconnect: $f missing: run make" >&2; exit 1; }
done

# shellcheck source-path=SCRIPTDIR source=bench-lib.sh
. "$ROOT/scripts/bench-lib.sh"
# shellcheck source-path=SCRIPTDIR source=../selftests/netns/reconnect_lab.sh
. "$ROOT/selftests/netns/reconnect_lab.sh"

T=brc$$
NS_EDGE=$T-edge
NS_PEER=$T-peer
NS_ATK=$T-atk
PIN=/sys/fs/bpf/$T
T_DIR=$(mktemp -d /tmp/bench-reconnect.XXXXXX)

cleanup() {
	trap '' INT TERM
	rl_flood_stop >/dev/null 2>&1
	# shellcheck disable=SC2086 # pids
	rl_stop $RL_PIDS
	for ns in $NS_EDGE $NS_PEER $NS_ATK; do ns_del "$ns"; done
	rm -rf "$PIN" "$T_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "bench-reconnect: setup failed: $*" >&2
	exit 1
}

mountpoint -q /sys/fs/bpf || mount -t bpf -o mode=0700 bpf /sys/fs/bpf
ensure_user
rl_topo || fail "topology"
rl_write_bird
rl_bird_start || fail "BIRD: $(tail -n 5 "$T_DIR/bird.log")"

counter() { # JSON NAME
	rl_field "$1" "counters.$2"
}

# run NAME BIND FLOOD: one line of key=value figures on stdout.
run() {
	local name=$1 bind=$2 flood=$3 before after r ok tried t0 secs p50 max
	rl_write_conf "$bind"
	rl_daemon_start || fail "bgpshieldd: $(tail -n 5 "$T_DIR/edge.log")"
	rl_wait_for 20 rl_established || fail "no first session ($name)"
	before=$(rl_status)
	t0=$(date +%s%N)
	if [ "$flood" = 1 ]; then
		rl_flood_start 600 || fail "flood_gen: $(cat "$T_DIR"/flood-*.log)"
		sleep 1
	fi
	r=$(rl_reconnects "$ATTEMPTS" "$LIMIT")
	read -r ok tried <<<"$r"
	read -r p50 max <<<"$(rl_reconnect_times)"
	secs=$((($(date +%s%N) - t0) / 1000000))
	sent_atk=0 sent_lan=0
	if [ "$flood" = 1 ]; then
		rl_flood_stop >/dev/null
		sent_atk=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$T_DIR/flood-atk.log")
		sent_lan=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$T_DIR/flood-lan.log")
	fi
	after=$(rl_status)
	rl_daemon_stop
	printf 'name=%s ok=%s tried=%s p50=%s max=%s ms=%s atk=%s lan=%s' \
		"$name" "$ok" "$tried" "$p50" "$max" "$secs" "${sent_atk:-0}" \
		"${sent_lan:-0}"
	for c in wrong_iface wrong_mac syn_rate passed; do
		printf ' %s=%s' "$c" \
			$(($(counter "$after" $c) - $(counter "$before" $c)))
	done
	printf ' times=%s\n' "$(awk '{ printf "%s%s:%s", (NR > 1 ? "," : ""), $1, $2 }' \
		"$T_DIR/reconnects")"
}

echo "bench-reconnect: $ATTEMPTS reconnects per run, ${LIMIT}s each at most;" \
	"flood rate per flood_gen: ${RL_RATE} (0: as fast as it goes), both on CPU 0"
: >"$T_DIR/runs"
for spec in "baseline on 0" "bound on 1" "unbound off 1"; do
	# shellcheck disable=SC2086 # three words
	set -- $spec
	echo "  run $1: binding $2, flood $([ "$3" = 1 ] && echo on || echo off)"
	run "$@" >>"$T_DIR/runs"
	echo "    $(tail -n 1 "$T_DIR/runs")"
done

/usr/bin/python3 - "$T_DIR/runs" "$LIMIT" <<'EOF'
import sys

runs = []
for line in open(sys.argv[1]):
    d = dict(t.split("=", 1) for t in line.split())
    runs.append(d)
limit = sys.argv[2]
base = next((r for r in runs if r["name"] == "baseline"), None)

def num(v):
    return None if v in ("-", "") else int(v)

print("\nbench-reconnect summary: reconnects Established within %s s; times "
      "from `birdc restart` (ms)" % limit)
print("%-9s %-8s %-10s %7s %7s %9s %9s %11s %10s %10s" % (
    "run", "binding", "completed", "p50", "max", "p50/base",
    "flood Mpps", "wrong_iface", "wrong_mac", "syn_rate"))
bp50 = num(base["p50"]) if base else None
for r in runs:
    p50, mx = num(r["p50"]), num(r["max"])
    secs = int(r["ms"]) / 1000.0
    mpps = (int(r["atk"]) + int(r["lan"])) / secs / 1e6 if secs else 0
    rel = "%.2fx" % (p50 / bp50) if p50 and bp50 else "-"
    print("%-9s %-8s %-10s %7s %7s %9s %9.2f %11s %10s %10s" % (
        r["name"], "off" if r["name"] == "unbound" else "on",
        "%s/%s" % (r["ok"], r["tried"]), p50 if p50 is not None else "-",
        mx if mx is not None else "-", rel, mpps, r["wrong_iface"],
        r["wrong_mac"], r["syn_rate"]))
print("  flood Mpps: both flood_gen together, as sent (e-atk and the peer's "
      "segment);\n  the counters are the guard's drops during the run.")
EOF
