# SPDX-License-Identifier: GPL-2.0
#
# Rules shared by the C selftest suites; a suite's Makefile describes
# itself and includes this.  Programs run as root inside the test VM,
# which has no libc: they are linked statically.
#
#   make -C selftests/<suite> [OUTPUT=dir] [KSFT_INC=dir] [CC=gcc]
#
# KSFT_INC: directory holding kselftest_harness.h and kselftest.h
# (tools/testing/selftests of the linux-source-6.12 tarball; the
# top-level selftests/Makefile extracts it and passes it, with OUTPUT and
# TOP).  The executables the VM runs are listed in tests.list, one per
# line; settings holds their time limit (kselftest convention).

SRC_DIR := $(CURDIR)
SUITE := $(notdir $(SRC_DIR))
TOP ?= $(abspath $(SRC_DIR)/../..)
override TOP := $(abspath $(TOP))

OUTPUT ?= $(TOP)/build/selftests/$(SUITE)
override OUTPUT := $(abspath $(OUTPUT))

KSFT_INC ?= $(shell $(TOP)/scripts/linux-source.sh)/tools/testing/selftests
override KSFT_INC := $(abspath $(KSFT_INC))

ifeq ($(origin CC),default)
CC := gcc
endif

# Fixed flags (the VM has no shared libc); EXTRA_CFLAGS adds to them.
DSA_CFLAGS := -static -O2 -Wall -Wextra -Werror $(EXTRA_CFLAGS)
DSA_CPPFLAGS := -I$(TOP)/tools/include -I$(TOP)/drivers/dma/idxd \
		-I$(TOP)/include/uapi -isystem $(KSFT_INC)

# A suite whose tests.list names a script that runs its programs says
# which programs to build in TEST_GEN_PROGS before including this.
TEST_GEN_PROGS ?= $(shell sed -e 's/\#.*//' -e '/^[[:space:]]*$$/d' \
		    $(SRC_DIR)/tests.list)
BINS := $(addprefix $(OUTPUT)/,$(TEST_GEN_PROGS))

# The shared layouts: a change to any of them rebuilds the tests.
HDRS := $(TOP)/tools/include/kernel_types.h \
	$(TOP)/drivers/dma/idxd/registers.h \
	$(TOP)/include/uapi/linux/idxd_hw.h \
	$(TOP)/tools/include/dsa_model_test.h

all: $(BINS)

$(OUTPUT)/%: $(SRC_DIR)/%.c $(HDRS) | ksft-inc
	@mkdir -p $(@D)
	$(CC) $(DSA_CPPFLAGS) $(DSA_CFLAGS) -o $@ $< $(LDFLAGS)

ksft-inc:
	@test -f $(KSFT_INC)/kselftest_harness.h || { \
		echo "KSFT_INC=$(KSFT_INC) has no kselftest_harness.h:" \
		     "pass KSFT_INC=<linux-source>/tools/testing/selftests" >&2; \
		exit 1; }

clean::
	rm -f $(BINS)

.PHONY: all clean ksft-inc
