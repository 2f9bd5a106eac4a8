// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fs_limits.h"
#include "imsg.h"

#define VAR 0xffffffffu /* variable length, up to IMSG_MAX_PAYLOAD */

/* Direction, exact length (or VAR) and whether a descriptor comes with it:
 * the whole protocol in one table. */
static const struct {
	const char *name;
	uint8_t dir;
	uint8_t with_fd;
	uint32_t len;
} imsg_table[IMSG_TYPE_MAX] = {
	[IMSG_CONFIG_BEGIN] = { "config-begin", IMSG_P2E, 0, 4 },
	[IMSG_CONFIG_CHUNK] = { "config-chunk", IMSG_P2E, 0, VAR },
	[IMSG_CONFIG_END] = { "config-end", IMSG_P2E, 0, 4 },
	[IMSG_SECRET] = { "secret", IMSG_P2E, 0, sizeof(struct imsg_secret) },
	[IMSG_LISTEN_FD] = { "listen-fd", IMSG_P2E, 1,
			     sizeof(struct imsg_listen) },
	[IMSG_CONTROL_FD] = { "control-fd", IMSG_P2E, 1, 0 },
	[IMSG_RELOAD_RESULT] = { "reload-result", IMSG_P2E, 0,
				 sizeof(struct imsg_result) },
	[IMSG_GUARD_STATUS] = { "guard-status", IMSG_P2E, 0,
				sizeof(struct imsg_guard_status) },
	[IMSG_PROC_FD] = { "proc-fd", IMSG_P2E, 1, sizeof(struct imsg_proc) },
	[IMSG_PROC_GONE] = { "proc-gone", IMSG_P2E, 0,
			     sizeof(struct imsg_proc) },
	[IMSG_CONTROL_INFO] = { "control-info", IMSG_P2E, 0,
				sizeof(struct imsg_control) },
	[IMSG_READY] = { "ready", IMSG_E2P, 0, 0 },
	[IMSG_RELOAD_REQ] = { "reload-request", IMSG_E2P, 0, 4 },
	[IMSG_GUARD_REQ] = { "guard-request", IMSG_E2P, 0, 4 },
	[IMSG_AUDIT] = { "audit", IMSG_E2P, 0, VAR },
	[IMSG_METRICS_REQ] = { "metrics-request", IMSG_E2P, 0, 4 },
	[IMSG_METRICS] = { "metrics", IMSG_P2E, 0, VAR },
	[IMSG_FLOW_SET] = { "flow-set", IMSG_E2P, 0, VAR },
};

const char *imsg_type_name(int type)
{
	if (type <= IMSG_NONE || type >= IMSG_TYPE_MAX)
		return "unknown";
	return imsg_table[type].name;
}

static int send_flags(int sock, int type, const void *data, size_t len,
		      int fd, int flags);

int imsg_send(int sock, int type, const void *data, size_t len, int fd)
{
	return send_flags(sock, type, data, len, fd, 0);
}

int imsg_send_nb(int sock, int type, const void *data, size_t len)
{
	return send_flags(sock, type, data, len, -1, MSG_DONTWAIT);
}

static int send_flags(int sock, int type, const void *data, size_t len,
		      int fd, int flags)
{
	struct imsg_hdr h = { .type = type, .len = len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)data, len } };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	if (len > IMSG_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return 0;
}

int imsg_recv(int sock, struct imsg *m)
{
	struct iovec iov[2] = { { &m->hdr, sizeof(m->hdr) },
				{ m->data, sizeof(m->data) } };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;

	m->fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* Take every descriptor, keep at most one (an empty datagram with
	 * descriptors must not leak them: found by fuzz_imsg). */
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0;
		     i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (m->fd < 0)
				m->fd = fd;
			else
				close(fd);
		}
	}
	if (n == 0) {
		/* the peer closed (no message is ever empty) */
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		return 0;
	}
	if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    (size_t)n < sizeof(m->hdr) ||
	    (size_t)n - sizeof(m->hdr) != m->hdr.len) {
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		return -EMSGSIZE;
	}
	return 1;
}

int imsg_check(const struct imsg *m, enum imsg_dir dir, char *why,
	       size_t whylen)
{
	int t = m->hdr.type;

	if (t <= IMSG_NONE || t >= IMSG_TYPE_MAX) {
		snprintf(why, whylen, "unknown message type %d", t);
		return -1;
	}
	if (imsg_table[t].dir != dir) {
		snprintf(why, whylen, "%s not expected from %s",
			 imsg_table[t].name,
			 dir == IMSG_P2E ? "the parent" : "the engine");
		return -1;
	}
	if (t == IMSG_AUDIT && m->hdr.len > IMSG_AUDIT_MAX) {
		snprintf(why, whylen, "audit: line of %u bytes", m->hdr.len);
		return -1;
	}
	if (t == IMSG_METRICS && m->hdr.len < sizeof(struct imsg_metrics)) {
		snprintf(why, whylen, "metrics: chunk of %u bytes", m->hdr.len);
		return -1;
	}
	if (t == IMSG_FLOW_SET) {
		struct imsg_flow_hdr h;

		/* the framing here; each rule in imsg_flow_rule_check() */
		if (m->hdr.len < sizeof(h)) {
			snprintf(why, whylen, "flow-set: chunk of %u bytes",
				 m->hdr.len);
			return -1;
		}
		memcpy(&h, m->data, sizeof(h));
		if (h.n > IMSG_FLOW_CHUNK ||
		    m->hdr.len != sizeof(h) + h.n * sizeof(struct imsg_flow_rule) ||
		    h.total > BGPS_FS_MAX_RULES || h.first > h.total ||
		    h.n > h.total - h.first || (!h.n && h.total)) {
			snprintf(why, whylen, "flow-set: chunk of %u rules at "
				 "%u of %u in %u bytes", h.n, h.first, h.total,
				 m->hdr.len);
			return -1;
		}
	}
	if (imsg_table[t].len == VAR ? m->hdr.len > IMSG_MAX_PAYLOAD
				     : m->hdr.len != imsg_table[t].len) {
		snprintf(why, whylen, "%s: wrong length %u",
			 imsg_table[t].name, m->hdr.len);
		return -1;
	}
	if (imsg_table[t].with_fd != (m->fd >= 0)) {
		snprintf(why, whylen, "%s: %s descriptor", imsg_table[t].name,
			 m->fd >= 0 ? "unexpected" : "missing");
		return -1;
	}
	return 0;
}

int imsg_flow_rule_check(const struct imsg_flow_rule *r, char *why,
			 size_t whylen)
{
	char w[200];

	if (r->origin < IMSG_FLOW_CONFIG || r->origin > IMSG_FLOW_RECEIVED) {
		snprintf(why, whylen, "unknown origin %u", r->origin);
		return -1;
	}
	if (r->nb_family != AF_INET && r->nb_family != AF_INET6) {
		snprintf(why, whylen, "neighbor family %u", r->nb_family);
		return -1;
	}
	if (fs_rule_check(&r->rule, w, sizeof(w))) {
		snprintf(why, whylen, "%s", w);
		return -1;
	}
	return 0;
}
