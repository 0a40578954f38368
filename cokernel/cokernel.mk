# SPDX-License-Identifier: GPL-2.0
# Build the co-kernel side as a co-kernel would: freestanding, no libc, no
# Linux headers (-nostdinc leaves only the compiler's own headers), and prove
# that the result needs nothing but memcpy/memset from its host kernel.
# The port skeleton of Documentation/porting-guide.rst (cokernel/skeleton/)
# is built the same way and may need only those and xenc_plat.h's plat_*.

COK_SRCS := ring/xenc_ring.c ring/xenc_ctrl.c cokernel/xenc_ep.c
COK_OUT := $(BUILD)/cokernel
COK_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-stack-protector -fno-pic -mno-red-zone -Iinclude

cokernel-freestanding:
	@mkdir -p $(COK_OUT)
	@for f in $(COK_SRCS); do \
		$(CC) $(COK_CFLAGS) -c $$f -o $(COK_OUT)/$$(basename $$f .c).o || exit 1; \
	done
	@ld -r -o $(COK_OUT)/libxenc_cokernel.o $(COK_OUT)/xenc_*.o
	@undef=$$(nm -u $(COK_OUT)/libxenc_cokernel.o | awk '{print $$2}' | sort -u | tr '\n' ' '); \
	extra=$$(echo $$undef | tr ' ' '\n' | grep -vxE 'memcpy|memset|' || true); \
	size $(COK_OUT)/libxenc_cokernel.o | tail -1 | awk '{print "cokernel: " $$1+$$2+$$3 " bytes of code+data"}'; \
	echo "cokernel: undefined symbols: $${undef:-none}"; \
	if [ -n "$$extra" ]; then echo "cokernel: needs more than memcpy/memset: $$extra"; exit 1; fi
	@$(CC) $(COK_CFLAGS) -Icokernel -c cokernel/skeleton/xenc_port.c \
		-o $(COK_OUT)/skeleton.o
	@ld -r -o $(COK_OUT)/skeleton_linked.o $(COK_OUT)/skeleton.o \
		$(COK_OUT)/libxenc_cokernel.o
	@undef=$$(nm -u $(COK_OUT)/skeleton_linked.o | awk '{print $$2}' | sort -u | tr '\n' ' '); \
	extra=$$(echo $$undef | tr ' ' '\n' | grep -vxE 'memcpy|memset|plat_[a-z_0-9]+|' || true); \
	echo "cokernel: port skeleton needs: $$undef"; \
	if [ -n "$$extra" ]; then echo "cokernel: skeleton needs more than memcpy/memset/plat_*: $$extra"; exit 1; fi
