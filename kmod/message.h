/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: messages (message.c).  Above handles, the fd table and the limits;
 * below the object types that queue them.
 */
#ifndef _ZX_MESSAGE_H
#define _ZX_MESSAGE_H

#include <linux/list.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/zx.h>

#include "gc.h"

struct file;
struct zx_object;
struct zx_quota;

/**
 * DOC: messages
 *
 * The unit a channel queues: up to 64 KiB of bytes and up to 64 handles,
 * built completely from the writer's memory before it is queued and
 * destroyed as a whole, which is what makes a write all-or-nothing.
 *
 * While a message exists, its handles are "in flight": files the message
 * holds a reference to, counted in their objects' handle counts and in
 * the writer's quota.  Reading moves them into the reader's fd table;
 * destroying the message closes them.
 *
 * While a message sits in an endpoint's queue or call waiter, it is
 * "held" by that endpoint, and its slots are edges of the cycle
 * collector's graph (gc.c): zx_msg_hold_locked() and zx_msg_unhold(), under the
 * holder's lock.
 */

/**
 * struct zx_msg - one message
 * @node:	link in the receiving endpoint's queue (under its lock)
 * @quota:	the writer's quota, charged for @charge and @num_handles
 * @charge:	the memory of the message, as charged
 * @num_bytes:	payload size
 * @num_handles: number of entries in @handles
 * @held:	held by an endpoint (see DOC: messages); under its lock
 * @handles:	the handles in flight, as files holding a reference each;
 *		followed in the same allocation by one struct zx_gc_edge per
 *		handle, then the payload
 *
 * Nothing but @node and @held changes once the message is complete.
 */
struct zx_msg {
	struct list_head node;
	struct zx_quota *quota;
	u32 charge;
	u32 num_bytes;
	u32 num_handles;
	bool held;
	struct file *handles[];
};

/**
 * struct zx_payload - the bytes of a write: one buffer, or the pieces of a
 *		       zx_channel_iovec_t array, already read and checked
 * @segs:	the pieces in the writer's memory, in order, as LP64
 *		zx_channel_iovec_t (reserved fields checked to be 0)
 * @num_segs:	how many
 * @total:	sum of their capacities, at most ZX_CHANNEL_MAX_MSG_BYTES
 */
struct zx_payload {
	const struct zxu_channel_iovec *segs;
	u32 num_segs;
	u32 total;
};

/**
 * struct zx_read_params - where a read (or a call's reply) puts a message
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

static inline struct zx_gc_edge *zx_msg_edges(struct zx_msg *msg)
{
	return (struct zx_gc_edge *)&msg->handles[msg->num_handles];
}

static inline u8 *zx_msg_bytes(struct zx_msg *msg)
{
	return (u8 *)&zx_msg_edges(msg)[msg->num_handles];
}

/**
 * zx_msg_txid() - the transaction id: the first four payload bytes
 * @msg: the message
 *
 * Return: the txid, or 0 for payloads shorter than a txid.
 */
static inline u32 zx_msg_txid(struct zx_msg *msg)
{
	u32 txid = 0;

	if (msg->num_bytes >= sizeof(txid))
		memcpy(&txid, zx_msg_bytes(msg), sizeof(txid));
	return txid;
}

static inline bool zx_msg_fits(const struct zx_msg *msg,
			       const struct zx_read_params *rd)
{
	return msg->num_bytes <= rd->num_bytes &&
		msg->num_handles <= rd->num_handles;
}

size_t zx_msg_max_charge(void);
struct zx_msg *zx_msg_build(const struct zx_payload *payload, u32 num_handles);
int zx_msg_attach_handles(struct zx_msg *msg, u64 uhandles, bool etc,
			  struct zx_object *channel, bool *taken);
void zx_msg_consume_handles(u64 uhandles, u32 num_handles, bool etc);
int zx_msg_copy_out(struct zx_msg *msg, const struct zx_read_params *rd,
		    int *fds);
void zx_msg_hold_locked(struct zx_msg *msg, struct zx_gc_vertex *holder);
void zx_msg_unhold(struct zx_msg *msg);
void zx_msg_free(struct zx_msg *msg);
void zx_msg_free_list(struct list_head *list);

#endif /* _ZX_MESSAGE_H */
