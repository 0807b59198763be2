/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* CHECK(cond): count a failed expectation and go on, so one run of a test
 * program reports every failure; main returns failures != 0. */
#ifndef ABRI_TESTS_CHECK_H
#define ABRI_TESTS_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#endif
