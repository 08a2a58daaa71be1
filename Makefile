# SPDX-License-Identifier: GPL-2.0
#
# zx: Zircon channels for Linux processes (kernel module + libzx).
#
#   make [all]        build the module, libzx, the selftests and the examples,
#                     and a 32-bit (-m32) libzx.a and selftests in build/m32
#   make module       kmod/zx.ko only (W=1 and C=1 reach kbuild; KDIR=...)
#   make m32          the 32-bit libzx.a and selftests only
#   make deps         install the Debian packages the project needs (apt)
#   make check        deps + all + lint, then in a VM (QEMU) with the distro
#                     kernel the selftests, the same selftests built 32-bit
#                     (TAP names m32/...) and 30 s of the fuzzer
#   make check-debug  the 64-bit selftests, longer fuzzing and the fail-nth sweep,
#                     on a KASAN + lockdep + kmemleak kernel built once (cached)
#   make check-kcsan  the selftests and the fuzzer on a KCSAN kernel
#   make demo         deps + all, then run examples/demo in a VM
#   make vm-check     what make check runs in the VM, no deps/build step
#   make vm-demo      run examples/demo in a VM, no deps/build step
#   make checkpatch   checkpatch.pl --strict on the module and the UAPI header
#   make lint         checkpatch, W=1 + sparse without warnings, memcg
#                     charging, locking asserted, layering (tools/lint/)
#   make clean        remove everything built, including build/
#
# The VM runner (tools/vm/run.sh) boots /boot/vmlinuz-<release of KDIR>;
# its environment knobs (VM_KERNEL, VM_MEM, VM_TIMEOUT, ...) are documented
# at the top of that script.

# No "Entering/Leaving directory" lines: `make check` must end with the
# summary line of the test run.
MAKEFLAGS += --no-print-directory

# Kernel to build against: the running kernel's headers if installed (not
# the case on the development machine, whose kernel has no module support),
# else the newest installed ones. An empty KDIR from the environment is
# recomputed: `make check` runs `make deps` first and then a sub-make, which
# must find the headers deps has just installed.
ifeq ($(strip $(KDIR)),)
KDIR := $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ ! -d "$$d" ]; then d=; \
	for k in $$(ls -d /lib/modules/*/build 2>/dev/null | sort -V); do \
		[ -d "$$k" ] && d=$$k; done; fi; echo "$$d")
endif
export KDIR

LINUX_SRC := build/linux-source
LINUX_SRC_STAMP := $(LINUX_SRC)/.stamp
KSFT_DIR := $(CURDIR)/$(LINUX_SRC)/tools/testing/selftests

# Kbuild only honours W= and C= given on the make command line; pass them on
# explicitly (they would also travel in MAKEFLAGS, but this documents it).
KBUILD_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V))

# Sources only: kbuild generates kmod/*.mod.c.
CHECKPATCH_FILES := $(sort $(filter-out %.mod.c,$(wildcard kmod/*.[ch]))) uapi/linux/zx.h

.PHONY: all module libzx selftests examples fuzz m32 libzx-m32 selftests-m32 deps \
	check demo vm-check vm-demo check-debug check-kcsan checkpatch lint \
	lint-kbuild linux-source clean help

# M32=0 leaves the 32-bit build and suite out of all and vm-check.
M32 ?= 1
all: module libzx selftests examples fuzz $(if $(filter 1,$(M32)),m32)

module:
	@if [ -z "$(KDIR)" ] || [ ! -d "$(KDIR)" ]; then \
		echo "No kernel headers found (KDIR='$(KDIR)'): run 'make deps' or pass KDIR=" >&2; \
		exit 1; fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) modules

libzx:
	$(MAKE) -C libzx

selftests: libzx $(LINUX_SRC_STAMP)
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR)

# The 32-bit build: the same sources for i386 (gcc-multilib), a static
# libzx and the selftests linked against it, all below build/m32 so that
# the 64-bit build in libzx/ and selftests/zx/ is left alone.  x32 is not
# supported (docs/32-bit.md).
M32_DIR := $(CURDIR)/build/m32
M32_CC := $(CC) -m32
# The 6.1 kselftest_harness.h casts assertion operands to intmax_t, which
# for ASSERT_NE(NULL, p) is a pointer-to-int cast of another size on ILP32:
# that warning is the harness's, not ours.
M32_SELFTESTS := -C selftests KSFT_DIR=$(KSFT_DIR) O=$(M32_DIR)/selftests \
	LIBZX_A=$(M32_DIR)/libzx/libzx.a CC="$(M32_CC)" \
	EXTRA_CFLAGS=-Wno-pointer-to-int-cast

m32: libzx-m32 selftests-m32

libzx-m32:
	$(MAKE) -C libzx O=$(M32_DIR)/libzx CC="$(M32_CC)" static

selftests-m32: libzx-m32 $(LINUX_SRC_STAMP)
	$(MAKE) $(M32_SELFTESTS)

examples: libzx
	$(MAKE) -C examples

fuzz: libzx
	$(MAKE) -C tools/fuzz

# Kernel source files the project uses but does not carry (kselftest harness,
# checkpatch.pl): extracted once from the linux-source-6.1 package.
linux-source: $(LINUX_SRC_STAMP)
$(LINUX_SRC_STAMP): tools/linux-source.sh
	tools/linux-source.sh $(LINUX_SRC)

deps:
	@tools/install-deps.sh

# deps first, then build, then test: sequential sub-makes, so that -j cannot
# reorder them and the build sees the packages deps installed.
check:
	@$(MAKE) deps
	@$(MAKE) all
	@$(MAKE) lint
	@$(MAKE) vm-check

demo:
	@$(MAKE) deps
	@$(MAKE) all
	@$(MAKE) vm-demo

# The last line of vm-check's output is "N passed, N failed, N skipped".
# One boot: the selftests, then their 32-bit build, then the fuzzer.  The
# debug tiers run tools/vm/run.sh without VM_M32_TESTS: their kernels
# have no 32-bit support.
FUZZ_SECONDS ?= 30
vm-check:
	@VM_M32_TESTS="$(if $(filter 1,$(M32)),$$($(MAKE) -s $(M32_SELFTESTS) print-tests))" \
		VM_TOOL_TESTS="tools/fuzz/zxfuzz -t $(FUZZ_SECONDS)" tools/vm/run.sh --tests

# The debug tiers (tools/kdebug/run.sh): each ends with the same summary.
check-debug:
	@$(MAKE) deps
	@$(MAKE) libzx selftests fuzz
	@tools/kdebug/run.sh kasan

check-kcsan:
	@$(MAKE) deps
	@$(MAKE) libzx selftests fuzz
	@tools/kdebug/run.sh kcsan

vm-demo:
	@tools/vm/run.sh /examples/demo

checkpatch: $(LINUX_SRC_STAMP)
	@$(LINUX_SRC)/scripts/checkpatch.pl --strict --no-tree --show-types --quiet -f \
		$(CHECKPATCH_FILES)
	@echo "checkpatch --strict: clean: $(CHECKPATCH_FILES)"

# Static checks of the kernel code; `make check` runs them before the VM.
lint: checkpatch lint-kbuild
	@tools/lint/gfp-account.sh
	@tools/lint/locked.sh
	@tools/lint/layers.sh

# A W=1 build with sparse on every file (C=2) must print no warning.
lint-kbuild:
	@out=$$($(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules 2>&1); st=$$?; \
	if [ $$st -ne 0 ] || printf '%s\n' "$$out" | grep -qE 'warning:|error:'; then \
		printf '%s\n' "$$out"; echo "lint-kbuild: W=1 C=2 build not clean" >&2; exit 1; \
	fi; echo "lint-kbuild: W=1 and sparse (C=2): no warnings"

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
	else \
		rm -f kmod/*.o kmod/*.ko kmod/*.mod kmod/*.mod.c kmod/.*.cmd \
			kmod/modules.order modules.order Module.symvers .*.cmd; \
	fi
	@for d in libzx selftests examples tools/fuzz; do \
		if [ -f $$d/Makefile ]; then $(MAKE) -C $$d clean || exit 1; fi; \
	done
	rm -rf build

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile
