#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages bgpshield builds and tests with, only those
# missing: quick when all are there, non-interactive for CI.
set -eu
PKGS="make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev libmnl-dev bpftool
libcunit1-dev libseccomp-dev iproute2 nftables ethtool python3 python3-scapy util-linux
curl python3-prometheus-client
bird2 gobgpd apparmor logrotate xdp-tools exabgp"
# exabgp: test_exajson.sh and test_interop.sh (ADD-PATH) run it in
# namespaces of their own and test_exabgp_examples.sh reads its example
# configs; the package's
# exabgp.service only starts with an /etc/exabgp/exabgp.conf, which the
# package does not ship, and the tests never use it.
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
apt-get install -y -qq --no-install-recommends $missing </dev/null
