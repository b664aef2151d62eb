# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The exception-path gateway (app/vxpath-gateway, issue 17) between two
# hosts in the test VM, over the real vhost-net (test/vm/gateway.sh): the
# fast path carries A <-> B (ping, 8 MiB of TCP with its SHA-256, IPv6
# with the kernel's neighbour discovery), the kernel answers for its own
# addresses and for TTL 1 through the twins, and a route added or deleted
# in the kernel is in the fast path within 100 ms. A real routing daemon,
# Debian's bird2 (devtools/setup.sh installs it), runs in B's namespace and
# on the gateway's kernel: their OSPF adjacency forms over the exception
# path (B's packets punted, the kernel's sent through the twin), the
# prefix B announces (10.8.8.0/24) is installed by the kernel (proto bird),
# mirrored into the fast path, and carries A's pings to 10.8.8.8; when the
# daemons stop, the route leaves both tables. Every check counts on
# both sides: the gateway's telemetry counters and the kernel's interface
# counters. Run three times: with vxpath twins, with DPDK's own
# net_virtio_user as the twin (the gateway uses its twins only through
# the ethdev API; the known driver checks the scene itself), and with
# vxpath twins and two forwarding lcores (two queue pairs per port, RSS
# on the NIC ports, twins with cq=1; four TCP flows, each lcore must have
# forwarded part of them).
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.

import os

import pytest

import vmrun

GATEWAY_SCENE = os.path.join(vmrun.REPO, "test", "vm", "gateway.sh")
# The scene's guest time under TCG: 125 to 200 s on a loaded 2-core host
# (the daemon check adds about 30 s), too close to vmrun's default limit.
SCENE_TIMEOUT = max(vmrun.VM_TIMEOUT, 360)

# What each check must show (gateway.sh's keys).
WANT = {
    "ping4_received": "20", "ping4_dups": "0", "ping4_fast_path": "yes",
    "tcp_sha256_equal": "yes", "tcp_transit_many": "yes",
    "tcp_fwd_99pct": "yes", "tcp_kernel_below_1pct": "yes",
    "local_received": "5", "local_through_twin": "yes",
    "ktcp_sha256_equal": "yes", "ktcp_drop_oversize": "0", "ktcp_cut": "yes",
    "ktcp6_sha256_equal": "yes", "ktcp6_drop_oversize": "0",
    "ktcp6_cut": "yes", "ktcp_a_csum_errors": "0", "ktcp6_a_csum_errors": "0",
    "ttl_exceeded": "yes", "ttl_punted": "yes",
    "ping6_received": "20", "ping6_dups": "0", "ping6_fast_path": "yes",
    "ping6_nd_by_kernel": "yes",
    "route_add_cmd_exit": "0", "route_ping_received": "5",
    "route_fast_path": "yes", "route_del_cmd_exit": "0",
    "route_gone_received": "0", "route_gone_unreachable": "yes",
    "route_add_delay_ms_under_100": "yes",
    "route_del_delay_ms_under_100": "yes",
    "metric_ping_received": "5", "metric_fast_path": "yes",
    "metric_punt_kernel_route": "0", "metric_fallback_received": "0",
    "metric_fallback_unreachable": "yes", "metric_fallback_punted": "yes",
    "metric_add_via_applied": "yes", "metric_add_unreach_applied": "yes",
    "metric_del_via_applied": "yes", "metric_del_unreach_applied": "yes",
    "daemon": "ran", "daemon_adjacency_full": "yes",
    "daemon_punted": "yes", "daemon_kernel_route_bird": "yes",
    "daemon_fib_grew": "yes", "daemon_ping_received": "5",
    "daemon_fast_path": "yes", "daemon_gw_stopped": "0",
    "daemon_b_stopped": "0", "daemon_route_withdrawn": "yes",
    "daemon_fib_withdrawn": "yes",
    "quit_exit": "0", "quit_summary": "yes", "quit_taps_gone": "yes",
    "verdict": "pass",
}


@pytest.mark.parametrize("twin,workers", [("vxpath", 1), ("upstream", 1),
                                          ("vxpath", 2)],
                         ids=["vxpath", "upstream", "vxpath-2lcores"])
def test_gateway_vm(vm, vm_out_dir, twin, workers):
    """A <-> B through the gateway: fast path, punts, routes, OSPF; with
    two forwarding lcores, each carries part of four TCP flows."""
    gateway = vmrun.app_into_out(vm_out_dir, "vxpath-gateway")
    args = ["--gateway", gateway, "--twin", twin, "--workers", str(workers)]
    if twin == "vxpath":
        args += ["--plugin", vmrun.plugin_into_out(vm_out_dir)]
    rc, stdout = vmrun.run(GATEWAY_SCENE, vm_out_dir, args,
                           timeout=SCENE_TIMEOUT)
    console = os.path.join(vm_out_dir, "console.log")
    tag = twin if workers == 1 else twin + "-mq"
    results = os.path.join(vm_out_dir, "gateway-%s.txt" % tag)
    res = vmrun.results(results, rc, console)
    print("%s twins: %s; TCP: %s transit, %s forwarded, %s to the twins'"
          " kernel; route delays %s / %s ms; OSPF Full after %s s" %
          (twin, res.get("summary"), res.get("tcp_transit_packets"),
           res.get("tcp_forwarded"), res.get("tcp_twins_kernel_rx"),
           res.get("route_add_delay_ms"), res.get("route_del_delay_ms"),
           res.get("daemon_adjacency_s")))
    want = dict(WANT)
    if workers == 2:
        want.update({"tcp_worker0_forwarded": "yes",
                     "tcp_worker1_forwarded": "yes"})
    fails = ["%s = %r, expected %s" % (k, res.get(k), v)
             for k, v in want.items() if res.get(k) != v]
    if fails or rc != 0:
        pytest.fail("gateway scene (%s twins):\n  %s\nrun-in-vm.sh exited "
                    "%d\nresults: %r\nVM console (tail):\n%s" %
                    (twin, "\n  ".join(fails), rc, res,
                     vmrun.tail(console)))
