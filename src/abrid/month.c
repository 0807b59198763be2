/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <string.h>
#include <time.h>

#include "month.h"

bool month_valid(const char *s)
{
	if (s == NULL || strlen(s) != MONTH_CHARS || s[4] != '-')
		return false;
	for (int i = 0; i < MONTH_CHARS; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return false;
	/* Plain string order works for this fixed format. */
	return strcmp(s + 5, "01") >= 0 && strcmp(s + 5, "12") <= 0 && strncmp(s, "2000", 4) >= 0;
}

int month_closed(const char *s)
{
	char now[MONTH_CHARS + 1];

	if (!month_valid(s) || month_now(now) != 0)
		return -1;
	return strcmp(s, now) < 0;
}

int month_now(char out[MONTH_CHARS + 1])
{
	time_t t = (time_t)abri_now();
	struct tm tm;

	return (gmtime_r(&t, &tm) != NULL && strftime(out, MONTH_CHARS + 1, "%Y-%m", &tm) != 0)
	           ? 0
	           : -1;
}
