# SPDX-License-Identifier: GPL-2.0
#
# For suite Makefiles: `include ../modules/stage.mk`, then depend on
# stage-test-modules to build selftests/modules with kbuild and stage
# its test modules into the suite's $(OUTPUT).

TOP ?= $(abspath ../..)
KDIR ?= /usr/src/linux-headers-$(ABI)
TEST_MODULES_DIR := $(TOP)/selftests/modules

stage-test-modules:
	$(MAKE) -C $(KDIR) M=$(TEST_MODULES_DIR) modules
	@mkdir -p $(OUTPUT)
	cp $(TEST_MODULES_DIR)/dma_memcpy_test.ko $(OUTPUT)/

clean-test-modules:
	@test ! -f $(KDIR)/Makefile || $(MAKE) -C $(KDIR) M=$(TEST_MODULES_DIR) clean
	rm -f $(OUTPUT)/dma_memcpy_test.ko

.PHONY: stage-test-modules clean-test-modules
