// SPDX-License-Identifier: GPL-2.0
/*
 * zx: 32-bit processes.  Every ioctl block has the same layout for 32- and
 * 64-bit callers (addresses travel as __u64, sizes are explicit, fields
 * are naturally aligned), so compat_ioctl passes them through.  Two
 * structures are Fuchsia's own and are read by the kernel where the
 * caller keeps them, with pointers of the caller's size:
 *
 *   zx_channel_iovec_t       { void *buffer; u32 capacity; u32 reserved; }
 *   zx_channel_call_args_t   { four pointers; four u32 counts }
 *
 * (zx_channel_call_etc_args_t has the second layout.)  This file reads
 * their ILP32 forms and widens them into the LP64 ones the rest of the
 * module uses.  The third difference, the size_t counts zx_object_get_info
 * stores, ioctl.c handles where it stores them.  x32 processes are refused
 * by the ioctl layer: their layouts would be the same, but nothing tests
 * them.
 */

#include <linux/compat.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include "compat.h"

/* zx_channel_iovec_t of a 32-bit process */
struct zx_compat_iovec {
	compat_uptr_t buffer;
	u32 capacity;
	u32 reserved;
};

/* zx_channel_call_args_t and zx_channel_call_etc_args_t of a 32-bit process */
struct zx_compat_call_args {
	compat_uptr_t wr_bytes;
	compat_uptr_t wr_handles;
	compat_uptr_t rd_bytes;
	compat_uptr_t rd_handles;
	u32 wr_num_bytes;
	u32 wr_num_handles;
	u32 rd_num_bytes;
	u32 rd_num_handles;
};

/* A 32-bit address as the __u64 the LP64 structures carry. */
static u64 zx_compat_uptr(compat_uptr_t uptr)
{
	return (u64)(unsigned long)compat_ptr(uptr);
}

/**
 * zx_compat_get_iovecs() - read a 32-bit process's zx_channel_iovec_t array
 * @iov:	receives @count entries in the LP64 layout
 * @uiov:	user address of the array
 * @count:	entries, at most ZX_CHANNEL_MAX_MSG_IOVECS
 *
 * Return: 0 or -EFAULT.
 */
int zx_compat_get_iovecs(struct zxu_channel_iovec *iov, u64 uiov, u32 count)
{
	struct zx_compat_iovec chunk[16];
	u32 done, n, i;

	for (done = 0; done < count; done += n) {
		n = min_t(u32, count - done, ARRAY_SIZE(chunk));
		if (copy_from_user(chunk, u64_to_user_ptr(uiov) +
				   done * sizeof(chunk[0]),
				   n * sizeof(chunk[0])))
			return -EFAULT;
		for (i = 0; i < n; i++) {
			iov[done + i] = (struct zxu_channel_iovec) {
				.buffer = zx_compat_uptr(chunk[i].buffer),
				.capacity = chunk[i].capacity,
				.reserved = chunk[i].reserved,
			};
		}
	}
	return 0;
}

/**
 * zx_compat_get_call_args() - read a 32-bit process's zx_channel_call_args_t
 * @ca:		receives the arguments in the LP64 layout
 * @uargs:	user address of the structure
 *
 * Return: 0 or -EFAULT.
 */
int zx_compat_get_call_args(struct zxu_channel_call_args *ca, u64 uargs)
{
	struct zx_compat_call_args c;

	if (copy_from_user(&c, u64_to_user_ptr(uargs), sizeof(c)))
		return -EFAULT;
	*ca = (struct zxu_channel_call_args) {
		.wr_bytes = zx_compat_uptr(c.wr_bytes),
		.wr_handles = zx_compat_uptr(c.wr_handles),
		.rd_bytes = zx_compat_uptr(c.rd_bytes),
		.rd_handles = zx_compat_uptr(c.rd_handles),
		.wr_num_bytes = c.wr_num_bytes,
		.wr_num_handles = c.wr_num_handles,
		.rd_num_bytes = c.rd_num_bytes,
		.rd_num_handles = c.rd_num_handles,
	};
	return 0;
}
