// SPDX-License-Identifier: GPL-2.0-only
/*
 * The privileged parent of bgpshieldd.
 *
 * It reads the config (secfile: one open, checks on that descriptor), loads
 * and attaches the guard and programs its allowlist from the config, binds
 * the BGP listening sockets and the control socket, forks the engine into
 * its sandbox and then only serves it: reloads, guard status, audit lines.
 * It follows link changes (re-attaching the guard), reads the guard's ring
 * buffer into the audit log, and restarts a dead engine with backoff.  The
 * guard never depends on either process being alive.
 *
 * Messages from the engine are checked with imsg_check() (direction, exact
 * length, descriptor) before anything else; the parent never parses text
 * the engine sends, except to copy an audit line, sanitised, into the log.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bind.h"
#include "config.h"
#include "daemon.h"
#include "flowset.h"
#include "guard.h"
#include "imsg.h"
#include "log.h"
#include "metrics.h"
#include "proc.h"
#include "sandbox.h"
#include "secfile.h"

#define BACKOFF_MIN 1
#define BACKOFF_MAX 60
#define SUMMARY_SECS 10
#define TOP_SOURCES 8

struct drop_src {
	uint8_t family;
	uint8_t addr[16];
	uint64_t count;
};

struct parent {
	const struct daemon_opts *o;
	char conf_path[PATH_MAX];
	char conf_dir[PATH_MAX];
	struct config *cfg;
	char *cfg_text;
	size_t cfg_len;
	uint32_t gen;
	uid_t uid;
	gid_t gid;
	gid_t ctl_gid;		/* control { group }, default gid */
	gid_t change_gid;	/* control { change-group } */
	int change_set;
	char pin_dir[CFG_PIN_DIR_MAX + 1];

	struct guard g;
	struct guard_watch *gw;
	struct guard_binder *binder; /* the allowlist's bindings (bind.c) */
	char (*wanted)[IF_NAMESIZE]; /* interfaces attached from config */
	size_t nwanted;

	int epfd, sigfd, timerfd, pidfd;
	int eng_sock;
	pid_t eng_pid;
	int backoff;
	time_t eng_started, restart_at;
	int ctl_fd;
	int metrics_fd;		/* metrics { listen }: the engine serves it */
	struct cfg_metrics metrics_bound;
	int listen_fd[DAEMON_MAX_LISTEN];
	int nlisten;
	FILE *audit;
	int flow_enforced;	/* a flowspec rule set was ever applied */
	/* The engine's last whole flowspec set (IMSG_FLOW_SET), merged with
	 * the config's on every change of either; the one arriving. */
	struct imsg_flow_rule *eng_flows;
	size_t neng_flows;
	struct imsg_flow_rx flow_rx;
	uint64_t flow_digest;	/* of the set last applied */
	uint64_t audit_errors;	/* lines the audit log refused, ever */
	uint64_t audit_failing;	/* in the current run of failures */
	int stopping;
	struct proc_set procs; /* API processes (proc.c) */

	/* drop events since the last summary */
	uint64_t drops[BGPS_R_MAX];
	uint64_t suppressed;
	struct drop_src top[TOP_SOURCES];
	time_t last_summary;
};

enum ep_tag { EP_SIG = 1, EP_TIMER, EP_ENGINE, EP_WATCH, EP_EVENTS, EP_BIND };

/* --- audit log --------------------------------------------------------- */


static void audit_raw(struct parent *p, const char *obj)
{
	char when[40];
	struct timespec ts;
	struct tm tm;

	if (!p->audit)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	/* obj is "{...}" minus its opening brace's content: splice time in */
	if (fprintf(p->audit, "{\"time\":\"%s.%03ldZ\",%s\n", when,
		    ts.tv_nsec / 1000000, obj + 1) < 0 ||
	    fflush(p->audit) != 0) {
		/* A full disk must not stop the daemon nor flood its log:
		 * count, say it once, say when it writes again. */
		if (!p->audit_failing++)
			log_warn("audit log write failed (counting further "
				 "failures)");
		p->audit_errors++;
		clearerr(p->audit);
		return;
	}
	if (p->audit_failing) {
		log_warnx("audit log writable again: %llu lines lost",
			  (unsigned long long)p->audit_failing);
		p->audit_failing = 0;
	}
}

static void audit_event(struct parent *p, const char *event, const char *text)
{
	char esc[1200], obj[1400];

	json_escape(esc, sizeof(esc), text ? text : "");
	snprintf(obj, sizeof(obj), "{\"event\":\"%s\",\"message\":\"%s\"}",
		 event, esc);
	audit_raw(p, obj);
}

static void audit_open(struct parent *p)
{
	const char *path = p->o->audit ? p->o->audit : p->cfg->audit_path;
	char dir[PATH_MAX];
	int fd;

	if (!path || p->audit)
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	mkdir(dirname(dir), 0750); /* /var/log/bgpshield on a fresh host */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		  0640);
	if (fd < 0) {
		log_warn("audit log %s", path);
		return;
	}
	p->audit = fdopen(fd, "a");
}

/* --- API processes (proc.c) ------------------------------------------- */

static time_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The engine gets a copy of each process's socket; without an engine it
 * hears of them when it starts (proc_announce). */
static void proc_notify(void *arg, int type, const struct proc *pr)
{
	struct parent *p = arg;
	struct imsg_proc m = { 0 };

	if (p->eng_sock < 0)
		return;
	snprintf(m.name, sizeof(m.name), "%s", pr->spec.name);
	m.encoder = pr->spec.encoder;
	m.gen = pr->gen;
	m.pid = pr->pid;
	if (imsg_send(p->eng_sock, type, &m, sizeof(m),
		      type == IMSG_PROC_FD ? pr->fd : -1) < 0)
		log_warnx("process %s: telling the engine failed", m.name);
}

static void proc_audit(void *arg, const char *event, const char *text)
{
	audit_event(arg, event, text);
}

/* --- config ------------------------------------------------------------ */

/* Read and parse the config; secret files too.  0, or -1 with err set. */
static int load_config(struct parent *p, struct config **out, char **text,
		       size_t *len, char *err, size_t errlen)
{
	struct stat st;
	int fd, r;

	*out = NULL;
	*text = NULL;
	if (secfile_open(p->conf_path, 0, 0, &fd, &st, err, errlen) < 0)
		return -1;
	r = secfile_read_fd(fd, p->conf_path, text, len, err, errlen);
	close(fd);
	if (r < 0)
		return -1;
	if (config_parse_buf(*text, *len, p->conf_path, out, err, errlen) < 0)
		goto fail;
	/* Inline passwords make the file a secret: checked on the stat of
	 * the descriptor we read, never a second look at the path. */
	if ((*out)->inline_secrets &&
	    secfile_check_private(p->conf_path, &st, err, errlen) < 0)
		goto fail;
	if (config_load_secrets(*out, p->conf_path, p->conf_dir, 0, err,
				errlen) < 0)
		goto fail;
	return 0;
fail:
	config_free(*out);
	*out = NULL;
	secfile_wipe(*text, *len);
	*text = NULL;
	return -1;
}

/* --- the guard, driven by the config ----------------------------------- */

static int name_listed(char (*list)[IF_NAMESIZE], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

static void add_name(char (**list)[IF_NAMESIZE], size_t *n, const char *name)
{
	char(*l)[IF_NAMESIZE];

	if (name_listed(*list, *n, name))
		return;
	l = realloc(*list, (*n + 1) * sizeof(**list));
	if (!l)
		return;
	snprintf(l[*n], IF_NAMESIZE, "%s", name);
	*list = l;
	(*n)++;
}

/* An interface `auto` found: only one the guard can parse.  A tunnel or
 * WireGuard device is left out with a warning (guard the Ethernet device
 * it runs over); named in the config, guard_attach() refuses it. */
static void add_auto(char (**list)[IF_NAMESIZE], size_t *n, const char *name)
{
	if (name_listed(*list, *n, name))
		return;
	if (!guard_iface_ethernet(name)) {
		log_warnx("guard: interface auto leaves out %s: not an Ethernet "
			  "interface (link type %d), the guard cannot parse its "
			  "frames; guard the device it runs over",
			  name, guard_iface_link_type(name));
		return;
	}
	add_name(list, n, name);
}

/*
 * `interface auto;`: the interfaces the kernel routes the neighbors
 * through (a connected UDP socket sends nothing but asks the routing
 * table), or with no neighbors every interface that is up but loopback.
 */
static void auto_interfaces(const struct config *c, char (**list)[IF_NAMESIZE],
			    size_t *n)
{
	struct ifaddrs *ifa = NULL, *i;

	if (getifaddrs(&ifa) < 0)
		return;
	for (size_t k = 0; k < c->nneighbors; k++) {
		const struct prefix *a = &c->neighbors[k].address;
		struct sockaddr_storage ss, local;
		socklen_t sl = sizeof(local), dl;
		struct prefix me, ifp;
		int fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		dl = prefix_to_sockaddr(a, 179, &ss);
		if (connect(fd, (void *)&ss, dl) == 0 &&
		    getsockname(fd, (void *)&local, &sl) == 0 &&
		    prefix_from_sockaddr(&local, &me) == 0) {
			for (i = ifa; i; i = i->ifa_next) {
				struct sockaddr_storage is;

				if (!i->ifa_addr ||
				    i->ifa_addr->sa_family != a->family)
					continue;
				memcpy(&is, i->ifa_addr,
				       a->family == AF_INET
					       ? sizeof(struct sockaddr_in)
					       : sizeof(struct sockaddr_in6));
				if (prefix_from_sockaddr(&is, &ifp) == 0 &&
				    !memcmp(ifp.addr, me.addr, 16))
					add_auto(list, n, i->ifa_name);
			}
		}
		close(fd);
	}
	if (!c->nneighbors)
		for (i = ifa; i; i = i->ifa_next)
			if ((i->ifa_flags & IFF_UP) &&
			    !(i->ifa_flags & IFF_LOOPBACK))
				add_auto(list, n, i->ifa_name);
	freeifaddrs(ifa);
}

/*
 * Resolve the rules' bindings (interfaces from routes and names, MACs from
 * the neighbour table) into their policies, in place, before they are
 * applied.  Without a binder (no rtnetlink) they stay as the config made
 * them: pending, never bound to something unresolved.
 */
static void bind_rules(struct parent *p, struct guard_rule *rules,
		       const struct guard_rule_bind *binds, size_t n)
{
	if (p->binder && binder_set(p->binder, rules, binds, n) < 0)
		log_warnx("guard bindings: out of memory; entries stay "
			  "unbound");
}

/*
 * Make the guard what the config says.  On the first call a failure is
 * fatal (the daemon must not run believing it is guarded); on a reload it
 * is reported and what could be applied stays.
 */
static void flowspec_configure(struct parent *p, const struct config *c,
			       int force);

static int guard_configure(struct parent *p, const struct config *c,
			   char *err, size_t errlen)
{
	struct guard_rule *rules = NULL;
	struct guard_rule_bind *binds = NULL;
	struct bgps_settings s;
	char(*want)[IF_NAMESIZE] = NULL;
	size_t nrules = 0, nwant = 0;
	int added, changed, removed, r, failed = 0;

	if (guard_settings_get(&p->g, &s) < 0) {
		snprintf(err, errlen, "%s", p->g.err);
		return -1;
	}
	if (config_guard_rules_bind(c, &rules, &binds, &nrules) < 0) {
		snprintf(err, errlen, "out of memory deriving the allowlist");
		return -1;
	}
	bind_rules(p, rules, binds, nrules);
	free(binds);
	/* Allowlist first: attaching before it is filled would drop the
	 * peers for a moment. */
	r = guard_apply(&p->g, rules, nrules, &added, &changed, &removed);
	free(rules);
	if (r < 0) {
		snprintf(err, errlen, "guard allowlist: %.900s", p->g.err);
		return -1;
	}
	s.port = c->guard.port ? c->guard.port : BGPS_PORT_DEFAULT;
	s.mode = c->guard.policy == CFG_POLICY_MONITOR ? BGPS_MODE_MONITOR
						       : BGPS_MODE_ENFORCE;
	s.event_rate = c->guard.event_rate;
	s.event_burst = c->guard.event_rate;
	/* The aggregate SYN bucket is not a config setting (see
	 * docs/CONFIG.md); an operator's 'guard set syn-rate' stays. */
	if (guard_settings_set(&p->g, &s) < 0) {
		snprintf(err, errlen, "guard settings: %.900s", p->g.err);
		return -1;
	}
	log_info("guard allowlist: %zu entries (%d added, %d changed, %d "
		 "removed), policy %s, port %u",
		 nrules, added, changed, removed,
		 s.mode == BGPS_MODE_MONITOR ? "monitor" : "enforce", s.port);

	if (c->guard.iface_auto)
		auto_interfaces(c, &want, &nwant);
	for (size_t i = 0; i < c->guard.nifaces; i++)
		add_name(&want, &nwant, c->guard.ifaces[i].name);
	for (size_t i = 0; i < nwant; i++) {
		int actual;

		if (guard_attach(&p->g, want[i], c->guard.mode, &actual) < 0) {
			log_warnx("guard: %s", p->g.err);
			snprintf(err, errlen, "guard: %.900s", p->g.err);
			failed = 1;
			continue;
		}
		log_info("guard attached to %s (%s)", want[i],
			 guard_mode_name(actual));
	}
	/* Interfaces the old config guarded and this one does not. */
	for (size_t i = 0; i < p->nwanted; i++)
		if (!name_listed(want, nwant, p->wanted[i]) &&
		    guard_detach(&p->g, p->wanted[i]) == 0)
			log_info("guard detached from %s (no longer in the "
				 "config)", p->wanted[i]);
	free(p->wanted);
	p->wanted = want;
	p->nwanted = nwant;
	flowspec_configure(p, c, 1);
	if (!nwant)
		log_warnx("guard: no interface to attach to (guard { "
			  "interface ...; })");
	return failed ? -1 : 0;
}

/*
 * The neighbor of config c an engine rule names, if its flowspec block
 * enforces that direction and the rule is within the bounds the config
 * puts on it (the engine checked the same; a compromised engine must not
 * get past them): NULL, with why, otherwise.
 */
static const struct cfg_neighbor *flow_neighbor(const struct config *c,
						const struct imsg_flow_rule *e,
						char *why, size_t wl)
{
	int dir = e->origin == IMSG_FLOW_RECEIVED ? CFG_FLOW_ENF_RECEIVED
						  : CFG_FLOW_ENF_ANNOUNCED;

	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct cfg_neighbor *n = &c->neighbors[i];

		if (n->address.family != e->nb_family ||
		    memcmp(n->address.addr, e->nb_addr, 16))
			continue;
		if (!(n->flow_enforce & dir)) {
			snprintf(why, wl, "the neighbor does not enforce %s "
				 "rules", dir == CFG_FLOW_ENF_RECEIVED
						  ? "received" : "announced");
			return NULL;
		}
		if ((dir == CFG_FLOW_ENF_RECEIVED
			     ? cfg_flow_enforceable_in(n, &e->rule, why, wl)
			     : cfg_flow_allowed(n, &e->rule, why, wl)))
			return NULL;
		return n;
	}
	snprintf(why, wl, "no such neighbor");
	return NULL;
}

/*
 * Flowspec enforcement (docs/ARCHITECTURE.md "Flowspec enforcement"): the
 * config's rules of every neighbor with `flowspec { enforce [announced];
 * }`, from the trusted config, first; then the engine's last whole set
 * (the API's rules, the neighbors' received ones, the config's again),
 * each rule checked against config c, one per match, the first winning.
 * Compiled into the guard as one set (docs/GUARD.md "Flowspec").  A set
 * the guard cannot hold is refused whole with an audit line, and the
 * rules in force stay: the port-179 guard itself is not affected either
 * way.
 */
static void flowspec_configure(struct parent *p, const struct config *c,
			       int force)
{
	struct flowset fs;
	struct fs_rule *rules = NULL;
	size_t nby[4] = { 0 }, skipped = 0;
	char err[512], why[256], first[400] = "";

	flowset_init(&fs);
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct cfg_neighbor *nb = &c->neighbors[i];

		if (!(nb->flow_enforce & CFG_FLOW_ENF_ANNOUNCED))
			continue;
		for (size_t j = 0; j < nb->nflows; j++)
			if (flowset_add(&fs, IMSG_FLOW_CONFIG, &nb->address,
					&nb->flows[j].rule, 1, why,
					sizeof(why)) < 0 &&
			    !skipped++)
				snprintf(first, sizeof(first),
					 "flow route '%s': %s",
					 nb->flows[j].name, why);
	}
	for (size_t i = 0; i < p->neng_flows; i++) {
		const struct imsg_flow_rule *e = &p->eng_flows[i];
		const struct cfg_neighbor *nb;

		if (!(nb = flow_neighbor(c, e, why, sizeof(why))) ||
		    flowset_add(&fs, e->origin, &nb->address, &e->rule, 1,
				why, sizeof(why)) < 0) {
			/* On a reload the engine's set is the old config's
			 * until it sends the new one (within 100 ms): what
			 * the new config no longer allows goes quietly.
			 * From the engine itself it is news. */
			if (!force && !skipped++)
				snprintf(first, sizeof(first),
					 "an engine rule: %s", why);
			continue;
		}
	}
	if (skipped) {
		/* the rest is enforced: one line for the lot */
		snprintf(err, sizeof(err), "%zu flowspec rules not enforced "
			 "(first: %.400s)", skipped, first);
		log_warnx("%s", err);
		audit_event(p, "flowspec_refused", err);
	}
	if (fs.n && !(rules = calloc(fs.n, sizeof(*rules)))) {
		log_warnx("flowspec: out of memory; rules in force unchanged");
		flowset_free(&fs);
		return;
	}
	for (size_t i = 0; i < fs.n; i++) {
		rules[i] = fs.r[i].rule;
		nby[fs.r[i].origin & 3]++;
	}
	if (!force && p->flow_enforced && fs.digest == p->flow_digest) {
		/* the engine sent the set in force again (its config came
		 * back the same): nothing to write */
	} else if (guard_flow_apply(&p->g, rules, fs.n, err, sizeof(err)) <
		   0) {
		log_warnx("flowspec enforcement refused: %s (the rules in "
			  "force stay)", err);
		audit_event(p, "flowspec_refused", err);
	} else {
		if (fs.n || p->flow_enforced)
			log_info("flowspec: %zu rules enforced by the guard "
				 "(config %zu, api %zu, received %zu)",
				 fs.n, nby[IMSG_FLOW_CONFIG],
				 nby[IMSG_FLOW_API], nby[IMSG_FLOW_RECEIVED]);
		p->flow_digest = fs.digest;
		if (fs.n)
			p->flow_enforced = 1;
	}
	free(rules);
	flowset_free(&fs);
}

/*
 * One chunk of the engine's flowspec set (imsg_check() checked the
 * framing).  Untrusted: every rule is decoded from its wire form with the
 * strict codec and checked, chunks must come in order within one
 * generation, and a set is used only when whole (imsg_flow_rx_chunk());
 * anything else drops the set being received, with a log line and an
 * audit line.
 */
static void flow_chunk(struct parent *p, const struct imsg *m)
{
	struct imsg_flow_rule *set;
	size_t n;
	char why[300];

	switch (imsg_flow_rx_chunk(&p->flow_rx, m, &set, &n, why,
				   sizeof(why))) {
	case 0:
		return;
	case 1:
		free(p->eng_flows);
		p->eng_flows = set;
		p->neng_flows = n;
		flowspec_configure(p, p->cfg, 0);
		return;
	default:
		log_warnx("engine message refused: %s", why);
		audit_event(p, "imsg_refused", why);
	}
}

/* --- ring buffer -> audit summary -------------------------------------- */

static int on_guard_event(const struct bgps_event *e, void *arg)
{
	struct parent *p = arg;
	size_t alen = e->family == 10 ? 16 : 4, slot = TOP_SOURCES;

	if (e->reason < BGPS_R_MAX)
		p->drops[e->reason]++;
	p->suppressed += e->suppressed;
	for (size_t i = 0; i < TOP_SOURCES; i++) {
		if (p->top[i].count && p->top[i].family == e->family &&
		    !memcmp(p->top[i].addr, e->saddr, alen)) {
			p->top[i].count++;
			return 0;
		}
		if (!p->top[i].count && slot == TOP_SOURCES)
			slot = i;
	}
	if (slot < TOP_SOURCES) {
		p->top[slot].family = e->family;
		memcpy(p->top[slot].addr, e->saddr, 16);
		p->top[slot].count = 1;
	}
	return 0;
}

/* One line per window, not one per packet of a flood. */
static void drop_summary(struct parent *p)
{
	char obj[2048], a[INET6_ADDRSTRLEN];
	uint64_t total = p->suppressed;
	int n = 0;

	for (int r = 0; r < BGPS_R_MAX; r++)
		total += p->drops[r];
	if (!total)
		return;
	n += snprintf(obj + n, sizeof(obj) - n,
		      "{\"event\":\"guard_drops\",\"window_s\":%d,\"reported\":{",
		      SUMMARY_SECS);
	for (int r = 1, first = 1; r < BGPS_R_MAX; r++) {
		if (!p->drops[r])
			continue;
		n += snprintf(obj + n, sizeof(obj) - n, "%s\"%s\":%llu",
			      first ? "" : ",", guard_reason_name(r),
			      (unsigned long long)p->drops[r]);
		first = 0;
	}
	n += snprintf(obj + n, sizeof(obj) - n,
		      "},\"suppressed\":%llu,\"sources\":{",
		      (unsigned long long)p->suppressed);
	for (int i = 0, first = 1; i < TOP_SOURCES; i++) {
		if (!p->top[i].count)
			continue;
		inet_ntop(p->top[i].family == 10 ? AF_INET6 : AF_INET,
			  p->top[i].addr, a, sizeof(a));
		n += snprintf(obj + n, sizeof(obj) - n, "%s\"%s\":%llu",
			      first ? "" : ",", a,
			      (unsigned long long)p->top[i].count);
		first = 0;
	}
	snprintf(obj + n, sizeof(obj) - n, "}}");
	audit_raw(p, obj);
	log_info("guard dropped %llu reported packets in %ds (%llu more "
		 "events suppressed)",
		 (unsigned long long)(total - p->suppressed), SUMMARY_SECS,
		 (unsigned long long)p->suppressed);
	memset(p->drops, 0, sizeof(p->drops));
	memset(p->top, 0, sizeof(p->top));
	p->suppressed = 0;
}

static void watch_log(const char *line, void *arg)
{
	struct parent *p = arg;

	log_info("%s", line);
	audit_event(p, "guard_link", line);
}

static void bind_log(void *arg, int level, const char *line)
{
	(void)arg;
	if (level == BIND_LOG_WARN)
		log_warnx("guard %s", line);
	else
		log_info("guard %s", line);
}

/* bind.c writes whole records ({"event":"guard_mac_change",...}): its
 * fields are addresses, MACs and escaped interface names */
static void bind_audit(void *arg, const char *obj)
{
	audit_raw(arg, obj);
}

/* --- sockets ------------------------------------------------------------ */

static int bind_control(struct parent *p)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = p->o->sock;
	char dir[PATH_MAX];
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control socket path too long: %s", path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	/* The run folder: root-owned, the daemon's group may enter. */
	if (mkdir(dirname(dir), 0750) == 0)
		chown(dir, 0, p->ctl_gid);
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path); /* a stale socket; the pid file lock proves it is */
	if (bind(fd, (void *)&sun, sizeof(sun)) < 0 ||
	    chown(path, p->uid, p->ctl_gid) < 0 || chmod(path, 0660) < 0 ||
	    listen(fd, 16) < 0) {
		log_warn("control socket %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

static void bind_bgp(struct parent *p)
{
	uint16_t ports[DAEMON_MAX_LISTEN / 2];
	int nports = 0, need4 = 0, need6 = 0;

	for (size_t i = 0; i < p->cfg->nneighbors; i++) {
		const struct cfg_neighbor *n = &p->cfg->neighbors[i];
		uint16_t port = n->listen_port ? n->listen_port : 179;
		int k;

		need4 |= n->address.family == AF_INET;
		need6 |= n->address.family == AF_INET6;
		for (k = 0; k < nports && ports[k] != port; k++)
			;
		if (k == nports && nports < DAEMON_MAX_LISTEN / 2)
			ports[nports++] = port;
	}
	for (int k = 0; k < nports; k++) {
		for (int fam = 0; fam < 2; fam++) {
			int af = fam ? AF_INET6 : AF_INET, one = 1, fd;
			struct sockaddr_storage ss;
			struct prefix any = { 0 };

			if ((af == AF_INET && !need4) ||
			    (af == AF_INET6 && !need6))
				continue;
			fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC |
						SOCK_NONBLOCK, 0);
			if (fd < 0)
				continue;
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one));
			/* the wildcard address of the family: a zero prefix */
			any.family = af;
			prefix_to_sockaddr(&any, ports[k], &ss);
			if (af == AF_INET6)
				setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
					   sizeof(one));
			if (bind(fd, (void *)&ss, sizeof(ss)) < 0 ||
			    listen(fd, 64) < 0) {
				/* A guard-only host runs another BGP daemon
				 * on this port: that is allowed. */
				log_warn("listening on %s port %u (passive "
					 "sessions disabled)",
					 af == AF_INET ? "IPv4" : "IPv6",
					 ports[k]);
				close(fd);
				continue;
			}
			p->listen_fd[p->nlisten++] = fd;
		}
	}
}

/*
 * metrics { listen ADDR:PORT; }: bound here (the parent has the config and
 * is trusted), served by the engine, which inherits it.  A failure costs
 * the metrics, not BGP or the guard: logged, and the daemon runs on.
 */
static int bind_metrics(struct parent *p)
{
	const struct cfg_metrics *m = &p->cfg->metrics;
	struct sockaddr_storage ss;
	char a[PREFIX_STRLEN];
	int fd, one = 1;

	if (!m->enabled)
		return -1;
	prefix_fmt(&m->addr, a, sizeof(a));
	fd = socket(m->addr.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0) {
		log_warn("metrics socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (m->addr.family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (void *)&ss, prefix_to_sockaddr(&m->addr, m->port, &ss)) <
		    0 ||
	    listen(fd, 16) < 0) {
		log_warn("metrics: listening on %s port %u (no metrics over "
			 "HTTP)",
			 a, m->port);
		close(fd);
		return -1;
	}
	p->metrics_bound = *m;
	log_info("metrics served on %s port %u%s", a, m->port,
		 config_metrics_loopback(m) ? "" : " (not a loopback address)");
	return fd;
}

/* --- the engine ---------------------------------------------------------- */

/* control { group; change-group; } as gids: the engine cannot read
 * /etc/group under Landlock, so names are resolved here. */
static int resolve_control(const struct config *c, gid_t def, gid_t *ctl,
			   gid_t *change, int *change_set, char *err,
			   size_t errlen)
{
	const char *names[2] = { c->control_group, c->control_change_group };
	gid_t gids[2] = { def, 0 };

	for (int i = 0; i < 2; i++) {
		struct group *gr;

		if (!names[i][0])
			continue;
		errno = 0;
		gr = getgrnam(names[i]);
		if (!gr) {
			snprintf(err, errlen,
				 "control { %s %s; }: no such group%s%s",
				 i ? "change-group" : "group", names[i],
				 errno ? ": " : "", errno ? strerror(errno) : "");
			return -1;
		}
		gids[i] = gr->gr_gid;
	}
	*ctl = gids[0];
	*change = gids[1];
	*change_set = names[1][0] != 0;
	return 0;
}

static int send_control_info(struct parent *p)
{
	const char *audit = p->o->audit ? p->o->audit : p->cfg->audit_path;
	struct imsg_control m = { 0 };

	m.change_gid = p->change_gid;
	m.change_set = p->change_set;
	snprintf(m.change_group, sizeof(m.change_group), "%s",
		 p->cfg->control_change_group);
	if (audit && strlen(audit) < sizeof(m.audit))
		memcpy(m.audit, audit, strlen(audit) + 1);
	return imsg_send(p->eng_sock, IMSG_CONTROL_INFO, &m, sizeof(m), -1);
}

static int send_config(struct parent *p)
{
	uint32_t gen = p->gen;
	size_t off = 0;
	int r;

	if ((r = imsg_send(p->eng_sock, IMSG_CONFIG_BEGIN, &gen, 4, -1)))
		return r;
	while (off < p->cfg_len) {
		size_t n = p->cfg_len - off;

		if (n > IMSG_MAX_PAYLOAD)
			n = IMSG_MAX_PAYLOAD;
		if ((r = imsg_send(p->eng_sock, IMSG_CONFIG_CHUNK,
				   p->cfg_text + off, n, -1)))
			return r;
		off += n;
	}
	/* Secrets read from files the engine may not open. */
	for (size_t i = 0; i < p->cfg->nneighbors; i++) {
		const struct cfg_neighbor *n = &p->cfg->neighbors[i];
		const struct cfg_secret *sec[2] = { &n->md5.secret,
						    &n->tcp_ao.secret };
		int on[2] = { n->md5.enabled, n->tcp_ao.enabled };

		for (int k = 0; k < 2; k++) {
			struct imsg_secret m = { 0 };

			if (!on[k] || !sec[k]->path || !sec[k]->loaded)
				continue;
			m.family = n->address.family;
			m.kind = k + 1;
			m.len = sec[k]->len;
			memcpy(m.addr, n->address.addr, 16);
			memcpy(m.key, sec[k]->key, sec[k]->len);
			r = imsg_send(p->eng_sock, IMSG_SECRET, &m, sizeof(m),
				      -1);
			explicit_bzero(&m, sizeof(m));
			if (r)
				return r;
		}
	}
	if ((r = send_control_info(p)))
		return r;
	return imsg_send(p->eng_sock, IMSG_CONFIG_END, &gen, 4, -1);
}

static void close_except(const int *keep, int nkeep)
{
	/* Close every descriptor but those kept: the engine must not hold
	 * a BPF map, the pid file or the audit log. */
	int maxfd = (int)sysconf(_SC_OPEN_MAX);

	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (int fd = 3; fd < maxfd; fd++) {
		int k;

		for (k = 0; k < nkeep && keep[k] != fd; k++)
			;
		if (k == nkeep)
			close(fd);
	}
}

static void engine_start(struct parent *p)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = EP_ENGINE };
	int sv[2];
	pid_t pid, parent_pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_warn("socketpair");
		return;
	}
	parent_pid = getpid();
	pid = fork();
	if (pid < 0) {
		log_warn("fork");
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		struct engine_fds fds = { .parent = sv[1],
					  .control = p->ctl_fd,
					  .metrics = p->metrics_fd };
		int keep[DAEMON_MAX_LISTEN + 3], nkeep = 0;
		char err[512];
		sigset_t all;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		keep[nkeep++] = sv[1];
		if (p->ctl_fd >= 0)
			keep[nkeep++] = p->ctl_fd;
		if (p->metrics_fd >= 0)
			keep[nkeep++] = p->metrics_fd;
		for (int i = 0; i < p->nlisten; i++) {
			fds.listen[fds.nlisten++] = p->listen_fd[i];
			keep[nkeep++] = p->listen_fd[i];
		}
		/* the inherited ones must survive: clear FD_CLOEXEC? no:
		 * there is no exec; cloexec only matters for exec. */
		close_except(keep, nkeep);
		log_set_prefix("bgpshieldd[engine]");
		/* The engine dies with us (PR_SET_PDEATHSIG, set in the
		 * sandbox after the uid change that would clear it). */
		if (sandbox_engine(p->uid, p->gid, parent_pid, err,
				   sizeof(err)) < 0) {
			log_warnx("engine sandbox: %s", err);
			_exit(3);
		}
		engine_main(&fds, p->conf_path);
	}
	close(sv[1]);
	p->eng_sock = sv[0];
	p->eng_pid = pid;
	p->eng_started = time(NULL);
	epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->eng_sock, &ev);
	if (send_config(p) < 0)
		log_warnx("handing the config to the engine failed");
	/*
	 * A restarted engine lost the routes the processes announced (they
	 * live in its memory only), and ExaBGP-style helpers announce when
	 * they start, not when the engine comes back: so they start again,
	 * and the new engine gets their sockets as they do.
	 */
	if (p->procs.n) {
		proc_stop_all(&p->procs);
		proc_sync(&p->procs, p->cfg, mono_now());
	}
	log_info("engine started (pid %d, user %s)", pid, p->cfg->user);
}

static void engine_gone(struct parent *p, int status)
{
	char what[96];

	if (WIFSIGNALED(status))
		snprintf(what, sizeof(what), "killed by signal %d%s",
			 WTERMSIG(status),
			 WTERMSIG(status) == SIGSYS ? " (seccomp)" : "");
	else
		snprintf(what, sizeof(what), "exited with status %d",
			 WEXITSTATUS(status));
	if (p->eng_sock >= 0) {
		epoll_ctl(p->epfd, EPOLL_CTL_DEL, p->eng_sock, NULL);
		close(p->eng_sock);
		p->eng_sock = -1;
	}
	/* a set it was part way through sending is not a set */
	imsg_flow_rx_free(&p->flow_rx);
	p->eng_pid = 0;
	if (p->stopping)
		return;
	/* Quick deaths back off; an engine that ran a while starts over. */
	if (time(NULL) - p->eng_started > BACKOFF_MAX)
		p->backoff = BACKOFF_MIN;
	log_warnx("engine %s; restarting in %ds (the guard keeps enforcing)",
		  what, p->backoff);
	audit_event(p, "engine_exit", what);
	p->restart_at = time(NULL) + p->backoff;
	p->backoff = p->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX
						  : p->backoff * 2;
}

/* --- reload -------------------------------------------------------------- */

static int reload(struct parent *p, char *msg, size_t msglen)
{
	struct config *c;
	char *text;
	size_t len;
	char err[1024];

	if (load_config(p, &c, &text, &len, err, sizeof(err)) < 0) {
		log_warnx("reload refused, old config stays: %s", err);
		audit_event(p, "reload_refused", err);
		snprintf(msg, msglen, "%.480s", err);
		return -EINVAL;
	}
	if (strcmp(c->guard.pin_dir, p->pin_dir))
		log_warnx("guard pin-dir changes only at restart (keeping %s)",
			  p->pin_dir);
	if (strcmp(c->user, p->cfg->user))
		log_warnx("user changes only at restart (keeping %s)",
			  p->cfg->user);
	if (c->metrics.enabled != p->metrics_bound.enabled ||
	    c->metrics.port != p->metrics_bound.port ||
	    memcmp(&c->metrics.addr, &p->metrics_bound.addr,
		   sizeof(c->metrics.addr)))
		log_warnx("metrics listen changes only at restart (keeping "
			  "what was bound at start)");
	{
		gid_t ctl, change;
		int set;

		if (resolve_control(c, p->gid, &ctl, &change, &set, err,
				    sizeof(err)) < 0) {
			log_warnx("reload refused, old config stays: %s", err);
			audit_event(p, "reload_refused", err);
			snprintf(msg, msglen, "%.480s", err);
			config_free(c);
			secfile_wipe(text, len);
			return -EINVAL;
		}
		if (ctl != p->ctl_gid)
			log_warnx("control group changes only at restart");
		p->change_gid = change;
		p->change_set = set;
	}
	if (guard_configure(p, c, err, sizeof(err)) < 0)
		log_warnx("reload: %s", err);
	snprintf(c->user, sizeof(c->user), "%s", p->cfg->user);
	config_free(p->cfg);
	secfile_wipe(p->cfg_text, p->cfg_len);
	p->cfg = c;
	p->cfg_text = text;
	p->cfg_len = len;
	p->gen++;
	if (p->eng_sock >= 0 && send_config(p) < 0)
		log_warnx("handing the new config to the engine failed");
	/* After the config, so the engine knows the names it gets. */
	proc_sync(&p->procs, c, mono_now());
	snprintf(msg, msglen, "config %.400s reloaded (generation %u): %zu "
		 "neighbors", p->conf_path, p->gen, c->nneighbors);
	log_info("%s", msg);
	audit_event(p, "reload", msg);
	return 0;
}

/* --- engine messages ----------------------------------------------------- */

/* show guard: the entries, and how many are bound or still pending */
static int count_rules(const struct guard_rule *r, const struct bgps_peer *v,
		       void *arg)
{
	struct imsg_guard_status *gs = arg;
	uint16_t f = r->pol.flags;

	(void)v;
	gs->n_rules++;
	if (f & BGPS_PF_IFACE)
		gs->n_iface_bound++;
	else if (f & BGPS_PF_IFACE_WANT)
		gs->n_iface_pending++;
	if (f & BGPS_PF_MAC)
		gs->n_mac_bound++;
	else if (f & BGPS_PF_MAC_WANT)
		gs->n_mac_pending++;
	return 0;
}

static int count_ifaces(const struct guard_iface_status *st, void *arg)
{
	uint32_t *n = arg;

	n[0]++;
	if (st->live_mode >= 0)
		n[1]++;
	return 0;
}

/* The guard's metrics, from the parent's own maps only: nothing the
 * engine sent but the request id goes into it. */
struct metrics_ctx {
	struct metrics_peer *v;
	size_t n, cap;
	struct guard_iface_status *ifs;
	size_t ni, capi;
	struct bgps_fs_rule *fl;
	size_t nf, capf;
};

static int metrics_flow_cb(const struct bgps_fs_rule *r, void *arg)
{
	struct metrics_ctx *x = arg;

	if (x->nf == x->capf) {
		size_t ncap = x->capf ? x->capf * 2 : 16;
		struct bgps_fs_rule *nf = realloc(x->fl, ncap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		x->fl = nf;
		x->capf = ncap;
	}
	x->fl[x->nf++] = *r;
	return 0;
}

static int metrics_rule_cb(const struct guard_rule *r,
			   const struct bgps_peer *v, void *arg)
{
	struct metrics_ctx *x = arg;

	if (x->n == x->cap) {
		size_t ncap = x->cap ? x->cap * 2 : 64;
		struct metrics_peer *nv;

		/* the four allowlist maps cannot hold more */
		if (x->cap >= 2 * (BGPS_MAX_PEERS + BGPS_MAX_RANGES))
			return 0;
		nv = realloc(x->v, ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		x->v = nv;
		x->cap = ncap;
	}
	x->v[x->n].rule = *r;
	x->v[x->n].v = *v;
	x->n++;
	return 0;
}

static int metrics_iface_cb(const struct guard_iface_status *st, void *arg)
{
	struct metrics_ctx *x = arg;

	if (x->ni == x->capi) {
		size_t ncap = x->capi ? x->capi * 2 : 8;
		struct guard_iface_status *ni;

		if (x->capi >= BGPS_MAX_IFACES)
			return 0;
		ni = realloc(x->ifs, ncap * sizeof(*ni));
		if (!ni)
			return -ENOMEM;
		x->ifs = ni;
		x->capi = ncap;
	}
	x->ifs[x->ni++] = *st;
	return 0;
}

static void send_metrics(struct parent *p, uint32_t id)
{
	static uint8_t chunk[IMSG_MAX_PAYLOAD];
	struct metrics_guard mg = { 0 };
	struct metrics_ctx x = { 0 };
	struct binder_stats bs;
	struct mbuf b = { .max = METRICS_GUARD_MAX };
	struct imsg_metrics h = { id, 0 };
	const size_t room = sizeof(chunk) - sizeof(h);
	size_t off = 0;

	if (guard_stats(&p->g, &mg.stats) < 0 ||
	    guard_settings_get(&p->g, &mg.settings) < 0 ||
	    guard_foreach_rule(&p->g, metrics_rule_cb, &x) < 0 ||
	    guard_foreach_iface(&p->g, metrics_iface_cb, &x) < 0 ||
	    guard_flow_foreach(&p->g, metrics_flow_cb, &x) < 0)
		mg.status = -EIO;
	mg.audit_errors = p->audit_errors;
	binder_stats(p->binder, &bs);
	mg.bind_mac_changes = bs.mac_changes;
	mg.bind_rebinds = bs.rebinds;
	mg.bind_failures = bs.resolve_failures;
	mg.peers = x.v;
	mg.npeers = x.n;
	mg.ifaces = x.ifs;
	mg.nifaces = x.ni;
	mg.flows = x.fl;
	mg.nflows = x.nf;
	metrics_guard_text(&b, &mg);
	if (b.failed) {
		/* a cut text would not parse: say only that it failed */
		mbuf_free(&b);
		mg.status = -ENOMEM;
		metrics_guard_text(&b, &mg);
	}
	do {
		size_t n = b.len - off > room ? room : b.len - off;

		h.more = off + n < b.len;
		memcpy(chunk, &h, sizeof(h));
		if (n)
			memcpy(chunk + sizeof(h), b.p + off, n);
		if (imsg_send(p->eng_sock, IMSG_METRICS, chunk, sizeof(h) + n,
			      -1) < 0)
			break;
		off += n;
	} while (off < b.len);
	mbuf_free(&b);
	free(x.v);
	free(x.ifs);
	free(x.fl);
}

static void engine_msg(struct parent *p)
{
	static struct imsg m;
	char why[128];
	int r;

	while ((r = imsg_recv(p->eng_sock, &m)) > 0) {
		if (imsg_check(&m, IMSG_E2P, why, sizeof(why)) < 0) {
			/* The security boundary: log and drop. */
			log_warnx("engine message refused: %s", why);
			audit_event(p, "imsg_refused", why);
			if (m.fd >= 0)
				close(m.fd);
			continue;
		}
		switch (m.hdr.type) {
		case IMSG_READY:
			log_info("engine ready (pid %d, config generation %u)",
				 p->eng_pid, p->gen);
			break;
		case IMSG_RELOAD_REQ: {
			struct imsg_result res = { 0 };

			memcpy(&res.id, m.data, 4);
			res.status = reload(p, res.text, sizeof(res.text));
			imsg_send(p->eng_sock, IMSG_RELOAD_RESULT, &res,
				  sizeof(res), -1);
			break;
		}
		case IMSG_GUARD_REQ: {
			struct imsg_guard_status gs = { 0 };
			uint32_t ifn[2] = { 0, 0 };

			memcpy(&gs.id, m.data, 4);
			if (guard_stats(&p->g, &gs.stats) < 0 ||
			    guard_settings_get(&p->g, &gs.settings) < 0)
				gs.status = -EIO;
			guard_foreach_rule(&p->g, count_rules, &gs);
			guard_foreach_iface(&p->g, count_ifaces, ifn);
			gs.n_ifaces = ifn[0];
			gs.n_attached = ifn[1];
			imsg_send(p->eng_sock, IMSG_GUARD_STATUS, &gs,
				  sizeof(gs), -1);
			break;
		}
		case IMSG_FLOW_SET:
			flow_chunk(p, &m);
			break;
		case IMSG_METRICS_REQ: {
			uint32_t id;

			memcpy(&id, m.data, 4);
			send_metrics(p, id);
			break;
		}
		case IMSG_AUDIT: {
			char line[IMSG_AUDIT_MAX + 1];

			/* Copy, cut at the first control byte: one line,
			 * whatever the engine sent. */
			size_t k;

			for (k = 0; k < m.hdr.len && m.data[k] >= 0x20 &&
				    m.data[k] != 0x7f;
			     k++)
				line[k] = m.data[k];
			line[k] = 0;
			if (k >= 2 && line[0] == '{' && line[k - 1] == '}')
				audit_raw(p, line);
			else
				audit_event(p, "engine_audit_malformed", "");
			break;
		}
		}
	}
	if (r == 0 || (r < 0 && r != -EAGAIN && r != -EMSGSIZE)) {
		/* engine closed its end: SIGCHLD follows */
		epoll_ctl(p->epfd, EPOLL_CTL_DEL, p->eng_sock, NULL);
	} else if (r == -EMSGSIZE) {
		log_warnx("engine message refused: malformed datagram");
	}
}

/* --- main loop ----------------------------------------------------------- */

static int write_pidfile(struct parent *p)
{
	char buf[32];
	int fd;

	fd = open(p->o->pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0) {
		log_warn("pid file %s", p->o->pidfile);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = 0;
		log_warnx("another bgpshieldd runs with pid file %s (pid %s)",
			  p->o->pidfile, strtok(buf, "\n") ? buf : "?");
		close(fd);
		return -1;
	}
	ftruncate(fd, 0);
	snprintf(buf, sizeof(buf), "%d\n", getpid());
	write(fd, buf, strlen(buf));
	p->pidfd = fd;
	return 0;
}

static void shutdown_all(struct parent *p)
{
	char err[256];

	p->stopping = 1;
	if (p->eng_pid > 0) {
		int st;

		kill(p->eng_pid, SIGTERM);
		for (int i = 0; i < 50; i++) {
			if (waitpid(p->eng_pid, &st, WNOHANG) == p->eng_pid)
				break;
			usleep(20000);
			if (i == 49) {
				kill(p->eng_pid, SIGKILL);
				waitpid(p->eng_pid, &st, 0);
			}
		}
	}
	proc_stop_all(&p->procs);
	drop_summary(p);
	if (p->cfg && p->cfg->guard.on_exit == CFG_ON_EXIT_DETACH) {
		for (size_t i = 0; i < p->nwanted; i++)
			guard_detach(&p->g, p->wanted[i]);
		log_info("guard detached (on-exit detach)");
		audit_event(p, "stop", "guard detached");
	} else {
		log_info("stopping; the guard keeps enforcing (on-exit keep)");
		audit_event(p, "stop", "guard keeps enforcing");
	}
	guard_watch_close(p->gw);
	binder_close(p->binder);
	guard_close(&p->g);
	if (p->ctl_fd >= 0)
		unlink(p->o->sock);
	if (p->pidfd >= 0)
		unlink(p->o->pidfile);
	(void)err;
}

int parent_main(const struct daemon_opts *o)
{
	static struct parent P;
	struct parent *p = &P;
	struct epoll_event ev;
	char err[1024];
	sigset_t mask;
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };

	p->o = o;
	p->eng_sock = p->ctl_fd = p->pidfd = -1;
	p->metrics_fd = -1;
	p->backoff = BACKOFF_MIN;
	if (!realpath(o->conf, p->conf_path))
		snprintf(p->conf_path, sizeof(p->conf_path), "%s", o->conf);
	{
		char d[PATH_MAX];

		memcpy(d, p->conf_path, sizeof(d));
		snprintf(p->conf_dir, sizeof(p->conf_dir), "%s", dirname(d));
	}

	if (load_config(p, &p->cfg, &p->cfg_text, &p->cfg_len, err,
			sizeof(err)) < 0) {
		log_warnx("%s", err);
		return 1;
	}
	if (sandbox_lookup(p->cfg->user, &p->uid, &p->gid, err, sizeof(err))) {
		log_warnx("%s", err);
		return 1;
	}
	{
		struct proc_hooks h = { proc_notify, proc_audit, p };

		proc_set_init(&p->procs, p->uid, p->gid, p->cfg->user, &h);
	}
	if (resolve_control(p->cfg, p->gid, &p->ctl_gid, &p->change_gid,
			    &p->change_set, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return 1;
	}
	snprintf(p->pin_dir, sizeof(p->pin_dir), "%s",
		 o->pin_dir ? o->pin_dir : p->cfg->guard.pin_dir);
	{
		char d[PATH_MAX];

		snprintf(d, sizeof(d), "%s", o->pidfile);
		mkdir(dirname(d), 0755);
	}
	if (write_pidfile(p) < 0)
		return 1;
	audit_open(p);

	/* The guard before anything listens. */
	guard_init(&p->g);
	if (guard_load(&p->g, p->pin_dir) < 0) {
		log_warnx("guard: %s", p->g.err);
		unlink(o->pidfile);
		return 1;
	}
	/* Subscribed before the first resolution, so no change between the
	 * two is missed.  Without it the entries stay unbound (pending). */
	{
		struct binder_hooks h = { bind_log, bind_audit, p };

		p->binder = binder_open(&p->g, &h);
		if (!p->binder)
			log_warnx("guard bindings: %s; allowlist entries stay "
				  "unbound",
				  p->g.err);
	}
	if (guard_configure(p, p->cfg, err, sizeof(err)) < 0) {
		log_warnx("refusing to start unguarded: %s", err);
		unlink(o->pidfile);
		return 1;
	}
	if (guard_events_open(&p->g, on_guard_event, p) < 0)
		log_warnx("guard events: %s", p->g.err);
	p->gw = guard_watch_open(&p->g, watch_log, p);
	if (!p->gw)
		log_warnx("link watch: %s", p->g.err);

	p->ctl_fd = bind_control(p);
	bind_bgp(p);
	p->metrics_fd = bind_metrics(p);
	if (sandbox_parent_caps(err, sizeof(err)) < 0)
		log_warnx("dropping capabilities: %s", err);

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	p->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	p->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	timerfd_settime(p->timerfd, 0, &its, NULL);
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.u32 = EP_SIG;
	epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->sigfd, &ev);
	ev.data.u32 = EP_TIMER;
	epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->timerfd, &ev);
	if (p->gw) {
		ev.data.u32 = EP_WATCH;
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, guard_watch_fd(p->gw), &ev);
	}
	if (guard_events_fd(&p->g) >= 0) {
		ev.data.u32 = EP_EVENTS;
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, guard_events_fd(&p->g), &ev);
	}
	if (p->binder) {
		ev.data.u32 = EP_BIND;
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, binder_fd(p->binder), &ev);
	}
	log_info("bgpshieldd %s started: config %s, guard %s, %zu neighbors",
		 BGPSHIELD_VERSION, p->conf_path, p->pin_dir,
		 p->cfg->nneighbors);
	audit_event(p, "start", p->conf_path);
	p->last_summary = time(NULL);
	engine_start(p);
	proc_sync(&p->procs, p->cfg, mono_now());

	while (!p->stopping) {
		struct epoll_event evs[8];
		int n = epoll_wait(p->epfd, evs, 8, -1);

		for (int i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EP_SIG: {
				struct signalfd_siginfo si;

				while (read(p->sigfd, &si, sizeof(si)) ==
				       sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						char msg[512];

						reload(p, msg, sizeof(msg));
					} else if (si.ssi_signo == SIGCHLD) {
						int st;
						pid_t w;

						while ((w = waitpid(-1, &st,
								    WNOHANG)) > 0)
							if (w == p->eng_pid)
								engine_gone(p,
									    st);
							else
								proc_reaped(
									&p->procs,
									w, st,
									mono_now());
					} else {
						p->stopping = 1;
					}
				}
				break;
			}
			case EP_TIMER: {
				uint64_t x;

				read(p->timerfd, &x, sizeof(x));
				if (!p->eng_pid && p->restart_at &&
				    time(NULL) >= p->restart_at) {
					p->restart_at = 0;
					engine_start(p);
				}
				proc_tick(&p->procs, mono_now());
				/* what the rate limit held back after the
				 * last changes */
				binder_tick(p->binder);
				if (time(NULL) - p->last_summary >=
				    SUMMARY_SECS) {
					drop_summary(p);
					p->last_summary = time(NULL);
				}
				break;
			}
			case EP_ENGINE:
				if (p->eng_sock >= 0)
					engine_msg(p);
				break;
			case EP_WATCH:
				if (guard_watch_dispatch(p->gw) < 0)
					log_warnx("link watch: %s", p->g.err);
				break;
			case EP_EVENTS:
				ring_buffer__consume(p->g.rb);
				break;
			case EP_BIND:
				if (binder_dispatch(p->binder) < 0)
					log_warnx("guard bindings: %s",
						  p->g.err);
				binder_tick(p->binder);
				break;
			}
		}
	}
	shutdown_all(p);
	config_free(p->cfg);
	secfile_wipe(p->cfg_text, p->cfg_len);
	free(p->wanted);
	return 0;
}
