#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The man pages render without a warning (groff -ww, tbl included, at 80
# columns as man(1) would) and each has the sections a man page needs.
# Usage: check-man.sh [PAGE...]   (default: docs/man/*)
set -u
cd "$(dirname "$0")/.." || exit 1
[ $# -gt 0 ] || set -- docs/man/*.[0-9]
command -v groff >/dev/null || { echo "check-man: groff not found: skipped"; exit 0; }
fail=0
for f in "$@"; do
	bad=0
	w=$(groff -ww -t -man -Tutf8 -rLL=78n "$f" 2>&1 >/dev/null)
	if [ -n "$w" ]; then
		printf 'FAIL %s: renders with warnings:\n%s\n' "$f" "$w"
		fail=1
		continue
	fi
	for s in NAME SYNOPSIS DESCRIPTION FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		if ! grep -q "^\.SH \"*$s\"*\$" "$f"; then
			printf 'FAIL %s: no %s section\n' "$f" "$s"
			bad=1
		fi
	done
	# the NAME line is what whatis/apropos index: "name \- what"
	if ! sed -n '/^\.SH NAME$/{n;p;q}' "$f" | grep -q '^[^ ]* \\- .'; then
		printf 'FAIL %s: the NAME line is not "name \\- what"\n' "$f"
		bad=1
	fi
	if [ "$bad" = 0 ]; then
		printf 'ok   %s\n' "$f"
	else
		fail=1
	fi
done
exit $fail
