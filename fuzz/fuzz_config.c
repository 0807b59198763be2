/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid's configuration parser on arbitrary bytes: must return 0 or -1
 * with a NUL-terminated message, never crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct abrid_config cfg;
	char err[CONFIG_ERR_MAX];

	if (config_parse(&cfg, (const char *)data, size, "/etc/abri", err) == 0) {
		char *dsn = config_dsn(&cfg);
		free(dsn);
		config_free(&cfg);
	} else if (memchr(err, '\0', sizeof err) == NULL) {
		abort();
	}
	return 0;
}
