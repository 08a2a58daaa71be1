/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the zx_channel_call / zxl_channel_reply_read selftests
 * (call_*_test.c, reply_read_test.c).
 *
 * Like zx_test_util.h: functions taking a struct __test_metadata * may
 * assert and belong to the main test thread; all others are safe in helper
 * threads and forked children and report failures through return values.
 *
 * The standard request/reply is a struct zxc_msg: {txid, client, seq,
 * check}.  A request carries check = zxc_req_check(client, seq), the
 * reply the same txid, client and seq with zxc_reply_check(client, seq),
 * so either side can tell whose message it holds and whether it is intact.
 *
 * Handle consumption is checked by fd number, so it is only checked while
 * nothing else in the process can create fds: either no server runs, or
 * the main thread is the server and has not read the request yet (the
 * call then runs in a helper thread, a struct zxc_job).
 */
#ifndef ZX_CALL_UTIL_H
#define ZX_CALL_UTIL_H

#include <sys/syscall.h>

#include "zx_test_util.h"
#include <zircon/linux.h>

/* Call txids have the top bit set (spec 4.5). */
#define ZXC_TXID_BIT	0x80000000u

/* Generous: nothing in these tests should take more than a few seconds. */
#define ZXC_BOUND_MS	10000u

struct zxc_msg {
	uint32_t txid;
	uint32_t client;
	uint32_t seq;
	uint32_t check;
};

static inline uint32_t zxc_req_check(uint32_t client, uint32_t seq)
{
	return (client * 0x9e3779b1u) ^ (seq * 0x85ebca77u) ^ 0x5a5a0001u;
}

static inline uint32_t zxc_reply_check(uint32_t client, uint32_t seq)
{
	return ~zxc_req_check(client, seq) * 3u + 7u;
}

static inline struct zxc_msg zxc_request(uint32_t client, uint32_t seq)
{
	/* txid deliberately not a call txid: the kernel must overwrite it */
	struct zxc_msg m = { 0x01020304u, client, seq, zxc_req_check(client, seq) };

	return m;
}

static inline uint32_t zxc_txid_of(const void *buf)
{
	uint32_t t;

	memcpy(&t, buf, sizeof(t));
	return t;
}

static inline bool zxc_is_call_txid(uint32_t txid)
{
	return (txid & ZXC_TXID_BIT) != 0;
}

static inline pid_t zxc_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/*
 * zx_channel_call with a struct zxc_msg request and reply (no handles).
 * Returns the call's status; on ZX_OK, 0 if the reply is the right one for
 * (client, seq) with a call txid, or ZX_ERR_INTERNAL if not.
 */
static inline zx_status_t zxc_call_msg(zx_handle_t h, zx_time_t deadline,
				       uint32_t client, uint32_t seq,
				       struct zxc_msg *reply)
{
	struct zxc_msg req = zxc_request(client, seq);
	uint32_t ab = 0xffffffffu, ah = 0xffffffffu;
	zx_channel_call_args_t a = {
		.wr_bytes = &req, .wr_num_bytes = sizeof(req),
		.rd_bytes = reply, .rd_num_bytes = sizeof(*reply),
	};
	zx_status_t st;

	memset(reply, 0, sizeof(*reply));
	st = zx_channel_call(h, 0, deadline, &a, &ab, &ah);
	if (st != ZX_OK)
		return st;
	if (ab != sizeof(*reply) || ah != 0 || !zxc_is_call_txid(reply->txid) ||
	    reply->client != client || reply->seq != seq ||
	    reply->check != zxc_reply_check(client, seq))
		return ZX_ERR_INTERNAL;
	/* the request buffer is the caller's: the kernel must not touch it */
	if (req.txid != 0x01020304u)
		return ZX_ERR_INTERNAL;
	return ZX_OK;
}

/* ---- an echo server ------------------------------------------------------ */

/*
 * Serves zxc_msg requests on @h, replying to each at once with the same
 * txid and the handles it carried (moved back).  Checks that every
 * request is intact, has a call txid and, per client, arrives with seq
 * 0, 1, 2, ... -- so a request sent twice or lost is caught.
 *
 * Plain zx_channel_read + zx_channel_write unless @reply_read, then
 * zxl_channel_read_wait + zxl_channel_reply_read.
 */
#define ZXC_MAX_CLIENTS	64

struct zxc_server {
	/* in */
	zx_handle_t h;
	uint32_t nclients;	/* client ids must be < this */
	uint32_t expect;	/* stop after this many; 0 = until PEER_CLOSED */
	bool reply_read;	/* use the zxl_ extension */
	/* optional hook run after a request was checked, before the reply;
	 * returns false to fail the server */
	bool (*before_reply)(struct zxc_server *s, const struct zxc_msg *req);
	void *ctx;
	/* out */
	uint32_t next_seq[ZXC_MAX_CLIENTS];
	uint32_t served;	/* replies written */
	uint32_t last_txid;
	int fail_line;		/* 0 = no failure */
	zx_status_t fail_status;
	uint32_t fail_value;
};

#define ZXC_SRV_FAIL(s, st, v) do {					\
	(s)->fail_line = __LINE__;					\
	(s)->fail_status = (st);					\
	(s)->fail_value = (uint32_t)(v);				\
	return (s)->fail_line;						\
} while (0)

static inline int zxc_serve(struct zxc_server *s)
{
	struct zxc_msg m, reply;
	zx_handle_t hs[ZXT_MAX_MSG_HANDLES];
	uint32_t ab = 0, ah = 0, reply_ah = 0;
	bool have_reply = false;
	zx_status_t st;

	for (;;) {
		if (!s->reply_read) {
			st = zxt_read_handles_blocking(s->h, &m, sizeof(m), &ab, hs,
						       ZXT_MAX_MSG_HANDLES, &ah,
						       zxt_long_deadline());
		} else if (!have_reply) {
			st = zxl_channel_read_wait(s->h, 0, &m, hs, sizeof(m),
						   ZXT_MAX_MSG_HANDLES, &ab, &ah,
						   zxt_long_deadline());
		} else {
			/* the reply goes out, then the next request comes in */
			st = zxl_channel_reply_read(s->h, &reply, sizeof(reply),
						    hs, reply_ah, &m, hs, sizeof(m),
						    ZXT_MAX_MSG_HANDLES, &ab, &ah,
						    zxt_long_deadline());
			if (st == ZX_OK)
				s->served++;
		}
		if (st == ZX_ERR_PEER_CLOSED) {
			if (s->expect && s->served != s->expect)
				ZXC_SRV_FAIL(s, st, s->served);
			return 0;
		}
		if (st != ZX_OK)
			ZXC_SRV_FAIL(s, st, 0);
		if (ab != sizeof(m))
			ZXC_SRV_FAIL(s, st, ab);
		if (!zxc_is_call_txid(m.txid))
			ZXC_SRV_FAIL(s, st, m.txid);
		if (m.client >= s->nclients || m.client >= ZXC_MAX_CLIENTS)
			ZXC_SRV_FAIL(s, st, m.client);
		if (m.seq != s->next_seq[m.client])
			ZXC_SRV_FAIL(s, st, m.seq);
		if (m.check != zxc_req_check(m.client, m.seq))
			ZXC_SRV_FAIL(s, st, m.check);
		s->next_seq[m.client]++;
		s->last_txid = m.txid;
		if (s->before_reply && !s->before_reply(s, &m))
			ZXC_SRV_FAIL(s, st, m.seq);
		reply = (struct zxc_msg){ m.txid, m.client, m.seq,
					  zxc_reply_check(m.client, m.seq) };
		if (s->reply_read && !(s->expect && s->served + 1 == s->expect)) {
			/* written by the next zxl_channel_reply_read */
			reply_ah = ah;
			have_reply = true;
			continue;
		}
		st = zx_channel_write(s->h, 0, &reply, sizeof(reply), hs, ah);
		if (st != ZX_OK)
			ZXC_SRV_FAIL(s, st, 0);
		s->served++;
		if (s->expect && s->served == s->expect)
			return 0;
	}
}

static inline void *zxc_serve_thread(void *p)
{
	zxc_serve(p);
	return NULL;
}

/* ---- processes and threads ----------------------------------------------- */

/*
 * Wait until the task sleeps (state S) inside system call @nr (e.g.
 * SYS_ioctl), i.e. has entered its blocking call; bounded.  Where
 * /proc/<pid>/task/<tid>/syscall cannot be read, the state alone counts.
 */
static inline bool zxc_wait_task_syscall(pid_t pid, pid_t tid, long nr,
					 unsigned int max_ms)
{
	char path[80], buf[128];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	for (unsigned int waited = 0; waited <= max_ms; waited += 2) {
		if (zxt_task_state(pid, tid) == 'S') {
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

			if (fd >= 0)
				close(fd);
			if (n <= 0)
				return true;
			buf[n] = 0;
			/* "<nr> <args...>" while in a syscall, "running" otherwise */
			if (buf[0] >= '0' && buf[0] <= '9' && strtol(buf, NULL, 10) == nr)
				return true;
		}
		zxt_sleep_ms(2);
	}
	return false;
}

/* Wait (bounded) until *@p reaches at least @v. */
static inline bool zxc_wait_counter(volatile uint32_t *p, uint32_t v,
				    unsigned int max_ms)
{
	for (unsigned int waited = 0; waited <= max_ms; waited++) {
		if (__atomic_load_n(p, __ATOMIC_SEQ_CST) >= v)
			return true;
		zxt_sleep_ms(1);
	}
	return __atomic_load_n(p, __ATOMIC_SEQ_CST) >= v;
}

/* Wait (bounded) until @h asserts one of @signals. */
static inline bool zxc_wait_signal(zx_handle_t h, zx_signals_t signals,
				   unsigned int max_ms)
{
	return zx_object_wait_one(h, signals, zx_deadline_after(ZX_MSEC(max_ms)),
				  NULL) == ZX_OK;
}

/*
 * A SIGUSR1 handler that counts its runs in zxc_usr1_handled.  While
 * zxc_usr1_block is set it then lingers: it sets zxc_usr1_in_handler and
 * waits (up to 10 s) for zxc_usr1_release, so that a test can act while
 * the call the signal interrupted is parked.
 */
static uint32_t zxc_usr1_handled;
static uint32_t zxc_usr1_block;
static uint32_t zxc_usr1_in_handler;
static uint32_t zxc_usr1_release;

static inline void zxc_on_usr1(int sig)
{
	int saved = errno;

	(void)sig;
	__atomic_add_fetch(&zxc_usr1_handled, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&zxc_usr1_block, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&zxc_usr1_in_handler, 1, __ATOMIC_SEQ_CST);
		for (int i = 0; i < 10000; i++) {
			struct timespec ts = { 0, 1000000 };

			if (__atomic_load_n(&zxc_usr1_release, __ATOMIC_SEQ_CST))
				break;
			nanosleep(&ts, NULL);
		}
		__atomic_store_n(&zxc_usr1_in_handler, 0, __ATOMIC_SEQ_CST);
	}
	errno = saved;
}

/* Install @fn for @sig with @flags (SA_RESTART or 0). */
static inline int zxc_sigaction(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/* Block (@block) or unblock @sig in the calling thread. */
static inline void zxc_sigmask(int sig, bool block)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

/* ---- a blocking call in a helper thread ------------------------------------ */

/* What actual_bytes / actual_handles hold until a call writes them. */
#define ZXC_SENTINEL	0xdeadbeefu

enum zxc_op { ZXC_CALL, ZXC_CALL_ETC, ZXC_READ_WAIT, ZXC_REPLY_READ };

/*
 * One blocking operation on @h, run by a helper thread so that the test's
 * main thread can act while it waits: zx_channel_call (@a), call_etc (@ea),
 * zxl_channel_read_wait or zxl_channel_reply_read (the reply in @wr*; both
 * read into @buf and @hs).  The helper thread never asserts.
 */
struct zxc_job {
	enum zxc_op op;
	zx_handle_t h;
	uint32_t options;
	zx_time_t deadline;	/* 0: zxt_long_deadline() */
	zx_channel_call_args_t a;
	zx_channel_call_etc_args_t ea;
	bool custom_actual;	/* use pab/pah as given (may be NULL or bad) */
	uint32_t *pab, *pah;
	const void *wr;
	uint32_t wr_n;
	zx_handle_t *wr_h;
	uint32_t wr_nh;
	uint32_t *counter;	/* incremented when the call returned */
	/* results */
	uint8_t buf[64];
	zx_handle_t hs[4];
	uint32_t ab, ah;
	zx_status_t st;
	int64_t t_end;
	pid_t tid;
	uint32_t done;
	pthread_t thr;
};

static inline void *zxc_job_fn(void *p)
{
	struct zxc_job *j = p;
	zx_status_t st = ZX_ERR_INTERNAL;

	__atomic_store_n(&j->tid, zxc_gettid(), __ATOMIC_SEQ_CST);
	if (!j->custom_actual) {
		j->pab = &j->ab;
		j->pah = &j->ah;
	}
	switch (j->op) {
	case ZXC_CALL:
		st = zx_channel_call(j->h, j->options, j->deadline, &j->a, j->pab, j->pah);
		break;
	case ZXC_CALL_ETC:
		st = zx_channel_call_etc(j->h, j->options, j->deadline, &j->ea, j->pab, j->pah);
		break;
	case ZXC_READ_WAIT:
		st = zxl_channel_read_wait(j->h, j->options, j->buf, j->hs, sizeof(j->buf), 4,
					   j->pab, j->pah, j->deadline);
		break;
	case ZXC_REPLY_READ:
		st = zxl_channel_reply_read(j->h, j->wr, j->wr_n, j->wr_h, j->wr_nh, j->buf,
					    j->hs, sizeof(j->buf), 4, j->pab, j->pah,
					    j->deadline);
		break;
	}
	j->st = st;
	j->t_end = zxt_now();
	/* done before the counter: whoever sees the count sees who it was */
	__atomic_store_n(&j->done, 1, __ATOMIC_SEQ_CST);
	if (j->counter)
		__atomic_add_fetch(j->counter, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Start @j; returns once its thread runs (not necessarily blocked yet). */
static inline void zxc_job_start(struct __test_metadata *_metadata, struct zxc_job *j)
{
	j->ab = j->ah = ZXC_SENTINEL;
	j->done = 0;
	j->tid = 0;
	if (!j->deadline)
		j->deadline = zxt_long_deadline();
	ASSERT_EQ(0, pthread_create(&j->thr, NULL, zxc_job_fn, j));
	while (!__atomic_load_n(&j->tid, __ATOMIC_SEQ_CST))
		sched_yield();
}

/* Start @j and wait until it is asleep in the kernel. */
static inline void zxc_job_start_blocked(struct __test_metadata *_metadata, struct zxc_job *j)
{
	zxc_job_start(_metadata, j);
	ASSERT_TRUE(zxc_wait_task_syscall(getpid(), j->tid, SYS_ioctl, ZXC_BOUND_MS));
}

/* Wait (bounded) for @j's call to return, then reap the thread. */
static inline void zxc_job_finish(struct __test_metadata *_metadata, struct zxc_job *j)
{
	ASSERT_TRUE(zxc_wait_counter(&j->done, 1, ZXC_BOUND_MS)) {
		TH_LOG("the call did not return within %u ms", ZXC_BOUND_MS);
	}
	ASSERT_EQ(0, pthread_join(j->thr, NULL));
}

static inline bool zxc_job_done(struct zxc_job *j)
{
	return __atomic_load_n(&j->done, __ATOMIC_SEQ_CST) != 0;
}

/*
 * Another thread closes @*h, on which @j is blocked and which is its
 * endpoint's only handle, with close(2) (@use_close) or zx_handle_close():
 * the call ends with CANCELED, promptly (generous 10 s bound: the call's
 * own deadline must be further away, so that a missed cancellation shows
 * as TIMED_OUT or a late return), writes no actual_bytes, and @peer sees
 * PEER_CLOSED.  *@h is 0 afterwards.
 */
static inline void zxc_cancel_by_close(struct __test_metadata *_metadata, struct zxc_job *j,
				       zx_handle_t *h, bool use_close, zx_handle_t peer)
{
	int64_t t0;

	EXPECT_FALSE(zxc_job_done(j));
	t0 = zxt_now();
	if (use_close) {
		ASSERT_EQ(0, close((int)*h));
	} else {
		ASSERT_EQ(ZX_OK, zx_handle_close(*h));
	}
	*h = 0;
	zxc_job_finish(_metadata, j);
	EXPECT_EQ(ZX_ERR_CANCELED, j->st);
	EXPECT_LT(j->t_end - t0, ZX_SEC(10));
	EXPECT_EQ(ZXC_SENTINEL, j->ab);
	EXPECT_TRUE(zxc_wait_signal(peer, ZX_CHANNEL_PEER_CLOSED, ZXC_BOUND_MS));
}

/* ---- the main thread as the server ------------------------------------------ */

static inline zx_time_t zxc_bound_deadline(void)
{
	return zx_deadline_after(ZX_MSEC(ZXC_BOUND_MS));
}

/*
 * Read one request from @h (bounded wait) into @buf, with up to @hcap
 * handles.  Returns the request's txid.
 */
static inline uint32_t zxc_recv_req(struct __test_metadata *_metadata, zx_handle_t h,
				    void *buf, uint32_t cap, uint32_t *ab, zx_handle_t *hs,
				    uint32_t hcap, uint32_t *ah)
{
	uint32_t lab = 0, lah = 0;

	ASSERT_EQ(ZX_OK, zxt_read_handles_blocking(h, buf, cap, ab ? ab : &lab, hs, hcap,
						   ah ? ah : &lah, zxc_bound_deadline()));
	ASSERT_GE(ab ? *ab : lab, 4u);
	return zxc_txid_of(buf);
}

/* Answer one zxc_msg request on @h. */
static inline uint32_t zxc_serve_one(struct __test_metadata *_metadata, zx_handle_t h)
{
	struct zxc_msg m, r;
	uint32_t ab = 0;

	zxc_recv_req(_metadata, h, &m, sizeof(m), &ab, NULL, 0, NULL);
	ASSERT_EQ(sizeof(m), ab);
	ASSERT_TRUE(zxc_is_call_txid(m.txid));
	ASSERT_EQ(zxc_req_check(m.client, m.seq), m.check);
	r = (struct zxc_msg){ m.txid, m.client, m.seq, zxc_reply_check(m.client, m.seq) };
	ASSERT_EQ(ZX_OK, zx_channel_write(h, 0, &r, sizeof(r), NULL, 0));
	return m.txid;
}

#endif /* ZX_CALL_UTIL_H */
