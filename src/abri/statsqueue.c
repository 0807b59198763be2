/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The local statistics queue: <state_dir>/stats/queue.json
 *   {"cases": {"<REF>": {"month": "2026-11", "record": {...}}
 *                       | {"month": "2026-11", "uploaded": true}}}
 * One entry per case (people, not messages). The case reference never
 * leaves this file: batches carry the records alone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

#define QUEUE_MAX (64u * 1024u * 1024u)

static int queue_path(const cli_config *cfg, char *out, size_t n, int dir_only)
{
	int len = snprintf(out, n, dir_only ? "%s/stats" : "%s/stats/queue.json", cfg->state_dir);
	return (len < 0 || (size_t)len >= n) ? -1 : 0;
}

int cli_stats_queue_load(const cli_config *cfg, json_t **doc)
{
	char path[4096];
	uint8_t *d;
	size_t len;
	json_error_t jerr;
	int rc;

	*doc = NULL;
	if (queue_path(cfg, path, sizeof path, 0) < 0)
		return CLI_LOCAL;
	rc = abri_file_read(path, QUEUE_MAX, &d, &len);
	if (rc == ABRI_ERR_IO && errno == ENOENT) {
		*doc = json_pack("{s:{}}", "cases");
		return *doc ? CLI_OK : CLI_LOCAL;
	}
	if (rc == ABRI_OK) {
		*doc = json_loadb((const char *)d, len, JSON_REJECT_DUPLICATES, &jerr);
		free(d);
	}
	if (!json_is_object(json_object_get(*doc, "cases"))) {
		cli_err("the statistics queue %s is unreadable or corrupt", path);
		json_decref(*doc);
		*doc = NULL;
		return CLI_LOCAL;
	}
	return CLI_OK;
}

int cli_stats_queue_save(const cli_config *cfg, const json_t *doc)
{
	char path[4096], dir[4096];
	if (queue_path(cfg, path, sizeof path, 0) < 0 || queue_path(cfg, dir, sizeof dir, 1) < 0 ||
	    abri_mkdir_p(dir, 0700) < 0) {
		cli_err("cannot create the statistics queue directory");
		return CLI_LOCAL;
	}
	return cli_json_save(path, doc);
}

void cli_month_now(char out[8])
{
	time_t t = (time_t)abri_now();
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL || strftime(out, 8, "%Y-%m", &tm) == 0)
		memcpy(out, "2000-01", 8);
}
