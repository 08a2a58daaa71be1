// SPDX-License-Identifier: GPL-2.0
/*
 * zxfailnth: the fail-nth sweep -- fault injection on every allocation of
 * every ioctl path of the zx module.
 *
 * Linux's fault injection (Documentation/fault-injection/) makes the n-th
 * injection point (failslab, fail_page_alloc) a thread reaches fail once n
 * is written to /proc/thread-self/fail-nth; reading the file back gives 0
 * if that happened, or what is left of n if the thread never got that far.
 * For every scenario below and n = 1, 2, 3, ... a fresh child process sets
 * up its state without injection, arms fail-nth with n, makes exactly one
 * libzx call, reads fail-nth back (disarming it) and checks:
 *   - not injected: the call succeeded and did what a success does; the
 *     scenario is finished and has n - 1 failure points;
 *   - injected and failed: the status is one the spec allows for that
 *     failure (the scenario's accept list), nothing a failed call must not
 *     change has changed, handles the call consumes are gone, nothing is
 *     left behind (fds, handles, queued messages);
 *   - injected but succeeded ("absorbed"): the allocation had a fallback
 *     (kvmalloc, kmemleak's pool, ...); the call must then have done
 *     exactly what a success does.
 * After each scenario the module's reference count (one per open zx file)
 * must come back to where it was: every handle of every child is gone.
 *
 * fail-nth fails one point per run, so a fallback taken after a failure
 * (kvmalloc's vmalloc for a 64 KiB message) is exercised but never made to
 * fail itself.
 *
 * One child per n: each run starts from a new process's fd table (64
 * slots), so the "full fd table" scenarios can make the next fd need a
 * bigger table -- an allocation -- and one run's damage cannot spill into
 * the next.  A child locks its memory (mlockall) before arming: a page
 * fault inside the armed call could allocate (page-table locks are slab
 * objects on debug kernels), take the injected failure and turn it into a
 * bogus EFAULT.
 *
 * Usage: zxfailnth [-d] [-v] [-m MAX_N] [-o SUBSTRING] [-p PASSES]
 *   -d  dry run, for kernels without fault injection: each scenario once,
 *       without injection (checks the setups and the success checks)
 *   -v  one line per run; -m  give up on a scenario after MAX_N (200)
 *   -o  only the scenarios whose name contains SUBSTRING
 *   -p  sweep each scenario PASSES times (2, see sweep())
 * Output is TAP; the exit status is 0 only if every check passed.  On a
 * kernel without fault injection (no fail-nth file) the one test is
 * skipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/errors.h>
#include <zircon/linux.h>
#include <zircon/rights.h>
#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#define NTH_PATH	"/proc/thread-self/fail-nth"
#define REFCNT_PATH	"/sys/module/zx/refcnt"
#define MAX_N_DEFAULT	200
#define FD_SLOTS	64	/* a new process's fd table (NR_OPEN_DEFAULT) */
#define FD_SCAN		256	/* fds looked at by the fd checks */
#define STACK_PREFAULT	(256 * 1024)
#define NEW_UID_BASE	62001
#define REPLY_MAGIC	0x52504c59u
#define PENDING_UNSET	0xdeadbeefu
#define MAX_ACCEPT	3
#define MAX_NOTES	8
#define MAX_PASSES	8
#define MAX_BAD_RUNS	10	/* a scenario stops after this many */
#define CHILD_TIMEOUT	30	/* seconds; the call scenarios wait 20 s at most */

/* Rights a handle is moved or replaced with: fewer than an event has. */
#define REDUCED_RIGHTS	(ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT)

/* ---- what a child reports to the parent ---------------------------------- */

/* The exit code of a child: how the run went, plus flags. */
enum outcome {
	OUT_FAILED = 0,		/* injected; the call failed as allowed */
	OUT_ABSORBED = 1,	/* injected; the call succeeded all the same */
	OUT_NOT_REACHED = 2,	/* no n-th failure point: the sweep is over */
	OUT_MASK = 7,
	OUT_BAD = 8,		/* flag: a check failed (see the notes) */
	OUT_SETUP = 64,		/* the state could not be set up */
};

/* MAP_SHARED, written by the child of the current run. */
struct report {
	zx_status_t status;	/* what the armed call returned */
	bool late;		/* it failed after its first half took effect */
	char text[4000];	/* notes, one per line */
};

static struct report *rep;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	size_t len = strlen(rep->text);
	va_list ap;

	if (len + 2 >= sizeof(rep->text))
		return;
	va_start(ap, fmt);
	vsnprintf(rep->text + len, sizeof(rep->text) - len - 1, fmt, ap);
	va_end(ap);
	strcat(rep->text, "\n");
}

/* In checks: note what is wrong and fail the check. */
#define CHECK(cond, ...)			\
	do {					\
		if (!(cond)) {			\
			note(__VA_ARGS__);	\
			return -1;		\
		}				\
	} while (0)

static const char *sts(zx_status_t st)
{
	return zx_status_get_string(st);
}

/* ---- fail-nth -------------------------------------------------------------- */

static int nth_fd = -1;

/* /proc/thread-self resolves at open: each child opens its own. */
static int nth_open(void)
{
	nth_fd = open(NTH_PATH, O_RDWR | O_CLOEXEC);
	return nth_fd < 0 ? -1 : 0;
}

static int nth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nth_fd, buf, (size_t)len, 0) == len ? 0 : -1;
}

/*
 * Read fail-nth back and make sure it is disarmed.  Nothing may run
 * between the armed call and this: the rest of n would be spent on it.
 *
 * Return: 1 if the failure was injected, 0 if not, -1 on error.
 */
static int nth_disarm(void)
{
	char buf[16];
	ssize_t len = pread(nth_fd, buf, sizeof(buf) - 1, 0);

	if (len <= 0)
		return -1;
	buf[len] = 0;
	if (strtoul(buf, NULL, 10) == 0)
		return 1;
	return pwrite(nth_fd, "0", 1, 0) == 1 ? 0 : -1;
}

/* ---- the state of one run ------------------------------------------------ */

/* What get_info says about a handle, to compare a received one with. */
struct hinfo {
	zx_koid_t koid;
	zx_obj_type_t type;
	zx_rights_t rights;
};

struct fdset {
	bool open[FD_SCAN];
};

/* The server thread of the call scenarios. */
struct server {
	pthread_t thread;
	zx_handle_t ch;		/* its endpoint */
	zx_handle_t reply_h;	/* sent, as a DUPLICATE, with every reply */
	int got;		/* requests read */
	zx_status_t reply_st;	/* the last reply's write */
	zx_status_t end_st;	/* the read that ended the loop */
};

struct ctx {
	unsigned int n;
	zx_handle_t a, b;		/* a channel: written through a, read from b */
	zx_handle_t h[8];		/* other handles of the scenario */
	zx_handle_t keep[2];		/* duplicates kept to count handles */
	struct hinfo hi[8];		/* hi[i] describes h[i] */
	zx_signals_t sig[8];		/* signals before the call */
	zx_handle_t out[2];		/* handles the call returns */
	zx_handle_t rh[4];		/* handles the call reads */
	zx_handle_disposition_t disp[2];
	zx_channel_iovec_t iov[3];
	zx_wait_item_t items[8];
	zx_channel_call_args_t args;
	uint32_t nbytes;		/* payload the call writes */
	uint32_t nhandles;		/* handles the call writes */
	uint32_t ab, ah;		/* actual bytes and handles read */
	zx_time_t deadline;
	struct server srv;
	struct fdset before;		/* fds just before the call */
	uint8_t wbuf[ZX_CHANNEL_MAX_MSG_BYTES];
	uint8_t xbuf[ZX_CHANNEL_MAX_MSG_BYTES];	/* the payload expected */
	uint8_t rbuf[ZX_CHANNEL_MAX_MSG_BYTES];
};

static struct ctx cx;

/* ---- checks ------------------------------------------------------------------ */

static zx_status_t get_hinfo(zx_handle_t h, struct hinfo *hi)
{
	zx_info_handle_basic_t info;
	zx_status_t st;

	st = zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL);
	*hi = (struct hinfo) { 0 };
	if (st == ZX_OK)
		*hi = (struct hinfo) { info.koid, info.type, info.rights };
	return st;
}

static int expect_hinfo(zx_handle_t h, const struct hinfo *want, const char *what)
{
	struct hinfo hi;
	zx_status_t st = get_hinfo(h, &hi);

	CHECK(st == ZX_OK, "%s (%u): get_info: %s", what, h, sts(st));
	CHECK(hi.koid == want->koid && hi.type == want->type && hi.rights == want->rights,
	      "%s (%u): koid %" PRIu64 " type %u rights %#x, expected %" PRIu64 " %u %#x",
	      what, h, hi.koid, hi.type, hi.rights, want->koid, want->type, want->rights);
	return 0;
}

/* Deferred closes may still be running: give @want a moment. */
static int expect_count(zx_handle_t h, uint32_t want, const char *what)
{
	zx_info_handle_count_t info = { 0 };
	zx_status_t st = ZX_OK;

	for (int i = 0; i < 100; i++) {
		st = zx_object_get_info(h, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), NULL,
					NULL);
		if (st != ZX_OK || info.handle_count == want)
			break;
		usleep(10000);
	}
	CHECK(st == ZX_OK, "%s: ZX_INFO_HANDLE_COUNT: %s", what, sts(st));
	CHECK(info.handle_count == want, "%s: %u handles to the object, expected %u (leak?)",
	      what, info.handle_count, want);
	return 0;
}

static int expect_closed(zx_handle_t h, const char *what)
{
	CHECK(fcntl((int)h, F_GETFD) < 0 && errno == EBADF,
	      "%s (fd %u) is still open: a consumed handle was kept", what, h);
	return 0;
}

/* Nothing queued: a read with no room reports SHOULD_WAIT, not a message. */
static int expect_empty(zx_handle_t h, const char *what)
{
	uint32_t ab = 0, ah = 0;
	zx_status_t st = zx_channel_read(h, 0, NULL, NULL, 0, 0, &ab, &ah);

	CHECK(st == ZX_ERR_SHOULD_WAIT, "%s: read: %s (%u bytes, %u handles queued), expected "
	      "ZX_ERR_SHOULD_WAIT", what, sts(st), ab, ah);
	return 0;
}

static zx_status_t observe(zx_handle_t h, zx_signals_t *obs)
{
	zx_status_t st = zx_object_wait_one(h, 0, ZX_TIME_INFINITE_PAST, obs);

	return st == ZX_ERR_TIMED_OUT ? ZX_OK : st;
}

static int expect_signals(zx_handle_t h, zx_signals_t want, const char *what)
{
	zx_signals_t obs = 0;
	zx_status_t st = observe(h, &obs);

	CHECK(st == ZX_OK, "%s: wait_one: %s", what, sts(st));
	CHECK(obs == want, "%s: signals %#x, expected %#x", what, obs, want);
	return 0;
}

/*
 * Read the next message from @h: @nbytes of cx.xbuf + @off and @nh handles
 * described by @hi.  The handles land in cx.rh.
 */
static int expect_msg(zx_handle_t h, uint32_t off, uint32_t nbytes, const struct hinfo *hi,
		      uint32_t nh, const char *what)
{
	uint32_t ab = 0, ah = 0;
	zx_status_t st;

	st = zx_channel_read(h, 0, cx.rbuf, cx.rh, sizeof(cx.rbuf), 4, &ab, &ah);
	CHECK(st == ZX_OK, "%s: read: %s", what, sts(st));
	CHECK(ab == nbytes && ah == nh, "%s: %u bytes and %u handles, expected %u and %u", what,
	      ab, ah, nbytes, nh);
	CHECK(!memcmp(cx.rbuf, cx.xbuf + off, nbytes), "%s: the payload differs", what);
	for (uint32_t i = 0; i < nh; i++) {
		if (expect_hinfo(cx.rh[i], &hi[i], what))
			return -1;
	}
	return 0;
}

static void fdset_snap(struct fdset *s)
{
	for (int fd = 0; fd < FD_SCAN; fd++)
		s->open[fd] = fcntl(fd, F_GETFD) >= 0;
}

static bool fd_in(int fd, const zx_handle_t *list, int n)
{
	for (int i = 0; i < n; i++) {
		if ((int)list[i] == fd)
			return true;
	}
	return false;
}

/*
 * The fd table is what it was before the call, except for the @ngone
 * handles the call consumed and the @nadded it made.  libzx's temporary
 * /dev/zx fd is closed by the time the call returns.
 */
static int expect_fds(const zx_handle_t *gone, int ngone, const zx_handle_t *added, int nadded)
{
	struct fdset now;

	fdset_snap(&now);
	for (int fd = 0; fd < FD_SCAN; fd++) {
		bool want = (cx.before.open[fd] && !fd_in(fd, gone, ngone)) ||
			fd_in(fd, added, nadded);

		CHECK(now.open[fd] == want, "fd %d is %s, expected %s", fd,
		      now.open[fd] ? "open" : "closed", want ? "open" : "closed");
	}
	return 0;
}

static int expect_no_new_fds(void)
{
	return expect_fds(NULL, 0, NULL, 0);
}

/* ---- setup helpers ------------------------------------------------------------ */

static void fill_pattern(uint8_t *p, size_t len, unsigned int seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

/* A channel, and a payload that differs from one n to the next. */
static int setup_channel(struct ctx *c)
{
	zx_status_t st = zx_channel_create(0, &c->a, &c->b);

	CHECK(st == ZX_OK, "setup: zx_channel_create: %s", sts(st));
	fill_pattern(c->wbuf, sizeof(c->wbuf), c->n);
	memcpy(c->xbuf, c->wbuf, sizeof(c->xbuf));
	return 0;
}

/* Event h[i], described in hi[i]; with @keep a duplicate in keep[k]. */
static int setup_event(struct ctx *c, int i, int keep)
{
	zx_status_t st = zx_event_create(0, &c->h[i]);

	CHECK(st == ZX_OK, "setup: zx_event_create: %s", sts(st));
	st = get_hinfo(c->h[i], &c->hi[i]);
	CHECK(st == ZX_OK, "setup: get_info: %s", sts(st));
	if (keep < 0)
		return 0;
	st = zx_handle_duplicate(c->h[i], ZX_RIGHT_SAME_RIGHTS, &c->keep[keep]);
	CHECK(st == ZX_OK, "setup: zx_handle_duplicate: %s", sts(st));
	return 0;
}

/* Eventpair h[i], h[i + 1]. */
static int setup_eventpair(struct ctx *c, int i)
{
	zx_status_t st = zx_eventpair_create(0, &c->h[i], &c->h[i + 1]);

	CHECK(st == ZX_OK, "setup: zx_eventpair_create: %s", sts(st));
	CHECK(get_hinfo(c->h[i], &c->hi[i]) == ZX_OK &&
	      get_hinfo(c->h[i + 1], &c->hi[i + 1]) == ZX_OK, "setup: get_info");
	return 0;
}

/*
 * Open /dev/null until fd 63 is taken: every slot of a new process's
 * 64-entry fd table is in use, so the next fd needs a bigger table, which
 * the kernel has to allocate.
 */
static int fill_fd_table(void)
{
	for (;;) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		CHECK(fd >= 0, "setup: open /dev/null: %s", strerror(errno));
		CHECK(fd < FD_SLOTS, "setup: fd %d: the fd table is bigger than %d already", fd,
		      FD_SLOTS);
		if (fd == FD_SLOTS - 1)
			return 0;
	}
}

/* After a failed write: the channel still carries messages. */
static int expect_channel_works(struct ctx *c)
{
	zx_status_t st = zx_channel_write(c->a, 0, c->xbuf + 1, 100, NULL, 0);

	CHECK(st == ZX_OK, "write after the failure: %s", sts(st));
	return expect_msg(c->b, 1, 100, NULL, 0, "message written after the failure");
}

/* ---- 1. zx_channel_create, zx_event_create, zx_eventpair_create ---------------- */

static int setup_nothing(struct ctx *c)
{
	(void)c;
	return 0;
}

static zx_status_t call_channel_create(struct ctx *c)
{
	return zx_channel_create(0, &c->out[0], &c->out[1]);
}

static zx_status_t call_event_create(struct ctx *c)
{
	return zx_event_create(0, &c->out[0]);
}

static zx_status_t call_eventpair_create(struct ctx *c)
{
	return zx_eventpair_create(0, &c->out[0], &c->out[1]);
}

/* @n new handles of @type, peers of each other if two, and nothing else. */
static int ok_created(struct ctx *c, int n, zx_obj_type_t type)
{
	struct hinfo hi[2] = { { 0 } };

	for (int i = 0; i < n; i++) {
		CHECK(get_hinfo(c->out[i], &hi[i]) == ZX_OK, "new handle %d (%u) is not valid", i,
		      c->out[i]);
		CHECK(hi[i].type == type, "new handle %d has type %u, expected %u", i,
		      hi[i].type, type);
	}
	CHECK(n == 1 || hi[0].koid != hi[1].koid, "both new handles name one object");
	return expect_fds(NULL, 0, c->out, n);
}

static int ok_channel_create(struct ctx *c)
{
	return ok_created(c, 2, ZX_OBJ_TYPE_CHANNEL);
}

static int ok_event_create(struct ctx *c)
{
	return ok_created(c, 1, ZX_OBJ_TYPE_EVENT);
}

static int ok_eventpair_create(struct ctx *c)
{
	return ok_created(c, 2, ZX_OBJ_TYPE_EVENTPAIR);
}

static int failed_create(struct ctx *c)
{
	(void)c;
	return expect_no_new_fds();
}

/* ---- 2. zx_channel_write: bytes ------------------------------------------------- */

static int setup_write_100(struct ctx *c)
{
	c->nbytes = 100;
	return setup_channel(c);
}

static int setup_write_max(struct ctx *c)
{
	c->nbytes = ZX_CHANNEL_MAX_MSG_BYTES;
	return setup_channel(c);
}

/* Three pieces from far apart; xbuf holds them back to back. */
static int setup_write_iovec(struct ctx *c)
{
	static const uint32_t off[3] = { 0, 1000, 5000 }, len[3] = { 100, 1000, 4000 };

	if (setup_channel(c))
		return -1;
	c->nbytes = 0;
	for (int i = 0; i < 3; i++) {
		c->iov[i] = (zx_channel_iovec_t) { c->wbuf + off[i], len[i], 0 };
		memcpy(c->xbuf + c->nbytes, c->wbuf + off[i], len[i]);
		c->nbytes += len[i];
	}
	return 0;
}

/* The new user's first write: setup ends with becoming that user. */
static int setup_write_new_user(struct ctx *c)
{
	uid_t uid = NEW_UID_BASE + c->n;

	c->nbytes = 4;
	if (setup_channel(c))
		return -1;
	CHECK(setresuid(uid, uid, uid) == 0, "setup: setresuid(%u): %s", uid, strerror(errno));
	return 0;
}

static zx_status_t call_write(struct ctx *c)
{
	return zx_channel_write(c->a, 0, c->wbuf, c->nbytes, NULL, 0);
}

static zx_status_t call_write_iovec(struct ctx *c)
{
	return zx_channel_write(c->a, ZX_CHANNEL_WRITE_USE_IOVEC, c->iov, 3, NULL, 0);
}

static int ok_write(struct ctx *c)
{
	if (expect_msg(c->b, 0, c->nbytes, NULL, 0, "the message") ||
	    expect_empty(c->b, "the peer after reading"))
		return -1;
	return expect_no_new_fds();
}

/* Nothing queued, no signal changed, no fd, and the channel still works. */
static int failed_write(struct ctx *c)
{
	if (expect_empty(c->b, "the peer") ||
	    expect_signals(c->a, ZX_CHANNEL_WRITABLE, "the writer's endpoint") ||
	    expect_signals(c->b, ZX_CHANNEL_WRITABLE, "the peer endpoint") ||
	    expect_no_new_fds())
		return -1;
	return expect_channel_works(c);
}

/* ---- 3. zx_channel_write with two events -------------------------------------- */

static int setup_write_handles(struct ctx *c)
{
	c->nbytes = 16;
	c->nhandles = 2;
	if (setup_channel(c) || setup_event(c, 0, 0) || setup_event(c, 1, 1))
		return -1;
	return 0;
}

static zx_status_t call_write_handles(struct ctx *c)
{
	return zx_channel_write(c->a, 0, c->wbuf, c->nbytes, c->h, c->nhandles);
}

static int ok_write_handles(struct ctx *c)
{
	if (expect_closed(c->h[0], "event 0") || expect_closed(c->h[1], "event 1") ||
	    expect_msg(c->b, 0, c->nbytes, c->hi, 2, "the message") ||
	    expect_count(c->keep[0], 2, "event 0") || expect_count(c->keep[1], 2, "event 1"))
		return -1;
	return expect_fds(c->h, 2, c->rh, 2);
}

/* Both handles consumed -- closed, not kept alive somewhere -- and nothing queued. */
static int failed_write_handles(struct ctx *c)
{
	if (expect_closed(c->h[0], "event 0") || expect_closed(c->h[1], "event 1") ||
	    expect_count(c->keep[0], 1, "event 0") || expect_count(c->keep[1], 1, "event 1") ||
	    expect_empty(c->b, "the peer") || expect_fds(c->h, 2, NULL, 0))
		return -1;
	return expect_channel_works(c);
}

/* ---- 4. zx_channel_write_etc: MOVE with fewer rights, DUPLICATE ---------------- */

/* Both entries need a new handle file: the MOVE for its rights, the copy. */
static int setup_write_etc(struct ctx *c)
{
	c->nbytes = 16;
	if (setup_channel(c) || setup_event(c, 0, 0) || setup_event(c, 1, -1))
		return -1;
	c->disp[0] = (zx_handle_disposition_t) {
		ZX_HANDLE_OP_MOVE, c->h[0], ZX_OBJ_TYPE_EVENT, REDUCED_RIGHTS, ZX_OK
	};
	c->disp[1] = (zx_handle_disposition_t) {
		ZX_HANDLE_OP_DUPLICATE, c->h[1], ZX_OBJ_TYPE_EVENT, ZX_RIGHT_SAME_RIGHTS, ZX_OK
	};
	return 0;
}

static zx_status_t call_write_etc(struct ctx *c)
{
	return zx_channel_write_etc(c->a, 0, c->wbuf, c->nbytes, c->disp, 2);
}

static int ok_write_etc(struct ctx *c)
{
	struct hinfo want[2] = { c->hi[0], c->hi[1] };

	want[0].rights = REDUCED_RIGHTS;
	if (expect_closed(c->h[0], "the MOVE source") ||
	    expect_hinfo(c->h[1], &c->hi[1], "the DUPLICATE source") ||
	    expect_msg(c->b, 0, c->nbytes, want, 2, "the message") ||
	    expect_count(c->keep[0], 2, "the moved event") ||
	    expect_count(c->h[1], 2, "the duplicated event"))
		return -1;
	return expect_fds(c->h, 1, c->rh, 2);
}

/*
 * The MOVE source is consumed, the DUPLICATE source kept; no handle file
 * made for the message survives; results written back are OK or the
 * failure's own status.
 */
static int failed_write_etc(struct ctx *c)
{
	for (int i = 0; i < 2; i++) {
		zx_status_t r = c->disp[i].result;

		CHECK(r == ZX_OK || r == ZX_ERR_NO_MEMORY, "disposition %d: result %s", i,
		      sts(r));
	}
	if (expect_closed(c->h[0], "the MOVE source") ||
	    expect_hinfo(c->h[1], &c->hi[1], "the DUPLICATE source") ||
	    expect_count(c->keep[0], 1, "the moved event") ||
	    expect_count(c->h[1], 1, "the duplicated event") ||
	    expect_empty(c->b, "the peer") || expect_fds(c->h, 1, NULL, 0))
		return -1;
	return expect_channel_works(c);
}

/* ---- 5. zx_channel_read of two handles into a full fd table -------------------- */

/* Queued: 24 bytes, event h[0] and eventpair half h[1] (h[2] stays here). */
static int setup_read(struct ctx *c)
{
	zx_handle_t send[2];
	zx_status_t st;

	c->nbytes = 24;
	if (setup_channel(c) || setup_event(c, 0, -1) || setup_eventpair(c, 1))
		return -1;
	send[0] = c->h[0];
	send[1] = c->h[1];
	st = zx_channel_write(c->a, 0, c->wbuf, c->nbytes, send, 2);
	CHECK(st == ZX_OK, "setup: write: %s", sts(st));
	return 0;
}

static zx_status_t call_read(struct ctx *c)
{
	return zx_channel_read(c->b, 0, c->rbuf, c->rh, sizeof(c->rbuf), 4, &c->ab, &c->ah);
}

static int ok_read(struct ctx *c)
{
	CHECK(c->ab == c->nbytes && c->ah == 2, "read %u bytes and %u handles, expected %u, 2",
	      c->ab, c->ah, c->nbytes);
	CHECK(!memcmp(c->rbuf, c->xbuf, c->nbytes), "the payload differs");
	if (expect_hinfo(c->rh[0], &c->hi[0], "received event") ||
	    expect_hinfo(c->rh[1], &c->hi[1], "received eventpair") ||
	    expect_signals(c->h[2], 0, "the eventpair's other half") ||
	    expect_empty(c->b, "the channel after reading"))
		return -1;
	return expect_fds(NULL, 0, c->rh, 2);
}

/* The message is still queued, whole, and reads fine without injection. */
static int failed_read(struct ctx *c)
{
	uint32_t ab = 0, ah = 0;
	zx_status_t st;

	if (expect_no_new_fds())
		return -1;
	st = zx_channel_read(c->b, 0, NULL, NULL, 0, 0, &ab, &ah);
	CHECK(st == ZX_ERR_BUFFER_TOO_SMALL && ab == c->nbytes && ah == 2,
	      "probe read: %s, %u bytes %u handles: the message is not queued intact", sts(st),
	      ab, ah);
	if (expect_signals(c->h[2], 0, "the eventpair's other half") ||
	    expect_msg(c->b, 0, c->nbytes, c->hi, 2, "reading again"))
		return -1;
	return expect_empty(c->b, "the channel after reading");
}

/* ---- 6. zx_channel_call, a server thread in the same process ------------------- */

/*
 * Reads requests until the client's endpoint closes; replies to each
 * with its txid, REPLY_MAGIC and a DUPLICATE of reply_h.  Duplicating
 * leaves this process's fd table alone, which the full-table variant
 * needs; the handle count of reply_h's object tells whether a reply still
 * exists.
 */
static void *server_main(void *arg)
{
	struct server *s = arg;

	for (;;) {
		uint32_t req[16], reply[2], ab = 0, ah = 0;
		zx_handle_disposition_t d = {
			ZX_HANDLE_OP_DUPLICATE, s->reply_h, ZX_OBJ_TYPE_EVENTPAIR,
			ZX_RIGHT_SAME_RIGHTS, ZX_OK
		};
		zx_status_t st;

		st = zxl_channel_read_wait(s->ch, 0, req, NULL, sizeof(req), 0, &ab, &ah,
					   ZX_TIME_INFINITE);
		if (st != ZX_OK) {
			s->end_st = st;
			return NULL;
		}
		__atomic_add_fetch(&s->got, 1, __ATOMIC_SEQ_CST);
		reply[0] = req[0];
		reply[1] = REPLY_MAGIC;
		s->reply_st = zx_channel_write_etc(s->ch, 0, reply, sizeof(reply), &d, 1);
	}
}

/* Client a, server b; h[0] goes with the reply, h[1] is its peer. */
static int setup_call(struct ctx *c)
{
	pthread_attr_t attr;
	int err;

	c->nbytes = 8;
	if (setup_channel(c) || setup_eventpair(c, 0))
		return -1;
	c->srv = (struct server) { .ch = c->b, .reply_h = c->h[0] };
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	err = pthread_create(&c->srv.thread, &attr, server_main, &c->srv);
	pthread_attr_destroy(&attr);
	CHECK(!err, "setup: pthread_create: %s", strerror(err));
	c->args = (zx_channel_call_args_t) {
		.wr_bytes = c->wbuf,
		.rd_bytes = c->rbuf,
		.rd_handles = c->rh,
		.wr_num_bytes = c->nbytes,
		.rd_num_bytes = 64,
		.rd_num_handles = 4,
	};
	c->deadline = zx_deadline_after(ZX_SEC(20));
	return 0;
}

static zx_status_t call_call(struct ctx *c)
{
	return zx_channel_call(c->a, 0, c->deadline, &c->args, &c->ab, &c->ah);
}

/* Close the client's endpoint: the server drains its queue and ends. */
static int stop_server(struct ctx *c)
{
	zx_status_t st = zx_handle_close(c->a);

	CHECK(st == ZX_OK, "closing the client endpoint: %s", sts(st));
	c->a = ZX_HANDLE_INVALID;
	pthread_join(c->srv.thread, NULL);
	CHECK(c->srv.end_st == ZX_ERR_PEER_CLOSED, "server: read ended with %s",
	      sts(c->srv.end_st));
	return 0;
}

static int ok_call(struct ctx *c)
{
	uint32_t reply[2];

	CHECK(c->ab == 8 && c->ah == 1, "reply of %u bytes and %u handles, expected 8 and 1",
	      c->ab, c->ah);
	memcpy(reply, c->rbuf, sizeof(reply));
	CHECK((reply[0] & 0x80000000u) && reply[1] == REPLY_MAGIC,
	      "reply txid %#x magic %#x", reply[0], reply[1]);
	if (expect_hinfo(c->rh[0], &c->hi[0], "the reply's handle") ||
	    expect_empty(c->a, "the client endpoint") || expect_fds(NULL, 0, c->rh, 1) ||
	    stop_server(c))
		return -1;
	CHECK(c->srv.got == 1 && c->srv.reply_st == ZX_OK, "server: %d requests, reply %s",
	      c->srv.got, sts(c->srv.reply_st));
	return expect_count(c->h[0], 2, "the eventpair half sent with the reply");
}

/*
 * Either the request never left (the server got nothing), or the reply
 * came and could not be handed over: then it was destroyed, handle and
 * all, not queued.  The caller's fd table is as it was either way.
 */
static int failed_call(struct ctx *c)
{
	if (expect_no_new_fds() || expect_empty(c->a, "the client endpoint") || stop_server(c))
		return -1;
	CHECK(c->srv.got <= 1, "server: %d requests", c->srv.got);
	CHECK(c->srv.got == 0 || c->srv.reply_st == ZX_OK,
	      "the request went out but its reply could not be written: %s",
	      sts(c->srv.reply_st));
	rep->late = c->srv.got;
	return expect_count(c->h[0], 1, c->srv.got ? "the destroyed reply's eventpair half" :
			    "the eventpair half (no reply was sent)");
}

/* ---- 7. zxl_channel_reply_read ---------------------------------------------------- */

/*
 * Queued on b: M, 16 bytes and event h[0].  The reply: 12 bytes from
 * wbuf + 100, with event h[1] (duplicate in keep[1]) if @with_handle --
 * not in the full-table variant, where moving it out would free the slot
 * the read's handle is to take.
 */
static int setup_reply_read_common(struct ctx *c, bool with_handle)
{
	zx_status_t st;

	c->nbytes = 12;
	c->nhandles = with_handle;
	if (setup_channel(c) || setup_event(c, 0, -1) || (with_handle && setup_event(c, 1, 1)))
		return -1;
	st = zx_channel_write(c->a, 0, c->wbuf, 16, &c->h[0], 1);
	CHECK(st == ZX_OK, "setup: write: %s", sts(st));
	c->deadline = zx_deadline_after(ZX_SEC(5));
	return 0;
}

static int setup_reply_read(struct ctx *c)
{
	return setup_reply_read_common(c, true);
}

static int setup_reply_read_full(struct ctx *c)
{
	return setup_reply_read_common(c, false);
}

static zx_status_t call_reply_read(struct ctx *c)
{
	return zxl_channel_reply_read(c->b, c->wbuf + 100, c->nbytes, &c->h[1], c->nhandles,
				      c->rbuf, c->rh, sizeof(c->rbuf), 4, &c->ab, &c->ah,
				      c->deadline);
}

static int ok_reply_read(struct ctx *c)
{
	CHECK(c->ab == 16 && c->ah == 1, "read %u bytes and %u handles, expected 16 and 1",
	      c->ab, c->ah);
	CHECK(!memcmp(c->rbuf, c->xbuf, 16), "the payload read differs");
	/* The read may reuse the fd number the reply's handle left. */
	if (expect_hinfo(c->rh[0], &c->hi[0], "the handle read") ||
	    expect_fds(&c->h[1], (int)c->nhandles, c->rh, 1) ||
	    (c->nhandles && c->rh[0] != c->h[1] &&
	     expect_closed(c->h[1], "the reply's event")) ||
	    expect_empty(c->b, "the server endpoint after reading"))
		return -1;
	if (expect_msg(c->a, 100, c->nbytes, &c->hi[1], c->nhandles, "the reply"))
		return -1;
	return c->nhandles ? expect_count(c->keep[1], 2, "the reply's event") : 0;
}

/*
 * Either the reply was not written (nothing queued on a, its handle
 * consumed and released) or it was and the read failed (the reply is
 * queued on a); M is still queued on b either way.
 */
static int failed_reply_read(struct ctx *c)
{
	uint32_t ab = 0, ah = 0;
	bool written;

	if (expect_fds(&c->h[1], (int)c->nhandles, NULL, 0) ||
	    (c->nhandles && expect_closed(c->h[1], "the reply's event")))
		return -1;
	written = zx_channel_read(c->a, 0, NULL, NULL, 0, 0, &ab, &ah) != ZX_ERR_SHOULD_WAIT;
	rep->late = written;
	if (written) {
		if (expect_msg(c->a, 100, c->nbytes, &c->hi[1], c->nhandles, "the reply"))
			return -1;
	} else if (c->nhandles && expect_count(c->keep[1], 1, "the reply's event")) {
		return -1;
	}
	if (expect_msg(c->b, 0, 16, &c->hi[0], 1, "the queued message, read again"))
		return -1;
	return expect_empty(c->b, "the server endpoint after reading");
}

/* ---- 8. zx_handle_duplicate, zx_handle_replace ---------------------------------- */

static int setup_dup(struct ctx *c)
{
	return setup_event(c, 0, -1);
}

static int setup_replace(struct ctx *c)
{
	return setup_event(c, 0, 0);
}

static zx_status_t call_dup(struct ctx *c)
{
	return zx_handle_duplicate(c->h[0], ZX_RIGHT_SAME_RIGHTS, &c->out[0]);
}

static zx_status_t call_replace(struct ctx *c)
{
	return zx_handle_replace(c->h[0], REDUCED_RIGHTS, &c->out[0]);
}

static int ok_dup(struct ctx *c)
{
	CHECK(c->out[0] != c->h[0], "the duplicate is the source's fd");
	if (expect_hinfo(c->out[0], &c->hi[0], "the duplicate") ||
	    expect_hinfo(c->h[0], &c->hi[0], "the source") ||
	    expect_count(c->h[0], 2, "the event"))
		return -1;
	return expect_fds(NULL, 0, c->out, 1);
}

/* The source is untouched, no new handle exists. */
static int failed_dup(struct ctx *c)
{
	if (expect_hinfo(c->h[0], &c->hi[0], "the source") ||
	    expect_count(c->h[0], 1, "the event"))
		return -1;
	return expect_no_new_fds();
}

static int ok_replace(struct ctx *c)
{
	struct hinfo want = c->hi[0];

	want.rights = REDUCED_RIGHTS;
	if (expect_closed(c->h[0], "the replaced handle") ||
	    expect_hinfo(c->out[0], &want, "the new handle") ||
	    expect_count(c->keep[0], 2, "the event"))
		return -1;
	return expect_fds(c->h, 1, c->out, 1);
}

/* Spec: NO_MEMORY closes the source; no new handle exists. */
static int failed_replace(struct ctx *c)
{
	if (expect_closed(c->h[0], "the source") || expect_count(c->keep[0], 1, "the event"))
		return -1;
	return expect_fds(c->h, 1, NULL, 0);
}

/* ---- 9. zx_object_wait_many, 8 items ------------------------------------------------ */

/*
 * Events h[0..3] (h[0] signaled, so the wait ends at once), channel a and
 * b, eventpair h[4], h[5].  pending starts as a value no object has.
 */
static int setup_wait_many(struct ctx *c)
{
	zx_handle_t hs[8];
	zx_status_t st;

	if (setup_channel(c) || setup_eventpair(c, 4))
		return -1;
	for (int i = 0; i < 4; i++) {
		if (setup_event(c, i, -1))
			return -1;
	}
	st = zx_object_signal(c->h[0], 0, ZX_EVENT_SIGNALED);
	CHECK(st == ZX_OK, "setup: signal: %s", sts(st));
	memcpy(hs, c->h, 4 * sizeof(hs[0]));
	hs[4] = c->a;
	hs[5] = c->b;
	hs[6] = c->h[4];
	hs[7] = c->h[5];
	for (int i = 0; i < 8; i++) {
		c->items[i] = (zx_wait_item_t) {
			hs[i], i == 4 || i == 5 ? ZX_CHANNEL_READABLE : ZX_EVENT_SIGNALED,
			PENDING_UNSET
		};
		st = observe(hs[i], &c->sig[i]);
		CHECK(st == ZX_OK, "setup: wait_one: %s", sts(st));
	}
	c->deadline = zx_deadline_after(ZX_SEC(5));
	return 0;
}

static zx_status_t call_wait_many(struct ctx *c)
{
	return zx_object_wait_many(c->items, 8, c->deadline);
}

static int ok_wait_many(struct ctx *c)
{
	for (int i = 0; i < 8; i++) {
		CHECK(c->items[i].pending == c->sig[i], "item %d: pending %#x, expected %#x", i,
		      c->items[i].pending, c->sig[i]);
	}
	return expect_no_new_fds();
}

/* Nothing written back, no signal changed, every handle still there. */
static int failed_wait_many(struct ctx *c)
{
	for (int i = 0; i < 8; i++) {
		CHECK(c->items[i].pending == PENDING_UNSET, "item %d: pending written (%#x)", i,
		      c->items[i].pending);
		if (expect_signals(c->items[i].handle, c->sig[i], "an item's object"))
			return -1;
	}
	return expect_no_new_fds();
}

/* ---- the scenarios ------------------------------------------------------------------- */

enum {
	FULL_FD_TABLE = 1,	/* every slot of the 64-entry fd table in use */
};

struct scenario {
	const char *name;
	int (*setup)(struct ctx *c);
	zx_status_t (*call)(struct ctx *c);
	int (*ok)(struct ctx *c);	/* after a success */
	int (*failed)(struct ctx *c);	/* after an injected failure */
	unsigned int flags;
	/*
	 * What an injected allocation failure may return.  Only NO_MEMORY:
	 * the spec's status for "out of memory" in create, write (message,
	 * handle, quota entry), read/call/duplicate (an fd needs a bigger
	 * fd table: ENOMEM, not the EMFILE of a full one, which would be
	 * NO_RESOURCES), wait_many, and libzx's open of /dev/zx.
	 */
	zx_status_t accept[MAX_ACCEPT];
};

#define NO_MEMORY_ONLY	{ ZX_ERR_NO_MEMORY }

static const struct scenario scenarios[] = {
	{ "zx_channel_create", setup_nothing, call_channel_create, ok_channel_create,
	  failed_create, 0, NO_MEMORY_ONLY },
	{ "zx_channel_create, full fd table", setup_nothing, call_channel_create,
	  ok_channel_create, failed_create, FULL_FD_TABLE, NO_MEMORY_ONLY },
	{ "zx_event_create", setup_nothing, call_event_create, ok_event_create,
	  failed_create, 0, NO_MEMORY_ONLY },
	{ "zx_eventpair_create", setup_nothing, call_eventpair_create, ok_eventpair_create,
	  failed_create, 0, NO_MEMORY_ONLY },
	{ "zx_channel_write, 100 bytes", setup_write_100, call_write, ok_write,
	  failed_write, 0, NO_MEMORY_ONLY },
	{ "zx_channel_write, 65536 bytes", setup_write_max, call_write, ok_write,
	  failed_write, 0, NO_MEMORY_ONLY },
	{ "zx_channel_write, 3 iovecs", setup_write_iovec, call_write_iovec, ok_write,
	  failed_write, 0, NO_MEMORY_ONLY },
	{ "zx_channel_write, 2 events", setup_write_handles, call_write_handles,
	  ok_write_handles, failed_write_handles, 0, NO_MEMORY_ONLY },
	{ "zx_channel_write_etc, MOVE with fewer rights + DUPLICATE", setup_write_etc,
	  call_write_etc, ok_write_etc, failed_write_etc, 0, NO_MEMORY_ONLY },
	{ "zx_channel_read, 2 handles, full fd table", setup_read, call_read, ok_read,
	  failed_read, FULL_FD_TABLE, NO_MEMORY_ONLY },
	{ "zx_channel_call", setup_call, call_call, ok_call, failed_call, 0,
	  NO_MEMORY_ONLY },
	{ "zx_channel_call, full fd table", setup_call, call_call, ok_call, failed_call,
	  FULL_FD_TABLE, NO_MEMORY_ONLY },
	{ "zxl_channel_reply_read", setup_reply_read, call_reply_read, ok_reply_read,
	  failed_reply_read, 0, NO_MEMORY_ONLY },
	{ "zxl_channel_reply_read, full fd table", setup_reply_read_full, call_reply_read,
	  ok_reply_read, failed_reply_read, FULL_FD_TABLE, NO_MEMORY_ONLY },
	{ "zx_handle_duplicate", setup_dup, call_dup, ok_dup, failed_dup, 0,
	  NO_MEMORY_ONLY },
	{ "zx_handle_duplicate, full fd table", setup_dup, call_dup, ok_dup, failed_dup,
	  FULL_FD_TABLE, NO_MEMORY_ONLY },
	{ "zx_handle_replace", setup_replace, call_replace, ok_replace, failed_replace, 0,
	  NO_MEMORY_ONLY },
	{ "zx_handle_replace, full fd table", setup_replace, call_replace, ok_replace,
	  failed_replace, FULL_FD_TABLE, NO_MEMORY_ONLY },
	{ "zx_object_wait_many, 8 items", setup_wait_many, call_wait_many, ok_wait_many,
	  failed_wait_many, 0, NO_MEMORY_ONLY },
	{ "zx_channel_write, a new user's first", setup_write_new_user, call_write, ok_write,
	  failed_write, 0, NO_MEMORY_ONLY },
};

#define NSCENARIOS	(sizeof(scenarios) / sizeof(scenarios[0]))

static struct {
	unsigned int max_n;
	unsigned int passes;
	bool verbose;
	bool dry;		/* no injection: only the success path, once */
	const char *only;
} cfg = { MAX_N_DEFAULT, 2, false, false, NULL };

/* ---- one run: the child ------------------------------------------------------------- */

/* Make the stack mapping this deep before it is locked. */
static void __attribute__((noinline)) stack_prefault(void)
{
	volatile char buf[STACK_PREFAULT];

	for (size_t i = 0; i < sizeof(buf); i += 1024)
		buf[i] = 0;
}

static bool accepted(const struct scenario *sc, zx_status_t st)
{
	for (int i = 0; i < MAX_ACCEPT; i++) {
		if (sc->accept[i] != ZX_OK && sc->accept[i] == st)
			return true;
	}
	return false;
}

static int run_child(const struct scenario *sc, unsigned int n)
{
	zx_status_t st;
	int injected, bad;

	/* A child that hangs is a finding, not a reason to stall the sweep. */
	alarm(CHILD_TIMEOUT);
	stack_prefault();
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		note("setup: mlockall: %s", strerror(errno));
		return OUT_SETUP;
	}
	if (!cfg.dry && nth_open()) {
		note("setup: open %s: %s", NTH_PATH, strerror(errno));
		return OUT_SETUP;
	}
	cx.n = n;
	if (sc->setup(&cx) || ((sc->flags & FULL_FD_TABLE) && fill_fd_table()))
		return OUT_SETUP;
	fdset_snap(&cx.before);

	if (cfg.dry) {
		st = sc->call(&cx);
		injected = 0;
	} else {
		if (nth_arm(n)) {
			note("setup: arming fail-nth: %s", strerror(errno));
			return OUT_SETUP;
		}
		st = sc->call(&cx);
		injected = nth_disarm();
	}

	rep->status = st;
	if (injected < 0) {
		note("reading fail-nth back: %s", strerror(errno));
		return OUT_SETUP;
	}
	if (!injected) {
		if (st != ZX_OK) {
			note("failed with %s without an injected failure", sts(st));
			return OUT_NOT_REACHED | OUT_BAD;
		}
		return OUT_NOT_REACHED | (sc->ok(&cx) ? OUT_BAD : 0);
	}
	if (st == ZX_OK)
		return OUT_ABSORBED | (sc->ok(&cx) ? OUT_BAD : 0);
	if (!accepted(sc, st)) {
		note("status %s is not one an allocation failure may give here", sts(st));
		bad = 1;
	} else {
		bad = 0;
	}
	bad |= sc->failed(&cx) ? 1 : 0;
	return OUT_FAILED | (bad ? OUT_BAD : 0);
}

/* ---- the sweep: the parent ------------------------------------------------------------ */

/* One scenario, all passes; the counts are per pass. */
struct result {
	unsigned int pass;			/* the pass running */
	unsigned int points[MAX_PASSES];	/* injection points the call reached */
	unsigned int failed[MAX_PASSES];	/* injected, the call failed */
	unsigned int absorbed[MAX_PASSES];	/* injected, the call succeeded */
	unsigned int late;	/* failed after the first half took effect */
	unsigned int bad;	/* runs with a failed check */
	unsigned int done;	/* passes that found an n not reached */
	zx_status_t st[4];	/* statuses of the failed calls */
	unsigned int st_count[4];
	unsigned int nnotes;
	char notes[4096];
};

/* Keep the first MAX_NOTES lines of what went wrong, each with its n. */
static void add_note(struct result *r, unsigned int n, const char *text)
{
	const char *line = text;

	while (*line) {
		const char *end = strchrnul(line, '\n');
		size_t len = strlen(r->notes);

		if (r->nnotes++ < MAX_NOTES)
			snprintf(r->notes + len, sizeof(r->notes) - len, "n=%u: %.*s\n", n,
				 (int)(end - line), line);
		line = *end ? end + 1 : end;
	}
}

static void count_status(struct result *r, zx_status_t st)
{
	for (int i = 0; i < 4; i++) {
		if (!r->st_count[i] || r->st[i] == st) {
			r->st[i] = st;
			r->st_count[i]++;
			return;
		}
	}
}

/* Run the scenario with fail-nth = @n in a child; false when the sweep is over. */
static bool run_one(const struct scenario *sc, unsigned int n, struct result *r)
{
	int status, code;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		add_note(r, n, "fork failed");
		r->bad++;
		return false;
	}
	if (pid == 0)
		_exit(run_child(sc, n));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (cfg.verbose)
		printf("#   pass %u n=%u: exit status %#x, call returned %s\n", r->pass + 1, n,
		       status, sts(rep->status));
	if (!WIFEXITED(status)) {
		char what[64];

		snprintf(what, sizeof(what), "child killed by signal %d%s", WTERMSIG(status),
			 WTERMSIG(status) == SIGALRM ? " (hung)" : "");
		add_note(r, n, what);
		add_note(r, n, rep->text);
		r->bad++;
		return r->bad < MAX_BAD_RUNS;
	}
	code = WEXITSTATUS(status);
	if (code & OUT_SETUP) {
		add_note(r, n, rep->text[0] ? rep->text : "setup failed");
		r->bad++;
		return false;
	}
	if (code & OUT_BAD) {
		add_note(r, n, rep->text);
		r->bad++;
	}
	switch (code & OUT_MASK) {
	case OUT_FAILED:
		r->failed[r->pass]++;
		r->late += rep->late;
		count_status(r, rep->status);
		return r->bad < MAX_BAD_RUNS;
	case OUT_ABSORBED:
		r->absorbed[r->pass]++;
		return r->bad < MAX_BAD_RUNS;
	default:
		r->points[r->pass] = n - 1;
		r->done++;
		return false;
	}
}

static long module_refcnt(void)
{
	char buf[32] = "";
	int fd = open(REFCNT_PATH, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* Files are released late (delayed fput, RCU): wait up to @ms for @base. */
static long refcnt_settle(long base, unsigned int ms)
{
	long now = module_refcnt();

	for (unsigned int t = 0; now != base && t < ms; t += 50) {
		usleep(50000);
		now = module_refcnt();
	}
	return now;
}

/*
 * Every n of one scenario; one TAP line.  The reference count is compared
 * with its value before the scenario, so that a leak shows once, where it
 * happened.
 */
/* "a/b/c": @v[] of every pass. */
static void per_pass(char *buf, size_t size, const unsigned int *v)
{
	size_t len = 0;

	buf[0] = 0;
	for (unsigned int p = 0; p < cfg.passes && len < size; p++)
		len += (size_t)snprintf(buf + len, size - len, "%s%u", p ? "/" : "", v[p]);
}

static void print_result(const struct scenario *sc, unsigned int test, struct result *r,
			 unsigned int n)
{
	char points[32], failed[32], absorbed[32], stats[160] = "";
	size_t len;

	for (int i = 0; i < 4 && r->st_count[i]; i++) {
		len = strlen(stats);
		snprintf(stats + len, sizeof(stats) - len, "; %s x%u", sts(r->st[i]),
			 r->st_count[i]);
	}
	if (r->late) {
		len = strlen(stats);
		snprintf(stats + len, sizeof(stats) - len, ", %u after the first half", r->late);
	}
	per_pass(points, sizeof(points), r->points);
	per_pass(failed, sizeof(failed), r->failed);
	per_pass(absorbed, sizeof(absorbed), r->absorbed);
	if (r->done == cfg.passes && !r->bad) {
		printf("ok %u - %s: %s failure points (failed %s, absorbed %s%s)\n", test,
		       sc->name, points, failed, absorbed, stats);
		return;
	}
	printf("not ok %u - %s: %s%u runs failed a check\n", test, sc->name,
	       r->done == cfg.passes ? "" : "sweep did not finish; ", r->bad);
	if (n > cfg.max_n)
		printf("#   n=%u still reached a failure point\n", cfg.max_n);
	for (char *line = strtok(r->notes, "\n"); line; line = strtok(NULL, "\n"))
		printf("#   %s\n", line);
	if (r->nnotes > MAX_NOTES)
		printf("#   (%u more notes)\n", r->nnotes - MAX_NOTES);
}

/*
 * Every n of one scenario, cfg.passes times; one TAP line.  Debugging
 * facilities (debugobjects refilling its pool, KASAN's stack depot) add
 * injection points now and then, which shifts the numbering between runs;
 * another pass fails the points a shift made one pass skip.  The reference
 * count is compared with its value before the scenario, so that a leak
 * shows once, where it happened.
 */
static bool sweep(const struct scenario *sc, unsigned int test)
{
	long refs, base = module_refcnt();
	struct result r = { 0 };
	unsigned int n = 0;

	for (r.pass = 0; r.pass < cfg.passes && r.bad < MAX_BAD_RUNS; r.pass++) {
		for (n = 1; n <= cfg.max_n; n++) {
			if (!run_one(sc, n, &r))
				break;
		}
	}
	refs = refcnt_settle(base, 5000);
	if (refs != base) {
		char what[96];

		snprintf(what, sizeof(what), "module refcnt %ld after the scenario, was %ld "
			 "(zx files leaked)", refs, base);
		add_note(&r, n, what);
		r.bad++;
	}
	print_result(sc, test, &r, n);
	fflush(stdout);
	return r.done == cfg.passes && !r.bad;
}

static void usage(void)
{
	fprintf(stderr, "usage: zxfailnth [-d] [-v] [-m max_n] [-o substring] [-p passes]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int tests = 0, failed = 0, planned = 0;
	long base, after;
	int opt;

	while ((opt = getopt(argc, argv, "dvm:o:p:")) != -1) {
		switch (opt) {
		case 'd': cfg.dry = true; break;
		case 'v': cfg.verbose = true; break;
		case 'm': cfg.max_n = (unsigned int)atoi(optarg); break;
		case 'o': cfg.only = optarg; break;
		case 'p': cfg.passes = (unsigned int)atoi(optarg); break;
		default: usage();
		}
	}
	if (cfg.max_n < 1 || cfg.passes < 1 || cfg.passes > MAX_PASSES)
		usage();
	if (cfg.dry)
		cfg.passes = 1;

	printf("TAP version 13\n");
	if (!cfg.dry && access(NTH_PATH, F_OK)) {
		printf("1..1\nok 1 - fail-nth sweep # SKIP no fault injection in this kernel\n");
		return 0;
	}
	for (size_t i = 0; i < NSCENARIOS; i++)
		planned += !cfg.only || strstr(scenarios[i].name, cfg.only);
	printf("1..%u\n", planned + 1);
	fflush(stdout);

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		   0);
	if (rep == MAP_FAILED) {
		perror("zxfailnth: mmap");
		return 2;
	}
	base = module_refcnt();
	for (size_t i = 0; i < NSCENARIOS; i++) {
		if (cfg.only && !strstr(scenarios[i].name, cfg.only))
			continue;
		failed += !sweep(&scenarios[i], ++tests);
	}

	after = refcnt_settle(base, 10000);
	tests++;
	if (base < 0 || after != base) {
		failed++;
		printf("not ok %u - module references back to baseline: %ld, was %ld\n", tests,
		       after, base);
	} else {
		printf("ok %u - module references back to baseline (%ld)\n", tests, base);
	}
	return failed ? 1 : 0;
}
