/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guard's vocabulary as userspace speaks it: one allowlist entry, one
 * interface's state, the counters in print order, and the names of attach
 * modes and drop reasons.  Pure data over the ABI header, no BPF: the config
 * derives guard rules with it and the engine prints guard metrics with it,
 * neither of them linking the loader (user/guard/), which alone holds BPF
 * fds.
 */
#ifndef BGPS_GUARD_NAMES_H
#define BGPS_GUARD_NAMES_H

#include <net/if.h>
#include <stdint.h>

#include "addr.h"
#include "bgpshield_guard.h"

/* One allowlist entry as userspace sees it. */
struct guard_rule {
	struct prefix pfx;
	struct bgps_policy pol;
};

/*
 * What the config binds one entry to, for the parent's binder
 * (user/guard/bind.c) to resolve against the kernel; the policy already
 * carries what the config alone decides (see config_guard_rules_bind()).
 */
enum bind_iface {
	BIND_IFACE_OFF = 0,
	BIND_IFACE_AUTO,   /* the devices the kernel routes the address to */
	BIND_IFACE_STATIC, /* the named interfaces */
};

enum bind_mac {
	BIND_MAC_OFF = 0,
	BIND_MAC_LEARN,	 /* the neighbour table's, followed */
	BIND_MAC_STATIC, /* already in the rule's policy: left as it is */
};

struct guard_rule_bind {
	enum bind_iface iface;
	char ifaces[BGPS_POLICY_IFACES][IF_NAMESIZE]; /* with STATIC */
	size_t nifaces;
	enum bind_mac mac;
	uint8_t peer_mac[6]; /* with STATIC, as in the policy */
};

/* Live state of one wanted interface. */
struct guard_iface_status {
	char name[IF_NAMESIZE];
	struct bgps_iface rec;	 /* as recorded at attach */
	unsigned int ifindex_now; /* 0: the interface does not exist now */
	int live_mode;		 /* enum bgps_attach_mode, or -1: not attached */
	unsigned int prog_id;	 /* attached program id, 0 if none */
};

/* The counters of struct bgps_stats, in order (the limiter state after
 * them is not a count): one list for every printer. */
#define GUARD_STATS_COUNTERS(X)                                                \
	X(total) X(guarded) X(passed) X(not_allowed) X(ttl) X(syn_rate)        \
		X(malformed) X(wrong_iface) X(wrong_mac) X(no_md5) X(no_ao)    \
			X(monitor_passed) X(events_sent) X(events_suppressed)  \
				X(events_lost)

const char *guard_mode_name(int mode);
int guard_mode_parse(const char *s, int *mode);
const char *guard_reason_name(int reason);
/* The counter of one enum bgps_reason in a struct bgps_stats. */
uint64_t guard_reason_count(const struct bgps_stats *s, int reason);

#endif
