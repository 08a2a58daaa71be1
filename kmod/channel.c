// SPDX-License-Identifier: GPL-2.0
/*
 * zx: channels -- two endpoints, each with a FIFO of messages its peer
 * wrote, and the routing of call replies past that FIFO (see DOC:
 * endpoints and DOC: calls in channel.h).
 *
 * Locking
 *
 *   channel->lock (spinlock, shared by both endpoints; it is also their
 *   zx_object lock) protects both queues, the endpoints' @closed flags,
 *   their call waiters and their signals.  Messages are built and
 *   copied to and from user memory outside the lock; under it they are
 *   only linked and unlinked, which keeps writes all-or-nothing and reads
 *   whole.
 *
 *   Lock order:
 *     channel->lock -> obj->wq.lock, ep->read_wq.lock  (wake-ups under it)
 *     channel->lock -> zx_parked_lock                  (call.c's reaper)
 *     channel->lock -> zx_gc_lock      (messages held and unheld, gc.c)
 *   Messages are destroyed only after the lock is dropped: destroying one
 *   may release files and so other endpoints.
 *
 *   A reader drops the lock to reserve fds for the head message's handles
 *   (that can sleep).  Meanwhile another reader may take or discard that
 *   message, so after re-locking it starts over from whatever is at the
 *   head; nothing of a queued message is looked at without the lock.
 *
 * Flow control
 *
 *   A queue holds at most zx_max_pending_messages() messages taking at most
 *   zx_max_queue_bytes() (an empty queue takes any one message).  A write
 *   into a full queue fails with SHOULD_WAIT, and the writing endpoint
 *   shows WRITABLE only while its peer is open and the peer's queue has
 *   room for a message of any size, so that a writer woken by WRITABLE
 *   never meets SHOULD_WAIT (unless another writer came first), as with a
 *   pipe.  Replies handed straight to a waiting caller never touch the
 *   queue and do not count.
 */

#include <linux/list.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "channel.h"
#include "fd.h"
#include "limits.h"
#include "user.h"
#include "wait.h"

/* Call txids have the top bit set; plain writes use the rest. */
#define ZX_CALL_TXID_BIT	0x80000000u

/**
 * struct zx_channel - the two endpoints and what they share
 * @refs:	memory references to either endpoint
 * @lock:	see the top of this file
 * @ep:		the endpoints
 */
struct zx_channel {
	refcount_t refs;
	spinlock_t lock; /* see the top of this file */
	struct zx_endpoint ep[2];
};

/* Whether @ep's queue takes one more message of any size. */
/* Whether @ep's queue takes one more message of any size. */
static bool zx_endpoint_has_room_locked(const struct zx_endpoint *ep)
{
	lockdep_assert_held(ep->obj.lock);
	if (ep->queue_len >= zx_max_pending_messages())
		return false;
	return !ep->queue_len ||
		ep->queue_bytes + zx_msg_max_charge() <= zx_max_queue_bytes();
}

/*
 * WRITABLE on @ep means: a write through @ep can be queued now -- the peer
 * is open and its queue has room.
 */
static void zx_endpoint_update_writable_locked(struct zx_endpoint *ep)
{
	struct zx_endpoint *peer;
	bool writable;

	lockdep_assert_held(ep->obj.lock);
	peer = zx_endpoint_peer(ep);
	writable = !peer->closed && zx_endpoint_has_room_locked(peer);
	zx_object_update_signals_locked(&ep->obj,
					writable ? 0 : ZXU_CHANNEL_WRITABLE,
					writable ? ZXU_CHANNEL_WRITABLE : 0);
}

static void zx_endpoint_dequeue_locked(struct zx_endpoint *ep,
				       struct zx_msg *msg)
{
	lockdep_assert_held(ep->obj.lock);
	list_del_init(&msg->node);
	zx_msg_unhold(msg);
	ep->queue_len--;
	ep->queue_bytes -= msg->charge;
	if (list_empty(&ep->queue))
		zx_object_update_signals_locked(&ep->obj,
						ZXU_CHANNEL_READABLE, 0);
	zx_endpoint_update_writable_locked(zx_endpoint_peer(ep));
}

/*
 * Append @msg to @ep's queue, full or not.  New writes go through
 * zx_endpoint_deliver_locked(); this alone is for messages that were
 * admitted once already: a reply that found its call gone.
 */
static void zx_endpoint_queue_locked(struct zx_endpoint *ep,
				     struct zx_msg *msg)
{
	lockdep_assert_held(ep->obj.lock);
	list_add_tail(&msg->node, &ep->queue);
	ep->queue_len++;
	ep->queue_bytes += msg->charge;
	zx_object_update_signals_locked(&ep->obj, 0, ZXU_CHANNEL_READABLE);
	zx_endpoint_update_writable_locked(zx_endpoint_peer(ep));
	/*
	 * A reply-read sleeper checks the signals without the lock: the
	 * barrier in wq_has_sleeper() orders the store of READABLE above
	 * before the look at the queue, pairing with the one in
	 * set_current_state() on the sleeper's side.
	 */
	if (wq_has_sleeper(&ep->read_wq))
		wake_up(&ep->read_wq);
}

/*
 * Call-reply routing.
 */

/**
 * zx_call_waiter_free() - destroy a waiter that is on no list
 * @w: the waiter, or NULL; a reply it still holds is destroyed too
 */
void zx_call_waiter_free(struct zx_call_waiter *w)
{
	if (!w)
		return;
	zx_msg_free(w->reply);
	put_pid(w->pid);
	kfree(w);
}

/**
 * zx_call_free_list() - destroy the waiters on a private list
 * @list: the list; left empty
 */
void zx_call_free_list(struct list_head *list)
{
	struct zx_call_waiter *w, *tmp;

	list_for_each_entry_safe(w, tmp, list, node) {
		list_del(&w->node);
		zx_call_waiter_free(w);
	}
}

/*
 * A parked call whose thread is exiting or gone will never be resumed; a
 * reply to it is queued like a reply that came after a timeout.
 */
static bool zx_call_waiter_orphaned(const struct zx_call_waiter *w)
{
	struct task_struct *task;
	bool gone;

	if (!w->parked)
		return false;
	rcu_read_lock();
	task = pid_task(w->pid, PIDTYPE_PID);
	gone = task != w->task || (READ_ONCE(task->flags) & PF_EXITING);
	rcu_read_unlock();
	return gone;
}

static bool zx_call_waiter_is_current(const struct zx_call_waiter *w)
{
	return w->task == current && w->pid == task_pid(current);
}

static u32 zx_endpoint_new_txid_locked(struct zx_endpoint *ep)
{
	struct zx_call_waiter *w;
	u32 txid;

	lockdep_assert_held(ep->obj.lock);
retry:
	txid = ++ep->last_txid | ZX_CALL_TXID_BIT;
	list_for_each_entry(w, &ep->callers, node) {
		if (w->txid == txid)
			goto retry;
	}
	return txid;
}

/* Hand @msg to the call on @ep it answers, if any. */
static bool zx_endpoint_route_reply_locked(struct zx_endpoint *ep,
					   struct zx_msg *msg)
{
	struct zx_call_waiter *w;
	u32 txid;

	lockdep_assert_held(ep->obj.lock);
	if (list_empty(&ep->callers))
		return false;
	txid = zx_msg_txid(msg);
	if (!(txid & ZX_CALL_TXID_BIT))
		return false;
	list_for_each_entry(w, &ep->callers, node) {
		if (w->txid != txid || w->reply || w->status ||
		    zx_call_waiter_orphaned(w))
			continue;
		zx_msg_hold_locked(msg, &ep->gc);
		WRITE_ONCE(w->reply, msg);
		if (!w->parked)
			wake_up_process(w->task);
		return true;
	}
	return false;
}

/* @ep's peer just closed: its calls end. */
static void zx_endpoint_end_calls_locked(struct zx_endpoint *ep)
{
	struct zx_call_waiter *w;

	lockdep_assert_held(ep->obj.lock);
	list_for_each_entry(w, &ep->callers, node) {
		if (w->reply || w->status)
			continue;
		WRITE_ONCE(w->status, -EPIPE);
		if (!w->parked)
			wake_up_process(w->task);
	}
}

/**
 * zx_endpoint_find_parked_locked() - the calling thread's parked call
 * @ep: the endpoint; caller holds the channel lock
 *
 * Return: the waiter, or NULL.
 */
struct zx_call_waiter *zx_endpoint_find_parked_locked(struct zx_endpoint *ep)
{
	struct zx_call_waiter *w;

	lockdep_assert_held(ep->obj.lock);
	list_for_each_entry(w, &ep->callers, node) {
		if (w->parked && zx_call_waiter_is_current(w))
			return w;
	}
	return NULL;
}

/**
 * zx_endpoint_unlink_call_locked() - retire a finished call's waiter
 * @ep:	the endpoint; caller holds the channel lock
 * @w:	the waiter, now the caller's alone
 */
void zx_endpoint_unlink_call_locked(struct zx_endpoint *ep,
				    struct zx_call_waiter *w)
{
	lockdep_assert_held(ep->obj.lock);
	list_del(&w->node);
}

/*
 * Unlink a parked waiter nobody will resume onto @dead (freed by the
 * caller after dropping the lock).  A reply it holds is queued: the
 * waiter is gone, the message is not.
 */
static void zx_endpoint_drop_parked_locked(struct zx_endpoint *ep,
					   struct zx_call_waiter *w,
					   struct list_head *dead)
{
	lockdep_assert_held(ep->obj.lock);
	list_move(&w->node, dead);
	if (w->reply && !ep->closed) {
		zx_endpoint_queue_locked(ep, w->reply);
		w->reply = NULL;
	}
}

/**
 * zx_endpoint_reap_parked_locked() - drop parked calls nobody will resume
 * @ep:		the endpoint; caller holds the channel lock
 * @own:	also drop the calling thread's (it starts a new call instead)
 * @dead:	receives the dropped waiters, to be freed without the lock
 *
 * Drops the parked waiters of threads that are gone, and with @own the
 * calling thread's.
 *
 * Return: whether parked waiters of live threads remain.
 */
bool zx_endpoint_reap_parked_locked(struct zx_endpoint *ep, bool own,
				    struct list_head *dead)
{
	struct zx_call_waiter *w, *tmp;
	bool live = false;

	lockdep_assert_held(ep->obj.lock);
	list_for_each_entry_safe(w, tmp, &ep->callers, node) {
		if (!w->parked)
			continue;
		if ((own && zx_call_waiter_is_current(w)) ||
		    zx_call_waiter_orphaned(w))
			zx_endpoint_drop_parked_locked(ep, w, dead);
		else
			live = true;
	}
	return live;
}

/*
 * Drop the waiters of an endpoint that lost its last handle.  Only parked
 * waiters can be left: a thread blocked in a call holds a reference to
 * the handle's file, so the endpoint cannot close under it.
 */
static void zx_endpoint_release_calls(struct zx_endpoint *ep)
{
	struct zx_call_waiter *w;
	LIST_HEAD(dead);

	spin_lock(ep->obj.lock);
	list_splice_init(&ep->callers, &dead);
	spin_unlock(ep->obj.lock);

	list_for_each_entry(w, &dead, node)
		WARN_ON_ONCE(!w->parked);
	zx_call_free_list(&dead);
}

/*
 * Writing.
 */

/*
 * A message written through @to's peer arrives at @to: a message carrying
 * the txid of a call waiting on @to goes straight to that caller; anything
 * else is queued if the queue has room.  Return: 0, or -EAGAIN
 * (SHOULD_WAIT) if the queue is full, with @msg still the caller's.
 */
static int zx_endpoint_deliver_locked(struct zx_endpoint *to,
				      struct zx_msg *msg)
{
	lockdep_assert_held(to->obj.lock);
	if (zx_endpoint_route_reply_locked(to, msg))
		return 0;
	if (to->queue_len >= zx_max_pending_messages() ||
	    (to->queue_len &&
	     to->queue_bytes + msg->charge > zx_max_queue_bytes())) {
		/* The limits may have been lowered since WRITABLE was set. */
		zx_endpoint_update_writable_locked(zx_endpoint_peer(to));
		return -EAGAIN;
	}
	zx_msg_hold_locked(msg, &to->gc);
	zx_endpoint_queue_locked(to, msg);
	return 0;
}

/*
 * The checks a write repeats under the lock, in Zircon's order: the caller
 * still holds the handle (BAD_HANDLE), the peer is open (PEER_CLOSED).
 */
static int zx_endpoint_may_send_locked(struct zx_endpoint *from,
				       struct file *file, u32 fd)
{
	lockdep_assert_held(from->obj.lock);
	if (!zx_fd_names_file(fd, file))
		return -EBADF;
	if (zx_endpoint_peer(from)->closed)
		return -EPIPE;
	return 0;
}

/**
 * zx_endpoint_send_call() - register a call and send its request
 * @ep:		the calling endpoint
 * @file:	the handle the call came in on
 * @w:		the new waiter
 * @msg:	the request; its txid is filled in here
 * @fd:		the fd naming @file
 * @stale:	receives the calling thread's parked waiter on @ep, if any,
 *		to be freed without the lock (a new call abandons it)
 *
 * The waiter is registered before the request is delivered, under the
 * same lock, so the reply cannot be missed.
 *
 * Return: 0 (@w is on @ep's callers, @msg delivered), or -EBADF, -EPIPE,
 * -EAGAIN with @w and @msg still the caller's.
 */
int zx_endpoint_send_call(struct zx_endpoint *ep, struct file *file,
			  struct zx_call_waiter *w, struct zx_msg *msg,
			  u32 fd, struct list_head *stale)
{
	int ret;

	spin_lock(ep->obj.lock);
	zx_endpoint_reap_parked_locked(ep, true, stale);
	ret = zx_endpoint_may_send_locked(ep, file, fd);
	if (!ret) {
		w->txid = zx_endpoint_new_txid_locked(ep);
		memcpy(zx_msg_bytes(msg), &w->txid, sizeof(w->txid));
		list_add_tail(&w->node, &ep->callers);
		ret = zx_endpoint_deliver_locked(zx_endpoint_peer(ep), msg);
		if (ret) {
			/*
			 * Not sent: the txid goes back, or 2^31 refused
			 * calls would wrap the counter into live txids.
			 */
			list_del(&w->node);
			ep->last_txid--;
		}
	}
	spin_unlock(ep->obj.lock);
	return ret;
}

/**
 * zx_endpoint_build_msg() - the message of a write or a call
 * @ep:		the endpoint written to
 * @min_bytes:	smallest payload accepted (a call needs room for a txid)
 * @wr:		what to write, its options and the handle checked
 *		(zx_channel_check_write()); @wr->handles_taken is set once
 *		the handles are the message's
 *
 * Builds the message from the payload and moves or copies the handles
 * into it, in Zircon's order.
 *
 * Return: the message ready to be sent, or an ERR_PTR.
 */
struct zx_msg *zx_endpoint_build_msg(struct zx_endpoint *ep, u32 min_bytes,
				     struct zx_write_params *wr)
{
	struct zx_msg *msg;
	int ret;

	if (wr->payload.total < min_bytes)
		return ERR_PTR(-EINVAL);
	msg = zx_msg_build(&wr->payload, wr->num_handles);
	if (IS_ERR(msg) || !msg->num_handles)
		return msg;
	ret = zx_msg_attach_handles(msg, wr->handles, wr->etc, &ep->obj,
				    &wr->handles_taken);
	if (ret) {
		zx_msg_free(msg);
		return ERR_PTR(ret);
	}
	return msg;
}

/**
 * zx_endpoint_write() - zx_channel_write{,_etc} through @file
 * @file:	the channel handle written through, checked with
 *		zx_channel_check_write()
 * @wr:		the write
 *
 * Return: 0, or an errno; see zx_write_params.handles_taken for what
 * happened to the handles.
 */
int zx_endpoint_write(struct file *file, struct zx_write_params *wr)
{
	struct zx_handle *h = file->private_data;
	struct zx_endpoint *from = zx_endpoint(h->obj);
	struct zx_msg *msg;
	int ret;

	msg = zx_endpoint_build_msg(from, 0, wr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);

	spin_lock(from->obj.lock);
	ret = zx_endpoint_may_send_locked(from, file, wr->fd);
	if (!ret)
		ret = zx_endpoint_deliver_locked(zx_endpoint_peer(from), msg);
	spin_unlock(from->obj.lock);
	if (ret)
		zx_msg_free(msg);
	return ret;
}

/*
 * Reading.
 */

/* The head of @ep's queue does not fit: report its size, maybe drop it. */
static int zx_endpoint_read_too_big_locked(struct zx_endpoint *ep,
					   struct zx_msg *msg,
					   const struct zx_read_params *rd,
					   u32 options)
	__releases(ep->obj.lock)
{
	u32 num_bytes, num_handles;

	lockdep_assert_held(ep->obj.lock);
	num_bytes = msg->num_bytes;
	num_handles = msg->num_handles;
	if (options & ZXU_CHANNEL_READ_MAY_DISCARD)
		zx_endpoint_dequeue_locked(ep, msg);
	else
		msg = NULL;
	spin_unlock(ep->obj.lock);

	zx_msg_free(msg);
	if (zx_put_u32(rd->actual_bytes, num_bytes) ||
	    zx_put_u32(rd->actual_handles, num_handles))
		return -EFAULT;
	return -EMSGSIZE;
}

/**
 * zx_endpoint_read() - read the oldest message queued on @ep, if any
 * @ep:		the endpoint
 * @rd:		the reader's buffers
 * @options:	ZX_CHANNEL_READ_* options, already checked
 *
 * A message that does not fit stays queued (or is discarded with
 * MAY_DISCARD) and its sizes are reported.  The fds for a message's
 * handles are reserved while it is still queued, so a reader out of fds
 * fails with the message in place, unseen by other readers.
 *
 * Return: 0, -EAGAIN (SHOULD_WAIT), -EPIPE (empty and the peer is gone),
 * -EMSGSIZE (BUFFER_TOO_SMALL), -EFAULT, or an fd allocation error.
 */
int zx_endpoint_read(struct zx_endpoint *ep, const struct zx_read_params *rd,
		     u32 options)
{
	int fds[ZXU_CHANNEL_MAX_MSG_HANDLES];
	struct zx_msg *msg;
	u32 nres = 0, need;
	int ret;

	spin_lock(ep->obj.lock);
	for (;;) {
		msg = list_first_entry_or_null(&ep->queue, struct zx_msg,
					       node);
		if (!msg) {
			ret = (ep->obj.signals & ZXU_CHANNEL_PEER_CLOSED) ?
				-EPIPE : -EAGAIN;
			spin_unlock(ep->obj.lock);
			goto release;
		}
		if (!zx_msg_fits(msg, rd)) {
			ret = zx_endpoint_read_too_big_locked(ep, msg, rd,
							      options);
			goto release;
		}
		need = msg->num_handles;
		if (need <= nres)
			break;
		/* Reserving can sleep: @msg may be gone when we are back. */
		spin_unlock(ep->obj.lock);
		ret = zx_fds_reserve(fds, nres, need);
		if (ret)
			goto release;
		nres = need;
		spin_lock(ep->obj.lock);
	}
	zx_endpoint_dequeue_locked(ep, msg);
	spin_unlock(ep->obj.lock);

	need = msg->num_handles;
	ret = zx_msg_copy_out(msg, rd, fds);
	zx_msg_free(msg);
	if (!ret) {
		/* The first @need fds are the reader's now. */
		zx_fds_release(fds + need, nres - need);
		return 0;
	}
release:
	zx_fds_release(fds, nres);
	return ret;
}

/**
 * zx_endpoint_read_wait() - block until a message can be read, then read it
 * @file:	the channel handle read through
 * @fd:		the fd naming it; closing it cancels the wait
 * @rd:		the reader's buffers
 * @options:	ZX_CHANNEL_READ_* options, already checked
 * @deadline:	absolute CLOCK_MONOTONIC ns, or ZX_TIME_INFINITE
 *
 * Readers sleep exclusively on ep->read_wq, so one message wakes one of
 * them.
 *
 * Return: as zx_endpoint_read(), or -ETIMEDOUT, -ECANCELED, -EINTR.
 */
int zx_endpoint_read_wait(struct file *file, unsigned int fd,
			  const struct zx_read_params *rd, u32 options,
			  s64 deadline)
{
	struct zx_handle *h = file->private_data;
	struct zx_endpoint *ep = zx_endpoint(h->obj);
	struct zx_handle_watch watch;
	bool timed_out = false;
	DEFINE_WAIT(wait);
	int ret;

	zx_handle_watch_start(&watch, file, fd);
	for (;;) {
		ret = zx_endpoint_read(ep, rd, options);
		if (ret != -EAGAIN)
			break;
		prepare_to_wait_exclusive(&ep->read_wq, &wait,
					  TASK_INTERRUPTIBLE);
		if (READ_ONCE(ep->obj.signals) &
		    (ZXU_CHANNEL_READABLE | ZXU_CHANNEL_PEER_CLOSED)) {
			__set_current_state(TASK_RUNNING);
			continue;
		}
		ret = zx_wait_step(&watch, deadline, &timed_out);
		if (ret)
			break;
	}
	finish_wait(&ep->read_wq, &wait);
	zx_handle_watch_stop(&watch);

	/*
	 * The wake-up this thread took may have been meant for a message it
	 * did not read; pass it on so no message is left without a reader.
	 */
	if ((READ_ONCE(ep->obj.signals) & ZXU_CHANNEL_READABLE) &&
	    wq_has_sleeper(&ep->read_wq))
		wake_up(&ep->read_wq);
	return ret;
}

/*
 * The channel.
 */

/* Move @ep's whole queue to @dead, to be destroyed without the lock. */
static void zx_endpoint_take_queue_locked(struct zx_endpoint *ep,
					  struct list_head *dead)
{
	lockdep_assert_held(ep->obj.lock);
	list_splice_init(&ep->queue, dead);
	ep->queue_len = 0;
	ep->queue_bytes = 0;
	zx_object_update_signals_locked(&ep->obj, ZXU_CHANNEL_READABLE, 0);
}

/*
 * The endpoint lost its last handle: the peer sees PEER_CLOSED, its calls
 * end, and the messages nobody can read any more are destroyed, closing
 * the handles they carry.
 */
static void zx_endpoint_on_zero_handles(struct zx_object *obj)
{
	struct zx_endpoint *ep = zx_endpoint(obj);
	struct zx_endpoint *peer = zx_endpoint_peer(ep);
	LIST_HEAD(dead);

	spin_lock(obj->lock);
	ep->closed = true;
	zx_endpoint_take_queue_locked(ep, &dead);
	if (!peer->closed) {
		zx_object_update_signals_locked(&peer->obj,
						ZXU_CHANNEL_WRITABLE,
						ZXU_CHANNEL_PEER_CLOSED);
		zx_endpoint_end_calls_locked(peer);
		wake_up_all(&peer->read_wq);
	}
	spin_unlock(obj->lock);

	zx_endpoint_release_calls(ep);
	zx_msg_free_list(&dead);
}

/*
 * The collector found the endpoint unreachable: destroy what it holds --
 * its queue and the replies kept for its parked calls -- and nothing else.
 * The files in those messages are what kept it alive; their release
 * closes it the normal way.  Calls in progress (there are none if the
 * verdict is right: a thread in a call references the endpoint) and the
 * waiters of parked ones stay where they are.
 */
static void zx_endpoint_purge_held(struct zx_object *obj)
{
	struct zx_endpoint *ep = zx_endpoint(obj);
	struct zx_call_waiter *w;
	LIST_HEAD(dead);

	spin_lock(obj->lock);
	zx_endpoint_take_queue_locked(ep, &dead);
	zx_endpoint_update_writable_locked(zx_endpoint_peer(ep));
	list_for_each_entry(w, &ep->callers, node) {
		if (w->parked && w->reply) {
			list_add_tail(&w->reply->node, &dead);
			w->reply = NULL;
		}
	}
	spin_unlock(obj->lock);

	zx_msg_free_list(&dead);
}

static void zx_channel_free(struct zx_object *obj)
{
	struct zx_channel *ch = container_of(obj->lock, struct zx_channel,
					     lock);

	/* Both ends drained their queues when they lost their handles. */
	WARN_ON_ONCE(!list_empty(&ch->ep[0].queue) ||
		     !list_empty(&ch->ep[1].queue));
	kfree(ch);
}

static const struct zx_object_type zx_channel_type = {
	.type		= ZXU_OBJ_TYPE_CHANNEL,
	.name		= "[zx-channel]",
	.user_signals	= ZXU_USER_SIGNAL_ALL,
	.peered		= true,
	.on_zero_handles = zx_endpoint_on_zero_handles,
	.purge_held	= zx_endpoint_purge_held,
	.free		= zx_channel_free,
};

/**
 * zx_channel_new() - a new channel
 * @objs: receives the two endpoints, with one memory reference (of the
 *	  channel) the caller owns
 *
 * Return: 0 or -ENOMEM.
 */
int zx_channel_new(struct zx_object **objs)
{
	struct zx_channel *ch;
	int i;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL_ACCOUNT);
	if (!ch)
		return -ENOMEM;
	spin_lock_init(&ch->lock);
	zx_object_init_pair(objs, &ch->ep[0].obj, &ch->ep[1].obj,
			    &zx_channel_type, &ch->refs, &ch->lock,
			    ZXU_CHANNEL_WRITABLE);
	for (i = 0; i < 2; i++) {
		struct zx_endpoint *ep = &ch->ep[i];

		INIT_LIST_HEAD(&ep->queue);
		INIT_LIST_HEAD(&ep->callers);
		INIT_LIST_HEAD(&ep->parked_node);
		init_waitqueue_head(&ep->read_wq);
		zx_gc_vertex_init(&ep->gc, &ep->obj);
	}
	return 0;
}

/**
 * zx_channel_check() - the lookup part of Zircon's checks
 * @h:		the handle
 * @rights:	rights the operation needs
 *
 * Return: 0, -EPROTOTYPE (WRONG_TYPE) if @h is no channel, -EACCES
 * (ACCESS_DENIED) if it lacks one of @rights.
 */
int zx_channel_check(struct zx_handle *h, u32 rights)
{
	if (!zx_object_is(h->obj, ZXU_OBJ_TYPE_CHANNEL))
		return -EPROTOTYPE;
	if ((h->rights & rights) != rights)
		return -EACCES;
	return 0;
}

/**
 * zx_channel_check_write() - the checks a write makes before its payload
 * @h:		the handle written through
 * @rights:	rights the operation needs (WRITE; a call READ | WRITE)
 * @options:	ZX_CHANNEL_WRITE_* options
 *
 * Return: 0, -EINVAL (unknown options), or as zx_channel_check().
 */
int zx_channel_check_write(struct zx_handle *h, u32 rights, u32 options)
{
	if (options & ~ZXU_CHANNEL_WRITE_USE_IOVEC)
		return -EINVAL;
	return zx_channel_check(h, rights);
}

/**
 * zx_channel_check_read() - the checks a read makes
 * @h:		the handle read through
 * @options:	ZX_CHANNEL_READ_* options
 *
 * Return: 0, -EOPNOTSUPP (unknown options), or as zx_channel_check().
 */
int zx_channel_check_read(struct zx_handle *h, u32 options)
{
	int ret = zx_channel_check(h, ZXU_RIGHT_READ);

	if (!ret && (options & ~ZXU_CHANNEL_READ_MAY_DISCARD))
		ret = -EOPNOTSUPP;
	return ret;
}
