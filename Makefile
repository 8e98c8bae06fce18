# SPDX-License-Identifier: GPL-2.0
#
# make            build our kernel modules, userspace tools and selftests
# make check      build everything, boot the VM once, run every selftest;
#                 the last line is "N passed, N failed" (", N skipped")
# make demo       boot the VM with the DSA model, show what the guest sees
# make vm-shell   interactive shell in the VM (quit: poweroff, or Ctrl-A x)
# make clean      remove what this tree built (caches stay, see README.md)
#
# Variables: KDIR (kernel headers), DSA_CACHE (cache directory), QEMU
# (use this qemu-system-x86_64 instead of building ours), VM_TIMEOUT.

DSA_CACHE ?= $(HOME)/.cache/dsa-sf
export DSA_CACHE

BUILD := $(CURDIR)/build
MAKEFLAGS += --no-print-directory

# Every goal but these needs the packages and the kernel ABI; deps.sh is
# idempotent and quick once everything is installed.  Sub-makes and
# scripts inherit ABI through the environment, so it runs once per make.
NO_DEPS_GOALS := clean help
ifneq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(ABI),)
ABI := $(shell scripts/deps.sh | tail -n1)
ifeq ($(ABI),)
$(error scripts/deps.sh failed)
endif
endif
endif
export ABI

KDIR ?= /usr/src/linux-headers-$(ABI)

# Userspace tools are built when their directory has a Makefile; each
# builds into $(OUTPUT) and the VM image puts what it built into PATH.
TOOL_DIRS := $(patsubst %/Makefile,%,$(wildcard tools/devlink/Makefile))

.PHONY: all modules tools selftests check demo vm-shell clean help

all: modules tools selftests

modules:
	@test -f $(KDIR)/Makefile || { echo "no kernel headers in KDIR=$(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	@set -e; for d in $(TOOL_DIRS); do \
		$(MAKE) -C $$d OUTPUT=$(BUILD)/$$d; \
	done

selftests:
	@set -e; ksrc=$$(scripts/linux-source.sh); \
	$(MAKE) -C selftests OUTPUT=$(BUILD)/selftests \
		KSFT_INC=$$ksrc/tools/testing/selftests TOP=$(CURDIR)

# The VM harness builds QEMU (cached), the initramfs, boots once and
# prints the summary as its last line; nothing may be printed after it.
check: all
	@DSA_VM_NO_BUILD=1 tools/testing/vm/run

demo: all
	@DSA_VM_NO_BUILD=1 tools/testing/vm/run --quiet --script scripts/demo-guest.sh

vm-shell: all
	@DSA_VM_NO_BUILD=1 tools/testing/vm/run --shell

clean:
	@$(MAKE) -C selftests clean OUTPUT=$(BUILD)/selftests
	@set -e; for d in $(TOOL_DIRS); do \
		$(MAKE) -C $$d clean OUTPUT=$(BUILD)/$$d; \
	done
	rm -rf $(BUILD)
	@# What kbuild leaves in the source tree; no KDIR needed to clean.
	find drivers -type f \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name 'modules.order' \) -delete
	rm -f modules.order Module.symvers .module-common.o .*.cmd

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile
