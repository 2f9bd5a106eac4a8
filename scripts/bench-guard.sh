#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-guard.sh: the guard's benchmarks, `make bench-guard`.
#   1. build/bench_guard: ns per packet of each verdict path through
#      BPF_PROG_TEST_RUN, against an empty XDP_DROP;
#   2. scripts/bench-flood.sh: a spoofed SYN flood between namespaces,
#      guard vs XDP_DROP floor vs xdp-filter vs nftables vs no filter, and
#      an allowed peer's round trips meanwhile;
# then one closing table of figures against their targets.
#
#   scripts/bench-guard.sh [--quick]
#
# Figures only: a figure over its target is reported, not a failure.  The
# exit status is 0 unless a setup step failed (1), or 77 if both parts were
# skipped (not root).  Default size: about 4 minutes; --quick: about 1.5.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${O:-$ROOT/build}
QUICK=

case ${1:-} in
--quick) QUICK=1 ;;
"") ;;
-h | --help) sed -n '/^#   scripts/p' "$0" | sed 's/^# //'; exit 0 ;;
*) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac

for f in "$BUILD/bench_guard" "$BUILD/flood_gen"; do
	[ -x "$f" ] || { echo "bench-guard: $f missing: make bench-guard" >&2
		exit 1; }
done

TMP=$(mktemp -d /tmp/bench-guard.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

rc_unit=0
rc_flood=0
echo "=== 1/2 bench_guard: BPF_PROG_TEST_RUN per verdict path ==="
if [ -n "$QUICK" ]; then
	"$BUILD/bench_guard" --repeat 1000000 --rounds 3 \
		--summary "$TMP/unit.sum" || rc_unit=$?
else
	"$BUILD/bench_guard" --repeat 2000000 --rounds 7 \
		--summary "$TMP/unit.sum" || rc_unit=$?
fi

echo
echo "=== 2/2 bench-flood: spoofed SYN flood between namespaces ==="
"$ROOT/scripts/bench-flood.sh" ${QUICK:+--quick} --summary "$TMP/flood.sum" ||
	rc_flood=$?

# --- closing table --------------------------------------------------------
echo
echo "=== bench-guard summary (figures, not pass/fail) ==="
printf '%-44s %12s %12s  %s\n' "measure" "result" "target" "vs target"
if [ -s "$TMP/unit.sum" ]; then
	awk -F '\t' '
	$1 ~ /^floor/ { floor = $2 }
	{
		tgt = $3 > 0 ? sprintf("<= %d ns", $3) : "-"
		if ($4 != "ok")
			cmp = "WRONG VERDICT"
		else if ($3 == 0)
			cmp = ""
		else if ($2 <= $3)
			cmp = "meets"
		else
			cmp = sprintf("over by %.0f ns (%.0f%%)", $2 - $3,
				      100 * ($2 - $3) / $3)
		printf "%-44s %9.1f ns %12s  %s\n", "test_run " $1, $2, tgt, cmp
	}' "$TMP/unit.sum"
else
	printf '%-44s %12s\n' "test_run" "not run (exit $rc_unit)"
fi
if [ -s "$TMP/flood.sum" ]; then
	# key=value words; the ratio lines carry their own verdicts.
	tr ' ' '\n' <"$TMP/flood.sum" | awk -F= '
	{ v[$1] = $2 }
	END {
		n = split("floor touch guard xdpf nft none", var, " ")
		split("(a) empty XDP_DROP|(a\047) headers read, DROP|" \
		      "(b) bgpshield guard|(b\047) xdp-filter|" \
		      "(c) nftables netdev|(d) no filter", lab, "|")
		for (i = 1; i <= n; i++)
			if ((var[i] "_ns") in v)
				printf "%-44s %9.0f ns %12s\n",
					"flood rx cost/packet " lab[i],
					v[var[i] "_ns"], "-"
		if ("guard_vs_floor" in v)
			printf "%-44s %11.2fx %11sx  %s\n",
				"flood guard / floor (ns/packet)",
				v["guard_vs_floor"],
				"<= " v["guard_vs_floor_target"],
				v["guard_vs_floor_verdict"]
		if ("guard_vs_touch" in v)
			printf "%-44s %11.2fx %12s\n",
				"flood guard / read-headers floor",
				v["guard_vs_touch"], "-"
		if ("guard_vs_xdpf" in v)
			printf "%-44s %11.2fx %11sx  %s\n",
				"flood guard / xdp-filter (ns/packet)",
				v["guard_vs_xdpf"],
				"<= " v["guard_vs_xdpf_target"],
				v["guard_vs_xdpf_verdict"]
		if ("guard_vs_nft" in v)
			printf "%-44s %11.2fx %11sx  %s\n",
				"flood guard / nftables (ns/packet)",
				v["guard_vs_nft"], "<= " v["guard_vs_nft_target"],
				v["guard_vs_nft_verdict"]
		if ("peer_p50_us" in v) {
			printf "%-44s %9d us %12s  %s\n",
				"flood peer round trip p50 (guard)",
				v["peer_p50_us"], "<= 1000 us",
				v["peer_p50_us"] <= 1000 ? "meets" : "MISSES"
			printf "%-44s %9d us %12s\n",
				"flood peer round trip max (guard)",
				v["peer_max_us"], "-"
			printf "%-44s %12d %12s  %s\n",
				"flood peer failed round trips (guard)",
				v["peer_fails"], "0",
				v["peer_fails"] == 0 ? "meets" : "MISSES"
		}
	}'
else
	printf '%-44s %12s\n' "flood" "not run (exit $rc_flood)"
fi

# 77 from both parts: skipped.  Any other non-zero: a setup step failed.
if [ "$rc_unit" -eq 77 ] && [ "$rc_flood" -eq 77 ]; then
	exit 77
fi
for rc in $rc_unit $rc_flood; do
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		echo "bench-guard: a setup step failed (exit $rc)" >&2
		exit 1
	fi
done
exit 0
