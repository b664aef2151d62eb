# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Transmit coalescing (devarg tx_coalesce=1) against the real Linux
# vhost-net and TAP, inside the test VM (test/vm/): test/vm/coalesce.sh
# runs dpdk-testpmd's io forwarding between net_af_packet on a veth (a
# network namespace behind it, its offloads off, so that its kernel sends
# one MSS per segment) and vxpath over /dev/vhost-net, once with
# tx_coalesce=0 and once with tx_coalesce=1, and each time moves 8 MiB over
# TCP from the namespace to a kernel socket on the TAP's IPv4 address, then
# on its IPv6 address, both ends hashing the payload.
#
# Asserts on counts only, never on timing:
#   - the four transfers complete, 8 MiB each, SHA-256 equal at both ends;
#   - port 1 is net_vxpath, no Tx error on it;
#   - port 1's Tx packets equal port 0's Rx packets (the application's
#     packets, counted so also when merged), and the TAP's frames equal
#     port 1's packets - coalesced_segments + coalesced_frames (within 1%);
#   - tx_coalesce=0 merges nothing; tx_coalesce=1 merges TCP/IPv4 and the
#     TAP takes fewer than a quarter of tx_coalesce=0's frames per MiB;
#     the same for TCP/IPv6 where the DPDK's GRO has RTE_GRO_TCP_IPV6
#     (23.07 and later; the driver's probe line says), else nothing merged;
#   - no mbuf of testpmd's pool in use after `port stop all` (none leaked).
# The summary is printed (pytest -s); the VM's results directory keeps
# coalesce.txt and testpmd's logs.
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.
# Environment: VXPATH_PLUGIN, VXPATH_BUILD_DIR, VXPATH_TEST_LOGDIR,
# VXPATH_VM_TIMEOUT (see vmrun.py).

import os

import pytest

import vmrun

COALESCE = os.path.join(vmrun.REPO, "test", "vm", "coalesce.sh")
BYTES = 8 * 1024 * 1024
STALL_TIMEOUT = 60


def _close(a, b):
    """a and b within 1% (of the larger) plus 4: the counters are read a
    few milliseconds apart and the kernel may send an ARP in between."""
    return abs(a - b) <= 0.01 * max(a, b) + 4


def test_tx_coalesce_vhost_net(vm, vm_out_dir):
    plugin = vmrun.plugin_into_out(vm_out_dir)
    rc, stdout = vmrun.run(COALESCE, vm_out_dir,
                           ["--plugin", plugin, "--bytes", str(BYTES),
                            "--timeout", str(STALL_TIMEOUT)],
                           timeout=max(vmrun.VM_TIMEOUT, 600))
    res, summary, console = vmrun.summary_results(
        vm_out_dir, "coalesce.txt", rc, stdout, "=== vxpath tx_coalesce")

    def num(k):
        return vmrun.number(res, k)

    fails = []
    gro6 = res.get("C1_gro_ipv6") == "1"
    mib = max(BYTES // (1024 * 1024), 1)
    for c in (0, 1):
        if res.get("C%d_driver1" % c) != "net_vxpath":
            fails.append("tx_coalesce=%d: port 1 driven by %r" %
                         (c, res.get("C%d_driver1" % c)))
        if num("C%d_mempool_in_use" % c) != 0:
            fails.append("tx_coalesce=%d: %s mbufs in use after port stop"
                         % (c, res.get("C%d_mempool_in_use" % c)))
        for fam in (4, 6):
            run = "C%d_%d_" % (c, fam)
            sent, got = num(run + "sent_bytes"), num(run + "recv_bytes")
            if sent != BYTES or got != BYTES:
                fails.append("%s: %s bytes sent, %s received, %d wanted "
                             "(client: %s)" % (run, sent, got, BYTES,
                                               res.get(run + "client_error")
                                               or "ok"))
            s1, s2 = res.get(run + "sent_sha256"), res.get(run + "recv_sha256")
            if not s1 or s1 != s2:
                fails.append("%s: sha256 sent %s, received %s" %
                             (run, s1, s2))
            for k in ("p1_tx_errors", "p1_tx_q0_errors"):
                if num(run + k) != 0:
                    fails.append("%s: %s = %s" % (run, k, res.get(run + k)))
            p1, p0 = num(run + "p1_tx_good_packets"), \
                num(run + "p0_rx_good_packets")
            if p1 is None or p0 is None or not _close(p1, p0):
                fails.append("%s: port 1 Tx packets %s, port 0 Rx packets "
                             "%s" % (run, p1, p0))
            segs = num(run + "p1_tx_q0_coalesced_segments")
            frames = num(run + "p1_tx_q0_coalesced_frames")
            tap = num(run + "tap_rx_packets")
            if None in (segs, frames, tap, p1) or \
                    not _close(tap, p1 - segs + frames):
                fails.append("%s: TAP rx %s frames, port 1 %s packets - %s "
                             "coalesced + %s frames" %
                             (run, tap, p1, segs, frames))
            if c == 0 or (fam == 6 and not gro6):
                if segs != 0:
                    fails.append("%s: %s packets coalesced, none expected"
                                 % (run, segs))
                continue
            if not segs:
                fails.append("%s: no packet coalesced" % run)
            off = num("C0_%d_tap_rx_packets" % fam)
            if tap is None or off is None or not tap * 4 < off:
                fails.append("%s: the TAP took %s frames per MiB with "
                             "tx_coalesce=1, %s without: not below a "
                             "quarter" % (run, tap and tap // mib,
                                          off and off // mib))
    if fails:
        pytest.fail("tx_coalesce against vhost-net:\n  %s\nsummary:\n%s\n"
                    "VM console (tail):\n%s" %
                    ("\n  ".join(fails), summary, vmrun.tail(console)))
