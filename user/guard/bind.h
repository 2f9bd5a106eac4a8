/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The binder: the daemon parent's resolution of allowlist bindings
 * (docs/GUARD.md, "Binding an entry to the peer") from the kernel, kept
 * current.  The config says what an entry is bound to (the route's
 * interfaces, named interfaces, a MAC learned from the neighbour table);
 * the binder asks rtnetlink (libmnl) which ifindexes and which MAC that is
 * now, writes it into the entry's policy (BGPS_PF_IFACE + ifindex[],
 * BGPS_PF_MAC + mac[]) and follows route, link and neighbour changes.
 *
 * Runs in the parent only (it changes the allowlist through the guard
 * loader's map fds); needs no capability for rtnetlink: route, link and
 * neighbour queries and multicast subscriptions are open to anyone.
 *
 * The config room (user/config/) derives each rule's struct
 * guard_rule_bind (user/lib/guard_names.h, the vocabulary both rooms see:
 * this one builds on user/lib alone, docs/ARCHITECTURE.md).
 *
 * Decisions (docs/GUARD.md says them to operators):
 * - no route now (or no named interface present) keeps the interfaces
 *   resolved before: a withdrawn route or a downed link must not reopen
 *   the entry to every port.  Never resolved: not bound yet (the policy
 *   keeps BGPS_PF_IFACE_WANT without BGPS_PF_IFACE).
 * - a learned MAC stays when its neighbour entry fails or goes: the peer's
 *   own absence must not reopen its entry to a spoofer on the segment.  It
 *   is dropped only when the route says the peer is no longer directly
 *   connected (a gateway, a local address): its frames then come from
 *   another MAC, legitimately.
 */
#ifndef BGPS_BIND_H
#define BGPS_BIND_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "guard.h"

#define BIND_LOG_INFO 0
#define BIND_LOG_WARN 1

struct binder_hooks {
	/* one operator-facing line, no newline */
	void (*log)(void *arg, int level, const char *line);
	/* one audit record: a JSON object "{\"event\":...}" */
	void (*audit)(void *arg, const char *obj);
	void *arg;
};

/* Counters since binder_open, for metrics. */
struct binder_stats {
	uint64_t mac_changes;	  /* a learned MAC replaced by another */
	uint64_t rebinds;	  /* an entry's interfaces changed after its
				   * first resolution */
	uint64_t resolve_failures; /* lookups that found nothing (no route,
				    * no interface) or failed */
};

struct guard_binder;

/* NULL with g->err set on failure (no netlink socket). */
struct guard_binder *binder_open(struct guard *g,
				 const struct binder_hooks *hooks);

/*
 * Take the rule set of a config load or reload (rules[i] bound as
 * want[i]), resolve every binding now and write the result into rules[]
 * in place, for the caller's guard_apply().  Learned MACs and resolved
 * interfaces of addresses in both the old and the new set carry over.
 * Costs one RTM_GETROUTE per exact rule with interface auto or MAC learn,
 * one RTM_GETNEIGH per learn rule whose peer is directly connected, one
 * link dump.  0, or -ENOMEM (rules[] then unchanged).
 */
int binder_set(struct guard_binder *b, struct guard_rule *rules,
	       const struct guard_rule_bind *want, size_t n);

/* The subscription socket (non-blocking): poll it for input, then call
 * binder_dispatch(), which never blocks.  A new MAC of a learn rule is
 * applied at once; route and link changes mark rules for binder_tick(). */
int binder_fd(const struct guard_binder *b);
int binder_dispatch(struct guard_binder *b);

/* Re-resolve the rules marked by changes (at most every 250 ms) and
 * guard_allow() those whose policy changed.  Call it after dispatch and
 * from a periodic timer (the one that runs what the rate limit held). */
void binder_tick(struct guard_binder *b);

void binder_stats(const struct guard_binder *b, struct binder_stats *st);
void binder_close(struct guard_binder *b);

#endif
