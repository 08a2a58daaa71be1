// SPDX-License-Identifier: GPL-2.0
/*
 * Races on the paths where the module drops a lock or touches user memory
 * between two steps of one operation.  Each test runs its race thousands
 * of times (or stalls the kernel at the exact step with userfaultfd) and
 * checks what userspace can observe; the VM's kernel-log scan catches the
 * memory corruption these races used to cause.
 */
#include "zx_test_util.h"
#include "zx_handle_util.h"

#include <linux/userfaultfd.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <zircon/linux.h>

/*
 * Wall-clock budget of one race loop, and the rounds it must reach
 * whatever the budget (a round forks a process: under KASAN a round
 * takes 100 times longer than on the distro kernel).
 */
#define RACE_BUDGET_NS		ZX_SEC(4)
#define RACE_MAX_ROUNDS		4000
#define RACE_MIN_ROUNDS		20

/* ---- read vs. MAY_DISCARD while the reader sleeps reserving fds -------- */

enum read_kind { READ_PLAIN, READ_WAIT };

struct discard_race {
	zx_handle_t b;
	int go;
	int stop;
	int discarded;
	int bad;
};

static void *discarder(void *p)
{
	struct discard_race *r = p;

	while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
		;
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zx_channel_read(r->b, ZX_CHANNEL_READ_MAY_DISCARD,
						 NULL, NULL, 0, 0, &ab, &ah);

		if (st == ZX_ERR_BUFFER_TOO_SMALL && ab == 0 && ah == 1)
			r->discarded++;
		else if (st != ZX_ERR_SHOULD_WAIT)
			r->bad = 1;
	}
	return NULL;
}

/*
 * One round, in a fresh process whose fd table has 64 slots: the reader
 * needs fd 64, so reserving it grows the table, which sleeps in
 * synchronize_rcu() because the process has a second thread.  That second
 * thread discards the very message the reader is reserving for.  Exactly
 * one of the two must get the message; the fd table must stay intact.
 * Returns the child's exit code: 0 ok, 10+ a broken invariant.
 */
static int discard_round(enum read_kind kind)
{
	struct discard_race r = { 0 };
	zx_handle_t a, e, hs[4] = { 0 };
	uint32_t ab = 0xffff, ah = 0xffff;
	pthread_t t;
	zx_status_t st;
	int fd, nullfd;

	if (zx_channel_create(0, &a, &r.b) != ZX_OK || zx_event_create(0, &e) != ZX_OK)
		return 10;
	if (zx_channel_write(a, 0, NULL, 0, &e, 1) != ZX_OK)
		return 11;
	do {
		nullfd = open("/dev/null", O_RDONLY);
	} while (nullfd >= 0 && nullfd < 63);
	if (nullfd != 63)
		return 12;
	if (pthread_create(&t, NULL, discarder, &r))
		return 13;

	__atomic_store_n(&r.go, 1, __ATOMIC_RELEASE);
	if (kind == READ_PLAIN)
		st = zx_channel_read(r.b, 0, NULL, hs, 0, 4, &ab, &ah);
	else
		st = zxl_channel_read_wait(r.b, 0, NULL, hs, 0, 4, &ab, &ah,
					   ZX_TIME_INFINITE_PAST);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);

	if (r.bad)
		return 14;
	if (st == ZX_OK) {
		/* The reader won: one event handle, none discarded. */
		if (ab != 0 || ah != 1 || r.discarded != 0)
			return 15;
		if (hs[0] == ZX_HANDLE_INVALID || zxt_type(hs[0]) != ZX_OBJ_TYPE_EVENT)
			return 16;
	} else if (st == ZX_ERR_SHOULD_WAIT || st == ZX_ERR_TIMED_OUT) {
		if (r.discarded != 1 || hs[0] != ZX_HANDLE_INVALID)
			return 17;
	} else {
		return 18;
	}
	/* Every /dev/null fd is still open, nothing else appeared. */
	for (fd = 3; fd < 64; fd++) {
		if (fd == (int)a || fd == (int)r.b)
			continue;
		if (!zxt_fd_is_open(fd) || zxt_fd_is_zx(fd))
			return 19;
	}
	for (fd = 64; fd < 256; fd++) {
		if (zxt_fd_is_open(fd) && (zx_handle_t)fd != hs[0])
			return 20;
	}
	return 0;
}

/* Run @round in a forked child again and again; every child must exit 0. */
static void race_rounds(struct __test_metadata *_metadata, int (*round)(enum read_kind),
			enum read_kind kind)
{
	zx_time_t end = zxt_now() + RACE_BUDGET_NS;
	int rounds = 0;

	while (rounds < RACE_MAX_ROUNDS && (rounds < RACE_MIN_ROUNDS || zxt_now() < end)) {
		pid_t pid = fork();
		int rc;

		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(round(kind));
		rc = zxt_reap(pid);
		ASSERT_EQ(0, rc) {
			TH_LOG("round %d: child status %d", rounds, rc);
		}
		rounds++;
	}
	TH_LOG("%d rounds", rounds);
}

/* Forking rounds are slow on debug kernels: more than the default 30 s. */
FIXTURE(forking) {
	int unused;
};

FIXTURE_VARIANT(forking) {
	enum read_kind kind;
};

FIXTURE_VARIANT_ADD(forking, read) { .kind = READ_PLAIN };
FIXTURE_VARIANT_ADD(forking, read_wait) { .kind = READ_WAIT };

FIXTURE_SETUP(forking)
{
}

FIXTURE_TEARDOWN(forking)
{
}

TEST_F_TIMEOUT(forking, vs_discard_while_reserving_fds, 300)
{
	race_rounds(_metadata, discard_round, variant->kind);
}

/*
 * The same window without a sleeping reservation, sustained: a writer
 * keeps one message with a handle queued, a reader takes messages with
 * their handles and a discarder drops them, all at once.  Every message is
 * either read or discarded, and the reader's handles are real.
 */
struct hammer {
	zx_handle_t a, b;
	int64_t end;
	uint32_t written, read, discarded;
	int fail;
};

static void *hammer_discard(void *p)
{
	struct hammer *h = p;

	while (zxt_now() < h->end) {
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zx_channel_read(h->b, ZX_CHANNEL_READ_MAY_DISCARD,
						 NULL, NULL, 0, 0, &ab, &ah);

		if (st == ZX_ERR_BUFFER_TOO_SMALL && ah == 1)
			__atomic_add_fetch(&h->discarded, 1, __ATOMIC_RELAXED);
		else if (st != ZX_ERR_SHOULD_WAIT)
			h->fail = 1;
	}
	return NULL;
}

static void *hammer_read(void *p)
{
	struct hammer *h = p;

	while (zxt_now() < h->end) {
		zx_handle_t got = ZX_HANDLE_INVALID;
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zx_channel_read(h->b, 0, NULL, &got, 0, 1, &ab, &ah);

		if (st == ZX_OK) {
			if (ah != 1 || zxt_type(got) != ZX_OBJ_TYPE_EVENT ||
			    zx_handle_close(got) != ZX_OK)
				h->fail = 2;
			__atomic_add_fetch(&h->read, 1, __ATOMIC_RELAXED);
		} else if (st != ZX_ERR_SHOULD_WAIT) {
			h->fail = 3;
		}
	}
	return NULL;
}

TEST(read_discard_write_hammer)
{
	struct hammer h = { .end = zxt_now() + RACE_BUDGET_NS };
	pthread_t t[2];
	int base;

	zxt_warm_up(_metadata);
	base = zxt_count_fds();
	zxt_channel(_metadata, &h.a, &h.b);
	ASSERT_EQ(0, pthread_create(&t[0], NULL, hammer_discard, &h));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, hammer_read, &h));
	while (zxt_now() < h.end) {
		zx_handle_t e;

		if (SIGNALS(h.b) & ZX_CHANNEL_READABLE)
			continue;
		ASSERT_EQ(ZX_OK, zx_event_create(0, &e));
		ASSERT_EQ(ZX_OK, zx_channel_write(h.a, 0, NULL, 0, &e, 1));
		h.written++;
	}
	ASSERT_EQ(0, pthread_join(t[0], NULL));
	ASSERT_EQ(0, pthread_join(t[1], NULL));
	EXPECT_EQ(0, h.fail);
	/* What is still queued is the last message, if nobody got it. */
	if (SIGNALS(h.b) & ZX_CHANNEL_READABLE) {
		uint32_t ab, ah;

		ASSERT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
			  zx_channel_read(h.b, ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 0, 0,
					  &ab, &ah));
		h.discarded++;
	}
	EXPECT_EQ(h.written, h.read + h.discarded);
	TH_LOG("%u messages: %u read, %u discarded", h.written, h.read, h.discarded);
	EXPECT_GT(h.read, 0u);
	EXPECT_GT(h.discarded, 0u);
	ASSERT_EQ(ZX_OK, zx_handle_close(h.a));
	ASSERT_EQ(ZX_OK, zx_handle_close(h.b));
	EXPECT_EQ(base, zxt_count_fds());
}

/* ---- fd 0 is never a handle, even while another thread frees it -------- */

struct fd0_flipper {
	int64_t end;
	int stop;
};

static void *flip_fd0(void *p)
{
	struct fd0_flipper *f = p;

	close(0);
	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE) && zxt_now() < f->end) {
		/* Take fd 0 when it is free and give it back: never close
		 * anybody else's fd 0. */
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

TEST(fd0_never_a_handle_while_another_thread_frees_it)
{
	struct fd0_flipper f = { .end = zxt_now() + RACE_BUDGET_NS };
	zx_handle_t a, b;
	unsigned int rounds = 0;
	pthread_t t;

	zxt_channel(_metadata, &a, &b);
	ASSERT_EQ(0, pthread_create(&t, NULL, flip_fd0, &f));
	while (zxt_now() < f.end) {
		zx_handle_t e = ZX_HANDLE_INVALID, got = ZX_HANDLE_INVALID;
		uint32_t ab, ah;

		ASSERT_EQ(ZX_OK, zx_event_create(0, &e));
		ASSERT_NE(ZX_HANDLE_INVALID, e);
		ASSERT_EQ(ZX_OK, zx_channel_write(a, 0, NULL, 0, &e, 1));
		ASSERT_EQ(ZX_OK, zx_channel_read(b, 0, NULL, &got, 0, 1, &ab, &ah));
		ASSERT_NE(ZX_HANDLE_INVALID, got) {
			__atomic_store_n(&f.stop, 1, __ATOMIC_RELEASE);
			TH_LOG("round %u: a read handle landed on fd 0", rounds);
		}
		ASSERT_EQ(ZX_OK, zx_handle_close(got));
		rounds++;
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	TH_LOG("%u rounds", rounds);
	EXPECT_FALSE(zxt_fd_is_zx(0));
}

/* ---- userfaultfd: stop the kernel in the middle of a user copy ---------- */

struct uffd {
	int fd;
	char *page;
	size_t len;
};

static int uffd_open(struct uffd *u)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;

	u->len = (size_t)sysconf(_SC_PAGESIZE);
	u->fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (u->fd < 0 || ioctl(u->fd, UFFDIO_API, &api))
		return -1;
	u->page = mmap(NULL, u->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (u->page == MAP_FAILED)
		return -1;
	reg = (struct uffdio_register){
		.range = { .start = (uintptr_t)u->page, .len = u->len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	return ioctl(u->fd, UFFDIO_REGISTER, &reg);
}

/* Wait until a thread faults on the page: the kernel is stalled there. */
static int uffd_wait_fault(struct uffd *u)
{
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, 30000) != 1)
		return -1;
	if (read(u->fd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return -1;
	return 0;
}

/* Let the stalled copy go on: map a page of zeroes. */
static int uffd_resolve(struct uffd *u)
{
	static char zeroes[65536];
	struct uffdio_copy cp = {
		.dst = (uintptr_t)u->page, .src = (uintptr_t)zeroes, .len = u->len,
	};

	return ioctl(u->fd, UFFDIO_COPY, &cp);
}

/* Make the stalled copy fail: the page becomes read-only, then retry. */
static int uffd_fail_write(struct uffd *u)
{
	struct uffdio_range r = { .start = (uintptr_t)u->page, .len = u->len };

	if (mprotect(u->page, u->len, PROT_READ))
		return -1;
	return ioctl(u->fd, UFFDIO_WAKE, &r);
}

/* zx fds of this process other than @known (count @n). */
static int unknown_zx_fds(const zx_handle_t *known, int n, int *found, int max)
{
	int count = 0;

	for (int fd = 0; fd < 4096; fd++) {
		bool k = false;

		for (int i = 0; i < n; i++)
			k |= (zx_handle_t)fd == known[i];
		if (!k && zxt_fd_is_zx(fd) && count < max)
			found[count++] = fd;
	}
	return count;
}

struct stalled_read {
	struct uffd u;
	zx_handle_t a, b;	/* the channel */
	zx_handle_t e0;		/* the eventpair end that stays */
	zx_handle_t known[3];	/* a, b and e0 */
	pthread_t t;
	/* the read's */
	zx_handle_t *hs;
	zx_status_t st;
	uint32_t ab, ah;
	char byte;
};

static void *stalled_read_fn(void *p)
{
	struct stalled_read *r = p;

	r->st = zx_channel_read(r->b, 0, &r->byte, r->hs, 1, 1, &r->ab, &r->ah);
	return NULL;
}

/*
 * Queue "x" with one end of an eventpair (@r->e0 stays here) and start a
 * thread that reads it into a missing page: return once the read stalls
 * writing the handle value.
 */
static void stall_read(struct __test_metadata *_metadata, struct stalled_read *r)
{
	zx_handle_t e1;

	ASSERT_EQ(0, uffd_open(&r->u));
	zxt_channel(_metadata, &r->a, &r->b);
	zxt_eventpair(_metadata, &r->e0, &e1);
	ASSERT_EQ(ZX_OK, zx_channel_write(r->a, 0, "x", 1, &e1, 1));
	r->known[0] = r->a, r->known[1] = r->b, r->known[2] = r->e0;

	r->hs = (zx_handle_t *)r->u.page;
	ASSERT_EQ(0, pthread_create(&r->t, NULL, stalled_read_fn, r));
	ASSERT_EQ(0, uffd_wait_fault(&r->u));
}

/*
 * A read stalled while writing the handle values to user memory: the
 * handle must not be in the fd table yet (another thread could use, dup
 * or close it before the reader knows its number).
 */
TEST(read_handles_invisible_until_their_numbers_are_written)
{
	struct stalled_read r = { .st = 1 };
	zx_handle_t e1;
	int found[8];

	stall_read(_metadata, &r);
	/* Stalled writing the handle value: nothing installed yet. */
	EXPECT_EQ(0, unknown_zx_fds(r.known, 3, found, 8));
	ASSERT_EQ(0, uffd_resolve(&r.u));
	ASSERT_EQ(0, pthread_join(r.t, NULL));

	ASSERT_EQ(ZX_OK, r.st);
	EXPECT_EQ(1u, r.ab);
	EXPECT_EQ(1u, r.ah);
	EXPECT_EQ('x', r.byte);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENTPAIR, zxt_type(r.hs[0]));
	EXPECT_EQ(zxt_koid(e1 = r.hs[0]), zxt_related_koid(r.e0));
	EXPECT_EQ(1, unknown_zx_fds(r.known, 3, found, 8));
	EXPECT_EQ((int)e1, found[0]);
}

/*
 * The same, but writing the handle values fails: the message is lost and
 * its handle closed, and no fd that another thread opened meanwhile is
 * touched.
 */
TEST(read_fault_on_handle_values_closes_nothing_else)
{
	struct stalled_read r = { .st = 1 };
	int found[8], nfound, reopened[8];

	stall_read(_metadata, &r);
	/*
	 * What another thread could do if the handle were visible: close it
	 * and open a file of its own at that number.
	 */
	nfound = unknown_zx_fds(r.known, 3, found, 8);
	EXPECT_EQ(0, nfound);
	for (int i = 0; i < nfound; i++) {
		close(found[i]);
		reopened[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	ASSERT_EQ(0, uffd_fail_write(&r.u));
	ASSERT_EQ(0, pthread_join(r.t, NULL));

	EXPECT_EQ(ZX_ERR_INVALID_ARGS, r.st);
	for (int i = 0; i < nfound; i++)
		EXPECT_TRUE(zxt_fd_is_open(reopened[i]));
	/* The message is gone and its handle closed, not leaked. */
	EXPECT_EQ(0, unknown_zx_fds(r.known, 3, found, 8));
	EXPECT_EQ(ZX_OK, zx_object_wait_one(r.e0, ZX_EVENTPAIR_PEER_CLOSED, zxt_long_deadline(),
					    NULL));
	ASSERT_NOTHING_QUEUED(r.b);
}

/* ---- a write or call through a handle another thread moves meanwhile ---- */

struct stalled_write {
	zx_handle_t a;
	void *bytes;
	bool call;
	zx_status_t st;
};

static void *stalled_write_fn(void *p)
{
	struct stalled_write *w = p;

	if (w->call) {
		char rd[8];
		uint32_t ab, ah;
		zx_channel_call_args_t args = {
			.wr_bytes = w->bytes, .wr_num_bytes = 8,
			.rd_bytes = rd, .rd_num_bytes = sizeof(rd),
		};

		w->st = zx_channel_call(w->a, 0, zx_deadline_after(ZX_SEC(5)), &args, &ab, &ah);
	} else {
		w->st = zx_channel_write(w->a, 0, w->bytes, 8, NULL, 0);
	}
	return NULL;
}

/*
 * The writer is stalled copying its payload while the main thread moves
 * the channel handle into another channel.  The process no longer holds
 * the handle when the message would be queued: BAD_HANDLE (Zircon's
 * step 5), nothing queued.
 */
FIXTURE(stalled) {
	int unused;
};

FIXTURE_VARIANT(stalled) {
	bool call;		/* zx_channel_call, else zx_channel_write */
};

FIXTURE_VARIANT_ADD(stalled, write) { .call = false };
FIXTURE_VARIANT_ADD(stalled, call) { .call = true };

FIXTURE_SETUP(stalled)
{
}

FIXTURE_TEARDOWN(stalled)
{
}

TEST_F(stalled, through_handle_moved_meanwhile_is_bad_handle)
{
	struct stalled_write w = { .st = 1, .call = variant->call };
	zx_handle_t b, c, d, moved = ZX_HANDLE_INVALID;
	uint32_t ab, ah;
	struct uffd u;
	pthread_t t;

	ASSERT_EQ(0, uffd_open(&u));
	zxt_channel(_metadata, &w.a, &b);
	zxt_channel(_metadata, &c, &d);
	w.bytes = u.page;
	ASSERT_EQ(0, pthread_create(&t, NULL, stalled_write_fn, &w));
	ASSERT_EQ(0, uffd_wait_fault(&u));
	ASSERT_EQ(ZX_OK, zx_channel_write(c, 0, NULL, 0, &w.a, 1));
	ASSERT_EQ(0, uffd_resolve(&u));
	ASSERT_EQ(0, pthread_join(t, NULL));

	EXPECT_EQ(ZX_ERR_BAD_HANDLE, w.st);
	ASSERT_NOTHING_QUEUED(b);
	/* The handle itself travelled intact and still works. */
	ASSERT_EQ(ZX_OK, zx_channel_read(d, 0, NULL, &moved, 0, 1, &ab, &ah));
	ASSERT_EQ(ZX_OK, zx_channel_write(moved, 0, "ok", 2, NULL, 0));
	EXPECT_EQ(ZX_CHANNEL_READABLE, SIGNALS(b) & ZX_CHANNEL_READABLE);
}

/* ---- a reply-read sleeper never misses the message that wakes it ------- */

struct rr_sleeper {
	zx_handle_t b;
	uint32_t got;
	zx_status_t st;
};

static void *rr_sleep_fn(void *p)
{
	struct rr_sleeper *s = p;

	for (;;) {
		uint32_t v = 0, ab, ah;
		zx_status_t st = zxl_channel_read_wait(s->b, 0, &v, NULL, sizeof(v), 0, &ab,
						       &ah, zx_deadline_after(ZX_SEC(20)));

		if (st != ZX_OK) {
			s->st = st;
			return NULL;
		}
		if (v == UINT32_MAX)
			return NULL;
		__atomic_store_n(&s->got, v + 1, __ATOMIC_RELEASE);
	}
}

/*
 * Each message is written the moment the reader is back for the next one,
 * so the write races with the reader going to sleep.  A lost wake-up
 * shows as a reader that times out with a message queued.
 */
TEST(reply_read_sleeper_wakes_for_every_message)
{
	struct rr_sleeper s = { .st = ZX_OK };
	int64_t end = zxt_now() + RACE_BUDGET_NS;
	uint32_t n = 0;
	zx_handle_t a;
	pthread_t t;

	zxt_channel(_metadata, &a, &s.b);
	ASSERT_EQ(0, pthread_create(&t, NULL, rr_sleep_fn, &s));
	while (zxt_now() < end && s.st == ZX_OK) {
		ASSERT_EQ(ZX_OK, zxt_write_u32(a, n));
		while (__atomic_load_n(&s.got, __ATOMIC_ACQUIRE) != n + 1 && s.st == ZX_OK)
			;
		n++;
	}
	ASSERT_EQ(ZX_OK, zxt_write_u32(a, UINT32_MAX));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(ZX_OK, s.st);
	TH_LOG("%u messages", n);
}

TEST_HARNESS_MAIN
