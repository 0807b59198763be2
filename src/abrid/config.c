/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Parser of conf/abrid.conf (format in config.h). Defaults go through the
 * same value parsers as the file, so a default can never be invalid in a
 * way a configured value could not. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abri/attach.h"
#include "abri/common.h"
#include "abri/envelope.h"
#include "config.h"
#include "log.h"

#define LINE_MAX_LEN 4096
#define FILE_MAX_LEN (64 * 1024)

enum ktype { K_STR, K_PATH, K_UINT, K_SIZE, K_LEVEL, K_TENANT, K_ORIGIN, K_ADDR, K_URL };

struct key {
	const char *name;
	enum ktype type;
	size_t offset;
	const char *def; /* NULL = required */
	unsigned long long min, max;
};

#define OFF(f) offsetof(struct abrid_config, f)

static const struct key keys[] = {
    {"deployment_id", K_TENANT, OFF(deployment_id), NULL, 0, 0},
    {"public_origin", K_ORIGIN, OFF(public_origin), NULL, 0, 0},
    {"listen_address", K_ADDR, OFF(listen_address), "127.0.0.1", 0, 0},
    {"listen_port", K_UINT, OFF(listen_port), "8470", 0, 65535},
    {"listen_unix", K_PATH, OFF(listen_unix), "", 0, 0},
    {"database_dsn", K_STR, OFF(database_dsn), "", 0, 0},
    {"data_dir", K_PATH, OFF(data_dir), "/var/lib/abri", 0, 0},
    {"org_public_key", K_PATH, OFF(org_public_key), "org.pub.json", 0, 0},
    {"server_key", K_PATH, OFF(server_key), "server.key", 0, 0},
    {"pepper_key", K_PATH, OFF(pepper_key), "pepper.key", 0, 0},
    {"challenge_key", K_PATH, OFF(challenge_key), "challenge.key", 0, 0},
    {"web_root", K_PATH, OFF(web_root), "/usr/share/abri/web", 0, 0},
    {"quick_exit_url", K_URL, OFF(quick_exit_url), "https://www.wikipedia.org/", 0, 0},
    {"threads", K_UINT, OFF(threads), "2", 1, 256},
    {"max_connections", K_UINT, OFF(max_connections), "1024", 1, 1000000},
    {"connection_timeout", K_UINT, OFF(connection_timeout), "30", 1, 3600},
    {"header_timeout", K_UINT, OFF(header_timeout), "10", 1, 3600},
    {"request_timeout", K_UINT, OFF(request_timeout), "120", 1, 3600},
    {"max_body", K_SIZE, OFF(max_body), "1048576", 4096, 256ull * 1024 * 1024},
    {"max_padded", K_SIZE, OFF(max_padded), "262144", ABRI_BUCKET_MIN, 128ull * 1024 * 1024},
    {"pow_difficulty", K_UINT, OFF(pow_difficulty), "0", 0, 32},
    {"challenge_ttl", K_UINT, OFF(challenge_ttl), "180", 10, 86400},
    {"retention_days", K_UINT, OFF(retention_days), "365", 1, 36500},
    {"purge_interval", K_UINT, OFF(purge_interval), "3600", 0, 604800},
    {"survey_codes_per_month", K_UINT, OFF(survey_codes_per_month), "100", 1, 1000000},
    {"sweep_interval", K_UINT, OFF(sweep_interval), "600", 1, 86400},
    {"wal_rotate", K_UINT, OFF(wal_rotate), "1", 0, 1},
    {"max_upload_bytes", K_SIZE, OFF(max_upload_bytes), "16777216", 65536,
     (unsigned long long)ABRI_ATTACH_MAX_CHUNKS * 65536},
    {"max_case_upload_bytes", K_SIZE, OFF(max_case_upload_bytes), "67108864", 65536,
     1ull << 40},
    {"max_attachments", K_UINT, OFF(max_attachments), "10", 1, 100},
    {"upload_ttl", K_UINT, OFF(upload_ttl), "86400", 60, 30u * 86400},
    {"upload_incomplete_ttl", K_UINT, OFF(upload_incomplete_ttl), "3600", 60, 30u * 86400},
    {"upload_quota", K_SIZE, OFF(upload_quota), "1073741824", 65536, 1ull << 40},
    {"addr_upload_bytes", K_SIZE, OFF(addr_upload_bytes), "67108864", 65536, 1ull << 40},
    {"addr_limits", K_UINT, OFF(addr_limits), "1", 0, 1},
    {"addr_max_connections", K_UINT, OFF(addr_max_connections), "32", 1, 100000},
    {"addr_max_requests", K_UINT, OFF(addr_max_requests), "3000", 1, 10000000},
    {"addr_window", K_UINT, OFF(addr_window), "600", 10, 86400},
    {"addr_slots", K_UINT, OFF(addr_slots), "65536", 64, 16777216},
    {"max_pending", K_UINT, OFF(max_pending), "512", 1, 1000000},
    {"max_uploading", K_UINT, OFF(max_uploading), "256", 1, 1000000},
    {"addr_max_uploading", K_UINT, OFF(addr_max_uploading), "8", 1, 100000},
    {"min_body_rate", K_UINT, OFF(min_body_rate), "1024", 0, 100000000},
    {"body_rate_grace", K_UINT, OFF(body_rate_grace), "5", 1, 3600},
    {"db_workers", K_UINT, OFF(db_workers), "4", 1, 256},
    {"statement_timeout", K_UINT, OFF(statement_timeout), "10000", 100, 600000},
    {"pow_load_threshold", K_UINT, OFF(pow_load_threshold), "120", 0, 1000000},
    {"pow_max_difficulty", K_UINT, OFF(pow_max_difficulty), "22", 0, 32},
    {"list_grace", K_UINT, OFF(list_grace), "259200", 0, 30u * 86400},
    {"user", K_STR, OFF(user), "", 0, 0},
    {"log_level", K_LEVEL, OFF(log_level), "info", 0, 0},
};

#define N_KEYS (sizeof keys / sizeof keys[0])

static void set_err(char err[CONFIG_ERR_MAX], unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char err[CONFIG_ERR_MAX], unsigned line, const char *fmt, ...)
{
	char msg[CONFIG_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0)
		(void)snprintf(err, CONFIG_ERR_MAX, "line %u: %.200s", line, msg);
	else
		(void)snprintf(err, CONFIG_ERR_MAX, "%s", msg);
}

static int parse_ull(const char *v, unsigned long long min, unsigned long long max,
                     unsigned long long *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || *out < min || *out > max)
		return -1;
	return 0;
}

/* What follows "https://" or "http://", NULL for another scheme. */
static const char *after_scheme(const char *v)
{
	if (0 == strncmp(v, "https://", 8))
		return v + 8;
	if (0 == strncmp(v, "http://", 7))
		return v + 7;
	return NULL;
}

/* "http(s)://host[:port]": no path, query, fragment or trailing slash —
 * the exact string staff clients sign. */
static int origin_valid(const char *v)
{
	const char *host = after_scheme(v);

	if (host == NULL || *host == '\0' || strlen(v) > 255)
		return 0;
	return strcspn(host, "/?#@ \t") == strlen(host);
}

/* An absolute http(s) URL the web app's quick exit goes to: printable
 * ASCII without blanks, quotes or angle brackets, and a host. */
static int url_valid(const char *v)
{
	const char *host = after_scheme(v);

	if (host == NULL || *host == '\0' || *host == '/' || strlen(v) > 512)
		return 0;
	for (const char *p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("\"'<>\\`", *p) != NULL)
			return 0;
	return 1;
}

static char *resolve_path(const char *v, const char *base_dir)
{
	char *p;

	if (*v == '\0' || *v == '/' || base_dir == NULL)
		return strdup(v);
	if (asprintf(&p, "%s/%s", base_dir, v) < 0)
		return NULL;
	return p;
}

static int str_value(struct abrid_config *cfg, const struct key *k, char *s)
{
	char **dst = (char **)((char *)cfg + k->offset);

	if (s == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* Stores one value; returns 0 or -1 with err set (without line). */
static int set_value(struct abrid_config *cfg, const struct key *k, const char *v,
                     const char *base_dir, char err[CONFIG_ERR_MAX])
{
	unsigned long long n;
	struct in6_addr a6;
	struct in_addr a4;
	int level;

	switch (k->type) {
	case K_TENANT:
		if (!abri_tenant_valid(v))
			break;
		return str_value(cfg, k, strdup(v));
	case K_ORIGIN:
		if (!origin_valid(v))
			break;
		return str_value(cfg, k, strdup(v));
	case K_URL:
		if (!url_valid(v))
			break;
		return str_value(cfg, k, strdup(v));
	case K_ADDR:
		if (inet_pton(AF_INET, v, &a4) != 1 && inet_pton(AF_INET6, v, &a6) != 1)
			break;
		return str_value(cfg, k, strdup(v));
	case K_STR: return str_value(cfg, k, strdup(v));
	case K_PATH: return str_value(cfg, k, resolve_path(v, base_dir));
	case K_UINT:
		if (parse_ull(v, k->min, k->max, &n) != 0)
			break;
		*(unsigned *)((char *)cfg + k->offset) = (unsigned)n;
		return 0;
	case K_SIZE:
		if (parse_ull(v, k->min, k->max, &n) != 0)
			break;
		*(size_t *)((char *)cfg + k->offset) = (size_t)n;
		return 0;
	case K_LEVEL:
		level = alog_level_parse(v);
		if (level < 0)
			break;
		*(int *)((char *)cfg + k->offset) = level;
		return 0;
	}
	if (k->type == K_UINT || k->type == K_SIZE)
		set_err(err, 0, "%s: expected an integer from %llu to %llu", k->name, k->min,
		        k->max);
	else
		set_err(err, 0, "%s: invalid value", k->name);
	return -1;
}

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (0 == strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One line (NUL-terminated, no newline). seen[] marks keys already set. */
static int parse_line(struct abrid_config *cfg, char *line, unsigned lineno, const char *base_dir,
                      int seen[N_KEYS], char err[CONFIG_ERR_MAX])
{
	char *s = trim(line), *eq, *name, *value;
	const struct key *k;

	if (*s == '\0' || *s == '#')
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t') {
			set_err(err, lineno, "control character");
			return -1;
		}
	eq = strchr(s, '=');
	if (eq == NULL) {
		set_err(err, lineno, "expected `key = value`");
		return -1;
	}
	*eq = '\0';
	name = trim(s);
	value = trim(eq + 1);
	k = find_key(name);
	if (k == NULL) {
		set_err(err, lineno, "unknown key `%.64s`", name);
		return -1;
	}
	if (seen[k - keys]) {
		set_err(err, lineno, "%s: set twice", k->name);
		return -1;
	}
	seen[k - keys] = 1;
	if (set_value(cfg, k, value, base_dir, err) != 0) {
		char msg[CONFIG_ERR_MAX];
		(void)snprintf(msg, sizeof msg, "%s", err);
		set_err(err, lineno, "%s", msg);
		return -1;
	}
	return 0;
}

/* Relations between keys, checked once everything is set. */
static int check_whole(const struct abrid_config *cfg, char err[CONFIG_ERR_MAX])
{
	/* base64 of the largest envelope (bucket + tag + a maximal header of
	 * 64 stanzas) plus the rest of the JSON must fit in a body. */
	size_t env_max = cfg->max_padded + ABRI_AEAD_TAG_BYTES + 8192;
	size_t need = 4 * ((env_max + 2) / 3) + 4096;

	if (!abri_is_bucket(cfg->max_padded)) {
		set_err(err, 0, "max_padded: %zu is not a padding bucket", cfg->max_padded);
		return -1;
	}
	if (cfg->max_body < need) {
		set_err(err, 0, "max_body: must be at least %zu for max_padded %zu", need,
		        cfg->max_padded);
		return -1;
	}
	if (cfg->max_body < ABRI_ATTACH_CHUNK_CT) {
		set_err(err, 0, "max_body: must be at least %u to admit one upload chunk",
		        ABRI_ATTACH_CHUNK_CT);
		return -1;
	}
	if (cfg->upload_incomplete_ttl > cfg->upload_ttl) {
		set_err(err, 0, "upload_incomplete_ttl: must not exceed upload_ttl (%u)",
		        cfg->upload_ttl);
		return -1;
	}
	if (cfg->upload_quota < cfg->max_upload_bytes ||
	    cfg->addr_upload_bytes < cfg->max_upload_bytes) {
		set_err(err, 0, "%s: must be at least max_upload_bytes (%zu)",
		        cfg->upload_quota < cfg->max_upload_bytes ? "upload_quota"
		                                                  : "addr_upload_bytes",
		        cfg->max_upload_bytes);
		return -1;
	}
	if (cfg->header_timeout > cfg->request_timeout) {
		set_err(err, 0, "header_timeout: must not exceed request_timeout (%u)",
		        cfg->request_timeout);
		return -1;
	}
	if (cfg->listen_port == 0 && cfg->listen_unix[0] == '\0') {
		set_err(err, 0, "no listener: set listen_port or listen_unix");
		return -1;
	}
	if (cfg->database_dsn[0] == '\0' && cfg->data_dir[0] == '\0') {
		set_err(err, 0, "database_dsn and data_dir are both empty");
		return -1;
	}
	return 0;
}

static int set_defaults(struct abrid_config *cfg, const char *base_dir, const int seen[N_KEYS],
                        char err[CONFIG_ERR_MAX])
{
	for (size_t i = 0; i < N_KEYS; i++) {
		if (seen[i])
			continue;
		if (keys[i].def == NULL) {
			set_err(err, 0, "%s: required", keys[i].name);
			return -1;
		}
		if (set_value(cfg, &keys[i], keys[i].def, base_dir, err) != 0)
			return -1;
	}
	return 0;
}

int config_parse(struct abrid_config *cfg, const char *text, size_t len, const char *base_dir,
                 char err[CONFIG_ERR_MAX])
{
	int seen[N_KEYS] = {0};
	char line[LINE_MAX_LEN + 1];
	unsigned lineno = 0;
	size_t pos = 0;

	memset(cfg, 0, sizeof *cfg);
	err[0] = '\0';
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = (nl != NULL) ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (n > LINE_MAX_LEN) {
			set_err(err, lineno, "line too long");
			goto fail;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (strlen(line) != n) {
			set_err(err, lineno, "NUL byte");
			goto fail;
		}
		if (parse_line(cfg, line, lineno, base_dir, seen, err) != 0)
			goto fail;
		pos += n + (nl != NULL);
	}
	if (set_defaults(cfg, base_dir, seen, err) != 0 || check_whole(cfg, err) != 0)
		goto fail;
	return 0;
fail:
	config_free(cfg);
	return -1;
}

int config_load(struct abrid_config *cfg, const char *path, char err[CONFIG_ERR_MAX])
{
	char *buf, *dir, *slash;
	size_t len;
	FILE *f;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	f = fopen(path, "r");
	if (f == NULL) {
		set_err(err, 0, "%s", strerror(errno));
		return -1;
	}
	buf = malloc(FILE_MAX_LEN + 1);
	dir = strdup(path);
	if (buf == NULL || dir == NULL) {
		(void)fclose(f);
		free(buf);
		free(dir);
		set_err(err, 0, "out of memory");
		return -1;
	}
	len = fread(buf, 1, FILE_MAX_LEN + 1, f);
	rc = ferror(f) ? -1 : 0;
	(void)fclose(f);
	if (rc != 0 || len > FILE_MAX_LEN) {
		set_err(err, 0, "read error or larger than %d bytes", FILE_MAX_LEN);
		free(buf);
		free(dir);
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL)
		(void)snprintf(dir, strlen(dir) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	rc = config_parse(cfg, buf, len, dir, err);
	free(buf);
	free(dir);
	return rc;
}

void config_free(struct abrid_config *cfg)
{
	for (size_t i = 0; i < N_KEYS; i++) {
		if (keys[i].type == K_UINT || keys[i].type == K_SIZE || keys[i].type == K_LEVEL)
			continue;
		char **p = (char **)((char *)cfg + keys[i].offset);
		free(*p);
		*p = NULL;
	}
}

char *config_dsn(const struct abrid_config *cfg)
{
	char *dsn;

	if (cfg->database_dsn[0] != '\0')
		return strdup(cfg->database_dsn);
	/* data_dir comes from the operator's config file; quote it for libpq. */
	if (strchr(cfg->data_dir, '\'') != NULL || strchr(cfg->data_dir, '\\') != NULL)
		return NULL;
	if (asprintf(&dsn, "host='%s/pg-socket' dbname=abri", cfg->data_dir) < 0)
		return NULL;
	return dsn;
}
