// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config's contact with files and with the guard: config_load() reads
 * the config through secfile (owner and mode checked on the descriptor it
 * reads), parses it and loads the secret files it names, relative to its
 * folder.  config_guard_rules() derives the guard allowlist the config
 * asks for, one rule per neighbor and allow entry.  The parser itself
 * touches no file.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_parse.h"
#include "secfile.h"

/* --- secret files --------------------------------------------------------- */

static int cfg_load_secret(struct cfg_secret *s, const char *what,
			   const char *name, const char *basedir,
			   uid_t allowed_uid, char *err, size_t errlen)
{
	char path[PATH_MAX], e[PATH_MAX + 256];
	size_t len, n;
	char *buf;
	int r;

	if (s->path[0] == '/' || !basedir || !*basedir)
		r = snprintf(path, sizeof(path), "%s", s->path);
	else
		r = snprintf(path, sizeof(path), "%s/%s", basedir, s->path);
	if (r < 0 || (size_t)r >= sizeof(path)) {
		snprintf(err, errlen, "%s:%u:%u: %s path is too long", name,
			 s->line, s->col, what);
		return -1;
	}
	/* Private (0600/0640), owned by root or the daemon user, read from
	 * the descriptor that was checked. */
	if (secfile_read(path, 1, allowed_uid, &buf, &len, e, sizeof(e)) < 0) {
		snprintf(err, errlen, "%s:%u:%u: %s", name, s->line, s->col, e);
		return -1;
	}
	/* Editors end files with a newline; it is not part of the key. */
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (s->base64) {
		r = cfg_b64_decode(buf, len, s->key, CFG_KEY_MAX, &n);
		if (r < 0)
			snprintf(err, errlen, "%s:%u:%u: %s %s %s", name,
				 s->line, s->col, what, path,
				 r == -2 ? "decodes to more than 80 bytes"
					 : "is not valid base64 (base64 is "
					   "true)");
	} else if (!len || len > CFG_KEY_MAX) {
		r = -1;
		snprintf(err, errlen, "%s:%u:%u: %s %s %s", name, s->line,
			 s->col, what, path,
			 len ? "holds more than 80 bytes (the kernel's key "
			       "limit)"
			     : "is empty");
	} else {
		memcpy(s->key, buf, len);
		n = len;
		r = 0;
	}
	secfile_wipe(buf, len);
	if (r < 0) {
		explicit_bzero(s->key, sizeof(s->key));
		return -1;
	}
	s->len = n;
	s->loaded = 1;
	return 0;
}

int config_load_secrets(struct config *c, const char *name, const char *basedir,
			uid_t allowed_uid, char *err, size_t errlen)
{
	if (!name)
		name = "config";
	for (size_t i = 0; i < c->nneighbors; i++) {
		struct cfg_neighbor *n = &c->neighbors[i];

		if (n->md5.enabled && n->md5.secret.path &&
		    cfg_load_secret(&n->md5.secret, "md5-password-file", name,
				    basedir, allowed_uid, err, errlen) < 0)
			return -1;
		if (n->tcp_ao.enabled && n->tcp_ao.secret.path &&
		    cfg_load_secret(&n->tcp_ao.secret, "tcp-ao password-file",
				    name, basedir, allowed_uid, err,
				    errlen) < 0)
			return -1;
	}
	return 0;
}

int config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	uid_t uid = geteuid();
	char dir[PATH_MAX], *slash;
	struct config *c = NULL;
	struct stat st;
	size_t len;
	char *text;
	int fd, r;

	*out = NULL;
	if (secfile_open(path, 0, uid, &fd, &st, err, errlen) < 0)
		return -1;
	r = secfile_read_fd(fd, path, &text, &len, err, errlen);
	close(fd);
	if (r < 0)
		return -1;
	r = config_parse_buf(text, len, path, &c, err, errlen);
	secfile_wipe(text, len);
	if (r < 0)
		return -1;
	/* The stat of the descriptor read, never a second look at path. */
	if (c->inline_secrets &&
	    secfile_check_private(path, &st, err, errlen) < 0)
		goto fail;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	if (config_load_secrets(c, path, dir, uid, err, errlen) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	config_free(c);
	return -1;
}

/* --- the guard allowlist -------------------------------------------------- */

struct cfg_rule_ord {
	struct guard_rule r;
	struct guard_rule_bind b;
	size_t order;
};

static int cfg_rule_cmp(const void *a, const void *b)
{
	const struct cfg_rule_ord *x = a, *y = b;
	int r = prefix_cmp(&x->r.pfx, &y->r.pfx);

	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cfg_rule_order_cmp(const void *a, const void *b)
{
	const struct cfg_rule_ord *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * One rule's binding from its config (docs/GUARD.md, "Binding").  What the
 * config alone decides goes into the policy now; the rest is left to the
 * parent (user/guard/bind.c) with the intent flags set, so an entry whose
 * binding is not resolved yet says so.
 */
static void cfg_rule_bind(const struct cfg_bind *cb, int direct,
			  struct bgps_policy *pol, struct guard_rule_bind *rb)
{
	rb->iface = cb->iface == CFG_IFB_AUTO	  ? BIND_IFACE_AUTO
		    : cb->iface == CFG_IFB_STATIC ? BIND_IFACE_STATIC
						  : BIND_IFACE_OFF;
	if (cb->iface == CFG_IFB_STATIC) {
		rb->nifaces = cb->nifaces;
		for (size_t i = 0; i < cb->nifaces; i++)
			memcpy(rb->ifaces[i], cb->ifaces[i].name, IF_NAMESIZE);
	}
	if (cb->iface != CFG_IFB_OFF)
		pol->flags |= BGPS_PF_IFACE_WANT;
	rb->mac = cb->mac == CFG_MACB_LEARN    ? BIND_MAC_LEARN
		  : cb->mac == CFG_MACB_STATIC ? BIND_MAC_STATIC
		  : cb->mac == CFG_MACB_OFF    ? BIND_MAC_OFF
		  : direct		       ? BIND_MAC_LEARN
					       : BIND_MAC_OFF;
	if (rb->mac == BIND_MAC_STATIC) {
		memcpy(rb->peer_mac, cb->peer_mac, 6);
		memcpy(pol->mac, cb->peer_mac, 6);
		pol->flags |= BGPS_PF_MAC;
	}
	if (rb->mac != BIND_MAC_OFF)
		pol->flags |= BGPS_PF_MAC_WANT;
}

int config_guard_rules(const struct config *c, struct guard_rule **out,
		       size_t *n)
{
	return config_guard_rules_bind(c, out, NULL, n);
}

int config_guard_rules_bind(const struct config *c, struct guard_rule **out,
			    struct guard_rule_bind **binds, size_t *n)
{
	const struct cfg_guard *g = &c->guard;
	size_t total = c->nneighbors + g->nallow, k = 0, kept = 0;
	uint32_t gburst = g->syn_burst ? g->syn_burst : g->syn_rate;
	struct cfg_rule_ord *v;
	struct guard_rule *res;
	struct guard_rule_bind *rb = NULL;

	*out = NULL;
	if (binds)
		*binds = NULL;
	*n = 0;
	if (!total)
		return 0;
	v = calloc(total, sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < c->nneighbors; i++, k++) {
		const struct cfg_neighbor *nb = &c->neighbors[i];
		struct bgps_policy *pol = &v[k].r.pol;

		v[k].order = k;
		v[k].r.pfx = nb->address;
		if (nb->gtsm.min_ttl_in) {
			pol->flags |= BGPS_PF_GTSM;
			pol->min_ttl = nb->gtsm.min_ttl_in;
		}
		if (nb->syn_rate) {
			pol->syn_rate = nb->syn_rate;
			pol->syn_burst =
				nb->syn_burst ? nb->syn_burst : nb->syn_rate;
		} else {
			pol->syn_rate = g->syn_rate;
			pol->syn_burst = g->syn_rate ? gburst : 0;
		}
		/* The kernel drops a SYN without the option anyway, but only
		 * after the guard has counted it against the peer's bucket
		 * (RFC 2385 §2, RFC 5925 §7.7). */
		if (nb->md5.enabled)
			pol->flags |= BGPS_PF_MD5;
		if (nb->tcp_ao.enabled)
			pol->flags |= BGPS_PF_AO;
		cfg_rule_bind(&nb->bind, nb->gtsm.min_ttl_in == 255, pol,
			      &v[k].b);
	}
	for (size_t i = 0; i < g->nallow; i++, k++) {
		v[k].order = k;
		v[k].r.pfx = g->allow[i].pfx;
		v[k].r.pol.syn_rate = g->syn_rate;
		v[k].r.pol.syn_burst = g->syn_rate ? gburst : 0;
		cfg_rule_bind(&g->allow[i].bind, 0, &v[k].r.pol, &v[k].b);
	}
	/* Keep the first rule per prefix: a neighbor's rule wins over an
	 * equal allow entry, and allow duplicates collapse. */
	qsort(v, total, sizeof(*v), cfg_rule_cmp);
	for (size_t i = 0; i < total; i++)
		if (!kept || prefix_cmp(&v[i].r.pfx, &v[kept - 1].r.pfx))
			v[kept++] = v[i];
	qsort(v, kept, sizeof(*v), cfg_rule_order_cmp);
	res = calloc(kept, sizeof(*res));
	if (binds)
		rb = calloc(kept, sizeof(*rb));
	if (!res || (binds && !rb)) {
		free(res);
		free(rb);
		free(v);
		return -1;
	}
	for (size_t i = 0; i < kept; i++) {
		res[i] = v[i].r;
		if (rb)
			rb[i] = v[i].b;
	}
	free(v);
	*out = res;
	if (binds)
		*binds = rb;
	*n = kept;
	return 0;
}
