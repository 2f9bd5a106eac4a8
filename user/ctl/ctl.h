/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bgpshieldctl's commands that live in files of their own (audit, keygen,
 * guard nft).  Each takes the global options and its own argv (argv[0] is
 * the command's name) and returns the exit status: 0 success, 1 failure,
 * 2 usage error.  "--help" prints the command's help to stdout, exit 0.
 */
#ifndef BGPS_CTL_H
#define BGPS_CTL_H

struct ctl_opts {
	int json;		/* -j */
	const char *sock;	/* -s: the daemon's control socket */
	const char *pin_dir;	/* --pin-dir */
	const char *conf;	/* -c: the config (default
				 * /etc/bgpshield/bgpshield.conf) */
};

/* bgpshieldctl audit: the hardening checklist against the live host. */
int ctl_audit(const struct ctl_opts *o, int argc, char **argv);
/* bgpshieldctl keygen [--bytes N] PATH */
int ctl_keygen(const struct ctl_opts *o, int argc, char **argv);
/* bgpshieldctl guard nft: the nftables ruleset equal to the config's
 * guard policy. */
int ctl_guard_nft(const struct ctl_opts *o, int argc, char **argv);

/* Helpers the room's files share (bgpshieldctl.c). */

/* s as a JSON string, quotes included, to stdout. */
void ctl_json_str(const char *s);

#endif
