/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid's static-file path rules on arbitrary request targets (and the
 * same bytes as an Accept-Encoding value): whatever is accepted must be a
 * relative path of plain names that cannot leave web_root. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "static_path.h"

static void check_accepted(const char *path)
{
	size_t len = strlen(path);

	if (len == 0 || len > STATIC_PATH_MAX || path[0] == '/' || path[0] == '.' ||
	    strstr(path, "/.") != NULL || strstr(path, "//") != NULL ||
	    strchr(path, '\\') != NULL || path[len - 1] == '/' || static_content_type(path) == NULL)
		abort();
	for (const char *p = path; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == '%')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[STATIC_PATH_MAX + 1];
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (static_path_from_target(s, out) == 0)
		check_accepted(out);
	if ((static_accept_encoding(s) & ~(unsigned)(STATIC_ENC_GZIP | STATIC_ENC_BR)) != 0)
		abort();
	free(s);
	return 0;
}
