// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_flowspec: what the flowspec matcher adds to the guard per packet,
 * as BPF_PROG_TEST_RUN measures it (mean ns over `repeat` runs on one CPU).
 *
 * Variants, each a rule-table size and a packet, measured in interleaved
 * rounds (every variant once per round, the table rewritten before each
 * run) with an empty XDP_DROP program in the same rounds as the floor:
 *   guard alone       no flowspec rules: the guard's pass path for a TCP
 *                     packet to port 80 (the matcher is not called);
 *   N rules, miss/far the packet's destination is in no rule's /16: the
 *                     prefilter bitmap answers;
 *   N rules, miss/lpm  same /16 as rules, no rule's prefix: one trie miss;
 *   N rules, miss/grp  under a destination with min(N,16) rules, none of
 *                     which matches: the whole group is walked;
 *   N rules, hit/drop  the last rule of that group matches and drops;
 *   N rules, worst     the worst miss: every rule of the group has the
 *                     packet's protocol and port and differs only in its
 *                     source prefix, so all min(N,16) rules are read and
 *                     tested (rules: UDP port 53 from 192.0.2.k/32).
 * Rules: destination 10.0.G.0/24 (16 rules per /24), protocol UDP,
 * destination port 1000+i%16, discard.  The packet: TCP SYN to port 80
 * (the misses) or UDP to the last rule's port (the hit).
 *
 * Figures only: the exit status does not depend on timing.
 *   bench_flowspec [-r rounds] [-n repeat] [-o substring]
 * (-o: only the variants whose name holds the substring, floor and guard
 * alone always; for profiling one path)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bgpshield_guard.h"
#include "flowspec.h"
#include "guard.h"
#include "guard.skel.h"

static struct guard_bpf *skel;
static struct guard g;

struct variant {
	const char *name;
	int nrules;	/* -1: the floor program */
	const char *dst;
	int udp;
	int want_drop;
	int worst;	/* the table of the worst miss */
	__u32 *ns;
	int bad;
};

static unsigned int frame(__u8 *b, const char *dst, int udp, __u16 dport)
{
	__u8 *ip = b + 14, *l4 = ip + 20;
	unsigned int l4len = udp ? 8 : 20;

	memset(b, 0, 128);
	memcpy(b, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00", 14);
	ip[0] = 0x45;
	ip[2] = 0, ip[3] = 20 + l4len;
	ip[8] = 64;
	ip[9] = udp ? 17 : 6;
	inet_pton(AF_INET, "16.1.2.3", ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	l4[0] = 40000 >> 8, l4[1] = 40000 & 0xff;
	l4[2] = dport >> 8, l4[3] = dport & 0xff;
	if (!udp) {
		l4[12] = 5 << 4;
		l4[13] = 0x02;
	}
	return 14 + 20 + l4len;
}

static int table(int n, int worst)
{
	static struct fs_rule r[BGPS_FS_MAX_RULES];
	char a[32], err[256];

	for (int i = 0; i < n; i++) {
		struct fs_comp *c;

		memset(&r[i], 0, sizeof(r[i]));
		r[i].family = AF_INET;
		r[i].act.flags = FS_ACT_RATE_BYTES;
		snprintf(a, sizeof(a), "10.0.%d.0", i / 16);
		c = &r[i].comp[r[i].ncomp++];
		c->type = FS_DST;
		c->plen = 24;
		inet_pton(AF_INET, a, c->addr);
		if (worst) {
			c = &r[i].comp[r[i].ncomp++];
			c->type = FS_SRC;
			c->plen = 32;
			snprintf(a, sizeof(a), "192.0.2.%d", i % 16);
			inet_pton(AF_INET, a, c->addr);
		}
		c = &r[i].comp[r[i].ncomp++];
		c->type = FS_PROTO;
		c->nops = 1;
		c->ops[0].flags = FS_OP_EQ;
		c->ops[0].value = 17;
		c = &r[i].comp[r[i].ncomp++];
		c->type = FS_DPORT;
		c->nops = 1;
		c->ops[0].flags = FS_OP_EQ;
		c->ops[0].value = worst ? 53 : 1000 + i % 16;
	}
	if (guard_flow_apply(&g, r, n, err, sizeof(err))) {
		fprintf(stderr, "bench_flowspec: %s\n", err);
		return -1;
	}
	return 0;
}

static int load_floor(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "bench_floor", "GPL", insns,
			     2, NULL);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 1, 100, 1000 };
	struct variant v[2 + 5 * 3];
	static char names[5 * 3][48];
	int rounds = 7, nv = 0, floor_fd, c;
	const char *only = NULL;
	__u32 repeat = 2000000, zero = 0;
	struct bgps_settings s = { .port = 179 };
	double floor_med = 0, guard_med = 0;
	cpu_set_t cpus;

	while ((c = getopt(argc, argv, "r:n:o:h")) != -1) {
		if (c == 'o')
			only = optarg;
		else if (c == 'r')
			rounds = atoi(optarg);
		else if (c == 'n')
			repeat = strtoul(optarg, NULL, 10);
		else {
			fprintf(stderr, "usage: %s [-r rounds] [-n repeat] [-o substring]\n",
				argv[0]);
			return 2;
		}
	}
	if (geteuid() != 0) {
		fprintf(stderr, "bench_flowspec: needs root, skipped\n");
		return 77;
	}
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	libbpf_set_print(NULL);
	skel = guard_bpf__open_and_load();
	floor_fd = load_floor();
	if (!skel || floor_fd < 0) {
		fprintf(stderr, "bench_flowspec: loading: %s\n",
			strerror(errno));
		return 1;
	}
	guard_init(&g);
	if (guard_use_object(&g, skel->obj)) {
		fprintf(stderr, "bench_flowspec: %s\n", g.err);
		return 1;
	}
	s.abi_version = BGPS_ABI_VERSION;
	bpf_map_update_elem(g.map_fd[GM_SETTINGS], &zero, &s, BPF_ANY);

	v[nv++] = (struct variant){ "floor: empty XDP_DROP", -1, "10.0.0.9", 0,
				    1, 0, NULL, 0 };
	v[nv++] = (struct variant){ "guard alone (0 rules)", 0, "10.0.0.9", 0,
				    0, 0, NULL, 0 };
	for (size_t i = 0; i < 3; i++) {
		static const char *const kind[5] = { "miss/far", "miss/lpm",
						     "miss/grp", "hit/drop",
						     "miss/worst" };
		static const char *const dst[5] = { "198.18.0.1", "10.0.200.1",
						    "10.0.0.9", "10.0.0.9",
						    "10.0.0.9" };

		for (int k = 0; k < 5; k++) {
			char *nm = names[i * 5 + k];

			snprintf(nm, 48, "%4d rules, %s", sizes[i], kind[k]);
			if (only && !strstr(nm, only))
				continue;
			v[nv++] = (struct variant){ nm, sizes[i], dst[k],
						    k >= 3, k == 3, k == 4,
						    NULL, 0 };
		}
	}
	for (int i = 0; i < nv; i++)
		v[i].ns = calloc(rounds, sizeof(__u32));

	for (int rd = 0; rd < rounds; rd++) {
		for (int i = 0; i < nv; i++) {
			__u8 b[128];
			int n = v[i].nrules, hit_port;
			unsigned int len;
			int fd = n < 0 ? floor_fd
				       : bpf_program__fd(skel->progs.bgps_xdp);

			if (n >= 0 && table(n, v[i].worst))
				return 1;
			/* the hit: the last rule of group 0 */
			hit_port = 1000 + ((n < 16 ? n : 16) - 1);
			len = frame(b, v[i].dst, v[i].udp,
				    v[i].worst ? 53 : v[i].udp ? hit_port : 80);
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = b,
				    .data_size_in = len, .repeat = repeat);
			if (bpf_prog_test_run_opts(fd, &o)) {
				fprintf(stderr, "%s: test_run: %s\n",
					v[i].name, strerror(errno));
				return 1;
			}
			if ((o.retval == XDP_DROP) != v[i].want_drop)
				v[i].bad = 1;
			v[i].ns[rd] = o.duration;
		}
	}
	table(0, 0);

	printf("bench_flowspec: %d rounds x %u repeats, BPF_PROG_TEST_RUN, "
	       "median (min..max) ns/packet\n", rounds, repeat);
	printf("  %-26s %6s %12s %8s %8s\n", "variant", "median", "min..max",
	       "x floor", "x guard");
	for (int i = 0; i < nv; i++) {
		double med;

		qsort(v[i].ns, rounds, sizeof(__u32), cmp_u32);
		med = v[i].ns[rounds / 2];
		if (i == 0)
			floor_med = med;
		if (i == 1)
			guard_med = med;
		printf("  %-26s %6.0f %5u..%-5u %8.2f %8.2f%s\n", v[i].name,
		       med, v[i].ns[0], v[i].ns[rounds - 1],
		       floor_med ? med / floor_med : 0,
		       i && guard_med ? (med / floor_med) /
						(guard_med / floor_med)
				      : 0,
		       v[i].bad ? "  WRONG VERDICT" : "");
	}
	printf("target: a packet matching no rule at 1000 rules <= 1.30x the "
	       "guard alone (ratios to the floor of the same run)\n");
	guard_bpf__destroy(skel);
	close(floor_fd);
	return 0;
}
