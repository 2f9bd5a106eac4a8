// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the parent<->engine boundary (user/daemon/imsg.c): framing over a
 * SOCK_SEQPACKET pair, descriptors, and imsg_check() refusing the wrong
 * direction, the wrong length, a missing or extra descriptor, unknown types
 * and truncated datagrams.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "imsg.h"

static int sv[2];
static struct imsg m;

static int setup(void)
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
}

static int teardown(void)
{
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static void test_roundtrip(void)
{
	uint32_t id = 42;
	char why[128];

	CU_ASSERT_EQUAL(imsg_send(sv[0], IMSG_RELOAD_REQ, &id, 4, -1), 0);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(m.hdr.type, IMSG_RELOAD_REQ);
	CU_ASSERT_EQUAL(m.hdr.len, 4);
	CU_ASSERT_EQUAL(m.fd, -1);
	CU_ASSERT_EQUAL(memcmp(m.data, &id, 4), 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	/* nothing more queued */
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), -EAGAIN);
}

static void test_direction(void)
{
	uint32_t id = 1;
	char why[128] = "";

	/* a reload request is the engine's to send, never the parent's */
	imsg_send(sv[0], IMSG_RELOAD_REQ, &id, 4, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not expected from the parent"));
	/* and a guard status is the parent's */
	{
		struct imsg_guard_status gs = { 0 };

		imsg_send(sv[0], IMSG_GUARD_STATUS, &gs, sizeof(gs), -1);
		CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
		CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)),
				-1);
		CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), 0);
	}
}

static void test_lengths(void)
{
	char why[128] = "", big[IMSG_AUDIT_MAX + 1];
	uint8_t three[3] = { 0 };

	/* exact-length types refuse any other length */
	imsg_send(sv[0], IMSG_RELOAD_REQ, three, 3, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "wrong length 3"));
	/* ready carries nothing */
	imsg_send(sv[0], IMSG_READY, three, 1, -1);
	imsg_recv(sv[1], &m);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* an audit line has a ceiling below the general one */
	memset(big, 'x', sizeof(big));
	imsg_send(sv[0], IMSG_AUDIT, big, sizeof(big), -1);
	imsg_recv(sv[1], &m);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	imsg_send(sv[0], IMSG_AUDIT, big, IMSG_AUDIT_MAX, -1);
	imsg_recv(sv[1], &m);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	/* over the payload limit is refused at the sender */
	CU_ASSERT_EQUAL(imsg_send(sv[0], IMSG_CONFIG_CHUNK, NULL,
				  IMSG_MAX_PAYLOAD + 1, -1),
			-EMSGSIZE);
}

static void test_unknown_type(void)
{
	struct imsg_hdr h = { .type = 999, .len = 0 };
	char why[128] = "";

	CU_ASSERT_EQUAL(send(sv[0], &h, sizeof(h), 0), (ssize_t)sizeof(h));
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "unknown message type 999"));
	h.type = IMSG_NONE;
	send(sv[0], &h, sizeof(h), 0);
	imsg_recv(sv[1], &m);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
}

static void test_bad_framing(void)
{
	struct imsg_hdr h = { .type = IMSG_RELOAD_REQ, .len = 4 };
	uint8_t shortmsg[2] = { 1, 2 };

	/* header says 4 bytes follow, none do */
	send(sv[0], &h, sizeof(h), 0);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), -EMSGSIZE);
	/* shorter than a header */
	send(sv[0], shortmsg, sizeof(shortmsg), 0);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), -EMSGSIZE);
}

/* A whole flowspec set of the guard's capacity over the socket, each
 * rule in its wire form, chunk by chunk as the parent reads them; a
 * chunk cut short or out of order on the way is refused. */
static void test_flow_set(void)
{
	static struct imsg_flow_rule r[BGPS_FS_MAX_RULES];
	static uint8_t buf[sizeof(struct imsg_flow_hdr) +
			   IMSG_FLOW_CHUNK_BYTES];
	struct imsg_flow_rx rx;
	struct imsg_flow_rule *set = NULL;
	size_t n = 0, first = 0, bytes = 0, taken;
	char why[256];
	int rc = 0, len;

	for (size_t i = 0; i < BGPS_FS_MAX_RULES; i++) {
		struct fs_rule *f = &r[i].rule;

		r[i].origin = IMSG_FLOW_RECEIVED;
		r[i].nb_family = AF_INET6;
		r[i].nb_addr[0] = 0x20;
		f->family = AF_INET;
		f->ncomp = 2;
		f->comp[0].type = FS_DST;
		f->comp[0].plen = 32;
		f->comp[0].addr[0] = 10;
		f->comp[0].addr[2] = (uint8_t)(i >> 8);
		f->comp[0].addr[3] = (uint8_t)i;
		f->comp[1].type = FS_DPORT;
		f->comp[1].nops = 1;
		f->comp[1].ops[0].flags = FS_OP_EQ;
		f->comp[1].ops[0].value = 53;
		f->act.flags = FS_ACT_RATE_BYTES;
	}
	imsg_flow_rx_init(&rx);
	while (first < BGPS_FS_MAX_RULES) {
		len = imsg_flow_chunk_build(buf, sizeof(buf), 3, r,
					    BGPS_FS_MAX_RULES, first, &taken);
		CU_ASSERT_FATAL(len > 0 && taken > 0);
		CU_ASSERT_EQUAL_FATAL(imsg_send(sv[0], IMSG_FLOW_SET, buf,
						(size_t)len, -1), 0);
		CU_ASSERT_EQUAL_FATAL(imsg_recv(sv[1], &m), 1);
		CU_ASSERT_EQUAL_FATAL(imsg_check(&m, IMSG_E2P, why,
						 sizeof(why)), 0);
		rc = imsg_flow_rx_chunk(&rx, &m, &set, &n, why, sizeof(why));
		bytes += sizeof(m.hdr) + m.hdr.len;
		first += taken;
		CU_ASSERT_EQUAL(rc, first < BGPS_FS_MAX_RULES ? 0 : 1);
	}
	CU_ASSERT_EQUAL_FATAL(rc, 1);
	CU_ASSERT_EQUAL(n, BGPS_FS_MAX_RULES);
	for (size_t i = 0; set && i < n; i++) {
		uint8_t a[64], b[64];
		int la = fs_nlri_encode(&set[i].rule, a, sizeof(a));
		int lb = fs_nlri_encode(&r[i].rule, b, sizeof(b));

		if (la != lb || la < 0 || memcmp(a, b, (size_t)la) ||
		    set[i].origin != r[i].origin ||
		    set[i].nb_family != r[i].nb_family ||
		    memcmp(set[i].nb_addr, r[i].nb_addr, 16) ||
		    memcmp(&set[i].rule.act, &r[i].rule.act,
			   sizeof(r[i].rule.act))) {
			CU_FAIL("a rule changed on the way");
			break;
		}
	}
	free(set);
	/* 10.0.x.y/32 port 53: 44 + 9 octets a rule */
	CU_ASSERT(bytes < BGPS_FS_MAX_RULES * 60);

	/* the first chunk, then the second cut short by a byte: the
	 * framing refuses it */
	len = imsg_flow_chunk_build(buf, sizeof(buf), 4, r, BGPS_FS_MAX_RULES,
				    0, &taken);
	imsg_send(sv[0], IMSG_FLOW_SET, buf, (size_t)len, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), 0);
	len = imsg_flow_chunk_build(buf, sizeof(buf), 4, r, BGPS_FS_MAX_RULES,
				    taken, &taken);
	imsg_send(sv[0], IMSG_FLOW_SET, buf, (size_t)len - 1, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* a header claiming more than the datagram holds */
	{
		struct imsg_hdr h = { .type = IMSG_FLOW_SET,
				      .len = (uint32_t)len };

		send(sv[0], &h, sizeof(h), 0);
		CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), -EMSGSIZE);
	}
	/* the third chunk after the first: out of order, the set dropped */
	len = imsg_flow_chunk_build(buf, sizeof(buf), 4, r, BGPS_FS_MAX_RULES,
				    2 * taken, &taken);
	imsg_send(sv[0], IMSG_FLOW_SET, buf, (size_t)len, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), -1);
	CU_ASSERT_PTR_NULL(rx.stage);
	imsg_flow_rx_free(&rx);
}

static void test_descriptors(void)
{
	int p[2], fd;
	char why[128] = "";
	struct imsg_listen l = { 0 };

	CU_ASSERT_FATAL(pipe(p) == 0);
	/* a descriptor where none belongs is refused (and closed by the
	 * caller); one where it belongs passes */
	imsg_send(sv[0], IMSG_READY, NULL, 0, p[0]);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT(m.fd >= 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "unexpected descriptor"));
	close(m.fd);
	imsg_send(sv[0], IMSG_LISTEN_FD, &l, sizeof(l), p[1]);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), 0);
	fd = m.fd;
	/* the received descriptor is the pipe's write end */
	CU_ASSERT_EQUAL(write(fd, "x", 1), 1);
	{
		char c = 0;

		CU_ASSERT_EQUAL(read(p[0], &c, 1), 1);
		CU_ASSERT_EQUAL(c, 'x');
	}
	CU_ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	/* missing descriptor */
	imsg_send(sv[0], IMSG_LISTEN_FD, &l, sizeof(l), -1);
	imsg_recv(sv[1], &m);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "missing descriptor"));
	close(p[0]);
	close(p[1]);
}

/* The API process messages: the parent's to send, the fd rides only
 * with IMSG_PROC_FD, and the payload is exactly struct imsg_proc. */
static void test_proc_types(void)
{
	struct imsg_proc pr = { .name = "health", .encoder = 1, .gen = 7,
				.pid = 1234 };
	char why[128] = "";
	int p[2];

	CU_ASSERT_EQUAL(sizeof(pr), 76);
	CU_ASSERT_FATAL(pipe(p) == 0);
	imsg_send(sv[0], IMSG_PROC_FD, &pr, sizeof(pr), p[1]);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT(m.fd >= 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(memcmp(m.data, &pr, sizeof(pr)), 0);
	/* the engine may never send it */
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "proc-fd not expected from the "
					   "engine"));
	close(m.fd);
	/* without its descriptor it is refused */
	imsg_send(sv[0], IMSG_PROC_FD, &pr, sizeof(pr), -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "proc-fd: missing descriptor"));
	/* a short payload is refused */
	imsg_send(sv[0], IMSG_PROC_FD, &pr, sizeof(pr) - 1, p[1]);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "wrong length 75"));
	close(m.fd);
	/* gone: no descriptor, parent to engine only */
	imsg_send(sv[0], IMSG_PROC_GONE, &pr, sizeof(pr), -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	imsg_send(sv[0], IMSG_PROC_GONE, &pr, sizeof(pr), p[0]);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "proc-gone: unexpected "
					   "descriptor"));
	close(m.fd);
	close(p[0]);
	close(p[1]);
}

/* Metrics: the engine asks with an id, the parent answers in chunks that
 * carry at least their header. */
static void test_metrics_types(void)
{
	char why[128] = "", chunk[sizeof(struct imsg_metrics) + 5];
	struct imsg_metrics h = { 7, 0 };
	uint32_t id = 7;

	imsg_send(sv[0], IMSG_METRICS_REQ, &id, 4, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	memcpy(chunk, &h, sizeof(h));
	memcpy(chunk + sizeof(h), "x 1\n", 4);
	imsg_send(sv[0], IMSG_METRICS, chunk, sizeof(h) + 4, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* shorter than its header */
	imsg_send(sv[0], IMSG_METRICS, chunk, sizeof(h) - 1, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "metrics: chunk of 7 bytes"));
	/* a request id is exactly 4 bytes */
	imsg_send(sv[0], IMSG_METRICS_REQ, chunk, 5, -1);
	CU_ASSERT_EQUAL(imsg_recv(sv[1], &m), 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
}

static void test_peer_closed(void)
{
	int pair[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair) == 0);
	close(pair[0]);
	CU_ASSERT_EQUAL(imsg_recv(pair[1], &m), 0);
	close(pair[1]);
}

/* fuzz_imsg regression: an empty datagram carrying a descriptor reads as
 * "closed" and must not leak the descriptor. */
static void test_empty_with_fd(void)
{
	int pair[2], fd, probe;
	char b[CMSG_SPACE(sizeof(int))];
	struct msghdr mh = { 0 };
	struct cmsghdr *c;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair) == 0);
	fd = open("/dev/null", O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	memset(b, 0, sizeof(b));
	mh.msg_control = b;
	mh.msg_controllen = sizeof(b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	CU_ASSERT_EQUAL_FATAL(sendmsg(pair[0], &mh, 0), 0);
	close(fd);
	CU_ASSERT_EQUAL(imsg_recv(pair[1], &m), 0);
	CU_ASSERT_EQUAL(m.fd, -1);
	/* the received copy was closed: the lowest free number is fd again */
	probe = open("/dev/null", O_RDONLY);
	CU_ASSERT_EQUAL(probe, fd);
	close(probe);
	close(pair[0]);
	close(pair[1]);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("imsg", setup, teardown);
	CU_add_test(s, "round trip", test_roundtrip);
	CU_add_test(s, "direction checked", test_direction);
	CU_add_test(s, "lengths checked", test_lengths);
	CU_add_test(s, "unknown types refused", test_unknown_type);
	CU_add_test(s, "bad framing refused", test_bad_framing);
	CU_add_test(s, "flowspec set in wire form", test_flow_set);
	CU_add_test(s, "descriptors checked", test_descriptors);
	CU_add_test(s, "API process messages checked", test_proc_types);
	CU_add_test(s, "metrics messages checked", test_metrics_types);
	CU_add_test(s, "peer closed", test_peer_closed);
	CU_add_test(s, "empty datagram with a descriptor: closed, no leak",
		    test_empty_with_fd);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
