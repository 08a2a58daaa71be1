/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: the object core -- what every kernel object has: a koid, a type,
 * memory references, a lock and signals.  The bottom layer of the module
 * (docs/architecture.md): it calls nothing else in zx.
 */
#ifndef _ZX_OBJECT_H
#define _ZX_OBJECT_H

#include <linux/atomic.h>
#include <linux/lockdep.h>
#include <linux/poll.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/zx.h>

struct zx_gc_vertex;
struct zx_object;

/**
 * DOC: objects
 *
 * A struct zx_object is a kernel object: a channel endpoint, an event, one
 * half of an eventpair.  Its memory is refcounted; peered objects (the two
 * endpoints of a channel) share one refcount and one lock, so a peer
 * pointer is valid for as long as either side is referenced.
 *
 * Apart from memory references an object counts its handles, including
 * handles that sit inside unread messages (files a message holds).  When
 * that count drops to zero the type's on_zero_handles() runs: Zircon's
 * "last handle closed" (peer closed, queued messages destroyed).
 *
 * New object types (ports, sockets, fifos) plug in through struct
 * zx_object_type; signals and the wait queues are what asynchronous waits
 * will hook into.
 */

/**
 * struct zx_object_type - what distinguishes one kind of zx object
 * @type:		ZXU_OBJ_TYPE_* value reported to userspace
 * @name:		anon-inode name, shown in /proc/<pid>/fd
 * @user_signals:	signal bits zx_object_signal{,_peer} may change
 * @peered:		objects come in pairs (signal_peer works)
 * @on_zero_handles:	the object lost its last handle; called without locks
 * @purge_held:	destroy every message the object holds, leaving it open:
 *		how the cycle collector frees garbage (gc.c); only for types
 *		with a collector vertex; called without locks
 * @free:		release the memory of the object (and its peer, if any)
 */
struct zx_object_type {
	u32 type;
	const char *name;
	u32 user_signals;
	bool peered;
	void (*on_zero_handles)(struct zx_object *obj);
	void (*purge_held)(struct zx_object *obj);
	void (*free)(struct zx_object *obj);
};

/**
 * struct zx_object - state common to every zx object
 * @ops:	the object's type; never changes
 * @refs:	memory references; shared with the peer for peered objects
 * @lock:	the object lock; shared with the peer for peered objects
 * @peer:	the other object of a pair, or NULL; never changes
 * @koid:	kernel object id, unique for the life of the module
 * @gc:		the collector's vertex, for objects that can hold handles
 *		(channel endpoints); NULL for the others
 * @handle_count: live handles, including handles inside queued messages
 * @signals:	current ZX signal bits
 * @wq:		woken with a poll mask when signals are asserted; poll/epoll
 *		and zx waiters sleep here
 * @handle_wq:	woken with the struct file as key when an fd naming one of
 *		the object's handles is closed, so waiters can tell whether
 *		their own handle went away
 *
 * @signals is written under @lock and read locklessly (READ_ONCE) by
 * waiters, who re-check after every wake-up.  @handle_count is atomic.
 * The wait queues have their own locks; they nest inside @lock.
 */
struct zx_object {
	/* Set at creation, never changed. */
	const struct zx_object_type *ops;
	refcount_t *refs;
	spinlock_t *lock; /* shared with the peer, see above */
	struct zx_object *peer;
	u64 koid;
	struct zx_gc_vertex *gc;

	atomic_t handle_count;

	/* Protected by @lock. */
	u32 signals;

	wait_queue_head_t wq;
	wait_queue_head_t handle_wq;
};

void zx_object_init(struct zx_object *obj, const struct zx_object_type *ops,
		    refcount_t *refs, spinlock_t *lock, u32 signals);
void zx_object_init_pair(struct zx_object **objs, struct zx_object *a,
			 struct zx_object *b, const struct zx_object_type *ops,
			 refcount_t *refs, spinlock_t *lock, u32 signals);
void zx_object_put(struct zx_object *obj);
long zx_object_count(void);
__poll_t zx_object_poll_mask(struct zx_object *obj);
void zx_object_update_signals_locked(struct zx_object *obj, u32 clear, u32 set);
int zx_object_user_signal(struct zx_object *obj, u32 rights, bool peer,
			  u32 clear_mask, u32 set_mask);

static inline void zx_object_get(struct zx_object *obj)
{
	refcount_inc(obj->refs);
}

static inline bool zx_object_is(const struct zx_object *obj, u32 type)
{
	return obj->ops->type == type;
}

#endif /* _ZX_OBJECT_H */
