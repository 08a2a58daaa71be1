// SPDX-License-Identifier: GPL-2.0
/*
 * zx: the cycle collector -- frees channel endpoints that nothing but
 * unreadable messages keeps alive.
 *
 * Channels carry channel handles, so an endpoint can end up referenced only
 * by messages queued on endpoints that are themselves referenced only by
 * messages: b written into its own queue, or d queued on y and y on d.
 * Nobody can read those queues any more, yet every message holds its files,
 * so without a collector they would stay (with the module) until reboot.
 * AF_UNIX has the same problem with SCM_RIGHTS; this follows the graph
 * design net/unix/garbage.c has had since Linux 6.10, with one difference
 * in the verdict (below).
 *
 * The graph
 *
 *   A message is "held" by an endpoint while it sits in that endpoint's
 *   queue or in one of its call waiters (a reply to a call made through
 *   it): the only ways to get a message out are reading that endpoint and
 *   finishing a call made through it, and both need a handle to it.  A
 *   message in any other state (being built, being read, being destroyed)
 *   belongs to the thread working on it and is not held.
 *
 *   A vertex (struct zx_gc_vertex, embedded in every object that can hold
 *   handles: today channel endpoints) is in the graph while some held
 *   message slot names one of its files.  An edge (struct zx_gc_edge, one
 *   per handle slot, inside the message) goes from the vertex whose file
 *   the slot names to the vertex of the endpoint holding the message: "is
 *   reachable through".  Objects that cannot hold handles (events,
 *   eventpairs) are leaves: they have no vertex and no edge, and are
 *   closed when the message carrying them is destroyed.
 *
 *   A vertex is externally referenced unless every reference to every one
 *   of its files is a held slot: handle_count == inflight_files and, for
 *   each file, file_count() == the file's held slots (zx_handle.inflight).
 *   An fd, a thread inside an ioctl, a message being built or read, a unix
 *   socket carrying the file: all show as a higher file count.
 *
 * The verdict
 *
 *   An endpoint is garbage iff it is not externally referenced and every
 *   endpoint holding one of its files is garbage.  A walk finds the
 *   strongly connected components with Tarjan's algorithm (iteratively:
 *   a vertex remembers its parent and its next edge, so a 100,000-long
 *   ring needs no stack), which completes components in reverse
 *   topological order: when a component is complete, every component its
 *   edges lead to has its verdict.  So one walk settles every component,
 *   including chains hanging off a dead cycle -- where 6.10's check, which
 *   wants every holder inside the same component, leaves a component
 *   held by another dead component to a later run.
 *
 * Why nothing can revive garbage (CVE-2021-0920, CVE-2024-26923)
 *
 *   Both AF_UNIX bugs were a new reference to an in-flight file taken
 *   without synchronising with the collector: MSG_PEEK installing a copy
 *   while the collector counted, and a connect() queueing to an embryo the
 *   collector had judged.  Here:
 *
 *   - zx_gc_lock is held for the whole walk, and every change to the graph
 *     (a message becoming held or unheld) takes it.  A file whose every
 *     reference is a held slot can gain a reference only by its message
 *     leaving the holder -- read (dequeue, then install), MAY_DISCARD, a
 *     call taking its reply, the holder closing, the reaper -- and each of
 *     those unholds under zx_gc_lock, in the same channel-lock section
 *     that takes the message out.  There is no peek: nothing copies a
 *     file out of a message that stays held.  The fds a reader reserves
 *     while the message is still queued are just numbers.
 *   - Every other new reference (dup, fork, SCM_RIGHTS, /proc, a thread
 *     entering an ioctl) needs an existing reference that is not a held
 *     slot, which already makes the vertex externally referenced.
 *     References dropped during a walk make vertices look more alive than
 *     they are, never less: a verdict of garbage is true at the end of the
 *     walk and stays true.
 *   - The verdict reads each file's count before the object's file count
 *     (zx_gc_unreferenced_locked()): a handle replaced or re-righted
 *     during the walk moves its outside reference to a new file, which
 *     the count then includes.
 *   - The collector frees garbage by destroying what it holds (queue,
 *     replies kept for parked calls), taken as a whole under the channel
 *     lock every writer takes; the files in those messages were the only
 *     references to the garbage, so their release closes each endpoint
 *     through the normal last close.  A message a live peer queues in
 *     between is destroyed by that close, as for any endpoint that closes.
 *     The collector never closes an endpoint or frees a call waiter
 *     itself, so even a wrong verdict would lose messages, not free
 *     memory in use.  It holds a memory reference to each endpoint it
 *     judged until it has purged it.
 *
 * When it runs
 *
 *   Always in a work item, never in the caller's system call:
 *   - when a hold may have closed a cycle: the slot's vertex holds
 *     messages with vertices in them and the holder is itself in flight
 *     (or is the vertex itself) -- the last edge of a new cycle is always
 *     such an edge;
 *   - when a file of an in-flight vertex the last walk found in a live
 *     cycle is closed (close(2), exit, release: zx_gc_watches(), asked by
 *     the handle files' ->flush and ->release);
 *   - when a message with handles of vertices is destroyed (its holder
 *     closed, MAY_DISCARD, a read that faulted) while the graph may be
 *     cyclic: it may have held the last link from a root to a cycle;
 *   - when ZX_GC_TRIGGER more slots are held than at the last walk while
 *     it may be cyclic;
 *   - every gc_interval_ms while a walk left live cycles behind: a
 *     reference dropped without a close (a thread leaving an ioctl, a unix
 *     socket's message destroyed) has no other trigger, and close(2) runs
 *     ->flush before it drops the fd's reference, so a walk kicked from
 *     there can still count it; either way the next look finds it.
 *   "May be cyclic" is set by the first trigger and cleared by a walk that
 *   found no live cycle; without it nothing can be garbage and nothing
 *   runs.  A kicked run starts four times as long after the last walk as
 *   that walk took (a jiffy at least), so kicking in a loop keeps the
 *   collector walking a fifth of the time at most.
 *
 *   A writer whose user ran out of in-flight quota waits for a pending or
 *   running collection before it fails (zx_gc_wait()), the counterpart of
 *   wait_for_unix_gc(): a user making garbage faster than the collector
 *   frees it is slowed down, not refused.
 *
 *   The walk holds zx_gc_lock for time proportional to the endpoints in
 *   flight (about 3.4 us each in the TCG test VM: 340 ms for 100,000).
 *   Only writes and reads of messages carrying channel handles wait for
 *   it meanwhile.
 *
 * Locking
 *
 *   zx_gc_lock (spinlock) protects the graph: every vertex's fields, every
 *   edge, zx_handle.inflight, the vertex list and zx_gc_maybe_cyclic.
 *   Lock order: channel->lock -> zx_gc_lock (messages are held and unheld
 *   under the holder's channel lock).  The walk takes no other lock and
 *   allocates nothing; the kill phase runs without zx_gc_lock.  The walk's
 *   fields and the kill list are the collector's alone; the work item
 *   never runs twice at once.
 */

#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "gc.h"
#include "handle.h"
#include "limits.h"
#include "object.h"

/* Held slots added since the last walk that make a cyclic graph walked. */
#define ZX_GC_TRIGGER	16000

static struct zx_uint_param gc_interval_ms = {
	.val = 5000, .min = 100, .max = 600000,
};
module_param_cb(gc_interval_ms, &zx_uint_range_ops, &gc_interval_ms, 0644);
MODULE_PARM_DESC(gc_interval_ms,
		 "While live cycles of channels exist, how often (ms) the collector looks at them again (default 5000)");

static DEFINE_SPINLOCK(zx_gc_lock);

/* Protected by zx_gc_lock; zx_gc_maybe_cyclic also read locklessly. */
static LIST_HEAD(zx_gc_graph);
static unsigned long zx_gc_held_slots;
static unsigned long zx_gc_held_slots_walked;
static bool zx_gc_maybe_cyclic;

/*
 * How long a kicked run waits, in jiffies: four times as long as the last
 * walk took, so that whoever keeps kicking cannot keep the collector
 * walking (and zx_gc_lock taken) more than a fifth of the time.
 */
static unsigned long zx_gc_backoff;

/* Statistics, for tests and the curious (sysfs, see main.c). */
static atomic_long_t zx_gc_runs_total = ATOMIC_LONG_INIT(0);
static atomic_long_t zx_gc_collected_total = ATOMIC_LONG_INIT(0);
static atomic64_t zx_gc_walk_ns_longest = ATOMIC64_INIT(0);

/* A run was asked for and has not started (bit 0 of zx_gc_flags). */
#define ZX_GC_KICKED	0

static unsigned long zx_gc_flags;

/*
 * Runs started and finished: odd while one runs.  zx_gc_wait() sleeps on
 * zx_gc_done_wq until the run it waits for has finished.
 */
static unsigned long zx_gc_seq;
static DECLARE_WAIT_QUEUE_HEAD(zx_gc_done_wq);

/* The collector's own thread while it runs: its frees kick nothing. */
static struct task_struct *zx_gc_task;

static void zx_gc_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(zx_gc_work, zx_gc_work_fn);

/**
 * zx_gc_kick() - ask for a collection soon, in the collector's work item
 */
void zx_gc_kick(void)
{
	if (current == READ_ONCE(zx_gc_task))
		return;
	if (test_and_set_bit(ZX_GC_KICKED, &zx_gc_flags))
		return;
	mod_delayed_work(system_unbound_wq, &zx_gc_work,
			 READ_ONCE(zx_gc_backoff));
}

/**
 * zx_gc_vertex_init() - set up the vertex of a new object that can hold
 *			 handles
 * @v:		the vertex, inside the object
 * @obj:	the object
 */
void zx_gc_vertex_init(struct zx_gc_vertex *v, struct zx_object *obj)
{
	v->obj = obj;
	INIT_LIST_HEAD(&v->edges);
	INIT_LIST_HEAD(&v->entry);
	INIT_LIST_HEAD(&v->stack_entry);
	obj->gc = v;
}

static struct zx_gc_vertex *zx_gc_vertex_of(struct file *file)
{
	struct zx_handle *h = file ? file->private_data : NULL;

	return h ? h->obj->gc : NULL;
}

static void zx_gc_link_locked(struct zx_gc_vertex *holder,
			      struct zx_gc_vertex *v, struct zx_gc_edge *e,
			      struct file *file)
{
	struct zx_handle *h;

	lockdep_assert_held(&zx_gc_lock);
	h = file->private_data;
	e->holder = holder;
	e->file = file;
	list_add_tail(&e->vertex_entry, &v->edges);
	if (!v->out_degree)
		list_add_tail(&v->entry, &zx_gc_graph);
	/* Read locklessly by zx_gc_watches(). */
	WRITE_ONCE(v->out_degree, v->out_degree + 1);
	if (!h->inflight++)
		v->inflight_files++;
	holder->in_degree++;
	zx_gc_held_slots++;
}

static void zx_gc_unlink_locked(struct zx_gc_edge *e)
{
	struct zx_handle *h;
	struct zx_gc_vertex *v;

	lockdep_assert_held(&zx_gc_lock);
	h = e->file->private_data;
	v = h->obj->gc;
	list_del(&e->vertex_entry);
	WRITE_ONCE(v->out_degree, v->out_degree - 1);
	if (!v->out_degree)
		list_del_init(&v->entry);
	if (!--h->inflight)
		v->inflight_files--;
	e->holder->in_degree--;
	e->holder = NULL;
	zx_gc_held_slots--;
}

/**
 * zx_gc_hold_locked() - a message became held by an endpoint
 * @holder:	the vertex of the endpoint that holds it now
 * @files:	the message's handle slots
 * @edges:	the message's edges, one per slot, unlinked
 * @n:		number of slots
 *
 * Caller holds the holder's channel lock.  Slots of objects that cannot
 * hold handles are left out of the graph.
 *
 * Return: whether any slot was linked (zx_gc_unhold() must follow).
 */
bool zx_gc_hold_locked(struct zx_gc_vertex *holder, struct file **files,
		       struct zx_gc_edge *edges, u32 n)
{
	bool kick = false, linked = false;
	u32 i;

	lockdep_assert_held(holder->obj->lock);
	for (i = 0; i < n && !zx_gc_vertex_of(files[i]); i++)
		;
	if (i == n)
		return false;

	spin_lock(&zx_gc_lock);
	for (; i < n; i++) {
		struct zx_gc_vertex *v = zx_gc_vertex_of(files[i]);

		if (v) {
			zx_gc_link_locked(holder, v, &edges[i], files[i]);
			linked = true;
		}
	}
	/* Checked once every edge is in, so that b carried in b counts. */
	for (i = 0; i < n; i++) {
		struct zx_gc_vertex *v = zx_gc_vertex_of(files[i]);

		if (v && (v == holder || (v->in_degree && holder->out_degree)))
			kick = true;
	}
	if (kick)
		WRITE_ONCE(zx_gc_maybe_cyclic, true);
	else if (zx_gc_maybe_cyclic &&
		 zx_gc_held_slots > zx_gc_held_slots_walked + ZX_GC_TRIGGER)
		kick = true;
	spin_unlock(&zx_gc_lock);

	if (kick)
		zx_gc_kick();
	return linked;
}

/**
 * zx_gc_unhold() - a held message left its holder
 * @files:	the message's handle slots
 * @edges:	its edges, as zx_gc_hold_locked() linked them
 * @n:		number of slots
 *
 * Called under the holder's channel lock when the message is taken out
 * (read, discarded, a reply taken by its call), or without it when the
 * message is destroyed off any queue.
 */
void zx_gc_unhold(struct file **files, struct zx_gc_edge *edges, u32 n)
{
	u32 i;

	spin_lock(&zx_gc_lock);
	for (i = 0; i < n; i++) {
		if (edges[i].holder)
			zx_gc_unlink_locked(&edges[i]);
	}
	spin_unlock(&zx_gc_lock);
}

/**
 * zx_gc_may_be_cyclic() - could anything be garbage?
 *
 * False until a hold that may close a cycle, and again after a walk that
 * found no live cycle.
 */
bool zx_gc_may_be_cyclic(void)
{
	return READ_ONCE(zx_gc_maybe_cyclic);
}

/**
 * zx_gc_watches() - is a close of @file a reason to look for garbage?
 * @file: a handle's file about to be closed or released
 *
 * True if the file's object is in flight and was found in a live cycle by
 * the last walk: this may be the last reference that kept the cycle
 * reachable.  (A cycle formed since then was walked because of the hold
 * that closed it; a reference dropped on an endpoint outside every cycle
 * makes nothing unreachable that was not already.)  The caller calls
 * zx_gc_kick() once the reference is gone.
 */
bool zx_gc_watches(struct file *file)
{
	struct zx_gc_vertex *v = zx_gc_vertex_of(file);

	return v && READ_ONCE(zx_gc_maybe_cyclic) &&
		READ_ONCE(v->out_degree) && READ_ONCE(v->in_live_cycle);
}

/**
 * zx_gc_wait() - wait for a collection that was asked for or is running
 *
 * For a writer that ran out of quota: garbage it made may be about to be
 * freed.  Waits for the run at its time rather than starting it early, so
 * that writers cannot make the collector walk more often than its
 * backoff allows.  Must be called without locks.
 *
 * Return: whether there was a collection to wait for.
 */
bool zx_gc_wait(void)
{
	bool kicked = test_bit(ZX_GC_KICKED, &zx_gc_flags);
	unsigned long seq, need;

	/* Pairs with the smp_wmb() in zx_gc_work_fn(). */
	smp_rmb();
	seq = READ_ONCE(zx_gc_seq);
	/* A run in progress ends the wait; else the kicked one, once done. */
	if (seq & 1)
		need = 1;
	else if (kicked)
		need = 2;
	else
		return false;
	wait_event_killable(zx_gc_done_wq, READ_ONCE(zx_gc_seq) - seq >= need);
	return true;
}

/*
 * Not externally referenced: every reference to every file of @v is a held
 * slot.  A file being released still counts in handle_count, which only
 * errs towards "referenced".
 */
static bool zx_gc_unreferenced_locked(struct zx_gc_vertex *v)
{
	struct zx_gc_edge *e;

	lockdep_assert_held(&zx_gc_lock);
	list_for_each_entry(e, &v->edges, vertex_entry) {
		struct zx_handle *h = e->file->private_data;

		if (file_count(e->file) != h->inflight)
			return false;
	}
	/*
	 * Only now the count of files: a new file of @v (replace, write_etc
	 * with new rights) is made while its maker holds an outside
	 * reference to another file of @v, and that reference is dropped
	 * (fully ordered) after handle_count went up.  Seen gone above means
	 * counted here; read the other way round, the outside reference
	 * could move to a file this walk has not counted.
	 */
	smp_rmb();
	return atomic_read(&v->obj->handle_count) == v->inflight_files;
}

/*
 * A component is complete, @root the first of it the walk visited; its
 * members are on top of @stack.  Every edge leaving it leads to a
 * component that has its verdict (Tarjan completes components in reverse
 * topological order) or to a holder outside the graph, which is
 * referenced.  Garbage goes to @kill with a memory reference each.
 *
 * Return: whether the component is a live cycle.
 */
static bool zx_gc_judge_locked(struct zx_gc_vertex *root,
			       struct list_head *stack, struct list_head *kill)
{
	struct zx_gc_vertex *v, *tmp;
	bool dead = true, cyclic = false;
	LIST_HEAD(members);

	lockdep_assert_held(&zx_gc_lock);
	do {
		v = list_first_entry(stack, struct zx_gc_vertex, stack_entry);
		list_move(&v->stack_entry, &members);
	} while (v != root);

	list_for_each_entry(v, &members, stack_entry) {
		struct zx_gc_edge *e;

		if (dead && !zx_gc_unreferenced_locked(v))
			dead = false;
		list_for_each_entry(e, &v->edges, vertex_entry) {
			struct zx_gc_vertex *w = e->holder;

			/* Test out_degree first: walk fields are stale outside. */
			if (!w->out_degree)
				dead = false;
			else if (w->on_stack)
				cyclic = true;
			else if (!w->dead)
				dead = false;
		}
	}

	list_for_each_entry_safe(v, tmp, &members, stack_entry) {
		v->on_stack = false;
		v->dead = dead;
		WRITE_ONCE(v->in_live_cycle, !dead && cyclic);
		if (dead) {
			zx_object_get(v->obj);
			list_move_tail(&v->stack_entry, kill);
		} else {
			list_del_init(&v->stack_entry);
		}
	}
	return !dead && cyclic;
}

static void zx_gc_visit_locked(struct zx_gc_vertex *v, unsigned long *index,
			       struct list_head *stack)
{
	lockdep_assert_held(&zx_gc_lock);
	v->index = ++*index;
	v->lowlink = v->index;
	v->on_stack = true;
	v->next_edge = v->edges.next;
	list_add(&v->stack_entry, stack);
}

/* Tarjan's algorithm from @root, without recursion. */
static bool zx_gc_walk_from_locked(struct zx_gc_vertex *root,
				   unsigned long *index, struct list_head *kill)
{
	struct zx_gc_vertex *v = root, *w;
	bool live_cycles = false;
	LIST_HEAD(stack);

	lockdep_assert_held(&zx_gc_lock);
	root->parent = NULL;
	zx_gc_visit_locked(root, index, &stack);
	while (v) {
		if (v->next_edge != &v->edges) {
			struct zx_gc_edge *e = list_entry(v->next_edge,
							  struct zx_gc_edge,
							  vertex_entry);

			v->next_edge = v->next_edge->next;
			w = e->holder;
			if (!w->out_degree)
				continue;	/* referenced: a root */
			if (!w->index) {
				w->parent = v;
				zx_gc_visit_locked(w, index, &stack);
				v = w;
			} else if (w->on_stack) {
				v->lowlink = min(v->lowlink, w->index);
			}
			continue;
		}
		if (v->lowlink == v->index &&
		    zx_gc_judge_locked(v, &stack, kill))
			live_cycles = true;
		w = v;
		v = v->parent;
		if (v)
			v->lowlink = min(v->lowlink, w->lowlink);
	}
	return live_cycles;
}

/* Return: whether live cycles remain. */
static bool zx_gc_walk_locked(struct list_head *kill)
{
	struct zx_gc_vertex *v;
	unsigned long index = 0;
	bool live_cycles = false;

	lockdep_assert_held(&zx_gc_lock);
	list_for_each_entry(v, &zx_gc_graph, entry) {
		v->index = 0;
		v->on_stack = false;
		v->dead = false;
	}
	list_for_each_entry(v, &zx_gc_graph, entry) {
		if (!v->index && zx_gc_walk_from_locked(v, &index, kill))
			live_cycles = true;
	}
	return live_cycles;
}

/*
 * Free the garbage: destroy every message it holds.  Those messages hold
 * every reference to its files, so their release then closes each
 * endpoint the normal way (peers see PEER_CLOSED).  Only what the garbage
 * holds is destroyed: even a wrong verdict could not free anything a live
 * thread is using, only lose messages.
 */
static void zx_gc_kill(struct list_head *kill)
{
	struct zx_gc_vertex *v, *tmp;
	long n = 0;

	list_for_each_entry_safe(v, tmp, kill, stack_entry) {
		struct zx_object *obj = v->obj;

		list_del_init(&v->stack_entry);
		obj->ops->purge_held(obj);
		zx_object_put(obj);
		n++;
		cond_resched();
	}
	if (n)
		atomic_long_add(n, &zx_gc_collected_total);
}

static void zx_gc_work_fn(struct work_struct *work)
{
	bool walked = false, live_cycles = false;
	LIST_HEAD(kill);
	u64 start, ns = 0;

	WRITE_ONCE(zx_gc_task, current);
	WRITE_ONCE(zx_gc_seq, zx_gc_seq + 1);
	/* A waiter that sees KICKED clear sees this run as started. */
	smp_wmb();
	clear_bit(ZX_GC_KICKED, &zx_gc_flags);
	/* Order the clear before the walk reads what kickers changed. */
	smp_mb__after_atomic();

	spin_lock(&zx_gc_lock);
	if (zx_gc_maybe_cyclic) {
		start = ktime_get_ns();
		live_cycles = zx_gc_walk_locked(&kill);
		ns = ktime_get_ns() - start;
		WRITE_ONCE(zx_gc_maybe_cyclic, live_cycles);
		zx_gc_held_slots_walked = zx_gc_held_slots;
		walked = true;
	}
	spin_unlock(&zx_gc_lock);

	if (walked) {
		/* At least a jiffy, four times the walk: 20 % of a CPU at most. */
		WRITE_ONCE(zx_gc_backoff, nsecs_to_jiffies(4 * ns) + 1);
		atomic_long_inc(&zx_gc_runs_total);
		if (ns > atomic64_read(&zx_gc_walk_ns_longest))
			atomic64_set(&zx_gc_walk_ns_longest, ns);
	}
	zx_gc_kill(&kill);

	WRITE_ONCE(zx_gc_task, NULL);
	WRITE_ONCE(zx_gc_seq, zx_gc_seq + 1);
	wake_up_all(&zx_gc_done_wq);
	if (live_cycles)
		queue_delayed_work(system_unbound_wq, &zx_gc_work,
				   msecs_to_jiffies(READ_ONCE(gc_interval_ms.val)));
}

/**
 * zx_gc_exit() - stop the collector; at module unload
 *
 * No file of the module is left, so no message and no vertex: only a
 * queued run can remain.
 */
void zx_gc_exit(void)
{
	cancel_delayed_work_sync(&zx_gc_work);
	WARN_ON_ONCE(!list_empty(&zx_gc_graph));
}

/**
 * zx_gc_runs() - walks done since the module was loaded
 */
unsigned long zx_gc_runs(void)
{
	return atomic_long_read(&zx_gc_runs_total);
}

/**
 * zx_gc_collected() - endpoints whose held messages the collector destroyed
 */
unsigned long zx_gc_collected(void)
{
	return atomic_long_read(&zx_gc_collected_total);
}

/**
 * zx_gc_walk_ns_max() - the longest a walk held zx_gc_lock, in ns
 */
u64 zx_gc_walk_ns_max(void)
{
	return atomic64_read(&zx_gc_walk_ns_longest);
}
