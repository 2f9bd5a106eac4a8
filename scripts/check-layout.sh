#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The engine links no guard code (docs/ARCHITECTURE.md): no symbol that the
# engine's objects need, directly or through the library rooms they pull in,
# is defined in user/guard/.  The engine holds no BPF fd and must not be able
# to reach the loader even by a stray call.
#
# usage: check-layout.sh "ENGINE_OBJS" "ENGINE_ARCHIVES" "GUARD_OBJS"
set -eu
engine_objs=$1 engine_libs=$2 guard_objs=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2086
nm -u --format=just-symbols $engine_objs $engine_libs 2>/dev/null |
	sort -u >"$tmp/needed"
# shellcheck disable=SC2086
nm --defined-only --extern-only --format=just-symbols $guard_objs |
	sort -u >"$tmp/guard"
comm -12 "$tmp/needed" "$tmp/guard" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	echo "check-layout: the engine's rooms use the guard loader (user/guard/):" >&2
	sed 's/^/  /' "$tmp/bad" >&2
	echo "check-layout: move the call to the parent, or the shared part to user/lib/" >&2
	exit 1
fi
