/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: the bounds on what one user can make the kernel hold (limits.c).
 * Bottom layer: calls nothing else in zx.
 */
#ifndef _ZX_LIMITS_H
#define _ZX_LIMITS_H

#include <linux/moduleparam.h>
#include <linux/types.h>

struct zx_quota;

/**
 * struct zx_uint_param - an unsigned int module parameter with a range,
 *			  set through zx_uint_range_ops
 * @val:	the value; read with READ_ONCE(), sysfs may change it
 * @min:	smallest value accepted
 * @max:	largest value accepted
 */
struct zx_uint_param {
	unsigned int val;
	unsigned int min;
	unsigned int max;
};

extern const struct kernel_param_ops zx_uint_range_ops;

unsigned int zx_max_pending_messages(void);
unsigned long zx_max_queue_bytes(void);
struct zx_quota *zx_quota_charge(size_t bytes, u32 handles);
void zx_quota_uncharge(struct zx_quota *q, size_t bytes, u32 handles);
long zx_inflight_handle_count(void);

#endif /* _ZX_LIMITS_H */
