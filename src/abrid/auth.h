/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Signed staff requests (docs/protocol.md, purpose "request"). */
#ifndef ABRID_AUTH_H
#define ABRID_AUTH_H

#include "abri/abri.h"
#include "errors.h"
#include "request.h"

/* Checks the four Abri-* headers against the configured public origin,
 * the method, the raw target and the body; the key must be in the current
 * list with the given role; then records the nonce (replays fail on every
 * instance). On success sets rq->member and rq->list. */
enum ec auth_staff(struct request *rq, abri_role role);

#endif
