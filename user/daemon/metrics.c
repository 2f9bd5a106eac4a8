// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prometheus text exposition format 0.0.4: "# HELP" and "# TYPE" once per
 * family, then its samples; counters end in _total; label values escape
 * backslash, double quote and newline.  See docs/METRICS.md for every
 * family.
 *
 * The HTTP server is the engine's: non-blocking, at most
 * METRICS_HTTP_CLIENTS at once, a 4 KiB request head, every exchange done
 * within METRICS_HTTP_TIMEOUT seconds, and one answer per connection
 * (Connection: close), so nothing a scraper sends can hold the engine.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "metrics.h"

/* --- buffer -----------------------------------------------------------------
 */

static int mbuf_grow(struct mbuf *b, size_t need)
{
	size_t ncap;
	char *np;

	if (b->failed)
		return -1;
	if (b->max && b->len + need > b->max) {
		b->failed = 1;
		return -1;
	}
	if (b->len + need + 1 <= b->cap)
		return 0;
	ncap = (b->len + need + 1) * 2;
	if (ncap < 4096)
		ncap = 4096;
	np = realloc(b->p, ncap);
	if (!np) {
		b->failed = 1;
		return -1;
	}
	b->p = np;
	b->cap = ncap;
	return 0;
}

void mbuf_add(struct mbuf *b, const void *p, size_t len)
{
	if (mbuf_grow(b, len) < 0)
		return;
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = 0;
}

void mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || mbuf_grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += n;
}

void mbuf_free(struct mbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* --- text format
 * --------------------------------------------------------------- */

void metrics_family(struct mbuf *b, const char *name, const char *type,
		    const char *help)
{
	mbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_label_escape(struct mbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			mbuf_add(b, "\\\\", 2);
		else if (*v == '"')
			mbuf_add(b, "\\\"", 2);
		else if (*v == '\n')
			mbuf_add(b, "\\n", 2);
		else
			mbuf_add(b, v, 1);
	}
}

void metrics_sample(struct mbuf *b, const char *name, const char *const *labels,
		    uint64_t value)
{
	mbuf_printf(b, "%s", name);
	for (int i = 0; labels && labels[i] && labels[i + 1]; i += 2) {
		mbuf_printf(b, "%s%s=\"", i ? "," : "{", labels[i]);
		metrics_label_escape(b, labels[i + 1]);
		mbuf_add(b, "\"", 1);
	}
	if (labels && labels[0])
		mbuf_add(b, "}", 1);
	mbuf_printf(b, " %llu\n", (unsigned long long)value);
}

/* --- the engine's families
 * ---------------------------------------------------------- */

static void one(struct mbuf *b, const char *name, const char *type,
		const char *help, uint64_t v)
{
	metrics_family(b, name, type, help);
	metrics_sample(b, name, NULL, v);
}

/* RFC 4271 section 8 states, in enum sess_state order, lower case as
 * label values go. */
static const char *const state_names[] = {
	[SESS_IDLE] = "idle",
	[SESS_CONNECT] = "connect",
	[SESS_ACTIVE] = "active",
	[SESS_OPENSENT] = "opensent",
	[SESS_OPENCONFIRM] = "openconfirm",
	[SESS_ESTABLISHED] = "established",
};

/* A per-neighbor family: one sample per neighbor, labelled neighbor. */
#define NB_FAMILY(b, m, name, type, help, expr)                                \
	do {                                                                   \
		metrics_family(b, name, type, help);                           \
		for (size_t i_ = 0; i_ < (m)->nnb; i_++) {                     \
			const struct metrics_neighbor *n_ = &(m)->nb[i_];      \
			const struct sess_info *si = &n_->si;                  \
			const char *l_[] = {"neighbor", n_->address, NULL};    \
			(void)si;                                              \
			metrics_sample(b, name, l_, (uint64_t)(expr));         \
		}                                                              \
	} while (0)

void metrics_engine_text(struct mbuf *b, const struct metrics_engine *m)
{
	const char *vl[] = {"version", m->version, NULL};

	metrics_family(b, "bgpshield_build_info", "gauge",
		       "bgpshieldd version (always 1)");
	metrics_sample(b, "bgpshield_build_info", vl, 1);
	one(b, "bgpshield_engine_uptime_seconds", "gauge",
	    "Seconds since the engine process started", m->uptime_s);
	one(b, "bgpshield_config_generation", "gauge",
	    "Config generation the engine runs (grows with every reload)",
	    m->config_generation);
	one(b, "bgpshield_control_refused_total", "counter",
	    "Control socket requests refused", m->control_refused);
	one(b, "bgpshield_api_processes", "gauge",
	    "API processes connected to the engine", m->api_processes);
	one(b, "bgpshield_api_commands_total", "counter",
	    "API commands received from processes and bgpshieldctl",
	    m->api_commands);
	one(b, "bgpshield_api_errors_total", "counter",
	    "API commands answered with an error", m->api_errors);
	one(b, "bgpshield_api_rate_limited_total", "counter",
	    "API commands refused over a process's rate limit",
	    m->api_rate_limited);
	one(b, "bgpshield_api_long_lines_total", "counter",
	    "API lines refused for being over the line limit",
	    m->api_long_lines);
	one(b, "bgpshield_api_events_dropped_total", "counter",
	    "Events not written to a process that did not read them",
	    m->api_events_dropped);

	metrics_family(b, "bgpshield_neighbor_up", "gauge",
		       "1 when the BGP session is Established, else 0");
	for (size_t i = 0; i < m->nnb; i++) {
		char as[16];
		const char *l[] = {"neighbor", m->nb[i].address, "peer_as", as,
				   NULL};

		snprintf(as, sizeof(as), "%u", m->nb[i].peer_as);
		metrics_sample(b, "bgpshield_neighbor_up", l,
			       m->nb[i].si.state == SESS_ESTABLISHED);
	}
	metrics_family(b, "bgpshield_neighbor_state", "gauge",
		       "BGP finite state machine state (RFC 4271 section 8): "
		       "1 for the current state, 0 for the others");
	for (size_t i = 0; i < m->nnb; i++)
		for (size_t k = 0;
		     k < sizeof(state_names) / sizeof(*state_names); k++) {
			const char *l[] = {"neighbor", m->nb[i].address,
					   "state", state_names[k], NULL};

			metrics_sample(b, "bgpshield_neighbor_state", l,
				       m->nb[i].si.state == (enum sess_state)k);
		}
	NB_FAMILY(b, m, "bgpshield_neighbor_uptime_seconds", "gauge",
		  "Seconds the session has been Established (0 when not)",
		  si->uptime_s);
	NB_FAMILY(b, m, "bgpshield_neighbor_messages_received_total", "counter",
		  "BGP messages received on the current session", si->msgs_in);
	NB_FAMILY(b, m, "bgpshield_neighbor_messages_sent_total", "counter",
		  "BGP messages sent on the current session", si->msgs_out);
	NB_FAMILY(b, m, "bgpshield_neighbor_prefixes_received", "gauge",
		  "Prefixes in the Adj-RIB-In (accepted by the import filter)",
		  si->prefixes_in);
	NB_FAMILY(b, m, "bgpshield_neighbor_prefixes_sent", "gauge",
		  "Prefixes in the Adj-RIB-Out (announced to the neighbor)",
		  si->prefixes_out);
	NB_FAMILY(b, m, "bgpshield_neighbor_prefixes_filtered_total", "counter",
		  "Received prefixes refused by the import filter",
		  si->filtered_in);
	NB_FAMILY(b, m, "bgpshield_neighbor_announcements_refused_total",
		  "counter",
		  "Announcements refused by the export filter (config, API, "
		  "bgpshieldctl)",
		  si->refused_out);
	NB_FAMILY(b, m, "bgpshield_neighbor_routes_originated", "gauge",
		  "Routes originated to the neighbor (config and API)",
		  si->routes_api);
	NB_FAMILY(b, m, "bgpshield_neighbor_max_prefix_exceeded", "gauge",
		  "1 when the import max-prefix limit is exceeded",
		  si->max_prefix_hit != 0);
}

/* --- the guard's families (built by the parent)
 * -------------------------------------- */

/* Flowspec rules in force (docs/GUARD.md "Flowspec"), labelled by their
 * position in the enforced list (bgpshieldctl guard flowspec shows it). */
static void flowspec_text(struct mbuf *b, const struct metrics_guard *g)
{
	static const char *const act[] = { "accept", "discard", "rate-bytes",
					   "rate-packets", "count" };
	static const struct {
		const char *name, *help;
		size_t off;
	} fam[] = {
		{ "bgpshield_flowspec_matched_packets_total",
		  "Packets that matched the flowspec rule",
		  offsetof(struct bgps_fs_rule, matched_packets) },
		{ "bgpshield_flowspec_matched_bytes_total",
		  "Bytes of packets that matched the flowspec rule",
		  offsetof(struct bgps_fs_rule, matched_bytes) },
		{ "bgpshield_flowspec_dropped_packets_total",
		  "Packets the flowspec rule dropped (discard, or over its "
		  "traffic-rate; in monitor mode: would have dropped)",
		  offsetof(struct bgps_fs_rule, dropped_packets) },
		{ "bgpshield_flowspec_dropped_bytes_total",
		  "Bytes of packets the flowspec rule dropped",
		  offsetof(struct bgps_fs_rule, dropped_bytes) },
	};
	char id[16];

	one(b, "bgpshield_flowspec_rules", "gauge",
	    "Flowspec rules the guard enforces", g->nflows);
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		metrics_family(b, fam[f].name, "counter", fam[f].help);
		for (size_t i = 0; i < g->nflows; i++) {
			const struct bgps_fs_rule *r = &g->flows[i];
			const char *l[] = { "rule", id, "action",
					    act[r->action < 5 ? r->action : 0],
					    NULL };
			uint64_t v;

			snprintf(id, sizeof(id), "%u", r->id);
			memcpy(&v, (const char *)r + fam[f].off, sizeof(v));
			metrics_sample(b, fam[f].name, l, v);
		}
	}
}

void metrics_guard_text(struct mbuf *b, const struct metrics_guard *g)
{
	const struct bgps_stats *s = &g->stats;
	char src[PREFIX_STRLEN];

	one(b, "bgpshield_audit_write_errors_total", "counter",
	    "Audit log lines the parent could not write (disk full...)",
	    g->audit_errors);
	one(b, "bgpshield_guard_up", "gauge",
	    "1 when the parent could read the guard's maps", g->status == 0);
	if (g->status)
		return;
	one(b, "bgpshield_guard_policy_enforce", "gauge",
	    "1 when the guard drops (enforce), 0 when it only counts "
	    "(monitor)",
	    g->settings.mode != BGPS_MODE_MONITOR);
	one(b, "bgpshield_guard_port", "gauge", "TCP port the guard protects",
	    g->settings.port ? g->settings.port : BGPS_PORT_DEFAULT);
	one(b, "bgpshield_guard_allowlist_entries", "gauge",
	    "Allowlist entries (exact sources and ranges)", g->npeers);
	one(b, "bgpshield_guard_seen_packets_total", "counter",
	    "Packets the guard saw on its interfaces", s->total);
	one(b, "bgpshield_guard_guarded_packets_total", "counter",
	    "TCP packets to or from the guarded port", s->guarded);
	metrics_family(b, "bgpshield_guard_packets_total", "counter",
		       "Guarded packets by verdict reason (pass: from an "
		       "allowed source)");
	for (int r = 0; r < BGPS_R_MAX; r++) {
		const char *l[] = {"reason", guard_reason_name(r), NULL};

		metrics_sample(b, "bgpshield_guard_packets_total", l,
			       guard_reason_count(s, r));
	}
	metrics_family(b, "bgpshield_guard_dropped_packets_total", "counter",
		       "Guarded packets dropped, by reason (in monitor mode: "
		       "would have been dropped, and passed)");
	for (int r = 1; r < BGPS_R_MAX; r++) {
		const char *l[] = {"reason", guard_reason_name(r), NULL};

		metrics_sample(b, "bgpshield_guard_dropped_packets_total", l,
			       guard_reason_count(s, r));
	}
	one(b, "bgpshield_guard_monitor_passed_total", "counter",
	    "Would-drop verdicts passed because the policy is monitor",
	    s->monitor_passed);
	one(b, "bgpshield_guard_events_sent_total", "counter",
	    "Drop events written to the ring buffer", s->events_sent);
	one(b, "bgpshield_guard_events_suppressed_total", "counter",
	    "Drop events over the event rate, not written",
	    s->events_suppressed);
	one(b, "bgpshield_guard_events_lost_total", "counter",
	    "Drop events lost to a full ring buffer", s->events_lost);

	flowspec_text(b, g);

	metrics_family(b, "bgpshield_guard_peer_packets_total", "counter",
		       "Guarded packets from an allowlist source, any verdict");
	for (size_t i = 0; i < g->npeers; i++) {
		const char *l[] = {"source", src, NULL};

		prefix_fmt(&g->peers[i].rule.pfx, src, sizeof(src));
		metrics_sample(b, "bgpshield_guard_peer_packets_total", l,
			       g->peers[i].v.packets);
	}
	metrics_family(b, "bgpshield_guard_peer_bytes_total", "counter",
		       "Bytes of guarded packets from an allowlist source");
	for (size_t i = 0; i < g->npeers; i++) {
		const char *l[] = {"source", src, NULL};

		prefix_fmt(&g->peers[i].rule.pfx, src, sizeof(src));
		metrics_sample(b, "bgpshield_guard_peer_bytes_total", l,
			       g->peers[i].v.bytes);
	}
	metrics_family(b, "bgpshield_guard_peer_dropped_total", "counter",
		       "Packets from an allowlist source dropped, by reason "
		       "(ttl: GTSM, syn_rate: its SYN bucket)");
	for (size_t i = 0; i < g->npeers; i++) {
		const char *lt[] = {"source", src, "reason", "ttl", NULL};
		const char *ls[] = {"source", src, "reason", "syn_rate", NULL};

		prefix_fmt(&g->peers[i].rule.pfx, src, sizeof(src));
		metrics_sample(b, "bgpshield_guard_peer_dropped_total", lt,
			       g->peers[i].v.drop_ttl);
		metrics_sample(b, "bgpshield_guard_peer_dropped_total", ls,
			       g->peers[i].v.drop_syn);
	}
	metrics_family(b, "bgpshield_guard_peer_bound", "gauge",
		       "1 when an allowlist entry is bound to its interfaces "
		       "(binding=\"interface\") or MAC (binding=\"mac\"), "
		       "0 while the config's binding is not resolved yet; "
		       "absent when the binding is off");
	for (size_t i = 0; i < g->npeers; i++) {
		const struct bgps_policy *pol = &g->peers[i].v.policy;
		const char *li[] = {"source", src, "binding", "interface",
				    NULL};
		const char *lm[] = {"source", src, "binding", "mac", NULL};

		prefix_fmt(&g->peers[i].rule.pfx, src, sizeof(src));
		if (pol->flags & (BGPS_PF_IFACE | BGPS_PF_IFACE_WANT))
			metrics_sample(b, "bgpshield_guard_peer_bound", li,
				       !!(pol->flags & BGPS_PF_IFACE));
		if (pol->flags & (BGPS_PF_MAC | BGPS_PF_MAC_WANT))
			metrics_sample(b, "bgpshield_guard_peer_bound", lm,
				       !!(pol->flags & BGPS_PF_MAC));
	}
	one(b, "bgpshield_guard_mac_changes_total", "counter",
	    "Learned peer MACs the daemon replaced by a new one from the "
	    "neighbour table",
	    g->bind_mac_changes);
	one(b, "bgpshield_guard_rebinds_total", "counter",
	    "Allowlist entries the daemon moved to other interfaces after a "
	    "route or link change",
	    g->bind_rebinds);
	one(b, "bgpshield_guard_bind_failures_total", "counter",
	    "Binding resolutions that found no route or no named interface",
	    g->bind_failures);
	metrics_family(b, "bgpshield_guard_interface_attached", "gauge",
		       "1 when the guard is attached to the interface, in "
		       "mode (native, generic, tc); 0 with mode \"none\" when "
		       "it is wanted but not attached");
	for (size_t i = 0; i < g->nifaces; i++) {
		const struct guard_iface_status *st = &g->ifaces[i];
		char name[IF_NAMESIZE + 1];
		const char *l[] = {"interface", name, "mode",
				   guard_mode_name(st->live_mode), NULL};

		memcpy(name, st->name, IF_NAMESIZE);
		name[IF_NAMESIZE] = 0;
		metrics_sample(b, "bgpshield_guard_interface_attached", l,
			       st->live_mode >= 0);
	}
}

/* --- the parent's text arriving in chunks
 * ---------------------------------------------- */

#define COLLECT_SLOTS 48

static struct {
	uint32_t id;
	int used;
	struct mbuf b;
} slots[COLLECT_SLOTS];

int metrics_collect_start(uint32_t id)
{
	int k = -1;

	/* Full: the oldest request is given up (its client timed out). */
	for (int i = 0; i < COLLECT_SLOTS; i++)
		if (!slots[i].used) {
			k = i;
			break;
		} else if (k < 0 || slots[i].id < slots[k].id) {
			k = i;
		}
	mbuf_free(&slots[k].b);
	slots[k].id = id;
	slots[k].used = 1;
	slots[k].b.max = METRICS_GUARD_MAX;
	return 0;
}

int metrics_collect(uint32_t id, int more, const char *text, size_t len,
		    struct mbuf **out)
{
	for (int i = 0; i < COLLECT_SLOTS; i++) {
		if (!slots[i].used || slots[i].id != id)
			continue;
		mbuf_add(&slots[i].b, text, len);
		if (more)
			return 0;
		if (!slots[i].b.p)
			mbuf_add(&slots[i].b, "", 0);
		*out = &slots[i].b;
		return 1;
	}
	return -1;
}

void metrics_collect_done(uint32_t id)
{
	for (int i = 0; i < COLLECT_SLOTS; i++)
		if (slots[i].used && slots[i].id == id) {
			mbuf_free(&slots[i].b);
			slots[i].used = 0;
		}
}

/* --- HTTP
 * ----------------------------------------------------------------------------
 */

int metrics_http_parse(const char *buf, size_t len, int *head_only)
{
	const char *end = NULL, *sp1, *sp2, *eol;
	size_t plen;

	*head_only = 0;
	for (size_t i = 0; i + 1 < len && !end; i++)
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			end = buf + i;
		else if (i + 3 < len && !memcmp(buf + i, "\r\n\r\n", 4))
			end = buf + i;
	if (!end)
		return len >= METRICS_HTTP_HEAD_MAX ? 431 : 0;
	/* the first line ends at the first LF, at the latest where the
	 * head does */
	eol = memchr(buf, '\n', len);
	if (eol > buf && eol[-1] == '\r')
		eol--;
	/* RFC 9112 section 3: method SP request-target SP HTTP-version */
	sp1 = memchr(buf, ' ', eol - buf);
	if (!sp1 || sp1 == buf)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', eol - sp1 - 1);
	if (!sp2 || sp2 == sp1 + 1)
		return 400;
	for (const char *c = buf; c < eol; c++)
		if ((unsigned char)*c <= 0x20 && c != sp1 && c != sp2)
			return 400;
		else if ((unsigned char)*c >= 0x7f)
			return 400;
	if (eol - sp2 - 1 != 8 || memcmp(sp2 + 1, "HTTP/1.", 7))
		return eol - sp2 - 1 >= 5 && !memcmp(sp2 + 1, "HTTP/", 5) ? 505
									  : 400;
	if (sp2[8] != '0' && sp2[8] != '1')
		return 505;
	if (sp1 - buf == 4 && !memcmp(buf, "HEAD", 4))
		*head_only = 1;
	else if (sp1 - buf != 3 || memcmp(buf, "GET", 3))
		return 405;
	/* the path, without a query string */
	plen = sp2 - sp1 - 1;
	for (size_t i = 0; i < plen; i++)
		if (sp1[1 + i] == '?') {
			plen = i;
			break;
		}
	if (plen != 8 || memcmp(sp1 + 1, "/metrics", 8))
		return 404;
	return 200;
}

struct hclient {
	int fd; /* -1: free */
	char head[METRICS_HTTP_HEAD_MAX + 1];
	size_t len;
	time_t since;
	uint32_t wait_id;
	int head_only;
	struct mbuf out;
	size_t off;
};

static struct {
	int epfd, lfd;
	struct metrics_http_ops ops;
	struct hclient c[METRICS_HTTP_CLIENTS];
} H = {.lfd = -1};

static void hc_close(struct hclient *c)
{
	if (c->fd < 0)
		return;
	epoll_ctl(H.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (c->wait_id)
		metrics_collect_done(c->wait_id);
	mbuf_free(&c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void hc_write(struct hclient *c)
{
	while (c->off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->off, c->out.len - c->off,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return; /* EPOLLOUT brings us back */
		if (n <= 0)
			break;
		c->off += n;
	}
	hc_close(c);
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 431:
		return "Request Header Fields Too Large";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Service Unavailable";
	}
}

/* Queue the whole answer and start writing it. */
static void hc_respond(struct hclient *c, int status, const char *body,
		       size_t blen)
{
	struct epoll_event ev = {.events = EPOLLOUT,
				 .data.u32 = METRICS_TAG_BASE + 1 +
					     (uint32_t)(c - H.c)};
	static const char plain[] = "text/plain; charset=utf-8";

	mbuf_free(&c->out);
	mbuf_printf(&c->out,
		    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
		    "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
		    status, reason_phrase(status),
		    status == 200 ? METRICS_CONTENT_TYPE : plain, blen,
		    status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (!c->head_only)
		mbuf_add(&c->out, body, blen);
	if (c->out.failed) {
		hc_close(c);
		return;
	}
	c->off = 0;
	/* the request is read: from now on only writable matters */
	if (epoll_ctl(H.epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		epoll_ctl(H.epfd, EPOLL_CTL_ADD, c->fd, &ev);
	hc_write(c);
}

static void hc_error(struct hclient *c, int status)
{
	char body[96];
	int n = snprintf(body, sizeof(body), "%d %s\n", status,
			 reason_phrase(status));

	hc_respond(c, status, body, (size_t)n);
}

void metrics_http_init(int epfd, int listen_fd,
		       const struct metrics_http_ops *ops)
{
	struct epoll_event ev = {.events = EPOLLIN,
				 .data.u32 = METRICS_TAG_BASE};

	H.epfd = epfd;
	H.lfd = listen_fd;
	H.ops = *ops;
	for (int i = 0; i < METRICS_HTTP_CLIENTS; i++)
		H.c[i].fd = -1;
	if (listen_fd >= 0)
		epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev);
}

static void http_accept(void)
{
	for (;;) {
		int fd = accept4(H.lfd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct epoll_event ev = {.events = EPOLLIN};
		int i;

		if (fd < 0)
			return;
		for (i = 0; i < METRICS_HTTP_CLIENTS && H.c[i].fd >= 0; i++)
			;
		if (i == METRICS_HTTP_CLIENTS) {
			static const char busy[] =
				"HTTP/1.1 503 Service Unavailable\r\n"
				"Content-Length: 0\r\nConnection: close\r\n"
				"\r\n";

			send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		memset(&H.c[i], 0, sizeof(H.c[i]));
		H.c[i].fd = fd;
		H.c[i].since = time(NULL);
		ev.data.u32 = METRICS_TAG_BASE + 1 + i;
		if (epoll_ctl(H.epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			hc_close(&H.c[i]);
	}
}

static void hc_read(struct hclient *c)
{
	ssize_t n = recv(c->fd, c->head + c->len,
			 METRICS_HTTP_HEAD_MAX - c->len, 0);
	int status;
	uint32_t id;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		hc_close(c);
		return;
	}
	c->len += n;
	status = metrics_http_parse(c->head, c->len, &c->head_only);
	if (!status)
		return;
	if (status != 200) {
		hc_error(c, status);
		return;
	}
	if (H.ops.request(H.ops.arg, &id) < 0) {
		hc_error(c, 503);
		return;
	}
	c->wait_id = id;
	/* nothing more to read until the parent's part comes */
	epoll_ctl(H.epfd, EPOLL_CTL_DEL, c->fd, NULL);
}

void metrics_http_event(uint32_t tag, uint32_t events)
{
	struct hclient *c;

	if (tag == METRICS_TAG_BASE) {
		if (H.lfd >= 0)
			http_accept();
		return;
	}
	if (tag <= METRICS_TAG_BASE || tag >= METRICS_TAG_END)
		return;
	c = &H.c[tag - METRICS_TAG_BASE - 1];
	if (c->fd < 0)
		return;
	if (c->out.len)
		hc_write(c);
	else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		hc_read(c);
}

int metrics_http_answer(uint32_t id, const struct mbuf *guard)
{
	struct mbuf body = {0};

	for (int i = 0; i < METRICS_HTTP_CLIENTS; i++) {
		struct hclient *c = &H.c[i];

		if (c->fd < 0 || c->wait_id != id || !id)
			continue;
		c->wait_id = 0;
		if (!guard) {
			hc_error(c, 503);
			return 1;
		}
		H.ops.build(H.ops.arg, guard, &body);
		if (body.failed)
			hc_error(c, 503);
		else
			hc_respond(c, 200, body.p ? body.p : "", body.len);
		mbuf_free(&body);
		return 1;
	}
	return 0;
}

void metrics_http_tick(time_t now)
{
	for (int i = 0; i < METRICS_HTTP_CLIENTS; i++)
		if (H.c[i].fd >= 0 && now - H.c[i].since > METRICS_HTTP_TIMEOUT)
			hc_close(&H.c[i]);
}
