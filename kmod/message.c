// SPDX-License-Identifier: GPL-2.0
/*
 * zx: building messages from user memory and destroying them.
 *
 * A message is one allocation (header, handle array, payload) charged to
 * the writer's memory cgroup and to the writer's per-user quota
 * (limits.c).  It is complete before anything is queued, which is what
 * makes a write all-or-nothing.
 *
 * Handles leave a message for a reader's fd table in three steps that
 * cannot be interleaved differently: fds are reserved (invisible to other
 * threads), their numbers are written to the reader's buffer, and only
 * then are the files installed.  A fault in between costs the message but
 * never touches an installed fd, so no other thread can see a handle
 * before its number reached user memory, dup() it, or have an fd of its
 * own closed by a read that failed.
 *
 * Locking: none.  A message is built and taken apart by one thread, off
 * any queue; the queues that hold messages have their owners' locks.
 */

#include <linux/file.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fd.h"
#include "gc.h"
#include "handle.h"
#include "limits.h"
#include "message.h"
#include "user.h"

/* Header, handle slots and their collector edges, payload. */
static size_t zx_msg_size(u32 num_bytes, u32 num_handles)
{
	struct zx_msg *msg;

	return struct_size(msg, handles, num_handles) +
		num_handles * sizeof(struct zx_gc_edge) + num_bytes;
}

/* What the allocator really takes: 64 KiB + header is 128 KiB. */
static size_t zx_msg_charge(u32 num_bytes, u32 num_handles)
{
	return kmalloc_size_roundup(zx_msg_size(num_bytes, num_handles));
}

/**
 * zx_msg_max_charge() - the charge of the largest message
 */
size_t zx_msg_max_charge(void)
{
	return zx_msg_charge(ZXU_CHANNEL_MAX_MSG_BYTES,
			     ZXU_CHANNEL_MAX_MSG_HANDLES);
}

static struct zx_msg *zx_msg_alloc(u32 num_bytes, u32 num_handles)
{
	struct zx_quota *quota;
	struct zx_msg *msg;
	size_t size, charge;

	size = zx_msg_size(num_bytes, num_handles);
	charge = zx_msg_charge(num_bytes, num_handles);
	quota = zx_quota_charge(charge, num_handles);
	/*
	 * Over quota: some of it may be garbage the collector is about to
	 * free (a user making cycles in a loop).  Wait for it, once.
	 */
	if (IS_ERR(quota) && zx_gc_wait())
		quota = zx_quota_charge(charge, num_handles);
	if (IS_ERR(quota))
		return ERR_CAST(quota);
	msg = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!msg) {
		zx_quota_uncharge(quota, charge, num_handles);
		return ERR_PTR(-ENOMEM);
	}
	INIT_LIST_HEAD(&msg->node);
	msg->quota = quota;
	msg->charge = charge;
	msg->num_bytes = num_bytes;
	msg->num_handles = num_handles;
	msg->held = false;
	memset(msg->handles, 0, num_handles * (sizeof(msg->handles[0]) +
					       sizeof(struct zx_gc_edge)));
	return msg;
}

/**
 * zx_msg_build() - build a message from the payload of a write
 * @payload:	the bytes, in the writer's memory
 * @num_handles: number of handle slots to reserve (filled in by
 *		zx_msg_attach_handles())
 *
 * Return: the message, or ERR_PTR(-ERANGE) for too many handles, -ENOMEM
 * (no memory, or the writer's byte quota is used up), -EMFILE (the
 * writer's in-flight handle quota is used up), -EFAULT for unreadable
 * memory.
 */
struct zx_msg *zx_msg_build(const struct zx_payload *payload, u32 num_handles)
{
	struct zx_msg *msg;
	u8 *dst;
	u32 i;

	if (num_handles > ZXU_CHANNEL_MAX_MSG_HANDLES)
		return ERR_PTR(-ERANGE);
	msg = zx_msg_alloc(payload->total, num_handles);
	if (IS_ERR(msg))
		return msg;
	dst = zx_msg_bytes(msg);
	for (i = 0; i < payload->num_segs; i++) {
		const struct zxu_channel_iovec *seg = &payload->segs[i];

		if (copy_from_user(dst, u64_to_user_ptr(seg->buffer),
				   seg->capacity)) {
			zx_msg_free(msg);
			return ERR_PTR(-EFAULT);
		}
		dst += seg->capacity;
	}
	return msg;
}

/*
 * Read @n handle entries starting at @first, as dispositions: a plain
 * handle array becomes MOVE entries with SAME_RIGHTS.
 */
static int zx_read_dispositions(struct zxu_handle_disposition *d, u64 uhandles,
				u32 first, u32 n, bool etc)
{
	u32 plain[ZXU_CHANNEL_MAX_MSG_HANDLES];
	u32 i;

	if (etc)
		return copy_from_user(d, u64_to_user_ptr(uhandles) +
				      first * sizeof(*d), n * sizeof(*d)) ?
			-EFAULT : 0;
	if (copy_from_user(plain, u64_to_user_ptr(uhandles) +
			   first * sizeof(u32), n * sizeof(u32)))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		d[i] = (struct zxu_handle_disposition) {
			.operation = ZXU_HANDLE_OP_MOVE,
			.handle = plain[i],
			.rights = ZXU_RIGHT_SAME_RIGHTS,
		};
	}
	return 0;
}

/**
 * zx_msg_consume_handles() - close the handles of a write that failed
 *			      before they were taken
 * @uhandles:	the write's handle array
 * @num_handles: its length (may exceed the message limit)
 * @etc:	the array holds dispositions
 *
 * Zircon consumes the handles of a failed write too.  Entries that do not
 * name a zx handle, and DUPLICATE dispositions, are left alone; a fault
 * reading the array ends the walk.  An array longer than
 * ZXU_HANDLE_ARRAY_MAX cannot be a list of handles and is not walked, and
 * a fatal signal stops the walk, so no write keeps its caller in the
 * kernel for long.
 */
void zx_msg_consume_handles(u64 uhandles, u32 num_handles, bool etc)
{
	struct zxu_handle_disposition d[16];
	u32 done, n, i;

	if (num_handles > ZXU_HANDLE_ARRAY_MAX)
		return;
	for (done = 0; done < num_handles; done += n) {
		n = min_t(u32, num_handles - done, ARRAY_SIZE(d));
		if (fatal_signal_pending(current) ||
		    zx_read_dispositions(d, uhandles, done, n, etc))
			return;
		for (i = 0; i < n; i++) {
			struct file *file;

			if (d[i].operation == ZXU_HANDLE_OP_DUPLICATE)
				continue;
			file = zx_handle_take_fd(d[i].handle);
			if (file)
				fput(file);
		}
		cond_resched();
	}
}

/*
 * The zx_status_t of an errno, for zx_handle_disposition_t.result: the
 * one place the module stores a status instead of returning an errno.
 * The table is the uapi's, the one libzx uses the other way round.
 */
static s32 zx_msg_status_of(int err)
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

/*
 * One entry of a write: the checks in Zircon's order.  MOVE entries (and
 * entries with an unknown operation) leave the caller's table whatever the
 * outcome; DUPLICATE entries never do.
 */
static int zx_msg_attach_one(struct zx_msg *msg, u32 slot,
			     const struct zxu_handle_disposition *d, bool etc,
			     struct zx_object *channel)
{
	bool move = d->operation != ZXU_HANDLE_OP_DUPLICATE;
	struct zx_handle *h;
	struct file *file;
	u32 rights;
	int ret;

	file = fget(d->handle);
	h = file ? zx_handle_from_file(file) : NULL;
	if (!h || (move && !zx_fd_remove(d->handle, file))) {
		if (file)
			fput(file);
		return -EBADF;
	}

	rights = d->rights == ZXU_RIGHT_SAME_RIGHTS ? h->rights : d->rights;
	if (!(h->rights & ZXU_RIGHT_TRANSFER))
		ret = -EACCES;
	else if (h->obj == channel)
		ret = -EOPNOTSUPP;
	else if (etc && d->type && d->type != h->obj->ops->type)
		ret = -EPROTOTYPE;
	else if (d->operation > ZXU_HANDLE_OP_DUPLICATE)
		ret = -EINVAL;
	else if (rights & ~h->rights)
		ret = -EINVAL;
	else if (!move && !(h->rights & ZXU_RIGHT_DUPLICATE))
		ret = -EACCES;
	else
		ret = 0;
	if (ret) {
		fput(file);
		return ret;
	}

	/* A file is one handle: new rights or a copy need a new file. */
	if (!move || rights != h->rights) {
		struct file *copy = zx_handle_file_create(h->obj, rights);

		fput(file);
		if (IS_ERR(copy))
			return PTR_ERR(copy);
		file = copy;
	}
	msg->handles[slot] = file;
	return 0;
}

/**
 * zx_msg_attach_handles() - move or copy a write's handles into @msg
 * @msg:	the message, with msg->num_handles empty slots
 * @uhandles:	user array of handle values, or of dispositions for @etc
 * @etc:	zx_channel_write_etc semantics
 * @channel:	the endpoint written to; it cannot travel through itself
 * @taken:	set once the handles are the message's business: from then
 *		on, whatever happens, they end up in the message (and are
 *		closed with it) or closed
 *
 * Every entry is processed even after one fails, and the first failure is
 * returned.  For @etc the array is written back with each failing entry's
 * result.  On failure the caller destroys @msg, which closes whatever was
 * attached: a failed write consumes its handles, as on Zircon.
 *
 * Return: 0, -ENOMEM or -EFAULT before anything was taken, or the first
 * entry's error, or -EFAULT if the results cannot be written back.
 */
int zx_msg_attach_handles(struct zx_msg *msg, u64 uhandles, bool etc,
			  struct zx_object *channel, bool *taken)
{
	struct zxu_handle_disposition *d;
	u32 n = msg->num_handles;
	int first = 0;
	u32 i;

	d = kmalloc_array(n, sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return -ENOMEM;
	if (zx_read_dispositions(d, uhandles, 0, n, etc)) {
		kfree(d);
		return -EFAULT;
	}
	*taken = true;
	for (i = 0; i < n; i++) {
		int ret = zx_msg_attach_one(msg, i, &d[i], etc, channel);

		if (ret) {
			d[i].result = zx_msg_status_of(ret);
			if (!first)
				first = ret;
		}
	}
	if (first && etc &&
	    copy_to_user(u64_to_user_ptr(uhandles), d, n * sizeof(*d)))
		first = -EFAULT;
	kfree(d);
	return first;
}

/* Tell a reader where its handles will be; nothing is installed yet. */
static int zx_msg_put_handle_values(struct zx_msg *msg, u64 uhandles,
				    bool etc, const int *fds)
{
	u32 i;

	for (i = 0; i < msg->num_handles; i++) {
		if (etc) {
			struct zx_handle *h = msg->handles[i]->private_data;
			struct zxu_handle_info info = {
				.handle = fds[i],
				.type = h->obj->ops->type,
				.rights = h->rights,
			};

			if (copy_to_user(u64_to_user_ptr(uhandles) +
					 i * sizeof(info), &info, sizeof(info)))
				return -EFAULT;
		} else if (put_user(fds[i], (u32 __user *)
				    u64_to_user_ptr(uhandles) + i)) {
			return -EFAULT;
		}
	}
	return 0;
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
 * The LSM file_receive hook that SCM_RIGHTS runs is not called: no
 * exported function runs it without installing the fd at once, and an fd
 * installed before its number reaches user memory is the race this order
 * exists to avoid.  binder, also a module, hands out fds the same way.
 *
 * Return: 0 (the handles and @fds now belong to the reader; the caller
 * frees @msg) or -EFAULT (nothing installed: the caller gives back @fds
 * and frees @msg, whose handles are closed -- the message is lost).
 */
int zx_msg_copy_out(struct zx_msg *msg, const struct zx_read_params *rd,
		    int *fds)
{
	if (zx_put_u32(rd->actual_bytes, msg->num_bytes) ||
	    zx_put_u32(rd->actual_handles, msg->num_handles) ||
	    copy_to_user(u64_to_user_ptr(rd->bytes), zx_msg_bytes(msg),
			 msg->num_bytes) ||
	    zx_msg_put_handle_values(msg, rd->handles, rd->etc, fds))
		return -EFAULT;
	zx_fds_install(fds, msg->handles, msg->num_handles);
	return 0;
}

/**
 * zx_msg_hold_locked() - an endpoint holds @msg now (queued or kept for a
 *			  call)
 * @msg:	the message
 * @holder:	the endpoint's vertex; caller holds the endpoint's lock
 */
void zx_msg_hold_locked(struct zx_msg *msg, struct zx_gc_vertex *holder)
{
	lockdep_assert_held(holder->obj->lock);
	if (msg->num_handles)
		msg->held = zx_gc_hold_locked(holder, msg->handles,
					      zx_msg_edges(msg),
					      msg->num_handles);
}

/**
 * zx_msg_unhold() - @msg left the endpoint holding it
 * @msg: the message, or NULL; under the holder's lock if still reachable
 *	 through it
 */
void zx_msg_unhold(struct zx_msg *msg)
{
	if (!msg || !msg->held)
		return;
	zx_gc_unhold(msg->handles, zx_msg_edges(msg), msg->num_handles);
	msg->held = false;
}

/**
 * zx_msg_free() - destroy a message and close the handles it carries
 * @msg: the message, not on any queue; NULL is ignored
 *
 * Closing a carried handle can close the last handle of another endpoint,
 * whose queue holds more messages, and so on.  fput() defers the final
 * release to task work (or a workqueue), so such chains unwind iteratively
 * rather than by recursion here.  Destroying channel handles while cycles
 * may exist asks the collector to look (gc.c).
 */
void zx_msg_free(struct zx_msg *msg)
{
	bool cyclic, kick = false;
	u32 i;

	if (!msg)
		return;
	zx_msg_unhold(msg);
	cyclic = msg->num_handles && zx_gc_may_be_cyclic();
	for (i = 0; i < msg->num_handles; i++) {
		struct file *file = msg->handles[i];
		struct zx_handle *h;

		if (!file)
			continue;
		h = file->private_data;
		if (cyclic && h->obj->gc)
			kick = true;
		fput(file);
	}
	zx_quota_uncharge(msg->quota, msg->charge, msg->num_handles);
	kvfree(msg);
	/* It may have held the last way from a root to a cycle. */
	if (kick)
		zx_gc_kick();
}

/**
 * zx_msg_free_list() - destroy every message on a private list
 * @list: the list; left empty
 */
void zx_msg_free_list(struct list_head *list)
{
	struct zx_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, list, node) {
		list_del(&msg->node);
		zx_msg_free(msg);
		cond_resched();
	}
}
