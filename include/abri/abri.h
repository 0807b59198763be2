/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libabri umbrella header. */
#ifndef ABRI_ABRI_H
#define ABRI_ABRI_H
#include "abri/common.h"
#include "abri/token.h"
#include "abri/sign.h"
#include "abri/recipients.h"
#include "abri/envelope.h"
#include "abri/keyfile.h"
#include "abri/pow.h"
#include "abri/attach.h"
#endif
