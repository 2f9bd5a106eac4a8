/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Messages between the parent (privileged) and the engine (unprivileged),
 * over a SOCK_SEQPACKET socketpair: one datagram per message, so framing
 * is the kernel's, and descriptors ride along with SCM_RIGHTS.
 *
 * Every type names its direction and its exact payload length (or a
 * maximum for variable ones).  imsg_check() is the boundary: a receiver
 * calls it before touching a payload, and logs and drops anything else.
 */
#ifndef BGPS_IMSG_H
#define BGPS_IMSG_H

#include <stddef.h>
#include <stdint.h>

#include "bgpshield_guard.h"
#include "flowspec.h"

#define IMSG_MAX_PAYLOAD (64 * 1024)
#define IMSG_AUDIT_MAX 1024

enum imsg_dir {
	IMSG_P2E = 1, /* parent -> engine */
	IMSG_E2P = 2, /* engine -> parent */
};

enum imsg_type {
	IMSG_NONE = 0,
	/* parent -> engine */
	IMSG_CONFIG_BEGIN,  /* u32 generation; then chunks, then END */
	IMSG_CONFIG_CHUNK,  /* <= IMSG_MAX_PAYLOAD bytes of config text */
	IMSG_CONFIG_END,    /* u32 generation */
	IMSG_SECRET,	    /* struct imsg_secret */
	IMSG_LISTEN_FD,	    /* struct imsg_listen + one fd */
	IMSG_CONTROL_FD,    /* no payload + one fd: the control socket */
	IMSG_RELOAD_RESULT, /* struct imsg_result */
	IMSG_GUARD_STATUS,  /* struct imsg_guard_status */
	IMSG_PROC_FD,	    /* struct imsg_proc + one fd: an API process */
	IMSG_PROC_GONE,	    /* struct imsg_proc: that process exited */
	IMSG_CONTROL_INFO,  /* struct imsg_control: control socket policy */
	/* engine -> parent */
	IMSG_READY,	    /* no payload: config applied, serving */
	IMSG_RELOAD_REQ,    /* u32 request id */
	IMSG_GUARD_REQ,	    /* u32 request id */
	IMSG_AUDIT,	    /* one JSON object, no newline, <= 1024 bytes */
	IMSG_METRICS_REQ,   /* u32 request id: the guard's metrics text */
	/* parent -> engine, answering IMSG_METRICS_REQ */
	IMSG_METRICS,	    /* struct imsg_metrics + text, in chunks */
	/* engine -> parent */
	IMSG_FLOW_SET,	    /* struct imsg_flow_hdr + rules, in chunks */
	IMSG_TYPE_MAX,
};

struct imsg_hdr {
	uint16_t type;
	uint16_t flags;
	uint32_t len; /* payload bytes after this header */
};

/* A secret read by the parent from a file the engine may not open. */
struct imsg_secret {
	uint8_t family;	  /* AF_INET / AF_INET6: the neighbor */
	uint8_t kind;	  /* 1: md5, 2: tcp-ao */
	uint16_t len;
	uint8_t addr[16];
	uint8_t key[80];  /* TCP_MD5SIG_MAXKEYLEN and TCP-AO's max */
};

struct imsg_listen {
	uint8_t family;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
};

struct imsg_result {
	uint32_t id;
	int32_t status; /* 0 ok, else negative errno */
	char text[512]; /* NUL-terminated: the error line, or a summary */
};

struct imsg_guard_status {
	uint32_t id;
	int32_t status;
	struct bgps_stats stats;
	struct bgps_settings settings;
	uint32_t n_rules;
	uint32_t n_ifaces;
	uint32_t n_attached;
	/* entries bound to interfaces / a MAC, and those whose config binds
	 * them but the kernel has not said where yet (the intent flags) */
	uint32_t n_iface_bound;
	uint32_t n_iface_pending;
	uint32_t n_mac_bound;
	uint32_t n_mac_pending;
	uint32_t pad;
};

/*
 * An API process the parent started (proc.c): fd is its stdin and stdout.
 * gen grows with every start, so a restarted process is a new instance
 * even when the kernel reuses its pid.
 */
#define IMSG_PROC_NAME_MAX 64
struct imsg_proc {
	char name[IMSG_PROC_NAME_MAX + 1]; /* NUL-terminated */
	uint8_t encoder;		   /* enum cfg_encoder */
	uint8_t pad[2];
	uint32_t gen;
	uint32_t pid;
};

/*
 * What the engine needs to know about its control socket and cannot find
 * out itself (no /etc/group, no files under Landlock): the change-group,
 * resolved by the parent, and where the parent writes the audit log.
 * Sent with every config.
 */
struct imsg_control {
	uint32_t change_gid;
	uint8_t change_set;	  /* 0: every client may change */
	uint8_t pad[3];
	char change_group[36];	  /* NUL-terminated, for messages */
	char audit[512];	  /* NUL-terminated; "" none (or too long) */
};

/*
 * The guard part of the metrics text (metrics.h), built by the parent from
 * its own maps, in chunks of at most IMSG_MAX_PAYLOAD: this header, then
 * text; more is 0 in the last chunk of request id.
 */
struct imsg_metrics {
	uint32_t id;
	uint32_t more;
};

struct imsg {
	struct imsg_hdr hdr;
	int fd; /* -1 unless one came with it */
	uint8_t data[IMSG_MAX_PAYLOAD];
};

/*
 * The flowspec rules the engine wants enforced (docs/ARCHITECTURE.md
 * "Flowspec enforcement"): the whole set, every time, in chunks.  Chunks
 * of one set share gen; first counts the rules before this chunk; the set
 * is complete when first + n == total.  A set with no rules is one chunk
 * with total 0.  A chunk is struct imsg_flow_hdr, then n rules in their
 * wire form, each struct imsg_flow_wire and the rule's NLRI (RFC 8955
 * §4.1, its length octets included: fs_nlri_encode()), packed, no
 * padding: at most IMSG_FLOW_CHUNK rules and IMSG_FLOW_CHUNK_BYTES bytes
 * of payload, so a chunk stays well under IMSG_MAX_PAYLOAD.  The parent
 * checks every field (a compromised engine writes what it likes): the
 * framing in imsg_check(), each rule with the strict decoder
 * (imsg_flow_rule_decode()), and applies nothing of a set that is not
 * whole and valid (struct imsg_flow_rx).
 */
#define IMSG_FLOW_CHUNK 512
#define IMSG_FLOW_CHUNK_BYTES (32 * 1024)

enum imsg_flow_origin {
	IMSG_FLOW_CONFIG = 1,	/* a neighbor's flow block */
	IMSG_FLOW_API = 2,	/* announced through the API */
	IMSG_FLOW_RECEIVED = 3, /* the neighbor sent it (Adj-RIB-In) */
};

struct imsg_flow_hdr {
	uint32_t gen;
	uint32_t total;
	uint32_t first;
	uint32_t n;
};

/* A rule in memory, both sides: what the wire form decodes into. */
struct imsg_flow_rule {
	uint8_t origin;	     /* enum imsg_flow_origin */
	uint8_t nb_family;   /* the neighbor it came from or goes to */
	uint8_t pad[2];
	uint8_t nb_addr[16];
	struct fs_rule rule; /* user/lib/flowspec.h: plain data */
};

/* A rule on the wire: this (44 bytes: packed, no padding anywhere to
 * leak or to check), then its NLRI. */
struct __attribute__((packed)) imsg_flow_wire {
	uint8_t origin;		/* enum imsg_flow_origin */
	uint8_t nb_family;	/* AF_INET / AF_INET6 */
	uint8_t family;		/* the rule's: AF_INET / AF_INET6 */
	uint8_t pad;		/* 0 */
	uint8_t nb_addr[16];
	struct fs_actions act;	/* plain data, no padding of its own */
};

_Static_assert(sizeof(struct fs_actions) == 24, "fs_actions has padding");
_Static_assert(sizeof(struct imsg_flow_wire) == 44, "imsg_flow_wire layout");

/* The most one rule takes on the wire (RFC 8955 §4.1: an NLRI is at most
 * 4095 octets and 2 of length). */
#define IMSG_FLOW_WIRE_MAX (sizeof(struct imsg_flow_wire) + 2 + 4095)

/* Is one rule acceptable (origin, neighbor family, the rule itself:
 * fs_rule_check(), the actions' fields)?  0, or -1 with why. */
int imsg_flow_rule_check(const struct imsg_flow_rule *r, char *why,
			 size_t whylen);

/*
 * One chunk of r[0..total) from first: the payload of an IMSG_FLOW_SET
 * into buf[0..cap) (cap at least sizeof(struct imsg_flow_hdr) +
 * IMSG_FLOW_WIRE_MAX), as many rules as IMSG_FLOW_CHUNK,
 * IMSG_FLOW_CHUNK_BYTES and cap allow.  The bytes written, *taken the
 * rules in it; -1 when a rule has no RFC 8955 encoding.
 */
int imsg_flow_chunk_build(uint8_t *buf, size_t cap, uint32_t gen,
			  const struct imsg_flow_rule *r, size_t total,
			  size_t first, size_t *taken);

/*
 * One rule in wire form at p[0..len) (imsg_check() passed its framing,
 * or not: nothing is read past len): decoded with fs_nlri_decode(), the
 * NLRI exactly its length octets and canonical (fs_nlri_encode() of the
 * result gives the same octets: one rule, one encoding), then
 * imsg_flow_rule_check().  0 with *out and *used (its bytes), or -1 with
 * why.
 */
int imsg_flow_rule_decode(const uint8_t *p, size_t len,
			  struct imsg_flow_rule *out, size_t *used, char *why,
			  size_t whylen);

/*
 * The parent's receiving side of the set, pure (no sockets) so the unit
 * tests and fuzz_imsg drive the one the parent runs: chunks in order
 * within one generation, every rule decoded and checked, and a set
 * handed out only when whole.
 */
struct imsg_flow_rx {
	struct imsg_flow_rule *stage;	/* the set being received */
	uint32_t gen, total, got;
	int on;
};

void imsg_flow_rx_init(struct imsg_flow_rx *x);
void imsg_flow_rx_free(struct imsg_flow_rx *x);
/*
 * One IMSG_FLOW_SET message m that imsg_check() passed.  0: taken, the
 * set is not whole yet; 1: the set is whole, *set (the caller's to free,
 * NULL for none) and *n its rules; -1: refused (out of sequence, a rule
 * malformed, out of memory), why says which, and the set being received
 * is dropped.
 */
int imsg_flow_rx_chunk(struct imsg_flow_rx *x, const struct imsg *m,
		       struct imsg_flow_rule **set, size_t *n, char *why,
		       size_t whylen);

const char *imsg_type_name(int type);
/* Send; fd < 0 for none.  0 or -errno. */
int imsg_send(int sock, int type, const void *data, size_t len, int fd);
/* The same without blocking: -EAGAIN when the socket is full. */
int imsg_send_nb(int sock, int type, const void *data, size_t len);
/* Receive one message: 1 got one, 0 peer closed, -errno error (EAGAIN if
 * none ready).  Extra descriptors are closed; a truncated datagram is an
 * error (-EMSGSIZE). */
int imsg_recv(int sock, struct imsg *m);
/* Is m a message the receiver `dir` may get, with the right length and
 * the descriptor it must carry?  0 yes; -1 no, with the reason in why. */
int imsg_check(const struct imsg *m, enum imsg_dir dir, char *why,
	       size_t whylen);

#endif
