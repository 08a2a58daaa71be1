/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the zx selftests.
 *
 * Helpers that take a struct __test_metadata * may use ASSERT_* and must
 * only be called from a test's main thread (the harness longjmp()s out of
 * a failed assertion).  Helpers without it are safe anywhere, including
 * helper threads and forked children.
 */
#ifndef ZX_TEST_UTIL_H
#define ZX_TEST_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zircon/types.h>
#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/time.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

/*
 * kselftest_harness.h (6.1) has unused parameters in its own functions and
 * in the code its TEST() macros expand in every test file, and the build
 * uses -Wextra -Werror: silence just that warning.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"

/* Fuchsia spells some limits differently across versions; the values are fixed. */
#define ZXT_MAX_MSG_BYTES	65536u
#define ZXT_MAX_MSG_HANDLES	64u
#define ZXT_MAX_MSG_IOVECS	8192u
#define ZXT_WAIT_MANY_MAX	64u

/* Every signal bit a channel may carry outside the user range. */
#define ZXT_CHANNEL_SYS_SIGNALS \
	(ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE | ZX_CHANNEL_PEER_CLOSED)

/* Generous bounds for anything timing related (slow TCG VM). */
#define ZXT_LONG_DEADLINE_NS	ZX_SEC(60)
#define ZXT_SLACK_NS		ZX_SEC(10)

/* ---- time ---------------------------------------------------------------- */

static inline int64_t zxt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static inline void zxt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000l };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline zx_time_t zxt_long_deadline(void)
{
	return zx_deadline_after(ZXT_LONG_DEADLINE_NS);
}

/* ---- file descriptors ---------------------------------------------------- */

/* Number of open fds of this process (the directory's own fd included). */
static inline int zxt_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static inline bool zxt_fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

/* An fd that is certainly not a zx handle: /dev/null. */
static inline int zxt_foreign_fd(void)
{
	return open("/dev/null", O_RDWR | O_CLOEXEC);
}

/* An fd number that is not open right now (valid until the next fd is made). */
static inline int zxt_closed_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* ---- memory -------------------------------------------------------------- */

/*
 * A 128 KiB + 1 page PROT_NONE region: any access of up to
 * ZX_CHANNEL_MAX_MSG_BYTES starting at it faults.
 */
static inline void *zxt_bad_ptr(void)
{
	static void *p;

	if (!p) {
		p = mmap(NULL, 2 * ZXT_MAX_MSG_BYTES + 4096, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			p = NULL;
	}
	return p;
}

/*
 * A buffer whose first @good bytes are readable and writable and which is
 * immediately followed by a PROT_NONE page.  (Leaked on purpose: tests are
 * short-lived processes.)
 */
static inline void *zxt_edge_buffer(size_t good)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t span = (good + pg - 1) / pg * pg;
	char *p;

	p = mmap(NULL, span + pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + span, pg, PROT_NONE))
		return NULL;
	return p + span - good;
}

/* A page mapped read-only (writes to it fault). */
static inline void *zxt_readonly_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, 4096);
	if (mprotect(p, 4096, PROT_READ))
		return NULL;
	return p;
}

/* ---- zx wrappers (thread-safe, no asserts) ------------------------------- */

/* Signal state via a 0-signal poll-once wait; returns ~0u if that fails. */
static inline zx_signals_t zxt_signals_nocheck(zx_handle_t h)
{
	zx_signals_t obs = 0;

	if (zx_object_wait_one(h, 0, ZX_TIME_INFINITE_PAST, &obs) != ZX_ERR_TIMED_OUT)
		return ~0u;
	return obs;
}

static inline zx_status_t zxt_basic(zx_handle_t h, zx_info_handle_basic_t *info)
{
	size_t actual = 0, avail = 0;

	memset(info, 0, sizeof(*info));
	return zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, info, sizeof(*info),
				  &actual, &avail);
}

static inline zx_koid_t zxt_koid(zx_handle_t h)
{
	zx_info_handle_basic_t info;

	if (zxt_basic(h, &info) != ZX_OK)
		return ZX_KOID_INVALID;
	return info.koid;
}

static inline bool zxt_handle_valid(zx_handle_t h)
{
	return zx_object_get_info(h, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL) == ZX_OK;
}

/* qsort() comparator for zx_koid_t. */
static inline int zxt_cmp_koid(const void *a, const void *b)
{
	zx_koid_t x = *(const zx_koid_t *)a, y = *(const zx_koid_t *)b;

	return x < y ? -1 : x > y;
}

/* Write a 4-byte message. */
static inline zx_status_t zxt_write_u32(zx_handle_t h, uint32_t v)
{
	return zx_channel_write(h, 0, &v, sizeof(v), NULL, 0);
}

/*
 * Blocking read of one message of at most @cap bytes and @hcap handles:
 * waits for READABLE or PEER_CLOSED (until @deadline), then reads.
 * Returns the read status (or the wait's status if it failed).
 */
static inline zx_status_t zxt_read_handles_blocking(zx_handle_t h, void *buf, uint32_t cap,
						    uint32_t *actual, zx_handle_t *hs,
						    uint32_t hcap, uint32_t *hactual,
						    zx_time_t deadline)
{
	for (;;) {
		zx_status_t st = zx_channel_read(h, 0, buf, hs, cap, hcap, actual, hactual);

		if (st != ZX_ERR_SHOULD_WAIT)
			return st;
		st = zx_object_wait_one(h, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
					deadline, NULL);
		if (st != ZX_OK)
			return st;
	}
}

/* The same without handles. */
static inline zx_status_t zxt_read_blocking(zx_handle_t h, void *buf, uint32_t cap,
					    uint32_t *actual, zx_time_t deadline)
{
	return zxt_read_handles_blocking(h, buf, cap, actual, NULL, 0, NULL, deadline);
}

static inline zx_status_t zxt_read_u32(zx_handle_t h, uint32_t *v, zx_time_t deadline)
{
	uint32_t actual = 0;
	zx_status_t st = zxt_read_blocking(h, v, sizeof(*v), &actual, deadline);

	if (st == ZX_OK && actual != sizeof(*v))
		return ZX_ERR_INTERNAL;
	return st;
}

/* Deterministic byte pattern for message payloads. */
static inline void zxt_fill(void *buf, size_t len, uint32_t seed)
{
	unsigned char *p = buf;
	uint32_t x = seed * 2654435761u + 12345u;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)(x >> 16);
	}
}

/* ---- processes and threads ----------------------------------------------- */

/*
 * What a helper thread does to @h after @ms, for tests of blocking calls
 * woken by another thread: write a 4-byte message, close the handle, or
 * set ZX_USER_SIGNAL_0.  Its status lands in @st.
 */
struct zxt_delayed {
	unsigned int ms;
	zx_handle_t h;
	enum { ZXT_DELAYED_WRITE, ZXT_DELAYED_CLOSE, ZXT_DELAYED_SIGNAL } what;
	zx_status_t st;
};

static inline void *zxt_delayed_fn(void *p)
{
	struct zxt_delayed *d = p;

	zxt_sleep_ms(d->ms);
	switch (d->what) {
	case ZXT_DELAYED_WRITE:
		d->st = zxt_write_u32(d->h, 0x1234);
		break;
	case ZXT_DELAYED_CLOSE:
		d->st = zx_handle_close(d->h);
		break;
	case ZXT_DELAYED_SIGNAL:
		d->st = zx_object_signal(d->h, 0, ZX_USER_SIGNAL_0);
		break;
	}
	return NULL;
}

/* State letter of /proc/<pid>/task/<tid>/stat ('?' if unreadable). */
static inline char zxt_task_state(pid_t pid, pid_t tid)
{
	char path[80], buf[512], *rp;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	rp = strrchr(buf, ')');
	if (!rp || rp[1] != ' ')
		return '?';
	return rp[2];
}

/*
 * Wait until the task is in one of @states; bounded.  "SD" (asleep): it
 * has very probably entered a blocking call.  @pid = getpid() for a thread
 * of ours; @tid = @pid for a process (its main thread).
 */
static inline bool zxt_wait_task_state(pid_t pid, pid_t tid, const char *states,
				       unsigned int max_ms)
{
	for (unsigned int waited = 0; waited <= max_ms; waited += 2) {
		char c = zxt_task_state(pid, tid);

		if (c != '?' && strchr(states, c))
			return true;
		zxt_sleep_ms(2);
	}
	return false;
}

/* Reap @pid: its exit code, 1000 + signal if it was killed, negative on error. */
static inline int zxt_reap(pid_t pid)
{
	int status = 0;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 1000 + WTERMSIG(status);
	return -2;
}

/* Kill and reap @*pid if it is still set; clears it. */
static inline void zxt_kill_reap(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

/* ---- module reference count ---------------------------------------------- */

/*
 * /sys/module/zx/refcnt is the number of open zx files: every handle,
 * wherever it is (an fd table, a queued message, an SCM_RIGHTS skb), plus
 * open /dev/zx fds.  Release of files after a process exits can be
 * deferred to a workqueue, so checks poll.
 */
#define ZXT_REFCNT_PATH		"/sys/module/zx/refcnt"

/* The zx module's reference count, or -1 if it cannot be read. */
static inline long zxt_refcnt(void)
{
	char buf[32];
	ssize_t n;
	int fd = open(ZXT_REFCNT_PATH, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/*
 * Poll until the reference count is at most @want (or @max_ms pass);
 * returns the last value read.
 */
static inline long zxt_refcnt_settle(long want, unsigned int max_ms)
{
	long now = zxt_refcnt();

	for (unsigned int waited = 0; now > want && waited < max_ms; waited += 10) {
		zxt_sleep_ms(10);
		now = zxt_refcnt();
	}
	return now;
}

/* ---- helpers with assertions (main test thread only) --------------------- */

/*
 * Make libzx open whatever it keeps open (e.g. /dev/zx) before a test
 * counts fds.
 */
static inline void zxt_warm_up(struct __test_metadata *_metadata)
{
	zx_handle_t a = 0, b = 0, e = 0;

	ASSERT_EQ(ZX_OK, zx_channel_create(0, &a, &b));
	ASSERT_EQ(ZX_OK, zx_event_create(0, &e));
	ASSERT_EQ(ZX_OK, zx_handle_close(a));
	ASSERT_EQ(ZX_OK, zx_handle_close(b));
	ASSERT_EQ(ZX_OK, zx_handle_close(e));
}

/* Current signals of @h (which needs ZX_RIGHT_WAIT). */
static inline zx_signals_t zxt_signals(struct __test_metadata *_metadata, zx_handle_t h)
{
	zx_signals_t obs = 0xdeadbeef;

	ASSERT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_one(h, 0, ZX_TIME_INFINITE_PAST, &obs));
	return obs;
}
#define SIGNALS(h) zxt_signals(_metadata, (h))

static inline void zxt_channel(struct __test_metadata *_metadata,
			       zx_handle_t *h0, zx_handle_t *h1)
{
	ASSERT_EQ(ZX_OK, zx_channel_create(0, h0, h1));
	ASSERT_NE(ZX_HANDLE_INVALID, *h0);
	ASSERT_NE(ZX_HANDLE_INVALID, *h1);
}

/* Teardown: close what a test left of a channel (0: closed or moved). */
static inline void zxt_close_pair(zx_handle_t h0, zx_handle_t h1)
{
	if (h0)
		zx_handle_close(h0);
	if (h1)
		zx_handle_close(h1);
}

/*
 * The fixture most tests use: a fresh channel, h0 and h1.  A test that
 * closes or moves one of them sets it to 0.  FIXTURE_VARIANT(@name) may
 * follow.
 */
#define ZXT_CHANNEL_FIXTURE(name)					\
FIXTURE(name) {								\
	zx_handle_t h0, h1;						\
};									\
									\
FIXTURE_SETUP(name)							\
{									\
	zxt_channel(_metadata, &self->h0, &self->h1);			\
}									\
									\
FIXTURE_TEARDOWN(name)							\
{									\
	zxt_close_pair(self->h0, self->h1);				\
}

static inline zx_handle_t zxt_event(struct __test_metadata *_metadata)
{
	zx_handle_t e = ZX_HANDLE_INVALID;

	ASSERT_EQ(ZX_OK, zx_event_create(0, &e));
	ASSERT_NE(ZX_HANDLE_INVALID, e);
	return e;
}

/* Replace @h (consumed) by a handle with @rights. */
static inline zx_handle_t zxt_replace(struct __test_metadata *_metadata,
				      zx_handle_t h, zx_rights_t rights)
{
	zx_handle_t out = ZX_HANDLE_INVALID;

	ASSERT_EQ(ZX_OK, zx_handle_replace(h, rights, &out));
	ASSERT_NE(ZX_HANDLE_INVALID, out);
	return out;
}

static inline zx_rights_t zxt_rights(struct __test_metadata *_metadata, zx_handle_t h)
{
	zx_info_handle_basic_t info;

	ASSERT_EQ(ZX_OK, zxt_basic(h, &info));
	return info.rights;
}

static inline uint32_t zxt_handle_count(struct __test_metadata *_metadata, zx_handle_t h)
{
	zx_info_handle_count_t cnt = { 0 };
	size_t actual = 0, avail = 0;

	ASSERT_EQ(ZX_OK, zx_object_get_info(h, ZX_INFO_HANDLE_COUNT, &cnt, sizeof(cnt),
					    &actual, &avail));
	ASSERT_EQ(1u, actual);
	return cnt.handle_count;
}

/* The peer has nothing queued for it. */
#define ASSERT_NOTHING_QUEUED(h) do {						\
	uint32_t __ab = 0xffffffff;						\
	char __b[8];								\
	ASSERT_EQ(0u, SIGNALS(h) & ZX_CHANNEL_READABLE);			\
	ASSERT_EQ(ZX_ERR_SHOULD_WAIT,						\
		  zx_channel_read((h), 0, __b, NULL, sizeof(__b), 0, &__ab, NULL)); \
} while (0)

#endif /* ZX_TEST_UTIL_H */
