/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET/HEAD of the web app's static files under web_root (every path that is
 * not the API's): the path rules are in static_path.c. A precompressed copy
 * (FILE.br, then FILE.gz) is sent when the client accepts it, since
 * libmicrohttpd compresses nothing itself. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "abrid.h"
#include "handlers.h"
#include "log.h"
#include "reply.h"
#include "static_path.h"

static const char not_found[] = "Not found.\n";

/* Opens the best variant of path; *encoding is NULL for the file itself. */
static int open_variant(int root, const char *path, unsigned accepted, uint64_t *size,
                        const char **encoding)
{
	static const struct {
		unsigned bit;
		const char *suffix, *coding;
	} variants[] = {{STATIC_ENC_BR, ".br", "br"}, {STATIC_ENC_GZIP, ".gz", "gzip"}};
	char name[STATIC_PATH_MAX + 8];
	int fd;

	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		if (!(accepted & variants[i].bit))
			continue;
		(void)snprintf(name, sizeof name, "%s%s", path, variants[i].suffix);
		fd = static_open(root, name, size);
		if (fd >= 0) {
			*encoding = variants[i].coding;
			return fd;
		}
	}
	*encoding = NULL;
	return static_open(root, path, size);
}

static enum MHD_Result send_file(struct request *rq, int fd, uint64_t size, const char *type,
                                 const char *encoding)
{
	struct MHD_Response *resp = MHD_create_response_from_fd(size, fd);

	if (resp == NULL) {
		(void)close(fd);
		return reply_error(rq, EC_INTERNAL, NULL);
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding") != MHD_YES ||
	    (encoding != NULL && MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING,
	                                                 encoding) != MHD_YES)) {
		MHD_destroy_response(resp);
		return reply_error(rq, EC_INTERNAL, NULL);
	}
	return reply_queue(rq, MHD_HTTP_OK, resp, type);
}

enum MHD_Result h_static(struct request *rq)
{
	char path[STATIC_PATH_MAX + 1];
	const char *type, *encoding;
	uint64_t size;
	int root, fd;

	if (0 != strcmp(rq->method, "GET") && 0 != strcmp(rq->method, "HEAD"))
		return reply_plain(rq, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed.\n");
	if (abrid.cfg.web_root[0] == '\0' || static_path_from_target(rq->raw_target, path) != 0)
		return reply_plain(rq, MHD_HTTP_NOT_FOUND, not_found);
	type = static_content_type(path);
	root = open(abrid.cfg.web_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		alog(ALOG_WARN, "web_root cannot be opened: static files answer 404");
		return reply_plain(rq, MHD_HTTP_NOT_FOUND, not_found);
	}
	fd = open_variant(root, path,
	                  static_accept_encoding(MHD_lookup_connection_value(
	                      rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING)),
	                  &size, &encoding);
	(void)close(root);
	if (fd < 0)
		return reply_plain(rq, MHD_HTTP_NOT_FOUND, not_found);
	return send_file(rq, fd, size, type, encoding);
}
