// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

int prefix_addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

int prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

int prefix_is_host(const struct prefix *p)
{
	return p->plen == prefix_addr_len(p->family) * 8;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_path_id(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (!parse_u32(s, 0, UINT32_MAX, out))
		return 0;
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

int prefix_parse(const char *s, struct prefix *p, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t alen;
	uint32_t plen;
	int maxlen;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "'%.64s...': not an address", s);
		return -1;
	}
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	memcpy(buf, s, alen);
	buf[alen] = 0;
	if (inet_pton(AF_INET, buf, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, p->addr) == 1)
		p->family = AF_INET6;
	else {
		snprintf(err, errlen,
			 "'%s': not an IPv4 or IPv6 address", buf);
		return -1;
	}
	maxlen = prefix_addr_len(p->family) * 8;
	if (!slash) {
		p->plen = maxlen;
		return 0;
	}
	if (parse_u32(slash + 1, 0, 255, &plen) < 0) {
		snprintf(err, errlen, "'%s': prefix length must be a number",
			 s);
		return -1;
	}
	if ((int)plen > maxlen) {
		snprintf(err, errlen,
			 "'%s': prefix length %u is longer than %s allows (%d)",
			 s, plen, p->family == AF_INET ? "IPv4" : "IPv6",
			 maxlen);
		return -1;
	}
	p->plen = plen;
	/* Host bits set usually means a typo: say what it would match. */
	for (int i = 0; i < maxlen / 8; i++) {
		int keep = (int)plen - i * 8;
		uint8_t mask = keep >= 8 ? 0xff :
			       keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));

		if (p->addr[i] & ~mask) {
			struct prefix q = *p;
			char qb[PREFIX_STRLEN];

			for (int j = i; j < maxlen / 8; j++) {
				int k = (int)plen - j * 8;
				uint8_t m = k >= 8 ? 0xff :
					    k <= 0 ? 0 : (uint8_t)(0xff << (8 - k));
				q.addr[j] &= m;
			}
			snprintf(err, errlen,
				 "'%s': host bits set; did you mean %s?", s,
				 prefix_fmt(&q, qb, sizeof(qb)));
			return -1;
		}
	}
	return 0;
}

const char *prefix_fmt(const struct prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, a, sizeof(a));
	if (prefix_is_host(p))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%d", a, p->plen);
	return buf;
}

unsigned int prefix_to_sockaddr(const struct prefix *p, unsigned short port,
				struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (p->family == AF_INET) {
		struct sockaddr_in *s4 = (void *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, p->addr, 4);
		return sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (void *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, p->addr, 16);
		return sizeof(*s6);
	}
}

int prefix_from_sockaddr(const struct sockaddr_storage *ss, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (ss->ss_family == AF_INET) {
		p->family = AF_INET;
		p->plen = 32;
		memcpy(p->addr, &((const struct sockaddr_in *)ss)->sin_addr, 4);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a6 =
			&((const struct sockaddr_in6 *)ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			p->family = AF_INET;
			p->plen = 32;
			memcpy(p->addr, &a6->s6_addr[12], 4);
		} else {
			p->family = AF_INET6;
			p->plen = 128;
			memcpy(p->addr, a6, 16);
		}
		return 0;
	}
	return -1;
}

int hex_nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, uint8_t mac[6], char *err, size_t errlen)
{
	/* exactly "xx?xx?xx?xx?xx?xx", one separator (: or -) throughout */
	char sep = s[0] && s[1] ? s[2] : 0;

	if (strlen(s) != 17 || (sep != ':' && sep != '-'))
		goto bad;
	for (int i = 0; i < 6; i++) {
		int hi = hex_nibble(s[i * 3]), lo = hex_nibble(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != sep))
			goto bad;
		mac[i] = hi << 4 | lo;
	}
	if (mac[0] & 1) {
		snprintf(err, errlen,
			 "%s is a multicast or broadcast address: no peer "
			 "sends from it", s);
		return -1;
	}
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		snprintf(err, errlen, "00:00:00:00:00:00 is not a peer's MAC");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
		 s);
	return -1;
}

const char *mac_fmt(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
