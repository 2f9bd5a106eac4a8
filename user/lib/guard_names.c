// SPDX-License-Identifier: GPL-2.0-only
/* Names of the guard's attach modes and drop reasons (guard_names.h). */
#include <stdint.h>
#include <string.h>

#include "guard_names.h"

static const char *const mode_names[] = {
	[BGPS_ATTACH_AUTO] = "auto",
	[BGPS_ATTACH_NATIVE] = "native",
	[BGPS_ATTACH_GENERIC] = "generic",
	[BGPS_ATTACH_TC] = "tc",
};

static const char *const reason_names[BGPS_R_MAX] = {
	[BGPS_R_PASS] = "pass",
	[BGPS_R_NOT_ALLOWED] = "not_allowed",
	[BGPS_R_TTL] = "ttl",
	[BGPS_R_SYN_RATE] = "syn_rate",
	[BGPS_R_MALFORMED] = "malformed",
	[BGPS_R_WRONG_IFACE] = "wrong_iface",
	[BGPS_R_WRONG_MAC] = "wrong_mac",
	[BGPS_R_NO_MD5] = "no_md5",
	[BGPS_R_NO_AO] = "no_ao",
};

const char *guard_mode_name(int mode)
{
	if (mode < 0 || mode > BGPS_ATTACH_TC)
		return "none";
	return mode_names[mode];
}

int guard_mode_parse(const char *s, int *mode)
{
	for (int i = 0; i <= BGPS_ATTACH_TC; i++)
		if (!strcmp(s, mode_names[i])) {
			*mode = i;
			return 0;
		}
	return -1;
}

const char *guard_reason_name(int reason)
{
	if (reason < 0 || reason >= BGPS_R_MAX)
		return "unknown";
	return reason_names[reason];
}

uint64_t guard_reason_count(const struct bgps_stats *s, int reason)
{
	/* The ABI lays the verdict counters out in reason order from
	 * `passed` on, as the program indexes them. */
	const __u64 *v = &s->passed;

	if (reason < 0 || reason >= BGPS_R_MAX)
		return 0;
	return v[reason];
}
