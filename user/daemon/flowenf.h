/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's side of flowspec enforcement (docs/ARCHITECTURE.md
 * "Flowspec enforcement"): which rules the guard should hold, from the
 * config's flow blocks, the API's announcements and the neighbors'
 * Adj-RIB-In, computed here (where the sessions are) and handed to the
 * parent (IMSG_FLOW_SET), which alone writes the guard.
 *
 * Changes only mark the set dirty; flowenf_tick() recomputes and sends it
 * at most every FLOWENF_PERIOD_MS, so a burst of 100k announcements costs
 * a handful of recompiles, not 100k.
 */
#ifndef BGPS_FLOWENF_H
#define BGPS_FLOWENF_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct fs_rule;
struct imsg_flow_rule;
struct prefix;

#define FLOWENF_PERIOD_MS 100

/* parent: the channel; audit: one JSON object for the audit log. */
void flowenf_init(int parent, void (*audit)(const char *json, size_t len,
					    void *arg),
		  void *arg);
/* A config was applied (sessions_apply done). */
void flowenf_config(const struct config *c);
/*
 * Before an API announcement of r to the neighbors sel (nsel 0: all that
 * have r's family): would the enforced set still fit the guard?  0 yes
 * (also when no selected neighbor enforces what it is announced), -1 no,
 * with why.  Nothing changes either way.
 */
int flowenf_check(const struct prefix *sel, size_t nsel,
		  const struct fs_rule *r, char *why, size_t wl);
/* The API changed what we announce: r was accepted toward sel (counted at
 * once, so the next check sees it), or r NULL: something was withdrawn. */
void flowenf_changed(const struct prefix *sel, size_t nsel,
		     const struct fs_rule *r);
/* Recompute and send when due, go on with a send the socket cut short;
 * the milliseconds until it wants to run again (-1: nothing pending).
 * now: a monotonic clock in milliseconds. */
int flowenf_tick(uint64_t now);
/* The set as the sources say now, in precedence order (show flowspec). */
const struct imsg_flow_rule *flowenf_set(size_t *n);

#endif
