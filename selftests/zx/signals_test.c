// SPDX-License-Identifier: GPL-2.0
/*
 * zx_object_signal / zx_object_signal_peer, and the channel signal
 * transitions of spec 4.4.
 */
#include "zx_test_util.h"

ZXT_CHANNEL_FIXTURE(sig)

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

/* ---- zx_object_signal ------------------------------------------------------------ */

TEST_F(sig, signal_sets_and_clears_user_bits)
{
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(W | ZX_USER_SIGNAL_0, SIGNALS(self->h0));
	/* only this endpoint */
	EXPECT_EQ(W, SIGNALS(self->h1));

	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, ZX_USER_SIGNAL_0, ZX_USER_SIGNAL_1));
	EXPECT_EQ(W | ZX_USER_SIGNAL_1, SIGNALS(self->h0));

	/* clear is applied first, then set: the bit ends up set */
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, ZX_USER_SIGNAL_2, ZX_USER_SIGNAL_2));
	EXPECT_EQ(W | ZX_USER_SIGNAL_1 | ZX_USER_SIGNAL_2, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, ZX_USER_SIGNAL_ALL, ZX_USER_SIGNAL_7));
	EXPECT_EQ(W | ZX_USER_SIGNAL_7, SIGNALS(self->h0));

	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, 0, ZX_USER_SIGNAL_ALL));
	EXPECT_EQ(W | ZX_USER_SIGNAL_ALL, SIGNALS(self->h0));
	/* clearing does not touch the system bits */
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, ZX_USER_SIGNAL_ALL, 0));
	EXPECT_EQ(W, SIGNALS(self->h0));
	/* a no-op is fine */
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, 0, 0));
	EXPECT_EQ(W, SIGNALS(self->h0));
	EXPECT_EQ(W, SIGNALS(self->h1));
}

TEST_F(sig, signal_non_user_bits_invalid)
{
	static const uint32_t bad[] = { R, W, PC, ZX_SIGNAL_HANDLE_CLOSED, 1u << 3, 1u << 22,
					0x00ffffffu, ZX_USER_SIGNAL_0 | R };

	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, 0, ZX_USER_SIGNAL_3));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(self->h0, 0, bad[i])) {
			TH_LOG("set %#x", bad[i]);
		}
		EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(self->h0, bad[i], 0)) {
			TH_LOG("clear %#x", bad[i]);
		}
		EXPECT_EQ(ZX_ERR_INVALID_ARGS,
			  zx_object_signal(self->h0, ZX_USER_SIGNAL_3, bad[i] | ZX_USER_SIGNAL_4));
		/* nothing was applied */
		EXPECT_EQ(W | ZX_USER_SIGNAL_3, SIGNALS(self->h0));
	}
}

/* ---- zx_object_signal_peer ------------------------------------------------------- */

TEST_F(sig, signal_peer_sets_and_clears_peer_bits)
{
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(self->h0, 0, ZX_USER_SIGNAL_3));
	EXPECT_EQ(W | ZX_USER_SIGNAL_3, SIGNALS(self->h1));
	EXPECT_EQ(W, SIGNALS(self->h0));

	ASSERT_EQ(ZX_OK, zx_object_signal_peer(self->h1, 0, ZX_USER_SIGNAL_5));
	EXPECT_EQ(W | ZX_USER_SIGNAL_5, SIGNALS(self->h0));

	/* clear first, then set */
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(self->h0, ZX_USER_SIGNAL_3 | ZX_USER_SIGNAL_4,
					       ZX_USER_SIGNAL_4));
	EXPECT_EQ(W | ZX_USER_SIGNAL_4, SIGNALS(self->h1));
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(self->h0, ZX_USER_SIGNAL_ALL, 0));
	EXPECT_EQ(W, SIGNALS(self->h1));

	/* the peer's own signal and signal_peer act on the same bits */
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h1, 0, ZX_USER_SIGNAL_6));
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(self->h0, ZX_USER_SIGNAL_6, 0));
	EXPECT_EQ(W, SIGNALS(self->h1));
	EXPECT_EQ(W | ZX_USER_SIGNAL_5, SIGNALS(self->h0));
}

TEST_F(sig, signal_peer_non_user_bits_invalid)
{
	static const uint32_t bad[] = { R, W, PC, ZX_SIGNAL_HANDLE_CLOSED, 1u << 3, 0x00ffffffu };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal_peer(self->h0, 0, bad[i])) {
			TH_LOG("set %#x", bad[i]);
		}
		EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal_peer(self->h0, bad[i], 0)) {
			TH_LOG("clear %#x", bad[i]);
		}
		EXPECT_EQ(ZX_ERR_INVALID_ARGS,
			  zx_object_signal_peer(self->h0, 0, bad[i] | ZX_USER_SIGNAL_0));
	}
	EXPECT_EQ(W, SIGNALS(self->h1));
}

TEST_F(sig, signal_peer_after_peer_closed)
{
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, 0, ZX_USER_SIGNAL_1));
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;

	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_object_signal_peer(self->h0, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_object_signal_peer(self->h0, ZX_USER_SIGNAL_0, 0));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_object_signal_peer(self->h0, 0, 0));
	/* bad masks are reported before the closed peer */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal_peer(self->h0, 0, R));
	/* the surviving endpoint can still signal itself; user bits survive */
	EXPECT_EQ(PC | ZX_USER_SIGNAL_1, SIGNALS(self->h0));
	EXPECT_EQ(ZX_OK, zx_object_signal(self->h0, ZX_USER_SIGNAL_1, ZX_USER_SIGNAL_2));
	EXPECT_EQ(PC | ZX_USER_SIGNAL_2, SIGNALS(self->h0));
}

/* ---- rights and handles ------------------------------------------------------------ */

TEST_F(sig, signal_rights)
{
	zx_handle_t ns = zxt_replace(_metadata, self->h0,
				     ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_SIGNAL);

	self->h0 = ns;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal(ns, 0, ZX_USER_SIGNAL_0));
	/* rights are checked before the masks */
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal(ns, 0, R));
	EXPECT_EQ(W, SIGNALS(ns));
	/* SIGNAL_PEER is a separate right */
	EXPECT_EQ(ZX_OK, zx_object_signal_peer(ns, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(W | ZX_USER_SIGNAL_0, SIGNALS(self->h1));
}

TEST_F(sig, signal_peer_rights)
{
	zx_handle_t np = zxt_replace(_metadata, self->h0,
				     ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_SIGNAL_PEER);

	self->h0 = np;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal_peer(np, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal_peer(np, 0, R));
	EXPECT_EQ(W, SIGNALS(self->h1));
	EXPECT_EQ(ZX_OK, zx_object_signal(np, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(W | ZX_USER_SIGNAL_0, SIGNALS(np));

	/* ACCESS_DENIED also wins over PEER_CLOSED */
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal_peer(np, 0, ZX_USER_SIGNAL_0));
}

TEST_F(sig, signal_bad_handles)
{
	int devnull = zxt_foreign_fd();

	ASSERT_GE(devnull, 0);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_signal((zx_handle_t)devnull, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_signal_peer((zx_handle_t)devnull, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_signal(ZX_HANDLE_INVALID, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_signal_peer(ZX_HANDLE_INVALID, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_signal((zx_handle_t)zxt_closed_fd(), 0, ZX_USER_SIGNAL_0));
	/* BAD_HANDLE wins over bad masks */
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_signal((zx_handle_t)devnull, 0, R));
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	close(devnull);
}

TEST(event_signal_and_no_peer)
{
	zx_handle_t ev = 0;

	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	EXPECT_EQ(0u, SIGNALS(ev));
	/* any object type is accepted by zx_object_signal */
	EXPECT_EQ(ZX_OK, zx_object_signal(ev, 0, ZX_USER_SIGNAL_0 | ZX_EVENT_SIGNALED));
	EXPECT_EQ(ZX_USER_SIGNAL_0 | ZX_EVENT_SIGNALED, SIGNALS(ev));
	EXPECT_EQ(ZX_OK, zx_object_signal(ev, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0, 0));
	EXPECT_EQ(0u, SIGNALS(ev));
	/*
	 * An event has no peer, and its default rights lack SIGNAL_PEER: the
	 * rights check comes first (spec: ACCESS_DENIED before NOT_SUPPORTED).
	 */
	EXPECT_EQ(0u, ZX_DEFAULT_EVENT_RIGHTS & ZX_RIGHT_SIGNAL_PEER);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal_peer(ev, 0, ZX_USER_SIGNAL_0));
	/* and bits an event does not have are still INVALID_ARGS for signal */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(ev, 0, ZX_CHANNEL_READABLE));
	EXPECT_EQ(0u, SIGNALS(ev));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

/* ---- signal transitions (spec 4.4) --------------------------------------------------- */

TEST_F(sig, write_read_transitions)
{
	uint32_t v;

	EXPECT_EQ(W, SIGNALS(self->h0));
	EXPECT_EQ(W, SIGNALS(self->h1));

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	EXPECT_EQ(W | R, SIGNALS(self->h1));
	EXPECT_EQ(W, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 2));
	EXPECT_EQ(W | R, SIGNALS(self->h1));

	/* reading one of two keeps READABLE */
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(W | R, SIGNALS(self->h1));
	/* reading the last clears it */
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(W, SIGNALS(self->h1));

	/* user bits are independent of the channel bits */
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h1, 0, ZX_USER_SIGNAL_0));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 3));
	EXPECT_EQ(W | R | ZX_USER_SIGNAL_0, SIGNALS(self->h1));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(W | ZX_USER_SIGNAL_0, SIGNALS(self->h1));
}

TEST_F(sig, close_sets_peer_closed_clears_writable)
{
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	EXPECT_EQ(PC, SIGNALS(self->h1));
	/* sticky */
	EXPECT_EQ(PC, SIGNALS(self->h1));
}

TEST_F(sig, close_leaves_readable_and_user_bits)
{
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(self->h0, 0, ZX_USER_SIGNAL_2));
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h1, 0, ZX_USER_SIGNAL_3));
	EXPECT_EQ(W | R | ZX_USER_SIGNAL_2 | ZX_USER_SIGNAL_3, SIGNALS(self->h1));

	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	EXPECT_EQ(PC | R | ZX_USER_SIGNAL_2 | ZX_USER_SIGNAL_3, SIGNALS(self->h1));
}

TEST_F(sig, close_keeps_survivors_queue)
{
	uint32_t v;

	/* messages queued both ways; h1 (with one unread message) closes */
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h1, 2));
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	EXPECT_EQ(PC | R, SIGNALS(self->h0));
	/* the survivor's queue is intact */
	v = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(2u, v);
	EXPECT_EQ(PC, SIGNALS(self->h0));
}

struct sig_waiter {
	zx_handle_t h;
	zx_signals_t want, obs;
	zx_status_t st;
};

static void *sig_waiter_fn(void *p)
{
	struct sig_waiter *w = p;

	w->st = zx_object_wait_one(w->h, w->want, zx_deadline_after(ZXT_LONG_DEADLINE_NS), &w->obs);
	return NULL;
}

TEST_F(sig, signal_peer_wakes_waiter)
{
	struct sig_waiter w = { .h = self->h1, .want = ZX_USER_SIGNAL_5, .st = 1 };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, sig_waiter_fn, &w));
	zxt_sleep_ms(50);
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(self->h0, 0, ZX_USER_SIGNAL_5));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, w.st);
	EXPECT_EQ(W | ZX_USER_SIGNAL_5, w.obs);
}

TEST_F(sig, signal_wakes_waiter)
{
	struct sig_waiter w = { .h = self->h0, .want = ZX_USER_SIGNAL_7, .st = 1 };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, sig_waiter_fn, &w));
	zxt_sleep_ms(50);
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, 0, ZX_USER_SIGNAL_7));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, w.st);
	EXPECT_EQ(W | ZX_USER_SIGNAL_7, w.obs);
}

TEST_HARNESS_MAIN
