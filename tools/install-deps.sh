#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages needed to build zx and test it in a VM.
# Idempotent and fast when everything is there: apt-get runs only if
# dpkg-query reports a package missing (CI machines start fresh, so the
# project must install everything itself).
set -euo pipefail

pkgs=(
	# toolchain, kbuild and sparse (make C=1)
	gcc make libc6-dev bc flex bison libelf-dev pkg-config perl sparse
	# the 32-bit (-m32) libzx and selftests: i386 libc, libgcc and crt
	# files for gcc (pulls in libc6-dev-i386)
	gcc-multilib
	# the distro kernel: headers to build against, image to boot in QEMU
	linux-image-amd64 linux-headers-amd64 kmod
	# kselftest harness and checkpatch.pl are extracted from this
	linux-source-6.1 xz-utils
	# the VM: QEMU, a static busybox for the initramfs, cpio to pack it
	qemu-system-x86 busybox-static cpio
	# netlink libraries (for tests and tools that talk generic netlink)
	libnl-genl-3-dev libnl-3-dev
)

# One dpkg-query for all packages; unknown ones print nothing on stdout.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null || true)
missing=()
for p in "${pkgs[@]}"; do
	grep -qx "$p installed" <<<"$installed" || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
