/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Small file helpers for the state directory and key material, and safe
 * terminal output of text written by others. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abri/client.h"

int abri_mkdir_p(const char *path, unsigned mode)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof tmp)
		return ABRI_ERR_INVALID;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
			return ABRI_ERR_IO;
		*p = '/';
	}
	if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
		return ABRI_ERR_IO;
	return ABRI_OK;
}


int abri_file_write_atomic(const char *path, const void *p, size_t n, unsigned mode)
{
	char tmp[4096];
	int len = snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (len < 0 || (size_t)len >= sizeof tmp)
		return ABRI_ERR_INVALID;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
	if (fd < 0)
		return ABRI_ERR_IO;
	int rc = abri_write_all(fd, p, n);
	if (rc == ABRI_OK && fsync(fd) < 0)
		rc = ABRI_ERR_IO;
	if (close(fd) < 0 && rc == ABRI_OK)
		rc = ABRI_ERR_IO;
	if (rc == ABRI_OK && rename(tmp, path) < 0)
		rc = ABRI_ERR_IO;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

int abri_file_read(const char *path, size_t max, uint8_t **out, size_t *len)
{
	abri_buf b;
	uint8_t chunk[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return ABRI_ERR_IO;
	abri_buf_init(&b);
	int rc = ABRI_OK;
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = ABRI_ERR_IO;
			break;
		}
		if (r == 0)
			break;
		if (b.len + (size_t)r > max) {
			rc = ABRI_ERR_TOO_BIG;
			break;
		}
		if (abri_buf_append(&b, chunk, (size_t)r) < 0) {
			rc = ABRI_ERR_NOMEM;
			break;
		}
	}
	close(fd);
	if (rc == ABRI_OK && abri_buf_u8(&b, 0) < 0)
		rc = ABRI_ERR_NOMEM;
	if (rc < 0) {
		abri_buf_free(&b);
		return rc;
	}
	*out = b.data;
	*len = b.len - 1;
	return ABRI_OK;
}

/* Decodes one UTF-8 sequence; returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t n;
	uint32_t c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static int needs_escape(uint32_t c, int one_line)
{
	if (!one_line && (c == '\t' || c == '\n'))
		return 0;
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static void fputs_escaped(FILE *f, const char *s, int one_line)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (n == 0) {
			fprintf(f, "\\x%02x", *p);
			p++;
		} else if (needs_escape(cp, one_line)) {
			if (cp < 0x100)
				fprintf(f, "\\x%02x", (unsigned)cp);
			else
				fprintf(f, "\\u{%04x}", (unsigned)cp);
			p += n;
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
}

void abri_fputs_safe(FILE *f, const char *s)
{
	fputs_escaped(f, s, 0);
}

void abri_fputs_safe_line(FILE *f, const char *s)
{
	fputs_escaped(f, s, 1);
}
