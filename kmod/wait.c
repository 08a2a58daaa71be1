// SPDX-License-Identifier: GPL-2.0
/*
 * zx: blocking -- zx_object_wait_one, zx_object_wait_many, and the pieces
 * every blocking operation shares.
 *
 * A thread blocked on a handle watches two things on the handle's object:
 * obj->wq, woken when signals are asserted, and obj->handle_wq, woken when
 * an fd naming one of the object's handles is closed (a struct
 * zx_handle_watch only reacts if the closed file is the one it blocks
 * through).  After every wake-up it re-evaluates from scratch: the
 * condition, and whether its fd still names its file.  Deadlines are
 * absolute CLOCK_MONOTONIC times, so a wait restarted after a signal ends
 * when the original would have.
 *
 * Locking: entries are added and removed under the wait-queue locks only;
 * signals are read with READ_ONCE.  set_current_state() before each
 * evaluation pairs with the wake-up, so no assertion is missed.
 */

#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "handle.h"
#include "wait.h"

/**
 * zx_schedule_until() - sleep until woken or until @deadline
 * @deadline: absolute CLOCK_MONOTONIC ns, or ZX_TIME_INFINITE
 *
 * The caller has set its task state, as for schedule().
 *
 * Return: true if the deadline has passed.
 */
static bool zx_schedule_until(s64 deadline)
{
	ktime_t expires = ns_to_ktime(deadline);

	if (deadline == ZXU_TIME_INFINITE) {
		schedule();
		return false;
	}
	/* hrtimers do not fire for negative times: past means now. */
	if (deadline <= ktime_to_ns(ktime_get())) {
		__set_current_state(TASK_RUNNING);
		return true;
	}
	return !schedule_hrtimeout_range(&expires, current->timer_slack_ns,
					 HRTIMER_MODE_ABS);
}

/**
 * zx_wait_step() - the rest of one turn of a blocking loop
 * @watch:	the handle being blocked through, or NULL if the caller
 *		checks for its closing itself
 * @deadline:	absolute CLOCK_MONOTONIC ns, or ZX_TIME_INFINITE
 * @timed_out:	loop state, false initially
 *
 * The caller has set its task state and found its condition still false.
 * Checks, in this order, whether the handle was closed, the deadline has
 * passed or a signal is pending, and otherwise sleeps.
 *
 * Return: 0 to evaluate the condition again, else -ECANCELED, -ETIMEDOUT
 * or -EINTR; the task state is left for the caller to reset.
 */
int zx_wait_step(struct zx_handle_watch *watch, s64 deadline, bool *timed_out)
{
	if (watch && zx_handle_watch_closed(watch))
		return -ECANCELED;
	if (*timed_out)
		return -ETIMEDOUT;
	if (signal_pending(current))
		return -EINTR;
	*timed_out = zx_schedule_until(deadline);
	return 0;
}

/**
 * struct zx_wait_entry - one object being waited for
 * @signal_wait:	entry on obj->wq
 * @watch:		notices the handle being closed
 * @obj:		the object behind the handle
 * @waitfor:		signals that end the wait
 * @closed:		the handle was closed during the wait
 */
struct zx_wait_entry {
	wait_queue_entry_t signal_wait;
	struct zx_handle_watch watch;
	struct zx_object *obj;
	u32 waitfor;
	bool closed;
};

/* Whether the wait is over; marks entries whose handle was closed. */
static bool zx_wait_done(struct zx_wait_entry *e, unsigned int n)
{
	bool done = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!e[i].closed && zx_handle_watch_closed(&e[i].watch))
			e[i].closed = true;
		if (e[i].closed || (READ_ONCE(e[i].obj->signals) & e[i].waitfor))
			done = true;
	}
	return done;
}

/*
 * Sleep until one entry is satisfied or closed, or @deadline passes.
 * Return: 0 when an entry ended the wait, -ETIMEDOUT, or -ERESTARTSYS.
 */
static int zx_wait_entries(struct zx_wait_entry *e, unsigned int n,
			   s64 deadline)
{
	bool timed_out = false;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		init_waitqueue_entry(&e[i].signal_wait, current);
		add_wait_queue(&e[i].obj->wq, &e[i].signal_wait);
	}

	do {
		set_current_state(TASK_INTERRUPTIBLE);
		if (zx_wait_done(e, n)) {
			ret = 0;
			break;
		}
		ret = zx_wait_step(NULL, deadline, &timed_out);
	} while (!ret);
	__set_current_state(TASK_RUNNING);
	/* The deadline is absolute: restarting the wait is exact. */
	if (ret == -EINTR)
		ret = -ERESTARTSYS;

	for (i = 0; i < n; i++)
		remove_wait_queue(&e[i].obj->wq, &e[i].signal_wait);
	return ret;
}

static u32 zx_wait_observed(const struct zx_wait_entry *e)
{
	return READ_ONCE(e->obj->signals) |
		(e->closed ? ZXU_SIGNAL_HANDLE_CLOSED : 0);
}

/**
 * zx_wait_one() - zx_object_wait_one on the handle @fd names
 * @file:	the handle's file, referenced by the caller
 * @fd:		the fd the caller named it by
 * @signals:	signals that end the wait
 * @deadline:	absolute CLOCK_MONOTONIC ns, or ZX_TIME_INFINITE
 * @observed:	receives the signals when the wait ends; a handle closed
 *		during the wait adds ZX_SIGNAL_HANDLE_CLOSED
 *
 * Return: 0, -ETIMEDOUT or -ECANCELED (the handle was closed) with
 * @observed set; -EACCES (no ZX_RIGHT_WAIT) or -ERESTARTSYS without.
 */
int zx_wait_one(struct file *file, unsigned int fd, u32 signals, s64 deadline,
		u32 *observed)
{
	struct zx_handle *h = file->private_data;
	struct zx_wait_entry e = { };
	int ret;

	if (!(h->rights & ZXU_RIGHT_WAIT))
		return -EACCES;

	e.obj = h->obj;
	e.waitfor = signals;
	zx_handle_watch_start(&e.watch, file, fd);
	ret = zx_wait_entries(&e, 1, deadline);
	zx_handle_watch_stop(&e.watch);
	if (ret == -ERESTARTSYS)
		return ret;
	*observed = zx_wait_observed(&e);
	return e.closed ? -ECANCELED : ret;
}

/**
 * zx_wait_many() - zx_object_wait_many
 * @items:	the items, in kernel memory; each item's pending field gets
 *		its object's signals when the wait ends
 * @num_items:	how many, at most ZX_WAIT_MANY_MAX_ITEMS
 * @deadline:	absolute CLOCK_MONOTONIC ns, or ZX_TIME_INFINITE
 *
 * Items are checked in order and the first bad one decides the error.
 *
 * Return: 0, -ETIMEDOUT or -ECANCELED (a handle was closed) with the
 * pending fields set; -EBADF, -EACCES, -ENOMEM or -ERESTARTSYS without.
 */
int zx_wait_many(struct zxu_wait_item *items, u32 num_items, s64 deadline)
{
	struct zx_wait_entry *e;
	u32 n, i;
	int ret = 0;

	e = kcalloc(num_items, sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (num_items && !e)
		return -ENOMEM;

	for (n = 0; n < num_items; n++) {
		struct file *file = fget(items[n].handle);
		struct zx_handle *h = file ? zx_handle_from_file(file) : NULL;

		if (!h || !(h->rights & ZXU_RIGHT_WAIT)) {
			ret = h ? -EACCES : -EBADF;
			if (file)
				fput(file);
			goto out;
		}
		e[n].obj = h->obj;
		e[n].waitfor = items[n].waitfor;
		zx_handle_watch_start(&e[n].watch, file, items[n].handle);
	}

	ret = zx_wait_entries(e, n, deadline);
	if (ret == -ERESTARTSYS)
		goto out;
	for (i = 0; i < n; i++) {
		items[i].pending = zx_wait_observed(&e[i]);
		if (e[i].closed)
			ret = -ECANCELED;
	}
out:
	for (i = 0; i < n; i++) {
		zx_handle_watch_stop(&e[i].watch);
		fput(e[i].watch.file);
	}
	kfree(e);
	return ret;
}
