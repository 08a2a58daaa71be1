// SPDX-License-Identifier: GPL-2.0
/*
 * x32 processes are refused (docs/32-bit.md): every ioctl they make on
 * /dev/zx or on a handle fails with EOPNOTSUPP and does nothing.  A 64-bit
 * process can make x32 system calls itself (the syscall number with
 * __X32_SYSCALL_BIT), so no x32 toolchain is needed; the kernel must have
 * x32 enabled (the test VM boots with syscall.x32=y), else the tests skip.
 * The argument blocks live below 4 GiB, where an x32 pointer can reach
 * them, so that only the refusal stands between the call and its effect.
 */
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <linux/zx.h>

#include "zx_test_util.h"

#define X32_SYSCALL_BIT		0x40000000L
#define X32_NR_IOCTL		514L	/* x32 ioctl: compat_sys_ioctl */

#if defined(__x86_64__) && defined(__LP64__)
static long x32_ioctl(int fd, unsigned long cmd, void *arg)
{
	return syscall(X32_SYSCALL_BIT | X32_NR_IOCTL, fd, cmd,
		       (unsigned long)(uintptr_t)arg);
}

/* A page below 4 GiB for the argument blocks. */
static void *low_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

#define SKIP_WITHOUT_X32(ret)						\
	do {								\
		if ((ret) < 0 && errno == ENOSYS)			\
			SKIP(return, "x32 system calls are disabled");	\
	} while (0)

TEST(create_from_x32_is_refused)
{
	struct zxu_ioc_create *args = low_page();
	uint32_t *out;
	int dev = open("/dev/zx", O_RDWR | O_CLOEXEC);
	long ret;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)args);
	ASSERT_LE(0, dev);
	out = (uint32_t *)(args + 1);
	out[0] = out[1] = 0xdeadbeef;
	args->out[0] = (uintptr_t)&out[0];
	args->out[1] = (uintptr_t)&out[1];

	ret = x32_ioctl(dev, ZX_IOC_CHANNEL_CREATE, args);
	SKIP_WITHOUT_X32(ret);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* Nothing created: the outputs are untouched. */
	EXPECT_EQ(0xdeadbeef, out[0]);
	EXPECT_EQ(0xdeadbeef, out[1]);

	/* The same block from this 64-bit process works. */
	EXPECT_EQ(0, ioctl(dev, ZX_IOC_CHANNEL_CREATE, args));
	EXPECT_NE(0xdeadbeef, out[0]);
	close(dev);
	zx_handle_close(out[0]);
	zx_handle_close(out[1]);
}

TEST(write_from_x32_is_refused_and_writes_nothing)
{
	struct zxu_ioc_channel_write *args = low_page();
	char *bytes;
	zx_handle_t a, b;
	uint32_t nb = 0, nh = 0;
	long ret;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)args);
	ASSERT_EQ(ZX_OK, zx_channel_create(0, &a, &b));
	bytes = (char *)(args + 1);
	memcpy(bytes, "x32", 3);
	*args = (struct zxu_ioc_channel_write) {
		.bytes = (uintptr_t)bytes,
		.num_bytes = 3,
		.handle = a,
	};

	ret = x32_ioctl(a, ZX_IOC_CHANNEL_WRITE, args);
	SKIP_WITHOUT_X32(ret);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(ZX_ERR_SHOULD_WAIT,
		  zx_channel_read(b, 0, NULL, NULL, 0, 0, &nb, &nh));

	/* The same block from this 64-bit process is queued. */
	EXPECT_EQ(0, ioctl(a, ZX_IOC_CHANNEL_WRITE, args));
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(b, 0, NULL, NULL, 0, 0, &nb, &nh));
	EXPECT_EQ(3u, nb);
	zx_handle_close(a);
	zx_handle_close(b);
}
#else
/* An i386 process cannot make x32 system calls: nothing to test here. */
TEST(x32_needs_a_64_bit_process)
{
	SKIP(return, "x32 system calls need a 64-bit process");
}
#endif

TEST_HARNESS_MAIN
