#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Differential test of the JSON API events against ExaBGP 4.2 itself: one
# sender (exajson_peer.py, hand-built messages) sends the same stream to a
# real ExaBGP and to bgpshieldd, each in a namespace of its own and each
# with an API process that appends what it reads to a file; then
# exajson_compare.py compares the two files message by message.
#
#   exabgp   (veth-x) 10.77.2.1 ----- 10.77.2.2 (veth-y) \
#                                                         sender (NS_PEER)
#   bgpshieldd (veth-a) 10.77.1.1 --- 10.77.1.2 (veth-b) /
#
# Both speakers are passive, iBGP in AS 65001, hold time 180 s (no
# keepalive from the sender but the ones in the stream).  The stream
# (exajson_peer.py has the details): two sessions, the first with 4-octet
# ASNs (OPEN, KEEPALIVE, UPDATEs with every attribute bgpshield shows and
# ORIGINATOR_ID, CLUSTER_LIST, an unknown transitive one, AS_SET,
# confederation path, empty AS_PATH, IPv6 with a link-local next hop,
# withdrawals in both forms, End-of-RIB for both families, ROUTE-REFRESH,
# NOTIFICATION), the second without (AS_PATH/AS4_PATH and
# AGGREGATOR/AS4_AGGREGATOR merged).  Neighbor changes (connected, up,
# down with the reason) are compared too.
#
# Only what must differ is normalised (time, host, pid, ppid, counter, the
# neighbor's addresses); ExaBGP 4.2 defects that bgpshieldd does not copy
# are rewritten on ExaBGP's side, each named in the output (docs/API.md).
# Output: per message kind `KIND: N passed, N failed` and the first
# mismatch of each kind.  A second API process of bgpshieldd with
# `encoder json5` gets the same events (checked for JSON and ExaBGP 5's
# AS_PATH form only: no ExaBGP 5 here).  Skipped when exabgp is not
# installed.
#
# Usage: test_exajson.sh [NAME-SUBSTRING...]

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
EXABGP=${EXABGP:-exabgp}
PEER=$LIB_DIR/exajson_peer.py
COMPARE=$LIB_DIR/exajson_compare.py
DUSER=bgpshield
B1=10.77.1.1 S1=10.77.1.2 # bgpshieldd, the sender's side
X1=10.77.2.1 S2=10.77.2.2 # exabgp, the sender's side
ASN=65001

need() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	command -v "$EXABGP" >/dev/null ||
		skip "exabgp not found: make deps (Debian package exabgp)"
	[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 not found"
	ensure_user
}

topo() {
	ns_add "$NS_EDGE" && ns_add "$NS_PEER" && ns_add "$NS_ATK" || return 1
	ip -n "$NS_EDGE" link add veth-a type veth peer name veth-b \
		netns "$NS_PEER" &&
		ip -n "$NS_ATK" link add veth-x type veth peer name veth-y \
			netns "$NS_PEER" &&
		ip -n "$NS_EDGE" addr add "$B1/24" dev veth-a &&
		ip -n "$NS_PEER" addr add "$S1/24" dev veth-b &&
		ip -n "$NS_ATK" addr add "$X1/24" dev veth-x &&
		ip -n "$NS_PEER" addr add "$S2/24" dev veth-y &&
		ip -n "$NS_EDGE" link set veth-a up &&
		ip -n "$NS_PEER" link set veth-b up &&
		ip -n "$NS_ATK" link set veth-x up &&
		ip -n "$NS_PEER" link set veth-y up &&
		ip -n "$NS_ATK" link set lo up
}

# The API process of both speakers: append stdin to a file.
write_logger() {
	cat >"$PDIR/log.py" <<-'EOF2'
		import sys
		out = open(sys.argv[1], "a", buffering=1)
		for line in sys.stdin:
		    out.write(line)
	EOF2
}

# The neighbor's api block, the same for both (bgpshieldd adds logger5).
API_BLOCK='api {
		processes [ logger ];
		neighbor-changes;
		receive { parsed; update; open; notification; keepalive; refresh; }
	}'

write_exa_conf() {
	cat >"$T_DIR/exa.conf" <<-EOF2
		process logger {
			run /usr/bin/python3 $PDIR/log.py $T_DIR/exa.out;
			encoder json;
		}
		neighbor $S2 {
			router-id $X1;
			local-address $X1;
			local-as $ASN;
			peer-as $ASN;
			hold-time 180;
			passive true;
			listen 179;
			family { ipv4 unicast; ipv6 unicast; ipv4 flow; ipv6 flow; }
			$API_BLOCK
		}
	EOF2
}

write_bgps_conf() {
	(
		umask 077
		cat >"$T_DIR/a.conf" <<-EOF2
			# bgpshield exajson selftest $RUN_ID
			guard {
				interface veth-a;
				pin-dir $PIN/a;
			}
			process logger {
				run /usr/bin/python3 $PDIR/log.py $PDIR/bgps.out;
				encoder json;
			}
			process logger5 {
				run /usr/bin/python3 $PDIR/log.py $PDIR/bgps5.out;
				encoder json5;
			}
			neighbor $S1 {
				router-id $B1;
				local-address $B1;
				local-as $ASN;
				peer-as $ASN;
				hold-time 180;
				passive true;
				family { ipv4 unicast; ipv6 unicast; ipv4 flow; ipv6 flow; }
				${API_BLOCK/\[ logger \]/[ logger logger5 ]}
			}
		EOF2
	)
}

exa_start() {
	# No daemon, no pipes for the CLI, no acks, root (it drops to
	# nobody otherwise), logs to a file: nothing outside $T_DIR.
	bg_start exabgp env exabgp_daemon_daemonize=false \
		exabgp_daemon_user=root exabgp_daemon_drop=false \
		exabgp_daemon_pid="$T_DIR/exa.pid" \
		exabgp_log_destination="$T_DIR/exa.log" \
		exabgp_api_ack=false exabgp_api_cli=false \
		exabgp_api_compact=false exabgp_api_encoder=json \
		exabgp_tcp_bind='' \
		ip netns exec "$NS_ATK" "$EXABGP" "$T_DIR/exa.conf"
}

exa_listening() {
	ip netns exec "$NS_ATK" ss -Hltn "sport = :179" | grep -q .
}

bgps_start() {
	mkdir -p "$PIN" || die_test "create $PIN"
	bg_start daemon nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -v -c "$T_DIR/a.conf" -s "$T_DIR/a.sock" \
		-p "$T_DIR/a.pid" -a "$T_DIR/a.audit"
}

bgps_listening() {
	ip netns exec "$NS_EDGE" ss -Hltn "sport = :179" | grep -q .
}

# Lines in a file (0 when missing).
nlines() { if [ -f "$1" ]; then grep -c '' "$1"; else echo 0; fi; }

# The logs as long as each other and quiet for a second.
settled() {
	local a b
	a=$(nlines "$T_DIR/exa.out")
	b=$(nlines "$PDIR/bgps.out")
	[ "$a" -gt 0 ] && [ "$a" = "$b" ] &&
		[ "$b" = "$(nlines "$PDIR/bgps5.out")" ] || return 1
	sleep 1
	[ "$a" = "$(nlines "$T_DIR/exa.out")" ] &&
		[ "$b" = "$(nlines "$PDIR/bgps.out")" ]
}

PDIR=""
# run_diff: the whole exchange; leaves the logs in $T_DIR/exa.out,
# $PDIR/bgps.out and (encoder json5) $PDIR/bgps5.out.
run_diff() {
	need
	topo || die_test "namespaces and veths"
	chmod 0711 "$WORK_DIR" "$T_DIR" || die_test "chmod test folders"
	PDIR=$T_DIR/p
	mkdir -p "$PDIR" && chown "$DUSER:" "$PDIR" && chmod 0755 "$PDIR" ||
		die_test "make $PDIR"
	write_logger
	write_exa_conf
	write_bgps_conf
	exa_start
	bgps_start
	wait_for 20 exa_listening ||
		die_test "exabgp listens" "$(tail -n 20 "$T_DIR/exabgp.log" "$T_DIR/exa.log" 2>/dev/null)"
	wait_for 10 bgps_listening ||
		die_test "bgpshieldd listens" "$(tail -n 20 "$T_DIR/daemon.log")"
	# The same stream to both, at the same time.
	bounded 60 ip netns exec "$NS_PEER" "$PY" "$PEER" "$X1" \
		>"$T_DIR/peer-exa.log" 2>&1 &
	local p1=$!
	bounded 60 ip netns exec "$NS_PEER" "$PY" "$PEER" "$B1" \
		>"$T_DIR/peer-bgps.log" 2>&1
	local r2=$?
	wait "$p1"
	local r1=$?
	check_eq "the sender ran its stream to exabgp" 0 "$r1"
	[ "$r1" = 0 ] || log "$(cat "$T_DIR/peer-exa.log")"
	check_eq "the sender ran its stream to bgpshieldd" 0 "$r2"
	[ "$r2" = 0 ] || log "$(cat "$T_DIR/peer-bgps.log")"
	wait_for 10 settled ||
		log "logs did not settle: exabgp $(nlines "$T_DIR/exa.out"), bgpshieldd $(nlines "$PDIR/bgps.out") lines"
}

# Per kind: an assertion for each "KIND: N passed, N failed" line.
compare_logs() {
	local out line k p f
	out=$("$PY" "$COMPARE" "$T_DIR/exa.out" "$PDIR/bgps.out")
	printf '%s\n' "$out" | sed 's/^/    /'
	if grep -q '^lines: ' <<<"$out"; then
		pass "the comparison read both logs"
	else
		fail "the comparison read both logs" "$out"
	fi
	while IFS= read -r line; do
		[[ $line =~ ^([a-z-]+):\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]] ||
			continue
		k=${BASH_REMATCH[1]} p=${BASH_REMATCH[2]} f=${BASH_REMATCH[3]}
		if [ "$f" = 0 ]; then
			pass "$k: $p identical to ExaBGP 4.2's"
		else
			fail "$k: $f of $((p + f)) differ from ExaBGP 4.2's"
		fi
	done <<<"$out"
	check_match "as many events from both" \
		'lines: exabgp ([0-9]+), bgpshieldd \1$' "$(grep '^lines:' <<<"$out")"
}

# encoder json5: no ExaBGP 5 to compare with here; the same events, each
# valid JSON, with ExaBGP 5's AS_PATH form.
check_json5() {
	local out
	out=$("$PY" - "$PDIR/bgps.out" "$PDIR/bgps5.out" <<-'EOF2'
		import json, sys
		a = [l for l in open(sys.argv[1]) if l.strip()]
		b = [l for l in open(sys.argv[2]) if l.strip()]
		seg = sum('"as-path": {"0": {"element": "as-sequence"' in l for l in b)
		ver = all(json.loads(l)["exabgp"] == "5.0.0" for l in b)
		print(len(a), len(b), seg, ver)
	EOF2
	) || out="<error>"
	log "json5: events (json, json5), AS_PATH segment objects, version: $out"
	check_match "encoder json5: as many events as encoder json, each JSON, \"exabgp\": \"5.0.0\"" \
		'^([0-9]+) \1 [1-9][0-9]* True$' "$out"
}

t_exajson() {
	run_diff
	compare_logs
	check_json5
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"JSON events identical to ExaBGP 4.2's for the same message stream:t_exajson"
)

run_tests "$@"
