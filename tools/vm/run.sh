#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel in QEMU with a busybox initramfs, load zx.ko and run either
# the selftests (--tests) or one command. Modelled on the kernel's
# tools/testing/selftests/wireguard/qemu harness, but with the distro kernel
# (the development host kernel cannot load modules) and busybox-static.
#
# Usage:
#   tools/vm/run.sh --tests            run every selftest binary, print TAP,
#                                      end with "N passed, N failed, N skipped"
#   tools/vm/run.sh [--] CMD [ARG...]  run CMD in the guest (e.g. /examples/demo)
#
# In the guest: /zx.ko, /selftests/<path from print-tests>, /examples/<path
# from print-programs>, busybox applets in /bin, /sbin, /usr/bin, /usr/sbin,
# and with VM_M32_TESTS the 32-bit selftests in /m32/selftests/.
#
# A run fails (exit != 0) if insmod fails or /dev/zx is missing, if the
# module's live objects (/sys/class/misc/zx/objects) do not return to 0
# within 60 s once the tests are over and killed (a leak, e.g. a reference
# cycle not collected; skipped on a module without that attribute), if
# rmmod zx fails (leaked module reference), if the kernel log shows a
# WARNING, BUG, oops, KASAN/UBSAN/lockdep report, hung task etc., if the
# kernel taints itself with W/D/B/L, or if the guest never prints its exit
# marker (panic, hang, timeout). Otherwise it exits with the guest command's status
# (--tests: non-zero if a test failed or none passed).
#
# Environment:
#   KDIR             kernel build dir the module was built against; selects
#                    the kernel image (default: as the top-level Makefile)
#   VM_KERNEL        kernel image to boot (default: $KDIR/arch/x86/boot/bzImage
#                    if KDIR is a kernel build tree, else
#                    /boot/vmlinuz-<release of KDIR>)
#   VM_MEM           guest memory, QEMU -m syntax (default 1024)
#   VM_SMP           guest CPUs (default 2)
#   VM_ACCEL         kvm, tcg or auto (default auto: kvm if /dev/kvm works)
#   VM_APPEND        extra kernel command line
#   VM_TIMEOUT       seconds before the whole VM is killed (default 1500)
#   VM_TEST_TIMEOUT  seconds per test binary inside the guest (default 600)
#   VM_BUILD_DIR     work dir for initramfs and logs (default build/vm)
#   ZX_KO            module to load (default kmod/zx.ko)
#   VM_TESTS         test binaries (host paths, space separated) instead of
#                    `make -s -C selftests print-tests`
#   VM_M32_TESTS     32-bit (-m32) builds of the selftests (host paths,
#                    separated by blanks or newlines), run after VM_TESTS; their TAP results are
#                    named m32/<test>.  Empty or unset (the default, and what
#                    the debug tiers use: their kernels have no IA32
#                    emulation): no 32-bit run.  `make vm-check` sets it.
#   VM_EXAMPLES      example binaries (host paths) instead of
#                    `make -s -C examples print-programs`
#   VM_TOOL_TESTS    more tests to run after the selftests, separated by
#                    ';', each a host binary and its arguments (e.g.
#                    "tools/fuzz/zxfuzz -t 30"); installed as /tools/<name>
#   VM_ENV           KEY=VALUE words exported to the tests in the guest
#
# On a kernel with kmemleak (the debug tier) the guest takes a baseline
# after boot and scans after the tests and again after rmmod; any leak
# fails the run.  On a KCSAN kernel, data-race reports that involve the zx
# module fail the run; reports about the rest of the kernel are counted
# and shown but do not.
#
# Outputs in VM_BUILD_DIR: console.log (kernel console, ttyS0), output.log
# (guest stdout, ttyS1), dmesg.log (dmesg dumped at the end of the run),
# summary (the last line of a --tests run).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vmdir=${VM_BUILD_DIR:-$repo/build/vm}
mem=${VM_MEM:-1024}
smp=${VM_SMP:-2}
vm_timeout=${VM_TIMEOUT:-1500}
test_timeout=${VM_TEST_TIMEOUT:-600}
zx_ko=${ZX_KO:-$repo/kmod/zx.ko}

die() { echo "run.sh: $*" >&2; exit 1; }

usage() {
	sed -n '/^# Usage:/,/^# A run fails/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

mode=cmd
while [[ $# -gt 0 ]]; do
	case $1 in
	--tests) mode=tests; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
if [[ $mode == cmd && $# -eq 0 ]]; then
	usage >&2
	exit 2
fi
if [[ $mode == tests && $# -gt 0 ]]; then
	die "--tests takes no command"
fi

# ---------------------------------------------------------------------------
# Which kernel to boot: the one the module was built against.

if [[ -z ${KDIR:-} ]]; then
	# Same choice as the top-level Makefile.
	KDIR=/lib/modules/$(uname -r)/build
	if [[ ! -d $KDIR ]]; then
		KDIR=
		# shellcheck disable=SC2012 # release names have no blanks
		for d in $(ls -d /lib/modules/*/build 2>/dev/null | sort -V); do
			[[ -d $d ]] && KDIR=$d
		done
	fi
fi

[[ -f $zx_ko ]] || die "$zx_ko not found; run 'make module'"

# Release of KDIR's kernel: /lib/modules/<release>/build, or from the tree.
kver=
if [[ $KDIR =~ ^/lib/modules/([^/]+)/build/?$ ]]; then
	kver=${BASH_REMATCH[1]}
elif [[ -f $KDIR/include/generated/utsrelease.h ]]; then
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
fi

if [[ -z ${VM_KERNEL:-} ]]; then
	[[ -n $KDIR && -d $KDIR ]] || die "no kernel headers found (KDIR='$KDIR'); run 'make deps'"
	if [[ -f $KDIR/arch/x86/boot/bzImage ]]; then
		# KDIR is a full kernel build tree (e.g. a debug kernel).
		VM_KERNEL=$KDIR/arch/x86/boot/bzImage
	else
		[[ -n $kver ]] || die "cannot tell the kernel release of KDIR=$KDIR; set VM_KERNEL"
		VM_KERNEL=/boot/vmlinuz-$kver
		[[ -r $VM_KERNEL ]] ||
			die "$VM_KERNEL not found; install linux-image-$kver or set VM_KERNEL"
	fi
	# A mismatch would only show as an insmod failure in the guest.
	if [[ -n $kver ]] && command -v modinfo >/dev/null; then
		magic=$(modinfo -F vermagic "$zx_ko" | cut -d' ' -f1)
		[[ $magic == "$kver" ]] ||
			die "$zx_ko is built for '$magic' but the VM boots $kver; rebuild with 'make module' or set KDIR"
	fi
fi
[[ -r $VM_KERNEL ]] || die "cannot read kernel image $VM_KERNEL"

# ---------------------------------------------------------------------------
# Build the initramfs.

# One run at a time per work dir: several people (or make check and make
# demo) may start runs in the same checkout, and would overwrite each other's
# initramfs and logs. The lock is held until QEMU exits.
mkdir -p "$vmdir"
exec 9>"$vmdir/lock"
if ! flock -n 9; then
	echo "# zx-vm: another run is using $vmdir, waiting for it (or set VM_BUILD_DIR)" >&2
	flock 9
fi

initdir=$vmdir/initramfs
rm -rf "$initdir"
mkdir -p "$initdir"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc,selftests,examples,tools}

# Copy a host binary to a guest path, with its shared libraries if it is
# dynamically linked (the project's binaries are meant to be static).
install_bin() {
	local src=$1 dst=$2 lib
	mkdir -p "$initdir/$(dirname "$dst")"
	cp -L "$src" "$initdir/$dst"
	chmod 755 "$initdir/$dst"
	if ldd "$src" >/dev/null 2>&1; then
		for lib in $(ldd "$src" | grep -o '/[^ ]*'); do
			[[ -e $initdir/$lib ]] && continue
			mkdir -p "$initdir/$(dirname "$lib")"
			cp -L "$lib" "$initdir/$lib"
		done
	fi
}

busybox=$(command -v busybox) || die "busybox not found; run 'make deps'"
install_bin "$busybox" /bin/busybox
# Applet symlinks are made here rather than with "busybox --install" at boot,
# which needs /proc to find itself.
for applet in $("$busybox" --list-full); do
	[[ -e $initdir/$applet ]] || ln -s /bin/busybox "$initdir/$applet"
done

cp "$zx_ko" "$initdir/zx.ko"

# Print the programs a sub-Makefile lists (paths relative to its directory,
# separated by newlines or blanks), as absolute host paths, one per line.
# make's variables are removed from the environment so that a jobserver or
# flags of a calling make do not leak in.
list_programs() {
	local dir=$1 target=$2 out p
	[[ -f $repo/$dir/Makefile ]] || return 0
	out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s --no-print-directory -C "$repo/$dir" "$target") ||
		die "make -C $dir $target failed"
	for p in $out; do
		[[ $p == /* ]] && echo "$p" || echo "$repo/$dir/$p"
	done
}

# Guest path of a host binary: keep the path below selftests/ or examples/
# of the repo, otherwise (override lists) use the file name.
guest_path() {
	local top=$1 host=$2
	if [[ $host == "$repo/$top/"* ]]; then
		echo "/$top/${host#"$repo/$top/"}"
	else
		echo "/$top/$(basename "$host")"
	fi
}

if [[ -n ${VM_TESTS+set} ]]; then
	read -r -a tests <<<"$VM_TESTS"
else
	mapfile -t tests < <(list_programs selftests print-tests)
fi
m32_tests=()
# All lines: the list may come straight from print-tests, one a line.
[[ -z ${VM_M32_TESTS:-} ]] || read -r -d '' -a m32_tests <<<"$VM_M32_TESTS" || true
if [[ -n ${VM_EXAMPLES+set} ]]; then
	read -r -a examples <<<"$VM_EXAMPLES"
else
	mapfile -t examples < <(list_programs examples print-programs)
fi

guest_tests=()
for t in "${tests[@]}"; do
	[[ -f $t ]] || die "test binary $t not found; run 'make selftests'"
	g=$(guest_path selftests "$t")
	install_bin "$t" "$g"
	guest_tests+=("$g")
done
# The 32-bit suite under /m32 (the prefix tells stream() which results to
# rename), keeping the path below .../selftests/ of the host binary.
for t in "${m32_tests[@]}"; do
	[[ -f $t ]] || die "32-bit test binary $t not found; run 'make m32'"
	if [[ $t == */selftests/* ]]; then
		g=/m32/selftests/${t##*/selftests/}
	else
		g=/m32/selftests/$(basename "$t")
	fi
	install_bin "$t" "$g"
	guest_tests+=("$g")
done
for e in "${examples[@]}"; do
	if [[ -f $e ]]; then
		install_bin "$e" "$(guest_path examples "$e")"
	elif [[ $mode == cmd ]]; then
		echo "run.sh: warning: example $e not built" >&2
	fi
done
if [[ $mode == tests && ${#guest_tests[@]} -eq 0 && -z ${VM_TOOL_TESTS:-} ]]; then
	die "no test binaries (selftests print-tests listed none)"
fi

# One test per line of /etc/zxvm-tests: a guest path and its arguments.
: >"$initdir/etc/zxvm-tests"
for g in "${guest_tests[@]}"; do
	echo "$g" >>"$initdir/etc/zxvm-tests"
done
IFS=';' read -r -a tool_tests <<<"${VM_TOOL_TESTS:-}"
for line in "${tool_tests[@]}"; do
	read -r -a words <<<"$line"
	[[ ${#words[@]} -gt 0 ]] || continue
	host=${words[0]}
	[[ $host == /* ]] || host=$repo/$host
	[[ -f $host ]] || die "tool test $host not found"
	g=/tools/$(basename "$host")
	install_bin "$host" "$g"
	echo "$g ${words[*]:1}" >>"$initdir/etc/zxvm-tests"
done

install -m 755 "$repo/tools/vm/init.sh" "$initdir/init"
{
	echo "ZXVM_MODE=$mode"
	echo "ZXVM_TEST_TIMEOUT=$test_timeout"
	for kv in ${VM_ENV:-}; do
		echo "export ${kv%%=*}='${kv#*=}'"
	done
} >"$initdir/etc/zxvm.conf"
if [[ $mode == cmd ]]; then
	# Quote each argument for busybox sh: '...' with ' written as '\''.
	cmd=
	for a in "$@"; do
		cmd+=" '${a//\'/\'\\\'\'}'"
	done
	echo "exec$cmd" >"$initdir/etc/zxvm-cmd"
fi

# Without /dev/console in the initramfs PID 1 starts without stdio; init.sh
# copes, but the node keeps early error messages visible. Needs root.
mknod "$initdir/dev/console" c 5 1 2>/dev/null || true

(cd "$initdir" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$vmdir/initramfs.cpio.gz"

# ---------------------------------------------------------------------------
# Boot.

# /dev/kvm can exist and open, yet not run a guest (nested virtualization
# in a sandbox: QEMU aborts on an MSR, or the guest hangs after the real-mode
# setup code). So boot the kernel with the options of the real run and wait
# up to 5 s for its first printk, "Linux version" (~0.5 s on working KVM).
kvm_works() {
	[[ -r /dev/kvm && -w /dev/kvm ]] || return 1
	local log=$vmdir/kvm-probe.log pid i ok=1
	rm -f "$log"
	qemu-system-x86_64 -machine q35 -accel kvm -cpu host -m 256 -nodefaults \
		-display none -no-user-config -monitor none -no-reboot \
		-kernel "$VM_KERNEL" -append "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1" \
		-serial "file:$log" </dev/null >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q 'Linux version' "$log" 2>/dev/null && { ok=0; break; }
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	kill $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	grep -q 'Linux version' "$log" 2>/dev/null && ok=0
	return $ok
}

accel=${VM_ACCEL:-auto}
if [[ $accel == auto ]]; then
	accel=tcg
	# In a subshell with stderr discarded: bash would otherwise report
	# "Aborted" for the probe's QEMU at some later point of the output.
	(kvm_works) 2>/dev/null && accel=kvm
fi
cpu=()
[[ $accel == kvm ]] && cpu=(-cpu host)

append="console=ttyS0 panic=-1 oops=panic panic_on_warn=0 no_hash_pointers"
# syscall.x32=y: x32_test makes x32 system calls to see them refused.
append+=" rdinit=/init printk.devkmsg=on syscall.x32=y ${VM_APPEND:-}"

console_log=$vmdir/console.log
output_log=$vmdir/output.log
dmesg_log=$vmdir/dmesg.log
rm -f "$console_log" "$output_log" "$dmesg_log" "$vmdir/summary"

qemu=(
	qemu-system-x86_64 -machine q35 -accel "$accel" "${cpu[@]}"
	-smp "$smp" -m "$mem" -nographic -no-reboot -no-user-config -nodefaults
	-monitor none
	-kernel "$VM_KERNEL" -initrd "$vmdir/initramfs.cpio.gz" -append "$append"
	# ttyS0: kernel console, to a file; ttyS1: guest output, to stdout.
	-serial "file:$console_log" -serial stdio
)

echo "# zx-vm: booting $VM_KERNEL ($accel, ${smp} cpus, ${mem} MiB), timeout ${vm_timeout}s"

# Show the guest output live, minus the dmesg dump (saved to dmesg.log), and
# keep all of it in output.log for parsing.  The TAP results of the 32-bit
# binaries (/m32/...) become "ok N m32/<test>", so that a failure names the
# suite it belongs to.
stream() {
	local line in_dmesg=0 m32=0 re_tap='^((not )?ok [0-9]+ )(.*)$'
	exec 3>"$output_log" 4>"$dmesg_log"
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		case $line in
		*"# ZXVM test-begin /m32/"*) m32=1 ;;
		*"# ZXVM test-"*) m32=0 ;;
		esac
		if [[ $m32 == 1 && $line =~ $re_tap ]]; then
			# A skip has no name, only its "# SKIP" directive.
			if [[ ${BASH_REMATCH[3]} == "#"* ]]; then
				line="${BASH_REMATCH[1]}m32 ${BASH_REMATCH[3]}"
			else
				line=${BASH_REMATCH[1]}m32/${BASH_REMATCH[3]}
			fi
		fi
		printf '%s\n' "$line" >&3
		case $line in
		*"# ZXVM dmesg-begin"*) in_dmesg=1; continue ;;
		*"# ZXVM dmesg-end"*) in_dmesg=0; continue ;;
		*"# ZXVM kmemleak-begin"*) in_dmesg=2; continue ;;
		*"# ZXVM kmemleak-end"*) in_dmesg=0; continue ;;
		esac
		if [[ $in_dmesg == 1 ]]; then
			printf '%s\n' "$line" >&4
		else
			printf '%s\n' "$line"
		fi
	done
}

start=$SECONDS
set +e
timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null | stream
qemu_rc=${PIPESTATUS[0]}
set -e
echo "# zx-vm: VM ran for $((SECONDS - start)) s (qemu status $qemu_rc)"

# ---------------------------------------------------------------------------
# Evaluate.

# Value of the last marker NAME in output.log (markers may follow unterminated
# output on the same line, hence the match anywhere in the line).
marker() {
	sed -n "s/.*# ZXVM $1 \{0,1\}\(.*\)$/\1/p" "$output_log" | tail -n 1
}

pass=0 fail=0 skip=0 test_pass=0
result() { # ok|fail|skip description [skip reason]
	case $1 in
	ok) pass=$((pass + 1)); echo "ok - $2" ;;
	fail) fail=$((fail + 1)); echo "not ok - $2" ;;
	skip) skip=$((skip + 1)); echo "ok - $2 # SKIP${3:+ $3}" ;;
	esac
}

echo "# ---- zx-vm results ----"

finished=1
if [[ -z $(marker exit) ]]; then
	finished=0
	if [[ $qemu_rc -eq 124 || $qemu_rc -eq 137 ]]; then
		why="timed out after ${vm_timeout}s"
	else
		why="stopped without its exit marker: kernel panic or crash?"
	fi
	result fail "VM $why"
	echo "# ---- last lines of $console_log ----"
	tail -n 60 "$console_log" | sed 's/\r$//; s/^/# /'
fi

insmod_rc=$(marker insmod)
if [[ -n $insmod_rc && $insmod_rc != 0 ]]; then
	result fail "insmod zx (status $insmod_rc)"
fi

if [[ $mode == tests ]]; then
	# Count the TAP result lines of each binary between its begin/end
	# markers. A binary that fails (exit status not 0, nor 4 = KSFT_SKIP)
	# or reports fewer results than planned without a "not ok" of its own
	# costs one extra failure.
	cur='' p=0 f=0 s=0 plan=''
	end_binary() { # exit status, or "" if the binary never finished
		local rc=$1 n=$((p + f + s))
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
		test_pass=$((test_pass + p))
		echo "# $cur: $p passed, $f failed, $s skipped${rc:+, exit status $rc}"
		if [[ -z $rc ]]; then
			result fail "$cur did not finish (VM died)"
		elif [[ $rc == 4 && $n -eq 0 ]]; then
			result skip "$cur"
		elif [[ $rc != 0 && $rc != 4 && $f -eq 0 ]]; then
			case $rc in
			124 | 137 | 143) result fail "$cur killed (exit status $rc, timeout ${test_timeout}s?)" ;;
			*) result fail "$cur exited with status $rc" ;;
			esac
		elif [[ -n $plan && $n -lt $plan && $f -eq 0 ]]; then
			result fail "$cur reported $n of $plan planned results"
		fi
		cur=
	}
	re_result='^(not )?ok( [0-9]+)?( |$)'
	re_skip='#[[:space:]]*[Ss][Kk][Ii][Pp]'
	while IFS= read -r line; do
		if [[ $line =~ \#\ ZXVM\ test-begin\ (.*)$ ]]; then
			[[ -n $cur ]] && end_binary ""
			cur=${BASH_REMATCH[1]} p=0 f=0 s=0 plan=
		elif [[ $line =~ \#\ ZXVM\ test-end\ [^\ ]+\ ([0-9]+)$ ]]; then
			[[ -n $cur ]] && end_binary "${BASH_REMATCH[1]}"
		elif [[ -n $cur && $line =~ ^1\.\.([0-9]+) ]]; then
			plan=${BASH_REMATCH[1]}
		elif [[ -n $cur && $line =~ $re_result ]]; then
			if [[ $line =~ $re_skip ]]; then
				s=$((s + 1))
			elif [[ $line == ok* ]]; then
				p=$((p + 1))
			else
				f=$((f + 1))
			fi
		fi
	done <"$output_log"
	[[ -n $cur ]] && end_binary ""
fi

if [[ -n $insmod_rc && $insmod_rc == 0 ]]; then
	# "objects N SECONDS" from init.sh's wait for the count to reach 0.
	objects=$(marker objects)
	case $objects in
	missing)
		result skip "objects returned to 0" \
			"no /sys/class/misc/zx/objects (module without the cycle collector)"
		;;
	"0 "*) result ok "objects returned to 0 (after ${objects#* } s)" ;;
	"") result fail "objects returned to 0 (never checked: the VM did not get there)" ;;
	*) result fail "objects returned to 0 (still ${objects%% *} after ${objects#* } s)" ;;
	esac
	rmmod_rc=$(marker rmmod)
	if [[ $rmmod_rc == 0 ]]; then
		result ok "rmmod zx"
	else
		result fail "rmmod zx (status ${rmmod_rc:-missing})"
	fi
fi

# Kernel log scan: the whole console (everything since boot, even what the
# dmesg ring buffer lost) and the dmesg dump (messages below the console
# loglevel). "module verification failed" (unsigned module taint) is fine.
# KCSAN reports start with "BUG: KCSAN:"; the bare word would also match
# KCSAN's boot banner ("use CONFIG_KCSAN_STRICT=y to see all data races").
bad='WARNING:|BUG:|Oops|kernel NULL pointer|KASAN|UBSAN|possible circular locking'
bad+='|possible recursive locking|inconsistent lock state|suspicious RCU usage'
bad+='|Call Trace|general protection fault|INFO: task|INFO: rcu_|soft lockup'
bad+='|hard LOCKUP|Kernel panic|kernel BUG|unreferenced object|refcount_t:'
bad+='|list_(add|del) corruption|ODEBUG:|not NULL!'

# A KCSAN report runs from its "BUG: KCSAN:" line to a line of '='.  Those
# that involve the module (a "[zx]" frame) stay in the scanned text;
# reports about the rest of the kernel are counted and dropped, since the
# Debian sources have data races of their own that are not ours to fix.
kcsan_filter() { # in out -> prints the number of foreign reports
	awk -v out="$2" '
		/BUG: KCSAN:/ { inrep = 1; n = 0 }
		inrep { rep[n++] = $0; if ($0 ~ /\[zx\]/) ours = 1
			if ($0 ~ /^(\[[ .0-9]*\] )?==========/ && n > 2) {
				for (i = 0; i < n; i++) if (ours) print rep[i] > out
				if (!ours) foreign++
				inrep = 0; ours = 0; n = 0
			}
			next }
		{ print > out }
		END { for (i = 0; i < n; i++) print rep[i] > out; print foreign + 0 }' "$1"
}

dirty=0
for f in "$console_log" "$dmesg_log"; do
	[[ -f $f ]] || continue
	scan=$f
	if grep -a -q 'BUG: KCSAN:' "$f"; then
		scan=$vmdir/$(basename "$f").kcsan-filtered
		foreign=$(kcsan_filter "$f" "$scan")
		[[ $foreign -eq 0 ]] ||
			echo "# $f: $foreign KCSAN report(s) without a zx frame (not counted)"
	fi
	grep -a -q -E "$bad" "$scan" || continue
	dirty=1
	echo "# ---- kernel log problems in $f ----"
	grep -a -n -E "$bad" "$scan" | sed 's/\r$//; s/^/# /' | head -n 40
	# The first report with its context (the CI log is all one gets).
	first=$(grep -a -n -m 1 -E "$bad" "$scan" | cut -d: -f1)
	echo "# ---- first report, line $first ----"
	sed -n "$((first > 5 ? first - 5 : 1)),$((first + 60))p" "$scan" | sed 's/\r$//; s/^/# /'
	# The dmesg dump repeats the console: one report is enough.
	break
done
# kmemleak's findings are read from debugfs by the guest, into output.log.
# Objects the idle task allocated while the kernel booted (comm
# "swapper/N", pid 0: ACPI caches, seen reported minutes after boot
# despite the baseline) cannot be the module's; they are counted, shown
# and not held against the run.
kmemleak_text=$(sed -n '/# ZXVM kmemleak-begin/,/# ZXVM kmemleak-end/p' "$output_log")
boot_leaks=$(grep -A1 'unreferenced object' <<<"$kmemleak_text" |
	grep -c 'comm "swapper/[0-9]*", pid 0,' || true)
leaks=$(($(grep -c 'unreferenced object' <<<"$kmemleak_text" || true) - boot_leaks))
[[ $boot_leaks -eq 0 ]] ||
	echo "# kmemleak: $boot_leaks object(s) allocated by the booting kernel (pid 0, not counted)"
if [[ $leaks -gt 0 ]]; then
	dirty=1
	echo "# ---- kmemleak: $leaks suspected leak(s) ----"
	sed -n '/# ZXVM kmemleak-begin/,/# ZXVM kmemleak-end/p' "$output_log" | head -n 80 |
		sed 's/^/# /'
fi
# Taint flags: B (32) bad page, D (128) oops, W (512) warning, L (16384)
# soft lockup. Catches splats whose text did not reach the logs.
taint=$(marker taint)
if [[ -n $taint ]] && ((taint & (32 | 128 | 512 | 16384))); then
	dirty=1
	echo "# kernel tainted: $taint"
fi
if [[ $dirty == 1 ]]; then
	result fail "kernel log clean (see $console_log)"
elif [[ $finished == 0 ]]; then
	result fail "kernel log clean (unknown: the VM did not finish)"
else
	result ok "kernel log clean"
fi

if [[ $mode == tests ]]; then
	if [[ $test_pass -eq 0 && $fail -eq 0 ]]; then
		echo "# no test passed"
		fail=$((fail + 1))
	fi
	summary="$pass passed, $fail failed, $skip skipped"
	echo "$summary" >"$vmdir/summary"
	echo "$summary"
	[[ $fail -eq 0 ]]
else
	cmd_rc=$(marker cmd-end)
	echo "# zx-vm: command exited with status ${cmd_rc:-unknown}"
	[[ $fail -eq 0 ]] || exit 1
	exit "${cmd_rc:-1}"
fi
