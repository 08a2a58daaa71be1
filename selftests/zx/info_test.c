// SPDX-License-Identifier: GPL-2.0
/*
 * zx_object_get_info (HANDLE_VALID, HANDLE_BASIC, HANDLE_COUNT),
 * zx_handle_close, zx_handle_close_many, zx_handle_replace,
 * zx_handle_duplicate.
 */
#include "zx_test_util.h"

#define W	ZX_CHANNEL_WRITABLE
#define PC	ZX_CHANNEL_PEER_CLOSED

ZXT_CHANNEL_FIXTURE(info)

/* ---- ZX_INFO_HANDLE_VALID -------------------------------------------------------- */

TEST_F(info, handle_valid)
{
	int devnull = zxt_foreign_fd();
	zx_handle_t ev = 0;
	char buf[8];

	ASSERT_GE(devnull, 0);
	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	EXPECT_EQ(ZX_OK, zx_object_get_info(self->h0, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
	EXPECT_EQ(ZX_OK, zx_object_get_info(self->h1, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
	EXPECT_EQ(ZX_OK, zx_object_get_info(ev, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
	/* the buffer arguments are ignored */
	EXPECT_EQ(ZX_OK, zx_object_get_info(self->h0, ZX_INFO_HANDLE_VALID, buf, sizeof(buf),
					    NULL, NULL));
	EXPECT_EQ(ZX_OK, zx_object_get_info(self->h0, ZX_INFO_HANDLE_VALID, zxt_bad_ptr(), 100,
					    NULL, NULL));
	/* no right needed */
	self->h0 = zxt_replace(_metadata, self->h0, ZX_RIGHT_NONE);
	EXPECT_EQ(ZX_OK, zx_object_get_info(self->h0, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));

	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_get_info((zx_handle_t)devnull, ZX_INFO_HANDLE_VALID, NULL, 0, NULL,
				     NULL));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_get_info(ev, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	close(devnull);
}

/* ---- ZX_INFO_HANDLE_BASIC ---------------------------------------------------------- */

TEST_F(info, handle_basic_fields)
{
	zx_info_handle_basic_t b0, b1, two[2];
	size_t actual = 99, avail = 99;

	memset(&b0, 0xa5, sizeof(b0));
	ASSERT_EQ(ZX_OK, zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, &b0, sizeof(b0),
					    &actual, &avail));
	EXPECT_EQ(1u, actual);
	EXPECT_EQ(1u, avail);
	ASSERT_EQ(ZX_OK, zx_object_get_info(self->h1, ZX_INFO_HANDLE_BASIC, &b1, sizeof(b1),
					    NULL, NULL));
	EXPECT_NE(ZX_KOID_INVALID, b0.koid);
	EXPECT_NE(b0.koid, b1.koid);
	EXPECT_EQ(b1.koid, b0.related_koid);
	EXPECT_EQ(b0.koid, b1.related_koid);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, b0.type);
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, b0.rights);

	/* a larger buffer is fine, only one record is written */
	memset(two, 0xa5, sizeof(two));
	actual = avail = 99;
	ASSERT_EQ(ZX_OK, zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, two,
					    sizeof(two), &actual, &avail));
	EXPECT_EQ(1u, actual);
	EXPECT_EQ(1u, avail);
	EXPECT_EQ(b0.koid, two[0].koid);
}

TEST_F(info, handle_basic_buffer_too_small)
{
	zx_info_handle_basic_t b;
	size_t actual = 99, avail = 99;

	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, &b, sizeof(b) - 1,
				     &actual, &avail));
	EXPECT_EQ(0u, actual);
	EXPECT_EQ(1u, avail);

	actual = avail = 99;
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, NULL, 0, &actual, &avail));
	EXPECT_EQ(0u, actual);
	EXPECT_EQ(1u, avail);

	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, NULL, 0, NULL, NULL));
	/* the buffer is not touched when too small */
	EXPECT_EQ(ZX_ERR_BUFFER_TOO_SMALL,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, zxt_bad_ptr(), 31, NULL,
				     NULL));
}

TEST_F(info, handle_basic_bad_buffer)
{
	zx_info_handle_basic_t *ro = zxt_readonly_page();
	void *edge = zxt_edge_buffer(16);

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)ro);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, zxt_bad_ptr(),
				     sizeof(zx_info_handle_basic_t), NULL, NULL));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, NULL,
				     sizeof(zx_info_handle_basic_t), NULL, NULL));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, ro, sizeof(*ro), NULL, NULL));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, edge,
				     sizeof(zx_info_handle_basic_t), NULL, NULL));
}

TEST_F(info, handle_basic_bad_actual_avail)
{
	zx_info_handle_basic_t b;
	size_t n = 0;

	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
				     zxt_bad_ptr(), &n));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_object_get_info(self->h0, ZX_INFO_HANDLE_BASIC, &b, sizeof(b), &n,
				     zxt_bad_ptr()));
}

TEST_F(info, handle_basic_related_koid_survives_peer)
{
	zx_koid_t k1 = zxt_koid(self->h1);
	zx_info_handle_basic_t b;

	ASSERT_NE(ZX_KOID_INVALID, k1);
	ASSERT_EQ(ZX_OK, zx_handle_close(self->h1));
	self->h1 = 0;
	ASSERT_EQ(ZX_OK, zxt_basic(self->h0, &b));
	EXPECT_EQ(k1, b.related_koid);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, b.type);
}

TEST_F(info, handle_basic_needs_no_rights)
{
	zx_koid_t k = zxt_koid(self->h0);
	zx_info_handle_basic_t b;

	self->h0 = zxt_replace(_metadata, self->h0, ZX_RIGHT_NONE);
	ASSERT_EQ(ZX_OK, zxt_basic(self->h0, &b));
	EXPECT_EQ(ZX_RIGHT_NONE, b.rights);
	EXPECT_EQ(k, b.koid);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, b.type);
}

TEST(handle_basic_event)
{
	zx_info_handle_basic_t b;
	zx_handle_t ev = 0;

	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	ASSERT_EQ(ZX_OK, zxt_basic(ev, &b));
	EXPECT_NE(ZX_KOID_INVALID, b.koid);
	EXPECT_EQ(ZX_OBJ_TYPE_EVENT, b.type);
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, b.rights);
	EXPECT_EQ(ZX_KOID_INVALID, b.related_koid);
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

TEST_F(info, bad_handles)
{
	int devnull = zxt_foreign_fd();
	zx_info_handle_basic_t b;

	ASSERT_GE(devnull, 0);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_get_info((zx_handle_t)devnull, ZX_INFO_HANDLE_BASIC, &b, sizeof(b),
				     NULL, NULL));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_HANDLE_BASIC, &b, sizeof(b), NULL,
				     NULL));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_get_info((zx_handle_t)zxt_closed_fd(), ZX_INFO_HANDLE_BASIC, &b,
				     sizeof(b), NULL, NULL));
	/* BAD_HANDLE before BUFFER_TOO_SMALL */
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_object_get_info((zx_handle_t)devnull, ZX_INFO_HANDLE_BASIC, NULL, 0, NULL,
				     NULL));
	close(devnull);
}

/* ---- ZX_INFO_HANDLE_COUNT / unknown topics ----------------------------------------- */

TEST_F(info, handle_count)
{
	zx_info_handle_count_t c = { .handle_count = 99 };
	size_t actual = 99, avail = 99;

	ASSERT_EQ(ZX_OK, zx_object_get_info(self->h0, ZX_INFO_HANDLE_COUNT, &c, sizeof(c),
					    &actual, &avail));
	EXPECT_EQ(1u, c.handle_count);
	EXPECT_EQ(1u, actual);
	EXPECT_EQ(1u, avail);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, self->h1));

	/* replacing keeps it at one */
	self->h1 = zxt_replace(_metadata, self->h1, ZX_RIGHT_SAME_RIGHTS);
	EXPECT_EQ(1u, zxt_handle_count(_metadata, self->h1));
}

TEST_F(info, handle_count_needs_inspect)
{
	zx_info_handle_count_t c;
	zx_handle_t ni = zxt_replace(_metadata, self->h0,
				     ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_INSPECT);

	self->h0 = ni;
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED,
		  zx_object_get_info(ni, ZX_INFO_HANDLE_COUNT, &c, sizeof(c), NULL, NULL));
	/* HANDLE_BASIC does not need it */
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS & ~ZX_RIGHT_INSPECT, zxt_rights(_metadata, ni));
}

TEST_F(info, unknown_topic_not_supported)
{
	static const uint32_t topics[] = { 1000, 0x7fffffffu, 0xffffffffu };
	char buf[256];

	for (size_t i = 0; i < ARRAY_SIZE(topics); i++) {
		EXPECT_EQ(ZX_ERR_NOT_SUPPORTED,
			  zx_object_get_info(self->h0, topics[i], buf, sizeof(buf), NULL, NULL)) {
			TH_LOG("topic %u", topics[i]);
		}
	}
}

/* ---- zx_handle_close ------------------------------------------------------------- */

TEST_F(info, handle_close)
{
	zx_handle_t h0 = self->h0;

	ASSERT_EQ(ZX_OK, zx_handle_close(h0));
	self->h0 = 0;
	EXPECT_FALSE(zxt_fd_is_open((int)h0));
	EXPECT_EQ(PC, SIGNALS(self->h1));
	/* nothing has been opened since: the number is still free */
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close(h0));
	EXPECT_EQ(ZX_OK, zx_handle_close(ZX_HANDLE_INVALID));
}

TEST(handle_close_foreign_fd_stays_open)
{
	int devnull = zxt_foreign_fd();
	int pfd[2];
	char c = 0;

	ASSERT_GE(devnull, 0);
	ASSERT_EQ(0, pipe(pfd));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close((zx_handle_t)devnull));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close((zx_handle_t)pfd[0]));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close((zx_handle_t)pfd[1]));
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	EXPECT_EQ(1, write(devnull, "x", 1));
	EXPECT_EQ(1, write(pfd[1], "p", 1));
	EXPECT_EQ(1, read(pfd[0], &c, 1));
	EXPECT_EQ('p', c);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close((zx_handle_t)zxt_closed_fd()));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close(0x7ffffff0u));
	close(devnull);
	close(pfd[0]);
	close(pfd[1]);
}

TEST(handle_close_many)
{
	zx_handle_t a0, a1, b0, b1, arr[5];
	int before;

	zxt_warm_up(_metadata);
	before = zxt_count_fds();
	EXPECT_EQ(ZX_OK, zx_handle_close_many(NULL, 0));
	EXPECT_EQ(ZX_OK, zx_handle_close_many(zxt_bad_ptr(), 0));

	zxt_channel(_metadata, &a0, &a1);
	zxt_channel(_metadata, &b0, &b1);
	/* zero entries are skipped */
	arr[0] = a0;
	arr[1] = 0;
	arr[2] = b0;
	arr[3] = 0;
	arr[4] = a1;
	EXPECT_EQ(ZX_OK, zx_handle_close_many(arr, 5));
	EXPECT_FALSE(zxt_handle_valid(a0));
	EXPECT_FALSE(zxt_handle_valid(a1));
	EXPECT_FALSE(zxt_handle_valid(b0));
	EXPECT_EQ(PC, SIGNALS(b1));
	EXPECT_EQ(ZX_OK, zx_handle_close(b1));
	EXPECT_EQ(before, zxt_count_fds());

	arr[0] = 0;
	EXPECT_EQ(ZX_OK, zx_handle_close_many(arr, 1));
}

TEST(handle_close_many_missing_entries)
{
	zx_handle_t a0, a1, b0, b1, arr[4];
	int devnull = zxt_foreign_fd();
	int before;

	ASSERT_GE(devnull, 0);
	zxt_warm_up(_metadata);
	before = zxt_count_fds();

	/* a closed number in the middle: BAD_HANDLE, but the valid ones are closed */
	zxt_channel(_metadata, &a0, &a1);
	zxt_channel(_metadata, &b0, &b1);
	ASSERT_EQ(ZX_OK, zx_handle_close(b1));
	arr[0] = a0;
	arr[1] = b1;	/* closed just now, nothing opened since */
	arr[2] = a1;
	arr[3] = b0;
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close_many(arr, 4));
	EXPECT_FALSE(zxt_handle_valid(a0));
	EXPECT_FALSE(zxt_handle_valid(a1));
	EXPECT_FALSE(zxt_handle_valid(b0));
	EXPECT_EQ(before, zxt_count_fds());

	/* a foreign fd: BAD_HANDLE, and it is left open */
	zxt_channel(_metadata, &a0, &a1);
	arr[0] = a0;
	arr[1] = (zx_handle_t)devnull;
	arr[2] = a1;
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close_many(arr, 3));
	EXPECT_FALSE(zxt_handle_valid(a0));
	EXPECT_FALSE(zxt_handle_valid(a1));
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	EXPECT_EQ(before, zxt_count_fds());
	close(devnull);
}

TEST(handle_close_many_duplicates)
{
	zx_handle_t a0, a1, arr[3];
	int before;

	zxt_warm_up(_metadata);
	before = zxt_count_fds();
	zxt_channel(_metadata, &a0, &a1);
	arr[0] = a0;
	arr[1] = a1;
	arr[2] = a0;
	EXPECT_EQ(ZX_ERR_BAD_HANDLE, zx_handle_close_many(arr, 3));
	EXPECT_FALSE(zxt_handle_valid(a0));
	EXPECT_FALSE(zxt_handle_valid(a1));
	EXPECT_EQ(before, zxt_count_fds());
}

TEST(handle_close_many_large_array)
{
	enum { N = 100 };
	zx_handle_t h[2 * N];
	int before;

	zxt_warm_up(_metadata);
	before = zxt_count_fds();
	for (int i = 0; i < N; i++) {
		zxt_channel(_metadata, &h[2 * i], &h[2 * i + 1]);
	}
	EXPECT_EQ(before + 2 * N, zxt_count_fds());
	EXPECT_EQ(ZX_OK, zx_handle_close_many(h, 2 * N));
	EXPECT_EQ(before, zxt_count_fds());
	for (int i = 0; i < 2 * N; i++) {
		EXPECT_FALSE(zxt_handle_valid(h[i]));
	}
}

TEST(handle_close_many_bad_array)
{
	zx_handle_t *edge = zxt_edge_buffer(2 * sizeof(zx_handle_t));

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)edge);
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_handle_close_many(zxt_bad_ptr(), 2));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_handle_close_many(NULL, 1));
	/* two readable (zero) entries, the third one faults */
	edge[0] = 0;
	edge[1] = 0;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_handle_close_many(edge, 3));
	EXPECT_EQ(ZX_OK, zx_handle_close_many(edge, 2));
}

/* ---- zx_handle_replace ------------------------------------------------------------- */

TEST_F(info, replace_reduces_rights)
{
	zx_koid_t k = zxt_koid(self->h0);
	zx_rights_t want = ZX_RIGHT_READ | ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT;
	zx_handle_t old = self->h0, nh = ZX_HANDLE_INVALID;
	zx_info_handle_basic_t b;
	int fl;

	ASSERT_EQ(ZX_OK, zx_handle_replace(old, want, &nh));
	self->h0 = nh;
	ASSERT_NE(ZX_HANDLE_INVALID, nh);
	ASSERT_EQ(ZX_OK, zxt_basic(nh, &b));
	EXPECT_EQ(want, b.rights);
	EXPECT_EQ(k, b.koid);
	/* the source is gone: the object has exactly one handle, the new one */
	EXPECT_EQ(1u, zxt_handle_count(_metadata, nh));
	if (nh != old) {
		EXPECT_FALSE(zxt_handle_valid(old));
	}
	/* the object itself stays: no PEER_CLOSED on the other side */
	EXPECT_EQ(W, SIGNALS(self->h1));
	/* new handles are O_CLOEXEC too */
	fl = fcntl((int)nh, F_GETFD);
	ASSERT_NE(-1, fl);
	EXPECT_TRUE(fl & FD_CLOEXEC);
}

TEST_F(info, replace_same_rights)
{
	zx_handle_t nh = 0;

	ASSERT_EQ(ZX_OK, zx_handle_replace(self->h1, ZX_RIGHT_SAME_RIGHTS, &nh));
	self->h1 = nh;
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, zxt_rights(_metadata, nh));
	/* and to exactly the same set */
	ASSERT_EQ(ZX_OK, zx_handle_replace(self->h1, ZX_DEFAULT_CHANNEL_RIGHTS, &nh));
	self->h1 = nh;
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, zxt_rights(_metadata, nh));
	/* it is still the same channel */
	ASSERT_EQ(ZX_OK, zxt_write_u32(self->h0, 5));
	EXPECT_EQ(W | ZX_CHANNEL_READABLE, SIGNALS(self->h1));
}

TEST_F(info, replace_needs_no_rights)
{
	zx_handle_t nh = 0;

	self->h0 = zxt_replace(_metadata, self->h0, ZX_RIGHT_NONE);
	ASSERT_EQ(ZX_OK, zx_handle_replace(self->h0, ZX_RIGHT_NONE, &nh));
	self->h0 = nh;
	EXPECT_EQ(ZX_RIGHT_NONE, zxt_rights(_metadata, nh));
}

TEST_F(info, replace_rights_not_subset_closes_source)
{
	zx_handle_t old = self->h0, nh = ZX_HANDLE_INVALID;

	/* channels have no DUPLICATE right */
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_handle_replace(old, ZX_DEFAULT_CHANNEL_RIGHTS | ZX_RIGHT_DUPLICATE, &nh));
	self->h0 = 0;
	EXPECT_FALSE(zxt_handle_valid(old));
	/* it was the only handle: the peer sees the endpoint go */
	EXPECT_EQ(PC, SIGNALS(self->h1));

	/* from a reduced handle, asking back a dropped right */
	old = zxt_replace(_metadata, self->h1, ZX_RIGHT_WAIT);
	self->h1 = 0;
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_handle_replace(old, ZX_RIGHT_WAIT | ZX_RIGHT_READ, &nh));
	EXPECT_FALSE(zxt_handle_valid(old));
}

TEST(replace_bad_handle)
{
	int devnull = zxt_foreign_fd();
	zx_handle_t nh = 0;

	ASSERT_GE(devnull, 0);
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_handle_replace((zx_handle_t)devnull, ZX_RIGHT_SAME_RIGHTS, &nh));
	EXPECT_TRUE(zxt_fd_is_open(devnull));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_handle_replace(ZX_HANDLE_INVALID, ZX_RIGHT_SAME_RIGHTS, &nh));
	EXPECT_EQ(ZX_ERR_BAD_HANDLE,
		  zx_handle_replace((zx_handle_t)zxt_closed_fd(), ZX_RIGHT_SAME_RIGHTS, &nh));
	close(devnull);
}

/* ---- zx_handle_duplicate ----------------------------------------------------------- */

TEST_F(info, duplicate_channel_denied)
{
	zx_handle_t nh = ZX_HANDLE_INVALID;
	int before;

	zxt_warm_up(_metadata);
	before = zxt_count_fds();
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_handle_duplicate(self->h0, ZX_RIGHT_SAME_RIGHTS, &nh));
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_handle_duplicate(self->h0, ZX_RIGHT_READ, &nh));
	EXPECT_EQ(before, zxt_count_fds());
	/* source untouched */
	EXPECT_TRUE(zxt_handle_valid(self->h0));
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, zxt_rights(_metadata, self->h0));
	EXPECT_EQ(W, SIGNALS(self->h1));
}

TEST(duplicate_event)
{
	zx_handle_t ev = 0, d = 0, r = 0;
	zx_info_handle_basic_t b;

	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	ASSERT_EQ(ZX_OK, zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &d));
	ASSERT_NE(ZX_HANDLE_INVALID, d);
	EXPECT_NE(ev, d);
	ASSERT_EQ(ZX_OK, zxt_basic(d, &b));
	EXPECT_EQ(zxt_koid(ev), b.koid);
	EXPECT_EQ(ZX_DEFAULT_EVENT_RIGHTS, b.rights);
	/* a real second handle, unlike dup(2) */
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
	EXPECT_NE(0, fcntl((int)d, F_GETFD) & FD_CLOEXEC);

	/* reduced rights */
	ASSERT_EQ(ZX_OK, zx_handle_duplicate(ev, ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT, &r));
	EXPECT_EQ(ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT, zxt_rights(_metadata, r));
	EXPECT_EQ(3u, zxt_handle_count(_metadata, ev));
	/* signals are per object */
	ASSERT_EQ(ZX_OK, zx_object_signal(ev, 0, ZX_USER_SIGNAL_0));
	EXPECT_EQ(ZX_USER_SIGNAL_0, SIGNALS(r));
	/* r has no DUPLICATE right; nor may rights grow */
	EXPECT_EQ(ZX_ERR_ACCESS_DENIED, zx_handle_duplicate(r, ZX_RIGHT_SAME_RIGHTS, &d));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_handle_duplicate(ev, ZX_DEFAULT_EVENT_RIGHTS | ZX_RIGHT_READ, &d));
	EXPECT_TRUE(zxt_handle_valid(ev));

	EXPECT_EQ(ZX_OK, zx_handle_close(r));
	EXPECT_EQ(2u, zxt_handle_count(_metadata, ev));
	EXPECT_EQ(ZX_OK, zx_handle_close(d));
	EXPECT_EQ(1u, zxt_handle_count(_metadata, ev));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

TEST(duplicate_bad_out_pointer)
{
	zx_handle_t ev = 0;
	int before;

	zxt_warm_up(_metadata);
	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	before = zxt_count_fds();
	EXPECT_EQ(ZX_ERR_INVALID_ARGS,
		  zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, zxt_bad_ptr()));
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, NULL));
	EXPECT_EQ(before, zxt_count_fds());
	EXPECT_EQ(1u, zxt_handle_count(_metadata, ev));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

TEST_HARNESS_MAIN
