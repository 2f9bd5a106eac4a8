// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldctl audit, the checks on what the host says rather than what
 * the config says: which interfaces carry a neighbor, the guard's pins
 * and attachments, the processes below bgpshieldd, the audit log and its
 * rotation, kernel features, and the BGP sessions open right now
 * (sock_diag).  The results, the config checks and the command itself are
 * in ctl_audit.c.  Nothing here changes anything: it only reads.
 */
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "config.h"
#include "ctl.h"
#include "guard.h"
#include "tcpsec.h"

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

/* --- guard-binding: every GTSM neighbor bound to its interface and MAC ---- */

/* Every allowlist entry, sorted by prefix: one walk of the maps for all
 * neighbors, not one per neighbor. */
struct rule_vec {
	struct guard_rule *r;
	size_t n, cap;
};

static int collect_rule_cb(const struct guard_rule *r,
			   const struct bgps_peer *v, void *arg)
{
	struct rule_vec *c = arg;

	(void)v;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct guard_rule *nr = realloc(c->r, cap * sizeof(*nr));

		if (!nr)
			return -1;
		c->r = nr;
		c->cap = cap;
	}
	c->r[c->n++] = *r;
	return 0;
}

static int rule_cmp(const void *a, const void *b)
{
	return prefix_cmp(&((const struct guard_rule *)a)->pfx,
			  &((const struct guard_rule *)b)->pfx);
}

/*
 * A GTSM neighbor's entry passes the address and TTL checks for anyone who
 * can send with its address and TTL 255; only the interface and MAC
 * bindings (docs/GUARD.md) keep such a spoofer off the peer's SYN bucket.
 * What is checked is the pinned entry, as the guard enforces it now; the
 * intent flags tell a binding switched off in the config from one the
 * daemon has not resolved yet (no route, MAC not learned).
 */
static void check_binding(struct audit *a, struct guard *g)
{
	struct sbuf off = {0}, pending = {0}, missing = {0};
	char b[PREFIX_STRLEN], item[PREFIX_STRLEN + 64];
	struct rule_vec rv = {0};
	size_t n = 0;

	if (!a->cfg) {
		audit_add_no_config(a, "guard-binding");
		return;
	}
	guard_foreach_rule(g, collect_rule_cb, &rv);
	if (rv.n)
		qsort(rv.r, rv.n, sizeof(*rv.r), rule_cmp);
	for (size_t i = 0; i < a->cfg->nneighbors; i++) {
		const struct cfg_neighbor *nb = &a->cfg->neighbors[i];
		struct guard_rule key = {.pfx = nb->address};
		const struct guard_rule *r;
		const char *what;
		uint16_t flags;

		if (!nb->gtsm.min_ttl_in)
			continue;
		n++;
		prefix_fmt(&nb->address, b, sizeof(b));
		r = rv.n ? bsearch(&key, rv.r, rv.n, sizeof(*rv.r), rule_cmp)
			 : NULL;
		if (!r) {
			audit_sb_item(&missing, b);
			continue;
		}
		flags = r->pol.flags;
		/* the MAC only for a directly connected peer (255) */
		if ((flags & BGPS_PF_IFACE) &&
		    ((flags & BGPS_PF_MAC) || nb->gtsm.min_ttl_in != 255))
			continue;
		what = !(flags & BGPS_PF_IFACE) ? "interface" : "MAC";
		if (!(flags & BGPS_PF_IFACE) && nb->gtsm.min_ttl_in == 255 &&
		    !(flags & BGPS_PF_MAC))
			what = "interface and MAC";
		snprintf(item, sizeof(item), "%s (%s)", b, what);
		if ((!(flags & BGPS_PF_IFACE) &&
		     !(flags & BGPS_PF_IFACE_WANT)) ||
		    (nb->gtsm.min_ttl_in == 255 && !(flags & BGPS_PF_MAC) &&
		     !(flags & BGPS_PF_MAC_WANT)))
			audit_sb_item(&off, item);
		else
			audit_sb_item(&pending, item);
	}
	if (missing.len || off.len || pending.len)
		audit_add(a, "guard-binding", V_WARN,
			  "remove 'interface off;' / 'mac-binding off;' from "
			  "their guard blocks and reload; a pending binding "
			  "resolves once the kernel has a route and a "
			  "neighbour entry for the peer (docs/GUARD.md)",
			  "GTSM neighbors a spoofer of their address can "
			  "starve:%s%s%s%s%s%s",
			  off.len ? " binding off: " : "", off.len ? off.p : "",
			  pending.len ? (off.len ? "; not bound yet: "
						 : " not bound yet: ")
				      : "",
			  pending.len ? pending.p : "",
			  missing.len ? ((off.len || pending.len)
						 ? "; not in the allowlist: "
						 : " not in the allowlist: ")
				      : "",
			  missing.len ? missing.p : "");
	else
		audit_add(a, "guard-binding", V_PASS, NULL,
			  "%zu GTSM neighbor%s bound to interface%s", n,
			  n == 1 ? "" : "s",
			  n ? " (and MAC when directly connected)" : "");
	free(rv.r);
	free(off.p);
	free(pending.p);
	free(missing.p);
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
		audit_add(a, "guard-binding", V_WARN, "load the guard first",
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
	check_binding(a, &g);
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
