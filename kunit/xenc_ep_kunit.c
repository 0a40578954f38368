// SPDX-License-Identifier: GPL-2.0
/* The co-kernel endpoint, built into the KUnit module to play the peer. */
#include "../cokernel/xenc_ep.c"
