# SPDX-License-Identifier: GPL-2.0
# Installing xenc like any out-of-tree driver.
#   make install         build for KDIR, modules_install + depmod
#                        (KDIR default here: the running kernel; honours
#                        INSTALL_MOD_PATH for staging into a root fs; does
#                        not sign: with Secure Boot use dkms-install)
#   make uninstall       remove what make install put there
#   make dkms-install    copy the source to /usr/src/xenc-<version>, then
#                        dkms add, build and install for the running kernel
#                        (DKMS_TARBALL=file: prebuilt, from make dkms-tarball)
#   make dkms-uninstall  dkms remove, and drop /usr/src/xenc-<version>
#   make dkms-tarball    DKMS tarball (sources + modules built for KDIR)
#   make version         print the module and ABI versions
# None of these builds the test kernel or installs host packages.

# The one place each version lives: include/xenc_version.h, the ABI header.
XENC_VER := $(shell sed -n 's/^\#define XENC_VERSION[[:space:]]*"\(.*\)"/\1/p' \
	$(TOP)/include/xenc_version.h)
XENC_ABI := $(shell awk '/^\#define XENC_ABI_MAJOR/ { M = $$3 } \
	/^\#define XENC_ABI_MINOR/ { m = $$3 } END { print M "." m }' \
	$(TOP)/include/uapi/xenc_abi.h)

# What a kbuild/DKMS source tree needs (no tests, tools or docs).
PKG_FILES := Kbuild dkms.conf include ring shm driver cokernel kunit

# The running kernel unless KDIR was given on the command line or in the
# environment (the top-level default is the test kernel, not an install).
ifeq ($(origin KDIR),file)
INSTALL_KDIR := /lib/modules/$(shell uname -r)/build
else
INSTALL_KDIR := $(KDIR)
endif
# The release /lib/modules knows it by: /lib/modules/<release>/build, or
# Debian's /usr/src/linux-headers-<release>, else the tree's kernel.release.
INSTALL_KVER = $(or $(patsubst /lib/modules/%/build,%,$(filter /lib/modules/%/build,\
	$(INSTALL_KDIR:/=))),$(patsubst linux-headers-%,%,$(filter linux-headers-%,\
	$(notdir $(INSTALL_KDIR:/=)))),$(shell cat $(INSTALL_KDIR)/include/config/kernel.release))
INSTALL_STAGE := $(BUILD)/install
DEPMOD ?= depmod

DKMS ?= dkms
DKMS_SRCDIR ?= /usr/src
DKMS_KVER ?= $(shell uname -r)
DKMS_FLAGS ?=

.PHONY: version install uninstall dkms-src dkms-install dkms-uninstall \
	dkms-build-6.1 dkms-tarball dkms-guest-check

version:
	@echo "xenc $(XENC_VER) abi $(XENC_ABI)"

# pkg-copy DIR: the package's sources, as a fresh tree in DIR.
define pkg-copy
	rm -rf $(1); mkdir -p $(1)
	cd $(TOP) && cp -r $(PKG_FILES) $(1)/
	find $(1) \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o \
		-name '*.mod*' -o -name '*.o.d' \) -delete
endef

# A private copy: objects built for another kernel never mix with these.
install:
	@test -f $(INSTALL_KDIR)/Makefile || { echo "install: no kernel build \
	tree at $(INSTALL_KDIR); install its headers or set KDIR" >&2; exit 1; }
	@$(call pkg-copy,$(INSTALL_STAGE))
	$(MAKE) -C $(INSTALL_KDIR) M=$(INSTALL_STAGE) modules
	$(MAKE) -C $(INSTALL_KDIR) M=$(INSTALL_STAGE) INSTALL_MOD_DIR=updates \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH)) \
		KERNELRELEASE=$(INSTALL_KVER) CONFIG_MODULE_SIG_ALL= DEPMOD=true \
		modules_install
	$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(INSTALL_KVER)

uninstall:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(INSTALL_KVER)/updates/xenc*.ko*
	$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(INSTALL_KVER)

dkms-src:
	@grep -qx 'PACKAGE_VERSION="$(XENC_VER)"' $(TOP)/dkms.conf || \
		{ echo "dkms.conf PACKAGE_VERSION is not $(XENC_VER)" >&2; exit 1; }
	@$(call pkg-copy,$(DKMS_SRCDIR)/xenc-$(XENC_VER))
	@echo "dkms: source in $(DKMS_SRCDIR)/xenc-$(XENC_VER)"

# Re-running replaces an earlier registration of the same version.
# DKMS_TARBALL=file (from make dkms-tarball on a build host): load its
# sources and prebuilt modules instead of compiling here.
DKMS_TARBALL ?=
dkms-install: $(if $(DKMS_TARBALL),,dkms-src)
	@if $(DKMS) status $(DKMS_FLAGS) -m xenc -v $(XENC_VER) | grep -q .; then \
		$(DKMS) remove $(DKMS_FLAGS) -m xenc -v $(XENC_VER) --all; fi
ifeq ($(DKMS_TARBALL),)
	$(DKMS) add $(DKMS_FLAGS) -m xenc -v $(XENC_VER)
	$(DKMS) build $(DKMS_FLAGS) -m xenc -v $(XENC_VER) -k $(DKMS_KVER)
else
	$(DKMS) ldtarball $(DKMS_FLAGS) $(abspath $(DKMS_TARBALL))
endif
	$(DKMS) install $(DKMS_FLAGS) -m xenc -v $(XENC_VER) -k $(DKMS_KVER)

dkms-uninstall:
	-$(DKMS) remove $(DKMS_FLAGS) -m xenc -v $(XENC_VER) --all
	rm -rf $(DKMS_SRCDIR)/xenc-$(XENC_VER)

# make check: DKMS builds against Debian's 6.1 headers and, packed as a
# DKMS tarball, against the test kernel, in private DKMS trees (nothing
# registered on the host, no signing key); no compiler warning allowed.
# The guest's DKMS test installs that tarball (compiling in the TCG guest
# takes minutes; make dkms-guest-check does it from source there).
dkms-build-6.1:
	@test -n "$(DEB_KDIR)" || { echo "no Debian 6.1 headers installed"; exit 1; }
	@$(TOP)/tools/dkms-private.sh $(DEB_KDIR)

dkms-tarball:
	@$(TOP)/tools/dkms-private.sh $(KDIR) --tarball

# The whole path in the guest: make dkms-install from a fresh copy, DKMS
# compiling there, then modprobe and traffic (slow: minutes under TCG,
# much longer on a loaded host).
DKMS_GUEST_TIMEOUT ?= 3600
dkms-guest-check: modules
	@$(TOP)/tools/kheaders.sh $(KDIR) >/dev/null
	@mkdir -p $(BUILD)/dkms-guest
	@top=$(TOP); . $(TOP)/tools/guest/visible.sh; \
		XENC_DKMS_FROM=source XENC_TESTS=dkms OUTDIR=$(BUILD)/dkms-guest \
		$$top/tools/guest/run.sh --timeout $(DKMS_GUEST_TIMEOUT) -q \
		-- $$top/tools/tests/all.sh; \
		rc=$$?; cat $(BUILD)/dkms-guest/results.txt; exit $$rc

# make check: one version everywhere (xenc_version.h, dkms.conf, the newest
# CHANGELOG release and its ABI line); the admin guide's commands all in
# blocks the guest test runs, and every module parameter in its tables;
# every .rst parses cleanly.
DOCS_PENDING ?=
.PHONY: version-check docs-check
version-check:
	@grep -qx 'PACKAGE_VERSION="$(XENC_VER)"' $(TOP)/dkms.conf || \
		{ echo "dkms.conf: PACKAGE_VERSION is not $(XENC_VER)"; exit 1; }
	@rel=$$(sed -n 's/^## \[\([0-9][^]]*\)\].*/\1/p' $(TOP)/CHANGELOG.md | head -n1); \
	test "$$rel" = "$(XENC_VER)" || \
		{ echo "CHANGELOG.md: newest release $$rel, XENC_VERSION $(XENC_VER)"; exit 1; }; \
	abi=$$(sed -n '/^## \[$(XENC_VER)\]/,/^## /s/^ABI \([0-9.]*\)\.$$/\1/p' $(TOP)/CHANGELOG.md); \
	test "$$abi" = "$(XENC_ABI)" || \
		{ echo "CHANGELOG.md: release $(XENC_VER) says ABI '$$abi', header $(XENC_ABI)"; exit 1; }
	@echo "xenc $(XENC_VER) abi $(XENC_ABI): dkms.conf and CHANGELOG.md agree"

docs-check:
	@$(TOP)/tools/docs-commands.py check $(TOP)/Documentation/admin-guide.rst
	@for p in $$(grep -ho 'module_param[a-z_]*([a-z_0-9]*' $(TOP)/driver/*.c \
			$(TOP)/shm/*.c $(TOP)/ring/*.c $(TOP)/cokernel/*.c \
			$(TOP)/cokernel/linux/*.c | sed 's/.*(//'); do \
		grep -q "^\`\`$$p\`\`" $(TOP)/Documentation/admin-guide.rst || \
		{ echo "admin-guide.rst: module parameter $$p is not in its tables"; exit 1; }; \
	done
	@XENC_DOCS_PENDING="$(DOCS_PENDING)" $(TOP)/tools/rst-check.py $(TOP)/Documentation/*.rst

# make check: make install into a staging root against Debian's 6.1
# headers: the modules land in updates/, depmod indexes them, and make
# uninstall takes them out again.
INSTALL_CHECK_ROOT := $(BUILD)/install-root
.PHONY: install-check
install-check:
	@test -n "$(DEB_KDIR)" || { echo "no Debian 6.1 headers installed"; exit 1; }
	@rm -rf $(INSTALL_CHECK_ROOT)
	@$(MAKE) -s install KDIR=$(DEB_KDIR) INSTALL_MOD_PATH=$(INSTALL_CHECK_ROOT)
	dep=$(INSTALL_CHECK_ROOT)/lib/modules/$(patsubst linux-headers-%,%,$(notdir $(DEB_KDIR)))/modules.dep; \
	grep -qx 'updates/xenc.ko:' $$dep && \
	grep -qx 'updates/xenc_peer.ko: updates/xenc.ko' $$dep || \
		{ echo "install-check: $$dep lacks xenc"; exit 1; }; \
	$(MAKE) -s uninstall KDIR=$(DEB_KDIR) INSTALL_MOD_PATH=$(INSTALL_CHECK_ROOT); \
	! grep -q xenc $$dep || { echo "install-check: uninstall left xenc in $$dep"; exit 1; }
	@echo "install-check: installed, indexed and removed for $(notdir $(DEB_KDIR))"
