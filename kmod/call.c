// SPDX-License-Identifier: GPL-2.0
/*
 * zx: blocking calls -- zx_channel_call() waits for its reply here; the
 * routing of replies to waiters lives with the queue, in channel.c (see
 * DOC: calls in channel.h).
 *
 * Linux signals.  A call cannot be restarted from scratch once its request
 * is out, so an interrupted call returns EINTR (never ERESTART*) and leaves
 * its waiter on the endpoint, "parked"; a reply arriving meanwhile is kept
 * in the waiter.  libzx then resumes with ZX_IOC_CHANNEL_CALL_FINISH, which
 * finds the thread's parked waiter and continues with the original
 * deadline -- Zircon's call_noretry/call_finish split.  A fatal signal
 * removes the waiter at once.  A parked waiter nobody resumes is dropped
 * by the thread's next call on the endpoint (the thread longjmp'ed away),
 * by the reaper within about a second of its thread's exit, or when the
 * endpoint closes.  Dropping a waiter that holds a reply queues the reply
 * as a plain message, as for a reply that arrives after a timeout: a
 * reply is never lost while its endpoint is open.
 *
 * Locking: waiters live on ep->callers under the channel lock (see
 * channel.c).  w->reply and w->status are written under it and read
 * locklessly by the sleeping owner, which re-checks them after every
 * wake-up.
 *
 * Lock order: channel->lock -> zx_parked_lock.  Whether an endpoint is on
 * the reaper's list (ep->parked_listed) is decided under the channel lock,
 * in the same critical section that parks a waiter or finds none left, so
 * the reaper can never unlist an endpoint that just got a parked waiter;
 * zx_parked_lock only guards the list itself.
 */

#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "call.h"
#include "channel.h"
#include "fd.h"
#include "limits.h"
#include "wait.h"

static struct zx_uint_param parked_call_reap_ms = {
	.val = 1000, .min = 10, .max = 60000,
};
module_param_cb(parked_call_reap_ms, &zx_uint_range_ops, &parked_call_reap_ms,
		0644);
MODULE_PARM_DESC(parked_call_reap_ms,
		 "How often (ms) parked calls of exited threads are looked for (default 1000)");

/*
 * The reaper.  A thread can leave a parked call behind and exit, and no
 * hook tells a module about a thread's exit.  So every endpoint that gets
 * a parked waiter goes on zx_parked_eps (holding a memory reference), and
 * a delayed work looks at each every parked_call_reap_ms (1 s) until no
 * parked waiter is left on it.  Parked waiters are rare and short-lived
 * (libzx resumes an interrupted call right after the signal handler), so
 * the list is normally empty and the work idle.
 */
static void zx_call_reap_fn(struct work_struct *work);

static LIST_HEAD(zx_parked_eps);
static DEFINE_SPINLOCK(zx_parked_lock);
static DECLARE_DELAYED_WORK(zx_call_reap_work, zx_call_reap_fn);

static void zx_call_schedule_reaper(void)
{
	schedule_delayed_work(&zx_call_reap_work,
			      msecs_to_jiffies(READ_ONCE(parked_call_reap_ms.val)));
}

/* Put @ep on the reaper's list; caller just parked a waiter on it. */
static void zx_call_watch_parked_locked(struct zx_endpoint *ep)
{
	lockdep_assert_held(ep->obj.lock);
	if (ep->parked_listed)
		return;
	ep->parked_listed = true;
	zx_object_get(&ep->obj);
	spin_lock(&zx_parked_lock);
	list_add_tail(&ep->parked_node, &zx_parked_eps);
	spin_unlock(&zx_parked_lock);
}

static void zx_call_reap_fn(struct work_struct *work)
{
	struct zx_endpoint *ep, *tmp;
	LIST_HEAD(eps);
	bool again;

	spin_lock(&zx_parked_lock);
	list_splice_init(&zx_parked_eps, &eps);
	spin_unlock(&zx_parked_lock);

	/* Listed endpoints' nodes are only ever moved by this function. */
	list_for_each_entry_safe(ep, tmp, &eps, parked_node) {
		LIST_HEAD(dead);
		bool live;

		spin_lock(ep->obj.lock);
		live = zx_endpoint_reap_parked_locked(ep, false, &dead);
		if (live) {
			spin_lock(&zx_parked_lock);
			list_move_tail(&ep->parked_node, &zx_parked_eps);
			spin_unlock(&zx_parked_lock);
		} else {
			list_del_init(&ep->parked_node);
			ep->parked_listed = false;
		}
		spin_unlock(ep->obj.lock);

		zx_call_free_list(&dead);
		if (!live)
			zx_object_put(&ep->obj);
		cond_resched();
	}

	spin_lock(&zx_parked_lock);
	again = !list_empty(&zx_parked_eps);
	spin_unlock(&zx_parked_lock);
	if (again)
		zx_call_schedule_reaper();
}

/**
 * zx_call_exit() - stop the reaper; at module unload
 *
 * No handle is left, so every endpoint on the list is closed and its
 * waiters are gone: only the list's references remain to be dropped.
 */
void zx_call_exit(void)
{
	struct zx_endpoint *ep, *tmp;

	cancel_delayed_work_sync(&zx_call_reap_work);
	list_for_each_entry_safe(ep, tmp, &zx_parked_eps, parked_node) {
		list_del_init(&ep->parked_node);
		zx_object_put(&ep->obj);
	}
}

/*
 * Block until the call is answered, the peer closes, the handle is closed,
 * the deadline passes or a signal arrives.
 */
static int zx_call_sleep(struct file *file, unsigned int fd,
			 struct zx_call_waiter *w)
{
	struct zx_handle_watch watch;
	bool timed_out = false;
	int ret;

	zx_handle_watch_start(&watch, file, fd);
	do {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(w->reply) || READ_ONCE(w->status)) {
			ret = 0;
			break;
		}
		ret = zx_wait_step(&watch, w->deadline, &timed_out);
	} while (!ret);
	__set_current_state(TASK_RUNNING);
	zx_handle_watch_stop(&watch);
	return ret;
}

/*
 * Step 9 of a call: a reply that does not fit is destroyed without
 * reporting its size; otherwise both actual pointers are mandatory.
 */
static int zx_call_copy_reply(struct zx_msg *reply,
			      const struct zx_read_params *rd)
{
	int fds[ZXU_CHANNEL_MAX_MSG_HANDLES];
	int ret;

	if (!zx_msg_fits(reply, rd))
		ret = -EMSGSIZE;
	else if (!rd->actual_bytes || !rd->actual_handles)
		ret = -EFAULT;
	else
		ret = zx_fds_reserve(fds, 0, reply->num_handles);
	if (!ret) {
		ret = zx_msg_copy_out(reply, rd, fds);
		if (ret)
			zx_fds_release(fds, reply->num_handles);
	}
	zx_msg_free(reply);
	return ret;
}

/*
 * Wait for the reply of @w and finish the call: park on a signal, or
 * retire the waiter and copy the reply out.
 */
static int zx_call_wait(struct file *file, unsigned int fd,
			struct zx_call_waiter *w,
			const struct zx_read_params *rd)
{
	struct zx_handle *h = file->private_data;
	struct zx_endpoint *ep = zx_endpoint(h->obj);
	struct zx_read_params reply_rd = *rd;
	struct zx_msg *reply;
	int status, ret;

	ret = zx_call_sleep(file, fd, w);

	spin_lock(ep->obj.lock);
	reply = w->reply;
	status = w->status;
	if (!reply && !status && ret == -EINTR &&
	    !fatal_signal_pending(current)) {
		w->parked = true;
		zx_call_watch_parked_locked(ep);
		spin_unlock(ep->obj.lock);
		zx_call_schedule_reaper();
		return -EINTR;
	}
	zx_endpoint_unlink_call_locked(ep, w);
	/* The reply is this thread's now, no longer reachable through @ep. */
	zx_msg_unhold(reply);
	spin_unlock(ep->obj.lock);

	/* The reply is read the way the call that is finishing asked. */
	reply_rd.etc = w->etc;
	w->reply = NULL;
	zx_call_waiter_free(w);
	/* A reply that raced with a timeout, cancel or signal still wins. */
	if (reply)
		return zx_call_copy_reply(reply, &reply_rd);
	return status ? status : ret;
}

/**
 * zx_call_run() - zx_channel_call{,_etc} through @file
 * @file:	the channel handle, checked with zx_channel_check_write()
 *		for READ | WRITE
 * @wr:		the request; see zx_write_params.handles_taken for what
 *		happened to its handles on failure
 * @rd:		where the reply goes
 * @deadline:	absolute CLOCK_MONOTONIC ns, or ZX_TIME_INFINITE
 *
 * Return: 0 with the reply read, or an errno; -EINTR leaves the call
 * parked for zx_call_finish().
 */
int zx_call_run(struct file *file, struct zx_write_params *wr,
		const struct zx_read_params *rd, s64 deadline)
{
	struct zx_handle *h = file->private_data;
	struct zx_endpoint *ep = zx_endpoint(h->obj);
	struct zx_call_waiter *w;
	struct zx_msg *msg;
	LIST_HEAD(stale);
	int ret;

	msg = zx_endpoint_build_msg(ep, sizeof(w->txid), wr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w) {
		zx_msg_free(msg);
		return -ENOMEM;
	}
	w->pid = get_task_pid(current, PIDTYPE_PID);
	w->task = current;
	w->deadline = deadline;
	w->etc = rd->etc;

	ret = zx_endpoint_send_call(ep, file, w, msg, wr->fd, &stale);
	zx_call_free_list(&stale);
	if (ret) {
		zx_call_waiter_free(w);
		zx_msg_free(msg);
		return ret;
	}
	return zx_call_wait(file, wr->fd, w, rd);
}

/**
 * zx_call_finish() - resume the calling thread's interrupted call
 * @file:	the channel handle the call was made through
 * @fd:		the fd naming it
 * @rd:		where the reply goes
 *
 * Return: as zx_call_run(), or -EPROTOTYPE, -EACCES (the call needed READ
 * and WRITE; so does taking its reply), -EBADFD (no interrupted call).
 */
int zx_call_finish(struct file *file, unsigned int fd,
		   const struct zx_read_params *rd)
{
	struct zx_handle *h = file->private_data;
	struct zx_endpoint *ep;
	struct zx_call_waiter *w;
	int ret;

	ret = zx_channel_check(h, ZXU_RIGHT_READ | ZXU_RIGHT_WRITE);
	if (ret)
		return ret;

	ep = zx_endpoint(h->obj);
	spin_lock(ep->obj.lock);
	w = zx_endpoint_find_parked_locked(ep);
	if (w)
		w->parked = false;
	spin_unlock(ep->obj.lock);
	if (!w)
		return -EBADFD;
	return zx_call_wait(file, fd, w, rd);
}
