/* SPDX-License-Identifier: MIT */
/*
 * libzx internals: helpers shared by the files in src/.  Not installed.
 *
 * Rules every call follows (see README.md):
 *  - a zx_handle_t is the fd; 0 and values > INT32_MAX are never handles;
 *  - every operation on a handle is one ioctl on that fd with the uapi
 *    argument block; caller pointers travel to the kernel as __u64 and are
 *    never dereferenced here (the only exceptions are forced by the ABI and
 *    marked where they happen);
 *  - errno -> zx_status_t through the uapi's tables, nowhere else;
 *  - no global or static mutable state.
 */
#ifndef LIBZX_ZX_PRIVATE_H
#define LIBZX_ZX_PRIVATE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include <linux/zx.h>

typedef struct zxu_ioc_channel_call zxi_call_ioc_args;

#define ZXI_HIDDEN __attribute__((__visibility__("hidden")))

/* A caller pointer, as the kernel wants it.  Never dereferenced here. */
static inline __u64 zxi_ptr(const volatile void *p)
{
	return (__u64)(uintptr_t)p;
}

/*
 * Values that can never be handles: 0 (ZX_HANDLE_INVALID) and > INT32_MAX.
 * Decided here rather than left to the kernel's EBADF: fd 0 is whatever
 * file the process has there (even a zx handle moved there with dup2()),
 * which ZX_HANDLE_INVALID must never reach, and zx_channel_write() must
 * know that the kernel never saw the call (see channel.c).
 */
static inline bool zxi_handle_ok(zx_handle_t h)
{
	return h != ZX_HANDLE_INVALID && h <= (zx_handle_t)INT32_MAX;
}

/* errno -> zx_status_t, from the uapi's tables (status.c). */
ZXI_HIDDEN zx_status_t zxi_status_from_errno(int err);

/*
 * ioctl(fd, cmd, arg): 0 on success, else the positive errno.  With
 * retry_eintr, EINTR restarts the ioctl (only for calls whose arguments make
 * a restart exact: absolute deadlines, nothing consumed yet).
 */
static inline int zxi_ioctl_errno(int fd, unsigned long cmd, unsigned long arg,
				  bool retry_eintr)
{
	for (;;) {
		if (ioctl(fd, cmd, arg) >= 0)
			return 0;
		if (errno == EINTR && retry_eintr)
			continue;
		return errno;
	}
}

static inline zx_status_t zxi_ioctl(int fd, unsigned long cmd, void *arg,
				    bool retry_eintr)
{
	int err = zxi_ioctl_errno(fd, cmd, (unsigned long)(uintptr_t)arg,
				  retry_eintr);
	return err ? zxi_status_from_errno(err) : ZX_OK;
}

/*
 * One ioctl on /dev/zx, opened (O_RDWR|O_CLOEXEC) for this call only and
 * closed again: libzx keeps no fd between calls.  A missing module gives
 * ZX_ERR_NOT_SUPPORTED (ctl.c says why).
 */
ZXI_HIDDEN zx_status_t zxi_ctl_ioctl(unsigned long cmd, void *arg,
				     bool retry_eintr);

/*
 * The three creation calls (ctl.c).  The kernel stores the new handles
 * through out0 / out1 itself (out1 is NULL for one-handle objects), so a
 * bad pointer is its ZX_ERR_INVALID_ARGS with nothing created.
 */
ZXI_HIDDEN zx_status_t zxi_create(unsigned long cmd, uint32_t options,
				  zx_handle_t *out0, zx_handle_t *out1);

/*
 * The write and read halves of the channel ioctls, shared by
 * zx_channel_{write,read}* and the zxl_ calls whose blocks embed them.
 */
static inline struct zxu_ioc_channel_write
zxi_write_block(zx_handle_t handle, uint32_t options, const void *bytes,
		uint32_t num_bytes, const void *handles, uint32_t num_handles)
{
	return (struct zxu_ioc_channel_write){
		.bytes = zxi_ptr(bytes),
		.handles = zxi_ptr(handles),
		.num_bytes = num_bytes,
		.num_handles = num_handles,
		.options = options,
		.handle = handle,
	};
}

static inline struct zxu_ioc_channel_read
zxi_read_block(uint32_t options, void *bytes, void *handles,
	       uint32_t num_bytes, uint32_t num_handles,
	       uint32_t *actual_bytes, uint32_t *actual_handles)
{
	return (struct zxu_ioc_channel_read){
		.bytes = zxi_ptr(bytes),
		.handles = zxi_ptr(handles),
		.actual_bytes = zxi_ptr(actual_bytes),
		.actual_handles = zxi_ptr(actual_handles),
		.num_bytes = num_bytes,
		.num_handles = num_handles,
		.options = options,
		.reserved = 0,
	};
}

#endif /* LIBZX_ZX_PRIVATE_H */
