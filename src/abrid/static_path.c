/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "static_path.h"

/* Only what the web app is built from (web/build.mjs); anything else, the
 * precompressed .gz/.br copies included, is never served by its own name. */
static const struct {
	const char *ext;
	const char *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"woff2", "font/woff2"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"txt", "text/plain; charset=utf-8"},
};

#define N_TYPES (sizeof types / sizeof types[0])

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* Decodes the path part (after the leading '/', before '?') into out; a
 * bad escape or a decoded NUL (which would cut the name short) fails. */
static int decode(const char *path, size_t len, char out[STATIC_PATH_MAX + 1])
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = path[i];
		if (c == '%') {
			int hi = (i + 2 < len) ? hexval(path[i + 1]) : -1;
			int lo = (i + 2 < len) ? hexval(path[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0' || o >= STATIC_PATH_MAX)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* Every segment non-empty, of name characters, not starting with a dot. */
static int segments_valid(const char *p)
{
	unsigned depth = 0;

	for (;;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || p[0] == '.' || ++depth > STATIC_DEPTH_MAX)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (!name_char(p[i]))
				return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

int static_path_from_target(const char *target, char out[STATIC_PATH_MAX + 1])
{
	size_t len = strcspn(target, "?");

	if (len == 0 || target[0] != '/')
		return -1;
	if (len == 1) {
		memcpy(out, "index.html", sizeof "index.html");
		return 0;
	}
	if (decode(target + 1, len - 1, out) != 0 || !segments_valid(out) ||
	    static_content_type(out) == NULL)
		return -1;
	return 0;
}

const char *static_content_type(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = (base != NULL) ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return NULL;
	for (size_t i = 0; i < N_TYPES; i++)
		if (0 == strcmp(dot + 1, types[i].ext))
			return types[i].type;
	return NULL;
}

/* q=0, 0., 0.0, 0.00, 0.000: the client refuses that coding. */
static int q_zero(const char *params, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if ((params[i] == 'q' || params[i] == 'Q') && params[i + 1] == '=') {
			size_t j = i + 2;
			while (j < len && (params[j] == ' ' || params[j] == '\t'))
				j++;
			if (j >= len || params[j] != '0')
				return 0;
			for (j++; j < len && params[j] != ';' && params[j] != ' '; j++)
				if (params[j] != '.' && params[j] != '0')
					return 0;
			return 1;
		}
	}
	return 0;
}

unsigned static_accept_encoding(const char *header)
{
	unsigned mask = 0;
	const char *p = header;

	while (p != NULL && *p != '\0') {
		size_t len, name;
		p += strspn(p, " \t,");
		len = strcspn(p, ",");
		name = strcspn(p, " \t;,");
		if (!q_zero(p + name, len - name)) {
			if (name == 2 && 0 == strncasecmp(p, "br", 2))
				mask |= STATIC_ENC_BR;
			else if ((name == 4 && 0 == strncasecmp(p, "gzip", 4)) ||
			         (name == 6 && 0 == strncasecmp(p, "x-gzip", 6)))
				mask |= STATIC_ENC_GZIP;
		}
		p += len;
	}
	return mask;
}

/* O_NONBLOCK: opening a FIFO planted in the root must not hang a worker;
 * it changes nothing for regular files. */
#define OPEN_FILE (O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
#define OPEN_DIR  (O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY)

int static_open(int root_fd, const char *path, uint64_t *size)
{
	char seg[STATIC_PATH_MAX + 1];
	int dir = root_fd, fd;
	struct stat st;

	for (;;) {
		size_t n = strcspn(path, "/");
		if (n == 0 || n > STATIC_PATH_MAX)
			break;
		memcpy(seg, path, n);
		seg[n] = '\0';
		fd = openat(dir, seg, path[n] == '/' ? OPEN_DIR : OPEN_FILE);
		if (dir != root_fd)
			(void)close(dir);
		if (fd < 0)
			return -1;
		if (path[n] == '/') {
			dir = fd;
			path += n + 1;
			continue;
		}
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			(void)close(fd);
			return -1;
		}
		*size = (uint64_t)st.st_size;
		return fd;
	}
	if (dir != root_fd)
		(void)close(dir);
	return -1;
}
