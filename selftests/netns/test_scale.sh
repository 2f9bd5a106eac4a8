#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Many sessions under a SYN flood: SESSIONS (default 200) BGP neighbors of
# one bgpshieldd, all from one BIRD 2 process, each with its own source
# address and TCP-MD5 key, GTSM on both sides; then a spoofed SYN flood to
# the edge's port 179 from an attacker namespace while every neighbor is
# sampled.
#
#   peers (veth-p) ------------------- (veth-x) edge (veth-y) ----- (veth-a) attacker
#   10.200.1.1 ... (one per session)   10.200.101.1 ...    198.51.100.1/24   .2/24
#   one BIRD, AS 65002,                bgpshieldd AS 65001, passive,
#   SESSIONS protocols, active         guard on veth-x and veth-y
#
# Neighbor i (0-based) is 10.200.(1 + i/250).(1 + i%250), and the edge's
# end of that session 10.200.(101 + i/250).(1 + i%250), all in one /16 on
# one link: BIRD 2 runs one BGP protocol per remote address (it locks the
# remote address and port), so each session needs its own edge address
# too; bgpshieldd listens on one wildcard socket.  Key "scale-RUN-i".
# BIRD exports it 100 static /24s of its own (the /24s from 11.0.0.0 on,
# numbered i*100 .. i*100+99), so bgpshieldd must hold SESSIONS*100
# prefixes in all; bgpshieldd announces 2 routes to each.  No bogon
# filter is configured, so 10/8 and 11/8 are plain addresses here.  The
# guard's SYN buckets are its defaults (none per neighbor, no aggregate):
# asserted, since a bucket would throttle 200 simultaneous first SYNs.
#
# hold-time 9 on both sides: keepalives every 3 s at most (BIRD jitters
# them down to 2.25 s, RFC 4271 10).  bgpshieldd is passive so that BIRD
# opens every session as soon as its 1 s connect delay ends.
#
# The flood (flood_gen: XDP live frames out of the attacker's veth, as fast
# as this machine makes them) lasts FLOOD_S seconds: the first part from
# random sources in 16.0.0.0/4 (guard: not_allowed), the rest spoofing the
# neighbors' own addresses with TTL 64 from the attacker's link (guard:
# wrong_iface, since every neighbor's entry is bound to the link its route
# points at, before GTSM would see the TTL).  All along,
# every SAMPLE_S seconds, one `show neighbor -j` samples every neighbor:
# state established throughout, uptime never reset, last_error empty,
# messages_in growing at least once per hold/3 + GAP_SLACK seconds.
#
# Printed: sessions held, time to establish all, flood pps sent and
# dropped by the guard, max keepalive gap observed.
#
# Environment: SESSIONS (default 200, at most 2000), FLOOD_S (default 20).
# Beyond ~960 sessions the kernel refuses more TCP-MD5 keys on one
# listening socket (net.core.optmem_max, 128 KiB by default, ~136 bytes a
# key): on bgpshieldd's side the neighbor's last_error says so ("TCP-MD5
# for ADDR: Cannot allocate memory"), on BIRD's its log.  800 pass here.
# Usage: test_scale.sh [NAME-SUBSTRING...]

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
FLOOD_GEN=${BGPS_FLOOD_GEN:-$ROOT_DIR/build/flood_gen}
DUSER=bgpshield
SESSIONS=${SESSIONS:-200}
FLOOD_S=${FLOOD_S:-20}
EDGE_A=198.51.100.1
ATK=198.51.100.2
AS_E=65001
AS_P=65002
HOLD=9
ROUTES_PER=100
# Seconds between samples of every neighbor, and what a keepalive may be
# late beyond hold/3 before the test calls it late: one sample interval
# (when an increase is seen is only known to a sample) plus 2 s for a
# busy machine; still well inside the 9 s hold time.
SAMPLE_S=1
GAP_SLACK=3
# Sampling before and after the flood, seconds.
QUIET_S=5

# --- helpers -------------------------------------------------------------------

peer_addr() { # I (0-based)
	echo "10.200.$((1 + $1 / 250)).$((1 + $1 % 250))"
}
edge_addr() { # I (0-based)
	echo "10.200.$((101 + $1 / 250)).$((1 + $1 % 250))"
}

# dctl SECONDS ARGS...: bgpshieldctl on the daemon's control socket.
dctl() {
	local t=$1
	shift
	bounded "$t" nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" -s "$T_DIR/d.sock" "$@"
}

# gctl ARGS...: bgpshieldctl on the guard's pins.
gctl() {
	bounded 10 nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" --pin-dir "$PIN/d" "$@"
}

topo_scale() {
	local i mac_x mac_p
	ns_add "$NS_EDGE" && ns_add "$NS_PEER" && ns_add "$NS_ATK" || return 1
	ip -n "$NS_EDGE" link add veth-x type veth peer name veth-p \
		netns "$NS_PEER" &&
		ip -n "$NS_EDGE" link set veth-x up &&
		ip -n "$NS_PEER" link set veth-p up || return 1
	# One ip process per side for every address: 400 would take seconds.
	for ((i = 0; i < SESSIONS; i++)); do
		echo "addr add $(peer_addr "$i")/16 dev veth-p"
	done >"$T_DIR/peer.batch"
	for ((i = 0; i < SESSIONS; i++)); do
		echo "addr add $(edge_addr "$i")/16 dev veth-x"
	done >"$T_DIR/edge.batch"
	ip -n "$NS_PEER" -batch "$T_DIR/peer.batch" &&
		ip -n "$NS_EDGE" -batch "$T_DIR/edge.batch" || return 1
	# Static neighbor entries both ways.  The kernel's ARP table is
	# shared by every namespace, its hard limit (gc_thresh3, 1024 by
	# default) counts learned entries only: 2 x 512 learned here was the
	# whole table ("neighbor table overflow", SYNs never sent) and
	# parallel tests would compete for it.  Permanent entries do not
	# count, and nothing waits for ARP.
	mac_x=$(ip netns exec "$NS_EDGE" cat /sys/class/net/veth-x/address) &&
		mac_p=$(ip netns exec "$NS_PEER" cat /sys/class/net/veth-p/address) ||
		return 1
	for ((i = 0; i < SESSIONS; i++)); do
		echo "neigh replace $(edge_addr "$i") lladdr $mac_x dev veth-p nud permanent"
	done >"$T_DIR/peer-neigh.batch"
	for ((i = 0; i < SESSIONS; i++)); do
		echo "neigh replace $(peer_addr "$i") lladdr $mac_p dev veth-x nud permanent"
	done >"$T_DIR/edge-neigh.batch"
	ip -n "$NS_PEER" -batch "$T_DIR/peer-neigh.batch" &&
		ip -n "$NS_EDGE" -batch "$T_DIR/edge-neigh.batch" || return 1
	ip -n "$NS_EDGE" link add veth-y type veth peer name veth-a \
		netns "$NS_ATK" &&
		ip -n "$NS_EDGE" addr add "$EDGE_A/24" dev veth-y &&
		ip -n "$NS_ATK" addr add "$ATK/24" dev veth-a &&
		ip -n "$NS_EDGE" link set veth-y up &&
		ip -n "$NS_ATK" link set veth-a up
}

write_shield_conf() {
	local i
	(
		umask 077
		{
			cat <<-EOF
				# bgpshield scale selftest $RUN_ID
				guard {
					interface veth-x veth-y;
					pin-dir $PIN/d;
				}
				template {
					neighbor scale {
						router-id $(edge_addr 0);
						local-as $AS_E;
						peer-as $AS_P;
						hold-time $HOLD;
						passive;
						ttl-security;
						family { ipv4 unicast; }
						static {
							route 10.1.0.0/24 next-hop self;
							route 10.1.1.0/24 next-hop self;
						}
					}
				}
			EOF
			for ((i = 0; i < SESSIONS; i++)); do
				printf 'neighbor %s { inherit scale; local-address %s; description "scale-%d"; md5-password "scale-%s-%d"; }\n' \
					"$(peer_addr "$i")" "$(edge_addr "$i")" "$i" \
					"$RUN_ID" "$i"
			done
		} >"$T_DIR/d.conf"
	)
}

# One BIRD, one static protocol per session (its 100 routes) and one BGP
# protocol per session exporting only its static's routes.  Timers as
# in test_interop.sh (PEERS.md): BIRD's defaults would make one failed
# first attempt cost minutes.
write_bird_conf() {
	local i k n
	{
		cat <<-EOF
			# BIRD side of the bgpshield scale selftest $RUN_ID
			log stderr { warning, error, auth, remote, bug, fatal };
			router id $(peer_addr 0);
			protocol device { }
		EOF
		for ((i = 0; i < SESSIONS; i++)); do
			echo "protocol static s$i { ipv4;"
			for ((k = 0; k < ROUTES_PER; k++)); do
				n=$((i * ROUTES_PER + k))
				echo "	route $((11 + (n >> 16))).$(((n >> 8) & 255)).$((n & 255)).0/24 blackhole;"
			done
			echo "}"
			cat <<-EOF
				protocol bgp p$i {
					local $(peer_addr "$i") as $AS_P;
					neighbor $(edge_addr "$i") as $AS_E;
					hold time $HOLD;
					password "scale-$RUN_ID-$i";
					ttl security on;
					connect delay time 1;
					connect retry time 5;
					error wait time 5, 30;
					ipv4 { import all; export where proto = "s$i"; };
				}
			EOF
		done
	} >"$T_DIR/bird.conf"
	chmod 600 "$T_DIR/bird.conf"
}

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
		"$DAEMON" -d -c "$T_DIR/d.conf" -s "$T_DIR/d.sock" \
		-p "$T_DIR/d.pid" -a "$T_DIR/d.audit"
	DPID=$BG_PID
	wait_for 15 daemon_up ||
		die_test "bgpshieldd starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/daemon.log")"
}

birdc_() { bounded 10 birdc -s "$T_DIR/bird.ctl" "$@"; }
bird_up() { birdc_ show status 2>/dev/null | grep -q "Daemon is up"; }

bird_start() {
	bg_start bird ip netns exec "$NS_PEER" bird -f -c "$T_DIR/bird.conf" \
		-s "$T_DIR/bird.ctl" -P "$T_DIR/bird.pid"
	wait_for 20 bird_up ||
		die_test "BIRD starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/bird.log")"
}

# summary: "established prefixes_in_sum prefixes_out_sum" of every
# neighbor, from one `show neighbor -j`.
summary() {
	dctl 10 -j show neighbor 2>/dev/null | "$PY" -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("error error error"); sys.exit(0)
print(sum(e["state"] == "established" for e in d),
      sum(e["prefixes_in"] for e in d), sum(e["prefixes_out"] for e in d))'
}

all_established() { [ "$(summary | cut -d' ' -f1)" = "$SESSIONS" ]; }
all_routes() {
	[ "$(summary | cut -d' ' -f2)" = $((SESSIONS * ROUTES_PER)) ]
}

# Neighbors not established, for failure messages (first few, and the
# daemon's last log lines).
why_down() {
	dctl 10 -j show neighbor 2>/dev/null | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
bad = [e for e in d if e["state"] != "established"]
print("%d not established" % len(bad))
for e in bad[:5]:
    print("  %s state=%s last_error=%r" % (e["address"], e["state"], e["last_error"]))'
	tail -n 5 "$T_DIR/daemon.log" | sed 's/^/  bgpshieldd log: /'
	tail -n 5 "$T_DIR/bird.log" | sed 's/^/  bird log: /'
}

# BIRD's own view: BGP protocols in Established, routes they imported
# (the static protocols' own "imported" left out).
bird_view() {
	birdc_ show protocols all 2>/dev/null | awk '
		/^[^ \t]/ { bgp = ($2 == "BGP") }
		/BGP state:/ && $3 == "Established" { est++ }
		bgp && /Routes:/ && $3 == "imported," { imp += $2 }
		END { printf "%d %d\n", est, imp }'
}

# One sample of every neighbor every SAMPLE_S seconds until the stop
# file appears: "EPOCH JSON" per line ("EPOCH ERROR" when the daemon did
# not answer within 3 s).  The JSON is one line.
sampler() {
	local j next
	next=$EPOCHREALTIME
	while [ ! -e "$T_DIR/sample.stop" ]; do
		if j=$(dctl 3 -j show neighbor 2>/dev/null) && [ -n "$j" ]; then
			printf '%s %s\n' "$EPOCHREALTIME" "$(printf '%s' "$j" | tr -d '\n')"
		else
			printf '%s ERROR\n' "$EPOCHREALTIME"
		fi
		next=$(awk -v n="$next" -v s="$SAMPLE_S" 'BEGIN { printf "%.3f", n + s }')
		sleep "$(awk -v n="$next" -v t="$EPOCHREALTIME" \
			'BEGIN { d = n - t; printf "%.3f", (d > 0 ? d : 0) }')"
	done >>"$T_DIR/samples"
}

# analyse SAMPLES FLOOD-START FLOOD-END: one "key=value" per line, then
# "problem: ..." lines.
analyse() {
	"$PY" - "$1" "$SESSIONS" "$2" "$3" <<-'EOF'
		import json, sys
		path, want = sys.argv[1], int(sys.argv[2])
		f0, f1 = float(sys.argv[3]), float(sys.argv[4])
		samples, errors, problems = [], 0, []
		for line in open(path):
		    t, _, j = line.strip().partition(" ")
		    if j == "ERROR":
		        errors += 1
		        continue
		    try:
		        samples.append((float(t), {e["address"]: e for e in json.loads(j)}))
		    except (ValueError, KeyError, TypeError):
		        errors += 1
		# Times in problems: seconds since the first sample.
		t_first = samples[0][0] if samples else 0.0
		samples = [(t - t_first, d) for t, d in samples]
		f0, f1 = f0 - t_first, f1 - t_first
		last = {}   # address -> (uptime, messages_in, time of last increase)
		gap_max, gap_who, gap_sum, dropped = 0.0, "-", 0, set()
		for t, d in samples:
		    if len(d) != want:
		        problems.append("%.1f: %d neighbors in the answer" % (t, len(d)))
		    for a, e in d.items():
		        if e["state"] != "established":
		            dropped.add(a)
		            problems.append("%.1f: %s state %s" % (t, a, e["state"]))
		        if e["last_error"]:
		            dropped.add(a)
		            problems.append("%.1f: %s last_error %r" % (t, a, e["last_error"]))
		        up, mi = e["uptime_s"], e["messages_in"]
		        if a in last:
		            pup, pmi, pt = last[a]
		            if up < pup or mi < pmi:
		                dropped.add(a)
		                problems.append("%.1f: %s uptime %d -> %d, messages_in %d -> %d"
		                                % (t, a, pup, up, pmi, mi))
		            if mi > pmi:
		                if t - pt > gap_max:
		                    gap_max, gap_who = t - pt, a
		                pt = t
		            elif t - pt > gap_max:
		                # still waiting: the open gap counts too
		                gap_max, gap_who = t - pt, a
		            last[a] = (up, mi, pt)
		        else:
		            last[a] = (up, mi, t)
		span = samples[-1][0] - samples[0][0] if samples else 0
		# Samples answered while the flood ran, and the longest wait
		# between answers then (a stalled daemon shows here).
		ts = [t for t, _ in samples]
		inside = [t for t in ts if f0 <= t <= f1]
		edges = [t for t in ts if t < f0][-1:] + inside + [t for t in ts if t > f1][:1]
		wait = max([b - a for a, b in zip(edges, edges[1:])] or [f1 - f0])
		print("samples=%d" % len(samples))
		print("flood_samples=%d" % len(inside))
		print("flood_wait=%.2f" % wait)
		print("errors=%d" % errors)
		print("span=%.1f" % span)
		print("dropped=%d" % len(dropped))
		print("held=%d" % (len(last) - len(dropped)))
		print("gap_max=%.2f" % gap_max)
		print("gap_who=%s" % gap_who)
		for p in problems[:10]:
		    print("problem: " + p)
	EOF
}

counters() { # -> "not_allowed bindings syn_rate dropped(all reasons)"
	gctl -j guard status 2>/dev/null | "$PY" -c '
import json, sys
c = json.load(sys.stdin)["counters"]
bind = c["wrong_iface"] + c["wrong_mac"] + c["no_md5"] + c["no_ao"]
print(c["not_allowed"], bind, c["syn_rate"],
      c["not_allowed"] + bind + c["ttl"] + c["syn_rate"] + c["malformed"])'
}

# flood SECONDS SRC-NET: flood_gen from the attacker at its highest rate;
# its one summary line goes to flood-SRC.out.
flood() {
	local secs=$1 net=$2 mac
	mac=$(ip netns exec "$NS_EDGE" cat /sys/class/net/veth-y/address)
	nsenter --net="/run/netns/$NS_ATK" -- "$FLOOD_GEN" run --dev veth-a \
		--dst-mac "$mac" --dst "$EDGE_A" --dport "$BGP_PORT" \
		--src-net "$net" --rate 0 --duration "$secs" \
		>"$T_DIR/flood.out" 2>&1
}

fval() { # KEY FILE: value of key=value
	sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" "$2" | head -n1
}

# --- the test ------------------------------------------------------------------

t_scale() {
	local t0 t_up est pin pout r c0 c1 c2 na bound srate sent1 sent2 secs1
	local secs2 bv f1 f2 gap lim d1 d2 fs0 fs1
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	[ -x "$FLOOD_GEN" ] || skip "$FLOOD_GEN not built: make $FLOOD_GEN"
	{ command -v bird && command -v birdc; } >/dev/null ||
		skip "bird/birdc not found: make deps (Debian package bird2)"
	command -v pgrep >/dev/null || skip "pgrep not found"
	if ! is_int "$SESSIONS" || [ "$SESSIONS" -lt 1 ] ||
		[ "$SESSIONS" -gt 2000 ]; then
		die_test "SESSIONS=$SESSIONS is 1..2000"
	fi
	ensure_user
	topo_scale || die_test "topology set up ($SESSIONS peer addresses)"
	write_shield_conf || die_test "write bgpshieldd's config"
	write_bird_conf
	daemon_start
	pass "bgpshieldd runs with $SESSIONS neighbors (MD5, GTSM, passive)"

	# Defaults: no SYN bucket anywhere, or 200 first SYNs at once could
	# be throttled (and the flood's spoofed-neighbor part would empty
	# the real neighbors' buckets).
	check_eq "guard: no aggregate SYN bucket (default)" 0 \
		"$(gctl -j guard status | json settings.syn_rate)"
	r=$(gctl -j guard status | "$PY" -c '
import json, sys
a = json.load(sys.stdin)["allowlist"]
print(len(a), sum(e["syn_rate"] != 0 for e in a),
      sum(not e["gtsm"] or e["min_ttl"] != 255 for e in a))')
	check_eq "guard: $SESSIONS allowlist entries, none with a SYN bucket, all GTSM 255" \
		"$SESSIONS 0 0" "$r"

	t0=$EPOCHREALTIME
	bird_start
	T_UP=$((30 + SESSIONS / 4))
	if wait_for "$T_UP" all_established; then
		t_up=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
		pass "all $SESSIONS sessions established in ${t_up}s (bound ${T_UP}s, from BIRD's start)"
		log "time to establish all $SESSIONS sessions: ${t_up}s"
	else
		die_test "all $SESSIONS sessions established within ${T_UP}s" \
			"$(why_down)"
	fi
	if wait_for 30 all_routes; then
		r=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
		log "all $((SESSIONS * ROUTES_PER)) prefixes in after ${r}s"
	fi
	read -r est pin pout < <(summary)
	check_eq "bgpshieldd holds $((SESSIONS * ROUTES_PER)) prefixes (sum of prefixes_in)" \
		$((SESSIONS * ROUTES_PER)) "$pin"
	check_eq "bgpshieldd announces 2 routes to each (sum of prefixes_out)" \
		$((SESSIONS * 2)) "$pout"
	bv=$(bird_view)
	check_eq "BIRD: $SESSIONS protocols Established, $((SESSIONS * 2)) routes imported" \
		"$SESSIONS $((SESSIONS * 2))" "$bv"
	r=$(ip netns exec "$NS_EDGE" ss -Htien state established \
		"( sport = :$BGP_PORT )" 2>/dev/null | grep -c 'md5keys:')
	check_eq "bgpshieldd's $SESSIONS established sockets are TCP-MD5 signed (ss)" \
		"$SESSIONS" "$r"

	# Sample from here on: quiet, flood, quiet.
	bg_start sampler_log sampler
	sleep "$QUIET_S"
	read -r c0 < <(counters)
	fs0=$EPOCHREALTIME
	secs1=$(((FLOOD_S * 3 + 2) / 5))
	secs2=$((FLOOD_S - secs1))
	log "flood: ${secs1}s from random sources (16.0.0.0/4), then ${secs2}s spoofing the neighbors (TTL 64)"
	flood "$secs1" 16.0.0.0/4 || fail "flood_gen ran (random sources)" \
		"$(cat "$T_DIR/flood.out")"
	f1=$(cat "$T_DIR/flood.out")
	read -r c1 < <(counters)
	flood "$secs2" "$(peer_addr 0)/25" || fail "flood_gen ran (spoofed neighbors)" \
		"$(cat "$T_DIR/flood.out")"
	f2=$(cat "$T_DIR/flood.out")
	read -r c2 < <(counters)
	fs1=$EPOCHREALTIME
	sleep "$QUIET_S"
	touch "$T_DIR/sample.stop"
	wait_for 5 test ! -e /proc/"$BG_PID" >/dev/null

	# Flood figures: what flood_gen put out, what the guard dropped.
	printf '%s\n' "$f1" >"$T_DIR/f1"
	printf '%s\n' "$f2" >"$T_DIR/f2"
	sent1=$(fval sent "$T_DIR/f1")
	sent2=$(fval sent "$T_DIR/f2")
	# shellcheck disable=SC2086 # four numbers each
	set -- $c0 $c1 $c2
	na=$(($5 - $1))
	bound=$((${10} - $6))
	srate=$((${11} - $3))
	d1=$(($8 - $4))
	d2=$((${12} - $8))
	log "flood (random sources): sent $(fval pps "$T_DIR/f1") pps ($sent1 in ${secs1}s); guard dropped $d1 ($((d1 / secs1)) pps; not_allowed +$na)"
	log "flood (spoofed neighbors, TTL 64): sent $(fval pps "$T_DIR/f2") pps ($sent2 in ${secs2}s); guard dropped $d2 ($((d2 / secs2)) pps; bindings +$bound)"
	check_ge "the random-source flood reached the guard (not_allowed drops)" \
		"$na" 100000
	check_ge "the spoofed-neighbor flood was dropped by the bindings (wrong_iface: not the neighbors' link)" \
		"$bound" 100000
	check_eq "guard: no SYN dropped by rate during the test" 0 "$srate"
	r=$(ip netns exec "$NS_EDGE" nstat -asz TcpExtSyncookiesSent |
		awk '$1 == "TcpExtSyncookiesSent" { print $2 }')
	check_eq "the edge's TCP sent no SYN cookie (the flood never reached it)" 0 "$r"

	# Every neighbor throughout.
	analyse "$T_DIR/samples" "$fs0" "$fs1" >"$T_DIR/analysis"
	log "samples: $(fval samples "$T_DIR/analysis") over $(fval span "$T_DIR/analysis")s ($(fval flood_samples "$T_DIR/analysis") during the flood, longest wait between answers then $(fval flood_wait "$T_DIR/analysis")s), unanswered $(fval errors "$T_DIR/analysis")"
	check_ge "samples of every neighbor during the flood (one per ${SAMPLE_S}s)" \
		"$(fval flood_samples "$T_DIR/analysis")" $((FLOOD_S / 2))
	check_eq "bgpshieldd answered every sample within 3s" 0 \
		"$(fval errors "$T_DIR/analysis")"
	check_eq "no session dropped (state, uptime, last_error) during the flood" \
		0 "$(fval dropped "$T_DIR/analysis")"
	grep '^problem:' "$T_DIR/analysis" | sed 's/^/    /'
	gap=$(fval gap_max "$T_DIR/analysis")
	lim=$((HOLD / 3 + GAP_SLACK))
	log "sessions held: $(fval held "$T_DIR/analysis") of $SESSIONS"
	log "max keepalive gap observed: ${gap}s ($(fval gap_who "$T_DIR/analysis"); keepalive 3s, sampled every ${SAMPLE_S}s)"
	if awk -v g="$gap" -v l="$lim" 'BEGIN { exit !(g > 0 && g <= l) }'; then
		pass "keepalives on time: every neighbor's messages_in grew within ${lim}s (max gap ${gap}s)"
	else
		fail "keepalives on time: every neighbor's messages_in grew within ${lim}s" \
			"max gap ${gap}s ($(fval gap_who "$T_DIR/analysis"))"
	fi
	read -r est pin pout < <(summary)
	check_eq "after the flood: all $SESSIONS established, $((SESSIONS * ROUTES_PER)) prefixes" \
		"$SESSIONS $((SESSIONS * ROUTES_PER))" "$est $pin"
	check_eq "after the flood: BIRD still has $SESSIONS protocols Established" \
		"$SESSIONS" "$(bird_view | cut -d' ' -f1)"
	check "bgpshieldd still running" kill -0 "$DPID"
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"$SESSIONS sessions (MD5, GTSM, 100 routes each) held through a spoofed SYN flood:t_scale"
)

run_tests "$@"
