/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri console's pages (web/console/), embedded at build time by
 * src/tools/embed-assets.py. */
#ifndef ABRI_CONSOLE_ASSETS_H
#define ABRI_CONSOLE_ASSETS_H

#include <stddef.h>
#include <stdint.h>

typedef struct console_asset {
	const char *path; /* "/index.html", "/js/login.js" */
	const char *content_type;
	const uint8_t *data;
	size_t len;
} console_asset;

extern const console_asset console_assets[];
extern const size_t console_assets_n;

/* The asset served at a request path ("/" is /index.html, "/login"
 * /login.html), NULL if none. */
const console_asset *console_asset_find(const char *path);

#endif
