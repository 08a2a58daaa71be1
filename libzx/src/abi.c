/* SPDX-License-Identifier: MIT */
/*
 * Compile-time proof that libzx's Fuchsia-named constants and structures are
 * exactly the uapi's ZXU_/zxu_ twins that the kernel module uses.  Nothing
 * in this file generates code.
 */
#include "zx_private.h"

#define ZXI_SAME(x)                                                      \
	_Static_assert((unsigned long long)(ZX_##x) ==                   \
			       (unsigned long long)(ZXU_##x),            \
		       "ZX_" #x " != ZXU_" #x)

/* Signals */
ZXI_SAME(CHANNEL_READABLE);
ZXI_SAME(CHANNEL_WRITABLE);
ZXI_SAME(CHANNEL_PEER_CLOSED);
ZXI_SAME(EVENT_SIGNALED);
ZXI_SAME(EVENTPAIR_PEER_CLOSED);
ZXI_SAME(EVENTPAIR_SIGNALED);
ZXI_SAME(SIGNAL_HANDLE_CLOSED);
ZXI_SAME(USER_SIGNAL_ALL);

/* Rights */
ZXI_SAME(RIGHT_NONE);
ZXI_SAME(RIGHT_DUPLICATE);
ZXI_SAME(RIGHT_TRANSFER);
ZXI_SAME(RIGHT_READ);
ZXI_SAME(RIGHT_WRITE);
ZXI_SAME(RIGHT_GET_PROPERTY);
ZXI_SAME(RIGHT_SET_PROPERTY);
ZXI_SAME(RIGHT_SIGNAL);
ZXI_SAME(RIGHT_SIGNAL_PEER);
ZXI_SAME(RIGHT_WAIT);
ZXI_SAME(RIGHT_INSPECT);
ZXI_SAME(RIGHT_SAME_RIGHTS);
ZXI_SAME(DEFAULT_CHANNEL_RIGHTS);
ZXI_SAME(DEFAULT_EVENT_RIGHTS);
ZXI_SAME(DEFAULT_EVENTPAIR_RIGHTS);

/* Object types */
ZXI_SAME(OBJ_TYPE_NONE);
ZXI_SAME(OBJ_TYPE_CHANNEL);
ZXI_SAME(OBJ_TYPE_EVENT);
ZXI_SAME(OBJ_TYPE_EVENTPAIR);

/* Channel options and limits */
ZXI_SAME(CHANNEL_READ_MAY_DISCARD);
ZXI_SAME(CHANNEL_WRITE_USE_IOVEC);
ZXI_SAME(CHANNEL_MAX_MSG_BYTES);
ZXI_SAME(CHANNEL_MAX_MSG_HANDLES);
ZXI_SAME(CHANNEL_MAX_MSG_IOVECS);
ZXI_SAME(WAIT_MANY_MAX_ITEMS);

/* Handle ops, get_info topics, props, time */
ZXI_SAME(HANDLE_OP_MOVE);
ZXI_SAME(HANDLE_OP_DUPLICATE);
ZXI_SAME(INFO_HANDLE_VALID);
ZXI_SAME(INFO_HANDLE_BASIC);
ZXI_SAME(INFO_HANDLE_COUNT);
ZXI_SAME(OBJ_PROP_WAITABLE);
ZXI_SAME(TIME_INFINITE);

/* Scalar types carried by the ioctls */
_Static_assert(sizeof(zx_handle_t) == sizeof(__u32), "zx_handle_t");
_Static_assert(sizeof(zx_status_t) == sizeof(__s32), "zx_status_t");
_Static_assert(sizeof(zx_signals_t) == sizeof(__u32), "zx_signals_t");
_Static_assert(sizeof(zx_rights_t) == sizeof(__u32), "zx_rights_t");
_Static_assert(sizeof(zx_time_t) == sizeof(__s64), "zx_time_t");
_Static_assert(sizeof(zx_koid_t) == sizeof(__u64), "zx_koid_t");
_Static_assert((zx_time_t)-1 < 0, "zx_time_t must be signed");

/*
 * Structures: same size, and each named field at the same offset with the
 * same size.  ZXI_LAYOUT(zt, ut, f...) checks the size and 1-5 or 8
 * fields (the counts in use); ZXI_FIELD2 pairs fields whose names differ.
 */
#define ZXI_FIELD2(zt, ut, zf, uf)                                         \
	_Static_assert(offsetof(zt, zf) == offsetof(struct ut, uf) &&       \
			       sizeof(((zt *)0)->zf) ==                     \
				       sizeof(((struct ut *)0)->uf),        \
		       #zt "." #zf " != " #ut "." #uf)
#define ZXI_FIELD(zt, ut, f) ZXI_FIELD2(zt, ut, f, f)
#define ZXI_F1(zt, ut, f) ZXI_FIELD(zt, ut, f)
#define ZXI_F2(zt, ut, f, ...) ZXI_F1(zt, ut, f); ZXI_F1(zt, ut, __VA_ARGS__)
#define ZXI_F3(zt, ut, a, ...) ZXI_F1(zt, ut, a); ZXI_F2(zt, ut, __VA_ARGS__)
#define ZXI_F4(zt, ut, a, b, ...) ZXI_F2(zt, ut, a, b); ZXI_F2(zt, ut, __VA_ARGS__)
#define ZXI_F5(zt, ut, a, ...) ZXI_F1(zt, ut, a); ZXI_F4(zt, ut, __VA_ARGS__)
#define ZXI_F8(zt, ut, a, b, c, d, ...) \
	ZXI_F4(zt, ut, a, b, c, d); ZXI_F4(zt, ut, __VA_ARGS__)
#define ZXI_NARGS(...) ZXI_NARGS_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define ZXI_NARGS_(a, b, c, d, e, f, g, h, n, ...) n
#define ZXI_CAT(a, b) ZXI_CAT_(a, b)
#define ZXI_CAT_(a, b) a##b
#define ZXI_LAYOUT(zt, ut, ...)                                            \
	_Static_assert(sizeof(zt) == sizeof(struct ut),                    \
		       "sizeof " #zt " != " #ut);                          \
	ZXI_CAT(ZXI_F, ZXI_NARGS(__VA_ARGS__))(zt, ut, __VA_ARGS__)

ZXI_LAYOUT(zx_handle_disposition_t, zxu_handle_disposition,
	   operation, handle, type, rights, result);
ZXI_LAYOUT(zx_handle_info_t, zxu_handle_info, handle, type, rights, unused);
ZXI_LAYOUT(zx_wait_item_t, zxu_wait_item, handle, waitfor, pending);
ZXI_LAYOUT(zx_info_handle_basic_t, zxu_info_handle_basic,
	   koid, rights, type, related_koid, props);
ZXI_FIELD2(zx_info_handle_basic_t, zxu_info_handle_basic, padding1, padding);

_Static_assert(sizeof(zx_info_handle_count_t) == sizeof(__u32),
	       "zx_info_handle_count_t is one __u32");

/*
 * The two structures that hold pointers and that the kernel reads through
 * a pointer in an ioctl block (the blocks themselves are the same for 32-
 * and 64-bit callers: every pointer travels as a __u64).  On LP64 they are
 * the uapi's zxu_ structures; for a 32-bit process the kernel's
 * compat_ioctl reads zx_channel_iovec_t arrays and zx_channel_call_args_t
 * in their ILP32 layout, pinned here so that libzx and the kernel cannot
 * drift apart.  x32 (ILP32 pointers on the x86-64 syscall ABI) is neither:
 * the module refuses it, so libzx does not build for it.
 */
#define ZXI_CALL_ARGS_FIELDS wr_bytes, wr_handles, rd_bytes, rd_handles, \
	wr_num_bytes, wr_num_handles, rd_num_bytes, rd_num_handles
#if defined(__x86_64__) && defined(__ILP32__)
#error "x32 is not supported (the zx module refuses x32 processes)"
#elif UINTPTR_MAX == UINT64_MAX
ZXI_LAYOUT(zx_channel_iovec_t, zxu_channel_iovec, buffer, capacity, reserved);
ZXI_LAYOUT(zx_channel_call_args_t, zxu_channel_call_args, ZXI_CALL_ARGS_FIELDS);
ZXI_LAYOUT(zx_channel_call_etc_args_t, zxu_channel_call_args,
	   ZXI_CALL_ARGS_FIELDS);

/* get_info's actual/avail: the kernel stores 8 bytes for LP64 callers. */
_Static_assert(sizeof(size_t) == sizeof(__u64), "LP64 size_t");
#else
/*
 * ILP32: 4-byte pointers and no padding, the layout compat_ioctl reads;
 * it stores get_info's actual/avail as 4-byte counts.
 */
_Static_assert(sizeof(size_t) == sizeof(__u32), "ILP32 size_t");
_Static_assert(sizeof(zx_channel_iovec_t) == 12 &&
		       offsetof(zx_channel_iovec_t, capacity) == 4 &&
		       offsetof(zx_channel_iovec_t, reserved) == 8,
	       "ILP32 zx_channel_iovec_t");
_Static_assert(sizeof(zx_channel_call_args_t) == 32 &&
		       offsetof(zx_channel_call_args_t, wr_num_bytes) == 16 &&
		       sizeof(zx_channel_call_etc_args_t) == 32 &&
		       offsetof(zx_channel_call_etc_args_t, wr_num_bytes) == 16,
	       "ILP32 zx_channel_call{,_etc}_args_t");
#endif

/*
 * The name clash workaround in zx_private.h must leave the CALL ioctl
 * numbers measuring the ioctl argument block, not Fuchsia's struct.
 */
_Static_assert(sizeof(zxi_call_ioc_args) == 40, "CALL ioctl block is 40 bytes");
_Static_assert(_IOC_SIZE(ZX_IOC_CHANNEL_CALL) == sizeof(zxi_call_ioc_args),
	       "ZX_IOC_CHANNEL_CALL encodes the ioctl block size");
_Static_assert(_IOC_SIZE(ZX_IOC_CHANNEL_CALL_ETC) == sizeof(zxi_call_ioc_args),
	       "ZX_IOC_CHANNEL_CALL_ETC encodes the ioctl block size");
_Static_assert(_IOC_SIZE(ZX_IOC_CHANNEL_CALL_FINISH) == sizeof(zxi_call_ioc_args),
	       "ZX_IOC_CHANNEL_CALL_FINISH encodes the ioctl block size");

/* ioctl argument blocks: one layout for 32- and 64-bit callers. */
_Static_assert(sizeof(struct zxu_ioc_create) == 24, "zxu_ioc_create");
_Static_assert(sizeof(struct zxu_ioc_channel_write) == 32, "zxu_ioc_channel_write");
_Static_assert(sizeof(struct zxu_ioc_channel_read) == 48, "zxu_ioc_channel_read");
_Static_assert(sizeof(struct zxu_ioc_wait_one) == 24, "zxu_ioc_wait_one");
_Static_assert(sizeof(struct zxu_ioc_wait_many) == 24, "zxu_ioc_wait_many");
_Static_assert(sizeof(struct zxu_ioc_signal) == 8, "zxu_ioc_signal");
_Static_assert(sizeof(struct zxu_ioc_get_info) == 40, "zxu_ioc_get_info");
_Static_assert(sizeof(struct zxu_ioc_handle_dup) == 16, "zxu_ioc_handle_dup");
_Static_assert(sizeof(struct zxu_ioc_close_many) == 16, "zxu_ioc_close_many");

/* The fd-as-handle scheme needs handle values to fit in an int. */
_Static_assert(ZX_HANDLE_INVALID == 0, "ZX_HANDLE_INVALID is 0");
