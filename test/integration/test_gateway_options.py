# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# vxpath-gateway's refusals on the host (issue 17, "bad input"): each bad
# option fails at start-up with exit status 2 and one line naming the
# option; each set-up step that cannot be done (no forwarding lcore, no
# NIC port, a twin driver that is not there, vxpath twins whose devargs
# vxpath refuses) fails with exit status 1 and a line
# naming the step, and nothing is left behind: no TAP, no hugepage file.
# The NIC port here is net_null; EAL runs without hugepages. The scene
# with traffic is in the VM (test_gateway_vm.py).

import glob
import os
import re
import subprocess

import pytest

EAL = ["--no-huge", "-m", "512", "--no-pci", "--no-shconf",
       "--log-level=lib.eal:error", "--log-level=lib.telemetry:error"]


@pytest.fixture(scope="module")
def gateway(build_dir):
    path = os.path.join(build_dir, "app", "vxpath-gateway", "vxpath-gateway")
    if not os.path.isfile(path):
        pytest.fail("vxpath-gateway not built: %s missing" % path)
    return path


def run(gateway, eal, app):
    p = subprocess.run([gateway] + EAL + eal + ["--"] + app,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=120)
    lines = [l for l in p.stdout.splitlines() if l.startswith("gateway:")]
    print(p.stdout)
    return p.returncode, lines


BAD_OPTIONS = [
    ("tap_name_no_port", ["--tap-name", "dp0"], r"option --tap-name: 'dp0'"),
    ("tap_name_port_9", ["--tap-name", "9=x"], r"option --tap-name: '9=x'"),
    ("tap_name_too_long", ["--tap-name", "0=abcdefghijklmnop"],
     r"option --tap-name"),
    ("tap_name_comma", ["--tap-name", "0=a,b"], r"option --tap-name"),
    ("queue_size_odd", ["--twin-queue-size", "1000"],
     r"option --twin-queue-size: '1000' is not a power of 2"),
    ("queue_size_small", ["--twin-queue-size", "32"],
     r"option --twin-queue-size: '32'"),
    ("devargs_escape", ["--twin-devargs", "iface=%x"],
     r"option --twin-devargs: 'iface=%x'"),
    ("devargs_trailing", ["--twin-devargs", "iface=%"],
     r"option --twin-devargs: 'iface=%'"),
    ("unknown", ["--punt-everything"],
     r"option --punt-everything: unknown"),
    ("missing_value", ["--twin-driver"], r"option --twin-driver"),
    ("stray_argument", ["eth0"], r"argument 'eth0': not an option"),
]


@pytest.mark.parametrize("args,pattern", [c[1:] for c in BAD_OPTIONS],
                         ids=[c[0] for c in BAD_OPTIONS])
def test_bad_option(gateway, args, pattern):
    """Exit status 2, exactly one gateway line, naming the option."""
    rc, lines = run(gateway, ["-l", "0,1", "--vdev", "net_null0"], args)
    assert rc == 2
    assert len(lines) == 1, lines
    assert re.search(pattern, lines[0]), lines


def test_no_forwarding_lcore(gateway):
    rc, lines = run(gateway, ["-l", "0", "--vdev", "net_null0"], [])
    assert rc == 1
    assert any("no forwarding lcore" in l for l in lines), lines


def test_no_nic_port(gateway):
    rc, lines = run(gateway, ["-l", "0,1"], [])
    assert rc == 1
    assert any("no NIC port" in l for l in lines), lines


def test_missing_twin_driver(gateway):
    """A twin driver that is not loaded: the line names the twin and
    suggests the plugin."""
    rc, lines = run(gateway, ["-l", "0,1", "--vdev", "net_null0"],
                    ["--twin-driver", "net_nosuchdriver"])
    assert rc == 1
    assert any(re.search(r"port 0: cannot make its twin net_nosuchdriver0,"
                         r"path=/dev/vhost-net,iface=dp0,", l)
               for l in lines), lines


def test_twin_without_vhost_net(gateway, vxpath_plugin, tmp_path):
    """vxpath twins whose path is no vhost-net device (so iface= is
    refused): vxpath's line names the devarg, the gateway's the twin; no
    TAP is left."""
    missing = str(tmp_path / "no-vhost-net")
    rc, lines = run(gateway, ["-l", "0,1", "-d", vxpath_plugin,
                              "--vdev", "net_null0"],
                    ["--twin-devargs", "path=%s,iface=%%t,mac=%%m" % missing,
                     "--tap-name", "0=vxgwopt0"])
    assert rc == 1
    assert any("cannot make its twin net_vxpath0" in l for l in lines), lines
    assert not os.path.exists("/sys/class/net/vxgwopt0")
