/* SPDX-License-Identifier: MIT */
/*
 * <zircon/linux.h>: libzx extensions that Zircon does not have.
 *
 * Their names start with zxl_ so that they can never collide with a
 * Fuchsia zx_ call; code that uses them is Linux-only on purpose.
 */
#ifndef ZIRCON_LINUX_H_
#define ZIRCON_LINUX_H_

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The server's half of a round trip in one system call (the shape of
 * binder's reply+read and seL4's ReplyRecv): write the reply
 * (wr_bytes/wr_handles, as zx_channel_write), then block until a message
 * can be read from the same channel, the peer closes or the deadline
 * passes, and read it (as zx_channel_read).  Blocked readers are woken one
 * per message, oldest first.
 *
 * The read side is checked first: without ZX_RIGHT_READ, or with unknown
 * read options, nothing is written (the reply's handles are consumed) and
 * ZX_ERR_ACCESS_DENIED / ZX_ERR_NOT_SUPPORTED is returned.  If the reply
 * cannot be written, nothing is read and the write's status is returned
 * (its handles are consumed as zx_channel_write's are).
 * Otherwise the result is the read's: ZX_OK, ZX_ERR_PEER_CLOSED once the
 * queue is empty and the peer is gone, ZX_ERR_TIMED_OUT, ZX_ERR_CANCELED
 * if the handle is closed meanwhile, ZX_ERR_BUFFER_TOO_SMALL, ...
 * A signal never makes the reply go out twice.
 */
zx_status_t zxl_channel_reply_read(zx_handle_t handle,
				   const void *wr_bytes, uint32_t wr_num_bytes,
				   const zx_handle_t *wr_handles,
				   uint32_t wr_num_handles,
				   void *rd_bytes, zx_handle_t *rd_handles,
				   uint32_t rd_num_bytes, uint32_t rd_num_handles,
				   uint32_t *actual_bytes,
				   uint32_t *actual_handles,
				   zx_time_t deadline);

/*
 * zx_channel_read that blocks until a message is there (the first receive
 * of a server loop built on zxl_channel_reply_read).  options as for
 * zx_channel_read.
 */
zx_status_t zxl_channel_read_wait(zx_handle_t handle, uint32_t options,
				  void *bytes, zx_handle_t *handles,
				  uint32_t num_bytes, uint32_t num_handles,
				  uint32_t *actual_bytes,
				  uint32_t *actual_handles,
				  zx_time_t deadline);

#ifdef __cplusplus
}
#endif

#endif /* ZIRCON_LINUX_H_ */
