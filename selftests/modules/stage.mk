# SPDX-License-Identifier: GPL-2.0
#
# For suite Makefiles: `include ../modules/stage.mk`, then depend on
# stage-test-modules to build selftests/modules with kbuild and stage
# its test modules into the suite's $(OUTPUT).

TOP ?= $(abspath ../..)
KDIR ?= /usr/src/linux-headers-$(ABI)
TEST_MODULES_DIR := $(TOP)/selftests/modules
TEST_MODULES := dma_memcpy_test.ko dma_status_test.ko

stage-test-modules:
	$(MAKE) -C $(KDIR) M=$(TEST_MODULES_DIR) modules
	@mkdir -p $(OUTPUT)
	cp $(addprefix $(TEST_MODULES_DIR)/,$(TEST_MODULES)) $(OUTPUT)/

clean-test-modules:
	@test ! -f $(KDIR)/Makefile || $(MAKE) -C $(KDIR) M=$(TEST_MODULES_DIR) clean
	rm -f $(addprefix $(OUTPUT)/,$(TEST_MODULES))

.PHONY: stage-test-modules clean-test-modules
