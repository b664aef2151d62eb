# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The TAP ready to use from devargs alone (issue 18), over the real
# vhost-net in the test VM (test/vm/tap-config.sh): testpmd with
# --vdev=virtio_user0,path=/dev/vhost-net,iface=vxcfg0,ipv4=...,ipv6=...,
# gateway4=...,gateway6=... and, read from the kernel's side with `ip -j`:
# - at probe the TAP exists but is down and has no address;
# - `port start 0` sets it UP with carrier, gives it both addresses and
#   both default routes, and the port's MTU (from --max-pkt-len, through
#   dev_configure), and the port's link comes up;
# - `set link-down port 0` takes the carrier away (NO-CARRIER) and the
#   port's link goes down; `set link-up port 0` brings both back;
# - `port stop 0` sets the TAP down (no default route left) and the link
#   down; `port start 0` gives everything again;
# - the kernel pings an address behind the port (testpmd's icmpecho);
# - after quit (exit 0) the TAP is gone and no route is left;
# - a start that cannot add gateway4= (a blackhole default route exists)
#   fails with one line naming gateway4= and "File exists", leaves the TAP
#   down, and the TAP is gone after quit; with metric=100 the start
#   succeeds beside that route, both default routes with metric 100;
# - a probe that fails after the TAP was made (packed_vq=1 on vhost-net)
#   leaves no TAP behind, while testpmd still runs;
# - netns=: the TAP is made in a namespace (`ip -n NS -j ...`), not in the
#   root one; a start gives it its addresses and routes there, the port's
#   link follows it, a ping from the namespace is answered, a stop sets it
#   down; after quit it is gone from the namespace, which stays;
# - bridge= (a bridge made in that namespace, with the address): the TAP
#   is its port after each start (a ping from the namespace through the
#   bridge is answered behind the port), released at stop, and the bridge
#   has no port after quit;
# - netns= of a namespace that does not exist fails the probe with one
#   line naming netns= and "No such file or directory", and no TAP;
# - bridge= of an interface that does not exist fails the start with one
#   line naming bridge= and "No such device"; the TAP is left down.
# The bad devargs (malformed address, prefix out of range, ipv4= with a
# vhost-user socket...) are in test_bad_devargs.py: they need no VM.
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.

import os

import pytest

import vmrun

TAP_CONFIG = os.path.join(vmrun.REPO, "test", "vm", "tap-config.sh")

# What each step must show (tap-config.sh's keys).
WANT = {
    "probe_tap": "yes", "probe_up": "no", "probe_ipv4": "no",
    "start_up": "yes", "start_carrier": "yes", "start_ipv4": "yes",
    "start_ipv6": "yes", "start_gateway4": "yes", "start_gateway6": "yes",
    "start_link": "up", "start_mtu_follows": "yes",
    "start_mtu_not_1500": "yes",
    "linkdown_nocarrier": "yes", "linkdown_up": "yes",
    "linkdown_link": "down",
    "linkup_nocarrier": "no", "linkup_link": "up",
    "stop_up": "no", "stop_gateway4": "no", "stop_gateway6": "no",
    "stop_link": "down",
    "restart_up": "yes", "restart_carrier": "yes", "restart_ipv4": "yes",
    "restart_ipv6": "yes", "restart_gateway4": "yes",
    "restart_gateway6": "yes", "restart_link": "up",
    "ping": "ok",
    "quit_exit": "0", "quit_tap_gone": "yes", "quit_gateway4": "0",
    "quit_gateway6": "0",
    "fail_errline": "1", "fail_up": "no", "fail_link": "down",
    "fail_quit_exit": "0", "fail_tap_gone": "yes",
    "metric_gateway4": "1", "metric_gateway6": "1", "metric_blackhole": "1",
    "metric_link": "up", "metric_quit_exit": "0", "metric_quit_routes": "0",
    "probefail_noport": "1", "probefail_tap_gone": "yes",
    "probefail_quit_exit": "0",
    "netns_probe_tap": "yes", "netns_probe_root": "no",
    "netns_probe_up": "no",
    "netns_start_up": "yes", "netns_start_carrier": "yes",
    "netns_start_ipv4": "yes", "netns_start_ipv6": "yes",
    "netns_start_gateway4": "yes", "netns_start_gateway6": "yes",
    "netns_start_link": "up", "netns_ping": "ok", "netns_stop_up": "no",
    "netns_quit_exit": "0", "netns_quit_tap_gone": "yes",
    "netns_quit_ns_kept": "1",
    "nons_errline": "1", "nons_noport": "1", "nons_no_tap": "yes",
    "nons_quit_exit": "0",
    "br_probe_master": "none", "br_start_master": "vxcfgbr0",
    "br_start_up": "yes", "br_start_link": "up", "br_ping": "ok",
    "br_stop_master": "none", "br_restart_master": "vxcfgbr0",
    "br_quit_exit": "0", "br_quit_tap_gone": "yes", "br_quit_ports": "0",
    "nobr_errline": "1", "nobr_up": "no", "nobr_master": "none",
    "nobr_link": "down", "nobr_quit_exit": "0", "nobr_tap_gone": "yes",
    "verdict": "pass",
}


def test_tap_config_vm(vm, vm_out_dir):
    """ipv4=, ipv6=, gateway4=, gateway6=, tap_up (default), netns=,
    bridge=, metric=, the port's MTU, set link-up/down and port start/stop,
    as the kernel sees them."""
    plugin = vmrun.plugin_into_out(vm_out_dir)
    rc, stdout = vmrun.run(TAP_CONFIG, vm_out_dir, ["--plugin", plugin])
    console = os.path.join(vm_out_dir, "console.log")
    results = os.path.join(vm_out_dir, "tap-config.txt")
    res = vmrun.results(results, rc, console)
    print("MTU: port %s, TAP %s" % (res.get("start_mtu_port"),
                                    res.get("start_mtu_tap")))
    fails = ["%s = %r, expected %s" % (k, res.get(k), v)
             for k, v in WANT.items() if res.get(k) != v]
    if fails or rc != 0:
        pytest.fail("TAP configuration:\n  %s\nrun-in-vm.sh exited %d\n"
                    "results: %r\nVM console (tail):\n%s" %
                    ("\n  ".join(fails), rc, res, vmrun.tail(console)))
