/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one ABI between the kernel guard (bpf/guard.bpf.c) and userspace
 * (user/): map names, keys, values, counter slots, drop reasons and the
 * event record.  Nothing else crosses.  Both sides compile this file, so it
 * uses only fixed-width kernel types and no padding holes: the BPF object's
 * BTF describes these structs, which is what lets `bpftool map dump pinned`
 * print named fields.
 *
 * Changing a layout here changes the pinned maps' value sizes; bump
 * BGPS_ABI_VERSION so a loader meeting old pins says so instead of failing
 * obscurely.
 */
#ifndef BGPSHIELD_GUARD_H
#define BGPSHIELD_GUARD_H

#include <linux/types.h>

#define BGPS_ABI_VERSION 4

/* Pinned object names, relative to the pin folder (default below). */
#define BGPS_PIN_DIR_DEFAULT "/sys/fs/bpf/bgpshield"
#define BGPS_MAP_SETTINGS "settings"
#define BGPS_MAP_ALLOW4 "allow4"
#define BGPS_MAP_ALLOW6 "allow6"
#define BGPS_MAP_RANGE4 "range4"
#define BGPS_MAP_RANGE6 "range6"
#define BGPS_MAP_STATS "stats"
#define BGPS_MAP_GSTATE "gstate"
#define BGPS_MAP_EVENTS "events"
#define BGPS_MAP_IFACES "ifaces"
#define BGPS_MAP_PREFILTER "prefilter"
#define BGPS_MAP_FS_RULES "fs_rules"
#define BGPS_MAP_FS_DST4 "fs_dst4"
#define BGPS_MAP_FS_DST6 "fs_dst6"
#define BGPS_MAP_FS_META "fs_meta"
#define BGPS_MAP_FS_HASH4 "fs_hash4"
#define BGPS_MAP_FS_HASH6 "fs_hash6"
#define BGPS_MAP_FS_PF24 "fs_pf24"
#define BGPS_PIN_PROG_XDP "prog_xdp"
#define BGPS_PIN_PROG_TC "prog_tc"
#define BGPS_PIN_LINKS "links" /* sub-folder: one XDP link per interface */

/* Exact peers per family.  Kept small on purpose: a spoofed flood looks up
 * random buckets, and a bucket array that fits in cache is what keeps the
 * drop path cheap (8192 entries: 128 KiB of buckets).  Ranges (LPM) cover
 * larger sets. */
#define BGPS_MAX_PEERS 8192
#define BGPS_MAX_RANGES 16384
#define BGPS_MAX_IFACES 256
#define BGPS_EVENTS_BYTES (256 * 1024)

#define BGPS_PORT_DEFAULT 179

/* tc attachment: a fixed handle and priority so a later process can find,
 * replace (BPF_TC_F_REPLACE is atomic) and remove our filter. */
#define BGPS_TC_HANDLE 0xb6b5
#define BGPS_TC_PRIO 0xb6

/* Verdict reasons.  The value is also the index of the counter slot in
 * struct bgps_stats (after the two leading totals), so keep them in step. */
enum bgps_reason {
	BGPS_R_PASS = 0,	/* guarded packet from an allowed source */
	BGPS_R_NOT_ALLOWED = 1, /* source in neither allowlist */
	BGPS_R_TTL = 2,		/* GTSM: TTL / hop limit below min-ttl */
	BGPS_R_SYN_RATE = 3,	/* SYN over the peer's or the global bucket */
	BGPS_R_MALFORMED = 4,	/* RFC 1858 tiny first fragment, or headers
				 * the guard cannot see past (too many IPv6
				 * extension headers, non-linear skb) */
	BGPS_R_WRONG_IFACE = 5, /* an allowed source on an interface its entry
				 * is not bound to */
	BGPS_R_WRONG_MAC = 6,	/* an allowed source from another source MAC
				 * than its entry's */
	BGPS_R_NO_MD5 = 7,	/* SYN without the TCP-MD5 option (RFC 2385)
				 * from a source whose entry requires it */
	BGPS_R_NO_AO = 8,	/* SYN without the TCP-AO option (RFC 5925) */
	BGPS_R_MAX = 9,
};

/* settings.mode */
enum bgps_mode {
	BGPS_MODE_ENFORCE = 0,
	BGPS_MODE_MONITOR = 1, /* count would-drop verdicts, pass everything */
};

/* settings.flags: set by userspace when a range trie is non-empty, so the
 * fast path skips the LPM lookup when no ranges are configured. */
#define BGPS_SF_RANGE4 0x1
#define BGPS_SF_RANGE6 0x2
/* set by userspace while it keeps map "prefilter" true to the exact
 * tables; a map written by hand leaves it clear and the program skips it */
#define BGPS_SF_PREFILTER 0x4
/* set by userspace while the flowspec tables hold rules of the family:
 * without them the matcher is not even called */
#define BGPS_SF_FS4 0x8
#define BGPS_SF_FS6 0x10

/*
 * Map "prefilter": ARRAY, one entry: a bitmap with one bit set for every
 * exact allowlist address, at bgps_prefilter_bit().  A clear bit proves a
 * source is not in allow4/allow6, so a flood of unknown sources is dropped
 * after one read of an 8 KiB array that stays in cache, without hashing
 * into the exact tables.  A set bit may be a collision: the exact lookup
 * decides.
 */
#define BGPS_PREFILTER_BITS 65536
struct bgps_prefilter {
	__u64 words[BGPS_PREFILTER_BITS / 64];
};

/* Both sides hash the same way: the address as 32-bit words in memory
 * order (IPv6 folded by XOR), times a Fibonacci constant, top 16 bits. */
static inline __u32 bgps_prefilter_bit(__u32 folded)
{
	return (folded * 0x9E3779B1u) >> 16;
}

/* Map "settings": ARRAY, one entry, key __u32 0.  Written by userspace only. */
struct bgps_settings {
	__u16 port;	  /* guarded TCP port, host order; 0 means 179 */
	__u8 mode;	  /* enum bgps_mode */
	__u8 flags;	  /* BGPS_SF_* */
	__u32 syn_rate;	  /* global SYN bucket, SYNs per second; 0 = off */
	__u32 syn_burst;  /* global SYN bucket depth */
	__u32 event_rate; /* events per second per CPU; 0 = no events */
	__u32 event_burst;
	__u32 abi_version; /* BGPS_ABI_VERSION of the writer */
	/* 1e9 / rate, derived by userspace (0: the program divides) */
	__u32 syn_interval_ns;
	__u32 event_interval_ns;
};

/* Peer policy flags */
#define BGPS_PF_GTSM 0x1  /* enforce min_ttl (RFC 5082) */
#define BGPS_PF_IFACE 0x2 /* packets arrive only on ifindex[] */
#define BGPS_PF_MAC 0x4	  /* Ethernet source must be mac[] */
#define BGPS_PF_MD5 0x8	  /* a SYN must carry TCP-MD5 (RFC 2385, kind 19) */
#define BGPS_PF_AO 0x10	  /* a SYN must carry TCP-AO (RFC 5925, kind 29) */
/*
 * Intent, ignored by the program: the config binds this entry to
 * interfaces / a MAC that userspace has not resolved yet (no route to the
 * peer, interface missing, MAC not learned).  With the WANT bit and without
 * the binding bit above, `guard status` says "not bound yet" instead of
 * "unbound", and `bgpshieldctl audit` can tell a binding switched off from
 * one still pending.  No layout change: older programs ignore them too.
 */
#define BGPS_PF_IFACE_WANT 0x100
#define BGPS_PF_MAC_WANT 0x200

/* Interfaces one entry may be bound to: the route's device and, for a VLAN
 * or other stacked device, the lower device the guard is attached to. */
#define BGPS_POLICY_IFACES 4

/*
 * Policy part of a peer or range entry: written by userspace.  The binding
 * checks (interface, MAC, TCP-MD5/AO presence) come before anything is
 * counted against the entry: a packet that fails them is not the peer's.
 */
struct bgps_policy {
	__u16 flags;	/* BGPS_PF_* */
	__u8 min_ttl;	/* with BGPS_PF_GTSM; 255 = directly connected */
	__u8 pad;
	__u8 mac[6];	/* with BGPS_PF_MAC: the peer's source MAC */
	__u16 pad2;
	__u32 ifindex[BGPS_POLICY_IFACES]; /* with BGPS_PF_IFACE; 0: unused */
	__u32 syn_rate; /* this source's SYNs per second; 0 = no own bucket */
	__u32 syn_burst;
	__u32 syn_interval_ns; /* 1e9 / syn_rate, set by userspace so the
				* program never divides; 0: it divides */
	__u32 pad3;
};

/*
 * Value of maps "allow4"/"allow6" (HASH, key: the source address in network
 * order, 4 or 16 bytes) and "range4"/"range6" (LPM_TRIE, key: struct
 * bgps_lpm4/6).  The policy is userspace's; the rest is the program's
 * state, updated in place.  Userspace changing a policy copies the state
 * across (user/guard.c), so counters survive a policy change.
 */
struct bgps_peer {
	struct bgps_policy policy;
	__u64 syn_tat;	 /* GCRA theoretical arrival time, ns (coarse clock) */
	__u64 packets;	 /* guarded packets from this source, any verdict */
	__u64 bytes;
	__u64 drop_ttl;	 /* of those, dropped for TTL */
	__u64 drop_syn;	 /* of those, dropped for SYN rate */
};

/* Keys of "allow4"/"allow6": the source address, network byte order. */
struct bgps_key4 {
	__u8 addr[4];
};

struct bgps_key6 {
	__u8 addr[16];
};

struct bgps_lpm4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct bgps_lpm6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/*
 * Map "stats": PERCPU_ARRAY, one entry.  Userspace sums the CPUs.  The
 * verdict counters are laid out in enum bgps_reason order, so the program
 * indexes them as an array starting at `passed`.
 */
struct bgps_stats {
	__u64 total;	  /* every packet the guard saw */
	__u64 guarded;	  /* TCP to or from the guarded port */
	__u64 passed;	  /* BGPS_R_PASS */
	__u64 not_allowed; /* BGPS_R_NOT_ALLOWED */
	__u64 ttl;	  /* BGPS_R_TTL */
	__u64 syn_rate;	  /* BGPS_R_SYN_RATE */
	__u64 malformed;  /* BGPS_R_MALFORMED */
	__u64 wrong_iface; /* BGPS_R_WRONG_IFACE */
	__u64 wrong_mac;  /* BGPS_R_WRONG_MAC */
	__u64 no_md5;	  /* BGPS_R_NO_MD5 */
	__u64 no_ao;	  /* BGPS_R_NO_AO */
	__u64 monitor_passed; /* would-drop verdicts passed in monitor mode */
	__u64 events_sent;
	__u64 events_suppressed; /* over the event bucket */
	__u64 events_lost;	  /* ring buffer full */
	__u64 event_tat;	  /* this CPU's event GCRA state, ns */
	__u64 event_pending;	  /* suppressed since this CPU's last event */
};

/* Map "gstate": ARRAY, one entry: the program's shared state. */
struct bgps_gstate {
	__u64 syn_tat; /* global SYN GCRA theoretical arrival time, ns */
};

/* Event flags */
#define BGPS_EF_MONITOR 0x1 /* would-drop in monitor mode: it passed */
#define BGPS_EF_TC 0x2	    /* seen by the tc entry point (else XDP) */

/* Map "events": RINGBUF of these records, one per reported drop. */
struct bgps_event {
	__u64 ts_ns;	/* bpf_ktime_get_coarse_ns() */
	__u32 ifindex;
	__u8 family;	/* AF_INET (2) or AF_INET6 (10) */
	__u8 reason;	/* enum bgps_reason */
	__u8 ttl;	/* TTL or hop limit */
	__u8 tcp_flags; /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
	__u16 sport;	/* host order */
	__u16 dport;
	__u8 flags;	/* BGPS_EF_* */
	__u8 pad[3];
	__u32 suppressed; /* events this CPU suppressed before this one */
	__u8 saddr[16]; /* IPv4 uses the first 4 bytes */
	__u8 daddr[16];
	__u8 smac[6];	/* Ethernet source of the frame */
	__u16 pad2;
};


/*
 * Flowspec enforcement (RFC 8955 / RFC 8956), docs/GUARD.md "Flowspec".
 * The matcher runs after the port-179 verdict, for packets the guard did
 * not judge (an allowed peer's port-179 traffic never reaches it).
 *
 *   fs_dst4 / fs_dst6: LPM_TRIE, key bgps_lpm4/6 = a rule's destination
 *     prefix (0/0 or ::/0 for a rule without one, or with an RFC 8956
 *     offset), value struct bgps_fs_group: the rule slots to try, in
 *     order.  A group also lists the rules of every shorter prefix that
 *     covers it, so the one longest-prefix lookup finds all candidates.
 *   fs_rules: ARRAY of struct bgps_fs_rule, two halves of BGPS_FS_MAX_RULES
 *     slots: userspace writes a new rule set into the half not in use,
 *     points the groups at it, then clears the old half.
 *   fs_hash4 / fs_hash6: HASH, the same keys (address masked to the
 *     prefix length) and values as the tries: while a family's rules use
 *     at most BGPS_FS_MAX_LENS distinct destination lengths, the program
 *     looks the destination up here once per length in use, longest
 *     first (the first hit is the longest match, as the trie's), which
 *     costs less than the trie walk; beyond, it uses the trie.
 *   fs_meta: ARRAY, one entry: which half is live, the per-family
 *     prefilter bitmaps (a clear bit proves no rule's destination covers
 *     the packet's, so nothing is looked up) and the lengths in use.
 *   fs_pf24: ARRAY of BGPS_FS_PF24_WORDS __u64, IPv4 only: one bit per /24
 *     (bit n % 64 of word n / 64, n the address's top 24 bits) set when a
 *     rule's destination of length 17 or more covers it.  Consulted for
 *     a destination whose /16 bit is set in fs_meta.dst4 but not in
 *     fs_meta.dst4_short (no prefix of length 16 or less covers it): a
 *     clear bit ends the search after one more array read.
 */
#define BGPS_FS_PF24_WORDS (1U << 18) /* 2^24 bits, 2 MiB */
#define BGPS_FS_MAX_RULES 4096	/* rules in force, both families */
#define BGPS_FS_PER_PREFIX 16	/* rules one destination can meet,
				 * covering prefixes' rules included */
#define BGPS_FS_MAX_OPS 32	/* operators of one rule, all components */
#define BGPS_FS_MAX_PREFIXES 4096 /* distinct destinations per family;
				   the tries hold twice that for the swap */
#define BGPS_FS_MAX_LENS 8 /* distinct destination lengths looked up by
			    * hash; more: the trie */

/* bgps_fs_op.field: the packet value an operator tests.  Numbering
 * follows the component types of RFC 8955 §4.2.2; FS_PORT (4) tests the
 * source port in one pass and the destination port in the other. */
#define BGPS_FSF_PROTO 3
#define BGPS_FSF_PORT 4
#define BGPS_FSF_DPORT 5
#define BGPS_FSF_SPORT 6
#define BGPS_FSF_ICMP_TYPE 7
#define BGPS_FSF_ICMP_CODE 8
#define BGPS_FSF_TCP_FLAGS 9
#define BGPS_FSF_PKT_LEN 10
#define BGPS_FSF_DSCP 11
#define BGPS_FSF_FRAG 12
#define BGPS_FSF_FLOW_LABEL 13
#define BGPS_FSF_MAX 16

/* bgps_fs_op.flags: the RFC 8955 §4.2.1 operator byte's meaning bits
 * (no length bits), plus our own marks. */
#define BGPS_FSO_AND 0x40	/* ANDed with the previous term */
#define BGPS_FSO_LT 0x04	/* numeric */
#define BGPS_FSO_GT 0x02
#define BGPS_FSO_EQ 0x01
#define BGPS_FSO_NOT 0x02	/* bitmask */
#define BGPS_FSO_MATCH 0x01
#define BGPS_FSO_BITMASK 0x100	/* ours: a bitmask operator */
#define BGPS_FSO_FIRST 0x200	/* ours: the first operator of a component */

struct bgps_fs_op {
	__u16 flags;	/* BGPS_FSO_* */
	__u8 field;	/* BGPS_FSF_* */
	__u8 pad;
	__u32 value;
};

/* Fragment bits of component 12 (RFC 8955 §4.2.2.12) */
#define BGPS_FRAG_DF 0x01
#define BGPS_FRAG_ISF 0x02 /* a fragment other than the first */
#define BGPS_FRAG_FF 0x04  /* the first fragment */
#define BGPS_FRAG_LF 0x08  /* the last fragment */

/* bgps_fs_rule.action */
enum bgps_fs_action {
	BGPS_FSA_NONE = 0,	/* accept: count only */
	BGPS_FSA_DROP = 1,	/* traffic-rate 0 */
	BGPS_FSA_RATE_BYTES = 2, /* traffic-rate-bytes > 0 */
	BGPS_FSA_RATE_PKTS = 3, /* traffic-rate-packets > 0 */
	BGPS_FSA_COUNT = 4,	/* redirect / mark / sample: counted, not
				 * enforced */
};

/* bgps_fs_rule.flags */
#define BGPS_FSR_USED 0x1
#define BGPS_FSR_SRC 0x2 /* src_addr/src_mask hold a prefix to test */
#define BGPS_FSR_DST 0x4 /* dst_addr/dst_mask too (an RFC 8956 offset) */
#define BGPS_FSR_V6 0x8

/*
 * One compiled rule: the policy (userspace's) then the state (the
 * program's, updated in place with plain adds as the peers' counters are).
 * A rule matches when every field in `need` is present in the packet,
 * the prefixes match under their masks, and each component's operators
 * say so: within a component, runs of ANDed terms are ORed (§4.2.1).
 */
struct bgps_fs_rule {
	__u16 flags;	/* BGPS_FSR_* */
	__u8 action;	/* enum bgps_fs_action */
	__u8 nops;	/* ops[] used */
	__u32 need;	/* 1 << BGPS_FSF_* of every field tested */
	__u32 id;	/* the rule's position in userspace's list */
	__u8 dst_plen;	/* the rule's destination (in dst_addr even without
			 * BGPS_FSR_DST), for display */
	__u8 dst_off;	/* RFC 8956 offsets */
	__u8 src_plen;
	__u8 src_off;
	__u64 interval_q16; /* rate limits: ns per byte or per packet, x65536 */
	__u64 tolerance_ns; /* GCRA burst: how far ahead tat may run */
	__u32 src_addr[4]; /* network order words, masked */
	__u32 src_mask[4];
	__u32 dst_addr[4];
	__u32 dst_mask[4];
	struct bgps_fs_op ops[BGPS_FS_MAX_OPS];
	/* state */
	__u64 tat;	/* GCRA theoretical arrival time, ns */
	__u64 matched_packets;
	__u64 matched_bytes;
	__u64 dropped_packets;
	__u64 dropped_bytes;
};

/*
 * One candidate of a group: the rule's index and a summary the program
 * checks before it touches the rule: the fields it needs, and the hull
 * (lowest..highest value any of its operators can accept) of its protocol,
 * destination and source port components; a rule without one has the full
 * range; and the first 32-bit word of its source prefix (IPv4: all of it)
 * under its mask (src_m 0: no source prefix).  A packet outside a hull or
 * the source word cannot match the rule; one inside may.
 */
struct bgps_fs_slot {
	__u32 rule;	/* index into fs_rules */
	__u16 need;	/* 1 << BGPS_FSF_*, as the rule's */
	__u8 proto_lo, proto_hi;
	__u16 dport_lo, dport_hi;
	__u16 sport_lo, sport_hi;
	__u32 src_w, src_m; /* network order: src_addr[0], src_mask[0] */
	__u8 exact;	/* 1: the rule is all in this summary (protocol and
			 * port components, each one AND-run, whose hulls are
			 * exact; a source prefix within src_m; no offset
			 * destination): a packet the summary passes matches,
			 * the rule's operators are not walked */
	__u8 pad[3];
};

/* Candidate masks of a group: bit j of by_proto[bgps_fs_pbucket(p)] is set
 * when slot j's protocol hull holds some value of that bucket, likewise
 * by_dport[] for the destination port (a packet without ports: bucket 0,
 * which holds every slot that does not need one).  The AND of the packet's
 * two words is a superset of the slots whose hulls hold the packet, so the
 * walk visits only those, in slot order: first-match order is kept. */
#define BGPS_FS_PBUCKETS 32
#define BGPS_FS_DBUCKETS 64
static inline __u32 bgps_fs_pbucket(__u32 proto)
{
	return proto & (BGPS_FS_PBUCKETS - 1); /* 1 6 17 47 50 58 132 differ */
}
static inline __u32 bgps_fs_dbucket(__u32 port)
{
	return port & (BGPS_FS_DBUCKETS - 1);
}

struct bgps_fs_group {
	__u32 n;	/* slots used */
	__u32 pad;
	__u16 by_proto[BGPS_FS_PBUCKETS]; /* candidate slots, bit j = slot j */
	__u16 by_dport[BGPS_FS_DBUCKETS];
	/* all slots at once: the fields every rule needs, the hulls of all
	 * the hulls (`rule`, `src_*` unused).  A packet outside fails every
	 * slot. */
	struct bgps_fs_slot any;
	struct bgps_fs_slot slot[BGPS_FS_PER_PREFIX]; /* in order */
};

struct bgps_fs_meta {
	__u32 half;	/* 0 or 1: the fs_rules half in use */
	__u32 nrules;
	/* destination prefix lengths in use, longest first, looked up in
	 * fs_hash4/6; nlens > BGPS_FS_MAX_LENS: look up fs_dst4/6 instead */
	__u8 nlens4, nlens6;
	__u8 pad[6];
	__u8 lens4[BGPS_FS_MAX_LENS];
	__u8 lens6[BGPS_FS_MAX_LENS];
	struct bgps_prefilter dst4; /* bit bgps_fs_bit(): covered /16 */
	struct bgps_prefilter dst6;
	/* IPv4 /16s covered by a prefix of length <= 16: fs_pf24 does not
	 * apply to them */
	struct bgps_prefilter dst4_short;
};

/* Prefilter bit of a destination: IPv4 its top 16 bits, IPv6 bits 16-31
 * (bits 0-15 are 2001 for most of the unicast space). */
static inline __u32 bgps_fs_bit(const __u8 *addr, int v6)
{
	return v6 ? ((__u32)addr[2] << 8 | addr[3]) : ((__u32)addr[0] << 8 | addr[1]);
}

/* Attachment modes, for map "ifaces" and the CLI. */
enum bgps_attach_mode {
	BGPS_ATTACH_AUTO = 0, /* native XDP, else generic XDP, else tc */
	BGPS_ATTACH_NATIVE = 1,
	BGPS_ATTACH_GENERIC = 2,
	BGPS_ATTACH_TC = 3,
};

/* Map "ifaces": HASH keyed by interface name (char[16], NUL padded):
 * the interfaces an operator asked to guard, so a watcher can re-attach
 * after hot-plug and `status` can tell wanted from attached. */
struct bgps_iface_key {
	char name[16];
};

#define BGPS_IF_CREATED_CLSACT 0x1 /* we created the clsact qdisc */

struct bgps_iface {
	__u32 ifindex;	/* at last attach; 0 while the interface is gone */
	__u8 wanted;	/* enum bgps_attach_mode asked for */
	__u8 actual;	/* enum bgps_attach_mode in force */
	__u8 flags;	/* BGPS_IF_* */
	__u8 pad;
	__u64 attached_ns; /* CLOCK_REALTIME ns of the last attach */
};

#endif /* BGPSHIELD_GUARD_H */
