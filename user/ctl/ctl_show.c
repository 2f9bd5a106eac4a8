// SPDX-License-Identifier: GPL-2.0-only
/*
 * bgpshieldctl show: neighbors and routes from the daemon; the guard from
 * the daemon, or from its pins when no daemon answers; the daemon's audit
 * log read from its file; the built-in bogon list.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "addr.h"
#include "config.h"
#include "ctl.h"
#include "filter.h"
#include "secfile.h"

/* The table is at the end, after the functions its rows name. */
static const struct ctl_cmd show_cmds[];

/* --- show bogons: the list behind reject-bogons (filter.c) ---------------- */

static int cmd_show_bogons(struct ctl_opts *o, int argc, char **argv)
{
	const struct filter_bogon *t;
	size_t n = filter_bogons(&t), wp = 6, ww = 4;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			o->json = 1;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			printf("Usage: bgpshieldctl show bogons [-j]\n\n"
			       "The ranges a neighbor's reject-bogons refuses "
			       "(a route inside one),\nwith the RFC behind "
			       "each.  Local: no daemon needed.\n");
			return 0;
		} else {
			fprintf(stderr,
				"bgpshieldctl: show bogons: unexpected '%s'\n"
				"usage: bgpshieldctl show bogons [-j]\n",
				argv[i]);
			return 2;
		}
	}
	if (o->json) {
		putchar('[');
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"prefix\":", i ? "," : "");
			ctl_json_str(t[i].prefix);
			printf(",\"what\":");
			ctl_json_str(t[i].what);
			printf(",\"rfc\":");
			ctl_json_str(t[i].rfc);
			putchar('}');
		}
		printf("]\n");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (strlen(t[i].prefix) > wp)
			wp = strlen(t[i].prefix);
		if (strlen(t[i].what) > ww)
			ww = strlen(t[i].what);
	}
	printf("%-*s  %-*s  %s\n", (int)wp, "PREFIX", (int)ww, "WHAT", "RFC");
	for (size_t i = 0; i < n; i++)
		printf("%-*s  %-*s  %s\n", (int)wp, t[i].prefix, (int)ww,
		       t[i].what, t[i].rfc);
	return 0;
}

/* --- show ----------------------------------------------------------------- */

static int show_neighbor(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "neighbor");
	int summary;

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("show", c);
		return 0;
	}
	summary = argc > 1 && !strcmp(argv[argc - 1], "summary");
	if (argc - 1 - summary > 1)
		return ctl_cmd_usage("show", c, "too many arguments");
	if (argc - 1 - summary == 1 && !ctl_is_addr(argv[1]))
		return ctl_cmd_usage("show", c, "not a neighbor address");
	argv[0] = "show neighbor";
	return ctl_daemon_args(o, argc, argv);
}

static int show_rib(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "rib");
	struct prefix p;
	char err[160];
	int i = 2;

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("show", c);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "in") && strcmp(argv[1], "out")))
		return ctl_cmd_usage("show", c, "in or out?");
	if (argc > i && !strcmp(argv[i], "neighbor")) {
		if (argc <= i + 1 || !ctl_is_addr(argv[i + 1]))
			return ctl_cmd_usage("show", c,
					     "'neighbor' needs an address");
		i += 2;
	}
	if (argc > i && prefix_parse(argv[i], &p, err, sizeof(err)))
		return ctl_cmd_usage("show", c, err);
	if (argc > i + 1)
		return ctl_cmd_usage("show", c, "too many arguments");
	argv[0] = "show rib";
	return ctl_daemon_args(o, argc, argv);
}

static int show_flowspec(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "flowspec");

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("show", c);
		return 0;
	}
	if (argc != 1)
		return ctl_cmd_usage("show", c, "no arguments expected");
	argv[0] = "show flowspec";
	return ctl_daemon_args(o, argc, argv);
}

/* Through the daemon when it answers, else straight from the pins. */
static int show_guard(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "guard");
	int r;

	if (ctl_take_flags(o, &argc, argv)) {
		ctl_print_help("show", c);
		return 0;
	}
	if (argc != 1)
		return ctl_cmd_usage("show", c, "no arguments expected");
	r = ctl_daemon_request(o, "show guard", 1, NULL);
	if (r >= 0)
		return r;
	return ctl_guard_status(o);
}

static int show_bogons(struct ctl_opts *o, int argc, char **argv)
{
	return cmd_show_bogons(o, argc, argv);
}

/* The value of "key":"..." in a flat JSON object, unescaped (\\uXXXX
 * below 0x80 only).  0 found, -1 not there or not a string. */
static int json_get_str(const char *j, const char *key, char *out,
			size_t len)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(j, pat);
	if (!p)
		return -1;
	for (p += strlen(pat); *p && *p != '"' && n + 1 < len; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p == 'u' && strlen(p) >= 5) {
				out[n++] = (char)strtol(
					(char[]){ p[1], p[2], p[3], p[4], 0 },
					NULL, 16);
				p += 4;
				continue;
			}
			out[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = 0;
	return *p == '"' ? 0 : -1;
}

/*
 * Where the audit log is: the running daemon says (its -a or the
 * config's log { audit }); without a daemon, the config (-c).
 */
static int audit_path(struct ctl_opts *o, char *out, size_t len)
{
	struct ctl_capture cap = { 0 };
	int json = o->json, r;

	o->json = 1;
	r = ctl_daemon_request(o, "status", 1, &cap);
	o->json = json;
	if (r == 0 && cap.p) {
		r = json_get_str(cap.p, "audit", out, len);
		free(cap.p);
		if (r < 0) {
			fprintf(stderr, "bgpshieldctl: bgpshieldd writes no "
					"audit log (config: log { audit PATH; "
					"})\n");
			return -1;
		}
		return 0;
	}
	free(cap.p);
	if (r > 0)
		return -1;
	{
		struct config *c = NULL;
		char err[1024], *buf = NULL;
		size_t blen = 0;
		FILE *f = fopen(o->conf, "r");

		if (!f) {
			fprintf(stderr,
				"bgpshieldctl: bgpshieldd is not running and "
				"%s: %s; name the log with --file PATH\n",
				o->conf, strerror(errno));
			return -1;
		}
		{
			FILE *m = open_memstream(&buf, &blen);
			char chunk[4096];
			size_t k;

			while (m && (k = fread(chunk, 1, sizeof(chunk), f)))
				fwrite(chunk, 1, k, m);
			if (m)
				fclose(m);
		}
		fclose(f);
		r = buf ? config_parse_buf(buf, blen, o->conf, &c, err,
					   sizeof(err))
			: -1;
		if (buf)
			secfile_wipe(buf, blen);
		if (r < 0) {
			fprintf(stderr, "bgpshieldctl: %s\n",
				buf ? err : "out of memory");
			return -1;
		}
		if (!c->audit_path) {
			fprintf(stderr, "bgpshieldctl: %s has no log { audit "
					"PATH; }\n",
				o->conf);
			config_free(c);
			return -1;
		}
		snprintf(out, len, "%s", c->audit_path);
		config_free(c);
	}
	return 0;
}

/* One audit line as "TIME EVENT MESSAGE", or the raw JSON with -j. */
static void event_print(const struct ctl_opts *o, const char *line)
{
	char when[64], ev[64], msg[2048];

	if (o->json || line[0] != '{') {
		puts(line);
		return;
	}
	if (json_get_str(line, "time", when, sizeof(when)))
		snprintf(when, sizeof(when), "-");
	if (json_get_str(line, "event", ev, sizeof(ev)))
		snprintf(ev, sizeof(ev), "-");
	if (!json_get_str(line, "message", msg, sizeof(msg))) {
		printf("%s %s %s\n", when, ev, msg);
		return;
	}
	/* other events: the members after time and event, as written */
	{
		const char *p = strstr(line, "\"event\":");
		const char *rest = p ? strchr(p + 8 + 1, '"') : NULL;

		if (rest && rest[1] == ',')
			printf("%s %s %.*s\n", when, ev,
			       (int)strlen(rest + 2) - 1, rest + 2);
		else
			printf("%s %s\n", when, ev);
	}
}

#define EVENTS_MAX 100000

static int show_events(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c = ctl_find_cmd(show_cmds, "events");
	static const struct option lo[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "lines", required_argument, NULL, 'n' },
		{ "file", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char path[4096], **ring = NULL, *line = NULL;
	const char *file = NULL;
	uint32_t n = 20;
	size_t cap = 0, seen = 0;
	int follow = 0, ch;
	struct stat st;
	FILE *f;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "fn:jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'f':
			follow = 1;
			break;
		case 'n':
			if (parse_u32(optarg, 0, EVENTS_MAX, &n))
				return ctl_cmd_usage("show", c,
						     "-n takes 0..100000");
			break;
		case 'F':
			file = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			ctl_print_help("show", c);
			return 0;
		default:
			return ctl_cmd_usage("show", c, "bad option");
		}
	}
	if (optind != argc)
		return ctl_cmd_usage("show", c, "no arguments expected");
	if (file)
		snprintf(path, sizeof(path), "%s", file);
	else if (audit_path(o, path, sizeof(path)))
		return 1;
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "bgpshieldctl: audit log %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	/* the last n lines: a ring of them, read forward */
	ring = n ? calloc(n, sizeof(*ring)) : NULL;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (!n)
			continue;
		free(ring[seen % n]);
		ring[seen % n] = strdup(line);
		seen++;
	}
	for (size_t i = seen > n ? seen - n : 0; i < seen; i++) {
		if (ring[i % n])
			event_print(o, ring[i % n]);
		free(ring[i % n]);
	}
	free(ring);
	fflush(stdout);
	if (!follow)
		goto out;
	/* like tail -F: new lines as they come; a rotated log is reopened */
	ctl_catch_signals();
	fstat(fileno(f), &st);
	while (!ctl_stop) {
		struct stat now;
		struct timespec ts = { 0, 200 * 1000000L };
		ssize_t k;

		clearerr(f);
		while ((k = getline(&line, &cap, f)) > 0) {
			if (line[k - 1] != '\n') {
				/* half a line: wait for the rest */
				fseek(f, -k, SEEK_CUR);
				break;
			}
			line[k - 1] = 0;
			event_print(o, line);
		}
		fflush(stdout);
		nanosleep(&ts, NULL);
		if (stat(path, &now) == 0 &&
		    (now.st_ino != st.st_ino || now.st_size < ftell(f))) {
			FILE *nf = fopen(path, "r");

			if (nf) {
				fclose(f);
				f = nf;
				fstat(fileno(f), &st);
			}
		}
	}
out:
	free(line);
	fclose(f);
	return 0;
}

static const struct ctl_cmd show_cmds[] = {
	{ "neighbor", show_neighbor, "[ADDR] [summary]",
	  "neighbors: state, uptime, prefixes, authentication",
	  "A table of the configured neighbors: AS numbers, which of TCP-MD5\n"
	  "(RFC 2385), TCP-AO (RFC 5925) and GTSM (RFC 5082) are in force,\n"
	  "session state, uptime, prefixes in and out and the last error.\n"
	  "With ADDR, every detail of that neighbor; with summary, one short\n"
	  "line each.  -j: a JSON array with the same fields and more." },
	{ "rib", show_rib, "in|out [neighbor ADDR] [PREFIX]",
	  "routes received from (in) or announced to (out) neighbors",
	  "The Adj-RIB-In (routes a neighbor sent, after import filters) or\n"
	  "the Adj-RIB-Out (routes announced to it) of one neighbor, or of\n"
	  "every neighbor without 'neighbor ADDR'.  PREFIX shows only that\n"
	  "route.  At most 10000 routes are shown; the rest are counted." },
	{ "flowspec", show_flowspec, "",
	  "the flowspec rules to enforce, and where each comes from",
	  "The flowspec rules the daemon has the guard enforce, in order:\n"
	  "each with its origin (config: a neighbor's flow block; api:\n"
	  "announced through the API; received: the neighbor sent it) and\n"
	  "the neighbor it goes to or came from.  One rule a match: the\n"
	  "first source wins.  Counters: 'guard flowspec'." },
	{ "guard", show_guard, "",
	  "the guard's policy and counters",
	  "The guard's policy, port, attached interfaces and counters: from\n"
	  "the daemon when it runs, otherwise read from the pinned maps\n"
	  "directly (as 'guard status'; needs root)." },
	{ "events", show_events, "[-f] [-n N] [--file PATH]",
	  "the daemon's audit log",
	  "The last N (default 20) lines of the daemon's audit log: guard\n"
	  "drop summaries, refused control commands, reloads, process exits.\n"
	  "The log's path comes from the running daemon (its -a or the\n"
	  "config's log { audit }), else from the config (-c CONF), or\n"
	  "--file PATH.  One line each: time, event, message; -j prints the\n"
	  "JSON lines as written.\n\n"
	  "  -f, --follow      keep printing new lines until interrupted;\n"
	  "                    a rotated log is reopened\n"
	  "  -n, --lines N     lines to show first (0..100000)\n"
	  "      --file PATH   read this log" },
	{ "bogons", show_bogons, "",
	  "the built-in bogon list (reject-bogons)",
	  "The ranges a neighbor's reject-bogons refuses (a route inside\n"
	  "one), with the RFC behind each.  Local: no daemon needed." },
	{ 0 }
};

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: bgpshieldctl [-j] show WHAT ...\n\nWhat:\n");
	for (const struct ctl_cmd *c = show_cmds; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\n'bgpshieldctl show WHAT --help' for each one's "
		   "arguments.\n");
}

int ctl_show(struct ctl_opts *o, int argc, char **argv)
{
	const struct ctl_cmd *c;
	int rc = ctl_family_help(argc, argv, show_usage);

	if (rc >= 0)
		return rc;
	c = ctl_find_cmd(show_cmds, argv[1]);
	if (!c && !strcmp(argv[1], "neighbors"))
		c = ctl_find_cmd(show_cmds, "neighbor");
	if (!c) {
		/* The daemon decides what it can show (a newer daemon may
		 * know more); its refusal is audited. */
		ctl_take_flags(o, &argc, argv);
		return ctl_daemon_args(o, argc, argv);
	}
	return c->fn(o, argc - 1, argv + 1);
}
