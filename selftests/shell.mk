# SPDX-License-Identifier: GPL-2.0
#
# Rules shared by the shell selftest suites; a suite's Makefile says what
# it needs and includes this:
#
#   # what the suite tests
#   SHELL_SUITE_MODULES := y     # stage the test modules (selftests/modules)
#   include ../shell.mk
#
# `all` stages the shared KTAP helpers (ktap.sh) next to the suite's
# scripts, plus the test modules when asked.  A suite may add to `all`
# (prerequisites, and one recipe) and to `clean` (a double-colon rule,
# `clean::`, with its own recipe).

SUITE := $(notdir $(CURDIR))
TOP ?= $(abspath ../..)
OUTPUT ?= $(TOP)/build/selftests/$(SUITE)

all: stage-ktap

clean::
	rm -f $(OUTPUT)/ktap.sh

stage-ktap:
	@mkdir -p $(OUTPUT)
	cp $(TOP)/selftests/ktap.sh $(OUTPUT)/

ifeq ($(SHELL_SUITE_MODULES),y)
include $(TOP)/selftests/modules/stage.mk
all: stage-test-modules
clean:: clean-test-modules
endif

.PHONY: all clean stage-ktap
