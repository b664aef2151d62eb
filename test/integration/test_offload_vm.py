# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# TSO and LRO of vxpath against the real Linux vhost-net and TAP, inside
# the test VM (test/vm/): test/vm/tso-lro.sh runs dpdk-testpmd's csum
# engine between net_af_packet on a veth (a network namespace behind it)
# and vxpath over /dev/vhost-net, with port 1's Tx offloads TCP_TSO and
# TCP/UDP/IPv4 checksum and Rx offloads TCP_LRO and TCP checksum, then
# moves 8 MiB over TCP three times, each end hashing the payload: from the
# namespace to a kernel socket on the TAP's address ("up"), back from that
# socket ("down"), and from the namespace through the kernel, routing, to
# a second namespace behind a veth with neither TSO nor checksum offload
# ("routed"): there the kernel must cut vxpath's TSO frames into segments
# and complete their checksums from the pseudo-header sum vxpath wrote,
# which the second namespace's kernel checks (a socket on the TAP's
# address takes a TSO frame whole and trusts its partial checksum).
#
# The frames larger than the MTU come from the kernels themselves (the
# script's default --mode netns-tso; its header says why testpmd 22.11's
# GRO and GSO cannot be the source with net_af_packet): the namespace's
# TSO gives af_packet whole TCP segments that vxpath must send as
# virtio-net GSO frames, and the kernel's TCP sends GSO frames through the
# TAP that vxpath must receive whole.
#
# Asserts on counts only, never on timing:
#   - the three transfers complete, 8 MiB each, SHA-256 equal at both
#     ends;
#   - port 1 is net_vxpath; in up and routed it sent frames larger than
#     1518 bytes (tx_q0_size_1519_max_packets > 0: TSO frames the kernel
#     took), in down it received some (rx_q0_size_1519_max_packets > 0:
#     LRO frames from the kernel); in routed the kernel sent at least
#     8 MiB / 1448 segments on the second veth;
#   - no Rx or Tx error on port 1 (a header vxpath refused, or one it
#     could not build);
#   - the TAP's kernel counters agree with port 1's, direction by direction
#     (the TAP's tx is port 1's Rx, the TAP's rx its Tx; packets and
#     bytes), and the payload crossed the TAP in the expected direction;
#   - none of the three kernels (root, namespace, second namespace)
#     counted a TCP checksum error or a bad IP header.
# The summary table is printed (pytest -s); the VM's results directory
# keeps tso-lro.txt, testpmd's log and the guest kernel's log.
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.
# Environment: VXPATH_PLUGIN, VXPATH_BUILD_DIR, VXPATH_TEST_LOGDIR,
# VXPATH_VM_TIMEOUT (see vmrun.py).

import os

import pytest

import vmrun

TSO_LRO = os.path.join(vmrun.REPO, "test", "vm", "tso-lro.sh")
BYTES = 8 * 1024 * 1024
STALL_TIMEOUT = 60
TSO_SEGSZ = 1448
PHASES = (("up", "namespace -> kernel socket"),
          ("down", "kernel socket -> namespace"),
          ("routed", "namespace -> kernel router -> second namespace"))


def _close(a, b):
    """a and b within 1% (of the larger) plus 4: the counters are read a
    few milliseconds apart and the kernel may send an ARP in between."""
    return abs(a - b) <= 0.01 * max(a, b) + 4


def test_tso_lro_vhost_net(vm, vm_out_dir):
    plugin = vmrun.plugin_into_out(vm_out_dir)
    rc, stdout = vmrun.run(TSO_LRO, vm_out_dir,
                           ["--plugin", plugin, "--bytes", str(BYTES),
                            "--timeout", str(STALL_TIMEOUT)])
    console = os.path.join(vm_out_dir, "console.log")
    results = os.path.join(vm_out_dir, "tso-lro.txt")
    start = stdout.find("=== vxpath TSO/LRO")
    summary = stdout[start:].split("vm-init:")[0] if start >= 0 else ""
    print(summary)
    print("VM results: %s (console log %s)" % (results, console))
    res = vmrun.results(results, rc, console)

    def num(k):
        return vmrun.number(res, k)

    fails = []
    if res.get("driver1") != "net_vxpath":
        fails.append("port 1 driven by %r, not net_vxpath" %
                     res.get("driver1"))
    for ph, what in PHASES:
        sent, got = num(ph + "_sent_bytes"), num(ph + "_recv_bytes")
        if sent != BYTES or got != BYTES:
            fails.append("%s (%s): %s bytes sent, %s received, %d wanted "
                         "(client: %s; server: %s)" %
                         (ph, what, sent, got, BYTES,
                          res.get(ph + "_client_error") or "ok",
                          res.get(ph + "_server_error") or "ok"))
        s1, s2 = res.get(ph + "_sent_sha256"), res.get(ph + "_recv_sha256")
        if not s1 or s1 != s2:
            fails.append("%s: sha256 sent %s, received %s" % (ph, s1, s2))
        for k in ("p1_rx_q0_errors", "p1_tx_q0_errors", "p1_rx_errors",
                  "p1_tx_errors"):
            if num(ph + "_" + k) != 0:
                fails.append("%s: port 1 %s = %s" %
                             (ph, k[3:], res.get(ph + "_" + k)))
        for tap, port in (("tap_tx_packets", "p1_rx_good_packets"),
                          ("tap_tx_bytes", "p1_rx_good_bytes"),
                          ("tap_rx_packets", "p1_tx_good_packets"),
                          ("tap_rx_bytes", "p1_tx_good_bytes")):
            a, b = num(ph + "_" + tap), num(ph + "_" + port)
            if a is None or b is None or not _close(a, b):
                fails.append("%s: TAP %s %s, port 1 %s %s" %
                             (ph, tap[4:], a, port[3:], b))
        for k in ("TcpInCsumErrors", "IpInHdrErrors"):
            for ns in ("root", "ns", "srv"):
                key = "%s_%s_%s" % (ph, ns, k)
                if num(key) != 0:
                    fails.append("%s: %s = %s" % (ph, key, res.get(key)))
        # The payload crossed the TAP in the phase's direction.
        key = ph + ("_tap_tx_bytes" if ph == "down" else "_tap_rx_bytes")
        if (num(key) or 0) < BYTES:
            fails.append("%s: %s = %s, less than the payload" %
                         (ph, key, res.get(key)))
    for ph in ("up", "routed"):
        tso = num(ph + "_p1_tx_q0_size_1519_max_packets")
        if not tso:
            fails.append("%s: port 1 sent %s frames larger than 1518 "
                         "bytes: no TSO frame reached the kernel" % (ph, tso))
    segs = num("routed_fwd_tx_packets")
    if segs is None or segs < BYTES // TSO_SEGSZ:
        fails.append("routed: the kernel sent %s packets on the second veth,"
                     " fewer than %d segments: it did not cut the TSO "
                     "frames" % (segs, BYTES // TSO_SEGSZ))
    lro = num("down_p1_rx_q0_size_1519_max_packets")
    if not lro:
        fails.append("down: port 1 received %s frames larger than 1518 "
                     "bytes: no LRO frame from the kernel" % lro)
    if fails:
        pytest.fail("TSO/LRO against vhost-net:\n  %s\nsummary:\n%s\n"
                    "VM console (tail):\n%s" %
                    ("\n  ".join(fails), summary, vmrun.tail(console)))
