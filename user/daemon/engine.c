// SPDX-License-Identifier: GPL-2.0-only
/*
 * The unprivileged engine of bgpshieldd: it runs as the configured user with
 * no capabilities, no_new_privs, no filesystem access (Landlock) and a
 * seccomp allowlist (sandbox.c), and parses everything that comes from
 * outside: control clients today, BGP peers and API processes next.
 *
 * It owns the control socket (bound by the parent, handed over by fork):
 * one request line per connection, answered with "ok" or "error" on the
 * first line and the body after it.  What needs privileges (reload, guard
 * counters) is asked of the parent through imsg.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "guard_names.h"
#include "flowenf.h"
#include "imsg.h"
#include "log.h"
#include "secfile.h"
#include "session.h"
#include "api.h"
#include "api_json.h"
#include "apiproc.h"
#include "metrics.h"

#define CTL_MAX_CLIENTS 32
#define CTL_LINE_MAX 1024
#define CTL_TIMEOUT_SECS 10
#define CTL_MAX_GROUPS 64
#define CFG_TEXT_MAX (16u * 1024 * 1024)

enum { EV_PARENT = 1, EV_CONTROL, EV_LISTEN_BASE = 0x10, EV_CLIENT = 0x100 };

struct buf {
	char *p;
	size_t len, cap;
};

struct client {
	int fd;
	char line[CTL_LINE_MAX + 1];
	size_t len;
	int json;
	uint32_t wait_id; /* waiting for the parent's answer to this id */
	time_t since;
	/* the client's credentials (SO_PEERCRED, SO_PEERGROUPS) */
	int creds;
	uid_t uid;
	gid_t gid;
	gid_t groups[CTL_MAX_GROUPS];
	int ngroups;
	/* the reply being written */
	int sending;
	struct buf out;
	size_t out_off;
};

struct engine {
	const struct engine_fds *fds;
	const char *conf_name;
	int epfd;
	struct config *cfg;
	uint32_t gen;
	int ready;
	time_t started;
	/* a config arriving in chunks */
	char *text;
	size_t text_len, text_cap;
	uint32_t text_gen;
	int text_bad;
	struct imsg_secret secrets[64];
	size_t nsecrets;
	struct client clients[CTL_MAX_CLIENTS];
	uint32_t next_id;
	uint64_t ctl_refused;
	struct imsg_control ctl; /* change-group, audit path (parent) */
};

/* --- replies --------------------------------------------------------------- */

static void bprintf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->len + n < b->cap) {
			b->len += n;
			return;
		}
		size_t ncap = (b->cap + n + 1) * 2;
		char *np = realloc(b->p, ncap);

		if (!np)
			return;
		b->p = np;
		b->cap = ncap;
	}
}

static void json_str(struct buf *b, const char *s)
{
	bprintf(b, "\"");
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			bprintf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			bprintf(b, "\\u%04x", c);
		else
			bprintf(b, "%c", c);
	}
	bprintf(b, "\"");
}

static void client_close(struct engine *e, struct client *c)
{
	epoll_ctl(e->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out.p);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Write what is queued; close when all is gone (or the client is). */
static void client_write(struct engine *e, struct client *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off,
				 c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return; /* EPOLLOUT brings us back */
		if (n <= 0)
			break;
		c->out_off += (size_t)n;
	}
	client_close(e, c);
}

/* Queue the whole reply and send it as the client reads it (a show rib
 * can be larger than the socket buffer), then close. */
static void client_reply(struct engine *e, struct client *c, int ok,
			 struct buf *body)
{
	struct epoll_event ev = { .events = EPOLLOUT,
				  .data.u32 = EV_CLIENT +
					      (uint32_t)(c - e->clients) };

	memset(&c->out, 0, sizeof(c->out));
	c->out_off = 0;
	bprintf(&c->out, "%s", ok ? "ok\n" : "error\n");
	if (body && body->len && c->out.p) {
		char *np = realloc(c->out.p, c->out.len + body->len + 1);

		if (np) {
			memcpy(np + c->out.len, body->p, body->len);
			c->out.p = np;
			c->out.len += body->len;
			c->out.cap = c->out.len + 1;
			c->out.p[c->out.len] = 0;
		}
	}
	if (!c->out.p) {
		client_close(e, c);
		return;
	}
	c->sending = 1;
	c->wait_id = 0;
	epoll_ctl(e->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	client_write(e, c);
}

static void client_error(struct engine *e, struct client *c, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));
static void client_error(struct engine *e, struct client *c, const char *fmt,
			 ...)
{
	struct buf b = { 0 }, a = { 0 };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->json) {
		bprintf(&b, "{\"error\":");
		json_str(&b, msg);
		bprintf(&b, "}\n");
	} else {
		bprintf(&b, "%s\n", msg);
	}
	/* Every refused command leaves an audit line (written by the
	 * parent: the engine has no file access). */
	e->ctl_refused++;
	bprintf(&a, "{\"event\":\"control_refused\",\"request\":");
	json_str(&a, c->line);
	bprintf(&a, ",\"error\":");
	json_str(&a, msg);
	bprintf(&a, "}");
	if (a.p && a.len <= IMSG_AUDIT_MAX)
		imsg_send(e->fds->parent, IMSG_AUDIT, a.p, a.len, -1);
	free(a.p);
	client_reply(e, c, 0, &b);
	free(b.p);
}

/* --- commands ---------------------------------------------------------------- */

static void cmd_status(struct engine *e, struct client *c)
{
	struct buf b = { 0 };
	long up = (long)(time(NULL) - e->started);
	struct apiproc_stats as;

	if (c->json)
		bprintf(&b,
			"{\"version\":\"%s\",\"engine_pid\":%d,\"uid\":%u,"
			"\"config\":",
			BGPSHIELD_VERSION, getpid(), getuid());
	else
		bprintf(&b,
			"bgpshieldd %s\n  engine pid %d, uid %u, up %lds\n"
			"  config %s (generation %u)\n",
			BGPSHIELD_VERSION, getpid(), getuid(), up,
			e->conf_name, e->gen);
	apiproc_stats(&as);
	if (c->json) {
		json_str(&b, e->conf_name);
		bprintf(&b,
			",\"generation\":%u,\"uptime_s\":%ld,\"neighbors\":%zu,"
			"\"control_refused\":%llu,\"change_group\":",
			e->gen, up, e->cfg ? e->cfg->nneighbors : 0,
			(unsigned long long)e->ctl_refused);
		if (e->ctl.change_set)
			json_str(&b, e->ctl.change_group);
		else
			bprintf(&b, "null");
		bprintf(&b, ",\"audit\":");
		if (e->ctl.audit[0])
			json_str(&b, e->ctl.audit);
		else
			bprintf(&b, "null");
		bprintf(&b,
			",\"api\":{\"processes\":%zu,"
			"\"commands\":%llu,\"errors\":%llu,"
			"\"rate_limited\":%llu,\"long_lines\":%llu,"
			"\"events_dropped\":%llu}}\n",
			as.processes,
			(unsigned long long)as.commands,
			(unsigned long long)as.errors,
			(unsigned long long)as.rate_limited,
			(unsigned long long)as.long_lines,
			(unsigned long long)as.events_dropped);
	} else {
		bprintf(&b, "  %zu neighbors configured\n",
			e->cfg ? e->cfg->nneighbors : 0);
		bprintf(&b, "  audit log %s\n",
			e->ctl.audit[0] ? e->ctl.audit : "(none)");
		if (e->ctl.change_set)
			bprintf(&b, "  changes need group %s\n",
				e->ctl.change_group);
		bprintf(&b, "  api: %zu processes, %llu commands, %llu errors, "
			"%llu rate-limited, %llu over-long lines\n",
			as.processes, (unsigned long long)as.commands,
			(unsigned long long)as.errors,
			(unsigned long long)as.rate_limited,
			(unsigned long long)as.long_lines);
	}
	client_reply(e, c, 1, &b);
	free(b.p);
}

/* show neighbor [ADDR] [summary]: a table, one line each with summary,
 * or every detail of one neighbor when ADDR is named. */
/* ADD-PATH families (BGP_FAM_* bits: 1 IPv4, 2 IPv6 unicast), as a JSON
 * list's items or as text. */
static const char *addpath_fams(unsigned int bits, int json)
{
	static const char *const j[4] = {
		"", "\"ipv4 unicast\"", "\"ipv6 unicast\"",
		"\"ipv4 unicast\",\"ipv6 unicast\"",
	};
	static const char *const t[4] = {
		"-", "ipv4 unicast", "ipv6 unicast",
		"ipv4 unicast and ipv6 unicast",
	};

	return json ? j[bits & 3] : t[bits & 3];
}

static void cmd_neighbors(struct engine *e, struct client *c, const char *arg,
			  int summary)
{
	struct buf b = { 0 };
	char a[PREFIX_STRLEN];
	int n = 0;

	if (c->json)
		bprintf(&b, "[");
	else if (summary)
		bprintf(&b, "%-28s %10s %-12s %8s %7s %7s\n", "NEIGHBOR",
			"PEER-AS", "STATE", "UP", "PFX-IN", "PFX-OUT");
	else if (!arg)
		bprintf(&b, "%-28s %10s %10s %-5s %-5s %-12s %8s %7s %7s  %s\n",
			"NEIGHBOR", "PEER-AS", "LOCAL-AS", "AUTH", "GTSM",
			"STATE", "UP", "PFX-IN", "PFX-OUT", "LAST ERROR");
	for (size_t i = 0; e->cfg && i < e->cfg->nneighbors; i++) {
		const struct cfg_neighbor *nb = &e->cfg->neighbors[i];
		const char *auth = nb->tcp_ao.enabled ? "ao"
				   : nb->md5.enabled  ? "md5"
						      : "none";
		struct sess_info si;

		if (sessions_info(i, &si) < 0) {
			memset(&si, 0, sizeof(si));
			si.state = SESS_IDLE;
		}
		prefix_fmt(&nb->address, a, sizeof(a));
		if (arg && strcmp(arg, a))
			continue;
		if (c->json) {
			bprintf(&b,
				"%s{\"address\":\"%s\",\"peer_as\":%u,"
				"\"local_as\":%u,\"auth\":\"%s\","
				"\"min_ttl\":%u,\"state\":\"%s\","
				"\"uptime_s\":%llu,\"prefixes_in\":%zu,"
				"\"prefixes_out\":%zu,\"messages_in\":%llu,"
				"\"messages_out\":%llu,\"hold_time\":%u,"
				"\"md5\":%s,\"tcp_ao\":%s,\"gtsm\":%s,"
				"\"last_error\":",
				n ? "," : "", a, nb->peer_as, nb->local_as,
				auth, nb->gtsm.min_ttl_in,
				sess_state_name(si.state),
				(unsigned long long)si.uptime_s,
				si.prefixes_in, si.prefixes_out,
				(unsigned long long)si.msgs_in,
				(unsigned long long)si.msgs_out, si.hold,
				nb->md5.enabled ? "true" : "false",
				nb->tcp_ao.enabled ? "true" : "false",
				nb->gtsm.min_ttl_in ? "true" : "false");
			json_str(&b, si.last_error);
			bprintf(&b,
				",\"routes_originated\":%zu,"
				"\"flows_in\":%zu,\"flows_originated\":%zu,"
				"\"filtered_in\":%llu,\"refused_out\":%llu,"
				"\"max_prefix_exceeded\":%s",
				si.routes_api, si.flows_in, si.flows_api,
				(unsigned long long)si.filtered_in,
				(unsigned long long)si.refused_out,
				si.max_prefix_hit ? "true" : "false");
			/* RFC 7911: the families path ids go out / come
			 * in for, as negotiated */
			bprintf(&b, ",\"add_path\":{\"send\":[%s],"
				    "\"receive\":[%s]}",
				addpath_fams(si.addpath_send, 1),
				addpath_fams(si.addpath_receive, 1));
			bprintf(&b, ",\"description\":");
			json_str(&b, nb->description ? nb->description : "");
			bprintf(&b, "}");
		} else if (summary) {
			bprintf(&b, "%-28s %10u %-12s %7llus %7zu %7zu\n", a,
				nb->peer_as, sess_state_name(si.state),
				(unsigned long long)si.uptime_s,
				si.prefixes_in, si.prefixes_out);
		} else if (arg) {
			bprintf(&b,
				"neighbor %s%s%s\n"
				"  peer AS %u, local AS %u, hold time %u\n"
				"  state %s, up %llus\n"
				"  prefixes in %zu, out %zu, originated %zu\n"
				"  flowspec rules in %zu, originated %zu\n"
				"  messages in %llu, out %llu\n"
				"  filtered in %llu, refused out %llu%s\n"
				"  TCP-MD5 %s, TCP-AO %s, GTSM %s",
				a, nb->description ? " - " : "",
				nb->description ? nb->description : "",
				nb->peer_as, nb->local_as, si.hold,
				sess_state_name(si.state),
				(unsigned long long)si.uptime_s,
				si.prefixes_in, si.prefixes_out, si.routes_api,
				si.flows_in, si.flows_api,
				(unsigned long long)si.msgs_in,
				(unsigned long long)si.msgs_out,
				(unsigned long long)si.filtered_in,
				(unsigned long long)si.refused_out,
				si.max_prefix_hit ? ", max-prefix exceeded"
						  : "",
				nb->md5.enabled ? "on" : "off",
				nb->tcp_ao.enabled ? "on" : "off",
				nb->gtsm.min_ttl_in ? "on" : "off");
			if (nb->gtsm.min_ttl_in)
				bprintf(&b, " (min TTL %u)",
					nb->gtsm.min_ttl_in);
			if (si.addpath_send | si.addpath_receive)
				bprintf(&b, "\n  ADD-PATH send %s, receive %s",
					addpath_fams(si.addpath_send, 0),
					addpath_fams(si.addpath_receive, 0));
			bprintf(&b, "\n  last error %s\n",
				si.last_error[0] ? si.last_error : "-");
		} else {
			bprintf(&b,
				"%-28s %10u %10u %-5s %-5s %-12s %7llus %7zu "
				"%7zu  %s\n",
				a, nb->peer_as, nb->local_as, auth,
				nb->gtsm.min_ttl_in ? "yes" : "no",
				sess_state_name(si.state),
				(unsigned long long)si.uptime_s,
				si.prefixes_in, si.prefixes_out,
				si.last_error);
		}
		n++;
	}
	if (arg && !n) {
		free(b.p);
		client_error(e, c, "no neighbor %s in the config", arg);
		return;
	}
	if (c->json)
		bprintf(&b, "]\n");
	client_reply(e, c, 1, &b);
	free(b.p);
}

#define RIB_SHOW_MAX 10000 /* a full table does not go down a socket whole */

struct rib_out {
	struct buf *b;
	int json, n;
};

static void rib_line(const struct prefix *p, const char *desc, void *arg)
{
	struct rib_out *o = arg;
	char a[PREFIX_STRLEN];

	prefix_fmt(p, a, sizeof(a));
	if (o->json)
		bprintf(o->b, "%s{\"prefix\":\"%s\",%s}", o->n ? "," : "", a,
			desc);
	else
		bprintf(o->b, "%-24s %s\n", a, desc);
	o->n++;
}

/* show rib in|out PREFIX? for every neighbor: one section each, at most
 * RIB_SHOW_MAX routes in all. */
/* show flowspec: the rules the engine asks the guard to enforce, each
 * with where it comes from (the guard's own view, with counters, is
 * bgpshieldctl guard flowspec). */
static void cmd_flowspec(struct engine *e, struct client *c)
{
	static const char *const origin[] = { "?", "config", "api",
					      "received" };
	struct buf b = { 0 };
	size_t n;
	const struct imsg_flow_rule *r = flowenf_set(&n);

	(void)e;
	bprintf(&b, c->json ? "[" : "%-9s %-28s %s\n", "ORIGIN", "NEIGHBOR",
		"RULE");
	for (size_t i = 0; i < n; i++) {
		struct prefix nb = { .family = r[i].nb_family };
		char a[PREFIX_STRLEN], *m = NULL, *t = NULL;
		size_t ml = 0, tl = 0;
		FILE *fm = open_memstream(&m, &ml), *ft = NULL;

		if (fm) {
			cfg_flow_print_match(fm, &r[i].rule, "", "; ");
			fclose(fm);
		}
		if ((ft = open_memstream(&t, &tl))) {
			cfg_flow_print_then(ft, &r[i].rule.act, "", "; ");
			fclose(ft);
		}
		nb.plen = nb.family == AF_INET6 ? 128 : 32;
		memcpy(nb.addr, r[i].nb_addr, 16);
		prefix_fmt(&nb, a, sizeof(a));
		if (c->json) {
			bprintf(&b, "%s{\"origin\":\"%s\",\"neighbor\":\"%s\","
				"\"match\":", i ? "," : "",
				origin[r[i].origin & 3], a);
			json_str(&b, m ? m : "");
			bprintf(&b, ",\"then\":");
			json_str(&b, t ? t : "");
			bprintf(&b, "}");
		} else {
			bprintf(&b, "%-9s %-28s match { %s} then { %s}\n",
				origin[r[i].origin & 3], a, m ? m : "",
				t && *t ? t : "accept; ");
		}
		free(m);
		free(t);
	}
	if (c->json)
		bprintf(&b, "]\n");
	else if (!n)
		bprintf(&b, "  none (a neighbor's 'flowspec { enforce; }' "
			"enforces its rules)\n");
	client_reply(e, c, 1, &b);
	free(b.p);
}

static void cmd_rib_all(struct engine *e, struct client *c, int out,
			const char *only)
{
	struct prefix one;
	struct buf b = { 0 };
	struct rib_out o = { &b, c->json, 0 };
	char err[160], a[PREFIX_STRLEN];
	size_t left = RIB_SHOW_MAX;

	if (only && prefix_parse(only, &one, err, sizeof(err)) < 0) {
		client_error(e, c, "%s", err);
		return;
	}
	if (c->json)
		bprintf(&b, "[");
	for (size_t i = 0; e->cfg && i < e->cfg->nneighbors; i++) {
		const struct prefix *nb = &e->cfg->neighbors[i].address;
		size_t skipped = 0;
		long n;

		prefix_fmt(nb, a, sizeof(a));
		if (c->json)
			bprintf(&b, "%s{\"neighbor\":\"%s\",\"routes\":[",
				i ? "," : "", a);
		else
			bprintf(&b, "%sneighbor %s (Adj-RIB-%s):\n", i ? "\n" : "",
				a, out ? "Out" : "In");
		o.n = 0;
		n = sessions_rib(nb, out, only ? &one : NULL, left, c->json,
				 rib_line, &o, &skipped);
		if (n > 0)
			left -= (size_t)n < left ? (size_t)n : left;
		if (c->json)
			bprintf(&b, "],\"not_shown\":%zu}", skipped);
		else if (skipped)
			bprintf(&b, "(%zu more not shown; name a prefix or a "
				"neighbor)\n", skipped);
	}
	if (c->json)
		bprintf(&b, "]\n");
	client_reply(e, c, 1, &b);
	free(b.p);
}

/* ADDR of a command that names a neighbor: 0, or -1 with the error
 * answered. */
static int neighbor_arg(struct engine *e, struct client *c, const char *addr,
			struct prefix *out)
{
	char err[160];

	if (prefix_parse(addr, out, err, sizeof(err)) < 0 ||
	    !prefix_is_host(out)) {
		client_error(e, c, "'%s' is not a neighbor address", addr);
		return -1;
	}
	return 0;
}

static void cmd_rib(struct engine *e, struct client *c, int out,
		    const char *addr, const char *only)
{
	struct prefix nb, one;
	struct buf b = { 0 };
	struct rib_out o = { &b, c->json, 0 };
	char err[160];
	size_t skipped = 0;
	long n;

	if (!addr) {
		cmd_rib_all(e, c, out, only);
		return;
	}
	if (neighbor_arg(e, c, addr, &nb) < 0)
		return;
	if (only && prefix_parse(only, &one, err, sizeof(err)) < 0) {
		client_error(e, c, "%s", err);
		return;
	}
	if (c->json)
		bprintf(&b, "{\"neighbor\":\"%s\",\"routes\":[", addr);
	n = sessions_rib(&nb, out, only ? &one : NULL, RIB_SHOW_MAX, c->json,
			 rib_line, &o, &skipped);
	if (n < 0) {
		free(b.p);
		client_error(e, c, "no neighbor %s in the config", addr);
		return;
	}
	if (c->json)
		bprintf(&b, "],\"not_shown\":%zu}\n", skipped);
	else if (skipped)
		bprintf(&b, "(%zu more not shown; name a prefix)\n", skipped);
	client_reply(e, c, 1, &b);
	free(b.p);
}

static void cmd_shutdown(struct engine *e, struct client *c, const char *addr,
			 const char *text)
{
	struct prefix p;
	struct buf b = { 0 };

	if (neighbor_arg(e, c, addr, &p) < 0)
		return;
	if (sessions_shutdown(&p, text) < 0) {
		client_error(e, c, "no neighbor %s in the config", addr);
		return;
	}
	bprintf(&b, c->json ? "{\"shutdown\":true}\n"
			    : "neighbor %s shut down\n", addr);
	client_reply(e, c, 1, &b);
	free(b.p);
}

static void ask_parent(struct engine *e, struct client *c, int type)
{
	uint32_t id = ++e->next_id;

	if (imsg_send(e->fds->parent, type, &id, 4, -1) < 0) {
		client_error(e, c, "the parent process is not answering");
		return;
	}
	c->wait_id = id;
	/* stop reading the client until the answer comes */
	epoll_ctl(e->epfd, EPOLL_CTL_DEL, c->fd, NULL);
}

/* --- metrics (metrics.h): the engine's part here, the guard's from the
 * parent (IMSG_METRICS_REQ / IMSG_METRICS) --------------------------------- */

static void metrics_build(void *arg, const struct mbuf *guard,
			  struct mbuf *out)
{
	struct engine *e = arg;
	struct metrics_engine m = { 0 };
	struct metrics_neighbor *nb = NULL;
	struct apiproc_stats as;
	size_t n = e->cfg ? e->cfg->nneighbors : 0;

	if (n && !(nb = calloc(n, sizeof(*nb)))) {
		out->failed = 1;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		prefix_fmt(&e->cfg->neighbors[i].address, nb[i].address,
			   sizeof(nb[i].address));
		nb[i].peer_as = e->cfg->neighbors[i].peer_as;
		if (sessions_info(i, &nb[i].si) < 0) {
			memset(&nb[i].si, 0, sizeof(nb[i].si));
			nb[i].si.state = SESS_IDLE;
		}
	}
	apiproc_stats(&as);
	m.version = BGPSHIELD_VERSION;
	m.uptime_s = (uint64_t)(time(NULL) - e->started);
	m.config_generation = e->gen;
	m.control_refused = e->ctl_refused;
	m.api_processes = as.processes;
	m.api_commands = as.commands;
	m.api_errors = as.errors;
	m.api_rate_limited = as.rate_limited;
	m.api_long_lines = as.long_lines;
	m.api_events_dropped = as.events_dropped;
	m.nb = nb;
	m.nnb = n;
	metrics_engine_text(out, &m);
	if (guard && guard->len)
		mbuf_add(out, guard->p, guard->len);
	free(nb);
}

static int metrics_ask(void *arg, uint32_t *id)
{
	struct engine *e = arg;
	uint32_t i = ++e->next_id;

	metrics_collect_start(i);
	if (imsg_send(e->fds->parent, IMSG_METRICS_REQ, &i, 4, -1) < 0) {
		metrics_collect_done(i);
		return -1;
	}
	*id = i;
	return 0;
}

static void cmd_metrics(struct engine *e, struct client *c)
{
	uint32_t id;

	if (metrics_ask(e, &id) < 0) {
		client_error(e, c, "the parent process is not answering");
		return;
	}
	c->wait_id = id;
	epoll_ctl(e->epfd, EPOLL_CTL_DEL, c->fd, NULL);
}

static const char *const commands_help =
	"commands: status | metrics | show neighbor [ADDR] [summary] | show guard | "
	"show flowspec | "
	"show rib in|out [neighbor ADDR] [PREFIX] | reload | "
	"neighbor ADDR shutdown [TEXT] | neighbor ADDR restart | "
	"[neighbor ADDR] announce|withdraw route ... (the ExaBGP API) | help";

/* announce/withdraw from bgpshieldctl: the API's own parser and
 * validation, answered with the reason when refused. */
static void cmd_api(struct engine *e, struct client *c)
{
	struct jbuf out;
	struct buf b = { 0 };
	char err[API_ERR_MAX];

	jbuf_init(&out);
	if (apiproc_run(c->line, c->len, "control", &out, err, sizeof(err)) <
	    0) {
		jbuf_free(&out);
		client_error(e, c, "%s", err);
		return;
	}
	sessions_flush();
	if (c->json)
		bprintf(&b, "{\"result\":\"done\"}\n");
	else if (out.len)
		bprintf(&b, "%s", out.p);
	jbuf_free(&out);
	client_reply(e, c, 1, &b);
	free(b.p);
}

static void cmd_restart(struct engine *e, struct client *c, const char *addr)
{
	struct prefix p;
	struct buf b = { 0 };

	if (neighbor_arg(e, c, addr, &p) < 0)
		return;
	if (sessions_restart(&p, "restarted by the operator") < 0) {
		client_error(e, c, "no neighbor %s in the config", addr);
		return;
	}
	bprintf(&b, c->json ? "{\"result\":\"restarting\"}\n"
			    : "neighbor %s restarting\n", addr);
	client_reply(e, c, 1, &b);
	free(b.p);
}

static void api_audit(const char *json, size_t len, void *arg)
{
	struct engine *e = arg;

	if (len <= IMSG_AUDIT_MAX)
		imsg_send(e->fds->parent, IMSG_AUDIT, json, len, -1);
}

static void api_reload(void *arg)
{
	struct engine *e = arg;
	uint32_t id = 0; /* nobody waits for this answer */

	imsg_send(e->fds->parent, IMSG_RELOAD_REQ, &id, 4, -1);
}

/*
 * Commands that change something (control { change-group }): root, the
 * daemon's own user, or a member of change-group; without change-group
 * everyone who can connect (the socket's mode and group decide that).
 * Read-only commands are open to every client.
 */
static int client_may_change(const struct engine *e, const struct client *c)
{
	if (!e->ctl.change_set)
		return 1;
	if (!c->creds)
		return 0;
	if (c->uid == 0 || c->uid == getuid() ||
	    c->gid == e->ctl.change_gid)
		return 1;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == e->ctl.change_gid)
			return 1;
	return 0;
}

static int request_changes(int argc, char **argv)
{
	return !strcmp(argv[0], "reload") || !strcmp(argv[0], "announce") ||
	       !strcmp(argv[0], "withdraw") ||
	       (!strcmp(argv[0], "neighbor") && argc >= 3);
}

static void client_request(struct engine *e, struct client *c)
{
	char *argv[8], *save = NULL, *t;
	int argc = 0;
	char work[CTL_LINE_MAX + 1];

	/* Printable ASCII only: the line goes into logs and the audit. */
	for (size_t i = 0; i < c->len; i++)
		if ((unsigned char)c->line[i] < 0x20 ||
		    (unsigned char)c->line[i] > 0x7e) {
			c->line[i] = '?';
			client_error(e, c, "request holds non-printable bytes");
			return;
		}
	/* "json " is bgpshieldctl's framing, not part of the command: keep
	 * it out of error messages and the audit log. */
	if (!strncmp(c->line, "json ", 5)) {
		c->json = 1;
		memmove(c->line, c->line + 5, c->len - 5 + 1);
		c->len -= 5;
	}
	snprintf(work, sizeof(work), "%s", c->line);
	for (t = strtok_r(work, " \t", &save); t && argc < 8;
	     t = strtok_r(NULL, " \t", &save))
		argv[argc++] = t;
	if (!argc) {
		client_error(e, c, "empty request; %s", commands_help);
		return;
	}
	if (request_changes(argc, argv) && !client_may_change(e, c)) {
		client_error(e, c,
			     "permission denied: '%s' needs membership of "
			     "group %s",
			     argv[0], e->ctl.change_group);
		return;
	}
	if (!strcmp(argv[0], "status") && argc == 1)
		cmd_status(e, c);
	else if (!strcmp(argv[0], "metrics") && argc == 1)
		cmd_metrics(e, c);
	else if (!strcmp(argv[0], "show") && argc >= 2 &&
		 (!strcmp(argv[1], "neighbor") ||
		  !strcmp(argv[1], "neighbors")) &&
		 argc <= 4) {
		int summary = argc > 2 && !strcmp(argv[argc - 1], "summary");
		int nargs = argc - 2 - summary;

		if (nargs > 1)
			client_error(e, c, "usage: show neighbor [ADDR] "
					   "[summary]");
		else
			cmd_neighbors(e, c, nargs ? argv[2] : NULL, summary);
	}
	else if (!strcmp(argv[0], "show") && argc == 2 &&
		 !strcmp(argv[1], "flowspec"))
		cmd_flowspec(e, c);
	else if (!strcmp(argv[0], "show") && argc == 2 &&
		 !strcmp(argv[1], "guard"))
		ask_parent(e, c, IMSG_GUARD_REQ);
	else if (!strcmp(argv[0], "show") && argc >= 5 && argc <= 6 &&
		 !strcmp(argv[1], "rib") &&
		 (!strcmp(argv[2], "in") || !strcmp(argv[2], "out")) &&
		 !strcmp(argv[3], "neighbor"))
		cmd_rib(e, c, !strcmp(argv[2], "out"), argv[4],
			argc == 6 ? argv[5] : NULL);
	else if (!strcmp(argv[0], "show") && argc >= 3 && argc <= 4 &&
		 !strcmp(argv[1], "rib") &&
		 (!strcmp(argv[2], "in") || !strcmp(argv[2], "out")))
		cmd_rib(e, c, !strcmp(argv[2], "out"), NULL,
			argc == 4 ? argv[3] : NULL);
	else if (!strcmp(argv[0], "reload") && argc == 1)
		ask_parent(e, c, IMSG_RELOAD_REQ);
	else if (!strcmp(argv[0], "neighbor") && argc >= 3 &&
		 !strcmp(argv[2], "shutdown")) {
		/* the text is the rest of the line, quotes removed */
		const char *t = strstr(c->line, "shutdown") + 8;
		char text[256];
		size_t k = 0;

		while (*t == ' ')
			t++;
		for (; *t && k < sizeof(text) - 1; t++)
			if (*t != '"')
				text[k++] = *t;
		text[k] = 0;
		cmd_shutdown(e, c, argv[1], k ? text : NULL);
	}
	else if ((!strcmp(argv[0], "announce") ||
		  !strcmp(argv[0], "withdraw") ||
		  (!strcmp(argv[0], "neighbor") && argc >= 3 &&
		   (!strcmp(argv[2], "announce") ||
		    !strcmp(argv[2], "withdraw")))))
		cmd_api(e, c);
	else if (!strcmp(argv[0], "neighbor") && argc >= 3 &&
		 !strcmp(argv[2], "restart"))
		cmd_restart(e, c, argv[1]);
	else if (!strcmp(argv[0], "help") && argc == 1) {
		struct buf b = { 0 };

		bprintf(&b, "%s\n", commands_help);
		client_reply(e, c, 1, &b);
		free(b.p);
	} else
		client_error(e, c, "unknown command '%s'; %s", c->line,
			     commands_help);
}

static struct client *client_by_id(struct engine *e, uint32_t id)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (e->clients[i].fd > 0 && e->clients[i].wait_id == id)
			return &e->clients[i];
	return NULL;
}

/* A chunk of the parent's guard metrics; the last one answers. */
static void metrics_chunk(struct engine *e, const struct imsg *m)
{
	struct imsg_metrics h;
	struct mbuf *g = NULL;
	struct client *c;

	memcpy(&h, m->data, sizeof(h));
	if (metrics_collect(h.id, h.more != 0,
			    (const char *)m->data + sizeof(h),
			    m->hdr.len - sizeof(h), &g) != 1)
		return;
	c = client_by_id(e, h.id);
	if (c) {
		struct mbuf out = { 0 };
		struct buf b = { 0 };

		metrics_build(e, g, &out);
		if (out.failed) {
			client_error(e, c, "out of memory building metrics");
		} else {
			b.p = out.p;
			b.len = out.len;
			client_reply(e, c, 1, &b);
		}
		mbuf_free(&out);
	} else {
		metrics_http_answer(h.id, g);
	}
	metrics_collect_done(h.id);
}

static void guard_answer(struct engine *e, const struct imsg_guard_status *g)
{
	struct client *c = client_by_id(e, g->id);
	const struct bgps_stats *s = &g->stats;
	struct buf b = { 0 };

	if (!c)
		return;
	if (g->status) {
		client_error(e, c, "reading the guard failed: %s",
			     strerror(-g->status));
		return;
	}
	if (c->json) {
		int first = 1;

		bprintf(&b,
			"{\"mode\":\"%s\",\"port\":%u,\"allowlist\":%u,"
			"\"interfaces\":%u,\"attached\":%u,"
			"\"bindings\":{\"iface_bound\":%u,\"iface_pending\":%u,"
			"\"mac_bound\":%u,\"mac_pending\":%u},\"counters\":{",
			g->settings.mode == BGPS_MODE_MONITOR ? "monitor"
							      : "enforce",
			g->settings.port, g->n_rules, g->n_ifaces,
			g->n_attached, g->n_iface_bound, g->n_iface_pending,
			g->n_mac_bound, g->n_mac_pending);
#define GJ(f)                                                                  \
	bprintf(&b, "%s\"" #f "\":%llu", first ? "" : ",",                   \
		(unsigned long long)s->f);                                     \
	first = 0;
		GUARD_STATS_COUNTERS(GJ)
		bprintf(&b, "}}\n");
	} else {
		bprintf(&b,
			"guard: policy %s, port %u, %u allowlist entries, "
			"%u/%u interfaces attached\n",
			g->settings.mode == BGPS_MODE_MONITOR ? "monitor"
							      : "enforce",
			g->settings.port, g->n_rules, g->n_attached,
			g->n_ifaces);
		/* "not yet": bound by the config, unresolved by the kernel
		 * (no route, MAC not learned); bgpshieldctl guard status
		 * names the entries */
		bprintf(&b,
			"bindings: %u to interfaces (%u not bound yet), %u to "
			"a MAC (%u not learned yet)\n",
			g->n_iface_bound, g->n_iface_pending, g->n_mac_bound,
			g->n_mac_pending);
#define GT(f) bprintf(&b, "  %-18s %llu\n", #f, (unsigned long long)s->f);
		GUARD_STATS_COUNTERS(GT)
	}
	client_reply(e, c, 1, &b);
	free(b.p);
}

static void reload_answer(struct engine *e, const struct imsg_result *r)
{
	struct client *c = client_by_id(e, r->id);
	char text[sizeof(r->text) + 1];
	struct buf b = { 0 };

	if (!c)
		return;
	memcpy(text, r->text, sizeof(r->text));
	text[sizeof(r->text)] = 0;
	if (r->status) {
		client_error(e, c, "reload refused, old config stays: %s",
			     text);
		return;
	}
	if (c->json) {
		bprintf(&b, "{\"reloaded\":true,\"message\":");
		json_str(&b, text);
		bprintf(&b, "}\n");
	} else {
		bprintf(&b, "%s\n", text);
	}
	client_reply(e, c, 1, &b);
	free(b.p);
}

/* --- config from the parent ------------------------------------------------- */

static void config_chunk(struct engine *e, const struct imsg *m)
{
	if (e->text_bad)
		return;
	if (e->text_len + m->hdr.len > CFG_TEXT_MAX) {
		e->text_bad = 1;
		return;
	}
	if (e->text_len + m->hdr.len + 1 > e->text_cap) {
		size_t ncap = (e->text_len + m->hdr.len + 1) * 2;
		char *np = realloc(e->text, ncap);

		if (!np) {
			e->text_bad = 1;
			return;
		}
		e->text = np;
		e->text_cap = ncap;
	}
	memcpy(e->text + e->text_len, m->data, m->hdr.len);
	e->text_len += m->hdr.len;
}

static void config_end(struct engine *e, uint32_t gen)
{
	struct config *c = NULL;
	char err[1024];

	if (gen != e->text_gen || e->text_bad || !e->text) {
		log_warnx("config handover %u incomplete; keeping %u", gen,
			  e->gen);
		goto out;
	}
	if (config_parse_buf(e->text, e->text_len, e->conf_name, &c, err,
			     sizeof(err)) < 0) {
		/* The parent parsed it already: this is a bug, not input. */
		log_warnx("config handover %u does not parse: %s", gen, err);
		goto out;
	}
	/* Secrets the parent read from files the engine may not open. */
	for (size_t i = 0; i < e->nsecrets; i++) {
		const struct imsg_secret *s = &e->secrets[i];

		for (size_t k = 0; k < c->nneighbors; k++) {
			struct cfg_neighbor *n = &c->neighbors[k];
			struct cfg_secret *dst = s->kind == 1
							 ? &n->md5.secret
							 : &n->tcp_ao.secret;

			if (n->address.family != s->family ||
			    memcmp(n->address.addr, s->addr, 16) ||
			    s->len > sizeof(dst->key))
				continue;
			memcpy(dst->key, s->key, s->len);
			dst->len = s->len;
			dst->loaded = 1;
		}
	}
	{
		struct config *old = e->cfg;

		/* sessions point into the config: move them first */
		e->cfg = c;
		sessions_apply(c);
		apiproc_config(c);
		flowenf_config(c);
		config_free(old);
	}
	e->gen = gen;
	log_info("config generation %u applied: %zu neighbors", gen,
		 c->nneighbors);
	if (!e->ready) {
		e->ready = 1;
		imsg_send(e->fds->parent, IMSG_READY, NULL, 0, -1);
	}
out:
	if (e->text)
		secfile_wipe(e->text, e->text_cap);
	e->text = NULL;
	e->text_len = e->text_cap = 0;
	e->text_bad = 0;
	explicit_bzero(e->secrets, sizeof(e->secrets));
	e->nsecrets = 0;
}

static void parent_msg(struct engine *e)
{
	static struct imsg m;
	char why[128];
	int r;

	while ((r = imsg_recv(e->fds->parent, &m)) > 0) {
		uint32_t u32;

		if (imsg_check(&m, IMSG_P2E, why, sizeof(why)) < 0) {
			log_warnx("parent message refused: %s", why);
			if (m.fd >= 0)
				close(m.fd);
			continue;
		}
		switch (m.hdr.type) {
		case IMSG_CONFIG_BEGIN:
			memcpy(&u32, m.data, 4);
			if (e->text)
				secfile_wipe(e->text, e->text_cap);
			e->text = NULL;
			e->text_len = e->text_cap = 0;
			e->text_bad = 0;
			e->nsecrets = 0;
			e->text_gen = u32;
			break;
		case IMSG_CONFIG_CHUNK:
			config_chunk(e, &m);
			break;
		case IMSG_SECRET:
			if (e->nsecrets < sizeof(e->secrets) /
						  sizeof(e->secrets[0]))
				memcpy(&e->secrets[e->nsecrets++], m.data,
				       sizeof(struct imsg_secret));
			explicit_bzero(m.data, m.hdr.len);
			break;
		case IMSG_CONFIG_END:
			memcpy(&u32, m.data, 4);
			config_end(e, u32);
			break;
		case IMSG_RELOAD_RESULT:
			reload_answer(e, (const void *)m.data);
			break;
		case IMSG_GUARD_STATUS:
			guard_answer(e, (const void *)m.data);
			break;
		case IMSG_METRICS:
			metrics_chunk(e, &m);
			break;
		case IMSG_PROC_FD: {
			struct imsg_proc pr;

			memcpy(&pr, m.data, sizeof(pr));
			pr.name[sizeof(pr.name) - 1] = 0;
			apiproc_add(&pr, m.fd);
			m.fd = -1;
			break;
		}
		case IMSG_CONTROL_INFO:
			memcpy(&e->ctl, m.data, sizeof(e->ctl));
			e->ctl.change_group[sizeof(e->ctl.change_group) - 1] =
				0;
			e->ctl.audit[sizeof(e->ctl.audit) - 1] = 0;
			break;
		case IMSG_PROC_GONE: {
			struct imsg_proc pr;

			memcpy(&pr, m.data, sizeof(pr));
			pr.name[sizeof(pr.name) - 1] = 0;
			apiproc_gone(&pr);
			break;
		}
		default:
			/* descriptors arrive by inheritance for now */
			if (m.fd >= 0)
				close(m.fd);
			break;
		}
	}
	if (r == 0) {
		/* The parent is gone: without it no reload, no guard
		 * answers.  It restarts us when it comes back. */
		log_warnx("parent closed the channel; engine exits");
		exit(0);
	}
}

/* --- control socket ----------------------------------------------------------- */

/* Who is asking: the kernel's word for it, taken at connect time. */
static void client_creds(struct client *c)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0 ||
	    len != sizeof(uc))
		return;
	c->uid = uc.uid;
	c->gid = uc.gid;
	c->creds = 1;
	len = sizeof(c->groups);
	/* More groups than fit: ERANGE, and only the primary one counts. */
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, c->groups, &len) ==
	    0)
		c->ngroups = len / sizeof(gid_t);
}

static void control_accept(struct engine *e)
{
	for (;;) {
		int fd = accept4(e->fds->control, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct epoll_event ev = { .events = EPOLLIN };
		int i;

		if (fd < 0)
			return;
		for (i = 0; i < CTL_MAX_CLIENTS && e->clients[i].fd > 0; i++)
			;
		if (i == CTL_MAX_CLIENTS) {
			static const char busy[] =
				"error\ntoo many control clients\n";

			send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		memset(&e->clients[i], 0, sizeof(e->clients[i]));
		e->clients[i].fd = fd;
		e->clients[i].since = time(NULL);
		client_creds(&e->clients[i]);
		ev.data.u32 = EV_CLIENT + i;
		epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev);
	}
}

static void client_read(struct engine *e, struct client *c)
{
	char *nl;
	ssize_t n = recv(c->fd, c->line + c->len, CTL_LINE_MAX - c->len, 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(e, c);
		return;
	}
	c->len += n;
	c->line[c->len] = 0;
	nl = memchr(c->line, '\n', c->len);
	if (!nl) {
		if (c->len == CTL_LINE_MAX) {
			c->line[64] = 0; /* enough to recognise in the audit */
			c->len = 64;
			client_error(e, c, "request longer than %d bytes",
				     CTL_LINE_MAX);
		}
		return;
	}
	*nl = 0;
	c->len = nl - c->line;
	if (c->len && c->line[c->len - 1] == '\r')
		c->line[--c->len] = 0;
	client_request(e, c);
}

static volatile sig_atomic_t engine_stop;

static void on_term(int sig)
{
	(void)sig;
	engine_stop = 1;
}

void engine_main(const struct engine_fds *fds, const char *conf_name)
{
	static struct engine E;
	struct engine *e = &E;
	struct epoll_event ev = { .events = EPOLLIN };

	e->fds = fds;
	e->conf_name = conf_name;
	e->started = time(NULL);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		e->clients[i].fd = -1;
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0)
		fatal("epoll");
	ev.data.u32 = EV_PARENT;
	epoll_ctl(e->epfd, EPOLL_CTL_ADD, fds->parent, &ev);
	if (fds->control >= 0) {
		ev.data.u32 = EV_CONTROL;
		epoll_ctl(e->epfd, EPOLL_CTL_ADD, fds->control, &ev);
	}
	for (int i = 0; i < fds->nlisten && i < 8; i++) {
		ev.data.u32 = EV_LISTEN_BASE + i;
		epoll_ctl(e->epfd, EPOLL_CTL_ADD, fds->listen[i], &ev);
	}
	sessions_init(e->epfd, fds->listen, fds->nlisten);
	{
		struct apiproc_ops ops = { .audit = api_audit,
					   .reload = api_reload,
					   .arg = e,
					   .flow_check = flowenf_check,
					   .flow_changed = flowenf_changed };

		apiproc_init(e->epfd, &ops);
		flowenf_init(fds->parent, api_audit, e);
	}
	{
		struct metrics_http_ops mo = { metrics_ask, metrics_build, e };

		metrics_http_init(e->epfd, fds->metrics, &mo);
	}
	{
		/* SIGTERM (the parent stopping): tell every peer why */
		struct sigaction sa = { .sa_handler = on_term };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
	}
	for (;;) {
		struct epoll_event evs[16];
		int wait = sessions_tick(), fw;
		struct timespec mono;
		int n;

		/* the enforced flowspec set, at most every 100 ms */
		clock_gettime(CLOCK_MONOTONIC, &mono);
		fw = flowenf_tick((uint64_t)mono.tv_sec * 1000 +
				  (uint64_t)mono.tv_nsec / 1000000);
		if (fw >= 0 && (wait < 0 || fw < wait))
			wait = fw;
		n = epoll_wait(e->epfd, evs, 16, wait);
		time_t now = time(NULL);

		if (engine_stop) {
			sessions_stop("bgpshieldd stopping");
			exit(0);
		}

		for (int i = 0; i < n; i++) {
			uint32_t tag = evs[i].data.u32;

			if (tag >= SESS_TAG_BASE)
				sessions_event(tag, evs[i].events);
			else if (tag >= APIPROC_TAG_BASE &&
				 tag < APIPROC_TAG_BASE + APIPROC_MAX)
				apiproc_event(tag, evs[i].events);
			else if (tag >= METRICS_TAG_BASE &&
				 tag < METRICS_TAG_END)
				metrics_http_event(tag, evs[i].events);
			else if (tag == EV_PARENT)
				parent_msg(e);
			else if (tag == EV_CONTROL)
				control_accept(e);
			else if (tag >= EV_LISTEN_BASE &&
				 tag < EV_LISTEN_BASE + 8)
				sessions_accept(
					fds->listen[tag - EV_LISTEN_BASE]);
			else if (tag >= EV_CLIENT &&
				 tag < EV_CLIENT + CTL_MAX_CLIENTS &&
				 e->clients[tag - EV_CLIENT].fd > 0) {
				struct client *c = &e->clients[tag - EV_CLIENT];

				if (c->sending)
					client_write(e, c);
				else
					client_read(e, c);
			}
		}
		/* what API commands queued goes out packed */
		sessions_flush();
		metrics_http_tick(now);
		/* A client that never finishes its line holds a slot. */
		for (int i = 0; i < CTL_MAX_CLIENTS; i++)
			if (e->clients[i].fd > 0 &&
			    now - e->clients[i].since > CTL_TIMEOUT_SECS) {
				if (e->clients[i].wait_id)
					client_error(e, &e->clients[i],
						     "no answer from the parent");
				else
					client_close(e, &e->clients[i]);
			}
	}
}
