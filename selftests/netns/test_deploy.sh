#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deploy/ and the operator's small tools: every example config passes
# `bgpshieldd -t`, the systemd unit passes `systemd-analyze verify` and
# keeps the capabilities sandbox.c keeps, sysusers.d / tmpfiles.d apply to
# a scratch root, logrotate rotates a copy of the audit log, the AppArmor
# profile parses, `make install DESTDIR=` puts every file in its place,
# `bgpshieldctl keygen` writes private keys it never overwrites, and
# `bgpshieldctl guard nft` output is accepted by `nft -c` and, loaded in a
# namespace, lets the peer in and keeps the attacker out.
#
# nft only ever runs inside a fresh network namespace: the host's ruleset
# is never read or touched.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DAEMON=${BGPS_DAEMON:-$ROOT_DIR/build/bgpshieldd}
DEPLOY=$ROOT_DIR/deploy
UNIT=$DEPLOY/systemd/bgpshieldd.service

need() { # TOOL...
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "$t not installed"
	done
}

# A netns of the test's own for `nft -c` (NS_EDGE's name, so teardown
# removes it).
nft_ns() {
	[ -e "/run/netns/$NS_EDGE" ] || ns_add "$NS_EDGE" ||
		die_test "namespace for nft"
}

nft_check() { # FILE: nft -c in the test's namespace
	bounded 20 ip netns exec "$NS_EDGE" nft -c -f "$1"
}

# write_key FILE [base64]: a key file as an operator would, mode 0600.
write_key() {
	mkdir -p "$(dirname "$1")"
	if [ "${2:-}" = base64 ]; then
		(umask 077 && head -c 32 /dev/urandom | base64 >"$1")
	else
		"$CTL" keygen "$1" >/dev/null
	fi
}

# --- tests ------------------------------------------------------------------------

t_examples() {
	[ -x "$DAEMON" ] || skip "$DAEMON not built"
	local d=$T_DIR/examples f rc
	mkdir -p "$d"
	cp "$DEPLOY"/examples/*.conf "$d/"
	chmod 0600 "$d"/*.conf
	# The secret files the examples name, beside them.
	write_key "$d/upstream.key"
	write_key "$d/peers/as64511.key"
	write_key "$d/peers/as65537.ao" base64
	write_key "$d/peers/as64512.key" base64
	for f in "$d"/*.conf; do
		capture check "$DAEMON" -t -c "$f"
		rc=$?
		check_eq "$(basename "$f") passes bgpshieldd -t" 0 "$rc"
		[ "$rc" = 0 ] || log "$(err check)"
		check_match "$(basename "$f"): configuration OK" \
			"configuration OK" "$(err check)"
	done
	# The check is real: a missing key file fails it.
	rm -f "$d/upstream.key"
	capture check "$DAEMON" -t -c "$d/anycast.conf"
	check_eq "anycast.conf without its key file fails -t" 1 "$?"
}

# Capability names from <linux/capability.h>, for sandbox.c's numbers.
cap_name() {
	awk -v n="$1" '$1 == "#define" && $2 ~ /^CAP_[A-Z_]+$/ &&
		$3 == n { print $2; exit }' /usr/include/linux/capability.h
}

t_unit() {
	need systemd-analyze
	local u=$T_DIR/bgpshieldd.service caps want c n score
	# verify checks that ExecStart's program exists: point it at the
	# build; the man pages come with `make install`.
	sed "s#/usr/sbin/bgpshieldd#$DAEMON#g" "$UNIT" >"$u"
	capture verify systemd-analyze verify --man=no "$u"
	check_eq "systemd-analyze verify accepts the unit" "0" "$?"
	check_eq "verify prints no warning" "" "$(out verify)$(err verify)"
	# The bounding set: what the parent keeps (sandbox.c) plus CHOWN and
	# FOWNER for the control socket at startup; nothing else.
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' |
		sort | tr '\n' ' ')
	n=$(sed -n 's/.*parent_caps\[\] = { *\([0-9, ]*\) *}.*/\1/p' \
		"$ROOT_DIR/user/daemon/sandbox.c" | tr -d ' ' | tr ',' ' ')
	[ -n "$n" ] || die_test "parent_caps found in sandbox.c"
	want="CAP_CHOWN CAP_FOWNER"
	for c in $n; do want="$want $(cap_name "$c")"; done
	want=$(echo "$want" | tr ' ' '\n' | sort | tr '\n' ' ')
	check_eq "CapabilityBoundingSet = sandbox.c's parent caps + CHOWN, FOWNER" \
		"$want" "$caps"
	check_match "the daemon runs in the foreground (-d)" \
		"ExecStart=/usr/sbin/bgpshieldd -d " "$(cat "$UNIT")"
	check_match "the config is checked before start" \
		"ExecStartPre=/usr/sbin/bgpshieldd -t " "$(cat "$UNIT")"
	check_match "bpf() allowed by the syscall filter" \
		"SystemCallFilter=@system-service bpf seccomp" "$(cat "$UNIT")"
	# `-d` is the foreground flag (and not, say, debug).
	check_match "bgpshieldd -d is --foreground" "-d, --foreground" \
		"$("$DAEMON" --help)"
	if systemd-analyze security --help 2>&1 | grep -q -- --offline; then
		capture sec systemd-analyze security --offline=true "$u"
		score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
			"$T_DIR/sec.out")
		log "systemd-analyze security: exposure $score"
		check_match "security exposure reported" '^[0-9]+\.[0-9]$' "$score"
		check "exposure at most 3.5 (OK)" \
			awk -v s="$score" 'BEGIN { exit !(s <= 3.5) }'
	fi
}

t_sysusers_tmpfiles() {
	need systemd-sysusers systemd-tmpfiles
	local r=$T_DIR/root
	mkdir -p "$r/etc" "$r/run" "$r/var/log" "$r/var/lib"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nadm:x:4:\n' >"$r/etc/group"
	capture su systemd-sysusers --root="$r" \
		"$DEPLOY/sysusers.d/bgpshield.conf"
	check_eq "systemd-sysusers applies the file" 0 "$?"
	check_match "user bgpshield with nologin, no home" \
		'^bgpshield:x:[0-9]+:[0-9]+:bgpshield BGP speaker:/nonexistent:/usr/sbin/nologin$' \
		"$(grep '^bgpshield:' "$r/etc/passwd")"
	check_match "group bgpshield" '^bgpshield:x:[0-9]+:' \
		"$(grep '^bgpshield:' "$r/etc/group")"
	capture tf systemd-tmpfiles --root="$r" --create \
		"$DEPLOY/tmpfiles.d/bgpshield.conf"
	check_eq "systemd-tmpfiles --create applies the file" 0 "$?"
	[ "$(err tf)" = "" ] || log "$(err tf)"
	local gid
	gid=$(awk -F: '$1 == "bgpshield" { print $3 }' "$r/etc/group")
	check_eq "/run/bgpshield 0750 root:bgpshield" "750 0:$gid" \
		"$(stat -c '%a %u:%g' "$r/run/bgpshield")"
	check_eq "/etc/bgpshield 0750 root:bgpshield" "750 0:$gid" \
		"$(stat -c '%a %u:%g' "$r/etc/bgpshield")"
	check_eq "/var/log/bgpshield 0750 root:adm" "750 0:4" \
		"$(stat -c '%a %u:%g' "$r/var/log/bgpshield")"
}

t_logrotate() {
	need logrotate
	local c=$T_DIR/logrotate.conf log=$T_DIR/log/audit.log i
	mkdir -p "$T_DIR/log"
	chmod 0750 "$T_DIR/log"
	sed "s#/var/log/bgpshield/audit.log#$log#" \
		"$DEPLOY/logrotate/bgpshield" >"$c"
	for i in 1 2 3; do echo "{\"event\":\"x$i\"}"; done >"$log"
	chmod 0640 "$log"
	# An open O_APPEND writer, as the daemon holds it.
	exec 7>>"$log"
	local ino
	ino=$(stat -c %i "$log")
	capture lr logrotate -s "$T_DIR/lr.state" -f "$c"
	check_eq "logrotate runs the config" 0 "$?"
	check_eq "copytruncate: the daemon's file is the same inode" "$ino" \
		"$(stat -c %i "$log")"
	check_eq "and it is empty" 0 "$(stat -c %s "$log")"
	check_eq "the old lines are in the rotated copy" 3 \
		"$(cat "$T_DIR"/log/audit.log-* 2>/dev/null | grep -c event)"
	echo '{"event":"after"}' >&7
	check_eq "the writer's next line starts the file (O_APPEND)" \
		'{"event":"after"}' "$(cat "$log")"
	exec 7>&-
}

t_apparmor() {
	need apparmor_parser
	capture aa apparmor_parser -Q -K -T \
		"$DEPLOY/apparmor/usr.sbin.bgpshieldd"
	check_eq "apparmor_parser -Q accepts the profile" 0 "$?"
	[ "$(grep -v 'Cache read/write disabled' "$T_DIR/aa.err")" = "" ] ||
		log "$(err aa)"
	# The check is real: a wrong rule is refused.
	sed 's/capability bpf,/capability bpff,/' \
		"$DEPLOY/apparmor/usr.sbin.bgpshieldd" >"$T_DIR/bad"
	capture aab apparmor_parser -Q -K -T "$T_DIR/bad"
	check_ne "a broken copy is refused" 0 "$?"
	# The same capabilities as the unit.
	local a u
	a=$(sed -n 's/^ *capability \([a-z_]*\),/CAP_\1/p' \
		"$DEPLOY/apparmor/usr.sbin.bgpshieldd" | tr a-z A-Z | sort |
		tr '\n' ' ')
	u=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' |
		sort | tr '\n' ' ')
	check_eq "profile capabilities = the unit's bounding set" "$u" "$a"
}

t_install() {
	local d=$T_DIR/destdir f
	capture inst make -C "$ROOT_DIR" install DESTDIR="$d" PREFIX=/usr
	check_eq "make install DESTDIR=... PREFIX=/usr" 0 "$?"
	[ -s "$T_DIR/inst.err" ] && log "$(tail -5 "$T_DIR/inst.err")"
	for f in /usr/sbin/bgpshieldd /usr/sbin/bgpshieldctl \
		/lib/systemd/system/bgpshieldd.service \
		/usr/lib/sysusers.d/bgpshield.conf \
		/usr/lib/tmpfiles.d/bgpshield.conf \
		/etc/apparmor.d/usr.sbin.bgpshieldd \
		/etc/logrotate.d/bgpshield \
		/usr/share/bgpshield/bgpshield-guard.nft \
		/usr/share/bgpshield/examples/anycast.conf \
		/usr/share/bgpshield/examples/guard-only.conf \
		/usr/share/bgpshield/examples/collector.conf \
		/usr/share/doc/bgpshield/DEPLOY.md; do
		check "installed: $f" test -f "$d$f"
	done
	check_eq "unit installed 0644" 644 \
		"$(stat -c %a "$d/lib/systemd/system/bgpshieldd.service")"
	check "installed unit identical to deploy/ (PREFIX=/usr)" \
		cmp -s "$UNIT" "$d/lib/systemd/system/bgpshieldd.service"
	# PREFIX=/usr/local: the unit follows the binary.
	capture inst2 make -C "$ROOT_DIR" install DESTDIR="$d.local" \
		PREFIX=/usr/local
	check_match "PREFIX=/usr/local: ExecStart follows SBINDIR" \
		"ExecStart=/usr/local/sbin/bgpshieldd -d" \
		"$(cat "$d.local/lib/systemd/system/bgpshieldd.service")"
	check_nomatch "and no /usr/sbin/bgpshieldd is left" \
		"/usr/sbin/bgpshieldd" \
		"$(cat "$d.local/lib/systemd/system/bgpshieldd.service")"
	rm -rf "$d.local"
}

t_keygen() {
	local k=$T_DIR/keys/a.key rc key
	mkdir -p "$T_DIR/keys"
	capture kg "$CTL" keygen "$k"
	rc=$?
	check_eq "keygen PATH exits 0" 0 "$rc"
	[ "$rc" = 0 ] || die_test "keygen works" "$(err kg)"
	check_eq "mode 0600" 600 "$(stat -c %a "$k")"
	check_eq "owned by the caller" "$(id -u)" "$(stat -c %u "$k")"
	key=$(cat "$k")
	check_eq "default 32 bytes" 32 "${#key}"
	check_match "letters and digits only, one line" '^[A-Za-z0-9]{32}$' \
		"$(cat "$k")"
	check_eq "file is the key and a newline" 33 "$(stat -c %s "$k")"
	check_match "prints the config line" "md5-password-file $k;" \
		"$(out kg)"
	# Refuses to overwrite, and leaves the key as it was.
	capture kg2 "$CTL" keygen "$k"
	check_eq "existing PATH: exit 1" 1 "$?"
	check_match "says why" "exists: refusing to overwrite" "$(err kg2)"
	check_eq "the old key is unchanged" "$key" "$(cat "$k")"
	# A symlink is not followed (O_NOFOLLOW with O_EXCL).
	ln -s "$T_DIR/keys/target" "$T_DIR/keys/link"
	capture kg3 "$CTL" keygen "$T_DIR/keys/link"
	check_eq "a symlink PATH: exit 1" 1 "$?"
	check "nothing created through it" test ! -e "$T_DIR/keys/target"
	# --bytes
	capture kg4 "$CTL" keygen --bytes 80 "$T_DIR/keys/b.key"
	check_eq "--bytes 80 (TCP_MD5SIG_MAXKEYLEN)" "0 80" \
		"$? $(head -n1 "$T_DIR/keys/b.key" | tr -d '\n' | wc -c)"
	capture kg5 "$CTL" keygen --bytes 81 "$T_DIR/keys/c.key"
	check_eq "--bytes 81: usage error 2" 2 "$?"
	check "and no file" test ! -e "$T_DIR/keys/c.key"
	capture kg6 "$CTL" keygen --bytes 0 "$T_DIR/keys/c.key"
	check_eq "--bytes 0: usage error 2" 2 "$?"
	capture kg7 "$CTL" keygen
	check_eq "no PATH: usage error 2" 2 "$?"
	capture kg8 "$CTL" keygen --help
	check_match "--help" "Usage: bgpshieldctl keygen" "$(out kg8)"
	check_ne "two keys differ" "$key" "$(cat "$T_DIR/keys/b.key")"
	# Under a umask of 0 it is still 0600.
	(umask 0 && "$CTL" keygen "$T_DIR/keys/u.key" >/dev/null)
	check_eq "umask 0: still 0600" 600 "$(stat -c %a "$T_DIR/keys/u.key")"
	# The config reads it as written.
	if [ -x "$DAEMON" ]; then
		(
			umask 077
			cat >"$T_DIR/keys/k.conf" <<-EOF
				neighbor 192.0.2.1 {
					local-as 64500;
					peer-as 64501;
					md5-password-file a.key;
				}
			EOF
		)
		capture t "$DAEMON" -t -c "$T_DIR/keys/k.conf"
		check_eq "bgpshieldd -t accepts md5-password-file with the key" \
			0 "$?"
		[ -s "$T_DIR/t.err" ] && log "$(err t)"
	fi
}

# A config with what the examples lack: nested ranges, IPv6 ranges,
# incoming-ttl 254, per-neighbor buckets, another port, monitor.
write_nft_conf() { # FILE POLICY
	(
		umask 077
		cat >"$1" <<-EOF
			guard {
				interface veth-e0;
				interface veth-e1;
				policy $2;
				port 1790;
				syn-rate 7;
				syn-burst 9;
				allow 10.0.0.0/8;
				allow 10.1.0.0/16;
				allow 10.1.2.0/24;
				allow 2001:db8:ff::/48;
				allow 2001:db8:ff:1::/64;
				allow 203.0.113.9;
			}
			neighbor 192.0.2.2 {
				local-as 64500;
				peer-as 64501;
				ttl-security;
				guard { syn-rate 3; syn-burst 4; }
			}
			neighbor 198.51.100.7 {
				local-as 64500;
				peer-as 64502;
				incoming-ttl 254;
			}
			neighbor 2001:db8:1::2 {
				local-as 64500;
				peer-as 64503;
				ttl-security;
			}
		EOF
	)
}

t_guard_nft() {
	need nft
	nft_ns
	local f n c=$T_DIR/n.conf
	for f in "$DEPLOY"/examples/*.conf; do
		n=$(basename "$f" .conf)
		capture "nft_$n" "$CTL" guard nft -c "$f"
		check_eq "guard nft -c $n.conf exits 0" 0 "$?"
		[ -s "$T_DIR/nft_$n.err" ] && log "$(err "nft_$n")"
		capture "nftc_$n" nft_check "$T_DIR/nft_$n.out"
		check_eq "nft -c accepts the ruleset for $n.conf" 0 "$?"
		[ -s "$T_DIR/nftc_$n.err" ] && log "$(err "nftc_$n")"
	done
	# Every allow entry of guard-only.conf appears once.
	local g
	g=$(out nft_guard-only)
	for n in 192.0.2.1 192.0.2.5 2001:db8::1 203.0.113.17; do
		check_match "guard-only: host $n in a vmap" \
			"$n : jump peer_[0-9]+" "$g"
	done
	check_match "guard-only: range 198.51.100.0/24" \
		"ip saddr 198.51.100.0/24 jump peer_" "$g"
	check_match "guard-only: IPv6 range" \
		"ip6 saddr 2001:db8:100::/64 jump peer_" "$g"
	check_match "guard-only: its interfaces only" \
		'iifname != \{ "eth0", "eth1" \} accept' "$g"
	check_match "guard-only: syn-rate 10 burst 20" \
		"limit rate over 10/second burst 20 packets" "$g"
	check_match "anycast: GTSM 255 on its neighbors" "ip ttl < 255" \
		"$(out nft_anycast)"
	check_match "anycast: IPv6 GTSM" "ip6 hoplimit < 255" \
		"$(out nft_anycast)"
	check_match "collector: incoming-ttl 254" "ip ttl < 254" \
		"$(out nft_collector)"

	for pol in enforce monitor; do
		write_nft_conf "$c" "$pol"
		capture "x_$pol" "$CTL" guard nft -c "$c"
		check_eq "guard nft ($pol, ranges, port 1790) exits 0" 0 "$?"
		capture "xc_$pol" nft_check "$T_DIR/x_$pol.out"
		check_eq "nft -c accepts it ($pol)" 0 "$?"
		[ -s "$T_DIR/xc_$pol.err" ] && log "$(err "xc_$pol")"
	done
	g=$(out x_enforce)
	check_match "port 1790, to and from" \
		"tcp dport 1790 goto bgp.*tcp sport 1790 goto bgp" "$(tr '\n' ' ' <<<"$g")"
	# Nested ranges longest first: the first match is the LPM answer.
	local order
	order=$(grep -o 'ip saddr 10\.[0-9.]*/[0-9]*' <<<"$g" | tr '\n' ' ')
	check_eq "nested ranges longest prefix first" \
		"ip saddr 10.1.2.0/24 ip saddr 10.1.0.0/16 ip saddr 10.0.0.0/8 " \
		"$order"
	check_match "neighbor's own bucket (3/s burst 4)" \
		"limit rate over 3/second burst 4 packets" "$g"
	check_match "incoming-ttl 254" "ip ttl < 254 counter drop" "$g"
	check_match "IPv6 neighbor GTSM" "ip6 hoplimit < 255 counter drop" "$g"
	check_match "not_allowed is dropped" \
		'counter drop comment "not_allowed"' "$g"
	check_nomatch "monitor: nothing dropped" " drop" "$(out x_monitor)"
	capture bad "$CTL" guard nft -c "$T_DIR/missing.conf"
	check_eq "a missing config: exit 1" 1 "$?"
}

# The generated ruleset in the edge namespace: the peer connects, the
# attacker does not, a low TTL from the peer is dropped (GTSM).
t_guard_nft_live() {
	need nft
	topo_setup || die_test "topology set up"
	start_server || die_test "echo server listens on the edge"
	local c=$T_DIR/live.conf
	(
		umask 077
		cat >"$c" <<-EOF
			guard {
				interface veth-e0;
				interface veth-e1;
				syn-rate 100;
			}
			neighbor $PEER4 {
				local-as 64500;
				peer-as 64501;
				ttl-security;
			}
			neighbor $PEER6 {
				local-as 64500;
				peer-as 64502;
			}
		EOF
	)
	capture gen "$CTL" guard nft -c "$c" || die_test "guard nft" "$(err gen)"
	capture load in_ns "$NS_EDGE" nft -f "$T_DIR/gen.out"
	check_eq "the ruleset loads in the edge namespace" 0 "$?"
	[ -s "$T_DIR/load.err" ] && log "$(err load)"
	expect_connect "peer (IPv4, TTL 255) connects" "$NS_PEER" "$EDGE4_P" \
		--ttl 255
	expect_connect "peer (IPv6) connects" "$NS_PEER" "$EDGE6_P"
	expect_timeout "peer with TTL 254: dropped (GTSM)" "$NS_PEER" \
		"$EDGE4_P" --ttl 254
	expect_timeout "peer with the default TTL 64: dropped" "$NS_PEER" \
		"$EDGE4_P"
	expect_timeout "attacker (IPv4): dropped" "$NS_ATK" "$EDGE4_A" --ttl 255
	expect_timeout "attacker (IPv6): dropped" "$NS_ATK" "$EDGE6_A"
	check_match "the not_allowed counter counted them" \
		'counter packets [1-9][0-9]* bytes [0-9]+ drop comment "not_allowed"' \
		"$(in_ns "$NS_EDGE" nft list chain inet bgpshield bgp)"
	# Loading it again replaces the table (delete + add in one go).
	capture reload in_ns "$NS_EDGE" nft -f "$T_DIR/gen.out"
	check_eq "loading it again replaces the table" 0 "$?"
	check_eq "one bgpshield table" 1 \
		"$(in_ns "$NS_EDGE" nft list tables | grep -c 'inet bgpshield')"
	# The hand-written baseline (it allows 192.0.2.2, the peer here)
	# enforces the same way.
	in_ns "$NS_EDGE" nft delete table inet bgpshield
	capture base in_ns "$NS_EDGE" nft -f \
		"$ROOT_DIR/deploy/nftables/bgpshield-guard.nft"
	check_eq "the baseline bgpshield-guard.nft loads" 0 "$?"
	expect_connect "baseline: peer connects" "$NS_PEER" "$EDGE4_P" \
		--ttl 255
	expect_timeout "baseline: attacker dropped" "$NS_ATK" "$EDGE4_A"
	expect_timeout "baseline: peer with TTL 254 dropped" "$NS_PEER" \
		"$EDGE4_P" --ttl 254
}

# --- main ------------------------------------------------------------------------

lib_init

TESTS=(
	"example configs pass bgpshieldd -t:t_examples"
	"systemd unit: verify, capabilities, security score:t_unit"
	"sysusers.d and tmpfiles.d on a scratch root:t_sysusers_tmpfiles"
	"logrotate: copytruncate keeps the daemon's file:t_logrotate"
	"AppArmor profile parses, same capabilities:t_apparmor"
	"make install DESTDIR: every deploy file in place:t_install"
	"keygen: 0600, length, never overwrites, config reads it:t_keygen"
	"guard nft: nft -c accepts every config's ruleset:t_guard_nft"
	"guard nft live: peer in, attacker and low TTL out:t_guard_nft_live"
)

run_tests "$@"
