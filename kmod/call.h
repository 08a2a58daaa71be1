/* SPDX-License-Identifier: GPL-2.0 */
/* zx: blocking calls (call.c), above the channel code. */
#ifndef _ZX_CALL_H
#define _ZX_CALL_H

#include <linux/types.h>

struct file;
struct zx_read_params;
struct zx_write_params;

int zx_call_run(struct file *file, struct zx_write_params *wr,
		const struct zx_read_params *rd, s64 deadline);
int zx_call_finish(struct file *file, unsigned int fd,
		   const struct zx_read_params *rd);
void zx_call_exit(void);

#endif /* _ZX_CALL_H */
