/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Survey codes and answers (include/abri/survey.h): the first byte picks
 * — even: a typed survey code (abri_survey_code_normalise); odd: an
 * answer plaintext (abri_survey_plaintext_parse). Invariants: a
 * normalised code is canonical, normalises to itself and survives its
 * grouped form; an accepted answer has only the six questions with
 * allowed values, and its re-serialisation is accepted too. */
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "abri/survey.h"
#include "fuzz.h"

static void code_case(const uint8_t *data, size_t size)
{
	char in[256], out[ABRI_SURVEY_CODE_CHARS + 1], again[ABRI_SURVEY_CODE_CHARS + 1],
	    grouped[ABRI_SURVEY_CODE_GROUPED + 1];
	if (size >= sizeof in)
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	if (abri_survey_code_normalise(in, out) != ABRI_OK)
		return;
	if (!abri_survey_code_valid(out))
		abort();
	abri_survey_code_group(grouped, out);
	if (abri_survey_code_normalise(grouped, again) != ABRI_OK || strcmp(again, out) != 0 ||
	    abri_survey_code_normalise(out, again) != ABRI_OK || strcmp(again, out) != 0)
		abort();
}

static void answer_case(const uint8_t *data, size_t size)
{
	json_t *doc = NULL, *back = NULL;
	const char *q;
	json_t *v;
	if (abri_survey_plaintext_parse(data, size, &doc) != ABRI_OK)
		return;
	json_t *answers = json_object_get(doc, "answers");
	json_object_foreach(answers, q, v)
	{
		if (abri_survey_choices(q) == NULL)
			abort();
	}
	char *text = json_dumps(doc, JSON_COMPACT);
	if (text == NULL ||
	    abri_survey_plaintext_parse((const uint8_t *)text, strlen(text), &back) != ABRI_OK)
		abort();
	free(text);
	json_decref(back);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (abri_init() != ABRI_OK)
			abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	if ((data[0] & 1) == 0)
		code_case(data + 1, size - 1);
	else
		answer_case(data + 1, size - 1);
	return 0;
}
