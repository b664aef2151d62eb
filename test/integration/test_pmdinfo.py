# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
"""The plugin's PMD information, as the release's own dpdk-pmdinfo.py reads
it: the driver's name and every devarg of drivers/net/vxpath/devargs.h
(buildtools/pmdinfogen.py embeds them; a DPDK series whose reader changed
format would show here first)."""

import json
import os
import re
import shutil
import subprocess

import pytest


def _devargs(repo_root):
    """The devarg keys of the one list in devargs.h, in its order."""
    with open(os.path.join(repo_root, "drivers", "net", "vxpath",
                           "devargs.h")) as f:
        text = f.read()
    names = dict(re.findall(r'#define\s+(VXPATH_ARG_\w+)\s+"([^"]+)"', text))
    keys = [names[m] for m in
            re.findall(r'^\s*X\((VXPATH_ARG_\w+),', text, re.M)]
    assert keys, "no X(VXPATH_ARG_...) entries found in devargs.h"
    return keys


def test_pmdinfo_lists_driver_and_devargs(vxpath_plugin, repo_root):
    tool = shutil.which("dpdk-pmdinfo.py")
    if tool is None:
        pytest.skip("dpdk-pmdinfo.py not installed (Debian package dpdk-dev)")
    out = subprocess.run([tool, vxpath_plugin], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    drivers = json.loads(out.stdout)
    byname = {d.get("name"): d for d in drivers}
    assert "net_vxpath" in byname, out.stdout
    # "key=<syntax> " per devarg; a syntax may hold a space (<mac addr>).
    listed = re.findall(r"(\w+)=<[^>]*>", byname["net_vxpath"].get("params",
                                                                  ""))
    want = _devargs(repo_root)
    assert listed == want, "pmdinfo %r, devargs.h %r" % (listed, want)
    # Upstream's devargs are all there: vxpath is a drop-in.
    for key in ("path", "mac", "cq", "queue_size", "queues", "iface",
                "server", "mrg_rxbuf", "in_order", "packed_vq", "speed",
                "vectorized", "reconnect"):
        assert key in listed, key
