// SPDX-License-Identifier: GPL-2.0
/*
 * Handles in messages: zx_channel_write / write_etc / read / read_etc with
 * up to 64 handles.  A write moves all of its handles or fails; every
 * per-entry check (spec "write step 4") in its order, "first error wins,
 * every entry still processed"; handles consumed on every failure path;
 * write_etc result write-back; read_etc type/rights reports; reads that
 * do not fit, that fault, or that cannot get enough fds (NO_RESOURCES,
 * nothing lost); received fds are close-on-exec and never fd 0; foreign
 * fds in a handle array are BAD_HANDLE and stay open.
 *
 * After every test the teardown closes whatever handles the test still
 * holds and checks that the zx module's reference count (open zx files,
 * wherever they are) is back where it started: no handle leaks in the
 * kernel, whatever path was taken.
 */
#include "zx_handle_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

/* A handle value that is no fd at all (far above any fd table). */
#define BOGUS	((zx_handle_t)0x7ffffff0u)


FIXTURE(xfer) {
	zx_handle_t h0, h1;
	long base;
};

FIXTURE_SETUP(xfer)
{
	self->base = zxt_leak_begin(_metadata);
	zxt_channel(_metadata, &self->h0, &self->h1);
}

FIXTURE_TEARDOWN(xfer)
{
	zxt_leak_end(_metadata, self->base);
}

static zx_handle_info_t *info_fill(zx_handle_info_t *info, size_t n)
{
	memset(info, 0xa5, n * sizeof(*info));
	return info;
}

static zx_handle_disposition_t disp(zx_handle_op_t op, zx_handle_t h, zx_obj_type_t type,
				    zx_rights_t rights)
{
	return (zx_handle_disposition_t){ .operation = op, .handle = h, .type = type,
					  .rights = rights, .result = ZX_OK };
}

/* ---- successful transfer ------------------------------------------------------------ */

TEST_F(xfer, move_handles_round_trip)
{
	zx_handle_t c0, c1, ev, ep0, ep1, in[3], out[4];
	zx_koid_t k[3];
	char msg[] = "three handles", buf[64];
	uint32_t ab = 0, ah = 0;

	zxt_channel(_metadata, &c0, &c1);
	ev = zxt_event(_metadata);
	zxt_eventpair(_metadata, &ep0, &ep1);
	in[0] = c1;
	in[1] = ev;
	in[2] = ep1;
	for (int i = 0; i < 3; i++)
		k[i] = zxt_koid(in[i]);

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, msg, sizeof(msg), in, 3));
	/* moved: the names left the writer's fd table */
	for (int i = 0; i < 3; i++)
		EXPECT_GONE(in[i]);
	/* but the objects live on, inside the message */
	EXPECT_EQ(W, SIGNALS(c0));
	EXPECT_EQ(0u, SIGNALS(ep0));
	EXPECT_EQ(W | R, SIGNALS(self->h1));

	memset(out, 0, sizeof(out));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, buf, out, sizeof(buf), 4, &ab, &ah));
	EXPECT_EQ(sizeof(msg), ab);
	ASSERT_EQ(3u, ah);
	EXPECT_EQ(0, memcmp(buf, msg, sizeof(msg)));
	for (int i = 0; i < 3; i++) {
		EXPECT_NE(ZX_HANDLE_INVALID, out[i]);
		EXPECT_EQ(k[i], zxt_koid(out[i]));
		EXPECT_EQ(1u, zxt_handle_count(_metadata, out[i]));
	}
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, zxt_type(out[0]));
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, zxt_type(out[1]));
	EXPECT_EQ(ZX_OBJ_TYPE_EVENTPAIR, zxt_type(out[2]));
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, zxt_rights(_metadata, out[0]));
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, out[1]));
	EXPECT_EQ(ZX_DEFAULT_EVENTPAIR_RIGHTS, zxt_rights(_metadata, out[2]));
	EXPECT_EQ(0u, out[3]);
	ASSERT_NOTHING_QUEUED(self->h1);

	/* the received handles are the real thing */
	ASSERT_EQ(ZX_OK, zxt_write_u32(c0, 42));
	uint32_t v = 0;
	ASSERT_EQ(ZX_OK, zxt_read_u32(out[0], &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(42u, v);
	ASSERT_EQ(ZX_OK, zx_object_signal(out[1], 0, ZX_EVENT_SIGNALED));
	EXPECT_EQ(ZX_EVENT_SIGNALED, SIGNALS(out[1]));
	ASSERT_EQ(ZX_OK, zx_object_signal_peer(out[2], 0, ZX_USER_SIGNAL_1));
	EXPECT_EQ(ZX_USER_SIGNAL_1, SIGNALS(ep0));
	ASSERT_EQ(ZX_OK, zx_handle_close(out[0]));
	EXPECT_EQ(PC, SIGNALS(c0));
	ASSERT_EQ(ZX_OK, zx_handle_close(out[2]));
	EXPECT_EQ(ZX_USER_SIGNAL_1 | ZX_EVENTPAIR_PEER_CLOSED, SIGNALS(ep0));
}

TEST_F(xfer, move_64_handles)
{
	zx_handle_t in[64], out[64];
	zx_koid_t k[64];
	uint32_t ab = 0, ah = 0;
	char b = 'x';
	int zx_before;

	for (int i = 0; i < 64; i++) {
		in[i] = zxt_event(_metadata);
		k[i] = zxt_koid(in[i]);
	}
	zx_before = zxt_count_zx_fds();
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, &b, 1, in, ZX_CHANNEL_MAX_MSG_HANDLES));
	for (int i = 0; i < 64; i++)
		EXPECT_GONE(in[i]);
	EXPECT_EQ(zx_before - 64, zxt_count_zx_fds());

	memset(out, 0, sizeof(out));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &b, out, 1, 64, &ab, &ah));
	ASSERT_EQ(64u, ah);
	EXPECT_EQ(1u, ab);
	EXPECT_EQ(zx_before, zxt_count_zx_fds());
	/* in the writer's order */
	for (int i = 0; i < 64; i++) {
		EXPECT_EQ(k[i], zxt_koid(out[i])) {
			TH_LOG("handle %d", i);
		}
		EXPECT_EQ(1u, zxt_count_nocheck(out[i]));
	}
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(xfer, write_etc_read_etc_64_mixed)
{
	zx_handle_disposition_t d[64];
	zx_handle_info_t info[64];
	zx_handle_t src = zxt_event(_metadata), mv[32];
	zx_koid_t src_koid = zxt_koid(src), mv_koid[32];
	uint32_t ab = 0, ah = 0;

	for (int i = 0; i < 32; i++) {
		mv[i] = zxt_event(_metadata);
		mv_koid[i] = zxt_koid(mv[i]);
		d[2 * i] = disp(ZX_HANDLE_OP_MOVE, mv[i], ZX_OBJ_TYPE_EVENT,
				ZX_RIGHT_SAME_RIGHTS);
		/* 32 copies of one event, with varying reduced rights */
		d[2 * i + 1] = disp(ZX_HANDLE_OP_DUPLICATE, src, ZX_OBJ_TYPE_NONE,
				    (i & 1) ? ZX_RIGHT_WAIT : ZX_RIGHT_SAME_RIGHTS);
	}
	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 64));
	for (int i = 0; i < 32; i++)
		EXPECT_GONE(mv[i]);
	/* the duplicates sit in the message and count as handles */
	EXPECT_EQ(33u, zxt_handle_count(_metadata, src));

	info_fill(info, 64);
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, NULL, info, 0, 64, &ab, &ah));
	EXPECT_EQ(0u, ab);
	ASSERT_EQ(64u, ah);
	for (int i = 0; i < 32; i++) {
		zx_handle_info_t *m = &info[2 * i], *c = &info[2 * i + 1];

		EXPECT_EQ(mv_koid[i], zxt_koid(m->handle));
		EXPECT_EQ(ZX_OBJ_TYPE_EVENT, m->type);
		EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, m->rights);
		EXPECT_EQ(0u, m->unused);
		EXPECT_EQ(src_koid, zxt_koid(c->handle));
		EXPECT_EQ(ZX_OBJ_TYPE_EVENT, c->type);
		EXPECT_EQ((i & 1) ? ZX_RIGHT_WAIT : ZX_DEFAULT_EVENT_RIGHTS, c->rights);
		EXPECT_EQ(c->rights, zxt_rights(_metadata, c->handle));
		EXPECT_EQ(0u, c->unused);
	}
	EXPECT_EQ(33u, zxt_handle_count(_metadata, src));
	for (int i = 0; i < 32; i++)
		ASSERT_EQ(ZX_OK, zx_handle_close(info[2 * i + 1].handle));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, src));
}

/* ---- consumption on failure ------------------------------------------------------------- */

TEST_F(xfer, too_many_handles_out_of_range_consumes_all)
{
	zx_handle_t in[66];
	int devnull = zxt_foreign_fd();
	char b = 'x';

	ASSERT_GE(devnull, 0);
	for (int i = 0; i < 65; i++)
		in[i] = zxt_event(_metadata);
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE, zx_channel_write(self->h0, 0, &b, 1, in, 65));
	for (int i = 0; i < 65; i++) {
		EXPECT_GONE(in[i]) {
			TH_LOG("handle %d (fd %u) survived", i, in[i]);
		}
	}
	/* a foreign fd among them is not a handle: left open */
	for (int i = 0; i < 65; i++)
		in[i] = zxt_event(_metadata);
	in[65] = in[32];
	in[32] = (zx_handle_t)devnull;
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE, zx_channel_write(self->h0, 0, &b, 1, in, 66));
	for (int i = 0; i < 66; i++) {
		if (i == 32)
			continue;
		EXPECT_GONE(in[i]);
	}
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	ASSERT_NOTHING_QUEUED(self->h1);
	EXPECT_EQ(W, SIGNALS(self->h0));
}

TEST_F(xfer, write_etc_too_many_consumes_moves_keeps_duplicates)
{
	zx_handle_disposition_t d[65];
	zx_handle_t keep = zxt_event(_metadata), mv[64];

	for (int i = 0; i < 64; i++) {
		mv[i] = zxt_event(_metadata);
		d[i] = disp(ZX_HANDLE_OP_MOVE, mv[i], 0, ZX_RIGHT_SAME_RIGHTS);
	}
	d[64] = disp(ZX_HANDLE_OP_DUPLICATE, keep, 0, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 65));
	for (int i = 0; i < 64; i++)
		EXPECT_GONE(mv[i]);
	EXPECT_ALIVE(keep);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(xfer, own_handle_not_supported_and_closed)
{
	char b = 'x';

	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, zx_channel_write(self->h0, 0, &b, 1, &self->h0, 1));
	/* consumed: it was the endpoint's only handle, so the peer sees it */
	EXPECT_GONE(self->h0);
	EXPECT_EQ(PC, SIGNALS(self->h1));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_read(self->h1, 0, &b, NULL, 1, 0, NULL, NULL));
}

TEST_F(xfer, own_handle_among_others_consumes_all)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t c0, c1, in[3];

	zxt_channel(_metadata, &c0, &c1);
	in[0] = x;
	in[1] = self->h0;
	in[2] = c1;
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, zx_channel_write(self->h0, 0, NULL, 0, in, 3));
	EXPECT_GONE(x);
	EXPECT_GONE(self->h0);
	EXPECT_GONE(c1);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	EXPECT_EQ(PC, SIGNALS(c0));
	EXPECT_EQ(PC, SIGNALS(self->h1));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_read(self->h1, 0, NULL, NULL, 0, 0, NULL, NULL));
}

TEST_F(xfer, no_transfer_right_access_denied_consumes_all)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t t = zxt_replace(_metadata, zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS),
				    ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_TRANSFER);
	zx_handle_t in[2] = { x, t };

	EXPECT_EQ(3u, zxt_handle_count(_metadata, keep));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(self->h0, 0, NULL, 0, in, 2));
	EXPECT_GONE(x);
	EXPECT_GONE(t);
	/* the one that passed was in the message, which was destroyed */
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(xfer, repeated_handle_bad_handle_and_closed)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t in[3] = { x, x, x };

	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write(self->h0, 0, NULL, 0, in, 3));
	EXPECT_GONE(x);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(xfer, bad_entries_do_not_stop_the_others)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t y = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t in[5];

	in[0] = ZX_HANDLE_INVALID;
	in[1] = x;
	in[2] = (zx_handle_t)zxt_closed_fd();
	in[3] = BOGUS;
	in[4] = y;
	EXPECT_EQ(3u, zxt_handle_count(_metadata, keep));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write(self->h0, 0, NULL, 0, in, 5));
	/* every entry was processed: the valid ones are consumed */
	EXPECT_GONE(x);
	EXPECT_GONE(y);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	/* "0" named fd 0 (stdin or nothing), which is not a handle: untouched */
	EXPECT_TRUE(zxt_fd_is_open(0));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(xfer, first_error_wins_every_entry_processed)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t notx, x, a0, a1, in[4];
	zx_signals_t peer;

	/* [bogus, no-TRANSFER, own endpoint]: BAD_HANDLE, everything consumed */
	zxt_channel(_metadata, &a0, &a1);
	notx = zxt_replace(_metadata, zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS),
			   ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_TRANSFER);
	in[0] = BOGUS;
	in[1] = notx;
	in[2] = a0;
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write(a0, 0, NULL, 0, in, 3));
	EXPECT_GONE(notx);
	EXPECT_GONE(a0);
	peer = SIGNALS(a1);
	EXPECT_EQ(PC, peer);
	ASSERT_EQ(ZX_OK, zx_handle_close(a1));

	/* [valid, no-TRANSFER, bogus, own]: ACCESS_DENIED */
	zxt_channel(_metadata, &a0, &a1);
	x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	notx = zxt_replace(_metadata, zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS),
			   ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_TRANSFER);
	in[0] = x;
	in[1] = notx;
	in[2] = BOGUS;
	in[3] = a0;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(a0, 0, NULL, 0, in, 4));
	EXPECT_GONE(x);
	EXPECT_GONE(notx);
	EXPECT_GONE(a0);
	EXPECT_EQ(PC, SIGNALS(a1));
	ASSERT_EQ(ZX_OK, zx_handle_close(a1));

	/* [valid, own, no-TRANSFER]: NOT_SUPPORTED */
	zxt_channel(_metadata, &a0, &a1);
	x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	notx = zxt_replace(_metadata, zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS),
			   ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_TRANSFER);
	in[0] = x;
	in[1] = a0;
	in[2] = notx;
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, zx_channel_write(a0, 0, NULL, 0, in, 3));
	EXPECT_GONE(x);
	EXPECT_GONE(notx);
	EXPECT_GONE(a0);
	EXPECT_EQ(PC, SIGNALS(a1));
	ASSERT_EQ(ZX_OK, zx_handle_close(a1));

	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
}

TEST_F(xfer, foreign_fd_bad_handle_and_left_open)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t y = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	int devnull = zxt_foreign_fd(), p[2], sv[2];
	zx_handle_disposition_t d[3];
	zx_handle_t in[4];
	char c = 0;

	ASSERT_GE(devnull, 0);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));

	in[0] = (zx_handle_t)devnull;
	in[1] = x;
	in[2] = (zx_handle_t)p[1];
	in[3] = (zx_handle_t)sv[0];
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write(self->h0, 0, NULL, 0, in, 4));
	EXPECT_GONE(x);
	/* not handles, so not consumed: still open and working */
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	EXPECT_EQ(0, read(devnull, &c, 1));
	ASSERT_EQ(1, write(p[1], "p", 1));
	ASSERT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ('p', c);
	ASSERT_EQ(1, write(sv[0], "s", 1));
	ASSERT_EQ(1, read(sv[1], &c, 1));
	EXPECT_EQ('s', c);

	/* the same for write_etc, as MOVE and as DUPLICATE entries */
	d[0] = disp(ZX_HANDLE_OP_MOVE, (zx_handle_t)devnull, 0, ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_DUPLICATE, (zx_handle_t)p[0], 0, ZX_RIGHT_SAME_RIGHTS);
	d[2] = disp(ZX_HANDLE_OP_MOVE, y, 0, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 3));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, d[0].result);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, d[1].result);
	EXPECT_EQ(ZX_OK, d[2].result);
	EXPECT_GONE(y);
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	EXPECT_TRUE(zxt_fd_is_open(p[0]));
	ASSERT_EQ(1, write(p[1], "q", 1));
	ASSERT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ('q', c);

	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(xfer, write_to_closed_peer_consumes_moved_handles)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t c0, c1, in[2];
	zx_handle_disposition_t d[2];

	zxt_channel(_metadata, &c0, &c1);
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	in[0] = x;
	in[1] = c1;
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_write(self->h0, 0, "z", 1, in, 2));
	EXPECT_GONE(x);
	EXPECT_GONE(c1);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	EXPECT_EQ(PC, SIGNALS(c0));

	/* write_etc: DUPLICATE sources survive, MOVE ones do not */
	x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, keep, 0, ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, x, 0, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 2));
	EXPECT_GONE(x);
	EXPECT_ALIVE(keep);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
}

/*
 * Failures before the entries are looked at consume the handles too (MOVE
 * entries; DUPLICATE sources and fds that are not handles stay).
 */
TEST_F(xfer, early_write_failures_consume_handles)
{
	zx_handle_t keep = zxt_event(_metadata), ev2 = zxt_event(_metadata);
	zx_handle_t nw0, nw1, x;
	char *big = calloc(1, ZXT_MAX_MSG_BYTES + 1);
	void *bad = zxt_bad_ptr();
	int devnull = zxt_foreign_fd();
	zx_channel_iovec_t iov[2] = {
		{ .buffer = "ab", .capacity = 2 },
		{ .buffer = "cd", .capacity = 2, .reserved = 1 },
	};
	struct {
		const char *what;
		zx_status_t want;
		bool etc_too;
	} cases[] = {
		{ "invalid options", ZX_ERR_INVALID_ARGS, true },
		{ "no WRITE right", ZX_ERR_ACCESS_DENIED, true },
		{ "written through an event", ZX_ERR_WRONG_TYPE, true },
		{ "too many bytes", ZX_ERR_OUT_OF_RANGE, true },
		{ "bad bytes pointer", ZX_ERR_INVALID_ARGS, true },
		{ "iovec with reserved != 0", ZX_ERR_INVALID_ARGS, true },
		/*
		 * libzx cannot consume a write_etc's handles when the channel
		 * is not a zx fd (libzx/README.md): plain write only.
		 */
		{ "written through a foreign fd", ZX_ERR_BAD_HANDLE, false },
	};

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)big);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)bad);
	ASSERT_GE(devnull, 0);
	zxt_channel(_metadata, &nw0, &nw1);
	nw0 = zxt_replace(_metadata, nw0, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WRITE);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int etc = 0; etc < 2; etc++) {
			zx_handle_t ch = self->h0, c0, c1;
			uint32_t opts = 0, nb = 1;
			const void *bytes = "b";
			zx_status_t st;

			if (etc && !cases[i].etc_too)
				continue;
			zxt_channel(_metadata, &c0, &c1);
			x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
			switch (i) {
			case 0: opts = 0x100; break;
			case 1: ch = nw0; break;
			case 2: ch = ev2; break;
			case 3: bytes = big; nb = ZXT_MAX_MSG_BYTES + 1; break;
			case 4: bytes = bad; nb = 16; break;
			case 5: bytes = iov; nb = 2; opts = ZX_CHANNEL_WRITE_USE_IOVEC; break;
			case 6: ch = (zx_handle_t)devnull; break;
			}
			if (etc) {
				zx_handle_disposition_t d[4] = {
					disp(ZX_HANDLE_OP_MOVE, x, 0, ZX_RIGHT_SAME_RIGHTS),
					disp(ZX_HANDLE_OP_DUPLICATE, keep, 0, ZX_RIGHT_SAME_RIGHTS),
					disp(ZX_HANDLE_OP_MOVE, (zx_handle_t)devnull, 0,
					     ZX_RIGHT_SAME_RIGHTS),
					disp(ZX_HANDLE_OP_MOVE, c1, 0, ZX_RIGHT_SAME_RIGHTS),
				};

				st = zx_channel_write_etc(ch, opts, bytes, nb, d, 4);
			} else {
				zx_handle_t in[3] = { x, (zx_handle_t)devnull, c1 };

				st = zx_channel_write(ch, opts, bytes, nb, in, 3);
			}
			EXPECT_EQ(cases[i].want, st) {
				TH_LOG("%s (etc %d)", cases[i].what, etc);
			}
			EXPECT_GONE(x) {
				TH_LOG("%s (etc %d)", cases[i].what, etc);
			}
			EXPECT_GONE(c1) {
				TH_LOG("%s (etc %d)", cases[i].what, etc);
			}
			EXPECT_TRUE(zxt_fd_is_open(devnull)) {
				TH_LOG("%s (etc %d)", cases[i].what, etc);
			}
			EXPECT_ALIVE(keep);
			EXPECT_EQ(1u, zxt_handle_count(_metadata, keep)) {
				TH_LOG("%s (etc %d)", cases[i].what, etc);
			}
			EXPECT_EQ(PC, SIGNALS(c0)) {
				TH_LOG("%s (etc %d)", cases[i].what, etc);
			}
			ASSERT_EQ(ZX_OK, zx_handle_close(c0));
		}
	}
	ASSERT_NOTHING_QUEUED(self->h1);
	ASSERT_NOTHING_QUEUED(nw1);
	free(big);
}

/* Step 4: a handle array that cannot be read consumes nothing. */
TEST_F(xfer, unreadable_handle_array_consumes_nothing)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t *edge = zxt_edge_buffer(sizeof(zx_handle_t));
	zx_handle_disposition_t *dedge = zxt_edge_buffer(sizeof(*dedge));

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)dedge);
	/* first entry readable, second one not */
	edge[0] = x;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, 0, "a", 1, edge, 2));
	EXPECT_ALIVE(x);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));

	dedge[0] = disp(ZX_HANDLE_OP_MOVE, x, 0, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write_etc(self->h0, 0, "a", 1, dedge, 2));
	EXPECT_ALIVE(x);

	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, 0, "a", 1, NULL, 1));
	EXPECT_ALIVE(x);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* and the handle still travels fine afterwards */
	EXPECT_EQ(ZX_OK, zx_channel_write(self->h0, 0, "a", 1, edge, 1));
	EXPECT_GONE(x);
	EXPECT_EQ(W | R, SIGNALS(self->h1));
}

/* ---- write_etc --------------------------------------------------------------------------- */

TEST_F(xfer, write_etc_success_leaves_results_alone)
{
	zx_handle_t ev = zxt_event(_metadata), c0, c1;
	zx_handle_disposition_t d[2];
	zx_handle_info_t info[2];
	uint32_t ah = 0;

	zxt_channel(_metadata, &c0, &c1);
	d[0] = disp(ZX_HANDLE_OP_MOVE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, c1, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_SAME_RIGHTS);
	d[0].result = 0x5555;
	d[1].result = -77;
	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, "m", 1, d, 2));
	EXPECT_EQ(0x5555, d[0].result);
	EXPECT_EQ(-77, d[1].result);
	EXPECT_GONE(ev);
	EXPECT_GONE(c1);
	char b = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, &b, info_fill(info, 2), 1, 2, NULL, &ah));
	ASSERT_EQ(2u, ah);
	EXPECT_EQ('m', b);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, info[0].type);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, info[1].type);
	EXPECT_EQ(zxt_koid(c0), zxt_related_koid(info[1].handle));
}

/* Success with a read-only disposition array: results are never written. */
TEST_F(xfer, write_etc_success_with_readonly_array)
{
	zx_handle_t ev = zxt_event(_metadata);
	zx_handle_disposition_t *d = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)d);
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, ev, 0, ZX_RIGHT_WAIT);
	ASSERT_EQ(0, mprotect(d, 4096, PROT_READ));
	EXPECT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 1));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
	EXPECT_EQ(W | R, SIGNALS(self->h1));
}

/* Failure with a read-only disposition array: the write-back faults. */
TEST_F(xfer, write_etc_result_writeback_fault_invalid_args)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_disposition_t *d = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)d);
	d[0] = disp(ZX_HANDLE_OP_MOVE, x, 0, ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, BOGUS, 0, ZX_RIGHT_SAME_RIGHTS);
	ASSERT_EQ(0, mprotect(d, 4096, PROT_READ));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 2));
	EXPECT_GONE(x);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/*
 * One entry of every kind of failure: the first failure is returned, each
 * failing entry gets its own status, passing entries keep what the caller
 * put there, MOVE entries are consumed and DUPLICATE sources are not.
 */
TEST_F(xfer, write_etc_results_per_entry)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t t = zxt_replace(_metadata, zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS),
				    ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_TRANSFER);
	zx_handle_t y = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t z = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t w = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t v = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t c0, c1;
	zx_handle_disposition_t d[9];

	zxt_channel(_metadata, &c0, &c1);
	d[0] = disp(ZX_HANDLE_OP_MOVE, x, 0, ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, ZX_HANDLE_INVALID, 0, ZX_RIGHT_SAME_RIGHTS);
	d[2] = disp(ZX_HANDLE_OP_MOVE, t, 0, ZX_RIGHT_SAME_RIGHTS);
	d[3] = disp(ZX_HANDLE_OP_DUPLICATE, self->h0, 0, ZX_RIGHT_SAME_RIGHTS);
	d[4] = disp(ZX_HANDLE_OP_MOVE, y, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_SAME_RIGHTS);
	d[5] = disp(42, z, 0, ZX_RIGHT_SAME_RIGHTS);
	d[6] = disp(ZX_HANDLE_OP_MOVE, w, 0, ZX_RIGHT_READ);
	d[7] = disp(ZX_HANDLE_OP_DUPLICATE, c1, 0, ZX_RIGHT_SAME_RIGHTS);
	d[8] = disp(ZX_HANDLE_OP_DUPLICATE, v, 0, ZX_RIGHT_SAME_RIGHTS);
	d[0].result = 0x7777;	/* passing entries keep what the caller set */
	d[8].result = ZX_OK;

	EXPECT_EQ(7u, zxt_handle_count(_metadata, keep));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write_etc(self->h0, 0, "r", 1, d, 9));
	EXPECT_EQ(0x7777, d[0].result);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, d[1].result);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, d[2].result);
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, d[3].result);
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, d[4].result);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, d[5].result);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, d[6].result);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, d[7].result);
	EXPECT_EQ(ZX_OK, d[8].result);
	/* the rest of every entry is untouched */
	EXPECT_EQ((zx_handle_t)x, d[0].handle);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, d[4].type);
	EXPECT_EQ(42u, d[5].operation);
	EXPECT_EQ(ZX_RIGHT_READ, d[6].rights);

	/* MOVE (and unknown-operation) entries consumed, DUPLICATE sources kept */
	EXPECT_GONE(x);
	EXPECT_GONE(t);
	EXPECT_GONE(y);
	EXPECT_GONE(z);
	EXPECT_GONE(w);
	EXPECT_ALIVE(self->h0);
	EXPECT_ALIVE(c1);
	EXPECT_ALIVE(v);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));	/* keep + v */
	EXPECT_EQ(W, SIGNALS(self->h1));
	EXPECT_EQ(W, SIGNALS(c0));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* Within one entry: BAD_HANDLE, TRANSFER, self, type, operation, rights, DUPLICATE. */
TEST_F(xfer, write_etc_per_entry_check_order)
{
	zx_handle_t ev = zxt_event(_metadata), c0, c1, notx, h0nt, mv;
	zx_handle_disposition_t d;

	zxt_channel(_metadata, &c0, &c1);
	notx = zxt_replace(_metadata, zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS),
			   ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_TRANSFER);

#define ONE(op_, h_, type_, rights_, want_) do {				\
	d = disp((op_), (h_), (type_), (rights_));				\
	EXPECT_EQ((want_), zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));	\
	EXPECT_EQ((want_), d.result);						\
} while (0)

	/* a. not a handle beats everything else in the entry */
	ONE(77, BOGUS, ZX_OBJ_TYPE_PORT, ZX_RIGHT_EXECUTE, ZX_ERR_BAD_HANDLE);
	/* b. no TRANSFER beats type and rights (DUPLICATE: source kept) */
	ONE(ZX_HANDLE_OP_DUPLICATE, notx, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_EXECUTE,
	    ZX_ERR_ACCESS_DENIED);
	EXPECT_ALIVE(notx);
	/* c. the endpoint itself beats type and rights */
	ONE(ZX_HANDLE_OP_DUPLICATE, self->h0, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_EXECUTE,
	    ZX_ERR_NOT_SUPPORTED);
	EXPECT_ALIVE(self->h0);
	/* d. type mismatch beats rights and missing DUPLICATE */
	ONE(ZX_HANDLE_OP_DUPLICATE, c1, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_EXECUTE,
	    ZX_ERR_WRONG_TYPE);
	ONE(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENTPAIR, ZX_RIGHT_SAME_RIGHTS,
	    ZX_ERR_WRONG_TYPE);
	/* f. rights not a subset beats missing DUPLICATE */
	ONE(ZX_HANDLE_OP_DUPLICATE, c1, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_DUPLICATE,
	    ZX_ERR_INVALID_ARGS);
	ONE(ZX_HANDLE_OP_DUPLICATE, c1, 0, ZX_DEFAULT_CHANNEL_RIGHTS | ZX_RIGHT_EXECUTE,
	    ZX_ERR_INVALID_ARGS);
	/* SAME_RIGHTS together with other bits is not SAME_RIGHTS */
	ONE(ZX_HANDLE_OP_DUPLICATE, ev, 0, ZX_RIGHT_SAME_RIGHTS | ZX_RIGHT_WAIT,
	    ZX_ERR_INVALID_ARGS);
	/* g. DUPLICATE without the DUPLICATE right */
	ONE(ZX_HANDLE_OP_DUPLICATE, c1, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_SAME_RIGHTS,
	    ZX_ERR_ACCESS_DENIED);
	ONE(ZX_HANDLE_OP_DUPLICATE, c1, 0, ZX_RIGHT_READ, ZX_ERR_ACCESS_DENIED);
	EXPECT_ALIVE(c1);
	EXPECT_EQ(W, SIGNALS(c0));
	/* b. before c.: an endpoint without TRANSFER written into itself */
	h0nt = zxt_replace(_metadata, self->h0, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_TRANSFER);
	self->h0 = h0nt;
	ONE(ZX_HANDLE_OP_DUPLICATE, self->h0, 0, ZX_RIGHT_SAME_RIGHTS, ZX_ERR_ACCESS_DENIED);
	EXPECT_ALIVE(self->h0);
	/* d. before e.: wrong type with an unknown operation (consumed as MOVE) */
	mv = zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS);
	ONE(5, mv, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_SAME_RIGHTS, ZX_ERR_WRONG_TYPE);
	EXPECT_GONE(mv);
	/* e. an unknown operation is INVALID_ARGS, and counts as MOVE */
	mv = zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS);
	ONE(9999, mv, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS, ZX_ERR_INVALID_ARGS);
	EXPECT_GONE(mv);
	/* matching type and NONE are both fine */
	ONE(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS, ZX_OK);
	ONE(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS, ZX_OK);
#undef ONE
	EXPECT_EQ(4u, zxt_handle_count(_metadata, ev));	/* ev, notx, 2 in flight */
	/* only the two successful writes queued anything */
	for (int i = 0; i < 2; i++) {
		zx_handle_t got = 0;
		uint32_t ah = 0;

		ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, &got, 0, 1, NULL, &ah));
		ASSERT_EQ(1u, ah);
		EXPECT_EQ(zxt_koid(ev), zxt_koid(got));
		ASSERT_EQ(ZX_OK, zx_handle_close(got));
	}
	ASSERT_NOTHING_QUEUED(self->h1);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
}

TEST_F(xfer, write_etc_move_reduced_rights)
{
	zx_handle_t c0, c1, r;
	zx_handle_disposition_t d;
	zx_handle_info_t info;
	zx_koid_t k;
	uint32_t ah = 0;
	const zx_rights_t rights = ZX_RIGHT_WRITE | ZX_RIGHT_WAIT;

	zxt_channel(_metadata, &c0, &c1);
	k = zxt_koid(c1);
	d = disp(ZX_HANDLE_OP_MOVE, c1, ZX_OBJ_TYPE_CHANNEL, rights);
	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	EXPECT_GONE(c1);
	EXPECT_EQ(W, SIGNALS(c0));
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, NULL, info_fill(&info, 1), 0, 1,
					     NULL, &ah));
	ASSERT_EQ(1u, ah);
	r = info.handle;
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, info.type);
	EXPECT_EQ(rights, info.rights);
	EXPECT_EQ(0u, info.unused);
	EXPECT_EQ(rights, zxt_rights(_metadata, r));
	EXPECT_EQ(k, zxt_koid(r));
	/* the reduced rights are enforced */
	EXPECT_EQ(ZX_OK, zxt_write_u32(r, 1));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_read(r, 0, NULL, NULL, 0, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(self->h0, 0, NULL, 0, &r, 1));
	/* consumed even so: the endpoint is gone */
	EXPECT_GONE(r);
	EXPECT_EQ(R | PC, SIGNALS(c0));
}

TEST_F(xfer, write_etc_duplicate_keeps_source)
{
	zx_handle_t ev = zxt_event(_metadata), got = 0;
	zx_handle_disposition_t d = disp(ZX_HANDLE_OP_DUPLICATE, ev, ZX_OBJ_TYPE_EVENT,
					 ZX_RIGHT_SAME_RIGHTS);
	uint32_t ah = 0;

	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	EXPECT_ALIVE(ev);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_NE(ev, got);
	EXPECT_EQ(zxt_koid(ev), zxt_koid(got));
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, got));
	/* one object: a signal through one handle is seen through the other */
	ASSERT_EQ(ZX_OK, zx_object_signal(got, 0, ZX_USER_SIGNAL_5));
	EXPECT_EQ(ZX_USER_SIGNAL_5, SIGNALS(ev));
	ASSERT_EQ(ZX_OK, zx_handle_close(got));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, ev));

	/* DUPLICATE of the endpoint being written: NOT_SUPPORTED, source kept */
	d = disp(ZX_HANDLE_OP_DUPLICATE, self->h0, 0, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	EXPECT_ALIVE(self->h0);
	EXPECT_EQ(W, SIGNALS(self->h1));
}

/* A failed write_etc with MOVE and DUPLICATE entries. */
TEST_F(xfer, write_etc_mixed_failure)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t mv = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_disposition_t d[3];

	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, keep, 0, ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, mv, 0, ZX_RIGHT_SAME_RIGHTS);
	d[2] = disp(ZX_HANDLE_OP_MOVE, BOGUS, 0, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 3));
	EXPECT_EQ(ZX_OK, d[0].result);
	EXPECT_EQ(ZX_OK, d[1].result);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, d[2].result);
	EXPECT_ALIVE(keep);
	EXPECT_GONE(mv);
	/* the copy made for the dead message is gone too */
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* ---- reading handles --------------------------------------------------------------------- */

TEST_F(xfer, read_etc_reports_type_and_rights)
{
	zx_handle_t ev = zxt_event(_metadata), c0, c1, ep0, ep1;
	zx_handle_disposition_t d[3];
	zx_handle_info_t info[4];
	uint32_t ah = 0, ab = 0;

	zxt_channel(_metadata, &c0, &c1);
	zxt_eventpair(_metadata, &ep0, &ep1);
	d[0] = disp(ZX_HANDLE_OP_MOVE, ev, 0, ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_MOVE, c1, 0, ZX_RIGHT_READ | ZX_RIGHT_TRANSFER);
	d[2] = disp(ZX_HANDLE_OP_DUPLICATE, ep1, ZX_OBJ_TYPE_EVENTPAIR, ZX_RIGHT_NONE);
	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, "etc", 3, d, 3));
	info_fill(info, 4);
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read_etc(self->h1, 0, NULL, info, 0, 4, &ab, &ah));
	/* too small for the bytes: sizes reported, nothing installed */
	EXPECT_EQ(3u, ab);
	EXPECT_EQ(3u, ah);
	info_fill(info, 4);
	char buf[8];
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, buf, info, sizeof(buf), 4, &ab, &ah));
	ASSERT_EQ(3u, ah);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, info[0].type);
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, info[0].rights);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, info[1].type);
	EXPECT_EQ(ZX_RIGHT_READ | ZX_RIGHT_TRANSFER, info[1].rights);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENTPAIR, info[2].type);
	EXPECT_EQ(ZX_RIGHT_NONE, info[2].rights);
	for (int i = 0; i < 3; i++) {
		zx_info_handle_basic_t b;

		EXPECT_EQ(0u, info[i].unused);
		ASSERT_EQ(ZX_OK, zxt_basic(info[i].handle, &b));
		EXPECT_EQ(info[i].type, b.type);
		EXPECT_EQ(info[i].rights, b.rights);
	}
	/* the fourth slot was not written */
	EXPECT_EQ(0xa5a5a5a5u, info[3].handle);
	EXPECT_EQ(zxt_koid(c0), zxt_related_koid(info[1].handle));
	EXPECT_EQ(zxt_koid(ep0), zxt_related_koid(info[2].handle));
}

TEST_F(xfer, read_too_small_for_handles_keeps_message)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t c0, c1, in[2], out[2] = { 0, 0 };
	uint32_t ab = 0, ah = 0;
	int zx_before;

	zxt_channel(_metadata, &c0, &c1);
	in[0] = x;
	in[1] = c1;
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, "hh", 2, in, 2));
	zx_before = zxt_count_zx_fds();
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, 0, NULL, out, 64, 1, &ab, &ah));
	EXPECT_EQ(2u, ab);
	EXPECT_EQ(2u, ah);
	EXPECT_EQ(0u, out[0]);
	EXPECT_EQ(zx_before, zxt_count_zx_fds());
	EXPECT_EQ(W | R, SIGNALS(self->h1));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));
	EXPECT_EQ(W, SIGNALS(c0));
	/* NULL handles with a zero count is just "too small" too */
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, 0, NULL, NULL, 64, 0, &ab, &ah));
	ah = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &ab, out, sizeof(ab), 2, NULL, &ah));
	EXPECT_EQ(2u, ah);
	EXPECT_EQ(zxt_koid(keep), zxt_koid(out[0]));
	EXPECT_EQ(zxt_koid(c0), zxt_related_koid(out[1]));
}

TEST_F(xfer, read_may_discard_closes_carried_handles)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t c0, c1, ep0, ep1, in[3];
	uint32_t ab = 0, ah = 0;
	int zx_before;

	zxt_channel(_metadata, &c0, &c1);
	zxt_eventpair(_metadata, &ep0, &ep1);
	in[0] = x;
	in[1] = c1;
	in[2] = ep1;
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, "discard", 7, in, 3));
	zx_before = zxt_count_zx_fds();
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 64, 0,
				  &ab, &ah));
	EXPECT_EQ(7u, ab);
	EXPECT_EQ(3u, ah);
	EXPECT_EQ(zx_before, zxt_count_zx_fds());
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	EXPECT_EQ(PC, SIGNALS(c0));
	EXPECT_EQ(ZX_EVENTPAIR_PEER_CLOSED, SIGNALS(ep0));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/*
 * Queue "f" on h0 with @x and one end of a new channel; returns the other
 * end, which sees PEER_CLOSED once the message's handles are closed.
 */
static zx_handle_t queue_with_channel_end(struct __test_metadata *_metadata,
					  FIXTURE_DATA(xfer) *self, zx_handle_t x)
{
	zx_handle_t c0, in[2];

	zxt_channel(_metadata, &c0, &in[1]);
	in[0] = x;
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, "f", 1, in, 2));
	return c0;
}

/*
 * After a failed read of that message: it is lost and its handles closed
 * (@keep's duplicate, so @keep is alone again, and @c0's peer), and no zx
 * fd was installed.
 */
static void expect_message_lost(struct __test_metadata *_metadata, FIXTURE_DATA(xfer) *self,
				zx_handle_t keep, zx_handle_t c0, int zx_before)
{
	ASSERT_NOTHING_QUEUED(self->h1);
	EXPECT_EQ(zx_before, zxt_count_zx_fds());
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	EXPECT_EQ(PC, SIGNALS(c0));
}

TEST_F(xfer, read_fault_on_handles_closes_them_no_fd_leak)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t c0;
	void *ro = zxt_readonly_page();
	zx_handle_info_t *edge = zxt_edge_buffer(sizeof(zx_handle_info_t));
	char buf[8];
	int zx_before, fds_before;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)ro);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	c0 = queue_with_channel_end(_metadata, self, x);
	zx_before = zxt_count_zx_fds();
	fds_before = zxt_count_fds();
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_read(self->h1, 0, buf, ro, sizeof(buf), 2, NULL, NULL));
	/* no fd of any kind was installed */
	EXPECT_EQ(fds_before, zxt_count_fds());
	expect_message_lost(_metadata, self, keep, c0, zx_before);
	ASSERT_EQ(ZX_OK, zx_handle_close(c0));

	/* NULL handle buffer with a non-zero count */
	x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	c0 = queue_with_channel_end(_metadata, self, x);
	zx_before = zxt_count_zx_fds();
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_read(self->h1, 0, buf, NULL, sizeof(buf), 2, NULL, NULL));
	expect_message_lost(_metadata, self, keep, c0, zx_before);
	ASSERT_EQ(ZX_OK, zx_handle_close(c0));

	/* read_etc with room for one record of two */
	x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	c0 = queue_with_channel_end(_metadata, self, x);
	zx_before = zxt_count_zx_fds();
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_read_etc(self->h1, 0, buf, edge, sizeof(buf), 2, NULL, NULL));
	expect_message_lost(_metadata, self, keep, c0, zx_before);
}

TEST_F(xfer, received_fds_cloexec_never_fd_0)
{
	zx_handle_t c0, c1, ev = zxt_event(_metadata), ep0, ep1, in[3], out[3];
	zx_handle_info_t info[3];
	uint32_t ah = 0;

	zxt_channel(_metadata, &c0, &c1);
	zxt_eventpair(_metadata, &ep0, &ep1);
	/* fd 0 is free: the lowest fd a new file would get */
	close(0);
	ASSERT_FALSE(zxt_fd_is_open(0));

	in[0] = c1;
	in[1] = ev;
	in[2] = ep1;
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, in, 3));
	memset(out, 0, sizeof(out));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, out, 0, 3, NULL, &ah));
	ASSERT_EQ(3u, ah);
	for (int i = 0; i < 3; i++) {
		EXPECT_NE(0u, out[i]);
		EXPECT_TRUE(zxt_is_cloexec((int)out[i])) {
			TH_LOG("fd %u", out[i]);
		}
		EXPECT_TRUE(zxt_handle_valid(out[i]));
	}
	EXPECT_FALSE(zxt_fd_is_open(0));

	/* read_etc the same way */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, out, 3));
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, NULL, info, 0, 3, NULL, &ah));
	ASSERT_EQ(3u, ah);
	for (int i = 0; i < 3; i++) {
		EXPECT_NE(0u, info[i].handle);
		EXPECT_TRUE(zxt_is_cloexec((int)info[i].handle));
	}
	EXPECT_FALSE(zxt_fd_is_open(0));
	/* and the received channel works */
	ASSERT_EQ(ZX_OK, zxt_write_u32(info[0].handle, 9));
	EXPECT_EQ(W | R, SIGNALS(c0));
}

/*
 * Not enough free fds for the message's handles: NO_RESOURCES, nothing
 * installed, the message stays at the head of the queue; with enough fds
 * the same read succeeds.
 */
TEST_F(xfer, read_without_enough_fds_no_resources_nothing_lost)
{
	zx_handle_t keep = zxt_event(_metadata);
	zx_handle_t x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	zx_handle_t c0, c1, ep0, ep1, in[3], out[3];
	zx_handle_info_t info[3];
	zx_koid_t k[3];
	struct rlimit old;
	uint32_t ab = 0, ah = 0;
	char buf[8];
	int zx_before, fds_before;

	/* fd 0 taken, so only the limit decides */
	if (!zxt_fd_is_open(0)) {
		ASSERT_EQ(0, open("/dev/null", O_RDONLY));
	}
	zxt_channel(_metadata, &c0, &c1);
	zxt_eventpair(_metadata, &ep0, &ep1);
	in[0] = x;
	in[1] = c1;
	in[2] = ep1;
	for (int i = 0; i < 3; i++)
		k[i] = zxt_koid(in[i]);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, "first", 5, in, 3));
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, "second", 6, NULL, 0));
	zx_before = zxt_count_zx_fds();
	fds_before = zxt_count_fds();

	for (unsigned int nfree = 0; nfree < 3; nfree++) {
		ASSERT_EQ(0, zxt_limit_free_fds(nfree, &old));
		memset(out, 0, sizeof(out));
		EXPECT_EQ(ZX_ERR_NO_RESOURCES,
			  zx_channel_read(self->h1, 0, buf, out, sizeof(buf), 3, &ab, &ah)) {
			TH_LOG("%u free fds", nfree);
		}
		EXPECT_EQ(ZX_ERR_NO_RESOURCES,
			  zx_channel_read_etc(self->h1, 0, buf, info, sizeof(buf), 3, &ab, &ah)) {
			TH_LOG("%u free fds", nfree);
		}
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
		EXPECT_EQ(0u, out[0]);
		/* nothing installed, nothing lost */
		EXPECT_EQ(zx_before, zxt_count_zx_fds());
		EXPECT_EQ(fds_before, zxt_count_fds());
		EXPECT_EQ(W | R, SIGNALS(self->h1));
		EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));
		EXPECT_EQ(W, SIGNALS(c0));
		EXPECT_EQ(0u, SIGNALS(ep0));
	}

	/* exactly as many free fds as handles is enough */
	ASSERT_EQ(0, zxt_limit_free_fds(3, &old));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(ZX_OK, zx_channel_read(self->h1, 0, buf, out, sizeof(buf), 3, &ab, &ah));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	/* the first message, still first */
	EXPECT_EQ(5u, ab);
	EXPECT_EQ(0, memcmp(buf, "first", 5));
	ASSERT_EQ(3u, ah);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(k[i], zxt_koid(out[i]));
	EXPECT_EQ(zx_before + 3, zxt_count_zx_fds());
	EXPECT_EQ(ZX_OK, zx_channel_read(self->h1, 0, buf, NULL, sizeof(buf), 0, &ab, &ah));
	EXPECT_EQ(6u, ab);
	EXPECT_EQ(0, memcmp(buf, "second", 6));
	ASSERT_NOTHING_QUEUED(self->h1);
}

struct spinner {
	zx_handle_t h;
	int stop;
	int iters;
	int ok, peer_closed, should_wait;
};

/* Keep failing to read the head message (no fds), as fast as possible. */
static void *spin_read(void *p)
{
	struct spinner *sp = p;

	while (!__atomic_load_n(&sp->stop, __ATOMIC_SEQ_CST)) {
		zx_handle_t h = 0;
		uint32_t b = 0;
		zx_status_t st = zx_channel_read(sp->h, 0, &b, &h, sizeof(b), 1, NULL, NULL);

		if (st == ZX_OK)
			sp->ok++;
		else if (st == ZX_ERR_PEER_CLOSED)
			sp->peer_closed++;
		else if (st == ZX_ERR_SHOULD_WAIT)
			sp->should_wait++;
		__atomic_add_fetch(&sp->iters, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static int spinner_iters(struct spinner *sp)
{
	return __atomic_load_n(&sp->iters, __ATOMIC_SEQ_CST);
}

/*
 * A read that fails for lack of fds must be invisible to other readers of
 * the endpoint: while one thread keeps failing on the head message (it has
 * a handle, no fd is free), another thread must see that same message at
 * the head -- never the message behind it (FIFO, spec 4.1), never an empty
 * queue (SHOULD_WAIT), never PEER_CLOSED while a message is still queued
 * (spec 4.2: PEER_CLOSED only once the queue is empty).  Each round only
 * opens a small window for a wrong answer, so there are many, each with
 * the two readers overlapping for a while (bounded in time: a correct
 * module passes however few rounds run).
 */
TEST_F_TIMEOUT(xfer, read_no_resources_invisible_to_concurrent_readers, 120)
{
	zx_handle_t e = zxt_event(_metadata);
	int out_of_order = 0, early_peer_closed = 0, empty = 0, overlapped = 0;
	zx_time_t end = zx_deadline_after(ZX_SEC(5));
	struct rlimit old;

	for (int round = 0; round < 120 && zx_clock_get_monotonic() < end; round++) {
		int phase = round & 1;
		zx_handle_t w0, w1, d = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
		struct spinner sp = { 0 };
		uint32_t one = 1, two = 2, b = 0, ah = 0;
		zx_handle_t got = 0;
		zx_time_t until;
		pthread_t t;
		int first;

		zxt_channel(_metadata, &w0, &w1);
		ASSERT_EQ(ZX_OK, zx_channel_write(w0, 0, &one, sizeof(one), &d, 1));
		if (phase == 0) {
			/* a second message behind the first */
			ASSERT_EQ(ZX_OK, zx_channel_write(w0, 0, &two, sizeof(two), NULL, 0));
		} else {
			/* the only message, and the writer is gone */
			ASSERT_EQ(ZX_OK, zx_handle_close(w0));
			w0 = 0;
		}
		sp.h = w1;
		ASSERT_EQ(0, zxt_limit_free_fds(0, &old));
		ASSERT_EQ(0, pthread_create(&t, NULL, spin_read, &sp));
		/* the spinner is really running before we start */
		until = zx_deadline_after(ZX_SEC(5));
		while (spinner_iters(&sp) < 5 && zx_clock_get_monotonic() < until)
			sched_yield();
		first = spinner_iters(&sp);
		/* read until the spinner made some progress alongside */
		for (int i = 0; i < 5000 && spinner_iters(&sp) < first + 30; i++) {
			zx_handle_t h = 0;
			zx_status_t st = zx_channel_read(w1, 0, &b, &h, sizeof(b), 1, NULL, NULL);

			if (st == ZX_OK)
				out_of_order++;
			else if (st == ZX_ERR_PEER_CLOSED)
				early_peer_closed++;
			else if (st == ZX_ERR_SHOULD_WAIT)
				empty++;
		}
		if (spinner_iters(&sp) >= first + 30)
			overlapped++;
		__atomic_store_n(&sp.stop, 1, __ATOMIC_SEQ_CST);
		ASSERT_EQ(0, pthread_join(t, NULL));
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
		out_of_order += sp.ok;
		early_peer_closed += sp.peer_closed;
		empty += sp.should_wait;

		/* message 1 must still be first in line */
		if (out_of_order == 0) {
			ASSERT_EQ(ZX_OK, zx_channel_read(w1, 0, &b, &got, sizeof(b), 1, NULL, &ah));
			ASSERT_EQ(1u, b);
			ASSERT_EQ(1u, ah);
		}
		zxt_close_all_handles();
		e = zxt_event(_metadata);
	}
	TH_LOG("%d rounds with both readers running", overlapped);
	EXPECT_EQ(0, out_of_order) {
		TH_LOG("a later message was read while the first was still queued");
	}
	EXPECT_EQ(0, early_peer_closed) {
		TH_LOG("PEER_CLOSED returned while a message was still queued");
	}
	EXPECT_EQ(0, empty) {
		TH_LOG("SHOULD_WAIT returned while a message was still queued");
	}
}

/* A message without handles needs no fds: readable at the limit. */
TEST_F(xfer, read_without_handles_needs_no_fds)
{
	struct rlimit old;
	uint32_t v = 0;

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 31));
	ASSERT_EQ(0, zxt_limit_free_fds(0, &old));
	EXPECT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(31u, v);
}

/*
 * fd 0 is never a handle, not even when it is the only fd left: the read
 * then fails with NO_RESOURCES rather than install a handle at 0.
 */
TEST_F(xfer, read_never_uses_fd_0_even_as_last_free_fd)
{
	zx_handle_t e = zxt_event(_metadata), got = 0;
	struct rlimit old;
	uint32_t ah = 0;

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, &e, 1));
	close(0);
	ASSERT_EQ(0, zxt_limit_free_fds(1, &old));	/* that one is fd 0 */
	EXPECT_EQ(ZX_ERR_NO_RESOURCES, zx_channel_read(self->h1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(0u, got);
	EXPECT_FALSE(zxt_fd_is_open(0));
	EXPECT_EQ(W | R, SIGNALS(self->h1));

	ASSERT_EQ(0, zxt_limit_free_fds(2, &old));	/* fd 0 and one more */
	EXPECT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(1u, ah);
	EXPECT_NE(0u, got);
	EXPECT_FALSE(zxt_fd_is_open(0));
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, zxt_type(got));
}

/*
 * Spec 4.9: only the endpoint written through is refused.  Sending an
 * endpoint through its own peer is accepted (it lands in its own queue);
 * a dup(2) alias lets this test read it back instead of leaking it.
 */
TEST_F(xfer, endpoint_sent_through_its_peer_is_accepted)
{
	zx_handle_t got = 0;
	zx_koid_t k1 = zxt_koid(self->h1);
	uint32_t ah = 0;
	int alias = dup((int)self->h1);

	ASSERT_GT(alias, 0);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, &self->h1, 1));
	EXPECT_GONE(self->h1);
	EXPECT_EQ(W | R, SIGNALS((zx_handle_t)alias));
	EXPECT_EQ(W, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zx_channel_read((zx_handle_t)alias, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(k1, zxt_koid(got));
	ASSERT_EQ(0, close(alias));
	EXPECT_EQ(W, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zx_handle_close(got));
	EXPECT_EQ(PC, SIGNALS(self->h0));
}

/*
 * A dup(2) alias of the endpoint written through is that endpoint:
 * NOT_SUPPORTED, and the alias name is consumed, while the endpoint lives
 * on under its other name (docs/design.md: aliases share one handle).
 */
TEST_F(xfer, own_endpoint_alias_not_supported)
{
	int alias = dup((int)self->h0);
	zx_handle_t a;
	uint32_t v = 0;

	ASSERT_GT(alias, 0);
	a = (zx_handle_t)alias;
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, zx_channel_write(self->h0, 0, NULL, 0, &a, 1));
	EXPECT_GONE(a);
	EXPECT_EQ(W, SIGNALS(self->h1));
	ASSERT_NOTHING_QUEUED(self->h1);
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 3));
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h1, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(3u, v);
}

/* A read writes exactly actual_handles slots, whatever num_handles says. */
TEST_F(xfer, read_writes_only_the_actual_handle_slots)
{
	zx_handle_t e = zxt_event(_metadata);
	zx_handle_t *one = zxt_edge_buffer(sizeof(zx_handle_t));
	zx_handle_info_t *ione = zxt_edge_buffer(sizeof(zx_handle_info_t));
	uint32_t ah = 0;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)one);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)ione);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, &e, 1));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, one, 0, 64, NULL, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, zxt_type(one[0]));
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, one, 1));
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, NULL, ione, 0, 64, NULL, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, ione[0].type);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, zxt_type(ione[0].handle));
}

/* One handle named twice: DUPLICATE then MOVE works, MOVE then anything does not. */
TEST_F(xfer, write_etc_same_handle_twice)
{
	zx_handle_t keep = zxt_event(_metadata), x, got[2] = { 0, 0 };
	zx_handle_disposition_t d[2];
	uint32_t ah = 0;

	x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	d[0] = disp(ZX_HANDLE_OP_DUPLICATE, x, 0, ZX_RIGHT_WAIT);
	d[1] = disp(ZX_HANDLE_OP_MOVE, x, 0, ZX_RIGHT_SAME_RIGHTS);
	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 2));
	EXPECT_GONE(x);
	EXPECT_EQ(3u, zxt_handle_count(_metadata, keep));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, got, 0, 2, NULL, &ah));
	ASSERT_EQ(2u, ah);
	EXPECT_EQ(ZX_RIGHT_WAIT, zxt_rights(_metadata, got[0]));
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, got[1]));
	ASSERT_EQ(ZX_OK, zx_handle_close_many(got, 2));

	x = zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS);
	d[0] = disp(ZX_HANDLE_OP_MOVE, x, 0, ZX_RIGHT_SAME_RIGHTS);
	d[1] = disp(ZX_HANDLE_OP_DUPLICATE, x, 0, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write_etc(self->h0, 0, NULL, 0, d, 2));
	EXPECT_EQ(ZX_OK, d[0].result);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, d[1].result);
	EXPECT_GONE(x);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_HARNESS_MAIN
