/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guard loader: everything userspace does with the kernel guard.  Used
 * by bgpshieldctl (guard commands) and by the daemon's parent process.
 *
 * Two ways in:
 *   guard_load()  opens the embedded BPF object (skeleton), reuses the maps
 *                 pinned in pin_dir or creates and pins them, loads the
 *                 programs and pins them; needed to attach a new program.
 *   guard_open()  opens the pinned maps (and programs) only: enough to change
 *                 the allowlist or settings, read counters and events, or
 *                 re-attach the pinned program.
 * Every call returns 0 or a negative errno and leaves a one-line, operator-
 * facing explanation in g->err.
 */
#ifndef BGPS_GUARD_H
#define BGPS_GUARD_H

#include <limits.h>
#include <net/if.h>
#include <stddef.h>

#include "addr.h"
#include "bgpshield_guard.h"
#include "guard_names.h"

struct guard_bpf;
struct ring_buffer;

enum guard_map {
	GM_SETTINGS,
	GM_ALLOW4,
	GM_ALLOW6,
	GM_RANGE4,
	GM_RANGE6,
	GM_STATS,
	GM_GSTATE,
	GM_EVENTS,
	GM_IFACES,
	GM_PREFILTER,
	GM_FS_RULES,
	GM_FS_DST4,
	GM_FS_DST6,
	GM_FS_META,
	GM_FS_HASH4,
	GM_FS_HASH6,
	GM_FS_PF24,
	GM_MAX,
};

struct guard {
	char pin_dir[200];
	struct guard_bpf *skel; /* set by guard_load */
	int map_fd[GM_MAX];
	int prog_xdp_fd;
	int prog_tc_fd;
	struct ring_buffer *rb;
	int (*ev_cb)(const struct bgps_event *e, void *arg);
	void *ev_arg;
	char err[1024];
};

/* guard_allow() results */
#define GUARD_UNCHANGED 0
#define GUARD_ADDED 1
#define GUARD_CHANGED 2

struct bpf_object;
void guard_init(struct guard *g);
int guard_load(struct guard *g, const char *pin_dir);
/* Use the maps of an object loaded elsewhere, unpinned (the BPF tests
 * and benches' own skeleton): the fds stay the object's, not dup()ed;
 * guard_close() must not be called. */
int guard_use_object(struct guard *g, struct bpf_object *obj);
int guard_open(struct guard *g, const char *pin_dir);
void guard_close(struct guard *g);

/* Attach to ifname in `mode` (enum bgps_attach_mode); an interface already
 * guarded gets the new program atomically (XDP link update, tc replace).
 * *actual receives the mode in force. */
int guard_attach(struct guard *g, const char *ifname, int mode, int *actual);
/* The interface's ARPHRD_* link type, or a negative errno. */
int guard_iface_link_type(const char *ifname);
/* 1 when the guard can parse the interface's frames (Ethernet, or lo's
 * Ethernet-shaped header): guard_attach() refuses any other. */
int guard_iface_ethernet(const char *ifname);
int guard_detach(struct guard *g, const char *ifname);
/* Detach everything and remove every pin: protection ends. */
int guard_unload(const char *pin_dir, char *err, size_t errlen);

int guard_settings_get(struct guard *g, struct bgps_settings *s);
int guard_settings_set(struct guard *g, const struct bgps_settings *s);

/* Add or change one entry; counters and bucket state survive a change. */
int guard_allow(struct guard *g, const struct guard_rule *r);
int guard_remove(struct guard *g, const struct prefix *p);
/* Make the allowlist exactly `want`: adds and changes first, removals
 * last, so no wanted peer is ever missing.  *added/changed/removed count
 * what happened (any may be NULL). */
int guard_apply(struct guard *g, const struct guard_rule *want, size_t n,
		int *added, int *changed, int *removed);

int guard_stats(struct guard *g, struct bgps_stats *sum);
typedef int (*guard_rule_cb)(const struct guard_rule *r,
			     const struct bgps_peer *v, void *arg);
/* Every entry of the four allowlist maps, exact first then ranges. */
int guard_foreach_rule(struct guard *g, guard_rule_cb cb, void *arg);

typedef int (*guard_iface_cb)(const struct guard_iface_status *st, void *arg);
int guard_foreach_iface(struct guard *g, guard_iface_cb cb, void *arg);

typedef int (*guard_event_cb)(const struct bgps_event *e, void *arg);
int guard_events_open(struct guard *g, guard_event_cb cb, void *arg);
/* Wait up to timeout_ms; returns events handled or a negative errno. */
int guard_events_poll(struct guard *g, int timeout_ms);

/*
 * Follow link changes (libmnl, RTMGRP_LINK) and re-attach every wanted
 * interface that appears or comes back, until *stop becomes non-zero.
 * `log` receives one line per action.
 */
int guard_watch(struct guard *g, volatile int *stop,
		void (*log)(const char *line, void *arg), void *arg);

/* The same for an event loop: open (subscribes and sweeps once), poll the
 * fd for input, dispatch (never blocks), close. */
struct guard_watch;
struct guard_watch *guard_watch_open(struct guard *g,
				     void (*log)(const char *line, void *arg),
				     void *arg);
int guard_watch_fd(const struct guard_watch *gw);
int guard_watch_dispatch(struct guard_watch *gw);
void guard_watch_close(struct guard_watch *gw);
/*
 * Flowspec enforcement (user/guard/flowspec.c, docs/GUARD.md "Flowspec"):
 * compile `rules` into the guard's flowspec maps, replacing the whole set
 * (new rules written beside the old, destinations pointed at them, old
 * ones removed: a packet sees the old set or the new one).  Rules the
 * kernel side cannot hold (over BGPS_FS_* limits, malformed) refuse the
 * whole set: nothing changes and err says which rule and why.  Counters
 * of a rule present before and after survive.  0 or a negative errno.
 */
struct fs_rule;
int guard_flow_apply(struct guard *g, const struct fs_rule *rules, size_t n,
		     char *err, size_t el);
/* Every rule in force, in the order given to guard_flow_apply(). */
typedef int (*guard_flow_cb)(const struct bgps_fs_rule *r, void *arg);
int guard_flow_foreach(struct guard *g, guard_flow_cb cb, void *arg);
/* One line describing a compiled rule's match and action (no counters). */
void guard_flow_format(const struct bgps_fs_rule *r, char *buf, size_t len);

/* The ring buffer's epoll fd, to wait for events in a loop. */
int guard_events_fd(struct guard *g);

#endif
