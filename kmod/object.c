// SPDX-License-Identifier: GPL-2.0
/*
 * zx: the object core -- koids, memory references and signals, common to
 * every object type (see DOC: objects in object.h).
 *
 * Locking: obj->lock (shared by peers) protects obj->signals.  Wake-ups of
 * obj->wq happen under obj->lock, so the lock order is
 *   obj->lock -> obj->wq.lock
 * and nothing may take obj->lock from a wait-queue callback.
 */

#include <linux/atomic.h>

#include "object.h"

/* Koids start where Zircon's do; below are reserved values. */
#define ZX_KOID_FIRST	1024

static atomic64_t zx_last_koid = ATOMIC64_INIT(ZX_KOID_FIRST - 1);

/* Objects that exist: what tests and the unload path look at. */
static atomic_long_t zx_objects = ATOMIC_LONG_INIT(0);

/**
 * zx_object_init() - initialise the common part of a new object
 * @obj:	the object
 * @ops:	its type
 * @refs:	its memory refcount (shared with the peer for pairs)
 * @lock:	its lock (shared with the peer for pairs)
 * @signals:	initial signal state
 *
 * The object gets a koid never handed out before and starts with no
 * handles; zx_handle_file_create() adds them.
 */
void zx_object_init(struct zx_object *obj, const struct zx_object_type *ops,
		    refcount_t *refs, spinlock_t *lock, u32 signals)
{
	obj->ops = ops;
	obj->refs = refs;
	obj->lock = lock;
	obj->peer = NULL;
	obj->koid = atomic64_inc_return(&zx_last_koid);
	obj->gc = NULL;
	atomic_set(&obj->handle_count, 0);
	obj->signals = signals;
	init_waitqueue_head(&obj->wq);
	init_waitqueue_head(&obj->handle_wq);
	atomic_long_inc(&zx_objects);
}

/**
 * zx_object_init_pair() - initialise the two objects of a pair
 * @objs:	receives the two objects
 * @a:		first object
 * @b:		second object
 * @ops:	their type
 * @refs:	their shared memory refcount; set to the creator's reference
 * @lock:	their shared lock, already initialised (by the type, so that
 *		each type's lock has its own lockdep class)
 * @signals:	initial signal state of both
 */
void zx_object_init_pair(struct zx_object **objs, struct zx_object *a,
			 struct zx_object *b, const struct zx_object_type *ops,
			 refcount_t *refs, spinlock_t *lock, u32 signals)
{
	refcount_set(refs, 1);
	zx_object_init(a, ops, refs, lock, signals);
	zx_object_init(b, ops, refs, lock, signals);
	a->peer = b;
	b->peer = a;
	objs[0] = a;
	objs[1] = b;
}

/**
 * zx_object_put() - drop a memory reference
 * @obj: the object
 */
void zx_object_put(struct zx_object *obj)
{
	if (!refcount_dec_and_test(obj->refs))
		return;
	/* Peers share their memory and go together. */
	atomic_long_sub(obj->ops->peered ? 2 : 1, &zx_objects);
	obj->ops->free(obj);
}

/**
 * zx_object_count() - how many objects exist
 *
 * Counts each endpoint of a channel and each half of an eventpair.
 */
long zx_object_count(void)
{
	return atomic_long_read(&zx_objects);
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
	u32 old, new;

	lockdep_assert_held(obj->lock);
	old = obj->signals;
	new = (old & ~clear) | set;
	if (new == old)
		return;
	WRITE_ONCE(obj->signals, new);
	if (new & ~old)
		wake_up_poll(&obj->wq, zx_signals_to_poll(new & ~old));
}

/**
 * zx_object_user_signal() - zx_object_signal{,_peer}
 * @obj:	the object the handle names
 * @rights:	the handle's rights
 * @peer:	signal the peer instead of the object itself
 * @clear_mask:	bits to clear
 * @set_mask:	bits to set
 *
 * Check order follows Zircon: rights, then "has no peer", then the masks,
 * then whether the peer is still there.
 *
 * Return: 0, -EACCES, -EOPNOTSUPP (no peer), -EINVAL (bits users may not
 * change), -EPIPE (the peer is gone).
 */
int zx_object_user_signal(struct zx_object *obj, u32 rights, bool peer,
			  u32 clear_mask, u32 set_mask)
{
	struct zx_object *target = peer ? obj->peer : obj;
	int ret = 0;

	if (!(rights & (peer ? ZXU_RIGHT_SIGNAL_PEER : ZXU_RIGHT_SIGNAL)))
		return -EACCES;
	if (peer && !obj->ops->peered)
		return -EOPNOTSUPP;
	if ((clear_mask | set_mask) & ~obj->ops->user_signals)
		return -EINVAL;

	spin_lock(obj->lock);
	if (peer && (obj->signals & ZXU_CHANNEL_PEER_CLOSED))
		ret = -EPIPE;
	else
		zx_object_update_signals_locked(target, clear_mask, set_mask);
	spin_unlock(obj->lock);
	return ret;
}
