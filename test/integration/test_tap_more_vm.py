# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# More of the TAP ready to use (issue 18), over the real vhost-net in the
# test VM (test/vm/tap-more.sh), read from the kernel's side with `ip -j`
# and from testpmd's:
# - the TAP's MTU changed from the kernel's side (`ip link set dev TAP mtu
#   N`): the port's MTU in `show port info 0` follows, one INFO line gives
#   the old and the new MTU, testpmd prints the LSC event; an MTU whose
#   frames do not fit the Rx buffers (9000 with 2048-byte mbufs) gives the
#   WARNING naming the MTU and the buffer size; the port's own MTU change
#   (`port config mtu`) is not taken for the kernel's.
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.

import os

import pytest

import vmrun

TAP_MORE = os.path.join(vmrun.REPO, "test", "vm", "tap-more.sh")

# What each step must show (tap-more.sh's keys).
WANT = {
    "mtu_start_port": "1500",
    "mtu_small_tap": "1400", "mtu_small_port": "1400",
    "mtu_small_info": "1", "mtu_small_lsc": "1",
    "mtu_big_port": "9000", "mtu_big_info": "1", "mtu_big_warning": "1",
    "mtu_big_lsc": "2",
    "mtu_own_tap": "1500", "mtu_own_info": "0",
    "mtu_quit_exit": "0",
    "verdict": "pass",
}


def test_tap_more_vm(vm, vm_out_dir):
    """The TAP's MTU changed from the kernel's side, as the port sees it."""
    plugin = vmrun.plugin_into_out(vm_out_dir)
    rc, stdout = vmrun.run(TAP_MORE, vm_out_dir, ["--plugin", plugin])
    console = os.path.join(vm_out_dir, "console.log")
    results = os.path.join(vm_out_dir, "tap-more.txt")
    if not os.path.isfile(results):
        pytest.fail("tap-more.sh wrote no results (run-in-vm.sh exited "
                    "%d); VM console:\n%s" % (rc, vmrun.tail(console)))
    res = vmrun.parse(results)
    fails = ["%s = %r, expected %s" % (k, res.get(k), v)
             for k, v in WANT.items() if res.get(k) != v]
    if fails or rc != 0:
        pytest.fail("TAP, more:\n  %s\nrun-in-vm.sh exited %d\n"
                    "results: %r\nVM console (tail):\n%s" %
                    ("\n  ".join(fails), rc, res, vmrun.tail(console)))
