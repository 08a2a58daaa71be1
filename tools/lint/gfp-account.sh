#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every allocation the module makes is made on behalf of the process whose
# system call causes it, so it must be charged to that process's memory
# cgroup: GFP_KERNEL_ACCOUNT (or an explicit __GFP_ACCOUNT), never a plain
# GFP_KERNEL or another base mask.  Fails listing the offending lines.
#
# Usage: tools/lint/gfp-account.sh [FILE...]   (default: kmod/*.[ch])
set -euo pipefail

cd "$(dirname "$0")/../.."
files=("$@")
[[ ${#files[@]} -gt 0 ]] || files=(kmod/*.[ch])

bad=$(grep -nwE 'GFP_(KERNEL|NOWAIT|ATOMIC|NOIO|NOFS|USER|HIGHUSER|DMA|DMA32)' \
	"${files[@]}" | grep -v '__GFP_ACCOUNT' || true)
if [[ -n $bad ]]; then
	echo "gfp-account: allocations not charged to the caller's memcg:" >&2
	echo "$bad" >&2
	exit 1
fi
echo "gfp-account: every allocation flag in ${#files[@]} files is _ACCOUNT"
