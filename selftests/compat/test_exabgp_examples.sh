#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Every example config Debian's exabgp package ships, through
# `bgpshieldd -t`: each file's expected outcome is written below, so a
# regression (a file that stops parsing, or starts failing for another
# reason) shows by name.  A refusal must name the ExaBGP keyword or family
# the table in docs/CONFIG.md lists as refused or different, and that row
# must exist: the table and the parser cannot drift apart.
#
# The files are copied to a private folder with mode 0600 first: the
# package installs them world-readable, which bgpshieldd refuses for a
# config holding secrets (parse-md5.conf); that refusal is checked once
# on the original, the copies are checked for their syntax.
#
# Usage: test_exabgp_examples.sh [BGPSHIELDD] [EXAMPLES-DIR]
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$(readlink -f "${1:-$ROOT/build/bgpshieldd}")
SRC=${2:-/usr/share/doc/exabgp/examples}
TABLE=$ROOT/docs/CONFIG.md
PASS=0 FAIL=0

if [ ! -d "$SRC" ]; then
	echo "SKIP: $SRC missing (Debian package exabgp; 'make deps' installs it)"
	echo "0 passed, 0 failed"
	exit 0
fi

# FILE  ok | refused  KEYWORD-ROW  TEXT-IN-THE-ERROR
# KEYWORD-ROW is the first column of the table in docs/CONFIG.md.
EXPECT=$(cat <<'TABLE'
api-add-remove.conf           ok
api-announce.conf             ok
api-announcement.conf         ok
api-api.conf                  refused  ipv4 nlri-mpls   'ipv4 nlri-mpls' is an ExaBGP family bgpshield does not implement
api-attributes-vpn.conf       refused  ipv4 mpls-vpn    'ipv4 mpls-vpn' is an ExaBGP family bgpshield does not implement
api-attributes.conf           ok
api-broken-flow.conf          ok
api-check.conf                ok
api-eor.conf                  ok
api-fast.conf                 ok
api-flow.conf                 ok
api-manual-eor.conf           ok
api-multi-neighbor.conf       ok
api-multisession.conf         refused  multi-session    'multi-session' is an ExaBGP keyword bgpshield does not implement
api-nexthop-self.conf         ok
api-nexthop.conf              ok
api-no-respawn.conf           ok
api-notification.conf         ok
api-open.conf                 refused  aigp             'aigp' is an ExaBGP keyword bgpshield does not implement
api-reload.1.conf             ok
api-reload.2.conf             ok
api-teardown.conf             ok
api-vpls.conf                 refused  l2vpn vpls       'l2vpn vpls' is an ExaBGP family bgpshield does not implement
api-vpnv4.conf                refused  ipv4 mpls-vpn    'ipv4 mpls-vpn' is an ExaBGP family bgpshield does not implement
api-watchdog.conf             ok
conf-addpath.conf             refused  ipv4 mpls-vpn    'ipv4 mpls-vpn' is an ExaBGP family bgpshield does not implement
conf-aggregator.conf          ok
conf-attributes.conf          ok
conf-flow-redirect.conf       refused  ipv4 flow-vpn    'ipv4 flow-vpn' is an ExaBGP family bgpshield does not implement
conf-flow.conf                refused  ipv4 flow-vpn    'ipv4 flow-vpn' is an ExaBGP family bgpshield does not implement
conf-generic-attribute.conf   refused  attribute        attribute 0x99: a code bgpshield does not model must be sent optional
conf-group-limit.conf         ok
conf-group.conf               ok
conf-ipself4.conf             ok
conf-ipself6.conf             ok
conf-ipv46routes4family.conf  ok
conf-ipv46routes6family.conf  ok
conf-ipv6grouping.conf        ok
conf-l2vpn.conf               refused  l2vpn vpls       'l2vpn vpls' is an ExaBGP family bgpshield does not implement
conf-largecommunity.conf      ok
conf-name.conf                ok
conf-new-v4.conf              ok
conf-new-v6.conf              ok
conf-no-asn4.conf             ok
conf-parity.conf              refused  ipv6 mpls-vpn    'ipv6 mpls-vpn' is an ExaBGP family bgpshield does not implement
conf-path-information.conf    ok
conf-prefix-sid-srv6.conf     refused  ipv4 mpls-vpn    'ipv4 mpls-vpn' is an ExaBGP family bgpshield does not implement
conf-prefix-sid.conf          refused  ipv4 nlri-mpls   'ipv4 nlri-mpls' is an ExaBGP family bgpshield does not implement
conf-split.conf               refused  (broken file)    conf-split.conf:22:1: expected '}' to close the neighbor block opened at 1:1
conf-template.conf            ok
conf-unknowncap.conf          ok
conf-vpn.conf                 refused  rd               'rd' is an ExaBGP keyword bgpshield does not implement
example-healthcheck.conf      refused  run              'run' needs a program path (absolute, or relative to the config's folder), not 'python3'
example-tcp-control.conf      ok
extended-nexthop.conf         refused  ipv4 mpls-vpn    'ipv4 mpls-vpn' is an ExaBGP family bgpshield does not implement
parse-community.conf          ok
parse-dual-neighbor.conf      refused  route            route 10.0.7.0/24 is already given at 38:3
parse-md5.conf                ok
parse-multiple-process.conf   ok
parse-multisession.conf       refused  multi-session    'multi-session' is an ExaBGP keyword bgpshield does not implement
parse-process.conf            ok
parse-simple-v4.conf          refused  route            route 10.0.7.0/24 is already given at 30:3
parse-simple-v6.conf          ok
parse-ttl.conf                ok
TABLE
)

pass() { PASS=$((PASS + 1)); printf '  ok   - %s\n' "$1"; }
fail() {
	FAIL=$((FAIL + 1))
	printf '  FAIL - %s\n' "$1"
	[ $# -gt 1 ] && printf '         %s\n' "$2"
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC/." "$WORK/"
chmod 600 "$WORK"/*.conf

declare -A want row text
while read -r f verdict rest; do
	[ -z "$f" ] && continue
	want[$f]=$verdict
	if [ "$verdict" = refused ]; then
		# the row name may be two words ("ipv4 flow"); the error
		# text starts at the first quote, digit or known word
		case $rest in
		ipv[46]\ *|l2vpn\ *)
			row[$f]=$(echo "$rest" | awk '{print $1" "$2}')
			text[$f]=$(echo "$rest" | cut -d' ' -f3- | sed 's/^ *//')
			;;
		"(broken file)"*)
			row[$f]="(broken file)"
			text[$f]=$(echo "$rest" | sed 's/^(broken file) *//')
			;;
		*)
			row[$f]=${rest%% *}
			text[$f]=$(echo "${rest#* }" | sed 's/^ *//')
			;;
		esac
	fi
done <<<"$EXPECT"

# Every shipped example is in the list, and nothing else.
for path in "$SRC"/*.conf; do
	f=$(basename "$path")
	[ -n "${want[$f]:-}" ] || fail "$f: not in this test's list (a new example?)"
done

for f in $(printf '%s\n' "${!want[@]}" | sort); do
	if [ ! -f "$WORK/$f" ]; then
		fail "$f: listed but not shipped"
		continue
	fi
	out=$(cd "$WORK" && "$BIN" -t -c "$f" 2>&1)
	rc=$?
	if [ "${want[$f]}" = ok ]; then
		if [ $rc = 0 ]; then pass "$f: configuration OK"; else
			fail "$f: expected OK" "$(echo "$out" | head -1)"
		fi
		continue
	fi
	if [ $rc = 0 ]; then
		fail "$f: expected a refusal (${text[$f]}), got OK"
		continue
	fi
	if ! grep -qF -- "${text[$f]}" <<<"$out"; then
		fail "$f: refused for another reason" "$(echo "$out" | head -1)"
		continue
	fi
	if [ "${row[$f]}" != "(broken file)" ] &&
	   ! grep -qF -- "| \`${row[$f]}\` |" "$TABLE"; then
		fail "$f: refused for '${row[$f]}', which docs/CONFIG.md's ExaBGP table does not list"
		continue
	fi
	pass "$f: refused: ${row[$f]}"
done

# The original, world-readable copy of the one with a password.
out=$("$BIN" -t -c "$SRC/parse-md5.conf" 2>&1)
if [ $? != 0 ] && grep -q "is readable by everyone and holds secrets" <<<"$out"; then
	pass "parse-md5.conf as installed (mode 0644): refused, it holds a password"
else
	fail "parse-md5.conf as installed: expected the readable-secret refusal" "$out"
fi

ok=$(awk '$2 == "ok"' <<<"$EXPECT" | wc -l)
echo "examples OK: $ok of $(wc -l <<<"$EXPECT")"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
