/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Load, counted in memory as plain totals (no per-case or per-client
 * timing): requests receiving their body and requests in progress (body
 * complete, handler running or waiting for a database worker), each with
 * its own cap for a fast 503 when abrid is saturated, and the recent rate
 * of verified submissions, which raises the proof-of-work difficulty
 * under a flood. */
#ifndef ABRID_LOAD_H
#define ABRID_LOAD_H

#include <stdint.h>

/* A request's body is complete and its handler is about to run: 0, or
 * -1 when max_pending are already in progress (the caller answers 503
 * overloaded and must not call load_leave). A request still sending its
 * body is not in progress: it holds an upload slot instead. */
int load_enter(unsigned max_pending);
void load_leave(void);
unsigned load_pending(void);

/* A request starts sending a body: 0, or -1 when max_uploading are
 * already receiving one (the caller answers 503 overloaded and must not
 * call load_upload_end). */
int load_upload_begin(unsigned max_uploading);
void load_upload_end(void);

/* A submission was verified and stored: a new case, reporter message or
 * upload whose proof of work was spent, or that was accepted without work
 * at difficulty 0 (a retry answered again is not counted). Challenges
 * handed out are not counted: asking costs nothing, so counting them let
 * anyone raise everyone's difficulty for free. */
void load_note_submission(void);
/* Submissions per minute over the last 30..60 s (two 30 s buckets). */
unsigned load_rate(void);
/* base while the rate stays at or below threshold per minute; one more
 * bit for each doubling above it, at most max. threshold 0 = base. */
unsigned load_pow_difficulty(unsigned base, unsigned threshold, unsigned max);

/* Tests: fixed clock (0 = real). */
void load_set_clock(int64_t now);

#endif
