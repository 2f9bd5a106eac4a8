// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: the parent<->engine message boundary.  The input is a
 * datagram as a compromised peer process could send it (a header and a
 * payload of any length, and whether a descriptor rides along); it goes
 * through a real SOCK_SEQPACKET socketpair into imsg_recv() and then
 * imsg_check() in both directions, as each receiver does before touching
 * a payload.  Nothing may be accepted that the table does not allow.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "imsg.h"

static int sv[2] = { -1, -1 };

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
		 * imsg_check() passed holds, and every rule is checked on
		 * its own without reading past the chunk */
		if (ok_e2p && m.hdr.type == IMSG_FLOW_SET) {
			struct imsg_flow_hdr h;

			memcpy(&h, m.data, sizeof(h));
			if (h.n > IMSG_FLOW_CHUNK ||
			    m.hdr.len != sizeof(h) +
						 h.n * sizeof(struct imsg_flow_rule))
				abort();
			for (uint32_t i = 0; i < h.n; i++) {
				struct imsg_flow_rule e;

				memcpy(&e, m.data + sizeof(h) + i * sizeof(e),
				       sizeof(e));
				imsg_flow_rule_check(&e, why, sizeof(why));
			}
		}
		if (m.fd >= 0)
			close(m.fd);
	}
	/* drain anything left so the next input starts clean */
	while (imsg_recv(sv[0], &m) > 0)
		if (m.fd >= 0)
			close(m.fd);
	return 0;
}
