/* SPDX-License-Identifier: GPL-2.0 */
/* zx: the ioctl ABI (ioctl.c), the top layer below module setup. */
#ifndef _ZX_IOCTL_H
#define _ZX_IOCTL_H

#include <linux/fs.h>

extern const struct file_operations zx_dev_fops;
extern const struct file_operations zx_handle_file_ops;

#endif /* _ZX_IOCTL_H */
