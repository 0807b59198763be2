/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri show's attachments: the ciphertext is downloaded whole, its hash
 * checked before anything is decrypted, the plaintext written to a
 * temporary file next to the target and linked into place only when the
 * whole file verified, so a failed check leaves nothing behind and an
 * existing file is never replaced (link(2) refuses). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attachments.h"

void cli_attachments_print(const json_t *list)
{
	abri_attach_ref r;
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
	{
		printf("    attachment %zu: ", i + 1);
		if (abri_attach_ref_parse(v, &r) != ABRI_OK) {
			fputs("!!! malformed reference\n", stdout);
			continue;
		}
		fputs(r.kind, stdout);
		fputs(", ", stdout);
		abri_fputs_safe(stdout, r.name);
		printf(", %" PRIu64 " bytes, ", r.size);
		abri_fputs_safe(stdout, r.type);
		fputc('\n', stdout);
		abri_attach_ref_wipe(&r);
	}
}

static int to_fd(void *cls, const uint8_t *p, size_t n)
{
	return abri_write_all(*(int *)cls, p, n);
}

int cli_attachment_fetch(cli_session *s, const char *case_ref, const json_t *entry,
                         abri_attach_ref *r, abri_buf *ct)
{
	int rc;

	abri_buf_init(ct);
	if (abri_attach_ref_parse(entry, r) != ABRI_OK)
		return CLI_ALARM;
	rc = abri_attach_download(&s->client, case_ref, r, ct);
	if (rc != ABRI_OK) {
		abri_attach_ref_wipe(r);
		return cli_call_failed("downloading an attachment", rc, &s->client);
	}
	return CLI_OK;
}

int cli_attachment_open(const abri_buf *ct, const abri_attach_ref *r, abri_attach_sink sink,
                        void *cls)
{
	int rc =
	    abri_attach_open(ct->data, ct->len, r->key, r->hash, r->size, r->chunks, sink, cls);
	if (rc == ABRI_ERR_CRYPTO || rc == ABRI_ERR_INVALID)
		return CLI_ALARM;
	return rc == ABRI_OK ? CLI_OK : CLI_LOCAL;
}

/* Decrypts ct into a temporary file in dir, then links it as path. */
static int write_verified(const char *dir, const char *path, const abri_buf *ct,
                          const abri_attach_ref *r)
{
	char tmp[4096];
	int fd, ex;

	if (snprintf(tmp, sizeof tmp, "%s/.abri-attachment-XXXXXX", dir) >= (int)sizeof tmp ||
	    (fd = mkstemp(tmp)) < 0) {
		cli_err("cannot create a file in %s: %s", dir, strerror(errno));
		return CLI_LOCAL;
	}
	ex = cli_attachment_open(ct, r, to_fd, &fd);
	if (ex == CLI_OK && (fchmod(fd, 0600) != 0 || fsync(fd) != 0))
		ex = CLI_LOCAL;
	if (close(fd) != 0 && ex == CLI_OK)
		ex = CLI_LOCAL;
	if (ex == CLI_OK && link(tmp, path) != 0) {
		cli_err("%s: %s (not overwritten)", path, strerror(errno));
		(void)unlink(tmp);
		return CLI_LOCAL;
	}
	(void)unlink(tmp);
	if (ex == CLI_LOCAL)
		cli_err("%s: %s", path, abri_strerror(ABRI_ERR_IO));
	return ex;
}

static int save_one(cli_session *s, const abri_case *cs, const abri_case_msg *m, size_t i,
                    const json_t *entry, const char *dir, FILE *out)
{
	char safe[65], path[4096];
	abri_attach_ref r;
	abri_buf ct;
	int ex = cli_attachment_fetch(s, cs->case_ref, entry, &r, &ct);

	if (ex == CLI_ALARM) {
		cli_alarm("message #%" PRIu32 ": attachment %zu has a malformed reference", m->pos,
		          i + 1);
		return CLI_ALARM;
	}
	if (ex != CLI_OK)
		return ex;
	abri_attach_safe_name(r.name, safe);
	snprintf(path, sizeof path, "%s/%" PRIu32 "-%zu-%s", dir, m->pos, i + 1, safe);
	ex = write_verified(dir, path, &ct, &r);
	if (ex == CLI_ALARM)
		cli_alarm("message #%" PRIu32 ", attachment %zu: hash or decryption check FAILED; "
		          "nothing written. The stored file was altered.",
		          m->pos, i + 1);
	else if (ex == CLI_OK)
		fprintf(out, "saved %s (%" PRIu64 " bytes, hash verified)\n", path, r.size);
	abri_buf_free(&ct);
	abri_attach_ref_wipe(&r);
	return ex;
}

int cli_attachments_save(cli_session *s, const abri_case *cs, const char *dir, FILE *out)
{
	int ex = CLI_OK, alarm = 0;

	if (abri_mkdir_p(dir, 0700) < 0) {
		cli_err("cannot create %s", dir);
		return CLI_LOCAL;
	}
	for (size_t k = 0; k < cs->n; k++) {
		const abri_case_msg *m = &cs->msgs[k];
		size_t i;
		json_t *v;
		if (!m->verified)
			continue;
		json_array_foreach(json_object_get(m->body, "attachments"), i, v)
		{
			int one = save_one(s, cs, m, i, v, dir, out);
			alarm |= (one == CLI_ALARM);
			if (one != CLI_OK && one != CLI_ALARM && ex == CLI_OK)
				ex = one;
		}
	}
	return alarm ? CLI_ALARM : ex;
}
