// SPDX-License-Identifier: GPL-2.0
/*
 * zx_channel_write / zx_channel_read with bytes only: ordering, atomicity,
 * limits, iovecs, every argument error and which one wins, peer closure,
 * short buffers and READ_MAY_DISCARD.
 */
#include "zx_test_util.h"

ZXT_CHANNEL_FIXTURE(rw)

static void close_h0(struct __test_metadata *_metadata, FIXTURE_DATA(rw) *self)
{
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
}

/* ---- basic ordering -------------------------------------------------------- */

TEST_F(rw, fifo_order_and_contents)
{
	char buf[256], exp[256];
	uint32_t ab, ah;

	for (uint32_t i = 0; i < 20; i++) {
		zxt_fill(exp, i * 10 + 1, i);
		ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, exp, i * 10 + 1, NULL, 0));
	}
	EXPECT_EQ(ZX_CHANNEL_WRITABLE | ZX_CHANNEL_READABLE, SIGNALS(self->h1));
	/* the writer's own side is unaffected */
	EXPECT_EQ(ZX_CHANNEL_WRITABLE, SIGNALS(self->h0));
	ASSERT_EQ(ZX_ERR_SHOULD_WAIT,
		  zx_channel_read(self->h0, 0, buf, NULL, sizeof(buf), 0, &ab, &ah));

	for (uint32_t i = 0; i < 20; i++) {
		ab = ah = 0xffffffff;
		ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, buf, NULL, sizeof(buf), 0,
						 &ab, &ah));
		ASSERT_EQ(i * 10 + 1, ab);
		ASSERT_EQ(0u, ah);
		zxt_fill(exp, i * 10 + 1, i);
		ASSERT_EQ(0, memcmp(buf, exp, ab));
	}
	ASSERT_NOTHING_QUEUED(self->h1);
	EXPECT_EQ(ZX_CHANNEL_WRITABLE, SIGNALS(self->h1));
}

TEST_F(rw, both_directions_independent)
{
	uint32_t v = 0;

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h1, 2));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 3));
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(2u, v);
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h1, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(1u, v);
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h1, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(3u, v);
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, zero_byte_message)
{
	uint32_t ab = 0xffffffff, ah = 0xffffffff;

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(ZX_CHANNEL_WRITABLE | ZX_CHANNEL_READABLE, SIGNALS(self->h1));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, NULL, 0, 0, &ab, &ah));
	EXPECT_EQ(0u, ab);
	EXPECT_EQ(0u, ah);
	ASSERT_NOTHING_QUEUED(self->h1);

	/* a non-NULL bytes pointer with 0 bytes is fine too, both ways */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, &ab, 0, NULL, 0));
	ab = 0xffffffff;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &ah, NULL, sizeof(ah), 0, &ab, NULL));
	EXPECT_EQ(0u, ab);
}

TEST_F(rw, max_message_size)
{
	char *out = malloc(ZXT_MAX_MSG_BYTES + 1);
	char *in = malloc(ZXT_MAX_MSG_BYTES + 16);
	uint32_t ab = 0, ah = 0;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)out);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)in);
	zxt_fill(out, ZXT_MAX_MSG_BYTES + 1, 7);

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, ZX_CHANNEL_MAX_MSG_BYTES, NULL, 0));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, ZXT_MAX_MSG_BYTES + 16, 0,
					 &ab, &ah));
	ASSERT_EQ(ZXT_MAX_MSG_BYTES, ab);
	ASSERT_EQ(0u, ah);
	ASSERT_EQ(0, memcmp(in, out, ZXT_MAX_MSG_BYTES));

	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, 0, out, ZX_CHANNEL_MAX_MSG_BYTES + 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, 0, out, 0x80000000u, NULL, 0));
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, 0, out, 0xffffffffu, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
	free(out);
	free(in);
}

TEST_F(rw, too_many_handles_out_of_range)
{
	zx_handle_t handles[ZXT_MAX_MSG_HANDLES + 1];
	char b = 'x';

	/*
	 * Values 0 (ZX_HANDLE_INVALID): the count is checked before any
	 * entry is looked at.
	 */
	memset(handles, 0, sizeof(handles));
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, 0, &b, 1, handles, ZXT_MAX_MSG_HANDLES + 1));
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, 0, NULL, 0, handles, ZXT_MAX_MSG_HANDLES + 1));
	ASSERT_NOTHING_QUEUED(self->h1);
	/* the channel still works */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_CHANNEL_WRITABLE | ZX_CHANNEL_READABLE, SIGNALS(self->h1));
}

/* ---- write argument errors --------------------------------------------------- */

TEST_F(rw, write_null_bytes_nonzero_size)
{
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, 0, NULL, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, 0, NULL, 100, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, write_bad_bytes_pointer_queues_nothing)
{
	void *bad = zxt_bad_ptr();
	char *edge = zxt_edge_buffer(100);

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)bad);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, 0, bad, 4, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, 0, bad, 100, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, 0, bad, ZX_CHANNEL_MAX_MSG_BYTES, NULL, 0));
	/* first 100 bytes readable, the rest not: all or nothing */
	memset(edge, 'e', 100);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, 0, edge, 101, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, 0, edge, 5000, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
	/* exactly the readable part is fine */
	EXPECT_EQ(ZX_OK, zx_channel_write(self->h0, 0, edge, 100, NULL, 0));
	EXPECT_EQ(ZX_CHANNEL_WRITABLE | ZX_CHANNEL_READABLE, SIGNALS(self->h1));
}

TEST_F(rw, write_invalid_options)
{
	static const uint32_t bad[] = { ZX_CHANNEL_READ_MAY_DISCARD, 4, 8, 0x80000000u,
					0xffffffffu, ZX_CHANNEL_WRITE_USE_IOVEC | 1 };
	char b = 'x';

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h0, bad[i], &b, 1, NULL, 0)) {
			TH_LOG("options %#x", bad[i]);
		}
	}
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* Spec step order: options, then handle lookup, then the message. */
TEST_F(rw, write_error_precedence)
{
	char *big = calloc(1, ZXT_MAX_MSG_BYTES + 1);
	zx_handle_t ev = 0, ro;
	int devnull = zxt_foreign_fd();
	char b = 'x';

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)big);
	ASSERT_GE(devnull, 0);
	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	ro = zxt_replace(_metadata, self->h0, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WRITE);
	self->h0 = ro;

	/* invalid options win over everything */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(ev, 4, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(ro, 4, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write((zx_handle_t)devnull, 4, &b, 1, NULL, 0));
	/* then the handle: wrong type, missing right */
	EXPECT_EQ(ZX_ERR_WRONG_TYPE,
		  zx_channel_write(ev, 0, big, ZX_CHANNEL_MAX_MSG_BYTES + 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_write(ev, 0, NULL, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_write(ro, 0, big, ZX_CHANNEL_MAX_MSG_BYTES + 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(ro, 0, NULL, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_write((zx_handle_t)devnull, 0, big, ZX_CHANNEL_MAX_MSG_BYTES + 1,
				   NULL, 0));
	/* then size before contents */
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h1, 0, NULL, ZX_CHANNEL_MAX_MSG_BYTES + 1, NULL, 0));

	ASSERT_NOTHING_QUEUED(self->h1);
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
	close(devnull);
	free(big);
}

TEST_F(rw, write_without_write_right)
{
	zx_handle_t w = zxt_replace(_metadata, self->h0,
				    ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WRITE);
	char b = 'x';

	self->h0 = w;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(w, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(w, 0, NULL, 0, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
	/* the other rights still work: it can read */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_OK, zx_channel_read(w, 0, &b, NULL, 1, 0, NULL, NULL));
}

/* ---- iovecs ------------------------------------------------------------------ */

TEST_F(rw, iovec_concatenates_20_entries)
{
	zx_channel_iovec_t iov[20];
	char src[20][64], exp[20 * 64], in[20 * 64];
	uint32_t total = 0, ab = 0;

	for (uint32_t i = 0; i < 20; i++) {
		uint32_t len = (i * 7) % 64;	/* includes 0-sized pieces */

		zxt_fill(src[i], sizeof(src[i]), 100 + i);
		iov[i].buffer = src[i];
		iov[i].capacity = len;
		iov[i].reserved = 0;
		memcpy(exp + total, src[i], len);
		total += len;
	}
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 20, NULL, 0));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, &ab, NULL));
	ASSERT_EQ(total, ab);
	EXPECT_EQ(0, memcmp(exp, in, total));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, iovec_null_buffer_zero_capacity_ok)
{
	zx_channel_iovec_t iov[3] = {
		{ .buffer = NULL, .capacity = 0, .reserved = 0 },
		{ .buffer = "abc", .capacity = 3, .reserved = 0 },
		{ .buffer = NULL, .capacity = 0, .reserved = 0 },
	};
	char in[8];
	uint32_t ab = 0;

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 3, NULL, 0));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, &ab, NULL));
	ASSERT_EQ(3u, ab);
	EXPECT_EQ(0, memcmp(in, "abc", 3));

	/* zero entries: an empty message */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, NULL, 0, NULL, 0));
	ab = 0xffff;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, &ab, NULL));
	EXPECT_EQ(0u, ab);
}

TEST_F(rw, iovec_reserved_nonzero_invalid)
{
	zx_channel_iovec_t iov[2] = {
		{ .buffer = "abc", .capacity = 3, .reserved = 0 },
		{ .buffer = "def", .capacity = 3, .reserved = 1 },
	};

	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 2, NULL, 0));
	iov[1].reserved = 0x80000000u;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 2, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, iovec_count_limit)
{
	zx_channel_iovec_t *iov = calloc(ZXT_MAX_MSG_IOVECS + 1, sizeof(*iov));
	char *data = malloc(ZXT_MAX_MSG_BYTES);
	char *in = malloc(ZXT_MAX_MSG_BYTES);
	uint32_t ab = 0;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)iov);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)data);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)in);
	zxt_fill(data, ZXT_MAX_MSG_BYTES, 3);

	/* 8193 empty entries: too many */
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov,
				   ZXT_MAX_MSG_IOVECS + 1, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* 8192 entries of 8 bytes: exactly the maximum message */
	for (uint32_t i = 0; i < ZXT_MAX_MSG_IOVECS; i++) {
		iov[i].buffer = data + 8 * i;
		iov[i].capacity = 8;
	}
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov,
					  ZXT_MAX_MSG_IOVECS, NULL, 0));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, ZXT_MAX_MSG_BYTES, 0, &ab, NULL));
	ASSERT_EQ(ZXT_MAX_MSG_BYTES, ab);
	EXPECT_EQ(0, memcmp(in, data, ZXT_MAX_MSG_BYTES));

	/* one byte more than the maximum in total */
	iov[0].capacity = 9;
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov,
				   ZXT_MAX_MSG_IOVECS, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
	free(iov);
	free(data);
	free(in);
}

TEST_F(rw, iovec_capacity_sum_does_not_wrap)
{
	static char buf[16];
	zx_channel_iovec_t iov[2] = {
		{ .buffer = buf, .capacity = 0x80000000u, .reserved = 0 },
		{ .buffer = buf, .capacity = 0x80000000u, .reserved = 0 },
	};
	zx_channel_iovec_t iov3[3] = {
		{ .buffer = buf, .capacity = 0xffffffffu, .reserved = 0 },
		{ .buffer = buf, .capacity = 1, .reserved = 0 },
		{ .buffer = buf, .capacity = 1, .reserved = 0 },
	};

	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 2, NULL, 0));
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov3, 3, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, iovec_bad_array_pointer)
{
	void *bad = zxt_bad_ptr();
	zx_channel_iovec_t *edge = zxt_edge_buffer(2 * sizeof(zx_channel_iovec_t));

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)bad);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, bad, 4, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, bad, 20, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, NULL, 1, NULL, 0));
	/* two readable entries, the third one is in the PROT_NONE page */
	edge[0] = (zx_channel_iovec_t){ .buffer = "ab", .capacity = 2, .reserved = 0 };
	edge[1] = (zx_channel_iovec_t){ .buffer = "cd", .capacity = 2, .reserved = 0 };
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, edge, 3, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
	EXPECT_EQ(ZX_OK, zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, edge, 2, NULL, 0));
}

TEST_F(rw, iovec_bad_buffer_queues_nothing)
{
	zx_channel_iovec_t iov[3] = {
		{ .buffer = "abc", .capacity = 3, .reserved = 0 },
		{ .buffer = zxt_bad_ptr(), .capacity = 3, .reserved = 0 },
		{ .buffer = "def", .capacity = 3, .reserved = 0 },
	};

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)iov[1].buffer);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 3, NULL, 0));
	iov[1].buffer = NULL;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_write(self->h0, ZX_CHANNEL_WRITE_USE_IOVEC, iov, 3, NULL, 0));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* ---- read: empty queue, peer closed ------------------------------------------ */

TEST_F(rw, read_empty_should_wait)
{
	char buf[8];
	uint32_t ab = 0xffffffff, ah = 0xffffffff;

	EXPECT_EQ(ZX_ERR_SHOULD_WAIT,
		  zx_channel_read(self->h1, 0, buf, NULL, sizeof(buf), 0, &ab, &ah));
	EXPECT_EQ(ZX_ERR_SHOULD_WAIT, zx_channel_read(self->h1, 0, NULL, NULL, 0, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_SHOULD_WAIT,
		  zx_channel_read(self->h1, ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 0, 0, NULL,
				  NULL));
	EXPECT_EQ(ZX_ERR_SHOULD_WAIT,
		  zx_channel_read(self->h0, 0, buf, NULL, sizeof(buf), 0, &ab, &ah));
}

TEST_F(rw, read_empty_peer_closed)
{
	char buf[8];

	close_h0(_metadata, self);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(ZX_ERR_PEER_CLOSED,
			  zx_channel_read(self->h1, 0, buf, NULL, sizeof(buf), 0, NULL, NULL));
	}
	EXPECT_EQ(ZX_CHANNEL_PEER_CLOSED, SIGNALS(self->h1));
}

TEST_F(rw, queued_messages_survive_peer_close)
{
	uint32_t v;

	for (uint32_t i = 0; i < 4; i++) {
		ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1000 + i));
	}
	close_h0(_metadata, self);
	EXPECT_EQ(ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, SIGNALS(self->h1));
	for (uint32_t i = 0; i < 4; i++) {
		v = 0;
		ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
		EXPECT_EQ(1000 + i, v);
		EXPECT_EQ(i < 3 ? ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED
				: ZX_CHANNEL_PEER_CLOSED,
			  SIGNALS(self->h1));
	}
	EXPECT_EQ(ZX_ERR_PEER_CLOSED,
		  zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
}

TEST_F(rw, write_to_closed_peer)
{
	char b = 'x';
	zx_channel_iovec_t iov = { .buffer = &b, .capacity = 1, .reserved = 0 };

	close_h0(_metadata, self);
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_write(self->h1, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_write(self->h1, 0, NULL, 0, NULL, 0));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED,
		  zx_channel_write(self->h1, ZX_CHANNEL_WRITE_USE_IOVEC, &iov, 1, NULL, 0));
	/* argument errors still come first */
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zx_channel_write(self->h1, 0, &b, ZX_CHANNEL_MAX_MSG_BYTES + 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write(self->h1, 0, NULL, 1, NULL, 0));
}

/* ---- read: short buffers ----------------------------------------------------- */

TEST_F(rw, buffer_too_small_keeps_message)
{
	char out[100], in[100];
	uint32_t ab, ah;

	zxt_fill(out, sizeof(out), 9);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, sizeof(out), NULL, 0));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 77));

	ab = ah = 0xffffffff;
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, 0, in, NULL, 99, 0, &ab, &ah));
	EXPECT_EQ(100u, ab);
	EXPECT_EQ(0u, ah);
	EXPECT_EQ(ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE, SIGNALS(self->h1));

	ab = ah = 0xffffffff;
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, 0, NULL, NULL, 0, 0, &ab, &ah));
	EXPECT_EQ(100u, ab);
	EXPECT_EQ(0u, ah);

	/* without actual pointers */
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, 0, in, NULL, 1, 0, NULL, NULL));

	/* still the head of the queue, intact */
	ab = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, &ab, &ah));
	EXPECT_EQ(100u, ab);
	EXPECT_EQ(0, memcmp(in, out, sizeof(out)));

	/* a 4-byte message and a 3-byte buffer */
	ab = 0;
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL, zx_channel_read(self->h1, 0, in, NULL, 3, 0, &ab, NULL));
	EXPECT_EQ(4u, ab);
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, 4, 0, &ab, NULL));
	EXPECT_EQ(77u, *(uint32_t *)in);
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, may_discard_drops_message)
{
	char out[100], in[100];
	uint32_t ab, ah, v;

	zxt_fill(out, sizeof(out), 11);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, sizeof(out), NULL, 0));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 5));

	ab = ah = 0xffffffff;
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, ZX_CHANNEL_READ_MAY_DISCARD, in, NULL, 50, 0, &ab,
				  &ah));
	EXPECT_EQ(100u, ab);
	EXPECT_EQ(0u, ah);
	/* the 4-byte message remains, so READABLE stays */
	EXPECT_EQ(ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE, SIGNALS(self->h1));
	v = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, &ab, NULL));
	EXPECT_EQ(4u, ab);
	EXPECT_EQ(5u, v);
	ASSERT_NOTHING_QUEUED(self->h1);

	/* discarding the last message clears READABLE */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, sizeof(out), NULL, 0));
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 0, 0, NULL,
				  NULL));
	EXPECT_EQ(ZX_CHANNEL_WRITABLE, SIGNALS(self->h1));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* with a large enough buffer MAY_DISCARD is an ordinary read */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, sizeof(out), NULL, 0));
	ab = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, ZX_CHANNEL_READ_MAY_DISCARD, in, NULL,
					 sizeof(in), 0, &ab, NULL));
	EXPECT_EQ(100u, ab);
	EXPECT_EQ(0, memcmp(in, out, sizeof(out)));
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, may_discard_after_peer_closed)
{
	char out[32];

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, sizeof(out), NULL, 0));
	close_h0(_metadata, self);
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, ZX_CHANNEL_READ_MAY_DISCARD, out, NULL, 1, 0, NULL,
				  NULL));
	EXPECT_EQ(ZX_CHANNEL_PEER_CLOSED, SIGNALS(self->h1));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED,
		  zx_channel_read(self->h1, 0, out, NULL, sizeof(out), 0, NULL, NULL));
}

/* ---- read argument errors ------------------------------------------------------ */

TEST_F(rw, read_unknown_options_not_supported)
{
	static const uint32_t bad[] = { ZX_CHANNEL_WRITE_USE_IOVEC, 4, 0x80000000u, 0xffffffffu,
					ZX_CHANNEL_READ_MAY_DISCARD | 2 };
	char out[16], in[16];
	uint32_t ab;

	zxt_fill(out, sizeof(out), 1);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, sizeof(out), NULL, 0));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(ZX_ERR_NOT_SUPPORTED,
			  zx_channel_read(self->h1, bad[i], in, NULL, sizeof(in), 0, NULL, NULL)) {
			TH_LOG("options %#x", bad[i]);
		}
	}
	/* the message was not consumed by any of them */
	ab = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, &ab, NULL));
	EXPECT_EQ(sizeof(out), ab);
	EXPECT_EQ(0, memcmp(in, out, sizeof(out)));
	/* on an empty queue too: options are checked before the queue state */
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED,
		  zx_channel_read(self->h1, 2, in, NULL, sizeof(in), 0, NULL, NULL));
}

TEST_F(rw, read_error_precedence)
{
	zx_handle_t ev = 0, nr;
	int devnull = zxt_foreign_fd();
	char in[8];

	ASSERT_GE(devnull, 0);
	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	nr = zxt_replace(_metadata, self->h1, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_READ);
	self->h1 = nr;

	/* lookup comes before options */
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_read((zx_handle_t)devnull, 2, in, NULL, 8, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_read(ev, 2, in, NULL, 8, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_read(nr, 2, in, NULL, 8, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_read(nr, 0, in, NULL, 8, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_read(nr, 0, NULL, NULL, 0, 0, NULL, NULL));
	/* the message is still there */
	EXPECT_EQ(ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE, SIGNALS(nr));

	/* options come before the (empty) queue state */
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, zx_channel_read(self->h0, 2, in, NULL, 8, 0, NULL, NULL));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
	close(devnull);
}

TEST_F(rw, read_null_actual_pointers_ok)
{
	char in[8];

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 42));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, NULL, NULL));
	EXPECT_EQ(42u, *(uint32_t *)in);
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, read_bad_actual_pointers_lose_message)
{
	uint32_t *bad = zxt_bad_ptr();
	uint32_t *ro = zxt_readonly_page();
	uint32_t ab;
	char in[8];

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)bad);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)ro);

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, bad, NULL));
	ASSERT_NOTHING_QUEUED(self->h1);

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 2));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, NULL, bad));
	ASSERT_NOTHING_QUEUED(self->h1);

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 3));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, ro, NULL));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* only that message is lost: the next one is intact */
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 4));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 5));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, &ab, bad));
	ab = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, sizeof(in), 0, &ab, NULL));
	EXPECT_EQ(4u, ab);
	EXPECT_EQ(5u, *(uint32_t *)in);
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F(rw, read_bad_bytes_buffer_loses_message)
{
	char *bad = zxt_bad_ptr();
	char *ro = zxt_readonly_page();
	char *edge = zxt_edge_buffer(10);
	char out[20];
	uint32_t ab;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)bad);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)ro);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	zxt_fill(out, sizeof(out), 2);

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, 10, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_read(self->h1, 0, bad, NULL, 10, 0, NULL, NULL));
	ASSERT_NOTHING_QUEUED(self->h1);

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, 10, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_read(self->h1, 0, NULL, NULL, 10, 0, NULL, NULL));
	ASSERT_NOTHING_QUEUED(self->h1);

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, 10, NULL, 0));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_read(self->h1, 0, ro, NULL, 10, 0, NULL, NULL));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* a 20-byte buffer of which only 10 bytes are writable, 20-byte message */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, 20, NULL, 0));
	ab = 0xffffffff;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_read(self->h1, 0, edge, NULL, 20, 0, &ab, NULL));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* but a message that fits the writable part is fine */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, 10, NULL, 0));
	ab = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, edge, NULL, 20, 0, &ab, NULL));
	EXPECT_EQ(10u, ab);
	EXPECT_EQ(0, memcmp(edge, out, 10));

	/* a bad buffer does not matter for a message that is too large */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, 20, NULL, 0));
	ab = 0;
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(self->h1, 0, bad, NULL, 10, 0, &ab, NULL));
	EXPECT_EQ(20u, ab);
	EXPECT_EQ(ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE, SIGNALS(self->h1));
}

/* ---- objects and handles ---------------------------------------------------- */

TEST_F(rw, wrong_object_type)
{
	zx_handle_t ev = 0;
	char b = 'x';

	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_write(ev, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, zx_channel_read(ev, 0, &b, NULL, 1, 0, NULL, NULL));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

TEST_F(rw, bad_handles)
{
	int devnull = zxt_foreign_fd();
	int pfd[2];
	char b = 'x';

	ASSERT_GE(devnull, 0);
	ASSERT_EQ(0, pipe(pfd));

	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write((zx_handle_t)devnull, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_read((zx_handle_t)devnull, 0, &b, NULL, 1, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write((zx_handle_t)pfd[1], 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_read((zx_handle_t)pfd[0], 0, &b, NULL, 1, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write(ZX_HANDLE_INVALID, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_read(ZX_HANDLE_INVALID, 0, &b, NULL, 1, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_write((zx_handle_t)zxt_closed_fd(), 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_channel_read((zx_handle_t)zxt_closed_fd(), 0, &b, NULL, 1, 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write(0xfffffff0u, 0, &b, 1, NULL, 0));
	/* the foreign fds were not touched: the pipe still works */
	EXPECT_EQ(1, write(pfd[1], "p", 1));
	EXPECT_EQ(1, read(pfd[0], &b, 1));
	EXPECT_EQ('p', b);
	ASSERT_NOTHING_QUEUED(self->h1);
	close(devnull);
	close(pfd[0]);
	close(pfd[1]);
}

TEST_F(rw, closed_handle_is_bad)
{
	zx_handle_t h0 = self->h0;
	char b = 'x';

	close_h0(_metadata, self);
	/* nothing else has been opened since, so the number is still free */
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_write(h0, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_channel_read(h0, 0, &b, NULL, 1, 0, NULL, NULL));
}

/* ---- random round trips ------------------------------------------------------- */

TEST_F(rw, random_sizes_round_trip)
{
	char *out = malloc(ZXT_MAX_MSG_BYTES);
	char *in = malloc(ZXT_MAX_MSG_BYTES);
	uint32_t seed = 0x2545F491u;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)out);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)in);
	for (uint32_t i = 0; i < 300; i++) {
		uint32_t size, ab = 0xffffffff, ah = 0xffffffff;

		seed = seed * 1664525u + 1013904223u;
		/* mostly small messages, some up to the maximum */
		size = (i % 10 == 0) ? (seed >> 8) % (ZXT_MAX_MSG_BYTES + 1)
				     : (seed >> 8) % 1024;
		if (i == 1)
			size = ZXT_MAX_MSG_BYTES;
		zxt_fill(out, size, i);
		ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, out, size, NULL, 0));
		/* sometimes two messages in flight */
		if (i % 3 == 0) {
			ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, out, size, NULL, 0));
			ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, in, NULL, ZXT_MAX_MSG_BYTES,
							 0, &ab, &ah));
			ASSERT_EQ(size, ab);
			ASSERT_EQ(0, memcmp(in, out, size));
		}
		ab = ah = 0xffffffff;
		ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, in, NULL, ZXT_MAX_MSG_BYTES, 0,
						 &ab, &ah));
		ASSERT_EQ(size, ab);
		ASSERT_EQ(0u, ah);
		ASSERT_EQ(0, memcmp(in, out, size)) {
			TH_LOG("round %u size %u", i, size);
		}
	}
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_NOTHING_QUEUED(self->h1);
	free(out);
	free(in);
}

TEST_HARNESS_MAIN
