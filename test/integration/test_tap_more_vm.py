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
#   (`port config mtu`) is not taken for the kernel's;
# - what the kernel takes on the TAP (TUNSETOFFLOAD): `show port xstats 0`
#   lists tap_offload_csum, _tso4, _tso6, _tso_ecn (1), _uso4, _uso6 (1
#   from Linux 6.2 on; the VM's bookworm kernel, 6.1, has no USO in tun:
#   0; test_tap_more_vm_trixie runs the same scene on Debian 13's kernel,
#   6.12, where they must be 1), and one INFO line at probe names those
#   taken;
# - tap_attach=1 (iface=vxpers0, queues=2) to a persistent multi-queue TAP
#   made with `ip tuntap add ... multi_queue`, up with an address: the
#   probe attaches to it, its MAC stays its own, testpmd's icmpecho answers
#   a kernel ping through it, ipv4= is added and, after quit (exit 0),
#   removed, and the TAP stays: persistent, multi-queue, up, its own
#   address;
# - tap_attach=1 refused in one line naming the devarg and the kernel's
#   text: no such TAP ("No such device"; none is made), a TAP made without
#   multi_queue for two queues ("Invalid argument"; it stays).
#
# Fixtures vm, vm_trixie and vm_out_dir: conftest.py; the VM helpers:
# vmrun.py.

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
    "offload_xstat_csum": "1", "offload_xstat_tso4": "1",
    "offload_xstat_tso6": "1", "offload_xstat_tso_ecn": "1",
    "offload_info": "1",
    "mtu_quit_exit": "0",
    "attach_probe": "1", "attach_mac_kept": "yes", "attach_ipv4": "yes",
    "attach_own_ipv4": "yes", "attach_ping": "ok",
    "attach_quit_exit": "0", "attach_quit_exists": "yes",
    "attach_quit_persist": "1", "attach_quit_multi_queue": "1",
    "attach_quit_up": "yes", "attach_quit_own_ipv4": "yes",
    "attach_quit_ipv4_gone": "no", "attach_quit_mac": "yes",
    "noattach_errline": "1", "noattach_noport": "1", "noattach_no_tap": "no",
    "noattach_quit_exit": "0",
    "noattach_mq_errline": "1", "noattach_mq_noport": "1",
    "noattach_mq_quit_exit": "0", "noattach_mq_tap_kept": "yes",
    "verdict": "pass",
}


def run_tap_more(vm_out_dir, kernel=None):
    """Run tap-more.sh in the VM (kernel: see vmrun.run) and check every
    key; return the results."""
    plugin = vmrun.plugin_into_out(vm_out_dir)
    rc, stdout = vmrun.run(TAP_MORE, vm_out_dir, ["--plugin", plugin],
                           kernel=kernel)
    console = os.path.join(vm_out_dir, "console.log")
    results = os.path.join(vm_out_dir, "tap-more.txt")
    res = vmrun.results(results, rc, console)
    # USO in tun came with Linux 6.2: the script says what this kernel
    # (res["kernel"]) should take.
    want = dict(WANT)
    want["offload_xstat_uso4"] = want["offload_xstat_uso6"] = \
        res.get("want_uso", "?")
    print("guest kernel %s: USO %s" % (res.get("kernel"),
                                      res.get("want_uso")))
    fails = ["%s = %r, expected %s" % (k, res.get(k), v)
             for k, v in want.items() if res.get(k) != v]
    if fails or rc != 0:
        pytest.fail("TAP, more:\n  %s\nrun-in-vm.sh exited %d\n"
                    "results: %r\nVM console (tail):\n%s" %
                    ("\n  ".join(fails), rc, res, vmrun.tail(console)))
    return res


def test_tap_more_vm(vm, vm_out_dir):
    """The TAP's MTU changed from the kernel's side, as the port sees it;
    the TAP's offloads in xstats; tap_attach=1 and its refusals."""
    run_tap_more(vm_out_dir)


def test_tap_more_vm_trixie(vm_trixie, vm_out_dir):
    """The same on Debian 13's kernel (6.12): the TAP takes USO too
    (tap_offload_uso4 and _uso6 are 1)."""
    res = run_tap_more(vm_out_dir, kernel="trixie")
    assert res.get("want_uso") == "1", \
        "kernel %s: USO not expected from tun" % res.get("kernel")
