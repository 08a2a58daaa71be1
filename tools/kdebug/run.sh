#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug tiers: build (or take from the cache) the FLAVOR kernel, build
# the module against it in build/mod-FLAVOR (the normal kmod/zx.ko stays
# the distro kernel's), and run in one VM boot the whole selftest suite,
# the race fuzzer and, for kasan, the fail-nth sweep; kmemleak scans before
# and after rmmod.  Any report fails the run (tools/vm/run.sh).
#
# Usage: tools/kdebug/run.sh kasan|kcsan
# Env:   ZXFUZZ_SECONDS  how long the fuzzer runs (default 180)
#        and everything tools/vm/run.sh and build.sh take.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
flavor=${1:?usage: $0 kasan|kcsan}
fuzz_seconds=${ZXFUZZ_SECONDS:-180}

t0=$SECONDS
kdir=$("$repo/tools/kdebug/build.sh" "$flavor")
t1=$SECONDS

mod=$repo/build/mod-$flavor
rm -rf "$mod"
mkdir -p "$mod"
cp -r "$repo/Kbuild" "$repo/kmod" "$repo/uapi" "$mod/"
rm -f "$mod"/kmod/*.o "$mod"/kmod/*.ko "$mod"/kmod/*.mod* "$mod"/kmod/.*.cmd
make -s -C "$kdir/build" M="$mod" modules >&2
echo "# kdebug: $flavor kernel ready after $((t1 - t0)) s, module built after $((SECONDS - t1)) s"

tool_tests="tools/fuzz/zxfuzz -t $fuzz_seconds"
append="panic_on_warn=1"
if [[ $flavor == kasan ]]; then
	tool_tests+=";tools/fuzz/zxfailnth"
else
	# KCSAN warns about races in the rest of the kernel too: those must
	# not end the run (run.sh tells them apart from the module's).
	append="panic_on_warn=0"
fi

export KDIR=$kdir/build
export VM_KERNEL=$kdir/bzImage
export ZX_KO=$mod/kmod/zx.ko
export VM_APPEND="$append ${VM_APPEND:-}"
export VM_TOOL_TESTS="$tool_tests"
export VM_BUILD_DIR=${VM_BUILD_DIR:-$repo/build/vm-$flavor}
export VM_TIMEOUT=${VM_TIMEOUT:-4800}
export VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-1800}
exec "$repo/tools/vm/run.sh" --tests
