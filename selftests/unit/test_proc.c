// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the API process starter (user/daemon/proc.c): real children,
 * started as user nobody (needs root), talked to over the socket they get
 * as stdin/stdout.  Checks the uid, the clean environment, the rlimits, the
 * descriptors a child holds (0, 1, 2 only), exit 127 for a program that
 * cannot run, and the restart policy with a test-driven clock: backoff
 * 1, 2, 4, 8 s, giving up after 5 quick exits, restart on change, stop on
 * removal, SIGKILL for a process that ignores SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "imsg.h"
#include "log.h"
#include "proc.h"

#define NOBODY 65534

/* Everything the child writes until it closes its end (5 s at most). */
static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		struct pollfd pfd = {fd, POLLIN, 0};
		ssize_t r;

		if (poll(&pfd, 1, 5000) <= 0)
			break;
		r = read(fd, buf + n, cap - 1 - n);
		if (r <= 0)
			break;
		n += r;
	}
	buf[n] = 0;
	return n;
}

/* The trap is set once the child says so (a TERM before would kill it). */
static int wait_ready(int fd)
{
	char buf[16];
	size_t n = 0;

	while (n < 6) {
		struct pollfd pfd = {fd, POLLIN, 0};
		ssize_t r;

		if (poll(&pfd, 1, 5000) <= 0)
			return 0;
		r = read(fd, buf + n, 6 - n);
		if (r <= 0)
			return 0;
		n += r;
	}
	return !memcmp(buf, "ready\n", 6);
}

static int wait_status(pid_t pid)
{
	int st = -1;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void test_spawn_env_limits_fds(void)
{
	char *argv[] = {"sh", "-c",
			"echo \"$(id -u) $(id -g) $(id -G) $PATH\"; read x; "
			"echo \"got $x\"; ulimit -n; ulimit -v; ulimit -c; "
			"echo \"$HOME|$LANG|$exabgp_api_encoder|$(pwd)\"; "
			"ls /proc/self/fd | tr '\\n' ' '; echo",
			NULL};
	struct cfg_process pr = {.name = "envcheck",
				 .argv = argv,
				 .argc = 3,
				 .encoder = CFG_ENC_JSON,
				 .lim_files = 37,
				 .lim_memory_mb = 512};
	char out[4096], err[256] = "", expect[512];
	int leak = open("/dev/null", O_RDONLY); /* no O_CLOEXEC */
	int fd = -1;
	pid_t pid = 0;

	CU_ASSERT(leak >= 3);
	CU_ASSERT_EQUAL_FATAL(
		proc_spawn(&pr, NOBODY, NOBODY, &pid, &fd, err, sizeof(err)),
		0);
	CU_ASSERT(pid > 0);
	CU_ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CU_ASSERT_EQUAL(write(fd, "hello\n", 6), 6);
	shutdown(fd, SHUT_WR);
	read_all(fd, out, sizeof(out));
	snprintf(expect, sizeof(expect),
		 "%d %d %d %s\ngot hello\n37\n%d\n0\n/|%s|json|/\n"
		 "0 1 2 3 \n",
		 NOBODY, NOBODY, NOBODY, PROC_PATH, 512 * 1024,
		 getenv("LANG") && *getenv("LANG") ? getenv("LANG")
						   : "C.UTF-8");
	CU_ASSERT_STRING_EQUAL(out, expect);
	if (strcmp(out, expect))
		fprintf(stderr, "\ngot:\n%s\nwanted:\n%s", out, expect);
	CU_ASSERT_EQUAL(wait_status(pid), 0);
	close(fd);
	close(leak);
}

static void test_spawn_defaults(void)
{
	/* 0 means the default: this config parser may leave them unset */
	char *argv[] = {"/bin/sh", "-c",
			"ulimit -n; ulimit -v; ulimit -p; ulimit -t", NULL};
	struct cfg_process pr = {.name = "defaults", .argv = argv};
	char out[512], err[256], expect[128];
	int fd;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(
		proc_spawn(&pr, NOBODY, NOBODY, &pid, &fd, err, sizeof(err)),
		0);
	read_all(fd, out, sizeof(out));
	snprintf(expect, sizeof(expect), "%d\n%d\n%d\n%d\n",
		 CFG_PROC_FILES_DEFAULT, CFG_PROC_MEMORY_DEFAULT * 1024,
		 CFG_PROC_PROCESSES_DEFAULT, CFG_PROC_CPU_DEFAULT);
	CU_ASSERT_STRING_EQUAL(out, expect);
	CU_ASSERT_EQUAL(wait_status(pid), 0);
	close(fd);
}

static void test_spawn_missing(void)
{
	char *abs[] = {"/nonexistent/bgps-helper", NULL};
	char *rel[] = {"bgps-no-such-helper", "arg", NULL};
	struct cfg_process pr = {.name = "missing", .argv = abs};
	char err[256];
	int fd, st;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(
		proc_spawn(&pr, NOBODY, NOBODY, &pid, &fd, err, sizeof(err)),
		0);
	st = wait_status(pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	close(fd);
	/* a bare name goes through the clean PATH, and is not found */
	pr.argv = rel;
	CU_ASSERT_EQUAL_FATAL(
		proc_spawn(&pr, NOBODY, NOBODY, &pid, &fd, err, sizeof(err)),
		0);
	st = wait_status(pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	close(fd);
}

static void test_spawn_refuses_root(void)
{
	char *argv[] = {"/bin/true", NULL};
	char *none[] = {NULL};
	struct cfg_process pr = {.name = "rooty", .argv = argv};
	char err[256] = "";
	int fd = -1;
	pid_t pid = 0;

	CU_ASSERT_EQUAL(proc_spawn(&pr, 0, 0, &pid, &fd, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "as root"));
	CU_ASSERT_EQUAL(pid, 0);
	CU_ASSERT_EQUAL(fd, -1);
	pr.argv = none;
	CU_ASSERT_EQUAL(
		proc_spawn(&pr, NOBODY, NOBODY, &pid, &fd, err, sizeof(err)),
		-1);
}

/* --- the restart policy, with a clock the test moves ------------------- */

static int n_fd, n_gone, n_audit, n_give_up;
static uint32_t last_gen;

static void hook_notify(void *arg, int type, const struct proc *pr)
{
	(void)arg;
	if (type == IMSG_PROC_FD) {
		n_fd++;
		CU_ASSERT(pr->fd >= 0);
		CU_ASSERT(pr->gen > 0);
		last_gen = pr->gen;
	} else if (type == IMSG_PROC_GONE) {
		n_gone++;
	}
}

static void hook_audit(void *arg, const char *event, const char *text)
{
	(void)arg;
	(void)text;
	n_audit++;
	if (!strcmp(event, "process_give_up"))
		n_give_up++;
}

static const struct proc_hooks hooks = {hook_notify, hook_audit, NULL};

/* Reap the (only) running instance and tell the set. */
static void reap(struct proc_set *s, size_t i, time_t now)
{
	pid_t pid = s->v[i].pid;
	int st = wait_status(pid);

	CU_ASSERT_EQUAL(proc_reaped(s, pid, st, now), 1);
}

static void test_respawn_policy(void)
{
	char *failing[] = {"/bin/sh", "-c", "exit 3", NULL};
	struct cfg_process cp = {
		.name = "flappy", .argv = failing, .respawn = 1};
	struct config c = {.processes = &cp, .nprocesses = 1};
	struct proc_set s;
	time_t now = 1000;
	int delays[] = {1, 2, 4, 8};

	n_fd = n_gone = n_audit = n_give_up = 0;
	last_gen = 0;
	proc_set_init(&s, NOBODY, NOBODY, "nobody", &hooks);
	proc_sync(&s, &c, now);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	CU_ASSERT(s.v[0].pid > 0);
	CU_ASSERT_EQUAL(n_fd, 1);
	/* an unknown pid is not ours */
	CU_ASSERT_EQUAL(proc_reaped(&s, 1, 0, now), 0);
	for (int k = 0; k < 4; k++) {
		reap(&s, 0, now);
		CU_ASSERT_EQUAL(s.v[0].pid, 0);
		CU_ASSERT_EQUAL(s.v[0].fd, -1);
		CU_ASSERT_EQUAL(s.v[0].restart_at, now + delays[k]);
		/* not before its time */
		proc_tick(&s, now + delays[k] - 1);
		CU_ASSERT_EQUAL(s.v[0].pid, 0);
		now += delays[k];
		proc_tick(&s, now);
		CU_ASSERT(s.v[0].pid > 0);
		CU_ASSERT_EQUAL(last_gen, (uint32_t)k + 2); /* new instance */
	}
	CU_ASSERT_EQUAL(n_fd, 5);
	CU_ASSERT_EQUAL(n_gone, 4);
	/* the fifth quick exit in a row: given up */
	reap(&s, 0, now);
	CU_ASSERT_EQUAL(n_give_up, 1);
	CU_ASSERT(s.v[0].gave_up);
	proc_tick(&s, now + 3600);
	CU_ASSERT_EQUAL(s.v[0].pid, 0);
	CU_ASSERT_EQUAL(n_fd, 5);
	/* a reload gives it a fresh chance */
	proc_sync(&s, &c, now);
	CU_ASSERT(s.v[0].pid > 0);
	CU_ASSERT_EQUAL(s.v[0].quick_fails, 0);
	CU_ASSERT_EQUAL(n_fd, 6);
	/* a run longer than the backoff ceiling starts the backoff over */
	now += 100;
	reap(&s, 0, now);
	CU_ASSERT_EQUAL(s.v[0].restart_at, now + 1);
	CU_ASSERT_EQUAL(s.v[0].quick_fails, 0);
	/* respawn off: stays down */
	cp.respawn = 0;
	proc_sync(&s, &c, now);
	CU_ASSERT(s.v[0].pid > 0);
	reap(&s, 0, now);
	CU_ASSERT_EQUAL(s.v[0].restart_at, 0);
	proc_tick(&s, now + 3600);
	CU_ASSERT_EQUAL(s.v[0].pid, 0);
	CU_ASSERT_EQUAL(n_audit, 8); /* 7 exits, 1 giving up */
	proc_stop_all(&s);
	CU_ASSERT_EQUAL(s.n, 0);
}

static void test_reload_change_and_removal(void)
{
	char *waiting[] = {"/bin/sh", "-c", "read x", NULL};
	char *waiting2[] = {"/bin/sh", "-c", "read x; read y", NULL};
	char *stubborn[] = {"/bin/sh", "-c", "trap '' TERM; echo ready; read x",
			    NULL};
	struct cfg_process cp[2] = {
		{.name = "a", .argv = waiting, .respawn = 1},
		{.name = "b", .argv = stubborn, .respawn = 1},
	};
	struct config c = {.processes = cp, .nprocesses = 2};
	struct proc_set s;
	time_t now = 5000;
	pid_t old, b;
	uint32_t gen;
	struct timespec t0, t1;

	n_fd = n_gone = 0;
	last_gen = 0;
	proc_set_init(&s, NOBODY, NOBODY, "nobody", &hooks);
	proc_sync(&s, &c, now);
	CU_ASSERT_EQUAL_FATAL(s.n, 2);
	CU_ASSERT_EQUAL(n_fd, 2);
	/* the same config again: nothing restarts */
	old = s.v[0].pid;
	proc_sync(&s, &c, now);
	CU_ASSERT_EQUAL(s.v[0].pid, old);
	CU_ASSERT_EQUAL(n_fd, 2);
	/* a new engine hears of both again */
	proc_announce(&s);
	CU_ASSERT_EQUAL(n_fd, 4);
	/* argv changed: SIGTERM, and a new instance once reaped, at once */
	cp[0].argv = waiting2;
	gen = s.v[0].gen;
	proc_sync(&s, &c, now);
	CU_ASSERT_EQUAL(s.v[0].pid, old); /* still the old one */
	reap(&s, 0, now);
	CU_ASSERT(s.v[0].pid > 0 && s.v[0].pid != old);
	CU_ASSERT(s.v[0].gen > gen);
	CU_ASSERT_STRING_EQUAL(s.v[0].spec.argv[2], "read x; read y");
	/* a limit changed: restart too */
	cp[0].lim_files = 100;
	old = s.v[0].pid;
	proc_sync(&s, &c, now);
	reap(&s, 0, now);
	CU_ASSERT(s.v[0].pid > 0 && s.v[0].pid != old);
	/* "a" removed: stopped and forgotten once reaped */
	c.processes = &cp[1];
	c.nprocesses = 1;
	proc_sync(&s, &c, now);
	CU_ASSERT(s.v[0].removed);
	reap(&s, 0, now);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	CU_ASSERT_STRING_EQUAL(s.v[0].spec.name, "b");
	/* "b" ignores SIGTERM: stop_all kills it after the grace time */
	b = s.v[0].pid;
	CU_ASSERT(wait_ready(s.v[0].fd));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	proc_stop_all(&s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT(t1.tv_sec - t0.tv_sec >= PROC_KILL_SECS - 1);
	CU_ASSERT(t1.tv_sec - t0.tv_sec <= PROC_KILL_SECS + 1);
	CU_ASSERT_EQUAL(kill(b, 0), -1);
	CU_ASSERT_EQUAL(errno, ESRCH);
}

static void test_tick_kills_stubborn(void)
{
	char *stubborn[] = {"/bin/sh", "-c", "trap '' TERM; echo ready; read x",
			    NULL};
	struct cfg_process cp = {
		.name = "stubborn", .argv = stubborn, .respawn = 1};
	struct config c = {.processes = &cp, .nprocesses = 1};
	struct config empty = {0};
	struct proc_set s;
	time_t now = 100;
	int st;
	pid_t pid;

	proc_set_init(&s, NOBODY, NOBODY, "nobody", &hooks);
	proc_sync(&s, &c, now);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	pid = s.v[0].pid;
	CU_ASSERT(wait_ready(s.v[0].fd));
	proc_sync(&s, &empty, now);
	usleep(200000);
	CU_ASSERT_EQUAL(waitpid(pid, &st, WNOHANG), 0); /* TERM ignored */
	proc_tick(&s, now + PROC_KILL_SECS);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CU_ASSERT_EQUAL(proc_reaped(&s, pid, st, now + PROC_KILL_SECS), 1);
	CU_ASSERT_EQUAL(s.n, 0);
	proc_stop_all(&s);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	log_init("test_proc", 0);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("proc", NULL, NULL);
	CU_add_test(s, "root and empty argv refused", test_spawn_refuses_root);
	if (geteuid() == 0) {
		CU_add_test(s, "uid, environment, limits, descriptors",
			    test_spawn_env_limits_fds);
		CU_add_test(s, "limits default when 0", test_spawn_defaults);
		CU_add_test(s, "missing program exits 127", test_spawn_missing);
		CU_add_test(s, "backoff, give up, fresh chance",
			    test_respawn_policy);
		CU_add_test(s, "reload: change restarts, removal stops",
			    test_reload_change_and_removal);
		CU_add_test(s, "SIGKILL after SIGTERM is ignored",
			    test_tick_kills_stubborn);
	} else {
		fprintf(stderr, "test_proc: not root: skipping the tests that "
				"start processes as user nobody\n");
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
