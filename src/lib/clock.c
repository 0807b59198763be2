/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The one wall clock of abri's programs (include/abri/common.h). Built with
 * -Dtest_clock=true (src/scripts/test.sh does), ABRI_TEST_CLOCK_OFFSET
 * shifts it by that many seconds, read once, so that a test can run abrid,
 * its housekeeping and the CLI across simulated weeks and months
 * (tests/integration/forensic.sh). Other builds have no such knob. */
#include <stdlib.h>
#include <time.h>

#include "abri/common.h"

#ifdef ABRI_TEST_CLOCK
#include <errno.h>
#include <pthread.h>

static int64_t offset;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_offset(void)
{
	const char *s = getenv("ABRI_TEST_CLOCK_OFFSET");
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == 0 && *end == '\0')
		offset = (int64_t)v;
}

int64_t abri_clock_offset(void)
{
	(void)pthread_once(&once, read_offset);
	return offset;
}

const char *abri_test_getenv(const char *name)
{
	return getenv(name);
}
#else
int64_t abri_clock_offset(void)
{
	return 0;
}

const char *abri_test_getenv(const char *name)
{
	(void)name;
	return NULL;
}
#endif

int64_t abri_now(void)
{
	return (int64_t)time(NULL) + abri_clock_offset();
}

int abri_utc_date(char out[11], int64_t unix_seconds)
{
	time_t t = (time_t)unix_seconds;
	struct tm tm;

	return (gmtime_r(&t, &tm) != NULL && strftime(out, 11, "%Y-%m-%d", &tm) == 10) ? 0 : -1;
}
