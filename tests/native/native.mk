# SPDX-License-Identifier: (GPL-2.0 OR MIT)
#
# Native (userspace) tests of the xenc ring core: ring/, cokernel/xenc_ep.c
# and include/ built for the host with nothing but the compiler.
#
# Included by the top-level Makefile (paths are relative to the repository
# root), or used directly:  make -f tests/native/native.mk native-test
#
#   native-test   ASan+UBSan unit tests (ring, ctrl), the 2-thread stress
#                 test (ASan+UBSan 10M frames, -O2 10M frames, TSan 1M
#                 frames), the hostile-peer tests, the ivshmem server's
#                 protocol test (fake clients), then fuzz-smoke.
#                 Every result line ("PASS x" / "FAIL x: why") is appended
#                 to build/native/results.txt (recreated by each run).
#   fuzz-smoke    libFuzzer target over the consume/validate path, the
#                 endpoint's layout/state checks and the host handshake,
#                 from the committed seeds in tests/fuzz/corpus/, bounded
#                 to $(NATIVE_FUZZ_RUNS) runs or $(NATIVE_FUZZ_TIME) s.
#   fuzz-long     The same for $(NATIVE_FUZZ_LONG_TIME) s (default 30 min),
#                 to run before a release:  make fuzz-long
#                 Reproduce a crash:  build/native/fuzz/fuzz_ring CRASHFILE
#   fuzz-corpus   Regenerate tests/fuzz/corpus/ with tests/fuzz/gen_corpus.c
#                 (after an ABI or input-format change).
#   bench-ring    -O2 micro-benchmark, producer/consumer threads vs memcpy;
#                 prints a table and writes build/native/bench-ring.csv.
#   ivshmem-server  Build the ivshmem server for users: build/ivshmem-server.
#   native-clean  Remove build/native/.
#
# Knobs: NATIVE_CC (gcc), NATIVE_CLANG (clang), NATIVE_STRESS_FRAMES,
# NATIVE_TSAN_FRAMES, NATIVE_TSAN=0 (skip the TSan build), NATIVE_FUZZ_RUNS,
# NATIVE_FUZZ_TIME, NATIVE_FUZZ_LONG_TIME, NATIVE_BENCH_SECS.

NATIVE_SAVED_GOAL := $(.DEFAULT_GOAL)

NATIVE_OUT		:= build/native
NATIVE_RESULTS		:= $(NATIVE_OUT)/results.txt
NATIVE_CC		?= gcc
NATIVE_CLANG		?= clang
NATIVE_STRESS_FRAMES	?= 10000000
NATIVE_TSAN_FRAMES	?= 1000000
NATIVE_TSAN		?= 1
NATIVE_FUZZ_RUNS	?= 200000
NATIVE_FUZZ_TIME	?= 30
NATIVE_FUZZ_LONG_TIME	?= 1800
NATIVE_BENCH_SECS	?= 1

NATIVE_INC	:= -Iinclude -Icokernel -Itests/native -Itests/fuzz
NATIVE_WARN	:= -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers
NATIVE_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1
NATIVE_CORE	:= ring/xenc_ring.c ring/xenc_ctrl.c cokernel/xenc_ep.c
NATIVE_HDRS	:= include/uapi/xenc_abi.h include/xenc_compat.h \
		   include/xenc_ring.h cokernel/xenc_ep.h tests/native/tst.h \
		   tests/native/link.h
NATIVE_FUZZ_SRC	:= tests/fuzz/fuzz_ring.c tests/fuzz/fuzz_ops.h
NATIVE_SEEDS	:= tests/fuzz/corpus

# The hosted compat header uses relaxed atomics, so TSan sees every access.
NATIVE_TSAN_FLAGS := -fsanitize=thread -g -O2 \
		     $(shell $(NATIVE_CC) -Wno-tsan -x c -c /dev/null \
			 -o /dev/null 2>/dev/null && echo -Wno-tsan)

NATIVE_RUN	:= sh tests/native/run-test.sh $(NATIVE_RESULTS)
NATIVE_FUZZ	:= sh tests/fuzz/run-fuzz.sh $(NATIVE_OUT)/fuzz/fuzz_ring \
		   $(NATIVE_RESULTS)

NATIVE_UNIT	:= $(NATIVE_OUT)/asan/test_ring $(NATIVE_OUT)/asan/test_ctrl \
		   $(NATIVE_OUT)/asan/test_hostile
NATIVE_STRESS	:= $(NATIVE_OUT)/asan/test_stress $(NATIVE_OUT)/o2/test_stress \
		   $(if $(filter 1,$(NATIVE_TSAN)),$(NATIVE_OUT)/tsan/test_stress)

.PHONY: native-test native-build fuzz-smoke fuzz-long fuzz-corpus \
	bench-ring native-clean ivshmem-server

# ---- builds ----

$(NATIVE_UNIT): $(NATIVE_OUT)/asan/%: tests/native/%.c $(NATIVE_CORE) \
		$(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) $(NATIVE_SAN) $(NATIVE_INC) -o $@ \
		$< $(NATIVE_CORE)

$(NATIVE_OUT)/asan/test_stress: tests/native/test_stress.c ring/xenc_ring.c \
		$(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) $(NATIVE_SAN) -pthread \
		-DTST_FLAVOR='"asan"' $(NATIVE_INC) -o $@ $< ring/xenc_ring.c

$(NATIVE_OUT)/o2/test_stress: tests/native/test_stress.c ring/xenc_ring.c \
		$(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) -O2 -g -pthread -DTST_FLAVOR='"o2"' \
		$(NATIVE_INC) -o $@ $< ring/xenc_ring.c

$(NATIVE_OUT)/tsan/test_stress: tests/native/test_stress.c ring/xenc_ring.c \
		$(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) $(NATIVE_TSAN_FLAGS) -pthread \
		-DTST_FLAVOR='"tsan"' $(NATIVE_INC) -o $@ $< ring/xenc_ring.c

$(NATIVE_OUT)/fuzz/fuzz_ring: $(NATIVE_FUZZ_SRC) $(NATIVE_CORE) $(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CLANG) $(NATIVE_WARN) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-g -O1 $(NATIVE_INC) -o $@ $< $(NATIVE_CORE)

$(NATIVE_OUT)/fuzz/gen_corpus: tests/fuzz/gen_corpus.c tests/fuzz/fuzz_ops.h \
		$(NATIVE_CORE) $(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) -g -O1 $(NATIVE_INC) -o $@ $< \
		$(NATIVE_CORE)

$(NATIVE_OUT)/bench_ring: tests/native/bench_ring.c ring/xenc_ring.c \
		$(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) -O2 -g -pthread $(NATIVE_INC) -o $@ $< \
		ring/xenc_ring.c

# The relay baseline's core against the real endpoint (tools/relay/).
$(NATIVE_OUT)/asan/test_relay: tests/native/test_relay.c tools/relay/relay.c \
		tools/relay/relay.h $(NATIVE_CORE) $(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) $(NATIVE_SAN) -pthread $(NATIVE_INC) \
		-Itools/relay -o $@ $< tools/relay/relay.c $(NATIVE_CORE)

# The ivshmem server (tools/) and its protocol test with fake clients.
$(NATIVE_OUT)/asan/ivshmem-server: tools/ivshmem-server/ivshmem-server.c
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) $(NATIVE_SAN) -o $@ $<

$(NATIVE_OUT)/asan/test_ivshmem_server: tests/native/test_ivshmem_server.c \
		$(NATIVE_HDRS)
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) $(NATIVE_SAN) $(NATIVE_INC) -o $@ $<

NATIVE_IVSERVER	:= $(NATIVE_OUT)/asan/ivshmem-server \
		   $(NATIVE_OUT)/asan/test_ivshmem_server

native-build: $(NATIVE_UNIT) $(NATIVE_STRESS) $(NATIVE_OUT)/fuzz/fuzz_ring \
	      $(NATIVE_IVSERVER) $(NATIVE_OUT)/asan/test_relay

# ---- runs ----

# One shell, so that every test runs even after a failure; exit status is
# non-zero if any of them failed.
native-test: native-build
	@mkdir -p $(NATIVE_OUT); rm -f $(NATIVE_RESULTS); rc=0; \
	$(NATIVE_RUN) ring 300 $(NATIVE_OUT)/asan/test_ring || rc=1; \
	$(NATIVE_RUN) ctrl 300 $(NATIVE_OUT)/asan/test_ctrl || rc=1; \
	$(NATIVE_RUN) stress-asan 180 $(NATIVE_OUT)/asan/test_stress \
		$(NATIVE_STRESS_FRAMES) || rc=1; \
	$(NATIVE_RUN) stress-o2 180 $(NATIVE_OUT)/o2/test_stress \
		$(NATIVE_STRESS_FRAMES) || rc=1; \
	if [ "$(NATIVE_TSAN)" = 1 ]; then \
		$(NATIVE_RUN) stress-tsan 180 \
			env TSAN_OPTIONS=halt_on_error=1 \
			$(NATIVE_OUT)/tsan/test_stress \
			$(NATIVE_TSAN_FRAMES) || rc=1; \
	fi; \
	$(NATIVE_RUN) hostile 300 $(NATIVE_OUT)/asan/test_hostile || rc=1; \
	$(NATIVE_RUN) relay 300 $(NATIVE_OUT)/asan/test_relay || rc=1; \
	$(NATIVE_RUN) ivshmem-server 120 \
		$(NATIVE_OUT)/asan/test_ivshmem_server \
		$(NATIVE_OUT)/asan/ivshmem-server || rc=1; \
	$(NATIVE_FUZZ) smoke $(NATIVE_SEEDS) $(NATIVE_OUT)/fuzz \
		-runs=$(NATIVE_FUZZ_RUNS) \
		-max_total_time=$(NATIVE_FUZZ_TIME) || rc=1; \
	echo "native-test: $$(grep -c '^PASS ' $(NATIVE_RESULTS)) passed," \
	     "$$(grep -c '^FAIL ' $(NATIVE_RESULTS)) failed" \
	     "($(NATIVE_RESULTS))"; \
	exit $$rc

fuzz-smoke: $(NATIVE_OUT)/fuzz/fuzz_ring
	@$(NATIVE_FUZZ) smoke $(NATIVE_SEEDS) $(NATIVE_OUT)/fuzz \
		-runs=$(NATIVE_FUZZ_RUNS) -max_total_time=$(NATIVE_FUZZ_TIME)

fuzz-long: $(NATIVE_OUT)/fuzz/fuzz_ring
	@$(NATIVE_FUZZ) long $(NATIVE_SEEDS) $(NATIVE_OUT)/fuzz \
		-max_total_time=$(NATIVE_FUZZ_LONG_TIME) -timeout=10

fuzz-corpus: $(NATIVE_OUT)/fuzz/gen_corpus
	@mkdir -p $(NATIVE_SEEDS)
	rm -f $(NATIVE_SEEDS)/seed-*
	$(NATIVE_OUT)/fuzz/gen_corpus $(NATIVE_SEEDS)

bench-ring: $(NATIVE_OUT)/bench_ring
	$(NATIVE_OUT)/bench_ring $(NATIVE_BENCH_SECS) $(NATIVE_OUT)/bench-ring.csv
	@echo "bench-ring: wrote $(NATIVE_OUT)/bench-ring.csv"

# The server for users (ivshmem-doorbell): build/ivshmem-server.
ivshmem-server: build/ivshmem-server
build/ivshmem-server: tools/ivshmem-server/ivshmem-server.c
	@mkdir -p $(@D)
	$(NATIVE_CC) $(NATIVE_WARN) -O2 -g -o $@ $<

native-clean:
	rm -rf $(NATIVE_OUT)

# Do not steal the including Makefile's default goal; alone, run the tests.
ifeq ($(words $(MAKEFILE_LIST)),1)
.DEFAULT_GOAL := native-test
else
.DEFAULT_GOAL := $(NATIVE_SAVED_GOAL)
endif
