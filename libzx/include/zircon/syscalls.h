/* SPDX-License-Identifier: MIT */
/*
 * libzx: the Zircon channel/event/eventpair/wait/clock calls, implemented on
 * Linux over the ioctls of the zx kernel module (/dev/zx).  Prototypes match
 * Fuchsia's <zircon/syscalls.h>; semantics are Zircon's (see the project's
 * spec).  Linux specifics:
 *
 *  - A zx_handle_t is a file descriptor.  ZX_HANDLE_INVALID (0) and values
 *    above INT32_MAX are never handles (ZX_ERR_BAD_HANDLE, no syscall made).
 *    An fd that is not a zx object also gives ZX_ERR_BAD_HANDLE (and is left
 *    alone, even by zx_handle_close()).
 *  - The creation calls, zx_object_wait_many() and zx_handle_close_many()
 *    open /dev/zx for the duration of the call.  If it cannot be opened
 *    because it does not exist (module not loaded), they return
 *    ZX_ERR_NOT_SUPPORTED.
 *  - zx_channel_create(), zx_event_create() and zx_eventpair_create() return
 *    ZX_ERR_INVALID_ARGS for NULL out pointers without creating anything.
 *  - Times are CLOCK_MONOTONIC nanoseconds.
 */
#ifndef ZIRCON_SYSCALLS_H_
#define ZIRCON_SYSCALLS_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls/object.h>
#include <zircon/time.h>
#include <zircon/types.h>

__BEGIN_CDECLS

/* Channels */
zx_status_t zx_channel_create(uint32_t options, zx_handle_t *out0,
			      zx_handle_t *out1);
zx_status_t zx_channel_read(zx_handle_t handle, uint32_t options, void *bytes,
			    zx_handle_t *handles, uint32_t num_bytes,
			    uint32_t num_handles, uint32_t *actual_bytes,
			    uint32_t *actual_handles);
zx_status_t zx_channel_read_etc(zx_handle_t handle, uint32_t options,
				void *bytes, zx_handle_info_t *handles,
				uint32_t num_bytes, uint32_t num_handles,
				uint32_t *actual_bytes, uint32_t *actual_handles);
zx_status_t zx_channel_write(zx_handle_t handle, uint32_t options,
			     const void *bytes, uint32_t num_bytes,
			     const zx_handle_t *handles, uint32_t num_handles);
zx_status_t zx_channel_write_etc(zx_handle_t handle, uint32_t options,
				 const void *bytes, uint32_t num_bytes,
				 zx_handle_disposition_t *handles,
				 uint32_t num_handles);
zx_status_t zx_channel_call(zx_handle_t handle, uint32_t options,
			    zx_time_t deadline,
			    const zx_channel_call_args_t *args,
			    uint32_t *actual_bytes, uint32_t *actual_handles);
zx_status_t zx_channel_call_etc(zx_handle_t handle, uint32_t options,
				zx_time_t deadline,
				zx_channel_call_etc_args_t *args,
				uint32_t *actual_bytes,
				uint32_t *actual_handles);

/* Handles */
zx_status_t zx_handle_close(zx_handle_t handle);
zx_status_t zx_handle_close_many(const zx_handle_t *handles,
				 size_t num_handles);
zx_status_t zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights,
				zx_handle_t *out);
zx_status_t zx_handle_replace(zx_handle_t handle, zx_rights_t rights,
			      zx_handle_t *out);

/* Objects */
zx_status_t zx_object_wait_one(zx_handle_t handle, zx_signals_t signals,
			       zx_time_t deadline, zx_signals_t *observed);
zx_status_t zx_object_wait_many(zx_wait_item_t *items, size_t num_items,
				zx_time_t deadline);
zx_status_t zx_object_signal(zx_handle_t handle, uint32_t clear_mask,
			     uint32_t set_mask);
zx_status_t zx_object_signal_peer(zx_handle_t handle, uint32_t clear_mask,
				  uint32_t set_mask);
zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic,
			       void *buffer, size_t buffer_size,
			       size_t *actual, size_t *avail);

/* Events */
zx_status_t zx_event_create(uint32_t options, zx_handle_t *out);
zx_status_t zx_eventpair_create(uint32_t options, zx_handle_t *out0,
				zx_handle_t *out1);

/* Time */
zx_time_t zx_clock_get_monotonic(void);
zx_time_t zx_deadline_after(zx_duration_t nanoseconds);
zx_status_t zx_nanosleep(zx_time_t deadline);

__END_CDECLS

#endif /* ZIRCON_SYSCALLS_H_ */
