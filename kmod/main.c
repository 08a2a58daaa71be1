// SPDX-License-Identifier: GPL-2.0
/*
 * zx: Zircon channels for Linux -- the /dev/zx device.
 *
 * /dev/zx creates objects and runs the operations that are not about one
 * handle (wait_many, close_many).  Opening it grants nothing: an object is
 * reachable only through the handles (fds) it was created with or was
 * sent, hence mode 0666.
 */

#include <linux/atomic.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "zx.h"

/* Koids start where Zircon's do; below are reserved values. */
#define ZX_KOID_FIRST	1024

static atomic64_t zx_last_koid = ATOMIC64_INIT(ZX_KOID_FIRST - 1);

/**
 * zx_koid_next() - a kernel object id never handed out before
 */
u64 zx_koid_next(void)
{
	return atomic64_inc_return(&zx_last_koid);
}

static long zx_dev_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case ZX_IOC_CHANNEL_CREATE:
		return zx_channel_create(uarg);
	case ZX_IOC_EVENT_CREATE:
		return zx_event_create(uarg);
	case ZX_IOC_EVENTPAIR_CREATE:
		return zx_eventpair_create(uarg);
	case ZX_IOC_HANDLE_CLOSE_MANY:
		return zx_handle_close_many(uarg);
	case ZX_IOC_OBJECT_WAIT_MANY:
		return zx_object_wait_many(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations zx_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= zx_dev_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice zx_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= ZXU_DEVICE_NAME,
	.fops	= &zx_dev_fops,
	.mode	= 0666,
};

static int __init zx_init(void)
{
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
