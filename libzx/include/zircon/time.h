/* SPDX-License-Identifier: MIT */
/*
 * libzx: zx_time_t / zx_duration_t and Fuchsia's overflow-safe time helpers
 * (<zircon/time.h>).  Arithmetic saturates to ZX_TIME_INFINITE on overflow
 * and to ZX_TIME_INFINITE_PAST on underflow.  Times are CLOCK_MONOTONIC
 * nanoseconds on Linux.
 */
#ifndef ZIRCON_TIME_H_
#define ZIRCON_TIME_H_

#include <stdint.h>
#include <time.h>
#include <zircon/compiler.h>

__BEGIN_CDECLS

/* absolute time in nanoseconds (generally with respect to the monotonic clock) */
typedef int64_t zx_time_t;
/* a duration in nanoseconds */
typedef int64_t zx_duration_t;
/* a duration in hardware ticks */
typedef int64_t zx_ticks_t;

#define ZX_TIME_INFINITE INT64_MAX
#define ZX_TIME_INFINITE_PAST INT64_MIN

__CONSTEXPR static inline zx_time_t zx_time_add_duration(zx_time_t time,
							  zx_duration_t duration)
{
	zx_time_t x = 0;
	if (__builtin_add_overflow(time, duration, &x))
		return x >= 0 ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
	return x;
}

__CONSTEXPR static inline zx_time_t zx_time_sub_duration(zx_time_t time,
							  zx_duration_t duration)
{
	zx_time_t x = 0;
	if (__builtin_sub_overflow(time, duration, &x))
		return x >= 0 ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
	return x;
}

__CONSTEXPR static inline zx_duration_t zx_time_sub_time(zx_time_t time1,
							  zx_time_t time2)
{
	zx_duration_t x = 0;
	if (__builtin_sub_overflow(time1, time2, &x))
		return x >= 0 ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
	return x;
}

__CONSTEXPR static inline zx_duration_t zx_duration_add_duration(zx_duration_t dur1,
								  zx_duration_t dur2)
{
	zx_duration_t x = 0;
	if (__builtin_add_overflow(dur1, dur2, &x))
		return x >= 0 ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
	return x;
}

__CONSTEXPR static inline zx_duration_t zx_duration_sub_duration(zx_duration_t dur1,
								  zx_duration_t dur2)
{
	zx_duration_t x = 0;
	if (__builtin_sub_overflow(dur1, dur2, &x))
		return x >= 0 ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
	return x;
}

__CONSTEXPR static inline zx_duration_t zx_duration_mul_int64(zx_duration_t duration,
							       int64_t multiplier)
{
	zx_duration_t x = 0;
	if (__builtin_mul_overflow(duration, multiplier, &x)) {
		if ((duration > 0 && multiplier > 0) ||
		    (duration < 0 && multiplier < 0))
			return ZX_TIME_INFINITE;
		return ZX_TIME_INFINITE_PAST;
	}
	return x;
}

__CONSTEXPR static inline int64_t zx_nsec_from_duration(zx_duration_t n)
{
	return n;
}

__CONSTEXPR static inline zx_duration_t zx_duration_from_nsec(int64_t n)
{
	return zx_duration_mul_int64(1, n);
}

__CONSTEXPR static inline zx_duration_t zx_duration_from_usec(int64_t n)
{
	return zx_duration_mul_int64(1000, n);
}

__CONSTEXPR static inline zx_duration_t zx_duration_from_msec(int64_t n)
{
	return zx_duration_mul_int64(1000000, n);
}

__CONSTEXPR static inline zx_duration_t zx_duration_from_sec(int64_t n)
{
	return zx_duration_mul_int64(1000000000, n);
}

__CONSTEXPR static inline zx_duration_t zx_duration_from_min(int64_t n)
{
	return zx_duration_mul_int64(INT64_C(60000000000), n);
}

__CONSTEXPR static inline zx_duration_t zx_duration_from_hour(int64_t n)
{
	return zx_duration_mul_int64(INT64_C(3600000000000), n);
}

/* struct timespec: C11, C++ or POSIX (strict C99 has none). */
#if defined(__cplusplus) || defined(_POSIX_C_SOURCE) || \
	(defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)
#define ZX_TIME_H_HAS_TIMESPEC 1
__CONSTEXPR static inline zx_duration_t zx_duration_from_timespec(struct timespec ts)
{
	return zx_duration_add_duration(zx_duration_from_sec(ts.tv_sec),
					zx_duration_from_nsec(ts.tv_nsec));
}

__CONSTEXPR static inline struct timespec zx_timespec_from_duration(zx_duration_t duration)
{
	const struct timespec ts = {
		(time_t)(duration / 1000000000),
		(long int)(duration % 1000000000),
	};
	return ts;
}

#endif /* ZX_TIME_H_HAS_TIMESPEC */

/* Overflow-safe unit conversions; constant arguments fold at compile time. */
#define ZX_NSEC(n) \
	(__ISCONSTANT(n) ? ((zx_duration_t)(1LL * (n))) : (zx_duration_from_nsec(n)))
#define ZX_USEC(n) \
	(__ISCONSTANT(n) ? ((zx_duration_t)(1000LL * (n))) : (zx_duration_from_usec(n)))
#define ZX_MSEC(n) \
	(__ISCONSTANT(n) ? ((zx_duration_t)(1000000LL * (n))) : (zx_duration_from_msec(n)))
#define ZX_SEC(n) \
	(__ISCONSTANT(n) ? ((zx_duration_t)(1000000000LL * (n))) : (zx_duration_from_sec(n)))
#define ZX_MIN(n)                                                      \
	(__ISCONSTANT(n) ? ((zx_duration_t)(60LL * 1000000000LL * (n))) \
			 : (zx_duration_from_min(n)))
#define ZX_HOUR(n)                                                       \
	(__ISCONSTANT(n) ? ((zx_duration_t)(3600LL * 1000000000LL * (n))) \
			 : (zx_duration_from_hour(n)))

__END_CDECLS

#endif /* ZIRCON_TIME_H_ */
