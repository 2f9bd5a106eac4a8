// SPDX-License-Identifier: GPL-2.0-only
/*
 * Comparing configs and warning about them.  A reload restarts only the
 * sessions whose neighbor changed (config_neighbor_equal(), secrets
 * included, the guard binding not) and re-filters those whose filters
 * changed (config_filter_equal()); config_equal() is the -n round trip's
 * test.
 * Source positions never count.  config_warnings() names what a config
 * check should point out without refusing the config.
 */
#include <stdio.h>
#include <string.h>

#include "cfg_parse.h"

/* --- comparing ------------------------------------------------------------ */

static int cfg_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static int cfg_pfx_eq(const struct prefix *a, const struct prefix *b)
{
	if (!a->family && !b->family)
		return 1;
	return !prefix_cmp(a, b);
}

static int cfg_secret_eq(const struct cfg_secret *a, const struct cfg_secret *b,
			 int ignore)
{
	if (!cfg_str_eq(a->path, b->path) || a->base64 != b->base64)
		return 0;
	if (ignore)
		return 1;
	return a->loaded == b->loaded && a->len == b->len &&
	       !memcmp(a->key, b->key, a->len);
}

static int cfg_route_eq(const struct cfg_route *a, const struct cfg_route *b)
{
	if (!cfg_pfx_eq(&a->prefix, &b->prefix) || a->nh_self != b->nh_self ||
	    (!a->nh_self && !cfg_pfx_eq(&a->next_hop, &b->next_hop)) ||
	    a->origin != b->origin || a->flags != b->flags ||
	    ((a->flags & CFG_RT_MED) && a->med != b->med) ||
	    ((a->flags & CFG_RT_LOCAL_PREF) &&
	     a->local_pref != b->local_pref) ||
	    a->as_path_len != b->as_path_len ||
	    a->ncommunities != b->ncommunities || a->nlarge != b->nlarge ||
	    a->next != b->next || a->path_id != b->path_id ||
	    ((a->flags & CFG_RT_AGGREGATOR) &&
	     (a->aggr_as != b->aggr_as || a->aggr_id != b->aggr_id)) ||
	    ((a->flags & CFG_RT_ORIGINATOR) &&
	     a->originator_id != b->originator_id) ||
	    a->ncluster != b->ncluster || a->raw_len != b->raw_len ||
	    !cfg_str_eq(a->watchdog, b->watchdog) ||
	    (a->ncluster &&
	     memcmp(a->cluster, b->cluster, a->ncluster * sizeof(*a->cluster))) ||
	    (a->raw_len && memcmp(a->raw, b->raw, a->raw_len)))
		return 0;
	for (size_t i = 0; i < a->next; i++)
		if (a->ext[i] != b->ext[i])
			return 0;
	for (size_t i = 0; i < a->as_path_len; i++)
		if (a->as_path[i] != b->as_path[i])
			return 0;
	for (size_t i = 0; i < a->ncommunities; i++)
		if (a->communities[i] != b->communities[i])
			return 0;
	for (size_t i = 0; i < a->nlarge; i++)
		if (a->large[i].global != b->large[i].global ||
		    a->large[i].local1 != b->large[i].local1 ||
		    a->large[i].local2 != b->large[i].local2)
			return 0;
	return 1;
}

static int cfg_api_eq(const struct cfg_api *a, const struct cfg_api *b)
{
	if (!cfg_str_eq(a->name, b->name) || a->events != b->events ||
	    a->receive != b->receive || a->send != b->send ||
	    a->nprocesses != b->nprocesses)
		return 0;
	for (size_t i = 0; i < a->nprocesses; i++)
		if (strcmp(a->processes[i].name, b->processes[i].name))
			return 0;
	return 1;
}

static int cfg_bind_eq(const struct cfg_bind *a, const struct cfg_bind *b)
{
	if (a->iface != b->iface || a->mac != b->mac ||
	    (a->mac == CFG_MACB_STATIC &&
	     memcmp(a->peer_mac, b->peer_mac, sizeof(a->peer_mac))))
		return 0;
	if (a->iface != CFG_IFB_STATIC)
		return 1;
	if (a->nifaces != b->nifaces)
		return 0;
	for (size_t i = 0; i < a->nifaces; i++)
		if (strcmp(a->ifaces[i].name, b->ifaces[i].name))
			return 0;
	return 1;
}

/* The binding (n->bind) is left out: only the guard uses it, and the
 * parent re-applies the allowlist on every reload, so a changed binding
 * needs no session restart.  config_equal() compares it. */
static int cfg_neighbor_eq(const struct cfg_neighbor *a,
			   const struct cfg_neighbor *b, int ign)
{
	if (!cfg_pfx_eq(&a->address, &b->address) ||
	    !cfg_str_eq(a->description, b->description) ||
	    !cfg_pfx_eq(&a->router_id, &b->router_id) ||
	    !cfg_pfx_eq(&a->local_address, &b->local_address) ||
	    a->local_as != b->local_as || a->peer_as != b->peer_as ||
	    a->hold_time != b->hold_time || a->passive != b->passive ||
	    a->group_updates != b->group_updates ||
	    a->manual_eor != b->manual_eor ||
	    a->listen_port != b->listen_port ||
	    a->connect_port != b->connect_port ||
	    a->md5.enabled != b->md5.enabled ||
	    (a->md5.enabled &&
	     !cfg_secret_eq(&a->md5.secret, &b->md5.secret, ign)) ||
	    !cfg_pfx_eq(&a->md5.ip, &b->md5.ip) ||
	    a->gtsm.min_ttl_in != b->gtsm.min_ttl_in ||
	    a->gtsm.ttl_out != b->gtsm.ttl_out ||
	    a->tcp_ao.enabled != b->tcp_ao.enabled ||
	    a->families != b->families || a->caps.asn4 != b->caps.asn4 ||
	    a->caps.route_refresh != b->caps.route_refresh ||
	    a->caps.extended_message != b->caps.extended_message ||
	    a->caps.graceful_restart != b->caps.graceful_restart ||
	    a->caps.add_path != b->caps.add_path ||
	    cfg_addpath_families(a) != cfg_addpath_families(b) ||
	    a->caps.gr_time != b->caps.gr_time ||
	    a->caps.nexthop != b->caps.nexthop || a->nexthop != b->nexthop ||
	    a->syn_rate != b->syn_rate ||
	    a->syn_burst != b->syn_burst || a->nroutes != b->nroutes ||
	    a->napis != b->napis)
		return 0;
	if (a->tcp_ao.enabled &&
	    (a->tcp_ao.keyid != b->tcp_ao.keyid ||
	     a->tcp_ao.alg != b->tcp_ao.alg ||
	     !cfg_secret_eq(&a->tcp_ao.secret, &b->tcp_ao.secret, ign)))
		return 0;
	for (size_t i = 0; i < a->nroutes; i++)
		if (!cfg_route_eq(&a->routes[i], &b->routes[i]))
			return 0;
	for (size_t i = 0; i < a->napis; i++)
		if (!cfg_api_eq(&a->apis[i], &b->apis[i]))
			return 0;
	return 1;
}

static int cfg_plist_eq(const struct cfg_plist *a, const struct cfg_plist *b);

/* Prefix-lists by name, and by their entries once resolved (a list edited
 * under the same name is a changed filter: the session re-filters). */
int config_filter_equal(const struct cfg_filter *a, const struct cfg_filter *b)
{
	if (a->present != b->present || a->nplists != b->nplists ||
	    a->reject_bogons != b->reject_bogons ||
	    a->reject_default != b->reject_default ||
	    a->reject_private_asn != b->reject_private_asn ||
	    a->max_as_path_len != b->max_as_path_len ||
	    a->max_prefix != b->max_prefix ||
	    (a->max_prefix &&
	     (a->max_prefix_action != b->max_prefix_action ||
	      a->max_prefix_restart != b->max_prefix_restart)) ||
	    a->nh_check != b->nh_check || a->nnh_allow != b->nnh_allow ||
	    a->med_range != b->med_range ||
	    a->local_pref_range != b->local_pref_range ||
	    (a->med_range &&
	     (a->med_min != b->med_min || a->med_max != b->med_max)) ||
	    (a->local_pref_range &&
	     (a->lp_min != b->lp_min || a->lp_max != b->lp_max)))
		return 0;
	for (size_t i = 0; i < a->nplists; i++) {
		if (strcmp(a->plists[i].name, b->plists[i].name))
			return 0;
		if (a->plist_ref && b->plist_ref && a->plist_ref[i] &&
		    b->plist_ref[i] &&
		    !cfg_plist_eq(a->plist_ref[i], b->plist_ref[i]))
			return 0;
	}
	for (size_t i = 0; i < a->nnh_allow; i++)
		if (!cfg_pfx_eq(&a->nh_allow[i], &b->nh_allow[i]))
			return 0;
	return 1;
}

static int cfg_plist_eq(const struct cfg_plist *a, const struct cfg_plist *b)
{
	if (strcmp(a->name, b->name) || a->nentries != b->nentries)
		return 0;
	for (size_t i = 0; i < a->nentries; i++)
		if (!cfg_pfx_eq(&a->entries[i].p, &b->entries[i].p) ||
		    a->entries[i].ge != b->entries[i].ge ||
		    a->entries[i].le != b->entries[i].le)
			return 0;
	return 1;
}

/* Flow routes by name and rule, in order; the rules are plain data,
 * zeroed before parsing, so their bytes compare. */
int config_flows_equal(const struct cfg_neighbor *a,
		       const struct cfg_neighbor *b)
{
	if (a->nflows != b->nflows || a->flow_enforce != b->flow_enforce ||
	    a->flow_allow_nodst != b->flow_allow_nodst)
		return 0;
	for (size_t i = 0; i < a->nflows; i++)
		if (strcmp(a->flows[i].name, b->flows[i].name) ||
		    memcmp(&a->flows[i].rule, &b->flows[i].rule,
			   sizeof(a->flows[i].rule)))
			return 0;
	return 1;
}

/* Filters are not compared: the engine applies a filter change to a
 * running session (re-filtering), which needs no restart.  Nor are flow
 * routes and the flowspec block (config_flows_equal()): a changed rule
 * is a withdraw and an announce of NLRI (RFC 8955 §4), which an open
 * session carries as well as any UPDATE. */
int config_neighbor_equal(const struct cfg_neighbor *a,
			  const struct cfg_neighbor *b)
{
	return cfg_neighbor_eq(a, b, 0);
}

int config_equal(const struct config *a, const struct config *b,
		 int ignore_secrets)
{
	const struct cfg_guard *ga = &a->guard, *gb = &b->guard;

	if (strcmp(a->user, b->user) ||
	    strcmp(a->control_group, b->control_group) ||
	    strcmp(a->control_change_group, b->control_change_group) ||
	    a->metrics.enabled != b->metrics.enabled ||
	    a->metrics.port != b->metrics.port ||
	    (a->metrics.enabled &&
	     !cfg_pfx_eq(&a->metrics.addr, &b->metrics.addr)) ||
	    !cfg_str_eq(a->audit_path, b->audit_path) ||
	    a->nneighbors != b->nneighbors || a->nprocesses != b->nprocesses ||
	    a->nplists != b->nplists || a->rfc8212_strict != b->rfc8212_strict)
		return 0;
	for (size_t i = 0; i < a->nplists; i++)
		if (!cfg_plist_eq(&a->plists[i], &b->plists[i]))
			return 0;
	/* Whether the text holds a password is about the file, and an
	 * unused template's password does not survive printing. */
	if (!ignore_secrets && a->inline_secrets != b->inline_secrets)
		return 0;
	if (ga->iface_auto != gb->iface_auto || ga->nifaces != gb->nifaces ||
	    ga->mode != gb->mode || ga->policy != gb->policy ||
	    ga->port != gb->port || ga->syn_rate != gb->syn_rate ||
	    ga->syn_burst != gb->syn_burst ||
	    ga->event_rate != gb->event_rate || ga->nallow != gb->nallow ||
	    strcmp(ga->pin_dir, gb->pin_dir) || ga->on_exit != gb->on_exit)
		return 0;
	for (size_t i = 0; i < ga->nifaces; i++)
		if (strcmp(ga->ifaces[i].name, gb->ifaces[i].name))
			return 0;
	for (size_t i = 0; i < ga->nallow; i++)
		if (!cfg_pfx_eq(&ga->allow[i].pfx, &gb->allow[i].pfx) ||
		    !cfg_bind_eq(&ga->allow[i].bind, &gb->allow[i].bind))
			return 0;
	for (size_t i = 0; i < a->nprocesses; i++) {
		const struct cfg_process *x = &a->processes[i],
					 *y = &b->processes[i];

		if (strcmp(x->name, y->name) || x->argc != y->argc ||
		    x->encoder != y->encoder || x->respawn != y->respawn ||
		    x->lim_cpu_s != y->lim_cpu_s ||
		    x->lim_memory_mb != y->lim_memory_mb ||
		    x->lim_processes != y->lim_processes ||
		    x->lim_files != y->lim_files || x->rate != y->rate ||
		    x->burst != y->burst)
			return 0;
		for (size_t k = 0; k < x->argc; k++)
			if (strcmp(x->argv[k], y->argv[k]))
				return 0;
	}
	for (size_t i = 0; i < a->nneighbors; i++)
		if (!cfg_neighbor_eq(&a->neighbors[i], &b->neighbors[i],
				     ignore_secrets) ||
		    !cfg_bind_eq(&a->neighbors[i].bind,
				 &b->neighbors[i].bind) ||
		    !config_filter_equal(&a->neighbors[i].import,
					 &b->neighbors[i].import) ||
		    !config_filter_equal(&a->neighbors[i].export,
					 &b->neighbors[i].export) ||
		    !config_flows_equal(&a->neighbors[i], &b->neighbors[i]))
			return 0;
	return 1;
}

/* --- warnings ------------------------------------------------------------- */

void config_warnings(const struct config *c, const char *name,
		     void (*cb)(const char *line, void *arg), void *arg)
{
	char line[512], a[PREFIX_STRLEN];

	if (!name)
		name = "config";
	if (c->metrics.enabled && !config_metrics_loopback(&c->metrics)) {
		prefix_fmt(&c->metrics.addr, a, sizeof(a));
		snprintf(line, sizeof(line),
			 "%s:%u:%u: warning: metrics listen %s is not a "
			 "loopback address: whoever can reach it reads the "
			 "neighbors and guard counters (docs/METRICS.md)",
			 name, c->metrics.line, c->metrics.col, a);
		cb(line, arg);
	}
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct cfg_neighbor *n = &c->neighbors[i];

		if (!cfg_neighbor_ebgp(n))
			continue;
		prefix_fmt(&n->address, a, sizeof(a));
		for (int d = 0; d < 2; d++) {
			const struct cfg_filter *f =
				d ? &n->export : &n->import;
			const char *dir = d ? "export" : "import";

			if (f->present)
				continue;
			/* RFC 8212: eBGP without a policy. */
			if (c->rfc8212_strict)
				snprintf(line, sizeof(line),
					 "%s:%u:%u: warning: eBGP neighbor %s "
					 "has no %s filter: with 'rfc8212 "
					 "strict;' it will %s nothing (RFC "
					 "8212: add filter { %s { ... } })",
					 name, n->line, n->col, a, dir,
					 d ? "send" : "accept", dir);
			else
				snprintf(line, sizeof(line),
					 "%s:%u:%u: warning: eBGP neighbor %s "
					 "has no %s filter (RFC 8212: add "
					 "filter { %s { ... } } or 'rfc8212 "
					 "strict;')",
					 name, n->line, n->col, a, dir, dir);
			cb(line, arg);
		}
	}
}
