// SPDX-License-Identifier: GPL-2.0-only
/*
 * CUnit tests of the guard loader (user/guard/guard.c) against the real kernel:
 * pins, policy changes that keep counters, the allowlist diff, range flags,
 * refusals, and attachment (native, generic, tc, atomic replacement,
 * foreign XDP programs, detach, unload).
 *
 * The process moves into a network namespace of its own first
 * (unshare(CLONE_NEWNET)), so the veth pairs it creates vanish with it and
 * the host's interfaces are never touched.  Pins go to a folder of its own
 * under /sys/fs/bpf, removed at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <CUnit/Basic.h>

#include "guard.h"
#include "guard.skel.h"

static char pin_dir[128];

static int sh(const char *cmd)
{
	int r = system(cmd);

	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static struct guard g;

static int suite_init(void)
{
	guard_init(&g);
	return guard_load(&g, pin_dir) ? -1 : 0;
}

static int suite_clean(void)
{
	char err[256];

	guard_close(&g);
	return guard_unload(pin_dir, err, sizeof(err)) ? -1 : 0;
}

static struct guard_rule rule(const char *s, int gtsm, int min_ttl, int rate)
{
	struct guard_rule r = {};
	char err[128];

	if (prefix_parse(s, &r.pfx, err, sizeof(err)))
		CU_FAIL_FATAL("bad prefix in test");
	if (gtsm) {
		r.pol.flags = BGPS_PF_GTSM;
		r.pol.min_ttl = min_ttl;
	}
	r.pol.syn_rate = rate;
	r.pol.syn_burst = rate;
	return r;
}

static int count_cb(const struct guard_rule *r, const struct bgps_peer *v,
		    void *arg)
{
	(void)r;
	(void)v;
	++*(int *)arg;
	return 0;
}

static int nrules(void)
{
	int n = 0;

	guard_foreach_rule(&g, count_cb, &n);
	return n;
}

static void test_pins_exist(void)
{
	static const char *const names[] = { "settings", "allow4", "allow6",
					     "range4",	 "range6", "stats",
					     "gstate",	 "events", "ifaces",
					     "prog_xdp", "prog_tc" };
	struct bgps_settings s;
	char p[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", pin_dir, names[i]);
		CU_ASSERT_EQUAL(access(p, F_OK), 0);
	}
	/* fresh settings get defaults */
	CU_ASSERT_EQUAL_FATAL(guard_settings_get(&g, &s), 0);
	CU_ASSERT_EQUAL(s.port, 179);
	CU_ASSERT_EQUAL(s.mode, BGPS_MODE_ENFORCE);
	CU_ASSERT_EQUAL(s.abi_version, BGPS_ABI_VERSION);
	CU_ASSERT(s.event_rate > 0);
}

static void test_allow_change_keeps_counters(void)
{
	struct guard_rule r = rule("192.0.2.1", 1, 255, 0);
	struct bgps_peer v;
	__u8 key[4] = { 192, 0, 2, 1 };

	CU_ASSERT_EQUAL(guard_allow(&g, &r), GUARD_ADDED);
	CU_ASSERT_EQUAL(guard_allow(&g, &r), GUARD_UNCHANGED);
	/* the program would count; do it by hand */
	CU_ASSERT_EQUAL_FATAL(
		bpf_map_lookup_elem(g.map_fd[GM_ALLOW4], key, &v), 0);
	v.packets = 5;
	v.bytes = 500;
	v.drop_ttl = 2;
	bpf_map_update_elem(g.map_fd[GM_ALLOW4], key, &v, BPF_EXIST);
	r = rule("192.0.2.1", 1, 254, 10);
	CU_ASSERT_EQUAL(guard_allow(&g, &r), GUARD_CHANGED);
	CU_ASSERT_EQUAL_FATAL(
		bpf_map_lookup_elem(g.map_fd[GM_ALLOW4], key, &v), 0);
	CU_ASSERT_EQUAL(v.policy.min_ttl, 254);
	CU_ASSERT_EQUAL(v.policy.syn_rate, 10);
	CU_ASSERT_EQUAL(v.packets, 5);
	CU_ASSERT_EQUAL(v.bytes, 500);
	CU_ASSERT_EQUAL(v.drop_ttl, 2);
	CU_ASSERT_EQUAL(guard_remove(&g, &r.pfx), 0);
	CU_ASSERT_EQUAL(guard_remove(&g, &r.pfx), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.err, "192.0.2.1 is not in the allowlist"));
}

/* A minimal Ethernet + IPv4 + TCP SYN to port 179 from 192.0.2.<last>. */
static int run_syn(unsigned char last)
{
	unsigned char f[54] = { 0 };
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f,
			    .data_size_in = sizeof(f), .repeat = 1);

	f[12] = 0x08;		/* ETH_P_IP */
	f[14] = 0x45;		/* IPv4, IHL 5 */
	f[17] = 40;		/* total length */
	f[22] = 255;		/* TTL */
	f[23] = 6;		/* TCP */
	f[26] = 192, f[27] = 0, f[28] = 2, f[29] = last;
	f[30] = 192, f[31] = 0, f[32] = 2, f[33] = 250;
	f[34] = 0x30, f[35] = 0x39;	/* sport 12345 */
	f[36] = 0, f[37] = 179;		/* dport */
	f[46] = 0x50;			/* data offset 5 */
	f[47] = 0x02;			/* SYN */
	if (bpf_prog_test_run_opts(bpf_program__fd(g.skel->progs.bgps_xdp),
				   &o))
		return -1;
	return o.retval;
}

static void test_prefilter(void)
{
	struct guard_rule r = rule("192.0.2.1", 0, 0, 0);
	struct bgps_prefilter *pf = calloc(1, sizeof(*pf));
	struct bgps_settings s;
	__u8 a[4] = { 192, 0, 2, 1 };
	__u32 zero = 0, w, bit;

	memcpy(&w, a, 4);
	bit = bgps_prefilter_bit(w);
	CU_ASSERT_EQUAL_FATAL(guard_allow(&g, &r), GUARD_ADDED);
	guard_settings_get(&g, &s);
	CU_ASSERT(s.flags & BGPS_SF_PREFILTER);
	bpf_map_lookup_elem(g.map_fd[GM_PREFILTER], &zero, pf);
	CU_ASSERT((pf->words[bit >> 6] & (1ULL << (bit & 63))) != 0);
	/* the program, through the prefilter: the peer passes, a stranger
	 * is dropped */
	CU_ASSERT_EQUAL(run_syn(1), XDP_PASS);
	CU_ASSERT_EQUAL(run_syn(99), XDP_DROP);
	CU_ASSERT_EQUAL(guard_remove(&g, &r.pfx), 0);
	bpf_map_lookup_elem(g.map_fd[GM_PREFILTER], &zero, pf);
	CU_ASSERT_EQUAL(pf->words[bit >> 6] & (1ULL << (bit & 63)), 0);
	CU_ASSERT_EQUAL(run_syn(1), XDP_DROP);
	/* apply sets bits before inserting */
	CU_ASSERT_EQUAL(guard_apply(&g, &r, 1, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(run_syn(1), XDP_PASS);
	/* a policy change (the binder's MAC and route updates) keeps the
	 * bit without a rebuild */
	r.pol.syn_rate = 7;
	r.pol.syn_burst = 7;
	CU_ASSERT_EQUAL(guard_allow(&g, &r), GUARD_CHANGED);
	bpf_map_lookup_elem(g.map_fd[GM_PREFILTER], &zero, pf);
	CU_ASSERT((pf->words[bit >> 6] & (1ULL << (bit & 63))) != 0);
	CU_ASSERT_EQUAL(run_syn(1), XDP_PASS);
	/* a bitmap that lost bits (written by hand): adding an address whose
	 * bit is missing rebuilds it whole, the other peers' bits too */
	memset(pf, 0, sizeof(*pf));
	bpf_map_update_elem(g.map_fd[GM_PREFILTER], &zero, pf, BPF_ANY);
	CU_ASSERT_EQUAL(run_syn(1), XDP_DROP);
	{
		struct guard_rule r2 = rule("192.0.2.2", 0, 0, 0);

		CU_ASSERT_EQUAL(guard_allow(&g, &r2), GUARD_ADDED);
		CU_ASSERT_EQUAL(run_syn(1), XDP_PASS);
		CU_ASSERT_EQUAL(run_syn(2), XDP_PASS);
	}
	CU_ASSERT_EQUAL(guard_apply(&g, NULL, 0, NULL, NULL, NULL), 0);
	free(pf);
}

static void test_policy_refusals(void)
{
	struct guard_rule r = rule("192.0.2.9", 1, 0, 0);

	CU_ASSERT_EQUAL(guard_allow(&g, &r), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.err, "min-ttl"));
	r = rule("192.0.2.9", 0, 0, 5);
	r.pol.syn_burst = 0;
	CU_ASSERT_EQUAL(guard_allow(&g, &r), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.err, "burst"));
	CU_ASSERT_EQUAL(nrules(), 0);
}

static void test_range_flags(void)
{
	struct guard_rule r4 = rule("10.0.0.0/8", 0, 0, 0);
	struct guard_rule r6 = rule("2001:db8::/32", 0, 0, 0);
	struct bgps_settings s;

	guard_settings_get(&g, &s);
	CU_ASSERT_EQUAL(s.flags & (BGPS_SF_RANGE4 | BGPS_SF_RANGE6), 0);
	CU_ASSERT_EQUAL(guard_allow(&g, &r4), GUARD_ADDED);
	guard_settings_get(&g, &s);
	CU_ASSERT_EQUAL(s.flags & (BGPS_SF_RANGE4 | BGPS_SF_RANGE6),
			BGPS_SF_RANGE4);
	CU_ASSERT_EQUAL(guard_allow(&g, &r6), GUARD_ADDED);
	guard_settings_get(&g, &s);
	CU_ASSERT_EQUAL(s.flags & (BGPS_SF_RANGE4 | BGPS_SF_RANGE6),
			BGPS_SF_RANGE4 | BGPS_SF_RANGE6);
	CU_ASSERT_EQUAL(guard_remove(&g, &r4.pfx), 0);
	guard_settings_get(&g, &s);
	CU_ASSERT_EQUAL(s.flags & (BGPS_SF_RANGE4 | BGPS_SF_RANGE6),
			BGPS_SF_RANGE6);
	CU_ASSERT_EQUAL(guard_remove(&g, &r6.pfx), 0);
	guard_settings_get(&g, &s);
	CU_ASSERT_EQUAL(s.flags & (BGPS_SF_RANGE4 | BGPS_SF_RANGE6), 0);
}

struct seen {
	int n;
	char list[8][PREFIX_STRLEN];
};

static int seen_cb(const struct guard_rule *r, const struct bgps_peer *v,
		   void *arg)
{
	struct seen *s = arg;

	(void)v;
	if (s->n < 8)
		prefix_fmt(&r->pfx, s->list[s->n], PREFIX_STRLEN);
	s->n++;
	return 0;
}

static int seen_has(struct seen *s, const char *p)
{
	for (int i = 0; i < s->n && i < 8; i++)
		if (!strcmp(s->list[i], p))
			return 1;
	return 0;
}

static void test_apply_diff(void)
{
	struct guard_rule a[] = { rule("192.0.2.1", 1, 255, 0),
				  rule("192.0.2.2", 0, 0, 0),
				  rule("2001:db8::1", 0, 0, 0),
				  rule("198.51.100.0/24", 0, 0, 0) };
	struct guard_rule b[] = { rule("192.0.2.1", 1, 254, 0), /* changed */
				  rule("2001:db8::1", 0, 0, 0), /* same */
				  rule("203.0.113.0/24", 0, 0, 0) }; /* new */
	struct guard_rule dup[] = { rule("192.0.2.7", 0, 0, 0),
				    rule("192.0.2.7", 1, 255, 0) };
	struct bgps_settings s;
	struct seen sn = {};
	int ad, ch, rm;

	CU_ASSERT_EQUAL(guard_apply(&g, a, 4, &ad, &ch, &rm), 0);
	CU_ASSERT_EQUAL(ad, 4);
	CU_ASSERT_EQUAL(ch, 0);
	CU_ASSERT_EQUAL(rm, 0);
	CU_ASSERT_EQUAL(guard_apply(&g, b, 3, &ad, &ch, &rm), 0);
	CU_ASSERT_EQUAL(ad, 1);
	CU_ASSERT_EQUAL(ch, 1);
	CU_ASSERT_EQUAL(rm, 2);
	guard_foreach_rule(&g, seen_cb, &sn);
	CU_ASSERT_EQUAL(sn.n, 3);
	CU_ASSERT(seen_has(&sn, "192.0.2.1"));
	CU_ASSERT(seen_has(&sn, "2001:db8::1"));
	CU_ASSERT(seen_has(&sn, "203.0.113.0/24"));
	guard_settings_get(&g, &s);
	CU_ASSERT_EQUAL(s.flags & BGPS_SF_RANGE4, BGPS_SF_RANGE4);
	/* a duplicate is refused before anything changes */
	CU_ASSERT_EQUAL(guard_apply(&g, dup, 2, &ad, &ch, &rm), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.err, "listed twice"));
	CU_ASSERT_EQUAL(nrules(), 3);
	CU_ASSERT_EQUAL(guard_apply(&g, NULL, 0, &ad, &ch, &rm), 0);
	CU_ASSERT_EQUAL(rm, 3);
	CU_ASSERT_EQUAL(nrules(), 0);
	guard_settings_get(&g, &s);
	CU_ASSERT_EQUAL(s.flags & BGPS_SF_RANGE4, 0);
}

static void test_stats_sum(void)
{
	int ncpu = libbpf_num_possible_cpus();
	struct bgps_stats *v = calloc(ncpu, sizeof(*v)), sum;
	__u32 zero = 0;

	for (int c = 0; c < ncpu; c++) {
		v[c].total = 10 + c;
		v[c].not_allowed = 1;
		v[c].event_tat = 12345; /* state, not a count */
	}
	bpf_map_update_elem(g.map_fd[GM_STATS], &zero, v, BPF_ANY);
	CU_ASSERT_EQUAL_FATAL(guard_stats(&g, &sum), 0);
	CU_ASSERT_EQUAL(sum.total, (__u64)(10 * ncpu + ncpu * (ncpu - 1) / 2));
	CU_ASSERT_EQUAL(sum.not_allowed, (__u64)ncpu);
	CU_ASSERT_EQUAL(sum.event_tat, 0);
	memset(v, 0, ncpu * sizeof(*v));
	bpf_map_update_elem(g.map_fd[GM_STATS], &zero, v, BPF_ANY);
	free(v);
}

static void test_open_not_loaded(void)
{
	struct guard h;

	guard_init(&h);
	CU_ASSERT_EQUAL(guard_open(&h, "/sys/fs/bpf/bgps-nonexistent-x"),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(h.err, "guard not loaded"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h.err, "bgpshieldctl guard load"));
	guard_close(&h);
	guard_init(&h);
	CU_ASSERT_EQUAL(guard_open(&h, "relative/path"), -EINVAL);
	guard_close(&h);
}

static void test_incompatible_pins(void)
{
	char dir[160], p[256], err[256];
	struct guard h;
	int fd;

	snprintf(dir, sizeof(dir), "%s-old", pin_dir);
	mkdir(dir, 0700);
	/* an "allow4" with another value size, as an older version left */
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "allow4", 4, 8, 16, NULL);
	CU_ASSERT_FATAL(fd >= 0);
	snprintf(p, sizeof(p), "%s/allow4", dir);
	CU_ASSERT_EQUAL(bpf_obj_pin(fd, p), 0);
	close(fd);
	guard_init(&h);
	CU_ASSERT(guard_load(&h, dir) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(h.err, "another layout"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h.err, "guard unload"));
	guard_close(&h);
	/* nothing else was pinned next to it */
	snprintf(p, sizeof(p), "%s/settings", dir);
	CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
	guard_unload(dir, err, sizeof(err));
	CU_ASSERT_NOT_EQUAL(access(dir, F_OK), 0);
}

/* --- attachment, in our own network namespace ------------------------- */

static unsigned int xdp_prog_id(const char *ifname, __u8 *mode)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(if_nametoindex(ifname), 0, &q))
		return 0;
	if (mode)
		*mode = q.attach_mode;
	return q.prog_id;
}

static int tc_filter_present(const char *ifname)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd),
		 "tc filter show dev %s ingress 2>/dev/null | grep -q bgps_tc",
		 ifname);
	return sh(cmd) == 0;
}

static int clsact_present(const char *ifname)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd),
		 "tc qdisc show dev %s | grep -q clsact", ifname);
	return sh(cmd) == 0;
}

static void test_attach_modes(void)
{
	unsigned int id1, id2;
	struct guard h;
	__u8 m = 0;
	int actual = -1;

	CU_ASSERT_EQUAL(guard_attach(&g, "nosuchif0", BGPS_ATTACH_AUTO,
				     &actual),
			-ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.err, "no interface named 'nosuchif0'"));

	CU_ASSERT_EQUAL_FATAL(
		guard_attach(&g, "bgt0", BGPS_ATTACH_AUTO, &actual), 0);
	CU_ASSERT_EQUAL(actual, BGPS_ATTACH_NATIVE); /* veth has native XDP */
	id1 = xdp_prog_id("bgt0", &m);
	CU_ASSERT(id1 > 0);
	CU_ASSERT_EQUAL(m, XDP_ATTACHED_DRV);

	/* A second loader replaces the program through the same link. */
	guard_init(&h);
	CU_ASSERT_EQUAL_FATAL(guard_load(&h, pin_dir), 0);
	CU_ASSERT_EQUAL(guard_attach(&h, "bgt0", BGPS_ATTACH_AUTO, &actual),
			0);
	id2 = xdp_prog_id("bgt0", &m);
	CU_ASSERT(id2 > 0 && id2 != id1);
	CU_ASSERT_EQUAL(m, XDP_ATTACHED_DRV);
	guard_close(&h);

	/* XDP -> tc: tc first, then the link goes; clsact is ours */
	CU_ASSERT_EQUAL(guard_attach(&g, "bgt0", BGPS_ATTACH_TC, &actual), 0);
	CU_ASSERT_EQUAL(actual, BGPS_ATTACH_TC);
	CU_ASSERT_EQUAL(xdp_prog_id("bgt0", NULL), 0);
	CU_ASSERT(tc_filter_present("bgt0"));
	/* tc -> generic XDP: the tc filter and our clsact go */
	CU_ASSERT_EQUAL(guard_attach(&g, "bgt0", BGPS_ATTACH_GENERIC, &actual),
			0);
	CU_ASSERT_EQUAL(actual, BGPS_ATTACH_GENERIC);
	xdp_prog_id("bgt0", &m);
	CU_ASSERT_EQUAL(m, XDP_ATTACHED_SKB);
	CU_ASSERT_FALSE(tc_filter_present("bgt0"));
	CU_ASSERT_FALSE(clsact_present("bgt0"));
	/* generic -> native must pass through a detach: it still works */
	CU_ASSERT_EQUAL(guard_attach(&g, "bgt0", BGPS_ATTACH_NATIVE, &actual),
			0);
	xdp_prog_id("bgt0", &m);
	CU_ASSERT_EQUAL(m, XDP_ATTACHED_DRV);

	CU_ASSERT_EQUAL(guard_detach(&g, "bgt0"), 0);
	CU_ASSERT_EQUAL(xdp_prog_id("bgt0", NULL), 0);
	CU_ASSERT_EQUAL(guard_detach(&g, "bgt0"), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.err, "not guarded by bgpshield"));
}

static void test_tc_keeps_foreign_clsact(void)
{
	int actual;

	/* someone else's clsact stays when we detach */
	CU_ASSERT_EQUAL_FATAL(sh("tc qdisc add dev bgt1 clsact"), 0);
	CU_ASSERT_EQUAL(guard_attach(&g, "bgt1", BGPS_ATTACH_TC, &actual), 0);
	CU_ASSERT(tc_filter_present("bgt1"));
	CU_ASSERT_EQUAL(guard_detach(&g, "bgt1"), 0);
	CU_ASSERT_FALSE(tc_filter_present("bgt1"));
	CU_ASSERT(clsact_present("bgt1"));
	sh("tc qdisc del dev bgt1 clsact");
}

static void test_foreign_xdp_refused(void)
{
	/* r0 = XDP_PASS; exit */
	struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = XDP_PASS },
		{ .code = 0x95 },
	};
	int fd, actual, ifindex = if_nametoindex("bgt1");

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "foreign", "GPL", insns, 2,
			   NULL);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(
		bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL), 0);
	CU_ASSERT_EQUAL(guard_attach(&g, "bgt1", BGPS_ATTACH_AUTO, &actual),
			-EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.err, "that bgpshield did not attach"));
	CU_ASSERT_PTR_NOT_NULL(strstr(g.err, "--mode tc"));
	/* the foreign program is untouched */
	CU_ASSERT(xdp_prog_id("bgt1", NULL) > 0);
	/* tc next to it is the operator's way out */
	CU_ASSERT_EQUAL(guard_attach(&g, "bgt1", BGPS_ATTACH_TC, &actual), 0);
	CU_ASSERT_EQUAL(guard_detach(&g, "bgt1"), 0);
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	close(fd);
}

static int iface_cb(const struct guard_iface_status *st, void *arg)
{
	struct guard_iface_status *out = arg;

	if (!strcmp(st->name, "bgt0"))
		*out = *st;
	return 0;
}

static void test_iface_record_and_unload(void)
{
	struct guard_iface_status st = {};
	char err[256], p[256];
	int actual;

	CU_ASSERT_EQUAL_FATAL(
		guard_attach(&g, "bgt0", BGPS_ATTACH_AUTO, &actual), 0);
	guard_foreach_iface(&g, iface_cb, &st);
	CU_ASSERT_STRING_EQUAL(st.name, "bgt0");
	CU_ASSERT_EQUAL(st.rec.wanted, BGPS_ATTACH_AUTO);
	CU_ASSERT_EQUAL(st.live_mode, BGPS_ATTACH_NATIVE);
	CU_ASSERT_EQUAL(st.ifindex_now, if_nametoindex("bgt0"));
	/* the interface goes: the record stays, state says missing */
	sh("ip link del bgt0");
	memset(&st, 0, sizeof(st));
	guard_foreach_iface(&g, iface_cb, &st);
	CU_ASSERT_EQUAL(st.ifindex_now, 0);
	CU_ASSERT_EQUAL(st.live_mode, -1);
	/* it comes back: attach again replaces the stale link */
	CU_ASSERT_EQUAL_FATAL(sh("ip link add bgt0 type veth peer name bgt1x"),
			      0);
	CU_ASSERT_EQUAL(guard_attach(&g, "bgt0", BGPS_ATTACH_AUTO, &actual), 0);
	CU_ASSERT(xdp_prog_id("bgt0", NULL) > 0);
	/* unload detaches and removes every pin */
	CU_ASSERT_EQUAL(guard_unload(pin_dir, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(xdp_prog_id("bgt0", NULL), 0);
	snprintf(p, sizeof(p), "%s", pin_dir);
	CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
	/* and the suite's own guard is reloaded for its cleanup */
	guard_close(&g);
	guard_init(&g);
	CU_ASSERT_EQUAL(guard_load(&g, pin_dir), 0);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;
	char err[256];
	pid_t child;

	if (geteuid() != 0) {
		printf("skipped: the loader tests need root (BPF, netns)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("skipped: no network namespaces: %s\n", strerror(errno));
		return 77;
	}
	libbpf_set_print(NULL);
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/bgps-loader-%d",
		 getpid());
	if (sh("ip link set lo up && "
	       "ip link add bgt0 type veth peer name bgt1 && "
	       "ip link set bgt0 up && ip link set bgt1 up")) {
		printf("skipped: cannot create veth pairs\n");
		return 77;
	}
	/* The tests run in a child so that the pins are removed here even
	 * when a sanitizer or a failed assertion aborts it. */
	child = fork();
	if (child < 0)
		return 1;
	if (child > 0) {
		int st = 0;

		waitpid(child, &st, 0);
		guard_unload(pin_dir, err, sizeof(err));
		if (WIFSIGNALED(st)) {
			printf("test_loader: killed by signal %d\n",
			       WTERMSIG(st));
			return 1;
		}
		return WEXITSTATUS(st);
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("loader", suite_init, suite_clean);
	CU_add_test(s, "pins and default settings", test_pins_exist);
	CU_add_test(s, "policy change keeps counters",
		    test_allow_change_keeps_counters);
	CU_add_test(s, "prefilter kept true to the exact tables",
		    test_prefilter);
	CU_add_test(s, "bad policies refused", test_policy_refusals);
	CU_add_test(s, "range flags follow the tries", test_range_flags);
	CU_add_test(s, "apply is a diff", test_apply_diff);
	CU_add_test(s, "per-CPU counters summed", test_stats_sum);
	CU_add_test(s, "open without pins says what to do",
		    test_open_not_loaded);
	CU_add_test(s, "incompatible pins refused", test_incompatible_pins);
	CU_add_test(s, "attach modes and atomic replace", test_attach_modes);
	CU_add_test(s, "tc keeps a clsact it did not create",
		    test_tc_keeps_foreign_clsact);
	CU_add_test(s, "foreign XDP program refused",
		    test_foreign_xdp_refused);
	CU_add_test(s, "interface record, hot-plug, unload",
		    test_iface_record_and_unload);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
