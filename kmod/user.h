/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: storing results through user pointers that the Zircon API lets the
 * caller omit (an address of 0 means "not wanted").
 */
#ifndef _ZX_USER_H
#define _ZX_USER_H

#include <linux/kernel.h>
#include <linux/uaccess.h>

static inline int zx_put_u32(u64 uptr, u32 value)
{
	if (!uptr)
		return 0;
	return put_user(value, (u32 __user *)u64_to_user_ptr(uptr)) ?
		-EFAULT : 0;
}

static inline int zx_put_u64(u64 uptr, u64 value)
{
	if (!uptr)
		return 0;
	return put_user(value, (u64 __user *)u64_to_user_ptr(uptr)) ?
		-EFAULT : 0;
}

#endif /* _ZX_USER_H */
