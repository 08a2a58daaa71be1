/* SPDX-License-Identifier: MIT */
/* The per-call /dev/zx control fd (libzx keeps no fd between calls). */
#include <fcntl.h>
#include <unistd.h>

#include "zx_private.h"

zx_status_t zxi_open_ctl(int *fd)
{
	int f;

	do
		f = open("/dev/" ZXU_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	while (f < 0 && errno == EINTR);
	if (f >= 0) {
		*fd = f;
		return ZX_OK;
	}
	switch (errno) {
	/*
	 * No /dev/zx (or no driver behind it): the module is not loaded, so
	 * zx objects are not supported on this system.  Documented choice:
	 * ZX_ERR_NOT_SUPPORTED (rather than ZX_ERR_UNAVAILABLE, which in
	 * Zircon means "retry later").
	 */
	case ENOENT:
	case ENODEV:
	case ENXIO:
	case ENOTDIR:
		return ZX_ERR_NOT_SUPPORTED;
	case EACCES:
	case EPERM:
	case EROFS:
		return ZX_ERR_ACCESS_DENIED;
	case EMFILE:
	case ENFILE:
		return ZX_ERR_NO_RESOURCES;
	case ENOMEM:
		return ZX_ERR_NO_MEMORY;
	default:
		return ZX_ERR_INTERNAL;
	}
}

void zxi_close_ctl(int fd)
{
	/* The control fd owns no zx object; nothing to report. */
	(void)close(fd);
}
