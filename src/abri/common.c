/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared logic of the `abri` subcommands (see common.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common.h"

#define PASSPHRASE_MAX 1024u
#define CONFIG_MAX     (64u * 1024u)

/* ---- messages and exit codes ---- */

void cli_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("abri: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void cli_alarm(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("abri: !!! SECURITY ALARM: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_exit_for(int rc)
{
	switch (rc) {
	case ABRI_OK: return CLI_OK;
	case ABRI_ERR_CRYPTO:
	case ABRI_CLIENT_ERR_ROLLBACK:
	case ABRI_CLIENT_ERR_TENANT: return CLI_ALARM;
	case ABRI_CLIENT_ERR_CONNECT:
	case ABRI_CLIENT_ERR_TIMEOUT:
	case ABRI_CLIENT_ERR_PROTOCOL:
	case ABRI_CLIENT_ERR_TRUNCATED:
	case ABRI_CLIENT_ERR_SERVER:
	case ABRI_CLIENT_ERR_NO_LIST:
	case ABRI_CLIENT_ERR_RETRY: return CLI_SERVER;
	default: return CLI_LOCAL;
	}
}

int cli_call_failed(const char *what, int rc, const abri_client *c)
{
	/* A non-JSON answer (a proxy's error page...) still has a status. */
	if (rc < 0 && !(rc == ABRI_CLIENT_ERR_SERVER && c->last_status != 0)) {
		cli_err("%s: %s", what, abri_client_strerror(rc));
		return cli_exit_for(rc);
	}
	if (c->last_error[0] != '\0' || c->last_error_invalid) {
		/* The code is ^[a-z_]{1,64}$ (client.c); the message is the
		 * server's text, escaped onto this one line. */
		fprintf(stderr, "abri: %s: the server answered %d %s: ", what, c->last_status,
		        c->last_error_invalid ? "(invalid error code from the server)"
		                              : c->last_error);
		abri_fputs_safe_line(stderr, c->last_message);
		fputc('\n', stderr);
	} else {
		cli_err("%s: unexpected answer from the server (HTTP %d)", what, c->last_status);
	}
	return c->last_status >= 400 && c->last_status < 500 ? CLI_REFUSED : CLI_SERVER;
}

int cli_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	errno = 0;
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int cli_ref_ok(const char *ref)
{
	char norm[ABRI_CASE_REF_CHARS + 1];
	if (abri_case_ref_normalise(ref, norm) == ABRI_OK) {
		/* References are accepted as typed (any case, spaces, O for 0):
		 * the argument, writable argv memory, is rewritten in place; the
		 * normal form is never longer. */
		memcpy((char *)ref, norm, sizeof norm);
		return 1;
	}
	cli_err("not a case reference (10 characters, like 7K2M9QX4TB)");
	return 0;
}

/* ---- options and configuration ---- */

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst != NULL;
}

int cli_global_option(cli_config *cfg, int opt, const char *arg)
{
	switch (opt) {
	case OPT_CONFIG: cfg->config_explicit = 1; return set_str(&cfg->config_path, arg);
	case OPT_SERVER: return set_str(&cfg->server, arg);
	case OPT_ORIGIN: return set_str(&cfg->origin, arg);
	case OPT_DEPLOYMENT_ID: return set_str(&cfg->deployment_id, arg);
	case OPT_KEY: return set_str(&cfg->key, arg);
	case OPT_ORG_PUBLIC_KEY: return set_str(&cfg->org_public_key, arg);
	case OPT_STATE_DIR: return set_str(&cfg->state_dir, arg);
	case OPT_PASSPHRASE_FILE: return set_str(&cfg->passphrase_file, arg);
	default: return 0;
	}
}

int cli_next_opt(int argc, char **argv, const char *shortopts, const struct option *opts,
                 cli_config *cfg, const char *usage, int *exit_code)
{
	for (;;) {
		int c = getopt_long(argc, argv, shortopts, opts, NULL);
		if (c == -1)
			return -1;
		if (c == 'h') {
			fputs(usage, stdout);
			fputs(CLI_GLOBAL_USAGE, stdout);
			*exit_code = CLI_OK;
			return CLI_OPT_EXIT;
		}
		if (c == '?' || c == ':') {
			fputs(usage, stderr);
			*exit_code = CLI_USAGE;
			return CLI_OPT_EXIT;
		}
		if (c >= OPT_CONFIG && c < OPT_CMD) {
			if (!cli_global_option(cfg, c, optarg)) {
				*exit_code = CLI_LOCAL;
				return CLI_OPT_EXIT;
			}
			continue;
		}
		return c;
	}
}

static char *xdg_path(const char *env, const char *fallback, const char *leaf)
{
	const char *base = getenv(env), *home = getenv("HOME");
	char buf[4096];
	int n;
	if (base != NULL && base[0] == '/')
		n = snprintf(buf, sizeof buf, "%s/abri%s", base, leaf);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, sizeof buf, "%s/%s/abri%s", home, fallback, leaf);
	else
		return NULL;
	return (n < 0 || (size_t)n >= sizeof buf) ? NULL : strdup(buf);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* A value from the file only fills what no flag set. */
static int config_set(cli_config *cfg, const char *k, const char *v)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
	    {"server", offsetof(cli_config, server)},
	    {"origin", offsetof(cli_config, origin)},
	    {"deployment_id", offsetof(cli_config, deployment_id)},
	    {"key", offsetof(cli_config, key)},
	    {"org_public_key", offsetof(cli_config, org_public_key)},
	    {"state_dir", offsetof(cli_config, state_dir)},
	    {"passphrase_file", offsetof(cli_config, passphrase_file)},
	    {"console_idle_lock", offsetof(cli_config, console_idle_lock)},
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(k, keys[i].key) != 0)
			continue;
		char **dst = (char **)((char *)cfg + keys[i].off);
		return *dst != NULL || set_str(dst, v) ? 0 : -1;
	}
	return -1;
}

static int config_parse(cli_config *cfg, char *text)
{
	int lineno = 0;
	for (char *line = text, *next; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			cli_err("%s:%d: expected key = value", cfg->config_path, lineno);
			return CLI_USAGE;
		}
		*eq = '\0';
		if (config_set(cfg, trim(s), trim(eq + 1)) < 0) {
			cli_err("%s:%d: unknown key '%s'", cfg->config_path, lineno, trim(s));
			return CLI_USAGE;
		}
	}
	return CLI_OK;
}

int cli_config_load(cli_config *cfg)
{
	uint8_t *text;
	size_t len;
	int rc = CLI_OK;

	if (cfg->config_path == NULL)
		cfg->config_path = xdg_path("XDG_CONFIG_HOME", ".config", "/abri.conf");
	if (cfg->config_path != NULL) {
		int r = abri_file_read(cfg->config_path, CONFIG_MAX, &text, &len);
		if (r == ABRI_OK) {
			rc = config_parse(cfg, (char *)text);
			free(text);
		} else if (cfg->config_explicit || errno != ENOENT) {
			cli_err("cannot read %s: %s", cfg->config_path, strerror(errno));
			return CLI_LOCAL;
		}
	}
	if (rc == CLI_OK && cfg->state_dir == NULL)
		cfg->state_dir = xdg_path("XDG_STATE_HOME", ".local/state", "");
	/* abrid's public origin is usually the address we talk to. */
	if (rc == CLI_OK && cfg->origin == NULL && cfg->server != NULL &&
	    strncmp(cfg->server, "http://", 7) == 0) {
		cfg->origin = strdup(cfg->server);
		size_t n = cfg->origin ? strlen(cfg->origin) : 0;
		if (n > 7 && cfg->origin[n - 1] == '/')
			cfg->origin[n - 1] = '\0';
	}
	return rc;
}

void cli_config_free(cli_config *cfg)
{
	free(cfg->config_path);
	free(cfg->server);
	free(cfg->origin);
	free(cfg->deployment_id);
	free(cfg->key);
	free(cfg->org_public_key);
	free(cfg->state_dir);
	free(cfg->passphrase_file);
	free(cfg->console_idle_lock);
	memset(cfg, 0, sizeof *cfg);
}

/* ---- passphrases ---- */

void cli_passphrase_free(char *p)
{
	sodium_free(p); /* wipes */
}

static char *passphrase_from_file(const char *path)
{
	uint8_t *d;
	size_t len;
	if (abri_file_read(path, PASSPHRASE_MAX, &d, &len) < 0) {
		cli_err("cannot read the passphrase file %s", path);
		return NULL;
	}
	size_t n = strcspn((char *)d, "\r\n");
	char *p = sodium_malloc(n + 1);
	if (p != NULL) {
		memcpy(p, d, n);
		p[n] = '\0';
	}
	sodium_memzero(d, len);
	free(d);
	return p;
}

/* One line from the terminal with echo off. */
static char *tty_read(int fd, const char *prompt)
{
	struct termios old, noecho;
	char *p = sodium_malloc(PASSPHRASE_MAX + 1);
	size_t n = 0;
	char ch;

	if (p == NULL)
		return NULL;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old) < 0) {
		sodium_free(p);
		return NULL;
	}
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	noecho.c_lflag |= ICANON;
	tcsetattr(fd, TCSAFLUSH, &noecho);
	while (read(fd, &ch, 1) == 1 && ch != '\n' && ch != '\r')
		if (n < PASSPHRASE_MAX)
			p[n++] = ch;
	p[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* only cosmetic */
	}
	return p;
}

char *cli_passphrase_get(const cli_config *cfg, const char *prompt, int confirm)
{
	if (cfg->passphrase_file != NULL)
		return passphrase_from_file(cfg->passphrase_file);
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cli_err("no terminal to ask the passphrase on (use --passphrase-file)");
		return NULL;
	}
	char *p = tty_read(fd, prompt), *q = NULL;
	if (p != NULL && confirm) {
		q = tty_read(fd, "Repeat the passphrase: ");
		if (q == NULL || strcmp(p, q) != 0) {
			cli_err("the passphrases differ");
			sodium_free(p);
			p = NULL;
		}
		sodium_free(q);
	}
	close(fd);
	return p;
}

/* ---- keys ---- */

int cli_key_load(const cli_config *cfg, const char *path, abri_keypair **out)
{
	char *pass = NULL;
	char prompt[512];
	int enc = abri_keyfile_is_encrypted(path);

	*out = NULL;
	if (enc < 0) {
		cli_err("cannot read the key file %s: %s", path, abri_strerror(enc));
		return CLI_LOCAL;
	}
	if (enc == 1) {
		snprintf(prompt, sizeof prompt, "Passphrase for %s: ", path);
		if ((pass = cli_passphrase_get(cfg, prompt, 0)) == NULL)
			return CLI_LOCAL;
	}
	abri_keypair *k = abri_keypair_new();
	int rc = k ? abri_keyfile_read(path, k, pass) : ABRI_ERR_NOMEM;
	if (pass != NULL)
		cli_passphrase_free(pass);
	if (rc < 0) {
		cli_err("cannot open the key file %s: %s", path,
		        rc == ABRI_ERR_PASSPHRASE ? "wrong passphrase" : abri_strerror(rc));
		abri_keypair_free(k);
		return CLI_LOCAL;
	}
	*out = k;
	return CLI_OK;
}

void cli_print_key(FILE *f, const abri_keypair *k)
{
	char fe[40], fx[40];
	abri_fingerprint(fe, k->ed_kid);
	abri_fingerprint(fx, k->x_kid);
	fprintf(f, "  signing key fingerprint: %s\n  sealing key fingerprint: %s\n", fe, fx);
}

/* ---- session with abrid ---- */

static int require(const char *v, const char *key, const char *flag)
{
	if (v != NULL && v[0] != '\0')
		return 1;
	cli_err("missing setting '%s' (config file, or --%s)", key, flag);
	return 0;
}

static int list_refused(int rc, const abri_list_change *chg, const abri_client *c)
{
	switch (rc) {
	case ABRI_CLIENT_ERR_ROLLBACK:
		if (chg->old_version > chg->new_version)
			cli_alarm("the server serves recipient list version %" PRIu32
			          " but version %" PRIu32
			          " was already seen here: ROLLBACK refused",
			          chg->new_version, chg->old_version);
		else
			cli_alarm(
			    "the server serves a recipient list with the same version as one seen "
			    "here but different content: refused");
		return CLI_ALARM;
	case ABRI_ERR_CRYPTO:
	case ABRI_ERR_INVALID:
		cli_alarm("the recipient list does not verify with the pinned organisation key "
		          "(or names another deployment): refused");
		return CLI_ALARM;
	case ABRI_CLIENT_ERR_NO_LIST:
		cli_err("the server has no recipient list yet (abri admin upload-recipients)");
		return CLI_SERVER;
	default: return cli_call_failed("recipient list", rc, c);
	}
}

static void list_warnings(const cli_session *s, const abri_list_change *chg)
{
	const abri_recipients *cur = s->lists.current;
	if (chg->expired)
		cli_err("WARNING: the recipient list (version %" PRIu32
		        ") has EXPIRED; ask the key "
		        "holders for a new one",
		        cur->version);
	else if (chg->expires_soon)
		cli_err("warning: the recipient list (version %" PRIu32 ") expires in %lld day(s)",
		        cur->version, (long long)((chg->not_after - abri_now()) / 86400));
	if (s->key == NULL)
		return;
	const abri_member *me = abri_recipients_by_ed_kid(cur, s->key->ed_kid);
	/* Auditors use the same session (abri audit report). */
	int role = s->key->role == ABRI_ROLE_AUDITOR ? ABRI_ROLE_AUDITOR : ABRI_ROLE_LISTENER;
	if (me == NULL || (int)me->role != role ||
	    memcmp(me->x25519_pk, s->key->x25519_pk, ABRI_X25519_PK) != 0)
		cli_err("warning: your key is not %s of the current recipient list",
		        role == ABRI_ROLE_AUDITOR ? "an auditor" : "a listener");
}

static int session_connect(cli_session *s, unsigned flags, abri_list_change *chg_out)
{
	abri_list_change *chg = calloc(1, sizeof *chg);
	int rc, ex = CLI_OK;

	if (chg == NULL)
		return CLI_LOCAL;
	abri_lists_init(&s->lists, &s->client, s->cfg->state_dir, s->org_pk);
	rc = abri_client_get_config(&s->client, &s->scfg);
	if (rc == ABRI_CLIENT_ERR_TENANT) {
		cli_alarm("the server serves another deployment than '%s'", s->cfg->deployment_id);
		ex = CLI_ALARM;
	} else if (rc < 0) {
		ex = cli_call_failed("fetching /v1/config", rc, &s->client);
	} else if ((rc = abri_lists_accept_current(&s->lists, s->scfg.recipients, abri_now(),
	                                           chg)) < 0) {
		ex = list_refused(rc, chg, &s->client);
	} else {
		if (chg->changed)
			abri_list_change_print(stderr, chg);
		list_warnings(s, chg);
		if (chg->expired && (flags & CLI_FOR_SEALING)) {
			cli_alarm("refusing to seal to an expired recipient list");
			ex = CLI_ALARM;
		}
	}
	if (chg_out != NULL)
		*chg_out = *chg;
	free(chg);
	return ex;
}

static int session_open(cli_session *s, cli_config *cfg, int need_key)
{
	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	if (!require(cfg->server, "server", "server") ||
	    !require(cfg->deployment_id, "deployment_id", "deployment-id") ||
	    !require(cfg->org_public_key, "org_public_key", "org-public-key") ||
	    !require(cfg->state_dir, "state_dir", "state-dir") ||
	    (need_key &&
	     (!require(cfg->key, "key", "key") || !require(cfg->origin, "origin", "origin"))))
		return CLI_USAGE;
	if (abri_org_pk_load(s->org_pk, cfg->org_public_key) < 0) {
		cli_err("cannot load the organisation public key from '%s'", cfg->org_public_key);
		return CLI_LOCAL;
	}
	if (abri_client_init(&s->client, cfg->server, cfg->origin, cfg->deployment_id) < 0) {
		cli_err("bad server address or deployment id (server is http://host:port or "
		        "unix:/path; https is not supported, see docs/cli.md)");
		return CLI_USAGE;
	}
	if (abri_mkdir_p(cfg->state_dir, 0700) < 0) {
		cli_err("cannot create the state directory %s: %s", cfg->state_dir,
		        strerror(errno));
		return CLI_LOCAL;
	}
	return CLI_OK;
}

int cli_session_open(cli_session *s, cli_config *cfg, unsigned flags)
{
	int need_key = (flags & CLI_NEED_KEY) != 0;
	int ex = session_open(s, cfg, need_key);

	if (ex == CLI_OK && need_key) {
		if ((ex = cli_key_load(cfg, cfg->key, &s->key)) != CLI_OK)
			return ex;
		s->client.staff = s->key;
	}
	return ex == CLI_OK ? session_connect(s, flags, NULL) : ex;
}

int cli_session_open_key(cli_session *s, cli_config *cfg, unsigned flags, abri_keypair *key,
                         abri_list_change *chg)
{
	int ex = session_open(s, cfg, key != NULL);

	s->key = key;
	s->client.staff = key;
	return ex == CLI_OK ? session_connect(s, flags, chg) : ex;
}

void cli_session_close(cli_session *s)
{
	abri_lists_free(&s->lists);
	abri_server_config_free(&s->scfg);
	if (s->key != NULL)
		abri_keypair_free(s->key);
	s->key = NULL;
}

int cli_case_fetch(cli_session *s, const char *ref, abri_case *cs, json_t **answer)
{
	char target[64];
	json_t *ans = NULL;
	int status, rc;
	abri_reader rd = {.listener = s->key};

	memset(cs, 0, sizeof *cs);
	snprintf(target, sizeof target, "/v1/staff/cases/%s", ref);
	rc = abri_client_call(&s->client, "GET", target, NULL, 1, &status, &ans);
	if (rc < 0 || status != 200) {
		json_decref(ans);
		return cli_call_failed("fetching the case", rc, &s->client);
	}
	rc = abri_case_load(cs, ans);
	if (rc == ABRI_OK && strcmp(cs->case_ref, ref) != 0) {
		cli_alarm("asked for case %s, the server answered with another case", ref);
		json_decref(ans);
		abri_case_free(cs);
		return CLI_ALARM;
	}
	if (rc == ABRI_OK)
		rc = abri_case_verify(cs, &rd, &s->lists, s->scfg.max_padded);
	if (rc < 0) {
		cli_err("cannot read the case: %s", abri_client_strerror(rc));
		json_decref(ans);
		abri_case_free(cs);
		return cli_exit_for(rc);
	}
	if (answer != NULL)
		*answer = ans;
	else
		json_decref(ans);
	return CLI_OK;
}

int cli_case_new_from_person(cli_session *s, const char *ref, long long envelopes,
                             long long *fresh, int *fewer, long long *seen_out)
{
	json_t *doc = NULL;
	abri_case cs;
	int ex = cli_case_state_load(s->cfg, ref, &doc);
	long long seen = ex == CLI_OK ? abri_casestate_count(doc) : -1;

	*fresh = 0;
	*fewer = 0;
	if (seen_out != NULL)
		*seen_out = seen;
	if (ex == CLI_OK && seen >= 0 && envelopes < seen)
		*fewer = 1;
	if (ex == CLI_OK && seen >= 0 && envelopes > seen &&
	    (ex = cli_case_fetch(s, ref, &cs, NULL)) == CLI_OK) {
		*fresh = (long long)abri_case_new_from_person(&cs, doc);
		abri_case_free(&cs);
	}
	json_decref(doc);
	return ex;
}

/* ---- local case state (src/client/casestate.c, with the alarms printed) ---- */

int cli_case_state_load(const cli_config *cfg, const char *ref, json_t **doc)
{
	int rc = abri_casestate_load(cfg->state_dir, ref, doc);
	if (rc < 0) {
		cli_err("the local state of case %s (in %s/cases) is unreadable or corrupt: %s", ref,
		        cfg->state_dir, abri_strerror(rc));
		return CLI_LOCAL;
	}
	return CLI_OK;
}

int cli_case_state_save(const cli_config *cfg, const char *ref, json_t *doc)
{
	int rc = abri_casestate_save(cfg->state_dir, ref, doc);
	if (rc < 0) {
		cli_err("cannot write the local state of case %s: %s", ref, abri_strerror(rc));
		return CLI_LOCAL;
	}
	return CLI_OK;
}

int cli_case_state_merge(json_t *doc, const abri_case *cs)
{
	return abri_casestate_merge(doc, cs, NULL) < 0 ? CLI_LOCAL : CLI_OK;
}

uint64_t cli_case_state_own(const json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	return abri_casestate_own(doc, kid);
}

int cli_case_state_set_own(json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES], uint64_t counter,
                           const uint8_t hash[ABRI_HASH_BYTES])
{
	return abri_casestate_set_own(doc, kid, counter, hash) < 0 ? CLI_LOCAL : CLI_OK;
}

/* ---- writing key pairs ---- */

int cli_keygen_paths(cli_keygen *g, const char *prefix_or_dir, int server_dir)
{
	int a = snprintf(g->key_path, sizeof g->key_path, server_dir ? "%s/server.key" : "%s.key",
	                 prefix_or_dir);
	int b = snprintf(g->pub_path, sizeof g->pub_path,
	                 server_dir ? "%s/server.pub.json" : "%s.pub.json", prefix_or_dir);
	if (a < 0 || b < 0 || (size_t)a >= sizeof g->key_path || (size_t)b >= sizeof g->pub_path) {
		cli_err("path too long");
		return CLI_USAGE;
	}
	return CLI_OK;
}

static char *new_passphrase(const cli_config *cfg, const cli_keygen *g)
{
	char prompt[4200];
	snprintf(prompt, sizeof prompt, "New passphrase for %s: ", g->key_path);
	char *p = cli_passphrase_get(cfg, prompt, 1);
	if (p != NULL && strlen(p) < 8) {
		cli_err("the passphrase is too short (8 characters at least; --no-passphrase for "
		        "none)");
		cli_passphrase_free(p);
		p = NULL;
	}
	return p;
}

int cli_keygen_write(const cli_config *cfg, cli_keygen *g, abri_keypair **out)
{
	int encrypted = !g->no_passphrase && g->role != ABRI_ROLE_SERVER;
	char *pass = NULL;
	int rc;

	if (access(g->key_path, F_OK) == 0 || access(g->pub_path, F_OK) == 0) {
		cli_err("%s or %s exists already: refusing to overwrite a key", g->key_path,
		        g->pub_path);
		return CLI_LOCAL;
	}
	if (encrypted && (pass = new_passphrase(cfg, g)) == NULL)
		return CLI_LOCAL;
	abri_keypair *k = abri_keypair_new();
	rc = k ? abri_keypair_generate(k, g->role) : ABRI_ERR_NOMEM;
	if (rc == ABRI_OK)
		rc = abri_keyfile_write(g->key_path, k, pass, g->kdf_fast ? 1 : 0,
		                        g->kdf_fast ? 8192 : 0, g->kdf_fast ? 1 : 0);
	if (pass != NULL)
		cli_passphrase_free(pass);
	if (rc == ABRI_OK && (rc = abri_pubfile_write(g->pub_path, k, g->name, g->epoch)) < 0)
		unlink(g->key_path); /* no secret key without its public half */
	if (rc < 0) {
		cli_err("cannot write the key: %s", abri_strerror(rc));
		abri_keypair_free(k);
		return CLI_LOCAL;
	}
	printf("Wrote %s (%s) and %s\n", g->key_path, encrypted ? "encrypted" : "NOT encrypted",
	       g->pub_path);
	cli_print_key(stdout, k);
	if (out != NULL)
		*out = k;
	else
		abri_keypair_free(k);
	return CLI_OK;
}

size_t cli_case_state_check(const json_t *doc, const abri_case *cs, const abri_keypair *me,
                            abri_local_check *out)
{
	abri_local_check mine, *lc = out != NULL ? out : &mine;
	abri_casestate_check(doc, cs, me->ed_kid, lc);
	if (lc->disappeared > 0) {
		char hex[17];
		sodium_bin2hex(hex, sizeof hex, lc->first_disappeared, 8);
		cli_alarm("%zu message(s) you saw before have DISAPPEARED from this case (first: "
		          "envelope hash %s...)",
		          lc->disappeared, hex);
	}
	if (lc->own_gone)
		cli_alarm(
		    "you wrote message %llu of your chain in this case, the server shows only "
		    "%llu: your messages have DISAPPEARED",
		    (unsigned long long)lc->own_recorded, (unsigned long long)lc->own_present);
	return lc->disappeared + (size_t)lc->own_gone;
}

int cli_case_state_update(const cli_config *cfg, json_t *doc, const abri_case *cs,
                          const abri_keypair *me)
{
	int ex = abri_casestate_merge(doc, cs, me->ed_kid) < 0 ? CLI_LOCAL : CLI_OK;
	if (ex == CLI_OK)
		ex = cli_case_state_save(cfg, cs->case_ref, doc);
	return ex;
}

int cli_json_save(const char *path, const json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = text ? abri_file_write_atomic(path, text, strlen(text), 0600) : ABRI_ERR_NOMEM;
	free(text);
	if (rc < 0) {
		cli_err("cannot write %s: %s", path, abri_strerror(rc));
		return CLI_LOCAL;
	}
	return CLI_OK;
}

#define CASES_PAGE_MAX 200u

int cli_cases_pages(cli_session *s, const char *state, uint32_t limit, const char *what,
                    int (*on_page)(const json_t *cases, void *cls), void *cls)
{
	char target[2048];
	char *cursor = NULL;
	int ex = CLI_OK;

	for (unsigned page = 0; ex == CLI_OK && limit > 0 && page < 100000; page++) {
		char *esc = cursor ? abri_url_escape(cursor) : NULL;
		int len = snprintf(target, sizeof target, "/v1/staff/cases?limit=%u%s%s%s%s",
		                   (unsigned)(limit < CASES_PAGE_MAX ? limit : CASES_PAGE_MAX),
		                   state ? "&state=" : "", state ? state : "", esc ? "&after=" : "",
		                   esc ? esc : "");
		int bad = len < 0 || (size_t)len >= sizeof target || (cursor != NULL && esc == NULL);
		json_t *ans = NULL, *cases;
		int status, rc;

		free(esc);
		if (bad) {
			cli_err("cannot build the request for %s", what);
			ex = CLI_SERVER;
			break;
		}
		rc = abri_client_call(&s->client, "GET", target, NULL, 1, &status, &ans);
		cases = json_object_get(ans, "cases");
		if (rc < 0 || status != 200) {
			ex = cli_call_failed(what, rc, &s->client);
		} else if (!json_is_array(cases)) {
			cli_err("unexpected answer from the server");
			ex = CLI_SERVER;
		} else if ((ex = on_page(cases, cls)) == CLI_OK) {
			const char *next = json_string_value(json_object_get(ans, "next"));
			size_t n = json_array_size(cases);
			limit -= n < limit ? (uint32_t)n : limit;
			free(cursor);
			cursor = next ? strdup(next) : NULL;
		}
		json_decref(ans);
		if (cursor == NULL)
			break;
	}
	free(cursor);
	return ex;
}

int cli_verify_args(int argc, char **argv, cli_config *cfg, const char *usage,
                    char *lists[CLI_LISTS_MAX], size_t *n, const char **file)
{
	enum { OPT_LIST = OPT_CMD };
	static const struct option opts[] = {
	    CLI_GLOBAL_LONGOPTS, {"list", required_argument, NULL, OPT_LIST}, {NULL, 0, NULL, 0}};
	int c, ex;

	*n = 0;
	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c != OPT_LIST || *n == CLI_LISTS_MAX) {
			fputs(usage, stderr);
			return CLI_USAGE;
		}
		lists[(*n)++] = optarg;
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if (cfg->deployment_id == NULL || cfg->org_public_key == NULL) {
		cli_err("deployment_id and org_public_key must be set (configuration or options)");
		return CLI_USAGE;
	}
	*file = argv[optind];
	return CLI_OK;
}

int cli_list_file_load(const cli_config *cfg, const uint8_t org_pk[ABRI_ED25519_PK],
                       const char *path, abri_recipients *r)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	int rc;

	if (doc == NULL) {
		cli_err("%s: not a JSON file (line %d)", path, jerr.line);
		return CLI_LOCAL;
	}
	rc = abri_signed_list_verify(r, doc, cfg->deployment_id, org_pk);
	json_decref(doc);
	if (rc < 0) {
		cli_alarm("not valid: %s does not verify with the pinned organisation key for '%s'",
		          path, cfg->deployment_id);
		return CLI_ALARM;
	}
	return CLI_OK;
}
