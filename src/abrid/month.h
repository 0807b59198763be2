/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Months as abrid handles them: "YYYY-MM" (UTC), the only time statistics
 * batches and survey answers carry. */
#ifndef ABRID_MONTH_H
#define ABRID_MONTH_H

#include <stdbool.h>

#include "db/queries.h" /* MONTH_CHARS */

/* "YYYY-MM", year 2000 or later, month 01..12. */
bool month_valid(const char *s);
/* The current UTC month; 0, or -1 if the clock cannot be read. */
int month_now(char out[MONTH_CHARS + 1]);
/* 1 valid and ended, 0 the current month or later, -1 malformed. */
int month_closed(const char *s);

#endif
