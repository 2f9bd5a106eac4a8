// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flood generator for the guard benchmark, run by flood_gen.c through
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: every repeat hands
 * this program one frame of a page pool; XDP_TX sends it out of the
 * attacker's veth (test_run turns XDP_TX into a redirect to the ingress
 * device), XDP_DROP recycles it.  That makes ~10 Mpps on one vCPU here,
 * an order of magnitude above any socket-based generator.
 *
 * Frames persist in the page pool between repeats, so each frame keeps
 * whatever source we wrote last; the rewrite reads the old value from the
 * frame and patches both checksums incrementally (RFC 1624).
 *
 * Also holds the receivers the flood benchmark attaches as floors: an
 * empty XDP_DROP, and one that first reads the headers a port filter must
 * read, to tell the cost of bringing the frame's data to the receiving CPU
 * from the cost of the filter's own work.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* Set by flood_gen.c before load. */
const volatile __u64 train_interval_ns; /* 0: unpaced, every frame sent */
const volatile __u32 train_len = 32;
const volatile __u32 src_base;	   /* host order */
const volatile __u32 src_hostmask; /* host order: the random bits */

/* One test_run call runs on one CPU: plain globals need no atomics. */
__u64 next_train_ns;
__u32 train_left;
__u64 sent;
__u64 paced_out;

/* Ones' complement sums are byte-order neutral, so the raw 16-bit words of
 * the frame can be used as they are. */
static __always_inline __u16 csum_fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') over every changed word. */
static __always_inline void csum_replace4(__u16 *sum, __u32 from, __u32 to)
{
	__u32 s = (__u16) ~*sum;

	s += (~from & 0xffff) + (~from >> 16);
	s += (to & 0xffff) + (to >> 16);
	*sum = ~csum_fold(s);
}

static __always_inline void csum_replace2(__u16 *sum, __u16 from, __u16 to)
{
	__u32 s = (__u16) ~*sum;

	s += (__u16)~from;
	s += to;
	*sum = ~csum_fold(s);
}

SEC("xdp")
int flood_syn(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u32 saddr, r;
	__u16 sport;

	/*
	 * Pacing: frames that are not due are dropped (a few ns each) and
	 * due ones go out in trains of train_len back to back, the way a
	 * NIC with interrupt coalescing delivers them.  Sending one frame
	 * per tick of the clock would make the receiver wake per frame, and
	 * wake-up cost would drown what we want to measure.
	 */
	if (train_interval_ns) {
		if (!train_left) {
			__u64 now = bpf_ktime_get_ns();

			if (now < next_train_ns) {
				paced_out++;
				return XDP_DROP;
			}
			/* Fallen behind by more than a train: restart the
			 * schedule rather than burst to catch up. */
			if (now - next_train_ns > train_interval_ns)
				next_train_ns = now;
			next_train_ns += train_interval_ns;
			train_left = train_len;
		}
		train_left--;
	}

	if ((void *)(tcp + 1) > data_end)
		return XDP_DROP;

	r = bpf_get_prandom_u32();
	saddr = bpf_htonl(src_base | (r & src_hostmask));
	/* Ephemeral-looking ports, 1024..65535, from the other bits. */
	sport = bpf_htons(1024 + (bpf_get_prandom_u32() % 64512));

	csum_replace4(&ip->check, ip->saddr, saddr);
	csum_replace4(&tcp->check, ip->saddr, saddr);
	csum_replace2(&tcp->check, tcp->source, sport);
	ip->saddr = saddr;
	tcp->source = sport;
	sent++;
	return XDP_TX;
}

/* The floor of the flood benchmark: what receiving a frame costs when the
 * filter does nothing at all. */
SEC("xdp")
int xdp_drop_all(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

/* The floor plus the data access every port filter pays: read the L3
 * protocol and the TCP destination port, and drop. */
SEC("xdp")
int xdp_touch_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);

	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_TCP)
		return XDP_PASS;
	return tcp->dest == bpf_htons(179) ? XDP_DROP : XDP_PASS;
}
