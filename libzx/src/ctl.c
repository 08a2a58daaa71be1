/* SPDX-License-Identifier: MIT */
/* The calls that go to /dev/zx rather than to a handle's own fd. */
#include <fcntl.h>
#include <unistd.h>

#include "zx_private.h"

/*
 * open() errnos that mean there is no zx driver to talk to: no /dev/zx
 * node, or a node with no module behind it.  A Zircon caller cannot load a
 * module, and nothing will change if it retries, so these are
 * ZX_ERR_NOT_SUPPORTED: not the uapi table's ZX_ERR_NOT_FOUND for ENOENT,
 * which answers a lookup of something the module knows about, and not
 * ZX_ERR_UNAVAILABLE, which in Zircon means "try again later".  Every
 * other errno of open() (EACCES, EMFILE, ENOMEM, ...) means what the table
 * says it means for the ioctls.
 */
static bool zxi_no_driver(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ENODEV || err == ENXIO;
}

zx_status_t zxi_ctl_ioctl(unsigned long cmd, void *arg, bool retry_eintr)
{
	zx_status_t st;
	int fd, err;

	do
		fd = open("/dev/" ZXU_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		err = errno;
		return zxi_no_driver(err) ? ZX_ERR_NOT_SUPPORTED
					  : zxi_status_from_errno(err);
	}
	st = zxi_ioctl(fd, cmd, arg, retry_eintr);
	/* The control fd owns no zx object: nothing to report. */
	(void)close(fd);
	return st;
}

zx_status_t zxi_create(unsigned long cmd, uint32_t options, zx_handle_t *out0,
		       zx_handle_t *out1)
{
	struct zxu_ioc_create args = {
		.options = options,
		.out = { zxi_ptr(out0), zxi_ptr(out1) },
	};

	return zxi_ctl_ioctl(cmd, &args, false);
}
