// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldctl: the operator's command.  A table of commands, each with its
 * own options and help (xdp-tools' shape).  This file holds main, the
 * top-level table and the commands that only pass a request to the daemon,
 * the daemon's control socket, and the helpers the room's other files
 * share (ctl.h).  The families with more to them have files of their own:
 * show (ctl_show.c), guard (ctl_guard.c, on the pinned BPF objects, so the
 * guard stands without the daemon), decode, audit, keygen and guard nft.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "addr.h"
#include "bgpshield_guard.h"
#include "ctl.h"
#include "log.h"

#define VERSION "0.1"

/* --- helpers the room's files share (ctl.h) ------------------------------- */

volatile int ctl_stop;

static void on_signal(int sig)
{
	(void)sig;
	ctl_stop = 1;
}

void ctl_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* A JSON string literal; NULL prints as "" (audit details may be unset). */
void ctl_json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* --- the daemon's control socket ------------------------------------------ */

/*
 * One request line, the answer until the daemon closes: "ok" or "error"
 * first, then the body.  0 ok, 1 failure (printed); -1 when quiet_absent
 * and the daemon cannot be reached (nothing printed).
 */
int ctl_daemon_request(struct ctl_opts *o, const char *req, int quiet_absent,
		       struct ctl_capture *cap)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char line[1100], buf[4096];
	int fd, ok = -1;
	ssize_t n;

	if (strlen(o->sock) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "bgpshieldctl: socket path too long\n");
		return 1;
	}
	strcpy(sun.sun_path, o->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (void *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		if (quiet_absent)
			return -1;
		fprintf(stderr,
			"bgpshieldctl: cannot reach bgpshieldd at %s: %s; "
			"is it running?%s\n",
			o->sock, strerror(e),
			e == EACCES ? " (run as root or as a member of the "
				      "socket's group)"
			: e == ENOENT || e == ECONNREFUSED
				? " (-s PATH names another instance)"
				: "");
		return 1;
	}
	snprintf(line, sizeof(line), "%s%s\n", o->json ? "json " : "", req);
	if (write(fd, line, strlen(line)) < 0) {
		close(fd);
		fprintf(stderr, "bgpshieldctl: %s: %s\n", o->sock,
			strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t off = 0;

		if (ok < 0) {
			/* the status line */
			char *nl = memchr(buf, '\n', n);

			if (!nl)
				break;
			ok = !strncmp(buf, "ok", 2);
			off = nl - buf + 1;
		}
		if (cap && ok) {
			char *np = realloc(cap->p, cap->len + (n - off) + 1);

			if (!np)
				break;
			cap->p = np;
			memcpy(cap->p + cap->len, buf + off, n - off);
			cap->len += n - off;
			cap->p[cap->len] = 0;
		} else {
			fwrite(buf + off, 1, n - off, ok ? stdout : stderr);
		}
	}
	close(fd);
	if (ok < 0) {
		fprintf(stderr, "bgpshieldctl: no answer from bgpshieldd\n");
		return 1;
	}
	return ok ? 0 : 1;
}

/* argv joined with spaces: the request line. 0, or 2 (too long). */
static int join_args(char *req, size_t cap, int argc, char **argv)
{
	size_t n = 0;

	req[0] = 0;
	for (int i = 0; i < argc; i++) {
		int w = snprintf(req + n, cap - n, "%s%s", i ? " " : "",
				 argv[i]);

		if (w < 0 || (size_t)w >= cap - n) {
			fprintf(stderr, "bgpshieldctl: request too long\n");
			return 2;
		}
		n += w;
	}
	return 0;
}

int ctl_daemon_args(struct ctl_opts *o, int argc, char **argv)
{
	char req[1024];

	if (join_args(req, sizeof(req), argc, argv))
		return 2;
	return ctl_daemon_request(o, req, 0, NULL);
}

/* --- commands in files of their own (ctl.h) ------------------------------- */

/*
 * Fallbacks while a command's file is not linked in: the file's own
 * definition replaces these.
 */
static int not_built(const char *what)
{
	fprintf(stderr, "bgpshieldctl: '%s' is not built into this "
			"bgpshieldctl\n", what);
	return 1;
}

__attribute__((weak)) int ctl_audit(const struct ctl_opts *o, int argc,
				    char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	return not_built("audit");
}

__attribute__((weak)) int ctl_keygen(const struct ctl_opts *o, int argc,
				     char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	return not_built("keygen");
}

__attribute__((weak)) int ctl_guard_nft(const struct ctl_opts *o, int argc,
					char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	return not_built("guard nft");
}

/* --- the top-level commands ----------------------------------------------- */

static const struct ctl_cmd top_cmds[];

void ctl_print_help(const char *parent, const struct ctl_cmd *c)
{
	printf("Usage: bgpshieldctl [-j] [-s SOCKET] %s%s%s %s\n\n%s\n",
	       parent, *parent ? " " : "", c->name, c->usage, c->help);
}

/*
 * Daemon commands take -j/--json anywhere and -h/--help: take them out of
 * argv.  1 when help was asked for.
 */
int ctl_take_flags(struct ctl_opts *o, int *argc, char **argv)
{
	int k = 0, help = 0;

	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			o->json = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			help = 1;
		else
			argv[k++] = argv[i];
	}
	argv[k] = NULL;
	*argc = k;
	return help;
}

int ctl_cmd_usage(const char *parent, const struct ctl_cmd *c, const char *why)
{
	fprintf(stderr, "bgpshieldctl: %s\nusage: bgpshieldctl %s%s%s %s\n",
		why, parent, *parent ? " " : "", c->name, c->usage);
	return 2;
}

const struct ctl_cmd *ctl_find_cmd(const struct ctl_cmd *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

int ctl_family_help(int argc, char **argv, void (*usage)(FILE *f))
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	return -1;
}

/* status, reload, metrics: no arguments, straight to the daemon */
static int cmd_simple(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(top_cmds, argv[0]);

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("", c);
		return 0;
	}
	if (argc != 1)
		return ctl_cmd_usage("", c, "no arguments expected");
	return ctl_daemon_request(o, argv[0], 0, NULL);
}

int ctl_is_addr(const char *s)
{
	struct prefix p;
	char err[160];

	return prefix_parse(s, &p, err, sizeof(err)) == 0 &&
	       prefix_is_host(&p);
}

/* neighbor ADDR shutdown|restart ["TEXT"], neighbor ADDR announce ... */
static int cmd_neighbor(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(top_cmds, "neighbor");

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("", c);
		return 0;
	}
	if (argc < 3)
		return ctl_cmd_usage("", c, "name a neighbor and an action");
	if (!ctl_is_addr(argv[1]))
		return ctl_cmd_usage("", c, "not a neighbor address");
	if (!strcmp(argv[2], "restart") && argc != 3)
		return ctl_cmd_usage("", c, "'restart' takes no text");
	if (strcmp(argv[2], "shutdown") && strcmp(argv[2], "restart") &&
	    strcmp(argv[2], "announce") && strcmp(argv[2], "withdraw"))
		return ctl_cmd_usage("", c,
				     "the action is shutdown, restart, "
				     "announce or withdraw");
	return ctl_daemon_args(o, argc, argv);
}

static int cmd_announce(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(top_cmds, argv[0]);

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("", c);
		return 0;
	}
	if (argc < 2)
		return ctl_cmd_usage("", c, "what route?");
	return ctl_daemon_args(o, argc, argv);
}

static int cmd_tool(struct ctl_opts *o, int argc, char **argv)
{
	optind = 0;
	if (!strcmp(argv[0], "audit"))
		return ctl_audit(o, argc, argv);
	return ctl_keygen(o, argc, argv);
}

static int cmd_help(struct ctl_opts *o, int argc, char **argv);

static const struct ctl_cmd top_cmds[] = {
	{ "status", cmd_simple, "", "the daemon: version, engine, config",
	  "The running daemon: version, engine pid and user, uptime, config\n"
	  "generation, neighbors, the audit log, refused control commands\n"
	  "and API process counters." },
	{ "show", ctl_show, "neighbor|rib|guard|events|bogons ...",
	  "neighbors, routes, the guard, the audit log, bogons",
	  "'bgpshieldctl show --help' lists what can be shown." },
	{ "reload", cmd_simple, "", "re-read the config",
	  "Ask the daemon to read its config again (as SIGHUP).  A config\n"
	  "that fails to load changes nothing: the error is printed and the\n"
	  "exit status is 1.  Changes the daemon (control { change-group })." },
	{ "neighbor", cmd_neighbor,
	  "ADDR shutdown [\"TEXT\"] | ADDR restart | ADDR announce|withdraw ...",
	  "shut down or restart a session",
	  "shutdown closes the session with a Cease, Administrative Shutdown,\n"
	  "and TEXT as the RFC 9003 shutdown communication; it stays down\n"
	  "until 'restart'.  restart closes it with a Cease, Administrative\n"
	  "Reset (RFC 4486) and starts it again (also after a max-prefix\n"
	  "teardown).  announce/withdraw: as below, for this neighbor only." },
	{ "announce", cmd_announce,
	  "route PREFIX next-hop self|ADDR [ATTRIBUTES]",
	  "originate a route (the ExaBGP API command)",
	  "Originate a route through the same validation and export filters\n"
	  "as the API (docs/API.md); a refusal prints the reason." },
	{ "withdraw", cmd_announce, "route PREFIX [next-hop ...]",
	  "withdraw an originated route",
	  "Withdraw a route announced before (the ExaBGP API command)." },
	{ "metrics", cmd_simple, "",
	  "Prometheus/OpenMetrics text from the daemon",
	  "The daemon's metrics in the Prometheus text format, as its\n"
	  "metrics { listen } endpoint serves them." },
	{ "audit", cmd_tool, "[-j]", "check the host against the hardening "
	  "checklist",
	  "'bgpshieldctl audit --help' for the checks." },
	{ "keygen", cmd_tool, "[--bytes N] PATH",
	  "write a new random TCP-MD5/TCP-AO secret file",
	  "'bgpshieldctl keygen --help' for details." },
	{ "guard", ctl_guard, "COMMAND ...",
	  "the eBPF guard, directly on its pins (daemon or not)",
	  "'bgpshieldctl guard --help' lists its commands." },
	{ "decode", ctl_decode,
	  "[--family AFI SAFI] [--asn2] [--add-path FAMILY]... [--text] HEX",
	  "a BGP message in hex as the API's JSON event",
	  "'bgpshieldctl decode --help' for details." },
	{ "help", cmd_help, "[COMMAND]", "this help, or a command's",
	  "Print the list of commands, or one command's help." },
	{ 0 }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bgpshieldctl [-j] [-s SOCKET] [-c CONF] [--pin-dir DIR] "
		"COMMAND ...\n\n"
		"Control bgpshield, the BGP speaker with a kernel guard.\n\n"
		"Commands:\n");
	for (const struct ctl_cmd *c = top_cmds; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f,
		"\nOptions:\n"
		"  -j, --json          JSON output (also after the command)\n"
		"  -s, --socket PATH   the daemon's control socket (default "
		"%s)\n"
		"  -c, --config FILE   the config, for commands that read it\n"
		"                      (default %s)\n"
		"      --pin-dir DIR   the guard's bpffs folder (default %s,\n"
		"                      or $BGPSHIELD_PIN_DIR)\n"
		"  -V, --version       print the version\n"
		"  -h, --help          this help\n\n"
		"'bgpshieldctl COMMAND --help' for a command's arguments.\n"
		"Exit status: 0 success, 1 failure (the daemon refused, or "
		"cannot be\nreached), 2 usage error.\n",
		"/run/bgpshield/bgpshield.sock",
		"/etc/bgpshield/bgpshield.conf", BGPS_PIN_DIR_DEFAULT);
}

static int cmd_help(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c;
	char *h[] = { NULL, "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = ctl_find_cmd(top_cmds, argv[1]);
	if (!c || c->fn == cmd_help) {
		usage(c ? stdout : stderr);
		return c ? 0 : 2;
	}
	h[0] = argv[1];
	return c->fn(o, 2, h);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ctl_opts o = { 0 };
	const char *env = getenv("BGPSHIELD_PIN_DIR");
	const struct ctl_cmd *cmd;
	int c;

	log_init("bgpshieldctl", 0);
	o.pin_dir = env && *env ? env : BGPS_PIN_DIR_DEFAULT;
	/* libbpf's own messages are for developers; LIBBPF_LOG=1 shows them */
	if (!getenv("LIBBPF_LOG"))
		libbpf_set_print(NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	o.sock = "/run/bgpshield/bgpshield.sock";
	o.conf = "/etc/bgpshield/bgpshield.conf";
	while ((c = getopt_long(argc, argv, "+js:c:Vh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o.sock = optarg;
			break;
		case 'c':
			o.conf = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'P':
			o.pin_dir = optarg;
			break;
		case 'V':
			printf("bgpshieldctl %s\n", VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	cmd = ctl_find_cmd(top_cmds, argv[optind]);
	if (!cmd) {
		fprintf(stderr, "bgpshieldctl: unknown command '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	return cmd->fn(&o, argc - optind, argv + optind);
}
