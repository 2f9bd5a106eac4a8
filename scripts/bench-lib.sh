# SPDX-License-Identifier: GPL-2.0-only
# What scripts/bench-api.sh and scripts/bench-bgp.sh share: sourced, not
# run.  Their own processes (by pid) and namespaces only.

now_ns() { date +%s%N; }

# Our own processes only, by pid: TERM, a moment, then KILL.
stop_pid() {
	local p=$1 i
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	[ "${i:-50}" -ge 50 ] && kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}

ns_del() {
	local p
	[ -e "/run/netns/$1" ] || return 0
	for p in $(ip netns pids "$1" 2>/dev/null); do stop_pid "$p"; done
	ip netns del "$1" 2>/dev/null
}

ensure_user() {
	id -u "$DUSER" >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin \
			"$DUSER"
}

# CPU nanoseconds of all threads of a process, exact (schedstat).
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null |
		awk '{ t += $1 } END { if (NR) printf "%.0f", t }'
}
