// SPDX-License-Identifier: GPL-2.0
/*
 * The bounds on what one user can make the kernel hold (docs/limits.md):
 * messages per queue, queued bytes per user, handles in flight per user,
 * and the longest handle array a call walks.  Each runs as an unprivileged
 * user (a uid of its own, so no test sees another's charges) in a forked
 * child with a small RLIMIT_NOFILE; children report failures as exit codes
 * (the line that failed), the parent asserts they are 0.
 */
#include "zx_test_util.h"
#include "zx_handle_util.h"

#include <grp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <linux/zx.h>

#define PARAM_DIR	"/sys/module/zx/parameters/"

/* A child's way to fail: exit with the line number (never 0). */
#define CHECK(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #cond); \
		return __LINE__;						\
	}									\
} while (0)

static unsigned long read_param(const char *name)
{
	char path[128], buf[32] = "";
	unsigned long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			v = strtoul(buf, NULL, 10);
		fclose(f);
	}
	return v;
}

/*
 * In a child: become @uid (no capabilities left; uid 0 keeps root and its
 * capabilities) with RLIMIT_NOFILE @nofile.  Returns 0, or the exit code
 * that says what failed.
 */
static int become(uid_t uid, rlim_t nofile)
{
	struct rlimit rl = { nofile, nofile };

	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 201;
	if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
		return 202;
	return 0;
}

/* Run @fn in a child that became @uid with @nofile.  Returns its exit code. */
static int run_as(uid_t uid, rlim_t nofile, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int rc = become(uid, nofile);

		_exit(rc ? rc : fn(arg));
	}
	return zxt_reap(pid);
}

#define RUN_AS(uid, nofile, fn, arg) do {					\
	int __rc = run_as((uid), (nofile), (fn), (arg));			\
	ASSERT_EQ(0, __rc) {							\
		TH_LOG("child of uid %d failed at line %d", (int)(uid), __rc); \
	}									\
} while (0)

/* Each test's own unprivileged uid. */
enum {
	UID_HANDLES = 61001,
	UID_HANDLES_SHARED,
	UID_PENDING,
	UID_PENDING_CALL,
	UID_BYTES,
	UID_ARRAY,
	UID_KILL,
	UID_PIN,
	UID_QUEUE_BYTES,
	UID_SERVER,
	UID_CLIENT,
	UID_LOWERED,
};

/* Read one message of up to 64 KiB + 1 handle; the handle is closed. */
static zx_status_t read_one(zx_handle_t h, void *buf, uint32_t *nb, uint32_t *nh)
{
	zx_handle_t got = ZX_HANDLE_INVALID;
	zx_status_t st = zx_channel_read(h, 0, buf, &got, ZXT_MAX_MSG_BYTES, 1, nb, nh);

	if (st == ZX_OK && *nh)
		zx_handle_close(got);
	return st;
}

/* ---- handles in flight per user ------------------------------------------ */

/* Put one event per message into @a until the write fails; returns count. */
static uint32_t fill_handles(zx_handle_t a, zx_status_t *st, zx_handle_t *last)
{
	uint32_t n = 0;

	for (;;) {
		zx_handle_t e;

		if (zx_event_create(0, &e) != ZX_OK) {
			*st = ZX_ERR_INTERNAL;
			return n;
		}
		*last = e;
		*st = zx_channel_write(a, 0, &n, sizeof(n), &e, 1);
		if (*st != ZX_OK || n == 100000)
			return n;
		n++;
	}
}

static int handles_child(void *arg)
{
	uint32_t n, i, v, nb, nh;
	zx_handle_t a, b, e;
	zx_status_t st;

	(void)arg;
	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	n = fill_handles(a, &st, &e);
	/* The cap is the writer's RLIMIT_NOFILE soft limit, 32. */
	CHECK(st == ZX_ERR_NO_RESOURCES);
	CHECK(n == 32);
	/* The failed write consumed its handle and queued nothing. */
	CHECK(!zxt_fd_is_open((int)e));
	for (i = 0; i < n; i++) {
		CHECK(zx_channel_read(b, 0, &v, &e, sizeof(v), 1, &nb, &nh) == ZX_OK);
		CHECK(v == i && nb == sizeof(v) && nh == 1);
		CHECK(zxt_type(e) == ZX_OBJ_TYPE_EVENT);
		CHECK(zx_handle_close(e) == ZX_OK);
	}
	CHECK(zx_channel_read(b, 0, &v, &e, sizeof(v), 1, &nb, &nh) == ZX_ERR_SHOULD_WAIT);
	/* Drained: the budget is back. */
	n = fill_handles(a, &st, &e);
	CHECK(st == ZX_ERR_NO_RESOURCES && n == 32);
	return 0;
}

TEST(inflight_handles_capped_at_writer_rlimit_nofile)
{
	EXPECT_EQ(0ul, read_param("max_user_inflight_handles"));
	RUN_AS(UID_HANDLES, 32, handles_child, NULL);
}

/* Another process of the same user shares the budget. */
static int try_one_handle(void *expect)
{
	zx_handle_t c, d, e;

	CHECK(zx_channel_create(0, &c, &d) == ZX_OK);
	CHECK(zx_event_create(0, &e) == ZX_OK);
	CHECK(zx_channel_write(c, 0, NULL, 0, &e, 1) == *(zx_status_t *)expect);
	return 0;
}

static int handles_shared_child(void *arg)
{
	zx_status_t st, expect;
	uint32_t n, nb, nh;
	zx_handle_t a, b, e;
	char buf[8];
	pid_t pid;

	(void)arg;
	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	n = fill_handles(a, &st, &e);
	CHECK(st == ZX_ERR_NO_RESOURCES && n == 32);

	expect = ZX_ERR_NO_RESOURCES;
	pid = fork();
	if (pid == 0)
		_exit(try_one_handle(&expect));
	CHECK(zxt_reap(pid) == 0);

	CHECK(read_one(b, buf, &nb, &nh) == ZX_OK && nh == 1);
	expect = ZX_OK;
	pid = fork();
	if (pid == 0)
		_exit(try_one_handle(&expect));
	CHECK(zxt_reap(pid) == 0);
	return 0;
}

TEST(inflight_handles_are_per_user_not_per_process)
{
	RUN_AS(UID_HANDLES_SHARED, 32, handles_shared_child, NULL);
}

static int handles_root_child(void *arg)
{
	zx_handle_t a, b, e;
	uint32_t n = 0;
	zx_status_t st;

	(void)arg;
	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	while (n < 100) {
		CHECK(zx_event_create(0, &e) == ZX_OK);
		st = zx_channel_write(a, 0, NULL, 0, &e, 1);
		CHECK(st == ZX_OK);
		n++;
	}
	return 0;
}

TEST(inflight_handles_uncapped_with_cap_sys_resource)
{
	RUN_AS(0, 32, handles_root_child, NULL);
}

/* ---- messages per queue --------------------------------------------------- */

struct wait_writable {
	zx_handle_t h;
	zx_status_t st;
	zx_signals_t obs;
};

static void *wait_writable_fn(void *p)
{
	struct wait_writable *w = p;

	w->st = zx_object_wait_one(w->h, ZX_CHANNEL_WRITABLE, zxt_long_deadline(), &w->obs);
	return NULL;
}

static short pollout(zx_handle_t h)
{
	struct pollfd pfd = { .fd = (int)h, .events = POLLOUT };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

static int pending_child(void *arg)
{
	uint32_t limit = *(uint32_t *)arg, i, v, nb, nh;
	struct wait_writable w = { .st = 1 };
	zx_handle_t a, b, e;
	pthread_t t;

	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	for (i = 0; i < limit; i++) {
		CHECK(zxt_signals_nocheck(a) & ZX_CHANNEL_WRITABLE);
		CHECK(zx_channel_write(a, 0, &i, sizeof(i), NULL, 0) == ZX_OK);
	}
	/* Full: the writer loses WRITABLE and POLLOUT; the reader is unaffected. */
	CHECK(zxt_signals_nocheck(a) == 0);
	CHECK(pollout(a) == 0);
	CHECK(zxt_signals_nocheck(b) == (ZX_CHANNEL_READABLE | ZX_CHANNEL_WRITABLE));
	CHECK(zx_event_create(0, &e) == ZX_OK);
	CHECK(zx_channel_write(a, 0, &i, sizeof(i), &e, 1) == ZX_ERR_SHOULD_WAIT);
	CHECK(!zxt_fd_is_open((int)e));

	/* A writer waiting for room is woken when one message is read. */
	w.h = a;
	CHECK(pthread_create(&t, NULL, wait_writable_fn, &w) == 0);
	zxt_sleep_ms(50);
	CHECK(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, &nb, &nh) == ZX_OK && v == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(w.st == ZX_OK && (w.obs & ZX_CHANNEL_WRITABLE));
	CHECK(pollout(a) == POLLOUT);
	CHECK(zx_channel_write(a, 0, &i, sizeof(i), NULL, 0) == ZX_OK);
	CHECK(zxt_signals_nocheck(a) == 0);

	/* Everything but the failed write is there, in order. */
	for (i = 1; i <= limit; i++) {
		CHECK(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, &nb, &nh) == ZX_OK);
		CHECK(v == i);
	}
	CHECK(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, &nb, &nh) == ZX_ERR_SHOULD_WAIT);
	CHECK(zxt_signals_nocheck(a) == ZX_CHANNEL_WRITABLE);
	CHECK(zx_channel_write(a, 0, &i, sizeof(i), NULL, 0) == ZX_OK);
	/* A closed peer still means no WRITABLE, whatever the queue. */
	CHECK(zx_handle_close(b) == ZX_OK);
	CHECK(zxt_signals_nocheck(a) == ZX_CHANNEL_PEER_CLOSED);
	return 0;
}

TEST(pending_messages_limit_clears_writable_until_drained)
{
	uint32_t limit = (uint32_t)read_param("max_pending_messages");

	EXPECT_EQ(3500u, limit);
	RUN_AS(UID_PENDING, 64, pending_child, &limit);
}

struct caller {
	zx_handle_t h;
	zx_status_t st;
	uint32_t reply;
};

static void *call_fn(void *p)
{
	struct caller *c = p;
	uint32_t req = 0, nb, nh;
	zx_channel_call_args_t args = {
		.wr_bytes = &req, .wr_num_bytes = sizeof(req),
		.rd_bytes = &c->reply, .rd_num_bytes = sizeof(c->reply),
	};

	c->st = zx_channel_call(c->h, 0, zxt_long_deadline(), &args, &nb, &nh);
	return NULL;
}

/* A reply handed straight to its caller does not need room in the queue. */
static int pending_call_child(void *arg)
{
	uint32_t limit = *(uint32_t *)arg, i, req, nb, nh;
	struct caller c = { .st = 1 };
	zx_handle_t a, b;
	pthread_t t;

	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	for (i = 0; i < limit; i++)
		CHECK(zx_channel_write(b, 0, &i, sizeof(i), NULL, 0) == ZX_OK);
	CHECK(!(zxt_signals_nocheck(b) & ZX_CHANNEL_WRITABLE));

	c.h = a;
	CHECK(pthread_create(&t, NULL, call_fn, &c) == 0);
	CHECK(zxt_read_blocking(b, &req, sizeof(req), &nb, zxt_long_deadline()) == ZX_OK);
	CHECK(zx_channel_write(b, 0, &req, sizeof(req), NULL, 0) == ZX_OK);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(c.st == ZX_OK && c.reply == req);
	/* A plain message still finds the queue full. */
	CHECK(zx_channel_write(b, 0, &req, sizeof(req), NULL, 0) == ZX_ERR_SHOULD_WAIT);
	(void)nh;
	return 0;
}

TEST(pending_messages_limit_does_not_apply_to_call_replies)
{
	uint32_t limit = (uint32_t)read_param("max_pending_messages");

	RUN_AS(UID_PENDING_CALL, 64, pending_call_child, &limit);
}

/*
 * Bytes per queue: max-size messages go in while the writer is WRITABLE,
 * and WRITABLE drops exactly when the next one would not fit.
 */
static int queue_bytes_child(void *arg)
{
	static char msg[ZXT_MAX_MSG_BYTES];
	unsigned long limit = *(unsigned long *)arg;
	uint32_t n = 0, nb, nh;
	zx_handle_t a, b;
	zx_status_t st;

	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	for (;;) {
		bool writable = zxt_signals_nocheck(a) & ZX_CHANNEL_WRITABLE;

		st = zx_channel_write(a, 0, msg, sizeof(msg), NULL, 0);
		CHECK(writable == (st == ZX_OK));
		if (st != ZX_OK)
			break;
		n++;
	}
	CHECK(st == ZX_ERR_SHOULD_WAIT);
	CHECK(n >= 2 && (unsigned long)n * sizeof(msg) <= limit);
	CHECK((unsigned long)(n + 1) * 2 * (sizeof(msg) + 4096) > limit);
	CHECK(pollout(a) == 0);
	/* One read makes room for one more. */
	CHECK(zx_channel_read(b, 0, msg, NULL, sizeof(msg), 0, &nb, &nh) == ZX_OK);
	CHECK(zxt_signals_nocheck(a) & ZX_CHANNEL_WRITABLE);
	CHECK(zx_channel_write(a, 0, msg, sizeof(msg), NULL, 0) == ZX_OK);
	CHECK(!(zxt_signals_nocheck(a) & ZX_CHANNEL_WRITABLE));
	return 0;
}

TEST(queue_bytes_limit_clears_writable_until_drained)
{
	unsigned long limit = read_param("max_queue_bytes");

	EXPECT_EQ(2ul << 20, limit);
	RUN_AS(UID_QUEUE_BYTES, 64, queue_bytes_child, &limit);
}

/*
 * A client of another user that calls with deadlines already past and
 * never reads the late replies holds the server's replies in its queue,
 * charged to the server.  It can take one queue's worth of the server's
 * budget, not all of it: the server's writes to other clients go on.
 */
static int server_side(void *arg)
{
	int *fds = arg;
	zx_handle_t srv = (zx_handle_t)fds[0], other = (zx_handle_t)fds[1];
	static char reply[ZXT_MAX_MSG_BYTES];
	uint32_t served = 0;

	for (;;) {
		uint32_t txid, nb, nh;
		zx_status_t st = zxt_read_blocking(srv, &txid, sizeof(txid), &nb,
						   zxt_long_deadline());

		if (st == ZX_ERR_PEER_CLOSED)
			break;
		CHECK(st == ZX_OK);
		memcpy(reply, &txid, sizeof(txid));
		st = zx_channel_write(srv, 0, reply, sizeof(reply), NULL, 0);
		if (st == ZX_ERR_SHOULD_WAIT)
			break;	/* this client does not read: stop serving it */
		CHECK(st == ZX_OK);
		served++;
		(void)nh;
	}
	CHECK(served > 0);
	/* Everybody else is still served. */
	CHECK(zx_channel_write(other, 0, reply, sizeof(reply), NULL, 0) == ZX_OK);
	return 0;
}

static int client_side(void *arg)
{
	zx_handle_t cl = (zx_handle_t)*(int *)arg;

	for (int i = 0; i < 1000; i++) {
		uint32_t req = 0, rd, nb, nh;
		zx_channel_call_args_t a = { .wr_bytes = &req, .wr_num_bytes = 4,
					     .rd_bytes = &rd, .rd_num_bytes = 4 };
		zx_status_t st = zx_channel_call(cl, 0, ZX_TIME_INFINITE_PAST, &a, &nb, &nh);

		if (st == ZX_ERR_SHOULD_WAIT || st == ZX_ERR_PEER_CLOSED)
			break;
		/*
		 * A reply faster than the past deadline is still a reply (too
		 * big for this buffer, it is destroyed).
		 */
		CHECK(st == ZX_ERR_TIMED_OUT || st == ZX_OK || st == ZX_ERR_BUFFER_TOO_SMALL);
	}
	/* Wait until the server gave up on us. */
	CHECK(zx_object_wait_one(cl, ZX_CHANNEL_PEER_CLOSED, zxt_long_deadline(), NULL) ==
	      ZX_OK);
	return 0;
}

TEST(client_that_never_reads_holds_one_queue_of_the_servers_budget)
{
	zx_handle_t srv, cl, other, other_peer;
	int sfds[2], cfd;
	pid_t spid, cpid;

	zxt_channel(_metadata, &cl, &srv);
	zxt_channel(_metadata, &other, &other_peer);
	sfds[0] = (int)srv;
	sfds[1] = (int)other;
	cfd = (int)cl;
	spid = fork();
	ASSERT_LE(0, spid);
	if (spid == 0) {
		zx_handle_close(cl);
		_exit(run_as(UID_SERVER, 64, server_side, sfds));
	}
	cpid = fork();
	ASSERT_LE(0, cpid);
	if (cpid == 0) {
		zx_handle_close(srv);
		zx_handle_close(other);
		_exit(run_as(UID_CLIENT, 64, client_side, &cfd));
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(srv));
	ASSERT_EQ(ZX_OK, zx_handle_close(cl));
	ASSERT_EQ(ZX_OK, zx_handle_close(other));
	EXPECT_EQ(0, zxt_reap(spid));
	EXPECT_EQ(0, zxt_reap(cpid));
	EXPECT_EQ(ZX_CHANNEL_READABLE, SIGNALS(other_peer) & ZX_CHANNEL_READABLE);
}

static int write_param(const char *name, unsigned long v);

/* Lowering the message limit below a queue's length takes effect at once. */
static int lowered_child(void *arg)
{
	zx_handle_t a = (zx_handle_t)((int *)arg)[0], b = (zx_handle_t)((int *)arg)[1];
	uint32_t i = 10, v, nb, nh;

	CHECK(zx_channel_write(a, 0, &i, sizeof(i), NULL, 0) == ZX_ERR_SHOULD_WAIT);
	CHECK(!(zxt_signals_nocheck(a) & ZX_CHANNEL_WRITABLE));
	for (i = 0; i < 6; i++)
		CHECK(zx_channel_read(b, 0, &v, NULL, sizeof(v), 0, &nb, &nh) == ZX_OK);
	CHECK(zxt_signals_nocheck(a) & ZX_CHANNEL_WRITABLE);
	return 0;
}

TEST(lowering_the_message_limit_updates_writable)
{
	unsigned long saved = read_param("max_pending_messages");
	int args[2];
	zx_handle_t a, b;
	int rc;

	zxt_channel(_metadata, &a, &b);
	for (uint32_t i = 0; i < 10; i++)
		ASSERT_EQ(ZX_OK, zx_channel_write(a, 0, &i, sizeof(i), NULL, 0));
	ASSERT_EQ(ZX_CHANNEL_WRITABLE, SIGNALS(a));
	args[0] = (int)a, args[1] = (int)b;
	ASSERT_EQ(0, write_param("max_pending_messages", 5));
	rc = run_as(UID_LOWERED, 64, lowered_child, args);
	ASSERT_EQ(0, write_param("max_pending_messages", saved));
	ASSERT_EQ(0, rc);
}

/* ---- queued bytes per user ------------------------------------------------ */

static char big[ZXT_MAX_MSG_BYTES];

/*
 * Write 64 KiB messages tagged 0, 1, ... until a write fails other than
 * with SHOULD_WAIT; a full queue (max_queue_bytes) moves on to a new
 * channel, whose reading ends go to @ends (room for @max).  Returns the
 * number written; @nends tells how many channels took them.
 */
static uint32_t fill_bytes(zx_handle_t *ends, uint32_t max, uint32_t *nends, zx_status_t *st,
			   uint32_t stop)
{
	zx_handle_t a = ZX_HANDLE_INVALID, b;
	uint32_t n = 0;

	*nends = 0;
	while (n < stop) {
		if (a == ZX_HANDLE_INVALID) {
			if (*nends == max || zx_channel_create(0, &a, &b) != ZX_OK) {
				*st = ZX_ERR_INTERNAL;
				break;
			}
			ends[(*nends)++] = b;
		}
		memcpy(big, &n, sizeof(n));
		*st = zx_channel_write(a, 0, big, sizeof(big), NULL, 0);
		if (*st == ZX_ERR_SHOULD_WAIT) {
			zx_handle_close(a);
			a = ZX_HANDLE_INVALID;
			continue;
		}
		if (*st != ZX_OK)
			break;
		n++;
	}
	if (a != ZX_HANDLE_INVALID)
		zx_handle_close(a);
	return n;
}

/* Read back what fill_bytes() wrote: @n messages, in order, intact. */
static int drain_bytes(const zx_handle_t *ends, uint32_t nends, uint32_t n)
{
	static char rd[ZXT_MAX_MSG_BYTES];
	uint32_t i = 0, v, nb, nh;

	for (uint32_t e = 0; e < nends; e++) {
		for (;;) {
			zx_status_t st = zx_channel_read(ends[e], 0, rd, NULL, sizeof(rd), 0,
							 &nb, &nh);

			if (st == ZX_ERR_PEER_CLOSED)
				break;
			CHECK(st == ZX_OK);
			memcpy(&v, rd, sizeof(v));
			CHECK(v == i && nb == sizeof(rd));
			CHECK(memcmp(rd + 4, big + 4, sizeof(rd) - 4) == 0);
			i++;
		}
	}
	CHECK(i == n);
	return 0;
}

static int try_big_write(void *expect)
{
	zx_handle_t c, d;

	CHECK(zx_channel_create(0, &c, &d) == ZX_OK);
	CHECK(zx_channel_write(c, 0, big, sizeof(big), NULL, 0) == *(zx_status_t *)expect);
	return 0;
}

static int bytes_child(void *arg)
{
	unsigned long limit = *(unsigned long *)arg;
	static zx_handle_t ends[1024];
	uint32_t n, nends, n2, nends2;
	zx_status_t st, expect;
	zx_handle_t a, b, e;
	pid_t pid;
	int rc;

	zxt_fill(big, sizeof(big), 7);
	n = fill_bytes(ends, 1024, &nends, &st, 100000);
	CHECK(st == ZX_ERR_NO_MEMORY);
	/* Each message costs its payload at least, and at most twice it. */
	CHECK(n <= limit / ZXT_MAX_MSG_BYTES);
	CHECK(n >= limit / (2 * ZXT_MAX_MSG_BYTES + 4096));
	/* A failing write consumes its handles and queues nothing. */
	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	CHECK(zx_event_create(0, &e) == ZX_OK);
	CHECK(zx_channel_write(a, 0, big, sizeof(big), &e, 1) == ZX_ERR_NO_MEMORY);
	CHECK(!zxt_fd_is_open((int)e));
	CHECK(zxt_signals_nocheck(b) == ZX_CHANNEL_WRITABLE);
	/* The budget is the user's, not the process's or the channel's. */
	expect = ZX_ERR_NO_MEMORY;
	pid = fork();
	if (pid == 0)
		_exit(try_big_write(&expect));
	CHECK(zxt_reap(pid) == 0);

	rc = drain_bytes(ends, nends, n);
	if (rc)
		return rc;
	expect = ZX_OK;
	pid = fork();
	if (pid == 0)
		_exit(try_big_write(&expect));
	CHECK(zxt_reap(pid) == 0);
	/* Drained, the whole budget is there again. */
	for (uint32_t i = 0; i < nends; i++)
		zx_handle_close(ends[i]);
	n2 = fill_bytes(ends, 1024, &nends2, &st, 100000);
	CHECK(n2 == n && st == ZX_ERR_NO_MEMORY);
	return 0;
}

TEST(queued_bytes_capped_per_user)
{
	unsigned long limit = read_param("max_user_queued_bytes");

	EXPECT_EQ(64ul << 20, limit);
	RUN_AS(UID_BYTES, 64, bytes_child, &limit);
}

static int bytes_root_child(void *arg)
{
	unsigned long limit = *(unsigned long *)arg;
	uint32_t want = (uint32_t)(limit / ZXT_MAX_MSG_BYTES) + 16, nends;
	static zx_handle_t ends[1024];
	zx_status_t st = ZX_OK;

	CHECK(fill_bytes(ends, 1024, &nends, &st, want) == want && st == ZX_OK);
	return 0;
}

static int write_param(const char *name, unsigned long v)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fprintf(f, "%lu\n", v) > 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* With a 4 MiB limit (to stay small), root writes past it. */
TEST(queued_bytes_uncapped_with_cap_sys_resource)
{
	unsigned long saved = read_param("max_user_queued_bytes");
	unsigned long limit = 4ul << 20;
	int rc;

	ASSERT_EQ(0, write_param("max_user_queued_bytes", limit));
	rc = run_as(0, 64, bytes_root_child, &limit);
	ASSERT_EQ(0, write_param("max_user_queued_bytes", saved));
	ASSERT_EQ(0, rc);
}

/* ---- the longest handle array a call walks -------------------------------- */

/*
 * Far more entries than the walk limit, all readable: 2^30, 4 GiB of zero
 * pages, where the address space has room for them; 2^28 in a 32-bit
 * process.
 */
#ifdef __LP64__
#define HUGE_ENTRIES	((size_t)1 << 30)
#else
#define HUGE_ENTRIES	((size_t)1 << 28)
#endif

/* @entries of ZX_HANDLE_INVALID, in zero pages. */
static uint32_t *zero_array(size_t entries)
{
	void *p = mmap(NULL, entries * sizeof(uint32_t), PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int array_child(void *arg)
{
	uint32_t *arr = zero_array(HUGE_ENTRIES);
	zx_handle_t a, b, e;
	int64_t t0;

	(void)arg;
	CHECK(arr);
	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	t0 = zxt_now();
	CHECK(zx_handle_close_many(arr, HUGE_ENTRIES) == ZX_ERR_OUT_OF_RANGE);
	CHECK(zx_handle_close_many(arr, ZXU_HANDLE_ARRAY_MAX + 1) == ZX_ERR_OUT_OF_RANGE);
	CHECK(zx_channel_write(a, 0, NULL, 0, arr, (uint32_t)HUGE_ENTRIES) == ZX_ERR_OUT_OF_RANGE);
	CHECK(zxt_now() - t0 < ZX_SEC(5));
	/* The longest array allowed is walked. */
	CHECK(zx_handle_close_many(arr, ZXU_HANDLE_ARRAY_MAX) == ZX_OK);
	/* An array over the message limit but under the walk limit is consumed. */
	CHECK(zx_event_create(0, &e) == ZX_OK);
	{
		static uint32_t hs[4096];

		hs[4000] = e;
		CHECK(zx_channel_write(a, 0, NULL, 0, hs, 4096) == ZX_ERR_OUT_OF_RANGE);
		CHECK(!zxt_fd_is_open((int)e));
	}
	return 0;
}

TEST(handle_arrays_longer_than_the_walk_limit_are_refused)
{
	RUN_AS(UID_ARRAY, 64, array_child, NULL);
}

/*
 * SIGKILL reaches a process that spends its time in close_many: on arrays
 * of HUGE_ENTRIES (refused at once) and of the longest length walked, whose
 * walk stops at the next chunk.  Measured from kill() to the parent seeing
 * the child dead.
 */
static int kill_child(void *arg)
{
	uint32_t *ones = malloc(ZXU_HANDLE_ARRAY_MAX * sizeof(uint32_t));
	uint32_t *zeroes = zero_array(HUGE_ENTRIES);
	int fd = *(int *)arg;

	CHECK(ones && zeroes);
	/* fd 1 is no handle: every entry costs a lookup. */
	for (uint32_t i = 0; i < ZXU_HANDLE_ARRAY_MAX; i++)
		ones[i] = 1;
	CHECK(write(fd, "r", 1) == 1);
	for (;;) {
		zx_handle_close_many(zeroes, HUGE_ENTRIES);
		zx_handle_close_many(ones, ZXU_HANDLE_ARRAY_MAX);
	}
}

TEST(sigkill_stops_close_many_at_once)
{
	int64_t worst = 0;
	int p[2];

	for (int round = 0; round < 5; round++) {
		pid_t pid;
		int64_t t0, dt;
		char c;

		ASSERT_EQ(0, pipe(p));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			int rc;

			close(p[0]);
			rc = become(UID_KILL, 64);
			_exit(rc ? rc : kill_child(&p[1]));
		}
		close(p[1]);
		ASSERT_EQ(1, read(p[0], &c, 1));
		close(p[0]);
		/* Somewhere inside a walk. */
		zxt_sleep_ms(20 + 37 * round);
		t0 = zxt_now();
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(1000 + SIGKILL, zxt_reap(pid));
		dt = zxt_now() - t0;
		if (dt > worst)
			worst = dt;
	}
	TH_LOG("worst SIGKILL-to-reaped latency: %lld us", (long long)(worst / 1000));
	EXPECT_LT(worst, ZX_SEC(2));
}

/* ---- what one user can pin, measured ------------------------------------- */

/* Slab (which counts kmalloc's page-sized allocations too) + vmalloc, kB. */
static long kernel_kb(void)
{
	char line[128];
	long v, sum = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %ld kB", &v) == 1 ||
		    sscanf(line, "VmallocUsed: %ld kB", &v) == 1)
			sum += v;
	}
	fclose(f);
	return sum;
}

struct pin {
	int ready[2], done[2];
	uint32_t handles, bigs;
};

static int pin_child(void *arg)
{
	static zx_handle_t ends[512];
	struct pin *p = arg;
	zx_handle_t a, b, e;
	uint32_t nends;
	zx_status_t st;
	char c;

	close(p->ready[0]);
	close(p->done[1]);
	CHECK(zx_channel_create(0, &a, &b) == ZX_OK);
	/* Every handle the user may have in flight, then every byte. */
	p->handles = fill_handles(a, &st, &e);
	CHECK(st == ZX_ERR_NO_RESOURCES);
	p->bigs = fill_bytes(ends, 512, &nends, &st, 100000);
	CHECK(st == ZX_ERR_NO_MEMORY);
	CHECK(write(p->ready[1], &p->handles, sizeof(p->handles)) == sizeof(p->handles));
	CHECK(write(p->ready[1], &p->bigs, sizeof(p->bigs)) == sizeof(p->bigs));
	CHECK(read(p->done[0], &c, 1) == 1);
	return 0;
}

/*
 * One unprivileged user with RLIMIT_NOFILE 1024 fills both of its budgets;
 * the kernel memory that takes is at most the byte limit plus what 1024
 * in-flight handles cost (a file, a dentry, a zx_handle and an object each,
 * well under 1 KiB), and the byte limit is really reached.
 */
TEST(memory_one_user_can_pin_is_bounded)
{
	unsigned long limit = read_param("max_user_queued_bytes");
	struct pin p = { 0 };
	long before, after, delta_kb, bound_kb;
	uint32_t handles = 0, bigs = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(p.ready));
	ASSERT_EQ(0, pipe(p.done));
	zxt_sleep_ms(500);
	before = kernel_kb();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int rc = become(UID_PIN, 1024);

		_exit(rc ? rc : pin_child(&p));
	}
	close(p.ready[1]);
	close(p.done[0]);
	ASSERT_EQ((ssize_t)sizeof(handles), read(p.ready[0], &handles, sizeof(handles)));
	ASSERT_EQ((ssize_t)sizeof(bigs), read(p.ready[0], &bigs, sizeof(bigs)));
	after = kernel_kb();
	ASSERT_EQ(1, write(p.done[1], "x", 1));
	ASSERT_EQ(0, zxt_reap(pid));

	delta_kb = after - before;
	bound_kb = (long)(limit >> 10) + 1024 + 4096;	/* + 1 KiB/handle + noise */
	TH_LOG("%u handles + %u x 64 KiB in flight: kernel memory +%ld kB (limit %lu kB + handles)",
	       handles, bigs, delta_kb, limit >> 10);
	EXPECT_EQ(1024u, handles);
	EXPECT_LE(delta_kb, bound_kb);
	EXPECT_GE(delta_kb, (long)(limit >> 10) * 9 / 10);
}

TEST_HARNESS_MAIN
