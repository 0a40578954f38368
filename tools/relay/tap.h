/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XENC_RELAY_TAP_H
#define XENC_RELAY_TAP_H

/* A non-blocking TAP fd named @name, up, on @bridge if not NULL; -1 on error. */
int relay_tap_open(const char *name, unsigned int mtu, const char *bridge);

#endif /* XENC_RELAY_TAP_H */
