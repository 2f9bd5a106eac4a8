#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Route filtering and the ExaBGP-compatible process API of bgpshieldd, with
# BIRD 2 as the peer, each test in namespaces of its own:
#
#   bgpshieldd (veth-a) ---------------------------- (veth-b) bird
#   192.0.2.1/24, AS 65001, active              192.0.2.2/24, AS 65002, passive
#
# bgpshieldd's helper processes run as user bgpshield, so their programs
# and files live in a 0755 folder of the test's own ($T_DIR/p, owned by
# that user; the run's folders above it are made traversable, 0711).  The
# generic helper (helper.py, written there) sends the commands of a start
# file, then those of every file dropped into its spool folder, and logs
# each command's answer ("ack CMD => done"), every event line ("event
# ..."), and its pid at start, to a log the test reads.
#
# What is checked: routes announced by a process reach BIRD with their
# attributes; ones refused by the export filter (prefix-list, bogon) are
# answered "error", audited with the rule named, counted in refused_out
# and never reach BIRD; withdraw; bgpshieldctl announce/withdraw over the
# control socket; import filters (bogons counted in filtered_in, max-prefix
# warning and teardown with restart); a killed process restarted and its
# routes announced again; the health check (healthcheck.py) following a
# TCP service; the per-process rate limit and the line length limit; the
# JSON events (state up, BIRD's update).
#
# Every wait is bounded; the file stays under ~3 minutes.
#
# Usage: test_api.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
HEALTH=$LIB_DIR/healthcheck.py
DUSER=bgpshield
A4=192.0.2.1
B4=192.0.2.2
AS_A=65001
AS_B=65002
HOLD=9
# Bounds (seconds): establish; a route to show up or leave.
T_UP=15
T_ROUTE=5

# --- helpers ---------------------------------------------------------------------

need() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	command -v pgrep >/dev/null || skip "pgrep not found"
	if ! command -v bird >/dev/null || ! command -v birdc >/dev/null; then
		skip "bird/birdc not found: make deps (Debian package bird2)"
	fi
	[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 not found"
	ensure_user
}

topo() {
	ns_add "$NS_EDGE" && ns_add "$NS_PEER" || return 1
	ip -n "$NS_EDGE" link add veth-a type veth peer name veth-b \
		netns "$NS_PEER" &&
		ip -n "$NS_EDGE" addr add "$A4/24" dev veth-a &&
		ip -n "$NS_PEER" addr add "$B4/24" dev veth-b &&
		ip -n "$NS_EDGE" link set veth-a up &&
		ip -n "$NS_PEER" link set veth-b up
}

# The helpers' folder: the daemon starts them as $DUSER, which must reach
# and run them and write their logs.
PDIR=""
make_pdir() {
	chmod 0711 "$WORK_DIR" "$T_DIR" || return 1
	PDIR=$T_DIR/p
	mkdir -p "$PDIR" && chown "$DUSER:" "$PDIR" && chmod 0755 "$PDIR" ||
		return 1
	write_helper
}

# helper.py START-FILE SPOOL LOG [burst]: see the header.  "burst" writes
# every start command at once, then reads the answers.
write_helper() {
	cat >"$PDIR/helper.py" <<-'EOF'
		import os, select, sys, time
		start, spool, logp = sys.argv[1:4]
		burst = len(sys.argv) > 4 and sys.argv[4] == "burst"
		logf = open(logp, "a", buffering=1)
		buf = b""
		def log(m):
		    logf.write(m + "\n")
		def lines(timeout):
		    global buf
		    r, _, _ = select.select([0], [], [], timeout)
		    if not r:
		        return []
		    c = os.read(0, 65536)
		    if not c:
		        log("eof")
		        sys.exit(0)
		    buf += c
		    out = []
		    while b"\n" in buf:
		        l, buf = buf.split(b"\n", 1)
		        out.append(l.decode("utf-8", "replace").strip())
		    return out
		pending = []
		def take(l):
		    if l in ("done", "error"):
		        cmd = pending.pop(0) if pending else "?"
		        log("ack %s => %s" % (cmd[:100], l))
		    else:
		        log("event " + l)
		def send(cmds, wait):
		    for c in cmds:
		        sys.stdout.write(c + "\n")
		        pending.append(c)
		        if wait:
		            sys.stdout.flush()
		            end = time.monotonic() + 5
		            while pending and time.monotonic() < end:
		                for l in lines(0.2):
		                    take(l)
		    sys.stdout.flush()
		log("pid %d start" % os.getpid())
		with open(start) as f:
		    send([l.rstrip("\n") for l in f if l.strip()], not burst)
		while True:
		    for l in lines(0.1):
		        take(l)
		    for n in sorted(os.listdir(spool)):
		        if not n.endswith(".cmd"):
		            continue
		        p = os.path.join(spool, n)
		        with open(p) as f:
		            cmds = [l.rstrip("\n") for l in f if l.strip()]
		        os.rename(p, p + ".sent")
		        send(cmds, True)
	EOF
	chmod 0644 "$PDIR/helper.py"
}

# proc_block NAME START [encoder] [extra statements] [burst]: a process
# block running helper.py with START (a file in $PDIR) as its start file
# and a spool folder of its own, $PDIR/spool-NAME.
proc_block() {
	local name=$1 start=$2 enc=${3:-json} extra=${4:-} burst=${5:-}
	mkdir -p "$PDIR/spool-$name" && chown "$DUSER:" "$PDIR/spool-$name" &&
		chmod 0755 "$PDIR/spool-$name"
	printf 'process %s {\n\trun /usr/bin/python3 %s %s %s %s %s;\n\tencoder %s;\n\trespawn true;\n%s\n}\n' \
		"$name" "$PDIR/helper.py" "$PDIR/$start" "$PDIR/spool-$name" \
		"$PDIR/$name.log" "$burst" "$enc" "$extra"
}

# spool NAME CMD...: hand commands to process NAME's running helper.
SPOOL_SEQ=0
spool() {
	local d=$PDIR/spool-$1
	shift
	SPOOL_SEQ=$((SPOOL_SEQ + 1))
	printf '%s\n' "$@" >"$d/$SPOOL_SEQ.tmp" &&
		mv "$d/$SPOOL_SEQ.tmp" "$d/$(printf %04d $SPOOL_SEQ).cmd"
}

# write_conf TOP NEIGHBOR-BODY: bgpshieldd's config; TOP goes before the
# neighbor (prefix-lists, processes), NEIGHBOR-BODY inside it.
write_conf() {
	(
		umask 077
		cat >"$T_DIR/a.conf" <<-EOF
			# bgpshield API selftest $RUN_ID
			guard {
				interface veth-a;
				pin-dir $PIN/a;
			}
			$1
			neighbor $B4 {
				router-id $A4;
				local-address $A4;
				local-as $AS_A;
				peer-as $AS_B;
				hold-time $HOLD;
				passive false;
				family { ipv4 unicast; }
			$2
			}
		EOF
	)
}

sock_a() { echo "$T_DIR/a.sock"; }
audit() { cat "$T_DIR/a.audit" 2>/dev/null; }

dctl() { # SECONDS ARGS...
	local t=$1
	shift
	bounded "$t" nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" -s "$(sock_a)" "$@"
}

daemon_up() {
	[ -n "${DPID:-}" ] && kill -0 "$DPID" 2>/dev/null &&
		dctl 3 status >/dev/null 2>&1
}

daemon_start() {
	mkdir -p "$PIN" || die_test "create $PIN"
	bg_start daemon nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -v -c "$T_DIR/a.conf" -s "$(sock_a)" \
		-p "$T_DIR/a.pid" -a "$T_DIR/a.audit"
	DPID=$BG_PID
	wait_for 10 daemon_up ||
		die_test "bgpshieldd starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/daemon.log")"
}

nb() { # FIELD...
	local j
	if ! j=$(dctl 3 -j show neighbor "$B4" 2>&1); then
		for _ in "$@"; do printf '<error: %s>\n' "$j" | head -n1; done
		return 1
	fi
	json_fields "$j" "$@"
}

nb_is() { [ "$(nb "$1")" = "$2" ]; } # FIELD VALUE
established() { nb_is state established; }

nb_why() {
	local s p e
	{
		read -r s
		read -r p
		IFS= read -r e
	} < <(nb state prefixes_in last_error)
	printf "bgpshieldd sees %s: state=%s prefixes_in=%s last_error='%s'\n" \
		"$B4" "$s" "$p" "$e"
	grep -F "neighbor $B4:" "$T_DIR/daemon.log" 2>/dev/null | tail -n 4 |
		sed 's/^/  bgpshieldd log: /'
}

# status_field: lib.sh

# --- BIRD ---------------------------------------------------------------------------

bird_sock() { echo "$T_DIR/bird.ctl"; }

# write_bird ROUTES [EXTRA-ROUTES]: BIRD passive, short timers (error wait
# 1 s, so a session bgpshieldd re-opens is not refused for long), static
# blackholes in protocol s4 and, if given, s5 (which a test can disable).
write_bird() {
	local r
	{
		cat <<-EOF
			log stderr all;
			router id $B4;
			protocol device { }
			protocol static s4 {
				ipv4;
		EOF
		for r in $1; do printf '\troute %s blackhole;\n' "$r"; done
		echo "}"
		if [ -n "${2:-}" ]; then
			printf 'protocol static s5 {\n\tipv4;\n'
			for r in $2; do printf '\troute %s blackhole;\n' "$r"; done
			echo "}"
		fi
		cat <<-EOF
			protocol bgp shield4 {
				local $B4 as $AS_B;
				neighbor $A4 as $AS_A;
				hold time $HOLD;
				passive on;
				connect delay time 1;
				connect retry time 5;
				error wait time 1, 5;
				ipv4 { import all; export all; };
			}
		EOF
	} >"$T_DIR/bird.conf"
}

birdc_() { bounded 5 birdc -s "$(bird_sock)" "$@"; }
bird_up() { birdc_ show status 2>/dev/null | grep -q "Daemon is up"; }

bird_start() {
	bg_start bird ip netns exec "$NS_PEER" bird -f -c "$T_DIR/bird.conf" \
		-s "$(bird_sock)" -P "$T_DIR/bird.pid"
	wait_for 10 bird_up ||
		die_test "BIRD starts and answers on its socket" \
			"$(tail -n 20 "$T_DIR/bird.log")"
}

bird_field() { # LABEL: the value after "LABEL:" in show protocols all shield4
	birdc_ show protocols all shield4 2>&1 | awk -v l="$1:" '
		{ sub(/^[ \t]+/, "") }
		index($0, l) == 1 { sub(l "[ \t]*", ""); print; exit }'
}

bird_established() { [ "$(bird_field "BGP state")" = Established ]; }

bird_why() {
	birdc_ show protocols all shield4 2>&1 |
		grep -E 'BGP state|Last error|Routes:' | sed 's/^[ \t]*/  birdc: /'
	grep -E "shield4: " "$T_DIR/bird.log" 2>/dev/null | tail -n 4 |
		sed 's/^/  bird log: /'
}

# One line per route block, so one regex checks attributes.
bird_route() { birdc_ show route all "$1" 2>&1 | tr '\n\t' '  '; }
bird_has() { birdc_ show route "$1" 2>/dev/null | grep -qF "$1"; }
bird_lacks() { ! bird_has "$1"; }

# start both, bgpshieldd active to a passive BIRD, and wait for the session.
start_all() {
	bird_start
	daemon_start
	if wait_for "$T_UP" established && wait_for 3 bird_established; then
		pass "session established within ${T_UP}s"
	else
		die_test "session established within ${T_UP}s" "$(nb_why)
$(bird_why)"
	fi
}

expect_bird_has() { # PREFIX DESC
	if wait_for "$T_ROUTE" bird_has "$1"; then pass "$2"; else
		fail "$2 (within ${T_ROUTE}s)" "$(bird_route "$1")
$(bird_why)"
	fi
}

expect_bird_lacks() { # PREFIX DESC
	if wait_for "$T_ROUTE" bird_lacks "$1"; then pass "$2"; else
		fail "$2 (within ${T_ROUTE}s)" "$(bird_route "$1")"
	fi
}

# ack_of LOG CMD-PREFIX: the answer logged for the first command starting
# with CMD-PREFIX (empty when none yet).
ack_of() {
	grep -F "ack $2" "$PDIR/$1" 2>/dev/null | head -n1 | sed 's/.* => //'
}
ack_is() { [ "$(ack_of "$1" "$2")" = "$3" ]; } # LOG CMD ANSWER

expect_ack() { # LOG CMD ANSWER
	if wait_for 5 ack_is "$1" "$2" "$3"; then
		pass "'$2' answered '$3'"
	else
		fail "'$2' answered '$3'" \
			"answer: '$(ack_of "$1" "$2")'; $(tail -n 5 "$PDIR/$1" 2>/dev/null)"
	fi
}

# --- tests ------------------------------------------------------------------------

# new_pid OLD: ann.log has a start line of another pid than OLD (in pid2).
new_pid() {
	pid2=$(sed -n 's/^pid \([0-9]*\) start$/\1/p' "$PDIR/ann.log" | tail -n1)
	[ -n "$pid2" ] && [ "$pid2" != "$1" ]
}

# Some commands were refused by the rate limit (the count in rl).
rl_pos() {
	rl=$(status_field api.rate_limited) && is_int "$rl" && [ "$rl" -gt 0 ]
}

all_answered() { [ "$(grep -c ' => ' "$PDIR/flood.log")" -ge 100 ]; }

# Announce, refusals, withdraw, a killed process restarted, JSON events.
t_process() {
	local r pid1 pid2 n
	need
	topo || die_test "topology set up"
	make_pdir || die_test "helpers' folder for $DUSER"
	cat >"$PDIR/ann.start" <<-EOF
		announce route 100.10.0.1/32 next-hop self med 7 community [65001:5]
		announce route 1.1.1.1/32 next-hop self
		announce route 10.0.0.0/8 next-hop self
		announce route 100.10.0.2/32 next-hop self
	EOF
	write_conf "prefix-list ANY { 100.10.0.0/16 le 32; 10.0.0.0/8; }
$(proc_block ann ann.start json)" "
	filter {
		import { }
		export { prefix-list ANY; reject-bogons; }
	}
	api { processes [ ann ]; neighbor-changes; receive { parsed; update; } }"
	write_bird "8.8.8.0/24 9.9.9.0/24"
	start_all

	# 1: allowed, with its attributes, answered done.
	expect_bird_has 100.10.0.1/32 "BIRD has 100.10.0.1/32 from the process"
	r=$(bird_route 100.10.0.1/32)
	check_match "BIRD: 100.10.0.1/32 has AS path $AS_A" \
		"BGP\\.as_path: $AS_A( |\$)" "$r"
	check_match "BIRD: 100.10.0.1/32 has next hop $A4" \
		"BGP\\.next_hop: $A4( |\$)" "$r"
	check_match "BIRD: 100.10.0.1/32 carries MED 7" 'BGP\.med: 7( |$)' "$r"
	check_match "BIRD: 100.10.0.1/32 carries community (65001,5)" \
		'BGP\.community: \(65001,5\)' "$r"
	expect_ack ann.log "announce route 100.10.0.1/32" "done"
	expect_bird_has 100.10.0.2/32 "BIRD has 100.10.0.2/32 from the process"

	# 2: refused by the export filter: error, audited with the rule,
	# counted, never sent.
	expect_ack ann.log "announce route 1.1.1.1/32" "error"
	expect_ack ann.log "announce route 10.0.0.0/8" "error"
	check_match "audit: refused_announce 1.1.1.1 names the prefix-list" \
		'"event":"refused_announce"[^}]*refused announce 1\.1\.1\.1[^}]*not in prefix-list ANY' \
		"$(audit)"
	check_match "audit: refused_announce 10.0.0.0/8 names the bogon rule" \
		'"event":"refused_announce"[^}]*refused announce 10\.0\.0\.0/8[^}]*bogon' \
		"$(audit)"
	check "BIRD never got 1.1.1.1/32" bird_lacks 1.1.1.1/32
	check "BIRD never got 10.0.0.0/8" bird_lacks 10.0.0.0/8
	check_ge "refused_out counts the two refusals" "$(nb refused_out)" 2
	check_ge "routes_originated counts the accepted routes" \
		"$(nb routes_originated)" 2

	# 10: JSON events: state up with the neighbor, BIRD's update.
	wait_for 5 grep -q '"8.8.8.0/24"' "$PDIR/ann.log"
	r=$(sed -n 's/^event //p' "$PDIR/ann.log" | "$PY" -c '
import json, sys
up = upd = False
for l in sys.stdin:
    try:
        e = json.loads(l)
    except ValueError:
        print("not JSON: " + l.strip()); sys.exit(1)
    if e.get("exabgp") != "4.0.1":
        print("no exabgp 4.0.1: " + l.strip()); sys.exit(1)
    n = e.get("neighbor", {})
    if (e.get("type") == "state" and n.get("state") == "up" and
            n["address"]["peer"] == sys.argv[1] and
            n["address"]["local"] == sys.argv[2] and
            n["asn"]["peer"] == int(sys.argv[3]) and
            n["asn"]["local"] == int(sys.argv[4])):
        up = True
    if e.get("type") == "update" and n.get("direction") == "receive":
        u = n.get("message", {}).get("update", {})
        ann = u.get("announce", {}).get("ipv4 unicast", {})
        nl = [x["nlri"] for x in ann.get(sys.argv[1], [])]
        if ("8.8.8.0/24" in nl and "9.9.9.0/24" in nl and
                u.get("attribute", {}).get("as-path") == [int(sys.argv[3])]):
            upd = True
print("up=%s update=%s" % (up, upd))
' "$B4" "$A4" "$AS_B" "$AS_A")
	check_match "JSON events: parsed, a state up event for $B4 (AS $AS_B)" \
		'up=True' "$r"
	check_match "JSON events: an update event with BIRD's 8.8.8.0/24 and 9.9.9.0/24, as-path [ $AS_B ]" \
		'update=True' "$r"

	# 3: withdraw.
	spool ann "withdraw route 100.10.0.1/32"
	expect_ack ann.log "withdraw route 100.10.0.1/32" "done"
	expect_bird_lacks 100.10.0.1/32 "withdraw: 100.10.0.1/32 gone from BIRD"
	check "withdraw: 100.10.0.2/32 still in BIRD" bird_has 100.10.0.2/32

	# 7: the process killed: restarted (backoff 1 s), its routes announced
	# again (the start file announces 100.10.0.1/32, withdrawn above).
	pid1=$(sed -n 's/^pid \([0-9]*\) start$/\1/p' "$PDIR/ann.log" | tail -n1)
	is_int "$pid1" || die_test "the process logged its pid" "$(head -n 3 "$PDIR/ann.log")"
	check_eq "the process runs as $DUSER" "$DUSER" \
		"$(ps -o user= -p "$pid1" 2>/dev/null | tr -d ' ')"
	kill -TERM "$pid1" 2>/dev/null || fail "kill the process (pid $pid1)"
	if wait_for 8 new_pid "$pid1"; then
		pass "the killed process was restarted (pid $pid1 -> $pid2)"
	else
		fail "the killed process was restarted within 8s" \
			"$(grep -F 'process ann' "$T_DIR/daemon.log" | tail -n 5)"
	fi
	check_match "audit: process_exit for ann" '"event":"process_exit"' \
		"$(audit)"
	expect_bird_has 100.10.0.1/32 "after the restart 100.10.0.1/32 is announced again"
	check "after the restart 100.10.0.2/32 is in BIRD" bird_has 100.10.0.2/32
	n=$(grep -cF "ack announce route 100.10.0.1/32 next-hop self med 7 community [65001:5] => done" "$PDIR/ann.log")
	check_eq "both process runs had their announce answered done" 2 "$n"
}

# 4: bgpshieldctl announce/withdraw over the control socket.
t_ctl() {
	local rc
	need
	topo || die_test "topology set up"
	write_conf "prefix-list ANY { 100.10.0.0/16 le 32; }" "
	filter {
		import { }
		export { prefix-list ANY; reject-bogons; }
	}"
	write_bird "8.8.8.0/24"
	start_all

	capture ann dctl 5 announce route 100.10.5.0/24 next-hop self med 3
	rc=$?
	check_eq "bgpshieldctl announce route 100.10.5.0/24 exits 0" 0 "$rc"
	[ "$rc" = 0 ] || log "stdout: $(out ann) stderr: $(err ann)"
	expect_bird_has 100.10.5.0/24 "BIRD has 100.10.5.0/24 announced by bgpshieldctl"
	check_match "BIRD: 100.10.5.0/24 carries MED 3" 'BGP\.med: 3( |$)' \
		"$(bird_route 100.10.5.0/24)"

	capture bad dctl 5 announce route 1.2.3.0/24 next-hop self
	rc=$?
	check_eq "bgpshieldctl announce route 1.2.3.0/24 (not in the list) exits 1" 1 "$rc"
	check_match "the refusal's reason is printed (not in prefix-list ANY)" \
		'not in prefix-list ANY' "$(out bad) $(err bad)"
	capture bogon dctl 5 announce route 192.168.7.0/24 next-hop self
	rc=$?
	check_eq "bgpshieldctl announce route 192.168.7.0/24 (bogon) exits 1" 1 "$rc"
	check_match "the refusal's reason is printed (bogon)" 'bogon' \
		"$(out bogon) $(err bogon)"
	check "BIRD never got 1.2.3.0/24" bird_lacks 1.2.3.0/24
	check "BIRD never got 192.168.7.0/24" bird_lacks 192.168.7.0/24
	check_match "audit: refused_announce for 1.2.3.0/24" \
		'"event":"refused_announce"[^}]*1\.2\.3\.0/24' "$(audit)"

	capture wd dctl 5 withdraw route 100.10.5.0/24
	rc=$?
	check_eq "bgpshieldctl withdraw route 100.10.5.0/24 exits 0" 0 "$rc"
	expect_bird_lacks 100.10.5.0/24 "withdraw: 100.10.5.0/24 gone from BIRD"
}

# 6 and max-prefix warning: bogons dropped and counted, the rest accepted;
# more prefixes than max-prefix (warning) keeps the session.
t_import() {
	local r
	need
	topo || die_test "topology set up"
	write_conf "" "
	filter {
		import { reject-bogons; max-prefix 2 warning; }
		export { }
	}"
	write_bird "8.8.8.0/24 9.9.9.0/24 1.0.0.0/24 10.1.0.0/16 10.200.3.0/24 192.168.5.0/24"
	start_all

	if wait_for "$T_ROUTE" nb_is prefixes_in 3; then
		pass "prefixes_in is 3 (8.8.8.0/24, 9.9.9.0/24, 1.0.0.0/24 accepted)"
	else
		fail "prefixes_in is 3 within ${T_ROUTE}s" "$(nb_why)"
	fi
	check_eq "filtered_in counts the 3 bogons" 3 "$(nb filtered_in)"
	r=$(dctl 3 show rib in neighbor "$B4" 2>&1)
	check_match "rib in has 8.8.8.0/24" '8\.8\.8\.0/24' "$r"
	check_nomatch "rib in has no 10.x bogon" '10\.(1\.0\.0/16|200\.3\.0/24)' "$r"
	check_nomatch "rib in has no 192.168.5.0/24" '192\.168\.5\.0/24' "$r"
	check_eq "max-prefix 2 warning: max_prefix_exceeded is true" True \
		"$(nb max_prefix_exceeded)"
	check_match "audit: max_prefix event" '"event":"max_prefix"' "$(audit)"
	sleep 2
	check_eq "max-prefix warning: the session stays established" \
		established "$(nb state)"
	check "max-prefix warning: BIRD still Established" bird_established
}

# 5: max-prefix teardown restart 5.
t_max_prefix() {
	local t0 t1 le bl
	need
	topo || die_test "topology set up"
	write_conf "" "
	filter {
		import { max-prefix 3 teardown restart 5; }
		export { }
	}"
	# s4: 2 routes, s5: 3 more.  With both, 5 > 3: teardown.
	write_bird "8.8.8.0/24 9.9.9.0/24" "1.0.0.0/24 1.0.1.0/24 1.0.2.0/24"
	bird_start
	daemon_start
	# The audit event marks the teardown (polled, so t0 is within 0.1 s).
	if wait_for "$T_UP" grep -q '"event":"max_prefix"' "$T_DIR/a.audit"; then
		pass "max-prefix 3 exceeded with 5 routes"
	else
		die_test "max-prefix 3 exceeded with 5 routes within ${T_UP}s" \
			"$(nb_why)
$(bird_why)"
	fi
	t0=$(date +%s)
	wait_for 3 not_established
	le=$(nb last_error)
	check_match "last_error mentions max-prefix" '[Mm]ax(imum)?[- ]?(number of )?prefix' "$le"
	check_nomatch "session not established after the teardown" \
		'^established$' "$(nb state)"
	check_match "audit: max_prefix event" '"event":"max_prefix"' "$(audit)"
	wait_for 3 grep -qiE 'shield4: Received: .*(Maximum number of prefixes|Cease)' \
		"$T_DIR/bird.log"
	bl=$(grep -E 'shield4: Received' "$T_DIR/bird.log" | tail -n 2)
	check_match "BIRD's log: received Cease, maximum number of prefixes reached" \
		'Maximum number of prefixes reached' "$bl"
	# Fewer routes for the next session, which must then stay up.
	capture dis birdc_ disable s5 || fail "birdc disable s5" "$(err dis)"
	if wait_for 15 established; then
		t1=$(date +%s)
		pass "session re-established after the restart delay ($((t1 - t0))s after the teardown)"
		check_ge "not re-opened before the 5 s restart delay (~)" \
			$((t1 - t0)) 4
	else
		fail "session re-established within 15s after the teardown" \
			"$(nb_why)
$(bird_why)"
	fi
	if wait_for "$T_ROUTE" nb_is prefixes_in 2; then
		pass "after the restart: prefixes_in is 2"
	else
		fail "after the restart: prefixes_in is 2" "$(nb_why)"
	fi
}

not_established() { ! established; }

# 8: healthcheck.py follows a TCP service in the edge namespace.
svc_start() {
	bg_start svc ip netns exec "$NS_EDGE" /usr/bin/python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    c.close()
' "$SVC_PORT"
	SVC_PID=$BG_PID
	wait_for 5 svc_listening
}
svc_listening() {
	ip netns exec "$NS_EDGE" ss -Hltn "sport = :$SVC_PORT" | grep -q .
}
SVC_PORT=8053

t_health() {
	need
	topo || die_test "topology set up"
	make_pdir || die_test "helpers' folder for $DUSER"
	[ -r "$HEALTH" ] || die_test "$HEALTH exists"
	write_conf "prefix-list SVC { 100.10.53.0/24 le 32; }
process health {
	run /usr/bin/python3 $HEALTH --port $SVC_PORT --prefix 100.10.53.53/32 --interval 0.5 --log $PDIR/health.log;
	encoder json;
}" "
	filter {
		import { }
		export { prefix-list SVC; }
	}
	api { processes [ health ]; neighbor-changes; }"
	write_bird "8.8.8.0/24"
	start_all

	sleep 1
	check "service down at first: 100.10.53.53/32 not in BIRD" \
		bird_lacks 100.10.53.53/32
	svc_start || die_test "the test service listens on 127.0.0.1:$SVC_PORT"
	expect_bird_has 100.10.53.53/32 "service up: 100.10.53.53/32 in BIRD"
	check_match "healthcheck: announce answered done" \
		'ack announce route 100\.10\.53\.53/32 .* => done' \
		"$(cat "$PDIR/health.log" 2>/dev/null)"
	kill_pids "$SVC_PID"
	expect_bird_lacks 100.10.53.53/32 "service stopped: 100.10.53.53/32 withdrawn"
	check_match "healthcheck: withdraw answered done" \
		'ack withdraw route 100\.10\.53\.53/32 => done' \
		"$(cat "$PDIR/health.log" 2>/dev/null)"
	svc_start || die_test "the test service listens again"
	expect_bird_has 100.10.53.53/32 "service up again: 100.10.53.53/32 back in BIRD"
	check_eq "one announce per change of state (2 ups)" 2 \
		"$(grep -c 'sent announce route' "$PDIR/health.log")"
}

# 9: rate limit and line limit.
t_rate() {
	local i c0 c1 t0 t1 rl ll0 ll1 r
	need
	topo || die_test "topology set up"
	make_pdir || die_test "helpers' folder for $DUSER"
	: >"$PDIR/flood.start"
	for ((i = 0; i < 100; i++)); do
		echo "announce route 100.10.$i.0/24 next-hop self" >>"$PDIR/flood.start"
	done
	: >"$PDIR/long.start"
	write_conf "prefix-list ANY { 100.10.0.0/16 le 32; }
$(proc_block flood flood.start json "	limits { rate 5; burst 5; }" burst)
$(proc_block long long.start json)" "
	filter {
		import { }
		export { prefix-list ANY; }
	}
	api { processes [ flood long ]; }"
	write_bird "8.8.8.0/24"
	start_all

	# The flood's 100 commands arrive at once: the bucket takes the
	# burst (5) and about 5 a second; the rest are refused ("error",
	# counted in api.rate_limited), each command still answered.  The
	# control socket answers meanwhile.
	if wait_for 5 rl_pos; then
		pass "status api.rate_limited > 0 ($rl)"
	else
		fail "status api.rate_limited > 0 within 5s" \
			"api.rate_limited='$(status_field api.rate_limited)'; $(dctl 3 -j status 2>&1 | head -c 600)"
	fi
	t0=$EPOCHREALTIME
	dctl 2 status >/dev/null 2>&1
	check_eq "the control socket answers status during the flood" 0 "$?"
	t1=$EPOCHREALTIME
	check "... within 1 s" awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1) }'
	wait_for 5 all_answered
	check_eq "every one of the 100 commands was answered" 100 \
		"$(grep -c ' => ' "$PDIR/flood.log")"
	c0=$(grep -c ' => done' "$PDIR/flood.log")
	c1=$(grep -c ' => error' "$PDIR/flood.log")
	check_ge "the burst (5) was taken: done" "$c0" 5
	check_le "the rest was held to the rate: at most 20 done" "$c0" 20
	rl=$(status_field api.rate_limited)
	check_eq "api.rate_limited counts the refused ones (errors answered)" \
		"$c1" "$rl"
	check_match "audit: api_rate_limited for the flood" \
		'"event":"api_rate_limited"[^}]*process flood' "$(audit)"
	check_ge "status api.commands counts them" "$(status_field api.commands)" 100

	# A 10000-byte line: refused whole, counted; the next line works.
	ll0=$(status_field api.long_lines)
	is_int "$ll0" || fail "status api.long_lines is a number" "got '$ll0'"
	r=$(printf 'x%.0s' $(seq 1 9950))
	spool long "announce route 100.10.200.0/24 next-hop self name $r"
	spool long "announce route 100.10.201.0/24 next-hop self"
	expect_ack long.log "announce route 100.10.200.0/24" "error"
	expect_ack long.log "announce route 100.10.201.0/24" "done"
	ll1=$(status_field api.long_lines)
	if is_int "$ll0" && is_int "$ll1" && [ "$ll1" -gt "$ll0" ]; then
		pass "status api.long_lines incremented ($ll0 -> $ll1)"
	else
		fail "status api.long_lines incremented" "$ll0 -> $ll1; daemon log:
$(grep -E 'process long' "$T_DIR/daemon.log" | tail -n 3 | cut -c 1-160)"
	fi
	check "BIRD never got 100.10.200.0/24 (the long line)" bird_lacks 100.10.200.0/24
	expect_bird_has 100.10.201.0/24 "BIRD has 100.10.201.0/24 (the line after the long one)"
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"process API: announce with attributes, refusals (prefix-list, bogon), withdraw, restart, JSON events:t_process"
	"bgpshieldctl announce/withdraw over the control socket:t_ctl"
	"import filters: bogons dropped and counted, max-prefix warning:t_import"
	"max-prefix teardown (Cease 1) and restart after 5 s:t_max_prefix"
	"healthcheck.py: route follows a local TCP service:t_health"
	"API limits: rate limit, 10000-byte line:t_rate"
)

run_tests "$@"
