// SPDX-License-Identifier: GPL-2.0-only
/*
 * The binder (see bind.h): allowlist bindings resolved from rtnetlink and
 * kept current.
 *
 * Two netlink sockets: `q` asks (route, neighbour, link dump; blocking,
 * each answer bounded by a receive timeout), `ev` listens (links,
 * neighbours, IPv4 and IPv6 routes; non-blocking, read from the parent's
 * epoll loop).  What an event costs:
 *   - a neighbour update of a learn rule's address: no query; the entry is
 *     rewritten at once (one map update, guard_allow());
 *   - a route change: the rules whose address the changed prefix covers
 *     are marked (past ROUTE_SCAN events in one window: every rule), and
 *     the next pass asks one RTM_GETROUTE per marked rule (two if the FIB
 *     match carries no device), plus one RTM_GETNEIGH for a learn rule
 *     whose route's devices changed;
 *   - a link change: one link dump, then every rule as for a route change
 *     (a downed IPv4 link takes its routes without RTM_DELROUTE, and a
 *     named interface may have come or gone).
 * Passes run at most every PASS_MIN_NS.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "bind.h"
#include "log.h"

#define PASS_MIN_NS (250LL * 1000000)
/* Route events checked one by one against the rules within one window of
 * PASS_MIN_NS; past this many (a routing daemon loading a table) every
 * rule is marked instead: the scan is bounded, and so are the lookups (one
 * pass per window). */
#define ROUTE_SCAN 64
#define NL_TIMEOUT_S 1
#define EV_RCVBUF (1 << 20)

/* What was said once and is not repeated until it changes. */
#define LOGGED_NOIFACE 0x1  /* no route / no named interface present */
#define LOGGED_NOTDIRECT 0x2 /* learn, but the route has a gateway */
#define LOGGED_LOCAL 0x4    /* learn, but the address is local */
#define LOGGED_TOOMANY 0x8  /* more than BGPS_POLICY_IFACES devices */
#define LOGGED_RANGE 0x10   /* auto or learn on a range */
#define LOGGED_WRITE 0x20   /* writing the entry failed (retried) */

struct bentry {
	struct guard_rule r; /* as installed (or handed to binder_set's caller) */
	struct guard_rule_bind w;
	size_t idx;	  /* position in binder_set's rules[] */
	int exact;
	int resolved;	  /* interfaces were found at least once */
	int route_known;  /* a route was found at least once */
	int direct;	  /* the last route had no gateway: MAC learnable */
	__u32 route_if[BGPS_POLICY_IFACES]; /* that route's own devices:
					     * where its neighbour lives */
	int nroute_if;
	int have_mac;	  /* mac[] learned from the neighbour table */
	uint8_t mac[6];
	__u32 mac_ifindex; /* where it was learned */
	int dirty;
	int neigh_stale;  /* ask the neighbour table in the next pass */
	unsigned int logged;
};

struct link_info {
	__u32 ifindex;
	__u32 lower;  /* of a VLAN, macvlan or ipvlan device; 0: none */
	__u32 master; /* IFLA_MASTER: the bond (or bridge...) it is in */
	int aggregate; /* a bond or team: native XDP on it runs on its
			* ports, with their ifindexes */
	char name[IF_NAMESIZE];
};

struct guard_binder {
	struct guard *g;
	struct binder_hooks h;
	struct mnl_socket *q, *ev;
	unsigned int q_portid, seq;
	char *buf;
	size_t buflen;
	struct bentry *e; /* sorted by prefix */
	size_t n;
	struct link_info *links; /* sorted by ifindex */
	size_t nlinks, caplinks;
	int links_dirty;
	int dirty;	  /* some entry is */
	unsigned int route_events; /* in the window starting at route_window */
	long long route_window;
	long long last_pass;
	struct binder_stats st;
};

static void blog(struct guard_binder *b, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void blog(struct guard_binder *b, int level, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (b->h.log)
		b->h.log(b->h.arg, level, line);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int entry_cmp(const void *a, const void *b)
{
	return prefix_cmp(&((const struct bentry *)a)->r.pfx,
		       &((const struct bentry *)b)->r.pfx);
}

static struct bentry *entry_find(struct bentry *v, size_t n,
				 const struct prefix *p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = prefix_cmp(p, &v[mid].r.pfx);

		if (!c)
			return &v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static void mark_all(struct guard_binder *b)
{
	for (size_t i = 0; i < b->n; i++)
		b->e[i].dirty = 1;
	b->dirty = b->n > 0;
}

/* --- queries ------------------------------------------------------------ */

/*
 * One request, its answers to cb until the kernel's ACK or a dump's end.
 * NLM_F_ACK on a get makes the end explicit (answer, then ACK).  0, or
 * -errno: the kernel's refusal (ENETUNREACH, ENOENT...) or the socket's.
 */
static int nl_query(struct guard_binder *b, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *data)
{
	unsigned int seq = ++b->seq;
	int stale = 0;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(b->q, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(b->q, b->buf, b->buflen);
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno; /* EAGAIN: the timeout */
		}
		r = mnl_cb_run(b->buf, n, seq, b->q_portid, cb, data);
		if (r == MNL_CB_STOP)
			return 0;
		if (r == MNL_CB_ERROR) {
			/* an answer to an earlier query that timed out:
			 * skip it, boundedly */
			if (errno == EPROTO && ++stale < 16)
				continue;
			return -errno;
		}
	}
}

static struct nlmsghdr *req_start(char *buf, int type, int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

/* --- links ---------------------------------------------------------------- */

static int attr_cb_link(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_OK;
		break;
	case IFLA_LINK:
	case IFLA_LINK_NETNSID:
	case IFLA_MASTER:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return MNL_CB_OK;
		break;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

static int attr_cb_linkinfo(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, IFLA_INFO_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int kind_in(const char *k, const char *const *kinds, size_t n)
{
	for (size_t i = 0; k && i < n; i++)
		if (!strcmp(k, kinds[i]))
			return 1;
	return 0;
}

static const char *link_kind(const struct nlattr *linkinfo)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1] = {};

	if (!linkinfo ||
	    mnl_attr_parse_nested(linkinfo, attr_cb_linkinfo, tb) < 0 ||
	    !tb[IFLA_INFO_KIND])
		return NULL;
	return mnl_attr_get_str(tb[IFLA_INFO_KIND]);
}

/*
 * A device stacked on another one of this namespace, whose frames XDP on
 * the lower device sees with the lower device's ifindex (docs/GUARD.md).
 * By kind, not by IFLA_LINK alone: a veth names its peer there, which may
 * be in the same namespace and is no lower device.
 */
static const char *const stacked_kinds[] = { "vlan", "macvlan", "macvtap",
					      "ipvlan", "ipvtap" };
/* Link aggregation: native XDP on a bond runs on its ports' receive
 * queues and reports their ifindexes (generic XDP and tc: the bond's). */
static const char *const aggregate_kinds[] = { "bond", "team" };

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct guard_binder *b = data;
	const struct nlattr *tb[IFLA_MAX + 1] = {};
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct link_info *li;
	const char *kind;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifm), attr_cb_link, tb) < 0)
		return MNL_CB_OK;
	if (b->nlinks == b->caplinks) {
		size_t ncap = b->caplinks ? b->caplinks * 2 : 32;
		struct link_info *nl = realloc(b->links, ncap * sizeof(*nl));

		if (!nl)
			return MNL_CB_ERROR;
		b->links = nl;
		b->caplinks = ncap;
	}
	li = &b->links[b->nlinks++];
	memset(li, 0, sizeof(*li));
	li->ifindex = ifm->ifi_index;
	if (tb[IFLA_IFNAME])
		snprintf(li->name, sizeof(li->name), "%s",
			 mnl_attr_get_str(tb[IFLA_IFNAME]));
	kind = link_kind(tb[IFLA_LINKINFO]);
	if (tb[IFLA_LINK] && !tb[IFLA_LINK_NETNSID] &&
	    kind_in(kind, stacked_kinds,
		    sizeof(stacked_kinds) / sizeof(stacked_kinds[0])) &&
	    mnl_attr_get_u32(tb[IFLA_LINK]) != li->ifindex)
		li->lower = mnl_attr_get_u32(tb[IFLA_LINK]);
	li->aggregate = kind_in(kind, aggregate_kinds,
				sizeof(aggregate_kinds) /
					sizeof(aggregate_kinds[0]));
	if (tb[IFLA_MASTER])
		li->master = mnl_attr_get_u32(tb[IFLA_MASTER]);
	return MNL_CB_OK;
}

static int link_cmp(const void *a, const void *b)
{
	const struct link_info *x = a, *y = b;

	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

/* One dump, then lookups from memory until a link event. */
static int links_refresh(struct guard_binder *b)
{
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg))];
	struct nlmsghdr *nlh = req_start(req, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	int r;

	ifm->ifi_family = AF_UNSPEC;
	b->nlinks = 0;
	r = nl_query(b, nlh, link_cb, b);
	if (r < 0) {
		blog(b, BIND_LOG_WARN, "binding: listing interfaces failed: %s",
		     strerror(-r));
		return r;
	}
	qsort(b->links, b->nlinks, sizeof(*b->links), link_cmp);
	b->links_dirty = 0;
	return 0;
}

static const struct link_info *link_by_index(struct guard_binder *b,
					     __u32 ifindex)
{
	struct link_info k = { .ifindex = ifindex };

	return bsearch(&k, b->links, b->nlinks, sizeof(k), link_cmp);
}

static __u32 link_by_name(struct guard_binder *b, const char *name)
{
	for (size_t i = 0; i < b->nlinks; i++)
		if (!strncmp(b->links[i].name, name, IF_NAMESIZE))
			return b->links[i].ifindex;
	return 0;
}

/* A name for logs and audit lines: "#N" for one that is gone. */
static const char *link_name(struct guard_binder *b, __u32 ifindex,
			     char *buf)
{
	const struct link_info *li = link_by_index(b, ifindex);

	if (li && li->name[0])
		snprintf(buf, IF_NAMESIZE, "%s", li->name);
	else if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "#%u", ifindex);
	return buf;
}

/* --- routes --------------------------------------------------------------- */

/* ifindex into a set of at most BGPS_POLICY_IFACES, once; *over when
 * full. */
static void iface_add(__u32 *set, int *n, __u32 ifindex, int *over)
{
	for (int i = 0; i < *n; i++)
		if (set[i] == ifindex)
			return;
	if (*n < BGPS_POLICY_IFACES)
		set[(*n)++] = ifindex;
	else
		*over = 1;
}

struct route_res {
	int type;	/* rtm_type */
	int gateway;	/* some nexthop goes through a gateway */
	__u32 oif[BGPS_POLICY_IFACES];
	int noif;
	int more;	/* nexthops past oif[] */
	const uint8_t *self; /* the address looked up */
	int alen;
};

/* A gateway that is the peer itself (`via PEER onlink`) still means a
 * directly connected peer. */
static void route_gateway(struct route_res *rr, const struct nlattr *a)
{
	if (mnl_attr_get_type(a) == RTA_GATEWAY &&
	    (int)mnl_attr_get_payload_len(a) == rr->alen &&
	    !memcmp(mnl_attr_get_payload(a), rr->self, rr->alen))
		return;
	rr->gateway = 1;
}

static void route_add_oif(struct route_res *rr, __u32 ifindex)
{
	if (ifindex)
		iface_add(rr->oif, &rr->noif, ifindex, &rr->more);
}

static int attr_cb_route(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;
	if (type == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

/* RTA_MULTIPATH: struct rtnexthop records, each followed by its own
 * attributes (RTA_GATEWAY, RTA_VIA...). */
static void route_multipath(const struct nlattr *mp, struct route_res *rr)
{
	const char *p = mnl_attr_get_payload(mp);
	int rem = mnl_attr_get_payload_len(mp);

	while (rem >= (int)sizeof(struct rtnexthop)) {
		const struct rtnexthop *nh = (const void *)p;
		const struct nlattr *a;
		int len = nh->rtnh_len;

		if (len < (int)sizeof(*nh) || len > rem)
			break;
		route_add_oif(rr, nh->rtnh_ifindex);
		for (a = (const void *)(p + RTNH_LENGTH(0));
		     mnl_attr_ok(a, p + len - (const char *)a);
		     a = mnl_attr_next(a))
			if (mnl_attr_get_type(a) == RTA_GATEWAY ||
			    mnl_attr_get_type(a) == RTA_VIA)
				route_gateway(rr, a);
		len = RTNH_ALIGN(len);
		p += len;
		rem -= len;
	}
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_res *rr = data;
	const struct nlattr *tb[RTA_MAX + 1] = {};
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*rtm), attr_cb_route, tb) < 0)
		return MNL_CB_OK;
	rr->type = rtm->rtm_type;
	if (tb[RTA_GATEWAY])
		route_gateway(rr, tb[RTA_GATEWAY]);
	if (tb[RTA_VIA])
		route_gateway(rr, tb[RTA_VIA]);
	if (tb[RTA_OIF])
		route_add_oif(rr, mnl_attr_get_u32(tb[RTA_OIF]));
	if (tb[RTA_MULTIPATH])
		route_multipath(tb[RTA_MULTIPATH], rr);
	return MNL_CB_OK;
}

static int route_get(struct guard_binder *b, const struct prefix *p,
		     int fib_match, struct route_res *rr)
{
	char req[256];
	struct nlmsghdr *nlh = req_start(req, RTM_GETROUTE, NLM_F_ACK);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	int alen = prefix_addr_len(p->family);

	memset(rr, 0, sizeof(*rr));
	rr->self = p->addr;
	rr->alen = alen;
	rtm->rtm_family = p->family;
	rtm->rtm_dst_len = alen * 8;
	rtm->rtm_flags = fib_match ? RTM_F_FIB_MATCH : 0;
	mnl_attr_put(nlh, RTA_DST, alen, p->addr);
	return nl_query(b, nlh, route_cb, rr);
}

static int no_route_errno(int r)
{
	return r == -ENETUNREACH || r == -EHOSTUNREACH || r == -ESRCH ||
	       r == -ENOENT || r == -EACCES;
}

/*
 * The route to e's address: the whole FIB entry (RTM_F_FIB_MATCH), so an
 * ECMP route names every nexthop's device, not only the one this lookup's
 * hash picked; a plain lookup when the entry names no device (nexthop
 * objects without compat mode, kernels before 4.13).  0, or -errno.
 */
static int route_lookup(struct guard_binder *b, const struct bentry *e,
			struct route_res *rr)
{
	int r = route_get(b, &e->r.pfx, 1, rr);

	if (r == 0 && (rr->noif || rr->type == RTN_LOCAL))
		goto found;
	if (r < 0 && no_route_errno(r))
		return r;
	r = route_get(b, &e->r.pfx, 0, rr);
	if (r < 0)
		return r;
found:
	if (rr->type != RTN_UNICAST && rr->type != RTN_LOCAL)
		return -ENETUNREACH; /* unreachable, blackhole, prohibit... */
	if (rr->type == RTN_UNICAST && !rr->noif)
		return -ENETUNREACH;
	return 0;
}

/* --- neighbours ---------------------------------------------------------- */

struct neigh_msg {
	int family;
	__u32 ifindex;
	int state;
	int proxy;
	const uint8_t *dst;
	int dstlen;
	const uint8_t *lladdr;
	int lllen;
};

static int attr_cb_neigh(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, NDA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int neigh_parse(const struct nlmsghdr *nlh, struct neigh_msg *m)
{
	const struct nlattr *tb[NDA_MAX + 1] = {};
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ndm)) ||
	    mnl_attr_parse(nlh, sizeof(*ndm), attr_cb_neigh, tb) < 0 ||
	    !tb[NDA_DST])
		return -1;
	memset(m, 0, sizeof(*m));
	m->family = ndm->ndm_family;
	m->ifindex = ndm->ndm_ifindex;
	m->state = ndm->ndm_state;
	m->proxy = !!(ndm->ndm_flags & NTF_PROXY);
	m->dst = mnl_attr_get_payload(tb[NDA_DST]);
	m->dstlen = mnl_attr_get_payload_len(tb[NDA_DST]);
	if (tb[NDA_LLADDR]) {
		m->lladdr = mnl_attr_get_payload(tb[NDA_LLADDR]);
		m->lllen = mnl_attr_get_payload_len(tb[NDA_LLADDR]);
	}
	return 0;
}

/*
 * A MAC the entry may take: from an entry the kernel believes (or was told
 * statically), an Ethernet unicast address.  INCOMPLETE and FAILED carry
 * no usable address; NOARP entries are not the peer's (point-to-point).
 */
static int neigh_usable(const struct neigh_msg *m)
{
	const int ok = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE |
		       NUD_PERMANENT;
	static const uint8_t zero[6];

	return !m->proxy && (m->state & ok) && m->lladdr && m->lllen == 6 &&
	       !(m->lladdr[0] & 1) && memcmp(m->lladdr, zero, 6);
}

static int route_if_has(const struct bentry *e, __u32 ifindex)
{
	for (int i = 0; i < e->nroute_if; i++)
		if (e->route_if[i] == ifindex)
			return 1;
	return 0;
}

/* The learn rule this neighbour message is about, if any. */
static struct bentry *neigh_entry(struct guard_binder *b,
				  const struct neigh_msg *m)
{
	struct prefix p = { .family = m->family };
	struct bentry *e;
	int alen;

	if (m->family != AF_INET && m->family != AF_INET6)
		return NULL;
	alen = prefix_addr_len(m->family);
	if (m->dstlen != alen)
		return NULL;
	p.plen = alen * 8;
	memcpy(p.addr, m->dst, alen);
	e = entry_find(b->e, b->n, &p);
	return e && e->w.mac == BIND_MAC_LEARN ? e : NULL;
}

struct neigh_get_ctx {
	struct neigh_msg m;
	uint8_t mac[6];
	int found;
};

static int neigh_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_get_ctx *c = data;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || neigh_parse(nlh, &c->m) < 0 ||
	    !neigh_usable(&c->m))
		return MNL_CB_OK;
	memcpy(c->mac, c->m.lladdr, 6);
	c->found = 1;
	return MNL_CB_OK;
}

/* Ask the neighbour table for e's address on its route's devices. */
static void neigh_lookup(struct guard_binder *b, struct bentry *e)
{
	int alen = prefix_addr_len(e->r.pfx.family);

	for (int i = 0; i < e->nroute_if; i++) {
		char req[256];
		struct nlmsghdr *nlh = req_start(req, RTM_GETNEIGH, NLM_F_ACK);
		struct ndmsg *ndm =
			mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
		struct neigh_get_ctx c = {};

		ndm->ndm_family = e->r.pfx.family;
		ndm->ndm_ifindex = e->route_if[i];
		mnl_attr_put(nlh, NDA_DST, alen, e->r.pfx.addr);
		if (nl_query(b, nlh, neigh_get_cb, &c) == 0 && c.found) {
			memcpy(e->mac, c.mac, 6);
			e->mac_ifindex = e->route_if[i];
			e->have_mac = 1;
			break;
		}
	}
	e->neigh_stale = 0;
}

/* --- resolution ------------------------------------------------------------ */

/* ifindex and the devices below it: a VLAN on a macvlan on a port, a
 * VLAN on a bond and the bond's ports. */
static void iface_add_stack(struct guard_binder *b, __u32 *set, int *n,
			    __u32 ifindex, int *over)
{
	for (int depth = 0; ifindex && depth < 4; depth++) {
		const struct link_info *li = link_by_index(b, ifindex);

		iface_add(set, n, ifindex, over);
		if (li && li->aggregate)
			for (size_t i = 0; i < b->nlinks; i++)
				if (b->links[i].master == ifindex)
					iface_add(set, n, b->links[i].ifindex,
						  over);
		ifindex = li ? li->lower : 0;
	}
}

static const char *fmt_pfx(const struct bentry *e, char *buf)
{
	return prefix_fmt(&e->r.pfx, buf, PREFIX_STRLEN);
}

/*
 * What e's policy should be now.  Asks the kernel for the route when the
 * rule needs it, and the neighbour table when a learn rule's route moved
 * or its MAC is not known.
 */
static void resolve(struct guard_binder *b, struct bentry *e,
		    struct bgps_policy *out)
{
	struct bgps_policy pol = e->r.pol;
	struct route_res rr = {};
	int route_ok = 0, rerr = 0, over = 0, ns = 0, want_if;
	__u32 set[BGPS_POLICY_IFACES] = {};
	char a[PREFIX_STRLEN];

	fmt_pfx(e, a);
	if (!e->exact && (e->w.iface == BIND_IFACE_AUTO ||
			  e->w.mac == BIND_MAC_LEARN)) {
		if (!(e->logged & LOGGED_RANGE))
			blog(b, BIND_LOG_INFO,
			     "binding %s: a range follows no route nor "
			     "neighbour: name its interfaces",
			     a);
		e->logged |= LOGGED_RANGE;
	}
	if (e->exact &&
	    (e->w.iface == BIND_IFACE_AUTO || e->w.mac == BIND_MAC_LEARN)) {
		rerr = route_lookup(b, e, &rr);
		route_ok = rerr == 0;
		e->route_known |= route_ok;
	}

	/* interfaces */
	want_if = e->w.iface == BIND_IFACE_STATIC ||
		  (e->w.iface == BIND_IFACE_AUTO && e->exact);
	if (e->w.iface == BIND_IFACE_AUTO && route_ok) {
		if (rr.type == RTN_LOCAL) {
			/* our own address: its packets come over lo */
			__u32 lo = link_by_name(b, "lo");

			iface_add(set, &ns, lo ? lo : 1, &over);
		} else {
			for (int i = 0; i < rr.noif; i++)
				iface_add_stack(b, set, &ns, rr.oif[i], &over);
		}
		over |= rr.more;
	} else if (e->w.iface == BIND_IFACE_STATIC) {
		for (size_t i = 0; i < e->w.nifaces; i++) {
			__u32 ix = link_by_name(b, e->w.ifaces[i]);

			if (ix)
				iface_add_stack(b, set, &ns, ix, &over);
		}
	}
	if (over && !(e->logged & LOGGED_TOOMANY)) {
		blog(b, BIND_LOG_WARN,
		     "binding %s: more than %d interfaces (with the devices "
		     "below VLANs); bound to the first %d",
		     a, BGPS_POLICY_IFACES, BGPS_POLICY_IFACES);
		e->logged |= LOGGED_TOOMANY;
	}
	if (!want_if) {
		pol.flags &= ~BGPS_PF_IFACE;
		memset(pol.ifindex, 0, sizeof(pol.ifindex));
	} else if (ns) {
		pol.flags |= BGPS_PF_IFACE;
		memset(pol.ifindex, 0, sizeof(pol.ifindex));
		memcpy(pol.ifindex, set, ns * sizeof(set[0]));
		e->resolved = 1;
		e->logged &= ~LOGGED_NOIFACE;
	} else {
		/* Keep what was resolved before (bind.h). */
		b->st.resolve_failures++;
		if (!(e->logged & LOGGED_NOIFACE)) {
			char why[96];

			if (e->w.iface == BIND_IFACE_STATIC)
				snprintf(why, sizeof(why),
					 "none of its interfaces exists");
			else
				snprintf(why, sizeof(why), "no route (%s)",
					 strerror(-rerr));
			blog(b, BIND_LOG_WARN, "binding %s: %s; %s", a, why,
			     e->resolved ? "keeping its interfaces"
					 : "not bound to an interface yet");
			e->logged |= LOGGED_NOIFACE;
		}
		if (!e->resolved) {
			pol.flags &= ~BGPS_PF_IFACE;
			memset(pol.ifindex, 0, sizeof(pol.ifindex));
		}
	}

	/* MAC */
	if (e->w.mac == BIND_MAC_LEARN && e->exact && route_ok) {
		if (rr.type == RTN_LOCAL || rr.gateway) {
			int flag = rr.type == RTN_LOCAL ? LOGGED_LOCAL
							: LOGGED_NOTDIRECT;

			if (!(e->logged & flag))
				blog(b, BIND_LOG_INFO,
				     "binding %s: mac-binding learn needs a "
				     "directly connected peer, and %s; not "
				     "bound to a MAC",
				     a,
				     flag == LOGGED_LOCAL
					     ? "the address is local"
					     : "the route goes through a "
					       "gateway");
			e->logged = (e->logged & ~(LOGGED_LOCAL |
						   LOGGED_NOTDIRECT)) |
				    flag;
			/* Its frames come from a router now: drop the
			 * MAC (bind.h). */
			e->direct = 0;
			e->have_mac = 0;
			e->nroute_if = 0;
		} else {
			int moved = rr.noif != e->nroute_if ||
				    memcmp(rr.oif, e->route_if,
					   rr.noif * sizeof(rr.oif[0]));

			e->logged &= ~(LOGGED_LOCAL | LOGGED_NOTDIRECT);
			e->direct = 1;
			e->nroute_if = rr.noif;
			memcpy(e->route_if, rr.oif, sizeof(e->route_if));
			if (moved || !e->have_mac || e->neigh_stale)
				neigh_lookup(b, e);
		}
	}
	if (e->w.mac == BIND_MAC_LEARN) {
		if (e->have_mac) {
			pol.flags |= BGPS_PF_MAC;
			memcpy(pol.mac, e->mac, 6);
		} else {
			pol.flags &= ~BGPS_PF_MAC;
			memset(pol.mac, 0, 6);
		}
	}
	*out = pol;
}

/* --- applying ------------------------------------------------------------- */

/* ["veth0","#12"] and, for the log, "veth0 #12" ("none" when unbound). */
static void ifaces_fmt(struct guard_binder *b, const struct bgps_policy *p,
		       char *json, size_t jlen, char *text, size_t tlen)
{
	size_t jo = 0, to = 0;
	int k = 0;

	jo += snprintf(json + jo, jlen - jo, "[");
	text[0] = 0;
	for (int i = 0; (p->flags & BGPS_PF_IFACE) && i < BGPS_POLICY_IFACES;
	     i++) {
		char n[IF_NAMESIZE], esc[IF_NAMESIZE * 6 + 1];

		if (!p->ifindex[i])
			continue;
		link_name(b, p->ifindex[i], n);
		json_escape(esc, sizeof(esc), n);
		if (jo < jlen)
			jo += snprintf(json + jo, jlen - jo, "%s\"%s\"",
				       k ? "," : "", esc);
		if (to < tlen)
			to += snprintf(text + to, tlen - to, "%s%s",
				       k ? " " : "", n);
		k++;
	}
	if (jo < jlen)
		snprintf(json + jo, jlen - jo, "]");
	if (!k)
		snprintf(text, tlen, "none");
}

static const char *mac_or_none(const struct bgps_policy *p, char *buf)
{
	if (!(p->flags & BGPS_PF_MAC))
		return "none";
	return mac_fmt(p->mac, buf, MAC_STRLEN);
}

/*
 * Install pol as e's policy (guard_allow keeps counters and bucket) and
 * say what changed: a log line and an audit record per kind.  A failed
 * write leaves e marked, for the next pass to try again.
 */
static void commit(struct guard_binder *b, struct bentry *e,
		   const struct bgps_policy *pol)
{
	struct bgps_policy old = e->r.pol;
	struct guard_rule nr = { e->r.pfx, *pol };
	char a[PREFIX_STRLEN], obj[1024];
	int r;

	if (!memcmp(&old, pol, sizeof(old)))
		return;
	r = guard_allow(b->g, &nr);
	if (r < 0) {
		if (!(e->logged & LOGGED_WRITE))
			blog(b, BIND_LOG_WARN,
			     "binding %s: %s (retrying every second)",
			     fmt_pfx(e, a), b->g->err);
		e->logged |= LOGGED_WRITE;
		e->dirty = 1;
		b->dirty = 1;
		return;
	}
	e->logged &= ~LOGGED_WRITE;
	e->r.pol = *pol;
	fmt_pfx(e, a);
	if ((old.flags ^ pol->flags) & BGPS_PF_MAC ||
	    ((pol->flags & BGPS_PF_MAC) && memcmp(old.mac, pol->mac, 6))) {
		char om[MAC_STRLEN], nm[MAC_STRLEN], ifn[IF_NAMESIZE];
		char esc[IF_NAMESIZE * 6 + 1];

		if (pol->flags & BGPS_PF_MAC)
			link_name(b, e->mac_ifindex, ifn);
		else
			snprintf(ifn, sizeof(ifn), "none");
		json_escape(esc, sizeof(esc), ifn);
		snprintf(obj, sizeof(obj),
			 "{\"event\":\"guard_mac_change\",\"peer\":\"%s\","
			 "\"old\":\"%s\",\"new\":\"%s\",\"interface\":\"%s\"}",
			 a, mac_or_none(&old, om), mac_or_none(pol, nm), esc);
		if (b->h.audit)
			b->h.audit(b->h.arg, obj);
		blog(b, BIND_LOG_INFO, "binding %s: MAC %s -> %s (on %s)", a,
		     mac_or_none(&old, om), mac_or_none(pol, nm), ifn);
		if ((old.flags & pol->flags) & BGPS_PF_MAC)
			b->st.mac_changes++;
	}
	if ((old.flags ^ pol->flags) & BGPS_PF_IFACE ||
	    memcmp(old.ifindex, pol->ifindex, sizeof(old.ifindex))) {
		char oj[256], nj[256], ot[128], nt[128];

		ifaces_fmt(b, &old, oj, sizeof(oj), ot, sizeof(ot));
		ifaces_fmt(b, pol, nj, sizeof(nj), nt, sizeof(nt));
		snprintf(obj, sizeof(obj),
			 "{\"event\":\"guard_bind_change\",\"peer\":\"%s\","
			 "\"old\":%s,\"new\":%s}",
			 a, oj, nj);
		if (b->h.audit)
			b->h.audit(b->h.arg, obj);
		blog(b, BIND_LOG_INFO, "binding %s: interfaces %s -> %s", a,
		     ot, nt);
		if (old.flags & BGPS_PF_IFACE)
			b->st.rebinds++;
	}
}

/* Resolve every marked entry; install changes, or only record them
 * (binder_set: its caller installs the whole set). */
static void pass(struct guard_binder *b, int install)
{
	if (b->links_dirty)
		links_refresh(b);
	for (size_t i = 0; i < b->n; i++) {
		struct bentry *e = &b->e[i];
		struct bgps_policy pol;

		if (!e->dirty)
			continue;
		e->dirty = 0;
		if (e->w.iface == BIND_IFACE_OFF && e->w.mac != BIND_MAC_LEARN)
			continue;
		resolve(b, e, &pol);
		if (install)
			commit(b, e, &pol);
		else
			e->r.pol = pol;
	}
	/* commit() may have marked a failed write again */
	b->dirty = 0;
	for (size_t i = 0; i < b->n && !b->dirty; i++)
		b->dirty = b->e[i].dirty;
	b->last_pass = now_ns();
}

/* --- events --------------------------------------------------------------- */

static void on_neigh(struct guard_binder *b, const struct nlmsghdr *nlh)
{
	struct neigh_msg m;
	struct bentry *e;
	struct bgps_policy pol;

	/* RTM_DELNEIGH, FAILED, INCOMPLETE: the MAC stays (bind.h) */
	if (nlh->nlmsg_type != RTM_NEWNEIGH || neigh_parse(nlh, &m) < 0 ||
	    !neigh_usable(&m) || !(e = neigh_entry(b, &m)))
		return;
	if (!e->route_known) {
		/* route not known (yet): the next pass asks for both */
		e->dirty = e->neigh_stale = 1;
		b->dirty = 1;
		return;
	}
	if (!e->direct || !route_if_has(e, m.ifindex))
		return; /* behind a gateway, or the same address on
			 * another segment */
	if (e->have_mac && !memcmp(e->mac, m.lladdr, 6))
		return;
	memcpy(e->mac, m.lladdr, 6);
	e->mac_ifindex = m.ifindex;
	e->have_mac = 1;
	pol = e->r.pol;
	pol.flags |= BGPS_PF_MAC;
	memcpy(pol.mac, e->mac, 6);
	commit(b, e, &pol);
}

static int prefix_covers(const struct prefix *p, const struct prefix *host)
{
	int full = p->plen / 8, bits = p->plen % 8;

	if (p->family != host->family)
		return 0;
	if (memcmp(p->addr, host->addr, full))
		return 0;
	return !bits || !((p->addr[full] ^ host->addr[full]) &
			  (0xff00 >> bits));
}

static void on_route(struct guard_binder *b, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[RTA_MAX + 1] = {};
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct prefix p = {};
	long long now = now_ns();
	int alen;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)) ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return;
	if (now - b->route_window > PASS_MIN_NS) {
		b->route_window = now;
		b->route_events = 0;
	}
	if (++b->route_events > ROUTE_SCAN) {
		mark_all(b);
		return;
	}
	alen = prefix_addr_len(rtm->rtm_family);
	if (rtm->rtm_dst_len > alen * 8 ||
	    mnl_attr_parse(nlh, sizeof(*rtm), attr_cb_route, tb) < 0)
		return;
	p.family = rtm->rtm_family;
	p.plen = rtm->rtm_dst_len;
	if (tb[RTA_DST]) {
		if (mnl_attr_get_payload_len(tb[RTA_DST]) != alen)
			return;
		memcpy(p.addr, mnl_attr_get_payload(tb[RTA_DST]), alen);
	} else if (p.plen) {
		return;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct bentry *e = &b->e[i];

		if (e->exact &&
		    (e->w.iface == BIND_IFACE_AUTO ||
		     e->w.mac == BIND_MAC_LEARN) &&
		    prefix_covers(&p, &e->r.pfx)) {
			e->dirty = 1;
			b->dirty = 1;
		}
	}
}

static int ev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct guard_binder *b = data;

	switch (nlh->nlmsg_type) {
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		on_neigh(b, nlh);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		on_route(b, nlh);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		b->links_dirty = 1;
		mark_all(b);
		break;
	}
	return MNL_CB_OK;
}

/* Missed messages: every rule again, its neighbour too. */
static void resync(struct guard_binder *b)
{
	b->links_dirty = 1;
	mark_all(b);
	for (size_t i = 0; i < b->n; i++)
		b->e[i].neigh_stale = b->e[i].w.mac == BIND_MAC_LEARN;
}

int binder_dispatch(struct guard_binder *b)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(b->ev, b->buf, b->buflen);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				blog(b, BIND_LOG_WARN,
				     "binding: rtnetlink overran (ENOBUFS); "
				     "resolving every binding again");
				resync(b);
				continue;
			}
			snprintf(b->g->err, sizeof(b->g->err),
				 "reading rtnetlink: %s", strerror(errno));
			return -errno;
		}
		mnl_cb_run(b->buf, n, 0, 0, ev_cb, b);
	}
}

void binder_tick(struct guard_binder *b)
{
	if (!b || !b->dirty || now_ns() - b->last_pass < PASS_MIN_NS)
		return;
	pass(b, 1);
}

/* --- set, open, close ---------------------------------------------------- */

static int want_same_iface(const struct guard_rule_bind *x,
			   const struct guard_rule_bind *y)
{
	if (x->iface != y->iface)
		return 0;
	if (x->iface != BIND_IFACE_STATIC)
		return 1;
	if (x->nifaces != y->nifaces)
		return 0;
	for (size_t i = 0; i < x->nifaces; i++)
		if (strncmp(x->ifaces[i], y->ifaces[i], IF_NAMESIZE))
			return 0;
	return 1;
}

int binder_set(struct guard_binder *b, struct guard_rule *rules,
	       const struct guard_rule_bind *want, size_t n)
{
	struct bentry *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct bentry *e = &v[i], *old;

		e->r = rules[i];
		e->w = want[i];
		e->idx = i;
		e->exact = prefix_is_host(&rules[i].pfx);
		e->dirty = 1;
		e->neigh_stale = e->w.mac == BIND_MAC_LEARN;
		old = entry_find(b->e, b->n, &rules[i].pfx);
		if (!old)
			continue;
		/* What the kernel told about this address stays known:
		 * a reload must not forget a learned MAC or unbind while
		 * a route is missing. */
		if (want_same_iface(&old->w, &e->w) && old->resolved) {
			e->resolved = 1;
			e->r.pol.flags |= old->r.pol.flags & BGPS_PF_IFACE;
			memcpy(e->r.pol.ifindex, old->r.pol.ifindex,
			       sizeof(e->r.pol.ifindex));
		}
		if (e->w.mac == BIND_MAC_LEARN &&
		    old->w.mac == BIND_MAC_LEARN) {
			e->have_mac = old->have_mac;
			memcpy(e->mac, old->mac, 6);
			e->mac_ifindex = old->mac_ifindex;
			e->route_known = old->route_known;
			e->direct = old->direct;
			e->nroute_if = old->nroute_if;
			memcpy(e->route_if, old->route_if,
			       sizeof(e->route_if));
		}
		e->logged = old->logged;
	}
	qsort(v, n, sizeof(*v), entry_cmp);
	free(b->e);
	b->e = v;
	b->n = n;
	b->links_dirty = 1;
	pass(b, 0);
	for (size_t i = 0; i < n; i++)
		rules[v[i].idx] = v[i].r;
	return 0;
}

int binder_fd(const struct guard_binder *b)
{
	return mnl_socket_get_fd(b->ev);
}

void binder_stats(const struct guard_binder *b, struct binder_stats *st)
{
	if (b)
		*st = b->st;
	else
		memset(st, 0, sizeof(*st));
}

struct guard_binder *binder_open(struct guard *g,
				 const struct binder_hooks *hooks)
{
	struct guard_binder *b = calloc(1, sizeof(*b));
	struct timeval tv = { NL_TIMEOUT_S, 0 };
	int rcvbuf = EV_RCVBUF;

	if (!b) {
		snprintf(g->err, sizeof(g->err), "binding: out of memory");
		return NULL;
	}
	b->g = g;
	if (hooks)
		b->h = *hooks;
	/* a dump answer comes in datagrams up to a page or so each; this
	 * is what libmnl suggests for them */
	b->buflen = MNL_SOCKET_BUFFER_SIZE * 4;
	b->buf = malloc(b->buflen);
	b->q = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	b->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!b->buf || !b->q || !b->ev) {
		snprintf(g->err, sizeof(g->err),
			 "binding: opening rtnetlink: %s", strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(b->q, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(b->q), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)) < 0) {
		snprintf(g->err, sizeof(g->err), "binding: rtnetlink: %s",
			 strerror(errno));
		goto fail;
	}
	b->q_portid = mnl_socket_get_portid(b->q);
	/* Room for a burst (a link going down withdraws its routes and
	 * neighbours at once); capped by net.core.rmem_max, and an overrun
	 * is survived anyway (resync). */
	setsockopt(mnl_socket_get_fd(b->ev), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	if (mnl_socket_bind(b->ev,
			    RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE |
				    RTMGRP_IPV6_ROUTE,
			    MNL_SOCKET_AUTOPID) < 0) {
		snprintf(g->err, sizeof(g->err),
			 "binding: subscribing to route, link and neighbour "
			 "changes: %s",
			 strerror(errno));
		goto fail;
	}
	b->links_dirty = 1;
	return b;
fail:
	binder_close(b);
	return NULL;
}

void binder_close(struct guard_binder *b)
{
	if (!b)
		return;
	if (b->q)
		mnl_socket_close(b->q);
	if (b->ev)
		mnl_socket_close(b->ev);
	free(b->buf);
	free(b->e);
	free(b->links);
	free(b);
}
