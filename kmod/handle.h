/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: handles (handle.c).  Above the object core and the fd table; below
 * messages and the object types.
 */
#ifndef _ZX_HANDLE_H
#define _ZX_HANDLE_H

#include <linux/fs.h>
#include <linux/wait.h>

#include "object.h"

/**
 * DOC: handles
 *
 * A handle is one anon-inode file whose private data is a struct
 * zx_handle: the object and the rights.  File descriptors are the names
 * userspace uses for it; dup(2) and fork(2) create aliases of the same
 * handle, which is why every operation that must act on "the handle the
 * caller named" re-checks that its fd still names the file it came in on.
 * A handle inside a queued message is the same file, held by the message.
 *
 * The file operations of a handle belong to the ioctl layer, which hands
 * them to zx_handle_init() at load time; this layer provides the release,
 * flush and poll methods they use.
 */

/**
 * struct zx_handle - one handle: the private data of a zx anon-inode file
 * @obj:	the object; the handle holds a reference and counts in
 *		obj->handle_count
 * @rights:	ZXU_RIGHT_* bits; never change (new rights make a new file)
 * @inflight:	message slots holding this file while their messages are
 *		held by an endpoint; the collector's (gc.c), under zx_gc_lock
 */
struct zx_handle {
	struct zx_object *obj;
	u32 rights;
	unsigned long inflight;
};

/**
 * struct zx_handle_watch - notices the fd a thread blocks through being
 *			    closed
 * @wait:	entry on the object's handle_wq
 * @file:	the handle's file, referenced by the watching thread
 * @fd:		the fd naming it
 */
struct zx_handle_watch {
	wait_queue_entry_t wait;
	struct file *file;
	unsigned int fd;
};

void zx_handle_init(const struct file_operations *fops);
struct file *zx_handle_file_create(struct zx_object *obj, u32 rights);
struct zx_handle *zx_handle_from_file(struct file *file);
struct file *zx_handle_take_fd(unsigned int fd);
struct file *zx_handle_dup_file(struct zx_handle *h, u32 rights, bool replace);
int zx_handle_release(struct inode *inode, struct file *file);
int zx_handle_flush(struct file *file, fl_owner_t id);
__poll_t zx_handle_poll(struct file *file, poll_table *pt);

void zx_handle_watch_start(struct zx_handle_watch *w, struct file *file,
			   unsigned int fd);
void zx_handle_watch_stop(struct zx_handle_watch *w);
bool zx_handle_watch_closed(struct zx_handle_watch *w);

#endif /* _ZX_HANDLE_H */
