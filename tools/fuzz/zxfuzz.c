// SPDX-License-Identifier: GPL-2.0
/*
 * zxfuzz: a race fuzzer for the zx module, in the manner of syzkaller but
 * knowing the API.
 *
 * Several chaos processes, each with several threads, share handles made
 * before they forked and make more; every thread does random operations
 * with random and invalid arguments on whatever handles it finds, while the
 * others close, move, duplicate, replace, read, write and call on them, a
 * signaler thread interrupts calls and waits, a scribbler thread rewrites
 * the buffers calls are reading, fds are closed and reused underneath, and
 * the parent SIGKILLs and respawns processes, some of which fork or exec.
 * Besides, three ledgers run under the same chaos with well-formed traffic
 * whose outcome is decidable:
 *   - messages: a writer process sends numbered messages, each carrying an
 *     event, to a reader process; none may be lost, duplicated, reordered,
 *     or arrive with another handle than it left with;
 *   - calls: client threads call a server process with short deadlines;
 *     every successful call must get its own reply, every reply of a call
 *     that timed out must come later as a plain message, exactly once;
 *   - cycles: a process makes cycles of channels (an endpoint in its own
 *     queue, two in each other's, one held by the reply kept for its own
 *     parked call); while a handle still reaches one, the collector must
 *     leave it as it is through a walk, and once none does, close it
 *     within 30 s.
 * Chaos statuses are checked against what the spec allows for each call.
 * At the end every process exits, and the module's reference count and
 * its count of live objects (/sys/class/misc/zx/objects, if the module
 * has it) must return to what they were before the run, within 60 s.
 *
 * Channels carry channels, cycles included, for the module's cycle
 * collector: any channel may carry any handle, raw ioctls and scribbled
 * handle arrays move whatever they name, and the "carrier" channels --
 * made before the chaos starts, kept at fds >= CARRIER_FD in every chaos
 * process, with servers that answer calls on them -- go into each other
 * and, written through their peer, into their own queue (mostly as
 * aliases, so that they stay around); cycle cells (op_cycle()) make garbage
 * on purpose and race the collector.  What a process leaves in a cycle
 * when it is killed or exits is garbage the collector must find; the end
 * check fails otherwise.  The ledgers' channels stay out of the chaos's
 * reach: chaos processes close them (the spawner forks before they
 * exist), and the ledgers carry events only.
 *
 * Usage: zxfuzz [-s SEED] [-t SECONDS] [-p PROCS] [-T THREADS] [-S [-n OPS]]
 *   -S  serial: one thread in one process, no signals, forks or deadlines
 *       that depend on time, so a seed replays exactly: the same ops get
 *       the same statuses (the run prints a hash of them; -n stops after
 *       OPS operations, so that two runs can be compared).
 * Output is TAP; the exit status is 0 only if every check passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zircon/errors.h>
#include <zircon/linux.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include <linux/zx.h>

#define MAX_PROCS	8
#define MAX_THREADS	8
#define CHAOS_FDS	1024	/* chaos picks fd numbers below this */
#define CARRIER_FD	60000	/* carriers live at and above */
#define LEDGER_FD	61000	/* ledger channels live at and above */
#define NCARRIERS	8
#define POOL		256
#define NFAIL		16
#define CALLERS		3
#define CALL_SEQS	(1u << 20)

/* ---- configuration and shared state ------------------------------------ */

static struct {
	uint64_t seed;
	unsigned int seconds;
	unsigned int procs;
	unsigned int threads;
	bool serial;
	uint64_t max_ops;
} cfg = { 0, 10, 3, 4, false, 0 };

struct failure {
	char what[160];
};

/* In MAP_SHARED memory: seen by every process of the run. */
struct shared {
	int stop;
	uint64_t ops;
	uint64_t calls_ok, calls_timed_out, calls_other;
	uint64_t ledger_msgs, ledger_calls, ledger_cycles;
	uint64_t cycles, cycles_seen;
	uint32_t nfail;
	struct failure fail[NFAIL];
	/* the message ledger: what the writer sent */
	uint32_t sent;
	/* the call ledger: per caller, which seqs timed out / came late */
	uint32_t called[CALLERS];
	uint8_t timed_out[CALLERS][CALL_SEQS / 8];
	uint8_t late[CALLERS][CALL_SEQS / 8];
};

static struct shared *sh;

static void fail(const char *fmt, ...)
{
	uint32_t i = __atomic_fetch_add(&sh->nfail, 1, __ATOMIC_SEQ_CST);
	va_list ap;

	if (i >= NFAIL)
		return;
	va_start(ap, fmt);
	vsnprintf(sh->fail[i].what, sizeof(sh->fail[i].what), fmt, ap);
	va_end(ap);
}

/*
 * Whether channels may carry channels in cycles: not in a serial run.  The
 * collector frees a cycle asynchronously, so what an op on a survivor of
 * one gets (PEER_CLOSED or not) would depend on when it ran, and a serial
 * run must replay exactly.  A serial run keeps the rule of old, under
 * which no cycle can form: carriers carry only what is below CARRIER_FD
 * (never a carrier), other channels only events and eventpairs (the
 * kernel's type check of write_etc enforces it even when the fd picked was
 * replaced meanwhile), carriers never travel, handle arrays never come
 * from memory the kernel wrote fd numbers into, and raw ioctls never move
 * handles.
 */
static bool cycles;

/* A fresh chaos process (see spawner()) lives until this time. */
static int64_t fresh_end;

static int64_t now_ns(void);

static bool stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED) ||
		(fresh_end && now_ns() > fresh_end);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- randomness ---------------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static uint32_t rn(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static bool one_in(struct rng *r, uint32_t n)
{
	return rn(r, n) == 0;
}

/* Every (seed, stream) pair its own state: splitmix64 of the two. */
static void rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t z = seed + (stream + 1) * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	r->s = z ? z : 1;
}

/* A count: mostly small, sometimes at or over a limit, sometimes huge. */
static uint32_t rcount(struct rng *r, uint32_t limit)
{
	switch (rn(r, 8)) {
	case 0:
		return 0;
	case 1:
		return limit;
	case 2:
		return limit + 1 + rn(r, 4);
	case 3:
		return (uint32_t)rnd(r);
	default:
		return rn(r, limit < 8 ? limit + 1 : 8);
	}
}

/* ---- the buffer zoo ------------------------------------------------------- */

#define ZOO_BYTES	(256 * 1024)

static char *zoo_none;		/* PROT_NONE */
static char *zoo_ro;		/* read-only */
static char *zoo_scribble;	/* rewritten all the time by a scribbler */

static void zoo_init(void)
{
	zoo_none = mmap(NULL, ZOO_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	zoo_ro = mmap(NULL, ZOO_BYTES, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	zoo_scribble = mmap(NULL, ZOO_BYTES, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (zoo_none == MAP_FAILED || zoo_ro == MAP_FAILED || zoo_scribble == MAP_FAILED) {
		perror("zxfuzz: mmap");
		exit(2);
	}
}

/*
 * A buffer for @len bytes: mostly good (@good, the thread's own), else
 * NULL, unmapped, read-only, a wild pointer, or (unless @no_scribble)
 * memory another thread rewrites during the call.
 */
static void *zoo_pick(struct rng *r, char *good, size_t len, bool no_scribble)
{
	size_t off;

	if (len > ZOO_BYTES / 2)
		len = ZOO_BYTES / 2;
	off = rn(r, (uint32_t)(ZOO_BYTES / 2 - len + 1)) & ~(size_t)7;
	switch (rn(r, 12)) {
	case 0:
		return NULL;
	case 1:
		return zoo_none + off;
	case 2:
		return zoo_ro + off;
	case 3:
	case 4:
		return no_scribble ? good : zoo_scribble + off;
	case 5:
		return (char *)(uintptr_t)rnd(r);
	default:
		return good;
	}
}

static void *zoo_buf(struct rng *r, char *good, size_t len)
{
	return zoo_pick(r, good, len, false);
}

/*
 * A handle array.  Scribbled memory has small fd numbers among other
 * values, and reads store fd numbers there too: an array there names
 * real handles, which only a run with cycles may move at random.
 */
static void *zoo_handles(struct rng *r, char *good, size_t len)
{
	return zoo_pick(r, good, len, !cycles);
}

static void *scribbler(void *arg)
{
	struct rng r;

	rng_init(&r, cfg.seed, (uintptr_t)arg);
	while (!stopping()) {
		uint64_t *p = (uint64_t *)zoo_scribble;

		for (size_t i = 0; i < ZOO_BYTES / 8; i += 1 + rn(&r, 64))
			p[i] = one_in(&r, 2) ? rn(&r, CHAOS_FDS) : rnd(&r);
		sched_yield();
	}
	return NULL;
}

/* ---- statuses the spec allows ---------------------------------------------- */

enum {
	S_OK = 1u << 0, S_BAD_HANDLE = 1u << 1, S_WRONG_TYPE = 1u << 2,
	S_ACCESS = 1u << 3, S_INVALID = 1u << 4, S_RANGE = 1u << 5,
	S_NO_MEMORY = 1u << 6, S_NO_RES = 1u << 7, S_PEER = 1u << 8,
	S_NOT_SUP = 1u << 9, S_WAIT = 1u << 10, S_SMALL = 1u << 11,
	S_TIMED_OUT = 1u << 12, S_CANCELED = 1u << 13, S_BAD_STATE = 1u << 14,
};

static uint32_t status_bit(zx_status_t st)
{
	switch (st) {
	case ZX_OK: return S_OK;
	case ZX_ERR_BAD_HANDLE: return S_BAD_HANDLE;
	case ZX_ERR_WRONG_TYPE: return S_WRONG_TYPE;
	case ZX_ERR_ACCESS_DENIED: return S_ACCESS;
	case ZX_ERR_INVALID_ARGS: return S_INVALID;
	case ZX_ERR_OUT_OF_RANGE: return S_RANGE;
	case ZX_ERR_NO_MEMORY: return S_NO_MEMORY;
	case ZX_ERR_NO_RESOURCES: return S_NO_RES;
	case ZX_ERR_PEER_CLOSED: return S_PEER;
	case ZX_ERR_NOT_SUPPORTED: return S_NOT_SUP;
	case ZX_ERR_SHOULD_WAIT: return S_WAIT;
	case ZX_ERR_BUFFER_TOO_SMALL: return S_SMALL;
	case ZX_ERR_TIMED_OUT: return S_TIMED_OUT;
	case ZX_ERR_CANCELED: return S_CANCELED;
	case ZX_ERR_BAD_STATE: return S_BAD_STATE;
	default: return 0;
	}
}

/* Every op can meet a handle that is not there or of the wrong kind. */
#define S_LOOKUP	(S_BAD_HANDLE | S_WRONG_TYPE | S_ACCESS)
/* Any op that allocates or makes fds can run out. */
#define S_RES		(S_NO_MEMORY | S_NO_RES)

/*
 * libzx creates through an fd of /dev/zx opened for the call: another
 * thread closing or reusing that fd number makes it BAD_HANDLE.
 */
#define A_CREATE	(S_OK | S_BAD_HANDLE | S_INVALID | S_RES | S_NOT_SUP)
#define A_WRITE		(S_OK | S_LOOKUP | S_INVALID | S_RANGE | S_RES | S_PEER | \
			 S_NOT_SUP | S_WAIT)
#define A_READ		(S_OK | S_LOOKUP | S_INVALID | S_RES | S_PEER | S_NOT_SUP | \
			 S_WAIT | S_SMALL)
#define A_CALL		(A_WRITE | S_SMALL | S_TIMED_OUT | S_CANCELED)
#define A_REPLY_READ	(A_WRITE | A_READ | S_TIMED_OUT | S_CANCELED)
#define A_WAIT		(S_OK | S_LOOKUP | S_INVALID | S_RANGE | S_NO_MEMORY | S_NOT_SUP | \
			 S_TIMED_OUT | S_CANCELED)
#define A_SIGNAL	(S_OK | S_LOOKUP | S_INVALID | S_NOT_SUP | S_PEER)
#define A_INFO		(S_OK | S_LOOKUP | S_INVALID | S_NOT_SUP | S_SMALL)
#define A_DUP		(S_OK | S_LOOKUP | S_INVALID | S_RES)
#define A_CLOSE		(S_OK | S_BAD_HANDLE | S_INVALID | S_RANGE)

/* Serial runs: a hash of every op's status, to show a replay is exact. */
static uint64_t trace_hash = 1469598103934665603ull;

static void check(const char *op, zx_status_t st, uint32_t allowed)
{
	if (cfg.serial)
		trace_hash = (trace_hash ^ (uint32_t)st ^ ((uint64_t)(uint8_t)op[0] << 32)) *
			1099511628211ull;
	if (!(status_bit(st) & allowed))
		fail("%s returned %d, which the spec does not allow", op, st);
}

/* ---- per-process handle pool ---------------------------------------------- */

/*
 * Handles this process made or received.  Entries go stale as other
 * threads close or move them; that is the point.  Written and read with
 * relaxed atomics: a torn pick is just another random fd.
 */
static uint32_t pool[POOL];
static uint32_t carriers[NCARRIERS];
/* Fresh processes work on few handles, so that threads collide on them. */
static uint32_t pool_size = POOL;
static bool fresh;

static void pool_add(struct rng *r, zx_handle_t h)
{
	if (h && h < CHAOS_FDS)
		__atomic_store_n(&pool[rn(r, pool_size)], h, __ATOMIC_RELAXED);
}

/*
 * The handle the last pick of any thread in this process returned: picking
 * it again makes threads collide on one handle (syzkaller's "collide"),
 * which is where races live.
 */
static uint32_t last_pick;

/* An fd to operate on: a pooled handle, a carrier, or any small number. */
static zx_handle_t pick(struct rng *r)
{
	zx_handle_t h;

	switch (rn(r, 12)) {
	case 0:
		h = rn(r, CHAOS_FDS);
		break;
	case 1:
		h = carriers[rn(r, NCARRIERS)];
		break;
	case 2:
		return one_in(r, 4) ? (zx_handle_t)rnd(r) : 0;
	case 3:
	case 4:
	case 5:
		return __atomic_load_n(&last_pick, __ATOMIC_RELAXED);
	default:
		h = __atomic_load_n(&pool[rn(r, pool_size)], __ATOMIC_RELAXED);
		break;
	}
	__atomic_store_n(&last_pick, h, __ATOMIC_RELAXED);
	return h;
}

/* A handle of this process's own: never a carrier. */
static zx_handle_t pick_movable(struct rng *r)
{
	zx_handle_t h = one_in(r, 8) ? rn(r, CHAOS_FDS) :
		__atomic_load_n(&pool[rn(r, pool_size)], __ATOMIC_RELAXED);

	return h < CHAOS_FDS ? h : 0;
}

static bool is_carrier(zx_handle_t h)
{
	return h >= CARRIER_FD && h < CARRIER_FD + NCARRIERS;
}

/* The other end of carrier @h (carriers are made in pairs). */
static zx_handle_t carrier_peer(zx_handle_t h)
{
	return CARRIER_FD + ((h - CARRIER_FD) ^ 1);
}

/*
 * Another fd naming @h's handle, or 0.  Channel handles have no
 * ZX_RIGHT_DUPLICATE, so this is how a second name of an endpoint is had:
 * an alias (docs/design.md).  Moving an alias into a message moves only
 * that name; the handle is then in the message and still named by the
 * other aliases.
 */
static zx_handle_t alias_of(zx_handle_t h)
{
	int fd = fcntl((int)h, F_DUPFD_CLOEXEC, 3);

	return fd > 0 ? (zx_handle_t)fd : 0;
}

/* An alias of carrier @c below CHAOS_FDS, in the pool; or 0. */
static zx_handle_t carrier_alias(struct rng *r, zx_handle_t c)
{
	zx_handle_t a = c ? alias_of(c) : 0;

	if (a >= CHAOS_FDS) {
		close((int)a);
		return 0;
	}
	pool_add(r, a);
	return a;
}

/*
 * A handle to put into a message.  Any handle may travel, so cycles form:
 * mostly one of this process's own, sometimes (1 in @carrier_odds) a
 * carrier -- shared by every chaos process, so that what one puts in
 * cycles through carriers the others hold -- and when @ch is itself a
 * carrier, often its peer: written through @ch, the peer lands in its own
 * queue.  (@ch itself is refused with NOT_SUPPORTED.)  A carrier mostly
 * goes as an alias, so that it stays in every process's table too; now
 * and then its own fd goes, and the carrier with it from this process.
 */
static zx_handle_t pick_payload(struct rng *r, zx_handle_t ch, uint32_t carrier_odds)
{
	zx_handle_t c;

	if (!cycles || !one_in(r, carrier_odds))
		return pick_movable(r);
	c = is_carrier(ch) && one_in(r, 2) ? carrier_peer(ch) : carriers[rn(r, NCARRIERS)];
	if (!c || one_in(r, 64))
		return c;
	return carrier_alias(r, c);
}

/* ---- chaos operations ------------------------------------------------------ */

struct worker {
	struct rng r;
	char *buf;		/* ZOO_BYTES of the thread's own */
	pid_t tid;
};

static zx_time_t short_deadline(struct rng *r)
{
	if (cfg.serial)
		return ZX_TIME_INFINITE_PAST;
	switch (rn(r, 6)) {
	case 0:
		return ZX_TIME_INFINITE_PAST;
	case 1:
		return 0;
	default:
		return zx_deadline_after(ZX_USEC(rn(r, 3000)));
	}
}

static void op_create(struct worker *w)
{
	struct rng *r = &w->r;
	zx_handle_t out[2] = { 0, 0 };
	uint32_t options = one_in(r, 8) ? (uint32_t)rnd(r) : 0;
	zx_handle_t *p0 = one_in(r, 16) ? zoo_buf(r, w->buf, 8) : &out[0];
	zx_handle_t *p1 = one_in(r, 16) ? zoo_buf(r, w->buf, 8) : &out[1];
	zx_status_t st;

	switch (rn(r, 3)) {
	case 0:
		st = zx_channel_create(options, p0, p1);
		break;
	case 1:
		st = zx_event_create(options, p0);
		break;
	default:
		st = zx_eventpair_create(options, p0, p1);
		break;
	}
	check("create", st, A_CREATE);
	if (st == ZX_OK) {
		pool_add(r, out[0]);
		pool_add(r, out[1]);
	}
}

/*
 * Fill @d with @n dispositions for a write through @ch: any handle, any
 * expected type (a wrong one is WRONG_TYPE).
 */
static void make_dispositions(struct rng *r, zx_handle_t ch, zx_handle_disposition_t *d,
			      uint32_t n)
{
	static const uint32_t types[] = {
		ZX_OBJ_TYPE_NONE, ZX_OBJ_TYPE_CHANNEL, ZX_OBJ_TYPE_EVENT, ZX_OBJ_TYPE_EVENTPAIR,
	};

	for (uint32_t i = 0; i < n; i++) {
		d[i] = (zx_handle_disposition_t){
			.operation = one_in(r, 3) ? ZX_HANDLE_OP_DUPLICATE :
				     one_in(r, 16) ? (uint32_t)rnd(r) : ZX_HANDLE_OP_MOVE,
			.handle = pick_payload(r, ch, 8),
			.type = types[rn(r, 4)],
			.rights = one_in(r, 4) ? (uint32_t)rnd(r) : ZX_RIGHT_SAME_RIGHTS,
			.result = ZX_OK,
		};
		/* No cycles: only carriers carry channels, the kernel checks. */
		if (!cycles && is_carrier(ch))
			d[i].type = one_in(r, 2) ? ZX_OBJ_TYPE_NONE : ZX_OBJ_TYPE_CHANNEL;
		else if (!cycles)
			d[i].type = one_in(r, 2) ? ZX_OBJ_TYPE_EVENT : ZX_OBJ_TYPE_EVENTPAIR;
	}
}

static void op_write(struct worker *w, bool etc)
{
	struct rng *r = &w->r;
	zx_handle_t ch = pick(r);
	uint32_t nb = rcount(r, ZX_CHANNEL_MAX_MSG_BYTES), nh = rcount(r, 4);
	uint32_t options = one_in(r, 4) ? ZX_CHANNEL_WRITE_USE_IOVEC :
			   one_in(r, 16) ? (uint32_t)rnd(r) : 0;
	zx_handle_disposition_t d[8];
	zx_handle_t hs[8];
	void *bytes, *handles;
	zx_status_t st;

	if (options & ZX_CHANNEL_WRITE_USE_IOVEC) {
		zx_channel_iovec_t *iov = (zx_channel_iovec_t *)w->buf;
		uint32_t n = rcount(r, 8);

		for (uint32_t i = 0; i < n && i < 8; i++)
			iov[i] = (zx_channel_iovec_t){
				.buffer = zoo_buf(r, w->buf + 4096, 1024),
				.capacity = one_in(r, 8) ? (uint32_t)rnd(r) : rn(r, 1024),
				.reserved = one_in(r, 16) ? 1 : 0,
			};
		nb = n;
		bytes = zoo_buf(r, (char *)iov, n * sizeof(*iov));
	} else {
		bytes = zoo_buf(r, w->buf, nb > 65536 ? 65536 : nb);
	}
	if (nh > 8)
		nh = one_in(r, 2) ? nh : 8;
	if (etc) {
		make_dispositions(r, ch, d, nh > 8 ? 8 : nh);
		handles = nh <= 8 && !one_in(r, 8) ? (void *)d :
			zoo_handles(r, (char *)d, sizeof(d));
		st = zx_channel_write_etc(ch, options, bytes, nb, handles, nh);
	} else {
		/*
		 * Without cycles plain writes move only through carriers;
		 * elsewhere their arrays name fds that do not exist.
		 */
		for (uint32_t i = 0; i < 8; i++)
			hs[i] = cycles || is_carrier(ch) ? pick_payload(r, ch, 16) :
				CHAOS_FDS + 1000 + i;
		handles = nh <= 8 && !one_in(r, 8) ? (void *)hs :
			zoo_handles(r, (char *)hs, sizeof(hs));
		st = zx_channel_write(ch, options, bytes, nb, handles, nh);
	}
	check(etc ? "write_etc" : "write", st, A_WRITE);
}

static void op_read(struct worker *w, bool etc)
{
	struct rng *r = &w->r;
	zx_handle_t ch = pick(r);
	uint32_t nb = rcount(r, ZX_CHANNEL_MAX_MSG_BYTES), nh = rcount(r, 8);
	uint32_t options = one_in(r, 3) ? ZX_CHANNEL_READ_MAY_DISCARD :
			   one_in(r, 16) ? (uint32_t)rnd(r) : 0;
	zx_handle_info_t info[8];
	zx_handle_t hs[8];
	uint32_t ab, ah;
	void *handles = etc ? (void *)info : (void *)hs;
	uint32_t *pab = one_in(r, 8) ? zoo_buf(r, (char *)&ab, 4) : &ab;
	uint32_t *pah = one_in(r, 8) ? zoo_buf(r, (char *)&ah, 4) : &ah;
	zx_status_t st;

	if (nh > 8 || one_in(r, 8))
		handles = zoo_buf(r, handles, 8 * sizeof(info[0]));
	memset(info, 0, sizeof(info));
	memset(hs, 0, sizeof(hs));
	if (etc)
		st = zx_channel_read_etc(ch, options, zoo_buf(r, w->buf, nb > 65536 ? 65536 : nb),
					 handles, nb, nh, pab, pah);
	else
		st = zx_channel_read(ch, options, zoo_buf(r, w->buf, nb > 65536 ? 65536 : nb),
				     handles, nb, nh, pab, pah);
	check(etc ? "read_etc" : "read", st, A_READ);
	if (st == ZX_OK && pah == &ah && ah <= 8) {
		for (uint32_t i = 0; i < ah; i++) {
			zx_handle_t h = handles == (void *)info ? info[i].handle :
					handles == (void *)hs ? hs[i] : 0;

			if (h == ZX_HANDLE_INVALID && (handles == (void *)info ||
						       handles == (void *)hs))
				fail("read returned handle value 0");
			pool_add(r, h);
		}
	}
}

/* Answer one request found on a random channel, so some calls succeed. */
static void op_serve(struct worker *w)
{
	struct rng *r = &w->r;
	zx_handle_t ch = pick(r);
	uint32_t ab = 0, ah = 0;
	zx_handle_info_t info[4];
	zx_status_t st;

	st = zx_channel_read_etc(ch, 0, w->buf, info, 1024, 4, &ab, &ah);
	check("serve read", st, A_READ);
	if (st != ZX_OK)
		return;
	for (uint32_t i = 0; i < ah; i++)
		pool_add(r, info[i].handle);
	if (ab >= 4) {
		zx_handle_disposition_t d[2];
		uint32_t nd = rn(r, 3);

		make_dispositions(r, ch, d, nd);
		st = zx_channel_write_etc(ch, 0, w->buf, ab, d, nd);
		check("serve reply", st, A_WRITE);
	}
}

static void op_call(struct worker *w, bool etc)
{
	struct rng *r = &w->r;
	/* Carriers have servers (carrier_server()): some calls succeed. */
	bool carrier = one_in(r, 2);
	zx_handle_t ch = carrier ? carriers[rn(r, NCARRIERS)] : pick(r);
	zx_time_t deadline = carrier && !cfg.serial ?
		zx_deadline_after(ZX_MSEC(rn(r, 50))) : short_deadline(r);
	zx_handle_disposition_t d[4];
	zx_handle_info_t info[4];
	zx_handle_t hs[4];
	uint32_t ab = 0, ah = 0, nd = rcount(r, 4);
	zx_channel_call_etc_args_t a = {
		.wr_bytes = zoo_buf(r, w->buf, 64),
		.wr_num_bytes = one_in(r, 8) ? rcount(r, 65536) : 4 + rn(r, 60),
		.rd_bytes = zoo_buf(r, w->buf + 65536, 1024),
		.rd_num_bytes = rcount(r, 1024),
		.rd_num_handles = rcount(r, 4),
	};
	zx_status_t st;

	if (nd > 4)
		nd = 4;
	if (etc) {
		make_dispositions(r, ch, d, nd);
		a.wr_handles = d;
		a.wr_num_handles = nd;
		a.rd_handles = info;
	} else {
		a.rd_handles = (zx_handle_info_t *)hs;
	}
	if (a.rd_num_handles > 4)
		a.rd_handles = zoo_buf(r, (char *)info, sizeof(info));
	if (etc)
		st = zx_channel_call_etc(ch, one_in(r, 16) ? (uint32_t)rnd(r) : 0, deadline,
					 one_in(r, 16) ? zoo_buf(r, (char *)&a, sizeof(a)) : &a,
					 &ab, &ah);
	else
		st = zx_channel_call(ch, 0, deadline, (zx_channel_call_args_t *)&a, &ab, &ah);
	check(etc ? "call_etc" : "call", st, A_CALL);
	if (st == ZX_OK)
		__atomic_add_fetch(&sh->calls_ok, 1, __ATOMIC_RELAXED);
	else if (st == ZX_ERR_TIMED_OUT)
		__atomic_add_fetch(&sh->calls_timed_out, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&sh->calls_other, 1, __ATOMIC_RELAXED);
	if (st == ZX_OK && ah <= 4 && a.rd_handles == (void *)info)
		for (uint32_t i = 0; i < ah; i++)
			pool_add(r, etc ? info[i].handle : hs[i]);
}

static void op_reply_read(struct worker *w)
{
	struct rng *r = &w->r;
	zx_handle_t ch = pick(r);
	uint32_t ab = 0, ah = 0;
	zx_handle_t hs[4];
	zx_status_t st;

	if (one_in(r, 2))
		st = zxl_channel_read_wait(ch, one_in(r, 3) ? ZX_CHANNEL_READ_MAY_DISCARD : 0,
					   zoo_buf(r, w->buf, 1024), hs, rcount(r, 1024),
					   rcount(r, 4), &ab, &ah, short_deadline(r));
	else
		st = zxl_channel_reply_read(ch, zoo_buf(r, w->buf, 64), rcount(r, 64),
					    NULL, 0, zoo_buf(r, w->buf + 4096, 1024), hs,
					    rcount(r, 1024), rcount(r, 4), &ab, &ah,
					    short_deadline(r));
	check("reply_read", st, A_REPLY_READ);
	if (st == ZX_OK && ah <= 4)
		for (uint32_t i = 0; i < ah; i++)
			pool_add(r, hs[i]);
}

static void op_wait(struct worker *w)
{
	struct rng *r = &w->r;
	zx_status_t st;

	if (one_in(r, 2)) {
		zx_signals_t obs;

		st = zx_object_wait_one(pick(r), (uint32_t)rnd(r), short_deadline(r),
					one_in(r, 8) ? zoo_buf(r, (char *)&obs, 4) : &obs);
	} else {
		zx_wait_item_t items[8];
		size_t n = rcount(r, 8);

		for (int i = 0; i < 8; i++)
			items[i] = (zx_wait_item_t){ pick(r), (uint32_t)rnd(r), 0 };
		st = zx_object_wait_many(n <= 8 && !one_in(r, 8) ? items :
					 zoo_handles(r, (char *)items, sizeof(items)),
					 n, short_deadline(r));
	}
	check("wait", st, A_WAIT);
}

static void op_signal(struct worker *w)
{
	struct rng *r = &w->r;
	uint32_t clear = one_in(r, 4) ? (uint32_t)rnd(r) : ZX_USER_SIGNAL_0 << rn(r, 8);
	uint32_t set = one_in(r, 4) ? (uint32_t)rnd(r) : ZX_USER_SIGNAL_0 << rn(r, 8);
	zx_status_t st;

	if (one_in(r, 2))
		st = zx_object_signal(pick(r), clear, set);
	else
		st = zx_object_signal_peer(pick(r), clear, set);
	check("signal", st, A_SIGNAL);
}

static void op_info(struct worker *w)
{
	struct rng *r = &w->r;
	size_t actual, avail, size = rcount(r, 64);
	uint32_t topic = one_in(r, 4) ? (uint32_t)rnd(r) : rn(r, 24);
	zx_status_t st;

	st = zx_object_get_info(pick(r), topic, zoo_buf(r, w->buf, size), size,
				one_in(r, 8) ? zoo_buf(r, (char *)&actual, 8) : &actual,
				one_in(r, 8) ? zoo_buf(r, (char *)&avail, 8) : &avail);
	check("get_info", st, A_INFO);
}

static void op_dup(struct worker *w)
{
	struct rng *r = &w->r;
	zx_rights_t rights = one_in(r, 2) ? ZX_RIGHT_SAME_RIGHTS : (uint32_t)rnd(r);
	zx_handle_t out = 0, *pout = one_in(r, 16) ? zoo_buf(r, (char *)&out, 4) : &out;
	zx_handle_t h = pick(r);
	zx_status_t st;

	/*
	 * Duplicating a channel is ACCESS_DENIED, but an alias of a carrier
	 * lands in the pool and travels from there.  A carrier replaced is
	 * gone from its slot: rarely, so that they stay.
	 */
	if (!cycles && is_carrier(h))
		return;
	if (is_carrier(h) && one_in(r, 2)) {
		carrier_alias(r, h);
		return;
	}
	if (one_in(r, 2) && (!is_carrier(h) || one_in(r, 64)))
		st = zx_handle_replace(h, rights, pout);
	else
		st = zx_handle_duplicate(h, rights, pout);
	check("duplicate/replace", st, A_DUP);
	if (st == ZX_OK)
		pool_add(r, out);
}

static void op_close(struct worker *w)
{
	struct rng *r = &w->r;
	zx_status_t st;

	if (one_in(r, 3)) {
		zx_handle_t hs[16];
		size_t n = rcount(r, 16);

		for (int i = 0; i < 16; i++)
			hs[i] = pick_movable(r);
		st = zx_handle_close_many(n <= 16 ? hs : zoo_handles(r, (char *)hs, sizeof(hs)), n);
	} else {
		zx_handle_t h = pick(r);

		/* Carriers are closed rarely, so that they stay around. */
		if (is_carrier(h) && !one_in(r, 64))
			return;
		st = zx_handle_close(h);
	}
	check("close", st, A_CLOSE);
}

/* fds closed and reused underneath: plain close(2), dup2 of /dev/null. */
static void op_fd_chaos(struct worker *w)
{
	struct rng *r = &w->r;
	int fd = (int)rn(r, CHAOS_FDS);

	if (fd < 3)
		return;
	switch (rn(r, 3)) {
	case 0:
		close(fd);
		break;
	case 1: {
		int n = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (n >= 0 && n != fd) {
			dup3(n, fd, O_CLOEXEC);
			close(n);
		}
		break;
	}
	default: {
		int n = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		if (n >= 0 && n < CHAOS_FDS)
			pool_add(r, (zx_handle_t)n);
		else if (n >= 0)
			close(n);
		break;
	}
	}
}

/*
 * Fill the fd table up to just below its next size and hold it there a
 * moment: the next fd any thread takes -- quite possibly one a reader
 * reserves for a message's handles -- has to grow the table, which sleeps
 * in synchronize_rcu() in a process with threads.  That sleep is the
 * window in which a reader has dropped the channel lock.
 */
static void op_read(struct worker *w, bool etc);

static void op_fd_fill(struct worker *w)
{
	int fds[2048], n = 0, fd;

	if (!fresh)
		return;
	while (n < 2048) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		fds[n++] = fd;
		/* 63, 127, 255, ...: the last slot of a table */
		if (((fd + 1) & fd) == 0)
			break;
	}
	/* Most likely it is this read that has to grow the table. */
	op_read(w, one_in(&w->r, 2));
	while (n > 0)
		close(fds[--n]);
}

/*
 * A race cell: a scenario rather than one call.  The thread takes a
 * private copy of the fd table (unshare(CLONE_FILES): small again, since
 * only low fds are open in a fresh process), starts helpers that share it
 * and hammer one queue -- discarding, reading, now and then closing --
 * queues messages with handles there, and then reads them with its table
 * filled up to the last slot: every such read has to grow the table,
 * which sleeps in synchronize_rcu() with the channel lock dropped, while
 * the helpers take the very message it is reserving fds for.
 */
struct cell {
	zx_handle_t b;
	int go;		/* the cell's reader is about to read */
	int stop;
	uint64_t seed;
};

static void *cell_helper(void *arg)
{
	struct cell *c = arg;
	struct rng r;

	rng_init(&r, c->seed, gettid_());
	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		zx_handle_t b = __atomic_load_n(&c->b, __ATOMIC_RELAXED), hs[8];
		uint32_t ab, ah;
		zx_status_t st;

		/* Queue up while the reader sets up; race once it reads. */
		if (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE)) {
			sched_yield();
			continue;
		}
		if (!one_in(&r, 4))
			st = zx_channel_read(b, ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 0, 0,
					     &ab, &ah);
		else
			st = zx_channel_read(b, 0, NULL, hs, 0, 8, &ab, &ah);
		check("cell read", st, A_READ);
		if (st == ZX_OK && ah <= 8)
			zx_handle_close_many(hs, ah);
		if (one_in(&r, 500))
			zx_handle_close(b);
	}
	return NULL;
}

static void op_race_cell(struct worker *w)
{
	struct rng *r = &w->r;
	struct cell c = { .seed = rnd(r) };
	pthread_t helpers[2];
	zx_handle_t a = 0;
	int fills[2048], nfill = 0;

	if (!fresh || unshare(CLONE_FILES))
		return;
	if (zx_channel_create(0, &a, &c.b) != ZX_OK)
		return;
	for (int i = 0; i < 2; i++)
		pthread_create(&helpers[i], NULL, cell_helper, &c);
	for (int round = 0; round < 5; round++) {
		zx_handle_t hs[8];
		uint32_t ab, ah;
		zx_status_t st;
		int fd;

		for (uint32_t i = 0; i < 2 + rn(r, 5); i++) {
			zx_handle_disposition_t d = { .operation = ZX_HANDLE_OP_MOVE,
						      .type = ZX_OBJ_TYPE_EVENT,
						      .rights = ZX_RIGHT_SAME_RIGHTS };

			if (zx_event_create(0, &d.handle) != ZX_OK)
				break;
			check("cell write", zx_channel_write_etc(a, 0, NULL, 0, &d, 1), A_WRITE);
		}
		/* up to 63, 127, ...: the last slot of the table */
		while (nfill < 2048) {
			fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				break;
			fills[nfill++] = fd;
			if (((fd + 1) & fd) == 0)
				break;
		}
		__atomic_store_n(&c.go, 1, __ATOMIC_RELEASE);
		st = zx_channel_read(c.b, 0, NULL, hs, 0, 8, &ab, &ah);
		__atomic_store_n(&c.go, 0, __ATOMIC_RELEASE);
		check("cell read", st, A_READ);
		if (st == ZX_OK && ah <= 8)
			zx_handle_close_many(hs, ah);
	}
	__atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		pthread_join(helpers[i], NULL);
	/* The cell's fds go; its table stays this thread's own. */
	while (nfill > 0)
		close(fills[--nfill]);
	zx_handle_close(a);
	zx_handle_close(c.b);
}

/*
 * A call cell: calls on a channel of its own whose server interrupts the
 * caller with a signal before it replies (so the call parks and resumes
 * through CALL_FINISH), then the channel is closed while the reaper may
 * still have the endpoint on its list.
 */
static zx_koid_t koid_of(zx_handle_t h);

struct call_cell {
	zx_handle_t b;
	pid_t caller;
	uint64_t seed;
};

static void *call_cell_server(void *arg)
{
	struct call_cell *c = arg;
	struct rng r;

	rng_init(&r, c->seed, 7);
	for (;;) {
		char buf[64];
		uint32_t ab, ah;
		zx_handle_disposition_t d = { .operation = ZX_HANDLE_OP_MOVE,
					      .type = ZX_OBJ_TYPE_EVENT,
					      .rights = ZX_RIGHT_SAME_RIGHTS };
		zx_status_t st = zxl_channel_read_wait(c->b, 0, buf, NULL, sizeof(buf), 0, &ab,
						       &ah, zx_deadline_after(ZX_MSEC(200)));

		if (st != ZX_OK)
			return NULL;
		if (one_in(&r, 2))
			syscall(SYS_tgkill, getpid(), c->caller, SIGUSR1);
		if (one_in(&r, 3)) {
			struct timespec ts = { 0, rn(&r, 2000000) };

			nanosleep(&ts, NULL);
		}
		if (one_in(&r, 2) && zx_event_create(0, &d.handle) == ZX_OK)
			st = zx_channel_write_etc(c->b, 0, buf, ab, &d, 1);
		else
			st = zx_channel_write(c->b, 0, buf, ab, NULL, 0);
		check("call cell reply", st, A_WRITE);
	}
}

static void op_call_cell(struct worker *w)
{
	struct rng *r = &w->r;
	struct call_cell c = { .caller = gettid_(), .seed = rnd(r) };
	zx_handle_t a;
	pthread_t srv;
	zx_koid_t koid;

	if (zx_channel_create(0, &a, &c.b) != ZX_OK)
		return;
	koid = koid_of(a);
	if (pthread_create(&srv, NULL, call_cell_server, &c)) {
		zx_handle_close(a);
		zx_handle_close(c.b);
		return;
	}
	for (uint32_t i = 0; i < 1 + rn(r, 4); i++) {
		char req[8] = { 0 }, rep[8];
		zx_handle_t hs[1];
		uint32_t ab, ah;
		zx_channel_call_args_t args = {
			.wr_bytes = req, .wr_num_bytes = sizeof(req),
			.rd_bytes = rep, .rd_num_bytes = sizeof(rep),
			.rd_handles = hs, .rd_num_handles = 1,
		};
		zx_status_t st = zx_channel_call(a, 0, zx_deadline_after(ZX_MSEC(50)), &args,
						 &ab, &ah);

		/*
		 * Chaos may close fd a and reuse it for another channel while
		 * the call is parked; CALL_FINISH then rightly finds no call
		 * there.  Through the channel it parked on, it must.
		 */
		if (st == ZX_ERR_BAD_STATE && koid_of(a) != koid)
			st = ZX_ERR_BAD_HANDLE;
		check("call cell", st, A_CALL);
		if (st == ZX_OK && ah == 1)
			zx_handle_close(hs[0]);
	}
	/* Close both ends; the server's read fails and it leaves. */
	zx_handle_close(a);
	pthread_join(srv, NULL);
	zx_handle_close(c.b);
}

/*
 * Cycle cells: garbage made on purpose, for the cycle collector.  A cell
 * makes endpoints that only queues (or a parked call) reach, in one of
 * three shapes, and races what would break the cycle against the
 * collector's walk:
 *   - self: b written into its own queue through its peer a, after
 *     messages carrying whatever the pool has (channels, carriers);
 *   - pair: d in y's queue and y in d's queue, reachable through an alias
 *     of d (alias_of()); a reader takes y out of d's queue and puts it
 *     back while more aliases of d are closed (each close of an fd naming
 *     an endpoint in flight runs the collector), and at last that one;
 *   - call: a call on a whose reply carries a itself (an alias moved); the
 *     server interrupts the caller, which leaves the call parked (a raw
 *     ioctl, no CALL_FINISH) or resumes it or calls again, and closes a:
 *     a is then held only by the reply kept for its own parked call (or,
 *     once that call is dropped, by its own queue).
 * Only statuses are checked: under chaos another thread may have copied
 * any of these handles meanwhile, and the collector is asynchronous.  The
 * end of the run checks that everything was collected.  sh->cycles counts
 * the cells, sh->cycles_seen those whose surviving end saw PEER_CLOSED
 * before the cell let go of it: mostly the collector at work during the
 * run (the chaos, which may have taken a handle of the cell's, can close
 * one too).
 */
static void cycle_watch(struct worker *w, zx_handle_t h, bool closed_cycle)
{
	struct rng *r = &w->r;

	__atomic_add_fetch(&sh->cycles, 1, __ATOMIC_RELAXED);
	if (closed_cycle && one_in(r, 2)) {
		zx_signals_t obs = 0;
		zx_status_t st = zx_object_wait_one(h, ZX_CHANNEL_PEER_CLOSED,
						    zx_deadline_after(ZX_MSEC(rn(r, 50))), &obs);

		check("cycle wait", st, A_WAIT);
		if (st == ZX_OK && (obs & ZX_CHANNEL_PEER_CLOSED))
			__atomic_add_fetch(&sh->cycles_seen, 1, __ATOMIC_RELAXED);
	}
	/* Left to the chaos, or closed. */
	if (one_in(r, 2))
		pool_add(r, h);
	else
		zx_handle_close(h);
}

static zx_status_t move_channel(zx_handle_t through, zx_handle_t h)
{
	zx_handle_disposition_t d = { .operation = ZX_HANDLE_OP_MOVE, .handle = h,
				      .type = ZX_OBJ_TYPE_CHANNEL,
				      .rights = ZX_RIGHT_SAME_RIGHTS };

	return zx_channel_write_etc(through, 0, NULL, 0, &d, 1);
}

static void cycle_self(struct worker *w)
{
	struct rng *r = &w->r;
	zx_handle_disposition_t d[4];
	zx_handle_t a, b;
	zx_status_t st;

	if (zx_channel_create(0, &a, &b) != ZX_OK)
		return;
	for (uint32_t i = rn(r, 3); i > 0; i--) {
		uint32_t n = 1 + rn(r, 4);

		make_dispositions(r, a, d, n);
		st = zx_channel_write_etc(a, 0, w->buf, 8, d, n);
		check("cycle cargo", st, A_WRITE);
	}
	st = move_channel(a, b);
	check("cycle write", st, A_WRITE);
	cycle_watch(w, a, st == ZX_OK);
}

struct cycle_pair {
	zx_handle_t c, d2;
	int stop;
	uint64_t seed;
};

static void *cycle_pair_reader(void *arg)
{
	struct cycle_pair *k = arg;
	struct rng r;

	rng_init(&r, k->seed, 11);
	while (!__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE)) {
		zx_handle_info_t info[4];
		uint32_t ab, ah;
		zx_status_t st = zx_channel_read_etc(k->d2, 0, NULL, info, 0, 4, &ab, &ah);

		check("cycle read", st, A_READ);
		if (st != ZX_OK || ah > 4) {
			sched_yield();
			continue;
		}
		/* y, out of the cycle: mostly back in (closing it again). */
		for (uint32_t i = 0; i < ah; i++) {
			if (one_in(&r, 8)) {
				pool_add(&r, info[i].handle);
				continue;
			}
			st = move_channel(k->c, info[i].handle);
			check("cycle write back", st, A_WRITE);
		}
	}
	return NULL;
}

static void cycle_pair(struct worker *w)
{
	struct rng *r = &w->r;
	struct cycle_pair k = { .seed = rnd(r) };
	zx_handle_t x, y, d;
	zx_status_t st1, st2;
	pthread_t t;

	if (zx_channel_create(0, &x, &y) != ZX_OK)
		return;
	if (zx_channel_create(0, &k.c, &d) != ZX_OK) {
		zx_handle_close(x);
		zx_handle_close(y);
		return;
	}
	k.d2 = alias_of(d);
	st1 = move_channel(x, d);	/* d into y's queue */
	st2 = move_channel(k.c, y);	/* y into d's queue: the cycle */
	check("cycle write", st1, A_WRITE);
	check("cycle write", st2, A_WRITE);
	if (k.d2 && !pthread_create(&t, NULL, cycle_pair_reader, &k)) {
		for (uint32_t i = rn(r, 6); i > 0; i--) {
			struct timespec ts = { 0, rn(r, 300000) };
			zx_handle_t d3 = alias_of(k.d2);

			if (!d3)
				break;
			nanosleep(&ts, NULL);
			close((int)d3);
		}
		/* The last name of d, perhaps while the reader is reading it. */
		zx_handle_close(k.d2);
		__atomic_store_n(&k.stop, 1, __ATOMIC_RELEASE);
		pthread_join(t, NULL);
	} else if (k.d2) {
		zx_handle_close(k.d2);
	}
	if (one_in(r, 2))
		pool_add(r, k.c);
	else
		zx_handle_close(k.c);
	cycle_watch(w, x, st1 == ZX_OK && st2 == ZX_OK);
}

struct cycle_call {
	zx_handle_t b, q;
	pid_t caller;
	bool replied;	/* with a2 */
	uint64_t seed;
};

static void *cycle_call_server(void *arg)
{
	struct cycle_call *k = arg;
	zx_handle_t a2 = 0;
	uint32_t ab = 0, ah = 0;
	char buf[64];
	struct rng r;
	zx_status_t st;

	rng_init(&r, k->seed, 13);
	/* The caller's end itself (an alias's name moved) comes through q. */
	st = zxl_channel_read_wait(k->q, 0, buf, &a2, sizeof(buf), 1, &ab, &ah,
				   zx_deadline_after(ZX_MSEC(200)));
	check("cycle server read", st, A_REPLY_READ);
	if (st != ZX_OK || ah != 1)
		a2 = 0;
	st = zxl_channel_read_wait(k->b, 0, buf, NULL, sizeof(buf), 0, &ab, &ah,
				   zx_deadline_after(ZX_MSEC(200)));
	check("cycle server read", st, A_REPLY_READ);
	if (st == ZX_OK && ab >= 4) {
		zx_handle_disposition_t d = { .operation = ZX_HANDLE_OP_MOVE, .handle = a2,
					      .type = ZX_OBJ_TYPE_CHANNEL,
					      .rights = ZX_RIGHT_SAME_RIGHTS };

		if (!one_in(&r, 4))
			syscall(SYS_tgkill, getpid(), k->caller, SIGUSR1);
		if (one_in(&r, 2)) {
			struct timespec ts = { 0, rn(&r, 2000000) };

			nanosleep(&ts, NULL);
		}
		/* The reply carries a2: a's reply holds a. */
		st = zx_channel_write_etc(k->b, 0, buf, ab, &d, a2 ? 1 : 0);
		check("cycle reply", st, A_WRITE);
		k->replied = st == ZX_OK && a2;
		a2 = 0;
	}
	if (a2)
		zx_handle_close(a2);
	return NULL;
}

/* A call by raw ioctl: an interrupted one stays parked until resumed. */
static int raw_call(unsigned long cmd, zx_handle_t h, struct zxu_channel_call_args *ca,
		    zx_time_t deadline, uint32_t *ab, uint32_t *ah)
{
	struct zxu_ioc_channel_call io = {
		.args = (uintptr_t)ca, .deadline = deadline,
		.actual_bytes = (uintptr_t)ab, .actual_handles = (uintptr_t)ah,
		.handle = h,
	};

	return ioctl((int)h, cmd, &io) ? errno : 0;
}

static void cycle_call(struct worker *w)
{
	struct rng *r = &w->r;
	struct cycle_call k = { .caller = gettid_(), .seed = rnd(r) };
	zx_handle_t a, a2, p;
	char req[8] = { 0 }, rep[64];
	zx_handle_t hs[4];
	uint32_t ab = 0, ah = 0;
	struct zxu_channel_call_args ca = {
		.wr_bytes = (uintptr_t)req, .wr_num_bytes = sizeof(req),
		.rd_bytes = (uintptr_t)rep, .rd_num_bytes = sizeof(rep),
		.rd_handles = (uintptr_t)hs, .rd_num_handles = 4,
	};
	zx_time_t deadline = zx_deadline_after(ZX_MSEC(20 + rn(r, 100)));
	bool early_close = one_in(r, 2);
	pthread_t t;
	int err;

	if (zx_channel_create(0, &a, &k.b) != ZX_OK)
		return;
	if (zx_channel_create(0, &p, &k.q) != ZX_OK) {
		zx_handle_close(a);
		zx_handle_close(k.b);
		return;
	}
	a2 = alias_of(a);
	if (a2)
		check("cycle write", move_channel(p, a2), A_WRITE);
	if (pthread_create(&t, NULL, cycle_call_server, &k)) {
		zx_handle_close(a);
		zx_handle_close(p);
		zx_handle_close(k.b);
		zx_handle_close(k.q);
		return;
	}
	err = raw_call(ZX_IOC_CHANNEL_CALL, a, &ca, deadline, &ab, &ah);
	if (err == EINTR) {
		switch (rn(r, 3)) {
		case 0:
			/* Leave it parked. */
			break;
		case 1:
			do
				err = raw_call(ZX_IOC_CHANNEL_CALL_FINISH, a, &ca, deadline, &ab, &ah);
			while (err == EINTR && one_in(r, 2));
			break;
		default:
			/* A new call drops the parked one: its reply is queued to a. */
			err = raw_call(ZX_IOC_CHANNEL_CALL, a, &ca,
				       zx_deadline_after(ZX_MSEC(rn(r, 5))), &ab, &ah);
			break;
		}
	}
	if (err == 0 && ah <= 4)
		for (uint32_t i = 0; i < ah; i++)
			pool_add(r, hs[i]);
	/* Closing a before the reply came: the reply closes the cycle. */
	if (early_close)
		zx_handle_close(a);
	pthread_join(t, NULL);
	if (!early_close)
		zx_handle_close(a);
	zx_handle_close(p);
	zx_handle_close(k.q);
	/* Unless the call got its reply (and a2 with it), a is garbage now. */
	cycle_watch(w, k.b, k.replied && err != 0);
}

static void op_cycle(struct worker *w)
{
	if (!cycles)
		return;
	switch (rn(&w->r, 3)) {
	case 0:
		cycle_self(w);
		break;
	case 1:
		cycle_pair(w);
		break;
	default:
		cycle_call(w);
		break;
	}
}

/* Drop whatever is at the head of a queue, as a reader short of room. */
static void op_discard(struct worker *w)
{
	struct rng *r = &w->r;
	uint32_t ab, ah;
	zx_status_t st = zx_channel_read(pick(r), ZX_CHANNEL_READ_MAY_DISCARD, NULL, NULL, 0,
					 0, &ab, &ah);

	check("discard", st, A_READ);
}

/* Commands that put handles into messages. */
static bool raw_moves_handles(unsigned long cmd)
{
	return cmd == ZX_IOC_CHANNEL_WRITE || cmd == ZX_IOC_CHANNEL_WRITE_ETC ||
		cmd == ZX_IOC_CHANNEL_CALL || cmd == ZX_IOC_CHANNEL_CALL_ETC ||
		cmd == ZX_IOC_CHANNEL_REPLY_READ;
}

/*
 * Raw ioctls: every command, random sizes, random argument blocks.  Those
 * that write move whatever the block names (a call interrupted here is
 * left parked: nothing resumes it); not without cycles, nor (the same
 * case) in a serial run, where nothing would answer or interrupt a call.
 */
static void op_raw_ioctl(struct worker *w)
{
	static const unsigned long real[] = {
		ZX_IOC_CHANNEL_CREATE, ZX_IOC_EVENT_CREATE, ZX_IOC_EVENTPAIR_CREATE,
		ZX_IOC_HANDLE_CLOSE_MANY, ZX_IOC_OBJECT_WAIT_MANY, ZX_IOC_HANDLE_CLOSE,
		ZX_IOC_HANDLE_DUPLICATE, ZX_IOC_HANDLE_REPLACE, ZX_IOC_OBJECT_WAIT_ONE,
		ZX_IOC_OBJECT_SIGNAL, ZX_IOC_OBJECT_SIGNAL_PEER, ZX_IOC_OBJECT_GET_INFO,
		ZX_IOC_CHANNEL_READ, ZX_IOC_CHANNEL_READ_ETC, ZX_IOC_CHANNEL_CALL_FINISH,
		ZX_IOC_CHANNEL_WRITE, ZX_IOC_CHANNEL_WRITE_ETC, ZX_IOC_CHANNEL_CALL,
		ZX_IOC_CHANNEL_CALL_ETC, ZX_IOC_CHANNEL_REPLY_READ,
	};
	struct rng *r = &w->r;
	uint64_t *blk = (uint64_t *)(w->buf + 8192);
	unsigned long cmd, arg;
	int fd, ctl = -1;

	if (one_in(r, 4))
		cmd = _IOC(rn(r, 4), one_in(r, 8) ? rn(r, 256) : 'Z', 0x80 + rn(r, 0x40),
			   rn(r, 256));
	else
		cmd = real[rn(r, sizeof(real) / sizeof(real[0]))];
	if (!cycles && raw_moves_handles(cmd))
		return;
	for (int i = 0; i < 32; i++) {
		switch (rn(r, 5)) {
		case 0:
			blk[i] = rnd(r);
			break;
		case 1:
			blk[i] = rn(r, CHAOS_FDS) | ((uint64_t)rn(r, 8) << 32);
			break;
		case 2:
			blk[i] = (uintptr_t)zoo_buf(r, w->buf + 16384, 256);
			break;
		case 3:
			/* a deadline in the near future, so waits stay short */
			blk[i] = (uint64_t)zx_deadline_after(ZX_USEC(rn(r, 1000)));
			break;
		default:
			blk[i] = rn(r, 70);
			break;
		}
	}
	if (one_in(r, 8))
		fd = ctl = open("/dev/zx", O_RDWR | O_CLOEXEC);
	else
		fd = (int)pick_movable(r);
	if (cmd == ZX_IOC_HANDLE_CLOSE)
		arg = one_in(r, 2) ? (unsigned long)fd : rnd(r);
	else
		arg = one_in(r, 8) ? (uintptr_t)zoo_buf(r, (char *)blk, 256) : (uintptr_t)blk;
	ioctl(fd, cmd, arg);
	if (ctl >= 0)
		close(ctl);
}

static void op_poll(struct worker *w)
{
	struct rng *r = &w->r;
	struct pollfd p[4];

	for (int i = 0; i < 4; i++)
		p[i] = (struct pollfd){ .fd = (int)pick(r), .events = (short)rnd(r) };
	poll(p, 4, 0);
}

static void one_op(struct worker *w);

/*
 * A short-lived child: it inherits every handle of this process (as
 * aliases), works on them for a moment and exits or execs, which closes
 * them all again (handles are close-on-exec).
 */
static void op_fork(struct worker *w)
{
	struct rng *r = &w->r;
	pid_t pid;

	if (cfg.serial)
		return;
	pid = fork();
	if (pid != 0)
		return;
	/*
	 * Only this thread came along, not the signaler: a raw call or wait
	 * with a far deadline would block it for good, and the run ends only
	 * when every process of it has exited.
	 */
	alarm(5);
	if (one_in(r, 2)) {
		char *argv[] = { "zxfuzz", "-E", NULL };

		execv("/proc/self/exe", argv);
		_exit(0);
	}
	for (int i = 0; i < 50 && !stopping(); i++)
		one_op(w);
	_exit(0);
}

typedef void (*op_fn)(struct worker *w);

static void op_write_plain(struct worker *w) { op_write(w, false); }
static void op_write_etc(struct worker *w) { op_write(w, true); }
static void op_read_plain(struct worker *w) { op_read(w, false); }
static void op_read_etc(struct worker *w) { op_read(w, true); }
static void op_call_plain(struct worker *w) { op_call(w, false); }
static void op_call_etc(struct worker *w) { op_call(w, true); }

static const struct {
	op_fn fn;
	unsigned int weight;
} ops[] = {
	{ op_create, 10 }, { op_write_plain, 10 }, { op_write_etc, 12 },
	{ op_read_plain, 10 }, { op_read_etc, 8 }, { op_serve, 6 },
	{ op_call_plain, 4 }, { op_call_etc, 4 }, { op_reply_read, 4 },
	{ op_wait, 5 }, { op_signal, 3 }, { op_info, 3 }, { op_dup, 5 },
	{ op_close, 6 }, { op_fd_chaos, 3 }, { op_raw_ioctl, 6 }, { op_poll, 2 },
	{ op_fork, 1 }, { op_fd_fill, 3 }, { op_discard, 8 }, { op_race_cell, 2 }, { op_call_cell, 2 },
	{ op_cycle, 4 },
};

static void one_op(struct worker *w)
{
	unsigned int total = 0, x;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		total += ops[i].weight;
	x = rn(&w->r, total);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (x < ops[i].weight) {
			ops[i].fn(w);
			break;
		}
		x -= ops[i].weight;
	}
	__atomic_add_fetch(&sh->ops, 1, __ATOMIC_RELAXED);
}

/* ---- chaos processes --------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
}

static pid_t chaos_tids[MAX_THREADS];

static void *chaos_thread(void *arg)
{
	struct worker w;
	uintptr_t stream = (uintptr_t)arg;

	rng_init(&w.r, cfg.seed, stream);
	w.buf = malloc(ZOO_BYTES);
	memset(w.buf, 0, ZOO_BYTES);
	w.tid = gettid_();
	chaos_tids[stream % MAX_THREADS] = w.tid;
	while (!stopping())
		one_op(&w);
	return NULL;
}

/*
 * Answers calls on the carriers, so that chaos calls also end with a reply
 * handed over (with handles) and not only with errors and timeouts.
 */
static void *carrier_server(void *arg)
{
	struct worker w;

	rng_init(&w.r, cfg.seed, (uintptr_t)arg);
	w.buf = calloc(1, ZOO_BYTES);
	while (!stopping()) {
		zx_wait_item_t items[NCARRIERS];
		zx_status_t st;

		for (int i = 0; i < NCARRIERS; i++)
			items[i] = (zx_wait_item_t){ carriers[i], ZX_CHANNEL_READABLE, 0 };
		st = zx_object_wait_many(items, NCARRIERS, zx_deadline_after(ZX_MSEC(5)));
		check("carrier wait", st, A_WAIT);
		for (int i = 0; i < NCARRIERS; i++) {
			uint32_t ab = 0, ah = 0;
			zx_handle_info_t info[4];
			zx_handle_disposition_t d[2];
			uint32_t nd = rn(&w.r, 3);

			if (!(items[i].pending & ZX_CHANNEL_READABLE))
				continue;
			st = zx_channel_read_etc(carriers[i], 0, w.buf, info, 1024, 4, &ab, &ah);
			check("carrier read", st, A_READ);
			if (st != ZX_OK)
				continue;
			for (uint32_t j = 0; j < ah; j++)
				pool_add(&w.r, info[j].handle);
			if (ab < 4)
				continue;
			make_dispositions(&w.r, carriers[i], d, nd);
			st = zx_channel_write_etc(carriers[i], 0, w.buf, ab, d, nd);
			check("carrier reply", st, A_WRITE);
		}
	}
	return NULL;
}

/* Interrupts the chaos threads' calls and waits. */
static void *signaler(void *arg)
{
	struct rng r;

	rng_init(&r, cfg.seed, (uintptr_t)arg);
	while (!stopping()) {
		pid_t tid = chaos_tids[rn(&r, cfg.threads)];
		struct timespec ts = { 0, 200000 + rn(&r, 800000) };

		if (tid)
			syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void install_handler(bool restart)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_signal;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
}

/*
 * The body of a chaos process: stream picks its seeds.  A fresh one (see
 * spawner()) has a small fd table, a small working set and a short life.
 */
static int chaos_main(uint64_t stream, bool is_fresh)
{
	pthread_t t[MAX_THREADS], sig, scr, srv;
	struct rng r;
	struct rlimit rl;

	rng_init(&r, cfg.seed, stream);
	if (is_fresh) {
		fresh = true;
		pool_size = 8;
		fresh_end = now_ns() + 100000000 + rn(&r, 600) * 1000000ll;
	}
	install_handler(one_in(&r, 2));
	/* Children of op_fork reap themselves. */
	signal(SIGCHLD, SIG_IGN);
	/* Keep every new fd below CARRIER_FD. */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = CHAOS_FDS + 512;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (unsigned int i = 0; i < cfg.threads; i++)
		pthread_create(&t[i], NULL, chaos_thread, (void *)(uintptr_t)(stream * 64 + i));
	pthread_create(&sig, NULL, signaler, (void *)(uintptr_t)(stream * 64 + 40));
	pthread_create(&scr, NULL, scribbler, (void *)(uintptr_t)(stream * 64 + 41));
	if (!fresh)
		pthread_create(&srv, NULL, carrier_server, (void *)(uintptr_t)(stream * 64 + 42));
	for (unsigned int i = 0; i < cfg.threads; i++)
		pthread_join(t[i], NULL);
	pthread_join(sig, NULL);
	pthread_join(scr, NULL);
	if (!fresh)
		pthread_join(srv, NULL);
	return 0;
}

/* ---- the message ledger ------------------------------------------------------ */

struct ledger_msg {
	uint32_t seq;
	uint32_t pad;
	uint64_t koid;
};

static zx_koid_t koid_of(zx_handle_t h)
{
	zx_info_handle_basic_t info;

	if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL))
		return 0;
	return info.koid;
}

/* Interrupt whichever thread of the ledger process the kernel picks. */
static void *ledger_signaler(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!stopping()) {
		struct timespec ts = { 0, 700000 };

		kill(getpid(), SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void start_ledger_signaler(pthread_t *t)
{
	install_handler(false);
	pthread_create(t, NULL, ledger_signaler, NULL);
}

static int ledger_writer(zx_handle_t h)
{
	pthread_t sig;
	uint32_t seq = 0;

	start_ledger_signaler(&sig);
	while (!stopping()) {
		struct ledger_msg m = { .seq = seq };
		zx_handle_disposition_t d = { .operation = ZX_HANDLE_OP_MOVE,
					      .type = ZX_OBJ_TYPE_EVENT,
					      .rights = ZX_RIGHT_SAME_RIGHTS };
		zx_status_t st;

		if (zx_event_create(0, &d.handle) != ZX_OK) {
			fail("ledger: event_create failed");
			break;
		}
		m.koid = koid_of(d.handle);
		st = zx_channel_write_etc(h, 0, &m, sizeof(m), &d, 1);
		if (st == ZX_ERR_SHOULD_WAIT) {
			zx_handle_close(d.handle);
			zx_object_wait_one(h, ZX_CHANNEL_WRITABLE, zx_deadline_after(ZX_MSEC(50)),
					   NULL);
			continue;
		}
		if (st != ZX_OK) {
			fail("ledger: write of message %u: %d", seq, st);
			break;
		}
		seq++;
		__atomic_store_n(&sh->sent, seq, __ATOMIC_SEQ_CST);
	}
	pthread_join(sig, NULL);
	return 0;
}

static int ledger_reader(zx_handle_t h)
{
	pthread_t sig;
	uint32_t expect = 0;

	start_ledger_signaler(&sig);
	for (;;) {
		struct ledger_msg m;
		zx_handle_info_t info;
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zx_channel_read_etc(h, 0, &m, &info, sizeof(m), 1, &ab, &ah);

		if (st == ZX_ERR_SHOULD_WAIT) {
			zx_object_wait_one(h, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
					   zx_deadline_after(ZX_MSEC(50)), NULL);
			continue;
		}
		if (st == ZX_ERR_PEER_CLOSED)
			break;
		if (st != ZX_OK) {
			fail("ledger: read after message %u: %d", expect, st);
			break;
		}
		if (ab != sizeof(m) || ah != 1 || m.seq != expect) {
			fail("ledger: got message %u (%u bytes, %u handles), expected %u",
			     m.seq, ab, ah, expect);
			break;
		}
		if (info.type != ZX_OBJ_TYPE_EVENT || koid_of(info.handle) != m.koid)
			fail("ledger: message %u carries another handle than it was sent with",
			     m.seq);
		zx_handle_close(info.handle);
		expect++;
		__atomic_add_fetch(&sh->ledger_msgs, 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	if (expect != __atomic_load_n(&sh->sent, __ATOMIC_SEQ_CST))
		fail("ledger: %u messages sent, %u received", sh->sent, expect);
	pthread_join(sig, NULL);
	return 0;
}

/* ---- the call ledger ------------------------------------------------------------ */

struct ledger_call {
	uint32_t txid;
	uint32_t caller;
	uint32_t seq;
	uint32_t magic;
};

#define CALL_MAGIC	0x5ca11edu

static void set_bit(uint8_t *bits, uint32_t i)
{
	__atomic_fetch_or(&bits[i / 8], (uint8_t)(1u << (i % 8)), __ATOMIC_SEQ_CST);
}

static bool get_bit(const uint8_t *bits, uint32_t i)
{
	return __atomic_load_n(&bits[i / 8], __ATOMIC_SEQ_CST) & (1u << (i % 8));
}

struct caller_arg {
	zx_handle_t h;
	uint32_t id;
};

static void *ledger_caller(void *p)
{
	struct caller_arg *c = p;
	struct rng r;

	rng_init(&r, cfg.seed, 1000 + c->id);
	for (uint32_t seq = 0; seq < CALL_SEQS && !stopping(); seq++) {
		struct ledger_call req = { 0, c->id, seq, CALL_MAGIC }, rep;
		uint32_t ab = 0, ah = 0;
		zx_channel_call_args_t a = { .wr_bytes = &req, .wr_num_bytes = sizeof(req),
					     .rd_bytes = &rep, .rd_num_bytes = sizeof(rep) };
		zx_time_t deadline = zx_deadline_after(one_in(&r, 3) ? ZX_USEC(rn(&r, 2000)) :
						       ZX_SEC(30));
		zx_status_t st = zx_channel_call(c->h, 0, deadline, &a, &ab, &ah);

		if (st == ZX_OK) {
			if (ab != sizeof(rep) || rep.caller != c->id || rep.seq != seq ||
			    rep.magic != ~CALL_MAGIC)
				fail("calls: caller %u call %u got reply %u/%u", c->id, seq,
				     rep.caller, rep.seq);
		} else if (st == ZX_ERR_TIMED_OUT) {
			set_bit(sh->timed_out[c->id], seq);
		} else {
			fail("calls: caller %u call %u: %d", c->id, seq, st);
			break;
		}
		__atomic_store_n(&sh->called[c->id], seq + 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&sh->ledger_calls, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Late replies of timed-out calls arrive as plain messages. */
static void drain_late(zx_handle_t h, zx_time_t deadline)
{
	for (;;) {
		struct ledger_call m;
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zx_channel_read(h, 0, &m, NULL, sizeof(m), 0, &ab, &ah);

		if (st == ZX_ERR_SHOULD_WAIT) {
			if (zx_object_wait_one(h, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
					       deadline, NULL) != ZX_OK)
				return;
			continue;
		}
		if (st != ZX_OK)
			return;
		/*
		 * The caller marks its call timed out after it returned, which
		 * may be after its reply arrived here: the sets are compared
		 * once every caller is done.
		 */
		if (ab != sizeof(m) || m.caller >= CALLERS || m.seq >= CALL_SEQS ||
		    m.magic != ~CALL_MAGIC || get_bit(sh->late[m.caller], m.seq))
			fail("calls: stray message %u/%u on the caller's endpoint", m.caller, m.seq);
		else
			set_bit(sh->late[m.caller], m.seq);
	}
}

static int ledger_client(zx_handle_t h)
{
	struct caller_arg args[CALLERS];
	pthread_t t[CALLERS], sig;
	uint32_t late_missing = 0, late_stray = 0;

	start_ledger_signaler(&sig);
	for (uint32_t i = 0; i < CALLERS; i++) {
		args[i] = (struct caller_arg){ h, i };
		pthread_create(&t[i], NULL, ledger_caller, &args[i]);
	}
	while (!stopping())
		drain_late(h, zx_deadline_after(ZX_MSEC(100)));
	for (uint32_t i = 0; i < CALLERS; i++)
		pthread_join(t[i], NULL);
	pthread_join(sig, NULL);
	/* The server answers everything: the rest is on its way. */
	drain_late(h, zx_deadline_after(ZX_SEC(2)));
	for (uint32_t c = 0; c < CALLERS; c++) {
		for (uint32_t s = 0; s < CALL_SEQS; s++) {
			bool timed_out = get_bit(sh->timed_out[c], s);
			bool late = get_bit(sh->late[c], s);

			late_missing += timed_out && !late;
			late_stray += late && !timed_out;
		}
	}
	if (late_missing)
		fail("calls: %u replies of timed-out calls never arrived", late_missing);
	if (late_stray)
		fail("calls: %u replies arrived as messages for calls that got them", late_stray);
	return 0;
}

static int ledger_server(zx_handle_t h)
{
	uint32_t next[CALLERS] = { 0 };
	pthread_t sig;
	struct rng r;

	rng_init(&r, cfg.seed, 2000);
	start_ledger_signaler(&sig);
	for (;;) {
		struct ledger_call m;
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zxl_channel_read_wait(h, 0, &m, NULL, sizeof(m), 0, &ab, &ah,
						       zx_deadline_after(ZX_SEC(60)));

		if (st == ZX_ERR_PEER_CLOSED)
			break;
		if (st != ZX_OK) {
			fail("calls: server read: %d", st);
			break;
		}
		if (ab != sizeof(m) || m.caller >= CALLERS || m.magic != CALL_MAGIC ||
		    m.seq != next[m.caller] || !(m.txid & 0x80000000u)) {
			fail("calls: server got %u/%u, expected seq %u", m.caller, m.seq,
			     m.caller < CALLERS ? next[m.caller] : 0);
			break;
		}
		next[m.caller]++;
		if (one_in(&r, 4)) {
			struct timespec ts = { 0, rn(&r, 3000000) };

			nanosleep(&ts, NULL);
		}
		m.magic = ~CALL_MAGIC;
		st = zx_channel_write(h, 0, &m, sizeof(m), NULL, 0);
		if (st != ZX_OK && st != ZX_ERR_PEER_CLOSED) {
			fail("calls: server reply: %d", st);
			break;
		}
	}
	pthread_join(sig, NULL);
	return 0;
}

/* ---- the cycle ledger ------------------------------------------------------------ */

/*
 * Cycles whose fate is decidable, made by a process the chaos cannot reach
 * but under its load and among the walks it causes: a cycle a handle still
 * reaches must survive a walk with its messages and handles as they were;
 * once that handle is gone, the collector must close it within 30 s, which
 * its survivors see as PEER_CLOSED.  Shapes as in the cycle cells: an
 * endpoint in its own queue, a pair in each other's queues, and an
 * endpoint held by the reply kept for its own interrupted, parked call.
 */
#define CYCLE_DEADLINE	ZX_SEC(30)

static long read_counter(const char *path);

static bool peer_closed_now(zx_handle_t h)
{
	zx_signals_t obs = 0;

	zx_object_wait_one(h, ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE_PAST, &obs);
	return obs & ZX_CHANNEL_PEER_CLOSED;
}

/* @what's survivor @h sees its peer closed within 30 s, or it is a finding. */
static bool cycle_collected(zx_handle_t h, const char *what)
{
	zx_status_t st = zx_object_wait_one(h, ZX_CHANNEL_PEER_CLOSED,
					    zx_deadline_after(CYCLE_DEADLINE), NULL);

	if (st == ZX_OK)
		return true;
	fail("cycles: %s not collected within 30 s (wait %d; objects %ld, gc_runs %ld)", what,
	     st, read_counter("/sys/class/misc/zx/objects"),
	     read_counter("/sys/class/misc/zx/gc_runs"));
	return false;
}

/*
 * Make the collector walk while a cycle through the endpoint *@name names
 * (it is in flight) is still reachable: closing an alias of it asks for a
 * walk.  Two more in gc_runs (2 s at most) mean one walk began after the
 * cycle was made; then a moment for what a wrong verdict would close.
 * With @replace, *@name is replaced over and over meanwhile, which moves
 * the outside reference from one handle of the endpoint to a new one: no
 * walk may see the old one gone and not the new one.
 */
static bool cycle_walk(struct rng *r, zx_handle_t *name, bool replace)
{
	long runs = read_counter("/sys/class/misc/zx/gc_runs");
	int64_t end = now_ns() + 2000000000, kick = 0;

	if (runs < 0) {
		usleep(rn(r, 20000));
		return true;
	}
	while (now_ns() < end) {
		if (now_ns() >= kick) {
			zx_handle_t copy = alias_of(*name);

			if (copy)
				close((int)copy);
			if (read_counter("/sys/class/misc/zx/gc_runs") >= runs + 2)
				break;
			kick = now_ns() + 10000000;
		}
		if (replace) {
			zx_handle_t next;
			zx_status_t st = zx_handle_replace(*name, ZX_RIGHT_SAME_RIGHTS, &next);

			if (st != ZX_OK) {
				fail("cycles: replacing a handle of a live cycle: %d", st);
				return false;
			}
			*name = next;
		} else {
			usleep(1000);
		}
	}
	usleep(20000);
	return true;
}

/* Read one message from @h that must carry exactly a handle of @koid. */
static bool cycle_read_back(zx_handle_t h, zx_koid_t koid, const char *what)
{
	zx_handle_info_t info[2];
	uint32_t ab = 0, ah = 0;
	zx_status_t st = zx_channel_read_etc(h, 0, NULL, info, 0, 2, &ab, &ah);

	if (st != ZX_OK || ah != 1 || info[0].type != ZX_OBJ_TYPE_CHANNEL ||
	    koid_of(info[0].handle) != koid) {
		fail("cycles: %s: read %d, %u handles, not the endpoint it carried", what, st, ah);
		if (st == ZX_OK)
			for (uint32_t i = 0; i < ah && i < 2; i++)
				zx_handle_close(info[i].handle);
		return false;
	}
	zx_handle_close(info[0].handle);
	return true;
}

static bool cycle_create(zx_handle_t *a, zx_handle_t *b)
{
	zx_status_t st = zx_channel_create(0, a, b);

	if (st != ZX_OK)
		fail("cycles: channel_create: %d", st);
	return st == ZX_OK;
}

static zx_handle_t cycle_alias(zx_handle_t h)
{
	zx_handle_t a = alias_of(h);

	if (!a)
		fail("cycles: F_DUPFD: %s", strerror(errno));
	return a;
}

static bool must_move(zx_handle_t through, zx_handle_t h)
{
	zx_status_t st = move_channel(through, h);

	if (st != ZX_OK)
		fail("cycles: writing a channel into a channel: %d", st);
	return st == ZX_OK;
}

/* b in its own queue; @live: b2, an alias of b, keeps it reachable. */
static bool cycle_ledger_self(struct rng *r, bool live)
{
	zx_handle_t a, b, b2 = 0;
	zx_koid_t kb;
	bool ok;

	if (!cycle_create(&a, &b))
		return false;
	if (live && !(b2 = cycle_alias(b))) {
		zx_handle_close(a);
		zx_handle_close(b);
		return false;
	}
	kb = koid_of(b);
	ok = must_move(a, b);
	if (ok && live) {
		if (!cycle_walk(r, &b2, one_in(r, 2))) {
			ok = false;
		} else if (peer_closed_now(a)) {
			fail("cycles: an endpoint in its own queue was collected while a handle "
			     "to it existed");
			ok = false;
		} else {
			ok = cycle_read_back(b2, kb, "an endpoint in its own queue");
		}
		zx_handle_close(b2);
	} else if (ok) {
		ok = cycle_collected(a, "an endpoint in its own queue");
	}
	zx_handle_close(a);
	return ok;
}

/* d in y's queue, y in d's, reachable through d2, an alias of d, until @live. */
static bool cycle_ledger_pair(struct rng *r, bool live)
{
	zx_handle_t x, y, c, d, d2;
	zx_koid_t ky, kd;
	bool ok;

	if (!cycle_create(&x, &y))
		return false;
	if (!cycle_create(&c, &d) || !(d2 = cycle_alias(d))) {
		zx_handle_close(x);
		zx_handle_close(y);
		zx_handle_close(c);
		zx_handle_close(d);
		return false;
	}
	ky = koid_of(y);
	kd = koid_of(d);
	ok = must_move(x, d) && must_move(c, y);
	if (ok)
		ok = cycle_walk(r, &d2, one_in(r, 2));
	if (ok && (peer_closed_now(x) || peer_closed_now(c))) {
		fail("cycles: a pair in each other's queues was collected while a handle to one "
		     "of them existed");
		ok = false;
	}
	if (ok && live) {
		zx_handle_info_t info;
		uint32_t ab = 0, ah = 0;
		zx_status_t st = zx_channel_read_etc(d2, 0, NULL, &info, 0, 1, &ab, &ah);

		/* y out of d's queue, then d out of y's */
		if (st != ZX_OK || ah != 1 || koid_of(info.handle) != ky) {
			fail("cycles: a live pair: read %d, %u handles, not the endpoint it "
			     "carried", st, ah);
			ok = false;
		} else {
			ok = cycle_read_back(info.handle, kd, "a live pair");
			zx_handle_close(info.handle);
		}
		zx_handle_close(d2);
	} else {
		zx_handle_close(d2);
		ok = ok && cycle_collected(x, "a pair in each other's queues") &&
			cycle_collected(c, "a pair in each other's queues");
	}
	zx_handle_close(x);
	zx_handle_close(c);
	return ok;
}

struct ledger_call_cell {
	zx_handle_t a;
	pid_t tid;
	int phase;	/* 1: the call returned; 2: go on */
	bool finish;
	int err, err2;
	zx_handle_t hs[2];
	uint32_t ab, ah;
};

static void *ledger_call_thread(void *arg)
{
	struct ledger_call_cell *k = arg;
	char req[8] = { 0 }, rep[64];
	struct zxu_channel_call_args ca = {
		.wr_bytes = (uintptr_t)req, .wr_num_bytes = sizeof(req),
		.rd_bytes = (uintptr_t)rep, .rd_num_bytes = sizeof(rep),
		.rd_handles = (uintptr_t)k->hs, .rd_num_handles = 2,
	};
	zx_time_t deadline = zx_deadline_after(ZX_SEC(60));

	__atomic_store_n(&k->tid, gettid_(), __ATOMIC_RELEASE);
	k->err = raw_call(ZX_IOC_CHANNEL_CALL, k->a, &ca, deadline, &k->ab, &k->ah);
	__atomic_store_n(&k->phase, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&k->phase, __ATOMIC_ACQUIRE) != 2)
		usleep(1000);
	if (k->finish) {
		do
			k->err2 = raw_call(ZX_IOC_CHANNEL_CALL_FINISH, k->a, &ca, deadline,
					   &k->ab, &k->ah);
		while (k->err2 == EINTR);
	}
	return NULL;
}

/*
 * A call on a, interrupted before its reply, which carries a itself (the
 * name of an alias, a2): the reply kept for the parked call holds a.  @live: the
 * call is resumed and must get a2; else a is closed and the thread leaves
 * the call parked and exits, and a must be collected.
 */
static bool cycle_ledger_call(struct rng *r, bool live)
{
	struct ledger_call_cell k = { .finish = live };
	zx_handle_disposition_t d = { .operation = ZX_HANDLE_OP_MOVE,
				      .type = ZX_OBJ_TYPE_CHANNEL,
				      .rights = ZX_RIGHT_SAME_RIGHTS };
	zx_handle_t b;
	char buf[64];
	uint32_t ab = 0, ah = 0;
	zx_koid_t ka;
	zx_status_t st;
	pthread_t t;
	bool ok = true;

	(void)r;
	if (!cycle_create(&k.a, &b))
		return false;
	d.handle = cycle_alias(k.a);
	if (!d.handle) {
		zx_handle_close(k.a);
		zx_handle_close(b);
		return false;
	}
	ka = koid_of(k.a);
	if (pthread_create(&t, NULL, ledger_call_thread, &k)) {
		fail("cycles: pthread_create failed");
		zx_handle_close(k.a);
		zx_handle_close(d.handle);
		zx_handle_close(b);
		return false;
	}
	st = zxl_channel_read_wait(b, 0, buf, NULL, sizeof(buf), 0, &ab, &ah,
				   zx_deadline_after(ZX_SEC(10)));
	if (st != ZX_OK || ab < 4) {
		fail("cycles: the call's request did not arrive: %d", st);
		ok = false;
	}
	/* Interrupt the call until it returns. */
	while (__atomic_load_n(&k.phase, __ATOMIC_ACQUIRE) != 1) {
		pid_t tid = __atomic_load_n(&k.tid, __ATOMIC_ACQUIRE);

		if (tid)
			syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
		usleep(1000);
	}
	if (ok && k.err != EINTR) {
		fail("cycles: a call ended with errno %d before its reply", k.err);
		ok = false;
	}
	if (ok) {
		st = zx_channel_write_etc(b, 0, buf, ab, &d, 1);
		d.handle = 0;
		if (st != ZX_OK) {
			fail("cycles: the reply to a parked call: %d", st);
			ok = false;
		}
	}
	if (ok) {
		zx_handle_t name = k.a;	/* the call's own: not replaced */

		ok = cycle_walk(r, &name, false);
		if (ok && peer_closed_now(b)) {
			fail("cycles: an endpoint held by its parked call's reply was collected "
			     "while a handle to it existed");
			ok = false;
		}
	}
	if (!live)
		zx_handle_close(k.a);
	__atomic_store_n(&k.phase, 2, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	if (d.handle)
		zx_handle_close(d.handle);
	if (ok && live) {
		if (k.err2 != 0 || k.ah != 1 || koid_of(k.hs[0]) != ka) {
			fail("cycles: a resumed call: errno %d, %u handles, not the endpoint its "
			     "reply carried", k.err2, k.ah);
			ok = false;
		}
		for (uint32_t i = 0; k.err2 == 0 && i < k.ah && i < 2; i++)
			zx_handle_close(k.hs[i]);
	} else if (ok) {
		ok = cycle_collected(b, "an endpoint held by its parked call's reply");
	}
	if (live)
		zx_handle_close(k.a);
	zx_handle_close(b);
	return ok;
}

static int ledger_cycles(zx_handle_t unused)
{
	pthread_t sig;
	struct rng r;

	(void)unused;
	rng_init(&r, cfg.seed, 3000);
	start_ledger_signaler(&sig);
	while (!stopping()) {
		bool live = one_in(&r, 2), ok;

		switch (rn(&r, 3)) {
		case 0:
			ok = cycle_ledger_self(&r, live);
			break;
		case 1:
			ok = cycle_ledger_pair(&r, live);
			break;
		default:
			ok = cycle_ledger_call(&r, live);
			break;
		}
		if (!ok)
			break;
		__atomic_add_fetch(&sh->ledger_cycles, 1, __ATOMIC_RELAXED);
	}
	pthread_join(sig, NULL);
	return 0;
}

/* ---- orchestration ------------------------------------------------------------ */

/* A decimal number from sysfs, or -1 if the file is not there. */
static long read_counter(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

#define ZX_SYSFS	"/sys/class/misc/zx/"

static long module_refcnt(void)
{
	return read_counter("/sys/module/zx/refcnt");
}

/* Live zx objects (the cycle collector's counter); -1 on an older module. */
static long zx_objects(void)
{
	return read_counter(ZX_SYSFS "objects");
}

/*
 * Wait until no process of the run is left: main is the subreaper of the
 * run, so the children of killed chaos processes (op_fork) end up here
 * too.  Returns false if some are still there after @seconds.
 */
static bool reap_all(unsigned int seconds)
{
	for (unsigned int t = 0; t <= seconds * 10; t++) {
		pid_t pid;

		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (pid < 0 && errno == ECHILD)
			return true;
		usleep(100000);
	}
	return false;
}

/* Run @fn(@h) in a child that keeps only @h; returns its pid. */
static pid_t spawn_ledger(int (*fn)(zx_handle_t), zx_handle_t h, zx_handle_t *close_too,
			  int nclose)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	for (int i = 0; i < nclose; i++)
		if (close_too[i] != h)
			close((int)close_too[i]);
	for (int i = 0; i < NCARRIERS; i++)
		close((int)carriers[i]);
	_exit(fn(h));
}

static pid_t spawn_chaos(uint64_t stream)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Chaos never touches the ledgers. */
		for (int fd = LEDGER_FD; fd < LEDGER_FD + 8; fd++)
			close(fd);
		_exit(chaos_main(stream, false));
	}
	return pid;
}

/*
 * Forked before any fd above the first 64 exists, so that its children's
 * fd tables start small and grow (fork copies the table's size, and tables
 * never shrink): keeps @n fresh chaos processes alive, each for a short
 * while, until the run stops.
 */
static pid_t spawn_spawner(unsigned int n)
{
	pid_t kids[MAX_PROCS] = { 0 }, pid = fork();
	uint64_t stream = 1u << 20;

	if (pid != 0)
		return pid;
	while (!stopping()) {
		for (unsigned int i = 0; i < n; i++) {
			if (kids[i] > 0 && waitpid(kids[i], NULL, WNOHANG) == kids[i])
				kids[i] = 0;
			if (kids[i] == 0) {
				kids[i] = fork();
				if (kids[i] == 0)
					_exit(chaos_main(stream, true));
				stream++;
			}
		}
		usleep(20000);
	}
	for (unsigned int i = 0; i < n; i++) {
		if (kids[i] <= 0)
			continue;
		for (int t = 0; t < 100 && waitpid(kids[i], NULL, WNOHANG) == 0; t++)
			usleep(50000);
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	_exit(0);
}

/* Move @h to fd @at (the zx handle keeps its identity, only its name moves). */
static zx_handle_t park_fd(zx_handle_t h, int at)
{
	if (dup3((int)h, at, O_CLOEXEC) < 0) {
		perror("zxfuzz: dup3");
		exit(2);
	}
	close((int)h);
	return (zx_handle_t)at;
}

static void usage(void)
{
	fprintf(stderr, "usage: zxfuzz [-s seed] [-t seconds] [-p procs] [-T threads] "
		"[-S [-n ops]]\n");
	exit(2);
}

static int run_serial(void)
{
	struct worker w;

	rng_init(&w.r, cfg.seed, 1);
	w.buf = calloc(1, ZOO_BYTES);
	/* A call cell's server interrupts its caller with SIGUSR1. */
	install_handler(false);
	for (int i = 0; i < NCARRIERS; i++)
		pool_add(&w.r, carriers[i]);
	while (!stopping() && (!cfg.max_ops || sh->ops < cfg.max_ops))
		one_op(&w);
	return 0;
}

int main(int argc, char **argv)
{
	zx_handle_t lw, lr, cc, cs, all[4];
	pid_t chaos[MAX_PROCS], ledgers[5], spawner = -1;
	unsigned int nledgers = 0, respawns = 0, tests = 0, failed = 0;
	struct rlimit rl;
	int64_t start, end, settled;
	long base, after = -1, base_objects, objects = -1, gc_runs0, gc_collected0;
	uint64_t stream = 100;
	int opt;

	cfg.seed = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
	while ((opt = getopt(argc, argv, "s:t:p:T:n:SE")) != -1) {
		switch (opt) {
		case 'E': return 0;	/* exec'ed by op_fork: the exec was the point */
		case 's': cfg.seed = strtoull(optarg, NULL, 0); break;
		case 't': cfg.seconds = (unsigned int)atoi(optarg); break;
		case 'p': cfg.procs = (unsigned int)atoi(optarg); break;
		case 'T': cfg.threads = (unsigned int)atoi(optarg); break;
		case 'S': cfg.serial = true; break;
		case 'n': cfg.max_ops = strtoull(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (cfg.procs < 1 || cfg.procs > MAX_PROCS || cfg.threads < 1 ||
	    cfg.threads > MAX_THREADS)
		usage();
	cycles = !cfg.serial;

	printf("TAP version 13\n1..4\n");
	printf("# zxfuzz -s %" PRIu64 " -t %u -p %u -T %u%s\n", cfg.seed, cfg.seconds,
	       cfg.procs, cfg.threads, cfg.serial ? " -S" : "");
	fflush(stdout);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	zoo_init();
	signal(SIGPIPE, SIG_IGN);
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_max < LEDGER_FD + 16) {
		fprintf(stderr, "zxfuzz: needs RLIMIT_NOFILE >= %d\n", LEDGER_FD + 16);
		return 2;
	}
	base = module_refcnt();
	base_objects = zx_objects();
	gc_runs0 = read_counter(ZX_SYSFS "gc_runs");
	gc_collected0 = read_counter(ZX_SYSFS "gc_collected");
	if (base_objects < 0)
		fprintf(stderr, "zxfuzz: %sobjects does not exist (a module without the cycle "
			"collector?): only the module reference count is checked at the end\n",
			ZX_SYSFS);
	/* Orphans of killed chaos processes come to main: it waits for all. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (!cfg.serial)
		spawner = spawn_spawner(cfg.procs);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);

	for (int i = 0; i < NCARRIERS; i += 2) {
		zx_handle_t a, b;

		if (zx_channel_create(0, &a, &b) != ZX_OK)
			return 2;
		carriers[i] = park_fd(a, CARRIER_FD + i);
		carriers[i + 1] = park_fd(b, CARRIER_FD + i + 1);
	}

	start = now_ns();
	end = start + (int64_t)cfg.seconds * 1000000000;
	if (cfg.serial) {
		/* the only concurrency: a clock that ends the run */
		if (fork() == 0) {
			struct timespec ts = { cfg.seconds, 0 };

			nanosleep(&ts, NULL);
			__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
			_exit(0);
		}
		run_serial();
		wait(NULL);
	} else {
		if (zx_channel_create(0, &lw, &lr) || zx_channel_create(0, &cc, &cs))
			return 2;
		all[0] = lw = park_fd(lw, LEDGER_FD);
		all[1] = lr = park_fd(lr, LEDGER_FD + 1);
		all[2] = cc = park_fd(cc, LEDGER_FD + 2);
		all[3] = cs = park_fd(cs, LEDGER_FD + 3);
		ledgers[nledgers++] = spawn_ledger(ledger_writer, lw, all, 4);
		ledgers[nledgers++] = spawn_ledger(ledger_reader, lr, all, 4);
		ledgers[nledgers++] = spawn_ledger(ledger_client, cc, all, 4);
		ledgers[nledgers++] = spawn_ledger(ledger_server, cs, all, 4);
		ledgers[nledgers++] = spawn_ledger(ledger_cycles, 0, all, 4);
		for (int i = 0; i < 4; i++)
			close((int)all[i]);

		for (unsigned int i = 0; i < cfg.procs; i++)
			chaos[i] = spawn_chaos(stream++);
		/* SIGKILL and respawn chaos processes now and then. */
		while (now_ns() < end && !stopping()) {
			struct timespec ts = { 0, 250000000 };
			struct rng r;

			nanosleep(&ts, NULL);
			rng_init(&r, cfg.seed, stream);
			if (one_in(&r, 3)) {
				unsigned int i = rn(&r, cfg.procs);

				kill(chaos[i], SIGKILL);
				waitpid(chaos[i], NULL, 0);
				chaos[i] = spawn_chaos(stream);
				respawns++;
			}
			stream++;
		}
		__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
		for (unsigned int i = 0; i < cfg.procs; i++) {
			/* a chaos thread may sit in a 3 ms call: give them time */
			int status;

			for (int t = 0; t < 200 && waitpid(chaos[i], &status, WNOHANG) == 0; t++)
				usleep(50000);
			kill(chaos[i], SIGKILL);
			waitpid(chaos[i], NULL, 0);
		}
		waitpid(spawner, NULL, 0);
		for (unsigned int i = 0; i < nledgers; i++) {
			int status = 0;

			waitpid(ledgers[i], &status, 0);
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				fail("ledger process %u ended with status %#x", i, status);
		}
	}
	for (int i = 0; i < NCARRIERS; i++)
		close((int)carriers[i]);
	/* A serial run kept whatever it made in this very process. */
	if (cfg.serial)
		for (int fd = 3; fd < CHAOS_FDS + 512; fd++)
			close(fd);

	if (!reap_all(30))
		fail("processes of the run still alive 30 s after it ended: hung in the kernel?");
	end = now_ns();

	/*
	 * Once every process of the run has exited, every zx file and object
	 * it made must go: what the last closes left in flight is garbage for
	 * the cycle collector, which runs in a workqueue and releases through
	 * deferred fput.  Generous: the VM may be slow and a collection may be
	 * gc_interval_ms away.
	 */
	for (int i = 0; i < 600; i++) {
		after = module_refcnt();
		objects = zx_objects();
		if (after == base && objects == base_objects)
			break;
		usleep(100000);
	}
	settled = now_ns();
	tests++;
	if (sh->nfail) {
		failed++;
		printf("not ok %u - chaos and ledgers: %u check(s) failed\n", tests, sh->nfail);
		for (uint32_t i = 0; i < sh->nfail && i < NFAIL; i++)
			printf("#   %s\n", sh->fail[i].what);
	} else {
		printf("ok %u - chaos: %" PRIu64 " ops, every status one the spec allows\n", tests,
		       sh->ops);
	}
	tests++;
	if (cfg.serial) {
		printf("ok %u - ledgers # SKIP serial run\n", tests);
	} else if (!sh->nfail && sh->ledger_msgs && sh->ledger_calls) {
		printf("ok %u - ledgers: %" PRIu64 " messages none lost or duplicated, %" PRIu64
		       " calls each with its own reply, %" PRIu64 " cycles each kept while "
		       "reachable or collected once not\n", tests, sh->ledger_msgs,
		       sh->ledger_calls, sh->ledger_cycles);
	} else {
		failed++;
		printf("not ok %u - ledgers: %" PRIu64 " messages, %" PRIu64 " calls, %" PRIu64
		       " cycles\n", tests, sh->ledger_msgs, sh->ledger_calls, sh->ledger_cycles);
	}
	tests++;
	if (base >= 0 && after != base) {
		failed++;
		printf("not ok %u - module references back to baseline: %ld 60 s after the run, "
		       "was %ld before it\n", tests, after, base);
	} else {
		printf("ok %u - module references back to baseline (%ld)\n", tests, base);
	}
	tests++;
	if (base_objects < 0) {
		printf("ok %u - zx objects back to baseline # SKIP no %sobjects (module without "
		       "the cycle collector)\n", tests, ZX_SYSFS);
	} else if (objects != base_objects) {
		failed++;
		printf("not ok %u - zx objects back to baseline: %ld 60 s after the run, was %ld "
		       "before it (gc_runs %ld, gc_collected %ld)\n", tests, objects, base_objects,
		       read_counter(ZX_SYSFS "gc_runs"), read_counter(ZX_SYSFS "gc_collected"));
	} else {
		printf("ok %u - zx objects back to baseline (%ld) %.1f s after the run\n", tests,
		       base_objects, (double)(settled - end) / 1e9);
	}
	if (base_objects >= 0)
		printf("# collector: %ld walks, %ld endpoints collected during the run and after; "
		       "%ld objects, %ld handles in flight now\n",
		       read_counter(ZX_SYSFS "gc_runs") - gc_runs0,
		       read_counter(ZX_SYSFS "gc_collected") - gc_collected0, zx_objects(),
		       read_counter(ZX_SYSFS "inflight_handles"));
	printf("# %" PRIu64 " ops in %.1f s: %.0f ops/s; chaos calls %" PRIu64 " ok, %" PRIu64
	       " timed out, %" PRIu64 " other; %u respawns\n", sh->ops,
	       (double)(end - start) / 1e9, (double)sh->ops * 1e9 / (double)(end - start),
	       sh->calls_ok, sh->calls_timed_out, sh->calls_other, respawns);
	printf("# cycle cells: %" PRIu64 "; in %" PRIu64 " the survivor saw its peer closed "
	       "within 50 ms\n", sh->cycles, sh->cycles_seen);
	if (cfg.serial)
		printf("# serial trace: %" PRIu64 " ops, hash %016" PRIx64 "\n", sh->ops,
		       trace_hash);
	printf("# replay: zxfuzz -s %" PRIu64 " -S (one thread, exact)\n", cfg.seed);
	return failed ? 1 : 0;
}
