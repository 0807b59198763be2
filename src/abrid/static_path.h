/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The static files of the web app (web_root): which request target maps to
 * which file, its Content-Type, the client's accepted encodings, and opening
 * the file without following any symlink. No MHD here, so the path rules
 * are unit-tested and fuzzed on their own. */
#ifndef ABRID_STATIC_PATH_H
#define ABRID_STATIC_PATH_H

#include <stdint.h>

/* Longest relative path served, and most directory levels. */
#define STATIC_PATH_MAX  255
#define STATIC_DEPTH_MAX 8

#define STATIC_ENC_GZIP 1u
#define STATIC_ENC_BR   2u

/* Maps a raw request target (path and query exactly as sent) to a path
 * relative to web_root: "/" (any query) is "index.html"; %XX escapes are
 * decoded first, then every segment must be 1..n of [A-Za-z0-9._-], not
 * start with a dot (no "..", no dotfiles), no empty segment (no "//", no
 * trailing "/"), at most STATIC_DEPTH_MAX segments, and the name must end
 * in a served extension. Returns 0 with out set, or -1. */
int static_path_from_target(const char *target, char out[STATIC_PATH_MAX + 1]);

/* The Content-Type for a relative path by its extension, NULL if the
 * extension is not served. */
const char *static_content_type(const char *path);

/* STATIC_ENC_* bits the Accept-Encoding value allows (q=0 refuses;
 * NULL or empty: none). */
unsigned static_accept_encoding(const char *header);

/* Opens path (relative, already checked) below the directory root_fd,
 * one component at a time with O_NOFOLLOW: a symlink anywhere below the
 * root, a missing file or anything but a regular file gives -1. On success
 * returns the descriptor (O_CLOEXEC) and its size. */
int static_open(int root_fd, const char *path, uint64_t *size);

#endif
