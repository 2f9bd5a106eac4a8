// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flowspec rules (RFC 8955, RFC 8956): see flowspec.h.  The codec is
 * still to come; these refuse everything so nothing half-made is sent.
 */
#include "flowspec.h"

const struct fs_comp *fs_rule_comp(const struct fs_rule *r, enum fs_type t)
{
	for (size_t i = 0; i < r->ncomp && i < FS_MAX_COMP; i++)
		if (r->comp[i].type == t)
			return &r->comp[i];
	return NULL;
}
