#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# soak.sh: the long fault tests of issue 7, `make soak` (never part of
# `make test`).  It runs selftests/netns/test_faults.sh in its soak mode
# (FAULTS_SOAK=1), where:
#
#   - peer flaps: FLAPS (default 1000) teardowns of the BIRD session,
#     cycling NOTIFICATION (birdc disable/enable, bgpshieldctl neighbor
#     restart), TCP RST (ss -K), hold-timer expiry (BIRD stopped) and BIRD
#     killed; the engine's VmRSS and fd count are checked against their
#     baseline and printed every 100 flaps;
#   - slow and half-open peers: the timeouts are waited for and asserted:
#     the peer that stops reading is closed after 90 s without progress
#     (Cease, out of resources), the one sending a byte a second and the
#     one never sending OPEN after the 240 s hold before OPEN, while the
#     BIRD session stays up throughout;
#   - API abuse: ABUSE_S (default 120) seconds of garbage, over-long lines
#     and commands over the rate limit;
#   - process faults and the audit log disk full, as in the quick run
#     (BLAST_N prefixes, default 1000000).
#
#   scripts/soak.sh [NAME-SUBSTRING...]     (env: FLAPS ABUSE_S BLAST_N
#                                            RSS_SLACK_KB BGPS_DAEMON)
#
# BGPS_DAEMON=PATH runs another daemon binary.  A sanitizer build
# (make asan-daemon: build-asan/bgpshieldd, whose engine runs without
# Landlock and seccomp, which ASan/LSan's own calls need) makes the flaps
# test stop the daemon at the end and fail on any LeakSanitizer or
# AddressSanitizer report.
# Every figure is printed by the tests; the exit status is non-zero when
# any assertion failed (77: not root).

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" != 0 ]; then
	echo "soak: needs root (network namespaces, BPF): skipped" >&2
	exit 77
fi

export FAULTS_SOAK=1
export FLAPS=${FLAPS:-1000}
export ABUSE_S=${ABUSE_S:-120}
echo "soak: FLAPS=$FLAPS ABUSE_S=$ABUSE_S BLAST_N=${BLAST_N:-1000000} ($(date -u +%FT%TZ))"
start=$(date +%s)
bash "$ROOT/selftests/netns/test_faults.sh" "$@"
rc=$?
# Many sessions under a flood (test_scale.sh), wider and longer than in
# `make test`: SCALE_SESSIONS neighbors (default 500; one listening socket
# holds at most ~960 TCP-MD5 keys at the default net.core.optmem_max of
# 128 KiB, on bgpshieldd's side and on BIRD's) held through SCALE_FLOOD_S
# seconds (default 300) of spoofed SYN flood.
export SESSIONS=${SCALE_SESSIONS:-500} FLOOD_S=${SCALE_FLOOD_S:-300}
echo "soak: test_scale.sh SESSIONS=$SESSIONS FLOOD_S=$FLOOD_S"
bash "$ROOT/selftests/netns/test_scale.sh" "$@"
r=$?
[ "$rc" = 0 ] && rc=$r
echo "soak: $(($(date +%s) - start)) s, exit status $rc"
exit "$rc"
