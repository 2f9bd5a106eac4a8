/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bgpshieldd's two processes.  parent.c runs as root: config, guard, the
 * listening and control sockets, the audit log; it never parses bytes from
 * the network or from control clients.  engine.c runs as the configured
 * user with no capabilities, no_new_privs, Landlock and seccomp: everything
 * untrusted is parsed there.  They talk only through imsg.h.
 */
#ifndef BGPS_DAEMON_H
#define BGPS_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BGPSHIELD_VERSION "0.1"
#define DAEMON_CONF_DEFAULT "/etc/bgpshield/bgpshield.conf"
#define DAEMON_RUN_DIR "/run/bgpshield"
#define DAEMON_SOCK_DEFAULT DAEMON_RUN_DIR "/bgpshield.sock"
#define DAEMON_PID_DEFAULT DAEMON_RUN_DIR "/bgpshieldd.pid"

#define DAEMON_MAX_LISTEN 8

struct daemon_opts {
	const char *conf;
	const char *sock;
	const char *pidfile;
	const char *audit;    /* overrides log { audit } */
	const char *pin_dir;  /* overrides guard { pin-dir } */
	int foreground;
	int verbose;
};

/* What the engine inherits across fork (everything else is closed). */
struct engine_fds {
	int parent;	/* SOCK_SEQPACKET to the parent */
	int control;	/* listening unix socket for bgpshieldctl */
	int listen[DAEMON_MAX_LISTEN];
	int nlisten;
	int metrics;	/* listening TCP socket for metrics { listen }, or -1 */
};

int parent_main(const struct daemon_opts *o);
/* Runs in the forked child, already sandboxed; never returns. */
void engine_main(const struct engine_fds *fds, const char *conf_name)
	__attribute__((noreturn));

#endif
