/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdlib.h>

#include "abri/common.h"
#include "caseview.h"
#include "db/pg.h"

json_t *envelopes_json(const PGresult *r)
{
	json_t *arr = json_array();
	int rows = (r != NULL) ? PQntuples(r) : 0;

	if (arr == NULL)
		return NULL;
	for (int i = 0; i < rows; i++) {
		const uint8_t *p;
		size_t len;
		int64_t pos;
		char *b64;
		json_t *item;

		if (pgr_int(r, i, 0, &pos) != 0 || pgr_bytes(r, i, 1, &p, &len) != 0 ||
		    (b64 = abri_b64_encode(p, len)) == NULL) {
			json_decref(arr);
			return NULL;
		}
		item = json_pack("{s:I,s:s}", "pos", (json_int_t)pos, "envelope", b64);
		free(b64);
		if (item == NULL || json_array_append_new(arr, item) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
