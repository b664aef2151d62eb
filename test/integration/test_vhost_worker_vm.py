# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The vhost worker's kind (devarg vhost_worker=, issue 18) over the real
# vhost-net in the test VM (test/vm/vhost-worker.sh), on two kernels:
# - forky (Linux 7.2, run-in-vm.sh --kernel forky): VHOST_SET_FORK_FROM_
#   OWNER chooses; vhost_worker=kthread gives a kernel thread of its own
#   (parent kthreadd), task a thread of testpmd's, auto vxpath's choice;
#   the probe's line names each, and testpmd answers the kernel's pings
#   through the TAP with each;
# - bookworm (Linux 6.1, the default VM): no such ioctl; auto logs "the
#   kernel's own kind" and works, kthread fails the probe in one line.
# About 90 s of VM time for each kernel. The forky case skips when that
# kernel cannot be had (build-vm.sh --kernel forky exits 2).
#
# Fixtures vm and vm_out_dir: conftest.py; the VM helpers: vmrun.py.

import os
import subprocess

import pytest

import vmrun

SCENE = os.path.join(vmrun.REPO, "test", "vm", "vhost-worker.sh")

WANT_FORKY = {
    "kernel_can_choose": "yes",
    "want_kthread_log": "kthread", "want_kthread_thread": "kthread",
    "want_task_log": "vhost_task", "want_task_thread": "task",
    "want_auto_log": "kthread", "want_auto_thread": "kthread",
    "want_kthread_ping": "ok", "want_task_ping": "ok",
    "want_auto_ping": "ok",
    "want_kthread_quit_exit": "0", "want_task_quit_exit": "0",
    "want_auto_quit_exit": "0",
    "verdict": "pass",
}
WANT_BOOKWORM = {
    "kernel_can_choose": "no",
    "want_auto_log": "kernel", "want_auto_ping": "ok",
    "want_auto_quit_exit": "0",
    "kthread_refused": "1", "kthread_noport": "1",
    "verdict": "pass",
}


@pytest.fixture(scope="module")
def forky_vm():
    """The VM with Debian 14's kernel (build-vm.sh --kernel forky); skips
    when it cannot be had."""
    if os.geteuid() != 0:
        pytest.skip("the VM harness needs root")
    p = subprocess.run([vmrun.BUILD_VM, "--kernel", "forky"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=900)
    print(p.stdout)
    if p.returncode == 2:
        pytest.skip("no forky-kernel VM on this machine: " +
                    p.stdout.strip())
    assert p.returncode == 0, \
        "test/vm/build-vm.sh --kernel forky failed:\n" + p.stdout
    return p.stdout


def _run(out_dir, kernel, want):
    plugin = vmrun.plugin_into_out(out_dir)
    rc, _ = vmrun.run(SCENE, out_dir, ["--plugin", plugin], kernel=kernel)
    console = os.path.join(out_dir, "console.log")
    results = os.path.join(out_dir, "vhost-worker.txt")
    res = vmrun.results(results, rc, console)
    fails = ["%s = %r, expected %s" % (k, res.get(k), v)
             for k, v in want.items() if res.get(k) != v]
    if fails or rc != 0:
        pytest.fail("vhost worker (%s kernel):\n  %s\nrun-in-vm.sh exited "
                    "%d\nresults: %r\nVM console (tail):\n%s" %
                    (kernel or "bookworm", "\n  ".join(fails), rc, res,
                     vmrun.tail(console)))


def test_vhost_worker_forky(forky_vm, vm_out_dir):
    """Linux 7.2: each kind asked is the kind the worker has, and works."""
    _run(vm_out_dir, "forky", WANT_FORKY)


def test_vhost_worker_bookworm(vm, vm_out_dir):
    """Linux 6.1: auto takes the kernel's kind; kthread is refused."""
    _run(vm_out_dir, None, WANT_BOOKWORM)
