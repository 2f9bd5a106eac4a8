#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bgpshieldd's Prometheus metrics end to end: the daemon in the edge
# namespace (lib.sh's topology) with the guard attached to both links and
# `metrics { listen ...; }` in its config, scraped with real HTTP clients
# (curl and python3's urllib) inside the namespace, and the text parsed with
# the Prometheus project's own parser (python3-prometheus-client, from
# Debian: `make deps`).  The values are checked against the other views of
# the same state: `bgpshieldctl guard status -j` for the guard, `show
# neighbor -j` for the sessions, and the control socket's `metrics` request
# for the same families.
#
# Usage: test_metrics.sh [NAME-SUBSTRING...]   (default: every test)

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
DUSER=bgpshield
# The parser is Debian's package, for Debian's python (a pyenv python on
# PATH would not see it).
SYS_PY=${BGPS_SYS_PYTHON:-/usr/bin/python3}
MPORT=9179

need_tools() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built: run 'make' first"
	command -v curl >/dev/null || skip "curl not found (make deps)"
	"$SYS_PY" -c 'import prometheus_client.parser' 2>/dev/null ||
		skip "python3-prometheus-client missing (make deps)"
	CONF=$T_DIR/bgpshield.conf
	SOCK=$T_DIR/ctl.sock
	PIDF=$T_DIR/bgpshieldd.pid
	AUDIT=$T_DIR/audit.log
}

# write_conf METRICS-BLOCK: the two neighbors of test_daemon.sh, the guard
# on both edge links, and the block given ("" for none).
write_conf() {
	(
		umask 077
		{
			printf '# bgpshield netns metrics selftest %s\n' "$RUN_ID"
			printf 'guard {\n\tinterface veth-e0 veth-e1;\n'
			printf '\tpin-dir %s;\n}\n' "$PIN"
			printf '%s\n' "$1"
			printf 'neighbor %s {\n\tlocal-as 64500;\n' "$PEER4"
			printf '\tpeer-as 64501;\n\tttl-security;\n}\n'
			printf 'neighbor %s {\n\tlocal-as 64500;\n' "$PEER6"
			printf '\tpeer-as 64502;\n}\n'
		} >"$CONF.new"
	) && mv -f "$CONF.new" "$CONF"
}

dctl() {
	bounded 20 nsenter --net="/run/netns/$NS_EDGE" -- \
		"$CTL" -s "$SOCK" "$@"
}

daemon_up() {
	kill -0 "$DPID" 2>/dev/null && dctl status >/dev/null 2>&1
}

daemon_setup() { # METRICS-BLOCK
	need_tools
	ensure_user
	topo_setup || die_test "topology set up"
	write_conf "$1" || die_test "write the config"
	bg_start daemon nsenter --net="/run/netns/$NS_EDGE" -- \
		"$DAEMON" -d -c "$CONF" -s "$SOCK" -p "$PIDF" -a "$AUDIT"
	DPID=$BG_PID
	wait_for 10 daemon_up ||
		die_test "bgpshieldd starts and answers on its socket" \
			"$(cat "$T_DIR/daemon.log")"
}

edge() { bounded 20 nsenter --net="/run/netns/$NS_EDGE" -- "$@"; }

# The control socket's answer to one request line, as bgpshieldctl's
# protocol has it: "ok" or "error", then the body.
ctl_request() { # LINE
	edge "$SYS_PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())
' "$SOCK" "$1"
}

# prom FILE EXPR...: parse FILE with prometheus_client and print, one line
# each, what the expressions ask: "families" (sorted names), "types",
# NAME{label=value,...} (the sample's value as an integer, or <missing>).
# The parser strips _total from counter family names; samples keep it.
prom() {
	"$SYS_PY" - "$@" <<'EOF'
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
fams = list(text_string_to_metric_families(text))
samples = {}
for f in fams:
    for s in f.samples:
        key = s.name + "{" + ",".join(
            "%s=%s" % kv for kv in sorted(s.labels.items())) + "}"
        samples[key] = s.value
for q in sys.argv[2:]:
    if q == "families":
        print(" ".join(sorted(f.name for f in fams)))
    elif q == "types":
        print(" ".join(sorted("%s:%s" % (f.name, f.type) for f in fams)))
    else:
        name, _, lab = q.partition("{")
        lab = lab.rstrip("}")
        key = name + "{" + ",".join(sorted(l for l in lab.split(",") if l)) + "}"
        v = samples.get(key)
        print("<missing>" if v is None else int(v))
EOF
}

scrape() { # URL FILE: curl inside the edge namespace
	edge curl -sS -g --max-time 10 -o "$2" -D "$2.head" "$1"
}

# guard status -j, then the scrape, then status again: counters only grow,
# so each scraped value must lie between the two reads.
bracket() { # DESC LOW GOT HIGH
	if is_int "$2" && is_int "$3" && is_int "$4" && [ "$2" -le "$3" ] &&
		[ "$3" -le "$4" ]; then
		pass "$1"
	else
		fail "$1" "expected $2 <= '$3' <= $4"
	fi
}

# The neighbor's state as show neighbor -j has it, lower case.
nb_state() { # ADDR
	dctl -j show neighbor "$1" | json '[0].state' | tr -d '"' |
		tr '[:upper:]' '[:lower:]'
}

# Same state in both views (a session between Connect and Active may move
# between the two reads: read again).
state_agrees() { # ADDR FILE-PREFIX
	local want
	scrape "http://127.0.0.1:$MPORT/metrics" "$2" || return 1
	want=$(nb_state "$1")
	[ -n "$want" ] &&
		[ "$(prom "$2" "bgpshield_neighbor_state{neighbor=$1,state=$want}")" = 1 ]
}

# Sorted, as prom prints them (counter families without _total).
FAMILIES=(
	bgpshield_api_commands bgpshield_api_errors bgpshield_api_events_dropped
	bgpshield_api_long_lines bgpshield_api_processes
	bgpshield_api_rate_limited bgpshield_audit_write_errors
	bgpshield_build_info bgpshield_config_generation
	bgpshield_control_refused bgpshield_engine_uptime_seconds
	bgpshield_flowspec_dropped_bytes bgpshield_flowspec_dropped_packets
	bgpshield_flowspec_matched_bytes bgpshield_flowspec_matched_packets
	bgpshield_flowspec_rules
	bgpshield_guard_allowlist_entries bgpshield_guard_bind_failures
	bgpshield_guard_dropped_packets bgpshield_guard_events_lost
	bgpshield_guard_events_sent bgpshield_guard_events_suppressed
	bgpshield_guard_guarded_packets bgpshield_guard_interface_attached
	bgpshield_guard_mac_changes bgpshield_guard_monitor_passed
	bgpshield_guard_packets bgpshield_guard_peer_bound
	bgpshield_guard_peer_bytes bgpshield_guard_peer_dropped
	bgpshield_guard_peer_packets bgpshield_guard_policy_enforce
	bgpshield_guard_port bgpshield_guard_rebinds
	bgpshield_guard_seen_packets bgpshield_guard_up
	bgpshield_neighbor_announcements_refused
	bgpshield_neighbor_max_prefix_exceeded
	bgpshield_neighbor_messages_received bgpshield_neighbor_messages_sent
	bgpshield_neighbor_prefixes_filtered
	bgpshield_neighbor_prefixes_received bgpshield_neighbor_prefixes_sent
	bgpshield_neighbor_routes_originated bgpshield_neighbor_state
	bgpshield_neighbor_up bgpshield_neighbor_uptime_seconds
)

# --- 1 -------------------------------------------------------------------------

t_http() {
	local m=$T_DIR/m.txt s0 s1 r v lo hi st
	daemon_setup "metrics { listen 127.0.0.1:$MPORT; }"
	check_match "the metrics port listens on loopback in the edge" \
		"127.0.0.1:$MPORT" "$(edge ss -Hltn "sport = :$MPORT")"

	# Traffic for the counters: the peer's handshake passes, the
	# attacker's SYNs are not allowed.
	connect_rc "$NS_PEER" "$EDGE4_P" --ttl 255
	connect_rc "$NS_ATK" "$EDGE4_A"

	s0=$(ctl -j guard status)
	scrape "http://127.0.0.1:$MPORT/metrics" "$m"
	check_eq "curl GET /metrics exits 0" 0 "$?"
	s1=$(ctl -j guard status)
	check_match "200 OK" '^HTTP/1.1 200 OK' "$(head -n1 "$m.head")"
	check_match "Content-Type is the text format 0.0.4" \
		'Content-Type: text/plain; version=0.0.4' "$(cat "$m.head")"
	check_match "Content-Length is the body's length" \
		"Content-Length: $(stat -c %s "$m")"$'\r' "$(cat "$m.head")"
	check_eq "the parser reads every expected family" \
		"${FAMILIES[*]}" "$(prom "$m" families)"
	check_match "counters are typed counter, gauges gauge" \
		'bgpshield_guard_dropped_packets:counter .*bgpshield_neighbor_up:gauge' \
		"$(prom "$m" types)"
	check_eq "build_info carries the version of status -j" \
		1 "$(prom "$m" "bgpshield_build_info{version=$(dctl -j status |
			json version | tr -d '"')}")"

	# guard counters, per reason, against guard status -j
	for r in passed:packets_total:pass not_allowed:dropped_packets_total:not_allowed \
		ttl:dropped_packets_total:ttl syn_rate:dropped_packets_total:syn_rate \
		malformed:dropped_packets_total:malformed; do
		IFS=: read -r st v lo <<<"$r"
		bracket "guard $st: scraped between two guard status reads" \
			"$(json "counters.$st" <<<"$s0")" \
			"$(prom "$m" "bgpshield_guard_$v{reason=$lo}")" \
			"$(json "counters.$st" <<<"$s1")"
	done
	bracket "guard total: seen_packets between two status reads" \
		"$(json counters.total <<<"$s0")" \
		"$(prom "$m" bgpshield_guard_seen_packets_total)" \
		"$(json counters.total <<<"$s1")"
	v=$(prom "$m" "bgpshield_guard_dropped_packets_total{reason=not_allowed}")
	check_ge "the attacker's SYNs are counted as not_allowed" "$v" 1
	lo=$(printf '%s' "$s0" | "$SYS_PY" -c 'import json, sys
d = json.load(sys.stdin)
print([a["packets"] for a in d["allowlist"] if a["source"] == sys.argv[1]][0])' "$PEER4")
	hi=$(printf '%s' "$s1" | "$SYS_PY" -c 'import json, sys
d = json.load(sys.stdin)
print([a["packets"] for a in d["allowlist"] if a["source"] == sys.argv[1]][0])' "$PEER4")
	bracket "peer $PEER4 packets between two status reads" "$lo" \
		"$(prom "$m" "bgpshield_guard_peer_packets_total{source=$PEER4}")" \
		"$hi"
	check_ge "peer $PEER4 sent packets (its handshake)" "$lo" 1
	check_eq "peer dropped series for ttl and syn_rate" "0 0" \
		"$(prom "$m" "bgpshield_guard_peer_dropped_total{source=$PEER6,reason=ttl}" \
			"bgpshield_guard_peer_dropped_total{source=$PEER6,reason=syn_rate}" |
			xargs)"
	for i in veth-e0 veth-e1; do
		v=$(json interfaces <<<"$s1" | "$SYS_PY" -c 'import json, sys
print([x["mode"] for x in json.load(sys.stdin) if x["name"] == sys.argv[1]][0])' "$i")
		check_eq "$i attached in mode $v (as guard status says)" 1 \
			"$(prom "$m" "bgpshield_guard_interface_attached{interface=$i,mode=$v}")"
	done
	check_eq "policy enforce, guard up, 2 allowlist entries" "1 1 2" \
		"$(prom "$m" bgpshield_guard_policy_enforce bgpshield_guard_up \
			bgpshield_guard_allowlist_entries | xargs)"

	# neighbors, against show neighbor -j
	for a in "$PEER4" "$PEER6"; do
		check "neighbor $a: the one-hot state is show neighbor's" \
			wait_for 10 state_agrees "$a" "$T_DIR/st.txt"
		st=$(nb_state "$a")
		check_eq "neighbor $a: up is 0 unless established" \
			"$([ "$st" = established ] && echo 1 || echo 0)" \
			"$(prom "$T_DIR/st.txt" "bgpshield_neighbor_up{neighbor=$a,peer_as=$([ "$a" = "$PEER4" ] && echo 64501 || echo 64502)}")"
	done
	check_eq "exactly one state is 1 per neighbor" 2 \
		"$(grep -c '^bgpshield_neighbor_state{.*} 1$' "$T_DIR/st.txt")"

	# python's urllib, another real client, and the control socket
	edge "$SYS_PY" -c '
import sys, urllib.request
r = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10)
open(sys.argv[2], "wb").write(r.read())
print(r.status)' "$MPORT" "$T_DIR/u.txt" >"$T_DIR/u.status"
	check_eq "urllib gets 200" 200 "$(cat "$T_DIR/u.status")"
	check_eq "urllib's text has the same families" \
		"${FAMILIES[*]}" "$(prom "$T_DIR/u.txt" families)"
	ctl_request metrics >"$T_DIR/c.raw"
	check_eq "control request 'metrics' answers ok" ok \
		"$(head -n1 "$T_DIR/c.raw")"
	tail -n +2 "$T_DIR/c.raw" >"$T_DIR/c.txt"
	check_eq "the control socket's metrics have the same families" \
		"${FAMILIES[*]}" "$(prom "$T_DIR/c.txt" families)"
}

# --- 2 -------------------------------------------------------------------------

t_http_limits() {
	local code eng
	daemon_setup "metrics { listen [::1]:$MPORT; }"
	scrape "http://[::1]:$MPORT/metrics" "$T_DIR/m6.txt"
	check_eq "IPv6 listen: curl GET /metrics exits 0" 0 "$?"
	check_eq "IPv6: bgpshield_guard_up 1" 1 \
		"$(prom "$T_DIR/m6.txt" bgpshield_guard_up)"
	code=$(edge curl -sS -g --max-time 10 -o /dev/null -w '%{http_code}' \
		"http://[::1]:$MPORT/other")
	check_eq "another path is 404" 404 "$code"
	code=$(edge curl -sS -g --max-time 10 -o /dev/null -w '%{http_code}' \
		-X POST "http://[::1]:$MPORT/metrics")
	check_eq "POST is 405" 405 "$code"
	code=$(edge curl -sS -g --max-time 10 -o /dev/null -w '%{http_code}' \
		-H "X-Big: $(head -c 5000 /dev/zero | tr '\0' a)" \
		"http://[::1]:$MPORT/metrics")
	check_eq "a request head over 4 KiB is 431" 431 "$code"
	# Silent clients hold every slot: the next one is told 503 at once,
	# and the engine keeps answering its control socket meanwhile.
	edge "$SYS_PY" -c '
import socket, sys, time
port = int(sys.argv[1])
idle = [socket.create_connection(("::1", port)) for _ in range(8)]
time.sleep(0.5)
s = socket.create_connection(("::1", port), timeout=5)
print(s.recv(100).split(b"\r\n")[0].decode())
' "$MPORT" >"$T_DIR/busy.out" 2>&1
	check_eq "a ninth client while eight are silent gets 503" \
		"HTTP/1.1 503 Service Unavailable" "$(cat "$T_DIR/busy.out")"
	check "the engine still answers the control socket" daemon_up
	code=$(edge curl -sS -g --max-time 10 -o /dev/null -w '%{http_code}' \
		"http://[::1]:$MPORT/metrics")
	check_eq "once they are gone, GET /metrics is 200 again" 200 "$code"

	# A reload does not rebind: the old address keeps serving, the log
	# says why.
	write_conf "metrics { listen [::1]:$((MPORT + 1)); }"
	capture rl dctl reload
	check_eq "reload with another listen address exits 0" 0 "$?"
	check_match "the log says it changes only at restart" \
		'metrics listen changes only at restart' "$(cat "$T_DIR/daemon.log")"
	check "the old address still serves" scrape_ok "[::1]:$MPORT"

	# The parent keeps the socket: a restarted engine serves it again.
	eng=$(pgrep -P "$DPID")
	kill -KILL "$eng"
	check "a new engine starts" wait_for 10 engine_replaced "$eng"
	check "and serves the metrics the parent kept listening" \
		wait_for 10 scrape_ok "[::1]:$MPORT"
}

scrape_ok() { # HOST:PORT
	[ "$(edge curl -sS -g --max-time 5 -o /dev/null -w '%{http_code}' \
		"http://$1/metrics" 2>/dev/null)" = 200 ]
}

engine_replaced() { # OLD-PID
	local e
	e=$(pgrep -P "$DPID")
	[ -n "$e" ] && [ "$e" != "$1" ]
}

# --- 3 -------------------------------------------------------------------------

t_off_and_check() {
	local out
	daemon_setup ""
	check_eq "without a metrics block nothing listens on $MPORT" "" \
		"$(edge ss -Hltn "sport = :$MPORT")"
	ctl_request metrics >"$T_DIR/c.raw"
	check_eq "the control socket's metrics still answer ok" ok \
		"$(head -n1 "$T_DIR/c.raw")"
	tail -n +2 "$T_DIR/c.raw" >"$T_DIR/c.txt"
	check_eq "with the guard's families" 1 \
		"$(prom "$T_DIR/c.txt" bgpshield_guard_up)"
	write_conf "metrics { listen 0.0.0.0:$MPORT; }"
	out=$("$DAEMON" -t -c "$CONF" 2>&1)
	check_eq "-t accepts a non-loopback listen address" 0 "$?"
	check_match "and warns about it" \
		'warning: metrics listen 0.0.0.0 is not a loopback address' "$out"
	write_conf "metrics { listen ::1:$MPORT; }"
	out=$("$DAEMON" -t -c "$CONF" 2>&1)
	check_ne "-t refuses IPv6 without brackets" 0 "$?"
	check_match "saying why" 'in brackets' "$out"
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"metrics over HTTP: families, guard and neighbor values, urllib, control:t_http"
	"metrics over IPv6: 404, 405, 431, busy 503, reload, engine restart:t_http_limits"
	"no metrics block: no listener, control metrics; -t checks:t_off_and_check"
)

run_tests "$@"
