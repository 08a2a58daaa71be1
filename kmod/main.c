// SPDX-License-Identifier: GPL-2.0
/*
 * zx: Zircon channels for Linux -- module setup: the /dev/zx device and
 * its counters, the handle files' operations, and what must stop at
 * unload.  The layers below are described in docs/architecture.md.
 */

#include <linux/device.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "call.h"
#include "gc.h"
#include "handle.h"
#include "ioctl.h"
#include "limits.h"
#include "object.h"

/*
 * Read-only counters in /sys/class/misc/zx/: what the module holds, so
 * that tests (and administrators) can tell that everything a process made
 * went away after it exited.  The collector's are root's: when and how
 * long it walks would help time races against it.
 */
static ssize_t objects_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%ld\n", zx_object_count());
}
static DEVICE_ATTR_RO(objects);

static ssize_t inflight_handles_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n", zx_inflight_handle_count());
}
static DEVICE_ATTR_RO(inflight_handles);

static ssize_t gc_runs_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%lu\n", zx_gc_runs());
}
static DEVICE_ATTR_ADMIN_RO(gc_runs);

static ssize_t gc_collected_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", zx_gc_collected());
}
static DEVICE_ATTR_ADMIN_RO(gc_collected);

static ssize_t gc_walk_ns_max_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", zx_gc_walk_ns_max());
}
static DEVICE_ATTR_ADMIN_RO(gc_walk_ns_max);

static struct attribute *zx_attrs[] = {
	&dev_attr_objects.attr,
	&dev_attr_inflight_handles.attr,
	&dev_attr_gc_runs.attr,
	&dev_attr_gc_collected.attr,
	&dev_attr_gc_walk_ns_max.attr,
	NULL,
};
ATTRIBUTE_GROUPS(zx);

static struct miscdevice zx_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= ZXU_DEVICE_NAME,
	.fops	= &zx_dev_fops,
	.mode	= 0666,
	.groups	= zx_groups,
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
	zx_gc_exit();
}

module_init(zx_init);
module_exit(zx_exit);

MODULE_DESCRIPTION("Zircon channels for Linux");
MODULE_LICENSE("GPL");
