// SPDX-License-Identifier: GPL-2.0
/*
 * Events and eventpairs: creation (rights, types, koids), signalling
 * (ZX_EVENT_SIGNALED, user signals, signal_peer, which bits are allowed),
 * waiting (wait_one, wait_many, poll) including wake-ups from another
 * thread, ZX_EVENTPAIR_PEER_CLOSED when the other half loses its last
 * handle, duplication, transfer through channels like any handle, and
 * WRONG_TYPE whenever one is used as a channel.
 */
#include "zx_handle_util.h"

#define EP_PC	ZX_EVENTPAIR_PEER_CLOSED


FIXTURE(ev) {
	long base;
};

FIXTURE_SETUP(ev)
{
	self->base = zxt_leak_begin(_metadata);
}

FIXTURE_TEARDOWN(ev)
{
	zxt_leak_end(_metadata, self->base);
}

/* ---- events ------------------------------------------------------------------------ */

TEST_F(ev, event_create)
{
	zx_handle_t e = 0, e2 = 0;
	zx_info_handle_basic_t b;

	ASSERT_EQ(ZX_OK, zx_event_create(0, &e));
	ASSERT_EQ(ZX_OK, zx_event_create(0, &e2));
	EXPECT_NE(0u, e);
	EXPECT_TRUE(zxt_is_cloexec((int)e));
	ASSERT_EQ(ZX_OK, zxt_basic(e, &b));
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, b.type);
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, b.rights);
	EXPECT_NE(0u, b.rights & ZX_RIGHT_DUPLICATE);
	EXPECT_NE(0u, b.rights & ZX_RIGHT_SIGNAL);
	EXPECT_EQ(0u, b.rights & ZX_RIGHT_SIGNAL_PEER);
	EXPECT_EQ(ZX_KOID_INVALID, b.related_koid);
	EXPECT_GE(b.koid, ZX_KOID_FIRST);
	EXPECT_NE(b.koid, zxt_koid(e2));
	EXPECT_EQ(0u, SIGNALS(e));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, e));

	e2 = 0xabcdu;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_event_create(1, &e2));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_event_create(0x80000000u, &e2));
	EXPECT_EQ(0xabcdu, e2);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_event_create(0, NULL));
}

TEST_F(ev, event_signal_bits)
{
	zx_handle_t e = zxt_event(_metadata);

	ASSERT_EQ(ZX_OK, zx_object_signal(e, 0, ZX_EVENT_SIGNALED));
	EXPECT_EQ(ZX_EVENT_SIGNALED, SIGNALS(e));
	ASSERT_EQ(ZX_OK, zx_object_signal(e, 0, ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_7));
	EXPECT_EQ(ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_7, SIGNALS(e));
	/* clear first, then set */
	ASSERT_EQ(ZX_OK, zx_object_signal(e, ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_0,
					  ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_7, SIGNALS(e));
	ASSERT_EQ(ZX_OK, zx_object_signal(e, ZXT_EVENT_SIGNALS, 0));
	EXPECT_EQ(0u, SIGNALS(e));

	/* only SIGNALED and the user bits */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(e, 0, ZX_CHANNEL_READABLE));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(e, 0, ZX_EVENTPAIR_PEER_CLOSED));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(e, 0, 1u << 4));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(e, ZX_SIGNAL_HANDLE_CLOSED, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_signal(e, 0, ZX_EVENT_SIGNALED | ZX_CHANNEL_WRITABLE));
	EXPECT_EQ(0u, SIGNALS(e));

	/* no peer; and the default rights lack SIGNAL_PEER, which is checked first */
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal_peer(e, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(0u, SIGNALS(e));
}

TEST_F(ev, event_wait_woken_by_signal_from_thread)
{
	zx_handle_t e = zxt_event(_metadata), d;
	struct zxt_waiter w = { 0 };
	pthread_t t;

	d = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	w.h = e;
	w.want = ZX_EVENT_SIGNALED;
	zxt_start_waiter(_metadata, &w, &t, 50);
	/* a user bit the waiter does not want does not end the wait */
	ASSERT_EQ(ZX_OK, zx_object_signal(d, 0, ZX_USER_SIGNAL_4));
	zxt_sleep_ms(50);
	EXPECT_EQ(1, __atomic_load_n(&w.st, __ATOMIC_SEQ_CST));
	/* signalled through the other handle */
	ASSERT_EQ(ZX_OK, zx_object_signal(d, 0, ZX_EVENT_SIGNALED));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, w.st);
	EXPECT_EQ(ZX_EVENT_SIGNALED | ZX_USER_SIGNAL_4, w.obs);
}

TEST_F(ev, event_wait_many_and_poll)
{
	zx_handle_t e1 = zxt_event(_metadata), e2 = zxt_event(_metadata);
	zx_wait_item_t items[2] = {
		{ .handle = e1, .waitfor = ZX_EVENT_SIGNALED },
		{ .handle = e2, .waitfor = ZX_USER_SIGNAL_2 },
	};
	struct pollfd pfd[2] = {
		{ .fd = (int)e1, .events = POLLIN },
		{ .fd = (int)e2, .events = POLLIN },
	};

	EXPECT_EQ(ZX_ERR_TIMED_OUT, zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0, poll(pfd, 2, 0));
	ASSERT_EQ(ZX_OK, zx_object_signal(e2, 0, ZX_USER_SIGNAL_2));
	EXPECT_EQ(ZX_OK, zx_object_wait_many(items, 2, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0u, items[0].pending);
	EXPECT_EQ(ZX_USER_SIGNAL_2, items[1].pending);
	/* POLLIN is ZX_EVENT_SIGNALED only */
	EXPECT_EQ(0, poll(pfd, 2, 0));
	ASSERT_EQ(ZX_OK, zx_object_signal(e1, 0, ZX_EVENT_SIGNALED));
	EXPECT_EQ(1, poll(pfd, 2, 0));
	EXPECT_EQ(POLLIN, pfd[0].revents);
	EXPECT_EQ(0, pfd[1].revents);
}

TEST_F(ev, event_duplicate_and_close)
{
	zx_handle_t e = zxt_event(_metadata), d1, d2;

	d1 = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	d2 = zxt_dup(_metadata, d1, ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT);
	EXPECT_EQ(3u, zxt_handle_count(_metadata, e));
	EXPECT_EQ(zxt_koid(e), zxt_koid(d1));
	EXPECT_EQ(zxt_koid(e), zxt_koid(d2));
	ASSERT_EQ(ZX_OK, zx_object_signal(e, 0, ZX_EVENT_SIGNALED));
	EXPECT_EQ(ZX_EVENT_SIGNALED, SIGNALS(d2));
	/* the object lives as long as any handle does */
	ASSERT_EQ(ZX_OK, zx_handle_close(e));
	ASSERT_EQ(ZX_OK, zx_handle_close(d1));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, d2));
	EXPECT_EQ(ZX_EVENT_SIGNALED, SIGNALS(d2));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close(e));
}

/* ---- eventpairs ------------------------------------------------------------------------ */

TEST_F(ev, eventpair_create)
{
	zx_handle_t a = 0, b = 0;
	zx_info_handle_basic_t ia, ib;

	ASSERT_EQ(ZX_OK, zx_eventpair_create(0, &a, &b));
	EXPECT_NE(0u, a);
	EXPECT_NE(0u, b);
	EXPECT_NE(a, b);
	EXPECT_TRUE(zxt_is_cloexec((int)a));
	EXPECT_TRUE(zxt_is_cloexec((int)b));
	ASSERT_EQ(ZX_OK, zxt_basic(a, &ia));
	ASSERT_EQ(ZX_OK, zxt_basic(b, &ib));
	EXPECT_EQ(ZX_OBJ_TYPE_EVENTPAIR, ia.type);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENTPAIR, ib.type);
	EXPECT_EQ(ZX_DEFAULT_EVENTPAIR_RIGHTS, ia.rights);
	EXPECT_EQ(ZX_DEFAULT_EVENTPAIR_RIGHTS, ib.rights);
	EXPECT_NE(ia.koid, ib.koid);
	EXPECT_EQ(ib.koid, ia.related_koid);
	EXPECT_EQ(ia.koid, ib.related_koid);
	EXPECT_EQ(0u, SIGNALS(a));
	EXPECT_EQ(0u, SIGNALS(b));

	a = b = 0xabcdu;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_eventpair_create(1, &a, &b));
	EXPECT_EQ(0xabcdu, a);
	EXPECT_EQ(0xabcdu, b);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_eventpair_create(0, &a, NULL));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_eventpair_create(0, NULL, &b));
}

TEST_F(ev, eventpair_signal_and_signal_peer)
{
	zx_handle_t a, b;

	zxt_eventpair(_metadata, &a, &b);
	ASSERT_EQ(ZX_OK, zx_object_signal(a, 0, ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_1));
	EXPECT_EQ(ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_1, SIGNALS(a));
	EXPECT_EQ(0u, SIGNALS(b));
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_6 | ZX_EVENTPAIR_SIGNALED));
	EXPECT_EQ(ZX_USER_SIGNAL_6 | ZX_EVENTPAIR_SIGNALED, SIGNALS(b));
	EXPECT_EQ(ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_1, SIGNALS(a));
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(b, ZX_USER_SIGNAL_1, ZX_USER_SIGNAL_2));
	EXPECT_EQ(ZX_EVENTPAIR_SIGNALED | ZX_USER_SIGNAL_2, SIGNALS(a));

	/* PEER_CLOSED is the kernel's: neither side may set it */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(a, 0, EP_PC));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal_peer(a, 0, EP_PC));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal_peer(a, ZX_CHANNEL_READABLE, 0));
	EXPECT_EQ(ZX_USER_SIGNAL_6 | ZX_EVENTPAIR_SIGNALED, SIGNALS(b));
}

TEST_F(ev, eventpair_peer_closed)
{
	zx_handle_t a, b;

	zxt_eventpair(_metadata, &a, &b);
	ASSERT_EQ(ZX_OK, zx_object_signal(a, 0, ZX_USER_SIGNAL_0));
	ASSERT_EQ(ZX_OK, zx_handle_close(b));
	/* sticky, and the survivor's own bits stay */
	EXPECT_EQ(EP_PC | ZX_USER_SIGNAL_0, SIGNALS(a));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(a, EP_PC, ZX_TIME_INFINITE_PAST, NULL));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_object_signal_peer(a, 0, ZX_USER_SIGNAL_1));
	/* signalling itself still works */
	EXPECT_EQ(ZX_OK, zx_object_signal(a, ZX_USER_SIGNAL_0, ZX_EVENTPAIR_SIGNALED));
	EXPECT_EQ(EP_PC | ZX_EVENTPAIR_SIGNALED, SIGNALS(a));
	/* and PEER_CLOSED cannot be cleared */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_object_signal(a, EP_PC, 0));
	EXPECT_EQ(EP_PC | ZX_EVENTPAIR_SIGNALED, SIGNALS(a));
	/* the koids stay related */
	EXPECT_NE(ZX_KOID_INVALID, zxt_related_koid(a));
}

TEST_F(ev, eventpair_peer_closed_only_with_last_handle)
{
	zx_handle_t a, b, b2;
	int alias;

	zxt_eventpair(_metadata, &a, &b);
	b2 = zxt_dup(_metadata, b, ZX_RIGHT_WAIT);
	alias = dup((int)b2);
	ASSERT_GE(alias, 0);
	ASSERT_EQ(ZX_OK, zx_handle_close(b));
	EXPECT_EQ(0u, SIGNALS(a));
	ASSERT_EQ(ZX_OK, zx_handle_close(b2));
	/* the dup(2) alias still names the last handle */
	EXPECT_EQ(0u, SIGNALS(a));
	ASSERT_EQ(0, close(alias));
	EXPECT_EQ(EP_PC, SIGNALS(a));
}

TEST_F(ev, eventpair_wait_woken_by_peer_close_from_thread)
{
	zx_handle_t a, b;
	struct zxt_waiter w = { 0 };
	pthread_t t;

	zxt_eventpair(_metadata, &a, &b);
	w.h = a;
	w.want = EP_PC;
	zxt_start_waiter(_metadata, &w, &t, 50);
	ASSERT_EQ(ZX_OK, zx_handle_close(b));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, w.st);
	EXPECT_EQ(EP_PC, w.obs);
}

TEST_F(ev, eventpair_wait_woken_by_signal_peer_from_thread)
{
	zx_handle_t a, b;
	struct zxt_waiter w = { 0 };
	pthread_t t;

	zxt_eventpair(_metadata, &a, &b);
	w.h = a;
	w.want = ZX_EVENTPAIR_SIGNALED | EP_PC;
	zxt_start_waiter(_metadata, &w, &t, 50);
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(b, 0, ZX_EVENTPAIR_SIGNALED));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, w.st);
	EXPECT_EQ(ZX_EVENTPAIR_SIGNALED, w.obs);
}

TEST_F(ev, eventpair_poll)
{
	zx_handle_t a, b;
	struct pollfd pfd;

	zxt_eventpair(_metadata, &a, &b);
	pfd = (struct pollfd){ .fd = (int)a, .events = POLLIN };
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(b, 0, ZX_EVENTPAIR_SIGNALED));
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN, pfd.revents);
	ASSERT_EQ(ZX_OK, zx_handle_close(b));
	pfd.revents = 0;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN | POLLHUP, pfd.revents);
}

/* ---- used as channels: WRONG_TYPE ------------------------------------------------------- */

TEST_F(ev, wrong_type_as_channel)
{
	zx_handle_t e = zxt_event(_metadata), a, b, keep = zxt_event(_metadata), x;
	zx_handle_t objs[3];
	char buf[8];
	uint32_t ab = 0xffffffffu, ah = 0xffffffffu;

	zxt_eventpair(_metadata, &a, &b);
	objs[0] = e;
	objs[1] = a;
	objs[2] = b;
	for (int i = 0; i < 3; i++) {
		zx_handle_t h = objs[i];
		zx_handle_info_t info;
		zx_handle_disposition_t d;
		zx_channel_call_args_t args = {
			.wr_bytes = "abcd", .wr_num_bytes = 4,
			.rd_bytes = buf, .rd_num_bytes = sizeof(buf),
		};

		EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_write(h, 0, "x", 1, NULL, 0));
		EXPECT_EQ(ZX_ERR_WRONG_TYPE,
			  zx_channel_read(h, 0, buf, NULL, sizeof(buf), 0, &ab, &ah));
		EXPECT_EQ(ZX_ERR_WRONG_TYPE,
			  zx_channel_read_etc(h, 0, buf, &info, sizeof(buf), 1, &ab, &ah));
		EXPECT_EQ(ZX_ERR_WRONG_TYPE,
			  zx_channel_call(h, 0, ZX_TIME_INFINITE_PAST, &args, &ab, &ah));
		EXPECT_EQ(0xffffffffu, ab);
		/* a write through it still consumes the handles (MOVE entries) */
		x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
		EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_write(h, 0, NULL, 0, &x, 1));
		EXPECT_GONE(x);
		x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
		d = (zx_handle_disposition_t){ .operation = ZX_HANDLE_OP_MOVE, .handle = x,
					       .rights = ZX_RIGHT_SAME_RIGHTS };
		EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_write_etc(h, 0, NULL, 0, &d, 1));
		EXPECT_GONE(x);
		EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
		/* and did nothing to the object */
		EXPECT_EQ(0u, SIGNALS(h));
		EXPECT_ALIVE(h);
	}
}

/* ---- transfer ------------------------------------------------------------------------------ */

TEST_F(ev, event_transferred_is_the_same_event)
{
	zx_handle_t c0, c1, e = zxt_event(_metadata), keep, got = 0;
	uint32_t ah = 0;

	zxt_channel(_metadata, &c0, &c1);
	keep = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	ASSERT_EQ(ZX_OK, zx_channel_write(c0, 0, NULL, 0, &e, 1));
	EXPECT_GONE(e);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));
	ASSERT_EQ(ZX_OK, zx_channel_read(c1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(zxt_koid(keep), zxt_koid(got));
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, got));
	ASSERT_EQ(ZX_OK, zx_object_signal(got, 0, ZX_EVENT_SIGNALED));
	EXPECT_EQ(ZX_EVENT_SIGNALED, SIGNALS(keep));
	ASSERT_EQ(ZX_OK, zx_object_signal(keep, ZX_EVENT_SIGNALED, ZX_USER_SIGNAL_3));
	EXPECT_EQ(ZX_USER_SIGNAL_3, SIGNALS(got));
}

TEST_F(ev, eventpair_end_in_flight_keeps_peer_open)
{
	zx_handle_t c0, c1, a, b, got = 0;
	uint32_t ab = 0, ah = 0;

	zxt_channel(_metadata, &c0, &c1);
	zxt_eventpair(_metadata, &a, &b);
	ASSERT_EQ(ZX_OK, zx_channel_write(c0, 0, NULL, 0, &b, 1));
	EXPECT_GONE(b);
	EXPECT_EQ(0u, SIGNALS(a));
	ASSERT_EQ(ZX_OK, zx_channel_read(c1, 0, NULL, &got, 0, 1, NULL, &ah));
	EXPECT_EQ(zxt_koid(a), zxt_related_koid(got));
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(got, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_USER_SIGNAL_0, SIGNALS(a));

	/* sent again and discarded unread: the peer sees PEER_CLOSED */
	ASSERT_EQ(ZX_OK, zx_channel_write(c0, 0, NULL, 0, &got, 1));
	EXPECT_EQ(ZX_USER_SIGNAL_0, SIGNALS(a));
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(c1, ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 0, 0, &ab, &ah));
	EXPECT_EQ(1u, ah);
	EXPECT_EQ(EP_PC | ZX_USER_SIGNAL_0, SIGNALS(a));
}

/* write_etc type checks with events and eventpairs. */
TEST_F(ev, write_etc_type_checks)
{
	zx_handle_t c0, c1, e = zxt_event(_metadata), a, b;
	zx_handle_disposition_t d[2];
	zx_handle_info_t info[2];
	uint32_t ah = 0;

	zxt_channel(_metadata, &c0, &c1);
	zxt_eventpair(_metadata, &a, &b);
	d[0] = (zx_handle_disposition_t){ .operation = ZX_HANDLE_OP_DUPLICATE, .handle = e,
					  .type = ZX_OBJ_TYPE_EVENTPAIR,
					  .rights = ZX_RIGHT_SAME_RIGHTS };
	d[1] = (zx_handle_disposition_t){ .operation = ZX_HANDLE_OP_DUPLICATE, .handle = a,
					  .type = ZX_OBJ_TYPE_EVENT,
					  .rights = ZX_RIGHT_SAME_RIGHTS };
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_write_etc(c0, 0, NULL, 0, d, 2));
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, d[0].result);
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, d[1].result);
	EXPECT_ALIVE(e);
	EXPECT_ALIVE(a);
	ASSERT_NOTHING_QUEUED(c1);

	d[0].type = ZX_OBJ_TYPE_EVENT;
	d[0].rights = ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL;
	d[1].type = ZX_OBJ_TYPE_EVENTPAIR;
	d[1].rights = ZX_RIGHT_SIGNAL_PEER;
	ASSERT_EQ(ZX_OK, zx_channel_write_etc(c0, 0, NULL, 0, d, 2));
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(c1, 0, NULL, info, 0, 2, NULL, &ah));
	ASSERT_EQ(2u, ah);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, info[0].type);
	EXPECT_EQ(ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL, info[0].rights);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENTPAIR, info[1].type);
	EXPECT_EQ(ZX_RIGHT_SIGNAL_PEER, info[1].rights);
	EXPECT_EQ(ZX_OK, zx_object_signal_peer(info[1].handle, 0, ZX_USER_SIGNAL_4));
	EXPECT_EQ(ZX_USER_SIGNAL_4, SIGNALS(b));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal(info[1].handle, 0, ZX_USER_SIGNAL_4));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, e));
}

/* Creating with no fd left: NO_RESOURCES and nothing half-made. */
TEST_F(ev, create_without_free_fds)
{
	zx_handle_t a = 0xabcdu, b = 0xabcdu;
	struct rlimit old;
	int zx_before = zxt_count_zx_fds();

	ASSERT_EQ(0, zxt_limit_free_fds(0, &old));
	EXPECT_EQ(ZX_ERR_NO_RESOURCES, zx_event_create(0, &a));
	EXPECT_EQ(ZX_ERR_NO_RESOURCES, zx_eventpair_create(0, &a, &b));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(0xabcdu, a);
	EXPECT_EQ(0xabcdu, b);
	EXPECT_EQ(zx_before, zxt_count_zx_fds());
	/* /dev/zx and one handle fit, an eventpair's second handle does not */
	ASSERT_EQ(0, zxt_limit_free_fds(2, &old));
	EXPECT_EQ(ZX_ERR_NO_RESOURCES, zx_eventpair_create(0, &a, &b));
	EXPECT_EQ(ZX_OK, zx_event_create(0, &a));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(0xabcdu, b);
	EXPECT_EQ(zx_before + 1, zxt_count_zx_fds());
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, zxt_type(a));
}

TEST_HARNESS_MAIN
