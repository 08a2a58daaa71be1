// SPDX-License-Identifier: GPL-2.0
/*
 * Racing threads on one channel: concurrent readers get distinct messages,
 * each in increasing order, none lost; concurrent writers' messages all
 * arrive exactly once and in per-writer order; no spurious READABLE; a
 * close racing with reads loses nothing.
 *
 * Helper threads never use the harness macros: they record what they saw
 * and the main thread checks it after joining them.
 */
#include "zx_test_util.h"

#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

enum { NMSG = 2000, MAX_THREADS = 8 };

/* ---- concurrent readers ------------------------------------------------------------ */

struct reader {
	zx_handle_t h;
	uint32_t *got;
	uint32_t n;
	zx_status_t err;	/* first unexpected status, ZX_OK if none */
	uint32_t bad_size;
};

static void *reader_fn(void *p)
{
	struct reader *r = p;

	for (;;) {
		uint32_t v = 0, ab = 0;
		zx_status_t st = zx_channel_read(r->h, 0, &v, NULL, sizeof(v), 0, &ab, NULL);

		if (st == ZX_OK) {
			if (ab != sizeof(v))
				r->bad_size++;
			if (r->n < NMSG)
				r->got[r->n] = v;
			r->n++;
			continue;
		}
		if (st == ZX_ERR_PEER_CLOSED)
			return NULL;
		if (st != ZX_ERR_SHOULD_WAIT) {
			r->err = st;
			return NULL;
		}
		st = zx_object_wait_one(r->h, R | PC, zxt_long_deadline(), NULL);
		if (st != ZX_OK) {
			r->err = st;
			return NULL;
		}
	}
}

FIXTURE(readers) {
	zx_handle_t h0, h1;
	struct reader r[MAX_THREADS];
	pthread_t t[MAX_THREADS];
};

FIXTURE_VARIANT(readers) {
	int nreaders;
	bool prefill;	/* queue everything before the readers start */
};

FIXTURE_VARIANT_ADD(readers, two_prefilled) { .nreaders = 2, .prefill = true };
FIXTURE_VARIANT_ADD(readers, two_live) { .nreaders = 2, .prefill = false };
FIXTURE_VARIANT_ADD(readers, four_prefilled) { .nreaders = 4, .prefill = true };
FIXTURE_VARIANT_ADD(readers, four_live) { .nreaders = 4, .prefill = false };

FIXTURE_SETUP(readers)
{
	zxt_channel(_metadata, &self->h0, &self->h1);
	for (int i = 0; i < variant->nreaders; i++) {
		self->r[i].h = self->h1;
		self->r[i].got = calloc(NMSG, sizeof(uint32_t));
		ASSERT_NE((uintptr_t)NULL, (uintptr_t)self->r[i].got);
	}
}

FIXTURE_TEARDOWN(readers)
{
	zxt_close_pair(self->h0, self->h1);
	for (int i = 0; i < variant->nreaders; i++)
		free(self->r[i].got);
}

TEST_F_TIMEOUT(readers, no_loss_no_duplicates_in_order, 180)
{
	uint8_t *seen = calloc(NMSG, 1);
	uint32_t total = 0;
	int n = variant->nreaders;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)seen);
	if (variant->prefill) {
		for (uint32_t i = 0; i < NMSG; i++) {
			ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, i));
		}
	}
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, pthread_create(&self->t[i], NULL, reader_fn, &self->r[i]));
	}
	if (!variant->prefill) {
		for (uint32_t i = 0; i < NMSG; i++) {
			ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, i));
			if (i % 64 == 0)
				sched_yield();
		}
	}
	/* readers stop at PEER_CLOSED, i.e. after draining the queue */
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h0));
	self->h0 = 0;
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, pthread_join(self->t[i], NULL));
	}

	for (int i = 0; i < n; i++) {
		struct reader *r = &self->r[i];

		EXPECT_EQ(ZX_OK, r->err);
		EXPECT_EQ(0u, r->bad_size);
		ASSERT_LE(r->n, (uint32_t)NMSG);
		total += r->n;
		for (uint32_t j = 0; j < r->n; j++) {
			ASSERT_LT(r->got[j], (uint32_t)NMSG);
			ASSERT_EQ(0, seen[r->got[j]]) {
				TH_LOG("message %u read twice", r->got[j]);
			}
			seen[r->got[j]] = 1;
			if (j) {
				ASSERT_LT(r->got[j - 1], r->got[j]) {
					TH_LOG("reader %d: %u after %u", i, r->got[j],
					       r->got[j - 1]);
				}
			}
		}
	}
	EXPECT_EQ((uint32_t)NMSG, total);
	for (uint32_t i = 0; i < NMSG; i++) {
		ASSERT_EQ(1, seen[i]) {
			TH_LOG("message %u lost", i);
		}
	}
	/* the queue is empty and the peer gone */
	EXPECT_EQ(PC, SIGNALS(self->h1));
	free(seen);
}

/* ---- concurrent writers --------------------------------------------------------------- */

struct writer {
	zx_handle_t h;
	uint32_t id, count;
	zx_status_t err;
};

static void *writer_fn(void *p)
{
	struct writer *w = p;

	for (uint32_t i = 0; i < w->count; i++) {
		uint32_t msg[2] = { w->id, i };
		zx_status_t st = zx_channel_write(w->h, 0, msg, sizeof(msg), NULL, 0);

		if (st != ZX_OK) {
			w->err = st;
			return NULL;
		}
		if (i % 32 == 0)
			sched_yield();
	}
	return NULL;
}

ZXT_CHANNEL_FIXTURE(writers)

FIXTURE_VARIANT(writers) {
	int nwriters;
};

FIXTURE_VARIANT_ADD(writers, two) { .nwriters = 2 };
FIXTURE_VARIANT_ADD(writers, four) { .nwriters = 4 };
FIXTURE_VARIANT_ADD(writers, eight) { .nwriters = 8 };

TEST_F_TIMEOUT(writers, every_message_exactly_once, 180)
{
	struct writer w[MAX_THREADS];
	pthread_t t[MAX_THREADS];
	uint32_t next[MAX_THREADS] = { 0 };
	int n = variant->nwriters;
	uint32_t per = NMSG / n;

	for (int i = 0; i < n; i++) {
		w[i] = (struct writer){ .h = self->h0, .id = (uint32_t)i, .count = per };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, writer_fn, &w[i]));
	}
	/* read while they write */
	for (uint32_t k = 0; k < per * n; k++) {
		uint32_t msg[2] = { 0, 0 }, ab = 0;

		ASSERT_EQ(ZX_OK, zxt_read_blocking(self->h1, msg, sizeof(msg), &ab,
						   zxt_long_deadline()));
		ASSERT_EQ(sizeof(msg), ab);
		ASSERT_LT(msg[0], (uint32_t)n);
		/* per-writer FIFO: each writer's messages arrive in its order, none missing */
		ASSERT_EQ(next[msg[0]], msg[1]) {
			TH_LOG("writer %u: got %u, expected %u", msg[0], msg[1], next[msg[0]]);
		}
		next[msg[0]]++;
	}
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(ZX_OK, w[i].err);
		EXPECT_EQ(per, next[i]);
	}
	ASSERT_NOTHING_QUEUED(self->h1);
}

/* ---- signals under racing -------------------------------------------------------------- */

ZXT_CHANNEL_FIXTURE(race)

struct trickle {
	zx_handle_t h;
	uint32_t count;
	bool close_at_end;
	zx_status_t err;
};

static void *trickle_fn(void *p)
{
	struct trickle *tr = p;

	for (uint32_t i = 0; i < tr->count; i++) {
		zx_status_t st = zxt_write_u32(tr->h, i);

		if (st != ZX_OK) {
			tr->err = st;
			break;
		}
		/* vary the interleaving: bursts and pauses */
		if (i % 7 == 0)
			sched_yield();
		if (i % 257 == 0)
			zxt_sleep_ms(1);
	}
	if (tr->close_at_end)
		zx_handle_close(tr->h);
	return NULL;
}

/*
 * A single reader racing one writer: whenever a wait reports READABLE, the
 * next read must succeed (nobody else takes messages).
 */
TEST_F_TIMEOUT(race, no_spurious_readable, 180)
{
	struct trickle tr = { .h = self->h0, .count = NMSG };
	uint32_t got = 0, spurious = 0, waits = 0, out_of_order = 0;
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, trickle_fn, &tr));
	while (got < NMSG) {
		uint32_t v = 0;
		zx_signals_t obs = 0;
		zx_status_t st;

		st = zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL);
		if (st == ZX_OK) {
			if (v != got)
				out_of_order++;
			got++;
			continue;
		}
		ASSERT_EQ(ZX_ERR_SHOULD_WAIT, st);
		waits++;
		ASSERT_EQ(ZX_OK, zx_object_wait_one(self->h1, R | PC, zxt_long_deadline(), &obs));
		ASSERT_NE(0u, obs & R) {
			TH_LOG("woken with %#x", obs);
		}
		st = zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL);
		if (st != ZX_OK) {
			spurious++;
			continue;
		}
		if (v != got)
			out_of_order++;
		got++;
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, tr.err);
	EXPECT_EQ(0u, spurious);
	EXPECT_EQ(0u, out_of_order);
	EXPECT_EQ((uint32_t)NMSG, got);
	ASSERT_NOTHING_QUEUED(self->h1);
	TH_LOG("%u waits", waits);
}

/*
 * After every successful read, the signal state must say READABLE exactly
 * when another read succeeds.
 */
TEST_F_TIMEOUT(race, readable_matches_queue_state, 180)
{
	struct trickle tr = { .h = self->h0, .count = NMSG };
	uint32_t got = 0, mismatch = 0;
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, trickle_fn, &tr));
	while (got < NMSG) {
		zx_signals_t obs = 0;
		uint32_t v = 0;
		zx_status_t st;

		/* the writer only adds: READABLE seen now implies a message now */
		ASSERT_EQ(ZX_ERR_TIMED_OUT,
			  zx_object_wait_one(self->h1, 0, ZX_TIME_INFINITE_PAST, &obs));
		st = zx_channel_read(self->h1, 0, &v, NULL, sizeof(v), 0, NULL, NULL);
		if (obs & R) {
			if (st != ZX_OK)
				mismatch++;
		}
		if (st == ZX_OK) {
			ASSERT_EQ(got, v);
			got++;
		} else {
			ASSERT_EQ(ZX_ERR_SHOULD_WAIT, st);
			ASSERT_EQ(ZX_OK,
				  zx_object_wait_one(self->h1, R, zxt_long_deadline(), NULL));
		}
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0u, mismatch);
	EXPECT_EQ(ZX_CHANNEL_WRITABLE, SIGNALS(self->h1));
}

/* A close racing with reads: every message written before it is read, then PEER_CLOSED. */
TEST_F_TIMEOUT(race, close_while_reading_loses_nothing, 180)
{
	struct trickle tr = { .h = self->h0, .count = NMSG, .close_at_end = true };
	uint32_t got = 0;
	pthread_t t;
	zx_status_t st;

	self->h0 = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, trickle_fn, &tr));
	for (;;) {
		uint32_t v = 0;

		st = zxt_read_u32(self->h1, &v, zxt_long_deadline());
		if (st != ZX_OK)
			break;
		ASSERT_EQ(got, v);
		got++;
	}
	EXPECT_EQ(ZX_ERR_PEER_CLOSED, st);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, tr.err);
	EXPECT_EQ((uint32_t)NMSG, got);
	EXPECT_EQ(PC, SIGNALS(self->h1));
}

/* ---- many threads creating and using channels ---------------------------------------- */

enum { CREATORS = 4, CREATES = 200 };

struct creator {
	zx_koid_t koids[2 * CREATES];
	uint32_t n;
	zx_status_t err;
};

static void *creator_fn(void *p)
{
	struct creator *c = p;

	for (uint32_t i = 0; i < CREATES; i++) {
		zx_handle_t a = 0, b = 0;
		uint32_t v = 0;
		zx_status_t st;

		st = zx_channel_create(0, &a, &b);
		if (st != ZX_OK) {
			c->err = st;
			return NULL;
		}
		c->koids[c->n++] = zxt_koid(a);
		c->koids[c->n++] = zxt_koid(b);
		st = zxt_write_u32(a, i);
		if (st == ZX_OK)
			st = zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, NULL, NULL);
		if (st == ZX_OK && v != i)
			st = ZX_ERR_INTERNAL;
		if (st == ZX_OK)
			st = zx_handle_close(a);
		if (st == ZX_OK && zxt_signals_nocheck(b) != PC)
			st = ZX_ERR_BAD_STATE;
		if (st == ZX_OK)
			st = zx_handle_close(b);
		if (st != ZX_OK) {
			c->err = st;
			return NULL;
		}
	}
	return NULL;
}

FIXTURE(stress) {
	struct creator c[CREATORS];
};

FIXTURE_SETUP(stress)
{
	memset(self->c, 0, sizeof(self->c));
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, concurrent_create_use_close, 180)
{
	zx_koid_t *all = calloc(CREATORS * 2 * CREATES, sizeof(*all));
	pthread_t t[CREATORS];
	uint32_t n = 0;
	int before;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)all);
	zxt_warm_up(_metadata);
	before = zxt_count_fds();
	for (int i = 0; i < CREATORS; i++) {
		ASSERT_EQ(0, pthread_create(&t[i], NULL, creator_fn, &self->c[i]));
	}
	for (int i = 0; i < CREATORS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(ZX_OK, self->c[i].err);
		EXPECT_EQ(2u * CREATES, self->c[i].n);
		memcpy(all + n, self->c[i].koids, self->c[i].n * sizeof(*all));
		n += self->c[i].n;
	}
	/* nothing leaked, no koid handed out twice */
	EXPECT_EQ(before, zxt_count_fds());
	qsort(all, n, sizeof(*all), zxt_cmp_koid);
	ASSERT_NE(ZX_KOID_INVALID, all[0]);
	for (uint32_t i = 1; i < n; i++) {
		ASSERT_NE(all[i - 1], all[i]);
	}
	free(all);
}

TEST_HARNESS_MAIN
