#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-bgp.sh: full-table ingest, `make bench-bgp`.  build/blaster sends
# a synthetic IPv4 table (packed UPDATEs, encoded before the clock starts)
# to bgpshieldd and to BIRD 2 in turn, interleaved over the repetitions,
# each receiver started fresh in its own run:
#
#   blaster ns (veth-b) 192.0.2.2 AS 65100 ---- 192.0.2.1 AS 65001 (veth-r) receiver ns
#
# Measured per run: seconds from the blaster's first UPDATE byte until the
# receiver reports all N prefixes (bgpshieldd: `show neighbor -j`
# prefixes_in; BIRD: "Routes: N imported"), polled every 20 ms; resident
# memory (VmRSS) of the receiving process (bgpshieldd's engine, the child
# of its parent; bird) before the session and after the table is in; and
# the blaster's own send rate.  Each repetition also runs the blaster into
# `blaster --sink` (reads and discards until End-of-RIB) over the same
# link: the rate of the blaster and the path with no receiver behind them,
# which must exceed the receivers' rates.
#
# Filter cost: bgpshieldd is also run a second time per repetition
# ("bgpshieldd-plist") with `filter { import { prefix-list BIG; } }`, BIG
# being a generated 100000-entry list that every blasted prefix matches
# (one "F.0.0.0/8 le 32" entry per first octet the blaster uses, 1-223
# but 127, at the end of the list, after 99778 distinct exact /24s), and
# the ratio of the two ingest times is printed (target <= 1.10).  The
# time `bgpshieldd -t` takes to check each config is printed as well.
#
# ADD-PATH (RFC 7911): "bgpshieldd-addpath" and "bird-addpath" receive the
# same N prefixes with two paths each (path ids 1 and 2, `blaster --paths
# 2`: 2N NLRI), bgpshieldd with `capability { add-path receive; }`, BIRD
# with `add paths rx;` in its ipv4 channel; both count 2N routes
# (prefixes_in, "Routes: 2N imported").  Target: bgpshieldd <= 0.5x
# BIRD's time and RSS.  --only addpath runs just that pair (and the sink);
# --only plain everything but it.
#
#   scripts/bench-bgp.sh [--quick] [--prefixes N] [--reps N] [--sets N] [--timeout S] [--only addpath|plain]
#
# --quick: 100000 prefixes, 1 repetition.  Default: 1000000 prefixes, 3
# repetitions.  Figures only: the exit status is 0 unless setup failed (1)
# or it is not run as root (77).

# shellcheck disable=SC2317 # cleanup runs from a trap, counters by name
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench-lib.sh
. "$ROOT/scripts/bench-lib.sh"
BUILD=${O:-$ROOT/build}
BLASTER=$BUILD/blaster
DAEMON=$BUILD/bgpshieldd
CTL=$BUILD/bgpshieldctl
DUSER=bgpshield

N=1000000
REPS=3
TIMEOUT=120
SETS=4000
POLL=0.02
AP_PATHS=2
ONLY=""

usage() { sed -n '/^#   scripts/p' "$0" | sed 's/^# *//'; }

while [ $# -gt 0 ]; do
	case $1 in
	--quick) N=100000 REPS=1 ;;
	--prefixes) N=${2:?--prefixes N}; shift ;;
	--reps) REPS=${2:?--reps N}; shift ;;
	--sets) SETS=${2:?--sets N}; shift ;;
	--timeout) TIMEOUT=${2:?--timeout SECONDS}; shift ;;
	--only) ONLY=${2:?--only addpath|plain}; shift
		[ "$ONLY" = addpath ] || [ "$ONLY" = plain ] ||
			{ usage >&2; exit 2; } ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[[ $N =~ ^[1-9][0-9]*$ && $REPS =~ ^[1-9][0-9]*$ && $SETS =~ ^[1-9][0-9]*$ &&
	$TIMEOUT =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }

if [ "$(id -u)" != 0 ]; then
	echo "bench-bgp: needs root (network namespaces, BPF): skipped" >&2
	exit 77
fi
for f in "$BLASTER" "$DAEMON" "$CTL"; do
	[ -x "$f" ] || { echo "bench-bgp: $f missing: make bench-bgp" >&2
		exit 1; }
done
HAVE_BIRD=1
if ! command -v bird >/dev/null || ! command -v birdc >/dev/null; then
	echo "bench-bgp: bird/birdc not found (make deps): BIRD not measured" >&2
	HAVE_BIRD=
fi

ID=$$
NS_R="bgpbench$ID-r"
NS_B="bgpbench$ID-b"
PIN="/sys/fs/bpf/bgps-bench-$ID"
R4=192.0.2.1
B4=192.0.2.2
AS_R=65001
AS_B=65100
TMP=$(mktemp -d "/tmp/bench-bgp-$ID.XXXXXX") || exit 1
PIDS=()

cleanup() {
	local p
	trap '' INT TERM
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	ns_del "$NS_B"
	ns_del "$NS_R"
	[ -e "$PIN" ] && rm -rf "$PIN"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "bench-bgp: $*" >&2; exit 1; }

setup() {
	ip netns add "$NS_R" && ip netns add "$NS_B" &&
		ip -n "$NS_R" link set lo up && ip -n "$NS_B" link set lo up &&
		ip -n "$NS_R" link add veth-r type veth peer name veth-b \
			netns "$NS_B" &&
		ip -n "$NS_R" addr add "$R4/24" dev veth-r &&
		ip -n "$NS_B" addr add "$B4/24" dev veth-b &&
		ip -n "$NS_R" link set veth-r up &&
		ip -n "$NS_B" link set veth-b up
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# --- bgpshieldd -------------------------------------------------------------

write_shield_conf() {
	cat >"$TMP/shield.conf" <<-EOF
		# bench-bgp $ID
		guard {
			interface veth-r;
			pin-dir $PIN;
		}
		neighbor $B4 {
			description "blaster";
			router-id $R4;
			local-address $R4;
			local-as $AS_R;
			peer-as $AS_B;
			passive;
			ttl-security;
			family { ipv4 unicast; }
		}
	EOF
	chmod 600 "$TMP/shield.conf"
	write_plist_conf
	# ADD-PATH receive (RFC 7911), for the blaster's --paths
	sed -e 's/^\(\t*\)family { ipv4 unicast; }$/&\n\1capability { add-path receive; }/' \
		"$TMP/shield.conf" >"$TMP/shield-ap.conf"
	chmod 600 "$TMP/shield-ap.conf"
}

# The same neighbor, importing through a PLIST_N-entry prefix-list that
# matches everything the blaster sends (bl_network(): first octets 1-223
# but 127, lengths 8-24): 99778 distinct exact /24s spread over that
# space, then the 222 covering "F.0.0.0/8 le 32" entries.
PLIST_N=100000
write_plist_conf() {
	{
		echo "# bench-bgp $ID, import filter with a $PLIST_N-entry prefix-list"
		echo "prefix-list BIG {"
		awk -v total="$PLIST_N" 'BEGIN {
			for (f = 1; f <= 223; f++) if (f != 127) oct[n++] = f
			for (k = 0; k < total - n; k++) {
				r = int(k / n)
				printf "\t%d.%d.%d.0/24;\n", oct[k % n], r % 256,
				       int(r / 256) % 256
			}
			for (i = 0; i < n; i++)
				printf "\t%d.0.0.0/8 le 32;\n", oct[i]
		}'
		echo "}"
		sed -e '/^# bench-bgp/d' \
			-e 's/^\(\t*\)family { ipv4 unicast; }$/&\n\1filter { import { prefix-list BIG; } }/' \
			"$TMP/shield.conf"
	} >"$TMP/shield-plist.conf"
	chmod 600 "$TMP/shield-plist.conf"
}

# conf_check_s FILE: seconds `bgpshieldd -t` takes to read and check FILE
# (in the receiver namespace, where its interface is).
conf_check_s() {
	local t0 t1
	t0=$(now_ns)
	nsenter --net="/run/netns/$NS_R" -- "$DAEMON" -t -c "$1" \
		>"$TMP/check.out" 2>&1 || { echo NA; return; }
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

shield_ctl() {
	timeout -k 1 5 "$CTL" -s "$TMP/shield.sock" "$@"
}

shield_count() {
	shield_ctl -j show neighbor "$B4" 2>/dev/null |
		sed -n 's/.*"prefixes_in": *\([0-9]*\).*/\1/p' | head -n1
}

SHIELD_PID=""
# shield_start [CONF]: default $TMP/shield.conf
shield_start() {
	local i conf=${1:-$TMP/shield.conf}
	rm -f "$TMP/shield.sock"
	nsenter --net="/run/netns/$NS_R" -- "$DAEMON" -d \
		-c "$conf" -s "$TMP/shield.sock" \
		-p "$TMP/shield.pid" -a "$TMP/shield.audit" \
		>>"$TMP/shield.log" 2>&1 &
	SHIELD_PID=$!
	PIDS+=("$SHIELD_PID")
	for i in $(seq 100); do
		[ -n "$(pgrep -P "$SHIELD_PID")" ] &&
			shield_ctl status >/dev/null 2>&1 && return 0
		kill -0 "$SHIELD_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$TMP/shield.log" >&2
	die "bgpshieldd did not start"
}

shield_stop() {
	stop_pid "$SHIELD_PID"
	SHIELD_PID=""
	[ -e "$PIN" ] && rm -rf "$PIN"
}

# --- BIRD -------------------------------------------------------------------

write_bird_conf() {
	cat >"$TMP/bird.conf" <<-EOF
		# bench-bgp $ID
		log "$TMP/bird.log" { warning, error, fatal };
		router id $R4;
		protocol device { }
		protocol bgp blast {
			local $R4 as $AS_R;
			neighbor $B4 as $AS_B;
			passive on;
			ttl security on;
			ipv4 { import all; export none; };
		}
	EOF
	sed 's/import all; export none;/& add paths rx;/' "$TMP/bird.conf" \
		>"$TMP/bird-ap.conf"
}

bird_ctl() { timeout -k 1 5 birdc -s "$TMP/bird.ctl" "$@"; }

bird_count() {
	bird_ctl show protocols all blast 2>/dev/null |
		sed -n 's/.*Routes: *\([0-9]*\) imported.*/\1/p' | head -n1
}

BIRD_PID=""
# bird_start [CONF]: default $TMP/bird.conf
bird_start() {
	local i conf=${1:-$TMP/bird.conf}
	rm -f "$TMP/bird.ctl" "$TMP/bird.pid"
	ip netns exec "$NS_R" bird -f -c "$conf" \
		-s "$TMP/bird.ctl" -P "$TMP/bird.pid" >>"$TMP/bird.out" 2>&1 &
	BIRD_PID=$!
	PIDS+=("$BIRD_PID")
	for i in $(seq 100); do
		bird_ctl show status 2>/dev/null | grep -q "Daemon is up" &&
			return 0
		kill -0 "$BIRD_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$TMP/bird.out" >&2
	die "bird did not start"
}

bird_stop() { stop_pid "$BIRD_PID"; BIRD_PID=""; }

# --- one run ------------------------------------------------------------------

# blast_run WHO: start WHO, blast, wait for N, record.  Appends one line
# "WHO secs rss_before_kb rss_after_kb reached blaster_send_s
# blaster_cpu_s" to $TMP/results.
blast_run() {
	local who=$1 rpid count_fn got=0 t_done="" t_first secs rb ra \
		deadline bpid send_s cpu_s line cb ca rcpu want=$N paths=()
	case $who in
	*-addpath)
		want=$((N * AP_PATHS))
		paths=(--paths "$AP_PATHS") ;;
	esac
	case $who in
	bgpshieldd*)
		case $who in
		bgpshieldd) shield_start ;;
		bgpshieldd-plist) shield_start "$TMP/shield-plist.conf" ;;
		bgpshieldd-addpath) shield_start "$TMP/shield-ap.conf" ;;
		esac
		rpid=$(pgrep -P "$SHIELD_PID" | head -n1)
		count_fn=shield_count ;;
	*)
		if [ "$who" = bird-addpath ]; then
			bird_start "$TMP/bird-ap.conf"
		else
			bird_start
		fi
		rpid=$BIRD_PID
		count_fn=bird_count ;;
	esac
	rb=$(rss_kb "$rpid")
	cb=$(cpu_ns "$rpid")
	: >"$TMP/blaster.out"
	ip netns exec "$NS_B" "$BLASTER" --local "$B4" --as "$AS_B" \
		--prefixes "$N" --sets "$SETS" --hold 0 "${paths[@]}" "$R4" \
		>"$TMP/blaster.out" 2>"$TMP/blaster.err" &
	bpid=$!
	PIDS+=("$bpid")
	deadline=$(($(now_ns) + TIMEOUT * 1000000000))
	while :; do
		got=$($count_fn)
		got=${got:-0}
		if [ "$got" -ge "$want" ]; then
			t_done=$(now_ns)
			break
		fi
		if ! kill -0 "$bpid" 2>/dev/null; then
			echo "  $who: blaster exited: $(cat "$TMP/blaster.err")" >&2
			break
		fi
		[ "$(now_ns)" -ge "$deadline" ] && break
		sleep "$POLL"
	done
	ra=$(rss_kb "$rpid")
	ca=$(cpu_ns "$rpid")
	rcpu=NA
	[ -n "$cb" ] && [ -n "$ca" ] &&
		rcpu=$(awk -v a="$cb" -v b="$ca" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	t_first=$(sed -n 's/^first_update_ns=//p' "$TMP/blaster.out")
	send_s=$(sed -n 's/^send_s=\([0-9.]*\).*/\1/p' "$TMP/blaster.out")
	cpu_s=$(sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p' "$TMP/blaster.out")
	if [ -n "$t_done" ] && [ -n "$t_first" ]; then
		secs=$(awk -v a="$t_first" -v b="$t_done" \
			'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	else
		secs=NA
	fi
	line="$who ${secs} ${rb:-NA} ${ra:-NA} ${got} ${send_s:-NA} ${cpu_s:-NA} $rcpu"
	echo "$line" >>"$TMP/results"
	if [ "$secs" = NA ]; then
		printf '  %-16s reached %s of %s prefixes (timeout %s s or error); RSS %s -> %s kB\n' \
			"$who" "$got" "$want" "$TIMEOUT" "${rb:-NA}" "${ra:-NA}"
	else
		printf '  %-18s %7s s for %s routes (receiver CPU %s s); RSS %s -> %s kB; blaster sent in %s s (cpu %s s)\n' \
			"$who" "$secs" "$want" "$rcpu" "${rb:-NA}" "${ra:-NA}" \
			"${send_s:-NA}" "${cpu_s:-NA}"
	fi
	stop_pid "$bpid"
	case $who in bird*) bird_stop ;; *) shield_stop ;; esac
}

# sink_run: the blaster into `blaster --sink` over the same link; appends
# "sink secs" to $TMP/results.
sink_run() {
	local spid bpid secs i
	ip netns exec "$NS_R" "$BLASTER" --sink --as "$AS_R" "$R4" \
		>"$TMP/sink.out" 2>"$TMP/sink.err" &
	spid=$!
	PIDS+=("$spid")
	for i in $(seq 50); do
		grep -q '^listening' "$TMP/sink.out" && break
		sleep 0.1
	done
	ip netns exec "$NS_B" "$BLASTER" --local "$B4" --as "$AS_B" \
		--prefixes "$N" --sets "$SETS" --hold 0 "$R4" \
		>"$TMP/blaster-sink.out" 2>"$TMP/blaster-sink.err" &
	bpid=$!
	PIDS+=("$bpid")
	for i in $(seq $((TIMEOUT * 10))); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	wait "$spid" 2>/dev/null
	secs=$(sed -n 's/^sink_s=//p' "$TMP/sink.out")
	if [ -n "$secs" ]; then
		printf '  %-16s %7.3f s for %s prefixes (blaster into a discard sink)\n' \
			sink "$secs" "$N"
		echo "sink $secs" >>"$TMP/results"
	else
		echo "  sink: failed: $(cat "$TMP/sink.err")" >&2
	fi
	stop_pid "$bpid"
	stop_pid "$spid"
}

# --- main ---------------------------------------------------------------------

ensure_user || die "cannot create user $DUSER"
setup || die "namespaces"
write_shield_conf
write_bird_conf
: >"$TMP/results"
CHECK_S=$(conf_check_s "$TMP/shield.conf")
CHECK_PLIST_S=$(conf_check_s "$TMP/shield-plist.conf")
[ "$CHECK_PLIST_S" = NA ] && { cat "$TMP/check.out" >&2
	die "the generated prefix-list config does not load"; }

echo "=== bench-bgp: $N IPv4 prefixes, $SETS attribute sets, $REPS repetition(s), blaster -> receiver over veth ==="
for rep in $(seq "$REPS"); do
	echo "repetition $rep/$REPS"
	if [ "$ONLY" != addpath ]; then
		blast_run bgpshieldd
		blast_run bgpshieldd-plist
		[ -n "$HAVE_BIRD" ] && blast_run bird
	fi
	if [ "$ONLY" != plain ]; then
		blast_run bgpshieldd-addpath
		[ -n "$HAVE_BIRD" ] && blast_run bird-addpath
	fi
	sink_run
done
echo "blaster (last run): $(grep '^encoded:' "$TMP/blaster.out")"
echo "blaster (last run): $(grep '^sent ' "$TMP/blaster.out")"

# Summary: median and min-max of each column per receiver (NA skipped).
echo
echo "=== bench-bgp summary ($N prefixes, $REPS reps; median [min-max]) ==="
awk -v n="$N" -v ap="$AP_PATHS" -v ck="$CHECK_S" -v ckp="$CHECK_PLIST_S" -v pn="$PLIST_N" \
	-v sz="$(wc -c <"$TMP/shield-plist.conf")" '
function med(a, k,    i, j, t) {
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
function stat(who, col,    i, k, a) {
	k = 0
	for (i = 1; i <= nr; i++)
		if (w[i] == who && v[i, col] != "NA")
			a[++k] = v[i, col] + 0
	if (k == 0) { s_med = "NA"; return "NA" }
	s_med = med(a, k)
	return sprintf("%s [%s-%s]", fmt(col, s_med), fmt(col, a[1]),
		       fmt(col, a[k]))
}
function fmt(col, x) {
	if (col == 3 || col == 4) return sprintf("%.1f MB", x / 1024)
	return sprintf("%.3f s", x)
}
{ nr++; w[nr] = $1; for (c = 2; c <= NF; c++) v[nr, c] = $c; runs[$1]++ }
END {
	nrx = split("bgpshieldd bgpshieldd-plist bird bgpshieldd-addpath bird-addpath", rx, " ")
	printf "%-18s %-28s %-28s %-26s %-26s %s\n", "receiver", "ingest time",
	       "receiver CPU", "RSS after", "RSS before", "complete runs"
	for (r = 1; r <= nrx; r++) {
		who = rx[r]
		if (!runs[who]) continue
		t = stat(who, 2); tm[who] = s_med
		cp = stat(who, 8); cm[who] = s_med
		m = stat(who, 4); mm[who] = s_med
		b = stat(who, 3)
		full = 0
		for (i = 1; i <= nr; i++) if (w[i] == who && v[i, 2] != "NA") full++
		printf "%-18s %-28s %-28s %-26s %-26s %d/%d\n", who, t, cp, m, b, full,
		       runs[who]
		if (tm[who] != "NA")
			rate[who] = (who ~ /-addpath$/ ? n * ap : n) / tm[who]
	}
	st = stat("bgpshieldd", 6)
	printf "\nblaster wall send time (into bgpshieldd, TCP backpressure included): %s\n", st
	sk = stat("sink", 2); skm = s_med
	if (skm != "NA" && skm > 0) {
		printf "blaster into a discard sink: %s = %.0f prefixes/s\n", sk,
		       n / skm
	}
	for (r = 1; r <= nrx; r++) {
		who = rx[r]
		if (!(who in rate)) continue
		printf "%-18s ingest rate %.0f routes/s", who, rate[who]
		if (skm != "NA" && skm > 0)
			printf " (%s)", (n / skm > rate[who]) ? \
			       "below the blaster sink rate: blaster not the bottleneck" : \
			       "NOT below the blaster sink rate: the blaster may be the bottleneck"
		printf "\n"
	}
	if (tm["bgpshieldd"] != "NA" && tm["bird"] != "NA" && tm["bird"] > 0)
		printf "\nratio bgpshieldd/BIRD: time %.2f (target <= 0.5)", \
		       tm["bgpshieldd"] / tm["bird"]
	else
		printf "\nratio bgpshieldd/BIRD: time NA"
	if (mm["bgpshieldd"] != "NA" && mm["bird"] != "NA" && mm["bird"] > 0)
		printf ", memory %.2f (target <= 0.5)\n", \
		       mm["bgpshieldd"] / mm["bird"]
	else
		printf ", memory NA\n"
	if (("bgpshieldd-addpath" in tm) && ("bird-addpath" in tm) &&
	    tm["bgpshieldd-addpath"] != "NA" && tm["bird-addpath"] != "NA" &&
	    tm["bird-addpath"] > 0)
		printf "ratio ADD-PATH (%d paths, %d NLRI) bgpshieldd/BIRD: time %.2f (target <= 0.5)", \
		       ap, n * ap, tm["bgpshieldd-addpath"] / tm["bird-addpath"]
	else
		printf "ratio ADD-PATH bgpshieldd/BIRD: time NA"
	if (("bgpshieldd-addpath" in mm) && ("bird-addpath" in mm) &&
	    mm["bgpshieldd-addpath"] != "NA" && mm["bird-addpath"] != "NA" &&
	    mm["bird-addpath"] > 0)
		printf ", memory %.2f (target <= 0.5)\n", \
		       mm["bgpshieldd-addpath"] / mm["bird-addpath"]
	else
		printf ", memory NA\n"
	if (("bgpshieldd" in tm) && ("bgpshieldd-plist" in tm) &&
	    tm["bgpshieldd"] != "NA" && tm["bgpshieldd-plist"] != "NA" &&
	    tm["bgpshieldd"] > 0)
		printf("filter cost: import prefix-list of %d entries / no filter: time %.2f (target <= 1.10)",
		       pn, tm["bgpshieldd-plist"] / tm["bgpshieldd"])
	else
		printf "filter cost: time NA"
	if (("bgpshieldd" in cm) && ("bgpshieldd-plist" in cm) &&
	    cm["bgpshieldd"] != "NA" && cm["bgpshieldd-plist"] != "NA" &&
	    cm["bgpshieldd"] > 0)
		printf(", engine CPU %.2f\n", cm["bgpshieldd-plist"] / cm["bgpshieldd"])
	else
		printf ", engine CPU NA\n"
	printf("config check (bgpshieldd -t): %s s without the list, %s s with the %d-entry list (%.1f MB file)\n",
	       ck, ckp, pn, sz / 1e6)
}' "$TMP/results"
exit 0
