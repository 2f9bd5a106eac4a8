#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run each libFuzzer harness for SECONDS from the committed seeds
# (selftests/fuzz/corpus/NAME, never written to: new inputs go to
# BUILD/corpus-NAME) with the grammar's dictionary when there is one.
# Prints executions and executions per second per harness, and a closing
# "N passed, N failed" line; a crash leaves BUILD/crash-NAME-* and fails.
#
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS NAME...
set -u
build=$1 secs=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0
for name in "$@"; do
	bin="$build/fuzz_$name"
	seeds="$root/selftests/fuzz/corpus/$name"
	work="$build/corpus-$name"
	dict="$root/selftests/fuzz/$name.dict"
	log="$build/fuzz-$name.log"
	mkdir -p "$work"
	args=(-max_total_time="$secs" -print_final_stats=1 -timeout=10
		-rss_limit_mb=2048 -artifact_prefix="$build/crash-$name-")
	[ -f "$dict" ] && args+=(-dict="$dict")
	printf '%-10s %4ss ... ' "$name" "$secs"
	if "$bin" "${args[@]}" "$work" "$seeds" >"$log" 2>&1; then
		pass=$((pass + 1))
		runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
		rate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1)
		echo "ok: ${runs:-?} executions, ${rate:-?}/s, $cov, corpus $(ls "$work" | wc -l)"
	else
		fail=$((fail + 1))
		echo "FAILED (log: $log)"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5 | sed 's/^/    /'
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
