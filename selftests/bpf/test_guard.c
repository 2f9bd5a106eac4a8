// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_guard: drives the real guard object (build/guard.skel.h) through
 * BPF_PROG_TEST_RUN with frames built by hand, and checks for every case the
 * verdict, the change of every counter in "stats", the per-source counters
 * in allow4/allow6/range4/range6 and the ring-buffer event.
 *
 * Every test gets a freshly loaded skeleton (suite setup/teardown), so no
 * counter, GCRA bucket or ring-buffer record leaks from one test into the
 * next.  The process is pinned to one CPU: test_run runs the program on the
 * caller's CPU, and the event bucket and "stats" are per CPU, so a migration
 * between two runs would hand a test a fresh event bucket.
 *
 * Exit status: 0 all passed, 1 a failure, 77 skipped (not root, no BPF).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <CUnit/Basic.h>

#include "bgpshield_guard.h"
#include "guard.skel.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Documentation addresses (RFC 5737, RFC 3849): peers, strangers, us. */
#define PEER4 "192.0.2.1"
#define PEER4B "192.0.2.2"
#define UNK4 "198.51.100.7"
#define LOCAL4 "192.0.2.254"
#define PEER6 "2001:db8::1"
#define PEER6B "2001:db8::2"
#define UNK6 "2001:db8:bad::7"
#define LOCAL6 "2001:db8::fe"

#define BGP 179
#define EPH 40000 /* an ephemeral port: the other end of a session */

/* TCP flags, RFC 9293 §3.1 (byte 13 of the header) */
#define TF_FIN 0x01
#define TF_SYN 0x02
#define TF_RST 0x04
#define TF_PSH 0x08
#define TF_ACK 0x10

#define IP_MF 0x2000 /* RFC 791 §3.1: flags+offset field, More Fragments */

#define FRAME_MAX 512
#define MAX_EVENTS 16

/* ---------------------------------------------------------------------- */
/* Frame builder                                                           */

/*
 * What to put on the wire.  Zero means the common default for every field
 * but the ports, which are always given.
 */
struct spec {
	unsigned int tags; /* 0, 1 (802.1Q) or 2 (802.1ad outer + 802.1Q) */
	__u16 ethertype;   /* non-IP frames (ARP); else from family */
	int family;	   /* AF_INET or AF_INET6 */
	const char *src;   /* text addresses */
	const char *dst;
	__u8 ttl;		/* TTL / hop limit; 0 means 64 */
	__u8 proto;		/* L4 protocol; 0 means TCP */
	unsigned int opt_words; /* IPv4 options, 32-bit words (ihl - 5) */
	__u16 frag4;		/* IPv4 flags+offset field: IP_MF | offset */
	__u8 ext[10];		/* IPv6 extension headers, in order */
	unsigned int n_ext;
	__u16 frag6; /* fragment header field: offset << 3 | M */
	__u16 sport;
	__u16 dport;
	__u8 flags;	     /* TCP flags */
	const __u8 *tcp_opts;	 /* TCP options (RFC 9293 §3.1), padded */
	unsigned int tcp_opts_len; /* a multiple of 4, at most 40 */
	unsigned int doff_extra; /* words the data offset claims beyond */
	const __u8 *smac;	 /* Ethernet source; NULL: MAC_SRC */
	unsigned int l4_len; /* L4 bytes present; 0 means the whole header */
	unsigned int pad_to; /* zero-pad the frame, as Ethernet does to 60 */
};

struct frame {
	__u8 b[FRAME_MAX];
	__u32 len;
	__u32 ip_end; /* end of the fixed IPv4/IPv6 header */
	bool tagged;
};

#define TO_BGP4(a, fl)                                                         \
	.family = AF_INET, .src = (a), .dst = LOCAL4, .sport = EPH,            \
	.dport = BGP, .flags = (fl)
#define TO_BGP6(a, fl)                                                         \
	.family = AF_INET6, .src = (a), .dst = LOCAL6, .sport = EPH,           \
	.dport = BGP, .flags = (fl)

static __u8 spec_ttl(const struct spec *s)
{
	return s->ttl ? s->ttl : 64;
}

static __u8 spec_proto(const struct spec *s)
{
	return s->proto ? s->proto : IPPROTO_TCP;
}

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Returns the address family, or 0 (and fails the test) on bad text. */
static int parse_addr(const char *text, __u8 out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, out) == 1)
		return AF_INET6;
	CU_FAIL_FATAL("unparsable address in a test");
	return 0;
}

/* One IPv6 extension header of type `type` followed by `next`; returns its
 * length. */
static unsigned int put_ext6(__u8 *p, __u8 type, __u8 next, __u16 frag6,
			     const __u8 *dst)
{
	p[0] = next;
	switch (type) {
	case IPPROTO_HOPOPTS:
		/* RFC 8200 §4.3, 8 bytes: one PadN option (§4.2) of 4 */
		p[1] = 0;
		p[2] = 1;
		p[3] = 4;
		memset(p + 4, 0, 4);
		return 8;
	case IPPROTO_DSTOPTS:
		/* RFC 8200 §4.6, 16 bytes (Hdr Ext Len 1): a PadN of 12, so
		 * a walker that ignores the length misreads the ports */
		p[1] = 1;
		p[2] = 1;
		p[3] = 12;
		memset(p + 4, 0, 12);
		return 16;
	case IPPROTO_ROUTING:
		/* RFC 8754 §2: a Segment Routing Header with one segment
		 * and Segments Left 0 (ignored, RFC 8200 §4.4), 24 bytes */
		p[1] = 2;
		p[2] = 4;
		p[3] = 0;
		memset(p + 4, 0, 4);
		memcpy(p + 8, dst, 16);
		return 24;
	case IPPROTO_FRAGMENT:
		/* RFC 8200 §4.5 */
		p[1] = 0;
		put16(p + 2, frag6);
		put32(p + 4, 0xb6b50001);
		return 8;
	case IPPROTO_AH:
		/* RFC 4302 §2.2: Payload Len counts 32-bit words minus 2;
		 * 24 bytes = 12 fixed + a 96-bit ICV */
		p[1] = 24 / 4 - 2;
		put16(p + 2, 0);
		put32(p + 4, 0x100);
		put32(p + 8, 1);
		memset(p + 12, 0xa5, 12);
		return 24;
	}
	CU_FAIL_FATAL("unknown extension header in a test");
	return 0;
}

/* The frames' Ethernet addresses: the peer's MAC is MAC_SRC. */
static const __u8 mac_dst[6] = {0x02, 0, 0, 0, 0, 0x01};
static const __u8 mac_src[6] = {0x02, 0, 0, 0, 0, 0x02};
static const __u8 mac_spoof[6] = {0x02, 0, 0, 0, 0, 0x66};
/* differs from mac_src in its first 16 bits only, and in its last only:
 * each 16-bit word of the compare must count */
static const __u8 mac_first[6] = {0x03, 0, 0, 0, 0, 0x02};
static const __u8 mac_mid[6] = {0x02, 0, 0, 0x01, 0, 0x02};

static void build(const struct spec *s, struct frame *f)
{
	__u8 src[16] = {}, dst[16] = {}, *p = f->b;
	__u16 ethertype = s->ethertype;
	unsigned int l4_len, ext_len = 0, i;
	__u8 *l4;

	memset(f, 0, sizeof(*f));
	if (!ethertype)
		ethertype = s->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP;

	/* Ethernet II: destination, source, then tags, then the type. */
	memcpy(p, mac_dst, 6);
	memcpy(p + 6, s->smac ? s->smac : mac_src, 6);
	p += 12;
	if (s->tags == 2) {
		/* IEEE 802.1ad: S-tag first, its TPID 0x88a8, VID 100 */
		put16(p, ETH_P_8021AD);
		put16(p + 2, 100);
		p += 4;
	}
	if (s->tags >= 1) {
		/* IEEE 802.1Q C-tag, VID 200 */
		put16(p, ETH_P_8021Q);
		put16(p + 2, 200);
		p += 4;
	}
	put16(p, ethertype);
	p += 2;
	f->tagged = s->tags != 0;
	f->ip_end = p - f->b + (ethertype == ETH_P_IPV6 ? 40 : 20);

	if (ethertype == ETH_P_ARP) {
		/* RFC 826: Ethernet/IPv4 request, 28 bytes */
		put16(p, 1);
		put16(p + 2, ETH_P_IP);
		p[4] = 6;
		p[5] = 4;
		put16(p + 6, 1);
		memcpy(p + 8, mac_src, 6);
		parse_addr(UNK4, p + 14);
		parse_addr(LOCAL4, p + 24);
		f->len = p + 28 - f->b;
		return;
	}

	parse_addr(s->src, src);
	parse_addr(s->dst, dst);
	if (s->family == AF_INET) {
		l4 = p + 20 + s->opt_words * 4;
	} else {
		l4 = p + 40;
		for (i = 0; i < s->n_ext; i++) {
			__u8 next = i + 1 < s->n_ext ? s->ext[i + 1]
						     : spec_proto(s);

			ext_len += put_ext6(l4, s->ext[i], next, s->frag6, dst);
			l4 = p + 40 + ext_len;
		}
	}

	if (spec_proto(s) == IPPROTO_TCP) {
		/* RFC 9293 §3.1: ports, seq, ack, data offset 5, flags */
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, 0x01020304);
		put32(l4 + 8, s->flags & TF_ACK ? 0x0a0b0c0d : 0);
		l4[12] = (5 + s->tcp_opts_len / 4 + s->doff_extra) << 4;
		l4[13] = s->flags;
		put16(l4 + 14, 0xffff);
		if (s->tcp_opts_len) /* memcpy(p, NULL, 0) is undefined */
			memcpy(l4 + 20, s->tcp_opts, s->tcp_opts_len);
		l4_len = 20 + s->tcp_opts_len;
	} else {
		/* RFC 768 for UDP; any other protocol gets 8 bytes alike */
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, 8);
		l4_len = 8;
	}
	if (s->l4_len)
		l4_len = s->l4_len; /* a fragment: the rest comes later */

	if (s->family == AF_INET) {
		unsigned int ihl = 5 + s->opt_words;

		/* RFC 791 §3.1; options all NOP (type 1, §3.1 "No
		 * Operation") so any length is well formed */
		p[0] = 0x40 | ihl;
		p[1] = 0;
		put16(p + 2, ihl * 4 + l4_len);
		put16(p + 4, 0x1234);
		put16(p + 6, s->frag4);
		p[8] = spec_ttl(s);
		p[9] = spec_proto(s);
		memcpy(p + 12, src, 4);
		memcpy(p + 16, dst, 4);
		memset(p + 20, 1, s->opt_words * 4);
	} else {
		/* RFC 8200 §3 */
		put32(p, 0x60000000);
		put16(p + 4, ext_len + l4_len);
		p[6] = s->n_ext ? s->ext[0] : spec_proto(s);
		p[7] = spec_ttl(s);
		memcpy(p + 8, src, 16);
		memcpy(p + 24, dst, 16);
	}
	f->len = l4 + l4_len - f->b;
	if (f->len < s->pad_to)
		f->len = s->pad_to; /* memset above: the padding is zeros */
}

/* ---------------------------------------------------------------------- */
/* Fixture                                                                 */

static struct {
	struct guard_bpf *skel;
	struct ring_buffer *rb;
	int xdp, tc;
	struct bgps_event ev[MAX_EVENTS];
	int nev;
	int bad_size; /* records whose size is not sizeof(bgps_event) */
} fx;

static unsigned int lo_ifindex;
static int ncpus;
static char note[64]; /* prefixed to failure messages inside loops */

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size != sizeof(struct bgps_event)) {
		fx.bad_size++;
		return 0;
	}
	if (fx.nev < MAX_EVENTS)
		memcpy(&fx.ev[fx.nev], data, size);
	fx.nev++;
	return 0;
}

static struct bgps_settings default_settings(void)
{
	/* Events on and generous, so only the event-limit tests see any
	 * suppressed. */
	return (struct bgps_settings){
		.event_rate = 1000,
		.event_burst = 1000,
		.abi_version = BGPS_ABI_VERSION,
	};
}

static int write_settings(const struct bgps_settings *s)
{
	__u32 zero = 0;

	return bpf_map_update_elem(bpf_map__fd(fx.skel->maps.settings), &zero,
				   s, BPF_ANY);
}

static void setup(void)
{
	struct bgps_settings s = default_settings();

	memset(&fx, 0, sizeof(fx));
	note[0] = '\0';
	fx.skel = guard_bpf__open_and_load();
	if (!fx.skel)
		return;
	fx.rb = ring_buffer__new(bpf_map__fd(fx.skel->maps.events), on_event,
				 NULL, NULL);
	fx.xdp = bpf_program__fd(fx.skel->progs.bgps_xdp);
	fx.tc = bpf_program__fd(fx.skel->progs.bgps_tc);
	if (!fx.rb || write_settings(&s)) {
		ring_buffer__free(fx.rb);
		guard_bpf__destroy(fx.skel);
		memset(&fx, 0, sizeof(fx));
	}
}

static void teardown(void)
{
	ring_buffer__free(fx.rb);
	guard_bpf__destroy(fx.skel);
	memset(&fx, 0, sizeof(fx));
}

/* ---------------------------------------------------------------------- */
/* Assertions that say what they wanted and what they got                  */

static bool check_true(unsigned int line, bool ok, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "%s", note);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	CU_assertImplementation(ok, line, msg, __FILE__, "", CU_FALSE);
	return ok;
}

static bool check_u64(unsigned int line, const char *what, __u64 got,
		      __u64 want)
{
	return check_true(line, got == want, "%s: want %llu, got %llu", what,
			  (unsigned long long)want, (unsigned long long)got);
}

static void require_fixture(unsigned int line)
{
	CU_assertImplementation(fx.skel != NULL, line,
				"fixture: guard_bpf__open_and_load()", __FILE__,
				"", CU_TRUE);
}

/* ---------------------------------------------------------------------- */
/* Maps                                                                    */

#define STAT(f)                                                                \
	{                                                                      \
		.name = #f, .off = offsetof(struct bgps_stats, f)              \
	}
static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
	STAT(total),	     STAT(guarded),
	STAT(passed),	     STAT(not_allowed),
	STAT(ttl),	     STAT(syn_rate),
	STAT(malformed),     STAT(wrong_iface),
	STAT(wrong_mac),     STAT(no_md5),
	STAT(no_ao),	     STAT(monitor_passed),
	STAT(events_sent),   STAT(events_suppressed),
	STAT(events_lost),   STAT(event_tat),
	STAT(event_pending),
};

/* A field added to the ABI must be added to the table above (and checked). */
_Static_assert(sizeof(struct bgps_stats) ==
		       ARRAY_SIZE(stat_fields) * sizeof(__u64),
	       "stat_fields[] does not cover struct bgps_stats");

static __u64 stat_get(const struct bgps_stats *s, size_t off)
{
	__u64 v;

	memcpy(&v, (const char *)s + off, sizeof(v));
	return v;
}

static void stat_set(struct bgps_stats *s, size_t off, __u64 v)
{
	memcpy((char *)s + off, &v, sizeof(v));
}

/* "stats" is per CPU: sum every possible CPU's copy, field by field. */
static void read_stats(struct bgps_stats *sum, unsigned int line)
{
	struct bgps_stats *v = calloc(ncpus, sizeof(*v));
	__u32 zero = 0;
	size_t i;
	int c, err;

	CU_assertImplementation(v != NULL, line, "calloc", __FILE__, "",
				CU_TRUE);
	err = bpf_map_lookup_elem(bpf_map__fd(fx.skel->maps.stats), &zero, v);
	memset(sum, 0, sizeof(*sum));
	for (c = 0; !err && c < ncpus; c++)
		for (i = 0; i < ARRAY_SIZE(stat_fields); i++)
			stat_set(sum, stat_fields[i].off,
				 stat_get(sum, stat_fields[i].off) +
					 stat_get(&v[c], stat_fields[i].off));
	free(v);
	CU_assertImplementation(!err, line, "lookup of stats[0]", __FILE__, "",
				CU_TRUE);
}

#define NO_POLICY (&(const struct bgps_policy){0})
#define GTSM(min)                                                              \
	(&(const struct bgps_policy){.flags = BGPS_PF_GTSM, .min_ttl = (min)})
#define SYN_BUCKET(rate, burst)                                                \
	(&(const struct bgps_policy){.syn_rate = (rate), .syn_burst = (burst)})

/*
 * Key of an exact entry (range == false) or of a range entry, in `key`.
 * Returns the map fd.
 */
static int entry_key(bool range, const char *addr, unsigned int plen,
		     __u8 key[20])
{
	__u8 a[16];
	int fam = parse_addr(addr, a);

	memset(key, 0, 20);
	if (!range) {
		memcpy(key, a, fam == AF_INET ? 4 : 16);
		return bpf_map__fd(fam == AF_INET ? fx.skel->maps.allow4
						  : fx.skel->maps.allow6);
	}
	/* struct bgps_lpm4/6: __u32 prefixlen, then the address */
	memcpy(key, &plen, sizeof(plen));
	memcpy(key + 4, a, fam == AF_INET ? 4 : 16);
	return bpf_map__fd(fam == AF_INET ? fx.skel->maps.range4
					  : fx.skel->maps.range6);
}

static void add_entry(bool range, const char *addr, unsigned int plen,
		      const struct bgps_policy *pol, unsigned int line)
{
	struct bgps_peer v = {.policy = *pol};
	__u8 key[20];
	int fd;

	require_fixture(line);
	fd = entry_key(range, addr, plen, key);
	CU_assertImplementation(!bpf_map_update_elem(fd, key, &v, BPF_NOEXIST),
				line, "adding an allow/range entry", __FILE__,
				"", CU_TRUE);
}

#define ADD_PEER(a, pol) add_entry(false, a, 0, pol, __LINE__)
#define ADD_RANGE(a, plen, pol) add_entry(true, a, plen, pol, __LINE__)

static void check_entry(bool range, const char *addr, unsigned int plen,
			__u64 packets, __u64 bytes, __u64 drop_ttl,
			__u64 drop_syn, unsigned int line)
{
	struct bgps_peer v;
	__u8 key[20];
	int fd;

	fd = entry_key(range, addr, plen, key);
	if (!check_true(line, !bpf_map_lookup_elem(fd, key, &v),
			"entry %s/%u present", addr, plen))
		return;
	check_u64(line, "peer.packets", v.packets, packets);
	check_u64(line, "peer.bytes", v.bytes, bytes);
	check_u64(line, "peer.drop_ttl", v.drop_ttl, drop_ttl);
	check_u64(line, "peer.drop_syn", v.drop_syn, drop_syn);
}

/* Cumulative counters of an entry the test created (they start at 0). */
#define CHECK_PEER(a, pk, by, dttl, dsyn)                                      \
	check_entry(false, a, 0, pk, by, dttl, dsyn, __LINE__)
#define CHECK_RANGE(a, plen, pk, by, dttl, dsyn)                               \
	check_entry(true, a, plen, pk, by, dttl, dsyn, __LINE__)

static void put_settings(const struct bgps_settings *s, unsigned int line)
{
	require_fixture(line);
	CU_assertImplementation(!write_settings(s), line, "writing settings",
				__FILE__, "", CU_TRUE);
}

#define PUT_SETTINGS(s) put_settings(s, __LINE__)

/* ---------------------------------------------------------------------- */
/* Running a frame                                                         */

struct outcome {
	bool tc;   /* run through bgps_tc, else bgps_xdp */
	__u32 len; /* bytes handed to the program */
	__u32 retval;
	struct bgps_stats d; /* after - before, per field */
	int nev;	     /* ring-buffer records this run produced */
	struct bgps_event ev[MAX_EVENTS];
};

/* Runs the first `len` bytes of `f`; returns test_run's error, if any. */
static int try_frame(int prog_fd, const struct frame *f, __u32 len,
		     struct outcome *o, unsigned int line)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->b,
		    .data_size_in = len, .repeat = 1);
	struct bgps_stats before, after;
	size_t i;
	int n, err;

	require_fixture(line);
	memset(o, 0, sizeof(*o));
	read_stats(&before, line);
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (err)
		return err;
	read_stats(&after, line);
	o->tc = prog_fd == fx.tc;
	o->len = len;
	o->retval = opts.retval;
	for (i = 0; i < ARRAY_SIZE(stat_fields); i++)
		stat_set(&o->d, stat_fields[i].off,
			 stat_get(&after, stat_fields[i].off) -
				 stat_get(&before, stat_fields[i].off));

	fx.nev = 0;
	n = ring_buffer__consume(fx.rb);
	check_true(line, n >= 0, "ring_buffer__consume() = %d", n);
	check_u64(line, "odd-sized ring records", fx.bad_size, 0);
	o->nev = fx.nev;
	memcpy(o->ev, fx.ev, sizeof(o->ev));
	return 0;
}

static void run_frame(int prog_fd, const struct frame *f, __u32 len,
		      struct outcome *o, unsigned int line)
{
	int err = try_frame(prog_fd, f, len, o, line);

	check_true(line, !err, "bpf_prog_test_run_opts(): %s", strerror(-err));
	if (err)
		CU_FAIL_FATAL("test_run failed");
}

static void run_spec(int prog_fd, const struct spec *s, struct outcome *o,
		     unsigned int line)
{
	struct frame f;

	build(s, &f);
	run_frame(prog_fd, &f, f.len, o, line);
}

#define XDP(s, o) run_spec(fx.xdp, s, o, __LINE__)
#define TC(s, o) run_spec(fx.tc, s, o, __LINE__)

/*
 * The verdict, then every field of "stats": those named in `want` moved by
 * exactly that much, all others did not move.  event_tat is GCRA state, not
 * a counter: it moves exactly when an event is admitted.  And the ring
 * holds one record per event counted as sent.
 */
static const char *verdict_name(bool tc, __u32 v)
{
	if (tc)
		return v == TC_ACT_OK	  ? "TC_ACT_OK"
		       : v == TC_ACT_SHOT ? "TC_ACT_SHOT"
					  : "other";
	return v == XDP_PASS   ? "XDP_PASS"
	       : v == XDP_DROP ? "XDP_DROP"
			       : "other";
}

static void expect(const struct outcome *o, __u32 verdict,
		   const struct bgps_stats *want, unsigned int line)
{
	char what[48];
	size_t i;

	check_true(line, o->retval == verdict, "verdict: want %s, got %s (%u)",
		   verdict_name(o->tc, verdict), verdict_name(o->tc, o->retval),
		   o->retval);
	for (i = 0; i < ARRAY_SIZE(stat_fields); i++) {
		size_t off = stat_fields[i].off;

		if (off == offsetof(struct bgps_stats, event_tat))
			continue;
		snprintf(what, sizeof(what), "stats.%s delta",
			 stat_fields[i].name);
		check_u64(line, what, stat_get(&o->d, off),
			  stat_get(want, off));
	}
	check_true(line, !o->d.event_tat == !want->events_sent,
		   "stats.event_tat moved (%llu) iff an event was sent (%llu)",
		   (unsigned long long)o->d.event_tat,
		   (unsigned long long)want->events_sent);
	check_u64(line, "ring-buffer records", o->nev, want->events_sent);
}

#define EXPECT(o, verdict, ...)                                                \
	expect(o, verdict, &(const struct bgps_stats){__VA_ARGS__}, __LINE__)

struct ev_want {
	__u8 family;
	__u8 reason;
	__u8 ttl;
	__u8 tcp_flags;
	__u8 flags;
	__u16 sport;
	__u16 dport;
	__u32 suppressed;
	const char *src;
	const char *dst;
	const __u8 *smac;
};

/* What the event for a frame built from `s` should say. */
static struct ev_want ev_from(const struct spec *s, __u8 reason, __u8 ef)
{
	return (struct ev_want){
		.family = s->family,
		.reason = reason,
		.ttl = spec_ttl(s),
		.tcp_flags = s->flags,
		.flags = ef,
		.sport = s->sport,
		.dport = s->dport,
		.src = s->src,
		.dst = s->dst,
		.smac = s->smac ? s->smac : mac_src,
	};
}

static void check_addr(unsigned int line, const char *what, const __u8 got[16],
		       const char *want_text)
{
	char gs[INET6_ADDRSTRLEN] = "?";
	__u8 want[16];
	int fam = parse_addr(want_text, want);

	/* IPv4 sits in the first 4 bytes and the rest must be zero */
	inet_ntop(fam, got, gs, sizeof(gs));
	check_true(line, !memcmp(got, want, 16), "%s: want %s, got %s%s", what,
		   want_text, gs,
		   fam == AF_INET && memcmp(got + 4, want + 4, 12)
			   ? " (bytes 4-15 not zero)"
			   : "");
}

static void expect_event(const struct outcome *o, int i,
			 const struct ev_want *w, unsigned int line)
{
	const struct bgps_event *e = &o->ev[i];

	if (!check_true(line, i < o->nev && i < MAX_EVENTS,
			"event #%d present (%d records)", i, o->nev))
		return;
	check_u64(line, "event.reason", e->reason, w->reason);
	check_u64(line, "event.family", e->family, w->family);
	check_u64(line, "event.ttl", e->ttl, w->ttl);
	check_u64(line, "event.tcp_flags", e->tcp_flags, w->tcp_flags);
	check_u64(line, "event.sport", e->sport, w->sport);
	check_u64(line, "event.dport", e->dport, w->dport);
	check_u64(line, "event.flags", e->flags, w->flags);
	check_u64(line, "event.suppressed", e->suppressed, w->suppressed);
	check_u64(line, "event.ifindex (lo under test_run)", e->ifindex,
		  lo_ifindex);
	check_true(line, e->ts_ns != 0, "event.ts_ns set");
	check_true(line, !e->pad[0] && !e->pad[1] && !e->pad[2],
		   "event.pad zero");
	check_addr(line, "event.saddr", e->saddr, w->src);
	check_addr(line, "event.daddr", e->daddr, w->dst);
	check_true(line, !memcmp(e->smac, w->smac ? w->smac : mac_src, 6),
		   "event.smac: want %02x:..:%02x, got %02x:..:%02x",
		   (w->smac ? w->smac : mac_src)[0],
		   (w->smac ? w->smac : mac_src)[5], e->smac[0], e->smac[5]);
	check_u64(line, "event.pad2", e->pad2, 0);
}

#define EXPECT_EVENT(o, i, w) expect_event(o, i, w, __LINE__)
/* The usual case: the event describes the frame as built. */
#define EXPECT_EVENT_OF(o, i, s, reason, ef)                                   \
	do {                                                                   \
		struct ev_want w_ = ev_from(s, reason, ef);                    \
		expect_event(o, i, &w_, __LINE__);                             \
	} while (0)

/* ---------------------------------------------------------------------- */
/* Allowed and unknown sources                                            */

static void test_v4_allowed_ack_passes(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_ACK)};
	struct outcome o;

	ADD_PEER(PEER4, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
}

static void test_v6_allowed_ack_passes(void)
{
	struct spec s = {TO_BGP6(PEER6, TF_ACK)};
	struct outcome o;

	ADD_PEER(PEER6, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 1, o.len, 0, 0);
}

static void test_v4_unknown_drops(void)
{
	struct spec s = {TO_BGP4(UNK4, TF_SYN)};
	struct outcome o;

	/* a peer exists, just not this one: its counters must not move */
	ADD_PEER(PEER4, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, 0);
	CHECK_PEER(PEER4, 0, 0, 0, 0);
}

static void test_v6_unknown_drops(void)
{
	struct spec s = {TO_BGP6(UNK6, TF_SYN), .ttl = 200};
	struct outcome o;

	ADD_PEER(PEER6, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, 0);
	CHECK_PEER(PEER6, 0, 0, 0, 0);
}

/* An IPv4 peer's address does not allow the IPv4-mapped IPv6 form: the
 * families have separate maps. */
static void test_v6_mapped_address_not_allowed(void)
{
	struct spec s = {TO_BGP6("::ffff:192.0.2.1", TF_SYN)};
	struct outcome o;

	ADD_PEER(PEER4, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, 0);
	CHECK_PEER(PEER4, 0, 0, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* VLAN tags                                                               */

static void tagged_allowed(unsigned int tags)
{
	struct spec s4 = {TO_BGP4(PEER4, TF_ACK | TF_PSH), .tags = tags};
	struct spec s6 = {TO_BGP6(PEER6, TF_ACK), .tags = tags};
	struct outcome o4, o6;

	ADD_PEER(PEER4, NO_POLICY);
	ADD_PEER(PEER6, NO_POLICY);
	XDP(&s4, &o4);
	EXPECT(&o4, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	XDP(&s6, &o6);
	EXPECT(&o6, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	/* bytes are the frame, tags included */
	CU_ASSERT_EQUAL(o4.len, 14 + 4 * tags + 20 + 20);
	CHECK_PEER(PEER4, 1, o4.len, 0, 0);
	CHECK_PEER(PEER6, 1, o6.len, 0, 0);
}

static void tagged_unknown(unsigned int tags)
{
	struct spec s4 = {TO_BGP4(UNK4, TF_SYN), .tags = tags};
	struct spec s6 = {TO_BGP6(UNK6, TF_SYN), .tags = tags};
	struct outcome o;

	ADD_PEER(PEER4, NO_POLICY);
	XDP(&s4, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s4, BGPS_R_NOT_ALLOWED, 0);
	XDP(&s6, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s6, BGPS_R_NOT_ALLOWED, 0);
	CHECK_PEER(PEER4, 0, 0, 0, 0);
}

static void test_vlan_allowed_passes(void)
{
	tagged_allowed(1);
}

static void test_vlan_unknown_drops(void)
{
	tagged_unknown(1);
}

static void test_qinq_allowed_passes(void)
{
	tagged_allowed(2);
}

static void test_qinq_unknown_drops(void)
{
	tagged_unknown(2);
}

/* ---------------------------------------------------------------------- */
/* GTSM, RFC 5082 §3                                                       */

static void test_gtsm_255_drops_ttl_254(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_ACK), .ttl = 254};
	struct outcome o;

	ADD_PEER(PEER4, GTSM(255));
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .ttl = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_TTL, 0);
	/* the peer saw the packet, and it was dropped for TTL */
	CHECK_PEER(PEER4, 1, o.len, 1, 0);

	s.ttl = 255;
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 2, 2 * o.len, 1, 0);
}

static void test_no_gtsm_ttl_254_passes(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_ACK), .ttl = 254};
	struct outcome o;

	/* min_ttl without the GTSM flag is not enforced */
	ADD_PEER(PEER4, (&(const struct bgps_policy){.min_ttl = 255}));
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
}

static void test_gtsm_one_hop(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_SYN), .ttl = 254};
	struct outcome o;

	ADD_PEER(PEER4, GTSM(254));
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	s.ttl = 253;
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .ttl = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_TTL, 0);
	CHECK_PEER(PEER4, 2, 2 * o.len, 1, 0);
}

static void test_gtsm_ipv6_hop_limit(void)
{
	struct spec s = {TO_BGP6(PEER6, TF_ACK), .ttl = 254};
	struct spec s2 = {TO_BGP6(PEER6B, TF_ACK), .ttl = 254};
	struct outcome o;

	ADD_PEER(PEER6, GTSM(255));
	ADD_PEER(PEER6B, GTSM(254));

	XDP(&s, &o); /* 254 < 255 */
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .ttl = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_TTL, 0);
	s.ttl = 255;
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 2, 2 * o.len, 1, 0);

	XDP(&s2, &o); /* one hop: 254 passes */
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	s2.ttl = 253;
	XDP(&s2, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .ttl = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s2, BGPS_R_TTL, 0);
	CHECK_PEER(PEER6B, 2, 2 * o.len, 1, 0);
}

/* ---------------------------------------------------------------------- */
/* SYN rate                                                                */

static void test_syn_peer_burst(void)
{
	struct spec syn = {TO_BGP4(PEER4, TF_SYN)};
	/* our active open: the peer answers from 179 */
	struct spec synack = {.family = AF_INET,
			      .src = PEER4,
			      .dst = LOCAL4,
			      .sport = BGP,
			      .dport = EPH,
			      .flags = TF_SYN | TF_ACK};
	struct spec ack = {TO_BGP4(PEER4, TF_ACK)};
	struct outcome o;
	int i;

	ADD_PEER(PEER4, SYN_BUCKET(1, 3));
	for (i = 0; i < 3; i++) {
		snprintf(note, sizeof(note), "SYN #%d: ", i + 1);
		XDP(&syn, &o);
		EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	}
	snprintf(note, sizeof(note), "SYN #4: ");
	XDP(&syn, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .syn_rate = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &syn, BGPS_R_SYN_RATE, 0);
	CHECK_PEER(PEER4, 4, 4 * o.len, 0, 1);

	/* the bucket is empty: answers and data are not SYNs */
	for (i = 0; i < 10; i++) {
		snprintf(note, sizeof(note), "SYN-ACK #%d: ", i + 1);
		XDP(&synack, &o);
		EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
		snprintf(note, sizeof(note), "ACK #%d: ", i + 1);
		XDP(&ack, &o);
		EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	}
	note[0] = '\0';
	/* and it is still empty */
	XDP(&syn, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .syn_rate = 1,
	       .events_sent = 1);
	CHECK_PEER(PEER4, 25, 25 * o.len, 0, 2);
}

static void test_syn_global_bucket(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec syn = {TO_BGP4(PEER4, TF_SYN)};
	struct spec syn_b = {TO_BGP4(PEER4B, TF_SYN)};
	struct outcome o;
	int i;

	cfg.syn_rate = 1;
	cfg.syn_burst = 2;
	PUT_SETTINGS(&cfg);
	ADD_PEER(PEER4, NO_POLICY);
	ADD_PEER(PEER4B, NO_POLICY);
	for (i = 0; i < 2; i++) {
		snprintf(note, sizeof(note), "SYN #%d: ", i + 1);
		XDP(&syn, &o);
		EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	}
	snprintf(note, sizeof(note), "SYN #3: ");
	XDP(&syn, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .syn_rate = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &syn, BGPS_R_SYN_RATE, 0);
	note[0] = '\0';
	/* the global drop is charged to the peer that sent it */
	CHECK_PEER(PEER4, 3, 3 * o.len, 0, 1);

	/* the bucket is shared: another peer finds it empty too */
	XDP(&syn_b, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .syn_rate = 1,
	       .events_sent = 1);
	CHECK_PEER(PEER4B, 1, o.len, 0, 1);
}

/* ---------------------------------------------------------------------- */
/* Ports and protocols                                                     */

static void test_sport_179_allowed_passes(void)
{
	/* the reply to our active connect: from 179 to our ephemeral port */
	struct spec s = {.family = AF_INET,
			 .src = PEER4,
			 .dst = LOCAL4,
			 .sport = BGP,
			 .dport = EPH,
			 .flags = TF_ACK};
	struct outcome o;

	ADD_PEER(PEER4, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
}

static void test_sport_179_unknown_drops(void)
{
	struct spec s = {.family = AF_INET6,
			 .src = UNK6,
			 .dst = LOCAL6,
			 .sport = BGP,
			 .dport = EPH,
			 .flags = TF_SYN | TF_ACK};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, 0);
}

static void test_other_tcp_port_total_only(void)
{
	struct spec s = {.family = AF_INET,
			 .src = UNK4,
			 .dst = LOCAL4,
			 .sport = EPH,
			 .dport = 22,
			 .flags = TF_SYN};
	struct spec s6 = {.family = AF_INET6,
			  .src = PEER6,
			  .dst = LOCAL6,
			  .sport = 1790,
			  .dport = 17900,
			  .flags = TF_ACK};
	struct outcome o;

	ADD_PEER(PEER6, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
	/* an allowed peer's other traffic is not counted against it */
	XDP(&s6, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
	CHECK_PEER(PEER6, 0, 0, 0, 0);
}

static void test_udp_179_uncounted(void)
{
	struct spec s = {.family = AF_INET,
			 .src = UNK4,
			 .dst = LOCAL4,
			 .proto = IPPROTO_UDP,
			 .sport = EPH,
			 .dport = BGP};
	struct spec s6 = {.family = AF_INET6,
			  .src = UNK6,
			  .dst = LOCAL6,
			  .proto = IPPROTO_UDP,
			  .sport = BGP,
			  .dport = BGP};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
	XDP(&s6, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
}

static void test_arp_passes(void)
{
	struct spec s = {.ethertype = ETH_P_ARP};
	struct spec tagged = {.ethertype = ETH_P_ARP, .tags = 2};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
	XDP(&tagged, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
}

static void test_configured_port(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec to179 = {TO_BGP4(UNK4, TF_SYN)};
	struct spec to1179 = {.family = AF_INET,
			      .src = UNK4,
			      .dst = LOCAL4,
			      .sport = EPH,
			      .dport = 1179,
			      .flags = TF_SYN};
	struct spec from1179 = {.family = AF_INET,
				.src = PEER4,
				.dst = LOCAL4,
				.sport = 1179,
				.dport = EPH,
				.flags = TF_ACK};
	struct outcome o;

	cfg.port = 1179;
	PUT_SETTINGS(&cfg);
	ADD_PEER(PEER4, NO_POLICY);

	XDP(&to179, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
	XDP(&to1179, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &to1179, BGPS_R_NOT_ALLOWED, 0);
	XDP(&from1179, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* Fragments: RFC 791 §3.2, RFC 8200 §4.5, RFC 1858 §3.1                  */

static void test_v4_nonfirst_fragment_passes(void)
{
	/* Offset 1 (8 bytes): the "TCP header" below is payload that only
	 * looks like one, to port 179 from a stranger; it must not be read
	 * as ports. */
	struct spec s = {TO_BGP4(UNK4, TF_SYN), .frag4 = IP_MF | 1};
	struct spec last = {TO_BGP4(UNK4, TF_SYN), .frag4 = 185};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
	XDP(&last, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
}

static void test_v4_tiny_fragment_8_bytes_drops(void)
{
	/* Ports visible, flags in the next fragment: even an allowed peer's
	 * such fragment is dropped, before the allowlist is consulted. */
	struct spec s = {TO_BGP4(PEER4, TF_SYN), .frag4 = IP_MF, .l4_len = 8};
	struct ev_want w = ev_from(&s, BGPS_R_MALFORMED, 0);
	struct outcome o;

	ADD_PEER(PEER4, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .malformed = 1,
	       .events_sent = 1);
	w.tcp_flags = 0; /* not in this fragment */
	EXPECT_EVENT(&o, 0, &w);

	/* either port being ours makes it our business */
	s.sport = BGP;
	s.dport = EPH;
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .malformed = 1,
	       .events_sent = 1);
	w.sport = BGP;
	w.dport = EPH;
	EXPECT_EVENT(&o, 0, &w);
	CHECK_PEER(PEER4, 0, 0, 0, 0);
}

static void test_v4_tiny_fragment_2_bytes_drops(void)
{
	struct spec s = {TO_BGP4(UNK4, TF_SYN), .frag4 = IP_MF, .l4_len = 2};
	struct ev_want w = ev_from(&s, BGPS_R_MALFORMED, 0);
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .malformed = 1,
	       .events_sent = 1);
	w.tcp_flags = 0;
	w.sport = w.dport = 0; /* not visible */
	EXPECT_EVENT(&o, 0, &w);
}

static void test_v4_tiny_fragment_other_port_passes(void)
{
	struct spec s = {.family = AF_INET,
			 .src = UNK4,
			 .dst = LOCAL4,
			 .sport = EPH,
			 .dport = 443,
			 .flags = TF_SYN,
			 .frag4 = IP_MF,
			 .l4_len = 8};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
}

/*
 * Regression: Ethernet pads every frame to 60 bytes (IEEE 802.3 minimum
 * without FCS), so an IPv4 first fragment carrying 8 bytes of TCP arrives
 * with 18 bytes of zero padding.  The guard must size the TCP part from the
 * IPv4 Total Length, not data_end, or the padding reads as the rest of a TCP
 * header and RFC 1858 §3.1's tiny-fragment check never fires on a wire.
 */
static void test_v4_tiny_fragment_padded_drops(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_SYN), .frag4 = IP_MF, .l4_len = 8,
			 .pad_to = 60};
	struct ev_want w = ev_from(&s, BGPS_R_MALFORMED, 0);
	struct outcome o;

	ADD_PEER(PEER4, SYN_BUCKET(1, 1));
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .malformed = 1,
	       .events_sent = 1);
	w.tcp_flags = 0;
	EXPECT_EVENT(&o, 0, &w);
	CHECK_PEER(PEER4, 0, 0, 0, 0);
}

static void test_v6_nonfirst_fragment_passes(void)
{
	struct spec s = {TO_BGP6(UNK6, TF_SYN), .ext = {IPPROTO_FRAGMENT},
			 .n_ext = 1, .frag6 = 1 << 3 | 1};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
}

static void test_v6_tiny_first_fragment_drops(void)
{
	struct spec s = {TO_BGP6(PEER6, TF_SYN), .ext = {IPPROTO_FRAGMENT},
			 .n_ext = 1, .frag6 = 1, .l4_len = 8};
	struct ev_want w = ev_from(&s, BGPS_R_MALFORMED, 0);
	struct outcome o;

	ADD_PEER(PEER6, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .malformed = 1,
	       .events_sent = 1);
	w.tcp_flags = 0;
	EXPECT_EVENT(&o, 0, &w);
	CHECK_PEER(PEER6, 0, 0, 0, 0);
}

static void test_v6_full_first_fragment_passes(void)
{
	struct spec s = {TO_BGP6(PEER6, TF_ACK), .ext = {IPPROTO_FRAGMENT},
			 .n_ext = 1, .frag6 = 1};
	struct outcome o;

	ADD_PEER(PEER6, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 1, o.len, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* IPv6 extension headers, RFC 8200 §4                                    */

#define EXT3                                                                   \
	{                                                                      \
		IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS              \
	}

static void test_v6_ext_chain_allowed_passes(void)
{
	struct spec s = {TO_BGP6(PEER6, TF_SYN), .ext = EXT3, .n_ext = 3};
	struct outcome o;

	ADD_PEER(PEER6, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 1, o.len, 0, 0);
}

static void test_v6_ext_chain_unknown_drops(void)
{
	struct spec s = {TO_BGP6(UNK6, TF_SYN), .ext = EXT3, .n_ext = 3};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	/* right ports and flags: the walk honoured every header length */
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, 0);
}

static void test_v6_ah_unknown_drops(void)
{
	/* AH counts its length in 4-byte words (RFC 4302 §2.2), unlike the
	 * others' 8 */
	struct spec s = {TO_BGP6(UNK6, TF_SYN),
			 .ext = {IPPROTO_HOPOPTS, IPPROTO_AH}, .n_ext = 2};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, 0);
}

/* Six headers, every kind the guard walks: exactly as many as it walks. */
#define EXT6                                                                   \
	{                                                                      \
		IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING,             \
			IPPROTO_FRAGMENT, IPPROTO_AH, IPPROTO_DSTOPTS          \
	}

static void test_v6_six_ext_headers_walked(void)
{
	/* the fragment header is an atomic fragment (RFC 6946): M 0,
	 * offset 0 */
	struct spec ok = {TO_BGP6(PEER6, TF_SYN), .ext = EXT6, .n_ext = 6};
	struct spec bad = {TO_BGP6(UNK6, TF_SYN), .ext = EXT6, .n_ext = 6};
	struct outcome o;

	ADD_PEER(PEER6, NO_POLICY);
	XDP(&ok, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 1, o.len, 0, 0);
	XDP(&bad, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &bad, BGPS_R_NOT_ALLOWED, 0);
}

static void test_v6_seven_dstopts_malformed(void)
{
	struct spec s = {TO_BGP6(PEER6, TF_ACK),
			 .ext = {IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
				 IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
				 IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
				 IPPROTO_DSTOPTS},
			 .n_ext = 7};
	struct ev_want w = ev_from(&s, BGPS_R_MALFORMED, 0);
	struct outcome o;

	ADD_PEER(PEER6, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .malformed = 1,
	       .events_sent = 1);
	/* the guard never reached the TCP header */
	w.sport = w.dport = 0;
	w.tcp_flags = 0;
	EXPECT_EVENT(&o, 0, &w);
	CHECK_PEER(PEER6, 0, 0, 0, 0);
}

/*
 * Regression: a chain of exactly as many extension headers as the guard
 * walks, followed by UDP, is not TCP and passes; only a chain longer than
 * the walk (next header still an extension header) is MALFORMED.
 */
static void test_v6_six_ext_headers_then_udp_passes(void)
{
	struct spec s = {.family = AF_INET6,
			 .src = UNK6,
			 .dst = LOCAL6,
			 .proto = IPPROTO_UDP,
			 .sport = EPH,
			 .dport = BGP,
			 .ext = EXT6,
			 .n_ext = 6};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1);
}

/* ---------------------------------------------------------------------- */
/* IPv4 options, RFC 791 §3.1                                              */

static void test_v4_options_unknown_drops(void)
{
	struct spec s = {TO_BGP4(UNK4, TF_SYN), .opt_words = 3};
	struct outcome o;

	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	/* right ports: the TCP header was found past the options */
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, 0);
}

static void test_v4_options_allowed_passes(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_ACK), .opt_words = 3};
	struct outcome o;

	ADD_PEER(PEER4, NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* Truncated frames                                                        */

/*
 * Every length from a bare Ethernet header (test_run's minimum) to one
 * byte short: each header boundary, the middle of each tag, of the IP
 * header, of its options or extension headers and of the TCP header.
 *
 * test_run for skb programs (seen on 6.18) refuses an untagged IPv4/IPv6
 * frame shorter than its fixed IP header with EINVAL, so for tc those cuts
 * cannot be run; the tagged shapes still cover cuts inside the IP header.
 */
static void sweep_truncated(bool tc)
{
	int prog_fd = tc ? fx.tc : fx.xdp;
	__u32 pass = tc ? TC_ACT_OK : XDP_PASS;
	__u32 drop = tc ? TC_ACT_SHOT : XDP_DROP;
	static const struct spec shapes[] = {
		{TO_BGP4(UNK4, TF_SYN)},
		{TO_BGP4(UNK4, TF_SYN), .tags = 2, .opt_words = 3},
		{TO_BGP6(UNK6, TF_SYN), .tags = 1},
		{TO_BGP6(UNK6, TF_SYN), .tags = 2, .ext = EXT3, .n_ext = 3},
	};
	struct outcome o;
	struct frame f;
	size_t i;
	__u32 cut;
	int err;

	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		build(&shapes[i], &f);
		for (cut = ETH_HLEN; cut < f.len; cut++) {
			snprintf(note, sizeof(note), "shape %zu cut %u/%u: ", i,
				 cut, f.len);
			err = try_frame(prog_fd, &f, cut, &o, __LINE__);
			if (err == -EINVAL && tc && !f.tagged && cut < f.ip_end)
				continue;
			check_true(__LINE__, !err, "test_run: %s",
				   strerror(-err));
			if (err)
				continue;
			EXPECT(&o, pass, .total = 1);
		}
		/* and whole, the same frame is judged */
		snprintf(note, sizeof(note), "shape %zu whole: ", i);
		run_frame(prog_fd, &f, f.len, &o, __LINE__);
		EXPECT(&o, drop, .total = 1, .guarded = 1, .not_allowed = 1,
		       .events_sent = 1);
	}
	note[0] = '\0';
}

static void test_truncated_xdp(void)
{
	sweep_truncated(false);
}

/* ---------------------------------------------------------------------- */
/* Ranges                                                                  */

static void test_range4(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec in = {TO_BGP4("10.1.2.3", TF_ACK)};
	struct spec out = {TO_BGP4("11.0.0.1", TF_ACK)};
	struct outcome o;

	cfg.flags = BGPS_SF_RANGE4;
	PUT_SETTINGS(&cfg);
	ADD_RANGE("10.0.0.0", 8, NO_POLICY);
	XDP(&in, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_RANGE("10.0.0.0", 8, 1, o.len, 0, 0);
	XDP(&out, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &out, BGPS_R_NOT_ALLOWED, 0);
	CHECK_RANGE("10.0.0.0", 8, 1, o.len, 0, 0);
}

static void test_range6(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec in = {TO_BGP6("2001:db8:a:1::5", TF_SYN)};
	struct spec out = {TO_BGP6("2001:db8:b::5", TF_SYN)};
	struct outcome o;

	cfg.flags = BGPS_SF_RANGE6;
	PUT_SETTINGS(&cfg);
	ADD_RANGE("2001:db8:a::", 48, NO_POLICY);
	XDP(&in, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_RANGE("2001:db8:a::", 48, 1, o.len, 0, 0);
	XDP(&out, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &out, BGPS_R_NOT_ALLOWED, 0);
	CHECK_RANGE("2001:db8:a::", 48, 1, o.len, 0, 0);
}

static void test_range_needs_flag(void)
{
	/* the flags say whether to look at the tries at all; a range6 flag
	 * does not open range4 */
	struct bgps_settings cfg = default_settings();
	struct spec in = {TO_BGP4("10.1.2.3", TF_ACK)};
	struct outcome o;

	cfg.flags = BGPS_SF_RANGE6;
	PUT_SETTINGS(&cfg);
	ADD_RANGE("10.0.0.0", 8, NO_POLICY);
	XDP(&in, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	CHECK_RANGE("10.0.0.0", 8, 0, 0, 0, 0);
}

static void test_range_gtsm(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec low = {TO_BGP4("10.1.2.3", TF_ACK), .ttl = 254};
	struct spec ok = {TO_BGP4("10.9.9.9", TF_ACK), .ttl = 255};
	struct spec low6 = {TO_BGP6("2001:db8:a::9", TF_ACK), .ttl = 1};
	struct outcome o;

	cfg.flags = BGPS_SF_RANGE4 | BGPS_SF_RANGE6;
	PUT_SETTINGS(&cfg);
	ADD_RANGE("10.0.0.0", 8, GTSM(255));
	ADD_RANGE("2001:db8:a::", 48, GTSM(255));
	XDP(&low, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .ttl = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &low, BGPS_R_TTL, 0);
	XDP(&ok, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_RANGE("10.0.0.0", 8, 2, 2 * o.len, 1, 0);
	XDP(&low6, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .ttl = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &low6, BGPS_R_TTL, 0);
	CHECK_RANGE("2001:db8:a::", 48, 1, o.len, 1, 0);
}

static void test_exact_entry_wins_over_range(void)
{
	/* the exact entry's policy (no GTSM) applies, not the range's */
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP4("10.1.2.3", TF_ACK), .ttl = 64};
	struct outcome o;

	cfg.flags = BGPS_SF_RANGE4;
	PUT_SETTINGS(&cfg);
	ADD_RANGE("10.0.0.0", 8, GTSM(255));
	ADD_PEER("10.1.2.3", NO_POLICY);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER("10.1.2.3", 1, o.len, 0, 0);
	CHECK_RANGE("10.0.0.0", 8, 0, 0, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* Monitor mode                                                            */

static void test_monitor_unknown_passes(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP4(UNK4, TF_SYN)};
	struct outcome o;

	cfg.mode = BGPS_MODE_MONITOR;
	PUT_SETTINGS(&cfg);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .not_allowed = 1,
	       .monitor_passed = 1, .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, BGPS_EF_MONITOR);
}

static void test_monitor_gtsm_counts(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP6(PEER6, TF_ACK), .ttl = 10};
	struct spec ok = {TO_BGP6(PEER6, TF_ACK), .ttl = 255};
	struct outcome o;

	cfg.mode = BGPS_MODE_MONITOR;
	PUT_SETTINGS(&cfg);
	ADD_PEER(PEER6, GTSM(255));
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .ttl = 1,
	       .monitor_passed = 1, .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_TTL, BGPS_EF_MONITOR);
	/* a packet that would pass anyway is not a monitor pass */
	XDP(&ok, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 2, 2 * o.len, 1, 0);
}

/* ---------------------------------------------------------------------- */
/* Events                                                                  */

static void test_event_rate_limit(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP4(UNK4, TF_SYN)};
	struct outcome o;
	int i, records = 0;

	cfg.event_rate = 1;
	cfg.event_burst = 2;
	PUT_SETTINGS(&cfg);
	for (i = 0; i < 5; i++) {
		snprintf(note, sizeof(note), "drop #%d: ", i + 1);
		XDP(&s, &o);
		if (i < 2) {
			EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1,
			       .not_allowed = 1, .events_sent = 1);
			EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED, 0);
		} else {
			/* counted, remembered for the next event's
			 * `suppressed`, not recorded */
			EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1,
			       .not_allowed = 1, .events_suppressed = 1,
			       .event_pending = 1);
		}
		records += o.nev;
	}
	note[0] = '\0';
	CU_ASSERT_EQUAL(records, 2);
}

static void test_event_suppressed_carried(void)
{
	/* 10 per second, no burst: one event, two suppressed, then after
	 * the 100 ms interval the next event reports the two */
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP6(UNK6, TF_SYN)};
	struct timespec pause = {.tv_nsec = 200 * 1000 * 1000};
	struct ev_want w = ev_from(&s, BGPS_R_NOT_ALLOWED, 0);
	struct outcome o;

	cfg.event_rate = 10;
	cfg.event_burst = 1;
	PUT_SETTINGS(&cfg);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_suppressed = 1, .event_pending = 1);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_suppressed = 1, .event_pending = 1);
	nanosleep(&pause, NULL);
	XDP(&s, &o);
	/* event_pending goes back from 2 to 0: a delta of -2 */
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1, .event_pending = (__u64)-2);
	w.suppressed = 2;
	EXPECT_EVENT(&o, 0, &w);
}

static void test_event_rate_zero_no_event(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP4(UNK4, TF_SYN)};
	struct outcome o;

	cfg.event_rate = 0;
	PUT_SETTINGS(&cfg);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .not_allowed = 1);
}

/* ---------------------------------------------------------------------- */
/* Bindings: interface, MAC, TCP-MD5/AO presence (checked before the entry
 * is counted or its bucket spent)                                         */

#define NO_IFINDEX (lo_ifindex + 1000) /* no such interface under test */
#define BOUND_IF(...)                                                          \
	(&(const struct bgps_policy){.flags = BGPS_PF_IFACE,                   \
				     .ifindex = {__VA_ARGS__}})
#define BOUND_MAC(m)                                                           \
	(&(const struct bgps_policy){.flags = BGPS_PF_MAC,                     \
				     .mac = {m[0], m[1], m[2], m[3], m[4],     \
					     m[5]}})
#define NEEDS(pf) (&(const struct bgps_policy){.flags = (pf)})

static struct bgps_peer get_entry(const char *addr, unsigned int line)
{
	struct bgps_peer v = {};
	__u8 key[20];
	int fd = entry_key(false, addr, 0, key);

	check_true(line, !bpf_map_lookup_elem(fd, key, &v), "entry %s present",
		   addr);
	return v;
}

/* Rewrites an entry's policy, keeping its state, as user/guard does. */
static void set_policy(const char *addr, const struct bgps_policy *pol,
		       unsigned int line)
{
	struct bgps_peer v = get_entry(addr, line);
	__u8 key[20];
	int fd = entry_key(false, addr, 0, key);

	v.policy = *pol;
	CU_assertImplementation(!bpf_map_update_elem(fd, key, &v, BPF_EXIST),
				line, "rewriting a policy", __FILE__, "",
				CU_TRUE);
}

static void test_iface_bound_passes(void)
{
	struct spec s4 = {TO_BGP4(PEER4, TF_ACK)};
	struct spec s6 = {TO_BGP6(PEER6, TF_SYN), .tags = 2};
	struct outcome o;

	ADD_PEER(PEER4, BOUND_IF(lo_ifindex));
	ADD_PEER(PEER6, BOUND_IF(lo_ifindex));
	XDP(&s4, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
	XDP(&s6, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 1, o.len, 0, 0);
}

static void test_iface_wrong_drops(void)
{
	struct spec s4 = {TO_BGP4(PEER4, TF_SYN), .ttl = 255};
	struct spec s6 = {TO_BGP6(PEER6, TF_ACK), .tags = 1, .ttl = 255};
	struct outcome o;

	ADD_PEER(PEER4, BOUND_IF(NO_IFINDEX));
	ADD_PEER(PEER6, BOUND_IF(NO_IFINDEX, NO_IFINDEX + 1));
	XDP(&s4, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .wrong_iface = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s4, BGPS_R_WRONG_IFACE, 0);
	XDP(&s6, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .wrong_iface = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s6, BGPS_R_WRONG_IFACE, 0);
	/* not the peer's packets: nothing counted against the entries */
	CHECK_PEER(PEER4, 0, 0, 0, 0);
	CHECK_PEER(PEER6, 0, 0, 0, 0);
}

static void test_iface_every_slot(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_ACK)};
	struct outcome o;
	int slot;

	ADD_PEER(PEER4, BOUND_IF(NO_IFINDEX));
	for (slot = 0; slot < BGPS_POLICY_IFACES; slot++) {
		struct bgps_policy p = {.flags = BGPS_PF_IFACE};

		for (int i = 0; i < BGPS_POLICY_IFACES; i++)
			p.ifindex[i] = i == slot ? lo_ifindex : NO_IFINDEX + i;
		set_policy(PEER4, &p, __LINE__);
		snprintf(note, sizeof(note), "lo in slot %d: ", slot);
		XDP(&s, &o);
		EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	}
	/* bound, but to nothing: every slot empty matches no interface */
	note[0] = '\0';
	set_policy(PEER4, NEEDS(BGPS_PF_IFACE), __LINE__);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .wrong_iface = 1,
	       .events_sent = 1);
	/* a zero slot never matches ifindex 0 either: the flag is what binds */
	set_policy(PEER4, NO_POLICY, __LINE__);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, BGPS_POLICY_IFACES + 1,
		   (BGPS_POLICY_IFACES + 1) * o.len, 0, 0);
}

/*
 * 20 spoofed SYNs with an entry's address, each dropped for the binding at
 * `counter` (an offset in struct bgps_stats) and none spending the entry's
 * bucket: its GCRA state stays 0.
 */
static void spoofs_spare_bucket(const struct spec *spoof, size_t counter,
				unsigned int line)
{
	struct bgps_stats want = {.total = 1, .guarded = 1, .events_sent = 1};
	struct outcome o;
	int i;

	stat_set(&want, counter, 1);
	for (i = 0; i < 20; i++) {
		snprintf(note, sizeof(note), "spoofed SYN #%d: ", i + 1);
		run_spec(fx.xdp, spoof, &o, line);
		expect(&o, XDP_DROP, &want, line);
	}
	note[0] = '\0';
	check_u64(line, "peer.syn_tat after the spoofed SYNs",
		  get_entry(spoof->src, line).syn_tat, 0);
}

#define SPOOFS_SPARE_BUCKET(s, field)                                          \
	spoofs_spare_bucket(s, offsetof(struct bgps_stats, field), __LINE__)

/* The attack of the issue: SYNs with the peer's address from elsewhere
 * must leave its bucket full for the real peer's reconnect. */
static void test_iface_spoof_spares_bucket(void)
{
	struct spec syn = {TO_BGP4(PEER4, TF_SYN), .ttl = 255};
	struct bgps_policy pol = {.flags = BGPS_PF_IFACE | BGPS_PF_GTSM,
				  .min_ttl = 255,
				  .ifindex = {NO_IFINDEX},
				  .syn_rate = 1,
				  .syn_burst = 1};
	struct outcome o;

	ADD_PEER(PEER4, &pol);
	SPOOFS_SPARE_BUCKET(&syn, wrong_iface);
	/* now the same SYN arrives where the peer is */
	pol.ifindex[1] = lo_ifindex;
	set_policy(PEER4, &pol, __LINE__);
	XDP(&syn, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
	/* and the bucket (burst 1) works as before for the next one */
	XDP(&syn, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .syn_rate = 1,
	       .events_sent = 1);
	CHECK_PEER(PEER4, 2, 2 * o.len, 0, 1);
}

static void test_mac_bound(void)
{
	static const __u8 *const wrong[] = {mac_spoof, mac_first, mac_mid,
					    mac_dst};
	struct spec s4 = {TO_BGP4(PEER4, TF_SYN)};
	struct spec s6 = {TO_BGP6(PEER6, TF_SYN), .tags = 2};
	struct outcome o;
	__u32 len4, len6;
	size_t i;

	ADD_PEER(PEER4, BOUND_MAC(mac_src));
	ADD_PEER(PEER6, BOUND_MAC(mac_src));
	XDP(&s4, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	len4 = o.len;
	XDP(&s6, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	len6 = o.len;
	for (i = 0; i < ARRAY_SIZE(wrong); i++) {
		snprintf(note, sizeof(note), "source MAC #%zu: ", i);
		s4.smac = s6.smac = wrong[i];
		XDP(&s4, &o);
		EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .wrong_mac = 1,
		       .events_sent = 1);
		EXPECT_EVENT_OF(&o, 0, &s4, BGPS_R_WRONG_MAC, 0);
		XDP(&s6, &o);
		EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .wrong_mac = 1,
		       .events_sent = 1);
		EXPECT_EVENT_OF(&o, 0, &s6, BGPS_R_WRONG_MAC, 0);
	}
	note[0] = '\0';
	CHECK_PEER(PEER4, 1, len4, 0, 0);
	CHECK_PEER(PEER6, 1, len6, 0, 0);
}

static void test_mac_spoof_spares_bucket(void)
{
	struct spec syn = {TO_BGP6(PEER6, TF_SYN), .ttl = 255,
			   .smac = mac_spoof};
	struct bgps_policy pol = {.flags = BGPS_PF_MAC | BGPS_PF_GTSM,
				  .min_ttl = 255,
				  .mac = {0x02, 0, 0, 0, 0, 0x02},
				  .syn_rate = 1,
				  .syn_burst = 1};
	struct outcome o;

	ADD_PEER(PEER6, &pol);
	SPOOFS_SPARE_BUCKET(&syn, wrong_mac);
	syn.smac = NULL; /* the peer itself */
	XDP(&syn, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 1, o.len, 0, 0);
}

/* No MAC known yet: the entry is not MAC-bound and any source passes. */
static void test_mac_unbound_any_passes(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_SYN), .smac = mac_spoof};
	struct outcome o;

	/* a MAC in the entry without the flag does not bind */
	ADD_PEER(PEER4, (&(const struct bgps_policy){
				.mac = {0x02, 0, 0, 0, 0, 0x02}}));
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
}

/* Interface first, then MAC: a frame wrong in both is wrong_iface. */
static void test_binding_order(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_SYN), .smac = mac_spoof};
	struct outcome o;

	ADD_PEER(PEER4, (&(const struct bgps_policy){
				.flags = BGPS_PF_IFACE | BGPS_PF_MAC |
					 BGPS_PF_MD5,
				.ifindex = {NO_IFINDEX},
				.mac = {0x02, 0, 0, 0, 0, 0x02}}));
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .wrong_iface = 1,
	       .events_sent = 1);
	set_policy(PEER4,
		   (&(const struct bgps_policy){
			   .flags = BGPS_PF_IFACE | BGPS_PF_MAC | BGPS_PF_MD5,
			   .ifindex = {lo_ifindex},
			   .mac = {0x02, 0, 0, 0, 0, 0x02}}),
		   __LINE__);
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .wrong_mac = 1,
	       .events_sent = 1);
	s.smac = NULL;
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .no_md5 = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NO_MD5, 0);
	CHECK_PEER(PEER4, 0, 0, 0, 0);
}

/* TCP options, RFC 9293 §3.2.  MD5: kind 19, length 18 (RFC 2385 §3.0);
 * AO: kind 29, length 4 + MAC (RFC 5925 §2.2), here a 12-byte MAC. */
#define OPT_MD5 19, 18, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, \
		0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0
#define OPT_AO 29, 16, 7, 7, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8,  \
		0xc9, 0xca, 0xcb, 0xcc
#define OPT_MSS 2, 4, 0x05, 0xb4
#define OPT_SACKOK 4, 2
#define OPT_TS 8, 10, 0, 0, 0, 1, 0, 0, 0, 0
#define OPT_WS 3, 3, 7

struct optcase {
	const char *what;
	__u8 b[40];
	unsigned int len; /* bytes of b used; padded to 4 with EOL (0) */
	unsigned int doff_extra;
	__u16 has; /* BGPS_PF_MD5 / BGPS_PF_AO the walk must find */
};

static const struct optcase optcases[] = {
	{"no options", {0}, 0, 0, 0},
	{"MSS only", {OPT_MSS}, 4, 0, 0},
	{"MD5 alone", {OPT_MD5, 1, 1}, 20, 0, BGPS_PF_MD5},
	{"Linux MD5 SYN: MSS, SACK-OK, TS, NOP, WS, MD5",
	 {OPT_MSS, OPT_SACKOK, OPT_TS, 1, OPT_WS, OPT_MD5}, 40, 0,
	 BGPS_PF_MD5},
	{"MD5 last after MSS, WS, SACK-OK, TS",
	 {OPT_MSS, OPT_WS, OPT_SACKOK, OPT_TS, 1, OPT_MD5}, 38, 0,
	 BGPS_PF_MD5},
	{"AO alone", {OPT_AO}, 16, 0, BGPS_PF_AO},
	{"AO after MSS, SACK-OK, TS", {OPT_MSS, OPT_SACKOK, OPT_TS, OPT_AO},
	 32, 0, BGPS_PF_AO},
	{"MSS, SACK-OK, TS: no MD5", {OPT_MSS, OPT_SACKOK, OPT_TS, 1, OPT_WS},
	 20, 0, 0},
	{"EOL before MD5: the list ended", {OPT_MSS, 0, 0, 0, 0, OPT_MD5}, 26,
	 0, 0},
	{"a length-0 option before MD5", {OPT_MSS, 99, 0, OPT_MD5}, 24, 0, 0},
	{"a length-1 option before MD5", {OPT_MSS, 99, 1, OPT_MD5}, 24, 0, 0},
	{"an option longer than the list hides MD5", {8, 30, 0, 0, OPT_MD5},
	 22, 0, 0},
	{"MD5 beyond the data offset", {1, 1, 1, 1}, 4, 0, 0},
	{"data offset past the frame, MD5 never arrives", {1, 1, 1, 1}, 4, 6,
	 0},
	{"cut inside the MD5 option's kind/length", {1, 1, 1, 19}, 4, 4, 0},
	{"MD5 length byte only", {OPT_MSS, 1, 1, 1, 19}, 8, 3, 0},
	{"MD5 longer than the option space",
	 {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	  1, 1, 1, 1, 1, 19, 18},
	 30, 0, 0},
	{"AO then MD5 (both present)", {OPT_AO, OPT_MD5, 1, 1}, 36, 0,
	 BGPS_PF_MD5 | BGPS_PF_AO},
};

static void put_opts(struct spec *s, const struct optcase *c, __u8 *buf)
{
	memset(buf, 0, 40);
	memcpy(buf, c->b, c->len);
	s->tcp_opts = buf;
	s->tcp_opts_len = (c->len + 3) & ~3u;
	s->doff_extra = c->doff_extra;
}

static void sweep_auth(int prog_fd, __u16 need, const char *addr, int fam)
{
	bool tc = prog_fd == fx.tc;
	__u32 pass = tc ? TC_ACT_OK : XDP_PASS;
	__u32 drop = tc ? TC_ACT_SHOT : XDP_DROP;
	__u8 buf[40];
	struct outcome o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(optcases); i++) {
		const struct optcase *c = &optcases[i];
		struct spec s = {.family = fam,
				 .src = addr,
				 .dst = fam == AF_INET ? LOCAL4 : LOCAL6,
				 .sport = EPH,
				 .dport = BGP,
				 .flags = TF_SYN,
				 .tags = i % 3};
		bool ok = (c->has & need) == need;
		__u8 reason = !(c->has & BGPS_PF_MD5) && (need & BGPS_PF_MD5)
				      ? BGPS_R_NO_MD5
				      : BGPS_R_NO_AO;

		put_opts(&s, c, buf);
		snprintf(note, sizeof(note), "%s: ", c->what);
		run_spec(prog_fd, &s, &o, __LINE__);
		if (ok) {
			EXPECT(&o, pass, .total = 1, .guarded = 1,
			       .passed = 1);
			continue;
		}
		if (reason == BGPS_R_NO_MD5)
			EXPECT(&o, drop, .total = 1, .guarded = 1,
			       .no_md5 = 1, .events_sent = 1);
		else
			EXPECT(&o, drop, .total = 1, .guarded = 1, .no_ao = 1,
			       .events_sent = 1);
		EXPECT_EVENT_OF(&o, 0, &s, reason, tc ? BGPS_EF_TC : 0);
	}
	note[0] = '\0';
}

/* The walk itself, at every position: MD5 after 0..22 NOPs. */
static void test_md5_every_position(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_SYN)};
	struct outcome o;
	__u8 buf[40];
	unsigned int n;

	ADD_PEER(PEER4, NEEDS(BGPS_PF_MD5));
	for (n = 0; n + 18 <= 40; n++) {
		static const __u8 md5[] = {OPT_MD5};

		memset(buf, 0, sizeof(buf));
		memset(buf, 1, n);
		memcpy(buf + n, md5, sizeof(md5));
		s.tcp_opts = buf;
		s.tcp_opts_len = (n + 18 + 3) & ~3u;
		snprintf(note, sizeof(note), "MD5 after %u NOPs: ", n);
		XDP(&s, &o);
		EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
		/* the same list ended (EOL) just before it */
		if (n) {
			buf[n - 1] = 0;
			XDP(&s, &o);
			EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1,
			       .no_md5 = 1, .events_sent = 1);
		}
	}
	note[0] = '\0';
}

static void test_md5_options(void)
{
	__u64 with_md5 = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(optcases); i++)
		with_md5 += !!(optcases[i].has & BGPS_PF_MD5);
	ADD_PEER(PEER4, NEEDS(BGPS_PF_MD5));
	ADD_PEER(PEER6, NEEDS(BGPS_PF_MD5));
	sweep_auth(fx.xdp, BGPS_PF_MD5, PEER4, AF_INET);
	sweep_auth(fx.xdp, BGPS_PF_MD5, PEER6, AF_INET6);
	/* only the SYNs that carried MD5 are counted against the entry */
	check_u64(__LINE__, "peer.packets", get_entry(PEER4, __LINE__).packets,
		  with_md5);
	check_u64(__LINE__, "peer.packets", get_entry(PEER6, __LINE__).packets,
		  with_md5);
}

static void test_ao_options(void)
{
	ADD_PEER(PEER4, NEEDS(BGPS_PF_AO));
	ADD_PEER(PEER6B, NEEDS(BGPS_PF_AO));
	sweep_auth(fx.xdp, BGPS_PF_AO, PEER4, AF_INET);
	sweep_auth(fx.xdp, BGPS_PF_AO, PEER6B, AF_INET6);
}

static void test_auth_options_tc(void)
{
	ADD_PEER(PEER4, NEEDS(BGPS_PF_MD5));
	ADD_PEER(PEER6, NEEDS(BGPS_PF_AO));
	sweep_auth(fx.tc, BGPS_PF_MD5, PEER4, AF_INET);
	sweep_auth(fx.tc, BGPS_PF_AO, PEER6, AF_INET6);
}

/* Only a SYN is checked: the kernel verifies every segment's signature,
 * and SYN-ACKs and data do not spend the bucket. */
static void test_md5_only_syn_checked(void)
{
	struct spec ack = {TO_BGP4(PEER4, TF_ACK)};
	struct spec synack = {.family = AF_INET, .src = PEER4, .dst = LOCAL4,
			      .sport = BGP, .dport = EPH,
			      .flags = TF_SYN | TF_ACK};
	struct spec rst = {TO_BGP4(PEER4, TF_RST)};
	struct outcome o;

	ADD_PEER(PEER4, NEEDS(BGPS_PF_MD5 | BGPS_PF_AO));
	XDP(&ack, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	XDP(&synack, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	XDP(&rst, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 3, 3 * o.len, 0, 0);
}

static void test_md5_spoof_spares_bucket(void)
{
	static const __u8 md5[20] = {OPT_MD5, 1, 1};
	struct spec syn = {TO_BGP4(PEER4, TF_SYN)};
	struct bgps_policy pol = {.flags = BGPS_PF_MD5,
				  .syn_rate = 1,
				  .syn_burst = 1};
	struct outcome o;

	ADD_PEER(PEER4, &pol);
	SPOOFS_SPARE_BUCKET(&syn, no_md5);
	syn.tcp_opts = md5;
	syn.tcp_opts_len = sizeof(md5);
	XDP(&syn, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
}

static void test_tc_bindings(void)
{
	struct spec s4 = {TO_BGP4(PEER4, TF_SYN), .tags = 1};
	struct spec s6 = {TO_BGP6(PEER6, TF_SYN), .smac = mac_spoof};
	struct outcome o;

	ADD_PEER(PEER4, BOUND_IF(NO_IFINDEX));
	ADD_PEER(PEER6, BOUND_MAC(mac_src));
	TC(&s4, &o);
	EXPECT(&o, TC_ACT_SHOT, .total = 1, .guarded = 1, .wrong_iface = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s4, BGPS_R_WRONG_IFACE, BGPS_EF_TC);
	TC(&s6, &o);
	EXPECT(&o, TC_ACT_SHOT, .total = 1, .guarded = 1, .wrong_mac = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s6, BGPS_R_WRONG_MAC, BGPS_EF_TC);
	set_policy(PEER4, BOUND_IF(lo_ifindex), __LINE__);
	s6.smac = NULL;
	TC(&s4, &o);
	EXPECT(&o, TC_ACT_OK, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
	TC(&s6, &o);
	EXPECT(&o, TC_ACT_OK, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 1, o.len, 0, 0);
}

static void test_monitor_bindings(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP4(PEER4, TF_SYN), .smac = mac_spoof};
	struct outcome o;

	cfg.mode = BGPS_MODE_MONITOR;
	PUT_SETTINGS(&cfg);
	ADD_PEER(PEER4, BOUND_MAC(mac_src));
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .wrong_mac = 1,
	       .monitor_passed = 1, .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_WRONG_MAC, BGPS_EF_MONITOR);
	set_policy(PEER4, BOUND_IF(NO_IFINDEX), __LINE__);
	XDP(&s, &o);
	EXPECT(&o, XDP_PASS, .total = 1, .guarded = 1, .wrong_iface = 1,
	       .monitor_passed = 1, .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_WRONG_IFACE, BGPS_EF_MONITOR);
}

/* A range entry binds the same way (`allow P { interface IF; }`). */
static void test_range_bound(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP4("192.0.2.77", TF_SYN)};
	struct outcome o;

	cfg.flags = BGPS_SF_RANGE4;
	PUT_SETTINGS(&cfg);
	ADD_RANGE("192.0.2.0", 24, BOUND_IF(NO_IFINDEX));
	XDP(&s, &o);
	EXPECT(&o, XDP_DROP, .total = 1, .guarded = 1, .wrong_iface = 1,
	       .events_sent = 1);
	CHECK_RANGE("192.0.2.0", 24, 0, 0, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* The tc entry point                                                      */

static void test_tc_allowed_passes(void)
{
	struct spec s4 = {TO_BGP4(PEER4, TF_ACK)};
	struct spec s6 = {TO_BGP6(PEER6, TF_SYN), .tags = 2};
	struct outcome o;

	ADD_PEER(PEER4, NO_POLICY);
	ADD_PEER(PEER6, NO_POLICY);
	TC(&s4, &o);
	EXPECT(&o, TC_ACT_OK, .total = 1, .guarded = 1, .passed = 1);
	/* skb->len is the frame under test_run */
	CHECK_PEER(PEER4, 1, o.len, 0, 0);
	TC(&s6, &o);
	EXPECT(&o, TC_ACT_OK, .total = 1, .guarded = 1, .passed = 1);
	CHECK_PEER(PEER6, 1, o.len, 0, 0);
}

static void test_tc_unknown_drops(void)
{
	struct spec s4 = {TO_BGP4(UNK4, TF_SYN), .tags = 1};
	struct spec s6 = {TO_BGP6(UNK6, TF_SYN), .ext = EXT3, .n_ext = 3};
	struct outcome o;

	TC(&s4, &o);
	EXPECT(&o, TC_ACT_SHOT, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s4, BGPS_R_NOT_ALLOWED, BGPS_EF_TC);
	TC(&s6, &o);
	EXPECT(&o, TC_ACT_SHOT, .total = 1, .guarded = 1, .not_allowed = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s6, BGPS_R_NOT_ALLOWED, BGPS_EF_TC);
}

static void test_tc_gtsm_drops(void)
{
	struct spec s = {TO_BGP4(PEER4, TF_SYN), .ttl = 254};
	struct outcome o;

	ADD_PEER(PEER4, GTSM(255));
	TC(&s, &o);
	EXPECT(&o, TC_ACT_SHOT, .total = 1, .guarded = 1, .ttl = 1,
	       .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_TTL, BGPS_EF_TC);
	CHECK_PEER(PEER4, 1, o.len, 1, 0);
}

static void test_tc_monitor_flags(void)
{
	struct bgps_settings cfg = default_settings();
	struct spec s = {TO_BGP6(UNK6, TF_SYN)};
	struct outcome o;

	cfg.mode = BGPS_MODE_MONITOR;
	PUT_SETTINGS(&cfg);
	TC(&s, &o);
	EXPECT(&o, TC_ACT_OK, .total = 1, .guarded = 1, .not_allowed = 1,
	       .monitor_passed = 1, .events_sent = 1);
	EXPECT_EVENT_OF(&o, 0, &s, BGPS_R_NOT_ALLOWED,
			BGPS_EF_TC | BGPS_EF_MONITOR);
}

static void test_tc_tiny_fragment_drops(void)
{
	struct spec s = {TO_BGP6(UNK6, TF_SYN), .ext = {IPPROTO_FRAGMENT},
			 .n_ext = 1, .frag6 = 1, .l4_len = 8};
	struct ev_want w = ev_from(&s, BGPS_R_MALFORMED, BGPS_EF_TC);
	struct outcome o;

	TC(&s, &o);
	EXPECT(&o, TC_ACT_SHOT, .total = 1, .guarded = 1, .malformed = 1,
	       .events_sent = 1);
	w.tcp_flags = 0;
	EXPECT_EVENT(&o, 0, &w);
}

/* test_run hands tc a linear skb, so a short frame is truly truncated and
 * passes exactly as under XDP. */
static void test_truncated_tc(void)
{
	sweep_truncated(true);
}

/* ---------------------------------------------------------------------- */

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
#define T(name)                                                                \
	{                                                                      \
#name, test_##name                                             \
	}
	T(v4_allowed_ack_passes),
	T(v6_allowed_ack_passes),
	T(v4_unknown_drops),
	T(v6_unknown_drops),
	T(v6_mapped_address_not_allowed),
	T(vlan_allowed_passes),
	T(vlan_unknown_drops),
	T(qinq_allowed_passes),
	T(qinq_unknown_drops),
	T(gtsm_255_drops_ttl_254),
	T(no_gtsm_ttl_254_passes),
	T(gtsm_one_hop),
	T(gtsm_ipv6_hop_limit),
	T(syn_peer_burst),
	T(syn_global_bucket),
	T(sport_179_allowed_passes),
	T(sport_179_unknown_drops),
	T(other_tcp_port_total_only),
	T(udp_179_uncounted),
	T(arp_passes),
	T(configured_port),
	T(v4_nonfirst_fragment_passes),
	T(v4_tiny_fragment_8_bytes_drops),
	T(v4_tiny_fragment_2_bytes_drops),
	T(v4_tiny_fragment_other_port_passes),
	T(v4_tiny_fragment_padded_drops),
	T(v6_nonfirst_fragment_passes),
	T(v6_tiny_first_fragment_drops),
	T(v6_full_first_fragment_passes),
	T(v6_ext_chain_allowed_passes),
	T(v6_ext_chain_unknown_drops),
	T(v6_ah_unknown_drops),
	T(v6_six_ext_headers_walked),
	T(v6_seven_dstopts_malformed),
	T(v6_six_ext_headers_then_udp_passes),
	T(v4_options_unknown_drops),
	T(v4_options_allowed_passes),
	T(truncated_xdp),
	T(range4),
	T(range6),
	T(range_needs_flag),
	T(range_gtsm),
	T(exact_entry_wins_over_range),
	T(monitor_unknown_passes),
	T(monitor_gtsm_counts),
	T(event_rate_limit),
	T(event_suppressed_carried),
	T(event_rate_zero_no_event),
	T(tc_allowed_passes),
	T(tc_unknown_drops),
	T(tc_gtsm_drops),
	T(tc_monitor_flags),
	T(tc_tiny_fragment_drops),
	T(truncated_tc),
	T(iface_bound_passes),
	T(iface_wrong_drops),
	T(iface_every_slot),
	T(iface_spoof_spares_bucket),
	T(mac_bound),
	T(mac_spoof_spares_bucket),
	T(mac_unbound_any_passes),
	T(binding_order),
	T(md5_every_position),
	T(md5_options),
	T(ao_options),
	T(auth_options_tc),
	T(md5_only_syn_checked),
	T(md5_spoof_spares_bucket),
	T(tc_bindings),
	T(monitor_bindings),
	T(range_bound),
#undef T
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	/* warnings carry the verifier log when the object does not load */
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Is the kernel able to run the guard at all?  Returns 0, or prints why
 * not and returns the exit status. */
static int probe(void)
{
	static const __u8 eth[ETH_HLEN] = {[12] = 0x08, [13] = 0x06};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = eth,
		    .data_size_in = sizeof(eth), .repeat = 1);
	struct guard_bpf *skel;
	int fd, err;

	if (geteuid() != 0) {
		printf("skipped: test_guard needs root (BPF_PROG_TEST_RUN)\n");
		return 77;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (fd < 0) {
		printf("skipped: BPF unavailable: %s\n", strerror(errno));
		return 77;
	}
	close(fd);
	skel = guard_bpf__open_and_load();
	if (!skel) {
		err = errno;
		if (err == EPERM) {
			printf("skipped: loading BPF programs not permitted "
			       "(lockdown?): %s\n",
			       strerror(err));
			return 77;
		}
		printf("FAIL: guard object does not load: %s\n", strerror(err));
		return 1;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.bgps_xdp),
				     &opts);
	guard_bpf__destroy(skel);
	if (err) {
		printf("skipped: BPF_PROG_TEST_RUN for XDP unavailable: %s\n",
		       strerror(-err));
		return 77;
	}
	return 0;
}

int main(void)
{
	CU_pSuite suite;
	cpu_set_t cpus;
	unsigned int failures;
	size_t i;
	int rc, cpu;

	libbpf_set_print(libbpf_print);
	rc = probe();
	if (rc)
		return rc;

	ncpus = libbpf_num_possible_cpus();
	lo_ifindex = if_nametoindex("lo");
	if (ncpus <= 0 || !lo_ifindex) {
		printf("FAIL: no CPU count (%d) or no lo (%u)\n", ncpus,
		       lo_ifindex);
		return 1;
	}
	cpu = sched_getcpu();
	CPU_ZERO(&cpus);
	CPU_SET(cpu < 0 ? 0 : cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		printf("FAIL: cannot pin to one CPU: %s\n", strerror(errno));
		return 1;
	}

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite_with_setup_and_teardown("guard", NULL, NULL, setup,
						     teardown);
	for (i = 0; suite && i < ARRAY_SIZE(tests); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			suite = NULL;
	if (!suite) {
		printf("FAIL: CUnit registry: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	rc = failures || CU_get_error() != CUE_SUCCESS;
	CU_cleanup_registry();
	return rc;
}
