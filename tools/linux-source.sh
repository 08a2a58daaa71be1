#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the few files of the kernel source tree that the project uses
# (kselftest harness headers for selftests/, checkpatch.pl and its data files
# for `make checkpatch`) from Debian's linux-source package into DEST.
#
# They are never committed to this repository: they come from the distro
# package so that they match the kernel we build against.
#
# Usage: tools/linux-source.sh [DEST]        (default: build/linux-source)
# Env:   LINUX_SOURCE_TARBALL  tarball to extract from
#                              (default: /usr/src/linux-source-6.1.tar.xz)
set -euo pipefail

cd "$(dirname "$0")/.."

dest=${1:-build/linux-source}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

files=(
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
)

if [[ ! -r $tarball ]]; then
	echo "linux-source.sh: $tarball not found; run 'make deps' (installs linux-source-6.1)" >&2
	exit 1
fi

# The stamp records which tarball (and which version of it) the files came
# from, so a linux-source package update re-extracts, and otherwise the slow
# (~10 s: the whole .tar.xz must be decompressed) extraction runs only once.
stamp=$dest/.stamp
want="$(realpath "$tarball") $(stat -c '%s %Y' "$tarball") ${files[*]}"
if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
	touch "$stamp" # newer than this script: make need not ask again
	exit 0
fi

# Debian's tarball has one top directory named like the file
# (linux-source-6.1.tar.xz -> linux-source-6.1/); strip it.
top=$(basename "$tarball")
top=${top%%.tar*}

echo "  EXTRACT $dest (from $tarball)"
rm -f "$stamp" "${files[@]/#/$dest/}"
mkdir -p "$dest"
tar -xJf "$tarball" -C "$dest" --strip-components=1 "${files[@]/#/$top/}"

for f in "${files[@]}"; do
	[[ -f $dest/$f ]] || { echo "linux-source.sh: $f missing from $tarball" >&2; exit 1; }
done
echo "$want" >"$stamp"
