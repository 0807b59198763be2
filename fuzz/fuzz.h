/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The libFuzzer entry point every target defines. */
#ifndef ABRI_FUZZ_H
#define ABRI_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
