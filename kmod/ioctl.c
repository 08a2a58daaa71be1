// SPDX-License-Identifier: GPL-2.0
/*
 * zx: the ioctl ABI -- the only file that knows the layout of an ioctl
 * block (uapi/linux/zx.h).  For each of the two file types, /dev/zx and
 * handle files, it owns:
 *
 *  - the one command switch (native and 32-bit callers share it; see
 *    compat.c for the two structures that differ);
 *  - every copy_from_user() of an argument block, and the translation of
 *    the block into the kernel parameters the core takes (struct
 *    zx_write_params, zx_read_params, zx_payload, wait items);
 *  - the check that the fd named in a block is the file the ioctl came in
 *    on (userspace passes it so that blocking operations can notice it
 *    being closed, and writes can notice it being moved away);
 *  - Zircon's rule that a failed write consumes its handles: the core
 *    reports whether it took them (zx_write_params.handles_taken), and
 *    zx_ioctl_write_done() closes them otherwise.
 *
 * The order of the checks below is Zircon's, as its syscalls make them.
 *
 * Locking: none.  Everything here runs in the caller's context before or
 * after the core, which takes the locks it needs.
 */

#include <linux/compat.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "call.h"
#include "channel.h"
#include "compat.h"
#include "event.h"
#include "fd.h"
#include "gc.h"
#include "handle.h"
#include "ioctl.h"
#include "message.h"
#include "user.h"
#include "wait.h"

/*
 * Handles to userspace: reserve an fd for each file, store each number
 * through out[i], and install only when all are stored (see fd.c).  On
 * failure nothing is installed and the files are released, which tears
 * down objects nobody else holds.
 */
static int zx_ioctl_give_files(struct file **files, u32 n, const u64 *out)
{
	int fds[2];
	u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		fds[i] = zx_fd_reserve();
		if (fds[i] < 0) {
			ret = fds[i];
			goto fail;
		}
		if (put_user(fds[i], (u32 __user *)u64_to_user_ptr(out[i]))) {
			i++;
			ret = -EFAULT;
			goto fail;
		}
	}
	zx_fds_install(fds, files, n);
	return 0;

fail:
	zx_fds_release(fds, i);
	for (i = 0; i < n; i++)
		fput(files[i]);
	return ret;
}

/* ZX_IOC_CHANNEL_CREATE, ZX_IOC_EVENT_CREATE, ZX_IOC_EVENTPAIR_CREATE */
static long zx_ioctl_create(unsigned int cmd, void __user *uarg)
{
	struct zx_object *objs[2] = { NULL, NULL };
	struct file *files[2] = { NULL, NULL };
	struct zxu_ioc_create args;
	u32 rights, n, i;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.options || args.reserved)
		return -EINVAL;

	switch (cmd) {
	case ZX_IOC_CHANNEL_CREATE:
		ret = zx_channel_new(objs);
		rights = ZXU_DEFAULT_CHANNEL_RIGHTS;
		break;
	case ZX_IOC_EVENT_CREATE:
		ret = zx_event_new(objs);
		rights = ZXU_DEFAULT_EVENT_RIGHTS;
		break;
	default:
		ret = zx_eventpair_new(objs);
		rights = ZXU_DEFAULT_EVENTPAIR_RIGHTS;
		break;
	}
	if (ret)
		return ret;

	n = objs[1] ? 2 : 1;
	for (i = 0; i < n; i++) {
		files[i] = zx_handle_file_create(objs[i], rights);
		if (IS_ERR(files[i])) {
			ret = PTR_ERR(files[i]);
			while (i--)
				fput(files[i]);
			break;
		}
	}
	if (!ret)
		ret = zx_ioctl_give_files(files, n, args.out);
	/* The creator's reference (one for a pair); the handles hold theirs. */
	zx_object_put(objs[0]);
	return ret;
}

/* ZX_IOC_HANDLE_CLOSE_MANY; see zx_msg_consume_handles() for the bounds. */
static long zx_ioctl_close_many(void __user *uarg)
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

	/*
	 * A missing or foreign entry makes the result EBADF but does not stop
	 * the walk; 0 entries are skipped; a fault or a fatal signal stops it.
	 */
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
			file = zx_handle_take_fd(chunk[i]);
			if (file)
				fput(file);
			else
				ret = -EBADF;
		}
		cond_resched();
	}
	return ret;
}

/* ZX_IOC_OBJECT_WAIT_MANY */
static long zx_ioctl_wait_many(void __user *uarg)
{
	struct zxu_ioc_wait_many args;
	struct zxu_wait_item items[ZXU_WAIT_MANY_MAX_ITEMS];
	struct zxu_wait_item __user *uitems;
	size_t size;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.num_items > ZXU_WAIT_MANY_MAX_ITEMS)
		return -ERANGE;
	uitems = u64_to_user_ptr(args.items);
	size = args.num_items * sizeof(items[0]);
	if (copy_from_user(items, uitems, size))
		return -EFAULT;

	ret = zx_wait_many(items, args.num_items, args.deadline);
	if (ret && ret != -ETIMEDOUT && ret != -ECANCELED)
		return ret;
	if (copy_to_user(uitems, items, size))
		return -EFAULT;
	return ret;
}

static long zx_ioctl_dev(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case ZX_IOC_CHANNEL_CREATE:
	case ZX_IOC_EVENT_CREATE:
	case ZX_IOC_EVENTPAIR_CREATE:
		return zx_ioctl_create(cmd, uarg);
	case ZX_IOC_HANDLE_CLOSE_MANY:
		return zx_ioctl_close_many(uarg);
	case ZX_IOC_OBJECT_WAIT_MANY:
		return zx_ioctl_wait_many(uarg);
	default:
		return -ENOTTY;
	}
}

#ifdef CONFIG_COMPAT
/*
 * x32 processes have the ILP32 layouts of the two structures compat.c
 * translates, but nothing builds or tests an x32 libzx: refused, with
 * ZX_ERR_NOT_SUPPORTED, on both file types (docs/32-bit.md).
 */
static bool zx_ioctl_from_x32(void)
{
#ifdef CONFIG_X86_X32_ABI
	return in_x32_syscall();
#else
	return false;
#endif
}

/* /dev/zx's blocks are the same for 32-bit callers. */
static long zx_ioctl_dev_compat(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	if (zx_ioctl_from_x32())
		return -EOPNOTSUPP;
	return zx_ioctl_dev(file, cmd, (unsigned long)compat_ptr(arg));
}
#else
#define zx_ioctl_dev_compat NULL
#endif

/*
 * /dev/zx creates objects and runs the operations that are not about one
 * handle.  Opening it grants nothing: an object is reachable only through
 * the handles it was created with or was sent, hence mode 0666.
 */
const struct file_operations zx_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= zx_ioctl_dev,
	.compat_ioctl	= zx_ioctl_dev_compat,
	.llseek		= noop_llseek,
};

/*
 * Handle ioctls.
 */

/* ZX_IOC_HANDLE_DUPLICATE and ZX_IOC_HANDLE_REPLACE */
static long zx_ioctl_handle_dup(struct file *file, void __user *uarg,
				bool replace)
{
	struct zxu_ioc_handle_dup args;
	struct file *copy;
	long ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!zx_fd_names_file(args.handle, file))
		return -EBADF;

	copy = zx_handle_dup_file(file->private_data, args.rights, replace);
	if (IS_ERR(copy))
		ret = PTR_ERR(copy);
	else
		ret = zx_ioctl_give_files(&copy, 1, &args.out);
	/* zx_handle_replace consumes the source whatever the outcome. */
	if (replace)
		zx_fd_remove(args.handle, file);
	return ret;
}

/* ZX_IOC_OBJECT_WAIT_ONE */
static long zx_ioctl_wait_one(struct file *file, void __user *uarg)
{
	struct zxu_ioc_wait_one args;
	u32 observed;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!zx_fd_names_file(args.handle, file))
		return -EBADF;

	ret = zx_wait_one(file, args.handle, args.signals, args.deadline,
			  &observed);
	if (ret && ret != -ETIMEDOUT && ret != -ECANCELED)
		return ret;
	/* observed is written before the result is decided. */
	if (zx_put_u32(args.observed, observed))
		return -EFAULT;
	return ret;
}

/* ZX_IOC_OBJECT_SIGNAL and ZX_IOC_OBJECT_SIGNAL_PEER */
static long zx_ioctl_signal(struct file *file, void __user *uarg, bool peer)
{
	struct zx_handle *h = file->private_data;
	struct zxu_ioc_signal args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	return zx_object_user_signal(h->obj, h->rights, peer, args.clear_mask,
				     args.set_mask);
}

/* A size_t count of zx_object_get_info: 4 bytes for 32-bit callers. */
static int zx_ioctl_put_size(u64 uptr, u64 value, bool compat)
{
	return compat ? zx_put_u32(uptr, value) : zx_put_u64(uptr, value);
}

/*
 * Write one fixed-size record the way zx_object_get_info does: a buffer
 * that is too small gets actual = 0, avail = 1 and BUFFER_TOO_SMALL.
 */
static long zx_ioctl_info_record(const struct zxu_ioc_get_info *args,
				 const void *rec, size_t size, bool compat)
{
	u64 actual = args->buffer_size < size ? 0 : 1;

	if (actual && copy_to_user(u64_to_user_ptr(args->buffer), rec, size))
		return -EFAULT;
	if (zx_ioctl_put_size(args->actual, actual, compat) ||
	    zx_ioctl_put_size(args->avail, 1, compat))
		return -EFAULT;
	return actual ? 0 : -EMSGSIZE;
}

/* ZX_IOC_OBJECT_GET_INFO: the topics are views of fields that never change */
static long zx_ioctl_get_info(struct file *file, void __user *uarg,
			      bool compat)
{
	struct zx_handle *h = file->private_data;
	struct zx_object *obj = h->obj;
	struct zxu_ioc_get_info args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;

	switch (args.topic) {
	case ZXU_INFO_HANDLE_VALID:
		return 0;
	case ZXU_INFO_HANDLE_BASIC: {
		struct zxu_info_handle_basic info = {
			.koid = obj->koid,
			.rights = h->rights,
			.type = obj->ops->type,
			.related_koid = obj->peer ? obj->peer->koid : 0,
			.props = ZXU_OBJ_PROP_WAITABLE,
		};

		return zx_ioctl_info_record(&args, &info, sizeof(info),
					    compat);
	}
	case ZXU_INFO_HANDLE_COUNT: {
		u32 count;

		if (!(h->rights & ZXU_RIGHT_INSPECT))
			return -EACCES;
		count = atomic_read(&obj->handle_count);
		return zx_ioctl_info_record(&args, &count, sizeof(count),
					    compat);
	}
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * The payload of a write: one buffer, or a zx_channel_iovec_t array (read
 * here, in the caller's layout).  Zircon's order of checks: the entry
 * count, the array itself, the reserved fields, then the total size; then
 * the handle count.  @one holds the single buffer; an iovec array is
 * allocated and freed with zx_ioctl_payload_put().
 */
static int zx_ioctl_payload_get(struct zx_write_params *wr, u64 bytes,
				u32 num_bytes, struct zxu_channel_iovec *one,
				bool compat)
{
	struct zxu_channel_iovec *iov;
	u64 total = 0;
	u32 i;
	int ret;

	if (!(wr->options & ZXU_CHANNEL_WRITE_USE_IOVEC)) {
		*one = (struct zxu_channel_iovec) {
			.buffer = bytes,
			.capacity = num_bytes,
		};
		wr->payload = (struct zx_payload) {
			.segs = one, .num_segs = 1, .total = num_bytes,
		};
		if (num_bytes > ZXU_CHANNEL_MAX_MSG_BYTES)
			return -ERANGE;
		goto handles;
	}

	if (num_bytes > ZXU_CHANNEL_MAX_MSG_IOVECS)
		return -ERANGE;
	iov = kvmalloc_array(num_bytes, sizeof(*iov), GFP_KERNEL_ACCOUNT);
	if (!iov)
		return -ENOMEM;
	wr->payload = (struct zx_payload) { .segs = iov, .num_segs = num_bytes };
	if (compat)
		ret = zx_compat_get_iovecs(iov, bytes, num_bytes);
	else if (copy_from_user(iov, u64_to_user_ptr(bytes),
				num_bytes * sizeof(*iov)))
		ret = -EFAULT;
	else
		ret = 0;
	if (ret)
		return ret;
	for (i = 0; i < num_bytes; i++) {
		if (iov[i].reserved)
			return -EINVAL;
		total += iov[i].capacity;
	}
	if (total > ZXU_CHANNEL_MAX_MSG_BYTES)
		return -ERANGE;
	wr->payload.total = total;
handles:
	if (wr->num_handles > ZXU_CHANNEL_MAX_MSG_HANDLES)
		return -ERANGE;
	return 0;
}

static void zx_ioctl_payload_put(struct zx_write_params *wr,
				 const struct zxu_channel_iovec *one)
{
	if (wr->payload.segs != one)
		kvfree(wr->payload.segs);
}

/* A failed write consumes its handles unless the core already took them. */
static long zx_ioctl_write_done(const struct zx_write_params *wr, long ret)
{
	if (ret && !wr->handles_taken)
		zx_msg_consume_handles(wr->handles, wr->num_handles, wr->etc);
	return ret;
}

/*
 * The checks every write makes before it reads its payload (the handle
 * the block names, options, type, rights), then the payload itself.
 */
static int zx_ioctl_write_prepare(struct file *file, u32 rights,
				  struct zx_write_params *wr, u64 bytes,
				  u32 num_bytes, struct zxu_channel_iovec *one,
				  bool compat)
{
	if (!zx_fd_names_file(wr->fd, file))
		return -EBADF;
	return zx_channel_check_write(file->private_data, rights,
				      wr->options) ?:
		zx_ioctl_payload_get(wr, bytes, num_bytes, one, compat);
}

static void zx_ioctl_write_params(struct zx_write_params *wr,
				  const struct zxu_ioc_channel_write *args,
				  bool etc)
{
	*wr = (struct zx_write_params) {
		.handles = args->handles,
		.num_handles = args->num_handles,
		.options = args->options,
		.fd = args->handle,
		.etc = etc,
	};
}

static void zx_ioctl_read_params(struct zx_read_params *rd,
				 const struct zxu_ioc_channel_read *args,
				 bool etc)
{
	*rd = (struct zx_read_params) {
		.bytes = args->bytes,
		.handles = args->handles,
		.actual_bytes = args->actual_bytes,
		.actual_handles = args->actual_handles,
		.num_bytes = args->num_bytes,
		.num_handles = args->num_handles,
		.etc = etc,
	};
}

/* ZX_IOC_CHANNEL_WRITE and ZX_IOC_CHANNEL_WRITE_ETC */
static long zx_ioctl_channel_write(struct file *file, void __user *uarg,
				   bool etc, bool compat)
{
	struct zxu_ioc_channel_write args;
	struct zxu_channel_iovec one;
	struct zx_write_params wr;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	zx_ioctl_write_params(&wr, &args, etc);
	ret = zx_ioctl_write_prepare(file, ZXU_RIGHT_WRITE, &wr, args.bytes,
				     args.num_bytes, &one, compat);
	if (!ret)
		ret = zx_endpoint_write(file, &wr);
	zx_ioctl_payload_put(&wr, &one);
	return zx_ioctl_write_done(&wr, ret);
}

/* ZX_IOC_CHANNEL_READ and ZX_IOC_CHANNEL_READ_ETC */
static long zx_ioctl_channel_read(struct file *file, void __user *uarg,
				  bool etc)
{
	struct zx_handle *h = file->private_data;
	struct zxu_ioc_channel_read args;
	struct zx_read_params rd;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.reserved)
		return -EINVAL;
	ret = zx_channel_check_read(h, args.options);
	if (ret)
		return ret;
	zx_ioctl_read_params(&rd, &args, etc);
	return zx_endpoint_read(zx_endpoint(h->obj), &rd, args.options);
}

/*
 * A call is a write and then a read: its ioctl block and the caller's
 * zx_channel_call_args_t it points to, in the forms a write and a read
 * take.  Nothing is consumed if either cannot be read.
 */
static int zx_ioctl_call_blocks(void __user *uarg,
				struct zxu_ioc_channel_call *args,
				struct zxu_ioc_channel_write *w,
				struct zxu_ioc_channel_read *r, bool compat)
{
	struct zxu_channel_call_args ca;

	if (copy_from_user(args, uarg, sizeof(*args)))
		return -EFAULT;
	if (compat) {
		if (zx_compat_get_call_args(&ca, args->args))
			return -EFAULT;
	} else if (copy_from_user(&ca, u64_to_user_ptr(args->args),
				  sizeof(ca))) {
		return -EFAULT;
	}
	*w = (struct zxu_ioc_channel_write) {
		.bytes = ca.wr_bytes,
		.handles = ca.wr_handles,
		.num_bytes = ca.wr_num_bytes,
		.num_handles = ca.wr_num_handles,
		.options = args->options,
		.handle = args->handle,
	};
	*r = (struct zxu_ioc_channel_read) {
		.bytes = ca.rd_bytes,
		.handles = ca.rd_handles,
		.actual_bytes = args->actual_bytes,
		.actual_handles = args->actual_handles,
		.num_bytes = ca.rd_num_bytes,
		.num_handles = ca.rd_num_handles,
	};
	return 0;
}

/* ZX_IOC_CHANNEL_CALL and ZX_IOC_CHANNEL_CALL_ETC */
static long zx_ioctl_channel_call(struct file *file, void __user *uarg,
				  bool etc, bool compat)
{
	struct zxu_ioc_channel_call args;
	struct zxu_ioc_channel_write w;
	struct zxu_ioc_channel_read r;
	struct zxu_channel_iovec one;
	struct zx_write_params wr;
	struct zx_read_params rd;
	int ret;

	ret = zx_ioctl_call_blocks(uarg, &args, &w, &r, compat);
	if (ret)
		return ret;
	zx_ioctl_write_params(&wr, &w, etc);
	zx_ioctl_read_params(&rd, &r, etc);

	ret = zx_ioctl_write_prepare(file, ZXU_RIGHT_READ | ZXU_RIGHT_WRITE,
				     &wr, w.bytes, w.num_bytes, &one, compat);
	if (!ret)
		ret = zx_call_run(file, &wr, &rd, args.deadline);
	zx_ioctl_payload_put(&wr, &one);
	return zx_ioctl_write_done(&wr, ret);
}

/* ZX_IOC_CHANNEL_CALL_FINISH: resume an interrupted call */
static long zx_ioctl_channel_call_finish(struct file *file, void __user *uarg,
					 bool compat)
{
	struct zxu_ioc_channel_call args;
	struct zxu_ioc_channel_write w;
	struct zxu_ioc_channel_read r;
	struct zx_read_params rd;
	int ret;

	ret = zx_ioctl_call_blocks(uarg, &args, &w, &r, compat);
	if (ret)
		return ret;
	if (!zx_fd_names_file(args.handle, file))
		return -EBADF;
	/* The handle format of the reply is the interrupted call's. */
	zx_ioctl_read_params(&rd, &r, false);
	return zx_call_finish(file, args.handle, &rd);
}

/*
 * ZX_IOC_CHANNEL_REPLY_READ.  The read side is validated before anything
 * is written, so an invalid read never costs the reply.
 */
static long zx_ioctl_channel_reply_read(struct file *file, void __user *uarg,
					bool compat)
{
	struct zxu_ioc_reply_read args;
	struct zxu_channel_iovec one;
	struct zx_write_params wr;
	struct zx_read_params rd;
	bool write;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	zx_ioctl_write_params(&wr, &args.wr, false);
	zx_ioctl_read_params(&rd, &args.rd, false);
	write = !(args.flags & ZX_REPLY_READ_NO_WRITE);
	/* Nothing to consume without a write. */
	wr.handles_taken = !write;

	if ((args.flags & ~ZX_REPLY_READ_NO_WRITE) || args.rd.reserved)
		ret = -EINVAL;
	else if (!zx_fd_names_file(args.handle, file) ||
		 (write && !zx_fd_names_file(wr.fd, file)))
		ret = -EBADF;
	else
		ret = zx_channel_check_read(file->private_data,
					    args.rd.options);
	if (ret)
		return zx_ioctl_write_done(&wr, ret);

	if (write) {
		ret = zx_ioctl_write_prepare(file, ZXU_RIGHT_WRITE, &wr,
					     args.wr.bytes, args.wr.num_bytes,
					     &one, compat);
		if (!ret)
			ret = zx_endpoint_write(file, &wr);
		zx_ioctl_payload_put(&wr, &one);
		if (ret)
			return zx_ioctl_write_done(&wr, ret);
	}
	return zx_endpoint_read_wait(file, args.handle, &rd, args.rd.options,
				     args.deadline);
}

/* The one switch over handle commands, for native and 32-bit callers. */
static long zx_ioctl_handle_cmd(struct file *file, unsigned int cmd,
				unsigned long arg, bool compat)
{
	void __user *uarg = compat ? compat_ptr(arg) : (void __user *)arg;

	switch (cmd) {
	case ZX_IOC_HANDLE_CLOSE:
		/* The argument is the fd itself. */
		if (arg > INT_MAX || !zx_fd_remove(arg, file))
			return -EBADF;
		return 0;
	case ZX_IOC_HANDLE_DUPLICATE:
		return zx_ioctl_handle_dup(file, uarg, false);
	case ZX_IOC_HANDLE_REPLACE:
		return zx_ioctl_handle_dup(file, uarg, true);
	case ZX_IOC_OBJECT_WAIT_ONE:
		return zx_ioctl_wait_one(file, uarg);
	case ZX_IOC_OBJECT_SIGNAL:
		return zx_ioctl_signal(file, uarg, false);
	case ZX_IOC_OBJECT_SIGNAL_PEER:
		return zx_ioctl_signal(file, uarg, true);
	case ZX_IOC_OBJECT_GET_INFO:
		return zx_ioctl_get_info(file, uarg, compat);
	case ZX_IOC_CHANNEL_WRITE:
		return zx_ioctl_channel_write(file, uarg, false, compat);
	case ZX_IOC_CHANNEL_WRITE_ETC:
		return zx_ioctl_channel_write(file, uarg, true, compat);
	case ZX_IOC_CHANNEL_READ:
		return zx_ioctl_channel_read(file, uarg, false);
	case ZX_IOC_CHANNEL_READ_ETC:
		return zx_ioctl_channel_read(file, uarg, true);
	case ZX_IOC_CHANNEL_CALL:
		return zx_ioctl_channel_call(file, uarg, false, compat);
	case ZX_IOC_CHANNEL_CALL_ETC:
		return zx_ioctl_channel_call(file, uarg, true, compat);
	case ZX_IOC_CHANNEL_CALL_FINISH:
		return zx_ioctl_channel_call_finish(file, uarg, compat);
	case ZX_IOC_CHANNEL_REPLY_READ:
		return zx_ioctl_channel_reply_read(file, uarg, compat);
	default:
		return -ENOTTY;
	}
}

static long zx_ioctl_handle(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	return zx_ioctl_handle_cmd(file, cmd, arg, false);
}

#ifdef CONFIG_COMPAT
static long zx_ioctl_handle_compat(struct file *file, unsigned int cmd,
				   unsigned long arg)
{
	if (zx_ioctl_from_x32())
		return -EOPNOTSUPP;
	return zx_ioctl_handle_cmd(file, cmd, arg, true);
}
#else
#define zx_ioctl_handle_compat NULL
#endif

/*
 * Closing a handle may leave a cycle of channels unreachable: the
 * collector is told once the reference is gone (for ->flush the fd's
 * reference goes right after, see gc.c on why that race is harmless).
 */
static int zx_ioctl_handle_release(struct inode *inode, struct file *file)
{
	bool kick = zx_gc_watches(file);
	int ret = zx_handle_release(inode, file);

	if (kick)
		zx_gc_kick();
	return ret;
}

static int zx_ioctl_handle_flush(struct file *file, fl_owner_t id)
{
	int ret = zx_handle_flush(file, id);

	if (zx_gc_watches(file))
		zx_gc_kick();
	return ret;
}

/* Handle files: methods from handle.c, commands from here. */
const struct file_operations zx_handle_file_ops = {
	.owner		= THIS_MODULE,
	.release	= zx_ioctl_handle_release,
	.flush		= zx_ioctl_handle_flush,
	.poll		= zx_handle_poll,
	.unlocked_ioctl	= zx_ioctl_handle,
	.compat_ioctl	= zx_ioctl_handle_compat,
	.llseek		= noop_llseek,
};
