# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The exception path against the real Linux vhost-net, inside the test VM
# (test/vm/: QEMU under TCG with Debian's kernel, since the build machines'
# kernel has no vhost-net). The VM runs devtools/exception-path.sh: a
# network namespace pings and fetches 300 KB over HTTP from the kernel
# through dpdk-testpmd, net_af_packet on a veth <-> vxpath over
# /dev/vhost-net and a TAP. The scene writes key=value results to the VM's
# results directory; this test asserts on them: every ping answered, the
# file arrived intact, packets counted both ways on both ports, and port 1
# driven by net_vxpath.
#
# Skips only when the VM cannot be had (not root, no QEMU, no Debian kernel
# package): test/vm/build-vm.sh exits 2 then and says why. A missing
# plugin is a failure, not a skip.
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.
#
# Environment:
#   VXPATH_PLUGIN         the plugin to use (else taken from the build dir)
#   VXPATH_BUILD_DIR      build directory (default: <repo>/build)
#   VXPATH_TEST_LOGDIR    keep the VM's console log, the scene's results
#                         and testpmd's log there (default: pytest's tmp_path)
#   VXPATH_TEST_UPSTREAM  1: also run the scene with DPDK's own
#                         net_virtio_user (checks the harness itself)
#   VXPATH_VM_TIMEOUT     hard limit on one VM run, seconds (default 240)

import os

import pytest

import vmrun

SCENE = os.path.join(vmrun.REPO, "devtools", "exception-path.sh")
GUEST_OUT = vmrun.GUEST_OUT
HTTP_SIZE = 307200
PING_COUNT = 5
# The multi-queue scene's parallel TCP flows: FLOWS up and FLOWS down at
# once, FLOW_BYTES each (exception-path.sh --flows, --flow-bytes).
FLOWS = 8
FLOW_BYTES = 524288
MQ_QUEUES = 2


def run_scene(driver, out_dir, extra=()):
    """Run the scene in the VM; return (results dict, console log path).
    Fails the test when the VM or the scene produced no results."""
    results = os.path.join(out_dir, "results.txt")
    rc, stdout = vmrun.run(SCENE, out_dir,
                           ["--driver", driver,
                            "--results", GUEST_OUT + "/results.txt"] +
                           list(extra))
    console = os.path.join(out_dir, "console.log")
    # The scene's own summary, for the test report.
    print(stdout[-6000:])
    res = vmrun.results(results, rc, console)
    res["_rc"] = str(rc)
    return res, console


def check_scene(res, console, driver_name):
    """Assert on what crossed; one message listing every failed check."""
    def num(k):
        return vmrun.number(res, k, -1)

    fails = []
    if num("ping_received") != PING_COUNT:
        fails.append("ping: %s of %d replies" %
                     (res.get("ping_received"), PING_COUNT))
    if res.get("http_sha256_match") != "1":
        fails.append("http: sha256 sent %s, got %s" %
                     (res.get("http_sha256_sent"), res.get("http_sha256_got")))
    if num("http_bytes") != HTTP_SIZE:
        fails.append("http: %s of %d bytes" % (res.get("http_bytes"),
                                               HTTP_SIZE))
    if res.get("port1_driver") != driver_name:
        fails.append("port 1 driver name %r, expected %r" %
                     (res.get("port1_driver"), driver_name))
    for port in (0, 1):
        for d in ("rx", "tx"):
            k = "port%d_%s_packets" % (port, d)
            if num(k) <= 0:
                fails.append("%s = %r" % (k, res.get(k)))
    # The HTTP payload came from the kernel: in through port 1 (the TAP
    # side), out through port 0 (the veth side).
    for k in ("port1_rx_bytes", "port0_tx_bytes"):
        if num(k) < HTTP_SIZE:
            fails.append("%s = %r, less than the %d bytes of the file" %
                         (k, res.get(k), HTTP_SIZE))
    if res.get("verdict") != "pass" or res.get("_rc") != "0":
        fails.append("scene verdict %s, exit status %s" %
                     (res.get("verdict"), res.get("_rc")))
    if fails:
        pytest.fail("exception path through %s:\n  %s\nresults: %r\n"
                    "VM console (tail):\n%s" %
                    (driver_name, "\n  ".join(fails), res,
                     vmrun.tail(console)))


def test_exception_path_vxpath(vm, vm_out_dir):
    """Ping and HTTP from a namespace to the kernel through testpmd with
    vxpath over the real vhost-net."""
    # The plugin goes into the results directory, the guest's
    # /run/vxpath/out: visible there wherever the build directory is.
    plugin = vmrun.plugin_into_out(vm_out_dir)
    res, console = run_scene("vxpath", vm_out_dir, ["--plugin", plugin])
    check_scene(res, console, "net_vxpath")


@pytest.mark.skipif(os.environ.get("VXPATH_TEST_UPSTREAM") != "1",
                    reason="VXPATH_TEST_UPSTREAM=1 runs the harness check "
                           "with DPDK's net_virtio_user")
def test_exception_path_upstream(vm, vm_out_dir):
    """The same scene with DPDK's own net_virtio_user: checks the VM and
    the scene themselves."""
    res, console = run_scene("upstream", vm_out_dir)
    check_scene(res, console, "net_virtio_user")


def test_exception_path_vxpath_multiqueue(vm, vm_out_dir):
    """queues=2,cq=1 over vhost-net: the TAP is multi-queue with both
    queues attached (VQ_PAIRS_SET), the scene's traffic crosses, the
    port's promiscuous mode is the TAP's PROMISC flag (on at testpmd's
    start-up, off and on again with `set promisc`), the kernel's ping
    replies still arrive while it is off (the TAP has the port's MAC: what
    the kernel sends through it is never addressed to that, and the
    driver must not filter it; app/vxpath-gateway's twins never turn
    promiscuous mode on), and both TAP queues carry traffic each way.

    For the last, 16 TCP flows run at once between the namespace and a
    kernel socket on the TAP's address (8 up, 8 down, 512 KiB each, each
    with its own source port; every flow's SHA-256 must match). testpmd
    runs --rxq=2 --txq=2 on both ports and io-forwards Rx queue K of one
    port to Tx queue K of the other. Towards the kernel, net_af_packet with
    qpairs=2 puts its two sockets in one PACKET_FANOUT group hashed by flow,
    so each flow lands on af_packet Rx queue 0 or 1, hence vxpath Tx queue
    0 or 1, hence TAP queue 0 or 1. Towards DPDK, tun picks the queue of
    a flow by its hash (automatic steering to the queue the flow last
    came in on), hence vxpath Rx queue 0 or 1. Both hashes are salted at
    boot, so which flow goes where is not fixed; but all 16 landing on the
    same queue has odds of 2 in 2^16, so the test asserts that every queue
    of port 1 counted packets both ways during the flows
    (rx_qK_good_packets, tx_qK_good_packets > 0, no queue error).

    The TAP itself has no per-queue packet counters to cross-check:
    /sys/class/net/<tap>/queues/tx-K holds tx_timeout, tx_maxrate and
    byte_queue_limits only, and tun has no ethtool statistics (`ethtool
    -S` fails); the scene records both (tap_ethtool_stats,
    tap_queue_tx0_sysfs)."""
    plugin = vmrun.plugin_into_out(vm_out_dir)
    res, console = run_scene("vxpath", vm_out_dir,
                             ["--plugin", plugin, "--queues", str(MQ_QUEUES),
                              "--flows", str(FLOWS),
                              "--flow-bytes", str(FLOW_BYTES)])
    check_scene(res, console, "net_vxpath")
    want = {"tap_queues": str(MQ_QUEUES), "tap_promisc_start": "1",
            "tap_promisc_after_off": "0", "tap_promisc_after_on": "1",
            "ping_promisc_off_received": "3",
            "flows_intact": str(2 * FLOWS)}
    fails = ["%s = %r, expected %s" % (k, res.get(k), v)
             for k, v in want.items() if res.get(k) != v]
    counts = []
    for q in range(MQ_QUEUES):
        for d in ("rx", "tx"):
            k = "flows_port1_%s_q%d_good_packets" % (d, q)
            v = res.get(k, "")
            counts.append("%s=%s" % (k, v))
            if not v.isdigit() or int(v) == 0:
                fails.append("%s = %r: queue %d carried nothing %s" %
                             (k, v, q, "from the TAP" if d == "rx"
                              else "to the TAP"))
            k = "flows_port1_%s_q%d_errors" % (d, q)
            if res.get(k) != "0":
                fails.append("%s = %r" % (k, res.get(k)))
            k = "flows_port0_%s_q%d_packets" % (d, q)
            counts.append("%s=%s" % (k, res.get(k)))
    print("per-queue packets during the flows: " + " ".join(counts))
    if fails:
        pytest.fail("multi-queue TAP and Rx mode:\n  %s\nresults: %r\n"
                    "VM console (tail):\n%s" %
                    ("\n  ".join(fails), res, vmrun.tail(console)))
