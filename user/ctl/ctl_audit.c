// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldctl audit: the hardening checklist (docs/AUDIT.md) run against
 * the live host.  Every check reads the state as it is now - the daemon
 * through its control socket, the config through the same loader the
 * daemon uses, the guard from its pins, sockets through sock_diag - so a
 * PASS means the host is configured that way, not that a file says so.
 *
 * Nothing here changes anything: it only reads.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
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
#include "config.h"
#include "ctl.h"
#include "daemon.h"
#include "guard.h"
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

/* Does addr (a host) fall in an interface address's subnet? */
static int in_subnet(const struct prefix *addr, const struct sockaddr *ia,
		     const struct sockaddr *mask)
{
	const uint8_t *ip, *m;
	int len;

	if (!ia || !mask || ia->sa_family != addr->family)
		return 0;
	if (addr->family == AF_INET) {
		ip = (const uint8_t *)&((const struct sockaddr_in *)ia)
			     ->sin_addr;
		m = (const uint8_t *)&((const struct sockaddr_in *)mask)
			    ->sin_addr;
		len = 4;
	} else if (addr->family == AF_INET6) {
		ip = ((const struct sockaddr_in6 *)ia)->sin6_addr.s6_addr;
		m = ((const struct sockaddr_in6 *)mask)->sin6_addr.s6_addr;
		len = 16;
	} else {
		return 0;
	}
	for (int i = 0; i < len; i++)
		if ((ip[i] & m[i]) != (addr->addr[i] & m[i]))
			return 0;
	return 1;
}

static int same_addr(const struct prefix *addr, const struct sockaddr *ia)
{
	if (!ia || ia->sa_family != addr->family)
		return 0;
	if (addr->family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)ia)->sin_addr,
			       addr->addr, 4);
	return !memcmp(((const struct sockaddr_in6 *)ia)->sin6_addr.s6_addr,
		       addr->addr, 16);
}

/* The interface a neighbor is directly connected through, or NULL. */
const char *audit_connected_iface(struct ifaddrs *ifa,
				  const struct cfg_neighbor *nb)
{
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (same_addr(&nb->address, i->ifa_addr))
			continue; /* our own address, not a neighbor */
		if (in_subnet(&nb->address, i->ifa_addr, i->ifa_netmask))
			return i->ifa_name;
	}
	return NULL;
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

/* --- the guard ----------------------------------------------------------- */

struct iface_list {
	char (*names)[IF_NAMESIZE];
	size_t n;
};

static void iface_add(struct iface_list *l, const char *name)
{
	char(*p)[IF_NAMESIZE];

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return;
	p = realloc(l->names, (l->n + 1) * sizeof(*p));
	if (!p)
		return;
	l->names = p;
	snprintf(l->names[l->n++], IF_NAMESIZE, "%s", name);
}

/* Every interface that carries a neighbor: holds its local-address or a
 * connected subnet with the neighbor's address. */
static void neighbor_ifaces(struct audit *a, struct ifaddrs *ifa,
			    struct iface_list *l)
{
	for (size_t i = 0; a->cfg && i < a->cfg->nneighbors; i++) {
		const struct cfg_neighbor *nb = &a->cfg->neighbors[i];
		const char *name = audit_connected_iface(ifa, nb);

		if (name)
			iface_add(l, name);
		if (!nb->local_address.family)
			continue;
		for (struct ifaddrs *x = ifa; x; x = x->ifa_next)
			if (x->ifa_addr && !(x->ifa_flags & IFF_LOOPBACK) &&
			    same_addr(&nb->local_address, x->ifa_addr))
				iface_add(l, x->ifa_name);
	}
}

struct attach_ctx {
	struct iface_list *want;
	int *attached; /* per wanted name: live mode, -1 not attached */
};

static int attach_cb(const struct guard_iface_status *st, void *arg)
{
	struct attach_ctx *c = arg;

	for (size_t i = 0; i < c->want->n; i++)
		if (!strcmp(c->want->names[i], st->name) && st->ifindex_now)
			c->attached[i] = st->live_mode;
	return 0;
}

/* The kernel's own word on the JIT: a JIT-compiled program has jited
 * instructions.  net.core.bpf_jit_enable is only visible in the initial
 * network namespace, and the audit often runs in the daemon's. */
static int prog_jited(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	return info.jited_prog_len > 0;
}

static const char *guard_pin_dir(const struct audit *a)
{
	/* The config's pin-dir unless one was named on this command line or
	 * differs from the default in bgpshieldctl's options. */
	if (a->pin_dir_given || !a->cfg || !a->cfg->guard.pin_dir[0] ||
	    strcmp(a->pin_dir, BGPS_PIN_DIR_DEFAULT))
		return a->pin_dir;
	return a->cfg->guard.pin_dir;
}

void audit_check_guard(struct audit *a, struct ifaddrs *ifa)
{
	struct iface_list want = {0};
	struct attach_ctx c = {&want, NULL};
	struct bgps_settings s;
	struct sbuf bad = {0}, ok = {0};
	const char *dir = guard_pin_dir(a);
	struct guard g;

	guard_init(&g);
	if (guard_open(&g, dir)) {
		audit_add(a, "guard-maps", V_FAIL,
			  "start bgpshieldd (it loads and pins the guard), or "
			  "'bgpshieldctl guard load'; name the folder with "
			  "--pin-dir",
			  "%s", g.err);
		audit_add(a, "guard-attached", V_FAIL,
			  "start bgpshieldd with a guard block naming the "
			  "neighbors' interfaces",
			  "not attached anywhere: no guard pinned in %s", dir);
		audit_add(a, "guard-policy", V_WARN, "load the guard first",
			  "not checked: no guard pinned");
		guard_close(&g);
		return;
	}
	audit_add(a, "guard-maps", V_PASS, NULL, "maps pinned in %s", dir);
	a->jited =
		prog_jited(g.prog_xdp_fd >= 0 ? g.prog_xdp_fd : g.prog_tc_fd);

	neighbor_ifaces(a, ifa, &want);
	c.attached = calloc(want.n ? want.n : 1, sizeof(int));
	if (!c.attached) {
		guard_close(&g);
		free(want.names);
		return;
	}
	for (size_t i = 0; i < want.n; i++)
		c.attached[i] = -1;
	guard_foreach_iface(&g, attach_cb, &c);
	for (size_t i = 0; i < want.n; i++) {
		char item[IF_NAMESIZE + 32];

		if (c.attached[i] < 0) {
			audit_sb_item(&bad, want.names[i]);
			continue;
		}
		snprintf(item, sizeof(item), "%s (%s)", want.names[i],
			 guard_mode_name(c.attached[i]));
		audit_sb_item(&ok, item);
	}
	if (bad.len)
		audit_add(a, "guard-attached", V_FAIL,
			  "name them in guard { interface ...; } (or interface "
			  "auto;) and reload, or 'bgpshieldctl guard attach "
			  "IFACE'",
			  "interfaces carrying neighbors without the guard: %s",
			  bad.p);
	else if (!want.n)
		audit_add(a, "guard-attached", V_WARN,
			  "check the neighbors' addresses: none is on a local "
			  "subnet or local-address",
			  "no interface found that carries a neighbor");
	else
		audit_add(a, "guard-attached", V_PASS, NULL, "attached on %s",
			  ok.p);

	if (guard_settings_get(&g, &s))
		audit_add(a, "guard-policy", V_FAIL,
			  "reload the guard ('bgpshieldctl guard unload' and "
			  "restart bgpshieldd)",
			  "%s", g.err);
	else if (s.mode == BGPS_MODE_MONITOR)
		audit_add(
			a, "guard-policy", V_WARN,
			"set 'policy enforce;' in the guard block and reload, "
			"once its counters show no would-drop of real peers",
			"policy monitor: would-drop packets are counted and "
			"passed");
	else
		audit_add(a, "guard-policy", V_PASS, NULL, "policy enforce");
	free(c.attached);
	free(want.names);
	free(bad.p);
	free(ok.p);
	guard_close(&g);
}

/* --- processes ------------------------------------------------------------ */

/* Field of /proc/PID/status ("PPid", "Uid"): its first number, and for Uid
 * whether any of real/effective/saved/fs is 0.  -1: no such process. */
static int proc_status(long pid, long *ppid, int *root, long *uid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	*ppid = -1;
	*root = 0;
	*uid = -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "PPid:", 5)) {
			*ppid = strtol(line + 5, NULL, 10);
		} else if (!strncmp(line, "Uid:", 4)) {
			long u[4] = {-1, -1, -1, -1};

			if (sscanf(line + 4, "%ld %ld %ld %ld", &u[0], &u[1],
				   &u[2], &u[3]) >= 1)
				*uid = u[0];
			for (int i = 0; i < 4; i++)
				if (u[i] == 0)
					*root = 1;
		}
	}
	fclose(f);
	return 0;
}

/* The number a file starts with (a pid file, a sysctl); -1 when there is
 * none or the file cannot be read. */
static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

struct pinfo {
	long pid, ppid, uid;
	int root;
};

/*
 * Every process below the bgpshieldd parent (the engine, API processes and
 * whatever they started) must run without uid 0 in any of its four uids:
 * the parent is the only root process the design has.
 */
void audit_check_processes(struct audit *a)
{
	struct pinfo *ps = NULL;
	size_t n = 0, cap = 0, count = 0;
	struct sbuf bad = {0};
	long parent = -1, pp, uid;
	int root;
	struct dirent *de;
	DIR *d;

	/* The engine's parent is the daemon's parent process, whatever the
	 * pid file is called; the pid file when the engine is unknown. */
	if (a->engine_pid > 0 &&
	    proc_status(a->engine_pid, &pp, &root, &uid) == 0)
		parent = pp;
	if (parent <= 0)
		parent = read_long(a->pidfile);
	if (parent <= 0 || kill((pid_t)parent, 0) < 0 ||
	    proc_status(parent, &pp, &root, &uid) < 0) {
		if (a->cfg && !strcmp(a->cfg->user, "root"))
			audit_add(a, "processes-not-root", V_FAIL,
				  "set 'user bgpshield;' in the config",
				  "the config's user is root");
		else
			audit_add(
				a, "processes-not-root", V_WARN,
				"start bgpshieldd (or name its pid file with "
				"--pid-file), then audit again",
				"not checked: no bgpshieldd parent found (%s)",
				a->pidfile);
		return;
	}
	d = opendir("/proc");
	if (!d) {
		audit_add(a, "processes-not-root", V_WARN, "mount /proc",
			  "cannot read /proc: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		struct pinfo p;

		if (*end || pid <= 0)
			continue;
		if (proc_status(pid, &p.ppid, &p.root, &p.uid) < 0)
			continue;
		p.pid = pid;
		if (n == cap) {
			struct pinfo *q;

			cap = cap ? cap * 2 : 256;
			q = realloc(ps, cap * sizeof(*q));
			if (!q)
				break;
			ps = q;
		}
		ps[n++] = p;
	}
	closedir(d);
	/* Descendants: mark children of marked pids until nothing changes
	 * (ppid -2 marks a descendant). */
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < n; i++) {
			int mine = ps[i].ppid == parent;

			for (size_t j = 0; !mine && j < n; j++)
				mine = ps[j].ppid == -2 &&
				       ps[i].ppid == ps[j].pid;
			if (mine && ps[i].ppid != -2) {
				ps[i].ppid = -2;
				changed = 1;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		char item[64];

		if (ps[i].ppid != -2)
			continue;
		count++;
		if (!ps[i].root)
			continue;
		snprintf(item, sizeof(item), "pid %ld (uid %ld)", ps[i].pid,
			 ps[i].uid);
		audit_sb_item(&bad, item);
	}
	if (bad.len)
		audit_add(a, "processes-not-root", V_FAIL,
			  "only the bgpshieldd parent may be root: set 'user "
			  "bgpshield;' and restart; check what started these",
			  "processes under bgpshieldd (pid %ld) running as "
			  "root: %s",
			  parent, bad.p);
	else
		audit_add(a, "processes-not-root", V_PASS, NULL,
			  "%zu process%s under bgpshieldd (pid %ld), none root",
			  count, count == 1 ? "" : "es", parent);
	free(bad.p);
	free(ps);
}

/* --- the audit log -------------------------------------------------------- */

/* A file in dir that names needle; its name in found. */
static int grep_dir(const char *dir, const char *needle, char *found,
		    size_t len)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int hit = 0;

	if (!d)
		return 0;
	while (!hit && (de = readdir(d))) {
		char path[PATH_MAX], line[4096];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (!hit && fgets(line, sizeof(line), f))
			if (strstr(line, needle)) {
				hit = 1;
				snprintf(found, len, "%s", path);
			}
		fclose(f);
	}
	closedir(d);
	return hit;
}

void audit_check_audit_log(struct audit *a)
{
	char found[PATH_MAX];

	if (!a->cfg) {
		audit_add_no_config(a, "audit-log");
		audit_add_no_config(a, "audit-log-rotated");
		return;
	}
	if (!a->cfg->audit_path) {
		audit_add(a, "audit-log", V_WARN,
			  "add 'log { audit /var/log/bgpshield/audit.log; }' "
			  "to the "
			  "config",
			  "no audit log: security events (guard drops, refused "
			  "routes, control commands) are not kept");
		audit_add(a, "audit-log-rotated", V_WARN,
			  "configure an audit log and rotate it "
			  "(deploy/logrotate)",
			  "no audit log to rotate");
		return;
	}
	audit_add(a, "audit-log", V_PASS, NULL, "audit log %s",
		  a->cfg->audit_path);
	if (grep_dir(a->logrotate_dir, a->cfg->audit_path, found,
		     sizeof(found)) ||
	    grep_dir(a->logrotate_dir, "bgpshield", found, sizeof(found)))
		audit_add(a, "audit-log-rotated", V_PASS, NULL, "rotated by %s",
			  found);
	else
		audit_add(a, "audit-log-rotated", V_WARN,
			  "install deploy/logrotate/bgpshield in "
			  "/etc/logrotate.d "
			  "(make install does)",
			  "no file in %s rotates %s", a->logrotate_dir,
			  a->cfg->audit_path);
}

/* --- kernel features ------------------------------------------------------ */

void audit_check_kernel(struct audit *a)
{
	long v;

	if (tcpsec_ao_supported())
		audit_add(a, "kernel-tcp-ao", V_PASS, NULL,
			  "this kernel has TCP-AO (RFC 5925)");
	else
		audit_add(a, "kernel-tcp-ao", V_WARN,
			  "TCP-MD5 (md5-password-file) is the fallback; for "
			  "TCP-AO "
			  "run Linux 6.7+ with CONFIG_TCP_AO",
			  "this kernel has no TCP-AO");

	v = read_long("/proc/sys/net/core/bpf_jit_enable");
	if (v == 1)
		audit_add(a, "bpf-jit", V_PASS, NULL, "BPF JIT enabled");
	else if (v < 0 && a->jited == 1)
		audit_add(a, "bpf-jit", V_PASS, NULL,
			  "the pinned guard program is JIT-compiled");
	else if (v < 0 && a->jited == 0)
		audit_add(a, "bpf-jit", V_WARN,
			  "sysctl -w net.core.bpf_jit_enable=1 (in the initial "
			  "network namespace, and in /etc/sysctl.d)",
			  "the pinned guard program runs interpreted");
	else
		audit_add(a, "bpf-jit", V_WARN,
			  "sysctl -w net.core.bpf_jit_enable=1 (and in "
			  "/etc/sysctl.d)",
			  v < 0	   ? "cannot read net.core.bpf_jit_enable"
			  : v == 0 ? "BPF JIT off: the guard runs interpreted"
				   : "BPF JIT in debug mode (%ld)",
			  v);

	v = read_long("/proc/sys/kernel/unprivileged_bpf_disabled");
	if (v > 0)
		audit_add(a, "unprivileged-bpf", V_PASS, NULL,
			  "unprivileged BPF disabled (%ld)", v);
	else
		audit_add(
			a, "unprivileged-bpf", V_WARN,
			"sysctl -w kernel.unprivileged_bpf_disabled=2 (and in "
			"/etc/sysctl.d)",
			v < 0 ? "cannot read kernel.unprivileged_bpf_disabled"
			      : "unprivileged users may load BPF programs");
}

/* --- unexpected BGP sessions (sock_diag) -------------------------------------
 */

struct diag_ctx {
	struct audit *a;
	uint16_t port;
	struct sbuf bad;
	size_t sessions;
};

static int is_neighbor(const struct audit *a, const struct prefix *p)
{
	for (size_t i = 0; a->cfg && i < a->cfg->nneighbors; i++) {
		const struct prefix *n = &a->cfg->neighbors[i].address;

		if (n->family == p->family &&
		    !memcmp(n->addr, p->addr, prefix_addr_len(p->family)))
			return 1;
	}
	return 0;
}

static int diag_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct diag_ctx *c = data;
	uint16_t sport, dport;
	struct prefix p = {0};
	char b[PREFIX_STRLEN], item[PREFIX_STRLEN + 32];

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return MNL_CB_OK;
	sport = ntohs(m->id.idiag_sport);
	dport = ntohs(m->id.idiag_dport);
	if (sport != c->port && dport != c->port)
		return MNL_CB_OK;
	p.family = m->idiag_family;
	if (m->idiag_family == AF_INET) {
		p.plen = 32;
		memcpy(p.addr, m->id.idiag_dst, 4);
	} else {
		static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};

		p.plen = 128;
		memcpy(p.addr, m->id.idiag_dst, 16);
		/* An IPv4 peer on a dual-stack socket. */
		if (!memcmp(p.addr, mapped, 12)) {
			p.family = AF_INET;
			p.plen = 32;
			memmove(p.addr, p.addr + 12, 4);
			memset(p.addr + 4, 0, 12);
		}
	}
	c->sessions++;
	if (is_neighbor(c->a, &p))
		return MNL_CB_OK;
	snprintf(item, sizeof(item), "%s (port %u)",
		 prefix_fmt(&p, b, sizeof(b)),
		 dport == c->port ? dport : sport);
	audit_sb_item(&c->bad, item);
	return MNL_CB_OK;
}

/* Dump the established TCP sockets of one family (inet_diag_req_v2). */
static int diag_dump(struct mnl_socket *nl, int family, struct diag_ctx *c,
		     char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	unsigned int seq = (unsigned int)time(NULL) + family;
	unsigned int portid = mnl_socket_get_portid(nl);
	int r;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 1u << TCP_ESTABLISHED;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
		return -1;
	}
	while ((r = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		r = mnl_cb_run(buf, r, seq, portid, diag_cb, c);
		if (r <= MNL_CB_STOP)
			break;
	}
	if (r < 0) {
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void audit_check_sessions(struct audit *a)
{
	struct diag_ctx c = {.a = a, .port = BGPS_PORT_DEFAULT};
	struct mnl_socket *nl;
	char err[256] = "";

	if (a->cfg && a->cfg->guard.port)
		c.port = a->cfg->guard.port;
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		audit_add(a, "unexpected-sessions", V_WARN,
			  "run the audit as root", "cannot open sock_diag: %s",
			  strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return;
	}
	if (diag_dump(nl, AF_INET, &c, err, sizeof(err)) ||
	    diag_dump(nl, AF_INET6, &c, err, sizeof(err))) {
		audit_add(a, "unexpected-sessions", V_WARN,
			  "run the audit as root", "%s", err);
	} else if (!a->cfg) {
		audit_add(a, "unexpected-sessions", V_WARN,
			  "fix the config first",
			  "%zu established session%s on port %u, not compared: "
			  "the config does not parse",
			  c.sessions, c.sessions == 1 ? "" : "s", c.port);
	} else if (c.bad.len) {
		audit_add(
			a, "unexpected-sessions", V_FAIL,
			"find the process holding them (ss -tnp), close it and "
			"check how the peer got past the guard",
			"established TCP on port %u with addresses that are "
			"not "
			"neighbors: %s",
			c.port, c.bad.p);
	} else {
		audit_add(a, "unexpected-sessions", V_PASS, NULL,
			  "%zu established session%s on port %u, all with "
			  "neighbors",
			  c.sessions, c.sessions == 1 ? "" : "s", c.port);
	}
	free(c.bad.p);
	mnl_socket_close(nl);
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
