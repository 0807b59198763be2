/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The written acknowledgement: its body and the acknowledgement file
 * (include/abri/ack.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abri/ack.h"
#include "abri/sign.h"

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return d[m - 1] + (m == 2 && leap(y));
}

int abri_date_valid(const char *s)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) ||
	    !digits(s + 5, 2) || !digits(s + 8, 2))
		return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	return y >= 2000 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* Days since 1970-01-01 of a proleptic Gregorian date and back
 * (H. Hinnant's algorithms, as in common.c). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

int abri_week_monday(const char *week, char out[11])
{
	long y;
	unsigned m, d;
	if (week == NULL || strlen(week) != 8 || week[4] != '-' || week[5] != 'W' ||
	    !digits(week, 4) || !digits(week + 6, 2))
		return ABRI_ERR_INVALID;
	int wy = atoi(week), w = atoi(week + 6);
	if (wy < 2001 || wy > 9998 || w < 1 || w > 53)
		return ABRI_ERR_INVALID;
	/* Week 1 holds January 4th; 1970-01-01 was a Thursday (index 3 from
	 * Monday). */
	long jan4 = days_from_civil(wy, 1, 4);
	long wd = ((jan4 + 3) % 7 + 7) % 7;
	civil_from_days(jan4 - wd + 7L * (w - 1), &y, &m, &d);
	if (y < 2000 || y > 9999)
		return ABRI_ERR_INVALID;
	/* Unsigned and bounded so the compiler can see it fits 10 characters. */
	if (snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, m % 13u, d % 32u) != 10)
		return ABRI_ERR_INVALID;
	return abri_date_valid(out) ? ABRI_OK : ABRI_ERR_INVALID;
}

static int str_or_null(const json_t *v)
{
	return json_is_null(v) || json_is_string(v);
}

static int elements_ok(const json_t *e)
{
	const json_t *refs = json_object_get(e, "referrals");
	size_t i;
	json_t *r;
	if (!json_is_object(e) || !json_is_string(json_object_get(e, "kind")) ||
	    !json_is_string(json_object_get(e, "context")) ||
	    !str_or_null(json_object_get(e, "when")) || !str_or_null(json_object_get(e, "where")) ||
	    !json_is_array(refs))
		return 0;
	json_array_foreach(refs, i, r) if (!json_is_string(r)) return 0;
	return 1;
}

int abri_ack_check(const json_t *a)
{
	const json_t *v = json_object_get(a, "v");
	const char *fr = json_string_value(json_object_get(a, "fr"));
	if (!json_is_object(a) || !json_is_integer(v) || json_integer_value(v) != ABRI_ACK_V ||
	    !abri_case_ref_valid(json_string_value(json_object_get(a, "case_ref"))) ||
	    !abri_date_valid(json_string_value(json_object_get(a, "received_week"))) ||
	    !abri_date_valid(json_string_value(json_object_get(a, "issued"))) ||
	    !json_is_string(json_object_get(a, "taxonomy")) ||
	    !json_is_string(json_object_get(a, "listener")) ||
	    !str_or_null(json_object_get(a, "lang")) || fr == NULL || fr[0] == '\0' ||
	    !elements_ok(json_object_get(a, "elements")))
		return ABRI_ERR_INVALID;
	return ABRI_OK;
}

char *abri_ack_file_dump(const char *tenant, uint32_t list_version, const uint8_t *inner,
                         size_t inner_len)
{
	char *b64 = abri_b64_encode(inner, inner_len), *out = NULL;
	json_t *o = b64 ? json_pack("{s:i, s:s, s:I, s:i, s:s}", "abri_ack", ABRI_ACK_FILE_V,
	                            "tenant", tenant, "list_version", (json_int_t)list_version,
	                            "kind", ABRI_KIND_ACK, "inner", b64)
	                : NULL;
	if (o != NULL)
		out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	free(b64);
	return out;
}

void abri_ack_file_free(abri_ack_file *f)
{
	if (f->inner != NULL)
		abri_secure_free(f->inner, f->inner_len);
	memset(f, 0, sizeof *f);
}

int abri_ack_file_parse(abri_ack_file *f, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *lv = json_object_get(o, "list_version");
	const char *tenant = json_string_value(json_object_get(o, "tenant"));
	const char *inner = json_string_value(json_object_get(o, "inner"));
	int rc = ABRI_ERR_INVALID;

	memset(f, 0, sizeof *f);
	if (!json_is_object(o) || json_integer_value(json_object_get(o, "abri_ack")) != 1 ||
	    !json_is_integer(json_object_get(o, "abri_ack")) ||
	    !json_is_integer(json_object_get(o, "kind")) ||
	    json_integer_value(json_object_get(o, "kind")) != ABRI_KIND_ACK ||
	    !json_is_integer(lv) || json_integer_value(lv) < 1 ||
	    json_integer_value(lv) > (json_int_t)UINT32_MAX || tenant == NULL ||
	    !abri_tenant_valid(tenant) || inner == NULL ||
	    abri_b64_decode(inner, &f->inner, &f->inner_len) < 0)
		goto out;
	memcpy(f->tenant, tenant, strlen(tenant) + 1);
	f->list_version = (uint32_t)json_integer_value(lv);
	if (abri_inner_decode(&f->m, f->inner, f->inner_len) == ABRI_OK &&
	    !f->m.has_reporter_keys && f->m.list_version == f->list_version)
		rc = ABRI_OK;
out:
	json_decref(o);
	if (rc != ABRI_OK)
		abri_ack_file_free(f);
	return rc;
}

int abri_ack_file_verify(const abri_ack_file *f, const abri_recipients *list, json_t **ack,
                         abri_member *author)
{
	const abri_member *who;
	json_error_t jerr;
	json_t *body;

	*ack = NULL;
	if (list->version != f->list_version || strcmp(list->deployment_id, f->tenant) != 0)
		return ABRI_ERR_CRYPTO;
	who = abri_recipients_by_ed_kid(list, f->m.author_kid);
	if (who == NULL || who->role != ABRI_ROLE_LISTENER ||
	    abri_inner_verify(f->inner, f->inner_len, ABRI_KIND_ACK, f->tenant, who->ed25519_pk) <
	        0)
		return ABRI_ERR_CRYPTO;
	body = json_loadb((const char *)f->m.body, f->m.body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (abri_ack_check(json_object_get(body, "ack")) != ABRI_OK) {
		json_decref(body);
		return ABRI_ERR_INVALID;
	}
	*ack = json_incref(json_object_get(body, "ack"));
	json_decref(body);
	if (author != NULL)
		*author = *who;
	return ABRI_OK;
}
