/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Two-sided geometric (discrete Laplace) noise with integer arithmetic
 * only: Canonne, Kamath, Steinke, "The Discrete Gaussian for Differential
 * Privacy" (2020), algorithms 1 and 2. No floating point anywhere, so the
 * sampler has none of the rounding holes of a floating-point Laplace.
 *
 * Randomness: a deterministic stream per table, from the year's sealed
 * seed (crypto_generichash(seed || table id) keys
 * randombytes_buf_deterministic, block by block), so the published figures
 * do not change when the report is run again: re-running cannot be used to
 * average the noise out. */
#include <string.h>

#include <sodium.h>

#include "audit.h"

void audit_rng_init(audit_rng *g, const uint8_t seed[AUDIT_SEED_BYTES], const char *stream)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof g->key);
	crypto_generichash_update(&st, seed, AUDIT_SEED_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)stream, strlen(stream));
	crypto_generichash_final(&st, g->key, sizeof g->key);
	g->block = 0;
	g->pos = sizeof g->buf;
}

static uint64_t next_u64(audit_rng *g)
{
	uint64_t v = 0;
	if (g->pos + 8 > sizeof g->buf) {
		uint8_t bseed[randombytes_SEEDBYTES], ctr[8];
		for (int i = 0; i < 8; i++)
			ctr[i] = (uint8_t)(g->block >> (8 * i));
		crypto_generichash(bseed, sizeof bseed, ctr, sizeof ctr, g->key, sizeof g->key);
		randombytes_buf_deterministic(g->buf, sizeof g->buf, bseed);
		sodium_memzero(bseed, sizeof bseed);
		g->block++;
		g->pos = 0;
	}
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)g->buf[g->pos + (size_t)i] << (8 * i);
	g->pos += 8;
	return v;
}

uint64_t audit_rng_below(audit_rng *g, uint64_t m)
{
	/* Reject the top partial range: uniform without modulo bias. */
	uint64_t limit, v;
	if (m <= 1)
		return 0;
	limit = UINT64_MAX - ((UINT64_MAX - m + 1) % m); /* 2^64 - (2^64 mod m) - 1 */
	do
		v = next_u64(g);
	while (v > limit);
	return v % m;
}

/* Bernoulli(num / den), 0 <= num <= den. */
static int bernoulli(audit_rng *g, uint64_t num, uint64_t den)
{
	return audit_rng_below(g, den) < num;
}

/* Bernoulli(exp(-num/den)) for 0 <= num <= den (algorithm 1, gamma <= 1):
 * K = first k with A_k = 0, A_k ~ Bernoulli(gamma / k); true iff K odd. */
static int bernoulli_exp_le1(audit_rng *g, uint64_t num, uint64_t den)
{
	uint64_t k = 1;
	while (k < UINT64_MAX / den && bernoulli(g, num, den * k))
		k++;
	return (k & 1u) == 1;
}

/* Bernoulli(exp(-num/den)) for any num >= 0. */
static int bernoulli_exp(audit_rng *g, uint64_t num, uint64_t den)
{
	while (num > den) {
		if (!bernoulli_exp_le1(g, 1, 1))
			return 0;
		num -= den;
	}
	return bernoulli_exp_le1(g, num, den);
}

int64_t audit_discrete_laplace(audit_rng *g, uint64_t s, uint64_t t)
{
	for (;;) {
		uint64_t u = audit_rng_below(g, t), v = 0;
		if (!bernoulli_exp(g, u, t))
			continue;
		while (bernoulli_exp_le1(g, 1, 1))
			v++;
		uint64_t y = (u + t * v) / s;
		int neg = bernoulli(g, 1, 2);
		if (neg && y == 0)
			continue;
		return neg ? -(int64_t)y : (int64_t)y;
	}
}

void audit_no_noise(audit_report *r)
{
	for (size_t k = 0; k < r->n_tables; k++) {
		audit_table *t = &r->tables[k];
		for (size_t i = 0; i < (t->nr + 1) * (t->nc + 1); i++)
			t->val[i] = t->truth[i];
	}
}

/* epsilon per cell = eps / (tables * sensitivity): alpha = exp(-s/t) with
 * s = eps_num, t = eps_den * tables * sensitivity. */
int audit_noise(audit_report *r, const uint8_t seed[AUDIT_SEED_BYTES])
{
	for (size_t k = 0; k < r->n_tables; k++) {
		audit_table *t = &r->tables[k];
		audit_rng g;
		uint64_t tt = r->eps_den * (uint64_t)r->n_tables * (uint64_t)t->sensitivity;
		audit_rng_init(&g, seed, t->id);
		for (size_t i = 0; i < t->nr; i++)
			for (size_t j = 0; j < t->nc; j++) {
				long v = t->truth[AUDIT_AT(t, i, j)] +
				         (long)audit_discrete_laplace(&g, r->eps_num, tt);
				t->val[AUDIT_AT(t, i, j)] = v < 0 ? 0 : v;
			}
		sodium_memzero(&g, sizeof g);
	}
	return 0;
}

int audit_epsilon_parse(const char *s, uint64_t *num, uint64_t *den)
{
	uint64_t n = 0, d = 1;
	int digits = 0, frac = -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || ++digits > 12 || (frac >= 0 && ++frac > 6))
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
		if (frac > 0)
			d *= 10;
	}
	if (digits == 0 || n == 0 || n > 100 * d)
		return -1;
	*num = n;
	*den = d;
	return 0;
}
