/* SPDX-License-Identifier: MIT */
/* Monotonic clock, deadlines and sleeping (no kernel module involved). */
#include <time.h>

#include "zx_private.h"

zx_time_t zx_clock_get_monotonic(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid clock id and pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

zx_time_t zx_deadline_after(zx_duration_t nanoseconds)
{
	/* Saturating: ZX_TIME_INFINITE (and any overflow) stays infinite. */
	return zx_time_add_duration(zx_clock_get_monotonic(), nanoseconds);
}

zx_status_t zx_nanosleep(zx_time_t deadline)
{
	/* Largest tv_sec this time_t can hold. */
	const zx_time_t max_sec = sizeof(time_t) >= sizeof(int64_t)
					  ? INT64_MAX / 1000000000
					  : (zx_time_t)INT32_MAX;
	struct timespec ts;
	bool clamped;
	int r;

	/* The monotonic clock is never negative: already expired. */
	if (deadline <= 0)
		return ZX_OK;
	clamped = deadline / 1000000000 > max_sec;
	ts.tv_sec = (time_t)(clamped ? max_sec : deadline / 1000000000);
	ts.tv_nsec = clamped ? 0 : (long)(deadline % 1000000000);
	for (;;) {
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (r == EINTR)
			continue;	/* absolute deadline: retry is exact */
		if (r != 0)
			return ZX_OK;	/* cannot happen; never spin */
		if (clamped)
			continue;	/* past what time_t can express */
		return ZX_OK;
	}
}
