/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: messages -- the unit a channel queues: up to 64 KiB of bytes and up
 * to 64 handles, built completely before it is queued and destroyed as a
 * whole.
 */
#ifndef _ZX_MESSAGE_H
#define _ZX_MESSAGE_H

#include <linux/list.h>
#include <linux/types.h>

struct file;
struct zx_object;
struct zx_quota;

/**
 * struct zx_msg - one message
 * @node:	link in the receiving endpoint's queue
 * @quota:	the writer's quota, charged for @charge and @num_handles
 * @charge:	the memory of the message, as charged
 * @num_bytes:	payload size
 * @num_handles: number of entries in @handles
 * @handles:	the handles in flight, as files holding a reference each;
 *		followed in the same allocation by the payload
 */
struct zx_msg {
	struct list_head node;
	struct zx_quota *quota;
	u32 charge;
	u32 num_bytes;
	u32 num_handles;
	struct file *handles[];
};

static inline u8 *zx_msg_bytes(struct zx_msg *msg)
{
	return (u8 *)&msg->handles[msg->num_handles];
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

size_t zx_msg_max_charge(void);
struct zx_msg *zx_msg_from_user(u64 ubytes, u32 num_bytes, u32 num_handles,
				bool iovec);
int zx_msg_attach_handles(struct zx_msg *msg, u64 uhandles, bool etc,
			  struct zx_object *channel);
void zx_consume_handles(u64 uhandles, u32 num_handles, bool etc);
int zx_fds_reserve(int *fds, u32 from, u32 to);
void zx_fds_release(const int *fds, u32 n);
int zx_msg_put_handle_values(struct zx_msg *msg, u64 uhandles, bool etc,
			     const int *fds);
void zx_msg_install_handles(struct zx_msg *msg, const int *fds);
void zx_msg_free(struct zx_msg *msg);
void zx_msg_free_list(struct list_head *list);

#endif /* _ZX_MESSAGE_H */
