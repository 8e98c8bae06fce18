# SPDX-License-Identifier: GPL-2.0
#
# For shell suites: `include ../shell.mk` and depend on stage-ktap to put
# the shared KTAP helpers (ktap.sh) next to the suite's script.

TOP ?= $(abspath ../..)

stage-ktap:
	@mkdir -p $(OUTPUT)
	cp $(TOP)/selftests/ktap.sh $(OUTPUT)/

.PHONY: stage-ktap
