// SPDX-License-Identifier: GPL-2.0
/*
 * zx: handles -- anon-inode files naming an object with rights (see DOC:
 * handles in handle.h), and the watch that tells a blocked thread that the
 * fd it blocks through was closed.
 *
 * Locking: none of its own.  A handle's object and rights never change;
 * the wait queues have their own locks.
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "fd.h"
#include "handle.h"

/* The ioctl layer's file operations for handle files; set at load. */
static const struct file_operations *zx_handle_fops;

/**
 * zx_handle_init() - learn the file operations of handle files
 * @fops: the ioctl layer's table, which uses the methods below
 *
 * Called once at module load, before /dev/zx exists.
 */
void zx_handle_init(const struct file_operations *fops)
{
	zx_handle_fops = fops;
}

/**
 * zx_handle_from_file() - the handle behind a file, if it is a zx handle
 * @file: any file
 *
 * Return: the handle, or NULL for a foreign file.
 */
struct zx_handle *zx_handle_from_file(struct file *file)
{
	if (file->f_op != zx_handle_fops)
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
	h->inflight = 0;

	file = anon_inode_getfile(obj->ops->name, zx_handle_fops, h, O_RDWR);
	if (IS_ERR(file)) {
		kfree(h);
		return file;
	}
	zx_object_get(obj);
	atomic_inc(&obj->handle_count);
	return file;
}

/**
 * zx_handle_release() - ->release of a handle file: the handle is gone
 * @inode:	the anon inode
 * @file:	the handle's file
 *
 * Return: 0.
 */
int zx_handle_release(struct inode *inode, struct file *file)
{
	struct zx_handle *h = file->private_data;
	struct zx_object *obj = h->obj;

	if (atomic_dec_and_test(&obj->handle_count))
		obj->ops->on_zero_handles(obj);
	zx_object_put(obj);
	kfree(h);
	return 0;
}

/**
 * zx_handle_flush() - ->flush of a handle file: an fd naming it closed
 * @file:	the handle's file
 * @id:		the fd table's owner
 *
 * Every close(2) of an fd naming this handle lands here, after the fd has
 * left the table.  Waiters blocked on the handle re-check whether their fd
 * still names it; if not, their wait ends with ZX_ERR_CANCELED.
 *
 * Return: 0.
 */
int zx_handle_flush(struct file *file, fl_owner_t id)
{
	struct zx_handle *h = file->private_data;

	__wake_up(&h->obj->handle_wq, TASK_NORMAL, 0, file);
	return 0;
}

/**
 * zx_handle_poll() - ->poll of a handle file: the object's signals
 * @file:	the handle's file
 * @pt:		poll table
 *
 * Return: the poll mask; EPOLLERR for a handle without ZX_RIGHT_WAIT.
 */
__poll_t zx_handle_poll(struct file *file, poll_table *pt)
{
	struct zx_handle *h = file->private_data;

	if (!(h->rights & ZXU_RIGHT_WAIT))
		return EPOLLERR;
	poll_wait(file, &h->obj->wq, pt);
	return zx_object_poll_mask(h->obj);
}

/**
 * zx_handle_take_fd() - look up a handle by fd and remove the fd
 * @fd: fd number
 *
 * Return: the handle's file with a reference the caller owns, or NULL if
 * @fd does not name a zx handle.
 */
struct file *zx_handle_take_fd(unsigned int fd)
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

/**
 * zx_handle_dup_file() - a new handle to @h's object, for duplicate and
 *			  replace
 * @h:		the source handle
 * @rights:	rights of the new handle, or ZX_RIGHT_SAME_RIGHTS
 * @replace:	zx_handle_replace: needs no right (the caller closes the
 *		source whatever the outcome)
 *
 * Return: the new file, or ERR_PTR(-EACCES) (duplicate without
 * ZX_RIGHT_DUPLICATE), ERR_PTR(-EINVAL) (rights the source lacks), or an
 * allocation error.
 */
struct file *zx_handle_dup_file(struct zx_handle *h, u32 rights, bool replace)
{
	if (!replace && !(h->rights & ZXU_RIGHT_DUPLICATE))
		return ERR_PTR(-EACCES);
	if (rights == ZXU_RIGHT_SAME_RIGHTS)
		rights = h->rights;
	else if (rights & ~h->rights)
		return ERR_PTR(-EINVAL);
	return zx_handle_file_create(h->obj, rights);
}

static int zx_handle_watch_wake(wait_queue_entry_t *wait, unsigned int mode,
				int sync, void *key)
{
	struct zx_handle_watch *w = container_of(wait, struct zx_handle_watch,
						 wait);

	if (key != w->file)
		return 0;
	return default_wake_function(wait, mode, sync, key);
}

/**
 * zx_handle_watch_start() - get woken if @fd stops naming @file
 * @w:		the watch, owned by the caller until zx_handle_watch_stop()
 * @file:	a handle's file, referenced by the caller
 * @fd:		the fd the caller named it by
 */
void zx_handle_watch_start(struct zx_handle_watch *w, struct file *file,
			   unsigned int fd)
{
	struct zx_handle *h = file->private_data;

	w->file = file;
	w->fd = fd;
	init_waitqueue_func_entry(&w->wait, zx_handle_watch_wake);
	w->wait.private = current;
	add_wait_queue(&h->obj->handle_wq, &w->wait);
}

/**
 * zx_handle_watch_stop() - undo zx_handle_watch_start()
 * @w: the watch
 */
void zx_handle_watch_stop(struct zx_handle_watch *w)
{
	struct zx_handle *h = w->file->private_data;

	remove_wait_queue(&h->obj->handle_wq, &w->wait);
}

/**
 * zx_handle_watch_closed() - has the watched fd stopped naming its file?
 * @w: the watch
 */
bool zx_handle_watch_closed(struct zx_handle_watch *w)
{
	return !zx_fd_names_file(w->fd, w->file);
}
