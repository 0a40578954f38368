# SPDX-License-Identifier: GPL-2.0
#
# xenc-relay, the user-space relay baseline (the paper's lnxtapd), built
# for the host (the test guest runs the host's binaries) with the ring core
# linked natively.  Its core is unit-tested by tests/native/test_relay.c.
#
#   make relay      build/relay/xenc-relay

RELAY_OUT	:= build/relay
RELAY_SRC	:= tools/relay/main.c tools/relay/relay.c tools/relay/tap.c
RELAY_HDRS	:= tools/relay/relay.h tools/relay/tap.h include/xenc_ring.h \
		   include/xenc_compat.h include/uapi/xenc_abi.h
RELAY_CFLAGS	:= -std=gnu11 -O2 -g -Wall -Wextra -Wno-missing-field-initializers \
		   -Iinclude -Itools/relay

.PHONY: relay

relay: $(RELAY_OUT)/xenc-relay

$(RELAY_OUT)/xenc-relay: $(RELAY_SRC) $(RELAY_HDRS) ring/xenc_ring.c \
		ring/xenc_ctrl.c
	@mkdir -p $(@D)
	$(NATIVE_CC) $(RELAY_CFLAGS) -o $@ $(RELAY_SRC) ring/xenc_ring.c \
		ring/xenc_ctrl.c
