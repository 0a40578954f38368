# SPDX-License-Identifier: GPL-2.0
#
# The benchmark suite (tools/bench/): the seed paper's experiments over
# xenc, the relay baseline, veth and the LNX control group.
#
#   make bench          quick mode, < 20 min: CSV + PNG in build/bench/,
#                       report in Documentation/results.rst
#   make bench FULL=1   the whole matrix
#   make bench-tools    the helpers the guest runs (xenc-rr; xenc-relay)

BENCH_OUT	:= build/bench

.PHONY: bench bench-tools

bench-tools: relay $(BENCH_OUT)/bin/xenc-rr

$(BENCH_OUT)/bin/xenc-rr: tools/bench/rr.c
	@mkdir -p $(@D)
	$(NATIVE_CC) -std=gnu11 -O2 -g -Wall -Wextra -o $@ $<

bench:
	@$(TOP)/tools/bench/bench.sh
