/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static enum alog_level current = ALOG_INFO;

static const char *const names[] = {"error", "warn", "info", "debug"};

void alog_set_level(enum alog_level level)
{
	current = level;
}

int alog_enabled(enum alog_level level)
{
	return level <= current;
}

int alog_level_parse(const char *s)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (0 == strcmp(s, names[i]))
			return (int)i;
	return -1;
}

void alog(enum alog_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (!alog_enabled(level))
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* One event, one line: libpq's messages span lines. */
	for (char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	/* One write per line so lines from worker threads do not interleave. */
	(void)fprintf(stderr, "abrid: %s: %s\n", names[level], line);
}
