/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the handle-transfer selftests (handle_transfer_test,
 * handle_rights_test, event_test, handle_lifetime_test), on top of
 * zx_test_util.h.
 *
 * Leak checking: a test records the zx module's reference count
 * (zxt_refcnt(), see zx_test_util.h) first and checks that it comes back
 * after cleanup.
 */
#ifndef ZX_HANDLE_UTIL_H
#define ZX_HANDLE_UTIL_H

#include "zx_test_util.h"

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define ZXT_SETTLE_MS		10000u

/* Every signal bit zx_object_signal() may touch on an event. */
#define ZXT_EVENT_SIGNALS	(ZX_USER_SIGNAL_ALL | ZX_EVENT_SIGNALED)

/* @h's fd is closed / @h still names a handle. */
#define EXPECT_GONE(h) EXPECT_FALSE(zxt_fd_is_open((int)(h)))
#define EXPECT_ALIVE(h) EXPECT_TRUE(zxt_handle_valid(h))

/* ---- leak checking ---------------------------------------------------------- */

/* Is @fd a zx handle (an anon inode named "[zx-...]")? */
static inline bool zxt_fd_is_zx(int fd)
{
	char path[64], target[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = 0;
	return strncmp(target, "anon_inode:[zx-", 15) == 0;
}

/* Number of zx handles (fds) this process holds. */
static inline int zxt_count_zx_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] != '.' && zxt_fd_is_zx(atoi(e->d_name)))
			n++;
	}
	closedir(d);
	return n;
}

/* Close every zx handle this process holds.  Returns how many were closed. */
static inline int zxt_close_all_handles(void)
{
	int fds[4096], n = 0, closed = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)) && n < (int)(sizeof(fds) / sizeof(fds[0]))) {
		if (e->d_name[0] != '.')
			fds[n++] = atoi(e->d_name);
	}
	closedir(d);
	for (int i = 0; i < n; i++) {
		if (fds[i] > 0 && zxt_fd_is_zx(fds[i]) &&
		    zx_handle_close((zx_handle_t)fds[i]) == ZX_OK)
			closed++;
	}
	return closed;
}

/* Record the baseline at the start of a test. */
static inline long zxt_leak_begin(struct __test_metadata *_metadata)
{
	long base = zxt_refcnt();

	ASSERT_GE(base, 0) {
		TH_LOG("cannot read %s", ZXT_REFCNT_PATH);
	}
	return base;
}

/*
 * The reference count is back to @base (poll up to ZXT_SETTLE_MS).  Only
 * EXPECTs, so it may run in a teardown.
 */
static inline void zxt_leak_check(struct __test_metadata *_metadata, long base)
{
	long now = zxt_refcnt_settle(base, ZXT_SETTLE_MS);

	/* a failed ASSERT before the teardown leaves the handler armed */
	_metadata->trigger = 0;
	EXPECT_LE(now, base) {
		TH_LOG("zx refcnt %ld, was %ld at the start of the test", now, base);
	}
}

/* Teardown helper: drop everything still open, then check for leaks. */
static inline void zxt_leak_end(struct __test_metadata *_metadata, long base)
{
	zxt_close_all_handles();
	zxt_leak_check(_metadata, base);
}

/* ---- small object helpers --------------------------------------------------- */

static inline void zxt_eventpair(struct __test_metadata *_metadata,
				 zx_handle_t *e0, zx_handle_t *e1)
{
	ASSERT_EQ(ZX_OK, zx_eventpair_create(0, e0, e1));
	ASSERT_NE(ZX_HANDLE_INVALID, *e0);
	ASSERT_NE(ZX_HANDLE_INVALID, *e1);
}

static inline zx_handle_t zxt_dup(struct __test_metadata *_metadata, zx_handle_t h,
				  zx_rights_t rights)
{
	zx_handle_t out = ZX_HANDLE_INVALID;

	ASSERT_EQ(ZX_OK, zx_handle_duplicate(h, rights, &out));
	ASSERT_NE(ZX_HANDLE_INVALID, out);
	return out;
}

/* HANDLE_COUNT without asserts; UINT32_MAX if it cannot be read. */
static inline uint32_t zxt_count_nocheck(zx_handle_t h)
{
	zx_info_handle_count_t cnt = { 0 };

	if (zx_object_get_info(h, ZX_INFO_HANDLE_COUNT, &cnt, sizeof(cnt), NULL, NULL))
		return UINT32_MAX;
	return cnt.handle_count;
}

static inline zx_obj_type_t zxt_type(zx_handle_t h)
{
	zx_info_handle_basic_t info;

	if (zxt_basic(h, &info) != ZX_OK)
		return ZX_OBJ_TYPE_NONE;
	return info.type;
}

static inline zx_koid_t zxt_related_koid(zx_handle_t h)
{
	zx_info_handle_basic_t info;

	if (zxt_basic(h, &info) != ZX_OK)
		return ZX_KOID_INVALID;
	return info.related_koid;
}

static inline bool zxt_is_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC);
}

/* ---- fd limits ------------------------------------------------------------- */

/*
 * Lower the soft RLIMIT_NOFILE so that exactly @nfree more fds can be
 * opened (fds at or above the new limit stay usable).  The previous limit
 * is stored in *old.  Returns 0 or -1.
 */
static inline int zxt_limit_free_fds(unsigned int nfree, struct rlimit *old)
{
	struct rlimit rl;
	unsigned int seen = 0;

	if (getrlimit(RLIMIT_NOFILE, old))
		return -1;
	for (int fd = 0; fd < (int)old->rlim_cur; fd++) {
		if (zxt_fd_is_open(fd))
			continue;
		if (seen == nfree) {
			rl = *old;
			rl.rlim_cur = (rlim_t)fd;
			return setrlimit(RLIMIT_NOFILE, &rl);
		}
		seen++;
	}
	return -1;
}

/* ---- SCM_RIGHTS ------------------------------------------------------------- */

/* Send @fd (and one byte @tag) over the unix socket @sock. */
static inline int zxt_send_fd(int sock, int fd, char tag)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

/* Receive one fd sent by zxt_send_fd(); -1 on failure. */
static inline int zxt_recv_fd(int sock, char *tag)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = tag, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* ---- a thread blocked in zx_object_wait_one --------------------------------- */

struct zxt_waiter {
	zx_handle_t h;
	zx_signals_t want, obs;
	zx_status_t st;
	pid_t tid;
	int started;
};

static inline void *zxt_waiter_fn(void *p)
{
	struct zxt_waiter *w = p;

	w->tid = gettid();
	__atomic_store_n(&w->started, 1, __ATOMIC_SEQ_CST);
	w->st = zx_object_wait_one(w->h, w->want, zxt_long_deadline(), &w->obs);
	return NULL;
}

/*
 * Start a thread waiting (long deadline) for @w->want on @w->h; return
 * once it sleeps in the kernel and then @settle_ms more.
 */
static inline void zxt_start_waiter(struct __test_metadata *_metadata, struct zxt_waiter *w,
				    pthread_t *t, unsigned int settle_ms)
{
	w->st = 1;
	ASSERT_EQ(0, pthread_create(t, NULL, zxt_waiter_fn, w));
	while (!__atomic_load_n(&w->started, __ATOMIC_SEQ_CST))
		zxt_sleep_ms(1);
	ASSERT_TRUE(zxt_wait_task_state(getpid(), w->tid, "SD", 20000));
	zxt_sleep_ms(settle_ms);
}

#endif /* ZX_HANDLE_UTIL_H */
