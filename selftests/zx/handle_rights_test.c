// SPDX-License-Identifier: GPL-2.0
/*
 * Rights live on the handle: default rights per object type, TRANSFER to
 * send, READ / WRITE / WAIT / INSPECT / SIGNAL / SIGNAL_PEER enforced on
 * every handle however it was obtained (created, duplicated, replaced,
 * received through a channel with reduced rights), zx_handle_duplicate
 * needing DUPLICATE, zx_handle_replace's rights rules, and rights
 * travelling with a handle through channels.
 */
#include "zx_handle_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define R	ZX_CHANNEL_READABLE
#define PC	ZX_CHANNEL_PEER_CLOSED


FIXTURE(rights) {
	zx_handle_t h0, h1;
	long base;
};

FIXTURE_SETUP(rights)
{
	self->base = zxt_leak_begin(_metadata);
	zxt_channel(_metadata, &self->h0, &self->h1);
}

FIXTURE_TEARDOWN(rights)
{
	zxt_leak_end(_metadata, self->base);
}

/* Send @h (consumed) through the fixture's channel with @rights; return the received handle. */
static zx_handle_t pass_with_rights(struct __test_metadata *_metadata,
				    FIXTURE_DATA(rights) *self, zx_handle_t h,
				    zx_rights_t rights)
{
	zx_handle_disposition_t d = {
		.operation = ZX_HANDLE_OP_MOVE, .handle = h, .rights = rights,
	};
	zx_handle_info_t info;
	uint32_t ah = 0;

	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, NULL, &info, 0, 1, NULL, &ah));
	ASSERT_EQ(1u, ah);
	ASSERT_EQ(rights == ZX_RIGHT_SAME_RIGHTS ? info.rights : rights, info.rights);
	return info.handle;
}

TEST_F(rights, default_rights_per_type)
{
	zx_handle_t ev = zxt_event(_metadata), ep0, ep1;

	zxt_eventpair(_metadata, &ep0, &ep1);
	EXPECT_EQ(0xF00Eu, ZX_DEFAULT_CHANNEL_RIGHTS);
	EXPECT_EQ(0xD003u, ZX_DEFAULT_EVENT_RIGHTS);
	EXPECT_EQ(0xF003u, ZX_DEFAULT_EVENTPAIR_RIGHTS);
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, zxt_rights(_metadata, self->h0));
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, zxt_rights(_metadata, self->h1));
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, ev));
	EXPECT_EQ(ZX_DEFAULT_EVENTPAIR_RIGHTS, zxt_rights(_metadata, ep0));
	EXPECT_EQ(ZX_DEFAULT_EVENTPAIR_RIGHTS, zxt_rights(_metadata, ep1));
}

TEST_F(rights, transfer_right_needed_to_send)
{
	zx_handle_t c0, c1, nt, keep = zxt_event(_metadata), x;
	zx_handle_disposition_t d;

	/* a channel end without TRANSFER: plain write fails and consumes it */
	zxt_channel(_metadata, &c0, &c1);
	nt = zxt_replace(_metadata, c1, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_TRANSFER);
	/* the handle is otherwise fully usable */
	ASSERT_EQ(ZX_OK, zxt_write_u32(nt, 5));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(self->h0, 0, NULL, 0, &nt, 1));
	EXPECT_GONE(nt);
	EXPECT_EQ(R | PC, SIGNALS(c0));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* write_etc MOVE: the same */
	x = zxt_replace(_metadata, zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS),
			ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT);
	d = (zx_handle_disposition_t){ .operation = ZX_HANDLE_OP_MOVE, .handle = x,
				       .rights = ZX_RIGHT_SAME_RIGHTS };
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, d.result);
	EXPECT_GONE(x);

	/* write_etc DUPLICATE: denied too, even with the DUPLICATE right; source kept */
	x = zxt_replace(_metadata, zxt_dup(_metadata, keep, ZX_RIGHT_SAME_RIGHTS),
			ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT);
	d = (zx_handle_disposition_t){ .operation = ZX_HANDLE_OP_DUPLICATE, .handle = x,
				       .rights = ZX_RIGHT_SAME_RIGHTS };
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	EXPECT_ALIVE(x);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));
	ASSERT_NOTHING_QUEUED(self->h1);

	/* the DUPLICATE right alone still lets it be duplicated locally */
	zx_handle_t y = zxt_dup(_metadata, x, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_RIGHT_DUPLICATE | ZX_RIGHT_WAIT, zxt_rights(_metadata, y));
}

/* A handle received without TRANSFER cannot be passed on. */
TEST_F(rights, received_without_transfer_cannot_forward)
{
	zx_handle_t c0, c1, r, f0, f1;

	zxt_channel(_metadata, &c0, &c1);
	zxt_channel(_metadata, &f0, &f1);
	r = pass_with_rights(_metadata, self, c1, ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_WAIT);
	EXPECT_EQ(ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_WAIT, zxt_rights(_metadata, r));
	ASSERT_EQ(ZX_OK, zxt_write_u32(r, 1));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(f0, 0, NULL, 0, &r, 1));
	EXPECT_GONE(r);
	EXPECT_EQ(R | PC, SIGNALS(c0));
	ASSERT_NOTHING_QUEUED(f1);
}

TEST_F(rights, read_and_write_rights_enforced)
{
	zx_handle_t c0, c1, ro, wo, a0, a1;
	uint32_t v = 0;

	zxt_channel(_metadata, &c0, &c1);
	zxt_channel(_metadata, &a0, &a1);
	ro = pass_with_rights(_metadata, self, c1, ZX_RIGHT_READ | ZX_RIGHT_WAIT);
	wo = pass_with_rights(_metadata, self, a1, ZX_RIGHT_WRITE | ZX_RIGHT_WAIT);

	ASSERT_EQ(ZX_OK, zxt_write_u32(c0, 7));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zxt_write_u32(ro, 1));
	EXPECT_EQ(ZX_OK, zx_channel_read(ro, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(7u, v);
	ASSERT_NOTHING_QUEUED(c0);

	ASSERT_EQ(ZX_OK, zxt_write_u32(a0, 8));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_read(wo, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_read_etc(wo, 0, &v, NULL, sizeof(v), 0, NULL, NULL));
	/* the denied read left the message queued */
	EXPECT_EQ(W | R, SIGNALS(wo));
	EXPECT_EQ(ZX_OK, zxt_write_u32(wo, 9));
	EXPECT_EQ(ZX_OK, zxt_read_u32(a0, &v, ZX_TIME_INFINITE_PAST));
	EXPECT_EQ(9u, v);
}

TEST_F(rights, wait_right_enforced)
{
	zx_handle_t c0, c1, nw, ev = zxt_event(_metadata), evnw;
	zx_signals_t obs = 0;
	zx_wait_item_t item;
	struct pollfd pfd;

	zxt_channel(_metadata, &c0, &c1);
	nw = pass_with_rights(_metadata, self, c1, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_WAIT);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_object_wait_one(nw, ZX_CHANNEL_WRITABLE, ZX_TIME_INFINITE_PAST, &obs));
	item = (zx_wait_item_t){ .handle = nw, .waitfor = ZX_CHANNEL_WRITABLE };
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_wait_many(&item, 1, ZX_TIME_INFINITE_PAST));
	pfd = (struct pollfd){ .fd = (int)nw, .events = POLLIN | POLLOUT };
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR, pfd.revents & (POLLERR | POLLIN | POLLOUT));
	/* everything else still works */
	EXPECT_EQ(ZX_OK, zxt_write_u32(nw, 1));
	EXPECT_EQ(W | R, SIGNALS(c0));

	evnw = zxt_dup(_metadata, ev, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_WAIT);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_object_wait_one(evnw, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE_PAST, NULL));
	EXPECT_EQ(ZX_OK, zx_object_signal(evnw, 0, ZX_EVENT_SIGNALED));
	EXPECT_EQ(ZX_EVENT_SIGNALED, SIGNALS(ev));
}

TEST_F(rights, inspect_right_enforced)
{
	zx_handle_t c0, c1, ni;
	zx_info_handle_count_t cnt;
	zx_info_handle_basic_t b;

	zxt_channel(_metadata, &c0, &c1);
	ni = pass_with_rights(_metadata, self, c1, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_INSPECT);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_object_get_info(ni, ZX_INFO_HANDLE_COUNT, &cnt, sizeof(cnt), NULL, NULL));
	/* HANDLE_BASIC needs no right */
	ASSERT_EQ(ZX_OK, zxt_basic(ni, &b));
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_INSPECT, b.rights);
	EXPECT_EQ(zxt_koid(c0), b.related_koid);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, c0));
}

TEST_F(rights, signal_rights_enforced)
{
	zx_handle_t c0, c1, ns, nsp, ev = zxt_event(_metadata), ep0, ep1, evns, epnsp;

	/* channel endpoint without SIGNAL / without SIGNAL_PEER */
	zxt_channel(_metadata, &c0, &c1);
	ns = pass_with_rights(_metadata, self, c1, ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_SIGNAL);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal(ns, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_OK, zx_object_signal_peer(ns, 0, ZX_USER_SIGNAL_1));
	EXPECT_EQ(W | ZX_USER_SIGNAL_1, SIGNALS(c0));
	nsp = pass_with_rights(_metadata, self, ns, ZX_DEFAULT_CHANNEL_RIGHTS &
			       ~ZX_RIGHT_SIGNAL & ~ZX_RIGHT_SIGNAL_PEER);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal(nsp, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal_peer(nsp, 0, ZX_USER_SIGNAL_2));
	EXPECT_EQ(W | ZX_USER_SIGNAL_1, SIGNALS(c0));
	EXPECT_EQ(W, SIGNALS(nsp));

	/* event: SIGNAL on the handle decides */
	evns = zxt_dup(_metadata, ev, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_SIGNAL);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal(evns, 0, ZX_EVENT_SIGNALED));
	EXPECT_EQ(0u, SIGNALS(ev));
	EXPECT_EQ(ZX_OK, zx_object_signal(ev, 0, ZX_EVENT_SIGNALED));
	EXPECT_EQ(ZX_EVENT_SIGNALED, SIGNALS(evns));

	/* eventpair without SIGNAL_PEER */
	zxt_eventpair(_metadata, &ep0, &ep1);
	epnsp = zxt_dup(_metadata, ep0, ZX_DEFAULT_EVENTPAIR_RIGHTS & ~ZX_RIGHT_SIGNAL_PEER);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal_peer(epnsp, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(0u, SIGNALS(ep1));
	EXPECT_EQ(ZX_OK, zx_object_signal(epnsp, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_USER_SIGNAL_0, SIGNALS(ep0));
	EXPECT_EQ(ZX_OK, zx_object_signal_peer(ep0, 0, ZX_USER_SIGNAL_3));
	EXPECT_EQ(ZX_USER_SIGNAL_3, SIGNALS(ep1));
}

/* Two handles to one object with different rights behave differently. */
TEST_F(rights, rights_belong_to_the_handle_not_the_object)
{
	zx_handle_t ev = zxt_event(_metadata), weak;

	weak = zxt_dup(_metadata, ev, ZX_RIGHT_WAIT);
	EXPECT_EQ(zxt_koid(ev), zxt_koid(weak));
	EXPECT_EQ(ZX_RIGHT_WAIT, zxt_rights(_metadata, weak));
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, ev));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal(weak, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_OK, zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_USER_SIGNAL_0, SIGNALS(weak));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_handle_duplicate(weak, ZX_RIGHT_SAME_RIGHTS, &ev));
	/* the failed duplicate did not touch *out */
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, ev));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
}

TEST_F(rights, duplicate_needs_duplicate_right)
{
	zx_handle_t out = 0xabcdu, ev = zxt_event(_metadata), nd;

	/* a default channel handle has no DUPLICATE right */
	EXPECT_EQ(0u, ZX_DEFAULT_CHANNEL_RIGHTS & ZX_RIGHT_DUPLICATE);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_handle_duplicate(self->h0, ZX_RIGHT_SAME_RIGHTS, &out));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_handle_duplicate(self->h0, ZX_RIGHT_READ, &out));
	EXPECT_EQ(0xabcdu, out);
	EXPECT_ALIVE(self->h0);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, self->h0));
	EXPECT_EQ(W, SIGNALS(self->h1));

	/* an event can be duplicated ... */
	ASSERT_EQ(ZX_OK, zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &out));
	EXPECT_NE(ev, out);
	EXPECT_EQ(zxt_koid(ev), zxt_koid(out));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
	EXPECT_TRUE(zxt_is_cloexec((int)out));
	/* ... unless that right was dropped */
	nd = zxt_replace(_metadata, out, ZX_DEFAULT_EVENT_RIGHTS & ~ZX_RIGHT_DUPLICATE);
	out = 0xabcdu;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_handle_duplicate(nd, ZX_RIGHT_SAME_RIGHTS, &out));
	EXPECT_EQ(0xabcdu, out);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
}

TEST_F(rights, duplicate_rights_must_be_subset)
{
	zx_handle_t ev = zxt_event(_metadata), out = 0xabcdu, d;

	d = zxt_dup(_metadata, ev, ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL);
	EXPECT_EQ(ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL, zxt_rights(_metadata, d));
	d = zxt_dup(_metadata, ev, ZX_RIGHT_NONE);
	EXPECT_EQ(ZX_RIGHT_NONE, zxt_rights(_metadata, d));
	d = zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, d));
	EXPECT_EQ(4u, zxt_handle_count(_metadata, ev));

	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_handle_duplicate(ev, ZX_RIGHT_READ, &out));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_handle_duplicate(ev, ZX_DEFAULT_EVENT_RIGHTS | ZX_RIGHT_SIGNAL_PEER, &out));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS | ZX_RIGHT_WAIT, &out));
	EXPECT_EQ(0xabcdu, out);
	EXPECT_ALIVE(ev);
	EXPECT_EQ(4u, zxt_handle_count(_metadata, ev));
}

TEST_F(rights, replace_reduces_rights_and_closes_source)
{
	zx_handle_t ev = zxt_event(_metadata), keep, r, r2;

	keep = zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS);
	r = zxt_replace(_metadata, ev, ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT | ZX_RIGHT_TRANSFER);
	EXPECT_GONE(ev);
	EXPECT_EQ(ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT | ZX_RIGHT_TRANSFER, zxt_rights(_metadata, r));
	EXPECT_EQ(zxt_koid(keep), zxt_koid(r));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));
	EXPECT_TRUE(zxt_is_cloexec((int)r));
	/* SAME_RIGHTS keeps them */
	r2 = zxt_replace(_metadata, r, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT | ZX_RIGHT_TRANSFER, zxt_rights(_metadata, r2));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, keep));
	/* replace needs no right at all */
	r = zxt_replace(_metadata, r2, ZX_RIGHT_NONE);
	EXPECT_EQ(ZX_RIGHT_NONE, zxt_rights(_metadata, r));
	/* and the reduced handle still travels only with TRANSFER */
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_channel_write(self->h0, 0, NULL, 0, &r, 1));
	EXPECT_GONE(r);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));
}

TEST_F(rights, replace_not_subset_closes_source_anyway)
{
	zx_handle_t ev = zxt_event(_metadata), keep, r, out = 0xabcdu;

	keep = zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS);
	r = zxt_replace(_metadata, ev, ZX_RIGHT_WAIT);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_handle_replace(r, ZX_RIGHT_WAIT | ZX_RIGHT_SIGNAL, &out));
	EXPECT_GONE(r);
	EXPECT_EQ(0xabcdu, out);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, keep));

	/* on a channel's only handle this closes the endpoint */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_handle_replace(self->h0, ZX_RIGHT_DUPLICATE, &out));
	EXPECT_GONE(self->h0);
	EXPECT_EQ(PC, SIGNALS(self->h1));

	/* a bad handle leaves everything alone */
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_replace(0x7ffffff0u, ZX_RIGHT_SAME_RIGHTS, &out));
	EXPECT_EQ(0xabcdu, out);
}

/* Rights set by replace travel unchanged through a plain write. */
TEST_F(rights, rights_survive_plain_transfer)
{
	zx_handle_t c0, c1, r, got = 0;
	const zx_rights_t rr = ZX_RIGHT_TRANSFER | ZX_RIGHT_WRITE | ZX_RIGHT_INSPECT;
	uint32_t ah = 0;
	zx_handle_info_t info;

	zxt_channel(_metadata, &c0, &c1);
	r = zxt_replace(_metadata, c1, rr);
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, &r, 1));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, &got, 0, 1, NULL, &ah));
	ASSERT_EQ(1u, ah);
	EXPECT_EQ(rr, zxt_rights(_metadata, got));
	/* and again, via read_etc */
	ASSERT_EQ(ZX_OK, zx_channel_write(self->h0, 0, NULL, 0, &got, 1));
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, NULL, &info, 0, 1, NULL, &ah));
	EXPECT_EQ(rr, info.rights);
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_channel_read(info.handle, 0, NULL, NULL, 0, 0, NULL, NULL));
	EXPECT_EQ(ZX_OK, zxt_write_u32(info.handle, 4));
	EXPECT_EQ(W | R, SIGNALS(c0));
}

/* write_etc can only reduce rights. */
TEST_F(rights, write_etc_cannot_add_rights)
{
	zx_handle_t c0, c1;
	zx_handle_disposition_t d;

	zxt_channel(_metadata, &c0, &c1);
	d = (zx_handle_disposition_t){ .operation = ZX_HANDLE_OP_MOVE, .handle = c1,
				       .rights = ZX_DEFAULT_CHANNEL_RIGHTS | ZX_RIGHT_DUPLICATE };
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, d.result);
	EXPECT_GONE(c1);
	EXPECT_EQ(PC, SIGNALS(c0));
	ASSERT_NOTHING_QUEUED(self->h1);
}

/*
 * docs/design.md: moving a handle with new rights makes a new handle for the
 * message, so a dup(2) alias of the moved fd keeps its rights.
 */
TEST_F(rights, write_etc_new_rights_leave_dup_alias_alone)
{
	zx_handle_t ev = zxt_event(_metadata);
	zx_handle_disposition_t d;
	zx_handle_info_t info;
	uint32_t ah = 0;
	int alias = dup((int)ev);

	ASSERT_GE(alias, 0);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, ev));
	d = (zx_handle_disposition_t){ .operation = ZX_HANDLE_OP_MOVE, .handle = ev,
				       .rights = ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT };
	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	EXPECT_GONE(ev);
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, zxt_rights(_metadata, (zx_handle_t)alias));
	ASSERT_EQ(ZX_OK, zx_channel_read_etc(self->h1, 0, NULL, &info, 0, 1, NULL, &ah));
	EXPECT_EQ(ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT, info.rights);
	EXPECT_EQ(zxt_koid((zx_handle_t)alias), zxt_koid(info.handle));
	/* two handles now: the alias's and the new one from the message */
	EXPECT_EQ(2u, zxt_handle_count(_metadata, (zx_handle_t)alias));
	EXPECT_EQ(ZX_OK, zx_object_signal((zx_handle_t)alias, 0, ZX_USER_SIGNAL_2));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_object_signal(info.handle, 0, ZX_USER_SIGNAL_3));
	EXPECT_EQ(ZX_USER_SIGNAL_2, SIGNALS(info.handle));
}

/* New handle values from duplicate and replace are never fd 0, and close-on-exec. */
TEST_F(rights, duplicate_and_replace_never_return_fd_0)
{
	zx_handle_t ev = zxt_event(_metadata), d, r;

	close(0);
	d = zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_NE(0u, d);
	EXPECT_TRUE(zxt_is_cloexec((int)d));
	r = zxt_replace(_metadata, d, ZX_RIGHT_WAIT);
	EXPECT_NE(0u, r);
	EXPECT_TRUE(zxt_is_cloexec((int)r));
	EXPECT_FALSE(zxt_fd_is_open(0));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
}

/* A MOVE that changes rights replaces the handle: the count does not change. */
TEST_F(rights, write_etc_new_rights_keep_handle_count)
{
	zx_handle_t ev = zxt_event(_metadata), x, got = 0;
	zx_handle_disposition_t d;
	uint32_t ah = 0;

	x = zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
	d = (zx_handle_disposition_t){ .operation = ZX_HANDLE_OP_MOVE, .handle = x,
				       .rights = ZX_RIGHT_WAIT };
	ASSERT_EQ(ZX_OK, zx_channel_write_etc(self->h0, 0, NULL, 0, &d, 1));
	EXPECT_GONE(x);
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
	ASSERT_EQ(ZX_OK, zx_channel_read(self->h1, 0, NULL, &got, 0, 1, NULL, &ah));
	EXPECT_EQ(ZX_RIGHT_WAIT, zxt_rights(_metadata, got));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
	ASSERT_EQ(ZX_OK, zx_handle_close(got));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, ev));
}

/* fd exhaustion is NO_RESOURCES (docs/design.md); replace still consumes its source. */
TEST_F(rights, duplicate_and_replace_without_free_fds)
{
	zx_handle_t ev = zxt_event(_metadata), d, out = 0xabcdu;
	struct rlimit old;

	d = zxt_dup(_metadata, ev, ZX_RIGHT_SAME_RIGHTS);
	ASSERT_EQ(0, zxt_limit_free_fds(0, &old));
	EXPECT_EQ(ZX_ERR_NO_RESOURCES, zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &out));
	EXPECT_EQ(ZX_ERR_NO_RESOURCES, zx_handle_replace(d, ZX_RIGHT_WAIT, &out));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(0xabcdu, out);
	EXPECT_ALIVE(ev);
	EXPECT_GONE(d);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, ev));

	/* with one free fd both work */
	ASSERT_EQ(0, zxt_limit_free_fds(1, &old));
	EXPECT_EQ(ZX_OK, zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &out));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(0, zxt_limit_free_fds(1, &old));
	EXPECT_EQ(ZX_OK, zx_handle_replace(out, ZX_RIGHT_WAIT, &out));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(ZX_RIGHT_WAIT, zxt_rights(_metadata, out));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
}

TEST_HARNESS_MAIN
