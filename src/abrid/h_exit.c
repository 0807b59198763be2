/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/exit: the quick-exit button's beacon. The answer asks the
 * browser to drop everything it keeps for this origin; the page has
 * already been blanked and replaced by then (docs/web.md). */
#include "handlers.h"
#include "log.h"
#include "reply.h"

enum MHD_Result h_exit(struct request *rq)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);

	if (resp == NULL) {
		alog(ALOG_ERROR, "cannot create a response");
		return MHD_NO;
	}
	if (MHD_add_response_header(resp, "Clear-Site-Data",
	                            "\"cache\", \"cookies\", \"storage\"") != MHD_YES) {
		MHD_destroy_response(resp);
		return reply_error(rq, EC_INTERNAL, NULL);
	}
	return reply_queue(rq, MHD_HTTP_NO_CONTENT, resp, NULL);
}
