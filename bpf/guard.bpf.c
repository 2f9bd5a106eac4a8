// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshield kernel guard: drops unwanted TCP traffic to or from the BGP port
 * before the TCP stack sees it.
 *
 * One verdict function (guard_verdict) behind two thin entry points, XDP and
 * tc clsact ingress.  For TCP with source or destination port 179 (a
 * setting), in this order:
 *   1. source in neither the exact allowlist nor an allowed range -> drop
 *      NOT_ALLOWED;
 *   2. the entry is bound to interfaces and the packet arrived on another
 *      -> drop WRONG_IFACE; bound to a MAC and the Ethernet source differs
 *      -> drop WRONG_MAC; requires TCP-MD5 (RFC 2385) or TCP-AO (RFC 5925)
 *      and a SYN lacks the option -> drop NO_MD5 / NO_AO.  These come
 *      before the entry's counters and bucket: a packet failing them is a
 *      spoofer's, and must not spend the real peer's SYN budget;
 *   3. the source's policy asks for GTSM (RFC 5082 §3) and the TTL / hop
 *      limit is below its min-ttl -> drop TTL;
 *   4. SYN without ACK over the source's bucket or the global one -> drop
 *      SYN_RATE;
 *   5. pass.
 * Parse-level drop: a first fragment too short to hold the TCP header
 * (RFC 1858 §3.1, "tiny fragment"), or an IPv6 header chain longer than we
 * walk (it could hide a TCP header from us but not from the stack) -> drop
 * MALFORMED.  Everything else passes, counted only in the total.
 *
 * Rate limiting uses GCRA (one timestamp per bucket, no refill loop) on the
 * coarse monotonic clock: a few ns, 1/HZ resolution, and exact over any
 * interval longer than a tick.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bgpshield_guard.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bgps_settings);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BGPS_MAX_PEERS);
	__type(key, struct bgps_key4);
	__type(value, struct bgps_peer);
} allow4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BGPS_MAX_PEERS);
	__type(key, struct bgps_key6);
	__type(value, struct bgps_peer);
} allow6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, BGPS_MAX_RANGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bgps_lpm4);
	__type(value, struct bgps_peer);
} range4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, BGPS_MAX_RANGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bgps_lpm6);
	__type(value, struct bgps_peer);
} range6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bgps_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bgps_gstate);
} gstate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, BGPS_EVENTS_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bgps_prefilter);
} prefilter SEC(".maps");

/* Not used by the program: userspace's record of wanted interfaces.  It is
 * declared here so it is created, pinned and typed (BTF) with the others. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BGPS_MAX_IFACES);
	__type(key, struct bgps_iface_key);
	__type(value, struct bgps_iface);
} ifaces SEC(".maps");

#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define IPV6_EXT_MAX 6 /* extension headers walked before giving up */
#define TC_PULL_LEN 512

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_ACK 0x10

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MD5 19 /* RFC 2385 §3.0 */
#define TCPOPT_AO 29  /* RFC 5925 §2.2 */
#define TCP_OPTS_MAX 40 /* RFC 9293 §3.1: data offset 15 words, 20 fixed */

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

struct ipv6_ext {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct ipv6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset << 3 | M */
	__be32 id;
};

/* V_FS: not a packet the guard judges, and flowspec rules exist: the
 * matcher decides.  V_PASS after a judgement (an allowed peer's port-179
 * traffic, or a would-drop in monitor mode) never meets flowspec. */
enum verdict { V_PASS, V_DROP, V_FS };

/* What the parser found for a guarded packet. */
struct pkt {
	const __u8 *smac;  /* into the packet: the Ethernet source */
	const void *saddr; /* into the packet: 4 or 16 bytes */
	const void *daddr;
	__u16 sport, dport;
	__u8 family;
	__u8 ttl;
	__u8 tcp_flags;
};

/*
 * GCRA: admit when the theoretical arrival time is at most burst-1
 * intervals ahead of now.  The update is a plain store: two CPUs racing may
 * both admit, at most one extra token per CPU, which is the price of not
 * taking a lock on every SYN.  The interval comes precomputed from
 * userspace; a map written by hand (bpftool) without it still works, with a
 * division.
 */
static __always_inline int gcra_admit(__u64 *tat, __u64 now, __u32 interval,
				      __u32 rate, __u32 burst)
{
	__u64 t = *tat;

	if (!interval)
		interval = 1000000000U / rate;
	if (t < now)
		t = now;
	if (burst == 0)
		burst = 1;
	if (t - now > (__u64)(burst - 1) * interval)
		return 0;
	*tat = t + interval;
	return 1;
}

/* The coarse clock, read at most once per packet. */
static __always_inline __u64 clock_once(__u64 *now)
{
	if (!*now)
		*now = bpf_ktime_get_coarse_ns();
	return *now;
}

static __always_inline void emit_event(struct bgps_stats *st,
				       struct bgps_settings *cfg,
				       const struct pkt *p, const void *data_end,
				       __u32 ifindex, __u8 reason, __u8 flags,
				       __u64 now)
{
	struct bgps_event *e;

	if (!gcra_admit(&st->event_tat, now, cfg->event_interval_ns,
			cfg->event_rate, cfg->event_burst)) {
		st->events_suppressed++;
		st->event_pending++;
		return;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		st->events_lost++;
		return;
	}
	e->ts_ns = now;
	e->ifindex = ifindex;
	e->family = p->family;
	e->reason = reason;
	e->ttl = p->ttl;
	e->tcp_flags = p->tcp_flags;
	e->sport = p->sport;
	e->dport = p->dport;
	e->flags = flags;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	e->suppressed = st->event_pending;
	st->event_pending = 0;
	__builtin_memset(e->saddr, 0, sizeof(e->saddr));
	__builtin_memset(e->daddr, 0, sizeof(e->daddr));
	if (!p->saddr || !p->daddr) {
		/* cut short before the addresses: nothing to copy */
	} else if (p->family == 10) {
		if (p->saddr + 16 <= data_end && p->daddr + 16 <= data_end) {
			__builtin_memcpy(e->saddr, p->saddr, 16);
			__builtin_memcpy(e->daddr, p->daddr, 16);
		}
	} else if (p->saddr + 4 <= data_end && p->daddr + 4 <= data_end) {
		__builtin_memcpy(e->saddr, p->saddr, 4);
		__builtin_memcpy(e->daddr, p->daddr, 4);
	}
	if (p->smac && (const void *)(p->smac + 6) <= data_end)
		__builtin_memcpy(e->smac, p->smac, 6);
	else
		__builtin_memset(e->smac, 0, 6);
	e->pad2 = 0;
	st->events_sent++;
	bpf_ringbuf_submit(e, 0);
}

/* An unused slot is 0, and no packet arrives on ifindex 0: checking that
 * once lets each slot be one compare. */
_Static_assert(BGPS_POLICY_IFACES == 4, "iface_bound_ok compares 4 slots");

static __always_inline int iface_bound_ok(const struct bgps_policy *pol,
					  __u32 ifindex)
{
	if (!ifindex)
		return 0;
	return (pol->ifindex[0] == ifindex) | (pol->ifindex[1] == ifindex) |
	       (pol->ifindex[2] == ifindex) | (pol->ifindex[3] == ifindex);
}

/* Three 16-bit loads (the Ethernet source sits at offset 6, so wider
 * loads would be unaligned), combined without a branch each. */
static __always_inline int mac_eq(const __u8 *smac, const __u8 *want)
{
	const __u16 *a = (const __u16 *)smac, *b = (const __u16 *)want;

	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]));
}

/*
 * Which of TCP-MD5 and TCP-AO a segment's options hold (BGPS_PF_MD5 /
 * BGPS_PF_AO bits).  RFC 9293 §3.2: kinds 0 (end) and 1 (no-op) are one
 * byte, every other option is kind, length (counting both), data.  An
 * option counts once its length byte is read and says it fits in the
 * option space, as the kernel's own parser (tcp_parse_options) demands; a
 * length below 2 is malformed and ends the walk, as it ends the kernel's.
 * The walk is a bounded loop (5.3+ verifiers accept them) of at most 40
 * steps, one option each.
 *
 * It is a global function, verified once on its own (5.6+): inlined, the
 * verifier would walk the 40 steps again for every way the parser can
 * reach it (each VLAN depth, IPv4 options, IPv6 extension chain) and give
 * up at a million instructions.  Global functions get the context and
 * scalars only, so each entry point has its own, reading the packet from
 * its context at the TCP header's offset.
 */
static __always_inline __u16 tcp_auth_walk(const __u8 *data,
					   const void *data_end, __u32 off)
{
	const struct tcphdr *tcp;
	const __u8 *opts;
	__u32 end, i = 0;
	__u16 found = 0;

	if (off > TC_PULL_LEN)
		return 0;
	tcp = (const struct tcphdr *)(data + off);
	if ((const void *)(tcp + 1) > data_end)
		return 0;
	opts = (const __u8 *)(tcp + 1);
	end = tcp->doff * 4;
	if (end <= sizeof(*tcp))
		return 0;
	end -= sizeof(*tcp);
	/* every step consumes at least one byte: 40 steps cover the space */
	for (int n = 0; n < TCP_OPTS_MAX; n++) {
		const __u8 *o;
		__u8 kind, len;

		if (i >= end)
			break;
		/* A no-op (i < end <= 40) that gives every offset reached
		 * through an option length the same range, so the verifier's
		 * states for them coincide and it prunes. */
		i &= 0x3f;
		o = opts + i;
		if ((const void *)(o + 1) > data_end)
			break;
		kind = o[0];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if ((const void *)(o + 2) > data_end)
			break;
		len = o[1];
		if (len < 2 || len > end - i)
			break;
		if (kind == TCPOPT_MD5)
			found |= BGPS_PF_MD5;
		else if (kind == TCPOPT_AO)
			found |= BGPS_PF_AO;
		i += len;
	}
	return found;
}

__noinline int bgps_tcp_auth_xdp(struct xdp_md *ctx, __u32 off)
{
	return tcp_auth_walk((const __u8 *)(long)ctx->data,
			     (const void *)(long)ctx->data_end, off);
}

__noinline int bgps_tcp_auth_tc(struct __sk_buff *skb, __u32 off)
{
	return tcp_auth_walk((const __u8 *)(long)skb->data,
			     (const void *)(long)skb->data_end, off);
}

/*
 * Returns V_PASS or V_DROP.  `nonlinear` is set by tc when the skb holds
 * more than we can see: a header chain cut short there is not a truncated
 * packet (which the stack would discard) but one we cannot judge.
 */
static __always_inline enum verdict guard_verdict(void *ctx, void *data,
						  void *data_end,
						  __u32 ifindex, __u32 len,
						  int nonlinear, __u8 ef,
						  __u32 *l3)
{
	struct bgps_settings *cfg;
	struct bgps_stats *st;
	struct bgps_peer *peer = 0;
	struct pkt p = {};
	__u32 zero = 0;
	__u16 proto, port;
	const struct tcphdr *tcp;
	void *cur = data;
	int more_frags = 0;
	__u32 l4_len = 0;
	__u64 now = 0;
	__u16 pf;
	int syn;
	__u8 reason;
	enum verdict unjudged;

	st = bpf_map_lookup_elem(&stats, &zero);
	cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!st || !cfg)
		return V_PASS;
	st->total++;
	*l3 = 0;
	unjudged = (cfg->flags & (BGPS_SF_FS4 | BGPS_SF_FS6)) ? V_FS : V_PASS;
	port = cfg->port ? cfg->port : BGPS_PORT_DEFAULT;

	{
		const struct ethhdr *eth = cur;

		if ((void *)(eth + 1) > data_end)
			return unjudged;
		proto = eth->h_proto;
		p.smac = eth->h_source;
		cur = (void *)(eth + 1);
	}
	/* Up to two tags: 802.1Q, or 802.1ad outer + 802.1Q inner (QinQ). */
#pragma unroll
	for (int i = 0; i < 2; i++) {
		const struct vlan_hdr *vh = cur;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > data_end)
			return unjudged;
		proto = vh->encap_proto;
		cur = (void *)(vh + 1);
	}

	/* for the flowspec matcher: where the IP header starts, and
	 * whether it is IPv6 (0x100) */
	if (proto == bpf_htons(ETH_P_IP))
		*l3 = cur - data;
	else if (proto == bpf_htons(ETH_P_IPV6))
		*l3 = (cur - data) | 0x100;
	if (proto == bpf_htons(ETH_P_IP)) {
		const struct iphdr *iph = cur;
		__u16 frag;
		__u32 ihl;

		if ((void *)(iph + 1) > data_end)
			goto truncated;
		if (iph->protocol != IPPROTO_TCP)
			return unjudged;
		ihl = iph->ihl * 4;
		if (ihl < sizeof(*iph))
			return unjudged; /* invalid: the stack discards it */
		frag = bpf_ntohs(iph->frag_off);
		if (frag & IP_OFFSET)
			return unjudged; /* non-first fragment: no ports */
		more_frags = !!(frag & IP_MF);
		p.family = 2;
		p.ttl = iph->ttl;
		p.saddr = &iph->saddr;
		p.daddr = &iph->daddr;
		/* What the header says the TCP part holds: Ethernet pads
		 * short frames, so data_end alone overstates it. */
		l4_len = bpf_ntohs(iph->tot_len);
		l4_len = l4_len > ihl ? l4_len - ihl : 0;
		cur += ihl;
		if (cur > data_end)
			goto truncated;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = cur;
		__u8 nh;

		if ((void *)(ip6 + 1) > data_end)
			goto truncated;
		p.family = 10;
		p.ttl = ip6->hop_limit;
		p.saddr = &ip6->saddr;
		p.daddr = &ip6->daddr;
		nh = ip6->nexthdr;
		cur = (void *)(ip6 + 1);
		/* RFC 8200 §4: a bounded walk of the extension headers. */
#pragma unroll
		for (int i = 0; i < IPV6_EXT_MAX; i++) {
			if (nh == IPPROTO_TCP)
				goto v6_tcp;
			if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
			    nh == IPPROTO_DSTOPTS) {
				const struct ipv6_ext *x = cur;

				if ((void *)(x + 1) > data_end)
					goto truncated;
				nh = x->nexthdr;
				cur += (x->hdrlen + 1) * 8;
			} else if (nh == IPPROTO_AH) {
				const struct ipv6_ext *x = cur;

				if ((void *)(x + 1) > data_end)
					goto truncated;
				nh = x->nexthdr;
				cur += (x->hdrlen + 2) * 4; /* RFC 4302 §2.2 */
			} else if (nh == IPPROTO_FRAGMENT) {
				const struct ipv6_frag *f = cur;
				__u16 off;

				if ((void *)(f + 1) > data_end)
					goto truncated;
				off = bpf_ntohs(f->frag_off);
				if (off & 0xfff8)
					return unjudged; /* non-first fragment */
				more_frags = off & 1;
				nh = f->nexthdr;
				cur = (void *)(f + 1);
			} else {
				return unjudged; /* not TCP */
			}
		}
		if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
		    nh == IPPROTO_DSTOPTS || nh == IPPROTO_AH ||
		    nh == IPPROTO_FRAGMENT) {
			/* Longer than we walk: the stack would walk on and
			 * might find TCP to our port behind it. */
			st->guarded++;
			reason = BGPS_R_MALFORMED;
			goto drop;
		}
		if (nh != IPPROTO_TCP)
			return unjudged;
v6_tcp:
		if (cur > data_end)
			goto truncated;
		/* payload_len counts from the end of the fixed header; 0 is
		 * a jumbogram (RFC 2675), whose length we do not need. */
		l4_len = bpf_ntohs(ip6->payload_len);
		if (l4_len) {
			__u32 ext = cur - (void *)(ip6 + 1);

			l4_len = l4_len > ext ? l4_len - ext : 0;
		} else {
			l4_len = 0xffff;
		}
	} else {
		return V_PASS; /* not IP: nothing for flowspec either */
	}

	/* cur is the TCP header. */
	tcp = cur;
	if ((void *)(tcp + 1) > data_end ||
	    (more_frags && l4_len < sizeof(*tcp))) {
		const __be16 *ports = cur;

		if (!more_frags)
			goto truncated;
		/* RFC 1858 §3.1: a first fragment that does not hold the
		 * whole TCP header.  If the ports are visible and neither is
		 * ours it is not our business; otherwise drop. */
		if ((void *)(ports + 2) <= data_end && l4_len >= 4 &&
		    bpf_ntohs(ports[0]) != port && bpf_ntohs(ports[1]) != port)
			return unjudged;
		st->guarded++;
		if ((void *)(ports + 2) <= data_end && l4_len >= 4) {
			p.sport = bpf_ntohs(ports[0]);
			p.dport = bpf_ntohs(ports[1]);
		}
		reason = BGPS_R_MALFORMED;
		goto drop;
	}
	p.sport = bpf_ntohs(tcp->source);
	p.dport = bpf_ntohs(tcp->dest);
	if (p.sport != port && p.dport != port)
		return unjudged;
	p.tcp_flags = ((const __u8 *)tcp)[13];
	st->guarded++;

	/* 1. allowlist: exact address, then the range tries if any.  The
	 * prefilter answers "surely not exact" without hashing. */
	if (cfg->flags & BGPS_SF_PREFILTER) {
		struct bgps_prefilter *pf = bpf_map_lookup_elem(&prefilter,
								&zero);
		const __u32 *w = p.saddr;
		__u32 folded, bit;

		if (p.family == 2) {
			folded = w[0];
		} else {
			if ((void *)(w + 4) > data_end)
				return V_PASS; /* checked by the parser */
			folded = w[0] ^ w[1] ^ w[2] ^ w[3];
		}
		bit = bgps_prefilter_bit(folded);
		if (pf && !(pf->words[(bit >> 6) & (BGPS_PREFILTER_BITS / 64 - 1)] &
			    (1ULL << (bit & 63))))
			goto not_exact;
	}
	if (p.family == 2)
		peer = bpf_map_lookup_elem(&allow4, p.saddr);
	else
		peer = bpf_map_lookup_elem(&allow6, p.saddr);
not_exact:
	if (p.family == 2) {
		if (!peer && (cfg->flags & BGPS_SF_RANGE4)) {
			struct bgps_lpm4 k = { .prefixlen = 32 };

			__builtin_memcpy(k.addr, p.saddr, 4);
			peer = bpf_map_lookup_elem(&range4, &k);
		}
	} else {
		if (!peer && (cfg->flags & BGPS_SF_RANGE6)) {
			struct bgps_lpm6 k = { .prefixlen = 128 };

			__builtin_memcpy(k.addr, p.saddr, 16);
			peer = bpf_map_lookup_elem(&range6, &k);
		}
	}
	if (!peer) {
		reason = BGPS_R_NOT_ALLOWED;
		goto drop;
	}

	/* 2. bindings: is this really the peer, or someone using its
	 * address?  Nothing is counted against the entry before they pass. */
	pf = peer->policy.flags;
	/* a SYN without ACK opens a connection; SYN-ACK answers ours */
	syn = (p.tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
	if (pf & (BGPS_PF_IFACE | BGPS_PF_MAC | BGPS_PF_MD5 | BGPS_PF_AO)) {
		if ((pf & BGPS_PF_IFACE) &&
		    !iface_bound_ok(&peer->policy, ifindex)) {
			reason = BGPS_R_WRONG_IFACE;
			goto drop;
		}
		if ((pf & BGPS_PF_MAC) && !mac_eq(p.smac, peer->policy.mac)) {
			reason = BGPS_R_WRONG_MAC;
			goto drop;
		}
		/* Only a SYN opens a connection and spends the bucket; the
		 * kernel checks the signature of every segment itself. */
		if ((pf & (BGPS_PF_MD5 | BGPS_PF_AO)) && syn) {
			const __u8 *o = (const __u8 *)(tcp + 1);
			__u32 off = (const void *)tcp - data;
			__u16 has;

			/* Linux writes TCP-MD5 first, as NOP NOP 19 18
			 * (the option: RFC 2385 §3.0), so BIRD, FRR, GoBGP
			 * and we all send that.  That layout, with room for
			 * its 18 bytes (data offset of 10 words or more), is
			 * what the walk would find; four byte compares spare
			 * the walk's call and loop. */
			if ((pf & (BGPS_PF_MD5 | BGPS_PF_AO)) == BGPS_PF_MD5 &&
			    tcp->doff >= 10 && (const void *)(o + 4) <= data_end &&
			    o[0] == 1 && o[1] == 1 && o[2] == 19 && o[3] == 18)
				has = BGPS_PF_MD5;
			else
				has = ef & BGPS_EF_TC
					      ? bgps_tcp_auth_tc(ctx, off)
					      : bgps_tcp_auth_xdp(ctx, off);

			if ((pf & BGPS_PF_MD5) && !(has & BGPS_PF_MD5)) {
				reason = BGPS_R_NO_MD5;
				goto drop;
			}
			if ((pf & BGPS_PF_AO) && !(has & BGPS_PF_AO)) {
				reason = BGPS_R_NO_AO;
				goto drop;
			}
		}
	}

	/* Plain adds, not atomics: one peer's session is one flow, handled
	 * by one CPU at a time; a lost count under concurrency is cheaper
	 * than a locked add on every packet. */
	peer->packets++;
	peer->bytes += len;

	/* 3. GTSM, RFC 5082 §3: below min-ttl cannot be from a peer at the
	 * configured distance. */
	if ((pf & BGPS_PF_GTSM) &&
	    p.ttl < peer->policy.min_ttl) {
		peer->drop_ttl++;
		reason = BGPS_R_TTL;
		goto drop;
	}

	/* 4. A SYN opens a connection (and costs a socket lookup and maybe a
	 * SYN cookie); SYN-ACK answers ours and is not limited. */
	if (syn) {
		__u32 rate = peer->policy.syn_rate;

		if (rate && !gcra_admit(&peer->syn_tat, clock_once(&now),
					peer->policy.syn_interval_ns, rate,
					peer->policy.syn_burst)) {
			peer->drop_syn++;
			reason = BGPS_R_SYN_RATE;
			goto drop;
		}
		if (cfg->syn_rate) {
			struct bgps_gstate *g =
				bpf_map_lookup_elem(&gstate, &zero);

			if (g && !gcra_admit(&g->syn_tat, clock_once(&now),
					     cfg->syn_interval_ns,
					     cfg->syn_rate, cfg->syn_burst)) {
				peer->drop_syn++;
				reason = BGPS_R_SYN_RATE;
				goto drop;
			}
		}
	}
	st->passed++;
	return V_PASS;

truncated:
	/* Headers end before data_end allows: a real truncated frame is
	 * discarded by the stack; one we only cannot see into is not. */
	if (!nonlinear)
		return unjudged;
	st->guarded++;
	reason = BGPS_R_MALFORMED;
drop:
	if (reason < BGPS_R_MAX)
		(&st->passed)[reason]++;
	if (cfg->mode == BGPS_MODE_MONITOR) {
		st->monitor_passed++;
		if (cfg->event_rate)
			emit_event(st, cfg, &p, data_end, ifindex, reason,
				   ef | BGPS_EF_MONITOR, clock_once(&now));
		return V_PASS;
	}
	if (cfg->event_rate)
		emit_event(st, cfg, &p, data_end, ifindex, reason, ef,
			   clock_once(&now));
	return V_DROP;
}

/* --- flowspec matcher (docs/GUARD.md "Flowspec") ----------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * BGPS_FS_MAX_RULES);
	__type(key, __u32);
	__type(value, struct bgps_fs_rule);
} fs_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 2 * BGPS_FS_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bgps_lpm4);
	__type(value, struct bgps_fs_group);
} fs_dst4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 2 * BGPS_FS_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bgps_lpm6);
	__type(value, struct bgps_fs_group);
} fs_dst6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bgps_fs_meta);
} fs_meta SEC(".maps");

/* The tries' groups again, keyed by the exact prefix: one lookup per
 * destination length in use (fs_meta.lens4/6) instead of a trie walk. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * BGPS_FS_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bgps_lpm4);
	__type(value, struct bgps_fs_group);
} fs_hash4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * BGPS_FS_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bgps_lpm6);
	__type(value, struct bgps_fs_group);
} fs_hash6 SEC(".maps");

/* One bit per IPv4 /24, see bgpshield_guard.h */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BGPS_FS_PF24_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} fs_pf24 SEC(".maps");

/* Network-order mask of the first `bits` bits of a 32-bit word, bits
 * clamped to 0..32. */
static __always_inline __u32 fs_mask32(int bits)
{
	if (bits <= 0)
		return 0;
	if (bits >= 32)
		return 0xffffffff;
	return bpf_htonl((__u32)(~0ULL << (32 - bits)));
}

#define IP_DF 0x4000

/* What the matcher reads of a packet: one value per component type. */
struct fs_pkt {
	__u32 f[BGPS_FSF_MAX];
	__u32 present; /* 1 << BGPS_FSF_* */
	__u32 sa[4];
	/* kplen, da: first the destination lookup's key (a struct
	 * bgps_lpm6, or bgps_lpm4 in its first 8 bytes), then the packet's
	 * destination: one stack area for both, as the guard and the
	 * matcher together are near the 512-byte stack limit */
	__u32 kplen;
	__u32 da[4];
};

/* One operator against one value, RFC 8955 §4.2.1.1 / §4.2.1.2. */
static __always_inline __u32 fs_term(__u32 v, __u16 fl, __u32 x)
{
	__u32 r;

	if (fl & BGPS_FSO_BITMASK) {
		__u32 m = v & x;

		r = (fl & BGPS_FSO_MATCH) ? (m == x) : (m != 0);
		if (fl & BGPS_FSO_NOT)
			r ^= 1;
		return r;
	}
	r = ((fl & BGPS_FSO_LT) && v < x) | ((fl & BGPS_FSO_GT) && v > x) |
	    ((fl & BGPS_FSO_EQ) && v == x);
	return r;
}

/*
 * One rule's operators.  Each component's terms are evaluated twice, on
 * value a and value b (the same except for FS_PORT: source, then
 * destination port), each as an OR of AND-runs; a component matches when
 * either pass does; the rule when every component does.
 */
__noinline int bgps_fs_rule_ops(const struct bgps_fs_rule *r,
				const struct fs_pkt *p)
{
	__u32 any_a = 0, cur_a = 0, any_b = 0, cur_b = 0, ok = 1;
	__u32 n;

	if (!r || !p)
		return 0;
	n = r->nops;

	for (__u32 i = 0; i < BGPS_FS_MAX_OPS; i++) {
		const struct bgps_fs_op *op = &r->ops[i];
		__u32 fi, va, vb, ta, tb;

		if (i >= n)
			break;
		fi = op->field & (BGPS_FSF_MAX - 1);
		va = p->f[fi];
		vb = fi == BGPS_FSF_PORT ? p->f[BGPS_FSF_DPORT] : va;
		ta = fs_term(va, op->flags, op->value);
		tb = fs_term(vb, op->flags, op->value);
		if (op->flags & BGPS_FSO_FIRST) {
			if (i) {
				ok &= any_a | cur_a | any_b | cur_b;
				if (!ok)
					return 0;
			}
			any_a = any_b = 0;
			cur_a = ta;
			cur_b = tb;
		} else if (op->flags & BGPS_FSO_AND) {
			cur_a &= ta;
			cur_b &= tb;
		} else {
			any_a |= cur_a;
			any_b |= cur_b;
			cur_a = ta;
			cur_b = tb;
		}
	}
	if (n)
		ok &= any_a | cur_a | any_b | cur_b;
	return ok;
}

static __always_inline int fs_prefix_ok(const __u32 *want, const __u32 *mask,
					const __u32 *got)
{
	return !(((got[0] ^ want[0]) & mask[0]) | ((got[1] ^ want[1]) & mask[1]) |
		 ((got[2] ^ want[2]) & mask[2]) | ((got[3] ^ want[3]) & mask[3]));
}

/* GCRA over bytes or packets: cost is len or 1 intervals (x65536). */
static __always_inline int fs_admit(struct bgps_fs_rule *r, __u64 cost,
				    __u64 now)
{
	__u64 t = r->tat;

	if (t < now)
		t = now;
	if (t - now > r->tolerance_ns)
		return 0;
	r->tat = t + ((cost * r->interval_q16) >> 16);
	return 1;
}

/*
 * The rules of one destination group, in order: the first that matches
 * decides.  A global function (verified once, whatever parser path led
 * here), as is the operator walk of one rule.  Returns 1 to drop.
 *
 * Only the slots in the group's candidate masks for the packet's protocol
 * and destination port are visited, lowest slot first: every slot left
 * out has a hull without the packet's value, so it could not match, and
 * the first slot that matches is the same as in a walk of all slots.
 */
__noinline int bgps_fs_group(const struct bgps_fs_group *grp,
			     const struct fs_pkt *p, __u32 len, __u32 monitor)
{
	__u32 cand, first;

	if (!grp || !p)
		return 0;
	/* the packet's values are read from p where used, not kept in
	 * registers: fewer spills, and the guard, this function and the
	 * operator walk stay within the 512-byte stack together */
	{
		const struct bgps_fs_slot *a = &grp->any;
		__u32 proto = p->f[BGPS_FSF_PROTO], dport = p->f[BGPS_FSF_DPORT],
		      sport = p->f[BGPS_FSF_SPORT];

		if ((a->need & ~p->present) | (proto < a->proto_lo) |
		    (proto > a->proto_hi) | (dport < a->dport_lo) |
		    (dport > a->dport_hi) | (sport < a->sport_lo) |
		    (sport > a->sport_hi))
			return 0;
		cand = grp->by_proto[bgps_fs_pbucket(proto)] &
		       grp->by_dport[bgps_fs_dbucket(dport)] &
		       ((1U << (grp->n & 31)) - 1);
	}
	/* a late hit skips the first half's slots at once; a run of
	 * candidates steps without a bit search per step */
	first = 0;
	if (!(cand & 0xff)) {
		first = 8;
		cand >>= 8;
	}
	for (__u32 j = first; j < BGPS_FS_PER_PREFIX; j++, cand >>= 1) {
		const struct bgps_fs_slot *sl;
		struct bgps_fs_rule *r;
		__u32 idx;

		if (!cand)
			break;
		if (!(cand & 1))
			continue;
		sl = &grp->slot[j];
		/* the summary first: most candidates end here */
		if ((sl->need & ~p->present) |
		    (p->f[BGPS_FSF_PROTO] < sl->proto_lo) |
		    (p->f[BGPS_FSF_PROTO] > sl->proto_hi) |
		    (p->f[BGPS_FSF_DPORT] < sl->dport_lo) |
		    (p->f[BGPS_FSF_DPORT] > sl->dport_hi) |
		    (p->f[BGPS_FSF_SPORT] < sl->sport_lo) |
		    (p->f[BGPS_FSF_SPORT] > sl->sport_hi) |
		    !!((p->sa[0] ^ sl->src_w) & sl->src_m))
			continue;
		idx = sl->rule;
		r = bpf_map_lookup_elem(&fs_rules, &idx);
		if (!r || !(r->flags & BGPS_FSR_USED))
			continue;
		/* an exact summary passed: the rule matches (the DDoS shape,
		 * destination + protocol + port, ends here) */
		if (!sl->exact) {
			if (r->need & ~p->present)
				continue;
			if ((r->flags & BGPS_FSR_SRC) &&
			    !fs_prefix_ok(r->src_addr, r->src_mask, p->sa))
				continue;
			if ((r->flags & BGPS_FSR_DST) &&
			    !fs_prefix_ok(r->dst_addr, r->dst_mask, p->da))
				continue;
			if (!bgps_fs_rule_ops(r, p))
				continue;
		}
		/* the first rule that matches decides (RFC 8955 §5.1 order) */
		r->matched_packets++;
		r->matched_bytes += len;
		if (r->action == BGPS_FSA_DROP ||
		    ((r->action == BGPS_FSA_RATE_BYTES ||
		      r->action == BGPS_FSA_RATE_PKTS) &&
		     !fs_admit(r, r->action == BGPS_FSA_RATE_BYTES ? len : 1,
			       bpf_ktime_get_coarse_ns()))) {
			r->dropped_packets++;
			r->dropped_bytes += len;
			return !monitor;
		}
		return 0;
	}
	return 0;
}

/*
 * Parse what flowspec components need, look the destination up and try
 * the group's rules in order; the first rule that matches decides.
 * Returns 1 to drop.
 */
/* A group was found: read every field its rules may test. */
static __always_inline int fs_candidates(struct bgps_fs_group *grp,
					 struct fs_pkt *p, void *cur,
					 void *data_end, __u32 len, int v6,
					 __u32 monitor)
{
	__u32 l4 = 0, frag_first = 1;
	__u8 nh = 0;

	if (!v6) {
		const struct iphdr *iph = cur;
		__u32 ihl, fr = 0;
		__u16 fo;

		if ((void *)(iph + 1) > data_end)
			return 0;
		p->sa[0] = iph->saddr;
		p->da[0] = iph->daddr;
		nh = iph->protocol;
		p->f[BGPS_FSF_PKT_LEN] = bpf_ntohs(iph->tot_len);
		p->f[BGPS_FSF_DSCP] = iph->tos >> 2;
		fo = bpf_ntohs(iph->frag_off);
		if (fo & IP_DF)
			fr |= BGPS_FRAG_DF;
		if (fo & IP_OFFSET) {
			fr |= BGPS_FRAG_ISF;
			if (!(fo & IP_MF))
				fr |= BGPS_FRAG_LF;
			frag_first = 0;
		} else if (fo & IP_MF) {
			fr |= BGPS_FRAG_FF;
		}
		p->f[BGPS_FSF_FRAG] = fr;
		ihl = iph->ihl * 4;
		if (ihl < sizeof(*iph))
			return 0;
		cur += ihl;
		l4 = nh;
	} else {
		const struct ipv6hdr *ip6 = cur;
		__u32 w0, fr = 0;

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		__builtin_memcpy(p->sa, &ip6->saddr, 16);
		__builtin_memcpy(p->da, &ip6->daddr, 16); /* over the key */
		w0 = bpf_ntohl(*(const __u32 *)ip6);
		p->f[BGPS_FSF_DSCP] = (w0 >> 22) & 0x3f;
		p->f[BGPS_FSF_FLOW_LABEL] = w0 & 0xfffff;
		p->f[BGPS_FSF_PKT_LEN] = bpf_ntohs(ip6->payload_len) + 40;
		nh = ip6->nexthdr;
		cur = (void *)(ip6 + 1);
#pragma unroll
		for (int i = 0; i < IPV6_EXT_MAX; i++) {
			const struct ipv6_ext *x = cur;

			if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
			    nh == IPPROTO_DSTOPTS) {
				if ((void *)(x + 1) > data_end)
					return 0;
				nh = x->nexthdr;
				cur += (x->hdrlen + 1) * 8;
			} else if (nh == IPPROTO_AH) {
				if ((void *)(x + 1) > data_end)
					return 0;
				nh = x->nexthdr;
				cur += (x->hdrlen + 2) * 4;
			} else if (nh == IPPROTO_FRAGMENT) {
				const struct ipv6_frag *f = cur;
				__u16 off;

				if ((void *)(f + 1) > data_end)
					return 0;
				off = bpf_ntohs(f->frag_off);
				if (off & 0xfff8) {
					fr |= BGPS_FRAG_ISF;
					if (!(off & 1))
						fr |= BGPS_FRAG_LF;
					frag_first = 0;
				} else if (off & 1) {
					fr |= BGPS_FRAG_FF;
				}
				nh = f->nexthdr;
				cur = (void *)(f + 1);
			} else {
				break;
			}
		}
		p->f[BGPS_FSF_FRAG] = fr;
		l4 = nh;
	}

	p->f[BGPS_FSF_PROTO] = l4;
	p->present = (1U << BGPS_FSF_PROTO) | (1U << BGPS_FSF_PKT_LEN) |
		    (1U << BGPS_FSF_DSCP) | (1U << BGPS_FSF_FRAG);
	if (v6)
		p->present |= 1U << BGPS_FSF_FLOW_LABEL;
	/* Ports, flags, ICMP: only in a first fragment (or none). */
	if (frag_first) {
		const __u8 *h = cur;

		if ((l4 == IPPROTO_TCP || l4 == IPPROTO_UDP || l4 == 132) &&
		    (const void *)(h + 4) <= data_end) {
			p->f[BGPS_FSF_PORT] = p->f[BGPS_FSF_SPORT] = h[0] << 8 | h[1];
			p->f[BGPS_FSF_DPORT] = h[2] << 8 | h[3];
			p->present |= (1U << BGPS_FSF_PORT) |
				     (1U << BGPS_FSF_SPORT) |
				     (1U << BGPS_FSF_DPORT);
		}
		if (l4 == IPPROTO_TCP && (const void *)(h + 14) <= data_end) {
			p->f[BGPS_FSF_TCP_FLAGS] = (h[12] & 0x0f) << 8 | h[13];
			p->present |= 1U << BGPS_FSF_TCP_FLAGS;
		}
		if (l4 == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) &&
		    (const void *)(h + 2) <= data_end) {
			p->f[BGPS_FSF_ICMP_TYPE] = h[0];
			p->f[BGPS_FSF_ICMP_CODE] = h[1];
			p->present |= (1U << BGPS_FSF_ICMP_TYPE) |
				     (1U << BGPS_FSF_ICMP_CODE);
		}
	}

	return bgps_fs_group(grp, p, len, monitor);
}


static __always_inline int fs_match(void *data, void *data_end, __u32 len,
				    __u32 l3info)
{
	struct bgps_settings *cfg;
	struct bgps_fs_meta *meta;
	struct bgps_fs_group *grp;
	struct fs_pkt p = {};
	__u32 zero = 0;
	const __u8 *dst;
	void *cur, *l3;
	__u16 proto;
	int v6;

	cfg = bpf_map_lookup_elem(&settings, &zero);
	meta = bpf_map_lookup_elem(&fs_meta, &zero);
	if (!cfg || !meta)
		return 0;
	/* the guard parsed Ethernet and VLAN tags: at most 22 bytes */
	cur = data + (l3info & 0x3f);
	proto = l3info & 0x100 ? bpf_htons(ETH_P_IPV6) : bpf_htons(ETH_P_IP);
	/* First the destination alone: most packets meet no rule's prefix
	 * and leave after the bitmap, or one trie lookup. */
	l3 = cur;
	if (proto == bpf_htons(ETH_P_IP)) {
		const struct iphdr *iph = cur;

		if (!(cfg->flags & BGPS_SF_FS4) ||
		    (void *)(iph + 1) > data_end)
			return 0;
		v6 = 0;
		dst = (const __u8 *)&iph->daddr;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = cur;

		if (!(cfg->flags & BGPS_SF_FS6) ||
		    (void *)(ip6 + 1) > data_end)
			return 0;
		v6 = 1;
		dst = (const __u8 *)&ip6->daddr;
	} else {
		return 0;
	}
	/* The prefilters (fs_maybe) passed: some rule's destination may
	 * cover this one.  The key in p.kplen and p.da (see struct fs_pkt); IPv4 keys are
	 * its first 8 bytes. */
	grp = NULL;
	if (v6) {
		const __u32 *a = (const __u32 *)dst;

		if ((const void *)(dst + 16) > data_end)
			return 0;
		if (meta->nlens6 <= BGPS_FS_MAX_LENS) {
			for (__u32 i = 0; i < BGPS_FS_MAX_LENS; i++) {
				int pl;

				if (i >= meta->nlens6)
					break;
				pl = meta->lens6[i];
				p.kplen = pl;
				p.da[0] = a[0] & fs_mask32(pl);
				p.da[1] = a[1] & fs_mask32(pl - 32);
				p.da[2] = a[2] & fs_mask32(pl - 64);
				p.da[3] = a[3] & fs_mask32(pl - 96);
				grp = bpf_map_lookup_elem(&fs_hash6, &p.kplen);
				if (grp)
					break;
			}
		} else {
			p.kplen = 128;
			__builtin_memcpy(p.da, dst, 16);
			grp = bpf_map_lookup_elem(&fs_dst6, &p.kplen);
		}
	} else {
		__u32 a;

		if ((const void *)(dst + 4) > data_end)
			return 0;
		__builtin_memcpy(&a, dst, 4);
		if (meta->nlens4 <= BGPS_FS_MAX_LENS) {
			for (__u32 i = 0; i < BGPS_FS_MAX_LENS; i++) {
				int pl;

				if (i >= meta->nlens4)
					break;
				pl = meta->lens4[i];
				p.kplen = pl;
				p.da[0] = a & fs_mask32(pl);
				grp = bpf_map_lookup_elem(&fs_hash4, &p.kplen);
				if (grp)
					break;
			}
		} else {
			p.kplen = 32;
			p.da[0] = a;
			grp = bpf_map_lookup_elem(&fs_dst4, &p.kplen);
		}
	}
	if (!grp)
		return 0;
	return fs_candidates(grp, &p, l3, data_end, len, v6,
			     cfg->mode == BGPS_MODE_MONITOR);
}

/* Global functions: verified once on their own, not once per path of the
 * guard's parser that reaches them (see bgps_tcp_auth_xdp). */
__noinline int bgps_fs_xdp(struct xdp_md *ctx, __u32 len, __u32 l3)
{
	return fs_match((void *)(long)ctx->data, (void *)(long)ctx->data_end,
			len, l3);
}

__noinline int bgps_fs_tc(struct __sk_buff *skb, __u32 len, __u32 l3)
{
	return fs_match((void *)(long)skb->data, (void *)(long)skb->data_end,
			len, l3);
}

/* Inline, before any call: is the destination in a /16 (IPv4: and a /24)
 * some rule covers?  Most traffic is not, and costs this much and no
 * more. */
static __always_inline int fs_maybe(void *data, void *data_end, __u32 l3)
{
	struct bgps_fs_meta *meta;
	const __u8 *dst;
	__u32 zero = 0, bit;
	int v6 = !!(l3 & 0x100);

	if (!l3)
		return 0;
	meta = bpf_map_lookup_elem(&fs_meta, &zero);
	if (!meta)
		return 0;
	dst = data + (l3 & 0x3f) + (v6 ? 24 : 16);
	if ((const void *)(dst + 4) > data_end)
		return 0;
	bit = bgps_fs_bit(dst, v6);
	if (!((v6 ? meta->dst6.words : meta->dst4.words)
		      [(bit >> 6) & (BGPS_PREFILTER_BITS / 64 - 1)] &
	      (1ULL << (bit & 63))))
		return 0;
	/* IPv4 and no prefix of 16 bits or less covers the /16: is the /24
	 * covered?  One more array read, still before any call. */
	if (!v6 && !(meta->dst4_short.words[(bit >> 6) &
					    (BGPS_PREFILTER_BITS / 64 - 1)] &
		     (1ULL << (bit & 63)))) {
		const __u64 *w24;

		zero = (bit << 2) | (dst[2] >> 6); /* the key, reused */
		w24 = bpf_map_lookup_elem(&fs_pf24, &zero);
		if (!w24 || !(*w24 & (1ULL << (dst[2] & 63))))
			return 0;
	}
	return 1;
}

SEC("xdp")
int bgps_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	__u32 l3;
	enum verdict v = guard_verdict(ctx, data, data_end,
				       ctx->ingress_ifindex, data_end - data,
				       0, 0, &l3);

	if (v == V_FS)
		return fs_maybe(data, data_end, l3) &&
			       bgps_fs_xdp(ctx, data_end - data, l3)
			       ? XDP_DROP
			       : XDP_PASS;
	return v == V_DROP ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int bgps_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 linear = data_end - data;

	/* Headers may sit in paged fragments; make the first bytes linear. */
	if (linear < skb->len && linear < TC_PULL_LEN) {
		bpf_skb_pull_data(skb, skb->len < TC_PULL_LEN ? skb->len
							      : TC_PULL_LEN);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
		linear = data_end - data;
	}
	__u32 l3;
	enum verdict v = guard_verdict(skb, data, data_end, skb->ifindex,
				       skb->len, linear < skb->len,
				       BGPS_EF_TC, &l3);

	if (v == V_FS)
		return fs_maybe(data, data_end, l3) &&
			       bgps_fs_tc(skb, skb->len, l3)
			       ? TC_ACT_SHOT
			       : TC_ACT_OK;
	return v == V_DROP ? TC_ACT_SHOT : TC_ACT_OK;
}
