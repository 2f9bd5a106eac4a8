/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Confining the engine, in OpenBGPD's fixed order adapted to Linux:
 * look the user up, drop supplementary groups, gid, uid (capabilities go
 * with uid 0; the bounding and ambient sets are cleared before), then
 * the parent-death signal (a uid change clears it), no_new_privs, Landlock (no filesystem access at all: everything the
 * engine needs arrives as descriptors), and a seccomp allowlist.
 */
#ifndef BGPS_SANDBOX_H
#define BGPS_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

/* Look up user: uid/gid, -1 with a message if there is no such user. */
int sandbox_lookup(const char *user, uid_t *uid, gid_t *gid, char *err,
		   size_t errlen);
/* Everything above, in order.  0, or -1 with a message: the caller must
 * exit, never run half-confined. */
int sandbox_engine(uid_t uid, gid_t gid, pid_t parent, char *err,
		   size_t errlen);
/* The parent, once set up: keep only the capabilities it still needs
 * (see sandbox.c), in the bounding set too. */
int sandbox_parent_caps(char *err, size_t errlen);
/* The Landlock ABI version of this kernel, 0 if it has none. */
int sandbox_landlock_abi(void);

#endif
