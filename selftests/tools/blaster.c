// SPDX-License-Identifier: GPL-2.0-only
/*
 * blaster: a BGP route blaster for benchmarks.  Opens one eBGP session to
 * ADDR port 179 and sends a synthetic IPv4 table as fast as TCP allows:
 * N unique prefixes with a realistic length mix, a few thousand distinct
 * attribute sets, packed into 4096-byte UPDATEs (prefixes sharing a set
 * together), then End-of-RIB.  Every UPDATE is encoded in memory before
 * the clock starts.  It then stays connected (answering with KEEPALIVEs)
 * for --hold seconds, or until SIGTERM/SIGINT when --hold is 0.
 * --paths K (ADD-PATH, RFC 7911): each prefix K times, path ids 1..K,
 * each path with an attribute set of its own draw; the OPEN says send
 * for IPv4 unicast and the peer must say receive.
 *
 * Output (stdout, one "key=value" fact per line, for scripts):
 *   established_ns=  CLOCK_REALTIME when the session went Established
 *   first_update_ns= CLOCK_REALTIME just before the first UPDATE byte
 *   last_byte_ns=    CLOCK_REALTIME when the last byte was accepted by TCP
 *   ... and a human summary line with prefixes/s and MB/s.
 *
 * The wall-clock send rate includes TCP backpressure from the receiver;
 * cpu_s (the blaster's own CPU time while sending) gives the rate it
 * could sustain alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "bgp_buf.h"
#include "bgp_wire.h"

#define BL_HOLD 180
#define BL_KEEPALIVE_MAX 30
#define BL_MAX_PATH 6
#define BL_NCOMM_MAX 4
#define BL_AS_POOL 1000
#define BL_RBUF (64 * 1024)

struct bl_set {
	uint8_t aspath[64];
	size_t aspath_len;
	uint8_t comm[BL_NCOMM_MAX * 4];
	size_t ncomm;
	uint32_t med;
	int has_med;
};

struct bl_opts {
	struct sockaddr_in peer;
	struct sockaddr_in local;
	int have_local;
	uint32_t asn;
	uint32_t router_id;
	size_t nprefixes;
	size_t nsets;
	const char *md5;
	long hold_after;	/* seconds; 0: until a signal */
	uint64_t seed;
	int sink;	/* --sink: receive and discard instead */
	unsigned int paths;	/* --paths K: ADD-PATH, K paths a prefix */
};

static volatile sig_atomic_t bl_stop;
static const char *prog = "blaster";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void on_signal(int sig)
{
	(void)sig;
	bl_stop = 1;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* splitmix64: small, fast, reproducible from --seed. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Prefix length mix, per mille, after the shape of the public IPv4 table
 * (about 60 % /24, most of the rest /16-/23, a few shorter).  Lengths
 * whose address space is too small for their share give the rest to /24.
 */
static const struct {
	int plen;
	int permille;
} bl_mix[] = {
	{ 24, 600 }, { 23, 100 }, { 22, 120 }, { 21, 50 }, { 20, 50 },
	{ 19, 30 }, { 18, 15 }, { 17, 10 }, { 16, 15 }, { 15, 2 },
	{ 14, 2 }, { 13, 2 }, { 12, 2 }, { 11, 1 }, { 10, 1 }, { 9, 0 },
	{ 8, 0 },
};
#define BL_NMIX (sizeof(bl_mix) / sizeof(bl_mix[0]))

/* Networks of length plen (>= 8) in 1.0.0.0-223.255.255.255 minus 127/8. */
static uint64_t bl_capacity(int plen)
{
	return 222ull << (plen - 8);
}

/* The k-th such network (k < capacity), in host order. */
static uint32_t bl_network(int plen, uint64_t k)
{
	uint32_t first = (uint32_t)(k >> (plen - 8)) + 1;
	uint32_t rest = (uint32_t)(k & ((1ull << (plen - 8)) - 1));

	if (first >= 127)
		first++;
	return first << 24 | (plen > 8 ? rest << (32 - plen) : 0);
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * N unique prefixes: for each length, its count of networks taken by a
 * multiplicative permutation of the allowed space (so they spread over it),
 * then the whole list shuffled.
 */
static struct prefix *bl_prefixes(size_t n, uint64_t *seed)
{
	struct prefix *p = calloc(n, sizeof(*p));
	size_t cnt[BL_NMIX], total = 0, i, j, at = 0;

	if (!p)
		die("out of memory for %zu prefixes", n);
	for (i = 1; i < BL_NMIX; i++) {
		uint64_t c = (uint64_t)n * (uint64_t)bl_mix[i].permille / 1000;
		uint64_t cap = bl_capacity(bl_mix[i].plen) / 2;

		cnt[i] = c > cap ? cap : c;
		total += cnt[i];
	}
	cnt[0] = n - total;
	if (cnt[0] > bl_capacity(24))
		die("--prefixes %zu is more than this generator can make", n);
	for (i = 0; i < BL_NMIX; i++) {
		int plen = bl_mix[i].plen;
		uint64_t cap = bl_capacity(plen);
		uint64_t mul = (rnd(seed) % cap) | 1;
		uint64_t off = rnd(seed) % cap;

		while (gcd64(mul, cap) != 1)
			mul += 2;
		for (j = 0; j < cnt[i]; j++) {
			uint64_t k = (off + (unsigned __int128)j * mul % cap) %
				     cap;
			uint32_t a = htonl(bl_network(plen, k));

			p[at].family = AF_INET;
			p[at].plen = plen;
			memcpy(p[at].addr, &a, 4);
			at++;
		}
	}
	for (i = n - 1; i > 0; i--) {
		struct prefix t;

		j = rnd(seed) % (i + 1);
		t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	return p;
}

static void bl_sets(struct bl_set *s, size_t n, uint32_t my_as,
		    uint64_t *seed)
{
	uint32_t pool[BL_AS_POOL];
	size_t i, k;

	for (i = 0; i < BL_AS_POOL; i++)
		pool[i] = 1000 + (uint32_t)(rnd(seed) % 400000);
	for (i = 0; i < n; i++) {
		uint32_t path[BL_MAX_PATH];
		size_t len = 2 + rnd(seed) % (BL_MAX_PATH - 1);
		int r;

		path[0] = my_as;	/* eBGP: the first AS is the sender's */
		for (k = 1; k < len; k++)
			path[k] = pool[rnd(seed) % BL_AS_POOL];
		r = bgp_aspath_build(s[i].aspath, sizeof(s[i].aspath), path,
				     len);
		if (r < 0)
			die("AS path encoding failed");
		s[i].aspath_len = (size_t)r;
		s[i].has_med = rnd(seed) % 3 == 0;
		s[i].med = (uint32_t)(rnd(seed) % 1000);
		s[i].ncomm = rnd(seed) % 2 ? 1 + rnd(seed) % BL_NCOMM_MAX : 0;
		for (k = 0; k < s[i].ncomm; k++) {
			uint32_t c = htonl(path[1 + rnd(seed) % (len - 1)] << 16 |
					   (uint32_t)(rnd(seed) % 65536));

			memcpy(s[i].comm + 4 * k, &c, 4);
		}
	}
}

struct bl_stream {
	uint8_t *buf;
	size_t len;
	size_t nupdates;
};

/* Group prefixes by set (a counting sort), then pack each group. */
static void bl_encode(struct bl_stream *st, const struct prefix *pfx,
		      size_t np, unsigned int paths, const struct bl_set *sets,
		      size_t nsets, const uint8_t nh[4], uint64_t *seed)
{
	struct bgp_sess_ctx ctx = { .as4 = 1, .ebgp = 1,
				    .addpath_tx = paths ? BGP_FAM_IPV4U : 0 };
	size_t n = np * (paths ? paths : 1);
	size_t *start = calloc(nsets + 1, sizeof(*start));
	uint32_t *which = malloc(n * sizeof(*which));
	struct prefix *sorted = malloc(n * sizeof(*sorted));
	uint32_t *ids = malloc(n * sizeof(*ids));
	size_t cap = n * 9 + nsets * 2 * BGP_MAX_LEN + 64, i;
	struct bgp_wbuf w;

	st->buf = malloc(cap);
	if (!start || !which || !sorted || !ids || !st->buf)
		die("out of memory encoding %zu prefixes", n);
	/* entry i is path i / np + 1 of prefix i % np */
	for (i = 0; i < n; i++) {
		which[i] = (uint32_t)(rnd(seed) % nsets);
		start[which[i] + 1]++;
	}
	for (i = 0; i < nsets; i++)
		start[i + 1] += start[i];
	for (i = 0; i < n; i++) {
		ids[start[which[i]]] = (uint32_t)(i / np + 1);
		sorted[start[which[i]]++] = pfx[i % np];
	}
	/* start[s] is now the end of set s. */
	bgp_wbuf_init(&w, st->buf, cap);
	st->nupdates = 0;
	for (i = 0; i < nsets; i++) {
		size_t b = i ? start[i - 1] : 0, e = start[i];
		struct bgp_attrs a;

		memset(&a, 0, sizeof(a));
		a.has = 1ull << BGP_ATTR_ORIGIN | 1ull << BGP_ATTR_AS_PATH |
			1ull << BGP_ATTR_NEXT_HOP;
		a.origin = 0;
		a.aspath.p = sets[i].aspath;
		a.aspath.len = sets[i].aspath_len;
		a.aspath.as_size = 4;
		memcpy(a.nexthop, nh, 4);
		if (sets[i].has_med) {
			a.has |= 1ull << BGP_ATTR_MED;
			a.med = sets[i].med;
		}
		if (sets[i].ncomm) {
			a.has |= 1ull << BGP_ATTR_COMMUNITIES;
			a.comm = sets[i].comm;
			a.ncomm = sets[i].ncomm;
		}
		while (b < e) {
			int k = bgp_update_encode_paths(&w, BGP_MAX_LEN, &ctx,
							&a, &sorted[b],
							&ids[b], e - b);

			if (k <= 0)
				die("UPDATE encoding failed (set %zu)", i);
			b += (size_t)k;
			st->nupdates++;
		}
	}
	if (bgp_eor_encode(&w, BGP_AFI_IPV4, BGP_SAFI_UNICAST) == -1 ||
	    w.failed)
		die("End-of-RIB encoding failed");
	st->len = w.len;
	free(start);
	free(which);
	free(sorted);
	free(ids);
}

struct bl_conn {
	int fd;
	uint8_t rbuf[BL_RBUF];
	size_t rlen;
	unsigned int ka_interval;	/* seconds */
	uint64_t last_sent;		/* CLOCK_MONOTONIC ns */
	uint64_t keepalives_in;
};

/* Write all of p, blocking in poll() (the socket is non-blocking). */
static void bl_write_all(struct bl_conn *c, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t r = write(c->fd, p, len);

		if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

			if (bl_stop)
				die("interrupted while writing");
			poll(&pfd, 1, 1000);
			continue;
		}
		if (r < 0)
			die("write to peer: %s", strerror(errno));
		p += r;
		len -= (size_t)r;
	}
	c->last_sent = now_ns(CLOCK_MONOTONIC);
}

static void bl_send_keepalive(struct bl_conn *c)
{
	uint8_t b[BGP_HDR_LEN];
	struct bgp_wbuf w;

	bgp_wbuf_init(&w, b, sizeof(b));
	if (bgp_keepalive_encode(&w) == -1)
		die("KEEPALIVE encoding failed");
	bl_write_all(c, b, w.len);
}

/*
 * Read what is there and handle whole messages.  Returns the type of the
 * last message handled (0 if none); an OPEN is decoded into o if given.
 */
static int bl_read(struct bl_conn *c, struct bgp_open *o)
{
	int last = 0;

	for (;;) {
		ssize_t r = read(c->fd, c->rbuf + c->rlen,
				 sizeof(c->rbuf) - c->rlen);

		if (r == 0)
			die("peer closed the connection");
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			die("read from peer: %s", strerror(errno));
		}
		c->rlen += (size_t)r;
		if (c->rlen < sizeof(c->rbuf))
			break;
	}
	for (;;) {
		struct bgp_hdr h;
		struct bgp_err e;
		int f = bgp_frame(c->rbuf, c->rlen, BGP_MAX_LEN, &h, &e);

		if (f < 0)
			die("bad message header from peer (error %u/%u)",
			    e.code, e.subcode);
		if (f == 0)
			break;
		switch (h.type) {
		case BGP_OPEN:
			if (!o)
				die("unexpected OPEN from peer");
			if (bgp_open_decode(c->rbuf, h.len, o, &e) == -1)
				die("bad OPEN from peer (error %u/%u)",
				    e.code, e.subcode);
			break;
		case BGP_NOTIFICATION: {
			struct bgp_notif n;

			if (bgp_notif_decode(c->rbuf, h.len, &n, &e) == -1)
				die("peer sent a malformed NOTIFICATION");
			die("peer sent NOTIFICATION %u/%u%s%s", n.code,
			    n.subcode, n.has_shutdown ? ": " : "",
			    n.has_shutdown ? n.shutdown : "");
		}
		case BGP_KEEPALIVE:
			c->keepalives_in++;
			break;
		default:	/* UPDATE, ROUTE-REFRESH: ignored */
			break;
		}
		last = h.type;
		memmove(c->rbuf, c->rbuf + h.len, c->rlen - h.len);
		c->rlen -= h.len;
	}
	return last;
}

/* Wait up to ms for input and handle it; returns bl_read()'s value. */
static int bl_wait(struct bl_conn *c, int ms, struct bgp_open *o)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int r = poll(&pfd, 1, ms);

	if (r < 0 && errno != EINTR)
		die("poll: %s", strerror(errno));
	if (r > 0)
		return bl_read(c, o);
	return 0;
}

static void bl_keepalive_due(struct bl_conn *c)
{
	if (now_ns(CLOCK_MONOTONIC) - c->last_sent >=
	    (uint64_t)c->ka_interval * 1000000000ull)
		bl_send_keepalive(c);
}

static int bl_connect(const struct bl_opts *o)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ttl = 255, one = 1;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	/* GTSM (RFC 5082): the guard and IP_MINTTL want 255. */
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == -1)
		die("IP_TTL 255: %s", strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (o->have_local &&
	    bind(fd, (const struct sockaddr *)&o->local, sizeof(o->local)) == -1)
		die("bind %s: %s", inet_ntoa(o->local.sin_addr),
		    strerror(errno));
	if (o->md5) {
		struct tcp_md5sig m;
		size_t kl = strlen(o->md5);

		if (kl > TCP_MD5SIG_MAXKEYLEN)
			die("--md5 key longer than %d bytes",
			    TCP_MD5SIG_MAXKEYLEN);
		memset(&m, 0, sizeof(m));
		memcpy(&m.tcpm_addr, &o->peer, sizeof(o->peer));
		m.tcpm_keylen = (uint16_t)kl;
		memcpy(m.tcpm_key, o->md5, kl);
		if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &m, sizeof(m)) == -1)
			die("TCP_MD5SIG: %s", strerror(errno));
	}
	if (connect(fd, (const struct sockaddr *)&o->peer,
		    sizeof(o->peer)) == -1)
		die("connect to %s port %u: %s", inet_ntoa(o->peer.sin_addr),
		    ntohs(o->peer.sin_port), strerror(errno));
	return fd;
}

static int fcntl_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] ADDR\n"
		"  -l, --local ADDR     local IPv4 address to bind (and next hop)\n"
		"  -a, --as N           our AS (default 65100)\n"
		"  -i, --router-id A    BGP identifier (default: local address or 10.255.255.1)\n"
		"  -n, --prefixes N     prefixes to send (default 1000000)\n"
		"  -S, --sets N         distinct attribute sets (default 4000)\n"
		"  -m, --md5 KEY        TCP-MD5 key\n"
		"  -p, --port N         peer port (default 179)\n"
		"  -H, --hold SECONDS   stay connected after sending (default 0: until SIGTERM)\n"
		"  -s, --seed N         generator seed (default 1)\n"
		"  -P, --paths K        ADD-PATH (RFC 7911): K paths a prefix,\n"
		"                       path ids 1..K (K x N NLRI in all)\n"
		"  -k, --sink           listen on ADDR instead: answer one session,\n"
		"                       read and discard until End-of-RIB, print the\n"
		"                       time (the blaster's rate without a receiver)\n",
		prog);
}

static unsigned long num_arg(const char *s, const char *what,
			     unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("bad %s '%s' (%lu-%lu)", what, s, min, max);
	return v;
}

static void parse_args(int argc, char **argv, struct bl_opts *o)
{
	static const struct option lo[] = {
		{ "local", required_argument, NULL, 'l' },
		{ "as", required_argument, NULL, 'a' },
		{ "router-id", required_argument, NULL, 'i' },
		{ "prefixes", required_argument, NULL, 'n' },
		{ "sets", required_argument, NULL, 'S' },
		{ "md5", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "hold", required_argument, NULL, 'H' },
		{ "seed", required_argument, NULL, 's' },
		{ "sink", no_argument, NULL, 'k' },
		{ "paths", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rid = NULL;
	struct in_addr ia;
	int c;

	memset(o, 0, sizeof(*o));
	o->asn = 65100;
	o->nprefixes = 1000000;
	o->nsets = 4000;
	o->seed = 1;
	o->peer.sin_family = AF_INET;
	o->peer.sin_port = htons(179);
	while ((c = getopt_long(argc, argv, "l:a:i:n:S:m:p:H:s:P:kh", lo,
				NULL)) != -1) {
		switch (c) {
		case 'l':
			if (inet_pton(AF_INET, optarg, &o->local.sin_addr) != 1)
				die("bad --local address '%s'", optarg);
			o->local.sin_family = AF_INET;
			o->have_local = 1;
			break;
		case 'a':
			o->asn = (uint32_t)num_arg(optarg, "AS", 1, UINT32_MAX);
			break;
		case 'i':
			rid = optarg;
			break;
		case 'n':
			o->nprefixes = num_arg(optarg, "prefix count", 1,
					       10000000);
			break;
		case 'S':
			o->nsets = num_arg(optarg, "set count", 1, 1000000);
			break;
		case 'm':
			o->md5 = optarg;
			break;
		case 'p':
			o->peer.sin_port =
				htons((uint16_t)num_arg(optarg, "port", 1, 65535));
			break;
		case 'H':
			o->hold_after = (long)num_arg(optarg, "hold", 0,
						      100000000);
			break;
		case 's':
			o->seed = num_arg(optarg, "seed", 0, ULONG_MAX);
			break;
		case 'k':
			o->sink = 1;
			break;
		case 'P':
			o->paths = (unsigned int)num_arg(optarg, "path count",
							 1, 64);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		exit(2);
	}
	if (inet_pton(AF_INET, argv[optind], &o->peer.sin_addr) != 1)
		die("bad peer address '%s' (IPv4 only)", argv[optind]);
	if (rid) {
		if (inet_pton(AF_INET, rid, &ia) != 1)
			die("bad --router-id '%s'", rid);
	} else if (o->have_local) {
		ia = o->local.sin_addr;
	} else {
		inet_pton(AF_INET, "10.255.255.1", &ia);
	}
	o->router_id = ntohl(ia.s_addr);
	if (o->nsets > o->nprefixes)
		o->nsets = o->nprefixes;
}

/*
 * --sink: the cheapest possible receiver, to show what the blaster and the
 * path can do without a BGP implementation behind them.  Accepts one
 * session on ADDR, sends OPEN at once and KEEPALIVE after the peer's OPEN,
 * then frames and discards everything until the End-of-RIB marker.
 */
static int run_sink(const struct bl_opts *o)
{
	struct bl_conn *c = calloc(1, sizeof(*c));
	struct sockaddr_in a = o->peer;
	struct bgp_open mine, theirs;
	uint8_t obuf[BGP_MAX_LEN];
	struct bgp_wbuf w;
	uint64_t t0 = 0, t1, bytes = 0, updates = 0;
	int lfd, one = 1, ttl = 255, done = 0;

	if (!c)
		die("out of memory");
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(lfd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(lfd, 1) == -1)
		die("listen on %s port %u: %s", inet_ntoa(a.sin_addr),
		    ntohs(a.sin_port), strerror(errno));
	printf("listening\n");
	c->fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c->fd < 0)
		die("accept: %s", strerror(errno));
	close(lfd);
	memset(&mine, 0, sizeof(mine));
	mine.version = BGP_VERSION;
	mine.my_as = o->asn > 0xffff ? BGP_AS_TRANS : (uint16_t)o->asn;
	mine.hold = BL_HOLD;
	mine.bgp_id = o->router_id;
	mine.caps.families = BGP_FAM_IPV4U;
	mine.caps.as4 = 1;
	mine.caps.as4_asn = o->asn;
	/* it discards what comes: a blaster with --paths may send ids */
	mine.caps.addpath_recv = BGP_FAM_IPV4U;
	bgp_wbuf_init(&w, obuf, sizeof(obuf));
	if (bgp_open_encode(&w, &mine) == -1 || w.failed)
		die("OPEN encoding failed");
	bl_write_all(c, obuf, w.len);
	memset(&theirs, 0, sizeof(theirs));
	while (!done) {
		ssize_t r = read(c->fd, c->rbuf + c->rlen,
				 sizeof(c->rbuf) - c->rlen);

		if (r == 0)
			die("peer closed before End-of-RIB");
		if (r < 0) {
			if (errno == EINTR && !bl_stop)
				continue;
			die("read: %s", strerror(errno));
		}
		c->rlen += (size_t)r;
		bytes += (uint64_t)r;
		for (;;) {
			struct bgp_hdr h;
			struct bgp_err e;
			int f = bgp_frame(c->rbuf, c->rlen, BGP_MAX_LEN, &h,
					  &e);

			if (f < 0)
				die("bad message header (error %u/%u)", e.code,
				    e.subcode);
			if (f == 0)
				break;
			if (h.type == BGP_OPEN) {
				if (bgp_open_decode(c->rbuf, h.len, &theirs,
						    &e) == -1)
					die("bad OPEN (error %u/%u)", e.code,
					    e.subcode);
				bl_send_keepalive(c);
			} else if (h.type == BGP_UPDATE) {
				if (!t0)
					t0 = now_ns(CLOCK_MONOTONIC);
				updates++;
				/* End-of-RIB: an empty UPDATE (RFC 4724 §2). */
				if (h.len == BGP_HDR_LEN + 4)
					done = 1;
			} else if (h.type == BGP_NOTIFICATION) {
				die("peer sent a NOTIFICATION");
			}
			memmove(c->rbuf, c->rbuf + h.len, c->rlen - h.len);
			c->rlen -= h.len;
		}
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("sink: %" PRIu64 " UPDATEs, %" PRIu64 " bytes; first UPDATE to End-of-RIB %.3f s\n",
	       updates, bytes, (double)(t1 - t0) / 1e9);
	printf("sink_s=%.6f\n", (double)(t1 - t0) / 1e9);
	close(c->fd);
	free(c);
	return 0;
}

int main(int argc, char **argv)
{
	struct bl_opts o;
	struct bl_conn *c;
	struct bl_stream st;
	struct bl_set *sets;
	struct prefix *pfx;
	struct bgp_open mine, theirs;
	struct sockaddr_in la;
	socklen_t lalen = sizeof(la);
	struct sigaction sa;
	uint8_t obuf[BGP_MAX_LEN], nh[4];
	struct bgp_wbuf w;
	uint64_t seed, t_est, t_first, t_last, m0, m1, deadline;
	unsigned int hold;
	double c0, c1, secs, mb;
	int got_open = 0, got_ka = 0, t;

	parse_args(argc, argv, &o);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.sink)
		return run_sink(&o);

	c = calloc(1, sizeof(*c));
	if (!c)
		die("out of memory");
	c->fd = -1;
	if (o.have_local) {
		memcpy(nh, &o.local.sin_addr, 4);
	} else {
		/* The next hop is the address the kernel picks. */
		c->fd = bl_connect(&o);
		if (getsockname(c->fd, (struct sockaddr *)&la, &lalen) == -1)
			die("getsockname: %s", strerror(errno));
		memcpy(nh, &la.sin_addr, 4);
	}

	/* Everything encoded before the session (and the clock) starts. */
	seed = o.seed;
	sets = calloc(o.nsets, sizeof(*sets));
	if (!sets)
		die("out of memory");
	pfx = bl_prefixes(o.nprefixes, &seed);
	bl_sets(sets, o.nsets, o.asn, &seed);
	bl_encode(&st, pfx, o.nprefixes, o.paths, sets, o.nsets, nh, &seed);
	free(pfx);
	free(sets);
	printf("encoded: %zu prefixes, %zu attribute sets, %zu UPDATEs, %zu bytes\n",
	       o.nprefixes * (o.paths ? o.paths : 1), o.nsets, st.nupdates,
	       st.len);
	if (c->fd == -1)
		c->fd = bl_connect(&o);

	/* OPEN: RFC 4271 §4.2 with MP IPv4 unicast, 4-octet AS, refresh. */
	memset(&mine, 0, sizeof(mine));
	mine.version = BGP_VERSION;
	mine.my_as = o.asn > 0xffff ? BGP_AS_TRANS : (uint16_t)o.asn;
	mine.hold = BL_HOLD;
	mine.bgp_id = o.router_id;
	mine.caps.families = BGP_FAM_IPV4U;
	mine.caps.as4 = 1;
	mine.caps.as4_asn = o.asn;
	mine.caps.route_refresh = 1;
	if (o.paths)
		mine.caps.addpath_send = BGP_FAM_IPV4U;
	bgp_wbuf_init(&w, obuf, sizeof(obuf));
	if (bgp_open_encode(&w, &mine) == -1 || w.failed)
		die("OPEN encoding failed");
	bl_write_all(c, obuf, w.len);	/* blocking socket still */
	if (fcntl_nonblock(c->fd) == -1)
		die("O_NONBLOCK: %s", strerror(errno));

	/* OpenSent -> OpenConfirm -> Established, bounded to 30 s. */
	deadline = now_ns(CLOCK_MONOTONIC) + 30000000000ull;
	memset(&theirs, 0, sizeof(theirs));
	while (!got_ka) {
		if (bl_stop)
			die("interrupted before Established");
		if (now_ns(CLOCK_MONOTONIC) > deadline)
			die("no %s from the peer within 30 s",
			    got_open ? "KEEPALIVE" : "OPEN");
		t = bl_wait(c, 200, &theirs);
		if (theirs.version && !got_open) {
			got_open = 1;
			bl_send_keepalive(c);
		}
		if (got_open && c->keepalives_in)
			got_ka = 1;
		(void)t;
	}
	if (!theirs.caps.as4)
		die("peer did not send the 4-octet AS capability");
	/* RFC 7911 §5: path ids only to a peer that said receive */
	if (o.paths && !(theirs.caps.addpath_recv & BGP_FAM_IPV4U))
		die("--paths: the peer did not say ADD-PATH receive for IPv4");
	hold = theirs.hold < BL_HOLD ? theirs.hold : BL_HOLD;
	c->ka_interval = hold ? hold / 3 : BL_KEEPALIVE_MAX;
	if (c->ka_interval > BL_KEEPALIVE_MAX || c->ka_interval == 0)
		c->ka_interval = c->ka_interval ? BL_KEEPALIVE_MAX : 1;
	t_est = now_ns(CLOCK_REALTIME);
	printf("established_ns=%" PRIu64 " peer_as=%u hold=%u\n", t_est,
	       bgp_open_asn(&theirs), hold);

	/* The blast: write and read (KEEPALIVEs) until all is out. */
	c0 = cpu_s();
	m0 = now_ns(CLOCK_MONOTONIC);
	t_first = now_ns(CLOCK_REALTIME);
	{
		size_t off = 0;

		while (off < st.len) {
			struct pollfd pfd = { .fd = c->fd,
					      .events = POLLIN | POLLOUT };
			ssize_t r;

			if (bl_stop)
				die("interrupted while sending");
			if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
				die("poll: %s", strerror(errno));
			if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
				bl_read(c, NULL);
			if (!(pfd.revents & POLLOUT))
				continue;
			r = write(c->fd, st.buf + off, st.len - off);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r < 0)
				die("write to peer: %s", strerror(errno));
			off += (size_t)r;
		}
	}
	m1 = now_ns(CLOCK_MONOTONIC);
	t_last = now_ns(CLOCK_REALTIME);
	c1 = cpu_s();
	c->last_sent = m1;
	secs = (double)(m1 - m0) / 1e9;
	mb = (double)st.len / 1e6;
	printf("first_update_ns=%" PRIu64 "\n", t_first);
	printf("last_byte_ns=%" PRIu64 "\n", t_last);
	{
		/* NLRI: each path of a prefix is one (--paths) */
		size_t nl = o.nprefixes * (o.paths ? o.paths : 1);

		printf("sent %zu NLRI in %zu UPDATEs + End-of-RIB: %.3f s, "
		       "%.0f NLRI/s, %.1f MB/s (cpu %.3f s: %.0f NLRI/s)\n",
		       nl, st.nupdates, secs, secs > 0 ? nl / secs : 0.0,
		       secs > 0 ? mb / secs : 0.0, c1 - c0,
		       c1 - c0 > 0 ? nl / (c1 - c0) : 0.0);
	}
	printf("send_s=%.6f cpu_s=%.6f bytes=%zu\n", secs, c1 - c0, st.len);
	free(st.buf);

	/* Stay up, answering the peer's KEEPALIVEs with our own. */
	deadline = o.hold_after ? now_ns(CLOCK_MONOTONIC) +
				  (uint64_t)o.hold_after * 1000000000ull : 0;
	while (!bl_stop &&
	       (!deadline || now_ns(CLOCK_MONOTONIC) < deadline)) {
		bl_wait(c, 500, NULL);
		bl_keepalive_due(c);
	}
	close(c->fd);
	free(c);
	return 0;
}
