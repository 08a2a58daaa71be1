// SPDX-License-Identifier: GPL-2.0
/*
 * zx_channel_call and Linux signals: a signal delivered to a waiting caller
 * (handler with and without SA_RESTART, SIGSTOP/SIGCONT from another
 * process, ptrace interrupts, a 1 kHz SIGALRM storm) never loses the reply
 * and never sends the request twice, and the call keeps its deadline.  A
 * fatal signal to a caller mid-call cleans up.  Also the raw uapi contract
 * behind it: an interrupted ZX_IOC_CHANNEL_CALL returns EINTR after the
 * request was sent and ZX_IOC_CHANNEL_CALL_FINISH completes it.
 *
 * Every server here checks that each (client, seq) request arrives exactly
 * once and in order; every caller checks that it got its own reply.
 */
#include "zx_call_util.h"
#include "zx_handle_util.h"

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/time.h>

#include <linux/zx.h>

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

/* Nothing queued on @h and its peer is gone (the server process exited). */
#define ASSERT_DRAINED_PEER_GONE(h) do {					\
	uint32_t __ab = 0xffffffff;						\
	char __b[8];								\
	ASSERT_EQ(PC, SIGNALS(h));						\
	ASSERT_EQ(ZX_ERR_PEER_CLOSED,						\
		  zx_channel_read((h), 0, __b, NULL, sizeof(__b), 0, &__ab, NULL)); \
} while (0)

/* ---- signal handlers ---------------------------------------------------------- */

static uint32_t g_alarms;	/* SIGALRM handler runs */

static void on_alarm(int sig)
{
	(void)sig;
	__atomic_add_fetch(&g_alarms, 1, __ATOMIC_SEQ_CST);
}

static void reset_globals(void)
{
	__atomic_store_n(&zxc_usr1_handled, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&zxc_usr1_block, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&zxc_usr1_in_handler, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&zxc_usr1_release, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&g_alarms, 0, __ATOMIC_SEQ_CST);
}

static int tgkill_(pid_t tid, int sig)
{
	return (int)syscall(SYS_tgkill, getpid(), tid, sig);
}

/* ---- fixture: handler with or without SA_RESTART -------------------------------- */

FIXTURE(sig) {
	zx_handle_t h0, h1;
	pid_t child;
};

FIXTURE_VARIANT(sig) {
	int sa_flags;
};

FIXTURE_VARIANT_ADD(sig, sa_restart) { .sa_flags = SA_RESTART };
FIXTURE_VARIANT_ADD(sig, no_sa_restart) { .sa_flags = 0 };

/* Also the setup and teardown of FIXTURE(storm) below. */
static void sig_fixture_setup(struct __test_metadata *_metadata, zx_handle_t *h0,
			      zx_handle_t *h1, pid_t *child, int sa_flags)
{
	reset_globals();
	zxt_channel(_metadata, h0, h1);
	*child = -1;
	ASSERT_EQ(0, zxc_sigaction(SIGUSR1, zxc_on_usr1, sa_flags));
	ASSERT_EQ(0, zxc_sigaction(SIGALRM, on_alarm, sa_flags));
}

static void sig_fixture_teardown(zx_handle_t h0, zx_handle_t h1, pid_t *child)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	zxt_kill_reap(child);
	zxt_close_pair(h0, h1);
}

FIXTURE_SETUP(sig)
{
	sig_fixture_setup(_metadata, &self->h0, &self->h1, &self->child, variant->sa_flags);
}

FIXTURE_TEARDOWN(sig)
{
	sig_fixture_teardown(self->h0, self->h1, &self->child);
}

/* ---- SIGUSR1 at every stage of a call ------------------------------------------- */

/*
 * A server thread that, for each request, signals the calling thread in
 * one of five ways (see the switch) before or after replying.  Modes 0, 3
 * and 4 wait until the handler actually ran, so those signals certainly
 * hit the call while it waited (3: the reply arrives while the handler
 * runs, i.e. while the call is parked; 4: a second signal interrupts the
 * resumed call).
 */
struct sigsrv {
	zx_handle_t h;
	pid_t caller;
	uint32_t iters;
	uint32_t served, waited_for;
	int fail_line;
	zx_status_t fail_st;
	uint32_t fail_val;
};

#define SS_FAIL(s, st, v) do {						\
	(s)->fail_line = __LINE__;					\
	(s)->fail_st = (st);						\
	(s)->fail_val = (uint32_t)(v);					\
	__atomic_store_n(&zxc_usr1_release, 1, __ATOMIC_SEQ_CST);		\
	return NULL;							\
} while (0)

static void *sigsrv_fn(void *p)
{
	struct sigsrv *s = p;

	zxc_sigmask(SIGUSR1, true);
	for (uint32_t i = 0; i < s->iters; i++) {
		struct zxc_msg m, rep;
		uint32_t ab = 0, ah = 0, before;
		zx_status_t st = zxt_read_handles_blocking(s->h, &m, sizeof(m), &ab, NULL, 0,
							   &ah, zxt_long_deadline());

		if (st != ZX_OK)
			SS_FAIL(s, st, i);
		if (ab != sizeof(m) || !zxc_is_call_txid(m.txid) || m.client != 0 ||
		    m.check != zxc_req_check(0, m.seq))
			SS_FAIL(s, st, ab);
		/* exactly once, in order: a re-sent request would break this */
		if (m.seq != i)
			SS_FAIL(s, st, m.seq);
		rep = (struct zxc_msg){ m.txid, 0, m.seq, zxc_reply_check(0, m.seq) };

		switch (i % 5) {
		case 0:		/* signal, handler ran, reply */
			before = __atomic_load_n(&zxc_usr1_handled, __ATOMIC_SEQ_CST);
			tgkill_(s->caller, SIGUSR1);
			if (!zxc_wait_counter(&zxc_usr1_handled, before + 1, ZXC_BOUND_MS))
				SS_FAIL(s, st, i);
			s->waited_for++;
			st = zx_channel_write(s->h, 0, &rep, sizeof(rep), NULL, 0);
			break;
		case 1:		/* reply, then signal (races with the wake-up) */
			st = zx_channel_write(s->h, 0, &rep, sizeof(rep), NULL, 0);
			tgkill_(s->caller, SIGUSR1);
			break;
		case 2:		/* signal and reply at once */
			tgkill_(s->caller, SIGUSR1);
			st = zx_channel_write(s->h, 0, &rep, sizeof(rep), NULL, 0);
			break;
		case 3:		/* reply while the handler runs (call parked) */
			__atomic_store_n(&zxc_usr1_release, 0, __ATOMIC_SEQ_CST);
			__atomic_store_n(&zxc_usr1_block, 1, __ATOMIC_SEQ_CST);
			tgkill_(s->caller, SIGUSR1);
			if (!zxc_wait_counter(&zxc_usr1_in_handler, 1, ZXC_BOUND_MS))
				SS_FAIL(s, st, i);
			s->waited_for++;
			st = zx_channel_write(s->h, 0, &rep, sizeof(rep), NULL, 0);
			__atomic_store_n(&zxc_usr1_block, 0, __ATOMIC_SEQ_CST);
			__atomic_store_n(&zxc_usr1_release, 1, __ATOMIC_SEQ_CST);
			break;
		case 4:		/* two signals, the second one hits the resumed call */
			before = __atomic_load_n(&zxc_usr1_handled, __ATOMIC_SEQ_CST);
			tgkill_(s->caller, SIGUSR1);
			if (!zxc_wait_counter(&zxc_usr1_handled, before + 1, ZXC_BOUND_MS))
				SS_FAIL(s, st, i);
			zxt_sleep_ms(2);
			tgkill_(s->caller, SIGUSR1);
			if (!zxc_wait_counter(&zxc_usr1_handled, before + 2, ZXC_BOUND_MS))
				SS_FAIL(s, st, i);
			s->waited_for += 2;
			st = zx_channel_write(s->h, 0, &rep, sizeof(rep), NULL, 0);
			break;
		}
		if (st != ZX_OK)
			SS_FAIL(s, st, i);
		s->served++;
	}
	return NULL;
}

/*
 * After the calls: the server thread @t served them all, every signal it
 * waited for was handled (others may have merged), no reply leaked into
 * the queue and no request was sent twice.
 */
static void sigsrv_check(struct __test_metadata *_metadata, FIXTURE_DATA(sig) *self,
			 struct sigsrv *s, pthread_t t)
{
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, s->fail_line) {
		TH_LOG("server failed at line %d, status %d, value %u", s->fail_line,
		       s->fail_st, s->fail_val);
	}
	EXPECT_EQ(s->iters, s->served);
	EXPECT_GE(__atomic_load_n(&zxc_usr1_handled, __ATOMIC_SEQ_CST), s->waited_for);
	ASSERT_NOTHING_QUEUED(self->h0);
	ASSERT_NOTHING_QUEUED(self->h1);
}

TEST_F_TIMEOUT(sig, handler_during_call_loses_nothing, 120)
{
	struct sigsrv s = { .h = self->h1, .caller = zxc_gettid(), .iters = 100 };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, sigsrv_fn, &s));
	for (uint32_t i = 0; i < s.iters; i++) {
		struct zxc_msg reply;
		zx_status_t st = zxc_call_msg(self->h0, zxt_long_deadline(), 0, i, &reply);

		if (st != ZX_OK) {
			__atomic_store_n(&zxc_usr1_release, 1, __ATOMIC_SEQ_CST);
			zx_handle_close(self->h0);
			self->h0 = 0;
			pthread_join(t, NULL);
		}
		ASSERT_EQ(ZX_OK, st) {
			TH_LOG("call %u (mode %u); server line %d", i, i % 5, s.fail_line);
		}
	}
	sigsrv_check(_metadata, self, &s, t);
}

/* The same with call_etc and a handle travelling both ways. */
static void *etc_sig_server(void *p)
{
	struct sigsrv *s = p;

	zxc_sigmask(SIGUSR1, true);
	for (uint32_t i = 0; i < s->iters; i++) {
		struct zxc_msg m;
		zx_handle_t hh[2];
		uint32_t ab = 0, ah = 0, before;
		zx_status_t st = zxt_read_handles_blocking(s->h, &m, sizeof(m), &ab, hh, 2, &ah,
							   zxt_long_deadline());

		if (st != ZX_OK || ah != 1 || m.seq != i || !zxc_is_call_txid(m.txid))
			SS_FAIL(s, st, i);
		before = __atomic_load_n(&zxc_usr1_handled, __ATOMIC_SEQ_CST);
		tgkill_(s->caller, SIGUSR1);
		if (!zxc_wait_counter(&zxc_usr1_handled, before + 1, ZXC_BOUND_MS))
			SS_FAIL(s, st, i);
		s->waited_for++;
		m.check = zxc_reply_check(0, m.seq);
		st = zx_channel_write(s->h, 0, &m, sizeof(m), hh, 1);
		if (st != ZX_OK)
			SS_FAIL(s, st, i);
		s->served++;
	}
	return NULL;
}

TEST_F_TIMEOUT(sig, handler_during_call_etc_keeps_handles, 120)
{
	struct sigsrv s = { .h = self->h1, .caller = zxc_gettid(), .iters = 30 };
	zx_handle_t e;
	zx_koid_t ke;
	pthread_t t;

	ASSERT_EQ(ZX_OK, zx_event_create(0, &e));
	ke = zxt_koid(e);
	ASSERT_EQ(0, pthread_create(&t, NULL, etc_sig_server, &s));
	for (uint32_t i = 0; i < s.iters; i++) {
		struct zxc_msg m = zxc_request(0, i), rd;
		zx_handle_disposition_t d = { ZX_HANDLE_OP_MOVE, e, ZX_OBJ_TYPE_EVENT,
					      ZX_RIGHT_SAME_RIGHTS, 0 };
		zx_handle_info_t info = { 0 };
		uint32_t ab = 0, ah = 0;
		zx_channel_call_etc_args_t ea = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
						  .wr_handles = &d, .wr_num_handles = 1,
						  .rd_bytes = &rd, .rd_num_bytes = sizeof(rd),
						  .rd_handles = &info, .rd_num_handles = 1 };

		ASSERT_EQ(ZX_OK, zx_channel_call_etc(self->h0, 0, zxt_long_deadline(), &ea,
						     &ab, &ah)) {
			TH_LOG("call %u", i);
		}
		ASSERT_EQ(sizeof(rd), ab);
		ASSERT_EQ(1u, ah);
		ASSERT_EQ(zxc_reply_check(0, i), rd.check);
		ASSERT_EQ(ZX_OBJ_TYPE_EVENT, info.type);
		ASSERT_EQ(ke, zxt_koid(info.handle));
		e = info.handle;
	}
	sigsrv_check(_metadata, self, &s, t);
	EXPECT_EQ(ZX_OK, zx_handle_close(e));
}

/*
 * The deadline is absolute: signals arriving every ~20 ms do not extend a
 * call that is never answered.  If an interrupted call restarted its
 * deadline, it would last as long as the signals do (20 s here); the
 * bound is deadline + 5 s (generous for TCG).
 */
struct pester {
	pid_t tid;
	uint32_t stop, sent;
};

static void *pester_fn(void *p)
{
	struct pester *ps = p;
	int64_t end = zxt_now() + ZX_SEC(20);

	zxc_sigmask(SIGUSR1, true);
	while (!__atomic_load_n(&ps->stop, __ATOMIC_SEQ_CST) && zxt_now() < end) {
		tgkill_(ps->tid, SIGUSR1);
		ps->sent++;
		zxt_sleep_ms(20);
	}
	return NULL;
}

TEST_F_TIMEOUT(sig, deadline_kept_across_signals, 90)
{
	struct pester ps = { .tid = zxc_gettid() };
	struct zxc_msg m = zxc_request(0, 0), rd, req;
	uint32_t ab = 0, ah = 0;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zx_time_t deadline;
	zx_status_t st;
	int64_t end;
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, pester_fn, &ps));
	deadline = zxt_now() + ZX_MSEC(1500);
	st = zx_channel_call(self->h0, 0, deadline, &a, &ab, &ah);
	end = zxt_now();
	__atomic_store_n(&ps.stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_ERR_TIMED_OUT, st);
	EXPECT_GE(end, deadline);
	EXPECT_LT(end, deadline + ZX_SEC(5));
	TH_LOG("%u signals sent, %u handled", ps.sent, zxc_usr1_handled);
	/* sent exactly once */
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, &req, NULL, sizeof(req), 0, &ab, &ah));
	EXPECT_TRUE(zxc_is_call_txid(req.txid));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* ---- the uapi contract: EINTR after sending, then CALL_FINISH -------------------- */

static int raw_call(unsigned long cmd, zx_handle_t h, zx_time_t deadline,
		    zx_channel_call_args_t *a, uint32_t *ab, uint32_t *ah)
{
	struct zxu_ioc_channel_call ioc = {
		.args = (uintptr_t)a,
		.deadline = deadline,
		.actual_bytes = (uintptr_t)ab,
		.actual_handles = (uintptr_t)ah,
		.options = 0,
		.handle = h,
	};

	return ioctl((int)h, cmd, &ioc) < 0 ? errno : 0;
}

struct kicker {
	zx_handle_t h;
	pid_t tid;
	uint32_t txid;
	zx_status_t st;
};

/* Read the request, then signal the caller once its handler can run. */
static void *kick_fn(void *p)
{
	struct kicker *k = p;
	struct zxc_msg m;
	uint32_t ab = 0, ah = 0;

	zxc_sigmask(SIGUSR1, true);
	k->st = zxt_read_handles_blocking(k->h, &m, sizeof(m), &ab, NULL, 0, &ah,
					  zxt_long_deadline());
	if (k->st == ZX_OK)
		k->txid = m.txid;
	tgkill_(k->tid, SIGUSR1);
	return NULL;
}

/*
 * A raw call on self->h0 that a signal interrupts once its request is
 * out: EINTR whatever SA_RESTART says, the call is parked.  Returns the
 * request's txid.
 */
static uint32_t park_call(struct __test_metadata *_metadata, FIXTURE_DATA(sig) *self,
			  zx_time_t deadline, zx_channel_call_args_t *a, uint32_t *ab,
			  uint32_t *ah)
{
	struct kicker k = { .h = self->h1, .tid = zxc_gettid() };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, kick_fn, &k));
	EXPECT_EQ(EINTR, raw_call(ZX_IOC_CHANNEL_CALL, self->h0, deadline, a, ab, ah));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(ZX_OK, k.st);
	return k.txid;
}

TEST_F(sig, raw_interrupted_call_returns_eintr_and_finish_completes_it)
{
	struct zxc_msg m = zxc_request(0, 0), rd, rep;
	uint32_t ab = 0xdeadbeef, ah = 0xdeadbeef, txid;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	/* nothing interrupted yet: BAD_STATE */
	EXPECT_EQ(EBADFD, raw_call(ZX_IOC_CHANNEL_CALL_FINISH, self->h0, zxt_long_deadline(),
				   &a, &ab, &ah));

	txid = park_call(_metadata, self, zxt_long_deadline(), &a, &ab, &ah);
	ASSERT_TRUE(zxc_is_call_txid(txid));
	EXPECT_GE(__atomic_load_n(&zxc_usr1_handled, __ATOMIC_SEQ_CST), 1u);
	EXPECT_EQ(0xdeadbeefu, ab);
	/* sent once */
	ASSERT_NOTHING_QUEUED(self->h1);

	/* the reply arrives while the call is parked: kept for it, not queued */
	rep = (struct zxc_msg){ txid, 0, 0, zxc_reply_check(0, 0) };
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &rep, sizeof(rep), NULL, 0));
	EXPECT_EQ(W, SIGNALS(self->h0));

	EXPECT_EQ(0, raw_call(ZX_IOC_CHANNEL_CALL_FINISH, self->h0, zxt_long_deadline(),
			      &a, &ab, &ah));
	EXPECT_EQ(sizeof(rd), ab);
	EXPECT_EQ(0u, ah);
	EXPECT_EQ(0, memcmp(&rd, &rep, sizeof(rd)));
	/* finished: nothing left to finish */
	EXPECT_EQ(EBADFD, raw_call(ZX_IOC_CHANNEL_CALL_FINISH, self->h0, zxt_long_deadline(),
				   &a, &ab, &ah));
	ASSERT_NOTHING_QUEUED(self->h0);
}

/* CALL_FINISH waits for a reply that comes later, with the original deadline. */
TEST_F(sig, raw_finish_waits_then_times_out_at_original_deadline)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab = 0, ah = 0, txid;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	zx_time_t deadline = zxt_now() + ZX_SEC(2);
	int64_t end;
	int err;

	txid = park_call(_metadata, self, deadline, &a, &ab, &ah);
	/* resume with a much later deadline: the original one applies */
	do {
		err = raw_call(ZX_IOC_CHANNEL_CALL_FINISH, self->h0, ZX_TIME_INFINITE,
			       &a, &ab, &ah);
	} while (err == EINTR);
	end = zxt_now();
	EXPECT_EQ(ETIMEDOUT, err);
	EXPECT_GE(end, deadline);
	EXPECT_LT(end, deadline + ZX_SEC(5));
	/* the waiter is gone: a late reply is an ordinary message */
	struct zxc_msg rep = { txid, 0, 0, 1 };

	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &rep, sizeof(rep), NULL, 0));
	EXPECT_EQ(W | R, SIGNALS(self->h0));
	EXPECT_EQ(EBADFD, raw_call(ZX_IOC_CHANNEL_CALL_FINISH, self->h0, ZX_TIME_INFINITE,
				   &a, &ab, &ah));
}

/*
 * A thread that abandons its interrupted call (never finishes it) can
 * still make new calls on the endpoint.
 */
TEST_F(sig, abandoned_interrupted_call_does_not_block_new_calls)
{
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab = 0, ah = 0;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	struct zxc_server s = { .h = self->h1, .nclients = 2, .expect = 5 };
	pthread_t t;

	park_call(_metadata, self, zxt_long_deadline(), &a, &ab, &ah);

	s.next_seq[1] = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, zxc_serve_thread, &s));
	for (uint32_t i = 0; i < 5; i++) {
		struct zxc_msg reply;

		ASSERT_EQ(ZX_OK, zxc_call_msg(self->h0, zxt_long_deadline(), 1, i, &reply));
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, s.fail_line);
	EXPECT_EQ(5u, s.served);
}

/* CALL_FINISH checks the handle's type like every channel call: WRONG_TYPE. */
TEST_F(sig, raw_finish_on_a_non_channel_is_wrong_type)
{
	zx_handle_t e = zxt_event(_metadata);
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t ab = 0, ah = 0;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	EXPECT_EQ(EPROTOTYPE, raw_call(ZX_IOC_CHANNEL_CALL_FINISH, e, zxt_long_deadline(),
				       &a, &ab, &ah));
}

/*
 * A thread whose call was interrupted, and whose reply then arrived, exits
 * without finishing the call.  Nobody else ever calls on the endpoint.  The
 * parked call must not keep the reply (and the handle in it) forever: it is
 * queued on the endpoint like any late reply, within the reaper's period.
 */
struct abandoner {
	zx_handle_t h;
	zx_time_t deadline;
	pid_t tid;
	int err;
	int parked;
	int may_exit;
};

static void *abandon_fn(void *p)
{
	struct abandoner *ab = p;
	struct zxc_msg m = zxc_request(0, 0), rd;
	uint32_t nb = 0, nh = 0;
	zx_handle_t got[1];
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd),
				     .rd_handles = got, .rd_num_handles = 1 };

	__atomic_store_n(&ab->tid, zxc_gettid(), __ATOMIC_SEQ_CST);
	ab->err = raw_call(ZX_IOC_CHANNEL_CALL, ab->h, ab->deadline, &a, &nb, &nh);
	__atomic_store_n(&ab->parked, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&ab->may_exit, __ATOMIC_SEQ_CST))
		zxt_sleep_ms(1);
	return NULL;
}

TEST_F_TIMEOUT(sig, reply_held_for_call_of_exited_thread_is_queued, 120)
{
	struct abandoner ab = { .h = self->h0, .deadline = zxt_long_deadline() };
	struct zxc_msg req, rep, got;
	zx_handle_t e0, e1, moved = ZX_HANDLE_INVALID;
	uint32_t nb = 0, nh = 0;
	pthread_t t;
	pid_t tid;

	zxt_eventpair(_metadata, &e0, &e1);
	ASSERT_EQ(0, pthread_create(&t, NULL, abandon_fn, &ab));
	/* The request arrives; interrupt the caller. */
	ASSERT_EQ(ZX_OK, zxt_read_handles_blocking(self->h1, &req, sizeof(req), &nb, NULL, 0,
						   &nh, zxt_long_deadline()));
	ASSERT_TRUE(zxc_is_call_txid(req.txid));
	tid = __atomic_load_n(&ab.tid, __ATOMIC_SEQ_CST);
	ASSERT_TRUE(zxc_wait_task_syscall(getpid(), tid, SYS_ioctl, ZXC_BOUND_MS));
	ASSERT_EQ(0, tgkill_(tid, SIGUSR1));
	while (!__atomic_load_n(&ab.parked, __ATOMIC_SEQ_CST))
		zxt_sleep_ms(1);
	ASSERT_EQ(EINTR, ab.err);

	/* The reply, carrying a handle, is kept for the parked call... */
	rep = (struct zxc_msg){ req.txid, 0, 0, zxc_reply_check(0, 0) };
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &rep, sizeof(rep), &e1, 1));
	EXPECT_EQ(W, SIGNALS(self->h0));
	/* ...whose thread now exits without finishing it. */
	__atomic_store_n(&ab.may_exit, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(t, NULL));

	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h0, R, zx_deadline_after(ZX_SEC(30)), NULL));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, &got, &moved, sizeof(got), 1, &nb, &nh));
	EXPECT_EQ(0, memcmp(&got, &rep, sizeof(got)));
	EXPECT_EQ(1u, nh);
	EXPECT_EQ(zxt_koid(moved), zxt_related_koid(e0));
	EXPECT_EQ(0u, SIGNALS(e0) & ZX_EVENTPAIR_PEER_CLOSED);
}

/* Taking the reply of a parked call needs the rights the call needed. */
TEST_F(sig, raw_finish_needs_read_and_write)
{
	struct zxc_msg m = zxc_request(0, 0), rd, rep;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	uint32_t ab = 0, ah = 0, txid;
	zx_handle_t waiter;

	txid = park_call(_metadata, self, zxt_long_deadline(), &a, &ab, &ah);
	rep = (struct zxc_msg){ txid, 0, 0, zxc_reply_check(0, 0) };
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &rep, sizeof(rep), NULL, 0));

	/* Another handle to the endpoint, with WAIT only: no reply for it. */
	ASSERT_EQ(ZX_OK, zx_handle_replace(self->h0, ZX_RIGHT_WAIT | ZX_RIGHT_TRANSFER,
					   &waiter));
	self->h0 = waiter;
	EXPECT_EQ(EACCES, raw_call(ZX_IOC_CHANNEL_CALL_FINISH, waiter, zxt_long_deadline(),
				   &a, &ab, &ah));
}

/*
 * exec from a thread that is not the leader gives the leader's pid to the
 * exec'ing thread (de_thread).  A call the leader left parked must not
 * pass to the new program: its CALL_FINISH finds nothing to finish, and
 * the reply that comes is an ordinary message.  The new program is this
 * binary again, run by the constructor below before the harness starts.
 */
#define EXEC_FINISH_ENV	"ZXT_EXEC_FINISH"

__attribute__((constructor)) static void exec_finish_child(void)
{
	const char *env = getenv(EXEC_FINISH_ENV);
	unsigned int h0, h1, txid;
	struct zxc_msg rep, rd;
	zx_channel_call_args_t a = { .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	uint32_t ab = 0, ah = 0;
	int err;

	if (!env || sscanf(env, "%u %u %u", &h0, &h1, &txid) != 3)
		return;
	rep = (struct zxc_msg){ txid, 0, 0, zxc_reply_check(0, 0) };
	if (zx_channel_write(h1, 0, &rep, sizeof(rep), NULL, 0) != ZX_OK)
		_exit(10);
	err = raw_call(ZX_IOC_CHANNEL_CALL_FINISH, h0, zx_deadline_after(ZX_SEC(2)), &a, &ab,
		       &ah);
	if (err != EBADFD) {
		fprintf(stderr, "CALL_FINISH after exec: errno %d, want EBADFD\n", err);
		_exit(11);
	}
	/* The reply is queued, and nothing else. */
	if (zx_object_wait_one(h0, ZX_CHANNEL_READABLE, zx_deadline_after(ZX_SEC(30)),
			       NULL) != ZX_OK)
		_exit(12);
	if (zx_channel_read(h0, 0, &rd, NULL, sizeof(rd), 0, &ab, &ah) != ZX_OK ||
	    memcmp(&rd, &rep, sizeof(rd)))
		_exit(13);
	_exit(0);
}

struct execer {
	zx_handle_t h0, h1;
	uint32_t txid;
};

static void *exec_fn(void *p)
{
	struct execer *x = p;
	char env[96];
	char *argv[] = { "call_signal_test", NULL };
	char *envp[] = { env, NULL };

	snprintf(env, sizeof(env), EXEC_FINISH_ENV "=%u %u %u", x->h0, x->h1, x->txid);
	fcntl((int)x->h0, F_SETFD, 0);
	fcntl((int)x->h1, F_SETFD, 0);
	execve("/proc/self/exe", argv, envp);
	return NULL;
}

TEST_F(sig, parked_call_does_not_pass_through_exec)
{
	struct kicker k = { .h = self->h1, .tid = zxc_gettid() };
	struct zxc_msg m = zxc_request(0, 0), rd;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	struct execer x = { .h0 = self->h0, .h1 = self->h1 };
	uint32_t ab = 0, ah = 0;
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, kick_fn, &k));
	ASSERT_EQ(EINTR, raw_call(ZX_IOC_CHANNEL_CALL, self->h0, zxt_long_deadline(),
				  &a, &ab, &ah));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(ZX_OK, k.st);
	x.txid = k.txid;
	/* This thread, the leader, is replaced: the verdict is the new
	 * program's exit status. */
	ASSERT_EQ(0, pthread_create(&t, NULL, exec_fn, &x));
	pthread_join(t, NULL);
	ASSERT_TRUE(false) {
		TH_LOG("exec did not happen");
	}
}

/*
 * At most one parked call per thread and endpoint: the thread's next call
 * drops the parked one.  A reply that had already arrived for it is queued
 * as a message, not destroyed with the waiter.
 */
TEST_F(sig, new_call_drops_the_parked_call_and_queues_its_reply)
{
	struct zxc_msg m = zxc_request(0, 0), rd, rep, got;
	struct zxc_server s = { .h = self->h1, .nclients = 2, .expect = 1 };
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	uint32_t ab = 0, ah = 0, txid;
	pthread_t t;

	txid = park_call(_metadata, self, zxt_long_deadline(), &a, &ab, &ah);
	/* The reply comes while the call is parked: held for it. */
	rep = (struct zxc_msg){ txid, 0, 0, zxc_reply_check(0, 0) };
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h1, 0, &rep, sizeof(rep), NULL, 0));
	EXPECT_EQ(W, SIGNALS(self->h0));

	/* A new call from the same thread: the parked one is dropped. */
	ASSERT_EQ(0, pthread_create(&t, NULL, zxc_serve_thread, &s));
	ASSERT_EQ(ZX_OK, zxc_call_msg(self->h0, zxt_long_deadline(), 1, 0, &got));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, s.fail_line);
	EXPECT_EQ(EBADFD, raw_call(ZX_IOC_CHANNEL_CALL_FINISH, self->h0, zxt_long_deadline(),
				   &a, &ab, &ah));
	/* Its reply is an ordinary message now. */
	EXPECT_EQ(W | R, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, &got, NULL, sizeof(got), 0, &ab, &ah));
	EXPECT_EQ(0, memcmp(&got, &rep, sizeof(got)));
}

/*
 * The reaper (run every 10 ms here) against endpoints whose calls park and
 * resume all the time: two callers under a 1 kHz SIGALRM storm keep
 * parking and finishing calls on the endpoint while, one after another,
 * threads park a call there, get their reply held, and exit.  Every held
 * reply must come out as a message; nothing may crash or leak.
 */
struct reaper_race {
	zx_handle_t h0, h1;
	int stop;
	/* the current abandoner */
	pid_t tid;
	uint32_t seq;
	int parked, replied;
	int fail;
};

static void *reaper_server(void *p)
{
	struct reaper_race *r = p;

	zxc_sigmask(SIGALRM, true);
	for (;;) {
		struct zxc_msg m, rep;
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zxt_read_handles_blocking(r->h1, &m, sizeof(m), &ab, NULL, 0,
							   &ah, zxt_long_deadline());

		if (st == ZX_ERR_PEER_CLOSED)
			return NULL;
		if (st != ZX_OK || ab != sizeof(m) || !zxc_is_call_txid(m.txid)) {
			r->fail = 1;
			return NULL;
		}
		if (m.client == 1) {
			/* an abandoner: make sure it is parked before replying */
			tgkill_(__atomic_load_n(&r->tid, __ATOMIC_SEQ_CST), SIGUSR1);
			if (!zxc_wait_counter((volatile uint32_t *)&r->parked, 1, ZXC_BOUND_MS)) {
				r->fail = 2;
				return NULL;
			}
		}
		rep = (struct zxc_msg){ m.txid, m.client, m.seq,
					zxc_reply_check(m.client, m.seq) };
		if (zx_channel_write(r->h1, 0, &rep, sizeof(rep), NULL, 0) != ZX_OK) {
			r->fail = 3;
			return NULL;
		}
		if (m.client == 1)
			__atomic_store_n(&r->replied, 1, __ATOMIC_SEQ_CST);
	}
}

static void *reaper_storm_client(void *p)
{
	struct reaper_race *r = p;

	for (uint32_t seq = 0; !__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST); seq++) {
		struct zxc_msg got;

		if (zxc_call_msg(r->h0, zxt_long_deadline(), 0, seq, &got) != ZX_OK) {
			r->fail = 4;
			return NULL;
		}
	}
	return NULL;
}

static void *reaper_abandoner(void *p)
{
	struct reaper_race *r = p;
	struct zxc_msg m = zxc_request(1, r->seq), rd;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };
	uint32_t ab, ah;

	zxc_sigmask(SIGALRM, true);
	__atomic_store_n(&r->tid, zxc_gettid(), __ATOMIC_SEQ_CST);
	if (raw_call(ZX_IOC_CHANNEL_CALL, r->h0, zxt_long_deadline(), &a, &ab, &ah) != EINTR)
		r->fail = 5;
	__atomic_store_n(&r->parked, 1, __ATOMIC_SEQ_CST);
	if (!zxc_wait_counter((volatile uint32_t *)&r->replied, 1, ZXC_BOUND_MS))
		r->fail = 6;
	return NULL;
}

static int set_reap_ms(unsigned int ms)
{
	FILE *f = fopen("/sys/module/zx/parameters/parked_call_reap_ms", "w");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%u\n", ms) > 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

TEST_F_TIMEOUT(sig, parked_calls_race_the_reaper, 120)
{
	struct reaper_race r = { .h0 = self->h0, .h1 = self->h1 };
	struct itimerval on = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
	int64_t end = zxt_now() + ZX_SEC(3);
	pthread_t srv, cl[2], t;
	uint32_t n = 0, seen = 0;
	bool *got;

	ASSERT_EQ(0, set_reap_ms(10));
	ASSERT_EQ(0, pthread_create(&srv, NULL, reaper_server, &r));
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&cl[i], NULL, reaper_storm_client, &r));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &on, NULL));
	while (zxt_now() < end && !r.fail) {
		r.seq = n;
		__atomic_store_n(&r.parked, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&r.replied, 0, __ATOMIC_SEQ_CST);
		ASSERT_EQ(0, pthread_create(&t, NULL, reaper_abandoner, &r));
		ASSERT_EQ(0, pthread_join(t, NULL));
		n++;
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(cl[i], NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &off, NULL));
	EXPECT_EQ(0, r.fail);

	/* Every abandoned call's reply shows up, once. */
	got = calloc(n, sizeof(*got));
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)got);
	while (seen < n) {
		struct zxc_msg m;
		uint32_t ab, ah;

		ASSERT_EQ(ZX_OK, zxt_read_handles_blocking(self->h0, &m, sizeof(m), &ab, NULL, 0,
							   &ah, zx_deadline_after(ZX_SEC(30)))) {
			TH_LOG("%u of %u held replies came out", seen, n);
		}
		ASSERT_EQ(1u, m.client);
		ASSERT_LT(m.seq, n);
		ASSERT_FALSE(got[m.seq]);
		got[m.seq] = true;
		seen++;
	}
	TH_LOG("%u abandoned calls, every held reply queued", n);
	free(got);
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	ASSERT_EQ(0, pthread_join(srv, NULL));
	EXPECT_EQ(0, set_reap_ms(1000));
}

/* ---- SIGSTOP / SIGCONT and ptrace from another process --------------------------- */

/*
 * Child side: read the parent's request @i on @h and check it, make its
 * reply in @rep, and wait until the parent blocks in the call.  Returns 0
 * or the child's exit code.
 */
static int next_request(zx_handle_t h, uint32_t i, struct zxc_msg *rep)
{
	pid_t parent = getppid();
	struct zxc_msg m;
	uint32_t ab = 0, ah = 0;

	if (zxt_read_handles_blocking(h, &m, sizeof(m), &ab, NULL, 0, &ah,
				      zxt_long_deadline()) != ZX_OK)
		return 10;
	if (ab != sizeof(m) || !zxc_is_call_txid(m.txid) || m.seq != i ||
	    m.check != zxc_req_check(0, i))
		return 11;
	*rep = (struct zxc_msg){ m.txid, 0, i, zxc_reply_check(0, i) };
	if (!zxc_wait_task_syscall(parent, parent, SYS_ioctl, ZXC_BOUND_MS))
		return 12;
	return 0;
}

/* Child side: serve @iters requests, stopping the parent around each reply. */
static int stop_cont_server(zx_handle_t h, uint32_t iters)
{
	pid_t parent = getppid();

	for (uint32_t i = 0; i < iters; i++) {
		struct zxc_msg rep;
		int rc = next_request(h, i, &rep);

		if (rc)
			return rc;
		/* the parent is blocked in the call: stop it */
		kill(parent, SIGSTOP);
		if (!zxt_wait_task_state(parent, parent, "T", ZXC_BOUND_MS))
			rc = 13;
		switch (i % 3) {
		case 0:	/* reply while stopped */
			if (!rc && zx_channel_write(h, 0, &rep, sizeof(rep), NULL, 0) != ZX_OK)
				rc = 14;
			zxt_sleep_ms(10);
			kill(parent, SIGCONT);
			break;
		case 1:	/* continue, then reply */
			kill(parent, SIGCONT);
			zxt_sleep_ms(10);
			if (!rc && zx_channel_write(h, 0, &rep, sizeof(rep), NULL, 0) != ZX_OK)
				rc = 15;
			break;
		case 2:	/* stop twice, reply in between */
			kill(parent, SIGCONT);
			kill(parent, SIGSTOP);
			if (!rc && zx_channel_write(h, 0, &rep, sizeof(rep), NULL, 0) != ZX_OK)
				rc = 16;
			kill(parent, SIGCONT);
			break;
		}
		if (rc)
			return rc;
	}
	/* nothing more may arrive: a re-sent request would show up here */
	{
		struct zxc_msg m;
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zxt_read_handles_blocking(h, &m, sizeof(m), &ab, NULL, 0, &ah,
							   zxt_long_deadline());

		if (st != ZX_ERR_PEER_CLOSED)
			return 17;
	}
	return 0;
}

TEST_F_TIMEOUT(sig, sigstop_sigcont_from_another_process, 120)
{
	enum { ITERS = 24 };

	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		int rc;

		zx_handle_close(self->h0);
		rc = stop_cont_server(self->h1, ITERS);
		kill(getppid(), SIGCONT);
		_exit(rc);
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	for (uint32_t i = 0; i < ITERS; i++) {
		struct zxc_msg reply;

		ASSERT_EQ(ZX_OK, zxc_call_msg(self->h0, zxt_long_deadline(), 0, i, &reply)) {
			TH_LOG("call %u", i);
		}
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	EXPECT_EQ(0, zxt_reap(self->child));
	self->child = -1;
}

/*
 * PTRACE_SEIZE + PTRACE_INTERRUPT of the calling thread by a tracer
 * process that is also the server.  Skipped if ptrace is not permitted.
 */
static int ptrace_server(zx_handle_t h, uint32_t iters)
{
	pid_t parent = getppid();
	int status;

	if (ptrace(PTRACE_SEIZE, parent, NULL, NULL) != 0)
		return 77;
	for (uint32_t i = 0; i < iters; i++) {
		struct zxc_msg rep;
		int rc = next_request(h, i, &rep);

		if (rc)
			return rc;
		if (ptrace(PTRACE_INTERRUPT, parent, NULL, NULL) != 0)
			return 13;
		if (waitpid(parent, &status, __WALL) != parent || !WIFSTOPPED(status))
			return 14;
		if (i % 2 == 0 && zx_channel_write(h, 0, &rep, sizeof(rep), NULL, 0) != ZX_OK)
			return 15;
		if (ptrace(PTRACE_CONT, parent, NULL, NULL) != 0)
			return 16;
		if (i % 2 == 1 && zx_channel_write(h, 0, &rep, sizeof(rep), NULL, 0) != ZX_OK)
			return 17;
	}
	/* stop it once more to detach cleanly */
	if (ptrace(PTRACE_INTERRUPT, parent, NULL, NULL) == 0 &&
	    waitpid(parent, &status, __WALL) == parent)
		ptrace(PTRACE_DETACH, parent, NULL, NULL);
	return 0;
}

TEST_F_TIMEOUT(sig, ptrace_interrupt_of_waiting_caller, 120)
{
	enum { ITERS = 10 };
	int rc;

	/* allow the child to trace us under Yama ptrace_scope=1 */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		zx_handle_close(self->h0);
		_exit(ptrace_server(self->h1, ITERS));
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	for (uint32_t i = 0; i < ITERS; i++) {
		struct zxc_msg reply;
		zx_status_t st = zxc_call_msg(self->h0, zx_deadline_after(ZX_SEC(30)), 0, i,
					      &reply);

		if (st == ZX_ERR_PEER_CLOSED && i == 0)
			break;	/* the tracer gave up (SEIZE refused) */
		ASSERT_EQ(ZX_OK, st) {
			TH_LOG("call %u", i);
		}
	}
	rc = zxt_reap(self->child);
	self->child = -1;
	if (rc == 77)
		SKIP(return, "PTRACE_SEIZE of the parent not permitted");
	EXPECT_EQ(0, rc);
	ASSERT_DRAINED_PEER_GONE(self->h0);
}

/* ---- a 1 kHz SIGALRM storm ------------------------------------------------------- */

/*
 * ITIMER_REAL at 1 kHz while 10,000 calls (as many as fit in 20 s on a
 * debug kernel) run against an echo server (a thread with SIGALRM blocked,
 * or a process); every reply must be right, every request seen once.
 * Runtime in the TCG VM: see the TH_LOG line (a few seconds per variant
 * on the distro kernel, well inside the 300 s timeout).
 */
enum { STORM_CALLS = 10000, STORM_CALIBRATE = 100 };

/* Under a debug kernel 10,000 calls take minutes: do what fits in 20 s. */
#define STORM_BUDGET_NS	ZX_SEC(20)

FIXTURE(storm) {
	zx_handle_t h0, h1;
	pid_t child;
};

FIXTURE_VARIANT(storm) {
	int sa_flags;
	bool server_process;	/* else a thread */
	bool reply_read;	/* the server uses zxl_channel_reply_read */
};

FIXTURE_VARIANT_ADD(storm, sa_restart_thread_server) {
	.sa_flags = SA_RESTART, .server_process = false, .reply_read = false,
};
FIXTURE_VARIANT_ADD(storm, sa_restart_process_server) {
	.sa_flags = SA_RESTART, .server_process = true, .reply_read = false,
};
FIXTURE_VARIANT_ADD(storm, sa_restart_reply_read_server) {
	.sa_flags = SA_RESTART, .server_process = false, .reply_read = true,
};
FIXTURE_VARIANT_ADD(storm, no_sa_restart_thread_server) {
	.sa_flags = 0, .server_process = false, .reply_read = false,
};
FIXTURE_VARIANT_ADD(storm, no_sa_restart_process_server) {
	.sa_flags = 0, .server_process = true, .reply_read = false,
};
FIXTURE_VARIANT_ADD(storm, no_sa_restart_reply_read_server) {
	.sa_flags = 0, .server_process = false, .reply_read = true,
};

FIXTURE_SETUP(storm)
{
	sig_fixture_setup(_metadata, &self->h0, &self->h1, &self->child, variant->sa_flags);
}

FIXTURE_TEARDOWN(storm)
{
	sig_fixture_teardown(self->h0, self->h1, &self->child);
}

TEST_F_TIMEOUT(storm, itimer_10000_calls, 300)
{
	struct zxc_server *s;
	struct itimerval on = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
	uint32_t interrupted = 0, calls;
	int64_t t0, per_call;
	pthread_t t;

	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)s);
	memset(s, 0, sizeof(*s));
	s->h = self->h1;
	s->nclients = 1;
	s->expect = 0;		/* set once the calibration is done */
	s->reply_read = variant->reply_read;

	if (variant->server_process) {
		self->child = fork();
		ASSERT_GE(self->child, 0);
		if (self->child == 0) {
			zx_handle_close(self->h0);
			_exit(zxc_serve(s) ? 1 : 0);
		}
		ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
		self->h1 = 0;
	} else {
		/* the server thread inherits a mask with SIGALRM blocked */
		zxc_sigmask(SIGALRM, true);
		ASSERT_EQ(0, pthread_create(&t, NULL, zxc_serve_thread, s));
		zxc_sigmask(SIGALRM, false);
	}

	/* How fast is this kernel?  The server counts these calls too. */
	t0 = zxt_now();
	for (uint32_t i = 0; i < STORM_CALIBRATE; i++) {
		struct zxc_msg reply;

		ASSERT_EQ(ZX_OK, zxc_call_msg(self->h0, zxt_long_deadline(), 0, i, &reply));
	}
	per_call = (zxt_now() - t0) / STORM_CALIBRATE + 1;
	calls = STORM_BUDGET_NS / per_call < STORM_CALLS ?
		(uint32_t)(STORM_BUDGET_NS / per_call) : STORM_CALLS;
	if (calls < 500)
		calls = 500;
	__atomic_store_n(&s->expect, STORM_CALIBRATE + calls, __ATOMIC_SEQ_CST);

	t0 = zxt_now();
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &on, NULL));
	for (uint32_t i = STORM_CALIBRATE; i < STORM_CALIBRATE + calls; i++) {
		struct zxc_msg reply;
		uint32_t before = __atomic_load_n(&g_alarms, __ATOMIC_SEQ_CST);
		zx_status_t st = zxc_call_msg(self->h0, zxt_long_deadline(), 0, i, &reply);

		if (st != ZX_OK)
			setitimer(ITIMER_REAL, &off, NULL);
		ASSERT_EQ(ZX_OK, st) {
			TH_LOG("call %u of %u; server line %d", i, calls, s->fail_line);
		}
		if (__atomic_load_n(&g_alarms, __ATOMIC_SEQ_CST) != before)
			interrupted++;
	}
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &off, NULL));
	TH_LOG("%u calls in %lld ms, %u SIGALRMs, %u calls saw one",
	       calls, (long long)((zxt_now() - t0) / 1000000),
	       __atomic_load_n(&g_alarms, __ATOMIC_SEQ_CST), interrupted);
	EXPECT_GT(__atomic_load_n(&g_alarms, __ATOMIC_SEQ_CST), 0u);

	if (variant->server_process) {
		EXPECT_EQ(0, zxt_reap(self->child));
		self->child = -1;
	} else {
		ASSERT_EQ(0, pthread_join(t, NULL));
		ASSERT_NOTHING_QUEUED(self->h1);
	}
	EXPECT_EQ(0, s->fail_line) {
		TH_LOG("server failed at line %d, status %d, value %u", s->fail_line,
		       s->fail_status, s->fail_value);
	}
	EXPECT_EQ(STORM_CALIBRATE + calls, s->served);
	EXPECT_EQ(STORM_CALIBRATE + calls, s->next_seq[0]);
	if (variant->server_process) {
		ASSERT_DRAINED_PEER_GONE(self->h0);
	} else {
		ASSERT_NOTHING_QUEUED(self->h0);
	}
	munmap(s, sizeof(*s));
}

/* ---- SIGKILL of a caller mid-call ---------------------------------------------- */

/*
 * The caller process is SIGKILLed while its call waits.  Afterwards the
 * server's reply goes nowhere harmful, every handle involved is released
 * (checked through the PEER_CLOSED of channel ends carried in the request
 * and the reply) and the module's reference count returns to its baseline
 * (polled for up to 10 s: file release may be deferred).
 *
 *  keep_alias: the parent keeps its fork alias of the caller's endpoint,
 *              so the endpoint survives the caller; else it dies with it.
 *  threads:    callers in the killed process, all waiting.
 *  parked:     the callers were first interrupted by a handler that never
 *              returns (the calls are parked, not waiting) when the
 *              SIGKILL comes.
 */
FIXTURE(kill) {
	long base;
	pid_t child;
};

FIXTURE_VARIANT(kill) {
	bool keep_alias;
	uint32_t threads;
	bool parked;
};

FIXTURE_VARIANT_ADD(kill, sole_handle) { .keep_alias = false, .threads = 1 };
FIXTURE_VARIANT_ADD(kill, alias_survives) { .keep_alias = true, .threads = 1 };
FIXTURE_VARIANT_ADD(kill, sole_handle_4_threads) { .keep_alias = false, .threads = 4 };
FIXTURE_VARIANT_ADD(kill, alias_survives_4_threads) { .keep_alias = true, .threads = 4 };
FIXTURE_VARIANT_ADD(kill, parked_sole_handle) { .keep_alias = false, .threads = 1,
						 .parked = true };
FIXTURE_VARIANT_ADD(kill, parked_alias_survives) { .keep_alias = true, .threads = 1,
						    .parked = true };

FIXTURE_SETUP(kill)
{
	long prev;

	zxt_warm_up(_metadata);
	/* a baseline that is not still settling from an earlier test */
	self->base = zxt_refcnt();
	for (int i = 0; i < 20; i++) {
		zxt_sleep_ms(50);
		prev = self->base;
		self->base = zxt_refcnt();
		if (prev == self->base && i >= 3)
			break;
	}
	self->child = -1;
}

FIXTURE_TEARDOWN(kill)
{
	zxt_kill_reap(&self->child);
}

struct killed_caller {
	zx_handle_t h;
	uint32_t id;
};

static int g_note_fd = -1;

/* Handler of the "parked" variant: report, then never return. */
static void park_forever(int sig)
{
	(void)sig;
	if (write(g_note_fd, "p", 1) != 1)
		_exit(40);
	for (;;)
		pause();
}

static void *killed_caller_fn(void *p)
{
	struct killed_caller *c = p;
	zx_handle_t e = ZX_HANDLE_INVALID, x0, x1;
	struct zxc_msg m = zxc_request(c->id, 0), rd;
	uint32_t ab, ah;
	zx_handle_t hs[2];

	/* the request carries an event and a channel end (whose peer stays here) */
	if (zx_event_create(0, &e) != ZX_OK || zx_channel_create(0, &x0, &x1) != ZX_OK)
		_exit(30);
	hs[0] = e;
	hs[1] = x0;
	zx_channel_call_args_t a = { .wr_bytes = &m, .wr_num_bytes = sizeof(m),
				     .wr_handles = hs, .wr_num_handles = 2,
				     .rd_bytes = &rd, .rd_num_bytes = sizeof(rd) };

	zx_channel_call(c->h, 0, ZX_TIME_INFINITE, &a, &ab, &ah);
	_exit(31);	/* never returns normally: killed first */
	return NULL;
}

TEST_F_TIMEOUT(kill, sigkill_caller_mid_call, 120)
{
	uint32_t n = variant->threads;
	zx_handle_t c0, c1, got[4][2], x[4][2];
	uint32_t txid[4];
	int pfd[2];
	long v;

	ASSERT_LE(n, 4u);
	zxt_channel(_metadata, &c0, &c1);
	ASSERT_EQ(0, pipe(pfd));
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		struct killed_caller kc[4];
		pthread_t t;

		zx_handle_close(c1);
		close(pfd[0]);
		g_note_fd = pfd[1];
		if (zxc_sigaction(SIGUSR1, park_forever, 0))
			_exit(20);
		for (uint32_t i = 0; i < n; i++) {
			kc[i] = (struct killed_caller){ .h = c0, .id = i };
			if (i + 1 < n) {
				if (pthread_create(&t, NULL, killed_caller_fn, &kc[i]))
					_exit(21);
			} else {
				killed_caller_fn(&kc[i]);
			}
		}
		_exit(22);
	}
	close(pfd[1]);
	if (!variant->keep_alias) {
		/* the child now holds the only alias of c0 */
		ASSERT_EQ(ZX_OK, zx_handle_close(c0));
		c0 = 0;
	}

	/* all requests arrive, with distinct call txids */
	for (uint32_t i = 0; i < n; i++) {
		struct zxc_msg m;
		uint32_t ab = 0, ah = 0;

		ASSERT_EQ(ZX_OK, zxt_read_handles_blocking(c1, &m, sizeof(m), &ab, got[i], 2, &ah,
				 zx_deadline_after(ZX_MSEC(ZXC_BOUND_MS))));
		ASSERT_EQ(sizeof(m), ab);
		ASSERT_EQ(2u, ah);
		ASSERT_TRUE(zxc_is_call_txid(m.txid));
		txid[i] = m.txid;
		for (uint32_t k = 0; k < i; k++) {
			ASSERT_NE(txid[k], txid[i]);
		}
	}
	ASSERT_TRUE(zxc_wait_task_syscall(self->child, self->child, SYS_ioctl, ZXC_BOUND_MS));
	if (variant->parked) {
		char b;

		ASSERT_EQ(0, kill(self->child, SIGUSR1));
		ASSERT_EQ(1, read(pfd[0], &b, 1));
	}
	ASSERT_EQ(0, kill(self->child, SIGKILL));
	EXPECT_EQ(1000 + SIGKILL, zxt_reap(self->child));
	self->child = -1;
	close(pfd[0]);

	if (!variant->keep_alias) {
		/* the endpoint died with its last alias */
		EXPECT_TRUE(zxc_wait_signal(c1, PC, ZXC_BOUND_MS));
	}
	/* the server answers anyway, each reply carrying a channel end */
	for (uint32_t i = 0; i < n; i++) {
		struct zxc_msg rep = { txid[i], i, 0, zxc_reply_check(i, 0) };
		zx_status_t st;

		zxt_channel(_metadata, &x[i][0], &x[i][1]);
		st = zx_channel_write(c1, 0, &rep, sizeof(rep), &x[i][0], 1);
		if (variant->keep_alias) {
			EXPECT_EQ(ZX_OK, st);
		} else {
			EXPECT_EQ(ZX_ERR_PEER_CLOSED, st);
		}
	}
	if (variant->keep_alias) {
		/*
		 * The waiters died with their threads, waiting or parked: the
		 * replies are plain messages, as after a timeout.
		 */
		for (uint32_t i = 0; i < n; i++) {
			struct zxc_msg rd;
			zx_handle_t rh = 0;
			uint32_t ab = 0, ah = 0;

			ASSERT_EQ(ZX_OK,
				  zx_channel_read(c0, 0, &rd, &rh, sizeof(rd), 1, &ab, &ah)) {
				TH_LOG("reply %u was not queued", i);
			}
			EXPECT_EQ(txid[i], rd.txid);
			EXPECT_EQ(1u, ah);
			EXPECT_EQ(ZX_OK, zx_handle_close(rh));
		}
	}
	if (variant->keep_alias) {
		/* the surviving endpoint still works both ways */
		ASSERT_EQ(ZX_OK, zxt_write_u32(c0, 7));
		uint32_t v7 = 0;

		ASSERT_EQ(ZX_OK, zxt_read_u32(c1, &v7, ZX_TIME_INFINITE_PAST));
		EXPECT_EQ(7u, v7);
		ASSERT_EQ(ZX_OK, zx_handle_close(c0));
	}
	/* the requests' handles: release them and the carried channel ends die */
	for (uint32_t i = 0; i < n; i++) {
		EXPECT_EQ(ZX_OK, zx_handle_close(got[i][0]));
		EXPECT_EQ(ZX_OK, zx_handle_close(got[i][1]));
	}
	/* every reply's channel end was closed: not delivered anywhere, not leaked */
	for (uint32_t i = 0; i < n; i++) {
		EXPECT_TRUE(zxc_wait_signal(x[i][1], PC, ZXC_BOUND_MS)) {
			TH_LOG("reply %u's handle still alive", i);
		}
		EXPECT_EQ(ZX_OK, zx_handle_close(x[i][1]));
	}
	EXPECT_EQ(ZX_OK, zx_handle_close(c1));

	if (self->base < 0)
		SKIP(return, ZXT_REFCNT_PATH " not readable");
	v = zxt_refcnt_settle(self->base, 10000);
	EXPECT_EQ(self->base, v);
}

TEST_HARNESS_MAIN
