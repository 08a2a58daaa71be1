// SPDX-License-Identifier: GPL-2.0
/*
 * zx_channel_call / zx_channel_call_etc: txids, direct delivery of replies,
 * concurrent callers (threads and forked processes) with replies out of
 * order, deadlines, the ways a waiting call ends (peer closed, handle
 * closed, reply too big, bad output pointers), handle consumption, every
 * error row of the spec for call and call_etc, and interop with plain
 * read/write servers and clients (spec "zx_channel_call", 2.4, 4.5-4.7).
 *
 * Linux signals during a call are in call_signal_test.c.
 *
 * Handle consumption is checked by fd number, so it is only checked while
 * nothing else in the process can create fds: either no server runs, or
 * the main thread is the server and has not read the request yet (the
 * call then runs in a helper thread, a "job").
 */
#include "zx_call_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

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

		ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, buf, NULL, sizeof(buf), 0, &ab, NULL));
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

		ASSERT_EQ(ZX_OK, zxt_read_blocking(self->h1, b, sizeof(b), &ab, zxc_bound_deadline()));
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

/* ---- many callers ------------------------------------------------------------ */

/*
 * A server that collects one request from each of @nclients callers, checks
 * that their txids are call txids and pairwise distinct (all of them are
 * outstanding at once), then replies in reverse order; @rounds times.
 */
struct lockstep {
	zx_handle_t h;
	uint32_t nclients, rounds;
	uint32_t next_seq[ZXC_MAX_CLIENTS];
	uint32_t txids[ZXC_MAX_CLIENTS];	/* of the last round */
	uint32_t served;
	int fail_line;
	zx_status_t fail_st;
	uint32_t fail_val;
};

#define LS_FAIL(ls, st, v) do {						\
	(ls)->fail_line = __LINE__;					\
	(ls)->fail_st = (st);						\
	(ls)->fail_val = (uint32_t)(v);					\
	return NULL;							\
} while (0)

static void *lockstep_fn(void *p)
{
	struct lockstep *ls = p;
	struct zxc_msg reqs[ZXC_MAX_CLIENTS];

	for (uint32_t r = 0; r < ls->rounds; r++) {
		for (uint32_t i = 0; i < ls->nclients; i++) {
			uint32_t ab = 0, ah = 0;
			zx_status_t st = zxt_read_handles_blocking(ls->h, &reqs[i], sizeof(reqs[i]),
								   &ab, NULL, 0, &ah,
								   zxt_long_deadline());
			struct zxc_msg *m = &reqs[i];

			if (st != ZX_OK)
				LS_FAIL(ls, st, r);
			if (ab != sizeof(*m))
				LS_FAIL(ls, st, ab);
			if (!zxc_is_call_txid(m->txid))
				LS_FAIL(ls, st, m->txid);
			if (m->client >= ls->nclients)
				LS_FAIL(ls, st, m->client);
			if (m->seq != ls->next_seq[m->client] || m->seq != r)
				LS_FAIL(ls, st, m->seq);
			if (m->check != zxc_req_check(m->client, m->seq))
				LS_FAIL(ls, st, m->check);
			for (uint32_t k = 0; k < i; k++) {
				if (reqs[k].txid == m->txid)
					LS_FAIL(ls, st, m->txid);
				if (reqs[k].client == m->client)
					LS_FAIL(ls, st, m->client);
			}
			ls->next_seq[m->client]++;
			ls->txids[i] = m->txid;
		}
		for (uint32_t i = ls->nclients; i-- > 0;) {
			struct zxc_msg *m = &reqs[i];
			struct zxc_msg rep = { m->txid, m->client, m->seq,
					       zxc_reply_check(m->client, m->seq) };
			zx_status_t st = zx_channel_write(ls->h, 0, &rep, sizeof(rep), NULL, 0);

			if (st != ZX_OK)
				LS_FAIL(ls, st, i);
			ls->served++;
		}
	}
	return NULL;
}

struct client {
	zx_handle_t h;
	uint32_t id, calls;
	uint32_t ok;
	zx_status_t err;
	uint32_t err_seq;
};

static void *client_fn(void *p)
{
	struct client *c = p;

	for (uint32_t i = 0; i < c->calls; i++) {
		struct zxc_msg reply;
		zx_status_t st = zxc_call_msg(c->h, zxt_long_deadline(), c->id, i, &reply);

		if (st != ZX_OK) {
			c->err = st;
			c->err_seq = i;
			return NULL;
		}
		c->ok++;
	}
	return NULL;
}

static void check_lockstep(struct __test_metadata *_metadata, struct lockstep *ls)
{
	EXPECT_EQ(0, ls->fail_line) {
		TH_LOG("server failed at line %d, status %d, value %#x",
		       ls->fail_line, ls->fail_st, ls->fail_val);
	}
}

/* CallPendingTransactionsUseDifferentIds: 20 calls outstanding at once. */
TEST_F_TIMEOUT(call, concurrent_callers_get_distinct_txids, 120)
{
	enum { N = 20 };
	struct lockstep ls = { .h = self->h1, .nclients = N, .rounds = 1 };
	struct client c[N];
	pthread_t t[N], srv;

	for (uint32_t i = 0; i < N; i++) {
		c[i] = (struct client){ .h = self->h0, .id = i, .calls = 1 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, client_fn, &c[i]));
	}
	ASSERT_EQ(0, pthread_create(&srv, NULL, lockstep_fn, &ls));
	for (uint32_t i = 0; i < N; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(ZX_OK, c[i].err) {
			TH_LOG("client %u", i);
		}
		EXPECT_EQ(1u, c[i].ok);
	}
	ASSERT_EQ(0, pthread_join(srv, NULL));
	check_lockstep(_metadata, &ls);
	EXPECT_EQ((uint32_t)N, ls.served);
	for (uint32_t i = 0; i < N; i++) {
		EXPECT_TRUE(zxc_is_call_txid(ls.txids[i]));
		for (uint32_t k = 0; k < i; k++) {
			EXPECT_NE(ls.txids[k], ls.txids[i]);
		}
	}
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* N threads x M calls, every round answered in reverse order. */
TEST_F_TIMEOUT(call, threads_replies_out_of_order, 300)
{
	enum { N = 8, M = 60 };
	struct lockstep ls = { .h = self->h1, .nclients = N, .rounds = M };
	struct client c[N];
	pthread_t t[N], srv;
	int64_t t0 = zxt_now();

	for (uint32_t i = 0; i < N; i++) {
		c[i] = (struct client){ .h = self->h0, .id = i, .calls = M };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, client_fn, &c[i]));
	}
	ASSERT_EQ(0, pthread_create(&srv, NULL, lockstep_fn, &ls));
	for (uint32_t i = 0; i < N; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(ZX_OK, c[i].err) {
			TH_LOG("client %u failed at call %u", i, c[i].err_seq);
		}
		EXPECT_EQ((uint32_t)M, c[i].ok);
	}
	ASSERT_EQ(0, pthread_join(srv, NULL));
	check_lockstep(_metadata, &ls);
	EXPECT_EQ((uint32_t)(N * M), ls.served);
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_NOTHING_QUEUED(self->h1);
	TH_LOG("%d x %d calls in %lld ms", N, M, (long long)((zxt_now() - t0) / 1000000));
}

/*
 * Processes sharing the endpoint (fork aliases) and threads call at once;
 * the server answers each round in reverse order.
 */
TEST_F_TIMEOUT(call, forked_processes_and_threads_share_endpoint, 300)
{
	enum { P = 4, T = 2, M = 30 };
	struct lockstep ls = { .h = self->h1, .nclients = P + T, .rounds = M };
	struct client c[T];
	pid_t pids[P];
	pthread_t t[T], srv;

	for (uint32_t i = 0; i < P; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			struct client cc = { .h = self->h0, .id = T + i, .calls = M };

			zx_handle_close(self->h1);
			client_fn(&cc);
			if (cc.err != ZX_OK)
				_exit(10 + (cc.err_seq % 100));
			_exit(cc.ok == M ? 0 : 9);
		}
	}
	for (uint32_t i = 0; i < T; i++) {
		c[i] = (struct client){ .h = self->h0, .id = i, .calls = M };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, client_fn, &c[i]));
	}
	ASSERT_EQ(0, pthread_create(&srv, NULL, lockstep_fn, &ls));
	for (uint32_t i = 0; i < T; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(ZX_OK, c[i].err);
		EXPECT_EQ((uint32_t)M, c[i].ok);
	}
	for (uint32_t i = 0; i < P; i++) {
		EXPECT_EQ(0, zxt_reap(pids[i])) {
			TH_LOG("child %u", i);
		}
	}
	ASSERT_EQ(0, pthread_join(srv, NULL));
	check_lockstep(_metadata, &ls);
	EXPECT_EQ((uint32_t)((P + T) * M), ls.served);
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* ---- argument errors ------------------------------------------------------------ */

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

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, edge);
	for (uint32_t n = 0; n < 4; n++) {
		const void *ptrs[3] = { buf, NULL, bad };

		for (int k = 0; k < 3; k++) {
			zx_channel_call_args_t a = { .wr_bytes = ptrs[k], .wr_num_bytes = n,
						     .rd_bytes = rd, .rd_num_bytes = sizeof(rd) };
			zx_channel_call_etc_args_t ea = { .wr_bytes = ptrs[k], .wr_num_bytes = n,
							  .rd_bytes = rd,
							  .rd_num_bytes = sizeof(rd) };

			EXPECT_EQ(ZX_ERR_INVALID_ARGS,
				  zx_channel_call(self->h0, 0, ZX_TIME_INFINITE_PAST, &a, &ab, &ah)) {
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
			  zx_channel_call_etc(self->h0, bad[i], zxt_long_deadline(), &ea, &ab, &ah)) {
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

	ASSERT_EQ(48u, sizeof(a));
	ASSERT_NE(NULL, edge);
	ASSERT_NE(NULL, edge_etc);
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

	ASSERT_NE(NULL, big);
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
				     .wr_handles = hs, .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

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
		ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &req, &got, sizeof(req), 1, &ab, &ah));
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
		ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &req, NULL, sizeof(req), 0, &ab, &ah));
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

/* ---- the wait ends otherwise --------------------------------------------------------- */

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
 * CANCELED, promptly (generous 10 s bound; the call's own deadline is
 * 60 s away, so a missed cancellation shows as TIMED_OUT or a late return).
 */
static void cancel_by_close(struct __test_metadata *_metadata, FIXTURE_DATA(call) *self,
			    bool use_close)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	struct zxc_job j = { 0 };
	int64_t t0;

	j.h = self->h0;
	j.deadline = zx_deadline_after(ZX_SEC(60));
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zxc_job_start(_metadata, &j);
	ASSERT_TRUE(zxc_wait_signal(self->h1, R, ZXC_BOUND_MS));
	ASSERT_TRUE(zxc_wait_task_syscall(getpid(), j.tid, SYS_ioctl, ZXC_BOUND_MS));
	EXPECT_FALSE(zxc_job_done(&j));

	t0 = zxt_now();
	if (use_close) {
		ASSERT_EQ(0, close((int)self->h0));
	} else {
		ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	}
	self->h0 = 0;
	zxc_job_finish(_metadata, &j);
	EXPECT_EQ(ZX_ERR_CANCELED, j.st);
	EXPECT_LT(j.t_end - t0, ZX_SEC(10));
	EXPECT_EQ(ZXC_SENTINEL, j.ab);
	/* it was the endpoint's only handle: the server sees PEER_CLOSED */
	EXPECT_TRUE(zxc_wait_signal(self->h1, PC, ZXC_BOUND_MS));
	/* the request is still there to read; a reply has nowhere to go */
	struct zxc_msg req;
	uint32_t ab = 0, ah = 0;

	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &req, NULL, sizeof(req), 0, &ab, &ah));
	EXPECT_TRUE(zxc_is_call_txid(req.txid));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, zx_channel_write(self->h1, 0, &req, sizeof(req), NULL, 0));
}

TEST_F(call, handle_closed_by_zx_handle_close_cancels)
{
	cancel_by_close(_metadata, self, false);
}

TEST_F(call, handle_closed_by_close_cancels)
{
	cancel_by_close(_metadata, self, true);
}

/*
 * docs/design.md: a call blocked on fd h ends with CANCELED when h stops
 * naming its handle because another thread moved it into a message or
 * replaced it.  (Zircon's T:internal TransferChannelWithPendingCallInSource-
 * Process instead lets such a call continue; this port decided otherwise.)
 * The endpoint itself lives on, so the server's reply is then an ordinary
 * message in its queue.
 */
static void cancel_by_losing_name(struct __test_metadata *_metadata,
				  FIXTURE_DATA(call) *self, bool replace)
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
	if (replace) {
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
	if (!replace) {
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

TEST_F(call, handle_moved_into_message_cancels)
{
	cancel_by_losing_name(_metadata, self, false);
}

TEST_F(call, handle_replaced_cancels)
{
	cancel_by_losing_name(_metadata, self, true);
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

/*
 * CallResponseBiggerThanRdNumBytes / RdNumHandles (spec 4.7): the reply is
 * consumed and destroyed (its handles closed), BUFFER_TOO_SMALL, and
 * actual_* are not written.
 */
static void reply_too_big(struct __test_metadata *_metadata, FIXTURE_DATA(call) *self,
			  uint32_t reply_bytes, uint32_t reply_handles, uint32_t rd_bytes,
			  uint32_t rd_handles, bool etc)
{
	zx_handle_t rh[4], c1[4], rdh[4] = { 0 };
	zx_handle_info_t rdi[4];
	uint8_t req[32], rd[256], reply[256];
	struct zxc_msg m = zxc_request(0, 0);
	struct zxc_job j = { 0 };
	uint32_t txid;

	ASSERT_LE(reply_handles, 4u);
	for (uint32_t i = 0; i < reply_handles; i++)
		zxt_channel(_metadata, &rh[i], &c1[i]);
	j.h = self->h0;
	j.op = etc ? ZXC_CALL_ETC : ZXC_CALL;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = rd, .rd_num_bytes = rd_bytes,
					.rd_handles = rdh, .rd_num_handles = rd_handles };
	j.ea = (zx_channel_call_etc_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .rd_bytes = rd, .rd_num_bytes = rd_bytes,
					     .rd_handles = rdi, .rd_num_handles = rd_handles };
	zxc_job_start(_metadata, &j);
	txid = zxc_recv_req(_metadata, self->h1, req, sizeof(req), NULL, NULL, 0, NULL);
	zxt_fill(reply, sizeof(reply), 5);
	memcpy(reply, &txid, 4);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, reply, reply_bytes, rh, reply_handles));
	zxc_job_finish(_metadata, &j);
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL, j.st);
	/* unlike zx_channel_read, the sizes are not reported */
	EXPECT_EQ(ZXC_SENTINEL, j.ab);
	EXPECT_EQ(ZXC_SENTINEL, j.ah);
	/* the reply is gone: not queued, its handles closed */
	ASSERT_NOTHING_QUEUED(self->h0);
	for (uint32_t i = 0; i < reply_handles; i++) {
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

TEST_F(call, reply_bytes_too_big)
{
	reply_too_big(_metadata, self, 100, 1, 99, 1, false);
}

TEST_F(call, reply_bytes_too_big_handles_fit)
{
	reply_too_big(_metadata, self, 17, 2, 16, 4, false);
}

TEST_F(call, reply_handles_too_many)
{
	reply_too_big(_metadata, self, 16, 2, 256, 1, false);
}

TEST_F(call, reply_handles_none_allowed)
{
	reply_too_big(_metadata, self, 16, 1, 256, 0, false);
}

TEST_F(call, etc_reply_bytes_too_big)
{
	reply_too_big(_metadata, self, 64, 1, 63, 1, true);
}

TEST_F(call, etc_reply_handles_too_many)
{
	reply_too_big(_metadata, self, 16, 3, 16, 2, true);
}

/*
 * The epilogue's output errors (CallNullptrNumBytes/NumHandles,
 * CallBadReadBuffer/ReadHandles): INVALID_ARGS, and the reply is lost --
 * not queued, its handles closed, no fd leaked.
 */
enum out_err { NULL_AB, NULL_AH, BAD_AB, BAD_RD_BYTES, RO_RD_BYTES, BAD_RD_HANDLES,
	       RO_RD_HANDLES };

static void reply_output_fault(struct __test_metadata *_metadata, FIXTURE_DATA(call) *self,
			       enum out_err what, bool etc)
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
	j.op = etc ? ZXC_CALL_ETC : ZXC_CALL;
	j.custom_actual = true;
	j.pab = &ab;
	j.pah = &ah;
	j.a = (zx_channel_call_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
					.rd_handles = rdh, .rd_num_handles = 2 };
	j.ea = (zx_channel_call_etc_args_t){ .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .rd_bytes = rd, .rd_num_bytes = sizeof(rd),
					     .rd_handles = rdi, .rd_num_handles = 2 };
	switch (what) {
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
	ASSERT_NE(NULL, zxt_bad_ptr());
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

TEST_F(call, null_actual_bytes)
{
	reply_output_fault(_metadata, self, NULL_AB, false);
}

TEST_F(call, null_actual_handles)
{
	reply_output_fault(_metadata, self, NULL_AH, false);
}

TEST_F(call, bad_actual_bytes)
{
	reply_output_fault(_metadata, self, BAD_AB, false);
}

TEST_F(call, bad_rd_bytes)
{
	reply_output_fault(_metadata, self, BAD_RD_BYTES, false);
}

TEST_F(call, readonly_rd_bytes)
{
	reply_output_fault(_metadata, self, RO_RD_BYTES, false);
}

TEST_F(call, bad_rd_handles)
{
	reply_output_fault(_metadata, self, BAD_RD_HANDLES, false);
}

TEST_F(call, readonly_rd_handles)
{
	reply_output_fault(_metadata, self, RO_RD_HANDLES, false);
}

TEST_F(call, etc_null_actual_handles)
{
	reply_output_fault(_metadata, self, NULL_AH, true);
}

TEST_F(call, etc_readonly_rd_handles)
{
	reply_output_fault(_metadata, self, RO_RD_HANDLES, true);
}

/* ---- zx_channel_call_etc ------------------------------------------------------------- */

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

	ASSERT_NE(NULL, ro);
	/* build it writable, then make it read-only */
	rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rw);
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
