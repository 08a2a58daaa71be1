/* SPDX-License-Identifier: MIT */
/* zx_channel_*: create on /dev/zx, everything else on the endpoint's fd. */
#include "zx_private.h"

zx_status_t zx_channel_create(uint32_t options, zx_handle_t *out0,
			      zx_handle_t *out1)
{
	return zxi_create(ZX_IOC_CHANNEL_CREATE, options, out0, out1);
}

/*
 * Zircon consumes the handles of a write on every path, including a bad
 * channel handle (spec 2.4).  When the module never saw the write -- the
 * handle value cannot be an fd, or the fd is not a zx object (ENOTTY) --
 * libzx does it by asking the kernel to close the caller's array through
 * ZX_IOC_HANDLE_CLOSE_MANY (the kernel reads the array, libzx does not).
 * Not done for EBADF: the module may also return EBADF after it consumed
 * the handles, and closing them twice could hit reused fd numbers.
 * write_etc and call cannot be fixed this way (their arrays hold
 * dispositions / live in the args struct), see README.md.
 */
static void zxi_consume_handles(const zx_handle_t *handles, uint32_t num)
{
	if (num)
		(void)zx_handle_close_many(handles, num);
}

static zx_status_t zxi_write(zx_handle_t handle, unsigned long cmd,
			     uint32_t options, const void *bytes,
			     uint32_t num_bytes, const void *handles,
			     uint32_t num_handles)
{
	struct zxu_ioc_channel_write args = zxi_write_block(
		handle, options, bytes, num_bytes, handles, num_handles);
	int err;

	if (zxi_handle_ok(handle)) {
		err = zxi_ioctl_errno((int)handle, cmd,
				      (unsigned long)(uintptr_t)&args, false);
		if (err != ENOTTY)
			return err ? zxi_status_from_errno(err) : ZX_OK;
	}
	/*
	 * Not a zx handle, so the module never saw the write.  Zircon checks
	 * the options before it looks the handle up, and consumes the
	 * handles either way.
	 */
	if (cmd == ZX_IOC_CHANNEL_WRITE)
		zxi_consume_handles(handles, num_handles);
	if (options & ~ZX_CHANNEL_WRITE_USE_IOVEC)
		return ZX_ERR_INVALID_ARGS;
	return ZX_ERR_BAD_HANDLE;
}

zx_status_t zx_channel_write(zx_handle_t handle, uint32_t options,
			     const void *bytes, uint32_t num_bytes,
			     const zx_handle_t *handles, uint32_t num_handles)
{
	return zxi_write(handle, ZX_IOC_CHANNEL_WRITE, options, bytes,
			 num_bytes, handles, num_handles);
}

zx_status_t zx_channel_write_etc(zx_handle_t handle, uint32_t options,
				 const void *bytes, uint32_t num_bytes,
				 zx_handle_disposition_t *handles,
				 uint32_t num_handles)
{
	return zxi_write(handle, ZX_IOC_CHANNEL_WRITE_ETC, options, bytes,
			 num_bytes, handles, num_handles);
}

static zx_status_t zxi_read(zx_handle_t handle, unsigned long cmd,
			    uint32_t options, void *bytes, void *handles,
			    uint32_t num_bytes, uint32_t num_handles,
			    uint32_t *actual_bytes, uint32_t *actual_handles)
{
	struct zxu_ioc_channel_read args = zxi_read_block(
		options, bytes, handles, num_bytes, num_handles, actual_bytes,
		actual_handles);

	if (!zxi_handle_ok(handle))
		return ZX_ERR_BAD_HANDLE;
	return zxi_ioctl((int)handle, cmd, &args, false);
}

zx_status_t zx_channel_read(zx_handle_t handle, uint32_t options, void *bytes,
			    zx_handle_t *handles, uint32_t num_bytes,
			    uint32_t num_handles, uint32_t *actual_bytes,
			    uint32_t *actual_handles)
{
	return zxi_read(handle, ZX_IOC_CHANNEL_READ, options, bytes, handles,
			num_bytes, num_handles, actual_bytes, actual_handles);
}

zx_status_t zx_channel_read_etc(zx_handle_t handle, uint32_t options,
				void *bytes, zx_handle_info_t *handles,
				uint32_t num_bytes, uint32_t num_handles,
				uint32_t *actual_bytes, uint32_t *actual_handles)
{
	return zxi_read(handle, ZX_IOC_CHANNEL_READ_ETC, options, bytes,
			handles, num_bytes, num_handles, actual_bytes,
			actual_handles);
}

/*
 * The caller's zx_channel_call{,_etc}_args_t goes to the kernel by address,
 * as it is: on LP64 it has the zxu_channel_call_args layout, and for a
 * 32-bit process the kernel's compat_ioctl reads the ILP32 layout (abi.c
 * pins both).  `handle` tells the kernel which fd the call runs on, so
 * that closing it from another thread cancels the call.
 */
static zx_status_t zxi_call(zx_handle_t handle, unsigned long cmd,
			    uint32_t options, zx_time_t deadline,
			    const void *call_args, uint32_t *actual_bytes,
			    uint32_t *actual_handles)
{
	zxi_call_ioc_args args = {
		.args = zxi_ptr(call_args),
		.deadline = deadline,
		.actual_bytes = zxi_ptr(actual_bytes),
		.actual_handles = zxi_ptr(actual_handles),
		.options = options,
		.handle = handle,
	};
	int err;

	if (!zxi_handle_ok(handle))
		return ZX_ERR_BAD_HANDLE;
	err = zxi_ioctl_errno((int)handle, cmd, (unsigned long)(uintptr_t)&args,
			      false);
	/*
	 * EINTR: the kernel returns it only after the request was sent, and
	 * keeps this thread's call parked on the endpoint.  Re-issuing CALL
	 * would send a second request (its handles already gone), so resume
	 * with CALL_FINISH and the same arguments: it continues the original
	 * call with the original (absolute) deadline and returns EINTR again
	 * if interrupted again.  This is Zircon's vDSO loop over
	 * call_noretry / call_finish.
	 */
	while (err == EINTR)
		err = zxi_ioctl_errno((int)handle, ZX_IOC_CHANNEL_CALL_FINISH,
				      (unsigned long)(uintptr_t)&args, false);
	return err ? zxi_status_from_errno(err) : ZX_OK;
}

zx_status_t zx_channel_call(zx_handle_t handle, uint32_t options,
			    zx_time_t deadline,
			    const zx_channel_call_args_t *args,
			    uint32_t *actual_bytes, uint32_t *actual_handles)
{
	return zxi_call(handle, ZX_IOC_CHANNEL_CALL, options, deadline, args,
			actual_bytes, actual_handles);
}

zx_status_t zx_channel_call_etc(zx_handle_t handle, uint32_t options,
				zx_time_t deadline,
				zx_channel_call_etc_args_t *args,
				uint32_t *actual_bytes,
				uint32_t *actual_handles)
{
	return zxi_call(handle, ZX_IOC_CHANNEL_CALL_ETC, options, deadline,
			args, actual_bytes, actual_handles);
}
