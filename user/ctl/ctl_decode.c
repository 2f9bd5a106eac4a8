// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldctl decode: one BGP message given in hex, decoded by the same
 * code as the API's events (api_json.c) and printed as the event a process
 * would read.  Local: no daemon, no session.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "api_json.h"
#include "ctl.h"

/* Hex digits from all args; spaces, colons and 0x prefixes are ignored.
 * Returns the byte count, or -1 with a reason for bad input. */
static long decode_hex(int argc, char **argv, uint8_t *out, size_t cap,
		       const char **why)
{
	size_t n = 0;
	int half = -1, i;

	for (i = 0; i < argc; i++) {
		const char *s = argv[i];

		for (; *s; s++) {
			int v;

			if (*s == ' ' || *s == ':' || *s == '\t' || *s == '\n')
				continue;
			if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
			    half < 0) {
				s++;
				continue;
			}
			v = hex_nibble(*s);
			if (v < 0) {
				*why = "not a hex digit";
				return -1;
			}
			if (half < 0) {
				half = v;
				continue;
			}
			if (n == cap) {
				*why = "longer than a BGP message";
				return -1;
			}
			out[n++] = half << 4 | v;
			half = -1;
		}
	}
	if (half >= 0) {
		*why = "odd number of hex digits";
		return -1;
	}
	if (!n) {
		*why = "no message";
		return -1;
	}
	return n;
}

static void decode_help(FILE *f)
{
	fprintf(f,
		"Usage: bgpshieldctl decode [--family AFI SAFI] [--asn2] "
		"[--no-ext-nh] [--add-path FAMILY]...\n"
		"                            [--text] HEX...\n\n"
		"Decode one BGP message given in hex and print it as the API's\n"
		"ExaBGP 4 JSON event (docs/API.md, Events).  HEX is the whole\n"
		"message, with or without the 16-byte all-ones marker; spaces,\n"
		"colons and 0x are ignored, several arguments are joined.  The\n"
		"neighbor is a placeholder: 127.0.0.1 both ends, AS 0.\n\n"
		"  --asn2            the session did not negotiate 4-octet ASNs\n"
		"  --no-ext-nh       nor extended next hops (RFC 8950): IPv4\n"
		"                    with an IPv6 next hop is treat-as-withdraw\n"
		"  --add-path FAMILY the session receives ADD-PATH path ids\n"
		"                    (RFC 7911) for FAMILY: ipv4 (unicast),\n"
		"                    ipv6 (unicast) or all; repeatable\n"
		"  --family AFI SAFI the session's family: 1 1 (IPv4 unicast,\n"
		"                    the default) or 2 1 (IPv6 unicast)\n"
		"  --text            ExaBGP's text encoder instead of JSON\n"
		"  -h, --help        this help\n\n"
		"Exit status: 0 decoded, 1 malformed (the NOTIFICATION a\n"
		"speaker would send is printed), 2 usage error.\n");
}

static int cmd_decode(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "family", required_argument, NULL, 'f' },
		{ "asn2", no_argument, NULL, '2' },
		{ "no-ext-nh", no_argument, NULL, 'x' },
		{ "add-path", required_argument, NULL, 'a' },
		{ "text", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static uint8_t msg[BGP_EXT_MAX_LEN];
	uint8_t *raw = msg + 16;
	/* offline: assume what the message shows was negotiated */
	struct bgp_sess_ctx ctx = { .as4 = 1, .ebgp = 0, .ext_nh_v4 = 1 };
	struct prefix lo4 = { .family = AF_INET, .plen = 32,
			      .addr = { 127, 0, 0, 1 } };
	struct apij_env env = { 0 };
	struct jbuf b;
	struct bgp_err err;
	char host[256] = "localhost";
	const char *why = NULL;
	long n;
	int c, text = 0, r;
	uint32_t afi = 1, safi = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			/* --family AFI SAFI: SAFI is the next argument */
			if (optind >= argc ||
			    parse_u32(optarg, 1, 65535, &afi) ||
			    parse_u32(argv[optind], 1, 255, &safi)) {
				fprintf(stderr, "bgpshieldctl: decode: "
						"--family takes AFI SAFI\n");
				return 2;
			}
			optind++;
			break;
		case '2':
			ctx.as4 = 0;
			break;
		case 'x':
			ctx.ext_nh_v4 = 0;
			break;
		case 'a':
			/* NLRI of the family carry a path identifier
			 * (RFC 7911 §3), as if receive was negotiated */
			if (!strcmp(optarg, "ipv4") ||
			    !strcmp(optarg, "ipv4-unicast") ||
			    !strcmp(optarg, "ipv4/unicast")) {
				ctx.addpath_rx |= BGP_FAM_IPV4U;
			} else if (!strcmp(optarg, "ipv6") ||
				   !strcmp(optarg, "ipv6-unicast") ||
				   !strcmp(optarg, "ipv6/unicast")) {
				ctx.addpath_rx |= BGP_FAM_IPV6U;
			} else if (!strcmp(optarg, "all")) {
				ctx.addpath_rx |= BGP_FAM_ALL;
			} else {
				fprintf(stderr, "bgpshieldctl: decode: "
						"--add-path takes ipv4, ipv6 "
						"or all\n");
				return 2;
			}
			break;
		case 't':
			text = 1;
			break;
		case 'h':
			decode_help(stdout);
			return 0;
		default:
			decode_help(stderr);
			return 2;
		}
	}
	if (safi != BGP_SAFI_UNICAST ||
	    (afi != BGP_AFI_IPV4 && afi != BGP_AFI_IPV6)) {
		fprintf(stderr, "bgpshieldctl: decode: only families 1 1 "
				"(ipv4 unicast) and 2 1 (ipv6 unicast)\n");
		return 2;
	}
	if (optind >= argc) {
		decode_help(stderr);
		return 2;
	}
	n = decode_hex(argc - optind, argv + optind, raw,
		       sizeof(msg) - 16, &why);
	if (n < 0) {
		fprintf(stderr, "bgpshieldctl: decode: %s\n", why);
		return 2;
	}
	/* The marker is optional: 16 x 0xff in front means it is there,
	 * and so does a length field at offset 16 matching the whole (a
	 * message with a bad marker: Connection Not Synchronized). */
	if ((n >= 16 && !memcmp(raw, "\xff\xff\xff\xff\xff\xff\xff\xff"
				     "\xff\xff\xff\xff\xff\xff\xff\xff",
				16)) ||
	    (n >= BGP_HDR_LEN && (raw[16] << 8 | raw[17]) == n)) {
		memmove(msg, raw, n);
	} else {
		memset(msg, 0xff, 16);
		n += 16;
	}
	gethostname(host, sizeof(host) - 1);
	env.host = host;
	env.pid = getpid();
	env.ppid = getppid();
	env.counter = 1;
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		env.time = ts.tv_sec + ts.tv_nsec / 1e9;
	}
	env.local = env.peer = &lo4;
	env.direction = "receive";
	jbuf_init(&b);
	if (text)
		r = apit_message(&b, &env, msg, n, &ctx, BGP_EXT_MAX_LEN, &err);
	else
		r = apij_message(&b, &env, msg, n, &ctx, BGP_EXT_MAX_LEN, &err);
	if (r) {
		jbuf_free(&b);
		if (!err.code) {
			fprintf(stderr, "bgpshieldctl: decode: out of memory\n");
			return 1;
		}
		fprintf(stderr,
			"bgpshieldctl: decode: NOTIFICATION %u/%u (%s%s%s): "
			"the message is malformed",
			err.code, err.subcode, apij_err_code_name(err.code),
			*apij_err_subcode_name(err.code, err.subcode) ? ", " :
									"",
			apij_err_subcode_name(err.code, err.subcode));
		if (err.len) {
			size_t i;
			const uint8_t *d = bgp_err_data(&err);

			fprintf(stderr, "; data 0x");
			for (i = 0; i < err.len && i < 64; i++)
				fprintf(stderr, "%02X", d[i]);
			if (err.len > 64)
				fprintf(stderr, "...");
		}
		fputc('\n', stderr);
		return 1;
	}
	puts(b.p);
	jbuf_free(&b);
	return 0;
}

/* The table's entry: decode reads no global option. */
int ctl_decode(struct ctl_opts *o, int argc, char **argv)
{
	(void)o;
	return cmd_decode(argc, argv);
}
