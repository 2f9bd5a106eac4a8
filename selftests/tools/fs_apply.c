// SPDX-License-Identifier: GPL-2.0-only
/*
 * fs_apply: put flowspec rules into a pinned guard, for the netns tests,
 * until the config's `flow { }` blocks reach the parent.  One argument per
 * rule, space-separated key=value terms (each an "==" operator):
 *
 *   fs_apply PIN_DIR 'dst=198.51.100.1/32 proto=17 dport=9999 rate=0' ...
 *
 * keys: v6 (an IPv6 rule), dst=P/L, src=P/L, proto=, port=, dport=,
 * sport=, icmp-type=, dscp=, rate=BYTES/S, pps=PACKETS/S (0: discard;
 * neither: discard), mark (count only).  No rule argument: clear.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "flowspec.h"
#include "guard.h"

static struct fs_comp *comp(struct fs_rule *r, int type)
{
	struct fs_comp *c = NULL;

	for (int i = 0; i < r->ncomp; i++)
		if (r->comp[i].type == type)
			return &r->comp[i];
	/* keep ascending order */
	int at = r->ncomp;

	while (at > 0 && r->comp[at - 1].type > type) {
		r->comp[at] = r->comp[at - 1];
		at--;
	}
	c = &r->comp[at];
	memset(c, 0, sizeof(*c));
	c->type = type;
	r->ncomp++;
	return c;
}

static int parse(struct fs_rule *r, char *text)
{
	static const struct {
		const char *k;
		int type;
	} num[] = { { "proto", FS_PROTO }, { "port", FS_PORT },
		    { "dport", FS_DPORT }, { "sport", FS_SPORT },
		    { "icmp-type", FS_ICMP_TYPE }, { "dscp", FS_DSCP } };
	char *save = NULL;

	memset(r, 0, sizeof(*r));
	r->family = strstr(text, "v6") ? AF_INET6 : AF_INET;
	r->act.flags = FS_ACT_RATE_BYTES; /* discard unless told */
	for (char *t = strtok_r(text, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		char *v = strchr(t, '=');
		int done = 0;

		if (!strcmp(t, "v6"))
			continue;
		if (!strcmp(t, "mark")) {
			r->act.flags = FS_ACT_MARK;
			continue;
		}
		if (!v)
			return -1;
		*v++ = 0;
		if (!strcmp(t, "dst") || !strcmp(t, "src")) {
			struct fs_comp *c = comp(r, t[0] == 'd' ? FS_DST
								 : FS_SRC);
			char *sl = strchr(v, '/');

			if (!sl)
				return -1;
			*sl = 0;
			c->plen = atoi(sl + 1);
			if (inet_pton(r->family, v, c->addr) != 1)
				return -1;
			continue;
		}
		if (!strcmp(t, "rate")) {
			r->act.flags = FS_ACT_RATE_BYTES;
			r->act.rate_bytes = atof(v);
			continue;
		}
		if (!strcmp(t, "pps")) {
			r->act.flags = FS_ACT_RATE_PKTS;
			r->act.rate_pkts = atof(v);
			continue;
		}
		for (size_t i = 0; i < sizeof(num) / sizeof(num[0]); i++) {
			if (strcmp(t, num[i].k))
				continue;
			struct fs_comp *c = comp(r, num[i].type);

			c->ops[c->nops].flags = FS_OP_EQ;
			c->ops[c->nops].value = strtoul(v, NULL, 0);
			c->nops++;
			done = 1;
		}
		if (!done)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fs_rule *rules;
	struct guard g;
	char err[512];
	int n = argc - 2;

	if (argc < 2) {
		fprintf(stderr, "usage: fs_apply PIN_DIR [RULE...]\n");
		return 2;
	}
	rules = calloc(n > 0 ? n : 1, sizeof(*rules));
	for (int i = 0; i < n; i++)
		if (parse(&rules[i], argv[i + 2])) {
			fprintf(stderr, "fs_apply: cannot read rule %d\n",
				i + 1);
			return 2;
		}
	guard_init(&g);
	if (guard_open(&g, argv[1])) {
		fprintf(stderr, "fs_apply: %s\n", g.err);
		return 1;
	}
	if (guard_flow_apply(&g, rules, n, err, sizeof(err))) {
		fprintf(stderr, "fs_apply: %s\n", err);
		return 1;
	}
	guard_close(&g);
	free(rules);
	return 0;
}
