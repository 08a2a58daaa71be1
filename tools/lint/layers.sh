#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's files call one way (docs/architecture.md).  Each file has a
# layer; a file may include the headers of, and call the functions of,
# files in lower layers only (plus its own header).  Checked twice:
#
#   includes  every #include "x.h" in kmod/*.[ch];
#   symbols   every zx symbol an object file uses but does not define
#             (nm of the kmod/*.o that `make module` left), against the
#             object file that defines it.
#
# Also checks that no function of the module is named like a function
# libzx declares (grep would find both, with other signatures).
#
# Usage: tools/lint/layers.sh   (after `make module`)
set -euo pipefail

cd "$(dirname "$0")/../.."

# Higher calls lower.  Keep in step with docs/architecture.md.
declare -A rank=(
	[main]=80
	[ioctl]=70 [compat]=65
	[call]=60
	[channel]=50 [event]=50
	[wait]=40
	[message]=30
	[gc]=25
	[handle]=20
	[fd]=10 [object]=10 [limits]=10 [user]=10
)

bad=0
complain() { echo "layers: $*" >&2; bad=1; }

for f in kmod/*.[ch]; do
	base=$(basename "${f%.*}")
	[[ $base == *.mod ]] && continue
	r=${rank[$base]:-}
	[[ -n $r ]] || { complain "$f has no layer (add it to $0 and docs/architecture.md)"; continue; }
	while read -r inc; do
		ib=${inc%.h}
		[[ $ib == "$base" ]] && continue
		ir=${rank[$ib]:-}
		[[ -n $ir ]] || { complain "$f includes unknown \"$inc\""; continue; }
		((ir < r)) || complain "$f (layer $r) includes \"$inc\" (layer $ir)"
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done

# Which object defines each global zx symbol.
declare -A owner=()
objs=()
for o in kmod/*.o; do
	base=$(basename "${o%.o}")
	[[ -n ${rank[$base]:-} ]] || continue
	objs+=("$o")
	while read -r _ _ sym; do
		owner[$sym]=$base
	done < <(nm --defined-only -g "$o" | grep ' zx_' || true)
done
((${#objs[@]})) || { echo "layers: no kmod/*.o; run 'make module' first" >&2; exit 1; }
for o in "${objs[@]}"; do
	base=$(basename "${o%.o}")
	while read -r _ sym; do
		def=${owner[$sym]:-}
		[[ -n $def && $def != "$base" ]] || continue
		((rank[$def] < rank[$base])) ||
			complain "$base.o (layer ${rank[$base]}) calls $sym of $def.o (layer ${rank[$def]})"
	done < <(nm -u "$o" | grep ' zx_' || true)
done

# Kernel functions must not share a name with libzx's.
libzx_names=$(grep -rhoE '\bzxl?_[a-z0-9_]+[[:space:]]*\(' libzx/include | tr -d '( \t' | sort -u)
kmod_names=$(grep -hoE '^[a-z_].*\b(zx_[a-z0-9_]+)\(' kmod/*.[ch] |
	grep -oE 'zx_[a-z0-9_]+\($' | tr -d '(' | sort -u)
clash=$(comm -12 <(echo "$libzx_names") <(echo "$kmod_names"))
[[ -z $clash ]] || complain "kernel functions named like libzx's: $(echo $clash)"

((bad == 0)) || exit 1
echo "layers: kmod/ includes and calls go one way; no name shared with libzx"
