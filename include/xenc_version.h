/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The package version (semantic versioning, see
 * Documentation/versioning.rst), shared by both modules, dkms.conf and
 * CHANGELOG.md.  The shared-memory ABI has its own major.minor in
 * uapi/xenc_abi.h.
 */
#ifndef XENC_VERSION_H
#define XENC_VERSION_H

#define XENC_VERSION		"0.1.0"

#endif /* XENC_VERSION_H */
