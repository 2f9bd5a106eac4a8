// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: the parent<->engine message boundary.  The input is a
 * datagram as a compromised peer process could send it (a header and a
 * payload of any length, and whether a descriptor rides along); it goes
 * through a real SOCK_SEQPACKET socketpair into imsg_recv() and then
 * imsg_check() in both directions, as each receiver does before touching
 * a payload.  Nothing may be accepted that the table does not allow.
 * A flowspec set chunk goes on through the parent's receiver
 * (imsg_flow_rx_chunk(): each rule's NLRI through the strict decoder).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "imsg.h"

static int sv[2] = { -1, -1 };

static void check_flow_set(const struct imsg *m)
{
	static uint8_t again[IMSG_MAX_PAYLOAD];
	struct imsg_flow_hdr h;
	struct imsg_flow_rx rx;
	struct imsg_flow_rule *set, *rules;
	size_t n, off = sizeof(h), taken;
	char why[256];
	int rc, len;

	memcpy(&h, m->data, sizeof(h));
	if (h.n > IMSG_FLOW_CHUNK ||
	    m->hdr.len > sizeof(h) + IMSG_FLOW_CHUNK_BYTES ||
	    h.first > h.total || h.n > h.total - h.first)
		abort();
	/* each rule on its own, as the decoder walks them */
	if (!(rules = calloc(h.n ? h.n : 1, sizeof(*rules))))
		abort();
	for (uint32_t i = 0; i < h.n; i++) {
		size_t used;

		if (imsg_flow_rule_decode(m->data + off, m->hdr.len - off,
					  &rules[i], &used, why, sizeof(why))) {
			if (used)
				abort();
			break;
		}
		if (!used || used > m->hdr.len - off ||
		    imsg_flow_rule_check(&rules[i], why, sizeof(why)))
			abort();
		off += used;
		if (i + 1 == h.n) {
			/* all of them decoded: exactly the chunk, and the
			 * engine's encoder gives the same bytes back */
			if (off != m->hdr.len)
				abort();
			len = imsg_flow_chunk_build(again, sizeof(again), h.gen,
						    rules, h.n, 0, &taken);
			if (len != (int)m->hdr.len || taken != h.n ||
			    memcmp(again + sizeof(h), m->data + sizeof(h),
				   m->hdr.len - sizeof(h)))
				abort();
		}
	}
	free(rules);
	/* the parent's receiver: a set only from a first chunk, and only
	 * whole; every rule in it checked */
	imsg_flow_rx_init(&rx);
	rc = imsg_flow_rx_chunk(&rx, m, &set, &n, why, sizeof(why));
	if (rc == 1) {
		if (h.first || n != h.n || n != h.total || (n && !set))
			abort();
		for (size_t i = 0; i < n; i++)
			if (imsg_flow_rule_check(&set[i], why, sizeof(why)))
				abort();
		free(set);
	} else if (rc == 0 && (h.first || h.n >= h.total)) {
		abort();
	}
	imsg_flow_rx_free(&rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct imsg m;
	char why[128];
	int with_fd, r;

	if (sv[0] < 0 &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	if (size < 1 || size > IMSG_MAX_PAYLOAD)
		return 0;
	with_fd = data[0] & 1;
	data++;
	size--;
	{
		struct msghdr mh = { 0 };
		struct iovec iov = { (void *)data, size };
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(int))];
		} cm;

		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (with_fd) {
			int fd = 0; /* stdin: any open descriptor */

			memset(&cm, 0, sizeof(cm));
			mh.msg_control = cm.b;
			mh.msg_controllen = sizeof(cm.b);
			cm.h.cmsg_level = SOL_SOCKET;
			cm.h.cmsg_type = SCM_RIGHTS;
			cm.h.cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
		}
		if (sendmsg(sv[1], &mh, 0) < 0)
			return 0;
	}
	r = imsg_recv(sv[0], &m);
	if (r > 0) {
		int ok_p2e = imsg_check(&m, IMSG_P2E, why, sizeof(why)) == 0;
		int ok_e2p = imsg_check(&m, IMSG_E2P, why, sizeof(why)) == 0;

		/* a message belongs to one direction at most */
		if (ok_p2e && ok_e2p)
			abort();
		if ((ok_p2e || ok_e2p) &&
		    (m.hdr.type == IMSG_NONE || m.hdr.type >= IMSG_TYPE_MAX))
			abort();
		/* the flowspec set (parent.c flow_chunk()): the framing
		 * imsg_check() passed holds; the parent's receiver
		 * (imsg_flow_rx_chunk()) decodes every rule from its wire
		 * form without reading past the chunk; every rule it lets
		 * through passes imsg_flow_rule_check() and is canonical:
		 * built again, the chunk is the same bytes */
		if (ok_e2p && m.hdr.type == IMSG_FLOW_SET)
			check_flow_set(&m);
		if (m.fd >= 0)
			close(m.fd);
	}
	/* drain anything left so the next input starts clean */
	while (imsg_recv(sv[0], &m) > 0)
		if (m.fd >= 0)
			close(m.fd);
	return 0;
}
