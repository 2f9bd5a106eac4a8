/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * API processes (ExaBGP's `process NAME { run ...; }`), started by the
 * parent: the engine's sandbox (seccomp, Landlock, no_new_privs) would be
 * inherited by anything it forked, and a health check needs /bin/sh,
 * python3, curl.  Each process gets one end of a socketpair as its stdin
 * and stdout; the parent keeps the other end while the process lives and
 * hands a copy to the engine (IMSG_PROC_FD), again after an engine restart.
 */
#ifndef BGPS_PROC_H
#define BGPS_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"

#define PROC_BACKOFF_MIN 1  /* seconds before the first restart */
#define PROC_BACKOFF_MAX 60 /* doubling up to this; a longer run resets */
#define PROC_QUICK_SECS 10  /* an exit this soon after start is a failure */
#define PROC_QUICK_MAX 5    /* that many failures in a row: give up */
#define PROC_KILL_SECS 2    /* SIGTERM, then SIGKILL after this */

#define PROC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Start one process as uid/gid (never root): new session, rlimits from pr
 * (0: the CFG_PROC_*_DEFAULT), no_new_privs, only fds 0-2, a clean
 * environment, parent-death signal.  On success *pid and *fd (the parent's
 * end, close-on-exec) are set; -1 with a message otherwise.  A program that
 * cannot be run exits with status 127 after a line on stderr.
 */
int proc_spawn(const struct cfg_process *pr, uid_t uid, gid_t gid, pid_t *pid,
	       int *fd, char *err, size_t errlen);

/* One configured process and its current instance. */
struct proc {
	struct cfg_process spec; /* own copy: name, argv, limits */
	pid_t pid;		 /* 0: not running */
	int fd;			 /* our end while it runs, else -1 */
	uint32_t gen;		 /* instance, as sent to the engine */
	time_t started;		 /* monotonic seconds */
	time_t restart_at;	 /* 0: none scheduled */
	time_t kill_at;		 /* SIGKILL if still alive then; 0: none */
	int backoff;
	int quick_fails; /* exits in a row within PROC_QUICK_SECS */
	int gave_up;
	int removed;	 /* gone from the config: drop once reaped */
	int restart_now; /* config changed: start again once reaped */
	int seen;	 /* proc_sync's mark */
};

struct proc_hooks {
	/* Tell the engine: type IMSG_PROC_FD (with pr->fd) or
	 * IMSG_PROC_GONE. */
	void (*notify)(void *arg, int type, const struct proc *pr);
	/* An audit log event. */
	void (*audit)(void *arg, const char *event, const char *text);
	void *arg;
};

struct proc_set {
	struct proc *v;
	size_t n;
	uid_t uid;
	gid_t gid;
	char user[CFG_USER_MAX + 1]; /* for the log */
	uint32_t gen;
	struct proc_hooks h;
};

/* `now` is monotonic seconds everywhere (a parameter so tests drive it). */
void proc_set_init(struct proc_set *s, uid_t uid, gid_t gid, const char *user,
		   const struct proc_hooks *h);
/* Make the running set what c says: new processes start, changed ones
 * restart, removed ones are stopped; given-up ones get a fresh chance. */
void proc_sync(struct proc_set *s, const struct config *c, time_t now);
/* A child was reaped: 1 if it was one of ours (handled), else 0. */
int proc_reaped(struct proc_set *s, pid_t pid, int status, time_t now);
/* Once a second: due restarts, SIGKILL to processes that ignored TERM. */
void proc_tick(struct proc_set *s, time_t now);
/* IMSG_PROC_FD for every live process (a new engine). */
void proc_announce(struct proc_set *s);
/* Daemon stop: SIGTERM all, up to PROC_KILL_SECS, SIGKILL, reap; frees. */
void proc_stop_all(struct proc_set *s);

#endif
