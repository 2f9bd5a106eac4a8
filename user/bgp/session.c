// SPDX-License-Identifier: GPL-2.0-only
/*
 * BGP-4 sessions (RFC 4271 §8): Idle, Connect, Active, OpenSent,
 * OpenConfirm, Established, with the ConnectRetry, Hold and Keepalive
 * timers (§10), hold time negotiation (§4.2), 4-octet AS (RFC 6793),
 * multiprotocol IPv4/IPv6 unicast (RFC 4760), route refresh (RFC 2918),
 * extended messages (RFC 8654), End-of-RIB (RFC 4724 §2), shutdown
 * communication (RFC 9003), FSM error subcodes (RFC 6608).  Transport
 * security per neighbor (tcpsec.c): TCP-MD5 on the connecting socket and
 * on the listeners, TCP-AO where the kernel has it, GTSM on the socket.
 *
 * Wire formats are bgp_wire.c's; this file is the state machine and the
 * sockets.  What we originate (static and API routes, the Adj-RIB-Out, the
 * API's announce and withdraw) is session_out.c's; received UPDATEs into
 * the Adj-RIB-In, and the walks of the RIBs for show, are session_rib.c's.
 * The pieces share session_int.h, private to user/bgp/.
 *
 * Connection collision (§6.8): resolved at once with a rule both sides
 * compute the same way (the connection opened by the higher address is
 * kept) instead of waiting for the second OPEN; documented as a
 * simplification in docs/ARCHITECTURE.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp_buf.h"
#include "bgp_wire.h"
#include "config.h"
#include "log.h"
#include "rib.h"
#include "session.h"
#include "session_int.h"
#include "tcpsec.h"

#define RETRY_FIRST_S 5	  /* ConnectRetryTime; RFC 4271 suggests 120 */
#define RETRY_MAX_S 120
#define HOLD_LARGE_S 240  /* §8: hold timer before the OPEN arrives */
#define RBUF_CAP (BGP_EXT_MAX_LEN + 64)
/* Output queued for a peer: a full table is ~10-20 MB of UPDATEs */
#define WQ_MAX (64u * 1024 * 1024)
/* No byte taken by the peer for this long with output queued: it stopped
 * reading (its hold timer would not tell us: it may still send) */
#define WSTALL_MS (90u * 1000)

struct sess_table sess_tab;

size_t sess_idx(const struct session *s)
{
	for (size_t i = 0; i < sess_tab.n; i++)
		if (sess_tab.s[i] == s)
			return i;
	return (size_t)-1;
}

static void hook_state(struct session *s, const char *state,
		       const char *reason)
{
	if (sess_tab.h.state)
		sess_tab.h.state(sess_idx(s), state, reason, sess_tab.h.arg);
}

/* A message as received, for the API processes that asked for it. */
static void hook_message(struct session *s, const uint8_t *m, size_t len)
{
	if (s->wants_messages && sess_tab.h.message)
		sess_tab.h.message(sess_idx(s), m, len, sess_tab.h.arg);
}

void sess_audit(struct session *s, const char *event, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (!sess_tab.h.audit)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sess_tab.h.audit(event, &s->n->address, text, sess_tab.h.arg);
}

void sessions_set_hooks(const struct sess_hooks *h)
{
	if (h)
		sess_tab.h = *h;
	else
		memset(&sess_tab.h, 0, sizeof(sess_tab.h));
}

const char *sess_state_name(enum sess_state s)
{
	static const char *const names[] = { "idle",	 "connect",
					     "active",	 "opensent",
					     "openconfirm", "established" };

	return (unsigned)s < 6 ? names[s] : "?";
}

static uint64_t (*clock_hook)(void);

void sessions_set_clock(uint64_t (*fn)(void))
{
	clock_hook = fn;
}

uint64_t sess_now_ms(void)
{
	struct timespec ts;

	if (clock_hook)
		return clock_hook();

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sess_pfx_eq(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->addr, b->addr, 16);
}

/* --- sockets and output -------------------------------------------------------- */

void sess_err(struct session *s, const char *fmt, ...)
{
	char a[PREFIX_STRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->last_error, sizeof(s->last_error), fmt, ap);
	va_end(ap);
	log_warnx("neighbor %s: %s", prefix_fmt(&s->n->address, a, sizeof(a)),
		  s->last_error);
}

static uint32_t sess_tag(struct session *s)
{
	for (size_t i = 0; i < sess_tab.n; i++)
		if (sess_tab.s[i] == s)
			return SESS_TAG_BASE + (uint32_t)i;
	return 0;
}

static void sess_watch(struct session *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = sess_tag(s) };

	if (s->wlen || (s->outgoing && s->state == SESS_CONNECT))
		ev.events |= EPOLLOUT;
	if (epoll_ctl(sess_tab.epfd, EPOLL_CTL_MOD, s->fd, &ev) < 0)
		epoll_ctl(sess_tab.epfd, EPOLL_CTL_ADD, s->fd, &ev);
}

void sess_flush(struct session *s)
{
	size_t off = s->woff;

	/* data is wbuf[woff, wlen): the front is reclaimed lazily (in
	 * sess_wbuf), not moved after every partial send */
	while (off < s->wlen) {
		ssize_t n = send(s->fd, s->wbuf + off, s->wlen - off,
				 MSG_NOSIGNAL);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off != s->woff) {
		s->woff = off;
		s->t_wprogress = sess_now_ms();
	}
	if (s->woff == s->wlen)
		s->woff = s->wlen = 0;
	if (!s->wlen)
		s->t_wprogress = 0;
	else if (!s->t_wprogress)
		s->t_wprogress = sess_now_ms();
	sess_watch(s);
}

/* Room for one more message in the output queue.  A peer that stops
 * reading cannot make it grow past WQ_MAX: the caller sees -1, and
 * sessions_tick() closes the session (Cease 8, Out of Resources). */
int sess_wbuf(struct session *s, struct bgp_wbuf *w)
{
	if (s->wlen - s->woff > WQ_MAX) {
		s->wq_full = 1;
		return -1;
	}
	if (s->woff && s->wcap - s->wlen < BGP_EXT_MAX_LEN) {
		memmove(s->wbuf, s->wbuf + s->woff, s->wlen - s->woff);
		s->wlen -= s->woff;
		s->woff = 0;
	}
	if (s->wcap - s->wlen < BGP_EXT_MAX_LEN) {
		size_t ncap = s->wcap + 2 * BGP_EXT_MAX_LEN;
		uint8_t *p = realloc(s->wbuf, ncap);

		if (!p)
			return -1;
		s->wbuf = p;
		s->wcap = ncap;
	}
	bgp_wbuf_init(w, s->wbuf + s->wlen, s->wcap - s->wlen);
	return 0;
}

void sess_queued(struct session *s, struct bgp_wbuf *w)
{
	if (w->failed)
		return;
	s->wlen += w->len;
	s->msgs_out++;
}

static void second_close(struct session *s, int cease);

static void sess_close(struct session *s, int to_idle)
{
	if (s->fd >= 0) {
		epoll_ctl(sess_tab.epfd, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
	}
	s->fd = -1;
	s->rlen = s->wlen = s->woff = 0;
	s->t_hold = s->t_keepalive = 0;
	s->t_wprogress = 0;
	s->wq_full = 0;
	if (to_idle)
		second_close(s, 0);
	rib_clear(&s->rib_out);
	s->up_since = 0;
	rib_clear(&s->rib_in);
	sess_flow_clear_in(s);
	s->pend.n = 0;
	sess_flow_pend_drop(s);
	s->maxpfx_hit = 0;
	if (s->was_up) {
		s->was_up = 0;
		hook_state(s, "down", s->last_error[0] ? s->last_error : NULL);
	}
	if (!to_idle)
		return;
	s->state = SESS_IDLE;
	/* §8.2.2: back off before trying again; passive ones just wait. */
	s->t_retry = sess_now_ms() + (uint64_t)s->retry_s * 1000;
	if (s->retry_s < RETRY_MAX_S)
		s->retry_s *= 2;
}

/* Send a NOTIFICATION, then close (best effort: the socket may be gone). */
void sess_notify(struct session *s, uint8_t code, uint8_t subcode,
		 const void *data, size_t len)
{
	struct bgp_wbuf w;

	if (s->fd >= 0 && sess_wbuf(s, &w) == 0 &&
	    bgp_notif_encode(&w, code, subcode, data, len) == 0) {
		sess_queued(s, &w);
		sess_flush(s);
	}
	sess_close(s, 1);
}

void sess_notify_err(struct session *s, const struct bgp_err *e)
{
	sess_err(s, "sent NOTIFICATION %u/%u", e->code, e->subcode);
	sess_notify(s, e->code, e->subcode, bgp_err_data(e), e->len);
}

/* --- OPEN -------------------------------------------------------------- */

static uint32_t router_id(const struct session *s)
{
	const struct cfg_neighbor *n = s->n;
	uint32_t id = 0;

	if (n->router_id.family == AF_INET)
		memcpy(&id, n->router_id.addr, 4);
	else if (s->local.family == AF_INET)
		memcpy(&id, s->local.addr, 4);
	return ntohl(id);
}

/* Our OPEN for this neighbor (RFC 4271 §4.2, capabilities RFC 5492). */
static int build_open(struct session *s, struct bgp_open *o)
{
	const struct cfg_neighbor *n = s->n;

	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->my_as = n->local_as > 0xffff ? BGP_AS_TRANS : n->local_as;
	o->hold = n->hold_time;
	o->bgp_id = router_id(s);
	if (!o->bgp_id) {
		sess_err(s, "no router-id (set router-id, or an IPv4 "
			    "local-address)");
		return -1;
	}
	o->caps.families =
		(n->families & CFG_FAM_IPV4_UNICAST ? BGP_FAM_IPV4U : 0) |
		(n->families & CFG_FAM_IPV6_UNICAST ? BGP_FAM_IPV6U : 0) |
		(n->families & CFG_FAM_IPV4_FLOW ? BGP_FAM_IPV4F : 0) |
		(n->families & CFG_FAM_IPV6_FLOW ? BGP_FAM_IPV6F : 0);
	o->caps.route_refresh = n->caps.route_refresh;
	o->caps.as4 = n->caps.asn4 || n->local_as > 0xffff;
	o->caps.as4_asn = n->local_as;
	o->caps.ext_msg = n->caps.extended_message;
	/* RFC 8950 §4: IPv4 unicast with IPv6 next hops */
	if (cfg_neighbor_ext_nh(n)) {
		o->caps.ext_nh = 1;
		o->caps.ext_nh_t[0] = (struct bgp_nh_tuple){
			BGP_AFI_IPV4, BGP_SAFI_UNICAST, BGP_AFI_IPV6
		};
		o->caps.next_nh = 1;
	}
	/* RFC 7911 §4: a tuple per family we offer ADD-PATH for */
	{
		uint32_t f = cfg_addpath_families(n);
		uint8_t fb = (f & CFG_FAM_IPV4_UNICAST ? BGP_FAM_IPV4U : 0) |
			     (f & CFG_FAM_IPV6_UNICAST ? BGP_FAM_IPV6U : 0);

		if (n->caps.add_path & CFG_ADDPATH_SEND)
			o->caps.addpath_send = fb;
		if (n->caps.add_path & CFG_ADDPATH_RECEIVE)
			o->caps.addpath_recv = fb;
	}
	return 0;
}

static int send_open(struct session *s)
{
	struct bgp_open o;
	struct bgp_wbuf w;

	if (build_open(s, &o) < 0 || sess_wbuf(s, &w) < 0 ||
	    bgp_open_encode(&w, &o) < 0)
		return -1;
	/* the API's "connected" (ExaBGP's neighbor-changes): the TCP
	 * session is up and our OPEN is on its way */
	hook_state(s, "connected", NULL);
	s->was_up = 1; /* and "down" when it closes, up or not (ExaBGP) */
	sess_queued(s, &w);
	s->state = SESS_OPENSENT;
	s->t_hold = sess_now_ms() + HOLD_LARGE_S * 1000;
	sess_flush(s);
	return 0;
}

static void send_keepalive(struct session *s)
{
	struct bgp_wbuf w;

	if (sess_wbuf(s, &w) == 0 && bgp_keepalive_encode(&w) == 0)
		sess_queued(s, &w);
	if (s->hold)
		s->t_keepalive = sess_now_ms() + (uint64_t)s->hold * 1000 / 3;
}

/* --- input ------------------------------------------------------------------ */

static void established(struct session *s)
{
	char a[PREFIX_STRLEN];

	s->state = SESS_ESTABLISHED;
	s->up_since = sess_now_ms();
	s->retry_s = RETRY_FIRST_S;
	s->last_error[0] = 0;
	log_info("neighbor %s: established (hold %us)",
		 prefix_fmt(&s->n->address, a, sizeof(a)), s->hold);
	s->was_up = 1;
	hook_state(s, "up", NULL);
	sess_announce_all(s);
	if (!s->n->manual_eor)
		sess_send_eor(s);
	sess_flush(s);
}

static void handle_msg(struct session *s, const struct bgp_hdr *h,
		       const uint8_t *m)
{
	struct bgp_err e;
	char a[PREFIX_STRLEN];

	s->msgs_in++;
	/* any message proves the peer alive (§4.4) */
	if (s->hold && s->state >= SESS_OPENCONFIRM)
		s->t_hold = sess_now_ms() + (uint64_t)s->hold * 1000;
	switch (h->type) {
	case BGP_OPEN: {
		struct bgp_open o;
		uint32_t asn;
		uint16_t hold;

		if (s->state != SESS_OPENSENT)
			break;
		if (bgp_open_decode(m, h->len, &o, &e) < 0) {
			sess_notify_err(s, &e);
			return;
		}
		hook_message(s, m, h->len);
		asn = bgp_open_asn(&o);
		if (asn != s->n->peer_as) {
			/* §6.2: the peer is not who the config says */
			sess_err(s, "OPEN from AS %u, configured peer-as %u",
				 asn, s->n->peer_as);
			sess_notify(s, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS,
				    NULL, 0);
			return;
		}
		s->peer_id = o.bgp_id;
		s->peer_refresh = o.caps.route_refresh;
		s->peer_families = (uint8_t)o.caps.families;
		/* §4.2: the smaller hold time; 0 means no keepalives */
		hold = o.hold < s->n->hold_time ? o.hold : s->n->hold_time;
		s->hold = hold;
		s->ctx.as4 = o.caps.as4 && (s->n->caps.asn4 ||
					    s->n->local_as > 0xffff);
		s->ctx.ebgp = s->n->local_as != s->n->peer_as;
		/* RFC 8950 §4: usable when both sides sent <1, 1, 2> */
		s->ctx.ext_nh_v4 = cfg_neighbor_ext_nh(s->n) &&
				   bgp_caps_ext_nh(&o.caps, BGP_AFI_IPV4,
						   BGP_SAFI_UNICAST,
						   BGP_AFI_IPV6);
		s->ext_nh_said = 0;
		{
			/* RFC 7911 §5: what each side said, per family */
			struct bgp_open mine;

			s->ctx.addpath_tx = s->ctx.addpath_rx = 0;
			if (build_open(s, &mine) == 0)
				bgp_addpath_negotiate(&mine.caps, &o.caps,
						      &s->ctx.addpath_tx,
						      &s->ctx.addpath_rx);
		}
		s->maxlen = o.caps.ext_msg && s->n->caps.extended_message
				    ? BGP_EXT_MAX_LEN
				    : BGP_MAX_LEN;
		send_keepalive(s);
		s->state = SESS_OPENCONFIRM;
		s->t_hold = hold ? sess_now_ms() + (uint64_t)hold * 1000 : 0;
		sess_flush(s);
		return;
	}
	case BGP_KEEPALIVE:
		if (bgp_keepalive_decode(m, h->len, &e) < 0) {
			sess_notify_err(s, &e);
			return;
		}
		hook_message(s, m, h->len);
		if (s->state == SESS_OPENCONFIRM) {
			established(s);
			return;
		}
		if (s->state == SESS_ESTABLISHED)
			return;
		break;
	case BGP_UPDATE:
		if (s->state != SESS_ESTABLISHED)
			break;
		sess_handle_update(s, m, h->len);
		return;
	case BGP_NOTIFICATION: {
		struct bgp_notif nf;

		hook_message(s, m, h->len);
		if (bgp_notif_decode(m, h->len, &nf, &e) == 0)
			sess_err(s, "received NOTIFICATION %u/%u%s%s%s",
				 nf.code, nf.subcode,
				 nf.has_shutdown ? " \"" : "",
				 nf.has_shutdown ? nf.shutdown : "",
				 nf.has_shutdown ? "\"" : "");
		else
			sess_err(s, "received a malformed NOTIFICATION");
		/* §6.4: no answer to a NOTIFICATION, just close */
		sess_close(s, 1);
		return;
	}
	case BGP_ROUTE_REFRESH:
		if (s->state != SESS_ESTABLISHED)
			break;
		hook_message(s, m, h->len);
		/* RFC 2918 §4: send the Adj-RIB-Out again */
		rib_clear(&s->rib_out);
		sess_announce_all(s);
		sess_flush(s);
		return;
	}
	/* RFC 6608: an event the state does not expect */
	log_debug("neighbor %s: %u in %s",
		  prefix_fmt(&s->n->address, a, sizeof(a)), h->type,
		  sess_state_name(s->state));
	sess_notify(s, BGP_ERR_FSM,
		    s->state == SESS_OPENSENT	     ? 1
		    : s->state == SESS_OPENCONFIRM ? 2
		    : s->state == SESS_ESTABLISHED ? 3
						   : 0,
		    NULL, 0);
}

/* Handle every whole message already in rbuf. */
static void sess_read_buffered(struct session *s)
{
	size_t off = 0;

	while (s->fd >= 0) {
		struct bgp_hdr h;
		struct bgp_err e;
		int r = bgp_frame(s->rbuf + off, s->rlen - off, s->maxlen, &h,
				  &e);

		if (r < 0) {
			sess_notify_err(s, &e);
			return;
		}
		if (r == 0)
			break;
		handle_msg(s, &h, s->rbuf + off);
		off += h.len;
	}
	if (s->fd < 0)
		return;
	memmove(s->rbuf, s->rbuf + off, s->rlen - off);
	s->rlen -= off;
}

/* Bytes read from one peer per wakeup: a full table arriving must leave
 * room for timers, other peers and the control socket between turns
 * (epoll is level-triggered: the rest is read on the next turn). */
#define READ_BUDGET (1024u * 1024)

static void sess_read(struct session *s)
{
	size_t budget = READ_BUDGET;

	while (budget) {
		ssize_t n = recv(s->fd, s->rbuf + s->rlen, RBUF_CAP - s->rlen,
				 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			sess_err(s, n == 0 ? "connection closed by the peer"
					   : "connection: %s",
				 strerror(errno));
			sess_close(s, 1);
			return;
		}
		s->rlen += n;
		budget = budget > (size_t)n ? budget - (size_t)n : 0;
		sess_read_buffered(s);
		if (s->fd < 0)
			return;
	}
}

/* --- connections ----------------------------------------------------------- */

static int sess_secure(struct session *s, int fd, int listener)
{
	const struct cfg_neighbor *n = s->n;
	char err[512];

	if (n->md5.enabled && n->md5.secret.loaded &&
	    tcpsec_md5(fd, &n->address, n->md5.secret.key, n->md5.secret.len,
		       err, sizeof(err)) < 0) {
		sess_err(s, "%s", err);
		return -1;
	}
	if (n->tcp_ao.enabled && n->tcp_ao.secret.loaded &&
	    tcpsec_ao(fd, &n->address, n->tcp_ao.keyid,
		      (enum tcpsec_ao_alg)n->tcp_ao.alg, n->tcp_ao.secret.key,
		      n->tcp_ao.secret.len, err, sizeof(err)) < 0) {
		sess_err(s, "%s", err);
		return -1;
	}
	if (!listener &&
	    tcpsec_gtsm(fd, n->address.family, n->gtsm.ttl_out,
			n->gtsm.min_ttl_in, err, sizeof(err)) < 0) {
		sess_err(s, "%s", err);
		return -1;
	}
	return 0;
}

static void fill_local(struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	memset(&s->local, 0, sizeof(s->local));
	if (getsockname(s->fd, (void *)&ss, &sl) == 0)
		prefix_from_sockaddr(&ss, &s->local);
}

static void sess_connect(struct session *s)
{
	const struct cfg_neighbor *n = s->n;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(n->address.family,
			SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	s->t_retry = sess_now_ms() + (uint64_t)s->retry_s * 1000;
	if (fd < 0) {
		sess_err(s, "socket: %s", strerror(errno));
		return;
	}
	s->fd = fd;
	if (sess_secure(s, fd, 0) < 0) {
		sess_close(s, 1);
		return;
	}
	if (n->local_address.family == n->address.family) {
		sl = prefix_to_sockaddr(&n->local_address, 0, &ss);
		if (bind(fd, (void *)&ss, sl) < 0) {
			sess_err(s, "bind to local-address: %s",
				 strerror(errno));
			sess_close(s, 1);
			return;
		}
	}
	sl = prefix_to_sockaddr(&n->address,
				n->connect_port ? n->connect_port : 179, &ss);
	s->outgoing = 1;
	if (connect(fd, (void *)&ss, sl) < 0 && errno != EINPROGRESS) {
		sess_err(s, "connect: %s", strerror(errno));
		sess_close(s, 1);
		return;
	}
	s->state = SESS_CONNECT;
	sess_watch(s);
}

static void sess_connected(struct session *s)
{
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 ||
	    soerr) {
		sess_err(s, "connect: %s", strerror(soerr ? soerr : errno));
		sess_close(s, 0);
		s->state = SESS_ACTIVE; /* §8.2.2: listen while we wait */
		return;
	}
	fill_local(s);
	if (send_open(s) < 0)
		sess_close(s, 1);
}

#define SESS_TAG_SECOND 0x80000000u

static void second_close(struct session *s, int cease)
{
	if (s->fd2 < 0)
		return;
	if (cease) {
		uint8_t b[64];
		struct bgp_wbuf w;

		/* Cease, Connection Collision Resolution (RFC 4486 §4) */
		bgp_wbuf_init(&w, b, sizeof(b));
		if (bgp_notif_encode(&w, BGP_ERR_CEASE, 7, NULL, 0) == 0)
			send(s->fd2, b, w.len, MSG_NOSIGNAL);
	}
	epoll_ctl(sess_tab.epfd, EPOLL_CTL_DEL, s->fd2, NULL);
	close(s->fd2);
	s->fd2 = -1;
	s->rlen2 = 0;
}

/* Our OPEN on the second connection: the same one as on the first,
 * sent directly (it is small, and the socket is new and empty). */
static int second_open(struct session *s)
{
	uint8_t b[BGP_MAX_LEN];
	struct bgp_open o;
	struct bgp_wbuf w;

	bgp_wbuf_init(&w, b, sizeof(b));
	if (build_open(s, &o) < 0 || bgp_open_encode(&w, &o) < 0)
		return -1;
	return send(s->fd2, b, w.len, MSG_NOSIGNAL) == (ssize_t)w.len ? 0
									  : -1;
}

/*
 * Input on the second connection: only its OPEN matters.  §6.8: if our
 * BGP Identifier is the lower, the existing connection goes (Cease 7)
 * and this one carries on; otherwise this one goes.
 */
static void second_read(struct session *s)
{
	struct bgp_hdr h;
	struct bgp_err e;
	struct bgp_open o;
	ssize_t n = recv(s->fd2, s->rbuf2 + s->rlen2, RBUF_CAP - s->rlen2, 0);
	int r;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		second_close(s, 0);
		return;
	}
	s->rlen2 += n;
	r = bgp_frame(s->rbuf2, s->rlen2, BGP_MAX_LEN, &h, &e);
	if (r == 0)
		return;
	if (r < 0 || h.type != BGP_OPEN ||
	    bgp_open_decode(s->rbuf2, h.len, &o, &e) < 0) {
		second_close(s, 1);
		return;
	}
	if (s->state == SESS_ESTABLISHED) {
		/* the first one got there: the new one goes */
		second_close(s, 1);
		return;
	}
	if (router_id(s) < o.bgp_id) {
		uint8_t *tmp = s->rbuf;

		sess_err(s, "connection collision: keeping the peer's "
			    "connection (its BGP Identifier is higher)");
		/* the existing one goes (Cease 7), the second takes its
		 * place; the session itself never went down */
		{
			struct bgp_wbuf w;

			if (sess_wbuf(s, &w) == 0 &&
			    bgp_notif_encode(&w, BGP_ERR_CEASE, 7, NULL, 0) ==
				    0) {
				sess_queued(s, &w);
				sess_flush(s);
			}
			epoll_ctl(sess_tab.epfd, EPOLL_CTL_DEL, s->fd, NULL);
			close(s->fd);
		}
		epoll_ctl(sess_tab.epfd, EPOLL_CTL_DEL, s->fd2, NULL);
		s->fd = s->fd2;
		s->fd2 = -1;
		s->outgoing = 0;
		s->rbuf = s->rbuf2;
		s->rbuf2 = tmp;
		s->rlen = s->rlen2;
		s->rlen2 = 0;
		s->wlen = s->woff = 0;
		fill_local(s);
		s->state = SESS_OPENSENT; /* our OPEN went out already */
		s->t_hold = sess_now_ms() + HOLD_LARGE_S * 1000;
		sess_watch(s);
		sess_read_buffered(s);
	} else {
		sess_err(s, "connection collision: keeping ours (our BGP "
			    "Identifier is higher)");
		second_close(s, 1);
	}
}

/*
 * A connection from p, accepted (or handed in by a test): find its
 * neighbor, resolve a collision, send our OPEN.  Takes fd in every case.
 */
int sessions_adopt(const struct prefix *p, int fd)
{
	struct session *s = NULL;

	for (size_t i = 0; i < sess_tab.n; i++)
		if (sess_tab.s[i] && sess_pfx_eq(&sess_tab.s[i]->n->address, p))
			s = sess_tab.s[i];
	if (!s || s->disabled || (s->t_down_until && sess_now_ms() <
						      s->t_down_until)) {
		/* The guard let it in (a range?), the config has no such
		 * neighbor, it cannot run here, or it is held down after
		 * max-prefix: nothing to say to it. */
		close(fd);
		return -1;
	}
	if (s->fd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN };

		/* §6.8: with a session Established the new one goes; one
		 * still opening is held until its OPEN can be compared */
		if (s->state == SESS_ESTABLISHED || s->fd2 >= 0) {
			close(fd);
			return -1;
		}
		if (s->state >= SESS_OPENSENT) {
			s->fd2 = fd;
			s->rlen2 = 0;
			if (!s->rbuf2 && !(s->rbuf2 = malloc(RBUF_CAP))) {
				second_close(s, 0);
				return -1;
			}
			if (sess_secure(s, fd, 0) < 0 || second_open(s) < 0) {
				second_close(s, 0);
				return -1;
			}
			ev.data.u32 = sess_tag(s) | SESS_TAG_SECOND;
			epoll_ctl(sess_tab.epfd, EPOLL_CTL_ADD, fd, &ev);
			return 0;
		}
		/* still connecting: the peer's connection is as good */
		sess_close(s, 0);
	}
	s->fd = fd;
	s->outgoing = 0;
	s->rlen = s->wlen = s->woff = 0;
	if (sess_secure(s, fd, 0) < 0) {
		sess_close(s, 1);
		return -1;
	}
	fill_local(s);
	if (send_open(s) < 0) {
		sess_close(s, 1);
		return -1;
	}
	return 0;
}

void sessions_accept(int lfd)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct prefix p = { 0 };
		int fd = accept4(lfd, (void *)&ss, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		if (prefix_from_sockaddr(&ss, &p) < 0) {
			close(fd);
			continue;
		}
		sessions_adopt(&p, fd);
	}
}

/* --- configuration ---------------------------------------------------------- */

void sessions_init(int epfd, const int *listen_fds, int nlisten)
{
	sess_tab.epfd = epfd;
	sess_tab.nlisten = nlisten > 8 ? 8 : nlisten;
	if (sess_tab.nlisten)
		memcpy(sess_tab.listen, listen_fds,
		       sess_tab.nlisten * sizeof(int));
}

static void listeners_md5(struct session *s, int install)
{
	const struct cfg_neighbor *n = s->n;
	char err[512];

	if (!n->md5.enabled || !n->md5.secret.loaded)
		return;
	/* The key must be on every listener before the peer's SYN
	 * arrives (RFC 2385 §2: an unsigned SYN is dropped). */
	for (int i = 0; i < sess_tab.nlisten; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (getsockname(sess_tab.listen[i], (void *)&ss, &sl) < 0 ||
		    ss.ss_family != n->address.family)
			continue;
		if (tcpsec_md5(sess_tab.listen[i], &n->address,
			       install ? n->md5.secret.key : NULL,
			       install ? n->md5.secret.len : 0, err,
			       sizeof(err)) < 0)
			sess_err(s, "%s", err);
	}
}

/*
 * The SYN-ACK answering a peer's SYN leaves from the listener, before any
 * accept: with GTSM the peer (and its guard) drop anything below 255, so
 * the listeners send with the highest TTL any neighbor asks for.
 */
static void listeners_ttl(struct config *cfg)
{
	uint8_t ttl[2] = { 0, 0 };
	char err[256];

	for (size_t i = 0; i < cfg->nneighbors; i++) {
		const struct cfg_neighbor *n = &cfg->neighbors[i];
		int v6 = n->address.family == AF_INET6;

		if (n->gtsm.ttl_out > ttl[v6])
			ttl[v6] = n->gtsm.ttl_out;
	}
	for (int i = 0; i < sess_tab.nlisten; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int v6;

		if (getsockname(sess_tab.listen[i], (void *)&ss, &sl) < 0)
			continue;
		v6 = ss.ss_family == AF_INET6;
		if (ttl[v6] && tcpsec_gtsm(sess_tab.listen[i], ss.ss_family,
					   ttl[v6], 0, err, sizeof(err)) < 0)
			log_warnx("listener: %s", err);
	}
}

void sessions_apply(struct config *cfg)
{
	struct session **ns = calloc(cfg->nneighbors + 1, sizeof(*ns));
	size_t i;

	if (!ns)
		return;
	sess_tab.cfg = cfg;
	listeners_ttl(cfg);
	for (i = 0; i < cfg->nneighbors; i++) {
		struct cfg_neighbor *n = &cfg->neighbors[i];
		struct session *s = NULL;

		for (size_t k = 0; k < sess_tab.n; k++)
			if (sess_tab.s[k] &&
			    sess_pfx_eq(&sess_tab.s[k]->n->address,
					&n->address)) {
				s = sess_tab.s[k];
				sess_tab.s[k] = NULL;
				break;
			}
		if (!s) {
			s = calloc(1, sizeof(*s));
			if (!s)
				continue;
			s->fd = -1;
			s->fd2 = -1;
			s->rbuf = malloc(RBUF_CAP);
			s->retry_s = RETRY_FIRST_S;
			s->maxlen = BGP_MAX_LEN;
			/* first attempt soon, not after a full retry */
			s->t_retry = sess_now_ms() + 200;
		}
		if (s->n && s->fd >= 0 && !config_neighbor_equal(s->n, n)) {
			/* RFC 4486 §4: Other Configuration Change; it comes
			 * back with the new settings (keys, AS, routes) */
			sess_err(s, "configuration changed: session restarted");
			sess_notify(s, BGP_ERR_CEASE, 6, NULL, 0);
			s->retry_s = RETRY_FIRST_S;
			s->t_retry = sess_now_ms() + 200;
		}
		if (s->n && s->state == SESS_ESTABLISHED &&
		    config_neighbor_equal(s->n, n))
			sess_filters_changed(s, n);
		s->n = n;
		ns[i] = s;
		s->disabled = 0;
		s->t_down_until = 0; /* a reload ends a max-prefix hold-down */
		sess_load_statics(s);
		sess_flow_load(s);
		if (s->state == SESS_ESTABLISHED) {
			/* statics added or gone with the new config */
			sess_queue_api(s, NULL, 0);
			sess_pend_send(s);
			sess_flush(s);
		}
		if (n->tcp_ao.enabled && !tcpsec_ao_supported()) {
			/* one clear line, then no retry storm */
			s->disabled = 1;
			sess_err(s, "not started: tcp-ao needs a kernel with "
				    "TCP-AO (Linux 6.7+, CONFIG_TCP_AO)");
		}
		listeners_md5(s, 1);
	}
	/* Neighbors no longer configured: Cease, Peer De-configured
	 * (RFC 4486 §4, subcode 3). */
	for (size_t k = 0; k < sess_tab.n; k++) {
		struct session *s = sess_tab.s[k];

		if (!s)
			continue;
		if (s->fd >= 0)
			sess_notify(s, BGP_ERR_CEASE, 3, NULL, 0);
		rib_clear(&s->rib_in);
		rib_clear(&s->rib_out);
		rib_clear(&s->rib_api);
		sess_flow_free(s);
		sess_route_list_free(&s->pend);
		second_close(s, 0);
		free(s->rbuf);
		free(s->rbuf2);
		free(s->wbuf);
		free(s);
	}
	free(sess_tab.s);
	sess_tab.s = ns;
	sess_tab.n = cfg->nneighbors;
	/* epoll tags are indexes: renumber the open sockets */
	for (i = 0; i < sess_tab.n; i++)
		if (sess_tab.s[i] && sess_tab.s[i]->fd >= 0)
			sess_watch(sess_tab.s[i]);
}

void sessions_event(uint32_t tag, uint32_t events)
{
	size_t i = (tag & ~SESS_TAG_SECOND) - SESS_TAG_BASE;
	struct session *s;

	if (i >= sess_tab.n || !(s = sess_tab.s[i]))
		return;
	if (tag & SESS_TAG_SECOND) {
		if (s->fd2 >= 0)
			second_read(s);
		return;
	}
	if (s->fd < 0)
		return;
	if (s->state == SESS_CONNECT && s->outgoing &&
	    (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		sess_connected(s);
		return;
	}
	if (events & EPOLLOUT)
		sess_flush(s);
	if (s->fd >= 0 && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		sess_read(s);
}

int sessions_tick(void)
{
	uint64_t now = sess_now_ms(), next = now + 1000;

	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (!s || s->disabled)
			continue;
		if (s->t_hold && now >= s->t_hold) {
			sess_err(s, "hold timer expired");
			sess_notify(s, BGP_ERR_HOLD, 0, NULL, 0);
		}
		if (s->fd >= 0 && (s->wq_full ||
				   (s->t_wprogress &&
				    now - s->t_wprogress >= WSTALL_MS))) {
			/* RFC 4486 §4: Out of Resources */
			sess_err(s, "peer stopped reading (%zu bytes queued%s): "
				    "closed", s->wlen - s->woff,
				 s->wq_full ? ", queue limit" : ", 90 s");
			s->wlen = s->woff = 0;
			sess_notify(s, BGP_ERR_CEASE, 8, NULL, 0);
		}
		if (s->t_keepalive && now >= s->t_keepalive &&
		    s->state >= SESS_OPENCONFIRM) {
			send_keepalive(s);
			sess_flush(s);
		}
		/* §8.2.2: ConnectRetry expiring in Connect drops the
		 * attempt (a SYN lost to a key not yet set) and tries again */
		if (s->fd >= 0 && s->state == SESS_CONNECT && s->outgoing &&
		    s->t_retry && now >= s->t_retry)
			sess_close(s, 0);
		if (s->t_down_until && now >= s->t_down_until)
			s->t_down_until = 0;
		if (s->fd < 0 && !s->n->passive && s->t_retry &&
		    now >= s->t_retry && !s->t_down_until)
			sess_connect(s);
		if (s->fd < 0 && s->n->passive)
			s->state = SESS_ACTIVE;
		if (s->t_hold && s->t_hold < next)
			next = s->t_hold;
		if (s->t_keepalive && s->t_keepalive < next)
			next = s->t_keepalive;
		if (s->fd < 0 && s->t_retry && s->t_retry < next)
			next = s->t_retry;
	}
	return next > now ? (int)(next - now) : 0;
}

size_t sessions_count(void)
{
	return sess_tab.n;
}

int sessions_info(size_t i, struct sess_info *o)
{
	struct session *s;

	if (i >= sess_tab.n || !(s = sess_tab.s[i]))
		return -1;
	memset(o, 0, sizeof(*o));
	o->address = s->n->address;
	o->peer_as = s->n->peer_as;
	o->local_as = s->n->local_as;
	o->state = s->state;
	o->uptime_s = s->state == SESS_ESTABLISHED && s->up_since
			      ? (sess_now_ms() - s->up_since) / 1000
			      : 0;
	o->prefixes_in = rib_count(&s->rib_in);
	o->flows_in = sess_flow_count(s, 1);
	o->flows_api = sess_flow_count(s, 0);
	o->prefixes_out = rib_count(&s->rib_out);
	o->msgs_in = s->msgs_in;
	o->msgs_out = s->msgs_out;
	o->hold = s->hold;
	o->local = s->fd >= 0 ? s->local : s->n->local_address;
	o->routes_api = rib_count(&s->rib_api);
	o->filtered_in = s->filtered_in;
	o->refused_out = s->refused_out;
	o->max_prefix_hit = s->maxpfx_hit;
	if (s->state == SESS_ESTABLISHED) {
		o->addpath_send = s->ctx.addpath_tx;
		o->addpath_receive = s->ctx.addpath_rx;
	}
	memcpy(o->last_error, s->last_error, sizeof(o->last_error));
	return 0;
}

static struct session *sess_find(const struct prefix *addr)
{
	for (size_t i = 0; i < sess_tab.n; i++)
		if (sess_tab.s[i] &&
		    sess_pfx_eq(&sess_tab.s[i]->n->address, addr))
			return sess_tab.s[i];
	return NULL;
}

/* A Cease with an RFC 9003 text (subcode 2 shutdown, 4 reset), the reason
 * kept as the last error, and the session closed.  opened: only once an
 * OPEN went out. */
static void sess_cease_text(struct session *s, uint8_t subcode,
			    const char *what, const char *text, int opened)
{
	struct bgp_wbuf w;

	if (s->fd >= 0 && (!opened || s->state >= SESS_OPENSENT) &&
	    sess_wbuf(s, &w) == 0 &&
	    bgp_notif_encode_shutdown(&w, subcode, text ? text : "") == 0) {
		sess_queued(s, &w);
		sess_flush(s);
	}
	snprintf(s->last_error, sizeof(s->last_error), "%s%s%s", what,
		 text ? ": " : "", text ? text : "");
	sess_close(s, 1);
}

int sessions_shutdown(const struct prefix *addr, const char *text)
{
	struct session *s = sess_find(addr);

	if (!s)
		return -1;
	sess_cease_text(s, BGP_CEASE_ADMIN_SHUTDOWN, "administrative shutdown",
			text, 0);
	return 0;
}

void sessions_stop(const char *text)
{
	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];
		struct bgp_wbuf w;

		if (!s || s->fd < 0)
			continue;
		/* RFC 4486 §4 Administrative Shutdown, RFC 9003 text */
		if (s->state >= SESS_OPENSENT && sess_wbuf(s, &w) == 0 &&
		    bgp_notif_encode_shutdown(&w, 2, text) == 0) {
			sess_queued(s, &w);
			sess_flush(s);
		}
		sess_close(s, 0);
	}
}

void sessions_want_messages(size_t idx, int on)
{
	if (idx < sess_tab.n && sess_tab.s[idx])
		sess_tab.s[idx]->wants_messages = on;
}

int sessions_ctx(size_t idx, struct bgp_sess_ctx *ctx, size_t *maxlen)
{
	if (idx >= sess_tab.n || !sess_tab.s[idx])
		return -1;
	*ctx = sess_tab.s[idx]->ctx;
	*maxlen = sess_tab.s[idx]->maxlen;
	return 0;
}

int sessions_restart(const struct prefix *addr, const char *text)
{
	struct session *s = sess_find(addr);

	if (!s)
		return -1;
	sess_cease_text(s, BGP_CEASE_ADMIN_RESET, "administrative reset", text,
			1);
	s->t_down_until = 0;
	s->retry_s = RETRY_FIRST_S;
	s->t_retry = sess_now_ms() + 200;
	return 0;
}
