/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: blocking (wait.c): zx_object_wait_one and _many, and the loop step
 * every blocking operation shares.  Above handles; used by the channel
 * and call code.
 */
#ifndef _ZX_WAIT_H
#define _ZX_WAIT_H

#include <linux/types.h>
#include <linux/zx.h>

struct file;
struct zx_handle_watch;

int zx_wait_step(struct zx_handle_watch *watch, s64 deadline, bool *timed_out);
int zx_wait_one(struct file *file, unsigned int fd, u32 signals, s64 deadline,
		u32 *observed);
int zx_wait_many(struct zxu_wait_item *items, u32 num_items, s64 deadline);

#endif /* _ZX_WAIT_H */
