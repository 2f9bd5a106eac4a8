#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages bgpshield builds and tests with, only those
# missing: quick when all are there, non-interactive for CI.
set -eu
PKGS="make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev libmnl-dev bpftool
libcunit1-dev libseccomp-dev iproute2 nftables ethtool python3 python3-scapy util-linux
curl python3-prometheus-client
bird2 gobgpd apparmor logrotate xdp-tools exabgp frr"
# exabgp: test_exajson.sh and test_interop.sh (ADD-PATH) run it in
# namespaces of their own and test_exabgp_examples.sh reads its example
# configs; the package's
# exabgp.service only starts with an /etc/exabgp/exabgp.conf, which the
# package does not ship, and the tests never use it.
# frr: test_interop.sh runs its bgpd alone (no zebra) in a namespace, as a
# flowspec receiver.  The package's frr.service would start zebra, staticd
# and watchfrr on the host, so frr is installed on its own below with a
# policy-rc.d that forbids starting services (invoke-rc.d and
# deb-systemd-invoke both obey it), and its service is disabled for the
# next boot.
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run 'make deps' as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null || true
rest=""
frr=""
for p in $missing; do
	if [ "$p" = frr ]; then frr=1; else rest="$rest $p"; fi
done
# shellcheck disable=SC2086 # one package a word
[ -z "$rest" ] ||
	apt-get install -y -qq --no-install-recommends $rest </dev/null
[ -z "$frr" ] && exit 0
# A policy-rc.d of our own only where there is none (a container's stays
# as it is), removed however the install ends.
policy=${BGPS_POLICY_RC_D:-/usr/sbin/policy-rc.d}
ours=""
if [ ! -e "$policy" ]; then
	trap 'rm -f "$policy"' EXIT
	printf '#!/bin/sh\n# bgpshield deps.sh: no service starts while frr installs\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	ours=1
fi
apt-get install -y -qq --no-install-recommends frr </dev/null
if command -v systemctl >/dev/null; then
	systemctl disable frr.service >/dev/null 2>&1 || true
fi
[ -n "$ours" ] && rm -f "$policy"
trap - EXIT
