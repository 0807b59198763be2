/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* JSON views of a case shared by the reporter's and the listener's reads. */
#ifndef ABRID_CASEVIEW_H
#define ABRID_CASEVIEW_H

#include <jansson.h>
#include <libpq-fe.h>

/* [{"pos", "envelope"}] from pg_select_envelopes' result; NULL on failure. */
json_t *envelopes_json(const PGresult *r);

#endif
