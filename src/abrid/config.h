/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid configuration (conf/abrid.conf): `key = value` lines, `#` starts a
 * comment line, blank lines ignored, the value is the rest of the line with
 * surrounding blanks removed (no quoting, no inline comments). An unknown
 * or repeated key, or a bad value, is an error naming the line. Relative
 * paths are taken from the configuration file's directory. */
#ifndef ABRID_CONFIG_H
#define ABRID_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct abrid_config {
	char *deployment_id;
	char *public_origin;
	char *listen_address;
	unsigned listen_port; /* 0 = no TCP listener */
	char *listen_unix;    /* "" = none */
	char *database_dsn;   /* "" = embedded cluster under data_dir */
	char *data_dir;
	char *org_public_key;
	char *server_key;
	char *pepper_key;
	char *challenge_key;
	char *web_root;       /* static files of the web app; "" = none */
	char *quick_exit_url; /* where the web app's quick exit goes */
	unsigned threads;
	unsigned max_connections;
	unsigned connection_timeout; /* seconds idle (reset by every byte) */
	unsigned header_timeout;     /* seconds from accept or the previous request to headers in */
	unsigned request_timeout;    /* seconds from the request line to the whole body */
	size_t max_body;
	size_t max_padded;
	unsigned pow_difficulty;
	unsigned challenge_ttl;
	unsigned retention_days; /* closed case -> purge_after, in days */
	unsigned purge_interval; /* seconds between purge runs; 0 = none by timer */
	unsigned survey_codes_per_month; /* per listener, UTC month */
	unsigned sweep_interval; /* seconds between housekeeping passes */
	unsigned wal_rotate;     /* 1 = switch WAL + checkpoint after activity */
	size_t max_upload_bytes;      /* plaintext capacity of one upload (n * 65536) */
	size_t max_case_upload_bytes; /* sum over a case's attached uploads */
	unsigned max_attachments;     /* uploads named by one submission */
	unsigned upload_ttl;          /* seconds a complete, unattached upload lives */
	unsigned upload_incomplete_ttl; /* seconds an incomplete upload lives after its latest chunk */
	size_t upload_quota;          /* capacity of all unattached uploads (database-wide) */
	size_t addr_upload_bytes;     /* capacity announced per address per addr_window */
	unsigned addr_limits;          /* 1 = per-address limits (addrlimit.h), 0 = off */
	unsigned addr_max_connections; /* open connections per address */
	unsigned addr_max_requests;    /* requests per address per window */
	unsigned addr_window;          /* seconds; HMAC key replaced this often */
	unsigned addr_slots;           /* size of the in-memory table */
	unsigned max_pending;          /* requests in progress (body complete) before 503 */
	unsigned max_uploading;        /* requests still sending a body before 503 */
	unsigned addr_max_uploading;   /* ... per address before 429 */
	unsigned min_body_rate;        /* bytes/s a body must average after the grace; 0 = none */
	unsigned body_rate_grace;      /* seconds before min_body_rate applies */
	unsigned db_workers;           /* database worker threads = PostgreSQL connections */
	unsigned statement_timeout;    /* ms, every database statement */
	unsigned pow_load_threshold;   /* submissions per minute before difficulty rises; 0 = fixed */
	unsigned pow_max_difficulty;   /* ceiling of the load-raised difficulty */
	unsigned list_grace; /* seconds an expired recipient list still serves (rlist.h) */
	char *user;              /* "" = stay who we are */
	int log_level;
};

#define CONFIG_ERR_MAX 256

/* Fills defaults, then parses text (len bytes, need not be NUL-terminated).
 * base_dir resolves relative paths. Returns 0, or -1 with a message naming
 * the line in err. On error the config is freed (safe to config_free again). */
int config_parse(struct abrid_config *cfg, const char *text, size_t len, const char *base_dir,
                 char err[CONFIG_ERR_MAX]);
/* Reads path (at most 64 KiB) and parses it. */
int config_load(struct abrid_config *cfg, const char *path, char err[CONFIG_ERR_MAX]);
void config_free(struct abrid_config *cfg);

/* The libpq connection string: database_dsn, or the embedded cluster's
 * socket directory <data_dir>/pg-socket with dbname abri. malloc'd. */
char *config_dsn(const struct abrid_config *cfg);

#endif
