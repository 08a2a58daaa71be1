/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: channel endpoints (channel.c: queues, reply routing, reads and
 * writes) and what call.c (blocking calls) needs of them.  The lock order
 * is at the top of channel.c.
 */
#ifndef _ZX_CHANNEL_H
#define _ZX_CHANNEL_H

#include <linux/list.h>
#include <linux/wait.h>

#include "gc.h"
#include "handle.h"
#include "message.h"
#include "object.h"

/**
 * DOC: endpoints
 *
 * A channel is two endpoints sharing one lock and one refcount.  Each
 * endpoint has the queue of messages its peer wrote, and the list of
 * calls made through it that wait for a reply.  Everything an endpoint
 * holds is protected by the channel lock (obj.lock) but for the wait
 * queues, which have their own locks, and the reaper's list link, which
 * call.c's zx_parked_lock protects.
 */

/**
 * struct zx_endpoint - one end of a channel
 * @obj:	the zx object (lock, signals, waiters)
 * @queue:	messages written by the peer, oldest first
 * @queue_len:	number of messages on @queue
 * @queue_bytes: their memory, as charged (struct zx_msg.charge)
 * @closed:	the endpoint lost its last handle; nothing is queued to it
 *		any more
 * @callers:	calls made through this endpoint that still own a waiter
 *		(struct zx_call_waiter)
 * @last_txid:	the last txid counter value handed to a call
 * @parked_listed: the endpoint is on the reaper's list (call.c); decided
 *		under the channel lock
 * @read_wq:	threads blocked in reply-and-read waiting for a message;
 *		exclusive, so one message wakes one reader, oldest first
 * @parked_node: entry on the reaper's list, under zx_parked_lock
 * @gc:		the endpoint as the cycle collector sees it, under its
 *		zx_gc_lock (gc.c)
 */
struct zx_endpoint {
	struct zx_object obj;

	/* Protected by obj.lock, the channel lock. */
	struct list_head queue;
	u32 queue_len;
	size_t queue_bytes;
	bool closed;
	struct list_head callers;
	u32 last_txid;
	bool parked_listed;

	/* Own locks. */
	wait_queue_head_t read_wq;
	struct list_head parked_node;
	struct zx_gc_vertex gc;
};

/**
 * DOC: calls
 *
 * zx_channel_call() writes a request whose first four bytes the kernel
 * replaces with a fresh txid, then blocks until a message with that txid
 * is written into the caller's endpoint.  The waiter is registered under
 * the channel lock before the request is queued, so the reply cannot be
 * missed, and a matching message is handed straight to its waiter instead
 * of being queued: the routing lives with the queue, in channel.c; the
 * blocking, parking and reaping in call.c.
 *
 * A waiter names its thread by struct pid, which it pins (a few dozen
 * bytes), not by task_struct: a parked waiter can outlive its thread.  It
 * also keeps the raw task pointer, which is dereferenced only to wake a
 * waiter that is not parked (its thread is inside the call and cannot
 * exit before unlinking it), and otherwise only compared: a struct pid
 * can change hands while the waiter is parked -- exec from a non-leader
 * thread gives the dying leader's pid to the exec'ing thread
 * (de_thread()) -- so a waiter belongs to the thread that has both its
 * pid and its task pointer, and is orphaned once its pid maps to any
 * other task or none.
 */

/**
 * struct zx_call_waiter - one outstanding call
 * @node:	link in the calling endpoint's callers list
 * @pid:	the calling thread's pid (a reference is held)
 * @task:	the calling thread; only valid while not @parked
 * @deadline:	absolute CLOCK_MONOTONIC deadline of the call
 * @etc:	zx_channel_call_etc: the reply's handles are read as
 *		zx_handle_info_t
 * @txid:	the call's txid
 * @reply:	the reply, once it arrived
 * @status:	-EPIPE once the peer closed without replying, else 0
 * @parked:	interrupted by a signal, waiting for CALL_FINISH
 *
 * @node, @txid, @reply, @status and @parked are protected by the channel
 * lock; the sleeping owner reads @reply and @status locklessly and
 * re-checks them after every wake-up.
 */
struct zx_call_waiter {
	/* Set before the waiter is registered, then constant. */
	struct pid *pid;
	struct task_struct *task;
	s64 deadline;
	bool etc;

	/* Protected by the channel lock. */
	struct list_head node;
	u32 txid;
	struct zx_msg *reply;
	int status;
	bool parked;
};

/**
 * struct zx_write_params - the write half of write, write_etc, call and
 *			    reply-read
 * @payload:	the bytes, read from the ioctl's description
 * @handles:	user pointer to handle values or dispositions
 * @num_handles: number of handle entries
 * @options:	ZX_CHANNEL_WRITE_* options
 * @fd:		the fd the caller names the channel by; the write fails with
 *		BAD_HANDLE if it stops naming the handle before the message
 *		is queued (moved into a message by another thread)
 * @etc:	@handles holds zx_handle_disposition_t
 * @handles_taken: set by the write once the handles are its business; a
 *		write that fails before that leaves them to the caller,
 *		which consumes them (Zircon's rule)
 */
struct zx_write_params {
	struct zx_payload payload;
	u64 handles;
	u32 num_handles;
	u32 options;
	u32 fd;
	bool etc;
	bool handles_taken;
};

static inline struct zx_endpoint *zx_endpoint(struct zx_object *obj)
{
	return container_of(obj, struct zx_endpoint, obj);
}

static inline struct zx_endpoint *zx_endpoint_peer(struct zx_endpoint *ep)
{
	return zx_endpoint(ep->obj.peer);
}

/* channel.c: the channel itself */
int zx_channel_new(struct zx_object **objs);
int zx_channel_check(struct zx_handle *h, u32 rights);
int zx_channel_check_write(struct zx_handle *h, u32 rights, u32 options);
int zx_channel_check_read(struct zx_handle *h, u32 options);

/* channel.c: writing and reading */
struct zx_msg *zx_endpoint_build_msg(struct zx_endpoint *ep, u32 min_bytes,
				     struct zx_write_params *wr);
int zx_endpoint_write(struct file *file, struct zx_write_params *wr);
int zx_endpoint_read(struct zx_endpoint *ep, const struct zx_read_params *rd,
		     u32 options);
int zx_endpoint_read_wait(struct file *file, unsigned int fd,
			  const struct zx_read_params *rd, u32 options,
			  s64 deadline);

/* channel.c: call-reply routing */
int zx_endpoint_send_call(struct zx_endpoint *ep, struct file *file,
			  struct zx_call_waiter *w, struct zx_msg *msg,
			  u32 fd, struct list_head *stale);
struct zx_call_waiter *zx_endpoint_find_parked_locked(struct zx_endpoint *ep);
void zx_endpoint_unlink_call_locked(struct zx_endpoint *ep,
				    struct zx_call_waiter *w);
bool zx_endpoint_reap_parked_locked(struct zx_endpoint *ep, bool own,
				    struct list_head *dead);
void zx_call_waiter_free(struct zx_call_waiter *w);
void zx_call_free_list(struct list_head *list);

#endif /* _ZX_CHANNEL_H */
