/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Tiny test helpers: a failed check prints file:line and exits 1. */
#ifndef ABRI_TEST_T_H
#define ABRI_TEST_T_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);                            \
		if (t_a_ != t_b_) {                                                                \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld != %lld)\n",       \
			        __FILE__, __LINE__, #a, #b, t_a_, t_b_);                           \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *t_a_ = (a), *t_b_ = (b);                                               \
		if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) {                                   \
			fprintf(stderr, "%s:%d: CHECK_STR failed: %s == %s (\"%s\" != \"%s\")\n",  \
			        __FILE__, __LINE__, #a, #b, t_a_ ? t_a_ : "(null)",                \
			        t_b_ ? t_b_ : "(null)");                                           \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

/* Decode lowercase/uppercase hex into a malloc'd buffer; exits on error. */
static inline uint8_t *t_unhex(const char *s, size_t *n)
{
	size_t len = strlen(s), i;
	uint8_t *out;

	if (len % 2) {
		fprintf(stderr, "odd hex length\n");
		exit(1);
	}
	out = malloc(len / 2 + 1);
	CHECK(out != NULL);
	for (i = 0; i < len / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			fprintf(stderr, "bad hex\n");
			exit(1);
		}
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return out;
}

#endif
