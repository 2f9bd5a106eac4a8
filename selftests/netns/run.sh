#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every test_*.sh in this folder (`make test-netns`), then list each
# test's result and close with `N passed, N failed` (`, N skipped` when
# some were).  Exit status 1 when anything failed.  Arguments are passed to
# each script (a test-name filter).
#
# Each script cleans up after itself, also when interrupted: on SIGINT or
# SIGTERM this passes the signal on, waits for that cleanup and stops.

set -u

DIR=$(cd "$(dirname "$0")" && pwd)
RESULTS=$(mktemp /tmp/bgps-netns-results.XXXXXX) || exit 1
CHILD=""

summary() {
	local st name secs why pass=0 fail=0 skip=0
	echo
	echo "Results:"
	while IFS=$'\t' read -r st name secs why; do
		case $st in
		PASS)
			pass=$((pass + 1))
			printf '  PASS  %s (%ss)\n' "$name" "$secs"
			;;
		SKIP)
			skip=$((skip + 1))
			printf '  SKIP  %s: %s\n' "$name" "$why"
			;;
		*)
			fail=$((fail + 1))
			printf '  FAIL  %s%s\n' "$name" "${why:+: $why}"
			;;
		esac
	done <"$RESULTS"
	if [ "$skip" -gt 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" = 0 ]
}

on_signal() {
	trap '' INT TERM
	echo "run.sh: interrupted, waiting for the test's cleanup" >&2
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null
		wait "$CHILD"
	fi
	printf 'FAIL\t(interrupted)\t0\t%s\n' "run stopped by SIG$1" >>"$RESULTS"
	summary
	rm -f "$RESULTS"
	[ "$1" = INT ] && exit 130
	exit 143
}

trap 'rm -f "$RESULTS"' EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

shopt -s nullglob
scripts=("$DIR"/test_*.sh)
if [ ${#scripts[@]} = 0 ]; then
	echo "run.sh: no test_*.sh in $DIR" >&2
	exit 1
fi

for t in "${scripts[@]}"; do
	before=$(grep -c '' "$RESULTS")
	echo "##### ${t##*/}"
	# In the background, so `wait` returns at once on a signal (a
	# foreground command would hold the trap until it ended).
	BGPS_RESULTS=$RESULTS bash "$t" "$@" &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=""
	reported=$(($(grep -c '' "$RESULTS") - before))
	failed=$(tail -n "$reported" "$RESULTS" | grep -c '^FAIL')
	# A script that died or failed outside any test still fails the run.
	if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
		printf 'FAIL\t%s\t0\texited %s outside any test\n' "${t##*/}" \
			"$rc" >>"$RESULTS"
	elif [ "$reported" = 0 ] && [ $# = 0 ]; then
		printf 'FAIL\t%s\t0\tran no test\n' "${t##*/}" >>"$RESULTS"
	fi
done

summary
