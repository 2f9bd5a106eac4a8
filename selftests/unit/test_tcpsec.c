// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of user/bgp/tcpsec.c against the kernel, in a network namespace of the
 * test's own (unshare(CLONE_NEWNET): only its loopback, gone at exit):
 *   - TCP-MD5 (RFC 2385): matching keys connect; a wrong key or none does
 *     not (the SYN is dropped, so the connect times out);
 *   - TCP-AO (RFC 5925): the TCP_AO_ADD_KEY request's layout, byte for
 *     byte against the kernel ABI; and, on a kernel without it, the clear
 *     refusal naming CONFIG_TCP_AO (skipped where the kernel has AO);
 *   - GTSM (RFC 5082): the socket options read back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "tcpsec.h"

#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif

static struct prefix lo4;
static int have_netns;

static int listener(const uint8_t *key, size_t len, int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	char err[256];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (void *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0)
		return -1;
	/* the key goes on the listening socket before any SYN arrives */
	if (len && tcpsec_md5(fd, &lo4, key, len, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	getsockname(fd, (void *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* 0 connected, -1 failed or timed out (1 s). */
static int try_connect(int port, const uint8_t *key, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	struct pollfd p;
	char err[256];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int r = -1, soerr = 0;
	socklen_t sl = sizeof(soerr);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (len && tcpsec_md5(fd, &lo4, key, len, err, sizeof(err)) < 0)
		goto out;
	if (connect(fd, (void *)&sa, sizeof(sa)) == 0) {
		r = 0;
		goto out;
	}
	if (errno != EINPROGRESS)
		goto out;
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, 1000) == 1 &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && !soerr)
		r = 0;
out:
	close(fd);
	return r;
}

static void test_md5(void)
{
	static const uint8_t k[] = "bgp-secret", bad[] = "bgp-secreT";
	int port, lfd;

	if (!have_netns) {
		CU_PASS("skipped: no private network namespace");
		return;
	}
	lfd = listener(k, sizeof(k) - 1, &port);
	CU_ASSERT_FATAL(lfd >= 0);
	CU_ASSERT_EQUAL(try_connect(port, k, sizeof(k) - 1), 0);
	CU_ASSERT_EQUAL(try_connect(port, bad, sizeof(bad) - 1), -1);
	CU_ASSERT_EQUAL(try_connect(port, NULL, 0), -1);
	close(lfd);
}

static void test_md5_refusals(void)
{
	uint8_t big[81] = { 0 };
	char err[256] = "";
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	CU_ASSERT_EQUAL(tcpsec_md5(fd, &lo4, big, sizeof(big), err,
				   sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most 80"));
	/* removing a key never set is fine */
	CU_ASSERT_EQUAL(tcpsec_md5(fd, &lo4, NULL, 0, err, sizeof(err)), 0);
	close(fd);
}

static void test_ao_layout(void)
{
	/* Linux 6.7 include/uapi/linux/tcp.h, struct tcp_ao_add */
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, alg_name), 128);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, ifindex), 192);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, reserved2), 200);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, prefix), 202);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, sndid), 203);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, rcvid), 204);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, maclen), 205);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, keyflags), 206);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, keylen), 207);
	CU_ASSERT_EQUAL(offsetof(struct tcpsec_ao_add, key), 208);
	CU_ASSERT_EQUAL(sizeof(struct tcpsec_ao_add), 288);
}

static void test_ao_build(void)
{
	static const uint8_t k[] = "ao-master-key";
	struct tcpsec_ao_add a;
	struct prefix p6;
	char err[256] = "";
	uint32_t flags;
	const unsigned char *raw = (const void *)&a;

	CU_ASSERT_EQUAL_FATAL(tcpsec_ao_build(&a, &lo4, 7,
					      TCPSEC_AO_HMAC_SHA1_96, k,
					      sizeof(k) - 1, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(a.addr.ss_family, AF_INET);
	CU_ASSERT_STRING_EQUAL(a.alg_name, "hmac(sha1)");
	CU_ASSERT_EQUAL(a.prefix, 32);
	CU_ASSERT_EQUAL(a.sndid, 7);
	CU_ASSERT_EQUAL(a.rcvid, 7);
	CU_ASSERT_EQUAL(a.maclen, 12); /* RFC 5926 §3.1: 96 bits */
	CU_ASSERT_EQUAL(a.keylen, sizeof(k) - 1);
	CU_ASSERT_EQUAL(memcmp(a.key, k, sizeof(k) - 1), 0);
	/* set_current and set_rnext are the two low bits of the word */
	memcpy(&flags, raw + 196, 4);
	CU_ASSERT_EQUAL(flags, 3);
	CU_ASSERT_EQUAL(raw[200] | raw[201], 0);
	CU_ASSERT_EQUAL(tcpsec_ao_build(&a, &lo4, 1, TCPSEC_AO_AES128_CMAC_96,
					k, 5, err, sizeof(err)),
			0);
	CU_ASSERT_STRING_EQUAL(a.alg_name, "cmac(aes128)");
	prefix_parse("2001:db8::1", &p6, err, sizeof(err));
	CU_ASSERT_EQUAL(tcpsec_ao_build(&a, &p6, 1, TCPSEC_AO_HMAC_SHA256, k,
					5, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(a.addr.ss_family, AF_INET6);
	CU_ASSERT_EQUAL(a.prefix, 128);
	/* refusals */
	CU_ASSERT_EQUAL(tcpsec_ao_build(&a, &lo4, 1, 9, k, 5, err,
					sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(tcpsec_ao_build(&a, &lo4, 1, TCPSEC_AO_HMAC_SHA1_96, k,
					0, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1..80"));
}

static void test_ao_kernel(void)
{
	static const uint8_t k[] = "ao-master-key";
	char err[512] = "";
	int fd = socket(AF_INET, SOCK_STREAM, 0), r;

	r = tcpsec_ao(fd, &lo4, 1, TCPSEC_AO_HMAC_SHA1_96, k, sizeof(k) - 1,
		      err, sizeof(err));
	if (tcpsec_ao_supported()) {
		/* a kernel with CONFIG_TCP_AO takes the key */
		CU_ASSERT_EQUAL(r, 0);
	} else {
		printf("\n  (this kernel lacks CONFIG_TCP_AO: checking the "
		       "refusal) ");
		CU_ASSERT_EQUAL(r, -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "CONFIG_TCP_AO"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "127.0.0.1"));
	}
	close(fd);
}

static void test_gtsm(void)
{
	char err[256];
	int v = 0, fd4 = socket(AF_INET, SOCK_STREAM, 0);
	int fd6 = socket(AF_INET6, SOCK_STREAM, 0);
	socklen_t sl = sizeof(v);

	CU_ASSERT_EQUAL(tcpsec_gtsm(fd4, AF_INET, 255, 255, err, sizeof(err)),
			0);
	getsockopt(fd4, IPPROTO_IP, IP_TTL, &v, &sl);
	CU_ASSERT_EQUAL(v, 255);
	getsockopt(fd4, IPPROTO_IP, IP_MINTTL, &v, &sl);
	CU_ASSERT_EQUAL(v, 255);
	CU_ASSERT_EQUAL(tcpsec_gtsm(fd6, AF_INET6, 255, 254, err, sizeof(err)),
			0);
	getsockopt(fd6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, &sl);
	CU_ASSERT_EQUAL(v, 255);
	getsockopt(fd6, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &v, &sl);
	CU_ASSERT_EQUAL(v, 254);
	close(fd4);
	close(fd6);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;
	char err[64];

	prefix_parse("127.0.0.1", &lo4, err, sizeof(err));
	/* Our own loopback, so no host socket ever sees the test. */
	if (geteuid() == 0 && unshare(CLONE_NEWNET) == 0 &&
	    system("ip link set lo up") == 0)
		have_netns = 1;
	else
		printf("note: no private netns (not root?): MD5 connects "
		       "skipped\n");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("tcpsec", NULL, NULL);
	CU_add_test(s, "MD5: matching keys connect, others do not",
		    test_md5);
	CU_add_test(s, "MD5: refusals", test_md5_refusals);
	CU_add_test(s, "AO: request layout is the kernel's", test_ao_layout);
	CU_add_test(s, "AO: request built per RFC 5925/5926", test_ao_build);
	CU_add_test(s, "AO: kernel takes it, or a clear refusal",
		    test_ao_kernel);
	CU_add_test(s, "GTSM socket options", test_gtsm);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
