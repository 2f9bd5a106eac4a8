// SPDX-License-Identifier: GPL-2.0-only
/*
 * API processes, the parent's side: starting them outside the engine's
 * sandbox but as the daemon's unprivileged user, restarting them with
 * backoff, stopping them on reload and at exit.  See proc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "imsg.h"
#include "log.h"
#include "proc.h"

#define serr(...) snprintf(err, errlen, __VA_ARGS__)

extern char **environ;

static uint32_t lim(uint32_t v, uint32_t def)
{
	return v ? v : def;
}

/* The child's failure before exec: one line on the daemon's stderr. */
static void __attribute__((noreturn))
child_fail(const char *name, const char *what, int status)
{
	dprintf(2, "bgpshieldd: process %s: %s: %s\n", name, what,
		strerror(errno));
	_exit(status);
}

static void set_limit(const char *name, int res, rlim_t v)
{
	/* soft and hard: the helper cannot raise them again */
	struct rlimit rl = {v, v};

	if (setrlimit(res, &rl) < 0)
		child_fail(name, "setrlimit", 126);
}

/*
 * After fork, in the child.  The parent is single-threaded, so the libc
 * calls here are safe; everything allocated was prepared before fork.
 */
static void __attribute__((noreturn))
child_run(const struct cfg_process *pr, uid_t uid, gid_t gid, pid_t parent,
	  int sock, char **envp)
{
	const char *name = pr->name;
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigset_t none;
	int io;

	/* The parent blocks SIGCHLD/SIGTERM/... for its signalfd and ignores
	 * SIGPIPE: both would survive exec. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* KILL, STOP: EINVAL, fine */
	/* Its own session: a Ctrl-C on the daemon's terminal does not reach
	 * it, and we can signal its whole group. */
	setsid();
	/* Above 2 first: the socket could itself be 0 or 1. */
	io = fcntl(sock, F_DUPFD, 3);
	if (io < 0 || dup2(io, 0) < 0 || dup2(io, 1) < 0)
		child_fail(name, "stdin/stdout", 126);

	set_limit(name, RLIMIT_CPU, lim(pr->lim_cpu_s, CFG_PROC_CPU_DEFAULT));
	set_limit(name, RLIMIT_NPROC,
		  lim(pr->lim_processes, CFG_PROC_PROCESSES_DEFAULT));
	set_limit(name, RLIMIT_NOFILE,
		  lim(pr->lim_files, CFG_PROC_FILES_DEFAULT));
	set_limit(name, RLIMIT_CORE, 0);

	/* No capability may come back through exec: empty the bounding and
	 * ambient sets while we still may (CAP_SETPCAP). */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (setgroups(0, NULL) < 0)
		child_fail(name, "setgroups", 126);
	if (setresgid(gid, gid, gid) < 0)
		child_fail(name, "setresgid", 126);
	if (setresuid(uid, uid, uid) < 0)
		child_fail(name, "setresuid", 126);
	if (geteuid() == 0 || setuid(0) == 0) {
		errno = EPERM;
		child_fail(name, "still root", 126);
	}
	/* The uid change cleared the parent-death signal: set it now, then
	 * make sure the parent did not die in between. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 ||
	    getppid() != parent)
		_exit(126);
	/* setuid and file-capability binaries gain nothing. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(name, "no_new_privs", 126);
	/* Not a BPF map, not the control socket, not another helper's
	 * socket: only 0, 1 and 2 (stderr stays the daemon's). */
	if (close_range(3, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long fd = 3; fd < (max > 0 ? max : 65536); fd++)
			close(fd);
	}
	if (chdir("/") < 0)
		child_fail(name, "chdir /", 126);
	/* Address space last: nothing above should fail for want of it
	 * (a sanitizer build reserves terabytes). */
	set_limit(name, RLIMIT_AS,
		  (rlim_t)lim(pr->lim_memory_mb, CFG_PROC_MEMORY_DEFAULT)
			  << 20);
	/* execvp looks PATH up in environ: the clean one. */
	environ = envp;
	execvp(pr->argv[0], pr->argv);
	/* No allocation here: the limit may leave no room for one. */
	{
		char msg[512];
		int e = errno, n;

		n = snprintf(msg, sizeof(msg),
			     "bgpshieldd: process %s: cannot run '%s': %s\n",
			     name, pr->argv[0], strerrordesc_np(e));
		if (n > 0)
			write(2, msg,
			      (size_t)n < sizeof(msg) ? (size_t)n
						      : sizeof(msg) - 1);
	}
	_exit(127);
}

int proc_spawn(const struct cfg_process *pr, uid_t uid, gid_t gid, pid_t *pid,
	       int *fd, char *err, size_t errlen)
{
	char lang[128] = "LANG=C.UTF-8", enc[32];
	char *envp[] = {"PATH=" PROC_PATH, "HOME=/", lang, enc, NULL};
	const char *l = getenv("LANG");
	pid_t parent = getpid(), p;
	int sv[2];

	if (uid == 0) {
		serr("refusing to run process %s as root", pr->name);
		return -1;
	}
	if (!pr->argv || !pr->argv[0] || !pr->argv[0][0]) {
		serr("process %s: nothing to run", pr->name);
		return -1;
	}
	if (l && *l && strlen(l) < sizeof(lang) - 5)
		snprintf(lang, sizeof(lang), "LANG=%s", l);
	/* ExaBGP's environment setting name (exabgp.api.encoder with the
	 * dots as underscores), for helpers that look at it. */
	snprintf(enc, sizeof(enc), "exabgp_api_encoder=%s",
		 pr->encoder == CFG_ENC_TEXT ? "text" : "json");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		serr("process %s: socketpair: %s", pr->name, strerror(errno));
		return -1;
	}
	p = fork();
	if (p < 0) {
		serr("process %s: fork: %s", pr->name, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (p == 0)
		child_run(pr, uid, gid, parent, sv[1], envp);
	close(sv[1]);
	*pid = p;
	*fd = sv[0];
	return 0;
}

/* --- the set of configured processes ------------------------------------ */

static void spec_free(struct cfg_process *c)
{
	if (c->argv)
		for (size_t i = 0; c->argv[i]; i++)
			free(c->argv[i]);
	free(c->argv);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

/* A deep copy: the config it came from is freed on the next reload. */
static int spec_copy(struct cfg_process *d, const struct cfg_process *s)
{
	size_t n = 0;

	*d = *s;
	d->name = strdup(s->name ? s->name : "");
	while (s->argv && s->argv[n])
		n++;
	d->argv = calloc(n + 1, sizeof(char *));
	d->argc = n;
	if (!d->name || !d->argv)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (!(d->argv[i] = strdup(s->argv[i])))
			goto fail;
	return 0;
fail:
	spec_free(d);
	return -1;
}

/* Would the running instance differ?  (rate and burst are the engine's,
 * respawn matters only at the next exit.) */
static int spec_same(const struct cfg_process *a, const struct cfg_process *b)
{
	size_t i;

	if (a->encoder != b->encoder ||
	    lim(a->lim_cpu_s, CFG_PROC_CPU_DEFAULT) !=
		    lim(b->lim_cpu_s, CFG_PROC_CPU_DEFAULT) ||
	    lim(a->lim_memory_mb, CFG_PROC_MEMORY_DEFAULT) !=
		    lim(b->lim_memory_mb, CFG_PROC_MEMORY_DEFAULT) ||
	    lim(a->lim_processes, CFG_PROC_PROCESSES_DEFAULT) !=
		    lim(b->lim_processes, CFG_PROC_PROCESSES_DEFAULT) ||
	    lim(a->lim_files, CFG_PROC_FILES_DEFAULT) !=
		    lim(b->lim_files, CFG_PROC_FILES_DEFAULT))
		return 0;
	for (i = 0; a->argv[i] && b->argv && b->argv[i]; i++)
		if (strcmp(a->argv[i], b->argv[i]))
			return 0;
	return !a->argv[i] && (!b->argv || !b->argv[i]);
}

/* The whole group: a shell's children go with it.  The pid stays a
 * process group id while any member lives, so it cannot be reused. */
static void signal_group(pid_t pid, int sig)
{
	if (kill(-pid, sig) < 0)
		kill(pid, sig);
}

static void proc_start(struct proc_set *s, struct proc *pr, time_t now)
{
	char err[512];
	pid_t pid;
	int fd;

	pr->restart_at = 0;
	pr->kill_at = 0;
	if (proc_spawn(&pr->spec, s->uid, s->gid, &pid, &fd, err, sizeof(err)) <
	    0) {
		/* Counts as a quick failure: retried with backoff. */
		log_warnx("%s", err);
		if (s->h.audit)
			s->h.audit(s->h.arg, "process_exit", err);
		if (++pr->quick_fails >= PROC_QUICK_MAX) {
			pr->gave_up = 1;
			log_warnx("process %s failed %d times in a row; not "
				  "restarting (fix it and reload)",
				  pr->spec.name, PROC_QUICK_MAX);
			return;
		}
		pr->restart_at = now + pr->backoff;
		pr->backoff = pr->backoff * 2 > PROC_BACKOFF_MAX
				      ? PROC_BACKOFF_MAX
				      : pr->backoff * 2;
		return;
	}
	pr->pid = pid;
	pr->fd = fd;
	pr->gen = ++s->gen;
	pr->started = now;
	log_info("process %s started (pid %d, user %s)", pr->spec.name, pid,
		 s->user);
	if (s->h.notify)
		s->h.notify(s->h.arg, IMSG_PROC_FD, pr);
}

static void proc_stop(struct proc *pr, time_t now)
{
	if (pr->pid <= 0)
		return;
	signal_group(pr->pid, SIGTERM);
	pr->kill_at = now + PROC_KILL_SECS;
	pr->restart_at = 0;
}

static void proc_delete(struct proc_set *s, size_t i)
{
	spec_free(&s->v[i].spec);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(s->v[0]));
	s->n--;
}

static void proc_fresh(struct proc *pr)
{
	pr->backoff = PROC_BACKOFF_MIN;
	pr->quick_fails = 0;
	pr->gave_up = 0;
}

void proc_set_init(struct proc_set *s, uid_t uid, gid_t gid, const char *user,
		   const struct proc_hooks *h)
{
	memset(s, 0, sizeof(*s));
	s->uid = uid;
	s->gid = gid;
	snprintf(s->user, sizeof(s->user), "%s", user ? user : "?");
	if (h)
		s->h = *h;
}

static struct proc *proc_find(struct proc_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].removed && !strcmp(s->v[i].spec.name, name))
			return &s->v[i];
	return NULL;
}

void proc_sync(struct proc_set *s, const struct config *c, time_t now)
{
	for (size_t i = 0; i < s->n; i++)
		s->v[i].seen = 0;
	for (size_t k = 0; k < c->nprocesses; k++) {
		const struct cfg_process *cp = &c->processes[k];
		struct cfg_process copy;
		struct proc *pr = proc_find(s, cp->name);
		int same;

		if (spec_copy(&copy, cp) < 0) {
			log_warnx("process %s: out of memory", cp->name);
			if (pr)
				pr->seen = 1; /* keep what runs */
			continue;
		}
		if (!pr) {
			struct proc *v = realloc(s->v, (s->n + 1) * sizeof(*v));

			if (!v) {
				spec_free(&copy);
				log_warnx("process %s: out of memory",
					  cp->name);
				continue;
			}
			s->v = v;
			pr = &s->v[s->n++];
			memset(pr, 0, sizeof(*pr));
			pr->spec = copy;
			pr->fd = -1;
			pr->seen = 1;
			proc_fresh(pr);
			proc_start(s, pr, now);
			continue;
		}
		pr->seen = 1;
		same = spec_same(&pr->spec, &copy);
		spec_free(&pr->spec);
		pr->spec = copy;
		if (pr->pid > 0) {
			if (!same) {
				log_info("process %s changed; restarting it",
					 pr->spec.name);
				pr->restart_now = 1;
				proc_stop(pr, now);
			}
			continue;
		}
		/* Not running: given up, waiting for a restart, exited with
		 * respawn off or a restart after a change pending.  A reload
		 * is a fresh chance for all of them. */
		proc_fresh(pr);
		pr->restart_now = 0;
		proc_start(s, pr, now);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct proc *pr = &s->v[i];

		if (pr->seen || pr->removed)
			continue;
		pr->removed = 1;
		if (pr->pid > 0) {
			log_info("process %s is no longer configured; "
				 "stopping it",
				 pr->spec.name);
			proc_stop(pr, now);
		} else {
			proc_delete(s, i--);
		}
	}
}

int proc_reaped(struct proc_set *s, pid_t pid, int status, time_t now)
{
	char what[160];
	struct proc *pr = NULL;
	size_t i;
	time_t ran;

	for (i = 0; i < s->n; i++)
		if (s->v[i].pid == pid) {
			pr = &s->v[i];
			break;
		}
	if (!pr || pid <= 0)
		return 0;
	if (s->h.notify)
		s->h.notify(s->h.arg, IMSG_PROC_GONE, pr);
	if (pr->fd >= 0)
		close(pr->fd);
	pr->fd = -1;
	pr->pid = 0;
	pr->kill_at = 0;
	/* What it left in its group goes too: a new instance must not meet
	 * its predecessor's children. */
	kill(-pid, SIGTERM);
	if (WIFSIGNALED(status))
		snprintf(what, sizeof(what), "process %s killed by signal %d",
			 pr->spec.name, WTERMSIG(status));
	else
		snprintf(what, sizeof(what), "process %s exited with status %d",
			 pr->spec.name, WEXITSTATUS(status));
	if (s->h.audit)
		s->h.audit(s->h.arg, "process_exit", what);
	if (pr->removed) {
		log_info("%s", what);
		proc_delete(s, i);
		return 1;
	}
	if (pr->restart_now) {
		log_info("%s", what);
		pr->restart_now = 0;
		proc_fresh(pr);
		proc_start(s, pr, now);
		return 1;
	}
	ran = now - pr->started;
	if (ran > PROC_BACKOFF_MAX)
		pr->backoff = PROC_BACKOFF_MIN;
	if (ran < PROC_QUICK_SECS)
		pr->quick_fails++;
	else
		pr->quick_fails = 0;
	if (!pr->spec.respawn) {
		log_warnx("%s; not restarting (respawn false)", what);
		return 1;
	}
	if (pr->quick_fails >= PROC_QUICK_MAX) {
		char msg[200];

		pr->gave_up = 1;
		snprintf(msg, sizeof(msg),
			 "process %s failed %d times in a row; not restarting "
			 "(fix it and reload)",
			 pr->spec.name, PROC_QUICK_MAX);
		log_warnx("%s; %s", what, msg);
		if (s->h.audit)
			s->h.audit(s->h.arg, "process_give_up", msg);
		return 1;
	}
	log_warnx("%s; restarting in %ds", what, pr->backoff);
	pr->restart_at = now + pr->backoff;
	pr->backoff = pr->backoff * 2 > PROC_BACKOFF_MAX ? PROC_BACKOFF_MAX
							 : pr->backoff * 2;
	return 1;
}

void proc_tick(struct proc_set *s, time_t now)
{
	for (size_t i = 0; i < s->n; i++) {
		struct proc *pr = &s->v[i];

		if (pr->pid > 0 && pr->kill_at && now >= pr->kill_at) {
			log_warnx("process %s ignored SIGTERM; killing it",
				  pr->spec.name);
			signal_group(pr->pid, SIGKILL);
			pr->kill_at = 0;
		}
		if (pr->pid <= 0 && !pr->removed && !pr->gave_up &&
		    pr->restart_at && now >= pr->restart_at)
			proc_start(s, pr, now);
	}
}

void proc_announce(struct proc_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].pid > 0 && s->v[i].fd >= 0 && s->h.notify)
			s->h.notify(s->h.arg, IMSG_PROC_FD, &s->v[i]);
}

void proc_stop_all(struct proc_set *s)
{
	size_t live = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].pid > 0) {
			signal_group(s->v[i].pid, SIGTERM);
			live++;
		}
	/* Up to PROC_KILL_SECS for all of them together. */
	for (int t = 0; live && t < PROC_KILL_SECS * 50; t++) {
		usleep(20000);
		for (size_t i = 0; i < s->n; i++) {
			struct proc *pr = &s->v[i];
			int st;

			if (pr->pid > 0 &&
			    waitpid(pr->pid, &st, WNOHANG) == pr->pid) {
				kill(-pr->pid, SIGKILL); /* its leftovers */
				pr->pid = 0;
				live--;
			}
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		struct proc *pr = &s->v[i];
		int st;

		if (pr->pid > 0) {
			log_warnx("process %s ignored SIGTERM; killing it",
				  pr->spec.name);
			signal_group(pr->pid, SIGKILL);
			waitpid(pr->pid, &st, 0);
			kill(-pr->pid, SIGKILL);
			pr->pid = 0;
		}
		if (pr->fd >= 0)
			close(pr->fd);
		spec_free(&pr->spec);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
