// SPDX-License-Identifier: GPL-2.0
/*
 * zx_channel_call: the request's txid, direct delivery of the reply to its
 * caller (never to plain readers, never raising READABLE), handles both
 * ways, interop with plain read/write servers and clients, and deadlines:
 * a past one still sends, a late reply is an ordinary message (spec
 * "zx_channel_call", 4.5-4.6).
 */
#include "zx_call_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE

/* ---- fixture ---------------------------------------------------------------- */

FIXTURE(call) {
	zx_handle_t h0, h1;	/* h0: the client end, h1: the server end */
	struct zxc_server s;
	pthread_t srv;
	bool srv_running;
};

FIXTURE_SETUP(call)
{
	zxt_channel(_metadata, &self->h0, &self->h1);
	memset(&self->s, 0, sizeof(self->s));
	self->s.h = self->h1;
	self->s.nclients = ZXC_MAX_CLIENTS;
	self->srv_running = false;
}

FIXTURE_TEARDOWN(call)
{
	if (self->h0)
		zx_handle_close(self->h0);
	/* the echo server ends on PEER_CLOSED */
	if (self->srv_running)
		pthread_join(self->srv, NULL);
	if (self->h1)
		zx_handle_close(self->h1);
}

static void start_echo(struct __test_metadata *_metadata, FIXTURE_DATA(call) *self)
{
	ASSERT_EQ(0, pthread_create(&self->srv, NULL, zxc_serve_thread, &self->s));
	self->srv_running = true;
}

/* Close the client end, let the echo server see PEER_CLOSED, check it. */
static void stop_echo(struct __test_metadata *_metadata, FIXTURE_DATA(call) *self)
{
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	ASSERT_EQ(0, pthread_join(self->srv, NULL));
	self->srv_running = false;
	ASSERT_EQ(0, self->s.fail_line) {
		TH_LOG("server failed at line %d, status %d, value %#x",
		       self->s.fail_line, self->s.fail_status, self->s.fail_value);
	}
}

/* ---- txids and delivery ------------------------------------------------------ */

TEST_F(call, txid_replaces_first_four_bytes)
{
	uint8_t req[12] = { 0x11, 0x22, 0x33, 0x44, 'p', 'a', 'y', 'l', 'o', 'a', 'd', '!' };
	uint8_t orig[12], got[64], rd[64];
	uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL, txid;
	zx_channel_call_args_t a = {
		.wr_bytes = req, .wr_num_bytes = sizeof(req),
		.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
	};

	memcpy(orig, req, sizeof(req));
	/* a past deadline still sends the request (spec step 7) */
	ASSERT_EQ(ZX_ERR_TIMED_OUT, zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST,
						    &a, &ab, &ah));
	/* the caller's buffer is not written: the kernel stamps its own copy */
	EXPECT_EQ(0, memcmp(req, orig, sizeof(req)));

	EXPECT_EQ(W | R, SIGNALS(self->h1));
	ab = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, got, NULL, sizeof(got), 0, &ab, NULL));
	ASSERT_EQ(sizeof(req), ab);
	txid = zxc_txid_of(got);
	EXPECT_TRUE(zxc_is_call_txid(txid)) {
		TH_LOG("txid %#x", txid);
	}
	EXPECT_NE(0x44332211u, txid);
	EXPECT_EQ(0, memcmp(got + 4, orig + 4, sizeof(req) - 4));

	/* exactly 4 bytes: the whole request is the txid */
	a.wr_num_bytes = 4;
	ASSERT_EQ(ZX_ERR_TIMED_OUT, zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST,
						    &a, &ab, &ah));
	ab = 0;
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, got, NULL, sizeof(got), 0, &ab, NULL));
	ASSERT_EQ(4u, ab);
	EXPECT_TRUE(zxc_is_call_txid(zxc_txid_of(got)));
	ASSERT_NOTHING_QUEUED(self->h1);
	ASSERT_NOTHING_QUEUED(self->h0);
}

TEST_F(call, max_size_request_and_reply)
{
	uint8_t *req = malloc(ZXT_MAX_MSG_BYTES), *orig = malloc(ZXT_MAX_MSG_BYTES);
	uint8_t *srv = malloc(ZXT_MAX_MSG_BYTES), *rd = malloc(ZXT_MAX_MSG_BYTES);
	uint32_t ab = 0;
	struct zxc_job j = { 0 };

	ASSERT_TRUE(req && orig && srv && rd);
	zxt_fill(req, ZXT_MAX_MSG_BYTES, 1);
	memcpy(orig, req, ZXT_MAX_MSG_BYTES);
	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = req, .wr_num_bytes = ZXT_MAX_MSG_BYTES,
					.rd_bytes = rd, .rd_num_bytes = ZXT_MAX_MSG_BYTES };
	zxc_job_start(_metadata, &j);

	zxc_recv_req(_metadata, self->h1, srv, ZXT_MAX_MSG_BYTES, &ab, NULL, 0, NULL);
	ASSERT_EQ(ZXT_MAX_MSG_BYTES, ab);
	EXPECT_TRUE(zxc_is_call_txid(zxc_txid_of(srv)));
	EXPECT_EQ(0, memcmp(srv + 4, orig + 4, ZXT_MAX_MSG_BYTES - 4));
	/* reply: same txid, different pattern, exactly rd_num_bytes */
	zxt_fill(srv + 4, ZXT_MAX_MSG_BYTES - 4, 2);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, srv, ZXT_MAX_MSG_BYTES, NULL, 0));
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(ZXT_MAX_MSG_BYTES, j.ab);
	EXPECT_EQ(0u, j.ah);
	EXPECT_EQ(0, memcmp(rd, srv, ZXT_MAX_MSG_BYTES));
	EXPECT_EQ(0, memcmp(req, orig, ZXT_MAX_MSG_BYTES));
	ASSERT_NOTHING_QUEUED(self->h0);
	free(req);
	free(orig);
	free(srv);
	free(rd);
}

/*
 * CallBytesFit: plain zx_channel_read + zx_channel_write server (the echo
 * server), many calls, reply txid = request txid, replies never queued.
 */
TEST_F(call, plain_read_write_server_many_calls)
{
	start_echo(_metadata, self);
	for (uint32_t i = 0; i < 200; i++) {
		struct zxc_msg reply;
		zx_time_t dl = (i % 2) ? ZX_TIME_INFINITE : zxt_long_deadline();

		ASSERT_EQ(ZX_OK, zxc_call_msg(self->h0, dl, 0, i, &reply)) {
			TH_LOG("call %u", i);
		}
		/* the server saw this call's txid last (written before replying) */
		ASSERT_EQ(self->s.last_txid, reply.txid);
	}
	ASSERT_NOTHING_QUEUED(self->h0);
	EXPECT_EQ(W, SIGNALS(self->h0));
	stop_echo(_metadata, self);
	EXPECT_EQ(200u, self->s.served);
}

/* A reply bigger than needed is fine as long as it fits; rd larger too. */
TEST_F(call, reply_smaller_than_buffer)
{
	uint8_t rd[64];
	struct zxc_job j = { 0 };
	struct zxc_msg m;
	uint8_t reply[9];

	memset(rd, 0xcc, sizeof(rd));
	m = zxc_request(0, 0);
	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
					.rd_handles = NULL, .rd_num_handles = 5 };
	zxc_job_start(_metadata, &j);
	struct zxc_msg req;
	uint32_t txid = zxc_recv_req(_metadata, self->h1, &req, sizeof(req), NULL, NULL, 0, NULL);

	memcpy(reply, &txid, 4);
	memcpy(reply + 4, "abcde", 5);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, reply, sizeof(reply), NULL, 0));
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(9u, j.ab);
	EXPECT_EQ(0u, j.ah);
	EXPECT_EQ(0, memcmp(rd, reply, 9));
	EXPECT_EQ(0xcc, rd[9]);
}

/*
 * CallHandlesFit / CallHandleAndBytesFits / CallConsumesHandlesOnSuccess:
 * request handles leave the caller when the request is sent; reply
 * handles arrive in rd_handles (exact fit).
 */
TEST_F(call, handles_fit_and_are_consumed)
{
	zx_handle_t e = zxt_event(_metadata), c0, c1, wr[2], rdh[2] = { 0, 0 }, got[4];
	zx_koid_t ke, kc;
	uint8_t req[8] = { 0 }, rd[8], buf[64];
	uint32_t ab = 0, ah = 0, txid;
	struct zxc_job j = { 0 };

	zxt_channel(_metadata, &c0, &c1);
	ke = zxt_koid(e);
	kc = zxt_koid(c0);
	ASSERT_NE(ZX_KOID_INVALID, ke);
	ASSERT_NE(ZX_KOID_INVALID, kc);
	wr[0] = e;
	wr[1] = c0;
	memcpy(req + 4, "rq!", 4);
	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = req, .wr_num_bytes = sizeof(req),
					.wr_handles = wr, .wr_num_handles = 2,
					.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
					.rd_handles = rdh, .rd_num_handles = 2 };
	zxc_job_start(_metadata, &j);

	ASSERT_TRUE(zxc_wait_signal(self->h1, R, ZXC_BOUND_MS));
	/* sent: the caller's handles are gone (nothing made fds since) */
	EXPECT_FALSE(zxt_handle_valid(e));
	EXPECT_FALSE(zxt_handle_valid(c0));
	EXPECT_FALSE(zxt_fd_is_open((int)e));
	EXPECT_FALSE(zxc_job_done(&j));

	txid = zxc_recv_req(_metadata, self->h1, buf, sizeof(buf), &ab, got, 4, &ah);
	ASSERT_EQ(8u, ab);
	ASSERT_EQ(2u, ah);
	EXPECT_EQ(0, memcmp(buf + 4, "rq!", 4));
	EXPECT_EQ(ke, zxt_koid(got[0]));
	EXPECT_EQ(kc, zxt_koid(got[1]));
	/* reply: 8 bytes, both handles back */
	memcpy(buf + 4, "rp!", 4);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, buf, 8, got, 2));
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(8u, j.ab);
	EXPECT_EQ(2u, j.ah);
	EXPECT_EQ(txid, zxc_txid_of(rd));
	EXPECT_EQ(0, memcmp(rd + 4, "rp!", 4));
	EXPECT_EQ(ke, zxt_koid(rdh[0]));
	EXPECT_EQ(kc, zxt_koid(rdh[1]));
	EXPECT_EQ(ZX_RIGHTS_BASIC | ZX_RIGHT_SIGNAL, zxt_rights(_metadata, rdh[0]));
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, zxt_rights(_metadata, rdh[1]));
	/* the channel end travelled and is alive */
	EXPECT_EQ(W, SIGNALS(c1));
	ASSERT_EQ(ZX_OK, zxt_write_u32(rdh[1], 5));
	EXPECT_EQ(W | R, SIGNALS(c1));
	ASSERT_NOTHING_QUEUED(self->h0);
	EXPECT_EQ(ZX_OK, zx_handle_close(rdh[0]));
	EXPECT_EQ(ZX_OK, zx_handle_close(rdh[1]));
	EXPECT_EQ(ZX_OK, zx_handle_close(c1));
}

/* A 4-byte reply that carries only handles. */
TEST_F(call, reply_of_only_txid_and_handle)
{
	zx_handle_t e = zxt_event(_metadata), rdh = 0;
	struct zxc_msg m = zxc_request(0, 0), req;
	uint8_t rd[16];
	uint32_t txid;
	struct zxc_job j = { 0 };

	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
					.rd_handles = &rdh, .rd_num_handles = 1 };
	zxc_job_start(_metadata, &j);
	txid = zxc_recv_req(_metadata, self->h1, &req, sizeof(req), NULL, NULL, 0, NULL);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &txid, 4, &e, 1));
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(4u, j.ab);
	EXPECT_EQ(1u, j.ah);
	EXPECT_EQ(txid, zxc_txid_of(rd));
	EXPECT_TRUE(zxt_handle_valid(rdh));
	EXPECT_EQ(ZX_OK, zx_handle_close(rdh));
}

/* ---- replies never reach plain readers --------------------------------------- */

struct plain_reader {
	zx_handle_t h;
	bool poll;		/* spin on zx_channel_read instead of waiting */
	uint32_t stop;
	uint32_t woke;		/* the wait for READABLE returned */
	uint32_t reads;		/* messages read */
	uint32_t first_value, first_size;
	zx_status_t wait_st;
	pid_t tid;
};

static void *plain_reader_fn(void *p)
{
	struct plain_reader *r = p;
	uint8_t buf[64];

	__atomic_store_n(&r->tid, zxc_gettid(), __ATOMIC_SEQ_CST);
	if (!r->poll) {
		r->wait_st = zx_object_wait_one(r->h, R, zxt_long_deadline(), NULL);
		__atomic_store_n(&r->woke, 1, __ATOMIC_SEQ_CST);
	}
	while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
		uint32_t ab = 0;

		if (zx_channel_read(r->h, 0, buf, NULL, sizeof(buf), 0, &ab, NULL) == ZX_OK) {
			if (r->reads++ == 0) {
				r->first_size = ab;
				r->first_value = ab >= 4 ? zxc_txid_of(buf) : 0;
			}
			if (!r->poll)
				break;
		}
		if (r->poll)
			sched_yield();
		else
			break;
	}
	return NULL;
}

TEST_F_TIMEOUT(call, replies_not_visible_to_plain_readers, 120)
{
	struct plain_reader waiter = { .h = self->h0 }, poller = { .h = self->h0, .poll = true };
	pthread_t tw, tp;

	ASSERT_EQ(0, pthread_create(&tw, NULL, plain_reader_fn, &waiter));
	ASSERT_EQ(0, pthread_create(&tp, NULL, plain_reader_fn, &poller));
	while (!__atomic_load_n(&waiter.tid, __ATOMIC_SEQ_CST))
		sched_yield();
	ASSERT_TRUE(zxc_wait_task_syscall(getpid(), waiter.tid, SYS_ioctl, ZXC_BOUND_MS));
	start_echo(_metadata, self);

	for (uint32_t i = 0; i < 100; i++) {
		struct zxc_msg reply;

		ASSERT_EQ(ZX_OK, zxc_call_msg(self->h0, zxt_long_deadline(), 0, i, &reply));
		/* READABLE is never raised by a reply */
		ASSERT_EQ(0u, SIGNALS(self->h0) & R);
	}
	/* nobody saw anything: the waiter still sleeps, the poller read nothing */
	EXPECT_EQ(0u, __atomic_load_n(&waiter.woke, __ATOMIC_SEQ_CST));
	EXPECT_EQ(0u, __atomic_load_n(&poller.reads, __ATOMIC_SEQ_CST));
	__atomic_store_n(&poller.stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(tp, NULL));
	EXPECT_EQ(0u, poller.reads);

	/* a plain message (txid < 0x80000000) does wake the waiter */
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h1, 0x42));
	ASSERT_EQ(0, pthread_join(tw, NULL));
	EXPECT_EQ(ZX_OK, waiter.wait_st);
	EXPECT_EQ(1u, waiter.reads);
	EXPECT_EQ(4u, waiter.first_size);
	EXPECT_EQ(0x42u, waiter.first_value);
	stop_echo(_metadata, self);
	EXPECT_EQ(100u, self->s.served);
}

/*
 * CallMismatchedTxidQueuesRegularMessage: while a call waits, messages
 * whose txid is not the call's (plain txids, short messages, even the
 * call's txid without its top bit, or a call-range txid of no outstanding
 * call) are queued normally; the real reply still goes to the caller.
 */
TEST_F(call, mismatched_txid_queues_regular_message)
{
	struct zxc_msg m = zxc_request(3, 9), req, rd;
	uint8_t msgs[8][16], buf[32];
	uint32_t lens[8] = { 4, 0, 1, 2, 3, 16, 16, 8 };
	uint32_t txid, v;
	struct zxc_job j = { 0 };

	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	txid = zxc_recv_req(_metadata, self->h1, &req, sizeof(req), NULL, NULL, 0, NULL);
	ASSERT_TRUE(zxc_is_call_txid(txid));

	for (int i = 0; i < 8; i++)
		zxt_fill(msgs[i], 16, 100 + i);
	v = txid & ~ZXC_TXID_BIT;		/* same low 31 bits */
	memcpy(msgs[0], &v, 4);
	memcpy(msgs[2], &txid, 1);		/* 1..3 bytes: the txid's prefix */
	memcpy(msgs[3], &txid, 2);
	memcpy(msgs[4], &txid, 3);
	v = 0x7fffffffu;
	memcpy(msgs[5], &v, 4);
	v = txid ^ 0x40000000u;			/* call range, no such call */
	memcpy(msgs[6], &v, 4);
	v = 0;
	memcpy(msgs[7], &v, 4);
	for (int i = 0; i < 8; i++) {
		ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, msgs[i], lens[i], NULL, 0));
	}
	EXPECT_EQ(W | R, SIGNALS(self->h0));
	EXPECT_FALSE(zxc_job_done(&j));

	/* now the real reply */
	rd = (struct zxc_msg){ 0 };
	struct zxc_msg reply = { txid, 3, 9, zxc_reply_check(3, 9) };

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &reply, sizeof(reply), NULL, 0));
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(sizeof(reply), j.ab);
	EXPECT_EQ(0, memcmp(&rd, &reply, sizeof(reply)));

	/* all eight are queued, in order, intact */
	for (int i = 0; i < 8; i++) {
		uint32_t ab = ZXC_SENTINEL;

		ASSERT_EQ(ZX_OK,
			  zx_channel_read(self->h0, 0, buf, NULL, sizeof(buf), 0, &ab, NULL));
		ASSERT_EQ(lens[i], ab);
		EXPECT_EQ(0, memcmp(buf, msgs[i], lens[i])) {
			TH_LOG("message %d", i);
		}
	}
	ASSERT_NOTHING_QUEUED(self->h0);
}

/* Clients writing plain messages while the server also answers calls. */
TEST_F(call, plain_client_messages_never_taken_as_replies)
{
	struct zxc_msg req, rd;
	uint32_t txid, v;
	struct zxc_job j = { 0 };
	struct zxc_msg m = zxc_request(0, 0);

	/* plain client -> server: low txids and short messages reach h1 */
	for (uint32_t i = 0; i < 4; i++) {
		uint8_t b[4] = { 0xff, 0xff, 0xff, 0xff };

		ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, b, i, NULL, 0));
	}
	v = 0x7fffffffu;
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, &v, 4, NULL, 0));

	j.h = self->h0;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	/* the server reads the five plain messages first, then the request */
	for (uint32_t i = 0; i < 5; i++) {
		uint8_t b[8];
		uint32_t ab = ZXC_SENTINEL;

		ASSERT_EQ(ZX_OK,
			  zxt_read_blocking(self->h1, b, sizeof(b), &ab, zxc_bound_deadline()));
		EXPECT_EQ(i < 4 ? i : 4u, ab);
	}
	txid = zxc_recv_req(_metadata, self->h1, &req, sizeof(req), NULL, NULL, 0, NULL);
	/* the server echoes the plain messages back (as "replies" with low txids) */
	v = 0x7fffffffu;
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &v, 4, NULL, 0));
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &v, 3, NULL, 0));
	EXPECT_FALSE(zxc_job_done(&j));
	req.txid = txid;
	req.check = zxc_reply_check(req.client, req.seq);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &req, sizeof(req), NULL, 0));
	zxc_job_finish(_metadata, &j);
	ASSERT_EQ(ZX_OK, j.st);
	EXPECT_EQ(txid, rd.txid);
	EXPECT_EQ(zxc_reply_check(0, 0), rd.check);
	/* and the two plain ones are queued */
	uint32_t ab = 0;
	uint8_t b[8];

	ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, b, NULL, sizeof(b), 0, &ab, NULL));
	EXPECT_EQ(4u, ab);
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, b, NULL, sizeof(b), 0, &ab, NULL));
	EXPECT_EQ(3u, ab);
	ASSERT_NOTHING_QUEUED(self->h0);
}

/* ---- deadlines --------------------------------------------------------------------- */

/*
 * CallDeadlineExceeded: a past deadline still delivers the request (with
 * its handles) and returns TIMED_OUT; the waiter is gone, so the reply
 * that comes later is an ordinary message: READABLE, zx_channel_read.
 */
TEST_F(call, past_deadline_sends_then_late_reply_is_queued)
{
	static const zx_time_t past[] = { ZX_TIME_INFINITE_PAST, 0, 1 };

	for (size_t i = 0; i < ARRAY_SIZE(past) + 1; i++) {
		zx_time_t dl = i < ARRAY_SIZE(past) ? past[i] : zx_clock_get_monotonic() - 1;
		zx_handle_t e = zxt_event(_metadata), got = 0, rdh = 0;
		zx_koid_t ke = zxt_koid(e);
		struct zxc_msg m = zxc_request(1, (uint32_t)i), req, rd;
		uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;
		zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .wr_handles = &e, .wr_num_handles = 1,
					     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd),
					     .rd_handles = &rdh, .rd_num_handles = 1 };

		ASSERT_EQ(ZX_ERR_TIMED_OUT, zx_channel_call(self->h0, 0, dl, &a, &ab, &ah)) {
			TH_LOG("deadline %lld", (long long)dl);
		}
		EXPECT_FALSE(zxt_handle_valid(e));
		EXPECT_EQ(W | R, SIGNALS(self->h1));
		ASSERT_EQ(ZX_OK,
			  zx_channel_read(self->h1, 0, &req, &got, sizeof(req), 1, &ab, &ah));
		ASSERT_EQ(sizeof(req), ab);
		ASSERT_EQ(1u, ah);
		EXPECT_TRUE(zxc_is_call_txid(req.txid));
		EXPECT_EQ((uint32_t)i, req.seq);
		EXPECT_EQ(ke, zxt_koid(got));

		/* the late reply, with the handle, lands in the queue */
		EXPECT_EQ(W, SIGNALS(self->h0));
		req.check = zxc_reply_check(req.client, req.seq);
		ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &req, sizeof(req), &got, 1));
		EXPECT_EQ(W | R, SIGNALS(self->h0));
		memset(&rd, 0, sizeof(rd));
		ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, &rd, &rdh, sizeof(rd), 1, &ab, &ah));
		EXPECT_EQ(sizeof(rd), ab);
		EXPECT_EQ(1u, ah);
		EXPECT_EQ(0, memcmp(&rd, &req, sizeof(rd)));
		EXPECT_EQ(ke, zxt_koid(rdh));
		EXPECT_EQ(ZX_OK, zx_handle_close(rdh));
		ASSERT_NOTHING_QUEUED(self->h0);
	}
}

/*
 * A call that is never answered ends at its deadline: not before it, and
 * not absurdly late (generous +5 s for a slow, loaded TCG guest).
 */
TEST_F(call, deadline_is_honoured)
{
	struct zxc_msg m = zxc_request(0, 0), rd, req;
	uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	for (int i = 0; i < 3; i++) {
		zx_time_t deadline = zxt_now() + ZX_MSEC(200);
		int64_t end;

		ASSERT_EQ(ZX_ERR_TIMED_OUT, zx_channel_call(self->h0, 0, deadline, &a, &ab, &ah));
		end = zxt_now();
		EXPECT_GE(end, deadline);
		EXPECT_LT(end, deadline + ZX_SEC(5));
		EXPECT_EQ(ZXC_SENTINEL, ab);
		EXPECT_EQ(ZXC_SENTINEL, ah);
		/* the request went out */
		ASSERT_EQ(ZX_OK,
			  zx_channel_read(self->h1, 0, &req, NULL, sizeof(req), 0, &ab, &ah));
		ab = ah = ZXC_SENTINEL;
	}
	ASSERT_NOTHING_QUEUED(self->h0);
}

/* A reply before a finite deadline is a normal success. */
TEST_F(call, reply_before_finite_deadline)
{
	struct zxc_msg rd;

	start_echo(_metadata, self);
	for (uint32_t i = 0; i < 20; i++) {
		ASSERT_EQ(ZX_OK, zxc_call_msg(self->h0, zx_deadline_after(ZX_SEC(30)), 0, i, &rd));
	}
	stop_echo(_metadata, self);
}

TEST_HARNESS_MAIN
