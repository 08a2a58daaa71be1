/* SPDX-License-Identifier: MIT */
/*
 * demo: two processes talking over a Zircon channel, on Linux, through libzx.
 *
 * The parent creates a channel and forks.  The child keeps one endpoint (an
 * inherited fd), the parent the other.  They ping-pong a few numbered
 * messages with zx_channel_write / zx_object_wait_one / zx_channel_read.
 * Then the child closes its endpoint and the parent checks that it observes
 * ZX_CHANNEL_PEER_CLOSED and that reading now returns ZX_ERR_PEER_CLOSED.
 *
 * Exit status 0 only if every step behaved exactly as Zircon specifies.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zircon/status.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#define ROUNDS 3
/* Generous: the demo also runs in a slow emulated VM. */
#define STEP_TIMEOUT ZX_SEC(30)

static const char *role = "parent";

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	printf("[%s %d] ", role, (int)getpid());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Report a failed step; returns 1 so callers can `return fail(...)`. */
static int fail(const char *step, zx_status_t got, const char *want)
{
	printf("[%s %d] FAIL: %s: got %s (%d), expected %s\n", role,
	       (int)getpid(), step, zx_status_get_string(got), (int)got, want);
	if (got == ZX_ERR_NOT_SUPPORTED)
		printf("[%s %d] hint: /dev/zx is missing; is the zx module loaded?\n",
		       role, (int)getpid());
	return 1;
}

static int send_msg(zx_handle_t h, const char *text)
{
	zx_status_t st = zx_channel_write(h, 0, text, (uint32_t)strlen(text),
					  NULL, 0);

	if (st != ZX_OK)
		return fail("zx_channel_write", st, "ZX_OK");
	say("-> \"%s\"", text);
	return 0;
}

static int recv_msg(zx_handle_t h, const char *expected)
{
	char buf[64];
	uint32_t actual_bytes = 0, actual_handles = 0;
	zx_signals_t observed = 0;
	zx_status_t st;

	st = zx_object_wait_one(h, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
				zx_deadline_after(STEP_TIMEOUT), &observed);
	if (st != ZX_OK)
		return fail("zx_object_wait_one(READABLE|PEER_CLOSED)", st,
			    "ZX_OK");
	if (!(observed & ZX_CHANNEL_READABLE)) {
		say("FAIL: peer closed before sending \"%s\" (observed 0x%x)",
		    expected, observed);
		return 1;
	}
	st = zx_channel_read(h, 0, buf, NULL, sizeof(buf), 0, &actual_bytes,
			     &actual_handles);
	if (st != ZX_OK)
		return fail("zx_channel_read", st, "ZX_OK");
	say("<- \"%.*s\"", (int)actual_bytes, buf);
	if (actual_handles != 0 || actual_bytes != strlen(expected) ||
	    memcmp(buf, expected, actual_bytes) != 0) {
		say("FAIL: expected \"%s\" with no handles, got %u bytes and %u handles",
		    expected, actual_bytes, actual_handles);
		return 1;
	}
	return 0;
}

static int child(zx_handle_t h)
{
	char text[32];
	zx_status_t st;

	for (int i = 1; i <= ROUNDS; i++) {
		snprintf(text, sizeof(text), "ping %d", i);
		if (recv_msg(h, text))
			return 1;
		snprintf(text, sizeof(text), "pong %d", i);
		if (send_msg(h, text))
			return 1;
	}
	say("closing my end");
	st = zx_handle_close(h);
	if (st != ZX_OK)
		return fail("zx_handle_close", st, "ZX_OK");
	return 0;
}

static int parent(zx_handle_t h)
{
	char text[32];
	uint32_t actual_bytes = 0, actual_handles = 0;
	zx_signals_t observed = 0;
	zx_status_t st;

	for (int i = 1; i <= ROUNDS; i++) {
		snprintf(text, sizeof(text), "ping %d", i);
		if (send_msg(h, text))
			return 1;
		snprintf(text, sizeof(text), "pong %d", i);
		if (recv_msg(h, text))
			return 1;
	}

	st = zx_object_wait_one(h, ZX_CHANNEL_PEER_CLOSED,
				zx_deadline_after(STEP_TIMEOUT), &observed);
	if (st != ZX_OK)
		return fail("zx_object_wait_one(PEER_CLOSED)", st, "ZX_OK");
	say("observed signals 0x%x: %s%s%s", observed,
	    observed & ZX_CHANNEL_PEER_CLOSED ? "PEER_CLOSED " : "",
	    observed & ZX_CHANNEL_READABLE ? "READABLE " : "",
	    observed & ZX_CHANNEL_WRITABLE ? "WRITABLE " : "");
	if (observed != ZX_CHANNEL_PEER_CLOSED) {
		say("FAIL: expected exactly ZX_CHANNEL_PEER_CLOSED (0x%x)",
		    ZX_CHANNEL_PEER_CLOSED);
		return 1;
	}

	st = zx_channel_read(h, 0, text, NULL, sizeof(text), 0, &actual_bytes,
			     &actual_handles);
	if (st != ZX_ERR_PEER_CLOSED)
		return fail("zx_channel_read after the peer closed", st,
			    "ZX_ERR_PEER_CLOSED");
	say("read: %s, as expected", zx_status_get_string(st));

	st = zx_channel_write(h, 0, "late", 4, NULL, 0);
	if (st != ZX_ERR_PEER_CLOSED)
		return fail("zx_channel_write after the peer closed", st,
			    "ZX_ERR_PEER_CLOSED");
	say("write: %s, as expected", zx_status_get_string(st));
	return 0;
}

static int check_pair(zx_handle_t a, zx_handle_t b)
{
	zx_info_handle_basic_t ia, ib;
	zx_status_t st;

	st = zx_object_get_info(a, ZX_INFO_HANDLE_BASIC, &ia, sizeof(ia), NULL,
				NULL);
	if (st != ZX_OK)
		return fail("zx_object_get_info(ZX_INFO_HANDLE_BASIC)", st, "ZX_OK");
	st = zx_object_get_info(b, ZX_INFO_HANDLE_BASIC, &ib, sizeof(ib), NULL,
				NULL);
	if (st != ZX_OK)
		return fail("zx_object_get_info(ZX_INFO_HANDLE_BASIC)", st, "ZX_OK");
	say("channel: handle %u (koid %llu) <-> handle %u (koid %llu)", a,
	    (unsigned long long)ia.koid, b, (unsigned long long)ib.koid);
	if (ia.type != ZX_OBJ_TYPE_CHANNEL || ib.type != ZX_OBJ_TYPE_CHANNEL ||
	    ia.koid == ZX_KOID_INVALID || ia.koid == ib.koid ||
	    ia.related_koid != ib.koid || ib.related_koid != ia.koid ||
	    ia.rights != ZX_DEFAULT_CHANNEL_RIGHTS ||
	    ib.rights != ZX_DEFAULT_CHANNEL_RIGHTS) {
		say("FAIL: endpoints are not a related channel pair with default rights");
		return 1;
	}
	return 0;
}

int main(void)
{
	zx_handle_t mine, theirs;
	zx_status_t st;
	int rc, wstatus;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);

	st = zx_channel_create(0, &mine, &theirs);
	if (st != ZX_OK)
		return fail("zx_channel_create", st, "ZX_OK");
	if (check_pair(mine, theirs))
		return 1;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		role = "child";
		/* The child keeps `theirs`; drop its copy of the parent's end. */
		st = zx_handle_close(mine);
		if (st != ZX_OK)
			exit(fail("zx_handle_close(parent's end)", st, "ZX_OK"));
		exit(child(theirs));
	}

	/* The parent keeps `mine`; drop its copy of the child's end, or the
	 * child's close would never make the channel peer-closed. */
	st = zx_handle_close(theirs);
	rc = st == ZX_OK ? parent(mine)
			 : fail("zx_handle_close(child's end)", st, "ZX_OK");

	/* Closing our end also wakes the child if we failed half-way. */
	st = zx_handle_close(mine);
	if (st != ZX_OK && !rc)
		rc = fail("zx_handle_close", st, "ZX_OK");

	if (waitpid(pid, &wstatus, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		say("FAIL: child exited abnormally (status 0x%x)", wstatus);
		rc = 1;
	}
	if (rc) {
		say("demo FAILED");
		return 1;
	}
	say("demo OK: %d round trips, peer closure observed", ROUNDS);
	return 0;
}
