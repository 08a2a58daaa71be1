// SPDX-License-Identifier: GPL-2.0
/*
 * zx: the caller's fd table -- every place zx reserves, installs, looks
 * up or removes an fd goes through here.
 *
 * fd 0 is never handed out: ZX_HANDLE_INVALID is 0 in the Zircon API, so a
 * zx object living at fd 0 could not be named.  Every fd is close-on-exec,
 * as handles do not survive exec on Zircon.
 *
 * New fds are reserved first (invisible to other threads), their numbers
 * written to user memory, and only then installed: what SCM_RIGHTS does
 * (receive_fd_user()), so that no other thread can use, dup or close an
 * fd before its owner has been told its number, and a fault on the way
 * never has to close an installed fd by number.
 *
 * Removing an fd (close, replace, moving a handle into a message) checks
 * that the fd still names the expected file and then takes it out of the
 * table with close_fd_get_file().  Another thread that re-points the same
 * fd number in between races exactly as close(2) races with dup2(2).
 */

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/rcupdate.h>

#include "fd.h"

/**
 * zx_fd_reserve() - reserve a close-on-exec fd other than 0
 *
 * Return: the fd or a negative errno.
 */
int zx_fd_reserve(void)
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
 * zx_fds_reserve() - reserve several fds
 * @fds:	array of reserved fds; receives fds[@from] to fds[@to - 1]
 * @from:	how many are reserved already
 * @to:		how many are needed
 *
 * Return: 0, or the allocation error with nothing more reserved.
 */
int zx_fds_reserve(int *fds, u32 from, u32 to)
{
	u32 i;

	for (i = from; i < to; i++) {
		fds[i] = zx_fd_reserve();
		if (fds[i] < 0) {
			int ret = fds[i];

			zx_fds_release(fds + from, i - from);
			return ret;
		}
	}
	return 0;
}

/**
 * zx_fds_release() - give back reserved fds that were never installed
 * @fds:	the fds
 * @n:		how many
 */
void zx_fds_release(const int *fds, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		put_unused_fd(fds[i]);
}

/**
 * zx_fds_install() - install files in reserved fds
 * @fds:	reserved fds whose numbers their owner has been told
 * @files:	the files; each reference moves to the fd table and the
 *		slot is cleared
 * @n:		how many
 *
 * Cannot fail: everything that can was done before.
 */
void zx_fds_install(const int *fds, struct file **files, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		fd_install(fds[i], files[i]);
		files[i] = NULL;
	}
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
 * Runs ->flush like close(2), so waiters on the file notice.
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
