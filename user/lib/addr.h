/* SPDX-License-Identifier: GPL-2.0-only */
/* Addresses and prefixes as operators write them. */
#ifndef BGPS_ADDR_H
#define BGPS_ADDR_H

#include <stddef.h>
#include <stdint.h>

struct prefix {
	int family;	  /* AF_INET or AF_INET6 */
	int plen;	  /* 0..32 or 0..128 */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

#define PREFIX_STRLEN 64

/* "ADDR" (a host: full length) or "ADDR/LEN".  Refuses host bits set
 * beyond LEN, naming the prefix that was probably meant.  Returns 0, or -1
 * with a one-line reason in err. */
int prefix_parse(const char *s, struct prefix *p, char *err, size_t errlen);
/* "192.0.2.1" for a host, "10.0.0.0/8" for a range. */
const char *prefix_fmt(const struct prefix *p, char *buf, size_t len);
int prefix_is_host(const struct prefix *p);
/* Order by family, length, then address: for sorting and bsearch. */
int prefix_cmp(const struct prefix *a, const struct prefix *b);
int prefix_addr_len(int family);
struct sockaddr_storage;
/* prefix's address and port into a sockaddr of its family; returns the
 * length to pass to bind/connect. */
unsigned int prefix_to_sockaddr(const struct prefix *p, unsigned short port,
				struct sockaddr_storage *ss);
/* A socket's address as a host prefix (IPv4-mapped IPv6 becomes IPv4);
 * -1 for a family that is neither. */
int prefix_from_sockaddr(const struct sockaddr_storage *ss, struct prefix *p);
#define MAC_STRLEN 18
/* "aa:bb:cc:dd:ee:ff" (or '-' between bytes, either case); refuses
 * 00:00:00:00:00:00, broadcast and multicast, which no peer sends from.
 * Returns 0, or -1 with a one-line reason in err. */
/* 0..15 for a hex digit (either case), else -1 */
int hex_nibble(char ch);
int mac_parse(const char *s, uint8_t mac[6], char *err, size_t errlen);
const char *mac_fmt(const uint8_t mac[6], char *buf, size_t len);

/* Parse an unsigned decimal in [min,max]; -1 on anything else. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* An ADD-PATH path identifier (RFC 7911 §3) as ExaBGP's path-information
 * takes it: a number 0..4294967295, or four octets A.B.C.D.  Returns 0,
 * or -1 on anything else. */
int parse_path_id(const char *s, uint32_t *out);

#endif
