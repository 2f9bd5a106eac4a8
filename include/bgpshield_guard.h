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

#define BGPS_ABI_VERSION 2

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
