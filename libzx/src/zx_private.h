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

/* Values that can never be handles: 0 (ZX_HANDLE_INVALID) and > INT32_MAX. */
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
 * Open /dev/zx (O_RDWR|O_CLOEXEC) for one call; the caller closes it with
 * zxi_close_ctl().  A missing node or module gives ZX_ERR_NOT_SUPPORTED.
 */
ZXI_HIDDEN zx_status_t zxi_open_ctl(int *fd);
ZXI_HIDDEN void zxi_close_ctl(int fd);

/*
 * The three creation calls: open /dev/zx, ioctl(cmd) with a zx_create_args
 * block, close.  The uapi returns the new handles in the argument block (not
 * through user pointers), so libzx itself stores them to *out0 / *out1 (out1
 * may be NULL for one-handle objects): the one place where the ABI forces
 * libzx to write through caller pointers.  The public calls reject NULL
 * before anything is created; a wild non-NULL pointer crashes instead of
 * yielding ZX_ERR_INVALID_ARGS.
 */
ZXI_HIDDEN zx_status_t zxi_create(unsigned long cmd, uint32_t options,
				  zx_handle_t *out0, zx_handle_t *out1);

/* Sleep until the absolute CLOCK_MONOTONIC deadline (ns); EINTR-proof. */
ZXI_HIDDEN void zxi_sleep_until(zx_time_t deadline);

#endif /* LIBZX_ZX_PRIVATE_H */
