/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Load, counted in memory as plain totals (no per-case or per-client
 * timing): requests in progress, for a fast 503 when abrid is saturated,
 * and the recent rate of submissions (challenges asked for), which raises
 * the proof-of-work difficulty under a flood. */
#ifndef ABRID_LOAD_H
#define ABRID_LOAD_H

#include <stdint.h>

/* A request starts: 0, or -1 when max_pending are already in progress
 * (the caller answers 503 overloaded and must not call load_leave). */
int load_enter(unsigned max_pending);
void load_leave(void);
unsigned load_pending(void);

/* A reporter asked for a challenge (every new case, message or upload
 * does). */
void load_note_submission(void);
/* Submissions per minute over the last 30..60 s (two 30 s buckets). */
unsigned load_rate(void);
/* base while the rate stays at or below threshold per minute; one more
 * bit for each doubling above it, at most max. threshold 0 = base. */
unsigned load_pow_difficulty(unsigned base, unsigned threshold, unsigned max);

/* Tests: fixed clock (0 = real). */
void load_set_clock(int64_t now);

#endif
