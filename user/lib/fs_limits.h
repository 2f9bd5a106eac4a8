/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the guard's flowspec tables can hold (docs/GUARD.md "Limits"),
 * as pure functions over struct fs_rule: no BPF, so the engine checks an
 * API announcement before anything changes, and the parent checks every
 * rule the engine hands it (imsg is a trust boundary) before
 * guard_flow_apply() compiles them.  guard_flow_apply() checks the same
 * limits again on the whole set; these mirror it, they do not replace it.
 */
#ifndef BGPS_FS_LIMITS_H
#define BGPS_FS_LIMITS_H

#include <stddef.h>
#include <stdint.h>

struct fs_rule;

/*
 * One rule is well formed for the guard: family IPv4 or IPv6, at most
 * FS_MAX_COMP components in ascending type order, each once (RFC 8955
 * §4.2), types 1..13, prefix lengths within the family, an offset only
 * on IPv6 and below the length (RFC 8956 §3.1), the flow label only on
 * IPv6, 1..FS_MAX_OPS operators in each numeric or bitmask component and
 * at most BGPS_FS_MAX_OPS in all, finite non-negative rates.  0, or -1
 * with why.
 */
int fs_rule_check(const struct fs_rule *r, char *why, size_t wl);

/*
 * A set being built, with what the guard's per-destination limit needs:
 * each distinct destination (a rule without one, or with an offset, is
 * filed under the family's /0, as the guard does) with the rules filed
 * exactly there (own) and the rules that apply to it, its own and its
 * covering prefixes' (cnt, at most BGPS_FS_PER_PREFIX).
 */
struct fs_lim_pfx {
	uint8_t v6, plen;
	uint16_t own, cnt;
	uint8_t addr[16];
};

struct fs_lim {
	size_t n; /* rules, both families (at most BGPS_FS_MAX_RULES) */
	struct fs_lim_pfx *p;
	size_t np, cap;
};

void fs_lim_init(struct fs_lim *l);
void fs_lim_free(struct fs_lim *l);
/*
 * Would the set still fit with r added (r not already in it)?  0 yes,
 * and with commit set r is counted; -1 no (nothing changes), with the
 * limit in why; -2 out of memory.  O(distinct destinations).
 */
int fs_lim_add(struct fs_lim *l, const struct fs_rule *r, int commit,
	       char *why, size_t wl);
/* A whole set: every rule well formed and the set within the limits. */
int fs_set_check(const struct fs_rule *r, size_t n, char *why, size_t wl);

#endif
