/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Looking up the embedded pages (assets.h). Only the files embedded are
 * served, by exact path: nothing on disk is ever read. */
#include <string.h>

#include "console/assets.h"

const console_asset *console_asset_find(const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	else if (strcmp(path, "/login") == 0)
		path = "/login.html";
	for (size_t i = 0; i < console_assets_n; i++)
		if (strcmp(console_assets[i].path, path) == 0)
			return &console_assets[i];
	return NULL;
}
