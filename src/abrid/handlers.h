/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* One handler per endpoint, each in its own h_<endpoint>.c. */
#ifndef ABRID_HANDLERS_H
#define ABRID_HANDLERS_H

#include <microhttpd.h>

#include "db/pg.h"
#include "request.h"

enum MHD_Result h_healthz(struct request *rq);
enum MHD_Result h_config(struct request *rq);
enum MHD_Result h_recipients_get(struct request *rq);
enum MHD_Result h_challenge(struct request *rq);
enum MHD_Result h_cases_create(struct request *rq);
enum MHD_Result h_cases_open(struct request *rq);
enum MHD_Result h_cases_message(struct request *rq);
enum MHD_Result h_cases_erase(struct request *rq);
enum MHD_Result h_staff_cases_list(struct request *rq);
enum MHD_Result h_staff_case_get(struct request *rq);
enum MHD_Result h_staff_case_message(struct request *rq);
enum MHD_Result h_staff_case_state(struct request *rq);
enum MHD_Result h_staff_stats_post(struct request *rq);
enum MHD_Result h_audit_stats_get(struct request *rq);
enum MHD_Result h_staff_survey_codes(struct request *rq);
enum MHD_Result h_survey_post(struct request *rq);
enum MHD_Result h_audit_surveys_get(struct request *rq);
enum MHD_Result h_audit_survey_codes_get(struct request *rq);

/* Both monthly audit endpoints (audit_month.c): an ended ?month, the
 * query's rows as the array `key` of {"month", key}. */
enum MHD_Result reply_ended_month(struct request *rq,
                                  enum pg_qs (*query)(struct pg *, const char *, PGresult **),
                                  json_t *(*rows_json)(const PGresult *), const char *key);
enum MHD_Result h_admin_recipients_put(struct request *rq);
enum MHD_Result h_exit(struct request *rq);
enum MHD_Result h_uploads_create(struct request *rq);
enum MHD_Result h_uploads_put(struct request *rq);
enum MHD_Result h_uploads_get(struct request *rq);
enum MHD_Result h_staff_case_upload_get(struct request *rq);
/* Not in the route table: every path outside the API (see router.c). */
enum MHD_Result h_static(struct request *rq);

#endif
