// SPDX-License-Identifier: GPL-2.0-only
/*
 * What happens once the whole file is read (cfg_resolve()): templates are
 * applied to the neighbors that inherit them, prefix-list and process
 * names are resolved, defaults filled in and the checks that need the
 * whole config made (duplicate neighbors, address families, limits once
 * templates are copied).  Only then is a config complete; templates and
 * the parse-time metadata are freed by the caller, config_free() frees
 * the rest.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_parse.h"
#include "plist.h"

/* --- freeing -------------------------------------------------------------- */

void cfg_route_free(struct cfg_route *r)
{
	free(r->as_path);
	free(r->communities);
	free(r->large);
	free(r->ext);
	free(r->cluster);
	free(r->raw);
	free(r->watchdog);
}

static void cfg_api_free(struct cfg_api *a)
{
	free(a->name);
	for (size_t i = 0; i < a->nprocesses; i++)
		free(a->processes[i].name);
	free(a->processes);
}

static void cfg_filter_free(struct cfg_filter *f)
{
	for (size_t i = 0; i < f->nplists; i++)
		free(f->plists[i].name);
	free(f->plists);
	free(f->plist_ref);
	free(f->nh_allow);
	memset(f, 0, sizeof(*f));
}

void cfg_neighbor_free(struct cfg_neighbor *n)
{
	free(n->description);
	free(n->md5.secret.path);
	free(n->tcp_ao.secret.path);
	for (size_t i = 0; i < n->nroutes; i++)
		cfg_route_free(&n->routes[i]);
	free(n->routes);
	for (size_t i = 0; i < n->nflows; i++)
		free(n->flows[i].name);
	free(n->flows);
	for (size_t i = 0; i < n->napis; i++)
		cfg_api_free(&n->apis[i]);
	free(n->apis);
	cfg_filter_free(&n->import);
	cfg_filter_free(&n->export);
	/* The keys live here. */
	explicit_bzero(n, sizeof(*n));
}

void cfg_meta_free(struct cfg_meta *m)
{
	for (size_t i = 0; i < m->ninherit; i++)
		free(m->inherit[i].name);
	free(m->inherit);
	if (m->md5_own) {
		explicit_bzero(m->md5_own, strlen(m->md5_own));
		free(m->md5_own);
	}
	memset(m, 0, sizeof(*m));
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nneighbors; i++)
		cfg_neighbor_free(&c->neighbors[i]);
	free(c->neighbors);
	for (size_t i = 0; i < c->nprocesses; i++) {
		struct cfg_process *pr = &c->processes[i];

		free(pr->name);
		for (size_t k = 0; k < pr->argc; k++)
			free(pr->argv[k]);
		free(pr->argv);
	}
	free(c->processes);
	for (size_t i = 0; i < c->nplists; i++) {
		free(c->plists[i].name);
		free(c->plists[i].entries);
		plist_free(c->plists[i].trie);
	}
	free(c->plists);
	free(c->guard.ifaces);
	free(c->guard.allow);
	free(c->audit_path);
	free(c);
}

/* --- templates and checks ------------------------------------------------- */

const char *config_ext_nh_why(const struct cfg_neighbor *n)
{
	/* short: the API's refusals hold 160 bytes */
	if (!(n->nexthop & CFG_NH_IPV4U_IPV6))
		return "enable it with 'nexthop { ipv4 unicast ipv6; }' in the "
		       "neighbor (RFC 8950)";
	if (n->caps.nexthop == CFG_NHCAP_OFF)
		return "the neighbor's 'capability { nexthop disable; }' turns "
		       "it off";
	if (!cfg_neighbor_ext_nh(n))
		return "'nexthop { ipv4 unicast ipv6; }' needs 'ipv4 unicast' "
		       "and 'ipv6 unicast' in the family block";
	return "";
}

static const char *cfg_fam_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

int cfg_route_copy(struct cfg_route *d, const struct cfg_route *s)
{
	*d = *s;
	d->as_path =
		cfg_memdup(s->as_path, s->as_path_len, sizeof(*s->as_path));
	d->communities = cfg_memdup(s->communities, s->ncommunities,
				    sizeof(*s->communities));
	d->large = cfg_memdup(s->large, s->nlarge, sizeof(*s->large));
	d->ext = cfg_memdup(s->ext, s->next, sizeof(*s->ext));
	d->cluster = cfg_memdup(s->cluster, s->ncluster, sizeof(*s->cluster));
	d->raw = cfg_memdup(s->raw, s->raw_len, 1);
	d->watchdog = s->watchdog ? strdup(s->watchdog) : NULL;
	if ((s->as_path_len && !d->as_path) ||
	    (s->ncommunities && !d->communities) || (s->nlarge && !d->large) ||
	    (s->next && !d->ext) || (s->ncluster && !d->cluster) ||
	    (s->raw_len && !d->raw) || (s->watchdog && !d->watchdog)) {
		cfg_route_free(d);
		return -1;
	}
	return 0;
}

static int cfg_api_copy(struct cfg_api *d, const struct cfg_api *s)
{
	memset(d, 0, sizeof(*d));
	d->events = s->events;
	d->receive = s->receive;
	d->send = s->send;
	if (s->name && !(d->name = strdup(s->name)))
		return -1;
	d->processes = calloc(s->nprocesses, sizeof(*d->processes));
	if (!d->processes) {
		cfg_api_free(d);
		return -1;
	}
	for (; d->nprocesses < s->nprocesses; d->nprocesses++) {
		const struct cfg_name *sn = &s->processes[d->nprocesses];
		struct cfg_name *dn = &d->processes[d->nprocesses];

		*dn = *sn;
		if (!(dn->name = strdup(sn->name))) {
			cfg_api_free(d);
			return -1;
		}
	}
	return 0;
}

/* plist_ref stays NULL: cfg_resolve_filter() points it into the config
 * being built, never into the template's. */
static int cfg_filter_copy(struct cfg_filter *d, const struct cfg_filter *s)
{
	*d = *s;
	d->plists = NULL;
	d->nplists = 0;
	d->plist_ref = NULL;
	d->nh_allow =
		cfg_memdup(s->nh_allow, s->nnh_allow, sizeof(*s->nh_allow));
	if (s->nnh_allow && !d->nh_allow)
		goto fail;
	if (s->nplists && !(d->plists = calloc(s->nplists, sizeof(*d->plists))))
		goto fail;
	for (; d->nplists < s->nplists; d->nplists++) {
		d->plists[d->nplists] = s->plists[d->nplists];
		d->plists[d->nplists].name = strdup(s->plists[d->nplists].name);
		if (!d->plists[d->nplists].name)
			goto fail;
	}
	return 0;
fail:
	cfg_filter_free(d);
	return -1;
}

/* Point each prefix-list name at its list; only once parsing is done, as
 * c->plists moves while it grows. */
static int cfg_resolve_filter(struct cfg_parser *p, struct cfg_filter *f)
{
	const struct config *c = p->c;

	if (!f->nplists)
		return 0;
	free(f->plist_ref);
	f->plist_ref = calloc(f->nplists, sizeof(*f->plist_ref));
	if (!f->plist_ref)
		return cfg_oom(p);
	for (size_t i = 0; i < f->nplists; i++) {
		const struct cfg_name *nm = &f->plists[i];

		for (size_t k = 0; k < c->nplists && !f->plist_ref[i]; k++)
			if (!strcmp(c->plists[k].name, nm->name))
				f->plist_ref[i] = &c->plists[k];
		if (!f->plist_ref[i])
			return cfg_error(p, nm->line, nm->col,
					 "prefix-list '%s' is not defined",
					 nm->name);
	}
	return 0;
}

struct cfg_cand {
	const struct cfg_route *r;
	size_t order;
};

/* A route is a prefix and its path-information: with ADD-PATH (RFC 7911
 * §3) the paths of one prefix are different routes. */
static int cfg_route_key_cmp(const struct cfg_route *x,
			     const struct cfg_route *y)
{
	int r = prefix_cmp(&x->prefix, &y->prefix);

	if (r)
		return r;
	return x->path_id < y->path_id ? -1 : x->path_id > y->path_id;
}

static int cfg_cand_cmp(const void *a, const void *b)
{
	const struct cfg_cand *x = a, *y = b;
	int r = cfg_route_key_cmp(x->r, y->r);

	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cfg_order_cmp(const void *a, const void *b)
{
	const struct cfg_cand *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * n's own routes, then those of the templates it inherits whose prefix
 * (and path-information) it does not have yet (the neighbor overrides, then the first template).
 * Two own routes for one prefix are a mistake.  Sorting keeps this
 * O(n log n) for a full table.
 */
static int cfg_merge_routes(struct cfg_parser *p, struct cfg_neighbor *n,
			    const struct cfg_tmpl *const *ts, size_t nts)
{
	const struct cfg_route *dup = NULL, *first = NULL;
	size_t own = n->nroutes, total = own, k = 0, kept = 0, start = 0;
	struct cfg_route *nr;
	struct cfg_cand *cand;

	for (size_t i = 0; i < nts; i++)
		total += ts[i]->n.nroutes;
	if (total < 2)
		goto copy_only;
	cand = reallocarray(NULL, total, sizeof(*cand));
	if (!cand)
		return cfg_oom(p);
	for (size_t i = 0; i < own; i++, k++)
		cand[k] = (struct cfg_cand){ &n->routes[i], k };
	for (size_t t = 0; t < nts; t++)
		for (size_t i = 0; i < ts[t]->n.nroutes; i++, k++)
			cand[k] = (struct cfg_cand){ &ts[t]->n.routes[i], k };
	qsort(cand, total, sizeof(*cand), cfg_cand_cmp);
	for (size_t i = 0; i < total; i++) {
		if (i && !cfg_route_key_cmp(cand[i].r, cand[start].r)) {
			/* Ordered by position: an own route that is not
			 * first follows another own route. */
			if (cand[i].order < own &&
			    (!dup || cand[i].r->line < dup->line ||
			     (cand[i].r->line == dup->line &&
			      cand[i].r->col < dup->col))) {
				dup = cand[i].r;
				first = cand[start].r;
			}
			continue;
		}
		start = i;
		cand[kept++] = cand[i];
	}
	if (dup) {
		char b[PREFIX_STRLEN];

		free(cand);
		return cfg_error(p, dup->line, dup->col,
				 "route %s is already given at %u:%u",
				 prefix_fmt(&dup->prefix, b, sizeof(b)),
				 first->line, first->col);
	}
	if (kept == own) {
		free(cand);
		return 0;
	}
	qsort(cand, kept, sizeof(*cand), cfg_order_cmp);
	nr = calloc(kept, sizeof(*nr));
	if (!nr) {
		free(cand);
		return cfg_oom(p);
	}
	if (own)
		memcpy(nr, n->routes, own * sizeof(*nr));
	free(n->routes);
	n->routes = nr;
	for (size_t i = own; i < kept; i++, n->nroutes++)
		if (cfg_route_copy(&n->routes[n->nroutes], cand[i].r)) {
			free(cand);
			return cfg_oom(p);
		}
	free(cand);
	return 0;

copy_only:
	/* At most one route in all: nothing can collide. */
	if (total == own)
		return 0;
	for (size_t t = 0; t < nts; t++) {
		if (!ts[t]->n.nroutes)
			continue;
		nr = calloc(1, sizeof(*nr));
		if (!nr)
			return cfg_oom(p);
		if (cfg_route_copy(nr, &ts[t]->n.routes[0])) {
			free(nr);
			return cfg_oom(p);
		}
		n->routes = nr;
		n->nroutes = 1;
	}
	return 0;
}

static int cfg_merge_apis(struct cfg_parser *p, struct cfg_neighbor *n,
			  const struct cfg_tmpl *const *ts, size_t nts)
{
	size_t total = n->napis;
	struct cfg_api *na;
	char b[PREFIX_STRLEN];

	for (size_t i = 0; i < nts; i++)
		total += ts[i]->n.napis;
	if (total == n->napis)
		return 0;
	if (total > CFG_MAX_APIS)
		return cfg_error(p, n->line, n->col,
				 "neighbor %s has more than %d api blocks "
				 "once its templates are applied",
				 prefix_fmt(&n->address, b, sizeof(b)),
				 CFG_MAX_APIS);
	na = reallocarray(n->apis, total, sizeof(*na));
	if (!na)
		return cfg_oom(p);
	n->apis = na;
	for (size_t t = 0; t < nts; t++)
		for (size_t i = 0; i < ts[t]->n.napis; i++, n->napis++)
			if (cfg_api_copy(&n->apis[n->napis], &ts[t]->n.apis[i]))
				return cfg_oom(p);
	return 0;
}

/*
 * The flow routes of the templates n inherits, after its own: a name n
 * (or an earlier template) has already is not taken again, as a route's
 * prefix is not (the nearer definition wins).
 */
static int cfg_merge_flows(struct cfg_parser *p, struct cfg_neighbor *n,
			   const struct cfg_tmpl *const *ts, size_t nts)
{
	for (size_t t = 0; t < nts; t++)
		for (size_t i = 0; i < ts[t]->n.nflows; i++) {
			const struct cfg_flow *s = &ts[t]->n.flows[i];
			struct cfg_flow *d;
			size_t k;

			for (k = 0; k < n->nflows; k++)
				if (!strcmp(n->flows[k].name, s->name))
					break;
			if (k < n->nflows)
				continue;
			if (CFG_ROOM(p, n->flows, n->nflows))
				return -1;
			d = &n->flows[n->nflows];
			*d = *s;
			if (!(d->name = strdup(s->name)))
				return cfg_oom(p);
			n->nflows++;
		}
	return 0;
}

/*
 * What a flow rule toward n must pass once templates are applied
 * (cfg_flow_allowed(): a destination unless allow-no-destination, and
 * inside the export prefix-lists), and one rule per NLRI.
 */
static int cfg_check_flows(struct cfg_parser *p, const struct cfg_neighbor *n)
{
	char why[256];

	for (size_t i = 0; i < n->nflows; i++) {
		const struct cfg_flow *f = &n->flows[i];

		int v4 = f->rule.family == AF_INET;

		if (cfg_flow_allowed(n, &f->rule, why, sizeof(why)))
			return cfg_error(p, f->line, f->col,
					 "flow route '%s' is refused: %s",
					 f->name, why);
		/* As a static route of a family the neighbor does not
		 * have: it could never be sent. */
		if (!(n->families &
		      (v4 ? CFG_FAM_IPV4_FLOW : CFG_FAM_IPV6_FLOW)))
			return cfg_error(p, f->line, f->col,
					 "flow route '%s' is %s but the "
					 "neighbor's families do not include "
					 "'%s flow' (family { %s flow; })",
					 f->name, v4 ? "IPv4" : "IPv6",
					 v4 ? "ipv4" : "ipv6",
					 v4 ? "ipv4" : "ipv6");
		for (size_t j = 0; j < i; j++)
			if (!memcmp(&n->flows[j].rule, &f->rule,
				    offsetof(struct fs_rule, act)))
				return cfg_error(p, f->line, f->col,
						 "flow route '%s' matches the "
						 "same as flow route '%s' at "
						 "%u:%u (one rule, one NLRI)",
						 f->name, n->flows[j].name,
						 n->flows[j].line,
						 n->flows[j].col);
	}
	return 0;
}

#define NB_MEMBER(m)                                                           \
	{ offsetof(struct cfg_neighbor, m),                                    \
	  CFG_MEMBER_SIZE(struct cfg_neighbor, m) }

/*
 * The template fields a neighbor takes by a plain copy, by CF_*: where
 * each is in struct cfg_neighbor.  The others own memory, live in the
 * cfg_meta or set two members: they have a case in cfg_apply().
 */
static const struct {
	size_t off, size;
} cfg_plain[CF_MAX] = {
	[CF_ROUTER_ID] = NB_MEMBER(router_id),
	[CF_LOCAL_ADDRESS] = NB_MEMBER(local_address),
	[CF_LOCAL_AS] = NB_MEMBER(local_as),
	[CF_PEER_AS] = NB_MEMBER(peer_as),
	[CF_HOLD_TIME] = NB_MEMBER(hold_time),
	[CF_PASSIVE] = NB_MEMBER(passive),
	[CF_GROUP_UPDATES] = NB_MEMBER(group_updates),
	[CF_MANUAL_EOR] = NB_MEMBER(manual_eor),
	[CF_LISTEN] = NB_MEMBER(listen_port),
	[CF_CONNECT] = NB_MEMBER(connect_port),
	[CF_MD5_IP] = NB_MEMBER(md5.ip),
	[CF_IN_TTL] = NB_MEMBER(gtsm.min_ttl_in),
	[CF_OUT_TTL] = NB_MEMBER(gtsm.ttl_out),
	[CF_FAMILY] = NB_MEMBER(families),
	[CF_ASN4] = NB_MEMBER(caps.asn4),
	[CF_ROUTE_REFRESH] = NB_MEMBER(caps.route_refresh),
	[CF_EXT_MESSAGE] = NB_MEMBER(caps.extended_message),
	[CF_NEXTHOP] = NB_MEMBER(nexthop),
	[CF_NH_CAP] = NB_MEMBER(caps.nexthop),
	[CF_ADD_PATH] = NB_MEMBER(caps.add_path),
	[CF_ADD_PATH_FAM] = NB_MEMBER(add_path_families),
	[CF_SYN_RATE] = NB_MEMBER(syn_rate),
	[CF_SYN_BURST] = NB_MEMBER(syn_burst),
	[CF_FLOW_ENFORCE] = NB_MEMBER(flow_enforce),
	[CF_FLOW_NODST] = NB_MEMBER(flow_allow_nodst),
};

/* Take every field t sets and n does not. */
static int cfg_apply(struct cfg_parser *p, struct cfg_neighbor *n,
		     struct cfg_meta *m, const struct cfg_tmpl *t)
{
	const struct cfg_neighbor *s = &t->n;

	/* mac-binding and peer-mac are one setting: a neighbor (or an
	 * earlier template) that wrote either takes neither from t, so its
	 * 'mac-binding learn;' is not contradicted by t's peer-mac. */
	if (!m->set[CF_MAC_BIND].line && !m->set[CF_PEER_MAC].line &&
	    (t->m.set[CF_MAC_BIND].line || t->m.set[CF_PEER_MAC].line)) {
		m->set[CF_MAC_BIND] = t->m.set[CF_MAC_BIND];
		m->set[CF_PEER_MAC] = t->m.set[CF_PEER_MAC];
		n->bind.mac = s->bind.mac;
		memcpy(n->bind.peer_mac, s->bind.peer_mac,
		       sizeof(n->bind.peer_mac));
	}
	for (int f = 0; f < CF_MAX; f++) {
		if (m->set[f].line || !t->m.set[f].line ||
		    f == CF_MAC_BIND || f == CF_PEER_MAC)
			continue;
		m->set[f] = t->m.set[f];
		if (cfg_plain[f].size) {
			memcpy((char *)n + cfg_plain[f].off,
			       (const char *)s + cfg_plain[f].off,
			       cfg_plain[f].size);
			continue;
		}
		switch ((enum cfg_field)f) {
		case CF_DESCRIPTION:
			if (!(n->description = strdup(s->description)))
				return cfg_oom(p);
			break;
		case CF_MD5_SECRET:
			n->md5.enabled = 1;
			n->md5.secret.line = s->md5.secret.line;
			n->md5.secret.col = s->md5.secret.col;
			if (s->md5.secret.path) {
				n->md5.secret.path = strdup(s->md5.secret.path);
				if (!n->md5.secret.path)
					return cfg_oom(p);
			} else {
				m->md5_text = t->m.md5_text;
			}
			break;
		case CF_MD5_BASE64:
			m->md5_base64 = t->m.md5_base64;
			break;
		case CF_TCP_AO:
			n->tcp_ao = s->tcp_ao;
			n->tcp_ao.secret.path = NULL;
			if (s->tcp_ao.secret.path &&
			    !(n->tcp_ao.secret.path =
				      strdup(s->tcp_ao.secret.path)))
				return cfg_oom(p);
			break;
		case CF_IFACE_BIND:
			n->bind.iface = s->bind.iface;
			n->bind.nifaces = s->bind.nifaces;
			memcpy(n->bind.ifaces, s->bind.ifaces,
			       sizeof(n->bind.ifaces));
			break;
		case CF_GR:
			n->caps.graceful_restart = s->caps.graceful_restart;
			n->caps.gr_time = s->caps.gr_time;
			break;
		case CF_FILTER_IMPORT:
			if (cfg_filter_copy(&n->import, &s->import))
				return cfg_oom(p);
			break;
		case CF_FILTER_EXPORT:
			if (cfg_filter_copy(&n->export, &s->export))
				return cfg_oom(p);
			break;
		default: /* a plain copy above, or CF_FILTER: nothing */
			break;
		}
	}
	return 0;
}

static int cfg_tmpl_cmp(const void *a, const void *b)
{
	const struct cfg_tmpl *x = *(const struct cfg_tmpl *const *)a;
	const struct cfg_tmpl *y = *(const struct cfg_tmpl *const *)b;

	return strcmp(x->name, y->name);
}

static int cfg_tmpl_key(const void *key, const void *b)
{
	const struct cfg_tmpl *y = *(const struct cfg_tmpl *const *)b;

	return strcmp(key, y->name);
}

static int cfg_proc_cmp(const void *a, const void *b)
{
	const struct cfg_process *x = *(const struct cfg_process *const *)a;
	const struct cfg_process *y = *(const struct cfg_process *const *)b;

	return strcmp(x->name, y->name);
}

static int cfg_proc_key(const void *key, const void *b)
{
	const struct cfg_process *y = *(const struct cfg_process *const *)b;

	return strcmp(key, y->name);
}

/* Every api names defined processes. */
static int cfg_check_apis(struct cfg_parser *p, const struct cfg_neighbor *n,
			  struct cfg_process **procs)
{
	for (size_t i = 0; i < n->napis; i++)
		for (size_t k = 0; k < n->apis[i].nprocesses; k++) {
			const struct cfg_name *nm = &n->apis[i].processes[k];

			if (!p->c->nprocesses ||
			    !bsearch(nm->name, procs, p->c->nprocesses,
				     sizeof(*procs), cfg_proc_key))
				return cfg_error(p, nm->line, nm->col,
						 "process '%s' is used by an "
						 "api block but not defined "
						 "(process %s { run ...; })",
						 nm->name, nm->name);
		}
	return 0;
}

static size_t cfg_units(const struct cfg_neighbor *n)
{
	size_t u = n->nroutes + n->nflows;

	for (size_t i = 0; i < n->nroutes; i++)
		u += n->routes[i].as_path_len + n->routes[i].ncommunities +
		     n->routes[i].nlarge + n->routes[i].next;
	for (size_t i = 0; i < n->napis; i++)
		u += n->apis[i].nprocesses;
	return u;
}

static int cfg_resolve_neighbor(struct cfg_parser *p, size_t idx,
				struct cfg_tmpl **sorted, size_t *units)
{
	struct cfg_neighbor *n = &p->c->neighbors[idx];
	struct cfg_meta *m = &p->meta[idx];
	const struct cfg_tmpl *used[CFG_MAX_INHERIT] = { NULL };
	char ab[PREFIX_STRLEN], b[PREFIX_STRLEN];
	size_t nused = 0;

	prefix_fmt(&n->address, ab, sizeof(ab));
	for (size_t i = 0; i < m->ninherit; i++) {
		const struct cfg_name *nm = &m->inherit[i];
		struct cfg_tmpl **t = NULL;
		size_t k;

		if (p->ntmpl)
			t = bsearch(nm->name, sorted, p->ntmpl, sizeof(*sorted),
				    cfg_tmpl_key);
		if (!t)
			return cfg_error(p, nm->line, nm->col,
					 "inherit of unknown template '%s' "
					 "(define it in template { neighbor "
					 "%s { ... } })",
					 nm->name, nm->name);
		for (k = 0; k < nused && used[k] != *t; k++)
			;
		if (k < nused)
			continue;
		used[nused++] = *t;
		if (cfg_apply(p, n, m, *t))
			return -1;
	}
	if (cfg_merge_routes(p, n, used, nused) ||
	    cfg_merge_flows(p, n, used, nused) ||
	    cfg_merge_apis(p, n, used, nused))
		return -1;

	if (!m->set[CF_HOLD_TIME].line)
		n->hold_time = CFG_HOLD_DEFAULT;
	if (!m->set[CF_ASN4].line)
		n->caps.asn4 = 1;
	if (!m->set[CF_ROUTE_REFRESH].line)
		n->caps.route_refresh = 1;
	if (!m->set[CF_GROUP_UPDATES].line)
		n->group_updates = 1;
	if (!m->set[CF_FAMILY].line)
		n->families = CFG_FAM_DEFAULT;

	if (!m->set[CF_LOCAL_AS].line || !m->set[CF_PEER_AS].line)
		return cfg_error(
			p, n->line, n->col,
			"neighbor %s has no %s (set it in the "
			"neighbor or in a template it inherits)",
			ab, m->set[CF_LOCAL_AS].line ? "peer-as" : "local-as");
	if (n->local_address.family &&
	    n->local_address.family != n->address.family)
		return cfg_err_at(p, m->set[CF_LOCAL_ADDRESS],
				  "local-address %s is %s but neighbor %s is "
				  "%s",
				  prefix_fmt(&n->local_address, b, sizeof(b)),
				  cfg_fam_name(n->local_address.family), ab,
				  cfg_fam_name(n->address.family));
	if (n->md5.ip.family && n->md5.ip.family != n->address.family)
		return cfg_err_at(p, m->set[CF_MD5_IP],
				  "md5-ip %s is %s but neighbor %s is %s",
				  prefix_fmt(&n->md5.ip, b, sizeof(b)),
				  cfg_fam_name(n->md5.ip.family), ab,
				  cfg_fam_name(n->address.family));
	/* Linux refuses a socket with both; RFC 5925 7.6 says the same. */
	if (n->md5.enabled && n->tcp_ao.enabled)
		return cfg_err_at(p, m->set[CF_TCP_AO],
				  "neighbor %s has both tcp-ao and an md5 "
				  "password (set at %u:%u); a session uses one",
				  ab, m->set[CF_MD5_SECRET].line,
				  m->set[CF_MD5_SECRET].col);
	if (m->set[CF_SYN_BURST].line && !n->syn_rate)
		return cfg_err_at(p, m->set[CF_SYN_BURST],
				  "'syn-burst' needs 'syn-rate' in the "
				  "neighbor's guard block");
	for (size_t i = 0; i < n->nroutes; i++) {
		const struct cfg_route *r = &n->routes[i];
		uint32_t bit = r->prefix.family == AF_INET
				       ? CFG_FAM_IPV4_UNICAST
				       : CFG_FAM_IPV6_UNICAST;
		const char *fam = r->prefix.family == AF_INET ? "ipv4" : "ipv6";

		if (!(n->families & bit))
			return cfg_error(p, r->line, r->col,
					 "route %s is %s unicast, which "
					 "neighbor %s does not enable in its "
					 "family block",
					 prefix_fmt(&r->prefix, b, sizeof(b)),
					 fam, ab);
		/* RFC 8950: an IPv4 route's IPv6 next hop needs the
		 * neighbor to offer it; here, once templates are applied,
		 * wherever the nexthop block was written. */
		if (!r->nh_self && r->prefix.family == AF_INET &&
		    r->next_hop.family == AF_INET6 && !cfg_neighbor_ext_nh(n)) {
			char nb[PREFIX_STRLEN];

			return cfg_error(p, r->nh_line, r->nh_col,
					 "next-hop %s is IPv6 but the route "
					 "%s is IPv4: %s",
					 prefix_fmt(&r->next_hop, nb,
						    sizeof(nb)),
					 prefix_fmt(&r->prefix, b, sizeof(b)),
					 config_ext_nh_why(n));
		}
	}
	if (n->md5.enabled && !n->md5.secret.path) {
		if (cfg_secret_inline(p, &n->md5.secret, m->md5_text,
				      m->md5_base64, "the md5-password",
				      "md5-base64"))
			return -1;
	} else if (n->md5.enabled) {
		n->md5.secret.base64 = m->md5_base64;
	}
	/* Without a family block ExaBGP offers every family it knows; we
	 * offer unicast, and flowspec where the neighbor has flow routes
	 * of that family (a family block says exactly what it lists). */
	if (!m->set[CF_FAMILY].line)
		for (size_t i = 0; i < n->nflows; i++)
			n->families |= n->flows[i].rule.family == AF_INET
					       ? CFG_FAM_IPV4_FLOW
					       : CFG_FAM_IPV6_FLOW;
	if (cfg_resolve_filter(p, &n->import) ||
	    cfg_resolve_filter(p, &n->export) || cfg_check_flows(p, n))
		return -1;
	*units += cfg_units(n);
	if (*units > CFG_MAX_ROUTE_UNITS)
		return cfg_error(p, n->line, n->col,
				 "more than %u routes and list items once "
				 "templates are applied (at neighbor %s)",
				 CFG_MAX_ROUTE_UNITS, ab);
	return 0;
}

static int cfg_nb_cmp(const void *a, const void *b)
{
	const struct cfg_neighbor *x = *(const struct cfg_neighbor *const *)a;
	const struct cfg_neighbor *y = *(const struct cfg_neighbor *const *)b;
	int r = prefix_cmp(&x->address, &y->address);

	if (r)
		return r;
	return x < y ? -1 : x > y;
}

/* Two blocks for one address: report the second one earliest in the file. */
static int cfg_check_dup_neighbors(struct cfg_parser *p)
{
	const struct cfg_neighbor *dup = NULL, *first = NULL, *start;
	size_t n = p->c->nneighbors;
	struct cfg_neighbor **v;
	char b[PREFIX_STRLEN];

	if (n < 2)
		return 0;
	v = reallocarray(NULL, n, sizeof(*v));
	if (!v)
		return cfg_oom(p);
	for (size_t i = 0; i < n; i++)
		v[i] = &p->c->neighbors[i];
	qsort(v, n, sizeof(*v), cfg_nb_cmp);
	start = v[0];
	for (size_t i = 1; i < n; i++) {
		if (prefix_cmp(&v[i]->address, &start->address)) {
			start = v[i];
			continue;
		}
		if (!dup || v[i] < dup) {
			dup = v[i];
			first = start;
		}
	}
	free(v);
	if (!dup)
		return 0;
	return cfg_error(p, dup->line, dup->col,
			 "neighbor %s is already defined at %u:%u",
			 prefix_fmt(&dup->address, b, sizeof(b)), first->line,
			 first->col);
}

int cfg_resolve(struct cfg_parser *p)
{
	struct config *c = p->c;
	struct cfg_tmpl **sorted = NULL;
	struct cfg_process **procs = NULL;
	size_t units = 0;
	int r = -1;

	if (p->ntmpl) {
		sorted = reallocarray(NULL, p->ntmpl, sizeof(*sorted));
		if (!sorted)
			return cfg_oom(p);
		for (size_t i = 0; i < p->ntmpl; i++)
			sorted[i] = &p->tmpl[i];
		qsort(sorted, p->ntmpl, sizeof(*sorted), cfg_tmpl_cmp);
	}
	if (c->nprocesses) {
		procs = reallocarray(NULL, c->nprocesses, sizeof(*procs));
		if (!procs)
			goto out;
		for (size_t i = 0; i < c->nprocesses; i++)
			procs[i] = &c->processes[i];
		qsort(procs, c->nprocesses, sizeof(*procs), cfg_proc_cmp);
	}
	/* Templates first: their mistakes point into the template even
	 * when no neighbor uses it. */
	for (size_t i = 0; i < p->ntmpl; i++)
		if (cfg_merge_routes(p, &p->tmpl[i].n, NULL, 0) ||
		    cfg_check_apis(p, &p->tmpl[i].n, procs) ||
		    cfg_resolve_filter(p, &p->tmpl[i].n.import) ||
		    cfg_resolve_filter(p, &p->tmpl[i].n.export))
			goto out;
	if (cfg_check_dup_neighbors(p))
		goto out;
	for (size_t i = 0; i < c->nneighbors; i++)
		if (cfg_resolve_neighbor(p, i, sorted, &units) ||
		    cfg_check_apis(p, &c->neighbors[i], procs))
			goto out;
	r = 0;
out:
	if (r && !p->failed)
		cfg_oom(p);
	free(sorted);
	free(procs);
	return r;
}
