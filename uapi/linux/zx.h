/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * zx: Zircon channels for Linux -- the ioctl ABI.
 *
 * A zx object (channel endpoint, event, eventpair) is reached only through
 * an anon-inode file; each such open file description is one Zircon
 * *handle* and carries its own rights.  File descriptors are the handle
 * values userspace sees.  Objects are created through /dev/zx; everything
 * else is an ioctl on the handle's own fd, so a foreign fd fails with
 * ENOTTY/EBADF before the module sees it.
 *
 * ABI rules: fixed-width types only, user pointers travel as __u64, every
 * struct has the same layout for 32- and 64-bit userspace and no implicit
 * padding, and every "reserved" field must be zero (EINVAL otherwise) so it
 * can be given a meaning later.
 *
 * Constants that mirror Zircon values carry a ZXU_ prefix so that this
 * header can be included next to libzx's <zircon/...> headers, which spell
 * the Fuchsia names.
 */
#ifndef _UAPI_LINUX_ZX_H
#define _UAPI_LINUX_ZX_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/errno.h>

#define ZXU_DEVICE_NAME			"zx"

/* Signals (Zircon types.h) */
#define ZXU_CHANNEL_READABLE		0x00000001u
#define ZXU_CHANNEL_WRITABLE		0x00000002u
#define ZXU_CHANNEL_PEER_CLOSED		0x00000004u
#define ZXU_EVENT_SIGNALED		0x00000008u
#define ZXU_EVENTPAIR_PEER_CLOSED	0x00000004u
#define ZXU_EVENTPAIR_SIGNALED		0x00000008u
#define ZXU_SIGNAL_HANDLE_CLOSED	0x00800000u
#define ZXU_USER_SIGNAL_ALL		0xff000000u

/* Rights (Zircon rights.h) */
#define ZXU_RIGHT_NONE			0u
#define ZXU_RIGHT_DUPLICATE		0x00000001u
#define ZXU_RIGHT_TRANSFER		0x00000002u
#define ZXU_RIGHT_READ			0x00000004u
#define ZXU_RIGHT_WRITE			0x00000008u
#define ZXU_RIGHT_GET_PROPERTY		0x00000040u
#define ZXU_RIGHT_SET_PROPERTY		0x00000080u
#define ZXU_RIGHT_SIGNAL		0x00001000u
#define ZXU_RIGHT_SIGNAL_PEER		0x00002000u
#define ZXU_RIGHT_WAIT			0x00004000u
#define ZXU_RIGHT_INSPECT		0x00008000u
#define ZXU_RIGHT_SAME_RIGHTS		0x80000000u

#define ZXU_DEFAULT_CHANNEL_RIGHTS	0x0000f00eu
#define ZXU_DEFAULT_EVENT_RIGHTS	0x0000d003u
#define ZXU_DEFAULT_EVENTPAIR_RIGHTS	0x0000f003u

/* Object types (zx_obj_type_t) */
#define ZXU_OBJ_TYPE_NONE		0u
#define ZXU_OBJ_TYPE_CHANNEL		4u
#define ZXU_OBJ_TYPE_EVENT		5u
#define ZXU_OBJ_TYPE_EVENTPAIR		16u

/* Channel options and limits */
#define ZXU_CHANNEL_READ_MAY_DISCARD	1u
#define ZXU_CHANNEL_WRITE_USE_IOVEC	2u
#define ZXU_CHANNEL_MAX_MSG_BYTES	65536u
#define ZXU_CHANNEL_MAX_MSG_HANDLES	64u
#define ZXU_CHANNEL_MAX_MSG_IOVECS	8192u
#define ZXU_WAIT_MANY_MAX_ITEMS		64u

/*
 * The longest handle array any call walks (zx_handle_close_many, and the
 * handles a failed write consumes): the default fs.nr_open, so no list of
 * handles a process can hold by default is longer.  Longer arrays fail
 * with ZX_ERR_OUT_OF_RANGE before any entry is looked at.
 */
#define ZXU_HANDLE_ARRAY_MAX		0x00100000u

/* zx_handle_disposition_t.operation */
#define ZXU_HANDLE_OP_MOVE		0u
#define ZXU_HANDLE_OP_DUPLICATE		1u

/* zx_object_get_info topics */
#define ZXU_INFO_HANDLE_VALID		1u
#define ZXU_INFO_HANDLE_BASIC		2u
#define ZXU_INFO_HANDLE_COUNT		19u

#define ZXU_OBJ_PROP_WAITABLE		1u

#define ZXU_TIME_INFINITE		((__s64)0x7fffffffffffffffLL)

/*
 * Structures userspace hands to the kernel by pointer.  Each has the
 * layout of the Zircon structure of the same name on LP64.  Two of them
 * hold pointers and so differ for 32-bit processes: zx_channel_iovec_t and
 * zx_channel_call{,_etc}_args_t, whose ILP32 layouts the kernel's
 * compat_ioctl reads (kmod/compat.c).  The others, and every ioctl block
 * below, have one layout for both.
 */

/* zx_channel_iovec_t */
struct zxu_channel_iovec {
	__u64 buffer;
	__u32 capacity;
	__u32 reserved;
};

/* zx_handle_disposition_t */
struct zxu_handle_disposition {
	__u32 operation;
	__u32 handle;
	__u32 type;
	__u32 rights;
	__s32 result;
};

/* zx_handle_info_t */
struct zxu_handle_info {
	__u32 handle;
	__u32 type;
	__u32 rights;
	__u32 unused;
};

/* zx_wait_item_t */
struct zxu_wait_item {
	__u32 handle;
	__u32 waitfor;
	__u32 pending;
};

/* zx_info_handle_basic_t */
struct zxu_info_handle_basic {
	__u64 koid;
	__u32 rights;
	__u32 type;
	__u64 related_koid;
	__u32 props;
	__u32 padding;
};

/* zx_channel_call_args_t and zx_channel_call_etc_args_t (LP64 layout) */
struct zxu_channel_call_args {
	__u64 wr_bytes;
	__u64 wr_handles;
	__u64 rd_bytes;
	__u64 rd_handles;
	__u32 wr_num_bytes;
	__u32 wr_num_handles;
	__u32 rd_num_bytes;
	__u32 rd_num_handles;
};

/*
 * ioctl argument blocks.
 */

/*
 * ZX_IOC_*_CREATE on /dev/zx.  The new handles are stored through out[0]
 * and out[1] (__u32 *; out[1] is 0 for events); if that faults nothing is
 * created.
 */
struct zxu_ioc_create {
	__u32 options;
	__u32 reserved;
	__u64 out[2];
};

/*
 * ZX_IOC_CHANNEL_WRITE{,_ETC} on a channel handle.  @handle is the fd the
 * ioctl is issued on: if another thread moves that handle into a message
 * before this one is queued, the write fails with ZX_ERR_BAD_HANDLE (and
 * consumes its handles) instead of writing through a handle the process
 * no longer holds.
 */
struct zxu_ioc_channel_write {
	__u64 bytes;		/* bytes, or zxu_channel_iovec[] with USE_IOVEC */
	__u64 handles;		/* __u32[] (WRITE) or zxu_handle_disposition[] (ETC) */
	__u32 num_bytes;	/* byte count, or iovec count with USE_IOVEC */
	__u32 num_handles;
	__u32 options;
	__u32 handle;
};

/* ZX_IOC_CHANNEL_READ{,_ETC} on a channel handle */
struct zxu_ioc_channel_read {
	__u64 bytes;
	__u64 handles;		/* __u32[] (READ) or zxu_handle_info[] (ETC) */
	__u64 actual_bytes;	/* __u32 *, may be 0 */
	__u64 actual_handles;	/* __u32 *, may be 0 */
	__u32 num_bytes;
	__u32 num_handles;
	__u32 options;
	__u32 reserved;
};

/*
 * ZX_IOC_CHANNEL_CALL{,_ETC} on a channel handle.  @handle is the fd the
 * ioctl is issued on: closing it from another thread cancels the call.
 *
 * A call interrupted by a signal returns EINTR *after* the request was
 * sent; the thread's call stays registered and must be resumed with
 * ZX_IOC_CHANNEL_CALL_FINISH on the same handle (same arguments; the
 * deadline of the original call applies), which returns EINTR again if
 * interrupted again.  CALL_FINISH without an interrupted call fails with
 * ZX_ERR_BAD_STATE (ZX_ERR_WRONG_TYPE on a handle that is no channel).
 * This is Zircon's call_noretry/call_finish split.  The interrupted call
 * of a thread that exits, or that makes a new call on the same endpoint
 * instead, is dropped; its reply, if it came, is queued as a message.
 */
struct zxu_ioc_channel_call {
	__u64 args;		/* struct zxu_channel_call_args * */
	__s64 deadline;		/* absolute CLOCK_MONOTONIC ns */
	__u64 actual_bytes;	/* __u32 * */
	__u64 actual_handles;	/* __u32 * */
	__u32 options;
	__u32 handle;
};

/*
 * ZX_IOC_CHANNEL_REPLY_READ on a channel handle, the server's half of a
 * round trip in one ioctl: write @wr (a reply; skipped with
 * ZX_REPLY_READ_NO_WRITE; @wr.handle names the fd like @handle), then
 * wait until a message can be read, the peer is closed or @deadline
 * passes, and read it into @rd.  Blocked readers are woken one per
 * message, oldest first.  If the write fails
 * nothing is read and the write's error is returned.  @handle is the fd
 * the ioctl is issued on (closing it cancels the wait).  An interrupted
 * wait returns EINTR after the write took place; retry with NO_WRITE.
 */
#define ZX_REPLY_READ_NO_WRITE		0x00000001u

struct zxu_ioc_reply_read {
	struct zxu_ioc_channel_write wr;
	struct zxu_ioc_channel_read rd;
	__s64 deadline;
	__u32 handle;
	__u32 flags;
};

/*
 * ZX_IOC_OBJECT_WAIT_ONE on any handle.  @handle is the fd the ioctl is
 * issued on: closing it from another thread ends the wait with
 * ZX_ERR_CANCELED and ZX_SIGNAL_HANDLE_CLOSED.
 */
struct zxu_ioc_wait_one {
	__s64 deadline;
	__u64 observed;		/* __u32 *, may be 0 */
	__u32 handle;
	__u32 signals;
};

/* ZX_IOC_OBJECT_WAIT_MANY on /dev/zx */
struct zxu_ioc_wait_many {
	__u64 items;		/* struct zxu_wait_item * */
	__u64 num_items;
	__s64 deadline;
};

/* ZX_IOC_OBJECT_SIGNAL and ZX_IOC_OBJECT_SIGNAL_PEER on any handle */
struct zxu_ioc_signal {
	__u32 clear_mask;
	__u32 set_mask;
};

/* ZX_IOC_OBJECT_GET_INFO on any handle */
struct zxu_ioc_get_info {
	__u64 buffer;
	__u64 buffer_size;
	__u64 actual;		/* size_t *, may be 0: 8 bytes, 4 for 32-bit callers */
	__u64 avail;		/* likewise */
	__u32 topic;
	__u32 reserved;
};

/* ZX_IOC_HANDLE_DUPLICATE and ZX_IOC_HANDLE_REPLACE on any handle */
struct zxu_ioc_handle_dup {
	__u32 handle;		/* the fd the ioctl is issued on */
	__u32 rights;
	__u64 out;		/* __u32 * */
};

/* ZX_IOC_HANDLE_CLOSE_MANY on /dev/zx */
struct zxu_ioc_close_many {
	__u64 handles;		/* __u32 * */
	__u64 num_handles;
};

/*
 * ioctl numbers: 'Z' 0x80-0xbf (Documentation/userspace-api/ioctl/
 * ioctl-number.rst lists only 'Z' 0x14-0x15 as taken).
 */
#define ZX_IOC_MAGIC			'Z'

/* on /dev/zx */
#define ZX_IOC_CHANNEL_CREATE		_IOWR(ZX_IOC_MAGIC, 0x80, struct zxu_ioc_create)
#define ZX_IOC_EVENT_CREATE		_IOWR(ZX_IOC_MAGIC, 0x81, struct zxu_ioc_create)
#define ZX_IOC_EVENTPAIR_CREATE		_IOWR(ZX_IOC_MAGIC, 0x82, struct zxu_ioc_create)
#define ZX_IOC_HANDLE_CLOSE_MANY	_IOW(ZX_IOC_MAGIC, 0x83, struct zxu_ioc_close_many)
#define ZX_IOC_OBJECT_WAIT_MANY		_IOW(ZX_IOC_MAGIC, 0x84, struct zxu_ioc_wait_many)

/* on any handle; HANDLE_CLOSE takes the fd number itself as argument */
#define ZX_IOC_HANDLE_CLOSE		_IO(ZX_IOC_MAGIC, 0x90)
#define ZX_IOC_HANDLE_DUPLICATE		_IOW(ZX_IOC_MAGIC, 0x91, struct zxu_ioc_handle_dup)
#define ZX_IOC_HANDLE_REPLACE		_IOW(ZX_IOC_MAGIC, 0x92, struct zxu_ioc_handle_dup)
#define ZX_IOC_OBJECT_WAIT_ONE		_IOW(ZX_IOC_MAGIC, 0x93, struct zxu_ioc_wait_one)
#define ZX_IOC_OBJECT_SIGNAL		_IOW(ZX_IOC_MAGIC, 0x94, struct zxu_ioc_signal)
#define ZX_IOC_OBJECT_SIGNAL_PEER	_IOW(ZX_IOC_MAGIC, 0x95, struct zxu_ioc_signal)
#define ZX_IOC_OBJECT_GET_INFO		_IOW(ZX_IOC_MAGIC, 0x96, struct zxu_ioc_get_info)

/* on a channel handle */
#define ZX_IOC_CHANNEL_WRITE		_IOW(ZX_IOC_MAGIC, 0xa0, struct zxu_ioc_channel_write)
#define ZX_IOC_CHANNEL_WRITE_ETC	_IOW(ZX_IOC_MAGIC, 0xa1, struct zxu_ioc_channel_write)
#define ZX_IOC_CHANNEL_READ		_IOW(ZX_IOC_MAGIC, 0xa2, struct zxu_ioc_channel_read)
#define ZX_IOC_CHANNEL_READ_ETC		_IOW(ZX_IOC_MAGIC, 0xa3, struct zxu_ioc_channel_read)
#define ZX_IOC_CHANNEL_CALL		_IOW(ZX_IOC_MAGIC, 0xa4, struct zxu_ioc_channel_call)
#define ZX_IOC_CHANNEL_CALL_ETC		_IOW(ZX_IOC_MAGIC, 0xa5, struct zxu_ioc_channel_call)
#define ZX_IOC_CHANNEL_CALL_FINISH	_IOW(ZX_IOC_MAGIC, 0xa6, struct zxu_ioc_channel_call)
#define ZX_IOC_CHANNEL_REPLY_READ	_IOW(ZX_IOC_MAGIC, 0xa7, struct zxu_ioc_reply_read)

/*
 * Status codes.  An ioctl returns 0 for ZX_OK; every other zx_status_t the
 * module reports travels as exactly one errno, listed here once and used by
 * both sides as an array initializer of { zx_status, errno } pairs.
 */
#define ZXU_STATUS_ERRNO_PAIRS {					\
	{ -2,  EOPNOTSUPP },	/* ZX_ERR_NOT_SUPPORTED */		\
	{ -3,  EMFILE },	/* ZX_ERR_NO_RESOURCES */		\
	{ -4,  ENOMEM },	/* ZX_ERR_NO_MEMORY */			\
	{ -10, EINVAL },	/* ZX_ERR_INVALID_ARGS */		\
	{ -11, EBADF },		/* ZX_ERR_BAD_HANDLE */			\
	{ -12, EPROTOTYPE },	/* ZX_ERR_WRONG_TYPE */			\
	{ -14, ERANGE },	/* ZX_ERR_OUT_OF_RANGE */		\
	{ -15, EMSGSIZE },	/* ZX_ERR_BUFFER_TOO_SMALL */		\
	{ -20, EBADFD },	/* ZX_ERR_BAD_STATE */			\
	{ -21, ETIMEDOUT },	/* ZX_ERR_TIMED_OUT */			\
	{ -22, EAGAIN },	/* ZX_ERR_SHOULD_WAIT */		\
	{ -23, ECANCELED },	/* ZX_ERR_CANCELED */			\
	{ -24, EPIPE },		/* ZX_ERR_PEER_CLOSED */		\
	{ -25, ENOENT },	/* ZX_ERR_NOT_FOUND */			\
	{ -30, EACCES },	/* ZX_ERR_ACCESS_DENIED */		\
}

/*
 * Further errnos the kernel can produce for these ioctls and the status
 * each one means.  ENOTTY comes from an fd that is not a zx object.
 */
#define ZXU_ERRNO_ALIAS_PAIRS {						\
	{ -10, EFAULT },	/* ZX_ERR_INVALID_ARGS */		\
	{ -11, ENOTTY },	/* ZX_ERR_BAD_HANDLE */			\
	{ -3,  ENFILE },	/* ZX_ERR_NO_RESOURCES */		\
	{ -30, EPERM },		/* ZX_ERR_ACCESS_DENIED */		\
}

#endif /* _UAPI_LINUX_ZX_H */
