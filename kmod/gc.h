/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zx: the cycle collector (gc.c).  Above handles, below messages: the
 * message layer feeds it, the object types that hold messages embed its
 * vertices.
 */
#ifndef _ZX_GC_H
#define _ZX_GC_H

#include <linux/list.h>
#include <linux/types.h>

struct file;
struct zx_object;

/**
 * struct zx_gc_vertex - what the collector knows of an object that can
 *			 hold handles (a channel endpoint)
 * @obj:	the object; never changes
 * @edges:	the edges of this object's files: one per message slot that
 *		holds one of them while the message is held
 * @entry:	link in the graph's vertex list while @out_degree is not 0
 * @out_degree:	number of @edges
 * @in_degree:	edges held by this object (files of objects that can hold
 *		handles, in messages it holds)
 * @inflight_files: distinct files of the object with held slots
 * @stack_entry: walk: link on the walk's stack, then on the kill list
 * @parent:	walk: the vertex the walk came from
 * @next_edge:	walk: the next edge to follow
 * @index:	walk: visiting order, 0 for not visited yet
 * @lowlink:	walk: smallest index reachable (Tarjan)
 * @on_stack:	walk: on the stack, i.e. in the component being built
 * @dead:	walk: the component was found unreachable
 * @in_live_cycle: the last walk found the object in a cycle that is still
 *		reachable; read locklessly when one of its files is closed
 *
 * Everything but @obj is protected by zx_gc_lock.
 */
struct zx_gc_vertex {
	struct zx_object *obj;

	/* Protected by zx_gc_lock. */
	struct list_head edges;
	struct list_head entry;
	unsigned long out_degree;
	unsigned long in_degree;
	unsigned long inflight_files;

	/* The walk's; zx_gc_lock. */
	struct list_head stack_entry;
	struct zx_gc_vertex *parent;
	struct list_head *next_edge;
	unsigned long index;
	unsigned long lowlink;
	bool on_stack;
	bool dead;
	bool in_live_cycle;
};

/**
 * struct zx_gc_edge - one held message slot naming a file of an object
 *		       that can hold handles
 * @vertex_entry: link in the object's vertex's edges
 * @holder:	the vertex of the object holding the message
 * @file:	the file in the slot
 *
 * Lives in the message, one per handle slot; only slots naming objects
 * with a vertex are linked.  Protected by zx_gc_lock.
 */
struct zx_gc_edge {
	struct list_head vertex_entry;
	struct zx_gc_vertex *holder;
	struct file *file;
};

void zx_gc_vertex_init(struct zx_gc_vertex *v, struct zx_object *obj);
bool zx_gc_hold_locked(struct zx_gc_vertex *holder, struct file **files,
		       struct zx_gc_edge *edges, u32 n);
void zx_gc_unhold(struct file **files, struct zx_gc_edge *edges, u32 n);
bool zx_gc_watches(struct file *file);
void zx_gc_kick(void);
bool zx_gc_may_be_cyclic(void);
bool zx_gc_wait(void);
void zx_gc_exit(void);

unsigned long zx_gc_runs(void);
unsigned long zx_gc_collected(void);
u64 zx_gc_walk_ns_max(void);

#endif /* _ZX_GC_H */
