// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tcpsec.h"

#define terr(...) snprintf(err, errlen, __VA_ARGS__)

#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif

int tcpsec_md5(int fd, const struct prefix *peer, const uint8_t *key,
	       size_t len, char *err, size_t errlen)
{
	struct tcp_md5sig m;
	char a[PREFIX_STRLEN];

	if (len > TCP_MD5SIG_MAXKEYLEN) {
		terr("MD5 key for %s is %zu bytes; RFC 2385 keys here hold at "
		     "most %d",
		     prefix_fmt(peer, a, sizeof(a)), len, TCP_MD5SIG_MAXKEYLEN);
		return -1;
	}
	memset(&m, 0, sizeof(m));
	prefix_to_sockaddr(peer, 0, &m.tcpm_addr);
	m.tcpm_keylen = len;
	if (len)
		memcpy(m.tcpm_key, key, len);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &m, sizeof(m)) < 0) {
		int e = errno;

		explicit_bzero(&m, sizeof(m));
		/* removing a key that is not there is not an error */
		if (!len && e == ENOENT)
			return 0;
		terr("TCP-MD5 for %s: %s%s", prefix_fmt(peer, a, sizeof(a)),
		     strerror(e),
		     e == ENOPROTOOPT ? " (kernel without CONFIG_TCP_MD5SIG)"
				      : "");
		return -1;
	}
	explicit_bzero(&m, sizeof(m));
	return 0;
}

static const struct {
	const char *kernel_name;
	uint8_t maclen;
} ao_algs[] = {
	/* RFC 5926 §3.1: both MACs are truncated to 96 bits */
	[TCPSEC_AO_HMAC_SHA1_96] = { "hmac(sha1)", 12 },
	[TCPSEC_AO_AES128_CMAC_96] = { "cmac(aes128)", 12 },
	[TCPSEC_AO_HMAC_SHA256] = { "hmac(sha256)", 16 },
};

int tcpsec_ao_build(struct tcpsec_ao_add *a, const struct prefix *peer,
		    uint8_t keyid, enum tcpsec_ao_alg alg, const uint8_t *key,
		    size_t len, char *err, size_t errlen)
{
	if ((unsigned)alg >= sizeof(ao_algs) / sizeof(ao_algs[0])) {
		terr("unknown TCP-AO algorithm %d", alg);
		return -1;
	}
	if (!len || len > TCPSEC_AO_MAXKEYLEN) {
		terr("TCP-AO key must be 1..%d bytes, not %zu",
		     TCPSEC_AO_MAXKEYLEN, len);
		return -1;
	}
	memset(a, 0, sizeof(*a));
	prefix_to_sockaddr(peer, 0, &a->addr);
	snprintf(a->alg_name, sizeof(a->alg_name), "%s",
		 ao_algs[alg].kernel_name);
	/* One MKT per neighbor, current at once (RFC 5925 §7.1). */
	a->set_current = 1;
	a->set_rnext = 1;
	a->prefix = peer->plen;
	a->sndid = keyid;
	a->rcvid = keyid;
	a->maclen = ao_algs[alg].maclen;
	a->keylen = len;
	memcpy(a->key, key, len);
	return 0;
}

int tcpsec_ao(int fd, const struct prefix *peer, uint8_t keyid,
	      enum tcpsec_ao_alg alg, const uint8_t *key, size_t len,
	      char *err, size_t errlen)
{
	struct tcpsec_ao_add a;
	char s[PREFIX_STRLEN];
	int r;

	if (tcpsec_ao_build(&a, peer, keyid, alg, key, len, err, errlen) < 0)
		return -1;
	r = setsockopt(fd, IPPROTO_TCP, TCPSEC_AO_ADD_KEY, &a, sizeof(a));
	explicit_bzero(&a, sizeof(a));
	if (r < 0) {
		int e = errno;

		if (e == ENOPROTOOPT)
			terr("TCP-AO for %s: this kernel has no TCP-AO (it "
			     "needs Linux 6.7 or later built with "
			     "CONFIG_TCP_AO); use md5-password, or a kernel "
			     "with it",
			     prefix_fmt(peer, s, sizeof(s)));
		else
			terr("TCP-AO for %s: %s", prefix_fmt(peer, s, sizeof(s)),
			     strerror(e));
		return -1;
	}
	return 0;
}

int tcpsec_ao_supported(void)
{
	/* An empty request: a kernel with TCP-AO rejects its contents
	 * (EINVAL), one without does not know the option (ENOPROTOOPT). */
	struct tcpsec_ao_add a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r, e;

	if (fd < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	r = setsockopt(fd, IPPROTO_TCP, TCPSEC_AO_ADD_KEY, &a, sizeof(a));
	e = errno;
	close(fd);
	return r == 0 || e != ENOPROTOOPT;
}

int tcpsec_gtsm(int fd, int family, uint8_t ttl_out, uint8_t min_ttl_in,
		char *err, size_t errlen)
{
	int out = ttl_out, in = min_ttl_in;

	if (family == AF_INET) {
		if (out && setsockopt(fd, IPPROTO_IP, IP_TTL, &out,
				      sizeof(out)) < 0) {
			terr("IP_TTL %d: %s", out, strerror(errno));
			return -1;
		}
		if (in && setsockopt(fd, IPPROTO_IP, IP_MINTTL, &in,
				     sizeof(in)) < 0) {
			terr("IP_MINTTL %d: %s", in, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (out && setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &out,
			      sizeof(out)) < 0) {
		terr("IPV6_UNICAST_HOPS %d: %s", out, strerror(errno));
		return -1;
	}
	if (in && setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &in,
			     sizeof(in)) < 0) {
		terr("IPV6_MINHOPCOUNT %d: %s", in, strerror(errno));
		return -1;
	}
	return 0;
}
