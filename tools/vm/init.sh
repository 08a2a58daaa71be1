#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init (PID 1) of the zx test VM built by tools/vm/run.sh.
#
# Kernel messages go to the console on ttyS0 (a log file on the host).
# Everything this script and the programs it runs print goes to ttyS1, which
# the host streams live, so printk output never interleaves with TAP lines.
# Lines starting with "# ZXVM " are markers parsed by run.sh.
#
# /etc/zxvm.conf (written by run.sh) sets:
#   ZXVM_MODE          "tests" (run every line of /etc/zxvm-tests: a guest
#                      path and its arguments) or "cmd" (run /etc/zxvm-cmd)
#   ZXVM_TEST_TIMEOUT  per-binary timeout in seconds (safety net)
# and exports whatever VM_ENV asked for.
#
# Never use "set -e" here: if PID 1 exits, the kernel panics and the run's
# results are lost.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=dumb LANG=C LC_ALL=C

mount -t devtmpfs devtmpfs /dev
# Redirect early: if the initramfs has no /dev/console, PID 1 starts without
# stdin/stdout/stderr.
exec </dev/null >/dev/ttyS1 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts /dev/shm /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# Tests create many handles (each an fd); the kernel default of 1024 is low.
ulimit -n 65536
ulimit -c 0
hostname zxvm

mark() { echo "# ZXVM $*"; }
# Note in the kernel log what runs, so a splat in console.log can be tied
# to the test that caused it.
kmsg() { echo "zxvm: $*" >/dev/kmsg; }

. /etc/zxvm.conf

status=0
mark boot "$(uname -r)" "$(nproc) cpus"

# Debug kernels.  kmemleak: an object must be seen unchanged by two scans
# to be reported, and boot leaves some behind, so take a baseline (scan,
# scan, clear) before anything of ours runs.
kmemleak=/sys/kernel/debug/kmemleak
if [ -w $kmemleak ]; then
	echo scan >$kmemleak
	echo scan >$kmemleak
	echo clear >$kmemleak
	mark kmemleak-baseline
fi
kmemleak_scan() {
	[ -w $kmemleak ] || return 0
	sleep 5
	echo scan >$kmemleak
	echo scan >$kmemleak
	mark kmemleak-begin "$1"
	cat $kmemleak
	mark kmemleak-end
	echo clear >$kmemleak
}
# Fault injection through /proc/thread-self/fail-nth (the fail-nth sweep)
# must reach GFP_KERNEL allocations too, and quietly: the default stack
# dump of every injected failure would read as a kernel problem.
for f in /sys/kernel/debug/failslab /sys/kernel/debug/fail_page_alloc; do
	[ -d $f ] || continue
	echo N >$f/ignore-gfp-wait
	[ -e $f/ignore-gfp-highmem ] && echo N >$f/ignore-gfp-highmem
	echo 0 >$f/verbose
done

kmsg "insmod /zx.ko"
insmod /zx.ko
rc=$?
if [ $rc -eq 0 ]; then
	# devtmpfs creates the node synchronously on misc_register(); wait a
	# little anyway rather than fail on a race.
	i=0
	while [ ! -c /dev/zx ] && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -c /dev/zx ]; then
		echo "# /dev/zx does not exist after insmod"
		rc=1
	fi
fi
mark insmod $rc
loaded=$rc
[ $rc -eq 0 ] || status=1

if [ $loaded -ne 0 ]; then
	echo "# zx.ko not loaded: not running anything"
elif [ "$ZXVM_MODE" = tests ]; then
	while read -r t args; do
		[ -n "$t" ] || continue
		mark test-begin "$t"
		kmsg "test-begin $t $args"
		# Run from the binary's directory, as kselftest's runner does.
		# TERM after the timeout, KILL 10 s later if it ignores TERM.
		# shellcheck disable=SC2086 # args are words
		(cd "${t%/*}" && exec timeout -k 10 "$ZXVM_TEST_TIMEOUT" "./${t##*/}" $args) </dev/null
		rc=$?
		kmsg "test-end $t $rc"
		mark test-end "$t" $rc
		[ $rc -eq 0 ] || [ $rc -eq 4 ] || status=1
	done </etc/zxvm-tests
else
	kmsg "cmd-begin"
	(cd / && exec sh /etc/zxvm-cmd)
	rc=$?
	kmsg "cmd-end $rc"
	mark cmd-end $rc
	status=$rc
fi

# Kill whatever the tests left behind (test children live in their own
# process groups) so their open /dev/zx files do not keep the module busy:
# after this, a failing rmmod means a leaked module reference.
kill -9 -1 2>/dev/null
sleep 0.2
wait

# With nothing of the tests left, every zx object must go.  What the last
# closes left in a reference cycle is the cycle collector's to free, in a
# workqueue and through deferred fput (and a walk may be gc_interval_ms
# away): poll, generously.  Reported as "objects N SECONDS" (N should be
# 0), or "objects missing" on a module without the counter.
uptime_s() { cut -d' ' -f1 /proc/uptime; }
if [ $loaded -eq 0 ]; then
	zxsys=/sys/class/misc/zx
	if [ -r $zxsys/objects ]; then
		t0=$(uptime_s)
		i=0
		n=$(cat $zxsys/objects)
		while [ "$n" != 0 ] && [ $i -lt 300 ]; do
			sleep 0.2
			i=$((i + 1))
			n=$(cat $zxsys/objects)
		done
		secs=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }')
		if [ "$n" != 0 ]; then
			echo "# zx objects still $n after $secs s:" \
				"inflight_handles $(cat $zxsys/inflight_handles 2>&1)," \
				"gc_runs $(cat $zxsys/gc_runs 2>&1)," \
				"gc_collected $(cat $zxsys/gc_collected 2>&1)," \
				"refcnt $(cat /sys/module/zx/refcnt 2>&1)"
			kmsg "objects still $n after $secs s"
			status=1
		fi
		mark objects "$n" "$secs"
	else
		mark objects missing
	fi
fi

# While the module is loaded its symbols name the leaking call sites.
[ $loaded -eq 0 ] && kmemleak_scan before-rmmod

if [ $loaded -eq 0 ]; then
	kmsg "rmmod zx"
	# Retry briefly: file release can be deferred (delayed fput, RCU).
	i=0
	while :; do
		out=$(rmmod zx 2>&1)
		rc=$?
		[ $rc -eq 0 ] && break
		i=$((i + 1))
		[ $i -ge 15 ] && break
		sleep 0.2
	done
	if [ $rc -ne 0 ]; then
		echo "# rmmod zx failed: $out"
		echo "# zx refcnt: $(cat /sys/module/zx/refcnt 2>&1)"
		lsmod
		status=1
	fi
	mark rmmod $rc
	# After the unload, so that leaks of the unload path show too.
	kmemleak_scan after-rmmod
fi

mark taint "$(cat /proc/sys/kernel/tainted)"
mark dmesg-begin
dmesg
mark dmesg-end
mark exit $status

# Closing the last fd of ttyS1 waits until the UART has sent everything, so
# the markers above cannot be lost by the reboot.
exec >/dev/null 2>&1
sync
# -no-reboot turns the reboot into a QEMU exit.
reboot -f
echo b >/proc/sysrq-trigger
poweroff -f
