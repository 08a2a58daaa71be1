// SPDX-License-Identifier: GPL-2.0
/*
 * zx_channel_create: results, related koids, rights, initial signals,
 * argument errors, fd properties of the handles.
 */
#include "zx_test_util.h"

TEST(create_ok_endpoints_related)
{
	zx_info_handle_basic_t i0, i1;
	zx_handle_t h0 = 0, h1 = 0;

	ASSERT_EQ(ZX_OK, zx_channel_create(0, &h0, &h1));
	ASSERT_NE(ZX_HANDLE_INVALID, h0);
	ASSERT_NE(ZX_HANDLE_INVALID, h1);
	ASSERT_NE(h0, h1);

	ASSERT_EQ(ZX_OK, zxt_basic(h0, &i0));
	ASSERT_EQ(ZX_OK, zxt_basic(h1, &i1));
	EXPECT_NE(ZX_KOID_INVALID, i0.koid);
	EXPECT_NE(ZX_KOID_INVALID, i1.koid);
	EXPECT_NE(i0.koid, i1.koid);
	/* koids have bit 63 clear */
	EXPECT_EQ(0u, i0.koid >> 63);
	EXPECT_EQ(0u, i1.koid >> 63);
	EXPECT_EQ(i1.koid, i0.related_koid);
	EXPECT_EQ(i0.koid, i1.related_koid);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, i0.type);
	EXPECT_EQ(ZX_OBJ_TYPE_CHANNEL, i1.type);
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, i0.rights);
	EXPECT_EQ(ZX_DEFAULT_CHANNEL_RIGHTS, i1.rights);
	/* the default has no DUPLICATE right, and is exactly 0xF00E */
	EXPECT_EQ(0xF00Eu, (uint32_t)ZX_DEFAULT_CHANNEL_RIGHTS);

	EXPECT_EQ(ZX_OK, zx_handle_close(h0));
	EXPECT_EQ(ZX_OK, zx_handle_close(h1));
}

TEST(create_invalid_options)
{
	static const uint32_t bad[] = { 1, 2, 0xFF, 0x80000000u, 0xFFFFFFFFu };
	int before;

	zxt_warm_up(_metadata);
	before = zxt_count_fds();
	ASSERT_GT(before, 0);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		zx_handle_t h0 = 0, h1 = 0;

		EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_create(bad[i], &h0, &h1)) {
			TH_LOG("options %#x", bad[i]);
		}
	}
	EXPECT_EQ(before, zxt_count_fds());
}

TEST(create_bad_out_pointers_leak_nothing)
{
	zx_handle_t *bad = zxt_bad_ptr();
	zx_handle_t *ro = zxt_readonly_page();
	zx_handle_t h = 0, a = 0, b = 0;
	int before;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)bad);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)ro);
	zxt_warm_up(_metadata);
	before = zxt_count_fds();

	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_create(0, NULL, &h));
	EXPECT_EQ(before, zxt_count_fds());
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_create(0, &h, NULL));
	EXPECT_EQ(before, zxt_count_fds());
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_create(0, NULL, NULL));
	EXPECT_EQ(before, zxt_count_fds());
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_create(0, bad, &h));
	EXPECT_EQ(before, zxt_count_fds());
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_create(0, &h, bad));
	EXPECT_EQ(before, zxt_count_fds());
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_create(0, ro, &h));
	EXPECT_EQ(before, zxt_count_fds());
	EXPECT_EQ(ZX_ERR_INVALID_ARGS, zx_channel_create(0, &h, ro));
	EXPECT_EQ(before, zxt_count_fds());

	/* and creation still works afterwards, without leaking either */
	ASSERT_EQ(ZX_OK, zx_channel_create(0, &a, &b));
	EXPECT_EQ(before + 2, zxt_count_fds());
	EXPECT_EQ(ZX_OK, zx_handle_close(a));
	EXPECT_EQ(ZX_OK, zx_handle_close(b));
	EXPECT_EQ(before, zxt_count_fds());
}

TEST(create_never_returns_fd_0)
{
	zx_handle_t h[16];
	zx_handle_t ev = 0, dup = 0;

	/* make 0 the lowest free fd number */
	close(0);
	ASSERT_FALSE(zxt_fd_is_open(0));

	for (size_t i = 0; i < ARRAY_SIZE(h); i += 2) {
		ASSERT_EQ(ZX_OK, zx_channel_create(0, &h[i], &h[i + 1]));
		EXPECT_NE(ZX_HANDLE_INVALID, h[i]);
		EXPECT_NE(ZX_HANDLE_INVALID, h[i + 1]);
	}
	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	EXPECT_NE(ZX_HANDLE_INVALID, ev);
	EXPECT_FALSE(zxt_fd_is_open(0));

	/* handles made by replace and duplicate are never 0 either */
	ASSERT_EQ(ZX_OK, zx_handle_replace(h[0], ZX_RIGHT_SAME_RIGHTS, &h[0]));
	EXPECT_NE(ZX_HANDLE_INVALID, h[0]);
	ASSERT_EQ(ZX_OK, zx_handle_duplicate(ev, ZX_RIGHT_SAME_RIGHTS, &dup));
	EXPECT_NE(ZX_HANDLE_INVALID, dup);
	EXPECT_FALSE(zxt_fd_is_open(0));
	EXPECT_EQ(ZX_OK, zx_handle_close(dup));

	for (size_t i = 0; i < ARRAY_SIZE(h); i++) {
		EXPECT_EQ(ZX_OK, zx_handle_close(h[i]));
	}
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

TEST(handles_are_cloexec)
{
	zx_handle_t h0 = 0, h1 = 0, ev = 0;
	int fl;

	zxt_channel(_metadata, &h0, &h1);
	fl = fcntl((int)h0, F_GETFD);
	ASSERT_NE(-1, fl);
	EXPECT_TRUE(fl & FD_CLOEXEC);
	fl = fcntl((int)h1, F_GETFD);
	ASSERT_NE(-1, fl);
	EXPECT_TRUE(fl & FD_CLOEXEC);

	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	fl = fcntl((int)ev, F_GETFD);
	ASSERT_NE(-1, fl);
	EXPECT_TRUE(fl & FD_CLOEXEC);

	EXPECT_EQ(ZX_OK, zx_handle_close(h0));
	EXPECT_EQ(ZX_OK, zx_handle_close(h1));
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));
}

TEST(handles_are_distinct_fds_while_open)
{
	enum { N = 64 };
	zx_handle_t h[2 * N];

	for (int i = 0; i < N; i++) {
		ASSERT_EQ(ZX_OK, zx_channel_create(0, &h[2 * i], &h[2 * i + 1]));
		ASSERT_TRUE(zxt_fd_is_open((int)h[2 * i]));
		ASSERT_TRUE(zxt_fd_is_open((int)h[2 * i + 1]));
	}
	for (int i = 0; i < 2 * N; i++) {
		for (int j = i + 1; j < 2 * N; j++) {
			ASSERT_NE(h[i], h[j]);
		}
	}
	for (int i = 0; i < 2 * N; i++) {
		ASSERT_EQ(ZX_OK, zx_handle_close(h[i]));
	}
}

TEST(koids_never_reused)
{
	enum { ROUNDS = 500 };
	zx_koid_t *k = calloc(2 * ROUNDS + 1, sizeof(*k));
	zx_handle_t ev = 0;

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)k);
	for (int i = 0; i < ROUNDS; i++) {
		zx_info_handle_basic_t i0, i1;
		zx_handle_t h0 = 0, h1 = 0;

		/* handle (fd) numbers get reused here; koids must not */
		ASSERT_EQ(ZX_OK, zx_channel_create(0, &h0, &h1));
		ASSERT_EQ(ZX_OK, zxt_basic(h0, &i0));
		ASSERT_EQ(ZX_OK, zxt_basic(h1, &i1));
		ASSERT_EQ(i1.koid, i0.related_koid);
		k[2 * i] = i0.koid;
		k[2 * i + 1] = i1.koid;
		ASSERT_EQ(ZX_OK, zx_handle_close(h0));
		ASSERT_EQ(ZX_OK, zx_handle_close(h1));
	}
	/* koids are shared with other object types */
	ASSERT_EQ(ZX_OK, zx_event_create(0, &ev));
	k[2 * ROUNDS] = zxt_koid(ev);
	EXPECT_EQ(ZX_OK, zx_handle_close(ev));

	qsort(k, 2 * ROUNDS + 1, sizeof(*k), zxt_cmp_koid);
	ASSERT_NE(ZX_KOID_INVALID, k[0]);
	for (int i = 1; i < 2 * ROUNDS + 1; i++) {
		ASSERT_NE(k[i - 1], k[i]) {
			TH_LOG("koid %llu reused", (unsigned long long)k[i]);
		}
	}
	free(k);
}

TEST(initial_signals_exactly_writable)
{
	zx_handle_t h[2];
	zx_signals_t obs;

	zxt_channel(_metadata, &h[0], &h[1]);
	for (int i = 0; i < 2; i++) {
		obs = 0xdeadbeef;
		EXPECT_EQ(ZX_ERR_TIMED_OUT,
			  zx_object_wait_one(h[i], 0, ZX_TIME_INFINITE_PAST, &obs));
		EXPECT_EQ(ZX_CHANNEL_WRITABLE, obs);

		obs = 0;
		EXPECT_EQ(ZX_OK, zx_object_wait_one(h[i], ZX_CHANNEL_WRITABLE,
						    ZX_TIME_INFINITE_PAST, &obs));
		EXPECT_EQ(ZX_CHANNEL_WRITABLE, obs);

		obs = 0;
		EXPECT_EQ(ZX_ERR_TIMED_OUT,
			  zx_object_wait_one(h[i], ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
					     ZX_TIME_INFINITE_PAST, &obs));
		EXPECT_EQ(ZX_CHANNEL_WRITABLE, obs);
	}
	EXPECT_EQ(ZX_OK, zx_handle_close(h[0]));
	EXPECT_EQ(ZX_OK, zx_handle_close(h[1]));
}

TEST(created_fds_are_counted)
{
	zx_handle_t h0 = 0, h1 = 0;
	int before;

	zxt_warm_up(_metadata);
	before = zxt_count_fds();
	zxt_channel(_metadata, &h0, &h1);
	EXPECT_EQ(before + 2, zxt_count_fds());
	EXPECT_EQ(ZX_OK, zx_handle_close(h0));
	EXPECT_EQ(before + 1, zxt_count_fds());
	EXPECT_EQ(ZX_OK, zx_handle_close(h1));
	EXPECT_EQ(before, zxt_count_fds());
	EXPECT_FALSE(zxt_fd_is_open((int)h0));
	EXPECT_FALSE(zxt_fd_is_open((int)h1));
}

TEST_HARNESS_MAIN
