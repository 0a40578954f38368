# SPDX-License-Identifier: GPL-2.0
# Style and static checks: checkpatch --strict, sparse, and a warning-free
# build against Debian's packaged 6.1 headers.

LINT_SRCS = $(shell git -C $(TOP) ls-files -- '*.c' '*.h' | \
	grep -v '^tests/')

# The userspace tests (tests/native, tests/fuzz) get the same check plus a
# few types that do not fit test code:
#   CAMELCASE		libFuzzer's required entry LLVMFuzzerTestOneInput
#   MACRO_WITH_FLOW_CONTROL	TST_CHECK()/TST_EQ() and friends must
#			return from the failing test
#   MACRO_ARG_REUSE	test_hostile.c's PF()/LI()/QD()/RH() name a struct
#			member twice (offsetof + sizeof): no side effects
#   ARCH_DEFINES	tst_cpu_relax() picks x86's pause (__i386__ too)
LINT_TEST_SRCS = $(shell git -C $(TOP) ls-files -- 'tests/*.c' 'tests/*.h')
LINT_TEST_IGNORE = CAMELCASE,MACRO_WITH_FLOW_CONTROL,MACRO_ARG_REUSE,ARCH_DEFINES

checkpatch:
	@$(KDIR)/scripts/checkpatch.pl --strict --no-tree --quiet --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f $(LINT_SRCS)
	@$(KDIR)/scripts/checkpatch.pl --strict --no-tree --quiet --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,$(LINT_TEST_IGNORE) \
		-f $(LINT_TEST_SRCS)

sparse: kernel
	@$(MAKE) -s -C $(KDIR) M=$(TOP) C=2 W=1 modules 2>&1 | tee $(BUILD)/sparse.log | \
		grep -E 'warning|error' && exit 1 || true

build-6.1:
	@test -n "$(DEB_KDIR)" || { echo "no Debian 6.1 headers installed"; exit 1; }
	@rm -rf $(BUILD)/k61; mkdir -p $(BUILD)/k61
	@cp -r $(TOP)/Kbuild $(TOP)/include $(TOP)/ring $(TOP)/shm $(TOP)/driver \
		$(TOP)/cokernel $(TOP)/kunit $(BUILD)/k61/
	@$(MAKE) -s -C $(DEB_KDIR) M=$(BUILD)/k61 W=1 modules 2>&1 | \
		tee $(BUILD)/k61.log | grep -E 'warning|error' && exit 1 || true
	@ls $(BUILD)/k61/*.ko
