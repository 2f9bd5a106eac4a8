// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
		size_t off = sizeof(h);

		/* the framing here; each rule in imsg_flow_rule_decode() */
		if (m->hdr.len < sizeof(h) ||
		    m->hdr.len > sizeof(h) + IMSG_FLOW_CHUNK_BYTES) {
			snprintf(why, whylen, "flow-set: chunk of %u bytes",
				 m->hdr.len);
			return -1;
		}
		memcpy(&h, m->data, sizeof(h));
		if (h.n > IMSG_FLOW_CHUNK || h.total > BGPS_FS_MAX_RULES ||
		    h.first > h.total || h.n > h.total - h.first ||
		    (!h.n && h.total)) {
			snprintf(why, whylen, "flow-set: chunk of %u rules at "
				 "%u of %u in %u bytes", h.n, h.first, h.total,
				 m->hdr.len);
			return -1;
		}
		/* n rules, each its fixed part and an NLRI whose length
		 * octets stay within the chunk, and nothing after them */
		for (uint32_t i = 0; i < h.n; i++) {
			size_t nl = 0;

			if (m->hdr.len - off > sizeof(struct imsg_flow_wire))
				nl = fs_nlri_len(
					m->data + off +
						sizeof(struct imsg_flow_wire),
					m->hdr.len - off -
						sizeof(struct imsg_flow_wire));
			if (!nl) {
				snprintf(why, whylen, "flow-set: rule %u of "
					 "%u runs past the chunk's %u bytes",
					 i + 1, h.n, m->hdr.len);
				return -1;
			}
			off += sizeof(struct imsg_flow_wire) + nl;
		}
		if (off != m->hdr.len) {
			snprintf(why, whylen, "flow-set: %zu bytes after %u "
				 "rules", m->hdr.len - off, h.n);
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
	const struct fs_actions *a = &r->rule.act;
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
	/* what fs_actions_from_ext() could not have made */
	if (a->flags & ~(uint32_t)(FS_ACT_RATE_BYTES | FS_ACT_RATE_PKTS |
				   FS_ACT_ACTION | FS_ACT_REDIRECT |
				   FS_ACT_MARK) ||
	    a->action & ~(FS_TA_TERMINAL | FS_TA_SAMPLE) || a->dscp > 63) {
		snprintf(why, whylen, "actions 0x%x, traffic-action 0x%x, "
			 "dscp %u out of range", a->flags, a->action, a->dscp);
		return -1;
	}
	return 0;
}

int imsg_flow_chunk_build(uint8_t *buf, size_t cap, uint32_t gen,
			  const struct imsg_flow_rule *r, size_t total,
			  size_t first, size_t *taken)
{
	struct imsg_flow_hdr h = { .gen = gen, .total = (uint32_t)total,
				   .first = (uint32_t)first };
	size_t off = sizeof(h);

	if (cap > sizeof(h) + IMSG_FLOW_CHUNK_BYTES)
		cap = sizeof(h) + IMSG_FLOW_CHUNK_BYTES;
	*taken = 0;
	if (cap < sizeof(h))
		return -1;
	while (first + h.n < total && h.n < IMSG_FLOW_CHUNK) {
		const struct imsg_flow_rule *e = &r[first + h.n];
		struct imsg_flow_wire w;
		int l;

		if (cap - off <= sizeof(w))
			break;
		l = fs_nlri_encode(&e->rule, buf + off + sizeof(w),
				   cap - off - sizeof(w));
		if (l < 0) {
			uint8_t tmp[2 + 4095];

			/* full, or no encoding at all */
			if (fs_nlri_encode(&e->rule, tmp, sizeof(tmp)) < 0)
				return -1;
			break;
		}
		memset(&w, 0, sizeof(w));
		w.origin = e->origin;
		w.nb_family = e->nb_family;
		w.family = e->rule.family;
		memcpy(w.nb_addr, e->nb_addr, sizeof(w.nb_addr));
		w.act = e->rule.act;
		memcpy(buf + off, &w, sizeof(w));
		off += sizeof(w) + (size_t)l;
		h.n++;
	}
	if (!h.n && first < total)
		return -1; /* cap too small for even one rule */
	memcpy(buf, &h, sizeof(h));
	*taken = h.n;
	return (int)off;
}

int imsg_flow_rule_decode(const uint8_t *p, size_t len,
			  struct imsg_flow_rule *out, size_t *used, char *why,
			  size_t whylen)
{
	struct imsg_flow_wire w;
	uint8_t canon[2 + 4095];
	char err[200];
	size_t nl, u;
	int cl;

	*used = 0;
	memset(out, 0, sizeof(*out));
	if (len < sizeof(w)) {
		snprintf(why, whylen, "truncated: %zu bytes", len);
		return -1;
	}
	memcpy(&w, p, sizeof(w));
	p += sizeof(w);
	len -= sizeof(w);
	if (!(nl = fs_nlri_len(p, len))) {
		snprintf(why, whylen, "NLRI runs past the chunk");
		return -1;
	}
	if (w.pad) {
		snprintf(why, whylen, "padding %u", w.pad);
		return -1;
	}
	/* the codec the wire uses: strict RFC 8955/8956, and exactly the
	 * NLRI's own octets */
	if (fs_nlri_decode(p, nl, w.family, &out->rule, &u, err,
			   sizeof(err))) {
		snprintf(why, whylen, "NLRI: %s", err);
		return -1;
	}
	if (u != nl) {
		snprintf(why, whylen, "NLRI of %zu octets in %zu", u, nl);
		return -1;
	}
	cl = fs_nlri_encode(&out->rule, canon, sizeof(canon));
	if (cl < 0 || (size_t)cl != nl || memcmp(canon, p, nl)) {
		snprintf(why, whylen, "NLRI not in its canonical encoding");
		return -1;
	}
	out->origin = w.origin;
	out->nb_family = w.nb_family;
	memcpy(out->nb_addr, w.nb_addr, sizeof(out->nb_addr));
	out->rule.act = w.act;
	if (imsg_flow_rule_check(out, why, whylen))
		return -1;
	*used = sizeof(w) + nl;
	return 0;
}

void imsg_flow_rx_init(struct imsg_flow_rx *x)
{
	memset(x, 0, sizeof(*x));
}

void imsg_flow_rx_free(struct imsg_flow_rx *x)
{
	free(x->stage);
	imsg_flow_rx_init(x);
}

int imsg_flow_rx_chunk(struct imsg_flow_rx *x, const struct imsg *m,
		       struct imsg_flow_rule **set, size_t *n, char *why,
		       size_t whylen)
{
	struct imsg_flow_hdr h;
	size_t off = sizeof(h);

	*set = NULL;
	*n = 0;
	if (m->hdr.type != IMSG_FLOW_SET || m->hdr.len < sizeof(h) ||
	    m->hdr.len > IMSG_MAX_PAYLOAD) {
		snprintf(why, whylen, "flow-set: not a flow-set chunk");
		goto bad;
	}
	memcpy(&h, m->data, sizeof(h));
	if (!h.first) {
		free(x->stage);
		x->stage = calloc(h.total ? h.total : 1, sizeof(*x->stage));
		x->on = x->stage != NULL;
		x->gen = h.gen;
		x->total = h.total;
		x->got = 0;
		if (!x->on) {
			snprintf(why, whylen, "flow-set: out of memory");
			return -1;
		}
	}
	if (!x->on || h.gen != x->gen || h.total != x->total ||
	    h.first != x->got || h.n > x->total - x->got) {
		snprintf(why, whylen, "flow-set: chunk at %u of %u "
			 "(generation %u) out of sequence", h.first, h.total,
			 h.gen);
		goto bad;
	}
	for (uint32_t i = 0; i < h.n; i++) {
		char w[256];
		size_t u;

		if (imsg_flow_rule_decode(m->data + off, m->hdr.len - off,
					  &x->stage[x->got], &u, w,
					  sizeof(w))) {
			snprintf(why, whylen, "flow-set: rule %u: %s",
				 h.first + i + 1, w);
			goto bad;
		}
		off += u;
		x->got++;
	}
	if (off != m->hdr.len) {
		snprintf(why, whylen, "flow-set: %zu bytes after %u rules",
			 m->hdr.len - off, h.n);
		goto bad;
	}
	if (x->got < x->total)
		return 0;
	*set = x->stage;
	*n = x->total;
	if (!x->total) {
		free(x->stage);
		*set = NULL;
	}
	x->stage = NULL;
	x->on = 0;
	return 1;
bad:
	free(x->stage);
	x->stage = NULL;
	x->on = 0;
	return -1;
}
