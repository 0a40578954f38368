#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tx_tstamp.py DEV: send one frame out DEV from a packet socket that asks
for a software transmit timestamp (SO_TIMESTAMPING), as ptp4l -S or chrony
do.  Exit 0 if the driver reported it, 1 if it did not."""
import select
import socket
import struct
import sys

SO_TIMESTAMPING = 37            # also the control message's type
TX_SOFTWARE, SOFTWARE, OPT_TSONLY = 1 << 1, 1 << 4, 1 << 11

dev = sys.argv[1]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPING,
             TX_SOFTWARE | SOFTWARE | OPT_TSONLY)
with open(f"/sys/class/net/{dev}/address") as f:
    src = bytes.fromhex(f.read().strip().replace(":", ""))
# Broadcast, IEEE local experimental ethertype, minimum length.
s.send(b"\xff" * 6 + src + struct.pack("!H", 0x88b5) + bytes(46))
p = select.poll()
p.register(s, select.POLLERR)
# A missing timestamp never arrives: wait long enough for a loaded guest.
if not p.poll(5000):
    sys.exit(f"{dev}: no transmit timestamp")
_, anc, _, _ = s.recvmsg(64, 1024, socket.MSG_ERRQUEUE)
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPING:
        sec, nsec = struct.unpack("qq", data[:16])
        if sec or nsec:
            print(f"{dev}: software transmit timestamp {sec}.{nsec:09d}")
            sys.exit(0)
sys.exit(f"{dev}: error queue without a software timestamp: {anc}")
