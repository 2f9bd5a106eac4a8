// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small tools operators otherwise script by hand:
 *
 *   bgpshieldctl keygen [--bytes N] PATH
 *   bgpshieldctl guard nft [-c CONF]
 *
 * keygen writes a TCP-MD5 / TCP-AO secret; guard nft prints the nftables
 * ruleset equal to the config's guard policy, derived through
 * config_guard_rules() like the daemon's allowlist, so the two cannot
 * drift.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "secfile.h"

/* --- keygen --------------------------------------------------------------- */

#define KEYGEN_DEFAULT 32

/*
 * The key is printable on purpose: the peer's side (BIRD's password "...",
 * FRR's neighbor X password, a router's CLI) takes a string, and the kernel
 * uses the string's bytes as the key (RFC 2385 §2, RFC 5925 §3.1 MKT).  62
 * symbols give 5.95 bits per byte: the default 32 bytes carry 190 bits.
 */
static const char key_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* n uniformly drawn symbols: bytes >= 248 (4 * 62) are drawn again, so
 * every symbol is equally likely (no modulo bias). */
static int random_key(char *out, size_t n)
{
	const size_t na = sizeof(key_alphabet) - 1;
	const unsigned int lim = 256 - 256 % na;
	unsigned char buf[64];
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(buf, sizeof(buf), 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (ssize_t i = 0; i < r && got < n; i++)
			if (buf[i] < lim)
				out[got++] = key_alphabet[buf[i] % na];
	}
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

static void keygen_usage(FILE *f)
{
	fprintf(f,
		"Usage: bgpshieldctl keygen [--bytes N] PATH\n\n"
		"Write a new random TCP-MD5 / TCP-AO secret of N bytes "
		"(default %d,\nat most %d) to PATH, created with mode 0600; an "
		"existing PATH is never\noverwritten.  The key is letters and "
		"digits (from getrandom), so the\nsame text can be given to "
		"the "
		"peer's router as its password.  Use it\nas is (no base64):\n\n"
		"  md5-password-file PATH;\n"
		"  tcp-ao { password-file PATH; ... }\n",
		KEYGEN_DEFAULT, CFG_KEY_MAX);
}

int ctl_keygen(const struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{"bytes", required_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},
		{0}};
	uint32_t n = KEYGEN_DEFAULT;
	char key[CFG_KEY_MAX + 1];
	const char *path;
	int c, fd, rc = 1;
	ssize_t w;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:h", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_u32(optarg, 1, CFG_KEY_MAX, &n) < 0) {
				fprintf(stderr,
					"bgpshieldctl keygen: --bytes must be "
					"1..%d (TCP_MD5SIG_MAXKEYLEN), not "
					"'%s'\n",
					CFG_KEY_MAX, optarg);
				return 2;
			}
			break;
		case 'h':
			keygen_usage(stdout);
			return 0;
		default:
			keygen_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		keygen_usage(stderr);
		return 2;
	}
	path = argv[optind];
	if (random_key(key, n) < 0) {
		fprintf(stderr, "bgpshieldctl keygen: getrandom: %s\n",
			strerror(errno));
		return 1;
	}
	key[n] = '\n';
	/* O_EXCL: never replace a key a peer already uses; O_NOFOLLOW: a
	 * planted symlink cannot redirect the secret. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr,
				"bgpshieldctl keygen: %s exists: refusing to "
				"overwrite\n",
				path);
		else
			fprintf(stderr, "bgpshieldctl keygen: %s: %s\n", path,
				strerror(errno));
		goto out;
	}
	/* The umask may have taken bits away, never added: still say 0600
	 * explicitly for a umask of 0. */
	if (fchmod(fd, 0600) < 0)
		goto werr;
	w = write(fd, key, n + 1);
	if (w != (ssize_t)n + 1)
		goto werr;
	if (fsync(fd) < 0)
		goto werr;
	if (close(fd) < 0) {
		fd = -1;
		goto werr;
	}
	fd = -1;
	if (o && o->json) {
		printf("{\"path\":");
		ctl_json_str(path);
		printf(",\"bytes\":%u}\n", n);
	} else
		printf("%s: %u-byte key written (mode 0600).  In the "
		       "config:\n  md5-password-file %s;\n",
		       path, n, path);
	rc = 0;
	goto out;
werr:
	fprintf(stderr, "bgpshieldctl keygen: writing %s: %s\n", path,
		strerror(errno ? errno : EIO));
	if (fd >= 0)
		close(fd);
	unlink(path); /* ours: created above with O_EXCL */
out:
	explicit_bzero(key, sizeof(key));
	return rc;
}

/* --- guard nft ------------------------------------------------------------ */

/*
 * The ruleset mirrors the guard's verdicts in order (docs/GUARD.md):
 * TCP to or from the port from a source in neither the exact nor the range
 * tables -> not_allowed; GTSM entry and TTL / hop limit below its min_ttl
 * (RFC 5082 §3) -> ttl; a SYN without ACK over the entry's bucket ->
 * syn_rate; else pass.  Each entry gets a chain of its own, and a `limit`
 * statement is one token bucket per rule: a host's bucket is its own and a
 * range's is shared by its sources, as in the guard.  Exact hosts go
 * through a verdict map (one hash lookup, like allow4/allow6); ranges are
 * rules ordered longest prefix first, which is the LPM tries' answer
 * (nftables interval maps refuse overlapping elements, ranges may nest).
 *
 * The hook is prerouting at priority raw (-300): like XDP, before
 * conntrack (a flood costs no conntrack entries) and for forwarded packets
 * too, on the config's interfaces only.
 */

static int is_host(const struct guard_rule *r)
{
	return prefix_is_host(&r->pfx);
}

/* Longest prefix first; then address order, for a stable output. */
static int range_cmp(const void *a, const void *b)
{
	const struct guard_rule *x = *(const struct guard_rule *const *)a;
	const struct guard_rule *y = *(const struct guard_rule *const *)b;

	if (x->pfx.family != y->pfx.family)
		return x->pfx.family == AF_INET ? -1 : 1;
	if (x->pfx.plen != y->pfx.plen)
		return y->pfx.plen - x->pfx.plen;
	return memcmp(x->pfx.addr, y->pfx.addr, sizeof(x->pfx.addr));
}

static void nft_entry_chain(FILE *f, const struct guard_rule *r, size_t i,
			    const char *drop)
{
	const char *fam = r->pfx.family == AF_INET ? "ip" : "ip6";
	char a[PREFIX_STRLEN];

	fprintf(f, "\n\tchain peer_%zu {\n\t\t# %s\n", i,
		prefix_fmt(&r->pfx, a, sizeof(a)));
	if ((r->pol.flags & BGPS_PF_GTSM) && r->pol.min_ttl > 0)
		fprintf(f, "\t\t%s %s < %u counter %s comment \"ttl\"\n", fam,
			r->pfx.family == AF_INET ? "ttl" : "hoplimit",
			r->pol.min_ttl, drop);
	if (r->pol.syn_rate)
		fprintf(f,
			"\t\ttcp flags & (syn | ack) == syn limit rate over "
			"%u/second burst %u packets counter %s comment "
			"\"syn_rate\"\n",
			r->pol.syn_rate,
			r->pol.syn_burst ? r->pol.syn_burst : r->pol.syn_rate,
			drop);
	fprintf(f, "\t\tcounter accept\n\t}\n");
}

static void nft_host_map(FILE *f, const struct guard_rule *rules, size_t n,
			 int family)
{
	const char *name = family == AF_INET ? "hosts4" : "hosts6";
	int first = 1;
	char a[PREFIX_STRLEN];

	for (size_t i = 0; i < n; i++) {
		if (rules[i].pfx.family != family || !is_host(&rules[i]))
			continue;
		if (first)
			fprintf(f,
				"\tmap %s {\n\t\ttype %s : verdict\n"
				"\t\telements = {\n",
				name,
				family == AF_INET ? "ipv4_addr" : "ipv6_addr");
		fprintf(f, "%s\t\t\t%s : jump peer_%zu", first ? "" : ",\n",
			prefix_fmt(&rules[i].pfx, a, sizeof(a)), i);
		first = 0;
	}
	if (!first)
		fprintf(f, "\n\t\t}\n\t}\n\n");
}

static int has_host(const struct guard_rule *rules, size_t n, int family)
{
	for (size_t i = 0; i < n; i++)
		if (rules[i].pfx.family == family && is_host(&rules[i]))
			return 1;
	return 0;
}

/* Print the ruleset for c; `name` is the config's path, for the header. */
static int nft_print(FILE *f, const struct config *c, const char *name)
{
	const struct cfg_guard *g = &c->guard;
	int monitor = g->policy == CFG_POLICY_MONITOR;
	/* monitor: count the would-drop verdict and let the packet pass */
	const char *drop = monitor ? "accept" : "drop";
	const struct guard_rule **ranges = NULL;
	struct guard_rule *rules = NULL;
	size_t n = 0, nr = 0;
	char a[PREFIX_STRLEN];

	if (config_guard_rules(c, &rules, &n) < 0)
		return -1;
	if (n) {
		ranges = calloc(n, sizeof(*ranges));
		if (!ranges) {
			free(rules);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!is_host(&rules[i]))
			ranges[nr++] = &rules[i];
	qsort(ranges, nr, sizeof(*ranges), range_cmp);

	fprintf(f,
		"#!/usr/sbin/nft -f\n"
		"# Generated by bgpshieldctl guard nft from %s: the guard's "
		"policy\n"
		"# in nftables (docs/DEPLOY.md).  Regenerate it after each "
		"config change.\n"
		"# %zu allowlist entries, port %u, policy %s.\n\n"
		"# Replaces an older copy of the table in one transaction.\n"
		"table inet bgpshield\n"
		"delete table inet bgpshield\n\n"
		"table inet bgpshield {\n",
		name, n, g->port, monitor ? "monitor" : "enforce");
	nft_host_map(f, rules, n, AF_INET);
	nft_host_map(f, rules, n, AF_INET6);
	fprintf(f, "\tchain guard {\n"
		   "\t\ttype filter hook prerouting priority raw; "
		   "policy accept;\n");
	if (!g->iface_auto && g->nifaces) {
		fprintf(f, "\t\tiifname != { ");
		for (size_t i = 0; i < g->nifaces; i++)
			fprintf(f, "%s\"%s\"", i ? ", " : "",
				g->ifaces[i].name);
		fprintf(f, " } accept\n");
	} else {
		/* interface auto: every interface but loopback */
		fprintf(f, "\t\tiif \"lo\" accept\n");
	}
	/*
	 * Two rules, not "tcp dport != P tcp sport != P accept": nft merges
	 * adjacent payload matches into one compare of both ports, and the
	 * != of the pair is true when either port differs, so every packet
	 * to P would be accepted.  goto: the verdict is the bgp chain's.
	 */
	fprintf(f,
		"\t\ttcp dport %u goto bgp\n"
		"\t\ttcp sport %u goto bgp\n"
		"\t}\n\n"
		"\t# TCP to or from the guarded port (replies to our own "
		"connects\n"
		"\t# come from it), as the guard sees it.\n"
		"\tchain bgp {\n",
		g->port, g->port);
	if (has_host(rules, n, AF_INET))
		fprintf(f, "\t\tip saddr vmap @hosts4\n");
	if (has_host(rules, n, AF_INET6))
		fprintf(f, "\t\tip6 saddr vmap @hosts6\n");
	for (size_t i = 0; i < nr; i++)
		fprintf(f, "\t\t%s saddr %s jump peer_%zu\n",
			ranges[i]->pfx.family == AF_INET ? "ip" : "ip6",
			prefix_fmt(&ranges[i]->pfx, a, sizeof(a)),
			(size_t)(ranges[i] - rules));
	fprintf(f, "\t\tcounter %s comment \"not_allowed\"\n\t}\n", drop);
	for (size_t i = 0; i < n; i++)
		nft_entry_chain(f, &rules[i], i, drop);
	fprintf(f, "}\n");
	free(ranges);
	free(rules);
	return 0;
}

static void nft_usage(FILE *f)
{
	fprintf(f,
		"Usage: bgpshieldctl guard nft [-c CONF]\n\n"
		"Print the nftables ruleset equal to the config's guard "
		"policy: the\nsame allowlist the daemon programs (neighbors "
		"and allow entries),\nGTSM minimum TTLs, SYN buckets per "
		"entry, and a drop for every other\nTCP packet to or from the "
		"guarded port, on the guarded interfaces.\nFor hosts that "
		"cannot run XDP:\n\n"
		"  bgpshieldctl guard nft > /etc/nftables.d/bgpshield.nft\n"
		"  nft -c -f /etc/nftables.d/bgpshield.nft && "
		"nft -f /etc/nftables.d/bgpshield.nft\n\n"
		"  -c, --config CONF   the config (default: bgpshieldctl's -c, "
		"else\n"
		"                      /etc/bgpshield/bgpshield.conf); secret "
		"files are\n"
		"                      not read\n");
}

int ctl_guard_nft(const struct ctl_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{0}};
	const char *conf =
		o && o->conf ? o->conf : "/etc/bgpshield/bgpshield.conf";
	struct config *cfg = NULL;
	char err[1024], *buf = NULL;
	size_t len = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'h':
			nft_usage(stdout);
			return 0;
		default:
			nft_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		nft_usage(stderr);
		return 2;
	}
	/* The guard policy needs no secret: parse the text only, so an
	 * operator can generate the ruleset without the key files. */
	if (secfile_read(conf, 0, geteuid(), &buf, &len, err, sizeof(err)) <
		    0 ||
	    config_parse_buf(buf, len, conf, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		if (buf)
			secfile_wipe(buf, len);
		return 1;
	}
	secfile_wipe(buf, len);
	rc = nft_print(stdout, cfg, conf);
	config_free(cfg);
	if (rc < 0) {
		fprintf(stderr, "bgpshieldctl guard nft: out of memory\n");
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
