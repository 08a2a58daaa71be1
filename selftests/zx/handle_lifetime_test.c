// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime of handles in transit and across processes:
 *  - handles in unread messages keep their objects alive and are counted
 *    by ZX_INFO_HANDLE_COUNT; destroying a message (closing the endpoint it
 *    is queued on, READ_MAY_DISCARD, the owner being killed) closes them,
 *    which can close further endpoints whose peers see PEER_CLOSED, down
 *    to 200 levels of nesting;
 *  - a process that gets its first channel from elsewhere (fork, exec with
 *    an inherited fd, SCM_RIGHTS) has a full handle: read, write, transfer;
 *  - dup(2) / fork aliases of a moved handle (docs/design.md), and waits
 *    ended with CANCELED when their fd is moved away or replaced;
 *  - a chain of three processes passing a channel end along;
 *  - a SIGKILLed process with handles in flight: peers see PEER_CLOSED and
 *    the module's reference count comes back (nothing leaks).
 *
 * Children never use the harness macros: they report through exit codes.
 */
#include "zx_handle_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED
#define EP_PC	ZX_EVENTPAIR_PEER_CLOSED


#define EXEC_CHILD_ARG	"--zxt-lifetime-exec-child"

/* ---- exec child mode ----------------------------------------------------------------- */

/*
 * When the exec test re-executes this binary with EXEC_CHILD_ARG <fd>, the
 * new image never reaches the harness: it runs this and exits.  The only
 * zx handle it has is the inherited channel <fd>.
 */
static int exec_child(zx_handle_t h)
{
	zx_handle_t got[2] = { 0, 0 }, e = 0, c0 = 0, c1 = 0;
	zx_info_handle_basic_t b;
	char buf[16];
	uint32_t ab = 0, ah = 0;

	if (zxt_basic(h, &b) != ZX_OK || b.type != ZX_OBJ_TYPE_CHANNEL ||
	    b.rights != ZX_DEFAULT_CHANNEL_RIGHTS)
		return 10;
	/* the close-on-exec handles of the parent did not come along */
	if (zxt_count_zx_fds() != 1)
		return 11;
	if (zxt_read_handles_blocking(h, buf, sizeof(buf), &ab, got, 2, &ah,
				      zxt_long_deadline()) != ZX_OK)
		return 12;
	if (ab != 4 || memcmp(buf, "ping", 4) || ah != 1)
		return 13;
	/* answer over the received channel, with a new event in the message */
	if (zx_event_create(0, &e) != ZX_OK ||
	    zx_object_signal(e, 0, ZX_USER_SIGNAL_5) != ZX_OK ||
	    zx_channel_write(got[0], 0, "pong", 4, &e, 1) != ZX_OK)
		return 14;
	/* and send the received channel end back, with a new channel end */
	if (zx_channel_create(0, &c0, &c1) != ZX_OK || zxt_write_u32(c0, 0xc0ffee) != ZX_OK)
		return 15;
	got[1] = c1;
	if (zx_channel_write(h, 0, "done", 4, got, 2) != ZX_OK)
		return 16;
	return 0;
}

static void __attribute__((constructor)) exec_child_mode(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], EXEC_CHILD_ARG))
		_exit(exec_child((zx_handle_t)strtoul(argv[2], NULL, 10)));
}

/* ---- fixture ----------------------------------------------------------------------- */

FIXTURE(lt) {
	long base;
	pid_t kid[3];
};

FIXTURE_SETUP(lt)
{
	self->base = zxt_leak_begin(_metadata);
	for (int i = 0; i < 3; i++)
		self->kid[i] = -1;
}

FIXTURE_TEARDOWN(lt)
{
	for (int i = 0; i < 3; i++)
		zxt_kill_reap(&self->kid[i]);
	zxt_leak_end(_metadata, self->base);
}

/* Reap kid @i and return its exit code (1000 + signal if killed). */
static int reap(FIXTURE_DATA(lt) *self, int i)
{
	int rc = zxt_reap(self->kid[i]);

	self->kid[i] = -1;
	return rc;
}

/* Close everything, then the module's count must come back to the start. */
static void close_all_and_check(struct __test_metadata *_metadata, FIXTURE_DATA(lt) *self)
{
	zxt_close_all_handles();
	EXPECT_EQ(0, zxt_count_zx_fds());
	zxt_leak_check(_metadata, self->base);
}

/* ---- handles in unread messages ------------------------------------------------------ */

TEST_F(lt, in_flight_handles_are_counted_and_keep_objects_alive)
{
	zx_handle_t h0, h1, e = zxt_event(_metadata), d, got = 0, ep0, ep1;
	uint32_t ah = 0;
	zx_handle_t in[2];

	zxt_channel(_metadata, &h0, &h1);
	zxt_eventpair(_metadata, &ep0, &ep1);
	d = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, e));
	in[0] = d;
	in[1] = ep1;
	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, NULL, 0, in, 2));
	/* the copy in the message still counts */
	EXPECT_EQ(2u, zxt_handle_count(_metadata, e));
	/* and the eventpair half in it keeps the other half's peer alive */
	EXPECT_EQ(1u, zxt_handle_count(_metadata, ep0));
	EXPECT_EQ(0u, SIGNALS(ep0));
	/* closing the writer's end changes nothing for what is queued */
	ASSERT_EQ(ZX_OK, zx_handle_close(h0));
	EXPECT_EQ(0u, SIGNALS(ep0));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, e));

	zx_handle_t out[2];
	ASSERT_EQ(ZX_OK, zx_channel_read(h1, 0, NULL, out, 0, 2, NULL, &ah));
	ASSERT_EQ(2u, ah);
	got = out[0];
	EXPECT_EQ(2u, zxt_handle_count(_metadata, e));
	ASSERT_EQ(ZX_OK, zx_handle_close(got));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, e));
	ASSERT_EQ(ZX_OK, zx_handle_close(out[1]));
	EXPECT_EQ(EP_PC, SIGNALS(ep0));
	close_all_and_check(_metadata, self);
}

TEST_F(lt, closing_receiver_destroys_queued_handles)
{
	zx_handle_t h0, h1, e = zxt_event(_metadata), c0, c1, ep0, ep1;
	zx_handle_t in[3];

	zxt_channel(_metadata, &h0, &h1);
	zxt_channel(_metadata, &c0, &c1);
	zxt_eventpair(_metadata, &ep0, &ep1);
	in[0] = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	in[1] = c1;
	in[2] = ep1;
	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, "a", 1, in, 2));
	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, "b", 1, &in[2], 1));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, e));
	EXPECT_EQ(W, SIGNALS(c0));
	EXPECT_EQ(0u, SIGNALS(ep0));

	/* the queue dies with the endpoint it is queued on */
	ASSERT_EQ(ZX_OK, zx_handle_close(h1));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, e));
	EXPECT_EQ(PC, SIGNALS(c0));
	EXPECT_EQ(EP_PC, SIGNALS(ep0));
	EXPECT_EQ(PC, SIGNALS(h0));
	close_all_and_check(_metadata, self);
}

TEST_F(lt, closing_sender_keeps_queued_handles)
{
	zx_handle_t h0, h1, c0, c1, got = 0;
	uint32_t ah = 0, v = 0;

	zxt_channel(_metadata, &h0, &h1);
	zxt_channel(_metadata, &c0, &c1);
	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, NULL, 0, &c1, 1));
	ASSERT_EQ(ZX_OK, zx_handle_close(h0));
	EXPECT_EQ(R | PC, SIGNALS(h1));
	EXPECT_EQ(W, SIGNALS(c0));
	ASSERT_EQ(ZX_OK, zx_channel_read(h1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(1u, ah);
	ASSERT_EQ(ZX_OK, zxt_write_u32(c0, 77));
	ASSERT_EQ(ZX_OK, zxt_read_u32(got, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(77u, v);
	close_all_and_check(_metadata, self);
}

/*
 * Three levels: a0/a1 carries b1, b0/b1's queue carries c1, c0/c1's queue
 * carries an event copy.  Closing a1 tears down every level.
 */
TEST_F(lt, destroying_a_message_cascades)
{
	zx_handle_t a0, a1, b0, b1, c0, c1, e = zxt_event(_metadata), x;

	zxt_channel(_metadata, &a0, &a1);
	zxt_channel(_metadata, &b0, &b1);
	zxt_channel(_metadata, &c0, &c1);
	x = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	/* queue an event copy on c1, then c1 on b1, then b1 on a1 */
	ASSERT_EQ(ZX_OK, zx_channel_write(c0, 0, NULL, 0, &x, 1));
	ASSERT_EQ(ZX_OK, zx_channel_write(b0, 0, NULL, 0, &c1, 1));
	ASSERT_EQ(ZX_OK, zx_channel_write(a0, 0, NULL, 0, &b1, 1));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, e));
	EXPECT_EQ(W | R, SIGNALS(a1));
	EXPECT_EQ(W, SIGNALS(b0));
	EXPECT_EQ(W, SIGNALS(c0));

	ASSERT_EQ(ZX_OK, zx_handle_close(a1));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(c0, PC, zxt_long_deadline(), NULL));
	EXPECT_EQ(PC, SIGNALS(a0));
	EXPECT_EQ(PC, SIGNALS(b0));
	EXPECT_EQ(PC, SIGNALS(c0));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, e));
	close_all_and_check(_metadata, self);
}

TEST_F(lt, may_discard_cascades)
{
	zx_handle_t a0, a1, b0, b1, c0, c1;
	uint32_t ab = 0, ah = 0;

	zxt_channel(_metadata, &a0, &a1);
	zxt_channel(_metadata, &b0, &b1);
	zxt_channel(_metadata, &c0, &c1);
	ASSERT_EQ(ZX_OK, zx_channel_write(b0, 0, NULL, 0, &c1, 1));
	ASSERT_EQ(ZX_OK, zx_channel_write(a0, 0, NULL, 0, &b1, 1));
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_channel_read(a1, ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 0, 0, &ab, &ah));
	EXPECT_EQ(1u, ah);
	EXPECT_EQ(ZX_OK, zx_object_wait_one(c0, PC, zxt_long_deadline(), NULL));
	EXPECT_EQ(PC, SIGNALS(b0));
	EXPECT_EQ(W, SIGNALS(a1));
	close_all_and_check(_metadata, self);
}

/*
 * 200 channels, each endpoint carried in the previous channel's queue;
 * *outer is the only handle left in the process besides *probe, whose
 * peer sits at the bottom.
 */
static int build_nest(unsigned int levels, zx_handle_t *outer, zx_handle_t *probe)
{
	zx_handle_t p, q, carried;

	if (zx_channel_create(0, &p, &q) != ZX_OK)
		return -1;
	carried = q;
	for (unsigned int i = 0; i < levels; i++) {
		zx_handle_t a, b;

		if (zx_channel_create(0, &a, &b) != ZX_OK)
			return -1;
		if (zx_channel_write(a, 0, &i, sizeof(i), &carried, 1) != ZX_OK)
			return -1;
		if (zx_handle_close(a) != ZX_OK)
			return -1;
		carried = b;
	}
	*outer = carried;
	*probe = p;
	return 0;
}

TEST_F(lt, nested_200_torn_down_by_close)
{
	zx_handle_t outer = 0, probe = 0;
	long mid;

	ASSERT_EQ(0, build_nest(200, &outer, &probe));
	EXPECT_EQ(2, zxt_count_zx_fds());
	/* 200 endpoints and the probe's peer live in messages */
	mid = zxt_refcnt();
	EXPECT_GE(mid, self->base + 202);
	EXPECT_EQ(W, SIGNALS(probe));
	EXPECT_EQ(R | PC, SIGNALS(outer));

	ASSERT_EQ(ZX_OK, zx_handle_close(outer));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(probe, PC, zx_deadline_after(ZX_SEC(30)), NULL));
	EXPECT_EQ(PC, SIGNALS(probe));
	ASSERT_EQ(ZX_OK, zx_handle_close(probe));
	close_all_and_check(_metadata, self);
}

TEST_F(lt, nested_200_torn_down_by_process_exit)
{
	zx_handle_t r0, r1, probe = 0;
	uint32_t ah = 0;

	zxt_channel(_metadata, &r0, &r1);
	self->kid[0] = fork();
	ASSERT_GE(self->kid[0], 0);
	if (self->kid[0] == 0) {
		zx_handle_t outer = 0, p = 0;

		zx_handle_close(r0);
		if (build_nest(200, &outer, &p))
			_exit(10);
		/* hand the probe to the parent, keep the nest, and die */
		if (zx_channel_write(r1, 0, NULL, 0, &p, 1) != ZX_OK)
			_exit(11);
		_exit(0);
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(r1));
	EXPECT_EQ(0, reap(self, 0));
	ASSERT_EQ(ZX_OK, zx_channel_read(r0, 0, NULL, &probe, 0, 1, NULL, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(ZX_OK, zx_object_wait_one(probe, PC, zx_deadline_after(ZX_SEC(30)), NULL));
	close_all_and_check(_metadata, self);
}

/* ---- first channel from elsewhere --------------------------------------------------------- */

/* Child of the fork test: the inherited fd is its only way in. */
static int fork_child(zx_handle_t h)
{
	zx_handle_t got[2] = { 0, 0 }, c0, c1;
	char buf[16];
	uint32_t ab = 0, ah = 0;

	if (zxt_read_handles_blocking(h, buf, sizeof(buf), &ab, got, 2, &ah,
				      zxt_long_deadline()) != ZX_OK)
		return 20;
	if (ah != 2 || zxt_type(got[0]) != ZX_OBJ_TYPE_EVENT ||
	    zxt_type(got[1]) != ZX_OBJ_TYPE_CHANNEL)
		return 21;
	if (zx_object_signal(got[0], 0, ZX_USER_SIGNAL_2) != ZX_OK)
		return 22;
	/* talk over the received channel, handing the event back through it */
	if (zx_channel_write(got[1], 0, "evt", 3, &got[0], 1) != ZX_OK)
		return 23;
	/* and send a channel of our own back over the inherited one */
	if (zx_channel_create(0, &c0, &c1) != ZX_OK || zxt_write_u32(c0, 0x5eed) != ZX_OK)
		return 24;
	if (zx_channel_write(h, 0, "new", 3, &c1, 1) != ZX_OK)
		return 25;
	return 0;
}

TEST_F(lt, channel_inherited_across_fork)
{
	zx_handle_t h0, h1, e = zxt_event(_metadata), q0, q1, in[2], got = 0;
	uint32_t ah = 0, ab = 0, v = 0;
	char buf[8];

	zxt_channel(_metadata, &h0, &h1);
	self->kid[0] = fork();
	ASSERT_GE(self->kid[0], 0);
	if (self->kid[0] == 0) {
		zx_handle_close(h0);
		zx_handle_close(e);
		_exit(fork_child(h1));
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(h1));
	zxt_channel(_metadata, &q0, &q1);
	in[0] = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	in[1] = q1;
	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, "go", 2, in, 2));
	EXPECT_EQ(0, reap(self, 0));

	ASSERT_EQ(ZX_OK, zx_channel_read(q0, 0, buf, &got, sizeof(buf), 1, &ab, &ah));
	EXPECT_EQ(3u, ab);
	EXPECT_EQ(0, memcmp(buf, "evt", 3));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(zxt_koid(e), zxt_koid(got));
	EXPECT_EQ(ZX_USER_SIGNAL_2, SIGNALS(e));
	EXPECT_EQ(PC, SIGNALS(q0) & PC);

	ASSERT_EQ(ZX_OK, zx_channel_read(h0, 0, buf, &got, sizeof(buf), 1, &ab, &ah));
	ASSERT_EQ(1u, ah);
	ASSERT_EQ(ZX_OK, zxt_read_u32(got, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0x5eedu, v);
	/* the child is gone, so are its ends */
	EXPECT_EQ(PC, SIGNALS(h0));
	EXPECT_EQ(PC, SIGNALS(got));
	close_all_and_check(_metadata, self);
}

TEST_F(lt, channel_inherited_across_exec)
{
	zx_handle_t p0, p1, r0, r1, in = 0, got[2] = { 0, 0 }, ev = 0;
	zx_koid_t r1_koid;
	char arg[16], buf[16];
	uint32_t ab = 0, ah = 0, v = 0;
	int fl;

	zxt_channel(_metadata, &p0, &p1);
	zxt_channel(_metadata, &r0, &r1);
	r1_koid = zxt_koid(r1);
	/* only p1 survives the exec */
	EXPECT_TRUE(zxt_is_cloexec((int)p1));
	fl = fcntl((int)p1, F_GETFD);
	ASSERT_GE(fl, 0);
	ASSERT_EQ(0, fcntl((int)p1, F_SETFD, fl & ~FD_CLOEXEC));
	snprintf(arg, sizeof(arg), "%u", p1);

	self->kid[0] = fork();
	ASSERT_GE(self->kid[0], 0);
	if (self->kid[0] == 0) {
		char *argv[] = { "handle_lifetime_exec_child", EXEC_CHILD_ARG, arg, NULL };
		char *envp[] = { NULL };

		execve("/proc/self/exe", argv, envp);
		_exit(60);
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(p1));
	in = r1;
	ASSERT_EQ(ZX_OK, zx_channel_write(p0, 0, "ping", 4, &in, 1));
	EXPECT_EQ(0, reap(self, 0));

	/* the answer over the channel end the exec'd process received */
	ASSERT_EQ(ZX_OK, zx_channel_read(r0, 0, buf, &ev, sizeof(buf), 1, &ab, &ah));
	EXPECT_EQ(4u, ab);
	EXPECT_EQ(0, memcmp(buf, "pong", 4));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, zxt_type(ev));
	EXPECT_EQ(ZX_USER_SIGNAL_5, SIGNALS(ev));
	/* and the channel end itself, passed on once more, plus a new one */
	ASSERT_EQ(ZX_OK, zx_channel_read(p0, 0, buf, got, sizeof(buf), 2, &ab, &ah));
	EXPECT_EQ(0, memcmp(buf, "done", 4));
	ASSERT_EQ(2u, ah);
	EXPECT_EQ(r1_koid, zxt_koid(got[0]));
	EXPECT_EQ(zxt_koid(r0), zxt_related_koid(got[0]));
	ASSERT_EQ(ZX_OK, zxt_read_u32(got[1], &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0xc0ffeeu, v);
	EXPECT_EQ(PC, SIGNALS(p0));
	EXPECT_EQ(W, SIGNALS(r0));
	close_all_and_check(_metadata, self);
}

/* Child of the SCM_RIGHTS test: it has no zx handle until one arrives on @sock. */
static int scm_child(int sock)
{
	zx_handle_t k, got[2] = { 0, 0 };
	zx_info_handle_basic_t b;
	char tag = 0, buf[16];
	uint32_t ab = 0, ah = 0;
	int fd;

	if (zxt_count_zx_fds() != 0)
		return 30;
	fd = zxt_recv_fd(sock, &tag);
	if (fd <= 0 || tag != 'k')
		return 31;
	k = (zx_handle_t)fd;
	if (zxt_basic(k, &b) != ZX_OK || b.type != ZX_OBJ_TYPE_CHANNEL ||
	    b.rights != ZX_DEFAULT_CHANNEL_RIGHTS)
		return 32;
	/* the same handle, not a new one */
	if (zxt_count_nocheck(k) != 1)
		return 33;
	if (zxt_read_handles_blocking(k, buf, sizeof(buf), &ab, got, 2, &ah,
				      zxt_long_deadline()) != ZX_OK)
		return 34;
	if (ab != 5 || memcmp(buf, "hello", 5) || ah != 2)
		return 35;
	if (zx_object_signal(got[0], 0, ZX_USER_SIGNAL_1) != ZX_OK)
		return 36;
	if (zx_channel_write(got[1], 0, "via q", 5, &got[0], 1) != ZX_OK)
		return 37;
	/* pass the SCM_RIGHTS-received channel end on, through a zx channel */
	if (zx_channel_write(got[1], 0, "k", 1, &k, 1) != ZX_OK)
		return 38;
	if (zxt_fd_is_open(fd))
		return 39;
	return 0;
}

TEST_F(lt, channel_passed_over_unix_socket)
{
	zx_handle_t k0, k1, q0, q1, e = zxt_event(_metadata), in[2], got = 0;
	char buf[8];
	uint32_t ab = 0, ah = 0, v = 0;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	self->kid[0] = fork();
	ASSERT_GE(self->kid[0], 0);
	if (self->kid[0] == 0) {
		close(sv[0]);
		zx_handle_close(e);
		_exit(scm_child(sv[1]));
	}
	close(sv[1]);
	zxt_channel(_metadata, &k0, &k1);
	ASSERT_EQ(0, zxt_send_fd(sv[0], (int)k1, 'k'));
	ASSERT_EQ(ZX_OK, zx_handle_close(k1));
	/* in the socket, the handle keeps the endpoint open */
	EXPECT_EQ(W, SIGNALS(k0));

	zxt_channel(_metadata, &q0, &q1);
	in[0] = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	in[1] = q1;
	ASSERT_EQ(ZX_OK, zx_channel_write(k0, 0, "hello", 5, in, 2));
	EXPECT_EQ(0, reap(self, 0));
	close(sv[0]);

	ASSERT_EQ(ZX_OK, zx_channel_read(q0, 0, buf, &got, sizeof(buf), 1, &ab, &ah));
	EXPECT_EQ(0, memcmp(buf, "via q", 5));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(zxt_koid(e), zxt_koid(got));
	EXPECT_EQ(ZX_USER_SIGNAL_1, SIGNALS(e));
	ASSERT_EQ(ZX_OK, zx_handle_close(got));
	ASSERT_EQ(ZX_OK, zx_channel_read(q0, 0, buf, &got, sizeof(buf), 1, &ab, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(zxt_koid(k0), zxt_related_koid(got));
	/* the child died, but k1 travelled on: k0's peer is alive, here */
	EXPECT_EQ(W, SIGNALS(k0));
	ASSERT_EQ(ZX_OK, zxt_write_u32(got, 12));
	ASSERT_EQ(ZX_OK, zxt_read_u32(k0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(12u, v);
	close_all_and_check(_metadata, self);
}

/* A handle sitting in an SCM_RIGHTS message dies with the socket. */
TEST_F(lt, handle_in_unreceived_scm_message_closed_with_socket)
{
	zx_handle_t k0, k1;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	zxt_channel(_metadata, &k0, &k1);
	ASSERT_EQ(0, zxt_send_fd(sv[0], (int)k1, 'k'));
	ASSERT_EQ(ZX_OK, zx_handle_close(k1));
	EXPECT_EQ(W, SIGNALS(k0));
	ASSERT_EQ(0, close(sv[0]));
	ASSERT_EQ(0, close(sv[1]));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(k0, PC, zx_deadline_after(ZX_SEC(30)), NULL));
	close_all_and_check(_metadata, self);
}

/* ---- dup(2) and fork aliases ------------------------------------------------------------- */

TEST_F(lt, dup_alias_survives_moving_the_original)
{
	zx_handle_t h0, h1, c0, c1, got = 0;
	uint32_t ah = 0, v = 0;
	int alias;

	zxt_channel(_metadata, &h0, &h1);
	zxt_channel(_metadata, &c0, &c1);
	alias = dup((int)c1);
	ASSERT_GT(alias, 0);
	/* an alias, not a new handle */
	EXPECT_EQ(1u, zxt_handle_count(_metadata, c1));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, (zx_handle_t)alias));

	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, NULL, 0, &c1, 1));
	EXPECT_GONE(c1);
	EXPECT_ALIVE((zx_handle_t)alias);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, (zx_handle_t)alias));
	ASSERT_EQ(ZX_OK, zxt_write_u32((zx_handle_t)alias, 1));
	ASSERT_EQ(ZX_OK, zxt_read_u32(c0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(1u, v);

	ASSERT_EQ(ZX_OK, zx_channel_read(h1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(zxt_koid((zx_handle_t)alias), zxt_koid(got));
	/* still one handle: the received fd and the alias name the same one */
	EXPECT_EQ(1u, zxt_handle_count(_metadata, got));
	ASSERT_EQ(ZX_OK, zxt_write_u32(got, 2));
	ASSERT_EQ(ZX_OK, zxt_read_u32(c0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(2u, v);
	/* the endpoint closes with the last name */
	ASSERT_EQ(0, close(alias));
	EXPECT_EQ(W, SIGNALS(c0));
	ASSERT_EQ(ZX_OK, zx_handle_close(got));
	EXPECT_EQ(PC, SIGNALS(c0));
	close_all_and_check(_metadata, self);
}

TEST_F(lt, fork_alias_survives_move_in_parent)
{
	zx_handle_t h0, h1, c0, c1, g0, g1, got = 0;
	uint32_t ah = 0, v = 0;

	zxt_channel(_metadata, &h0, &h1);
	zxt_channel(_metadata, &c0, &c1);
	zxt_channel(_metadata, &g0, &g1);
	self->kid[0] = fork();
	ASSERT_GE(self->kid[0], 0);
	if (self->kid[0] == 0) {
		uint32_t go = 0;

		zx_handle_close(h0);
		zx_handle_close(h1);
		zx_handle_close(c0);
		zx_handle_close(g0);
		if (zxt_read_u32(g1, &go, zxt_long_deadline()) != ZX_OK || go != 1)
			_exit(40);
		/* the parent moved its name of c1; ours still works */
		if (zxt_write_u32(c1, 0xa11a5) != ZX_OK)
			_exit(41);
		_exit(0);
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(g1));
	/* the child's copy is an alias: still one handle */
	EXPECT_EQ(1u, zxt_handle_count(_metadata, c1));
	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, NULL, 0, &c1, 1));
	EXPECT_GONE(c1);
	ASSERT_EQ(ZX_OK, zxt_write_u32(g0, 1));
	EXPECT_EQ(0, reap(self, 0));
	ASSERT_EQ(ZX_OK, zxt_read_u32(c0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0xa11a5u, v);
	/* the child's alias is gone, the handle in the message is not */
	EXPECT_EQ(W, SIGNALS(c0));
	ASSERT_EQ(ZX_OK, zx_channel_read(h1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(ZX_OK, zx_handle_close(got));
	EXPECT_EQ(PC, SIGNALS(c0));
	close_all_and_check(_metadata, self);
}

TEST_F(lt, wait_canceled_when_fd_moved_into_message)
{
	zx_handle_t h0, h1, e = zxt_event(_metadata), keep, got = 0;
	struct zxt_waiter w = { 0 };
	zx_time_t start;
	uint32_t ah = 0;
	pthread_t t;

	zxt_channel(_metadata, &h0, &h1);
	keep = zxt_dup(_metadata, e, ZX_RIGHT_SAME_RIGHTS);
	w.h = e;
	w.want = ZX_EVENT_SIGNALED;
	zxt_start_waiter(_metadata, &w, &t, 100);
	start = zx_clock_get_monotonic();
	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, NULL, 0, &e, 1));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_ERR_CANCELED, w.st);
	EXPECT_NE(0u, w.obs & ZX_SIGNAL_HANDLE_CLOSED) {
		TH_LOG("observed %#x", w.obs);
	}
	EXPECT_EQ(0u, w.obs & ZX_EVENT_SIGNALED);
	EXPECT_LT(zx_clock_get_monotonic() - start, ZXT_LONG_DEADLINE_NS / 2);
	/* the handle itself lives on in the message */
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));
	ASSERT_EQ(ZX_OK, zx_channel_read(h1, 0, NULL, &got, 0, 1, NULL, &ah));
	EXPECT_EQ(zxt_koid(keep), zxt_koid(got));
	close_all_and_check(_metadata, self);
}

TEST_F(lt, wait_on_alias_not_canceled_by_move)
{
	zx_handle_t h0, h1, e = zxt_event(_metadata), got = 0;
	struct zxt_waiter w = { 0 };
	uint32_t ah = 0;
	pthread_t t;
	int alias = dup((int)e);

	ASSERT_GT(alias, 0);
	zxt_channel(_metadata, &h0, &h1);
	w.h = (zx_handle_t)alias;
	w.want = ZX_EVENT_SIGNALED;
	zxt_start_waiter(_metadata, &w, &t, 100);
	ASSERT_EQ(ZX_OK, zx_channel_write(h0, 0, NULL, 0, &e, 1));
	zxt_sleep_ms(100);
	/* still waiting: its fd still names the handle */
	EXPECT_EQ(1, __atomic_load_n(&w.st, __ATOMIC_SEQ_CST));
	ASSERT_EQ(ZX_OK, zx_channel_read(h1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(ZX_OK, zx_object_signal(got, 0, ZX_EVENT_SIGNALED));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, w.st);
	EXPECT_EQ(ZX_EVENT_SIGNALED, w.obs);
	close_all_and_check(_metadata, self);
}

TEST_F(lt, wait_canceled_when_fd_replaced)
{
	zx_handle_t c0, c1, r;
	struct zxt_waiter w = { 0 };
	pthread_t t;

	zxt_channel(_metadata, &c0, &c1);
	w.h = c1;
	w.want = R;
	zxt_start_waiter(_metadata, &w, &t, 100);
	r = zxt_replace(_metadata, c1, ZX_RIGHT_SAME_RIGHTS);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_ERR_CANCELED, w.st);
	EXPECT_EQ(W | ZX_SIGNAL_HANDLE_CLOSED, w.obs);
	/* the endpoint never lost its last handle */
	EXPECT_EQ(W, SIGNALS(c0));
	EXPECT_EQ(W, SIGNALS(r));
	close_all_and_check(_metadata, self);
}

/* ---- several processes ----------------------------------------------------------------------- */

struct chain_report {
	char tag[8];
	zx_koid_t koid, related;
};

/* B: forward whatever arrives on @in (with its handle) to @out. */
static int chain_b(zx_handle_t in, zx_handle_t out)
{
	char buf[32];
	zx_handle_t h = 0;
	uint32_t ab = 0, ah = 0;

	if (zxt_read_handles_blocking(in, buf, sizeof(buf), &ab, &h, 1, &ah,
				      zxt_long_deadline()) != ZX_OK || ah != 1)
		return 50;
	if (zx_channel_write(out, 0, buf, ab, &h, 1) != ZX_OK)
		return 51;
	return zxt_fd_is_open((int)h) ? 52 : 0;
}

/* C: take the channel end that came through B and talk to A over it. */
static int chain_c(zx_handle_t in)
{
	struct chain_report rep = { .tag = "from C" };
	char buf[32];
	zx_handle_t x = 0, e = 0;
	uint32_t ab = 0, ah = 0;

	if (zxt_read_handles_blocking(in, buf, sizeof(buf), &ab, &x, 1, &ah,
				      zxt_long_deadline()) != ZX_OK || ah != 1)
		return 60;
	if (ab != 5 || memcmp(buf, "to C", 5))
		return 61;
	rep.koid = zxt_koid(x);
	rep.related = zxt_related_koid(x);
	if (zx_event_create(0, &e) != ZX_OK || zx_object_signal(e, 0, ZX_USER_SIGNAL_3))
		return 62;
	if (zx_channel_write(x, 0, &rep, sizeof(rep), &e, 1) != ZX_OK)
		return 63;
	if (zxt_read_blocking(x, buf, sizeof(buf), &ab, zxt_long_deadline()) != ZX_OK)
		return 64;
	if (ab != 6 || memcmp(buf, "reply", 6))
		return 65;
	return 0;
}

TEST_F(lt, three_process_chain)
{
	zx_handle_t ab0, ab1, bc0, bc1, x0, x1, in, e = 0;
	struct chain_report rep;
	zx_koid_t x1_koid;
	uint32_t nb = 0, ah = 0;

	zxt_channel(_metadata, &ab0, &ab1);
	zxt_channel(_metadata, &bc0, &bc1);
	self->kid[0] = fork();
	ASSERT_GE(self->kid[0], 0);
	if (self->kid[0] == 0) {
		zx_handle_close(ab0);
		zx_handle_close(bc1);
		_exit(chain_b(ab1, bc0));
	}
	self->kid[1] = fork();
	ASSERT_GE(self->kid[1], 0);
	if (self->kid[1] == 0) {
		zx_handle_close(ab0);
		zx_handle_close(ab1);
		zx_handle_close(bc0);
		_exit(chain_c(bc1));
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(ab1));
	ASSERT_EQ(ZX_OK, zx_handle_close(bc0));
	ASSERT_EQ(ZX_OK, zx_handle_close(bc1));

	/* made after the forks: only the messages can take x1 to C */
	zxt_channel(_metadata, &x0, &x1);
	x1_koid = zxt_koid(x1);
	in = x1;
	ASSERT_EQ(ZX_OK, zx_channel_write(ab0, 0, "to C", 5, &in, 1));

	memset(&rep, 0, sizeof(rep));
	ASSERT_EQ(ZX_OK, zxt_read_handles_blocking(x0, &rep, sizeof(rep), &nb, &e, 1, &ah,
						   zxt_long_deadline()));
	ASSERT_EQ(sizeof(rep), nb);
	ASSERT_EQ(1u, ah);
	EXPECT_STREQ("from C", rep.tag);
	EXPECT_EQ(x1_koid, rep.koid);
	EXPECT_EQ(zxt_koid(x0), rep.related);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, zxt_type(e));
	EXPECT_EQ(ZX_USER_SIGNAL_3, SIGNALS(e));
	ASSERT_EQ(ZX_OK, zx_channel_write(x0, 0, "reply", 6, NULL, 0));

	EXPECT_EQ(0, reap(self, 0));
	EXPECT_EQ(0, reap(self, 1));
	EXPECT_EQ(PC, SIGNALS(x0));
	EXPECT_EQ(PC, SIGNALS(ab0));
	close_all_and_check(_metadata, self);
}

/*
 * The child holds a message (on its own endpoint s1) carrying the peer of
 * the parent's probe p0, owns one half of an eventpair whose other half it
 * sent to the parent, and has written to the parent a message carrying a
 * channel end.  SIGKILL: the parent's ends see PEER_CLOSED, what the child
 * sent the parent survives, and nothing leaks.
 */
TEST_F(lt, sigkill_with_handles_in_flight)
{
	zx_handle_t p0, p1, s0, s1, x0, x1, got[2] = { 0, 0 };
	uint32_t ab = 0, ah = 0, v = 0;
	char buf[8];

	zxt_channel(_metadata, &p0, &p1);
	zxt_channel(_metadata, &s0, &s1);
	zxt_channel(_metadata, &x0, &x1);
	self->kid[0] = fork();
	ASSERT_GE(self->kid[0], 0);
	if (self->kid[0] == 0) {
		zx_handle_t ea = 0, eb = 0, m0 = 0, m1 = 0, out[2];

		zx_handle_close(p0);
		zx_handle_close(x0);
		/* p1 goes into a message queued on our own s1 */
		if (zx_channel_write(s0, 0, NULL, 0, &p1, 1) != ZX_OK)
			_exit(70);
		if (zx_eventpair_create(0, &ea, &eb) != ZX_OK ||
		    zx_channel_create(0, &m0, &m1) != ZX_OK ||
		    zxt_write_u32(m0, 0xdead) != ZX_OK)
			_exit(71);
		out[0] = eb;
		out[1] = m1;
		if (zx_channel_write(x1, 0, "ready", 5, out, 2) != ZX_OK)
			_exit(72);
		for (;;)
			pause();
	}
	ASSERT_EQ(ZX_OK, zx_handle_close(p1));
	ASSERT_EQ(ZX_OK, zx_handle_close(s0));
	ASSERT_EQ(ZX_OK, zx_handle_close(s1));
	ASSERT_EQ(ZX_OK, zx_handle_close(x1));

	ASSERT_EQ(ZX_OK, zxt_read_handles_blocking(x0, buf, sizeof(buf), &ab, got, 2, &ah,
						   zxt_long_deadline()));
	ASSERT_EQ(2u, ah);
	EXPECT_EQ(0, memcmp(buf, "ready", 5));
	/* all alive while the child is */
	EXPECT_EQ(W, SIGNALS(p0));
	EXPECT_EQ(0u, SIGNALS(got[0]));
	EXPECT_EQ(W | R, SIGNALS(got[1]));

	ASSERT_EQ(0, kill(self->kid[0], SIGKILL));
	EXPECT_EQ(1000 + SIGKILL, reap(self, 0));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(p0, PC, zx_deadline_after(ZX_SEC(30)), NULL));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(got[0], EP_PC, zx_deadline_after(ZX_SEC(30)), NULL));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(x0, PC, zx_deadline_after(ZX_SEC(30)), NULL));
	EXPECT_EQ(PC, SIGNALS(p0));
	EXPECT_EQ(EP_PC, SIGNALS(got[0]));
	/* what the child wrote before dying is still readable */
	EXPECT_EQ(R | PC, SIGNALS(got[1]));
	ASSERT_EQ(ZX_OK, zxt_read_u32(got[1], &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(0xdeadu, v);
	close_all_and_check(_metadata, self);
}

/*
 * Short-lived children, each killed while messages full of handles are
 * queued both on its own endpoint and on the parent's (which the parent
 * reads in even rounds and destroys unread in odd ones).
 */
TEST_F(lt, repeated_kills_leak_nothing)
{
	for (int round = 0; round < 6; round++) {
		zx_handle_t r0, r1;

		zxt_channel(_metadata, &r0, &r1);
		self->kid[0] = fork();
		ASSERT_GE(self->kid[0], 0);
		if (self->kid[0] == 0) {
			zx_handle_t a, b, hs[16];

			zx_handle_close(r0);
			if (zx_channel_create(0, &a, &b) != ZX_OK)
				_exit(80);
			for (int m = 0; m < 8; m++) {
				for (int i = 0; i < 16; i++) {
					if (zx_event_create(0, &hs[i]) != ZX_OK)
						_exit(81);
				}
				/* half to ourselves, half to the parent */
				if (zx_channel_write((m & 1) ? r1 : a, 0, NULL, 0, hs, 16) != ZX_OK)
					_exit(82);
			}
			if (zx_object_signal_peer(r1, 0, ZX_USER_SIGNAL_0) != ZX_OK)
				_exit(83);
			for (;;)
				pause();
		}
		ASSERT_EQ(ZX_OK, zx_handle_close(r1));
		ASSERT_EQ(ZX_OK, zx_object_wait_one(r0, ZX_USER_SIGNAL_0, zxt_long_deadline(),
						    NULL));
		if (round % 2 == 0) {
			for (int m = 0; m < 4; m++) {
				zx_handle_t hs[16];
				uint32_t ah = 0;

				ASSERT_EQ(ZX_OK,
					  zx_channel_read(r0, 0, NULL, hs, 0, 16, NULL, &ah));
				ASSERT_EQ(16u, ah);
				ASSERT_EQ(ZX_OK, zx_handle_close_many(hs, 16));
			}
			ASSERT_NOTHING_QUEUED(r0);
		}
		ASSERT_EQ(0, kill(self->kid[0], SIGKILL));
		EXPECT_EQ(1000 + SIGKILL, reap(self, 0));
		EXPECT_EQ(ZX_OK, zx_object_wait_one(r0, PC, zxt_long_deadline(), NULL));
		ASSERT_EQ(ZX_OK, zx_handle_close(r0));
	}
	close_all_and_check(_metadata, self);
}

TEST_HARNESS_MAIN
