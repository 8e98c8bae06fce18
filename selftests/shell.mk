# SPDX-License-Identifier: GPL-2.0
#
# Rules shared by the shell selftest suites; a suite's Makefile says what
# it needs and includes this:
#
#   # what the suite tests
#   SHELL_SUITE_MODULES := y     # stage the test modules (selftests/modules)
#   include ../shell.mk
#
# `all` stages the shared KTAP helpers (ktap.sh), the idxd helpers
# (idxd_lib.sh) and the model's test-window registers as shell variables
# (dsa_model_test.sh, generated from tools/include/dsa_model_test.h, the
# one definition) next to the suite's scripts, plus the test modules when
# asked.  A suite may add to `all`
# (prerequisites, and one recipe) and to `clean` (a double-colon rule,
# `clean::`, with its own recipe).

SUITE := $(notdir $(CURDIR))
TOP ?= $(abspath ../..)
OUTPUT ?= $(TOP)/build/selftests/$(SUITE)

all: stage-ktap

clean::
	rm -f $(OUTPUT)/ktap.sh $(OUTPUT)/idxd_lib.sh $(OUTPUT)/dsa_model_test.sh

# "#define DSA_TEST_X 0x10 /* ... */" becomes "DSA_TEST_X=0x10"
stage-ktap:
	@mkdir -p $(OUTPUT)
	cp $(TOP)/selftests/ktap.sh $(TOP)/selftests/idxd_lib.sh $(OUTPUT)/
	sed -n 's/^#define[[:space:]]\{1,\}\(DSA_[A-Z0-9_]*\)[[:space:]]\{1,\}\(0x[0-9a-fA-F]*\|[0-9]*\)[[:space:]]*\(\/\*.*\)\{0,1\}$$/\1=\2/p' \
		$(TOP)/tools/include/dsa_model_test.h >$(OUTPUT)/dsa_model_test.sh

ifeq ($(SHELL_SUITE_MODULES),y)
include $(TOP)/selftests/modules/stage.mk
all: stage-test-modules
clean:: clean-test-modules
endif

.PHONY: all clean stage-ktap
