// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: the flowspec NLRI codec (RFC 8955 §4, RFC 8956 §3).  The
 * first input byte picks the family, the rest is NLRI.  What decodes must
 * encode (fs_nlri_encode refusing a rule the decoder accepted is a bug),
 * decode again to the same rule (fs_rule_cmp 0), and encode to the same
 * bytes; a refusal must say why and, when it kept the framing, step over
 * no more than the input.  The validate-only walk (fs_nlri_check, what
 * the UPDATE decoder uses) must give the decoder's verdict: the same
 * return, octets used and reason.  Any difference aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "flowspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t a[4200], b[4200];
	struct fs_rule r, d;
	size_t used, used2, cused;
	char err[128] = "", cerr[128] = "";
	int family, na, nb, rc;

	if (size < 1)
		return 0;
	family = data[0] & 1 ? AF_INET6 : AF_INET;
	data++, size--;
	rc = fs_nlri_decode(data, size, family, &r, &used, err, sizeof(err));
	if (fs_nlri_check(data, size, family, &cused, cerr,
			  sizeof(cerr)) != rc || cused != used ||
	    (rc < 0 && strcmp(cerr, err)))
		abort();
	if (rc < 0) {
		if (!err[0] || used > size)
			abort();
		return 0;
	}
	if (used == 0 || used > size)
		abort();
	na = fs_nlri_encode(&r, a, sizeof(a));
	if (na <= 0)
		abort();
	if (fs_nlri_decode(a, (size_t)na, family, &d, &used2, err,
			   sizeof(err)) < 0 || used2 != (size_t)na)
		abort();
	if (fs_rule_cmp(&r, &d) != 0 || fs_rule_cmp(&d, &r) != 0)
		abort();
	nb = fs_nlri_encode(&d, b, sizeof(b));
	if (nb != na || memcmp(a, b, (size_t)na))
		abort();
	return 0;
}
