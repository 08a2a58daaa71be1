// SPDX-License-Identifier: GPL-2.0
/*
 * zx: the bounds on what one user can make the kernel hold.
 *
 * /dev/zx is open to every user, and a queued message is memory its writer
 * can no longer free (only a reader can, by reading it), holding handles
 * that keep files and objects alive outside any fd table, where
 * RLIMIT_NOFILE does not see them.  Three limits keep that bounded; each is
 * a module parameter (/sys/module/zx/parameters/), read at the moment it is
 * checked, so changing one applies to the next write:
 *
 * max_pending_messages (3500, Zircon's kMaxPendingMessageCount) and
 * max_queue_bytes (2 MiB): messages, and their memory, queued on one
 *	endpoint.  A write into a full queue fails with ZX_ERR_SHOULD_WAIT,
 *	and the writer's endpoint loses ZX_CHANNEL_WRITABLE until the queue
 *	has room for a message of any size again (see channel.c).  The byte
 *	limit also bounds how much of a writer's byte budget one reader that
 *	never reads can hold: a server replying to clients of other users
 *	risks at most this much per client, whose channel then stops being
 *	WRITABLE.
 * max_user_queued_bytes (64 MiB, as pipe-user-pages-soft): the memory of
 *	all messages a user has written that still exist -- payload, handle
 *	slots and header, rounded up as the allocator rounds them.  Over it a
 *	write fails with ZX_ERR_NO_MEMORY.  CAP_SYS_RESOURCE lifts it.
 * max_user_inflight_handles (0): handles a user has put into messages that
 *	still exist.  0 means the writer's RLIMIT_NOFILE soft limit, the rule
 *	too_many_unix_fds() applies to SCM_RIGHTS; over it a write fails with
 *	ZX_ERR_NO_RESOURCES.  CAP_SYS_RESOURCE or CAP_SYS_ADMIN lift it.
 *
 * Charges go to the real uid of the writer, the user SCM_RIGHTS charges,
 * and stay with the message: whoever destroys it (a reader, a discard, the
 * close of the endpoint) returns them to that user.
 *
 * Locking: zx_quota_lock protects membership of the hash table; lookups
 * run under RCU.  Counters are atomics; a charge adds first and takes its
 * amount back if the sum went over the limit, so concurrent writers never
 * push a user past it.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/moduleparam.h>
#include <linux/rculist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "limits.h"

/*
 * An unsigned int parameter with a range: kp->arg points to the struct,
 * whose first member is the value param_set_uint_minmax() and
 * param_get_uint() work on.
 */
static int zx_param_set_uint_range(const char *val,
				   const struct kernel_param *kp)
{
	const struct zx_uint_param *p = kp->arg;

	BUILD_BUG_ON(offsetof(struct zx_uint_param, val) != 0);
	return param_set_uint_minmax(val, kp, p->min, p->max);
}

const struct kernel_param_ops zx_uint_range_ops = {
	.set = zx_param_set_uint_range,
	.get = param_get_uint,
};

static struct zx_uint_param max_pending_messages = {
	.val = 3500, .min = 1, .max = INT_MAX,
};
module_param_cb(max_pending_messages, &zx_uint_range_ops,
		&max_pending_messages, 0644);
MODULE_PARM_DESC(max_pending_messages,
		 "Messages one endpoint may have queued (default 3500)");

static unsigned long max_queue_bytes = 2UL << 20;
module_param(max_queue_bytes, ulong, 0644);
MODULE_PARM_DESC(max_queue_bytes,
		 "Bytes of messages one endpoint may have queued (default 2 MiB)");

static unsigned long max_user_queued_bytes = 64UL << 20;
module_param(max_user_queued_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_queued_bytes,
		 "Bytes of messages one user may have queued (default 64 MiB)");

static unsigned int max_user_inflight_handles;
module_param(max_user_inflight_handles, uint, 0644);
MODULE_PARM_DESC(max_user_inflight_handles,
		 "Handles one user may have in messages (default 0: the writer's RLIMIT_NOFILE)");

/**
 * struct zx_quota - what one user has in messages
 * @node:	entry in zx_quotas, under zx_quota_lock
 * @rcu:	frees the entry after RCU readers are done with it
 * @uid:	the user
 * @refs:	one per message charged to the user
 * @bytes:	memory of those messages
 * @handles:	handles in those messages
 */
struct zx_quota {
	struct hlist_node node;
	struct rcu_head rcu;
	kuid_t uid;
	refcount_t refs;
	atomic_long_t bytes;
	atomic_long_t handles;
};

/* Handles in messages that exist, every user's: for tests and statistics. */
static atomic_long_t zx_inflight_handles = ATOMIC_LONG_INIT(0);

static DEFINE_HASHTABLE(zx_quotas, 6);
static DEFINE_SPINLOCK(zx_quota_lock);

/**
 * zx_max_pending_messages() - the current per-endpoint message limit
 */
unsigned int zx_max_pending_messages(void)
{
	return READ_ONCE(max_pending_messages.val);
}

/**
 * zx_max_queue_bytes() - the current per-endpoint byte limit
 */
unsigned long zx_max_queue_bytes(void)
{
	return READ_ONCE(max_queue_bytes);
}

/* A reference to @uid's entry, if it has one that is not going away. */
static struct zx_quota *zx_quota_find(kuid_t uid)
{
	struct zx_quota *q, *found = NULL;

	rcu_read_lock();
	hash_for_each_possible_rcu(zx_quotas, q, node, __kuid_val(uid)) {
		if (uid_eq(q->uid, uid) && refcount_inc_not_zero(&q->refs)) {
			found = q;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/* The calling user's entry, created on first use; NULL without memory. */
static struct zx_quota *zx_quota_get(void)
{
	kuid_t uid = current_uid();
	struct zx_quota *q, *fresh;

	q = zx_quota_find(uid);
	if (q)
		return q;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return NULL;
	fresh->uid = uid;
	refcount_set(&fresh->refs, 1);

	/* An entry whose count reached 0 is unhashed under this lock. */
	spin_lock(&zx_quota_lock);
	q = zx_quota_find(uid);
	if (!q) {
		hash_add_rcu(zx_quotas, &fresh->node, __kuid_val(uid));
		q = fresh;
		fresh = NULL;
	}
	spin_unlock(&zx_quota_lock);
	kfree(fresh);
	return q;
}

static void zx_quota_put(struct zx_quota *q)
{
	if (refcount_dec_not_one(&q->refs))
		return;
	/* Reaching 0 and leaving the table happen under the lock. */
	spin_lock(&zx_quota_lock);
	if (!refcount_dec_and_test(&q->refs)) {
		spin_unlock(&zx_quota_lock);
		return;
	}
	hash_del_rcu(&q->node);
	spin_unlock(&zx_quota_lock);
	kfree_rcu(q, rcu);
}

static bool zx_may_exceed_bytes(void)
{
	return capable(CAP_SYS_RESOURCE);
}

static bool zx_may_exceed_handles(void)
{
	return capable(CAP_SYS_RESOURCE) || capable(CAP_SYS_ADMIN);
}

/*
 * Add @n to @counter unless the sum exceeds @limit for a caller that may
 * not exceed it.  The capability is only asked for when it matters, so
 * that audit logs show no checks for writes within the limits.
 */
static bool zx_quota_add(atomic_long_t *counter, unsigned long n,
			 unsigned long limit, bool (*may_exceed)(void))
{
	if ((unsigned long)atomic_long_add_return(n, counter) <= limit ||
	    may_exceed())
		return true;
	atomic_long_sub(n, counter);
	return false;
}

/**
 * zx_quota_charge() - charge a new message to the calling user
 * @bytes:	the memory the message takes
 * @handles:	the handles it will carry
 *
 * Return: the user's quota, holding one reference for the message (give
 * both back with zx_quota_uncharge()), or ERR_PTR(-ENOMEM) if the bytes
 * would exceed max_user_queued_bytes (or no memory), ERR_PTR(-EMFILE) if
 * the handles would exceed the in-flight limit.
 */
struct zx_quota *zx_quota_charge(size_t bytes, u32 handles)
{
	unsigned long handle_limit = READ_ONCE(max_user_inflight_handles);
	struct zx_quota *q = zx_quota_get();

	if (!q)
		return ERR_PTR(-ENOMEM);
	if (!zx_quota_add(&q->bytes, bytes, READ_ONCE(max_user_queued_bytes),
			  zx_may_exceed_bytes)) {
		zx_quota_put(q);
		return ERR_PTR(-ENOMEM);
	}
	if (!handle_limit)
		handle_limit = rlimit(RLIMIT_NOFILE);
	if (handles && !zx_quota_add(&q->handles, handles, handle_limit,
				     zx_may_exceed_handles)) {
		atomic_long_sub(bytes, &q->bytes);
		zx_quota_put(q);
		return ERR_PTR(-EMFILE);
	}
	atomic_long_add(handles, &zx_inflight_handles);
	return q;
}

/**
 * zx_quota_uncharge() - give back what zx_quota_charge() took
 * @q:		the quota it returned
 * @bytes:	the same byte count
 * @handles:	the same handle count
 */
void zx_quota_uncharge(struct zx_quota *q, size_t bytes, u32 handles)
{
	atomic_long_sub(bytes, &q->bytes);
	atomic_long_sub(handles, &q->handles);
	atomic_long_sub(handles, &zx_inflight_handles);
	zx_quota_put(q);
}

/**
 * zx_inflight_handle_count() - handles in messages that exist, all users
 */
long zx_inflight_handle_count(void)
{
	return atomic_long_read(&zx_inflight_handles);
}
