#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bgpshieldd end to end: the daemon started from a config inside the edge
# namespace (lib.sh's topology: peer, attacker, edge), its guard checked in
# the pinned maps with bpftool and on real traffic, its two processes in
# /proc, its control socket, reloads, crashes of either process, stopping,
# and the config checks of -t / -n.  Each test builds its own namespaces,
# pin folder and files (config, socket, pid file, audit log in its test
# folder), so nothing one test does is seen by the next.
#
# Until BGP exists the engine accepts on 179 and closes at once, so "the
# peer connects" means a completed TCP handshake (nettool connect exits 0
# or 6: connected, then no echo), and "dropped" means the connect timed out.
#
# Usage: test_daemon.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
DUSER=bgpshield
# The guard's `allow` entry (a range, so it lands in range4), and the
# neighbor that replaces the IPv4 peer on reload (on the peer's link, so a
# route exists, but no namespace has it).
ALLOW_NET=203.0.113.0/24
NEW4=192.0.2.3
ATK_SYNS=30

# --- helpers -------------------------------------------------------------------

# Per-test paths: T_DIR is the test's own folder (removed by teardown).
d_paths() {
	CONF=$T_DIR/bgpshield.conf
	SOCK=$T_DIR/ctl.sock
	PIDF=$T_DIR/bgpshieldd.pid
	AUDIT=$T_DIR/audit.log
}

need_tools() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	command -v bpftool >/dev/null || skip "bpftool not found"
	command -v pgrep >/dev/null || skip "pgrep not found"
	d_paths
}

# The engine's user; created once, never removed (a system account other
# runs and `make install` share).

# write_conf FILE NEIGHBOR4 [GUARD-STATEMENT...]: the two-neighbor config.
# Written beside and renamed over, so a reload never reads half a file, with
# umask 077: the daemon refuses a group- or world-writable config.
write_conf() {
	local f=$1 n4=$2 s
	shift 2
	(
		umask 077
		{
			printf '# bgpshield netns selftest %s\n' "$RUN_ID"
			printf 'guard {\n\tinterface veth-e0 veth-e1;\n'
			printf '\tpin-dir %s;\n\tallow %s;\n' "$PIN" "$ALLOW_NET"
			for s in "$@"; do printf '\t%s;\n' "$s"; done
			printf '}\n\nneighbor %s {\n' "$n4"
			printf '\tdescription "peer, directly connected";\n'
			printf '\tlocal-as 64500;\n\tpeer-as 64501;\n\tttl-security;\n}\n'
			printf '\nneighbor %s {\n\tdescription "peer over IPv6";\n' \
				"$PEER6"
			printf '\tlocal-as 64500;\n\tpeer-as 64502;\n}\n'
		} >"$f.new"
	) && mv -f "$f.new" "$f"
}

# write_text FILE: stdin to FILE, mode 0600, by rename (see write_conf).
write_text() {
	(umask 077 && cat >"$1.new") && mv -f "$1.new" "$1"
}

# The daemon runs in the edge namespace by nsenter (not `ip netns exec`,
# whose /sys remount would hide the host's bpffs).  Its pid is recorded for
# teardown; the engine, not our child, goes with the edge namespace (teardown
# ends every process in it).
daemon_start() { # [LOG-NAME]
	bg_start "${1:-daemon}" nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -c "$CONF" -s "$SOCK" -p "$PIDF" -a "$AUDIT"
	DPID=$BG_PID
	DLOG=$T_DIR/${1:-daemon}.log
	if ! wait_for 10 daemon_up; then
		die_test "bgpshieldd starts and answers on its socket" \
			"$(cat "$DLOG")"
	fi
}

# Up: the parent alive, its engine forked and answering.  The short bound
# matters: a socket whose engine is gone queues the request unanswered.
daemon_up() {
	kill -0 "$DPID" 2>/dev/null && [ -n "$(engine_pid)" ] &&
		dctl_t 3 status >/dev/null 2>&1
}

daemon_setup() {
	need_tools
	ensure_user
	topo_setup || die_test "topology set up"
	write_conf "$CONF" "$PEER4" || die_test "write the config"
	daemon_start
}

dctl_t() { # SECONDS ARGS...: bgpshieldctl on the daemon's socket
	local t=$1
	shift
	bounded "$t" nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" -s "$SOCK" "$@"
}
dctl() { dctl_t 20 "$@"; }

engine_pid() { pgrep -P "$DPID" 2>/dev/null; }

# A process has ended (a zombie not yet reaped counts as ended).
stopped() { [[ $(ps -o stat= -p "$1" 2>/dev/null) == T* ]]; }

gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ $st == Z* ]]
}

# Wait (bounded) for a child of this shell to end; its exit code goes to
# REAP_RC.  Not in $(...): only the shell that started it can wait for it.
# Once reaped its pid is free for reuse, so teardown must not signal it.
reap() { # PID
	if wait_for 10 gone "$1"; then
		wait "$1"
		REAP_RC=$?
		sed -i "/^$1\$/d" "$T_DIR/pids"
	else
		REAP_RC="still running"
	fi
}

engine_replaced() { # OLD-PID
	local e
	e=$(engine_pid)
	[ -n "$e" ] && [ "$e" != "$1" ]
}

proc_field() { # PID FIELD: a /proc/PID/status field, values space-separated
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' \
		"/proc/$1/status" 2>/dev/null
}

# A pinned allowlist map as sorted lines "ADDR[/LEN] gtsm=G min_ttl=T",
# from bpftool's BTF-formatted JSON (the keys are raw address bytes).
# With "full", the whole flags word and the MAC too: the binding bits
# (interface, MAC, their intent) are the binder's, checked by test_bind.sh.
map_entries() { # MAP [full]
	local dump
	dump=$(bounded 10 bpftool -j map dump pinned "$PIN/$1") || return 1
	"$PY" -c '
import ipaddress, json, sys
full = len(sys.argv) > 1 and sys.argv[1] == "full"
rows = []
for e in json.load(sys.stdin):
    f = e.get("formatted")
    if f is None:
        sys.exit("entry without BTF-formatted fields: %s" % e)
    k, p = f["key"], f["value"]["policy"]
    a = str(ipaddress.ip_address(bytes(k["addr"])))
    if "prefixlen" in k:
        a += "/%d" % k["prefixlen"]
    if full:
        rows.append("%s flags=%d min_ttl=%d mac=%s ifindex=%s" % (a,
            p["flags"], p["min_ttl"], p["mac"], p["ifindex"]))
    else:
        rows.append("%s gtsm=%d min_ttl=%d" % (a, p["flags"] & 1,
                                               p["min_ttl"]))
print("\n".join(sorted(rows)))
' "${2:-}" <<<"$dump"
}

peer4_mac_bound() { # BGPS_PF_MAC (0x4) in the peer's entry
	local f
	f=$(map_entries allow4 full | sed -n "s/^$PEER4 flags=\([0-9]*\).*/\1/p")
	[ -n "$f" ] && [ $((f & 4)) -ne 0 ]
}

map_addrs() { map_entries "$1" | awk '{ print $1 }'; }

map_addrs_are() { [ "$(map_addrs "$1")" = "$2" ]; } # MAP EXPECTED

# Every allowlist map with its policies: what must stay the same when a
# reload is refused or a new daemon adopts the pins.
maps_snapshot() {
	local m
	for m in allow4 allow6 range4 range6; do
		printf '%s: %s\n' "$m" "$(map_entries "$m" full | paste -sd,)"
	done
}

# Audit lines with "event" EVENT; a line that is not JSON fails the parse,
# which prints nothing, so every check on the count fails with it.
audit_count() { # EVENT
	[ -f "$AUDIT" ] || {
		echo 0
		return
	}
	"$PY" -c '
import json, sys
print(sum(json.loads(l).get("event") == sys.argv[2]
          for l in open(sys.argv[1]) if l.strip()))
' "$AUDIT" "$1"
}

audit_at_least() { # EVENT N
	local n
	n=$(audit_count "$1")
	is_int "$n" && [ "$n" -ge "$2" ]
}

# The last audit line of EVENT, field FIELD.
audit_last() { # EVENT FIELD
	"$PY" -c '
import json, sys
v = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
v = [e for e in v if e.get("event") == sys.argv[2]]
print(v[-1].get(sys.argv[3], "") if v else "")
' "$AUDIT" "$1" "$2"
}

is_json() { "$PY" -c 'import json, sys; json.load(sys.stdin)' <<<"$1"; }

# B - A when both are integers; something that fails every check if not.
delta() {
	if is_int "$1" && is_int "$2"; then echo $(($2 - $1)); else
		echo "not-a-number($1 -> $2)"
	fi
}

need_int() { # VALUE WHAT
	is_int "$1" || die_test "read $2" "got '$1'"
}

# TCP segments the attacker's own stack received: the edge answers any SYN
# that reaches its TCP (SYN-ACK from a listener, RST without one), so an
# unchanged count means none of the attacker's SYNs got past the guard,
# whatever else the peer or the daemon do meanwhile.
atk_insegs() {
	ip netns exec "$NS_ATK" nstat -asz TcpInSegs |
		awk '$1 == "TcpInSegs" { print $2 }'
}

# Hand-built SYNs from the attacker's own address (nettool.py syn).
syn_from_attacker() { # COUNT SECONDS
	in_ns "$NS_ATK" "$PY" "$NETTOOL" syn --iface veth-a0 \
		--dst-mac "$(edge_mac veth-e1)" --dst "$EDGE4_A" \
		--src "$ATK4" --count "$1" --duration "$2"
}

xdp_attached() { # IFACE
	ip -n "$NS_EDGE" -d link show dev "$1" | grep -Eq 'prog/xdp id [0-9]+'
}

hs_name() {
	case $1 in
	0 | 6) echo "handshake completed" ;;
	*) rc_name "$1" ;;
	esac
}

# The peer completes the TCP handshake with the daemon's listener (which
# closes at once: rc 6 from nettool, or 0 should it ever echo).
expect_handshake() { # DESC NS HOST [options]
	local desc=$1 rc
	shift
	connect_rc "$@"
	rc=$?
	check_eq "$desc" "handshake completed" "$(hs_name "$rc")"
}

# --- 1 -------------------------------------------------------------------------

t_config_guard() {
	local na0 na1
	daemon_setup
	check_eq "allow4 holds exactly the IPv4 neighbor" "$PEER4" \
		"$(map_addrs allow4)"
	check_eq "allow6 holds exactly the IPv6 neighbor" "$PEER6" \
		"$(map_addrs allow6)"
	check_eq "the ttl-security neighbor has GTSM, min_ttl 255" \
		"$PEER4 gtsm=1 min_ttl=255" "$(map_entries allow4)"
	check_eq "the other neighbor has no GTSM" \
		"$PEER6 gtsm=0 min_ttl=0" "$(map_entries allow6)"
	check_eq "'allow $ALLOW_NET' is a range4 entry with prefixlen 24" \
		"$ALLOW_NET gtsm=0 min_ttl=0" "$(map_entries range4)"
	check_eq "range6 is empty" "" "$(map_entries range6)"
	check "XDP on veth-e0 (the peer's link)" xdp_attached veth-e0
	check "XDP on veth-e1 (the attacker's link)" xdp_attached veth-e1
	check_match "bgpshieldd listens on 179 in the edge namespace" \
		'bgpshieldd' "$(ip netns exec "$NS_EDGE" ss -Hltnp \
			"sport = :$BGP_PORT")"

	expect_handshake "peer $PEER4 (TTL 255) connects to $EDGE4_P:179" \
		"$NS_PEER" "$EDGE4_P" --ttl 255
	expect_handshake "peer $PEER6 connects to [$EDGE6_P]:179" \
		"$NS_PEER" "$EDGE6_P"
	# GTSM comes from the config: the same peer at TTL 64 is dropped.
	expect_timeout "peer $PEER4 at TTL 64 is dropped (ttl-security)" \
		"$NS_PEER" "$EDGE4_P" --ttl 64
	na0=$(counter not_allowed)
	expect_timeout "attacker $ATK4 cannot connect to $EDGE4_A:179" \
		"$NS_ATK" "$EDGE4_A"
	na1=$(counter not_allowed)
	check_ge "not_allowed rose with the attacker's SYNs" \
		"$(delta "$na0" "$na1")" 1
}

# --- 2 -------------------------------------------------------------------------

t_privsep() {
	local eng uid gid peff ours fds
	daemon_setup
	eng=$(engine_pid)
	check_match "the parent has exactly one child, the engine" \
		'^[0-9]+$' "$eng"
	[[ $eng =~ ^[0-9]+$ ]] || die_test "find the engine" "got '$eng'"
	uid=$(id -u "$DUSER")
	gid=$(id -g "$DUSER")
	check_eq "engine Uid is $DUSER's (real, effective, saved, fs)" \
		"$uid $uid $uid $uid" "$(proc_field "$eng" Uid)"
	check_eq "engine Gid is $DUSER's group" \
		"$gid $gid $gid $gid" "$(proc_field "$eng" Gid)"
	check_eq "engine CapEff is empty" 0000000000000000 \
		"$(proc_field "$eng" CapEff)"
	check_eq "engine CapPrm is empty" 0000000000000000 \
		"$(proc_field "$eng" CapPrm)"
	check_eq "engine CapBnd is empty" 0000000000000000 \
		"$(proc_field "$eng" CapBnd)"
	check_eq "engine NoNewPrivs is 1" 1 "$(proc_field "$eng" NoNewPrivs)"
	check_eq "engine Seccomp is 2 (filter)" 2 "$(proc_field "$eng" Seccomp)"
	# The engine parses untrusted input: it must hold no BPF object
	# (a map fd would let it rewrite the allowlist).
	fds=$(for f in /proc/"$eng"/fd/*; do readlink "$f"; done 2>/dev/null)
	check_nomatch "the engine holds no BPF map, program or link" \
		'bpf-(map|prog|link)' "$fds"

	check_eq "the parent still runs as uid 0" "0 0 0 0" \
		"$(proc_field "$DPID" Uid)"
	peff=$(proc_field "$DPID" CapEff)
	ours=$(proc_field $$ CapEff)
	check_ne "the parent's CapEff is reduced (not the full set $ours)" \
		"$ours" "$peff"
	# Reduced, not replaced: a subset of what root had, without
	# CAP_SYS_ADMIN (21).
	if [[ $peff =~ ^[0-9a-f]{16}$ ]] &&
		(((0x$peff & ~0x$ours) == 0 && (0x$peff & (1 << 21)) == 0)); then
		pass "the parent's CapEff $peff is a subset of root's, without CAP_SYS_ADMIN"
	else
		fail "the parent's CapEff is a subset of root's, without CAP_SYS_ADMIN" \
			"parent $peff, root $ours"
	fi
	check_eq "the parent's bounding set is as reduced as its CapEff" \
		"$peff" "$(proc_field "$DPID" CapBnd)"
}

# --- 3 -------------------------------------------------------------------------

t_control() {
	local eng a b c try n req
	daemon_setup
	eng=$(engine_pid)
	check_eq "control socket is mode 0660, owned by $DUSER:$DUSER" \
		"660 $DUSER $DUSER" "$(stat -c '%a %U %G' "$SOCK")"

	capture st dctl status
	check_eq "status exits 0" 0 "$?"
	check_match "status names the engine pid" "engine pid $eng" "$(out st)"
	capture stj dctl -j status
	check_eq "status -j exits 0" 0 "$?"
	check "status -j is JSON" is_json "$(out stj)"
	check_eq "status -j: engine pid, its uid, 2 neighbors, generation 0" \
		"$eng $(id -u "$DUSER") 2 0" \
		"$(out stj | json engine_pid uid neighbors generation | xargs)"

	capture nb dctl show neighbor
	check_eq "show neighbor exits 0" 0 "$?"
	check_match "show neighbor lists $PEER4" "$PEER4" "$(out nb)"
	check_match "show neighbor lists $PEER6" "$PEER6" "$(out nb)"
	capture nbj dctl -j show neighbor
	check_eq "show neighbor -j exits 0" 0 "$?"
	check "show neighbor -j is JSON" is_json "$(out nbj)"
	check_eq "show neighbor -j: both neighbors, in config order" \
		"[\"$PEER4\", \"$PEER6\"]" "$(out nbj | json '[*].address')"
	capture one dctl show neighbor "$PEER6"
	check_eq "show neighbor $PEER6 exits 0" 0 "$?"
	check_match "show neighbor $PEER6 shows it" "$PEER6" "$(out one)"
	check_nomatch "and not the other" "$PEER4" "$(out one)"
	capture onej dctl -j show neighbor "$PEER4"
	check_eq "show neighbor $PEER4 -j exits 0" 0 "$?"
	check "show neighbor $PEER4 -j is JSON" is_json "$(out onej)"
	check_eq "it is the one neighbor, with min_ttl 255 and peer-as 64501" \
		"1 $PEER4 255 64501" \
		"$(out onej | "$PY" -c 'import json, sys; d = json.load(sys.stdin)
print(len(d), d[0]["address"], d[0]["min_ttl"], d[0]["peer_as"])')"

	capture gd dctl show guard
	check_eq "show guard exits 0" 0 "$?"
	check_match "show guard shows the counters" 'not_allowed +[0-9]+' \
		"$(out gd)"
	capture gdj dctl -j show guard
	check_eq "show guard -j exits 0" 0 "$?"
	check "show guard -j is JSON" is_json "$(out gdj)"
	check_eq "show guard -j: enforce, port 179, 3 entries, 2/2 attached" \
		"enforce 179 3 2 2" \
		"$(out gdj | json mode port allowlist interfaces attached | xargs)"
	# Counters move on their own (IPv6 ND counts in `total`): compare
	# the daemon's view with the pins' on a quiet moment, the pins read
	# the same before and after.
	for try in 1 2 3 4 5 6 7 8 9 10; do
		a=$(status_get counters)
		b=$(dctl -j show guard | json counters)
		c=$(status_get counters)
		[ "$a" = "$c" ] && break
		log "counters moved during comparison $try, again"
	done
	check_eq "show guard -j counters equal guard status -j on the pins" \
		"$a" "$b"

	n=$(audit_count control_refused)
	capture bad dctl show frobnicate
	check_eq "a bad command exits 1" 1 "$?"
	check_eq "with one error line" 1 "$(grep -c '' "$T_DIR/bad.err")"
	check_match "naming the command" 'frobnicate' "$(err bad)"
	check_eq "and nothing on stdout" "" "$(out bad)"
	if wait_for 3 audit_at_least control_refused $((n + 1)); then
		pass "the refusal is in the audit log (control_refused)"
	else
		fail "the refusal is in the audit log (control_refused)" \
			"$(cat "$AUDIT")"
	fi
	req=$(audit_last control_refused request)
	check_eq "the audit line quotes the request" "show frobnicate" "$req"
	capture badj dctl -j show neighbor 192.0.2.99
	check_eq "show neighbor of an unknown address exits 1" 1 "$?"
	check "its -j error is JSON" is_json "$(err badj)"
}

# --- 4 -------------------------------------------------------------------------

t_reload() {
	local rc
	daemon_setup
	write_conf "$CONF" "$NEW4" || die_test "write the changed config"
	kill -HUP "$DPID"
	if wait_for 5 map_addrs_are allow4 "$NEW4"; then
		pass "after SIGHUP allow4 holds $NEW4 and not $PEER4"
	else
		fail "after SIGHUP allow4 holds $NEW4 and not $PEER4" \
			"allow4: $(map_addrs allow4 | xargs)"
	fi
	check_eq "the new neighbor has its GTSM policy" \
		"$NEW4 gtsm=1 min_ttl=255" "$(map_entries allow4)"
	check_eq "allow6 and range4 unchanged" "$PEER6 $ALLOW_NET" \
		"$(map_addrs allow6) $(map_addrs range4)"
	check_eq "status: generation 1, still 2 neighbors" "1 2" \
		"$(dctl -j status | json generation neighbors | xargs)"
	check_eq "show neighbor follows the new config" "[\"$NEW4\", \"$PEER6\"]" \
		"$(dctl -j show neighbor | json '[*].address')"
	expect_timeout "the removed neighbor $PEER4 is dropped now" \
		"$NS_PEER" "$EDGE4_P" --ttl 255

	write_conf "$CONF" "$PEER4" || die_test "write the config back"
	capture rl dctl reload
	rc=$?
	check_eq "bgpshieldctl reload exits 0" 0 "$rc"
	check_match "it reports the new generation" 'reloaded \(generation 2\)' \
		"$(out rl)"
	# The answer comes after the guard is programmed: no polling.
	check_eq "at once allow4 holds $PEER4 and not $NEW4" "$PEER4" \
		"$(map_addrs allow4)"
	expect_handshake "the neighbor $PEER4 connects again" \
		"$NS_PEER" "$EDGE4_P" --ttl 255
	check_eq "two reloads in the audit log" 2 "$(audit_count reload)"
}

# --- 5 -------------------------------------------------------------------------

t_reload_broken() {
	local before rc tmsg
	daemon_setup
	# The binder learns the peer's MAC once the kernel resolves it; take
	# the snapshot after that, so only a reload could change it.
	in_ns "$NS_EDGE" ping -c 1 -W 2 "$PEER4" >/dev/null 2>&1
	wait_for 5 peer4_mac_bound ||
		fail "the peer's MAC is learned before the snapshot" \
			"$(map_entries allow4 full)"
	before=$(maps_snapshot)
	# A missing ';' in the neighbor that would replace the peer: applied
	# in part, it would drop the peer.
	write_text "$CONF" <<-EOF || die_test "write the broken config"
		guard { interface veth-e0 veth-e1; pin-dir $PIN; }
		neighbor $NEW4 {
			local-as 64500
			peer-as 64501;
		}
	EOF
	kill -HUP "$DPID"
	if wait_for 5 audit_at_least reload_refused 1; then
		pass "SIGHUP with a broken config: reload_refused in the audit log"
	else
		fail "SIGHUP with a broken config: reload_refused in the audit log" \
			"$(cat "$AUDIT")"
	fi
	check_match "the audit line has the file:line:col error" \
		"^$CONF:[0-9]+:[0-9]+: " "$(audit_last reload_refused message)"
	check_eq "the maps are unchanged" "$before" "$(maps_snapshot)"
	check_eq "the daemon answers, still generation 0" 0 \
		"$(dctl -j status | json generation)"

	capture rl dctl reload
	rc=$?
	check_eq "bgpshieldctl reload of the broken config exits 1" 1 "$rc"
	check_eq "with one error line" 1 "$(grep -c '' "$T_DIR/rl.err")"
	# The same words `bgpshieldd -t` has for the file.
	tmsg=$("$DAEMON" -t -c "$CONF" 2>&1)
	check_match "the message has the file:line:col error" \
		"$CONF:[0-9]+:[0-9]+: " "$(err rl)"
	if [ -n "$tmsg" ] && [[ $(err rl) == *"$tmsg"* ]]; then
		pass "it is the error bgpshieldd -t reports: $tmsg"
	else
		fail "it is the error bgpshieldd -t reports" "-t: $tmsg
reload: $(err rl)"
	fi
	check_eq "a second reload_refused line" 2 "$(audit_count reload_refused)"
	check_eq "the maps are still unchanged" "$before" "$(maps_snapshot)"

	# A good config made group-writable is refused on reload too (the
	# file checks run on every load, not only at start).
	write_conf "$CONF" "$NEW4" || die_test "write the changed config"
	chmod g+w "$CONF"
	capture gw dctl reload
	check_eq "reload of a group-writable config exits 1" 1 "$?"
	check_match "it names the fix" 'chmod go-w' "$(err gw)"
	check_eq "the maps are unchanged after that too" "$before" \
		"$(maps_snapshot)"
	expect_handshake "the peer still connects" \
		"$NS_PEER" "$EDGE4_P" --ttl 255
	check_eq "the daemon still answers, generation 0" 0 \
		"$(dctl -j status | json generation)"
}

# --- 6 -------------------------------------------------------------------------

t_engine_restart() {
	local old new na0 na1 in0 in1 spid cpid sent uid
	daemon_setup
	old=$(engine_pid)
	[[ $old =~ ^[0-9]+$ ]] || die_test "find the engine" "got '$old'"
	na0=$(counter not_allowed)
	in0=$(atk_insegs)
	need_int "$na0" "the not_allowed counter"
	need_int "$in0" "the attacker's TcpInSegs"
	# SYNs and a real connect from the attacker all through the restart.
	bg_start syns syn_from_attacker "$ATK_SYNS" 3
	spid=$BG_PID
	bg_start atkconn in_ns "$NS_ATK" "$PY" "$NETTOOL" connect "$EDGE4_A" \
		"$BGP_PORT" --timeout 3
	cpid=$BG_PID
	sleep 0.3
	kill -KILL "$old"
	if wait_for 5 engine_replaced "$old"; then
		pass "the parent started a new engine within 5 s"
	else
		fail "the parent started a new engine within 5 s" "$(cat "$DLOG")"
	fi
	new=$(engine_pid)
	check "status answers again" wait_for 5 daemon_up
	check_eq "status names the new engine" "$new" \
		"$(dctl -j status | json engine_pid)"
	uid=$(id -u "$DUSER")
	check_eq "the new engine is sandboxed too (uid, CapEff, Seccomp)" \
		"$uid 0000000000000000 2" \
		"$(proc_field "$new" Uid | cut -d' ' -f2) $(proc_field "$new" CapEff) $(proc_field "$new" Seccomp)"
	check_match "the engine's death is in the audit log" \
		'killed by signal 9' "$(audit_last engine_exit message)"

	reap "$spid"
	check_eq "the SYN stream ran through the restart" 0 "$REAP_RC"
	sent=$(cat "$T_DIR/syns.log")
	check_eq "$ATK_SYNS SYNs sent" "$ATK_SYNS" "$sent"
	reap "$cpid"
	check_eq "the attacker's connect during the restart timed out" \
		"$(rc_name 3)" "$(rc_name "$REAP_RC")"
	na1=$(counter not_allowed)
	check_ge "not_allowed counted every attacker SYN" \
		"$(delta "$na0" "$na1")" "$ATK_SYNS"
	in1=$(atk_insegs)
	check_eq "no answer ever reached the attacker (its TcpInSegs unchanged)" \
		"$in0" "$in1"
	expect_handshake "the peer connects after the restart" \
		"$NS_PEER" "$EDGE4_P" --ttl 255
}

# --- 7 -------------------------------------------------------------------------

t_parent_kill() {
	local eng pnd before pk0 na0 na1 in0 in1 spid sent
	daemon_setup
	expect_handshake "the peer connects" "$NS_PEER" "$EDGE4_P" --ttl 255
	pk0=$(status_get "allowlist[source=$PEER4].packets")
	need_int "$pk0" "the peer entry's packet counter"
	before=$(maps_snapshot)
	eng=$(engine_pid)
	[[ $eng =~ ^[0-9]+$ ]] || die_test "find the engine" "got '$eng'"
	# Stopped, the engine cannot notice its channel closing: a signal
	# the parent's death sends it stays pending where /proc shows it.
	kill -STOP "$eng"
	# SIGSTOP takes effect when the engine next runs; a SIGTERM sent
	# before that would be delivered first (lower number), not left
	# pending: wait until it is really stopped.
	wait_for 5 stopped "$eng" || die_test "stop the engine" \
		"$(ps -o pid,stat,args -p "$eng")"
	# Quiet: bash would report its job "Killed", which is intended here.
	{
		kill -KILL "$DPID"
		reap "$DPID"
	} 2>/dev/null
	check_eq "the parent is gone (SIGKILL)" 137 "$REAP_RC"
	pnd=$(proc_field "$eng" ShdPnd)
	kill -CONT "$eng"
	# SIGTERM is signal 15: bit 14 of the pending mask.
	if [[ $pnd =~ ^[0-9a-f]{16}$ ]] && (((0x$pnd >> 14) & 1)); then
		pass "the parent's death sent the engine SIGTERM (PDEATHSIG)"
	else
		fail "the parent's death sent the engine SIGTERM (PDEATHSIG)" \
			"engine $eng pending signals: '$pnd'"
	fi
	if wait_for 5 gone "$eng"; then
		pass "the orphaned engine exited on its own"
	else
		fail "the orphaned engine exited on its own" \
			"$(ps -o pid,stat,user,args -p "$eng")"
	fi

	check "XDP still on veth-e0" xdp_attached veth-e0
	check "XDP still on veth-e1" xdp_attached veth-e1
	na0=$(counter not_allowed)
	expect_timeout "with no daemon the attacker is still dropped" \
		"$NS_ATK" "$EDGE4_A"
	na1=$(counter not_allowed)
	check_ge "not_allowed rose" "$(delta "$na0" "$na1")" 1

	# A new daemon on the same config and pins, the attacker's SYNs
	# running through its start.
	na0=$(counter not_allowed)
	in0=$(atk_insegs)
	need_int "$na0" "the not_allowed counter"
	need_int "$in0" "the attacker's TcpInSegs"
	bg_start syns syn_from_attacker "$ATK_SYNS" 3
	spid=$BG_PID
	sleep 0.3
	daemon_start daemon2
	pass "a new bgpshieldd started on the same config and pin folder"
	reap "$spid"
	check_eq "the SYN stream ran through the start" 0 "$REAP_RC"
	sent=$(cat "$T_DIR/syns.log")
	check_eq "$ATK_SYNS SYNs sent" "$ATK_SYNS" "$sent"
	na1=$(counter not_allowed)
	check_ge "not_allowed counted every one" "$(delta "$na0" "$na1")" \
		"$ATK_SYNS"
	in1=$(atk_insegs)
	check_eq "no answer ever reached the attacker (its TcpInSegs unchanged)" \
		"$in0" "$in1"
	check_eq "the allowlist is the same" "$before" "$(maps_snapshot)"
	# Adopted, not rebuilt: the peer entry kept its counters.
	check_ge "the peer entry kept its packet counter" \
		"$(status_get "allowlist[source=$PEER4].packets")" "$pk0"
	check "XDP on veth-e1" xdp_attached veth-e1
	expect_handshake "the peer connects to the new daemon" \
		"$NS_PEER" "$EDGE4_P" --ttl 255
	expect_handshake "over IPv6 too" "$NS_PEER" "$EDGE6_P"
}

# --- 8 -------------------------------------------------------------------------

t_stop() {
	local rc na0 na1
	daemon_setup
	kill -TERM "$DPID"
	reap "$DPID"
	check_eq "SIGTERM: bgpshieldd exits 0" 0 "$REAP_RC"
	check "it removed its pid file" test ! -e "$PIDF"
	check "it removed its control socket" test ! -e "$SOCK"
	check_eq "no process left in the edge namespace" "" \
		"$(ip netns pids "$NS_EDGE")"
	check "on-exit keep (the default): XDP stays on veth-e1" \
		xdp_attached veth-e1
	na0=$(counter not_allowed)
	expect_timeout "the attacker is still dropped" "$NS_ATK" "$EDGE4_A"
	na1=$(counter not_allowed)
	check_ge "not_allowed rose" "$(delta "$na0" "$na1")" 1
	check_match "the stop is in the audit log" 'keeps enforcing' \
		"$(audit_last stop message)"

	write_conf "$CONF" "$PEER4" "on-exit detach" ||
		die_test "write the on-exit detach config"
	daemon_start daemon2
	check "with on-exit detach, the guard is attached while it runs" \
		xdp_attached veth-e1
	kill -TERM "$DPID"
	reap "$DPID"
	check_eq "SIGTERM: it exits 0" 0 "$REAP_RC"
	check_nomatch "on-exit detach: no XDP left on veth-e0" 'xdp' \
		"$(ip -n "$NS_EDGE" -d link show dev veth-e0)"
	check_nomatch "on-exit detach: no XDP left on veth-e1" 'xdp' \
		"$(ip -n "$NS_EDGE" -d link show dev veth-e1)"
	# Unguarded, the attacker's SYN reaches the edge's TCP, which
	# refuses it (nothing listens now).
	connect_rc "$NS_ATK" "$EDGE4_A"
	rc=$?
	check_eq "the attacker's SYN now reaches TCP (refused, not dropped)" \
		"$(rc_name 4)" "$(rc_name "$rc")"
}

# --- 9 -------------------------------------------------------------------------

# check_refused DESC FILE REGEX: -t exits 1 with one line matching REGEX.
check_refused() {
	local desc=$1 f=$2 re=$3 rc
	capture chk "$DAEMON" -t -c "$f"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(grep -c '' "$T_DIR/chk.err")" = 1 ] &&
		[[ $(err chk) =~ $re ]]; then
		pass "$desc: $(err chk)"
	else
		fail "$desc" "exit $rc, expected 1 and one line matching '$re':
$(err chk)"
	fi
}

t_config_check() {
	local d f n1 n2 k ex
	need_tools
	d=$T_DIR/cfg
	mkdir -p "$d"
	write_conf "$d/good.conf" "$PEER4" || die_test "write a config"
	capture good "$DAEMON" -t -c "$d/good.conf"
	check_eq "-t accepts a good config (0600)" 0 "$?"

	ln -s good.conf "$d/link.conf"
	check_refused "a symlinked config" "$d/link.conf" 'symbolic link|symlink'
	cp "$d/good.conf" "$d/gw.conf" && chmod 0620 "$d/gw.conf"
	check_refused "a group-writable config" "$d/gw.conf" \
		"chmod go-w $d/gw.conf"
	cp "$d/good.conf" "$d/ww.conf" && chmod 0602 "$d/ww.conf"
	check_refused "a world-writable config" "$d/ww.conf" \
		"chmod go-w $d/ww.conf"

	write_text "$d/pw.conf" <<-EOF
		neighbor $PEER4 {
			local-as 64500;
			peer-as 64501;
			md5-password "sekrit-$RUN_ID";
		}
	EOF
	capture pw0 "$DAEMON" -t -c "$d/pw.conf"
	check_eq "-t accepts an inline md5-password in a 0600 file" 0 "$?"
	chmod 0644 "$d/pw.conf"
	check_refused "a world-readable config with an inline md5-password" \
		"$d/pw.conf" "chmod o-r $d/pw.conf"
	chmod 0600 "$d/pw.conf"

	printf 'keyfile-%s\n' "$RUN_ID" | write_text "$d/peer.key"
	chmod 0644 "$d/peer.key"
	write_text "$d/pf.conf" <<-EOF
		neighbor $PEER4 {
			local-as 64500;
			peer-as 64501;
			md5-password-file peer.key;
		}
	EOF
	check_refused "a world-readable md5-password-file" "$d/pf.conf" \
		'^[^ ]*pf\.conf:[0-9]+:[0-9]+: .*peer\.key.*chmod o-r'
	chmod 0600 "$d/peer.key"
	capture pf "$DAEMON" -t -c "$d/pf.conf"
	check_eq "-t accepts it once the key file is 0600" 0 "$?"

	# -n: canonical, masked, and parsing again to the same output.
	capture n1 "$DAEMON" -n -c "$d/pw.conf"
	check_eq "-n exits 0" 0 "$?"
	check_nomatch "-n does not print the password" "sekrit-$RUN_ID" \
		"$(out n1)"
	check_match "-n masks it" 'md5-password "\*\*\*\*\*\*\*\*";' "$(out n1)"
	out n1 | write_text "$d/printed.conf"
	capture n1t "$DAEMON" -t -c "$d/printed.conf"
	check_eq "-t accepts what -n printed" 0 "$?"
	n1=$(out n1)
	n2=$("$DAEMON" -n -c "$d/printed.conf")
	check_eq "-n of that prints the same again" "$n1" "$n2"
	capture n2 "$DAEMON" -n -c "$d/good.conf"
	out n2 | write_text "$d/printed2.conf"
	check_eq "-n of the two-neighbor config round-trips too" "$(out n2)" \
		"$("$DAEMON" -n -c "$d/printed2.conf")"

	# Every shipped example, private as it would be installed, with the
	# key files its comments ask for (base64 text, so md5-base64 and
	# tcp-ao base64 accept them too).
	ex=$T_DIR/examples
	mkdir -p "$ex"
	for f in "$ROOT_DIR"/deploy/examples/*.conf; do
		cp "$f" "$ex/" && chmod 0600 "$ex/${f##*/}"
		grep -oE 'password-file +[^;]+' "$f" | awk '{ print $2 }' |
			while read -r k; do
				mkdir -p "$ex/$(dirname "$k")"
				printf 'c2VjcmV0LWtleQ==\n' | write_text "$ex/$k"
			done
	done
	for f in "$ex"/*.conf; do
		if capture ex "$DAEMON" -t -c "$f"; then
			pass "-t accepts deploy/examples/${f##*/}"
		else
			fail "-t accepts deploy/examples/${f##*/}" "$(err ex)"
		fi
	done
}

# --- 10 ------------------------------------------------------------------------

t_second_instance() {
	local rc eng
	daemon_setup
	eng=$(engine_pid)
	# The same command line again: it must stop at the pid file, before
	# touching the guard or the socket.
	capture second bounded 10 nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -c "$CONF" -s "$SOCK" -p "$PIDF" -a "$AUDIT"
	rc=$?
	check_eq "a second bgpshieldd with the same pid file exits 1" 1 "$rc"
	check_match "it names the running instance (pid file and pid)" \
		"$PIDF.*pid $DPID" "$(err second)"
	check "the first keeps running" kill -0 "$DPID"
	check_eq "its pid file still names it" "$DPID" "$(cat "$PIDF")"
	check_eq "and its socket still answers, same engine" "$eng" \
		"$(dctl -j status | json engine_pid)"
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"config programs the guard; peer connects, attacker dropped:t_config_guard"
	"engine unprivileged and sandboxed, parent reduced:t_privsep"
	"control socket: status, show, errors audited:t_control"
	"SIGHUP and reload replace a neighbor in the maps:t_reload"
	"broken config on reload changes nothing:t_reload_broken"
	"engine SIGKILL: restarted, guard enforcing throughout:t_engine_restart"
	"parent SIGKILL: guard enforcing, new daemon adopts pins:t_parent_kill"
	"SIGTERM: clean stop, on-exit keep and detach:t_stop"
	"config checks: -t, -n, file safety, examples:t_config_check"
	"second instance refused by the pid file:t_second_instance"
)

run_tests "$@"
