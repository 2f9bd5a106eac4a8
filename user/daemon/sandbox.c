// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

#define serr(...) snprintf(err, errlen, __VA_ARGS__)

int sandbox_lookup(const char *user, uid_t *uid, gid_t *gid, char *err,
		   size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		serr("no user '%s': create it (useradd --system --no-create-home "
		     "--shell /usr/sbin/nologin %s) or set 'user NAME;'",
		     user, user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		serr("user '%s' is root: the engine must run unprivileged",
		     user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int sandbox_landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? 0 : (int)v;
}

/* Every filesystem right the kernel knows, handled and never granted. */
static int landlock_deny_fs(char *err, size_t errlen)
{
	struct landlock_ruleset_attr attr = { 0 };
	int abi = sandbox_landlock_abi(), fd;

	if (abi < 1) {
		/* Documented: kernels before 5.13 or with Landlock off run
		 * the engine with seccomp and no_new_privs only. */
		return 0;
	}
	attr.handled_access_fs =
		LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
		LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
		LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
		LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
		LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
		LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
		LANDLOCK_ACCESS_FS_MAKE_SYM;
	if (abi >= 2)
		attr.handled_access_fs |= 1ULL << 13; /* REFER */
	if (abi >= 3)
		attr.handled_access_fs |= 1ULL << 14; /* TRUNCATE */
	if (abi >= 5)
		attr.handled_access_fs |= 1ULL << 15; /* IOCTL_DEV */
	fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr.handled_access_fs), 0);
	if (fd < 0) {
		serr("landlock_create_ruleset: %s", strerror(errno));
		return -1;
	}
	if (syscall(SYS_landlock_restrict_self, fd, 0) < 0) {
		serr("landlock_restrict_self: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * What the engine calls: its epoll loop, sockets it was given or opens
 * toward peers, timers, memory, logging to stderr/syslog.  Anything else
 * kills it (the parent logs the signal and restarts it).
 */
static const int engine_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto), SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg),
	SCMP_SYS(close), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(accept4), SCMP_SYS(accept),
	SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(bind),
	SCMP_SYS(listen), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(shutdown),
	SCMP_SYS(fcntl), SCMP_SYS(ioctl), SCMP_SYS(timerfd_create),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(brk), SCMP_SYS(mmap),
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(mprotect), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction), SCMP_SYS(signalfd4), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(getuid), SCMP_SYS(geteuid),
	SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(futex),
	SCMP_SYS(getrandom), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(lseek), SCMP_SYS(restart_syscall), SCMP_SYS(sched_yield),
	SCMP_SYS(uname), SCMP_SYS(getppid), SCMP_SYS(pipe2), SCMP_SYS(dup),
	SCMP_SYS(dup3),
	SCMP_SYS(getrusage), SCMP_SYS(sysinfo), SCMP_SYS(prlimit64),
};

static int seccomp_engine(char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int r = 0;

	if (!ctx) {
		serr("seccomp_init failed");
		return -1;
	}
	for (size_t i = 0;
	     i < sizeof(engine_syscalls) / sizeof(engine_syscalls[0]); i++) {
		/* a syscall this architecture lacks resolves negative */
		if (engine_syscalls[i] < 0)
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, engine_syscalls[i], 0);
		if (r < 0)
			break;
	}
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		serr("seccomp: %s", strerror(-r));
		return -1;
	}
	return 0;
}

/*
 * What the parent keeps once the guard is loaded and the sockets bound:
 *   CAP_BPF, CAP_PERFMON     maps, programs, links (reload, attach)
 *   CAP_NET_ADMIN            XDP and tc attachment, rtnetlink
 *   CAP_NET_BIND_SERVICE     new listening ports after a reload
 *   CAP_SETUID, CAP_SETGID,  starting the engine again after a crash
 *   CAP_SETPCAP              (it drops to the user, empties its bounding set)
 *   CAP_KILL                 stopping the engine, which runs as another uid
 *   CAP_DAC_READ_SEARCH      secret files owned by the daemon user
 * CAP_SYS_ADMIN, CAP_DAC_OVERRIDE, CAP_SYS_MODULE, ... are gone for good.
 */
static const int parent_caps[] = { 2, 5, 6, 7, 8, 10, 12, 38, 39 };

int sandbox_parent_caps(char *err, size_t errlen)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	for (size_t i = 0; i < sizeof(parent_caps) / sizeof(parent_caps[0]);
	     i++) {
		int c = parent_caps[i];

		d[c / 32].permitted |= 1u << (c % 32);
		d[c / 32].effective |= 1u << (c % 32);
	}
	for (int cap = 0; cap <= 63; cap++) {
		size_t i;

		for (i = 0; i < sizeof(parent_caps) / sizeof(parent_caps[0]) &&
			    parent_caps[i] != cap;
		     i++)
			;
		if (i == sizeof(parent_caps) / sizeof(parent_caps[0]) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break; /* past the last capability this kernel has */
	}
	if (syscall(SYS_capset, &h, d) < 0) {
		serr("capset: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int sandbox_engine(uid_t uid, gid_t gid, pid_t parent, char *err,
		   size_t errlen)
{
	/* The bounding set can only shrink with CAP_SETPCAP: do it while
	 * still root, so no exec could ever regain a capability. */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			break;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (setgroups(1, &gid) < 0) {
		serr("setgroups: %s", strerror(errno));
		return -1;
	}
	if (setresgid(gid, gid, gid) < 0) {
		serr("setresgid: %s", strerror(errno));
		return -1;
	}
	if (setresuid(uid, uid, uid) < 0) {
		serr("setresuid: %s", strerror(errno));
		return -1;
	}
	/* A uid change clears the parent-death signal: set it now, and
	 * make sure the parent did not die before it took effect. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 ||
	    getppid() != parent) {
		serr("the parent is gone");
		return -1;
	}
	/* uid 0 -> non-zero without keep-caps clears permitted and
	 * effective; check instead of trusting it. */
	if (setuid(0) == 0 || geteuid() == 0) {
		serr("privileges could be regained");
		return -1;
	}
	{
		struct __user_cap_header_struct h = {
			_LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2] = { { 0 } };

		if (syscall(SYS_capset, &h, d) < 0) {
			serr("capset: %s", strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		serr("no_new_privs: %s", strerror(errno));
		return -1;
	}
#if defined(__SANITIZE_ADDRESS__) || defined(BGPS_SANITIZER_BUILD)
	/*
	 * A sanitizer build (make check-asan, never the default build):
	 * ASan/LSan need /proc and syscalls (sigaltstack, readlink, ...) that
	 * Landlock and the seccomp allowlist deny, and the leak check at exit
	 * is the point of running the engine this way in the fault tests.
	 * Users, groups, capabilities and no_new_privs above still apply.
	 */
	fprintf(stderr, "bgpshieldd: sanitizer build: the engine runs "
			"without Landlock and seccomp\n");
	(void)landlock_deny_fs;
	(void)seccomp_engine;
	return 0;
#else
	if (landlock_deny_fs(err, errlen) < 0)
		return -1;
	return seccomp_engine(err, errlen);
#endif
}
