/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ctl room's private header: what bgpshieldctl's files share.
 *
 *   bgpshieldctl.c    main, the top-level table, the daemon's control
 *                     socket, the helpers below
 *   ctl_show.c        show: neighbor, rib, guard, events, bogons
 *   ctl_guard.c       guard: the commands on the pinned BPF objects
 *   ctl_decode.c      decode: a BGP message in hex as the API's event
 *   ctl_audit.c       audit: the checklist's results and output, the
 *                     checks on the daemon, the config and the neighbors
 *   ctl_audit_host.c  audit's checks on the host: the guard's pins,
 *                     processes, the audit log, the kernel, sessions
 *   ctl_tools.c       keygen and guard nft
 *
 * Each command takes the global options and its own argv (argv[0] is the
 * command's name) and returns the exit status: 0 success, 1 failure,
 * 2 usage error.  "--help" prints the command's help to stdout, exit 0.
 */
#ifndef BGPS_CTL_H
#define BGPS_CTL_H

#include <stddef.h>
#include <stdio.h>

struct ctl_opts {
	int json;		/* -j */
	const char *sock;	/* -s: the daemon's control socket */
	const char *pin_dir;	/* --pin-dir */
	const char *conf;	/* -c: the config (default
				 * /etc/bgpshield/bgpshield.conf) */
};

/* One row of a command table (top level, show, guard). */
struct ctl_cmd {
	const char *name;
	int (*fn)(struct ctl_opts *o, int argc, char **argv);
	const char *usage;
	const char *summary;
	const char *help;
};

/* bgpshieldctl audit: the hardening checklist against the live host. */
int ctl_audit(const struct ctl_opts *o, int argc, char **argv);
/* bgpshieldctl keygen [--bytes N] PATH */
int ctl_keygen(const struct ctl_opts *o, int argc, char **argv);
/* bgpshieldctl guard nft: the nftables ruleset equal to the config's
 * guard policy. */
int ctl_guard_nft(const struct ctl_opts *o, int argc, char **argv);

/* bgpshieldctl show WHAT ... (ctl_show.c) */
int ctl_show(struct ctl_opts *o, int argc, char **argv);
/* bgpshieldctl guard COMMAND ... (ctl_guard.c) */
int ctl_guard(struct ctl_opts *o, int argc, char **argv);
/* guard status, for show guard when no daemon answers (ctl_guard.c) */
int ctl_guard_status(struct ctl_opts *o);
/* bgpshieldctl decode ... HEX (ctl_decode.c) */
int ctl_decode(struct ctl_opts *o, int argc, char **argv);

/* Helpers the room's files share. */

/* Set by SIGINT, SIGTERM and SIGHUP once ctl_catch_signals() ran: the
 * commands that follow something (events, watch) stop and clean up. */
extern volatile int ctl_stop;
void ctl_catch_signals(void);

/* s as a JSON string, quotes included, to stdout. */
void ctl_json_str(const char *s);

/* The answer's body, when the caller wants it rather than printed. */
struct ctl_capture {
	char *p;
	size_t len;
};

/*
 * One request line to the daemon ("json " first with -j), the answer until
 * it closes.  0 ok, 1 failure (printed); -1 when quiet_absent and the
 * daemon cannot be reached (nothing printed).
 */
int ctl_daemon_request(struct ctl_opts *o, const char *req, int quiet_absent,
		       struct ctl_capture *cap);
/* argv joined with spaces as the request; 2 when too long. */
int ctl_daemon_args(struct ctl_opts *o, int argc, char **argv);

/* For the daemon's commands (top level and show): parent is "" or
 * "show". */
void ctl_print_help(const char *parent, const struct ctl_cmd *c);
int ctl_take_flags(struct ctl_opts *o, int *argc, char **argv);
int ctl_cmd_usage(const char *parent, const struct ctl_cmd *c,
		  const char *why);
const struct ctl_cmd *ctl_find_cmd(const struct ctl_cmd *t, const char *name);
/*
 * What a command family (show, guard) does before its table: no WHAT is a
 * usage error (the list to stderr, 2), -h, --help or help asks for the
 * list (stdout, 0).  -1: look argv[1] up in the table.
 */
int ctl_family_help(int argc, char **argv, void (*usage)(FILE *f));
/* s is one address (a host prefix). */
int ctl_is_addr(const char *s);


/*
 * audit's checks, in two files: ctl_audit.c (the results, the daemon, the
 * config and its secrets, the neighbors, the output) and ctl_audit_host.c
 * (what the host says: interfaces, the guard's pins, processes, the audit
 * log, the kernel, open sessions).  Each check adds one result or more.
 */
struct config;
struct cfg_neighbor;
struct ifaddrs;

enum verdict { V_PASS = 0, V_WARN = 1, V_FAIL = 2 };

struct result {
	const char *check;
	enum verdict v;
	char *detail;
	char *fix; /* NULL when PASS */
};

struct audit {
	const char *conf;
	const char *sock;
	const char *pin_dir;
	int pin_dir_given; /* --pin-dir on the audit command line */
	const char *pidfile;
	const char *logrotate_dir;
	int json;
	struct config *cfg; /* NULL when the config cannot be parsed */
	/* the daemon, from its control socket */
	int daemon_up;
	long engine_pid;
	long engine_uid; /* -1: unknown */
	int jited; /* the pinned guard program: 1 JIT-compiled, 0 interpreted,
		    * -1 unknown */
	struct result *res;
	size_t nres;
};

/* A growing string for details that list addresses. */
struct sbuf {
	char *p;
	size_t len, cap;
};

void audit_add(struct audit *a, const char *check, enum verdict v,
	       const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A check that reads the config cannot judge without one. */
void audit_add_no_config(struct audit *a, const char *check);
/* s appended to b, ", " between list items. */
void audit_sb_item(struct sbuf *b, const char *s);
/* The interface a neighbor is directly connected through, or NULL. */
const char *audit_connected_iface(struct ifaddrs *ifa,
				  const struct cfg_neighbor *nb);

void audit_check_guard(struct audit *a, struct ifaddrs *ifa);
void audit_check_processes(struct audit *a);
void audit_check_audit_log(struct audit *a);
void audit_check_kernel(struct audit *a);
void audit_check_sessions(struct audit *a);

#endif
