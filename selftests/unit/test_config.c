// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/config/ and user/lib/secfile.c: every construct into its
 * fields, every refusal with its exact file:line:col message, template
 * inheritance, print/parse round trips over the shipped configs, secret
 * masking, the guard allowlist a config asks for, and the file checks that
 * make loading TOCTOU-safe.  Files are made under a mkdtemp folder that is
 * removed at the end.  Run from the source tree (or anywhere: the configs
 * are found from this file's path too).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "config.h"
#include "plist.h"
#include "secfile.h"

static char tmpdir[PATH_MAX];
static char srcdir[PATH_MAX];

/* --- helpers -------------------------------------------------------------- */

static struct config *parse_len(const char *text, size_t len)
{
	struct config *c = NULL;
	char err[1024] = "";

	if (config_parse_buf(text, len, "t.conf", &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "\n  unexpected error: %s\n", err);
		CU_ASSERT_PTR_NULL(c);
		return NULL;
	}
	return c;
}

static struct config *parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static int check_err_len(const char *text, size_t len, const char *want)
{
	struct config *c = (struct config *)1;
	char err[1024] = "";
	int r;

	r = config_parse_buf(text, len, "t.conf", &c, err, sizeof(err));
	CU_ASSERT_EQUAL(r, -1);
	/* Nothing half-built is handed out. */
	CU_ASSERT_PTR_NULL(c);
	if (r == 0)
		config_free(c);
	if (strcmp(err, want)) {
		fprintf(stderr, "\n  config: %.200s\n  got:  %s\n  want: %s\n",
			text, err, want);
		CU_FAIL("error message differs");
		return 0;
	}
	CU_PASS("error message");
	return 1;
}

static int check_err(const char *text, const char *want)
{
	return check_err_len(text, strlen(text), want);
}

static int pfx_is(const struct prefix *p, const char *want)
{
	char b[PREFIX_STRLEN];

	if (!p->family) {
		fprintf(stderr, "\n  prefix unset, want %s\n", want);
		return 0;
	}
	if (strcmp(prefix_fmt(p, b, sizeof(b)), want)) {
		fprintf(stderr, "\n  prefix %s, want %s\n", b, want);
		return 0;
	}
	return 1;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static struct config *parse_file(const char *rel)
{
	char path[PATH_MAX * 2], err[1024] = "";
	struct config *c = NULL;
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", srcdir, rel);
	text = read_all(path, &len);
	if (!text) {
		fprintf(stderr, "\n  cannot read %s\n", path);
		return NULL;
	}
	if (config_parse_buf(text, len, rel, &c, err, sizeof(err)) < 0)
		fprintf(stderr, "\n  %s\n", err);
	free(text);
	return c;
}

static char *print_config(const struct config *c, size_t *len)
{
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);

	if (len)
		*len = 0;
	if (!f)
		return NULL;
	config_print(f, c);
	fclose(f);
	if (len)
		*len = olen;
	return out;
}

/* Write a file in tmpdir with an exact mode; returns its path (static). */
static const char *put_file(const char *name, const char *text, mode_t mode)
{
	static char path[8][PATH_MAX + 64];
	static int slot;
	char *p = path[slot++ % 8];
	int fd;

	snprintf(p, PATH_MAX + 64, "%s/%s", tmpdir, name);
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CU_ASSERT_FATAL(fchmod(fd, mode) == 0);
	close(fd);
	return p;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* --- defaults and every construct ----------------------------------------- */

static void test_defaults(void)
{
	struct config *c = parse("neighbor 192.0.2.1 { local-as 64500; "
				 "peer-as 64501; }");
	const struct cfg_neighbor *n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->user, CFG_USER_DEFAULT);
	CU_ASSERT_PTR_NULL(c->audit_path);
	CU_ASSERT_EQUAL(c->inline_secrets, 0);
	CU_ASSERT_EQUAL(c->nprocesses, 0);
	CU_ASSERT_EQUAL(c->guard.iface_auto, 1);
	CU_ASSERT_EQUAL(c->guard.nifaces, 0);
	CU_ASSERT_EQUAL(c->guard.mode, BGPS_ATTACH_AUTO);
	CU_ASSERT_EQUAL(c->guard.policy, CFG_POLICY_ENFORCE);
	CU_ASSERT_EQUAL(c->guard.port, 179);
	CU_ASSERT_EQUAL(c->guard.syn_rate, 0);
	CU_ASSERT_EQUAL(c->guard.syn_burst, 0);
	CU_ASSERT_EQUAL(c->guard.event_rate, CFG_EVENT_RATE_DEFAULT);
	CU_ASSERT_STRING_EQUAL(c->guard.pin_dir, BGPS_PIN_DIR_DEFAULT);
	CU_ASSERT_EQUAL(c->guard.on_exit, CFG_ON_EXIT_KEEP);
	CU_ASSERT_EQUAL(c->guard.nallow, 0);
	CU_ASSERT_EQUAL_FATAL(c->nneighbors, 1);
	n = &c->neighbors[0];
	CU_ASSERT(pfx_is(&n->address, "192.0.2.1"));
	CU_ASSERT_EQUAL(n->line, 1);
	CU_ASSERT_EQUAL(n->col, 10);
	CU_ASSERT_PTR_NULL(n->description);
	CU_ASSERT_EQUAL(n->router_id.family, 0);
	CU_ASSERT_EQUAL(n->local_address.family, 0);
	CU_ASSERT_EQUAL(n->local_as, 64500);
	CU_ASSERT_EQUAL(n->peer_as, 64501);
	CU_ASSERT_EQUAL(n->hold_time, CFG_HOLD_DEFAULT);
	CU_ASSERT_EQUAL(n->passive, 0);
	CU_ASSERT_EQUAL(n->listen_port, 0);
	CU_ASSERT_EQUAL(n->connect_port, 0);
	CU_ASSERT_EQUAL(n->md5.enabled, 0);
	CU_ASSERT_EQUAL(n->md5.ip.family, 0);
	CU_ASSERT_EQUAL(n->gtsm.min_ttl_in, 0);
	CU_ASSERT_EQUAL(n->gtsm.ttl_out, 0);
	CU_ASSERT_EQUAL(n->tcp_ao.enabled, 0);
	CU_ASSERT_EQUAL(n->families, CFG_FAM_DEFAULT);
	CU_ASSERT_EQUAL(n->caps.asn4, 1);
	CU_ASSERT_EQUAL(n->caps.route_refresh, 1);
	CU_ASSERT_EQUAL(n->caps.extended_message, 0);
	CU_ASSERT_EQUAL(n->caps.graceful_restart, 0);
	CU_ASSERT_EQUAL(n->nroutes, 0);
	CU_ASSERT_EQUAL(n->napis, 0);
	CU_ASSERT_EQUAL(n->syn_rate, 0);
	CU_ASSERT_EQUAL(n->syn_burst, 0);
	config_free(c);

	/* No neighbors, no guard block: a valid, empty config. */
	c = parse("# nothing\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->nneighbors, 0);
	CU_ASSERT_EQUAL(c->guard.iface_auto, 1);
	config_free(c);
}

static void test_full_global(void)
{
	struct config *c = parse_file("selftests/unit/configs/full.conf");
	const struct cfg_guard *g;
	const struct cfg_process *pr;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->user, "bgps-test");
	CU_ASSERT_STRING_EQUAL(c->audit_path,
			       "/var/log/bgpshield/test-audit.log");
	CU_ASSERT_EQUAL(c->inline_secrets, 1);
	g = &c->guard;
	CU_ASSERT_EQUAL(g->iface_auto, 1);
	CU_ASSERT_EQUAL_FATAL(g->nifaces, 3);
	CU_ASSERT_STRING_EQUAL(g->ifaces[0].name, "eth0");
	CU_ASSERT_STRING_EQUAL(g->ifaces[1].name, "veth-a");
	CU_ASSERT_STRING_EQUAL(g->ifaces[2].name, "eth1");
	CU_ASSERT_EQUAL(g->mode, BGPS_ATTACH_GENERIC);
	CU_ASSERT_EQUAL(g->policy, CFG_POLICY_MONITOR);
	CU_ASSERT_EQUAL(g->syn_rate, 100);
	CU_ASSERT_EQUAL(g->syn_burst, 150);
	CU_ASSERT_EQUAL_FATAL(g->nallow, 3);
	CU_ASSERT(pfx_is(&g->allow[0].pfx, "203.0.113.0/24"));
	CU_ASSERT(pfx_is(&g->allow[1].pfx, "2001:db8:ffff::/48"));
	CU_ASSERT(pfx_is(&g->allow[2].pfx, "198.51.100.9"));
	CU_ASSERT_EQUAL(g->port, 1179);
	CU_ASSERT_STRING_EQUAL(g->pin_dir, "/sys/fs/bpf/bgpshield-test");
	CU_ASSERT_EQUAL(g->on_exit, CFG_ON_EXIT_DETACH);
	CU_ASSERT_EQUAL(g->event_rate, 7);

	CU_ASSERT_EQUAL_FATAL(c->nprocesses, 2);
	pr = &c->processes[0];
	CU_ASSERT_STRING_EQUAL(pr->name, "announcer");
	CU_ASSERT_EQUAL_FATAL(pr->argc, 5);
	CU_ASSERT_STRING_EQUAL(pr->argv[0], "/usr/local/bin/announce");
	CU_ASSERT_STRING_EQUAL(pr->argv[1], "--mode");
	CU_ASSERT_STRING_EQUAL(pr->argv[2], "two words");
	CU_ASSERT_STRING_EQUAL(pr->argv[3], "single quoted");
	CU_ASSERT_STRING_EQUAL(pr->argv[4], "--path=/a\\b");
	CU_ASSERT_PTR_NULL(pr->argv[5]);
	CU_ASSERT_EQUAL(pr->encoder, CFG_ENC_JSON);
	CU_ASSERT_EQUAL(pr->respawn, 0);
	CU_ASSERT_EQUAL(pr->line, 24);
	CU_ASSERT_EQUAL(pr->col, 9);
	pr = &c->processes[1];
	CU_ASSERT_STRING_EQUAL(pr->name, "watcher");
	CU_ASSERT_EQUAL(pr->argc, 3);
	CU_ASSERT_PTR_NULL(pr->argv[3]);
	CU_ASSERT_EQUAL(pr->encoder, CFG_ENC_TEXT);
	CU_ASSERT_EQUAL(pr->respawn, 1);
	config_free(c);
}

static void test_full_neighbors(void)
{
	struct config *c = parse_file("selftests/unit/configs/full.conf");
	const struct cfg_neighbor *n;
	const struct cfg_route *r;
	const struct cfg_api *a;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nneighbors, 4);
	n = &c->neighbors[0];
	CU_ASSERT(pfx_is(&n->address, "192.0.2.1"));
	CU_ASSERT_STRING_EQUAL(n->description, "edge \"A\" \\ router");
	CU_ASSERT(pfx_is(&n->router_id, "192.0.2.254"));
	CU_ASSERT(pfx_is(&n->local_address, "192.0.2.254"));
	CU_ASSERT_EQUAL(n->local_as, 64500); /* from the template */
	CU_ASSERT_EQUAL(n->peer_as, 4200000000u);
	CU_ASSERT_EQUAL(n->hold_time, 0);
	CU_ASSERT_EQUAL(n->passive, 1);
	CU_ASSERT_EQUAL(n->listen_port, 1790);
	CU_ASSERT_EQUAL(n->connect_port, 1791);
	CU_ASSERT_EQUAL(n->md5.enabled, 1);
	CU_ASSERT_PTR_NULL(n->md5.secret.path);
	CU_ASSERT_EQUAL(n->md5.secret.loaded, 1);
	CU_ASSERT_EQUAL_FATAL(n->md5.secret.len, 13);
	CU_ASSERT(!memcmp(n->md5.secret.key, "inline secret", 13));
	CU_ASSERT(pfx_is(&n->md5.ip, "192.0.2.254"));
	CU_ASSERT_EQUAL(n->gtsm.min_ttl_in, 255);
	CU_ASSERT_EQUAL(n->gtsm.ttl_out, 255);
	CU_ASSERT_EQUAL(n->families,
			CFG_FAM_IPV4_UNICAST | CFG_FAM_IPV6_UNICAST);
	CU_ASSERT_EQUAL(n->caps.asn4, 1);
	CU_ASSERT_EQUAL(n->caps.route_refresh, 0);
	CU_ASSERT_EQUAL(n->caps.extended_message, 1);
	CU_ASSERT_EQUAL(n->caps.graceful_restart, 1);
	CU_ASSERT_EQUAL(n->caps.gr_time, 300);
	CU_ASSERT_EQUAL(n->syn_rate, 5);
	CU_ASSERT_EQUAL(n->syn_burst, 9);

	CU_ASSERT_EQUAL_FATAL(n->nroutes, 4);
	r = &n->routes[0];
	CU_ASSERT(pfx_is(&r->prefix, "10.0.0.0/24"));
	CU_ASSERT_EQUAL(r->nh_self, 1);
	CU_ASSERT_EQUAL(r->origin, CFG_ORIGIN_IGP);
	CU_ASSERT_EQUAL(r->flags, 0);
	CU_ASSERT_EQUAL(r->as_path_len + r->ncommunities + r->nlarge, 0);
	r = &n->routes[1];
	CU_ASSERT(pfx_is(&r->prefix, "10.0.1.0/24"));
	CU_ASSERT_EQUAL(r->nh_self, 0);
	CU_ASSERT(pfx_is(&r->next_hop, "192.0.2.254"));
	CU_ASSERT_EQUAL(r->origin, CFG_ORIGIN_EGP);
	CU_ASSERT_EQUAL(r->flags, CFG_RT_MED | CFG_RT_LOCAL_PREF);
	CU_ASSERT_EQUAL(r->med, 10);
	CU_ASSERT_EQUAL(r->local_pref, 200);
	CU_ASSERT_EQUAL_FATAL(r->as_path_len, 3);
	CU_ASSERT_EQUAL(r->as_path[0], 64500);
	CU_ASSERT_EQUAL(r->as_path[1], 64501);
	CU_ASSERT_EQUAL(r->as_path[2], 4200000000u);
	CU_ASSERT_EQUAL_FATAL(r->ncommunities, 4);
	CU_ASSERT_EQUAL(r->communities[0], (64500u << 16) | 1);
	CU_ASSERT_EQUAL(r->communities[1], 0xFFFFFF01u);
	CU_ASSERT_EQUAL(r->communities[2], 0xFFFFFF02u);
	CU_ASSERT_EQUAL(r->communities[3], 0xFFFFFF01u);
	CU_ASSERT_EQUAL_FATAL(r->nlarge, 1);
	CU_ASSERT_EQUAL(r->large[0].global, 4200000000u);
	CU_ASSERT_EQUAL(r->large[0].local1, 1);
	CU_ASSERT_EQUAL(r->large[0].local2, 2);
	CU_ASSERT_EQUAL(r->line, 76);
	CU_ASSERT_EQUAL(r->col, 3);
	r = &n->routes[2];
	CU_ASSERT(pfx_is(&r->prefix, "2001:db8:1::/48"));
	CU_ASSERT(pfx_is(&r->next_hop, "2001:db8::fe"));
	CU_ASSERT_EQUAL(r->origin, CFG_ORIGIN_INCOMPLETE);
	CU_ASSERT_EQUAL_FATAL(r->as_path_len, 1);
	CU_ASSERT_EQUAL(r->as_path[0], 64500);
	CU_ASSERT_EQUAL_FATAL(r->ncommunities, 1);
	CU_ASSERT_EQUAL(r->communities[0], 0xFFFF029Au);
	CU_ASSERT_EQUAL_FATAL(r->nlarge, 1);
	CU_ASSERT_EQUAL(r->large[0].local2, 3);
	r = &n->routes[3]; /* the template's, after the neighbor's own */
	CU_ASSERT(pfx_is(&r->prefix, "10.10.0.0/16"));
	CU_ASSERT_EQUAL(r->nh_self, 1);

	CU_ASSERT_EQUAL_FATAL(n->napis, 2);
	a = &n->apis[0];
	CU_ASSERT_PTR_NULL(a->name);
	CU_ASSERT_EQUAL_FATAL(a->nprocesses, 2);
	CU_ASSERT_STRING_EQUAL(a->processes[0].name, "announcer");
	CU_ASSERT_STRING_EQUAL(a->processes[1].name, "watcher");
	CU_ASSERT_EQUAL(a->processes[0].line, 80);
	CU_ASSERT_EQUAL(a->processes[0].col, 15);
	CU_ASSERT_EQUAL(a->events, CFG_API_NEIGHBOR_CHANGES |
					   CFG_API_NEGOTIATED | CFG_API_FSM |
					   CFG_API_SIGNAL);
	CU_ASSERT_EQUAL(a->receive, 0xff);
	CU_ASSERT_EQUAL(a->send, CFG_API_PACKETS);
	a = &n->apis[1];
	CU_ASSERT_STRING_EQUAL(a->name, "quiet");
	CU_ASSERT_EQUAL_FATAL(a->nprocesses, 1);
	CU_ASSERT_STRING_EQUAL(a->processes[0].name, "watcher");
	CU_ASSERT_EQUAL(a->events | a->receive | a->send, 0);

	n = &c->neighbors[1];
	CU_ASSERT(pfx_is(&n->address, "2001:db8::2"));
	CU_ASSERT_EQUAL(n->md5.enabled, 1);
	CU_ASSERT_STRING_EQUAL(n->md5.secret.path, "keys/peer2.key");
	CU_ASSERT_EQUAL(n->md5.secret.base64, 1);
	CU_ASSERT_EQUAL(n->md5.secret.loaded, 0);
	CU_ASSERT_EQUAL(n->md5.secret.line, 107);
	CU_ASSERT_EQUAL(n->md5.secret.col, 2);
	CU_ASSERT_EQUAL(n->gtsm.min_ttl_in, 254);
	CU_ASSERT_EQUAL(n->gtsm.ttl_out, 255);
	CU_ASSERT_EQUAL(n->hold_time, 180);

	n = &c->neighbors[2];
	CU_ASSERT_EQUAL(n->tcp_ao.enabled, 1);
	CU_ASSERT_EQUAL(n->tcp_ao.keyid, 200);
	CU_ASSERT_EQUAL(n->tcp_ao.alg, CFG_AO_AES128_CMAC_96);
	CU_ASSERT_PTR_NULL(n->tcp_ao.secret.path);
	CU_ASSERT_EQUAL(n->tcp_ao.secret.loaded, 1);
	CU_ASSERT_EQUAL(n->tcp_ao.secret.base64, 0);
	CU_ASSERT_EQUAL_FATAL(n->tcp_ao.secret.len, 6);
	CU_ASSERT(!memcmp(n->tcp_ao.secret.key, "ao-key", 6));

	n = &c->neighbors[3];
	CU_ASSERT_EQUAL(n->passive, 1);
	CU_ASSERT_EQUAL(n->tcp_ao.enabled, 1);
	CU_ASSERT_EQUAL(n->tcp_ao.keyid, 0);
	CU_ASSERT_EQUAL(n->tcp_ao.alg, CFG_AO_HMAC_SHA1_96);
	CU_ASSERT_STRING_EQUAL(n->tcp_ao.secret.path,
			       "/etc/bgpshield/peer4.ao");
	CU_ASSERT_EQUAL(n->tcp_ao.secret.loaded, 0);
	config_free(c);
}

static void test_small_constructs(void)
{
	struct config *c;

	/* encoder json5: ExaBGP 5's JSON forms, printed back as such */
	c = parse("process p {\n\trun /bin/x;\n\tencoder json5;\n}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->processes[0].encoder, CFG_ENC_JSON5);
	{
		size_t len;
		char *t = print_config(c, &len);

		CU_ASSERT_PTR_NOT_NULL(t && strstr(t, "\tencoder json5;\n"));
		free(t);
	}
	config_free(c);

	/* ttl-security false undoes a template's; the keyword alone or
	 * true/enable/enabled mean on. */
	c = parse("template { neighbor g { ttl-security; md5-base64; } }\n"
		  "neighbor 192.0.2.1 { inherit g; ttl-security false; "
		  "local-as 1; peer-as 2; passive enable; "
		  "md5-password \"YWJj\"; }\n"
		  "neighbor 192.0.2.2 { inherit g; local-as 1; peer-as 2; "
		  "passive disabled; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].gtsm.min_ttl_in, 0);
	CU_ASSERT_EQUAL(c->neighbors[0].gtsm.ttl_out, 0);
	CU_ASSERT_EQUAL(c->neighbors[0].passive, 1);
	/* md5-base64 from the template decodes the neighbor's password. */
	CU_ASSERT_EQUAL(c->neighbors[0].md5.secret.len, 3);
	CU_ASSERT(!memcmp(c->neighbors[0].md5.secret.key, "abc", 3));
	CU_ASSERT_EQUAL(c->neighbors[1].gtsm.min_ttl_in, 255);
	CU_ASSERT_EQUAL(c->neighbors[1].passive, 0);
	config_free(c);

	/* graceful-restart forms, capability bools, family subsets. */
	c = parse("neighbor 2001:db8::1 { local-as 1; peer-as 2; "
		  "family { ipv6 unicast; } capability { asn4 disable; "
		  "graceful-restart disable; route-refresh false; } }\n"
		  "neighbor 2001:db8::2 { local-as 1; peer-as 2; "
		  "capability { graceful-restart enable; } }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].families, CFG_FAM_IPV6_UNICAST);
	CU_ASSERT_EQUAL(c->neighbors[0].caps.asn4, 0);
	CU_ASSERT_EQUAL(c->neighbors[0].caps.graceful_restart, 0);
	CU_ASSERT_EQUAL(c->neighbors[0].caps.route_refresh, 0);
	CU_ASSERT_EQUAL(c->neighbors[1].caps.graceful_restart, 1);
	CU_ASSERT_EQUAL(c->neighbors[1].caps.gr_time, 0);
	config_free(c);

	/* flowspec families (RFC 8955, RFC 8956: SAFI 133) */
	c = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2; family { "
		  "ipv4 unicast; ipv4 flow; ipv6 flow; } }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].families,
			CFG_FAM_IPV4_UNICAST | CFG_FAM_IPV4_FLOW |
			CFG_FAM_IPV6_FLOW);
	config_free(c);

	/* A plain 32-bit community, and 0:0; local-as at the top. */
	c = parse("neighbor 192.0.2.1 { local-as 4294967295; peer-as 1; "
		  "static { route 0.0.0.0/0 next-hop self community "
		  "[ 4294967295 0:0 65535:65535 ]; } }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].local_as, 4294967295u);
	CU_ASSERT_EQUAL_FATAL(c->neighbors[0].routes[0].ncommunities, 3);
	CU_ASSERT_EQUAL(c->neighbors[0].routes[0].communities[0], 4294967295u);
	CU_ASSERT_EQUAL(c->neighbors[0].routes[0].communities[1], 0);
	CU_ASSERT_EQUAL(c->neighbors[0].routes[0].communities[2], 0xFFFFFFFFu);
	config_free(c);

	/* guard: interface auto alone; named ones drop the default. */
	c = parse("guard { interface lo; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->guard.iface_auto, 0);
	CU_ASSERT_EQUAL(c->guard.nifaces, 1);
	config_free(c);
	c = parse("guard { interface auto; mode tc; policy enforce; "
		  "on-exit keep; event-rate 0; syn-rate 0; }\nuser _bgp.x-1;");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->guard.iface_auto, 1);
	CU_ASSERT_EQUAL(c->guard.nifaces, 0);
	CU_ASSERT_EQUAL(c->guard.mode, BGPS_ATTACH_TC);
	CU_ASSERT_EQUAL(c->guard.event_rate, 0);
	CU_ASSERT_STRING_EQUAL(c->user, "_bgp.x-1");
	config_free(c);

	CU_ASSERT_STRING_EQUAL(config_ao_alg_name(CFG_AO_HMAC_SHA1_96),
			       "hmac-sha-1-96");
	CU_ASSERT_STRING_EQUAL(config_ao_alg_name(CFG_AO_AES128_CMAC_96),
			       "aes-128-cmac-96");
	CU_ASSERT_STRING_EQUAL(config_ao_alg_name(CFG_AO_HMAC_SHA256),
			       "hmac-sha-256");
	CU_ASSERT_STRING_EQUAL(config_ao_alg_name((enum cfg_ao_alg)9),
			       "unknown");
}

static void test_lexer(void)
{
	struct config *c;

	/* CRLF, tabs, comments anywhere, '#' inside a word, both quotes,
	 * \" and \\ escapes, other backslashes kept. */
	c = parse("# top\r\nneighbor 192.0.2.1 {\t# after a brace\r\n"
		  "\tlocal-as 1; peer-as 2;#no space\r\n"
		  "\tdescription 'a#b \"q\"';\r\n}\r\n"
		  "process p { run /bin/x#y \"a\\\"b\\\\c\" \"d\\e\"; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->neighbors[0].description, "a#b \"q\"");
	CU_ASSERT_EQUAL_FATAL(c->processes[0].argc, 3);
	CU_ASSERT_STRING_EQUAL(c->processes[0].argv[0], "/bin/x#y");
	CU_ASSERT_STRING_EQUAL(c->processes[0].argv[1], "a\"b\\c");
	CU_ASSERT_STRING_EQUAL(c->processes[0].argv[2], "d\\e");
	config_free(c);

	/* Punctuation needs no spaces. */
	c = parse("neighbor 192.0.2.1{local-as 1;peer-as 2;static{route "
		  "10.0.0.0/8 next-hop self as-path[1 2];}}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].routes[0].as_path_len, 2);
	config_free(c);

	/* Input without a final newline, and a buffer that is not NUL-
	 * terminated: only len bytes count. */
	c = parse_len("user abc;XXXX", 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->user, "abc");
	config_free(c);
}

static void test_exabgp_config(void)
{
	struct config *c = parse_file("selftests/unit/configs/exabgp.conf");
	const struct cfg_neighbor *n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nneighbors, 2);
	n = &c->neighbors[0];
	CU_ASSERT_EQUAL(n->md5.secret.len, strlen("ExaBGP password"));
	CU_ASSERT_EQUAL(n->gtsm.min_ttl_in, 255);
	CU_ASSERT_EQUAL(n->gtsm.ttl_out, 255);
	CU_ASSERT_EQUAL(n->caps.gr_time, 120);
	CU_ASSERT_EQUAL_FATAL(n->nroutes, 3);
	CU_ASSERT_EQUAL(n->routes[2].origin, CFG_ORIGIN_IGP);
	CU_ASSERT_EQUAL(n->routes[2].local_pref, 300);
	CU_ASSERT_EQUAL(n->napis, 2);
	CU_ASSERT_EQUAL(c->processes[1].argc, 8);
	CU_ASSERT_STRING_EQUAL(c->processes[1].argv[5],
			       "curl -sf http://127.0.0.1/healthcheck");
	n = &c->neighbors[1];
	CU_ASSERT_EQUAL(n->local_as, 65000);
	CU_ASSERT_EQUAL(n->peer_as, 65000);
	CU_ASSERT(pfx_is(&n->router_id, "10.0.0.2"));
	config_free(c);
}

/* ADD-PATH (RFC 7911) as ExaBGP 4.2 writes it: one mode in the
 * capability block, the families in an add-path block (all the
 * neighbor's without one), path-information on routes. */
static void test_addpath_config(void)
{
	struct config *c = parse(
		"neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		"\tcapability {\n\t\tadd-path send/receive;\n\t}\n"
		"\tstatic {\n"
		"\t\troute 10.0.0.10 next-hop 10.10.1.1 path-information "
		"0.0.0.1;\n"
		"\t\troute 10.0.0.10 next-hop 10.10.1.2 path-information "
		"2;\n\t}\n}\n"
		"neighbor 192.0.2.2 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		"\tfamily {\n\t\tipv4 unicast;\n\t}\n"
		"\tcapability { add-path SEND; }\n"
		"\tadd-path {\n\t\tipv4 unicast;\n\t\tipv6 unicast;\n\t}\n}\n"
		"neighbor 192.0.2.3 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		"\tcapability { add-path receive; }\n"
		"\tadd-path { ipv6 unicast; }\n}\n"
		"neighbor 192.0.2.4 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		"\tadd-path { ipv6 unicast; }\n}\n");
	struct config *d;
	char *out = NULL;
	size_t olen = 0;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].caps.add_path,
			CFG_ADDPATH_SEND | CFG_ADDPATH_RECEIVE);
	CU_ASSERT_EQUAL(cfg_addpath_families(&c->neighbors[0]),
			CFG_FAM_DEFAULT);
	CU_ASSERT_EQUAL_FATAL(c->neighbors[0].nroutes, 2);
	CU_ASSERT_EQUAL(c->neighbors[0].routes[0].path_id, 1);
	CU_ASSERT_EQUAL(c->neighbors[0].routes[1].path_id, 2);
	/* ExaBGP skips a listed family the neighbor does not have */
	CU_ASSERT_EQUAL(c->neighbors[1].caps.add_path, CFG_ADDPATH_SEND);
	CU_ASSERT_EQUAL(cfg_addpath_families(&c->neighbors[1]),
			CFG_FAM_IPV4_UNICAST);
	CU_ASSERT_EQUAL(c->neighbors[2].caps.add_path, CFG_ADDPATH_RECEIVE);
	CU_ASSERT_EQUAL(cfg_addpath_families(&c->neighbors[2]),
			CFG_FAM_IPV6_UNICAST);
	/* the block alone enables nothing: the mode is the capability's */
	CU_ASSERT_EQUAL(cfg_addpath_families(&c->neighbors[3]), 0);
	/* printed and read back: the same */
	f = open_memstream(&out, &olen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	config_print(f, c);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "add-path send/receive;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "path-information 0.0.0.2;"));
	d = parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(config_equal(c, d, 0));
	/* a changed mode or path id is a different neighbor (restart) */
	d->neighbors[0].caps.add_path = CFG_ADDPATH_SEND;
	CU_ASSERT(!config_neighbor_equal(&c->neighbors[0], &d->neighbors[0]));
	d->neighbors[0].caps.add_path = c->neighbors[0].caps.add_path;
	d->neighbors[0].routes[1].path_id = 3;
	CU_ASSERT(!config_neighbor_equal(&c->neighbors[0], &d->neighbors[0]));
	d->neighbors[2].add_path_families = CFG_FAM_DEFAULT;
	CU_ASSERT(!config_neighbor_equal(&c->neighbors[2], &d->neighbors[2]));
	free(out);
	config_free(d);
	config_free(c);
	/* from a template, as other capabilities; the neighbor's own wins */
	c = parse("template {\n\tneighbor ap {\n\t\tlocal-as 1;\n"
		  "\t\tcapability { add-path send; }\n"
		  "\t\tadd-path { ipv6 unicast; }\n\t}\n}\n"
		  "neighbor 192.0.2.1 {\n\tinherit ap;\n\tpeer-as 2;\n}\n"
		  "neighbor 192.0.2.2 {\n\tinherit ap;\n\tpeer-as 2;\n"
		  "\tcapability { add-path receive; }\n}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].caps.add_path, CFG_ADDPATH_SEND);
	CU_ASSERT_EQUAL(cfg_addpath_families(&c->neighbors[0]),
			CFG_FAM_IPV6_UNICAST);
	CU_ASSERT_EQUAL(c->neighbors[1].caps.add_path, CFG_ADDPATH_RECEIVE);
	CU_ASSERT_EQUAL(cfg_addpath_families(&c->neighbors[1]),
			CFG_FAM_IPV6_UNICAST);
	config_free(c);
}

/* --- templates ------------------------------------------------------------ */

static void test_templates(void)
{
	struct config *c = parse_file("selftests/unit/configs/templates.conf");
	const struct cfg_neighbor *n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nneighbors, 2);

	/* The neighbor's own settings win over both templates. */
	n = &c->neighbors[0];
	CU_ASSERT_EQUAL(n->local_as, 64500);
	CU_ASSERT_EQUAL(n->peer_as, 65001);
	CU_ASSERT_EQUAL(n->hold_time, 90);
	CU_ASSERT_STRING_EQUAL(n->description, "from template");
	CU_ASSERT_EQUAL(n->gtsm.min_ttl_in, 254); /* own */
	CU_ASSERT_EQUAL(n->gtsm.ttl_out, 255);	  /* base's ttl-security */
	CU_ASSERT_EQUAL(n->md5.secret.len, 3);
	CU_ASSERT(!memcmp(n->md5.secret.key, "own", 3));
	CU_ASSERT_EQUAL(n->families, CFG_FAM_IPV4_UNICAST);
	CU_ASSERT_EQUAL(n->caps.gr_time, 60);
	CU_ASSERT_EQUAL(n->caps.extended_message, 1);
	CU_ASSERT_EQUAL(n->syn_rate, 7);
	CU_ASSERT_EQUAL(n->listen_port, 1790); /* only 'other' sets it */
	CU_ASSERT_EQUAL_FATAL(n->nroutes, 3);
	CU_ASSERT(pfx_is(&n->routes[0].prefix, "10.0.0.0/8"));
	CU_ASSERT_EQUAL(n->routes[0].med, 2);
	CU_ASSERT(pfx_is(&n->routes[1].prefix, "10.1.0.0/16"));
	CU_ASSERT(pfx_is(&n->routes[2].prefix, "10.2.0.0/16"));
	CU_ASSERT_EQUAL_FATAL(n->napis, 1);
	CU_ASSERT_EQUAL(n->apis[0].events, CFG_API_FSM);

	/* The first template that sets a value wins over later ones. */
	n = &c->neighbors[1];
	CU_ASSERT_EQUAL(n->peer_as, 64501);
	CU_ASSERT_EQUAL(n->hold_time, 30);
	CU_ASSERT_EQUAL(n->md5.secret.len, 6);
	CU_ASSERT(!memcmp(n->md5.secret.key, "tmplpw", 6));
	CU_ASSERT_EQUAL(n->gtsm.min_ttl_in, 255);
	CU_ASSERT_EQUAL(n->listen_port, 1790);
	CU_ASSERT_EQUAL_FATAL(n->nroutes, 3);
	CU_ASSERT_EQUAL(n->routes[0].med, 1);
	/* Positions point where the value was written: the template. */
	CU_ASSERT_EQUAL(n->routes[0].line, 41);
	CU_ASSERT_EQUAL(n->routes[0].col, 4);
	config_free(c);

	/* Inheriting one template twice changes nothing. */
	c = parse("template { neighbor t { local-as 1; peer-as 2; static { "
		  "route 10.0.0.0/8 next-hop self; } api { processes p; } } "
		  "}\nprocess p { run /bin/true; }\n"
		  "neighbor 192.0.2.1 { inherit [ t t ]; inherit t; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].nroutes, 1);
	CU_ASSERT_EQUAL(c->neighbors[0].napis, 1);
	config_free(c);
}

/* --- errors --------------------------------------------------------------- */

struct err_case {
	const char *text;
	const char *want;
};

static const struct err_case err_cases[] = {
	{ "neighbor 192.0.2.1 {\n\tpeer-as 65001\n\tlocal-as 65000;\n}\n",
	  "t.conf:2:15: expected ';' after 'peer-as 65001'" },
	{ "neighbor 192.0.2.1 { local-as 0; }",
	  "t.conf:1:31: 'local-as' needs a number 1..4294967295" },
	{ "neighbor 192.0.2.1 { local-as 4294967296; }",
	  "t.conf:1:31: 'local-as' needs a number 1..4294967295" },
	{ "neighbor 192.0.2.1 { local-as; }",
	  "t.conf:1:30: 'local-as' needs a number 1..4294967295" },
	{ "neighbor 192.0.2.1 { peer-as -5; }",
	  "t.conf:1:30: 'peer-as' needs a number 1..4294967295" },
	{ "neighbor 192.0.2.1 {\n\tadd-path send;\n}",
	  "t.conf:2:10: expected '{' after 'add-path'" },
	{ "neighbor 192.0.2.1 {\n\tadd-path {\n\t\tipv4 multicast;\n\t}\n}",
	  "t.conf:3:8: 'ipv4 multicast' is an ExaBGP family bgpshield does "
	  "not implement; expected 'ipv4 unicast' or 'ipv6 unicast'" },
	{ "neighbor 192.0.2.1 {\n\tadd-path {\n\t}\n}",
	  "t.conf:2:2: the add-path block lists no family; expected 'ipv4 "
	  "unicast;' or 'ipv6 unicast;'" },
	{ "neighbor 192.0.2.1 {\n\tadd-path {\n\t\tipv6 unicast;\n"
	  "\t\tipv6 unicast;\n\t}\n}",
	  "t.conf:4:3: 'ipv6 unicast' is already listed at 3:3" },
	{ "neighbor 192.0.2.1 {\n\tadd-path { ipv4 unicast; }\n"
	  "\tadd-path { ipv6 unicast; }\n}",
	  "t.conf:3:2: 'add-path' is already set in this block at 2:2" },
	{ "neighbor 192.0.2.1 { frobnicate 1; }",
	  "t.conf:1:22: unknown keyword 'frobnicate' in neighbor block; "
	  "expected one of: description, router-id, local-address, "
	  "local-as, peer-as, hold-time, passive, group-updates, "
	  "manual-eor, auto-flush, adj-rib-out, adj-rib-in, listen, "
	  "connect, "
	  "md5-password, md5-password-file, md5-base64, md5-ip, "
	  "ttl-security, incoming-ttl, outgoing-ttl, tcp-ao, family, "
	  "capability, nexthop, add-path, static, announce, api, guard, filter, "
	  "inherit, flow, flowspec" },
	{ "bogus;",
	  "t.conf:1:1: unknown keyword 'bogus' at top level; expected one "
	  "of: neighbor, template, process, guard, user, log, prefix-list, "
	  "rfc8212, control, metrics" },
	{ "neighbor 192.0.2.1 { local-as 1; peer-as 2; }\n"
	  "neighbor 192.0.2.1 { local-as 1; peer-as 2; }",
	  "t.conf:2:10: neighbor 192.0.2.1 is already defined at 1:10" },
	{ "neighbor 2001:db8::1 { local-as 1; peer-as 2; }\n"
	  "neighbor 192.0.2.9 { local-as 1; peer-as 2; }\n"
	  "neighbor 2001:DB8:0::1 { local-as 1; peer-as 2; }",
	  "t.conf:3:10: neighbor 2001:db8::1 is already defined at 1:10" },
	{ "neighbor 192.0.2.1 {\n\tinherit nope;\n\tlocal-as 1;\n"
	  "\tpeer-as 2;\n}",
	  "t.conf:2:10: inherit of unknown template 'nope' (define it in "
	  "template { neighbor nope { ... } })" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n\tapi {\n"
	  "\t\tprocesses [ health ];\n\t}\n}",
	  "t.conf:5:15: process 'health' is used by an api block but not "
	  "defined (process health { run ...; })" },
	{ "neighbor 192.0.2.1 { local-as 1; }",
	  "t.conf:1:10: neighbor 192.0.2.1 has no peer-as (set it in the "
	  "neighbor or in a template it inherits)" },
	{ "template { neighbor t { peer-as 2; } }\n"
	  "neighbor 192.0.2.1 { inherit t; }",
	  "t.conf:2:10: neighbor 192.0.2.1 has no local-as (set it in the "
	  "neighbor or in a template it inherits)" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
	  "\tfamily { ipv4 unicast; }\n\tstatic {\n"
	  "\t\troute 2001:db8::/32 next-hop self;\n\t}\n}",
	  "t.conf:6:3: route 2001:db8::/32 is ipv6 unicast, which neighbor "
	  "192.0.2.1 does not enable in its family block" },
	{ "template { neighbor t { static { route 10.0.0.0/8 next-hop "
	  "self; } } }\nneighbor 2001:db8::1 { local-as 1; peer-as 2; "
	  "inherit t; family { ipv6 unicast; } }",
	  "t.conf:1:34: route 10.0.0.0/8 is ipv4 unicast, which neighbor "
	  "2001:db8::1 does not enable in its family block" },
	{ "neighbor 192.0.2.1 {\n\tmd5-password \"x\";\n"
	  "\tmd5-password-file /etc/k;\n}",
	  "t.conf:3:2: md5-password and md5-password-file cannot both be "
	  "set (the other at 2:2)" },
	{ "neighbor 192.0.2.1 { local-as 1; peer-as 2; static { route "
	  "10.0.0.1/8 next-hop self; } }",
	  "t.conf:1:60: '10.0.0.1/8': host bits set; did you mean "
	  "10.0.0.0/8?" },
	{ "guard {\n\tallow 10.0.0.256;\n}",
	  "t.conf:2:8: '10.0.0.256': not an IPv4 or IPv6 address" },
	{ "neighbor foo { }",
	  "t.conf:1:10: 'foo': not an IPv4 or IPv6 address" },
	{ "neighbor 192.0.2.1 { hold-time 2; }",
	  "t.conf:1:32: 'hold-time' needs 0 or a number 3..65535" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n",
	  "t.conf:3:1: expected '}' to close the neighbor block opened at "
	  "1:1" },
	{ "neighbor 192.0.2.1 {\n\tdescription \"abc;\n}",
	  "t.conf:2:14: unterminated string: no closing \" on this line" },
	{ "neighbor 192.0.2.1 {\r\n\tdescription \"abc;\r\n}\r\n",
	  "t.conf:2:14: unterminated string: no closing \" on this line" },
	{ "user 'abc;\n", "t.conf:1:6: unterminated string: no closing ' on "
			  "this line" },
	{ "neighbor 192.0.2.1 { family { ipv4 flow-vpn; } }",
	  "t.conf:1:36: 'ipv4 flow-vpn' is an ExaBGP family bgpshield does "
	  "not implement; expected 'ipv4 unicast', 'ipv6 unicast', 'ipv4 "
	  "flow' or 'ipv6 flow'" },
	{ "neighbor 192.0.2.1 { family { ipv6 flow; ipv6 flow; } }",
	  "t.conf:1:42: 'ipv6 flow' is already listed at 1:31" },
	{ "neighbor 192.0.2.1 { add-path { ipv4 flow; } }",
	  "t.conf:1:38: 'ipv4 flow' is an ExaBGP family bgpshield does not "
	  "implement; expected 'ipv4 unicast' or 'ipv6 unicast'" },
	{ "neighbor 192.0.2.1 { family { all; } }",
	  "t.conf:1:31: 'all' is an ExaBGP family shorthand bgpshield does "
	  "not implement; list 'ipv4 unicast;' and 'ipv6 unicast;'" },
	{ "neighbor 192.0.2.1 { family { ipx unicast; } }",
	  "t.conf:1:31: unknown family 'ipx'; expected 'ipv4 unicast' or "
	  "'ipv6 unicast'" },
	{ "neighbor 192.0.2.1 {\n\tfamily {\n\t}\n}",
	  "t.conf:2:2: the family block enables no family; expected 'ipv4 "
	  "unicast;' or 'ipv6 unicast;'" },
	{ "neighbor 192.0.2.1 { capability { add-path both; } }",
	  "t.conf:1:44: 'add-path' needs send, receive, send/receive or "
	  "disable" },
	{ "neighbor 192.0.2.1 { capability { add-path receive/send; } }",
	  "t.conf:1:44: 'add-path' needs send, receive, send/receive or "
	  "disable (the order is send/receive)" },
	{ "neighbor 192.0.2.1 { capability { add-path send; add-path "
	  "receive; } }",
	  "t.conf:1:50: 'add-path' is already set in this block at 1:35" },
	{ "neighbor 192.0.2.1 { capability { asn4 maybe; } }",
	  "t.conf:1:40: 'asn4' takes true|false or enable|disable" },
	{ "neighbor 192.0.2.1 { capability { graceful-restart 5000; } }",
	  "t.conf:1:52: 'graceful-restart' takes a restart time 1..4095 "
	  "seconds, or enable|disable" },
	{ "process p {\n\trun python3 x.py;\n}",
	  "t.conf:2:6: 'run' needs a program path (absolute, or relative "
	  "to the config's folder), not 'python3': bgpshield runs no shell "
	  "and searches no PATH" },
	{ "process p {\n\trun /bin/x --a\n\tencoder json;\n}",
	  "t.conf:2:16: expected ';' after 'run /bin/x --a'" },
	{ "process p {\n\trun;\n}",
	  "t.conf:2:2: 'run' needs a program (an absolute path) and its "
	  "arguments, got ';'" },
	{ "process p {\n\tencoder json;\n}",
	  "t.conf:1:9: process 'p' needs 'run PROGRAM ARGS;'" },
	{ "process p {\n\tencoder xml;\n}",
	  "t.conf:2:10: 'encoder' needs text, json or json5" },
	{ "process \"a b\" { }",
	  "t.conf:1:9: 'process' needs a name of 1..64 letters, digits or - "
	  "_ . :" },
	{ "process p {\n\trun /bin/true;\n}\nprocess p {\n"
	  "\trun /bin/false;\n}",
	  "t.conf:4:9: process 'p' is already defined at 1:9" },
	{ "group old {\n}",
	  "t.conf:1:1: 'group' is an ExaBGP keyword bgpshield does not "
	  "implement" },
	{ "user root;",
	  "t.conf:1:6: 'user root' would run the engine as root; name an "
	  "unprivileged user" },
	{ "user \"a b\";",
	  "t.conf:1:6: 'user' needs a user name of 1..32 letters, digits or "
	  "- _ ." },
	{ "user a;\nuser b;", "t.conf:2:1: 'user' is already given at 1:1" },
	{ "neighbor 10.0.0.0/8 { }",
	  "t.conf:1:10: a neighbor is one address; neighbor ranges are not "
	  "implemented" },
	{ "neighbor 192.0.2.1 {\n\tguard {\n\t\tallow 192.0.2.9;\n\t}\n}",
	  "t.conf:3:3: 'allow' belongs in the global guard block, not in a "
	  "neighbor's" },
	{ "template {\n\tneighbor a {\n\t\tinherit b;\n\t}\n}",
	  "t.conf:3:3: 'inherit' cannot be used inside a template" },
	{ "template {\n\tneighbor a {\n\t}\n\tneighbor a {\n\t}\n}",
	  "t.conf:4:11: template 'a' is already defined at 2:11" },
	{ "template {\n\tlocal-as 1;\n}",
	  "t.conf:2:2: 'local-as' does not belong in template block; it "
	  "goes in a neighbor block" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
	  "\tmd5-password \"x\";\n\ttcp-ao {\n\t\tpassword \"y\";\n\t}\n}",
	  "t.conf:5:2: neighbor 192.0.2.1 has both tcp-ao and an md5 "
	  "password (set at 4:2); a session uses one" },
	{ "neighbor 192.0.2.1 {\n\ttcp-ao {\n\t\tkeyid 1;\n\t}\n}",
	  "t.conf:2:2: 'tcp-ao' needs 'password' or 'password-file'" },
	{ "neighbor 192.0.2.1 {\n\ttcp-ao {\n\t\talgorithm md5;\n\t}\n}",
	  "t.conf:3:13: 'algorithm' needs hmac-sha-1-96, aes-128-cmac-96 or "
	  "hmac-sha-256" },
	{ "neighbor 192.0.2.1 {\n\ttcp-ao {\n\t\tkeyid 256;\n\t}\n}",
	  "t.conf:3:9: 'keyid' needs a number 0..255" },
	{ "neighbor 192.0.2.1 {\n\ttcp-ao {\n\t\tpassword \"a\";\n"
	  "\t\tpassword-file /k;\n\t}\n}",
	  "t.conf:4:3: 'password' and 'password-file' cannot both be set" },
	{ "neighbor 192.0.2.1 {\n\ttcp-ao {\n\t\tpassword \"!!\";\n"
	  "\t\tbase64;\n\t}\n}",
	  "t.conf:3:3: the tcp-ao password is not valid base64 (base64 is "
	  "true)" },
	{ "}", "t.conf:1:1: expected a keyword at top level, got '}'" },
	{ "\"neighbor\" 192.0.2.1 { }",
	  "t.conf:1:1: expected a keyword at top level, got a quoted string" },
	{ "neighbor 192.0.2.1 { ; }",
	  "t.conf:1:22: expected a keyword or '}' in the neighbor block, got "
	  "';'" },
	{ "neighbor 192.0.2.1\n\tlocal-as 1;",
	  "t.conf:1:19: expected '{' after 'neighbor 192.0.2.1'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 med 5;"
	  "\n\t}\n}",
	  "t.conf:3:3: route 10.0.0.0/8 needs 'next-hop self' or 'next-hop "
	  "ADDRESS'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self extended-community [ target:65000:1 bandwidth:1:x ];\n\t}\n}",
	  "t.conf:3:70: 'extended-community' needs target:ASN:N, origin:IP:N, "
	  "redirect:ASN:N or 0x and 16 hex digits; got 'bandwidth:1:x'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self colour red;\n\t}\n}",
	  "t.conf:3:34: unknown route attribute 'colour'; expected one of: "
	  "next-hop, origin, med, local-preference, as-path, community, "
	  "large-community, extended-community, atomic-aggregate, "
	  "aggregator, originator-id, cluster-list, attribute, name, split, "
	  "watchdog, withdraw, path-information" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self path-information 1.2.3;\n\t}\n}",
	  "t.conf:3:51: 'path-information' needs A.B.C.D or a number "
	  "0..4294967295" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self path-information 4294967296;\n\t}\n}",
	  "t.conf:3:51: 'path-information' needs A.B.C.D or a number "
	  "0..4294967295" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self path-information 1 path-information 2;\n\t}\n}",
	  "t.conf:3:53: 'path-information' is given twice in this route "
	  "(first at 3:34)" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self community [ 65536:1 ];\n\t}\n}",
	  "t.conf:3:46: 'community' needs ASN:VALUE (each 0..65535), a 32-bit "
	  "number or a name such as no-export; got '65536:1'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "2001:db8::1;\n\t}\n\tlocal-as 1; peer-as 2;\n}",
	  "t.conf:3:29: next-hop 2001:db8::1 is IPv6 but the route "
	  "10.0.0.0/8 is IPv4: enable it with 'nexthop { ipv4 unicast "
	  "ipv6; }' in the neighbor (RFC 8950)" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 2001:db8::/32 "
	  "next-hop 192.0.2.9;\n\t}\n}",
	  "t.conf:3:32: next-hop 192.0.2.9 is IPv4 but the route "
	  "2001:db8::/32 is IPv6" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self origin bgp;\n\t}\n}",
	  "t.conf:3:41: 'origin' needs igp, egp or incomplete" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self large-community [ 1:2 ];\n\t}\n}",
	  "t.conf:3:52: 'large-community' needs GLOBAL:LOCAL1:LOCAL2 (each "
	  "0..4294967295); got '1:2'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self large-community 1::2;\n\t}\n}",
	  "t.conf:3:50: 'large-community' needs GLOBAL:LOCAL1:LOCAL2 (each "
	  "0..4294967295); got '1::2'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self as-path [ 0 ];\n\t}\n}",
	  "t.conf:3:44: 'as-path' needs AS numbers 1..4294967295" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self as-path [ 1 2 ;\n\t}\n}",
	  "t.conf:3:48: expected ']' to close the list opened at 3:42, got "
	  "';'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self community [ ];\n\t}\n}",
	  "t.conf:3:46: 'community' needs at least one value between [ and ]" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self med 1 med 2;\n\t}\n}",
	  "t.conf:3:40: 'med' is given twice in this route (first at 3:34)" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 {\n"
	  "\t\t\tnext-hop self\n\t\t}\n\t}\n}",
	  "t.conf:4:17: expected ';' after 'route 10.0.0.0/8 next-hop self'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 {\n"
	  "\t\t\tmed 1;\n\t\t}\n\t}\n}",
	  "t.conf:3:3: route 10.0.0.0/8 needs 'next-hop self' or 'next-hop "
	  "ADDRESS'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 {\n"
	  "\t\t\tnext-hop self;\n",
	  "t.conf:5:1: expected '}' to close the route block opened at 3:20" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self withdraw;\n\t}\n}",
	  "t.conf:3:34: 'withdraw' holds the route back until its watchdog "
	  "is announced: it needs 'watchdog NAME'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self split /7;\n\t}\n}",
	  "t.conf:3:34: split /7: must be between the prefix length 8 and 32" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self split 24;\n\t}\n}",
	  "t.conf:3:40: 'split' needs /LENGTH, e.g. split /24" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self aggregator ( 0:1.2.3.4 );\n\t}\n}",
	  "t.conf:3:47: 'aggregator' needs ( ASN:ADDRESS ), the ASN "
	  "1..4294967295 and the address IPv4; got '0:1.2.3.4'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self aggregator ( 1:1.2.3.4;\n\t}\n}",
	  "t.conf:3:56: 'aggregator (' needs its ')'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self originator-id 1.2.3;\n\t}\n}",
	  "t.conf:3:48: 'originator-id' needs an IPv4 address (RFC 4456 "
	  "section 8)" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self cluster-list [ 1.2.3.4 x ];\n\t}\n}",
	  "t.conf:3:57: 'cluster-list' needs cluster ids written as IPv4 "
	  "addresses; got 'x'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self attribute [ 0x99 0x40 0x01 ];\n\t}\n}",
	  "t.conf:3:44: attribute 0x99: a code bgpshield does not model must "
	  "be sent optional (flags with 0x80); without it the peer resets "
	  "the session (RFC 4271 section 6.3)" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self attribute [ 0x02 0x40 0x01 ];\n\t}\n}",
	  "t.conf:3:44: attribute 0x02 is AS_PATH: write 'as-path [ ... ]'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self attribute [ 0x04 0x80 0x0064 ];\n\t}\n}",
	  "t.conf:3:44: attribute 0x04 needs 4 octets, got 2" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self attribute [ 0x04 0x80 0x00000064 ] med 5;\n\t}\n}",
	  "t.conf:3:73: 'med' is also set by an attribute [ 0x04 ... ]" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self attribute [ 0x99 0xc0 0x0 ];\n\t}\n}",
	  "t.conf:3:44: attribute: the value is 0x and an even number of hex "
	  "digits, got '0x0'" },
	{ "neighbor 192.0.2.1 {\n\tannounce {\n\t\tipv4 {\n\t\t\tunicast "
	  "2001:db8::/32 next-hop self;\n\t\t}\n\t}\n}",
	  "t.conf:4:4: 2001:db8::/32 is not ipv4: it belongs in the announce "
	  "ipv6 block" },
	{ "neighbor 192.0.2.1 {\n\tannounce {\n\t\tipv4 {\n\t\t\tflow "
	  "x;\n\t\t}\n\t}\n}",
	  "t.conf:4:4: 'ipv4 flow' is an ExaBGP family bgpshield does not "
	  "implement; expected 'unicast'" },
	{ "neighbor 192.0.2.1 {\n\tauto-flush false;\n}",
	  "t.conf:2:13: 'auto-flush false' is not implemented: each API "
	  "command's routes are sent when the command is done (ExaBGP's "
	  "auto-flush true); there is no 'flush route' to wait for" },
	{ "neighbor 192.0.2.1 {\n\tadj-rib-out false;\n}",
	  "t.conf:2:14: 'adj-rib-out false' is not implemented: the "
	  "Adj-RIB-Out is always kept: route refresh and reconnects resend "
	  "from it" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self\n\t\troute 11.0.0.0/8 next-hop self;\n\t}\n}",
	  "t.conf:3:33: expected ';' after 'route 10.0.0.0/8 next-hop self'" },
	{ "neighbor 192.0.2.1 {\n\tstatic {\n\t\troute 10.0.0.0/8 next-hop "
	  "self community [ 1:1 2:2 3:3 4:4 5:5 ] as-path [ 1 2 3 4 ]\n"
	  "\t}\n}",
	  "t.conf:3:87: expected ';' after 'route 10.0.0.0/8 next-hop self "
	  "community [ 1:1 2:2 3:3 4:4 ...'" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n\tstatic {\n"
	  "\t\troute 10.0.0.0/8 next-hop self;\n"
	  "\t\troute 10.0.0.0/8 next-hop self med 1;\n\t}\n}",
	  "t.conf:6:3: route 10.0.0.0/8 is already given at 5:3" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
	  "\tlocal-address 2001:db8::1;\n}",
	  "t.conf:4:2: local-address 2001:db8::1 is IPv6 but neighbor "
	  "192.0.2.1 is IPv4" },
	{ "neighbor 2001:db8::1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
	  "\tmd5-ip 192.0.2.1;\n}",
	  "t.conf:4:2: md5-ip 192.0.2.1 is IPv4 but neighbor 2001:db8::1 is "
	  "IPv6" },
	{ "neighbor 192.0.2.1 { router-id 2001:db8::1; }",
	  "t.conf:1:32: 'router-id' needs an IPv4 address" },
	{ "neighbor 192.0.2.1 { local-address 192.0.2.0/24; }",
	  "t.conf:1:36: 'local-address' needs a single address, not the "
	  "range 192.0.2.0/24" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
	  "\tmd5-password \"not*base64\";\n\tmd5-base64 true;\n}",
	  "t.conf:4:2: the md5-password is not valid base64 (md5-base64 is "
	  "true)" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
	  "\tmd5-password \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";\n}",
	  "t.conf:4:2: the md5-password is longer than 80 bytes (the "
	  "kernel's key limit)" },
	{ "neighbor 192.0.2.1 { md5-password \"\"; }",
	  "t.conf:1:35: 'md5-password' needs a non-empty quoted password" },
	{ "neighbor 192.0.2.1 {\n\tpeer-as 1;\n\tpeer-as 2;\n}",
	  "t.conf:3:2: 'peer-as' is already set in this block at 2:2" },
	{ "neighbor 192.0.2.1 {\n\tttl-security;\n\tincoming-ttl 254;\n}",
	  "t.conf:3:2: 'incoming-ttl' is already set in this block at 2:2" },
	{ "neighbor 192.0.2.1 { incoming-ttl 256; }",
	  "t.conf:1:35: 'incoming-ttl' needs a number 0..255" },
	{ "neighbor 192.0.2.1 { listen 0; }",
	  "t.conf:1:29: 'listen' needs a number 1..65535" },
	{ "neighbor 192.0.2.1 { passive maybe; }",
	  "t.conf:1:30: 'passive' takes true|false or enable|disable" },
	{ "neighbor 192.0.2.1 {\n\tgraceful-restart 120;\n}",
	  "t.conf:2:2: 'graceful-restart' does not belong in neighbor block; "
	  "it goes in a capability block" },
	{ "local-as 65000;",
	  "t.conf:1:1: 'local-as' does not belong at top level; it goes in a "
	  "neighbor block" },
	{ "neighbor 192.0.2.1 {\n\tprocess p { }\n}",
	  "t.conf:2:2: 'process' does not belong in neighbor block; it goes "
	  "at top level" },
	{ "neighbor 192.0.2.1 {\n\tapi {\n\t\tneighbor-changes;\n\t}\n}",
	  "t.conf:2:2: the api block needs 'processes [ NAME ... ]'" },
	{ "neighbor 192.0.2.1 {\n\tapi {\n\t\tprocesses-match [ ^x ];\n\t}\n}",
	  "t.conf:3:3: 'processes-match' is an ExaBGP keyword bgpshield does "
	  "not implement" },
	{ "neighbor 192.0.2.1 {\n\tapi {\n\t\tprocesses [ p ];\n"
	  "\t\treceive {\n\t\t\toperational;\n\t\t\toperational;\n\t\t}\n\t}\n}",
	  "t.conf:6:4: 'operational' is listed twice" },
	{ "neighbor 192.0.2.1 {\n\tapi {\n\t\tprocesses [ p ];\n"
	  "\t\tfsm;\n\t\tfsm;\n\t}\n}",
	  "t.conf:5:3: 'fsm' is already set in this block at 4:3" },
	{ "neighbor 192.0.2.1 {\n\tapi {\n\t\tprocesses [ \"a b\" ];\n\t}\n}",
	  "t.conf:3:15: 'processes' needs process names" },
	{ "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n\tguard {\n"
	  "\t\tsyn-burst 5;\n\t}\n}",
	  "t.conf:5:3: 'syn-burst' needs 'syn-rate' in the neighbor's guard "
	  "block" },
	{ "neighbor 192.0.2.1 { guard { syn-rate 0; } }",
	  "t.conf:1:39: 'syn-rate' needs a number 1..4294967295" },
	{ "guard {\n\tsyn-burst 5;\n}",
	  "t.conf:2:2: 'syn-burst' needs 'syn-rate' in the same block" },
	{ "guard {\n\tinterface eth0/1;\n}",
	  "t.conf:2:12: 'eth0/1' is not an interface name (1..15 bytes, no / "
	  ": or spaces)" },
	{ "guard {\n\tinterface averyveryverylongname;\n}",
	  "t.conf:2:12: 'averyveryverylongname' is not an interface name "
	  "(1..15 bytes, no / : or spaces)" },
	{ "guard {\n\tinterface eth0 eth0;\n}",
	  "t.conf:2:17: interface eth0 is listed twice" },
	{ "guard {\n\tinterface;\n}",
	  "t.conf:2:11: 'interface' needs interface names or 'auto'" },
	{ "guard {\n\tmode fast;\n}",
	  "t.conf:2:7: 'mode' needs auto, native, generic or tc" },
	{ "guard {\n\tpolicy drop;\n}",
	  "t.conf:2:9: 'policy' needs enforce or monitor" },
	{ "guard {\n\ton-exit stay;\n}",
	  "t.conf:2:10: 'on-exit' needs keep or detach" },
	{ "guard {\n\tport 0;\n}",
	  "t.conf:2:7: 'port' needs a number 1..65535" },
	{ "guard {\n\tpin-dir bpf/x;\n}",
	  "t.conf:2:10: 'pin-dir' needs an absolute path of at most 150 "
	  "bytes" },
	{ "guard {\n\tallow;\n}",
	  "t.conf:2:7: 'allow' needs an address or a prefix" },
	{ "guard {\n\tport 1;\n\tport 2;\n}",
	  "t.conf:3:2: 'port' is already set in this block at 2:2" },
	{ "guard {\n}\nguard {\n}",
	  "t.conf:3:1: 'guard' is already given at 1:1" },
	{ "log {\n\taudit audit.log;\n}",
	  "t.conf:2:8: 'audit' needs an absolute path of at most 4095 bytes" },
	{ "log {\n\tlevel debug;\n}",
	  "t.conf:2:2: unknown keyword 'level' in log block; expected one "
	  "of: audit" },
	{ "neighbor 192.0.2.1 {\x01}",
	  "t.conf:1:21: control character 0x01 in the config" },
	{ "neighbor 192.0.2.1 { description \"a\x02\"; }",
	  "t.conf:1:36: control character 0x02 in a string" },
	/* A secret typed where it does not belong stays out of messages. */
	{ "neighbor 192.0.2.1 { md5-password \"hunter2\" extra; }",
	  "t.conf:1:44: expected ';' after 'md5-password \"********\"' (quote "
	  "a password that has spaces)" },
	{ "neighbor 192.0.2.1 { tcp-ao { password two words; } }",
	  "t.conf:1:43: expected ';' after 'password \"********\"' (quote a "
	  "password that has spaces)" },
	{ "neighbor 192.0.2.1 { tcp-ao { password \"hunter2\" } }",
	  "t.conf:1:49: expected ';' after 'password \"********\"'" },
};

static void test_errors(void)
{
	size_t ok = 0;

	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++)
		ok += check_err(err_cases[i].text, err_cases[i].want);
	CU_ASSERT_EQUAL(ok, sizeof(err_cases) / sizeof(err_cases[0]));
}

/* ExaBGP 4 constructs that mean the same here (issue 13). */
/* ExaBGP 4.2's route attributes, the route { } block, announce { },
 * split, watchdog/withdraw, manual-eor: each lands in its field. */
static void test_exabgp_routes(void)
{
	static const char text[] =
		"template { neighbor t { announce { ipv4 {\n"
		"\tunicast 10.9.0.0/24 next-hop 10.0.255.254 community [ 0 ];\n"
		"} } } }\n"
		"neighbor 192.0.2.1 {\n"
		"\tinherit t; local-as 1; peer-as 1; manual-eor true;\n"
		"\tauto-flush true; adj-rib-out true; adj-rib-in true;\n"
		"\tstatic {\n"
		"\t\troute 1.0.64.0/18 as-path [ 57821 6939 ] atomic-aggregate "
		"aggregator ( 18144:219.118.225.189 ) next-hop 192.168.1.254;\n"
		"\t\troute 1.0.128.0/18 next-hop self aggregator (4200000000:1.2.3.4) "
		"originator-id 10.0.0.1 cluster-list [ 10.0.0.2 10.0.0.3 ] "
		"name x community 0x87654321;\n"
		"\t\troute 10.0.0.7/32 {\n"
		"\t\t\tnext-hop 255.255.255.255;\n"
		"\t\t\tattribute [ 0x20 0xc0 0x0000000100000002000000030000000A0000000B0000000C ];\n"
		"\t\t\tattribute [ 0x99 0xd0 0x00000064 ];\n"
		"\t\t\tattribute [ 0x04 0x80 0x00000064 ];\n"
		"\t\t}\n"
		"\t\troute 172.10.0.0/22 next-hop 192.0.2.1 split /24;\n"
		"\t\troute 77.77.77.77 next-hop 1.2.3.4 watchdog dnsr withdraw "
		"community [ 1:1, 2:2 , 3:3 ];\n"
		"\t\troute 2001:db8::/32 next-hop self extended-community "
		"[ target:65000:1 72:0.0.0.1 target:120000L:123 origin:1.2.3.4:5 "
		"redirect:65000:100 0x0002fde800000001 ];\n"
		"\t}\n"
		"\tannounce { ipv6 { unicast 2001:db8:1::/48 next-hop self; } }\n"
		"}\n";
	struct config *c = NULL;
	const struct cfg_neighbor *n;
	const struct cfg_route *r;
	char err[512] = "";
	char *out;
	size_t len;

	if (config_parse_buf(text, strlen(text), "t.conf", &c, err,
			     sizeof(err)) < 0)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	n = &c->neighbors[0];
	CU_ASSERT_EQUAL(n->manual_eor, 1);
	/* 3 + 4 split pieces + 1 + 1 + 1 announce + 1 from the template */
	CU_ASSERT_EQUAL_FATAL(n->nroutes, 11);
	r = &n->routes[0];
	CU_ASSERT_EQUAL(r->flags, CFG_RT_ATOMIC_AGGR | CFG_RT_AGGREGATOR);
	CU_ASSERT_EQUAL(r->aggr_as, 18144);
	CU_ASSERT_EQUAL(r->aggr_id, 0xdb76e1bd);
	r = &n->routes[1];
	CU_ASSERT_EQUAL(r->aggr_as, 4200000000u);
	CU_ASSERT_EQUAL(r->aggr_id, 0x01020304);
	CU_ASSERT_EQUAL(r->flags, CFG_RT_AGGREGATOR | CFG_RT_ORIGINATOR);
	CU_ASSERT_EQUAL(r->originator_id, 0x0a000001);
	CU_ASSERT_EQUAL_FATAL(r->ncluster, 2);
	CU_ASSERT_EQUAL(r->cluster[1], 0x0a000003);
	CU_ASSERT_EQUAL_FATAL(r->ncommunities, 1);
	CU_ASSERT_EQUAL(r->communities[0], 0x87654321);
	/* the block: large community and MED decoded, 0x99 kept raw */
	r = &n->routes[2];
	CU_ASSERT_EQUAL_FATAL(r->nlarge, 2);
	CU_ASSERT_EQUAL(r->large[1].local2, 12);
	CU_ASSERT_EQUAL(r->flags, CFG_RT_MED);
	CU_ASSERT_EQUAL(r->med, 100);
	CU_ASSERT_EQUAL_FATAL(r->raw_len, 8);
	CU_ASSERT_EQUAL(memcmp(r->raw, "\xc0\x99\x00\x04\x00\x00\x00\x64", 8),
			0);
	/* split /24 of a /22: four routes, same attributes */
	for (int i = 0; i < 4; i++) {
		char b[PREFIX_STRLEN], want[32];

		snprintf(want, sizeof(want), "172.10.%d.0/24", i);
		CU_ASSERT_STRING_EQUAL(
			prefix_fmt(&n->routes[3 + i].prefix, b, sizeof(b)),
			want);
		CU_ASSERT_STRING_EQUAL(
			prefix_fmt(&n->routes[3 + i].next_hop, b, sizeof(b)),
			"192.0.2.1");
	}
	r = &n->routes[7];
	CU_ASSERT_STRING_EQUAL(r->watchdog, "dnsr");
	CU_ASSERT_EQUAL(r->flags, CFG_RT_WITHDRAW);
	CU_ASSERT_EQUAL_FATAL(r->ncommunities, 3); /* commas, as ExaBGP */
	CU_ASSERT_EQUAL(r->communities[2], 0x00030003);
	r = &n->routes[8];
	CU_ASSERT_EQUAL_FATAL(r->next, 6);
	CU_ASSERT_EQUAL(r->ext[0], 0x0002fde800000001ull);
	CU_ASSERT_EQUAL(r->ext[1], 0x0002004800000001ull);
	CU_ASSERT_EQUAL(r->ext[2], 0x02020001d4c0007bull);
	CU_ASSERT_EQUAL(r->ext[3], 0x0103010203040005ull);
	CU_ASSERT_EQUAL(r->ext[4], 0x8008fde800000064ull);
	CU_ASSERT_EQUAL(r->ext[5], 0x0002fde800000001ull);
	CU_ASSERT_EQUAL(n->routes[9].prefix.family, AF_INET6);
	CU_ASSERT_EQUAL(n->routes[10].communities[0], 0);
	/* printed, parsed again, equal */
	out = print_config(c, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "manual-eor true;"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "atomic-aggregate aggregator ( 18144:219.118.225.189 )"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "attribute [ 0x99 0xc0 0x00000064 ]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "watchdog dnsr withdraw;"));
	{
		struct config *c2 = NULL;

		if (config_parse_buf(out, len, "printed", &c2, err,
				     sizeof(err)) < 0)
			fprintf(stderr, "\n  printed: %s\n", err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
		CU_ASSERT(config_equal(c, c2, 1));
		config_free(c2);
	}
	free(out);
	config_free(c);
}

/* A flow route needs its flow family: implied without a family block,
 * refused when a family block leaves it out. */
static void test_flow_family(void)
{
	static const char with_block[] =
		"neighbor 192.0.2.1 {\n\tlocal-as 1; peer-as 1;\n"
		"\tfamily { ipv4 unicast; }\n"
		"\tflowspec { allow-no-destination; }\n"
		"\tflow { route a { match { protocol udp; } then { discard; } } }\n}\n";
	static const char without[] =
		"neighbor 192.0.2.1 {\n\tlocal-as 1; peer-as 1;\n"
		"\tflowspec { allow-no-destination; }\n"
		"\tflow { route a { match { protocol udp; } then { discard; } } }\n}\n";
	struct config *c = NULL;
	char err[512];

	CU_ASSERT(check_err(with_block,
			    "t.conf:5:15: flow route 'a' is IPv4 but the "
			    "neighbor's families do not include 'ipv4 flow' "
			    "(family { ipv4 flow; })"));
	CU_ASSERT_EQUAL_FATAL(config_parse_buf(without, strlen(without),
					       "t.conf", &c, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(c->neighbors[0].families,
			CFG_FAM_DEFAULT | CFG_FAM_IPV4_FLOW);
	config_free(c);
}

static void test_exabgp_accepted(void)
{
	static const char base[] =
		"process p {\n\trun %s --x;\n}\n"
		"template { neighbor t { group-updates disable; } }\n"
		"neighbor 192.0.2.1 { local-as 1; peer-as 2; }\n"
		"neighbor 192.0.2.2 { local-as 1; peer-as 2; "
		"group-updates false; }\n"
		"neighbor 192.0.2.3 { inherit t; local-as 1; peer-as 2; }\n"
		"neighbor 192.0.2.4 { inherit t; local-as 1; peer-as 2; "
		"group-updates; }\n";
	static const struct {
		const char *name, *run, *want;
	} runs[] = {
		{ "/etc/bgpshield/bgpshield.conf", "./run/check.py",
		  "/etc/bgpshield/run/check.py" },
		{ "/etc/bgpshield/bgpshield.conf", "run/check.py",
		  "/etc/bgpshield/run/check.py" },
		{ "/etc/bgpshield/bgpshield.conf", "../bin/check",
		  "/etc/bgpshield/../bin/check" },
		{ "/etc/bgpshield/bgpshield.conf", "/usr/bin/check",
		  "/usr/bin/check" },
		{ "/x.conf", "./check", "/check" },
		{ "t.conf", "./run/check.py", "./run/check.py" },
	};
	char text[1024], err[256];

	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct config *c = NULL;
		char *out;
		size_t len;

		snprintf(text, sizeof(text), base, runs[i].run);
		CU_ASSERT_EQUAL_FATAL(config_parse_buf(text, strlen(text),
						       runs[i].name, &c, err,
						       sizeof(err)),
				      0);
		CU_ASSERT_STRING_EQUAL(c->processes[0].argv[0], runs[i].want);
		CU_ASSERT_STRING_EQUAL(c->processes[0].argv[1], "--x");
		/* group-updates: on by default, off as written or
		 * inherited, on again by a bare keyword */
		CU_ASSERT_EQUAL(c->neighbors[0].group_updates, 1);
		CU_ASSERT_EQUAL(c->neighbors[1].group_updates, 0);
		CU_ASSERT_EQUAL(c->neighbors[2].group_updates, 0);
		CU_ASSERT_EQUAL(c->neighbors[3].group_updates, 1);
		out = print_config(c, &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "group-updates false;"));
		free(out);
		config_free(c);
	}
	CU_ASSERT(check_err("neighbor 192.0.2.1 { local-as 1; peer-as 2; "
			    "group-updates maybe; }",
			    "t.conf:1:59: 'group-updates' takes true|false or "
			    "enable|disable"));
}

/* RFC 8950: nexthop { } and capability { nexthop; } as ExaBGP reads
 * them, the routes they allow, the errors and the session restart. */
static void test_ext_nh(void)
{
	struct config *c, *c2;
	char *out;
	size_t len;

	c = parse("template { neighbor t { nexthop { ipv4 unicast ipv6; } } }\n"
		  "neighbor 2001:db8::1 { local-as 1; peer-as 2;\n"
		  "\tstatic { route 10.0.0.0/24 next-hop 2001:db8::9; }\n"
		  "\tnexthop { ipv4 unicast ipv6; ipv6 unicast ipv4; } }\n"
		  "neighbor 2001:db8::2 { inherit t; local-as 1; peer-as 2;\n"
		  "\tstatic { route 10.0.0.0/24 next-hop 2001:db8::9; } }\n"
		  "neighbor 2001:db8::3 { local-as 1; peer-as 2;\n"
		  "\tcapability { nexthop disable; }\n"
		  "\tnexthop { ipv4 unicast ipv6; } }\n"
		  "neighbor 2001:db8::4 { local-as 1; peer-as 2;\n"
		  "\tfamily { ipv4 unicast; } nexthop { ipv4 unicast ipv6; } }\n"
		  "neighbor 2001:db8::5 { local-as 1; peer-as 2;\n"
		  "\tcapability { nexthop; } }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].nexthop,
			CFG_NH_IPV4U_IPV6 | CFG_NH_IPV6U_IPV4);
	CU_ASSERT_EQUAL(c->neighbors[0].caps.nexthop, CFG_NHCAP_AUTO);
	CU_ASSERT(cfg_neighbor_ext_nh(&c->neighbors[0]));
	CU_ASSERT_EQUAL(c->neighbors[0].nroutes, 1);
	CU_ASSERT_EQUAL(c->neighbors[0].routes[0].next_hop.family, AF_INET6);
	/* from the template */
	CU_ASSERT_EQUAL(c->neighbors[1].nexthop, CFG_NH_IPV4U_IPV6);
	CU_ASSERT(cfg_neighbor_ext_nh(&c->neighbors[1]));
	/* turned off, or the IPv6 family missing (ExaBGP skips it) */
	CU_ASSERT_EQUAL(c->neighbors[2].caps.nexthop, CFG_NHCAP_OFF);
	CU_ASSERT(!cfg_neighbor_ext_nh(&c->neighbors[2]));
	CU_ASSERT(!cfg_neighbor_ext_nh(&c->neighbors[3]));
	/* capability alone: nothing to offer */
	CU_ASSERT_EQUAL(c->neighbors[4].caps.nexthop, CFG_NHCAP_ON);
	CU_ASSERT(!cfg_neighbor_ext_nh(&c->neighbors[4]));
	CU_ASSERT_STRING_EQUAL(config_ext_nh_why(&c->neighbors[0]), "");
	CU_ASSERT_PTR_NOT_NULL(
		strstr(config_ext_nh_why(&c->neighbors[3]), "ipv6 unicast"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(config_ext_nh_why(&c->neighbors[2]), "disable"));
	out = print_config(c, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\tnexthop {\n\t\tipv4 unicast "
					   "ipv6;\n\t\tipv6 unicast ipv4;\n"
					   "\t}\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\t\tnexthop disable;\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\t\tnexthop enable;\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "route 10.0.0.0/24 next-hop "
					   "2001:db8::9"));
	free(out);

	/* a changed nexthop block or capability restarts the session */
	c2 = parse("neighbor 2001:db8::1 { local-as 1; peer-as 2;\n"
		   "\tstatic { route 10.0.0.0/24 next-hop 2001:db8::9; }\n"
		   "\tnexthop { ipv4 unicast ipv6; } }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT(!config_neighbor_equal(&c->neighbors[0], &c2->neighbors[0]));
	c2->neighbors[0].nexthop |= CFG_NH_IPV6U_IPV4;
	CU_ASSERT(config_neighbor_equal(&c->neighbors[0], &c2->neighbors[0]));
	c2->neighbors[0].caps.nexthop = CFG_NHCAP_ON;
	CU_ASSERT(!config_neighbor_equal(&c->neighbors[0], &c2->neighbors[0]));
	config_free(c2);
	config_free(c);

	/* errors, file:line:col */
	CU_ASSERT(check_err("neighbor 2001:db8::1 { local-as 1; peer-as 2;\n"
			    "\tstatic { route 10.0.0.0/24 next-hop "
			    "2001:db8::9; }\n"
			    "\tcapability { nexthop false; }\n"
			    "\tnexthop { ipv4 unicast ipv6; } }\n",
			    "t.conf:2:38: next-hop 2001:db8::9 is IPv6 but the "
			    "route 10.0.0.0/24 is IPv4: the neighbor's "
			    "'capability { nexthop disable; }' turns it off"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 { local-as 1; peer-as 2;\n"
			    "\tfamily { ipv4 unicast; }\n"
			    "\tnexthop { ipv4 unicast ipv6; }\n"
			    "\tstatic { route 10.0.0.0/24 next-hop "
			    "2001:db8::9; } }\n",
			    "t.conf:4:38: next-hop 2001:db8::9 is IPv6 but the "
			    "route 10.0.0.0/24 is IPv4: 'nexthop { ipv4 "
			    "unicast ipv6; }' needs 'ipv4 unicast' and 'ipv6 "
			    "unicast' in the family block"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 {\n"
			    "\tnexthop { ipv4 mpls-vpn ipv6; }\n}\n",
			    "t.conf:2:12: 'ipv4 mpls-vpn ipv6' is an ExaBGP "
			    "nexthop bgpshield does not implement; expected "
			    "'ipv4 unicast ipv6'"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 {\n"
			    "\tnexthop { ipv6 multicast ipv4; }\n}\n",
			    "t.conf:2:12: 'ipv6 multicast ipv4' is an ExaBGP "
			    "nexthop bgpshield does not implement; expected "
			    "'ipv4 unicast ipv6'"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 {\n"
			    "\tnexthop { ipv4 unicast ipv4; }\n}\n",
			    "t.conf:2:25: the next-hop family of 'ipv4 "
			    "unicast' can only be ipv6: 'ipv4 unicast ipv6;'"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 {\n"
			    "\tnexthop { ipv4 flow ipv6; }\n}\n",
			    "t.conf:2:17: 'ipv4' in the nexthop block needs a "
			    "sub-family and a next-hop family: 'ipv4 unicast "
			    "ipv6;'"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 {\n"
			    "\tnexthop { l2vpn vpls ipv6; }\n}\n",
			    "t.conf:2:12: expected 'ipv4 unicast ipv6;' or '}' "
			    "in the nexthop block, got 'l2vpn'"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 {\n"
			    "\tnexthop { ipv4 unicast ipv6;\n"
			    "\t\tipv4 unicast ipv6; }\n}\n",
			    "t.conf:3:3: 'ipv4 unicast ipv6' is already listed "
			    "at 2:12"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 {\n"
			    "\tcapability { nexthop maybe; }\n}\n",
			    "t.conf:2:23: 'nexthop' takes true|false or "
			    "enable|disable"));
	CU_ASSERT(check_err("nexthop { ipv4 unicast ipv6; }\n",
			    "t.conf:1:1: 'nexthop' does not belong at top "
			    "level; it goes in a neighbor block"));
	CU_ASSERT(check_err("neighbor 2001:db8::1 {\n"
			    "\tnexthop { ipv4 unicast ipv6; }\n"
			    "\tnexthop { ipv4 unicast ipv6; }\n}\n",
			    "t.conf:3:2: 'nexthop' is already set in this block at 2:2"));
}

static void test_exabgp_refusals(void)
{
	static const char *const kws[] = {
		"l2vpn",	   "operational",
		"host-name",	    "domain-name", "rate-limit",
		"aigp",		    "source-interface",
	};
	char text[256], want[256];

	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		snprintf(text, sizeof(text),
			 "neighbor 192.0.2.1 {\n\t%s true;\n}\n", kws[i]);
		snprintf(want, sizeof(want),
			 "t.conf:2:2: '%s' is an ExaBGP keyword bgpshield "
			 "does not implement",
			 kws[i]);
		check_err(text, want);
	}
}

static void test_error_nul(void)
{
	static const char text[] = "neighbor 192.0.2.1 {\n\0}\n";

	check_err_len(text, sizeof(text) - 1,
		      "t.conf:2:1: NUL byte in the config (is it a text "
		      "file?)");
}

/* --- printing ------------------------------------------------------------- */

static void roundtrip_one(const char *path)
{
	char err[1024] = "", err2[1024] = "";
	struct config *c = NULL, *c2 = NULL;
	char *text, *out, *out2;
	size_t len, olen = 0, olen2 = 0;

	text = read_all(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	if (config_parse_buf(text, len, path, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "\n  %s\n", err);
		CU_FAIL("shipped config does not parse");
		free(text);
		return;
	}
	out = print_config(c, &olen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	if (config_parse_buf(out, olen, "printed", &c2, err2, sizeof(err2)) <
	    0) {
		fprintf(stderr, "\n  %s: printed form: %s\n", path, err2);
		CU_FAIL("printed config does not parse");
	} else {
		if (!config_equal(c, c2, 1))
			fprintf(stderr, "\n  %s: round trip differs\n", path);
		CU_ASSERT(config_equal(c, c2, 1));
		CU_ASSERT(config_equal(c2, c, 1));
		/* The canonical form is a fixed point. */
		out2 = print_config(c2, &olen2);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out2);
		CU_ASSERT(olen == olen2 && !strcmp(out, out2));
		free(out2);
		config_free(c2);
	}
	free(out);
	free(text);
	config_free(c);
}

static size_t roundtrip_dir(const char *rel)
{
	char dir[PATH_MAX * 2], path[PATH_MAX * 3];
	struct dirent *d;
	size_t n = 0;
	DIR *dh;

	snprintf(dir, sizeof(dir), "%s/%s", srcdir, rel);
	dh = opendir(dir);
	if (!dh) {
		fprintf(stderr, "\n  cannot open %s: %s\n", dir,
			strerror(errno));
		return 0;
	}
	while ((d = readdir(dh))) {
		size_t l = strlen(d->d_name);

		if (l < 6 || strcmp(d->d_name + l - 5, ".conf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		roundtrip_one(path);
		n++;
	}
	closedir(dh);
	return n;
}

static void test_roundtrip_examples(void)
{
	/* anycast, guard-only and collector at least */
	CU_ASSERT(roundtrip_dir("deploy/examples") >= 3);
}

static void test_roundtrip_unit_configs(void)
{
	CU_ASSERT(roundtrip_dir("selftests/unit/configs") >= 4);
}

static void test_roundtrip_quoting(void)
{
	/* Every byte the lexer accepts in a string survives printing. */
	struct config *c, *c2;
	char *out;

	c = parse("process p { run \"/opt/my tool/x\" \"\" \"{\" \";\" \"#x\" "
		  "\"a'b\" \"[]\" \"\\\\\" \"\\\"\" 'tab\there' ünï; }\n"
		  "neighbor 192.0.2.1 { local-as 1; peer-as 2; md5-password-"
		  "file \"/etc/bgp keys/a\"; description \"\\\\\\\"{}#;\"; }\n"
		  "log { audit \"/var/log/with space.log\"; }\n"
		  "guard { pin-dir \"/sys/fs/bpf/a b\"; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->processes[0].argc, 11);
	out = print_config(c, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	c2 = parse(out);
	CU_ASSERT_PTR_NOT_NULL(c2);
	if (c2) {
		CU_ASSERT(config_equal(c, c2, 1));
		config_free(c2);
	}
	free(out);
	config_free(c);
}

static void test_secret_masking(void)
{
	struct config *c, *c2;
	const char *p, *at;
	char *out;
	int masks = 0;

	c = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2; "
		  "md5-password \"hunter2-md5\"; }\n"
		  "neighbor 192.0.2.2 { local-as 1; peer-as 2; tcp-ao { "
		  "password \"hunter2-ao\"; } }\n"
		  "neighbor 192.0.2.3 { local-as 1; peer-as 2; "
		  "md5-password \"aHVudGVyMg==\"; md5-base64 true; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->inline_secrets, 1);
	out = print_config(c, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NULL(strstr(out, "hunter2"));
	CU_ASSERT_PTR_NULL(strstr(out, "aHVudGVyMg"));
	for (p = out; (at = strstr(p, "\"" CFG_SECRET_MASK "\"")); p = at + 1)
		masks++;
	CU_ASSERT_EQUAL(masks, 3);
	/* The masked form parses; equal but for the secrets. */
	c2 = parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT(config_equal(c, c2, 1));
	CU_ASSERT(!config_equal(c, c2, 0));
	CU_ASSERT(config_equal(c, c, 0));
	config_free(c2);
	free(out);
	config_free(c);
}

/* --- the guard allowlist -------------------------------------------------- */

static void test_guard_rules(void)
{
	struct config *c;
	struct guard_rule *r;
	size_t n;

	c = parse("guard {\n\tsyn-rate 50;\n\tsyn-burst 100;\n"
		  "\tallow 203.0.113.0/24;\n\tallow 192.0.2.1;\n"
		  "\tallow 203.0.113.0/24 2001:db8:ffff::/48;\n}\n"
		  "neighbor 192.0.2.1 {\n\tlocal-as 64500;\n\tpeer-as 64501;\n"
		  "\tttl-security;\n\tguard { syn-rate 5; }\n}\n"
		  "neighbor 2001:db8::2 {\n\tlocal-as 64500;\n"
		  "\tpeer-as 64502;\n\tincoming-ttl 254;\n}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(config_guard_rules(c, &r, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	/* neighbors first, in config order */
	CU_ASSERT(pfx_is(&r[0].pfx, "192.0.2.1"));
	/* directly connected (255): interface by route, MAC learned */
	CU_ASSERT_EQUAL(r[0].pol.flags, BGPS_PF_GTSM | BGPS_PF_IFACE_WANT |
						BGPS_PF_MAC_WANT);
	CU_ASSERT_EQUAL(r[0].pol.min_ttl, 255);
	CU_ASSERT_EQUAL(r[0].pol.syn_rate, 5);
	CU_ASSERT_EQUAL(r[0].pol.syn_burst, 5);
	CU_ASSERT(pfx_is(&r[1].pfx, "2001:db8::2"));
	/* 254: not directly connected, so no MAC by default */
	CU_ASSERT_EQUAL(r[1].pol.flags, BGPS_PF_GTSM | BGPS_PF_IFACE_WANT);
	CU_ASSERT_EQUAL(r[1].pol.min_ttl, 254);
	CU_ASSERT_EQUAL(r[1].pol.syn_rate, 50);
	CU_ASSERT_EQUAL(r[1].pol.syn_burst, 100);
	/* then allow entries: the one equal to a neighbor merged into its
	 * rule, the duplicate range merged */
	CU_ASSERT(pfx_is(&r[2].pfx, "203.0.113.0/24"));
	CU_ASSERT_EQUAL(r[2].pol.flags, 0);
	CU_ASSERT_EQUAL(r[2].pol.min_ttl, 0);
	CU_ASSERT_EQUAL(r[2].pol.syn_rate, 50);
	CU_ASSERT_EQUAL(r[2].pol.syn_burst, 100);
	CU_ASSERT(pfx_is(&r[3].pfx, "2001:db8:ffff::/48"));
	CU_ASSERT_EQUAL(r[3].pol.syn_rate, 50);
	free(r);
	config_free(c);

	/* No global bucket: neighbors without their own get none. */
	c = parse("guard { allow 198.51.100.0/24; }\n"
		  "neighbor 192.0.2.1 { local-as 1; peer-as 2; }\n"
		  "neighbor 192.0.2.2 { local-as 1; peer-as 2; guard { "
		  "syn-rate 3; syn-burst 8; } }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(config_guard_rules(c, &r, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(r[0].pol.flags, BGPS_PF_IFACE_WANT);
	CU_ASSERT_EQUAL(r[0].pol.syn_rate, 0);
	CU_ASSERT_EQUAL(r[0].pol.syn_burst, 0);
	CU_ASSERT_EQUAL(r[1].pol.syn_rate, 3);
	CU_ASSERT_EQUAL(r[1].pol.syn_burst, 8);
	CU_ASSERT_EQUAL(r[2].pol.syn_rate, 0);
	free(r);
	config_free(c);

	/* syn-burst 0 means the rate. */
	c = parse("guard { syn-rate 9; allow 10.0.0.0/8; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(config_guard_rules(c, &r, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(r[0].pol.syn_burst, 9);
	free(r);
	config_free(c);

	c = parse("user x;");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	r = (struct guard_rule *)1;
	CU_ASSERT_EQUAL(config_guard_rules(c, &r, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(r);
	config_free(c);
}

/* --- binding an allowlist entry to its interfaces and MAC ----------------- */

#define NB "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"

static int bind_ifaces_are(const struct cfg_bind *b, size_t n,
			   const char *const *names)
{
	if (b->iface != CFG_IFB_STATIC || b->nifaces != n) {
		fprintf(stderr, "\n  iface mode %d with %zu names, want %zu\n",
			(int)b->iface, b->nifaces, n);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(b->ifaces[i].name, names[i])) {
			fprintf(stderr, "\n  iface %zu is %s, want %s\n", i,
				b->ifaces[i].name, names[i]);
			return 0;
		}
	return 1;
}

static void test_bind_parse(void)
{
	static const uint8_t mac1[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
	static const char *const two[] = { "eth0", "vlan.100" };
	static const char *const four[] = { "a", "b", "c", "off" };
	static const char *const up[] = { "uplink1", "uplink2" };
	const struct cfg_neighbor *n;
	const struct cfg_guard *g;
	struct config *c;

	c = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2; guard {\n"
		  "\tinterface eth0 vlan.100;\n\tmac-binding learn;\n} }\n"
		  "neighbor 192.0.2.2 { local-as 1; peer-as 2; guard {\n"
		  "\tinterface auto;\n\tpeer-mac 02-AA-bb-CC-dd-01;\n} }\n"
		  "neighbor 192.0.2.3 { local-as 1; peer-as 2; guard {\n"
		  "\tinterface off;\n\tmac-binding off;\n} }\n"
		  "neighbor 192.0.2.4 { local-as 1; peer-as 2; }\n"
		  /* static before or after its MAC; guard blocks add up */
		  "neighbor 192.0.2.5 { local-as 1; peer-as 2;\n"
		  "\tguard { mac-binding static; }\n"
		  "\tguard { peer-mac 02:aa:bb:cc:dd:01; } }\n"
		  "neighbor 192.0.2.6 { local-as 1; peer-as 2; guard {\n"
		  "\tpeer-mac 02:aa:bb:cc:dd:01;\n\tmac-binding static;\n"
		  "\tinterface a b c \"off\";\n} }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nneighbors, 6);
	n = c->neighbors;
	CU_ASSERT(bind_ifaces_are(&n[0].bind, 2, two));
	CU_ASSERT_EQUAL(n[0].bind.mac, CFG_MACB_LEARN);
	CU_ASSERT_EQUAL(n[1].bind.iface, CFG_IFB_AUTO);
	CU_ASSERT_EQUAL(n[1].bind.nifaces, 0);
	CU_ASSERT_EQUAL(n[1].bind.mac, CFG_MACB_STATIC);
	CU_ASSERT(!memcmp(n[1].bind.peer_mac, mac1, 6));
	CU_ASSERT_EQUAL(n[2].bind.iface, CFG_IFB_OFF);
	CU_ASSERT_EQUAL(n[2].bind.mac, CFG_MACB_OFF);
	/* the defaults */
	CU_ASSERT_EQUAL(n[3].bind.iface, CFG_IFB_AUTO);
	CU_ASSERT_EQUAL(n[3].bind.mac, CFG_MACB_DEFAULT);
	CU_ASSERT_EQUAL(n[4].bind.mac, CFG_MACB_STATIC);
	CU_ASSERT(!memcmp(n[4].bind.peer_mac, mac1, 6));
	CU_ASSERT_EQUAL(n[5].bind.mac, CFG_MACB_STATIC);
	CU_ASSERT(!memcmp(n[5].bind.peer_mac, mac1, 6));
	/* quoted, "off" is an interface's name */
	CU_ASSERT(bind_ifaces_are(&n[5].bind, 4, four));
	config_free(c);

	/* allow: the interfaces bind every prefix of the statement */
	c = parse("guard {\n\tinterface eth9;\n"
		  "\tallow 10.0.0.0/8 2001:db8::/32 interface uplink1 "
		  "uplink2;\n\tallow 198.51.100.0/24;\n"
		  "\tallow 192.0.2.9 interface \"auto\";\n}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	g = &c->guard;
	/* the global 'interface' keeps its meaning: where to attach */
	CU_ASSERT_EQUAL_FATAL(g->nifaces, 1);
	CU_ASSERT_STRING_EQUAL(g->ifaces[0].name, "eth9");
	CU_ASSERT_EQUAL(g->iface_auto, 0);
	CU_ASSERT_EQUAL_FATAL(g->nallow, 4);
	CU_ASSERT(pfx_is(&g->allow[0].pfx, "10.0.0.0/8"));
	CU_ASSERT(bind_ifaces_are(&g->allow[0].bind, 2, up));
	CU_ASSERT(pfx_is(&g->allow[1].pfx, "2001:db8::/32"));
	CU_ASSERT(bind_ifaces_are(&g->allow[1].bind, 2, up));
	CU_ASSERT_EQUAL(g->allow[0].bind.mac, CFG_MACB_OFF);
	CU_ASSERT(pfx_is(&g->allow[2].pfx, "198.51.100.0/24"));
	CU_ASSERT_EQUAL(g->allow[2].bind.iface, CFG_IFB_OFF);
	CU_ASSERT_EQUAL(g->allow[2].bind.nifaces, 0);
	CU_ASSERT_EQUAL(g->allow[2].bind.mac, CFG_MACB_OFF);
	CU_ASSERT_EQUAL(g->allow[3].bind.iface, CFG_IFB_STATIC);
	CU_ASSERT_STRING_EQUAL(g->allow[3].bind.ifaces[0].name, "auto");
	config_free(c);
}

static const struct {
	const char *text, *want;
} bind_err_cases[] = {
	/* interface in a neighbor's guard block */
	{ NB "\tguard {\n\t\tinterface eth0/1;\n\t}\n}",
	  "t.conf:5:13: 'eth0/1' is not an interface name (1..15 bytes, no "
	  "/ : or spaces)" },
	{ NB "\tguard {\n\t\tinterface averyveryverylong;\n\t}\n}",
	  "t.conf:5:13: 'averyveryverylong' is not an interface name (1..15 "
	  "bytes, no / : or spaces)" },
	{ NB "\tguard {\n\t\tinterface eth0 ..;\n\t}\n}",
	  "t.conf:5:18: '..' is not an interface name (1..15 bytes, no / : "
	  "or spaces)" },
	{ NB "\tguard {\n\t\tinterface \".\";\n\t}\n}",
	  "t.conf:5:13: '.' is not an interface name (1..15 bytes, no / : "
	  "or spaces)" },
	{ NB "\tguard {\n\t\tinterface \"a b\";\n\t}\n}",
	  "t.conf:5:13: 'a b' is not an interface name (1..15 bytes, no / : "
	  "or spaces)" },
	{ NB "\tguard {\n\t\tinterface \"\";\n\t}\n}",
	  "t.conf:5:13: '' is not an interface name (1..15 bytes, no / : or "
	  "spaces)" },
	{ NB "\tguard {\n\t\tinterface eth0 eth1 eth0;\n\t}\n}",
	  "t.conf:5:23: interface eth0 is listed twice" },
	{ NB "\tguard {\n\t\tinterface a b c d e;\n\t}\n}",
	  "t.conf:5:21: more than 4 interfaces in one binding" },
	{ NB "\tguard {\n\t\tinterface;\n\t}\n}",
	  "t.conf:5:12: 'interface' needs 1..4 interface names, 'auto' or "
	  "'off'" },
	{ NB "\tguard {\n\t\tinterface auto eth0;\n\t}\n}",
	  "t.conf:5:18: 'interface auto' cannot be mixed with interface "
	  "names" },
	{ NB "\tguard {\n\t\tinterface eth0 off;\n\t}\n}",
	  "t.conf:5:18: 'interface off' cannot be mixed with interface "
	  "names" },
	{ NB "\tguard {\n\t\tinterface off auto;\n\t}\n}",
	  "t.conf:5:17: 'interface off' cannot be mixed with interface "
	  "names" },
	{ NB "\tguard {\n\t\tinterface eth0;\n\t}\n"
	     "\tguard {\n\t\tinterface eth1;\n\t}\n}",
	  "t.conf:8:3: 'interface' is already set in this block at 5:3" },
	/* a missing ';': the names end with their line */
	{ NB "\tguard {\n\t\tinterface eth0\n\t\tpeer-mac 02:00:00:00:00:01;"
	     "\n\t}\n}",
	  "t.conf:5:17: expected ';' after 'interface eth0'" },
	/* mac-binding and peer-mac */
	{ NB "\tguard {\n\t\tmac-binding sticky;\n\t}\n}",
	  "t.conf:5:15: 'mac-binding' needs learn, static or off" },
	{ NB "\tguard {\n\t\tmac-binding static;\n\t}\n}",
	  "t.conf:5:3: 'mac-binding static' needs 'peer-mac MAC' in the "
	  "same neighbor" },
	{ "template {\n\tneighbor t {\n\t\tguard { mac-binding static; }\n"
	  "\t}\n}",
	  "t.conf:3:11: 'mac-binding static' needs 'peer-mac MAC' in the "
	  "same template" },
	{ NB "\tguard {\n\t\tpeer-mac 02:00:00:00:00:01;\n"
	     "\t\tmac-binding learn;\n\t}\n}",
	  "t.conf:6:3: mac-binding learn and peer-mac cannot both be set "
	  "(the other at 5:3)" },
	{ NB "\tguard {\n\t\tmac-binding off;\n\t}\n"
	     "\tguard {\n\t\tpeer-mac 02:00:00:00:00:01;\n\t}\n}",
	  "t.conf:8:3: peer-mac and mac-binding off cannot both be set (the "
	  "other at 5:3)" },
	{ NB "\tguard {\n\t\tmac-binding learn;\n\t\tmac-binding off;\n\t}\n}",
	  "t.conf:6:3: 'mac-binding' is already set in this block at 5:3" },
	{ NB "\tguard {\n\t\tpeer-mac 02:00:00:00:00:01;\n"
	     "\t\tpeer-mac 02:00:00:00:00:02;\n\t}\n}",
	  "t.conf:6:3: 'peer-mac' is already set in this block at 5:3" },
	{ NB "\tguard {\n\t\tpeer-mac 01:00:5e:00:00:01;\n\t}\n}",
	  "t.conf:5:12: 01:00:5e:00:00:01 is a multicast or broadcast "
	  "address: no peer sends from it" },
	{ NB "\tguard {\n\t\tpeer-mac ff:ff:ff:ff:ff:ff;\n\t}\n}",
	  "t.conf:5:12: ff:ff:ff:ff:ff:ff is a multicast or broadcast "
	  "address: no peer sends from it" },
	{ NB "\tguard {\n\t\tpeer-mac 00-00-00-00-00-00;\n\t}\n}",
	  "t.conf:5:12: 00:00:00:00:00:00 is not a peer's MAC" },
	{ NB "\tguard {\n\t\tpeer-mac 02:00:00:00:00:0g;\n\t}\n}",
	  "t.conf:5:12: '02:00:00:00:00:0g' is not a MAC address "
	  "(aa:bb:cc:dd:ee:ff)" },
	{ NB "\tguard {\n\t\tpeer-mac 02:00:00-00:00:01;\n\t}\n}",
	  "t.conf:5:12: '02:00:00-00:00:01' is not a MAC address "
	  "(aa:bb:cc:dd:ee:ff)" },
	{ NB "\tguard {\n\t\tpeer-mac 2:0:0:0:0:1;\n\t}\n}",
	  "t.conf:5:12: '2:0:0:0:0:1' is not a MAC address "
	  "(aa:bb:cc:dd:ee:ff)" },
	{ NB "\tguard {\n\t\tpeer-mac;\n\t}\n}",
	  "t.conf:5:11: 'peer-mac' needs a MAC address (aa:bb:cc:dd:ee:ff)" },
	/* where the keywords belong */
	{ "guard {\n\tmac-binding learn;\n}",
	  "t.conf:2:2: 'mac-binding' does not belong in guard block; it goes "
	  "in a neighbor's guard block" },
	{ "guard {\n\tpeer-mac 02:00:00:00:00:01;\n}",
	  "t.conf:2:2: 'peer-mac' does not belong in guard block; it goes in "
	  "a neighbor's guard block" },
	{ NB "\tpeer-mac 02:00:00:00:00:01;\n}",
	  "t.conf:4:2: 'peer-mac' does not belong in neighbor block; it goes "
	  "in a neighbor's guard block" },
	{ NB "\tguard {\n\t\tmode tc;\n\t}\n}",
	  "t.conf:5:3: 'mode' belongs in the global guard block, not in a "
	  "neighbor's" },
	/* allow PREFIX... interface NAME... */
	{ "guard {\n\tallow 10.0.0.0/8 interface;\n}",
	  "t.conf:2:28: 'interface' needs 1..4 interface names" },
	{ "guard {\n\tallow 10.0.0.0/8 interface auto;\n}",
	  "t.conf:2:29: an allow entry's 'interface' takes interface names "
	  "('auto' is for a neighbor's guard block)" },
	{ "guard {\n\tallow 10.0.0.0/8 interface off;\n}",
	  "t.conf:2:29: an allow entry's 'interface' takes interface names "
	  "('off' is for a neighbor's guard block)" },
	{ "guard {\n\tallow interface eth0;\n}",
	  "t.conf:2:8: 'allow' needs an address or a prefix" },
	{ "guard {\n\tallow 10.0.0.0/8 interface eth:0;\n}",
	  "t.conf:2:29: 'eth:0' is not an interface name (1..15 bytes, no / "
	  ": or spaces)" },
	{ "guard {\n\tallow 10.0.0.0/8 interface a b c d e;\n}",
	  "t.conf:2:37: more than 4 interfaces in one binding" },
	{ "guard {\n\tallow 10.0.0.0/8 interface a a;\n}",
	  "t.conf:2:31: interface a is listed twice" },
	/* the prefixes come first */
	{ "guard {\n\tallow 10.0.0.0/8 interface a 192.0.2.0/24;\n}",
	  "t.conf:2:31: '192.0.2.0/24' is not an interface name (1..15 "
	  "bytes, no / : or spaces)" },
};

static void test_bind_errors(void)
{
	size_t ok = 0, n = sizeof(bind_err_cases) / sizeof(bind_err_cases[0]);

	for (size_t i = 0; i < n; i++)
		ok += check_err(bind_err_cases[i].text, bind_err_cases[i].want);
	CU_ASSERT_EQUAL(ok, n);
}

static void test_bind_templates(void)
{
	static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const char *const t_if[] = { "eth0", "eth0.7" };
	static const char *const own_if[] = { "eth1" };
	const struct cfg_neighbor *n;
	struct config *c;

	c = parse("template {\n"
		  "\tneighbor t { guard { interface eth0 eth0.7; "
		  "peer-mac 02:00:00:00:00:01; } }\n"
		  "\tneighbor off { guard { mac-binding off; } }\n"
		  "\tneighbor mac2 { guard { peer-mac 02:00:00:00:00:02; "
		  "interface eth1; } }\n}\n"
		  /* all of t */
		  "neighbor 192.0.2.1 { local-as 1; peer-as 2; inherit t; }\n"
		  /* its own mac-binding replaces t's peer-mac whole */
		  "neighbor 192.0.2.2 { local-as 1; peer-as 2; inherit t;\n"
		  "\tguard { mac-binding learn; } }\n"
		  /* its own interface and MAC */
		  "neighbor 192.0.2.3 { local-as 1; peer-as 2; inherit t;\n"
		  "\tguard { interface off; peer-mac 02:00:00:00:00:02; } }\n"
		  /* the first template that sets it wins, per setting */
		  "neighbor 192.0.2.4 { local-as 1; peer-as 2; "
		  "inherit [ off mac2 t ]; }\n"
		  "neighbor 192.0.2.5 { local-as 1; peer-as 2;\n"
		  "\tguard { mac-binding static; "
		  "peer-mac 02:00:00:00:00:02; }\n"
		  "\tinherit t; }\n"
		  /* its own 'interface auto' undoes t's names */
		  "neighbor 192.0.2.6 { local-as 1; peer-as 2; inherit t;\n"
		  "\tguard { interface auto; } }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nneighbors, 6);
	n = c->neighbors;
	CU_ASSERT(bind_ifaces_are(&n[0].bind, 2, t_if));
	CU_ASSERT_EQUAL(n[0].bind.mac, CFG_MACB_STATIC);
	CU_ASSERT(!memcmp(n[0].bind.peer_mac, mac1, 6));
	CU_ASSERT(bind_ifaces_are(&n[1].bind, 2, t_if));
	CU_ASSERT_EQUAL(n[1].bind.mac, CFG_MACB_LEARN);
	CU_ASSERT_EQUAL(n[2].bind.iface, CFG_IFB_OFF);
	CU_ASSERT_EQUAL(n[2].bind.mac, CFG_MACB_STATIC);
	CU_ASSERT(!memcmp(n[2].bind.peer_mac, mac2, 6));
	CU_ASSERT(bind_ifaces_are(&n[3].bind, 1, own_if));
	CU_ASSERT_EQUAL(n[3].bind.mac, CFG_MACB_OFF);
	CU_ASSERT(bind_ifaces_are(&n[4].bind, 2, t_if));
	CU_ASSERT_EQUAL(n[4].bind.mac, CFG_MACB_STATIC);
	CU_ASSERT(!memcmp(n[4].bind.peer_mac, mac2, 6));
	CU_ASSERT_EQUAL(n[5].bind.iface, CFG_IFB_AUTO);
	CU_ASSERT_EQUAL(n[5].bind.nifaces, 0);
	CU_ASSERT_EQUAL(n[5].bind.mac, CFG_MACB_STATIC);
	CU_ASSERT(!memcmp(n[5].bind.peer_mac, mac1, 6));
	config_free(c);
}

/* Print, parse back, compare; the canonical form is a fixed point. */
static void bind_roundtrip(const char *text, const char *const *lines)
{
	struct config *c = parse(text), *c2;
	char *out, *out2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	out = print_config(c, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (; *lines; lines++)
		if (!strstr(out, *lines)) {
			fprintf(stderr, "\n  printed form lacks: %s\n%s\n",
				*lines, out);
			CU_FAIL("line missing from the printed form");
		}
	c2 = parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT(config_equal(c, c2, 0));
	CU_ASSERT(config_equal(c2, c, 0));
	out2 = print_config(c2, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out2);
	CU_ASSERT_STRING_EQUAL(out, out2);
	free(out2);
	free(out);
	config_free(c2);
	config_free(c);
}

static void test_bind_print(void)
{
	static const char *const lines[] = {
		"\tguard {\n\t\tinterface eth0 \"off\" \"auto\" \"a;b\";\n"
		"\t\tmac-binding learn;\n\t}\n",
		"\tguard {\n\t\tsyn-rate 4;\n\t\tinterface off;\n"
		"\t\tpeer-mac 02:aa:00:00:00:0f;\n\t}\n",
		"\tguard {\n\t\tmac-binding off;\n\t}\n",
		"\tinterface \"off\";\n",
		"\tallow 10.0.0.0/8 interface eth1 eth2;\n",
		"\tallow 2001:db8::/32 interface eth1 eth2;\n",
		"\tallow 198.51.100.0/24;\n",
		NULL,
	};
	static const char *const none[] = { NULL };
	struct config *c;
	char *out;

	bind_roundtrip(
		"guard {\n\tinterface \"off\";\n"
		"\tallow 10.0.0.0/8 2001:db8::/32 interface eth1 eth2;\n"
		"\tallow 198.51.100.0/24;\n}\n"
		"neighbor 192.0.2.1 { local-as 1; peer-as 2; guard { "
		"interface eth0 \"off\" \"auto\" \"a;b\"; mac-binding learn; "
		"} }\n"
		"neighbor 192.0.2.2 { local-as 1; peer-as 2; guard { "
		"syn-rate 4; interface off; mac-binding static; "
		"peer-mac 02-AA-00-00-00-0F; } }\n"
		"neighbor 192.0.2.3 { local-as 1; peer-as 2; guard { "
		"interface auto; mac-binding off; } }\n",
		lines);
	/* A default binding prints nothing: no guard block at all. */
	c = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2; guard { "
		  "interface auto; } }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	out = print_config(c, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NULL(strstr(out, "\tguard {"));
	CU_ASSERT_PTR_NULL(strstr(out, "\t\tinterface"));
	free(out);
	config_free(c);
	bind_roundtrip("neighbor 192.0.2.1 { local-as 1; peer-as 2; }\n", none);
}

/* Each pair differs only in a binding: config_equal() sees it, a reload
 * does not restart the session for it (config_neighbor_equal()). */
static void test_bind_equal(void)
{
	static const char *const nb[][2] = {
		{ "", "guard { interface eth0; }" },
		{ "guard { interface eth0; }", "guard { interface eth1; }" },
		{ "guard { interface eth0; }",
		  "guard { interface eth0 eth1; }" },
		{ "guard { interface eth0 eth1; }",
		  "guard { interface eth1 eth0; }" },
		{ "", "guard { interface off; }" },
		{ "", "guard { mac-binding learn; }" },
		{ "guard { mac-binding off; }",
		  "guard { mac-binding learn; }" },
		{ "guard { mac-binding off; }",
		  "guard { peer-mac 02:00:00:00:00:01; }" },
		{ "guard { peer-mac 02:00:00:00:00:01; }",
		  "guard { peer-mac 02:00:00:00:00:02; }" },
	};
	static const char *const allow[][2] = {
		{ "allow 10.0.0.0/8;", "allow 10.0.0.0/8 interface eth0;" },
		{ "allow 10.0.0.0/8 interface eth0;",
		  "allow 10.0.0.0/8 interface eth1;" },
	};
	char ta[256], tb[256];
	struct config *a, *b;

	for (size_t i = 0; i < sizeof(nb) / sizeof(nb[0]); i++) {
		snprintf(ta, sizeof(ta),
			 "neighbor 192.0.2.1 { local-as 1; peer-as 2; %s }",
			 nb[i][0]);
		snprintf(tb, sizeof(tb),
			 "neighbor 192.0.2.1 { local-as 1; peer-as 2; %s }",
			 nb[i][1]);
		a = parse(ta);
		b = parse(tb);
		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		if (config_equal(a, b, 0) || config_equal(b, a, 0))
			fprintf(stderr, "\n  equal: '%s' and '%s'\n",
				nb[i][0], nb[i][1]);
		CU_ASSERT(!config_equal(a, b, 0));
		CU_ASSERT(!config_equal(b, a, 0));
		CU_ASSERT(config_neighbor_equal(&a->neighbors[0],
						&b->neighbors[0]));
		CU_ASSERT(config_equal(a, a, 0));
		config_free(b);
		config_free(a);
	}
	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++) {
		snprintf(ta, sizeof(ta), "guard { %s }", allow[i][0]);
		snprintf(tb, sizeof(tb), "guard { %s }", allow[i][1]);
		a = parse(ta);
		b = parse(tb);
		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		CU_ASSERT(!config_equal(a, b, 0));
		CU_ASSERT(!config_equal(b, a, 0));
		config_free(b);
		config_free(a);
	}
	/* Spelling is not meaning: interface auto is the default, static
	 * is what peer-mac means anyway. */
	a = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2; guard { "
		  "peer-mac 02:00:00:00:00:01; } }");
	b = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2; guard { "
		  "interface auto; mac-binding static; "
		  "peer-mac 02-00-00-00-00-01; } }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT(config_equal(a, b, 0));
	config_free(b);
	config_free(a);
}

static void test_bind_rules(void)
{
	static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t zero[6] = { 0 };
	struct guard_rule_bind *rb;
	struct guard_rule *r;
	struct config *c;
	size_t n;

	c = parse(
		"guard {\n\tallow 10.0.0.0/8 192.0.2.7 interface eth5 eth6;\n"
		"\tallow 198.51.100.0/24;\n}\n"
		/* 0: directly connected: interfaces by route, MAC learned */
		"neighbor 192.0.2.1 { local-as 1; peer-as 2; ttl-security; }\n"
		/* 1: 254 is a hop away: no MAC by default */
		"neighbor 192.0.2.2 { local-as 1; peer-as 2; "
		"incoming-ttl 254; }\n"
		/* 2: no GTSM */
		"neighbor 192.0.2.3 { local-as 1; peer-as 2; }\n"
		/* 3: static both */
		"neighbor 192.0.2.4 { local-as 1; peer-as 2; guard { "
		"interface eth0 eth0.7; peer-mac 02:00:00:00:00:01; } }\n"
		/* 4: nothing bound but the MD5 option's presence */
		"neighbor 192.0.2.5 { local-as 1; peer-as 2; "
		"md5-password \"k\"; ttl-security; guard { interface off; "
		"mac-binding off; } }\n"
		/* 5: learn asked for without GTSM; TCP-AO */
		"neighbor 192.0.2.6 { local-as 1; peer-as 2; tcp-ao { "
		"password \"k\"; } guard { mac-binding learn; } }\n"
		/* 6: 255 but the MAC switched off */
		"neighbor 192.0.2.7 { local-as 1; peer-as 2; ttl-security; "
		"guard { mac-binding off; } }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(config_guard_rules_bind(c, &r, &rb, &n), 0);
	/* 192.0.2.7 in the allow line is neighbor 6's address: its rule */
	CU_ASSERT_EQUAL_FATAL(n, 9);

	CU_ASSERT(pfx_is(&r[0].pfx, "192.0.2.1"));
	CU_ASSERT_EQUAL(r[0].pol.flags, BGPS_PF_GTSM | BGPS_PF_IFACE_WANT |
						BGPS_PF_MAC_WANT);
	CU_ASSERT_EQUAL(rb[0].iface, BIND_IFACE_AUTO);
	CU_ASSERT_EQUAL(rb[0].nifaces, 0);
	CU_ASSERT_EQUAL(rb[0].mac, BIND_MAC_LEARN);

	CU_ASSERT_EQUAL(r[1].pol.flags, BGPS_PF_GTSM | BGPS_PF_IFACE_WANT);
	CU_ASSERT_EQUAL(rb[1].iface, BIND_IFACE_AUTO);
	CU_ASSERT_EQUAL(rb[1].mac, BIND_MAC_OFF);

	CU_ASSERT_EQUAL(r[2].pol.flags, BGPS_PF_IFACE_WANT);
	CU_ASSERT_EQUAL(rb[2].mac, BIND_MAC_OFF);

	CU_ASSERT(pfx_is(&r[3].pfx, "192.0.2.4"));
	CU_ASSERT_EQUAL(r[3].pol.flags, BGPS_PF_IFACE_WANT | BGPS_PF_MAC |
						BGPS_PF_MAC_WANT);
	CU_ASSERT(!memcmp(r[3].pol.mac, mac1, 6));
	CU_ASSERT_EQUAL(rb[3].iface, BIND_IFACE_STATIC);
	CU_ASSERT_EQUAL_FATAL(rb[3].nifaces, 2);
	CU_ASSERT_STRING_EQUAL(rb[3].ifaces[0], "eth0");
	CU_ASSERT_STRING_EQUAL(rb[3].ifaces[1], "eth0.7");
	CU_ASSERT_EQUAL(rb[3].mac, BIND_MAC_STATIC);
	CU_ASSERT(!memcmp(rb[3].peer_mac, mac1, 6));

	CU_ASSERT_EQUAL(r[4].pol.flags, BGPS_PF_GTSM | BGPS_PF_MD5);
	CU_ASSERT(!memcmp(r[4].pol.mac, zero, 6));
	CU_ASSERT_EQUAL(rb[4].iface, BIND_IFACE_OFF);
	CU_ASSERT_EQUAL(rb[4].mac, BIND_MAC_OFF);

	CU_ASSERT_EQUAL(r[5].pol.flags,
			BGPS_PF_AO | BGPS_PF_IFACE_WANT | BGPS_PF_MAC_WANT);
	CU_ASSERT_EQUAL(rb[5].mac, BIND_MAC_LEARN);

	CU_ASSERT(pfx_is(&r[6].pfx, "192.0.2.7"));
	CU_ASSERT_EQUAL(r[6].pol.flags, BGPS_PF_GTSM | BGPS_PF_IFACE_WANT);
	CU_ASSERT_EQUAL(rb[6].iface, BIND_IFACE_AUTO);
	CU_ASSERT_EQUAL(rb[6].mac, BIND_MAC_OFF);

	/* allow entries: bound to their names, never to a MAC */
	CU_ASSERT(pfx_is(&r[7].pfx, "10.0.0.0/8"));
	CU_ASSERT_EQUAL(r[7].pol.flags, BGPS_PF_IFACE_WANT);
	CU_ASSERT_EQUAL(rb[7].iface, BIND_IFACE_STATIC);
	CU_ASSERT_EQUAL_FATAL(rb[7].nifaces, 2);
	CU_ASSERT_STRING_EQUAL(rb[7].ifaces[0], "eth5");
	CU_ASSERT_STRING_EQUAL(rb[7].ifaces[1], "eth6");
	CU_ASSERT_EQUAL(rb[7].mac, BIND_MAC_OFF);
	CU_ASSERT(pfx_is(&r[8].pfx, "198.51.100.0/24"));
	CU_ASSERT_EQUAL(r[8].pol.flags, 0);
	CU_ASSERT_EQUAL(rb[8].iface, BIND_IFACE_OFF);
	CU_ASSERT_EQUAL(rb[8].nifaces, 0);
	CU_ASSERT_EQUAL(rb[8].mac, BIND_MAC_OFF);
	free(rb);
	free(r);
	config_free(c);

	/* Templates reach the rules too. */
	c = parse("template { neighbor t { ttl-security; guard { "
		  "interface eth3; mac-binding off; } } }\n"
		  "neighbor 192.0.2.1 { local-as 1; peer-as 2; inherit t; }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(config_guard_rules_bind(c, &r, &rb, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(r[0].pol.flags, BGPS_PF_GTSM | BGPS_PF_IFACE_WANT);
	CU_ASSERT_EQUAL(rb[0].iface, BIND_IFACE_STATIC);
	CU_ASSERT_EQUAL_FATAL(rb[0].nifaces, 1);
	CU_ASSERT_STRING_EQUAL(rb[0].ifaces[0], "eth3");
	CU_ASSERT_EQUAL(rb[0].mac, BIND_MAC_OFF);
	free(rb);
	free(r);
	config_free(c);

	c = parse("user x;");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	rb = (struct guard_rule_bind *)1;
	CU_ASSERT_EQUAL(config_guard_rules_bind(c, &r, &rb, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(rb);
	CU_ASSERT_PTR_NULL(r);
	config_free(c);
}

#undef NB

/* --- limits and robustness ------------------------------------------------ */

static char *repeat(const char *head, const char *unit, size_t count,
		    const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *b = malloc(hl + ul * count + tl + 1), *p;

	if (!b)
		return NULL;
	p = b;
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < count; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return b;
}

static void test_limits(void)
{
	char want[256], *t;

	t = repeat("", "a", CFG_TOKEN_MAX + 1, ";");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	check_err(t, "t.conf:1:1: word longer than 4095 bytes");
	free(t);
	t = repeat("user \"", "a", CFG_TOKEN_MAX + 1, "\";");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	check_err(t, "t.conf:1:6: string longer than 4095 bytes");
	free(t);
	/* A word of exactly the limit is fine (and then refused for
	 * what it is). */
	t = repeat("user ", "a", CFG_TOKEN_MAX, ";");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	check_err(t, "t.conf:1:6: 'user' needs a user name of 1..32 "
		     "letters, digits or - _ .");
	free(t);

	t = repeat("neighbor 192.0.2.1 { local-as 1; peer-as 2; static { "
		   "route 10.0.0.0/8 next-hop self as-path [ ",
		   "1 ", CFG_MAX_LIST + 1, "]; } }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	snprintf(want, sizeof(want),
		 "t.conf:1:%d: more than 1024 items in one list",
		 95 + 2 * CFG_MAX_LIST);
	check_err(t, want);
	free(t);

	t = repeat("neighbor 192.0.2.1 { inherit [ ", "t ", CFG_MAX_INHERIT + 1,
		   "]; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	snprintf(want, sizeof(want),
		 "t.conf:1:%d: more than 32 inherited templates",
		 32 + 2 * CFG_MAX_INHERIT);
	check_err(t, want);
	free(t);

	t = repeat("process p { run /bin/x", " a", CFG_MAX_ARGV, "; }");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	snprintf(want, sizeof(want),
		 "t.conf:1:%d: more than 256 words in 'run'",
		 22 + 2 * CFG_MAX_ARGV);
	check_err(t, want);
	free(t);

	t = repeat("neighbor 192.0.2.1 { ", "api { processes p; } ",
		   CFG_MAX_APIS + 1, "}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	snprintf(want, sizeof(want),
		 "t.conf:1:%d: more than 64 api blocks in one neighbor",
		 22 + 21 * CFG_MAX_APIS);
	check_err(t, want);
	free(t);

	/* Larger than any config file may be: refused before lexing. */
	t = malloc(SECFILE_MAX + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	memset(t, ' ', SECFILE_MAX + 1);
	check_err_len(t, SECFILE_MAX + 1,
		      "t.conf:1:1: the config is larger than 16 MiB");
	free(t);

	/* A small err buffer is never overrun. */
	{
		char small[12];
		struct config *c;

		memset(small, 'x', sizeof(small));
		CU_ASSERT_EQUAL(
			config_parse_buf("bogus;", 6, "t.conf", &c, small, 8),
			-1);
		CU_ASSERT_EQUAL(small[7], 0);
		CU_ASSERT_EQUAL(small[8], 'x');
		CU_ASSERT_EQUAL(
			config_parse_buf("bogus;", 6, "t.conf", &c, NULL, 0),
			-1);
	}
}

/*
 * A template inherited by many neighbors multiplies its routes: the copies
 * count against CFG_MAX_ROUTE_UNITS, checked before memory runs away.
 */
static void test_template_multiplication(void)
{
	/* 1300 routes x (1 + 1024 as-path items) = 1.33M units a copy. */
	const size_t routes = 1300;
	char *as = repeat("", "7 ", CFG_MAX_LIST, "");
	size_t cap = routes * (strlen(as) + 80) + 4096, off = 0;
	char *t = malloc(cap), want[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(as);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	off += snprintf(t + off, cap - off,
			"template {\nneighbor big {\nlocal-as 1;\npeer-as 2;\n"
			"static {\n");
	for (size_t i = 0; i < routes; i++)
		off += snprintf(t + off, cap - off,
				"route 10.%zu.%zu.0/24 next-hop self as-path "
				"[ %s];\n",
				i / 256, i % 256, as);
	off += snprintf(t + off, cap - off, "}\n}\n}\n");
	for (int i = 1; i <= 4; i++)
		off += snprintf(t + off, cap - off,
				"neighbor 192.0.2.%d { inherit big; }\n", i);
	/* Each neighbor's copy is 1.33M: three make 4.0M, still under
	 * 4194304; the fourth (the file's last line) is refused. */
	snprintf(want, sizeof(want),
		 "t.conf:%zu:10: more than 4194304 routes and list items "
		 "once templates are applied (at neighbor 192.0.2.4)",
		 routes + 12);
	check_err_len(t, off, want);
	free(t);
	free(as);
}

static void test_many_neighbors(void)
{
	size_t cap = 2100 * 80, off = 0;
	char *t = malloc(cap), want[128];
	struct config *c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (int i = 0; i < 2000; i++)
		off += snprintf(t + off, cap - off,
				"neighbor 10.%d.%d.1 { local-as 1; peer-as "
				"2; }\n",
				i / 256, i % 256);
	c = parse_len(t, off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->nneighbors, 2000);
	config_free(c);
	off += snprintf(t + off, cap - off,
			"neighbor 10.3.7.1 { local-as 1; peer-as 2; }\n");
	snprintf(want, sizeof(want),
		 "t.conf:2001:10: neighbor 10.3.7.1 is already defined at "
		 "776:10");
	check_err_len(t, off, want);
	free(t);
}

static int err_well_formed(const char *err)
{
	unsigned int line, col;
	int n = 0;

	return sscanf(err, "t.conf:%u:%u: %n", &line, &col, &n) == 2 && n > 0 &&
	       line > 0 && col > 0 && err[n] && !strchr(err, '\n');
}

/* Every prefix of a real config either parses or fails with one well-
 * formed line; nothing crashes or leaks (ASan checks that). */
static void test_truncations(void)
{
	char path[PATH_MAX * 2], err[1024];
	struct config *c;
	size_t len, bad = 0;
	char *text;

	snprintf(path, sizeof(path), "%s/selftests/unit/configs/full.conf",
		 srcdir);
	text = read_all(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (size_t i = 0; i <= len; i++) {
		err[0] = 0;
		if (config_parse_buf(text, i, "t.conf", &c, err, sizeof(err)) ==
		    0) {
			config_free(c);
			continue;
		}
		if (!err_well_formed(err)) {
			if (!bad++)
				fprintf(stderr, "\n  at %zu: '%s'\n", i, err);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	free(text);
}

/* Random token soup: structure enough to get deep into the parser. */
static void test_random_soup(void)
{
	static const char *const words[] = {
		"neighbor",
		"template",
		"process",
		"guard",
		"user",
		"log",
		"{",
		"}",
		";",
		"[",
		"]",
		"\"",
		"'",
		"#",
		"\n",
		"local-as",
		"peer-as",
		"inherit",
		"t",
		"p",
		"route",
		"static",
		"next-hop",
		"self",
		"api",
		"processes",
		"family",
		"ipv4",
		"ipv6",
		"unicast",
		"192.0.2.1",
		"2001:db8::1",
		"10.0.0.0/8",
		"1",
		"65535:1",
		"md5-password",
		"md5-base64",
		"tcp-ao",
		"password",
		"run",
		"/bin/x",
		"as-path",
		"community",
		"allow",
		"interface",
		"capability",
		"graceful-restart",
		"ttl-security",
		"receive",
		"audit",
		"filter",
		"import",
		"export",
		"prefix-list",
		"L",
		"le",
		"24",
		"max-prefix",
		"teardown",
		"reject-bogons",
		"rfc8212",
		"strict",
		"limits",
		"cpu",
		"/x",
		"\x01",
		"\xff",
		"",
	};
	const size_t nw = sizeof(words) / sizeof(words[0]);
	unsigned int seed = 12345;
	char buf[2048], err[512];
	struct config *c;
	size_t bad = 0, good = 0;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0, n = rand_r(&seed) % 120;

		for (size_t i = 0; i < n; i++) {
			const char *w = words[rand_r(&seed) % nw];
			size_t l = strlen(w);

			if (len + l + 2 >= sizeof(buf))
				break;
			memcpy(buf + len, w, l);
			len += l;
			buf[len++] = rand_r(&seed) % 4 ? ' ' : '\t';
		}
		if (config_parse_buf(buf, len, "t.conf", &c, err,
				     sizeof(err)) == 0) {
			char *out = print_config(c, NULL);
			struct config *c2 = out ? parse(out) : NULL;

			good++;
			if (!c2 || !config_equal(c, c2, 1))
				bad++;
			config_free(c2);
			free(out);
			config_free(c);
		} else if (!err_well_formed(err)) {
			if (!bad++)
				fprintf(stderr, "\n  '%s'\n", err);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(good > 0);
}

/* --- route filtering: prefix-lists, filters, rfc8212, limits -------------- */

static int host(const char *s, struct prefix *p)
{
	char e[256];

	return prefix_parse(s, p, e, sizeof(e)) == 0;
}

static void test_plist_parse(void)
{
	static const char text[] =
		"prefix-list MIXED {\n"
		"\t100.10.0.0/16 le 32;\n"
		"\t203.0.113.0/24 ge 24 le 32;\n"
		"\t2001:db8::/32 le 48;\n"
		"\t192.0.2.0/24;\n"
		"\t198.51.100.0/24 ge 25;\n"
		"}\n"
		"prefix-list EMPTY { }\n";
	struct config *c = parse(text);
	const struct cfg_plist *l;
	struct prefix x;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nplists, 2);
	l = &c->plists[0];
	CU_ASSERT_STRING_EQUAL(l->name, "MIXED");
	CU_ASSERT_EQUAL(l->line, 1);
	CU_ASSERT_EQUAL(l->col, 13);
	CU_ASSERT_EQUAL_FATAL(l->nentries, 5);
	CU_ASSERT(pfx_is(&l->entries[0].p, "100.10.0.0/16"));
	CU_ASSERT(l->entries[0].ge == -1 && l->entries[0].le == 32);
	CU_ASSERT(l->entries[1].ge == 24 && l->entries[1].le == 32);
	CU_ASSERT(pfx_is(&l->entries[2].p, "2001:db8::/32"));
	CU_ASSERT(l->entries[2].ge == -1 && l->entries[2].le == 48);
	CU_ASSERT(l->entries[3].ge == -1 && l->entries[3].le == -1);
	CU_ASSERT(l->entries[4].ge == 25 && l->entries[4].le == -1);
	CU_ASSERT(l->entries[1].line == 3 && l->entries[1].col == 2);
	/* The compiled trie answers for every entry. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(l->trie);
	CU_ASSERT_EQUAL(plist_count(l->trie), 5);
	CU_ASSERT(host("100.10.20.0/24", &x) && plist_match(l->trie, &x));
	CU_ASSERT(host("100.11.0.0/24", &x) && !plist_match(l->trie, &x));
	CU_ASSERT(host("2001:db8:1::/48", &x) && plist_match(l->trie, &x));
	CU_ASSERT(host("2001:db8:1::/49", &x) && !plist_match(l->trie, &x));
	CU_ASSERT(host("192.0.2.0/24", &x) && plist_match(l->trie, &x));
	CU_ASSERT(host("192.0.2.0/25", &x) && !plist_match(l->trie, &x));
	CU_ASSERT(host("198.51.100.0/24", &x) && !plist_match(l->trie, &x));
	CU_ASSERT(host("198.51.100.128/25", &x) && plist_match(l->trie, &x));
	/* An empty list matches nothing. */
	CU_ASSERT_STRING_EQUAL(c->plists[1].name, "EMPTY");
	CU_ASSERT_EQUAL(c->plists[1].nentries, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c->plists[1].trie);
	CU_ASSERT(host("0.0.0.0/0", &x) && !plist_match(c->plists[1].trie, &x));
	CU_ASSERT_EQUAL(c->rfc8212_strict, 0);
	config_free(c);
}

static void test_rfc8212_parse(void)
{
	struct config *c;

	c = parse("rfc8212 strict;\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->rfc8212_strict, 1);
	config_free(c);
	c = parse("rfc8212 loose;\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->rfc8212_strict, 0);
	config_free(c);
}

/* control { group; change-group; }: both, one, neither; each once. */
static void test_control_parse(void)
{
	struct config *c, *c2;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	c = parse("control { group ops; change-group netops; }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->control_group, "ops");
	CU_ASSERT_STRING_EQUAL(c->control_change_group, "netops");
	/* the printed form parses back to the same */
	f = open_memstream(&out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	config_print(f, c);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\tchange-group netops;\n"));
	c2 = parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT(config_equal(c, c2, 0));
	free(out);
	config_free(c2);
	config_free(c);
	c = parse("control { change-group netops; }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->control_group, "");
	c2 = parse("control { change-group other; }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT(!config_equal(c, c2, 0));
	config_free(c2);
	config_free(c);
	c = parse("user bgpshield;\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->control_change_group, "");
	config_free(c);
	CU_ASSERT(check_err("control { group a; group b; }",
			    "t.conf:1:20: 'group' is already set in this "
			    "block at 1:11"));
	CU_ASSERT(check_err("control { change-group -x; }",
			    "t.conf:1:24: 'change-group' needs a group name "
			    "of 1..32 letters, digits or - _ ."));
	CU_ASSERT(check_err("control { }\ncontrol { }",
			    "t.conf:2:1: 'control' is already given at 1:1"));
	CU_ASSERT(check_err("control { owner x; }",
			    "t.conf:1:11: unknown keyword 'owner' in control "
			    "block; expected one of: group, change-group"));
}

static const char filter_conf[] =
	"neighbor 192.0.2.1 {\n"
	"\tlocal-as 65000;\n"
	"\tpeer-as 65001;\n"
	"\tfilter {\n"
	"\t\timport {\n"
	"\t\t\tprefix-list CUST;\n"
	"\t\t\tprefix-list CUST6;\n"
	"\t\t\treject-bogons;\n"
	"\t\t\treject-default;\n"
	"\t\t\treject-private-asn;\n"
	"\t\t\tmax-as-path-length 32;\n"
	"\t\t\tmax-prefix 1000 teardown restart 60;\n"
	"\t\t\tnext-hop peer 192.0.2.0/24 2001:db8::/64;\n"
	"\t\t\tmed 0 1000;\n"
	"\t\t\tlocal-pref 50 200;\n"
	"\t\t}\n"
	"\t\texport {\n"
	"\t\t\tprefix-list OURS;\n"
	"\t\t\treject-bogons;\n"
	"\t\t\tnext-hop self 198.51.100.0/24;\n"
	"\t\t\tmed 5 5;\n"
	"\t\t}\n"
	"\t}\n"
	"}\n"
	"neighbor 192.0.2.2 {\n"
	"\tlocal-as 65000;\n"
	"\tpeer-as 65002;\n"
	"\tfilter {\n"
	"\t\timport { max-prefix 10; next-hop peer; }\n"
	"\t\texport { }\n"
	"\t}\n"
	"}\n"
	"prefix-list CUST { 203.0.113.0/24 le 28; }\n"
	"prefix-list CUST6 { 2001:db8:100::/40 le 48; }\n"
	"prefix-list OURS { 198.51.100.0/24; }\n";

static void test_filter_parse(void)
{
	struct config *c = parse(filter_conf);
	const struct cfg_filter *im, *ex;
	struct prefix x;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nneighbors, 2);
	im = &c->neighbors[0].import;
	ex = &c->neighbors[0].export;
	CU_ASSERT(im->present && ex->present);
	CU_ASSERT(im->line == 5 && im->col == 3);
	CU_ASSERT_EQUAL_FATAL(im->nplists, 2);
	CU_ASSERT_STRING_EQUAL(im->plists[0].name, "CUST");
	CU_ASSERT(im->plists[0].line == 6 && im->plists[0].col == 16);
	CU_ASSERT_STRING_EQUAL(im->plists[1].name, "CUST6");
	CU_ASSERT(im->reject_bogons && im->reject_default &&
		  im->reject_private_asn);
	CU_ASSERT_EQUAL(im->max_as_path_len, 32);
	CU_ASSERT_EQUAL(im->max_prefix, 1000);
	CU_ASSERT_EQUAL(im->max_prefix_action, CFG_MAXPFX_TEARDOWN);
	CU_ASSERT_EQUAL(im->max_prefix_restart, 60);
	CU_ASSERT_EQUAL(im->nh_check, 1);
	CU_ASSERT_EQUAL_FATAL(im->nnh_allow, 2);
	CU_ASSERT(pfx_is(&im->nh_allow[0], "192.0.2.0/24"));
	CU_ASSERT(pfx_is(&im->nh_allow[1], "2001:db8::/64"));
	CU_ASSERT(im->med_range && im->med_min == 0 && im->med_max == 1000);
	CU_ASSERT(im->local_pref_range && im->lp_min == 50 &&
		  im->lp_max == 200);
	/* Forward references resolve into this config's own array. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(im->plist_ref);
	CU_ASSERT_PTR_EQUAL(im->plist_ref[0], &c->plists[0]);
	CU_ASSERT_PTR_EQUAL(im->plist_ref[1], &c->plists[1]);
	CU_ASSERT(host("203.0.113.16/28", &x) &&
		  plist_match(im->plist_ref[0]->trie, &x));
	CU_ASSERT(host("203.0.113.16/29", &x) &&
		  !plist_match(im->plist_ref[0]->trie, &x));
	CU_ASSERT(host("2001:db8:1ff::/48", &x) &&
		  plist_match(im->plist_ref[1]->trie, &x));
	CU_ASSERT_EQUAL_FATAL(ex->nplists, 1);
	CU_ASSERT_PTR_EQUAL(ex->plist_ref[0], &c->plists[2]);
	CU_ASSERT(ex->reject_bogons && !ex->reject_default &&
		  !ex->reject_private_asn);
	CU_ASSERT(ex->nh_check && ex->nnh_allow == 1);
	CU_ASSERT(ex->med_range && ex->med_min == 5 && ex->med_max == 5);
	CU_ASSERT(!ex->local_pref_range && !ex->max_prefix);
	/* Defaults: warning, no restart; empty blocks are present. */
	im = &c->neighbors[1].import;
	ex = &c->neighbors[1].export;
	CU_ASSERT(im->present && ex->present);
	CU_ASSERT(im->max_prefix == 10 &&
		  im->max_prefix_action == CFG_MAXPFX_WARNING &&
		  im->max_prefix_restart == 0);
	CU_ASSERT(im->nh_check && im->nnh_allow == 0);
	CU_ASSERT(im->nplists == 0 && im->plist_ref == NULL);
	CU_ASSERT(!ex->reject_bogons && !ex->nh_check && !ex->nplists);
	config_free(c);

	/* No filter block: nothing present. */
	c = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2; }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT(!c->neighbors[0].import.present &&
		  !c->neighbors[0].export.present);
	config_free(c);
	/* max-prefix N warning, and teardown without restart. */
	c = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2; filter {\n"
		  "import { max-prefix 5 warning; } } }\n"
		  "neighbor 192.0.2.2 { local-as 1; peer-as 2; filter {\n"
		  "import { max-prefix 7 teardown; } } }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT(c->neighbors[0].import.max_prefix_action ==
		  CFG_MAXPFX_WARNING);
	CU_ASSERT(c->neighbors[1].import.max_prefix_action ==
			  CFG_MAXPFX_TEARDOWN &&
		  c->neighbors[1].import.max_prefix_restart == 0);
	config_free(c);
}

#define NB "neighbor 192.0.2.1 { local-as 1; peer-as 2;\n"

static const struct {
	const char *text, *want;
} filter_err_cases[] = {
	{ NB "filter { import { prefix-list NOPE; } } }\n",
	  "t.conf:2:31: prefix-list 'NOPE' is not defined" },
	{ "template { neighbor T { filter { export {\n"
	  "  prefix-list GONE; } } } }\n",
	  "t.conf:2:15: prefix-list 'GONE' is not defined" },
	{ NB "filter { export { max-prefix 10; } } }\n",
	  "t.conf:2:19: 'max-prefix' applies to import only (the routes the "
	  "peer sends)" },
	{ NB "filter { import { next-hop self; } } }\n",
	  "t.conf:2:28: 'next-hop self' is for export filters; an import "
	  "filter takes 'next-hop peer [PREFIX ...]'" },
	{ NB "filter { export { next-hop peer; } } }\n",
	  "t.conf:2:28: 'next-hop peer' is for import filters; an export "
	  "filter takes 'next-hop self [PREFIX ...]'" },
	{ NB "filter { import { next-hop 192.0.2.9; } } }\n",
	  "t.conf:2:28: 'next-hop' needs 'peer [PREFIX ...]' in an import "
	  "filter" },
	{ NB "filter { import { next-hop peer 10.0.0.1/8; } } }\n",
	  "t.conf:2:33: '10.0.0.1/8': host bits set; did you mean "
	  "10.0.0.0/8?" },
	{ NB "filter { import { med 10 5; } } }\n",
	  "t.conf:2:26: 'med 10 5': MIN is greater than MAX" },
	{ NB "filter { export { local-pref 300 200; } } }\n",
	  "t.conf:2:34: 'local-pref 300 200': MIN is greater than MAX" },
	{ NB "filter { import { med 10; } } }\n",
	  "t.conf:2:25: 'med' needs a number 0..4294967295" },
	{ NB "filter { import { max-prefix 0; } } }\n",
	  "t.conf:2:30: 'max-prefix' needs a number 1..4294967295" },
	{ NB "filter { import { max-prefix 5 later; } } }\n",
	  "t.conf:2:32: 'max-prefix N' is followed by warning or teardown "
	  "[restart SECONDS]" },
	{ NB "filter { import { max-prefix 5 teardown restart; } } }\n",
	  "t.conf:2:48: 'restart' needs a number 0..4294967295" },
	{ NB "filter { import { max-as-path-length 0; } } }\n",
	  "t.conf:2:38: 'max-as-path-length' needs a number 1..1000" },
	{ NB "filter { import { max-as-path-length 1001; } } }\n",
	  "t.conf:2:38: 'max-as-path-length' needs a number 1..1000" },
	/* Duplicate statements and blocks. */
	{ NB "filter { import { reject-bogons;\n reject-bogons; } } }\n",
	  "t.conf:3:2: 'reject-bogons' is already set in this block at 2:19" },
	{ NB "filter { import { med 1 2; med 1 2; } } }\n",
	  "t.conf:2:28: 'med' is already set in this block at 2:19" },
	{ NB "filter { import { prefix-list A; prefix-list A; } } }\n"
	     "prefix-list A { }\n",
	  "t.conf:2:46: prefix-list 'A' is already listed in this block at "
	  "2:31" },
	{ NB "filter { import { } import { } } }\n",
	  "t.conf:2:21: 'import' is already set in this block at 2:10" },
	{ NB "filter { import { } }\nfilter { export { } } }\n",
	  "t.conf:3:1: 'filter' is already set in this block at 2:1" },
	{ NB "filter { import { bogus; } } }\n",
	  "t.conf:2:19: unknown keyword 'bogus' in filter import block; "
	  "expected one of: prefix-list, reject-bogons, reject-default, "
	  "reject-private-asn, max-as-path-length, max-prefix, next-hop, "
	  "med, local-pref" },
	{ NB "filter { inbound { } } }\n",
	  "t.conf:2:10: unknown keyword 'inbound' in filter block; expected "
	  "one of: import, export" },
	{ NB "reject-bogons; }\n",
	  "t.conf:2:1: 'reject-bogons' does not belong in neighbor block; it "
	  "goes in a filter import/export block" },
	{ NB "filter { import { reject-default } } }\n",
	  "t.conf:2:34: 'reject-default' takes true|false or enable|disable" },
	/* prefix-list definitions */
	{ "prefix-list A { }\nprefix-list A { }\n",
	  "t.conf:2:13: prefix-list 'A' is already defined at 1:13" },
	{ "prefix-list A {\n\t192.0.2.0/24 le 16;\n}\n",
	  "t.conf:2:2: 192.0.2.0/24 le 16: le must be at least the prefix "
	  "length (24)" },
	{ "prefix-list A {\n\t192.0.2.0/24 ge 30 le 28;\n}\n",
	  "t.conf:2:2: 192.0.2.0/24 ge 30 le 28: ge must not be greater "
	  "than le" },
	{ "prefix-list A {\n\t2001:db8::/32 le 129;\n}\n",
	  "t.conf:2:19: 'le' needs a number 0..128" },
	{ "prefix-list A {\n\t192.0.2.0/24 le 33;\n}\n",
	  "t.conf:2:2: 192.0.2.0/24 le 33: le must be at most 32" },
	{ "prefix-list A {\n\t192.0.2.1/24;\n}\n",
	  "t.conf:2:2: '192.0.2.1/24': host bits set; did you mean "
	  "192.0.2.0/24?" },
	{ "prefix-list A {\n\t192.0.2.0/24 le 32 le 30;\n}\n",
	  "t.conf:2:21: 'le' is given twice in this entry" },
	{ "prefix-list A {\n\t192.0.2.0/24 le 32\n}\n",
	  "t.conf:2:20: expected ';' after '192.0.2.0/24 le 32'" },
	{ "prefix-list A {\n\t192.0.2.0/24;\n",
	  "t.conf:3:1: expected '}' to close prefix-list 'A' opened at 1:1" },
	{ "prefix-list A {\n\t; }\n",
	  "t.conf:2:2: expected a prefix [ge N] [le N] or '}' in prefix-list "
	  "'A', got ';'" },
	{ "prefix-list \"a b\" { }\n",
	  "t.conf:1:13: 'prefix-list' needs a name of 1..64 letters, digits "
	  "or - _ . :" },
	/* rfc8212 */
	{ "rfc8212 strict;\nrfc8212 loose;\n",
	  "t.conf:2:1: 'rfc8212' is already given at 1:1" },
	{ "rfc8212 on;\n", "t.conf:1:9: 'rfc8212' needs loose or strict" },
	/* process limits */
	{ "process p { run /bin/x; limits { cpu 7200; } }\n",
	  "t.conf:1:38: 'cpu 7200' is above the default: a limit only "
	  "tightens: the default is 3600" },
	{ "process p { run /bin/x; limits { memory 0; } }\n",
	  "t.conf:1:41: 'memory' needs a number 1..1024" },
	{ "process p { run /bin/x; limits { files 10; files 20; } }\n",
	  "t.conf:1:44: 'files' is already set in this block at 1:34" },
	{ "process p { run /bin/x; limits { nice 5; } }\n",
	  "t.conf:1:34: unknown keyword 'nice' in limits block; expected one "
	  "of: cpu, memory, processes, files, rate, burst" },
	{ "process p { run /bin/x; limits { } limits { } }\n",
	  "t.conf:1:36: 'limits' is already set in this block at 1:25" },
};

static void test_filter_errors(void)
{
	size_t ok = 0, n = sizeof(filter_err_cases) / sizeof(filter_err_cases[0]);

	char text[128], want[256];

	for (size_t i = 0; i < n; i++)
		ok += check_err(filter_err_cases[i].text,
				filter_err_cases[i].want);
	CU_ASSERT_EQUAL(ok, n);
	/* One above each default is refused, naming the default. */
	snprintf(text, sizeof(text),
		 "process p { run /bin/x; limits { rate %u; } }\n",
		 CFG_PROC_RATE_DEFAULT + 1);
	snprintf(want, sizeof(want),
		 "t.conf:1:39: 'rate %u' is above the default: a limit only "
		 "tightens: the default is %u",
		 CFG_PROC_RATE_DEFAULT + 1, CFG_PROC_RATE_DEFAULT);
	check_err(text, want);
	snprintf(text, sizeof(text),
		 "process p { run /bin/x; limits { burst %u; } }\n",
		 CFG_PROC_BURST_DEFAULT + 1);
	snprintf(want, sizeof(want),
		 "t.conf:1:40: 'burst %u' is above the default: a limit only "
		 "tightens: the default is %u",
		 CFG_PROC_BURST_DEFAULT + 1, CFG_PROC_BURST_DEFAULT);
	check_err(text, want);
	snprintf(text, sizeof(text),
		 "process p { run /bin/x; limits { processes %u; } }\n",
		 CFG_PROC_PROCESSES_DEFAULT + 1);
	snprintf(want, sizeof(want),
		 "t.conf:1:44: 'processes %u' is above the default: a limit "
		 "only tightens: the default is %u",
		 CFG_PROC_PROCESSES_DEFAULT + 1, CFG_PROC_PROCESSES_DEFAULT);
	check_err(text, want);
}

static void test_filter_roundtrip(void)
{
	static const char extra[] =
		"rfc8212 strict;\n"
		"process p { run /bin/x; limits { cpu 60; memory 128;\n"
		"  processes 4; files 32; rate 100; burst 200; } }\n"
		"template { neighbor T { filter { export { reject-default; } } "
		"} }\n"
		"neighbor 192.0.2.3 { inherit T; local-as 1; peer-as 1; }\n";
	struct config *c, *c2, *c3;
	char *text, *out, *out2;

	text = malloc(sizeof(filter_conf) + sizeof(extra));
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	snprintf(text, sizeof(filter_conf) + sizeof(extra), "%s%s",
		 filter_conf, extra);
	c = parse(text);
	free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	out = print_config(c, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "rfc8212 strict;\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\t203.0.113.0/24 le 28;\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "\t\t\tmax-prefix 1000 teardown restart 60;\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		out, "\t\t\tnext-hop peer 192.0.2.0/24 2001:db8::/64;\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\t\tcpu 60;\n"));
	c2 = parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT(config_equal(c, c2, 1));
	CU_ASSERT(config_equal(c2, c, 1));
	/* The reparsed config's references point into its own lists. */
	CU_ASSERT_PTR_EQUAL(c2->neighbors[0].import.plist_ref[0],
			    &c2->plists[0]);
	out2 = print_config(c2, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out2);
	CU_ASSERT_STRING_EQUAL(out, out2);
	free(out2);
	free(out);
	config_free(c2);

	/* Each new field counts for config_equal. */
	static const char *const changed[] = {
		"rfc8212 loose;",
		"limits { cpu 60; memory 128;\n  processes 4; files 32; "
		"rate 100; burst 199; }",
		"203.0.113.0/24 le 27;",
		"max-prefix 1000 teardown restart 61;",
		"med 0 1001;",
		"next-hop self;",
	};
	static const char *const orig[] = {
		"rfc8212 strict;",
		"limits { cpu 60; memory 128;\n  processes 4; files 32; "
		"rate 100; burst 200; }",
		"203.0.113.0/24 le 28;",
		"max-prefix 1000 teardown restart 60;",
		"med 0 1000;",
		"next-hop self 198.51.100.0/24;",
	};
	for (size_t i = 0; i < sizeof(orig) / sizeof(orig[0]); i++) {
		size_t cap = sizeof(filter_conf) + sizeof(extra) + 64;
		char *t = malloc(cap), *at;

		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		snprintf(t, cap, "%s%s", filter_conf, extra);
		at = strstr(t, orig[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		memmove(at + strlen(changed[i]), at + strlen(orig[i]),
			strlen(at + strlen(orig[i])) + 1);
		memcpy(at, changed[i], strlen(changed[i]));
		c3 = parse(t);
		free(t);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c3);
		if (config_equal(c, c3, 1))
			fprintf(stderr, "\n  change %zu not seen\n", i);
		CU_ASSERT(!config_equal(c, c3, 1));
		config_free(c3);
	}
	config_free(c);
}

/* A prefix-list edited under the same name changes the filter that uses
 * it (the session re-filters on reload); the same list does not. */
static void test_filter_equal_lists(void)
{
	static const char fmt[] =
		"prefix-list OURS { %s; }\n"
		"neighbor 192.0.2.2 { local-as 65001; peer-as 65002;\n"
		"  filter { export { prefix-list OURS; } } }\n";
	char t1[512], t2[512], t3[512];
	struct config *a, *b, *c;

	snprintf(t1, sizeof(t1), fmt, "100.10.0.0/16 le 32");
	snprintf(t2, sizeof(t2), fmt, "100.10.0.0/16 le 32");
	snprintf(t3, sizeof(t3), fmt, "100.11.0.0/16 le 32");
	a = parse(t1);
	b = parse(t2);
	c = parse(t3);
	CU_ASSERT_FATAL(a && b && c);
	CU_ASSERT_EQUAL(config_filter_equal(&a->neighbors[0].export,
					    &b->neighbors[0].export), 1);
	CU_ASSERT_EQUAL(config_filter_equal(&a->neighbors[0].export,
					    &c->neighbors[0].export), 0);
	CU_ASSERT_EQUAL(config_filter_equal(&a->neighbors[0].import,
					    &c->neighbors[0].import), 1);
	config_free(a);
	config_free(b);
	config_free(c);
}

static void test_filter_templates(void)
{
	static const char text[] =
		"template {\n"
		"\tneighbor BOTH { filter {\n"
		"\t\timport { prefix-list L; reject-bogons; }\n"
		"\t\texport { next-hop self; }\n"
		"\t} }\n"
		"\tneighbor EXPORT { filter { export { reject-default; } } }\n"
		"}\n"
		"neighbor 192.0.2.1 { inherit BOTH; local-as 1; peer-as 2; }\n"
		"neighbor 192.0.2.2 { inherit BOTH; local-as 1; peer-as 2;\n"
		"\tfilter { import { max-prefix 5; } } }\n"
		"neighbor 192.0.2.3 { inherit [ EXPORT BOTH ]; local-as 1; "
		"peer-as 2; }\n"
		"prefix-list L { 10.0.0.0/8 le 24; }\n";
	struct config *c = parse(text);
	const struct cfg_neighbor *n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nneighbors, 3);
	/* Both directions inherited; the references point into c. */
	n = &c->neighbors[0];
	CU_ASSERT(n->import.present && n->import.reject_bogons);
	CU_ASSERT_EQUAL_FATAL(n->import.nplists, 1);
	CU_ASSERT_STRING_EQUAL(n->import.plists[0].name, "L");
	CU_ASSERT_PTR_NOT_NULL_FATAL(n->import.plist_ref);
	CU_ASSERT_PTR_EQUAL(n->import.plist_ref[0], &c->plists[0]);
	CU_ASSERT(n->export.present && n->export.nh_check);
	/* The neighbor's own import replaces the template's; the export
	 * still comes from the template. */
	n = &c->neighbors[1];
	CU_ASSERT(n->import.present && n->import.max_prefix == 5);
	CU_ASSERT(!n->import.reject_bogons && n->import.nplists == 0);
	CU_ASSERT(n->export.present && n->export.nh_check);
	/* Per direction, the first template that sets it wins. */
	n = &c->neighbors[2];
	CU_ASSERT(n->export.reject_default && !n->export.nh_check);
	CU_ASSERT(n->import.present && n->import.reject_bogons);
	CU_ASSERT_PTR_EQUAL(n->import.plist_ref[0], &c->plists[0]);
	config_free(c);
}

static void test_proc_limits(void)
{
	struct config *c;
	const struct cfg_process *pr;
	char text[512];

	snprintf(text, sizeof(text),
		 "process a { run /bin/a; }\n"
		 "process b { run /bin/b; limits { cpu 10; memory 64; "
		 "processes 1; files 16; rate 5; burst 10; } }\n"
		 "process c { run /bin/c; limits { rate %u; } }\n",
		 CFG_PROC_RATE_DEFAULT);
	c = parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nprocesses, 3);
	pr = &c->processes[0];
	CU_ASSERT_EQUAL(pr->lim_cpu_s, CFG_PROC_CPU_DEFAULT);
	CU_ASSERT_EQUAL(pr->lim_memory_mb, CFG_PROC_MEMORY_DEFAULT);
	CU_ASSERT_EQUAL(pr->lim_processes, CFG_PROC_PROCESSES_DEFAULT);
	CU_ASSERT_EQUAL(pr->lim_files, CFG_PROC_FILES_DEFAULT);
	CU_ASSERT_EQUAL(pr->rate, CFG_PROC_RATE_DEFAULT);
	CU_ASSERT_EQUAL(pr->burst, CFG_PROC_BURST_DEFAULT);
	pr = &c->processes[1];
	CU_ASSERT(pr->lim_cpu_s == 10 && pr->lim_memory_mb == 64 &&
		  pr->lim_processes == 1 && pr->lim_files == 16 &&
		  pr->rate == 5 && pr->burst == 10);
	/* The default itself is allowed; unset ones keep their default. */
	pr = &c->processes[2];
	CU_ASSERT(pr->rate == CFG_PROC_RATE_DEFAULT &&
		  pr->burst == CFG_PROC_BURST_DEFAULT &&
		  pr->lim_cpu_s == CFG_PROC_CPU_DEFAULT);
	config_free(c);
}

struct warn_acc {
	size_t n;
	char lines[8][512];
};

static void warn_cb(const char *line, void *arg)
{
	struct warn_acc *w = arg;

	if (w->n < 8)
		snprintf(w->lines[w->n], sizeof(w->lines[0]), "%s", line);
	w->n++;
}

static void test_warnings(void)
{
	static const char text[] =
		"neighbor 192.0.2.1 { local-as 1; peer-as 2; }\n"
		"neighbor 192.0.2.2 { local-as 1; peer-as 1; }\n"
		"neighbor 192.0.2.3 { local-as 1; peer-as 3;\n"
		"  filter { import { } } }\n"
		"neighbor 192.0.2.4 { local-as 1; peer-as 4;\n"
		"  filter { import { } export { } } }\n";
	struct warn_acc w = { 0 };
	struct config *c = parse(text);
	char *strict;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	config_warnings(c, "t.conf", warn_cb, &w);
	/* eBGP .1 both directions, .3 export; iBGP .2 and .4 none. */
	CU_ASSERT_EQUAL_FATAL(w.n, 3);
	CU_ASSERT_STRING_EQUAL(
		w.lines[0],
		"t.conf:1:10: warning: eBGP neighbor 192.0.2.1 has no import "
		"filter (RFC 8212: add filter { import { ... } } or 'rfc8212 "
		"strict;')");
	CU_ASSERT_STRING_EQUAL(
		w.lines[1],
		"t.conf:1:10: warning: eBGP neighbor 192.0.2.1 has no export "
		"filter (RFC 8212: add filter { export { ... } } or 'rfc8212 "
		"strict;')");
	CU_ASSERT_STRING_EQUAL(
		w.lines[2],
		"t.conf:3:10: warning: eBGP neighbor 192.0.2.3 has no export "
		"filter (RFC 8212: add filter { export { ... } } or 'rfc8212 "
		"strict;')");
	config_free(c);

	strict = malloc(sizeof(text) + 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(strict);
	snprintf(strict, sizeof(text) + 32, "%srfc8212 strict;\n", text);
	c = parse(strict);
	free(strict);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	memset(&w, 0, sizeof(w));
	config_warnings(c, "s.conf", warn_cb, &w);
	CU_ASSERT_EQUAL_FATAL(w.n, 3);
	CU_ASSERT_STRING_EQUAL(
		w.lines[0],
		"s.conf:1:10: warning: eBGP neighbor 192.0.2.1 has no import "
		"filter: with 'rfc8212 strict;' it will accept nothing (RFC "
		"8212: add filter { import { ... } })");
	CU_ASSERT_STRING_EQUAL(
		w.lines[2],
		"s.conf:3:10: warning: eBGP neighbor 192.0.2.3 has no export "
		"filter: with 'rfc8212 strict;' it will send nothing (RFC "
		"8212: add filter { export { ... } })");
	config_free(c);
}

static void test_neighbor_equal_ignores_filters(void)
{
	struct config *a, *b;

	a = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2;\n"
		  "  filter { import { reject-bogons; } } }\n");
	b = parse("neighbor 192.0.2.1 { local-as 1; peer-as 2;\n"
		  "  filter { import { max-prefix 9; } export { } } }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	/* No session restart for a filter change, but the configs differ. */
	CU_ASSERT(config_neighbor_equal(&a->neighbors[0], &b->neighbors[0]));
	CU_ASSERT(!config_equal(a, b, 0));
	config_free(b);
	b = parse("neighbor 192.0.2.1 { local-as 1; peer-as 3;\n"
		  "  filter { import { reject-bogons; } } }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT(!config_neighbor_equal(&a->neighbors[0], &b->neighbors[0]));
	config_free(b);
	config_free(a);
}

/* --- secfile -------------------------------------------------------------- */

static void test_secfile_symlink(void)
{
	char link[PATH_MAX + 64], err[1024] = "";
	const char *target = put_file("real.conf", "user x;\n", 0600);
	struct stat st;
	char *buf;
	size_t len;
	int fd;

	snprintf(link, sizeof(link), "%s/link.conf", tmpdir);
	unlink(link);
	CU_ASSERT_FATAL(symlink(target, link) == 0);
	CU_ASSERT_EQUAL(secfile_open(link, 0, 0, &fd, &st, err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(fd, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is a symbolic link"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, target));
	CU_ASSERT_EQUAL(secfile_read(link, 1, 0, &buf, &len, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NULL(buf);
	/* The real path is fine. */
	CU_ASSERT_EQUAL(
		secfile_read(target, 1, 0, &buf, &len, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(len, 8);
	secfile_wipe(buf, len);
}

static void test_secfile_writable(void)
{
	static const mode_t modes[] = { 0620, 0602, 0666, 0660 };
	char err[1024], want[PATH_MAX + 64];
	struct stat st;
	int fd;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *p = put_file("w.conf", "user x;\n", modes[i]);

		err[0] = 0;
		CU_ASSERT_EQUAL(
			secfile_open(p, 0, 0, &fd, &st, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "chmod go-w %s", p);
		if (!strstr(err, want))
			fprintf(stderr, "\n  mode %o: '%s'\n", modes[i], err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	}
}

static void test_secfile_private(void)
{
	char err[1024], want[PATH_MAX + 64];
	const char *p;
	struct stat st;
	int fd;

	p = put_file("s.key", "secret\n", 0644);
	err[0] = 0;
	CU_ASSERT_EQUAL(secfile_open(p, 1, 0, &fd, &st, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "chmod o-r %s", p);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	/* Not private: 0644 passes. */
	CU_ASSERT_EQUAL(secfile_open(p, 0, 0, &fd, &st, err, sizeof(err)), 0);
	close(fd);
	p = put_file("s.key", "secret\n", 0640);
	CU_ASSERT_EQUAL(secfile_open(p, 1, 0, &fd, &st, err, sizeof(err)), 0);
	close(fd);
	p = put_file("s.key", "secret\n", 0600);
	CU_ASSERT_EQUAL(secfile_open(p, 1, 0, &fd, &st, err, sizeof(err)), 0);
	/* The later check works on the stat it was given. */
	st.st_mode |= S_IROTH;
	CU_ASSERT_EQUAL(secfile_check_private(p, &st, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	close(fd);
}

static uid_t other_uid(void)
{
	uid_t u = 40000 + (getpid() % 20000);

	return u == geteuid() ? u + 1 : u;
}

static void test_secfile_owner(void)
{
	char err[1024] = "", want[64];
	const char *p = put_file("o.conf", "user x;\n", 0600);
	uid_t u = other_uid();
	struct stat st;
	int fd;

	fd = open(p, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	if (fchown(fd, u, (gid_t)-1) < 0) {
		close(fd);
		CU_FAIL("fchown (the tests run as root)");
		return;
	}
	close(fd);
	CU_ASSERT_EQUAL(secfile_open(p, 0, 0, &fd, &st, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "is owned by uid %u", (unsigned int)u);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "chown root"));
	/* The allowed user may own it. */
	CU_ASSERT_EQUAL(secfile_open(p, 0, u, &fd, &st, err, sizeof(err)), 0);
	close(fd);
	CU_ASSERT_EQUAL(secfile_open(p, 0, u + 1, &fd, &st, err, sizeof(err)),
			-1);
}

static void test_secfile_not_regular(void)
{
	char err[1024] = "";
	struct stat st;
	int fd;

	CU_ASSERT_EQUAL(secfile_open(tmpdir, 0, 0, &fd, &st, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not a regular file"));
	CU_ASSERT_EQUAL(secfile_open("/nonexistent/x", 0, 0, &fd, &st, err,
				     sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open"));
}

/*
 * What is read is what was checked: replace the path after secfile_open
 * (a rename over it, then a symlink in its place) and the read still
 * gives the checked file's bytes.
 */
static void test_secfile_swap(void)
{
	const char *good = "guard { allow 192.0.2.0/24; }\n";
	char err[1024] = "", evil[PATH_MAX + 64], *buf;
	const char *p = put_file("swap.conf", good, 0644);
	struct config *c;
	struct stat st;
	size_t len;
	int fd;

	CU_ASSERT_EQUAL_FATAL(secfile_open(p, 0, 0, &fd, &st, err, sizeof(err)),
			      0);
	put_file("evil.conf", "guard { allow 0.0.0.0/0; }\n", 0666);
	snprintf(evil, sizeof(evil), "%s/evil.conf", tmpdir);
	CU_ASSERT_FATAL(rename(evil, p) == 0);
	CU_ASSERT_EQUAL_FATAL(
		secfile_read_fd(fd, p, &buf, &len, err, sizeof(err)), 0);
	close(fd);
	CU_ASSERT_EQUAL(len, strlen(good));
	CU_ASSERT_STRING_EQUAL(buf, good);
	CU_ASSERT_EQUAL_FATAL(
		config_parse_buf(buf, len, p, &c, err, sizeof(err)), 0);
	CU_ASSERT(pfx_is(&c->guard.allow[0].pfx, "192.0.2.0/24"));
	config_free(c);
	secfile_wipe(buf, len);

	/* And a symlink swapped in. */
	p = put_file("swap.conf", good, 0644);
	CU_ASSERT_EQUAL_FATAL(secfile_open(p, 0, 0, &fd, &st, err, sizeof(err)),
			      0);
	put_file("evil.conf", "user evil;\n", 0666);
	CU_ASSERT_FATAL(unlink(p) == 0);
	CU_ASSERT_FATAL(symlink(evil, p) == 0);
	CU_ASSERT_EQUAL_FATAL(
		secfile_read_fd(fd, p, &buf, &len, err, sizeof(err)), 0);
	close(fd);
	CU_ASSERT_STRING_EQUAL(buf, good);
	secfile_wipe(buf, len);
	/* The swapped-in file is refused when opened afresh. */
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(c);
	unlink(p);
}

/* --- config_load: the whole secure path ----------------------------------- */

static void test_load_config_modes(void)
{
	const char *inl = "neighbor 192.0.2.1 { local-as 1; peer-as 2; "
			  "md5-password \"pw\"; }\n";
	char err[1024] = "", want[PATH_MAX + 64];
	struct config *c;
	const char *p;

	p = put_file("plain.conf", "guard { allow 10.0.0.0/8; }\n", 0644);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(c);
	config_free(c);

	/* A world-readable config with an inline password is refused;
	 * 0640 and 0600 are accepted. */
	p = put_file("inline.conf", inl, 0644);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(c);
	snprintf(want, sizeof(want), "chmod o-r %s", p);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	p = put_file("inline.conf", inl, 0640);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), 0);
	if (c) {
		CU_ASSERT_EQUAL(c->neighbors[0].md5.secret.len, 2);
		config_free(c);
	}

	p = put_file("gw.conf", "user x;\n", 0664);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "chmod go-w %s", p);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	p = put_file("ww.conf", "user x;\n", 0646);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "chmod go-w %s", p);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));

	/* Parse errors come back with the path as the file name. */
	p = put_file("bad.conf", "user x;\nbogus;\n", 0644);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2:1: unknown keyword 'bogus'", p);
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
}

static void test_load_secret_files(void)
{
	char err[1024] = "", want[PATH_MAX + 128], sub[PATH_MAX + 64];
	struct config *c;
	const char *p, *k;

	snprintf(sub, sizeof(sub), "%s/keys", tmpdir);
	mkdir(sub, 0700);
	put_file("keys/peer.key", "s3cret\n", 0600);
	put_file("ao.b64", "YW8tc2VjcmV0\r\n", 0640);
	p = put_file("sec.conf",
		     "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		     "\tmd5-password-file keys/peer.key;\n}\n"
		     "neighbor 192.0.2.2 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		     "\ttcp-ao {\n\t\tpassword-file ao.b64;\n"
		     "\t\tbase64 true;\n\t}\n}\n",
		     0644);
	CU_ASSERT_EQUAL_FATAL(config_load(p, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c->inline_secrets, 0);
	CU_ASSERT_EQUAL(c->neighbors[0].md5.secret.loaded, 1);
	CU_ASSERT_EQUAL_FATAL(c->neighbors[0].md5.secret.len, 6);
	CU_ASSERT(!memcmp(c->neighbors[0].md5.secret.key, "s3cret", 6));
	CU_ASSERT_EQUAL(c->neighbors[1].tcp_ao.secret.loaded, 1);
	CU_ASSERT_EQUAL_FATAL(c->neighbors[1].tcp_ao.secret.len, 9);
	CU_ASSERT(!memcmp(c->neighbors[1].tcp_ao.secret.key, "ao-secret", 9));
	config_free(c);

	/* A world-readable key file: refused at the statement naming it. */
	k = put_file("keys/peer.key", "s3cret\n", 0604);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(c);
	snprintf(want, sizeof(want), "%s:4:2: %s is readable by everyone", p,
		 k);
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
	snprintf(want, sizeof(want), "chmod o-r %s", k);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));

	/* A key file that is a symlink. */
	k = put_file("real.key", "s3cret\n", 0600);
	snprintf(sub, sizeof(sub), "%s/keys/peer.key", tmpdir);
	unlink(sub);
	CU_ASSERT_FATAL(symlink(k, sub) == 0);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is a symbolic link"));
	unlink(sub);

	/* Empty, too long, not base64. */
	k = put_file("keys/peer.key", "\n", 0600);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:4:2: md5-password-file %s is empty", p,
		 k);
	CU_ASSERT_STRING_EQUAL(err, want);
	k = put_file("keys/peer.key",
		     "0123456789012345678901234567890123456789"
		     "0123456789012345678901234567890123456789X",
		     0600);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "holds more than 80 bytes"));
	put_file("keys/peer.key", "s3cret\n", 0600);
	put_file("ao.b64", "not base64!\n", 0600);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not valid base64"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":10:3: "));

	/* A missing key file names the path it looked for. */
	put_file("ao.b64", "YW8tc2VjcmV0\n", 0600);
	snprintf(sub, sizeof(sub), "%s/keys/peer.key", tmpdir);
	unlink(sub);
	CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, sub));

	/* config_load_secrets on a buffer config, with an allowed uid. */
	put_file("keys/peer.key", "s3cret\n", 0600);
	{
		const char *text = "neighbor 192.0.2.1 { local-as 1; "
				   "peer-as 2; md5-password-file "
				   "keys/peer.key; }";

		CU_ASSERT_EQUAL_FATAL(config_parse_buf(text, strlen(text),
						       "buf.conf", &c, err,
						       sizeof(err)),
				      0);
		CU_ASSERT_EQUAL(config_load_secrets(c, "buf.conf", tmpdir,
						    other_uid(), err,
						    sizeof(err)),
				0);
		CU_ASSERT_EQUAL(c->neighbors[0].md5.secret.len, 6);
		config_free(c);
	}
}

/* --- main ----------------------------------------------------------------- */

static int files_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bgps-test-config.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	/* Files get exact modes from fchmod; keep umask out of the way. */
	umask(022);
	return 0;
}

static int files_cleanup(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* The source tree: $BGPSHIELD_SRCDIR, else the current folder when it has
 * the configs, else three levels up from this file when built with an
 * absolute path. */
static void find_srcdir(void)
{
	const char *env = getenv("BGPSHIELD_SRCDIR");
	char f[PATH_MAX], *slash;
	struct stat st;
	int up;

	snprintf(srcdir, sizeof(srcdir), ".");
	if (env && *env) {
		snprintf(srcdir, sizeof(srcdir), "%s", env);
		return;
	}
	if (!stat("selftests/unit/configs", &st) || __FILE__[0] != '/')
		return;
	snprintf(f, sizeof(f), "%s", __FILE__);
	for (up = 0; up < 3 && (slash = strrchr(f, '/')); up++)
		*slash = 0;
	if (up == 3 && f[0])
		snprintf(srcdir, sizeof(srcdir), "%s", f);
}

/* --- flow routes (issue 14): ExaBGP 4.2's flow block ---------------------- */

#define FLOW_NB "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"

static void test_flow_parse(void)
{
	struct config *c = parse(
		FLOW_NB
		"\tflowspec { enforce; }\n"
		"\tflow {\n"
		"\t\troute first {\n"
		"\t\t\tmatch {\n"
		"\t\t\t\tsource 10.0.0.0/24;\n"
		"\t\t\t\tdestination 192.0.2.0/24;\n"
		"\t\t\t\tprotocol [ tcp udp ];\n"
		"\t\t\t\tport [ =80 >=1024&<=2048 ];\n"
		"\t\t\t\ttcp-flags [ syn ack ];\n"
		"\t\t\t\tfragment [ not-a-fragment is-fragment "
		"first-fragment last-fragment ];\n"
		"\t\t\t}\n"
		"\t\t\tthen { rate-limit 9600; redirect 65500:12345; "
		"mark 10; action sample-terminal; }\n"
		"\t\t}\n"
		"\t\troute v6 { match { destination 2001:db8::/32; "
		"next-header udp; flow-label >100&<2000; } then { discard; } }\n"
		"\t}\n}\n");
	const struct cfg_neighbor *n;
	const struct fs_rule *r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	n = &c->neighbors[0];
	CU_ASSERT_EQUAL(n->flow_enforce, CFG_FLOW_ENF_BOTH);
	CU_ASSERT_EQUAL(n->flow_allow_nodst, 0);
	CU_ASSERT_EQUAL_FATAL(n->nflows, 2);
	CU_ASSERT_STRING_EQUAL(n->flows[0].name, "first");
	CU_ASSERT(n->flows[0].line == 6 && n->flows[0].col == 9);
	r = &n->flows[0].rule;
	CU_ASSERT_EQUAL(r->family, AF_INET);
	/* written source first: sorted by type (RFC 8955 §4.2) */
	CU_ASSERT_EQUAL_FATAL(r->ncomp, 6);
	CU_ASSERT_EQUAL(r->comp[0].type, FS_DST);
	CU_ASSERT_EQUAL(r->comp[0].plen, 24);
	CU_ASSERT_EQUAL(r->comp[0].addr[0], 192);
	CU_ASSERT_EQUAL(r->comp[1].type, FS_SRC);
	CU_ASSERT_EQUAL(r->comp[2].type, FS_PROTO);
	CU_ASSERT_EQUAL(r->comp[2].nops, 2);
	CU_ASSERT_EQUAL(r->comp[2].ops[1].value, 17);
	CU_ASSERT_EQUAL(r->comp[3].type, FS_PORT);
	CU_ASSERT_EQUAL(r->comp[3].ops[2].flags,
			FS_OP_AND | FS_OP_LT | FS_OP_EQ);
	CU_ASSERT_EQUAL(r->comp[4].type, FS_TCP_FLAGS);
	CU_ASSERT_EQUAL(r->comp[5].type, FS_FRAG);
	CU_ASSERT_EQUAL(r->comp[5].nops, 4);
	CU_ASSERT_EQUAL(r->comp[5].ops[3].value, 8);
	CU_ASSERT_EQUAL(r->act.flags, FS_ACT_RATE_BYTES | FS_ACT_REDIRECT |
					      FS_ACT_MARK | FS_ACT_ACTION);
	CU_ASSERT_EQUAL(r->act.rate_bytes, 9600.0f);
	CU_ASSERT_EQUAL(r->act.redirect,
			(0x8008ULL << 48) | (65500ULL << 32) | 12345);
	CU_ASSERT_EQUAL(r->act.dscp, 10);
	CU_ASSERT_EQUAL(r->act.action, FS_TA_SAMPLE | FS_TA_TERMINAL);
	r = &n->flows[1].rule;
	CU_ASSERT_EQUAL(r->family, AF_INET6);
	CU_ASSERT_EQUAL(r->ncomp, 3);
	CU_ASSERT_EQUAL(r->comp[2].type, FS_FLOW_LABEL);
	CU_ASSERT_EQUAL(r->act.flags, FS_ACT_RATE_BYTES);
	CU_ASSERT_EQUAL(r->act.rate_bytes, 0.0f);
	config_free(c);
}

static void test_flow_errors(void)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		{ FLOW_NB "\tflow { route a { match { source 10.0.0.0/24; } } "
			  "}\n}\n",
		  "t.conf:4:15: flow route 'a' is refused: a flow rule without "
		  "a destination prefix matches every address; 'flowspec { "
		  "allow-no-destination; }' allows it" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "port =80; port =81; } } }\n}\n",
		  "t.conf:4:61: 'port' is given twice in one rule: each "
		  "component once (RFC 8955 §4.2); list the values in one [ ]" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "source 2001:db8::/32; } } }\n}\n",
		  "t.conf:4:58: 'source' makes the rule IPv6, but it is IPv4 "
		  "already (one family per rule; write an IPv4 and an IPv6 "
		  "rule)" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "port [ 1 2 3 4 5 6 7 8 9 ]; } } }\n}\n",
		  "t.conf:4:74: 'port' has more than 8 values (the limit of one "
		  "component)" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "port >1&; } } }\n}\n",
		  "t.conf:4:56: 'port': a value cannot end with '&'" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "tcp-flags bogus; } } }\n}\n",
		  "t.conf:4:61: bad tcp-flags value 'bogus' (a number or a "
		  "name)" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "} then { redirect-to-nexthop; } } }\n}\n",
		  "t.conf:4:60: 'redirect-to-nexthop' is not implemented: it "
		  "redirects or copies to a next hop "
		  "(draft-ietf-idr-flowspec-redirect-ip), and a bgpshield rule "
		  "carries no next hop" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "} then { community [ 1:1 ]; } } }\n}\n",
		  "t.conf:4:60: 'community' on a flow route is not "
		  "implemented: a bgpshield rule carries its actions only "
		  "(RFC 8955 §7)" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "} then { discard; rate-limit 5; } } }\n}\n",
		  "t.conf:4:80: 'rate-limit': the rule has a traffic rate "
		  "already (discard or rate-limit: one per rule)" },
		{ FLOW_NB "\tflow { route a { match { destination [ "
			  "10.0.0.0/8 ]; } } }\n}\n",
		  "t.conf:4:39: 'destination' takes one prefix, not a list" },
		{ FLOW_NB "\tflow { route a { rd 1:1; } }\n}\n",
		  "t.conf:4:19: 'rd' makes a flow-vpn rule (RFC 8955 §8), "
		  "which bgpshield does not implement" },
		{ FLOW_NB "\tflow { route a { then { discard; } } }\n}\n",
		  "t.conf:4:15: flow route 'a' needs a match block" },
		/* IPv4's ICMP names in an IPv6 rule: refused where seen, or
		 * at the end when the family comes after them */
		{ FLOW_NB "\tflow { route a { match { destination "
			  "2001:db8::/32; icmp-type echo-request; } } }\n}\n",
		  "t.conf:4:64: 'icmp-type' names are IPv4's ICMP values (RFC "
		  "792) and this is an IPv6 rule: write the ICMPv6 number "
		  "(RFC 4443)" },
		{ FLOW_NB "\tflow { route a { match { protocol icmp; "
			  "destination 2001:db8::/32; } } }\n}\n",
		  "t.conf:4:15: flow route 'a': 'icmp' is IPv4's ICMP "
		  "(protocol 1) and this is an IPv6 rule: write 'next-header "
		  "58' for ICMPv6 (RFC 4443)" },
		{ FLOW_NB "\tflow {\n\t\troute a { match { destination "
			  "10.0.0.0/8; } }\n\t\troute a { match { destination "
			  "10.0.0.0/9; } }\n\t}\n}\n",
		  "t.conf:6:9: flow route 'a' is already defined at 5:9" },
		{ FLOW_NB "\tflow {\n\t\troute a { match { destination "
			  "10.0.0.0/8; } }\n\t\troute b { match { destination "
			  "10.0.0.0/8; } then { discard; } }\n\t}\n}\n",
		  "t.conf:6:9: flow route 'b' matches the same as flow route "
		  "'a' at 5:9 (one rule, one NLRI)" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "bogus 1; } } }\n}\n",
		  "t.conf:4:51: unknown keyword 'bogus' in the match block "
		  "(source, destination, protocol, port, ...: docs/CONFIG.md)" },
		{ FLOW_NB "\tflow { route a { match { destination 10.0.0.0/8; "
			  "} then { mark 64; } } }\n}\n",
		  "t.conf:4:65: 'mark' needs a DSCP 0..63, got '64'" },
		{ FLOW_NB "\tflowspec { enforce; enforce; }\n}\n",
		  "t.conf:4:22: 'enforce' is already set in this block at "
		  "4:13" },
		/* the export filter's prefix-lists bound the destinations */
		{ "prefix-list OURS { 192.0.2.0/24 le 32; }\n" FLOW_NB
		  "\tfilter { export { prefix-list OURS; } }\n"
		  "\tflow { route a { match { destination 198.51.100.0/24; } } "
		  "}\n}\n",
		  "t.conf:6:15: flow route 'a' is refused: destination "
		  "198.51.100.0/24 is not in the export prefix-list" },
		{ "prefix-list OURS { 192.0.2.0/24 le 32; }\n" FLOW_NB
		  "\tflowspec { allow-no-destination; }\n"
		  "\tfilter { export { prefix-list OURS; } }\n"
		  "\tflow { route a { match { source 198.51.100.0/24; } } "
		  "}\n}\n",
		  "t.conf:7:15: flow route 'a' is refused: a flow rule without "
		  "a destination is not covered by the export prefix-lists" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_err(t[i].text, t[i].want);
}

static void test_flow_policy(void)
{
	struct config *c;

	/* inside the export prefix-list: taken */
	c = parse("prefix-list OURS { 192.0.2.0/24 le 32; }\n" FLOW_NB
		  "\tfilter { export { prefix-list OURS; } }\n"
		  "\tflow { route a { match { destination 192.0.2.128/25; } "
		  "then { discard; } } }\n}\n");
	CU_ASSERT_PTR_NOT_NULL(c);
	config_free(c);
	/* no destination, allowed explicitly, no export prefix-list */
	c = parse(FLOW_NB "\tflowspec { allow-no-destination true; }\n"
			  "\tflow { route a { match { source 10.0.0.0/8; } } }\n"
			  "}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->neighbors[0].flow_allow_nodst, 1);
	CU_ASSERT_EQUAL(c->neighbors[0].flow_enforce, 0);
	config_free(c);
}

/* A template's flows and flowspec block go to its neighbors; a flow the
 * neighbor names itself wins. */
static void test_flow_template(void)
{
	struct config *c = parse(
		"template {\n\tneighbor t {\n\t\tflowspec { enforce; }\n"
		"\t\tflow {\n\t\t\troute a { match { destination "
		"10.0.0.0/8; } then { discard; } }\n"
		"\t\t\troute b { match { destination 10.1.0.0/16; } }\n"
		"\t\t}\n\t}\n}\n" FLOW_NB "\tinherit t;\n"
		"\tflow { route b { match { destination 10.2.0.0/16; } } }\n"
		"}\n");
	const struct cfg_neighbor *n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	n = &c->neighbors[0];
	CU_ASSERT_EQUAL(n->flow_enforce, CFG_FLOW_ENF_BOTH);
	CU_ASSERT_EQUAL_FATAL(n->nflows, 2);
	CU_ASSERT_STRING_EQUAL(n->flows[0].name, "b");
	CU_ASSERT_EQUAL(n->flows[0].rule.comp[0].addr[1], 2);
	CU_ASSERT_STRING_EQUAL(n->flows[1].name, "a");
	config_free(c);
}

/* A changed rule needs no session restart; config_equal still sees it. */
static void test_flow_compare(void)
{
	struct config *a = parse(FLOW_NB "\tflow { route a { match { "
					 "destination 10.0.0.0/8; } } }\n}\n");
	struct config *b = parse(FLOW_NB "\tflow { route a { match { "
					 "destination 10.0.0.0/8; port 80; "
					 "} } }\n}\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT(config_neighbor_equal(&a->neighbors[0], &b->neighbors[0]));
	CU_ASSERT(!config_flows_equal(&a->neighbors[0], &b->neighbors[0]));
	CU_ASSERT(!config_equal(a, b, 0));
	CU_ASSERT(config_equal(a, a, 0));
	config_free(a);
	config_free(b);
}

/* cfg_flow_allowed(): the check apiproc makes for an API rule toward
 * each neighbor, with a rule built by the word parsers the API uses. */
static void test_flow_allowed(void)
{
	struct config *c = parse(
		"prefix-list OURS { 192.0.2.0/24 le 32; }\n"
		"neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		"\tfilter { export { prefix-list OURS; } }\n}\n"
		"neighbor 192.0.2.2 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		"\tflowspec { allow-no-destination; }\n}\n");
	struct fs_rule r;
	char why[256] = "";
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	memset(&r, 0, sizeof(r));
	i = cfg_flow_match(&r, "destination", why, sizeof(why));
	CU_ASSERT_EQUAL_FATAL(i, 0);
	CU_ASSERT_EQUAL(cfg_flow_word(&r, i, "192.0.2.64/26", why,
				      sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_finish(&r, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_allowed(&c->neighbors[0], &r, why,
					 sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_allowed(&c->neighbors[1], &r, why,
					 sizeof(why)), 0);

	memset(&r, 0, sizeof(r));
	i = cfg_flow_match(&r, "destination", why, sizeof(why));
	CU_ASSERT_EQUAL(cfg_flow_word(&r, i, "198.51.100.0/24", why,
				      sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_finish(&r, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_allowed(&c->neighbors[0], &r, why,
					 sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "destination 198.51.100.0/24 is not in "
				    "the export prefix-list");
	/* no export prefix-list: any destination */
	CU_ASSERT_EQUAL(cfg_flow_allowed(&c->neighbors[1], &r, why,
					 sizeof(why)), 0);

	memset(&r, 0, sizeof(r));
	i = cfg_flow_match(&r, "protocol", why, sizeof(why));
	CU_ASSERT_EQUAL(cfg_flow_word(&r, i, "udp", why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_finish(&r, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(r.family, AF_INET);
	CU_ASSERT_EQUAL(cfg_flow_allowed(&c->neighbors[0], &r, why,
					 sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "a flow rule without a destination "
				    "prefix matches every address; 'flowspec "
				    "{ allow-no-destination; }' allows it");
	CU_ASSERT_EQUAL(cfg_flow_allowed(&c->neighbors[1], &r, why,
					 sizeof(why)), 0);
	config_free(c);
}

/* flowspec { enforce [announced|received|BOOL]; }: which direction's
 * rules go into the guard, and the bounds on a received rule. */
static void test_flow_enforce_dirs(void)
{
	static const struct {
		const char *word;
		int want;
	} t[] = { { "", CFG_FLOW_ENF_BOTH },
		  { " true", CFG_FLOW_ENF_BOTH },
		  { " false", 0 },
		  { " announced", CFG_FLOW_ENF_ANNOUNCED },
		  { " received", CFG_FLOW_ENF_RECEIVED } };
	struct fs_rule r;
	char text[512], why[256] = "";
	struct config *c;
	int i;

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		snprintf(text, sizeof(text),
			 FLOW_NB "\tflowspec { enforce%s; }\n}\n", t[k].word);
		c = parse(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_EQUAL(c->neighbors[0].flow_enforce, t[k].want);
		config_free(c);
	}
	check_err(FLOW_NB "\tflowspec { enforce both; }\n}\n",
		  "t.conf:4:21: 'enforce' takes announced, received, true or "
		  "false");

	/* received: inside the import prefix-lists, a destination needed */
	c = parse("prefix-list THEIRS { 192.0.2.0/24 le 32; }\n"
		  "neighbor 192.0.2.1 {\n\tlocal-as 1;\n\tpeer-as 2;\n"
		  "\tfilter { import { prefix-list THEIRS; } }\n"
		  "\tflowspec { enforce received; }\n}\n"
		  "neighbor 192.0.2.2 {\n\tlocal-as 1;\n\tpeer-as 2;\n}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	memset(&r, 0, sizeof(r));
	i = cfg_flow_match(&r, "destination", why, sizeof(why));
	CU_ASSERT_EQUAL(cfg_flow_word(&r, i, "198.51.100.0/24", why,
				      sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_finish(&r, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_enforceable_in(&c->neighbors[0], &r, why,
						sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "destination 198.51.100.0/24 is not in "
				    "the import prefix-list");
	/* the export side has no prefix-list: it may be sent */
	CU_ASSERT_EQUAL(cfg_flow_allowed(&c->neighbors[0], &r, why,
					 sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_enforceable_in(&c->neighbors[1], &r, why,
						sizeof(why)), 0);
	memset(&r, 0, sizeof(r));
	i = cfg_flow_match(&r, "protocol", why, sizeof(why));
	CU_ASSERT_EQUAL(cfg_flow_word(&r, i, "udp", why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_finish(&r, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(cfg_flow_enforceable_in(&c->neighbors[1], &r, why,
						sizeof(why)), -1);
	config_free(c);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	find_srcdir();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("config: constructs", NULL, NULL);
	CU_add_test(s, "defaults", test_defaults);
	CU_add_test(s, "global blocks (full.conf)", test_full_global);
	CU_add_test(s, "neighbors (full.conf)", test_full_neighbors);
	CU_add_test(s, "small constructs", test_small_constructs);
	CU_add_test(s, "lexer", test_lexer);
	CU_add_test(s, "an ExaBGP config unchanged", test_exabgp_config);
	CU_add_test(s, "add-path and path-information", test_addpath_config);
	CU_add_test(s, "template inheritance", test_templates);
	CU_add_test(s, "flow routes", test_flow_parse);
	CU_add_test(s, "flow routes: refusals", test_flow_errors);
	CU_add_test(s, "flow routes: destination policy", test_flow_policy);
	CU_add_test(s, "flow routes: templates", test_flow_template);
	CU_add_test(s, "flow routes: compare", test_flow_compare);
	CU_add_test(s, "flow routes: cfg_flow_allowed (the API's check)",
		    test_flow_allowed);
	CU_add_test(s, "flow routes: enforce announced|received",
		    test_flow_enforce_dirs);
	s = CU_add_suite("config: errors", NULL, NULL);
	CU_add_test(s, "file:line:col messages", test_errors);
	CU_add_test(s, "control block", test_control_parse);
	CU_add_test(s, "ExaBGP keywords refused", test_exabgp_refusals);
	CU_add_test(s, "ExaBGP constructs accepted", test_exabgp_accepted);
	CU_add_test(s, "ExaBGP route attributes and blocks",
		    test_exabgp_routes);
	CU_add_test(s, "flow routes need their flow family", test_flow_family);
	CU_add_test(s, "RFC 8950 nexthop block", test_ext_nh);
	CU_add_test(s, "NUL byte", test_error_nul);
	s = CU_add_suite("config: printing", NULL, NULL);
	CU_add_test(s, "round trip deploy/examples", test_roundtrip_examples);
	CU_add_test(s, "round trip unit configs", test_roundtrip_unit_configs);
	CU_add_test(s, "round trip quoting", test_roundtrip_quoting);
	CU_add_test(s, "secret masking", test_secret_masking);
	s = CU_add_suite("config: route filtering", NULL, NULL);
	CU_add_test(s, "prefix-list", test_plist_parse);
	CU_add_test(s, "rfc8212", test_rfc8212_parse);
	CU_add_test(s, "filter import/export", test_filter_parse);
	CU_add_test(s, "filter errors", test_filter_errors);
	CU_add_test(s, "print, parse, equal", test_filter_roundtrip);
	CU_add_test(s, "filters from templates", test_filter_templates);
	CU_add_test(s, "filter equality follows the lists' entries",
		    test_filter_equal_lists);
	CU_add_test(s, "process limits", test_proc_limits);
	CU_add_test(s, "RFC 8212 warnings", test_warnings);
	CU_add_test(s, "neighbor_equal ignores filters",
		    test_neighbor_equal_ignores_filters);
	s = CU_add_suite("config: guard rules", NULL, NULL);
	CU_add_test(s, "two neighbors with allow entries", test_guard_rules);
	s = CU_add_suite("config: guard binding", NULL, NULL);
	CU_add_test(s, "interface, mac-binding, peer-mac, allow ... interface",
		    test_bind_parse);
	CU_add_test(s, "file:line:col messages", test_bind_errors);
	CU_add_test(s, "from templates", test_bind_templates);
	CU_add_test(s, "print, parse, equal", test_bind_print);
	CU_add_test(s, "equality, and no session restart", test_bind_equal);
	CU_add_test(s, "config_guard_rules_bind()", test_bind_rules);
	s = CU_add_suite("config: limits", NULL, NULL);
	CU_add_test(s, "input limits", test_limits);
	CU_add_test(s, "template copies count", test_template_multiplication);
	CU_add_test(s, "2000 neighbors", test_many_neighbors);
	CU_add_test(s, "every truncation", test_truncations);
	CU_add_test(s, "random token soup", test_random_soup);
	s = CU_add_suite("secfile and config_load", files_init, files_cleanup);
	CU_add_test(s, "symlink refused", test_secfile_symlink);
	CU_add_test(s, "group/world-writable refused", test_secfile_writable);
	CU_add_test(s, "world-readable secret refused", test_secfile_private);
	CU_add_test(s, "owner", test_secfile_owner);
	CU_add_test(s, "not a regular file", test_secfile_not_regular);
	CU_add_test(s, "read what was checked", test_secfile_swap);
	CU_add_test(s, "config modes", test_load_config_modes);
	CU_add_test(s, "secret files", test_load_secret_files);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
