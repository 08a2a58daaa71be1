// SPDX-License-Identifier: GPL-2.0
/*
 * zx_channel_call and call_etc refused: every error row of the spec
 * (arguments, options, rights, object type, handles, sizes, peer closed),
 * which error wins when several apply, and which handles each failure
 * consumes (spec "zx_channel_call", 2.4).
 */
#include "zx_call_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

/* h0: the client end, h1: the server end */
ZXT_CHANNEL_FIXTURE(call)

/*
 * CallWrittenBytesSmallerThanZxTxId(+WithBadPointer), CallPayloadTooSmall,
 * CallEtcInvalidArgs: fewer than 4 bytes is INVALID_ARGS, whatever wr_bytes
 * points to; a bad wr_bytes is INVALID_ARGS at any size.
 */
TEST_F(call, request_shorter_than_txid_is_invalid)
{
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, rd[16];
	void *bad = zxt_bad_ptr();
	uint8_t *edge = zxt_edge_buffer(3);
	uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)bad);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	for (uint32_t n = 0; n < 4; n++) {
		const void *ptrs[3] = { buf, NULL, bad };

		for (int k = 0; k < 3; k++) {
			zx_channel_call_args_t a = { .wr_bytes = ptrs[k], .wr_num_bytes = n,
						     .rd_bytes = rd, .rd_num_bytes = sizeof(rd) };
			zx_channel_call_etc_args_t ea = { .wr_bytes = ptrs[k], .wr_num_bytes = n,
							  .rd_bytes = rd,
							  .rd_num_bytes = sizeof(rd) };

			EXPECT_EQ(ZX_ERR_INVALID_ARGS,
				  zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST, &a, &ab,
						  &ah)) {
				TH_LOG("%u bytes, pointer %d", n, k);
			}
			EXPECT_EQ(ZX_ERR_INVALID_ARGS,
				  zx_channel_call_etc(self->h0, 0, ZX_TIME_INFINITE_PAST, &ea,
						      &ab, &ah)) {
				TH_LOG("etc: %u bytes, pointer %d", n, k);
			}
		}
	}
	/* bad pointers at sizes that would be fine */
	for (uint32_t n = 4; n <= 4096; n *= 4) {
		zx_channel_call_args_t a = { .wr_bytes = bad, .wr_num_bytes = n,
					     .rd_bytes = rd, .rd_num_bytes = sizeof(rd) };

		EXPECT_EQ(ZX_ERR_INVALID_ARGS,
			  zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	}
	/* 3 readable bytes, 4 requested */
	zx_channel_call_args_t a = { .wr_bytes = edge, .wr_num_bytes = 4,
				     .rd_bytes = rd, .rd_num_bytes = sizeof(rd) };

	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	EXPECT_EQ(ZXC_SENTINEL, ah);
	ASSERT_NOTHING_QUEUED(self->h1);
	/* and the endpoint still works: 3 readable bytes sent as 3 is still too short */
	a.wr_num_bytes = 3;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	a.wr_bytes = buf;
	a.wr_num_bytes = 4;
	EXPECT_EQ(ZX_ERR_TIMED_OUT,
		  zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	EXPECT_EQ(W | R, SIGNALS(self->h1));
}

/* CallConsumesHandlesOnError, for a request that is too short. */
TEST_F(call, short_request_consumes_handles)
{
	uint8_t buf[4] = { 0 }, rd[16];
	uint32_t ab, ah;

	for (uint32_t n = 0; n < 4; n++) {
		zx_handle_t e = zxt_event(_metadata), c0, c1;
		zx_handle_t hs[2];

		zxt_channel(_metadata, &c0, &c1);
		hs[0] = e;
		hs[1] = c0;
		zx_channel_call_args_t a = { .wr_bytes = buf, .wr_num_bytes = n,
					     .wr_handles = hs, .wr_num_handles = 2,
					     .rd_bytes = rd, .rd_num_bytes = sizeof(rd) };

		EXPECT_EQ(ZX_ERR_INVALID_ARGS,
			  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
		EXPECT_FALSE(zxt_handle_valid(e));
		EXPECT_FALSE(zxt_handle_valid(c0));
		/* c0 was closed, not leaked */
		EXPECT_EQ(PC, SIGNALS(c1));
		EXPECT_EQ(ZX_OK, zx_handle_close(c1));
	}
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* CallInvalidOptions: anything but 0 / USE_IOVEC; handles consumed. */
TEST_F(call, invalid_options)
{
	static const uint32_t bad[] = { 1, 4, 0xff, 0x80000000u, 0xffffffffu,
					ZX_CHANNEL_WRITE_USE_IOVEC | 1, 0x100 };
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab, ah;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		zx_handle_t e = zxt_event(_metadata);
		zx_handle_disposition_t d = { ZX_HANDLE_OP_MOVE, zxt_event(_metadata), 0,
					      ZX_RIGHT_SAME_RIGHTS, ZX_OK };
		zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .wr_handles = &e, .wr_num_handles = 1,
					     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
		zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
						  .wr_handles = &d, .wr_num_handles = 1,
						  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

		EXPECT_EQ(ZX_ERR_INVALID_ARGS,
			  zx_channel_call(self->h0, bad[i], zxt_long_deadline(), &a, &ab, &ah)) {
			TH_LOG("options %#x", bad[i]);
		}
		EXPECT_FALSE(zxt_handle_valid(e));
		EXPECT_EQ(ZX_ERR_INVALID_ARGS,
			  zx_channel_call_etc(self->h0, bad[i], zxt_long_deadline(), &ea, &ab,
					      &ah)) {
			TH_LOG("etc options %#x", bad[i]);
		}
		EXPECT_FALSE(zxt_handle_valid(d.handle));
	}
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* ZX_CHANNEL_WRITE_USE_IOVEC is a valid call option (spec step 2 [VER]). */
TEST_F(call, iovec_request)
{
	uint8_t p1[2] = { 0xa1, 0xa2 }, p2[5] = { 'h', 'e', 'l', 'l', 'o' },
		p3[7] = { 'w', 'o', 'r', 'l', 'd', '!', '!' };
	zx_channel_iovec_t iov[4] = {
		{ .buffer = p1, .capacity = 2 },
		{ .buffer = NULL, .capacity = 0 },
		{ .buffer = p2, .capacity = 5 },
		{ .buffer = p3, .capacity = 7 },
	};
	uint8_t got[32], exp[14], rd[32];
	uint32_t ab = 0, ah = 0, txid;
	struct zxc_job j = { 0 };

	/* pieces are concatenated; the txid spans the first two non-empty ones */
	j.h = self->h0;
	j.options = ZX_CHANNEL_WRITE_USE_IOVEC;
	j.a = (zx_channel_call_args_t){ .wr_bytes = iov, .wr_num_bytes = 4,
					.rd_bytes = rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	txid = zxc_recv_req(_metadata, self->h1, got, sizeof(got), &ab, NULL, 0, NULL);
	ASSERT_EQ(14u, ab);
	EXPECT_TRUE(zxc_is_call_txid(txid));
	memcpy(exp, p1, 2);
	memcpy(exp + 2, p2, 5);
	memcpy(exp + 7, p3, 7);
	EXPECT_EQ(0, memcmp(got + 4, exp + 4, 10));
	/* the caller's pieces are untouched */
	EXPECT_EQ(0xa1, p1[0]);
	EXPECT_EQ(0xa2, p1[1]);
	EXPECT_EQ('h', p2[0]);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, got, 6, NULL, 0));
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(6u, j.ab);
	EXPECT_EQ(txid, zxc_txid_of(rd));

	/* 1 + 2 bytes of iovecs: too short */
	zx_channel_iovec_t small[2] = { { .buffer = p2, .capacity = 1 },
					{ .buffer = p3, .capacity = 2 } };
	zx_channel_call_args_t a = { .wr_bytes = small, .wr_num_bytes = 2,
				     .rd_bytes = rd, .rd_num_bytes = sizeof(rd) };

	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_call(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC,
						       ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	/* reserved != 0 */
	small[1].capacity = 7;
	small[1].reserved = 1;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_call(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC,
						       ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	/* an unreadable iovec array */
	a.wr_bytes = zxt_bad_ptr();
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_call(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC,
						       ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	/* too many entries */
	a.wr_num_bytes = ZXT_MAX_MSG_IOVECS + 1;
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE, zx_channel_call(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC,
						       ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/*
 * CallInvalidArgsPointer: an unreadable args struct is INVALID_ARGS and,
 * alone among the errors, does not consume the handles (spec 2.4).
 */
TEST_F(call, unreadable_args_consume_nothing)
{
	zx_handle_t e = zxt_event(_metadata);
	zx_handle_disposition_t d = { ZX_HANDLE_OP_MOVE, e, 0, ZX_RIGHT_SAME_RIGHTS, ZX_OK };
	struct zxc_msg m = zxc_request(0, 0), rd;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .wr_handles = &e, .wr_num_handles = 1,
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					  .wr_handles = &d, .wr_num_handles = 1,
					  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	char *edge = zxt_edge_buffer(sizeof(a) - 8);
	char *edge_etc = zxt_edge_buffer(sizeof(ea) - 1);
	uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;

	/* four pointers, then four uint32_t: the last 8 bytes are rd_num_* */
#ifdef __LP64__
	ASSERT_EQ(48u, sizeof(a));
#else
	ASSERT_EQ(32u, sizeof(a));
#endif
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge_etc);
	/* all but the last 8 (resp. 1) bytes of the struct are readable */
	memcpy(edge, &a, sizeof(a) - 8);
	memcpy(edge_etc, &ea, sizeof(ea) - 1);

	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), NULL, &ab, &ah));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), zxt_bad_ptr(), &ab, &ah));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(),
				  (zx_channel_call_args_t *)edge, &ab, &ah));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), NULL, &ab, &ah));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(),
				      (zx_channel_call_etc_args_t *)edge_etc, &ab, &ah));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	EXPECT_EQ(ZXC_SENTINEL, ah);
	/* never seen, never consumed */
	EXPECT_TRUE(zxt_handle_valid(e));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* the same args, readable: consumed (sent) */
	EXPECT_EQ(ZX_ERR_TIMED_OUT,
		  zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST, &a, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(e));
	EXPECT_EQ(W | R, SIGNALS(self->h1));
}

/* Unreadable wr_handles array: INVALID_ARGS, nothing sent. */
TEST_F(call, unreadable_wr_handles)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .wr_handles = zxt_bad_ptr(), .wr_num_handles = 2,
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					  .wr_handles = zxt_bad_ptr(), .wr_num_handles = 2,
					  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	uint32_t ab, ah;

	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	a.wr_handles = NULL;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* CallWithoutReadRight / CallWithoutWriteRight; READ|WRITE alone suffice. */
TEST_F(call, rights_read_and_write_both_required)
{
	static const zx_rights_t missing[] = { ZX_RIGHT_READ, ZX_RIGHT_WRITE,
					       ZX_RIGHT_READ | ZX_RIGHT_WRITE };
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab, ah;

	for (size_t i = 0; i < ARRAY_SIZE(missing); i++) {
		zx_handle_t c0, c1, r, e = zxt_event(_metadata);
		zx_handle_disposition_t d;

		zxt_channel(_metadata, &c0, &c1);
		r = zxt_replace(_metadata, c0, ZX_DEFAULT_CHANNEL_RIGHTS & ~missing[i]);
		zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .wr_handles = &e, .wr_num_handles = 1,
					     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

		EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
			  zx_channel_call(r, 0, zxt_long_deadline(), &a, &ab, &ah)) {
			TH_LOG("without %#x", missing[i]);
		}
		EXPECT_FALSE(zxt_handle_valid(e));

		d = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, zxt_event(_metadata), 0,
					       ZX_RIGHT_SAME_RIGHTS, ZX_OK };
		zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
						  .wr_handles = &d, .wr_num_handles = 1,
						  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

		EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
			  zx_channel_call_etc(r, 0, zxt_long_deadline(), &ea, &ab, &ah));
		EXPECT_FALSE(zxt_handle_valid(d.handle));
		ASSERT_NOTHING_QUEUED(c1);
		EXPECT_EQ(ZX_OK, zx_handle_close(r));
		EXPECT_EQ(ZX_OK, zx_handle_close(c1));
	}

	/* READ|WRITE and nothing else is enough for a whole round trip */
	struct zxc_job j = { 0 };
	struct zxc_msg rep = { 0 };

	self->h0 = zxt_replace(_metadata, self->h0, ZX_RIGHT_READ | ZX_RIGHT_WRITE);
	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = &rep, .rd_num_bytes = sizeof(rep) };
	zxc_job_start(_metadata, &j);
	zxc_serve_one(_metadata, self->h1);
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(zxc_reply_check(0, 0), rep.check);
}

/* CallFromWrongObjectType: an event is WRONG_TYPE; handles consumed. */
TEST_F(call, wrong_type)
{
	zx_handle_t ev = zxt_event(_metadata), ep0, ep1;
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab, ah;

	ASSERT_EQ(ZX_OK, zx_eventpair_create(0, &ep0, &ep1));
	zx_handle_t targets[2] = { ev, ep0 };

	for (int i = 0; i < 2; i++) {
		zx_handle_t e = zxt_event(_metadata);
		zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .wr_handles = &e, .wr_num_handles = 1,
					     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
		zx_handle_disposition_t d = { ZX_HANDLE_OP_MOVE, zxt_event(_metadata), 0,
					      ZX_RIGHT_SAME_RIGHTS, ZX_OK };
		zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
						  .wr_handles = &d, .wr_num_handles = 1,
						  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

		EXPECT_EQ(ZX_ERR_WRONG_TYPE,
			  zx_channel_call(targets[i], 0, zxt_long_deadline(), &a, &ab, &ah));
		EXPECT_FALSE(zxt_handle_valid(e));
		EXPECT_EQ(ZX_ERR_WRONG_TYPE,
			  zx_channel_call_etc(targets[i], 0, zxt_long_deadline(), &ea, &ab, &ah));
		EXPECT_FALSE(zxt_handle_valid(d.handle));
	}
	/* the event is untouched */
	EXPECT_EQ(0u, SIGNALS(ev));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
	EXPECT_EQ(ZX_OK, zx_handle_close(ep0));
	EXPECT_EQ(ZX_OK, zx_handle_close(ep1));
}

/*
 * Not a handle: BAD_HANDLE.  (libzx cannot consume the handles when the
 * module never sees the call -- documented in libzx/README.md -- so only
 * the status is checked here.)
 */
TEST_F(call, bad_handle)
{
	int devnull = zxt_foreign_fd();
	int pfd[2];
	struct zxc_msg m = zxc_request(0, 0), rd;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	uint32_t ab, ah;

	ASSERT_GE(devnull, 0);
	ASSERT_EQ(0, pipe(pfd));
	zx_handle_t bad[] = { (zx_handle_t)devnull, (zx_handle_t)pfd[0], ZX_HANDLE_INVALID,
			      0x7ffffff0u, 0x80000001u, (zx_handle_t)zxt_closed_fd() };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(ZX_ERR_BAD_HANDLE,
			  zx_channel_call(bad[i], 0, zxt_long_deadline(), &a, &ab, &ah)) {
			TH_LOG("handle %u", bad[i]);
		}
		EXPECT_EQ(ZX_ERR_BAD_HANDLE,
			  zx_channel_call_etc(bad[i], 0, zxt_long_deadline(), &ea, &ab, &ah)) {
			TH_LOG("handle %u", bad[i]);
		}
	}
	/* the foreign fds are left alone */
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	EXPECT_TRUE(zxt_fd_is_open(pfd[0]));
	close(devnull);
	close(pfd[0]);
	close(pfd[1]);
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* Peer already closed: PEER_CLOSED, nothing sent, handles consumed. */
TEST_F(call, peer_closed_before_call)
{
	zx_handle_t e = zxt_event(_metadata), c0, c1;
	zx_handle_t hs[2];
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;

	zxt_channel(_metadata, &c0, &c1);
	hs[0] = e;
	hs[1] = c0;
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .wr_handles = hs, .wr_num_handles = 2,
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_call(self->h0, 0, zxt_long_deadline(),
						      &a, &ab, &ah));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	EXPECT_FALSE(zxt_handle_valid(e));
	EXPECT_FALSE(zxt_handle_valid(c0));
	EXPECT_EQ(PC, SIGNALS(c1));
	/* and again (sticky), also for call_etc and a past deadline */
	zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_call_etc(self->h0, 0, ZX_TIME_INFINITE_PAST,
							  &ea, &ab, &ah));
	EXPECT_EQ(PC, SIGNALS(self->h0));
	EXPECT_EQ(ZX_OK, zx_handle_close(c1));
}

/* OUT_OF_RANGE: > 65536 bytes or > 64 handles; every handle consumed. */
TEST_F(call, too_big_request)
{
	zx_handle_t hs[ZXT_MAX_MSG_HANDLES + 1];
	uint8_t *big = calloc(1, ZXT_MAX_MSG_BYTES + 1);
	uint8_t rd[16];
	uint32_t ab, ah;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)big);
	for (uint32_t i = 0; i <= ZXT_MAX_MSG_HANDLES; i++)
		hs[i] = zxt_event(_metadata);
	zx_channel_call_args_t a = { .wr_bytes = big, .wr_num_bytes = 8,
				     .wr_handles = hs, .wr_num_handles = ZXT_MAX_MSG_HANDLES + 1,
				     .rd_bytes = rd, .rd_num_bytes = sizeof(rd) };

	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	for (uint32_t i = 0; i <= ZXT_MAX_MSG_HANDLES; i++) {
		EXPECT_FALSE(zxt_handle_valid(hs[i])) {
			TH_LOG("handle %u not consumed", i);
		}
	}

	hs[0] = zxt_event(_metadata);
	a.wr_num_handles = 1;
	a.wr_num_bytes = ZXT_MAX_MSG_BYTES + 1;
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(hs[0]));
	a.wr_num_handles = 0;
	a.wr_num_bytes = 0xffffffffu;
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	ASSERT_NOTHING_QUEUED(self->h1);
	free(big);
}

/*
 * Errors in wr_handles (write step 4 applied to a call): first error wins,
 * every listed handle is consumed, nothing is sent.
 */
TEST_F(call, wr_handle_errors)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab, ah;
	zx_handle_t ok, nt, hs[3];
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .wr_handles = hs,
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	/* [ok, no TRANSFER]: ACCESS_DENIED, both gone */
	ok = zxt_event(_metadata);
	nt = zxt_replace(_metadata, zxt_event(_metadata), ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL);
	hs[0] = ok;
	hs[1] = nt;
	a.wr_num_handles = 2;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(ok));
	EXPECT_FALSE(zxt_handle_valid(nt));

	/* the same handle twice: BAD_HANDLE (second time), gone */
	ok = zxt_event(_metadata);
	hs[0] = ok;
	hs[1] = ok;
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(ok));

	/* [bogus, ok]: BAD_HANDLE, the good one consumed anyway */
	ok = zxt_event(_metadata);
	hs[0] = (zx_handle_t)zxt_closed_fd();
	hs[1] = ok;
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(ok));

	/* [ok, no TRANSFER, bogus]: the first error is returned */
	ok = zxt_event(_metadata);
	nt = zxt_replace(_metadata, zxt_event(_metadata), ZX_RIGHT_WAIT);
	hs[0] = ok;
	hs[1] = nt;
	hs[2] = (zx_handle_t)zxt_closed_fd();
	a.wr_num_handles = 3;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(ok));
	EXPECT_FALSE(zxt_handle_valid(nt));
	ASSERT_NOTHING_QUEUED(self->h1);
	EXPECT_EQ(W, SIGNALS(self->h1));

	/* the calling endpoint itself: NOT_SUPPORTED, and it is consumed */
	ok = zxt_event(_metadata);
	hs[0] = ok;
	hs[1] = self->h0;
	a.wr_num_handles = 2;
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(ok));
	EXPECT_FALSE(zxt_handle_valid(self->h0));
	self->h0 = 0;
	EXPECT_EQ(PC, SIGNALS(self->h1));
	ASSERT_EQ(ZX_ERR_PEER_CLOSED,
		  zx_channel_read(self->h1, 0, &rd, NULL, sizeof(rd), 0, &ab, &ah));
}

/* Which error wins when several apply (spec steps 1-7 in order). */
TEST_F(call, error_precedence)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab, ah;
	zx_handle_t ev = zxt_event(_metadata), nw, c0, c1;
	zx_handle_t hs[ZXT_MAX_MSG_HANDLES + 1];
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	memset(hs, 0, sizeof(hs));
	/* 2 (options) before 3 (lookup) */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_call(ev, 1, zxt_long_deadline(), &a, &ab, &ah));
	/* 3 (type) before 4/5 (message) */
	a.wr_num_bytes = 2;
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_call(ev, 0, zxt_long_deadline(), &a, &ab, &ah));
	/* 3 (rights) before 5 */
	zxt_channel(_metadata, &c0, &c1);
	nw = zxt_replace(_metadata, c0, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WRITE);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_call(nw, 0, zxt_long_deadline(), &a, &ab, &ah));
	/* 4 (too many handles) before 5 (too short) */
	a.wr_handles = hs;
	a.wr_num_handles = ZXT_MAX_MSG_HANDLES + 1;
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	/* 5 (too short) before 6 (handles) */
	hs[0] = (zx_handle_t)zxt_closed_fd();
	a.wr_num_handles = 1;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah));
	/* 6 (handles) before 7 (peer closed) */
	ASSERT_EQ(ZX_OK, zx_handle_close(c1));
	zx_handle_t c2, c3;

	zxt_channel(_metadata, &c2, &c3);
	ASSERT_EQ(ZX_OK, zx_handle_close(c3));
	a.wr_num_bytes = sizeof(m);
	hs[0] = (zx_handle_t)zxt_closed_fd();
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_call(c2, 0, zxt_long_deadline(), &a, &ab, &ah));
	a.wr_num_handles = 0;
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_call(c2, 0, zxt_long_deadline(), &a, &ab, &ah));
	ASSERT_NOTHING_QUEUED(self->h1);
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
	EXPECT_EQ(ZX_OK, zx_handle_close(nw));
	EXPECT_EQ(ZX_OK, zx_handle_close(c2));
}

TEST_HARNESS_MAIN
