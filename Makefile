# SPDX-License-Identifier: GPL-2.0
#
# xenc top-level Makefile.
#   make            build the modules against KDIR (default: the test kernel)
#   make check      build everything, run the tests; ends "N passed, N failed"
#   make check-full the same with every guest suite at full length
#   make demo       boot the test guest and show xenc0 carrying traffic
#   make bench-ring native ring micro-benchmark
#   make campaign   the long hostile/fault/load campaign (security.rst)
#   make soak       the soak alone, SOAK_SECS (default 1800) long
#   make smp-check  the racing suites again on two vCPUs (~25 min)
#   make bench      the paper's experiments, xenc vs the relay vs veth
# Everything installs what it needs (tools/deps.sh) and caches the kernel
# outside the checkout (XENC_CACHE, default /var/cache/xenc).

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
RESULTS := $(BUILD)/results
GUEST := $(TOP)/tools/guest

# The 6.12 test kernel is built on demand; KDIR may point anywhere else.
KDIR ?= $(shell $(GUEST)/kdir.sh 2>/dev/null)
# Debian's packaged headers, for the "builds against 6.1" check.
DEB_KDIR ?= $(firstword $(wildcard /usr/src/linux-headers-6.1.*-amd64))

.PHONY: all modules deps kernel check demo clean native-test bench-ring \
	build-6.1 cokernel-freestanding guest-test guest-test-run checkpatch \
	sparse twoguest-test twoguest-test-run ivshmem-doorbell-check campaign \
	soak check-full smp-check

all: modules

deps:
	@$(TOP)/tools/deps.sh

kernel: deps
	@$(GUEST)/build-kernel.sh >/dev/null

# Objects built against another kernel look up to date to kbuild (their
# dependencies name the old tree), so switching KDIR forces a clean.
modules: kernel
	@mkdir -p $(BUILD)
	@if [ "$$(cat $(BUILD)/.kdir 2>/dev/null)" != "$(KDIR)" ]; then \
		$(MAKE) -s -C $(KDIR) M=$(TOP) clean >/dev/null 2>&1; \
		echo "$(KDIR)" >$(BUILD)/.kdir; fi
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 modules

include tests/native/native.mk
include cokernel/cokernel.mk
include tools/lint.mk
include tools/pkg.mk
include tools/relay/relay.mk
include tools/bench/bench.mk

# Guest tests, one guest per shard ("|"), shards at once.  make check runs
# every suite the issues name; the hostile cases, the live resizes and the
# channel steps in their short forms.  kmemleak-off (all.sh) reports the
# leaks so far and stops kmemleak: the operational suites after it run
# 40 % faster per exec.  make check-full (XENC_CHECK_FULL=1) runs every
# suite at full length.  Each suite's header names its knobs.
CHECK_SHARDS ?= kunit datapath reconfig link phys soak ivshmem kmemleak-off counters \
	bench_smoke | hostile faults integrity overload xdp kmemleak-off coalesce qstats docs
FULL_SHARDS ?= kunit datapath reconfig coalesce counters qstats trace hostile faults link | \
	integrity overload soak ivshmem phys version docs examples dkms offload xdp bench_smoke
CHECK_HOSTILE_CASES := prod_fwd_2_31 prod_back_2_31 cons_ahead_of_prod len_0 len_13 \
	len_65536 len_4294967295 flags_all_bits state_generation_flap heartbeat_frozen \
	ring_resized doorbell_storm
CHECK_KNOBS := XENC_UDP_CASES="1M/64 8M/1400 16M/65000" XENC_STORM=6 \
	XENC_HOSTILE_CASES="$(CHECK_HOSTILE_CASES)"
# A suite still running after SUITE_TIMEOUT seconds fails and is stopped.
SUITE_TIMEOUT ?= 900
ifeq ($(XENC_CHECK_FULL),1)
GUEST_ENV := XENC_SHARDS="$(FULL_SHARDS)" XENC_SUITE_TIMEOUT=$(SUITE_TIMEOUT)
else
GUEST_ENV := XENC_SHARDS="$(CHECK_SHARDS)" XENC_SUITE_TIMEOUT=$(SUITE_TIMEOUT) \
	$(CHECK_KNOBS) XENC_CHANNEL_STEPS="up-1 up-4 down-1"
endif

# The -run targets skip the builds (make check builds everything first).
guest-test: modules bench-tools dkms-tarball ivshmem-server
	@$(MAKE) -s guest-test-run

guest-test-run:
	@mkdir -p $(RESULTS)
	@$(GUEST_ENV) $(TOP)/tools/tests/guest-check.sh $(RESULTS)/guest.txt

# The hardening campaign at full length; make check runs it shorter.
SOAK_SECS ?= 1800
CAMPAIGN_TESTS ?= hostile faults integrity overload
campaign: modules
	@XENC_TESTS="$(CAMPAIGN_TESTS)" XENC_HOSTILE_SEED=$${XENC_HOSTILE_SEED:-$$RANDOM$$RANDOM} \
	XENC_HOSTILE_SECS=120 XENC_DETACHES=1000 XENC_CYCLES=2000 XENC_STORM=200 \
	XENC_INTEGRITY_MB=64 XENC_INTEGRITY_STEPS=90 XENC_OVERLOAD_SECS=20 XENC_GUEST_TIMEOUT=7200 \
	OUTDIR=$(BUILD)/campaign $(TOP)/tools/tests/guest-check.sh $(BUILD)/campaign.txt

soak: modules
	@XENC_TESTS=soak XENC_SOAK_SECS=$(SOAK_SECS) XENC_GUEST_TIMEOUT=$$(($(SOAK_SECS) + 1800)) \
	OUTDIR=$(BUILD)/soak $(TOP)/tools/tests/guest-check.sh $(BUILD)/soak.txt

# make check's guests have one CPU.  These suites race xmit, NAPI, timers,
# reconfiguration and teardown; here they run on two vCPUs with the APIC,
# in make check's lengths but with every channel step (two queues on two
# CPUs is where XPS gives each CPU its own queue).  overload pins its
# iperf3 ends to one CPU, as make check's guests have, so its receivers
# still fall behind.
SMP_TESTS ?= kunit datapath reconfig integrity hostile faults overload xdp link coalesce soak
smp-check: modules bench-tools ivshmem-server
	@XENC_GUEST_ACPI_IRQ=1 XENC_TESTS="$(SMP_TESTS)" XENC_GUEST_TIMEOUT=5400 \
	XENC_SUITE_TIMEOUT=$(SUITE_TIMEOUT) $(CHECK_KNOBS) OUTDIR=$(BUILD)/smp \
	$(TOP)/tools/tests/guest-check.sh $(BUILD)/smp.txt

# Two guests: Linux + xenc and a co-kernel over ivshmem; two VXLAN nodes.
.PHONY: twoguest-test twoguest-test-run guest-test-run
twoguest-test: modules
	@$(MAKE) -s twoguest-test-run

twoguest-test-run:
	@mkdir -p $(RESULTS)
	@$(TOP)/tools/tests/twoguest-check.sh $(RESULTS)/twoguest.txt

# ivshmem-doorbell with real MSI-X interrupts (a guest with ACPI IRQs).
ivshmem-doorbell-check: modules ivshmem-server
	@$(TOP)/tools/tests/ivshmem-doorbell-check.sh

check:
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@$(TOP)/tools/check.sh

check-full:
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@XENC_CHECK_FULL=1 $(TOP)/tools/check.sh

demo: modules
	@$(TOP)/tools/demo.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf $(BUILD)
