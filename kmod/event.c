// SPDX-License-Identifier: GPL-2.0
/*
 * zx: events and eventpairs -- objects that are nothing but signals.  They
 * give rights, duplication and WRONG_TYPE real objects to act on besides
 * channels.
 *
 * Locking: an event has its own lock; the two halves of an eventpair share
 * one, like channel endpoints.  Lock order as in object.c.
 */

#include <linux/slab.h>

#include "event.h"
#include "object.h"

/**
 * struct zx_event - an event, or one half of an eventpair
 * @obj:	the zx object
 * @refs:	memory references (of the whole pair, for eventpairs)
 * @lock:	the object lock (of the whole pair, for eventpairs)
 */
struct zx_event {
	struct zx_object obj;
	refcount_t refs;
	spinlock_t lock; /* see the top of this file */
};

static void zx_event_on_zero_handles(struct zx_object *obj)
{
}

static void zx_event_free(struct zx_object *obj)
{
	kfree(container_of(obj, struct zx_event, obj));
}

static const struct zx_object_type zx_event_type = {
	.type		= ZXU_OBJ_TYPE_EVENT,
	.name		= "[zx-event]",
	.user_signals	= ZXU_USER_SIGNAL_ALL | ZXU_EVENT_SIGNALED,
	.on_zero_handles = zx_event_on_zero_handles,
	.free		= zx_event_free,
};

/**
 * zx_event_new() - a new event
 * @objs: receives the event in @objs[0], with one memory reference the
 *	  caller owns
 *
 * Return: 0 or -ENOMEM.
 */
int zx_event_new(struct zx_object **objs)
{
	struct zx_event *ev;

	ev = kzalloc(sizeof(*ev), GFP_KERNEL_ACCOUNT);
	if (!ev)
		return -ENOMEM;
	refcount_set(&ev->refs, 1);
	spin_lock_init(&ev->lock);
	zx_object_init(&ev->obj, &zx_event_type, &ev->refs, &ev->lock, 0);
	objs[0] = &ev->obj;
	return 0;
}

/*
 * The two halves of an eventpair live in one allocation: the first half's
 * refs and lock serve both.
 */
static void zx_eventpair_on_zero_handles(struct zx_object *obj)
{
	spin_lock(obj->lock);
	zx_object_update_signals_locked(obj->peer, 0,
					ZXU_EVENTPAIR_PEER_CLOSED);
	spin_unlock(obj->lock);
}

static void zx_eventpair_free(struct zx_object *obj)
{
	kfree(container_of(obj->lock, struct zx_event, lock));
}

static const struct zx_object_type zx_eventpair_type = {
	.type		= ZXU_OBJ_TYPE_EVENTPAIR,
	.name		= "[zx-eventpair]",
	.user_signals	= ZXU_USER_SIGNAL_ALL | ZXU_EVENTPAIR_SIGNALED,
	.peered		= true,
	.on_zero_handles = zx_eventpair_on_zero_handles,
	.free		= zx_eventpair_free,
};

/**
 * zx_eventpair_new() - a new eventpair
 * @objs: receives the two halves, with one memory reference (of the
 *	  pair) the caller owns
 *
 * Return: 0 or -ENOMEM.
 */
int zx_eventpair_new(struct zx_object **objs)
{
	struct zx_event *pair;

	pair = kcalloc(2, sizeof(*pair), GFP_KERNEL_ACCOUNT);
	if (!pair)
		return -ENOMEM;
	spin_lock_init(&pair[0].lock);
	zx_object_init_pair(objs, &pair[0].obj, &pair[1].obj,
			    &zx_eventpair_type, &pair[0].refs, &pair[0].lock, 0);
	return 0;
}
