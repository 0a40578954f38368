# SPDX-License-Identifier: GPL-2.0
# Installing xenc like any out-of-tree driver.
#   make install         build for KDIR, modules_install + depmod
#                        (KDIR default here: the running kernel; honours
#                        INSTALL_MOD_PATH for staging into a root fs)
#   make uninstall       remove what make install put there
#   make dkms-install    copy the source to /usr/src/xenc-<version>, then
#                        dkms add, build and install for the running kernel
#   make dkms-uninstall  dkms remove, and drop /usr/src/xenc-<version>
#   make version         print the module and ABI versions
# None of these builds the test kernel or installs host packages.

# The one place the versions live: driver/xenc.h and the ABI header.
XENC_VER := $(shell sed -n 's/^\#define XENC_VERSION[[:space:]]*"\(.*\)"/\1/p' \
	$(TOP)/driver/xenc.h)
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
INSTALL_KVER = $(shell cat $(INSTALL_KDIR)/include/config/kernel.release)
INSTALL_STAGE := $(BUILD)/install
DEPMOD ?= depmod

DKMS ?= dkms
DKMS_SRCDIR ?= /usr/src
DKMS_KVER ?= $(shell uname -r)
DKMS_FLAGS ?=

.PHONY: version install uninstall dkms-src dkms-install dkms-uninstall \
	dkms-build-6.1

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
		DEPMOD=true modules_install
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
dkms-install: dkms-src
	@if $(DKMS) status $(DKMS_FLAGS) -m xenc -v $(XENC_VER) | grep -q .; then \
		$(DKMS) remove $(DKMS_FLAGS) -m xenc -v $(XENC_VER) --all; fi
	$(DKMS) add $(DKMS_FLAGS) -m xenc -v $(XENC_VER)
	$(DKMS) build $(DKMS_FLAGS) -m xenc -v $(XENC_VER) -k $(DKMS_KVER)
	$(DKMS) install $(DKMS_FLAGS) -m xenc -v $(XENC_VER) -k $(DKMS_KVER)

dkms-uninstall:
	-$(DKMS) remove $(DKMS_FLAGS) -m xenc -v $(XENC_VER) --all
	rm -rf $(DKMS_SRCDIR)/xenc-$(XENC_VER)

# make check: dkms builds against Debian's 6.1 headers in private trees
# (nothing registered on the host, no signing key generated) and the
# build log has no warning.
DKMS_CHECK := $(BUILD)/dkms-6.1
dkms-build-6.1:
	@test -n "$(DEB_KDIR)" || { echo "no Debian 6.1 headers installed"; exit 1; }
	@rm -rf $(DKMS_CHECK); mkdir -p $(DKMS_CHECK)/tree
	@$(MAKE) -s dkms-src DKMS_SRCDIR=$(DKMS_CHECK)/src
	@kver=$(patsubst linux-headers-%,%,$(notdir $(DEB_KDIR))); \
	log=$(DKMS_CHECK)/tree/xenc/$(XENC_VER)/$$kver/x86_64/log/make.log; \
	flags="--sourcetree $(DKMS_CHECK)/src --dkmstree $(DKMS_CHECK)/tree"; \
	export sign_file=/nonexistent; \
	$(DKMS) add $$flags -m xenc -v $(XENC_VER) && \
	$(DKMS) build $$flags -m xenc -v $(XENC_VER) -k $$kver \
		--kernelsourcedir $(DEB_KDIR) || \
		{ cat $$log; exit 1; }; \
	! grep -E 'warning|error' $$log || exit 1; \
	ls $(DKMS_CHECK)/tree/xenc/$(XENC_VER)/$$kver/*/module/xenc.ko* \
		$(DKMS_CHECK)/tree/xenc/$(XENC_VER)/$$kver/*/module/xenc_peer.ko*
