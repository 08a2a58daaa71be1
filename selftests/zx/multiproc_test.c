// SPDX-License-Identifier: GPL-2.0
/*
 * Channels across processes: fork()ed children exchange messages with the
 * parent, fork/dup(2) aliases of one handle, endpoint closure when the last
 * alias goes (including SIGKILL and exec of an O_CLOEXEC handle), and waits
 * ended by another process closing the peer.
 *
 * Children never use the harness macros: they report through exit codes.
 */
#include "zx_test_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

#define EXEC_SLEEP_ENV	"ZXT_MULTIPROC_EXEC_SLEEP"

/*
 * Runs before the harness when this binary re-executes itself for the
 * exec test: just sleep (until killed).
 */
static void __attribute__((constructor)) exec_sleep_child(void)
{
	if (getenv(EXEC_SLEEP_ENV)) {
		zxt_sleep_ms(60000);
		_exit(0);
	}
}

FIXTURE(mp) {
	zx_handle_t h0, h1;
	pid_t child;
};

FIXTURE_SETUP(mp)
{
	zxt_channel(_metadata, &self->h0, &self->h1);
	self->child = -1;
}

FIXTURE_TEARDOWN(mp)
{
	zxt_kill_reap(&self->child);
	zxt_close_pair(self->h0, self->h1);
}

/* Reap the child and return its exit code (or 1000 + signal). */
static int reap(FIXTURE_DATA(mp) *self)
{
	int rc = zxt_reap(self->child);

	if (rc != -1)	/* -1: not reaped, the teardown still kills it */
		self->child = -1;
	return rc;
}

/* ---- message exchange ------------------------------------------------------------------ */

enum { PINGS = 300, STREAM = 1000 };

static int ping_pong_child(zx_handle_t h)
{
	for (uint32_t i = 0; i < PINGS; i++) {
		uint32_t v = 0;

		if (zxt_read_u32(h, &v, zxt_long_deadline()) != ZX_OK)
			return 10;
		if (v != i)
			return 11;
		if (zxt_write_u32(h, v * 3 + 1) != ZX_OK)
			return 12;
	}
	return 0;
}

TEST_F(mp, ping_pong_in_order)
{
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		zx_handle_close(self->h0);
		_exit(ping_pong_child(self->h1));
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	for (uint32_t i = 0; i < PINGS; i++) {
		uint32_t v = 0;

		ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, i));
		ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, zxt_long_deadline()));
		ASSERT_EQ(i * 3 + 1, v);
	}
	EXPECT_EQ(0, reap(self));
	/* the child's exit closed the other end */
	EXPECT_EQ(PC, SIGNALS(self->h0));
}

static int stream_child(zx_handle_t h)
{
	char buf[64];

	for (uint32_t i = 0; i < STREAM; i++) {
		uint32_t len = 4 + i % 60;

		zxt_fill(buf, len, i + 100000);
		memcpy(buf, &i, 4);
		if (zx_channel_write(h, 0, buf, len, NULL, 0) != ZX_OK)
			return 20;
	}
	for (uint32_t i = 0; i < STREAM; i++) {
		char exp[64];
		uint32_t ab = 0, len = 4 + (i * 7) % 60;

		if (zxt_read_blocking(h, buf, sizeof(buf), &ab, zxt_long_deadline()) != ZX_OK)
			return 21;
		zxt_fill(exp, len, i);
		memcpy(exp, &i, 4);
		if (ab != len)
			return 22;
		if (memcmp(buf, exp, len))
			return 23;
	}
	return 0;
}

TEST_F_TIMEOUT(mp, stream_both_directions, 120)
{
	char buf[64];

	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		zx_handle_close(self->h0);
		_exit(stream_child(self->h1));
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	for (uint32_t i = 0; i < STREAM; i++) {
		uint32_t len = 4 + (i * 7) % 60;

		zxt_fill(buf, len, i);
		memcpy(buf, &i, 4);
		ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, buf, len, NULL, 0));
	}
	for (uint32_t i = 0; i < STREAM; i++) {
		char exp[64];
		uint32_t ab = 0, len = 4 + i % 60;

		ASSERT_EQ(ZX_OK, zxt_read_blocking(self->h0, buf, sizeof(buf), &ab,
						   zxt_long_deadline()));
		zxt_fill(exp, len, i + 100000);
		memcpy(exp, &i, 4);
		ASSERT_EQ(len, ab);
		ASSERT_EQ(0, memcmp(buf, exp, len)) {
			TH_LOG("message %u", i);
		}
	}
	EXPECT_EQ(0, reap(self));
}

/* ---- fork and dup(2) aliases ------------------------------------------------------------ */

TEST_F(mp, child_inherits_handle)
{
	zx_info_handle_basic_t b;

	ASSERT_EQ(ZX_OK, zxt_basic(self->h1, &b));
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		zx_info_handle_basic_t cb;
		zx_info_handle_count_t cnt = { 0 };
		uint32_t v = 0;

		if (zxt_basic(self->h1, &cb) != ZX_OK)
			_exit(30);
		if (cb.koid != b.koid || cb.related_koid != b.related_koid ||
		    cb.rights != ZX_DEFAULT_CHANNEL_RIGHTS)
			_exit(31);
		/* one handle, shared by both processes */
		if (zx_object_get_info(self->h1, ZX_INFO_HANDLE_COUNT, &cnt, sizeof(cnt),
				       NULL, NULL) != ZX_OK || cnt.handle_count != 1)
			_exit(32);
		if (zxt_read_u32(self->h1, &v, zxt_long_deadline()) != ZX_OK || v != 0x5151)
			_exit(33);
		if (zxt_write_u32(self->h1, 0x6161) != ZX_OK)
			_exit(34);
		_exit(0);
	}
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 0x5151));
	EXPECT_EQ(0, reap(self));
	/* the child's exit did not close the endpoint: the parent still holds it */
	EXPECT_EQ(W | R, SIGNALS(self->h0));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, self->h1));
}

TEST_F(mp, fork_alias_close_in_child_keeps_endpoint)
{
	uint32_t v = 0;

	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		char b = 'x';

		if (zx_handle_close(self->h1) != ZX_OK)
			_exit(40);
		/* gone in the child ... */
		if (zx_channel_write(self->h1, 0, &b, 1, NULL, 0) != ZX_ERR_BAD_HANDLE)
			_exit(41);
		_exit(0);
	}
	EXPECT_EQ(0, reap(self));
	/* ... but the parent's reference keeps the endpoint open */
	EXPECT_EQ(W, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h1, 9));
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(9u, v);
	/* the last reference goes: now the peer sees it */
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	EXPECT_EQ(PC, SIGNALS(self->h0));
}

TEST_F(mp, endpoint_closes_when_child_drops_last_alias)
{
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		uint32_t v = 0;

		zx_handle_close(self->h0);
		/* wait for the go, then exit without closing anything */
		if (zxt_read_u32(self->h1, &v, zxt_long_deadline()) != ZX_OK)
			_exit(50);
		_exit(v == 1 ? 0 : 51);
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	/* the child still holds the endpoint */
	EXPECT_EQ(W, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h0, PC, zxt_long_deadline(), NULL));
	EXPECT_EQ(PC, SIGNALS(self->h0));
	EXPECT_EQ(0, reap(self));
}

TEST_F(mp, dup_is_an_alias_of_one_handle)
{
	zx_info_handle_basic_t b1, bd;
	uint32_t v = 0;
	int d;

	d = dup((int)self->h1);
	ASSERT_GE(d, 0);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, self->h1));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, (zx_handle_t)d));
	ASSERT_EQ(ZX_OK, zxt_basic(self->h1, &b1));
	ASSERT_EQ(ZX_OK, zxt_basic((zx_handle_t)d, &bd));
	EXPECT_EQ(b1.koid, bd.koid);
	EXPECT_EQ(b1.rights, bd.rights);

	/* closing one alias does not close the endpoint */
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	EXPECT_EQ(W, SIGNALS(self->h0));
	ASSERT_EQ(ZX_OK, zxt_write_u32((zx_handle_t)d, 4));
	ASSERT_EQ(ZX_OK, zxt_read_u32(self->h0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(4u, v);
	/* the last one does */
	ASSERT_EQ(0, close(d));
	EXPECT_EQ(PC, SIGNALS(self->h0));
}

TEST_F(mp, dup_shares_rights)
{
	zx_handle_t ro = zxt_replace(_metadata, self->h1,
				     ZX_RIGHT_READ | ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT);
	char b = 'x';
	int d;

	self->h1 = ro;
	d = fcntl((int)ro, F_DUPFD_CLOEXEC, 3);
	ASSERT_GE(d, 0);
	EXPECT_EQ(ZX_RIGHT_READ | ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT,
		  zxt_rights(_metadata, (zx_handle_t)d));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write((zx_handle_t)d, 0, &b, 1, NULL, 0));
	EXPECT_EQ(ZX_OK, zx_handle_close((zx_handle_t)d));
	EXPECT_EQ(W, SIGNALS(self->h0));
}

/* ---- process death ------------------------------------------------------------------------ */

TEST_F(mp, sigkilled_child_closes_its_endpoint)
{
	uint32_t v;

	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		zx_handle_close(self->h0);
		for (uint32_t i = 0; i < 3; i++)
			zxt_write_u32(self->h1, 100 + i);
		/* tell the parent all three are queued */
		zx_object_signal_peer(self->h1, 0, ZX_USER_SIGNAL_0);
		for (;;)
			pause();
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	ASSERT_EQ(ZX_OK, zx_object_wait_one(self->h0, ZX_USER_SIGNAL_0, zxt_long_deadline(), NULL));
	/* the child is alive and holds its end */
	EXPECT_EQ(W | R | ZX_USER_SIGNAL_0, SIGNALS(self->h0));

	ASSERT_EQ(0, kill(self->child, SIGKILL));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h0, PC, zxt_long_deadline(), NULL));
	EXPECT_EQ(1000 + SIGKILL, reap(self));

	/* messages written before the death are still there */
	EXPECT_EQ(R | PC | ZX_USER_SIGNAL_0, SIGNALS(self->h0));
	for (uint32_t i = 0; i < 3; i++) {
		v = 0;
		ASSERT_EQ(ZX_OK, zx_channel_read(self->h0, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
		EXPECT_EQ(100 + i, v);
	}
	EXPECT_EQ(ZX_ERR_PEER_CLOSED,
		  zx_channel_read(self->h0, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(PC | ZX_USER_SIGNAL_0, SIGNALS(self->h0));
}

TEST_F(mp, exec_closes_cloexec_handles)
{
	char *argv[] = { "zx-exec-sleep", NULL };
	char *envp[] = { EXEC_SLEEP_ENV "=1", NULL };
	int status;

	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		execve("/proc/self/exe", argv, envp);
		_exit(60);
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	/* the exec dropped the child's alias: the endpoint is closed ... */
	EXPECT_EQ(ZX_OK, zx_object_wait_one(self->h0, PC, zxt_long_deadline(), NULL));
	/* ... while the child is still alive (sleeping in the new image) */
	EXPECT_EQ(0, waitpid(self->child, &status, WNOHANG));
}

/* ---- waits across processes ----------------------------------------------------------------- */

TEST_F(mp, peer_close_seen_by_waiter_in_other_process)
{
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		zx_signals_t obs = 0;
		zx_status_t st;

		/* drop our alias of the end the parent will close */
		zx_handle_close(self->h1);
		st = zx_object_wait_one(self->h0, PC, zxt_long_deadline(), &obs);
		if (st != ZX_OK)
			_exit(70);
		_exit(obs == PC ? 0 : 71);
	}
	/* let the child block in its wait, then close the last reference */
	zxt_wait_task_state(self->child, self->child, "SD", 20000);
	zxt_sleep_ms(100);
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	EXPECT_EQ(0, reap(self));
}

TEST_F(mp, write_seen_by_waiter_in_other_process)
{
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (self->child == 0) {
		zx_wait_item_t items[2] = {
			{ .handle = self->h0, .waitfor = R | PC },
			{ .handle = self->h1, .waitfor = R | PC },
		};

		if (zx_object_wait_many(items, 2, zxt_long_deadline()) != ZX_OK)
			_exit(80);
		if (items[0].pending != W || items[1].pending != (W | R))
			_exit(81);
		_exit(0);
	}
	zxt_wait_task_state(self->child, self->child, "SD", 20000);
	zxt_sleep_ms(50);
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 1));
	EXPECT_EQ(0, reap(self));
}

TEST_HARNESS_MAIN
