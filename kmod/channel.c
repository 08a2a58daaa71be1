// SPDX-License-Identifier: GPL-2.0
/*
 * zx: channels -- two endpoints, each with a FIFO of messages its peer
 * wrote.
 *
 * Locking
 *
 *   channel->lock (spinlock, shared by both endpoints; it is also their
 *   zx_object lock) protects both queues, the endpoints' @closed flags,
 *   their call waiters (call.c) and their signals.  Messages are built and
 *   copied to and from user memory outside the lock; under it they are
 *   only linked and unlinked, which keeps writes all-or-nothing and reads
 *   whole.
 *
 *   Lock order:
 *     channel->lock -> obj->wq.lock, ep->read_wq.lock  (wake-ups under it)
 *     channel->lock -> zx_parked_lock                  (call.c's reaper)
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
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "channel.h"
#include "message.h"

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
	struct zx_endpoint *peer = zx_endpoint_peer(ep);
	bool writable = !peer->closed && zx_endpoint_has_room_locked(peer);

	lockdep_assert_held(ep->obj.lock);
	zx_object_update_signals_locked(&ep->obj,
					writable ? 0 : ZXU_CHANNEL_WRITABLE,
					writable ? ZXU_CHANNEL_WRITABLE : 0);
}

static void zx_endpoint_dequeue_locked(struct zx_endpoint *ep,
				       struct zx_msg *msg)
{
	lockdep_assert_held(ep->obj.lock);
	list_del_init(&msg->node);
	ep->queue_len--;
	ep->queue_bytes -= msg->charge;
	if (list_empty(&ep->queue))
		zx_object_update_signals_locked(&ep->obj,
						ZXU_CHANNEL_READABLE, 0);
	zx_endpoint_update_writable_locked(zx_endpoint_peer(ep));
}

/**
 * zx_endpoint_queue_locked() - append @msg to @ep's queue, full or not
 * @ep:		the receiving endpoint, not closed; caller holds the lock
 * @msg:	the message
 *
 * For messages that were already admitted once: a reply that found its
 * call gone.  New writes go through zx_endpoint_deliver_locked().
 */
void zx_endpoint_queue_locked(struct zx_endpoint *ep, struct zx_msg *msg)
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

/**
 * zx_endpoint_deliver_locked() - a message written through @to's peer
 *				  arrives at @to
 * @to:		the receiving endpoint, not closed; caller holds the lock
 * @msg:	the complete message
 *
 * A message carrying the txid of a call waiting on @to goes straight to
 * that caller; anything else is queued if the queue has room.
 *
 * Return: 0, or -EAGAIN (SHOULD_WAIT) if the queue is full (@msg still
 * the caller's).
 */
int zx_endpoint_deliver_locked(struct zx_endpoint *to, struct zx_msg *msg)
{
	lockdep_assert_held(to->obj.lock);
	if (zx_call_take_reply_locked(to, msg))
		return 0;
	if (to->queue_len >= zx_max_pending_messages() ||
	    (to->queue_len &&
	     to->queue_bytes + msg->charge > zx_max_queue_bytes())) {
		/* The limits may have been lowered since WRITABLE was set. */
		zx_endpoint_update_writable_locked(zx_endpoint_peer(to));
		return -EAGAIN;
	}
	zx_endpoint_queue_locked(to, msg);
	return 0;
}

/**
 * zx_endpoint_enqueue() - deliver a message written through @from
 * @from:	the endpoint written to; the message goes to its peer
 * @file:	the handle the write came in on
 * @wr:		the write; @wr->fd must still name @file
 * @msg:	the complete message
 *
 * The last step of a write, in Zircon's order: the caller still holds the
 * handle (BAD_HANDLE), the peer is open (PEER_CLOSED), its queue has room
 * (SHOULD_WAIT).
 *
 * Return: 0, or -EBADF, -EPIPE, -EAGAIN with @msg still the caller's.
 */
int zx_endpoint_enqueue(struct zx_endpoint *from, struct file *file,
			const struct zx_write_params *wr, struct zx_msg *msg)
{
	struct zx_endpoint *to = zx_endpoint_peer(from);
	int ret;

	spin_lock(from->obj.lock);
	if (!zx_fd_names_file(wr->fd, file))
		ret = -EBADF;
	else if (to->closed)
		ret = -EPIPE;
	else
		ret = zx_endpoint_deliver_locked(to, msg);
	spin_unlock(from->obj.lock);
	return ret;
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
	list_splice_init(&ep->queue, &dead);
	ep->queue_len = 0;
	ep->queue_bytes = 0;
	zx_object_update_signals_locked(obj, ZXU_CHANNEL_READABLE, 0);
	if (!peer->closed) {
		zx_object_update_signals_locked(&peer->obj,
						ZXU_CHANNEL_WRITABLE,
						ZXU_CHANNEL_PEER_CLOSED);
		zx_call_peer_closed_locked(peer);
		wake_up_all(&peer->read_wq);
	}
	spin_unlock(obj->lock);

	zx_call_release_all(ep);
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
	.free		= zx_channel_free,
};

/**
 * zx_channel_create() - ZX_IOC_CHANNEL_CREATE
 * @uarg: struct zxu_ioc_create
 */
long zx_channel_create(void __user *uarg)
{
	struct zxu_ioc_create args;
	struct zx_channel *ch;
	int i;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.options || args.reserved)
		return -EINVAL;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL_ACCOUNT);
	if (!ch)
		return -ENOMEM;
	refcount_set(&ch->refs, 1);
	spin_lock_init(&ch->lock);
	for (i = 0; i < 2; i++) {
		struct zx_endpoint *ep = &ch->ep[i];

		zx_object_init(&ep->obj, &zx_channel_type, &ch->refs,
			       &ch->lock, ZXU_CHANNEL_WRITABLE);
		INIT_LIST_HEAD(&ep->queue);
		INIT_LIST_HEAD(&ep->parked_node);
		init_waitqueue_head(&ep->read_wq);
		zx_call_init_endpoint(ep);
	}
	ch->ep[0].obj.peer = &ch->ep[1].obj;
	ch->ep[1].obj.peer = &ch->ep[0].obj;

	return zx_create_pair(&ch->ep[0].obj, &ch->ep[1].obj,
			      ZXU_DEFAULT_CHANNEL_RIGHTS, &args);
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
 * zx_channel_prepare_msg() - steps 1-4 of a write (or of a call)
 * @h:		the channel handle written through
 * @rights:	rights the operation needs
 * @min_bytes:	smallest payload accepted (a call needs room for a txid)
 * @wr:		what to write
 *
 * Checks the options and the handle, builds the message and moves the
 * handles into it, in Zircon's order.  Every failure after the handle
 * array could be read consumes the handles.
 *
 * Return: the message ready to be queued, or an ERR_PTR.
 */
struct zx_msg *zx_channel_prepare_msg(struct zx_handle *h, u32 rights,
				      u32 min_bytes,
				      const struct zx_write_params *wr)
{
	struct zx_msg *msg;
	int ret;

	if (wr->options & ~ZXU_CHANNEL_WRITE_USE_IOVEC)
		ret = -EINVAL;
	else
		ret = zx_channel_check(h, rights);
	if (ret)
		goto consume;

	msg = zx_msg_from_user(wr->bytes, wr->num_bytes, wr->num_handles,
			       wr->options & ZXU_CHANNEL_WRITE_USE_IOVEC);
	if (IS_ERR(msg)) {
		ret = PTR_ERR(msg);
		goto consume;
	}
	if (msg->num_bytes < min_bytes) {
		zx_msg_free(msg);
		ret = -EINVAL;
		goto consume;
	}
	if (msg->num_handles) {
		ret = zx_msg_attach_handles(msg, wr->handles, wr->etc, h->obj);
		if (ret) {
			zx_msg_free(msg);
			return ERR_PTR(ret);
		}
	}
	return msg;

consume:
	zx_consume_handles(wr->handles, wr->num_handles, wr->etc);
	return ERR_PTR(ret);
}

/**
 * zx_write_params_init() - the write half of an ioctl, as the core sees it
 * @wr:		filled in
 * @args:	the ioctl's write block
 * @etc:	the handles are dispositions
 */
void zx_write_params_init(struct zx_write_params *wr,
			  const struct zxu_ioc_channel_write *args, bool etc)
{
	*wr = (struct zx_write_params) {
		.bytes = args->bytes,
		.handles = args->handles,
		.num_bytes = args->num_bytes,
		.num_handles = args->num_handles,
		.options = args->options,
		.fd = args->handle,
		.etc = etc,
	};
}

/**
 * zx_read_params_init() - the read half of an ioctl, as the core sees it
 * @rd:		filled in
 * @args:	the ioctl's read block
 * @etc:	the handles are read as zx_handle_info_t
 */
void zx_read_params_init(struct zx_read_params *rd,
			 const struct zxu_ioc_channel_read *args, bool etc)
{
	*rd = (struct zx_read_params) {
		.bytes = args->bytes,
		.handles = args->handles,
		.actual_bytes = args->actual_bytes,
		.actual_handles = args->actual_handles,
		.num_bytes = args->num_bytes,
		.num_handles = args->num_handles,
		.etc = etc,
	};
}

static long zx_channel_write(struct file *file, bool etc, void __user *uarg)
{
	struct zx_handle *h = file->private_data;
	struct zxu_ioc_channel_write args;
	struct zx_write_params wr;
	struct zx_msg *msg;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	zx_write_params_init(&wr, &args, etc);
	if (!zx_fd_names_file(wr.fd, file)) {
		zx_consume_handles(wr.handles, wr.num_handles, etc);
		return -EBADF;
	}

	msg = zx_channel_prepare_msg(h, ZXU_RIGHT_WRITE, 0, &wr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ret = zx_endpoint_enqueue(zx_endpoint(h->obj), file, &wr, msg);
	if (ret)
		zx_msg_free(msg);
	return ret;
}

static int zx_put_u32(u64 uptr, u32 value)
{
	if (!uptr)
		return 0;
	return put_user(value, (u32 __user *)u64_to_user_ptr(uptr)) ?
		-EFAULT : 0;
}

/**
 * zx_msg_copy_out() - hand a message that fits to its reader
 * @msg:	the message, off any queue
 * @rd:		where it goes
 * @fds:	msg->num_handles fds from zx_fds_reserve()
 *
 * Sizes first, then the bytes, then the handle values, so overlapping
 * buffers end up holding handle data, as on Zircon; the handles are
 * installed last, once nothing can fail any more.
 *
 * Return: 0 (the handles and @fds now belong to the reader; the caller
 * frees @msg) or -EFAULT (nothing installed: the caller gives back @fds
 * and frees @msg, whose handles are closed -- the message is lost).
 */
int zx_msg_copy_out(struct zx_msg *msg, const struct zx_read_params *rd,
		    const int *fds)
{
	if (zx_put_u32(rd->actual_bytes, msg->num_bytes) ||
	    zx_put_u32(rd->actual_handles, msg->num_handles) ||
	    copy_to_user(u64_to_user_ptr(rd->bytes), zx_msg_bytes(msg),
			 msg->num_bytes) ||
	    zx_msg_put_handle_values(msg, rd->handles, rd->etc, fds))
		return -EFAULT;
	zx_msg_install_handles(msg, fds);
	return 0;
}

/* The head of @ep's queue does not fit: report its size, maybe drop it. */
static long zx_endpoint_read_too_big_locked(struct zx_endpoint *ep,
					    struct zx_msg *msg,
					    const struct zx_read_params *rd,
					    u32 options)
	__releases(ep->obj.lock)
{
	u32 num_bytes = msg->num_bytes;
	u32 num_handles = msg->num_handles;

	lockdep_assert_held(ep->obj.lock);
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

static bool zx_msg_fits(const struct zx_msg *msg,
			const struct zx_read_params *rd)
{
	return msg->num_bytes <= rd->num_bytes &&
		msg->num_handles <= rd->num_handles;
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
long zx_endpoint_read(struct zx_endpoint *ep, const struct zx_read_params *rd,
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

static long zx_channel_read(struct zx_handle *h, bool etc, void __user *uarg)
{
	struct zxu_ioc_channel_read args;
	struct zx_read_params rd;
	long ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;
	ret = zx_channel_check(h, ZXU_RIGHT_READ);
	if (ret)
		return ret;
	if (args.options & ~ZXU_CHANNEL_READ_MAY_DISCARD)
		return -EOPNOTSUPP;

	zx_read_params_init(&rd, &args, etc);
	return zx_endpoint_read(zx_endpoint(h->obj), &rd, args.options);
}

/**
 * zx_channel_ioctl() - the channel-specific ioctls of a handle
 * @file:	the handle's file
 * @cmd:	ZX_IOC_CHANNEL_*
 * @uarg:	the command's argument block
 */
long zx_channel_ioctl(struct file *file, unsigned int cmd, void __user *uarg)
{
	struct zx_handle *h = file->private_data;

	switch (cmd) {
	case ZX_IOC_CHANNEL_WRITE:
		return zx_channel_write(file, false, uarg);
	case ZX_IOC_CHANNEL_WRITE_ETC:
		return zx_channel_write(file, true, uarg);
	case ZX_IOC_CHANNEL_READ:
		return zx_channel_read(h, false, uarg);
	case ZX_IOC_CHANNEL_READ_ETC:
		return zx_channel_read(h, true, uarg);
	case ZX_IOC_CHANNEL_CALL:
		return zx_channel_call(file, false, uarg);
	case ZX_IOC_CHANNEL_CALL_ETC:
		return zx_channel_call(file, true, uarg);
	case ZX_IOC_CHANNEL_CALL_FINISH:
		return zx_channel_call_finish(file, uarg);
	case ZX_IOC_CHANNEL_REPLY_READ:
		return zx_channel_reply_read(file, uarg);
	default:
		return -ENOTTY;
	}
}
