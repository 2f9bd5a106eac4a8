// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flowspec rules toward the sessions (RFC 8955/8956).  Not wired yet:
 * every call says no neighbor has the family, so the API answers error
 * and nothing reaches the wire.
 */
#include "session.h"
#include "flowspec.h"

long sessions_flow_announce(const struct prefix *sel, size_t nsel,
			    const struct fs_rule *r, size_t n,
			    sess_refused_cb cb, void *arg)
{
	(void)sel, (void)nsel, (void)r, (void)n, (void)cb, (void)arg;
	return -1;
}

long sessions_flow_withdraw(const struct prefix *sel, size_t nsel,
			    const struct fs_rule *r, size_t n)
{
	(void)sel, (void)nsel, (void)r, (void)n;
	return -1;
}
