# SPDX-License-Identifier: GPL-2.0
#
# make            build our kernel modules, userspace tools and selftests
# make check      build everything, boot the VM once, run every selftest;
#                 the last line is "N passed, N failed" (", N skipped")
# make check-debug  the same on a debug kernel (lockdep, KASAN, kmemleak,
#                 fault injection, debugobjects), built once and cached;
#                 fails on any report of theirs (Documentation/testing.rst)
# make demo       boot the VM with the DSA model, show what the guest sees
# make vm-shell   interactive shell in the VM (quit: poweroff, or Ctrl-A x)
# make bench      boot the VM on a model with 64 WQs, time the data path
#                 (an SF from a VFIO user vs the host's DMA channel) and
#                 the control path (SFs made and removed by dsa-sf and by
#                 devlink); the tables go to build/bench/results.txt
# make install    the modules to /lib/modules/<ABI>/updates/dsa-sf (then
#                 depmod), dsa-sf and its man page under /usr/local;
#                 DESTDIR= stages them instead
# make dkms       the module sources to /usr/src/dsa-sf-<version>, added
#                 to DKMS, built and installed for <ABI>; dsa-sf and its
#                 man page as make install puts them
# make uninstall  whichever of the two is there, and the tool
# make clean      remove what this tree built (caches stay, see README.md)
#
# install, dkms and uninstall are for a DSA host: ABI defaults to the
# running kernel (uname -r) and they install only what building the
# modules and the tool needs (headers, compiler, libmnl; dkms for dkms).
#
# Variables: KDIR (kernel headers), DSA_CACHE (cache directory), QEMU
# (use this qemu-system-x86_64 instead of building ours), VM_TIMEOUT,
# ABI, PREFIX (/usr/local), DESTDIR.

DSA_CACHE ?= $(HOME)/.cache/dsa-sf
export DSA_CACHE

BUILD := $(CURDIR)/build
MAKEFLAGS += --no-print-directory

# Every goal but these needs the packages and the kernel ABI; deps.sh is
# idempotent and quick once everything is installed.  Sub-makes and
# scripts inherit ABI through the environment, so it runs once per make.
NO_DEPS_GOALS := clean help uninstall
HOST_GOALS := install dkms uninstall install-tool
GOALS := $(or $(MAKECMDGOALS),all)
ifneq ($(filter $(HOST_GOALS),$(GOALS)),)
# a DSA host: its own kernel, none of the VM's packages
ifneq ($(filter-out $(HOST_GOALS) $(NO_DEPS_GOALS),$(GOALS)),)
$(error $(filter $(HOST_GOALS),$(GOALS)) go alone (not with $(filter-out $(HOST_GOALS) $(NO_DEPS_GOALS),$(GOALS))): they build for the running kernel)
endif
ABI ?= $(shell uname -r)
KDIR ?= /usr/src/linux-headers-$(ABI)
# a staged install (DESTDIR, a package build) brings its own build deps
ifeq ($(DESTDIR),)
ifneq ($(filter-out $(NO_DEPS_GOALS),$(GOALS)),)
HOST_PKGS := $(filter dkms,$(GOALS)) $(if $(wildcard $(KDIR)/Makefile),,linux-headers-$(ABI))
ifneq ($(shell scripts/deps.sh --host $(HOST_PKGS) >&2 && echo ok),ok)
$(error scripts/deps.sh --host $(HOST_PKGS) failed)
endif
endif
endif
else ifeq ($(ABI),)
ABI := $(shell scripts/deps.sh | tail -n1)
ifeq ($(ABI),)
$(error scripts/deps.sh failed)
endif
endif
export ABI

KDIR ?= /usr/src/linux-headers-$(ABI)

# Userspace tools are built when their directory has a Makefile; each
# builds into $(OUTPUT) and the VM image puts what it built into PATH.
TOOL_DIRS := $(patsubst %/Makefile,%,$(wildcard tools/devlink/Makefile))

.PHONY: all modules tools selftests check check-debug demo vm-shell clean help install \
	dkms uninstall install-tool bench

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

check-debug:
	@scripts/check-debug.sh

demo: all
	@DSA_VM_NO_BUILD=1 tools/testing/vm/run --quiet --script scripts/demo-guest.sh

vm-shell: all
	@DSA_VM_NO_BUILD=1 tools/testing/vm/run --shell

BENCH_DEVICE := -device intel-dsa,id=dsa0,bus=pcie.0,addr=0a.0,test-bar=on,num-wqs=64,wq-entries=1024,msix-vectors=128

bench: all
	@mkdir -p $(BUILD)/bench
	@DSA_VM_NO_BUILD=1 DSA_DEVICE_ARGS="$(BENCH_DEVICE)" \
		tools/testing/vm/run --quiet --script scripts/bench-guest.sh
	@{ echo "$$(date -u +%F) on $$(nproc) CPUs ($$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n1)), TCG"; \
	  tr -d '\r' <$(BUILD)/vm/last/console.log | sed -n '/^BENCH-BEGIN/,/^BENCH-END/{/^BENCH-/d;p}'; \
	} >$(BUILD)/bench/results.txt
	@cat $(BUILD)/bench/results.txt

# The modules as built here, unsigned: a host with Secure Boot enforcing
# module signatures wants `make dkms`, which signs with DKMS's own key.
MODULES := drivers/dma/idxd/idxd.ko drivers/vfio/pci/idxd/vfio_idxd_aux.ko
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

INSTALLED := $(DESTDIR)/lib/modules/$(ABI)/updates/dsa-sf
# DKMS's copy and ours would both be in updates/: depmod picks one of
# two idxd.ko, so each goal refuses while the other is there (checked
# before anything runs, make -j or not)
DKMS_VERSIONS = $(shell dkms status -m dsa-sf 2>/dev/null | sed -n 's|^dsa-sf/\([^,:]*\).*|\1|p' | sort -u)
ifneq ($(filter install,$(GOALS)),)
ifeq ($(DESTDIR),)
ifneq ($(DKMS_VERSIONS),)
$(error DKMS has dsa-sf $(DKMS_VERSIONS): make uninstall first)
endif
endif
endif
ifneq ($(filter dkms,$(GOALS)),)
ifneq ($(DESTDIR),)
$(error make dkms installs into this system: no DESTDIR)
endif
ifneq ($(wildcard $(INSTALLED)),)
$(error $(INSTALLED) is there (make install): make uninstall first)
endif
endif

install: modules install-tool
	install -d $(INSTALLED)
	install -m 0644 $(MODULES) $(INSTALLED)/
	$(if $(DESTDIR),,depmod -a $(ABI))

install-tool: tools
	install -D -m 0755 $(BUILD)/tools/devlink/dsa-sf $(DESTDIR)$(PREFIX)/sbin/dsa-sf
	install -D -m 0644 tools/devlink/dsa-sf.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/dsa-sf.8

define newline


endef

# What DKMS needs to rebuild the modules for a new kernel: kbuild files,
# the drivers and the headers; nothing of the VM, QEMU or the tests.
DKMS_SRC := /usr/src/dsa-sf-$(VERSION)

dkms: install-tool
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	cp -r Kbuild dkms.conf include $(DKMS_SRC)/
	install -d $(DKMS_SRC)/drivers/dma $(DKMS_SRC)/drivers/vfio/pci
	cp -r drivers/dma/idxd $(DKMS_SRC)/drivers/dma/
	cp -r drivers/vfio/pci/idxd $(DKMS_SRC)/drivers/vfio/pci/
	find $(DKMS_SRC) \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
		-o -name '.*.cmd' -o -name modules.order \) -delete
	dkms remove -m dsa-sf -v $(VERSION) --all >/dev/null 2>&1 || true
	dkms add -m dsa-sf -v $(VERSION)
	dkms build -m dsa-sf -v $(VERSION) -k $(ABI)
	dkms install -m dsa-sf -v $(VERSION) -k $(ABI) --force

uninstall:
	rm -rf $(INSTALLED)
	rm -f $(DESTDIR)$(PREFIX)/sbin/dsa-sf \
		$(DESTDIR)$(PREFIX)/share/man/man8/dsa-sf.8
	$(if $(DESTDIR),,$(foreach v,$(DKMS_VERSIONS),dkms remove -m dsa-sf -v $(v) --all && rm -rf /usr/src/dsa-sf-$(v)$(newline)))
	$(if $(DESTDIR),,if [ -d /lib/modules/$(ABI) ]; then depmod -a $(ABI); fi)

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
