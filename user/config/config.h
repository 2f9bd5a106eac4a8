/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bgpshieldd configuration: ExaBGP 4.x syntax where ExaBGP has the
 * feature, bgpshield's own blocks (guard, user) in the same style.  See
 * docs/CONFIG.md for every keyword and its default.
 *
 * config_parse_buf() is pure: no file access, so it can be fuzzed.  Secret
 * files (md5-password-file, tcp-ao password-file) are only recorded there;
 * config_load() reads the config through secfile and then loads them.
 *
 * Every call either returns a complete config or nothing, with one
 * "file:line:col: message" line in err (columns count bytes from 1, as
 * editors' quickfix lists expect).
 */
#ifndef BGPS_CONFIG_H
#define BGPS_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "addr.h"
#include "flowspec.h"
#include "bgpshield_guard.h"
#include "guard_names.h"

#define CFG_USER_DEFAULT "bgpshield"
#define CFG_USER_MAX 32		/* useradd's limit */
#define CFG_NAME_MAX 64		/* process, template and api names */
#define CFG_PIN_DIR_MAX 150	/* leaves room in struct guard's pin_dir[200] */
#define CFG_KEY_MAX 80		/* TCP_MD5SIG_MAXKEYLEN and TCP_AO_MAXKEYLEN */
#define CFG_HOLD_DEFAULT 180
#define CFG_EVENT_RATE_DEFAULT 100 /* as guard_load() sets for a new pin */
#define CFG_SECRET_MASK "********"

/* Input limits: the parser refuses more rather than grow without bound. */
#define CFG_TOKEN_MAX 4095
#define CFG_MAX_NEIGHBORS BGPS_MAX_PEERS
#define CFG_MAX_ALLOW BGPS_MAX_PEERS
#define CFG_MAX_TEMPLATES 4096
#define CFG_MAX_PROCESSES 256
#define CFG_MAX_ARGV 256
#define CFG_MAX_APIS 64		/* api blocks per neighbor */
#define CFG_MAX_INHERIT 32
#define CFG_MAX_LIST 1024	/* items in one [ ... ] list */
#define CFG_MAX_SPLIT 65536	/* prefixes one 'split /N' makes */
/* Routes plus list items after templates are copied into neighbors: a
 * template inherited by many neighbors must not multiply memory. */
#define CFG_MAX_ROUTE_UNITS (4u * 1024 * 1024)

enum cfg_policy {
	CFG_POLICY_ENFORCE = BGPS_MODE_ENFORCE,
	CFG_POLICY_MONITOR = BGPS_MODE_MONITOR,
};

enum cfg_on_exit {
	CFG_ON_EXIT_KEEP = 0,	/* the guard keeps enforcing (fail closed) */
	CFG_ON_EXIT_DETACH = 1,
};

struct cfg_iface {
	char name[IF_NAMESIZE];
};

/*
 * Binding of one allowlist entry to where its packets may come from
 * (docs/GUARD.md, "Binding"): the interfaces they arrive on and, for a
 * directly connected peer, the Ethernet source.  Written in a neighbor's
 * guard block (interface, mac-binding, peer-mac) and, interface only, on
 * an allow entry.
 */
enum cfg_iface_bind {
	CFG_IFB_AUTO = 0,   /* neighbors: the interfaces the kernel routes
			     * the address through, kept current */
	CFG_IFB_STATIC = 1, /* interface NAME...; (at most 4) */
	CFG_IFB_OFF = 2,    /* interface off; (the default of allow entries) */
};

enum cfg_mac_bind {
	CFG_MACB_DEFAULT = 0, /* learn for a neighbor with incoming-ttl 255
			       * (directly connected by GTSM), else off */
	CFG_MACB_LEARN = 1,   /* from the kernel's neighbour table, followed */
	CFG_MACB_STATIC = 2,  /* peer-mac MAC; never follows the table */
	CFG_MACB_OFF = 3,
};

struct cfg_bind {
	enum cfg_iface_bind iface;
	struct cfg_iface ifaces[BGPS_POLICY_IFACES]; /* with CFG_IFB_STATIC */
	size_t nifaces;
	enum cfg_mac_bind mac;	/* allow entries: always off */
	uint8_t peer_mac[6];	/* with CFG_MACB_STATIC */
};

/* guard { allow PREFIX... [interface NAME...]; } */
struct cfg_allow {
	struct prefix pfx;
	struct cfg_bind bind;	/* iface STATIC or OFF, mac OFF */
};

struct cfg_guard {
	int iface_auto;		/* interface auto; (the default) */
	struct cfg_iface *ifaces;
	size_t nifaces;
	enum bgps_attach_mode mode;
	enum cfg_policy policy;
	uint16_t port;		/* guarded TCP port, default 179 */
	/*
	 * The default SYN bucket of each allowlist entry: every neighbor
	 * without its own guard { syn-rate } and every allow entry gets a
	 * bucket of its own with this rate (a range shares one bucket).  This
	 * is not the guard's aggregate bucket (settings.syn_rate), which the
	 * config leaves off.  0 = no bucket.
	 */
	uint32_t syn_rate;
	uint32_t syn_burst;	/* 0 = same as syn_rate */
	uint32_t event_rate;	/* guard events per second per CPU */
	struct cfg_allow *allow;
	size_t nallow;
	char pin_dir[CFG_PIN_DIR_MAX + 1];
	enum cfg_on_exit on_exit;
};

/* A password given inline or read from a file. */
struct cfg_secret {
	uint8_t key[CFG_KEY_MAX];
	size_t len;		/* 0 until a file's secret is loaded */
	char *path;		/* *-password-file as written; NULL: inline */
	int base64;		/* the file holds base64 (inline secrets are
				 * decoded while parsing, and this is 0) */
	int loaded;		/* key holds the secret */
	unsigned int line, col; /* of the statement, for messages */
};

struct cfg_md5 {
	int enabled;
	struct cfg_secret secret;
	struct prefix ip;	/* md5-ip; family 0: unset (local-address) */
};

enum cfg_ao_alg {
	CFG_AO_HMAC_SHA1_96 = 0,
	CFG_AO_AES128_CMAC_96 = 1,
	CFG_AO_HMAC_SHA256 = 2,
};

struct cfg_tcp_ao {
	int enabled;
	uint8_t keyid;		/* SendID and RecvID (RFC 5925 3.1) */
	enum cfg_ao_alg alg;
	struct cfg_secret secret;
};

/* RFC 5082 GTSM: ttl-security sets both to 255. */
struct cfg_gtsm {
	uint8_t min_ttl_in;	/* 0: off; the guard drops lower TTLs */
	uint8_t ttl_out;	/* 0: the kernel's default */
};

#define CFG_FAM_IPV4_UNICAST 0x1
#define CFG_FAM_IPV6_UNICAST 0x2
#define CFG_FAM_IPV4_FLOW 0x4	/* RFC 8955, SAFI 133 */
#define CFG_FAM_IPV6_FLOW 0x8	/* RFC 8956 */
#define CFG_FAM_DEFAULT (CFG_FAM_IPV4_UNICAST | CFG_FAM_IPV6_UNICAST)

struct cfg_caps {
	int asn4;		/* default on */
	int route_refresh;	/* default on */
	int extended_message;	/* default off */
	int graceful_restart;	/* default off */
	uint16_t gr_time;	/* 0: the hold time */
	int nexthop;		/* capability { nexthop; }: CFG_NHCAP_* */
	/* add-path disable|receive|send|send/receive (ExaBGP's values:
	 * CFG_ADDPATH_* bits), for the families of the neighbor's add-path
	 * block (add_path_families), or all its families without one. */
	int add_path;
};

/* capability { nexthop BOOL; } as ExaBGP reads it: unset, the nexthop
 * block's presence decides. */
#define CFG_NHCAP_AUTO 0
#define CFG_NHCAP_ON 1
#define CFG_NHCAP_OFF 2

/* nexthop { AFI SAFI NH-AFI; } tuples (RFC 8950 §4). */
#define CFG_NH_IPV4U_IPV6 0x1	/* ipv4 unicast ipv6: sent as <1, 1, 2> */
#define CFG_NH_IPV6U_IPV4 0x2	/* ipv6 unicast ipv4: accepted as ExaBGP
				 * 4.2 does, and like it never advertised
				 * (RFC 8950 defines IPv6 next hops only) */

#define CFG_ADDPATH_RECEIVE 0x1
#define CFG_ADDPATH_SEND 0x2

enum cfg_origin {
	CFG_ORIGIN_IGP = 0,
	CFG_ORIGIN_EGP = 1,
	CFG_ORIGIN_INCOMPLETE = 2,
};

#define CFG_RT_MED 0x1
#define CFG_RT_LOCAL_PREF 0x2
#define CFG_RT_ATOMIC_AGGR 0x4	/* RFC 4271 §5.1.6 */
#define CFG_RT_AGGREGATOR 0x8	/* aggr_as, aggr_id (§5.1.7) */
#define CFG_RT_ORIGINATOR 0x10	/* originator_id (RFC 4456 §8) */
/* ExaBGP's 'withdraw': not sent until its watchdog is announced */
#define CFG_RT_WITHDRAW 0x20

#define CFG_RAW_ATTR_MAX 4096	/* octets of attribute [ ] per route */
#define CFG_RAW_ATTRS 8		/* and how many of them */

struct cfg_lcomm {
	uint32_t global, local1, local2;
};

struct cfg_route {
	struct prefix prefix;
	int nh_self;		/* next-hop self */
	struct prefix next_hop;	/* when !nh_self */
	enum cfg_origin origin;
	unsigned int flags;	/* CFG_RT_* */
	uint32_t med;
	uint32_t local_pref;
	uint32_t *as_path;
	size_t as_path_len;
	uint32_t *communities;	/* RFC 1997, high 16 bits the ASN */
	size_t ncommunities;
	struct cfg_lcomm *large;
	size_t nlarge;
	uint64_t *ext;		/* RFC 4360 extended communities, 8 octets
				 * each as a big-endian number */
	size_t next;
	uint32_t aggr_as, aggr_id;	/* CFG_RT_AGGREGATOR; id host order */
	uint32_t originator_id;		/* CFG_RT_ORIGINATOR, host order */
	uint32_t *cluster;		/* CLUSTER_LIST (RFC 4456 §8) */
	size_t ncluster;
	/* attribute [ CODE FLAGS VALUE ] of codes we do not model: each
	 * flags, code, length (2 octets, big-endian), value */
	uint8_t *raw;
	size_t raw_len;
	char *watchdog;			/* NULL: none */
	uint32_t path_id;	/* path-information (RFC 7911), 0 unset */
	unsigned int line, col;
	unsigned int nh_line, nh_col;	/* of the next-hop address */
};

/* Frees the route's lists and names, not the route itself. */
void cfg_route_free(struct cfg_route *r);

/* --- route_attr.c: attribute values as ExaBGP writes them --------------- */

struct cfg_wk_comm {
	const char *name;
	uint32_t value;
};
extern const struct cfg_wk_comm cfg_wk_comms[];
extern const size_t cfg_nwk_comms;

/* "A:B[:C]": exactly n decimals, each at most max. */
int cfg_split_nums(const char *s, uint32_t max, uint32_t *v, int n);
/* asplain, or asdot "A.B" (RFC 5396) */
int cfg_parse_asn(const char *s, uint32_t *out);
/* a name (no-export ...), ASN:VALUE, a decimal or 0x and hex digits */
int cfg_parse_community(const char *s, uint32_t *out);
int cfg_parse_large(const char *s, struct cfg_lcomm *out);
/* target:/origin:/redirect:ADMIN:N or 0x and 16 hex digits */
int cfg_parse_ext(const char *s, uint64_t *out);
int cfg_parse_ipv4(const char *s, uint32_t *out); /* host order */
int cfg_parse_aggregator(const char *s, uint32_t *as, uint32_t *id);
/* ExaBGP's attribute [ CODE FLAGS VALUE ]: a code we model sets the
 * route's own field; 0 or -1 with err set. */
int cfg_route_attribute(struct cfg_route *r, const char *code,
			const char *flags, const char *data, char *err,
			size_t el);
/* split /n: *out (malloc'd) gets the *count pieces, at most max. */
int cfg_split_prefix(const struct prefix *pfx, int n, size_t max,
		     struct prefix **out, size_t *count, char *err,
		     size_t el);

/* flow { route NAME { match { ... } then { ... } } }: one rule. */
struct cfg_flow {
	char *name;
	struct fs_rule rule;
	unsigned int line, col;
};

/*
 * --- flow_parse.c: flow rules as ExaBGP 4.2 writes them -------------------
 * The config's flow block and the API's announce/withdraw flow read the
 * same words through these.  Each returns -1 with a message (no
 * position: the caller adds file:line:col or the API's context).
 */
/* 1 when kw is a match keyword (source, destination-port, ...). */
int cfg_flow_is_match(const char *kw);
/* A new component for match keyword kw: its index in r->comp[] (not yet
 * sorted), or -1 (unknown, repeated, or of the other family). */
int cfg_flow_match(struct fs_rule *r, const char *kw, char *err, size_t el);
/* One value word of component idx: a prefix, or one item of an operator
 * list ("=80", ">=1024&<=2048", "!=syn+ack"). */
int cfg_flow_word(struct fs_rule *r, int idx, const char *word, char *err,
		  size_t el);
/* A then keyword: 1 when it takes a value, 0 when not, -1 not one; 2 a
 * keyword ExaBGP has and bgpshield refuses (cfg_flow_then() says why,
 * whatever the value). */
int cfg_flow_then_kw(const char *kw);
int cfg_flow_then(struct fs_actions *a, const char *kw, const char *value,
		  char *err, size_t el);
/* The rule is whole: components sorted (RFC 8955 §4.2), family set,
 * every list non-empty. */
int cfg_flow_finish(struct fs_rule *r, char *err, size_t el);
/* May the rule go to neighbor n?  Its destination must be covered by the
 * export filter's prefix-lists (when it has any), and a rule without a
 * destination needs flowspec { allow-no-destination; }.  0, or -1 with
 * why. */
struct cfg_neighbor;
/* flowspec { enforce; } bits: the rules we announce to the neighbor (the
 * config's flow block and the API's), the rules it sends us; `enforce;`
 * alone is both. */
#define CFG_FLOW_ENF_ANNOUNCED 0x1
#define CFG_FLOW_ENF_RECEIVED 0x2
#define CFG_FLOW_ENF_BOTH 0x3
int cfg_flow_allowed(const struct cfg_neighbor *n, const struct fs_rule *r,
		     char *why, size_t wl);
/* May a rule neighbor n sent us be enforced (flowspec { enforce
 * received; })?  The same bounds against its import filter. */
int cfg_flow_enforceable_in(const struct cfg_neighbor *n,
			    const struct fs_rule *r, char *why, size_t wl);
/* The match's statements and the then's, each pre KEYWORD VALUE sep. */
void cfg_flow_print_match(FILE *f, const struct fs_rule *r, const char *pre,
			  const char *sep);
void cfg_flow_print_then(FILE *f, const struct fs_actions *a,
			 const char *pre, const char *sep);

/* api { receive { ... } send { ... } } message kinds */
#define CFG_API_PARSED 0x01
#define CFG_API_PACKETS 0x02
#define CFG_API_CONSOLIDATE 0x04
#define CFG_API_OPEN 0x08
#define CFG_API_UPDATE 0x10
#define CFG_API_NOTIFICATION 0x20
#define CFG_API_KEEPALIVE 0x40
#define CFG_API_REFRESH 0x80
/* ExaBGP's operational messages (draft-ietf-idr-operational-message):
 * accepted, never sent: no session negotiates that capability */
#define CFG_API_OPERATIONAL 0x100

/* api events */
#define CFG_API_NEIGHBOR_CHANGES 0x1
#define CFG_API_NEGOTIATED 0x2
#define CFG_API_FSM 0x4
#define CFG_API_SIGNAL 0x8

struct cfg_name {
	char *name;
	unsigned int line, col;
};

struct cfg_api {
	char *name;		/* api NAME { }, or NULL */
	struct cfg_name *processes;
	size_t nprocesses;
	unsigned int events;	/* CFG_API_NEIGHBOR_CHANGES... */
	unsigned int receive;	/* CFG_API_PARSED... */
	unsigned int send;
};

/* prefix-list NAME { P [ge G] [le L]; ... } */
struct cfg_plist_entry {
	struct prefix p;
	int ge, le;		/* -1: not written */
	unsigned int line, col;
};

struct plist;

struct cfg_plist {
	char *name;
	struct cfg_plist_entry *entries;
	size_t nentries;
	struct plist *trie;	/* compiled from entries (plist.h) */
	unsigned int line, col;
};

enum cfg_maxpfx_action {
	CFG_MAXPFX_WARNING = 0,	/* log and audit, keep the routes */
	CFG_MAXPFX_TEARDOWN = 1, /* Cease 1 (RFC 4486) with the count */
};

#define CFG_MAX_PLISTS 1024
#define CFG_MAX_PLIST_ENTRIES (1024u * 1024)	/* all lists together */
#define CFG_MAX_FILTER_NH 256

/*
 * One direction of a neighbor's filter { import { } export { } }.  Every
 * rule that is set must pass; a route failing any is refused, and the
 * refusal names the rule (filter.c).
 */
struct cfg_filter {
	int present;		/* the block was written (RFC 8212) */
	/* prefix-list NAME; (several: a prefix in any passes) */
	struct cfg_name *plists;
	size_t nplists;
	const struct cfg_plist **plist_ref; /* resolved, same order */
	int reject_bogons;
	int reject_default;	/* 0.0.0.0/0 and ::/0 */
	int reject_private_asn;	/* RFC 6996, RFC 7300 ASNs in the path */
	uint32_t max_as_path_len; /* 0: no limit */
	/* max-prefix N [warning|teardown [restart S]]: import only */
	uint32_t max_prefix;	/* 0: no limit */
	enum cfg_maxpfx_action max_prefix_action;
	uint32_t max_prefix_restart; /* seconds; 0: stays down */
	/*
	 * next-hop ...;  import: "peer [PREFIX ...]" - the received next
	 * hop must be the peer's address or inside a listed (on-link)
	 * prefix.  export: "self [PREFIX ...]" - the announced next hop must
	 * be self or inside a listed prefix.
	 */
	int nh_check;
	struct prefix *nh_allow;
	size_t nnh_allow;
	/* med MIN MAX; local-pref MIN MAX; (a route without it passes) */
	int med_range, local_pref_range;
	uint32_t med_min, med_max, lp_min, lp_max;
	unsigned int line, col;
};

struct cfg_neighbor {
	struct prefix address;	/* a host */
	char *description;
	struct prefix router_id;	/* family 0: unset */
	struct prefix local_address;	/* family 0: unset */
	uint32_t local_as;
	uint32_t peer_as;
	uint16_t hold_time;	/* 0 or 3..65535 */
	int passive;
	int group_updates;	/* default on: routes packed many to an UPDATE;
				 * off (ExaBGP's group-updates false): one
				 * prefix per UPDATE */
	int manual_eor;		/* no End-of-RIB of our own (RFC 4724 §2):
				 * the API sends it (announce eor) */
	uint16_t listen_port;	/* 0: unset (179) */
	uint16_t connect_port;	/* 0: unset (179) */
	struct cfg_md5 md5;
	struct cfg_gtsm gtsm;
	struct cfg_tcp_ao tcp_ao;
	uint32_t families;	/* CFG_FAM_* */
	uint32_t nexthop;	/* nexthop { }: CFG_NH_*, as written */
	struct cfg_caps caps;
	uint32_t add_path_families; /* add-path { }: CFG_FAM_*, 0 unset */
	struct cfg_route *routes;
	size_t nroutes;
	struct cfg_flow *flows;	/* flow { route NAME { } } (RFC 8955) */
	size_t nflows;
	int flow_enforce;	/* flowspec { enforce [announced|received]; }:
				 * CFG_FLOW_ENF_* bits, which of this
				 * neighbor's rules go into the guard */
	int flow_allow_nodst;	/* flowspec { allow-no-destination; }: rules
				 * toward it may lack a destination prefix */
	struct cfg_api *apis;
	size_t napis;
	uint32_t syn_rate;	/* guard { }: 0 = the global guard's */
	uint32_t syn_burst;
	struct cfg_bind bind;	/* guard { interface; mac-binding; peer-mac; } */
	struct cfg_filter import, export;
	unsigned int line, col;	/* of the address after 'neighbor' */
};

enum cfg_encoder {
	CFG_ENC_TEXT = 0,
	CFG_ENC_JSON = 1,
	CFG_ENC_JSON5 = 2, /* ExaBGP 5's JSON forms (docs/API.md) */
};

struct cfg_process {
	char *name;
	char **argv;		/* NULL terminated, split like ExaBGP: no
				 * shell, quoted strings keep their spaces */
	size_t argc;
	enum cfg_encoder encoder; /* default text */
	int respawn;		/* default true */
	/*
	 * limits { cpu S; memory MB; processes N; files N; rate N;
	 * burst N; } - a config may only tighten the defaults below.
	 */
	uint32_t lim_cpu_s;
	uint32_t lim_memory_mb;
	uint32_t lim_processes;
	uint32_t lim_files;
	uint32_t rate;		/* API commands per second */
	uint32_t burst;
	unsigned int line, col;
};

#define CFG_PROC_CPU_DEFAULT 3600	/* RLIMIT_CPU seconds (a day-long
					 * health check uses far less) */
#define CFG_PROC_MEMORY_DEFAULT 1024	/* RLIMIT_AS, MiB */
#define CFG_PROC_PROCESSES_DEFAULT 64	/* RLIMIT_NPROC */
#define CFG_PROC_FILES_DEFAULT 256	/* RLIMIT_NOFILE */
#define CFG_PROC_RATE_DEFAULT 1000000	/* commands/s: bench-api writes
					 * 1M announces as fast as it can */
#define CFG_PROC_BURST_DEFAULT 1000000

/* metrics { listen ADDR:PORT; }: the engine's Prometheus HTTP endpoint
 * (docs/METRICS.md).  Off unless given. */
struct cfg_metrics {
	int enabled;
	struct prefix addr;	/* a host */
	uint16_t port;
	unsigned int line, col;	/* of the listen statement */
};

/* 1 when the metrics listen address is a loopback one. */
int config_metrics_loopback(const struct cfg_metrics *m);

struct config {
	char user[CFG_USER_MAX + 1];
	struct cfg_guard guard;
	struct cfg_neighbor *neighbors;
	size_t nneighbors;
	struct cfg_process *processes;
	size_t nprocesses;
	int inline_secrets;	/* a password is written in the config */
	char *audit_path;	/* log { audit PATH; }, NULL: no audit log */
	struct cfg_plist *plists;
	size_t nplists;
	int rfc8212_strict;	/* rfc8212 strict;: eBGP without a policy
				 * sends and accepts nothing */
	/* control { group; change-group; }: "" unset.  group owns the
	 * control socket (default: the user's group); without
	 * change-group every client that can connect may change. */
	char control_group[CFG_USER_MAX + 1];
	char control_change_group[CFG_USER_MAX + 1];
	struct cfg_metrics metrics;
};

/* The neighbor is eBGP (its AS differs from ours). */
static inline int cfg_neighbor_ebgp(const struct cfg_neighbor *n)
{
	return n->local_as != n->peer_as;
}

/*
 * The neighbor offers RFC 8950 extended next hops for IPv4 unicast
 * (capability 5 with <1, 1, 2>), and its IPv4 routes may have IPv6 next
 * hops: 'nexthop { ipv4 unicast ipv6; }' not turned off by 'capability
 * { nexthop disable; }', with both IPv4 and IPv6 unicast enabled (ExaBGP
 * 4.2 skips a tuple whose NLRI or next-hop family is not negotiated).
 */
static inline int cfg_neighbor_ext_nh(const struct cfg_neighbor *n)
{
	return (n->nexthop & CFG_NH_IPV4U_IPV6) &&
	       n->caps.nexthop != CFG_NHCAP_OFF &&
	       (n->families & CFG_FAM_IPV4_UNICAST) &&
	       (n->families & CFG_FAM_IPV6_UNICAST);
}

/* Why cfg_neighbor_ext_nh() is 0, and how to change it ("" if it is 1). */
const char *config_ext_nh_why(const struct cfg_neighbor *n);

/* The families ADD-PATH is offered for (ExaBGP: the add-path block's,
 * those the neighbor has; without the block, all of them); 0 when
 * add-path is disabled. */
static inline uint32_t cfg_addpath_families(const struct cfg_neighbor *n)
{
	if (!n->caps.add_path)
		return 0;
	return n->add_path_families ? n->add_path_families & n->families
				    : n->families;
}

int config_parse_buf(const char *buf, size_t len, const char *name,
		     struct config **out, char *err, size_t errlen);
/*
 * Read path through secfile (owner root or the caller's euid, not group-
 * or world-writable; not world-readable when it holds an inline password),
 * parse it and load the secret files it names, relative to its folder.
 */
int config_load(const char *path, struct config **out, char *err,
		size_t errlen);
/* The secret-file step of config_load(), for a config parsed from a
 * buffer: files must be private and owned by root or allowed_uid. */
int config_load_secrets(struct config *c, const char *name,
			const char *basedir, uid_t allowed_uid, char *err,
			size_t errlen);
void config_free(struct config *c);
/* Canonical form, templates resolved, secrets masked.  It parses again. */
void config_print(FILE *f, const struct config *c);
/* One neighbor, secrets included: does a session need a restart?  The
 * import/export filters are ignored: they change without a restart. */
int config_neighbor_equal(const struct cfg_neighbor *a,
			  const struct cfg_neighbor *b);
/*
 * RFC 8212 reminders for config checks: one "NAME:LINE:COL: warning: ..."
 * line per eBGP neighbor direction without a filter block (no newline).
 */
void config_warnings(const struct config *c, const char *name,
		     void (*cb)(const char *line, void *arg), void *arg);
/* The flow routes and the flowspec block: 1 when equal.  Left out of
 * config_neighbor_equal(): a changed rule needs no session restart (the
 * engine withdraws the old NLRI and announces the new). */
int config_flows_equal(const struct cfg_neighbor *a,
		       const struct cfg_neighbor *b);
/* One filter direction, prefix-lists by name and, once resolved, by their
 * entries: 1 when equal, else 0. */
int config_filter_equal(const struct cfg_filter *a,
			const struct cfg_filter *b);
/* 1 when equal (source positions never count), else 0. */
int config_equal(const struct config *a, const struct config *b,
		 int ignore_secrets);
/*
 * The guard allowlist the config asks for: one host rule per neighbor
 * (GTSM from its incoming TTL, its SYN bucket from its guard block, else
 * the global guard block's syn-rate/syn-burst), then each guard allow entry
 * without GTSM and with the global bucket.  An allow entry equal to a
 * neighbor's address merges into the neighbor's rule; duplicate allow
 * entries merge.  *out is malloc'd (NULL when *n is 0); -1 on ENOMEM.
 */
int config_guard_rules(const struct config *c, struct guard_rule **out,
		       size_t *n);

/*
 * config_guard_rules() plus, at the same index, what the parent resolves
 * at run time for each rule (struct guard_rule_bind, guard_names.h:
 * DEFAULT resolved, no config types in it).  The rule's policy already
 * carries what the config alone decides: BGPS_PF_MD5 / BGPS_PF_AO from the
 * neighbor's TCP-MD5 / TCP-AO, BGPS_PF_MAC and mac[] for a static
 * peer-mac, and the intent flags BGPS_PF_IFACE_WANT / BGPS_PF_MAC_WANT for
 * bindings still to be resolved (a route's interfaces, a learned MAC, an
 * interface name's ifindex).
 * *binds is malloc'd with *n entries (NULL when *n is 0).  -1 on ENOMEM. */
int config_guard_rules_bind(const struct config *c, struct guard_rule **out,
			    struct guard_rule_bind **binds, size_t *n);

const char *config_ao_alg_name(enum cfg_ao_alg alg);

#endif
