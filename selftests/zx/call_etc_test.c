// SPDX-License-Identifier: GPL-2.0
/*
 * zx_channel_call_etc: handle dispositions out and handle info back, the
 * dispositions' results on failure, and the paths it shares with
 * zx_channel_call (request errors, deadlines).
 */
#include "zx_call_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

/* h0: the client end, h1: the server end */
ZXT_CHANNEL_FIXTURE(call)

/*
 * CallEtcSuccess: dispositions (MOVE with reduced rights, DUPLICATE, MOVE
 * of a channel end) go out as described; the reply's handles come back as
 * zx_handle_info_t with type and rights (and unused = 0); results are not
 * written on success.
 */
TEST_F(call, etc_dispositions_and_handle_info)
{
	zx_handle_t e1 = zxt_event(_metadata), e2 = zxt_event(_metadata), c0, c1;
	zx_handle_t back[3];
	zx_handle_info_t srv[4], rdi[4];
	zx_koid_t k1 = zxt_koid(e1), k2 = zxt_koid(e2), kc;
	uint8_t buf[32], rd[32];
	uint32_t ab = 0, ah = 0, txid;
	struct zxc_msg m = zxc_request(0, 0);
	struct zxc_job j = { 0 };
	const zx_rights_t reduced = ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL;

	zxt_channel(_metadata, &c0, &c1);
	kc = zxt_koid(c0);
	zx_handle_disposition_t d[3] = {
		{ ZX_HANDLE_OP_MOVE, e1, ZX_OBJ_TYPE_EVENT, reduced, 77 },
		{ ZX_HANDLE_OP_DUPLICATE, e2, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SAME_RIGHTS, 78 },
		{ ZX_HANDLE_OP_MOVE, c0, ZX_OBJ_TYPE_CHANNEL, ZX_RIGHT_SAME_RIGHTS, 79 },
	};

	memset(rdi, 0xff, sizeof(rdi));
	j.h = self->h0;
	j.op = ZXC_CALL_ETC;
	j.ea = (zx_channel_call_etc_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .wr_handles = d, .wr_num_handles = 3,
					     .rd_bytes = rd, .rd_num_bytes = sizeof(rd),
					     .rd_handles = rdi, .rd_num_handles = 4 };
	zxc_job_start(_metadata, &j);
	ASSERT_TRUE(zxc_wait_signal(self->h1, R, ZXC_BOUND_MS));
	/* MOVEd handles are gone, the DUPLICATE source stays */
	EXPECT_FALSE(zxt_handle_valid(e1));
	EXPECT_FALSE(zxt_handle_valid(c0));
	EXPECT_TRUE(zxt_handle_valid(e2));

	memset(srv, 0xff, sizeof(srv));
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, buf, srv, sizeof(buf), 4, &ab, &ah));
	ASSERT_EQ(sizeof(m), ab);
	ASSERT_EQ(3u, ah);
	txid = zxc_txid_of(buf);
	EXPECT_TRUE(zxc_is_call_txid(txid));
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, srv[0].type);
	EXPECT_EQ(reduced, srv[0].rights);
	EXPECT_EQ(k1, zxt_koid(srv[0].handle));
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, srv[1].type);
	EXPECT_EQ(ZX_RIGHTS_BASIC | ZX_RIGHT_SIGNAL, srv[1].rights);
	EXPECT_EQ(k2, zxt_koid(srv[1].handle));
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, srv[2].type);
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, srv[2].rights);
	EXPECT_EQ(kc, zxt_koid(srv[2].handle));
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(0u, srv[i].unused);
		back[i] = srv[i].handle;
	}
	/* reply with the handles, the event duplicate with fewer rights */
	zx_handle_disposition_t rep[3] = {
		{ ZX_HANDLE_OP_MOVE, back[0], 0, ZX_RIGHT_SAME_RIGHTS, 0 },
		{ ZX_HANDLE_OP_MOVE, back[1], 0, ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT, 0 },
		{ ZX_HANDLE_OP_MOVE, back[2], 0, ZX_RIGHT_SAME_RIGHTS, 0 },
	};

	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h1, 0, buf, 12, rep, 3));
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(12u, j.ab);
	EXPECT_EQ(3u, j.ah);
	EXPECT_EQ(txid, zxc_txid_of(rd));
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, rdi[0].type);
	EXPECT_EQ(reduced, rdi[0].rights);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, rdi[1].type);
	EXPECT_EQ(ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT, rdi[1].rights);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, rdi[2].type);
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, rdi[2].rights);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(0u, rdi[i].unused);
		EXPECT_EQ(rdi[i].rights, zxt_rights(_metadata, rdi[i].handle));
	}
	EXPECT_EQ(k1, zxt_koid(rdi[0].handle));
	EXPECT_EQ(k2, zxt_koid(rdi[1].handle));
	EXPECT_EQ(kc, zxt_koid(rdi[2].handle));
	/* the fourth slot was not written */
	EXPECT_EQ(0xffffffffu, rdi[3].handle);
	/* results are only written on failure */
	EXPECT_EQ(77, d[0].result);
	EXPECT_EQ(78, d[1].result);
	EXPECT_EQ(79, d[2].result);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(ZX_OK, zx_handle_close(rdi[i].handle));
	}
	EXPECT_EQ(ZX_OK, zx_handle_close(e2));
	EXPECT_EQ(ZX_OK, zx_handle_close(c1));
}

/*
 * Disposition errors (WriteEtcFirstErrorLatchedAndReturned and friends,
 * via call_etc): the first error is returned, every failing entry gets its
 * result, passing entries keep the caller's value, MOVE entries are
 * consumed, DUPLICATE sources stay, nothing is sent.
 */
TEST_F(call, etc_disposition_errors)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab, ah;
	zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zx_handle_disposition_t d[4];
	zx_handle_t ok, nt, nd;

	/* [ok, no TRANSFER, bogus]: ACCESS_DENIED; results OK / ACCESS_DENIED / BAD_HANDLE */
	ok = zxt_event(_metadata);
	nt = zxt_replace(_metadata, zxt_event(_metadata), ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL);
	d[0] = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, ok, 0, ZX_RIGHT_SAME_RIGHTS, ZX_OK };
	d[1] = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, nt, 0, ZX_RIGHT_SAME_RIGHTS, ZX_OK };
	d[2] = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, (zx_handle_t)zxt_closed_fd(), 0,
					  ZX_RIGHT_SAME_RIGHTS, ZX_OK };
	ea.wr_handles = d;
	ea.wr_num_handles = 3;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_EQ(ZX_OK, d[0].result);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, d[1].result);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, d[2].result);
	EXPECT_FALSE(zxt_handle_valid(ok));
	EXPECT_FALSE(zxt_handle_valid(nt));

	/* wrong type: WRONG_TYPE, consumed */
	ok = zxt_event(_metadata);
	d[0] = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, ok, ZX_OBJ_TYPE_CHANNEL,
					  ZX_RIGHT_SAME_RIGHTS, 5 };
	ea.wr_num_handles = 1;
	EXPECT_EQ(ZX_ERR_WRONG_TYPE,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_EQ(ZX_ERR_WRONG_TYPE, d[0].result);
	EXPECT_FALSE(zxt_handle_valid(ok));

	/* unknown operation: INVALID_ARGS, consumed like a MOVE */
	ok = zxt_event(_metadata);
	d[0] = (zx_handle_disposition_t){ 9999, ok, 0, ZX_RIGHT_SAME_RIGHTS, 5 };
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, d[0].result);
	EXPECT_FALSE(zxt_handle_valid(ok));

	/* more rights than the source has: INVALID_ARGS, consumed */
	ok = zxt_replace(_metadata, zxt_event(_metadata), ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
	d[0] = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, ok, 0,
					  ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL, 5 };
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, d[0].result);
	EXPECT_FALSE(zxt_handle_valid(ok));

	/* DUPLICATE without the DUPLICATE right: ACCESS_DENIED, source stays */
	nd = zxt_replace(_metadata, zxt_event(_metadata), ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT);
	d[0] = (zx_handle_disposition_t){ ZX_HANDLE_OP_DUPLICATE, nd, 0, ZX_RIGHT_SAME_RIGHTS, 5 };
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, d[0].result);
	EXPECT_TRUE(zxt_handle_valid(nd));

	/* [failing DUPLICATE, good MOVE, good DUPLICATE]: MOVE consumed, sources stay */
	ok = zxt_event(_metadata);
	zx_handle_t dup_src = zxt_event(_metadata);

	d[0] = (zx_handle_disposition_t){ ZX_HANDLE_OP_DUPLICATE, nd, 0, ZX_RIGHT_SAME_RIGHTS, 5 };
	d[1] = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, ok, 0, ZX_RIGHT_SAME_RIGHTS, 6 };
	d[2] = (zx_handle_disposition_t){ ZX_HANDLE_OP_DUPLICATE, dup_src, 0,
					  ZX_RIGHT_SAME_RIGHTS, 7 };
	ea.wr_num_handles = 3;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, d[0].result);
	EXPECT_EQ(6, d[1].result);
	EXPECT_EQ(7, d[2].result);
	EXPECT_TRUE(zxt_handle_valid(nd));
	EXPECT_FALSE(zxt_handle_valid(ok));
	EXPECT_TRUE(zxt_handle_valid(dup_src));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* the calling endpoint, DUPLICATE: NOT_SUPPORTED, it stays */
	d[0] = (zx_handle_disposition_t){ ZX_HANDLE_OP_DUPLICATE, self->h0, 0,
					  ZX_RIGHT_SAME_RIGHTS, 5 };
	ea.wr_num_handles = 1;
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, d[0].result);
	EXPECT_TRUE(zxt_handle_valid(self->h0));
	EXPECT_EQ(W, SIGNALS(self->h1));
	/* ... MOVE: NOT_SUPPORTED, and it is consumed */
	d[0] = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, self->h0, 0, ZX_RIGHT_SAME_RIGHTS, 5 };
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED, d[0].result);
	EXPECT_FALSE(zxt_handle_valid(self->h0));
	self->h0 = 0;
	EXPECT_EQ(PC, SIGNALS(self->h1));
	EXPECT_EQ(ZX_OK, zx_handle_close(nd));
	EXPECT_EQ(ZX_OK, zx_handle_close(dup_src));
}

/* call_etc: a read-only dispositions array cannot take the results back. */
TEST_F(call, etc_results_write_back_fault)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab, ah;
	zx_handle_disposition_t *ro = zxt_readonly_page();
	zx_handle_t nt = zxt_replace(_metadata, zxt_event(_metadata), ZX_RIGHT_WAIT);
	zx_handle_disposition_t *rw;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)ro);
	/* build it writable, then make it read-only */
	rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)rw);
	rw[0] = (zx_handle_disposition_t){ ZX_HANDLE_OP_MOVE, nt, 0, ZX_RIGHT_SAME_RIGHTS, 0 };
	ASSERT_EQ(0, mprotect(rw, 4096, PROT_READ));
	zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					  .wr_handles = rw, .wr_num_handles = 1,
					  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(nt));
	ASSERT_NOTHING_QUEUED(self->h1);
	munmap(rw, 4096);
}

/* call_etc: short request, options, rights, peer closed. */
TEST_F(call, etc_request_errors)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab, ah;
	zx_handle_t mv = zxt_event(_metadata), dup_src = zxt_event(_metadata);
	zx_handle_disposition_t d[2] = {
		{ ZX_HANDLE_OP_MOVE, mv, 0, ZX_RIGHT_SAME_RIGHTS, 0 },
		{ ZX_HANDLE_OP_DUPLICATE, dup_src, 0, ZX_RIGHT_SAME_RIGHTS, 0 },
	};
	zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = 1,
					  .wr_handles = d, .wr_num_handles = 2,
					  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	/* 1 byte: INVALID_ARGS, the MOVE consumed, the DUPLICATE source kept */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(mv));
	EXPECT_TRUE(zxt_handle_valid(dup_src));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* peer closed: PEER_CLOSED, same consumption */
	mv = zxt_event(_metadata);
	d[0].handle = mv;
	ea.wr_num_bytes = sizeof(m);
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	EXPECT_EQ(ZX_ERR_PEER_CLOSED,
		  zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea, &ab, &ah));
	EXPECT_FALSE(zxt_handle_valid(mv));
	EXPECT_TRUE(zxt_handle_valid(dup_src));
	EXPECT_EQ(ZX_OK, zx_handle_close(dup_src));
}

/* call_etc: the deadline / late-reply path works the same. */
TEST_F(call, etc_past_deadline_and_late_reply)
{
	struct zxc_msg m = zxc_request(4, 4), req, rd;
	uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;
	zx_handle_info_t rdi[1];
	zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd),
					  .rd_handles = rdi, .rd_num_handles = 1 };

	ASSERT_EQ(ZX_ERR_TIMED_OUT,
		  zx_channel_call_etc(self->h0, 0, ZX_TIME_INFINITE_PAST, &ea, &ab, &ah));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &req, NULL, sizeof(req), 0, &ab, &ah));
	EXPECT_TRUE(zxc_is_call_txid(req.txid));
	EXPECT_EQ(4u, req.seq);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &req, sizeof(req), NULL, 0));
	EXPECT_EQ(W | R, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, &rd, NULL, sizeof(rd), 0, &ab, &ah));
	EXPECT_EQ(req.txid, rd.txid);
}

TEST_HARNESS_MAIN
