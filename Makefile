# SPDX-License-Identifier: GPL-2.0
#
# xenc top-level Makefile.
#   make            build the modules against KDIR (default: the test kernel)
#   make check      build everything and run every test; ends "N passed, N failed"
#   make demo       boot the test guest and show xenc0 carrying traffic
#   make bench-ring native ring micro-benchmark
#   make campaign   the long hostile/fault/load campaign (security.rst)
#   make soak       the soak alone, SOAK_SECS (default 1800) long
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
	lint build-6.1 cokernel-freestanding guest-test checkpatch sparse \
	kunit-only ivshmem-doorbell-check campaign soak

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

# One guest boot runs KUnit and every functional test.
guest-test: modules bench-tools dkms-tarball ivshmem-server
	@mkdir -p $(RESULTS)
	@$(TOP)/tools/tests/guest-check.sh $(RESULTS)/guest.txt

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

# Two guests: Linux + xenc and a co-kernel over ivshmem; two VXLAN nodes.
.PHONY: twoguest-test
twoguest-test: modules
	@mkdir -p $(RESULTS)
	@$(TOP)/tools/tests/twoguest-check.sh $(RESULTS)/twoguest.txt

# ivshmem-doorbell with real MSI-X interrupts (a guest with ACPI IRQs).
ivshmem-doorbell-check: modules ivshmem-server
	@$(TOP)/tools/tests/ivshmem-doorbell-check.sh

check:
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@$(TOP)/tools/check.sh

demo: modules
	@$(TOP)/tools/demo.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf $(BUILD)
