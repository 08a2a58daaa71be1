// SPDX-License-Identifier: GPL-2.0
/*
 * zx: handles.  A handle is one anon-inode file whose private data is a
 * struct zx_handle; file descriptors are the names userspace uses for it.
 *
 * fd 0 is never handed out: ZX_HANDLE_INVALID is 0 in the Zircon API, so a
 * zx object living at fd 0 could not be named.
 *
 * Removing an fd (close, replace, moving a handle into a message) checks
 * that the fd still names the expected file and then takes it out of the
 * table with close_fd_get_file().  Another thread that re-points the same
 * fd number in between races exactly as close(2) races with dup2(2).
 */

#include <linux/anon_inodes.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "zx.h"

/**
 * zx_handle_from_file() - the handle behind a file, if it is a zx handle
 * @file: any file
 *
 * Return: the handle, or NULL for a foreign file.
 */
struct zx_handle *zx_handle_from_file(struct file *file)
{
	if (file->f_op != &zx_handle_fops)
		return NULL;
	return file->private_data;
}

/**
 * zx_handle_file_create() - make a new handle to @obj
 * @obj:	the object; the new handle takes its own reference
 * @rights:	the handle's rights
 *
 * Return: the file (not yet installed in any fd table) or an ERR_PTR.
 */
struct file *zx_handle_file_create(struct zx_object *obj, u32 rights)
{
	struct zx_handle *h;
	struct file *file;

	h = kmalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		return ERR_PTR(-ENOMEM);
	h->obj = obj;
	h->rights = rights;

	file = anon_inode_getfile(obj->ops->name, &zx_handle_fops, h, O_RDWR);
	if (IS_ERR(file)) {
		kfree(h);
		return file;
	}
	zx_object_get(obj);
	atomic_inc(&obj->handle_count);
	return file;
}

static int zx_handle_release(struct inode *inode, struct file *file)
{
	struct zx_handle *h = file->private_data;
	struct zx_object *obj = h->obj;

	if (atomic_dec_and_test(&obj->handle_count))
		obj->ops->on_zero_handles(obj);
	zx_object_put(obj);
	kfree(h);
	return 0;
}

/*
 * Every close(2) of an fd naming this handle lands here, after the fd has
 * left the table.  Waiters blocked on the handle re-check whether their fd
 * still names it; if not, their wait ends with ZX_ERR_CANCELED.
 */
static int zx_handle_flush(struct file *file, fl_owner_t id)
{
	struct zx_handle *h = file->private_data;

	__wake_up(&h->obj->handle_wq, TASK_NORMAL, 0, file);
	return 0;
}

static __poll_t zx_handle_poll(struct file *file, poll_table *pt)
{
	struct zx_handle *h = file->private_data;

	if (!(h->rights & ZXU_RIGHT_WAIT))
		return EPOLLERR;
	poll_wait(file, &h->obj->wq, pt);
	return zx_object_poll_mask(h->obj);
}

/**
 * zx_get_unused_fd() - reserve a close-on-exec fd other than 0
 *
 * Return: the fd or a negative errno.
 */
int zx_get_unused_fd(void)
{
	int fd = get_unused_fd_flags(O_CLOEXEC);
	int next;

	if (fd != 0)
		return fd;
	/* Keep 0 reserved while asking again, so the next one is not 0. */
	next = get_unused_fd_flags(O_CLOEXEC);
	put_unused_fd(0);
	return next;
}

/**
 * zx_fd_names_file() - does @fd in the caller's table name @file?
 * @fd:		fd number
 * @file:	the expected file
 */
bool zx_fd_names_file(unsigned int fd, struct file *file)
{
	bool same;

	rcu_read_lock();
	same = lookup_fd_rcu(fd) == file;
	rcu_read_unlock();
	return same;
}

/**
 * zx_fd_remove() - take @fd out of the caller's table if it names @file
 * @fd:		fd number
 * @file:	the file the caller looked up through @fd and holds a
 *		reference to; that reference stays the caller's
 *
 * Runs ->flush like close(2), so waiters on the handle notice.
 *
 * Return: true if @fd named @file and is gone.
 */
bool zx_fd_remove(unsigned int fd, struct file *file)
{
	struct file *removed;

	if (!zx_fd_names_file(fd, file))
		return false;
	removed = close_fd_get_file(fd);
	if (!removed)
		return false;
	filp_close(removed, current->files);
	return removed == file;
}

/**
 * zx_fd_take_handle() - look up a handle by fd and remove the fd
 * @fd: fd number
 *
 * Return: the handle's file with a reference the caller owns, or NULL if
 * @fd does not name a zx handle.
 */
struct file *zx_fd_take_handle(unsigned int fd)
{
	struct file *file = fget(fd);

	if (!file)
		return NULL;
	if (!zx_handle_from_file(file) || !zx_fd_remove(fd, file)) {
		fput(file);
		return NULL;
	}
	return file;
}

static int zx_close_fd_of(unsigned int fd, struct file *file)
{
	return zx_fd_remove(fd, file) ? 0 : -EBADF;
}

/**
 * zx_create_pair() - hand one or two new objects to userspace as handles
 * @obj0:	first object; the caller's reference on it (shared with
 *		@obj1 for a pair) is consumed
 * @obj1:	second object of a pair, or NULL
 * @rights:	rights of the new handles
 * @args:	the create ioctl's arguments: where to store the handles
 *
 * On any failure nothing is installed, and objects that got a handle are
 * torn down through the usual last-handle-closed path.
 *
 * Return: 0 or a negative errno.
 */
int zx_create_pair(struct zx_object *obj0, struct zx_object *obj1, u32 rights,
		   const struct zxu_ioc_create *args)
{
	struct zx_object *objs[2] = { obj0, obj1 };
	struct file *files[2] = { NULL, NULL };
	int fds[2] = { -1, -1 };
	int n = obj1 ? 2 : 1;
	int i, ret;

	for (i = 0; i < n; i++) {
		files[i] = zx_handle_file_create(objs[i], rights);
		if (IS_ERR(files[i])) {
			ret = PTR_ERR(files[i]);
			files[i] = NULL;
			goto fail;
		}
		fds[i] = zx_get_unused_fd();
		if (fds[i] < 0) {
			ret = fds[i];
			goto fail;
		}
		if (put_user(fds[i], (u32 __user *)u64_to_user_ptr(args->out[i]))) {
			ret = -EFAULT;
			goto fail;
		}
	}
	for (i = 0; i < n; i++)
		fd_install(fds[i], files[i]);
	ret = 0;
	goto out;

fail:
	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			put_unused_fd(fds[i]);
		if (files[i])
			fput(files[i]);
	}
out:
	zx_object_put(obj0);
	return ret;
}

/**
 * zx_handle_duplicate() - ZX_IOC_HANDLE_DUPLICATE and ZX_IOC_HANDLE_REPLACE
 * @file:	the handle the ioctl came in on
 * @replace:	close the source handle (replace) instead of keeping it
 * @uarg:	struct zxu_ioc_handle_dup
 *
 * zx_handle_replace needs no right and consumes the source even when the
 * requested rights are invalid; zx_handle_duplicate needs DUPLICATE and
 * never touches the source.
 */
long zx_handle_duplicate(struct file *file, bool replace, void __user *uarg)
{
	struct zx_handle *h = file->private_data;
	struct zxu_ioc_handle_dup args;
	struct file *new_file;
	u32 rights;
	int fd;
	long ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!zx_fd_names_file(args.handle, file))
		return -EBADF;

	if (!replace && !(h->rights & ZXU_RIGHT_DUPLICATE))
		return -EACCES;
	rights = args.rights;
	if (rights == ZXU_RIGHT_SAME_RIGHTS) {
		rights = h->rights;
	} else if (rights & ~h->rights) {
		ret = -EINVAL;
		goto out;
	}

	new_file = zx_handle_file_create(h->obj, rights);
	if (IS_ERR(new_file)) {
		ret = PTR_ERR(new_file);
		goto out;
	}
	fd = zx_get_unused_fd();
	if (fd < 0) {
		fput(new_file);
		ret = fd;
		goto out;
	}
	if (put_user(fd, (u32 __user *)u64_to_user_ptr(args.out))) {
		put_unused_fd(fd);
		fput(new_file);
		ret = -EFAULT;
		goto out;
	}
	fd_install(fd, new_file);
	ret = 0;
out:
	if (replace)
		zx_close_fd_of(args.handle, file);
	return ret;
}

/**
 * zx_handle_close_many() - ZX_IOC_HANDLE_CLOSE_MANY
 * @uarg: struct zxu_ioc_close_many
 *
 * Every entry is closed if it names a zx handle; a missing or foreign one
 * makes the result EBADF but does not stop the walk.  0 entries are
 * skipped.  The array is read in chunks; a fault stops the walk, and so
 * does a fatal signal, so that a huge array cannot keep a killed process
 * from dying.  Arrays longer than ZXU_HANDLE_ARRAY_MAX are refused whole.
 */
long zx_handle_close_many(void __user *uarg)
{
	struct zxu_ioc_close_many args;
	u32 __user *uhandles;
	u32 chunk[ZXU_CHANNEL_MAX_MSG_HANDLES];
	u64 done, n, i;
	long ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.num_handles > ZXU_HANDLE_ARRAY_MAX)
		return -ERANGE;
	uhandles = u64_to_user_ptr(args.handles);

	for (done = 0; done < args.num_handles; done += n) {
		if (fatal_signal_pending(current))
			return -EINTR;
		n = min_t(u64, args.num_handles - done, ARRAY_SIZE(chunk));
		if (copy_from_user(chunk, uhandles + done, n * sizeof(u32)))
			return -EFAULT;
		for (i = 0; i < n; i++) {
			struct file *file;

			if (!chunk[i])
				continue;
			file = zx_fd_take_handle(chunk[i]);
			if (file)
				fput(file);
			else
				ret = -EBADF;
		}
		cond_resched();
	}
	return ret;
}

static long zx_handle_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct zx_handle *h = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case ZX_IOC_HANDLE_CLOSE:
		if (arg > INT_MAX)
			return -EBADF;
		return zx_close_fd_of(arg, file);
	case ZX_IOC_HANDLE_DUPLICATE:
		return zx_handle_duplicate(file, false, uarg);
	case ZX_IOC_HANDLE_REPLACE:
		return zx_handle_duplicate(file, true, uarg);
	case ZX_IOC_OBJECT_WAIT_ONE:
		return zx_object_wait_one(file, uarg);
	case ZX_IOC_OBJECT_SIGNAL:
		return zx_object_signal(h, false, uarg);
	case ZX_IOC_OBJECT_SIGNAL_PEER:
		return zx_object_signal(h, true, uarg);
	case ZX_IOC_OBJECT_GET_INFO:
		return zx_object_get_info(h, uarg);
	case ZX_IOC_CHANNEL_WRITE:
	case ZX_IOC_CHANNEL_WRITE_ETC:
	case ZX_IOC_CHANNEL_READ:
	case ZX_IOC_CHANNEL_READ_ETC:
	case ZX_IOC_CHANNEL_CALL:
	case ZX_IOC_CHANNEL_CALL_ETC:
	case ZX_IOC_CHANNEL_CALL_FINISH:
	case ZX_IOC_CHANNEL_REPLY_READ:
		return zx_channel_ioctl(file, cmd, uarg);
	default:
		return -ENOTTY;
	}
}

const struct file_operations zx_handle_fops = {
	.owner		= THIS_MODULE,
	.release	= zx_handle_release,
	.flush		= zx_handle_flush,
	.poll		= zx_handle_poll,
	.unlocked_ioctl	= zx_handle_ioctl,
	.llseek		= noop_llseek,
};
