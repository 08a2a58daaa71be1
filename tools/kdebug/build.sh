#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) a debug kernel for the test VM from Debian's linux-source-6.1
# and print the directory that holds it:
#
#   <dir>/bzImage        the kernel to boot
#   <dir>/build/         what `make -C <dir>/build M=... modules` needs
#   <dir>/config         its .config
#
# Usage: tools/kdebug/build.sh kasan|kcsan
#
# FLAVOR is base.config plus FLAVOR.config, merged onto allnoconfig (see
# ../../shared/notes/debug-kernel.md for why allnoconfig and every pitfall).
# The result is cached outside the repository, under
# $ZX_KERNEL_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/zx-kernels), keyed by
# the fragments, this script, the linux-source package version and the
# toolchain: change any of them and the next run builds a new kernel.  A
# cold build takes about 10 minutes on 2 cores; a cached one, nothing.
# Progress goes to stderr, the directory alone to stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
flavor=${1:?usage: $0 kasan|kcsan}
[[ -f $here/$flavor.config ]] || { echo "build.sh: no $here/$flavor.config" >&2; exit 2; }
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
[[ -r $tarball ]] || { echo "build.sh: $tarball missing; run 'make deps'" >&2; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %s "$tarball")
key=$(cat "$here/base.config" "$here/$flavor.config" "$here/build.sh" | sha256sum | cut -c1-16)
key+="-$srcver-gcc$(gcc -dumpfullversion)-ld$(ld --version | head -1 | awk '{print $NF}')"
cache=${ZX_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zx-kernels}
out=$cache/$flavor-$key

log() { echo "kdebug: $*" >&2; }

if [[ -f $out/ok ]]; then
	log "$flavor kernel cached in $out"
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
# One build per cache directory at a time; a second caller waits and then
# finds the result.
exec 8>"$cache/.lock-$flavor"
flock 8
if [[ -f $out/ok ]]; then
	echo "$out"
	exit 0
fi

start=$SECONDS
work=$out.tmp
# An interrupted build of the same key goes on where it stopped.
if [[ ! -f $work/key || $(cat "$work/key") != "$key" ]]; then
	rm -rf "$work"
	mkdir -p "$work"
	log "building the $flavor kernel in $work (about 10 minutes)"
	tar -xJf "$tarball" -C "$work"
	echo "$key" >"$work/key"
else
	log "resuming the $flavor kernel build in $work"
fi
src=$(echo "$work"/linux-source-*)
[[ -d $src ]] || { log "no source tree in $work"; exit 1; }

cd "$src"
# -n: allnoconfig with the fragments as KCONFIG_ALLCONFIG
scripts/kconfig/merge_config.sh -n "$here/base.config" "$here/$flavor.config" >&2
# merge_config only warns when a value does not stick; fail instead.
bad=0
for f in "$here/base.config" "$here/$flavor.config"; do
	while read -r l; do
		case $l in
		CONFIG_*)
			grep -qxF -- "$l" .config || { log "not set: $l"; bad=1; } ;;
		"# CONFIG_"*" is not set")
			s=${l#\# }; s=${s%% *}
			! grep -q "^$s=" .config || { log "not unset: $s"; bad=1; } ;;
		esac
	done <"$f"
done
[[ $bad == 0 ]] || exit 1

# All of it: modpost must write Module.symvers for module builds.
make -s -j"$(nproc)" all >&2
log "built in $((SECONDS - start)) s; caching the image and module build files"

# What an out-of-tree module build needs: the file list of Debian's
# linux-headers (scripts/package/builddeb).
mkdir -p "$work/pkg/build"
{
	find . arch/x86 -maxdepth 1 -name 'Makefile*'
	find include scripts -type f -o -type l
	find arch/x86 -name Kbuild.platforms -o -name Platform
	find $(find arch/x86 -name include -o -name scripts -type d) -type f
	echo tools/objtool/objtool
	find arch/x86/include Module.symvers include scripts -type f
	echo .config
} | sort -u | tar -cf - -T - | tar -xf - -C "$work/pkg/build"
cp arch/x86/boot/bzImage "$work/pkg/bzImage"
cp .config "$work/pkg/config"
cp System.map "$work/pkg/System.map"

cd /
rm -rf "$out"
mv "$work/pkg" "$out"
rm -rf "$work"
echo "$((SECONDS - start))" >"$out/build-seconds"
touch "$out/ok"
log "$flavor kernel ready in $out ($((SECONDS - start)) s)"
echo "$out"
