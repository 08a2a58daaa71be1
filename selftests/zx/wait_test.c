// SPDX-License-Identifier: GPL-2.0
/*
 * zx_object_wait_one / zx_object_wait_many: immediate satisfaction,
 * deadlines, wake-ups from other threads and processes, cancellation by
 * closing the waited handle, argument errors and rights.
 *
 * Timing: only lower bounds that the spec guarantees (a timed-out wait
 * does not return before its deadline) and very generous upper bounds.
 */
#include "zx_test_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

ZXT_CHANNEL_FIXTURE(wait)

/* ---- helper threads (no asserts in here) ------------------------------------ */

struct waiter {
	zx_handle_t h;
	zx_signals_t want;
	zx_time_t deadline;
	zx_signals_t obs;
	zx_status_t st;
	zx_wait_item_t *items;
	size_t nitems;
	pid_t tid;
	int started;
};

static void *wait_one_fn(void *p)
{
	struct waiter *w = p;

	w->tid = gettid();
	__atomic_store_n(&w->started, 1, __ATOMIC_SEQ_CST);
	w->st = zx_object_wait_one(w->h, w->want, w->deadline, &w->obs);
	return NULL;
}

static void *wait_many_fn(void *p)
{
	struct waiter *w = p;

	w->tid = gettid();
	__atomic_store_n(&w->started, 1, __ATOMIC_SEQ_CST);
	w->st = zx_object_wait_many(w->items, w->nitems, w->deadline);
	return NULL;
}

/* Wait until the waiter thread is blocked (in the kernel, in all likelihood). */
static void wait_blocked(struct __test_metadata *_metadata, struct waiter *w)
{
	while (!__atomic_load_n(&w->started, __ATOMIC_SEQ_CST))
		zxt_sleep_ms(1);
	ASSERT_TRUE(zxt_wait_task_state(getpid(), w->tid, "SD", 20000));
	/* and a little longer, for good measure */
	zxt_sleep_ms(100);
}

/* ---- wait_one: immediate results ------------------------------------------------ */

TEST_F(wait, satisfied_returns_ok_even_past_deadline)
{
	const zx_time_t deadlines[] = { ZX_TIME_INFINITE_PAST, 0, 1,
					zx_clock_get_monotonic() - ZX_SEC(1),
					zx_clock_get_monotonic(), ZX_TIME_INFINITE };

	for (size_t i = 0; i < ARRAY_SIZE(deadlines); i++) {
		zx_signals_t obs = 0;

		EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h1, W, deadlines[i], &obs)) {
			TH_LOG("deadline %lld", (long long)deadlines[i]);
		}
		EXPECT_EQ(W, obs);
	}
}

TEST_F(wait, unsatisfied_past_deadline_times_out_at_once)
{
	const zx_time_t deadlines[] = { ZX_TIME_INFINITE_PAST, 0, 1,
					zx_clock_get_monotonic() - ZX_SEC(1) };
	zx_time_t start = zx_clock_get_monotonic();

	for (size_t i = 0; i < ARRAY_SIZE(deadlines); i++) {
		zx_signals_t obs = 0;

		EXPECT_EQ(ZX_ERR_TIMED_OUT,
			  zx_object_wait_one(self->h1, R | PC, deadlines[i], &obs));
		EXPECT_EQ(W, obs);
	}
	EXPECT_LT(zx_clock_get_monotonic() - start, ZXT_SLACK_NS);
}

TEST(monotonic_clock_is_clock_monotonic)
{
	int64_t a = zxt_now();
	zx_time_t z = zx_clock_get_monotonic();
	int64_t b = zxt_now();
	zx_time_t d;

	EXPECT_LE(a, z);
	EXPECT_LE(z, b);
	a = zxt_now();
	d = zx_deadline_after(ZX_SEC(5));
	b = zxt_now();
	EXPECT_LE(a + ZX_SEC(5), d);
	EXPECT_LE(d, b + ZX_SEC(5));
	/* saturates instead of overflowing */
	EXPECT_EQ(ZX_TIME_INFINITE, zx_deadline_after(ZX_TIME_INFINITE));
}

/* ---- wait_one: deadlines ------------------------------------------------------- */

TEST_F(wait, times_out_not_before_deadline)
{
	zx_time_t start = zx_clock_get_monotonic();
	zx_time_t deadline = zx_deadline_after(ZX_MSEC(50));
	zx_signals_t obs = 0;
	zx_time_t end;

	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_one(self->h1, R, deadline, &obs));
	end = zx_clock_get_monotonic();
	EXPECT_EQ(W, obs);
	EXPECT_GE(end, deadline);
	EXPECT_LT(end - start, ZXT_SLACK_NS);
}

TEST_F(wait, zero_signals_end_only_by_deadline)
{
	struct zxt_delayed d = { .ms = 20, .h = self->h1, .what = ZXT_DELAYED_SIGNAL };
	zx_time_t deadline;
	zx_signals_t obs = 0;
	pthread_t t;

	/* already READABLE and WRITABLE: nothing satisfies a 0 mask */
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	deadline = zx_deadline_after(ZX_MSEC(200));
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_one(self->h1, 0, deadline, &obs));
	EXPECT_GE(zx_clock_get_monotonic(), deadline);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, d.st);
	EXPECT_EQ(W | R, obs & (W | R | PC));
}

TEST_F(wait, readable_waiter_not_satisfied_by_peer_closed)
{
	zx_time_t deadline;
	zx_signals_t obs = 0;

	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	deadline = zx_deadline_after(ZX_MSEC(50));
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_one(self->h1, R, deadline, &obs));
	EXPECT_GE(zx_clock_get_monotonic(), deadline);
	EXPECT_EQ(PC, obs);
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h1, R | PC, ZX_TIME_INFINITE, &obs));
	EXPECT_EQ(PC, obs);
}

/* ---- wait_one: wake-ups -------------------------------------------------------------- */

TEST_F(wait, woken_by_write_from_thread)
{
	struct zxt_delayed d = { .ms = 50, .h = self->h0, .what = ZXT_DELAYED_WRITE };
	zx_signals_t obs = 0;
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h1, R | PC,
					    zx_deadline_after(ZXT_LONG_DEADLINE_NS), &obs));
	EXPECT_EQ(W | R, obs);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, d.st);
}

TEST_F(wait, woken_by_write_with_infinite_deadline)
{
	struct zxt_delayed d = { .ms = 50, .h = self->h0, .what = ZXT_DELAYED_WRITE };
	zx_signals_t obs = 0;
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h1, R, ZX_TIME_INFINITE, &obs));
	EXPECT_EQ(W | R, obs);
	ASSERT_EQ(0, pthread_join(t, NULL));
}

TEST_F(wait, woken_by_peer_close_from_thread)
{
	struct zxt_delayed d = { .ms = 50, .h = self->h0, .what = ZXT_DELAYED_CLOSE };
	zx_signals_t obs = 0;
	pthread_t t;

	self->h0 = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h1, PC,
					    zx_deadline_after(ZXT_LONG_DEADLINE_NS), &obs));
	EXPECT_EQ(PC, obs);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, d.st);
}

TEST_F(wait, woken_by_write_from_other_process)
{
	zx_signals_t obs = 0;
	int status = 0;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		zxt_sleep_ms(50);
		_exit(zxt_write_u32(self->h0, 7) == ZX_OK ? 0 : 1);
	}
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h1, R | PC,
					    zx_deadline_after(ZXT_LONG_DEADLINE_NS), &obs));
	EXPECT_EQ(W | R, obs & (W | R));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(wait, closing_unrelated_handle_does_not_cancel)
{
	struct waiter w = { .h = self->h1, .want = R,
			    .deadline = zx_deadline_after(ZXT_LONG_DEADLINE_NS), .st = 1 };
	zx_handle_t x0 = 0, x1 = 0;
	pthread_t t;

	zxt_channel(_metadata, &x0, &x1);
	ASSERT_EQ(0, pthread_create(&t, NULL, wait_one_fn, &w));
	wait_blocked(_metadata, &w);
	EXPECT_EQ(ZX_OK, zx_handle_close(x0));
	EXPECT_EQ(ZX_OK, zx_handle_close(x1));
	zxt_sleep_ms(50);
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, w.st);
	EXPECT_EQ(W | R, w.obs);
}

TEST_F(wait, closing_dup_alias_does_not_cancel)
{
	struct waiter w = { .h = self->h1, .want = R,
			    .deadline = zx_deadline_after(ZXT_LONG_DEADLINE_NS), .st = 1 };
	pthread_t t;
	int d;

	/* d is another fd for the same handle (one open file description) */
	d = dup((int)self->h1);
	ASSERT_GE(d, 0);
	ASSERT_EQ(0, pthread_create(&t, NULL, wait_one_fn, &w));
	wait_blocked(_metadata, &w);
	/* the waiter's fd still names the handle: its wait goes on */
	EXPECT_EQ(0, close(d));
	zxt_sleep_ms(50);
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, w.st);
	EXPECT_EQ(W | R, w.obs);
	/* and the endpoint is still open */
	EXPECT_EQ(W, SIGNALS(self->h0));
}

/* ---- wait_one: cancellation -------------------------------------------------------- */

/* Another thread closes the waited handle: CANCELED, HANDLE_CLOSED observed. */
ZXT_CHANNEL_FIXTURE(canceled_by)

FIXTURE_VARIANT(canceled_by) {
	bool use_close;		/* close(2) instead of zx_handle_close() */
};

FIXTURE_VARIANT_ADD(canceled_by, zx_handle_close) { .use_close = false };
FIXTURE_VARIANT_ADD(canceled_by, close) { .use_close = true };

TEST_F(canceled_by, in_other_thread)
{
	struct waiter w = { .h = self->h1, .want = R,
			    .deadline = zx_deadline_after(ZXT_LONG_DEADLINE_NS), .st = 1 };
	zx_time_t start = zx_clock_get_monotonic();
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, wait_one_fn, &w));
	wait_blocked(_metadata, &w);
	if (variant->use_close) {
		EXPECT_EQ(0, close((int)self->h1));
	} else {
		EXPECT_EQ(ZX_OK, zx_handle_close(self->h1));
	}
	self->h1 = 0;
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_ERR_CANCELED, w.st);
	EXPECT_NE(0u, w.obs & ZX_SIGNAL_HANDLE_CLOSED) {
		TH_LOG("observed %#x", w.obs);
	}
	/* not by the deadline */
	EXPECT_LT(zx_clock_get_monotonic() - start, ZXT_LONG_DEADLINE_NS / 2);
	/* the handle is gone, and it was the endpoint's only one */
	EXPECT_EQ(PC, SIGNALS(self->h0));
}

TEST_F(wait, canceled_with_signals_zero)
{
	struct waiter w = { .h = self->h1, .want = 0,
			    .deadline = zx_deadline_after(ZXT_LONG_DEADLINE_NS), .st = 1 };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, wait_one_fn, &w));
	wait_blocked(_metadata, &w);
	EXPECT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_ERR_CANCELED, w.st);
	EXPECT_NE(0u, w.obs & ZX_SIGNAL_HANDLE_CLOSED);
}

/* ---- wait_one: arguments -------------------------------------------------------------- */

TEST_F(wait, observed_null_ok)
{
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h1, W, ZX_TIME_INFINITE_PAST, NULL));
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_one(self->h1, R, ZX_TIME_INFINITE_PAST, NULL));
	EXPECT_EQ(ZX_ERR_TIMED_OUT,
		  zx_object_wait_one(self->h1, R, zx_deadline_after(ZX_MSEC(5)), NULL));
}

TEST_F(wait, bad_observed_pointer)
{
	zx_signals_t *bad = zxt_bad_ptr();
	zx_signals_t *ro = zxt_readonly_page();

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)bad);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)ro);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_wait_one(self->h1, W, ZX_TIME_INFINITE_PAST, bad));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_wait_one(self->h1, R, ZX_TIME_INFINITE_PAST, bad));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_wait_one(self->h1, W, ZX_TIME_INFINITE_PAST, ro));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_wait_one(self->h1, R, zx_deadline_after(ZX_MSEC(5)), ro));
}

TEST_F(wait, bad_handles)
{
	int devnull = zxt_foreign_fd();
	zx_signals_t obs = 0;

	ASSERT_GE(devnull, 0);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_wait_one((zx_handle_t)devnull, W, ZX_TIME_INFINITE_PAST, &obs));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_wait_one(ZX_HANDLE_INVALID, W, ZX_TIME_INFINITE_PAST, &obs));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_wait_one((zx_handle_t)zxt_closed_fd(), W, ZX_TIME_INFINITE_PAST, &obs));
	/* a bad handle is reported at once, whatever the deadline */
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_wait_one((zx_handle_t)devnull, W, ZX_TIME_INFINITE, &obs));
	/* and before the observed pointer is looked at */
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_wait_one((zx_handle_t)devnull, W, ZX_TIME_INFINITE_PAST,
				     zxt_bad_ptr()));
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	close(devnull);
}

TEST_F(wait, needs_wait_right)
{
	zx_handle_t nw = zxt_replace(_metadata, self->h1,
				     ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WAIT);
	zx_signals_t obs = 0;

	self->h1 = nw;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_wait_one(nw, W, ZX_TIME_INFINITE_PAST, &obs));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_wait_one(nw, W, ZX_TIME_INFINITE, &obs));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_wait_one(nw, 0, ZX_TIME_INFINITE_PAST, NULL));
}

TEST(wait_one_on_event)
{
	struct zxt_delayed d = { .ms = 50, .what = ZXT_DELAYED_SIGNAL };
	zx_handle_t ev = 0;
	zx_signals_t obs = 0xdeadbeef;
	pthread_t t;

	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	EXPECT_EQ(ZX_ERR_TIMED_OUT,
		  zx_object_wait_one(ev, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE_PAST, &obs));
	EXPECT_EQ(0u, obs);
	d.h = ev;
	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(ev, ZX_USER_SIGNAL_0,
					    zx_deadline_after(ZXT_LONG_DEADLINE_NS), &obs));
	EXPECT_EQ(ZX_USER_SIGNAL_0, obs);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

/* ---- wait_many ------------------------------------------------------------------------ */

TEST(wait_many_zero_items_sleeps_until_deadline)
{
	zx_time_t start = zx_clock_get_monotonic();
	zx_time_t deadline = zx_deadline_after(ZX_MSEC(100));

	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_many(NULL, 0, deadline));
	EXPECT_GE(zx_clock_get_monotonic(), deadline);
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_many(NULL, 0, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_many(zxt_bad_ptr(), 0, 0));
	EXPECT_LT(zx_clock_get_monotonic() - start, ZXT_SLACK_NS);
}

TEST_F(wait, wait_many_too_many_items)
{
	zx_wait_item_t items[ZXT_WAIT_MANY_MAX + 1];

	for (size_t i = 0; i < ARRAY_SIZE(items); i++)
		items[i] = (zx_wait_item_t){ .handle = self->h1, .waitfor = W, .pending = 0 };
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_object_wait_many(items, ZXT_WAIT_MANY_MAX + 1, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE, zx_object_wait_many(items, SIZE_MAX, ZX_TIME_INFINITE_PAST));
	/* the count is checked before the pointer */
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_object_wait_many(zxt_bad_ptr(), ZXT_WAIT_MANY_MAX + 1, ZX_TIME_INFINITE_PAST));
	/* exactly the maximum is fine (same handle 64 times) */
	EXPECT_EQ(ZX_OK, zx_object_wait_many(items, ZXT_WAIT_MANY_MAX, ZX_TIME_INFINITE_PAST));
	for (size_t i = 0; i < ZXT_WAIT_MANY_MAX; i++) {
		EXPECT_EQ(W, items[i].pending);
	}
}

TEST_F(wait, wait_many_bad_items_pointer)
{
	zx_wait_item_t *ro;

	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_wait_many(zxt_bad_ptr(), 2, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_wait_many(NULL, 1, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_wait_many(zxt_bad_ptr(), 1, ZX_TIME_INFINITE));

	/* readable but not writable: the pending fields cannot be stored */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)ro);
	ro[0] = (zx_wait_item_t){ .handle = self->h1, .waitfor = W };
	ro[1] = (zx_wait_item_t){ .handle = self->h0, .waitfor = R };
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_wait_many(ro, 2, ZX_TIME_INFINITE_PAST));
	munmap(ro, 4096);
}

TEST_F(wait, wait_many_bad_handle_in_item)
{
	int devnull = zxt_foreign_fd();
	zx_handle_t nw;
	zx_wait_item_t items[3];

	ASSERT_GE(devnull, 0);
	items[0] = (zx_wait_item_t){ .handle = self->h1, .waitfor = W };
	items[1] = (zx_wait_item_t){ .handle = (zx_handle_t)devnull, .waitfor = W };
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_wait_many(items, 2, ZX_TIME_INFINITE));
	items[1].handle = ZX_HANDLE_INVALID;
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST));
	items[1].handle = (zx_handle_t)zxt_closed_fd();
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST));

	/* an item without ZX_RIGHT_WAIT; the first failing item decides */
	nw = zxt_replace(_metadata, self->h0, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WAIT);
	self->h0 = nw;
	items[1] = (zx_wait_item_t){ .handle = nw, .waitfor = W };
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST));
	items[2] = (zx_wait_item_t){ .handle = (zx_handle_t)devnull, .waitfor = W };
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_wait_many(items, 3, ZX_TIME_INFINITE_PAST));
	items[1].handle = (zx_handle_t)devnull;
	items[2].handle = nw;
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_object_wait_many(items, 3, ZX_TIME_INFINITE_PAST));
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	close(devnull);
}

TEST_F(wait, wait_many_immediate_and_timeout_set_every_pending)
{
	zx_handle_t x0 = 0, x1 = 0;
	zx_wait_item_t items[3];
	zx_time_t deadline;

	zxt_channel(_metadata, &x0, &x1);
	ASSERT_EQ(ZX_OK, zxt_write_u32(x0, 1));
	ASSERT_EQ(ZX_OK, zx_object_signal(self->h0, 0, ZX_USER_SIGNAL_1));

	items[0] = (zx_wait_item_t){ .handle = self->h1, .waitfor = R, .pending = 0xdeadbeef };
	items[1] = (zx_wait_item_t){ .handle = x1, .waitfor = R, .pending = 0xdeadbeef };
	items[2] = (zx_wait_item_t){ .handle = self->h0, .waitfor = R, .pending = 0xdeadbeef };
	EXPECT_EQ(ZX_OK, zx_object_wait_many(items, 3, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(W, items[0].pending);
	EXPECT_EQ(W | R, items[1].pending);
	EXPECT_EQ(W | ZX_USER_SIGNAL_1, items[2].pending);

	/* drain x1: now nothing matches */
	ASSERT_EQ(ZX_OK, zx_channel_read(x1, 0, &deadline, NULL, sizeof(deadline), 0, NULL, NULL));
	for (size_t i = 0; i < 3; i++)
		items[i].pending = 0xdeadbeef;
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_many(items, 3, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(W, items[0].pending);
	EXPECT_EQ(W, items[1].pending);
	EXPECT_EQ(W | ZX_USER_SIGNAL_1, items[2].pending);

	for (size_t i = 0; i < 3; i++)
		items[i].pending = 0xdeadbeef;
	deadline = zx_deadline_after(ZX_MSEC(50));
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_many(items, 3, deadline));
	EXPECT_GE(zx_clock_get_monotonic(), deadline);
	EXPECT_EQ(W, items[0].pending);
	EXPECT_EQ(W, items[1].pending);
	EXPECT_EQ(W | ZX_USER_SIGNAL_1, items[2].pending);

	EXPECT_EQ(ZX_OK, zx_handle_close(x0));
	EXPECT_EQ(ZX_OK, zx_handle_close(x1));
}

TEST_F(wait, wait_many_same_handle_twice)
{
	zx_wait_item_t items[2] = {
		{ .handle = self->h1, .waitfor = R, .pending = 0xdeadbeef },
		{ .handle = self->h1, .waitfor = W, .pending = 0xdeadbeef },
	};

	EXPECT_EQ(ZX_OK, zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(W, items[0].pending);
	EXPECT_EQ(W, items[1].pending);

	items[1].waitfor = R;
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_many(items, 2, zx_deadline_after(ZX_MSEC(10))));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	EXPECT_EQ(ZX_OK, zx_object_wait_many(items, 2, ZX_TIME_INFINITE));
	EXPECT_EQ(W | R, items[0].pending);
	EXPECT_EQ(W | R, items[1].pending);
}

TEST_F(wait, wait_many_wakes_on_write_to_any)
{
	enum { N = 4 };
	zx_handle_t a[N], b[N];
	zx_wait_item_t items[N];

	for (int target = 0; target < N; target++) {
		struct zxt_delayed d = { .ms = 50, .what = ZXT_DELAYED_WRITE };
		pthread_t t;

		for (int i = 0; i < N; i++) {
			zxt_channel(_metadata, &a[i], &b[i]);
			items[i] = (zx_wait_item_t){ .handle = b[i], .waitfor = R | PC,
						     .pending = 0xdeadbeef };
		}
		d.h = a[target];
		ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
		EXPECT_EQ(ZX_OK, zx_object_wait_many(items, N,
						     zx_deadline_after(ZXT_LONG_DEADLINE_NS)));
		ASSERT_EQ(0, pthread_join(t, NULL));
		EXPECT_EQ(ZX_OK, d.st);
		for (int i = 0; i < N; i++) {
			EXPECT_EQ(i == target ? (W | R) : W, items[i].pending) {
				TH_LOG("target %d item %d", target, i);
			}
			EXPECT_EQ(ZX_OK, zx_handle_close(a[i]));
			EXPECT_EQ(ZX_OK, zx_handle_close(b[i]));
		}
	}
}

TEST_F(wait, wait_many_wakes_on_peer_close_and_event)
{
	struct zxt_delayed d = { .ms = 50, .what = ZXT_DELAYED_SIGNAL };
	zx_handle_t ev = 0;
	zx_wait_item_t items[2];
	pthread_t t;

	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	items[0] = (zx_wait_item_t){ .handle = self->h1, .waitfor = PC };
	items[1] = (zx_wait_item_t){ .handle = ev, .waitfor = ZX_USER_SIGNAL_0 };
	d.h = ev;
	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(ZX_OK, zx_object_wait_many(items, 2, zx_deadline_after(ZXT_LONG_DEADLINE_NS)));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(W, items[0].pending);
	EXPECT_EQ(ZX_USER_SIGNAL_0, items[1].pending);

	d = (struct zxt_delayed){ .ms = 50, .what = ZXT_DELAYED_CLOSE, .h = self->h0 };
	self->h0 = 0;
	items[1].waitfor = ZX_USER_SIGNAL_1;
	ASSERT_EQ(0, pthread_create(&t, NULL, zxt_delayed_fn, &d));
	EXPECT_EQ(ZX_OK, zx_object_wait_many(items, 2, zx_deadline_after(ZXT_LONG_DEADLINE_NS)));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, d.st);
	EXPECT_EQ(PC, items[0].pending);
	EXPECT_EQ(ZX_USER_SIGNAL_0, items[1].pending);
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

TEST_F(wait, wait_many_item_closed_during_wait)
{
	zx_handle_t x0 = 0, x1 = 0;
	zx_wait_item_t items[3];
	struct waiter w = { .items = items, .nitems = 3,
			    .deadline = zx_deadline_after(ZXT_LONG_DEADLINE_NS), .st = 1 };
	pthread_t t;

	zxt_channel(_metadata, &x0, &x1);
	items[0] = (zx_wait_item_t){ .handle = x1, .waitfor = R, .pending = 0xdeadbeef };
	items[1] = (zx_wait_item_t){ .handle = self->h1, .waitfor = R, .pending = 0xdeadbeef };
	items[2] = (zx_wait_item_t){ .handle = x0, .waitfor = R, .pending = 0xdeadbeef };
	ASSERT_EQ(0, pthread_create(&t, NULL, wait_many_fn, &w));
	wait_blocked(_metadata, &w);
	EXPECT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_ERR_CANCELED, w.st);
	EXPECT_NE(0u, items[1].pending & ZX_SIGNAL_HANDLE_CLOSED) {
		TH_LOG("pending %#x", items[1].pending);
	}
	EXPECT_EQ(W, items[0].pending);
	EXPECT_EQ(W, items[2].pending);
	EXPECT_EQ(PC, SIGNALS(self->h0));
	EXPECT_EQ(ZX_OK, zx_handle_close(x0));
	EXPECT_EQ(ZX_OK, zx_handle_close(x1));
}

TEST_HARNESS_MAIN
