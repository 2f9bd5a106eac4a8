// SPDX-License-Identifier: GPL-2.0-only
/*
 * apigen: an API helper process for benchmarks (scripts/bench-api.sh).
 * bgpshieldd starts it with the API socket on fds 0 and 1; it writes N
 * ExaBGP text commands "announce route A/32 next-hop self ATTRS" with
 * distinct /32s and one shared attribute text, as fast as the engine reads
 * them.  All lines are built in memory before the clock starts.
 *
 * With --flow it writes flowspec rules instead, one per distinct /32:
 * "announce flow route { match { destination A/32; protocol udp;
 * destination-port =53; } then { discard; } }" (--attrs is not used): the
 * block form, which both bgpshieldd and ExaBGP 4.2 read (ExaBGP 4.2 takes
 * the one-line form "announce flow route destination A/32 ... then
 * discard" for a command and announces nothing).
 *
 * With --wait-up it first waits for the text event "neighbor ADDR up"
 * (api { neighbor-changes; } with encoder text; bgpshieldd and ExaBGP 4.2
 * write the same line), so that the clock starts on an Established
 * session.  With --silence the first line is "silence-ack" (bgpshieldd:
 * no acks at all; ExaBGP 4.2 does not know it: run it with
 * exabgp.api.ack=false and without --silence instead); otherwise every
 * command is answered "done" or "error" and apigen reads and counts the
 * answers while it writes.
 *
 * Facts go to stderr (the daemon's), one line each, for scripts:
 *   apigen: start_ns=T        CLOCK_REALTIME just before the first command
 *   apigen: written_ns=T ...  when the last byte was accepted by the socket
 *   apigen: acked_ns=T done=D error=E  (ack mode) when all N were answered
 * Afterwards it reads and discards its input until EOF or SIGTERM, so it
 * stays alive for as long as the daemon runs; with --exit it exits once
 * everything is written (and, in ack mode, answered) instead, to show that
 * a helper's exit does not withdraw what it announced.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define AG_RBUF (64 * 1024)

static volatile sig_atomic_t ag_stop;

static void on_signal(int sig)
{
	(void)sig;
	ag_stop = 1;
}

/* One line on stderr with a single write(): the daemon shares it. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char b[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(b) - 2)
		n = (int)sizeof(b) - 2;
	b[n++] = '\n';
	if (write(2, b, (size_t)n) < 0)
		return;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct ag_in {
	char buf[AG_RBUF];
	size_t len;
	uint64_t done, error;
	int up;
	int eof;
};

/* Read what is there from fd 0; count acks and see the "up" event. */
static void ag_read(struct ag_in *in)
{
	ssize_t r = read(0, in->buf + in->len, sizeof(in->buf) - in->len);
	size_t start = 0, i;

	if (r == 0) {
		in->eof = 1;
		return;
	}
	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			in->eof = 1;
		return;
	}
	in->len += (size_t)r;
	for (i = 0; i < in->len; i++) {
		const char *l = in->buf + start;
		size_t n = i - start;

		if (in->buf[i] != '\n')
			continue;
		if (n == 4 && !memcmp(l, "done", 4))
			in->done++;
		else if (n == 5 && !memcmp(l, "error", 5))
			in->error++;
		else if (n > 12 && !memcmp(l, "neighbor ", 9) &&
			 !memcmp(l + n - 3, " up", 3))
			in->up = 1;
		start = i + 1;
	}
	memmove(in->buf, in->buf + start, in->len - start);
	in->len -= start;
	if (in->len == sizeof(in->buf))
		in->len = 0; /* an absurd line: forget it */
}

static void usage(FILE *f)
{
	fprintf(f, "usage: apigen [options]\n"
		   "  -n, --count N     routes to announce (default 1000000)\n"
		   "  -b, --base A      first /32, IPv4 (default 20.0.0.0)\n"
		   "  -A, --attrs TEXT  attributes after next-hop self\n"
		   "                    (default \"med 100 community "
		   "[65001:1]\")\n"
		   "  -w, --wait-up     wait for a \"neighbor ADDR up\" event "
		   "first\n"
		   "  -s, --silence     send silence-ack first (no acks)\n"
		   "  -d, --delay MS    wait MS milliseconds after \"up\" "
		   "(default 0)\n"
		   "  -x, --exit        exit when done instead of reading "
		   "until EOF\n"
		   "  -f, --flow        flowspec rules \"announce flow route "
		   "{ match {\n"
		   "                    destination A/32; protocol udp; "
		   "destination-port =53; }\n"
		   "                    then { discard; } }\"\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"count", required_argument, NULL, 'n'},
		{"base", required_argument, NULL, 'b'},
		{"attrs", required_argument, NULL, 'A'},
		{"wait-up", no_argument, NULL, 'w'},
		{"silence", no_argument, NULL, 's'},
		{"delay", required_argument, NULL, 'd'},
		{"exit", no_argument, NULL, 'x'},
		{"flow", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *attrs = "med 100 community [65001:1]";
	unsigned long n = 1000000, i;
	unsigned int b0 = 20, b1 = 0, b2 = 0, b3 = 0;
	uint32_t base;
	int wait_up = 0, silence = 0, do_exit = 0, flow = 0, c;
	unsigned long delay_ms = 0;
	size_t cap, len = 0, off = 0;
	char *buf;
	struct ag_in *in;
	struct sigaction sa;
	uint64_t t0, t1;

	while ((c = getopt_long(argc, argv, "n:b:A:wsd:xfh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			if (sscanf(optarg, "%u.%u.%u.%u", &b0, &b1, &b2, &b3) !=
				    4 ||
			    b0 > 255 || b1 > 255 || b2 > 255 || b3 > 255) {
				fprintf(stderr, "apigen: bad --base\n");
				return 2;
			}
			break;
		case 'A':
			attrs = optarg;
			break;
		case 'w':
			wait_up = 1;
			break;
		case 's':
			silence = 1;
			break;
		case 'd':
			delay_ms = strtoul(optarg, NULL, 10);
			break;
		case 'x':
			do_exit = 1;
			break;
		case 'f':
			flow = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	base = b0 << 24 | b1 << 16 | b2 << 8 | b3;
	if (!n || n > 16000000 || (uint64_t)base + n > 0xffffffffull) {
		fprintf(stderr, "apigen: bad --count or --base\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* "announce route 255.255.255.255/32 next-hop self " + attrs + \n;
	 * a flow line is at most 120 bytes. */
	cap = 16 + n * (flow ? 128 : 64 + strlen(attrs));
	buf = malloc(cap);
	in = calloc(1, sizeof(*in));
	if (!buf || !in) {
		fprintf(stderr, "apigen: out of memory\n");
		return 1;
	}
	if (silence)
		len += (size_t)sprintf(buf, "silence-ack\n");
	for (i = 0; i < n; i++) {
		uint32_t a = base + (uint32_t)i;

		if (flow) {
			len += (size_t)sprintf(buf + len,
					       "announce flow route { match { "
					       "destination %u.%u.%u.%u/32; "
					       "protocol udp; destination-port "
					       "=53; } then { discard; } }\n",
					       a >> 24, a >> 16 & 255,
					       a >> 8 & 255, a & 255);
			continue;
		}
		len += (size_t)sprintf(buf + len,
				       "announce route %u.%u.%u.%u/32 "
				       "next-hop self %s\n",
				       a >> 24, a >> 16 & 255, a >> 8 & 255,
				       a & 255, attrs);
	}

	while (wait_up && !in->up && !in->eof && !ag_stop) {
		struct pollfd p = {.fd = 0, .events = POLLIN};

		if (poll(&p, 1, 1000) > 0)
			ag_read(in);
	}
	if (in->eof || ag_stop)
		return 1;
	if (delay_ms) {
		struct timespec d = {.tv_sec = (time_t)(delay_ms / 1000),
				     .tv_nsec =
					     (long)(delay_ms % 1000) * 1000000};

		nanosleep(&d, NULL);
	}
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);

	t0 = now_ns();
	say("apigen: start_ns=%" PRIu64 " count=%lu silence=%d flow=%d", t0,
	    n, silence, flow);
	while (off < len && !ag_stop && !in->eof) {
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN},
				      {.fd = 1, .events = POLLOUT}};
		ssize_t r;

		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			ag_read(in);
		if (!(p[1].revents & POLLOUT))
			continue;
		r = write(1, buf + off, len - off);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (r > 0)
			off += (size_t)r;
	}
	t1 = now_ns();
	say("apigen: written_ns=%" PRIu64 " bytes=%zu of %zu write_s=%.3f", t1,
	    off, len, (double)(t1 - t0) / 1e9);
	free(buf);

	/* Acks still coming, then events: read until EOF. */
	while (!ag_stop && !in->eof && !(do_exit && silence)) {
		struct pollfd p = {.fd = 0, .events = POLLIN};

		if (!silence && in->done + in->error >= n) {
			t1 = now_ns();
			say("apigen: acked_ns=%" PRIu64 " done=%" PRIu64
			    " error=%" PRIu64 " ack_s=%.3f",
			    t1, in->done, in->error, (double)(t1 - t0) / 1e9);
			silence = 1;
			continue;
		}
		if (poll(&p, 1, 1000) > 0)
			ag_read(in);
	}
	free(in);
	return 0;
}
