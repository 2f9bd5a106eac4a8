// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldctl: the operator's command.  A table of commands, each with its
 * own options and help (xdp-tools' shape).  The guard commands work on the
 * pinned BPF objects directly, so the guard stands without the daemon: an
 * operator running BIRD or FRR can use it alone.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "api_json.h"
#include "filter.h"
#include "guard.h"
#include "config.h"
#include "ctl.h"
#include "log.h"
#include "secfile.h"

#define VERSION "0.1"

volatile int ctl_stop;

static void on_signal(int sig)
{
	(void)sig;
	ctl_stop = 1;
}

void ctl_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

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

/* A JSON string literal; NULL prints as "" (audit details may be unset). */
void ctl_json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
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

/* --- load / attach / detach / unload ------------------------------------ */

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

/* --- allowlist ------------------------------------------------------------- */

static int cmd_allow(struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "gtsm", no_argument, NULL, 'g' },
		{ "min-ttl", required_argument, NULL, 't' },
		{ "syn-rate", required_argument, NULL, 'r' },
		{ "syn-burst", required_argument, NULL, 'b' },
		COMMON_LONGOPTS,
		{ 0 }
	};
	struct guard_rule r = {};
	uint32_t v, min_ttl = 255, rate = 0, burst = 0;
	int c, gtsm = 0, have_burst = 0, res;
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

/* --- settings ---------------------------------------------------------------- */

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

/* --- status ------------------------------------------------------------------- */

struct status_ctx {
	struct ctl_opts *o;
	int n;
};

static void policy_text(const struct bgps_policy *p, char *buf, size_t len)
{
	int n = 0;

	buf[0] = 0;
	if (p->flags & BGPS_PF_GTSM)
		n += snprintf(buf + n, len - n, "gtsm min-ttl %u", p->min_ttl);
	if (p->syn_rate)
		n += snprintf(buf + n, len - n, "%ssyn %u/s burst %u",
			      n ? ", " : "", p->syn_rate, p->syn_burst);
	if (!n)
		snprintf(buf, len, "-");
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
	char b[PREFIX_STRLEN], pol[96];

	prefix_fmt(&r->pfx, b, sizeof(b));
	if (c->o->json) {
		printf("%s{\"source\":\"%s\",\"gtsm\":%s,\"min_ttl\":%u,"
		       "\"syn_rate\":%u,\"syn_burst\":%u,\"packets\":%llu,"
		       "\"bytes\":%llu,\"drop_ttl\":%llu,\"drop_syn\":%llu}",
		       c->n++ ? "," : "", b,
		       (r->pol.flags & BGPS_PF_GTSM) ? "true" : "false",
		       r->pol.min_ttl, r->pol.syn_rate, r->pol.syn_burst,
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

/* --- events ---------------------------------------------------------------------- */

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
	char when[64], fl[10];
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
		       "\"ttl\":%u,\"tcp_flags\":\"%s\",\"suppressed\":%u}\n",
		       (e->flags & BGPS_EF_TC) ? "tc" : "xdp",
		       (e->flags & BGPS_EF_MONITOR) ? "would-drop" : "drop",
		       guard_reason_name(e->reason), src, e->sport, dst,
		       e->dport, e->ttl, fl, e->suppressed);
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

/* --- watch ---------------------------------------------------------------------- */

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

/* --- the daemon's control socket ------------------------------------------- */

/*
 * One request line, the answer until the daemon closes: "ok" or "error"
 * first, then the body.  0 ok, 1 failure (printed); -1 when quiet_absent
 * and the daemon cannot be reached (nothing printed).
 */
int ctl_daemon_request(struct ctl_opts *o, const char *req, int quiet_absent,
		       struct ctl_capture *cap)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char line[1100], buf[4096];
	int fd, ok = -1;
	ssize_t n;

	if (strlen(o->sock) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "bgpshieldctl: socket path too long\n");
		return 1;
	}
	strcpy(sun.sun_path, o->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (void *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		if (quiet_absent)
			return -1;
		fprintf(stderr,
			"bgpshieldctl: cannot reach bgpshieldd at %s: %s; "
			"is it running?%s\n",
			o->sock, strerror(e),
			e == EACCES ? " (run as root or as a member of the "
				      "socket's group)"
			: e == ENOENT || e == ECONNREFUSED
				? " (-s PATH names another instance)"
				: "");
		return 1;
	}
	snprintf(line, sizeof(line), "%s%s\n", o->json ? "json " : "", req);
	if (write(fd, line, strlen(line)) < 0) {
		close(fd);
		fprintf(stderr, "bgpshieldctl: %s: %s\n", o->sock,
			strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t off = 0;

		if (ok < 0) {
			/* the status line */
			char *nl = memchr(buf, '\n', n);

			if (!nl)
				break;
			ok = !strncmp(buf, "ok", 2);
			off = nl - buf + 1;
		}
		if (cap && ok) {
			char *np = realloc(cap->p, cap->len + (n - off) + 1);

			if (!np)
				break;
			cap->p = np;
			memcpy(cap->p + cap->len, buf + off, n - off);
			cap->len += n - off;
			cap->p[cap->len] = 0;
		} else {
			fwrite(buf + off, 1, n - off, ok ? stdout : stderr);
		}
	}
	close(fd);
	if (ok < 0) {
		fprintf(stderr, "bgpshieldctl: no answer from bgpshieldd\n");
		return 1;
	}
	return ok ? 0 : 1;
}

/* argv joined with spaces: the request line. 0, or 2 (too long). */
static int join_args(char *req, size_t cap, int argc, char **argv)
{
	size_t n = 0;

	req[0] = 0;
	for (int i = 0; i < argc; i++) {
		int w = snprintf(req + n, cap - n, "%s%s", i ? " " : "",
				 argv[i]);

		if (w < 0 || (size_t)w >= cap - n) {
			fprintf(stderr, "bgpshieldctl: request too long\n");
			return 2;
		}
		n += w;
	}
	return 0;
}

int ctl_daemon_args(struct ctl_opts *o, int argc, char **argv)
{
	char req[1024];

	if (join_args(req, sizeof(req), argc, argv))
		return 2;
	return ctl_daemon_request(o, req, 0, NULL);
}

/* --- show bogons: the list behind reject-bogons (filter.c) --------------- */

static int cmd_show_bogons(struct ctl_opts *o, int argc, char **argv)
{
	const struct filter_bogon *t;
	size_t n = filter_bogons(&t), wp = 6, ww = 4;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			o->json = 1;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			printf("Usage: bgpshieldctl show bogons [-j]\n\n"
			       "The ranges a neighbor's reject-bogons refuses "
			       "(a route inside one),\nwith the RFC behind "
			       "each.  Local: no daemon needed.\n");
			return 0;
		} else {
			fprintf(stderr,
				"bgpshieldctl: show bogons: unexpected '%s'\n"
				"usage: bgpshieldctl show bogons [-j]\n",
				argv[i]);
			return 2;
		}
	}
	if (o->json) {
		putchar('[');
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"prefix\":", i ? "," : "");
			ctl_json_str(t[i].prefix);
			printf(",\"what\":");
			ctl_json_str(t[i].what);
			printf(",\"rfc\":");
			ctl_json_str(t[i].rfc);
			putchar('}');
		}
		printf("]\n");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (strlen(t[i].prefix) > wp)
			wp = strlen(t[i].prefix);
		if (strlen(t[i].what) > ww)
			ww = strlen(t[i].what);
	}
	printf("%-*s  %-*s  %s\n", (int)wp, "PREFIX", (int)ww, "WHAT", "RFC");
	for (size_t i = 0; i < n; i++)
		printf("%-*s  %-*s  %s\n", (int)wp, t[i].prefix, (int)ww,
		       t[i].what, t[i].rfc);
	return 0;
}

/* --- commands in files of their own (ctl.h) --------------------------------- */

/*
 * Fallbacks while a command's file is not linked in: the file's own
 * definition replaces these.
 */
static int not_built(const char *what)
{
	fprintf(stderr, "bgpshieldctl: '%s' is not built into this "
			"bgpshieldctl\n", what);
	return 1;
}

__attribute__((weak)) int ctl_audit(const struct ctl_opts *o, int argc,
				    char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	return not_built("audit");
}

__attribute__((weak)) int ctl_keygen(const struct ctl_opts *o, int argc,
				     char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	return not_built("keygen");
}

__attribute__((weak)) int ctl_guard_nft(const struct ctl_opts *o, int argc,
					char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	return not_built("guard nft");
}

static int cmd_guard_nft(struct ctl_opts *o, int argc, char **argv)
{
	optind = 0;
	return ctl_guard_nft(o, argc, argv);
}

/* --- tables ----------------------------------------------------------------------- */

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
	  "ADDR|PREFIX [--gtsm [--min-ttl N]] [--syn-rate R [--syn-burst B]]",
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
	  "  --syn-burst B     SYNs allowed back to back (default: R)" },
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
	if (argc < 2) {
		guard_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		guard_usage(stdout);
		return 0;
	}
	for (const struct ctl_cmd *c = guard_cmds; c->name; c++)
		if (!strcmp(c->name, argv[1])) {
			cur_cmd = c;
			return c->fn(o, argc - 1, argv + 1);
		}
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

/* --- the top-level commands -------------------------------------------------- */

static const struct ctl_cmd top_cmds[];
static const struct ctl_cmd show_cmds[];

void ctl_print_help(const char *parent, const struct ctl_cmd *c)
{
	printf("Usage: bgpshieldctl [-j] [-s SOCKET] %s%s%s %s\n\n%s\n",
	       parent, *parent ? " " : "", c->name, c->usage, c->help);
}

/*
 * Daemon commands take -j/--json anywhere and -h/--help: take them out of
 * argv.  1 when help was asked for.
 */
int ctl_take_flags(struct ctl_opts *o, int *argc, char **argv)
{
	int k = 0, help = 0;

	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			o->json = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			help = 1;
		else
			argv[k++] = argv[i];
	}
	argv[k] = NULL;
	*argc = k;
	return help;
}

int ctl_cmd_usage(const char *parent, const struct ctl_cmd *c, const char *why)
{
	fprintf(stderr, "bgpshieldctl: %s\nusage: bgpshieldctl %s%s%s %s\n",
		why, parent, *parent ? " " : "", c->name, c->usage);
	return 2;
}

const struct ctl_cmd *ctl_find_cmd(const struct ctl_cmd *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* status, reload, metrics: no arguments, straight to the daemon */
static int cmd_simple(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(top_cmds, argv[0]);

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("", c);
		return 0;
	}
	if (argc != 1)
		return ctl_cmd_usage("", c, "no arguments expected");
	return ctl_daemon_request(o, argv[0], 0, NULL);
}

int ctl_is_addr(const char *s)
{
	struct prefix p;
	char err[160];

	return prefix_parse(s, &p, err, sizeof(err)) == 0 &&
	       prefix_is_host(&p);
}

/* neighbor ADDR shutdown|restart ["TEXT"], neighbor ADDR announce ... */
static int cmd_neighbor(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(top_cmds, "neighbor");

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("", c);
		return 0;
	}
	if (argc < 3)
		return ctl_cmd_usage("", c, "name a neighbor and an action");
	if (!ctl_is_addr(argv[1]))
		return ctl_cmd_usage("", c, "not a neighbor address");
	if (!strcmp(argv[2], "restart") && argc != 3)
		return ctl_cmd_usage("", c, "'restart' takes no text");
	if (strcmp(argv[2], "shutdown") && strcmp(argv[2], "restart") &&
	    strcmp(argv[2], "announce") && strcmp(argv[2], "withdraw"))
		return ctl_cmd_usage("", c,
				     "the action is shutdown, restart, "
				     "announce or withdraw");
	return ctl_daemon_args(o, argc, argv);
}

static int cmd_announce(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(top_cmds, argv[0]);

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("", c);
		return 0;
	}
	if (argc < 2)
		return ctl_cmd_usage("", c, "what route?");
	return ctl_daemon_args(o, argc, argv);
}

static int cmd_tool(struct ctl_opts *o, int argc, char **argv)
{
	optind = 0;
	if (!strcmp(argv[0], "audit"))
		return ctl_audit(o, argc, argv);
	return ctl_keygen(o, argc, argv);
}

/* --- show ---------------------------------------------------------------------- */

static int show_neighbor(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "neighbor");
	int summary;

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("show", c);
		return 0;
	}
	summary = argc > 1 && !strcmp(argv[argc - 1], "summary");
	if (argc - 1 - summary > 1)
		return ctl_cmd_usage("show", c, "too many arguments");
	if (argc - 1 - summary == 1 && !ctl_is_addr(argv[1]))
		return ctl_cmd_usage("show", c, "not a neighbor address");
	argv[0] = "show neighbor";
	return ctl_daemon_args(o, argc, argv);
}

static int show_rib(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "rib");
	struct prefix p;
	char err[160];
	int i = 2;

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("show", c);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "in") && strcmp(argv[1], "out")))
		return ctl_cmd_usage("show", c, "in or out?");
	if (argc > i && !strcmp(argv[i], "neighbor")) {
		if (argc <= i + 1 || !ctl_is_addr(argv[i + 1]))
			return ctl_cmd_usage("show", c,
					     "'neighbor' needs an address");
		i += 2;
	}
	if (argc > i && prefix_parse(argv[i], &p, err, sizeof(err)))
		return ctl_cmd_usage("show", c, err);
	if (argc > i + 1)
		return ctl_cmd_usage("show", c, "too many arguments");
	argv[0] = "show rib";
	return ctl_daemon_args(o, argc, argv);
}

/* Through the daemon when it answers, else straight from the pins. */
static int show_guard(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "guard");
	int r;

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("show", c);
		return 0;
	}
	if (argc != 1)
		return ctl_cmd_usage("show", c, "no arguments expected");
	r = ctl_daemon_request(o, "show guard", 1, NULL);
	if (r >= 0)
		return r;
	return ctl_guard_status(o);
}

static int show_bogons(struct ctl_opts *o, int argc, char **argv)
{
	return cmd_show_bogons(o, argc, argv);
}

/* The value of "key":"..." in a flat JSON object, unescaped (\\uXXXX
 * below 0x80 only).  0 found, -1 not there or not a string. */
static int json_get_str(const char *j, const char *key, char *out,
			size_t len)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(j, pat);
	if (!p)
		return -1;
	for (p += strlen(pat); *p && *p != '"' && n + 1 < len; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p == 'u' && strlen(p) >= 5) {
				out[n++] = (char)strtol(
					(char[]){ p[1], p[2], p[3], p[4], 0 },
					NULL, 16);
				p += 4;
				continue;
			}
			out[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = 0;
	return *p == '"' ? 0 : -1;
}

/*
 * Where the audit log is: the running daemon says (its -a or the
 * config's log { audit }); without a daemon, the config (-c).
 */
static int audit_path(struct ctl_opts *o, char *out, size_t len)
{
	struct ctl_capture cap = { 0 };
	int json = o->json, r;

	o->json = 1;
	r = ctl_daemon_request(o, "status", 1, &cap);
	o->json = json;
	if (r == 0 && cap.p) {
		r = json_get_str(cap.p, "audit", out, len);
		free(cap.p);
		if (r < 0) {
			fprintf(stderr, "bgpshieldctl: bgpshieldd writes no "
					"audit log (config: log { audit PATH; "
					"})\n");
			return -1;
		}
		return 0;
	}
	free(cap.p);
	if (r > 0)
		return -1;
	{
		struct config *c = NULL;
		char err[1024], *buf = NULL;
		size_t blen = 0;
		FILE *f = fopen(o->conf, "r");

		if (!f) {
			fprintf(stderr,
				"bgpshieldctl: bgpshieldd is not running and "
				"%s: %s; name the log with --file PATH\n",
				o->conf, strerror(errno));
			return -1;
		}
		{
			FILE *m = open_memstream(&buf, &blen);
			char chunk[4096];
			size_t k;

			while (m && (k = fread(chunk, 1, sizeof(chunk), f)))
				fwrite(chunk, 1, k, m);
			if (m)
				fclose(m);
		}
		fclose(f);
		r = buf ? config_parse_buf(buf, blen, o->conf, &c, err,
					   sizeof(err))
			: -1;
		if (buf)
			secfile_wipe(buf, blen);
		if (r < 0) {
			fprintf(stderr, "bgpshieldctl: %s\n",
				buf ? err : "out of memory");
			return -1;
		}
		if (!c->audit_path) {
			fprintf(stderr, "bgpshieldctl: %s has no log { audit "
					"PATH; }\n",
				o->conf);
			config_free(c);
			return -1;
		}
		snprintf(out, len, "%s", c->audit_path);
		config_free(c);
	}
	return 0;
}

/* One audit line as "TIME EVENT MESSAGE", or the raw JSON with -j. */
static void event_print(const struct ctl_opts *o, const char *line)
{
	char when[64], ev[64], msg[2048];

	if (o->json || line[0] != '{') {
		puts(line);
		return;
	}
	if (json_get_str(line, "time", when, sizeof(when)))
		snprintf(when, sizeof(when), "-");
	if (json_get_str(line, "event", ev, sizeof(ev)))
		snprintf(ev, sizeof(ev), "-");
	if (!json_get_str(line, "message", msg, sizeof(msg))) {
		printf("%s %s %s\n", when, ev, msg);
		return;
	}
	/* other events: the members after time and event, as written */
	{
		const char *p = strstr(line, "\"event\":");
		const char *rest = p ? strchr(p + 8 + 1, '"') : NULL;

		if (rest && rest[1] == ',')
			printf("%s %s %.*s\n", when, ev,
			       (int)strlen(rest + 2) - 1, rest + 2);
		else
			printf("%s %s\n", when, ev);
	}
}

#define EVENTS_MAX 100000

static int show_events(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "events");
	static const struct option lo[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "lines", required_argument, NULL, 'n' },
		{ "file", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char path[4096], **ring = NULL, *line = NULL;
	const char *file = NULL;
	uint32_t n = 20;
	size_t cap = 0, seen = 0;
	int follow = 0, ch;
	struct stat st;
	FILE *f;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "fn:jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'f':
			follow = 1;
			break;
		case 'n':
			if (parse_u32(optarg, 0, EVENTS_MAX, &n))
				return ctl_cmd_usage("show", c,
						     "-n takes 0..100000");
			break;
		case 'F':
			file = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			ctl_print_help("show", c);
			return 0;
		default:
			return ctl_cmd_usage("show", c, "bad option");
		}
	}
	if (optind != argc)
		return ctl_cmd_usage("show", c, "no arguments expected");
	if (file)
		snprintf(path, sizeof(path), "%s", file);
	else if (audit_path(o, path, sizeof(path)))
		return 1;
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "bgpshieldctl: audit log %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	/* the last n lines: a ring of them, read forward */
	ring = n ? calloc(n, sizeof(*ring)) : NULL;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (!n)
			continue;
		free(ring[seen % n]);
		ring[seen % n] = strdup(line);
		seen++;
	}
	for (size_t i = seen > n ? seen - n : 0; i < seen; i++) {
		if (ring[i % n])
			event_print(o, ring[i % n]);
		free(ring[i % n]);
	}
	free(ring);
	fflush(stdout);
	if (!follow)
		goto out;
	/* like tail -F: new lines as they come; a rotated log is reopened */
	ctl_catch_signals();
	fstat(fileno(f), &st);
	while (!ctl_stop) {
		struct stat now;
		struct timespec ts = { 0, 200 * 1000000L };
		ssize_t k;

		clearerr(f);
		while ((k = getline(&line, &cap, f)) > 0) {
			if (line[k - 1] != '\n') {
				/* half a line: wait for the rest */
				fseek(f, -k, SEEK_CUR);
				break;
			}
			line[k - 1] = 0;
			event_print(o, line);
		}
		fflush(stdout);
		nanosleep(&ts, NULL);
		if (stat(path, &now) == 0 &&
		    (now.st_ino != st.st_ino || now.st_size < ftell(f))) {
			FILE *nf = fopen(path, "r");

			if (nf) {
				fclose(f);
				f = nf;
				fstat(fileno(f), &st);
			}
		}
	}
out:
	free(line);
	fclose(f);
	return 0;
}

static const struct ctl_cmd show_cmds[] = {
	{ "neighbor", show_neighbor, "[ADDR] [summary]",
	  "neighbors: state, uptime, prefixes, authentication",
	  "A table of the configured neighbors: AS numbers, which of TCP-MD5\n"
	  "(RFC 2385), TCP-AO (RFC 5925) and GTSM (RFC 5082) are in force,\n"
	  "session state, uptime, prefixes in and out and the last error.\n"
	  "With ADDR, every detail of that neighbor; with summary, one short\n"
	  "line each.  -j: a JSON array with the same fields and more." },
	{ "rib", show_rib, "in|out [neighbor ADDR] [PREFIX]",
	  "routes received from (in) or announced to (out) neighbors",
	  "The Adj-RIB-In (routes a neighbor sent, after import filters) or\n"
	  "the Adj-RIB-Out (routes announced to it) of one neighbor, or of\n"
	  "every neighbor without 'neighbor ADDR'.  PREFIX shows only that\n"
	  "route.  At most 10000 routes are shown; the rest are counted." },
	{ "guard", show_guard, "",
	  "the guard's policy and counters",
	  "The guard's policy, port, attached interfaces and counters: from\n"
	  "the daemon when it runs, otherwise read from the pinned maps\n"
	  "directly (as 'guard status'; needs root)." },
	{ "events", show_events, "[-f] [-n N] [--file PATH]",
	  "the daemon's audit log",
	  "The last N (default 20) lines of the daemon's audit log: guard\n"
	  "drop summaries, refused control commands, reloads, process exits.\n"
	  "The log's path comes from the running daemon (its -a or the\n"
	  "config's log { audit }), else from the config (-c CONF), or\n"
	  "--file PATH.  One line each: time, event, message; -j prints the\n"
	  "JSON lines as written.\n\n"
	  "  -f, --follow      keep printing new lines until interrupted;\n"
	  "                    a rotated log is reopened\n"
	  "  -n, --lines N     lines to show first (0..100000)\n"
	  "      --file PATH   read this log" },
	{ "bogons", show_bogons, "",
	  "the built-in bogon list (reject-bogons)",
	  "The ranges a neighbor's reject-bogons refuses (a route inside\n"
	  "one), with the RFC behind each.  Local: no daemon needed." },
	{ 0 }
};

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: bgpshieldctl [-j] show WHAT ...\n\nWhat:\n");
	for (const struct ctl_cmd *c = show_cmds; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\n'bgpshieldctl show WHAT --help' for each one's "
		   "arguments.\n");
}

int ctl_show(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c;

	if (argc < 2) {
		show_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		show_usage(stdout);
		return 0;
	}
	c = ctl_find_cmd(show_cmds, argv[1]);
	if (!c && !strcmp(argv[1], "neighbors"))
		c = ctl_find_cmd(show_cmds, "neighbor");
	if (!c) {
		/* The daemon decides what it can show (a newer daemon may
		 * know more); its refusal is audited. */
		ctl_take_flags(o, &argc, argv);
		return ctl_daemon_args(o, argc, argv);
	}
	return c->fn(o, argc - 1, argv + 1);
}

static int cmd_help(struct ctl_opts *o, int argc, char **argv);

static const struct ctl_cmd top_cmds[] = {
	{ "status", cmd_simple, "", "the daemon: version, engine, config",
	  "The running daemon: version, engine pid and user, uptime, config\n"
	  "generation, neighbors, the audit log, refused control commands\n"
	  "and API process counters." },
	{ "show", ctl_show, "neighbor|rib|guard|events|bogons ...",
	  "neighbors, routes, the guard, the audit log, bogons",
	  "'bgpshieldctl show --help' lists what can be shown." },
	{ "reload", cmd_simple, "", "re-read the config",
	  "Ask the daemon to read its config again (as SIGHUP).  A config\n"
	  "that fails to load changes nothing: the error is printed and the\n"
	  "exit status is 1.  Changes the daemon (control { change-group })." },
	{ "neighbor", cmd_neighbor,
	  "ADDR shutdown [\"TEXT\"] | ADDR restart | ADDR announce|withdraw ...",
	  "shut down or restart a session",
	  "shutdown closes the session with a Cease, Administrative Shutdown,\n"
	  "and TEXT as the RFC 9003 shutdown communication; it stays down\n"
	  "until 'restart'.  restart closes it with a Cease, Administrative\n"
	  "Reset (RFC 4486) and starts it again (also after a max-prefix\n"
	  "teardown).  announce/withdraw: as below, for this neighbor only." },
	{ "announce", cmd_announce,
	  "route PREFIX next-hop self|ADDR [ATTRIBUTES]",
	  "originate a route (the ExaBGP API command)",
	  "Originate a route through the same validation and export filters\n"
	  "as the API (docs/API.md); a refusal prints the reason." },
	{ "withdraw", cmd_announce, "route PREFIX [next-hop ...]",
	  "withdraw an originated route",
	  "Withdraw a route announced before (the ExaBGP API command)." },
	{ "metrics", cmd_simple, "",
	  "Prometheus/OpenMetrics text from the daemon",
	  "The daemon's metrics in the Prometheus text format, as its\n"
	  "metrics { listen } endpoint serves them." },
	{ "audit", cmd_tool, "[-j]", "check the host against the hardening "
	  "checklist",
	  "'bgpshieldctl audit --help' for the checks." },
	{ "keygen", cmd_tool, "[--bytes N] PATH",
	  "write a new random TCP-MD5/TCP-AO secret file",
	  "'bgpshieldctl keygen --help' for details." },
	{ "guard", ctl_guard, "COMMAND ...",
	  "the eBPF guard, directly on its pins (daemon or not)",
	  "'bgpshieldctl guard --help' lists its commands." },
	{ "decode", ctl_decode, "[--family AFI SAFI] [--asn2] [--text] HEX",
	  "a BGP message in hex as the API's JSON event",
	  "'bgpshieldctl decode --help' for details." },
	{ "help", cmd_help, "[COMMAND]", "this help, or a command's",
	  "Print the list of commands, or one command's help." },
	{ 0 }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bgpshieldctl [-j] [-s SOCKET] [-c CONF] [--pin-dir DIR] "
		"COMMAND ...\n\n"
		"Control bgpshield, the BGP speaker with a kernel guard.\n\n"
		"Commands:\n");
	for (const struct ctl_cmd *c = top_cmds; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f,
		"\nOptions:\n"
		"  -j, --json          JSON output (also after the command)\n"
		"  -s, --socket PATH   the daemon's control socket (default "
		"%s)\n"
		"  -c, --config FILE   the config, for commands that read it\n"
		"                      (default %s)\n"
		"      --pin-dir DIR   the guard's bpffs folder (default %s,\n"
		"                      or $BGPSHIELD_PIN_DIR)\n"
		"  -V, --version       print the version\n"
		"  -h, --help          this help\n\n"
		"'bgpshieldctl COMMAND --help' for a command's arguments.\n"
		"Exit status: 0 success, 1 failure (the daemon refused, or "
		"cannot be\nreached), 2 usage error.\n",
		"/run/bgpshield/bgpshield.sock",
		"/etc/bgpshield/bgpshield.conf", BGPS_PIN_DIR_DEFAULT);
}

static int cmd_help(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c;
	char *h[] = { NULL, "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = ctl_find_cmd(top_cmds, argv[1]);
	if (!c || c->fn == cmd_help) {
		usage(c ? stdout : stderr);
		return c ? 0 : 2;
	}
	h[0] = argv[1];
	return c->fn(o, 2, h);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ctl_opts o = { 0 };
	const char *env = getenv("BGPSHIELD_PIN_DIR");
	const struct ctl_cmd *cmd;
	int c;

	log_init("bgpshieldctl", 0);
	o.pin_dir = env && *env ? env : BGPS_PIN_DIR_DEFAULT;
	/* libbpf's own messages are for developers; LIBBPF_LOG=1 shows them */
	if (!getenv("LIBBPF_LOG"))
		libbpf_set_print(NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	o.sock = "/run/bgpshield/bgpshield.sock";
	o.conf = "/etc/bgpshield/bgpshield.conf";
	while ((c = getopt_long(argc, argv, "+js:c:Vh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o.sock = optarg;
			break;
		case 'c':
			o.conf = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'P':
			o.pin_dir = optarg;
			break;
		case 'V':
			printf("bgpshieldctl %s\n", VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	cmd = ctl_find_cmd(top_cmds, argv[optind]);
	if (!cmd) {
		fprintf(stderr, "bgpshieldctl: unknown command '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	return cmd->fn(&o, argc - optind, argv + optind);
}
