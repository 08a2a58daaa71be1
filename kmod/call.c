// SPDX-License-Identifier: GPL-2.0
/*
 * zx: synchronous calls, and the server's reply-and-read.
 *
 * zx_channel_call() writes a request whose first four bytes the kernel
 * replaces with a fresh txid, then blocks until a message with that txid is
 * written into the caller's endpoint.  The waiter is registered under the
 * channel lock before the request is queued, so the reply cannot be
 * missed, and a matching message is handed straight to its waiter instead
 * of being queued (zx_call_take_reply_locked()).
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
 * A waiter names its thread by struct pid, which it pins (a few dozen
 * bytes), not by task_struct: a parked waiter can outlive its thread.  It
 * also keeps the raw task pointer, which is dereferenced only to wake a
 * waiter that is not parked (its thread is inside zx_call_sleep() and
 * cannot exit before unlinking it), and otherwise only compared: a struct
 * pid can change hands while the waiter is parked -- exec from a
 * non-leader thread gives the dying leader's pid to the exec'ing thread
 * (de_thread()) -- so a waiter belongs to the thread that has both its pid
 * and its task pointer, and is orphaned once its pid maps to any other
 * task or none.
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
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "channel.h"
#include "message.h"

/* Call txids have the top bit set; plain writes use the rest. */
#define ZX_CALL_TXID_BIT	0x80000000u

static int zx_param_set_reap_ms(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 10, 60000);
}

static const struct kernel_param_ops zx_param_reap_ms_ops = {
	.set = zx_param_set_reap_ms,
	.get = param_get_uint,
};

static unsigned int parked_call_reap_ms = 1000;
module_param_cb(parked_call_reap_ms, &zx_param_reap_ms_ops,
		&parked_call_reap_ms, 0644);
MODULE_PARM_DESC(parked_call_reap_ms,
		 "How often (ms) parked calls of exited threads are looked for (default 1000)");

/**
 * struct zx_call_waiter - one outstanding call
 * @node:	link in the calling endpoint's callers list
 * @pid:	the calling thread's pid (a reference is held)
 * @task:	the calling thread; only valid while not @parked
 * @reply:	the reply, once it arrived
 * @deadline:	absolute CLOCK_MONOTONIC deadline of the call
 * @txid:	the call's txid
 * @status:	-EPIPE once the peer closed without replying, else 0
 * @etc:	zx_channel_call_etc: the reply's handles are read as
 *		zx_handle_info_t
 * @parked:	interrupted by a signal, waiting for CALL_FINISH
 */
struct zx_call_waiter {
	struct list_head node;
	struct pid *pid;
	struct task_struct *task;
	struct zx_msg *reply;
	s64 deadline;
	u32 txid;
	int status;
	bool etc;
	bool parked;
};

/**
 * zx_call_init_endpoint() - set up the call state of a new endpoint
 * @ep: the endpoint
 */
void zx_call_init_endpoint(struct zx_endpoint *ep)
{
	INIT_LIST_HEAD(&ep->callers);
	ep->last_txid = 0;
}

static void zx_call_waiter_free(struct zx_call_waiter *w)
{
	if (!w)
		return;
	zx_msg_free(w->reply);
	put_pid(w->pid);
	kfree(w);
}

static void zx_call_free_list(struct list_head *list)
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

static u32 zx_call_new_txid_locked(struct zx_endpoint *ep)
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

/**
 * zx_call_take_reply_locked() - hand @msg to the call it answers, if any
 * @ep:		the endpoint @msg was written into; caller holds the lock
 * @msg:	the message
 *
 * Return: true if a waiting call took @msg.
 */
bool zx_call_take_reply_locked(struct zx_endpoint *ep, struct zx_msg *msg)
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
		WRITE_ONCE(w->reply, msg);
		if (!w->parked)
			wake_up_process(w->task);
		return true;
	}
	return false;
}

/**
 * zx_call_peer_closed_locked() - end the calls waiting on @ep
 * @ep: an endpoint whose peer just closed; caller holds the lock
 */
void zx_call_peer_closed_locked(struct zx_endpoint *ep)
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
 * zx_call_release_all() - drop the waiters of an endpoint that closed
 * @ep: the endpoint, which lost its last handle
 *
 * Only parked waiters can be left: a thread blocked in a call holds a
 * reference to the handle's file, so the endpoint cannot close under it.
 */
void zx_call_release_all(struct zx_endpoint *ep)
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

/* The calling thread's parked waiter on @ep, if any. */
static struct zx_call_waiter *zx_call_find_parked_locked(struct zx_endpoint *ep)
{
	struct zx_call_waiter *w;

	lockdep_assert_held(ep->obj.lock);
	list_for_each_entry(w, &ep->callers, node) {
		if (w->parked && zx_call_waiter_is_current(w))
			return w;
	}
	return NULL;
}

/*
 * Unlink a parked waiter nobody will resume onto @dead (freed by the
 * caller after dropping the lock).  A reply it holds is queued: the
 * waiter is gone, the message is not.
 */
static void zx_call_drop_parked_locked(struct zx_endpoint *ep,
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

/*
 * Drop the parked waiters of threads that are gone, and with @own the
 * calling thread's (it starts a new call instead).
 *
 * Return: whether parked waiters of live threads remain.
 */
static bool zx_call_reap_parked_locked(struct zx_endpoint *ep, bool own,
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
			zx_call_drop_parked_locked(ep, w, dead);
		else
			live = true;
	}
	return live;
}

/*
 * The reaper.  A thread can leave a parked call behind and exit, and no
 * hook tells a module about a thread's exit.  So every endpoint that gets
 * a parked waiter goes on zx_parked_eps (holding a memory reference), and
 * a delayed work looks at each every parked_call_reap_ms (1 s) until no
 * parked waiter is left on it.  Parked waiters are rare and short-lived (libzx resumes an
 * interrupted call right after the signal handler), so the list is
 * normally empty and the work idle.
 */
static void zx_call_reap_fn(struct work_struct *work);

static LIST_HEAD(zx_parked_eps);
static DEFINE_SPINLOCK(zx_parked_lock);
static DECLARE_DELAYED_WORK(zx_call_reap_work, zx_call_reap_fn);

static void zx_call_schedule_reaper(void)
{
	schedule_delayed_work(&zx_call_reap_work,
			      msecs_to_jiffies(READ_ONCE(parked_call_reap_ms)));
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
		live = zx_call_reap_parked_locked(ep, false, &dead);
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
static int zx_call_copy_reply(struct zx_msg *reply, bool etc,
			      const struct zxu_channel_call_args *ca,
			      const struct zxu_ioc_channel_call *args)
{
	struct zx_read_params rd = {
		.bytes = ca->rd_bytes,
		.handles = ca->rd_handles,
		.actual_bytes = args->actual_bytes,
		.actual_handles = args->actual_handles,
		.num_bytes = ca->rd_num_bytes,
		.num_handles = ca->rd_num_handles,
		.etc = etc,
	};
	int fds[ZXU_CHANNEL_MAX_MSG_HANDLES];
	int ret;

	if (reply->num_bytes > rd.num_bytes ||
	    reply->num_handles > rd.num_handles)
		ret = -EMSGSIZE;
	else if (!rd.actual_bytes || !rd.actual_handles)
		ret = -EFAULT;
	else
		ret = zx_fds_reserve(fds, 0, reply->num_handles);
	if (!ret) {
		ret = zx_msg_copy_out(reply, &rd, fds);
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
static long zx_call_wait(struct file *file, struct zx_call_waiter *w,
			 const struct zxu_channel_call_args *ca,
			 const struct zxu_ioc_channel_call *args)
{
	struct zx_endpoint *ep = zx_endpoint(((struct zx_handle *)
					      file->private_data)->obj);
	struct zx_msg *reply;
	bool etc = w->etc;
	int status, ret;

	ret = zx_call_sleep(file, args->handle, w);

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
	list_del(&w->node);
	spin_unlock(ep->obj.lock);

	w->reply = NULL;
	zx_call_waiter_free(w);
	/* A reply that raced with a timeout, cancel or signal still wins. */
	if (reply)
		return zx_call_copy_reply(reply, etc, ca, args);
	return status ? status : ret;
}

static int zx_call_copy_args(void __user *uarg,
			     struct zxu_ioc_channel_call *args,
			     struct zxu_channel_call_args *ca)
{
	if (copy_from_user(args, uarg, sizeof(*args)) ||
	    copy_from_user(ca, u64_to_user_ptr(args->args), sizeof(*ca)))
		return -EFAULT;
	return 0;
}

/**
 * zx_channel_call() - ZX_IOC_CHANNEL_CALL and ZX_IOC_CHANNEL_CALL_ETC
 * @file:	the channel handle the ioctl came in on
 * @etc:	zx_channel_call_etc semantics
 * @uarg:	struct zxu_ioc_channel_call
 */
long zx_channel_call(struct file *file, bool etc, void __user *uarg)
{
	struct zx_handle *h = file->private_data;
	struct zx_endpoint *ep = zx_endpoint(h->obj);
	struct zxu_ioc_channel_call args;
	struct zx_call_waiter *w;
	LIST_HEAD(stale);
	struct zxu_channel_call_args ca;
	struct zx_write_params wr;
	struct zx_msg *msg;
	int ret;

	/* Nothing is consumed if the arguments cannot be read. */
	if (zx_call_copy_args(uarg, &args, &ca))
		return -EFAULT;
	wr = (struct zx_write_params) {
		.bytes = ca.wr_bytes,
		.handles = ca.wr_handles,
		.num_bytes = ca.wr_num_bytes,
		.num_handles = ca.wr_num_handles,
		.options = args.options,
		.fd = args.handle,
		.etc = etc,
	};
	if (!zx_fd_names_file(args.handle, file)) {
		zx_consume_handles(wr.handles, wr.num_handles, etc);
		return -EBADF;
	}

	msg = zx_channel_prepare_msg(h, ZXU_RIGHT_READ | ZXU_RIGHT_WRITE,
				     sizeof(w->txid), &wr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w) {
		zx_msg_free(msg);
		return -ENOMEM;
	}
	w->pid = get_task_pid(current, PIDTYPE_PID);
	w->task = current;
	w->deadline = args.deadline;
	w->etc = etc;

	spin_lock(ep->obj.lock);
	zx_call_reap_parked_locked(ep, true, &stale);
	if (!zx_fd_names_file(args.handle, file)) {
		ret = -EBADF;
	} else if (zx_endpoint_peer(ep)->closed) {
		ret = -EPIPE;
	} else {
		/* Register first, then send: the reply can come at once. */
		w->txid = zx_call_new_txid_locked(ep);
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
	zx_call_free_list(&stale);
	if (ret) {
		zx_call_waiter_free(w);
		zx_msg_free(msg);
		return ret;
	}
	return zx_call_wait(file, w, &ca, &args);
}

/**
 * zx_channel_call_finish() - ZX_IOC_CHANNEL_CALL_FINISH
 * @file:	the channel handle the interrupted call was made through
 * @uarg:	struct zxu_ioc_channel_call, as for the call
 */
long zx_channel_call_finish(struct file *file, void __user *uarg)
{
	struct zx_handle *h = file->private_data;
	struct zx_endpoint *ep;
	struct zxu_ioc_channel_call args;
	struct zxu_channel_call_args ca;
	struct zx_call_waiter *w = NULL;

	int ret;

	if (zx_call_copy_args(uarg, &args, &ca))
		return -EFAULT;
	if (!zx_fd_names_file(args.handle, file))
		return -EBADF;
	/* The call needed both rights; so does taking its reply. */
	ret = zx_channel_check(h, ZXU_RIGHT_READ | ZXU_RIGHT_WRITE);
	if (ret)
		return ret;

	ep = zx_endpoint(h->obj);
	spin_lock(ep->obj.lock);
	w = zx_call_find_parked_locked(ep);
	if (w)
		w->parked = false;
	spin_unlock(ep->obj.lock);
	if (!w)
		return -EBADFD;
	return zx_call_wait(file, w, &ca, &args);
}

/*
 * Block until a message can be read from @ep, then read it.  Readers sleep
 * exclusively on ep->read_wq, so one message wakes one of them.
 */
static long zx_endpoint_read_wait(struct file *file, unsigned int fd,
				  const struct zx_read_params *rd, u32 options,
				  s64 deadline)
{
	struct zx_endpoint *ep = zx_endpoint(((struct zx_handle *)
					      file->private_data)->obj);
	struct zx_handle_watch watch;
	bool timed_out = false;
	DEFINE_WAIT(wait);
	long ret;

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

/**
 * zx_channel_reply_read() - ZX_IOC_CHANNEL_REPLY_READ
 * @file:	the channel handle the ioctl came in on
 * @uarg:	struct zxu_ioc_reply_read
 *
 * The read side is validated before anything is written, so an invalid
 * read never costs the reply.
 */
long zx_channel_reply_read(struct file *file, void __user *uarg)
{
	struct zx_handle *h = file->private_data;
	struct zxu_ioc_reply_read args;
	struct zx_write_params wr;
	struct zx_read_params rd;
	struct zx_msg *msg;
	bool write;
	long ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	zx_write_params_init(&wr, &args.wr, false);
	zx_read_params_init(&rd, &args.rd, false);
	write = !(args.flags & ZX_REPLY_READ_NO_WRITE);

	if ((args.flags & ~ZX_REPLY_READ_NO_WRITE) || args.rd.reserved)
		ret = -EINVAL;
	else if (!zx_fd_names_file(args.handle, file) ||
		 (write && !zx_fd_names_file(wr.fd, file)))
		ret = -EBADF;
	else
		ret = zx_channel_check(h, ZXU_RIGHT_READ);
	if (!ret && (args.rd.options & ~ZXU_CHANNEL_READ_MAY_DISCARD))
		ret = -EOPNOTSUPP;
	if (ret) {
		if (write)
			zx_consume_handles(wr.handles, wr.num_handles, false);
		return ret;
	}

	if (write) {
		msg = zx_channel_prepare_msg(h, ZXU_RIGHT_WRITE, 0, &wr);
		if (IS_ERR(msg))
			return PTR_ERR(msg);
		ret = zx_endpoint_enqueue(zx_endpoint(h->obj), file, &wr, msg);
		if (ret) {
			zx_msg_free(msg);
			return ret;
		}
	}
	return zx_endpoint_read_wait(file, args.handle, &rd, args.rd.options,
				     args.deadline);
}
