/* SPDX-License-Identifier: MIT */
/* <zircon/linux.h>: zxl_ extensions, over ZX_IOC_CHANNEL_REPLY_READ. */
#include <zircon/linux.h>

#include "zx_private.h"

static zx_status_t zxi_reply_read(zx_handle_t handle, uint32_t flags,
				  const void *wr_bytes, uint32_t wr_num_bytes,
				  const zx_handle_t *wr_handles,
				  uint32_t wr_num_handles, uint32_t rd_options,
				  void *rd_bytes, zx_handle_t *rd_handles,
				  uint32_t rd_num_bytes, uint32_t rd_num_handles,
				  uint32_t *actual_bytes,
				  uint32_t *actual_handles, zx_time_t deadline)
{
	struct zxu_ioc_reply_read args = {
		.wr = zxi_write_block(handle, 0, wr_bytes, wr_num_bytes,
				      wr_handles, wr_num_handles),
		.rd = zxi_read_block(rd_options, rd_bytes, rd_handles,
				     rd_num_bytes, rd_num_handles, actual_bytes,
				     actual_handles),
		.deadline = deadline,
		.handle = handle,
		.flags = flags,
	};
	int err;

	if (!zxi_handle_ok(handle))
		return ZX_ERR_BAD_HANDLE;
	err = zxi_ioctl_errno((int)handle, ZX_IOC_CHANNEL_REPLY_READ,
			      (unsigned long)(uintptr_t)&args, false);
	/*
	 * EINTR comes only from the wait, after the reply went out: wait
	 * again without writing it a second time.  The deadline is absolute.
	 */
	args.flags |= ZX_REPLY_READ_NO_WRITE;
	while (err == EINTR)
		err = zxi_ioctl_errno((int)handle, ZX_IOC_CHANNEL_REPLY_READ,
				      (unsigned long)(uintptr_t)&args, false);
	return err ? zxi_status_from_errno(err) : ZX_OK;
}

zx_status_t zxl_channel_reply_read(zx_handle_t handle,
				   const void *wr_bytes, uint32_t wr_num_bytes,
				   const zx_handle_t *wr_handles,
				   uint32_t wr_num_handles,
				   void *rd_bytes, zx_handle_t *rd_handles,
				   uint32_t rd_num_bytes, uint32_t rd_num_handles,
				   uint32_t *actual_bytes,
				   uint32_t *actual_handles,
				   zx_time_t deadline)
{
	return zxi_reply_read(handle, 0, wr_bytes, wr_num_bytes, wr_handles,
			      wr_num_handles, 0, rd_bytes, rd_handles,
			      rd_num_bytes, rd_num_handles, actual_bytes,
			      actual_handles, deadline);
}

zx_status_t zxl_channel_read_wait(zx_handle_t handle, uint32_t options,
				  void *bytes, zx_handle_t *handles,
				  uint32_t num_bytes, uint32_t num_handles,
				  uint32_t *actual_bytes,
				  uint32_t *actual_handles,
				  zx_time_t deadline)
{
	return zxi_reply_read(handle, ZX_REPLY_READ_NO_WRITE, NULL, 0, NULL, 0,
			      options, bytes, handles, num_bytes, num_handles,
			      actual_bytes, actual_handles, deadline);
}
