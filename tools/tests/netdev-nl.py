#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What the netdev netlink family reports for one device, as one JSON
object: queues, NAPI instances, per-queue and per-device qstats.

usage: netdev-nl.py KDIR IFINDEX

Uses the kernel tree's own ynl library and spec (what tools/net/ynl/cli.py
runs), in one process for all four dumps: each Python start costs seconds
on the debug guest.
"""
import json
import os
import sys

import yaml

kdir, ifindex = sys.argv[1], int(sys.argv[2])
# libyaml's loader when present: the pure-Python one is slow under TCG.
if hasattr(yaml, 'CSafeLoader'):
    yaml.safe_load = lambda s: yaml.load(s, Loader=yaml.CSafeLoader)
sys.path.insert(0, os.path.join(kdir, 'tools/net/ynl'))
from lib import YnlFamily  # noqa: E402

# schema '': the spec ships with the kernel; validating it needs jsonschema.
# Attributes newer than the spec are kept, not fatal.
nl = YnlFamily(os.path.join(kdir, 'Documentation/netlink/specs/netdev.yaml'),
               '', process_unknown=True)
dev = {'ifindex': ifindex}
json.dump({
    'queues': nl.dump('queue-get', dev),
    'napi': nl.dump('napi-get', dev),
    'qstats_queue': nl.dump('qstats-get', dict(dev, scope=['queue'])),
    'qstats_dev': nl.dump('qstats-get', dev),
}, sys.stdout, default=list)
print()
