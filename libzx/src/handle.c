/* SPDX-License-Identifier: MIT */
/* zx_handle_*: close, close_many, duplicate, replace. */
#include "zx_private.h"

zx_status_t zx_handle_close(zx_handle_t handle)
{
	if (handle == ZX_HANDLE_INVALID)
		return ZX_OK;
	if (!zxi_handle_ok(handle))
		return ZX_ERR_BAD_HANDLE;
	/*
	 * The argument is the fd number itself: the module removes fd `handle`
	 * from the caller's table if it is a zx handle.  Any other fd gets
	 * ENOTTY (-> ZX_ERR_BAD_HANDLE) and stays open.
	 */
	return zxi_ioctl((int)handle, ZX_IOC_HANDLE_CLOSE,
			 (void *)(uintptr_t)handle, false);
}

zx_status_t zx_handle_close_many(const zx_handle_t *handles, size_t num_handles)
{
	struct zxu_ioc_close_many args = {
		.handles = zxi_ptr(handles),
		.num_handles = (__u64)num_handles,
	};

	return zxi_ctl_ioctl(ZX_IOC_HANDLE_CLOSE_MANY, &args, false);
}

static zx_status_t zxi_dup(zx_handle_t handle, unsigned long cmd,
			   zx_rights_t rights, zx_handle_t *out)
{
	struct zxu_ioc_handle_dup args = {
		.handle = handle,
		.rights = rights,
		.out = zxi_ptr(out),
	};

	if (!zxi_handle_ok(handle))
		return ZX_ERR_BAD_HANDLE;
	return zxi_ioctl((int)handle, cmd, &args, false);
}

zx_status_t zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights,
				zx_handle_t *out)
{
	return zxi_dup(handle, ZX_IOC_HANDLE_DUPLICATE, rights, out);
}

zx_status_t zx_handle_replace(zx_handle_t handle, zx_rights_t rights,
			      zx_handle_t *out)
{
	return zxi_dup(handle, ZX_IOC_HANDLE_REPLACE, rights, out);
}
