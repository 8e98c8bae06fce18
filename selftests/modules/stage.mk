# SPDX-License-Identifier: GPL-2.0
#
# For suite Makefiles: `include ../modules/stage.mk`, then depend on
# stage-test-modules to build selftests/modules with kbuild and stage
# its test modules into the suite's $(OUTPUT).

TOP ?= $(abspath ../..)
KDIR ?= /usr/src/linux-headers-$(ABI)
TEST_MODULES_DIR := $(TOP)/selftests/modules
TEST_MODULES := dma_memcpy_test.ko dma_status_test.ko idxd_sf_test.ko dma_bench.ko \
	host_canary.ko

# kbuild does not relink a module whose KBUILD_EXTRA_SYMBOLS changed: a
# consumer of idxd.ko built against older symbol versions would not load
stage-test-modules:
	@if [ $(TOP)/Module.symvers -nt $(TEST_MODULES_DIR)/idxd_sf_test.ko ]; then \
		rm -f $(addprefix $(TEST_MODULES_DIR)/idxd_sf_test,.o .mod.c .mod.o .ko); \
	fi
	$(MAKE) -C $(KDIR) M=$(TEST_MODULES_DIR) \
		KBUILD_EXTRA_SYMBOLS=$(TOP)/Module.symvers modules
	@mkdir -p $(OUTPUT)
	cp $(addprefix $(TEST_MODULES_DIR)/,$(TEST_MODULES)) $(OUTPUT)/

clean-test-modules:
	@test ! -f $(KDIR)/Makefile || $(MAKE) -C $(KDIR) M=$(TEST_MODULES_DIR) clean
	rm -f $(addprefix $(OUTPUT)/,$(TEST_MODULES))

.PHONY: stage-test-modules clean-test-modules
