/* SPDX-License-Identifier: MIT */
/* errno -> zx_status_t (from the uapi maps) and zx_status_get_string(). */
#include "zx_private.h"

/*
 * The one errno -> status mapping lives in <linux/zx.h>
 * (ZXU_STATUS_ERRNO_PAIRS, ZXU_ERRNO_ALIAS_PAIRS); it is used here as-is.
 * Anything the tables do not name (including EINTR where it is not
 * retried) is ZX_ERR_INTERNAL.
 */
struct zxi_status_errno {
	int status;
	int err;
};

static const struct zxi_status_errno zxi_status_errnos[] =
	ZXU_STATUS_ERRNO_PAIRS;
static const struct zxi_status_errno zxi_errno_aliases[] =
	ZXU_ERRNO_ALIAS_PAIRS;

static bool zxi_lookup(const struct zxi_status_errno *t, size_t n, int err,
		       zx_status_t *st)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].err == err) {
			*st = (zx_status_t)t[i].status;
			return true;
		}
	}
	return false;
}

zx_status_t zxi_status_from_errno(int err)
{
	zx_status_t st;

	if (zxi_lookup(zxi_status_errnos, countof(zxi_status_errnos), err, &st) ||
	    zxi_lookup(zxi_errno_aliases, countof(zxi_errno_aliases), err, &st))
		return st;
	return ZX_ERR_INTERNAL;
}

const char *zx_status_get_string(zx_status_t status)
{
	switch (status) {
#define ZXI_S(name) \
	case name:  \
		return #name;
	ZXI_S(ZX_OK)
	ZXI_S(ZX_ERR_INTERNAL)
	ZXI_S(ZX_ERR_NOT_SUPPORTED)
	ZXI_S(ZX_ERR_NO_RESOURCES)
	ZXI_S(ZX_ERR_NO_MEMORY)
	ZXI_S(ZX_ERR_INTERNAL_INTR_RETRY)
	ZXI_S(ZX_ERR_INVALID_ARGS)
	ZXI_S(ZX_ERR_BAD_HANDLE)
	ZXI_S(ZX_ERR_WRONG_TYPE)
	ZXI_S(ZX_ERR_BAD_SYSCALL)
	ZXI_S(ZX_ERR_OUT_OF_RANGE)
	ZXI_S(ZX_ERR_BUFFER_TOO_SMALL)
	ZXI_S(ZX_ERR_BAD_STATE)
	ZXI_S(ZX_ERR_TIMED_OUT)
	ZXI_S(ZX_ERR_SHOULD_WAIT)
	ZXI_S(ZX_ERR_CANCELED)
	ZXI_S(ZX_ERR_PEER_CLOSED)
	ZXI_S(ZX_ERR_NOT_FOUND)
	ZXI_S(ZX_ERR_ALREADY_EXISTS)
	ZXI_S(ZX_ERR_ALREADY_BOUND)
	ZXI_S(ZX_ERR_UNAVAILABLE)
	ZXI_S(ZX_ERR_ACCESS_DENIED)
	ZXI_S(ZX_ERR_IO)
	ZXI_S(ZX_ERR_IO_REFUSED)
	ZXI_S(ZX_ERR_IO_DATA_INTEGRITY)
	ZXI_S(ZX_ERR_IO_DATA_LOSS)
	ZXI_S(ZX_ERR_IO_NOT_PRESENT)
	ZXI_S(ZX_ERR_IO_OVERRUN)
	ZXI_S(ZX_ERR_IO_MISSED_DEADLINE)
	ZXI_S(ZX_ERR_IO_INVALID)
	ZXI_S(ZX_ERR_BAD_PATH)
	ZXI_S(ZX_ERR_NOT_DIR)
	ZXI_S(ZX_ERR_NOT_FILE)
	ZXI_S(ZX_ERR_FILE_BIG)
	ZXI_S(ZX_ERR_NO_SPACE)
	ZXI_S(ZX_ERR_NOT_EMPTY)
	ZXI_S(ZX_ERR_STOP)
	ZXI_S(ZX_ERR_NEXT)
	ZXI_S(ZX_ERR_ASYNC)
	ZXI_S(ZX_ERR_PROTOCOL_NOT_SUPPORTED)
	ZXI_S(ZX_ERR_ADDRESS_UNREACHABLE)
	ZXI_S(ZX_ERR_ADDRESS_IN_USE)
	ZXI_S(ZX_ERR_NOT_CONNECTED)
	ZXI_S(ZX_ERR_CONNECTION_REFUSED)
	ZXI_S(ZX_ERR_CONNECTION_RESET)
	ZXI_S(ZX_ERR_CONNECTION_ABORTED)
	ZXI_S(ZX_ERR_INTERNAL_INTR_KILLED)
#undef ZXI_S
	default:
		return "(UNKNOWN)";
	}
}
