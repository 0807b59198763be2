/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Case token: generation, Damm check digit, normalisation.
 *
 * Damm uses the standard totally anti-symmetric quasigroup of order 10
 * (Damm 2004): interim = table[interim][digit], starting at 0; the check
 * digit is the final interim; a token is valid when processing all 24
 * digits ends at 0. It detects every single-digit error and every adjacent
 * transposition.
 *
 * Normalisation scans the UTF-8 input once; the first problem in input
 * order decides the status (BAD_UTF8 or BAD_CHAR); then the digit count
 * (BAD_LENGTH), then the check digit (BAD_CHECK). */
#include <string.h>

#include <sodium.h>

#include "abri/token.h"
#include "internal.h"
#include "unicode_tables.h"

static const uint8_t damm_table[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3}, {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6}, {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7}, {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

int abri_damm_digit(const char *digits, size_t n)
{
	unsigned interim = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return -1;
		interim = damm_table[interim][digits[i] - '0'];
	}
	return (int)interim;
}

int abri_damm_valid(const char *digits, size_t n)
{
	return n > 0 && abri_damm_digit(digits, n) == 0;
}

void abri_token_generate(char out[ABRI_TOKEN_DIGITS + 1])
{
	uint8_t r[32];
	size_t i = 0, k = sizeof r;

	/* Rejection sampling: bytes >= 250 would bias the digits 0..5. */
	while (i < ABRI_TOKEN_DIGITS - 1) {
		if (k == sizeof r) {
			randombytes_buf(r, sizeof r);
			k = 0;
		}
		if (r[k] < 250)
			out[i++] = (char)('0' + r[k] % 10);
		k++;
	}
	sodium_memzero(r, sizeof r);
	out[ABRI_TOKEN_DIGITS - 1] = (char)('0' + abri_damm_digit(out, ABRI_TOKEN_DIGITS - 1));
	out[ABRI_TOKEN_DIGITS] = '\0';
}

/* Decimal value 0..9 of a Unicode Nd code point, or -1. */
static int uc_digit(uint32_t c)
{
	size_t lo = 0, hi = sizeof abri_uc_digits / sizeof abri_uc_digits[0];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c < abri_uc_digits[mid].lo)
			hi = mid;
		else if (c > abri_uc_digits[mid].hi)
			lo = mid + 1;
		else
			return abri_uc_digits[mid].d0 + (int)(c - abri_uc_digits[mid].lo);
	}
	return -1;
}

static int uc_ignorable(uint32_t c)
{
	size_t lo = 0, hi = sizeof abri_uc_ignore / sizeof abri_uc_ignore[0];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c < abri_uc_ignore[mid].lo)
			hi = mid;
		else if (c > abri_uc_ignore[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

abri_token_status abri_token_normalise(const char *in, size_t len, char out[ABRI_TOKEN_DIGITS + 1])
{
	const uint8_t *s = (const uint8_t *)in;
	abri_token_status st = ABRI_TOKEN_VALID;
	size_t pos = 0, n = 0;

	if (!in && len)
		st = ABRI_TOKEN_BAD_UTF8;
	while (st == ABRI_TOKEN_VALID && pos < len) {
		int32_t c = abri_utf8_next(s, len, &pos);
		int d = c < 0 ? -1 : uc_digit((uint32_t)c);
		if (c < 0)
			st = ABRI_TOKEN_BAD_UTF8;
		else if (d >= 0 && n < ABRI_TOKEN_DIGITS)
			out[n++] = (char)('0' + d);
		else if (d >= 0)
			n++; /* too long: keep scanning for bad characters */
		else if (!uc_ignorable((uint32_t)c))
			st = ABRI_TOKEN_BAD_CHAR;
	}
	if (st == ABRI_TOKEN_VALID && n != ABRI_TOKEN_DIGITS)
		st = ABRI_TOKEN_BAD_LENGTH;
	if (st == ABRI_TOKEN_VALID && !abri_damm_valid(out, ABRI_TOKEN_DIGITS))
		st = ABRI_TOKEN_BAD_CHECK;
	if (st != ABRI_TOKEN_VALID)
		sodium_memzero(out, ABRI_TOKEN_DIGITS + 1); /* no partial token left behind */
	else
		out[ABRI_TOKEN_DIGITS] = '\0';
	return st;
}
