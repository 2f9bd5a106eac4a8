// SPDX-License-Identifier: GPL-2.0-only
/*
 * API helper processes, engine side (see apiproc.h).
 *
 * Input safety: a line longer than API_LINE_MAX is refused (the rest of it
 * skipped up to its newline), each process has a token bucket of commands
 * per second (excess answered "error" and counted), and every command goes
 * through api_parse() before anything reaches a session.
 *
 * Output: acks and events are queued per process and written when the
 * socket takes them; a process that stops reading loses events past
 * OUT_MAX (counted), never the engine's memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "api_json.h"
#include "apiproc.h"
#include "bgp_wire.h"
#include "config.h"
#include "daemon.h"
#include "filter.h"
#include "imsg.h"
#include "log.h"
#include "session.h"

#define READ_CHUNK (64 * 1024)
#define READ_BUDGET (1024 * 1024) /* bytes per wakeup: others get a turn */
#define OUT_MAX (16u * 1024 * 1024)
#define AUDIT_PER_SEC 100

struct aproc {
	int fd; /* -1: free slot */
	char name[IMSG_PROC_NAME_MAX + 1];
	char src[IMSG_PROC_NAME_MAX + 16]; /* "process NAME", for the audit */
	uint32_t gen;
	long pid;
	enum cfg_encoder enc;
	char *rbuf;
	size_t rlen;
	int skipping; /* inside an over-long line */
	struct jbuf out;
	size_t out_off;
	int ack;    /* 1 answer each command; 0 disable-ack, silence-ack */
	double tokens;
	uint64_t t_tokens; /* ms */
	uint32_t rate, burst;
	uint64_t cmds, errors, limited, long_lines, dropped;
	time_t limited_said;
};

/* Who hears what: per neighbor, per process slot, CFG_API_* bits. */
struct sub {
	unsigned int events, receive;
};

static struct {
	int epfd;
	struct apiproc_ops ops;
	struct aproc p[APIPROC_MAX];
	const struct config *cfg;
	struct sub *subs; /* nneighbors x APIPROC_MAX */
	size_t nsubs;
	uint64_t counter;
	char host[65];
	long pid, ppid;
	struct jbuf ev[3]; /* an event per encoder, CFG_ENC_* */
	time_t audit_sec;
	unsigned int audit_n;
	uint64_t audit_suppressed;
} A;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- audit ------------------------------------------------------------------ */

/* A script in a loop must not fill the audit log's disk: at most
 * AUDIT_PER_SEC lines a second, the rest counted and said once. */
static void audit(const char *event, const char *source, const char *cmd,
		  size_t cmdlen, const char *text)
{
	struct jbuf b;
	time_t now = time(NULL);

	if (!A.ops.audit)
		return;
	if (now != A.audit_sec) {
		if (A.audit_suppressed) {
			char t[96];
			int n = snprintf(t, sizeof(t),
					 "{\"event\":\"api_audit_suppressed\","
					 "\"count\":%llu}",
					 (unsigned long long)A.audit_suppressed);

			A.ops.audit(t, (size_t)n, A.ops.arg);
			A.audit_suppressed = 0;
		}
		A.audit_sec = now;
		A.audit_n = 0;
	}
	if (++A.audit_n > AUDIT_PER_SEC) {
		A.audit_suppressed++;
		return;
	}
	jbuf_init(&b);
	jbuf_printf(&b, "{\"event\":\"%s\"", event);
	if (source) {
		jbuf_puts(&b, ",\"source\":");
		jbuf_str(&b, source, strlen(source));
	}
	if (cmd) {
		jbuf_puts(&b, ",\"command\":");
		jbuf_str(&b, cmd, cmdlen > 300 ? 300 : cmdlen);
	}
	if (text) {
		jbuf_puts(&b, ",\"text\":");
		jbuf_str(&b, text, strlen(text));
	}
	jbuf_puts(&b, "}");
	if (!b.failed && b.len <= IMSG_AUDIT_MAX)
		A.ops.audit(b.p, b.len, A.ops.arg);
	jbuf_free(&b);
}

/* --- output ----------------------------------------------------------------- */

static void proc_close(struct aproc *p);
static void resubscribe(void);
static int proc_slot(const char *name);

static void proc_watch(struct aproc *p)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u32 = APIPROC_TAG_BASE +
					      (uint32_t)(p - A.p) };

	if (p->out.len > p->out_off)
		ev.events |= EPOLLOUT;
	epoll_ctl(A.epfd, EPOLL_CTL_MOD, p->fd, &ev);
}

static void proc_write(struct aproc *p)
{
	while (p->out.len > p->out_off) {
		ssize_t n = send(p->fd, p->out.p + p->out_off,
				 p->out.len - p->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			proc_close(p);
			return;
		}
		p->out_off += (size_t)n;
	}
	if (p->out_off == p->out.len) {
		jbuf_reset(&p->out);
		p->out_off = 0;
	}
	proc_watch(p);
}

/* Queue bytes for p; an event that does not fit is dropped whole. */
static void proc_put(struct aproc *p, const char *s, size_t n, int event)
{
	if (event && p->out.len - p->out_off + n > OUT_MAX) {
		p->dropped++;
		return;
	}
	jbuf_put(&p->out, s, n);
}

static void proc_ack(struct aproc *p, int ok)
{
	if (p->ack)
		proc_put(p, ok ? "done\n" : "error\n", ok ? 5 : 6, 0);
}

/* --- command execution ---------------------------------------------------- */

struct refusal {
	size_t n;
	char first[FILTER_WHY_MAX + 2 * PREFIX_STRLEN + 48];
};

static void on_refused(const struct prefix *nb, const struct prefix *p,
		       const char *why, void *arg)
{
	struct refusal *r = arg;
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	if (!r->n++)
		snprintf(r->first, sizeof(r->first),
			 "refused announce %s to %s: %s",
			 prefix_fmt(p, a, sizeof(a)),
			 prefix_fmt(nb, b, sizeof(b)), why);
}

/*
 * announce flow: each selected neighbor of the running config must take
 * the rule (cfg_flow_allowed(): a destination unless that neighbor has
 * flowspec { allow-no-destination; }, inside its export prefix-lists).
 * One that does not gets a refused_announce audit line; the rule goes
 * to the others.  The answer is an error when any refused, as for
 * routes.  Returns the sessions' count, or -1 with err set (audited).
 */
static long flow_announce(const struct api_cmd *c, const struct prefix *sel,
			  size_t nsel, const char *source, const char *line,
			  size_t len, char *err, size_t errlen)
{
	struct prefix *ok = NULL;
	struct refusal rf = { 0 };
	size_t nok = 0, nref = 0;
	char why[192], a[PREFIX_STRLEN], first[320] = "", cur[320];
	long r;

	if (A.cfg && A.cfg->nneighbors) {
		ok = calloc(A.cfg->nneighbors, sizeof(*ok));
		if (!ok) {
			snprintf(err, errlen, "out of memory");
			audit("api_error", source, line, len, err);
			return -1;
		}
		for (size_t i = 0; i < A.cfg->nneighbors; i++) {
			const struct cfg_neighbor *n = &A.cfg->neighbors[i];
			size_t k;

			for (k = 0; k < nsel; k++)
				if (!prefix_cmp(&sel[k], &n->address))
					break;
			if (nsel && k == nsel)
				continue;
			if (!cfg_flow_allowed(n, &c->flow, why,
					      sizeof(why))) {
				ok[nok++] = n->address;
				continue;
			}
			prefix_fmt(&n->address, a, sizeof(a));
			snprintf(cur, sizeof(cur),
				 "refused announce flow to %s: %s", a, why);
			audit("refused_announce", source, line, len, cur);
			if (!nref++)
				memcpy(first, cur, sizeof(first));
		}
		if (nref && !nok) {
			free(ok);
			snprintf(err, errlen, "%s%s", first,
				 nref > 1 ? " (and more)" : "");
			return -1;
		}
		/* only the neighbors that take it */
		if (nref) {
			sel = ok;
			nsel = nok;
		}
	}
	/* The guard's limits, when the rule would be enforced: refused
	 * here, before any session has it (nothing changes half-way). */
	if (A.ops.flow_check &&
	    A.ops.flow_check(sel, nsel, &c->flow, why, sizeof(why)) < 0) {
		free(ok);
		snprintf(err, errlen, "refused announce flow: %s", why);
		audit("refused_announce", source, line, len, err);
		return -1;
	}
	/* the session audits its own refusals (on_refused: the answer) */
	r = sessions_flow_announce(sel, nsel, &c->flow, 1, on_refused, &rf);
	if (r > 0 && A.ops.flow_changed)
		A.ops.flow_changed(sel, nsel, &c->flow);
	free(ok);
	if (r < 0) {
		snprintf(err, errlen, "no configured neighbor matches (or none "
				      "has the rule's flowspec family)");
		audit("api_error", source, line, len, err);
		return -1;
	}
	if (nref || rf.n) {
		if (nref)
			snprintf(err, errlen, "%s (announced to the others)",
				 first);
		else
			snprintf(err, errlen, "%s", rf.first);
		return -1;
	}
	return r;
}

static const char *state_word(enum sess_state s)
{
	return s == SESS_ESTABLISHED ? "up" : sess_state_name(s);
}

static void show_neighbors(struct jbuf *out, int summary)
{
	size_t n = sessions_count();

	if (summary)
		jbuf_printf(out, "Peer            AS        up/down state       "
				 "|     #sent     #recvd\n");
	for (size_t i = 0; i < n; i++) {
		struct sess_info si;
		char a[PREFIX_STRLEN], l[PREFIX_STRLEN] = "-";

		if (sessions_info(i, &si) < 0)
			continue;
		prefix_fmt(&si.address, a, sizeof(a));
		if (si.local.family)
			prefix_fmt(&si.local, l, sizeof(l));
		if (summary)
			jbuf_printf(out, "%-15s %-9u %7llus %-11s | %9zu %10zu\n",
				    a, si.peer_as,
				    (unsigned long long)si.uptime_s,
				    state_word(si.state), si.prefixes_out,
				    si.prefixes_in);
		else
			jbuf_printf(out,
				    "neighbor %s local-ip %s local-as %u "
				    "peer-as %u state %s up-for %llus "
				    "received %zu sent %zu filtered %llu\n",
				    a, l, si.local_as, si.peer_as,
				    state_word(si.state),
				    (unsigned long long)si.uptime_s,
				    si.prefixes_in, si.prefixes_out,
				    (unsigned long long)si.filtered_in);
	}
}

struct rib_show {
	struct jbuf *out;
	const char *nb;
	const char *dir;
};

static void rib_line(const struct prefix *p, const char *desc, void *arg)
{
	struct rib_show *r = arg;
	char a[PREFIX_STRLEN];

	jbuf_printf(r->out, "neighbor %s %s %s unicast %s %s\n", r->nb,
		    r->dir, p->family == AF_INET ? "ipv4" : "ipv6",
		    prefix_fmt(p, a, sizeof(a)), desc);
}

static void show_rib(struct jbuf *out, int outbound)
{
	for (size_t i = 0; i < sessions_count(); i++) {
		struct sess_info si;
		char a[PREFIX_STRLEN];
		struct rib_show r = { out, a, outbound ? "out" : "in" };

		if (sessions_info(i, &si) < 0)
			continue;
		prefix_fmt(&si.address, a, sizeof(a));
		sessions_rib(&si.address, outbound, NULL, 1000000, 0, rib_line,
			     &r, NULL);
	}
}

int apiproc_run(const char *line, size_t len, const char *source,
		struct jbuf *out, char *err, size_t errlen)
{
	struct api_cmd c;
	const struct prefix *sel;
	size_t nsel;
	long r = 0;
	int rc = 0;

	if (api_parse(line, len, &c, err, errlen) < 0) {
		audit("api_error", source, line, len, err);
		return -1;
	}
	sel = c.all ? NULL : c.neighbors;
	nsel = c.all ? 0 : c.nneighbors;
	switch (c.verb) {
	case API_ANNOUNCE_ROUTE:
	case API_ANNOUNCE_ATTRS: {
		struct refusal rf = { 0 };

		r = sessions_announce(sel, nsel, &c.route, c.watchdog, c.nlri,
				      c.nnlri, on_refused, &rf);
		if (r < 0) {
			snprintf(err, errlen, "no configured neighbor matches "
					      "(or none has the route's address "
					      "family)");
			rc = -1;
		} else if (rf.n) {
			/* the session audited each refusal already */
			if (rf.n > 1)
				snprintf(err, errlen, "%s (and %zu more)",
					 rf.first, rf.n - 1);
			else
				snprintf(err, errlen, "%s", rf.first);
			return api_cmd_free(&c), -1;
		}
		break;
	}
	case API_ANNOUNCE_FLOW:
		r = flow_announce(&c, sel, nsel, source, line, len, err,
				  errlen);
		if (r < 0)
			return api_cmd_free(&c), -1;
		break;
	case API_WITHDRAW_FLOW:
		r = sessions_flow_withdraw(sel, nsel, &c.flow, 1);
		if (r > 0 && A.ops.flow_changed)
			A.ops.flow_changed(NULL, 0, NULL);
		if (r < 0) {
			snprintf(err, errlen, "no configured neighbor matches "
					      "(or none has the rule's "
					      "flowspec family)");
			rc = -1;
		}
		break;
	case API_WITHDRAW_ROUTE:
	case API_WITHDRAW_ATTRS:
		r = sessions_withdraw(sel, nsel, c.route.path_id, c.nlri,
				      c.nnlri);
		if (r < 0) {
			snprintf(err, errlen, "no configured neighbor matches");
			rc = -1;
		}
		break;
	case API_ANNOUNCE_EOR:
		sessions_flush();
		sessions_eor(sel, nsel, c.afi, c.safi);
		break;
	case API_ANNOUNCE_REFRESH:
		sessions_refresh(sel, nsel, c.afi, c.safi);
		break;
	case API_ANNOUNCE_WATCHDOG:
	case API_WITHDRAW_WATCHDOG:
		sessions_watchdog(c.watchdog,
				  c.verb == API_ANNOUNCE_WATCHDOG);
		break;
	case API_SHOW_NEIGHBOR:
		show_neighbors(out, c.summary);
		break;
	case API_SHOW_ADJ_IN:
	case API_SHOW_ADJ_OUT:
		show_rib(out, c.verb == API_SHOW_ADJ_OUT);
		break;
	case API_FLUSH_ADJ_OUT:
		sessions_flush();
		sessions_resend(sel, nsel);
		break;
	case API_CLEAR_ADJ:
		sessions_flush();
		sessions_clear(sel, nsel, c.clear_in || !c.clear_out,
			       c.clear_out || !c.clear_in);
		if (A.ops.flow_changed)
			A.ops.flow_changed(NULL, 0, NULL);
		break;
	case API_SHUTDOWN:
		/* A helper must not be able to stop the speaker (and with
		 * it every session): the operator does that. */
		snprintf(err, errlen, "shutdown is not allowed through the "
				      "API: stop bgpshieldd (systemctl stop "
				      "bgpshieldd, or SIGTERM)");
		rc = -1;
		break;
	case API_RELOAD:
		if (A.ops.reload)
			A.ops.reload(A.ops.arg);
		break;
	case API_VERSION:
		jbuf_printf(out, "bgpshield %s (ExaBGP %s API)\n",
			    BGPSHIELD_VERSION, APIJ_EXABGP_VERSION);
		break;
	case API_ACK_ENABLE:
	case API_ACK_DISABLE:
	case API_ACK_SILENCE:
	case API_NONE:
		break;
	}
	if (rc < 0)
		audit("api_error", source, line, len, err);
	api_cmd_free(&c);
	return rc;
}

/* --- input -------------------------------------------------------------------- */

static int take_token(struct aproc *p)
{
	uint64_t now = mono_ms();

	p->tokens += (double)(now - p->t_tokens) * p->rate / 1000.0;
	if (p->tokens > p->burst)
		p->tokens = p->burst;
	p->t_tokens = now;
	if (p->tokens < 1)
		return 0;
	p->tokens -= 1;
	return 1;
}

/* A line over API_LINE_MAX, whole or still arriving: refused, counted,
 * audited with its first bytes. */
static void refuse_long(struct aproc *p, const char *line, const char *why)
{
	p->long_lines++;
	p->errors++;
	audit("api_error", p->src, line, 64, why);
	proc_ack(p, 0);
}

static void proc_line(struct aproc *p, const char *line, size_t len)
{
	char err[API_ERR_MAX];
	struct jbuf out;
	int rc;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (!len)
		return; /* ExaBGP ignores empty lines */
	p->cmds++;
	if (len > API_LINE_MAX) {
		/* whole in one read: refused like one still arriving */
		char t[96];

		snprintf(t, sizeof(t), "line too long (%zu bytes, limit %d)",
			 len, API_LINE_MAX);
		refuse_long(p, line, t);
		return;
	}
	if (!take_token(p)) {
		p->limited++;
		if (time(NULL) != p->limited_said) {
			char t[128];

			p->limited_said = time(NULL);
			snprintf(t, sizeof(t), "over %u commands/s: refused "
				 "(%llu so far)", p->rate,
				 (unsigned long long)p->limited);
			audit("api_rate_limited", p->src, NULL, 0, t);
			log_warnx("process %s: %s", p->name, t);
		}
		proc_ack(p, 0);
		return;
	}
	/* ack mode changes first: disable-ack is itself answered,
	 * silence-ack is not (ExaBGP 4.2) */
	if (len == 11 && !memcmp(line, "silence-ack", 11)) {
		p->ack = 0;
		return;
	}
	if (len == 11 && !memcmp(line, "disable-ack", 11)) {
		proc_ack(p, 1);
		p->ack = 0;
		return;
	}
	if (len == 10 && !memcmp(line, "enable-ack", 10)) {
		p->ack = 1;
		proc_ack(p, 1);
		return;
	}
	jbuf_init(&out);
	rc = apiproc_run(line, len, p->src, &out, err, sizeof(err));
	if (rc < 0) {
		p->errors++;
		log_debug("process %s: %s", p->name, err);
	}
	if (out.len)
		proc_put(p, out.p, out.len, 0);
	jbuf_free(&out);
	proc_ack(p, rc == 0);
}

static void proc_read(struct aproc *p)
{
	size_t budget = READ_BUDGET;

	while (budget) {
		ssize_t n;
		size_t start = 0;

		n = recv(p->fd, p->rbuf + p->rlen, READ_CHUNK, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			proc_close(p);
			return;
		}
		budget = budget > (size_t)n ? budget - (size_t)n : 0;
		p->rlen += (size_t)n;
		for (size_t i = p->rlen - (size_t)n; i < p->rlen; i++) {
			if (p->rbuf[i] != '\n')
				continue;
			if (p->skipping) {
				p->skipping = 0;
			} else {
				proc_line(p, p->rbuf + start, i - start);
				if (p->fd < 0)
					return;
			}
			start = i + 1;
		}
		memmove(p->rbuf, p->rbuf + start, p->rlen - start);
		p->rlen -= start;
		if (p->rlen > API_LINE_MAX) {
			/* refuse it now; skip the rest up to its newline */
			char t[96];

			snprintf(t, sizeof(t), "line too long (over %d bytes)",
				 API_LINE_MAX);
			refuse_long(p, p->rbuf, t);
			p->rlen = 0;
			p->skipping = 1;
		}
	}
	sessions_flush();
	proc_write(p);
}

/* --- processes come and go ----------------------------------------------------- */

static const struct cfg_process *proc_cfg(const char *name)
{
	if (!A.cfg)
		return NULL;
	for (size_t i = 0; i < A.cfg->nprocesses; i++)
		if (!strcmp(A.cfg->processes[i].name, name))
			return &A.cfg->processes[i];
	return NULL;
}

static void proc_close(struct aproc *p)
{
	if (p->fd < 0)
		return;
	epoll_ctl(A.epfd, EPOLL_CTL_DEL, p->fd, NULL);
	close(p->fd);
	p->fd = -1;
	free(p->rbuf);
	p->rbuf = NULL;
	jbuf_free(&p->out);
	if (p->dropped)
		log_warnx("process %s: %llu events dropped (it did not read)",
			  p->name, (unsigned long long)p->dropped);
	resubscribe();
}

static void proc_limits(struct aproc *p)
{
	const struct cfg_process *c = proc_cfg(p->name);

	p->rate = c && c->rate ? c->rate : CFG_PROC_RATE_DEFAULT;
	p->burst = c && c->burst ? c->burst : CFG_PROC_BURST_DEFAULT;
	if (p->burst < 1)
		p->burst = 1;
}

void apiproc_add(const struct imsg_proc *m, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct aproc *p = NULL;

	for (int i = 0; i < APIPROC_MAX; i++)
		if (A.p[i].fd >= 0 && !strcmp(A.p[i].name, m->name))
			proc_close(&A.p[i]); /* an older instance */
	for (int i = 0; i < APIPROC_MAX && !p; i++)
		if (A.p[i].fd < 0)
			p = &A.p[i];
	if (!p || !(p->rbuf = malloc(API_LINE_MAX + READ_CHUNK + 1))) {
		log_warnx("process %s: no room", m->name);
		close(fd);
		return;
	}
	memset(&p->out, 0, sizeof(p->out));
	snprintf(p->name, sizeof(p->name), "%s", m->name);
	snprintf(p->src, sizeof(p->src), "process %s", p->name);
	p->fd = fd;
	p->gen = m->gen;
	p->pid = (long)m->pid;
	p->enc = m->encoder == CFG_ENC_JSON || m->encoder == CFG_ENC_JSON5
			 ? (enum cfg_encoder)m->encoder
			 : CFG_ENC_TEXT;
	p->rlen = 0;
	p->skipping = 0;
	p->out_off = 0;
	p->ack = 1;
	p->cmds = p->errors = p->limited = p->long_lines = p->dropped = 0;
	proc_limits(p);
	p->tokens = p->burst;
	p->t_tokens = mono_ms();
	jbuf_init(&p->out);
	ev.data.u32 = APIPROC_TAG_BASE + (uint32_t)(p - A.p);
	if (epoll_ctl(A.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		log_warn("process %s: epoll", m->name);
		proc_close(p);
		return;
	}
	log_info("process %s connected (pid %ld, %s encoder)", p->name, p->pid,
		 p->enc == CFG_ENC_JSON5  ? "json5"
		 : p->enc == CFG_ENC_JSON ? "json"
					  : "text");
	resubscribe();
}

void apiproc_gone(const struct imsg_proc *m)
{
	for (int i = 0; i < APIPROC_MAX; i++)
		if (A.p[i].fd >= 0 && !strcmp(A.p[i].name, m->name) &&
		    A.p[i].gen == m->gen)
			proc_close(&A.p[i]);
}

void apiproc_event(uint32_t tag, uint32_t events)
{
	uint32_t i = tag - APIPROC_TAG_BASE;
	struct aproc *p;

	if (i >= APIPROC_MAX || (p = &A.p[i])->fd < 0)
		return;
	if (events & EPOLLOUT)
		proc_write(p);
	if (p->fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		proc_read(p);
}

/* --- events to processes --------------------------------------------------------- */

static int proc_slot(const char *name)
{
	for (int i = 0; i < APIPROC_MAX; i++)
		if (A.p[i].fd >= 0 && !strcmp(A.p[i].name, name))
			return i;
	return -1;
}

static void env_for(size_t idx, struct apij_env *e, struct sess_info *si,
		    const char *direction)
{
	memset(e, 0, sizeof(*e));
	e->host = A.host;
	e->pid = A.pid;
	e->ppid = A.ppid;
	e->counter = ++A.counter;
	e->time = wall();
	if (sessions_info(idx, si) == 0) {
		e->peer = &si->address;
		e->local = si->local.family ? &si->local : NULL;
		e->local_as = si->local_as;
		e->peer_as = si->peer_as;
	}
	e->direction = direction;
}

/* The event's form for a process's encoder. */
static void env_encoder(struct apij_env *e, enum cfg_encoder enc)
{
	e->json_version = enc == CFG_ENC_JSON5 ? 5 : 4;
}

static void on_state(size_t idx, const char *state, const char *reason,
		     void *arg)
{
	struct apij_env e;
	struct sess_info si;
	int have[3] = { 0, 0, 0 };

	(void)arg;
	if (!A.cfg || idx >= A.cfg->nneighbors || !A.subs)
		return;
	for (int i = 0; i < APIPROC_MAX; i++) {
		struct aproc *p = &A.p[i];
		struct jbuf *b;

		if (p->fd < 0 || !(A.subs[idx * APIPROC_MAX + i].events &
				   CFG_API_NEIGHBOR_CHANGES))
			continue;
		b = &A.ev[p->enc];
		if (!have[p->enc]) {
			env_for(idx, &e, &si, NULL);
			env_encoder(&e, p->enc);
			jbuf_reset(b);
			if (p->enc != CFG_ENC_TEXT)
				apij_state(b, &e, state, reason);
			else
				apit_state(b, &e, state, reason);
			jbuf_put(b, "\n", 1);
			have[p->enc] = 1;
		}
		proc_put(p, b->p, b->len, 1);
		proc_write(p);
	}
}

static void on_message(size_t idx, const uint8_t *msg, size_t len, void *arg)
{
	struct apij_env e;
	struct sess_info si;
	struct bgp_sess_ctx ctx;
	struct bgp_err err;
	size_t maxlen;
	unsigned int want = msg[18] == BGP_UPDATE	    ? CFG_API_UPDATE
			    : msg[18] == BGP_NOTIFICATION  ? CFG_API_NOTIFICATION
			    : msg[18] == BGP_OPEN	    ? CFG_API_OPEN
			    : msg[18] == BGP_KEEPALIVE	    ? CFG_API_KEEPALIVE
			    : msg[18] == BGP_ROUTE_REFRESH ? CFG_API_REFRESH
							   : 0;
	int have[3] = { 0, 0, 0 };

	(void)arg;
	if (!A.cfg || idx >= A.cfg->nneighbors || !A.subs || !want ||
	    sessions_ctx(idx, &ctx, &maxlen) < 0)
		return;
	for (int i = 0; i < APIPROC_MAX; i++) {
		struct aproc *p = &A.p[i];
		struct jbuf *b;
		int rc;

		if (p->fd < 0 ||
		    !(A.subs[idx * APIPROC_MAX + i].receive & want))
			continue;
		b = &A.ev[p->enc];
		if (have[p->enc] < 0)
			continue;
		if (!have[p->enc]) {
			env_for(idx, &e, &si, "receive");
			env_encoder(&e, p->enc);
			jbuf_reset(b);
			rc = p->enc != CFG_ENC_TEXT
				     ? apij_message(b, &e, msg, len, &ctx,
						    maxlen, &err)
				     : apit_message(b, &e, msg, len, &ctx,
						    maxlen, &err);
			if (rc < 0) {
				have[p->enc] = -1;
				continue;
			}
			jbuf_put(b, "\n", 1);
			have[p->enc] = 1;
		}
		proc_put(p, b->p, b->len, 1);
		proc_write(p);
	}
}

static void on_audit(const char *event, const struct prefix *nb,
		     const char *text, void *arg)
{
	char a[PREFIX_STRLEN], src[PREFIX_STRLEN + 16];

	(void)arg;
	snprintf(src, sizeof(src), "neighbor %s", prefix_fmt(nb, a, sizeof(a)));
	audit(event, src, NULL, 0, text);
}

void apiproc_hooks(void)
{
	struct sess_hooks h = { on_state, on_message, on_audit, NULL };

	sessions_set_hooks(&h);
}

/*
 * Who hears which neighbor: the neighbors' api blocks name processes;
 * events go to the slots those processes hold now.  Rebuilt when the
 * config changes and when a process (re)connects.
 */
static void resubscribe(void)
{
	const struct config *cfg = A.cfg;

	if (!cfg)
		return;
	if (A.nsubs != cfg->nneighbors || !A.subs) {
		free(A.subs);
		A.subs = NULL;
		A.nsubs = 0;
		if (cfg->nneighbors &&
		    !(A.subs = calloc(cfg->nneighbors * APIPROC_MAX,
				      sizeof(*A.subs))))
			return;
		A.nsubs = cfg->nneighbors;
	}
	memset(A.subs, 0, A.nsubs * APIPROC_MAX * sizeof(*A.subs));
	for (size_t k = 0; k < cfg->nneighbors; k++) {
		const struct cfg_neighbor *n = &cfg->neighbors[k];
		int want = 0;

		for (size_t j = 0; j < n->napis; j++) {
			const struct cfg_api *api = &n->apis[j];

			for (size_t q = 0; q < api->nprocesses; q++) {
				int slot = proc_slot(api->processes[q].name);
				struct sub *sb;

				if (slot < 0)
					continue;
				sb = &A.subs[k * APIPROC_MAX + slot];
				sb->events |= api->events;
				sb->receive |= api->receive;
				if (api->receive &
				    (CFG_API_UPDATE | CFG_API_NOTIFICATION |
				     CFG_API_OPEN | CFG_API_KEEPALIVE |
				     CFG_API_REFRESH))
					want = 1;
			}
		}
		sessions_want_messages(k, want);
	}
}

void apiproc_config(const struct config *cfg)
{
	A.cfg = cfg;
	for (int i = 0; i < APIPROC_MAX; i++)
		if (A.p[i].fd >= 0)
			proc_limits(&A.p[i]);
	resubscribe();
}

void apiproc_stats(struct apiproc_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < APIPROC_MAX; i++) {
		const struct aproc *p = &A.p[i];

		if (p->fd >= 0)
			st->processes++;
		st->commands += p->cmds;
		st->errors += p->errors;
		st->rate_limited += p->limited;
		st->long_lines += p->long_lines;
		st->events_dropped += p->dropped;
	}
}

void apiproc_init(int epfd, const struct apiproc_ops *ops)
{
	struct utsname u;

	A.epfd = epfd;
	if (ops)
		A.ops = *ops;
	for (int i = 0; i < APIPROC_MAX; i++)
		A.p[i].fd = -1;
	if (uname(&u) == 0)
		snprintf(A.host, sizeof(A.host), "%s", u.nodename);
	else
		snprintf(A.host, sizeof(A.host), "localhost");
	A.pid = (long)getpid();
	A.ppid = (long)getppid();
	for (int i = 0; i < 3; i++)
		jbuf_init(&A.ev[i]);
	apiproc_hooks();
}
