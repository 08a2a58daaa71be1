/* SPDX-License-Identifier: MIT */
/* zx_object_*, zx_event_create, zx_eventpair_create. */
#include "zx_private.h"

zx_status_t zx_object_wait_one(zx_handle_t handle, zx_signals_t signals,
			       zx_time_t deadline, zx_signals_t *observed)
{
	struct zxu_ioc_wait_one args = {
		.deadline = deadline,
		.observed = zxi_ptr(observed),
		.handle = handle,
		.signals = signals,
	};

	if (!zxi_handle_ok(handle))
		return ZX_ERR_BAD_HANDLE;
	/* The deadline is absolute, so restarting after EINTR is exact. */
	return zxi_ioctl((int)handle, ZX_IOC_OBJECT_WAIT_ONE, &args, true);
}

zx_status_t zx_object_wait_many(zx_wait_item_t *items, size_t num_items,
				zx_time_t deadline)
{
	struct zxu_ioc_wait_many args = {
		.items = zxi_ptr(items),
		.num_items = (__u64)num_items,
		.deadline = deadline,
	};

	/*
	 * The kernel sleeps on 0 items and refuses more than the maximum
	 * before it reads any; the deadline is absolute, so restarting
	 * after EINTR is exact.
	 */
	return zxi_ctl_ioctl(ZX_IOC_OBJECT_WAIT_MANY, &args, true);
}

static zx_status_t zxi_signal(zx_handle_t handle, unsigned long cmd,
			      uint32_t clear_mask, uint32_t set_mask)
{
	struct zxu_ioc_signal args = {
		.clear_mask = clear_mask,
		.set_mask = set_mask,
	};

	if (!zxi_handle_ok(handle))
		return ZX_ERR_BAD_HANDLE;
	return zxi_ioctl((int)handle, cmd, &args, false);
}

zx_status_t zx_object_signal(zx_handle_t handle, uint32_t clear_mask,
			     uint32_t set_mask)
{
	return zxi_signal(handle, ZX_IOC_OBJECT_SIGNAL, clear_mask, set_mask);
}

zx_status_t zx_object_signal_peer(zx_handle_t handle, uint32_t clear_mask,
				  uint32_t set_mask)
{
	return zxi_signal(handle, ZX_IOC_OBJECT_SIGNAL_PEER, clear_mask,
			  set_mask);
}

zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic,
			       void *buffer, size_t buffer_size,
			       size_t *actual, size_t *avail)
{
	struct zxu_ioc_get_info args = {
		.buffer = zxi_ptr(buffer),
		.buffer_size = (__u64)buffer_size,
		.topic = topic,
		.reserved = 0,
	};

	if (!zxi_handle_ok(handle))
		return ZX_ERR_BAD_HANDLE;
	/*
	 * The kernel stores the counts as the caller's size_t: 8 bytes for
	 * 64-bit processes, 4 for 32-bit ones (compat_ioctl).
	 */
	args.actual = zxi_ptr(actual);
	args.avail = zxi_ptr(avail);
	return zxi_ioctl((int)handle, ZX_IOC_OBJECT_GET_INFO, &args, false);
}

zx_status_t zx_event_create(uint32_t options, zx_handle_t *out)
{
	return zxi_create(ZX_IOC_EVENT_CREATE, options, out, NULL);
}

zx_status_t zx_eventpair_create(uint32_t options, zx_handle_t *out0,
				zx_handle_t *out1)
{
	return zxi_create(ZX_IOC_EVENTPAIR_CREATE, options, out0, out1);
}
