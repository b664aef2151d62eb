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
    res, summary, console = vmrun.summary_results(
        vm_out_dir, "tso-lro.txt", rc, stdout, "=== vxpath TSO/LRO")

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


# UDP segmentation (USO) end to end: test/vm/uso.sh in the VM with Debian
# 13's kernel (tun has USO from Linux 6.2 on; the default VM's 6.1 has
# not). app/vxpath-usofwd, not testpmd, forwards between net_af_packet on
# a veth and vxpath: testpmd 22.11's csum engine marks UDP frames
# RTE_MBUF_F_TX_UDP_SEG only together with its own software GSO, which cuts
# them before the driver (see the script's header). Four phases of 48
# super-frames of 16 datagrams of 1400 bytes, sent with the UDP_SEGMENT
# socket option:
#   tx4, tx6: namespace -> kernel router -> second namespace. vxpath sends
#     each super-frame as one GSO_UDP_L4 frame; the kernel cuts it for a
#     veth without offloads and completes each datagram's checksum from
#     the pseudo-header sum vxpath wrote. Asserted: every datagram arrives
#     intact (sequence, body, SHA-256), no UDP checksum error in any
#     namespace, 48 frames marked for USO and larger than 1518 bytes on
#     port 1, fewer frames on the TAP than datagrams, a packet per
#     datagram on the routed veth.
#   rx4, rx6: root namespace -> namespace through the TAP. vxpath never
#     negotiates GUEST_USO4/6 (offload.h: DPDK 22.11 cannot represent a
#     coalesced UDP frame on receive), so the TAP has no UDP segmentation
#     and the kernel cuts its own super-frames before it. Asserted: that
#     (tx-udp-segmentation off while TCP segmentation is on), no UDP frame
#     with RTE_MBUF_F_RX_LRO or larger than 1518 bytes on port 1, no Rx
#     error, every datagram intact in the namespace.
USO = os.path.join(vmrun.REPO, "test", "vm", "uso.sh")
USO_FRAMES, USO_SEGS = 48, 16
# Measured: 121 s in the VM on a quiet machine, 237 s while other VMs ran.
USO_VM_TIMEOUT = max(vmrun.VM_TIMEOUT, 420)


def test_uso_vhost_net_trixie(vm_trixie, vm_out_dir):
    plugin = vmrun.plugin_into_out(vm_out_dir)
    app = vmrun.app_into_out(vm_out_dir, "vxpath-usofwd")
    rc, stdout = vmrun.run(USO, vm_out_dir,
                           ["--plugin", plugin, "--app", app,
                            "--frames", str(USO_FRAMES),
                            "--segs", str(USO_SEGS)],
                           kernel="trixie", timeout=USO_VM_TIMEOUT)
    results = os.path.join(vm_out_dir, "uso.txt")
    res, summary, console = vmrun.summary_results(
        vm_out_dir, "uso.txt", rc, stdout, "=== vxpath USO")

    def num(k):
        return vmrun.number(res, k)

    dgrams = USO_FRAMES * USO_SEGS
    fails = ["uso.sh: " + f for f in _fail_lines(results)]
    for k, want in (("driver1", "net_vxpath"), ("tap_offload_uso4", "1"),
                    ("tap_offload_uso6", "1"), ("tap_uso", "off"),
                    ("tap_tso", "on"), ("verdict", "pass")):
        if res.get(k) != want:
            fails.append("%s = %r, expected %r" % (k, res.get(k), want))
    for ph in ("tx4", "rx4", "tx6", "rx6"):
        udp = "Udp6" if ph.endswith("6") else "Udp"
        if num(ph + "_recv_good") != dgrams:
            fails.append("%s: %s good datagrams of %d" %
                         (ph, res.get(ph + "_recv_good"), dgrams))
        if not res.get(ph + "_sent_sha256") or \
                res.get(ph + "_sent_sha256") != res.get(ph + "_recv_sha256"):
            fails.append("%s: sha256 sent %s, received %s" %
                         (ph, res.get(ph + "_sent_sha256"),
                          res.get(ph + "_recv_sha256")))
        for ns in ("root", "ns", "srv"):
            key = "%s_%s_%sInCsumErrors" % (ph, ns, udp)
            if num(key) != 0:
                fails.append("%s = %s" % (key, res.get(key)))
        for k in ("app_vx_rx_errors", "app_vx_tx_errors", "app_vx_tx_drop"):
            if num(ph + "_" + k) != 0:
                fails.append("%s_%s = %s" % (ph, k, res.get(ph + "_" + k)))
        if ph.startswith("tx"):
            frames = num(ph + "_tap_rx_packets")
            if num(ph + "_app_udp_seg") != USO_FRAMES:
                fails.append("%s: %s frames marked for USO, %d sent" %
                             (ph, res.get(ph + "_app_udp_seg"), USO_FRAMES))
            if frames is None or not USO_FRAMES <= frames < dgrams:
                fails.append("%s: the TAP received %s frames for %d "
                             "datagrams: no super-frame crossed it" %
                             (ph, frames, dgrams))
        else:
            big = ph + "_app_vx_rx_q0_size_1519_max_packets"
            if num(ph + "_app_vx_rx_udp_lro") != 0 or num(big) != 0:
                fails.append("%s: port 1 received UDP frames with LRO (%s) "
                             "or frames larger than 1518 bytes (%s)" %
                             (ph, res.get(ph + "_app_vx_rx_udp_lro"),
                              res.get(big)))
    if fails or rc != 0:
        pytest.fail("USO against vhost-net (run-in-vm.sh exited %d):\n  %s\n"
                    "summary:\n%s\nVM console (tail):\n%s" %
                    (rc, "\n  ".join(fails), summary, vmrun.tail(console)))


def _fail_lines(path):
    """The fail=... lines of a results file (vmrun.parse keeps the last)."""
    with open(path) as f:
        return [line[5:].rstrip("\n") for line in f
                if line.startswith("fail=")]
