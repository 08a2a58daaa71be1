/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: channel endpoints, shared by channel.c (queues, read, write) and
 * call.c (synchronous calls and the server's reply-and-read).  The lock
 * order is documented at the top of channel.c.
 */
#ifndef _ZX_CHANNEL_H
#define _ZX_CHANNEL_H

#include <linux/list.h>
#include <linux/wait.h>

#include "zx.h"

struct zx_msg;

/**
 * struct zx_endpoint - one end of a channel
 * @obj:	the zx object (lock, signals, waiters)
 * @queue:	messages written by the peer, oldest first
 * @queue_len:	number of messages on @queue
 * @queue_bytes: their memory, as charged (struct zx_msg.charge)
 * @closed:	the endpoint lost its last handle; nothing is queued to it
 *		any more
 * @callers:	zx_channel_call()s made through this endpoint that still
 *		own a waiter (struct zx_call_waiter)
 * @last_txid:	the last txid counter value handed to a call
 * @read_wq:	threads blocked in reply-and-read waiting for a message;
 *		exclusive, so one message wakes one reader, oldest first
 * @parked_node: entry on the list of endpoints whose parked calls the
 *		reaper checks (call.c), under that list's lock
 * @parked_listed: @parked_node is on that list
 *
 * Everything but @obj.wq, @obj.handle_wq, @read_wq and @parked_node (which
 * have their own locks) is protected by the channel lock, obj.lock.
 */
struct zx_endpoint {
	struct zx_object obj;
	struct list_head queue;
	u32 queue_len;
	size_t queue_bytes;
	bool closed;
	struct list_head callers;
	u32 last_txid;
	wait_queue_head_t read_wq;
	struct list_head parked_node;
	bool parked_listed;
};

static inline struct zx_endpoint *zx_endpoint(struct zx_object *obj)
{
	return container_of(obj, struct zx_endpoint, obj);
}

static inline struct zx_endpoint *zx_endpoint_peer(struct zx_endpoint *ep)
{
	return zx_endpoint(ep->obj.peer);
}

/**
 * struct zx_write_params - the write half of write, write_etc and call
 * @bytes:	user pointer to the payload or to a zx_channel_iovec_t array
 * @handles:	user pointer to handle values or dispositions
 * @num_bytes:	payload size or iovec count
 * @num_handles: number of handle entries
 * @options:	ZX_CHANNEL_WRITE_* options
 * @fd:		the fd the caller names the channel by; the write fails with
 *		BAD_HANDLE if it stops naming the handle before the message
 *		is queued (moved into a message by another thread)
 * @etc:	@handles holds zx_handle_disposition_t
 */
struct zx_write_params {
	u64 bytes;
	u64 handles;
	u32 num_bytes;
	u32 num_handles;
	u32 options;
	u32 fd;
	bool etc;
};

/**
 * struct zx_read_params - where a read or a call puts a message
 * @bytes:	user buffer for the payload
 * @handles:	user buffer for handle values or zx_handle_info_t records
 * @actual_bytes: user pointer for the payload size, or 0
 * @actual_handles: user pointer for the handle count, or 0
 * @num_bytes:	capacity of @bytes
 * @num_handles: capacity of @handles, in entries
 * @etc:	@handles takes zx_handle_info_t
 */
struct zx_read_params {
	u64 bytes;
	u64 handles;
	u64 actual_bytes;
	u64 actual_handles;
	u32 num_bytes;
	u32 num_handles;
	bool etc;
};

/* channel.c */
void zx_write_params_init(struct zx_write_params *wr,
			  const struct zxu_ioc_channel_write *args, bool etc);
void zx_read_params_init(struct zx_read_params *rd,
			 const struct zxu_ioc_channel_read *args, bool etc);
int zx_channel_check(struct zx_handle *h, u32 rights);
struct zx_msg *zx_channel_prepare_msg(struct zx_handle *h, u32 rights,
				      u32 min_bytes,
				      const struct zx_write_params *wr);
void zx_endpoint_queue_locked(struct zx_endpoint *ep, struct zx_msg *msg);
int zx_endpoint_deliver_locked(struct zx_endpoint *to, struct zx_msg *msg);
int zx_endpoint_enqueue(struct zx_endpoint *from, struct file *file,
			const struct zx_write_params *wr, struct zx_msg *msg);
long zx_endpoint_read(struct zx_endpoint *ep, const struct zx_read_params *rd,
		      u32 options);
int zx_msg_copy_out(struct zx_msg *msg, const struct zx_read_params *rd,
		    const int *fds);

/* call.c */
bool zx_call_take_reply_locked(struct zx_endpoint *ep, struct zx_msg *msg);
void zx_call_peer_closed_locked(struct zx_endpoint *ep);
void zx_call_release_all(struct zx_endpoint *ep);
void zx_call_init_endpoint(struct zx_endpoint *ep);
long zx_channel_call(struct file *file, bool etc, void __user *uarg);
long zx_channel_call_finish(struct file *file, void __user *uarg);
long zx_channel_reply_read(struct file *file, void __user *uarg);

#endif /* _ZX_CHANNEL_H */
