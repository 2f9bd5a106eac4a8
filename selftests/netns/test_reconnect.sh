#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A directly connected BIRD 2 peer must be able to reconnect while
# spoofers flood SYNs in its name (issue 12).  The lab (reconnect_lab.sh):
# bgpshieldd on the edge, its neighbor passive, TCP-MD5 + ttl-security and
# a small per-peer SYN bucket (3/s, burst 3); BIRD on a bridge (the peer's
# segment); one attacker with a leg on that segment and a link to the
# edge's second guarded interface.  Both legs flood SYNs with the peer's
# address, TTL 255 and a TCP-MD5 option (random digest), the one on the
# segment from a forged MAC: everything a check of address, GTSM or MD5
# presence lets through.
#
#   binding on  (the default: interface from the route, MAC learned from
#               the neighbour table): during the flood BIRD's session is
#               reset 10 times (birdc restart) and every reconnect must be
#               Established within 10 s; the flood is counted as
#               wrong_iface and wrong_mac, and the peer's bucket never
#               drops a SYN.
#   binding off (guard { interface off; mac-binding off; }): the same flood
#               spends the peer's bucket, the drops are syn_rate, and a
#               reconnect does not make it within 10 s (fewer than 10/10:
#               we stop at the first that fails), so the first test can
#               fail.
#
# The flood: two flood_gen, each as fast as it can (XDP live frames), both
# on CPU 0 where their frames are also received; bgpshieldd and BIRD on
# CPU 1.  It lasts at least 20 s in each test.  Here that is 2-4 Mpps on
# the edge's other link and 0.4-0.6 Mpps through the bridge; the counts
# asserted are fractions of what flood_gen says it sent, not rates.
# About 1 minute in all.  Skipped without BIRD (make deps installs bird2).
#
# Usage: test_reconnect.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=reconnect_lab.sh
. "$(dirname "$0")/reconnect_lab.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
FLOOD_GEN=$ROOT_DIR/build/flood_gen
DUSER=bgpshield
RECONNECTS=10
LIMIT=10      # s from `birdc restart` to Established
FLOOD_MIN=20  # s of flood at least
RL_RATE=0     # each flooder as fast as it goes

need() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	[ -x "$FLOOD_GEN" ] || skip "$FLOOD_GEN not built: make build/flood_gen"
	if ! command -v bird >/dev/null || ! command -v birdc >/dev/null; then
		skip "bird/birdc not found: make deps (Debian package bird2)"
	fi
	for c in taskset ethtool; do
		command -v $c >/dev/null || skip "$c not found"
	done
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs (flood on one, daemons on the other)"
	ensure_user
}

# Lab, daemon (binding BIND), BIRD, first session without any flood.
lab_up() { # BIND
	rl_topo || die_test "topology set up"
	rl_write_conf "$1"
	rl_write_bird
	rl_daemon_start ||
		die_test "bgpshieldd starts" "$(tail -n 20 "$T_DIR/edge.log")"
	rl_bird_start ||
		die_test "BIRD starts" "$(tail -n 20 "$T_DIR/bird.log")"
	if rl_wait_for 15 rl_established; then
		pass "first session established (no flood yet)"
	else
		die_test "first session established within 15 s" \
			"$(rl_birdc show protocols all edge 2>&1 | tail -n 12)
$(tail -n 10 "$T_DIR/edge.log")"
	fi
}

entry() { rl_field "$STATUS" "allowlist[source=$RL_PEER].$1"; }
ctr() { rl_field "$STATUS" "counters.$1"; }

# Read the guard once; entry and ctr read that answer.
snap() { STATUS=$(rl_status) || die_test "guard status -j" "$STATUS"; }

d() { # FIELD: counter delta since the snapshot before the flood
	local b a
	b=$(rl_field "$BEFORE" "counters.$1")
	a=$(ctr "$1")
	if is_int "$a" && is_int "$b"; then echo $((a - b)); else
		echo "not-a-number($b -> $a)"
	fi
}

sent_by() { # LOG: frames one flooder says it sent
	sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$T_DIR/$1"
}

# Flood for at least FLOOD_MIN s around RECONNECTS reconnects; results in
# OK TRIED, SECS.
flood_and_reconnect() { # STOP_AT_FAILURE
	local t0 left r
	BEFORE=$(rl_status) || die_test "guard status -j" "$BEFORE"
	t0=$(date +%s)
	rl_flood_start 300 ||
		die_test "both flood_gen run" "$(cat "$T_DIR"/flood-*.log)"
	sleep 1
	r=$(rl_reconnects "$RECONNECTS" "$LIMIT" "$1")
	read -r OK TRIED <<<"$r"
	left=$((FLOOD_MIN - ($(date +%s) - t0)))
	[ "$left" -gt 0 ] && sleep "$left"
	SECS=$(($(date +%s) - t0))
	rl_flood_stop >/dev/null
	SENT_ATK=$(sent_by flood-atk.log)
	SENT_LAN=$(sent_by flood-lan.log)
	log "flood ${SECS}s: $SENT_ATK SYNs on e-atk, $SENT_LAN on the" \
		"peer's segment; reconnects $(tr '\n' ' ' <"$T_DIR/reconnects")"
	if ! is_int "$SENT_ATK" || ! is_int "$SENT_LAN"; then
		die_test "flood_gen reported what it sent" \
			"$(cat "$T_DIR"/flood-*.log)"
	fi
	check_ge "the flood lasted at least ${FLOOD_MIN}s" "$SECS" "$FLOOD_MIN"
	snap
}

bound() {
	snap
	[ "$(entry iface_binding) $(entry mac_binding)" = "bound bound" ]
}

t_bound() {
	local mac
	need
	lab_up on
	mac=$(rl_mac "$NS_PEER" br0)
	# The MAC is learned once the neighbour table has it (the session
	# just made sure of that); give the daemon a moment to notice.
	rl_wait_for 5 bound || true
	snap
	check_eq "the daemon bound the peer's entry to e-lan" \
		'bound ["e-lan"]' "$(entry iface_binding) $(entry interfaces)"
	check_eq "the daemon bound it to the peer's MAC (neighbour table)" \
		"bound $mac" "$(entry mac_binding) $(entry mac)"
	check_eq "and requires TCP-MD5 on its SYNs" true "$(entry md5)"
	# Without the binding the rest would only repeat the next test.
	[ "$A_FAIL" = 0 ] || die_test "the entry is bound: the flood would only starve BIRD"
	flood_and_reconnect 0
	check_eq "$RECONNECTS of $RECONNECTS reconnects Established within ${LIMIT}s under the flood" \
		"$RECONNECTS/$RECONNECTS" "$OK/$TRIED"
	log "time to Established (p50 max, ms): $(rl_reconnect_times)"
	check_ge "the flood on e-atk counted as wrong_iface (half of what was sent, at least)" \
		"$(d wrong_iface)" $((SENT_ATK / 2))
	check_ge "the flood on the peer's segment counted as wrong_mac" \
		"$(d wrong_mac)" $((SENT_LAN / 2))
	check_eq "the peer's bucket dropped none of BIRD's SYNs (drop_syn)" \
		0 "$(entry drop_syn)"
	check_le "no syn_rate drops at all" "$(d syn_rate)" 0
}

t_unbound() {
	need
	lab_up off
	snap
	check_eq "binding off in the config: the entry is not bound" \
		"off off" "$(entry iface_binding) $(entry mac_binding)"
	flood_and_reconnect 1
	if [ "$OK" -lt "$TRIED" ]; then
		pass "without the binding a reconnect missed ${LIMIT}s ($OK of $TRIED made it)"
	else
		fail "without the binding a reconnect misses ${LIMIT}s" \
			"all $TRIED made it: the flood did not reach the bucket"
	fi
	check_ge "the flood spent the peer's bucket: syn_rate (half of what was sent, at least)" \
		"$(d syn_rate)" $(((SENT_ATK + SENT_LAN) / 2))
	check_eq "nothing counted as wrong_iface / wrong_mac" "0 0" \
		"$(d wrong_iface) $(d wrong_mac)"
}

lib_init
TESTS=(
	"binding on: 10 reconnects under a spoofed flood, all in time:t_bound"
	"binding off: the same flood starves the reconnects:t_unbound"
)

run_tests "$@"
