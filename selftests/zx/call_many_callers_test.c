// SPDX-License-Identifier: GPL-2.0
/*
 * zx_channel_call from many callers at once, threads and forked processes
 * sharing the endpoint: every outstanding call has its own txid, and
 * replies written in any order reach the right caller.
 */
#include "zx_call_util.h"

/* h0: the client end, h1: the server end */
ZXT_CHANNEL_FIXTURE(call)

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

TEST_HARNESS_MAIN
