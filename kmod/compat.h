/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: the two caller-side structures whose layout differs for 32-bit
 * processes (compat.c).  Used only by the ioctl layer.
 */
#ifndef _ZX_COMPAT_H
#define _ZX_COMPAT_H

#include <linux/errno.h>
#include <linux/types.h>
#include <linux/zx.h>

#ifdef CONFIG_COMPAT
int zx_compat_get_iovecs(struct zxu_channel_iovec *iov, u64 uiov, u32 count);
int zx_compat_get_call_args(struct zxu_channel_call_args *ca, u64 uargs);
#else
static inline int zx_compat_get_iovecs(struct zxu_channel_iovec *iov,
				       u64 uiov, u32 count)
{
	return -EFAULT;
}

static inline int zx_compat_get_call_args(struct zxu_channel_call_args *ca,
					  u64 uargs)
{
	return -EFAULT;
}
#endif

#endif /* _ZX_COMPAT_H */
