/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: the caller's fd table (fd.c).  Bottom layer: calls nothing else in
 * zx and knows nothing of handles.
 */
#ifndef _ZX_FD_H
#define _ZX_FD_H

#include <linux/types.h>

struct file;

int zx_fd_reserve(void);
int zx_fds_reserve(int *fds, u32 from, u32 to);
void zx_fds_release(const int *fds, u32 n);
void zx_fds_install(const int *fds, struct file **files, u32 n);
bool zx_fd_names_file(unsigned int fd, struct file *file);
bool zx_fd_remove(unsigned int fd, struct file *file);

#endif /* _ZX_FD_H */
