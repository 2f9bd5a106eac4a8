// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guard loader (see guard.h).  Kernel objects live in the pin folder:
 *
 *   PIN_DIR/settings allow4 allow6 range4 range6 stats gstate events ifaces
 *           prefilter fs_rules fs_dst4 fs_dst6 fs_meta fs_hash4 fs_hash6
 *           fs_pf24
 *   PIN_DIR/prog_xdp prog_tc          newest loaded programs
 *   PIN_DIR/links/xdp_IFNAME          one XDP bpf_link per guarded interface
 *
 * XDP is attached through a pinned bpf_link, so it outlives the process that
 * made it and a newer program replaces it atomically (BPF_LINK_UPDATE).  tc
 * uses a cls_bpf filter at a fixed handle/priority, replaced atomically with
 * BPF_TC_F_REPLACE (libbpf 1.1 and 5.15 kernels have no tcx links).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <net/if_arp.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libmnl/libmnl.h>

#include "guard.h"
#include "guard.skel.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal, leaks out of some XDP paths */
#endif

static const struct {
	const char *name;
	size_t key_size;
	size_t value_size;
} map_desc[GM_MAX] = {
	[GM_SETTINGS] = { BGPS_MAP_SETTINGS, 4, sizeof(struct bgps_settings) },
	[GM_ALLOW4] = { BGPS_MAP_ALLOW4, 4, sizeof(struct bgps_peer) },
	[GM_ALLOW6] = { BGPS_MAP_ALLOW6, 16, sizeof(struct bgps_peer) },
	[GM_RANGE4] = { BGPS_MAP_RANGE4, sizeof(struct bgps_lpm4),
			sizeof(struct bgps_peer) },
	[GM_RANGE6] = { BGPS_MAP_RANGE6, sizeof(struct bgps_lpm6),
			sizeof(struct bgps_peer) },
	[GM_STATS] = { BGPS_MAP_STATS, 4, sizeof(struct bgps_stats) },
	[GM_GSTATE] = { BGPS_MAP_GSTATE, 4, sizeof(struct bgps_gstate) },
	[GM_EVENTS] = { BGPS_MAP_EVENTS, 0, 0 },
	[GM_IFACES] = { BGPS_MAP_IFACES, sizeof(struct bgps_iface_key),
			sizeof(struct bgps_iface) },
	[GM_PREFILTER] = { BGPS_MAP_PREFILTER, 4,
			   sizeof(struct bgps_prefilter) },
	[GM_FS_RULES] = { BGPS_MAP_FS_RULES, 4, sizeof(struct bgps_fs_rule) },
	[GM_FS_DST4] = { BGPS_MAP_FS_DST4, sizeof(struct bgps_lpm4),
			 sizeof(struct bgps_fs_group) },
	[GM_FS_DST6] = { BGPS_MAP_FS_DST6, sizeof(struct bgps_lpm6),
			 sizeof(struct bgps_fs_group) },
	[GM_FS_META] = { BGPS_MAP_FS_META, 4, sizeof(struct bgps_fs_meta) },
	[GM_FS_HASH4] = { BGPS_MAP_FS_HASH4, sizeof(struct bgps_lpm4),
			  sizeof(struct bgps_fs_group) },
	[GM_FS_HASH6] = { BGPS_MAP_FS_HASH6, sizeof(struct bgps_lpm6),
			  sizeof(struct bgps_fs_group) },
	[GM_FS_PF24] = { BGPS_MAP_FS_PF24, 4, sizeof(__u64) },
};

#define gerr(g, ...) snprintf((g)->err, sizeof((g)->err), __VA_ARGS__)

/* Errors every guard call can meet, phrased with what to do. */
static int gerr_errno(struct guard *g, int e, const char *what)
{
	if (e < 0)
		e = -e;
	if (e == EPERM || e == EACCES)
		gerr(g, "%s: permission denied: the guard needs root "
			"(CAP_BPF, CAP_NET_ADMIN)", what);
	else
		gerr(g, "%s: %s", what, strerror(e));
	return -e;
}

void guard_init(struct guard *g)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < GM_MAX; i++)
		g->map_fd[i] = -1;
	g->prog_xdp_fd = g->prog_tc_fd = -1;
}

int guard_use_object(struct guard *g, struct bpf_object *obj)
{
	for (int i = 0; i < GM_MAX; i++) {
		struct bpf_map *m =
			bpf_object__find_map_by_name(obj, map_desc[i].name);

		if (!m) {
			gerr(g, "BPF object lacks map %s", map_desc[i].name);
			return -ENOENT;
		}
		g->map_fd[i] = bpf_map__fd(m);
	}
	return 0;
}

static void pin_path(const struct guard *g, char *buf, size_t len,
		     const char *name)
{
	snprintf(buf, len, "%s/%s", g->pin_dir, name);
}

static void link_path(const struct guard *g, char *buf, size_t len,
		      const char *ifname)
{
	snprintf(buf, len, "%s/%s/xdp_%s", g->pin_dir, BGPS_PIN_LINKS, ifname);
}

static int set_pin_dir(struct guard *g, const char *pin_dir)
{
	size_t n = strlen(pin_dir);

	while (n > 1 && pin_dir[n - 1] == '/')
		n--;
	if (!n || pin_dir[0] != '/' || n >= sizeof(g->pin_dir)) {
		gerr(g, "pin folder '%s' must be an absolute path", pin_dir);
		return -EINVAL;
	}
	memcpy(g->pin_dir, pin_dir, n);
	g->pin_dir[n] = 0;
	return 0;
}

/* The pin folder must be on a bpffs.  /sys/fs/bpf is mounted on demand, as
 * systemd would; anywhere else is the operator's choice to make. */
static int ensure_bpffs(struct guard *g)
{
	char path[PATH_MAX], links[PATH_MAX];
	struct statfs sfs;
	char *slash;

	snprintf(path, sizeof(path), "%s", g->pin_dir);
	/* Closest existing ancestor decides which filesystem we are on. */
	while (statfs(path, &sfs) < 0) {
		slash = strrchr(path, '/');
		if (!slash || slash == path) {
			strcpy(path, "/");
			if (statfs(path, &sfs) < 0)
				return gerr_errno(g, errno, "statfs /");
			break;
		}
		*slash = 0;
	}
	if ((unsigned long)sfs.f_type != BPF_FS_MAGIC) {
		if (strncmp(g->pin_dir, "/sys/fs/bpf/", 12) != 0 ||
		    strcmp(path, "/sys/fs/bpf") != 0) {
			gerr(g, "%s is not on a bpf filesystem: mount one "
				"('mount -t bpf bpf /sys/fs/bpf') or choose a "
				"--pin-dir under it", g->pin_dir);
			return -ENOTDIR;
		}
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") < 0)
			return gerr_errno(g, errno,
					  "mounting bpffs on /sys/fs/bpf");
	}
	if (mkdir(g->pin_dir, 0700) < 0 && errno != EEXIST)
		return gerr_errno(g, errno, g->pin_dir);
	snprintf(links, sizeof(links), "%s/%s", g->pin_dir, BGPS_PIN_LINKS);
	if (mkdir(links, 0700) < 0 && errno != EEXIST)
		return gerr_errno(g, errno, links);
	return 0;
}

/* A pinned map from another layout would be reused by libbpf only to fail
 * with "parameter mismatch"; say what it means instead. */
static int check_map_fd(struct guard *g, int fd, int idx)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return gerr_errno(g, errno, map_desc[idx].name);
	if (map_desc[idx].key_size &&
	    (info.key_size != map_desc[idx].key_size ||
	     info.value_size != map_desc[idx].value_size)) {
		gerr(g, "pinned map %s/%s has another layout (from another "
			"bgpshield version): run 'bgpshieldctl guard unload' "
			"(drops protection) and attach again",
		     g->pin_dir, map_desc[idx].name);
		return -EINVAL;
	}
	return 0;
}

static int check_pins(struct guard *g)
{
	char path[PATH_MAX];
	int fd, r;

	for (int i = 0; i < GM_MAX; i++) {
		pin_path(g, path, sizeof(path), map_desc[i].name);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return gerr_errno(g, errno, path);
		}
		r = check_map_fd(g, fd, i);
		close(fd);
		if (r)
			return r;
	}
	return 0;
}

static int repin(struct guard *g, int fd, const char *name)
{
	char path[PATH_MAX];

	pin_path(g, path, sizeof(path), name);
	if (unlink(path) < 0 && errno != ENOENT)
		return gerr_errno(g, errno, path);
	if (bpf_obj_pin(fd, path) < 0)
		return gerr_errno(g, errno, path);
	return 0;
}

static void settings_defaults(struct guard *g)
{
	struct bgps_settings s;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(g->map_fd[GM_SETTINGS], &zero, &s) < 0)
		return;
	if (s.abi_version == BGPS_ABI_VERSION)
		return;
	if (s.abi_version == 0) { /* fresh map */
		memset(&s, 0, sizeof(s));
		s.port = BGPS_PORT_DEFAULT;
		s.mode = BGPS_MODE_ENFORCE;
		s.event_rate = 100;
		s.event_burst = 100;
	}
	guard_settings_set(g, &s);
}

static int prefilter_rebuild(struct guard *g, const struct guard_rule *extra,
			     size_t nextra);
static int sync_range_flags(struct guard *g);

int guard_load(struct guard *g, const char *pin_dir)
{
	struct bpf_object *obj;
	char path[PATH_MAX];
	int r;

	if ((r = set_pin_dir(g, pin_dir)) || (r = ensure_bpffs(g)) ||
	    (r = check_pins(g)))
		return r;
	g->skel = guard_bpf__open();
	if (!g->skel)
		return gerr_errno(g, errno, "opening the embedded BPF object");
	obj = g->skel->obj;
	for (int i = 0; i < GM_MAX; i++) {
		struct bpf_map *m =
			bpf_object__find_map_by_name(obj, map_desc[i].name);

		if (!m) {
			gerr(g, "BPF object lacks map %s", map_desc[i].name);
			return -ENOENT;
		}
		pin_path(g, path, sizeof(path), map_desc[i].name);
		/* libbpf reuses the pin if present, else creates and pins */
		if ((r = bpf_map__set_pin_path(m, path)))
			return gerr_errno(g, r, path);
	}
	r = guard_bpf__load(g->skel);
	if (r) {
		if (r == -EPERM || r == -EACCES)
			return gerr_errno(g, r, "loading the guard");
		gerr(g, "loading the guard into the kernel failed: %s "
			"(run with LIBBPF_LOG=1 for the verifier log)",
		     strerror(-r));
		return r;
	}
	for (int i = 0; i < GM_MAX; i++) {
		struct bpf_map *m =
			bpf_object__find_map_by_name(obj, map_desc[i].name);

		g->map_fd[i] = dup(bpf_map__fd(m));
	}
	g->prog_xdp_fd = dup(bpf_program__fd(g->skel->progs.bgps_xdp));
	g->prog_tc_fd = dup(bpf_program__fd(g->skel->progs.bgps_tc));
	if ((r = repin(g, g->prog_xdp_fd, BGPS_PIN_PROG_XDP)) ||
	    (r = repin(g, g->prog_tc_fd, BGPS_PIN_PROG_TC)))
		return r;
	settings_defaults(g);
	/* Pins from before the prefilter existed get one built now. */
	if ((r = prefilter_rebuild(g, NULL, 0)))
		return r;
	sync_range_flags(g);
	return 0;
}

int guard_open(struct guard *g, const char *pin_dir)
{
	char path[PATH_MAX];
	int r;

	if ((r = set_pin_dir(g, pin_dir)))
		return r;
	for (int i = 0; i < GM_MAX; i++) {
		pin_path(g, path, sizeof(path), map_desc[i].name);
		g->map_fd[i] = bpf_obj_get(path);
		if (g->map_fd[i] < 0 && errno == ENOENT && i >= GM_FS_RULES)
			continue; /* pins of ABI 2, before flowspec: the
				   * next guard_load adds them */
		if (g->map_fd[i] < 0) {
			if (errno == ENOENT) {
				gerr(g, "guard not loaded in %s: run "
					"'bgpshieldctl guard load' (or 'guard "
					"attach IFACE') first",
				     g->pin_dir);
				return -ENOENT;
			}
			return gerr_errno(g, errno, path);
		}
		if ((r = check_map_fd(g, g->map_fd[i], i)))
			return r;
	}
	pin_path(g, path, sizeof(path), BGPS_PIN_PROG_XDP);
	g->prog_xdp_fd = bpf_obj_get(path);
	pin_path(g, path, sizeof(path), BGPS_PIN_PROG_TC);
	g->prog_tc_fd = bpf_obj_get(path);
	return 0;
}

void guard_close(struct guard *g)
{
	if (g->rb)
		ring_buffer__free(g->rb);
	for (int i = 0; i < GM_MAX; i++)
		if (g->map_fd[i] >= 0)
			close(g->map_fd[i]);
	if (g->prog_xdp_fd >= 0)
		close(g->prog_xdp_fd);
	if (g->prog_tc_fd >= 0)
		close(g->prog_tc_fd);
	if (g->skel)
		guard_bpf__destroy(g->skel);
	guard_init(g);
}

/* --- attachment ------------------------------------------------------- */

static int prog_name_by_id(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	name[0] = 0;
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) == 0)
		snprintf(name, len, "%s", info.name);
	close(fd);
	return 0;
}

static int iface_key(struct bgps_iface_key *k, const char *ifname)
{
	memset(k, 0, sizeof(*k));
	if (strlen(ifname) >= sizeof(k->name))
		return -ENAMETOOLONG;
	memcpy(k->name, ifname, strlen(ifname));
	return 0;
}

/* Is our tc filter on ifindex's ingress?  Returns its prog id or 0. */
static __u32 tc_query_ours(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = BGPS_TC_HANDLE,
			    .priority = BGPS_TC_PRIO);

	if (bpf_tc_query(&hook, &opts) < 0)
		return 0;
	return opts.prog_id;
}

static void tc_remove(int ifindex, int destroy_clsact)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = BGPS_TC_HANDLE,
			    .priority = BGPS_TC_PRIO);

	bpf_tc_detach(&hook, &opts);
	if (destroy_clsact) {
		/* Only when we created it: others' filters live there too. */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
}

/* Drop our pinned XDP link for ifname (detaching it if still live). */
static void xdp_link_remove(struct guard *g, const char *ifname)
{
	char path[PATH_MAX];
	int fd;

	link_path(g, path, sizeof(path), ifname);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		bpf_link_detach(fd);
		close(fd);
	}
	unlink(path);
}

static int xdp_attach(struct guard *g, const char *ifname, int ifindex,
		      int mode)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_query_opts, q);
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lo);
	__u8 want = mode == BGPS_ATTACH_NATIVE ? XDP_ATTACHED_DRV
					       : XDP_ATTACHED_SKB;
	char path[PATH_MAX], name[64];
	int lfd, r;

	if (g->prog_xdp_fd < 0) {
		gerr(g, "no guard program pinned in %s: run 'bgpshieldctl "
			"guard attach IFACE' first", g->pin_dir);
		return -ENOENT;
	}
	link_path(g, path, sizeof(path), ifname);
	lfd = bpf_obj_get(path);
	if (lfd >= 0) {
		struct bpf_link_info li = {};
		__u32 len = sizeof(li);

		bpf_obj_get_info_by_fd(lfd, &li, &len);
		bpf_xdp_query(ifindex, 0, &q);
		if (li.xdp.ifindex == (__u32)ifindex && q.attach_mode == want) {
			/* Same interface, same mode: swap the program in
			 * place, no moment unguarded. */
			r = bpf_link_update(lfd, g->prog_xdp_fd, NULL);
			close(lfd);
			if (r < 0)
				return gerr_errno(g, errno,
						  "replacing the XDP program");
			return 0;
		}
		/* Stale (interface gone and back) or another mode: the
		 * kernel allows one XDP mode at a time, so this one must go
		 * first. */
		if (li.xdp.ifindex)
			bpf_link_detach(lfd);
		close(lfd);
		unlink(path);
	}
	memset(&q, 0, sizeof(q));
	q.sz = sizeof(q);
	if (bpf_xdp_query(ifindex, 0, &q) == 0 && q.prog_id) {
		prog_name_by_id(q.prog_id, name, sizeof(name));
		gerr(g, "%s already has an XDP program (id %u, '%s') that "
			"bgpshield did not attach: remove it ('ip link set dev "
			"%s xdp off') or use --mode tc",
		     ifname, q.prog_id, name, ifname);
		return -EBUSY;
	}
	lo.flags = mode == BGPS_ATTACH_NATIVE ? XDP_FLAGS_DRV_MODE
					      : XDP_FLAGS_SKB_MODE;
	lfd = bpf_link_create(g->prog_xdp_fd, ifindex, BPF_XDP, &lo);
	if (lfd < 0) {
		r = -errno;
		if (r == -EOPNOTSUPP || r == -ENOTSUPP || r == -EINVAL)
			gerr(g, "%s: %s XDP is not supported here (%s); try "
				"--mode %s", ifname, guard_mode_name(mode),
			     strerror(-r == ENOTSUPP ? EOPNOTSUPP : -r),
			     mode == BGPS_ATTACH_NATIVE ? "generic" : "tc");
		else
			gerr_errno(g, r, "attaching XDP");
		return r;
	}
	if (bpf_obj_pin(lfd, path) < 0) {
		r = gerr_errno(g, errno, path);
		bpf_link_detach(lfd);
		close(lfd);
		return r;
	}
	close(lfd);
	return 0;
}

static int tc_attach(struct guard *g, int ifindex, int *created)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = BGPS_TC_HANDLE,
			    .priority = BGPS_TC_PRIO,
			    .flags = BPF_TC_F_REPLACE);
	int r;

	if (g->prog_tc_fd < 0) {
		gerr(g, "no guard program pinned in %s: run 'bgpshieldctl "
			"guard attach IFACE' first", g->pin_dir);
		return -ENOENT;
	}
	*created = 0;
	r = bpf_tc_hook_create(&hook);
	if (r == 0)
		*created = 1;
	else if (r != -EEXIST)
		return gerr_errno(g, r, "creating the clsact qdisc");
	opts.prog_fd = g->prog_tc_fd;
	r = bpf_tc_attach(&hook, &opts);
	if (r) {
		if (*created)
			tc_remove(ifindex, 1);
		return gerr_errno(g, r, "attaching the tc filter");
	}
	return 0;
}

int guard_iface_link_type(const char *ifname)
{
	struct ifreq ifr = {};
	int fd, r;

	if (strlen(ifname) >= IF_NAMESIZE)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	r = ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ? -errno
					       : ifr.ifr_hwaddr.sa_family;
	close(fd);
	return r;
}

int guard_iface_ethernet(const char *ifname)
{
	int t = guard_iface_link_type(ifname);

	/* lo carries a zeroed Ethernet header too (eth_header()). */
	return t == ARPHRD_ETHER || t == ARPHRD_LOOPBACK;
}

int guard_attach(struct guard *g, const char *ifname, int mode, int *actual)
{
	static const int try_auto[] = { BGPS_ATTACH_NATIVE,
					BGPS_ATTACH_GENERIC, BGPS_ATTACH_TC };
	struct bgps_iface_key key;
	struct bgps_iface rec = {}, old = {};
	struct timespec ts;
	int ifindex, r = -EINVAL, created = 0, had_rec;
	const int *tries;
	int ntries;

	if (iface_key(&key, ifname)) {
		gerr(g, "'%s': interface names have at most %d characters",
		     ifname, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		gerr(g, "no interface named '%s' in this network namespace",
		     ifname);
		return -ENODEV;
	}
	/* The program reads every frame as Ethernet (source MAC, VLAN tags,
	 * EtherType).  On a tunnel or WireGuard device the frame starts with
	 * the IP header: read as Ethernet, no packet would look like IP and
	 * every one would pass, guarded in name only. */
	if (!guard_iface_ethernet(ifname)) {
		gerr(g,
		     "'%s' is not an Ethernet interface (link type %d): the "
		     "guard reads frames as Ethernet and would pass this one's "
		     "packets unguarded; guard the Ethernet device it runs "
		     "over",
		     ifname, guard_iface_link_type(ifname));
		return -EOPNOTSUPP;
	}
	had_rec = bpf_map_lookup_elem(g->map_fd[GM_IFACES], &key, &old) == 0;
	if (mode == BGPS_ATTACH_AUTO) {
		tries = try_auto;
		ntries = 3;
	} else {
		tries = &mode;
		ntries = 1;
	}
	for (int i = 0; i < ntries; i++) {
		int m = tries[i];

		if (m == BGPS_ATTACH_TC)
			r = tc_attach(g, ifindex, &created);
		else
			r = xdp_attach(g, ifname, ifindex, m);
		if (r == 0) {
			rec.actual = m;
			break;
		}
		/* In auto mode only "not supported" moves on; a busy
		 * interface or missing permission is the operator's. */
		if (r != -EOPNOTSUPP && r != -ENOTSUPP && r != -EINVAL)
			return r;
	}
	if (r)
		return r;
	/* The new attachment stands; now remove the other kind. */
	if (rec.actual == BGPS_ATTACH_TC)
		xdp_link_remove(g, ifname);
	else if (tc_query_ours(ifindex))
		tc_remove(ifindex, had_rec &&
					   (old.flags & BGPS_IF_CREATED_CLSACT));
	clock_gettime(CLOCK_REALTIME, &ts);
	rec.ifindex = ifindex;
	rec.wanted = mode;
	if (rec.actual == BGPS_ATTACH_TC)
		rec.flags = created || (had_rec &&
					(old.flags & BGPS_IF_CREATED_CLSACT))
				    ? BGPS_IF_CREATED_CLSACT
				    : 0;
	rec.attached_ns = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (bpf_map_update_elem(g->map_fd[GM_IFACES], &key, &rec, BPF_ANY))
		return gerr_errno(g, errno, "recording the interface");
	if (actual)
		*actual = rec.actual;
	return 0;
}

int guard_detach(struct guard *g, const char *ifname)
{
	struct bgps_iface_key key;
	struct bgps_iface rec = {};
	char path[PATH_MAX];
	int ifindex, had_rec, had_link;

	if (iface_key(&key, ifname)) {
		gerr(g, "'%s': not an interface name", ifname);
		return -EINVAL;
	}
	had_rec = bpf_map_lookup_elem(g->map_fd[GM_IFACES], &key, &rec) == 0;
	link_path(g, path, sizeof(path), ifname);
	had_link = access(path, F_OK) == 0;
	if (!had_rec && !had_link) {
		gerr(g, "'%s' is not guarded by bgpshield (see 'bgpshieldctl "
			"guard status')", ifname);
		return -ENOENT;
	}
	xdp_link_remove(g, ifname);
	ifindex = if_nametoindex(ifname);
	if (ifindex && tc_query_ours(ifindex))
		tc_remove(ifindex,
			  had_rec && (rec.flags & BGPS_IF_CREATED_CLSACT));
	bpf_map_delete_elem(g->map_fd[GM_IFACES], &key);
	return 0;
}

static int rm_pins_in(const char *dir)
{
	char cmd_path[PATH_MAX + 256];
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") &&
		    strcmp(ents[i]->d_name, "..")) {
			snprintf(cmd_path, sizeof(cmd_path), "%s/%s", dir,
				 ents[i]->d_name);
			unlink(cmd_path);
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

int guard_unload(const char *pin_dir, char *err, size_t errlen)
{
	struct guard g;
	struct bgps_iface_key key, next;
	char path[PATH_MAX];
	int r, fd;

	guard_init(&g);
	if ((r = set_pin_dir(&g, pin_dir))) {
		snprintf(err, errlen, "%s", g.err);
		return r;
	}
	/* Interfaces first, while the record of them still exists. */
	pin_path(&g, path, sizeof(path), BGPS_MAP_IFACES);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		g.map_fd[GM_IFACES] = fd;
		while (bpf_map_get_next_key(fd, NULL, &key) == 0) {
			char name[IF_NAMESIZE + 1] = {};

			memcpy(name, key.name, sizeof(key.name));
			guard_detach(&g, name);
			/* guard_detach deletes the key; be sure */
			if (bpf_map_get_next_key(fd, NULL, &next) == 0 &&
			    !memcmp(&next, &key, sizeof(key)))
				bpf_map_delete_elem(fd, &key);
		}
	}
	/* Links whose record was lost still hold an interface. */
	snprintf(path, sizeof(path), "%s/%s", g.pin_dir, BGPS_PIN_LINKS);
	{
		struct dirent **ents;
		int n = scandir(path, &ents, NULL, alphasort);

		for (int i = 0; i < n; i++) {
			char lp[PATH_MAX + 256];

			snprintf(lp, sizeof(lp), "%s/%s", path,
				 ents[i]->d_name);
			if (ents[i]->d_name[0] != '.') {
				int lfd = bpf_obj_get(lp);

				if (lfd >= 0) {
					bpf_link_detach(lfd);
					close(lfd);
				}
			}
			free(ents[i]);
		}
		if (n >= 0)
			free(ents);
		rm_pins_in(path);
		rmdir(path);
	}
	guard_close(&g);
	rm_pins_in(g.pin_dir[0] ? g.pin_dir : pin_dir);
	set_pin_dir(&g, pin_dir);
	if (rmdir(g.pin_dir) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", g.pin_dir, strerror(errno));
		return -errno;
	}
	return 0;
}

/* --- settings and allowlist -------------------------------------------- */

int guard_settings_get(struct guard *g, struct bgps_settings *s)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(g->map_fd[GM_SETTINGS], &zero, s) < 0)
		return gerr_errno(g, errno, "reading settings");
	return 0;
}

int guard_settings_set(struct guard *g, const struct bgps_settings *s)
{
	struct bgps_settings v = *s;
	__u32 zero = 0;

	v.abi_version = BGPS_ABI_VERSION;
	v.syn_interval_ns = v.syn_rate ? 1000000000U / v.syn_rate : 0;
	v.event_interval_ns = v.event_rate ? 1000000000U / v.event_rate : 0;
	if (bpf_map_update_elem(g->map_fd[GM_SETTINGS], &zero, &v, BPF_ANY))
		return gerr_errno(g, errno, "writing settings");
	return 0;
}

struct rule_key {
	int fd;
	int is_range;
	union {
		struct bgps_key6 k6;
		struct bgps_lpm6 l6;
		unsigned char raw[20];
	};
};

static void rule_key(struct guard *g, const struct prefix *p,
		     struct rule_key *k)
{
	int v6 = p->family == AF_INET6;

	memset(k, 0, sizeof(*k));
	k->is_range = !prefix_is_host(p);
	if (!k->is_range) {
		k->fd = g->map_fd[v6 ? GM_ALLOW6 : GM_ALLOW4];
		memcpy(k->raw, p->addr, v6 ? 16 : 4);
	} else {
		k->fd = g->map_fd[v6 ? GM_RANGE6 : GM_RANGE4];
		k->l6.prefixlen = p->plen;
		memcpy(k->l6.addr, p->addr, v6 ? 16 : 4);
	}
}

static __u32 addr_bit(const __u8 *addr, int v6)
{
	__u32 w[4] = { 0, 0, 0, 0 };

	memcpy(w, addr, v6 ? 16 : 4);
	return bgps_prefilter_bit(v6 ? w[0] ^ w[1] ^ w[2] ^ w[3] : w[0]);
}

static void pf_set(struct bgps_prefilter *pf, __u32 bit)
{
	pf->words[(bit >> 6) % (BGPS_PREFILTER_BITS / 64)] |= 1ULL
							       << (bit & 63);
}

/*
 * Rebuild the prefilter from the exact tables, plus `extra` addresses about
 * to be added (their bits must be set before they are inserted, or the
 * program would drop them in between).  The new bitmap is written in one
 * update: every bit set in both old and new stays set throughout, so an
 * allowed source is never refused while it changes.
 */
static int prefilter_rebuild(struct guard *g, const struct guard_rule *extra,
			     size_t nextra)
{
	static struct bgps_prefilter pf;
	unsigned char key[16], next[16];
	__u32 zero = 0;

	memset(&pf, 0, sizeof(pf));
	for (int v6 = 0; v6 < 2; v6++) {
		int fd = g->map_fd[v6 ? GM_ALLOW6 : GM_ALLOW4];
		int first = 1;

		while (bpf_map_get_next_key(fd, first ? NULL : key, next) == 0) {
			first = 0;
			memcpy(key, next, sizeof(key));
			pf_set(&pf, addr_bit(key, v6));
		}
	}
	for (size_t i = 0; i < nextra; i++)
		if (prefix_is_host(&extra[i].pfx))
			pf_set(&pf, addr_bit(extra[i].pfx.addr,
					     extra[i].pfx.family == AF_INET6));
	if (bpf_map_update_elem(g->map_fd[GM_PREFILTER], &zero, &pf, BPF_ANY))
		return gerr_errno(g, errno, "writing the prefilter");
	return 0;
}

/* Keep settings.flags' range bits true to the tries, so the program
 * skips LPM lookups while there are no ranges, and say the prefilter is
 * kept (only userspace that maintains it may set that bit). */
static int sync_range_flags(struct guard *g)
{
	struct bgps_settings s;
	struct bgps_lpm6 k;
	__u8 flags;

	if (guard_settings_get(g, &s))
		return -1;
	flags = (s.flags & ~(BGPS_SF_RANGE4 | BGPS_SF_RANGE6)) |
		BGPS_SF_PREFILTER;
	if (bpf_map_get_next_key(g->map_fd[GM_RANGE4], NULL, &k) == 0)
		flags |= BGPS_SF_RANGE4;
	if (bpf_map_get_next_key(g->map_fd[GM_RANGE6], NULL, &k) == 0)
		flags |= BGPS_SF_RANGE6;
	if (flags == s.flags)
		return 0;
	s.flags = flags;
	return guard_settings_set(g, &s);
}

static int policy_valid(struct guard *g, const struct guard_rule *r)
{
	char b[PREFIX_STRLEN];

	if ((r->pol.flags & BGPS_PF_GTSM) && r->pol.min_ttl == 0) {
		gerr(g, "%s: GTSM needs a min-ttl of 1..255",
		     prefix_fmt(&r->pfx, b, sizeof(b)));
		return -EINVAL;
	}
	if (r->pol.syn_rate && !r->pol.syn_burst) {
		gerr(g, "%s: a SYN rate needs a burst of at least 1",
		     prefix_fmt(&r->pfx, b, sizeof(b)));
		return -EINVAL;
	}
	return 0;
}

static int allow_one(struct guard *g, const struct guard_rule *r)
{
	struct bgps_policy pol;
	struct bgps_peer v = {}, old;
	struct rule_key k;
	char b[PREFIX_STRLEN];
	int res;

	rule_key(g, &r->pfx, &k);
	pol = r->pol;
	pol.pad = 0;
	/* derived here so the program never divides */
	pol.syn_interval_ns = pol.syn_rate ? 1000000000U / pol.syn_rate : 0;
	if (bpf_map_lookup_elem(k.fd, k.raw, &old) == 0) {
		if (!memcmp(&old.policy, &pol, sizeof(pol)))
			return GUARD_UNCHANGED;
		/* Keep the program's counters and bucket. */
		v = old;
		v.policy = pol;
		res = GUARD_CHANGED;
	} else {
		v.policy = pol;
		res = GUARD_ADDED;
	}
	if (bpf_map_update_elem(k.fd, k.raw, &v, BPF_ANY)) {
		if (errno == E2BIG || errno == ENOSPC || errno == ENOMEM) {
			gerr(g, "%s: the allowlist is full (%d %s)",
			     prefix_fmt(&r->pfx, b, sizeof(b)),
			     k.is_range ? BGPS_MAX_RANGES : BGPS_MAX_PEERS,
			     k.is_range ? "ranges" : "addresses");
			return -ENOSPC;
		}
		return gerr_errno(g, errno, prefix_fmt(&r->pfx, b, sizeof(b)));
	}
	return res;
}

/*
 * Whether the kept prefilter already has r's bit: then adding r, or
 * changing its policy (the binder does that on every MAC or route change),
 * needs no rebuild, which walks every exact entry.
 */
static int prefilter_has(struct guard *g, const struct guard_rule *r)
{
	static struct bgps_prefilter pf;
	struct bgps_settings s;
	__u32 zero = 0, bit;

	if (guard_settings_get(g, &s) || !(s.flags & BGPS_SF_PREFILTER) ||
	    bpf_map_lookup_elem(g->map_fd[GM_PREFILTER], &zero, &pf))
		return 0;
	bit = addr_bit(r->pfx.addr, r->pfx.family == AF_INET6);
	return !!(pf.words[(bit >> 6) % (BGPS_PREFILTER_BITS / 64)] &
		  (1ULL << (bit & 63)));
}

int guard_allow(struct guard *g, const struct guard_rule *r)
{
	int res;

	if ((res = policy_valid(g, r)))
		return res;
	if (prefix_is_host(&r->pfx) && !prefilter_has(g, r) &&
	    (res = prefilter_rebuild(g, r, 1)))
		return res;
	res = allow_one(g, r);
	if (res >= 0)
		sync_range_flags(g);
	return res;
}

int guard_remove(struct guard *g, const struct prefix *p)
{
	struct rule_key k;
	char b[PREFIX_STRLEN];

	rule_key(g, p, &k);
	if (bpf_map_delete_elem(k.fd, k.raw)) {
		if (errno == ENOENT) {
			gerr(g, "%s is not in the allowlist",
			     prefix_fmt(p, b, sizeof(b)));
			return -ENOENT;
		}
		return gerr_errno(g, errno, prefix_fmt(p, b, sizeof(b)));
	}
	if (k.is_range)
		sync_range_flags(g);
	else
		prefilter_rebuild(g, NULL, 0); /* a stale bit only costs a
						* lookup; clear it anyway */
	return 0;
}

/* qsort/bsearch over rules (or a bare prefix key): pfx comes first in
 * struct guard_rule. */
_Static_assert(offsetof(struct guard_rule, pfx) == 0,
	       "rule_pfx_cmp reads a rule as its prefix");

static int rule_pfx_cmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

struct apply_ctx {
	struct guard_rule *sorted;
	size_t n;
	struct prefix *gone;
	size_t ngone, cap;
};

static int collect_gone(const struct guard_rule *r, const struct bgps_peer *v,
			void *arg)
{
	struct apply_ctx *c = arg;

	(void)v;
	if (bsearch(&r->pfx, c->sorted, c->n, sizeof(*c->sorted), rule_pfx_cmp))
		return 0;
	if (c->ngone == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct prefix *p = realloc(c->gone, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->gone = p;
		c->cap = ncap;
	}
	c->gone[c->ngone++] = r->pfx;
	return 0;
}

int guard_apply(struct guard *g, const struct guard_rule *want, size_t n,
		int *added, int *changed, int *removed)
{
	struct apply_ctx c = {};
	int a = 0, ch = 0, rm = 0, r = 0;
	char b[PREFIX_STRLEN];

	/* Validate everything before touching anything. */
	for (size_t i = 0; i < n; i++)
		if ((r = policy_valid(g, &want[i])))
			return r;
	c.sorted = malloc((n ? n : 1) * sizeof(*want));
	if (!c.sorted)
		return gerr_errno(g, ENOMEM, "apply");
	if (n)
		memcpy(c.sorted, want, n * sizeof(*want));
	c.n = n;
	/* struct guard_rule starts with its prefix: sort on it */
	qsort(c.sorted, n, sizeof(*want), rule_pfx_cmp);
	for (size_t i = 1; i < n; i++)
		if (!prefix_cmp(&c.sorted[i - 1].pfx, &c.sorted[i].pfx)) {
			gerr(g, "%s is listed twice",
			     prefix_fmt(&c.sorted[i].pfx, b, sizeof(b)));
			r = -EINVAL;
			goto out;
		}
	/* Adds and changes first: a wanted peer is never missing (its
	 * prefilter bit before its entry). */
	if ((r = prefilter_rebuild(g, want, n)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		r = allow_one(g, &want[i]);
		if (r < 0)
			goto out;
		a += r == GUARD_ADDED;
		ch += r == GUARD_CHANGED;
	}
	if ((r = guard_foreach_rule(g, collect_gone, &c)) < 0) {
		gerr_errno(g, r, "reading the allowlist");
		goto out;
	}
	for (size_t i = 0; i < c.ngone; i++) {
		struct rule_key k;

		rule_key(g, &c.gone[i], &k);
		if (bpf_map_delete_elem(k.fd, k.raw) == 0)
			rm++;
	}
	prefilter_rebuild(g, NULL, 0);
	sync_range_flags(g);
	r = 0;
out:
	free(c.sorted);
	free(c.gone);
	if (added)
		*added = a;
	if (changed)
		*changed = ch;
	if (removed)
		*removed = rm;
	return r;
}

int guard_stats(struct guard *g, struct bgps_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct bgps_stats *v;
	__u32 zero = 0;

	if (ncpu < 1)
		return gerr_errno(g, -ncpu, "counting CPUs");
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return gerr_errno(g, ENOMEM, "stats");
	if (bpf_map_lookup_elem(g->map_fd[GM_STATS], &zero, v)) {
		free(v);
		return gerr_errno(g, errno, "reading counters");
	}
	memset(sum, 0, sizeof(*sum));
	for (int c = 0; c < ncpu; c++) {
		__u64 *s = (__u64 *)sum, *x = (__u64 *)&v[c];

		for (size_t i = 0; i < sizeof(*sum) / 8; i++)
			s[i] += x[i];
	}
	/* per-CPU limiter state, not a count */
	sum->event_tat = 0;
	sum->event_pending = 0;
	free(v);
	return 0;
}

static int walk_map(int fd, int family, int is_range, guard_rule_cb cb,
		    void *arg)
{
	unsigned char key[20], next[20];
	struct bgps_peer v;
	struct guard_rule r;
	int first = 1, ret;

	while (bpf_map_get_next_key(fd, first ? NULL : key, next) == 0) {
		first = 0;
		memcpy(key, next, sizeof(key));
		if (bpf_map_lookup_elem(fd, key, &v))
			continue; /* deleted meanwhile */
		memset(&r, 0, sizeof(r));
		r.pfx.family = family;
		if (is_range) {
			struct bgps_lpm6 *l = (void *)key;

			r.pfx.plen = l->prefixlen;
			memcpy(r.pfx.addr, l->addr, family == AF_INET6 ? 16 : 4);
		} else {
			r.pfx.plen = family == AF_INET6 ? 128 : 32;
			memcpy(r.pfx.addr, key, family == AF_INET6 ? 16 : 4);
		}
		r.pol = v.policy;
		if ((ret = cb(&r, &v, arg)))
			return ret;
	}
	return 0;
}

int guard_foreach_rule(struct guard *g, guard_rule_cb cb, void *arg)
{
	int r;

	if ((r = walk_map(g->map_fd[GM_ALLOW4], AF_INET, 0, cb, arg)) ||
	    (r = walk_map(g->map_fd[GM_ALLOW6], AF_INET6, 0, cb, arg)) ||
	    (r = walk_map(g->map_fd[GM_RANGE4], AF_INET, 1, cb, arg)) ||
	    (r = walk_map(g->map_fd[GM_RANGE6], AF_INET6, 1, cb, arg)))
		return r;
	return 0;
}

static __u32 link_prog_id(struct guard *g, const char *ifname)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);
	char path[PATH_MAX];
	int fd;

	link_path(g, path, sizeof(path), ifname);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &li, &len) < 0)
		li.prog_id = 0;
	close(fd);
	return li.prog_id;
}

static void iface_status(struct guard *g, struct guard_iface_status *st)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char name[64];
	__u32 id;

	st->live_mode = -1;
	st->prog_id = 0;
	st->ifindex_now = if_nametoindex(st->name);
	if (!st->ifindex_now)
		return;
	/* Ours if our pinned link holds it (no CAP_SYS_ADMIN needed), else
	 * by the program's name (root's view, e.g. after a lost pin). */
	if (bpf_xdp_query(st->ifindex_now, 0, &q) == 0 && q.prog_id &&
	    (link_prog_id(g, st->name) == q.prog_id ||
	     (prog_name_by_id(q.prog_id, name, sizeof(name)) == 0 &&
	      !strcmp(name, "bgps_xdp")))) {
		st->live_mode = q.attach_mode == XDP_ATTACHED_DRV
					? BGPS_ATTACH_NATIVE
					: BGPS_ATTACH_GENERIC;
		st->prog_id = q.prog_id;
		return;
	}
	if ((id = tc_query_ours(st->ifindex_now))) {
		st->live_mode = BGPS_ATTACH_TC;
		st->prog_id = id;
	}
}

int guard_foreach_iface(struct guard *g, guard_iface_cb cb, void *arg)
{
	struct bgps_iface_key key, next;
	struct guard_iface_status st;
	int first = 1, r;
	int fd = g->map_fd[GM_IFACES];

	while (bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		first = 0;
		key = next;
		memset(&st, 0, sizeof(st));
		if (bpf_map_lookup_elem(fd, &key, &st.rec))
			continue;
		memcpy(st.name, key.name, sizeof(key.name));
		st.name[IF_NAMESIZE - 1] = 0;
		iface_status(g, &st);
		if ((r = cb(&st, arg)))
			return r;
	}
	return 0;
}

/* --- events -------------------------------------------------------------- */

static int rb_cb(void *ctx, void *data, size_t size)
{
	struct guard *g = ctx;

	if (size < sizeof(struct bgps_event))
		return 0; /* a record from another layout: skip it */
	return g->ev_cb(data, g->ev_arg);
}

int guard_events_open(struct guard *g, guard_event_cb cb, void *arg)
{
	g->ev_cb = cb;
	g->ev_arg = arg;
	g->rb = ring_buffer__new(g->map_fd[GM_EVENTS], rb_cb, g, NULL);
	if (!g->rb)
		return gerr_errno(g, errno, "opening the event ring buffer");
	return 0;
}

int guard_events_fd(struct guard *g)
{
	return g->rb ? ring_buffer__epoll_fd(g->rb) : -1;
}

int guard_events_poll(struct guard *g, int timeout_ms)
{
	int r = ring_buffer__poll(g->rb, timeout_ms);

	if (r == -ECANCELED)
		return 0; /* the callback asked to stop */
	if (r < 0 && r != -EINTR)
		return gerr_errno(g, r, "reading events");
	return r < 0 ? 0 : r;
}

/* --- link watching --------------------------------------------------------- */

struct watch_ctx {
	struct guard *g;
	void (*log)(const char *line, void *arg);
	void *arg;
};

static void wlog(struct watch_ctx *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void wlog(struct watch_ctx *w, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (w->log)
		w->log(line, w->arg);
}

/* Attach name in its wanted mode unless our program is already there. */
static void watch_ensure(struct watch_ctx *w, const char *name)
{
	struct guard_iface_status st = {};
	struct bgps_iface_key key;
	int actual, r;

	if (iface_key(&key, name) ||
	    bpf_map_lookup_elem(w->g->map_fd[GM_IFACES], &key, &st.rec))
		return; /* not one of ours */
	snprintf(st.name, sizeof(st.name), "%s", name);
	iface_status(w->g, &st);
	if (!st.ifindex_now || st.live_mode >= 0)
		return;
	r = guard_attach(w->g, name, st.rec.wanted, &actual);
	if (r == 0)
		wlog(w, "re-attached guard to %s (ifindex %u, %s)", name,
		     st.ifindex_now, guard_mode_name(actual));
	else if (r != -ENODEV) /* gone again meanwhile: DELLINK follows */
		wlog(w, "re-attaching guard to %s failed: %s", name,
		     w->g->err);
}

static int watch_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	if (type == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_STRING) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int watch_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct watch_ctx *w = data;
	const struct nlattr *tb[IFLA_MAX + 1] = {};
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct bgps_iface_key key;
	struct bgps_iface rec;
	const char *name;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifm), watch_attr_cb, tb);
	if (!tb[IFLA_IFNAME])
		return MNL_CB_OK;
	name = mnl_attr_get_str(tb[IFLA_IFNAME]);
	if (iface_key(&key, name) ||
	    bpf_map_lookup_elem(w->g->map_fd[GM_IFACES], &key, &rec))
		return MNL_CB_OK;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		wlog(w, "%s disappeared (ifindex %d); the guard re-attaches "
			"when it returns", name, ifm->ifi_index);
		rec.ifindex = 0;
		bpf_map_update_elem(w->g->map_fd[GM_IFACES], &key, &rec,
				    BPF_EXIST);
		return MNL_CB_OK;
	}
	watch_ensure(w, name);
	return MNL_CB_OK;
}

static int watch_sweep(const struct guard_iface_status *st, void *arg)
{
	struct watch_ctx *w = arg;

	if (st->ifindex_now && st->live_mode < 0)
		watch_ensure(w, st->name);
	return 0;
}

struct guard_watch {
	struct watch_ctx w;
	struct mnl_socket *nl;
	char *buf;
	size_t buflen;
};

struct guard_watch *guard_watch_open(struct guard *g,
				     void (*log)(const char *line, void *arg),
				     void *arg)
{
	struct guard_watch *gw = calloc(1, sizeof(*gw));

	if (!gw) {
		gerr_errno(g, ENOMEM, "watch");
		return NULL;
	}
	gw->w = (struct watch_ctx){ g, log, arg };
	gw->buflen = MNL_SOCKET_BUFFER_SIZE * 2;
	gw->buf = malloc(gw->buflen);
	gw->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!gw->buf || !gw->nl) {
		gerr_errno(g, gw->buf ? errno : ENOMEM, "opening rtnetlink");
		guard_watch_close(gw);
		return NULL;
	}
	if (mnl_socket_bind(gw->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		gerr_errno(g, errno, "subscribing to link changes");
		guard_watch_close(gw);
		return NULL;
	}
	/* Anything that came or went before we subscribed. */
	guard_foreach_iface(g, watch_sweep, &gw->w);
	return gw;
}

int guard_watch_fd(const struct guard_watch *gw)
{
	return mnl_socket_get_fd(gw->nl);
}

int guard_watch_dispatch(struct guard_watch *gw)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(gw->nl, gw->buf, gw->buflen);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Missed messages: look at everything. */
				guard_foreach_iface(gw->w.g, watch_sweep,
						    &gw->w);
				continue;
			}
			return gerr_errno(gw->w.g, errno, "reading rtnetlink");
		}
		mnl_cb_run(gw->buf, n, 0, 0, watch_msg_cb, &gw->w);
	}
}

void guard_watch_close(struct guard_watch *gw)
{
	if (!gw)
		return;
	if (gw->nl)
		mnl_socket_close(gw->nl);
	free(gw->buf);
	free(gw);
}

int guard_watch(struct guard *g, volatile int *stop,
		void (*log)(const char *line, void *arg), void *arg)
{
	struct guard_watch *gw = guard_watch_open(g, log, arg);
	int r = 0;

	if (!gw)
		return -1;
	while (!*stop && r == 0) {
		struct pollfd pfd = { guard_watch_fd(gw), POLLIN, 0 };

		if (poll(&pfd, 1, 500) > 0)
			r = guard_watch_dispatch(gw);
	}
	guard_watch_close(gw);
	return r;
}
