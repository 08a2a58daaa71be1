#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Locking is asserted, not only described: every function whose name ends
# in _locked starts with lockdep_assert_held() (after plain declarations,
# none of which may call anything), and every lockdep_assert_held() sits in
# a function named *_locked.
#
# Usage: tools/lint/locked.sh [FILE...]   (default: kmod/*.c)
set -euo pipefail

cd "$(dirname "$0")/../.."
files=("$@")
[[ ${#files[@]} -gt 0 ]] || files=(kmod/*.c)

awk '
function report(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg; bad = 1 }
# A function definition starts at column 0 and ends with ")" or ","
/^[a-z].*[ *]zx_[a-z0-9_]+\(/ && !/;$/ {
	match($0, /zx_[a-z0-9_]+\(/)
	fn = substr($0, RSTART, RLENGTH - 1)
	infn = 1; body = 0; want = fn ~ /_locked$/; seen = 0
	next
}
infn && /^\{/ { body = 1; next }
infn && /^\}/ {
	if (want && !seen)
		report(fn " is _locked but does not start with lockdep_assert_held()")
	infn = 0; body = 0
	next
}
body && /lockdep_assert_held\(/ {
	if (!want)
		report(fn " asserts a lock but is not named *_locked")
	seen = 1
	next
}
# Before the assertion only declarations without calls may come.
body && want && !seen && !/^$/ {
	if ($0 !~ /^\t[a-z_][a-z0-9_ ]*[ *]+[a-z_][a-z0-9_]*(\[[^]]*\])?(, \**[a-z_][a-z0-9_]*)*( = [^(>]*)?;$/ &&
	    $0 !~ /^\tLIST_HEAD\(/)
		report(fn ": code before lockdep_assert_held(): " $0)
	next
}
END { exit bad }
' "${files[@]}" || { echo "locked: see above" >&2; exit 1; }
echo "locked: every *_locked function asserts its lock first"
