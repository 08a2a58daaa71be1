// SPDX-License-Identifier: GPL-2.0
/*
 * zx: Zircon channels for Linux -- module setup: the /dev/zx device, the
 * handle files' operations, and what must stop at unload.  The layers
 * below are described in docs/architecture.md.
 */

#include <linux/miscdevice.h>
#include <linux/module.h>

#include "call.h"
#include "handle.h"
#include "ioctl.h"

static struct miscdevice zx_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= ZXU_DEVICE_NAME,
	.fops	= &zx_dev_fops,
	.mode	= 0666,
};

static int __init zx_init(void)
{
	zx_handle_init(&zx_handle_file_ops);
	return misc_register(&zx_misc);
}

static void __exit zx_exit(void)
{
	misc_deregister(&zx_misc);
	zx_call_exit();
}

module_init(zx_init);
module_exit(zx_exit);

MODULE_DESCRIPTION("Zircon channels for Linux");
MODULE_LICENSE("GPL");
