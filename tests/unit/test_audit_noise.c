/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The report's integer-only noise sampler (src/abri/audit/noise.c):
 * determinism per seed and stream, and the discrete Laplace law
 * P(x) = (1-a)/(1+a) a^|x| checked on 100000 draws (bounds ~5 standard
 * deviations wide, integer arithmetic only). */
#include <sodium.h>

#include "audit.h"
#include "t.h"

#define N 100000

static void law(uint64_t s, uint64_t t, long p0_lo, long p0_hi, long sq_lo, long sq_hi)
{
	uint8_t seed[AUDIT_SEED_BYTES] = {7};
	audit_rng g;
	long zero = 0, pos = 0, neg = 0, sq = 0;
	audit_rng_init(&g, seed, "law");
	for (int i = 0; i < N; i++) {
		int64_t x = audit_discrete_laplace(&g, s, t);
		zero += x == 0;
		pos += x > 0;
		neg += x < 0;
		sq += (long)(x * x);
	}
	fprintf(stderr, "s/t=%llu/%llu: zeros %ld, +%ld -%ld, sum of squares %ld\n",
	        (unsigned long long)s, (unsigned long long)t, zero, pos, neg, sq);
	CHECK(zero >= p0_lo && zero <= p0_hi);
	CHECK(labs(pos - neg) < 6 * 250);
	CHECK(sq >= sq_lo && sq <= sq_hi);
}

int main(void)
{
	uint8_t seed[AUDIT_SEED_BYTES] = {1}, other[AUDIT_SEED_BYTES] = {2};
	audit_rng a, b, c;
	int same = 1, diff = 0;

	CHECK(sodium_init() >= 0);
	audit_rng_init(&a, seed, "kind_by_context");
	audit_rng_init(&b, seed, "kind_by_context");
	audit_rng_init(&c, other, "kind_by_context");
	for (int i = 0; i < 1000; i++) {
		int64_t x = audit_discrete_laplace(&a, 1, 7), y = audit_discrete_laplace(&b, 1, 7);
		same &= x == y;
		diff |= x != audit_discrete_laplace(&c, 1, 7);
	}
	CHECK(same);
	CHECK(diff);
	for (int i = 0; i < 10000; i++)
		CHECK(audit_rng_below(&a, 3) < 3);
	/* a = e^-1: P(0) = 0.4621, E[x^2] = 2a/(1-a)^2 = 1.8410. */
	law(1, 1, 45420, 47000, 178000, 190200);
	/* a = e^-1/2: P(0) = 0.2449, E[x^2] = 2a/(1-a)^2 = 7.8333. */
	law(1, 2, 23800, 25180, 755000, 811000);

	uint64_t n, d;
	CHECK(audit_epsilon_parse("0.5", &n, &d) == 0 && n == 5 && d == 10);
	CHECK(audit_epsilon_parse("2", &n, &d) == 0 && n == 2 && d == 1);
	CHECK(audit_epsilon_parse("0", &n, &d) < 0);
	CHECK(audit_epsilon_parse("1e3", &n, &d) < 0);
	CHECK(audit_epsilon_parse("101", &n, &d) < 0);
	CHECK(audit_epsilon_parse(".", &n, &d) < 0);
	CHECK_EQ(audit_round(2), 0);
	CHECK_EQ(audit_round(3), 5);
	CHECK_EQ(audit_round(12), 10);
	CHECK_EQ(audit_round(13), 15);
	return 0;
}
