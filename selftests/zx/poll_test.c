// SPDX-License-Identifier: GPL-2.0
/*
 * poll(2), select(2) and epoll(7) on channel handles:
 * POLLIN == READABLE, POLLOUT == WRITABLE, POLLHUP == PEER_CLOSED.
 */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "zx_test_util.h"

ZXT_CHANNEL_FIXTURE(pl)

#define PMASK	(POLLIN | POLLOUT | POLLHUP | POLLERR | POLLNVAL)

/* poll once (timeout 0); returns revents restricted to the interesting bits */
static short poll_now(zx_handle_t h, short events)
{
	struct pollfd p = { .fd = (int)h, .events = events };
	int n = poll(&p, 1, 0);

	if (n < 0)
		return -1;
	return n ? (p.revents & PMASK) : 0;
}

/* ---- poll ------------------------------------------------------------------------- */

TEST_F(pl, poll_initial_state)
{
	EXPECT_EQ(POLLOUT, poll_now(self->h0, POLLIN | POLLOUT));
	EXPECT_EQ(POLLOUT, poll_now(self->h1, POLLIN | POLLOUT));
	/* nothing when only POLLIN is asked for */
	EXPECT_EQ(0, poll_now(self->h1, POLLIN));
}

TEST_F(pl, poll_follows_readable)
{
	uint32_t v;

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 2));
	EXPECT_EQ(POLLIN | POLLOUT, poll_now(self->h1, POLLIN | POLLOUT));
	EXPECT_EQ(POLLIN, poll_now(self->h1, POLLIN));
	/* the writer's side is not readable */
	EXPECT_EQ(POLLOUT, poll_now(self->h0, POLLIN | POLLOUT));

	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(POLLIN | POLLOUT, poll_now(self->h1, POLLIN | POLLOUT));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(POLLOUT, poll_now(self->h1, POLLIN | POLLOUT));
}

TEST_F(pl, poll_hup_on_peer_close)
{
	uint32_t v;

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	/* queued message still readable; not writable any more */
	EXPECT_EQ(POLLIN | POLLHUP, poll_now(self->h1, POLLIN | POLLOUT));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(POLLHUP, poll_now(self->h1, POLLIN | POLLOUT));
	/* POLLHUP is reported even when not asked for */
	EXPECT_EQ(POLLHUP, poll_now(self->h1, 0));
	EXPECT_EQ(POLLHUP, poll_now(self->h1, POLLOUT));
}

TEST_F(pl, poll_timeout_without_events)
{
	struct pollfd p = { .fd = (int)self->h1, .events = POLLIN };
	int64_t start = zxt_now();

	EXPECT_EQ(0, poll(&p, 1, 50));
	EXPECT_GE(zxt_now() - start, ZX_MSEC(50));
	EXPECT_EQ(0, p.revents);
}

TEST_F(pl, poll_blocking_woken_by_peer_write)
{
	struct zxt_delayed d = { .ms = 50, .h = self->h0, .what = ZXT_DELAYED_WRITE };
	struct pollfd p = { .fd = (int)self->h1, .events = POLLIN };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(1, poll(&p, 1, 60000));
	EXPECT_EQ(POLLIN, p.revents & PMASK);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, d.st);
}

TEST_F(pl, poll_blocking_woken_by_peer_close)
{
	struct zxt_delayed d = { .ms = 50, .h = self->h0, .what = ZXT_DELAYED_CLOSE };
	struct pollfd p = { .fd = (int)self->h1, .events = POLLIN };
	pthread_t t;

	self->h0 = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(1, poll(&p, 1, 60000));
	EXPECT_EQ(POLLHUP, p.revents & PMASK);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, d.st);
}

TEST_F(pl, poll_many_fds)
{
	zx_handle_t a = 0, b = 0;
	struct pollfd p[3];

	zxt_channel(_metadata, &a, &b);
	ASSERT_EQ(ZX_OK, zxt_write_u32(a, 9));
	p[0] = (struct pollfd){ .fd = (int)self->h1, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = (int)b, .events = POLLIN };
	p[2] = (struct pollfd){ .fd = (int)self->h0, .events = POLLIN };
	EXPECT_EQ(1, poll(p, 3, 1000));
	EXPECT_EQ(0, p[0].revents);
	EXPECT_EQ(POLLIN, p[1].revents & PMASK);
	EXPECT_EQ(0, p[2].revents);
	EXPECT_EQ(ZX_OK, zx_handle_close(a));
	EXPECT_EQ(ZX_OK, zx_handle_close(b));
}

TEST_F(pl, select_readable)
{
	struct timeval tv = { 0, 0 };
	fd_set rd, wr;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET((int)self->h1, &rd);
	FD_SET((int)self->h1, &wr);
	EXPECT_EQ(1, select((int)self->h1 + 1, &rd, &wr, NULL, &tv));
	EXPECT_FALSE(FD_ISSET((int)self->h1, &rd));
	EXPECT_TRUE(FD_ISSET((int)self->h1, &wr));

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	FD_ZERO(&rd);
	FD_SET((int)self->h1, &rd);
	tv = (struct timeval){ 10, 0 };
	EXPECT_EQ(1, select((int)self->h1 + 1, &rd, NULL, NULL, &tv));
	EXPECT_TRUE(FD_ISSET((int)self->h1, &rd));
}

/* ---- epoll ------------------------------------------------------------------------- */

TEST_F(pl, epoll_level_triggered)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 77 }, out[4];
	int ep = epoll_create1(EPOLL_CLOEXEC);
	uint32_t v;

	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, (int)self->h1, &ev));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 0));

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(1, epoll_wait(ep, out, 4, 10000));
	EXPECT_EQ(77u, out[0].data.u32);
	EXPECT_EQ((uint32_t)EPOLLIN, out[0].events & (EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR));
	/* level triggered: still there */
	ASSERT_EQ(1, epoll_wait(ep, out, 4, 0));

	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 0));

	/* EPOLLOUT is WRITABLE */
	ev.events = EPOLLIN | EPOLLOUT;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_MOD, (int)self->h1, &ev));
	ASSERT_EQ(1, epoll_wait(ep, out, 4, 0));
	EXPECT_EQ((uint32_t)EPOLLOUT, out[0].events & (EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR));
	close(ep);
}

struct epoll_waiter {
	int ep;
	int n;
	struct epoll_event out;
};

static void *epoll_waiter_fn(void *p)
{
	struct epoll_waiter *w = p;

	w->n = epoll_wait(w->ep, &w->out, 1, 60000);
	return NULL;
}

TEST_F(pl, epoll_blocking_woken_by_peer_write_from_thread)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 5 };
	struct epoll_waiter w = { .n = -2 };
	pthread_t t;

	w.ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(w.ep, 0);
	ASSERT_EQ(0, epoll_ctl(w.ep, EPOLL_CTL_ADD, (int)self->h1, &ev));
	ASSERT_EQ(0, pthread_create(&t, NULL, epoll_waiter_fn, &w));
	/* let it block, then write from this thread */
	zxt_sleep_ms(100);
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 3));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(1, w.n);
	EXPECT_EQ(5u, w.out.data.u32);
	EXPECT_NE(0u, w.out.events & EPOLLIN);
	close(w.ep);
}

TEST_F(pl, epoll_blocking_woken_by_peer_write)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 6 }, out;
	struct zxt_delayed d = { .ms = 50, .h = self->h0, .what = ZXT_DELAYED_WRITE };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	pthread_t t;

	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, (int)self->h1, &ev));
	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 60000));
	EXPECT_NE(0u, out.events & EPOLLIN);
	ASSERT_EQ(0, pthread_join(t, NULL));
	close(ep);
}

TEST_F(pl, epoll_hup_on_peer_close)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 8 }, out;
	struct zxt_delayed d = { .ms = 50, .h = self->h0, .what = ZXT_DELAYED_CLOSE };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	pthread_t t;

	ASSERT_GE(ep, 0);
	self->h0 = 0;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, (int)self->h1, &ev));
	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 60000));
	EXPECT_EQ((uint32_t)EPOLLHUP, out.events & (EPOLLIN | EPOLLOUT | EPOLLHUP));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, d.st);
	close(ep);
}

TEST_F(pl, epoll_several_channels)
{
	enum { N = 4 };
	zx_handle_t a[N], b[N];
	struct epoll_event ev, out[N];
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int n;

	ASSERT_GE(ep, 0);
	for (int i = 0; i < N; i++) {
		zxt_channel(_metadata, &a[i], &b[i]);
		ev = (struct epoll_event){ .events = EPOLLIN, .data.u32 = (uint32_t)i };
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, (int)b[i], &ev));
	}
	ASSERT_EQ(ZX_OK, zxt_write_u32(a[1], 1));
	ASSERT_EQ(ZX_OK, zxt_write_u32(a[3], 3));
	/* both became ready before the call: both are reported */
	n = epoll_wait(ep, out, N, 10000);
	ASSERT_EQ(2, n);
	EXPECT_EQ(4u, out[0].data.u32 + out[1].data.u32);
	EXPECT_NE(out[0].data.u32, out[1].data.u32);
	for (int i = 0; i < N; i++) {
		EXPECT_EQ(ZX_OK, zx_handle_close(a[i]));
		EXPECT_EQ(ZX_OK, zx_handle_close(b[i]));
	}
	close(ep);
}

TEST_HARNESS_MAIN
