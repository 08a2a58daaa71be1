/* SPDX-License-Identifier: MIT */
/*
 * libzx: the subset of Fuchsia's <zircon/compiler.h> that the other zircon
 * headers and typical channel code rely on.  Every macro is guarded so that
 * it never clashes with a definition the application (or libc) already made.
 */
#ifndef ZIRCON_COMPILER_H_
#define ZIRCON_COMPILER_H_

#if !defined(__GNUC__) && !defined(__clang__)
#error "libzx headers need GCC or Clang"
#endif

#ifdef __cplusplus
#ifndef __BEGIN_CDECLS
#define __BEGIN_CDECLS extern "C" {
#endif
#ifndef __END_CDECLS
#define __END_CDECLS }
#endif
#else
#ifndef __BEGIN_CDECLS
#define __BEGIN_CDECLS
#endif
#ifndef __END_CDECLS
#define __END_CDECLS
#endif
#endif

/* constexpr for static inlines usable from both C and C++ (C++14 rules). */
#ifndef __CONSTEXPR
#if defined(__cplusplus) && __cplusplus >= 201402L
#define __CONSTEXPR constexpr
#else
#define __CONSTEXPR
#endif
#endif

#ifndef __ISCONSTANT
#define __ISCONSTANT(x) __builtin_constant_p(x)
#endif
#ifndef __UNUSED
#define __UNUSED __attribute__((__unused__))
#endif
#ifndef __PACKED
#define __PACKED __attribute__((packed))
#endif
#ifndef __ALIGNED
#define __ALIGNED(x) __attribute__((aligned(x)))
#endif
#ifndef __NO_RETURN
#define __NO_RETURN __attribute__((__noreturn__))
#endif
#ifndef __WARN_UNUSED_RESULT
#define __WARN_UNUSED_RESULT __attribute__((__warn_unused_result__))
#endif
#ifndef __ALWAYS_INLINE
#define __ALWAYS_INLINE __attribute__((__always_inline__))
#endif
#ifndef __EXPORT
#define __EXPORT __attribute__((__visibility__("default")))
#endif
#ifndef __LOCAL
#define __LOCAL __attribute__((__visibility__("hidden")))
#endif
#ifndef __PRINTFLIKE
#define __PRINTFLIKE(__fmt, __varargs) \
	__attribute__((__format__(__printf__, __fmt, __varargs)))
#endif

/* Fuchsia code uses these unprefixed helpers; provide them unless taken. */
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef add_overflow
#define add_overflow(a, b, c) __builtin_add_overflow(a, b, c)
#endif
#ifndef sub_overflow
#define sub_overflow(a, b, c) __builtin_sub_overflow(a, b, c)
#endif
#ifndef mul_overflow
#define mul_overflow(a, b, c) __builtin_mul_overflow(a, b, c)
#endif
#ifndef countof
#define countof(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* ZIRCON_COMPILER_H_ */
