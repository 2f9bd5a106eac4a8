// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config's recursive-descent parser: its entry point
 * config_parse_buf(), the top level and the blocks that stand there
 * (process, guard, user, control, log, prefix-list, metrics, rfc8212).
 * Neighbor and template blocks are in parse_neighbor.c, routes and
 * filters in parse_routes.c, the lexer and value readers in lex.c, and
 * what follows the last token in resolve.c.  docs/CONFIG.md describes
 * the language.
 *
 * The parser reads no file and cannot be made to grow without bound: every
 * token, list and array has a limit from config.h, the grammar has a fixed
 * depth (no recursion driven by the input), and the first error stops it
 * and frees everything, so a caller gets a complete config or nothing.
 * Secrets never reach a message: statements quoted in errors show them as
 * CFG_SECRET_MASK, and the parser's token buffers are wiped at the end.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_parse.h"
#include "plist.h"
#include "secfile.h"

/* --- process blocks ------------------------------------------------------- */

enum { PK_RUN, PK_ENCODER, PK_RESPAWN, PK_LIMITS };

/* limits { } keywords, with the default each may only lower. */
const struct cfg_limit cfg_limits[] = {
	{ "cpu", CFG_PROC_CPU_DEFAULT,
	  offsetof(struct cfg_process, lim_cpu_s) },
	{ "memory", CFG_PROC_MEMORY_DEFAULT,
	  offsetof(struct cfg_process, lim_memory_mb) },
	{ "processes", CFG_PROC_PROCESSES_DEFAULT,
	  offsetof(struct cfg_process, lim_processes) },
	{ "files", CFG_PROC_FILES_DEFAULT,
	  offsetof(struct cfg_process, lim_files) },
	{ "rate", CFG_PROC_RATE_DEFAULT, offsetof(struct cfg_process, rate) },
	{ "burst", CFG_PROC_BURST_DEFAULT,
	  offsetof(struct cfg_process, burst) },
};
const size_t cfg_nlimits = CFG_ARRAY_SIZE(cfg_limits);

static void cfg_limits_default(struct cfg_process *pr)
{
	for (size_t i = 0; i < CFG_ARRAY_SIZE(cfg_limits); i++)
		*CFG_LIMIT(pr, i) = cfg_limits[i].def;
}

/*
 * limits { cpu S; ... } (after the '{').  The defaults are what the
 * daemon was sized for; a config may lower them for a helper it does not
 * trust, never raise them, so a config cannot let a helper exhaust the
 * host or flood the engine.
 */
static int cfg_proc_limits(struct cfg_parser *p, struct cfg_process *pr,
			   struct cfg_pos open)
{
	struct cfg_kw kws[CFG_ARRAY_SIZE(cfg_limits)];
	struct cfg_pos seen[CFG_ARRAY_SIZE(cfg_limits)] = { { 0, 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	uint32_t v, def;
	int r;

	for (size_t i = 0; i < CFG_ARRAY_SIZE(cfg_limits); i++) {
		kws[i].name = cfg_limits[i].name;
		kws[i].id = (int)i;
	}
	while (!(r = cfg_block_kw(p, kws, CFG_ARRAY_SIZE(kws), "limits block",
				  open, &k, &at))) {
		if (cfg_set_once(p, &seen[k->id], at, k->name))
			return -1;
		def = cfg_limits[k->id].def;
		if (!cfg_is_value(&p->tok) ||
		    parse_u32(p->tok.text, 1, UINT32_MAX, &v))
			return cfg_err_tok(p, "'%s' needs a number 1..%u",
					   k->name, def);
		if (v > def)
			return cfg_err_tok(p,
					   "'%s %u' is above the default: a "
					   "limit only tightens: the default "
					   "is %u",
					   k->name, v, def);
		*CFG_LIMIT(pr, k->id) = v;
		if (cfg_take(p, 0) || cfg_semi(p))
			return -1;
	}
	return r < 0 ? -1 : 0;
}

/*
 * A program path of 'run': absolute as written, or relative to the config
 * file's folder as ExaBGP resolves it ("run ./run/check.py;"), joined here
 * so the process is exec'd by absolute path (the daemon reads its config
 * by absolute path).  A bare name would need a PATH search: refused.
 */
static char *cfg_run_path(struct cfg_parser *p)
{
	const char *t = p->tok.text, *slash = p->name ? strrchr(p->name, '/') : NULL;
	size_t dl = slash ? (size_t)(slash - p->name) : 0;
	char *out;

	if (t[0] == '/')
		return strdup(t);
	while (t[0] == '.' && t[1] == '/')
		t += 2;
	if (!slash) {
		if (asprintf(&out, "./%s", t) < 0)
			return NULL;
		return out;
	}
	if (asprintf(&out, "%.*s/%s", (int)dl, p->name, t) < 0)
		return NULL;
	return out;
}

static int cfg_run(struct cfg_parser *p, struct cfg_process *pr,
		   struct cfg_pos at)
{
	char b[80];

	while (p->tok.type != CT_SEMI) {
		/* One line, as in ExaBGP: a missing ';' must not swallow
		 * the next statement into the command line. */
		if (!cfg_is_value(&p->tok) ||
		    (pr->argc && p->tok.line != p->prev_line))
			break;
		if (!pr->argc && !strchr(p->tok.text, '/'))
			return cfg_err_tok(p,
					   "'run' needs a program path (absolute, "
					   "or relative to the config's folder), "
					   "not '%.64s': bgpshield runs no shell "
					   "and searches no PATH",
					   p->tok.text);
		if (pr->argc >= CFG_MAX_ARGV)
			return cfg_err_tok(p, "more than %d words in 'run'",
					   CFG_MAX_ARGV);
		if (CFG_ROOM(p, pr->argv, pr->argc))
			return -1;
		pr->argv[pr->argc] =
			pr->argc ? strdup(p->tok.text) : cfg_run_path(p);
		if (!pr->argv[pr->argc])
			return cfg_oom(p);
		pr->argc++;
		if (cfg_take(p, 0))
			return -1;
	}
	if (!pr->argc)
		return cfg_err_at(p, at,
				  "'run' needs a program (an absolute path) "
				  "and its arguments, got %s",
				  cfg_tok_desc(&p->tok, b, sizeof(b)));
	/* NULL-terminated for execv(). */
	if (CFG_ROOM(p, pr->argv, pr->argc))
		return -1;
	pr->argv[pr->argc] = NULL;
	return cfg_semi(p);
}

static int cfg_process(struct cfg_parser *p, struct cfg_pos at)
{
	static const struct cfg_kw kws[] = {
		{ "run", PK_RUN },
		{ "encoder", PK_ENCODER },
		{ "respawn", PK_RESPAWN },
		{ "limits", PK_LIMITS },
	};
	static const char *const enc[] = { "text", "json", "json5" };
	struct config *c = p->c;
	struct cfg_pos seen[4] = { { 0, 0 } }, npos = cfg_here(p);
	struct cfg_pos kat = { 0, 0 };
	const struct cfg_kw *k = NULL;
	struct cfg_process *pr;
	int r, e = 0;

	if (c->nprocesses >= CFG_MAX_PROCESSES)
		return cfg_err_at(p, at, "more than %d process blocks",
				  CFG_MAX_PROCESSES);
	if (CFG_ROOM(p, c->processes, c->nprocesses))
		return -1;
	pr = &c->processes[c->nprocesses];
	memset(pr, 0, sizeof(*pr));
	c->nprocesses++;
	pr->respawn = 1;
	cfg_limits_default(pr);
	pr->line = npos.line;
	pr->col = npos.col;
	if (cfg_is_value(&p->tok))
		for (size_t i = 0; i + 1 < c->nprocesses; i++)
			if (!strcmp(c->processes[i].name, p->tok.text))
				return cfg_err_at(p, npos,
						  "process '%s' is already "
						  "defined at %u:%u",
						  p->tok.text,
						  c->processes[i].line,
						  c->processes[i].col);
	if (cfg_name(p, "process", &pr->name) || cfg_open(p))
		return -1;
	while (!(r = cfg_block_kw(p, kws, CFG_ARRAY_SIZE(kws), "process block",
				  at, &k, &kat))) {
		if (cfg_set_once(p, &seen[k->id], kat, k->name))
			return -1;
		if (k->id == PK_RUN) {
			if (cfg_run(p, pr, kat))
				return -1;
			continue;
		}
		if (k->id == PK_LIMITS) {
			if (cfg_open(p) || cfg_proc_limits(p, pr, kat))
				return -1;
			continue;
		}
		if (k->id == PK_ENCODER) {
			r = cfg_enum(p, k->name, enc, 3, "text, json or json5",
				     &e);
			if (!r)
				pr->encoder = e;
		} else {
			r = cfg_bool(p, k->name, &pr->respawn);
		}
		if (r || cfg_semi(p))
			return -1;
	}
	if (r < 0)
		return -1;
	if (!pr->argc)
		return cfg_err_at(p, npos,
				  "process '%s' needs 'run PROGRAM "
				  "ARGS;'",
				  pr->name);
	return 0;
}

/* --- global blocks -------------------------------------------------------- */

/* The kernel's dev_valid_name(), so a typo fails here, not at attach. */
int cfg_ifname_ok(const char *s, size_t len)
{
	if (!len || len >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || (unsigned char)s[i] <= ' ')
			return 0;
	return 1;
}

/* The token as the next name of an interface list: a valid name, not
 * in the list yet.  0, or -1 with the error reported. */
static int cfg_ifname_next(struct cfg_parser *p, const struct cfg_iface *list,
			   size_t n)
{
	if (!cfg_ifname_ok(p->tok.text, p->tok.len))
		return cfg_err_tok(p,
				   "'%.64s' is not an interface name (1..%d "
				   "bytes, no / : or spaces)",
				   p->tok.text, IF_NAMESIZE - 1);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].name, p->tok.text))
			return cfg_err_tok(p, "interface %s is listed twice",
					   p->tok.text);
	return 0;
}

static int cfg_interface(struct cfg_parser *p, struct cfg_guard *g)
{
	size_t count = 0;

	p->iface_given = 1;
	while (cfg_is_value(&p->tok) &&
	       (!count || p->tok.line == p->prev_line)) {
		count++;
		if (cfg_is(p, "auto")) {
			g->iface_auto = 1;
		} else {
			if (cfg_ifname_next(p, g->ifaces, g->nifaces))
				return -1;
			if (g->nifaces >= BGPS_MAX_IFACES)
				return cfg_err_tok(p, "more than %d interfaces",
						   BGPS_MAX_IFACES);
			if (CFG_ROOM(p, g->ifaces, g->nifaces))
				return -1;
			memset(&g->ifaces[g->nifaces], 0, sizeof(g->ifaces[0]));
			memcpy(g->ifaces[g->nifaces].name, p->tok.text,
			       p->tok.len);
			g->nifaces++;
		}
		if (cfg_take(p, 0))
			return -1;
	}
	if (!count)
		return cfg_err_tok(p, "'interface' needs interface names or "
				      "'auto'");
	return 0;
}

int cfg_bind_ifaces(struct cfg_parser *p, struct cfg_bind *b, int words)
{
	const char *alone = NULL; /* 'auto' or 'off', when read */
	size_t count = 0;

	b->nifaces = 0;
	memset(b->ifaces, 0, sizeof(b->ifaces));
	while (cfg_is_value(&p->tok) &&
	       (!count || p->tok.line == p->prev_line)) {
		/* Quoted, they are names: Linux allows an interface "off". */
		int word = cfg_is(p, "auto") || cfg_is(p, "off");

		if (word && !words)
			return cfg_err_tok(p,
					   "an allow entry's 'interface' takes "
					   "interface names ('%s' is for a "
					   "neighbor's guard block)",
					   p->tok.text);
		if (alone || (word && count))
			return cfg_err_tok(p,
					   "'interface %s' cannot be mixed "
					   "with interface names",
					   alone ? alone : p->tok.text);
		count++;
		if (word) {
			alone = cfg_is(p, "auto") ? "auto" : "off";
			b->iface = *alone == 'a' ? CFG_IFB_AUTO : CFG_IFB_OFF;
		} else {
			if (cfg_ifname_next(p, b->ifaces, b->nifaces))
				return -1;
			/* The policy holds this many ifindexes. */
			if (b->nifaces >= BGPS_POLICY_IFACES)
				return cfg_err_tok(p,
						   "more than %d interfaces in "
						   "one binding",
						   BGPS_POLICY_IFACES);
			memcpy(b->ifaces[b->nifaces++].name, p->tok.text,
			       p->tok.len);
			b->iface = CFG_IFB_STATIC;
		}
		if (cfg_take(p, 0))
			return -1;
	}
	if (!count)
		return cfg_err_tok(p,
				   words ? "'interface' needs 1..%d interface "
					   "names, 'auto' or 'off'"
					 : "'interface' needs 1..%d interface "
					   "names",
				   BGPS_POLICY_IFACES);
	return 0;
}

/* allow PREFIX... [interface NAME...]; the binding is the statement's. */
static int cfg_allow(struct cfg_parser *p, struct cfg_guard *g)
{
	/* A range is unbound unless it names its interfaces: any host in
	 * it may sit behind any of them. */
	struct cfg_bind b = { .iface = CFG_IFB_OFF, .mac = CFG_MACB_OFF };
	size_t count = 0, first = g->nallow;

	while (cfg_is_value(&p->tok) &&
	       (!count || p->tok.line == p->prev_line)) {
		if (cfg_is(p, "interface")) {
			if (!count)
				break;
			if (cfg_take(p, 0) || cfg_bind_ifaces(p, &b, 0))
				return -1;
			break;
		}
		count++;
		if (g->nallow >= CFG_MAX_ALLOW)
			return cfg_err_tok(p, "more than %d allow entries",
					   CFG_MAX_ALLOW);
		if (CFG_ROOM(p, g->allow, g->nallow))
			return -1;
		memset(&g->allow[g->nallow], 0, sizeof(g->allow[0]));
		g->allow[g->nallow].bind.iface = CFG_IFB_OFF;
		g->allow[g->nallow].bind.mac = CFG_MACB_OFF;
		if (cfg_addr(p, "allow", 0, 0, &g->allow[g->nallow].pfx))
			return -1;
		g->nallow++;
	}
	if (!count)
		return cfg_err_tok(p, "'allow' needs an address or a prefix");
	for (size_t i = first; i < g->nallow; i++)
		g->allow[i].bind = b;
	return 0;
}

#define GUARD_NUM(m, lo, hi) CFG_OPT_NUM(struct cfg_guard, m, lo, hi)

static int cfg_guard(struct cfg_parser *p, struct cfg_pos open)
{
	/* The numbers, by GK_*; the other keywords have a case below. */
	static const struct cfg_opt nums[GK_MAX] = {
		[GK_SYN_RATE] = GUARD_NUM(syn_rate, 0, UINT32_MAX),
		[GK_SYN_BURST] = GUARD_NUM(syn_burst, 0, UINT32_MAX),
		[GK_EVENT_RATE] = GUARD_NUM(event_rate, 0, UINT32_MAX),
		[GK_PORT] = GUARD_NUM(port, 1, 65535),
	};
	static const char *const modes[] = {
		[BGPS_ATTACH_AUTO] = "auto",
		[BGPS_ATTACH_NATIVE] = "native",
		[BGPS_ATTACH_GENERIC] = "generic",
		[BGPS_ATTACH_TC] = "tc",
	};
	static const char *const policies[] = {
		[CFG_POLICY_ENFORCE] = "enforce",
		[CFG_POLICY_MONITOR] = "monitor",
	};
	static const char *const on_exit[] = {
		[CFG_ON_EXIT_KEEP] = "keep",
		[CFG_ON_EXIT_DETACH] = "detach",
	};
	struct cfg_guard *g = &p->c->guard;
	struct cfg_pos seen[GK_MAX] = { { 0, 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	char *dir = NULL;
	int r, e = 0;

	while (!(r = cfg_block_kw(p, cfg_guard_kws, cfg_nguard_kws,
				  "guard block", open, &k, &at))) {
		/* interface and allow add up; the rest is set once. */
		if (k->id != GK_INTERFACE && k->id != GK_ALLOW &&
		    cfg_set_once(p, &seen[k->id], at, k->name))
			return -1;
		switch (k->id) {
		case GK_INTERFACE:
			r = cfg_interface(p, g);
			break;
		case GK_ALLOW:
			r = cfg_allow(p, g);
			break;
		case GK_MODE:
			r = cfg_enum(p, k->name, modes, CFG_ARRAY_SIZE(modes),
				     "auto, native, generic or tc", &e);
			if (!r)
				g->mode = e;
			break;
		case GK_POLICY:
			r = cfg_enum(p, k->name, policies,
				     CFG_ARRAY_SIZE(policies),
				     "enforce or monitor", &e);
			if (!r)
				g->policy = e;
			break;
		case GK_ON_EXIT:
			r = cfg_enum(p, k->name, on_exit,
				     CFG_ARRAY_SIZE(on_exit), "keep or detach",
				     &e);
			if (!r)
				g->on_exit = e;
			break;
		case GK_PIN_DIR:
			r = cfg_path(p, k->name, 1, CFG_PIN_DIR_MAX, &dir);
			if (!r)
				snprintf(g->pin_dir, sizeof(g->pin_dir), "%s",
					 dir);
			free(dir);
			dir = NULL;
			break;
		default:
			r = cfg_opt(p, k->name, &nums[k->id], g);
			break;
		}
		if (r || cfg_semi(p))
			return -1;
	}
	if (r < 0)
		return -1;
	if (seen[GK_SYN_BURST].line && g->syn_burst && !g->syn_rate)
		return cfg_err_at(p, seen[GK_SYN_BURST],
				  "'syn-burst' needs 'syn-rate' in the same "
				  "block");
	return 0;
}

/* Like useradd's default NAME_REGEX, plus upper case and dots. */
static int cfg_is_account_name(const struct cfg_parser *p)
{
	const char *s = p->tok.text;
	int ok = cfg_is_value(&p->tok) && p->tok.len &&
		 p->tok.len <= CFG_USER_MAX && s[0] != '-' && s[0] != '.';

	for (size_t i = 0; ok && i < p->tok.len; i++) {
		unsigned char ch = s[i];

		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		     (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		     ch == '.';
	}
	return ok;
}

static int cfg_user(struct cfg_parser *p)
{
	const char *s = p->tok.text;

	if (!cfg_is_account_name(p))
		return cfg_err_tok(p,
				   "'user' needs a user name of 1..%d letters, "
				   "digits or - _ .",
				   CFG_USER_MAX);
	/* The engine exists to hold no privilege: root defeats that. */
	if (!strcmp(s, "root") || !strcmp(s, "0"))
		return cfg_err_tok(p,
				   "'user %s' would run the engine as root; "
				   "name an unprivileged user",
				   s);
	memcpy(p->c->user, s, p->tok.len + 1);
	return cfg_take(p, 0);
}

/*
 * control { group NAME; change-group NAME; }: who may connect to the
 * control socket (its group), and who may use the commands that change
 * something (reload, announce, withdraw, neighbor shutdown/restart).
 */
static int cfg_control(struct cfg_parser *p, struct cfg_pos open)
{
	static const struct cfg_kw kws[] = { { "group", 0 },
					     { "change-group", 1 } };
	struct cfg_pos at = { 0, 0 }, seen[2] = { { 0, 0 } };
	const struct cfg_kw *k = NULL;
	int r;

	while (!(r = cfg_block_kw(p, kws, 2, "control block", open, &k,
				  &at))) {
		char *dst = k->id ? p->c->control_change_group
				  : p->c->control_group;

		if (cfg_set_once(p, &seen[k->id], at, k->name))
			return -1;
		if (!cfg_is_account_name(p))
			return cfg_err_tok(p,
					   "'%s' needs a group name of 1..%d "
					   "letters, digits or - _ .",
					   k->name, CFG_USER_MAX);
		memcpy(dst, p->tok.text, p->tok.len + 1);
		if (cfg_take(p, 0) || cfg_semi(p))
			return -1;
	}
	return r < 0 ? -1 : 0;
}

static int cfg_log(struct cfg_parser *p, struct cfg_pos open)
{
	static const struct cfg_kw kws[] = { { "audit", 0 } };
	struct cfg_pos at = { 0, 0 }, seen = { 0, 0 };
	const struct cfg_kw *k = NULL;
	int r;

	while (!(r = cfg_block_kw(p, kws, 1, "log block", open, &k, &at))) {
		if (cfg_set_once(p, &seen, at, k->name) ||
		    cfg_path(p, k->name, 1, PATH_MAX - 1, &p->c->audit_path) ||
		    cfg_semi(p))
			return -1;
	}
	return r < 0 ? -1 : 0;
}

/* One entry: P [ge G] [le L]; (the look-ahead on P) */
static int cfg_plist_entry(struct cfg_parser *p, struct cfg_plist *l)
{
	struct cfg_pos at = cfg_here(p), gat = { 0, 0 }, lat = { 0, 0 };
	struct cfg_plist_entry *e;
	struct prefix pfx;
	uint32_t v;
	char b[80], es[256];
	int ge = -1, le = -1, isge;

	if (!cfg_is_value(&p->tok))
		return cfg_err_tok(p,
				   "expected a prefix [ge N] [le N] or '}' in "
				   "prefix-list '%s', got %s",
				   l->name,
				   cfg_tok_desc(&p->tok, b, sizeof(b)));
	if (++p->plist_entries > CFG_MAX_PLIST_ENTRIES)
		return cfg_err_tok(p,
				   "more than %u prefix-list entries in the "
				   "config",
				   CFG_MAX_PLIST_ENTRIES);
	cfg_stmt_reset(p);
	if (cfg_addr(p, "prefix-list", 0, 0, &pfx))
		return -1;
	while (cfg_is(p, "ge") || cfg_is(p, "le")) {
		isge = cfg_is(p, "ge");
		if ((isge ? gat : lat).line)
			return cfg_err_tok(p,
					   "'%s' is given twice in this "
					   "entry",
					   p->tok.text);
		if (isge)
			gat = cfg_here(p);
		else
			lat = cfg_here(p);
		if (cfg_take(p, 0) ||
		    cfg_num(p, isge ? "ge" : "le", 0, 128, &v))
			return -1;
		if (isge)
			ge = (int)v;
		else
			le = (int)v;
	}
	if (cfg_semi(p))
		return -1;
	if (plist_add(l->trie, &pfx, ge, le, es, sizeof(es)) < 0)
		return cfg_err_at(p, at, "%s", es);
	if (CFG_ROOM(p, l->entries, l->nentries))
		return -1;
	e = &l->entries[l->nentries++];
	e->p = pfx;
	e->ge = ge;
	e->le = le;
	e->line = at.line;
	e->col = at.col;
	return 0;
}

/* prefix-list NAME { ... } (the keyword consumed) */
static int cfg_plist(struct cfg_parser *p, struct cfg_pos at)
{
	struct config *c = p->c;
	struct cfg_pos npos = cfg_here(p);
	struct cfg_plist *l;

	if (cfg_is_value(&p->tok))
		for (size_t i = 0; i < c->nplists; i++)
			if (!strcmp(c->plists[i].name, p->tok.text))
				return cfg_err_at(p, npos,
						  "prefix-list '%s' is already "
						  "defined at %u:%u",
						  p->tok.text,
						  c->plists[i].line,
						  c->plists[i].col);
	if (c->nplists >= CFG_MAX_PLISTS)
		return cfg_err_at(p, at, "more than %d prefix-lists",
				  CFG_MAX_PLISTS);
	/* Filters point into this array only once it stops growing. */
	if (CFG_ROOM(p, c->plists, c->nplists))
		return -1;
	l = &c->plists[c->nplists];
	memset(l, 0, sizeof(*l));
	c->nplists++;
	l->line = npos.line;
	l->col = npos.col;
	if (!(l->trie = plist_new()))
		return cfg_oom(p);
	if (cfg_name(p, "prefix-list", &l->name) || cfg_open(p))
		return -1;
	for (;;) {
		if (p->tok.type == CT_RBRACE)
			return cfg_next(p);
		if (p->tok.type == CT_EOF)
			return cfg_err_tok(p,
					   "expected '}' to close prefix-list "
					   "'%s' opened at %u:%u",
					   l->name, at.line, at.col);
		if (cfg_plist_entry(p, l))
			return -1;
	}
}

int config_metrics_loopback(const struct cfg_metrics *m)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (m->addr.family == AF_INET)
		return m->addr.addr[0] == 127;
	return !memcmp(m->addr.addr, lo6, 16);
}

/*
 * listen ADDR:PORT, IPv6 as [ADDR]:PORT.  The lexer makes '[' and ']'
 * tokens of their own, so a bracketed address arrives as "[", ADDR,
 * "]:PORT" (or whole, quoted); both are put back together and parsed once.
 */
static int cfg_metrics_listen(struct cfg_parser *p, struct cfg_metrics *m)
{
	struct cfg_pos at = cfg_here(p);
	char text[160], host[128], e[256];
	const char *port;
	uint32_t v;
	size_t hl;

	if (p->tok.type == CT_LBRACKET) {
		if (cfg_take(p, 0))
			return -1;
		if (!cfg_is_value(&p->tok) || p->tok.len > 64)
			return cfg_err_tok(p, "'listen' needs [IPV6]:PORT");
		snprintf(text, sizeof(text), "[%.64s", p->tok.text);
		if (cfg_take(p, 0))
			return -1;
		if (p->tok.type != CT_RBRACKET)
			return cfg_err_tok(p, "'listen' needs [IPV6]:PORT");
		if (cfg_take(p, 0))
			return -1;
		if (p->tok.type != CT_WORD || p->tok.text[0] != ':' ||
		    p->tok.len > 16)
			return cfg_err_tok(p, "'listen' needs [IPV6]:PORT");
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "]%.16s", p->tok.text);
	} else {
		if (!cfg_is_value(&p->tok) || p->tok.len >= sizeof(text))
			return cfg_err_tok(p, "'listen' needs ADDR:PORT or "
					      "[IPV6]:PORT");
		memcpy(text, p->tok.text, p->tok.len + 1);
	}
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || close[1] != ':')
			return cfg_err_at(p, at, "'listen' needs [IPV6]:PORT");
		hl = close - text - 1;
		port = close + 2;
		memcpy(host, text + 1, hl < sizeof(host) ? hl : 0);
	} else {
		const char *colon = strrchr(text, ':');

		if (!colon)
			return cfg_err_at(p, at,
					  "'listen' needs ADDR:PORT (a port "
					  "is required)");
		if (memchr(text, ':', colon - text))
			return cfg_err_at(p, at,
					  "'listen %s': an IPv6 address goes "
					  "in brackets, [ADDR]:PORT",
					  text);
		hl = colon - text;
		port = colon + 1;
		memcpy(host, text, hl < sizeof(host) ? hl : 0);
	}
	if (!hl || hl >= sizeof(host))
		return cfg_err_at(p, at, "'listen' needs an address");
	host[hl] = 0;
	if (prefix_parse(host, &m->addr, e, sizeof(e)) < 0)
		return cfg_err_at(p, at, "%s", e);
	if (!prefix_is_host(&m->addr) ||
	    (text[0] == '[') != (m->addr.family == AF_INET6))
		return cfg_err_at(p, at,
				  "'listen' needs one IPv4 address or one "
				  "IPv6 address in brackets");
	if (parse_u32(port, 1, 65535, &v))
		return cfg_err_at(p, at, "'listen' needs a port 1..65535");
	m->port = v;
	m->enabled = 1;
	m->line = at.line;
	m->col = at.col;
	return cfg_take(p, 0);
}

/* metrics { listen ADDR:PORT; } */
static int cfg_metrics(struct cfg_parser *p, struct cfg_pos open)
{
	static const struct cfg_kw kws[] = { { "listen", 0 } };
	struct cfg_pos at = { 0, 0 }, seen = { 0, 0 };
	const struct cfg_kw *k = NULL;
	int r;

	while (!(r = cfg_block_kw(p, kws, 1, "metrics block", open, &k,
				  &at))) {
		if (cfg_set_once(p, &seen, at, k->name) ||
		    cfg_metrics_listen(p, &p->c->metrics) || cfg_semi(p))
			return -1;
	}
	if (r < 0)
		return -1;
	if (!p->c->metrics.enabled)
		return cfg_err_at(p, open, "metrics block without 'listen'");
	return 0;
}

static int cfg_rfc8212(struct cfg_parser *p)
{
	static const char *const modes[] = { "loose", "strict" };
	int v = 0;

	if (cfg_enum(p, "rfc8212", modes, 2, "loose or strict", &v))
		return -1;
	p->c->rfc8212_strict = v;
	return 0;
}

enum {
	TK_NEIGHBOR,
	TK_TEMPLATE,
	TK_PROCESS,
	TK_GUARD,
	TK_USER,
	TK_LOG,
	TK_PLIST,
	TK_RFC8212,
	TK_CONTROL,
	TK_METRICS
};

static const struct cfg_kw cfg_top_kws[] = {
	{ "neighbor", TK_NEIGHBOR }, { "template", TK_TEMPLATE },
	{ "process", TK_PROCESS },   { "guard", TK_GUARD },
	{ "user", TK_USER },	     { "log", TK_LOG },
	{ "prefix-list", TK_PLIST }, { "rfc8212", TK_RFC8212 },
	{ "control", TK_CONTROL },
	{ "metrics", TK_METRICS },
};

static int cfg_once(struct cfg_parser *p, struct cfg_pos *seen,
		    struct cfg_pos at, const char *kw)
{
	if (seen->line)
		return cfg_err_at(p, at, "'%s' is already given at %u:%u", kw,
				  seen->line, seen->col);
	*seen = at;
	return 0;
}

static int cfg_top(struct cfg_parser *p)
{
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	char b[80];

	while (p->tok.type != CT_EOF) {
		if (p->tok.type != CT_WORD)
			return cfg_err_tok(p,
					   "expected a keyword at top level, "
					   "got %s",
					   cfg_tok_desc(&p->tok, b, sizeof(b)));
		k = NULL;
		for (size_t i = 0; i < CFG_ARRAY_SIZE(cfg_top_kws); i++)
			if (!strcmp(p->tok.text, cfg_top_kws[i].name))
				k = &cfg_top_kws[i];
		if (!k)
			return cfg_unknown(p, cfg_top_kws,
					   CFG_ARRAY_SIZE(cfg_top_kws),
					   "at top level");
		at = cfg_here(p);
		cfg_stmt_reset(p);
		if (cfg_take(p, 0))
			return -1;
		switch (k->id) {
		case TK_NEIGHBOR:
			if (cfg_neighbor(p, at))
				return -1;
			break;
		case TK_TEMPLATE:
			if (cfg_open(p) || cfg_template(p, at))
				return -1;
			break;
		case TK_PROCESS:
			if (cfg_process(p, at))
				return -1;
			break;
		case TK_GUARD:
			if (cfg_once(p, &p->guard_pos, at, "guard") ||
			    cfg_open(p) || cfg_guard(p, at))
				return -1;
			break;
		case TK_USER:
			if (cfg_once(p, &p->user_pos, at, "user") ||
			    cfg_user(p) || cfg_semi(p))
				return -1;
			break;
		case TK_PLIST:
			if (cfg_plist(p, at))
				return -1;
			break;
		case TK_RFC8212:
			if (cfg_once(p, &p->rfc8212_pos, at, "rfc8212") ||
			    cfg_rfc8212(p) || cfg_semi(p))
				return -1;
			break;
		case TK_CONTROL:
			if (cfg_once(p, &p->control_pos, at, "control") ||
			    cfg_open(p) || cfg_control(p, at))
				return -1;
			break;
		case TK_METRICS:
			if (cfg_once(p, &p->metrics_pos, at, "metrics") ||
			    cfg_open(p) || cfg_metrics(p, at))
				return -1;
			break;
		default:
			if (cfg_once(p, &p->log_pos, at, "log") ||
			    cfg_open(p) || cfg_log(p, at))
				return -1;
			break;
		}
	}
	return 0;
}

/* --- entry point ---------------------------------------------------------- */

int config_parse_buf(const char *buf, size_t len, const char *name,
		     struct config **out, char *err, size_t errlen)
{
	struct cfg_parser *p;
	struct config *c;
	int r = -1;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!name)
		name = "config";
	p = calloc(1, sizeof(*p));
	c = calloc(1, sizeof(*c));
	if (!p || !c) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		free(p);
		free(c);
		return -1;
	}
	p->buf = buf ? buf : "";
	p->len = buf ? len : 0;
	p->line = p->col = 1;
	p->name = name;
	p->err = err;
	p->errlen = errlen;
	p->c = c;

	snprintf(c->user, sizeof(c->user), "%s", CFG_USER_DEFAULT);
	c->guard.mode = BGPS_ATTACH_AUTO;
	c->guard.policy = CFG_POLICY_ENFORCE;
	c->guard.port = BGPS_PORT_DEFAULT;
	c->guard.event_rate = CFG_EVENT_RATE_DEFAULT;
	c->guard.on_exit = CFG_ON_EXIT_KEEP;
	snprintf(c->guard.pin_dir, sizeof(c->guard.pin_dir), "%s",
		 BGPS_PIN_DIR_DEFAULT);

	/* Lines and columns are unsigned int: the file limit keeps them. */
	if (p->len > SECFILE_MAX)
		cfg_error(p, 1, 1, "the config is larger than %u MiB",
			  SECFILE_MAX >> 20);
	else if (!cfg_lex(p) && !cfg_top(p) && !cfg_resolve(p))
		r = 0;
	/* interface auto; is the default only when none is named. */
	if (!p->iface_given)
		c->guard.iface_auto = 1;

	for (size_t i = 0; i < p->ntmpl; i++) {
		free(p->tmpl[i].name);
		cfg_neighbor_free(&p->tmpl[i].n);
		cfg_meta_free(&p->tmpl[i].m);
	}
	free(p->tmpl);
	for (size_t i = 0; i < c->nneighbors; i++)
		cfg_meta_free(&p->meta[i]);
	free(p->meta);
	/* The look-ahead may hold a password. */
	explicit_bzero(p, sizeof(*p));
	free(p);
	if (r) {
		config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}
