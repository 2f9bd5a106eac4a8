/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transport security for BGP sessions, per neighbor, on the socket:
 *   TCP-MD5 (RFC 2385) with TCP_MD5SIG, on the connecting socket and on
 *     every listening socket for each peer address;
 *   TCP-AO (RFC 5925, algorithms RFC 5926) with TCP_AO_ADD_KEY, where the
 *     kernel has it (Linux 6.7+, CONFIG_TCP_AO); elsewhere a clear refusal;
 *   GTSM (RFC 5082) as a second layer behind the guard: TTL / hop limit 255
 *     out, IP_MINTTL / IPV6_MINHOPCOUNT in.
 * Nothing here needs a capability: the engine calls it.
 */
#ifndef BGPS_TCPSEC_H
#define BGPS_TCPSEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addr.h"

/*
 * struct tcp_ao_add of Linux 6.7's uapi <linux/tcp.h>, spelled out here
 * because Debian 12's headers (6.1) predate it; test_tcpsec checks every
 * offset against the kernel ABI.
 */
#define TCPSEC_AO_ADD_KEY 38
#define TCPSEC_AO_MAXKEYLEN 80

struct tcpsec_ao_add {
	struct sockaddr_storage addr; /* the peer */
	char alg_name[64];	      /* crypto API name: "hmac(sha1)" */
	int32_t ifindex;	      /* VRF; 0 */
	uint32_t set_current : 1, set_rnext : 1, reserved : 30;
	uint16_t reserved2;
	uint8_t prefix;	/* peer address prefix length */
	uint8_t sndid;	/* RFC 5925 §3.1 SendID */
	uint8_t rcvid;	/* RecvID */
	uint8_t maclen; /* MAC length in bytes (RFC 5926 §3.1: 96 bits) */
	uint8_t keyflags;
	uint8_t keylen;
	uint8_t key[TCPSEC_AO_MAXKEYLEN];
} __attribute__((aligned(8)));

enum tcpsec_ao_alg {
	TCPSEC_AO_HMAC_SHA1_96 = 0,  /* RFC 5926 §3.2.1 */
	TCPSEC_AO_AES128_CMAC_96 = 1, /* RFC 5926 §3.2.2 */
	TCPSEC_AO_HMAC_SHA256 = 2,    /* not in RFC 5926; Linux and vendors */
};

/* Install (len > 0) or remove (len == 0) the MD5 key for peer on fd. */
int tcpsec_md5(int fd, const struct prefix *peer, const uint8_t *key,
	       size_t len, char *err, size_t errlen);
/* Fill a TCP_AO_ADD_KEY request; -1 with a message on a bad argument. */
int tcpsec_ao_build(struct tcpsec_ao_add *a, const struct prefix *peer,
		    uint8_t keyid, enum tcpsec_ao_alg alg, const uint8_t *key,
		    size_t len, char *err, size_t errlen);
int tcpsec_ao(int fd, const struct prefix *peer, uint8_t keyid,
	      enum tcpsec_ao_alg alg, const uint8_t *key, size_t len,
	      char *err, size_t errlen);
/* Does this kernel have TCP-AO?  1 yes, 0 no (errno-free probe). */
int tcpsec_ao_supported(void);
/* GTSM: ttl_out 0 leaves the default; min_ttl_in 0 leaves it off. */
int tcpsec_gtsm(int fd, int family, uint8_t ttl_out, uint8_t min_ttl_in,
		char *err, size_t errlen);

#endif
