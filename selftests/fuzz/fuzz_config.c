// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: the config parser (config_parse_buf touches no file).  A
 * config that parses is printed and parsed again, and the two must be
 * equal (the -n contract); the guard rules are derived from it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = NULL, *c2 = NULL;
	struct guard_rule *rules = NULL;
	char err[1024], *text = NULL;
	size_t n = 0, tlen = 0;
	FILE *f;

	if (config_parse_buf((const char *)data, size, "fuzz.conf", &c, err,
			     sizeof(err)) < 0)
		return 0;
	if (config_guard_rules(c, &rules, &n) == 0)
		free(rules);
	f = open_memstream(&text, &tlen);
	if (f) {
		config_print(f, c);
		fclose(f);
		if (config_parse_buf(text, tlen, "printed.conf", &c2, err,
				     sizeof(err)) < 0) {
			fprintf(stderr, "printed config does not parse: %s\n%s",
				err, text);
			abort();
		}
		/* secrets are printed masked */
		if (!config_equal(c, c2, 1)) {
			fprintf(stderr, "printed config differs:\n%s", text);
			abort();
		}
		config_free(c2);
		free(text);
	}
	config_free(c);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_config", 0);
	return 0;
}
