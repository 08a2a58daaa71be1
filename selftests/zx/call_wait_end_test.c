// SPDX-License-Identifier: GPL-2.0
/*
 * How a waiting zx_channel_call ends without its reply: the peer closes or
 * its process dies (PEER_CLOSED), or the caller's handle is closed, moved
 * or replaced by another thread (CANCELED); closing another alias of the
 * handle does not end it.
 */
#include "zx_call_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

/* h0: the client end, h1: the server end */
ZXT_CHANNEL_FIXTURE(call)

/* CallNotifiedOnPeerClosed: the server end closes while the call waits. */
TEST_F(call, peer_closed_while_waiting)
{
	zx_handle_t c0, c1;
	struct zxc_msg m = zxc_request(0, 0), rd;
	struct zxc_job j = { 0 };

	zxt_channel(_metadata, &c0, &c1);
	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.wr_handles = &c0, .wr_num_handles = 1,
					.rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	ASSERT_TRUE(zxc_wait_signal(self->h1, R, ZXC_BOUND_MS));
	ASSERT_TRUE(zxc_wait_task_syscall(getpid(), j.tid, SYS_ioctl, ZXC_BOUND_MS));
	EXPECT_FALSE(zxc_job_done(&j));
	/* the request (with c0 in it) is never read */
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	zxc_job_finish(_metadata, &j);
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, j.st);
	EXPECT_EQ(ZXC_SENTINEL, j.ab);
	EXPECT_EQ(ZXC_SENTINEL, j.ah);
	/* the unread request was destroyed, closing c0 */
	EXPECT_TRUE(zxc_wait_signal(c1, PC, ZXC_BOUND_MS));
	EXPECT_EQ(PC, SIGNALS(self->h0));
	EXPECT_EQ(ZX_OK, zx_handle_close(c1));
}

/* The server is a process that gets SIGKILLed while the call waits. */
TEST_F(call, peer_process_killed_mid_call)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	struct zxc_job j = { 0 };
	int pfd[2];
	char b = 0;
	pid_t child;

	ASSERT_EQ(0, pipe(pfd));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		struct zxc_msg req;
		uint32_t ab = 0, ah = 0;

		zx_handle_close(self->h0);
		if (zxt_read_handles_blocking(self->h1, &req, sizeof(req), &ab, NULL, 0, &ah,
					      zxt_long_deadline()) != ZX_OK)
			_exit(2);
		/* got the request; never answer it */
		if (write(pfd[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;

	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	ASSERT_EQ(1, read(pfd[0], &b, 1));
	ASSERT_TRUE(zxt_wait_task_state(child, child, "SD", ZXC_BOUND_MS));
	EXPECT_FALSE(zxc_job_done(&j));
	ASSERT_EQ(0, kill(child, SIGKILL));
	EXPECT_EQ(1000 + SIGKILL, zxt_reap(child));
	zxc_job_finish(_metadata, &j);
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, j.st);
	EXPECT_EQ(PC, SIGNALS(self->h0));
	close(pfd[0]);
}

/*
 * The caller's handle is closed by another thread while the call waits:
 * CANCELED (see zxc_cancel_by_close()); the request is still queued.
 */
ZXT_CHANNEL_FIXTURE(handle_closed_by)

FIXTURE_VARIANT(handle_closed_by) {
	bool use_close;		/* close(2) instead of zx_handle_close() */
};

FIXTURE_VARIANT_ADD(handle_closed_by, zx_handle_close) { .use_close = false };
FIXTURE_VARIANT_ADD(handle_closed_by, close) { .use_close = true };

TEST_F(handle_closed_by, cancels)
{
	struct zxc_msg m = zxc_request(0, 0), rd, req;
	struct zxc_job j = { 0 };
	uint32_t ab = 0, ah = 0;

	j.h = self->h0;
	j.deadline = zx_deadline_after(ZX_SEC(60));
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	ASSERT_TRUE(zxc_wait_signal(self->h1, R, ZXC_BOUND_MS));
	ASSERT_TRUE(zxc_wait_task_syscall(getpid(), j.tid, SYS_ioctl, ZXC_BOUND_MS));
	zxc_cancel_by_close(_metadata, &j, &self->h0, variant->use_close, self->h1);
	/* the request is still there to read; a reply has nowhere to go */
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &req, NULL, sizeof(req), 0, &ab, &ah));
	EXPECT_TRUE(zxc_is_call_txid(req.txid));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_write(self->h1, 0, &req, sizeof(req), NULL, 0));
}

/*
 * docs/design.md: a call blocked on fd h ends with CANCELED when h stops
 * naming its handle because another thread moved it into a message or
 * replaced it.  (Zircon's T:internal TransferChannelWithPendingCallInSource-
 * Process instead lets such a call continue; this port decided otherwise.)
 * The endpoint itself lives on, so the server's reply is then an ordinary
 * message in its queue.
 */
ZXT_CHANNEL_FIXTURE(handle)

FIXTURE_VARIANT(handle) {
	bool replace;		/* zx_handle_replace() it, else move it into a message */
};

FIXTURE_VARIANT_ADD(handle, moved_into_message) { .replace = false };
FIXTURE_VARIANT_ADD(handle, replaced) { .replace = true };

TEST_F(handle, cancels)
{
	struct zxc_msg m = zxc_request(0, 0), rd, req;
	zx_handle_t t0, t1, moved = 0, newh = 0;
	struct zxc_job j = { 0 };
	uint32_t txid, ab = 0, ah = 0;
	char b = 'm';

	zxt_channel(_metadata, &t0, &t1);
	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	txid = zxc_recv_req(_metadata, self->h1, &req, sizeof(req), NULL, NULL, 0, NULL);
	ASSERT_TRUE(zxc_wait_task_syscall(getpid(), j.tid, SYS_ioctl, ZXC_BOUND_MS));
	if (variant->replace) {
		ASSERT_EQ(ZX_OK, zx_handle_replace(self->h0, ZX_RIGHT_SAME_RIGHTS, &newh));
	} else {
		ASSERT_EQ(ZX_OK, zx_channel_write(t0, 0, &b, 1, &self->h0, 1));
	}
	self->h0 = 0;
	zxc_job_finish(_metadata, &j);
	EXPECT_EQ(ZX_ERR_CANCELED, j.st);
	EXPECT_EQ(ZXC_SENTINEL, j.ab);

	/* the endpoint is alive: the late reply is queued on it */
	EXPECT_EQ(W, SIGNALS(self->h1));
	req.check = zxc_reply_check(0, 0);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &req, sizeof(req), NULL, 0));
	if (!variant->replace) {
		ASSERT_EQ(ZX_OK, zx_channel_read(t1, 0, &b, &moved, 1, 1, &ab, &ah));
		ASSERT_EQ(1u, ah);
		newh = moved;
	}
	EXPECT_EQ(W | R, SIGNALS(newh));
	ASSERT_EQ(ZX_OK, zx_channel_read(newh, 0, &rd, NULL, sizeof(rd), 0, &ab, &ah));
	EXPECT_EQ(txid, rd.txid);
	self->h0 = newh;
	EXPECT_EQ(ZX_OK, zx_handle_close(t0));
	EXPECT_EQ(ZX_OK, zx_handle_close(t1));
}

/* Closing another alias (dup) of the handle does not end the call. */
TEST_F(call, closing_other_alias_does_not_cancel)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	struct zxc_job j = { 0 };
	int d = dup((int)self->h0);

	ASSERT_GE(d, 0);
	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	ASSERT_TRUE(zxc_wait_signal(self->h1, R, ZXC_BOUND_MS));
	ASSERT_EQ(0, close(d));
	zxt_sleep_ms(50);
	EXPECT_FALSE(zxc_job_done(&j));
	zxc_serve_one(_metadata, self->h1);
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(zxc_reply_check(0, 0), rd.check);
}

TEST_HARNESS_MAIN
