// SPDX-License-Identifier: GPL-2.0
/*
 * The server-side extension <zircon/linux.h>: zxl_channel_reply_read
 * (write a reply, then block for and read the next message, in one ioctl)
 * and zxl_channel_read_wait (a blocking read): request/reply loops against
 * zx_channel_call clients, how the wait ends (peer closed, deadline,
 * handle closed), a failing reply write reads nothing, short buffers,
 * argument errors, Linux signals never re-send the reply, and blocked
 * readers are woken one per message, oldest first, none lost.
 */
#include "zx_call_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

FIXTURE(rr) {
	zx_handle_t h0, h1;	/* h0: client end, h1: server end */
};

FIXTURE_SETUP(rr)
{
	zxt_channel(_metadata, &self->h0, &self->h1);
	__atomic_store_n(&zxc_usr1_handled, 0, __ATOMIC_SEQ_CST);
}

FIXTURE_TEARDOWN(rr)
{
	zxt_close_pair(self->h0, self->h1);
}

/* ---- request/reply loops ------------------------------------------------------ */

/*
 * Steady state: the caller uses zx_channel_call, the server
 * zxl_channel_read_wait once and then zxl_channel_reply_read in a loop;
 * every 7th request carries an event that the reply hands back.  When the
 * client goes away, the server's pending reply_read ends with PEER_CLOSED.
 */
TEST_F_TIMEOUT(rr, steady_state_call_loop, 300)
{
	enum { ITERS = 2000 };
	struct zxc_server s = { .h = self->h1, .nclients = 1, .reply_read = true };
	zx_handle_t e = zxt_event(_metadata);
	zx_koid_t ke = zxt_koid(e);
	int64_t t0 = zxt_now();
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, zxc_serve_thread, &s));
	for (uint32_t i = 0; i < ITERS; i++) {
		struct zxc_msg m = zxc_request(0, i), rd;
		zx_handle_t rh = 0;
		uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;
		bool with = i % 7 == 3;
		zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
					     .wr_handles = with ? &e : NULL,
					     .wr_num_handles = with ? 1 : 0,
					     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd),
					     .rd_handles = &rh, .rd_num_handles = 1 };

		ASSERT_EQ(ZX_OK, zx_channel_call(self->h0, 0, zxt_long_deadline(), &a, &ab, &ah)) {
			TH_LOG("call %u; server line %d", i, s.fail_line);
		}
		ASSERT_EQ(sizeof(rd), ab);
		ASSERT_EQ(with ? 1u : 0u, ah);
		ASSERT_TRUE(zxc_is_call_txid(rd.txid));
		ASSERT_EQ(i, rd.seq);
		ASSERT_EQ(zxc_reply_check(0, i), rd.check);
		if (with) {
			ASSERT_EQ(ke, zxt_koid(rh));
			e = rh;
		}
	}
	TH_LOG("%u round trips in %lld ms", ITERS, (long long)((zxt_now() - t0) / 1000000));
	ASSERT_NOTHING_QUEUED(self->h0);
	/* the server is blocked in reply_read for request ITERS: take the client away */
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, s.fail_line) {
		TH_LOG("server failed at line %d, status %d, value %u", s.fail_line,
		       s.fail_status, s.fail_value);
	}
	/* every reply but the first went out through reply_read */
	EXPECT_EQ((uint32_t)ITERS - 1, s.served);
	EXPECT_EQ((uint32_t)ITERS, s.next_seq[0]);
	EXPECT_EQ(ZX_OK, zx_handle_close(e));
}

/*
 * Three server threads in reply_read loops on one endpoint, four client
 * threads calling: every request is served exactly once, every caller
 * gets its own reply.
 */
enum { MT_CLIENTS = 4, MT_CALLS = 150, MT_SERVERS = 3 };

struct mt_state {
	zx_handle_t h;
	uint8_t seen[MT_CLIENTS][MT_CALLS];
	uint32_t served[MT_SERVERS];
	int fail_line;
	zx_status_t fail_st;
};

struct mt_server {
	struct mt_state *st;
	uint32_t id;
};

static void *mt_server_fn(void *p)
{
	struct mt_server *ms = p;
	struct mt_state *S = ms->st;
	struct zxc_msg m, rep;
	uint32_t ab = 0, ah = 0;
	zx_status_t st;

	st = zxl_channel_read_wait(S->h, 0, &m, NULL, sizeof(m), 0, &ab, &ah,
				   zxt_long_deadline());
	for (;;) {
		if (st == ZX_ERR_PEER_CLOSED)
			return NULL;
		if (st != ZX_OK || ab != sizeof(m) || !zxc_is_call_txid(m.txid) ||
		    m.client >= MT_CLIENTS || m.seq >= MT_CALLS ||
		    m.check != zxc_req_check(m.client, m.seq)) {
			S->fail_line = __LINE__;
			S->fail_st = st;
			return NULL;
		}
		if (__atomic_exchange_n(&S->seen[m.client][m.seq], 1, __ATOMIC_SEQ_CST)) {
			S->fail_line = __LINE__;	/* read twice */
			return NULL;
		}
		rep = (struct zxc_msg){ m.txid, m.client, m.seq,
					zxc_reply_check(m.client, m.seq) };
		st = zxl_channel_reply_read(S->h, &rep, sizeof(rep), NULL, 0, &m, NULL,
					    sizeof(m), 0, &ab, &ah, zxt_long_deadline());
		if (st == ZX_OK || st == ZX_ERR_PEER_CLOSED)
			ms->st->served[ms->id]++;
	}
}

struct mt_client {
	zx_handle_t h;
	uint32_t id;
	zx_status_t err;
	uint32_t ok;
};

static void *mt_client_fn(void *p)
{
	struct mt_client *c = p;

	for (uint32_t i = 0; i < MT_CALLS; i++) {
		struct zxc_msg reply;
		zx_status_t st = zxc_call_msg(c->h, zxt_long_deadline(), c->id, i, &reply);

		if (st != ZX_OK) {
			c->err = st;
			return NULL;
		}
		c->ok++;
	}
	return NULL;
}

TEST_F_TIMEOUT(rr, several_servers_several_callers, 300)
{
	struct mt_state *S = calloc(1, sizeof(*S));
	struct mt_server ms[MT_SERVERS];
	struct mt_client mc[MT_CLIENTS];
	pthread_t ts[MT_SERVERS], tc[MT_CLIENTS];
	uint32_t total = 0;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)S);
	S->h = self->h1;
	for (uint32_t i = 0; i < MT_SERVERS; i++) {
		ms[i] = (struct mt_server){ S, i };
		ASSERT_EQ(0, pthread_create(&ts[i], NULL, mt_server_fn, &ms[i]));
	}
	for (uint32_t i = 0; i < MT_CLIENTS; i++) {
		mc[i] = (struct mt_client){ .h = self->h0, .id = i };
		ASSERT_EQ(0, pthread_create(&tc[i], NULL, mt_client_fn, &mc[i]));
	}
	for (uint32_t i = 0; i < MT_CLIENTS; i++) {
		ASSERT_EQ(0, pthread_join(tc[i], NULL));
		EXPECT_EQ(ZX_OK, mc[i].err);
		EXPECT_EQ((uint32_t)MT_CALLS, mc[i].ok);
	}
	/* all callers done: closing the client end ends every server */
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	for (uint32_t i = 0; i < MT_SERVERS; i++) {
		ASSERT_EQ(0, pthread_join(ts[i], NULL));
		total += S->served[i];
	}
	EXPECT_EQ(0, S->fail_line) {
		TH_LOG("server failed at line %d, status %d", S->fail_line, S->fail_st);
	}
	for (uint32_t c = 0; c < MT_CLIENTS; c++)
		for (uint32_t i = 0; i < MT_CALLS; i++) {
			ASSERT_EQ(1, S->seen[c][i]) {
				TH_LOG("request %u of client %u never served", i, c);
			}
		}
	/* each server's last reply_read ended with PEER_CLOSED after its reply went out */
	EXPECT_EQ((uint32_t)(MT_CLIENTS * MT_CALLS), total);
	free(S);
}

/* ---- how the wait ends ------------------------------------------------------------ */

/* PEER_CLOSED: the client goes away while the server waits. */
TEST_F(rr, peer_closed_while_waiting)
{
	struct zxc_msg rep = { 0x80000001u, 0, 0, 0 };
	struct zxc_job rw = { .op = ZXC_READ_WAIT, .h = self->h1 };
	struct zxc_job rp = { .op = ZXC_REPLY_READ, .h = self->h1,
			      .wr = &rep, .wr_n = sizeof(rep) };

	zxc_job_start_blocked(_metadata, &rw);
	zxc_job_start_blocked(_metadata, &rp);
	/* reply_read wrote its reply before it blocked */
	ASSERT_TRUE(zxc_wait_signal(self->h0, R, ZXC_BOUND_MS));
	EXPECT_FALSE(zxc_job_done(&rw));
	EXPECT_FALSE(zxc_job_done(&rp));
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	/* both blocked readers end, not just one */
	zxc_job_finish(_metadata, &rw);
	zxc_job_finish(_metadata, &rp);
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, rw.st);
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, rp.st);
	EXPECT_EQ(ZXC_SENTINEL, rw.ab);
	EXPECT_EQ(ZXC_SENTINEL, rp.ab);
}

/* Queued messages are still delivered after the peer closed, then PEER_CLOSED. */
TEST_F(rr, peer_closed_after_writing_messages)
{
	uint32_t v = 0, ab = 0, ah = 0;
	uint32_t rep = 0x11;

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 2));
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	ASSERT_EQ(ZX_OK, zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab, &ah,
					       zxt_long_deadline()));
	EXPECT_EQ(1u, v);
	EXPECT_EQ(4u, ab);
	EXPECT_EQ(0u, ah);
	/* reply_read: the reply cannot be written -> its error, nothing read */
	zx_handle_t e = zxt_event(_metadata);

	EXPECT_EQ(ZX_ERR_PEER_CLOSED,
		  zxl_channel_reply_read(self->h1, &rep, 4, &e, 1, &v, NULL, 4, 0, &ab, &ah,
					 zxt_long_deadline()));
	EXPECT_FALSE(zxt_handle_valid(e));	/* consumed like zx_channel_write's */
	EXPECT_EQ(R | PC, SIGNALS(self->h1));
	/* read_wait still gets the second message, then PEER_CLOSED */
	ASSERT_EQ(ZX_OK, zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab, &ah,
					       zxt_long_deadline()));
	EXPECT_EQ(2u, v);
	EXPECT_EQ(ZX_ERR_PEER_CLOSED,
		  zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab, &ah,
					zxt_long_deadline()));
	EXPECT_EQ(ZX_ERR_PEER_CLOSED,
		  zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab, &ah,
					ZX_TIME_INFINITE_PAST));
}

/* The client is a process that exits after its last reply. */
TEST_F(rr, peer_process_exit_ends_reply_read)
{
	struct zxc_server s = { .h = self->h1, .nclients = 1, .reply_read = true };
	pid_t child = fork();

	ASSERT_GE(child, 0);
	if (child == 0) {
		zx_handle_close(self->h1);
		for (uint32_t i = 0; i < 50; i++) {
			struct zxc_msg reply;

			if (zxc_call_msg(self->h0, zxt_long_deadline(), 0, i, &reply) != ZX_OK)
				_exit(10);
		}
		_exit(0);
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	EXPECT_EQ(0, zxc_serve(&s)) {
		TH_LOG("server failed at line %d, status %d, value %u", s.fail_line,
		       s.fail_status, s.fail_value);
	}
	EXPECT_EQ(0, zxt_reap(child));
	EXPECT_EQ(49u, s.served);
	EXPECT_EQ(50u, s.next_seq[0]);
}

/* TIMED_OUT: the reply goes out, no next message comes before the deadline. */
TEST_F(rr, deadline)
{
	uint32_t rep = 0x55, v = 0, ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;
	zx_time_t deadline = zxt_now() + ZX_MSEC(200);
	int64_t end;

	EXPECT_EQ(ZX_ERR_TIMED_OUT,
		  zxl_channel_reply_read(self->h1, &rep, 4, NULL, 0, &v, NULL, 4, 0, &ab, &ah,
					 deadline));
	end = zxt_now();
	EXPECT_GE(end, deadline);
	/* generous: a loaded TCG guest may oversleep, but not by seconds */
	EXPECT_LT(end, deadline + ZX_SEC(5));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	/* the reply was written */
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0x55u, v);

	/* past deadlines poll once */
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab,
							  &ah, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab,
							  &ah, 0));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 9));
	EXPECT_EQ(ZX_OK, zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab, &ah,
					       ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(9u, v);
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 10));
	rep = 0x56;
	EXPECT_EQ(ZX_OK, zxl_channel_reply_read(self->h1, &rep, 4, NULL, 0, &v, NULL, 4, 0,
						&ab, &ah, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(10u, v);
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0x56u, v);

	/* read_wait with a finite deadline */
	deadline = zxt_now() + ZX_MSEC(100);
	EXPECT_EQ(ZX_ERR_TIMED_OUT, zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab,
							  &ah, deadline));
	EXPECT_GE(zxt_now(), deadline);
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_NOTHING_QUEUED(self->h1);
}

/*
 * CANCELED: another thread closes the server's handle while it waits (see
 * zxc_cancel_by_close()).
 */
ZXT_CHANNEL_FIXTURE(rr_closed)

FIXTURE_VARIANT(rr_closed) {
	enum zxc_op op;		/* ZXC_REPLY_READ or ZXC_READ_WAIT */
	bool use_close;		/* close(2) instead of zx_handle_close() */
};

FIXTURE_VARIANT_ADD(rr_closed, reply_read_by_zx_handle_close) {
	.op = ZXC_REPLY_READ, .use_close = false,
};
FIXTURE_VARIANT_ADD(rr_closed, reply_read_by_close) {
	.op = ZXC_REPLY_READ, .use_close = true,
};
FIXTURE_VARIANT_ADD(rr_closed, read_wait_by_zx_handle_close) {
	.op = ZXC_READ_WAIT, .use_close = false,
};
FIXTURE_VARIANT_ADD(rr_closed, read_wait_by_close) {
	.op = ZXC_READ_WAIT, .use_close = true,
};

TEST_F(rr_closed, canceled)
{
	uint32_t rep = 0x77, v = 0;
	struct zxc_job w = { .op = variant->op, .h = self->h1, .wr = &rep, .wr_n = 4 };

	w.deadline = zx_deadline_after(ZX_SEC(60));
	zxc_job_start_blocked(_metadata, &w);
	if (variant->op == ZXC_REPLY_READ) {
		ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, zx_deadline_after(ZX_SEC(10))));
		EXPECT_EQ(0x77u, v);
	}
	zxc_cancel_by_close(_metadata, &w, &self->h1, variant->use_close, self->h0);
}

/* ---- a failing reply reads nothing ----------------------------------------------- */

/*
 * If the reply cannot be written, reply_read returns the write's error
 * and reads nothing: the queued request stays readable.  Its handles are
 * consumed as zx_channel_write's are.
 */
TEST_F(rr, failed_reply_write_reads_nothing)
{
	uint8_t req[12], buf[32];
	uint8_t *big = calloc(1, ZXT_MAX_MSG_BYTES + 1);
	uint32_t ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;
	zx_handle_t e, hs[2];

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)big);
	zxt_fill(req, sizeof(req), 3);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, req, sizeof(req), NULL, 0));

	/* bad reply bytes */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zxl_channel_reply_read(self->h1, zxt_bad_ptr(), 8, NULL, 0, buf, NULL,
					 sizeof(buf), 0, &ab, &ah, zxt_long_deadline()));
	EXPECT_EQ(W | R, SIGNALS(self->h1));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	/* NULL bytes with a size */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zxl_channel_reply_read(self->h1, NULL, 8, NULL, 0, buf, NULL,
					 sizeof(buf), 0, &ab, &ah, zxt_long_deadline()));
	/* too big */
	e = zxt_event(_metadata);
	EXPECT_EQ(ZX_ERR_OUT_OF_RANGE,
		  zxl_channel_reply_read(self->h1, big, ZXT_MAX_MSG_BYTES + 1, &e, 1, buf, NULL,
					 sizeof(buf), 0, &ab, &ah, zxt_long_deadline()));
	EXPECT_FALSE(zxt_handle_valid(e));
	/* a bad handle among the reply's handles: first error, all consumed */
	e = zxt_event(_metadata);
	hs[0] = e;
	hs[1] = (zx_handle_t)zxt_closed_fd();
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zxl_channel_reply_read(self->h1, buf, 4, hs, 2, buf, NULL,
					 sizeof(buf), 0, &ab, &ah, zxt_long_deadline()));
	EXPECT_FALSE(zxt_handle_valid(e));
	/* an unreadable handle array */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zxl_channel_reply_read(self->h1, buf, 4, zxt_bad_ptr(), 2, buf, NULL,
					 sizeof(buf), 0, &ab, &ah, zxt_long_deadline()));
	/* no WRITE right */
	e = zxt_event(_metadata);
	self->h1 = zxt_replace(_metadata, self->h1, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WRITE);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zxl_channel_reply_read(self->h1, buf, 4, &e, 1, buf, NULL,
					 sizeof(buf), 0, &ab, &ah, zxt_long_deadline()));
	EXPECT_FALSE(zxt_handle_valid(e));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	EXPECT_EQ(ZXC_SENTINEL, ah);

	/* nothing was written, and the request is still there, intact */
	ASSERT_NOTHING_QUEUED(self->h0);
	EXPECT_EQ(W | R, SIGNALS(self->h1));
	ASSERT_EQ(ZX_OK, zxl_channel_read_wait(self->h1, 0, buf, NULL, sizeof(buf), 0, &ab, &ah,
					       ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(sizeof(req), ab);
	EXPECT_EQ(0u, ah);
	EXPECT_EQ(0, memcmp(buf, req, sizeof(req)));
	ASSERT_NOTHING_QUEUED(self->h1);
	free(big);
}

/*
 * Without READ the operation is refused before anything is written (the
 * read side is validated first), and the reply's handles are consumed.
 */
TEST_F(rr, no_read_right_writes_nothing)
{
	uint32_t rep = 1, v, ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;
	zx_handle_t e = zxt_event(_metadata);

	self->h1 = zxt_replace(_metadata, self->h1, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_READ);
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 5));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zxl_channel_reply_read(self->h1, &rep, 4, &e, 1, &v, NULL, 4, 0, &ab, &ah,
					 zxt_long_deadline()));
	EXPECT_FALSE(zxt_handle_valid(e));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zxl_channel_read_wait(self->h1, 0, &v, NULL, 4, 0, &ab, &ah,
					zxt_long_deadline()));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	ASSERT_NOTHING_QUEUED(self->h0);
	EXPECT_EQ(W | R, SIGNALS(self->h1));
}

/* ---- argument errors ------------------------------------------------------------ */

TEST_F(rr, wrong_type_bad_handle_bad_options)
{
	zx_handle_t ev = zxt_event(_metadata);
	int devnull = zxt_foreign_fd();
	uint32_t rep = 1, v, ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;

	ASSERT_GE(devnull, 0);
	EXPECT_EQ(ZX_ERR_WRONG_TYPE,
		  zxl_channel_reply_read(ev, &rep, 4, NULL, 0, &v, NULL, 4, 0, &ab, &ah,
					 ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_WRONG_TYPE,
		  zxl_channel_read_wait(ev, 0, &v, NULL, 4, 0, &ab, &ah, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zxl_channel_reply_read((zx_handle_t)devnull, &rep, 4, NULL, 0, &v, NULL, 4, 0,
					 &ab, &ah, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zxl_channel_read_wait((zx_handle_t)devnull, 0, &v, NULL, 4, 0, &ab, &ah,
					ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zxl_channel_read_wait(ZX_HANDLE_INVALID, 0, &v, NULL, 4, 0, &ab, &ah,
					ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zxl_channel_read_wait((zx_handle_t)zxt_closed_fd(), 0, &v, NULL, 4, 0, &ab, &ah,
					ZX_TIME_INFINITE_PAST));
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	/* read options as zx_channel_read: unknown ones are NOT_SUPPORTED */
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 3));
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED,
		  zxl_channel_read_wait(self->h1, 2, &v, NULL, 4, 0, &ab, &ah,
					ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZX_ERR_NOT_SUPPORTED,
		  zxl_channel_read_wait(self->h1, 0xff, &v, NULL, 4, 0, &ab, &ah,
					ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(ZXC_SENTINEL, ab);
	EXPECT_EQ(W | R, SIGNALS(self->h1));
	EXPECT_EQ(0u, SIGNALS(ev));
	close(devnull);
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

/*
 * Short buffers: BUFFER_TOO_SMALL with the true sizes, the message stays
 * (or is dropped with READ_MAY_DISCARD, its handles closed).
 */
TEST_F(rr, buffer_too_small)
{
	uint8_t msg[40], buf[64];
	uint32_t rep = 0x99, v = 0, ab = ZXC_SENTINEL, ah = ZXC_SENTINEL;
	zx_handle_t c0, c1, h = 0;

	zxt_channel(_metadata, &c0, &c1);
	zxt_fill(msg, sizeof(msg), 4);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, msg, sizeof(msg), &c0, 1));
	/* too few bytes: the reply still went out */
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zxl_channel_reply_read(self->h1, &rep, 4, NULL, 0, buf, &h, 39, 1, &ab, &ah,
					 zxt_long_deadline()));
	EXPECT_EQ(40u, ab);
	EXPECT_EQ(1u, ah);
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0x99u, v);
	/* no room for the handle */
	ab = ah = ZXC_SENTINEL;
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zxl_channel_read_wait(self->h1, 0, buf, &h, sizeof(buf), 0, &ab, &ah,
					zxt_long_deadline()));
	EXPECT_EQ(40u, ab);
	EXPECT_EQ(1u, ah);
	EXPECT_EQ(W | R, SIGNALS(self->h1));
	EXPECT_EQ(W, SIGNALS(c1));
	/* MAY_DISCARD drops it and closes its handle */
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zxl_channel_read_wait(self->h1, ZX_CHANNEL_READ_MAY_DISCARD, buf, &h, 8, 1,
					&ab, &ah, zxt_long_deadline()));
	EXPECT_TRUE(zxc_wait_signal(c1, PC, ZXC_BOUND_MS));
	ASSERT_NOTHING_QUEUED(self->h1);
	/* a message that fits, with its handle */
	zx_handle_t c2, c3;

	zxt_channel(_metadata, &c2, &c3);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, msg, sizeof(msg), &c2, 1));
	ASSERT_EQ(ZX_OK, zxl_channel_read_wait(self->h1, 0, buf, &h, sizeof(buf), 1, &ab, &ah,
					       ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(40u, ab);
	EXPECT_EQ(1u, ah);
	EXPECT_EQ(0, memcmp(buf, msg, sizeof(msg)));
	zx_info_handle_basic_t bi;

	ASSERT_EQ(ZX_OK, zxt_basic(h, &bi));
	EXPECT_EQ(zxt_koid(c3), bi.related_koid);
	EXPECT_EQ(ZX_OK, zx_handle_close(h));
	EXPECT_EQ(ZX_OK, zx_handle_close(c1));
	EXPECT_EQ(ZX_OK, zx_handle_close(c3));
}

/* Reply handles are moved out; read handles are installed. */
TEST_F(rr, handles_both_ways)
{
	zx_handle_t e = zxt_event(_metadata), f = zxt_event(_metadata), got = 0, rh = 0;
	zx_koid_t ke = zxt_koid(e), kf = zxt_koid(f);
	uint32_t rep = 1, v = 0, ab = 0, ah = 0;

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, &rep, 4, &f, 1));
	ASSERT_EQ(ZX_OK, zxl_channel_reply_read(self->h1, &rep, 4, &e, 1, &v, &got, 4, 1,
						&ab, &ah, ZX_TIME_INFINITE_PAST));
	EXPECT_FALSE(zxt_handle_valid(e) && zxt_koid(e) == ke);
	EXPECT_EQ(1u, ah);
	EXPECT_EQ(kf, zxt_koid(got));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, &v, &rh, 4, 1, &ab, &ah));
	EXPECT_EQ(1u, ah);
	EXPECT_EQ(ke, zxt_koid(rh));
	EXPECT_EQ(ZX_OK, zx_handle_close(got));
	EXPECT_EQ(ZX_OK, zx_handle_close(rh));
}

/* ---- exclusive, FIFO wake-ups ---------------------------------------------------- */

/*
 * Three threads block in read_wait on one endpoint, in a known order.  One
 * message wakes exactly one of them -- the oldest -- and after a generous
 * pause the other two are still blocked; two more messages wake the other
 * two.  Each message is read once.
 */
TEST_F(rr, wakeups_are_exclusive_and_fifo)
{
	struct zxc_job w[3];
	uint32_t woken = 0, got[3];
	bool seen[4] = { false };

	for (int i = 0; i < 3; i++) {
		w[i] = (struct zxc_job){ .op = ZXC_READ_WAIT, .h = self->h1, .counter = &woken };
		/* started one after the other: each is asleep before the next starts */
		zxc_job_start_blocked(_metadata, &w[i]);
	}
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_TRUE(zxc_wait_counter(&woken, 1, ZXC_BOUND_MS));
	/* the oldest waiter got it */
	ASSERT_TRUE(zxc_job_done(&w[0])) {
		TH_LOG("a younger waiter was woken first");
	}
	/* generous pause: nobody else wakes for a message that is gone */
	zxt_sleep_ms(500);
	EXPECT_EQ(1u, __atomic_load_n(&woken, __ATOMIC_SEQ_CST));
	EXPECT_FALSE(zxc_job_done(&w[1]));
	EXPECT_FALSE(zxc_job_done(&w[2]));
	EXPECT_EQ('S', zxt_task_state(getpid(), w[1].tid));
	EXPECT_EQ('S', zxt_task_state(getpid(), w[2].tid));

	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 2));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 3));
	ASSERT_TRUE(zxc_wait_counter(&woken, 3, ZXC_BOUND_MS));
	for (int i = 0; i < 3; i++) {
		zxc_job_finish(_metadata, &w[i]);
		ASSERT_EQ(ZX_OK, w[i].st);
		ASSERT_EQ(4u, w[i].ab);
		memcpy(&got[i], w[i].buf, 4);
		ASSERT_TRUE(got[i] >= 1 && got[i] <= 3);
		EXPECT_FALSE(seen[got[i]]) {
			TH_LOG("message %u read twice", got[i]);
		}
		seen[got[i]] = true;
	}
	EXPECT_EQ(1u, got[0]);
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* The same with reply_read waiters: each reply is written once, one wake per message. */
TEST_F(rr, reply_read_wakeups_are_exclusive)
{
	struct zxc_job w[3];
	uint32_t woken = 0, reps[3] = { 0xa0, 0xa1, 0xa2 }, v;
	bool seen[3] = { false };

	for (int i = 0; i < 3; i++) {
		w[i] = (struct zxc_job){ .op = ZXC_REPLY_READ, .h = self->h1, .counter = &woken,
					.wr = &reps[i], .wr_n = 4 };
		zxc_job_start_blocked(_metadata, &w[i]);
	}
	/* three replies out, in start order */
	for (uint32_t i = 0; i < 3; i++) {
		ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, ZX_TIME_INFINITE_PAST));
		EXPECT_EQ(0xa0u + i, v);
	}
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 0));
	ASSERT_TRUE(zxc_wait_counter(&woken, 1, ZXC_BOUND_MS));
	EXPECT_TRUE(zxc_job_done(&w[0]));
	zxt_sleep_ms(500);
	EXPECT_EQ(1u, __atomic_load_n(&woken, __ATOMIC_SEQ_CST));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 2));
	ASSERT_TRUE(zxc_wait_counter(&woken, 3, ZXC_BOUND_MS));
	for (int i = 0; i < 3; i++) {
		uint32_t g;

		zxc_job_finish(_metadata, &w[i]);
		ASSERT_EQ(ZX_OK, w[i].st);
		memcpy(&g, w[i].buf, 4);
		ASSERT_LT(g, 3u);
		EXPECT_FALSE(seen[g]);
		seen[g] = true;
	}
	/* no reply was written twice */
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* Many messages, four blocking readers: none lost, none read twice. */
struct collector {
	zx_handle_t h;
	uint32_t n;
	uint32_t *got;
	zx_status_t end;
};

enum { COLLECT_MSGS = 3000 };

static void *collector_fn(void *p)
{
	struct collector *c = p;

	for (;;) {
		uint32_t v = 0, ab = 0, ah = 0;
		zx_status_t st = zxl_channel_read_wait(c->h, 0, &v, NULL, 4, 0, &ab, &ah,
						       zxt_long_deadline());

		if (st != ZX_OK) {
			c->end = st;
			return NULL;
		}
		if (c->n < COLLECT_MSGS)
			c->got[c->n] = v;
		c->n++;
	}
}

TEST_F_TIMEOUT(rr, blocking_readers_lose_nothing, 180)
{
	struct collector c[4];
	pthread_t t[4];
	uint8_t *seen = calloc(COLLECT_MSGS, 1);
	uint32_t total = 0;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)seen);
	for (int i = 0; i < 4; i++) {
		c[i] = (struct collector){ .h = self->h1, .got = calloc(COLLECT_MSGS, 4) };
		ASSERT_NE((uintptr_t)NULL, (uintptr_t)c[i].got);
		ASSERT_EQ(0, pthread_create(&t[i], NULL, collector_fn, &c[i]));
	}
	for (uint32_t i = 0; i < COLLECT_MSGS; i++) {
		ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, i));
		if (i % 16 == 0)
			sched_yield();
	}
	/* the readers drain the queue, then see PEER_CLOSED */
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(ZX_ERR_PEER_CLOSED, c[i].end);
		total += c[i].n;
		for (uint32_t k = 0; k < c[i].n && k < COLLECT_MSGS; k++) {
			ASSERT_LT(c[i].got[k], (uint32_t)COLLECT_MSGS);
			EXPECT_EQ(0, seen[c[i].got[k]]);
			seen[c[i].got[k]] = 1;
			/* each reader sees increasing values */
			if (k)
				EXPECT_LT(c[i].got[k - 1], c[i].got[k]);
		}
		free(c[i].got);
	}
	EXPECT_EQ((uint32_t)COLLECT_MSGS, total);
	free(seen);
}

/* ---- Linux signals --------------------------------------------------------------- */

/*
 * A signal delivered while the server waits in reply_read (after its reply
 * went out) never makes the reply go out twice, and the wait goes on: the
 * next request is still read by that reply_read.
 */
FIXTURE(rrsig) {
	zx_handle_t h0, h1;
};

FIXTURE_VARIANT(rrsig) {
	int sa_flags;
};

FIXTURE_VARIANT_ADD(rrsig, sa_restart) { .sa_flags = SA_RESTART };
FIXTURE_VARIANT_ADD(rrsig, no_sa_restart) { .sa_flags = 0 };

FIXTURE_SETUP(rrsig)
{
	zxt_channel(_metadata, &self->h0, &self->h1);
	__atomic_store_n(&zxc_usr1_handled, 0, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, zxc_sigaction(SIGUSR1, zxc_on_usr1, variant->sa_flags));
}

FIXTURE_TEARDOWN(rrsig)
{
	zxt_close_pair(self->h0, self->h1);
}

struct sig_server {
	struct zxc_server s;
	pid_t tid;
};

static void *sig_server_fn(void *p)
{
	struct sig_server *ss = p;

	__atomic_store_n(&ss->tid, zxc_gettid(), __ATOMIC_SEQ_CST);
	zxc_serve(&ss->s);
	return NULL;
}

TEST_F_TIMEOUT(rrsig, signal_never_resends_reply, 120)
{
	enum { ITERS = 20 };
	struct sig_server ss = { .s = { .h = self->h1, .nclients = 1, .reply_read = true } };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, sig_server_fn, &ss));
	while (!__atomic_load_n(&ss.tid, __ATOMIC_SEQ_CST))
		sched_yield();
	for (uint32_t i = 0; i < ITERS; i++) {
		/* a plain client: the request carries a call-range txid of its own */
		struct zxc_msg m = zxc_request(0, i), rd;
		uint32_t ab = 0, ah = 0;

		m.txid = 0x80000000u | (i + 100);
		ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, &m, sizeof(m), NULL, 0));
		ASSERT_EQ(ZX_OK, zxt_read_handles_blocking(self->h0, &rd, sizeof(rd), &ab, NULL, 0,
				 &ah, zx_deadline_after(ZX_MSEC(ZXC_BOUND_MS))));
		ASSERT_EQ(m.txid, rd.txid);
		ASSERT_EQ(i, rd.seq);
		ASSERT_EQ(zxc_reply_check(0, i), rd.check);
		/* the server is now waiting in the read half: signal it (twice) */
		ASSERT_TRUE(zxc_wait_task_syscall(getpid(), ss.tid, SYS_ioctl, ZXC_BOUND_MS));
		for (uint32_t k = 1; k <= 2; k++) {
			ASSERT_EQ(0, (int)syscall(SYS_tgkill, getpid(), ss.tid, SIGUSR1));
			ASSERT_TRUE(zxc_wait_counter(&zxc_usr1_handled, 2 * i + k, ZXC_BOUND_MS));
		}
		/* generous pause: a re-sent reply would show up by now */
		zxt_sleep_ms(50);
		ASSERT_NOTHING_QUEUED(self->h0);
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, ss.s.fail_line) {
		TH_LOG("server failed at line %d, status %d, value %u", ss.s.fail_line,
		       ss.s.fail_status, ss.s.fail_value);
	}
	EXPECT_EQ((uint32_t)ITERS - 1, ss.s.served);
	EXPECT_EQ((uint32_t)(2 * ITERS), __atomic_load_n(&zxc_usr1_handled, __ATOMIC_SEQ_CST));
}

/* read_wait keeps its absolute deadline across signals. */
TEST_F_TIMEOUT(rrsig, read_wait_deadline_kept_across_signals, 60)
{
	struct zxc_job w = { .op = ZXC_READ_WAIT, .h = self->h1 };
	uint32_t sent = 0;

	w.deadline = zxt_now() + ZX_MSEC(1500);
	zxc_job_start_blocked(_metadata, &w);
	/* signals every ~20 ms for up to 20 s: a restarted deadline would never expire */
	while (!zxc_job_done(&w) && zxt_now() < w.deadline + ZX_SEC(20)) {
		syscall(SYS_tgkill, getpid(), w.tid, SIGUSR1);
		sent++;
		zxt_sleep_ms(20);
	}
	zxc_job_finish(_metadata, &w);
	EXPECT_EQ(ZX_ERR_TIMED_OUT, w.st);
	EXPECT_GE(w.t_end, w.deadline);
	EXPECT_LT(w.t_end, w.deadline + ZX_SEC(5));
	TH_LOG("%u signals sent, %u handled", sent, zxc_usr1_handled);
}

TEST_HARNESS_MAIN
