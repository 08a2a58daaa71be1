// SPDX-License-Identifier: GPL-2.0
/*
 * A reply zx_channel_call(_etc) cannot hand over is lost: too big for the
 * caller's buffers (BUFFER_TOO_SMALL), or bad output pointers
 * (INVALID_ARGS).  It is not queued, its handles are closed, and the
 * channel goes on working (spec 4.7).
 */
#include "zx_call_util.h"

#define PC	ZX_CHANNEL_PEER_CLOSED

/*
 * CallResponseBiggerThanRdNumBytes / RdNumHandles (spec 4.7): the reply is
 * consumed and destroyed (its handles closed), BUFFER_TOO_SMALL, and
 * actual_* are not written.
 */
ZXT_CHANNEL_FIXTURE(reply)

FIXTURE_VARIANT(reply) {
	uint32_t reply_bytes, reply_handles;	/* what the server writes */
	uint32_t rd_bytes, rd_handles;		/* the room the caller has */
	enum zxc_op op;				/* ZXC_CALL or ZXC_CALL_ETC */
};

FIXTURE_VARIANT_ADD(reply, bytes_too_big) {
	.reply_bytes = 100, .reply_handles = 1, .rd_bytes = 99, .rd_handles = 1,
	.op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(reply, bytes_too_big_handles_fit) {
	.reply_bytes = 17, .reply_handles = 2, .rd_bytes = 16, .rd_handles = 4,
	.op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(reply, handles_too_many) {
	.reply_bytes = 16, .reply_handles = 2, .rd_bytes = 256, .rd_handles = 1,
	.op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(reply, handles_none_allowed) {
	.reply_bytes = 16, .reply_handles = 1, .rd_bytes = 256, .rd_handles = 0,
	.op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(reply, etc_bytes_too_big) {
	.reply_bytes = 64, .reply_handles = 1, .rd_bytes = 63, .rd_handles = 1,
	.op = ZXC_CALL_ETC,
};
FIXTURE_VARIANT_ADD(reply, etc_handles_too_many) {
	.reply_bytes = 16, .reply_handles = 3, .rd_bytes = 16, .rd_handles = 2,
	.op = ZXC_CALL_ETC,
};

TEST_F(reply, too_big_is_destroyed)
{
	zx_handle_t rh[4], c1[4], rdh[4] = { 0 };
	zx_handle_info_t rdi[4];
	uint8_t req[32], rd[256], reply[256];
	struct zxc_msg m = zxc_request(0, 0);
	struct zxc_job j = { 0 };
	uint32_t txid;

	ASSERT_LE(variant->reply_handles, 4u);
	for (uint32_t i = 0; i < variant->reply_handles; i++)
		zxt_channel(_metadata, &rh[i], &c1[i]);
	j.h = self->h0;
	j.op = variant->op;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = rd, .rd_num_bytes = variant->rd_bytes,
					.rd_handles = rdh, .rd_num_handles = variant->rd_handles };
	j.ea = (zx_channel_call_etc_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .rd_bytes = rd, .rd_num_bytes = variant->rd_bytes,
					     .rd_handles = rdi,
					     .rd_num_handles = variant->rd_handles };
	zxc_job_start(_metadata, &j);
	txid = zxc_recv_req(_metadata, self->h1, req, sizeof(req), NULL, NULL, 0, NULL);
	zxt_fill(reply, sizeof(reply), 5);
	memcpy(reply, &txid, 4);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, reply, variant->reply_bytes, rh,
					  variant->reply_handles));
	zxc_job_finish(_metadata, &j);
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL, j.st);
	/* unlike zx_channel_read, the sizes are not reported */
	EXPECT_EQ(ZXC_SENTINEL, j.ab);
	EXPECT_EQ(ZXC_SENTINEL, j.ah);
	/* the reply is gone: not queued, its handles closed */
	ASSERT_NOTHING_QUEUED(self->h0);
	for (uint32_t i = 0; i < variant->reply_handles; i++) {
		EXPECT_TRUE(zxc_wait_signal(c1[i], PC, ZXC_BOUND_MS)) {
			TH_LOG("handle %u of the reply was not closed", i);
		}
		EXPECT_EQ(ZX_OK, zx_handle_close(c1[i]));
	}
	/* the channel still works */
	struct zxc_msg r2;
	struct zxc_job j2 = { 0 };

	j2.h = self->h0;
	j2.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					 .rd_bytes = &r2, .rd_num_bytes = sizeof(r2) };
	zxc_job_start(_metadata, &j2);
	zxc_serve_one(_metadata, self->h1);
	zxc_job_finish(_metadata, &j2);
	EXPECT_EQ(ZX_OK, j2.st);
}

/*
 * The epilogue's output errors (CallNullptrNumBytes/NumHandles,
 * CallBadReadBuffer/ReadHandles): INVALID_ARGS, and the reply is lost --
 * not queued, its handles closed, no fd leaked.
 */
enum out_err { NULL_AB, NULL_AH, BAD_AB, BAD_RD_BYTES, RO_RD_BYTES, BAD_RD_HANDLES,
	       RO_RD_HANDLES };

ZXT_CHANNEL_FIXTURE(bad_output)

FIXTURE_VARIANT(bad_output) {
	enum out_err what;
	enum zxc_op op;		/* ZXC_CALL or ZXC_CALL_ETC */
};

FIXTURE_VARIANT_ADD(bad_output, null_actual_bytes) {
	.what = NULL_AB, .op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(bad_output, null_actual_handles) {
	.what = NULL_AH, .op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(bad_output, bad_actual_bytes) {
	.what = BAD_AB, .op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(bad_output, bad_rd_bytes) {
	.what = BAD_RD_BYTES, .op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(bad_output, readonly_rd_bytes) {
	.what = RO_RD_BYTES, .op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(bad_output, bad_rd_handles) {
	.what = BAD_RD_HANDLES, .op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(bad_output, readonly_rd_handles) {
	.what = RO_RD_HANDLES, .op = ZXC_CALL,
};
FIXTURE_VARIANT_ADD(bad_output, etc_null_actual_handles) {
	.what = NULL_AH, .op = ZXC_CALL_ETC,
};
FIXTURE_VARIANT_ADD(bad_output, etc_readonly_rd_handles) {
	.what = RO_RD_HANDLES, .op = ZXC_CALL_ETC,
};

TEST_F(bad_output, loses_reply)
{
	zx_handle_t rh, c1, rdh[2] = { 0 };
	zx_handle_info_t rdi[2];
	uint8_t rd[64], req[32], reply[24];
	uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL, txid;
	struct zxc_msg m = zxc_request(0, 0);
	struct zxc_job j = { 0 };
	int fds_before;

	zxt_channel(_metadata, &rh, &c1);
	j.h = self->h0;
	j.op = variant->op;
	j.custom_actual = true;
	j.pab = &ab;
	j.pah = &ah;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
					.rd_handles = rdh, .rd_num_handles = 2 };
	j.ea = (zx_channel_call_etc_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .rd_bytes = rd, .rd_num_bytes = sizeof(rd),
					     .rd_handles = rdi, .rd_num_handles = 2 };
	switch (variant->what) {
	case NULL_AB:
		j.pab = NULL;
		break;
	case NULL_AH:
		j.pah = NULL;
		break;
	case BAD_AB:
		j.pab = zxt_bad_ptr();
		break;
	case BAD_RD_BYTES:
		j.a.rd_bytes = j.ea.rd_bytes = zxt_bad_ptr();
		break;
	case RO_RD_BYTES:
		j.a.rd_bytes = j.ea.rd_bytes = zxt_readonly_page();
		break;
	case BAD_RD_HANDLES:
		j.a.rd_handles = zxt_bad_ptr();
		j.ea.rd_handles = zxt_bad_ptr();
		break;
	case RO_RD_HANDLES:
		j.a.rd_handles = zxt_readonly_page();
		j.ea.rd_handles = zxt_readonly_page();
		break;
	}
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)zxt_bad_ptr());
	fds_before = zxt_count_fds();
	zxc_job_start(_metadata, &j);
	txid = zxc_recv_req(_metadata, self->h1, req, sizeof(req), NULL, NULL, 0, NULL);
	zxt_fill(reply, sizeof(reply), 9);
	memcpy(reply, &txid, 4);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, reply, sizeof(reply), &rh, 1));
	zxc_job_finish(_metadata, &j);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, j.st);
	ASSERT_NOTHING_QUEUED(self->h0);
	/* the reply's handle was closed, not installed or leaked */
	EXPECT_TRUE(zxc_wait_signal(c1, PC, ZXC_BOUND_MS));
	EXPECT_EQ(fds_before - 1, zxt_count_fds());
	EXPECT_EQ(ZX_OK, zx_handle_close(c1));
}

TEST_HARNESS_MAIN
