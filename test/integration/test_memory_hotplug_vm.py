# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Memory hot-plug against the real Linux vhost-net, inside the test VM
# (test/vm/): the device's memory table (memory.c) follows DPDK memory
# mapped while the port runs for vhost-kernel too (VHOST_SET_MEM_TABLE sent
# again). test/vm/memgrow.sh runs app/vxpath-memgrow, an echo on one vxpath
# port over /dev/vhost-net, and sends frames into its TAP from a packet
# socket: first answered from the start-time mbuf pool, then, after the app
# made a new pool in hugepages EAL mapped for it, answered from copies in
# that pool. Asserts that every frame of both phases came back, that the
# second phase's were sent from the new pool, that vxpath saw the memory
# event and sent vhost-net a new table. (The same scene against a vxpath
# that sets the table only at start gets none of the second phase back.)
#
# The vhost-user side of memory hot-plug (SET_MEM_TABLE again, ADD_MEM_REG
# and REM_MEM_REG) is in test_protocol_features.py.
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.
# Environment: VXPATH_PLUGIN, VXPATH_BUILD_DIR, VXPATH_TEST_LOGDIR,
# VXPATH_VM_TIMEOUT (see vmrun.py).

import os
import shutil

import pytest

import vmrun

MEMGROW = os.path.join(vmrun.REPO, "test", "vm", "memgrow.sh")
APP = os.path.join("app", "vxpath-memgrow", "vxpath-memgrow")
FRAMES = 200


def _app_into_out(out_dir):
    """Copy app/vxpath-memgrow of the build directory into out_dir (the
    guest sees it wherever the build is); return its path in the guest."""
    build_dir = os.path.abspath(os.environ.get(
        "VXPATH_BUILD_DIR", os.path.join(vmrun.REPO, "build")))
    built = os.path.join(build_dir, APP)
    if not os.path.isfile(built):
        pytest.fail("%s not built (ninja -C %s)" % (built, build_dir))
    os.makedirs(out_dir, exist_ok=True)
    shutil.copy2(built, os.path.join(out_dir, "vxpath-memgrow"))
    return vmrun.GUEST_OUT + "/vxpath-memgrow"


def test_vhost_net_memory_hotplug_vm(vm, vm_out_dir):
    """vhost-kernel: frames in memory DPDK mapped after the port started
    cross vhost-net, as those in the start-time memory do."""
    plugin = vmrun.plugin_into_out(vm_out_dir)
    app = _app_into_out(vm_out_dir)
    rc, stdout = vmrun.run(MEMGROW, vm_out_dir,
                           ["--plugin", plugin, "--app", app,
                            "--frames", str(FRAMES)])
    console = os.path.join(vm_out_dir, "console.log")
    results = os.path.join(vm_out_dir, "memgrow.txt")
    app_log = os.path.join(vm_out_dir, "memgrow.app.log")
    res = vmrun.results(results, rc, console)

    def num(k):
        return vmrun.number(res, k, -1)

    fails = []
    for p in ("before", "after"):
        if num(p + "_echoed") != FRAMES:
            fails.append("%s: %s of %d frames came back" %
                         (p, res.get(p + "_echoed"), FRAMES))
    if res.get("app_grown") != "1":
        fails.append("the app did not make its second pool")
    if num("app_tx_grown") < FRAMES:
        fails.append("app sent %s frames from the new pool, expected %d" %
                     (res.get("app_tx_grown"), FRAMES))
    if num("mem_events") < 1:
        fails.append("vxpath saw no DPDK memory allocated while started")
    if num("tables") < 2:
        fails.append("vxpath sent vhost-net %s memory tables, expected "
                     "one at start and one after the growth" %
                     res.get("tables"))
    if res.get("app_rc") != "0":
        fails.append("app exited %s" % res.get("app_rc"))
    print("memgrow: %r" % res)
    if fails or rc != 0:
        pytest.fail("vhost-net memory hot-plug:\n  %s\nrun-in-vm.sh exited "
                    "%d\nresults: %r\napp log (tail):\n%s\nVM console "
                    "(tail):\n%s" % ("\n  ".join(fails), rc, res,
                                     vmrun.tail(app_log, 30),
                                     vmrun.tail(console, 30)))
