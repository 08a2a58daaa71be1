/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: Zircon channels for Linux -- definitions shared by the module's files.
 *
 * Object model
 *
 *   struct zx_object   a kernel object (channel endpoint, event, ...): koid,
 *                      signal state, waiters.  Memory is refcounted; peered
 *                      objects (the two endpoints of a channel) share one
 *                      refcount and one lock, so a peer pointer is valid for
 *                      as long as either side is referenced.
 *   struct zx_handle   one Zircon handle: the private data of one anon-inode
 *                      file.  It pins its object and carries the rights.
 *                      File descriptors are names for handles; dup(2) and
 *                      fork(2) create aliases of the same handle.
 *
 * An object counts its handles, including handles that sit inside unread
 * messages (those are files held by the message).  When the count drops to
 * zero the object's on_zero_handles() runs: that is Zircon's "last handle
 * closed" (peer closed, queued messages destroyed).
 */
#ifndef _ZX_H
#define _ZX_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/zx.h>

struct zx_object;

/**
 * struct zx_object_type - what distinguishes one kind of zx object
 * @type:		ZXU_OBJ_TYPE_* value reported to userspace
 * @name:		anon-inode name, shown in /proc/<pid>/fd
 * @user_signals:	signal bits zx_object_signal{,_peer} may change
 * @peered:		objects come in pairs (signal_peer works)
 * @on_zero_handles:	the object lost its last handle; called without locks
 * @free:		release the memory of the object (and its peer, if any)
 */
struct zx_object_type {
	u32 type;
	const char *name;
	u32 user_signals;
	bool peered;
	void (*on_zero_handles)(struct zx_object *obj);
	void (*free)(struct zx_object *obj);
};

/**
 * struct zx_object - state common to every zx object
 * @ops:	the object's type
 * @refs:	memory references; shared with the peer for peered objects
 * @lock:	protects @signals and the type's state; shared with the peer
 * @peer:	the other object of a pair, or NULL; never changes
 * @handle_count: live handles, including handles inside queued messages
 * @koid:	kernel object id, unique for the life of the module
 * @signals:	current ZX signal bits; written under @lock
 * @wq:		woken with a poll mask when signals are asserted; poll/epoll
 *		and zx waiters sleep here
 * @handle_wq:	woken with the struct file as key when an fd naming one of
 *		the object's handles is closed, so waiters can tell whether
 *		their own handle went away
 */
struct zx_object {
	const struct zx_object_type *ops;
	refcount_t *refs;
	spinlock_t *lock; /* shared with the peer, see above */
	struct zx_object *peer;
	atomic_t handle_count;
	u64 koid;
	u32 signals;
	wait_queue_head_t wq;
	wait_queue_head_t handle_wq;
};

/**
 * struct zx_handle - one handle: the private data of a zx anon-inode file
 * @obj:	the object; the handle holds a reference
 * @rights:	ZXU_RIGHT_* bits
 */
struct zx_handle {
	struct zx_object *obj;
	u32 rights;
};

/* object.c */
void zx_object_init(struct zx_object *obj, const struct zx_object_type *ops,
		    refcount_t *refs, spinlock_t *lock, u32 signals);
void zx_object_put(struct zx_object *obj);
s32 zx_errno_to_status(int err);
__poll_t zx_object_poll_mask(struct zx_object *obj);
void zx_object_update_signals_locked(struct zx_object *obj, u32 clear, u32 set);
void zx_object_update_signals(struct zx_object *obj, u32 clear, u32 set);
long zx_object_signal(struct zx_handle *h, bool peer, void __user *uarg);
long zx_object_get_info(struct zx_handle *h, void __user *uarg);

static inline void zx_object_get(struct zx_object *obj)
{
	refcount_inc(obj->refs);
}

static inline bool zx_object_is(const struct zx_object *obj, u32 type)
{
	return obj->ops->type == type;
}

/* handle.c */
extern const struct file_operations zx_handle_fops;
struct file *zx_handle_file_create(struct zx_object *obj, u32 rights);
struct zx_handle *zx_handle_from_file(struct file *file);
int zx_get_unused_fd(void);
bool zx_fd_names_file(unsigned int fd, struct file *file);
bool zx_fd_remove(unsigned int fd, struct file *file);
struct file *zx_fd_take_handle(unsigned int fd);
long zx_handle_close_many(void __user *uarg);
long zx_handle_duplicate(struct file *file, bool replace, void __user *uarg);
int zx_create_pair(struct zx_object *obj0, struct zx_object *obj1, u32 rights,
		   const struct zxu_ioc_create *args);

/**
 * struct zx_handle_watch - notices the fd a thread blocks through being
 *			    closed (see wait.c)
 * @wait:	entry on the object's handle_wq
 * @file:	the handle's file
 * @fd:		the fd naming it
 */
struct zx_handle_watch {
	wait_queue_entry_t wait;
	struct file *file;
	unsigned int fd;
};

/* wait.c */
void zx_handle_watch_start(struct zx_handle_watch *w, struct file *file,
			   unsigned int fd);
void zx_handle_watch_stop(struct zx_handle_watch *w);
bool zx_handle_watch_closed(struct zx_handle_watch *w);
int zx_wait_step(struct zx_handle_watch *watch, s64 deadline, bool *timed_out);
long zx_object_wait_one(struct file *file, void __user *uarg);
long zx_object_wait_many(void __user *uarg);

/* channel.c */
long zx_channel_create(void __user *uarg);
long zx_channel_ioctl(struct file *file, unsigned int cmd, void __user *uarg);

/* call.c */
void zx_call_exit(void);

/* event.c */
long zx_event_create(void __user *uarg);
long zx_eventpair_create(void __user *uarg);

/* main.c */
u64 zx_koid_next(void);

/* limits.c */
struct zx_quota;
unsigned int zx_max_pending_messages(void);
unsigned long zx_max_queue_bytes(void);
struct zx_quota *zx_quota_charge(size_t bytes, u32 handles);
void zx_quota_uncharge(struct zx_quota *q, size_t bytes, u32 handles);

#endif /* _ZX_H */
