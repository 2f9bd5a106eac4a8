// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldctl guard: the commands that work on the guard's pinned BPF
 * objects directly (load, attach, detach, allow, remove, set, status,
 * events, watch, unload), so the guard stands without the daemon: an
 * operator running BIRD or FRR can use it alone.  guard nft is in
 * ctl_tools.c; its row is in this table.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <arpa/inet.h>

#include "addr.h"
#include "ctl.h"
#include "guard.h"

/* Options every guard command takes, after its own. */
#define COMMON_LONGOPTS                                                        \
	{ "json", no_argument, NULL, 'j' },                                    \
		{ "pin-dir", required_argument, NULL, 'P' },                   \
		{ "help", no_argument, NULL, 'h' }

static int common_opt(struct ctl_opts *o, int c)
{
	switch (c) {
	case 'j':
		o->json = 1;
		return 1;
	case 'P':
		o->pin_dir = optarg;
		return 1;
	}
	return 0;
}

static void print_cmd_help(const char *parent, const struct ctl_cmd *c)
{
	printf("Usage: bgpshieldctl %s %s %s\n\n%s\n", parent, c->name,
	       c->usage, c->help);
	printf("\nCommon options:\n"
	       "  -j, --json          print JSON instead of text\n"
	       "      --pin-dir DIR   the guard's bpffs folder (default %s,\n"
	       "                      or $BGPSHIELD_PIN_DIR)\n"
	       "  -h, --help          this help\n",
	       BGPS_PIN_DIR_DEFAULT);
}

static const struct ctl_cmd *cur_cmd;

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bgpshieldctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cur_cmd)
		fprintf(stderr, "usage: bgpshieldctl guard %s %s\n",
			cur_cmd->name, cur_cmd->usage);
	return 2;
}

/* Parse only the common options (commands without their own). */
static int parse_common(struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = { COMMON_LONGOPTS, { 0 } };
	int c;

	optind = 0; /* 0: glibc re-reads the ordering mode */
	while ((c = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		if (common_opt(o, c))
			continue;
		if (c == 'h') {
			print_cmd_help("guard", cur_cmd);
			exit(0);
		}
		return -1;
	}
	return 0;
}

static int open_guard(struct ctl_opts *o, struct guard *g)
{
	guard_init(g);
	if (guard_open(g, o->pin_dir)) {
		fprintf(stderr, "bgpshieldctl: %s\n", g->err);
		guard_close(g);
		return -1;
	}
	return 0;
}

static int fail(struct guard *g)
{
	fprintf(stderr, "bgpshieldctl: %s\n", g->err);
	guard_close(g);
	return 1;
}

/* --- load / attach / detach / unload -------------------------------------- */

static int refresh_cb(const struct guard_iface_status *st, void *arg)
{
	struct guard *g = arg;
	int actual;

	if (st->live_mode < 0)
		return 0;
	if (guard_attach(g, st->name, st->rec.wanted, &actual))
		fprintf(stderr, "bgpshieldctl: %s: %s\n", st->name, g->err);
	return 0;
}

static int cmd_load(struct ctl_opts *o, int argc, char **argv)
{
	struct guard g;

	if (parse_common(o, argc, argv) || optind != argc)
		return usage_error("'load' takes no arguments");
	guard_init(&g);
	if (guard_load(&g, o->pin_dir))
		return fail(&g);
	/* Interfaces already guarded move to the program just loaded,
	 * atomically: this is how an upgrade takes effect. */
	guard_foreach_iface(&g, refresh_cb, &g);
	if (!o->json)
		printf("guard loaded, pinned in %s\n", g.pin_dir);
	guard_close(&g);
	return 0;
}

static int count_rule(const struct guard_rule *r, const struct bgps_peer *v,
		      void *arg)
{
	(void)r;
	(void)v;
	++*(int *)arg;
	return 0;
}

static int cmd_attach(struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mode", required_argument, NULL, 'm' }, COMMON_LONGOPTS, { 0 }
	};
	int mode = BGPS_ATTACH_AUTO, c, rc = 0, nrules = 0;
	struct bgps_settings s;
	struct guard g;

	optind = 0; /* 0: glibc re-reads the ordering mode */
	while ((c = getopt_long(argc, argv, "m:jh", lo, NULL)) != -1) {
		if (common_opt(o, c))
			continue;
		if (c == 'h') {
			print_cmd_help("guard", cur_cmd);
			return 0;
		}
		if (c == 'm' && guard_mode_parse(optarg, &mode) == 0)
			continue;
		if (c == 'm')
			return usage_error("unknown mode '%s' (auto, native, "
					   "generic or tc)", optarg);
		return usage_error("bad option");
	}
	if (optind == argc)
		return usage_error("which interface?");
	/* Check every name before changing anything. */
	for (int i = optind; i < argc; i++)
		if (!if_nametoindex(argv[i])) {
			fprintf(stderr,
				"bgpshieldctl: no interface named '%s' in this "
				"network namespace\n",
				argv[i]);
			return 1;
		}
	guard_init(&g);
	if (guard_load(&g, o->pin_dir))
		return fail(&g);
	guard_foreach_rule(&g, count_rule, &nrules);
	guard_settings_get(&g, &s);
	for (int i = optind; i < argc; i++) {
		int actual;

		if (guard_attach(&g, argv[i], mode, &actual)) {
			fprintf(stderr, "bgpshieldctl: %s\n", g.err);
			rc = 1;
			continue;
		}
		if (o->json) {
			printf("{\"interface\":");
			ctl_json_str(argv[i]);
			printf(",\"mode\":\"%s\"}\n", guard_mode_name(actual));
		} else {
			printf("guard attached to %s (%s%s)\n", argv[i],
			       guard_mode_name(actual),
			       actual == BGPS_ATTACH_TC ? " clsact ingress"
							: " XDP");
		}
	}
	if (!nrules && s.mode == BGPS_MODE_ENFORCE && rc == 0)
		fprintf(stderr,
			"bgpshieldctl: warning: the allowlist is empty: every "
			"TCP packet to or from port %u is dropped; add peers "
			"with 'bgpshieldctl guard allow ADDR'\n",
			s.port ? s.port : BGPS_PORT_DEFAULT);
	guard_close(&g);
	return rc;
}

static int detach_all_cb(const struct guard_iface_status *st, void *arg)
{
	char **names = arg;

	for (int i = 0; i < BGPS_MAX_IFACES; i++)
		if (!names[i]) {
			names[i] = strdup(st->name);
			break;
		}
	return 0;
}

static int cmd_detach(struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' }, COMMON_LONGOPTS, { 0 }
	};
	char *names[BGPS_MAX_IFACES + 1] = {};
	int all = 0, c, rc = 0;
	struct guard g;

	optind = 0; /* 0: glibc re-reads the ordering mode */
	while ((c = getopt_long(argc, argv, "ajh", lo, NULL)) != -1) {
		if (common_opt(o, c))
			continue;
		if (c == 'h') {
			print_cmd_help("guard", cur_cmd);
			return 0;
		}
		if (c == 'a') {
			all = 1;
			continue;
		}
		return usage_error("bad option");
	}
	if (all == (optind < argc))
		return usage_error("name interfaces or give --all");
	if (open_guard(o, &g))
		return 1;
	if (all)
		guard_foreach_iface(&g, detach_all_cb, names);
	else
		for (int i = optind, j = 0; i < argc && j < BGPS_MAX_IFACES;
		     i++, j++)
			names[j] = strdup(argv[i]);
	for (int i = 0; names[i]; i++) {
		if (guard_detach(&g, names[i])) {
			fprintf(stderr, "bgpshieldctl: %s\n", g.err);
			rc = 1;
		} else if (!o->json) {
			printf("guard detached from %s\n", names[i]);
		}
		free(names[i]);
	}
	guard_close(&g);
	return rc;
}

static int cmd_unload(struct ctl_opts *o, int argc, char **argv)
{
	char err[512];

	if (parse_common(o, argc, argv) || optind != argc)
		return usage_error("'unload' takes no arguments");
	if (guard_unload(o->pin_dir, err, sizeof(err))) {
		fprintf(stderr, "bgpshieldctl: %s\n", err);
		return 1;
	}
	if (!o->json)
		printf("guard unloaded: detached everywhere, pins removed\n");
	return 0;
}

/* --- allowlist ------------------------------------------------------------ */

static int cmd_allow(struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "gtsm", no_argument, NULL, 'g' },
		{ "min-ttl", required_argument, NULL, 't' },
		{ "syn-rate", required_argument, NULL, 'r' },
		{ "syn-burst", required_argument, NULL, 'b' },
		{ "iface", required_argument, NULL, 'i' },
		{ "mac", required_argument, NULL, 'm' },
		{ "md5", no_argument, NULL, '5' },
		{ "ao", no_argument, NULL, 'a' },
		COMMON_LONGOPTS,
		{ 0 }
	};
	struct guard_rule r = {};
	uint32_t v, min_ttl = 255, rate = 0, burst = 0;
	int c, gtsm = 0, have_burst = 0, res, nif = 0;
	char err[256], b[PREFIX_STRLEN];
	static const char *const what[] = { "unchanged", "allowed",
					    "updated" };
	struct guard g;

	optind = 0; /* 0: glibc re-reads the ordering mode */
	while ((c = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		if (common_opt(o, c))
			continue;
		switch (c) {
		case 'h':
			print_cmd_help("guard", cur_cmd);
			return 0;
		case 'g':
			gtsm = 1;
			break;
		case 't':
			if (parse_u32(optarg, 1, 255, &v))
				return usage_error("--min-ttl: '%s' is not a "
						   "TTL (1..255)", optarg);
			min_ttl = v;
			gtsm = 1;
			break;
		case 'r':
			if (parse_u32(optarg, 0, 1000000000, &rate))
				return usage_error("--syn-rate: '%s' is not a "
						   "rate (SYNs per second)",
						   optarg);
			break;
		case 'b':
			if (parse_u32(optarg, 1, 1000000000, &burst))
				return usage_error("--syn-burst: '%s' is not a "
						   "count (1 or more)", optarg);
			have_burst = 1;
			break;
		case 'i':
			if (nif == BGPS_POLICY_IFACES)
				return usage_error("--iface: at most %d "
						   "interfaces per entry",
						   BGPS_POLICY_IFACES);
			r.pol.ifindex[nif] = if_nametoindex(optarg);
			if (!r.pol.ifindex[nif])
				return usage_error("--iface: no interface "
						   "'%s' here", optarg);
			nif++;
			r.pol.flags |= BGPS_PF_IFACE;
			break;
		case 'm':
			if (mac_parse(optarg, r.pol.mac, err, sizeof(err)))
				return usage_error("--mac: %s", err);
			r.pol.flags |= BGPS_PF_MAC;
			break;
		case '5':
			r.pol.flags |= BGPS_PF_MD5;
			break;
		case 'a':
			r.pol.flags |= BGPS_PF_AO;
			break;
		default:
			return usage_error("bad option");
		}
	}
	if (optind + 1 != argc)
		return usage_error("give one address or prefix");
	if (prefix_parse(argv[optind], &r.pfx, err, sizeof(err)))
		return usage_error("%s", err);
	if (have_burst && !rate)
		return usage_error("--syn-burst needs --syn-rate");
	if (gtsm) {
		r.pol.flags |= BGPS_PF_GTSM;
		r.pol.min_ttl = min_ttl;
	}
	r.pol.syn_rate = rate;
	/* one second's worth unless told otherwise */
	r.pol.syn_burst = rate ? (have_burst ? burst : rate) : 0;
	if (open_guard(o, &g))
		return 1;
	res = guard_allow(&g, &r);
	if (res < 0)
		return fail(&g);
	prefix_fmt(&r.pfx, b, sizeof(b));
	if (o->json)
		printf("{\"source\":\"%s\",\"result\":\"%s\"}\n", b, what[res]);
	else
		printf("%s %s\n", what[res], b);
	guard_close(&g);
	return 0;
}

static int cmd_remove(struct ctl_opts *o, int argc, char **argv)
{
	struct prefix p;
	char err[256], b[PREFIX_STRLEN];
	struct guard g;

	if (parse_common(o, argc, argv))
		return usage_error("bad option");
	if (optind + 1 != argc)
		return usage_error("give one address or prefix");
	if (prefix_parse(argv[optind], &p, err, sizeof(err)))
		return usage_error("%s", err);
	if (open_guard(o, &g))
		return 1;
	if (guard_remove(&g, &p))
		return fail(&g);
	if (!o->json)
		printf("removed %s\n", prefix_fmt(&p, b, sizeof(b)));
	guard_close(&g);
	return 0;
}

/* --- settings ------------------------------------------------------------- */

static int cmd_set(struct ctl_opts *o, int argc, char **argv)
{
	struct bgps_settings s;
	struct guard g;
	uint32_t v;

	if (parse_common(o, argc, argv))
		return usage_error("bad option");
	if (optind == argc || (argc - optind) % 2)
		return usage_error("give KEY VALUE pairs");
	if (open_guard(o, &g))
		return 1;
	if (guard_settings_get(&g, &s))
		return fail(&g);
	/* All pairs are checked before one is written. */
	for (int i = optind; i < argc; i += 2) {
		const char *k = argv[i], *val = argv[i + 1];
		int bad = 0;

		if (!strcmp(k, "port")) {
			bad = parse_u32(val, 1, 65535, &v);
			s.port = v;
		} else if (!strcmp(k, "mode") || !strcmp(k, "policy")) {
			if (!strcmp(val, "enforce"))
				s.mode = BGPS_MODE_ENFORCE;
			else if (!strcmp(val, "monitor"))
				s.mode = BGPS_MODE_MONITOR;
			else
				bad = 1;
		} else if (!strcmp(k, "syn-rate")) {
			bad = parse_u32(val, 0, 1000000000, &v);
			s.syn_rate = v;
		} else if (!strcmp(k, "syn-burst")) {
			bad = parse_u32(val, 1, 1000000000, &v);
			s.syn_burst = v;
		} else if (!strcmp(k, "event-rate")) {
			bad = parse_u32(val, 0, 1000000, &v);
			s.event_rate = v;
		} else if (!strcmp(k, "event-burst")) {
			bad = parse_u32(val, 1, 1000000, &v);
			s.event_burst = v;
		} else {
			guard_close(&g);
			return usage_error("unknown setting '%s' (port, mode, "
					   "syn-rate, syn-burst, event-rate, "
					   "event-burst)", k);
		}
		if (bad) {
			guard_close(&g);
			return usage_error("%s: bad value '%s'", k, val);
		}
	}
	if (s.syn_rate && !s.syn_burst)
		s.syn_burst = s.syn_rate;
	if (s.event_rate && !s.event_burst)
		s.event_burst = s.event_rate;
	if (guard_settings_set(&g, &s))
		return fail(&g);
	guard_close(&g);
	return 0;
}

/* --- status --------------------------------------------------------------- */

struct status_ctx {
	struct ctl_opts *o;
	int n;
};

/* An ifindex as its name now, or "#N" for one that is gone. */
static const char *ifname_of(unsigned int ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "#%u", ifindex);
	return buf;
}

static void policy_text(const struct bgps_policy *p, char *buf, size_t len)
{
	char m[MAC_STRLEN], ifn[IF_NAMESIZE];
	size_t n = 0;

	buf[0] = 0;
	if (p->flags & BGPS_PF_GTSM)
		n += snprintf(buf + n, len - n, "gtsm min-ttl %u", p->min_ttl);
	if (p->syn_rate && n < len)
		n += snprintf(buf + n, len - n, "%ssyn %u/s burst %u",
			      n ? ", " : "", p->syn_rate, p->syn_burst);
	if ((p->flags & BGPS_PF_IFACE) && n < len) {
		n += snprintf(buf + n, len - n, "%siface", n ? ", " : "");
		for (int i = 0; i < BGPS_POLICY_IFACES && n < len; i++)
			if (p->ifindex[i])
				n += snprintf(buf + n, len - n, " %s",
					      ifname_of(p->ifindex[i], ifn));
	}
	else if ((p->flags & BGPS_PF_IFACE_WANT) && n < len)
		n += snprintf(buf + n, len - n, "%siface not bound yet",
			      n ? ", " : "");
	if ((p->flags & BGPS_PF_MAC) && n < len)
		n += snprintf(buf + n, len - n, "%smac %s", n ? ", " : "",
			      mac_fmt(p->mac, m, sizeof(m)));
	else if ((p->flags & BGPS_PF_MAC_WANT) && n < len)
		n += snprintf(buf + n, len - n, "%smac not learned yet",
			      n ? ", " : "");
	if ((p->flags & BGPS_PF_MD5) && n < len)
		n += snprintf(buf + n, len - n, "%smd5", n ? ", " : "");
	if ((p->flags & BGPS_PF_AO) && n < len)
		n += snprintf(buf + n, len - n, "%sao", n ? ", " : "");
	if (!n)
		snprintf(buf, len, "-");
}

/* The binding fields of an entry as JSON members (after a comma). */
static void policy_json(const struct bgps_policy *p)
{
	char m[MAC_STRLEN], ifn[IF_NAMESIZE];
	int k = 0;

	printf(",\"interfaces\":[");
	for (int i = 0; i < BGPS_POLICY_IFACES; i++)
		if ((p->flags & BGPS_PF_IFACE) && p->ifindex[i]) {
			printf("%s", k++ ? "," : "");
			ctl_json_str(ifname_of(p->ifindex[i], ifn));
		}
	printf("],\"iface_bound\":%s,\"mac\":",
	       (p->flags & BGPS_PF_IFACE) ? "true" : "false");
	if (p->flags & BGPS_PF_MAC)
		printf("\"%s\"", mac_fmt(p->mac, m, sizeof(m)));
	else
		printf("null");
	printf(",\"md5\":%s,\"ao\":%s",
	       (p->flags & BGPS_PF_MD5) ? "true" : "false",
	       (p->flags & BGPS_PF_AO) ? "true" : "false");
	/* "pending": the daemon's config binds it, the kernel has not told
	 * where yet (no route, MAC not learned); "off": nobody asked. */
	printf(",\"iface_binding\":\"%s\",\"mac_binding\":\"%s\"",
	       (p->flags & BGPS_PF_IFACE)	 ? "bound"
	       : (p->flags & BGPS_PF_IFACE_WANT) ? "pending"
						 : "off",
	       (p->flags & BGPS_PF_MAC)	       ? "bound"
	       : (p->flags & BGPS_PF_MAC_WANT) ? "pending"
					       : "off");
}

static int status_iface_cb(const struct guard_iface_status *st, void *arg)
{
	struct status_ctx *c = arg;
	const char *state = st->ifindex_now == 0	? "missing"
			    : st->live_mode < 0 ? "not-attached"
						: "attached";

	if (c->o->json) {
		printf("%s{\"name\":", c->n++ ? "," : "");
		ctl_json_str(st->name);
		printf(",\"ifindex\":%u,\"wanted\":\"%s\",\"mode\":\"%s\","
		       "\"state\":\"%s\",\"prog_id\":%u}",
		       st->ifindex_now, guard_mode_name(st->rec.wanted),
		       guard_mode_name(st->live_mode), state, st->prog_id);
		return 0;
	}
	if (!c->n++)
		printf("  %-16s %-8s %-8s %-13s %7s %7s\n", "INTERFACE",
		       "WANTED", "MODE", "STATE", "IFINDEX", "PROG");
	printf("  %-16s %-8s %-8s %-13s %7u %7u\n", st->name,
	       guard_mode_name(st->rec.wanted), guard_mode_name(st->live_mode),
	       state, st->ifindex_now, st->prog_id);
	return 0;
}

static int status_rule_cb(const struct guard_rule *r, const struct bgps_peer *v,
			  void *arg)
{
	struct status_ctx *c = arg;
	char b[PREFIX_STRLEN], pol[160];

	prefix_fmt(&r->pfx, b, sizeof(b));
	if (c->o->json) {
		printf("%s{\"source\":\"%s\",\"gtsm\":%s,\"min_ttl\":%u,"
		       "\"syn_rate\":%u,\"syn_burst\":%u",
		       c->n++ ? "," : "", b,
		       (r->pol.flags & BGPS_PF_GTSM) ? "true" : "false",
		       r->pol.min_ttl, r->pol.syn_rate, r->pol.syn_burst);
		policy_json(&r->pol);
		printf(",\"packets\":%llu,\"bytes\":%llu,\"drop_ttl\":%llu,"
		       "\"drop_syn\":%llu}",
		       (unsigned long long)v->packets,
		       (unsigned long long)v->bytes,
		       (unsigned long long)v->drop_ttl,
		       (unsigned long long)v->drop_syn);
		return 0;
	}
	if (!c->n++)
		printf("  %-32s %-36s %10s %12s %9s %9s\n", "SOURCE", "POLICY",
		       "PACKETS", "BYTES", "DROP_TTL", "DROP_SYN");
	policy_text(&r->pol, pol, sizeof(pol));
	printf("  %-32s %-36s %10llu %12llu %9llu %9llu\n", b, pol,
	       (unsigned long long)v->packets, (unsigned long long)v->bytes,
	       (unsigned long long)v->drop_ttl,
	       (unsigned long long)v->drop_syn);
	return 0;
}


static int cmd_status(struct ctl_opts *o, int argc, char **argv)
{
	struct status_ctx c = { o, 0 };
	struct bgps_settings s;
	struct bgps_stats st;
	struct guard g;
	int first = 1;

	if (parse_common(o, argc, argv) || optind != argc)
		return usage_error("'status' takes no arguments");
	if (open_guard(o, &g))
		return 1;
	if (guard_settings_get(&g, &s) || guard_stats(&g, &st))
		return fail(&g);
	if (o->json) {
		printf("{\"pin_dir\":");
		ctl_json_str(g.pin_dir);
		printf(",\"settings\":{\"port\":%u,\"mode\":\"%s\","
		       "\"syn_rate\":%u,\"syn_burst\":%u,\"event_rate\":%u,"
		       "\"event_burst\":%u},\"interfaces\":[",
		       s.port ? s.port : BGPS_PORT_DEFAULT,
		       s.mode == BGPS_MODE_MONITOR ? "monitor" : "enforce",
		       s.syn_rate, s.syn_burst, s.event_rate, s.event_burst);
		guard_foreach_iface(&g, status_iface_cb, &c);
		printf("],\"counters\":{");
#define JX(f)                                                                  \
	printf("%s\"" #f "\":%llu", first ? "" : ",",                         \
	       (unsigned long long)st.f);                                      \
	first = 0;
		GUARD_STATS_COUNTERS(JX)
		printf("},\"allowlist\":[");
		c.n = 0;
		guard_foreach_rule(&g, status_rule_cb, &c);
		printf("]}\n");
		guard_close(&g);
		return 0;
	}
	printf("guard %s: policy %s, port %u\n", g.pin_dir,
	       s.mode == BGPS_MODE_MONITOR ? "monitor (would-drop is counted "
					     "and passed)"
					   : "enforce",
	       s.port ? s.port : BGPS_PORT_DEFAULT);
	if (s.syn_rate)
		printf("  global SYN bucket %u/s burst %u", s.syn_rate,
		       s.syn_burst);
	else
		printf("  global SYN bucket off");
	printf(", events %u/s per CPU burst %u\n", s.event_rate,
	       s.event_burst);
	printf("interfaces:\n");
	guard_foreach_iface(&g, status_iface_cb, &c);
	if (!c.n)
		printf("  none: attach with 'bgpshieldctl guard attach "
		       "IFACE'\n");
	printf("counters:\n");
#define TX(f) printf("  %-18s %llu\n", #f, (unsigned long long)st.f);
	GUARD_STATS_COUNTERS(TX)
	printf("allowlist:\n");
	c.n = 0;
	guard_foreach_rule(&g, status_rule_cb, &c);
	if (!c.n)
		printf("  empty: every guarded packet is dropped (add peers "
		       "with 'bgpshieldctl guard allow ADDR')\n");
	guard_close(&g);
	return 0;
}

/* --- flowspec ------------------------------------------------------------ */

static int flow_cb(const struct bgps_fs_rule *r, void *arg)
{
	struct status_ctx *c = arg;
	char text[1024];

	guard_flow_format(r, text, sizeof(text));
	if (c->o->json) {
		printf("%s{\"id\":%u,\"rule\":", c->n++ ? "," : "", r->id);
		ctl_json_str(text);
		printf(",\"matched_packets\":%llu,\"matched_bytes\":%llu,"
		       "\"dropped_packets\":%llu,\"dropped_bytes\":%llu}",
		       (unsigned long long)r->matched_packets,
		       (unsigned long long)r->matched_bytes,
		       (unsigned long long)r->dropped_packets,
		       (unsigned long long)r->dropped_bytes);
		return 0;
	}
	if (!c->n++)
		printf("  %4s %10s %12s %10s  %s\n", "ID", "MATCHED", "BYTES",
		       "DROPPED", "RULE");
	printf("  %4u %10llu %12llu %10llu  %s\n", r->id,
	       (unsigned long long)r->matched_packets,
	       (unsigned long long)r->matched_bytes,
	       (unsigned long long)r->dropped_packets, text);
	return 0;
}

static int cmd_flowspec(struct ctl_opts *o, int argc, char **argv)
{
	struct status_ctx c = { o, 0 };
	struct guard g;
	int r;

	if (parse_common(o, argc, argv) || optind != argc)
		return usage_error("'flowspec' takes no arguments");
	if (open_guard(o, &g))
		return 1;
	if (o->json)
		printf("{\"rules\":[");
	else
		printf("flowspec rules enforced by the guard %s:\n", g.pin_dir);
	r = guard_flow_foreach(&g, flow_cb, &c);
	if (o->json)
		printf("]}\n");
	else if (!c.n)
		printf("  none (a neighbor's 'flowspec { enforce; }' puts its "
		       "rules here)\n");
	guard_close(&g);
	if (r < 0) {
		fprintf(stderr, "bgpshieldctl: reading the flowspec maps: %s\n",
			strerror(-r));
		return 1;
	}
	return 0;
}

/* --- events --------------------------------------------------------------- */

struct ev_ctx {
	struct ctl_opts *o;
	long count, seen;
	__s64 mono_to_real_ns;
};

static void tcp_flags_text(__u8 f, char *b)
{
	static const char names[] = "FSRPAUEC";
	int n = 0;

	for (int i = 0; i < 8; i++)
		if (f & (1 << i))
			b[n++] = names[i];
	if (!n)
		b[n++] = '.';
	b[n] = 0;
}

static int event_cb(const struct bgps_event *e, void *arg)
{
	struct ev_ctx *c = arg;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];
	char when[64], fl[10], mac[MAC_STRLEN];
	int af = e->family == 10 ? AF_INET6 : AF_INET;
	__s64 real = (__s64)e->ts_ns + c->mono_to_real_ns;
	time_t secs = real / 1000000000LL;
	struct tm tm;

	inet_ntop(af, e->saddr, src, sizeof(src));
	inet_ntop(af, e->daddr, dst, sizeof(dst));
	if (!if_indextoname(e->ifindex, ifn))
		snprintf(ifn, sizeof(ifn), "if%u", e->ifindex);
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	tcp_flags_text(e->tcp_flags, fl);
	if (c->o->json) {
		printf("{\"time\":\"%s.%03lldZ\",\"interface\":", when,
		       (long long)(real % 1000000000LL) / 1000000);
		ctl_json_str(ifn);
		printf(",\"hook\":\"%s\",\"action\":\"%s\",\"reason\":\"%s\","
		       "\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u,"
		       "\"ttl\":%u,\"tcp_flags\":\"%s\",\"src_mac\":\"%s\","
		       "\"suppressed\":%u}\n",
		       (e->flags & BGPS_EF_TC) ? "tc" : "xdp",
		       (e->flags & BGPS_EF_MONITOR) ? "would-drop" : "drop",
		       guard_reason_name(e->reason), src, e->sport, dst,
		       e->dport, e->ttl, fl, mac_fmt(e->smac, mac, sizeof(mac)),
		       e->suppressed);
	} else {
		printf("%s.%03lldZ %s %s %s %s %s%s%s:%u > %s%s%s:%u ttl %u "
		       "[%s]",
		       when, (long long)(real % 1000000000LL) / 1000000, ifn,
		       (e->flags & BGPS_EF_TC) ? "tc" : "xdp",
		       (e->flags & BGPS_EF_MONITOR) ? "would-drop" : "drop",
		       guard_reason_name(e->reason), af == AF_INET6 ? "[" : "",
		       src, af == AF_INET6 ? "]" : "", e->sport,
		       af == AF_INET6 ? "[" : "", dst,
		       af == AF_INET6 ? "]" : "", e->dport, e->ttl, fl);
		/* whose frame it was matters when the address is a peer's */
		if (e->reason == BGPS_R_WRONG_MAC ||
		    e->reason == BGPS_R_WRONG_IFACE)
			printf(" from %s", mac_fmt(e->smac, mac, sizeof(mac)));
		if (e->suppressed)
			printf(" (%u earlier events suppressed)", e->suppressed);
		putchar('\n');
	}
	fflush(stdout);
	if (c->count && ++c->seen >= c->count) {
		ctl_stop = 1;
		/* negative: libbpf stops after this record and leaves the
		 * rest for the next reader */
		return -ECANCELED;
	}
	return 0;
}

static int cmd_events(struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		COMMON_LONGOPTS,
		{ 0 }
	};
	struct ev_ctx c = { .o = o };
	struct timespec mono, real, start, now;
	uint32_t v, timeout = 0;
	struct guard g;
	int ch;

	optind = 0; /* 0: glibc re-reads the ordering mode */
	while ((ch = getopt_long(argc, argv, "n:t:jh", lo, NULL)) != -1) {
		if (common_opt(o, ch))
			continue;
		if (ch == 'h') {
			print_cmd_help("guard", cur_cmd);
			return 0;
		}
		if (ch == 'n' && !parse_u32(optarg, 1, 1u << 31, &v)) {
			c.count = v;
			continue;
		}
		if (ch == 't' && !parse_u32(optarg, 1, 1u << 31, &v)) {
			timeout = v;
			continue;
		}
		return usage_error("bad option or value");
	}
	if (optind != argc)
		return usage_error("'events' takes no arguments");
	if (open_guard(o, &g))
		return 1;
	if (guard_events_open(&g, event_cb, &c))
		return fail(&g);
	/* Event times are CLOCK_MONOTONIC(_COARSE); print wall time. */
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	c.mono_to_real_ns = ((__s64)real.tv_sec - mono.tv_sec) * 1000000000LL +
			    (real.tv_nsec - mono.tv_nsec);
	ctl_catch_signals();
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!ctl_stop) {
		if (guard_events_poll(&g, 200) < 0)
			return fail(&g);
		if (timeout) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - start.tv_sec >= (time_t)timeout)
				break;
		}
	}
	guard_close(&g);
	return 0;
}

/* --- watch ---------------------------------------------------------------- */

static void watch_log(const char *line, void *arg)
{
	struct ctl_opts *o = arg;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (o->json) {
		printf("{\"time\":\"%s\",\"message\":", when);
		ctl_json_str(line);
		printf("}\n");
	} else {
		printf("%s %s\n", when, line);
	}
	fflush(stdout);
}

static int cmd_watch(struct ctl_opts *o, int argc, char **argv)
{
	struct guard g;

	if (parse_common(o, argc, argv) || optind != argc)
		return usage_error("'watch' takes no arguments");
	if (open_guard(o, &g))
		return 1;
	ctl_catch_signals();
	watch_log("watching links; wanted interfaces are re-attached when "
		  "they appear",
		  o);
	if (guard_watch(&g, &ctl_stop, watch_log, o))
		return fail(&g);
	guard_close(&g);
	return 0;
}

/* guard nft is ctl_tools.c's: it reads the config, not the pins. */
static int cmd_guard_nft(struct ctl_opts *o, int argc, char **argv)
{
	optind = 0;
	return ctl_guard_nft(o, argc, argv);
}

/* --- the table ------------------------------------------------------------ */

static const struct ctl_cmd guard_cmds[] = {
	{ "attach", cmd_attach, "IFACE... [--mode auto|native|generic|tc]",
	  "load the guard and attach it to interfaces",
	  "Load the guard (reusing pinned maps), pin it, and attach it to each\n"
	  "IFACE.  auto tries native XDP, then generic XDP, then tc clsact\n"
	  "ingress.  An interface already guarded gets the new program\n"
	  "atomically.  The guard stays when this command exits." },
	{ "detach", cmd_detach, "IFACE...|--all",
	  "stop guarding interfaces",
	  "Remove the guard from each IFACE (or every guarded interface).\n"
	  "Pinned maps, the allowlist and counters stay." },
	{ "load", cmd_load, "",
	  "load and pin the guard without attaching",
	  "Load the guard and pin its maps and programs, so the allowlist can\n"
	  "be filled before any interface is guarded.  Interfaces already\n"
	  "guarded are moved to the newly loaded program (an upgrade)." },
	{ "allow", cmd_allow,
	  "ADDR|PREFIX [--gtsm [--min-ttl N]] [--syn-rate R [--syn-burst B]] "
	  "[--iface IF]... [--mac MAC] [--md5] [--ao]",
	  "allow a peer address or a range",
	  "Allow TCP to and from the BGP port for ADDR (exact) or PREFIX\n"
	  "(a range, e.g. a monitoring subnet).  Again for the same source\n"
	  "changes its policy; its counters stay.\n\n"
	  "  --gtsm            drop packets with TTL/hop limit below min-ttl\n"
	  "                    (RFC 5082); min-ttl defaults to 255 (directly\n"
	  "                    connected)\n"
	  "  --min-ttl N       min-ttl for GTSM, 1..255 (implies --gtsm);\n"
	  "                    254 for one hop\n"
	  "  --syn-rate R      this source's SYNs per second (0: no own limit)\n"
	  "  --syn-burst B     SYNs allowed back to back (default: R)\n"
	  "  --iface IF        accept the source only on IF (repeat for up to\n"
	  "                    4; for a VLAN device also name the device the\n"
	  "                    guard is attached to): elsewhere, wrong_iface\n"
	  "  --mac MAC         accept the source only from this Ethernet\n"
	  "                    address (directly connected peers): else\n"
	  "                    wrong_mac\n"
	  "  --md5             a SYN must carry the TCP-MD5 option (RFC 2385):\n"
	  "                    else no_md5, before the SYN bucket\n"
	  "  --ao              a SYN must carry the TCP-AO option (RFC 5925):\n"
	  "                    else no_ao\n"
	  "Options not given are cleared: the entry becomes exactly this." },
	{ "remove", cmd_remove, "ADDR|PREFIX",
	  "remove an allowlist entry",
	  "Remove ADDR or PREFIX from the allowlist; its packets are dropped\n"
	  "from then on." },
	{ "set", cmd_set, "KEY VALUE [KEY VALUE...]",
	  "change guard settings",
	  "Keys:\n"
	  "  port N          guarded TCP port (default 179)\n"
	  "  mode M          enforce, or monitor (count would-drop, pass all)\n"
	  "  syn-rate R      global SYN bucket for allowed sources, per\n"
	  "                  second; 0 turns it off\n"
	  "  syn-burst B     global SYN bucket depth\n"
	  "  event-rate R    drop events per second per CPU; 0: none\n"
	  "  event-burst B   events allowed back to back" },
	{ "status", cmd_status, "",
	  "show settings, interfaces, counters and the allowlist",
	  "Show the guard's settings, the interfaces it guards (wanted and\n"
	  "live), its counters summed over CPUs, and every allowlist entry\n"
	  "with its own counters." },
	{ "flowspec", cmd_flowspec, "",
	  "flowspec rules in force, with counters",
	  "Print the flowspec rules the guard enforces (of neighbors with\n"
	  "'flowspec { enforce; }': their flow routes, the API's rules toward\n"
	  "them, the rules they send), in their order,\n"
	  "with packets and bytes matched and dropped.  The guard's port-179\n"
	  "verdict comes first: an allowed peer's BGP traffic never meets them." },
	{ "events", cmd_events, "[--count N] [--timeout SECONDS]",
	  "follow drop events",
	  "Print one line per drop event from the guard's ring buffer until\n"
	  "interrupted, N events, or SECONDS.  Events are rate-limited in the\n"
	  "kernel (see 'set event-rate'); lines say how many were suppressed." },
	{ "watch", cmd_watch, "",
	  "re-attach wanted interfaces on hot-plug",
	  "Follow link changes and attach the guard again to every wanted\n"
	  "interface that is (re)created, logging one line per action." },
	{ "unload", cmd_unload, "",
	  "detach everywhere and remove all pins",
	  "Detach the guard from every interface it guards and remove its\n"
	  "pinned maps and programs.  Protection ends; counters are lost." },
	{ "nft", cmd_guard_nft, "",
	  "print the guard policy as an nftables ruleset",
	  "Print the nftables ruleset equal to the config's guard policy\n"
	  "(-c CONF), for hosts that cannot run XDP." },
	{ 0 }
};

static void guard_usage(FILE *f)
{
	fprintf(f, "Usage: bgpshieldctl guard COMMAND [OPTIONS]\n\n"
		   "The kernel guard on the BGP port.  Commands:\n");
	for (const struct ctl_cmd *c = guard_cmds; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\n'bgpshieldctl guard COMMAND --help' for a command's "
		   "options.\n");
}

int ctl_guard(struct ctl_opts *o, int argc, char **argv)
{
	int rc = ctl_family_help(argc, argv, guard_usage);

	if (rc >= 0)
		return rc;
	cur_cmd = ctl_find_cmd(guard_cmds, argv[1]);
	if (cur_cmd)
		return cur_cmd->fn(o, argc - 1, argv + 1);
	fprintf(stderr, "bgpshieldctl: unknown guard command '%s'\n",
		argv[1]);
	guard_usage(stderr);
	return 2;
}

/* show guard without a daemon: guard status, its errors as guard's. */
int ctl_guard_status(struct ctl_opts *o)
{
	char *argv[] = { "status", NULL };

	cur_cmd = ctl_find_cmd(guard_cmds, "status");
	return cmd_status(o, 1, argv);
}
