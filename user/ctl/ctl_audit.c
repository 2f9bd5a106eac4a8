// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldctl audit: the hardening checklist (docs/AUDIT.md) run against
 * the live host.  Every check reads the state as it is now - the daemon
 * through its control socket, the config through the same loader the
 * daemon uses, the guard from its pins, sockets through sock_diag - so a
 * PASS means the host is configured that way, not that a file says so.
 * This file holds the results, the checks on the daemon, the config and
 * the neighbors, the output and the command; the checks on the host itself
 * (the guard, processes, the audit log, the kernel, open sessions) are in
 * ctl_audit_host.c.
 *
 * Nothing here changes anything: it only reads.
 */
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "bgpshield_guard.h"
#include "config.h"
#include "ctl.h"
#include "daemon.h"
#include "secfile.h"
#include "tcpsec.h"

#define LOGROTATE_DIR_DEFAULT "/etc/logrotate.d"

static const char *const verdict_name[] = {"PASS", "WARN", "FAIL"};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p)
			return;
		b->p = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* ", " between list items. */
void audit_sb_item(struct sbuf *b, const char *s)
{
	sb_printf(b, "%s%s", b->len ? ", " : "", s);
}

void audit_add(struct audit *a, const char *check, enum verdict v,
	       const char *fix, const char *fmt, ...)
{
	struct result *r = realloc(a->res, (a->nres + 1) * sizeof(*r));
	va_list ap;
	char *d = NULL;

	if (!r)
		return;
	a->res = r;
	r = &a->res[a->nres++];
	va_start(ap, fmt);
	if (vasprintf(&d, fmt, ap) < 0)
		d = NULL;
	va_end(ap);
	r->check = check;
	r->v = v;
	r->detail = d;
	r->fix = v != V_PASS && fix ? strdup(fix) : NULL;
}

/* A check that reads the config cannot judge without one. */
void audit_add_no_config(struct audit *a, const char *check)
{
	audit_add(a, check, V_WARN, "fix the config first",
		  "not checked: the config does not parse");
}

/* --- the daemon --------------------------------------------------------------
 */

/* A number field of the status JSON ("uid":101); -1 when absent. */
static long json_num(const char *j, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(j, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	if (*p < '0' || *p > '9')
		return -1;
	return strtol(p, NULL, 10);
}

/* "json status" on the control socket; 0 with the answer's body in buf. */
static int daemon_status(const char *sock, char *buf, size_t len, char *err,
			 size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	static const char req[] = "json status\n";
	struct timeval tv = {.tv_sec = 5};
	size_t got = 0;
	ssize_t n;
	int fd;

	if (strlen(sock) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long");
		return -1;
	}
	strcpy(sun.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A socket whose engine is gone queues the request unanswered. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (void *)&sun, sizeof(sun)) < 0 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		snprintf(err, errlen, "%s: %s", sock, strerror(errno));
		close(fd);
		return -1;
	}
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	if (strncmp(buf, "ok\n", 3)) {
		snprintf(err, errlen, "%s: no 'ok' answer to status", sock);
		return -1;
	}
	memmove(buf, buf + 3, got - 2);
	return 0;
}

static void check_daemon(struct audit *a)
{
	char buf[8192], err[512];

	a->engine_pid = -1;
	a->engine_uid = -1;
	if (daemon_status(a->sock, buf, sizeof(buf), err, sizeof(err))) {
		audit_add(a, "daemon-running", V_FAIL,
			  "start bgpshieldd (systemctl start bgpshieldd), or "
			  "name "
			  "its socket with -s",
			  "bgpshieldd does not answer: %s", err);
		audit_add(a, "engine-not-root", V_WARN,
			  "start bgpshieldd, then audit again",
			  "not checked: the daemon does not run");
		return;
	}
	a->daemon_up = 1;
	a->engine_pid = json_num(buf, "engine_pid");
	a->engine_uid = json_num(buf, "uid");
	audit_add(a, "daemon-running", V_PASS, NULL,
		  "bgpshieldd answers on %s (engine pid %ld)", a->sock,
		  a->engine_pid);
	if (a->engine_uid < 0)
		audit_add(a, "engine-not-root", V_FAIL,
			  "upgrade bgpshieldd: its status must report the uid",
			  "the daemon's status has no uid");
	else if (a->engine_uid == 0)
		audit_add(
			a, "engine-not-root", V_FAIL,
			"set 'user bgpshield;' (a system user) in the config "
			"and "
			"restart",
			"the engine, which parses everything from the network, "
			"runs as root");
	else
		audit_add(a, "engine-not-root", V_PASS, NULL,
			  "the engine runs as uid %ld", a->engine_uid);
}

/* --- the config and its secret files -----------------------------------------
 */

static void conf_dir(const char *path, char *dir, size_t len)
{
	char *slash;

	snprintf(dir, len, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
}

/*
 * The daemon's own loader decides: what it refuses, the audit fails.  When
 * it refuses (a world-readable file with a password, say), the text is
 * parsed once more without the file checks so the other checks still see
 * the neighbors.
 */
static void check_config(struct audit *a)
{
	char err[1024], err2[1024];
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (config_load(a->conf, &a->cfg, err, sizeof(err)) == 0) {
		audit_add(a, "config-file", V_PASS, NULL,
			  "%s: owner and mode safe, parses", a->conf);
		return;
	}
	audit_add(
		a, "config-file", V_FAIL,
		"chown root:bgpshield CONF && chmod 0640 CONF (0600 if it has "
		"inline passwords; better: md5-password-file), then "
		"'bgpshieldd -t -c CONF'",
		"%s", err);
	f = fopen(a->conf, "re");
	if (!f)
		return;
	{
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
			char *p = realloc(text, len + n + 1);

			if (!p)
				break;
			text = p;
			memcpy(text + len, chunk, n);
			len += n;
		}
	}
	fclose(f);
	if (text &&
	    config_parse_buf(text, len, a->conf, &a->cfg, err2, sizeof(err2)))
		a->cfg = NULL;
	if (text)
		secfile_wipe(text, len); /* it may hold passwords */
}

static int secret_ok(const char *path, char *why, size_t len)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s is not a regular file", path);
		return 0;
	}
	if (st.st_uid != 0) {
		snprintf(why, len, "%s is owned by uid %u, not root", path,
			 (unsigned)st.st_uid);
		return 0;
	}
	/* 0600 and 0640 pass: no group write, nothing for others. */
	if (st.st_mode & 07137) {
		snprintf(why, len, "%s has mode %04o (want 0600 or 0640)", path,
			 (unsigned)(st.st_mode & 07777));
		return 0;
	}
	return 1;
}

static void check_secret_files(struct audit *a)
{
	struct sbuf bad = {0};
	char dir[PATH_MAX], path[PATH_MAX], why[PATH_MAX + 128];
	size_t n = 0;

	if (!a->cfg) {
		audit_add_no_config(a, "secret-files");
		return;
	}
	conf_dir(a->conf, dir, sizeof(dir));
	for (size_t i = 0; i < a->cfg->nneighbors; i++) {
		const struct cfg_neighbor *nb = &a->cfg->neighbors[i];
		const char *files[2] = {NULL, NULL};

		if (nb->md5.enabled)
			files[0] = nb->md5.secret.path;
		if (nb->tcp_ao.enabled)
			files[1] = nb->tcp_ao.secret.path;
		for (int k = 0; k < 2; k++) {
			if (!files[k])
				continue;
			n++;
			int w;

			if (files[k][0] == '/')
				w = snprintf(path, sizeof(path), "%s",
					     files[k]);
			else
				w = snprintf(path, sizeof(path), "%s/%s", dir,
					     files[k]);
			if (w < 0 || (size_t)w >= sizeof(path))
				audit_sb_item(&bad, files[k]); /* too long */
			else if (!secret_ok(path, why, sizeof(why)))
				audit_sb_item(&bad, why);
		}
	}
	if (bad.len)
		audit_add(a, "secret-files", V_FAIL,
			  "chown root FILE && chmod 0600 FILE (0640 with group "
			  "bgpshield)",
			  "%s", bad.p);
	else
		audit_add(a, "secret-files", V_PASS, NULL,
			  "%zu secret file%s owned by root, mode 0600/0640", n,
			  n == 1 ? "" : "s");
	free(bad.p);
}

/* --- neighbors: authentication, GTSM, filters --------------------------------
 */

static const char *nb_name(const struct cfg_neighbor *nb, char *buf, size_t len)
{
	return prefix_fmt(&nb->address, buf, len);
}

static void check_auth(struct audit *a)
{
	struct sbuf none = {0}, ao = {0};
	int ao_ok = tcpsec_ao_supported();
	char b[PREFIX_STRLEN];

	if (!a->cfg) {
		audit_add_no_config(a, "neighbor-auth");
		return;
	}
	for (size_t i = 0; i < a->cfg->nneighbors; i++) {
		const struct cfg_neighbor *nb = &a->cfg->neighbors[i];

		nb_name(nb, b, sizeof(b));
		if (!nb->md5.enabled && !nb->tcp_ao.enabled)
			audit_sb_item(&none, b);
		if (nb->tcp_ao.enabled && !ao_ok)
			audit_sb_item(&ao, b);
	}
	if (ao.len)
		audit_add(
			a, "neighbor-auth", V_FAIL,
			"run a kernel with CONFIG_TCP_AO (Linux 6.7+), or use "
			"md5-password-file for these neighbors",
			"tcp-ao configured but this kernel has no TCP-AO: "
			"%s%s%s",
			ao.p, none.len ? "; no MD5 or TCP-AO: " : "",
			none.len ? none.p : "");
	else if (none.len)
		audit_add(a, "neighbor-auth", V_WARN,
			  "add 'md5-password-file FILE;' or a tcp-ao block to "
			  "each "
			  "(agree the key with the peer)",
			  "neighbors without MD5 or TCP-AO: %s", none.p);
	else
		audit_add(a, "neighbor-auth", V_PASS, NULL,
			  "%zu neighbor%s with MD5 or TCP-AO",
			  a->cfg->nneighbors,
			  a->cfg->nneighbors == 1 ? "" : "s");
	free(none.p);
	free(ao.p);
}

static void check_gtsm(struct audit *a, struct ifaddrs *ifa)
{
	struct sbuf bad = {0};
	char b[PREFIX_STRLEN];
	size_t n = 0;

	if (!a->cfg) {
		audit_add_no_config(a, "gtsm");
		return;
	}
	for (size_t i = 0; i < a->cfg->nneighbors; i++) {
		const struct cfg_neighbor *nb = &a->cfg->neighbors[i];

		if (!cfg_neighbor_ebgp(nb) || !audit_connected_iface(ifa, nb))
			continue;
		n++;
		if (nb->gtsm.min_ttl_in != 255)
			audit_sb_item(&bad, nb_name(nb, b, sizeof(b)));
	}
	if (bad.len)
		audit_add(a, "gtsm", V_WARN,
			  "add 'ttl-security;' to each (the peer must send TTL "
			  "255 "
			  "too)",
			  "directly connected eBGP neighbors without GTSM: %s",
			  bad.p);
	else
		audit_add(a, "gtsm", V_PASS, NULL,
			  "%zu directly connected eBGP neighbor%s with GTSM", n,
			  n == 1 ? "" : "s");
	free(bad.p);
}

static void check_filters(struct audit *a)
{
	struct sbuf bad = {0};
	char b[PREFIX_STRLEN], item[PREFIX_STRLEN + 32];
	size_t n = 0;

	if (!a->cfg) {
		audit_add_no_config(a, "filters");
		return;
	}
	for (size_t i = 0; i < a->cfg->nneighbors; i++) {
		const struct cfg_neighbor *nb = &a->cfg->neighbors[i];

		if (!cfg_neighbor_ebgp(nb))
			continue;
		n++;
		if (nb->import.present && nb->export.present)
			continue;
		snprintf(item, sizeof(item), "%s (no %s%s%s)",
			 nb_name(nb, b, sizeof(b)),
			 nb->import.present ? "" : "import",
			 !nb->import.present && !nb->export.present ? "/" : "",
			 nb->export.present ? "" : "export");
		audit_sb_item(&bad, item);
	}
	if (bad.len)
		audit_add(a, "filters", V_WARN,
			  "write filter { import { ... } export { ... } } for "
			  "each "
			  "eBGP neighbor (RFC 8212; docs/CONFIG.md), or "
			  "'rfc8212 strict;'",
			  "eBGP neighbors without a policy: %s", bad.p);
	else
		audit_add(a, "filters", V_PASS, NULL,
			  "%zu eBGP neighbor%s with import and export filters",
			  n, n == 1 ? "" : "s");
	free(bad.p);
}

/* --- output ----------------------------------------------------------------
 */

static void print_results(const struct audit *a)
{
	if (a->json) {
		printf("[");
		for (size_t i = 0; i < a->nres; i++) {
			const struct result *r = &a->res[i];

			printf("%s{\"check\":", i ? "," : "");
			ctl_json_str(r->check);
			printf(",\"status\":\"%s\",\"detail\":",
			       verdict_name[r->v]);
			ctl_json_str(r->detail ? r->detail : "");
			printf(",\"fix\":");
			if (r->fix)
				ctl_json_str(r->fix);
			else
				printf("null");
			printf("}");
		}
		printf("]\n");
		return;
	}
	for (size_t i = 0; i < a->nres; i++) {
		const struct result *r = &a->res[i];

		printf("%s %-20s %s%s%s\n", verdict_name[r->v], r->check,
		       r->detail ? r->detail : "", r->fix ? "; fix: " : "",
		       r->fix ? r->fix : "");
	}
}

static void audit_help(FILE *f)
{
	fprintf(f,
		"Usage: bgpshieldctl [-j] [-s SOCKET] [--pin-dir DIR] audit "
		"[OPTIONS]\n\n"
		"Run the hardening checklist (docs/AUDIT.md) against this "
		"host as it is now:\n"
		"the running daemon, the config, the pinned guard, the "
		"kernel, the sockets.\n"
		"It changes nothing.  Run it as root, in the daemon's network "
		"namespace.\n\n"
		"One line per check: PASS, WARN or FAIL, the check's name, "
		"what was found\n"
		"and, unless PASS, how to fix it.\n\n"
		"Checks:\n"
		"  daemon-running       bgpshieldd answers 'status' on its "
		"control socket\n"
		"  engine-not-root      the engine (everything from the "
		"network) has uid != 0\n"
		"  config-file          the config passes the daemon's own "
		"loader: owner root\n"
		"                       or the caller, not group/world "
		"writable, not world-\n"
		"                       readable with an inline password "
		"(FAIL)\n"
		"  secret-files         md5-password-file and tcp-ao "
		"password-file: owner root,\n"
		"                       mode 0600 or 0640 (FAIL)\n"
		"  neighbor-auth        every neighbor has MD5 or TCP-AO "
		"(WARN); TCP-AO on a\n"
		"                       kernel without it (FAIL)\n"
		"  gtsm                 ttl-security on every directly "
		"connected eBGP\n"
		"                       neighbor (WARN)\n"
		"  filters              import and export filters on every "
		"eBGP neighbor (WARN)\n"
		"  guard-maps           the guard's maps pinned in the pin "
		"folder (FAIL)\n"
		"  guard-attached       the guard on every interface that "
		"carries a neighbor\n"
		"                       (connected subnet or local-address) "
		"(FAIL)\n"
		"  guard-policy         policy enforce, not monitor (WARN)\n"
		"  guard-binding        every GTSM neighbor's entry bound to "
		"its interface, and\n"
		"                       to its MAC when directly connected "
		"(WARN)\n"
		"  processes-not-root   every process under the bgpshieldd "
		"parent (engine, API\n"
		"                       processes, their children) without "
		"uid 0 (FAIL)\n"
		"  audit-log            log { audit PATH; } configured "
		"(WARN)\n"
		"  audit-log-rotated    a logrotate file names it or "
		"bgpshield (WARN)\n"
		"  kernel-tcp-ao        the kernel has TCP-AO; else MD5 is "
		"the fallback (WARN)\n"
		"  bpf-jit              net.core.bpf_jit_enable = 1 (WARN)\n"
		"  unprivileged-bpf     kernel.unprivileged_bpf_disabled != 0 "
		"(WARN)\n"
		"  unexpected-sessions  no established TCP session on the "
		"BGP port (179 or\n"
		"                       the guard's port) with an address "
		"that is not a\n"
		"                       configured neighbor, read through "
		"sock_diag (FAIL)\n\n"
		"Options:\n"
		"  -c, --config PATH        the config (default %s)\n"
		"  -s, --socket PATH        the daemon's control socket "
		"(default %s)\n"
		"      --pin-dir DIR        the guard's pin folder (default: "
		"the config's\n"
		"                           guard pin-dir, else %s)\n"
		"      --pid-file PATH      the daemon's pid file, used when "
		"the daemon does\n"
		"                           not answer (default %s)\n"
		"      --logrotate-dir DIR  where logrotate files live "
		"(default %s,\n"
		"                           or $BGPSHIELD_LOGROTATE_DIR)\n"
		"  -j, --json               a JSON array of {check, status, "
		"detail, fix}\n"
		"  -h, --help               this help\n\n"
		"Exit status: 1 when any check FAILs, 0 otherwise (WARNs "
		"included), 2 on a\n"
		"usage error.\n",
		DAEMON_CONF_DEFAULT, DAEMON_SOCK_DEFAULT, BGPS_PIN_DIR_DEFAULT,
		DAEMON_PID_DEFAULT, LOGROTATE_DIR_DEFAULT);
}

int ctl_audit(const struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"pin-dir", required_argument, NULL, 'P'},
		{"pid-file", required_argument, NULL, 'p'},
		{"logrotate-dir", required_argument, NULL, 'L'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0}};
	const char *env = getenv("BGPSHIELD_LOGROTATE_DIR");
	struct audit a = {
		.conf = o->conf ? o->conf : DAEMON_CONF_DEFAULT,
		.sock = o->sock ? o->sock : DAEMON_SOCK_DEFAULT,
		.pin_dir = o->pin_dir ? o->pin_dir : BGPS_PIN_DIR_DEFAULT,
		.pidfile = DAEMON_PID_DEFAULT,
		.logrotate_dir = env && *env ? env : LOGROTATE_DIR_DEFAULT,
		.json = o->json,
		.jited = -1,
	};
	struct ifaddrs *ifa = NULL;
	int c, fails = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:jh", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			a.conf = optarg;
			break;
		case 's':
			a.sock = optarg;
			break;
		case 'P':
			a.pin_dir = optarg;
			a.pin_dir_given = 1;
			break;
		case 'p':
			a.pidfile = optarg;
			break;
		case 'L':
			a.logrotate_dir = optarg;
			break;
		case 'j':
			a.json = 1;
			break;
		case 'h':
			audit_help(stdout);
			return 0;
		default:
			audit_help(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bgpshieldctl: 'audit' takes no arguments\n");
		return 2;
	}
	if (getifaddrs(&ifa) < 0)
		ifa = NULL;

	check_daemon(&a);
	check_config(&a);
	check_secret_files(&a);
	check_auth(&a);
	check_gtsm(&a, ifa);
	audit_check_guard(&a, ifa);
	check_filters(&a);
	audit_check_processes(&a);
	audit_check_audit_log(&a);
	audit_check_kernel(&a);
	audit_check_sessions(&a);

	print_results(&a);
	for (size_t i = 0; i < a.nres; i++) {
		fails += a.res[i].v == V_FAIL;
		free(a.res[i].detail);
		free(a.res[i].fix);
	}
	free(a.res);
	if (ifa)
		freeifaddrs(ifa);
	config_free(a.cfg);
	return fails ? 1 : 0;
}
