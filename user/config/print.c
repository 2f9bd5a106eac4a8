// SPDX-License-Identifier: GPL-2.0-only
/*
 * config_print(): the config in canonical form, for bgpshieldd -n and the
 * fuzzer's round trip.  Templates are already applied and every default is
 * written out, so two configs that mean the same print the same; secrets
 * are masked.  What it prints must parse back to an equal config
 * (config_equal() with ignore_secrets), so words the lexer would split or
 * misread are quoted.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_parse.h"

/* --- printing ------------------------------------------------------------- */

/* A word the lexer reads back as the same single word. */
static int cfg_bare_ok(const char *s)
{
	if (!*s || *s == '#')
		return 0;
	for (; *s; s++)
		if (cfg_word_end(*s) || *s == '\'')
			return 0;
	return 1;
}

static void cfg_print_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void cfg_print_word(FILE *f, const char *s)
{
	if (cfg_bare_ok(s))
		fputs(s, f);
	else
		cfg_print_str(f, s);
}

/* 'auto' and 'off' are keywords after 'interface': such a name is quoted. */
static void cfg_print_ifname(FILE *f, const char *s)
{
	fputc(' ', f);
	if (!strcmp(s, "auto") || !strcmp(s, "off"))
		cfg_print_str(f, s);
	else
		cfg_print_word(f, s);
}

/* "interface ..." of a neighbor's guard block or an allow entry (not
 * for a neighbor's default, auto). */
static void cfg_print_bind_ifaces(FILE *f, const struct cfg_bind *bd)
{
	if (bd->iface == CFG_IFB_OFF) {
		fputs("interface off", f);
	} else if (bd->iface == CFG_IFB_STATIC) {
		fputs("interface", f);
		for (size_t i = 0; i < bd->nifaces; i++)
			cfg_print_ifname(f, bd->ifaces[i].name);
	}
}

/* A neighbor's guard block, when anything in it differs from the
 * defaults; mac DEFAULT has no keyword and leaves nothing. */
static void cfg_print_nb_guard(FILE *f, const struct cfg_neighbor *n)
{
	static const char *const mac[] = {
		[CFG_MACB_LEARN] = "learn",
		[CFG_MACB_OFF] = "off",
	};
	const struct cfg_bind *bd = &n->bind;
	char b[MAC_STRLEN];

	if (!n->syn_rate && bd->iface == CFG_IFB_AUTO &&
	    bd->mac == CFG_MACB_DEFAULT)
		return;
	fputs("\tguard {\n", f);
	if (n->syn_rate)
		fprintf(f, "\t\tsyn-rate %u;\n", n->syn_rate);
	if (n->syn_burst)
		fprintf(f, "\t\tsyn-burst %u;\n", n->syn_burst);
	if (bd->iface != CFG_IFB_AUTO) {
		fputs("\t\t", f);
		cfg_print_bind_ifaces(f, bd);
		fputs(";\n", f);
	}
	/* peer-mac alone means static */
	if (bd->mac == CFG_MACB_STATIC)
		fprintf(f, "\t\tpeer-mac %s;\n",
			mac_fmt(bd->peer_mac, b, sizeof(b)));
	else if (bd->mac == CFG_MACB_LEARN || bd->mac == CFG_MACB_OFF)
		fprintf(f, "\t\tmac-binding %s;\n", mac[bd->mac]);
	fputs("\t}\n", f);
}

static void cfg_print_comm(FILE *f, uint32_t c)
{
	for (size_t i = 0; i < cfg_nwk_comms; i++)
		if (cfg_wk_comms[i].value == c) {
			fputs(cfg_wk_comms[i].name, f);
			return;
		}
	fprintf(f, "%u:%u", c >> 16, c & 0xffff);
}

static void cfg_print_route(FILE *f, const struct cfg_route *r)
{
	char b[PREFIX_STRLEN];

	fprintf(f, "\t\troute %s next-hop ",
		prefix_fmt(&r->prefix, b, sizeof(b)));
	fputs(r->nh_self ? "self" : prefix_fmt(&r->next_hop, b, sizeof(b)), f);
	fprintf(f, " origin %s", cfg_origin_names[r->origin]);
	if (r->flags & CFG_RT_MED)
		fprintf(f, " med %u", r->med);
	if (r->flags & CFG_RT_LOCAL_PREF)
		fprintf(f, " local-preference %u", r->local_pref);
	if (r->as_path_len) {
		fputs(" as-path [", f);
		for (size_t i = 0; i < r->as_path_len; i++)
			fprintf(f, " %u", r->as_path[i]);
		fputs(" ]", f);
	}
	if (r->ncommunities) {
		fputs(" community [", f);
		for (size_t i = 0; i < r->ncommunities; i++) {
			fputc(' ', f);
			cfg_print_comm(f, r->communities[i]);
		}
		fputs(" ]", f);
	}
	if (r->nlarge) {
		fputs(" large-community [", f);
		for (size_t i = 0; i < r->nlarge; i++)
			fprintf(f, " %u:%u:%u", r->large[i].global,
				r->large[i].local1, r->large[i].local2);
		fputs(" ]", f);
	}
	if (r->next) {
		fputs(" extended-community [", f);
		for (size_t i = 0; i < r->next; i++)
			fprintf(f, " 0x%016llx", (unsigned long long)r->ext[i]);
		fputs(" ]", f);
	}
	if (r->flags & CFG_RT_ATOMIC_AGGR)
		fputs(" atomic-aggregate", f);
	if (r->flags & CFG_RT_AGGREGATOR)
		fprintf(f, " aggregator ( %u:%u.%u.%u.%u )", r->aggr_as,
			r->aggr_id >> 24, (r->aggr_id >> 16) & 0xff,
			(r->aggr_id >> 8) & 0xff, r->aggr_id & 0xff);
	if (r->flags & CFG_RT_ORIGINATOR)
		fprintf(f, " originator-id %u.%u.%u.%u", r->originator_id >> 24,
			(r->originator_id >> 16) & 0xff,
			(r->originator_id >> 8) & 0xff,
			r->originator_id & 0xff);
	if (r->ncluster) {
		fputs(" cluster-list [", f);
		for (size_t i = 0; i < r->ncluster; i++)
			fprintf(f, " %u.%u.%u.%u", r->cluster[i] >> 24,
				(r->cluster[i] >> 16) & 0xff,
				(r->cluster[i] >> 8) & 0xff,
				r->cluster[i] & 0xff);
		fputs(" ]", f);
	}
	for (size_t off = 0; off + 4 <= r->raw_len;) {
		size_t len = (size_t)r->raw[off + 2] << 8 | r->raw[off + 3];

		fprintf(f, " attribute [ 0x%02x 0x%02x 0x", r->raw[off + 1],
			r->raw[off]);
		for (size_t i = 0; i < len && off + 4 + i < r->raw_len; i++)
			fprintf(f, "%02x", r->raw[off + 4 + i]);
		fputs(" ]", f);
		off += 4 + len;
	}
	if (r->watchdog)
		fprintf(f, " watchdog %s", r->watchdog);
	if (r->flags & CFG_RT_WITHDRAW)
		fputs(" withdraw", f);
	if (r->path_id)
		fprintf(f, " path-information %u.%u.%u.%u", r->path_id >> 24,
			r->path_id >> 16 & 0xff, r->path_id >> 8 & 0xff,
			r->path_id & 0xff);
	fputs(";\n", f);
}

static void cfg_print_api_dir(FILE *f, const char *what, unsigned int bits)
{
	if (!bits)
		return;
	fprintf(f, "\t\t%s {\n", what);
	for (size_t i = 0; i < cfg_napi_msg_kws; i++)
		if (bits & (unsigned int)cfg_api_msg_kws[i].id)
			fprintf(f, "\t\t\t%s;\n", cfg_api_msg_kws[i].name);
	fputs("\t\t}\n", f);
}

static void cfg_print_api(FILE *f, const struct cfg_api *a)
{
	static const struct cfg_kw ev[] = {
		{ "neighbor-changes", CFG_API_NEIGHBOR_CHANGES },
		{ "negotiated", CFG_API_NEGOTIATED },
		{ "fsm", CFG_API_FSM },
		{ "signal", CFG_API_SIGNAL },
	};

	fputs("\tapi ", f);
	if (a->name) {
		fputs(a->name, f);
		fputc(' ', f);
	}
	fputs("{\n\t\tprocesses [", f);
	for (size_t i = 0; i < a->nprocesses; i++)
		fprintf(f, " %s", a->processes[i].name);
	fputs(" ];\n", f);
	for (size_t i = 0; i < CFG_ARRAY_SIZE(ev); i++)
		if (a->events & (unsigned int)ev[i].id)
			fprintf(f, "\t\t%s;\n", ev[i].name);
	cfg_print_api_dir(f, "receive", a->receive);
	cfg_print_api_dir(f, "send", a->send);
	fputs("\t}\n", f);
}

static void cfg_print_filter(FILE *f, const struct cfg_filter *fl,
			     const char *what)
{
	char b[PREFIX_STRLEN];

	if (!fl->present)
		return;
	fprintf(f, "\t\t%s {\n", what);
	for (size_t i = 0; i < fl->nplists; i++)
		fprintf(f, "\t\t\tprefix-list %s;\n", fl->plists[i].name);
	if (fl->reject_bogons)
		fputs("\t\t\treject-bogons;\n", f);
	if (fl->reject_default)
		fputs("\t\t\treject-default;\n", f);
	if (fl->reject_private_asn)
		fputs("\t\t\treject-private-asn;\n", f);
	if (fl->max_as_path_len)
		fprintf(f, "\t\t\tmax-as-path-length %u;\n",
			fl->max_as_path_len);
	if (fl->max_prefix) {
		fprintf(f, "\t\t\tmax-prefix %u %s", fl->max_prefix,
			fl->max_prefix_action == CFG_MAXPFX_TEARDOWN
				? "teardown"
				: "warning");
		if (fl->max_prefix_action == CFG_MAXPFX_TEARDOWN &&
		    fl->max_prefix_restart)
			fprintf(f, " restart %u", fl->max_prefix_restart);
		fputs(";\n", f);
	}
	if (fl->nh_check) {
		fprintf(f, "\t\t\tnext-hop %s",
			!strcmp(what, "import") ? "peer" : "self");
		for (size_t i = 0; i < fl->nnh_allow; i++)
			fprintf(f, " %s",
				prefix_fmt(&fl->nh_allow[i], b, sizeof(b)));
		fputs(";\n", f);
	}
	if (fl->med_range)
		fprintf(f, "\t\t\tmed %u %u;\n", fl->med_min, fl->med_max);
	if (fl->local_pref_range)
		fprintf(f, "\t\t\tlocal-pref %u %u;\n", fl->lp_min, fl->lp_max);
	fputs("\t\t}\n", f);
}

static void cfg_print_neighbor(FILE *f, const struct cfg_neighbor *n)
{
	const struct cfg_caps *cp = &n->caps;
	char b[PREFIX_STRLEN];

	fprintf(f, "\nneighbor %s {\n", prefix_fmt(&n->address, b, sizeof(b)));
	if (n->description) {
		fputs("\tdescription ", f);
		cfg_print_str(f, n->description);
		fputs(";\n", f);
	}
	if (n->router_id.family)
		fprintf(f, "\trouter-id %s;\n",
			prefix_fmt(&n->router_id, b, sizeof(b)));
	if (n->local_address.family)
		fprintf(f, "\tlocal-address %s;\n",
			prefix_fmt(&n->local_address, b, sizeof(b)));
	fprintf(f, "\tlocal-as %u;\n\tpeer-as %u;\n\thold-time %u;\n",
		n->local_as, n->peer_as, n->hold_time);
	fprintf(f, "\tpassive %s;\n", n->passive ? "true" : "false");
	if (!n->group_updates)
		fputs("\tgroup-updates false;\n", f);
	if (n->manual_eor)
		fputs("\tmanual-eor true;\n", f);
	if (n->listen_port)
		fprintf(f, "\tlisten %u;\n", n->listen_port);
	if (n->connect_port)
		fprintf(f, "\tconnect %u;\n", n->connect_port);
	if (n->md5.enabled && n->md5.secret.path) {
		fputs("\tmd5-password-file ", f);
		cfg_print_word(f, n->md5.secret.path);
		fputs(";\n", f);
		if (n->md5.secret.base64)
			fputs("\tmd5-base64 true;\n", f);
	} else if (n->md5.enabled) {
		fputs("\tmd5-password \"" CFG_SECRET_MASK "\";\n", f);
	}
	if (n->md5.ip.family)
		fprintf(f, "\tmd5-ip %s;\n",
			prefix_fmt(&n->md5.ip, b, sizeof(b)));
	if (n->gtsm.min_ttl_in == 255 && n->gtsm.ttl_out == 255) {
		fputs("\tttl-security;\n", f);
	} else {
		if (n->gtsm.min_ttl_in)
			fprintf(f, "\tincoming-ttl %u;\n", n->gtsm.min_ttl_in);
		if (n->gtsm.ttl_out)
			fprintf(f, "\toutgoing-ttl %u;\n", n->gtsm.ttl_out);
	}
	if (n->tcp_ao.enabled) {
		fprintf(f, "\ttcp-ao {\n\t\tkeyid %u;\n\t\talgorithm %s;\n",
			n->tcp_ao.keyid, config_ao_alg_name(n->tcp_ao.alg));
		if (n->tcp_ao.secret.path) {
			fputs("\t\tpassword-file ", f);
			cfg_print_word(f, n->tcp_ao.secret.path);
			fputs(";\n", f);
			if (n->tcp_ao.secret.base64)
				fputs("\t\tbase64 true;\n", f);
		} else {
			fputs("\t\tpassword \"" CFG_SECRET_MASK "\";\n", f);
		}
		fputs("\t}\n", f);
	}
	fputs("\tfamily {\n", f);
	if (n->families & CFG_FAM_IPV4_UNICAST)
		fputs("\t\tipv4 unicast;\n", f);
	if (n->families & CFG_FAM_IPV6_UNICAST)
		fputs("\t\tipv6 unicast;\n", f);
	if (n->families & CFG_FAM_IPV4_FLOW)
		fputs("\t\tipv4 flow;\n", f);
	if (n->families & CFG_FAM_IPV6_FLOW)
		fputs("\t\tipv6 flow;\n", f);
	fputs("\t}\n", f);
	fprintf(f,
		"\tcapability {\n\t\tasn4 %s;\n\t\troute-refresh %s;\n"
		"\t\textended-message %s;\n",
		cp->asn4 ? "enable" : "disable",
		cp->route_refresh ? "enable" : "disable",
		cp->extended_message ? "enable" : "disable");
	if (!cp->graceful_restart)
		fputs("\t\tgraceful-restart disable;\n", f);
	else if (cp->gr_time)
		fprintf(f, "\t\tgraceful-restart %u;\n", cp->gr_time);
	else
		fputs("\t\tgraceful-restart enable;\n", f);
	if (cp->nexthop != CFG_NHCAP_AUTO)
		fprintf(f, "\t\tnexthop %s;\n",
			cp->nexthop == CFG_NHCAP_ON ? "enable" : "disable");
	fprintf(f, "\t\tadd-path %s;\n",
		cp->add_path == (CFG_ADDPATH_SEND | CFG_ADDPATH_RECEIVE)
			? "send/receive"
		: cp->add_path == CFG_ADDPATH_SEND    ? "send"
		: cp->add_path == CFG_ADDPATH_RECEIVE ? "receive"
						      : "disable");
	fputs("\t}\n", f);
	if (n->nexthop) {
		fputs("\tnexthop {\n", f);
		if (n->nexthop & CFG_NH_IPV4U_IPV6)
			fputs("\t\tipv4 unicast ipv6;\n", f);
		if (n->nexthop & CFG_NH_IPV6U_IPV4)
			fputs("\t\tipv6 unicast ipv4;\n", f);
		fputs("\t}\n", f);
	}
	if (n->add_path_families) {
		fputs("\tadd-path {\n", f);
		if (n->add_path_families & CFG_FAM_IPV4_UNICAST)
			fputs("\t\tipv4 unicast;\n", f);
		if (n->add_path_families & CFG_FAM_IPV6_UNICAST)
			fputs("\t\tipv6 unicast;\n", f);
		fputs("\t}\n", f);
	}
	cfg_print_nb_guard(f, n);
	if (n->import.present || n->export.present) {
		fputs("\tfilter {\n", f);
		cfg_print_filter(f, &n->import, "import");
		cfg_print_filter(f, &n->export, "export");
		fputs("\t}\n", f);
	}
	if (n->nroutes) {
		fputs("\tstatic {\n", f);
		for (size_t i = 0; i < n->nroutes; i++)
			cfg_print_route(f, &n->routes[i]);
		fputs("\t}\n", f);
	}
	if (n->flow_enforce || n->flow_allow_nodst) {
		fputs("\tflowspec {\n", f);
		if (n->flow_enforce == CFG_FLOW_ENF_BOTH)
			fputs("\t\tenforce;\n", f);
		else if (n->flow_enforce)
			fprintf(f, "\t\tenforce %s;\n",
				n->flow_enforce & CFG_FLOW_ENF_ANNOUNCED
					? "announced" : "received");
		if (n->flow_allow_nodst)
			fputs("\t\tallow-no-destination;\n", f);
		fputs("\t}\n", f);
	}
	if (n->nflows) {
		fputs("\tflow {\n", f);
		for (size_t i = 0; i < n->nflows; i++) {
			fprintf(f, "\t\troute %s {\n\t\t\tmatch {\n",
				n->flows[i].name);
			cfg_flow_print_match(f, &n->flows[i].rule, "\t\t\t\t",
					     ";\n");
			fputs("\t\t\t}\n\t\t\tthen {\n", f);
			cfg_flow_print_then(f, &n->flows[i].rule.act,
					    "\t\t\t\t", ";\n");
			fputs("\t\t\t}\n\t\t}\n", f);
		}
		fputs("\t}\n", f);
	}
	for (size_t i = 0; i < n->napis; i++)
		cfg_print_api(f, &n->apis[i]);
	fputs("}\n", f);
}

void config_print(FILE *f, const struct config *c)
{
	static const char *const modes[] = { "auto", "native", "generic",
					     "tc" };
	const struct cfg_guard *g = &c->guard;
	char b[PREFIX_STRLEN];

	fputs("# bgpshield config, canonical form: templates applied, "
	      "secrets masked\n",
	      f);
	fprintf(f, "user %s;\nrfc8212 %s;\n", c->user,
		c->rfc8212_strict ? "strict" : "loose");
	if (c->audit_path) {
		fputs("\nlog {\n\taudit ", f);
		cfg_print_word(f, c->audit_path);
		fputs(";\n}\n", f);
	}
	if (c->control_group[0] || c->control_change_group[0]) {
		fputs("\ncontrol {\n", f);
		if (c->control_group[0])
			fprintf(f, "\tgroup %s;\n", c->control_group);
		if (c->control_change_group[0])
			fprintf(f, "\tchange-group %s;\n",
				c->control_change_group);
		fputs("}\n", f);
	}
	if (c->metrics.enabled) {
		prefix_fmt(&c->metrics.addr, b, sizeof(b));
		fprintf(f, "\nmetrics {\n\tlisten %s%s%s:%u;\n}\n",
			c->metrics.addr.family == AF_INET6 ? "[" : "", b,
			c->metrics.addr.family == AF_INET6 ? "]" : "",
			c->metrics.port);
	}
	fputs("\nguard {\n", f);
	if (g->iface_auto)
		fputs("\tinterface auto;\n", f);
	for (size_t i = 0; i < g->nifaces; i++) {
		fputs("\tinterface", f);
		cfg_print_ifname(f, g->ifaces[i].name);
		fputs(";\n", f);
	}
	fprintf(f, "\tmode %s;\n\tpolicy %s;\n\tport %u;\n",
		(unsigned int)g->mode < CFG_ARRAY_SIZE(modes) ? modes[g->mode]
							      : "auto",
		g->policy == CFG_POLICY_MONITOR ? "monitor" : "enforce",
		g->port);
	fprintf(f, "\tsyn-rate %u;\n", g->syn_rate);
	if (g->syn_burst)
		fprintf(f, "\tsyn-burst %u;\n", g->syn_burst);
	fprintf(f, "\tevent-rate %u;\n\tpin-dir ", g->event_rate);
	cfg_print_word(f, g->pin_dir);
	fprintf(f, ";\n\ton-exit %s;\n",
		g->on_exit == CFG_ON_EXIT_DETACH ? "detach" : "keep");
	/* One entry a line: the default (no interface) prints nothing. */
	for (size_t i = 0; i < g->nallow; i++) {
		fprintf(f, "\tallow %s",
			prefix_fmt(&g->allow[i].pfx, b, sizeof(b)));
		if (g->allow[i].bind.iface == CFG_IFB_STATIC) {
			fputc(' ', f);
			cfg_print_bind_ifaces(f, &g->allow[i].bind);
		}
		fputs(";\n", f);
	}
	fputs("}\n", f);
	for (size_t i = 0; i < c->nprocesses; i++) {
		const struct cfg_process *pr = &c->processes[i];

		fprintf(f, "\nprocess %s {\n\trun", pr->name);
		for (size_t k = 0; k < pr->argc; k++) {
			fputc(' ', f);
			cfg_print_word(f, pr->argv[k]);
		}
		fprintf(f, ";\n\tencoder %s;\n\trespawn %s;\n",
			pr->encoder == CFG_ENC_JSON5  ? "json5"
			: pr->encoder == CFG_ENC_JSON ? "json"
						      : "text",
			pr->respawn ? "true" : "false");
		fputs("\tlimits {\n", f);
		for (size_t k = 0; k < cfg_nlimits; k++)
			fprintf(f, "\t\t%s %u;\n", cfg_limits[k].name,
				*CFG_LIMIT(pr, k));
		fputs("\t}\n}\n", f);
	}
	for (size_t i = 0; i < c->nplists; i++) {
		const struct cfg_plist *l = &c->plists[i];

		fprintf(f, "\nprefix-list %s {\n", l->name);
		for (size_t k = 0; k < l->nentries; k++) {
			const struct cfg_plist_entry *e = &l->entries[k];

			fprintf(f, "\t%s", prefix_fmt(&e->p, b, sizeof(b)));
			if (e->ge >= 0)
				fprintf(f, " ge %d", e->ge);
			if (e->le >= 0)
				fprintf(f, " le %d", e->le);
			fputs(";\n", f);
		}
		fputs("}\n", f);
	}
	for (size_t i = 0; i < c->nneighbors; i++)
		cfg_print_neighbor(f, &c->neighbors[i]);
}
