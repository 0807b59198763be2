/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid configuration parser: valid files, defaults, and every kind of
 * error naming its line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "config.h"

#include "../check.h"

#define REQUIRED "deployment_id = test.example\npublic_origin = https://abri.example\n"

static int parse(struct abrid_config *c, const char *text, char err[CONFIG_ERR_MAX])
{
	return config_parse(c, text, strlen(text), "/etc/abri", err);
}

static void test_defaults(void)
{
	struct abrid_config c;
	char err[CONFIG_ERR_MAX];

	CHECK(parse(&c, REQUIRED, err) == 0);
	CHECK(0 == strcmp(c.deployment_id, "test.example"));
	CHECK(0 == strcmp(c.listen_address, "127.0.0.1"));
	CHECK(c.listen_port == 8470);
	CHECK(c.listen_unix[0] == '\0');
	CHECK(c.threads == 2);
	CHECK(c.max_connections == 1024);
	CHECK(c.connection_timeout == 30);
	CHECK(c.header_timeout == 10);
	CHECK(c.request_timeout == 120);
	CHECK(c.max_body == 1048576);
	CHECK(c.max_padded == 262144);
	CHECK(c.pow_difficulty == 0);
	CHECK(c.challenge_ttl == 180);
	CHECK(c.sweep_interval == 600);
	CHECK(c.wal_rotate == 1);
	CHECK(c.max_pending == 512);
	CHECK(c.max_uploading == 256);
	CHECK(c.addr_max_uploading == 8);
	CHECK(c.min_body_rate == 1024);
	CHECK(c.body_rate_grace == 5);
	CHECK(c.upload_ttl == 86400);
	CHECK(c.upload_incomplete_ttl == 3600);
	CHECK(c.upload_quota == 1073741824);
	CHECK(c.addr_upload_bytes == 67108864);
	CHECK(0 == strcmp(c.server_key, "/etc/abri/server.key"));
	CHECK(0 == strcmp(c.data_dir, "/var/lib/abri"));
	CHECK(c.log_level == 2);
	CHECK(0 == strcmp(c.web_root, "/usr/share/abri/web"));
	CHECK(0 == strcmp(c.quick_exit_url, "https://www.wikipedia.org/"));
	CHECK(c.list_grace == 3 * 86400);
	CHECK(c.survey_codes_per_month == 100);
	config_free(&c);
}

static void test_values(void)
{
	const char *text = "# comment\n\n" REQUIRED "  listen_port = 0 \r\n"
	                   "listen_unix = run/abrid.sock\n"
	                   "listen_address = ::1\n"
	                   "database_dsn = host=/tmp dbname=x password=a#b\n"
	                   "threads=8\n"
	                   "server_key = /keys/s.key\n"
	                   "pow_difficulty = 12\n"
	                   "list_grace = 0\n"
	                   "max_uploading = 64\n"
	                   "addr_max_uploading = 2\n"
	                   "min_body_rate = 0\n"
	                   "body_rate_grace = 30\n"
	                   "max_upload_bytes = 1048576\n"
	                   "upload_quota = 4194304\n"
	                   "addr_upload_bytes = 1048576\n"
	                   "upload_incomplete_ttl = 600\n"
	                   "log_level = debug\n"
	                   "user = abri";
	struct abrid_config c;
	char err[CONFIG_ERR_MAX];
	char *dsn;

	CHECK(parse(&c, text, err) == 0);
	CHECK(c.listen_port == 0);
	CHECK(0 == strcmp(c.listen_unix, "/etc/abri/run/abrid.sock"));
	CHECK(0 == strcmp(c.listen_address, "::1"));
	CHECK(0 == strcmp(c.database_dsn, "host=/tmp dbname=x password=a#b"));
	CHECK(c.threads == 8);
	CHECK(0 == strcmp(c.server_key, "/keys/s.key"));
	CHECK(c.pow_difficulty == 12);
	CHECK(c.list_grace == 0);
	CHECK(c.max_uploading == 64);
	CHECK(c.addr_max_uploading == 2);
	CHECK(c.min_body_rate == 0); /* 0 = no minimum */
	CHECK(c.body_rate_grace == 30);
	CHECK(c.upload_quota == 4194304 && c.addr_upload_bytes == 1048576);
	CHECK(c.upload_incomplete_ttl == 600);
	CHECK(c.log_level == 3);
	CHECK(0 == strcmp(c.user, "abri"));
	dsn = config_dsn(&c);
	CHECK(dsn != NULL && 0 == strcmp(dsn, c.database_dsn));
	free(dsn);
	config_free(&c);

	CHECK(parse(&c, REQUIRED "data_dir = /srv/abri\n", err) == 0);
	dsn = config_dsn(&c);
	CHECK(dsn != NULL && 0 == strcmp(dsn, "host='/srv/abri/pg-socket' dbname=abri"));
	free(dsn);
	config_free(&c);
}

/* The text must fail with an error message starting with want. */
static void expect_error(const char *text, const char *want)
{
	struct abrid_config c;
	char err[CONFIG_ERR_MAX];

	if (parse(&c, text, err) == 0) {
		(void)fprintf(stderr, "accepted: %s\n", text);
		failures++;
		config_free(&c);
		return;
	}
	if (strncmp(err, want, strlen(want)) != 0) {
		(void)fprintf(stderr, "error \"%s\", wanted \"%s...\"\n", err, want);
		failures++;
	}
	config_free(&c); /* safe after a failed parse */
}

static void test_errors(void)
{
	expect_error(REQUIRED "bogus = 1\n", "line 3: unknown key");
	expect_error("# c\n" REQUIRED "threads = 2\nthreads = 3\n", "line 5: threads: set twice");
	expect_error(REQUIRED "no equals sign\n", "line 3: expected");
	expect_error(REQUIRED "threads = 0\n", "line 3: threads: expected an integer");
	expect_error(REQUIRED "threads = -1\n", "line 3: threads");
	expect_error(REQUIRED "threads = 2x\n", "line 3: threads");
	expect_error(REQUIRED "listen_port = 65536\n", "line 3: listen_port");
	expect_error(REQUIRED "max_body = 99999999999999999999999\n", "line 3: max_body");
	expect_error(REQUIRED "pow_difficulty = 33\n", "line 3: pow_difficulty");
	expect_error(REQUIRED "list_grace = 2592001\n", "line 3: list_grace");
	expect_error(REQUIRED "survey_codes_per_month = 0\n", "line 3: survey_codes_per_month");
	expect_error(REQUIRED "log_level = loud\n", "line 3: log_level");
	expect_error(REQUIRED "listen_address = localhost\n", "line 3: listen_address");
	expect_error("deployment_id = Bad_Tenant\n", "line 1: deployment_id");
	expect_error("deployment_id = x\npublic_origin = https://a.example/path\n",
	             "line 2: public_origin");
	expect_error("deployment_id = x\npublic_origin = ftp://a.example\n",
	             "line 2: public_origin");
	expect_error("public_origin = https://a.example\n", "deployment_id: required");
	expect_error("deployment_id = x\n", "public_origin: required");
	expect_error(REQUIRED "max_padded = 5000\n", "max_padded");
	expect_error(REQUIRED "max_body = 4096\n", "max_body");
	expect_error(REQUIRED "listen_port = 0\n", "no listener");
	expect_error(REQUIRED "header_timeout = 0\n", "line 3: header_timeout");
	expect_error(REQUIRED "sweep_interval = 0\n", "line 3: sweep_interval");
	expect_error(REQUIRED "wal_rotate = 2\n", "line 3: wal_rotate");
	expect_error(REQUIRED "request_timeout = 3601\n", "line 3: request_timeout");
	expect_error(REQUIRED "header_timeout = 30\nrequest_timeout = 20\n",
	             "header_timeout: must not exceed request_timeout (20)");
	expect_error(REQUIRED "max_uploading = 0\n", "line 3: max_uploading: expected an integer");
	expect_error(REQUIRED "addr_max_uploading = 0\n", "line 3: addr_max_uploading");
	expect_error(REQUIRED "min_body_rate = 100000001\n", "line 3: min_body_rate");
	expect_error(REQUIRED "body_rate_grace = 0\n", "line 3: body_rate_grace");
	expect_error(REQUIRED "body_rate_grace = 3601\n", "line 3: body_rate_grace");
	expect_error(REQUIRED "upload_incomplete_ttl = 59\n", "line 3: upload_incomplete_ttl");
	expect_error(REQUIRED "upload_incomplete_ttl = 7200\nupload_ttl = 3600\n",
	             "upload_incomplete_ttl: must not exceed upload_ttl (3600)");
	expect_error(REQUIRED "upload_quota = 65535\n", "line 3: upload_quota");
	expect_error(REQUIRED "upload_quota = 1048576\n",
	             "upload_quota: must be at least max_upload_bytes (16777216)");
	expect_error(REQUIRED "addr_upload_bytes = 1048576\n",
	             "addr_upload_bytes: must be at least max_upload_bytes (16777216)");
	expect_error(REQUIRED "user = a\x01b\n", "line 3: control character");
	expect_error(REQUIRED "quick_exit_url = javascript:alert(1)\n", "line 3: quick_exit_url");
	expect_error(REQUIRED "quick_exit_url = https://\n", "line 3: quick_exit_url");
	expect_error(REQUIRED "quick_exit_url = https://a.example/x y\n", "line 3: quick_exit_url");
	expect_error(REQUIRED "quick_exit_url = https://a.example/\"x\n", "line 3: quick_exit_url");
}

static void test_quick_exit_url(void)
{
	struct abrid_config c;
	char err[CONFIG_ERR_MAX];

	CHECK(parse(&c, REQUIRED "quick_exit_url = https://weather.example/today?city=x\n", err) ==
	      0);
	CHECK(0 == strcmp(c.quick_exit_url, "https://weather.example/today?city=x"));
	config_free(&c);
}

static void test_nul_and_long_lines(void)
{
	static const char text[] = "deployment_id = x\0y\n";
	struct abrid_config c;
	char err[CONFIG_ERR_MAX];
	char *big;

	CHECK(config_parse(&c, text, sizeof text - 1, NULL, err) != 0);
	CHECK(0 == strcmp(err, "line 1: NUL byte"));
	big = malloc(10000);
	if (big == NULL)
		exit(1);
	memset(big, 'a', 9999);
	big[9999] = '\0';
	CHECK(parse(&c, big, err) != 0);
	CHECK(0 == strcmp(err, "line 1: line too long"));
	free(big);
}

int main(void)
{
	if (abri_init() != ABRI_OK)
		return 1;
	test_defaults();
	test_values();
	test_errors();
	test_nul_and_long_lines();
	test_quick_exit_url();
	if (failures != 0)
		(void)fprintf(stderr, "%d failures\n", failures);
	return failures != 0;
}
