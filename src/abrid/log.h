/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid logging: one line per event on stderr. Never pass an address, a
 * token, a lookup key, a case reference or a submitted value. */
#ifndef ABRID_LOG_H
#define ABRID_LOG_H

enum alog_level {
	ALOG_ERROR = 0, /* our bug or our environment: needs an operator */
	ALOG_WARN = 1,
	ALOG_INFO = 2, /* includes "the peer sent garbage" */
	ALOG_DEBUG = 3,
};

void alog_set_level(enum alog_level level);
int alog_enabled(enum alog_level level);
/* Parses "error", "warn", "info", "debug"; -1 if unknown. */
int alog_level_parse(const char *s);
void alog(enum alog_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
