// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldd: options, config check and print, daemonising; then the
 * parent (parent.c), which forks the engine (engine.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "tcpsec.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bgpshieldd [-dtnv] [-c FILE] [-s SOCKET] [-p PIDFILE]\n"
		"                  [-a AUDITLOG] [--pin-dir DIR]\n\n"
		"The bgpshield daemon: a BGP speaker whose port 179 is guarded\n"
		"in the kernel by an eBPF program it programs from the same\n"
		"config that defines its neighbors.\n\n"
		"Options:\n"
		"  -c, --config FILE     config file (default %s)\n"
		"  -t, --check           check the config and exit: 0 good, 1 "
		"not\n"
		"  -n, --print           print the config in canonical form "
		"(secrets\n"
		"                        masked) and exit\n"
		"  -d, --foreground      stay in the foreground, log to "
		"stderr\n"
		"  -s, --socket PATH     control socket (default %s)\n"
		"  -p, --pidfile PATH    pid file (default %s)\n"
		"  -a, --audit PATH      JSON-lines audit log (overrides log { "
		"audit })\n"
		"      --pin-dir DIR     guard pin folder (overrides guard { "
		"pin-dir })\n"
		"  -v, --verbose         debug logging\n"
		"  -V, --version         print the version\n"
		"  -h, --help            this help\n\n"
		"Signals: SIGHUP reloads the config (a config that fails "
		"changes\n"
		"nothing); SIGTERM stops, leaving the guard enforcing unless "
		"the\n"
		"config says guard { on-exit detach; }.\n\n"
		"Runs as root: the parent loads the guard and binds the "
		"sockets;\n"
		"the engine runs as the config's user (default bgpshield) "
		"with no\n"
		"capabilities, no_new_privs, Landlock and seccomp.  -t and -n "
		"need\n"
		"no privileges.\n",
		DAEMON_CONF_DEFAULT, DAEMON_SOCK_DEFAULT, DAEMON_PID_DEFAULT);
}

static void warn_line(const char *line, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
}

static void daemonise(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	setsid();
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		fatal("chdir /");
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 't' },
		{ "print", no_argument, NULL, 'n' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "audit", required_argument, NULL, 'a' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct daemon_opts o = { .conf = DAEMON_CONF_DEFAULT,
				 .sock = DAEMON_SOCK_DEFAULT,
				 .pidfile = DAEMON_PID_DEFAULT };
	int check = 0, print = 0, c;

	while ((c = getopt_long(argc, argv, "c:tnds:p:a:vVh", lo, NULL)) !=
	       -1) {
		switch (c) {
		case 'c':
			o.conf = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'n':
			print = 1;
			break;
		case 'd':
			o.foreground = 1;
			break;
		case 's':
			o.sock = optarg;
			break;
		case 'p':
			o.pidfile = optarg;
			break;
		case 'a':
			o.audit = optarg;
			break;
		case 'P':
			o.pin_dir = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'V':
			printf("bgpshieldd %s\n", BGPSHIELD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bgpshieldd: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	log_init("bgpshieldd", o.verbose);
	if (!getenv("LIBBPF_LOG"))
		libbpf_set_print(NULL);
	if (check || print) {
		struct config *cfg;
		char err[1024];

		if (config_load(o.conf, &cfg, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		/* A neighbor this kernel cannot secure would never come up:
		 * say so where the config is checked.  A warning, not an
		 * error: the file is right, this host's kernel is not. */
		for (size_t i = 0; i < cfg->nneighbors; i++) {
			const struct cfg_neighbor *n = &cfg->neighbors[i];
			char a[PREFIX_STRLEN];

			if (!n->tcp_ao.enabled || tcpsec_ao_supported())
				continue;
			fprintf(stderr,
				"%s:%u:%u: warning: neighbor %s: tcp-ao needs a "
				"kernel with TCP-AO (Linux 6.7+, "
				"CONFIG_TCP_AO); on this one the neighbor "
				"will not start\n",
				o.conf, n->line, n->col,
				prefix_fmt(&n->address, a, sizeof(a)));
		}
		/* RFC 8212 reminders: eBGP without a policy. */
		config_warnings(cfg, o.conf, warn_line, NULL);
		if (print)
			config_print(stdout, cfg);
		else
			fprintf(stderr, "%s: configuration OK\n", o.conf);
		config_free(cfg);
		return 0;
	}
	if (geteuid() != 0) {
		fprintf(stderr,
			"bgpshieldd: must start as root (it loads the guard "
			"and binds port 179; the engine then drops to an "
			"unprivileged user). -t and -n need no privileges.\n");
		return 1;
	}
	umask(027);
	if (!o.foreground) {
		daemonise();
		log_to_syslog("bgpshieldd");
	}
	return parent_main(&o);
}
