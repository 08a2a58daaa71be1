// SPDX-License-Identifier: GPL-2.0
/*
 * zx: state and operations common to all objects: signals, get_info.
 *
 * Locking: obj->lock (shared by peers) protects obj->signals.  Wake-ups of
 * obj->wq happen under obj->lock, so the lock order is
 *   obj->lock -> obj->wq.lock
 * and nothing may take obj->lock from a wait-queue callback.
 */

#include <linux/poll.h>
#include <linux/uaccess.h>

#include "zx.h"

/**
 * zx_object_init() - initialise the common part of a new object
 * @obj:	the object
 * @ops:	its type
 * @refs:	its memory refcount (shared with the peer for pairs)
 * @lock:	its lock (shared with the peer for pairs)
 * @signals:	initial signal state
 *
 * The object starts with no handles; zx_handle_file_create() adds them.
 */
void zx_object_init(struct zx_object *obj, const struct zx_object_type *ops,
		    refcount_t *refs, spinlock_t *lock, u32 signals)
{
	obj->ops = ops;
	obj->refs = refs;
	obj->lock = lock;
	obj->peer = NULL;
	atomic_set(&obj->handle_count, 0);
	obj->koid = zx_koid_next();
	obj->signals = signals;
	init_waitqueue_head(&obj->wq);
	init_waitqueue_head(&obj->handle_wq);
}

/**
 * zx_errno_to_status() - the zx_status_t an errno stands for
 * @err: a negative errno from this module
 *
 * Only needed where a status is stored in user memory instead of being
 * returned (zx_handle_disposition_t.result); the table is the uapi's.
 */
s32 zx_errno_to_status(int err)
{
	static const struct {
		s32 status;
		int err;
	} pairs[] = ZXU_STATUS_ERRNO_PAIRS, aliases[] = ZXU_ERRNO_ALIAS_PAIRS;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		if (pairs[i].err == -err)
			return pairs[i].status;
	}
	for (i = 0; i < ARRAY_SIZE(aliases); i++) {
		if (aliases[i].err == -err)
			return aliases[i].status;
	}
	return -1;	/* ZX_ERR_INTERNAL */
}

/**
 * zx_object_put() - drop a memory reference
 * @obj: the object
 */
void zx_object_put(struct zx_object *obj)
{
	if (refcount_dec_and_test(obj->refs))
		obj->ops->free(obj);
}

/*
 * Channel and eventpair signal bits share their positions (bit 0 readable,
 * bit 1 writable, bit 2 peer closed, bit 3 signaled), so one table serves
 * every type.
 */
static __poll_t zx_signals_to_poll(u32 signals)
{
	__poll_t mask = 0;

	if (signals & (ZXU_CHANNEL_READABLE | ZXU_EVENT_SIGNALED))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (signals & ZXU_CHANNEL_WRITABLE)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (signals & ZXU_CHANNEL_PEER_CLOSED)
		mask |= EPOLLHUP;
	return mask;
}

/**
 * zx_object_poll_mask() - poll(2) view of an object's signals
 * @obj: the object
 */
__poll_t zx_object_poll_mask(struct zx_object *obj)
{
	return zx_signals_to_poll(READ_ONCE(obj->signals));
}

/**
 * zx_object_update_signals_locked() - clear then set signal bits
 * @obj:	the object; caller holds obj->lock
 * @clear:	bits to clear
 * @set:	bits to set afterwards
 *
 * Waiters only care about bits being asserted, so only a change that
 * asserts something wakes anybody.
 */
void zx_object_update_signals_locked(struct zx_object *obj, u32 clear, u32 set)
{
	u32 old = obj->signals;
	u32 new = (old & ~clear) | set;

	lockdep_assert_held(obj->lock);
	if (new == old)
		return;
	WRITE_ONCE(obj->signals, new);
	if (new & ~old)
		wake_up_poll(&obj->wq, zx_signals_to_poll(new & ~old));
}

/**
 * zx_object_update_signals() - zx_object_update_signals_locked(), locking
 * @obj:	the object
 * @clear:	bits to clear
 * @set:	bits to set afterwards
 */
void zx_object_update_signals(struct zx_object *obj, u32 clear, u32 set)
{
	spin_lock(obj->lock);
	zx_object_update_signals_locked(obj, clear, set);
	spin_unlock(obj->lock);
}

/**
 * zx_object_signal() - ZX_IOC_OBJECT_SIGNAL{,_PEER}
 * @h:		the handle the ioctl came in on
 * @peer:	signal the peer instead of the object itself
 * @uarg:	struct zxu_ioc_signal
 *
 * Check order follows Zircon: rights, then "has no peer", then the masks,
 * then whether the peer is still there.
 */
long zx_object_signal(struct zx_handle *h, bool peer, void __user *uarg)
{
	struct zxu_ioc_signal args;
	struct zx_object *obj = h->obj;
	struct zx_object *target;
	u32 allowed = obj->ops->user_signals;
	long ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!(h->rights & (peer ? ZXU_RIGHT_SIGNAL_PEER : ZXU_RIGHT_SIGNAL)))
		return -EACCES;
	if (peer && !obj->ops->peered)
		return -EOPNOTSUPP;
	if ((args.clear_mask | args.set_mask) & ~allowed)
		return -EINVAL;

	target = peer ? obj->peer : obj;
	spin_lock(obj->lock);
	if (peer && (obj->signals & ZXU_CHANNEL_PEER_CLOSED))
		ret = -EPIPE;
	else
		zx_object_update_signals_locked(target, args.clear_mask,
						args.set_mask);
	spin_unlock(obj->lock);
	return ret;
}

static int zx_put_count(u64 __user *uptr, u64 value)
{
	if (!uptr)
		return 0;
	return put_user(value, uptr) ? -EFAULT : 0;
}

/*
 * Write one fixed-size record the way zx_object_get_info does: a buffer
 * that is too small gets actual = 0, avail = 1 and BUFFER_TOO_SMALL.
 */
static long zx_info_put_record(const struct zxu_ioc_get_info *args,
			       const void *rec, size_t size)
{
	u64 __user *actual = u64_to_user_ptr(args->actual);
	u64 __user *avail = u64_to_user_ptr(args->avail);

	if (args->buffer_size < size) {
		if (zx_put_count(actual, 0) || zx_put_count(avail, 1))
			return -EFAULT;
		return -EMSGSIZE;
	}
	if (copy_to_user(u64_to_user_ptr(args->buffer), rec, size))
		return -EFAULT;
	if (zx_put_count(actual, 1) || zx_put_count(avail, 1))
		return -EFAULT;
	return 0;
}

/**
 * zx_object_get_info() - ZX_IOC_OBJECT_GET_INFO
 * @h:		the handle the ioctl came in on
 * @uarg:	struct zxu_ioc_get_info
 */
long zx_object_get_info(struct zx_handle *h, void __user *uarg)
{
	struct zxu_ioc_get_info args;
	struct zx_object *obj = h->obj;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;

	switch (args.topic) {
	case ZXU_INFO_HANDLE_VALID:
		return 0;
	case ZXU_INFO_HANDLE_BASIC: {
		struct zxu_info_handle_basic info = {
			.koid = obj->koid,
			.rights = h->rights,
			.type = obj->ops->type,
			.related_koid = obj->peer ? obj->peer->koid : 0,
			.props = ZXU_OBJ_PROP_WAITABLE,
		};

		return zx_info_put_record(&args, &info, sizeof(info));
	}
	case ZXU_INFO_HANDLE_COUNT: {
		u32 count;

		if (!(h->rights & ZXU_RIGHT_INSPECT))
			return -EACCES;
		count = atomic_read(&obj->handle_count);
		return zx_info_put_record(&args, &count, sizeof(count));
	}
	default:
		return -EOPNOTSUPP;
	}
}
