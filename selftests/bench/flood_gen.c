// SPDX-License-Identifier: GPL-2.0-only
/*
 * flood_gen: spoofed TCP SYN flood out of a veth, for scripts/bench-flood.sh.
 *
 *   flood_gen run --dev IF --dst-mac MAC --dst ADDR [--dport N]
 *                 [--src-net CIDR] [--src-mac MAC] [--ttl N] [--md5]
 *                 [--rate PPS] [--train N] [--duration SEC] [--cpu N]
 *                 [--batch N]
 *   flood_gen attach-drop --dev IF --pin PATH [--touch]
 *
 * `run` drives flood_gen.bpf.c through BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES: one long call with a huge repeat count,
 * ended by a timer signal (the kernel then returns -EINTR).  Each call
 * costs two RCU grace periods (~20 ms here), so we do not loop on short
 * calls.  Run it inside the attacker's network namespace: IF is the
 * attacker's end of the veth and the frames come out of its peer.
 *
 * The SYNs can pass for an allowed peer's: --src-net ADDR/32 gives them one
 * source address, --ttl 255 gets them past GTSM (RFC 5082), --src-mac
 * forges the Ethernet source, and --md5 adds a TCP-MD5 signature option
 * (RFC 2385) with a random digest, which passes any check of the option's
 * presence and fails the kernel's check of its value: the spoofer knows
 * that the peer signs, not the key.
 *
 * `attach-drop` attaches the empty XDP_DROP program natively to IF through
 * a BPF link pinned at PATH, so the floor stays attached after we exit and
 * goes away when the pin is removed (or the interface is deleted).  With
 * --touch the program reads the headers before dropping TCP to port 179.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "flood_gen.skel.h"

#define EXIT_SKIP 77

/* TCP options of our SYN, a multiple of 4 bytes (the data offset counts
 * 32-bit words, RFC 9293 section 3.1). */
#define OPT_MSS_LEN 4
/* RFC 2385 section 3.0: kind 19, length 18, a 16-byte MD5 digest; two NOPs
 * in front keep the option list a multiple of 4 (4 + 2 + 18 = 24). */
#define OPT_MD5_LEN 18
#define OPT_MD5_PADDED (2 + OPT_MD5_LEN)
#define OPT_MAX (OPT_MSS_LEN + OPT_MD5_PADDED)

struct frame {
	struct ethhdr eth;
	struct iphdr ip;
	struct tcphdr tcp;
	__u8 opt[OPT_MAX];
} __attribute__((packed));

/* Without options the frame would end before the 60-byte Ethernet minimum
 * (14 + 20 + 20 + 4 = 58): pad it, as a NIC would, past the IP length. */
#define FRAME_MIN 60

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __u16 csum(const void *buf, size_t len, __u32 sum)
{
	const __u8 *p = buf;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

struct frame_spec {
	__u8 src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	__u32 saddr, daddr; /* network order */
	__u16 dport;
	__u8 ttl;
	int md5;
};

/* Builds the SYN in f and returns the frame's length (at least FRAME_MIN:
 * the bytes past the IP total length are Ethernet padding, zero). */
static size_t build_frame(struct frame *f, const struct frame_spec *sp)
{
	struct {
		__u32 saddr, daddr;
		__u8 zero, proto;
		__u16 len;
	} __attribute__((packed)) ph;
	__u8 buf[sizeof(ph) + sizeof(f->tcp) + OPT_MAX];
	size_t opt_len = OPT_MSS_LEN, tcp_len, len;
	size_t i;

	memset(f, 0, sizeof(*f));
	memcpy(f->eth.h_dest, sp->dst_mac, ETH_ALEN);
	memcpy(f->eth.h_source, sp->src_mac, ETH_ALEN);
	f->eth.h_proto = htons(ETH_P_IP);
	/* MSS 1460: real floods mimic real SYNs, and cookies encode it. */
	memcpy(f->opt, "\x02\x04\x05\xb4", OPT_MSS_LEN);
	if (sp->md5) {
		__u8 *o = f->opt + OPT_MSS_LEN;

		o[0] = o[1] = 1; /* NOP, NOP */
		o[2] = 19;	 /* kind: TCP MD5 signature */
		o[3] = OPT_MD5_LEN;
		/* A digest nobody can check but the kernel, which drops it:
		 * random, so it looks like a real one. */
		for (i = 0; i < 16; i++)
			o[4 + i] = (__u8)random();
		opt_len += OPT_MD5_PADDED;
	}
	tcp_len = sizeof(f->tcp) + opt_len;

	f->ip.version = 4;
	f->ip.ihl = 5;
	f->ip.tot_len = htons(sizeof(f->ip) + tcp_len);
	f->ip.ttl = sp->ttl;
	f->ip.protocol = IPPROTO_TCP;
	f->ip.saddr = sp->saddr;
	f->ip.daddr = sp->daddr;
	f->ip.check = csum(&f->ip, sizeof(f->ip), 0);
	f->tcp.source = htons(40000);
	f->tcp.dest = htons(sp->dport);
	f->tcp.seq = htonl(0x12345678);
	f->tcp.doff = tcp_len / 4; /* header + options, in 32-bit words */
	f->tcp.syn = 1;
	f->tcp.window = htons(64240);

	/* The TCP checksum covers a pseudo-header, the header and the
	 * options (RFC 9293 section 3.1). */
	ph.saddr = sp->saddr;
	ph.daddr = sp->daddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = htons(tcp_len);
	memcpy(buf, &ph, sizeof(ph));
	memcpy(buf + sizeof(ph), &f->tcp, tcp_len);
	f->tcp.check = csum(buf, sizeof(ph) + tcp_len, 0);

	len = sizeof(f->eth) + sizeof(f->ip) + tcp_len;
	return len < FRAME_MIN ? FRAME_MIN : len;
}

static int parse_mac(const char *s, __u8 *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6
		       ? 0
		       : -1;
}

static int if_mac(const char *dev, __u8 *mac)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (err)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

static int parse_cidr(const char *s, __u32 *base, __u32 *hostmask)
{
	char buf[32], *slash;
	struct in_addr a;
	int len;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = 0;
	len = atoi(slash + 1);
	if (len < 1 || len > 32 || inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*hostmask = len == 32 ? 0 : 0xffffffffu >> len;
	*base = ntohl(a.s_addr) & ~*hostmask;
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: flood_gen run --dev IF --dst-mac MAC --dst ADDR "
		"[--dport N] [--src-net CIDR]\n"
		"                     [--src-mac MAC] [--ttl N] [--md5] "
		"[--rate PPS] [--train N]\n"
		"                     [--duration SEC] [--cpu N] [--batch N]\n"
		"       flood_gen attach-drop --dev IF --pin PATH [--touch]\n"
		"  TCP SYNs to ADDR:N (179) out of IF's veth peer, to "
		"Ethernet MAC\n"
		"  --src-net CIDR: random IPv4 sources from CIDR (16.0.0.0/4);"
		" ADDR/32: that one\n"
		"  --src-mac MAC: Ethernet source (default: IF's own)\n"
		"  --ttl N: IP TTL, 1..255 (64); 255 passes GTSM\n"
		"  --md5: a TCP-MD5 option (RFC 2385, kind 19) with a random "
		"digest\n"
		"  --rate PPS: 0 (default) sends as fast as this CPU can; "
		"frames leave in\n"
		"    trains of --train (32)\n"
		"  --duration SEC (10), --cpu N: run on CPU N, "
		"--batch N: frames per test_run\n"
		"    batch, 1..256 (256)\n"
		"  attach-drop: an empty XDP_DROP on IF, native, its link "
		"pinned at PATH;\n"
		"    --touch: read the headers first, drop TCP to port 179\n");
}

static int cmd_attach_drop(const char *dev, const char *pin, int touch)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_DRV_MODE);
	struct flood_gen_bpf *skel;
	struct bpf_program *prog;
	int ifindex = dev ? if_nametoindex(dev) : 0, fd, ret = 1;

	if (!ifindex || !pin) {
		fprintf(stderr, "attach-drop: no interface %s or no --pin\n",
			dev ? dev : "(none)");
		return 2;
	}
	skel = flood_gen_bpf__open();
	if (!skel)
		return 1;
	prog = touch ? skel->progs.xdp_touch_drop : skel->progs.xdp_drop_all;
	bpf_program__set_autoload(skel->progs.flood_syn, false);
	bpf_program__set_autoload(touch ? skel->progs.xdp_drop_all
					: skel->progs.xdp_touch_drop,
				  false);
	if (flood_gen_bpf__load(skel))
		goto out;
	fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &lo);
	if (fd < 0) {
		fprintf(stderr, "attach-drop: %s: %s\n", dev, strerror(-fd));
		goto out;
	}
	if (bpf_obj_pin(fd, pin)) {
		fprintf(stderr, "attach-drop: pin %s: %s\n", pin,
			strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	ret = 0;
out:
	flood_gen_bpf__destroy(skel);
	return ret;
}

struct run_args {
	const char *dev, *dst_mac, *dst, *src_net, *src_mac;
	int dport, cpu, batch, ttl, md5;
	double duration;
	unsigned long rate, train;
};

static int cmd_run(const struct run_args *a)
{
	struct flood_gen_bpf *skel = NULL;
	struct xdp_md ctx = {};
	struct frame f;
	struct frame_spec sp = {.ttl = a->ttl, .md5 = a->md5};
	struct sigaction sa = {.sa_handler = on_signal};
	struct itimerval it = {};
	__u32 base, hostmask;
	struct in_addr dst;
	__u64 t0, t1, calls = 0;
	size_t flen;
	int ifindex, err = 0, ret = 1;

	ifindex = a->dev ? if_nametoindex(a->dev) : 0;
	if (!ifindex || !a->dst_mac || parse_mac(a->dst_mac, sp.dst_mac) ||
	    !a->dst || inet_pton(AF_INET, a->dst, &dst) != 1 ||
	    parse_cidr(a->src_net, &base, &hostmask) || a->train < 1 ||
	    a->duration <= 0 || a->ttl < 1 || a->ttl > 255 ||
	    (a->src_mac && parse_mac(a->src_mac, sp.src_mac))) {
		usage(stderr);
		return 2;
	}
	if (!a->src_mac && if_mac(a->dev, sp.src_mac)) {
		fprintf(stderr, "run: MAC of %s: %s\n", a->dev,
			strerror(errno));
		return 1;
	}
	if (a->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(a->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("sched_setaffinity");
	}

	skel = flood_gen_bpf__open();
	if (!skel)
		return 1;
	skel->rodata->train_len = a->train;
	skel->rodata->train_interval_ns =
		a->rate ? a->train * 1000000000ULL / a->rate : 0;
	skel->rodata->src_base = base;
	skel->rodata->src_hostmask = hostmask;
	bpf_program__set_autoload(skel->progs.xdp_drop_all, false);
	bpf_program__set_autoload(skel->progs.xdp_touch_drop, false);
	if (flood_gen_bpf__load(skel))
		goto out;

	/* The program rewrites the source for every frame; with a /32 it
	 * writes this same address, and the checksums stay right. */
	sp.saddr = htonl(hostmask ? base | 1 : base);
	sp.daddr = dst.s_addr;
	sp.dport = a->dport;
	srandom(now_ns());
	flen = build_frame(&f, &sp);
	ctx.data_end = flen;
	ctx.ingress_ifindex = ifindex;

	/* No SA_RESTART: the signal must end the test_run call. */
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	it.it_value.tv_sec = (time_t)a->duration;
	it.it_value.tv_usec =
		(suseconds_t)((a->duration - (time_t)a->duration) * 1e6);
	t0 = now_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	while (!stop) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = &f,
			    .data_size_in = flen, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx),
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
			    .repeat = 0xffffffffu, .batch_size = a->batch);

		/* Ends when the repeats run out (tens of seconds) or,
		 * normally, with -EINTR when the timer fires. */
		err = bpf_prog_test_run_opts(
			bpf_program__fd(skel->progs.flood_syn), &o);
		calls++;
		if (err && err != -EINTR) {
			fprintf(stderr, "run: test_run: %s\n", strerror(-err));
			goto out;
		}
	}
	t1 = now_ns();
	printf("flood_gen: sent=%llu paced_out=%llu elapsed_ns=%llu "
	       "pps=%.0f calls=%llu\n",
	       (unsigned long long)skel->bss->sent,
	       (unsigned long long)skel->bss->paced_out,
	       (unsigned long long)(t1 - t0),
	       skel->bss->sent * 1e9 / (double)(t1 - t0),
	       (unsigned long long)calls);
	ret = 0;
out:
	flood_gen_bpf__destroy(skel);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dev", required_argument, NULL, 'i'},
		{"dst-mac", required_argument, NULL, 'm'},
		{"dst", required_argument, NULL, 'd'},
		{"dport", required_argument, NULL, 'p'},
		{"src-net", required_argument, NULL, 's'},
		{"src-mac", required_argument, NULL, 'M'},
		{"ttl", required_argument, NULL, 'L'},
		{"md5", no_argument, NULL, '5'},
		{"rate", required_argument, NULL, 'r'},
		{"train", required_argument, NULL, 't'},
		{"duration", required_argument, NULL, 'D'},
		{"cpu", required_argument, NULL, 'c'},
		{"batch", required_argument, NULL, 'b'},
		{"pin", required_argument, NULL, 'P'},
		{"touch", no_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	struct run_args a = {
		.src_net = "16.0.0.0/4",
		.dport = 179,
		.cpu = -1,
		.ttl = 64,
		/* test_run's maximum: frames go out and come back to the
		 * page pool in bigger bulks; ~2x the rate of the default 64
		 * here, which is what lets the empty XDP_DROP saturate. */
		.batch = 256,
		.duration = 10,
		.train = 32,
	};
	const char *cmd, *pin = NULL;
	int c, touch = 0;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			a.dev = optarg;
			break;
		case 'm':
			a.dst_mac = optarg;
			break;
		case 'd':
			a.dst = optarg;
			break;
		case 'p':
			a.dport = atoi(optarg);
			break;
		case 's':
			a.src_net = optarg;
			break;
		case 'M':
			a.src_mac = optarg;
			break;
		case 'L':
			a.ttl = atoi(optarg);
			break;
		case '5':
			a.md5 = 1;
			break;
		case 'r':
			a.rate = strtoul(optarg, NULL, 0);
			break;
		case 't':
			a.train = strtoul(optarg, NULL, 0);
			break;
		case 'D':
			a.duration = atof(optarg);
			break;
		case 'c':
			a.cpu = atoi(optarg);
			break;
		case 'b':
			a.batch = atoi(optarg);
			break;
		case 'P':
			pin = optarg;
			break;
		case 'T':
			touch = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (geteuid() != 0) {
		printf("skipped: flood_gen needs root\n");
		return EXIT_SKIP;
	}
	libbpf_set_print(libbpf_quiet);
	if (!strcmp(cmd, "run"))
		return cmd_run(&a);
	if (!strcmp(cmd, "attach-drop"))
		return cmd_attach_drop(a.dev, pin, touch);
	usage(stderr);
	return 2;
}
