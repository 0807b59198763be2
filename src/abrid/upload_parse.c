/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The upload parsers (upload.h): URL arguments, chunk framing, the
 * "uploads" field of a submission. */
#include <string.h>

#include <sodium.h>

#include "upload.h"

enum ec upload_target_parse(const char *id_arg, const char *idx_arg,
                            uint8_t id[ABRI_UPLOAD_ID_BYTES], int64_t *idx)
{
	size_t len;
	int64_t v = 0;

	if (abri_upload_id_from_url(id_arg, id) != ABRI_OK)
		return EC_UNKNOWN_UPLOAD;
	if (idx_arg == NULL)
		return EC_NONE;
	len = strlen(idx_arg);
	if (len == 0 || len > 7 || (len > 1 && idx_arg[0] == '0'))
		return EC_BAD_CHUNK;
	for (size_t i = 0; i < len; i++) {
		if (idx_arg[i] < '0' || idx_arg[i] > '9')
			return EC_BAD_CHUNK;
		v = v * 10 + (idx_arg[i] - '0');
	}
	if (v >= (int64_t)ABRI_ATTACH_MAX_CHUNKS)
		return EC_BAD_CHUNK;
	*idx = v;
	return EC_NONE;
}

enum ec upload_chunk_check(int64_t idx, size_t len, int64_t chunks)
{
	if (idx < 0 || idx >= chunks || len != ABRI_ATTACH_CHUNK_CT)
		return EC_BAD_CHUNK;
	return EC_NONE;
}

enum ec upload_ids_parse(const json_t *field, unsigned max, uint8_t (*ids)[ABRI_UPLOAD_ID_BYTES],
                         size_t *n)
{
	size_t i;
	const json_t *v;

	*n = 0;
	if (field == NULL || json_is_null(field))
		return EC_NONE;
	if (!json_is_array(field) || json_array_size(field) > max)
		return EC_BAD_FIELD;
	json_array_foreach(field, i, v)
	{
		const char *s = json_string_value(v);
		if (s == NULL || abri_b64_decode_exact(s, ids[i], ABRI_UPLOAD_ID_BYTES) < 0)
			return EC_BAD_FIELD;
		for (size_t j = 0; j < i; j++)
			if (memcmp(ids[j], ids[i], ABRI_UPLOAD_ID_BYTES) == 0)
				return EC_BAD_FIELD;
	}
	*n = json_array_size(field);
	return EC_NONE;
}
